#include "postings.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "format.h"
#include "structure.h"

/* Inverts the stream: positions of term t land in pos[start[t] .. start[t+1]).
 * Each thread takes one slice of the stream; its own count of every term
 * tells where its positions go, so the scatter needs no lock and the result
 * is the same for any number of threads. */
static int invert(const nq_postings_input *in, const uint64_t *start, uint32_t *pos)
{
    int T = in->threads > 0 ? in->threads : 1;
    uint64_t nt = in->n_terms;
    uint32_t *counts = calloc((size_t)T * (nt ? nt : 1), sizeof *counts);
    uint64_t *slice_pos = calloc((size_t)T + 1, sizeof *slice_pos);
    if (!counts || !slice_pos) {
        free(counts);
        free(slice_pos);
        return -1;
    }
#pragma omp parallel num_threads(T)
    {
        int t = omp_get_thread_num();
        uint64_t lo = in->len * (uint64_t)t / (uint64_t)T, hi = in->len * (uint64_t)(t + 1) / (uint64_t)T;
        uint32_t *cnt = counts + (size_t)t * nt;
        uint64_t tokens = 0;
        for (uint64_t i = lo; i < hi; i++)
            if (in->stream[i] < NQ_ID_MARK) {
                cnt[in->stream[i]]++;
                tokens++;
            }
        slice_pos[t + 1] = tokens;
#pragma omp barrier
#pragma omp single
        {
            for (int k = 0; k < T; k++)
                slice_pos[k + 1] += slice_pos[k];
        }
        /* turn the counts into write cursors: this slice writes after the
         * earlier slices' positions of the same term */
#pragma omp for schedule(static)
        for (uint64_t term = 0; term < nt; term++) {
            uint64_t at = start[term];
            for (int k = 0; k < T; k++) {
                uint32_t c = counts[(size_t)k * nt + term];
                counts[(size_t)k * nt + term] = (uint32_t)at;
                at += c;
            }
        }
        uint32_t p = (uint32_t)slice_pos[t];
        for (uint64_t i = lo; i < hi; i++) {
            uint32_t id = in->stream[i];
            if (id < NQ_ID_MARK)
                pos[cnt[id]++] = p++;
        }
    }
    free(counts);
    free(slice_pos);
    return 0;
}

typedef struct chunk {
    uint32_t first, last;   /* terms [first, last) */
    size_t at, used;        /* region in the scratch buffer */
} chunk;

/* Cuts the terms into about 8 chunks per thread of similar total length. */
static size_t list_bound(const nq_postings_input *in, uint64_t n)
{
    return in->codec == NQ_POSTINGS_COMPACT ? nq_ilist_bound(n) : nq_plist_bound(n);
}

static size_t plan_chunks(const nq_postings_input *in, int T, chunk *ch, size_t max_chunks)
{
    uint64_t target = in->tokens / ((uint64_t)T * 8) + 1, acc = 0;
    size_t n = 0, at = 0, region = 0;
    uint32_t first = 0;
    for (uint32_t t = 0; t < in->n_terms; t++) {
        acc += in->cf[t];
        region += list_bound(in, in->cf[t]);
        if ((acc >= target && n + 1 < max_chunks) || t + 1 == in->n_terms) {
            ch[n++] = (chunk){first, t + 1, at, 0};
            at += region;
            first = t + 1;
            acc = 0;
            region = 0;
        }
    }
    return n;
}

static nq_status encode_lists(const nq_postings_input *in, const uint64_t *start, const uint32_t *pos,
                              uint64_t *offsets, uint8_t **post, size_t *post_len, nq_error *err)
{
    int T = in->threads > 0 ? in->threads : 1;
    size_t max_chunks = (size_t)T * 8 + 1;
    chunk *ch = malloc(max_chunks * sizeof *ch);
    if (!ch)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory encoding postings");
    size_t n_chunks = plan_chunks(in, T, ch, max_chunks);
    size_t scratch_len = n_chunks ? ch[n_chunks - 1].at : 0;
    for (uint32_t t = n_chunks ? ch[n_chunks - 1].first : 0; t < in->n_terms; t++)
        scratch_len += list_bound(in, in->cf[t]);
    uint8_t *scratch = malloc(scratch_len ? scratch_len : 1);
    if (!scratch) {
        free(ch);
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory encoding postings (%zu bytes)", scratch_len);
    }
    int bic = in->codec == NQ_POSTINGS_COMPACT;
#pragma omp parallel for num_threads(T) schedule(dynamic, 1)
    for (size_t k = 0; k < n_chunks; k++) {
        size_t used = 0;
        for (uint32_t t = ch[k].first; t < ch[k].last; t++) {
            offsets[t] = used; /* relative to the chunk until the final pass */
            uint8_t *dst = scratch + ch[k].at + used;
            used += bic ? nq_ilist_encode(pos + start[t], in->cf[t], dst)
                        : nq_plist_encode(pos + start[t], in->cf[t], dst);
        }
        ch[k].used = used;
    }
    size_t total = 0;
    for (size_t k = 0; k < n_chunks; k++)
        total += ch[k].used;
    uint8_t *out = malloc(total ? total : 1);
    if (!out) {
        free(ch);
        free(scratch);
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory encoding postings");
    }
    size_t at = 0;
    for (size_t k = 0; k < n_chunks; k++) {
        memcpy(out + at, scratch + ch[k].at, ch[k].used);
        for (uint32_t t = ch[k].first; t < ch[k].last; t++)
            offsets[t] += at;
        at += ch[k].used;
    }
    offsets[in->n_terms] = total;
    free(ch);
    free(scratch);
    *post = out;
    *post_len = total;
    return NQ_OK;
}

static nq_status encode_dir(const uint64_t *offsets, uint64_t n_terms, uint32_t codec, uint8_t **pdir,
                            size_t *pdir_len, nq_error *err)
{
    unsigned width = nq_bits_for(offsets[n_terms]);
    size_t len = 16 + nq_bitpack_bytes(n_terms + 1, width);
    uint8_t *d = malloc(len);
    if (!d)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory encoding the postings directory");
    uint32_t w32 = width;
    memcpy(d, &n_terms, 8);
    memcpy(d + 8, &w32, 4);
    memcpy(d + 12, &codec, 4);
    nq_bitpack_write(d + 16, offsets, n_terms + 1, width);
    *pdir = d;
    *pdir_len = len;
    return NQ_OK;
}

nq_status nq_postings_build(const nq_postings_input *in, uint8_t **post, size_t *post_len, uint8_t **pdir,
                            size_t *pdir_len, nq_error *err)
{
    *post = *pdir = NULL;
    uint64_t nt = in->n_terms;
    uint64_t *start = malloc((nt + 1) * sizeof *start);
    uint64_t *offsets = malloc((nt + 1) * sizeof *offsets);
    uint32_t *pos = malloc((in->tokens ? in->tokens : 1) * sizeof *pos);
    nq_status st = NQ_OK;
    if (!start || !offsets || !pos) {
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory building postings (%llu positions)",
                     (unsigned long long)in->tokens);
        goto done;
    }
    start[0] = 0;
    for (uint64_t t = 0; t < nt; t++)
        start[t + 1] = start[t] + in->cf[t];
    if (start[nt] != in->tokens) {
        st = nq_fail(err, NQ_ERR_ARG, "term frequencies add up to %llu, not %llu tokens",
                     (unsigned long long)start[nt], (unsigned long long)in->tokens);
        goto done;
    }
    if (invert(in, start, pos)) {
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory inverting the token stream");
        goto done;
    }
    st = encode_lists(in, start, pos, offsets, post, post_len, err);
    if (!st)
        st = encode_dir(offsets, nt, in->codec == NQ_POSTINGS_COMPACT ? NQ_PDIR_INTERPOLATIVE : NQ_PDIR_PFOR, pdir,
                        pdir_len, err);
    if (st) {
        free(*post);
        *post = NULL;
    }
done:
    free(start);
    free(offsets);
    free(pos);
    return st;
}

nq_status nq_postings_open(nq_postings *p, const uint8_t *post, size_t post_len, const uint8_t *pdir,
                           size_t pdir_len, uint64_t n_terms, nq_error *err)
{
    memset(p, 0, sizeof *p);
    uint64_t terms;
    uint32_t width, codec;
    if (pdir_len < 16)
        return nq_fail(err, NQ_ERR_CORRUPT, "section PDIR: too short");
    memcpy(&terms, pdir, 8);
    memcpy(&width, pdir + 8, 4);
    memcpy(&codec, pdir + 12, 4);
    if (codec != NQ_PDIR_PFOR && codec != NQ_PDIR_INTERPOLATIVE)
        return nq_fail(err, NQ_ERR_VERSION, "section PDIR: postings codec %u unknown to this ngramq", codec);
    if (terms != n_terms || width > NQ_BITPACK_MAX_WIDTH ||
        pdir_len != 16 + nq_bitpack_bytes(terms + 1, width))
        return nq_fail(err, NQ_ERR_CORRUPT, "section PDIR: header does not match %llu terms",
                       (unsigned long long)n_terms);
    nq_packed_init(&p->dir, pdir + 16, terms + 1, width);
    uint64_t prev = 0;
    for (uint64_t t = 0; t <= terms; t++) {
        uint64_t off = nq_packed_get(&p->dir, t);
        if (off < prev || (t == 0 && off) || (t == terms && off != post_len))
            return nq_fail(err, NQ_ERR_CORRUPT, "section PDIR: offset of term %llu out of order",
                           (unsigned long long)t);
        prev = off;
    }
    p->post = post;
    p->post_len = post_len;
    p->n_terms = n_terms;
    p->codec = codec;
    return NQ_OK;
}

int nq_postings_list(const nq_postings *p, uint32_t term, uint64_t n, nq_posting_list *out)
{
    if (term >= p->n_terms)
        return -1;
    uint64_t a = nq_packed_get(&p->dir, term), b = nq_packed_get(&p->dir, term + 1);
    out->codec = p->codec;
    if (p->codec == NQ_PDIR_INTERPOLATIVE)
        return nq_ilist_open(&out->bic, p->post + a, (size_t)(b - a), n);
    return nq_plist_open(&out->pfor, p->post + a, (size_t)(b - a), n);
}

int nq_posting_list_decode(const nq_posting_list *l, uint32_t *out, nq_simd simd)
{
    return l->codec == NQ_PDIR_INTERPOLATIVE ? nq_ilist_decode_all(&l->bic, out)
                                             : nq_plist_decode_all(&l->pfor, out, simd);
}

void nq_posting_cursor_init(nq_posting_cursor *c, const nq_posting_list *l, nq_simd simd)
{
    c->list = *l;
    if (l->codec == NQ_PDIR_INTERPOLATIVE)
        nq_ilist_cursor_init(&c->bic, &c->list.bic);
    else
        nq_plist_cursor_init(&c->pfor, &c->list.pfor, simd);
}

int nq_posting_cursor_next_geq(nq_posting_cursor *c, uint32_t target, uint32_t *out)
{
    return c->list.codec == NQ_PDIR_INTERPOLATIVE ? nq_ilist_cursor_next_geq(&c->bic, target, out)
                                                  : nq_plist_cursor_next_geq(&c->pfor, target, out);
}

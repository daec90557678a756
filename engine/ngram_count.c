#include "ngram_count.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "bitpack.h"
#include "error.h"
#include "format.h"

/* A candidate occurrence. Once its bucket is counted, prefix is reused for
 * the n-gram's rank within the bucket (NQ_ID_NONE when it was pruned). */
typedef struct cand {
    uint32_t prefix;     /* rank of the (n-1)-gram at pos */
    uint32_t word;       /* term id of the n-gram's last token */
    uint32_t pos;
    uint32_t doc;
} cand;

typedef struct kept {
    uint64_t key;        /* prefix << 32 | word */
    uint32_t count, df;
} kept;

/* Per-thread scratch for counting buckets, reused from bucket to bucket. */
typedef struct bucket_scratch {
    cand *tmp;
    size_t tmp_cap;
    kept *kept;
    size_t kept_cap;
} bucket_scratch;

/* Buckets of a level: prefix rank ranges of about equal candidate weight.
 * The weight of a prefix is its own count, an upper bound on the candidates
 * that start with it. Buckets are rank ranges, so their sorted outputs
 * concatenate in key order. A rank's bucket is found from a coarse table
 * (one entry per 2^shift ranks, small enough for L2) and a short forward
 * scan of first[], with no per-rank or per-position array. */
typedef struct bucket_plan {
    uint32_t first[65536 + 1];  /* first rank of each bucket, non-decreasing; [n] = n_prefixes */
    uint32_t n;
    unsigned shift;
    uint16_t *coarse;           /* bucket of rank i << shift */
    size_t coarse_cap;
} bucket_plan;

static inline uint32_t bucket_of(const bucket_plan *pl, uint32_t rank)
{
    uint32_t b = pl->coarse[rank >> pl->shift];
    while (pl->first[b + 1] <= rank)
        b++;
    return b;
}

static int plan_buckets(bucket_plan *pl, const uint32_t *weight, uint64_t n_prefixes)
{
    uint64_t total = 0;
    for (uint64_t r = 0; r < n_prefixes; r++)
        total += weight[r];
    uint64_t want = total / 16384 + 1;
    pl->n = want > 65536 ? 65536 : (uint32_t)want;
    /* first[b] = first rank whose cumulative weight reaches b / n of the total */
    uint64_t cum = 0, r = 0;
    for (uint32_t b = 0; b < pl->n; b++) {
        while (r < n_prefixes && (total ? cum * pl->n / total : 0) < b) {
            cum += weight[r];
            r++;
        }
        pl->first[b] = b == 0 ? 0 : (uint32_t)r;
    }
    pl->first[pl->n] = (uint32_t)n_prefixes;
    unsigned bits = nq_bits_for(n_prefixes);
    pl->shift = bits > 16 ? bits - 16 : 0;
    size_t nc = (size_t)(n_prefixes >> pl->shift) + 1;
    if (nc > pl->coarse_cap) {
        free(pl->coarse);
        pl->coarse = malloc(nc * sizeof *pl->coarse);
        pl->coarse_cap = pl->coarse ? nc : 0;
        if (!pl->coarse)
            return -1;
    }
    uint32_t b = 0;
    for (size_t i = 0; i < nc; i++) {
        uint64_t rank = (uint64_t)i << pl->shift;
        while (b + 1 < pl->n && pl->first[b + 1] <= rank)
            b++;
        pl->coarse[i] = (uint16_t)b;
    }
    return 0;
}

/* Work shared by the phases of one level. */
typedef struct level_job {
    const nq_count_input *in;
    int n;
    const uint32_t *prev;       /* rank of the kept (n-1)-gram at each position, or NQ_ID_NONE */
    const bucket_plan *plan;
    const uint32_t *bucket_first; /* first prefix rank of each bucket */
    unsigned word_bits;         /* bits of the largest term id */
    uint32_t n_buckets;
    int threads;
    uint64_t *counts;           /* [thread][bucket] candidates, then write cursors */
    uint64_t *bucket_begin;     /* n_buckets + 1 */
    cand *cands;                /* borrowed: reused across levels */
    kept **bucket_kept;         /* per bucket, sorted */
    uint64_t *bucket_nkept;
    uint64_t *kept_base;        /* n_buckets + 1 */
} level_job;

void nq_ngram_level_free(nq_ngram_level *level)
{
    free(level->parent);
    free(level->word);
    free(level->count);
    free(level->df);
    memset(level, 0, sizeof *level);
}

static uint64_t thread_lo(uint64_t len, int t, int threads)
{
    return len * (uint64_t)t / (uint64_t)threads;
}

static uint64_t doc_of(const nq_count_input *in, uint64_t pos)
{
    uint64_t lo = 0, hi = in->n_docs;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (in->doc_start[mid] <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? lo - 1 : 0;
}

static inline int is_candidate(const level_job *j, uint64_t p)
{
    return j->prev[p] != NQ_ID_NONE && p + 1 < j->in->len && j->prev[p + 1] != NQ_ID_NONE;
}

static void count_candidates(level_job *j, int t)
{
    uint64_t *cnt = j->counts + (size_t)t * j->n_buckets;
    uint64_t hi = thread_lo(j->in->len, t + 1, j->threads);
    for (uint64_t p = thread_lo(j->in->len, t, j->threads); p < hi; p++)
        if (is_candidate(j, p))
            cnt[bucket_of(j->plan, j->prev[p])]++;
}

/* Software write-combining: candidates for a bucket gather in a cache-line
 * buffer and go out four at a time, so the scatter into hundreds of buckets
 * writes whole lines instead of touching a line per candidate. */
enum { WC_CANDS = 4 };
typedef struct wc_line {
    _Alignas(64) cand c[WC_CANDS];
} wc_line;

static void scatter_candidates(level_job *j, int t)
{
    const nq_count_input *in = j->in;
    uint64_t *cursor = j->counts + (size_t)t * j->n_buckets;
    uint64_t lo = thread_lo(in->len, t, j->threads), hi = thread_lo(in->len, t + 1, j->threads);
    /* aligned_alloc wants a size that is a multiple of the alignment */
    size_t wc_bytes = (j->n_buckets * sizeof(wc_line) + 63) & ~(size_t)63;
    wc_line *wc = aligned_alloc(64, wc_bytes);
    uint8_t *fill = calloc(j->n_buckets, 1);
    uint64_t d = doc_of(in, lo);
    for (uint64_t p = lo; p < hi; p++) {
        while (d + 1 < in->n_docs && in->doc_start[d + 1] <= p)
            d++;
        if (!is_candidate(j, p))
            continue;
        uint32_t r = j->prev[p], b = bucket_of(j->plan, r);
        cand c = {r, in->stream[p + (uint64_t)j->n - 1], (uint32_t)p, (uint32_t)d};
        if (!wc || !fill) {
            j->cands[cursor[b]++] = c; /* no buffer memory: write directly */
            continue;
        }
        wc[b].c[fill[b]] = c;
        if (++fill[b] == WC_CANDS) {
            memcpy(&j->cands[cursor[b]], wc[b].c, sizeof wc[b].c);
            cursor[b] += WC_CANDS;
            fill[b] = 0;
        }
    }
    for (uint32_t b = 0; wc && fill && b < j->n_buckets; b++) {
        if (!fill[b])
            continue;
        memcpy(&j->cands[cursor[b]], wc[b].c, fill[b] * sizeof(cand));
        cursor[b] += fill[b];
    }
    free(wc);
    free(fill);
}

/* Turns per-thread counts into write cursors: bucket-major, thread-minor,
 * so each bucket's candidates are contiguous and in position order. */
static uint64_t layout_buckets(level_job *j)
{
    uint64_t total = 0;
    for (uint32_t b = 0; b < j->n_buckets; b++) {
        j->bucket_begin[b] = total;
        for (int t = 0; t < j->threads; t++) {
            uint64_t *c = &j->counts[(size_t)t * j->n_buckets + b];
            uint64_t k = *c;
            *c = total;
            total += k;
        }
    }
    j->bucket_begin[j->n_buckets] = total;
    return total;
}

static inline uint64_t sort_key(const cand *c, uint32_t first, unsigned word_bits)
{
    return (uint64_t)(c->prefix - first) << word_bits | c->word;
}

static int reserve_scratch(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    free(*p);
    *p = malloc(need * elem);
    *cap = *p ? need : 0;
    return *p ? 0 : -1;
}

/* Stable LSD radix sort of a bucket's candidates by (prefix, word), 11 bits
 * a pass over the few bits the bucket's keys use (its prefixes are a small
 * rank range). Stability keeps equal n-grams in position order. */
enum { RADIX_BITS = 11, RADIX = 1 << RADIX_BITS };

static void sort_bucket(cand *c, cand *tmp, uint64_t n, uint32_t first, unsigned word_bits)
{
    uint64_t max = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t k = sort_key(&c[i], first, word_bits);
        max = k > max ? k : max;
    }
    unsigned passes = (nq_bits_for(max) + RADIX_BITS - 1) / RADIX_BITS;
    uint32_t hist[6][RADIX];
    memset(hist, 0, sizeof hist[0] * passes);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t k = sort_key(&c[i], first, word_bits);
        for (unsigned p = 0; p < passes; p++)
            hist[p][(k >> (p * RADIX_BITS)) & (RADIX - 1)]++;
    }
    cand *src = c, *dst = tmp;
    for (unsigned p = 0; p < passes; p++) {
        uint32_t *h = hist[p], sum = 0;
        if (h[(sort_key(&c[0], first, word_bits) >> (p * RADIX_BITS)) & (RADIX - 1)] == n)
            continue; /* every key has the same digit here */
        for (int v = 0; v < RADIX; v++) {
            uint32_t k = h[v];
            h[v] = sum;
            sum += k;
        }
        for (uint64_t i = 0; i < n; i++)
            dst[h[(sort_key(&src[i], first, word_bits) >> (p * RADIX_BITS)) & (RADIX - 1)]++] = src[i];
        cand *t = src;
        src = dst;
        dst = t;
    }
    if (src != c)
        memcpy(c, src, n * sizeof *c);
}

/* Counts one bucket: sorts it, then each run of equal n-grams is one
 * n-gram, kept (with its document frequency) when the run is at least
 * min_count long. Each candidate is left with its local rank. */
static int count_bucket(level_job *j, uint32_t b, bucket_scratch *s)
{
    cand *c = j->cands + j->bucket_begin[b];
    uint64_t nc = j->bucket_begin[b + 1] - j->bucket_begin[b];
    j->bucket_kept[b] = NULL;
    j->bucket_nkept[b] = 0;
    if (nc == 0)
        return 0;
    if (reserve_scratch((void **)&s->tmp, &s->tmp_cap, nc, sizeof *s->tmp) ||
        reserve_scratch((void **)&s->kept, &s->kept_cap, nc / j->in->min_count + 1, sizeof *s->kept))
        return -1;
    sort_bucket(c, s->tmp, nc, j->bucket_first[b], j->word_bits);
    uint64_t nk = 0;
    for (uint64_t i = 0; i < nc;) {
        uint64_t e = i + 1;
        uint32_t df = 1;
        while (e < nc && c[e].prefix == c[i].prefix && c[e].word == c[i].word) {
            df += c[e].doc != c[e - 1].doc;
            e++;
        }
        uint32_t rank = NQ_ID_NONE;
        if (e - i >= j->in->min_count) {
            rank = (uint32_t)nk;
            s->kept[nk++] = (kept){(uint64_t)c[i].prefix << 32 | c[i].word, (uint32_t)(e - i), df};
        }
        for (; i < e; i++)
            c[i].prefix = rank;
    }
    if (nk) {
        j->bucket_kept[b] = malloc(nk * sizeof *s->kept);
        if (!j->bucket_kept[b])
            return -1;
        memcpy(j->bucket_kept[b], s->kept, nk * sizeof *s->kept);
    }
    j->bucket_nkept[b] = nk;
    return 0;
}

static int alloc_level(nq_ngram_level *lv, uint64_t n)
{
    size_t m = n ? n : 1;
    lv->n = n;
    lv->parent = malloc(m * sizeof *lv->parent);
    lv->word = malloc(m * sizeof *lv->word);
    lv->count = malloc(m * sizeof *lv->count);
    lv->df = malloc(m * sizeof *lv->df);
    return lv->parent && lv->word && lv->count && lv->df ? 0 : -1;
}

static void store_bucket(const level_job *j, uint32_t b, nq_ngram_level *lv)
{
    uint64_t base = j->kept_base[b];
    const kept *k = j->bucket_kept[b];
    for (uint64_t r = 0; r < j->bucket_nkept[b]; r++) {
        lv->parent[base + r] = (uint32_t)(k[r].key >> 32);
        lv->word[base + r] = (uint32_t)k[r].key;
        lv->count[base + r] = k[r].count;
        lv->df[base + r] = k[r].df;
    }
}

/* Leaves the rank of the kept n-gram at each position for the next level,
 * with the bucket it will fall in there. Within a bucket the candidates are
 * sorted, so the ranks, and the lookups in the next plan, go up in order. */
static void mark_bucket(const level_job *j, uint32_t b, uint32_t *next)
{
    uint64_t base = j->kept_base[b];
    const cand *c = j->cands + j->bucket_begin[b];
    uint64_t nc = j->bucket_begin[b + 1] - j->bucket_begin[b];
    for (uint64_t i = 0; i < nc; i++) {
        if (c[i].prefix == NQ_ID_NONE)
            continue;
        uint32_t rank = (uint32_t)(base + c[i].prefix);
        next[c[i].pos] = rank;
    }
}

static void free_job(level_job *j)
{
    if (j->bucket_kept)
        for (uint32_t b = 0; b < j->n_buckets; b++)
            free(j->bucket_kept[b]);
    free(j->bucket_kept);
    free(j->bucket_nkept);
    free(j->kept_base);
    free(j->bucket_begin);
    free(j->counts);
}

/* Counts level n. When a next level follows, plans its buckets and marks
 * the positions where a kept n-gram starts. */
typedef struct level_io {
    uint32_t *next;
    bucket_plan *next_plan;     /* NULL at the last level */
    cand **cands;
    uint64_t *cands_cap;
} level_io;

static nq_status run_level(level_job *j, nq_ngram_level *lv, level_io *io, nq_error *err)
{
    cand **cands = io->cands;
    uint64_t *cands_cap = io->cands_cap;
    j->counts = calloc((size_t)j->threads * j->n_buckets, sizeof *j->counts);
    j->bucket_begin = malloc((j->n_buckets + 1) * sizeof *j->bucket_begin);
    j->bucket_kept = calloc(j->n_buckets, sizeof *j->bucket_kept);
    j->bucket_nkept = calloc(j->n_buckets, sizeof *j->bucket_nkept);
    j->kept_base = malloc((j->n_buckets + 1) * sizeof *j->kept_base);
    if (!j->counts || !j->bucket_begin || !j->bucket_kept || !j->bucket_nkept || !j->kept_base)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory counting %d-grams", j->n);

#pragma omp parallel for num_threads(j->threads) schedule(static, 1)
    for (int t = 0; t < j->threads; t++)
        count_candidates(j, t);
    uint64_t total = layout_buckets(j);
    /* The largest level comes first, so this allocates once; the pages stay
     * mapped for the later levels instead of being faulted in again. */
    if (total > *cands_cap) {
        free(*cands);
        *cands = malloc(total * sizeof **cands);
        *cands_cap = *cands ? total : 0;
        if (!*cands)
            return nq_fail(err, NQ_ERR_NOMEM, "out of memory: %llu %d-gram candidates",
                           (unsigned long long)total, j->n);
    }
    j->cands = *cands;
#pragma omp parallel for num_threads(j->threads) schedule(static, 1)
    for (int t = 0; t < j->threads; t++)
        scatter_candidates(j, t);

    int failed = 0;
#pragma omp parallel num_threads(j->threads) reduction(| : failed)
    {
        bucket_scratch s = {0};
#pragma omp for schedule(dynamic, 1)
        for (uint32_t b = 0; b < j->n_buckets; b++)
            if (!failed)
                failed |= count_bucket(j, b, &s) != 0;
        free(s.tmp);
        free(s.kept);
    }
    if (failed)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory counting %d-grams", j->n);

    j->kept_base[0] = 0;
    for (uint32_t b = 0; b < j->n_buckets; b++)
        j->kept_base[b + 1] = j->kept_base[b] + j->bucket_nkept[b];
    if (alloc_level(lv, j->kept_base[j->n_buckets]))
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory storing %d-grams", j->n);
#pragma omp parallel for num_threads(j->threads) schedule(dynamic, 16)
    for (uint32_t b = 0; b < j->n_buckets; b++)
        store_bucket(j, b, lv);
    if (!io->next_plan || lv->n == 0)
        return NQ_OK;
    if (plan_buckets(io->next_plan, lv->count, lv->n))
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory planning %d-grams", j->n + 1);
    memset(io->next, 0xFF, j->in->len * sizeof *io->next);
#pragma omp parallel for num_threads(j->threads) schedule(dynamic, 16)
    for (uint32_t b = 0; b < j->n_buckets; b++)
        mark_bucket(j, b, io->next);
    return NQ_OK;
}

static void init_unigram_ranks(const nq_count_input *in, uint32_t *prev, int threads)
{
#pragma omp parallel for num_threads(threads) schedule(static)
    for (uint64_t p = 0; p < in->len; p++) {
        uint32_t id = in->stream[p];
        int frequent = id < NQ_ID_MARK && in->cf[id] >= in->min_count;
        prev[p] = frequent ? id : NQ_ID_NONE;
    }
}

nq_status nq_count_ngrams(const nq_count_input *in, nq_ngram_level *levels, nq_error *err)
{
    if (in->max_n < 2 || in->len == 0)
        return NQ_OK;
    int threads = in->threads > 0 ? in->threads : omp_get_max_threads();
    uint32_t *prev = malloc(in->len * sizeof *prev);
    uint32_t *next = malloc(in->len * sizeof *next);
    bucket_plan *plan = calloc(2, sizeof *plan);
    cand *cands = NULL;
    uint64_t cands_cap = 0;
    nq_status st = NQ_OK;
    if (!prev || !next || !plan || plan_buckets(&plan[0], in->cf, in->n_terms)) {
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory: n-gram ranks for %llu positions",
                     (unsigned long long)in->len);
        goto done;
    }
    init_unigram_ranks(in, prev, threads);
    unsigned word_bits = nq_bits_for(in->n_terms);
    for (int n = 2; n <= in->max_n; n++) {
        bucket_plan *cur = &plan[n % 2], *following = &plan[(n + 1) % 2];
        level_job j = {.in = in, .n = n, .prev = prev, .plan = cur, .bucket_first = cur->first,
                       .n_buckets = cur->n, .word_bits = word_bits, .threads = threads};
        level_io io = {next, n < in->max_n ? following : NULL, &cands, &cands_cap};
        st = run_level(&j, &levels[n], &io, err);
        free_job(&j);
        if (st || levels[n].n == 0)
            goto done;
        uint32_t *t = prev;
        prev = next;
        next = t;
    }
done:
    free(cands);
    free(prev);
    free(next);
    if (plan) {
        free(plan[0].coarse);
        free(plan[1].coarse);
    }
    free(plan);
    return st;
}

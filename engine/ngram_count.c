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

/* Histograms of the radix sort: up to 8 passes of up to 13 bits (64-bit keys). */
#define RADIX_HIST (8u << 13)

/* Per-thread scratch for counting buckets, reused from bucket to bucket. */
typedef struct bucket_scratch {
    uint32_t hist[RADIX_HIST];
    cand *tmp;
    size_t tmp_cap;
    kept *kept;
    size_t kept_cap;
} bucket_scratch;

/*
 * The candidates of every level live in one array, cut into buckets once,
 * at level 2, by ranges of the first term. A bucket's candidates are sorted
 * by n-gram, so its kept n-grams form a range of ranks; at the next level
 * the same bucket keeps only the occurrences of those n-grams that extend
 * into a kept n-gram (filtered in place), so it again covers one rank range
 * and no candidate ever moves to another bucket.
 */
typedef struct buckets {
    const nq_count_input *in;
    int threads;
    uint32_t n;              /* buckets */
    uint64_t *begin;         /* n + 1 region starts in cands */
    uint64_t *len;           /* candidates in each bucket now */
    uint32_t *first;         /* smallest prefix rank a bucket can hold */
    kept **kept;             /* per bucket, sorted */
    uint64_t *n_kept;
    uint64_t *kept_base;     /* n + 1: global rank of each bucket's first kept n-gram */
    cand *cands;
    unsigned word_bits;      /* bits of the largest term id */
} buckets;

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

/* ---- level 2: bigram candidates partitioned by first term ---- */

/* Buckets by ranges of the first term, of about equal weight (its count,
 * an upper bound on the bigrams that start with it). */
static uint32_t plan_terms(const nq_count_input *in, uint16_t *bucket_of, uint32_t *first)
{
    uint64_t total = 0;
    for (uint32_t t = 0; t < in->n_terms; t++)
        total += in->cf[t];
    uint64_t want = total / 16384 + 1;
    uint32_t n = want > 65536 ? 65536 : (uint32_t)want, prev = UINT32_MAX;
    uint64_t cum = 0;
    for (uint32_t t = 0; t < in->n_terms; t++) {
        uint64_t b = total ? cum * n / total : 0;
        b = b < n ? b : n - 1;
        bucket_of[t] = (uint16_t)b;
        if (b != prev)
            first[b] = t;
        prev = (uint32_t)b;
        cum += in->cf[t];
    }
    return n;
}

static inline int bigram_at(const nq_count_input *in, uint64_t p)
{
    if (p + 1 >= in->len)
        return 0;
    uint32_t a = in->stream[p], b = in->stream[p + 1];
    return a < NQ_ID_MARK && b < NQ_ID_MARK && in->cf[a] >= in->min_count && in->cf[b] >= in->min_count;
}

static void count_bigrams(const buckets *bk, const uint16_t *bucket_of, uint64_t *cnt, int t)
{
    const nq_count_input *in = bk->in;
    uint64_t hi = thread_lo(in->len, t + 1, bk->threads);
    for (uint64_t p = thread_lo(in->len, t, bk->threads); p < hi; p++)
        if (bigram_at(in, p))
            cnt[bucket_of[in->stream[p]]]++;
}

/* Software write-combining: candidates for a bucket gather in a cache-line
 * buffer and go out four at a time, so the scatter into hundreds of buckets
 * writes whole lines instead of touching a line per candidate. */
enum { WC_CANDS = 4 };
typedef struct wc_line {
    _Alignas(64) cand c[WC_CANDS];
} wc_line;

static void scatter_bigrams(const buckets *bk, const uint16_t *bucket_of, uint64_t *cursor, int t)
{
    const nq_count_input *in = bk->in;
    uint64_t lo = thread_lo(in->len, t, bk->threads), hi = thread_lo(in->len, t + 1, bk->threads);
    /* aligned_alloc wants a size that is a multiple of the alignment */
    size_t wc_bytes = (bk->n * sizeof(wc_line) + 63) & ~(size_t)63;
    wc_line *wc = aligned_alloc(64, wc_bytes);
    uint8_t *fill = calloc(bk->n, 1);
    uint64_t d = doc_of(in, lo);
    for (uint64_t p = lo; p < hi; p++) {
        while (d + 1 < in->n_docs && in->doc_start[d + 1] <= p)
            d++;
        if (!bigram_at(in, p))
            continue;
        uint32_t b = bucket_of[in->stream[p]];
        cand c = {in->stream[p], in->stream[p + 1], (uint32_t)p, (uint32_t)d};
        if (!wc || !fill) {
            bk->cands[cursor[b]++] = c; /* no buffer memory: write directly */
            continue;
        }
        wc[b].c[fill[b]] = c;
        if (++fill[b] == WC_CANDS) {
            memcpy(&bk->cands[cursor[b]], wc[b].c, sizeof wc[b].c);
            cursor[b] += WC_CANDS;
            fill[b] = 0;
        }
    }
    for (uint32_t b = 0; wc && fill && b < bk->n; b++) {
        if (!fill[b])
            continue;
        memcpy(&bk->cands[cursor[b]], wc[b].c, fill[b] * sizeof(cand));
        cursor[b] += fill[b];
    }
    free(wc);
    free(fill);
}

/* Per-thread counts become write cursors: bucket-major, thread-minor, so
 * each bucket's candidates are contiguous and in position order. */
static uint64_t layout(buckets *bk, uint64_t *counts)
{
    uint64_t total = 0;
    for (uint32_t b = 0; b < bk->n; b++) {
        bk->begin[b] = total;
        for (int t = 0; t < bk->threads; t++) {
            uint64_t *c = &counts[(size_t)t * bk->n + b];
            uint64_t k = *c;
            *c = total;
            total += k;
        }
        bk->len[b] = total - bk->begin[b];
    }
    bk->begin[bk->n] = total;
    return total;
}

static nq_status alloc_buckets(buckets *bk, nq_error *err)
{
    bk->begin = malloc((bk->n + 1) * sizeof *bk->begin);
    bk->len = malloc(bk->n * sizeof *bk->len);
    bk->first = calloc(bk->n, sizeof *bk->first);
    bk->kept = calloc(bk->n, sizeof *bk->kept);
    bk->n_kept = calloc(bk->n, sizeof *bk->n_kept);
    bk->kept_base = calloc(bk->n + 1, sizeof *bk->kept_base);
    if (!bk->begin || !bk->len || !bk->first || !bk->kept || !bk->n_kept || !bk->kept_base)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory counting n-grams");
    return NQ_OK;
}

static nq_status bigram_candidates(buckets *bk, nq_error *err)
{
    const nq_count_input *in = bk->in;
    uint16_t *bucket_of = malloc(((size_t)in->n_terms + 1) * sizeof *bucket_of);
    uint32_t *first = malloc(65536 * sizeof *first);
    if (!bucket_of || !first) {
        free(bucket_of);
        free(first);
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory counting 2-grams");
    }
    bk->n = plan_terms(in, bucket_of, first);
    nq_status st = alloc_buckets(bk, err);
    uint64_t *counts = st ? NULL : calloc((size_t)bk->threads * bk->n, sizeof *counts);
    if (!st && !counts)
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory counting 2-grams");
    if (!st) {
        memcpy(bk->first, first, bk->n * sizeof *first);
#pragma omp parallel for num_threads(bk->threads) schedule(static, 1)
        for (int t = 0; t < bk->threads; t++)
            count_bigrams(bk, bucket_of, counts + (size_t)t * bk->n, t);
        uint64_t total = layout(bk, counts);
        bk->cands = malloc((total ? total : 1) * sizeof *bk->cands);
        if (!bk->cands)
            st = nq_fail(err, NQ_ERR_NOMEM, "out of memory: %llu bigram candidates", (unsigned long long)total);
    }
    if (!st) {
#pragma omp parallel for num_threads(bk->threads) schedule(static, 1)
        for (int t = 0; t < bk->threads; t++)
            scatter_bigrams(bk, bucket_of, counts + (size_t)t * bk->n, t);
    }
    free(counts);
    free(bucket_of);
    free(first);
    return st;
}

/* ---- levels 3 and up: derived in place ---- */

/* Keeps the occurrences of the bucket's kept (n-1)-grams whose successor
 * (n-1)-gram, at pos + 1, was kept too, as n-gram candidates: prefix = the
 * (n-1)-gram's global rank, word = the n-th token. Order is preserved, so
 * the bucket stays sorted by prefix and in position order within one. */
static void derive_bucket(buckets *bk, uint32_t b, int n, const uint8_t *kept_at)
{
    const uint32_t *stream = bk->in->stream;
    const uint64_t len = bk->in->len;
    cand *c = bk->cands + bk->begin[b];
    uint64_t base = bk->kept_base[b], w = 0, nc = bk->len[b];
    /* First the survivors, tested against the cache-resident marks... */
    for (uint64_t i = 0; i < nc; i++) {
        if (i + 32 < nc)
            __builtin_prefetch(&kept_at[c[i + 32].pos + 1]);
        uint64_t p = c[i].pos;
        if (c[i].prefix == NQ_ID_NONE || p + 1 >= len || !kept_at[p + 1])
            continue;
        c[w++] = (cand){(uint32_t)(base + c[i].prefix), 0, c[i].pos, c[i].doc};
    }
    /* ...then their n-th tokens, random reads in the stream, asked for well
     * ahead and only for candidates that need them. */
    for (uint64_t i = 0; i < w; i++) {
        if (i + 32 < w)
            __builtin_prefetch(&stream[c[i + 32].pos + (uint64_t)n - 1]);
        c[i].word = stream[c[i].pos + (uint64_t)n - 1];
    }
    bk->len[b] = w;
    bk->first[b] = (uint32_t)base;
}

/* ---- counting a bucket ---- */

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

/* Stable LSD radix sort of a bucket's candidates by (prefix, word), over
 * the few bits the bucket's keys use (its prefixes are a small rank range).
 * Large buckets take 13-bit digits (two passes cover most bigram buckets),
 * small ones 8-bit digits so that clearing and summing the histogram stays
 * cheaper than the data. Stability keeps equal n-grams in position order. */
enum { RADIX_MAX_BITS = 13 };

static void sort_bucket(cand *c, cand *tmp, uint32_t *hist, uint64_t n, uint32_t first, unsigned word_bits)
{
    uint64_t max = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t k = sort_key(&c[i], first, word_bits);
        max = k > max ? k : max;
    }
    const unsigned bits = n >= 8192 ? RADIX_MAX_BITS : 8, radix = 1u << bits;
    const uint64_t mask = radix - 1;
    unsigned passes = (nq_bits_for(max) + bits - 1) / bits;
    memset(hist, 0, sizeof *hist * radix * passes);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t k = sort_key(&c[i], first, word_bits);
        for (unsigned p = 0; p < passes; p++)
            hist[p * radix + ((k >> (p * bits)) & mask)]++;
    }
    cand *src = c, *dst = tmp;
    for (unsigned p = 0; p < passes; p++) {
        uint32_t *h = hist + p * radix, sum = 0;
        if (h[(sort_key(&c[0], first, word_bits) >> (p * bits)) & mask] == n)
            continue; /* every key has the same digit here */
        for (unsigned v = 0; v < radix; v++) {
            uint32_t k = h[v];
            h[v] = sum;
            sum += k;
        }
        for (uint64_t i = 0; i < n; i++)
            dst[h[(sort_key(&src[i], first, word_bits) >> (p * bits)) & mask]++] = src[i];
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
static int count_bucket(buckets *bk, uint32_t b, bucket_scratch *s)
{
    cand *c = bk->cands + bk->begin[b];
    uint64_t nc = bk->len[b];
    free(bk->kept[b]);
    bk->kept[b] = NULL;
    bk->n_kept[b] = 0;
    if (nc == 0)
        return 0;
    if (reserve_scratch((void **)&s->tmp, &s->tmp_cap, nc, sizeof *s->tmp) ||
        reserve_scratch((void **)&s->kept, &s->kept_cap, nc / bk->in->min_count + 1, sizeof *s->kept))
        return -1;
    sort_bucket(c, s->tmp, s->hist, nc, bk->first[b], bk->word_bits);
    uint64_t nk = 0;
    for (uint64_t i = 0; i < nc;) {
        uint64_t e = i + 1;
        uint32_t df = 1;
        while (e < nc && c[e].prefix == c[i].prefix && c[e].word == c[i].word) {
            df += c[e].doc != c[e - 1].doc;
            e++;
        }
        uint32_t rank = NQ_ID_NONE;
        if (e - i >= bk->in->min_count) {
            rank = (uint32_t)nk;
            s->kept[nk++] = (kept){(uint64_t)c[i].prefix << 32 | c[i].word, (uint32_t)(e - i), df};
        }
        for (; i < e; i++)
            c[i].prefix = rank;
    }
    if (nk) {
        bk->kept[b] = malloc(nk * sizeof *s->kept);
        if (!bk->kept[b])
            return -1;
        memcpy(bk->kept[b], s->kept, nk * sizeof *s->kept);
    }
    bk->n_kept[b] = nk;
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

static void store_bucket(const buckets *bk, uint32_t b, nq_ngram_level *lv)
{
    uint64_t base = bk->kept_base[b];
    const kept *k = bk->kept[b];
    for (uint64_t r = 0; r < bk->n_kept[b]; r++) {
        lv->parent[base + r] = (uint32_t)(k[r].key >> 32);
        lv->word[base + r] = (uint32_t)k[r].key;
        lv->count[base + r] = k[r].count;
        lv->df[base + r] = k[r].df;
    }
}

/* Marks the positions where a kept n-gram starts, for the next level's
 * test of the successor. A byte a position (13 MB for OrangeSum) stays in
 * the last-level cache, where ranks (4 bytes) would not; the ranks travel
 * in the candidates themselves. */
static void mark_bucket(const buckets *bk, uint32_t b, uint8_t *kept_at)
{
    const cand *c = bk->cands + bk->begin[b];
    for (uint64_t i = 0; i < bk->len[b]; i++)
        if (c[i].prefix != NQ_ID_NONE)
            kept_at[c[i].pos] = 1;
}

/* Counts the current candidates of every bucket, stores level n, and (when
 * a level follows) marks where its n-grams start. */
static nq_status count_level(buckets *bk, int n, nq_ngram_level *lv, uint8_t *kept_at, nq_error *err)
{
    int failed = 0;
#pragma omp parallel num_threads(bk->threads) reduction(| : failed)
    {
        bucket_scratch *s = calloc(1, sizeof *s);
        if (!s)
            failed = 1;
#pragma omp for schedule(dynamic, 1)
        for (uint32_t b = 0; b < bk->n; b++)
            if (!failed)
                failed |= count_bucket(bk, b, s) != 0;
        if (s) {
            free(s->tmp);
            free(s->kept);
            free(s);
        }
    }
    if (failed)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory counting %d-grams", n);
    for (uint32_t b = 0; b < bk->n; b++)
        bk->kept_base[b + 1] = bk->kept_base[b] + bk->n_kept[b];
    if (alloc_level(lv, bk->kept_base[bk->n]))
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory storing %d-grams", n);
#pragma omp parallel for num_threads(bk->threads) schedule(dynamic, 16)
    for (uint32_t b = 0; b < bk->n; b++)
        store_bucket(bk, b, lv);
    if (!kept_at || lv->n == 0)
        return NQ_OK;
    memset(kept_at, 0, bk->in->len);
#pragma omp parallel for num_threads(bk->threads) schedule(dynamic, 16)
    for (uint32_t b = 0; b < bk->n; b++)
        mark_bucket(bk, b, kept_at);
    return NQ_OK;
}

static void free_buckets(buckets *bk)
{
    for (uint32_t b = 0; bk->kept && b < bk->n; b++)
        free(bk->kept[b]);
    free(bk->kept);
    free(bk->n_kept);
    free(bk->kept_base);
    free(bk->begin);
    free(bk->len);
    free(bk->first);
    free(bk->cands);
}

nq_status nq_count_ngrams(const nq_count_input *in, nq_ngram_level *levels, nq_error *err)
{
    if (in->max_n < 2 || in->len == 0)
        return NQ_OK;
    buckets bk = {.in = in, .threads = in->threads > 0 ? in->threads : omp_get_max_threads(),
                  .word_bits = nq_bits_for(in->n_terms)};
    uint8_t *kept_at = in->max_n > 2 ? malloc(in->len) : NULL;
    nq_status st = NQ_OK;
    if (in->max_n > 2 && !kept_at)
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory: n-gram ranks for %llu positions",
                     (unsigned long long)in->len);
    if (!st)
        st = bigram_candidates(&bk, err);
    for (int n = 2; !st && n <= in->max_n; n++) {
        if (n > 2) {
#pragma omp parallel for num_threads(bk.threads) schedule(dynamic, 16)
            for (uint32_t b = 0; b < bk.n; b++)
                derive_bucket(&bk, b, n, kept_at);
        }
        st = count_level(&bk, n, &levels[n], n < in->max_n ? kept_at : NULL, err);
        if (!st && levels[n].n == 0)
            break;
    }
    free(kept_at);
    free_buckets(&bk);
    return st;
}

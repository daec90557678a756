#include "ngram_count.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "format.h"

/* A candidate occurrence, 12 bytes. Once its bucket is counted, prefix is
 * reused for the table slot and then for the n-gram's rank in the bucket
 * (NQ_ID_NONE when pruned). */
typedef struct cand {
    uint32_t prefix;     /* rank of the (n-1)-gram at pos */
    uint32_t word;       /* term id of the n-gram's last token */
    uint32_t pos;
} cand;

static inline uint64_t cand_key(const cand *c)
{
    return (uint64_t)c->prefix << 32 | c->word;
}

/* 16 bytes, so a bucket's table of 2 * 16384 slots fits a 512 KiB L2. */
typedef struct slot {
    uint64_t key;        /* UINT64_MAX: empty */
    uint32_t count;
    uint32_t rank;       /* local rank when kept, NQ_ID_NONE otherwise */
} slot;

typedef struct kept {
    uint64_t key;
    uint32_t count, df;
    uint32_t last_doc;   /* for df, counted once the ranks are known */
} kept;

/* Work shared by the phases of one level. */
typedef struct level_job {
    const nq_count_input *in;
    int n;
    const uint32_t *prev;       /* rank of the (n-1)-gram at each position */
    const uint16_t *bucket_of;  /* prefix rank -> bucket */
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

/* The document holding pos, searched forward from document d (pos only
 * grows within a bucket, by a few documents at a time: gallop, then bisect). */
static inline uint64_t doc_from(const nq_count_input *in, uint64_t d, uint64_t pos)
{
    if (d + 1 >= in->n_docs || in->doc_start[d + 1] > pos)
        return d;
    uint64_t step = 1;
    while (d + step < in->n_docs && in->doc_start[d + step] <= pos)
        step *= 2;
    uint64_t lo = d + step / 2, hi = d + step < in->n_docs ? d + step : in->n_docs;
    while (hi - lo > 1) { /* doc_start[lo] <= pos < doc_start[hi] */
        uint64_t mid = lo + (hi - lo) / 2;
        if (in->doc_start[mid] <= pos)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
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
            cnt[j->bucket_of[j->prev[p]]]++;
}

/* Software write-combining: candidates for a bucket gather in a small
 * buffer and go out eight at a time, so the scatter into hundreds of
 * buckets writes whole cache lines instead of touching a line per candidate. */
enum { WC_CANDS = 8 };
typedef struct wc_line {
    _Alignas(32) cand c[WC_CANDS];
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
    for (uint64_t p = lo; p < hi; p++) {
        if (!is_candidate(j, p))
            continue;
        uint32_t r = j->prev[p], b = j->bucket_of[r];
        cand c = {r, in->stream[p + (uint64_t)j->n - 1], (uint32_t)p};
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

static inline uint64_t mix(uint64_t k)
{
    k ^= k >> 31;
    k *= 0x9E3779B97F4A7C15ull;
    return k ^ (k >> 29);
}

/* LSD radix sort of kept n-grams by key, 8 bits a pass, skipping the bytes
 * that are the same in every key (most are: a bucket spans few prefixes
 * and term ids use the low bits). Result in a; tmp is scratch of n items. */
static void sort_kept(kept *a, kept *tmp, uint64_t n)
{
    if (n < 2)
        return;
    uint64_t (*hist)[256] = calloc(8, sizeof *hist);
    if (!hist) {
        /* insertion sort needs no memory; only reached under memory pressure */
        for (uint64_t i = 1; i < n; i++) {
            kept x = a[i];
            uint64_t j = i;
            for (; j > 0 && a[j - 1].key > x.key; j--)
                a[j] = a[j - 1];
            a[j] = x;
        }
        return;
    }
    for (uint64_t i = 0; i < n; i++)
        for (int d = 0; d < 8; d++)
            hist[d][(a[i].key >> (8 * d)) & 0xFF]++;
    kept *src = a, *dst = tmp;
    for (int d = 0; d < 8; d++) {
        if (hist[d][(a[0].key >> (8 * d)) & 0xFF] == n)
            continue; /* this byte is the same everywhere */
        uint64_t pos = 0;
        for (int v = 0; v < 256; v++) {
            uint64_t k = hist[d][v];
            hist[d][v] = pos;
            pos += k;
        }
        for (uint64_t i = 0; i < n; i++)
            dst[hist[d][(src[i].key >> (8 * d)) & 0xFF]++] = src[i];
        kept *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
    free(hist);
}

/* Counts one bucket in the thread's table, keeps the n-grams seen at least
 * min_count times (sorted), and leaves each candidate's local rank in it. */
static int count_bucket(level_job *j, uint32_t b, slot **table, size_t *table_cap)
{
    cand *c = j->cands + j->bucket_begin[b];
    uint64_t nc = j->bucket_begin[b + 1] - j->bucket_begin[b];
    j->bucket_kept[b] = NULL;
    j->bucket_nkept[b] = 0;
    if (nc == 0)
        return 0;
    size_t cap = 64;
    while (cap < nc * 2)
        cap *= 2;
    if (cap > *table_cap) {
        free(*table);
        *table = malloc(cap * sizeof **table);
        *table_cap = *table ? cap : 0;
        if (!*table)
            return -1;
    }
    slot *tab = *table;
    size_t mask = cap - 1;
    for (size_t i = 0; i < cap; i++)
        tab[i].key = UINT64_MAX;
    uint64_t distinct_kept = 0;
    for (uint64_t i = 0; i < nc; i++) {
        if (i + 16 < nc)
            __builtin_prefetch(&tab[mix(cand_key(&c[i + 16])) & mask], 1);
        uint64_t key = cand_key(&c[i]);
        size_t s = mix(key) & mask;
        while (tab[s].key != key && tab[s].key != UINT64_MAX)
            s = (s + 1) & mask;
        slot *e = &tab[s];
        if (e->key == UINT64_MAX) {
            e->key = key;
            e->count = 0;
        }
        e->count++;
        distinct_kept += e->count == j->in->min_count;
        c[i].prefix = (uint32_t)s; /* remember the slot; replaced by the rank below */
    }
    kept *k = malloc((distinct_kept ? distinct_kept : 1) * 2 * sizeof *k);
    if (!k)
        return -1;
    uint64_t nk = 0;
    for (size_t s = 0; s < cap; s++) {
        tab[s].rank = NQ_ID_NONE;
        if (tab[s].key != UINT64_MAX && tab[s].count >= j->in->min_count)
            k[nk++] = (kept){tab[s].key, tab[s].count, 0, UINT32_MAX};
    }
    sort_kept(k, k + nk, nk);
    for (uint64_t r = 0; r < nk; r++) {
        size_t s = mix(k[r].key) & mask;
        while (tab[s].key != k[r].key)
            s = (s + 1) & mask;
        tab[s].rank = (uint32_t)r;
    }
    /* Candidates are in position order, hence in document order: a document
     * counts once towards df when it first shows up. */
    uint64_t d = doc_of(j->in, c[0].pos);
    for (uint64_t i = 0; i < nc; i++) {
        uint32_t r = tab[c[i].prefix].rank;
        c[i].prefix = r;
        if (r == NQ_ID_NONE)
            continue;
        d = doc_from(j->in, d, c[i].pos);
        if (k[r].last_doc != d) {
            k[r].last_doc = (uint32_t)d;
            k[r].df++;
        }
    }
    j->bucket_kept[b] = k;
    j->bucket_nkept[b] = nk;
    return 0;
}

/* Splits prefix ranks into buckets of about equal candidate weight. The
 * weight of a prefix is its own count, an upper bound on the candidates
 * that start with it. Buckets are rank ranges, so their outputs concatenate
 * in key order. */
static uint32_t plan_buckets(const uint32_t *weight, uint64_t n_prefixes, uint16_t *bucket_of)
{
    uint64_t total = 0;
    for (uint64_t r = 0; r < n_prefixes; r++)
        total += weight[r];
    uint64_t want = total / 16384 + 1;
    uint32_t n_buckets = want > 65536 ? 65536 : (uint32_t)want;
    uint64_t cum = 0;
    for (uint64_t r = 0; r < n_prefixes; r++) {
        uint64_t b = total ? cum * n_buckets / total : 0;
        bucket_of[r] = (uint16_t)(b < n_buckets ? b : n_buckets - 1);
        cum += weight[r];
    }
    return n_buckets;
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

static void emit_bucket(const level_job *j, uint32_t b, nq_ngram_level *lv, uint32_t *next)
{
    uint64_t base = j->kept_base[b];
    const kept *k = j->bucket_kept[b];
    for (uint64_t r = 0; r < j->bucket_nkept[b]; r++) {
        lv->parent[base + r] = (uint32_t)(k[r].key >> 32);
        lv->word[base + r] = (uint32_t)k[r].key;
        lv->count[base + r] = k[r].count;
        lv->df[base + r] = k[r].df;
    }
    const cand *c = j->cands + j->bucket_begin[b];
    uint64_t nc = j->bucket_begin[b + 1] - j->bucket_begin[b];
    for (uint64_t i = 0; i < nc; i++)
        if (c[i].prefix != NQ_ID_NONE)
            next[c[i].pos] = (uint32_t)(base + c[i].prefix);
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

static nq_status run_level(level_job *j, nq_ngram_level *lv, uint32_t *next, cand **cands,
                           uint64_t *cands_cap, nq_error *err)
{
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
        slot *table = NULL;
        size_t table_cap = 0;
#pragma omp for schedule(dynamic, 1)
        for (uint32_t b = 0; b < j->n_buckets; b++)
            if (!failed)
                failed |= count_bucket(j, b, &table, &table_cap) != 0;
        free(table);
    }
    if (failed)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory counting %d-grams", j->n);

    j->kept_base[0] = 0;
    for (uint32_t b = 0; b < j->n_buckets; b++)
        j->kept_base[b + 1] = j->kept_base[b] + j->bucket_nkept[b];
    if (alloc_level(lv, j->kept_base[j->n_buckets]))
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory storing %d-grams", j->n);
    memset(next, 0xFF, j->in->len * sizeof *next);
#pragma omp parallel for num_threads(j->threads) schedule(dynamic, 16)
    for (uint32_t b = 0; b < j->n_buckets; b++)
        emit_bucket(j, b, lv, next);
    return NQ_OK;
}

static void init_unigram_ranks(const nq_count_input *in, uint32_t *prev, int threads)
{
#pragma omp parallel for num_threads(threads) schedule(static)
    for (uint64_t p = 0; p < in->len; p++) {
        uint32_t id = in->stream[p];
        prev[p] = id < NQ_ID_MARK && in->cf[id] >= in->min_count ? id : NQ_ID_NONE;
    }
}

nq_status nq_count_ngrams(const nq_count_input *in, nq_ngram_level *levels, nq_error *err)
{
    if (in->max_n < 2 || in->len == 0)
        return NQ_OK;
    int threads = in->threads > 0 ? in->threads : omp_get_max_threads();
    uint32_t *prev = malloc(in->len * sizeof *prev);
    uint32_t *next = malloc(in->len * sizeof *next);
    uint16_t *bucket_of = malloc(((uint64_t)in->n_terms + 1) * sizeof *bucket_of);
    cand *cands = NULL;
    uint64_t cands_cap = 0;
    nq_status st = NQ_OK;
    if (!prev || !next || !bucket_of) {
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory: n-gram ranks for %llu positions",
                     (unsigned long long)in->len);
        goto done;
    }
    init_unigram_ranks(in, prev, threads);
    const uint32_t *weight = in->cf;
    uint64_t n_prefixes = in->n_terms;
    for (int n = 2; n <= in->max_n && n_prefixes > 0; n++) {
        if (n > 2) {
            uint16_t *grown = realloc(bucket_of, n_prefixes * sizeof *bucket_of);
            if (!grown) {
                st = nq_fail(err, NQ_ERR_NOMEM, "out of memory counting %d-grams", n);
                goto done;
            }
            bucket_of = grown;
        }
        level_job j = {.in = in, .n = n, .prev = prev, .bucket_of = bucket_of, .threads = threads};
        j.n_buckets = plan_buckets(weight, n_prefixes, bucket_of);
        st = run_level(&j, &levels[n], next, &cands, &cands_cap, err);
        free_job(&j);
        if (st)
            goto done;
        uint32_t *tmp = prev;
        prev = next;
        next = tmp;
        weight = levels[n].count;
        n_prefixes = levels[n].n;
    }
done:
    free(cands);
    free(prev);
    free(next);
    free(bucket_of);
    return st;
}

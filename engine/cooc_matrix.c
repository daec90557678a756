#include "cooc_matrix.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "bitpack.h"
#include "error.h"
#include "format.h"
#include "varint.h"

/* ------------------------------------------------------------------ */
/* Building                                                           */
/* ------------------------------------------------------------------ */

/* Keys per bucket aimed at: 512 KiB of keys, sorted in L2. */
#define BUCKET_TARGET (1u << 17)
/* A bucket holds fewer keys than this, so a self pair's count (2 per
 * unordered pair) fits in 32 bits. */
#define BUCKET_MAX (1ull << 31)
/* Keys buffered per bucket before they go out as one cache line. */
#define WC_KEYS 16u

typedef struct wc_line {
    _Alignas(64) uint32_t k[WC_KEYS];
} wc_line;

typedef struct cooc {
    const uint32_t *stream;
    uint64_t len;
    uint32_t n_terms, k, min_count;
    int threads;
    unsigned hb;             /* bits of the larger term in a key */
    uint32_t hmask;
    uint32_t nb;             /* buckets */
    uint32_t *bucket_of;     /* term -> bucket */
    uint32_t *first;         /* nb + 1: first term of each bucket, first[nb] = n_terms */
    uint64_t *begin;         /* nb + 1: bucket starts in keys */
    uint32_t *keys;          /* the scattered keys of every bucket (freed once counted) */
    uint64_t *n_kept;        /* per bucket */
    uint32_t **counts;       /* per bucket: counts of the kept keys */
    uint64_t *distinct;      /* per bucket: ordered pairs with count >= 1 */
    uint32_t *n_up;          /* per term: kept (a, b) with b >= a */
    uint64_t *up_at;         /* per term: index of its first kept key in its bucket */
    uint64_t *low_at;        /* n_terms + 1: row a's entries b < a are tr[low_at[a], low_at[a+1]) */
    uint32_t *tr_id;
    uint32_t *tr_count;
    uint32_t **kept;         /* per bucket: the kept keys, ascending */
    /* the most frequent terms: their pairs are counted in a dense triangle */
    uint32_t n_top;
    uint32_t *top;           /* their ids, ascending */
    uint16_t *top_of;        /* per term: index in top, TOP_NONE if not there */
    uint32_t *tri;           /* cell (i, j), i <= j: tri[j (j + 1) / 2 + i] */
} cooc;

#define TOP_NONE 0xFFFFu
/* How many of the most frequent terms are counted densely: the triangle of
 * their pairs is 2 MiB of counters per thread (in the last-level cache) and
 * takes about half the position pairs of a text. */
#define TOP_TERMS 1024u
#define TOP_MAX 4096u

static inline uint64_t tri_at(uint32_t i, uint32_t j)
{
    return (uint64_t)j * (j + 1) / 2 + i;
}

static uint64_t chunk_lo(uint64_t len, int t, int threads)
{
    return len * (uint64_t)t / (uint64_t)threads;
}

/* Pass 1: position pairs per smaller term (w, n_terms counters), and the
 * stream's ids checked. Returns -1 on an id >= n_terms. */
static int weigh(const cooc *c, uint64_t *w, uint32_t *tri, int t)
{
    const uint32_t *s = c->stream;
    const uint16_t *top_of = c->top_of;
    const uint64_t len = c->len, k = c->k;
    uint64_t lo = chunk_lo(len, t, c->threads), hi = chunk_lo(len, t + 1, c->threads);
    for (uint64_t i = lo; i < hi; i++) {
        uint32_t a = s[i];
        if (a >= NQ_ID_MARK)
            continue;
        if (a >= c->n_terms)
            return -1;
        uint32_t da = top_of[a];
        uint64_t e = len - i - 1 < k ? len - 1 : i + k;
        for (uint64_t j = i + 1; j <= e; j++) {
            uint32_t b = s[j];
            if (b >= NQ_ID_MARK)
                break;
            if (b >= c->n_terms)
                return -1;
            uint32_t db = top_of[b];
            if ((da | db) < TOP_NONE)
                tri[da < db ? tri_at(da, db) : tri_at(db, da)]++;
            else
                w[a < b ? a : b]++;
        }
    }
    return 0;
}

/* Pass 2: keys scattered to the buckets through write-combining lines. */
static int scatter(const cooc *c, const uint64_t *where, uint64_t *cursor, int t)
{
    size_t nb = c->nb ? c->nb : 1;
    wc_line *wc = aligned_alloc(64, nb * sizeof(wc_line));
    uint8_t *fill = calloc(nb, 1);
    if (!wc || !fill) {
        free(wc);
        free(fill);
        return -1;
    }
    const uint32_t *s = c->stream;
    const uint16_t *top_of = c->top_of;
    const uint64_t len = c->len, k = c->k;
    uint32_t *keys = c->keys;
    uint64_t lo = chunk_lo(len, t, c->threads), hi = chunk_lo(len, t + 1, c->threads);
    for (uint64_t i = lo; i < hi; i++) {
        uint32_t a = s[i];
        if (a >= NQ_ID_MARK)
            continue;
        uint32_t da = top_of[a];
        uint64_t e = len - i - 1 < k ? len - 1 : i + k;
        for (uint64_t j = i + 1; j <= e; j++) {
            uint32_t b = s[j];
            if (b >= NQ_ID_MARK)
                break;
            if ((da | top_of[b]) < TOP_NONE)
                continue; /* counted in the triangle */
            uint32_t x = a < b ? a : b, y = a < b ? b : a;
            uint64_t wh = where[x];
            uint32_t bk = (uint32_t)(wh >> 32), key = (uint32_t)wh | y;
            uint8_t f = fill[bk];
            wc[bk].k[f++] = key;
            if (f == WC_KEYS) {
                memcpy(keys + cursor[bk], wc[bk].k, sizeof wc[bk].k);
                cursor[bk] += WC_KEYS;
                f = 0;
            }
            fill[bk] = f;
        }
    }
    for (uint32_t b = 0; b < c->nb; b++) {
        memcpy(keys + cursor[b], wc[b].k, fill[b] * sizeof(uint32_t));
        cursor[b] += fill[b];
    }
    free(wc);
    free(fill);
    return 0;
}

/* Ranges of terms of about BUCKET_TARGET pairs (a heavier term alone), each
 * spanning few enough terms that its keys fit in 32 bits. */
static nq_status plan_buckets(cooc *c, const uint64_t *weight, nq_error *err)
{
    uint64_t span_max = 1ull << (32 - c->hb);
    uint32_t nb = 0;
    uint64_t cum = 0;
    for (uint32_t t = 0; t < c->n_terms; t++) {
        if (t == 0 || (cum > 0 && cum + weight[t] > BUCKET_TARGET) || t - c->first[nb - 1] >= span_max) {
            c->first[nb++] = t;
            cum = 0;
        }
        if (weight[t] >= BUCKET_MAX)
            return nq_fail(err, NQ_ERR_LIMIT, "co-occurrence matrix: term %u is the smaller id of %llu position pairs (limit 2^31)",
                           t, (unsigned long long)weight[t]);
        c->bucket_of[t] = nb - 1;
        cum += weight[t]; /* a bucket of several terms stays <= BUCKET_TARGET */
    }
    c->first[nb] = c->n_terms;
    c->nb = nb;
    return NQ_OK;
}

/* Stable LSD radix sort of 32-bit keys; the result is in keys or tmp
 * (returned). 11-bit digits, 8-bit ones for small buckets. */
static uint32_t *radix_sort(uint32_t *keys, uint32_t *tmp, uint64_t n, uint32_t *hist)
{
    uint32_t max = 0;
    for (uint64_t i = 0; i < n; i++)
        max = keys[i] > max ? keys[i] : max;
    const unsigned bits = n >= 4096 ? 11 : 8, radix = 1u << bits, mask = radix - 1;
    const unsigned passes = (nq_bits_for(max) + bits - 1) / bits;
    memset(hist, 0, sizeof *hist * radix * passes);
    for (uint64_t i = 0; i < n; i++) {
        uint32_t x = keys[i];
        for (unsigned p = 0; p < passes; p++)
            hist[p * radix + ((x >> (p * bits)) & mask)]++;
    }
    uint32_t *src = keys, *dst = tmp;
    for (unsigned p = 0; p < passes; p++) {
        uint32_t *h = hist + p * radix, sum = 0;
        if (h[(keys[0] >> (p * bits)) & mask] == n)
            continue;
        for (unsigned v = 0; v < radix; v++) {
            uint32_t x = h[v];
            h[v] = sum;
            sum += x;
        }
        const unsigned sh = p * bits;
        for (uint64_t i = 0; i < n; i++) {
            uint32_t x = src[i];
            dst[h[(x >> sh) & mask]++] = x;
        }
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
    return src;
}

/* A bucket whose keys are many for its key space is counted in a dense
 * array instead of sorted: at most DENSE_MAX counters, and only when there
 * are at least a quarter as many keys (the array is scanned once). */
#define DENSE_MAX (1u << 20)

typedef struct scratch {
    uint32_t hist[3 << 11];
    uint32_t *tmp, *cnt;
    uint64_t cap;
    uint32_t *dense;         /* DENSE_MAX counters, zero between buckets */
    uint32_t *dk, *dc;       /* the bucket's kept pairs of the triangle */
} scratch;

/* Records the run of key (count occurrences as an unordered pair). */
static inline void keep(cooc *c, uint32_t b, uint32_t key, uint64_t run, uint32_t *keys, uint32_t *cnt,
                        uint64_t *nk, uint64_t *distinct)
{
    uint32_t x = c->first[b] + (uint32_t)((uint64_t)key >> c->hb), y = key & c->hmask;
    uint64_t count = run << (x == y);
    *distinct += 2 - (x == y);
    if (count >= c->min_count) {
        keys[*nk] = key;
        cnt[(*nk)++] = (uint32_t)count;
        c->n_up[x]++;
    }
}

/* Counts bucket b (sorted, or in dense counters), merges in the triangle's
 * pairs of its terms, and keeps the pairs seen min_count times in
 * kept[b] and counts[b]. */
static int count_bucket(cooc *c, uint32_t b, scratch *s)
{
    uint64_t n = c->begin[b + 1] - c->begin[b];
    uint32_t *keys = c->keys + c->begin[b];
    uint64_t nk = 0, nd = 0, distinct = 0;
    if (n > s->cap) {
        free(s->tmp);
        free(s->cnt);
        s->tmp = malloc(n * sizeof *s->tmp);
        s->cnt = malloc(n * sizeof *s->cnt);
        s->cap = s->tmp && s->cnt ? n : 0;
        if (!s->cap)
            return -1;
    }
    uint64_t space = ((uint64_t)(c->first[b + 1] - c->first[b] - 1) << c->hb | c->hmask) + 1;
    if (n > 0 && space <= DENSE_MAX && n * 4 >= space) {
        if (!s->dense && !(s->dense = calloc(DENSE_MAX, sizeof *s->dense)))
            return -1;
        uint32_t *d = s->dense;
        for (uint64_t i = 0; i < n; i++)
            d[keys[i]]++;
        for (uint32_t key = 0; key < space; key++)
            if (d[key]) {
                keep(c, b, key, d[key], keys, s->cnt, &nk, &distinct);
                d[key] = 0;
            }
    } else if (n > 0) {
        const uint32_t *src = radix_sort(keys, s->tmp, n, s->hist);
        for (uint64_t i = 0; i < n;) {
            uint32_t key = src[i];
            uint64_t e = i + 1;
            while (e < n && src[e] == key)
                e++;
            keep(c, b, key, e - i, keys, s->cnt, &nk, &distinct); /* nk <= i: no unread key overwritten */
            i = e;
        }
    }
    /* the triangle's pairs (x, y), x in this bucket, y >= x, in key order */
    uint32_t lo = 0, hi = c->n_top;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (c->top[mid] < c->first[b])
            lo = mid + 1;
        else
            hi = mid;
    }
    for (uint32_t i = lo; i < c->n_top && c->top[i] < c->first[b + 1]; i++) {
        uint32_t rel = (uint32_t)((uint64_t)(c->top[i] - c->first[b]) << c->hb);
        for (uint32_t j = i; j < c->n_top; j++) {
            uint32_t x = c->tri[tri_at(i, j)];
            if (x)
                keep(c, b, rel | c->top[j], x, s->dk, s->dc, &nd, &distinct);
        }
    }
    c->n_kept[b] = nk + nd;
    c->distinct[b] = distinct;
    if (nk + nd == 0)
        return 0;
    c->kept[b] = malloc((nk + nd) * sizeof **c->kept);
    c->counts[b] = malloc((nk + nd) * sizeof **c->counts);
    if (!c->kept[b] || !c->counts[b])
        return -1;
    uint64_t i = 0, j = 0, o = 0;
    while (i < nk || j < nd) {
        if (j == nd || (i < nk && keys[i] < s->dk[j])) {
            c->kept[b][o] = keys[i];
            c->counts[b][o++] = s->cnt[i++];
        } else {
            c->kept[b][o] = s->dk[j];
            c->counts[b][o++] = s->dc[j++];
        }
    }
    return 0;
}

/* Bucket ranges of about equal kept pairs, one per thread. */
static void split_buckets(const cooc *c, uint32_t *from)
{
    uint64_t total = 0, cum = 0;
    for (uint32_t b = 0; b < c->nb; b++)
        total += c->n_kept[b];
    int t = 1;
    from[0] = 0;
    for (uint32_t b = 0; b < c->nb; b++) {
        while (t < c->threads && cum >= total * (uint64_t)t / (uint64_t)c->threads)
            from[t++] = b;
        cum += c->n_kept[b];
    }
    while (t <= c->threads)
        from[t++] = c->nb;
}

/* The kept pairs (x, y), x < y, as entries x of row y: a counting sort by y,
 * thread t taking buckets [from[t], from[t+1]) in order, so each row's
 * entries come out ascending. cur holds threads x n_terms cursors. */
static nq_status transpose(cooc *c, const uint32_t *from, uint64_t *cur, nq_error *err)
{
    const uint32_t n = c->n_terms;
    memset(cur, 0, (size_t)c->threads * n * sizeof *cur);
#pragma omp parallel for num_threads(c->threads) schedule(static, 1)
    for (int t = 0; t < c->threads; t++) {
        uint64_t *h = cur + (size_t)t * n;
        for (uint32_t b = from[t]; b < from[t + 1]; b++) {
            const uint32_t *keys = c->kept[b], first = c->first[b];
            for (uint64_t i = 0; i < c->n_kept[b]; i++) {
                uint32_t x = first + (uint32_t)((uint64_t)keys[i] >> c->hb), y = keys[i] & c->hmask;
                h[y] += x != y;
            }
        }
    }
    uint64_t total = 0;
    for (uint32_t a = 0; a < n; a++) {
        c->low_at[a] = total;
        for (int t = 0; t < c->threads; t++) {
            uint64_t x = cur[(size_t)t * n + a];
            cur[(size_t)t * n + a] = total;
            total += x;
        }
    }
    c->low_at[n] = total;
    c->tr_id = malloc((total ? total : 1) * sizeof *c->tr_id);
    c->tr_count = malloc((total ? total : 1) * sizeof *c->tr_count);
    if (!c->tr_id || !c->tr_count)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory: co-occurrence matrix of %llu entries",
                       (unsigned long long)total);
#pragma omp parallel for num_threads(c->threads) schedule(static, 1)
    for (int t = 0; t < c->threads; t++) {
        uint64_t *h = cur + (size_t)t * n;
        for (uint32_t b = from[t]; b < from[t + 1]; b++) {
            const uint32_t *keys = c->kept[b], first = c->first[b];
            for (uint64_t i = 0; i < c->n_kept[b]; i++) {
                uint32_t x = first + (uint32_t)((uint64_t)keys[i] >> c->hb), y = keys[i] & c->hmask;
                if (x == y)
                    continue;
                uint64_t at = h[y]++;
                c->tr_id[at] = x;
                c->tr_count[at] = c->counts[b][i];
            }
        }
    }
    return NQ_OK;
}

/* ---- row encoding ---- */

/* One PFor run of n <= 128 values (each < 2^32); returns the bytes written
 * (at most 2 + 4n + 6n). */
static size_t pfor_put(uint8_t *out, const uint32_t *v, unsigned n)
{
    unsigned hist[33] = {0}, maxb = 0;
    for (unsigned i = 0; i < n; i++) {
        unsigned b = nq_bits_for(v[i]);
        hist[b]++;
        maxb = b > maxb ? b : maxb;
    }
    unsigned best_w = maxb;
    size_t best = SIZE_MAX;
    for (unsigned w = 0; w <= maxb; w++) {
        size_t cost = ((size_t)n * w + 7) / 8;
        for (unsigned b = w + 1; b <= maxb; b++)
            cost += hist[b] * (1 + (b - w + 6) / 7);
        if (cost < best) {
            best = cost;
            best_w = w;
        }
    }
    const unsigned w = best_w;
    unsigned ne = 0;
    for (unsigned b = w + 1; b <= maxb; b++)
        ne += hist[b];
    size_t pos = 0;
    out[pos++] = (uint8_t)w;
    out[pos++] = (uint8_t)ne;
    uint64_t acc = 0, mask = w ? (1ull << w) - 1 : 0;
    unsigned filled = 0;
    for (unsigned i = 0; i < n; i++) {
        acc |= (v[i] & mask) << filled;
        filled += w;
        while (filled >= 8) {
            out[pos++] = (uint8_t)acc;
            acc >>= 8;
            filled -= 8;
        }
    }
    if (filled)
        out[pos++] = (uint8_t)acc;
    for (unsigned i = 0; i < n; i++)
        if (w < 32 && v[i] >> w) {
            out[pos++] = (uint8_t)i;
            pos += nq_varint_put(out + pos, v[i] >> w);
        }
    return pos;
}

typedef struct buf {
    uint8_t *p;
    size_t len, cap;
} buf;

static int buf_reserve(buf *b, size_t more)
{
    if (b->len + more <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + more)
        cap *= 2;
    uint8_t *p = realloc(b->p, cap);
    if (!p)
        return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

/* Bytes of one block at most: two runs of 128 values. */
#define BLOCK_MAX (2 * (2 + 10 * NQ_COOC_BLOCK))

typedef struct row_scratch {
    buf blocks;
    uint64_t *block_last, *block_len;
    uint64_t nb_cap;
} row_scratch;

/* Encodes row a at the end of out. */
static int encode_row(const cooc *c, uint32_t a, buf *out, row_scratch *rs)
{
    uint64_t lo_i = c->low_at[a], lo_n = c->low_at[a + 1] - lo_i, up_n = c->n_up[a];
    uint64_t m = lo_n + up_n;
    if (m == 0)
        return 0;
    uint32_t b = c->bucket_of[a];
    const uint32_t *up_key = NULL, *up_cnt = NULL;
    if (up_n) {
        up_key = c->kept[b] + c->up_at[a];
        up_cnt = c->counts[b] + c->up_at[a];
    }
    uint64_t nb = (m + NQ_COOC_BLOCK - 1) / NQ_COOC_BLOCK;
    if (nb > rs->nb_cap) {
        free(rs->block_last);
        free(rs->block_len);
        rs->block_last = malloc(nb * sizeof *rs->block_last);
        rs->block_len = malloc(nb * sizeof *rs->block_len);
        rs->nb_cap = rs->block_last && rs->block_len ? nb : 0;
        if (!rs->nb_cap)
            return -1;
    }
    rs->blocks.len = 0;
    uint32_t gaps[NQ_COOC_BLOCK], cnts[NQ_COOC_BLOCK];
    uint64_t e = 0, next = 0; /* entry index, last id + 1 */
    for (uint64_t j = 0; j < nb; j++) {
        unsigned n = (unsigned)(m - e < NQ_COOC_BLOCK ? m - e : NQ_COOC_BLOCK);
        for (unsigned i = 0; i < n; i++, e++) {
            uint32_t id;
            uint64_t cnt;
            if (e < lo_n) {
                id = c->tr_id[lo_i + e];
                cnt = c->tr_count[lo_i + e];
            } else {
                id = up_key[e - lo_n] & c->hmask;
                cnt = up_cnt[e - lo_n];
            }
            gaps[i] = (uint32_t)(id - next);
            cnts[i] = (uint32_t)(cnt - c->min_count);
            next = (uint64_t)id + 1;
        }
        if (buf_reserve(&rs->blocks, BLOCK_MAX))
            return -1;
        size_t before = rs->blocks.len;
        rs->blocks.len += pfor_put(rs->blocks.p + rs->blocks.len, gaps, n);
        rs->blocks.len += pfor_put(rs->blocks.p + rs->blocks.len, cnts, n);
        rs->block_last[j] = next - 1;
        rs->block_len[j] = rs->blocks.len - before;
    }
    if (buf_reserve(out, 10 + 20 * nb + rs->blocks.len))
        return -1;
    out->len += nq_varint_put(out->p + out->len, m);
    uint64_t prev_next = 0;
    for (uint64_t j = 0; j + 1 < nb; j++) {
        out->len += nq_varint_put(out->p + out->len, rs->block_last[j] - prev_next);
        out->len += nq_varint_put(out->p + out->len, rs->block_len[j]);
        prev_next = rs->block_last[j] + 1;
    }
    memcpy(out->p + out->len, rs->blocks.p, rs->blocks.len);
    out->len += rs->blocks.len;
    return 0;
}

/* Terms per encoding task. */
#define ROW_CHUNK 512u

static nq_status encode(cooc *c, uint64_t entries, uint64_t occurrences, uint64_t distinct, uint8_t **out,
                        size_t *out_len, nq_error *err)
{
    const uint32_t n = c->n_terms;
    uint64_t n_chunks = ((uint64_t)n + ROW_CHUNK - 1) / ROW_CHUNK;
    buf *chunks = calloc(n_chunks ? n_chunks : 1, sizeof *chunks);
    uint64_t *off = malloc(((size_t)n + 1) * sizeof *off);
    nq_status st = NQ_OK;
    if (!chunks || !off) {
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory encoding the co-occurrence matrix");
        goto done;
    }
    int failed = 0;
#pragma omp parallel num_threads(c->threads) reduction(| : failed)
    {
        row_scratch rs = {0};
#pragma omp for schedule(dynamic, 1)
        for (uint64_t ch = 0; ch < n_chunks; ch++) {
            uint32_t a0 = (uint32_t)(ch * ROW_CHUNK), a1 = n - a0 < ROW_CHUNK ? n : a0 + ROW_CHUNK;
            for (uint32_t a = a0; a < a1 && !failed; a++) {
                size_t before = chunks[ch].len;
                failed |= encode_row(c, a, &chunks[ch], &rs) != 0;
                off[a] = chunks[ch].len - before;
            }
        }
        free(rs.blocks.p);
        free(rs.block_last);
        free(rs.block_len);
    }
    if (failed) {
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory encoding the co-occurrence matrix");
        goto done;
    }
    uint64_t data = 0;
    for (uint32_t a = 0; a < n; a++) {
        uint64_t l = off[a];
        off[a] = data;
        data += l;
    }
    off[n] = data;
    unsigned width = nq_bits_for(data);
    size_t dir = nq_bitpack_bytes((size_t)n + 1, width);
    size_t total = NQ_COOC_HEADER_SIZE + dir + data;
    uint8_t *o = malloc(total);
    if (!o) {
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory: co-occurrence matrix of %zu bytes", total);
        goto done;
    }
    memset(o, 0, NQ_COOC_HEADER_SIZE);
    uint32_t h32[4] = {NQ_COOC_VERSION, c->k, c->min_count, NQ_COOC_BLOCK};
    uint64_t h64[5] = {n, occurrences, distinct, entries, data};
    memcpy(o, h32, sizeof h32);
    memcpy(o + 16, h64, sizeof h64);
    o[56] = (uint8_t)width;
    nq_bitpack_write(o + NQ_COOC_HEADER_SIZE, off, (size_t)n + 1, width);
    uint8_t *rows = o + NQ_COOC_HEADER_SIZE + dir;
#pragma omp parallel for num_threads(c->threads) schedule(dynamic, 16)
    for (uint64_t ch = 0; ch < n_chunks; ch++)
        if (chunks[ch].len)
            memcpy(rows + off[ch * ROW_CHUNK], chunks[ch].p, chunks[ch].len);
    *out = o;
    *out_len = total;
done:
    for (uint64_t ch = 0; chunks && ch < n_chunks; ch++)
        free(chunks[ch].p);
    free(chunks);
    free(off);
    return st;
}

static void free_cooc(cooc *c)
{
    for (uint32_t b = 0; c->counts && b < c->nb; b++)
        free(c->counts[b]);
    free(c->counts);
    free(c->bucket_of);
    free(c->first);
    free(c->begin);
    free(c->keys);
    for (uint32_t b = 0; c->kept && b < c->nb; b++)
        free(c->kept[b]);
    free(c->kept);
    free(c->top);
    free(c->top_of);
    free(c->tri);
    free(c->n_kept);
    free(c->distinct);
    free(c->n_up);
    free(c->up_at);
    free(c->low_at);
    free(c->tr_id);
    free(c->tr_count);
}

static int cmp_desc64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x < y) - (x > y);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The want most frequent terms (ties: smaller ids), counted in w (threads
 * rows of m counters, left zeroed), become the triangle's terms. None when
 * a cell's count could pass 2^32 (len * k >= 2^32). */
static nq_status pick_top(cooc *c, uint64_t *w, size_t m, uint32_t want, nq_error *err)
{
    c->top_of = malloc(m * sizeof *c->top_of);
    if (!c->top_of)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory building the co-occurrence matrix");
    memset(c->top_of, 0xFF, m * sizeof *c->top_of);
    want = want < TOP_MAX ? want : TOP_MAX;
    if (want == 0 || c->n_terms == 0 || c->len * c->k >= (1ull << 32))
        return NQ_OK;
#pragma omp parallel for num_threads(c->threads) schedule(static, 1)
    for (int t = 0; t < c->threads; t++) {
        uint64_t *cf = w + (size_t)t * m, hi = chunk_lo(c->len, t + 1, c->threads);
        for (uint64_t p = chunk_lo(c->len, t, c->threads); p < hi; p++)
            if (c->stream[p] < c->n_terms)
                cf[c->stream[p]]++;
    }
    uint64_t *key = malloc(c->n_terms * sizeof *key);
    if (!key)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory building the co-occurrence matrix");
    uint32_t nz = 0;
    for (uint32_t a = 0; a < c->n_terms; a++) {
        uint64_t cf = 0;
        for (int t = 0; t < c->threads; t++) {
            cf += w[(size_t)t * m + a];
            w[(size_t)t * m + a] = 0;
        }
        if (cf)
            key[nz++] = cf << 32 | (uint32_t)~a;
    }
    qsort(key, nz, sizeof *key, cmp_desc64);
    c->n_top = nz < want ? nz : want;
    c->top = malloc((c->n_top ? c->n_top : 1) * sizeof *c->top);
    c->tri = calloc(tri_at(0, c->n_top) * (size_t)c->threads + 1, sizeof *c->tri);
    if (!c->top || !c->tri) {
        free(key);
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory building the co-occurrence matrix");
    }
    for (uint32_t i = 0; i < c->n_top; i++)
        c->top[i] = ~(uint32_t)key[i];
    free(key);
    qsort(c->top, c->n_top, sizeof *c->top, cmp_u32);
    for (uint32_t i = 0; i < c->n_top; i++)
        c->top_of[c->top[i]] = (uint16_t)i;
    return NQ_OK;
}

static nq_status build(const nq_cooc_build *in, uint32_t top_terms, uint8_t **out, size_t *out_len, nq_error *err)
{
    *out = NULL;
    *out_len = 0;
    cooc c = {.stream = in->stream, .len = in->len, .n_terms = in->n_terms,
              .k = in->window ? in->window : NQ_COOC_DEFAULT_WINDOW,
              .min_count = in->min_count ? in->min_count : NQ_COOC_DEFAULT_MIN_COUNT,
              .threads = in->threads > 0 ? in->threads : omp_get_max_threads()};
    if (c.k > NQ_COOC_MAX_WINDOW)
        return nq_fail(err, NQ_ERR_ARG, "co-occurrence window %u out of range 1..%u", c.k, NQ_COOC_MAX_WINDOW);
    if (in->len >= (1ull << 32))
        return nq_fail(err, NQ_ERR_LIMIT, "co-occurrence matrix: stream of %llu ids (limit 2^32)",
                       (unsigned long long)in->len);
    if (in->n_terms >= NQ_ID_MARK)
        return nq_fail(err, NQ_ERR_ARG, "co-occurrence matrix: %u terms", in->n_terms);
    if (c.threads < 1)
        c.threads = 1;
    const uint32_t n = c.n_terms;
    c.hb = n > 1 ? nq_bits_for(n - 1) : 0;
    c.hmask = c.hb >= 32 ? UINT32_MAX : (1u << c.hb) - 1;
    const size_t m = (size_t)n + 1;
    nq_status st = NQ_OK;
    uint64_t *w = calloc((size_t)c.threads * m, sizeof *w);
    uint64_t *cursor = NULL;
    c.bucket_of = malloc(m * sizeof *c.bucket_of);
    c.first = malloc(m * sizeof *c.first);
    c.n_up = calloc(m, sizeof *c.n_up);
    c.up_at = malloc(m * sizeof *c.up_at);
    c.low_at = malloc(m * sizeof *c.low_at);
    if (!w || !c.bucket_of || !c.first || !c.n_up || !c.up_at || !c.low_at) {
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory building the co-occurrence matrix");
        goto done;
    }

    st = pick_top(&c, w, m, top_terms, err);
    if (st)
        goto done;

    /* pass 1: pairs per smaller term, or in the triangle */
    int bad = 0;
    const uint64_t cells = tri_at(0, c.n_top);
#pragma omp parallel for num_threads(c.threads) schedule(static, 1) reduction(| : bad)
    for (int t = 0; t < c.threads; t++)
        bad |= weigh(&c, w + (size_t)t * m, c.tri ? c.tri + (size_t)t * cells : NULL, t) != 0;
    if (bad) {
        st = nq_fail(err, NQ_ERR_ARG, "co-occurrence matrix: a term id in the stream is >= %u terms", n);
        goto done;
    }
    uint64_t dense_pairs = 0;
    for (uint64_t i = 0; i < cells; i++) {
        for (int t = 1; t < c.threads; t++)
            c.tri[i] += c.tri[(size_t)t * cells + i];
        dense_pairs += c.tri[i];
    }
    uint64_t *weight = w + (size_t)(c.threads - 1) * m; /* summed into the last thread's row */
    for (int t = 0; t + 1 < c.threads; t++)
        for (uint32_t a = 0; a < n; a++)
            weight[a] += w[(size_t)t * m + a];
    uint64_t pairs = 0;
    for (uint32_t a = 0; a < n; a++)
        pairs += weight[a];
    if (n) {
        st = plan_buckets(&c, weight, err);
        if (st)
            goto done;
    }

    /* per-thread counts of each bucket become write cursors: bucket-major,
     * thread-minor (the order of keys in a bucket does not matter) */
    c.begin = malloc(((size_t)c.nb + 1) * sizeof *c.begin);
    cursor = calloc((size_t)c.threads * (c.nb ? c.nb : 1), sizeof *cursor);
    c.n_kept = calloc(c.nb ? c.nb : 1, sizeof *c.n_kept);
    c.distinct = calloc(c.nb ? c.nb : 1, sizeof *c.distinct);
    c.counts = calloc(c.nb ? c.nb : 1, sizeof *c.counts);
    c.kept = calloc(c.nb ? c.nb : 1, sizeof *c.kept);
    c.keys = malloc((pairs ? pairs : 1) * sizeof *c.keys);
    if (!c.begin || !cursor || !c.n_kept || !c.distinct || !c.counts || !c.kept || !c.keys) {
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory: %llu co-occurrence pairs", (unsigned long long)pairs);
        goto done;
    }
    /* the threads' weights are still in w, except the last one's, now the total */
    uint64_t at = 0;
    for (uint32_t b = 0; b < c.nb; b++) {
        c.begin[b] = at;
        uint64_t rest = 0;
        for (uint32_t a = c.first[b]; a < c.first[b + 1]; a++)
            rest += weight[a];
        for (int t = 0; t + 1 < c.threads; t++) {
            uint64_t x = 0;
            for (uint32_t a = c.first[b]; a < c.first[b + 1]; a++)
                x += w[(size_t)t * m + a];
            cursor[(size_t)t * c.nb + b] = at;
            at += x;
            rest -= x;
        }
        cursor[(size_t)(c.threads - 1) * c.nb + b] = at;
        at += rest;
    }
    c.begin[c.nb] = at;
    free(w);
    w = NULL;

    /* pass 2: scatter; where[x] = x's bucket << 32 | its key bits */
    uint64_t *where = malloc(m * sizeof *where);
    if (!where) {
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory scattering co-occurrence pairs");
        goto done;
    }
    for (uint32_t a = 0; a < n; a++)
        where[a] = (uint64_t)c.bucket_of[a] << 32 | (uint32_t)((uint64_t)(a - c.first[c.bucket_of[a]]) << c.hb);
    bad = 0;
#pragma omp parallel for num_threads(c.threads) schedule(static, 1) reduction(| : bad)
    for (int t = 0; t < c.threads; t++)
        bad |= scatter(&c, where, cursor + (size_t)t * c.nb, t) != 0;
    free(where);
    if (bad) {
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory scattering co-occurrence pairs");
        goto done;
    }

    /* sort and count each bucket; buckets own their terms' n_up */
#pragma omp parallel num_threads(c.threads) reduction(| : bad)
    {
        scratch *s = calloc(1, sizeof *s);
        if (!s || !(s->dk = malloc((cells + 1) * sizeof *s->dk)) || !(s->dc = malloc((cells + 1) * sizeof *s->dc)))
            bad = 1;
#pragma omp for schedule(dynamic, 1)
        for (uint32_t b = 0; b < c.nb; b++)
            if (!bad)
                bad |= count_bucket(&c, b, s) != 0;
        if (s) {
            free(s->tmp);
            free(s->cnt);
            free(s->dense);
            free(s->dk);
            free(s->dc);
            free(s);
        }
    }
    if (bad) {
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory counting co-occurrence pairs");
        goto done;
    }
    uint64_t distinct = 0;
    for (uint32_t b = 0; b < c.nb; b++) {
        uint64_t x = 0;
        for (uint32_t a = c.first[b]; a < c.first[b + 1]; a++) {
            c.up_at[a] = x;
            x += c.n_up[a];
        }
        distinct += c.distinct[b];
    }

    free(c.keys);
    c.keys = NULL;
    free(c.tri);
    c.tri = NULL;
    /* transpose */
    free(cursor);
    cursor = malloc((size_t)c.threads * m * sizeof *cursor);
    uint32_t *from = malloc(((size_t)c.threads + 1) * sizeof *from);
    if (!cursor || !from) {
        free(from);
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory transposing the co-occurrence matrix");
        goto done;
    }
    split_buckets(&c, from);
    if (n)
        st = transpose(&c, from, cursor, err);
    else
        c.low_at[0] = 0;
    free(from);
    free(cursor);
    cursor = NULL;
    if (st)
        goto done;
    uint64_t entries = c.low_at[n];
    for (uint32_t a = 0; a < n; a++)
        entries += c.n_up[a];
    st = encode(&c, entries, 2 * (pairs + dense_pairs), distinct, out, out_len, err);
done:
    free(w);
    free(cursor);
    free_cooc(&c);
    return st;
}

nq_status nq_cooc_matrix_build(const nq_cooc_build *in, uint8_t **out, size_t *out_len, nq_error *err)
{
    return build(in, TOP_TERMS, out, out_len, err);
}

nq_status nq_cooc_matrix_build_dense(const nq_cooc_build *in, uint32_t dense_terms, uint8_t **out, size_t *out_len,
                                     nq_error *err)
{
    return build(in, dense_terms, out, out_len, err);
}

/* ------------------------------------------------------------------ */
/* Reading                                                            */
/* ------------------------------------------------------------------ */

static uint32_t rd32(const uint8_t *p)
{
    uint32_t x;
    memcpy(&x, p, 4);
    return x;
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
    return x;
}

/* Value i of the directory (the width and length were checked at open). */
static uint64_t dir_get(const nq_cooc_view *v, uint64_t i)
{
    nq_packed p;
    nq_packed_init(&p, v->dir, v->n_terms + 1, v->width);
    return nq_packed_get(&p, i);
}

nq_status nq_cooc_open(nq_cooc_view *v, const uint8_t *data, size_t len, uint64_t n_terms, nq_error *err)
{
    memset(v, 0, sizeof *v);
    if (len < NQ_COOC_HEADER_SIZE)
        return nq_fail(err, NQ_ERR_CORRUPT, "co-occurrence section: %zu bytes, shorter than its header", len);
    uint32_t version = rd32(data), window = rd32(data + 4), min_count = rd32(data + 8), block = rd32(data + 12);
    uint64_t terms = rd64(data + 16), data_bytes = rd64(data + 48);
    unsigned width = data[56];
    if (version != NQ_COOC_VERSION)
        return nq_fail(err, NQ_ERR_CORRUPT, "co-occurrence section: version %u, this ngramq reads %u", version,
                       NQ_COOC_VERSION);
    if (window < 1 || window > NQ_COOC_MAX_WINDOW || min_count < 1 || block != NQ_COOC_BLOCK)
        return nq_fail(err, NQ_ERR_CORRUPT, "co-occurrence section: bad window %u, min_count %u or block %u", window,
                       min_count, block);
    if (terms != n_terms)
        return nq_fail(err, NQ_ERR_CORRUPT, "co-occurrence section: %llu terms, the lexicon has %llu",
                       (unsigned long long)terms, (unsigned long long)n_terms);
    for (int i = 57; i < 64; i++)
        if (data[i])
            return nq_fail(err, NQ_ERR_CORRUPT, "co-occurrence section: nonzero reserved header bytes");
    if (width > NQ_BITPACK_MAX_WIDTH || n_terms >= NQ_ID_MARK)
        return nq_fail(err, NQ_ERR_CORRUPT, "co-occurrence section: bad directory width %u", width);
    uint64_t dir = nq_bitpack_bytes(n_terms + 1, width);
    if (data_bytes > len || len - NQ_COOC_HEADER_SIZE < dir || len - NQ_COOC_HEADER_SIZE - dir != data_bytes)
        return nq_fail(err, NQ_ERR_CORRUPT, "co-occurrence section: %zu bytes, its header says %llu",
                       len, (unsigned long long)(NQ_COOC_HEADER_SIZE + dir + data_bytes));
    v->dir = data + NQ_COOC_HEADER_SIZE;
    v->dir_len = dir;
    v->width = width;
    v->n_terms = n_terms;
    v->rows = data + NQ_COOC_HEADER_SIZE + dir;
    v->rows_len = data_bytes;
    v->window = window;
    v->min_count = min_count;
    v->occurrences = rd64(data + 24);
    v->distinct = rd64(data + 32);
    v->entries = rd64(data + 40);
    uint64_t prev = dir_get(v, 0);
    if (prev != 0)
        return nq_fail(err, NQ_ERR_CORRUPT, "co-occurrence section: directory does not start at 0");
    for (uint64_t a = 1; a <= n_terms; a++) {
        uint64_t x = dir_get(v, a);
        if (x < prev)
            return nq_fail(err, NQ_ERR_CORRUPT, "co-occurrence section: directory decreases at term %llu",
                           (unsigned long long)a);
        prev = x;
    }
    if (prev != data_bytes)
        return nq_fail(err, NQ_ERR_CORRUPT, "co-occurrence section: directory ends at %llu, data is %llu bytes",
                       (unsigned long long)prev, (unsigned long long)data_bytes);
    return NQ_OK;
}

uint32_t nq_cooc_window(const nq_cooc_view *v)
{
    return v->window;
}

uint32_t nq_cooc_min_count(const nq_cooc_view *v)
{
    return v->min_count;
}

/* Decodes one PFor run of n values from [*pp, end). */
static int pfor_get(const uint8_t **pp, const uint8_t *end, uint64_t *v, unsigned n)
{
    const uint8_t *p = *pp;
    if (end - p < 2)
        return -1;
    unsigned w = p[0], ne = p[1];
    p += 2;
    if (w > 32 || ne > n)
        return -1;
    size_t bytes = ((size_t)n * w + 7) / 8;
    if ((size_t)(end - p) < bytes)
        return -1;
    if (w == 0) {
        memset(v, 0, n * sizeof *v);
    } else {
        uint64_t acc = 0, mask = (1ull << w) - 1;
        unsigned have = 0;
        const uint8_t *q = p;
        for (unsigned i = 0; i < n; i++) {
            while (have < w) {
                acc |= (uint64_t)*q++ << have;
                have += 8;
            }
            v[i] = acc & mask;
            acc >>= w;
            have -= w;
        }
    }
    p += bytes;
    int last = -1;
    for (unsigned e = 0; e < ne; e++) {
        if (p >= end)
            return -1;
        int idx = *p++;
        uint64_t hi;
        if (idx <= last || idx >= (int)n || nq_varint_get(&p, end, &hi) || hi == 0 || nq_bits_for(hi) + w > 64)
            return -1;
        last = idx;
        v[idx] |= hi << w;
    }
    *pp = p;
    return 0;
}

/* Decodes the next block of the row into it->id, it->count. */
static int decode_block(nq_cooc_iter *it)
{
    unsigned n = (unsigned)(it->left < NQ_COOC_BLOCK ? it->left : NQ_COOC_BLOCK);
    uint64_t g[NQ_COOC_BLOCK];
    if (pfor_get(&it->p, it->end, g, n) || pfor_get(&it->p, it->end, it->count, n))
        return -1;
    uint64_t next = it->next_id;
    for (unsigned i = 0; i < n; i++) {
        if (g[i] >= it->n_terms || next + g[i] >= it->n_terms)
            return -1;
        uint64_t id = next + g[i];
        it->id[i] = (uint32_t)id;
        next = id + 1;
        if (it->count[i] > UINT64_MAX - it->min_count)
            return -1;
        it->count[i] += it->min_count;
    }
    it->next_id = next;
    it->left -= n;
    it->n = n;
    it->i = 0;
    return 0;
}

/* Row a's bytes and its header: m, the skip table's bounds. */
typedef struct row_head {
    const uint8_t *skip, *blocks, *end;
    uint64_t m, nb;
} row_head;

static int row_open(const nq_cooc_view *v, uint32_t a, row_head *h)
{
    memset(h, 0, sizeof *h);
    if (a >= v->n_terms)
        return 0;
    uint64_t lo = dir_get(v, a), hi = dir_get(v, (uint64_t)a + 1);
    if (lo > hi || hi > v->rows_len)
        return -1;
    const uint8_t *p = v->rows + lo;
    h->end = v->rows + hi;
    if (lo == hi) {
        h->blocks = h->skip = h->end;
        return 0;
    }
    if (nq_varint_get(&p, h->end, &h->m) || h->m == 0 || h->m > v->n_terms)
        return -1;
    h->nb = (h->m + NQ_COOC_BLOCK - 1) / NQ_COOC_BLOCK;
    h->skip = p;
    for (uint64_t j = 0; j + 1 < h->nb; j++) {
        uint64_t x;
        if (nq_varint_get(&p, h->end, &x) || nq_varint_get(&p, h->end, &x))
            return -1;
    }
    h->blocks = p;
    return 0;
}

int nq_cooc_row(const nq_cooc_view *v, uint32_t a, nq_cooc_iter *it)
{
    row_head h;
    it->p = it->end = NULL;
    it->m = it->left = 0;
    it->i = it->n = 0;
    it->next_id = 0;
    it->n_terms = v->n_terms;
    it->min_count = v->min_count;
    if (row_open(v, a, &h))
        return -1;
    it->p = h.blocks;
    it->end = h.end;
    it->m = it->left = h.m;
    return 0;
}

uint64_t nq_cooc_row_size(const nq_cooc_iter *it)
{
    return it->m;
}

int nq_cooc_next(nq_cooc_iter *it, uint32_t *b, uint64_t *count)
{
    if (it->i == it->n) {
        if (it->left == 0)
            return it->p == it->end ? 0 : -1;
        if (decode_block(it))
            return -1;
    }
    *b = it->id[it->i];
    *count = it->count[it->i++];
    return 1;
}

int nq_cooc_get(const nq_cooc_view *v, uint32_t a, uint32_t b, uint64_t *count)
{
    *count = 0;
    if (a >= v->n_terms || b >= v->n_terms)
        return 0;
    /* symmetric: read the shorter row */
    uint64_t la = dir_get(v, (uint64_t)a + 1) - dir_get(v, a), lb = dir_get(v, (uint64_t)b + 1) - dir_get(v, b);
    if (lb < la) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    row_head h;
    if (row_open(v, a, &h))
        return -1;
    if (h.m == 0)
        return 0;
    /* the first block whose last id is >= b */
    const uint8_t *p = h.skip, *blk = h.blocks;
    uint64_t next = 0, j = 0;
    for (; j + 1 < h.nb; j++) {
        uint64_t d, bytes;
        if (nq_varint_get(&p, h.end, &d) || nq_varint_get(&p, h.end, &bytes))
            return -1;
        if (d >= v->n_terms || next + d >= v->n_terms || bytes > (uint64_t)(h.end - blk))
            return -1;
        uint64_t last = next + d;
        if (last >= b)
            break;
        next = last + 1;
        blk += bytes;
    }
    nq_cooc_iter it;
    it.p = blk;
    it.end = h.end;
    it.n_terms = v->n_terms;
    it.min_count = v->min_count;
    it.m = h.m;
    it.left = h.m - j * NQ_COOC_BLOCK;
    it.next_id = next;
    if (decode_block(&it))
        return -1;
    for (unsigned i = 0; i < it.n; i++) {
        if (it.id[i] == b) {
            *count = it.count[i];
            return 1;
        }
        if (it.id[i] > b)
            break;
    }
    return 0;
}

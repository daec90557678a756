/*
 * Top n-grams of a sub-corpus. The n-gram tables count the whole corpus, so
 * a filtered top-k recounts: the postings are turned back into the token
 * sequence (one pass over every list), then the n-grams of the kept
 * documents are counted in a hash table. Time and memory grow with the
 * sub-corpus: a few hundred milliseconds for a year of OrangeSum.
 */
#include "top_subcorpus.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "forward.h"
#include "structure.h"
#include "vec.h"

/* Open addressing over n-id keys; counts, documents, and the last document
 * seen (windows come in position order, so documents in order). */
typedef struct table {
    int n;
    size_t cap, used;
    uint32_t *keys;          /* cap * n; keys[slot * n] == NQ_ID_NONE: empty */
    uint32_t *count, *df, *last_doc;
} table;

static uint64_t hash_key(const uint32_t *k, int n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < n; i++)
        h = (h ^ k[i]) * 0xFF51AFD7ED558CCDull;
    return h ^ (h >> 29);
}

static int table_init(table *t, int n, size_t cap)
{
    t->n = n;
    t->cap = cap;
    t->used = 0;
    t->keys = malloc(cap * (size_t)n * sizeof *t->keys);
    t->count = calloc(cap, sizeof *t->count);
    t->df = calloc(cap, sizeof *t->df);
    t->last_doc = malloc(cap * sizeof *t->last_doc);
    if (!t->keys || !t->count || !t->df || !t->last_doc)
        return -1;
    for (size_t s = 0; s < cap; s++)
        t->keys[s * (size_t)n] = NQ_ID_NONE;
    return 0;
}

static void table_free(table *t)
{
    free(t->keys);
    free(t->count);
    free(t->df);
    free(t->last_doc);
}

static size_t find_slot(const table *t, const uint32_t *k)
{
    size_t mask = t->cap - 1, s = (size_t)hash_key(k, t->n) & mask;
    while (t->keys[s * (size_t)t->n] != NQ_ID_NONE &&
           memcmp(t->keys + s * (size_t)t->n, k, (size_t)t->n * sizeof *k) != 0)
        s = (s + 1) & mask;
    return s;
}

static int table_grow(table *t)
{
    table g;
    if (table_init(&g, t->n, t->cap * 2)) {
        table_free(&g);
        return -1;
    }
    for (size_t s = 0; s < t->cap; s++) {
        const uint32_t *k = t->keys + s * (size_t)t->n;
        if (*k == NQ_ID_NONE)
            continue;
        size_t d = find_slot(&g, k);
        memcpy(g.keys + d * (size_t)g.n, k, (size_t)g.n * sizeof *k);
        g.count[d] = t->count[s];
        g.df[d] = t->df[s];
        g.last_doc[d] = t->last_doc[s];
    }
    g.used = t->used;
    table_free(t);
    *t = g;
    return 0;
}

static int table_add(table *t, const uint32_t *k, uint32_t doc)
{
    if (2 * (t->used + 1) > t->cap && table_grow(t))
        return -1;
    size_t s = find_slot(t, k);
    if (t->keys[s * (size_t)t->n] == NQ_ID_NONE) {
        memcpy(t->keys + s * (size_t)t->n, k, (size_t)t->n * sizeof *k);
        t->used++;
        t->last_doc[s] = UINT32_MAX;
    }
    t->count[s]++;
    if (t->last_doc[s] != doc) {
        t->last_doc[s] = doc;
        t->df[s]++;
    }
    return 0;
}

static int prefix_ok(const uint32_t *w, const nq_top_prefix *pf)
{
    for (size_t i = 0; i < pf->n; i++)
        if (w[i] < pf->lo[i] || w[i] >= pf->hi[i])
            return 0;
    return 1;
}

/* Every n-token window inside one sentence of a kept document. */
static nq_status count_windows(const nq_index *ix, const nq_subcorpus *sc, const uint32_t *stream, int n,
                               const nq_top_prefix *pf, table *t, nq_error *err)
{
    for (uint64_t d = 0; d < ix->strc.docs; d++) {
        if (!nq_subcorpus_has(sc, d))
            continue;
        uint64_t a = nq_doc_start(&ix->strc, d), b = nq_doc_start(&ix->strc, d + 1);
        for (uint64_t p = a; p + (uint64_t)n <= b; p++) {
            if (n > 1 && nq_bitrank_any(&ix->strc.sent, p, p + (uint64_t)n - 1))
                continue;
            if (!prefix_ok(stream + p, pf))
                continue;
            if (table_add(t, stream + p, (uint32_t)d))
                return nq_fail(err, NQ_ERR_NOMEM, "out of memory counting %d-grams (%zu so far)", n, t->used);
        }
    }
    return NQ_OK;
}

/* Whether slot x ranks before slot y: more occurrences, then the n-gram's
 * bytes, which id order gives (the lexicon is sorted). */
static int before(const table *t, size_t x, size_t y)
{
    if (t->count[x] != t->count[y])
        return t->count[x] > t->count[y];
    const uint32_t *a = t->keys + x * (size_t)t->n, *b = t->keys + y * (size_t)t->n;
    for (int i = 0; i < t->n; i++)
        if (a[i] != b[i])
            return a[i] < b[i];
    return 0;
}

/* Heap of the k best so far, the weakest at the root. */
static void sift(const table *t, size_t *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i;
        if (l < n && before(t, h[w], h[l]))
            w = l;
        if (r < n && before(t, h[w], h[r]))
            w = r;
        if (w == i)
            return;
        size_t x = h[i];
        h[i] = h[w];
        h[w] = x;
        i = w;
    }
}

/* The k best slots, best first, into out (k entries); returns how many. */
static size_t select_best(const table *t, size_t k, size_t *h)
{
    size_t n = 0;
    for (size_t s = 0; s < t->cap && k; s++) {
        if (t->keys[s * (size_t)t->n] == NQ_ID_NONE)
            continue;
        if (n < k) {
            h[n++] = s;
            if (n == k)
                for (size_t i = k / 2; i-- > 0;)
                    sift(t, h, n, i);
        } else if (before(t, s, h[0])) {
            h[0] = s;
            sift(t, h, n, 0);
        }
    }
    if (n < k)
        for (size_t i = n / 2; i-- > 0;)
            sift(t, h, n, i);
    for (size_t m = n; m > 1; m--) { /* pop the weakest to the back */
        size_t x = h[0];
        h[0] = h[m - 1];
        h[m - 1] = x;
        sift(t, h, m - 1, 0);
    }
    return n;
}

static char *spell(const nq_index *ix, const uint32_t *ids, int n)
{
    size_t total = 1;
    char probe[1];
    for (int i = 0; i < n; i++)
        total += nq_lexicon_term(&ix->lex, ids[i], probe, sizeof probe) + 1;
    char *s = malloc(total);
    if (!s)
        return NULL;
    size_t at = 0;
    for (int i = 0; i < n; i++) {
        if (i)
            s[at++] = ' ';
        at += nq_lexicon_term(&ix->lex, ids[i], s + at, total - at);
    }
    s[at] = 0;
    return s;
}

static nq_status fill_result(const nq_index *ix, const table *t, size_t k, nq_top_result *res, nq_error *err)
{
    size_t *h = malloc((k ? k : 1) * sizeof *h);
    if (!h)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    size_t got = select_best(t, k, h);
    res->rows = calloc(got ? got : 1, sizeof *res->rows);
    if (!res->rows) {
        free(h);
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < got; i++) {
        nq_top_row *row = &res->rows[i];
        row->ngram = spell(ix, t->keys + h[i] * (size_t)t->n, t->n);
        if (!row->ngram) {
            free(h);
            nq_top_result_free(res);
            return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
        }
        row->count = t->count[h[i]];
        row->documents = t->df[h[i]];
        res->n_rows++;
    }
    free(h);
    return NQ_OK;
}

nq_status nq_top_subcorpus(nq_index *ix, const nq_subcorpus *sc, int n, size_t k, const nq_top_prefix *pf,
                           nq_top_result *res, nq_error *err)
{
    memset(res, 0, sizeof *res);
    nq_status st = nq_index_need(ix, NQ_PART_POSITIONS, err);
    if (st || k == 0)
        return st;
    uint32_t *stream = NULL;
    table t = {0};
    st = nq_forward_build(ix, &stream, err);
    if (!st && table_init(&t, n, 1 << 16))
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    if (!st)
        st = count_windows(ix, sc, stream, n, pf, &t, err);
    free(stream);
    if (!st)
        st = fill_result(ix, &t, k, res, err);
    table_free(&t);
    return st;
}

/* Level-wise n-gram counting against a brute-force counter on random streams. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "format.h"
#include "ngram_count.h"

typedef struct gram {
    uint32_t w[8];
    int n;
    uint32_t count, df;
} gram;

static uint64_t rng_state;

static uint32_t rnd(uint32_t bound)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)((rng_state >> 33) % bound);
}

static int cmp_gram(const void *a, const void *b)
{
    const gram *x = a, *y = b;
    for (int i = 0; i < x->n && i < y->n; i++)
        if (x->w[i] != y->w[i])
            return x->w[i] < y->w[i] ? -1 : 1;
    return x->n - y->n;
}

/* Every n-gram occurrence inside a sentence, sorted, then merged with counts
 * and document frequencies: no hashing, no pruning, nothing shared with the
 * engine. */
static gram *brute(const uint32_t *s, uint64_t len, const uint64_t *doc_start, uint64_t n_docs, int n,
                   size_t *out_n)
{
    gram *g = malloc((len + 1) * sizeof *g);
    uint32_t *doc_of = malloc((len + 1) * sizeof *doc_of);
    assert_non_null(g);
    assert_non_null(doc_of);
    for (uint64_t d = 0; d < n_docs; d++) {
        uint64_t end = d + 1 < n_docs ? doc_start[d + 1] : len;
        for (uint64_t p = doc_start[d]; p < end; p++)
            doc_of[p] = (uint32_t)d;
    }
    size_t k = 0;
    for (uint64_t p = 0; p + (uint64_t)n <= len; p++) {
        int ok = 1;
        for (int i = 0; i < n; i++)
            ok &= s[p + (uint64_t)i] < NQ_ID_MARK;
        if (!ok)
            continue;
        memset(&g[k], 0, sizeof g[k]);
        g[k].n = n;
        memcpy(g[k].w, s + p, (size_t)n * sizeof *s);
        g[k].count = 1;
        g[k].df = doc_of[p]; /* temporarily: the document */
        k++;
    }
    qsort(g, k, sizeof *g, cmp_gram);
    size_t m = 0;
    for (size_t i = 0; i < k;) {
        size_t j = i;
        uint32_t docs = 0, last = UINT32_MAX;
        while (j < k && cmp_gram(&g[i], &g[j]) == 0) {
            if (g[j].df != last) {
                docs++;
                last = g[j].df;
            }
            j++;
        }
        g[m] = g[i];
        g[m].count = (uint32_t)(j - i);
        g[m].df = docs;
        m++;
        i = j;
    }
    free(doc_of);
    *out_n = m;
    return g;
}

/* Spells entry i of level n back to term ids through the parent ranks. */
static void spell(nq_ngram_level *lv, int n, uint64_t i, uint32_t *w)
{
    for (int k = n; k >= 2; k--) {
        w[k - 1] = lv[k].word[i];
        i = lv[k].parent[i];
    }
    w[0] = (uint32_t)i;
}

static void check_stream(const uint32_t *s, uint64_t len, const uint64_t *doc_start, uint64_t n_docs,
                         uint32_t n_terms, int max_n, uint32_t min_count, int threads)
{
    uint32_t *cf = calloc(n_terms, sizeof *cf);
    assert_non_null(cf);
    for (uint64_t p = 0; p < len; p++)
        if (s[p] < NQ_ID_MARK)
            cf[s[p]]++;
    nq_ngram_level lv[NQ_MAX_ORDER + 1];
    memset(lv, 0, sizeof lv);
    nq_count_input in = {s, len, doc_start, n_docs, cf, n_terms, max_n, min_count, threads};
    nq_error err;
    assert_int_equal(nq_count_ngrams(&in, lv, &err), NQ_OK);
    for (int n = 2; n <= max_n; n++) {
        size_t m;
        gram *g = brute(s, len, doc_start, n_docs, n, &m);
        uint64_t kept = 0;
        for (size_t i = 0; i < m; i++) {
            if (g[i].count < min_count)
                continue;
            assert_true(kept < lv[n].n);
            uint32_t w[8];
            spell(lv, n, kept, w);
            assert_memory_equal(w, g[i].w, (size_t)n * sizeof *w);
            assert_int_equal(lv[n].count[kept], g[i].count);
            assert_int_equal(lv[n].df[kept], g[i].df);
            kept++;
        }
        assert_int_equal(kept, lv[n].n);
        free(g);
    }
    for (int n = 0; n <= NQ_MAX_ORDER; n++)
        nq_ngram_level_free(&lv[n]);
    free(cf);
}

/* A random corpus: documents of sentences of Zipf-ish term ids. */
static uint32_t *random_stream(uint64_t target, uint32_t n_terms, uint64_t **doc_start, uint64_t *n_docs,
                               uint64_t *len)
{
    uint32_t *s = malloc((target + 64) * sizeof *s);
    uint64_t *ds = malloc((target + 1) * sizeof *ds);
    assert_non_null(s);
    assert_non_null(ds);
    uint64_t p = 0, d = 0;
    while (p < target) {
        ds[d++] = p;
        int sentences = 1 + (int)rnd(4);
        for (int k = 0; k < sentences && p < target; k++) {
            s[p++] = k == 0 ? NQ_ID_PARA_BREAK : NQ_ID_SENT_BREAK;
            int words = (int)rnd(12);
            for (int i = 0; i < words && p < target + 60; i++) {
                uint32_t a = rnd(n_terms), b = rnd(n_terms);
                s[p++] = a < b ? a : b; /* skewed towards small ids */
            }
        }
    }
    *doc_start = ds;
    *n_docs = d;
    *len = p;
    return s;
}

static void test_random_streams(void **state)
{
    (void)state;
    static const uint32_t vocab[] = {2, 5, 40, 1000};
    static const uint32_t mins[] = {1, 2, 3};
    static const int threads[] = {1, 2, 3, 8};
    for (int v = 0; v < 4; v++)
        for (int m = 0; m < 3; m++)
            for (int t = 0; t < 4; t++) {
                rng_state = (uint64_t)(v * 100 + m * 10 + t) + 1;
                uint64_t *ds, nd, len;
                uint32_t *s = random_stream(20000, vocab[v], &ds, &nd, &len);
                check_stream(s, len, ds, nd, vocab[v], 6, mins[m], threads[t]);
                free(s);
                free(ds);
            }
}

static void test_degenerate_streams(void **state)
{
    (void)state;
    /* One long sentence of one repeated term: every n-gram is the same. */
    uint32_t s[1001];
    uint64_t ds[1] = {0};
    s[0] = NQ_ID_PARA_BREAK;
    for (int i = 1; i < 1001; i++)
        s[i] = 0;
    check_stream(s, 1001, ds, 1, 1, 8, 2, 2);
    /* Only marks: nothing to count. */
    for (int i = 0; i < 1001; i++)
        s[i] = NQ_ID_SENT_BREAK;
    check_stream(s, 1001, ds, 1, 1, 5, 1, 2);
    /* Sentences of one token: no n-gram of n >= 2. */
    for (int i = 0; i < 1000; i += 2) {
        s[i] = NQ_ID_SENT_BREAK;
        s[i + 1] = (uint32_t)(i % 7);
    }
    check_stream(s, 1000, ds, 1, 7, 4, 1, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_streams),
        cmocka_unit_test(test_degenerate_streams),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

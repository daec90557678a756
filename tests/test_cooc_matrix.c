/* The window co-occurrence matrix against a brute-force counter on random
 * streams, plus thread independence and corrupt sections. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cooc_matrix.h"
#include "format.h"

static uint64_t rng_state;

static uint64_t rnd64(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return rng_state >> 16;
}

static uint32_t rnd(uint32_t bound)
{
    return (uint32_t)(rnd64() % bound);
}

/* ---- brute force: every ordered position pair, counted in a hash map ---- */

typedef struct pmap {
    uint64_t *key; /* a << 32 | b, UINT64_MAX = empty */
    uint64_t *val;
    size_t mask, n;
} pmap;

static void pmap_init(pmap *m, size_t expect)
{
    size_t cap = 1024;
    while (cap < expect * 2)
        cap *= 2;
    m->key = malloc(cap * sizeof *m->key);
    m->val = calloc(cap, sizeof *m->val);
    assert_non_null(m->key);
    assert_non_null(m->val);
    memset(m->key, 0xFF, cap * sizeof *m->key);
    m->mask = cap - 1;
    m->n = 0;
}

static size_t pmap_slot(const pmap *m, uint64_t key)
{
    size_t h = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & m->mask;
    while (m->key[h] != UINT64_MAX && m->key[h] != key)
        h = (h + 1) & m->mask;
    return h;
}

static void pmap_grow(pmap *m)
{
    pmap big;
    pmap_init(&big, (m->mask + 1));
    for (size_t i = 0; i <= m->mask; i++)
        if (m->key[i] != UINT64_MAX) {
            size_t h = pmap_slot(&big, m->key[i]);
            big.key[h] = m->key[i];
            big.val[h] = m->val[i];
            big.n++;
        }
    free(m->key);
    free(m->val);
    *m = big;
}

static void pmap_add(pmap *m, uint32_t a, uint32_t b)
{
    if ((m->n + 1) * 2 > m->mask + 1)
        pmap_grow(m);
    uint64_t key = (uint64_t)a << 32 | b;
    size_t h = pmap_slot(m, key);
    if (m->key[h] == UINT64_MAX) {
        m->key[h] = key;
        m->n++;
    }
    m->val[h]++;
}

static uint64_t pmap_get(const pmap *m, uint32_t a, uint32_t b)
{
    size_t h = pmap_slot(m, (uint64_t)a << 32 | b);
    return m->key[h] == UINT64_MAX ? 0 : m->val[h];
}

static void pmap_free(pmap *m)
{
    free(m->key);
    free(m->val);
}

/* The definition, literally: (i, j), i != j, |i - j| <= k, same sentence. */
static void brute(const uint32_t *s, uint64_t len, uint32_t k, pmap *m)
{
    pmap_init(m, 1024);
    uint64_t sent_start = 0;
    for (uint64_t i = 0; i < len; i++) {
        if (s[i] >= NQ_ID_MARK) {
            sent_start = i + 1;
            continue;
        }
        uint64_t sent_end = i;
        while (sent_end < len && s[sent_end] < NQ_ID_MARK)
            sent_end++;
        uint64_t lo = i >= sent_start + k ? i - k : sent_start;
        uint64_t hi = i + k + 1 < sent_end ? i + k + 1 : sent_end;
        for (uint64_t j = lo; j < hi; j++)
            if (j != i)
                pmap_add(m, s[i], s[j]);
    }
}

/* ---- random streams ---- */

/* Zipf-like ids over n_terms (rank r has weight ~ 1/(r+1)), then scrambled
 * so that frequent terms are not the small ids; sentences of 1..max_sent
 * tokens, some of them paragraphs. */
static uint32_t *random_stream(uint64_t tokens, uint32_t n_terms, uint32_t max_sent, uint64_t *len)
{
    uint32_t *s = malloc((tokens * 2 + 1) * sizeof *s);
    double *cum = malloc(n_terms * sizeof *cum);
    uint32_t *perm = malloc(n_terms * sizeof *perm);
    assert_non_null(s);
    assert_non_null(cum);
    assert_non_null(perm);
    double total = 0;
    for (uint32_t r = 0; r < n_terms; r++) {
        total += 1.0 / (r + 1);
        cum[r] = total;
        perm[r] = r;
    }
    for (uint32_t r = n_terms - 1; r > 0; r--) {
        uint32_t j = rnd(r + 1), t = perm[r];
        perm[r] = perm[j];
        perm[j] = t;
    }
    uint64_t n = 0, left = 0;
    for (uint64_t t = 0; t < tokens; t++) {
        if (left == 0) {
            s[n++] = rnd(4) == 0 ? NQ_ID_PARA_BREAK : NQ_ID_SENT_BREAK;
            left = 1 + rnd(max_sent);
        }
        double x = (double)(rnd64() % 1000000007u) / 1000000007.0 * total;
        uint32_t lo = 0, hi = n_terms - 1;
        while (lo < hi) {
            uint32_t mid = (lo + hi) / 2;
            if (cum[mid] < x)
                lo = mid + 1;
            else
                hi = mid;
        }
        s[n++] = perm[lo];
        left--;
    }
    free(cum);
    free(perm);
    *len = n;
    return s;
}

/* Builds with the default number of densely counted terms, and checks that
 * none, a few and all of them give the same bytes. */
static uint8_t *build(const uint32_t *s, uint64_t len, uint32_t n_terms, uint32_t k, uint32_t min_count,
                      int threads, size_t *out_len)
{
    nq_cooc_build in = {s, len, n_terms, k, min_count, threads};
    uint8_t *out = NULL;
    nq_error err = {0};
    nq_status st = nq_cooc_matrix_build(&in, &out, out_len, &err);
    if (st)
        fail_msg("build: %s", err.message);
    assert_non_null(out);
    static const uint32_t dense[] = {0, 7, 4096};
    for (int i = 0; i < 3; i++) {
        uint8_t *other = NULL;
        size_t other_len = 0;
        assert_int_equal(nq_cooc_matrix_build_dense(&in, dense[i], &other, &other_len, &err), NQ_OK);
        assert_int_equal(other_len, *out_len);
        assert_memory_equal(other, out, other_len);
        free(other);
    }
    /* an exact-size copy, so that ASan sees any read past the section */
    uint8_t *exact = malloc(*out_len);
    assert_non_null(exact);
    memcpy(exact, out, *out_len);
    free(out);
    return exact;
}

/* Every row against the brute-force counts; every stored pair through get
 * too, its mirror, and pairs that are not stored. */
static void check_matrix(const uint8_t *sec, size_t sec_len, const pmap *m, uint32_t n_terms, uint32_t k,
                         uint32_t min_count)
{
    nq_cooc_view v;
    nq_error err = {0};
    nq_status st = nq_cooc_open(&v, sec, sec_len, n_terms, &err);
    if (st)
        fail_msg("open: %s", err.message);
    assert_int_equal(nq_cooc_window(&v), k);
    assert_int_equal(nq_cooc_min_count(&v), min_count);

    /* expected row lengths, occurrences, distinct */
    uint64_t *row_n = calloc(n_terms ? n_terms : 1, sizeof *row_n);
    assert_non_null(row_n);
    uint64_t occ = 0, distinct = 0, entries = 0;
    for (size_t h = 0; h <= m->mask; h++) {
        if (m->key[h] == UINT64_MAX)
            continue;
        occ += m->val[h];
        distinct++;
        if (m->val[h] >= min_count) {
            row_n[m->key[h] >> 32]++;
            entries++;
        }
    }
    assert_int_equal(v.occurrences, occ);
    assert_int_equal(v.distinct, distinct);
    assert_int_equal(v.entries, entries);

    uint64_t seen = 0;
    for (uint32_t a = 0; a < n_terms; a++) {
        nq_cooc_iter it;
        assert_int_equal(nq_cooc_row(&v, a, &it), 0);
        assert_int_equal(nq_cooc_row_size(&it), row_n[a]);
        uint32_t b;
        uint64_t c, n = 0;
        int64_t prev = -1;
        int r;
        while ((r = nq_cooc_next(&it, &b, &c)) == 1) {
            assert_true((int64_t)b > prev);
            prev = b;
            assert_true(b < n_terms);
            uint64_t want = pmap_get(m, a, b);
            if (c != want)
                fail_msg("count(%u, %u): %llu, brute force %llu", a, b, (unsigned long long)c,
                         (unsigned long long)want);
            assert_true(c >= min_count);
            /* symmetry: (b, a) stored with the same count */
            assert_int_equal(pmap_get(m, b, a), c);
            uint64_t g;
            assert_int_equal(nq_cooc_get(&v, a, b, &g), 1);
            assert_int_equal(g, c);
            assert_int_equal(nq_cooc_get(&v, b, a, &g), 1);
            assert_int_equal(g, c);
            n++;
        }
        assert_int_equal(r, 0);
        assert_int_equal(nq_cooc_next(&it, &b, &c), 0);
        assert_int_equal(n, row_n[a]);
        seen += n;
    }
    assert_int_equal(seen, entries);
    /* random pairs, mostly not stored */
    for (int i = 0; i < 20000 && n_terms; i++) {
        uint32_t a = rnd(n_terms), b = rnd(n_terms);
        uint64_t g, want = pmap_get(m, a, b);
        int r = nq_cooc_get(&v, a, b, &g);
        if (want >= min_count) {
            assert_int_equal(r, 1);
            assert_int_equal(g, want);
        } else {
            assert_int_equal(r, 0);
            assert_int_equal(g, 0);
        }
    }
    /* ids out of range: empty row, not stored */
    nq_cooc_iter it;
    uint32_t b;
    uint64_t c;
    assert_int_equal(nq_cooc_row(&v, n_terms, &it), 0);
    assert_int_equal(nq_cooc_next(&it, &b, &c), 0);
    assert_int_equal(nq_cooc_get(&v, n_terms, 0, &c), 0);
    assert_int_equal(nq_cooc_get(&v, 0, UINT32_MAX, &c), 0);
    free(row_n);
}

static void check_random(uint64_t seed, uint64_t tokens, uint32_t n_terms, uint32_t max_sent, const uint32_t *ks,
                         int nk, const uint32_t *mins, int nm, int threads)
{
    rng_state = seed;
    uint64_t len;
    uint32_t *s = random_stream(tokens, n_terms, max_sent, &len);
    for (int i = 0; i < nk; i++) {
        pmap m;
        brute(s, len, ks[i], &m);
        for (int j = 0; j < nm; j++) {
            size_t sec_len;
            uint8_t *sec = build(s, len, n_terms, ks[i], mins[j], threads, &sec_len);
            check_matrix(sec, sec_len, &m, n_terms, ks[i], mins[j]);
            free(sec);
        }
        pmap_free(&m);
    }
    free(s);
}

static const uint32_t all_k[] = {1, 2, 5, 10};
static const uint32_t all_min[] = {1, 2, 3};

static void test_tiny(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 30; seed++)
        check_random(seed, 1 + seed * 3, 1 + (uint32_t)(seed % 7), 1 + (uint32_t)(seed % 12), all_k, 4, all_min, 3,
                     1 + (int)(seed % 3));
}

static void test_medium(void **state)
{
    (void)state;
    check_random(42, 50000, 2000, 30, all_k, 4, all_min, 3, 2);
}

static void test_large(void **state)
{
    (void)state;
    /* a few hundred thousand tokens, many buckets, rows of many blocks */
    static const uint32_t ks[] = {2, 5, 10}, mins[] = {1, 3};
    check_random(7, 300000, 20000, 40, ks, 3, mins, 2, 2);
    /* few terms: heavy buckets of a single term, counts in the thousands */
    static const uint32_t ks2[] = {1, 5}, mins2[] = {1, 2, 3};
    check_random(8, 200000, 50, 25, ks2, 2, mins2, 3, 3);
}

static void test_threads_identical(void **state)
{
    (void)state;
    rng_state = 99;
    uint64_t len;
    uint32_t *s = random_stream(300000, 30000, 35, &len);
    static const uint32_t ks[] = {1, 5, 16};
    for (int i = 0; i < 3; i++) {
        size_t l1, l2, l3, l8;
        uint8_t *a = build(s, len, 30000, ks[i], 2, 1, &l1);
        uint8_t *b = build(s, len, 30000, ks[i], 2, 2, &l2);
        uint8_t *c = build(s, len, 30000, ks[i], 2, 3, &l3);
        uint8_t *d = build(s, len, 30000, ks[i], 2, 8, &l8);
        assert_int_equal(l1, l2);
        assert_int_equal(l1, l3);
        assert_int_equal(l1, l8);
        assert_memory_equal(a, b, l1);
        assert_memory_equal(a, c, l1);
        assert_memory_equal(a, d, l1);
        free(a);
        free(b);
        free(c);
        free(d);
    }
    free(s);
}

/* Terms that never occur, occur only alone in a sentence, or only next to
 * a sentence break: empty rows. */
static void test_empty_rows(void **state)
{
    (void)state;
    const uint32_t S = NQ_ID_SENT_BREAK, P = NQ_ID_PARA_BREAK;
    /* 0 1 | 2 | 3 | 0 1 0; terms 4..9 never occur, 2 and 3 are alone */
    const uint32_t s[] = {P, 0, 1, S, 2, P, 3, S, 0, 1, 0};
    const uint64_t len = sizeof s / sizeof *s;
    for (uint32_t k = 1; k <= 3; k++) {
        pmap m;
        brute(s, len, k, &m);
        for (uint32_t mc = 1; mc <= 3; mc++) {
            size_t sec_len;
            uint8_t *sec = build(s, len, 10, k, mc, 2, &sec_len);
            check_matrix(sec, sec_len, &m, 10, k, mc);
            nq_cooc_view v;
            assert_int_equal(nq_cooc_open(&v, sec, sec_len, 10, NULL), NQ_OK);
            for (uint32_t a = 2; a < 10; a++) {
                nq_cooc_iter it;
                uint32_t b;
                uint64_t c;
                assert_int_equal(nq_cooc_row(&v, a, &it), 0);
                assert_int_equal(nq_cooc_row_size(&it), 0);
                assert_int_equal(nq_cooc_next(&it, &b, &c), 0);
            }
            free(sec);
        }
        pmap_free(&m);
    }
    /* k = 1, by hand: count(0, 1) = 1 (sentence "0 1") + 2 (sentence "0 1 0") */
    size_t sec_len;
    uint8_t *sec = build(s, len, 10, 1, 1, 1, &sec_len);
    nq_cooc_view v;
    assert_int_equal(nq_cooc_open(&v, sec, sec_len, 10, NULL), NQ_OK);
    uint64_t c;
    assert_int_equal(nq_cooc_get(&v, 0, 1, &c), 1);
    assert_int_equal(c, 3);
    assert_int_equal(nq_cooc_get(&v, 1, 0, &c), 1);
    assert_int_equal(c, 3);
    assert_int_equal(nq_cooc_get(&v, 0, 0, &c), 0);
    free(sec);
    /* k = 2: the last sentence 0 1 0 has 0 and 0 at distance 2: count 2 */
    sec = build(s, len, 10, 2, 1, 1, &sec_len);
    assert_int_equal(nq_cooc_open(&v, sec, sec_len, 10, NULL), NQ_OK);
    assert_int_equal(nq_cooc_get(&v, 0, 0, &c), 1);
    assert_int_equal(c, 2);
    free(sec);
}

/* Single-token sentences only, an empty stream, a stream with no terms at
 * all, and a stream whose first sentence has no mark. */
static void test_degenerate(void **state)
{
    (void)state;
    const uint32_t S = NQ_ID_SENT_BREAK;
    const uint32_t one[] = {S, 5, S, 5, S, 7, S, 0};
    size_t sec_len;
    uint8_t *sec = build(one, 8, 8, 5, 1, 2, &sec_len);
    nq_cooc_view v;
    assert_int_equal(nq_cooc_open(&v, sec, sec_len, 8, NULL), NQ_OK);
    assert_int_equal(v.entries, 0);
    assert_int_equal(v.occurrences, 0);
    for (uint32_t a = 0; a < 8; a++) {
        nq_cooc_iter it;
        uint32_t b;
        uint64_t c;
        assert_int_equal(nq_cooc_row(&v, a, &it), 0);
        assert_int_equal(nq_cooc_next(&it, &b, &c), 0);
    }
    free(sec);

    sec = build(NULL, 0, 0, 5, 1, 2, &sec_len);
    assert_int_equal(nq_cooc_open(&v, sec, sec_len, 0, NULL), NQ_OK);
    free(sec);
    const uint32_t marks[] = {S, S, NQ_ID_PARA_BREAK};
    sec = build(marks, 3, 0, 5, 1, 2, &sec_len);
    assert_int_equal(nq_cooc_open(&v, sec, sec_len, 0, NULL), NQ_OK);
    free(sec);

    const uint32_t nomark[] = {1, 2, 1, S, 2};
    pmap m;
    brute(nomark, 5, 3, &m);
    sec = build(nomark, 5, 3, 3, 1, 2, &sec_len);
    check_matrix(sec, sec_len, &m, 3, 3, 1);
    free(sec);
    pmap_free(&m);
}

/* One term repeated: one huge self count, in a PFor exception. */
static void test_repeated_term(void **state)
{
    (void)state;
    enum { L = 100000 };
    uint32_t *s = malloc((L + 1) * sizeof *s);
    assert_non_null(s);
    s[0] = NQ_ID_SENT_BREAK;
    for (int i = 1; i <= L; i++)
        s[i] = 0;
    for (uint32_t k = 1; k <= 16; k += 5) {
        size_t sec_len;
        uint8_t *sec = build(s, L + 1, 1, k, 1, 2, &sec_len);
        nq_cooc_view v;
        assert_int_equal(nq_cooc_open(&v, sec, sec_len, 1, NULL), NQ_OK);
        uint64_t want = 0, c;
        for (uint64_t d = 1; d <= k; d++)
            want += 2 * (L - d);
        assert_int_equal(nq_cooc_get(&v, 0, 0, &c), 1);
        assert_int_equal(c, want);
        free(sec);
    }
    free(s);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    const uint32_t s[] = {NQ_ID_SENT_BREAK, 0, 1, 2};
    nq_cooc_build in = {s, 4, 3, 17, 1, 1};
    uint8_t *out = NULL;
    size_t len = 0;
    nq_error err = {0};
    assert_int_equal(nq_cooc_matrix_build(&in, &out, &len, &err), NQ_ERR_ARG);
    assert_null(out);
    in.window = 2;
    in.n_terms = 2; /* id 2 is out of range */
    assert_int_equal(nq_cooc_matrix_build(&in, &out, &len, &err), NQ_ERR_ARG);
    assert_null(out);
    assert_true(strlen(err.message) > 0);
    /* defaults */
    in.n_terms = 3;
    in.window = 0;
    in.min_count = 0;
    assert_int_equal(nq_cooc_matrix_build(&in, &out, &len, &err), NQ_OK);
    nq_cooc_view v;
    assert_int_equal(nq_cooc_open(&v, out, len, 3, NULL), NQ_OK);
    assert_int_equal(nq_cooc_window(&v), NQ_COOC_DEFAULT_WINDOW);
    assert_int_equal(nq_cooc_min_count(&v), NQ_COOC_DEFAULT_MIN_COUNT);
    /* the lexicon size must match */
    assert_int_equal(nq_cooc_open(&v, out, len, 4, &err), NQ_ERR_CORRUPT);
    free(out);
}

/* Reads everything a reader can reach; returns normally whatever the bytes. */
static void read_all(const uint8_t *sec, size_t len, uint32_t n_terms)
{
    nq_cooc_view v;
    if (nq_cooc_open(&v, sec, len, n_terms, NULL) != NQ_OK)
        return;
    for (uint32_t a = 0; a < n_terms; a++) {
        nq_cooc_iter it;
        uint32_t b;
        uint64_t c;
        if (nq_cooc_row(&v, a, &it) != 0)
            continue;
        int r, guard = 0;
        while ((r = nq_cooc_next(&it, &b, &c)) == 1) {
            assert_true(b < n_terms);
            assert_true(++guard <= (int)n_terms);
        }
        assert_true(r == 0 || r == -1);
    }
    for (uint32_t a = 0; a < n_terms; a += 3)
        for (uint32_t b = 0; b < n_terms; b += 7) {
            uint64_t c;
            int r = nq_cooc_get(&v, a, b, &c);
            assert_true(r >= -1 && r <= 1);
        }
}

static void test_corrupt(void **state)
{
    (void)state;
    rng_state = 5;
    uint64_t len;
    const uint32_t n_terms = 300;
    uint32_t *s = random_stream(20000, n_terms, 20, &len);
    size_t sec_len;
    uint8_t *sec = build(s, len, n_terms, 5, 1, 2, &sec_len);
    free(s);
    /* every truncation is refused at open (the size is in the header) */
    for (size_t cut = 0; cut < sec_len; cut += cut < 4096 ? 1 : 97) {
        uint8_t *t = malloc(cut ? cut : 1);
        assert_non_null(t);
        memcpy(t, sec, cut);
        nq_cooc_view v;
        nq_error err = {0};
        assert_int_equal(nq_cooc_open(&v, t, cut, n_terms, &err), NQ_ERR_CORRUPT);
        assert_true(strlen(err.message) > 0);
        free(t);
    }
    /* byte flips anywhere: refused, -1, or some answer, never a crash */
    uint8_t *t = malloc(sec_len);
    assert_non_null(t);
    for (int round = 0; round < 3000; round++) {
        memcpy(t, sec, sec_len);
        int flips = 1 + (int)rnd(4);
        for (int f = 0; f < flips; f++) {
            size_t at = round % 3 == 0 ? rnd(NQ_COOC_HEADER_SIZE + 64) % sec_len : rnd((uint32_t)sec_len);
            t[at] ^= (uint8_t)(1 + rnd(255));
        }
        read_all(t, sec_len, n_terms);
    }
    /* a row's bytes cut short inside the data: a directory pointing past a
     * block's end must give -1, not a read past the row */
    nq_cooc_view v;
    assert_int_equal(nq_cooc_open(&v, sec, sec_len, n_terms, NULL), NQ_OK);
    int corrupt_seen = 0;
    for (size_t at = (size_t)(v.rows - sec); at < sec_len; at++) {
        memcpy(t, sec, sec_len);
        t[at] = 0xFF;
        nq_cooc_view w;
        if (nq_cooc_open(&w, t, sec_len, n_terms, NULL) != NQ_OK)
            continue;
        for (uint32_t a = 0; a < n_terms; a++) {
            nq_cooc_iter it;
            uint32_t b;
            uint64_t c;
            int r = nq_cooc_row(&w, a, &it);
            while (r == 0 && (r = nq_cooc_next(&it, &b, &c)) == 1)
                ;
            corrupt_seen |= r == -1;
        }
        if (at > (size_t)(v.rows - sec) + 2000)
            at += 37;
    }
    assert_true(corrupt_seen);
    free(t);
    free(sec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiny),
        cmocka_unit_test(test_medium),
        cmocka_unit_test(test_large),
        cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_empty_rows),
        cmocka_unit_test(test_degenerate),
        cmocka_unit_test(test_repeated_term),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_corrupt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

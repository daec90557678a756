/* The lexicon: nq_lexicon_encode_strings / encode_freqs / nq_lexicon_open,
 * then nq_lexicon_find, nq_lexicon_prefix_range and nq_lexicon_term checked
 * against brute force over sorted term sets (byte-wise order: memcmp, the
 * shorter first on a tie). Sections are copied into exactly-sized heap
 * buffers so ASan sees any read past them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "format.h"
#include "lexicon.h"
#include "testutil.h"

static uint64_t rng_state = 0x0123456789ABCDEFull;

static uint64_t rnd(void)
{
    return tu_splitmix64(&rng_state);
}

/* ---- term sets ---- */

typedef struct term {
    char *s;
    uint32_t len;
} term;

typedef struct term_set {
    term *t;
    size_t n, cap;
} term_set;

static int cmp_bytes(const char *a, size_t al, const char *b, size_t bl)
{
    int c = memcmp(a, b, al < bl ? al : bl);
    return c ? c : (al > bl) - (al < bl);
}

static int cmp_term(const void *a, const void *b)
{
    const term *x = a, *y = b;
    return cmp_bytes(x->s, x->len, y->s, y->len);
}

static void set_add(term_set *ts, const char *s, size_t len)
{
    if (ts->n == ts->cap) {
        ts->cap = ts->cap ? 2 * ts->cap : 64;
        ts->t = realloc(ts->t, ts->cap * sizeof *ts->t);
        assert_non_null(ts->t);
    }
    char *copy = malloc(len + 1);
    assert_non_null(copy);
    memcpy(copy, s, len);
    copy[len] = 0;
    ts->t[ts->n].s = copy;
    ts->t[ts->n].len = (uint32_t)len;
    ts->n++;
}

/* Sorts and removes duplicates. */
static void set_finish(term_set *ts)
{
    if (ts->n == 0)
        return;
    qsort(ts->t, ts->n, sizeof *ts->t, cmp_term);
    size_t w = 1;
    for (size_t i = 1; i < ts->n; i++) {
        if (cmp_term(&ts->t[i], &ts->t[w - 1]) == 0)
            free(ts->t[i].s);
        else
            ts->t[w++] = ts->t[i];
    }
    ts->n = w;
}

static void set_free(term_set *ts)
{
    for (size_t i = 0; i < ts->n; i++)
        free(ts->t[i].s);
    free(ts->t);
    memset(ts, 0, sizeof *ts);
}

/* Pieces terms are built from: ASCII, French letters in UTF-8, an emoji,
 * apostrophe and hyphen, and the byte extremes 0x01 and 0xFF. */
static const char *const pieces[] = {"a", "b", "c", "e", "l", "s", "z", "é", "è", "ç", "œ", "É",
                                     "\xF0\x9F\x98\x80", "'", "-", "0", "9", "\x01", "\xFF"};
#define N_PIECES (sizeof pieces / sizeof *pieces)

static size_t random_term(char *buf, size_t max_pieces)
{
    size_t k = 1 + rnd() % max_pieces, len = 0;
    for (size_t i = 0; i < k; i++) {
        /* Favour a few letters so that prefixes are shared a lot. */
        const char *p = rnd() % 3 ? pieces[rnd() % 5] : pieces[rnd() % N_PIECES];
        size_t l = strlen(p);
        memcpy(buf + len, p, l);
        len += l;
    }
    return len;
}

static void add_long_terms(term_set *ts)
{
    static const size_t long_lens[] = {511, 512, 513, 600, 601, 700, 1024, 4999, 5000};
    char *buf = malloc(5001);
    assert_non_null(buf);
    for (size_t i = 0; i < sizeof long_lens / sizeof *long_lens; i++) {
        size_t l = long_lens[i];
        memset(buf, 'x', l);
        set_add(ts, buf, l);
        buf[l - 1] = 'y'; /* shares l - 1 bytes with the all-x term */
        set_add(ts, buf, l);
        buf[l - 1] = 'w';
        set_add(ts, buf, l);
    }
    /* Long terms whose differences lie beyond 512 bytes, UTF-8 inside. */
    for (int i = 0; i < 5; i++) {
        size_t l = 0;
        while (l < 4900) {
            memcpy(buf + l, "é", 2);
            l += 2;
        }
        buf[l++] = (char)('a' + i);
        set_add(ts, buf, l);
    }
    free(buf);
}

/* A sorted set of about n terms (exactly n when n < 20, duplicates removed
 * for larger sets and topped up). */
static void make_set(term_set *ts, size_t n, int with_long)
{
    memset(ts, 0, sizeof *ts);
    char buf[256];
    if (with_long) {
        add_long_terms(ts);
        set_finish(ts);
    }
    while (ts->n < n) {
        size_t missing = n - ts->n;
        for (size_t i = 0; i < missing; i++) {
            size_t len;
            if (ts->n > 0 && rnd() % 4 == 0) {
                /* Extend or cut an existing term: chains of shared prefixes. */
                const term *o = &ts->t[rnd() % ts->n];
                if (o->len > 200)
                    continue;
                len = o->len;
                memcpy(buf, o->s, len);
                if (rnd() % 2 && len > 1)
                    len -= 1 + rnd() % (len - 1);
                else
                    len += random_term(buf + len, 3);
            } else {
                len = random_term(buf, 8);
            }
            set_add(ts, buf, len);
        }
        set_finish(ts);
        while (ts->n > n && !with_long) {
            ts->n--;
            free(ts->t[ts->n].s);
        }
    }
}

/* ---- encoding ---- */

typedef struct lex_fixture {
    uint8_t *s, *f;        /* exactly-sized copies of the sections */
    size_t s_len, f_len;
    uint32_t *cf, *df;
    nq_lexicon lex;
} lex_fixture;

/* Frequencies are random (UINT32_MAX included), or small (< 8) when small_freqs. */
static void encode_ex(lex_fixture *fx, const term_set *ts, int small_freqs)
{
    memset(fx, 0, sizeof *fx);
    size_t n = ts->n;
    const char **strs = malloc((n ? n : 1) * sizeof *strs);
    uint32_t *lens = malloc((n ? n : 1) * sizeof *lens);
    fx->cf = malloc((n ? n : 1) * sizeof *fx->cf);
    fx->df = malloc((n ? n : 1) * sizeof *fx->df);
    assert_true(strs && lens && fx->cf && fx->df);
    for (size_t i = 0; i < n; i++) {
        strs[i] = ts->t[i].s;
        lens[i] = ts->t[i].len;
        uint64_t r = rnd();
        fx->cf[i] = r % 5 == 0 ? UINT32_MAX : r % 5 == 1 ? 1 : (uint32_t)(r >> 20);
        if (small_freqs)
            fx->cf[i] = (uint32_t)(r % 8);
        fx->df[i] = fx->cf[i] ? 1 + (uint32_t)(rnd() % fx->cf[i]) : 0;
    }
    nq_error err;
    uint8_t *s, *f;
    assert_int_equal(nq_lexicon_encode_strings(strs, lens, n, &s, &fx->s_len, &err), NQ_OK);
    assert_int_equal(nq_lexicon_encode_freqs(fx->cf, fx->df, n, &f, &fx->f_len, &err), NQ_OK);
    fx->s = malloc(fx->s_len);
    fx->f = malloc(fx->f_len);
    assert_true(fx->s && fx->f);
    memcpy(fx->s, s, fx->s_len);
    memcpy(fx->f, f, fx->f_len);
    free(s);
    free(f);
    free(strs);
    free(lens);
    memset(&err, 0, sizeof err);
    nq_status st = nq_lexicon_open(&fx->lex, fx->s, fx->s_len, fx->f, fx->f_len, &err);
    if (st != NQ_OK)
        fail_msg("nq_lexicon_open: %s", err.message);
    assert_int_equal(fx->lex.n_terms, n);
    assert_int_equal(fx->lex.n_blocks, (n + NQ_LEX_BLOCK - 1) / NQ_LEX_BLOCK);
}

static void encode(lex_fixture *fx, const term_set *ts)
{
    encode_ex(fx, ts, 0);
}

static void fixture_free(lex_fixture *fx)
{
    free(fx->s);
    free(fx->f);
    free(fx->cf);
    free(fx->df);
}

/* ---- brute force ---- */

/* Number of terms < key. */
static size_t ref_rank(const term_set *ts, const char *key, size_t len)
{
    size_t r = 0;
    while (r < ts->n && cmp_bytes(ts->t[r].s, ts->t[r].len, key, len) < 0)
        r++;
    return r;
}

static int has_prefix(const term *t, const char *p, size_t len)
{
    return t->len >= len && memcmp(t->s, p, len) == 0;
}

/* Binary search on the plain array (the linear scan is too slow for every
 * query on the large sets; it is used on a sample below). */
static size_t ref_rank_fast(const term_set *ts, const char *key, size_t len)
{
    size_t lo = 0, hi = ts->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_bytes(ts->t[mid].s, ts->t[mid].len, key, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void show(char *out, size_t cap, const char *s, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 8 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        o += (size_t)snprintf(out + o, cap - o, c >= 0x20 && c < 0x7F ? "%c" : "\\x%02x", c);
    }
    if (len > 0 && o + 8 >= cap)
        snprintf(out + o, cap - o, "...");
    out[cap - 1] = 0;
}

static void check_find(const lex_fixture *fx, const term_set *ts, const char *key, size_t len, int linear)
{
    size_t r = linear ? ref_rank(ts, key, len) : ref_rank_fast(ts, key, len);
    uint32_t want = r < ts->n && cmp_bytes(ts->t[r].s, ts->t[r].len, key, len) == 0 ? (uint32_t)r : NQ_ID_NONE;
    uint32_t got = nq_lexicon_find(&fx->lex, key, len);
    if (got != want) {
        char shown[200];
        show(shown, sizeof shown, key, len);
        fail_msg("find(\"%s\", %zu bytes) = %u, expected %u (of %zu terms)", shown, len, got, want, ts->n);
    }
}

static void check_prefix(const lex_fixture *fx, const term_set *ts, const char *p, size_t len, int linear)
{
    size_t lo, hi;
    if (linear) {
        /* Independent of the order argument: scan every term. */
        lo = ts->n;
        hi = 0;
        size_t matches = 0;
        for (size_t i = 0; i < ts->n; i++)
            if (has_prefix(&ts->t[i], p, len)) {
                if (i < lo)
                    lo = i;
                hi = i + 1;
                matches++;
            }
        if (matches == 0)
            lo = hi = 0;
        else
            assert_int_equal(hi - lo, matches); /* the matches are contiguous */
    } else {
        lo = ref_rank_fast(ts, p, len);
        hi = lo;
        while (hi < ts->n && has_prefix(&ts->t[hi], p, len))
            hi++;
    }
    uint32_t glo = 12345, ghi = 54321;
    nq_lexicon_prefix_range(&fx->lex, p, len, &glo, &ghi);
    int ok = lo == hi ? glo == ghi && glo <= ts->n : glo == lo && ghi == hi;
    if (!ok) {
        char shown[200];
        show(shown, sizeof shown, p, len);
        fail_msg("prefix_range(\"%s\", %zu bytes) = [%u, %u), expected [%zu, %zu) (of %zu terms)", shown, len,
                 glo, ghi, lo, hi, ts->n);
    }
}

static void check_term(const lex_fixture *fx, const term_set *ts, size_t id)
{
    const term *t = &ts->t[id];
    char *buf = malloc(t->len + 1);
    assert_non_null(buf);
    memset(buf, '#', t->len + 1);
    size_t got = nq_lexicon_term(&fx->lex, (uint32_t)id, buf, t->len + 1);
    assert_int_equal(got, t->len);
    if (memcmp(buf, t->s, t->len) != 0) {
        char a[200], b[200];
        show(a, sizeof a, buf, t->len);
        show(b, sizeof b, t->s, t->len);
        fail_msg("term(%zu) = \"%s\", expected \"%s\"", id, a, b);
    }
    assert_int_equal(buf[t->len], 0);
    /* Truncated copies: the first cap - 1 bytes and a NUL; the full length returned. */
    size_t caps[] = {1, 2, (size_t)t->len / 2 + 1, t->len};
    for (size_t c = 0; c < sizeof caps / sizeof *caps; c++) {
        size_t cap = caps[c];
        if (cap == 0 || cap > t->len)
            continue;
        char *small = malloc(cap);
        assert_non_null(small);
        memset(small, '#', cap);
        assert_int_equal(nq_lexicon_term(&fx->lex, (uint32_t)id, small, cap), t->len);
        assert_memory_equal(small, t->s, cap - 1);
        assert_int_equal(small[cap - 1], 0);
        free(small);
    }
    free(buf);
}

static void check_set(const term_set *ts, size_t max_queries)
{
    lex_fixture fx;
    encode(&fx, ts);
    size_t n = ts->n;
    int linear = n <= 2000;
    /* Frequencies. */
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(nq_packed_get(&fx.lex.cf, i), fx.cf[i]);
        assert_int_equal(nq_packed_get(&fx.lex.df, i), fx.df[i]);
    }
    /* Every term is found at its rank and spelled back. */
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(nq_lexicon_find(&fx.lex, ts->t[i].s, ts->t[i].len), i);
        check_term(&fx, ts, i);
    }
    /* Ids out of range and a zero-capacity buffer. */
    char small[4] = "abc";
    assert_int_equal(nq_lexicon_term(&fx.lex, (uint32_t)n, small, sizeof small), 0);
    assert_int_equal(nq_lexicon_term(&fx.lex, NQ_ID_NONE, small, sizeof small), 0);
    if (n)
        assert_int_equal(nq_lexicon_term(&fx.lex, 0, small, 0), 0);

    /* Fixed probes: empty key and prefix, byte extremes, nothing-matching keys. */
    static const char *const probes[] = {"", "\x01", "\x01\x01", "\x00", "\xFF", "\xFF\xFF\xFF\xFF", "a",
                                         "zzzzzzzzzzzzzzzzzzzz", "é", "\xC3", "x", "xx", "q", "\x7F",
                                         "\xF0\x9F\x98\x80"};
    for (size_t i = 0; i < sizeof probes / sizeof *probes; i++) {
        size_t len = i == 3 ? 1 : strlen(probes[i]);
        check_find(&fx, ts, probes[i], len, 1);
        check_prefix(&fx, ts, probes[i], len, 1);
    }
    uint32_t lo, hi;
    nq_lexicon_prefix_range(&fx.lex, "", 0, &lo, &hi);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, n);

    /* Derived probes around every (sampled) term. */
    char *buf = malloc(5100 + 16);
    assert_non_null(buf);
    size_t step = n > max_queries ? n / max_queries : 1;
    for (size_t i = 0; i < n; i += step) {
        /* Large sets: a sample still goes through the linear scan. */
        int linear_here = linear || (i / step) % 40 == 0;
        const term *t = &ts->t[i];
        size_t l = t->len;
        memcpy(buf, t->s, l);
        /* Whole term as a prefix; each of a few of its prefixes. */
        size_t cuts[] = {l, l ? l - 1 : 0, l / 2, 1, 2, 3, l > 520 ? 513 : 0, l > 520 ? 512 : 0};
        for (size_t c = 0; c < sizeof cuts / sizeof *cuts; c++) {
            if (cuts[c] > l)
                continue;
            check_find(&fx, ts, buf, cuts[c], linear_here);
            check_prefix(&fx, ts, buf, cuts[c], linear_here);
        }
        /* Longer than the term; the last byte moved up and down. */
        static const char *const tails[] = {"\x01", "a", "\xFF", "é"};
        for (size_t k = 0; k < sizeof tails / sizeof *tails; k++) {
            size_t tl = strlen(tails[k]);
            memcpy(buf + l, tails[k], tl);
            check_find(&fx, ts, buf, l + tl, linear_here);
            check_prefix(&fx, ts, buf, l + tl, linear_here);
        }
        if (l) {
            unsigned char last = (unsigned char)t->s[l - 1];
            if (last < 0xFF) {
                buf[l - 1] = (char)(last + 1);
                check_find(&fx, ts, buf, l, linear_here);
                check_prefix(&fx, ts, buf, l, linear_here);
            }
            if (last > 0) {
                buf[l - 1] = (char)(last - 1);
                check_find(&fx, ts, buf, l, linear_here);
                check_prefix(&fx, ts, buf, l, linear_here);
            }
        }
    }
    /* Random keys. */
    for (size_t q = 0; q < (max_queries < 500 ? max_queries : 500); q++) {
        size_t len = random_term(buf, 6);
        check_find(&fx, ts, buf, len, linear);
        check_prefix(&fx, ts, buf, len, linear);
    }
    free(buf);
    fixture_free(&fx);
}

static void run_size(size_t n, int with_long, size_t max_queries)
{
    term_set ts;
    make_set(&ts, n, with_long);
    if (!with_long)
        assert_int_equal(ts.n, n);
    for (size_t i = 1; i < ts.n; i++)
        assert_true(cmp_term(&ts.t[i - 1], &ts.t[i]) < 0);
    check_set(&ts, max_queries);
    set_free(&ts);
}

static void test_empty(void **state)
{
    (void)state;
    run_size(0, 0, 100);
    /* The exact encoding of an empty lexicon. */
    lex_fixture fx;
    term_set ts = {0};
    encode(&fx, &ts);
    assert_int_equal(fx.s_len, 24 + 8);
    assert_int_equal(fx.lex.n_terms, 0);
    assert_int_equal(nq_lexicon_find(&fx.lex, "", 0), NQ_ID_NONE);
    assert_int_equal(nq_lexicon_find(&fx.lex, "a", 1), NQ_ID_NONE);
    uint32_t lo = 7, hi = 7;
    nq_lexicon_prefix_range(&fx.lex, "a", 1, &lo, &hi);
    assert_int_equal(lo, hi);
    nq_lexicon_prefix_range(&fx.lex, "", 0, &lo, &hi);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 0);
    fixture_free(&fx);
}

static void test_sizes_around_block(void **state)
{
    (void)state;
    static const size_t sizes[] = {1, 2, 15, 16, 17, 31, 32, 33, 48, 1000};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
        run_size(sizes[i], 0, 1000);
}

static void test_large(void **state)
{
    (void)state;
    run_size(20000, 0, 2000);
}

static void test_long_terms(void **state)
{
    (void)state;
    run_size(0, 1, 1000);   /* long terms alone */
    run_size(40, 1, 1000);  /* mixed with short ones */
    run_size(20000, 1, 1500);
}

/* Prefix chains: every prefix of a word is itself a term. */
static void test_prefix_chains(void **state)
{
    (void)state;
    term_set ts = {0};
    const char *words[] = {"anticonstitutionnellement", "élé", "éléphant", "éléphanteau", "a", "ab", "abc",
                           "abd", "abcé", "abcè"};
    for (size_t w = 0; w < sizeof words / sizeof *words; w++)
        for (size_t l = 1; l <= strlen(words[w]); l++)
            set_add(&ts, words[w], l);
    set_finish(&ts);
    check_set(&ts, 1000);
    lex_fixture fx;
    encode(&fx, &ts);
    uint32_t lo, hi;
    nq_lexicon_prefix_range(&fx.lex, "anti", 4, &lo, &hi);
    assert_int_equal(hi - lo, strlen("anticonstitutionnellement") - 3);
    nq_lexicon_prefix_range(&fx.lex, "abc", 3, &lo, &hi);
    assert_int_equal(hi - lo, 4); /* abc, abc\xC3 (a cut of abcè / abcé), abcè, abcé */
    assert_int_equal(nq_lexicon_find(&fx.lex, "abc", 3), lo);
    fixture_free(&fx);
    set_free(&ts);
}

/* An empty string sorts first and is a term like any other. */
static void test_empty_term(void **state)
{
    (void)state;
    term_set ts = {0};
    set_add(&ts, "", 0);
    for (int i = 0; i < 40; i++) {
        char b[8];
        int l = snprintf(b, sizeof b, "t%02d", i);
        set_add(&ts, b, (size_t)l);
    }
    set_finish(&ts);
    check_set(&ts, 100);
    lex_fixture fx;
    encode(&fx, &ts);
    assert_int_equal(nq_lexicon_find(&fx.lex, "", 0), 0);
    fixture_free(&fx);
    set_free(&ts);
}

/* Frequencies: all zero (width 0), all maximal (width 32). */
static void test_freq_widths(void **state)
{
    (void)state;
    for (int kind = 0; kind < 2; kind++) {
        uint32_t cf[33], df[33];
        for (int i = 0; i < 33; i++)
            cf[i] = df[i] = kind ? UINT32_MAX : 0;
        uint8_t *f;
        size_t f_len;
        nq_error err;
        assert_int_equal(nq_lexicon_encode_freqs(cf, df, 33, &f, &f_len, &err), NQ_OK);
        assert_int_equal(f[8], kind ? 32 : 0);
        assert_int_equal(f[9], kind ? 32 : 0);
        assert_int_equal(f_len, 16 + 2 * nq_bitpack_bytes(33, kind ? 32 : 0));
        term_set ts = {0};
        for (int i = 0; i < 33; i++) {
            char b[8];
            int l = snprintf(b, sizeof b, "w%02d", i);
            set_add(&ts, b, (size_t)l);
        }
        const char *strs[33];
        uint32_t lens[33];
        for (int i = 0; i < 33; i++) {
            strs[i] = ts.t[i].s;
            lens[i] = ts.t[i].len;
        }
        uint8_t *s;
        size_t s_len;
        assert_int_equal(nq_lexicon_encode_strings(strs, lens, 33, &s, &s_len, &err), NQ_OK);
        nq_lexicon lex;
        assert_int_equal(nq_lexicon_open(&lex, s, s_len, f, f_len, &err), NQ_OK);
        for (int i = 0; i < 33; i++) {
            assert_int_equal(nq_packed_get(&lex.cf, (uint64_t)i), cf[i]);
            assert_int_equal(nq_packed_get(&lex.df, (uint64_t)i), df[i]);
        }
        free(s);
        free(f);
        set_free(&ts);
    }
}

/* ---- malformed sections ---- */

static nq_status open_copy(const uint8_t *s, size_t s_len, const uint8_t *f, size_t f_len, nq_error *err)
{
    /* Exactly-sized copies: any read past a section's end is an ASan error. */
    uint8_t *sc = malloc(s_len ? s_len : 1), *fc = malloc(f_len ? f_len : 1);
    assert_true(sc && fc);
    memcpy(sc, s, s_len);
    memcpy(fc, f, f_len);
    nq_lexicon lex;
    memset(err, 0, sizeof *err);
    nq_status st = nq_lexicon_open(&lex, sc, s_len, fc, f_len, err);
    if (st == NQ_OK) {
        /* Whatever was accepted must be safe to use. */
        for (uint64_t i = 0; i < lex.n_terms && i < 64; i++) {
            char b[16];
            nq_lexicon_term(&lex, (uint32_t)i, b, sizeof b);
            nq_lexicon_find(&lex, b, strlen(b));
        }
        uint32_t lo, hi;
        nq_lexicon_prefix_range(&lex, "w", 1, &lo, &hi);
    }
    free(sc);
    free(fc);
    return st;
}

static void small_lexicon(term_set *ts, lex_fixture *fx, size_t n)
{
    memset(ts, 0, sizeof *ts);
    for (size_t i = 0; i < n; i++) {
        char b[16];
        int l = snprintf(b, sizeof b, "w%04zu", i);
        set_add(ts, b, (size_t)l);
    }
    encode_ex(fx, ts, 1);
}

static void test_bad_headers(void **state)
{
    (void)state;
    term_set ts;
    lex_fixture fx;
    small_lexicon(&ts, &fx, 40);
    nq_error err;
    uint8_t *s = malloc(fx.s_len), *f = malloc(fx.f_len);
    assert_true(s && f);

    /* Term count that disagrees with the block count. */
    memcpy(s, fx.s, fx.s_len);
    uint64_t v = 100;
    memcpy(s, &v, 8);
    assert_int_equal(open_copy(s, fx.s_len, fx.f, fx.f_len, &err), NQ_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "lexicon"));
    /* Block count too large for the section. */
    memcpy(s, fx.s, fx.s_len);
    v = 1ull << 40;
    memcpy(s, &v, 8);
    v = (v + 15) / 16;
    memcpy(s + 8, &v, 8);
    assert_int_equal(open_copy(s, fx.s_len, fx.f, fx.f_len, &err), NQ_ERR_CORRUPT);
    /* Term count at the id marks. */
    memcpy(s, fx.s, fx.s_len);
    v = NQ_ID_MARK;
    memcpy(s, &v, 8);
    v = ((uint64_t)NQ_ID_MARK + 15) / 16;
    memcpy(s + 8, &v, 8);
    assert_int_equal(open_copy(s, fx.s_len, fx.f, fx.f_len, &err), NQ_ERR_CORRUPT);
    /* Block offsets going backwards, or past the data. */
    memcpy(s, fx.s, fx.s_len);
    v = 5;
    memcpy(s + 24 + 8, &v, 8); /* block 1 starts before block 0 ends... */
    memcpy(s + 24 + 16, &v, 8);
    v = 50;
    memcpy(s + 24 + 8, &v, 8); /* ...and then block 2 before block 1 */
    assert_int_equal(open_copy(s, fx.s_len, fx.f, fx.f_len, &err), NQ_ERR_CORRUPT);
    memcpy(s, fx.s, fx.s_len);
    v = fx.s_len;
    memcpy(s + 24 + 3 * 8, &v, 8);
    assert_int_equal(open_copy(s, fx.s_len, fx.f, fx.f_len, &err), NQ_ERR_CORRUPT);

    /* Frequencies: wrong count, widths over 32, arrays past the end. */
    memcpy(f, fx.f, fx.f_len);
    v = 41;
    memcpy(f, &v, 8);
    assert_int_equal(open_copy(fx.s, fx.s_len, f, fx.f_len, &err), NQ_ERR_CORRUPT);
    memcpy(f, fx.f, fx.f_len);
    f[8] = 33;
    assert_int_equal(open_copy(fx.s, fx.s_len, f, fx.f_len, &err), NQ_ERR_CORRUPT);
    memcpy(f, fx.f, fx.f_len);
    f[9] = 200;
    assert_int_equal(open_copy(fx.s, fx.s_len, f, fx.f_len, &err), NQ_ERR_CORRUPT);
    memcpy(f, fx.f, fx.f_len);
    f[8] = 32;
    f[9] = 32;
    assert_int_equal(open_copy(fx.s, fx.s_len, f, fx.f_len, &err), NQ_ERR_CORRUPT);

    /* Truncated frequencies: every shorter length fails. */
    for (size_t l = 0; l < fx.f_len; l++)
        assert_int_equal(open_copy(fx.s, fx.s_len, fx.f, l, &err), NQ_ERR_CORRUPT);
    free(s);
    free(f);
    fixture_free(&fx);
    set_free(&ts);
}

/* Truncated strings: every shorter length fails. Lengths 24..31 (a whole
 * header, less than one block offset) once slipped through a bound check
 * that wrapped around (`(s_len - 24) / 8 - 1`). The buffer passed stays
 * full-size, so a wrong answer shows as a failed assertion rather than a
 * crash. */
static void test_truncated_strings(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 1, 17, 40};
    char bad[1024] = "";
    size_t n_bad = 0, used = 0;
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        term_set ts;
        lex_fixture fx;
        small_lexicon(&ts, &fx, sizes[k]);
        for (size_t l = 0; l < fx.s_len; l++) {
            nq_lexicon lex;
            nq_error err;
            memset(&err, 0, sizeof err);
            nq_status st = nq_lexicon_open(&lex, fx.s, l, fx.f, fx.f_len, &err);
            if (st != NQ_ERR_CORRUPT) {
                n_bad++;
                if (used + 64 < sizeof bad)
                    used += (size_t)snprintf(bad + used, sizeof bad - used, " [%zu terms, %zu of %zu bytes: %d]",
                                             sizes[k], l, fx.s_len, (int)st);
            }
        }
        fixture_free(&fx);
        set_free(&ts);
    }
    if (n_bad)
        fail_msg("%zu truncated LEXS sections accepted (expected NQ_ERR_CORRUPT):%s", n_bad, bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_sizes_around_block),
        cmocka_unit_test(test_large),
        cmocka_unit_test(test_long_terms),
        cmocka_unit_test(test_prefix_chains),
        cmocka_unit_test(test_empty_term),
        cmocka_unit_test(test_freq_widths),
        cmocka_unit_test(test_bad_headers),
        cmocka_unit_test(test_truncated_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

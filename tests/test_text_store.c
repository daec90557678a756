/* The stored text: random documents (empty texts, no tokens, a document
 * larger than a block, tiny blocks, UTF-8 and invalid bytes, spans that the
 * predictor gets wrong) round-trip through nq_text_builder and
 * nq_text_store, in random order of access; the bytes do not depend on the
 * thread count or on when blocks are compressed; damaged sections give
 * NQ_ERR_CORRUPT or the right data, never a crash; and the first documents
 * of OrangeSum 2017 keep every token's surface form. Sections are copied
 * into exactly-sized heap buffers so that ASan sees any read past them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zstd.h>

#include "reader.h"
#include "testutil.h"
#include "text_store.h"
#include "tokenize.h"

static uint64_t rng_state = 0x243F6A8885A308D3ull;

static uint64_t rnd(void)
{
    return tu_splitmix64(&rng_state);
}

/* ---- a corpus in memory: texts and their spans ---- */

typedef struct tdoc_in {
    char *text;
    size_t len;
    nq_token *tok;
    size_t n;
} tdoc_in;

typedef struct corpus {
    tdoc_in *d;
    size_t n;
} corpus;

typedef struct sections {
    uint8_t *p[3];   /* TEXT, TOFF, TDIR */
    size_t len[3];
} sections;

static void corpus_free(corpus *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->d[i].text);
        free(c->d[i].tok);
    }
    free(c->d);
}

static const char *const pieces[] = {
    "la", "souveraineté", "numérique", "l'IA", "l’IA", "d'aujourd'hui", "c'est-à-dire", "open-source",
    "1,5", "3.14", "2018-2022", "U.S.A", "«", "»", "—", "…", "Jean-Noël", "ÇA", "ç'a", "jusqu’à",
    "qu'il", "l' IA", "Mistral", "AI", "x²", "€", "😀", "日本語", "\xC3", "\xE2\x80", "\xFF", "-", "'",
    ".", ",", "!", "?", "\n\n", "\n", "  ", "\t", "Ωmega", "a", "aujourd'hui", "quelqu'un", "5,",
};

/* Random text from pieces and separators: words, punctuation, broken UTF-8. */
static char *random_text(size_t target, size_t *len)
{
    char *t = malloc(target + 64);
    assert_non_null(t);
    size_t n = 0;
    while (n < target) {
        const char *p = pieces[rnd() % (sizeof pieces / sizeof *pieces)];
        size_t pl = strlen(p);
        memcpy(t + n, p, pl);
        n += pl;
        if (rnd() % 3)
            t[n++] = ' ';
    }
    *len = n;
    return t;
}

/* Spans not tied to words: increasing, non-overlapping, some empty, some
 * long, so that the predictor's corrections take every sign and size. */
static nq_token *random_spans(size_t len, size_t *n_out)
{
    size_t cap = len + 1, n = 0, pos = 0, prev_start = 0;
    nq_token *tok = calloc(cap, sizeof *tok);
    assert_non_null(tok);
    while (n < cap) {
        size_t gap = rnd() % 4 == 0 ? rnd() % 300 : rnd() % 3;
        size_t s = pos + gap;
        if (n > 0 && s <= prev_start)
            s = prev_start + 1;
        if (s > len)
            break;
        size_t l = rnd() % 8 == 0 ? rnd() % 400 : rnd() % 12;
        if (l > len - s)
            l = len - s;
        tok[n++] = (nq_token){(uint32_t)s, (uint32_t)l, 0, 0, 0};
        prev_start = s;
        pos = s + l;
    }
    *n_out = n;
    return tok;
}

/* Spans from the fr-1 tokenizer over the text (as a body, no title). */
static nq_token *real_spans(nq_tokenizer *tz, char **text, size_t *len, size_t *n_out)
{
    nq_tokens tk;
    assert_int_equal(nq_tokenize_doc(tz, NULL, 0, *text, *len, &tk), NQ_OK);
    /* The clean text is what spans refer to: store it instead. */
    char *clean = malloc(tk.text_len + 1);
    assert_non_null(clean);
    memcpy(clean, tk.text, tk.text_len);
    free(*text);
    *text = clean;
    *len = tk.text_len;
    nq_token *tok = malloc((tk.n + 1) * sizeof *tok);
    assert_non_null(tok);
    memcpy(tok, tk.tok, tk.n * sizeof *tok);
    *n_out = tk.n;
    return tok;
}

static void random_corpus(corpus *c, size_t n, size_t big_at, size_t big_len)
{
    nq_tokenizer *tz = nq_tokenizer_new();
    assert_non_null(tz);
    c->n = n;
    c->d = calloc(n ? n : 1, sizeof *c->d);
    assert_non_null(c->d);
    for (size_t i = 0; i < n; i++) {
        tdoc_in *d = &c->d[i];
        unsigned kind = (unsigned)(rnd() % 8);
        size_t target = i == big_at ? big_len : kind == 0 ? 0 : rnd() % 600;
        d->text = random_text(target, &d->len);
        if (kind == 1) {                 /* text without tokens */
            d->tok = malloc(1);
            d->n = 0;
        } else if (kind < 5) {
            d->tok = random_spans(d->len, &d->n);
        } else {
            d->tok = real_spans(tz, &d->text, &d->len, &d->n);
        }
    }
    nq_tokenizer_free(tz);
}

/* ---- building ---- */

/* compress_every: call nq_text_compress_sealed after that many documents
 * (0: never before finishing). */
static void build(const corpus *c, size_t target, int threads, size_t compress_every, sections *out)
{
    nq_text_builder *b;
    nq_error err;
    assert_int_equal(nq_text_builder_new(target, &b, &err), NQ_OK);
    for (size_t i = 0; i < c->n; i++) {
        const tdoc_in *d = &c->d[i];
        uint8_t *codes = malloc(nq_text_spans_bound(d->n) + 1);
        assert_non_null(codes);
        size_t clen;
        assert_int_equal(nq_text_encode_spans(d->text, d->len, d->tok, d->n, codes, &clen, &err), NQ_OK);
        assert_true(clen <= nq_text_spans_bound(d->n));
        assert_int_equal(nq_text_add(b, d->text, d->len, codes, clen, (uint32_t)d->n, &err), NQ_OK);
        free(codes);
        if (compress_every && i % compress_every == compress_every - 1)
            assert_int_equal(nq_text_compress_sealed(b, threads, &err), NQ_OK);
    }
    assert_int_equal(nq_text_finish(b, threads, &out->p[0], &out->len[0], &out->p[1], &out->len[1],
                                    &out->p[2], &out->len[2], &err),
                     NQ_OK);
    nq_text_builder_free(b);
    /* exactly sized copies, so that ASan catches any read past them */
    for (int k = 0; k < 3; k++) {
        uint8_t *p = malloc(out->len[k] ? out->len[k] : 1);
        assert_non_null(p);
        memcpy(p, out->p[k], out->len[k]);
        free(out->p[k]);
        out->p[k] = p;
    }
}

static void sections_free(sections *s)
{
    for (int k = 0; k < 3; k++)
        free(s->p[k]);
}

static nq_status open_store(const sections *s, uint64_t n_docs, nq_text_store *st, nq_error *err)
{
    return nq_text_store_open(st, s->p[0], s->len[0], s->p[1], s->len[1], s->p[2], s->len[2], n_docs, err);
}

/* ---- checking ---- */

static void expect_text(const nq_text_store *s, nq_text_cursor *c, const corpus *cp, uint64_t i)
{
    const char *t;
    size_t len;
    nq_error err;
    assert_int_equal(nq_text_doc(s, c, i, &t, &len, &err), NQ_OK);
    assert_int_equal(len, cp->d[i].len);
    assert_memory_equal(t, cp->d[i].text, len);
}

static void expect_spans(const nq_text_store *s, nq_text_cursor *c, const corpus *cp, uint64_t i,
                         uint32_t first, uint32_t count)
{
    uint32_t *a = malloc((count + 1) * 4), *e = malloc((count + 1) * 4);
    assert_non_null(a);
    assert_non_null(e);
    nq_error err;
    assert_int_equal(nq_text_spans(s, c, i, first, count, a, e, &err), NQ_OK);
    for (uint32_t k = 0; k < count; k++) {
        const nq_token *t = &cp->d[i].tok[first + k];
        assert_int_equal(a[k], t->text_off);
        assert_int_equal(e[k], t->text_off + t->text_len);
    }
    free(a);
    free(e);
}

/* Every document in order, then random ones with random token ranges,
 * alternating text and spans, and increasing ranges of one document. */
static void check_all(const sections *sec, const corpus *cp)
{
    nq_text_store s;
    nq_error err;
    assert_int_equal(open_store(sec, cp->n, &s, &err), NQ_OK);
    nq_text_cursor *c = nq_text_cursor_new();
    assert_non_null(c);
    for (size_t i = 0; i < cp->n; i++) {
        expect_text(&s, c, cp, i);
        uint32_t n;
        assert_int_equal(nq_text_tokens(&s, c, i, &n, &err), NQ_OK);
        assert_int_equal(n, cp->d[i].n);
        expect_spans(&s, c, cp, i, 0, (uint32_t)cp->d[i].n);
    }
    for (int r = 0; cp->n && r < 2000; r++) {
        uint64_t i = rnd() % cp->n;
        uint32_t n = (uint32_t)cp->d[i].n;
        uint32_t first = (uint32_t)(rnd() % (n + 1));
        uint32_t count = (uint32_t)(rnd() % (n - first + 1));
        expect_spans(&s, c, cp, i, first, count);
        expect_text(&s, c, cp, i);
        if (first + count < n)   /* the resumed path */
            expect_spans(&s, c, cp, i, first + count, (uint32_t)(rnd() % (n - first - count + 1)));
    }
    /* out of range */
    const char *t;
    size_t len;
    uint32_t a, e;
    assert_int_equal(nq_text_doc(&s, c, cp->n, &t, &len, &err), NQ_ERR_ARG);
    if (cp->n) {
        uint32_t n = (uint32_t)cp->d[0].n;
        assert_int_equal(nq_text_spans(&s, c, 0, n, 1, &a, &e, &err), NQ_ERR_ARG);
        assert_int_equal(nq_text_spans(&s, c, 0, n + 1, 0, &a, &e, &err), NQ_ERR_ARG);
        assert_int_equal(nq_text_spans(&s, c, 0, 1, UINT32_MAX, &a, &e, &err), NQ_ERR_ARG);
        assert_int_equal(nq_text_spans(&s, c, 0, n, 0, &a, &e, &err), NQ_OK);
    }
    nq_text_cursor_free(c);
}

/* ---- tests ---- */

static void test_round_trip(void **state)
{
    (void)state;
    static const size_t targets[] = {100, 4096, 0};
    for (size_t t = 0; t < 3; t++) {
        corpus c;
        random_corpus(&c, 400, 37, 9000);   /* document 37 outgrows a 4 KiB block */
        sections s;
        build(&c, targets[t], 2, 50, &s);
        check_all(&s, &c);
        sections_free(&s);
        corpus_free(&c);
    }
}

static void test_empty_store(void **state)
{
    (void)state;
    corpus c = {calloc(1, sizeof(tdoc_in)), 0};
    sections s;
    build(&c, 100, 1, 0, &s);
    assert_int_equal(s.len[0], 0);
    assert_int_equal(s.len[1], 0);
    check_all(&s, &c);
    nq_text_store st;
    nq_error err;
    assert_int_equal(open_store(&s, 1, &st, &err), NQ_ERR_CORRUPT);
    sections_free(&s);
    /* one empty document without tokens */
    c.n = 1;
    c.d[0] = (tdoc_in){malloc(1), 0, malloc(1), 0};
    build(&c, 0, 1, 0, &s);
    check_all(&s, &c);
    sections_free(&s);
    corpus_free(&c);
}

static void test_deterministic(void **state)
{
    (void)state;
    corpus c;
    random_corpus(&c, 300, 100, 5000);
    sections ref;
    build(&c, 1000, 1, 0, &ref);
    const int threads[] = {2, 3, 1, 3};
    const size_t every[] = {1, 7, 64, 0};
    for (int k = 0; k < 4; k++) {
        sections s;
        build(&c, 1000, threads[k], every[k], &s);
        for (int j = 0; j < 3; j++) {
            assert_int_equal(s.len[j], ref.len[j]);
            assert_memory_equal(s.p[j], ref.p[j], ref.len[j]);
        }
        sections_free(&s);
    }
    sections_free(&ref);
    corpus_free(&c);
}

static void test_bad_input(void **state)
{
    (void)state;
    nq_error err;
    uint8_t codes[64];
    size_t clen;
    nq_token tok[2] = {{4, 3, 0, 0, 0}, {2, 1, 0, 0, 0}};
    /* overlapping, decreasing, past the end */
    assert_int_equal(nq_text_encode_spans("abcdefgh", 8, tok, 2, codes, &clen, &err), NQ_ERR_ARG);
    tok[1] = (nq_token){6, 1, 0, 0, 0};
    assert_int_equal(nq_text_encode_spans("abcdefgh", 8, tok, 2, codes, &clen, &err), NQ_ERR_ARG);
    tok[1] = (nq_token){7, 2, 0, 0, 0};
    assert_int_equal(nq_text_encode_spans("abcdefgh", 8, tok, 2, codes, &clen, &err), NQ_ERR_ARG);
    tok[1] = (nq_token){7, 1, 0, 0, 0};
    assert_int_equal(nq_text_encode_spans("abcdefgh", 8, tok, 2, codes, &clen, &err), NQ_OK);
    nq_text_builder *b;
    assert_int_equal(nq_text_builder_new(0, &b, &err), NQ_OK);
    /* too few or too many code bytes for the token count */
    assert_int_equal(nq_text_add(b, "abcdefgh", 8, codes, clen, 3, &err), NQ_ERR_ARG);
    assert_int_equal(nq_text_add(b, "abcdefgh", 8, codes, clen, 0, &err), NQ_ERR_ARG);
    assert_int_equal(nq_text_add(b, "abcdefgh", 8, codes, clen, 2, &err), NQ_OK);
    nq_text_builder_free(b);
}

/* Codes that the builder takes but that do not decode: readers must say so. */
static void test_bad_codes(void **state)
{
    (void)state;
    static const struct {
        uint8_t codes[4];
        size_t len;
    } bad[] = {
        {{0x40, 0x00}, 2},       /* start 32 bytes past a 5-byte text */
        {{0x00, 0x7E}, 2},       /* end 63 bytes past the start */
        {{0x0B, 0x00}, 2},       /* start 6 bytes before the prediction: -1 */
        {{0x00, 0x01}, 2},       /* end before the start */
        {{0x80, 0x80}, 2},       /* a varint that runs out */
        {{0x00, 0x00, 0x00, 0x00}, 4},   /* second token starts where the first did */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        nq_text_builder *b;
        nq_error err;
        sections s;
        uint32_t n_tok = (uint32_t)(bad[i].len / 2);
        /* "     ": no word, so the first start is predicted at 5, its end at 5 */
        assert_int_equal(nq_text_builder_new(0, &b, &err), NQ_OK);
        assert_int_equal(nq_text_add(b, "     ", 5, bad[i].codes, bad[i].len, n_tok, &err), NQ_OK);
        assert_int_equal(nq_text_finish(b, 1, &s.p[0], &s.len[0], &s.p[1], &s.len[1], &s.p[2], &s.len[2], &err),
                         NQ_OK);
        nq_text_builder_free(b);
        nq_text_store st;
        assert_int_equal(open_store(&s, 1, &st, &err), NQ_OK);
        nq_text_cursor *c = nq_text_cursor_new();
        uint32_t a[2], e[2];
        assert_int_equal(nq_text_spans(&st, c, 0, 0, n_tok, a, e, &err), NQ_ERR_CORRUPT);
        assert_non_null(strstr(err.message, "document 0"));
        nq_text_cursor_free(c);
        sections_free(&s);
    }
}

/* Sections of one block of k documents from hand-made decompressed
 * blocks: what a writer with a bug could produce. */
static void one_block(const uint8_t *text, size_t text_len, const uint8_t *spans, size_t spans_len,
                      uint64_t k, sections *s)
{
    const uint8_t *raw[2] = {text, spans};
    size_t raw_len[2] = {text_len, spans_len};
    for (int j = 0; j < 2; j++) {
        size_t cap = ZSTD_compressBound(raw_len[j]);
        s->p[j] = malloc(cap);
        assert_non_null(s->p[j]);
        s->len[j] = ZSTD_compress(s->p[j], cap, raw[j], raw_len[j], 3);
        assert_false(ZSTD_isError(s->len[j]));
    }
    uint64_t dir[3 + 10] = {k, 1, 0, 0, 0, text_len, 0, spans_len, k, s->len[0], 0, s->len[1], 0};
    s->len[2] = sizeof dir;
    s->p[2] = malloc(sizeof dir);
    assert_non_null(s->p[2]);
    memcpy(s->p[2], dir, sizeof dir);
}

/* Loads document doc's text and all its spans from one hand-made block. */
static nq_status load_crafted(const uint8_t *text, size_t text_len, const uint8_t *spans, size_t spans_len,
                              uint64_t doc, uint32_t *a, uint32_t *e)
{
    sections s;
    one_block(text, text_len, spans, spans_len, 2, &s);
    nq_text_store st;
    nq_error err;
    const char *t;
    size_t len;
    uint32_t n = 0;
    nq_status r = open_store(&s, 2, &st, &err);
    nq_text_cursor *c = nq_text_cursor_new();
    assert_non_null(c);
    if (!r)
        r = nq_text_doc(&st, c, doc, &t, &len, &err);
    if (!r)
        r = nq_text_tokens(&st, c, doc, &n, &err);
    if (!r)
        r = nq_text_spans(&st, c, doc, 0, n, a, e, &err);
    nq_text_cursor_free(c);
    sections_free(&s);
    return r;
}

/* Block tables that do not add up are refused when the block is loaded. */
static void test_bad_tables(void **state)
{
    (void)state;
    /* two documents, "ab " and "cd", of 1 and 2 tokens with 2 and 4 bytes of codes (all 0) */
    static const uint8_t good_text[] = {3, 2, 'a', 'b', ' ', 'c', 'd'};
    static const uint8_t good_spans[] = {1, 2, 2, 4, 0, 0, 0, 0, 0, 0};
    uint32_t a[4], e[4];
    assert_int_equal(load_crafted(good_text, sizeof good_text, good_spans, sizeof good_spans, 1, a, e), NQ_OK);
    /* the predictions: "cd", then an empty token at the end */
    assert_int_equal(a[0], 0);
    assert_int_equal(e[0], 2);
    assert_int_equal(a[1], 2);
    assert_int_equal(e[1], 2);
    static const struct {
        uint8_t b[32];
        size_t len;
    } bad_text[] = {
        {{3, 3, 'a', 'b', ' ', 'c', 'd'}, 7},             /* past the area */
        {{2, 2, 'a', 'b', ' ', 'c', 'd'}, 7},             /* short of it */
        {{0x80, 0x80}, 2},                                /* a table that runs out */
        {{0x80, 0x80, 0x80, 0x80, 0x20, 0, 'a'}, 7},      /* a length of 2^33 */
        {{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01,   /* 2^63 and 2^63 + 5: */
          0x85, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01,   /* they add up to 5 */
          'a', 'b', ' ', 'c', 'd'}, 25},                  /* in 64 bits */
    }, bad_spans[] = {
        {{2, 2, 2, 4, 0, 0, 0, 0, 0, 0}, 10},             /* 2 tokens in 2 bytes */
        {{1, 2, 2, 3, 0, 0, 0, 0, 0, 0}, 10},             /* short of the area */
        {{1, 2, 2, 5, 0, 0, 0, 0, 0, 0}, 10},             /* past it */
        {{1, 0x80, 0x80, 0x80, 0x80, 0x20, 2, 4, 0, 0}, 10},   /* a count of 2^33 */
    };
    for (size_t i = 0; i < sizeof bad_text / sizeof *bad_text; i++)
        assert_int_equal(load_crafted(bad_text[i].b, bad_text[i].len, good_spans, sizeof good_spans, 1, a, e),
                         NQ_ERR_CORRUPT);
    for (size_t i = 0; i < sizeof bad_spans / sizeof *bad_spans; i++)
        assert_int_equal(load_crafted(good_text, sizeof good_text, bad_spans[i].b, bad_spans[i].len, 1, a, e),
                         NQ_ERR_CORRUPT);
}

/* Reads everything from damaged sections: each call fails with
 * NQ_ERR_CORRUPT or gives the right data. Returns the number of failures. */
static int read_damaged(const sections *s, const corpus *cp, uint64_t n_docs)
{
    nq_text_store st;
    nq_error err;
    nq_status r = open_store(s, n_docs, &st, &err);
    if (r) {
        assert_int_equal(r, NQ_ERR_CORRUPT);
        return 1;
    }
    assert_int_equal(n_docs, cp->n);
    nq_text_cursor *c = nq_text_cursor_new();
    assert_non_null(c);
    int failures = 0;
    uint32_t *a = malloc(4096 * 4), *e = malloc(4096 * 4);
    assert_non_null(a);
    assert_non_null(e);
    for (uint64_t i = 0; i < cp->n; i++) {
        const char *t;
        size_t len;
        r = nq_text_doc(&st, c, i, &t, &len, &err);
        if (r) {
            assert_int_equal(r, NQ_ERR_CORRUPT);
            failures++;
        } else {
            assert_int_equal(len, cp->d[i].len);
            assert_memory_equal(t, cp->d[i].text, len);
        }
        assert_true(cp->d[i].n <= 4096);
        r = nq_text_spans(&st, c, i, 0, (uint32_t)cp->d[i].n, a, e, &err);
        if (r) {
            assert_int_equal(r, NQ_ERR_CORRUPT);
            failures++;
            continue;
        }
        for (size_t k = 0; k < cp->d[i].n; k++) {
            assert_int_equal(a[k], cp->d[i].tok[k].text_off);
            assert_int_equal(e[k], cp->d[i].tok[k].text_off + cp->d[i].tok[k].text_len);
        }
    }
    free(a);
    free(e);
    nq_text_cursor_free(c);
    return failures;
}

/* Section k with byte at flipped by x, in a fresh exactly-sized copy. */
static void flip(const sections *in, sections *out, int k, size_t at, uint8_t x)
{
    for (int j = 0; j < 3; j++) {
        out->len[j] = in->len[j];
        out->p[j] = malloc(in->len[j] ? in->len[j] : 1);
        assert_non_null(out->p[j]);
        memcpy(out->p[j], in->p[j], in->len[j]);
    }
    out->p[k][at] ^= x;
}

static void test_corrupt(void **state)
{
    (void)state;
    corpus c;
    random_corpus(&c, 60, 5, 3000);
    sections s;
    build(&c, 1500, 2, 0, &s);
    assert_int_equal(read_damaged(&s, &c, c.n), 0);
    /* the wrong number of documents */
    assert_int_equal(read_damaged(&s, &c, c.n + 1), 1);
    assert_int_equal(read_damaged(&s, &c, c.n - 1), 1);
    /* every byte of TDIR, a few flips each; a changed target field is harmless */
    int caught = 0;
    for (size_t at = 0; at < s.len[2]; at++) {
        static const uint8_t xs[] = {0x01, 0x80, 0xFF, 0x10};
        for (size_t x = 0; x < sizeof xs; x++) {
            sections d;
            flip(&s, &d, 2, at, xs[x]);
            int f = read_damaged(&d, &c, c.n);
            caught += f > 0;
            if (at < 16 || at >= 24)
                assert_true(f > 0);
            sections_free(&d);
        }
    }
    assert_true(caught > 0);
    /* random flips in TEXT and TOFF: the frames' checksums catch nearly all
     * (a flip that only enlarges a frame's window changes nothing) */
    for (int k = 0; k < 2; k++) {
        caught = 0;
        for (int r = 0; r < 300; r++) {
            sections d;
            flip(&s, &d, k, rnd() % s.len[k], (uint8_t)(1 + rnd() % 255));
            caught += read_damaged(&d, &c, c.n) > 0;
            sections_free(&d);
        }
        assert_true(caught > 280);
    }
    /* truncated TEXT or TOFF, as given and with the directory patched to match */
    for (int k = 0; k < 2; k++) {
        for (size_t cut = 1; cut < 40 && cut < s.len[k]; cut += 3) {
            sections d;
            flip(&s, &d, k, 0, 0);
            d.len[k] -= cut;
            assert_int_equal(read_damaged(&d, &c, c.n), 1);
            uint64_t v = d.len[k];
            memcpy(d.p[2] + d.len[2] - 40 + 8 + 16 * k, &v, 8);
            assert_true(read_damaged(&d, &c, c.n) > 0);
            sections_free(&d);
        }
    }
    /* truncated TDIR */
    for (size_t cut = 1; cut <= s.len[2]; cut += 7) {
        sections d;
        flip(&s, &d, 2, 0, 0);
        d.len[2] -= cut;
        assert_int_equal(read_damaged(&d, &c, c.n), 1);
        sections_free(&d);
    }
    sections_free(&s);
    corpus_free(&c);
}

/* ---- OrangeSum ---- */

static char *corpus_file(const char *name)
{
    const char *dir = tu_corpus_dir();
    const char *src = getenv("NQ_SOURCE_DIR");
    char *path = malloc(4096);
    assert_non_null(path);
    if (dir)
        snprintf(path, 4096, "%s/%s", dir, name);
    else
        snprintf(path, 4096, "%s/../shared/corpus/%s", src ? src : ".", name);
    return path;
}

/* Loads the first max_docs documents: the clean texts and the tokenizer's spans. */
static int load_orangesum(corpus *c, size_t max_docs)
{
    char *path = corpus_file("orangesum/orangesum-2017.jsonl");
    FILE *f = fopen(path, "rb");
    free(path);
    if (!f)
        return -1;
    nq_parser *p = nq_parser_new();
    nq_tokenizer *tz = nq_tokenizer_new();
    assert_non_null(p);
    assert_non_null(tz);
    c->d = calloc(max_docs, sizeof *c->d);
    assert_non_null(c->d);
    c->n = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    while (c->n < max_docs && (got = getline(&line, &cap, f)) > 0) {
        size_t len = (size_t)got;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        nq_record rec = {NQ_REC_JSON, 0, c->n + 1, line, len};
        nq_doc doc;
        nq_diag_kind kind;
        char msg[256];
        nq_parse_result r = nq_record_parse(p, &rec, "orangesum-2017.jsonl", NULL, &doc, &kind, msg, sizeof msg);
        if (r != NQ_PARSE_OK && r != NQ_PARSE_OK_WARN)
            continue;
        nq_tokens tk;
        assert_int_equal(nq_tokenize_doc(tz, doc.title.ptr, doc.title.len, doc.text.ptr, doc.text.len, &tk), NQ_OK);
        tdoc_in *d = &c->d[c->n++];
        d->len = tk.text_len;
        d->text = malloc(tk.text_len + 1);
        d->n = tk.n;
        d->tok = malloc((tk.n + 1) * sizeof *d->tok);
        assert_non_null(d->text);
        assert_non_null(d->tok);
        memcpy(d->text, tk.text, tk.text_len);
        memcpy(d->tok, tk.tok, tk.n * sizeof *d->tok);
    }
    free(line);
    fclose(f);
    nq_parser_free(p);
    nq_tokenizer_free(tz);
    return 0;
}

static void test_orangesum(void **state)
{
    (void)state;
    corpus c;
    if (load_orangesum(&c, 2000)) {
        skip();
        return;
    }
    assert_true(c.n > 1000);
    sections s;
    build(&c, 0, 2, 500, &s);
    nq_text_store st;
    nq_error err;
    assert_int_equal(open_store(&s, c.n, &st, &err), NQ_OK);
    nq_text_cursor *cur = nq_text_cursor_new();
    assert_non_null(cur);
    size_t text_bytes = 0, tokens = 0;
    for (size_t i = 0; i < c.n; i++) {
        const char *t;
        size_t len;
        uint32_t n;
        assert_int_equal(nq_text_tokens(&st, cur, i, &n, &err), NQ_OK);
        assert_int_equal(n, c.d[i].n);
        uint32_t *a = malloc((n + 1) * 4), *e = malloc((n + 1) * 4);
        assert_non_null(a);
        assert_non_null(e);
        assert_int_equal(nq_text_spans(&st, cur, i, 0, n, a, e, &err), NQ_OK);
        assert_int_equal(nq_text_doc(&st, cur, i, &t, &len, &err), NQ_OK);
        assert_int_equal(len, c.d[i].len);
        /* the stored span on the stored text is the tokenizer's surface form */
        for (uint32_t k = 0; k < n; k++) {
            const nq_token *tok = &c.d[i].tok[k];
            assert_int_equal(e[k] - a[k], tok->text_len);
            assert_true(e[k] <= len);
            assert_memory_equal(t + a[k], c.d[i].text + tok->text_off, tok->text_len);
        }
        assert_memory_equal(t, c.d[i].text, len);
        text_bytes += len;
        tokens += n;
        free(a);
        free(e);
    }
    /* the spans cost a few percent of the text, the text about a third */
    assert_true(s.len[1] < text_bytes / 20);
    assert_true(s.len[0] < text_bytes / 2);
    print_message("orangesum-2017, %zu documents, %zu bytes, %zu tokens: TEXT %zu, TOFF %zu, TDIR %zu bytes\n",
                  c.n, text_bytes, tokens, s.len[0], s.len[1], s.len[2]);
    nq_text_cursor_free(cur);
    sections_free(&s);
    corpus_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_empty_store),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_bad_codes),
        cmocka_unit_test(test_bad_tables),
        cmocka_unit_test(test_corrupt),
        cmocka_unit_test(test_orangesum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

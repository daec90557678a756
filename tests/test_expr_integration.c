/*
 * The positional features (nq_count on phrases, prefixes and alternatives,
 * filters, nq_filter_size, nq_count_by, nq_docs, nq_kwic) against a brute
 * force written here. The brute force sees only the tokenizer's output
 * (nq_tokenize_corpus): it keeps every token's normal form, sentence and
 * surface span, and matches expressions by scanning those positions with
 * its own vocabulary and inverted lists; it shares no lexicon, postings,
 * structure or text-store code with the engine. The engine's tokenizer is
 * used on queries only to make sure a query spells the tokens intended.
 *
 * Semantics checked (TOKENIZATION.md section 8, ngramq.h): a phrase occurs
 * at p when the tokens p..p+n-1 are its tokens and share one sentence; a
 * query token "xyz*" matches every normal form that begins with the bytes
 * "xyz"; an expression's count is the number of distinct positions where
 * one of its phrases starts, its documents those holding one of them.
 *
 * Every corpus is built twice: with the defaults (1..5-grams kept from 2
 * occurrences, compact postings), and with every 1..3-gram, the fast
 * postings codec and small batches, so that both the n-gram-table path and
 * the postings path answer, with both codecs. The corpora: a hand-counted
 * one, generated ones (titles, paragraphs, runs of repeated words, dates to
 * the day, month or year, missing or impossible, 3-4 sources and none), and
 * the shared seeds and OrangeSum files when NQ_SHARED_CORPUS has them.
 *
 * Failures are reported (up to a limit) and counted, and each test fails at
 * its end when any check did, so that one run shows several discrepancies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ngramq/ngramq.h"
#include "testutil.h"
#include "tokenize.h"

/* ------------------------------------------------------------------ */
/* Failures                                                            */
/* ------------------------------------------------------------------ */

static unsigned long n_failures, n_checks;

static void report(const char *fmt, ...)
{
    n_failures++;
    if (n_failures > 60) {
        if (n_failures == 61)
            fprintf(stderr, "FAIL: (further failures not shown)\n");
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    fputs("FAIL: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

#define CHECK(cond, ...)            \
    do {                            \
        n_checks++;                 \
        if (!(cond))                \
            report(__VA_ARGS__);    \
    } while (0)

static void end_test(void)
{
    unsigned long n = n_failures;
    n_failures = 0;
    if (n)
        fail_msg("%lu check(s) failed (see FAIL lines above)", n);
}

#define ULL(x) ((unsigned long long)(x))

/* ------------------------------------------------------------------ */
/* Randomness (deterministic)                                          */
/* ------------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static size_t rndn(size_t n)
{
    return n ? (size_t)(rnd() % n) : 0;
}

/* ------------------------------------------------------------------ */
/* The brute force                                                     */
/* ------------------------------------------------------------------ */

typedef struct bdoc {
    size_t start, n;        /* positions [start, start + n) */
    char *text;             /* clean text from the first token's surface to the last one's end */
    size_t text_len;
    char *id;
    uint32_t date;          /* YYYYMMDD, 0 = none */
    char *source;           /* NUL-terminated, NULL = none */
    const char *line;       /* the JSONL line it came from */
    size_t line_len;
} bdoc;

typedef struct bf {
    /* vocabulary: the normal forms seen */
    char **type_str;
    uint32_t *type_len;
    size_t n_types, types_cap;
    uint32_t *ht;           /* open addressing, type id + 1 */
    size_t ht_cap;
    /* positions, in corpus order */
    uint32_t *tok, *sent, *doc, *soff, *slen;
    size_t n_pos, pos_cap;
    uint32_t sent_base;     /* global sentence numbers: equal iff same document and sentence */
    bdoc *docs;
    size_t n_docs, docs_cap;
    /* inverted lists: positions of type t are post[post_start[t] .. post_start[t + 1]) */
    uint32_t *post_start, *post;
    int bad_order;          /* a document number out of sequence */
} bf;

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static uint32_t bf_find(const bf *b, const char *s, size_t n)
{
    if (!b->ht_cap)
        return UINT32_MAX;
    for (size_t j = fnv1a(s, n) & (b->ht_cap - 1); b->ht[j]; j = (j + 1) & (b->ht_cap - 1)) {
        uint32_t id = b->ht[j] - 1;
        if (b->type_len[id] == n && memcmp(b->type_str[id], s, n) == 0)
            return id;
    }
    return UINT32_MAX;
}

static uint32_t bf_intern(bf *b, const char *s, size_t n)
{
    if ((b->n_types + 1) * 2 > b->ht_cap) {
        size_t cap = b->ht_cap ? b->ht_cap * 2 : 1024;
        free(b->ht);
        b->ht = calloc(cap, sizeof *b->ht);
        assert_non_null(b->ht);
        b->ht_cap = cap;
        for (size_t id = 0; id < b->n_types; id++) {
            size_t j = fnv1a(b->type_str[id], b->type_len[id]) & (cap - 1);
            while (b->ht[j])
                j = (j + 1) & (cap - 1);
            b->ht[j] = (uint32_t)id + 1;
        }
    }
    size_t j = fnv1a(s, n) & (b->ht_cap - 1);
    for (; b->ht[j]; j = (j + 1) & (b->ht_cap - 1)) {
        uint32_t id = b->ht[j] - 1;
        if (b->type_len[id] == n && memcmp(b->type_str[id], s, n) == 0)
            return id;
    }
    if (b->n_types == b->types_cap) {
        b->types_cap = b->types_cap ? b->types_cap * 2 : 1024;
        b->type_str = realloc(b->type_str, b->types_cap * sizeof *b->type_str);
        b->type_len = realloc(b->type_len, b->types_cap * sizeof *b->type_len);
        assert_true(b->type_str && b->type_len);
    }
    char *c = malloc(n + 1);
    assert_non_null(c);
    memcpy(c, s, n);
    c[n] = 0;
    b->type_str[b->n_types] = c;
    b->type_len[b->n_types] = (uint32_t)n;
    b->ht[j] = (uint32_t)b->n_types + 1;
    return (uint32_t)b->n_types++;
}

static void bf_grow_pos(bf *b, size_t need)
{
    if (need <= b->pos_cap)
        return;
    size_t cap = b->pos_cap ? b->pos_cap : 4096;
    while (cap < need)
        cap *= 2;
    uint32_t **arrays[] = {&b->tok, &b->sent, &b->doc, &b->soff, &b->slen};
    for (size_t i = 0; i < 5; i++) {
        *arrays[i] = realloc(*arrays[i], cap * sizeof(uint32_t));
        assert_non_null(*arrays[i]);
    }
    b->pos_cap = cap;
}

static int bf_doc(void *user, const nq_tokenized_doc *d)
{
    bf *b = user;
    if (d->index != b->n_docs)
        b->bad_order = 1;
    if (b->n_docs == b->docs_cap) {
        b->docs_cap = b->docs_cap ? b->docs_cap * 2 : 64;
        b->docs = realloc(b->docs, b->docs_cap * sizeof *b->docs);
        assert_non_null(b->docs);
    }
    bdoc *x = &b->docs[b->n_docs++];
    memset(x, 0, sizeof *x);
    x->id = strndup(d->id, d->id_len);
    assert_non_null(x->id);
    x->start = b->n_pos;
    x->n = d->n_tokens;
    x->text = malloc(1);
    assert_non_null(x->text);
    if (!d->n_tokens)
        return 0;
    const char *base = d->tokens[0].surface;
    const nq_token_view *last = &d->tokens[d->n_tokens - 1];
    x->text_len = (size_t)(last->surface + last->surface_len - base);
    free(x->text);
    x->text = malloc(x->text_len + 1);
    assert_non_null(x->text);
    memcpy(x->text, base, x->text_len);
    x->text[x->text_len] = 0;
    bf_grow_pos(b, b->n_pos + d->n_tokens);
    uint32_t max_sent = 0;
    for (size_t i = 0; i < d->n_tokens; i++) {
        const nq_token_view *t = &d->tokens[i];
        size_t p = b->n_pos++;
        b->tok[p] = bf_intern(b, t->norm, t->norm_len);
        b->sent[p] = b->sent_base + t->sentence;
        b->doc[p] = (uint32_t)(b->n_docs - 1);
        b->soff[p] = (uint32_t)(t->surface - base);
        b->slen[p] = (uint32_t)t->surface_len;
        if (t->sentence > max_sent)
            max_sent = t->sentence;
    }
    b->sent_base += max_sent + 1;
    return 0;
}

static void bf_finish(bf *b)
{
    b->post_start = calloc(b->n_types + 1, sizeof *b->post_start);
    b->post = malloc((b->n_pos ? b->n_pos : 1) * sizeof *b->post);
    assert_true(b->post_start && b->post);
    for (size_t p = 0; p < b->n_pos; p++)
        b->post_start[b->tok[p] + 1]++;
    for (size_t t = 0; t < b->n_types; t++)
        b->post_start[t + 1] += b->post_start[t];
    uint32_t *at = malloc((b->n_types ? b->n_types : 1) * sizeof *at);
    assert_non_null(at);
    memcpy(at, b->post_start, b->n_types * sizeof *at);
    for (size_t p = 0; p < b->n_pos; p++)
        b->post[at[b->tok[p]]++] = (uint32_t)p;
    free(at);
}

static void bf_free(bf *b)
{
    for (size_t i = 0; i < b->n_types; i++)
        free(b->type_str[i]);
    free(b->type_str);
    free(b->type_len);
    free(b->ht);
    free(b->tok);
    free(b->sent);
    free(b->doc);
    free(b->soff);
    free(b->slen);
    for (size_t i = 0; i < b->n_docs; i++) {
        free(b->docs[i].text);
        free(b->docs[i].id);
        free(b->docs[i].source);
    }
    free(b->docs);
    free(b->post_start);
    free(b->post);
    memset(b, 0, sizeof *b);
}

/* ------------------------------------------------------------------ */
/* Expressions                                                         */
/* ------------------------------------------------------------------ */

#define QMAX_TOK 16
#define QMAX_PH 3

typedef struct qphrase {
    size_t n;
    char *tok[QMAX_TOK];    /* intended normal forms (the prefix, for a prefix token) */
    size_t len[QMAX_TOK];
    int prefix[QMAX_TOK];
} qphrase;

typedef struct bmatch {
    uint32_t pos, len;      /* start, tokens of the longest phrase starting there */
} bmatch;

typedef struct qexpr {
    char *text;
    size_t n_ph;
    qphrase ph[QMAX_PH];
    size_t longest;         /* tokens of the longest phrase */
    bmatch *m;              /* the brute force's matches, by position */
    size_t n_m;
} qexpr;

typedef struct exprs {
    qexpr *e;
    size_t n, cap;
} exprs;

static void qphrase_free(qphrase *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->tok[i]);
    p->n = 0;
}

static void qphrase_copy(qphrase *dst, const qphrase *src)
{
    *dst = *src;
    for (size_t i = 0; i < src->n; i++) {
        dst->tok[i] = strndup(src->tok[i], src->len[i]);
        assert_non_null(dst->tok[i]);
    }
}

static void qphrase_push(qphrase *p, const char *s, size_t len, int prefix)
{
    assert_true(p->n < QMAX_TOK);
    p->tok[p->n] = strndup(s, len);
    assert_non_null(p->tok[p->n]);
    p->len[p->n] = len;
    p->prefix[p->n] = prefix;
    p->n++;
}

static void exprs_free(exprs *E)
{
    for (size_t i = 0; i < E->n; i++) {
        for (size_t k = 0; k < E->e[i].n_ph; k++)
            qphrase_free(&E->e[i].ph[k]);
        free(E->e[i].text);
        free(E->e[i].m);
    }
    free(E->e);
    memset(E, 0, sizeof *E);
}

/* Appends the phrase as a query writes it: tokens separated by a space,
 * except after an elided token ("l'" + "ia" is written "l'ia", since "l' ia"
 * would read as "l" "ia"), '*' after a prefix, ASCII letters upper-cased
 * when asked (the query folds case as the corpus does). */
static void spell_phrase(const qphrase *p, int upper, char *buf, size_t cap, size_t *at)
{
    for (size_t i = 0; i < p->n; i++) {
        if (i && !(p->len[i - 1] && p->tok[i - 1][p->len[i - 1] - 1] == '\''))
            buf[(*at)++] = ' ';
        assert_true(*at + p->len[i] + 8 < cap);
        for (size_t k = 0; k < p->len[i]; k++) {
            char c = p->tok[i][k];
            buf[(*at)++] = upper && c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
        }
        if (p->prefix[i])
            buf[(*at)++] = '*';
    }
    buf[*at] = 0;
}

/* Whether the query text s (one phrase) reads as exactly p's tokens, with a
 * '*' right after the prefix tokens and after no other. */
static int spells(nq_tokenizer *tz, const char *s, size_t len, const qphrase *p)
{
    nq_tokens t;
    assert_int_equal(nq_tokenize_text(tz, s, len, &t), NQ_OK);
    if (t.n != p->n)
        return 0;
    for (size_t i = 0; i < t.n; i++) {
        if (t.tok[i].norm_len != p->len[i] || memcmp(t.norm + t.tok[i].norm_off, p->tok[i], p->len[i]))
            return 0;
        size_t end = t.tok[i].text_off + t.tok[i].text_len;
        int star = end < t.text_len && t.text[end] == '*';
        if (star != p->prefix[i])
            return 0;
    }
    return 1;
}

/* Adds the expression made of phrases ph (taken over) when every phrase
 * spells right; frees them otherwise. */
static int add_expr(exprs *E, nq_tokenizer *tz, qphrase *ph, size_t n_ph, int upper)
{
    char buf[4096];
    size_t at = 0;
    int ok = 1;
    for (size_t k = 0; k < n_ph && ok; k++) {
        if (ph[k].n == 0) {
            ok = 0;
            break;
        }
        if (k) {
            memcpy(buf + at, " | ", 3);
            at += 3;
        }
        size_t from = at;
        spell_phrase(&ph[k], upper, buf, sizeof buf, &at);
        ok = spells(tz, buf + from, at - from, &ph[k]);
    }
    if (!ok) {
        for (size_t k = 0; k < n_ph; k++)
            qphrase_free(&ph[k]);
        return 0;
    }
    if (E->n == E->cap) {
        E->cap = E->cap ? E->cap * 2 : 64;
        E->e = realloc(E->e, E->cap * sizeof *E->e);
        assert_non_null(E->e);
    }
    qexpr *e = &E->e[E->n++];
    memset(e, 0, sizeof *e);
    e->text = strdup(buf);
    assert_non_null(e->text);
    e->n_ph = n_ph;
    for (size_t k = 0; k < n_ph; k++) {
        e->ph[k] = ph[k];
        if (ph[k].n > e->longest)
            e->longest = ph[k].n;
        ph[k].n = 0; /* taken over */
    }
    return 1;
}

/* The phrase of the n tokens at position p (n cut at the corpus's end). */
static void phrase_at(const bf *b, size_t p, size_t n, qphrase *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n && p + i < b->n_pos && i < QMAX_TOK; i++) {
        uint32_t t = b->tok[p + i];
        qphrase_push(out, b->type_str[t], b->type_len[t], 0);
    }
}

/* A prefix of s made of whole leading characters that are ASCII letters or
 * digits or non-ASCII (letters, in a normal form), at least one; 0 if none. */
static size_t cut_prefix(const char *s, size_t len)
{
    size_t ends[64], n = 0, i = 0;
    while (i < len && n < 64) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
                break;
            i++;
        } else {
            i++;
            while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
                i++;
        }
        ends[n++] = i;
    }
    return n ? ends[rndn(n)] : 0;
}

/* Turns token i of p into a prefix of itself; 0 when it has none. */
static int make_prefix(qphrase *p, size_t i)
{
    size_t k = cut_prefix(p->tok[i], p->len[i]);
    if (!k)
        return 0;
    p->tok[i][k] = 0;
    p->len[i] = k;
    p->prefix[i] = 1;
    return 1;
}

static size_t short_len(void)
{
    /* mostly short phrases, up to 12 tokens */
    return 1 + rndn(1 + rndn(12));
}

/* A random phrase for an alternative: from a position, sometimes with a prefix. */
static void random_phrase(const bf *b, qphrase *out)
{
    phrase_at(b, rndn(b->n_pos), 1 + rndn(4), out);
    if (rndn(4) == 0 && !make_prefix(out, rndn(out->n)))
        out->prefix[0] = 0;
}

/* Sentence boundaries: positions p where p and p + 1 are in different sentences. */
static size_t *sentence_ends(const bf *b, size_t *n)
{
    size_t *v = malloc((b->n_pos ? b->n_pos : 1) * sizeof *v), m = 0;
    assert_non_null(v);
    for (size_t p = 0; p + 1 < b->n_pos; p++)
        if (b->sent[p] != b->sent[p + 1])
            v[m++] = p;
    *n = m;
    return v;
}

static void make_exprs(const bf *b, exprs *E, size_t want, uint64_t seed)
{
    rng_state = seed;
    nq_tokenizer *tz = nq_tokenizer_new();
    assert_non_null(tz);
    size_t n_ends;
    size_t *ends = sentence_ends(b, &n_ends);
    /* A few fixed ones first: absent words, an absent prefix. */
    qphrase ph[QMAX_PH];
    memset(ph, 0, sizeof ph);
    qphrase_push(&ph[0], "zzqxwv", 6, 0);
    add_expr(E, tz, ph, 1, 0);
    qphrase_push(&ph[0], "zzqxw", 5, 1);
    add_expr(E, tz, ph, 1, 0);
    for (size_t tries = 0; E->n < want && tries < want * 20 && b->n_pos; tries++) {
        memset(ph, 0, sizeof ph);
        size_t kind = rndn(12), n_ph = 1;
        int upper = 0;
        switch (kind) {
        case 0: case 1: case 2: /* a phrase that occurs */
            phrase_at(b, rndn(b->n_pos), short_len(), &ph[0]);
            break;
        case 3: { /* a long phrase inside one sentence */
            size_t p = rndn(b->n_pos), n = 6 + rndn(7);
            while (p > 0 && b->sent[p - 1] == b->sent[p] && p + n > b->n_pos)
                p--;
            size_t k = 1;
            while (k < n && p + k < b->n_pos && b->sent[p + k] == b->sent[p])
                k++;
            phrase_at(b, p, k, &ph[0]);
            break;
        }
        case 4: { /* across a sentence boundary */
            if (!n_ends)
                continue;
            size_t e = ends[rndn(n_ends)], back = rndn(3);
            size_t p = e >= back ? e - back : 0;
            phrase_at(b, p, (e - p) + 1 + 1 + rndn(3), &ph[0]);
            break;
        }
        case 5: { /* a word the corpus never had, somewhere in a phrase */
            phrase_at(b, rndn(b->n_pos), 1 + rndn(4), &ph[0]);
            size_t i = rndn(ph[0].n);
            free(ph[0].tok[i]);
            ph[0].tok[i] = strdup("qqzzyx");
            assert_non_null(ph[0].tok[i]);
            ph[0].len[i] = 6;
            break;
        }
        case 6: /* a prefix alone */
            phrase_at(b, rndn(b->n_pos), 1, &ph[0]);
            if (!make_prefix(&ph[0], 0))
                qphrase_free(&ph[0]);
            break;
        case 7: /* a prefix inside a phrase */
            phrase_at(b, rndn(b->n_pos), 2 + rndn(4), &ph[0]);
            if (!make_prefix(&ph[0], rndn(ph[0].n)))
                qphrase_free(&ph[0]);
            if (rndn(3) == 0 && ph[0].n > 1)
                make_prefix(&ph[0], rndn(ph[0].n)); /* sometimes two */
            break;
        case 8: case 9: /* alternatives */
            n_ph = 2 + rndn(2);
            for (size_t k = 0; k < n_ph; k++)
                random_phrase(b, &ph[k]);
            break;
        case 10: { /* overlaps: "x x | x", "x x x | x x", "x | x" */
            uint32_t t = b->tok[rndn(b->n_pos)];
            size_t a = 1 + rndn(3), c = 1 + rndn(2);
            for (size_t i = 0; i < a; i++)
                qphrase_push(&ph[0], b->type_str[t], b->type_len[t], 0);
            for (size_t i = 0; i < c; i++)
                qphrase_push(&ph[1], b->type_str[t], b->type_len[t], 0);
            n_ph = 2;
            break;
        }
        default: /* the same phrase twice, or written in capitals */
            phrase_at(b, rndn(b->n_pos), short_len(), &ph[0]);
            if (rndn(2)) {
                qphrase_copy(&ph[1], &ph[0]);
                n_ph = 2;
            } else {
                upper = 1;
            }
            break;
        }
        add_expr(E, tz, ph, n_ph, upper);
    }
    free(ends);
    nq_tokenizer_free(tz);
}

static int cmp_bmatch(const void *x, const void *y)
{
    const bmatch *a = x, *b = y;
    if (a->pos != b->pos)
        return a->pos < b->pos ? -1 : 1;
    return (a->len < b->len) - (a->len > b->len); /* longest first */
}

/* Every match of e, by brute force. */
static void bf_match(const bf *b, qexpr *e)
{
    size_t cap = 64, n = 0;
    bmatch *m = malloc(cap * sizeof *m);
    assert_non_null(m);
    for (size_t k = 0; k < e->n_ph; k++) {
        const qphrase *p = &e->ph[k];
        uint32_t id[QMAX_TOK];
        uint8_t *set[QMAX_TOK] = {0};
        int dead = 0;
        size_t driver = SIZE_MAX;
        for (size_t i = 0; i < p->n; i++) {
            if (p->prefix[i]) {
                set[i] = calloc(b->n_types ? b->n_types : 1, 1);
                assert_non_null(set[i]);
                for (size_t t = 0; t < b->n_types; t++)
                    set[i][t] = b->type_len[t] >= p->len[i] && memcmp(b->type_str[t], p->tok[i], p->len[i]) == 0;
            } else {
                id[i] = bf_find(b, p->tok[i], p->len[i]);
                dead |= id[i] == UINT32_MAX;
                if (driver == SIZE_MAX)
                    driver = i;
            }
        }
        size_t n_cand = dead ? 0 : driver == SIZE_MAX ? b->n_pos : b->post_start[id[driver] + 1] - b->post_start[id[driver]];
        for (size_t c = 0; c < n_cand; c++) {
            size_t s;
            if (driver == SIZE_MAX) {
                s = c;
            } else {
                size_t q = b->post[b->post_start[id[driver]] + c];
                if (q < driver)
                    continue;
                s = q - driver;
            }
            if (s + p->n > b->n_pos || b->sent[s] != b->sent[s + p->n - 1])
                continue;
            size_t i = 0;
            for (; i < p->n; i++) {
                uint32_t t = b->tok[s + i];
                if (p->prefix[i] ? !set[i][t] : t != id[i])
                    break;
            }
            if (i < p->n)
                continue;
            if (n == cap) {
                cap *= 2;
                m = realloc(m, cap * sizeof *m);
                assert_non_null(m);
            }
            m[n++] = (bmatch){(uint32_t)s, (uint32_t)p->n};
        }
        for (size_t i = 0; i < p->n; i++)
            free(set[i]);
    }
    qsort(m, n, sizeof *m, cmp_bmatch);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (!u || m[u - 1].pos != m[i].pos)
            m[u++] = m[i];
    e->m = m;
    e->n_m = u;
}

/* ------------------------------------------------------------------ */
/* Filters                                                             */
/* ------------------------------------------------------------------ */

typedef struct tfilter {
    nq_filter f;
    const char *srcs[2];
    char desc[200];
    uint8_t *keep;          /* per document */
    uint64_t tokens, docs;
} tfilter;

static void filter_resolve(const bf *b, tfilter *t)
{
    t->f.sources = t->f.n_sources ? t->srcs : NULL;
    t->keep = calloc(b->n_docs ? b->n_docs : 1, 1);
    assert_non_null(t->keep);
    t->tokens = t->docs = 0;
    for (size_t d = 0; d < b->n_docs; d++) {
        const bdoc *x = &b->docs[d];
        int k = 1;
        if (t->f.date_from || t->f.date_to)
            k = x->date && (!t->f.date_from || x->date >= t->f.date_from) && (!t->f.date_to || x->date <= t->f.date_to);
        if (k && t->f.n_sources) {
            int any = 0;
            for (size_t s = 0; s < t->f.n_sources; s++)
                any |= x->source && strcmp(x->source, t->srcs[s]) == 0;
            k = any;
        }
        t->keep[d] = (uint8_t)k;
        if (k) {
            t->docs++;
            t->tokens += x->n;
        }
    }
    snprintf(t->desc, sizeof t->desc, "[from %u to %u sources %s%s%s]", t->f.date_from, t->f.date_to,
             t->f.n_sources ? t->srcs[0] : "any", t->f.n_sources > 1 ? ", " : "",
             t->f.n_sources > 1 ? t->srcs[1] : "");
}

static const bdoc *random_doc_with(const bf *b, int want_date, int want_source)
{
    for (int i = 0; i < 200 && b->n_docs; i++) {
        const bdoc *x = &b->docs[rndn(b->n_docs)];
        if ((!want_date || x->date) && (!want_source || x->source))
            return x;
    }
    return NULL;
}

/* The filters checked on a corpus: date ranges (closed, open on one side,
 * from year bounds), a source, two sources, a source and dates. */
static size_t make_filters(const bf *b, tfilter *out, size_t cap)
{
    size_t n = 0;
    for (int kind = 0; kind < 8 && n < cap; kind++) {
        tfilter t;
        memset(&t, 0, sizeof t);
        const bdoc *x = random_doc_with(b, kind != 4 && kind != 5, kind >= 4);
        const bdoc *y = random_doc_with(b, kind != 4 && kind != 5, kind >= 4);
        if (!x || !y)
            continue;
        uint32_t lo = x->date < y->date ? x->date : y->date, hi = x->date < y->date ? y->date : x->date;
        switch (kind) {
        case 0: t.f.date_from = lo; t.f.date_to = hi; break;
        case 1: t.f.date_from = lo; break;
        case 2: t.f.date_to = hi; break;
        case 3: { /* year bounds as the command line parses them */
            char year[8];
            nq_error err;
            snprintf(year, sizeof year, "%04u", lo / 10000);
            assert_int_equal(nq_parse_date_bound(year, 0, &t.f.date_from, &err), NQ_OK);
            assert_int_equal(nq_parse_date_bound(year, 1, &t.f.date_to, &err), NQ_OK);
            CHECK(t.f.date_from == lo / 10000 * 10000 && t.f.date_to == lo / 10000 * 10000 + 1299,
                  "nq_parse_date_bound(\"%s\"): %u .. %u", year, t.f.date_from, t.f.date_to);
            break;
        }
        case 4: t.srcs[0] = x->source; t.f.n_sources = 1; break;
        case 5: t.srcs[0] = x->source; t.srcs[1] = y->source; t.f.n_sources = 2; break;
        case 6: t.srcs[0] = x->source; t.f.n_sources = 1; t.f.date_from = lo; t.f.date_to = hi; break;
        default: t.srcs[0] = y->source; t.f.n_sources = 1; t.f.date_to = hi; break;
        }
        out[n] = t;
        filter_resolve(b, &out[n]); /* sources point into out[n] */
        n++;
    }
    return n;
}

/* ------------------------------------------------------------------ */
/* Expected answers                                                    */
/* ------------------------------------------------------------------ */

static void expect_count(const bf *b, const qexpr *e, const uint8_t *keep, uint64_t *count, uint64_t *docs)
{
    uint64_t c = 0, d = 0;
    uint32_t last = UINT32_MAX;
    for (size_t i = 0; i < e->n_m; i++) {
        uint32_t doc = b->doc[e->m[i].pos];
        if (keep && !keep[doc])
            continue;
        c++;
        if (doc != last) {
            d++;
            last = doc;
        }
    }
    *count = c;
    *docs = d;
}

static const char *fdesc(const tfilter *t)
{
    return t ? t->desc : "[whole corpus]";
}

static void check_count(nq_index *ix, const char *tag, const bf *b, const qexpr *e, const tfilter *t)
{
    uint64_t count, docs;
    expect_count(b, e, t ? t->keep : NULL, &count, &docs);
    nq_count_result r;
    nq_error err = {0};
    nq_status st = nq_count(ix, e->text, strlen(e->text), t ? &t->f : NULL, &r, &err);
    if (st != NQ_OK) {
        report("%s: count \"%s\" %s: status %d (%s)", tag, e->text, fdesc(t), st, err.message);
        return;
    }
    CHECK(r.exact == 1 && r.count == count && r.documents == (int64_t)docs,
          "%s: count \"%s\" %s: engine %s %llu in %lld docs, brute force %llu in %llu docs", tag, e->text, fdesc(t),
          r.exact ? "exact" : "INEXACT", ULL(r.count), (long long)r.documents, ULL(count), ULL(docs));
    CHECK(r.n_tokens == e->longest, "%s: count \"%s\": n_tokens %zu, longest phrase %zu", tag, e->text, r.n_tokens,
          e->longest);
}

static void check_filter_size(nq_index *ix, const char *tag, const tfilter *t)
{
    uint64_t tokens, docs;
    nq_error err = {0};
    nq_status st = nq_filter_size(ix, &t->f, &tokens, &docs, &err);
    CHECK(st == NQ_OK && tokens == t->tokens && docs == t->docs,
          "%s: nq_filter_size %s: status %d, %llu tokens %llu docs; brute force %llu tokens %llu docs (%s)", tag,
          t->desc, st, ULL(tokens), ULL(docs), ULL(t->tokens), ULL(t->docs), err.message);
}

/* ---- nq_count_by ---- */

typedef struct srow {
    int null;
    uint64_t key;           /* date key, or source order */
    char label[256];
    uint64_t count, docs, tokens, sdocs;
} srow;

static int cmp_srow_date(const void *x, const void *y)
{
    const srow *a = x, *b = y;
    if (a->null != b->null)
        return a->null - b->null;
    return (a->key > b->key) - (a->key < b->key);
}

static int cmp_srow_name(const void *x, const void *y)
{
    const srow *a = x, *b = y;
    if (a->null != b->null)
        return a->null - b->null;
    return strcmp(a->label, b->label);
}

/* A document's slice: year "YYYY"; month "YYYY-MM", or "YYYY" when only the
 * year is known (such a date is its own slice, before the year's months);
 * source name. */
static void slice_of(const bdoc *x, nq_slice_by by, srow *r)
{
    memset(r, 0, sizeof *r);
    if (by == NQ_BY_SOURCE) {
        r->null = x->source == NULL;
        if (x->source)
            snprintf(r->label, sizeof r->label, "%s", x->source);
        return;
    }
    r->null = x->date == 0;
    if (!x->date)
        return;
    uint32_t y = x->date / 10000, m = x->date / 100 % 100;
    if (by == NQ_BY_YEAR) {
        r->key = y;
        snprintf(r->label, sizeof r->label, "%04u", y);
    } else {
        r->key = x->date / 100;
        if (m)
            snprintf(r->label, sizeof r->label, "%04u-%02u", y, m);
        else
            snprintf(r->label, sizeof r->label, "%04u", y);
    }
}

static void check_count_by(nq_index *ix, const char *tag, const bf *b, const qexpr *e, const tfilter *t, nq_slice_by by)
{
    static const char *names[] = {"", "year", "month", "source"};
    srow *rows = NULL;
    size_t n_rows = 0;
    uint32_t *doc_row = malloc((b->n_docs ? b->n_docs : 1) * sizeof *doc_row);
    assert_non_null(doc_row);
    for (size_t d = 0; d < b->n_docs; d++) {
        doc_row[d] = UINT32_MAX;
        if (t && !t->keep[d])
            continue;
        srow r;
        slice_of(&b->docs[d], by, &r);
        size_t i = 0;
        for (; i < n_rows; i++)
            if (rows[i].null == r.null && strcmp(rows[i].label, r.label) == 0)
                break;
        if (i == n_rows) {
            rows = realloc(rows, (n_rows + 1) * sizeof *rows);
            assert_non_null(rows);
            rows[n_rows++] = r;
        }
        rows[i].tokens += b->docs[d].n;
        rows[i].sdocs++;
    }
    qsort(rows, n_rows, sizeof *rows, by == NQ_BY_SOURCE ? cmp_srow_name : cmp_srow_date);
    for (size_t d = 0; d < b->n_docs; d++) {
        if (t && !t->keep[d])
            continue;
        srow r;
        slice_of(&b->docs[d], by, &r);
        for (size_t i = 0; i < n_rows; i++)
            if (rows[i].null == r.null && strcmp(rows[i].label, r.label) == 0)
                doc_row[d] = (uint32_t)i;
    }
    uint32_t last = UINT32_MAX;
    for (size_t i = 0; i < e->n_m; i++) {
        uint32_t doc = b->doc[e->m[i].pos];
        if (doc_row[doc] == UINT32_MAX)
            continue;
        rows[doc_row[doc]].count++;
        if (doc != last)
            rows[doc_row[doc]].docs++;
        last = doc;
    }

    nq_slices s;
    nq_error err = {0};
    nq_status st = nq_count_by(ix, e->text, strlen(e->text), t ? &t->f : NULL, by, &s, &err);
    if (st != NQ_OK) {
        report("%s: count_by %s \"%s\" %s: status %d (%s)", tag, names[by], e->text, fdesc(t), st, err.message);
        free(rows);
        free(doc_row);
        return;
    }
    CHECK(s.n_rows == n_rows, "%s: count_by %s \"%s\" %s: %zu rows, brute force %zu", tag, names[by], e->text,
          fdesc(t), s.n_rows, n_rows);
    uint64_t sum_count = 0, sum_docs = 0, sum_tokens = 0, sum_sdocs = 0;
    for (size_t i = 0; i < s.n_rows; i++) {
        const nq_slice_row *g = &s.rows[i];
        sum_count += g->count;
        sum_docs += g->documents;
        sum_tokens += g->slice_tokens;
        sum_sdocs += g->slice_documents;
        if (i >= n_rows)
            continue;
        const srow *w = &rows[i];
        int label_ok = w->null ? g->label == NULL : g->label && strcmp(g->label, w->label) == 0;
        CHECK(label_ok && g->count == w->count && g->documents == w->docs && g->slice_tokens == w->tokens &&
                  g->slice_documents == w->sdocs,
              "%s: count_by %s \"%s\" %s row %zu: engine [%s] %llu in %llu docs, slice %llu tokens %llu docs; "
              "brute force [%s] %llu in %llu docs, slice %llu tokens %llu docs",
              tag, names[by], e->text, fdesc(t), i, g->label ? g->label : "(none)", ULL(g->count),
              ULL(g->documents), ULL(g->slice_tokens), ULL(g->slice_documents), w->null ? "(none)" : w->label,
              ULL(w->count), ULL(w->docs), ULL(w->tokens), ULL(w->sdocs));
    }
    /* Slices add up to the count and to the filtered corpus. */
    nq_count_result r;
    uint64_t tokens = 0, docs = 0;
    st = nq_count(ix, e->text, strlen(e->text), t ? &t->f : NULL, &r, &err);
    if (st == NQ_OK)
        st = nq_filter_size(ix, t ? &t->f : NULL, &tokens, &docs, &err);
    CHECK(st == NQ_OK && sum_count == r.count && (int64_t)sum_docs == r.documents && sum_tokens == tokens &&
              sum_sdocs == docs,
          "%s: count_by %s \"%s\" %s: slices sum to %llu in %llu docs, %llu tokens %llu docs; nq_count %llu in %lld "
          "docs, nq_filter_size %llu tokens %llu docs",
          tag, names[by], e->text, fdesc(t), ULL(sum_count), ULL(sum_docs), ULL(sum_tokens), ULL(sum_sdocs),
          ULL(r.count), (long long)r.documents, ULL(tokens), ULL(docs));
    nq_slices_free(&s);
    free(rows);
    free(doc_row);
}

/* ---- nq_docs ---- */

static int cmp_hit(const void *x, const void *y)
{
    const nq_doc_hit *a = x, *b = y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return (a->doc > b->doc) - (a->doc < b->doc);
}

static void check_docs(nq_index *ix, const char *tag, const bf *b, const qexpr *e, const tfilter *t, size_t k)
{
    nq_doc_hit *want = malloc((e->n_m ? e->n_m : 1) * sizeof *want);
    assert_non_null(want);
    size_t n_want = 0;
    for (size_t i = 0; i < e->n_m; i++) {
        uint32_t doc = b->doc[e->m[i].pos];
        if (t && !t->keep[doc])
            continue;
        if (n_want && want[n_want - 1].doc == doc)
            want[n_want - 1].count++;
        else
            want[n_want++] = (nq_doc_hit){doc, 1};
    }
    qsort(want, n_want, sizeof *want, cmp_hit);
    nq_doc_hit *hits = NULL;
    size_t n_hits = 0;
    uint64_t total = 0;
    nq_error err = {0};
    nq_status st = nq_docs(ix, e->text, strlen(e->text), t ? &t->f : NULL, k, &hits, &n_hits, &total, &err);
    size_t expect_n = n_want < k ? n_want : k;
    if (st != NQ_OK) {
        report("%s: docs \"%s\" %s: status %d (%s)", tag, e->text, fdesc(t), st, err.message);
    } else {
        CHECK(total == n_want && n_hits == expect_n, "%s: docs \"%s\" %s k=%zu: engine %zu hits of %llu, brute force %zu of %zu",
              tag, e->text, fdesc(t), k, n_hits, ULL(total), expect_n, n_want);
        for (size_t i = 0; i < n_hits && i < expect_n; i++)
            CHECK(hits[i].doc == want[i].doc && hits[i].count == want[i].count,
                  "%s: docs \"%s\" %s hit %zu: engine doc %llu x%llu, brute force doc %llu x%llu", tag, e->text,
                  fdesc(t), i, ULL(hits[i].doc), ULL(hits[i].count), ULL(want[i].doc), ULL(want[i].count));
    }
    free(hits);
    free(want);
}

/* ---- nq_kwic ---- */

/* Matches of e that the filter keeps (indices into e->m). */
static size_t kept_matches(const bf *b, const qexpr *e, const tfilter *t, size_t **out)
{
    size_t *v = malloc((e->n_m ? e->n_m : 1) * sizeof *v), n = 0;
    assert_non_null(v);
    for (size_t i = 0; i < e->n_m; i++)
        if (!t || t->keep[b->doc[e->m[i].pos]])
            v[n++] = i;
    *out = v;
    return n;
}

static int ctx_eq(char text, char shown)
{
    return text == '\n' || text == '\r' || text == '\t' ? shown == ' ' : shown == text;
}

static size_t code_points(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* Whether the line is brute-force match j: document, position, tokens,
 * the text as written, and the contexts (60 characters each side, line
 * breaks shown as spaces) as far as the tokens' span of the text shows. */
static int line_is(const bf *b, const qexpr *e, const nq_kwic_line *l, size_t j, size_t width, const char *what)
{
    const bmatch *m = &e->m[j];
    uint32_t d = b->doc[m->pos];
    const bdoc *x = &b->docs[d];
    uint32_t pos = (uint32_t)(m->pos - x->start);
    if (l->doc != d || l->position != pos || l->n_tokens != m->len) {
        report("%s \"%s\": line doc %llu position %u tokens %u, brute force doc %u position %u tokens %u", what,
               e->text, ULL(l->doc), l->position, l->n_tokens, d, pos, m->len);
        return 0;
    }
    size_t s = b->soff[m->pos], last = m->pos + m->len - 1, end = b->soff[last] + b->slen[last];
    if (!l->match || strlen(l->match) != end - s || memcmp(l->match, x->text + s, end - s) != 0) {
        report("%s \"%s\": doc %u position %u: match \"%s\", text \"%.*s\"", what, e->text, d, pos,
               l->match ? l->match : "(null)", (int)(end - s), x->text + s);
        return 0;
    }
    int ok = l->left && l->right;
    if (ok) {
        /* left: the width characters before the match, or fewer at the start of the text */
        size_t a = s, chars = 0;
        while (a > 0 && chars < width) {
            a--;
            while (a > 0 && ((unsigned char)x->text[a] & 0xC0) == 0x80)
                a--;
            chars++;
        }
        size_t ll = strlen(l->left);
        if (chars == width)
            ok = ll == s - a;
        else
            ok = ll >= s - a && code_points(l->left, ll) <= width;
        for (size_t i = 0; ok && i < s - a; i++)
            ok = ctx_eq(x->text[a + i], l->left[ll - (s - a) + i]);
    }
    if (ok) {
        size_t z = end, chars = 0;
        while (z < x->text_len && chars < width) {
            z++;
            while (z < x->text_len && ((unsigned char)x->text[z] & 0xC0) == 0x80)
                z++;
            chars++;
        }
        size_t rl = strlen(l->right);
        if (chars == width)
            ok = rl == z - end;
        else
            ok = rl >= z - end && code_points(l->right, rl) <= width;
        for (size_t i = 0; ok && i < z - end; i++)
            ok = ctx_eq(x->text[end + i], l->right[i]);
    }
    if (!ok)
        report("%s \"%s\": doc %u position %u: context \"%s\" [%s] \"%s\" does not fit the text", what, e->text, d,
               pos, l->left ? l->left : "(null)", l->match, l->right ? l->right : "(null)");
    return ok;
}

/* The match index of position (doc, position), or SIZE_MAX. */
static size_t find_match(const bf *b, const qexpr *e, uint64_t doc, uint32_t position)
{
    if (doc >= b->n_docs || position >= b->docs[doc].n)
        return SIZE_MAX;
    uint32_t pos = (uint32_t)(b->docs[doc].start + position);
    size_t lo = 0, hi = e->n_m;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e->m[mid].pos < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < e->n_m && e->m[lo].pos == pos ? lo : SIZE_MAX;
}

static const bf *date_sort_bf;
static const qexpr *date_sort_e;

static int cmp_by_date(const void *x, const void *y)
{
    size_t i = *(const size_t *)x, j = *(const size_t *)y;
    uint32_t di = date_sort_bf->docs[date_sort_bf->doc[date_sort_e->m[i].pos]].date;
    uint32_t dj = date_sort_bf->docs[date_sort_bf->doc[date_sort_e->m[j].pos]].date;
    di = di ? di : UINT32_MAX;
    dj = dj ? dj : UINT32_MAX;
    if (di != dj)
        return di < dj ? -1 : 1;
    return (i > j) - (i < j);
}

static void check_kwic(nq_index *ix, const char *tag, const bf *b, const qexpr *e, const tfilter *t, int full)
{
    size_t *want;
    size_t n_want = kept_matches(b, e, t, &want);
    char what[512];
    snprintf(what, sizeof what, "%s: kwic %s", tag, fdesc(t));
    nq_kwic_options opt;
    nq_kwic_options_init(&opt);
    CHECK(opt.width == 60 && opt.limit == 50 && opt.sample == 0 && opt.sort == NQ_KWIC_CORPUS,
          "nq_kwic_options_init: width %zu limit %zu", opt.width, opt.limit);
    nq_kwic_result res;
    nq_error err = {0};
    size_t len = strlen(e->text);

    /* defaults: the first 50 matches in corpus order */
    nq_status st = nq_kwic(ix, e->text, len, t ? &t->f : NULL, &opt, &res, &err);
    if (st != NQ_OK) {
        report("%s \"%s\": status %d (%s)", what, e->text, st, err.message);
        free(want);
        return;
    }
    size_t expect = n_want < opt.limit ? n_want : opt.limit;
    CHECK(res.matches == n_want && res.n_lines == expect, "%s \"%s\": %zu lines of %llu matches, brute force %zu of %zu",
          what, e->text, res.n_lines, ULL(res.matches), expect, n_want);
    for (size_t i = 0; i < res.n_lines && i < expect; i++)
        if (!line_is(b, e, &res.lines[i], want[i], opt.width, what))
            break;
    nq_kwic_result_free(&res);
    if (!full) {
        free(want);
        return;
    }

    /* a small limit and a narrow context */
    opt.limit = 1 + rndn(4);
    opt.width = rndn(12);
    st = nq_kwic(ix, e->text, len, t ? &t->f : NULL, &opt, &res, &err);
    expect = n_want < opt.limit ? n_want : opt.limit;
    CHECK(st == NQ_OK && res.matches == n_want && res.n_lines == expect,
          "%s \"%s\" limit %zu width %zu: status %d, %zu lines of %llu matches, brute force %zu of %zu", what, e->text,
          opt.limit, opt.width, st, res.n_lines, ULL(res.matches), expect, n_want);
    for (size_t i = 0; st == NQ_OK && i < res.n_lines && i < expect; i++)
        if (!line_is(b, e, &res.lines[i], want[i], opt.width, what))
            break;
    nq_kwic_result_free(&res);

    /* a sample of 5, the same twice, of distinct real matches, in corpus order */
    nq_kwic_options_init(&opt);
    opt.sample = 5;
    opt.seed = 42;
    nq_kwic_result res2;
    st = nq_kwic(ix, e->text, len, t ? &t->f : NULL, &opt, &res, &err);
    nq_status st2 = nq_kwic(ix, e->text, len, t ? &t->f : NULL, &opt, &res2, &err);
    expect = n_want < 5 ? n_want : 5;
    CHECK(st == NQ_OK && st2 == NQ_OK && res.n_lines == expect && res2.n_lines == expect && res.matches == n_want,
          "%s \"%s\" sample 5: status %d/%d, %zu and %zu lines of %llu matches, brute force %zu of %zu", what, e->text,
          st, st2, res.n_lines, res2.n_lines, ULL(res.matches), expect, n_want);
    if (st == NQ_OK && st2 == NQ_OK) {
        size_t prev = 0;
        for (size_t i = 0; i < res.n_lines; i++) {
            const nq_kwic_line *l = &res.lines[i];
            size_t j = find_match(b, e, l->doc, l->position);
            int kept = j != SIZE_MAX && (!t || t->keep[l->doc]);
            CHECK(kept, "%s \"%s\" sample line %zu: doc %llu position %u is not a match", what, e->text, i,
                  ULL(l->doc), l->position);
            if (!kept)
                break;
            CHECK(i == 0 || j > prev, "%s \"%s\" sample: line %zu not after line %zu (repeated or out of corpus order)",
                  what, e->text, i, i - 1);
            prev = j;
            line_is(b, e, l, j, opt.width, what);
            if (i < res2.n_lines)
                CHECK(res2.lines[i].doc == l->doc && res2.lines[i].position == l->position &&
                          strcmp(res2.lines[i].match, l->match) == 0,
                      "%s \"%s\" sample line %zu: differs between two runs with seed 42", what, e->text, i);
        }
    }
    nq_kwic_result_free(&res);
    nq_kwic_result_free(&res2);

    /* by date, undated last, then corpus order */
    nq_kwic_options_init(&opt);
    opt.sort = NQ_KWIC_DATE;
    st = nq_kwic(ix, e->text, len, t ? &t->f : NULL, &opt, &res, &err);
    date_sort_bf = b;
    date_sort_e = e;
    qsort(want, n_want, sizeof *want, cmp_by_date);
    expect = n_want < opt.limit ? n_want : opt.limit;
    CHECK(st == NQ_OK && res.matches == n_want && res.n_lines == expect,
          "%s \"%s\" by date: status %d, %zu lines of %llu matches, brute force %zu of %zu", what, e->text, st,
          res.n_lines, ULL(res.matches), expect, n_want);
    for (size_t i = 0; st == NQ_OK && i < res.n_lines && i < expect; i++)
        if (!line_is(b, e, &res.lines[i], want[i], opt.width, "kwic by date"))
            break;
    nq_kwic_result_free(&res);

    /* a sample sorted by date: the sampled lines, in date order */
    opt.sample = 5;
    opt.seed = 42;
    st = nq_kwic(ix, e->text, len, t ? &t->f : NULL, &opt, &res, &err);
    CHECK(st == NQ_OK && res.n_lines == (n_want < 5 ? n_want : 5), "%s \"%s\" sample by date: status %d, %zu lines",
          what, e->text, st, res.n_lines);
    for (size_t i = 0; st == NQ_OK && i < res.n_lines && i < n_want; i++) {
        size_t j = find_match(b, e, res.lines[i].doc, res.lines[i].position);
        if (j == SIZE_MAX) {
            report("%s \"%s\" sample by date: line %zu is not a match", what, e->text, i);
            break;
        }
        want[i] = j;
        CHECK(i == 0 || cmp_by_date(&want[i - 1], &want[i]) < 0, "%s \"%s\" sample by date: line %zu out of order",
              what, e->text, i);
    }
    nq_kwic_result_free(&res);
    free(want);
}

/* ------------------------------------------------------------------ */
/* A corpus end to end                                                 */
/* ------------------------------------------------------------------ */

/* Expected metadata of a generated corpus (NULL for a real one, whose
 * dates and sources are read from the index). */
typedef struct meta {
    uint32_t date;
    const char *source;
} meta;

typedef struct plan {
    size_t n_exprs;         /* expressions */
    size_t every_by;        /* count_by on one expression in this many */
    size_t every_kwic;      /* kwic on one in this many (full kwic checks on one in 4 of those) */
    size_t rebuilds;        /* filtered corpora rebuilt */
} plan;

static void build_index(const char *input, const char *out, int max_n, uint32_t min_count, size_t batch_bytes,
                        int threads)
{
    nq_build_options opt;
    nq_build_options_init(&opt);
    if (min_count == 1)
        opt.postings_codec = NQ_POSTINGS_FAST; /* the other codec, with the other tables */
    if (max_n)
        opt.max_n = max_n;
    if (min_count)
        opt.min_count = min_count;
    if (batch_bytes)
        opt.batch_bytes = batch_bytes;
    opt.threads = threads;
    nq_error err = {0};
    const char *inputs[1] = {input};
    nq_status st = nq_build(inputs, 1, out, &opt, NULL, &err);
    if (st != NQ_OK)
        fail_msg("build of %s failed: %s", input, err.message);
}

/* A scratch path whose name ends in .jsonl, so that the build reads it as
 * JSONL (tu_tmp_path appends the process id after the name). */
static void jsonl_tmp_path(char *buf, size_t cap, const char *name)
{
    tu_tmp_path(buf, cap, name);
    size_t n = strlen(buf);
    assert_true(n + 7 < cap);
    memcpy(buf + n, ".jsonl", 7);
}

/* Splits the file into lines (documents are one a line, none skipped). */
static char **read_lines(char *data, size_t len, size_t *n)
{
    size_t cap = 64, m = 0;
    char **v = malloc(cap * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < len;) {
        char *nl = memchr(data + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - data) : len;
        if (e > i) {
            if (m == cap) {
                cap *= 2;
                v = realloc(v, cap * sizeof *v);
                assert_non_null(v);
            }
            v[m++] = data + i;
        }
        i = e + 1;
    }
    *n = m;
    return v;
}

/* Writes the lines of the documents t keeps, builds them, and checks that
 * the unfiltered answers there are the filtered answers here. */
static void check_rebuild(nq_index *ix, const char *tag, const bf *b, const exprs *E, const tfilter *t)
{
    char path[4096], out[4096];
    jsonl_tmp_path(path, sizeof path, "expr-sub");
    tu_tmp_path(out, sizeof out, "expr-sub.nq");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (size_t d = 0; d < b->n_docs; d++) {
        if (!t->keep[d])
            continue;
        fwrite(b->docs[d].line, 1, b->docs[d].line_len, f);
        fputc('\n', f);
    }
    assert_int_equal(fclose(f), 0);
    build_index(path, out, 0, 0, 0, 0);
    nq_index *sub;
    nq_error err = {0};
    assert_int_equal(nq_index_open(out, &sub, &err), NQ_OK);
    nq_index_info in;
    nq_index_get_info(sub, &in);
    CHECK(in.documents == t->docs && in.tokens == t->tokens,
          "%s: rebuild of %s: %llu docs %llu tokens, brute force %llu docs %llu tokens", tag, t->desc,
          ULL(in.documents), ULL(in.tokens), ULL(t->docs), ULL(t->tokens));
    char subtag[512];
    snprintf(subtag, sizeof subtag, "%s rebuilt from %s", tag, t->desc);
    for (size_t i = 0; i < E->n; i++) {
        const qexpr *e = &E->e[i];
        uint64_t count, docs;
        expect_count(b, e, t->keep, &count, &docs);
        nq_count_result r, rf;
        nq_status st = nq_count(sub, e->text, strlen(e->text), NULL, &r, &err);
        nq_status stf = nq_count(ix, e->text, strlen(e->text), &t->f, &rf, &err);
        CHECK(st == NQ_OK && stf == NQ_OK && r.count == count && r.documents == (int64_t)docs && r.count == rf.count &&
                  r.documents == rf.documents,
              "%s: \"%s\": rebuilt index %llu in %lld docs, filtered full index %llu in %lld docs, brute force %llu "
              "in %llu docs",
              subtag, e->text, ULL(r.count), (long long)r.documents, ULL(rf.count), (long long)rf.documents,
              ULL(count), ULL(docs));
        if (i % 16 == 0) {
            /* slices of the rebuilt corpus = slices of the filtered one */
            nq_slices s1, s2;
            st = nq_count_by(sub, e->text, strlen(e->text), NULL, NQ_BY_MONTH, &s1, &err);
            stf = nq_count_by(ix, e->text, strlen(e->text), &t->f, NQ_BY_MONTH, &s2, &err);
            int same = st == NQ_OK && stf == NQ_OK && s1.n_rows == s2.n_rows;
            for (size_t k = 0; same && k < s1.n_rows; k++) {
                const nq_slice_row *x = &s1.rows[k], *y = &s2.rows[k];
                same = (x->label == NULL) == (y->label == NULL) && (!x->label || strcmp(x->label, y->label) == 0) &&
                       x->count == y->count && x->documents == y->documents && x->slice_tokens == y->slice_tokens &&
                       x->slice_documents == y->slice_documents;
            }
            CHECK(same, "%s: \"%s\": month slices of the rebuilt index differ from the filtered full index's", subtag,
                  e->text);
            if (st == NQ_OK)
                nq_slices_free(&s1);
            if (stf == NQ_OK)
                nq_slices_free(&s2);
        }
    }
    nq_index_close(sub);
    remove(path);
    remove(out);
}

static void check_corpus_file(const char *input, const char *tag, const meta *want_meta, size_t n_meta, const plan *pl,
                              uint64_t seed)
{
    bf b;
    memset(&b, 0, sizeof b);
    nq_build_options opt;
    nq_build_options_init(&opt);
    nq_error err = {0};
    const char *inputs[1] = {input};
    assert_int_equal(nq_tokenize_corpus(inputs, 1, &opt, bf_doc, &b, &err), NQ_OK);
    assert_false(b.bad_order);
    bf_finish(&b);

    size_t data_len, n_lines;
    char *data = tu_read_file(input, &data_len);
    char **lines = read_lines(data, data_len, &n_lines);
    assert_int_equal(n_lines, b.n_docs);
    for (size_t d = 0; d < b.n_docs; d++) {
        char *nl = memchr(lines[d], '\n', (size_t)(data + data_len - lines[d]));
        b.docs[d].line = lines[d];
        b.docs[d].line_len = nl ? (size_t)(nl - lines[d]) : (size_t)(data + data_len - lines[d]);
        char key[512];
        snprintf(key, sizeof key, "\"%s\"", b.docs[d].id);
        assert_non_null(memmem(b.docs[d].line, b.docs[d].line_len, key, strlen(key)));
    }

    char out_a[4096], out_b[4096];
    tu_tmp_path(out_a, sizeof out_a, "expr-a.nq");
    tu_tmp_path(out_b, sizeof out_b, "expr-b.nq");
    build_index(input, out_a, 0, 0, 0, 0);                /* defaults: 1..5-grams seen twice */
    build_index(input, out_b, 3, 1, (size_t)1 << 20, 2);  /* every 1..3-gram, several batches, fast codec */
    nq_index *ix, *ix_b;
    assert_int_equal(nq_index_open(out_a, &ix, &err), NQ_OK);
    assert_int_equal(nq_index_open(out_b, &ix_b, &err), NQ_OK);

    /* Metadata: from the index for a real corpus, checked against what was
     * written for a generated one. */
    nq_index_info in;
    nq_index_get_info(ix, &in);
    assert_int_equal(in.documents, b.n_docs);
    assert_int_equal(in.tokens, b.n_pos);
    /* what nq_index_get_info says right after opening (before any query) */
    nq_index_info in_b;
    nq_index_get_info(ix_b, &in_b);
    CHECK(in_b.max_n == 3 && in_b.min_count == 1 && in_b.postings_codec && strcmp(in_b.postings_codec, "pfor-simd") == 0,
          "%s: second index, just opened: max_n %d min_count %u postings codec \"%s\", built with NQ_POSTINGS_FAST",
          tag, in_b.max_n, in_b.min_count, in_b.postings_codec ? in_b.postings_codec : "(null)");
    if (want_meta)
        assert_int_equal(n_meta, b.n_docs);
    for (size_t d = 0; d < b.n_docs; d++) {
        nq_doc_info di;
        assert_int_equal(nq_index_doc(ix, d, &di, &err), NQ_OK);
        CHECK(di.tokens == b.docs[d].n, "%s: doc %zu: %u tokens, tokenizer %zu", tag, d, di.tokens, b.docs[d].n);
        if (want_meta) {
            CHECK(di.date == want_meta[d].date, "%s: doc %zu: date %u, written %u", tag, d, di.date, want_meta[d].date);
            int src_ok = want_meta[d].source ? di.source && di.source_len == strlen(want_meta[d].source) &&
                                                   memcmp(di.source, want_meta[d].source, di.source_len) == 0
                                             : di.source == NULL;
            CHECK(src_ok, "%s: doc %zu: source \"%.*s\", written \"%s\"", tag, d, di.source ? (int)di.source_len : 6,
                  di.source ? di.source : "(none)", want_meta[d].source ? want_meta[d].source : "(none)");
            b.docs[d].date = want_meta[d].date;
            b.docs[d].source = want_meta[d].source ? strdup(want_meta[d].source) : NULL;
        } else {
            b.docs[d].date = di.date;
            b.docs[d].source = di.source ? strndup(di.source, di.source_len) : NULL;
        }
    }

    exprs E = {0};
    make_exprs(&b, &E, pl->n_exprs, seed);
    assert_true(E.n > pl->n_exprs / 2);
    for (size_t i = 0; i < E.n; i++)
        bf_match(&b, &E.e[i]);

    tfilter filters[8];
    rng_state = seed ^ 0x5eed;
    size_t n_filters = make_filters(&b, filters, 8);
    for (size_t k = 0; k < n_filters; k++)
        check_filter_size(ix, tag, &filters[k]);

    char tag_b[512];
    snprintf(tag_b, sizeof tag_b, "%s (max_n 3, min_count 1)", tag);
    size_t crossing = 0, zero = 0, prefixes = 0, alternatives = 0, total_matches = 0;
    unsigned long checks0 = n_checks;
    for (size_t i = 0; i < E.n; i++) {
        const qexpr *e = &E.e[i];
        zero += e->n_m == 0;
        alternatives += e->n_ph > 1;
        for (size_t k = 0; k < e->n_ph; k++)
            for (size_t j = 0; j < e->ph[k].n; j++)
                prefixes += e->ph[k].prefix[j];
        check_count(ix, tag, &b, e, NULL);
        check_count(ix_b, tag_b, &b, e, NULL);
        for (size_t k = 0; k < n_filters; k++)
            check_count(ix, tag, &b, e, &filters[k]);
        if (n_filters)
            check_count(ix_b, tag_b, &b, e, &filters[i % n_filters]);
        const tfilter *t = n_filters && i % 2 ? &filters[i / 2 % n_filters] : NULL;
        check_docs(ix, tag, &b, e, t, i % 3 == 0 ? 1 : i % 3 == 1 ? 5 : 1000);
        if (i % pl->every_by == 0) {
            check_count_by(ix, tag, &b, e, NULL, NQ_BY_YEAR);
            check_count_by(ix, tag, &b, e, NULL, NQ_BY_MONTH);
            check_count_by(ix, tag, &b, e, NULL, NQ_BY_SOURCE);
            check_count_by(ix, tag, &b, e, t, (nq_slice_by)(1 + i / pl->every_by % 3));
        }
        if (i % pl->every_kwic == 0) {
            int full = i / pl->every_kwic % 4 == 0;
            check_kwic(ix, tag, &b, e, NULL, full);
            if (t)
                check_kwic(ix, tag, &b, e, t, !full);
            if (i / pl->every_kwic % 2)
                check_kwic(ix_b, tag_b, &b, e, t, 0);
        }
        if (i % pl->every_by == 1) {
            check_docs(ix_b, tag_b, &b, e, NULL, 10);
            check_count_by(ix_b, tag_b, &b, e, t, (nq_slice_by)(1 + i % 3));
        }
        total_matches += e->n_m;
        /* a phrase across a sentence boundary: do its tokens occur across one? */
        if (e->n_ph == 1 && e->ph[0].n > 1) {
            const qphrase *p = &e->ph[0];
            uint32_t id0 = bf_find(&b, p->tok[0], p->len[0]);
            if (!p->prefix[0] && id0 != UINT32_MAX)
                for (size_t c = b.post_start[id0]; c < b.post_start[id0 + 1] && !crossing; c++) {
                    size_t s = b.post[c], j = 0;
                    if (s + p->n > b.n_pos || b.sent[s] == b.sent[s + p->n - 1])
                        continue;
                    for (; j < p->n && !p->prefix[j] && b.tok[s + j] == bf_find(&b, p->tok[j], p->len[j]); j++)
                        ;
                    crossing += j == p->n;
                }
        }
    }
    /* The sample must exercise what it claims to. */
    CHECK(zero >= 2 && prefixes >= 5 && alternatives >= 5 && crossing,
          "%s: expressions too tame: %zu with no match, %zu prefixes, %zu alternatives, crossing %zu", tag, zero,
          prefixes, alternatives, crossing);

    nq_index_get_info(ix_b, &in_b);
    CHECK(in_b.postings_codec && strcmp(in_b.postings_codec, "pfor-simd") == 0,
          "%s: second index, after the queries: postings codec \"%s\", built with NQ_POSTINGS_FAST", tag,
          in_b.postings_codec ? in_b.postings_codec : "(null)");

    size_t rebuilt = 0;
    for (size_t k = 0; k < n_filters && rebuilt < pl->rebuilds; k++) {
        const tfilter *t = &filters[(k * 3 + 1) % n_filters];
        if (!t->docs || t->docs == b.n_docs)
            continue;
        check_rebuild(ix, tag, &b, &E, t);
        rebuilt++;
    }
    print_message("%s: %zu docs, %zu tokens; %zu expressions (%zu matches, %zu with none, %zu prefix tokens, "
                  "%zu alternatives), %zu filters, %zu rebuilds; %lu checks\n",
                  tag, b.n_docs, b.n_pos, E.n, total_matches, zero, prefixes, alternatives, n_filters, rebuilt,
                  n_checks - checks0);

    for (size_t k = 0; k < n_filters; k++)
        free(filters[k].keep);
    exprs_free(&E);
    nq_index_close(ix);
    nq_index_close(ix_b);
    remove(out_a);
    remove(out_b);
    free(lines);
    free(data);
    bf_free(&b);
}

/* ------------------------------------------------------------------ */
/* Generated corpora                                                   */
/* ------------------------------------------------------------------ */

static const char *gen_words[] = {
    "a", "a", "a", "a", "b", "b", "le", "la", "de", "l'IA", "L\u2019IA", "IA", "Macron", "Emmanuel", "souverainet\u00e9",
    "num\u00e9rique", "open", "source", "open-source", "ab", "abc", "abd", "\u00e9t\u00e9", "\u00c9T\u00c9", "aujourd'hui",
    "d'Europe", "qu'il", "M.", "\u00e7a", "c\u0153ur", "\u00c9tat", "\u00e9tat", "x1", "2020", "1,5", "Stra\u00dfe",
    "\u00ab", "\u00bb", ",", "na\u00efve", "IA-", "\u2014",
};
static const char *gen_sources[] = {"Le Monde", "Lib\u00e9ration", "AFP", "Ouest-France"};

static void put_words(FILE *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(' ', f);
        if (rndn(6) == 0) { /* runs of one word: overlapping repeats */
            const char *w = rndn(2) ? "a" : gen_words[rndn(sizeof gen_words / sizeof *gen_words)];
            for (size_t k = 2 + rndn(4); k > 0; k--)
                fprintf(f, "%s%s", w, k > 1 ? " " : "");
        } else {
            fputs(gen_words[rndn(sizeof gen_words / sizeof *gen_words)], f);
        }
    }
}

/* A corpus of n_docs JSONL documents with titles, sentences and paragraphs,
 * dates over several years (some to the month or year only, some missing or
 * impossible) and n_sources sources (some documents without one). */
static meta *write_corpus(const char *path, uint64_t seed, size_t n_docs, size_t n_sources)
{
    rng_state = seed;
    meta *m = calloc(n_docs, sizeof *m);
    assert_non_null(m);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (size_t d = 0; d < n_docs; d++) {
        fprintf(f, "{\"id\": \"g%llu-%zu\"", ULL(seed), d);
        uint32_t y = 2017 + (uint32_t)rndn(5), mo = 1 + (uint32_t)rndn(12), day = 1 + (uint32_t)rndn(28);
        switch (rndn(10)) {
        case 0: break; /* no date field */
        case 1: fputs(", \"date\": null", f); break;
        case 2: fprintf(f, ", \"date\": \"%u\"", y); m[d].date = y * 10000; break;
        case 3: case 4: fprintf(f, ", \"date\": \"%u-%02u\"", y, mo); m[d].date = y * 10000 + mo * 100; break;
        case 5: fprintf(f, ", \"date\": \"%u-02-30\"", y); break; /* impossible: kept undated */
        default: fprintf(f, ", \"date\": \"%u-%02u-%02u\"", y, mo, day); m[d].date = y * 10000 + mo * 100 + day; break;
        }
        size_t s = rndn(n_sources + 1);
        if (s < n_sources) {
            fprintf(f, ", \"source\": \"%s\"", gen_sources[s]);
            m[d].source = gen_sources[s];
        } else if (rndn(2)) {
            fputs(", \"source\": null", f);
        }
        if (rndn(3)) {
            fputs(", \"title\": \"", f);
            put_words(f, 1 + rndn(6));
            fputs("\"", f);
        }
        fputs(", \"text\": \"", f);
        if (rndn(40) == 0) {
            fputs("\u2026 !", f); /* no token at all */
        } else {
            for (size_t k = 1 + rndn(12); k > 0; k--) {
                put_words(f, 1 + rndn(10));
                static const char *ends[] = {". ", "! ", "? ", "\\n\\n", "\\n", "\u2026 ", ", ", " ; "};
                fputs(ends[rndn(sizeof ends / sizeof *ends)], f);
            }
        }
        fputs("\"}\n", f);
    }
    assert_int_equal(fclose(f), 0);
    return m;
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */
/* ------------------------------------------------------------------ */

/* A corpus small enough to count by hand. */
static void test_hand_counted(void **state)
{
    (void)state;
    static const char corpus[] =
        "{\"id\": \"h0\", \"date\": \"2020-01-15\", \"source\": \"S1\", \"title\": \"a a\", "
        "\"text\": \"a a a a! A b a\\n\\nb a a\"}\n"
        "{\"id\": \"h1\", \"date\": \"2021\", \"source\": \"S2\", \"text\": \"A a! B\"}\n"
        "{\"id\": \"h2\", \"text\": \"ba bb a\"}\n";
    /* positions: h0 [a a] [a a a a] [a b a] [b a a]  h1 [a a] [b]  h2 [ba bb a] */
    static const struct {
        const char *expr;
        uint64_t count, docs;
    } want[] = {
        {"a", 13, 3},         {"A", 13, 3},           {"a a", 6, 2},       {"A A", 6, 2},
        {"a a a", 2, 1},      {"a a a a", 1, 1},      {"a a a a a", 0, 0}, {"a a | a", 13, 3},
        {"a | a", 13, 3},     {"b", 3, 2},            {"b*", 5, 3},        {"b* a", 3, 2},
        {"a b | b a", 3, 1},  {"a b|b a|a b", 3, 1},  {"b a a", 1, 1},     {"a b a", 1, 1},
        {"zz", 0, 0},         {"zz | a a", 6, 2},     {"bb*", 1, 1},       {"c*", 0, 0},
    };
    char in[4096], out[4096];
    jsonl_tmp_path(in, sizeof in, "expr-hand");
    tu_tmp_path(out, sizeof out, "expr-hand.nq");
    tu_write_file(in, corpus, sizeof corpus - 1);
    for (int variant = 0; variant < 2; variant++) {
        build_index(in, out, variant ? 3 : 0, variant ? 1 : 0, 0, 1);
        nq_index *ix;
        nq_error err = {0};
        assert_int_equal(nq_index_open(out, &ix, &err), NQ_OK);
        for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
            nq_count_result r;
            assert_int_equal(nq_count(ix, want[i].expr, strlen(want[i].expr), NULL, &r, &err), NQ_OK);
            CHECK(r.exact == 1 && r.count == want[i].count && r.documents == (int64_t)want[i].docs,
                  "hand corpus (variant %d): \"%s\": %llu in %lld docs, by hand %llu in %llu", variant, want[i].expr,
                  ULL(r.count), (long long)r.documents, ULL(want[i].count), ULL(want[i].docs));
        }
        /* an empty phrase or a misplaced '*' is an error, not a count */
        static const char *bad[] = {"", " ", "a |", "| a", "a || b", "*", "a*b", "a *", "!"};
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
            nq_count_result r;
            nq_status st = nq_count(ix, bad[i], strlen(bad[i]), NULL, &r, &err);
            CHECK(st == NQ_ERR_ARG, "hand corpus: \"%s\": status %d, want NQ_ERR_ARG", bad[i], st);
        }
        /* filters */
        nq_filter f = {20210000, 0, NULL, 0};
        nq_count_result r;
        assert_int_equal(nq_count(ix, "a", 1, &f, &r, &err), NQ_OK);
        CHECK(r.count == 2 && r.documents == 1, "hand corpus: \"a\" from 2021: %llu in %lld", ULL(r.count),
              (long long)r.documents);
        const char *s1[] = {"S1"};
        nq_filter g = {0, 0, s1, 1};
        assert_int_equal(nq_count(ix, "a a", 3, &g, &r, &err), NQ_OK);
        CHECK(r.count == 5 && r.documents == 1, "hand corpus: \"a a\" in S1: %llu in %lld", ULL(r.count),
              (long long)r.documents);
        /* by year: 2020 (h0), 2021 (h1), undated (h2) */
        nq_slices s;
        assert_int_equal(nq_count_by(ix, "a", 1, NULL, NQ_BY_YEAR, &s, &err), NQ_OK);
        assert_int_equal(s.n_rows, 3);
        assert_string_equal(s.rows[0].label, "2020");
        assert_string_equal(s.rows[1].label, "2021");
        assert_null(s.rows[2].label);
        CHECK(s.rows[0].count == 10 && s.rows[0].documents == 1 && s.rows[0].slice_tokens == 12 &&
                  s.rows[0].slice_documents == 1 && s.rows[1].count == 2 && s.rows[1].slice_tokens == 3 &&
                  s.rows[2].count == 1 && s.rows[2].slice_tokens == 3 && s.rows[2].slice_documents == 1,
              "hand corpus: by year rows");
        nq_slices_free(&s);
        /* by source: S1, S2, none */
        assert_int_equal(nq_count_by(ix, "b*", 2, NULL, NQ_BY_SOURCE, &s, &err), NQ_OK);
        assert_int_equal(s.n_rows, 3);
        assert_string_equal(s.rows[0].label, "S1");
        assert_string_equal(s.rows[1].label, "S2");
        assert_null(s.rows[2].label);
        CHECK(s.rows[0].count == 2 && s.rows[1].count == 1 && s.rows[2].count == 2, "hand corpus: by source rows");
        nq_slices_free(&s);
        /* documents */
        nq_doc_hit *hits;
        size_t n;
        uint64_t total;
        assert_int_equal(nq_docs(ix, "a", 1, NULL, 10, &hits, &n, &total, &err), NQ_OK);
        assert_int_equal(n, 3);
        assert_int_equal(total, 3);
        CHECK(hits[0].doc == 0 && hits[0].count == 10 && hits[1].doc == 1 && hits[1].count == 2 && hits[2].doc == 2 &&
                  hits[2].count == 1,
              "hand corpus: docs of \"a\"");
        free(hits);
        /* concordance: "a b" at h0:6, "b a" at h0:7 and h0:9, in h0's text "a a\n\na a a a! A b a\n\nb a a" */
        nq_kwic_options o;
        nq_kwic_options_init(&o);
        nq_kwic_result k;
        assert_int_equal(nq_kwic(ix, "a b | b a", 9, NULL, &o, &k, &err), NQ_OK);
        assert_int_equal(k.matches, 3);
        assert_int_equal(k.n_lines, 3);
        static const uint32_t pos[] = {6, 7, 9};
        static const char *match[] = {"A b", "b a", "b a"};
        for (size_t i = 0; i < 3; i++) {
            assert_int_equal(k.lines[i].doc, 0);
            assert_int_equal(k.lines[i].position, pos[i]);
            assert_int_equal(k.lines[i].n_tokens, 2);
            assert_string_equal(k.lines[i].match, match[i]);
        }
        assert_string_equal(k.lines[0].left, "a a  a a a a! ");
        assert_string_equal(k.lines[0].right, " a  b a a");
        nq_kwic_result_free(&k);
        nq_index_close(ix);
        remove(out);
    }
    remove(in);
    end_test();
}

static void check_shared(const char *name, const char *tag, const plan *pl, uint64_t seed)
{
    const char *dir = tu_corpus_dir();
    char input[4096];
    snprintf(input, sizeof input, "%s/%s", dir ? dir : "", name);
    FILE *f = dir ? fopen(input, "rb") : NULL;
    if (!f) {
        skip();
        return;
    }
    fclose(f);
    check_corpus_file(input, tag, NULL, 0, pl, seed);
    end_test();
}

static void test_seeds(void **state)
{
    (void)state;
    plan pl = {300, 4, 3, 3};
    check_shared("seeds.jsonl", "seeds", &pl, 1);
}

static void test_orangesum_2017(void **state)
{
    (void)state;
    plan pl = {300, 8, 4, 2};
    check_shared("orangesum/orangesum-2017.jsonl", "orangesum-2017", &pl, 2);
}

/* Seven years of dates: year and month slices over real text. */
static void test_orangesum_2010_2016(void **state)
{
    (void)state;
    plan pl = {150, 6, 4, 2};
    check_shared("orangesum/orangesum-2010-2016.jsonl", "orangesum-2010-2016", &pl, 3);
}

static void test_generated(void **state)
{
    (void)state;
    char path[4096];
    jsonl_tmp_path(path, sizeof path, "expr-gen");
    for (uint64_t seed = 1; seed <= 12; seed++) {
        size_t n_docs = 3 + (size_t)(seed * 37 % 150), n_sources = 3 + seed % 2;
        meta *m = write_corpus(path, seed * 1000003, n_docs, n_sources);
        char tag[64];
        snprintf(tag, sizeof tag, "generated #%llu", ULL(seed));
        plan pl = {100, 3, 2, 3};
        check_corpus_file(path, tag, m, n_docs, &pl, seed * 7919);
        free(m);
    }
    remove(path);
    end_test();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_counted),
        cmocka_unit_test(test_generated),
        cmocka_unit_test(test_seeds),
        cmocka_unit_test(test_orangesum_2017),
        cmocka_unit_test(test_orangesum_2010_2016),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * nq_assoc's contingency counts against a brute force over the tokenizer's
 * output (nq_tokenize_corpus): every token's normal form with its global
 * sentence, paragraph and document numbers. The brute force matches
 * phrases, prefixes and alternatives by scanning positions and counts units
 * and window pairs with plain loops, sharing nothing with the engine's
 * postings or structure. Checked at sentence, paragraph, document and
 * window:1/2/5 scopes, whole corpus and filtered, and --by year slices
 * adding up to a recount per slice.
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

typedef struct tok {
    char *norm;
    uint64_t sent, para, doc;
} tok;

typedef struct corpus {
    tok *t;
    size_t n, cap;
    uint64_t sents, paras, docs;
    uint32_t *doc_date;
    size_t date_cap;
} corpus;

static int on_doc(void *user, const nq_tokenized_doc *d)
{
    corpus *c = user;
    uint32_t last_s = UINT32_MAX, last_p = UINT32_MAX;
    for (size_t i = 0; i < d->n_tokens; i++) {
        if (c->n == c->cap) {
            c->cap = c->cap ? 2 * c->cap : 4096;
            c->t = realloc(c->t, c->cap * sizeof *c->t);
            assert_non_null(c->t);
        }
        const nq_token_view *v = &d->tokens[i];
        if (v->sentence != last_s)
            c->sents++, last_s = v->sentence;
        if (v->paragraph != last_p)
            c->paras++, last_p = v->paragraph;
        tok *t = &c->t[c->n++];
        t->norm = strndup(v->norm, v->norm_len);
        t->sent = c->sents - 1;
        t->para = c->paras - 1;
        t->doc = d->index;
    }
    c->docs = d->index + 1;
    return 0;
}

/* A query: phrases of tokens; a token ending in '*' is a prefix. */
#define MAXP 4
#define MAXT 4
typedef struct query {
    char text[512];
    size_t n_ph, len[MAXP];
    const char *w[MAXP][MAXT];
} query;

static int tok_matches(const char *norm, const char *w)
{
    size_t n = strlen(w);
    if (n && w[n - 1] == '*')
        return strncmp(norm, w, n - 1) == 0;
    return strcmp(norm, w) == 0;
}

/* Start positions of the query, ascending (a position once). */
static size_t starts(const corpus *c, const query *q, const uint8_t *keep_doc, uint64_t *out)
{
    size_t k = 0;
    for (size_t p = 0; p < c->n; p++) {
        if (keep_doc && !keep_doc[c->t[p].doc])
            continue;
        int hit = 0;
        for (size_t f = 0; f < q->n_ph && !hit; f++) {
            size_t L = q->len[f];
            if (p + L > c->n)
                continue;
            int ok = 1;
            for (size_t i = 0; i < L && ok; i++)
                ok = c->t[p + i].sent == c->t[p].sent && tok_matches(c->t[p + i].norm, q->w[f][i]);
            hit = ok;
        }
        if (hit)
            out[k++] = p;
    }
    return k;
}

static uint64_t unit_of(const tok *t, nq_scope_kind kind)
{
    return kind == NQ_SCOPE_SENTENCE ? t->sent : kind == NQ_SCOPE_PARAGRAPH ? t->para : t->doc;
}

static size_t distinct_units(const corpus *c, const uint64_t *s, size_t n, nq_scope_kind kind, uint64_t *u)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t x = unit_of(&c->t[s[i]], kind);
        if (!k || u[k - 1] != x)
            u[k++] = x;
    }
    return k;
}

static uint64_t units_in(const corpus *c, nq_scope_kind kind, const uint8_t *keep_doc)
{
    uint64_t n = 0, last = UINT64_MAX;
    if (kind == NQ_SCOPE_DOCUMENT) {
        for (uint64_t d = 0; d < c->docs; d++)
            n += !keep_doc || keep_doc[d];
        return n;
    }
    for (size_t p = 0; p < c->n; p++) {
        if (keep_doc && !keep_doc[c->t[p].doc])
            continue;
        uint64_t x = kind == NQ_SCOPE_WINDOW ? p : unit_of(&c->t[p], kind);
        n += kind == NQ_SCOPE_WINDOW || x != last;
        last = x;
    }
    return n;
}

static void brute(const corpus *c, const query *a, const query *b, const nq_scope *sc, const uint8_t *keep_doc,
                  nq_assoc_counts *r)
{
    uint64_t *sa = malloc((c->n + 1) * sizeof *sa), *sb = malloc((c->n + 1) * sizeof *sb);
    uint64_t *ua = malloc((c->n + 1) * sizeof *ua), *ub = malloc((c->n + 1) * sizeof *ub);
    assert_true(sa && sb && ua && ub);
    size_t na = starts(c, a, keep_doc, sa), nb = starts(c, b, keep_doc, sb);
    memset(r, 0, sizeof *r);
    r->n = units_in(c, sc->kind, keep_doc);
    if (sc->kind == NQ_SCOPE_WINDOW) {
        r->window = sc->window;
        r->f_a = na;
        r->f_b = nb;
        /* every start of B within the window of each start of A (both lists
         * ascend, so the window's first candidate only moves forward) */
        size_t lo = 0;
        for (size_t i = 0; i < na; i++) {
            uint64_t x = sa[i];
            while (lo < nb && sb[lo] + sc->window < x)
                lo++;
            for (size_t j = lo; j < nb && sb[j] <= x + sc->window; j++) {
                uint64_t y = sb[j];
                r->o11 += x != y && c->t[x].sent == c->t[y].sent;
            }
        }
    } else {
        size_t ka = distinct_units(c, sa, na, sc->kind, ua), kb = distinct_units(c, sb, nb, sc->kind, ub);
        r->f_a = ka;
        r->f_b = kb;
        for (size_t i = 0, j = 0; i < ka && j < kb;) {
            if (ua[i] < ub[j])
                i++;
            else if (ua[i] > ub[j])
                j++;
            else
                r->o11++, i++, j++;
        }
    }
    free(sa);
    free(sb);
    free(ua);
    free(ub);
}

/* A query from a random position: a 1-2 token phrase, sometimes a prefix,
 * sometimes an alternative of two. */
static void random_query(const corpus *c, unsigned *seed, query *q, char store[MAXP][MAXT][64])
{
    memset(q, 0, sizeof *q);
    size_t n_ph = rand_r(seed) % 3 == 0 ? 2 : 1;
    size_t at = 0;
    for (size_t f = 0; f < n_ph; f++) {
        size_t p = (size_t)rand_r(seed) % c->n, L = rand_r(seed) % 3 == 0 ? 2 : 1;
        if (p + L > c->n)
            L = 1;
        q->len[f] = L;
        for (size_t i = 0; i < L; i++) {
            const char *w = c->t[p + i].norm;
            size_t wl = strlen(w);
            int prefix = L == 1 && rand_r(seed) % 5 == 0 && wl > 3 && (unsigned char)w[0] < 0x80 &&
                         (unsigned char)w[1] < 0x80 && (unsigned char)w[2] < 0x80 && w[0] != '\'' && w[1] != '\'';
            snprintf(store[f][i], 64, prefix ? "%.3s*" : "%.60s", w);
            q->w[f][i] = store[f][i];
            at += (size_t)snprintf(q->text + at, sizeof q->text - at, "%s%s", i ? " " : (f ? " | " : ""),
                                   store[f][i]);
        }
    }
    q->n_ph = n_ph;
}

/* Whether the engine reads the query as the tokens intended (elided forms
 * glue to the next word in a query, as in the corpus). */
static int spells(nq_index *ix, const query *q)
{
    (void)ix;
    for (size_t f = 0; f < q->n_ph; f++)
        for (size_t i = 0; i < q->len[f]; i++) {
            const char *w = q->w[f][i];
            size_t n = strlen(w);
            if (n && (w[n - 1] == '\'' || strchr(w, '|')))
                return 0;
        }
    return 1;
}

static void check_pair(nq_index *ix, const corpus *c, const query *a, const query *b, const nq_scope *sc,
                       const nq_filter *f, const uint8_t *keep_doc)
{
    nq_assoc_counts got, want;
    nq_error err;
    nq_status st = nq_assoc(ix, a->text, strlen(a->text), b->text, strlen(b->text), sc, f, &got, &err);
    if (st)
        fail_msg("nq_assoc(\"%s\", \"%s\"): %s", a->text, b->text, err.message);
    brute(c, a, b, sc, keep_doc, &want);
    nq_assoc_counts back;
    assert_int_equal(nq_assoc(ix, b->text, strlen(b->text), a->text, strlen(a->text), sc, f, &back, &err), NQ_OK);
    if (back.o11 != got.o11 || back.f_a != got.f_b || back.f_b != got.f_a)
        fail_msg("\"%s\" / \"%s\" scope %d:%u: not symmetric (O11 %llu one way, %llu the other)", a->text, b->text,
                 sc->kind, sc->window, (unsigned long long)got.o11, (unsigned long long)back.o11);
    if (got.o11 != want.o11 || got.f_a != want.f_a || got.f_b != want.f_b || got.n != want.n)
        fail_msg("\"%s\" / \"%s\" scope %d:%u: engine O11 %llu f_a %llu f_b %llu N %llu, brute force %llu %llu %llu %llu",
                 a->text, b->text, sc->kind, sc->window, (unsigned long long)got.o11, (unsigned long long)got.f_a,
                 (unsigned long long)got.f_b, (unsigned long long)got.n, (unsigned long long)want.o11,
                 (unsigned long long)want.f_a, (unsigned long long)want.f_b, (unsigned long long)want.n);
}

static void check_corpus(const char *path, int pairs)
{
    corpus c = {0};
    nq_build_options opt;
    nq_build_options_init(&opt);
    opt.threads = 2;
    nq_error err;
    const char *inputs[] = {path};
    assert_int_equal(nq_tokenize_corpus(inputs, 1, &opt, on_doc, &c, &err), NQ_OK);
    assert_true(c.n > 10);
    char index[700];
    tu_tmp_path(index, sizeof index, "cooc.nq");
    assert_int_equal(nq_build(inputs, 1, index, &opt, NULL, &err), NQ_OK);
    nq_index *ix;
    assert_int_equal(nq_index_open(index, &ix, &err), NQ_OK);
    /* the documents the filter keeps: those dated in the second half of the range */
    nq_index_info info;
    nq_index_get_info(ix, &info);
    uint8_t *keep = calloc(c.docs ? c.docs : 1, 1);
    assert_non_null(keep);
    nq_filter f = {info.date_min + (info.date_max - info.date_min) / 2, 0, NULL, 0};
    for (uint64_t d = 0; d < c.docs; d++) {
        nq_doc_info di;
        assert_int_equal(nq_index_doc(ix, d, &di, &err), NQ_OK);
        keep[d] = di.date && di.date >= f.date_from;
    }
    static const nq_scope scopes[] = {{NQ_SCOPE_SENTENCE, 0}, {NQ_SCOPE_PARAGRAPH, 0}, {NQ_SCOPE_DOCUMENT, 0},
                                      {NQ_SCOPE_WINDOW, 1},   {NQ_SCOPE_WINDOW, 2},    {NQ_SCOPE_WINDOW, 5}};
    unsigned seed = 7;
    int checked = 0;
    for (int i = 0; i < pairs; i++) {
        query a, b;
        char sa[MAXP][MAXT][64], sb[MAXP][MAXT][64];
        random_query(&c, &seed, &a, sa);
        if (i % 7 == 0)
            b = a; /* an expression with itself: window pairs exclude i == j */
        else
            random_query(&c, &seed, &b, sb);
        if (!spells(ix, &a) || !spells(ix, &b))
            continue;
        for (size_t s = 0; s < sizeof scopes / sizeof *scopes; s++) {
            check_pair(ix, &c, &a, &b, &scopes[s], NULL, NULL);
            if (info.date_max > info.date_min)
                check_pair(ix, &c, &a, &b, &scopes[s], &f, keep);
        }
        checked++;
    }
    assert_true(checked > pairs / 2);
    free(keep);
    nq_index_close(ix);
    remove(index);
    for (size_t i = 0; i < c.n; i++)
        free(c.t[i].norm);
    free(c.t);
}

static void test_seeds(void **state)
{
    (void)state;
    const char *dir = tu_corpus_dir();
    if (!dir)
        skip();
    char path[600];
    snprintf(path, sizeof path, "%s/seeds.jsonl", dir);
    check_corpus(path, 60);
}

static void test_orangesum_2017(void **state)
{
    (void)state;
    const char *dir = tu_corpus_dir();
    if (!dir)
        skip();
    char path[600];
    snprintf(path, sizeof path, "%s/orangesum/orangesum-2017.jsonl", dir);
    FILE *f = fopen(path, "rb");
    if (!f)
        skip();
    fclose(f);
    check_corpus(path, 16);
}

static void test_demo(void **state)
{
    (void)state;
    const char *src = getenv("NQ_SOURCE_DIR");
    char path[600];
    snprintf(path, sizeof path, "%s/data/demo/articles.jsonl", src ? src : "..");
    check_corpus(path, 120);
}

static int same_counts(const nq_assoc_counts *x, const nq_assoc_counts *y)
{
    return x->o11 == y->o11 && x->f_a == y->f_a && x->f_b == y->f_b && x->n == y->n && x->window == y->window;
}

/* collocates: each row's counts are nq_assoc's for (A, term) (itself
 * checked against the brute force above), rows are in score order, and no
 * term left out beats the last row. */
static void check_collocates(nq_index *ix, const char *a, const nq_scope *scope, nq_measure m, uint64_t min_count)
{
    nq_colloc_options o;
    nq_colloc_options_init(&o);
    o.scope = *scope;
    o.measure = m;
    o.k = 15;
    o.min_count = min_count;
    o.stopwords = "none";
    nq_colloc_result r;
    nq_error err;
    assert_int_equal(nq_collocates(ix, a, strlen(a), NULL, &o, &r, &err), NQ_OK);
    for (size_t i = 0; i < r.n_rows; i++) {
        nq_assoc_counts c;
        assert_int_equal(nq_assoc(ix, a, strlen(a), r.rows[i].term, strlen(r.rows[i].term), scope, NULL, &c, &err),
                         NQ_OK);
        if (!same_counts(&c, &r.rows[i].counts))
            fail_msg("collocates(%s) row %s: O11 %llu f_b %llu, assoc says %llu %llu", a, r.rows[i].term,
                     (unsigned long long)r.rows[i].counts.o11, (unsigned long long)r.rows[i].counts.f_b,
                     (unsigned long long)c.o11, (unsigned long long)c.f_b);
        assert_true(c.o11 >= min_count);
        if (i > 0 && r.rows[i - 1].defined && r.rows[i].defined)
            assert_true(r.rows[i - 1].score >= r.rows[i].score);
    }
    nq_colloc_result_free(&r);
}

static void test_collocates_and_rank(void **state)
{
    (void)state;
    const char *src = getenv("NQ_SOURCE_DIR");
    char corpus_path[600], actors[600], topics[600], index[700];
    snprintf(corpus_path, sizeof corpus_path, "%s/data/demo/articles.jsonl", src ? src : "..");
    snprintf(actors, sizeof actors, "%s/data/lexicons/actors-fr.tsv", src ? src : "..");
    snprintf(topics, sizeof topics, "%s/data/lexicons/topics-fr.tsv", src ? src : "..");
    tu_tmp_path(index, sizeof index, "rank.nq");
    nq_build_options opt;
    nq_build_options_init(&opt);
    nq_error err;
    const char *inputs[] = {corpus_path};
    assert_int_equal(nq_build(inputs, 1, index, &opt, NULL, &err), NQ_OK);
    nq_index *ix;
    assert_int_equal(nq_index_open(index, &ix, &err), NQ_OK);
    static const nq_scope scopes[] = {{NQ_SCOPE_SENTENCE, 0}, {NQ_SCOPE_DOCUMENT, 0}, {NQ_SCOPE_WINDOW, 5}};
    static const char *exprs[] = {"souveraineté", "open source", "mistral ai | openai", "souverain*"};
    for (size_t s = 0; s < 3; s++)
        for (size_t e = 0; e < 4; e++)
            check_collocates(ix, exprs[e], &scopes[s], s == 2 ? NQ_M_LOGDICE : NQ_M_LLR, 2);
    /* single words at window:5 and min-count 3 come from the matrix: the
     * same rows as the postings give (a filter keeping every document
     * takes the postings path) */
    static const char *words[] = {"souveraineté", "ia", "mistral", "européenne", "de"};
    nq_index_info info;
    nq_index_get_info(ix, &info);
    nq_filter all_docs = {1, 0, NULL, 0};
    assert_int_equal(info.dated_documents, info.documents);
    for (size_t w = 0; w < 5; w++) {
        check_collocates(ix, words[w], &scopes[2], NQ_M_LOGDICE, 3);
        nq_colloc_options o;
        nq_colloc_options_init(&o);
        o.k = 40;
        o.stopwords = "none";
        nq_colloc_result fast, slow;
        assert_int_equal(nq_collocates(ix, words[w], strlen(words[w]), NULL, &o, &fast, &err), NQ_OK);
        assert_int_equal(nq_collocates(ix, words[w], strlen(words[w]), &all_docs, &o, &slow, &err), NQ_OK);
        assert_int_equal(fast.n_rows, slow.n_rows);
        for (size_t i = 0; i < fast.n_rows; i++) {
            assert_string_equal(fast.rows[i].term, slow.rows[i].term);
            assert_true(same_counts(&fast.rows[i].counts, &slow.rows[i].counts));
        }
        nq_colloc_result_free(&fast);
        nq_colloc_result_free(&slow);
    }

    nq_lexfile la, lt;
    assert_int_equal(nq_lexfile_load(actors, &la, &err), NQ_OK);
    assert_int_equal(nq_lexfile_load(topics, &lt, &err), NQ_OK);
    const char **al = calloc(la.n, sizeof *al), **ae = calloc(la.n, sizeof *ae);
    const char **tl = calloc(lt.n, sizeof *tl), **te = calloc(lt.n, sizeof *te);
    assert_true(al && ae && tl && te);
    for (size_t i = 0; i < la.n; i++)
        al[i] = la.entries[i].label, ae[i] = la.entries[i].expr;
    for (size_t i = 0; i < lt.n; i++)
        tl[i] = lt.entries[i].label, te[i] = lt.entries[i].expr;
    nq_rank_options ro;
    nq_rank_options_init(&ro);
    ro.min_count = 1;
    nq_rank_result rr;
    assert_int_equal(nq_rank(ix, al, ae, la.n, tl, te, lt.n, NULL, &ro, &rr, &err), NQ_OK);
    assert_true(rr.n_rows > 5);
    for (size_t i = 0; i < rr.n_rows; i++) {
        const nq_rank_row *row = &rr.rows[i];
        nq_assoc_counts c;
        assert_int_equal(nq_assoc(ix, ae[row->actor], strlen(ae[row->actor]), te[row->topic], strlen(te[row->topic]),
                                  &ro.scope, NULL, &c, &err), NQ_OK);
        assert_true(same_counts(&c, &row->counts));
        assert_true(same_counts(&c, &rr.cells[row->actor * lt.n + row->topic]));
        int defined;
        assert_true((double)c.o11 > nq_assoc_expected(&c, &defined) && defined);
        if (i > 0 && rr.rows[i - 1].defined && row->defined) {
            const nq_rank_row *p = &rr.rows[i - 1];
            assert_true(p->score > row->score ||
                        (p->score == row->score && (strcmp(al[p->actor], al[row->actor]) < 0 ||
                                                    (p->actor == row->actor && strcmp(tl[p->topic], tl[row->topic]) < 0))));
        }
    }
    nq_rank_result_free(&rr);
    free(al), free(ae), free(tl), free(te);
    nq_lexfile_free(&la);
    nq_lexfile_free(&lt);
    nq_index_close(ix);
    remove(index);
}

static void test_parse_scope(void **state)
{
    (void)state;
    nq_scope s;
    nq_error err;
    assert_int_equal(nq_parse_scope("sentence", &s, &err), NQ_OK);
    assert_int_equal(s.kind, NQ_SCOPE_SENTENCE);
    assert_int_equal(nq_parse_scope("window:7", &s, &err), NQ_OK);
    assert_int_equal(s.kind, NQ_SCOPE_WINDOW);
    assert_int_equal(s.window, 7);
    static const char *bad[] = {"window:0", "window:", "window:x", "window:1001", "phrase", "window:05", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(nq_parse_scope(bad[i], &s, &err), NQ_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_scope),
        cmocka_unit_test(test_demo),
        cmocka_unit_test(test_seeds),
        cmocka_unit_test(test_orangesum_2017),
        cmocka_unit_test(test_collocates_and_rank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

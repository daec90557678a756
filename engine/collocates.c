/*
 * nq_collocates: every term's co-occurrence with an expression. The words
 * around the expression's matches come from the token sequence, rebuilt
 * from the postings; each term's own frequency at the scope (occurrences,
 * or units that contain it) from one pass over the kept documents.
 */
#include <stdlib.h>
#include <string.h>

#include "cooc.h"
#include "error.h"
#include "forward.h"
#include "stopwords.h"
#include "structure.h"
#include "vec.h"

void nq_colloc_options_init(nq_colloc_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->scope.kind = NQ_SCOPE_WINDOW;
    opt->scope.window = 5;
    opt->measure = NQ_M_LOGDICE;
    opt->k = 20;
    opt->min_count = 3;
    opt->stopwords = "fr";
}

void nq_colloc_result_free(nq_colloc_result *r)
{
    for (size_t i = 0; i < r->n_rows; i++)
        free(r->rows[i].term);
    free(r->rows);
    memset(r, 0, sizeof *r);
}

typedef struct tally {
    uint64_t *o11;     /* by term: with the expression */
    uint64_t *f;       /* by term: occurrences, or units containing it */
    uint64_t *last;    /* by term: the last unit counted (set scopes) */
} tally;

static void tally_free(tally *t)
{
    free(t->o11);
    free(t->f);
    free(t->last);
}

/* O11 at window:k: the terms at distance 1..k in the same sentence. */
static void window_o11(const nq_index *ix, const nq_matches *m, const uint32_t *stream, uint32_t k, uint64_t *o11)
{
    uint64_t N = ix->strc.tokens;
    for (size_t i = 0; i < m->n; i++) {
        uint64_t p = m->start[i], lo = p > k ? p - k : 0, hi = p + k < N ? p + k : N - 1;
        for (uint64_t j = lo; j <= hi; j++)
            if (j != p && !nq_bitrank_any(&ix->strc.sent, j < p ? j : p, j < p ? p : j))
                o11[stream[j]]++;
    }
}

/* The first position of unit u at a set scope, and one past its last. */
static void unit_span(const nq_index *ix, nq_scope_kind kind, uint64_t p, uint64_t *a, uint64_t *b)
{
    const nq_bitrank *br = kind == NQ_SCOPE_SENTENCE ? &ix->strc.sent : &ix->strc.para;
    uint64_t N = ix->strc.tokens;
    if (kind == NQ_SCOPE_DOCUMENT) {
        uint64_t d = nq_structure_doc_of(&ix->strc, p);
        *a = nq_doc_start(&ix->strc, d);
        *b = nq_doc_start(&ix->strc, d + 1);
        return;
    }
    uint64_t s = p;
    while (!nq_bitrank_get(br, s))
        s--;
    uint64_t e = p + 1;
    while (e < N && !nq_bitrank_get(br, e))
        e++;
    *a = s;
    *b = e;
}

/* O11 at a set scope: each unit holding a match adds 1 to every distinct
 * term in it. */
static void set_o11(const nq_index *ix, const nq_matches *m, const uint32_t *stream, nq_scope_kind kind, tally *t)
{
    uint64_t prev_end = 0;
    for (size_t i = 0; i < m->n; i++) {
        if (m->start[i] < prev_end)
            continue; /* the same unit as the match before */
        uint64_t a, b;
        unit_span(ix, kind, m->start[i], &a, &b);
        for (uint64_t j = a; j < b; j++)
            if (t->last[stream[j]] != a + 1) {
                t->last[stream[j]] = a + 1;
                t->o11[stream[j]]++;
            }
        prev_end = b;
    }
}

/* Each term's frequency at the scope in the kept documents. */
static void term_freqs(const nq_index *ix, const nq_subcorpus *sc, const uint32_t *stream, nq_scope_kind kind,
                       tally *t)
{
    memset(t->last, 0, ix->lex.n_terms * sizeof *t->last);
    for (uint64_t d = 0; d < ix->strc.docs; d++) {
        if (!nq_subcorpus_has(sc, d))
            continue;
        uint64_t a = nq_doc_start(&ix->strc, d), b = nq_doc_start(&ix->strc, d + 1), unit = 0;
        for (uint64_t p = a; p < b; p++) {
            if (kind == NQ_SCOPE_WINDOW) {
                t->f[stream[p]]++;
                continue;
            }
            const nq_bitrank *br = kind == NQ_SCOPE_SENTENCE ? &ix->strc.sent : &ix->strc.para;
            if (kind == NQ_SCOPE_DOCUMENT ? p == a : nq_bitrank_get(br, p))
                unit = p + 1;
            if (t->last[stream[p]] != unit) {
                t->last[stream[p]] = unit;
                t->f[stream[p]]++;
            }
        }
    }
}

typedef struct cand {
    uint32_t term;
    int defined;
    double score;
    nq_assoc_counts counts;
} cand;

static int cand_before(const cand *x, const cand *y)
{
    if (x->defined != y->defined)
        return x->defined > y->defined;
    if (x->defined && x->score != y->score)
        return x->score > y->score;
    return x->term < y->term; /* ids are in byte order */
}

static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    return cand_before(x, y) ? -1 : cand_before(y, x) ? 1 : 0;
}

static nq_status load_stopwords(const char *spec, nq_stopwords **out, nq_error *err)
{
    *out = NULL;
    if (!spec || !strcmp(spec, "none"))
        return NQ_OK;
    if (!strcmp(spec, "fr"))
        return nq_stopwords_builtin_fr(out, err);
    return nq_stopwords_load(spec, out, err);
}

/* One candidate from its counts, when it passes the thresholds. */
static nq_status consider(const nq_index *ix, uint32_t b, const nq_assoc_counts *k, const nq_colloc_options *opt,
                          const nq_stopwords *stop, cand **c, size_t *cap, size_t *used, nq_error *err)
{
    char term[1024];
    if (!k->o11 || k->o11 < opt->min_count)
        return NQ_OK;
    int defined;
    double e11 = nq_assoc_expected(k, &defined);
    if (!opt->all && !(defined && (double)k->o11 > e11))
        return NQ_OK;
    /* the word itself last: spelling it out is the dearest test */
    size_t len = nq_lexicon_term(&ix->lex, b, term, sizeof term);
    if (stop && nq_stopwords_has(stop, term, len < sizeof term ? len : sizeof term - 1))
        return NQ_OK;
    if (NQ_RESERVE(*c, *cap, *used + 1))
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    cand *x = &(*c)[(*used)++];
    x->term = b;
    x->counts = *k;
    x->defined = nq_measure_value(k, opt->measure, &x->score);
    return NQ_OK;
}

/* The candidates that pass the thresholds, scored. */
static nq_status score_terms(const nq_index *ix, const tally *t, const nq_assoc_counts *base,
                             const nq_colloc_options *opt, const nq_stopwords *stop, cand **out, size_t *n,
                             nq_error *err)
{
    size_t cap = 0, used = 0;
    cand *c = NULL;
    nq_status st = NQ_OK;
    for (uint32_t b = 0; b < ix->lex.n_terms && !st; b++) {
        nq_assoc_counts k = *base;
        k.o11 = t->o11[b];
        k.f_b = t->f[b];
        st = consider(ix, b, &k, opt, stop, &c, &cap, &used, err);
    }
    if (st) {
        free(c);
        return st;
    }
    if (used)
        qsort(c, used, sizeof *c, cand_cmp);
    *out = c;
    *n = used;
    return NQ_OK;
}

static nq_status fill_rows(const nq_index *ix, const cand *c, size_t n, size_t k, nq_colloc_result *out,
                           nq_error *err)
{
    size_t rows = n < k ? n : k;
    out->rows = calloc(rows ? rows : 1, sizeof *out->rows);
    if (!out->rows)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < rows; i++) {
        char probe[1];
        size_t len = nq_lexicon_term(&ix->lex, c[i].term, probe, sizeof probe);
        nq_colloc_row *r = &out->rows[i];
        if (!(r->term = malloc(len + 1)))
            return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
        nq_lexicon_term(&ix->lex, c[i].term, r->term, len + 1);
        r->counts = c[i].counts;
        r->defined = c[i].defined;
        r->score = c[i].score;
        out->n_rows = i + 1;
    }
    return NQ_OK;
}

static nq_status tally_init(tally *t, uint64_t n_terms, nq_error *err)
{
    size_t n = n_terms ? n_terms : 1;
    t->o11 = calloc(n, sizeof *t->o11);
    t->f = calloc(n, sizeof *t->f);
    t->last = calloc(n, sizeof *t->last);
    if (!t->o11 || !t->f || !t->last)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    return NQ_OK;
}

/* The matrix answers a single word's window collocates, whole corpus, when
 * it was built for that window and keeps every pair the threshold lets in:
 * the same counts as the postings give, as a row read. */
static int matrix_term(nq_index *ix, const char *expr, size_t len, const nq_filter *filter,
                       const nq_colloc_options *opt, uint32_t *term)
{
    if (!ix->has_cooc || nq_filter_active(filter) || opt->scope.kind != NQ_SCOPE_WINDOW ||
        nq_index_need(ix, NQ_PART_COOC, NULL) || nq_cooc_window(&ix->cooc) != opt->scope.window ||
        opt->min_count < nq_cooc_min_count(&ix->cooc))
        return 0;
    nq_expr e;
    if (nq_expr_parse(ix, expr, len, &e, NULL))
        return 0;
    size_t n = nq_expr_simple(&e, term, 1);
    nq_expr_free(&e);
    return n == 1;
}

/* The candidates of a matrix row: only the stored neighbours are visited. */
static nq_status matrix_candidates(const nq_index *ix, uint32_t a, const nq_colloc_options *opt,
                                   const nq_stopwords *stop, cand **c, size_t *n, nq_error *err)
{
    nq_cooc_iter it;
    nq_assoc_counts k = {0, nq_packed_get(&ix->lex.cf, a), 0, ix->meta[NQ_META_TOKENS], opt->scope.window};
    size_t cap = 0, used = 0;
    uint32_t b;
    uint64_t count;
    int r = nq_cooc_row(&ix->cooc, a, &it) ? -1 : 1;
    nq_status st = NQ_OK;
    while (r == 1 && !st && (r = nq_cooc_next(&it, &b, &count)) == 1) {
        if (b >= ix->lex.n_terms)
            continue;
        k.o11 = count;
        k.f_b = nq_packed_get(&ix->lex.cf, b);
        st = consider(ix, b, &k, opt, stop, c, &cap, &used, err);
    }
    if (!st && r < 0)
        st = nq_fail(err, NQ_ERR_CORRUPT, "%s: co-occurrence row of term %u does not decode", ix->path, a);
    if (!st && used)
        qsort(*c, used, sizeof **c, cand_cmp);
    *n = used;
    return st;
}

static nq_status collocates_from_matrix(nq_index *ix, uint32_t a, const nq_colloc_options *opt,
                                        nq_colloc_result *out, nq_error *err)
{
    nq_stopwords *stop = NULL;
    cand *c = NULL;
    size_t n = 0;
    nq_status st = load_stopwords(opt->stopwords, &stop, err);
    if (!st)
        st = matrix_candidates(ix, a, opt, stop, &c, &n, err);
    if (!st)
        st = fill_rows(ix, c, n, opt->k, out, err);
    free(c);
    nq_stopwords_free(stop);
    if (st)
        nq_colloc_result_free(out);
    return st;
}

nq_status nq_collocates(nq_index *ix, const char *expr, size_t len, const nq_filter *filter,
                        const nq_colloc_options *opt, nq_colloc_result *out, nq_error *err)
{
    memset(out, 0, sizeof *out);
    if ((unsigned)opt->measure >= NQ_M_COUNT)
        return nq_fail(err, NQ_ERR_ARG, "unknown measure %d", (int)opt->measure);
    nq_status st = nq_scope_check(ix, &opt->scope, err);
    if (st)
        return st;
    uint32_t term;
    if (matrix_term(ix, expr, len, filter, opt, &term))
        return collocates_from_matrix(ix, term, opt, out, err);
    nq_subcorpus sc;
    nq_side a = {0};
    tally t = {0};
    uint32_t *stream = NULL;
    nq_stopwords *stop = NULL;
    cand *c = NULL;
    size_t n = 0;
    st = nq_subcorpus_init(ix, filter, &sc, err);
    if (st)
        return st;
    st = load_stopwords(opt->stopwords, &stop, err);
    if (!st)
        st = nq_side_of(ix, expr, len, &sc, &opt->scope, &a, err);
    if (!st)
        st = nq_forward_build(ix, &stream, err);
    if (!st)
        st = tally_init(&t, ix->lex.n_terms, err);
    if (!st) {
        if (opt->scope.kind == NQ_SCOPE_WINDOW)
            window_o11(ix, &a.m, stream, opt->scope.window, t.o11);
        else
            set_o11(ix, &a.m, stream, opt->scope.kind, &t);
        term_freqs(ix, &sc, stream, opt->scope.kind, &t);
        nq_assoc_counts base = {0, opt->scope.kind == NQ_SCOPE_WINDOW ? a.m.n : a.u.n, 0,
                                nq_scope_units(ix, &sc, opt->scope.kind), opt->scope.window};
        st = score_terms(ix, &t, &base, opt, stop, &c, &n, err);
    }
    if (!st)
        st = fill_rows(ix, c, n, opt->k, out, err);
    free(c);
    free(stream);
    tally_free(&t);
    nq_side_free(&a);
    nq_stopwords_free(stop);
    nq_subcorpus_free(&sc);
    if (st)
        nq_colloc_result_free(out);
    return st;
}

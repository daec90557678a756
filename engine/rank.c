/* nq_rank: every actor x topic pair counted, scored and ranked. */
#include <stdlib.h>
#include <string.h>

#include "cooc.h"
#include "error.h"
#include "structure.h"
#include "vec.h"

void nq_rank_options_init(nq_rank_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->scope.kind = NQ_SCOPE_SENTENCE;
    opt->measure = NQ_M_LLR;
    opt->min_count = 3;
}

void nq_rank_result_free(nq_rank_result *r)
{
    free(r->rows);
    free(r->cells);
    nq_slices_free(&r->slices);
    memset(r, 0, sizeof *r);
}

typedef struct ranker {
    const char *const *actor_labels, *const *topic_labels;
    size_t n_actors, n_topics;
} ranker;

/* Slice, then score descending with undefined scores last, then labels
 * (byte order): a total order, so the ranking is deterministic. */
static int row_before(const ranker *k, const nq_rank_row *x, const nq_rank_row *y)
{
    if (x->slice != y->slice)
        return x->slice < y->slice;
    if (x->defined != y->defined)
        return x->defined > y->defined;
    if (x->defined && x->score != y->score)
        return x->score > y->score;
    int c = strcmp(k->actor_labels[x->actor], k->actor_labels[y->actor]);
    if (c)
        return c < 0;
    c = strcmp(k->topic_labels[x->topic], k->topic_labels[y->topic]);
    return c ? c < 0 : x->topic < y->topic;
}

/* Merge sort: qsort's comparison has no context for the labels. */
static void sort_rows(const ranker *k, nq_rank_row *r, nq_rank_row *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    sort_rows(k, r, tmp, h);
    sort_rows(k, r + h, tmp, n - h);
    size_t i = 0, j = h, o = 0;
    while (i < h || j < n)
        tmp[o++] = j == n || (i < h && !row_before(k, &r[j], &r[i])) ? r[i++] : r[j++];
    memcpy(r, tmp, n * sizeof *r);
}

/* Keeps a pair when it passes the thresholds. */
static int keep_pair(const nq_rank_options *opt, const nq_assoc_counts *c)
{
    if (c->o11 < opt->min_count)
        return 0;
    if (opt->all)
        return 1;
    int defined;
    double e11 = nq_assoc_expected(c, &defined);
    return defined && (double)c->o11 > e11;
}

static nq_status add_row(nq_rank_result *out, size_t *cap, size_t a, size_t t, size_t slice, const nq_assoc_counts *c,
                         const nq_rank_options *opt, nq_error *err)
{
    if (!keep_pair(opt, c))
        return NQ_OK;
    if (NQ_RESERVE(out->rows, *cap, out->n_rows + 1))
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    nq_rank_row *r = &out->rows[out->n_rows++];
    memset(r, 0, sizeof *r);
    r->actor = a;
    r->topic = t;
    r->slice = slice;
    r->counts = *c;
    r->defined = nq_measure_value(c, opt->measure, &r->score);
    return NQ_OK;
}

/* All pairs within one (sub-)corpus given by its sides. */
static nq_status rank_pairs(const nq_index *ix, const nq_side *as, size_t na, const nq_side *ts, size_t nt,
                            const nq_scope *scope, uint64_t n, size_t slice, const nq_rank_options *opt,
                            nq_rank_result *out, size_t *cap, nq_assoc_counts *cells, nq_error *err)
{
    nq_status st = NQ_OK;
    for (size_t a = 0; a < na && !st; a++)
        for (size_t t = 0; t < nt && !st; t++) {
            nq_assoc_counts c;
            nq_side_counts(ix, &as[a], &ts[t], scope, n, &c);
            if (cells)
                cells[a * nt + t] = c;
            st = add_row(out, cap, a, t, slice, &c, opt, err);
        }
    return st;
}

static void free_sides(nq_side *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        nq_side_free(&s[i]);
    free(s);
}

static nq_status sides_of(nq_index *ix, const char *const *exprs, size_t n, const nq_subcorpus *sc,
                          const nq_scope *scope, nq_side **out, nq_error *err)
{
    nq_side *s = calloc(n ? n : 1, sizeof *s);
    if (!s)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    nq_status st = NQ_OK;
    for (size_t i = 0; i < n && !st; i++)
        st = nq_side_of(ix, exprs[i], strlen(exprs[i]), sc, scope, &s[i], err);
    if (st) {
        free_sides(s, n);
        return st;
    }
    *out = s;
    return NQ_OK;
}

static nq_status sides_in_slice(const nq_index *ix, const nq_side *all, size_t n, const uint32_t *doc_slice,
                                uint32_t k, const nq_scope *scope, nq_side **out, nq_error *err)
{
    nq_side *s = calloc(n ? n : 1, sizeof *s);
    if (!s)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    nq_status st = NQ_OK;
    for (size_t i = 0; i < n && !st; i++)
        st = nq_side_in_slice(ix, &all[i], doc_slice, k, scope, &s[i], err);
    if (st) {
        free_sides(s, n);
        return st;
    }
    *out = s;
    return NQ_OK;
}

/* One ranking per slice, each slice a sub-corpus. */
static nq_status rank_slices(nq_index *ix, const nq_side *as, size_t na, const nq_side *ts, size_t nt,
                             const nq_subcorpus *sc, const nq_rank_options *opt, nq_rank_result *out, size_t *cap,
                             nq_error *err)
{
    uint32_t *doc_slice = malloc((ix->strc.docs ? ix->strc.docs : 1) * sizeof *doc_slice);
    nq_subcorpus one = {ix->strc.docs, malloc(ix->strc.docs ? ix->strc.docs : 1)};
    nq_status st = doc_slice && one.keep ? nq_slices_make(ix, sc, opt->by, doc_slice, &out->slices, err)
                                         : nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    for (size_t k = 0; !st && k < out->slices.n_rows; k++) {
        for (uint64_t d = 0; d < ix->strc.docs; d++)
            one.keep[d] = doc_slice[d] == k;
        nq_side *a = NULL, *t = NULL;
        st = sides_in_slice(ix, as, na, doc_slice, (uint32_t)k, &opt->scope, &a, err);
        if (!st)
            st = sides_in_slice(ix, ts, nt, doc_slice, (uint32_t)k, &opt->scope, &t, err);
        if (!st)
            st = rank_pairs(ix, a, na, t, nt, &opt->scope, nq_scope_units(ix, &one, opt->scope.kind), k, opt, out, cap,
                            k == 0 ? out->cells : NULL, err);
        free_sides(a, na);
        free_sides(t, nt);
    }
    free(doc_slice);
    free(one.keep);
    return st;
}

nq_status nq_rank(nq_index *ix, const char *const *actor_labels, const char *const *actor_exprs, size_t n_actors,
                  const char *const *topic_labels, const char *const *topic_exprs, size_t n_topics,
                  const nq_filter *filter, const nq_rank_options *opt, nq_rank_result *out, nq_error *err)
{
    memset(out, 0, sizeof *out);
    nq_status st = nq_scope_check(ix, &opt->scope, err);
    if (!st && (unsigned)opt->measure >= NQ_M_COUNT)
        st = nq_fail(err, NQ_ERR_ARG, "unknown measure %d", (int)opt->measure);
    if (!st)
        st = nq_index_need(ix, NQ_PART_POSITIONS | NQ_PART_DOCS, err);
    if (st)
        return st;
    nq_subcorpus sc;
    nq_side *as = NULL, *ts = NULL;
    size_t cap = 0;
    st = nq_subcorpus_init(ix, filter, &sc, err);
    if (st)
        return st;
    size_t n_cells = n_actors * n_topics;
    if (!(out->cells = calloc(n_cells ? n_cells : 1, sizeof *out->cells)))
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    if (!st)
        st = sides_of(ix, actor_exprs, n_actors, &sc, &opt->scope, &as, err);
    if (!st)
        st = sides_of(ix, topic_exprs, n_topics, &sc, &opt->scope, &ts, err);
    if (!st && opt->by)
        st = rank_slices(ix, as, n_actors, ts, n_topics, &sc, opt, out, &cap, err);
    else if (!st)
        st = rank_pairs(ix, as, n_actors, ts, n_topics, &opt->scope, nq_scope_units(ix, &sc, opt->scope.kind), 0, opt,
                        out, &cap, out->cells, err);
    free_sides(as, n_actors);
    free_sides(ts, n_topics);
    nq_subcorpus_free(&sc);
    nq_rank_row *tmp = st ? NULL : malloc((out->n_rows ? out->n_rows : 1) * sizeof *tmp);
    if (!st && !tmp)
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    if (!st) {
        ranker k = {actor_labels, topic_labels, n_actors, n_topics};
        sort_rows(&k, out->rows, tmp, out->n_rows);
    }
    free(tmp);
    if (st)
        nq_rank_result_free(out);
    return st;
}

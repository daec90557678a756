/* nq_assoc: the contingency counts of two expressions, whole or by slice. */
#include <stdlib.h>
#include <string.h>

#include "cooc.h"
#include "error.h"
#include "structure.h"

/* One expression's matches in the sub-corpus, and its units at the scope. */
typedef struct side {
    nq_matches m;
    nq_units u;
} side;

static void side_free(side *s)
{
    nq_matches_free(&s->m);
    nq_units_free(&s->u);
}

static nq_status side_of(nq_index *ix, const char *text, size_t len, const nq_subcorpus *sc, const nq_scope *scope,
                         side *s, nq_error *err)
{
    memset(s, 0, sizeof *s);
    nq_status st = nq_match_filtered(ix, text, len, sc, &s->m, err);
    if (!st && scope->kind != NQ_SCOPE_WINDOW)
        st = nq_units_of(ix, &s->m, scope->kind, &s->u, err);
    if (st)
        side_free(s);
    return st;
}

static void counts_of(const nq_index *ix, const side *a, const side *b, const nq_scope *scope, uint64_t n,
                      nq_assoc_counts *out)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    if (scope->kind == NQ_SCOPE_WINDOW) {
        out->window = scope->window;
        out->f_a = a->m.n;
        out->f_b = b->m.n;
        out->o11 = nq_window_pairs(ix, &a->m, &b->m, scope->window);
    } else {
        out->f_a = a->u.n;
        out->f_b = b->u.n;
        out->o11 = nq_units_common(&a->u, &b->u);
    }
}

static nq_status check_scope(const nq_index *ix, const nq_scope *scope, nq_error *err)
{
    if (!ix->has_positions)
        return nq_fail(err, NQ_ERR_ARG, "this index has no positional postings (built with --no-positions): "
                                        "no co-occurrence");
    if (scope->kind < NQ_SCOPE_SENTENCE || scope->kind > NQ_SCOPE_WINDOW ||
        (scope->kind == NQ_SCOPE_WINDOW) != (scope->window > 0) || scope->window > 1000)
        return nq_fail(err, NQ_ERR_ARG, "a scope is sentence, paragraph, document or window:K (K 1..1000)");
    return NQ_OK;
}

nq_status nq_assoc(nq_index *ix, const char *a, size_t a_len, const char *b, size_t b_len, const nq_scope *scope,
                   const nq_filter *filter, nq_assoc_counts *out, nq_error *err)
{
    memset(out, 0, sizeof *out);
    nq_status st = check_scope(ix, scope, err);
    if (!st)
        st = nq_index_need(ix, NQ_PART_POSITIONS, err);
    if (st)
        return st;
    nq_subcorpus sc;
    side sa = {0}, sb = {0};
    st = nq_subcorpus_init(ix, filter, &sc, err);
    if (!st)
        st = side_of(ix, a, a_len, &sc, scope, &sa, err);
    if (!st)
        st = side_of(ix, b, b_len, &sc, scope, &sb, err);
    if (!st)
        counts_of(ix, &sa, &sb, scope, nq_scope_units(ix, &sc, scope->kind), out);
    side_free(&sa);
    side_free(&sb);
    nq_subcorpus_free(&sc);
    return st;
}

/* The part of s inside slice k (documents whose doc_slice is k). */
static nq_status side_in_slice(const nq_index *ix, const side *s, const uint32_t *doc_slice, uint32_t k,
                               const nq_scope *scope, side *out, nq_error *err)
{
    memset(out, 0, sizeof *out);
    out->m.start = malloc((s->m.n ? s->m.n : 1) * sizeof *out->m.start);
    out->m.len = malloc((s->m.n ? s->m.n : 1) * sizeof *out->m.len);
    if (!out->m.start || !out->m.len) {
        side_free(out);
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    }
    uint64_t d = 0;
    for (size_t i = 0; i < s->m.n; i++) {
        d = nq_structure_doc_from(&ix->strc, d, s->m.start[i]);
        if (doc_slice[d] == k) {
            out->m.start[out->m.n] = s->m.start[i];
            out->m.len[out->m.n++] = s->m.len[i];
        }
    }
    out->m.cap = out->m.n;
    nq_status st = scope->kind == NQ_SCOPE_WINDOW ? NQ_OK : nq_units_of(ix, &out->m, scope->kind, &out->u, err);
    if (st)
        side_free(out);
    return st;
}

static nq_status slice_counts(nq_index *ix, const side *sa, const side *sb, const uint32_t *doc_slice,
                              const nq_scope *scope, nq_assoc_slices *out, nq_error *err)
{
    nq_subcorpus one = {ix->strc.docs, malloc(ix->strc.docs ? ix->strc.docs : 1)};
    if (!one.keep)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    nq_status st = NQ_OK;
    for (size_t k = 0; k < out->slices.n_rows && !st; k++) {
        for (uint64_t d = 0; d < ix->strc.docs; d++)
            one.keep[d] = doc_slice[d] == k;
        side a, b;
        st = side_in_slice(ix, sa, doc_slice, (uint32_t)k, scope, &a, err);
        if (!st && (st = side_in_slice(ix, sb, doc_slice, (uint32_t)k, scope, &b, err)) != NQ_OK)
            side_free(&a);
        if (st)
            break;
        counts_of(ix, &a, &b, scope, nq_scope_units(ix, &one, scope->kind), &out->counts[k]);
        side_free(&a);
        side_free(&b);
    }
    free(one.keep);
    return st;
}

nq_status nq_assoc_by(nq_index *ix, const char *a, size_t a_len, const char *b, size_t b_len, const nq_scope *scope,
                      const nq_filter *filter, nq_slice_by by, nq_assoc_slices *out, nq_error *err)
{
    memset(out, 0, sizeof *out);
    nq_status st = check_scope(ix, scope, err);
    if (!st)
        st = nq_index_need(ix, NQ_PART_POSITIONS | NQ_PART_DOCS, err);
    if (st)
        return st;
    nq_subcorpus sc;
    side sa = {0}, sb = {0};
    uint32_t *doc_slice = malloc((ix->strc.docs ? ix->strc.docs : 1) * sizeof *doc_slice);
    st = doc_slice ? nq_subcorpus_init(ix, filter, &sc, err) : nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    if (st)
        memset(&sc, 0, sizeof sc);
    if (!st)
        st = nq_slices_make(ix, &sc, by, doc_slice, &out->slices, err);
    if (!st && !(out->counts = calloc(out->slices.n_rows ? out->slices.n_rows : 1, sizeof *out->counts)))
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    if (!st)
        st = side_of(ix, a, a_len, &sc, scope, &sa, err);
    if (!st)
        st = side_of(ix, b, b_len, &sc, scope, &sb, err);
    if (!st)
        st = slice_counts(ix, &sa, &sb, doc_slice, scope, out, err);
    side_free(&sa);
    side_free(&sb);
    nq_subcorpus_free(&sc);
    free(doc_slice);
    if (st)
        nq_assoc_slices_free(out);
    return st;
}

void nq_assoc_slices_free(nq_assoc_slices *s)
{
    free(s->counts);
    nq_slices_free(&s->slices);
    memset(s, 0, sizeof *s);
}

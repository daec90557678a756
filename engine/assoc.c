/* nq_assoc: the contingency counts of two expressions, whole or by slice. */
#include <stdlib.h>
#include <string.h>

#include "cooc.h"
#include "error.h"
#include "structure.h"

nq_status nq_scope_check(const nq_index *ix, const nq_scope *scope, nq_error *err)
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
    nq_status st = nq_scope_check(ix, scope, err);
    if (!st)
        st = nq_index_need(ix, NQ_PART_POSITIONS, err);
    if (st)
        return st;
    nq_subcorpus sc;
    nq_side sa = {0}, sb = {0};
    st = nq_subcorpus_init(ix, filter, &sc, err);
    if (!st)
        st = nq_side_of(ix, a, a_len, &sc, scope, &sa, err);
    if (!st)
        st = nq_side_of(ix, b, b_len, &sc, scope, &sb, err);
    if (!st)
        nq_side_counts(ix, &sa, &sb, scope, nq_scope_units(ix, &sc, scope->kind), out);
    nq_side_free(&sa);
    nq_side_free(&sb);
    nq_subcorpus_free(&sc);
    return st;
}

static nq_status slice_counts(nq_index *ix, const nq_side *sa, const nq_side *sb, const uint32_t *doc_slice,
                              const nq_scope *scope, nq_assoc_slices *out, nq_error *err)
{
    nq_subcorpus one = {ix->strc.docs, malloc(ix->strc.docs ? ix->strc.docs : 1)};
    if (!one.keep)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    nq_status st = NQ_OK;
    for (size_t k = 0; k < out->slices.n_rows && !st; k++) {
        for (uint64_t d = 0; d < ix->strc.docs; d++)
            one.keep[d] = doc_slice[d] == k;
        nq_side a, b;
        st = nq_side_in_slice(ix, sa, doc_slice, (uint32_t)k, scope, &a, err);
        if (!st && (st = nq_side_in_slice(ix, sb, doc_slice, (uint32_t)k, scope, &b, err)) != NQ_OK)
            nq_side_free(&a);
        if (st)
            break;
        nq_side_counts(ix, &a, &b, scope, nq_scope_units(ix, &one, scope->kind), &out->counts[k]);
        nq_side_free(&a);
        nq_side_free(&b);
    }
    free(one.keep);
    return st;
}

nq_status nq_assoc_by(nq_index *ix, const char *a, size_t a_len, const char *b, size_t b_len, const nq_scope *scope,
                      const nq_filter *filter, nq_slice_by by, nq_assoc_slices *out, nq_error *err)
{
    memset(out, 0, sizeof *out);
    nq_status st = nq_scope_check(ix, scope, err);
    if (!st)
        st = nq_index_need(ix, NQ_PART_POSITIONS | NQ_PART_DOCS, err);
    if (st)
        return st;
    nq_subcorpus sc;
    nq_side sa = {0}, sb = {0};
    uint32_t *doc_slice = malloc((ix->strc.docs ? ix->strc.docs : 1) * sizeof *doc_slice);
    st = doc_slice ? nq_subcorpus_init(ix, filter, &sc, err) : nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    if (st)
        memset(&sc, 0, sizeof sc);
    if (!st)
        st = nq_slices_make(ix, &sc, by, doc_slice, &out->slices, err);
    if (!st && !(out->counts = calloc(out->slices.n_rows ? out->slices.n_rows : 1, sizeof *out->counts)))
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    if (!st)
        st = nq_side_of(ix, a, a_len, &sc, scope, &sa, err);
    if (!st)
        st = nq_side_of(ix, b, b_len, &sc, scope, &sb, err);
    if (!st)
        st = slice_counts(ix, &sa, &sb, doc_slice, scope, out, err);
    nq_side_free(&sa);
    nq_side_free(&sb);
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

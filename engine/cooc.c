#include "cooc.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "structure.h"

nq_status nq_parse_scope(const char *text, nq_scope *out, nq_error *err)
{
    memset(out, 0, sizeof *out);
    if (!strcmp(text, "sentence"))
        out->kind = NQ_SCOPE_SENTENCE;
    else if (!strcmp(text, "paragraph"))
        out->kind = NQ_SCOPE_PARAGRAPH;
    else if (!strcmp(text, "document"))
        out->kind = NQ_SCOPE_DOCUMENT;
    else if (!strncmp(text, "window:", 7)) {
        char *end;
        unsigned long k = strtoul(text + 7, &end, 10);
        if (text[7] < '1' || text[7] > '9' || *end || k > 1000)
            return nq_fail(err, NQ_ERR_ARG, "\"%s\": a window is window:K with K from 1 to 1000", text);
        out->kind = NQ_SCOPE_WINDOW;
        out->window = (uint32_t)k;
    } else {
        return nq_fail(err, NQ_ERR_ARG, "\"%s\": a scope is sentence, paragraph, document or window:K", text);
    }
    return NQ_OK;
}

void nq_units_free(nq_units *u)
{
    free(u->id);
    memset(u, 0, sizeof *u);
}

uint64_t nq_unit_of(const nq_index *ix, nq_scope_kind kind, uint64_t p, uint64_t *doc_cursor)
{
    switch (kind) {
    case NQ_SCOPE_SENTENCE:
        return nq_bitrank_rank(&ix->strc.sent, p + 1) - 1;
    case NQ_SCOPE_PARAGRAPH:
        return nq_bitrank_rank(&ix->strc.para, p + 1) - 1;
    default:
        return *doc_cursor = nq_structure_doc_from(&ix->strc, *doc_cursor, p);
    }
}

nq_status nq_units_of(const nq_index *ix, const nq_matches *m, nq_scope_kind kind, nq_units *out, nq_error *err)
{
    memset(out, 0, sizeof *out);
    out->id = malloc((m->n ? m->n : 1) * sizeof *out->id);
    if (!out->id)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    uint64_t doc = 0;
    for (size_t i = 0; i < m->n; i++) {
        /* starts ascend, so units do too: duplicates are adjacent */
        uint64_t u = nq_unit_of(ix, kind, m->start[i], &doc);
        if (out->n == 0 || out->id[out->n - 1] != u)
            out->id[out->n++] = u;
    }
    return NQ_OK;
}

uint64_t nq_units_common(const nq_units *a, const nq_units *b)
{
    uint64_t common = 0;
    size_t i = 0, j = 0;
    while (i < a->n && j < b->n) {
        if (a->id[i] < b->id[j])
            i++;
        else if (a->id[i] > b->id[j])
            j++;
        else
            common++, i++, j++;
    }
    return common;
}

uint64_t nq_window_pairs(const nq_index *ix, const nq_matches *a, const nq_matches *b, uint32_t k)
{
    uint64_t pairs = 0;
    size_t lo = 0;
    for (size_t i = 0; i < a->n; i++) {
        uint64_t p = a->start[i];
        while (lo < b->n && (uint64_t)b->start[lo] + k < p)
            lo++;
        for (size_t j = lo; j < b->n && b->start[j] <= p + k; j++) {
            uint64_t q = b->start[j];
            if (q == p)
                continue;
            if (!nq_bitrank_any(&ix->strc.sent, q < p ? q : p, q < p ? p : q))
                pairs++;
        }
    }
    return pairs;
}

uint64_t nq_scope_units(const nq_index *ix, const nq_subcorpus *sc, nq_scope_kind kind)
{
    const nq_bitrank *br = kind == NQ_SCOPE_SENTENCE ? &ix->strc.sent : &ix->strc.para;
    if (!sc->keep) {
        if (kind == NQ_SCOPE_DOCUMENT)
            return ix->strc.docs;
        if (kind == NQ_SCOPE_WINDOW)
            return ix->strc.tokens;
        return nq_bitrank_rank(br, ix->strc.tokens);
    }
    uint64_t n = 0;
    for (uint64_t d = 0; d < ix->strc.docs; d++) {
        if (!sc->keep[d])
            continue;
        uint64_t a = nq_doc_start(&ix->strc, d), b = nq_doc_start(&ix->strc, d + 1);
        if (kind == NQ_SCOPE_DOCUMENT)
            n++;
        else if (kind == NQ_SCOPE_WINDOW)
            n += b - a;
        else if (b > a)
            n += nq_bitrank_rank(br, b) - nq_bitrank_rank(br, a);
    }
    return n;
}

/* One expression's matches in the sub-corpus, and its units at the scope. */
void nq_side_free(nq_side *s)
{
    nq_matches_free(&s->m);
    nq_units_free(&s->u);
}

nq_status nq_side_of(nq_index *ix, const char *text, size_t len, const nq_subcorpus *sc, const nq_scope *scope,
                      nq_side *s, nq_error *err)
{
    memset(s, 0, sizeof *s);
    nq_status st = nq_match_filtered(ix, text, len, sc, &s->m, err);
    if (!st && scope->kind != NQ_SCOPE_WINDOW)
        st = nq_units_of(ix, &s->m, scope->kind, &s->u, err);
    if (st)
        nq_side_free(s);
    return st;
}

void nq_side_counts(const nq_index *ix, const nq_side *a, const nq_side *b, const nq_scope *scope, uint64_t n,
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

/* The part of s inside slice k (documents whose doc_slice is k). */
nq_status nq_side_in_slice(const nq_index *ix, const nq_side *s, const uint32_t *doc_slice, uint32_t k,
                           const nq_scope *scope, nq_side *out, nq_error *err)
{
    memset(out, 0, sizeof *out);
    out->m.start = malloc((s->m.n ? s->m.n : 1) * sizeof *out->m.start);
    out->m.len = malloc((s->m.n ? s->m.n : 1) * sizeof *out->m.len);
    if (!out->m.start || !out->m.len) {
        nq_side_free(out);
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
        nq_side_free(out);
    return st;
}


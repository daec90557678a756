/* nq_count_by: an expression's counts per year, month or source, next to
 * each slice's size, so that counts can be compared across slices. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docs_table.h"
#include "error.h"
#include "structure.h"
#include "subcorpus.h"

#define NULL_KEY UINT32_MAX   /* undated, or no source: sorts last */

static uint32_t slice_key(nq_slice_by by, uint32_t date, uint32_t source)
{
    if (by == NQ_BY_SOURCE)
        return source == NQ_NO_SOURCE ? NULL_KEY : source;
    if (!date)
        return NULL_KEY;
    return by == NQ_BY_YEAR ? date / 10000 : date / 100;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static size_t find_key(const uint32_t *keys, size_t n, uint32_t k)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (keys[mid] < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Writes the labels (year, year-month, or source name) and points the rows at them. */
static nq_status label_rows(const nq_index *ix, nq_slice_by by, const uint32_t *keys, nq_slices *out,
                            nq_error *err)
{
    size_t total = 0;
    for (size_t i = 0; i < out->n_rows; i++) {
        const char *name;
        size_t len = 8;
        uint64_t docs;
        if (by == NQ_BY_SOURCE && keys[i] != NULL_KEY)
            nq_index_source(ix, keys[i], &name, &len, &docs, NULL);
        total += len + 1;
    }
    out->labels = malloc(total ? total : 1);
    if (!out->labels)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    size_t at = 0;
    for (size_t i = 0; i < out->n_rows; i++) {
        uint32_t k = keys[i];
        char *dst = out->labels + at;
        out->rows[i].label = k == NULL_KEY ? NULL : dst;
        if (k == NULL_KEY)
            continue;
        if (by == NQ_BY_SOURCE) {
            const char *name;
            size_t len;
            uint64_t docs;
            nq_index_source(ix, k, &name, &len, &docs, NULL);
            memcpy(dst, name, len);
            dst[len] = 0;
            at += len + 1;
        } else if (by == NQ_BY_YEAR || k % 100 == 0) {
            /* a date known to the year only is its own month slice, "YYYY" */
            at += (size_t)snprintf(dst, 9, "%04u", by == NQ_BY_YEAR ? k : k / 100) + 1;
        } else {
            at += (size_t)snprintf(dst, 9, "%04u-%02u", k / 100, k % 100) + 1;
        }
    }
    return NQ_OK;
}

/* The slices of the sub-corpus with their sizes; doc_slice maps documents to rows. */
nq_status nq_slices_make(nq_index *ix, const nq_subcorpus *sc, nq_slice_by by, uint32_t *doc_slice,
                             nq_slices *out, nq_error *err)
{
    uint64_t n = sc->n_docs;
    uint32_t *keys = malloc((n ? n : 1) * sizeof *keys), *uniq = malloc((n ? n : 1) * sizeof *uniq);
    if (!keys || !uniq) {
        free(keys);
        free(uniq);
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    }
    size_t n_keys = 0;
    for (uint64_t d = 0; d < n; d++) {
        uint32_t date, src, tokens;
        if (nq_doc_meta(ix, d, &date, &src, &tokens)) {
            free(keys);
            free(uniq);
            return nq_fail(err, NQ_ERR_CORRUPT, "%s: document %llu does not decode", ix->path, (unsigned long long)d);
        }
        keys[d] = slice_key(by, date, src);
        if (nq_subcorpus_has(sc, d))
            uniq[n_keys++] = keys[d];
    }
    qsort(uniq, n_keys, sizeof *uniq, cmp_u32);
    size_t u = 0;
    for (size_t i = 0; i < n_keys; i++)
        if (i == 0 || uniq[i] != uniq[u - 1])
            uniq[u++] = uniq[i];
    nq_status st = NQ_OK;
    out->rows = calloc(u ? u : 1, sizeof *out->rows);
    if (!out->rows)
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    out->n_rows = out->rows ? u : 0;
    for (uint64_t d = 0; !st && d < n; d++) {
        doc_slice[d] = UINT32_MAX;
        if (!nq_subcorpus_has(sc, d))
            continue;
        uint32_t date, src, tokens;
        nq_doc_meta(ix, d, &date, &src, &tokens);
        doc_slice[d] = (uint32_t)find_key(uniq, u, keys[d]);
        out->rows[doc_slice[d]].slice_tokens += tokens;
        out->rows[doc_slice[d]].slice_documents++;
    }
    if (!st)
        st = label_rows(ix, by, uniq, out, err);
    free(keys);
    free(uniq);
    return st;
}

nq_status nq_count_by(nq_index *ix, const char *text, size_t len, const nq_filter *filter, nq_slice_by by,
                      nq_slices *out, nq_error *err)
{
    memset(out, 0, sizeof *out);
    if (by != NQ_BY_YEAR && by != NQ_BY_MONTH && by != NQ_BY_SOURCE)
        return nq_fail(err, NQ_ERR_ARG, "slices are by year, month or source");
    if (!ix->has_positions)
        return nq_fail(err, NQ_ERR_ARG, "this index has no positional postings (built with --no-positions): "
                                        "it cannot count by slice");
    nq_subcorpus sc;
    nq_matches m = {0};
    uint32_t *doc_slice = NULL;
    nq_status st = nq_index_load_docs(ix, err);
    if (!st)
        st = nq_subcorpus_init(ix, filter, &sc, err);
    else
        memset(&sc, 0, sizeof sc);
    if (!st)
        st = nq_match_filtered(ix, text, len, &sc, &m, err);
    if (!st && !(doc_slice = malloc((sc.n_docs ? sc.n_docs : 1) * sizeof *doc_slice)))
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    if (!st)
        st = nq_slices_make(ix, &sc, by, doc_slice, out, err);
    uint64_t d = 0, last = UINT64_MAX;
    for (size_t i = 0; !st && i < m.n; i++) {
        d = nq_structure_doc_from(&ix->strc, d, m.start[i]);
        nq_slice_row *row = &out->rows[doc_slice[d]];
        row->count++;
        row->documents += d != last;
        last = d;
    }
    free(doc_slice);
    nq_matches_free(&m);
    nq_subcorpus_free(&sc);
    if (st)
        nq_slices_free(out);
    return st;
}

void nq_slices_free(nq_slices *s)
{
    free(s->rows);
    free(s->labels);
    memset(s, 0, sizeof *s);
}

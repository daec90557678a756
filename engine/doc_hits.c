/* nq_docs: the documents that contain an expression, most occurrences first. */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "structure.h"
#include "subcorpus.h"
#include "vec.h"

static int more_first(const void *a, const void *b)
{
    const nq_doc_hit *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return (x->doc > y->doc) - (x->doc < y->doc);
}

/* Occurrences per document, in corpus order. */
static nq_status group_by_doc(const nq_index *ix, const nq_matches *m, nq_doc_hit **hits, size_t *n,
                              nq_error *err)
{
    size_t cap = 0, used = 0;
    nq_doc_hit *h = NULL;
    uint64_t d = 0;
    for (size_t i = 0; i < m->n; i++) {
        d = nq_structure_doc_from(&ix->strc, d, m->start[i]);
        if (used && h[used - 1].doc == d) {
            h[used - 1].count++;
            continue;
        }
        if (NQ_RESERVE(h, cap, used + 1)) {
            free(h);
            return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
        }
        h[used++] = (nq_doc_hit){d, 1};
    }
    *hits = h;
    *n = used;
    return NQ_OK;
}

nq_status nq_docs(nq_index *ix, const char *text, size_t len, const nq_filter *filter, size_t k,
                  nq_doc_hit **hits, size_t *n_hits, uint64_t *total, nq_error *err)
{
    *hits = NULL;
    *n_hits = 0;
    *total = 0;
    if (!ix->has_positions)
        return nq_fail(err, NQ_ERR_ARG, "this index has no positional postings (built with --no-positions)");
    nq_subcorpus sc;
    nq_matches m = {0};
    nq_status st = nq_subcorpus_init(ix, filter, &sc, err);
    if (st)
        return st;
    st = nq_match_filtered(ix, text, len, &sc, &m, err);
    nq_doc_hit *h = NULL;
    size_t n = 0;
    if (!st)
        st = group_by_doc(ix, &m, &h, &n, err);
    nq_matches_free(&m);
    nq_subcorpus_free(&sc);
    if (st)
        return st;
    if (n)
        qsort(h, n, sizeof *h, more_first);
    *total = n;
    *n_hits = n < k ? n : k;
    *hits = h;
    return NQ_OK;
}

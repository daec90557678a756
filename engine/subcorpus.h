/*
 * Sub-corpora: the documents an nq_filter keeps, and the per-document view
 * (date, source, tokens) that filters and slices read.
 */
#ifndef NQ_SUBCORPUS_H
#define NQ_SUBCORPUS_H

#include <stdint.h>

#include "expr.h"
#include "index.h"

typedef struct nq_subcorpus {
    uint64_t n_docs;
    uint8_t *keep;          /* per document; NULL when the filter keeps all */
} nq_subcorpus;

/* Whether the filter restricts anything. */
int nq_filter_active(const nq_filter *f);

/* Resolves a filter. NQ_ERR_ARG for a source the index does not have. */
nq_status nq_subcorpus_init(nq_index *ix, const nq_filter *f, nq_subcorpus *sc, nq_error *err);
void nq_subcorpus_free(nq_subcorpus *sc);

static inline int nq_subcorpus_has(const nq_subcorpus *sc, uint64_t doc)
{
    return !sc->keep || sc->keep[doc];
}

/* Date (YYYYMMDD, 0 = none), source index (NQ_NO_SOURCE = none) and tokens
 * of document doc; the documents table must be loaded. */
int nq_doc_meta(const nq_index *ix, uint64_t doc, uint32_t *date, uint32_t *source, uint32_t *tokens);

/* Removes the matches outside the sub-corpus. */
void nq_subcorpus_filter_matches(const nq_index *ix, const nq_subcorpus *sc, nq_matches *m);

/* Distinct documents among the matches. */
uint64_t nq_matches_documents(const nq_index *ix, const nq_matches *m);

/* Matches of an expression in a sub-corpus: parse, match, filter. */
nq_status nq_match_filtered(nq_index *ix, const char *text, size_t len, const nq_subcorpus *sc, nq_matches *m,
                            nq_error *err);

/* The slices (year, month or source) of a sub-corpus, each with its size;
 * doc_slice[d] gets document d's row, UINT32_MAX outside the sub-corpus.
 * The documents table must be loaded. */
nq_status nq_slices_make(nq_index *ix, const nq_subcorpus *sc, nq_slice_by by, uint32_t *doc_slice, nq_slices *out,
                         nq_error *err);

#endif

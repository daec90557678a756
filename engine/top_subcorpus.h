/* Top-k n-grams of a sub-corpus, counted from the positional postings. */
#ifndef NQ_TOP_SUBCORPUS_H
#define NQ_TOP_SUBCORPUS_H

#include "subcorpus.h"

/* The n-grams counted must begin with tokens in these id ranges. */
typedef struct nq_top_prefix {
    size_t n;
    uint32_t lo[NQ_MAX_ORDER], hi[NQ_MAX_ORDER];
} nq_top_prefix;

/* Like nq_top on the documents sc keeps; ties by the n-gram's bytes. */
nq_status nq_top_subcorpus(nq_index *ix, const nq_subcorpus *sc, int n, size_t k, const nq_top_prefix *pf,
                           nq_top_result *res, nq_error *err);

#endif

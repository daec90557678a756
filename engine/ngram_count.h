/*
 * Exact n-gram counting, level by level (n = 2, 3, ... max_n), over the
 * token stream of a whole segment.
 *
 * Level n only looks at positions whose two (n-1)-grams (at p and p+1) were
 * kept at level n-1: an n-gram seen min_count times has both sub-grams seen
 * at least as often (the apriori property), so pruning is exact and the
 * candidates shrink fast with n. A candidate's key is (rank of its
 * (n-1)-gram prefix, last token id); ranks are positions in the sorted
 * output of the previous level, so sorting keys sorts n-grams
 * lexicographically by term id, which is the on-disk trie order.
 *
 * Bigram candidates are partitioned by ranges of their first term into
 * buckets of about cache size; each bucket is radix-sorted by one thread and
 * its runs counted. A bucket's kept n-grams are a range of ranks, so the
 * next level filters the same bucket in place: no locks, no shared writes,
 * and the result does not depend on the number of threads.
 */
#ifndef NQ_NGRAM_COUNT_H
#define NQ_NGRAM_COUNT_H

#include <stdint.h>

#include "ngramq/ngramq.h"

typedef struct nq_ngram_level {
    uint64_t n;          /* n-grams kept */
    uint32_t *parent;    /* rank of the (n-1)-gram prefix (term id for n = 2), ascending */
    uint32_t *word;      /* last token's term id, ascending within a parent */
    uint32_t *count;     /* occurrences */
    uint32_t *df;        /* documents containing it */
} nq_ngram_level;

typedef struct nq_count_input {
    const uint32_t *stream;     /* term ids and NQ_ID_*_BREAK marks */
    uint64_t len;               /* < 2^32 */
    const uint64_t *doc_start;  /* stream offset of each document's first mark */
    uint64_t n_docs;
    const uint32_t *cf;         /* unigram counts by term id */
    uint32_t n_terms;
    int max_n;
    uint32_t min_count;
    int threads;
} nq_count_input;

/* Fills levels[2..max_n]; levels[0..1] are left zeroed. */
nq_status nq_count_ngrams(const nq_count_input *in, nq_ngram_level *levels, nq_error *err);
void nq_ngram_level_free(nq_ngram_level *level);

#endif

/*
 * One level of the n-gram trie on disk (section NGnn, n >= 2), read in
 * place. Entries are sorted by (prefix rank, last term id); the children of
 * (n-1)-gram r are entries [offset[r], offset[r + 1]). Offsets (a base per
 * block of 64 parents plus a narrow relative offset per parent) and words
 * are fixed-width bit-packed, counts are count columns (count_column.h),
 * so a lookup is a binary search per level with no decoding, straight from
 * the mmap.
 */
#ifndef NQ_NGRAM_TABLE_H
#define NQ_NGRAM_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "bitpack.h"
#include "count_column.h"
#include "ngram_count.h"
#include "ngramq/ngramq.h"

typedef struct nq_ngram_view {
    uint64_t n;          /* entries */
    uint64_t n_parents;  /* entries of level n - 1 (terms for n = 2) */
    nq_packed base;      /* offset[64 b], one per block of 64 parents */
    nq_packed rel;       /* offset[r] - base[r / 64], n_parents + 1 values */
    nq_packed word;
    nq_count_column count;
    nq_count_column df_gap;  /* count - documents: 0 for most n-grams */
} nq_ngram_view;

nq_status nq_ngram_encode(const nq_ngram_level *lv, uint64_t n_parents, uint8_t **out,
                          size_t *out_len, nq_error *err);

nq_status nq_ngram_view_open(nq_ngram_view *v, const uint8_t *data, size_t len,
                             uint64_t n_parents, nq_error *err);

/* Index of the child of parent whose last term is word, or UINT64_MAX. */
uint64_t nq_ngram_child(const nq_ngram_view *v, uint64_t parent, uint32_t word);

/* First child of parent r (r <= n_parents; offset[n_parents] = n). */
static inline uint64_t nq_ngram_offset(const nq_ngram_view *v, uint64_t r)
{
    return nq_packed_get(&v->base, r / 64) + nq_packed_get(&v->rel, r);
}

/* Occurrences and documents of entry i. */
static inline uint64_t nq_ngram_count(const nq_ngram_view *v, uint64_t i)
{
    return nq_count_column_get(&v->count, i);
}

static inline uint64_t nq_ngram_df(const nq_ngram_view *v, uint64_t i)
{
    uint64_t c = nq_count_column_get(&v->count, i), gap = nq_count_column_get(&v->df_gap, i);
    return gap < c ? c - gap : 0;
}

/* Parent rank of entry i. */
uint64_t nq_ngram_parent(const nq_ngram_view *v, uint64_t i);

#endif

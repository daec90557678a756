/*
 * Co-occurrence of expressions, counted from the positional postings
 * (ASSOCIATION.md): at set scopes, the sentences (paragraphs, documents)
 * that contain each expression and both; at window scope, the ordered pairs
 * of start positions at distance 1..k in one sentence.
 */
#ifndef NQ_COOC_H
#define NQ_COOC_H

#include <stdint.h>

#include "expr.h"
#include "subcorpus.h"

/* Sorted, distinct unit numbers (global sentence, paragraph or document
 * numbers). */
typedef struct nq_units {
    uint64_t *id;
    size_t n;
} nq_units;

void nq_units_free(nq_units *u);

/* The units that contain a match (matches never cross a sentence, so a
 * match's unit is its start's). */
nq_status nq_units_of(const nq_index *ix, const nq_matches *m, nq_scope_kind kind, nq_units *out, nq_error *err);

/* Units in both. */
uint64_t nq_units_common(const nq_units *a, const nq_units *b);

/* Ordered pairs (i, j), i != j, |i - j| <= k, i a start of a, j a start of
 * b, in one sentence. */
uint64_t nq_window_pairs(const nq_index *ix, const nq_matches *a, const nq_matches *b, uint32_t k);

/* Units of a kind in the sub-corpus (N of a set scope); tokens for windows. */
uint64_t nq_scope_units(const nq_index *ix, const nq_subcorpus *sc, nq_scope_kind kind);

/* Unit number of position p. */
uint64_t nq_unit_of(const nq_index *ix, nq_scope_kind kind, uint64_t p, uint64_t *doc_cursor);

#endif

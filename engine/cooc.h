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

/* One expression in a sub-corpus: its matches and, at set scopes, units. */
typedef struct nq_side {
    nq_matches m;
    nq_units u;
} nq_side;

nq_status nq_side_of(nq_index *ix, const char *text, size_t len, const nq_subcorpus *sc, const nq_scope *scope,
                     nq_side *s, nq_error *err);
/* The part of s in the documents whose doc_slice is k. */
nq_status nq_side_in_slice(const nq_index *ix, const nq_side *s, const uint32_t *doc_slice, uint32_t k,
                           const nq_scope *scope, nq_side *out, nq_error *err);
void nq_side_free(nq_side *s);
/* The contingency counts of a and b in a (sub-)corpus of n units. */
void nq_side_counts(const nq_index *ix, const nq_side *a, const nq_side *b, const nq_scope *scope, uint64_t n,
                    nq_assoc_counts *out);
/* NQ_ERR_ARG unless the scope is valid and the index has positions. */
nq_status nq_scope_check(const nq_index *ix, const nq_scope *scope, nq_error *err);

#endif

/*
 * Query expressions (TOKENIZATION.md section 8): phrases separated by `|`,
 * each a sequence of tokens tokenized with the index's rules; a token
 * written with a trailing `*` matches every term with that prefix, which is
 * a range of ids in the sorted lexicon.
 *
 * Matching works on positional postings: the rarest token of a phrase
 * drives, each other token filters the candidates through a cursor that
 * skips whole blocks, and a candidate survives when no sentence begins
 * inside it. An expression's matches are the union of its phrases' start
 * positions (TOKENIZATION.md: overlaps count, a position counts once).
 */
#ifndef NQ_EXPR_H
#define NQ_EXPR_H

#include <stddef.h>
#include <stdint.h>

#include "index.h"

#define NQ_EXPR_MAX_TOKENS 256u   /* tokens in one phrase */

typedef struct nq_expr_token {
    uint32_t lo, hi;        /* term ids [lo, hi); lo == hi: matches nothing */
    uint64_t cf;            /* occurrences of all of them */
    int prefix;             /* written with a trailing '*' */
} nq_expr_token;

typedef struct nq_expr_phrase {
    size_t first, n;        /* tokens [first, first + n) of the expression */
    int dead;               /* some token matches no term */
} nq_expr_phrase;

typedef struct nq_expr {
    nq_expr_token *tok;
    nq_expr_phrase *ph;
    size_t n_tok, n_ph;
} nq_expr;

/* Parses text. NQ_ERR_ARG, with a message, for an empty phrase, a '*' that
 * does not end a token, or a phrase over NQ_EXPR_MAX_TOKENS. */
nq_status nq_expr_parse(const nq_index *ix, const char *text, size_t len, nq_expr *e, nq_error *err);
void nq_expr_free(nq_expr *e);

/* The expression's term ids when it is one phrase of exact tokens (the
 * n-gram tables can answer it): fills ids and returns the length, else 0. */
size_t nq_expr_simple(const nq_expr *e, uint32_t *ids, size_t cap);

/* Matches: distinct start positions, ascending, with the length in tokens
 * of the longest phrase matching there. */
typedef struct nq_matches {
    uint32_t *start;
    uint16_t *len;
    size_t n, cap;
} nq_matches;

void nq_matches_free(nq_matches *m);

/* Every match of e in the index. NQ_ERR_CORRUPT when postings do not decode. */
nq_status nq_expr_match(const nq_index *ix, const nq_expr *e, nq_matches *m, nq_error *err);

/* Sorted positions of all terms in [lo, hi) (malloc'd into *out). */
nq_status nq_term_range_positions(const nq_index *ix, uint32_t lo, uint32_t hi, uint32_t **out, size_t *n,
                                  nq_error *err);

#endif

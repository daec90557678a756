/*
 * The lexicon: terms in byte-wise sorted order, so a term's id is its rank,
 * prefix queries are id ranges, and comparing id sequences compares n-grams
 * by their bytes (every token byte is above the space that joins tokens).
 *
 * Strings (LEXS) are front-coded in blocks of NQ_LEX_BLOCK terms: each block
 * starts with a whole term, found by binary search, then (shared prefix
 * length, suffix) pairs. Frequencies (LEXF) are bit-packed arrays.
 */
#ifndef NQ_LEXICON_H
#define NQ_LEXICON_H

#include <stddef.h>
#include <stdint.h>

#include "bitpack.h"
#include "ngramq/ngramq.h"

#define NQ_LEX_BLOCK 16u

typedef struct nq_lexicon {
    uint64_t n_terms;
    uint64_t n_blocks;
    const uint8_t *block_offsets;  /* n_blocks + 1 little-endian u64 */
    const uint8_t *data;
    uint64_t data_len;
    nq_packed cf, df;
} nq_lexicon;

/* Encodes sorted terms into a LEXS section (malloc'd into *out). */
nq_status nq_lexicon_encode_strings(const char *const *terms, const uint32_t *lens, uint64_t n,
                                    uint8_t **out, size_t *out_len, nq_error *err);
/* Encodes frequencies into a LEXF section. */
nq_status nq_lexicon_encode_freqs(const uint32_t *cf, const uint32_t *df, uint64_t n,
                                  uint8_t **out, size_t *out_len, nq_error *err);

/* Opens the two sections in place; validates their structure. */
nq_status nq_lexicon_open(nq_lexicon *lex, const uint8_t *strings, size_t strings_len,
                          const uint8_t *freqs, size_t freqs_len, nq_error *err);

/* Id of a term, or NQ_ID_NONE. */
uint32_t nq_lexicon_find(const nq_lexicon *lex, const char *term, size_t len);
/* Ids [*lo, *hi) of the terms that begin with prefix. */
void nq_lexicon_prefix_range(const nq_lexicon *lex, const char *prefix, size_t len, uint32_t *lo,
                             uint32_t *hi);
/* Copies term id into buf (cap bytes, NUL-terminated, truncated if needed);
 * returns its full length. */
size_t nq_lexicon_term(const nq_lexicon *lex, uint32_t id, char *buf, size_t cap);

#endif

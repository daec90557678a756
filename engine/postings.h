/*
 * Positional postings: for every term, the sorted global positions where it
 * occurs (structure.h defines positions; a position's document, sentence
 * and paragraph come from STRC, so a posting is one integer).
 *
 * POST holds the lists, term by term in id order, each encoded by
 * postings_codec.h; a list's length is the term's cf from LEXF.
 * PDIR locates them:
 *   u64 terms, u32 width, u32 0, then terms + 1 byte offsets into POST,
 *   bit-packed at that width (bitpack.h, with its 8 bytes of padding).
 */
#ifndef NQ_POSTINGS_H
#define NQ_POSTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "bitpack.h"
#include "ngramq/ngramq.h"
#include "postings_codec.h"

typedef struct nq_postings_input {
    const uint32_t *stream;   /* final term ids and NQ_ID_*_BREAK marks */
    uint64_t len;
    const uint32_t *cf;       /* by term id */
    uint32_t n_terms;
    uint64_t tokens;          /* term entries in the stream */
    int threads;
} nq_postings_input;

/* Builds POST and PDIR (malloc'd). Deterministic for any thread count. */
nq_status nq_postings_build(const nq_postings_input *in, uint8_t **post, size_t *post_len, uint8_t **pdir,
                            size_t *pdir_len, nq_error *err);

typedef struct nq_postings {
    const uint8_t *post;
    size_t post_len;
    nq_packed dir;
    uint64_t n_terms;
} nq_postings;

/* Opens the two sections in place; checks the directory is monotonic and
 * within POST. */
nq_status nq_postings_open(nq_postings *p, const uint8_t *post, size_t post_len, const uint8_t *pdir,
                           size_t pdir_len, uint64_t n_terms, nq_error *err);

/* The list of a term whose cf is n. -1 when its bytes do not check out. */
int nq_postings_list(const nq_postings *p, uint32_t term, uint64_t n, nq_plist *out);

#endif

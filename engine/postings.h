/*
 * Positional postings: for every term, the sorted global positions where it
 * occurs (structure.h defines positions; a position's document, sentence
 * and paragraph come from STRC, so a posting is one integer).
 *
 * POST holds the lists, term by term in id order, all in one codec; a
 * list's length is the term's cf from LEXF. PDIR locates them:
 *   u64 terms, u32 width, u32 codec, then terms + 1 byte offsets into POST,
 *   bit-packed at that width (bitpack.h, with its 8 bytes of padding).
 * codec 1: SIMD-BP128 blocks with patching (postings_codec.h), fast to
 * decode; codec 2: interpolative coding per block (postings_bic.h), about
 * 10% smaller on press text, whose word positions cluster.
 */
#ifndef NQ_POSTINGS_H
#define NQ_POSTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "bitpack.h"
#include "ngramq/ngramq.h"
#include "postings_bic.h"
#include "postings_codec.h"

enum { NQ_PDIR_PFOR = 1, NQ_PDIR_INTERPOLATIVE = 2 };

typedef struct nq_postings_input {
    const uint32_t *stream;   /* final term ids and NQ_ID_*_BREAK marks */
    uint64_t len;
    const uint32_t *cf;       /* by term id */
    uint32_t n_terms;
    uint64_t tokens;          /* term entries in the stream */
    int threads;
    nq_postings_codec codec;
} nq_postings_input;

/* Builds POST and PDIR (malloc'd). Deterministic for any thread count. */
nq_status nq_postings_build(const nq_postings_input *in, uint8_t **post, size_t *post_len, uint8_t **pdir,
                            size_t *pdir_len, nq_error *err);

typedef struct nq_postings {
    const uint8_t *post;
    size_t post_len;
    nq_packed dir;
    uint64_t n_terms;
    uint32_t codec;          /* NQ_PDIR_* */
} nq_postings;

/* Opens the two sections in place; checks the directory is monotonic and
 * within POST. */
nq_status nq_postings_open(nq_postings *p, const uint8_t *post, size_t post_len, const uint8_t *pdir,
                           size_t pdir_len, uint64_t n_terms, nq_error *err);

/* One term's list, in whichever codec the index uses. */
typedef struct nq_posting_list {
    uint32_t codec;
    nq_plist pfor;
    nq_ilist bic;
} nq_posting_list;

/* The list of a term whose cf is n. -1 when its bytes do not check out. */
int nq_postings_list(const nq_postings *p, uint32_t term, uint64_t n, nq_posting_list *out);
/* Decodes all n values; 0 or -1 when corrupt. */
int nq_posting_list_decode(const nq_posting_list *l, uint32_t *out, nq_simd simd);

/* A forward cursor; it holds its own copy of the list view, so it must not
 * be copied once initialized. */
typedef struct nq_posting_cursor {
    nq_posting_list list;
    nq_plist_cursor pfor;
    nq_ilist_cursor bic;
} nq_posting_cursor;

void nq_posting_cursor_init(nq_posting_cursor *c, const nq_posting_list *l, nq_simd simd);
/* Smallest value >= target at or after the current one: 1 (*out set), 0
 * none left, -1 corrupt. Targets must not decrease. */
int nq_posting_cursor_next_geq(nq_posting_cursor *c, uint32_t target, uint32_t *out);

#endif

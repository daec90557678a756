/*
 * Corpus structure (STRC): where documents, paragraphs and sentences begin,
 * in global token positions. A position is a token's rank in the whole
 * corpus (0 .. tokens-1, sentence and paragraph marks not counted), the
 * coordinate system of the positional postings (as CWB's corpus positions).
 *
 * Documents are an array of start positions; sentences and paragraphs are
 * bitmaps with one bit per position, set on the first token of each, plus a
 * rank directory, so "same sentence?" and "sentence number" are O(1) reads
 * from the mapped file.
 *
 * Layout (little-endian, offsets from the section start, every part 8-byte
 * aligned):
 *   u64 tokens (N), u64 documents (D)
 *   u32 doc_start[D + 1]          (doc_start[D] = N), padded to 8 bytes
 *   sentence starts:  u64 bits[ceil(N / 64)], u32 rank[ceil(N / 512) + 1], padded to 8
 *   paragraph starts: same
 * rank[i] = number of set bits in the first 512 * i bits.
 */
#ifndef NQ_STRUCTURE_H
#define NQ_STRUCTURE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ngramq/ngramq.h"

typedef struct nq_bitrank {
    const uint8_t *bits;   /* ceil(n / 64) little-endian u64 */
    const uint8_t *rank;   /* ceil(n / 512) + 1 little-endian u32 */
    uint64_t n;
} nq_bitrank;

typedef struct nq_structure {
    uint64_t tokens, docs;
    const uint8_t *doc_start;   /* docs + 1 little-endian u32 */
    nq_bitrank sent, para;
} nq_structure;

/* Encodes STRC from a token stream of term ids and NQ_ID_*_BREAK marks
 * (a mark before every sentence, PARA_BREAK for a paragraph's first) and the
 * stream offset of every document's first entry. */
nq_status nq_structure_encode(const uint32_t *stream, uint64_t len, const uint64_t *doc_stream_start,
                              uint64_t n_docs, uint64_t tokens, uint8_t **out, size_t *out_len,
                              nq_error *err);

/* Opens STRC in place; checks sizes, monotonic document starts and the rank
 * directories against the bits. */
nq_status nq_structure_open(nq_structure *s, const uint8_t *data, size_t len, nq_error *err);

static inline uint64_t nq_load_u64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint32_t nq_load_u32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline uint32_t nq_doc_start(const nq_structure *s, uint64_t doc)
{
    return nq_load_u32(s->doc_start + 4 * doc);
}

/* Whether position p is set (begins a sentence / paragraph). */
static inline int nq_bitrank_get(const nq_bitrank *b, uint64_t p)
{
    return (int)(nq_load_u64(b->bits + 8 * (p >> 6)) >> (p & 63) & 1);
}

/* Set bits in positions [0, p). */
uint64_t nq_bitrank_rank(const nq_bitrank *b, uint64_t p);

/* Whether some position in (p, q] is set: a sentence (paragraph) begins
 * after p and up to q, so p and q are in different units. p <= q < n. */
int nq_bitrank_any(const nq_bitrank *b, uint64_t p, uint64_t q);

/* The document holding position p (p < tokens). */
uint64_t nq_structure_doc_of(const nq_structure *s, uint64_t p);

/* Moves a document cursor forward to the document holding p, p at or after
 * the cursor's document start (galloping, for sorted positions). */
uint64_t nq_structure_doc_from(const nq_structure *s, uint64_t doc, uint64_t p);

#endif

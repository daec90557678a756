/*
 * Fixed-width bit-packed integer arrays: value i occupies bits
 * [i*w, i*w + w) of a little-endian bit stream. Read in place from an mmap'd
 * section in O(1) with one unaligned 64-bit load, so widths are <= 56 and
 * the stream carries 8 bytes of zero padding at its end.
 */
#ifndef NQ_BITPACK_H
#define NQ_BITPACK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define NQ_BITPACK_MAX_WIDTH 56u

/* Bits needed to hold v (0 for v == 0). */
static inline unsigned nq_bits_for(uint64_t v)
{
    return v ? 64u - (unsigned)__builtin_clzll(v) : 0u;
}

/* Bytes of a packed array of n values of width w, padding included. */
static inline size_t nq_bitpack_bytes(size_t n, unsigned w)
{
    return (n * w + 7) / 8 + 8;
}

typedef struct nq_packed {
    const uint8_t *data;
    uint64_t n;
    unsigned width;
    uint64_t mask;
} nq_packed;

static inline uint64_t nq_packed_get(const nq_packed *p, uint64_t i)
{
    uint64_t bit = i * p->width;
    uint64_t word;
    memcpy(&word, p->data + (bit >> 3), 8);
    return (word >> (bit & 7)) & p->mask;
}

static inline void nq_packed_init(nq_packed *p, const uint8_t *data, uint64_t n, unsigned width)
{
    p->data = data;
    p->n = n;
    p->width = width;
    p->mask = width ? (width >= 64 ? ~0ull : (1ull << width) - 1) : 0;
}

/* Packs values (each < 2^w) into out, which holds nq_bitpack_bytes(n, w)
 * bytes; out is fully written, padding zeroed. */
void nq_bitpack_write(uint8_t *out, const uint64_t *values, size_t n, unsigned w);
/* Same from 32-bit values. */
void nq_bitpack_write32(uint8_t *out, const uint32_t *values, size_t n, unsigned w);

/* ORs v (< 2^w) in as value i of a zeroed packed array: for arrays written
 * out of order or interleaved with others. */
void nq_bitpack_put(uint8_t *out, uint64_t i, unsigned w, uint64_t v);

/* First index in [lo, hi) whose value is > key (values ascending there). */
uint64_t nq_packed_upper_bound(const nq_packed *p, uint64_t lo, uint64_t hi, uint64_t key);
/* First index in [lo, hi) whose value is >= key (values ascending there). */
uint64_t nq_packed_lower_bound(const nq_packed *p, uint64_t lo, uint64_t hi, uint64_t key);

#endif

/*
 * Posting-list block codec: a list of n strictly increasing uint32 values
 * (global token positions; n >= 1; values in [0, 2^32-1)) stored as
 * patched, bit-packed gaps in blocks of 128, read in place from an mmap'd
 * index. Decoding runs on a portable scalar path or on SIMD paths (SSE4.1 on
 * x86-64, NEON on aarch64) chosen per call; every path gives the same values.
 *
 * Encoding (docs/FORMAT.md):
 *
 * - Gaps: d_i = v_i - v_{i-1} - 1 (mod 2^32), with v_{-1} = 0xFFFFFFFF, so
 *   d_0 = v_0. All uint32.
 * - Values are cut into full blocks of 128 and a tail of n mod 128 values.
 *   nb = n / 128 full blocks.
 * - Layout of the encoded list: if nb >= 1, first a skip table of nb
 *   entries, each 8 bytes: u32 little-endian `last` (the last value of the
 *   block) and u32 little-endian `end` (byte offset, from the start of the
 *   first block, just past that block). Then the nb blocks, then the tail.
 * - A full block: byte `b` (bit width, 0..32), byte `e` (number of
 *   exceptions, 0..128; 0 when b == 32), then 16*b bytes of the 128 gaps'
 *   low b bits in the 4-lane vertical layout of Lemire's SIMD-BP128: gap i
 *   belongs to lane i % 4 at slot i / 4; lane j's 32 slots are packed as
 *   consecutive b-bit fields, LSB first, into 32-bit words; the k-th 32-bit
 *   word of lane j is stored at little-endian u32 index 4*k + j of the
 *   packed area (so 4 lanes are decoded in parallel by SSE/NEON shifts and
 *   masks). Then e bytes: the exception indices (0..127, strictly
 *   increasing), then e LEB128 varints: the exceptions' high parts
 *   (d_i >> b, each >= 1). An exception is a gap with d_i >= 2^b.
 * - The encoder picks b (and so e) minimizing the block's bytes
 *   2 + 16*b + e + sum(varint bytes of high parts); ties go to the smallest
 *   b. This is PFor/OptPFor-style patching: most gaps fit b bits, the few
 *   big ones are patched.
 * - The tail: its gaps as LEB128 varints, continuing from the last full
 *   block's last value (or from v_{-1} when nb == 0).
 *
 * A list's byte length is stored by its caller (the index); the decoder
 * takes exactly that length: a block must end exactly at its `end`, the tail
 * exactly at len. Corrupt bytes give -1, never a read outside [data,
 * data + len).
 */
#ifndef NQ_POSTINGS_CODEC_H
#define NQ_POSTINGS_CODEC_H

#include <stddef.h>
#include <stdint.h>

#define NQ_PLIST_BLOCK 128u

/* Decoding paths. A path the CPU lacks falls back to scalar, so a stale
 * NQ_SIMD setting can slow a query down but never crash it. */
typedef enum nq_simd { NQ_SIMD_SCALAR, NQ_SIMD_SSE41, NQ_SIMD_AVX2, NQ_SIMD_NEON } nq_simd;

/* The fastest available path on this CPU. */
nq_simd nq_simd_best(void);
/* 1 when this build and CPU run path s, else 0. */
int nq_simd_available(nq_simd s);
/* "scalar", "sse4.1", "avx2", "neon" ("?" for an out-of-range s). */
const char *nq_simd_name(nq_simd s);
/* Parses one of the names above (or "best"); 0, or -1 for an unknown name.
 * Does not check availability. */
int nq_simd_parse(const char *name, nq_simd *out);

/* The most bytes nq_plist_encode writes for n values. */
size_t nq_plist_bound(uint64_t n);
/* Encodes v[0..n) (strictly increasing) into out, which holds
 * nq_plist_bound(n) bytes; returns the bytes written. The output depends
 * only on v. */
size_t nq_plist_encode(const uint32_t *v, uint64_t n, uint8_t *out);

/* A view of one encoded list, read in place. Filled by nq_plist_open. */
typedef struct nq_plist {
    const uint8_t *data;   /* the list: skip table, blocks, tail */
    size_t len;            /* its exact byte length */
    uint64_t n;            /* values */
    uint64_t nb;           /* full blocks (skip table entries) */
    const uint8_t *blocks; /* first block (data + 8 * nb) */
    size_t blocks_len;     /* bytes from blocks to data + len */
    const uint8_t *tail;   /* tail varints */
    unsigned tail_n;       /* values in the tail (n % 128) */
    uint32_t tail_last;    /* v_{n-1} when tail_n > 0 (decoded by open) */
} nq_plist;

/* Opens the n-value list in data[0..len): checks the skip table (ends
 * increasing and within len, lasts increasing by at least 128) and decodes
 * the tail once for its last value. 0, or -1 when corrupt. O(n / 128). */
int nq_plist_open(nq_plist *p, const uint8_t *data, size_t len, uint64_t n);
/* Blocks, counting a non-empty tail as the last one. */
uint64_t nq_plist_blocks(const nq_plist *p);
/* The last value of block b < nq_plist_blocks(p). */
uint32_t nq_plist_block_last(const nq_plist *p, uint64_t b);
/* Decodes block b < nq_plist_blocks(p) into out; returns its value count
 * (128, or n % 128 for the tail) or -1 on corrupt bytes. */
int nq_plist_decode_block(const nq_plist *p, uint64_t b, uint32_t out[NQ_PLIST_BLOCK], nq_simd s);
/* The first block at or after from_block whose last value is >= target, or
 * nq_plist_blocks(p) when none is. Gallops from from_block, so a cursor
 * moving forward pays for the distance it moves, not for the list length. */
uint64_t nq_plist_seek_block(const nq_plist *p, uint64_t from_block, uint32_t target);
/* Decodes the whole list into out[0..n); 0, or -1 on corrupt bytes. */
int nq_plist_decode_all(const nq_plist *p, uint32_t *out, nq_simd s);

/* A forward cursor over one list with one decoded block buffered: for phrase
 * and proximity intersection. */
typedef struct nq_plist_cursor {
    const nq_plist *p;
    nq_simd simd;
    uint64_t block; /* block in buf, or nq_plist_blocks(p) before the first / at the end */
    unsigned count; /* values in buf */
    unsigned pos;   /* current value: buf[pos] */
    int state;      /* 0: before the first value, 1: on buf[pos], 2: exhausted, -1: corrupt */
    uint32_t buf[NQ_PLIST_BLOCK];
} nq_plist_cursor;

void nq_plist_cursor_init(nq_plist_cursor *c, const nq_plist *p, nq_simd s);
/* Moves to the first value >= target at or after the current one (never
 * backwards) and sets *out to it; returns 1, 0 when the list has no such
 * value (the cursor is then exhausted), -1 on corrupt bytes. Calling it
 * again with the same target returns the same value. */
int nq_plist_cursor_next_geq(nq_plist_cursor *c, uint32_t target, uint32_t *out);
/* Moves to the next value (the first one on a fresh cursor); 1, 0 at the
 * end, -1 on corrupt bytes. */
int nq_plist_cursor_next(nq_plist_cursor *c, uint32_t *out);

#endif

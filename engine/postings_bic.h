/*
 * Posting-list codec "interpolative": Binary Interpolative Coding (Moffat &
 * Stuiver) in blocks of 128 with compact skip data. Scalar and smaller than
 * the PFor codec of postings_codec.h ("pfor", SIMD, faster): word positions
 * are bursty, and BIC adapts to clusters at every scale. The index records
 * which of the two codecs its lists use.
 *
 * Format:
 *
 * A list of n >= 1 strictly increasing uint32 values v[0..n) (values
 * < 2^32 - 1).
 * - nb = n / 128 full blocks; tail_n = n % 128. last_b = v[128b + 127] is
 *   the last value of full block b; last_{-1} = 0xFFFFFFFF (so
 *   last_{-1} + 1 = 0 modulo 2^32; use 64-bit arithmetic: lo of block 0
 *   is 0).
 * - Skip area: nb entries, each two LEB128 varints: gap_b = last_b -
 *   last_{b-1} - 1 (mod 2^32; for b = 0 that is last_0), and size_b = the
 *   byte length of block b's payload.
 * - Then the nb block payloads in order: block b's payload is the BIC code
 *   of the 127 values v[128b .. 128b+126], which lie in [last_{b-1} + 1,
 *   last_b - 1], padded with zero bits to a whole byte. (A block whose 127
 *   values fill that range exactly has an empty payload, size 0.)
 * - Then the tail, when tail_n > 0: one LEB128 varint t = v[n-1] - L - 1
 *   where L is last_{nb-1} (last_{-1} when nb == 0), then the BIC code of
 *   the tail_n - 1 values v[128nb .. n-2] in [L + 1, v[n-1] - 1], padded to
 *   a whole byte, ending exactly at the list's length.
 * - BIC code of m strictly increasing values w[0..m) all in [lo, hi]
 *   (hi - lo + 1 >= m): if m == 0 nothing. Else mid = m / 2 (integer
 *   division); w[mid] lies in [lo + mid, hi - (m - 1 - mid)]; write
 *   x = w[mid] - (lo + mid) with the truncated binary code for the range
 *   r = (hi - (m - 1 - mid)) - (lo + mid) + 1 (nothing at all when r == 1);
 *   then the code of w[0..mid) in [lo, w[mid] - 1], then the code of
 *   w[mid+1..m) in [w[mid] + 1, hi] (left subtree first, depth-first).
 * - Truncated binary code of x in [0, r), r >= 2: k = floor(log2 r),
 *   u = 2^(k+1) - r. If x < u: the k bits of x; else the k+1 bits of
 *   x + u. Code bits are emitted most significant first.
 * - Bit stream: the i-th emitted bit of a payload goes to byte i / 8 of the
 *   payload, at bit position i % 8 (least significant first within the
 *   byte).
 * - The encoding is deterministic (a function of v only).
 *
 * The decoder also takes the format as canonical: varints in their shortest
 * form, padding bits zero, and an empty payload exactly where no bits are
 * needed (a block or tail whose values fill their range, a tail of one
 * value). So any bytes it accepts are the encoding of the values it
 * returns, and the list's byte length (stored by the caller, the index)
 * must be exact. Corrupt bytes give -1, never a read outside
 * [data, data + len).
 *
 * Decoding is scalar: a 64-bit bit buffer refilled with unaligned 8-byte
 * loads (byte loads in the last 8 bytes of a list), full blocks through an
 * unrolled kernel (127 values form a perfect tree), tails through an
 * explicit stack. About 5 ns per value against under 1 for the SIMD PFor
 * codec, for about 10% fewer bytes on press positions.
 */
#ifndef NQ_POSTINGS_BIC_H
#define NQ_POSTINGS_BIC_H

#include <stddef.h>
#include <stdint.h>

#define NQ_ILIST_BLOCK 128u

/* The most bytes nq_ilist_encode writes for n values. */
size_t nq_ilist_bound(uint64_t n);
/* Encodes v[0..n) (1 <= n, strictly increasing, each < 2^32 - 1) into out,
 * which holds nq_ilist_bound(n) bytes; returns the bytes written. No
 * allocation. */
size_t nq_ilist_encode(const uint32_t *v, uint64_t n, uint8_t *out);

/* A view of one encoded list, read in place. Filled by nq_ilist_open. */
typedef struct nq_ilist {
    const uint8_t *data;     /* the list: skip area, payloads, tail */
    size_t len;              /* its exact byte length */
    uint64_t n;              /* values */
    uint64_t nb;             /* full blocks (skip entries) */
    const uint8_t *payloads; /* first block payload = end of the skip area */
    const uint8_t *tail;     /* tail payload (after its varint), when tail_n > 0 */
    size_t tail_len;         /* its bytes, up to data + len */
    unsigned tail_n;         /* values in the tail (n % 128) */
    uint32_t tail_lo;        /* L + 1: the tail's values are >= it */
    uint32_t last;           /* v[n-1] */
} nq_ilist;

/* Opens the n-value list in data[0..len): reads and checks the skip area
 * (varints within len and canonical, sizes summing within len, each
 * block's range holding its 127 values, lasts below 2^32 - 1), then the
 * tail varint and the tail itself (at most 127 values, decoded once so
 * that any truncation is seen). O(nb + 128), no allocation. 0, or -1 when
 * corrupt. */
int nq_ilist_open(nq_ilist *l, const uint8_t *data, size_t len, uint64_t n);
/* Decodes the whole list into out[0..n); 0, or -1 on corrupt bytes (out
 * then holds garbage). */
int nq_ilist_decode_all(const nq_ilist *l, uint32_t *out);

/* A forward-only reader: next_geq skips whole blocks by walking the skip
 * varints (no decoding of skipped payloads) and decodes a block into buf
 * when it must. Holds a pointer to the nq_ilist, which must outlive it. */
typedef struct nq_ilist_cursor {
    const nq_ilist *l;
    const uint8_t *skip;    /* next unread skip entry */
    const uint8_t *payload; /* payload of block `next` */
    uint64_t next;          /* next block to read; nb is the tail */
    uint64_t lo;            /* last_{next-1} + 1: the first value block `next` may hold */
    unsigned count;         /* values in buf */
    unsigned pos;           /* current value: buf[pos] */
    int state;              /* 0: before the first value, 1: on buf[pos], 2: exhausted, -1: corrupt */
    uint32_t buf[NQ_ILIST_BLOCK];
} nq_ilist_cursor;

void nq_ilist_cursor_init(nq_ilist_cursor *c, const nq_ilist *l);
/* Moves to the smallest value >= target at or after the current one (never
 * backwards) and sets *out to it: 1, 0 when none is left (the cursor is
 * then exhausted), -1 on corrupt bytes (and from then on). Targets should
 * not decrease between calls; a smaller one returns the current value. */
int nq_ilist_cursor_next_geq(nq_ilist_cursor *c, uint32_t target, uint32_t *out);
/* Moves to the next value (the first one on a fresh cursor); 1, 0 at the
 * end, -1 on corrupt bytes. */
int nq_ilist_cursor_next(nq_ilist_cursor *c, uint32_t *out);

#endif

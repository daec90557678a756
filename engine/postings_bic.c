/* Posting-list codec "interpolative": format in postings_bic.h. */
#include "postings_bic.h"

#include <string.h>

#include "gallop.h"
#include "varint.h"

#define BLOCK NQ_ILIST_BLOCK
#define MAXV 0xFFFFFFFEu
#define NQ_BIC_INLINE static inline __attribute__((always_inline))
/* A payload value takes at most 32 bits: ranges hold fewer than 2^32
 * values, so k <= 31 and a code has at most k + 1 bits. */
#define MAX_PAYLOAD ((BLOCK - 1) * 4u)
/* A skip entry: gap_b (< 2^32, 5 bytes) and size_b (<= 508, 2 bytes). */
#define MAX_SKIP_ENTRY 7u
#define MAX_VARINT32 5u
/* Pending right subtrees of the decoder: the left child of a node of m
 * values has m / 2, so at most log2(127) < 7 wait at once. */
#define STACK_DEPTH 8u

/* ---- bit order ----
 * The stream is LSB-first within each byte but the codes are MSB-first, so
 * both sides work on an MSB-first view: every byte's bits reversed. The
 * reader reverses 8 bytes per refill rather than each code. */

static inline uint64_t rev_bits_in_bytes(uint64_t w)
{
    w = ((w >> 1) & 0x5555555555555555ull) | ((w & 0x5555555555555555ull) << 1);
    w = ((w >> 2) & 0x3333333333333333ull) | ((w & 0x3333333333333333ull) << 2);
    return ((w >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((w & 0x0F0F0F0F0F0F0F0Full) << 4);
}

static inline uint8_t rev8(uint8_t b)
{
    return (uint8_t)rev_bits_in_bytes(b);
}

/* 8 stream bytes at p as one word whose bit 63 is the stream's next bit. */
static inline uint64_t load_msb64(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return rev_bits_in_bytes(w);
}

/* floor(log2 r) for r >= 1. */
static inline unsigned log2_floor(uint32_t r)
{
    return 31u - (unsigned)__builtin_clz(r);
}

/* ---- encoder ---- */

typedef struct bit_writer {
    uint8_t *p;
    uint64_t acc;  /* pending bits, MSB-first from bit 63 */
    unsigned cnt;  /* pending bits (< 32 between calls) */
} bit_writer;

/* Appends the k <= 32 low bits of x, most significant first; whole bytes
 * leave four at a time, reversed in one word operation. */
static inline void bw_put(bit_writer *w, uint32_t x, unsigned k)
{
    if (k == 0)
        return;
    /* cnt < 32 and k <= 32: the bits land inside the 64-bit accumulator. */
    w->acc |= (uint64_t)x << (64 - w->cnt - k);
    w->cnt += k;
    if (w->cnt >= 32) {
        uint32_t out = (uint32_t)rev_bits_in_bytes(__builtin_bswap32((uint32_t)(w->acc >> 32)));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        out = __builtin_bswap32(out);
#endif
        memcpy(w->p, &out, 4);
        w->p += 4;
        w->acc <<= 32;
        w->cnt -= 32;
    }
}

/* Writes the pending bits, padded with zero bits to a whole byte. */
static inline void bw_flush(bit_writer *w)
{
    while (w->cnt > 0) {
        *w->p++ = rev8((uint8_t)(w->acc >> 56));
        w->acc <<= 8;
        w->cnt = w->cnt > 8 ? w->cnt - 8 : 0;
    }
    w->acc = 0;
}

/* Truncated binary code of x in [0, r), r >= 2. */
static void bw_truncated(bit_writer *w, uint32_t x, uint32_t r)
{
    unsigned k = log2_floor(r);
    uint64_t u = (2ull << k) - r;
    if (x < u)
        bw_put(w, x, k);
    else
        bw_put(w, (uint32_t)(x + u), k + 1);
}

/* BIC of w[0..m) in [lo, hi]; recursion on the left half (depth < 8 for a
 * block), a loop on the right. A range the values fill (r == 1) needs no
 * bits, nor do its subtrees: they are filled too. */
static void bic_encode(bit_writer *bw, const uint32_t *w, uint32_t m, uint32_t lo, uint32_t hi)
{
    while (m > 0) {
        uint32_t r = hi - lo + 2 - m;
        if (r == 1)
            return;
        uint32_t mid = m / 2;
        bw_truncated(bw, w[mid] - lo - mid, r);
        bic_encode(bw, w, mid, lo, w[mid] - 1);
        lo = w[mid] + 1;
        w += mid + 1;
        m -= mid + 1;
    }
}

static size_t encode_payload(uint8_t *out, const uint32_t *w, uint32_t m, uint32_t lo, uint32_t hi)
{
    bit_writer bw = {out, 0, 0};
    bic_encode(&bw, w, m, lo, hi);
    bw_flush(&bw);
    return (size_t)(bw.p - out);
}

size_t nq_ilist_bound(uint64_t n)
{
    uint64_t nb = n / BLOCK, tail_n = n % BLOCK;
    uint64_t tail = tail_n ? MAX_VARINT32 + 4 * (tail_n - 1) : 0;
    return (size_t)(nb * (MAX_SKIP_ENTRY + MAX_PAYLOAD) + tail);
}

/* Payloads go first to out + 7 * nb, past the longest possible skip area,
 * so each skip entry can be written as soon as its block's size is known;
 * one memmove then closes the gap. No allocation, one pass. */
size_t nq_ilist_encode(const uint32_t *v, uint64_t n, uint8_t *out)
{
    uint64_t nb = n / BLOCK;
    uint8_t *skip = out, *payloads = out + MAX_SKIP_ENTRY * nb, *q = payloads;
    uint32_t lo = 0; /* last_{b-1} + 1 */
    for (uint64_t b = 0; b < nb; b++) {
        const uint32_t *x = v + b * BLOCK;
        uint32_t last = x[BLOCK - 1];
        size_t size = encode_payload(q, x, BLOCK - 1, lo, last - 1);
        skip += nq_varint_put(skip, last - lo);
        skip += nq_varint_put(skip, size);
        q += size;
        lo = last + 1;
    }
    if (n % BLOCK) {
        const uint32_t *x = v + nb * BLOCK;
        uint32_t last = v[n - 1];
        q += nq_varint_put(q, last - lo);
        q += encode_payload(q, x, (uint32_t)(n % BLOCK) - 1, lo, last - 1);
    }
    size_t tail = (size_t)(q - payloads);
    memmove(skip, payloads, tail);
    return (size_t)(skip - out) + tail;
}

/* ---- bit reader ---- */

typedef struct bit_reader {
    uint64_t buf;         /* cnt valid bits from bit 63 down; below: zero or the stream's next bits */
    unsigned cnt;
    const uint8_t *p;     /* next byte to load */
    const uint8_t *limit; /* never read at or past it */
} bit_reader;

/* Byte loads, when fewer than 8 bytes are left before limit. */
NQ_BIC_INLINE void br_refill_bytes(bit_reader *b)
{
    while (b->cnt <= 56 && b->p < b->limit) {
        b->buf |= (uint64_t)rev8(*b->p++) << (56 - b->cnt);
        b->cnt += 8;
    }
}

/* The same out of line, for the unrolled block kernels where it is rare,
 * and by value: an address passed out would push their reader into
 * memory. */
static __attribute__((noinline)) bit_reader br_refill_bytes_outlined(bit_reader b)
{
    br_refill_bytes(&b);
    return b;
}

/* Tops buf up to at least 56 bits, or to whatever is left before limit.
 * Whole 8-byte loads while 8 bytes remain (Giesen's branchless refill: the
 * extra bits loaded past cnt are the stream's own, so loading them again
 * later ORs the same bits), byte loads near the end. near_end is a
 * constant: 1 where the byte path is common (a tail sits at the end of its
 * list, and short lists are all tail), 0 for full blocks. */
NQ_BIC_INLINE void br_refill(bit_reader *b, const int near_end)
{
    if (b->limit - b->p >= 8) {
        b->buf |= load_msb64(b->p) >> b->cnt;
        b->p += (63 - b->cnt) >> 3;
        b->cnt |= 56;
    } else if (near_end) {
        br_refill_bytes(b);
    } else {
        *b = br_refill_bytes_outlined(*b);
    }
}

/* Reads a truncated binary code for r >= 2 into *x (always < r: every
 * (k+1)-bit word at or above 2u maps into [u, r)). -1 when the bits run
 * out. With lz = clz(r), k = 31 - lz and 2^(k+1) = 2^32 >> lz; y is the
 * next k + 1 bits and the k-bit form applies when y / 2 < u, i.e. y < 2u,
 * which spares a shift on the path from r to x. The choice is branch-free. */
NQ_BIC_INLINE int br_truncated(bit_reader *b, uint32_t r, uint32_t *x, const int near_end)
{
    if (b->cnt < 32)
        br_refill(b, near_end);
    unsigned lz = (unsigned)__builtin_clz(r);
    uint64_t y = (b->buf >> 32) >> lz;
    uint64_t u = (0x100000000ull >> lz) - r;
    unsigned longer = y >= 2 * u;
    unsigned used = 31 - lz + longer;
    if (used > b->cnt)
        return -1;
    *x = (uint32_t)(longer ? y - u : y >> 1);
    b->buf <<= used;
    b->cnt -= used;
    return 0;
}

/* After a payload [p, p + size) was decoded: it must have used its last
 * byte but no more, and its padding bits must be zero. */
static int br_finish(const bit_reader *b, const uint8_t *p, size_t size)
{
    /* Bits used: everything loaded minus what is still buffered. */
    uint64_t used = (uint64_t)(b->p - p) * 8 - b->cnt;
    if (used > (uint64_t)size * 8 || (uint64_t)size * 8 - used >= 8)
        return -1;
    unsigned pad = (unsigned)((uint64_t)size * 8 - used);
    /* The padding shares the last used bit's byte, so it is loaded. */
    return pad && (b->buf >> (64 - pad)) != 0 ? -1 : 0;
}

/* ---- decoder kernels ----
 * The chain from a decoded value to the next code's length runs through
 * clz: BSR, the only form plain x86-64 has, takes several cycles on some
 * CPUs where LZCNT takes one (about 20% of the decode time on an AMD EPYC).
 * So on x86-64 the kernels are built twice, plain and with
 * target("lzcnt"), and chosen per call, as the PFor SIMD paths are. */

/* -DNQ_BIC_LZCNT=0 builds the plain kernels only (the tests use it to run
 * them on CPUs that have LZCNT). */
#ifndef NQ_BIC_LZCNT
#if defined(__x86_64__) && !defined(__LZCNT__) && defined(__GNUC__) && !defined(__clang__)
#define NQ_BIC_LZCNT 1
#else
#define NQ_BIC_LZCNT 0
#endif
#endif

/* Values that fill their range lo, lo + 1, ...: out of line, so that the
 * unrolled kernels stay small. */
static __attribute__((noinline)) void fill_run(uint32_t *w, uint32_t m, uint32_t lo)
{
    for (uint32_t i = 0; i < m; i++)
        w[i] = lo + i;
}

/* A subtree still to decode: m values from w on, the smallest >= lo, with
 * r choices for its middle value. */
typedef struct bic_frame {
    uint32_t *w;
    uint32_t m, lo, r;
} bic_frame;

/* The BIC code of m values, the smallest >= lo, whose root has r >= 1
 * choices (r = hi - lo + 2 - m for the range [lo, hi]), into w.
 *
 * Pre-order with an explicit stack: decode the middle, push the right
 * subtree, go on left. A subtree is carried as (lo, r) rather than
 * (lo, hi): with x = w[mid] - (lo + mid), the left child has r' = x + 1 and
 * the right one r'' = r - x, which keeps the decoded bits -> next range ->
 * next code length chain short. A range its values fill (r == 1) takes no
 * bits, nor do its subtrees. */
NQ_BIC_INLINE int stack_decode(bit_reader *br, uint32_t *w, uint32_t m, uint32_t lo, uint32_t r)
{
    bic_frame stack[STACK_DEPTH];
    unsigned sp = 0;
    for (;;) {
        while (m > 0) {
            if (r == 1) {
                for (uint32_t i = 0; i < m; i++)
                    w[i] = lo + i;
                break;
            }
            uint32_t mid = m / 2, x;
            if (br_truncated(br, r, &x, 1) < 0)
                return -1;
            uint32_t v = lo + mid + x;
            w[mid] = v;
            if (m - mid - 1 > 0) {
                if (sp == STACK_DEPTH)
                    return -1;
                stack[sp++] = (bic_frame){w + mid + 1, m - mid - 1, v + 1, r - x};
            }
            m = mid;
            r = x + 1;
        }
        if (sp == 0)
            return 0;
        sp--;
        w = stack[sp].w;
        m = stack[sp].m;
        lo = stack[sp].lo;
        r = stack[sp].r;
    }
}

/* Full blocks are a perfect tree: 127 = 2^7 - 1 values split at mid = 63
 * into two halves of 63, and so on down to single values. So the bottom
 * 15-value subtrees are unrolled, one function per size with the size a
 * constant. */

NQ_BIC_INLINE int dec1(bit_reader *br, uint32_t *w, uint32_t lo, uint32_t r)
{
    uint32_t x = 0;
    if (r > 1 && br_truncated(br, r, &x, 0) < 0)
        return -1;
    w[0] = lo + x;
    return 0;
}

#define NQ_BIC_LEVEL(M, H)                                                                         \
    NQ_BIC_INLINE int dec##M(bit_reader *br, uint32_t *w, uint32_t lo, uint32_t r)                 \
    {                                                                                              \
        if (r == 1) {                                                                              \
            fill_run(w, M, lo);                                                                    \
            return 0;                                                                              \
        }                                                                                          \
        uint32_t x;                                                                                \
        if (br_truncated(br, r, &x, 0) < 0)                                                        \
            return -1;                                                                             \
        uint32_t v = lo + H + x;                                                                   \
        w[H] = v;                                                                                  \
        if (dec##H(br, w, lo, x + 1) < 0)                                                          \
            return -1;                                                                             \
        return dec##H(br, w + H + 1, v + 1, r - x);                                                \
    }

NQ_BIC_LEVEL(3, 1)
NQ_BIC_LEVEL(7, 3)
NQ_BIC_LEVEL(15, 7)

#undef NQ_BIC_LEVEL

/* A kernel takes the reader by pointer and works on a local copy whose
 * address never escapes: the stores to w (uint32_t, which may alias the
 * reader's unsigned count) then do not force it through memory. */
typedef int (*dec15_fn)(bit_reader *brp, uint32_t *w, uint32_t lo, uint32_t r);
typedef int (*stack_fn)(bit_reader *brp, uint32_t *w, uint32_t m, uint32_t lo, uint32_t r);

#define NQ_BIC_KERNELS(SUFFIX, ATTR)                                                               \
    static ATTR int dec15_##SUFFIX(bit_reader *brp, uint32_t *w, uint32_t lo, uint32_t r)          \
    {                                                                                              \
        bit_reader br = *brp;                                                                      \
        int rc = dec15(&br, w, lo, r);                                                             \
        *brp = br;                                                                                 \
        return rc;                                                                                 \
    }                                                                                              \
    static ATTR int stack_##SUFFIX(bit_reader *brp, uint32_t *w, uint32_t m, uint32_t lo,          \
                                   uint32_t r)                                                     \
    {                                                                                              \
        bit_reader br = *brp;                                                                      \
        int rc = stack_decode(&br, w, m, lo, r);                                                   \
        *brp = br;                                                                                 \
        return rc;                                                                                 \
    }

NQ_BIC_KERNELS(plain, __attribute__((noinline)))
#if NQ_BIC_LZCNT
NQ_BIC_KERNELS(lzcnt, __attribute__((noinline, target("lzcnt"))))
#endif

#undef NQ_BIC_KERNELS

typedef struct bic_kernels {
    dec15_fn dec15;
    stack_fn stack;
} bic_kernels;

/* The kernels for this CPU. Asked per call rather than cached: the answer
 * is a load and a test, and a cache would be global mutable state. */
static bic_kernels pick_kernels(void)
{
#if NQ_BIC_LZCNT
    if (__builtin_cpu_supports("lzcnt"))
        return (bic_kernels){dec15_lzcnt, stack_lzcnt};
#endif
    return (bic_kernels){dec15_plain, stack_plain};
}

/* The top of a full block's tree, above the 15-value subtrees: 7 nodes,
 * m = 127, 63 or 31. */
static int dec_upper(const bic_kernels *k, bit_reader *br, uint32_t *w, uint32_t m, uint32_t lo,
                     uint32_t r)
{
    if (m == 15)
        return k->dec15(br, w, lo, r);
    if (r == 1) {
        for (uint32_t i = 0; i < m; i++)
            w[i] = lo + i;
        return 0;
    }
    uint32_t h = m / 2, x;
    if (br_truncated(br, r, &x, 0) < 0)
        return -1;
    uint32_t v = lo + h + x;
    w[h] = v;
    if (dec_upper(k, br, w, h, lo, x + 1) < 0)
        return -1;
    return dec_upper(k, br, w + h + 1, h, v + 1, r - x);
}

/* Decodes the BIC code of m values in [lo, hi] (hi - lo + 1 >= m, checked
 * by the caller) from the payload [p, p + size) into w. Reads may run past
 * the payload up to limit (the list's end) to keep 8-byte loads; a payload
 * that used more or fewer bits than its size, or non-zero padding, is
 * corrupt. */
static int bic_decode(const bic_kernels *k, const uint8_t *p, size_t size, const uint8_t *limit,
                      uint32_t *w, uint32_t m, uint32_t lo, uint32_t hi)
{
    bit_reader br = {0, 0, p, limit};
    if (m > 0) {
        uint32_t r = hi - lo + 2 - m;
        int rc = m == BLOCK - 1 ? dec_upper(k, &br, w, m, lo, r) : k->stack(&br, w, m, lo, r);
        if (rc < 0)
            return -1;
    }
    return br_finish(&br, p, size);
}

/* ---- skip area ---- */

static unsigned varint_len(uint64_t v)
{
    unsigned n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* A varint in its shortest form, < 2^32; 0 or -1. */
static int get_u32(const uint8_t **q, const uint8_t *end, uint64_t *v)
{
    const uint8_t *start = *q;
    if (nq_varint_get(q, end, v) < 0 || *v > 0xFFFFFFFFu)
        return -1;
    return (size_t)(*q - start) == varint_len(*v) ? 0 : -1;
}

/* One skip entry at *q (before end), for a block whose values start at lo:
 * its range [lo, lo + gap - 1] must hold 127 values, its last lo + gap be a
 * valid value, and its size fit the format's maximum; an empty payload
 * exactly when the values fill the range. */
static int skip_read(const uint8_t **q, const uint8_t *end, uint64_t lo, uint64_t *gap,
                     uint64_t *size)
{
    if (get_u32(q, end, gap) < 0 || get_u32(q, end, size) < 0)
        return -1;
    if (*gap < BLOCK - 1 || lo + *gap > MAXV || *size > MAX_PAYLOAD)
        return -1;
    return (*gap == BLOCK - 1) == (*size == 0) ? 0 : -1;
}

/* Block values from its payload [p, p + size) and its skip entry. */
static int decode_block(const bic_kernels *k, const nq_ilist *l, const uint8_t *p, uint64_t size,
                        uint64_t lo, uint64_t gap, uint32_t *out)
{
    const uint8_t *end = l->data + l->len;
    if (p > end || size > (uint64_t)(end - p))
        return -1;
    uint32_t last = (uint32_t)(lo + gap);
    if (bic_decode(k, p, (size_t)size, end, out, BLOCK - 1, (uint32_t)lo, last - 1) < 0)
        return -1;
    out[BLOCK - 1] = last;
    return 0;
}

static int decode_tail(const bic_kernels *k, const nq_ilist *l, uint32_t *out)
{
    const uint8_t *end = l->data + l->len;
    if (bic_decode(k, l->tail, l->tail_len, end, out, l->tail_n - 1, l->tail_lo, l->last - 1) < 0)
        return -1;
    out[l->tail_n - 1] = l->last;
    return 0;
}

/* The tail's varint and bounds; lo = L + 1. */
static int open_tail(nq_ilist *l, const uint8_t *q, uint64_t lo)
{
    const uint8_t *end = l->data + l->len;
    uint64_t t;
    if (get_u32(&q, end, &t) < 0 || lo + t > MAXV || t < l->tail_n - 1)
        return -1;
    l->tail = q;
    l->tail_len = (size_t)(end - q);
    l->tail_lo = (uint32_t)lo;
    l->last = (uint32_t)(lo + t);
    /* Bits are needed exactly when the range has spare slots for m > 0
     * values (r > 1 at the root). */
    unsigned m = l->tail_n - 1;
    if ((m > 0 && t > m) != (l->tail_len > 0))
        return -1;
    uint32_t buf[BLOCK];
    bic_kernels k = pick_kernels();
    return decode_tail(&k, l, buf);
}

int nq_ilist_open(nq_ilist *l, const uint8_t *data, size_t len, uint64_t n)
{
    memset(l, 0, sizeof *l);
    uint64_t nb = n / BLOCK;
    /* n distinct values below 2^32 - 1; a skip entry takes >= 2 bytes. */
    if (n == 0 || n > MAXV + 1ull || nb > len / 2)
        return -1;
    l->data = data;
    l->len = len;
    l->n = n;
    l->nb = nb;
    l->tail_n = (unsigned)(n % BLOCK);
    const uint8_t *q = data, *end = data + len;
    uint64_t lo = 0, total = 0, gap = 0, size;
    for (uint64_t b = 0; b < nb; b++) {
        if (skip_read(&q, end, lo, &gap, &size) < 0)
            return -1;
        lo += gap + 1;
        total += size;
        if (total > (uint64_t)(end - q))
            return -1;
    }
    l->payloads = q;
    l->last = (uint32_t)(lo - 1);
    const uint8_t *tail = q + total;
    if (l->tail_n == 0)
        return tail == end ? 0 : -1;
    return open_tail(l, tail, lo);
}

int nq_ilist_decode_all(const nq_ilist *l, uint32_t *out)
{
    const uint8_t *q = l->data, *p = l->payloads;
    uint64_t lo = 0, gap, size;
    bic_kernels k = pick_kernels();
    for (uint64_t b = 0; b < l->nb; b++) {
        if (skip_read(&q, l->payloads, lo, &gap, &size) < 0 ||
            decode_block(&k, l, p, size, lo, gap, out + b * BLOCK) < 0)
            return -1;
        p += size;
        lo += gap + 1;
    }
    return l->tail_n ? decode_tail(&k, l, out + l->nb * BLOCK) : 0;
}

/* ---- cursor ---- */

void nq_ilist_cursor_init(nq_ilist_cursor *c, const nq_ilist *l)
{
    c->l = l;
    c->skip = l->data;
    c->payload = l->payloads;
    c->next = 0;
    c->lo = 0;
    c->count = 0;
    c->pos = 0;
    c->state = 0;
}

static int cursor_fail(nq_ilist_cursor *c)
{
    c->state = -1;
    return -1;
}


/* Moves to the first value >= target in buf from index from on; buf's last
 * value is >= target (it came from the skip data, or from open). */
static int cursor_land(nq_ilist_cursor *c, unsigned from, uint32_t target, uint32_t *out)
{
    c->pos = (unsigned)nq_gallop_u32(c->buf, c->count, from, target);
    c->state = 1;
    *out = c->buf[c->pos];
    return 1;
}

/* Walks the skip entries from block c->next on, past every block whose
 * last is < target, and decodes the first other one (or the tail) into
 * buf. 1 when loaded, 0 when no value >= target is left, -1 corrupt. */
static int cursor_load(nq_ilist_cursor *c, uint32_t target)
{
    const nq_ilist *l = c->l;
    while (c->next < l->nb) {
        uint64_t gap, size;
        if (skip_read(&c->skip, l->payloads, c->lo, &gap, &size) < 0)
            return -1;
        const uint8_t *p = c->payload;
        uint64_t lo = c->lo;
        c->payload += size;
        c->lo += gap + 1;
        c->next++;
        if (lo + gap >= target) {
            c->count = BLOCK;
            bic_kernels k = pick_kernels();
            return decode_block(&k, l, p, size, lo, gap, c->buf) < 0 ? -1 : 1;
        }
    }
    if (c->next == l->nb && l->tail_n && l->last >= target) {
        c->next++;
        c->count = l->tail_n;
        bic_kernels k = pick_kernels();
        return decode_tail(&k, l, c->buf) < 0 ? -1 : 1;
    }
    return 0;
}

int nq_ilist_cursor_next_geq(nq_ilist_cursor *c, uint32_t target, uint32_t *out)
{
    if (c->state < 0)
        return -1;
    if (c->state == 2)
        return 0;
    if (c->state == 1) {
        if (c->buf[c->pos] >= target) {
            *out = c->buf[c->pos];
            return 1;
        }
        if (c->buf[c->count - 1] >= target)
            return cursor_land(c, c->pos + 1, target, out);
    }
    int r = cursor_load(c, target);
    if (r < 0)
        return cursor_fail(c);
    if (r == 0) {
        c->state = 2;
        return 0;
    }
    return cursor_land(c, 0, target, out);
}

int nq_ilist_cursor_next(nq_ilist_cursor *c, uint32_t *out)
{
    if (c->state == 1 && c->pos + 1 < c->count) {
        *out = c->buf[++c->pos];
        return 1;
    }
    /* The next block's values are all above this one's last, which is at
     * most 2^32 - 2, so + 1 does not wrap. */
    uint32_t target = c->state == 1 ? c->buf[c->count - 1] + 1 : 0;
    return nq_ilist_cursor_next_geq(c, target, out);
}

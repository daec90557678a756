/* Posting-list block codec: format in postings_codec.h. This file holds the
 * encoder, the checks, the scalar kernels and the dispatch; the SIMD kernels
 * are in postings_codec_x86.c and postings_codec_neon.c. */
#include "postings_codec.h"

#include <string.h>

#include "gallop.h"
#include "postings_codec_simd.h"
#include "varint.h"

#define BLOCK NQ_PLIST_BLOCK
#define SKIP_ENTRY 8u
/* b = 32 costs 2 + 16 * 32 bytes and needs no exceptions, so the encoder's
 * minimum never exceeds it. */
#define MAX_BLOCK_BYTES (2u + 16u * 32u)
#define TAIL_VARINT_MAX 5u

/* ---- little-endian words (the format is little-endian on every host) ---- */

static inline uint32_t ld32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap32(v);
#endif
    return v;
}

static inline void st32(uint8_t *p, uint32_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap32(v);
#endif
    memcpy(p, &v, 4);
}

static inline uint32_t low_mask(unsigned b)
{
    return b >= 32 ? 0xFFFFFFFFu : (1u << b) - 1u;
}

static inline unsigned bits32(uint32_t v)
{
    return v ? 32u - (unsigned)__builtin_clz(v) : 0u;
}

/* ---- path selection ---- */

int nq_simd_available(nq_simd s)
{
    switch (s) {
    case NQ_SIMD_SCALAR:
        return 1;
#if defined(__x86_64__)
    case NQ_SIMD_SSE41:
        return __builtin_cpu_supports("sse4.1") ? 1 : 0;
#endif
#if defined(__aarch64__)
    case NQ_SIMD_NEON:
        return 1;
#endif
    default:
        /* AVX2 has no kernel yet: the layout has 4 lanes, so a 256-bit
         * register would hold two distant slots whose bit offsets and
         * prefix-sum carries differ; not worth it until SSE4.1 is the
         * bottleneck of a query. NQ_SIMD_AVX2 falls back to scalar. */
        return 0;
    }
}

nq_simd nq_simd_best(void)
{
    static const nq_simd order[] = {NQ_SIMD_AVX2, NQ_SIMD_SSE41, NQ_SIMD_NEON};
    for (size_t i = 0; i < sizeof order / sizeof *order; i++)
        if (nq_simd_available(order[i]))
            return order[i];
    return NQ_SIMD_SCALAR;
}

static const char *const simd_names[] = {"scalar", "sse4.1", "avx2", "neon"};

const char *nq_simd_name(nq_simd s)
{
    return (unsigned)s < sizeof simd_names / sizeof *simd_names ? simd_names[s] : "?";
}

int nq_simd_parse(const char *name, nq_simd *out)
{
    if (!name)
        return -1;
    if (strcmp(name, "best") == 0) {
        *out = nq_simd_best();
        return 0;
    }
    for (unsigned i = 0; i < sizeof simd_names / sizeof *simd_names; i++) {
        if (strcmp(name, simd_names[i]) == 0) {
            *out = (nq_simd)i;
            return 0;
        }
    }
    return -1;
}

/* A path the CPU lacks would fault on its first instruction: scalar instead. */
static nq_simd resolve(nq_simd s)
{
    return nq_simd_available(s) ? s : NQ_SIMD_SCALAR;
}

/* ---- scalar kernels ---- */

/* One width, inlined with b constant so that every shift and word index of
 * the unrolled slot loop is folded. */
static inline __attribute__((always_inline)) void unpack_width(const uint8_t *in, const unsigned b,
                                                               uint32_t *out)
{
    const uint32_t mask = low_mask(b);
    for (unsigned j = 0; j < 4; j++) {
#pragma GCC unroll 32
        for (unsigned s = 0; s < 32; s++) {
            unsigned pos = s * b, k = pos >> 5, off = pos & 31;
            uint32_t v = ld32(in + 4 * (4 * k + j)) >> off;
            if (off + b > 32)
                v |= ld32(in + 4 * (4 * (k + 1) + j)) << (32 - off);
            out[4 * s + j] = v & mask;
        }
    }
}

#define NQ_PC_CASE(w)                                                                              \
    case w:                                                                                        \
        unpack_width(in, w, out);                                                                  \
        break;

static void unpack_scalar(const uint8_t *in, unsigned b, uint32_t *out)
{
    switch (b) {
        NQ_PC_CASE(1) NQ_PC_CASE(2) NQ_PC_CASE(3) NQ_PC_CASE(4) NQ_PC_CASE(5) NQ_PC_CASE(6)
        NQ_PC_CASE(7) NQ_PC_CASE(8) NQ_PC_CASE(9) NQ_PC_CASE(10) NQ_PC_CASE(11) NQ_PC_CASE(12)
        NQ_PC_CASE(13) NQ_PC_CASE(14) NQ_PC_CASE(15) NQ_PC_CASE(16) NQ_PC_CASE(17) NQ_PC_CASE(18)
        NQ_PC_CASE(19) NQ_PC_CASE(20) NQ_PC_CASE(21) NQ_PC_CASE(22) NQ_PC_CASE(23) NQ_PC_CASE(24)
        NQ_PC_CASE(25) NQ_PC_CASE(26) NQ_PC_CASE(27) NQ_PC_CASE(28) NQ_PC_CASE(29) NQ_PC_CASE(30)
        NQ_PC_CASE(31) NQ_PC_CASE(32)
    default:
        memset(out, 0, BLOCK * sizeof *out);
        break;
    }
}

#undef NQ_PC_CASE

static void prefix_scalar(uint32_t *v, unsigned n, uint32_t base)
{
    for (unsigned i = 0; i < n; i++) {
        base += v[i] + 1;
        v[i] = base;
    }
}

/* ---- dispatch: b == 0 is handled here so kernels see 1 <= b <= 32 ---- */

static void k_unpack(nq_simd s, const uint8_t *in, unsigned b, uint32_t *out)
{
    if (b == 0) {
        memset(out, 0, BLOCK * sizeof *out);
        return;
    }
#if defined(__x86_64__)
    if (s == NQ_SIMD_SSE41) {
        nq_pc_unpack_sse41(in, b, out);
        return;
    }
#endif
#if defined(__aarch64__)
    if (s == NQ_SIMD_NEON) {
        nq_pc_unpack_neon(in, b, out);
        return;
    }
#endif
    (void)s;
    unpack_scalar(in, b, out);
}

static void k_prefix(nq_simd s, uint32_t *v, uint32_t base)
{
#if defined(__x86_64__)
    if (s == NQ_SIMD_SSE41) {
        nq_pc_prefix_sse41(v, base);
        return;
    }
#endif
#if defined(__aarch64__)
    if (s == NQ_SIMD_NEON) {
        nq_pc_prefix_neon(v, base);
        return;
    }
#endif
    (void)s;
    prefix_scalar(v, BLOCK, base);
}

/* A block without exceptions: unpack and prefix sum fused on SIMD paths,
 * so the gaps never go through memory. */
static void k_unpack_values(nq_simd s, const uint8_t *in, unsigned b, uint32_t base, uint32_t *out)
{
    if (b == 0) {
        for (unsigned i = 0; i < BLOCK; i++)
            out[i] = base + i + 1;
        return;
    }
#if defined(__x86_64__)
    if (s == NQ_SIMD_SSE41) {
        nq_pc_unpack_values_sse41(in, b, base, out);
        return;
    }
#endif
#if defined(__aarch64__)
    if (s == NQ_SIMD_NEON) {
        nq_pc_unpack_values_neon(in, b, base, out);
        return;
    }
#endif
    unpack_scalar(in, b, out);
    prefix_scalar(out, BLOCK, base);
    (void)s;
}

/* ---- encoder ---- */

/* The width minimizing the block's bytes, smallest on ties. A gap of w bits
 * costs, at width b < w, one index byte and ceil((w - b) / 7) varint bytes,
 * so a histogram of widths prices every b. */
static unsigned choose_width(const uint32_t *gaps)
{
    unsigned count[33] = {0};
    for (unsigned i = 0; i < BLOCK; i++)
        count[bits32(gaps[i])]++;
    unsigned best_b = 32;
    unsigned best_cost = MAX_BLOCK_BYTES;
    for (unsigned b = 0; b < 32; b++) {
        unsigned cost = 2 + 16 * b;
        for (unsigned w = b + 1; w <= 32; w++)
            cost += count[w] * (1 + (w - b + 6) / 7);
        if (cost <= best_cost && (cost < best_cost || b < best_b)) {
            best_cost = cost;
            best_b = b;
        }
    }
    return best_b;
}

/* The 4-lane vertical layout: gap i is field i / 4 of lane i % 4. */
static void pack_scalar(const uint32_t *gaps, unsigned b, uint8_t *out)
{
    uint32_t words[4 * 32] = {0};
    const uint32_t mask = low_mask(b);
    for (unsigned i = 0; i < BLOCK; i++) {
        unsigned j = i & 3, pos = (i >> 2) * b, k = pos >> 5, off = pos & 31;
        uint32_t x = gaps[i] & mask;
        words[4 * k + j] |= x << off;
        if (off + b > 32)
            words[4 * (k + 1) + j] |= x >> (32 - off);
    }
    for (unsigned w = 0; w < 4 * b; w++)
        st32(out + 4 * w, words[w]);
}

static size_t encode_block(const uint32_t *gaps, uint8_t *out)
{
    unsigned b = choose_width(gaps);
    uint8_t *p = out + 2 + 16 * b;
    unsigned e = 0;
    pack_scalar(gaps, b, out + 2);
    for (unsigned i = 0; i < BLOCK; i++)
        if (b < 32 && gaps[i] >> b)
            p[e++] = (uint8_t)i;
    uint8_t *q = p + e;
    for (unsigned x = 0; x < e; x++)
        q += nq_varint_put(q, gaps[p[x]] >> b);
    out[0] = (uint8_t)b;
    out[1] = (uint8_t)e;
    return (size_t)(q - out);
}

size_t nq_plist_bound(uint64_t n)
{
    uint64_t nb = n / BLOCK;
    return (size_t)(nb * (SKIP_ENTRY + MAX_BLOCK_BYTES) + (n % BLOCK) * TAIL_VARINT_MAX);
}

size_t nq_plist_encode(const uint32_t *v, uint64_t n, uint8_t *out)
{
    uint64_t nb = n / BLOCK;
    uint8_t *blocks = out + SKIP_ENTRY * nb;
    size_t off = 0;
    uint32_t prev = 0xFFFFFFFFu;
    uint32_t gaps[BLOCK];
    for (uint64_t k = 0; k < nb; k++) {
        const uint32_t *x = v + k * BLOCK;
        for (unsigned i = 0; i < BLOCK; i++) {
            gaps[i] = x[i] - prev - 1;
            prev = x[i];
        }
        off += encode_block(gaps, blocks + off);
        /* off < 2^32 for any strictly increasing list: big blocks need big
         * gaps, and the gaps of one list sum to less than 2^32. */
        st32(out + SKIP_ENTRY * k, prev);
        st32(out + SKIP_ENTRY * k + 4, (uint32_t)off);
    }
    uint8_t *q = blocks + off;
    for (uint64_t i = nb * BLOCK; i < n; i++) {
        q += nq_varint_put(q, (uint32_t)(v[i] - prev - 1));
        prev = v[i];
    }
    return (size_t)(q - out);
}

/* ---- decoder ---- */

static inline uint32_t skip_last(const nq_plist *p, uint64_t k)
{
    return ld32(p->data + SKIP_ENTRY * k);
}

static inline uint32_t skip_end(const nq_plist *p, uint64_t k)
{
    return ld32(p->data + SKIP_ENTRY * k + 4);
}

/* The value before block k: the previous block's last, or v_{-1}. */
static inline uint32_t block_base(const nq_plist *p, uint64_t k)
{
    return k ? skip_last(p, k - 1) : 0xFFFFFFFFu;
}

/* The tail's values into out; its count, or -1 when a varint overruns len,
 * a value passes 0xFFFFFFFE or bytes are left over. */
static int decode_tail(const nq_plist *p, uint32_t *out)
{
    const uint8_t *q = p->tail, *end = p->data + p->len;
    /* From v_{-1} = -1 (kept in 64 bits, so the first value is d_0). */
    uint64_t v = p->nb ? skip_last(p, p->nb - 1) : UINT64_MAX;
    for (unsigned i = 0; i < p->tail_n; i++) {
        uint64_t d;
        if (nq_varint_get(&q, end, &d) < 0 || d > 0xFFFFFFFEu)
            return -1;
        v += d + 1;
        if (v > 0xFFFFFFFEu)
            return -1;
        out[i] = (uint32_t)v;
    }
    return q == end ? (int)p->tail_n : -1;
}

int nq_plist_open(nq_plist *p, const uint8_t *data, size_t len, uint64_t n)
{
    memset(p, 0, sizeof *p);
    uint64_t nb = n / BLOCK;
    if (n > 0xFFFFFFFFu || nb > len / SKIP_ENTRY)
        return -1;
    p->data = data;
    p->len = len;
    p->n = n;
    p->nb = nb;
    p->blocks = data + SKIP_ENTRY * nb;
    p->blocks_len = len - SKIP_ENTRY * nb;
    p->tail_n = (unsigned)(n % BLOCK);
    uint64_t prev_end = 0, prev_last = 0;
    for (uint64_t k = 0; k < nb; k++) {
        uint64_t end = skip_end(p, k), last = skip_last(p, k);
        /* A block has at least its 2 header bytes; its 128 values rise by
         * at least 128 from the previous block's last (v_{-1} = -1). */
        if (end < prev_end + 2 || end > p->blocks_len)
            return -1;
        if (k == 0 ? last < BLOCK - 1 : last < prev_last + BLOCK)
            return -1;
        prev_end = end;
        prev_last = last;
    }
    p->tail = p->blocks + prev_end;
    if (p->tail_n == 0)
        return p->tail == data + len ? 0 : -1;
    uint32_t buf[BLOCK];
    if (decode_tail(p, buf) < 0)
        return -1;
    p->tail_last = buf[p->tail_n - 1];
    return 0;
}

uint64_t nq_plist_blocks(const nq_plist *p)
{
    return p->nb + (p->tail_n ? 1 : 0);
}

uint32_t nq_plist_block_last(const nq_plist *p, uint64_t b)
{
    return b < p->nb ? skip_last(p, b) : p->tail_last;
}

/* Adds the exceptions' high parts to the gaps g; q..end is the block from
 * its exception indices on, which the varints must use up exactly. */
static int patch(uint32_t *g, unsigned b, unsigned e, const uint8_t *q, const uint8_t *end)
{
    const uint8_t *index = q;
    int prev = -1;
    q += e;
    for (unsigned x = 0; x < e; x++) {
        unsigned i = index[x];
        uint64_t high;
        if ((int)i <= prev || i >= BLOCK)
            return -1;
        prev = (int)i;
        /* Most high parts take one byte: read those without the loop. */
        if (q < end && *q < 0x80)
            high = *q++;
        else if (nq_varint_get(&q, end, &high) < 0)
            return -1;
        /* b < 32 here: a 32-bit block has no exceptions. */
        if (high == 0 || high > (0xFFFFFFFFu >> b))
            return -1;
        g[i] |= (uint32_t)high << b;
    }
    return q == end ? 0 : -1;
}

static int decode_full(const nq_plist *p, uint64_t k, uint32_t *out, nq_simd s)
{
    size_t start = k ? skip_end(p, k - 1) : 0, stop = skip_end(p, k);
    /* Rechecked here (open checked it too) so that a view whose table is
     * not trusted still never reads past len. */
    if (stop > p->blocks_len || start + 2 > stop)
        return -1;
    const uint8_t *q = p->blocks + start, *end = p->blocks + stop;
    unsigned b = q[0], e = q[1];
    if (b > 32 || e > BLOCK || (b == 32 && e != 0) || stop - start < 2 + 16 * b + e)
        return -1;
    uint32_t base = block_base(p, k);
    if (e == 0) {
        if (stop - start != 2 + 16 * b)
            return -1;
        k_unpack_values(s, q + 2, b, base, out);
    } else {
        k_unpack(s, q + 2, b, out);
        if (patch(out, b, e, q + 2 + 16 * b, end) < 0)
            return -1;
        k_prefix(s, out, base);
    }
    return out[BLOCK - 1] == skip_last(p, k) ? (int)BLOCK : -1;
}

static int decode_block_resolved(const nq_plist *p, uint64_t b, uint32_t *out, nq_simd s)
{
    if (b < p->nb)
        return decode_full(p, b, out, s);
    if (b == p->nb && p->tail_n)
        return decode_tail(p, out);
    return -1;
}

int nq_plist_decode_block(const nq_plist *p, uint64_t b, uint32_t out[NQ_PLIST_BLOCK], nq_simd s)
{
    return decode_block_resolved(p, b, out, resolve(s));
}

int nq_plist_decode_all(const nq_plist *p, uint32_t *out, nq_simd s)
{
    s = resolve(s);
    uint64_t total = nq_plist_blocks(p);
    for (uint64_t k = 0; k < total; k++)
        if (decode_block_resolved(p, k, out + k * BLOCK, s) < 0)
            return -1;
    return 0;
}

uint64_t nq_plist_seek_block(const nq_plist *p, uint64_t from_block, uint32_t target)
{
    uint64_t nb = p->nb, total = nq_plist_blocks(p);
    if (from_block >= total)
        return total;
    if (from_block < nb) {
        if (skip_last(p, from_block) >= target)
            return from_block;
        /* Gallop: lo's last < target; hi is nb or a block whose last >= target. */
        uint64_t lo = from_block, hi = from_block + 1, step = 1;
        while (hi < nb && skip_last(p, hi) < target) {
            lo = hi;
            step <<= 1;
            hi = lo + step;
        }
        if (hi > nb)
            hi = nb;
        while (hi - lo > 1) {
            uint64_t mid = lo + (hi - lo) / 2;
            if (skip_last(p, mid) < target)
                lo = mid;
            else
                hi = mid;
        }
        if (hi < nb)
            return hi;
    }
    return p->tail_n && p->tail_last >= target ? nb : total;
}

/* ---- cursor ---- */

void nq_plist_cursor_init(nq_plist_cursor *c, const nq_plist *p, nq_simd s)
{
    c->p = p;
    c->simd = resolve(s);
    c->block = nq_plist_blocks(p);
    c->count = 0;
    c->pos = 0;
    c->state = 0;
}

static int cursor_load(nq_plist_cursor *c, uint64_t k)
{
    int r = decode_block_resolved(c->p, k, c->buf, c->simd);
    if (r <= 0) {
        c->state = -1;
        return -1;
    }
    c->block = k;
    c->count = (unsigned)r;
    c->pos = 0;
    c->state = 1;
    return 0;
}


/* Moves to the first value >= target in buf from index lo on; the caller
 * knows buf's last value is >= target. */
static int cursor_land(nq_plist_cursor *c, unsigned lo, uint32_t target, uint32_t *out)
{
    unsigned i = (unsigned)nq_gallop_u32(c->buf, c->count, lo, target);
    if (i >= c->count) {
        /* The skip table promised a value >= target: the block lied. */
        c->state = -1;
        return -1;
    }
    c->pos = i;
    *out = c->buf[i];
    return 1;
}

int nq_plist_cursor_next_geq(nq_plist_cursor *c, uint32_t target, uint32_t *out)
{
    if (c->state < 0)
        return -1;
    if (c->state == 2)
        return 0;
    uint64_t from = 0;
    if (c->state == 1) {
        if (c->buf[c->pos] >= target) {
            *out = c->buf[c->pos];
            return 1;
        }
        if (c->buf[c->count - 1] >= target)
            return cursor_land(c, c->pos + 1, target, out);
        from = c->block + 1;
    }
    uint64_t k = nq_plist_seek_block(c->p, from, target);
    if (k >= nq_plist_blocks(c->p)) {
        c->state = 2;
        return 0;
    }
    if (cursor_load(c, k) < 0)
        return -1;
    return cursor_land(c, 0, target, out);
}

int nq_plist_cursor_next(nq_plist_cursor *c, uint32_t *out)
{
    if (c->state < 0)
        return -1;
    if (c->state == 2)
        return 0;
    if (c->state == 1 && c->pos + 1 < c->count) {
        *out = c->buf[++c->pos];
        return 1;
    }
    uint64_t k = c->state == 1 ? c->block + 1 : 0;
    if (k >= nq_plist_blocks(c->p)) {
        c->state = 2;
        return 0;
    }
    if (cursor_load(c, k) < 0)
        return -1;
    *out = c->buf[0];
    return 1;
}

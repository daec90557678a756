/* NEON kernels of the posting-list codec (aarch64, where NEON is always
 * present). Same scheme as the SSE4.1 kernels: one 16-byte load holds the
 * k-th word of the 4 lanes; shifts by a constant-folded count (vshlq_u32
 * with a negative count shifts right); prefix sums with vextq_u32. */
#if defined(__aarch64__)

#include <arm_neon.h>
#include <stdint.h>

#include "postings_codec_simd.h"

#define NQ_NEON_INLINE static inline __attribute__((always_inline))

static inline uint32x4_t load4(const uint8_t *p)
{
    return vreinterpretq_u32_u8(vld1q_u8(p));
}

/* Inclusive prefix sum of 4 lanes plus the running total in carry, which
 * then grows by the 4 lanes' sum (one add on the carry's chain). */
NQ_NEON_INLINE uint32x4_t prefix4(uint32x4_t v, uint32x4_t *carry)
{
    const uint32x4_t zero = vdupq_n_u32(0);
    v = vaddq_u32(v, vextq_u32(zero, v, 3)); /* + [0, v0, v1, v2] */
    v = vaddq_u32(v, vextq_u32(zero, v, 2)); /* + [0, 0, s0, s1] */
    uint32x4_t out = vaddq_u32(v, *carry);
    *carry = vaddq_u32(*carry, vdupq_laneq_u32(v, 3));
    return out;
}

NQ_NEON_INLINE void unpack_width(const uint8_t *in, const unsigned b, uint32_t *out, const int values,
                                 uint32_t base)
{
    const uint32x4_t mask = vdupq_n_u32(b >= 32 ? 0xFFFFFFFFu : (1u << b) - 1u);
    const uint32x4_t one = vdupq_n_u32(1);
    uint32x4_t carry = vdupq_n_u32(base);
#pragma GCC unroll 32
    for (unsigned s = 0; s < 32; s++) {
        const unsigned pos = s * b, k = pos >> 5, off = pos & 31;
        uint32x4_t v = vshlq_u32(load4(in + 16 * k), vdupq_n_s32(-(int)off));
        if (off + b > 32)
            v = vorrq_u32(v, vshlq_u32(load4(in + 16 * (k + 1)), vdupq_n_s32((int)(32 - off))));
        if (off + b != 32)
            v = vandq_u32(v, mask);
        if (values)
            v = prefix4(vaddq_u32(v, one), &carry);
        vst1q_u32(out + 4 * s, v);
    }
}

#define NQ_PC_WIDTH_SWITCH(b, CASE)                                                                \
    switch (b) {                                                                                   \
        CASE(1) CASE(2) CASE(3) CASE(4) CASE(5) CASE(6) CASE(7) CASE(8) CASE(9) CASE(10) CASE(11)  \
        CASE(12) CASE(13) CASE(14) CASE(15) CASE(16) CASE(17) CASE(18) CASE(19) CASE(20) CASE(21)  \
        CASE(22) CASE(23) CASE(24) CASE(25) CASE(26) CASE(27) CASE(28) CASE(29) CASE(30) CASE(31)  \
        CASE(32)                                                                                   \
    default:                                                                                       \
        break;                                                                                     \
    }

void nq_pc_unpack_neon(const uint8_t *in, unsigned b, uint32_t out[128])
{
#define CASE(w)                                                                                    \
    case w:                                                                                        \
        unpack_width(in, w, out, 0, 0);                                                            \
        break;
    NQ_PC_WIDTH_SWITCH(b, CASE)
#undef CASE
}

void nq_pc_unpack_values_neon(const uint8_t *in, unsigned b, uint32_t base, uint32_t out[128])
{
#define CASE(w)                                                                                    \
    case w:                                                                                        \
        unpack_width(in, w, out, 1, base);                                                         \
        break;
    NQ_PC_WIDTH_SWITCH(b, CASE)
#undef CASE
}

void nq_pc_prefix_neon(uint32_t v[128], uint32_t base)
{
    const uint32x4_t one = vdupq_n_u32(1);
    uint32x4_t carry = vdupq_n_u32(base);
    for (unsigned s = 0; s < 32; s++)
        vst1q_u32(v + 4 * s, prefix4(vaddq_u32(vld1q_u32(v + 4 * s), one), &carry));
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int nq_postings_codec_neon_unused;
#endif

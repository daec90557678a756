/* SSE4.1 kernels of the posting-list codec (x86-64). Compiled for any
 * x86-64 through target attributes and chosen at run time, so the library
 * needs no -m flags. The layout stores each lane's k-th word at u32 index
 * 4*k + j, so one 16-byte load holds the k-th word of all 4 lanes and
 * every slot is one shift (two and an or when it straddles words) and a
 * mask for 4 gaps at once, already in list order.
 *
 * The instructions used are all SSE2, which every x86-64 has; the path is
 * still gated on SSE4.1 as the API names it. */
#if defined(__x86_64__)

#include <immintrin.h>
#include <stdint.h>

#include "postings_codec_simd.h"

#define NQ_SSE41 __attribute__((target("sse4.1")))
#define NQ_SSE41_INLINE static inline __attribute__((target("sse4.1"), always_inline))

/* Inclusive prefix sum of 4 lanes plus the running total in carry (all
 * lanes equal), which then grows by the 4 lanes' sum. The carry's chain is
 * one add per vector: the broadcast of the sum is off it. */
NQ_SSE41_INLINE __m128i prefix4(__m128i v, __m128i *carry)
{
    v = _mm_add_epi32(v, _mm_slli_si128(v, 4));
    v = _mm_add_epi32(v, _mm_slli_si128(v, 8));
    __m128i out = _mm_add_epi32(v, *carry);
    *carry = _mm_add_epi32(*carry, _mm_shuffle_epi32(v, 0xFF));
    return out;
}

/* One width, inlined with b constant: the unrolled slot loop then has
 * immediate shifts and fixed load offsets. values != 0 also turns gaps into
 * values (d + 1, prefix sum from base) before the store. */
NQ_SSE41_INLINE void unpack_width(const uint8_t *in, const unsigned b, uint32_t *out, const int values,
                                  uint32_t base)
{
    const __m128i mask = _mm_set1_epi32((int)(b >= 32 ? 0xFFFFFFFFu : (1u << b) - 1u));
    const __m128i one = _mm_set1_epi32(1);
    __m128i carry = _mm_set1_epi32((int)base);
#pragma GCC unroll 32
    for (unsigned s = 0; s < 32; s++) {
        const unsigned pos = s * b, k = pos >> 5, off = pos & 31;
        __m128i v = _mm_srli_epi32(_mm_loadu_si128((const __m128i *)(in + 16 * k)), (int)off);
        if (off + b > 32) {
            __m128i next = _mm_loadu_si128((const __m128i *)(in + 16 * (k + 1)));
            v = _mm_or_si128(v, _mm_slli_epi32(next, (int)(32 - off)));
        }
        if (off + b != 32) /* a field ending at bit 32 has nothing above it */
            v = _mm_and_si128(v, mask);
        if (values)
            v = prefix4(_mm_add_epi32(v, one), &carry);
        _mm_storeu_si128((__m128i *)(out + 4 * s), v);
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

NQ_SSE41 void nq_pc_unpack_sse41(const uint8_t *in, unsigned b, uint32_t out[128])
{
#define CASE(w)                                                                                    \
    case w:                                                                                        \
        unpack_width(in, w, out, 0, 0);                                                            \
        break;
    NQ_PC_WIDTH_SWITCH(b, CASE)
#undef CASE
}

NQ_SSE41 void nq_pc_unpack_values_sse41(const uint8_t *in, unsigned b, uint32_t base, uint32_t out[128])
{
#define CASE(w)                                                                                    \
    case w:                                                                                        \
        unpack_width(in, w, out, 1, base);                                                         \
        break;
    NQ_PC_WIDTH_SWITCH(b, CASE)
#undef CASE
}

NQ_SSE41 void nq_pc_prefix_sse41(uint32_t v[128], uint32_t base)
{
    const __m128i one = _mm_set1_epi32(1);
    __m128i carry = _mm_set1_epi32((int)base);
    for (unsigned s = 0; s < 32; s++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(v + 4 * s));
        _mm_storeu_si128((__m128i *)(v + 4 * s), prefix4(_mm_add_epi32(x, one), &carry));
    }
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int nq_postings_codec_x86_unused;
#endif

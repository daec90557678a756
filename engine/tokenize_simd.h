/*
 * The tokenizer's vector paths (SSE2/SSE4.1 on x86-64, NEON on aarch64)
 * beside its scalar one. Every path gives byte-identical output; the path
 * is picked when a tokenizer is created: nq_simd_best(), unless the
 * environment variable NQ_SIMD (the one engine/index.c reads for the
 * postings codec) names another ("scalar", "sse4.1", "neon"; a name this
 * build or CPU cannot run gives the scalar path).
 *
 * What is vectorized, where the profile says the time goes:
 *  - checking that a title or body is valid UTF-8 (16 bytes per step, the
 *    Keiser-Lemire lookup algorithm), so that valid text, nearly all of it,
 *    is copied whole instead of being sanitized byte by byte;
 *  - finding the end of a run of ASCII letters and digits while writing it
 *    lowercased (16 bytes per step instead of the 8 of ascii.h).
 */
#ifndef NQ_TOKENIZE_SIMD_H
#define NQ_TOKENIZE_SIMD_H

#include <stddef.h>
#include <stdint.h>

#include "postings_codec.h" /* nq_simd and its helpers */
#include "tokenize.h"

#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#define NQ_TOK_VEC_X86 1
#elif defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h>
#define NQ_TOK_VEC_NEON 1
#endif

/* A tokenizer on the given path (one the CPU lacks gives scalar). */
nq_tokenizer *nq_tokenizer_new_simd(nq_simd s);
/* The path a tokenizer runs. */
nq_simd nq_tokenizer_simd(const nq_tokenizer *t);

/* 1 when s[0..n) is well-formed UTF-8 (nothing nq_utf8_sanitize would
 * replace), else 0, on the given path (scalar: nq_utf8_sequence). */
int nq_utf8_valid_simd(nq_simd path, const uint8_t *s, size_t n);

/* Bitmask of the ASCII letters and digits among the 16 bytes at s (bit k
 * for s[k]), exact up to the first byte that is not one (the bits above it
 * may be 0 on NEON): callers only look for that first byte, ctz(~mask).
 * The 16 bytes, OR 0x20 (lowercased letters), go to w. Only on
 * builds with a vector unit (NQ_TOK_VEC_X86 or NQ_TOK_VEC_NEON); the x86
 * one needs SSE2 only, the x86-64 baseline. */
#if defined(NQ_TOK_VEC_X86)
static inline unsigned nq_tok_alnum16(const uint8_t *s, uint8_t *w)
{
    __m128i b = _mm_loadu_si128((const __m128i *)(const void *)s);
    __m128i lower = _mm_or_si128(b, _mm_set1_epi8(0x20));
    _mm_storeu_si128((__m128i *)(void *)w, lower);
    /* Signed compares: bytes >= 0x80 are negative, below every range. */
    __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                   _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(b, _mm_set1_epi8('0' - 1)),
                                  _mm_cmplt_epi8(b, _mm_set1_epi8('9' + 1)));
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(letter, digit));
}
#elif defined(NQ_TOK_VEC_NEON)
static inline unsigned nq_tok_alnum16(const uint8_t *s, uint8_t *w)
{
    uint8x16_t b = vld1q_u8(s);
    uint8x16_t lower = vorrq_u8(b, vdupq_n_u8(0x20));
    vst1q_u8(w, lower);
    uint8x16_t letter = vcltq_u8(vsubq_u8(lower, vdupq_n_u8('a')), vdupq_n_u8(26));
    uint8x16_t digit = vcltq_u8(vsubq_u8(b, vdupq_n_u8('0')), vdupq_n_u8(10));
    uint8x16_t ok = vorrq_u8(letter, digit);
    /* No movemask on NEON: the first non-alnum byte is all that matters,
     * so narrow to 4 bits per byte and rebuild a 16-bit mask. */
    uint64_t nib = vget_lane_u64(vreinterpret_u64_u8(vshrn_n_u16(vreinterpretq_u16_u8(ok), 4)), 0);
    if (nib == ~0ull)
        return 0xFFFFu;
    unsigned first_bad = (unsigned)__builtin_ctzll(~nib) / 4;
    return (1u << first_bad) - 1u; /* the bytes before the first non-alnum */
}
#endif

#endif

/*
 * UTF-8 validation for the tokenizer's vector paths (tokenize_simd.h): the
 * lookup algorithm of Keiser and Lemire ("Validating UTF-8 in less than one
 * instruction per byte", 2021), as simdjson runs it. Each byte is checked
 * with the one before it through three 16-entry tables (high nibble of the
 * previous byte, its low nibble, high nibble of this byte), whose AND has a
 * bit set for each kind of error the pair shows; a byte two or three places
 * after a 3- or 4-byte lead must be a continuation, which the tables alone
 * cannot see, so that case is XORed in. A validator that said "valid" for
 * invalid input would make the tokenizer skip U+FFFD substitution, so
 * test_tokenize compares it with nq_utf8_sequence on every 1..4-byte
 * sequence and on random strings.
 */
#include "tokenize_simd.h"

#include <string.h>

#include "utf8.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define TOO_SHORT (1u << 0)      /* 11______ 0_______, 11______ 11______ */
#define TOO_LONG (1u << 1)       /* 0_______ 10______ */
#define OVERLONG_3 (1u << 2)     /* 11100000 100_____ */
#define TOO_LARGE (1u << 3)      /* 11110100 1001____ and above */
#define SURROGATE (1u << 4)      /* 11101101 101_____ */
#define OVERLONG_2 (1u << 5)     /* 1100000_ 10______ */
#define TOO_LARGE_1000 (1u << 6) /* 11110101 1000____ and above */
#define OVERLONG_4 (1u << 6)     /* 11110000 1000____ */
#define TWO_CONTS (1u << 7)      /* 10______ 10______ */
#define CARRY (TOO_SHORT | TOO_LONG | TWO_CONTS)

static const uint8_t byte_1_high[16] = {
    /* 0_______: ASCII */
    TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
    /* 10______: continuation */
    TWO_CONTS, TWO_CONTS, TWO_CONTS, TWO_CONTS,
    /* 1100____, 1101____: 2-byte leads */
    TOO_SHORT | OVERLONG_2, TOO_SHORT,
    /* 1110____: 3-byte lead */
    TOO_SHORT | OVERLONG_3 | SURROGATE,
    /* 1111____: 4-byte lead (or worse) */
    TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4};

static const uint8_t byte_1_low[16] = {
    CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4, /* ____0000 */
    CARRY | OVERLONG_2,                           /* ____0001 */
    CARRY, CARRY,                                 /* ____001_ */
    CARRY | TOO_LARGE,                            /* ____0100 */
    CARRY | TOO_LARGE | TOO_LARGE_1000,           /* ____0101 */
    CARRY | TOO_LARGE | TOO_LARGE_1000,           /* ____011_ */
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000, /* ____1___ */
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE, /* ____1101 */
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000};

static const uint8_t byte_2_high[16] = {
    /* ________ 0_______: ASCII */
    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
    /* ________ 1000____ */
    TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4,
    /* ________ 1001____ */
    TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,
    /* ________ 101_____ */
    TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
    TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
    /* ________ 11______: lead */
    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT};

static int valid_scalar(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned bad = 0;
        unsigned len = nq_utf8_sequence(s + i, n - i, &bad);
        if (!len)
            return 0;
        i += len;
    }
    return 1;
}

#if defined(__x86_64__)
/* pshufb is SSSE3: this runs where nq_simd_available(NQ_SIMD_SSE41). */
__attribute__((target("sse4.1"))) static inline __m128i check_block(__m128i in, __m128i prev,
                                                                      __m128i t1, __m128i t2,
                                                                      __m128i t3)
{
    const __m128i low4 = _mm_set1_epi8(0x0F);
    __m128i prev1 = _mm_alignr_epi8(in, prev, 15);
    __m128i prev2 = _mm_alignr_epi8(in, prev, 14);
    __m128i prev3 = _mm_alignr_epi8(in, prev, 13);
    __m128i b1h = _mm_shuffle_epi8(t1, _mm_and_si128(_mm_srli_epi16(prev1, 4), low4));
    __m128i b1l = _mm_shuffle_epi8(t2, _mm_and_si128(prev1, low4));
    __m128i b2h = _mm_shuffle_epi8(t3, _mm_and_si128(_mm_srli_epi16(in, 4), low4));
    __m128i special = _mm_and_si128(_mm_and_si128(b1h, b1l), b2h);
    /* >= 0x80 exactly where the byte two after is >= 0xE0, or three after >= 0xF0. */
    __m128i third = _mm_subs_epu8(prev2, _mm_set1_epi8((char)(0xE0 - 0x80)));
    __m128i fourth = _mm_subs_epu8(prev3, _mm_set1_epi8((char)(0xF0 - 0x80)));
    __m128i must23 = _mm_and_si128(_mm_or_si128(third, fourth), _mm_set1_epi8((char)0x80));
    return _mm_xor_si128(must23, special);
}

__attribute__((target("sse4.1"))) static int valid_sse41(const uint8_t *s, size_t n)
{
    const __m128i t1 = _mm_loadu_si128((const __m128i *)(const void *)byte_1_high);
    const __m128i t2 = _mm_loadu_si128((const __m128i *)(const void *)byte_1_low);
    const __m128i t3 = _mm_loadu_si128((const __m128i *)(const void *)byte_2_high);
    __m128i prev = _mm_setzero_si128(), err = _mm_setzero_si128();
    size_t i = 0;
    for (; n - i >= 64; i += 64) {
        for (unsigned k = 0; k < 64; k += 16) {
            __m128i in = _mm_loadu_si128((const __m128i *)(const void *)(s + i + k));
            err = _mm_or_si128(err, check_block(in, prev, t1, t2, t3));
            prev = in;
        }
        if (!_mm_testz_si128(err, err))
            return 0;
    }
    for (; n - i >= 16; i += 16) {
        __m128i in = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        err = _mm_or_si128(err, check_block(in, prev, t1, t2, t3));
        prev = in;
    }
    /* The rest, then zeros (ASCII): a sequence cut by the end of the
     * text is followed by a byte that is not a continuation. */
    uint8_t tail[16] = {0};
    if (n > i)
        memcpy(tail, s + i, n - i);
    __m128i in = _mm_loadu_si128((const __m128i *)(const void *)tail);
    err = _mm_or_si128(err, check_block(in, prev, t1, t2, t3));
    if (n - i > 13) { /* a lead in the last 3 bytes checks bytes past the block */
        err = _mm_or_si128(err, check_block(_mm_setzero_si128(), in, t1, t2, t3));
    }
    return _mm_testz_si128(err, err);
}
#endif

#if defined(__aarch64__) && defined(__ARM_NEON)
static inline uint8x16_t check_block_neon(uint8x16_t in, uint8x16_t prev, uint8x16_t t1,
                                          uint8x16_t t2, uint8x16_t t3)
{
    const uint8x16_t low4 = vdupq_n_u8(0x0F);
    uint8x16_t prev1 = vextq_u8(prev, in, 15);
    uint8x16_t prev2 = vextq_u8(prev, in, 14);
    uint8x16_t prev3 = vextq_u8(prev, in, 13);
    uint8x16_t b1h = vqtbl1q_u8(t1, vshrq_n_u8(prev1, 4));
    uint8x16_t b1l = vqtbl1q_u8(t2, vandq_u8(prev1, low4));
    uint8x16_t b2h = vqtbl1q_u8(t3, vshrq_n_u8(in, 4));
    uint8x16_t special = vandq_u8(vandq_u8(b1h, b1l), b2h);
    uint8x16_t third = vqsubq_u8(prev2, vdupq_n_u8(0xE0 - 0x80));
    uint8x16_t fourth = vqsubq_u8(prev3, vdupq_n_u8(0xF0 - 0x80));
    uint8x16_t must23 = vandq_u8(vorrq_u8(third, fourth), vdupq_n_u8(0x80));
    return veorq_u8(must23, special);
}

static int valid_neon(const uint8_t *s, size_t n)
{
    const uint8x16_t t1 = vld1q_u8(byte_1_high), t2 = vld1q_u8(byte_1_low),
                     t3 = vld1q_u8(byte_2_high);
    uint8x16_t prev = vdupq_n_u8(0), err = vdupq_n_u8(0);
    size_t i = 0;
    for (; n - i >= 64; i += 64) {
        for (unsigned k = 0; k < 64; k += 16) {
            uint8x16_t in = vld1q_u8(s + i + k);
            err = vorrq_u8(err, check_block_neon(in, prev, t1, t2, t3));
            prev = in;
        }
        if (vmaxvq_u8(err))
            return 0;
    }
    for (; n - i >= 16; i += 16) {
        uint8x16_t in = vld1q_u8(s + i);
        err = vorrq_u8(err, check_block_neon(in, prev, t1, t2, t3));
        prev = in;
    }
    uint8_t tail[16] = {0};
    if (n > i)
        memcpy(tail, s + i, n - i);
    uint8x16_t in = vld1q_u8(tail);
    err = vorrq_u8(err, check_block_neon(in, prev, t1, t2, t3));
    if (n - i > 13)
        err = vorrq_u8(err, check_block_neon(vdupq_n_u8(0), in, t1, t2, t3));
    return vmaxvq_u8(err) == 0;
}
#endif

int nq_utf8_valid_simd(nq_simd path, const uint8_t *s, size_t n)
{
    if (!nq_simd_available(path))
        path = NQ_SIMD_SCALAR;
    switch (path) {
#if defined(__x86_64__)
    case NQ_SIMD_SSE41:
        return valid_sse41(s, n);
#endif
#if defined(__aarch64__) && defined(__ARM_NEON)
    case NQ_SIMD_NEON:
        return valid_neon(s, n);
#endif
    default:
        return valid_scalar(s, n);
    }
}

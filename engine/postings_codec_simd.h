/* Internal: the SIMD kernels of the posting-list codec (postings_codec.h).
 * Each works on one full block's packed area (16 * b bytes, 1 <= b <= 32)
 * and must give exactly what the scalar kernels in postings_codec.c give. */
#ifndef NQ_POSTINGS_CODEC_SIMD_H
#define NQ_POSTINGS_CODEC_SIMD_H

#include <stdint.h>

#if defined(__x86_64__)
/* Gaps: out[i] = low b bits of gap i. */
void nq_pc_unpack_sse41(const uint8_t *in, unsigned b, uint32_t out[128]);
/* Values of a block without exceptions: out[i] = base + sum_{k<=i}(gap_k + 1). */
void nq_pc_unpack_values_sse41(const uint8_t *in, unsigned b, uint32_t base, uint32_t out[128]);
/* In place: v[i] = base + sum_{k<=i}(v[k] + 1). */
void nq_pc_prefix_sse41(uint32_t v[128], uint32_t base);
#endif

#if defined(__aarch64__)
void nq_pc_unpack_neon(const uint8_t *in, unsigned b, uint32_t out[128]);
void nq_pc_unpack_values_neon(const uint8_t *in, unsigned b, uint32_t base, uint32_t out[128]);
void nq_pc_prefix_neon(uint32_t v[128], uint32_t base);
#endif

#endif

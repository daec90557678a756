/* Byte-parallel ASCII classification shared by the tokenizer and the span
 * predictor: eight bytes per step in a 64-bit word (SWAR), on any CPU. */
#ifndef NQ_ASCII_H
#define NQ_ASCII_H

#include <stdint.h>

#define NQ_HIGH_BITS 0x8080808080808080ull

/* High bit of each byte of w set when that byte is an ASCII letter or
 * digit: eight range tests at once (no byte can carry into the next, as
 * every byte tested is below 0x80). */
static inline uint64_t nq_ascii_alnum_bytes(uint64_t w)
{
    const uint64_t high = NQ_HIGH_BITS, ones = 0x0101010101010101ull;
    uint64_t ascii = ~w & high;
    uint64_t low7 = w & ~high;
    uint64_t folded = low7 | 0x20 * ones;
    uint64_t letter = (folded + (0x80 - 0x61) * ones) & ~(folded + (0x80 - 0x7B) * ones);
    uint64_t digit = (low7 + (0x80 - 0x30) * ones) & ~(low7 + (0x80 - 0x3A) * ones);
    return (letter | digit) & ascii & high;
}

#endif

/* LEB128 variable-length unsigned integers. */
#ifndef NQ_VARINT_H
#define NQ_VARINT_H

#include <stddef.h>
#include <stdint.h>

/* Writes v at p (at most 10 bytes); returns the bytes written. */
static inline size_t nq_varint_put(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

/* Reads a varint from [*p, end); returns 0 and advances *p, or -1 when the
 * bytes run out or the value overflows (a corrupt section). */
static inline int nq_varint_get(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (*p >= end)
            return -1;
        uint8_t b = *(*p)++;
        x |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return 0;
        }
    }
    return -1;
}

#endif

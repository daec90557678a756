#include "bitpack.h"

/* Writing goes through a 64-bit accumulator flushed a byte at a time, so the
 * output is the same on every host and never reads uninitialized memory. */
#define PACK_LOOP(values, n, w, out)                                   \
    do {                                                               \
        size_t pos = 0;                                                \
        uint64_t acc = 0;                                              \
        unsigned filled = 0;                                           \
        for (size_t i = 0; i < (n); i++) {                             \
            uint64_t v = (uint64_t)(values)[i];                        \
            acc |= v << filled;                                        \
            unsigned take = (w);                                       \
            if (filled + take >= 64) {                                 \
                unsigned room = 64 - filled;                           \
                for (int b = 0; b < 8; b++)                            \
                    (out)[pos++] = (uint8_t)(acc >> (8 * b));          \
                acc = room < 64 ? v >> room : 0;                       \
                filled = take - room;                                  \
            } else {                                                   \
                filled += take;                                        \
            }                                                          \
        }                                                              \
        while (filled > 0) {                                           \
            (out)[pos++] = (uint8_t)acc;                               \
            acc >>= 8;                                                 \
            filled = filled > 8 ? filled - 8 : 0;                      \
        }                                                              \
        memset((out) + pos, 0, nq_bitpack_bytes((n), (w)) - pos);      \
    } while (0)

void nq_bitpack_write(uint8_t *out, const uint64_t *values, size_t n, unsigned w)
{
    PACK_LOOP(values, n, w, out);
}

void nq_bitpack_write32(uint8_t *out, const uint32_t *values, size_t n, unsigned w)
{
    PACK_LOOP(values, n, w, out);
}

void nq_bitpack_put(uint8_t *out, uint64_t i, unsigned w, uint64_t v)
{
    uint64_t bit = i * w;
    while (w > 0) {
        unsigned off = (unsigned)(bit & 7), take = 8 - off < w ? 8 - off : w;
        out[bit >> 3] |= (uint8_t)((v & ((1u << take) - 1)) << off);
        v >>= take;
        bit += take;
        w -= take;
    }
}

uint64_t nq_packed_upper_bound(const nq_packed *p, uint64_t lo, uint64_t hi, uint64_t key)
{
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (nq_packed_get(p, mid) <= key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint64_t nq_packed_lower_bound(const nq_packed *p, uint64_t lo, uint64_t hi, uint64_t key)
{
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (nq_packed_get(p, mid) < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

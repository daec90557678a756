#include "utf8.h"

#include <string.h>

static const uint8_t replacement[3] = {0xEF, 0xBF, 0xBD}; /* U+FFFD */

/* Table 3-7 of the Unicode Standard (well-formed byte sequences): the lead
 * byte fixes how many continuation bytes follow and, for E0, ED, F0 and F4,
 * a narrower range for the first of them (no overlongs, no surrogates,
 * nothing above U+10FFFF). A sequence is cut where a byte leaves its range;
 * what was read before that byte is the maximal subpart. */
unsigned nq_utf8_sequence(const uint8_t *s, size_t avail, unsigned *bad)
{
    uint8_t b = s[0];
    unsigned need;
    uint8_t lo = 0x80, hi = 0xBF;
    if (b < 0x80)
        return 1;
    if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        if (b == 0xE0)
            lo = 0xA0;
        else if (b == 0xED)
            hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        if (b == 0xF0)
            lo = 0x90;
        else if (b == 0xF4)
            hi = 0x8F;
    } else {
        *bad = 1;
        return 0;
    }
    for (unsigned k = 1; k <= need; k++) {
        if (k >= avail || s[k] < lo || s[k] > hi) {
            *bad = k;
            return 0;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

size_t nq_utf8_sanitize(const uint8_t *in, size_t n, uint8_t *out, uint64_t *replaced)
{
    size_t i = 0, o = 0;
    uint64_t bad_count = 0;
    while (i < n) {
        /* Press text is mostly ASCII: move 8 bytes at a time while no byte
         * has its high bit set. */
        while (n - i >= 8) {
            uint64_t w;
            memcpy(&w, in + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            memcpy(out + o, &w, 8);
            i += 8;
            o += 8;
        }
        if (i >= n)
            break;
        if (in[i] < 0x80) {
            out[o++] = in[i++];
            continue;
        }
        unsigned bad = 0;
        unsigned len = nq_utf8_sequence(in + i, n - i, &bad);
        if (len) {
            memcpy(out + o, in + i, len);
            o += len;
            i += len;
        } else {
            memcpy(out + o, replacement, sizeof replacement);
            o += sizeof replacement;
            i += bad;
            bad_count++;
        }
    }
    *replaced += bad_count;
    return o;
}

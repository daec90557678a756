/* Galloping search in an ascending array: the cursors of phrase matching
 * move forward a little at a time, so probing 1, 2, 4... ahead before a
 * binary search costs O(log distance), not O(log n). */
#ifndef NQ_GALLOP_H
#define NQ_GALLOP_H

#include <stddef.h>
#include <stdint.h>

/* The first index i in [from, n) with a[i] >= v, or n. */
static inline size_t nq_gallop_u32(const uint32_t *a, size_t n, size_t from, uint32_t v)
{
    size_t lo = from, hi = from, step = 1;
    while (hi < n && a[hi] < v) {
        lo = hi + 1;
        hi += step;
        step <<= 1;
    }
    if (hi > n)
        hi = n;
    while (lo < hi) { /* a[lo - 1] < v <= a[hi] (or hi == n) */
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

#endif

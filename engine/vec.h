/* Growable arrays: amortized doubling, every growth checked. */
#ifndef NQ_VEC_H
#define NQ_VEC_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Ensures *p (of *cap elements of size elem) holds at least need elements.
 * Returns 0, or -1 when the allocation fails (then *p is unchanged). */
static inline int nq_reserve(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 16;
    while (n < need) {
        if (n > SIZE_MAX / 2 / elem)
            return -1;
        n *= 2;
    }
    void *q = realloc(*p, n * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

#define NQ_RESERVE(ptr, cap, need) nq_reserve((void **)&(ptr), &(cap), (need), sizeof *(ptr))

#endif

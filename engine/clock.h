/* Monotonic wall-clock seconds, for the build's phase timings. */
#ifndef NQ_CLOCK_H
#define NQ_CLOCK_H

#include <time.h>

static inline double nq_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#endif

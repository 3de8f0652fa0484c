/* clock.h - monotonic seconds, for stage and file timings. */
#ifndef HV_CLOCK_H
#define HV_CLOCK_H

#include <time.h>

static inline double hv_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif

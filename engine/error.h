/* Error reporting inside the engine: functions return an nq_status and fill
 * the caller's nq_error; they never print. */
#ifndef NQ_ERROR_H
#define NQ_ERROR_H

#include "ngramq/ngramq.h"

#if defined(__GNUC__)
#define NQ_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define NQ_PRINTF(f, a)
#endif

/* Sets err (if non-NULL) and returns code, so callers can write
 * `return nq_fail(err, NQ_ERR_IO, "%s: %s", path, strerror(errno));`. */
nq_status nq_fail(nq_error *err, nq_status code, const char *fmt, ...) NQ_PRINTF(3, 4);

/* Prefixes err's message (already set by a callee) with more context:
 * nq_wrap(err, "%s: section NG%d", path, n) gives "PATH: section NG3: <inner>". */
nq_status nq_wrap(nq_error *err, nq_status code, const char *fmt, ...) NQ_PRINTF(3, 4);

#endif

#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

nq_status nq_fail(nq_error *err, nq_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

nq_status nq_wrap(nq_error *err, nq_status code, const char *fmt, ...)
{
    if (!err)
        return code;
    char inner[sizeof err->message], outer[sizeof err->message];
    memcpy(inner, err->message, sizeof inner);
    inner[sizeof inner - 1] = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(outer, sizeof outer, fmt, ap);
    va_end(ap);
    size_t n = strlen(outer);
    /* Cut the inner message rather than the context when space runs out. */
    size_t room = sizeof err->message - 1;
    memcpy(err->message, outer, n);
    if (n + 2 < room) {
        memcpy(err->message + n, ": ", 2);
        size_t m = strnlen(inner, room - n - 2);
        memcpy(err->message + n + 2, inner, m);
        n += 2 + m;
    }
    err->message[n] = 0;
    err->code = code;
    return code;
}

const char *nq_status_string(nq_status status)
{
    switch (status) {
    case NQ_OK: return "ok";
    case NQ_ERR_IO: return "input/output error";
    case NQ_ERR_NOMEM: return "out of memory";
    case NQ_ERR_CORRUPT: return "corrupt index";
    case NQ_ERR_INPUT: return "bad input";
    case NQ_ERR_ARG: return "invalid argument";
    case NQ_ERR_VERSION: return "unsupported index version";
    case NQ_ERR_LIMIT: return "limit exceeded";
    }
    return "unknown error";
}

const char *nq_version(void)
{
    return NQ_VERSION;
}

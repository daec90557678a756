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
    char inner[sizeof err->message];
    memcpy(inner, err->message, sizeof inner);
    inner[sizeof inner - 1] = 0;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof err->message)
        snprintf(err->message + n, sizeof err->message - (size_t)n, ": %s", inner);
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

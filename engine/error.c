#include "error.h"

#include <stdarg.h>
#include <stdio.h>

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

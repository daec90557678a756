#include "linefile.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "utf8.h"

nq_status nq_linefile_read(const char *path, char **data, size_t *len, nq_error *err)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return nq_fail(err, NQ_ERR_IO, "%s: %s", path, strerror(errno));
    size_t cap = 0, n = 0;
    char *buf = NULL;
    for (;;) {
        if (n + 1 >= cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *nb = ncap > cap ? realloc(buf, ncap) : NULL;
            if (!nb) {
                free(buf);
                fclose(f);
                return nq_fail(err, NQ_ERR_NOMEM, "%s: out of memory reading the file", path);
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - 1 - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        fclose(f);
        return nq_fail(err, NQ_ERR_IO, "%s: %s", path, e ? strerror(e) : "read error");
    }
    fclose(f);
    buf[n] = 0;
    *data = buf;
    *len = n;
    return NQ_OK;
}

void nq_line_iter_init(nq_line_iter *it, const char *name, const char *text, size_t len, size_t max_line)
{
    it->name = name ? name : "(text)";
    it->text = text;
    it->len = len;
    it->at = 0;
    it->lineno = 0;
    it->max_line = max_line;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        it->at = 3;
}

int nq_line_next(nq_line_iter *it, const char **line, size_t *n, nq_error *err)
{
    if (it->at >= it->len)
        return 0;
    const char *s = it->text + it->at;
    size_t rest = it->len - it->at;
    const char *lf = memchr(s, '\n', rest);
    size_t m = lf ? (size_t)(lf - s) : rest;
    it->at += lf ? m + 1 : m;
    it->lineno++;
    if (m > 0 && s[m - 1] == '\r')
        m--;
    if (m > it->max_line) {
        nq_fail(err, NQ_ERR_INPUT, "%s:%zu: line of %zu bytes, longer than %zu", it->name, it->lineno, m,
                it->max_line);
        return -1;
    }
    for (size_t i = 0; i < m;) {
        uint8_t b = (uint8_t)s[i];
        if (b == 0) {
            nq_fail(err, NQ_ERR_INPUT, "%s:%zu: NUL byte at column %zu", it->name, it->lineno, i + 1);
            return -1;
        }
        if (b < 0x80) {
            i++;
            continue;
        }
        unsigned bad = 0, k = nq_utf8_sequence((const uint8_t *)s + i, m - i, &bad);
        if (!k) {
            nq_fail(err, NQ_ERR_INPUT, "%s:%zu: invalid UTF-8 at byte %zu of the line", it->name, it->lineno,
                    i + 1);
            return -1;
        }
        i += k;
    }
    *line = s;
    *n = m;
    return 1;
}

const char *nq_trim_blanks(const char *s, size_t *n)
{
    size_t m = *n;
    while (m && nq_is_blank(*s)) {
        s++;
        m--;
    }
    while (m && nq_is_blank(s[m - 1]))
        m--;
    *n = m;
    return s;
}

void nq_quote_excerpt(char *out, size_t cap, const char *s, size_t n)
{
    if (!cap)
        return;
    if (n < cap) {
        memcpy(out, s, n);
        out[n] = 0;
        return;
    }
    size_t keep = cap > 4 ? cap - 4 : 0;
    /* back up to a character boundary (never inside a continuation run) */
    while (keep && ((uint8_t)s[keep] & 0xC0) == 0x80)
        keep--;
    memcpy(out, s, keep);
    if (cap > 4)
        memcpy(out + keep, "...", 4);
    else
        out[keep] = 0;
}

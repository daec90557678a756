/*
 * Small line-oriented UTF-8 text files (lexicons, stopword lists): the whole
 * file read into memory, then walked line by line with the checks those
 * formats share: a UTF-8 byte order mark at the start is skipped, LF or CRLF
 * ends a line, a line is valid UTF-8 without NUL bytes and not too long.
 */
#ifndef NQ_LINEFILE_H
#define NQ_LINEFILE_H

#include <stddef.h>

#include "ngramq/ngramq.h"

/* Reads the file at path into a malloc'd buffer (NUL-terminated, *len
 * bytes before the NUL). NQ_ERR_IO with "PATH: reason", NQ_ERR_NOMEM. */
nq_status nq_linefile_read(const char *path, char **data, size_t *len, nq_error *err);

typedef struct nq_line_iter {
    const char *name;       /* for messages */
    const char *text;
    size_t len, at;
    size_t lineno;          /* of the line last returned, 1-based */
    size_t max_line;        /* longest line in bytes, without its end */
} nq_line_iter;

void nq_line_iter_init(nq_line_iter *it, const char *name, const char *text, size_t len, size_t max_line);

/* The next line, without its LF or CRLF, in *line and *n. Returns 1 for a
 * line, 0 at the end, or -1 with err set (NQ_ERR_INPUT, "NAME:LINE: ...")
 * for a line over max_line bytes, invalid UTF-8 or a NUL byte. */
int nq_line_next(nq_line_iter *it, const char **line, size_t *n, nq_error *err);

/* Blanks are space and tab. */
static inline int nq_is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Trims blanks from both ends of s[0..*n); returns the new start. */
const char *nq_trim_blanks(const char *s, size_t *n);

/* Writes at most cap - 1 bytes of s[0..n) to out, cut at a character
 * boundary, with "..." when cut; for quoting input in messages. */
void nq_quote_excerpt(char *out, size_t cap, const char *s, size_t n);

#endif

/*
 * Stopword sets: normal-form tokens (TOKENIZATION.md section 6) to leave out
 * of collocation lists. A built-in French list (data/stopwords/fr.txt,
 * compiled in by engine/stopwords_fr.c) and a loader for files in the same
 * format: one token a line, lines whose first non-blank character is '#'
 * are comments, blank lines ignored, blanks around an entry trimmed, LF or
 * CRLF, a UTF-8 byte order mark at the start skipped.
 *
 * The loader runs each entry through the fr-1 tokenizer and stores its
 * normal form, so "Le", "L’" and "le" are the same entry; an entry must be
 * exactly one token spelled by the whole line ("c'est" is two tokens,
 * "(le)" and "souverain*" are not a word alone). Errors are NQ_ERR_INPUT
 * with "NAME:LINE: message": not one token, invalid UTF-8 or a NUL byte, a
 * line over NQ_STOPWORDS_MAX_LINE bytes. An entry listed twice is kept
 * once.
 *
 * A set is immutable once built; lookups may run from several threads.
 */
#ifndef NQ_STOPWORDS_H
#define NQ_STOPWORDS_H

#include <stddef.h>

#include "ngramq/ngramq.h"

#define NQ_STOPWORDS_MAX_LINE 1024u

typedef struct nq_stopwords nq_stopwords; /* a small hash set of normal forms */

/* The built-in French list (nq_stopwords_fr_list). */
nq_status nq_stopwords_builtin_fr(nq_stopwords **out, nq_error *err);

/* Reads a stopword file; NQ_ERR_IO when it cannot be read. */
nq_status nq_stopwords_load(const char *path, nq_stopwords **out, nq_error *err);

/* Parses text[0..len) in the file format; name is used in messages. */
nq_status nq_stopwords_parse(const char *name, const char *text, size_t len, nq_stopwords **out,
                             nq_error *err);

/* 1 when term[0..len) (a normal form, not NUL-terminated) is in the set;
 * 0 otherwise, and for a NULL set. */
int nq_stopwords_has(const nq_stopwords *s, const char *term, size_t len);

/* Distinct entries in the set. */
size_t nq_stopwords_count(const nq_stopwords *s);

void nq_stopwords_free(nq_stopwords *s);

/* The built-in French entries, in the order of data/stopwords/fr.txt: a
 * static array of *n NUL-terminated normal forms. */
const char *const *nq_stopwords_fr_list(size_t *n);

#endif

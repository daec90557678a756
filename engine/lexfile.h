/*
 * Lexicon files (data/lexicons/README.md): named lists of expressions, one
 * entry a line, "LABEL<TAB>variant | variant | ...", each variant an
 * expression (TOKENIZATION.md section 8: a phrase, whose tokens may end in
 * '*' for a prefix). "Emmanuel Macron<TAB>emmanuel macron | macron" gives
 * the entry "Emmanuel Macron" whose expression is "emmanuel macron | macron".
 *
 * Lines whose first non-blank character is '#' are comments; blank lines
 * are ignored; LF or CRLF line ends; a UTF-8 byte order mark at the start is
 * skipped. Blanks (space, tab) around the label and each variant are
 * trimmed. Errors are NQ_ERR_INPUT with "NAME:LINE: message": no TAB, an
 * empty label, no variant or an empty one ("a || b"), a duplicate label,
 * invalid UTF-8 or a NUL byte, a line over NQ_LEXFILE_MAX_LINE bytes.
 *
 * The parser checks the format only; whether a variant tokenizes to at
 * least one token is the expression parser's business (nq_count reports an
 * empty phrase or a misplaced '*' as NQ_ERR_ARG).
 */
#ifndef NQ_LEXFILE_H
#define NQ_LEXFILE_H

#include <stddef.h>

#include "ngramq/ngramq.h"

/* Longest line, in bytes, not counting its LF or CRLF. */
#define NQ_LEXFILE_MAX_LINE 65536u

typedef struct nq_lex_entry {
    char *label;        /* trimmed, NUL-terminated */
    char *expr;         /* the variants joined as "v1 | v2 | v3", ready for nq_count */
    size_t n_variants;  /* >= 1 */
    size_t line;        /* 1-based line of the entry in its file, for messages */
} nq_lex_entry;

typedef struct nq_lexfile {
    nq_lex_entry *entries;  /* in file order */
    size_t n;
} nq_lexfile;

/* Reads and parses the file at path (messages name it as given). NQ_ERR_IO
 * when it cannot be read, NQ_ERR_INPUT for a format error, NQ_ERR_NOMEM. On
 * failure *out is empty. */
nq_status nq_lexfile_load(const char *path, nq_lexfile *out, nq_error *err);

/* Parses text[0..len) (need not be NUL-terminated); name is used in
 * messages ("NAME:LINE: ..."). */
nq_status nq_lexfile_parse(const char *name, const char *text, size_t len, nq_lexfile *out, nq_error *err);

/* The entry with this label (exact bytes), or NULL. Linear: lexicons are small. */
const nq_lex_entry *nq_lexfile_find(const nq_lexfile *l, const char *label);

void nq_lexfile_free(nq_lexfile *l);

#endif

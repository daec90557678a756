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

/* nq_lex_entry, nq_lexfile and their functions are public (ngramq.h). */

#endif

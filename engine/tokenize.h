/*
 * The fr-1 tokenizer (TOKENIZATION.md): UTF-8 decoding with U+FFFD
 * substitution of maximal subparts, NFC, deletion of stray combining marks,
 * raw tokens, elision, normal form (full case folding, apostrophes and
 * hyphens unified), sentence and paragraph boundaries.
 *
 * A tokenizer object owns reusable buffers: tokenizing a document allocates
 * nothing once the buffers have grown to the largest document seen. One
 * tokenizer per thread.
 */
#ifndef NQ_TOKENIZE_H
#define NQ_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

#include "ngramq/ngramq.h"

/* Token flags. The first token of a document has both. */
enum {
    NQ_TOK_SENT_START = 1u, /* the token begins a sentence */
    NQ_TOK_PARA_START = 2u  /* the token begins a paragraph (and a sentence) */
};

typedef struct nq_token {
    uint32_t text_off;  /* surface form: byte offset in nq_tokens.text */
    uint32_t text_len;
    uint32_t norm_off;  /* normal form: byte offset in nq_tokens.norm */
    uint32_t norm_len;
    uint32_t flags;     /* NQ_TOK_* */
} nq_token;

/* The tokens of one document. Pointers stay valid until the next call on
 * the same tokenizer. */
typedef struct nq_tokens {
    const nq_token *tok;
    size_t n;
    const char *norm;       /* normal forms, concatenated, not NUL-separated */
    const char *text;       /* the clean text (decoded, NFC, stray marks gone)
                               that text_off refers to: the title, "\n\n" when
                               the title is non-empty, then the body */
    size_t text_len;
    uint64_t replaced;      /* ill-formed UTF-8 subsequences replaced by U+FFFD */
    uint32_t sentences;     /* sentences in the document (0 when no token) */
    uint32_t paragraphs;    /* paragraphs in the document (0 when no token) */
} nq_tokens;

typedef struct nq_tokenizer nq_tokenizer;

nq_tokenizer *nq_tokenizer_new(void);
void nq_tokenizer_free(nq_tokenizer *t);

/* Tokenizes one document: the title (may be NULL or empty) as its own
 * paragraph, then the body. Inputs may hold invalid UTF-8. Returns NQ_OK,
 * NQ_ERR_NOMEM, or NQ_ERR_LIMIT when the clean text would exceed 4 GiB. */
nq_status nq_tokenize_doc(nq_tokenizer *t, const char *title, size_t title_len,
                          const char *body, size_t body_len, nq_tokens *out);

/* Tokenizes a query string with the same rules (a document with no title). */
nq_status nq_tokenize_text(nq_tokenizer *t, const char *text, size_t len, nq_tokens *out);

#endif

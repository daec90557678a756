/*
 * The stored text: every document's clean text (nq_tokens.text: the title,
 * "\n\n" when there is a title, the body) and the byte span of each of its
 * tokens, so that a concordance can show the words around a match and map a
 * token position back to characters.
 *
 * Documents are grouped, in document order, into blocks of about
 * block_target bytes of text (NQ_TEXT_BLOCK_TARGET, 2 MiB): a block is closed
 * once it holds at least that many bytes, so boundaries depend only on the
 * documents' sizes, never on threads. Each block's text is one zstd frame,
 * its spans another, so fetching one document decompresses one block.
 *
 * ---- On-disk layout (little-endian; sections read in place, no alignment
 * ---- assumed inside them) ----
 *
 * Three raw sections:
 *
 *   TEXT  the blocks' text frames, back to back (block 0 first)
 *   TOFF  the blocks' span frames, back to back
 *   TDIR  the directory
 *
 * TDIR:
 *
 *   u64 n_docs
 *   u64 n_blocks
 *   u64 block_target          informative (what the writer used); not read
 *   entry[n_blocks + 1], 40 bytes each:
 *     u64 first_doc           first document of the block
 *     u64 text_off            offset of its frame in TEXT
 *     u64 text_raw            decompressed size of that frame
 *     u64 toff_off            offset of its frame in TOFF
 *     u64 toff_raw            decompressed size of that frame
 *
 * The last entry is a sentinel: first_doc = n_docs, text_off = size of TEXT,
 * toff_off = size of TOFF, raw sizes 0. Block b holds documents
 * [first_doc[b], first_doc[b+1]) (k >= 1 of them) and its frames are
 * TEXT[text_off[b], text_off[b+1]) and TOFF[toff_off[b], toff_off[b+1]).
 * first_doc strictly increases from 0; offsets never decrease. The section is
 * exactly 24 + 40 (n_blocks + 1) bytes; no documents means no blocks.
 *
 * Each frame is a single zstd frame that records its content size (equal to
 * the directory's raw size) and carries zstd's content checksum. Writers use
 * level 3 with strategy dfast, windowLog 21, hashLog 19, chainLog 19,
 * searchLog 1, minMatch 6 (on OrangeSum: 25.40 MB against 25.66 MB for zstd -3 of the whole text, 17% faster than 20/20/5 with two threads compressing at once); readers do not depend on that.
 *
 * A decompressed text block (text_raw bytes) of k documents:
 *
 *   varint len[k]             document j's text length in bytes
 *   u8     text[]             the texts back to back, sum(len) bytes, to the
 *                             end of the block
 *
 * A decompressed span block (toff_raw bytes) of k documents:
 *
 *   varint n_tokens[k]        document j's tokens, at most codes[j] / 2
 *   varint codes[k]           bytes of document j's span codes
 *   u8     code[]             the codes back to back, sum(codes) bytes, to
 *                             the end of the block
 *
 * Each table's lengths add up to less than 4 GiB. (On OrangeSum's 34,351
 * documents the text tables cost 102 KB once compressed, u32 offsets in
 * their place 175 KB, a raw per-document table in TDIR at least 137 KB.)
 *
 * The span codes of a document are, for each token in order, two varints
 * (unsigned LEB128) holding zigzag-coded corrections to a prediction made
 * from the document's text:
 *
 *   zigzag(start - predicted_start), zigzag(end - predicted_end)
 *
 * where zigzag(x) = 2x for x >= 0, -2x - 1 for x < 0. predicted_start is
 * where the first word character at or after the previous token's end (0
 * for the first token) begins; predicted_end is where a word that starts at
 * start ends, following the raw-token and elision rules of TOKENIZATION.md
 * (sections 4, 5) with a fixed character class. Most tokens code as two zero
 * bytes, which zstd then all but removes. The predictor is part of the
 * format: its exact definition is predict_start() and predict_end() in
 * text_store.c, which uses no Unicode table (so it never changes with a
 * Unicode version):
 *
 *   word character: ASCII letters and digits, and every other code point
 *     except U+0000..U+00BF (but ª ² ³ µ ¹ º ¼ ½ ¾ are word characters),
 *     U+00D7, U+00F7, U+2000..U+2BFF, U+2E00..U+2E7F, U+3000..U+303F,
 *     U+FE10..U+FE6F, U+FF00..U+FF0F, U+FFF0..U+FFFF, U+1F000..U+1FBFF;
 *     characters are decoded by lead byte alone (C2..DF, E0..EF, F0..F4
 *     followed by 1, 2, 3 continuation bytes 80..BF within the text); any
 *     other byte is a separator character of one byte;
 *   a word runs over word characters, and over one apostrophe (' ’ ʼ) or
 *     hyphen (- ‐ ‑) followed by a word character, and over one . or ,
 *     between ASCII digits; at its first apostrophe, if the part before it is
 *     one of l d j m n s t c ç qu jusqu lorsqu puisqu quoiqu (ASCII letters
 *     in either case), the word ends after that apostrophe;
 *   both scans stop after NQ_TEXT_SCAN (256) bytes: the start scan at
 *     prev_end + 256 (the prediction is then where it stopped), the end scan
 *     at start + 256.
 *
 * Spans are strictly increasing, non-overlapping and within the document's
 * text: prev_end <= start <= end <= text length, start > previous start.
 *
 * Readers check the directory when the store is opened, and every frame,
 * table and span when they use it; anything inconsistent is NQ_ERR_CORRUPT
 * with a message naming the block or document.
 */
#ifndef NQ_TEXT_STORE_H
#define NQ_TEXT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "format.h"
#include "ngramq/ngramq.h"
#include "tokenize.h"


#define NQ_TEXT_BLOCK_TARGET ((size_t)2 << 20)
#define NQ_TEXT_SCAN 256u

/* ---- building ---- */

typedef struct nq_text_builder nq_text_builder;

/* block_target 0 means NQ_TEXT_BLOCK_TARGET. */
nq_status nq_text_builder_new(size_t block_target, nq_text_builder **out, nq_error *err);
void nq_text_builder_free(nq_text_builder *b);

/* Bytes nq_text_encode_spans may write for n_tokens tokens. */
size_t nq_text_spans_bound(size_t n_tokens);

/* Encodes the spans of one document's tokens (tok[i].text_off, text_len)
 * against its text, into out (nq_text_spans_bound(n_tokens) bytes); meant
 * to run on the worker that tokenized the document. Returns NQ_ERR_ARG when
 * the spans are not increasing, overlap, or leave the text. */
nq_status nq_text_encode_spans(const char *text, size_t text_len, const nq_token *tok,
                               size_t n_tokens, uint8_t *out, size_t *out_len, nq_error *err);

/* Appends the next document (text may be empty, n_tokens 0) with the codes
 * nq_text_encode_spans gave for it; closes the block once it is full.
 * NQ_ERR_LIMIT when one document's text or codes reach 4 GiB. */
nq_status nq_text_add(nq_text_builder *b, const char *text, size_t len, const uint8_t *spans,
                      size_t spans_len, uint32_t n_tokens, nq_error *err);

/* Compresses the closed blocks not compressed yet on `threads` threads and
 * frees their raw bytes (call after each input batch). */
nq_status nq_text_compress_sealed(nq_text_builder *b, int threads, nq_error *err);

/* Closes the open block, compresses what is left and hands over the three
 * sections (malloc'd, the caller frees them; never NULL on success). The
 * builder can then only be freed. */
nq_status nq_text_finish(nq_text_builder *b, int threads, uint8_t **text, size_t *text_len,
                         uint8_t **toff, size_t *toff_len, uint8_t **tdir, size_t *tdir_len,
                         nq_error *err);

/* ---- reading ---- */

/* Views into the three sections (which must outlive it). */
typedef struct nq_text_store {
    const uint8_t *text, *toff, *tdir;
    size_t text_len, toff_len, tdir_len;
    uint64_t n_docs, n_blocks;
} nq_text_store;

/* Checks the directory against the sections and n_docs (from META). */
nq_status nq_text_store_open(nq_text_store *s, const uint8_t *text, size_t text_len,
                             const uint8_t *toff, size_t toff_len, const uint8_t *tdir,
                             size_t tdir_len, uint64_t n_docs, nq_error *err);

/* Per caller (one per thread): a zstd context, the last text block and the
 * last span block decompressed. NULL when out of memory. */
typedef struct nq_text_cursor nq_text_cursor;
nq_text_cursor *nq_text_cursor_new(void);
void nq_text_cursor_free(nq_text_cursor *c);

/* The text of document doc; valid until the next call with the cursor.
 * NQ_ERR_ARG when doc >= n_docs. */
nq_status nq_text_doc(const nq_text_store *s, nq_text_cursor *c, uint64_t doc, const char **text,
                      size_t *len, nq_error *err);

/* The number of tokens of document doc. */
nq_status nq_text_tokens(const nq_text_store *s, nq_text_cursor *c, uint64_t doc, uint32_t *n,
                         nq_error *err);

/* Byte spans [start[i], end[i]) in the document's text of its tokens first ..
 * first + count - 1. NQ_ERR_ARG when they are not all tokens of doc. Calls
 * for increasing positions of one document resume where the last one
 * stopped instead of decoding from its first token. */
nq_status nq_text_spans(const nq_text_store *s, nq_text_cursor *c, uint64_t doc, uint32_t first,
                        uint32_t count, uint32_t *start, uint32_t *end, nq_error *err);

#endif

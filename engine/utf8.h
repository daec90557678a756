/*
 * UTF-8 for the tokenizer: turning arbitrary bytes into valid UTF-8 the way
 * the Unicode Standard recommends (chapter 3, "U+FFFD substitution of
 * maximal subparts", which is also what Python's
 * bytes.decode('utf-8', 'replace') does), and the small decoder and encoder
 * used once the text is known to be valid.
 */
#ifndef NQ_UTF8_H
#define NQ_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* An ill-formed subsequence has at most 3 bytes and becomes the 3 bytes of
 * U+FFFD, while a single bad byte also becomes 3 bytes: the output of
 * nq_utf8_sanitize is at most this many times the input. */
#define NQ_UTF8_SANITIZE_GROWTH 3

/* Copies in[0..n) to out, replacing each maximal ill-formed subsequence by
 * U+FFFD. out must have room for NQ_UTF8_SANITIZE_GROWTH * n bytes. Returns
 * the bytes written and adds the number of replacements to *replaced. */
size_t nq_utf8_sanitize(const uint8_t *in, size_t n, uint8_t *out, uint64_t *replaced);

/* Length of the well-formed sequence at s[0..avail), or 0 when s starts an
 * ill-formed one; then *bad is the length of its maximal subpart (1..3). */
unsigned nq_utf8_sequence(const uint8_t *s, size_t avail, unsigned *bad);

/* Decodes the code point at s, which must be valid UTF-8 (no checks: this
 * is for text that went through nq_utf8_sanitize). */
static inline int32_t nq_utf8_decode_valid(const uint8_t *s, unsigned *len)
{
    uint8_t b = s[0];
    if (b < 0x80) {
        *len = 1;
        return b;
    }
    if (b < 0xE0) {
        *len = 2;
        return (int32_t)(((b & 0x1Fu) << 6) | (s[1] & 0x3Fu));
    }
    if (b < 0xF0) {
        *len = 3;
        return (int32_t)(((b & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu));
    }
    *len = 4;
    return (int32_t)(((b & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) |
                     (s[3] & 0x3Fu));
}

/* Encodes a Unicode scalar value; returns its length (1..4). */
static inline unsigned nq_utf8_encode(int32_t cp, uint8_t *out)
{
    uint32_t c = (uint32_t)cp;
    if (c < 0x80) {
        out[0] = (uint8_t)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (uint8_t)(0xC0 | (c >> 6));
        out[1] = (uint8_t)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (uint8_t)(0xE0 | (c >> 12));
        out[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (uint8_t)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | (c >> 18));
    out[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (uint8_t)(0x80 | (c & 0x3F));
    return 4;
}

#endif

/*
 * Character classes of the fr-1 rules (TOKENIZATION.md, section 3) and the
 * per-character facts the tokenizer needs to decide cheaply whether NFC and
 * case folding can change a character.
 *
 * Everything is packed in one byte per code point: the class in the low
 * four bits, flags above. Looking a byte up through utf8proc costs a few
 * table reads plus, for characters with a canonical decomposition, a small
 * normalization; nq_uc_cache remembers the bytes of the BMP so that each
 * character is worked out once per tokenizer.
 */
#ifndef NQ_UNICODE_CLASS_H
#define NQ_UNICODE_CLASS_H

#include <stdbool.h>
#include <stdint.h>

/* The classes. Word characters are general categories L*, M*, N*; the
 * other special characters are separators with a role. */
enum nq_uc_kind {
    NQ_UC_SEP = 0,    /* any other separator */
    NQ_UC_LL,         /* letter, lowercase (Ll): decides sentence starts */
    NQ_UC_L,          /* other letters (Lu, Lt, Lm, Lo) */
    NQ_UC_M,          /* marks (Mn, Mc, Me) */
    NQ_UC_ND,         /* decimal digits (Nd): decide decimal separators */
    NQ_UC_N,          /* other numbers (Nl, No) */
    NQ_UC_APOS,       /* U+0027, U+2019 */
    NQ_UC_APOS_L,     /* U+02BC: an apostrophe, but also a letter (Lm) */
    NQ_UC_HYPHEN,     /* U+002D, U+2010, U+2011 */
    NQ_UC_DOT,        /* U+002E: terminator, and decimal separator */
    NQ_UC_COMMA,      /* U+002C: decimal separator */
    NQ_UC_TERM,       /* U+0021, U+003F, U+2026 */
    NQ_UC_LF,         /* U+000A */
    NQ_UC_CR,         /* U+000D */
    NQ_UC_LS          /* U+2028, U+2029 */
};

#define NQ_UC_KIND 0x0Fu
#define NQ_UC_NFC_UNSAFE 0x10u /* NFC may change a text holding it */
#define NQ_UC_FOLDS 0x20u      /* case folding changes it */
#define NQ_UC_KNOWN 0x80u      /* set in every computed byte: 0 means "not cached" */

#define NQ_UC_WORD_MASK                                                                     \
    ((1u << NQ_UC_LL) | (1u << NQ_UC_L) | (1u << NQ_UC_M) | (1u << NQ_UC_ND) | (1u << NQ_UC_N) | \
     (1u << NQ_UC_APOS_L))
#define NQ_UC_LETTER_MASK ((1u << NQ_UC_LL) | (1u << NQ_UC_L) | (1u << NQ_UC_APOS_L))

static inline bool nq_uc_is_word(unsigned kind)
{
    return (NQ_UC_WORD_MASK >> kind) & 1u;
}

static inline bool nq_uc_is_letter(unsigned kind)
{
    return (NQ_UC_LETTER_MASK >> kind) & 1u;
}

/* The bytes of U+0000..U+007F, for the ASCII fast path. */
extern const uint8_t nq_uc_ascii[128];

/* Works out the byte of any code point (a Unicode scalar value). */
uint8_t nq_uc_compute(int32_t cp);

/* Bytes of the BMP, filled on first use; 64 KiB, so one per tokenizer
 * (never shared between threads). Zero-initialize it. */
typedef struct nq_uc_cache {
    uint8_t bmp[0x10000];
} nq_uc_cache;

static inline uint8_t nq_uc_get(nq_uc_cache *cache, int32_t cp)
{
    if (cp >= 0x10000)
        return nq_uc_compute(cp);
    uint8_t v = cache->bmp[cp];
    if (!v)
        v = cache->bmp[cp] = nq_uc_compute(cp);
    return v;
}

/* Full case folding (CaseFolding.txt, statuses C and F) produces at most
 * three code points per code point. */
#define NQ_UC_FOLD_MAX 3

/* Writes the full case folding of cp to out; returns how many code points. */
unsigned nq_uc_casefold(int32_t cp, int32_t out[NQ_UC_FOLD_MAX]);

#endif

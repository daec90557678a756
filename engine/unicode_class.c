#include "unicode_class.h"

#include <utf8proc.h>

#define K NQ_UC_KNOWN
#define S_ (K | NQ_UC_SEP)
#define LL (K | NQ_UC_LL)
#define LU (K | NQ_UC_L | NQ_UC_FOLDS)
#define ND (K | NQ_UC_ND)
#define AP (K | NQ_UC_APOS)
#define HY (K | NQ_UC_HYPHEN)
#define DT (K | NQ_UC_DOT)
#define CM (K | NQ_UC_COMMA)
#define TM (K | NQ_UC_TERM)
#define LF (K | NQ_UC_LF)
#define CR (K | NQ_UC_CR)

/* ASCII never needs NFC (no ASCII character decomposes, combines or is the
 * second of a canonical composition). test_tokenize checks this table
 * against nq_uc_compute. */
const uint8_t nq_uc_ascii[128] = {
    S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, LF, S_, S_, CR, S_, S_, /* 00 */
    S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, /* 10 */
    S_, TM, S_, S_, S_, S_, S_, AP, S_, S_, S_, S_, CM, HY, DT, S_, /* 20  !"#$%&'()*+,-./ */
    ND, ND, ND, ND, ND, ND, ND, ND, ND, ND, S_, S_, S_, S_, S_, TM, /* 30 0-9 :;<=>? */
    S_, LU, LU, LU, LU, LU, LU, LU, LU, LU, LU, LU, LU, LU, LU, LU, /* 40 @A-O */
    LU, LU, LU, LU, LU, LU, LU, LU, LU, LU, LU, S_, S_, S_, S_, S_, /* 50 P-Z [\]^_ */
    S_, LL, LL, LL, LL, LL, LL, LL, LL, LL, LL, LL, LL, LL, LL, LL, /* 60 `a-o */
    LL, LL, LL, LL, LL, LL, LL, LL, LL, LL, LL, S_, S_, S_, S_, S_, /* 70 p-z {|}~ DEL */
};

/* The characters whose role the rules name, whatever their category. */
static int special_kind(int32_t cp)
{
    switch (cp) {
    case 0x27: case 0x2019: return NQ_UC_APOS;
    case 0x2BC: return NQ_UC_APOS_L;
    case 0x2D: case 0x2010: case 0x2011: return NQ_UC_HYPHEN;
    case 0x2E: return NQ_UC_DOT;
    case 0x2C: return NQ_UC_COMMA;
    case 0x21: case 0x3F: case 0x2026: return NQ_UC_TERM;
    case 0x0A: return NQ_UC_LF;
    case 0x0D: return NQ_UC_CR;
    case 0x2028: case 0x2029: return NQ_UC_LS;
    default: return -1;
    }
}

static unsigned category_kind(utf8proc_propval_t category)
{
    switch (category) {
    case UTF8PROC_CATEGORY_LL: return NQ_UC_LL;
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: return NQ_UC_L;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME: return NQ_UC_M;
    case UTF8PROC_CATEGORY_ND: return NQ_UC_ND;
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: return NQ_UC_N;
    default: return NQ_UC_SEP;
    }
}

/* NFC of the character alone gives the character back: false for
 * singletons (U+212B -> U+00C5), composition exclusions (U+0958) and
 * decompositions that begin with a non-starter (U+0F73). */
static bool nfc_keeps(int32_t cp)
{
    const utf8proc_option_t opt = UTF8PROC_COMPOSE | UTF8PROC_STABLE;
    utf8proc_int32_t buf[8];
    int boundclass = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char(cp, buf, 8, opt, &boundclass);
    if (n < 1 || n > 8)
        return false;
    n = utf8proc_normalize_utf32(buf, n, opt);
    return n == 1 && buf[0] == cp;
}

/* A character is NFC-safe when a text made only of NFC-safe characters is
 * certainly in NFC whatever their order, i.e. the character has
 * NFC_Quick_Check=Yes and combining class 0:
 *  - combining class 0: nothing to reorder;
 *  - not the second character of a canonical composition
 *    (NFC_Quick_Check=Maybe): utf8proc 2.x marks those with a comb_index
 *    that has bit 15 set (firsts have it clear, UINT16_MAX means neither);
 *    Hangul vowel and trailing jamo compose algorithmically, outside that
 *    table;
 *  - unchanged by NFC on its own (not NFC_Quick_Check=No).
 * Precomposed letters such as U+00E9 pass: they decompose, but recompose
 * to themselves. */
static bool nfc_safe(int32_t cp, const utf8proc_property_t *p)
{
    if (p->combining_class != 0)
        return false;
    if (p->comb_index != UINT16_MAX && (p->comb_index & 0x8000u))
        return false;
    if ((cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2))
        return false;
    if (p->decomp_seqindex != UINT16_MAX && p->decomp_type == 0)
        return nfc_keeps(cp);
    return true;
}

uint8_t nq_uc_compute(int32_t cp)
{
    const utf8proc_property_t *p = utf8proc_get_property(cp);
    int special = special_kind(cp);
    unsigned v = NQ_UC_KNOWN | (special >= 0 ? (unsigned)special : category_kind(p->category));
    if (!nfc_safe(cp, p))
        v |= NQ_UC_NFC_UNSAFE;
    if (p->casefold_seqindex != UINT16_MAX)
        v |= NQ_UC_FOLDS;
    return (uint8_t)v;
}

unsigned nq_uc_casefold(int32_t cp, int32_t out[NQ_UC_FOLD_MAX])
{
    /* With UTF8PROC_CASEFOLD alone (no COMPOSE/DECOMPOSE), utf8proc applies
     * the full folding and nothing else; recomposing the result would be
     * wrong (U+0130 folds to i + U+0307 and must stay so). */
    utf8proc_int32_t buf[8];
    int boundclass = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char(cp, buf, 8, UTF8PROC_CASEFOLD, &boundclass);
    if (n < 1 || n > NQ_UC_FOLD_MAX) {
        out[0] = cp;
        return 1;
    }
    for (utf8proc_ssize_t i = 0; i < n; i++)
        out[i] = buf[i];
    return (unsigned)n;
}

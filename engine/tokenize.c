/*
 * The fr-1 tokenizer (TOKENIZATION.md). A document goes through:
 *
 *   1. sanitize: bytes -> valid UTF-8 (utf8.c), title + "\n\n" + body;
 *   2. one scan that cuts tokens, computes their normal forms and the
 *      sentence and paragraph flags, assuming the text is already clean;
 *   3. only when that scan met a character NFC could change, or a stray
 *      combining mark: NFC over the whole text, deletion of stray marks,
 *      and a second scan.
 *
 * Press text is NFC already and has no stray marks, so it costs one copy
 * and one scan. The scan classifies ASCII through a const table and other
 * characters through a per-tokenizer cache (unicode_class.h); nothing is
 * allocated per token: every output lives in buffers that only grow.
 */
#include "tokenize.h"

#include "ascii.h"
#include "tokenize_simd.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "unicode_class.h"
#include "utf8.h"

struct nq_tokenizer {
    uint8_t *text; /* the clean text, then a NUL that is not part of it */
    size_t text_len, text_cap;
    utf8proc_int32_t *cps; /* NFC work area (code points) */
    size_t cps_cap;
    nq_token *tok;
    size_t n_tok, tok_cap;
    uint8_t *norm; /* normal forms, concatenated */
    size_t norm_len, norm_cap;
    uint64_t replaced;
    uint32_t sentences, paragraphs;
    nq_simd simd; /* the path (tokenize_simd.h) */
    nq_uc_cache cache; /* 64 KiB: last, so the hot fields share cache lines */
};

/* ------------------------------------------------------------------ */
/* Buffers                                                             */
/* ------------------------------------------------------------------ */

/* Returns buf grown to at least need elements of size elem (capacity
 * doubled, so that growing is amortized), or NULL with buf untouched. */
static void *grow(void *buf, size_t *cap, size_t need, size_t elem)
{
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c = c > SIZE_MAX / 2 ? need : c * 2;
    if (c > SIZE_MAX / elem)
        return NULL;
    void *p = realloc(buf, c * elem);
    if (p)
        *cap = c;
    return p;
}

static nq_status reserve_text(nq_tokenizer *t, size_t need)
{
    if (need <= t->text_cap)
        return NQ_OK;
    void *p = grow(t->text, &t->text_cap, need, 1);
    if (!p)
        return NQ_ERR_NOMEM;
    t->text = p;
    return NQ_OK;
}

static nq_status reserve_cps(nq_tokenizer *t, size_t need)
{
    if (need <= t->cps_cap)
        return NQ_OK;
    void *p = grow(t->cps, &t->cps_cap, need, sizeof *t->cps);
    if (!p)
        return NQ_ERR_NOMEM;
    t->cps = p;
    return NQ_OK;
}

static nq_status reserve_tok(nq_tokenizer *t, size_t need)
{
    if (need <= t->tok_cap)
        return NQ_OK;
    void *p = grow(t->tok, &t->tok_cap, need, sizeof *t->tok);
    if (!p)
        return NQ_ERR_NOMEM;
    t->tok = p;
    return NQ_OK;
}

static nq_status reserve_norm(nq_tokenizer *t, size_t need)
{
    if (need <= t->norm_cap)
        return NQ_OK;
    void *p = grow(t->norm, &t->norm_cap, need, 1);
    if (!p)
        return NQ_ERR_NOMEM;
    t->norm = p;
    return NQ_OK;
}

/* The paths the scan has: a build without a vector unit scans with the
 * scalar code whatever the path (it then only changes load_text). */
static bool vector_scan(nq_simd s)
{
    return s == NQ_SIMD_SSE41 || s == NQ_SIMD_NEON;
}

nq_tokenizer *nq_tokenizer_new_simd(nq_simd s)
{
    nq_tokenizer *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->simd = vector_scan(s) && nq_simd_available(s) ? s : NQ_SIMD_SCALAR;
    /* Small first buffers, so that out->text and out->norm are never NULL. */
    if (reserve_text(t, 256) || reserve_norm(t, 256) || reserve_tok(t, 64)) {
        nq_tokenizer_free(t);
        return NULL;
    }
    return t;
}

nq_tokenizer *nq_tokenizer_new(void)
{
    nq_simd s = nq_simd_best();
    const char *force = getenv("NQ_SIMD");
    if (force && *force && nq_simd_parse(force, &s))
        s = NQ_SIMD_SCALAR; /* an unknown name: the safe path */
    return nq_tokenizer_new_simd(s);
}

nq_simd nq_tokenizer_simd(const nq_tokenizer *t)
{
    return t->simd;
}

void nq_tokenizer_free(nq_tokenizer *t)
{
    if (!t)
        return;
    free(t->text);
    free(t->cps);
    free(t->tok);
    free(t->norm);
    free(t);
}

/* ------------------------------------------------------------------ */
/* Characters of the clean text                                        */
/* ------------------------------------------------------------------ */

/* The clean text always ends with a NUL (a separator) that is not part of
 * it, so that loops looking one character ahead need no bounds check. */

/* ASCII letters and digits, the bulk of every token. Their case folding is
 * b | 0x20 (digits already have that bit). */
static const bool ascii_alnum[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
    ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
    ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
    ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
    ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
};

/* Returned by kind_at, in the first scan, for a character NFC could
 * change; it is neither a word character nor a separator with a role. */
#define KIND_DIRTY 0x0Fu

static inline uint8_t class_at(nq_uc_cache *cache, const uint8_t *s, unsigned *len)
{
    if (s[0] < 0x80) {
        *len = 1;
        return nq_uc_ascii[s[0]];
    }
    return nq_uc_get(cache, nq_utf8_decode_valid(s, len));
}

static inline bool is_apostrophe(unsigned kind)
{
    return kind == NQ_UC_APOS || kind == NQ_UC_APOS_L;
}

/* Every apostrophe becomes U+0027 and every hyphen U+002D. */
static inline int32_t unify_punct(int32_t cp)
{
    switch (cp) {
    case 0x2019: case 0x2BC: return 0x27;
    case 0x2010: case 0x2011: return 0x2D;
    default: return cp;
    }
}

/* Writes the normal form of the non-ASCII character cp (class byte v,
 * UTF-8 s[0..len)) at o: full case folding, not recomposed (U+0130 gives
 * i + U+0307), then apostrophes and hyphens unified (U+0149 gives 'n).
 * Returns the end of what it wrote. */
static uint8_t *fold_char(uint8_t *o, const uint8_t *s, unsigned len, int32_t cp, uint8_t v)
{
    unsigned k = v & NQ_UC_KIND;
    if (!(v & NQ_UC_FOLDS) && !is_apostrophe(k) && k != NQ_UC_HYPHEN) {
        memcpy(o, s, len);
        return o + len;
    }
    int32_t f[NQ_UC_FOLD_MAX];
    unsigned m = nq_uc_casefold(cp, f);
    for (unsigned j = 0; j < m; j++)
        o += nq_utf8_encode(unify_punct(f[j]), o);
    return o;
}

/* Writes the normal form of s[0..len) to out, which has room for 3 * len
 * bytes (no character folds to more than three times its UTF-8 length).
 * Returns the bytes written. */
static size_t fold_span(nq_uc_cache *cache, const uint8_t *s, size_t len, uint8_t *out)
{
    uint8_t *o = out;
    for (size_t i = 0; i < len;) {
        if (s[i] < 0x80) {
            *o++ = (uint8_t)((uint8_t)(s[i] - 'A') < 26u ? s[i] | 0x20 : s[i]);
            i++;
            continue;
        }
        unsigned l;
        int32_t cp = nq_utf8_decode_valid(s + i, &l);
        o = fold_char(o, s + i, l, cp, nq_uc_get(cache, cp));
        i += l;
    }
    return (size_t)(o - out);
}

/* The longest elided form has 6 code points of at most 4 bytes; folding
 * never lowers the number of code points, so a longer span can never
 * match one. */
#define ELIDED_FORM_MAX_BYTES 24

typedef struct short_form {
    uint8_t len;
    char s[7];
} short_form;

static bool in_list(const uint8_t *w, size_t len, const short_form *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i].len == len && memcmp(list[i].s, w, len) == 0)
            return true;
    return false;
}

/* Whether the span, case-folded, is a form that elides (section 5); the
 * length of its normal form goes to *norm_len. The normal form is compared
 * rather than the bare case folding: they differ only on apostrophes and
 * hyphens, which no form holds, and it is the length of what the scan
 * wrote for the span. */
static bool is_elided_form(nq_uc_cache *cache, const uint8_t *s, size_t len, size_t *norm_len)
{
    static const short_form forms[] = {
        {1, "l"}, {1, "d"}, {1, "j"}, {1, "m"}, {1, "n"}, {1, "s"}, {1, "t"},
        {1, "c"}, {2, "\xC3\xA7"}, {2, "qu"}, {5, "jusqu"}, {6, "lorsqu"}, {6, "puisqu"},
        {6, "quoiqu"}};
    if (len == 0 || len > ELIDED_FORM_MAX_BYTES)
        return false;
    uint8_t buf[3 * ELIDED_FORM_MAX_BYTES];
    *norm_len = fold_span(cache, s, len, buf);
    return in_list(buf, *norm_len, forms, sizeof forms / sizeof *forms);
}

/* A token after which a single '.' does not end the sentence (section 7):
 * its normal form is a single letter (one code point of category L*) or
 * one of the listed abbreviations. The contract says "A (case-folded)";
 * the normal form differs from the case folding only for apostrophes and
 * hyphens, so only a lone U+02BC could tell them apart, and the normal
 * form is what the brief and the reference implementation (tests/reference)
 * use. */
static bool is_abbreviation(nq_uc_cache *cache, const uint8_t *norm, size_t len)
{
    static const short_form abbr[] = {
        {2, "mm"}, {3, "mme"}, {4, "mmes"}, {4, "mlle"}, {5, "mlles"}, {2, "dr"},
        {2, "pr"}, {2, "me"},  {3, "mgr"},  {2, "st"},   {3, "ste"},   {2, "cf"},
        {3, "art"}, {2, "av"}, {3, "apr"},  {3, "env"},  {3, "vol"},   {2, "pp"}};
    unsigned first_len;
    uint8_t v = class_at(cache, norm, &first_len);
    if (first_len == len)
        return nq_uc_is_letter(v & NQ_UC_KIND);
    return in_list(norm, len, abbr, sizeof abbr / sizeof *abbr);
}

/* ------------------------------------------------------------------ */
/* The scan                                                            */
/* ------------------------------------------------------------------ */

enum { SCAN_DIRTY = 1 }; /* the first scan found work for clean_text */

typedef struct scan {
    nq_tokenizer *t;
    const uint8_t *s;
    size_t n;
    bool first_pass;  /* stop at anything clean_text would change */
    bool vec;         /* 16 bytes per step where the path has vectors */
    /* The separator since the previous token (section 7). */
    size_t breaks;    /* line breaks, CR LF counting once */
    size_t dots;      /* '.' */
    size_t terms;     /* other terminators */
    bool after_cr;
    /* The previous token's normal form, for the abbreviation rule. */
    bool have_prev;
    size_t prev_norm_off, prev_norm_len;
} scan;

/* Kind of the character at i (KIND_DIRTY in the first pass for a
 * character NFC could change), and its length. */
static inline unsigned kind_at(scan *sc, size_t i, unsigned *len)
{
    uint8_t v = class_at(&sc->t->cache, sc->s + i, len);
    if (sc->first_pass && (v & NQ_UC_NFC_UNSAFE))
        return KIND_DIRTY;
    return v & NQ_UC_KIND;
}

static void note_separator(scan *sc, unsigned kind)
{
    bool cr = false;
    switch (kind) {
    case NQ_UC_LF: sc->breaks += !sc->after_cr; break;
    case NQ_UC_CR: sc->breaks++; cr = true; break;
    case NQ_UC_LS: sc->breaks++; break;
    case NQ_UC_DOT: sc->dots++; break;
    case NQ_UC_TERM: sc->terms++; break;
    default: break;
    }
    sc->after_cr = cr;
}

/* Flags of the token B that follows the current separator; b_lower: B
 * begins with an Ll character. */
static uint32_t boundary_flags(scan *sc, bool b_lower)
{
    if (!sc->have_prev || sc->breaks >= 2)
        return NQ_TOK_SENT_START | NQ_TOK_PARA_START;
    if (sc->breaks == 0 && sc->dots == 0 && sc->terms == 0)
        return 0;
    if (b_lower)
        return 0;
    if (sc->breaks == 0 && sc->dots == 1 && sc->terms == 0 &&
        is_abbreviation(&sc->t->cache, sc->t->norm + sc->prev_norm_off, sc->prev_norm_len))
        return 0;
    return NQ_TOK_SENT_START;
}

/* Records a token: surface s[off..off+len), normal form already written at
 * norm[norm_off..norm_off+norm_len). */
static inline nq_status emit(scan *sc, size_t off, size_t len, size_t norm_off,
                             size_t norm_len, uint32_t flags)
{
    nq_tokenizer *t = sc->t;
    if (t->n_tok == t->tok_cap) {
        nq_status st = reserve_tok(t, t->n_tok + 1);
        if (st)
            return st;
    }
    t->tok[t->n_tok++] = (nq_token){.text_off = (uint32_t)off,
                                    .text_len = (uint32_t)len,
                                    .norm_off = (uint32_t)norm_off,
                                    .norm_len = (uint32_t)norm_len,
                                    .flags = flags};
    t->sentences += (flags & NQ_TOK_SENT_START) != 0;
    t->paragraphs += (flags & NQ_TOK_PARA_START) != 0;
    sc->have_prev = true;
    sc->prev_norm_off = norm_off;
    sc->prev_norm_len = norm_len;
    sc->breaks = sc->dots = sc->terms = 0;
    sc->after_cr = false;
    return NQ_OK;
}

/* Whether the connector (apostrophe, hyphen, '.', ',') of the given kind at
 * i, whose character before is a decimal digit when prev_nd, joins the
 * character after it to the raw token (section 4). */
static bool connector_joins(scan *sc, size_t i, unsigned kind, unsigned len, bool prev_nd)
{
    unsigned len2;
    unsigned k2 = kind_at(sc, i + len, &len2); /* the NUL after the text stops */
    if (kind == NQ_UC_DOT || kind == NQ_UC_COMMA)
        return prev_nd && k2 == NQ_UC_ND;
    /* In the first pass a mark after the connector is a stray one: the
     * main loop finds it as the start of a token and stops. */
    return nq_uc_is_word(k2) && !(sc->first_pass && k2 == NQ_UC_M);
}

/* Scans the raw token (section 4) that begins at i with a word character,
 * writing its normal form at *o (advanced). Returns its end; *first_apos
 * gets the position of its first apostrophe, or the end when it has none. */
/* Copies the run of ASCII letters and digits at s[i], lowercased, to *w,
 * eight bytes at a time; returns the new i. */
static inline size_t copy_ascii_run(const uint8_t *s, size_t i, size_t n, uint8_t **w)
{
    const uint64_t high = 0x8080808080808080ull;
    while (i + 8 <= n) {
        uint64_t b;
        memcpy(&b, s + i, 8);
        uint64_t ok = nq_ascii_alnum_bytes(b);
        uint64_t lower = b | 0x2020202020202020ull; /* digits already have 0x20 */
        memcpy(*w, &lower, 8);
        if (ok == high) {
            *w += 8;
            i += 8;
            continue;
        }
        unsigned k = (unsigned)__builtin_ctzll(~ok & high) / 8;
        *w += k;
        return i + k;
    }
    while (ascii_alnum[s[i]])
        *(*w)++ = s[i++] | 0x20;
    return i;
}

#if defined(NQ_TOK_VEC_X86) || defined(NQ_TOK_VEC_NEON)
/* copy_ascii_run 16 bytes at a time (the norm buffer has room for the 15
 * bytes it may write past the run). */
static inline size_t copy_ascii_run_vec(const uint8_t *s, size_t i, size_t n, uint8_t **w)
{
    while (n - i >= 16) {
        unsigned m = nq_tok_alnum16(s + i, *w);
        if (m == 0xFFFFu) {
            *w += 16;
            i += 16;
            continue;
        }
        unsigned k = (unsigned)__builtin_ctz(~m);
        *w += k;
        return i + k;
    }
    return copy_ascii_run(s, i, n, w);
}
#define COPY_ASCII_RUN(sc, s, i, n, w)                                                     \
    ((sc)->vec ? copy_ascii_run_vec(s, i, n, w) : copy_ascii_run(s, i, n, w))
#else
#define COPY_ASCII_RUN(sc, s, i, n, w) copy_ascii_run(s, i, n, w)
#endif

static size_t scan_raw_token(scan *sc, size_t i, uint8_t **o, size_t *first_apos)
{
    const uint8_t *s = sc->s;
    uint8_t *w = *o;
    size_t apos = SIZE_MAX;
    bool last_nd = false; /* the last non-ASCII word character was Nd */
    for (;;) {
        i = COPY_ASCII_RUN(sc, s, i, sc->n, &w);
        unsigned len, k;
        if (s[i] >= 0x80) {
            int32_t cp = nq_utf8_decode_valid(s + i, &len);
            uint8_t v = nq_uc_get(&sc->t->cache, cp);
            k = v & NQ_UC_KIND;
            if (sc->first_pass && (v & NQ_UC_NFC_UNSAFE))
                break;
            if (nq_uc_is_word(k)) {
                if (k == NQ_UC_APOS_L && apos == SIZE_MAX)
                    apos = i;
                last_nd = k == NQ_UC_ND;
                w = fold_char(w, s + i, len, cp, v);
                i += len;
                continue;
            }
            if (k != NQ_UC_APOS && k != NQ_UC_HYPHEN)
                break;
        } else {
            len = 1;
            k = nq_uc_ascii[s[i]] & NQ_UC_KIND;
            if (k != NQ_UC_APOS && k != NQ_UC_HYPHEN && k != NQ_UC_DOT && k != NQ_UC_COMMA)
                break;
        }
        /* i > start here: a raw token begins with a word character. */
        bool prev_nd = s[i - 1] < 0x80 ? (uint8_t)(s[i - 1] - '0') < 10u : last_nd;
        if (!connector_joins(sc, i, k, len, prev_nd))
            break;
        if (k == NQ_UC_APOS && apos == SIZE_MAX)
            apos = i;
        *w++ = k == NQ_UC_APOS ? '\'' : k == NQ_UC_HYPHEN ? '-' : s[i];
        i += len;
    }
    *o = w;
    *first_apos = apos == SIZE_MAX ? i : apos;
    return i;
}

/* Position of the first apostrophe in [i, end), or end; *alen: its length. */
static size_t find_apostrophe(scan *sc, size_t i, size_t end, unsigned *alen)
{
    while (i < end) {
        if (is_apostrophe(kind_at(sc, i, alen)))
            return i;
        i += *alen;
    }
    return end;
}

/* Length of the U+0027 or U+2019 at s (which the rest of a raw token takes
 * in "l' IA"), or 0. */
static unsigned separate_apostrophe(const uint8_t *s)
{
    if (s[0] == '\'')
        return 1;
    return s[0] == 0xE2 && s[1] == 0x80 && s[2] == 0x99 ? 3 : 0;
}

/* Scans the raw token at start and records its tokens (section 5), the
 * first with the given flags; *next gets where the following separator
 * begins. */
static nq_status take_raw_token(scan *sc, size_t start, uint32_t flags, size_t *next)
{
    nq_tokenizer *t = sc->t;
    nq_uc_cache *cache = &t->cache;
    uint8_t *o = t->norm + t->norm_len;
    size_t apos;
    size_t end = scan_raw_token(sc, start, &o, &apos);
    size_t norm_end = (size_t)(o - t->norm);
    size_t pos = start, npos = t->norm_len;
    nq_status st;
    while (apos < end) {
        unsigned alen;
        size_t plen;
        (void)kind_at(sc, apos, &alen);
        if (!is_elided_form(cache, sc->s + pos, apos - pos, &plen))
            break;
        /* The apostrophe's normal form is the one byte '\''. */
        if ((st = emit(sc, pos, apos + alen - pos, npos, plen + 1, flags)))
            return st;
        flags = 0;
        pos = apos + alen;
        npos += plen + 1;
        apos = find_apostrophe(sc, pos, end, &alen);
    }
    *next = end;
    t->norm_len = norm_end;
    if (pos == end) /* "lʼ": U+02BC is a letter, so it ended the raw token */
        return NQ_OK;
    /* "l' IA": the rest is an elided form directly followed by an
     * apostrophe, which it takes. The rest after a split is "treated again
     * by this rule" (section 5), so "d'l' IA" gives d' l' ia. */
    unsigned alen = separate_apostrophe(sc->s + end);
    size_t plen;
    if (alen && is_elided_form(cache, sc->s + pos, end - pos, &plen)) {
        t->norm[t->norm_len++] = '\'';
        *next = end + alen;
    }
    return emit(sc, pos, *next - pos, npos, t->norm_len - npos, flags);
}

/* Bytes of the text with the high bit set: the normal forms of the tokens
 * take at most text_len + 2 * that (ASCII folds to one byte, any other
 * character to at most three times its length). */
static size_t count_high_bytes(const uint8_t *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101ull;
    size_t count = 0, i = 0;
    for (; n - i >= 8; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        /* One bit per byte moved to the bottom, then summed by the multiply
         * into the top byte (at most 8, so no carry between bytes). */
        count += (size_t)((((w >> 7) & ones) * ones) >> 56);
    }
    for (; i < n; i++)
        count += s[i] >> 7;
    return count;
}

/* Runs one scan over t->text: fills tokens, normal forms and counts. In
 * the first pass, returns SCAN_DIRTY as soon as the text needs clean_text. */
static int scan_text(nq_tokenizer *t, bool first_pass)
{
    scan sc = {.t = t, .s = t->text, .n = t->text_len, .first_pass = first_pass,
               .vec = vector_scan(t->simd)};
    t->n_tok = 0;
    t->norm_len = 0;
    t->sentences = t->paragraphs = 0;
    /* Room for every normal form up front: no check per character. */
    size_t norm_max = t->text_len + 2 * count_high_bytes(t->text, t->text_len);
    /* + 16: the word-at-a-time copy of ASCII runs may write 7 bytes past a
     * token's end, its vector form 15 (they are overwritten by what
     * follows). */
    nq_status st = reserve_norm(t, norm_max + 1 + 16);
    if (st)
        return st;
    const uint8_t *s = sc.s;
    size_t i = 0;
    while (i < sc.n) {
        if (s[i] == ' ') { /* the most frequent separator by far */
            sc.after_cr = false;
            i++;
            continue;
        }
        unsigned len;
        unsigned k = kind_at(&sc, i, &len);
        if (!nq_uc_is_word(k)) {
            if (k == KIND_DIRTY)
                return SCAN_DIRTY;
            note_separator(&sc, k);
            i += len;
            continue;
        }
        if (k == NQ_UC_M && first_pass)
            return SCAN_DIRTY; /* a mark after a separator, or first */
        if ((st = take_raw_token(&sc, i, boundary_flags(&sc, k == NQ_UC_LL), &i)))
            return st;
    }
    /* Normal-form offsets are 32-bit, like text offsets (the clean text is
     * checked before the scan). */
    return t->norm_len > UINT32_MAX ? NQ_ERR_LIMIT : NQ_OK;
}

/* ------------------------------------------------------------------ */
/* Cleaning: NFC and stray marks                                       */
/* ------------------------------------------------------------------ */

static bool needs_nfc(nq_tokenizer *t)
{
    const uint8_t *s = t->text;
    for (size_t i = 0; i < t->text_len;) {
        unsigned len;
        if (class_at(&t->cache, s + i, &len) & NQ_UC_NFC_UNSAFE)
            return true;
        i += len;
    }
    return false;
}

#define NFC_OPTIONS ((utf8proc_option_t)(UTF8PROC_COMPOSE | UTF8PROC_STABLE))

/* Canonical composition of cps[0..n) in place; returns the new length.
 * utf8proc 2.8 composes an LV syllable with U+11A7 (TBase, which is not a
 * trailing consonant) and so drops it, where Unicode keeps it. U+11A7 is a
 * starter that composes with nothing, so composing the pieces between its
 * occurrences separately is exact NFC. */
static size_t compose(utf8proc_int32_t *cps, size_t n)
{
    size_t out = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && cps[i] != 0x11A7)
            continue;
        if (i > start) {
            utf8proc_ssize_t m =
                utf8proc_normalize_utf32(cps + start, (utf8proc_ssize_t)(i - start), NFC_OPTIONS);
            memmove(cps + out, cps + start, (size_t)m * sizeof *cps);
            out += (size_t)m;
        }
        if (i < n)
            cps[out++] = cps[i];
        start = i + 1;
    }
    return out;
}

static nq_status nfc(nq_tokenizer *t)
{
    utf8proc_ssize_t n;
    for (;;) {
        n = utf8proc_decompose(t->text, (utf8proc_ssize_t)t->text_len, t->cps,
                               (utf8proc_ssize_t)t->cps_cap, NFC_OPTIONS);
        if (n < 0)
            return n == UTF8PROC_ERROR_NOMEM ? NQ_ERR_NOMEM : NQ_ERR_LIMIT;
        if ((size_t)n <= t->cps_cap)
            break;
        nq_status st = reserve_cps(t, (size_t)n);
        if (st)
            return st;
    }
    size_t m = compose(t->cps, (size_t)n);
    nq_status st = reserve_text(t, 4 * m + 1);
    if (st)
        return st;
    size_t bytes = 0;
    for (size_t i = 0; i < m; i++)
        bytes += nq_utf8_encode(t->cps[i], t->text + bytes);
    if (bytes > UINT32_MAX)
        return NQ_ERR_LIMIT;
    t->text_len = bytes;
    t->text[bytes] = 0;
    return NQ_OK;
}

/* Section 2.3, read left to right on the text being produced: a mark is
 * kept when the last character KEPT is a letter, mark or number. So a whole
 * run of marks after a separator goes, not only its first mark. */
static void delete_stray_marks(nq_tokenizer *t)
{
    uint8_t *s = t->text;
    size_t o = 0;
    bool after_word = false;
    for (size_t i = 0; i < t->text_len;) {
        unsigned len;
        unsigned k = class_at(&t->cache, s + i, &len) & NQ_UC_KIND;
        if (k != NQ_UC_M || after_word) {
            memmove(s + o, s + i, len);
            o += len;
            after_word = nq_uc_is_word(k);
        }
        i += len;
    }
    t->text_len = o;
    t->text[o] = 0;
}

static nq_status clean_text(nq_tokenizer *t)
{
    if (needs_nfc(t)) {
        nq_status st = nfc(t);
        if (st)
            return st;
    }
    delete_stray_marks(t);
    return NQ_OK;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */
/* ------------------------------------------------------------------ */

/* Copies in[0..len) to out as nq_utf8_sanitize does: on a vector path,
 * text found valid (nearly all of it) is copied whole. */
static size_t load_part(nq_tokenizer *t, const uint8_t *in, size_t len, uint8_t *out)
{
    if (t->simd != NQ_SIMD_SCALAR && len && nq_utf8_valid_simd(t->simd, in, len)) {
        memcpy(out, in, len);
        return len;
    }
    return nq_utf8_sanitize(in, len, out, &t->replaced);
}

static nq_status load_text(nq_tokenizer *t, const char *title, size_t title_len, const char *body,
                           size_t body_len)
{
    if (!title)
        title_len = 0;
    if (!body)
        body_len = 0;
    size_t sep = title_len ? 2 : 0;
    /* Every input byte gives at least one byte of text, and at most
     * NQ_UTF8_SANITIZE_GROWTH. */
    if (title_len > UINT32_MAX - 2 || body_len > UINT32_MAX - 2 - title_len ||
        title_len + body_len > (SIZE_MAX - 2) / NQ_UTF8_SANITIZE_GROWTH)
        return NQ_ERR_LIMIT;
    nq_status st = reserve_text(t, NQ_UTF8_SANITIZE_GROWTH * (title_len + body_len) + sep + 1);
    if (st)
        return st;
    size_t n = 0;
    if (title_len) {
        n = load_part(t, (const uint8_t *)title, title_len, t->text);
        memcpy(t->text + n, "\n\n", 2);
        n += 2;
    }
    n += load_part(t, (const uint8_t *)body, body_len, t->text + n);
    t->text_len = n;
    t->text[n] = 0;
    return n > UINT32_MAX ? NQ_ERR_LIMIT : NQ_OK;
}

static nq_status tokenize(nq_tokenizer *t)
{
    int r = scan_text(t, true);
    if (r != SCAN_DIRTY)
        return (nq_status)r;
    nq_status st = clean_text(t);
    if (st)
        return st;
    return (nq_status)scan_text(t, false);
}

nq_status nq_tokenize_doc(nq_tokenizer *t, const char *title, size_t title_len,
                          const char *body, size_t body_len, nq_tokens *out)
{
    t->text_len = t->n_tok = t->norm_len = 0;
    t->replaced = 0;
    t->sentences = t->paragraphs = 0;
    nq_status st = load_text(t, title, title_len, body, body_len);
    if (!st)
        st = tokenize(t);
    if (st) {
        t->text_len = t->n_tok = t->norm_len = 0;
        t->sentences = t->paragraphs = 0;
    }
    *out = (nq_tokens){.tok = t->tok,
                       .n = t->n_tok,
                       .norm = (const char *)t->norm,
                       .text = (const char *)t->text,
                       .text_len = t->text_len,
                       .replaced = t->replaced,
                       .sentences = t->sentences,
                       .paragraphs = t->paragraphs};
    return st;
}

nq_status nq_tokenize_text(nq_tokenizer *t, const char *text, size_t len, nq_tokens *out)
{
    return nq_tokenize_doc(t, NULL, 0, text, len, out);
}

/* Character classes of fr-1 and the NFC quick check behind the tokenizer's
 * fast path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <utf8proc.h>

#include "testutil.h"
#include "unicode_class.h"
#include "utf8.h"

static unsigned kind(int32_t cp)
{
    return nq_uc_compute(cp) & NQ_UC_KIND;
}

static bool unsafe(int32_t cp)
{
    return (nq_uc_compute(cp) & NQ_UC_NFC_UNSAFE) != 0;
}

/* The const ASCII table is what nq_uc_compute says. */
static void test_ascii_table(void **state)
{
    (void)state;
    for (int32_t c = 0; c < 128; c++) {
        if (nq_uc_ascii[c] != nq_uc_compute(c))
            print_error("U+%04X: table %#x, computed %#x\n", (unsigned)c, nq_uc_ascii[c],
                        nq_uc_compute(c));
        assert_int_equal(nq_uc_ascii[c], nq_uc_compute(c));
    }
}

typedef struct kind_case {
    int32_t cp;
    unsigned kind;
} kind_case;

static void test_kinds(void **state)
{
    (void)state;
    static const kind_case cases[] = {
        {'a', NQ_UC_LL},       {0xE9, NQ_UC_LL},      {'A', NQ_UC_L},
        {0xC9, NQ_UC_L},       {0x01C5, NQ_UC_L},     /* ǅ Lt */
        {0x05D0, NQ_UC_L},     /* א Lo */             {0x0301, NQ_UC_M},
        {0x0903, NQ_UC_M},     /* Mc */               {0x20DD, NQ_UC_M}, /* Me */
        {'7', NQ_UC_ND},       {0x0663, NQ_UC_ND},    /* Arabic-indic 3 */
        {0xBD, NQ_UC_N},       /* ½ No */             {0x216B, NQ_UC_N}, /* Ⅻ Nl */
        {0x27, NQ_UC_APOS},    {0x2019, NQ_UC_APOS},  {0x02BC, NQ_UC_APOS_L},
        {'-', NQ_UC_HYPHEN},   {0x2010, NQ_UC_HYPHEN}, {0x2011, NQ_UC_HYPHEN},
        {0x2013, NQ_UC_SEP},   /* en dash: not a hyphen */
        {'.', NQ_UC_DOT},      {',', NQ_UC_COMMA},    {'!', NQ_UC_TERM},
        {'?', NQ_UC_TERM},     {0x2026, NQ_UC_TERM},  {'\n', NQ_UC_LF},
        {'\r', NQ_UC_CR},      {0x2028, NQ_UC_LS},    {0x2029, NQ_UC_LS},
        {0x0B, NQ_UC_SEP},     {0x0C, NQ_UC_SEP},     {0x85, NQ_UC_SEP}, /* not line breaks */
        {0xA0, NQ_UC_SEP},     {0x202F, NQ_UC_SEP},   {0xAB, NQ_UC_SEP},
        {0xBB, NQ_UC_SEP},     {0xFFFD, NQ_UC_SEP},   {0x1F600, NQ_UC_SEP},
        {0x20AC, NQ_UC_SEP},   {0x2018, NQ_UC_SEP},   /* ‘ is not an apostrophe */
        {0x10FFFF, NQ_UC_SEP}, {0xE000, NQ_UC_SEP},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (kind(cases[i].cp) != cases[i].kind)
            print_error("U+%04X: kind %u, expected %u\n", (unsigned)cases[i].cp,
                        kind(cases[i].cp), cases[i].kind);
        assert_int_equal(kind(cases[i].cp), cases[i].kind);
    }
    assert_true(nq_uc_is_word(NQ_UC_APOS_L));
    assert_false(nq_uc_is_word(NQ_UC_APOS));
    assert_true(nq_uc_is_letter(NQ_UC_LL));
    assert_false(nq_uc_is_letter(NQ_UC_ND));
}

/* What French press text is made of never leaves the fast path. */
static void test_french_is_nfc_safe(void **state)
{
    (void)state;
    static const char french[] =
        "àâäéèêëîïôöùûüÿçœæÀÂÄÉÈÊËÎÏÔÖÙÛÜŸÇŒÆ’‘«»“”„–—…•°€£ºª§¶·×÷"
        "\xC2\xA0\xE2\x80\xAF\xE2\x80\x89\xE2\x80\x8B\xEF\xBB\xBF"; /* NBSP, NNBSP, thin, ZWSP, BOM */
    const uint8_t *s = (const uint8_t *)french;
    for (size_t i = 0; s[i];) {
        unsigned len;
        int32_t cp = nq_utf8_decode_valid(s + i, &len);
        if (unsafe(cp))
            print_error("U+%04X is not NFC-safe\n", (unsigned)cp);
        assert_false(unsafe(cp));
        i += len;
    }
}

/* Characters NFC can change, or that can change what is before them. */
static void test_nfc_unsafe(void **state)
{
    (void)state;
    static const int32_t cps[] = {
        0x0300, 0x0301, 0x0327, 0x0338, /* combining marks: ccc != 0 */
        0x0345, 0x05A4, 0x3099,
        0x212B, 0x2126, 0x0340, 0x0374, /* singletons: Å sign, Ω sign, ... */
        0x0958, 0xFB1D, 0x2ADC,         /* composition exclusions */
        0x0F73, 0x0344,                 /* non-starter decompositions */
        0x1161, 0x1175, 0x11A8, 0x11C2, /* Hangul V and T jamo */
        0x09BE, 0x09D7, 0x0B3E, 0x0B56, 0x0B57, 0x0BBE, 0x0BD7, 0x0C56,
        0x0CC2, 0x0CD5, 0x0CD6, 0x0D3E, 0x0D57, 0x0DCF, 0x0DDF, 0x102E, 0x1B35,
        0x110BA, 0x1133E, 0x11357,      /* ccc 0 seconds of compositions */
    };
    for (size_t i = 0; i < sizeof cps / sizeof *cps; i++) {
        if (!unsafe(cps[i]))
            print_error("U+%04X should be NFC-unsafe\n", (unsigned)cps[i]);
        assert_true(unsafe(cps[i]));
    }
    /* Starters that compose with what follows are safe: what follows is not. */
    assert_false(unsafe('e'));
    assert_false(unsafe(0x1100)); /* Hangul L */
    assert_false(unsafe(0xAC00)); /* Hangul LV syllable */
    assert_false(unsafe(0x0915)); /* क */
}

/* Exhaustive: every safe code point is unchanged by NFC alone and after a
 * starter that composes with many seconds. */
static void test_safe_means_stable(void **state)
{
    (void)state;
    static const int32_t firsts[] = {'a', 'e', 'A', 0x0915, 0x0B47, 0x1100, 0xAC00, 0x0DD9};
    for (int32_t cp = 0; cp < 0x110000; cp++) {
        if ((cp >= 0xD800 && cp < 0xE000) || unsafe(cp))
            continue;
        for (size_t f = 0; f < sizeof firsts / sizeof *firsts; f++) {
            /* utf8proc 2.8 wrongly composes LV + U+11A7 (see compose() in
             * tokenize.c); Unicode leaves the pair alone. */
            if (cp == 0x11A7 && firsts[f] == 0xAC00)
                continue;
            utf8proc_uint8_t in[16];
            utf8proc_ssize_t n = utf8proc_encode_char(firsts[f], in);
            n += utf8proc_encode_char(cp, in + n);
            utf8proc_uint8_t *nfc = NULL;
            utf8proc_ssize_t m = utf8proc_map(in, n, &nfc, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
            assert_true(m >= 0);
            if (m != n || memcmp(nfc, in, (size_t)n) != 0)
                print_error("U+%04X after U+%04X changes under NFC\n", (unsigned)cp,
                            (unsigned)firsts[f]);
            assert_int_equal(m, n);
            assert_memory_equal(nfc, in, (size_t)n);
            free(nfc);
        }
    }
}

typedef struct fold_case {
    int32_t cp;
    unsigned n;
    int32_t out[NQ_UC_FOLD_MAX];
} fold_case;

static void test_casefold(void **state)
{
    (void)state;
    static const fold_case cases[] = {
        {'A', 1, {'a'}},
        {'a', 1, {'a'}},
        {0xC9, 1, {0xE9}},                  /* É -> é */
        {0xDF, 2, {'s', 's'}},              /* ß -> ss */
        {0x1E9E, 2, {'s', 's'}},            /* ẞ -> ss */
        {0x130, 2, {'i', 0x307}},           /* İ -> i + combining dot, not recomposed */
        {0x149, 2, {0x2BC, 'n'}},           /* ŉ -> ʼn */
        {0x390, 3, {0x3B9, 0x308, 0x301}},  /* ΐ */
        {0x3A3, 1, {0x3C3}},                /* Σ -> σ */
        {0x3C2, 1, {0x3C3}},                /* ς -> σ */
        {0xFB01, 2, {'f', 'i'}},            /* ﬁ */
        {0x212A, 1, {'k'}},                 /* Kelvin sign */
        {0x17F, 1, {'s'}},                  /* ſ */
        {0x345, 1, {0x3B9}},                /* ypogegrammeni */
        {0x2019, 1, {0x2019}},              /* unchanged: unified later */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int32_t out[NQ_UC_FOLD_MAX];
        unsigned n = nq_uc_casefold(cases[i].cp, out);
        assert_int_equal(n, cases[i].n);
        for (unsigned j = 0; j < n; j++)
            assert_int_equal(out[j], cases[i].out[j]);
        bool changes = n != 1 || out[0] != cases[i].cp;
        assert_int_equal((nq_uc_compute(cases[i].cp) & NQ_UC_FOLDS) != 0, changes);
    }
}

/* The cache gives what nq_uc_compute gives. */
static void test_cache(void **state)
{
    (void)state;
    nq_uc_cache *cache = calloc(1, sizeof *cache);
    assert_non_null(cache);
    for (int32_t cp = 0; cp < 0x30000; cp += 7) {
        if (cp >= 0xD800 && cp < 0xE000)
            continue;
        assert_int_equal(nq_uc_get(cache, cp), nq_uc_compute(cp));
        assert_int_equal(nq_uc_get(cache, cp), nq_uc_compute(cp)); /* cached */
    }
    free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_table),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_french_is_nfc_safe),
        cmocka_unit_test(test_nfc_unsafe),
        cmocka_unit_test(test_safe_means_stable),
        cmocka_unit_test(test_casefold),
        cmocka_unit_test(test_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * The fr-1 tokenizer against hand-worked cases of TOKENIZATION.md.
 *
 * Expected outputs are written as the normal forms separated by " " inside
 * a sentence, " / " at a sentence boundary and " // " at a paragraph
 * boundary: this fixes the sentence and paragraph index of every token
 * (normal forms never hold a space or a '/').
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "reader.h"
#include "testutil.h"
#include "tokenize.h"
#include "tokenize_simd.h"
#include "utf8.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static int setup(void **state)
{
    *state = nq_tokenizer_new();
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    nq_tokenizer_free(*state);
    return 0;
}

/* The notation above, in a malloc'd string. */
static char *render(const nq_tokens *out)
{
    size_t cap = 16;
    for (size_t i = 0; i < out->n; i++)
        cap += out->tok[i].norm_len + 4;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t o = 0;
    for (size_t i = 0; i < out->n; i++) {
        const nq_token *t = &out->tok[i];
        if (i > 0) {
            const char *sep = t->flags & NQ_TOK_PARA_START ? " // "
                              : t->flags & NQ_TOK_SENT_START ? " / "
                                                             : " ";
            memcpy(buf + o, sep, strlen(sep));
            o += strlen(sep);
        }
        memcpy(buf + o, out->norm + t->norm_off, t->norm_len);
        o += t->norm_len;
    }
    buf[o] = 0;
    return buf;
}

/* Checks what every output must satisfy (see test_random for the list). */
static void check_invariants(const nq_tokens *out)
{
    uint32_t sentences = 0, paragraphs = 0;
    size_t prev_end = 0;
    for (size_t i = 0; i < out->n; i++) {
        const nq_token *t = &out->tok[i];
        assert_true(t->text_len > 0);
        assert_true(t->norm_len > 0);
        assert_true((size_t)t->text_off + t->text_len <= out->text_len);
        assert_true(t->text_off >= prev_end); /* in order, no overlap */
        prev_end = (size_t)t->text_off + t->text_len;
        if (i == 0)
            assert_int_equal(t->flags, NQ_TOK_SENT_START | NQ_TOK_PARA_START);
        if (t->flags & NQ_TOK_PARA_START)
            assert_true(t->flags & NQ_TOK_SENT_START);
        assert_int_equal(t->flags & ~(uint32_t)(NQ_TOK_SENT_START | NQ_TOK_PARA_START), 0);
        sentences += (t->flags & NQ_TOK_SENT_START) != 0;
        paragraphs += (t->flags & NQ_TOK_PARA_START) != 0;
        /* Normal forms are valid UTF-8, hold no space, no upper-case ASCII
         * and only unified apostrophes and hyphens. */
        const uint8_t *s = (const uint8_t *)out->norm + t->norm_off;
        for (size_t j = 0; j < t->norm_len;) {
            unsigned bad = 0;
            unsigned len = nq_utf8_sequence(s + j, t->norm_len - j, &bad);
            assert_true(len > 0);
            unsigned dlen;
            int32_t cp = nq_utf8_decode_valid(s + j, &dlen);
            assert_false(cp >= 'A' && cp <= 'Z');
            assert_true(cp != ' ' && cp != 0x2019 && cp != 0x2BC && cp != 0x2010 && cp != 0x2011);
            j += len;
        }
        /* Surfaces are whole characters of the text. */
        unsigned bad = 0;
        if (t->text_off < out->text_len)
            assert_true(nq_utf8_sequence((const uint8_t *)out->text + t->text_off,
                                         out->text_len - t->text_off, &bad) > 0);
    }
    assert_int_equal(out->sentences, sentences);
    assert_int_equal(out->paragraphs, paragraphs);
    /* The clean text is valid UTF-8. */
    const uint8_t *s = (const uint8_t *)out->text;
    for (size_t j = 0; j < out->text_len;) {
        unsigned bad = 0;
        unsigned len = nq_utf8_sequence(s + j, out->text_len - j, &bad);
        assert_true(len > 0);
        j += len;
    }
}

typedef struct tok_case {
    const char *in;
    const char *want;
} tok_case;

static void run_cases(nq_tokenizer *tz, const tok_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        nq_tokens out;
        assert_int_equal(nq_tokenize_text(tz, cases[i].in, strlen(cases[i].in), &out), NQ_OK);
        check_invariants(&out);
        char *got = render(&out);
        if (strcmp(got, cases[i].want) != 0)
            print_error("input \"%s\"\n  want \"%s\"\n  got  \"%s\"\n", cases[i].in, cases[i].want,
                        got);
        assert_string_equal(got, cases[i].want);
        free(got);
    }
}

#define RUN(state, cases) run_cases(*(state), cases, sizeof cases / sizeof *cases)

/* ------------------------------------------------------------------ */
/* Raw tokens (section 4) and classes (section 3)                      */
/* ------------------------------------------------------------------ */

static void test_raw_tokens(void **state)
{
    static const tok_case cases[] = {
        {"", ""},
        {"Le chat dort", "le chat dort"},
        {"  \t« » ; : ( ) [ ] — – … ?! \"", ""}, /* separators only */
        {"Jean-Noël open-source", "jean-noël open-source"},
        {"aujourd'hui quelqu'un presqu'île", "aujourd'hui quelqu'un presqu'île"},
        {"1,5 3.14 2018-2022 1.000.000 10,5%", "1,5 3.14 2018-2022 1.000.000 10,5"},
        {"U.S.A", "u s a"},                       /* '.' joins digits only */
        {"1, 5 a,b a.b 1.a x,1", "1 5 a b a b 1 a x 1"},
        {"1.5. 3,14,", "1.5 / 3,14"},
        {"a--b -a- a-'b '-a", "a b a a b a"},     /* a single connector joins */
        {"a‐b a‑b", "a-b a-b"},                   /* U+2010, U+2011 */
        {"a–b a—b a−b", "a b a b a b"},           /* en dash, em dash, minus: separators */
        {"l’homme", "l' homme"},
        {"'a' ‘b’ \"c\"", "a b c"},
        {"10\u00A0000 «\u202FOui\u202F»", "10 000 oui"}, /* NBSP, NNBSP */
        {"a\xEF\xBF\xBD" "b", "a b"},             /* U+FFFD is a symbol */
        {"a\xFF" "b a\xC3" "b", "a b a b"},       /* and so is a replaced byte */
        {"😀a b😀", "a b"},
        {"½ Ⅻ ٣,٥ ٣.a", "½ ⅻ ٣,٥ ٣ a"},           /* No, Nl, Arabic-indic Nd */
        {"x²", "x²"},                             /* superscript two is No */
        {"a_b a@b a#b a/b", "a b a b a b a b"},
        {"ﬁn Straße İstanbul", "fin strasse i\u0307stanbul"},
        {"ΣΑΣ ς", "σασ σ"},
        {"ŉ", "'n"},                              /* U+0149 folds to U+02BC n */
        {"K\u212A", "kk"},                        /* Kelvin sign */
        {"ÉTÉ Œuvre ÇA", "été œuvre ça"},
        {"a\0b", "a"},                            /* strlen stops at the NUL */
    };
    RUN(state, cases);
}

/* ------------------------------------------------------------------ */
/* Elision (section 5)                                                 */
/* ------------------------------------------------------------------ */

static void test_elision(void **state)
{
    static const tok_case cases[] = {
        {"L’IA", "l' ia"},
        {"l'IA L'IA l'ia LʼIA", "l' ia l' ia l' ia l' ia"},
        {"l' IA", "l' ia"},
        {"L’ IA", "l' ia"},
        {"qu' il", "qu' il"},
        {"l'", "l'"},
        {"jusqu’", "jusqu'"},
        {"d'aujourd'hui", "d' aujourd'hui"},
        {"c'est-à-dire", "c' est-à-dire"},
        {"jusqu’à", "jusqu' à"},
        {"lorsqu'il puisqu'elle quoiqu'on", "lorsqu' il puisqu' elle quoiqu' on"},
        {"j'ai m'a n'a s'est t'es ç'a", "j' ai m' a n' a s' est t' es ç' a"},
        {"QU'IL JUSQU'ICI Ç'A", "qu' il jusqu' ici ç' a"},
        {"l'l'l", "l' l' l"},                     /* the rest is treated again */
        {"qu'l'a", "qu' l' a"},
        {"d'l' IA", "d' l' ia"},                  /* the last piece takes the apostrophe */
        {"l''IA", "l' ia"},                       /* only one apostrophe is taken */
        {"l ' IA", "l ia"},                       /* not directly followed */
        {"l’ IA", "l' ia"},
        {"lʼ IA", "l' ia"},                       /* U+02BC is a letter: inside the raw token */
        {"aujourdʼhui", "aujourd'hui"},
        {"ab' cd", "ab cd"},                      /* not an elided form */
        {"y'a", "y'a"},
        {"quelqu'un", "quelqu'un"},
        {"l-'a", "l a"},
        {"ſ'il", "s' il"},                        /* long s folds to s */
        {"l’\u05A4État", "l' état"},              /* stray mark deleted first */
    };
    RUN(state, cases);
}

/* ------------------------------------------------------------------ */
/* NFC and stray marks (section 2)                                     */
/* ------------------------------------------------------------------ */

static void test_normalization(void **state)
{
    static const tok_case cases[] = {
        {"e\u0301te\u0301", "été"},               /* NFD gives the NFC token */
        {"E\u0301TE\u0301 été", "été été"},
        {"c\u0327a", "ça"},
        {"\u0301abc", "abc"},                     /* a mark first is stray */
        {"a \u0301\u0301b", "a b"},               /* a whole run of stray marks goes */
        {"!\u0301a", "a"},
        {"x\u05A4 1\u0301", "x\u05A4 1\u0301"},   /* kept after a letter, a number */
        {"a\u0301\u0302", "\u00E1\u0302"},        /* kept after a mark */
        {"a-\u0301b", "a-b"},                     /* deleted after a hyphen, which then joins */
        {"l'\u0301a", "l' a"},
        {"=\u0338", ""},                          /* NFC: ≠, a symbol */
        {"\u212B", "\u00E5"},                     /* Å sign -> Å -> å */
        {"\uAC00\u11A7\u0301", "\uAC00\u11A7\u0301"}, /* utf8proc would drop U+11A7 */
        {"\u1100\u1161\u11A8", "\uAC01"},         /* Hangul jamo compose */
        {"\u0915\u093C", "\u0915\u093C"},         /* क़ stays decomposed under NFC */
        {"\u0958", "\u0915\u093C"},
        {"İ", "i\u0307"},                         /* case folding is not recomposed */
    };
    RUN(state, cases);
}

/* ------------------------------------------------------------------ */
/* Sentences and paragraphs (section 7)                                */
/* ------------------------------------------------------------------ */

static void test_sentences(void **state)
{
    static const tok_case cases[] = {
        {"Il pleut. Il neige.", "il pleut / il neige"},
        {"Il pleut. il neige", "il pleut il neige"},       /* Ll after the terminator */
        {"Quoi ? Rien ! Bon… Fin", "quoi / rien / bon / fin"},
        {"Quoi?Rien", "quoi / rien"},
        {"fin.\nSuite", "fin / suite"},
        {"fin\nSuite", "fin / suite"},                     /* a line break alone */
        {"fin\nsuite", "fin suite"},
        {"fin\n\nsuite", "fin // suite"},                  /* paragraph even before Ll */
        {"fin\n \nsuite", "fin // suite"},
        {"a\r\n\r\nB", "a // b"},                          /* CR LF is one line break */
        {"a\r\nB", "a / b"},
        {"a\r\nb", "a b"},
        {"a\r\rb", "a // b"},
        {"a\n\rb", "a // b"},                              /* LF CR is two */
        {"a\u2028B a\u2029b a\u2028\u2029b", "a / b a b a // b"},
        {"a\x0B\x0C\xC2\x85" "B", "a b"},                  /* VT, FF, NEL: no line break */
        {"M. Macron", "m macron"},                         /* abbreviation rule */
        {"Mme. Dupont et Dr. House, Art. 3", "mme dupont et dr house art 3"},
        {"MLLE. X Mgr. Y St. Z Ste. W cf. V av. J.-C. apr. J.-C. env. 3 vol. 2 pp. 4",
         "mlle x mgr y st z ste w cf v av j c apr j c env 3 vol 2 pp 4"},
        {"mm. A mmes. B mlles. C pr. D me. E", "mm a mmes b mlles c pr d me e"},
        {"U.S.A. Obama", "u s a obama"},
        {"M.\nMacron", "m / macron"},                      /* a line break: no exception */
        {"M.. Macron", "m / macron"},                      /* more than one '.' */
        {"M.! Macron", "m / macron"},
        {"M! Macron", "m / macron"},
        {"M.» Macron", "m macron"},                        /* one '.', other separators */
        {"etc. Puis", "etc / puis"},
        {"ab. Cd", "ab / cd"},
        {"ß. Suite", "ss / suite"},                        /* folds to two letters */
        {"l'. Suite", "l' / suite"},
        {"2. Suite", "2 / suite"},                         /* a digit is not a letter */
        {"Fin. Éric", "fin / éric"},
        {"Fin. élan", "fin élan"},
        {"Fin. ǅemal", "fin / ǆemal"},                     /* Lt is not Ll */
        {"Fin. 3 pommes", "fin / 3 pommes"},
        {"Fin. « Oui »", "fin / oui"},
        {"Fin. « oui »", "fin oui"},
        {"Fin.\n\n\nSuite", "fin // suite"},
        {"\n\nDébut", "début"},                            /* nothing before: first token */
        {"A. B. C", "a b c"},
        {"Il a dit : « L’IA. » Puis", "il a dit l' ia / puis"},
    };
    RUN(state, cases);
}

/* ------------------------------------------------------------------ */
/* Documents, surfaces, counts                                         */
/* ------------------------------------------------------------------ */

/* A non-empty title is tokenized as title + "\n\n" + body. */
static void test_title(void **state)
{
    nq_tokenizer *tz = *state;
    nq_tokens out;
    const char *title = "L’IA, enjeu de souveraineté", *body = "Elle avance. vite\n\nFin";
    assert_int_equal(nq_tokenize_doc(tz, title, strlen(title), body, strlen(body), &out), NQ_OK);
    check_invariants(&out);
    char *got = render(&out);
    assert_string_equal(got, "l' ia enjeu de souveraineté // elle avance vite // fin");
    free(got);
    assert_int_equal(out.sentences, 3);
    assert_int_equal(out.paragraphs, 3);
    const char *text = "L’IA, enjeu de souveraineté\n\nElle avance. vite\n\nFin";
    assert_int_equal(out.text_len, strlen(text));
    assert_memory_equal(out.text, text, out.text_len);

    /* The same as tokenizing the concatenation. */
    nq_tokens plain;
    assert_int_equal(nq_tokenize_text(tz, text, strlen(text), &plain), NQ_OK);
    char *again = render(&plain);
    assert_string_equal(again, "l' ia enjeu de souveraineté // elle avance vite // fin");
    free(again);

    /* The title ends a paragraph even if it ends in the middle of a word, or
     * in a cut UTF-8 sequence. */
    assert_int_equal(nq_tokenize_doc(tz, "a\xC3", 2, "b", 1, &out), NQ_OK);
    got = render(&out);
    assert_string_equal(got, "a // b");
    free(got);
    assert_int_equal(out.replaced, 1);

    /* A title of separators still adds its "\n\n". */
    assert_int_equal(nq_tokenize_doc(tz, " ", 1, "b", 1, &out), NQ_OK);
    assert_int_equal(out.text_len, 4);
    assert_int_equal(out.tok[0].text_off, 3);

    /* NULL or empty title: the body alone. */
    assert_int_equal(nq_tokenize_doc(tz, NULL, 5, "x y", 3, &out), NQ_OK);
    assert_int_equal(out.text_len, 3);
    assert_int_equal(nq_tokenize_doc(tz, "", 0, "x y", 3, &out), NQ_OK);
    assert_int_equal(out.text_len, 3);
    assert_int_equal(out.n, 2);

    /* A title and no body. */
    assert_int_equal(nq_tokenize_doc(tz, "Titre", 5, NULL, 0, &out), NQ_OK);
    got = render(&out);
    assert_string_equal(got, "titre");
    free(got);
    assert_int_equal(out.text_len, 7);
}

typedef struct surface_case {
    const char *in;
    const char *text;      /* the clean text */
    const char *surfaces;  /* surface forms separated by '|' */
} surface_case;

/* Token surfaces are spans of the clean text. */
static void test_surfaces(void **state)
{
    static const surface_case cases[] = {
        {"L’IA", "L’IA", "L’|IA"},
        {"l' IA", "l' IA", "l'|IA"},
        {"d'l’ x", "d'l’ x", "d'|l’|x"},
        {"e\u0301te\u0301!", "été!", "été"},
        {"l’\u05A4État", "l’État", "l’|État"},
        {"\u0301 \u0301a\u0301", " \u00E1", "\u00E1"}, /* NFC first, then deletion */
        {"a\xC3" "b", "a\xEF\xBF\xBD" "b", "a|b"},
        {"3.14, c'est-à-dire", "3.14, c'est-à-dire", "3.14|c'|est-à-dire"},
    };
    nq_tokenizer *tz = *state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        nq_tokens out;
        assert_int_equal(nq_tokenize_text(tz, cases[i].in, strlen(cases[i].in), &out), NQ_OK);
        check_invariants(&out);
        assert_int_equal(out.text_len, strlen(cases[i].text));
        assert_memory_equal(out.text, cases[i].text, out.text_len);
        char got[256];
        size_t o = 0;
        for (size_t j = 0; j < out.n; j++) {
            if (j)
                got[o++] = '|';
            memcpy(got + o, out.text + out.tok[j].text_off, out.tok[j].text_len);
            o += out.tok[j].text_len;
        }
        got[o] = 0;
        if (strcmp(got, cases[i].surfaces) != 0)
            print_error("input \"%s\": surfaces \"%s\"\n", cases[i].in, got);
        assert_string_equal(got, cases[i].surfaces);
    }
}

typedef struct replaced_case {
    const char *in;
    uint64_t replaced;
    const char *want;
} replaced_case;

static void test_replacements(void **state)
{
    static const replaced_case cases[] = {
        {"\xC3", 1, ""},
        {"\xE2\x82", 1, ""},
        {"\xF0\x80\x80", 3, ""},
        {"\xED\xA0\x80", 3, ""},
        {"\xC0\xAF", 2, ""},
        {"\xF4\x90\x80\x80", 4, ""},
        {"\xF0\x9F\x98", 1, ""},
        {"caf\xC3", 1, "caf"},
        {"caf\xC3" "\xA9", 0, "café"},
        {"caf\xE9 cr\xE8me", 2, "caf cr me"},   /* Latin-1 bytes */
        {"\xEF\xBF\xBD", 0, ""},                 /* a real U+FFFD is not counted */
    };
    nq_tokenizer *tz = *state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        nq_tokens out;
        assert_int_equal(nq_tokenize_text(tz, cases[i].in, strlen(cases[i].in), &out), NQ_OK);
        check_invariants(&out);
        assert_int_equal(out.replaced, cases[i].replaced);
        char *got = render(&out);
        if (strcmp(got, cases[i].want) != 0)
            print_error("input %zu: \"%s\"\n", i, got);
        assert_string_equal(got, cases[i].want);
        free(got);
    }
    /* Title and body replacements add up. */
    nq_tokens out;
    assert_int_equal(nq_tokenize_doc(tz, "\xFF\xFF", 2, "\xC0\xAF", 2, &out), NQ_OK);
    assert_int_equal(out.replaced, 4);
    assert_int_equal(out.n, 0);
    assert_int_equal(out.sentences, 0);
    assert_int_equal(out.paragraphs, 0);
}

static void test_empty(void **state)
{
    nq_tokenizer *tz = *state;
    nq_tokens out;
    assert_int_equal(nq_tokenize_text(tz, "", 0, &out), NQ_OK);
    assert_int_equal(out.n, 0);
    assert_int_equal(out.text_len, 0);
    assert_non_null(out.text);
    assert_non_null(out.norm);
    assert_int_equal(out.sentences, 0);
    assert_int_equal(out.paragraphs, 0);
    assert_int_equal(out.replaced, 0);
    assert_int_equal(nq_tokenize_text(tz, NULL, 0, &out), NQ_OK);
    assert_int_equal(out.n, 0);
    assert_int_equal(nq_tokenize_doc(tz, NULL, 0, NULL, 0, &out), NQ_OK);
    assert_int_equal(out.n, 0);
    const char *seps = " \n\n\r\n… « » — ; , . ! ? ’ ' - \xC2\xA0\xE2\x80\xAF\xE2\x80\xA8";
    assert_int_equal(nq_tokenize_text(tz, seps, strlen(seps), &out), NQ_OK);
    assert_int_equal(out.n, 0);
    assert_int_equal(out.text_len, strlen(seps));
    assert_int_equal(out.sentences, 0);
    /* An embedded NUL is a separator. */
    assert_int_equal(nq_tokenize_text(tz, "a\0B", 3, &out), NQ_OK);
    char *got = render(&out);
    assert_string_equal(got, "a b");
    free(got);
}

/* A large document exercises buffer growth; a small one after it reuses
 * the buffers. */
static void test_large_then_small(void **state)
{
    nq_tokenizer *tz = *state;
    const char *unit = "L’État a décidé. Jusqu’à 3,5 % d'aujourd'hui !\n\n";
    size_t ulen = strlen(unit), reps = 20000;
    char *big = malloc(ulen * reps);
    assert_non_null(big);
    for (size_t i = 0; i < reps; i++)
        memcpy(big + i * ulen, unit, ulen);
    nq_tokens out;
    assert_int_equal(nq_tokenize_text(tz, big, ulen * reps, &out), NQ_OK);
    check_invariants(&out);
    assert_int_equal(out.n, 9 * reps);
    assert_int_equal(out.sentences, 2 * reps);
    assert_int_equal(out.paragraphs, reps);
    const nq_token *last = &out.tok[out.n - 1];
    assert_int_equal(last->norm_len, strlen("aujourd'hui"));
    assert_memory_equal(out.norm + last->norm_off, "aujourd'hui", last->norm_len);
    free(big);
    assert_int_equal(nq_tokenize_text(tz, "Fin.", 4, &out), NQ_OK);
    char *got = render(&out);
    assert_string_equal(got, "fin");
    free(got);
}

/* ------------------------------------------------------------------ */
/* Randomized                                                          */
/* ------------------------------------------------------------------ */

typedef struct snapshot {
    nq_token *tok;
    size_t n;
    char *norm, *text;
    size_t norm_len, text_len;
    uint64_t replaced;
    uint32_t sentences, paragraphs;
} snapshot;

static snapshot take_snapshot(const nq_tokens *out)
{
    snapshot s = {.n = out->n, .text_len = out->text_len, .replaced = out->replaced,
                  .sentences = out->sentences, .paragraphs = out->paragraphs};
    for (size_t i = 0; i < out->n; i++)
        if (out->tok[i].norm_off + out->tok[i].norm_len > s.norm_len)
            s.norm_len = out->tok[i].norm_off + out->tok[i].norm_len;
    s.tok = malloc(s.n * sizeof *s.tok + 1);
    s.norm = malloc(s.norm_len + 1);
    s.text = malloc(s.text_len + 1);
    assert_true(s.tok && s.norm && s.text);
    memcpy(s.tok, out->tok, s.n * sizeof *s.tok);
    memcpy(s.norm, out->norm, s.norm_len);
    memcpy(s.text, out->text, s.text_len);
    return s;
}

static void assert_same(const snapshot *a, const nq_tokens *b)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->text_len, b->text_len);
    assert_int_equal(a->replaced, b->replaced);
    assert_int_equal(a->sentences, b->sentences);
    assert_int_equal(a->paragraphs, b->paragraphs);
    assert_memory_equal(a->text, b->text, a->text_len);
    for (size_t i = 0; i < a->n; i++) {
        assert_memory_equal(&a->tok[i], &b->tok[i], sizeof a->tok[i]);
        assert_memory_equal(a->norm + a->tok[i].norm_off, b->norm + b->tok[i].norm_off,
                            a->tok[i].norm_len);
    }
}

static void free_snapshot(snapshot *s)
{
    free(s->tok);
    free(s->norm);
    free(s->text);
}

/* Pieces that hit every rule: letters and their cases, elided forms,
 * apostrophes, hyphens, terminators, decimals, line breaks, NBSP, stray and
 * attached marks, NFC material, case folding oddities, invalid bytes. */
static const char *const pieces[] = {
    "a", "B", "l", "L", "d", "qu", "Qu", "jusqu", "c", "Ç", "é", "e\u0301", "\u0301", "\u05A4",
    "’", "'", "ʼ", "-", "‐", "‑", ".", ",", "!", "?", "…", "1", "2", "٣", "½", " ", " ", "\n",
    "\r", "\r\n", "\u2028", "\u2029", "\u00A0", "\u202F", "«", "»", "\xC3", "\xE2\x82",
    "\xF0\x80\x80", "\xED\xA0\x80", "\xC0\xAF", "\xF4\x90\x80\x80", "\xFF", "İ", "ß", "ŉ", "M",
    "Mme", "Dr", "st", "\u1100", "\u1161", "\u11A8", "\u11A7", "\uAC00", "\u0CBF", "\u0CD5", "=",
    "\u0338", "\xEF\xBF\xBD", "\u212B", "\u0958", "\u0345", "\u0390", "ﬃ", "\u200B", "😀", "ſ",
    "\u212A", "\u0903", "ǅ",
};

static void random_doc(char *buf, size_t cap, size_t *len, unsigned max_pieces)
{
    size_t o = 0;
    unsigned n = (unsigned)rand() % (max_pieces + 1);
    for (unsigned i = 0; i < n; i++) {
        const char *p = pieces[(size_t)rand() % (sizeof pieces / sizeof *pieces)];
        size_t l = strlen(p);
        if (o + l > cap)
            break;
        memcpy(buf + o, p, l);
        o += l;
    }
    *len = o;
}

/* Invariants on random documents: tokens non-empty and in range, normal
 * forms valid UTF-8 and folded, flags and counts consistent; the same
 * input gives the same output twice, on the same tokenizer (buffers
 * reused) and on a fresh one. */
static void test_random(void **state)
{
    nq_tokenizer *tz = *state;
    nq_tokenizer *fresh = nq_tokenizer_new();
    assert_non_null(fresh);
    srand(20240601);
    for (int round = 0; round < 30000; round++) {
        char title[64], body[400];
        size_t tlen = 0, blen;
        if (rand() % 4 == 0)
            random_doc(title, sizeof title, &tlen, 4);
        random_doc(body, sizeof body, &blen, 40);
        nq_tokens out;
        assert_int_equal(nq_tokenize_doc(tz, title, tlen, body, blen, &out), NQ_OK);
        check_invariants(&out);
        snapshot first = take_snapshot(&out);
        assert_int_equal(nq_tokenize_doc(tz, title, tlen, body, blen, &out), NQ_OK);
        assert_same(&first, &out);
        assert_int_equal(nq_tokenize_doc(fresh, title, tlen, body, blen, &out), NQ_OK);
        assert_same(&first, &out);
        free_snapshot(&first);
    }
    nq_tokenizer_free(fresh);
}

/* ------------------------------------------------------------------ */
/* Vector and scalar paths (tokenize_simd.h)                           */
/* ------------------------------------------------------------------ */

/* One tokenizer on the scalar path, one on the best path of this CPU (also
 * scalar where there is none: then the comparisons are trivially true). */
typedef struct path_pair {
    nq_tokenizer *scalar, *vec;
} path_pair;

static path_pair new_pair(void)
{
    path_pair p = {nq_tokenizer_new_simd(NQ_SIMD_SCALAR), nq_tokenizer_new_simd(nq_simd_best())};
    assert_non_null(p.scalar);
    assert_non_null(p.vec);
    assert_int_equal(nq_tokenizer_simd(p.scalar), NQ_SIMD_SCALAR);
    return p;
}

static void free_pair(path_pair *p)
{
    nq_tokenizer_free(p->scalar);
    nq_tokenizer_free(p->vec);
}

/* Both paths give the same tokens, normal forms, offsets, flags, clean
 * text and counts. */
static void compare_paths(path_pair *p, const char *title, size_t tlen, const char *body,
                          size_t blen)
{
    nq_tokens a, b;
    nq_status sa = nq_tokenize_doc(p->scalar, title, tlen, body, blen, &a);
    nq_status sb = nq_tokenize_doc(p->vec, title, tlen, body, blen, &b);
    assert_int_equal(sa, sb);
    assert_int_equal(sa, NQ_OK);
    check_invariants(&b);
    snapshot first = take_snapshot(&a);
    assert_same(&first, &b);
    /* The normal forms are back to back on both paths. */
    size_t norm_end = a.n ? a.tok[a.n - 1].norm_off + a.tok[a.n - 1].norm_len : 0;
    assert_memory_equal(a.norm, b.norm, norm_end);
    free_snapshot(&first);
}

static void test_simd_env(void **state)
{
    (void)state;
    const char *old = getenv("NQ_SIMD");
    char *saved = old ? strdup(old) : NULL;
    setenv("NQ_SIMD", "scalar", 1);
    nq_tokenizer *t = nq_tokenizer_new();
    assert_non_null(t);
    assert_int_equal(nq_tokenizer_simd(t), NQ_SIMD_SCALAR);
    nq_tokenizer_free(t);
    setenv("NQ_SIMD", "no-such-path", 1);
    t = nq_tokenizer_new();
    assert_int_equal(nq_tokenizer_simd(t), NQ_SIMD_SCALAR);
    nq_tokenizer_free(t);
    unsetenv("NQ_SIMD");
    t = nq_tokenizer_new();
    nq_simd best = nq_simd_best();
    assert_int_equal(nq_tokenizer_simd(t),
                     best == NQ_SIMD_SSE41 || best == NQ_SIMD_NEON ? best : NQ_SIMD_SCALAR);
    nq_tokenizer_free(t);
    if (saved) {
        setenv("NQ_SIMD", saved, 1);
        free(saved);
    }
}

/* The vector validator against nq_utf8_sequence: every sequence of one or
 * two bytes, every three-byte sequence with a non-ASCII lead, four-byte
 * leads with telling continuation bytes, each at offsets around the 16-byte
 * steps and at the very end. */
static void check_valid_at(nq_simd path, const uint8_t *seq, size_t len)
{
    static const size_t offsets[] = {0, 1, 12, 13, 14, 15, 16, 29, 47, 63, 64};
    uint8_t buf[160];
    for (size_t k = 0; k < sizeof offsets / sizeof *offsets; k++) {
        size_t off = offsets[k];
        memset(buf, 'a', sizeof buf);
        memcpy(buf + off, seq, len);
        for (size_t total = off + len; total <= off + len + 2; total++) {
            int want = nq_utf8_valid_simd(NQ_SIMD_SCALAR, buf, total);
            int got = nq_utf8_valid_simd(path, buf, total);
            if (want != got)
                fail_msg("validator: sequence %02X.. (len %zu) at %zu of %zu: %d, scalar %d",
                         seq[0], len, off, total, got, want);
        }
    }
}

static void test_simd_utf8_validator(void **state)
{
    (void)state;
    nq_simd path = nq_simd_best();
    uint8_t seq[4];
    for (unsigned a = 0; a < 256; a++) {
        seq[0] = (uint8_t)a;
        check_valid_at(path, seq, 1);
        for (unsigned b = 0; b < 256; b++) {
            seq[1] = (uint8_t)b;
            check_valid_at(path, seq, 2);
        }
    }
    /* Three bytes, at two offsets only (the full offset list is slow). */
    uint8_t buf[40];
    for (unsigned a = 0x80; a < 256; a++)
        for (unsigned b = 0; b < 256; b++)
            for (unsigned c = 0; c < 256; c++) {
                memset(buf, 'a', sizeof buf);
                buf[14] = (uint8_t)a;
                buf[15] = (uint8_t)b;
                buf[16] = (uint8_t)c;
                for (size_t total = 15; total <= 18; total += 3)
                    assert_int_equal(nq_utf8_valid_simd(path, buf, total),
                                     nq_utf8_valid_simd(NQ_SIMD_SCALAR, buf, total));
            }
    static const uint8_t edges[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0,
                                    0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xED, 0xF0, 0xF4, 0xFF};
    for (unsigned a = 0xE0; a < 256; a++)
        for (size_t b = 0; b < sizeof edges; b++)
            for (size_t c = 0; c < sizeof edges; c++)
                for (size_t d = 0; d < sizeof edges; d++) {
                    seq[0] = (uint8_t)a;
                    seq[1] = edges[b];
                    seq[2] = edges[c];
                    seq[3] = edges[d];
                    check_valid_at(path, seq, 4);
                    check_valid_at(path, seq, 3);
                }
    /* Random strings of valid characters with now and then a bad byte. */
    static const char *const chars[] = {"a", "Z", " ", "é", "’", "€", "😀", "\u0301", "\uFFFD",
                                        "\xC3", "\x80", "\xE2\x80", "\xF0\x9F\x98", "\xED\xA0\x80",
                                        "\xF4\x90\x80\x80", "\xC0\xAF", "\xFF"};
    srand(7);
    for (int round = 0; round < 20000; round++) {
        uint8_t s[300];
        size_t o = 0;
        unsigned bad_every = 1 + (unsigned)rand() % 200;
        while (o + 4 < sizeof s && rand() % 100) {
            unsigned pick = (unsigned)rand() % (rand() % (int)bad_every == 0 ? 17 : 9);
            size_t l = strlen(chars[pick]);
            memcpy(s + o, chars[pick], l);
            o += l;
        }
        assert_int_equal(nq_utf8_valid_simd(path, s, o), nq_utf8_valid_simd(NQ_SIMD_SCALAR, s, o));
    }
}

/* Random documents of several makes, tokenized on both paths. */
static size_t random_bytes_doc(char *buf, size_t cap)
{
    static const char *const chars[] = {
        "é", "É", "à", "ç", "’", "ʼ", "‐", "…", "\u00A0", "\u2028", "😀", "e\u0301", "\u0301",
        "٣", "İ", "ß", "\xC3", "\xE2\x80", "\xFF", "\xED\xA0\x80"};
    static const char punct[] = " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\n\r\t";
    size_t len = (size_t)rand() % (cap + 1);
    int make = rand() % 4;
    size_t o = 0;
    while (o < len) {
        int r = rand() % 100;
        if (make == 0) { /* any byte */
            buf[o++] = (char)(rand() % 256);
        } else if (r < 35 || make == 3) { /* a run of letters and digits, long or short */
            size_t run = make == 3 ? 1 + (size_t)rand() % 70 : 1 + (size_t)rand() % 20;
            for (size_t k = 0; k < run && o < len; k++) {
                int c = rand() % 62;
                buf[o++] = (char)(c < 26 ? 'a' + c : c < 52 ? 'A' + c - 26 : '0' + c - 52);
            }
            if (make == 3 && o < len)
                buf[o++] = punct[(size_t)rand() % (sizeof punct - 1)];
        } else if (r < 75) {
            buf[o++] = punct[(size_t)rand() % (sizeof punct - 1)];
        } else {
            const char *c = chars[(size_t)rand() % (sizeof chars / sizeof *chars)];
            size_t l = strlen(c);
            if (o + l > len)
                break;
            memcpy(buf + o, c, l);
            o += l;
        }
    }
    return o < len ? o : len;
}

static void test_simd_random(void **state)
{
    (void)state;
    path_pair p = new_pair();
    srand(20240917);
    char title[80], body[700];
    for (int round = 0; round < 40000; round++) {
        size_t tlen = 0, blen;
        if (round % 2 == 0) {
            if (rand() % 4 == 0)
                random_doc(title, sizeof title, &tlen, 6);
            random_doc(body, sizeof body, &blen, 60);
        } else {
            if (rand() % 4 == 0)
                tlen = random_bytes_doc(title, sizeof title);
            blen = random_bytes_doc(body, sizeof body);
        }
        compare_paths(&p, title, tlen, body, blen);
        /* Every length around the 16- and 32-byte steps, text ending mid-vector. */
        if (round < 2000)
            for (size_t cut = blen > 70 ? blen - 70 : 0; cut < blen; cut++)
                compare_paths(&p, NULL, 0, body, cut);
    }
    free_pair(&p);
}

/* Real press text: every document of OrangeSum 2017, whole and cut at a
 * random byte (mid-character and mid-vector). */
static void test_simd_orangesum(void **state)
{
    (void)state;
    const char *dir = tu_corpus_dir();
    char path[4096];
    snprintf(path, sizeof path, "%s/orangesum/orangesum-2017.jsonl", dir ? dir : "../shared/corpus");
    FILE *f = fopen(path, "rb");
    if (!f) {
        skip();
        return;
    }
    nq_parser *parser = nq_parser_new();
    assert_non_null(parser);
    path_pair p = new_pair();
    srand(2017);
    char *line = NULL;
    size_t cap = 0, docs = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, f)) > 0) {
        size_t len = (size_t)got;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        nq_record rec = {NQ_REC_JSON, 0, docs + 1, line, len};
        nq_doc doc;
        nq_diag_kind kind;
        char msg[256];
        nq_parse_result r =
            nq_record_parse(parser, &rec, "orangesum-2017.jsonl", NULL, &doc, &kind, msg, sizeof msg);
        if (r != NQ_PARSE_OK && r != NQ_PARSE_OK_WARN)
            continue;
        compare_paths(&p, doc.title.ptr, doc.title.len, doc.text.ptr, doc.text.len);
        if (doc.text.len)
            compare_paths(&p, doc.title.ptr, doc.title.len, doc.text.ptr,
                          (size_t)rand() % doc.text.len);
        docs++;
    }
    assert_true(docs > 4000);
    free(line);
    fclose(f);
    nq_parser_free(parser);
    free_pair(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_raw_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_elision, setup, teardown),
        cmocka_unit_test_setup_teardown(test_normalization, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sentences, setup, teardown),
        cmocka_unit_test_setup_teardown(test_title, setup, teardown),
        cmocka_unit_test_setup_teardown(test_surfaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replacements, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_large_then_small, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random, setup, teardown),
        cmocka_unit_test(test_simd_env),
        cmocka_unit_test(test_simd_utf8_validator),
        cmocka_unit_test(test_simd_random),
        cmocka_unit_test(test_simd_orangesum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

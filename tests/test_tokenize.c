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

#include "testutil.h"
#include "tokenize.h"
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

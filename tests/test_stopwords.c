/*
 * Stopword sets (engine/stopwords.h): the compiled-in French list equals
 * data/stopwords/fr.txt entry for entry, every entry is its own normal form
 * under the fr-1 tokenizer (one token, equal to itself), lookups, and the
 * file loader's normalization and errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ngramq/ngramq.h"
#include "stopwords.h"
#include "testutil.h"
#include "tokenize.h"


/* The entries of fr.txt, in order, as the format reads them (trimmed,
 * comments and blank lines skipped); malloc'd strings. */
static char **read_fr_txt(size_t *n)
{
    char path[1024];
    tu_source_path(path, sizeof path, "data/stopwords/fr.txt");
    size_t len;
    char *text = tu_read_file(path, &len);
    char **out = NULL;
    size_t cap = 0, k = 0;
    char *s = text;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;
    while (*s) {
        char *e = strchr(s, '\n');
        char *next = e ? e + 1 : s + strlen(s);
        if (!e)
            e = s + strlen(s);
        while (e > s && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
            e--;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        if (e > s && *s != '#') {
            if (k == cap) {
                cap = cap ? cap * 2 : 512;
                out = realloc(out, cap * sizeof *out);
                assert_non_null(out);
            }
            out[k] = strndup(s, (size_t)(e - s));
            assert_non_null(out[k]);
            k++;
        }
        s = next;
    }
    free(text);
    *n = k;
    return out;
}

static void free_list(char **l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(l[i]);
    free(l);
}

static void test_builtin_equals_file(void **state)
{
    (void)state;
    size_t nf, nb;
    char **file = read_fr_txt(&nf);
    const char *const *builtin = nq_stopwords_fr_list(&nb);
    for (size_t i = 0; i < nf && i < nb; i++)
        if (strcmp(file[i], builtin[i]) != 0)
            fail_msg("entry %zu: fr.txt has \"%s\", stopwords_fr.c has \"%s\"", i + 1, file[i], builtin[i]);
    if (nf != nb)
        fail_msg("fr.txt has %zu entries, stopwords_fr.c %zu", nf, nb);
    /* the brief: about 250-400 entries, none twice */
    assert_true(nb >= 250 && nb <= 400);
    for (size_t i = 0; i < nb; i++)
        for (size_t j = i + 1; j < nb; j++)
            if (strcmp(builtin[i], builtin[j]) == 0)
                fail_msg("\"%s\" is listed twice (entries %zu and %zu)", builtin[i], i + 1, j + 1);
    /* and the file loader reads the same set */
    char path[1024];
    tu_source_path(path, sizeof path, "data/stopwords/fr.txt");
    nq_stopwords *loaded, *bi;
    nq_error err = {0};
    if (nq_stopwords_load(path, &loaded, &err))
        fail_msg("%s", err.message);
    assert_int_equal(nq_stopwords_builtin_fr(&bi, &err), NQ_OK);
    assert_int_equal(nq_stopwords_count(loaded), nb);
    assert_int_equal(nq_stopwords_count(bi), nb);
    for (size_t i = 0; i < nb; i++) {
        assert_true(nq_stopwords_has(loaded, builtin[i], strlen(builtin[i])));
        assert_true(nq_stopwords_has(bi, builtin[i], strlen(builtin[i])));
    }
    nq_stopwords_free(loaded);
    nq_stopwords_free(bi);
    free_list(file, nf);
}

/* Each entry, tokenized alone, is one token whose normal form is itself. */
static void test_entries_are_normal_forms(void **state)
{
    (void)state;
    size_t n;
    const char *const *list = nq_stopwords_fr_list(&n);
    nq_tokenizer *t = nq_tokenizer_new();
    assert_non_null(t);
    for (size_t i = 0; i < n; i++) {
        nq_tokens tk;
        size_t len = strlen(list[i]);
        assert_int_equal(nq_tokenize_text(t, list[i], len, &tk), NQ_OK);
        if (tk.n != 1)
            fail_msg("\"%s\" tokenizes to %zu tokens", list[i], tk.n);
        if (tk.tok[0].norm_len != len || memcmp(tk.norm + tk.tok[0].norm_off, list[i], len) != 0)
            fail_msg("\"%s\" tokenizes to \"%.*s\"", list[i], (int)tk.tok[0].norm_len,
                     tk.norm + tk.tok[0].norm_off);
    }
    /* the elided forms also come out of running text as these tokens */
    const char *text = "L’IA qu’il voit jusqu’à Lorsqu’on d’abord c’est-à-dire";
    nq_stopwords *s;
    assert_int_equal(nq_stopwords_builtin_fr(&s, NULL), NQ_OK);
    nq_tokens tk;
    assert_int_equal(nq_tokenize_text(t, text, strlen(text), &tk), NQ_OK);
    const char *want[] = {"l'", "ia", "qu'", "il", "voit", "jusqu'", "à", "lorsqu'", "on", "d'", "abord", "c'",
                          "est-à-dire"};
    const int stop[] = {1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 0};
    assert_int_equal(tk.n, sizeof want / sizeof *want);
    for (size_t i = 0; i < tk.n; i++) {
        const char *norm = tk.norm + tk.tok[i].norm_off;
        assert_int_equal(tk.tok[i].norm_len, strlen(want[i]));
        assert_memory_equal(norm, want[i], strlen(want[i]));
        if (nq_stopwords_has(s, norm, tk.tok[i].norm_len) != stop[i])
            fail_msg("token %zu \"%s\": stopword %d", i, want[i], !stop[i]);
    }
    nq_stopwords_free(s);
    nq_tokenizer_free(t);
}

static void test_lookups(void **state)
{
    (void)state;
    nq_stopwords *s;
    nq_error err = {0};
    assert_int_equal(nq_stopwords_builtin_fr(&s, &err), NQ_OK);
    const char *yes[] = {"le", "l'", "d'", "qu'", "jusqu'", "est", "sont", "a", "ont", "été", "être", "avoir",
                         "fait", "peut", "ne", "n'", "pas", "plus", "très", "aussi", "à", "où", "aujourd'hui"};
    const char *no[] = {"souveraineté", "open", "source", "ia", "macron", "Le", "L'", "l’", "lé", "l", "d",
                        "qu", "ét", "étéx", "meta", "mistral", "x"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        if (!nq_stopwords_has(s, yes[i], strlen(yes[i])))
            fail_msg("\"%s\" should be a stopword", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        if (nq_stopwords_has(s, no[i], strlen(no[i])))
            fail_msg("\"%s\" should not be a stopword", no[i]);
    /* a term given by length inside a longer buffer */
    assert_true(nq_stopwords_has(s, "lesquels", 3));
    assert_false(nq_stopwords_has(s, "lesquels", 4));
    assert_false(nq_stopwords_has(s, "", 0));
    assert_false(nq_stopwords_has(NULL, "le", 2));
    assert_int_equal(nq_stopwords_count(NULL), 0);
    nq_stopwords_free(s);
    nq_stopwords_free(NULL);
}

/* The loader normalizes entries and drops repeats. */
static void test_parse_normalizes(void **state)
{
    (void)state;
    const char *text = "\xEF\xBB\xBF# a list\r\n"
                       "  Le  \r\n"
                       "\r\n"
                       "L’\r\n"
                       "le\r\n"
                       "\tÉTÉ\n"
                       "   # indented comment\n"
                       "STRASSE\n"
                       "Aujourd’hui\n"
                       "PEUT‐ÊTRE"; /* U+2010 hyphen, no final newline */
    nq_stopwords *s;
    nq_error err = {0};
    assert_int_equal(nq_stopwords_parse("s.txt", text, strlen(text), &s, &err), NQ_OK);
    const char *want[] = {"le", "l'", "été", "strasse", "aujourd'hui", "peut-être"};
    assert_int_equal(nq_stopwords_count(s), sizeof want / sizeof *want);
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        assert_true(nq_stopwords_has(s, want[i], strlen(want[i])));
    assert_false(nq_stopwords_has(s, "Le", 2));
    assert_false(nq_stopwords_has(s, "#", 1));
    nq_stopwords_free(s);
    /* empty inputs make an empty set */
    assert_int_equal(nq_stopwords_parse("e", "", 0, &s, &err), NQ_OK);
    assert_int_equal(nq_stopwords_count(s), 0);
    assert_false(nq_stopwords_has(s, "le", 2));
    nq_stopwords_free(s);
}

/* Many entries: the table grows and keeps every one. */
static void test_many(void **state)
{
    (void)state;
    size_t n = 20000;
    char *text = malloc(n * 16);
    assert_non_null(text);
    size_t at = 0;
    for (size_t i = 0; i < n; i++)
        at += (size_t)sprintf(text + at, "w%zu\n", i);
    nq_stopwords *s;
    assert_int_equal(nq_stopwords_parse("many", text, at, &s, NULL), NQ_OK);
    assert_int_equal(nq_stopwords_count(s), n);
    char w[32];
    for (size_t i = 0; i < n; i++) {
        int k = snprintf(w, sizeof w, "w%zu", i);
        assert_true(nq_stopwords_has(s, w, (size_t)k));
    }
    assert_false(nq_stopwords_has(s, "w20000", 6));
    nq_stopwords_free(s);
    free(text);
}

typedef struct bad_case {
    const char *text;
    size_t len; /* 0: strlen */
    const char *message;
} bad_case;

static const bad_case bad_cases[] = {
    {"le\nc'est\n", 0, "s.txt:2: \"c'est\" is 2 tokens, not one"},
    {"le\n\n  open source  \n", 0, "s.txt:3: \"open source\" is 2 tokens, not one"},
    {"«»\n", 0, "s.txt:1: \"«»\" holds no word"},
    {"#\n...\n", 0, "s.txt:2: \"...\" holds no word"},
    {"(le)\n", 0, "s.txt:1: \"(le)\" is not a single token (characters around it)"},
    {"souverain*\n", 0, "s.txt:1: \"souverain*\" is not a single token (characters around it)"},
    {"le\nd\xC3\n", 0, "s.txt:2: invalid UTF-8 at byte 2 of the line"},
    {"le\nd\0x\n", 6, "s.txt:2: NUL byte at column 2"},
};

static void test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
        const bad_case *c = &bad_cases[i];
        nq_stopwords *s = (nq_stopwords *)&s; /* garbage: must come back NULL */
        nq_error err = {0};
        nq_status st = nq_stopwords_parse("s.txt", c->text, c->len ? c->len : strlen(c->text), &s, &err);
        if (st != NQ_ERR_INPUT || strcmp(err.message, c->message) != 0)
            print_error("case %zu: status %d, message \"%s\"\n", i, (int)st, err.message);
        assert_int_equal(st, NQ_ERR_INPUT);
        assert_int_equal(err.code, NQ_ERR_INPUT);
        assert_string_equal(err.message, c->message);
        assert_null(s);
        assert_int_equal(nq_stopwords_parse("s.txt", c->text, c->len ? c->len : strlen(c->text), &s, NULL),
                         NQ_ERR_INPUT);
    }
    /* a line over the limit */
    size_t max = NQ_STOPWORDS_MAX_LINE;
    char *text = malloc(max + 16);
    assert_non_null(text);
    memset(text, 'a', max);
    text[max] = '\n';
    nq_stopwords *s;
    nq_error err = {0};
    assert_int_equal(nq_stopwords_parse("s.txt", text, max + 1, &s, &err), NQ_OK); /* exactly the limit */
    assert_int_equal(nq_stopwords_count(s), 1);
    nq_stopwords_free(s);
    memcpy(text, "le\n", 3);
    memset(text + 3, 'a', max + 1);
    assert_int_equal(nq_stopwords_parse("s.txt", text, max + 4, &s, &err), NQ_ERR_INPUT);
    char want[128];
    snprintf(want, sizeof want, "s.txt:2: line of %zu bytes, longer than %zu", max + 1, max);
    assert_string_equal(err.message, want);
    free(text);
}

static void test_load(void **state)
{
    (void)state;
    char path[512];
    tu_tmp_path(path, sizeof path, "stopwords.txt");
    tu_write_file(path, "le\nla\nc'est\n", 12);
    nq_stopwords *s;
    nq_error err = {0};
    assert_int_equal(nq_stopwords_load(path, &s, &err), NQ_ERR_INPUT);
    char want[700];
    snprintf(want, sizeof want, "%s:3: \"c'est\" is 2 tokens, not one", path);
    assert_string_equal(err.message, want);
    tu_write_file(path, "le\nla\n", 6);
    assert_int_equal(nq_stopwords_load(path, &s, &err), NQ_OK);
    assert_int_equal(nq_stopwords_count(s), 2);
    nq_stopwords_free(s);
    unlink(path);
    assert_int_equal(nq_stopwords_load(path, &s, &err), NQ_ERR_IO);
    assert_int_equal(err.code, NQ_ERR_IO);
    assert_non_null(strstr(err.message, path));
    assert_null(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_equals_file),
        cmocka_unit_test(test_entries_are_normal_forms),
        cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_parse_normalizes),
        cmocka_unit_test(test_many),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Lexicon files (engine/lexfile.h, data/lexicons/README.md): the format,
 * every error with its line number, and the demo lexicons of
 * data/lexicons: they parse, every variant is a well-formed expression
 * phrase (at least one token, '*' only at the end of a token, no sentence
 * boundary inside), no variant is listed twice in a file, and each entry
 * counts its own variants in an index built from them.
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

#include "lexfile.h"
#include "ngramq/ngramq.h"
#include "testutil.h"
#include "tokenize.h"

static nq_status parse_str(const char *text, nq_lexfile *l, nq_error *err)
{
    return nq_lexfile_parse("t.tsv", text, strlen(text), l, err);
}

static void expect_entry(const nq_lexfile *l, size_t i, const char *label, const char *expr, size_t nv,
                         size_t line)
{
    assert_true(i < l->n);
    assert_string_equal(l->entries[i].label, label);
    assert_string_equal(l->entries[i].expr, expr);
    assert_int_equal(l->entries[i].n_variants, nv);
    assert_int_equal(l->entries[i].line, line);
}

static void test_good(void **state)
{
    (void)state;
    const char *text = "# actors\n"
                       "\n"
                       "Emmanuel Macron\temmanuel macron | macron | président de la république\n"
                       "   # an indented comment\n"
                       "  \t  \n"
                       "  États-Unis  \t  états-unis|etats-unis |  américain*  \n"
                       "Meta\tmeta\n"
                       "C# and | pipes\tc# | x#y\n"
                       "Last\tno final newline";
    nq_lexfile l;
    nq_error err = {0};
    assert_int_equal(parse_str(text, &l, &err), NQ_OK);
    assert_int_equal(l.n, 5);
    expect_entry(&l, 0, "Emmanuel Macron", "emmanuel macron | macron | président de la république", 3, 3);
    expect_entry(&l, 1, "États-Unis", "états-unis | etats-unis | américain*", 3, 6);
    expect_entry(&l, 2, "Meta", "meta", 1, 7);
    expect_entry(&l, 3, "C# and | pipes", "c# | x#y", 2, 8);
    expect_entry(&l, 4, "Last", "no final newline", 1, 9);
    assert_non_null(nq_lexfile_find(&l, "Meta"));
    assert_ptr_equal(nq_lexfile_find(&l, "Meta"), &l.entries[2]);
    assert_null(nq_lexfile_find(&l, "meta"));
    nq_lexfile_free(&l);
    assert_int_equal(l.n, 0);
    assert_null(l.entries);
    nq_lexfile_free(&l); /* twice is harmless */
}

/* A TAB inside the variants is a blank; only the first one separates. */
static void test_tabs_in_variants(void **state)
{
    (void)state;
    nq_lexfile l;
    assert_int_equal(parse_str("A\t\ta\t|\tb\t\n", &l, NULL), NQ_OK);
    expect_entry(&l, 0, "A", "a | b", 2, 1);
    nq_lexfile_free(&l);
}

static void test_empty_inputs(void **state)
{
    (void)state;
    const char *texts[] = {"", "\n", "# only a comment", "\xEF\xBB\xBF", "\r\n\r\n  \n#x\r\n"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        nq_lexfile l;
        assert_int_equal(parse_str(texts[i], &l, NULL), NQ_OK);
        assert_int_equal(l.n, 0);
        nq_lexfile_free(&l);
    }
}

static void test_crlf_and_bom(void **state)
{
    (void)state;
    const char *text = "\xEF\xBB\xBF" "Mistral AI\tmistral ai | mistral\r\n"
                       "#c\r\n"
                       "\r\n"
                       "Scaleway\tscaleway \r\n";
    nq_lexfile l;
    nq_error err = {0};
    assert_int_equal(parse_str(text, &l, &err), NQ_OK);
    assert_int_equal(l.n, 2);
    expect_entry(&l, 0, "Mistral AI", "mistral ai | mistral", 2, 1);
    expect_entry(&l, 1, "Scaleway", "scaleway", 1, 4);
    nq_lexfile_free(&l);
    /* a BOM anywhere else is text: here it makes the label differ */
    assert_int_equal(parse_str("a\tb\n\xEF\xBB\xBF" "a\tc\n", &l, &err), NQ_OK);
    assert_int_equal(l.n, 2);
    nq_lexfile_free(&l);
}

typedef struct bad_case {
    const char *text;
    const char *message; /* the full expected message */
} bad_case;

static const bad_case bad_cases[] = {
    {"a\tb\nno tab here\n", "t.tsv:2: no TAB between the label and its variants in \"no tab here\""},
    {"a\tb\n\n\t b\n", "t.tsv:3: empty label before the TAB"},
    {"  \tb\n", "t.tsv:1: empty label before the TAB"},
    {"#\nlabel\t\n", "t.tsv:2: label \"label\" has no variant after the TAB"},
    {"label\t   \t \n", "t.tsv:1: label \"label\" has no variant after the TAB"},
    {"x\ta || b\n", "t.tsv:1: label \"x\": variant 2 is empty (two '|' in a row, or a '|' at an end)"},
    {"x\t| a\n", "t.tsv:1: label \"x\": variant 1 is empty (two '|' in a row, or a '|' at an end)"},
    {"x\ta | b |\n", "t.tsv:1: label \"x\": variant 3 is empty (two '|' in a row, or a '|' at an end)"},
    {"x\t|\n", "t.tsv:1: label \"x\": variant 1 is empty (two '|' in a row, or a '|' at an end)"},
    {"Meta\tmeta\r\n# c\r\nOpenAI\topenai\r\n  Meta \tfacebook\r\n",
     "t.tsv:4: duplicate label \"Meta\" (first on line 1)"},
    {"ok\tok\nbad\tsouverainet\xC3\n", "t.tsv:2: invalid UTF-8 at byte 16 of the line"},
    {"\xEF\xBB\xBF\xEF\xBB\n", "t.tsv:1: invalid UTF-8 at byte 1 of the line"},
    {"a\tb\n# comments are checked too: \xFF\n", "t.tsv:2: invalid UTF-8 at byte 29 of the line"},
    {"a\tb\xED\xA0\x80\n", "t.tsv:1: invalid UTF-8 at byte 4 of the line"}, /* a surrogate */
};

static void test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
        nq_lexfile l = {(nq_lex_entry *)&l, 99}; /* garbage: the parser must reset it */
        nq_error err = {0};
        nq_status st = parse_str(bad_cases[i].text, &l, &err);
        if (st != NQ_ERR_INPUT || strcmp(err.message, bad_cases[i].message) != 0)
            print_error("case %zu: status %d, message \"%s\"\n", i, (int)st, err.message);
        assert_int_equal(st, NQ_ERR_INPUT);
        assert_int_equal(err.code, NQ_ERR_INPUT);
        assert_string_equal(err.message, bad_cases[i].message);
        assert_int_equal(l.n, 0);
        assert_null(l.entries);
        /* and with no error object */
        assert_int_equal(parse_str(bad_cases[i].text, &l, NULL), NQ_ERR_INPUT);
    }
}

static void test_nul_byte(void **state)
{
    (void)state;
    const char text[] = "a\tb\nc\td\0e\n";
    nq_lexfile l;
    nq_error err = {0};
    assert_int_equal(nq_lexfile_parse("n.tsv", text, sizeof text - 1, &l, &err), NQ_ERR_INPUT);
    assert_string_equal(err.message, "n.tsv:2: NUL byte at column 4");
}

/* The text need not be NUL-terminated: len bounds the parse. */
static void test_len_bounds(void **state)
{
    (void)state;
    const char *text = "a\tb\nc\td | e\nzzz";
    nq_lexfile l;
    assert_int_equal(nq_lexfile_parse("x", text, 11, &l, NULL), NQ_OK);
    assert_int_equal(l.n, 2);
    expect_entry(&l, 1, "c", "d | e", 2, 2);
    nq_lexfile_free(&l);
}

static void test_long_lines(void **state)
{
    (void)state;
    size_t max = NQ_LEXFILE_MAX_LINE;
    char *text = malloc(2 * max + 64);
    assert_non_null(text);
    /* exactly the limit, with CRLF: accepted */
    size_t at = 0;
    memcpy(text, "L\t", 2);
    at = 2;
    memset(text + at, 'x', max - at);
    at = max;
    memcpy(text + at, "\r\nM\tm\n", 6);
    at += 6;
    nq_lexfile l;
    nq_error err = {0};
    assert_int_equal(nq_lexfile_parse("long.tsv", text, at, &l, &err), NQ_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(strlen(l.entries[0].expr), max - 2);
    nq_lexfile_free(&l);
    /* one byte more on line 2 (a comment line, even) */
    at = 0;
    memcpy(text, "a\tb\n#", 5);
    at = 5;
    memset(text + at, 'y', max - 0);
    at += max;
    text[at++] = '\n';
    assert_int_equal(nq_lexfile_parse("long.tsv", text, at, &l, &err), NQ_ERR_INPUT);
    char want[128];
    snprintf(want, sizeof want, "long.tsv:2: line of %zu bytes, longer than %zu", max + 1, max);
    assert_string_equal(err.message, want);
    free(text);
}

/* A long label is quoted in messages cut at a character boundary. */
static void test_long_label_in_message(void **state)
{
    (void)state;
    char text[2000];
    size_t at = 0;
    for (int i = 0; i < 300; i++) {
        memcpy(text + at, "\xC3\xA9", 2); /* é */
        at += 2;
    }
    text[at++] = '\t';
    memcpy(text + at, "a ||", 4);
    at += 4;
    nq_lexfile l;
    nq_error err = {0};
    assert_int_equal(nq_lexfile_parse("x", text, at, &l, &err), NQ_ERR_INPUT);
    const char *q = strstr(err.message, "...\"");
    assert_non_null(q);
    /* everything before the "..." is whole é's */
    const char *p = err.message + strlen("x:1: label \"");
    assert_int_equal((size_t)(q - p) % 2, 0);
    for (; p < q; p += 2)
        assert_memory_equal(p, "\xC3\xA9", 2);
}

static void test_load(void **state)
{
    (void)state;
    char path[512];
    tu_tmp_path(path, sizeof path, "lexfile.tsv");
    const char *text = "A\ta | b\nB\tc\nB\td\n";
    tu_write_file(path, text, strlen(text));
    nq_lexfile l;
    nq_error err = {0};
    assert_int_equal(nq_lexfile_load(path, &l, &err), NQ_ERR_INPUT);
    char want[600];
    snprintf(want, sizeof want, "%s:3: duplicate label \"B\" (first on line 2)", path);
    assert_string_equal(err.message, want);
    tu_write_file(path, text, 12);
    assert_int_equal(nq_lexfile_load(path, &l, &err), NQ_OK);
    assert_int_equal(l.n, 2);
    expect_entry(&l, 0, "A", "a | b", 2, 1);
    expect_entry(&l, 1, "B", "c", 1, 2);
    nq_lexfile_free(&l);
    unlink(path);
    assert_int_equal(nq_lexfile_load(path, &l, &err), NQ_ERR_IO);
    assert_non_null(strstr(err.message, path));
    assert_int_equal(l.n, 0);
}

/* Many entries: the duplicate check's table grows. */
static void test_many_entries(void **state)
{
    (void)state;
    size_t n = 5000;
    char *text = malloc(n * 32 + 64);
    assert_non_null(text);
    size_t at = 0;
    for (size_t i = 0; i < n; i++)
        at += (size_t)sprintf(text + at, "label %zu\tv%zu | w%zu\n", i, i, i);
    nq_lexfile l;
    nq_error err = {0};
    assert_int_equal(nq_lexfile_parse("many", text, at, &l, &err), NQ_OK);
    assert_int_equal(l.n, n);
    expect_entry(&l, 4321, "label 4321", "v4321 | w4321", 2, 4322);
    nq_lexfile_free(&l);
    at += (size_t)sprintf(text + at, "label 1234\tagain\n");
    assert_int_equal(nq_lexfile_parse("many", text, at, &l, &err), NQ_ERR_INPUT);
    assert_string_equal(err.message, "many:5001: duplicate label \"label 1234\" (first on line 1235)");
    free(text);
}

/* ------------------------------------------------------------------ */
/* The demo lexicons                                                   */
/* ------------------------------------------------------------------ */


static const char *const demo_files[] = {"data/lexicons/actors-fr.tsv", "data/lexicons/topics-fr.tsv"};

/* Minimum sizes the demo files promise (the brief's lists). */
static const char *const required_actors[] = {
    "Emmanuel Macron", "Meta", "Mistral AI", "OpenAI", "Hugging Face", "Scaleway", "Google", "Microsoft",
    "Nvidia", "Amazon", "Apple", "Anthropic", "Commission européenne", "Union européenne", "France",
    "Gouvernement français", "Chine", "États-Unis", "Thierry Breton", "Cédric O", "Arthur Mensch", "Sam Altman",
    "Mark Zuckerberg"};
static const char *const required_topics[] = {
    "Souveraineté", "Open source", "Régulation", "Investissement", "Supercalculateur et calcul", "Nucléaire",
    "Énergie", "Data centers", "Startups", "Emploi", "Éthique", "Cloud", "Données personnelles",
    "Désinformation", "Cybersécurité", "Santé", "Éducation", "Défense"};

/* One variant's tokens as "tok tok* tok", the key for duplicate checks. */
typedef struct variant_key {
    char *key;
    size_t entry;
} variant_key;

static int cmp_key(const void *a, const void *b)
{
    return strcmp(((const variant_key *)a)->key, ((const variant_key *)b)->key);
}

/* Checks one variant as nq_expr_parse would read it; returns its key. */
static char *check_variant(nq_tokenizer *t, const char *file, const nq_lex_entry *e, const char *v, size_t n)
{
    nq_tokens tk;
    assert_int_equal(nq_tokenize_text(t, v, n, &tk), NQ_OK);
    if (tk.n == 0)
        fail_msg("%s:%zu: %s: variant \"%.*s\" has no token", file, e->line, e->label, (int)n, v);
    char *key = malloc(tk.text_len * 2 + tk.n * 2 + 8);
    assert_non_null(key);
    size_t at = 0, k = 0;
    for (size_t i = 0; i < tk.n; i++) {
        if (i && (tk.tok[i].flags & NQ_TOK_SENT_START))
            fail_msg("%s:%zu: %s: variant \"%.*s\" spans a sentence boundary", file, e->line, e->label, (int)n,
                     v);
        if (i)
            key[at++] = ' ';
        memcpy(key + at, tk.norm + tk.tok[i].norm_off, tk.tok[i].norm_len);
        at += tk.tok[i].norm_len;
        uint32_t end = tk.tok[i].text_off + tk.tok[i].text_len;
        if (end < tk.text_len && tk.text[end] == '*')
            key[at++] = '*';
    }
    key[at] = 0;
    /* every '*' ends a token and is not glued to the next one */
    for (size_t i = 0; i < tk.text_len; i++) {
        if (tk.text[i] != '*')
            continue;
        while (k < tk.n && tk.tok[k].text_off + tk.tok[k].text_len < i)
            k++;
        int ends = k < tk.n && tk.tok[k].text_off + tk.tok[k].text_len == i;
        int glued = k + 1 < tk.n && tk.tok[k + 1].text_off == i + 1;
        if (!ends || glued)
            fail_msg("%s:%zu: %s: misplaced '*' in \"%.*s\"", file, e->line, e->label, (int)n, v);
    }
    return key;
}

static void load_demo(const char *rel, nq_lexfile *l, char *path, size_t cap)
{
    tu_source_path(path, cap, rel);
    nq_error err = {0};
    if (nq_lexfile_load(path, l, &err) != NQ_OK)
        fail_msg("%s", err.message);
}

static void test_demo_lexicons_parse(void **state)
{
    (void)state;
    nq_tokenizer *t = nq_tokenizer_new();
    assert_non_null(t);
    for (size_t f = 0; f < 2; f++) {
        char path[1024];
        nq_lexfile l;
        load_demo(demo_files[f], &l, path, sizeof path);
        const char *const *req = f == 0 ? required_actors : required_topics;
        size_t n_req = f == 0 ? sizeof required_actors / sizeof *required_actors
                              : sizeof required_topics / sizeof *required_topics;
        for (size_t i = 0; i < n_req; i++)
            if (!nq_lexfile_find(&l, req[i]))
                fail_msg("%s: no entry \"%s\"", path, req[i]);
        size_t n_keys = 0, cap = 0;
        variant_key *keys = NULL;
        for (size_t i = 0; i < l.n; i++) {
            const nq_lex_entry *e = &l.entries[i];
            const char *s = e->expr;
            size_t nv = 0;
            for (;;) {
                const char *bar = strstr(s, " | ");
                size_t n = bar ? (size_t)(bar - s) : strlen(s);
                if (n_keys == cap) {
                    cap = cap ? cap * 2 : 256;
                    keys = realloc(keys, cap * sizeof *keys);
                    assert_non_null(keys);
                }
                keys[n_keys].key = check_variant(t, path, e, s, n);
                keys[n_keys++].entry = i;
                nv++;
                if (!bar)
                    break;
                s = bar + 3;
            }
            assert_int_equal(nv, e->n_variants);
        }
        /* no variant twice in a file (same tokens, same prefixes) */
        qsort(keys, n_keys, sizeof *keys, cmp_key);
        for (size_t i = 1; i < n_keys; i++)
            if (strcmp(keys[i].key, keys[i - 1].key) == 0)
                fail_msg("%s: variant \"%s\" is in \"%s\" and \"%s\"", path, keys[i].key,
                         l.entries[keys[i - 1].entry].label, l.entries[keys[i].entry].label);
        for (size_t i = 0; i < n_keys; i++)
            free(keys[i].key);
        free(keys);
        nq_lexfile_free(&l);
    }
    nq_tokenizer_free(t);
}

/* Writes s as a JSON string body (variants hold no control characters). */
static void json_put(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\')
            fputc('\\', f);
        fputc(s[i], f);
    }
}

/* Every variant, written out with its '*' removed, is one document of an
 * index; the entry's expression and each variant alone count it. This
 * runs the real expression parser on every variant. */
static void test_demo_lexicons_count(void **state)
{
    (void)state;
    for (size_t f = 0; f < 2; f++) {
        char path[1024], corpus[600], index[600];
        nq_lexfile l;
        load_demo(demo_files[f], &l, path, sizeof path);
        tu_tmp_path(corpus, sizeof corpus, "lexfile-corpus.jsonl");
        tu_tmp_path(index, sizeof index, "lexfile.nq");
        FILE *out = fopen(corpus, "wb");
        assert_non_null(out);
        size_t docs = 0;
        for (size_t i = 0; i < l.n; i++) {
            const char *s = l.entries[i].expr;
            for (;;) {
                const char *bar = strstr(s, " | ");
                size_t n = bar ? (size_t)(bar - s) : strlen(s);
                fprintf(out, "{\"id\": \"%zu\", \"text\": \"", docs++);
                for (size_t k = 0; k < n; k++)
                    if (s[k] != '*')
                        json_put(out, s + k, 1);
                fputs("\"}\n", out);
                if (!bar)
                    break;
                s = bar + 3;
            }
        }
        assert_int_equal(fclose(out), 0);
        nq_build_options opt;
        nq_build_options_init(&opt);
        opt.threads = 1;
        opt.strict = 1;
        nq_error err = {0};
        const char *inputs[] = {corpus};
        nq_build_stats stats;
        if (nq_build(inputs, 1, index, &opt, &stats, &err) != NQ_OK)
            fail_msg("build: %s", err.message);
        assert_int_equal(stats.documents, docs);
        nq_index *ix;
        if (nq_index_open(index, &ix, &err) != NQ_OK)
            fail_msg("open: %s", err.message);
        for (size_t i = 0; i < l.n; i++) {
            const nq_lex_entry *e = &l.entries[i];
            nq_count_result r;
            if (nq_count(ix, e->expr, strlen(e->expr), NULL, &r, &err) != NQ_OK)
                fail_msg("%s:%zu: %s: %s", path, e->line, e->label, err.message);
            if (r.documents < (int64_t)e->n_variants)
                fail_msg("%s:%zu: %s: found in %lld documents, fewer than its %zu variants", path, e->line,
                         e->label, (long long)r.documents, e->n_variants);
            const char *s = e->expr;
            for (;;) {
                const char *bar = strstr(s, " | ");
                size_t n = bar ? (size_t)(bar - s) : strlen(s);
                if (nq_count(ix, s, n, NULL, &r, &err) != NQ_OK)
                    fail_msg("%s:%zu: %s: \"%.*s\": %s", path, e->line, e->label, (int)n, s, err.message);
                if (r.count == 0)
                    fail_msg("%s:%zu: %s: \"%.*s\" does not count its own text", path, e->line, e->label,
                             (int)n, s);
                if (!bar)
                    break;
                s = bar + 3;
            }
        }
        nq_index_close(ix);
        nq_lexfile_free(&l);
        unlink(corpus);
        unlink(index);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_tabs_in_variants),
        cmocka_unit_test(test_empty_inputs),
        cmocka_unit_test(test_crlf_and_bom),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_len_bounds),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_long_label_in_message),
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_many_entries),
        cmocka_unit_test(test_demo_lexicons_parse),
        cmocka_unit_test(test_demo_lexicons_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

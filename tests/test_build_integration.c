/*
 * Builds real corpora and checks every figure against a brute-force counter
 * written here: it sees only the tokenizer's output (nq_tokenize_corpus) and
 * counts n-grams as joined strings in its own hash table, sharing no
 * counting, lexicon or index code with the engine.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ngramq/ngramq.h"
#include "testutil.h"
#include "tokenize.h"

#define MAX_N 8 /* the largest order the tests ask for */

typedef struct entry {
    char *key;          /* tokens joined by one space */
    uint32_t n;
    uint32_t count, df;
    uint64_t last_doc;
} entry;

typedef struct doc_row {
    char *id;
    uint32_t tokens, sentences, paragraphs;
} doc_row;

typedef struct brute {
    int max_n;
    uint32_t min_count;
    doc_row *rows;
    size_t n_docs, docs_cap;
    entry *slots;
    size_t cap, used;
    uint64_t docs, sentences, paragraphs, tokens;
    char *buf;          /* scratch for joining */
    size_t buf_cap;
} brute;

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static void brute_grow(brute *b)
{
    size_t cap = b->cap ? b->cap * 2 : 1 << 16;
    entry *s = calloc(cap, sizeof *s);
    assert_non_null(s);
    for (size_t i = 0; i < b->cap; i++) {
        if (!b->slots[i].key)
            continue;
        size_t j = fnv1a(b->slots[i].key, strlen(b->slots[i].key)) & (cap - 1);
        while (s[j].key)
            j = (j + 1) & (cap - 1);
        s[j] = b->slots[i];
    }
    free(b->slots);
    b->slots = s;
    b->cap = cap;
}

static entry *brute_get(brute *b, const char *key, size_t len, int insert)
{
    if (insert && (b->used + 1) * 2 > b->cap)
        brute_grow(b);
    if (!b->cap)
        return NULL;
    size_t j = fnv1a(key, len) & (b->cap - 1);
    for (; b->slots[j].key; j = (j + 1) & (b->cap - 1))
        if (strlen(b->slots[j].key) == len && memcmp(b->slots[j].key, key, len) == 0)
            return &b->slots[j];
    if (!insert)
        return NULL;
    entry *e = &b->slots[j];
    e->key = strndup(key, len);
    assert_non_null(e->key);
    e->last_doc = UINT64_MAX;
    b->used++;
    return e;
}

static int brute_doc(void *user, const nq_tokenized_doc *d)
{
    brute *b = user;
    uint64_t sentences0 = b->sentences, paragraphs0 = b->paragraphs;
    b->docs++;
    b->tokens += d->n_tokens;
    if (d->n_tokens) {
        b->sentences += 1;
        b->paragraphs += 1;
    }
    for (size_t i = 1; i < d->n_tokens; i++) {
        b->sentences += d->tokens[i].sentence != d->tokens[i - 1].sentence;
        b->paragraphs += d->tokens[i].paragraph != d->tokens[i - 1].paragraph;
    }
    if (b->n_docs == b->docs_cap) {
        b->docs_cap = b->docs_cap ? b->docs_cap * 2 : 64;
        b->rows = realloc(b->rows, b->docs_cap * sizeof *b->rows);
        assert_non_null(b->rows);
    }
    b->rows[b->n_docs++] = (doc_row){strndup(d->id, d->id_len), (uint32_t)d->n_tokens,
                                     (uint32_t)(b->sentences - sentences0), (uint32_t)(b->paragraphs - paragraphs0)};
    for (size_t i = 0; i < d->n_tokens; i++) {
        size_t len = 0;
        for (int n = 1; n <= b->max_n && i + (size_t)n <= d->n_tokens; n++) {
            const nq_token_view *t = &d->tokens[i + (size_t)n - 1];
            if (t->sentence != d->tokens[i].sentence)
                break;
            if (b->buf_cap < len + t->norm_len + 2) {
                b->buf_cap = (len + t->norm_len + 2) * 2;
                b->buf = realloc(b->buf, b->buf_cap);
                assert_non_null(b->buf);
            }
            if (n > 1)
                b->buf[len++] = ' ';
            memcpy(b->buf + len, t->norm, t->norm_len);
            len += t->norm_len;
            entry *e = brute_get(b, b->buf, len, 1);
            e->n = (uint32_t)n;
            e->count++;
            if (e->last_doc != d->index) {
                e->last_doc = d->index;
                e->df++;
            }
        }
    }
    return 0;
}

static void brute_free(brute *b)
{
    for (size_t i = 0; i < b->n_docs; i++)
        free(b->rows[i].id);
    free(b->rows);
    for (size_t i = 0; i < b->cap; i++)
        free(b->slots[i].key);
    free(b->slots);
    free(b->buf);
}

/* Whether key, read as a query, gives back exactly its own tokens. Not
 * always: U+02BC is a letter whose normal form is an apostrophe, so the
 * token "lʼ" is spelled "l'", which a query reads as "l". */
static int round_trips(nq_tokenizer *tk, const char *key)
{
    nq_tokens t;
    assert_int_equal(nq_tokenize_text(tk, key, strlen(key), &t), NQ_OK);
    size_t pos = 0, len = strlen(key);
    for (size_t i = 0; i < t.n; i++) {
        if (i && (pos >= len || key[pos++] != ' '))
            return 0;
        if (t.tok[i].norm_len > len - pos || memcmp(key + pos, t.norm + t.tok[i].norm_off, t.tok[i].norm_len))
            return 0;
        pos += t.tok[i].norm_len;
    }
    return pos == len;
}

static int by_count_then_bytes(const void *x, const void *y)
{
    const entry *a = *(const entry *const *)x, *b = *(const entry *const *)y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return strcmp(a->key, b->key);
}

static void build(const char *const *inputs, size_t n, const char *out, int threads, const brute *b)
{
    nq_build_options opt;
    nq_build_options_init(&opt);
    opt.threads = threads;
    opt.max_n = b->max_n;
    opt.min_count = b->min_count;
    opt.batch_bytes = 1 << 20; /* several batches even on the small corpus */
    nq_error err = {0};
    nq_status st = nq_build(inputs, n, out, &opt, NULL, &err);
    if (st != NQ_OK)
        fail_msg("build failed: %s", err.message);
}

static void check_info(const nq_index *ix, const brute *b)
{
    nq_index_info in;
    nq_index_get_info(ix, &in);
    assert_string_equal(in.tokenizer, "fr-1");
    assert_int_equal(in.documents, b->docs);
    assert_int_equal(in.sentences, b->sentences);
    assert_int_equal(in.paragraphs, b->paragraphs);
    assert_int_equal(in.tokens, b->tokens);
    uint64_t kept[MAX_N + 1] = {0};
    for (size_t i = 0; i < b->cap; i++) {
        const entry *e = &b->slots[i];
        if (e->key && (e->n == 1 || e->count >= b->min_count))
            kept[e->n]++;
    }
    assert_int_equal(in.types, kept[1]);
    assert_int_equal(in.max_n, b->max_n);
    for (int n = 1; n <= b->max_n; n++)
        assert_int_equal(in.ngrams[n], kept[n]);
}

/* Every stored n-gram (one in `stride`) and a sample of the rare ones. */
static void check_counts(nq_index *ix, const brute *b, size_t stride, int real_corpus)
{
    size_t checked = 0, rare = 0;
    uint32_t min = b->min_count;
    nq_tokenizer *tk = nq_tokenizer_new();
    assert_non_null(tk);
    for (size_t i = 0; i < b->cap; i++) {
        const entry *e = &b->slots[i];
        if (!e->key || (i % stride && e->count >= min) || (e->count < min && i % (stride * 5)))
            continue;
        if (!round_trips(tk, e->key))
            continue; /* not a phrase a query can spell */
        nq_count_result r;
        nq_error err;
        assert_int_equal(nq_count(ix, e->key, strlen(e->key), NULL, &r, &err), NQ_OK);
        /* stored n-grams come from the tables, rare ones from the postings:
         * both exact */
        if (!r.exact || r.count != e->count || r.documents != (int64_t)e->df)
            fail_msg("\"%s\": engine %s %llu docs %lld, brute force %u docs %u", e->key,
                     r.exact ? "exact" : "unknown", (unsigned long long)r.count, (long long)r.documents,
                     e->count, e->df);
        if (e->n == 1 || e->count >= min)
            checked++;
        else
            rare++;
    }
    nq_tokenizer_free(tk);
    if (real_corpus) {
        assert_true(checked > 100);
        assert_true(rare > 10);
    }
    /* Words the corpus never had are exactly 0. */
    nq_count_result r;
    nq_error err;
    assert_int_equal(nq_count(ix, "zzqxw", 5, NULL, &r, &err), NQ_OK);
    assert_true(r.exact && r.count == 0 && r.documents == 0);
}

static void check_top(nq_index *ix, const brute *b, int n, const char *prefix, size_t k)
{
    entry **list = malloc((b->used + 1) * sizeof *list);
    assert_non_null(list);
    size_t m = 0, plen = prefix ? strlen(prefix) : 0;
    int star = plen && prefix[plen - 1] == '*';
    for (size_t i = 0; i < b->cap; i++) {
        entry *e = &b->slots[i];
        if (!e->key || e->n != (uint32_t)n || (n > 1 && e->count < b->min_count))
            continue;
        if (prefix && star && strncmp(e->key, prefix, plen - 1) != 0)
            continue;
        if (prefix && !star && (strncmp(e->key, prefix, plen) != 0 || (e->key[plen] != ' ' && e->key[plen])))
            continue;
        list[m++] = e;
    }
    qsort(list, m, sizeof *list, by_count_then_bytes);
    nq_top_result res;
    nq_error err;
    assert_int_equal(nq_top(ix, n, k, prefix, NULL, &res, &err), NQ_OK);
    if (res.n_rows != (m < k ? m : k))
        fail_msg("top -n %d --prefix \"%s\": engine %zu rows, brute force %zu (first \"%s\")", n, prefix ? prefix : "",
                 res.n_rows, m < k ? m : k, m ? list[0]->key : "");
    for (size_t i = 0; i < res.n_rows; i++) {
        if (strcmp(res.rows[i].ngram, list[i]->key) != 0 || res.rows[i].count != list[i]->count)
            fail_msg("top -n %d %s row %zu: engine \"%s\" %llu, brute force \"%s\" %u", n, prefix ? prefix : "", i,
                     res.rows[i].ngram, (unsigned long long)res.rows[i].count, list[i]->key, list[i]->count);
        assert_int_equal(res.rows[i].documents, list[i]->df);
    }
    nq_top_result_free(&res);
    free(list);
}

static void check_docs(nq_index *ix, const brute *b)
{
    for (size_t i = 0; i < b->n_docs; i++) {
        nq_doc_info d;
        nq_error err;
        assert_int_equal(nq_index_doc(ix, i, &d, &err), NQ_OK);
        assert_int_equal(d.id_len, strlen(b->rows[i].id));
        assert_memory_equal(d.id, b->rows[i].id, d.id_len);
        assert_int_equal(d.tokens, b->rows[i].tokens);
        assert_int_equal(d.sentences, b->rows[i].sentences);
        assert_int_equal(d.paragraphs, b->rows[i].paragraphs);
    }
    nq_doc_info d;
    nq_error err;
    assert_int_equal(nq_index_doc(ix, b->n_docs, &d, &err), NQ_ERR_ARG);
}

/* The seeds' metadata, copied by hand from the corpus README. */
static void check_seed_metadata(nq_index *ix)
{
    static const struct {
        const char *id, *source, *title;
        uint32_t date;
    } want[] = {
        {"000_db2ae3c6fee6a6e1", "unknown", NULL, 20240000},
        {"001_d438b4b8bef9c387", "Alliancy", "[Edito] L\u2019IA, r\u00e9el enjeu de souverainet\u00e9 nationale", 20230600},
        {"002_5bf17234efb5571f", "unknown", NULL, 20230600},
        {"003_6b6e922a52ce3391", "Smile", "L'IA, l'open source et la souverainet\u00e9\u00a0: un enjeu strat\u00e9gique pour l'Europe", 20250212},
        {"004_81d65ba2dd7e50cd", "unknown", "Faire de la rance le bastion de l'IA europ\u00e9enne : l'heure de l'offensive a sonn\u00e9", 20250000},
    };
    assert_int_equal(nq_index_source_count(ix), 3);
    for (size_t i = 0; i < 5; i++) {
        nq_doc_info d;
        nq_error err;
        assert_int_equal(nq_index_doc(ix, i, &d, &err), NQ_OK);
        assert_int_equal(d.id_len, strlen(want[i].id));
        assert_memory_equal(d.id, want[i].id, d.id_len);
        assert_int_equal(d.date, want[i].date);
        assert_int_equal(d.source_len, strlen(want[i].source));
        assert_memory_equal(d.source, want[i].source, d.source_len);
        assert_int_equal(d.title == NULL, want[i].title == NULL);
        if (want[i].title) {
            assert_int_equal(d.title_len, strlen(want[i].title));
            assert_memory_equal(d.title, want[i].title, d.title_len);
        }
    }
}

static void compare_files(const char *a, const char *b)
{
    size_t la, lb;
    char *x = tu_read_file(a, &la), *y = tu_read_file(b, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(x, y, la);
    free(x);
    free(y);
}

/* top --prefix with prefixes cut from the corpus's own n-grams: whole
 * leading tokens, and a last token cut short with '*'. */
static void check_random_prefixes(nq_index *ix, const brute *b)
{
    nq_tokenizer *tk = nq_tokenizer_new();
    assert_non_null(tk);
    char prefix[512];
    for (size_t i = 0, tries = 0; i < b->cap && tries < 12; i += 7) {
        const entry *e = &b->slots[i];
        if (!e->key || strlen(e->key) >= sizeof prefix - 2 || !round_trips(tk, e->key))
            continue;
        size_t len = strlen(e->key);
        int cut = (int)(i % 3);
        if (cut == 1 && len > 1)
            len--; /* the last token cut short */
        if (cut == 2 && strchr(e->key, ' '))
            len = (size_t)(strrchr(e->key, ' ') - e->key); /* drop the last token */
        memcpy(prefix, e->key, len);
        prefix[len] = 0;
        if (!round_trips(tk, prefix))
            continue; /* e.g. a cut that ends on an apostrophe, which a query drops */
        if (cut == 1) {
            prefix[len] = '*';
            prefix[len + 1] = 0;
        }
        for (int n = (int)e->n; n <= b->max_n; n++)
            check_top(ix, b, n, prefix, 15);
        tries++;
    }
    nq_tokenizer_free(tk);
}

/* Builds path with 2 threads and checks it all against the brute force,
 * then checks that 1 and 3 threads give the same bytes. */
static void check_file(const char *input, const char *tag, size_t stride, int max_n, uint32_t min_count,
                       int real_corpus)
{
    char out[4096], out1[4096], out3[4096], name[256];
    const char *inputs[1] = {input};
    snprintf(name, sizeof name, "%s.nq", tag);
    tu_tmp_path(out, sizeof out, name);
    snprintf(name, sizeof name, "%s-t1.nq", tag);
    tu_tmp_path(out1, sizeof out1, name);
    snprintf(name, sizeof name, "%s-t3.nq", tag);
    tu_tmp_path(out3, sizeof out3, name);

    brute b = {0};
    b.max_n = max_n;
    b.min_count = min_count;
    nq_build_options opt;
    nq_build_options_init(&opt);
    nq_error err = {0};
    assert_int_equal(nq_tokenize_corpus(inputs, 1, &opt, brute_doc, &b, &err), NQ_OK);

    build(inputs, 1, out, 2, &b);
    nq_index *ix;
    assert_int_equal(nq_index_open(out, &ix, &err), NQ_OK);
    check_info(ix, &b);
    check_docs(ix, &b);
    if (strstr(input, "seeds.jsonl"))
        check_seed_metadata(ix);
    check_counts(ix, &b, stride, real_corpus);
    for (int n = 1; n <= max_n; n++)
        check_top(ix, &b, n, NULL, 40);
    if (max_n >= 3) {
        check_top(ix, &b, 2, "de", 25);
        check_top(ix, &b, 3, "de la", 25);
        check_top(ix, &b, 1, "souv*", 10);
        check_top(ix, &b, 2, "la souv*", 10);
        check_top(ix, &b, 3, "souv*", 10);
    }
    if (!real_corpus)
        check_random_prefixes(ix, &b);
    nq_index_close(ix);

    build(inputs, 1, out1, 1, &b);
    build(inputs, 1, out3, 3, &b);
    compare_files(out, out1);
    compare_files(out, out3);
    remove(out);
    remove(out1);
    remove(out3);
    brute_free(&b);
}

static void check_corpus(const char *name, size_t stride)
{
    const char *dir = tu_corpus_dir();
    if (!dir) {
        skip();
        return;
    }
    char input[4096];
    snprintf(input, sizeof input, "%s/%s", dir, name);
    check_file(input, "integration", stride, 5, 2, 1);
}

/* ---- random corpora: every tokenizer edge in small, repetitive documents ---- */

static uint64_t fuzz_state;

static uint32_t fuzz_rand(void)
{
    fuzz_state = fuzz_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(fuzz_state >> 33);
}

/* Pieces of JSON string content: UTF-8 text and JSON escapes. */
static void put_piece(FILE *f)
{
    static const char *pieces[] = {
        "de", "la", "l'", "L\\u2019", "IA", "souverainet\u00e9", "Souverainet\u00e9", "d\u2019", "qu'",
        "aujourd'hui", "open-source", "open", "source", "M.", "Mme", "Macron", "1,5", "3.14", "2023-2025",
        "U.S.A", " ", " ", " ", " ", ". ", "! ", "? ", "\u2026 ", "\\n", "\\n\\n", "\\r\\n", "\u00a0: ",
        " \u00ab ", " \u00bb ", "\u202f? ", "e\u0301", "\u0301", "'", "-", ",", "\u02bc", "l\u02bc", "\\t",
        "\u00df", "\u0130", "\\ud83d\\ude00", "\\ud800", "\u00ad", "A", "\u00c9tat", "\u00e9tat", "etat",
        "c'est-\u00e0-dire", "\u2028", "\\u0000",
    };
    fputs(pieces[fuzz_rand() % (sizeof pieces / sizeof *pieces)], f);
}

static void write_fuzz_corpus(const char *path, unsigned seed)
{
    fuzz_state = seed;
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    int docs = 1 + (int)(fuzz_rand() % 60);
    for (int d = 0; d < docs; d++) {
        fprintf(f, "{\"id\": \"f%u-%d\", ", seed, d);
        uint32_t t = fuzz_rand() % 4;
        if (t == 0)
            fputs("\"title\": null, ", f);
        else if (t == 1)
            fputs("\"title\": \"\", ", f);
        else if (t == 2) {
            fputs("\"title\": \"", f);
            for (int k = (int)(fuzz_rand() % 6); k > 0; k--)
                put_piece(f);
            fputs("\", ", f);
        }
        fputs("\"text\": \"", f);
        for (int k = (int)(fuzz_rand() % 200); k > 0; k--)
            put_piece(f);
        if (fuzz_rand() % 8 == 0)
            fputs("\xff\xc3", f); /* invalid UTF-8, passed through by the JSON parser */
        fputs("\"}\n", f);
    }
    fclose(f);
}

static void test_random_corpora(void **state)
{
    (void)state;
    static const int orders[] = {1, 2, 3, 5, 8};
    char path[4096];
    tu_tmp_path(path, sizeof path, "fuzz.jsonl");
    for (unsigned seed = 1; seed <= 120; seed++) {
        write_fuzz_corpus(path, seed);
        check_file(path, "fuzz", 1, orders[seed % 5], 1 + seed % 3, 0);
    }
    remove(path);
}

static void test_seeds(void **state)
{
    (void)state;
    check_corpus("seeds.jsonl", 1);
}

static void test_orangesum_2017(void **state)
{
    (void)state;
    check_corpus("orangesum/orangesum-2017.jsonl", 13);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seeds),
        cmocka_unit_test(test_orangesum_2017),
        cmocka_unit_test(test_random_corpora),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

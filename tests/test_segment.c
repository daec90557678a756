/* Index segments end to end, through the public API: a small index built
 * from a JSONL written here, then truncated, bit-flipped, garbage, wrong
 * version, re-sealed with valid checksums around bad structure, built over
 * an existing index, built from a bad or an empty corpus. nq_index_open
 * must answer every one with an error code and a message naming the file
 * and what is wrong, and never crash. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <cmocka.h>

#include "format.h"
#include "ngramq/ngramq.h"
#include "testutil.h"

static char g_dir[512];        /* scratch directory of this process */
static char g_corpus[600];     /* the JSONL */
static char g_index[600];      /* its index */
static uint8_t *g_bytes;       /* the index file */
static size_t g_len;
static char g_answers[8192];   /* what the index answers, see answers() */
static uint64_t g_docs;

static uint64_t rng_state = 0x5EED5EED12345678ull;

static uint64_t rnd(void)
{
    return tu_splitmix64(&rng_state);
}

/* ---- helpers ---- */

static void path_in(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/%s", g_dir, name);
}

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Fails when the scratch directory holds a temporary file of a build. */
static void assert_no_tmp_files(void)
{
    DIR *d = opendir(g_dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strstr(e->d_name, ".tmp-"))
            fail_msg("a build left %s/%s behind", g_dir, e->d_name);
    closedir(d);
}

static nq_status build(const char *input, const char *out, int strict, nq_build_stats *stats, nq_error *err)
{
    nq_build_options opt;
    nq_build_options_init(&opt);
    opt.threads = 1;
    opt.strict = strict;
    const char *inputs[1] = {input};
    return nq_build(inputs, 1, out, &opt, stats, err);
}

/* The corpus: n documents of council news, with phrases repeated across
 * documents so that every order up to 5 stores something. */
static void write_corpus(const char *path, int n, int offset)
{
    static const char *const towns[] = {"Lyon", "Nantes", "Lille", "Rennes", "Brest"};
    static const char *const sources[] = {"Le Progrès", "Ouest-France", "La Voix du Nord"};
    size_t cap = (size_t)n * 1024 + 16, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    for (int i = 0; i < n; i++) {
        int k = i + offset;
        len += (size_t)snprintf(
            buf + len, cap - len,
            "{\"id\":\"doc-%d\",\"date\":\"2023-%02d-%02d\",\"source\":\"%s\",\"title\":\"Séance numéro %d\","
            "\"text\":\"Le conseil municipal de %s a voté le budget. La séance du conseil municipal était "
            "publique.\\n\\nLe maire de %s a présenté le projet de rénovation de la gare. Les élus ont "
            "débattu pendant %d heures. Le conseil municipal se réunira de nouveau en été.\"}\n",
            k, 1 + k % 12, 1 + k % 28, sources[k % 3], k, towns[k % 5], towns[(k + 2) % 5], 2 + k % 4);
        assert_true(len < cap);
    }
    tu_write_file(path, buf, len);
    free(buf);
}

/* A digest of the answers of an index: a few counts and top lists. */
static void answers(nq_index *ix, char *out, size_t cap)
{
    static const char *const phrases[] = {"conseil", "conseil municipal", "le conseil municipal",
                                          "le conseil municipal de", "le conseil municipal de lyon",
                                          "le conseil municipal de lyon a", "budget", "absent", "séance"};
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < sizeof phrases / sizeof *phrases; i++) {
        nq_count_result r;
        nq_error err;
        assert_int_equal(nq_count(ix, phrases[i], strlen(phrases[i]), NULL, &r, &err), NQ_OK);
        used += (size_t)snprintf(out + used, cap - used, "%s=%d/%llu/%lld/%llu;", phrases[i], r.exact,
                                 (unsigned long long)r.count, (long long)r.documents,
                                 (unsigned long long)r.upper_bound);
    }
    nq_index_info info;
    nq_index_get_info(ix, &info);
    for (int n = 1; n <= info.max_n; n++) {
        nq_top_result top;
        nq_error err;
        assert_int_equal(nq_top(ix, n, 3, NULL, NULL, &top, &err), NQ_OK);
        for (size_t i = 0; i < top.n_rows; i++)
            used += (size_t)snprintf(out + used, cap - used, "[%s %llu %llu]", top.rows[i].ngram,
                                     (unsigned long long)top.rows[i].count,
                                     (unsigned long long)top.rows[i].documents);
        nq_top_result_free(&top);
    }
    assert_true(used + 1 < cap);
}

static nq_file_header header_of(const uint8_t *b)
{
    nq_file_header h;
    memcpy(&h, b, sizeof h);
    return h;
}

static nq_section_entry entry_of(const uint8_t *b, uint32_t i)
{
    nq_file_header h = header_of(b);
    nq_section_entry e;
    memcpy(&e, b + h.table_offset + (uint64_t)i * NQ_TABLE_ENTRY_SIZE, sizeof e);
    return e;
}

static void put_entry(uint8_t *b, uint32_t i, const nq_section_entry *e)
{
    nq_file_header h = header_of(b);
    memcpy(b + h.table_offset + (uint64_t)i * NQ_TABLE_ENTRY_SIZE, e, sizeof *e);
}

/* Index of the section with this id in the table, or -1. */
static int find_section(const uint8_t *b, uint32_t id)
{
    nq_file_header h = header_of(b);
    for (uint32_t i = 0; i < h.section_count; i++)
        if (entry_of(b, i).id == id)
            return (int)i;
    return -1;
}

static void section_name(uint32_t id, char out[8])
{
    for (int i = 0; i < 4; i++)
        out[i] = (char)(id >> (8 * i));
    out[4] = 0;
}

/* Recomputes, after an edit: every section checksum, the table checksum
 * and the header checksum, so only the structure is wrong. */
static void reseal(uint8_t *b, size_t len)
{
    nq_file_header h = header_of(b);
    for (uint32_t i = 0; i < h.section_count; i++) {
        nq_section_entry e = entry_of(b, i);
        if (e.offset <= len && e.size <= len - e.offset) {
            e.checksum = XXH3_64bits(b + e.offset, e.size);
            put_entry(b, i, &e);
        }
    }
    if (h.table_offset <= len && (uint64_t)h.section_count * NQ_TABLE_ENTRY_SIZE <= len - h.table_offset)
        h.table_checksum = XXH3_64bits(b + h.table_offset, (size_t)h.section_count * NQ_TABLE_ENTRY_SIZE);
    h.header_checksum = XXH3_64bits(&h, offsetof(nq_file_header, header_checksum));
    memcpy(b, &h, sizeof h);
}

/* After an edit of the header alone: recomputes its checksum only. */
static void reseal_header(uint8_t *b)
{
    nq_file_header h = header_of(b);
    h.header_checksum = XXH3_64bits(&h, offsetof(nq_file_header, header_checksum));
    memcpy(b, &h, sizeof h);
}

/* Writes the bytes to a scratch file and opens it: the status, with the
 * message in err (which must name the file when it is an error). */
static nq_status open_bytes(const uint8_t *b, size_t len, const char *name, nq_error *err, char *digest,
                            size_t digest_cap)
{
    char path[700];
    path_in(path, sizeof path, name);
    tu_write_file(path, b, len);
    nq_index *ix = (nq_index *)0x1;
    memset(err, 0, sizeof *err);
    nq_status st = nq_index_open(path, &ix, err);
    if (st == NQ_OK) {
        /* the large sections are checked on first use: check them all now */
        assert_non_null(ix);
        st = nq_index_verify(ix, err);
        if (st == NQ_OK && digest)
            answers(ix, digest, digest_cap);
        nq_index_close(ix);
        if (st != NQ_OK) {
            if (!strstr(err->message, path))
                fail_msg("the message does not name the file %s: \"%s\"", path, err->message);
            return st;
        }
    } else {
        assert_null(ix);
        assert_int_equal(err->code, st);
        if (!strstr(err->message, path))
            fail_msg("the message does not name the file %s: \"%s\"", path, err->message);
        /* Without an nq_error, the same answer and no crash. */
        nq_index *ix2 = (nq_index *)0x1;
        assert_int_equal(nq_index_open(path, &ix2, NULL), st);
        assert_null(ix2);
    }
    unlink(path);
    return st;
}

/* Opens edited bytes: expects `want`, with a message containing `needle`. */
static void expect_open(const uint8_t *b, size_t len, nq_status want, const char *needle, const char *what)
{
    nq_error err;
    nq_status st = open_bytes(b, len, "edited.nqi", &err, NULL, 0);
    if (st != want)
        fail_msg("%s: nq_index_open returned %d (%s), expected %d; message \"%s\"", what, (int)st,
                 nq_status_string(st), (int)want, st ? err.message : "");
    if (needle && !strstr(err.message, needle))
        fail_msg("%s: the message \"%s\" does not say \"%s\"", what, err.message, needle);
}

/* ---- setup ---- */

static int setup(void **state)
{
    (void)state;
    tu_tmp_path(g_dir, sizeof g_dir, "segment");
    mkdir(g_dir, 0755);
    path_in(g_corpus, sizeof g_corpus, "corpus.jsonl");
    path_in(g_index, sizeof g_index, "base.nqi");
    g_docs = 40;
    write_corpus(g_corpus, (int)g_docs, 0);
    nq_error err;
    nq_build_stats stats;
    if (build(g_corpus, g_index, 0, &stats, &err) != NQ_OK) {
        fprintf(stderr, "build failed: %s\n", err.message);
        return -1;
    }
    g_bytes = (uint8_t *)tu_read_file(g_index, &g_len);
    nq_index *ix;
    if (nq_index_open(g_index, &ix, &err) != NQ_OK) {
        fprintf(stderr, "open failed: %s\n", err.message);
        return -1;
    }
    answers(ix, g_answers, sizeof g_answers);
    nq_index_close(ix);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(g_bytes);
    DIR *d = opendir(g_dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char p[1024];
            snprintf(p, sizeof p, "%s/%s", g_dir, e->d_name);
            if (unlink(p) != 0)
                rmdir(p);
        }
        closedir(d);
    }
    rmdir(g_dir);
    return 0;
}

/* ---- tests ---- */

static void test_build_and_query(void **state)
{
    (void)state;
    nq_index *ix;
    nq_error err;
    assert_int_equal(nq_index_open(g_index, &ix, &err), NQ_OK);
    nq_index_info info;
    nq_index_get_info(ix, &info);
    assert_int_equal(info.format_version, NQ_FORMAT_VERSION);
    assert_string_equal(info.tokenizer, NQ_TOKENIZER_NAME);
    assert_int_equal(info.documents, g_docs);
    assert_int_equal(info.dated_documents, g_docs);
    assert_int_equal(info.sources, 3);
    assert_true(info.paragraphs >= 2 * g_docs); /* the title may count as one more */
    assert_true(info.sentences >= 5 * g_docs);
    assert_int_equal(info.max_n, 5);
    assert_int_equal(info.min_count, 2);
    assert_int_equal(info.file_bytes, g_len);
    assert_int_equal(info.date_min, 20230101);
    /* Every section the format names, in the writer's order. */
    static const char *const names[] = {"TDIR", "TOFF", "TEXT", "STRC", "PDIR", "POST", "COOC", "META",
                                        "DOCS", "SRCS", "LEXS", "LEXF", "NG2",  "NG3",  "NG4",  "NG5"};
    assert_int_equal(info.n_sections, sizeof names / sizeof *names);
    for (size_t i = 0; i < info.n_sections; i++)
        assert_string_equal(info.sections[i].name, names[i]);
    for (int n = 1; n <= 5; n++)
        assert_true(info.ngrams[n] > 0);

    /* "conseil municipal": three times a document. */
    nq_count_result r;
    assert_int_equal(nq_count(ix, "Conseil  MUNICIPAL", 18, NULL, &r, &err), NQ_OK);
    assert_int_equal(r.n_tokens, 2);
    assert_int_equal(r.exact, 1);
    assert_int_equal(r.count, 3 * g_docs);
    assert_int_equal(r.documents, (int64_t)g_docs);
    assert_int_equal(nq_count(ix, "le conseil municipal de lyon", 28, NULL, &r, &err), NQ_OK);
    assert_int_equal(r.exact, 1);
    assert_int_equal(r.count, g_docs / 5);
    assert_int_equal(nq_count(ix, "introuvable", 11, NULL, &r, &err), NQ_OK);
    assert_int_equal(r.exact, 1);
    assert_int_equal(r.count, 0);
    assert_int_equal(r.documents, 0);
    assert_int_equal(nq_count(ix, " .,; ", 5, NULL, &r, &err), NQ_ERR_ARG);

    nq_top_result top;
    assert_int_equal(nq_top(ix, 2, 5, NULL, NULL, &top, &err), NQ_OK);
    assert_int_equal(top.n_rows, 5);
    for (size_t i = 0; i < top.n_rows; i++) {
        if (i > 0)
            assert_true(top.rows[i - 1].count > top.rows[i].count ||
                        (top.rows[i - 1].count == top.rows[i].count &&
                         strcmp(top.rows[i - 1].ngram, top.rows[i].ngram) < 0));
        assert_int_equal(nq_count(ix, top.rows[i].ngram, strlen(top.rows[i].ngram), NULL, &r, &err), NQ_OK);
        assert_int_equal(r.count, top.rows[i].count);
        assert_int_equal((uint64_t)r.documents, top.rows[i].documents);
    }
    nq_top_result_free(&top);
    assert_int_equal(nq_top(ix, 3, 10, "conseil mun*", NULL, &top, &err), NQ_OK);
    assert_true(top.n_rows >= 2);
    for (size_t i = 0; i < top.n_rows; i++)
        assert_true(strncmp(top.rows[i].ngram, "conseil municipal ", 18) == 0);
    nq_top_result_free(&top);
    assert_int_equal(nq_top(ix, 6, 10, NULL, NULL, &top, &err), NQ_ERR_ARG);

    /* Documents and sources (DOCS, SRCS). */
    static const char *const sources[] = {"La Voix du Nord", "Le Progrès", "Ouest-France"};
    assert_int_equal(nq_index_source_count(ix), 3);
    for (uint64_t i = 0; i < 3; i++) {
        const char *name;
        size_t len;
        uint64_t docs;
        assert_int_equal(nq_index_source(ix, i, &name, &len, &docs, &err), NQ_OK);
        assert_int_equal(len, strlen(sources[i]));
        assert_memory_equal(name, sources[i], len);
        assert_true(docs >= g_docs / 3 && docs <= g_docs / 3 + 1);
    }
    for (uint64_t i = 0; i < g_docs; i++) {
        nq_doc_info d;
        char want[64];
        assert_int_equal(nq_index_doc(ix, i, &d, &err), NQ_OK);
        int l = snprintf(want, sizeof want, "doc-%d", (int)i);
        assert_int_equal(d.id_len, (size_t)l);
        assert_memory_equal(d.id, want, d.id_len);
        l = snprintf(want, sizeof want, "Séance numéro %d", (int)i);
        assert_int_equal(d.title_len, (size_t)l);
        assert_memory_equal(d.title, want, d.title_len);
        assert_int_equal(d.date, 20230000 + (1 + i % 12) * 100 + 1 + i % 28);
        assert_non_null(d.source);
        assert_true(d.tokens > 30);
    }
    nq_doc_info d;
    assert_int_equal(nq_index_doc(ix, g_docs, &d, &err), NQ_ERR_ARG);
    nq_index_close(ix);

    /* The layout the format promises. */
    nq_file_header h = header_of(g_bytes);
    assert_memory_equal(h.magic, NQ_MAGIC, 8);
    assert_int_equal(h.header_size, NQ_HEADER_SIZE);
    assert_int_equal(h.file_size, g_len);
    assert_int_equal(h.flags, 0);
    assert_int_equal(h.table_offset % NQ_SECTION_ALIGN, 0);
    assert_int_equal(h.table_offset + (uint64_t)h.section_count * NQ_TABLE_ENTRY_SIZE, g_len);
    assert_int_equal(h.header_checksum, XXH3_64bits(g_bytes, 72));
    assert_int_equal(h.table_checksum, XXH3_64bits(g_bytes + h.table_offset, h.section_count * 48u));
    uint64_t end = NQ_HEADER_SIZE;
    for (uint32_t i = 0; i < h.section_count; i++) {
        nq_section_entry e = entry_of(g_bytes, i);
        assert_int_equal(e.offset % NQ_SECTION_ALIGN, 0);
        assert_true(e.offset >= end && e.offset - end < NQ_SECTION_ALIGN);
        assert_int_equal(e.reserved, 0);
        assert_int_equal(e.checksum, XXH3_64bits(g_bytes + e.offset, e.size));
        assert_true(e.codec == NQ_CODEC_RAW ? e.raw_size == e.size : e.codec == NQ_CODEC_ZSTD);
        for (uint64_t p = end; p < e.offset; p++)
            assert_int_equal(g_bytes[p], 0); /* padding is zero */
        end = e.offset + e.size;
    }
    assert_true(h.table_offset >= end && h.table_offset - end < NQ_SECTION_ALIGN);
}

/* (a) Every truncation is NQ_ERR_CORRUPT. */
static void test_truncated(void **state)
{
    (void)state;
    size_t lens[80], n = 0;
    size_t fixed[] = {0, 1, 7, 8, 72, 79, 80, 81, 127, 128, 129, g_len / 2, g_len - 48, g_len - 8, g_len - 1};
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        lens[n++] = fixed[i];
    while (n < sizeof lens / sizeof *lens)
        lens[n++] = (size_t)(rnd() % g_len);
    for (size_t i = 0; i < n; i++) {
        char what[64];
        snprintf(what, sizeof what, "cut to %zu of %zu bytes", lens[i], g_len);
        expect_open(g_bytes, lens[i], NQ_ERR_CORRUPT, NULL, what);
    }
    /* Extended by a byte: also caught (the header records the size). */
    uint8_t *b = malloc(g_len + 1);
    assert_non_null(b);
    memcpy(b, g_bytes, g_len);
    b[g_len] = 0;
    expect_open(b, g_len + 1, NQ_ERR_CORRUPT, "extended", "one byte appended");
    free(b);
}

/* What a byte at this offset belongs to, as the message should name it. */
static const char *region_of(uint64_t off, char *buf)
{
    nq_file_header h = header_of(g_bytes);
    if (off < 8)
        return "bad magic";
    if (off < NQ_HEADER_SIZE)
        return "header checksum";
    if (off >= h.table_offset)
        return "section table checksum";
    for (uint32_t i = 0; i < h.section_count; i++) {
        nq_section_entry e = entry_of(g_bytes, i);
        if (off >= e.offset && off < e.offset + e.size) {
            char name[8];
            section_name(e.id, name);
            snprintf(buf, 64, "section %s checksum", name);
            return buf;
        }
    }
    /* Alignment padding: no checksum, but it must be zero. */
    snprintf(buf, 64, "corrupt padding at offset %llu", (unsigned long long)off);
    return buf;
}

static void flip_at(uint8_t *b, uint64_t off, uint8_t x)
{
    char buf[64], what[128];
    const char *want = region_of(off, buf);
    b[off] ^= x;
    snprintf(what, sizeof what, "byte %llu ^ 0x%02x", (unsigned long long)off, x);
    expect_open(b, g_len, NQ_ERR_CORRUPT, want, what);
    b[off] ^= x;
}

/* (b) One flipped byte anywhere: the header, the table, every section. */
static void test_flipped_bytes(void **state)
{
    (void)state;
    uint8_t *b = malloc(g_len);
    assert_non_null(b);
    memcpy(b, g_bytes, g_len);
    nq_file_header h = header_of(g_bytes);
    /* Every header byte, with two patterns. */
    for (uint64_t off = 0; off < NQ_HEADER_SIZE; off++) {
        flip_at(b, off, 0x01);
        flip_at(b, off, 0x80);
    }
    /* Every byte of the section table. */
    for (uint64_t off = h.table_offset; off < g_len; off++)
        flip_at(b, off, (uint8_t)(1 + rnd() % 255));
    /* First, last and a middle byte of every section. */
    for (uint32_t i = 0; i < h.section_count; i++) {
        nq_section_entry e = entry_of(g_bytes, i);
        assert_true(e.size > 0);
        flip_at(b, e.offset, 0xFF);
        flip_at(b, e.offset + e.size - 1, 0x01);
        flip_at(b, e.offset + e.size / 2, 0x10);
    }
    /* And 300 random offsets. */
    for (int k = 0; k < 300; k++)
        flip_at(b, rnd() % g_len, (uint8_t)(1 + rnd() % 255));
    /* Every padding byte: after the header, between sections, before the table. */
    uint64_t end = NQ_HEADER_SIZE;
    for (uint32_t i = 0; i <= h.section_count; i++) {
        uint64_t next = i < h.section_count ? entry_of(g_bytes, i).offset : h.table_offset;
        for (uint64_t off = end; off < next; off++)
            flip_at(b, off, (uint8_t)(1 + rnd() % 255));
        if (i < h.section_count)
            end = entry_of(g_bytes, i).offset + entry_of(g_bytes, i).size;
    }
    assert_memory_equal(b, g_bytes, g_len);
    free(b);
}

/* (c) Files that are not indexes at all. */
static void test_not_an_index(void **state)
{
    (void)state;
    uint8_t *b = malloc(8192);
    assert_non_null(b);
    for (size_t i = 0; i < 8192; i++)
        b[i] = (uint8_t)rnd();
    expect_open(b, 8192, NQ_ERR_CORRUPT, "bad magic", "random bytes");
    expect_open(b, 100, NQ_ERR_CORRUPT, "bad magic", "100 random bytes");
    expect_open(b, 3, NQ_ERR_CORRUPT, "truncated", "3 random bytes");
    memcpy(b, NQ_MAGIC, 8);
    expect_open(b, 8192, NQ_ERR_CORRUPT, "header checksum", "magic then random bytes");
    memset(b, 0, 8192);
    expect_open(b, 8192, NQ_ERR_CORRUPT, "bad magic", "zeros");
    memcpy(b, NQ_MAGIC, 8);
    expect_open(b, 8192, NQ_ERR_CORRUPT, "header checksum", "magic then zeros");
    free(b);

    size_t len;
    char *jsonl = tu_read_file(g_corpus, &len);
    expect_open((const uint8_t *)jsonl, len, NQ_ERR_CORRUPT, "bad magic", "a JSONL corpus");
    free(jsonl);

    /* A directory, a missing path, an empty path. */
    nq_index *ix = (nq_index *)0x1;
    nq_error err;
    nq_status st = nq_index_open(g_dir, &ix, &err);
    assert_true(st == NQ_ERR_IO || st == NQ_ERR_CORRUPT);
    assert_null(ix);
    assert_non_null(strstr(err.message, g_dir));
    char missing[700];
    path_in(missing, sizeof missing, "no-such-index.nqi");
    ix = (nq_index *)0x1;
    assert_int_equal(nq_index_open(missing, &ix, &err), NQ_ERR_IO);
    assert_null(ix);
    assert_non_null(strstr(err.message, missing));
    assert_int_equal(nq_index_open(missing, &ix, NULL), NQ_ERR_IO);
    assert_int_not_equal(nq_index_open("", &ix, &err), NQ_OK);
    assert_null(ix);
    nq_index_close(NULL);
}

/* (d) A format version this library does not read. */
static void test_version(void **state)
{
    (void)state;
    uint8_t *b = malloc(g_len);
    assert_non_null(b);
    static const uint32_t versions[] = {0, 1, 2, NQ_FORMAT_VERSION + 1, 99, UINT32_MAX};
    for (size_t i = 0; i < sizeof versions / sizeof *versions; i++) {
        memcpy(b, g_bytes, g_len);
        nq_file_header h = header_of(b);
        h.format_version = versions[i];
        h.header_checksum = XXH3_64bits(&h, 72);
        memcpy(b, &h, sizeof h);
        char want[32];
        snprintf(want, sizeof want, "version %u", versions[i]);
        expect_open(b, g_len, NQ_ERR_VERSION, want, want);
    }
    /* Without the new checksum it is corruption, not a version. */
    memcpy(b, g_bytes, g_len);
    b[8] = 99;
    expect_open(b, g_len, NQ_ERR_CORRUPT, "header checksum", "version byte flipped");
    free(b);
}

/* Structure that is wrong although every checksum is right. */
static void test_resealed(void **state)
{
    (void)state;
    uint8_t *b = malloc(g_len);
    assert_non_null(b);
    int meta = find_section(g_bytes, NQ_SEC_META), lexs = find_section(g_bytes, NQ_SEC_LEXS);
    int ng2 = find_section(g_bytes, NQ_SEC_NGRAM(2)), ng3 = find_section(g_bytes, NQ_SEC_NGRAM(3));
    assert_true(meta >= 0 && lexs >= 0 && ng2 >= 0 && ng3 >= 0);
    nq_section_entry e;
    uint64_t v;

    /* Resealing the file untouched changes nothing. */
    memcpy(b, g_bytes, g_len);
    reseal(b, g_len);
    assert_memory_equal(b, g_bytes, g_len);

    /* Header: the size, the table's place. */
    memcpy(b, g_bytes, g_len);
    nq_file_header h = header_of(b);
    h.file_size++;
    memcpy(b, &h, sizeof h);
    reseal_header(b);
    expect_open(b, g_len, NQ_ERR_CORRUPT, "header says", "file_size + 1");
    memcpy(b, g_bytes, g_len);
    h = header_of(b);
    h.table_offset += 4;
    memcpy(b, &h, sizeof h);
    reseal_header(b);
    expect_open(b, g_len, NQ_ERR_CORRUPT, "section table out of bounds", "misaligned table");
    memcpy(b, g_bytes, g_len);
    h = header_of(b);
    h.section_count = 100000;
    memcpy(b, &h, sizeof h);
    reseal_header(b);
    expect_open(b, g_len, NQ_ERR_CORRUPT, "section table out of bounds", "section_count 100000");
    memcpy(b, g_bytes, g_len);
    h = header_of(b);
    h.table_offset = 8;
    memcpy(b, &h, sizeof h);
    reseal_header(b);
    expect_open(b, g_len, NQ_ERR_CORRUPT, "section table out of bounds", "table inside the header");

    /* Table entries: out of the file, misaligned, unknown codec. */
    memcpy(b, g_bytes, g_len);
    e = entry_of(b, (uint32_t)ng2);
    e.size = g_len;
    put_entry(b, (uint32_t)ng2, &e);
    reseal(b, g_len);
    expect_open(b, g_len, NQ_ERR_CORRUPT, "section NG2 runs past the end", "NG2 size = file size");
    memcpy(b, g_bytes, g_len);
    e = entry_of(b, (uint32_t)lexs);
    e.offset = UINT64_MAX - 63;
    put_entry(b, (uint32_t)lexs, &e);
    reseal(b, g_len);
    expect_open(b, g_len, NQ_ERR_CORRUPT, "section LEXS runs past the end", "LEXS offset near 2^64");
    memcpy(b, g_bytes, g_len);
    e = entry_of(b, (uint32_t)lexs);
    e.offset += 8;
    put_entry(b, (uint32_t)lexs, &e);
    reseal(b, g_len);
    expect_open(b, g_len, NQ_ERR_CORRUPT, "section LEXS", "LEXS misaligned");
    /* Entries out of file order (META and DOCS swapped in the table). */
    memcpy(b, g_bytes, g_len);
    {
        nq_section_entry e0 = entry_of(b, 0), e1 = entry_of(b, 1);
        put_entry(b, 0, &e1);
        put_entry(b, 1, &e0);
    }
    reseal(b, g_len);
    expect_open(b, g_len, NQ_ERR_CORRUPT, NULL, "table out of file order");
    /* Two entries for the same bytes. */
    memcpy(b, g_bytes, g_len);
    e = entry_of(b, 0);
    put_entry(b, 1, &e);
    reseal(b, g_len);
    expect_open(b, g_len, NQ_ERR_CORRUPT, "overlaps", "META twice");
    memcpy(b, g_bytes, g_len);
    e = entry_of(b, (uint32_t)meta);
    e.codec = 7;
    put_entry(b, (uint32_t)meta, &e);
    reseal(b, g_len);
    expect_open(b, g_len, NQ_ERR_CORRUPT, "unknown codec", "codec 7");

    /* A required section missing (its id renamed). */
    /* (SRCS missing: see test_inner_error_messages.) */
    static const uint32_t required[] = {NQ_SEC_META, NQ_SEC_LEXS, NQ_SEC_LEXF, NQ_SEC_NGRAM(2), NQ_SEC_NGRAM(5)};
    for (size_t i = 0; i < sizeof required / sizeof *required; i++) {
        memcpy(b, g_bytes, g_len);
        int k = find_section(b, required[i]);
        assert_true(k >= 0);
        e = entry_of(b, (uint32_t)k);
        e.id = NQ_FOURCC('X', 'X', 'X', 'X');
        put_entry(b, (uint32_t)k, &e);
        reseal(b, g_len);
        char name[8], want[64];
        section_name(required[i], name);
        snprintf(want, sizeof want, "section %s is missing", name);
        expect_open(b, g_len, NQ_ERR_CORRUPT, want, want);
    }

    /* META: a count past its end; a max_n out of range; a wrong type count. */
    e = entry_of(g_bytes, (uint32_t)meta);
    memcpy(b, g_bytes, g_len);
    v = 1000;
    memcpy(b + e.offset, &v, 8);
    reseal(b, g_len);
    expect_open(b, g_len, NQ_ERR_CORRUPT, "META is malformed", "META count 1000");
    memcpy(b, g_bytes, g_len);
    v = 9;
    memcpy(b + e.offset + 8 + 8 * NQ_META_MAX_N, &v, 8);
    reseal(b, g_len);
    expect_open(b, g_len, NQ_ERR_CORRUPT, "META disagrees", "META max_n 9");
    memcpy(b, g_bytes, g_len);
    memcpy(&v, b + e.offset + 8 + 8 * NQ_META_TYPES, 8);
    v++;
    memcpy(b + e.offset + 8 + 8 * NQ_META_TYPES, &v, 8);
    reseal(b, g_len);
    expect_open(b, g_len, NQ_ERR_CORRUPT, "META disagrees", "META types + 1");

    free(b);
}

/* Errors found inside a section (lexicon, n-gram level) reach the caller
 * as "PATH: inner message". Both cases are tried before failing, so the
 * report shows each. */
static void test_inner_error_messages(void **state)
{
    (void)state;
    uint8_t *b = malloc(g_len);
    assert_non_null(b);
    char path[700], want[900];
    int bad = 0;
    path_in(path, sizeof path, "edited.nqi");
    int lexs = find_section(g_bytes, NQ_SEC_LEXS), ng3 = find_section(g_bytes, NQ_SEC_NGRAM(3));
    int srcs = find_section(g_bytes, NQ_SEC_SRCS), docs = find_section(g_bytes, NQ_SEC_DOCS);
    assert_true(lexs >= 0 && ng3 >= 0 && srcs >= 0 && docs >= 0);
    for (int c = 0; c < 5; c++) {
        nq_section_entry e;
        uint64_t v;
        memcpy(b, g_bytes, g_len);
        switch (c) {
        case 0: /* LEXS: a term count that disagrees with the block count */
            e = entry_of(b, (uint32_t)lexs);
            memcpy(&v, b + e.offset, 8);
            v += 100;
            memcpy(b + e.offset, &v, 8);
            snprintf(want, sizeof want, "%s: lexicon: inconsistent term and block counts", path);
            break;
        case 1: /* NG3: a parent count that is not NG2's entry count */
            e = entry_of(b, (uint32_t)ng3);
            memcpy(&v, b + e.offset + 8, 8);
            v++;
            memcpy(b + e.offset + 8, &v, 8);
            snprintf(want, sizeof want, "%s: section NG3: inconsistent header", path);
            break;
        case 2: /* SRCS: more sources than the section holds */
            e = entry_of(b, (uint32_t)srcs);
            v = 1000;
            memcpy(b + e.offset, &v, 8);
            snprintf(want, sizeof want, "%s: section SRCS: source count 1000 does not fit", path);
            break;
        case 3: /* SRCS missing */
            e = entry_of(b, (uint32_t)srcs);
            e.id = NQ_FOURCC('X', 'X', 'X', 'X');
            put_entry(b, (uint32_t)srcs, &e);
            snprintf(want, sizeof want, "%s: section SRCS is missing", path);
            break;
        default: /* DOCS: a recorded decoded size one byte too large */
            e = entry_of(b, (uint32_t)docs);
            e.raw_size++;
            put_entry(b, (uint32_t)docs, &e);
            snprintf(want, sizeof want, "%s: section DOCS: %s", path,
                     e.codec == NQ_CODEC_ZSTD ? "does not decompress to its recorded size"
                                              : "stored and raw sizes differ");
            break;
        }
        reseal(b, g_len);
        nq_error err;
        memset(&err, 0, sizeof err);
        if (c < 4) {
            nq_status st = open_bytes(b, g_len, "edited.nqi", &err, NULL, 0);
            assert_int_equal(st, NQ_ERR_CORRUPT);
        } else {
            /* DOCS is decoded on first use: the index opens, the document does not. */
            tu_write_file(path, b, g_len);
            nq_index *ix;
            assert_int_equal(nq_index_open(path, &ix, &err), NQ_OK);
            nq_doc_info d;
            assert_int_equal(nq_index_doc(ix, 0, &d, &err), NQ_ERR_CORRUPT);
            assert_int_equal(err.code, NQ_ERR_CORRUPT);
            nq_index_close(ix);
            unlink(path);
        }
        if (strcmp(err.message, want) != 0) {
            print_error("case %d:\n  got  \"%s\"\n  want \"%s\"\n", c, err.message, want);
            bad++;
        }
    }
    free(b);
    if (bad)
        fail_msg("%d of 5 errors inside a section reach the caller with a garbled message", bad);
}

/* Compatibility: an unknown section is ignored, and META may grow. */
static void test_forward_compatible(void **state)
{
    (void)state;
    /* Append a section "FUTR" where the table was, then the table. */
    nq_file_header h = header_of(g_bytes);
    static const char payload[] = "a section from a later writer";
    size_t table_len = (size_t)h.section_count * NQ_TABLE_ENTRY_SIZE;
    uint64_t sec_off = h.table_offset;
    uint64_t new_table = (sec_off + sizeof payload + NQ_SECTION_ALIGN - 1) / NQ_SECTION_ALIGN * NQ_SECTION_ALIGN;
    size_t len = (size_t)new_table + table_len + NQ_TABLE_ENTRY_SIZE;
    uint8_t *b = calloc(1, len);
    assert_non_null(b);
    memcpy(b, g_bytes, (size_t)sec_off);
    memcpy(b + sec_off, payload, sizeof payload);
    memcpy(b + new_table, g_bytes + h.table_offset, table_len);
    nq_section_entry e = {NQ_FOURCC('F', 'U', 'T', 'R'), NQ_CODEC_RAW, sec_off, sizeof payload, sizeof payload,
                          0, 0};
    memcpy(b + new_table + table_len, &e, sizeof e);
    h.file_size = len;
    h.table_offset = new_table;
    h.section_count++;
    memcpy(b, &h, sizeof h);
    reseal(b, len);
    nq_error err;
    char digest[sizeof g_answers];
    nq_status st = open_bytes(b, len, "future.nqi", &err, digest, sizeof digest);
    if (st != NQ_OK)
        fail_msg("an index with an extra section does not open: %s", err.message);
    assert_string_equal(digest, g_answers);
    free(b);

    /* META with three more values than this library knows. */
    b = malloc(g_len);
    assert_non_null(b);
    memcpy(b, g_bytes, g_len);
    int meta = find_section(b, NQ_SEC_META);
    nq_section_entry m = entry_of(b, (uint32_t)meta);
    uint64_t room = UINT64_MAX;
    h = header_of(g_bytes);
    for (uint32_t i = 0; i < h.section_count; i++) {
        nq_section_entry o = entry_of(b, i);
        if (o.offset > m.offset && o.offset - m.offset - m.size < room)
            room = o.offset - m.offset - m.size;
    }
    if (room >= 24) {
        uint64_t count;
        memcpy(&count, b + m.offset, 8);
        count += 3;
        memcpy(b + m.offset, &count, 8);
        memset(b + m.offset + m.size, 0xAB, 24);
        m.size += 24;
        m.raw_size += 24;
        put_entry(b, (uint32_t)meta, &m);
        reseal(b, g_len);
        st = open_bytes(b, g_len, "grown-meta.nqi", &err, digest, sizeof digest);
        if (st != NQ_OK)
            fail_msg("an index whose META has more values does not open: %s", err.message);
        assert_string_equal(digest, g_answers);
    }
    free(b);
}

/* (e) Builds replace the output atomically; a failed one leaves nothing. */
static void test_atomic_build(void **state)
{
    (void)state;
    char out[700], corpus2[700], bad[700];
    path_in(out, sizeof out, "atomic.nqi");
    path_in(corpus2, sizeof corpus2, "corpus2.jsonl");
    path_in(bad, sizeof bad, "bad.jsonl");
    nq_error err;
    nq_build_stats stats;

    /* Over an existing index: replaced. */
    assert_int_equal(build(g_corpus, out, 0, &stats, &err), NQ_OK);
    assert_int_equal(stats.documents, g_docs);
    write_corpus(corpus2, 7, 100);
    assert_int_equal(build(corpus2, out, 0, &stats, &err), NQ_OK);
    assert_int_equal(stats.documents, 7);
    nq_index *ix;
    assert_int_equal(nq_index_open(out, &ix, &err), NQ_OK);
    nq_index_info info;
    nq_index_get_info(ix, &info);
    assert_int_equal(info.documents, 7);
    assert_int_equal(info.file_bytes, stats.index_bytes);
    nq_index_close(ix);
    /* Over a file that is not an index, too. */
    char junk[700];
    path_in(junk, sizeof junk, "junk.nqi");
    tu_write_file(junk, "not an index\n", 13);
    assert_int_equal(build(corpus2, junk, 0, NULL, &err), NQ_OK);
    assert_int_equal(nq_index_open(junk, &ix, &err), NQ_OK);
    nq_index_close(ix);
    assert_no_tmp_files();

    /* Strict mode, a bad line: an error, no index, no temporary file. */
    static const char bad_corpus[] =
        "{\"id\":\"a\",\"text\":\"Le conseil municipal a voté.\"}\n"
        "not json\n"
        "{\"id\":\"b\",\"text\":\"Le conseil municipal a voté.\"}\n";
    tu_write_file(bad, bad_corpus, sizeof bad_corpus - 1);
    char fresh[700];
    path_in(fresh, sizeof fresh, "fresh.nqi");
    nq_status st = build(bad, fresh, 1, &stats, &err);
    assert_int_equal(st, NQ_ERR_INPUT);
    assert_non_null(strstr(err.message, bad));
    assert_false(exists(fresh));
    assert_no_tmp_files();
    /* Over an existing index: the old one is left whole. */
    size_t before_len, after_len;
    char *before = tu_read_file(out, &before_len);
    assert_int_equal(build(bad, out, 1, &stats, &err), NQ_ERR_INPUT);
    char *after = tu_read_file(out, &after_len);
    assert_int_equal(before_len, after_len);
    assert_memory_equal(before, after, before_len);
    free(before);
    free(after);
    assert_no_tmp_files();
    /* Without strict mode the bad line is skipped. */
    assert_int_equal(build(bad, fresh, 0, &stats, &err), NQ_OK);
    assert_int_equal(stats.documents, 2);
    assert_int_equal(stats.records_skipped, 1);

    /* An output directory that does not exist: an I/O error naming it. */
    char nowhere[800];
    snprintf(nowhere, sizeof nowhere, "%s/no/such/dir/x.nqi", g_dir);
    st = build(g_corpus, nowhere, 0, &stats, &err);
    assert_int_equal(st, NQ_ERR_IO);
    assert_non_null(strstr(err.message, "no/such/dir"));
    /* A missing input. */
    char missing[700];
    path_in(missing, sizeof missing, "missing.jsonl");
    st = build(missing, fresh, 0, &stats, &err);
    assert_int_not_equal(st, NQ_OK);
    assert_non_null(strstr(err.message, "missing.jsonl"));
    assert_no_tmp_files();
    unlink(out);
    unlink(junk);
    unlink(fresh);
    unlink(corpus2);
    unlink(bad);
}

/* (f) An empty corpus is a valid index of nothing. */
static void test_empty_corpus(void **state)
{
    (void)state;
    char in[700], out[700];
    path_in(in, sizeof in, "empty.jsonl");
    path_in(out, sizeof out, "empty.nqi");
    tu_write_file(in, "", 0);
    nq_error err;
    nq_build_stats stats;
    nq_status st = build(in, out, 0, &stats, &err);
    if (st != NQ_OK)
        fail_msg("building an empty corpus: %s", err.message);
    assert_int_equal(stats.documents, 0);
    assert_int_equal(stats.types, 0);
    nq_index *ix;
    st = nq_index_open(out, &ix, &err);
    if (st != NQ_OK)
        fail_msg("opening the index of an empty corpus: %s", err.message);
    nq_index_info info;
    nq_index_get_info(ix, &info);
    assert_int_equal(info.documents, 0);
    assert_int_equal(info.tokens, 0);
    assert_int_equal(info.types, 0);
    assert_int_equal(info.sources, 0);
    assert_int_equal(info.date_min, 0);
    assert_int_equal(info.max_n, 5);
    static const char *const phrases[] = {"mot", "le conseil", "le conseil municipal de lyon a voté",
                                          "a b c d e f g h i j"};
    for (size_t i = 0; i < sizeof phrases / sizeof *phrases; i++) {
        nq_count_result r;
        assert_int_equal(nq_count(ix, phrases[i], strlen(phrases[i]), NULL, &r, &err), NQ_OK);
        assert_int_equal(r.exact, 1);
        assert_int_equal(r.count, 0);
        assert_int_equal(r.documents, 0);
    }
    for (int n = 1; n <= 5; n++) {
        static const char *const prefixes[] = {NULL, "", "a*", "le", "*"};
        for (size_t p = 0; p < sizeof prefixes / sizeof *prefixes; p++) {
            nq_top_result top;
            st = nq_top(ix, n, 10, prefixes[p], NULL, &top, &err);
            assert_int_equal(st, NQ_OK);
            assert_int_equal(top.n_rows, 0);
            nq_top_result_free(&top);
        }
    }
    nq_top_result top;
    assert_int_equal(nq_top(ix, 6, 10, NULL, NULL, &top, &err), NQ_ERR_ARG);
    assert_int_equal(nq_index_source_count(ix), 0);
    nq_doc_info d;
    assert_int_equal(nq_index_doc(ix, 0, &d, &err), NQ_ERR_ARG);
    const char *name;
    size_t name_len;
    uint64_t n_docs;
    assert_int_equal(nq_index_source(ix, 0, &name, &name_len, &n_docs, &err), NQ_ERR_ARG);
    nq_index_close(ix);
    unlink(in);
    unlink(out);
    assert_no_tmp_files();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_and_query),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_flipped_bytes),
        cmocka_unit_test(test_not_an_index),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_resealed),
        cmocka_unit_test(test_inner_error_messages),
        cmocka_unit_test(test_forward_compatible),
        cmocka_unit_test(test_atomic_build),
        cmocka_unit_test(test_empty_corpus),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

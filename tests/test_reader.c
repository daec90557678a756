/* Corpus readers: files, .zst streams, stdin, directory walks, batches. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>
#include <cmocka.h>

#include "reader.h"
#include "testutil.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

typedef struct rec_copy {
    nq_record_kind kind;
    uint32_t file;
    uint64_t line;
    char *data;
    size_t len;
} rec_copy;

typedef struct rec_list {
    rec_copy *r;
    size_t n;
    uint64_t bytes, batches;
} rec_list;

static void list_free(rec_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->r[i].data);
    free(l->r);
    memset(l, 0, sizeof *l);
}

static void list_add(rec_list *l, const nq_record *rec)
{
    l->r = realloc(l->r, (l->n + 1) * sizeof *l->r);
    assert_non_null(l->r);
    char *d = malloc(rec->len + 1);
    assert_non_null(d);
    memcpy(d, rec->data, rec->len);
    d[rec->len] = '\0';
    l->r[l->n++] = (rec_copy){rec->kind, rec->file, rec->line, d, rec->len};
}

/* Reads everything; the reader is returned open for its file names. */
static nq_reader *read_all(const char *const *inputs, size_t n, nq_input_format fmt, size_t target,
                           rec_list *out)
{
    nq_reader *r = NULL;
    nq_error err = {0};
    if (nq_reader_open(inputs, n, fmt, &r, &err) != NQ_OK)
        fail_msg("open: %s", err.message);
    nq_batch b;
    nq_batch_init(&b);
    memset(out, 0, sizeof *out);
    for (;;) {
        if (nq_reader_next(r, &b, target, &err) != NQ_OK)
            fail_msg("next: %s", err.message);
        if (b.n == 0)
            break;
        out->batches++;
        out->bytes += b.bytes;
        for (size_t i = 0; i < b.n; i++)
            list_add(out, &b.rec[i]);
    }
    nq_batch_free(&b);
    return r;
}

static nq_reader *read_one(const char *path, rec_list *out)
{
    const char *in[] = {path};
    return read_all(in, 1, NQ_INPUT_AUTO, (size_t)1 << 20, out);
}

/* Reads until an error; returns it (and the message). */
static nq_status read_error(const char *path, char *msg, size_t cap)
{
    const char *in[] = {path};
    nq_reader *r = NULL;
    nq_error err = {0};
    nq_status s = nq_reader_open(in, 1, NQ_INPUT_AUTO, &r, &err);
    nq_batch b;
    nq_batch_init(&b);
    while (s == NQ_OK) {
        s = nq_reader_next(r, &b, (size_t)1 << 20, &err);
        if (s == NQ_OK && b.n == 0)
            break;
    }
    nq_batch_free(&b);
    nq_reader_close(r);
    snprintf(msg, cap, "%s", s == NQ_OK ? "" : err.message);
    return s;
}

static void assert_rec(const rec_copy *r, uint64_t line, const char *data)
{
    if (r->line != line || r->len != strlen(data) || memcmp(r->data, data, r->len) != 0)
        fail_msg("record at line %llu \"%s\", want line %llu \"%s\"", (unsigned long long)r->line,
                 r->data, (unsigned long long)line, data);
}

static void write_str(const char *path, const char *s)
{
    tu_write_file(path, s, strlen(s));
}

/* Like the zstd command line: content size and checksum in each frame. */
static size_t compress_frame(char *dst, size_t cap, const void *src, size_t len)
{
    ZSTD_CCtx *c = ZSTD_createCCtx();
    assert_non_null(c);
    assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1)));
    assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 3)));
    size_t k = ZSTD_compress2(c, dst, cap, src, len);
    assert_false(ZSTD_isError(k));
    ZSTD_freeCCtx(c);
    return k;
}

static void write_zst(const char *path, const void *data, size_t len, int frames)
{
    size_t cap = ZSTD_compressBound(len) * 2 + 64;
    char *z = malloc(cap);
    assert_non_null(z);
    size_t half = frames > 1 ? len / 2 : len;
    size_t zlen = compress_frame(z, cap, data, half);
    if (frames > 1)
        zlen += compress_frame(z + zlen, cap - zlen, (const char *)data + half, len - half);
    tu_write_file(path, z, zlen);
    free(z);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void make_dir(const char *path)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        fail_msg("mkdir %s: %s", path, strerror(errno));
}

/* A scratch directory for one test, removed by the caller. */
static void scratch_dir(char *buf, size_t cap, const char *name)
{
    tu_tmp_path(buf, cap, name);
    remove_tree(buf);
    make_dir(buf);
}

static char *join(const char *dir, const char *name)
{
    static char buf[4][4096];
    static int i;
    i = (i + 1) % 4;
    int n = snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
    assert_true(n > 0 && (size_t)n < sizeof buf[i]);
    return buf[i];
}

/* Lines of pseudo-random lengths (a fixed LCG), each a small JSON object. */
static char *make_lines(size_t total, size_t *len_out, size_t *n_lines)
{
    char *buf = malloc(total + 8192);
    assert_non_null(buf);
    size_t o = 0, n = 0;
    uint32_t x = 12345;
    while (o < total) {
        x = x * 1103515245u + 12345u;
        size_t body = (x >> 8) % 6000;
        o += (size_t)sprintf(buf + o, "{\"id\": \"%zu\", \"text\": \"", n);
        for (size_t i = 0; i < body; i++)
            buf[o++] = (char)('a' + (i + n) % 26);
        o += (size_t)sprintf(buf + o, "\"}\n");
        n++;
    }
    *len_out = o;
    *n_lines = n;
    return buf;
}

/* ------------------------------------------------------------------ */
/* JSONL lines                                                         */
/* ------------------------------------------------------------------ */

static void test_lines(void **state)
{
    (void)state;
    char dir[4096];
    scratch_dir(dir, sizeof dir, "rd-lines");
    char *path = join(dir, "a.jsonl");
    /* blank lines (empty, spaces, tabs, a lone \r) are skipped but counted */
    write_str(path, "{\"text\": \"1\"}\n\n   \n{\"text\": \"4\"}\r\n\t \r\n{\"text\": \"6\"}\r\n"
                    "\r\nnot json\n{\"text\": \"9\"}");
    rec_list l;
    nq_reader *r = read_one(path, &l);
    assert_int_equal(l.n, 5);
    assert_rec(&l.r[0], 1, "{\"text\": \"1\"}");
    assert_rec(&l.r[1], 4, "{\"text\": \"4\"}");
    assert_rec(&l.r[2], 6, "{\"text\": \"6\"}");
    assert_rec(&l.r[3], 8, "not json");
    assert_rec(&l.r[4], 9, "{\"text\": \"9\"}");
    for (size_t i = 0; i < l.n; i++) {
        assert_int_equal(l.r[i].kind, NQ_REC_JSON);
        assert_int_equal(l.r[i].file, 0);
    }
    assert_string_equal(nq_reader_file_name(r, 0), path);
    assert_string_equal(nq_reader_file_path(r, 0), path);
    assert_null(nq_reader_file_name(r, 1));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(nq_reader_total_bytes(r), (uint64_t)st.st_size);
    assert_int_equal(l.bytes, (uint64_t)st.st_size);
    nq_reader_close(r);
    list_free(&l);
    remove_tree(dir);
}

static void test_edge_files(void **state)
{
    (void)state;
    char dir[4096];
    scratch_dir(dir, sizeof dir, "rd-edge");
    rec_list l;
    nq_reader *r;

    write_str(join(dir, "empty.jsonl"), "");
    r = read_one(join(dir, "empty.jsonl"), &l);
    assert_int_equal(l.n, 0);
    nq_reader_close(r);
    list_free(&l);

    write_str(join(dir, "blank.jsonl"), "\n\n  \r\n\n");
    r = read_one(join(dir, "blank.jsonl"), &l);
    assert_int_equal(l.n, 0);
    nq_reader_close(r);
    list_free(&l);

    /* a UTF-8 byte order mark is dropped from the first line only */
    write_str(join(dir, "bom.jsonl"), "\xEF\xBB\xBF{\"text\": \"a\"}\n\xEF\xBB\xBFx\n");
    r = read_one(join(dir, "bom.jsonl"), &l);
    assert_int_equal(l.n, 2);
    assert_rec(&l.r[0], 1, "{\"text\": \"a\"}");
    assert_rec(&l.r[1], 2, "\xEF\xBB\xBFx");
    nq_reader_close(r);
    list_free(&l);

    /* a single line without newline; a \r alone at the end */
    write_str(join(dir, "one.jsonl"), "{}\r");
    r = read_one(join(dir, "one.jsonl"), &l);
    assert_int_equal(l.n, 1);
    assert_rec(&l.r[0], 1, "{}");
    nq_reader_close(r);
    list_free(&l);

    /* no inputs at all */
    r = read_all(NULL, 0, NQ_INPUT_AUTO, 1000, &l);
    assert_int_equal(l.n, 0);
    assert_int_equal(nq_reader_total_bytes(r), 0);
    nq_reader_close(r);
    list_free(&l);
    remove_tree(dir);
}

static void test_batching(void **state)
{
    (void)state;
    char dir[4096];
    scratch_dir(dir, sizeof dir, "rd-batch");
    char *path = join(dir, "b.jsonl");
    /* 1000 lines of 100 bytes (99 + '\n'), then one of 5000, then 10 more */
    size_t total = 1000 * 100 + 5001 + 10 * 100;
    char *buf = malloc(total + 1);
    assert_non_null(buf);
    size_t o = 0;
    for (int i = 0; i < 1011; i++) {
        size_t len = i == 1000 ? 5000 : 99;
        memset(buf + o, 'a' + i % 26, len);
        o += len;
        buf[o++] = '\n';
    }
    assert_int_equal(o, total);
    tu_write_file(path, buf, o);

    const char *in[] = {path};
    nq_reader *r = NULL;
    nq_error err;
    assert_int_equal(nq_reader_open(in, 1, NQ_INPUT_AUTO, &r, &err), NQ_OK);
    nq_batch b;
    nq_batch_init(&b);
    uint64_t line = 0, bytes = 0;
    int batches = 0, alone = 0;
    for (;;) {
        assert_int_equal(nq_reader_next(r, &b, 1000, &err), NQ_OK);
        if (b.n == 0)
            break;
        batches++;
        bytes += b.bytes;
        if (b.n == 1 && b.rec[0].len == 5000) {
            alone++;   /* a record larger than the target comes alone */
            assert_int_equal(b.bytes, 5001);
        } else {
            assert_true(b.bytes <= 1000);
            assert_true(b.bytes == 1000 || b.rec[b.n - 1].line == 999 + 1 || b.rec[b.n - 1].line == 1011);
        }
        for (size_t i = 0; i < b.n; i++) {
            assert_int_equal(b.rec[i].line, ++line);
            assert_int_equal(b.rec[i].data[0], 'a' + (int)(line - 1) % 26);
        }
    }
    assert_int_equal(alone, 1);
    assert_int_equal(line, 1011);
    assert_int_equal(bytes, total);
    assert_int_equal(batches, 100 + 1 + 1);

    /* target 0: one record per batch */
    nq_reader_close(r);
    assert_int_equal(nq_reader_open(in, 1, NQ_INPUT_AUTO, &r, &err), NQ_OK);
    assert_int_equal(nq_reader_next(r, &b, 0, &err), NQ_OK);
    assert_int_equal(b.n, 1);
    assert_int_equal(nq_reader_next(r, &b, 0, &err), NQ_OK);
    assert_int_equal(b.n, 1);
    assert_int_equal(b.rec[0].line, 2);
    nq_reader_close(r);
    nq_batch_free(&b);
    free(buf);
    remove_tree(dir);
}

/* Records of one batch stay valid while another batch is filled. */
static void test_two_batches_in_flight(void **state)
{
    (void)state;
    char dir[4096];
    scratch_dir(dir, sizeof dir, "rd-flight");
    char *path = join(dir, "f.jsonl");
    size_t len, n;
    char *data = make_lines((size_t)12 << 20, &len, &n);
    tu_write_file(path, data, len);
    const char *in[] = {path};
    nq_reader *r = NULL;
    nq_error err;
    assert_int_equal(nq_reader_open(in, 1, NQ_INPUT_AUTO, &r, &err), NQ_OK);
    nq_batch b[2];
    nq_batch_init(&b[0]);
    nq_batch_init(&b[1]);
    const char *p = data;
    size_t seen = 0;
    for (int k = 0;; k ^= 1) {
        assert_int_equal(nq_reader_next(r, &b[k], (size_t)1 << 20, &err), NQ_OK);
        /* check the other batch, filled before this one */
        nq_batch *prev = &b[k ^ 1];
        for (size_t i = 0; i < prev->n; i++) {
            const char *nl = memchr(p, '\n', (size_t)(data + len - p));
            assert_non_null(nl);
            assert_int_equal(prev->rec[i].len, (size_t)(nl - p));
            assert_memory_equal(prev->rec[i].data, p, prev->rec[i].len);
            p = nl + 1;
            seen++;
        }
        if (b[k].n == 0)
            break;
    }
    assert_int_equal(seen, n);
    nq_reader_close(r);
    nq_batch_free(&b[0]);
    nq_batch_free(&b[1]);
    free(data);
    remove_tree(dir);
}

static void test_huge_line(void **state)
{
    (void)state;
    char dir[4096];
    scratch_dir(dir, sizeof dir, "rd-huge");
    char *path = join(dir, "huge.jsonl");
    size_t body = (size_t)100 << 20;
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_true(fputs("{\"id\": \"big\", \"text\": \"", f) >= 0);
    char chunk[1 << 16];
    memset(chunk, 'x', sizeof chunk);
    for (size_t done = 0; done < body; done += sizeof chunk)
        assert_int_equal(fwrite(chunk, 1, sizeof chunk, f), sizeof chunk);
    assert_true(fputs("\"}\n{\"text\": \"small\"}\n", f) >= 0);
    assert_int_equal(fclose(f), 0);

    const char *in[] = {path};
    nq_reader *r = NULL;
    nq_error err;
    assert_int_equal(nq_reader_open(in, 1, NQ_INPUT_AUTO, &r, &err), NQ_OK);
    nq_batch b;
    nq_batch_init(&b);
    assert_int_equal(nq_reader_next(r, &b, (size_t)32 << 20, &err), NQ_OK);
    assert_int_equal(b.n, 1);
    size_t head = strlen("{\"id\": \"big\", \"text\": \"");
    assert_int_equal(b.rec[0].len, head + body + 2);
    nq_parser *p = nq_parser_new();
    nq_doc doc;
    nq_diag_kind kind;
    char msg[128];
    assert_int_equal(nq_record_parse(p, &b.rec[0], "x", NULL, &doc, &kind, msg, sizeof msg), NQ_PARSE_OK);
    assert_int_equal(doc.text.len, body);
    assert_int_equal(doc.text.ptr[body - 1], 'x');
    nq_parser_free(p);
    assert_int_equal(nq_reader_next(r, &b, (size_t)32 << 20, &err), NQ_OK);
    assert_int_equal(b.n, 1);
    assert_int_equal(b.rec[0].line, 2);
    assert_int_equal(nq_reader_next(r, &b, (size_t)32 << 20, &err), NQ_OK);
    assert_int_equal(b.n, 0);
    nq_reader_close(r);
    nq_batch_free(&b);
    remove_tree(dir);
}

/* ------------------------------------------------------------------ */
/* zstd                                                                */
/* ------------------------------------------------------------------ */

static void assert_same_records(const rec_list *a, const rec_list *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        assert_int_equal(a->r[i].line, b->r[i].line);
        assert_int_equal(a->r[i].len, b->r[i].len);
        assert_memory_equal(a->r[i].data, b->r[i].data, a->r[i].len);
    }
}

static void test_zstd_matches_plain(void **state)
{
    (void)state;
    char dir[4096];
    scratch_dir(dir, sizeof dir, "rd-zst");
    /* over 10 MB: lines cross the 4 MiB window fills and the 128 KiB blocks */
    size_t len, n;
    char *data = make_lines((size_t)10 << 20, &len, &n);
    char *plain = join(dir, "c.jsonl"), *zst = join(dir, "c.jsonl.zst"), *zst2 = join(dir, "c2.jsonl.zst");
    tu_write_file(plain, data, len);
    write_zst(zst, data, len, 1);
    write_zst(zst2, data, len, 2);   /* two concatenated frames */

    rec_list a, b, c;
    nq_reader *ra = read_one(plain, &a), *rb = read_one(zst, &b), *rc = read_one(zst2, &c);
    assert_int_equal(a.n, n);
    assert_same_records(&a, &b);
    assert_same_records(&a, &c);
    assert_int_equal(b.bytes, len);
    /* the declared decompressed size counts toward the ETA */
    assert_int_equal(nq_reader_total_bytes(rb), len);
    nq_reader_close(ra);
    nq_reader_close(rb);
    nq_reader_close(rc);
    list_free(&a);
    list_free(&b);
    list_free(&c);
    free(data);
    remove_tree(dir);
}

static void test_zstd_small_and_text(void **state)
{
    (void)state;
    char dir[4096];
    scratch_dir(dir, sizeof dir, "rd-zsts");
    const char *lines = "{\"text\": \"a\"}\r\n\n{\"text\": \"b\"}";
    write_zst(join(dir, "s.ndjson.zst"), lines, strlen(lines), 1);
    write_zst(join(dir, "t.txt.zst"), "Un texte.\n", 10, 1);
    write_str(join(dir, "empty.jsonl.zst"), "");
    rec_list l;
    nq_reader *r = read_one(dir, &l);
    assert_int_equal(l.n, 3);
    assert_string_equal(nq_reader_file_name(r, l.r[0].file), "s.ndjson.zst");
    assert_rec(&l.r[0], 1, "{\"text\": \"a\"}");
    assert_rec(&l.r[1], 3, "{\"text\": \"b\"}");
    assert_int_equal(l.r[2].kind, NQ_REC_TEXT);
    assert_string_equal(nq_reader_file_name(r, l.r[2].file), "t.txt.zst");
    assert_rec(&l.r[2], 0, "Un texte.\n");
    nq_reader_close(r);
    list_free(&l);
    remove_tree(dir);
}

static void test_zstd_errors(void **state)
{
    (void)state;
    char dir[4096];
    scratch_dir(dir, sizeof dir, "rd-zste");
    size_t len, n;
    char *data = make_lines((size_t)1 << 20, &len, &n);
    char *full = join(dir, "full.jsonl.zst");
    write_zst(full, data, len, 1);
    size_t zlen;
    char *z = tu_read_file(full, &zlen);
    char msg[1024];

    char *cut = join(dir, "cut.jsonl.zst");
    tu_write_file(cut, z, zlen - 100);
    assert_int_equal(read_error(cut, msg, sizeof msg), NQ_ERR_INPUT);
    assert_non_null(strstr(msg, cut));
    assert_non_null(strstr(msg, "truncated zstd data"));
    char at[64];
    snprintf(at, sizeof at, "at byte %zu", zlen - 100);
    assert_non_null(strstr(msg, at));

    char *bad = join(dir, "bad.jsonl.zst");
    z[zlen / 2] ^= 0x55;
    z[zlen / 2 + 1] ^= 0x55;
    tu_write_file(bad, z, zlen);
    assert_int_equal(read_error(bad, msg, sizeof msg), NQ_ERR_INPUT);
    assert_non_null(strstr(msg, bad));
    assert_non_null(strstr(msg, "corrupt zstd data near byte"));

    char *junk = join(dir, "junk.jsonl.zst");
    write_str(junk, "{\"text\": \"not compressed\"}\n");
    assert_int_equal(read_error(junk, msg, sizeof msg), NQ_ERR_INPUT);
    assert_non_null(strstr(msg, "junk.jsonl.zst: corrupt zstd data near byte"));
    free(z);
    free(data);
    remove_tree(dir);
}

/* ------------------------------------------------------------------ */
/* Directories, formats, stdin                                         */
/* ------------------------------------------------------------------ */

static void test_directory_walk(void **state)
{
    (void)state;
    char dir[4096];
    scratch_dir(dir, sizeof dir, "rd-walk");
    make_dir(join(dir, "a"));
    make_dir(join(dir, "b"));
    make_dir(join(dir, ".git"));
    write_str(join(dir, "b/x.txt"), "bx");
    write_str(join(dir, "a.txt"), "a dot txt");
    write_str(join(dir, "a/z.txt"), "");
    write_str(join(dir, ".hidden"), "no");
    write_str(join(dir, ".git/config"), "no");
    write_str(join(dir, "a/.x.jsonl"), "{\"text\": \"no\"}\n");
    write_str(join(dir, "b/y.JSON"), "{\"text\": \"j\"}\n");
    write_str(join(dir, "a-1.jsonl"), "{\"text\": \"1\"}\n{\"text\": \"2\"}\n");
    /* a symlink loop is not followed forever */
    assert_int_equal(symlink("..", join(dir, "b/up")), 0);

    rec_list l;
    char slash[4200];
    snprintf(slash, sizeof slash, "%s/", dir);   /* a trailing slash changes nothing */
    nq_reader *r = read_one(slash, &l);
    /* "a-1.jsonl" < "a.txt" < "a/z.txt" < "b/x.txt" < "b/y.JSON" */
    const char *want[] = {"a-1.jsonl", "a-1.jsonl", "a.txt", "a/z.txt", "b/x.txt", "b/y.JSON"};
    assert_int_equal(l.n, 6);
    for (size_t i = 0; i < l.n; i++)
        assert_string_equal(nq_reader_file_name(r, l.r[i].file), want[i]);
    assert_string_equal(nq_reader_file_path(r, l.r[2].file), join(dir, "a.txt"));
    assert_int_equal(l.r[0].kind, NQ_REC_JSON);
    assert_int_equal(l.r[2].kind, NQ_REC_TEXT);
    assert_rec(&l.r[2], 0, "a dot txt");
    assert_rec(&l.r[3], 0, "");
    assert_rec(&l.r[4], 0, "bx");
    assert_int_equal(l.r[5].kind, NQ_REC_JSON);
    assert_int_equal(nq_reader_total_bytes(r), 28 + 9 + 0 + 2 + 14);

    /* the id of a text record is its relative name */
    nq_parser *p = nq_parser_new();
    nq_doc doc;
    nq_diag_kind kind;
    nq_record rec = {l.r[4].kind, l.r[4].file, 0, l.r[4].data, l.r[4].len};
    assert_int_equal(nq_record_parse(p, &rec, nq_reader_file_name(r, rec.file), NULL, &doc, &kind, NULL, 0),
                     NQ_PARSE_OK);
    assert_int_equal(doc.id.len, 7);
    assert_memory_equal(doc.id.ptr, "b/x.txt", 7);
    nq_parser_free(p);
    nq_reader_close(r);
    list_free(&l);
    remove_tree(dir);
}

static void test_forced_formats(void **state)
{
    (void)state;
    char dir[4096];
    scratch_dir(dir, sizeof dir, "rd-fmt");
    char *txt = join(dir, "notes.txt"), *jl = join(dir, "data.jsonl");
    write_str(txt, "{\"text\": \"1\"}\n{\"text\": \"2\"}\n");
    write_str(jl, "{\"text\": \"3\"}\n");
    const char *in[] = {txt, jl};
    rec_list l;

    nq_reader *r = read_all(in, 2, NQ_INPUT_AUTO, 1 << 20, &l);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.r[0].kind, NQ_REC_TEXT);
    assert_int_equal(l.r[1].kind, NQ_REC_JSON);
    assert_int_equal(l.r[1].file, 1);
    nq_reader_close(r);
    list_free(&l);

    r = read_all(in, 2, NQ_INPUT_JSONL, 1 << 20, &l);
    assert_int_equal(l.n, 3);
    assert_rec(&l.r[1], 2, "{\"text\": \"2\"}");
    nq_reader_close(r);
    list_free(&l);

    r = read_all(in, 2, NQ_INPUT_TEXT, 1 << 20, &l);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.r[1].kind, NQ_REC_TEXT);
    assert_rec(&l.r[1], 0, "{\"text\": \"3\"}\n");
    nq_reader_close(r);
    list_free(&l);
    remove_tree(dir);
}

/* A text file that would overflow a batch starts the next one. */
static void test_text_files_in_batches(void **state)
{
    (void)state;
    char dir[4096];
    scratch_dir(dir, sizeof dir, "rd-txtb");
    char name[32], body[600];
    memset(body, 'm', sizeof body);
    for (int i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "%02d.txt", i);
        tu_write_file(join(dir, name), body, 100 + 50 * (size_t)i);
    }
    rec_list l;
    const char *in[] = {dir};
    nq_reader *r = read_all(in, 1, NQ_INPUT_AUTO, 400, &l);
    assert_int_equal(l.n, 10);
    for (int i = 0; i < 10; i++)
        assert_int_equal(l.r[i].len, 100 + 50 * (size_t)i);
    /* 100+150 | 200 | 250 | 300 | 350 | 400 | 450 | 500 | 550 */
    assert_int_equal(l.batches, 9);
    nq_reader_close(r);
    list_free(&l);
    remove_tree(dir);
}

static void test_open_errors(void **state)
{
    (void)state;
    char dir[4096];
    scratch_dir(dir, sizeof dir, "rd-err");
    nq_reader *r = (nq_reader *)1;
    nq_error err = {0};
    char *missing = join(dir, "missing.jsonl");
    const char *in[] = {missing};
    assert_int_equal(nq_reader_open(in, 1, NQ_INPUT_AUTO, &r, &err), NQ_ERR_IO);
    assert_null(r);
    assert_non_null(strstr(err.message, missing));
    assert_non_null(strstr(err.message, "cannot open"));

    /* a missing input after good ones */
    write_str(join(dir, "ok.jsonl"), "{}\n");
    const char *in2[] = {join(dir, "ok.jsonl"), dir, missing};
    assert_int_equal(nq_reader_open(in2, 3, NQ_INPUT_AUTO, &r, &err), NQ_ERR_IO);
    assert_non_null(strstr(err.message, "missing.jsonl"));

    if (geteuid() != 0) {   /* root reads anything */
        char *locked = join(dir, "locked.jsonl");
        write_str(locked, "{}\n");
        assert_int_equal(chmod(locked, 0), 0);
        const char *in3[] = {locked};
        assert_int_equal(nq_reader_open(in3, 1, NQ_INPUT_AUTO, &r, &err), NQ_ERR_IO);
        assert_non_null(strstr(err.message, locked));
        /* inside a walked directory it fails when read */
        char msg[1024];
        assert_int_equal(read_error(dir, msg, sizeof msg), NQ_ERR_IO);
        assert_non_null(strstr(msg, "locked.jsonl"));
    }
    remove_tree(dir);
}

static void test_stdin(void **state)
{
    (void)state;
    char dir[4096];
    scratch_dir(dir, sizeof dir, "rd-stdin");
    char *path = join(dir, "in.txt");
    write_str(path, "{\"text\": \"s1\"}\n\n{\"text\": \"s3\"}");
    char *other = join(dir, "x.jsonl");
    write_str(other, "{\"text\": \"x\"}\n");
    int saved = dup(STDIN_FILENO);
    assert_true(saved >= 0);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
    close(fd);

    const char *in[] = {"-", other};
    rec_list l;
    /* stdin is JSONL whatever the format */
    nq_reader *r = read_all(in, 2, NQ_INPUT_TEXT, 1 << 20, &l);
    assert_int_equal(l.n, 3);
    assert_string_equal(nq_reader_file_name(r, 0), "-");
    assert_rec(&l.r[0], 1, "{\"text\": \"s1\"}");
    assert_rec(&l.r[1], 3, "{\"text\": \"s3\"}");
    assert_int_equal(l.r[2].file, 1);
    assert_int_equal(l.r[2].kind, NQ_REC_TEXT);
    assert_int_equal(nq_reader_total_bytes(r), 14);
    nq_reader_close(r);
    list_free(&l);

    /* stdin is left open by the reader */
    assert_true(fcntl(STDIN_FILENO, F_GETFD) >= 0);
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);
    remove_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_edge_files),
        cmocka_unit_test(test_batching),
        cmocka_unit_test(test_two_batches_in_flight),
        cmocka_unit_test(test_huge_line),
        cmocka_unit_test(test_zstd_matches_plain),
        cmocka_unit_test(test_zstd_small_and_text),
        cmocka_unit_test(test_zstd_errors),
        cmocka_unit_test(test_directory_walk),
        cmocka_unit_test(test_forced_formats),
        cmocka_unit_test(test_text_files_in_batches),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_stdin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Throughput of the fr-1 tokenizer on one thread.
 *
 *   bench_tokenize FILE.jsonl [ROUNDS]
 *
 * Pulls the "title" and "text" strings out of every line with a crude JSON
 * string decoder (enough for the shared corpora, not a JSON parser), then
 * tokenizes all documents ROUNDS times (default 5) and prints the best
 * round: MB/s of input text (title + body bytes), tokens, sentences.
 *
 * Build (from the repository root):
 *   gcc -std=c17 -D_GNU_SOURCE -O3 -Iinclude -Iengine bench/bench_tokenize.c \
 *       engine/tokenize.c engine/utf8.c engine/unicode_class.c -lutf8proc -o bench_tokenize
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tokenize.h"
#include "utf8.h"

typedef struct doc {
    size_t title_off, title_len, body_off, body_len;
} doc;

typedef struct corpus {
    char *bytes; /* decoded strings, back to back */
    size_t len, cap;
    doc *docs;
    size_t n, docs_cap;
} corpus;

static void die(const char *what)
{
    fprintf(stderr, "bench_tokenize: %s\n", what);
    exit(1);
}

static void put(corpus *c, const void *p, size_t n)
{
    if (c->len + n > c->cap) {
        c->cap = (c->len + n) * 2;
        c->bytes = realloc(c->bytes, c->cap);
        if (!c->bytes)
            die("out of memory");
    }
    memcpy(c->bytes + c->len, p, n);
    c->len += n;
}

static unsigned hex4(const char *s)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char h = s[i];
        v = v * 16 + (unsigned)(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
    }
    return v;
}

/* Decodes the JSON string that starts after the opening quote at s;
 * returns the position after the closing quote. */
static const char *json_string(corpus *c, const char *s, const char *end)
{
    while (s < end && *s != '"') {
        if (*s != '\\') {
            const char *q = s;
            while (q < end && *q != '"' && *q != '\\')
                q++;
            put(c, s, (size_t)(q - s));
            s = q;
            continue;
        }
        if (end - s < 2)
            break;
        char e = s[1];
        s += 2;
        if (e == 'u' && end - s >= 4) {
            unsigned cp = hex4(s);
            s += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && end - s >= 6 && s[0] == '\\' && s[1] == 'u') {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(s + 2) - 0xDC00);
                s += 6;
            }
            uint8_t buf[4];
            put(c, buf, nq_utf8_encode((int32_t)cp, buf));
            continue;
        }
        char out = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == 'b' ? '\b'
                 : e == 'f' ? '\f' : e;
        put(c, &out, 1);
    }
    return s < end ? s + 1 : s;
}

/* Finds "key": "..." in the line and appends its value; *len = 0 if absent. */
static void field(corpus *c, const char *line, const char *end, const char *key, size_t *off,
                  size_t *len)
{
    *off = c->len;
    *len = 0;
    size_t klen = strlen(key);
    for (const char *p = line; p + klen + 2 < end; p++) {
        if (p[0] != '"' || memcmp(p + 1, key, klen) != 0 || p[klen + 1] != '"')
            continue;
        const char *v = p + klen + 2;
        while (v < end && (*v == ' ' || *v == ':'))
            v++;
        if (v < end && *v == '"') {
            json_string(c, v + 1, end);
            *len = c->len - *off;
        }
        return;
    }
}

static void load(corpus *c, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open the input");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        if (c->n == c->docs_cap) {
            c->docs_cap = c->docs_cap ? c->docs_cap * 2 : 1024;
            c->docs = realloc(c->docs, c->docs_cap * sizeof *c->docs);
            if (!c->docs)
                die("out of memory");
        }
        doc *d = &c->docs[c->n++];
        field(c, line, line + n, "title", &d->title_off, &d->title_len);
        field(c, line, line + n, "text", &d->body_off, &d->body_len);
    }
    free(line);
    fclose(f);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        die("usage: bench_tokenize FILE.jsonl [ROUNDS]");
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    corpus c = {0};
    load(&c, argv[1]);
    nq_tokenizer *t = nq_tokenizer_new();
    if (!t)
        die("out of memory");
    double best = 1e30;
    size_t bytes = 0, tokens = 0, sentences = 0, paragraphs = 0;
    for (int r = 0; r < (rounds > 0 ? rounds : 1); r++) {
        bytes = tokens = sentences = paragraphs = 0;
        double t0 = now();
        for (size_t i = 0; i < c.n; i++) {
            const doc *d = &c.docs[i];
            nq_tokens out;
            if (nq_tokenize_doc(t, c.bytes + d->title_off, d->title_len, c.bytes + d->body_off,
                                d->body_len, &out) != NQ_OK)
                die("tokenization failed");
            bytes += d->title_len + d->body_len;
            tokens += out.n;
            sentences += out.sentences;
            paragraphs += out.paragraphs;
        }
        double dt = now() - t0;
        if (dt < best)
            best = dt;
    }
    printf("docs %zu  bytes %zu  tokens %zu  sentences %zu  paragraphs %zu\n", c.n, bytes, tokens,
           sentences, paragraphs);
    printf("best of %d: %.3f s  %.1f MB/s  %.1f Mtokens/s\n", rounds, best, bytes / best / 1e6,
           tokens / best / 1e6);
    nq_tokenizer_free(t);
    free(c.bytes);
    free(c.docs);
    return 0;
}

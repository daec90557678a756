/*
 * Micro-benchmark of the corpus front end: the reader alone (read, split,
 * batch) and the JSONL parser alone (one thread), on one or more files.
 *
 * Standalone build (no CMake needed):
 *   gcc -std=c17 -D_GNU_SOURCE -O3 -DNDEBUG -Iinclude -Iengine \
 *       bench/bench_reader.c engine/reader.c engine/jsonl.c engine/date.c \
 *       engine/error.c -DNQ_VERSION='"bench"' -lzstd -o /tmp/bench_reader
 *   /tmp/bench_reader [-r REPEATS] [FILE_OR_DIR...]
 * Default input: $NQ_SHARED_CORPUS/orangesum/orangesum-2020.jsonl, else
 * ../shared/corpus/orangesum/orangesum-2020.jsonl. The first pass warms
 * the page cache; the best of the repeats is reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reader.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, const nq_error *err)
{
    fprintf(stderr, "bench_reader: %s: %s\n", what, err->message);
    exit(1);
}

/* One pass of the reader; returns seconds, fills bytes and records. The
 * batch is reused across passes, as a build reuses its batches. */
static double time_reader(const char *const *inputs, size_t n, nq_batch *b, uint64_t *bytes,
                          uint64_t *records)
{
    nq_error err;
    nq_reader *r;
    double t0 = now();
    if (nq_reader_open(inputs, n, NQ_INPUT_AUTO, &r, &err) != NQ_OK)
        die("open", &err);
    *bytes = *records = 0;
    for (;;) {
        if (nq_reader_next(r, b, (size_t)32 << 20, &err) != NQ_OK)
            die("read", &err);
        if (b->n == 0)
            break;
        *bytes += b->bytes;
        *records += b->n;
    }
    nq_reader_close(r);
    return now() - t0;
}

/* All records in one batch, for the parser benchmark. */
static nq_reader *load_all(const char *const *inputs, size_t n, nq_batch *b)
{
    nq_error err;
    nq_reader *r;
    if (nq_reader_open(inputs, n, NQ_INPUT_AUTO, &r, &err) != NQ_OK)
        die("open", &err);
    if (nq_reader_next(r, b, SIZE_MAX, &err) != NQ_OK)
        die("read", &err);
    return r;
}

static double time_parser(const nq_reader *r, const nq_batch *b, uint64_t *bytes, uint64_t counts[4])
{
    nq_parser *p = nq_parser_new();
    if (!p) {
        fprintf(stderr, "bench_reader: out of memory\n");
        exit(1);
    }
    char msg[256];
    uint64_t sink = 0;
    memset(counts, 0, 4 * sizeof counts[0]);
    *bytes = 0;
    double t0 = now();
    for (size_t i = 0; i < b->n; i++) {
        nq_doc doc;
        nq_diag_kind kind;
        const nq_record *rec = &b->rec[i];
        nq_parse_result res = nq_record_parse(p, rec, nq_reader_file_name(r, rec->file), NULL,
                                              &doc, &kind, msg, sizeof msg);
        counts[res]++;
        sink += doc.text.len + doc.date;
        *bytes += rec->len;
    }
    double t = now() - t0;
    nq_parser_free(p);
    if (sink == 42)
        puts("");   /* keeps the loop from being optimized away */
    return t;
}

int main(int argc, char **argv)
{
    int repeats = 5, first = 1;
    if (argc > 2 && strcmp(argv[1], "-r") == 0) {
        repeats = atoi(argv[2]);
        first = 3;
    }
    static char deflt[4096];
    const char *corpus = getenv("NQ_SHARED_CORPUS");
    snprintf(deflt, sizeof deflt, "%s/orangesum/orangesum-2020.jsonl",
             corpus ? corpus : "../shared/corpus");
    const char *def[] = {deflt};
    const char *const *inputs = argc > first ? (const char *const *)argv + first : def;
    size_t n = argc > first ? (size_t)(argc - first) : 1;

    uint64_t bytes = 0, records = 0;
    double best = 1e30;
    nq_batch b;
    nq_batch_init(&b);
    for (int i = 0; i <= repeats; i++) {   /* pass 0 warms the page cache */
        double t = time_reader(inputs, n, &b, &bytes, &records);
        if (i > 0 && t < best)
            best = t;
    }
    printf("reader: %llu records, %.1f MB in %.4f s: %.0f MB/s\n", (unsigned long long)records,
           (double)bytes / 1e6, best, (double)bytes / 1e6 / best);

    nq_reader *r = load_all(inputs, n, &b);
    uint64_t counts[4];
    best = 1e30;
    for (int i = 0; i <= repeats; i++) {
        double t = time_parser(r, &b, &bytes, counts);
        if (i > 0 && t < best)
            best = t;
    }
    printf("parser (1 thread): %zu records (%llu ok, %llu warn, %llu skip), %.1f MB in %.4f s: "
           "%.0f MB/s\n",
           b.n, (unsigned long long)counts[NQ_PARSE_OK], (unsigned long long)counts[NQ_PARSE_OK_WARN],
           (unsigned long long)counts[NQ_PARSE_SKIP], (double)bytes / 1e6, best,
           (double)bytes / 1e6 / best);
    nq_reader_close(r);
    nq_batch_free(&b);
    return 0;
}

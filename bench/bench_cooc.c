/*
 * Window co-occurrence matrix: build time, peak memory and size on a real
 * token stream.
 *
 *   bench_cooc --dump OUT.stream CORPUS.jsonl...
 *       ingests the corpus as a build does (ids = rank of the term's bytes,
 *       as in the index) and writes u64 len, u32 n_terms, u32 stream[len].
 *   bench_cooc STREAM [-k K] [-m MIN_COUNT] [-t THREADS] [-r REPS] [-d DENSE_TERMS]
 *       builds the matrix REPS times, prints the best time, the section's
 *       size, its entries and the process's peak RSS (stream included).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "build_ingest.h"
#include "clock.h"
#include "cooc_matrix.h"
#include "format.h"

typedef struct ref {
    const char *s;
    uint32_t len, prov;
} ref;

static int cmp_ref(const void *a, const void *b)
{
    const ref *x = a, *y = b;
    int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int dump(const char *out, const char *const *inputs, size_t n_inputs)
{
    nq_build_options opt;
    nq_build_options_init(&opt);
    opt.store_text = 0;
    nq_corpus c;
    nq_error err = {0};
    if (nq_ingest(inputs, n_inputs, &opt, 2, &c, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    size_t n = c.terms.n;
    ref *r = malloc((n ? n : 1) * sizeof *r);
    uint32_t *final_of = malloc((n ? n : 1) * sizeof *final_of);
    if (!r || !final_of)
        return 1;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        r[i].s = nq_intern_str(&c.terms, (uint32_t)i, &len);
        r[i].len = (uint32_t)len;
        r[i].prov = (uint32_t)i;
    }
    qsort(r, n, sizeof *r, cmp_ref);
    for (size_t i = 0; i < n; i++)
        final_of[r[i].prov] = (uint32_t)i;
    for (uint64_t p = 0; p < c.len; p++)
        if (c.stream[p] < NQ_ID_MARK)
            c.stream[p] = final_of[c.stream[p]];
    FILE *f = fopen(out, "wb");
    uint64_t len = c.len;
    uint32_t terms = (uint32_t)n;
    if (!f || fwrite(&len, 8, 1, f) != 1 || fwrite(&terms, 4, 1, f) != 1 ||
        fwrite(c.stream, 4, len, f) != len || fclose(f)) {
        perror(out);
        return 1;
    }
    printf("%llu stream ids, %llu tokens, %u terms, %llu text bytes\n", (unsigned long long)len,
           (unsigned long long)c.tokens, terms, (unsigned long long)c.text_bytes);
    free(r);
    free(final_of);
    nq_corpus_free(&c);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "--dump"))
        return dump(argv[2], (const char *const *)argv + 3, (size_t)argc - 3);
    if (argc < 2) {
        fprintf(stderr, "usage: bench_cooc STREAM [-k K] [-m MIN] [-t THREADS] [-r REPS]\n");
        return 2;
    }
    uint32_t k = 5, min_count = 0;
    int threads = 2, reps = 3, dense = -1;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "-k"))
            k = (uint32_t)atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-m"))
            min_count = (uint32_t)atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-t"))
            threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-r"))
            reps = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-d"))
            dense = atoi(argv[i + 1]);
    }
    FILE *f = fopen(argv[1], "rb");
    uint64_t len;
    uint32_t n_terms;
    if (!f || fread(&len, 8, 1, f) != 1 || fread(&n_terms, 4, 1, f) != 1) {
        perror(argv[1]);
        return 1;
    }
    uint32_t *s = malloc(len * sizeof *s);
    if (!s || fread(s, 4, len, f) != len) {
        perror(argv[1]);
        return 1;
    }
    fclose(f);
    double best = 1e30;
    uint8_t *out = NULL;
    size_t out_len = 0;
    for (int r = 0; r < reps; r++) {
        free(out);
        nq_cooc_build in = {s, len, n_terms, k, min_count, threads};
        nq_error err = {0};
        double t0 = nq_now_seconds();
        nq_status st = dense < 0 ? nq_cooc_matrix_build(&in, &out, &out_len, &err)
                                 : nq_cooc_matrix_build_dense(&in, (uint32_t)dense, &out, &out_len, &err);
        if (st) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        double t = nq_now_seconds() - t0;
        best = t < best ? t : best;
    }
    nq_cooc_view v;
    nq_error err = {0};
    if (nq_cooc_open(&v, out, out_len, n_terms, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    /* reading speed: every row, then random gets */
    double t0 = nq_now_seconds();
    uint64_t sum = 0, n = 0;
    for (uint32_t a = 0; a < n_terms; a++) {
        nq_cooc_iter it;
        uint32_t b;
        uint64_t c;
        if (nq_cooc_row(&v, a, &it))
            return 1;
        while (nq_cooc_next(&it, &b, &c) == 1) {
            sum += c;
            n++;
        }
    }
    double t_rows = nq_now_seconds() - t0;
    uint64_t x = 1, hits = 0;
    t0 = nq_now_seconds();
    enum { GETS = 1000000 };
    for (int i = 0; i < GETS; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        /* pairs of stream tokens: frequent terms as often as in text */
        uint32_t a = s[(x >> 20) % len], b = s[(x >> 40) % len];
        uint64_t c;
        if (a < NQ_ID_MARK && b < NQ_ID_MARK)
            hits += nq_cooc_get(&v, a, b, &c) == 1;
    }
    double t_get = nq_now_seconds() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("k=%u min_count=%u threads=%d: build %.3f s (best of %d), section %zu bytes (%.2f MB), "
           "entries %llu (%.2f bytes/entry), distinct %llu, occurrences %llu, peak RSS %.0f MB "
           "(stream %.0f MB); all rows %.3f s (%llu entries), %d gets %.3f s (%llu found)\n",
           k, v.min_count, threads, best, reps, out_len, out_len / 1e6, (unsigned long long)v.entries,
           v.entries ? (double)out_len / (double)v.entries : 0.0, (unsigned long long)v.distinct,
           (unsigned long long)v.occurrences, ru.ru_maxrss / 1024.0, len * 4 / 1e6, t_rows,
           (unsigned long long)n, GETS, t_get, (unsigned long long)hits);
    if (sum != v.occurrences && v.min_count == 1)
        printf("MISMATCH: rows sum to %llu\n", (unsigned long long)sum);
    free(out);
    free(s);
    return 0;
}

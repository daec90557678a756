/*
 * Query latency inside the process: opens an index once, then times
 * nq_count on a fixed set of terms and phrases and nq_top, and prints p50
 * and p99 in microseconds as JSON. Also times nq_index_open itself.
 *
 *   bench_query INDEX [REPEATS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ngramq/ngramq.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec * 1e-3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report(const char *name, double *t, size_t n, int last)
{
    qsort(t, n, sizeof *t, cmp_double);
    printf("  \"%s\": {\"n\": %zu, \"p50_us\": %.2f, \"p99_us\": %.2f}%s\n", name, n, t[n / 2],
           t[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1], last ? "" : ",");
}

int main(int argc, char **argv)
{
    static const char *terms[] = {"de", "la", "macron", "souveraineté", "gouvernement", "europe",
                                  "président", "l'", "intelligence", "numérique", "paris", "france"};
    static const char *phrases[] = {"de la", "l' état", "le président", "la france", "il y a",
                                    "emmanuel macron", "selon le", "le gouvernement", "de l' europe",
                                    "à la suite de"};
    if (argc < 2) {
        fprintf(stderr, "usage: bench_query INDEX [REPEATS]\n");
        return 2;
    }
    int repeats = argc > 2 ? atoi(argv[2]) : 200;
    nq_error err;
    nq_index *ix;
    size_t nt = sizeof terms / sizeof *terms, np = sizeof phrases / sizeof *phrases;
    double *t_open = malloc(sizeof(double) * 20);
    double *t_term = malloc(sizeof(double) * (size_t)repeats * nt);
    double *t_phrase = malloc(sizeof(double) * (size_t)repeats * np);
    double *t_top = malloc(sizeof(double) * (size_t)repeats);
    if (!t_open || !t_term || !t_phrase || !t_top)
        return 1;
    for (int i = 0; i < 20; i++) {
        double t0 = now_us();
        if (nq_index_open(argv[1], &ix, &err) != NQ_OK) {
            fprintf(stderr, "bench_query: %s\n", err.message);
            return 1;
        }
        t_open[i] = now_us() - t0;
        nq_index_close(ix);
    }
    nq_index_open(argv[1], &ix, &err);
    nq_count_result r;
    for (int k = 0; k < repeats; k++) {
        for (size_t i = 0; i < nt; i++) {
            double t0 = now_us();
            nq_count(ix, terms[i], strlen(terms[i]), NULL, &r, &err);
            t_term[(size_t)k * nt + i] = now_us() - t0;
        }
        for (size_t i = 0; i < np; i++) {
            double t0 = now_us();
            nq_count(ix, phrases[i], strlen(phrases[i]), NULL, &r, &err);
            t_phrase[(size_t)k * np + i] = now_us() - t0;
        }
        double t0 = now_us();
        nq_top_result top;
        nq_top(ix, 2, 20, NULL, &top, &err);
        t_top[k] = now_us() - t0;
        nq_top_result_free(&top);
    }
    printf("{\n");
    report("index_open", t_open, 20, 0);
    report("count_term", t_term, (size_t)repeats * nt, 0);
    report("count_phrase", t_phrase, (size_t)repeats * np, 0);
    report("top_2grams_k20", t_top, (size_t)repeats, 1);
    printf("}\n");
    nq_index_close(ix);
    free(t_open);
    free(t_term);
    free(t_phrase);
    free(t_top);
    return 0;
}

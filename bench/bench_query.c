/*
 * Query latency inside the process: opens an index once, then times each
 * kind of query on a fixed set of expressions and prints p50 and p99 in
 * microseconds as JSON. Also times nq_index_open itself.
 *
 *   bench_query INDEX [REPEATS]
 *
 * "count_phrase" is what nq_count answers (from the n-gram tables when they
 * hold the phrase); "count_phrase_postings" answers the same phrases from
 * the positional postings alone, the path every filtered, long, prefixed or
 * alternative expression takes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "expr.h"
#include "ngramq/ngramq.h"
#include "subcorpus.h"

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

static int first_report = 1;

static void report(const char *name, double *t, size_t n)
{
    qsort(t, n, sizeof *t, cmp_double);
    printf("%s  \"%s\": {\"n\": %zu, \"p50_us\": %.2f, \"p99_us\": %.2f, \"max_us\": %.2f}", first_report ? "" : ",\n",
           name, n, t[n / 2], t[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1], t[n - 1]);
    first_report = 0;
}

static const char *terms[] = {"de", "la", "macron", "souveraineté", "gouvernement", "europe",
                              "président", "l'", "intelligence", "numérique", "paris", "france"};
static const char *phrases[] = {"de la", "l' état", "le président", "la france", "il y a",
                                "emmanuel macron", "selon le", "le gouvernement", "de l' europe",
                                "à la suite de"};
static const char *long_phrases[] = {"le président de la république emmanuel macron",
                                     "a indiqué le ministère de l' intérieur",
                                     "selon les chiffres publiés par le ministère de la santé",
                                     "il y a quelques jours"};
static const char *wild[] = {"souverain*", "numériqu*", "intelligence artificielle | ia", "président* de la république",
                             "macron | philippe | castex"};

#define N_OF(a) (sizeof a / sizeof *a)

typedef struct timer {
    double *t;
    size_t n, cap;
} timer;

static void tick(timer *tm, double us)
{
    if (tm->n == tm->cap) {
        tm->cap = tm->cap ? 2 * tm->cap : 256;
        tm->t = realloc(tm->t, tm->cap * sizeof *tm->t);
        if (!tm->t)
            exit(1);
    }
    tm->t[tm->n++] = us;
}

static void time_counts(nq_index *ix, const char *const *exprs, size_t n, const nq_filter *f, timer *tm)
{
    nq_count_result r;
    nq_error err;
    for (size_t i = 0; i < n; i++) {
        double t0 = now_us();
        if (nq_count(ix, exprs[i], strlen(exprs[i]), f, &r, &err) != NQ_OK)
            fprintf(stderr, "bench_query: %s\n", err.message), exit(1);
        tick(tm, now_us() - t0);
    }
}

/* The postings path on its own: parse, match, documents. */
static void time_postings(nq_index *ix, const char *const *exprs, size_t n, timer *tm)
{
    nq_error err;
    for (size_t i = 0; i < n; i++) {
        double t0 = now_us();
        nq_expr e;
        nq_matches m;
        if (nq_expr_parse(ix, exprs[i], strlen(exprs[i]), &e, &err) || nq_expr_match(ix, &e, &m, &err))
            fprintf(stderr, "bench_query: %s\n", err.message), exit(1);
        volatile uint64_t docs = nq_matches_documents(ix, &m);
        (void)docs;
        nq_matches_free(&m);
        nq_expr_free(&e);
        tick(tm, now_us() - t0);
    }
}

static const char *assoc_pairs[][2] = {
    {"souveraineté", "numérique"}, {"macron", "président"}, {"intelligence artificielle", "europe"},
    {"open source", "logiciel*"}, {"gouvernement", "réforme | réformes"}, {"nucléaire", "énergie"}};

/* The first 20 entries of the shipped lexicons (NQ_SOURCE_DIR or ".."). */
static int lexicon20(const char *name, const char **labels, const char **exprs, nq_lexfile *l)
{
    const char *src = getenv("NQ_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/data/lexicons/%s", src ? src : "..", name);
    nq_error err;
    if (nq_lexfile_load(path, l, &err) != NQ_OK)
        return 0;
    int n = l->n < 20 ? (int)l->n : 20;
    for (int i = 0; i < n; i++)
        labels[i] = l->entries[i].label, exprs[i] = l->entries[i].expr;
    return n;
}

static void time_cooc(nq_index *ix, int rounds, timer *assoc, timer *assoc_w, timer *rank, timer *colloc)
{
    nq_error err;
    nq_scope sentence = {NQ_SCOPE_SENTENCE, 0}, window = {NQ_SCOPE_WINDOW, 5};
    const char *al[20], *ae[20], *tl[20], *te[20];
    nq_lexfile la = {0}, lt = {0};
    int na = lexicon20("actors-fr.tsv", al, ae, &la), nt = lexicon20("topics-fr.tsv", tl, te, &lt);
    for (int r = 0; r < rounds; r++) {
        for (size_t i = 0; i < N_OF(assoc_pairs); i++) {
            nq_assoc_counts c;
            const char *a = assoc_pairs[i][0], *b = assoc_pairs[i][1];
            double t0 = now_us();
            nq_assoc(ix, a, strlen(a), b, strlen(b), &sentence, NULL, &c, &err);
            tick(assoc, now_us() - t0);
            t0 = now_us();
            nq_assoc(ix, a, strlen(a), b, strlen(b), &window, NULL, &c, &err);
            tick(assoc_w, now_us() - t0);
        }
        if (na && nt) {
            nq_rank_options o;
            nq_rank_options_init(&o);
            nq_rank_result rr;
            double t0 = now_us();
            if (nq_rank(ix, al, ae, (size_t)na, tl, te, (size_t)nt, NULL, &o, &rr, &err) == NQ_OK)
                nq_rank_result_free(&rr);
            tick(rank, now_us() - t0);
        }
        nq_colloc_options co;
        nq_colloc_options_init(&co);
        nq_colloc_result cr;
        double t0 = now_us();
        if (nq_collocates(ix, "macron", 6, NULL, &co, &cr, &err) == NQ_OK)
            nq_colloc_result_free(&cr);
        tick(colloc, now_us() - t0);
    }
    nq_lexfile_free(&la);
    nq_lexfile_free(&lt);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_query INDEX [REPEATS]\n");
        return 2;
    }
    int repeats = argc > 2 ? atoi(argv[2]) : 200;
    nq_error err;
    nq_index *ix;
    timer t_open = {0}, t_term = {0}, t_phrase = {0}, t_post = {0}, t_long = {0}, t_wild = {0}, t_filt = {0},
          t_top = {0}, t_by = {0}, t_docs = {0}, t_kwic = {0}, t_assoc = {0}, t_assoc_w = {0}, t_rank = {0},
          t_colloc = {0};
    for (int i = 0; i < 20; i++) {
        double t0 = now_us();
        if (nq_index_open(argv[1], &ix, &err) != NQ_OK) {
            fprintf(stderr, "bench_query: %s\n", err.message);
            return 1;
        }
        tick(&t_open, now_us() - t0);
        nq_index_close(ix);
    }
    nq_index_open(argv[1], &ix, &err);
    nq_index_info info;
    nq_index_get_info(ix, &info);
    int positions = strcmp(info.postings_codec, "none") != 0;
    /* a filter on the dates: the first half of the corpus's date range */
    nq_filter half = {info.date_min, info.date_min + (info.date_max - info.date_min) / 2, NULL, 0};
    for (int k = 0; k < repeats; k++) {
        time_counts(ix, terms, N_OF(terms), NULL, &t_term);
        time_counts(ix, phrases, N_OF(phrases), NULL, &t_phrase);
        double t0 = now_us();
        nq_top_result top;
        nq_top(ix, 2, 20, NULL, NULL, &top, &err);
        tick(&t_top, now_us() - t0);
        nq_top_result_free(&top);
        if (!positions || k % 4)
            continue; /* the slower queries: a quarter of the rounds */
        time_postings(ix, phrases, N_OF(phrases), &t_post);
        time_counts(ix, long_phrases, N_OF(long_phrases), NULL, &t_long);
        time_counts(ix, wild, N_OF(wild), NULL, &t_wild);
        time_counts(ix, phrases, N_OF(phrases), &half, &t_filt);
        for (size_t i = 0; i < 3; i++) {
            nq_slices sl;
            t0 = now_us();
            nq_count_by(ix, phrases[i + 4], strlen(phrases[i + 4]), NULL, NQ_BY_YEAR, &sl, &err);
            tick(&t_by, now_us() - t0);
            nq_slices_free(&sl);
            nq_doc_hit *hits;
            size_t n;
            uint64_t total;
            t0 = now_us();
            nq_docs(ix, wild[i], strlen(wild[i]), NULL, 20, &hits, &n, &total, &err);
            tick(&t_docs, now_us() - t0);
            free(hits);
            nq_kwic_options ko;
            nq_kwic_options_init(&ko);
            nq_kwic_result kr;
            t0 = now_us();
            if (nq_kwic(ix, phrases[i + 5], strlen(phrases[i + 5]), NULL, &ko, &kr, &err) == NQ_OK)
                nq_kwic_result_free(&kr);
            tick(&t_kwic, now_us() - t0);
        }
    }
    if (positions)
        time_cooc(ix, repeats / 10 + 1, &t_assoc, &t_assoc_w, &t_rank, &t_colloc);
    printf("{\n");
    report("index_open", t_open.t, t_open.n);
    report("count_term", t_term.t, t_term.n);
    report("count_phrase", t_phrase.t, t_phrase.n);
    report("top_2grams_k20", t_top.t, t_top.n);
    if (positions) {
        report("count_phrase_postings", t_post.t, t_post.n);
        report("count_long_phrase", t_long.t, t_long.n);
        report("count_prefix_or_alternatives", t_wild.t, t_wild.n);
        report("count_phrase_date_filter", t_filt.t, t_filt.n);
        report("count_by_year", t_by.t, t_by.n);
        report("docs_k20", t_docs.t, t_docs.n);
        report("kwic_50_lines", t_kwic.t, t_kwic.n);
        report("assoc_sentence", t_assoc.t, t_assoc.n);
        report("assoc_window5", t_assoc_w.t, t_assoc_w.n);
        report("rank_20x20_sentence", t_rank.t, t_rank.n);
        report("collocates_window5", t_colloc.t, t_colloc.n);
    }
    printf("\n}\n");
    nq_index_close(ix);
    return 0;
}

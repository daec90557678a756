/*
 * Micro-benchmark of the posting-list codec (engine/postings_codec.h):
 * decode speed per path in ns per integer, bytes per integer, encode speed,
 * and a phrase intersection through cursors.
 *
 * The lists are real positions: the corpus files are cut into tokens by a
 * crude rule (runs of ASCII letters and digits and UTF-8 bytes, ASCII
 * lowercased; close enough to fr-1 for gap statistics) and the positions of
 * a few words, from the most frequent to rare ones, are kept. Without a
 * corpus, geometric gaps of the same means stand in.
 *
 *   bench_codec [-r REPEATS] [FILE...]
 * Default input: the five $NQ_SHARED_CORPUS/orangesum/orangesum-*.jsonl,
 * else ../shared/corpus/orangesum/. The best of the repeats is reported.
 *
 * Standalone build:
 *   gcc -std=c17 -D_GNU_SOURCE -O3 -DNDEBUG -Iengine bench/bench_codec.c \
 *       engine/postings_codec*.c -lm -o /tmp/bench_codec
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "postings_codec.h"

static const char *const words[] = {"de", "la", "les", "a", "président", "gouvernement", "france",
                                    "macron", "numérique", "souveraineté"};
#define N_WORDS (sizeof words / sizeof *words)

typedef struct list {
    const char *name;
    uint32_t *v;
    size_t n, cap;
} list;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fprintf(stderr, "bench_codec: out of memory\n");
        exit(1);
    }
    return p;
}

static void push(list *l, uint32_t pos)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 1024;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = pos;
}

static int is_word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Tokens of one file, numbered from *pos on; JSON keys count as tokens too,
 * which only adds a little regular noise. */
static int scan_file(const char *path, list *lists, uint32_t *pos)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char tok[64];
    size_t len = 0;
    int c;
    do {
        c = getc(f);
        if (c != EOF && is_word_byte((unsigned char)c)) {
            if (len < sizeof tok - 1)
                tok[len++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            continue;
        }
        if (len == 0)
            continue;
        tok[len] = 0;
        for (size_t w = 0; w < N_WORDS; w++)
            if (strcmp(tok, words[w]) == 0)
                push(&lists[w], *pos);
        (*pos)++;
        len = 0;
    } while (c != EOF);
    fclose(f);
    return 0;
}

static void synthetic(list *lists)
{
    static const double means[N_WORDS] = {25, 60, 80, 100, 2500, 6000, 3000, 20000, 40000, 200000};
    uint64_t s = 1;
    for (size_t w = 0; w < N_WORDS; w++) {
        uint64_t pos = 0;
        for (;;) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            double u = ((double)(s >> 11) + 0.5) / 9007199254740992.0;
            pos += 1 + (uint64_t)(-log(u) * means[w]);
            if (pos >= 15000000)
                break;
            push(&lists[w], (uint32_t)pos);
        }
    }
}

/* Best seconds per full decode of l (encoded in data) on path s. */
static double time_decode(const nq_plist *p, uint32_t *out, nq_simd s, int repeats)
{
    double best = 1e30;
    unsigned reps = (unsigned)(2000000 / p->n) + 1;
    for (int r = 0; r < repeats; r++) {
        double t0 = now();
        for (unsigned i = 0; i < reps; i++)
            if (nq_plist_decode_all(p, out, s) < 0) {
                fprintf(stderr, "bench_codec: decode failed\n");
                exit(1);
            }
        double dt = (now() - t0) / reps;
        if (dt < best)
            best = dt;
    }
    return best;
}

/* Positions of a followed by b ("président de"): walks a with next() and
 * seeks b to each position + 1; returns the matches and the seconds. */
static size_t phrase(const nq_plist *a, const nq_plist *b, nq_simd s, double *secs)
{
    nq_plist_cursor ca, cb;
    nq_plist_cursor_init(&ca, a, s);
    nq_plist_cursor_init(&cb, b, s);
    size_t hits = 0;
    uint32_t x, y;
    double t0 = now();
    while (nq_plist_cursor_next(&ca, &x) == 1) {
        int r = nq_plist_cursor_next_geq(&cb, x + 1, &y);
        if (r != 1)
            break;
        hits += y == x + 1;
    }
    *secs = now() - t0;
    return hits;
}

int main(int argc, char **argv)
{
    int repeats = 7, first = 1;
    if (argc > 2 && strcmp(argv[1], "-r") == 0) {
        repeats = atoi(argv[2]);
        first = 3;
    }
    list lists[N_WORDS] = {{0}};
    for (size_t w = 0; w < N_WORDS; w++)
        lists[w].name = words[w];
    uint32_t pos = 0;
    int files = 0;
    for (int i = first; i < argc; i++)
        files += scan_file(argv[i], lists, &pos) == 0;
    if (first >= argc) {
        const char *dir = getenv("NQ_SHARED_CORPUS");
        static const char *const names[] = {"2010-2016", "2017", "2018", "2019", "2020"};
        char path[4096];
        for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
            snprintf(path, sizeof path, "%s/orangesum/orangesum-%s.jsonl", dir ? dir : "../shared/corpus",
                     names[i]);
            files += scan_file(path, lists, &pos) == 0;
        }
    }
    if (files == 0) {
        printf("no corpus found: synthetic geometric gaps\n");
        synthetic(lists);
    } else {
        printf("%d files, %u tokens (crude split)\n", files, pos);
    }

    static const nq_simd paths[] = {NQ_SIMD_SCALAR, NQ_SIMD_SSE41, NQ_SIMD_AVX2, NQ_SIMD_NEON};
    printf("%-14s %9s %7s %9s", "word", "n", "B/int", "enc ns");
    for (size_t s = 0; s < 4; s++)
        if (nq_simd_available(paths[s]))
            printf(" %9s", nq_simd_name(paths[s]));
    printf("   (decode ns/int)\n");
    nq_plist pl[N_WORDS];
    uint8_t *enc[N_WORDS];
    double tot_ns[4] = {0}, tot_n = 0;
    for (size_t w = 0; w < N_WORDS; w++) {
        list *l = &lists[w];
        if (l->n == 0)
            continue;
        enc[w] = xrealloc(NULL, nq_plist_bound(l->n));
        double t0 = now();
        size_t len = nq_plist_encode(l->v, l->n, enc[w]);
        double enc_ns = (now() - t0) * 1e9 / (double)l->n;
        if (nq_plist_open(&pl[w], enc[w], len, l->n) < 0) {
            fprintf(stderr, "bench_codec: open failed\n");
            return 1;
        }
        uint32_t *out = xrealloc(NULL, l->n * sizeof *out);
        printf("%-14s %9zu %7.3f %9.2f", l->name, l->n, (double)len / (double)l->n, enc_ns);
        for (size_t s = 0; s < 4; s++) {
            if (!nq_simd_available(paths[s]))
                continue;
            double ns = time_decode(&pl[w], out, paths[s], repeats) * 1e9;
            if (memcmp(out, l->v, l->n * sizeof *out) != 0) {
                fprintf(stderr, "bench_codec: %s decoded wrong values\n", nq_simd_name(paths[s]));
                return 1;
            }
            printf(" %9.3f", ns / (double)l->n);
            tot_ns[s] += ns;
        }
        tot_n += (double)l->n;
        printf("\n");
        free(out);
    }
    printf("%-14s %9.0f %7s %9s", "all", tot_n, "", "");
    for (size_t s = 0; s < 4; s++)
        if (nq_simd_available(paths[s]))
            printf(" %9.3f", tot_ns[s] / tot_n);
    printf("\n");

    /* "président de" (a rare list walked, a frequent one seeked) and
     * "de la" (both frequent). */
    static const size_t pairs[][2] = {{4, 0}, {0, 1}};
    for (size_t i = 0; i < 2; i++) {
        size_t a = pairs[i][0], b = pairs[i][1];
        if (lists[a].n == 0 || lists[b].n == 0)
            continue;
        for (size_t s = 0; s < 4; s++) {
            if (!nq_simd_available(paths[s]))
                continue;
            double best = 1e30, secs;
            size_t hits = 0;
            for (int r = 0; r < repeats; r++) {
                hits = phrase(&pl[a], &pl[b], paths[s], &secs);
                best = secs < best ? secs : best;
            }
            printf("phrase \"%s %s\" %-7s %zu hits, %.2f ms, %.1f ns per position of \"%s\"\n",
                   words[a], words[b], nq_simd_name(paths[s]), hits, best * 1e3,
                   best * 1e9 / (double)lists[a].n, words[a]);
        }
    }
    for (size_t w = 0; w < N_WORDS; w++) {
        if (lists[w].n)
            free(enc[w]);
        free(lists[w].v);
    }
    return 0;
}

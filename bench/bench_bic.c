/*
 * The two posting-list codecs side by side: "interpolative" (BIC,
 * engine/postings_bic.h) against "pfor" (engine/postings_codec.h), on the
 * position lists of every word of a corpus: total encoded bytes (against
 * the corpus bytes), decode ns per value, encode ns per value, and phrase
 * intersections through cursors.
 *
 * Words are cut by a crude rule (runs of ASCII letters and digits and
 * UTF-8 bytes, ASCII lowercased; JSON keys count as words too), close
 * enough to fr-1 for the gap statistics. Without a corpus, synthetic
 * bursty lists stand in.
 *
 *   bench_bic [-r REPEATS] [FILE...]
 * Default input: the five $NQ_SHARED_CORPUS/orangesum/orangesum-*.jsonl,
 * else ../shared/corpus/orangesum/. The best of the repeats is reported.
 *
 * Standalone build:
 *   gcc -std=c17 -D_GNU_SOURCE -O3 -DNDEBUG -Iengine bench/bench_bic.c \
 *       engine/postings_bic.c engine/postings_codec*.c -lm -o /tmp/bench_bic
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "postings_bic.h"
#include "postings_codec.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) {
        fprintf(stderr, "bench_bic: out of memory\n");
        exit(1);
    }
    return p;
}

/* ---- vocabulary: open addressing on FNV-1a, words in one arena ---- */

typedef struct vocab {
    char *arena;
    size_t arena_len, arena_cap;
    size_t *word_off;  /* by id */
    uint32_t *slots;   /* id + 1, 0 when empty */
    size_t n_words, cap_slots;
} vocab;

static uint64_t fnv(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static const char *vocab_word(const vocab *v, uint32_t id)
{
    return v->arena + v->word_off[id];
}

static void vocab_grow(vocab *v)
{
    size_t cap = v->cap_slots ? 2 * v->cap_slots : 1u << 16;
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        exit(1);
    for (size_t i = 0; i < v->cap_slots; i++) {
        if (!v->slots[i])
            continue;
        const char *w = vocab_word(v, v->slots[i] - 1);
        size_t j = fnv(w, strlen(w)) & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = v->slots[i];
    }
    free(v->slots);
    v->slots = slots;
    v->cap_slots = cap;
}

static uint32_t vocab_id(vocab *v, const char *s, size_t len)
{
    if (2 * (v->n_words + 1) > v->cap_slots)
        vocab_grow(v);
    size_t j = fnv(s, len) & (v->cap_slots - 1);
    for (; v->slots[j]; j = (j + 1) & (v->cap_slots - 1)) {
        const char *w = vocab_word(v, v->slots[j] - 1);
        if (strncmp(w, s, len) == 0 && w[len] == 0)
            return v->slots[j] - 1;
    }
    if (v->arena_len + len + 1 > v->arena_cap) {
        v->arena_cap = 2 * (v->arena_cap + len + 1);
        v->arena = xrealloc(v->arena, v->arena_cap);
    }
    if ((v->n_words & (v->n_words - 1)) == 0)
        v->word_off = xrealloc(v->word_off, 2 * (v->n_words + 1) * sizeof *v->word_off);
    v->word_off[v->n_words] = v->arena_len;
    memcpy(v->arena + v->arena_len, s, len);
    v->arena[v->arena_len + len] = 0;
    v->arena_len += len + 1;
    v->slots[j] = (uint32_t)++v->n_words;
    return (uint32_t)(v->n_words - 1);
}

/* ---- corpus ---- */

typedef struct tokens {
    uint32_t *id; /* word id of each position */
    size_t n, cap;
    size_t bytes; /* input bytes */
} tokens;

static int is_word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int scan_file(const char *path, vocab *v, tokens *t)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char tok[64];
    size_t len = 0;
    int c;
    do {
        c = getc(f);
        t->bytes += c != EOF;
        if (c != EOF && is_word_byte((unsigned char)c)) {
            if (len < sizeof tok - 1)
                tok[len++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            continue;
        }
        if (len == 0)
            continue;
        if (t->n == t->cap) {
            t->cap = t->cap ? 2 * t->cap : 1u << 20;
            t->id = xrealloc(t->id, t->cap * sizeof *t->id);
        }
        t->id[t->n++] = vocab_id(v, tok, len);
        len = 0;
    } while (c != EOF);
    fclose(f);
    return 0;
}

/* Synthetic stand-in: a Zipf vocabulary whose words come in bursts. */
static void synthetic(vocab *v, tokens *t)
{
    uint64_t s = 1;
    const size_t n = 12800000, words = 200000;
    t->id = xrealloc(NULL, n * sizeof *t->id);
    t->n = n;
    t->bytes = n * 6;
    uint32_t recent[64] = {0};
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        double u = ((double)(s >> 11) + 0.5) / 9007199254740992.0;
        uint32_t w = (s >> 7) % 5 == 0 ? recent[(s >> 20) % 64]
                                       : (uint32_t)(pow((double)words, u) - 1.0);
        recent[(s >> 30) % 64] = w;
        t->id[i] = w;
    }
    char name[32];
    for (size_t w = 0; w < words; w++) {
        snprintf(name, sizeof name, "w%zu", w);
        vocab_id(v, name, strlen(name));
    }
}

/* ---- lists ---- */

typedef struct lists {
    uint32_t *pos;   /* all positions, grouped by word */
    size_t *start;   /* word w: pos[start[w] .. start[w + 1]) */
    size_t n_words;
} lists;

static void build_lists(const tokens *t, size_t n_words, lists *l)
{
    l->n_words = n_words;
    l->start = calloc(n_words + 1, sizeof *l->start);
    l->pos = xrealloc(NULL, t->n * sizeof *l->pos);
    for (size_t i = 0; i < t->n; i++)
        l->start[t->id[i] + 1]++;
    for (size_t w = 0; w < n_words; w++)
        l->start[w + 1] += l->start[w];
    size_t *fill = xrealloc(NULL, n_words * sizeof *fill);
    memcpy(fill, l->start, n_words * sizeof *fill);
    for (size_t i = 0; i < t->n; i++)
        l->pos[fill[t->id[i]]++] = (uint32_t)i;
    free(fill);
}

/* ---- per codec ---- */

typedef struct encoded {
    uint8_t *bytes;
    size_t *off; /* word w: bytes[off[w] .. off[w + 1]) */
} encoded;

static double encode_all(const lists *l, int bic, encoded *e)
{
    size_t total = 0;
    for (size_t w = 0; w < l->n_words; w++) {
        size_t n = l->start[w + 1] - l->start[w];
        total += bic ? nq_ilist_bound(n) : nq_plist_bound(n);
    }
    e->bytes = xrealloc(NULL, total);
    e->off = xrealloc(NULL, (l->n_words + 1) * sizeof *e->off);
    e->off[0] = 0;
    double t0 = now();
    for (size_t w = 0; w < l->n_words; w++) {
        const uint32_t *v = l->pos + l->start[w];
        size_t n = l->start[w + 1] - l->start[w];
        uint8_t *out = e->bytes + e->off[w];
        e->off[w + 1] = e->off[w] + (bic ? nq_ilist_encode(v, n, out) : nq_plist_encode(v, n, out));
    }
    return now() - t0;
}

/* Decodes the words with min_n <= n < max_n; seconds, and the values in *values. */
static double decode_range(const lists *l, const encoded *e, int bic, nq_simd s, size_t min_n,
                           size_t max_n, uint32_t *out, size_t *values)
{
    double t0 = now();
    *values = 0;
    for (size_t w = 0; w < l->n_words; w++) {
        size_t n = l->start[w + 1] - l->start[w];
        if (n < min_n || n >= max_n)
            continue;
        const uint8_t *data = e->bytes + e->off[w];
        size_t len = e->off[w + 1] - e->off[w];
        int r;
        if (bic) {
            nq_ilist il;
            r = nq_ilist_open(&il, data, len, n) < 0 ? -1 : nq_ilist_decode_all(&il, out);
        } else {
            nq_plist pl;
            r = nq_plist_open(&pl, data, len, n) < 0 ? -1 : nq_plist_decode_all(&pl, out, s);
        }
        if (r < 0 || memcmp(out, l->pos + l->start[w], n * sizeof *out) != 0) {
            fprintf(stderr, "bench_bic: %s decoded word %zu wrong\n", bic ? "bic" : "pfor", w);
            exit(1);
        }
        *values += n;
    }
    return now() - t0;
}

/* Positions of a followed by b: walks a and seeks b to each position + 1. */
static size_t phrase(const lists *l, const encoded *e, int bic, uint32_t a, uint32_t b,
                     double *secs)
{
    size_t na = l->start[a + 1] - l->start[a], nb = l->start[b + 1] - l->start[b], hits = 0;
    const uint8_t *da = e->bytes + e->off[a], *db = e->bytes + e->off[b];
    size_t la = e->off[a + 1] - e->off[a], lb = e->off[b + 1] - e->off[b];
    uint32_t x, y;
    double t0 = now();
    if (bic) {
        nq_ilist ia, ib;
        static nq_ilist_cursor ca, cb;
        if (nq_ilist_open(&ia, da, la, na) < 0 || nq_ilist_open(&ib, db, lb, nb) < 0)
            exit(1);
        nq_ilist_cursor_init(&ca, &ia);
        nq_ilist_cursor_init(&cb, &ib);
        while (nq_ilist_cursor_next(&ca, &x) == 1 && nq_ilist_cursor_next_geq(&cb, x + 1, &y) == 1)
            hits += y == x + 1;
    } else {
        nq_plist pa, pb;
        static nq_plist_cursor ca, cb;
        if (nq_plist_open(&pa, da, la, na) < 0 || nq_plist_open(&pb, db, lb, nb) < 0)
            exit(1);
        nq_plist_cursor_init(&ca, &pa, nq_simd_best());
        nq_plist_cursor_init(&cb, &pb, nq_simd_best());
        while (nq_plist_cursor_next(&ca, &x) == 1 && nq_plist_cursor_next_geq(&cb, x + 1, &y) == 1)
            hits += y == x + 1;
    }
    *secs = now() - t0;
    return hits;
}

static int find_word(vocab *v, const char *w, uint32_t *id)
{
    size_t before = v->n_words;
    *id = vocab_id(v, w, strlen(w));
    return *id < before ? 0 : -1;
}

int main(int argc, char **argv)
{
    int repeats = 5, first = 1;
    if (argc > 2 && strcmp(argv[1], "-r") == 0) {
        repeats = atoi(argv[2]);
        first = 3;
    }
    vocab voc = {0};
    tokens tok = {0};
    int files = 0;
    for (int i = first; i < argc; i++)
        files += scan_file(argv[i], &voc, &tok) == 0;
    if (first >= argc) {
        const char *dir = getenv("NQ_SHARED_CORPUS");
        static const char *const names[] = {"2010-2016", "2017", "2018", "2019", "2020"};
        char path[4096];
        for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
            snprintf(path, sizeof path, "%s/orangesum/orangesum-%s.jsonl",
                     dir ? dir : "../shared/corpus", names[i]);
            files += scan_file(path, &voc, &tok) == 0;
        }
    }
    if (files == 0) {
        printf("no corpus found: synthetic bursty Zipf lists\n");
        synthetic(&voc, &tok);
    }
    lists l;
    size_t n_words = voc.n_words;
    build_lists(&tok, n_words, &l);
    printf("%d files, %.1f MB, %zu tokens, %zu words (crude split)\n", files,
           (double)tok.bytes / 1e6, tok.n, n_words);

    encoded enc[2];
    double enc_s[2];
    for (int bic = 0; bic < 2; bic++) {
        enc_s[bic] = 1e30;
        for (int r = 0; r < (repeats < 2 ? repeats : 2); r++) {
            if (r)
                free(enc[bic].bytes), free(enc[bic].off);
            double s = encode_all(&l, bic, &enc[bic]);
            enc_s[bic] = s < enc_s[bic] ? s : enc_s[bic];
        }
    }
    double size[2] = {(double)enc[0].off[n_words], (double)enc[1].off[n_words]};
    printf("\n%-14s %12s %8s %9s %10s\n", "codec", "bytes", "B/pos", "of input", "enc ns/pos");
    static const char *const codec[2] = {"pfor", "interpolative"};
    for (int b = 0; b < 2; b++)
        printf("%-14s %12.0f %8.3f %9.4f %10.2f\n", codec[b], size[b], size[b] / (double)tok.n,
               size[b] / (double)tok.bytes, enc_s[b] * 1e9 / (double)tok.n);
    printf("interpolative / pfor = %.4f\n", size[1] / size[0]);

    /* Sizes and decode speed by list length. */
    static const size_t bands[][2] = {{1, 128},         {128, 1000},     {1000, 10000},
                                      {10000, 100000},  {100000, SIZE_MAX}, {1, SIZE_MAX}};
    uint32_t *out = xrealloc(NULL, tok.n * sizeof *out);
    nq_simd best = nq_simd_best();
    printf("\n%-16s %7s %10s %9s %9s %8s | %8s %8s %8s   (decode ns/pos)\n", "list length", "words",
           "positions", "pfor B", "bic B", "bic/pfor", "bic", "pfor", "pfor-sc");
    for (size_t k = 0; k < sizeof bands / sizeof *bands; k++) {
        size_t lo = bands[k][0], hi = bands[k][1], words = 0, values = 0;
        double bytes[2] = {0, 0};
        for (size_t w = 0; w < n_words; w++) {
            size_t n = l.start[w + 1] - l.start[w];
            if (n < lo || n >= hi)
                continue;
            words++;
            for (int b = 0; b < 2; b++)
                bytes[b] += (double)(enc[b].off[w + 1] - enc[b].off[w]);
        }
        double ns[3] = {1e30, 1e30, 1e30};
        for (int r = 0; r < repeats; r++) {
            double s;
            s = decode_range(&l, &enc[1], 1, best, lo, hi, out, &values);
            ns[0] = s < ns[0] ? s : ns[0];
            s = decode_range(&l, &enc[0], 0, best, lo, hi, out, &values);
            ns[1] = s < ns[1] ? s : ns[1];
            s = decode_range(&l, &enc[0], 0, NQ_SIMD_SCALAR, lo, hi, out, &values);
            ns[2] = s < ns[2] ? s : ns[2];
        }
        char name[40];
        if (hi == SIZE_MAX)
            snprintf(name, sizeof name, lo == 1 ? "all" : ">= %zu", lo);
        else
            snprintf(name, sizeof name, "[%zu, %zu)", lo, hi);
        printf("%-16s %7zu %10zu %9.0f %9.0f %8.4f | %8.3f %8.3f %8.3f\n", name, words, values,
               bytes[0], bytes[1], bytes[1] / bytes[0], ns[0] * 1e9 / (double)values,
               ns[1] * 1e9 / (double)values, ns[2] * 1e9 / (double)values);
    }
    printf("(pfor path: %s; pfor-sc: scalar)\n", nq_simd_name(best));

    static const char *const pairs[][2] = {{"président", "de"}, {"de", "la"}, {"la", "france"}};
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        uint32_t a, b;
        if (find_word(&voc, pairs[i][0], &a) < 0 || find_word(&voc, pairs[i][1], &b) < 0)
            continue;
        for (int bic = 1; bic >= 0; bic--) {
            double best_s = 1e30, secs;
            size_t hits = 0;
            for (int r = 0; r < repeats; r++) {
                hits = phrase(&l, &enc[bic], bic, a, b, &secs);
                best_s = secs < best_s ? secs : best_s;
            }
            size_t na = l.start[a + 1] - l.start[a];
            printf("phrase \"%s %s\" %-13s %zu hits, %.2f ms, %.1f ns per position of \"%s\"\n",
                   pairs[i][0], pairs[i][1], codec[bic], hits, best_s * 1e3,
                   best_s * 1e9 / (double)na, pairs[i][0]);
        }
    }
    free(out);
    for (int b = 0; b < 2; b++) {
        free(enc[b].bytes);
        free(enc[b].off);
    }
    free(l.pos);
    free(l.start);
    free(tok.id);
    free(voc.arena);
    free(voc.word_off);
    free(voc.slots);
    return 0;
}

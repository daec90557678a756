/*
 * Window co-occurrence matrix (TOKENIZATION.md section 8): for every pair
 * of terms (a, b), the number of ordered position pairs (i, j), i != j,
 * |i - j| <= k, in the same sentence, with a at i and b at j. Exact and
 * symmetric; count(a, a) counts ordered pairs, so two occurrences of a
 * within k tokens of one sentence add 2.
 *
 * Building. Only the unordered position pairs i < j are generated, keyed by
 * (min term, max term). The pairs of two of the 1024 most frequent terms
 * (half of a text's) are counted in a dense triangle of counters during the
 * first pass, which counts the others per smaller term; ranges of terms of
 * about equal weight become buckets, a second pass scatters 32-bit keys
 * ((smaller - bucket's first term) << bits | larger) into them, and each
 * bucket is counted by one thread: radix-sorted and its runs counted, or,
 * when its keys are dense, in an array of counters. The kept pairs
 * (count >= min_count) give row a's entries b >= a directly; the entries
 * b < a are the kept pairs transposed by a parallel counting sort. Rows are
 * encoded in parallel by term ranges and concatenated in term order. The
 * output depends only on the stream, window and min_count, never on the
 * number of threads (nor on how many terms are counted densely).
 *
 * OrangeSum, window 5, min_count 3: 0.56 s on 2 threads (1.05 s on 1),
 * about 140 MB besides the stream, 8.6 MB (bench/bench_cooc.c).
 *
 * Section layout (the proposed CO-occurrence section; conventions of
 * docs/FORMAT.md: little-endian, read in place, no alignment assumed):
 *
 *   u32 version               1
 *   u32 window                k, 1..16
 *   u32 min_count             >= 1: pairs with count < min_count are not stored
 *   u32 block                 128 (entries per block)
 *   u64 n_terms               = LEXS n_terms
 *   u64 occurrences           sum of count(a, b) over all pairs, stored or not
 *                             (= ordered position pairs in the corpus)
 *   u64 distinct              ordered pairs (a, b) with count >= 1
 *   u64 entries               ordered pairs stored (count >= min_count); the
 *                             sum of the rows' lengths
 *   u64 data_bytes            length of the row data
 *   u8  width_offset          <= 56
 *   u8  zero[7]
 *   offset[n_terms + 1]       bit-packed (FORMAT.md 6.1), width_offset: row a
 *                             is data[offset[a], offset[a + 1]); offset[0] = 0,
 *                             non-decreasing, offset[n_terms] = data_bytes
 *   u8  data[data_bytes]      the rows, in term order
 *
 * The header is 64 bytes; the section is exactly 64 + bytes(n_terms + 1,
 * width_offset) + data_bytes bytes.
 *
 * Row a lists every b with count(a, b) >= min_count, b ascending, with its
 * count (both (a, b) and (b, a) are stored, in rows a and b). An empty row
 * (a term with no stored neighbour) takes no bytes. Otherwise:
 *
 *   varint m                  entries in the row, 1..n_terms
 *   skip[nb - 1]              nb = ceil(m / 128) blocks; for every block but
 *                             the last: varint last_j - last_{j-1} - 1 (last_j:
 *                             the block's largest neighbour id, last_{-1} = -1)
 *                             and varint the block's byte length
 *   block[nb]                 back to back, to the end of the row
 *
 * Block j holds entries 128j .. min(128j + 127, m - 1) (n of them) as two
 * PFor runs of n values, the neighbour gaps then the counts:
 *
 *   gaps     g_i = b_i - b_{i-1} - 1, b_{-1} = last_{j-1} (-1 for block 0)
 *   counts   c_i - min_count
 *
 * A PFor run of n values: u8 w (<= 32), u8 e (exceptions, <= n), then the low
 * w bits of each value bit-packed (value i at bits [i w, i w + w) of a
 * little-endian bit stream, ceil(n w / 8) bytes, unused bits zero), then e
 * exceptions, each u8 index (strictly increasing, < n) and varint hi:
 * value[index] = low | hi << w, for the values that do not fit in w bits.
 * The writer picks, per run, the w that makes it smallest (ties: smallest w).
 *
 * Lookup of (a, b): the stored count is symmetric, so read whichever of rows
 * a and b is shorter in bytes; walk its skip table to the first block whose
 * last id is >= the other term, decode that block, scan it.
 */
#ifndef NQ_COOC_MATRIX_H
#define NQ_COOC_MATRIX_H

#include <stddef.h>
#include <stdint.h>

#include "ngramq/ngramq.h"

#define NQ_COOC_VERSION 1u
#define NQ_COOC_HEADER_SIZE 64u
#define NQ_COOC_BLOCK 128u
#define NQ_COOC_MAX_WINDOW 16u
#define NQ_COOC_DEFAULT_WINDOW 5u
/* Pairs seen fewer times are answered from the positional postings. Two
 * thirds of the distinct pairs of a text occur once; on OrangeSum (12.8 M
 * tokens, 78.8 MB of text, window 5) the section takes 32.7 MB with
 * min_count 1, 13.5 MB with 2, 8.6 MB with 3 and 5.4 MB with 5; 3 keeps
 * windows up to 10 under a quarter of the text (13.6 MB). */
#define NQ_COOC_DEFAULT_MIN_COUNT 3u

typedef struct nq_cooc_build {
    const uint32_t *stream;  /* term ids < n_terms, marks >= NQ_ID_MARK before each sentence */
    uint64_t len;            /* < 2^32 */
    uint32_t n_terms;
    uint32_t window;         /* 1..16; 0 = NQ_COOC_DEFAULT_WINDOW */
    uint32_t min_count;      /* 0 = NQ_COOC_DEFAULT_MIN_COUNT */
    int threads;             /* <= 0: OpenMP's default */
} nq_cooc_build;

/* Builds the section; *out is malloc'd (free it), *out_len its size.
 * NQ_ERR_ARG for a window out of range or a term id >= n_terms in the
 * stream, NQ_ERR_NOMEM, NQ_ERR_LIMIT when one term takes part in 2^31 or more
 * position pairs as the smaller id. */
nq_status nq_cooc_matrix_build(const nq_cooc_build *in, uint8_t **out, size_t *out_len, nq_error *err);

/* The same, with the pairs of the dense_terms most frequent terms (at most
 * 4096; 0 = none) counted in a dense triangle rather than sorted; the
 * default is 1024. The section's bytes do not depend on it: for tests and
 * benchmarks. */
nq_status nq_cooc_matrix_build_dense(const nq_cooc_build *in, uint32_t dense_terms, uint8_t **out, size_t *out_len,
                                     nq_error *err);

/* A view of a section in place (nothing allocated, nothing to free). */
typedef struct nq_cooc_view {
    const uint8_t *rows;     /* data */
    uint64_t rows_len;
    uint64_t n_terms;
    uint64_t occurrences, distinct, entries;
    uint32_t window, min_count;
    const uint8_t *dir;      /* bit-packed offsets */
    uint64_t dir_len;
    unsigned width;
} nq_cooc_view;

/* Checks the header and the whole directory (O(n_terms)); NQ_ERR_CORRUPT
 * with a message otherwise. */
nq_status nq_cooc_open(nq_cooc_view *v, const uint8_t *data, size_t len, uint64_t n_terms, nq_error *err);

uint32_t nq_cooc_window(const nq_cooc_view *v);
uint32_t nq_cooc_min_count(const nq_cooc_view *v);

/* Iterates a row: neighbours ascending with their counts. */
typedef struct nq_cooc_iter {
    const uint8_t *p, *end;  /* undecoded blocks of the row */
    uint64_t n_terms;
    uint64_t m;              /* entries in the row */
    uint64_t left;           /* entries not decoded yet */
    uint64_t next_id;        /* last neighbour decoded + 1 */
    uint32_t min_count;
    uint32_t i, n;           /* position in the decoded block, its size */
    uint32_t id[NQ_COOC_BLOCK];
    uint64_t count[NQ_COOC_BLOCK];
} nq_cooc_iter;

/* Opens row a (empty for a >= n_terms). 0, or -1 when the row is corrupt. */
int nq_cooc_row(const nq_cooc_view *v, uint32_t a, nq_cooc_iter *it);
/* Entries in the row being iterated (decoded or not). */
uint64_t nq_cooc_row_size(const nq_cooc_iter *it);
/* 1: *b and *count set; 0: end of the row; -1: corrupt. */
int nq_cooc_next(nq_cooc_iter *it, uint32_t *b, uint64_t *count);

/* The stored count of (a, b): 1 found; 0 not stored (count below min_count,
 * or 0, or an id >= n_terms); -1 corrupt. */
int nq_cooc_get(const nq_cooc_view *v, uint32_t a, uint32_t b, uint64_t *count);

#endif

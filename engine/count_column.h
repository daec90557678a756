/*
 * Count columns: the count (or count minus document frequency) of every
 * entry of an n-gram level, read in place by rank.
 *
 * Counts are Zipfian: most n-grams kept at min_count 2 occur 2 to a dozen
 * times, a few occur a million times. A fixed-width array pays the widest
 * count on every entry; here each entry takes a few bits (its value minus
 * the column's smallest value), and the rare larger values are escapes,
 * stored apart at their own width. A directory of escape ranks every 64
 * entries keeps lookup O(1): one packed read, and for an escape a scan of
 * at most 63 packed values of its block. The largest value of every block
 * of 64 lets top-k skip the blocks that cannot enter it, as block-max
 * indexes (PISA) skip postings blocks.
 *
 *   u32 base                smallest value of the column
 *   u8  width_small         1..16; the value small_max = 2^width_small - 1 marks an escape
 *   u8  width_big           0..32, width of the escaped values minus base
 *   u8  width_dir           bits of n_escapes
 *   u8  width_max           0..32, width of the block maxima minus base
 *   u64 n_escapes           <= n
 *   small[n]                bit-packed, width_small: value - base, or small_max
 *   dir[ceil(n / 64)]       bit-packed, width_dir: escapes before block b
 *   block_max[ceil(n / 64)] bit-packed, width_max: largest value - base of block b
 *   big[n_escapes]          bit-packed, width_big: value - base, in entry order
 */
#ifndef NQ_COUNT_COLUMN_H
#define NQ_COUNT_COLUMN_H

#include <stddef.h>
#include <stdint.h>

#include "bitpack.h"
#include "ngramq/ngramq.h"

typedef struct nq_count_column {
    uint64_t n;
    uint64_t base;
    uint64_t escape;     /* the small value that marks an escape */
    uint64_t n_escapes;
    nq_packed small, dir, block_max, big;
} nq_count_column;

#define NQ_COUNT_BLOCK 64u

/* Bytes of the column that nq_count_column_write makes of values[0..n). */
size_t nq_count_column_size(const uint32_t *values, uint64_t n, unsigned *width_small);

/* Writes the column (exactly nq_count_column_size bytes) to out. */
void nq_count_column_write(uint8_t *out, const uint32_t *values, uint64_t n, unsigned width_small);

/* Opens the n-entry column at data, of at most avail bytes; *used is set to
 * its size. */
nq_status nq_count_column_open(nq_count_column *c, const uint8_t *data, size_t avail, uint64_t n,
                               size_t *used, nq_error *err);

/* Value of entry i < n. A damaged column gives a wrong value, never a read
 * outside it. */
uint64_t nq_count_column_get(const nq_count_column *c, uint64_t i);

/* Largest value of entries [64 b, 64 b + 64). */
static inline uint64_t nq_count_column_block_max(const nq_count_column *c, uint64_t b)
{
    return c->base + nq_packed_get(&c->block_max, b);
}

/* Sequential reading from entry i on: no block scans. */
typedef struct nq_count_cursor {
    const nq_count_column *c;
    uint64_t i, rank;
} nq_count_cursor;

void nq_count_cursor_init(nq_count_cursor *k, const nq_count_column *c, uint64_t i);

static inline uint64_t nq_count_cursor_next(nq_count_cursor *k)
{
    const nq_count_column *c = k->c;
    uint64_t s = nq_packed_get(&c->small, k->i++);
    if (s != c->escape)
        return c->base + s;
    uint64_t r = k->rank++;
    return r < c->n_escapes ? c->base + nq_packed_get(&c->big, r) : 0;
}

#endif

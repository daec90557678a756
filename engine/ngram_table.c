#include "ngram_table.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

enum { NG_HEADER = 32 };

static uint32_t max_u32(const uint32_t *a, uint64_t n)
{
    uint32_t m = 0;
    for (uint64_t i = 0; i < n; i++)
        if (a[i] > m)
            m = a[i];
    return m;
}

nq_status nq_ngram_encode(const nq_ngram_level *lv, uint64_t n_parents, uint8_t **out,
                          size_t *out_len, nq_error *err)
{
    uint64_t *off = malloc((n_parents + 1) * sizeof *off);
    uint32_t *gap = malloc((lv->n ? lv->n : 1) * sizeof *gap);
    if (!off || !gap) {
        free(off);
        free(gap);
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory encoding n-grams");
    }
    uint64_t i = 0;
    for (uint64_t r = 0; r <= n_parents; r++) {
        while (i < lv->n && lv->parent[i] < r)
            i++;
        off[r] = i;
    }
    for (uint64_t e = 0; e < lv->n; e++)
        gap[e] = lv->count[e] - lv->df[e];
    /* offsets as a base per block of 64 parents plus a relative offset: the
     * relative part needs the bits of the widest block's children only
     * (9-14 bits instead of 20-21 on OrangeSum) */
    uint64_t n_blocks = n_parents / 64 + 1, max_rel = 0;
    for (uint64_t r = 0; r <= n_parents; r++) {
        uint64_t rel = off[r] - off[r / 64 * 64];
        max_rel = rel > max_rel ? rel : max_rel;
    }
    unsigned w_off = nq_bits_for(lv->n), w_rel = nq_bits_for(max_rel), ws_count, ws_gap;
    unsigned w_word = nq_bits_for(max_u32(lv->word, lv->n));
    size_t b_base = nq_bitpack_bytes(n_blocks, w_off), b_rel = nq_bitpack_bytes(n_parents + 1, w_rel);
    size_t b_off = b_base + b_rel, b_word = nq_bitpack_bytes(lv->n, w_word);
    size_t b_count = nq_count_column_size(lv->count, lv->n, &ws_count);
    size_t b_gap = nq_count_column_size(gap, lv->n, &ws_gap);
    size_t len = NG_HEADER + b_off + b_word + b_count + b_gap;
    uint8_t *buf = calloc(1, len);
    if (!buf) {
        free(off);
        free(gap);
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory encoding n-grams");
    }
    uint64_t head[2] = {lv->n, n_parents};
    memcpy(buf, head, sizeof head);
    buf[16] = (uint8_t)w_off;
    buf[17] = (uint8_t)w_word;
    buf[18] = (uint8_t)w_rel;
    uint8_t *p = buf + NG_HEADER;
    for (uint64_t b = 0; b < n_blocks; b++)
        nq_bitpack_put(p, b, w_off, off[b * 64]);
    for (uint64_t r = 0; r <= n_parents; r++)
        nq_bitpack_put(p + b_base, r, w_rel, off[r] - off[r / 64 * 64]);
    nq_bitpack_write32(p += b_off, lv->word, lv->n, w_word);
    nq_count_column_write(p += b_word, lv->count, lv->n, ws_count);
    nq_count_column_write(p + b_count, gap, lv->n, ws_gap);
    free(off);
    free(gap);
    *out = buf;
    *out_len = len;
    return NQ_OK;
}

nq_status nq_ngram_view_open(nq_ngram_view *v, const uint8_t *data, size_t len, uint64_t n_parents,
                             nq_error *err)
{
    memset(v, 0, sizeof *v);
    if (len < NG_HEADER)
        return nq_fail(err, NQ_ERR_CORRUPT, "section too short");
    uint64_t head[2];
    memcpy(head, data, sizeof head);
    unsigned w_off = data[16], w_word = data[17], w_rel = data[18];
    if (head[1] != n_parents || head[0] >= (1ull << 40) || w_off > 40 || w_word > 32 || w_rel > w_off)
        return nq_fail(err, NQ_ERR_CORRUPT, "inconsistent header");
    v->n = head[0];
    v->n_parents = n_parents;
    uint64_t n_blocks = n_parents / 64 + 1;
    size_t b_base = nq_bitpack_bytes(n_blocks, w_off), b_rel = nq_bitpack_bytes(n_parents + 1, w_rel);
    size_t b_word = nq_bitpack_bytes(v->n, w_word);
    if (NG_HEADER + b_base + b_rel + b_word > len)
        return nq_fail(err, NQ_ERR_CORRUPT, "arrays run past the section's end");
    const uint8_t *p = data + NG_HEADER, *end = data + len;
    nq_packed_init(&v->base, p, n_blocks, w_off);
    nq_packed_init(&v->rel, p += b_base, n_parents + 1, w_rel);
    nq_packed_init(&v->word, p += b_rel, v->n, w_word);
    size_t used;
    p += b_word;
    if (nq_count_column_open(&v->count, p, (size_t)(end - p), v->n, &used, err))
        return NQ_ERR_CORRUPT;
    p += used;
    if (nq_count_column_open(&v->df_gap, p, (size_t)(end - p), v->n, &used, err))
        return NQ_ERR_CORRUPT;
    if (p + used != end)
        return nq_fail(err, NQ_ERR_CORRUPT, "%zu bytes past the arrays", (size_t)(end - p - used));
    /* Offsets are checked where they are used (nq_ngram_child clamps them),
     * so opening costs O(1); the section checksum already vouches for them. */
    if (nq_ngram_offset(v, n_parents) != v->n)
        return nq_fail(err, NQ_ERR_CORRUPT, "child offsets do not cover the entries");
    return NQ_OK;
}

uint64_t nq_ngram_child(const nq_ngram_view *v, uint64_t parent, uint32_t word)
{
    if (parent >= v->n_parents)
        return UINT64_MAX;
    uint64_t lo = nq_ngram_offset(v, parent), hi = nq_ngram_offset(v, parent + 1);
    if (hi > v->n || lo > hi)
        return UINT64_MAX;
    uint64_t i = nq_packed_lower_bound(&v->word, lo, hi, word);
    return i < hi && nq_packed_get(&v->word, i) == word ? i : UINT64_MAX;
}

uint64_t nq_ngram_parent(const nq_ngram_view *v, uint64_t i)
{
    /* Last parent whose first child is <= i: the last block starting at or
     * before i, then the last parent of that block. */
    uint64_t b = nq_packed_upper_bound(&v->base, 0, v->n_parents / 64 + 1, i);
    if (b == 0)
        return 0; /* offset[0] = 0 <= i always; only a damaged section gets here */
    b--;
    uint64_t lo = b * 64, hi = lo + 64 < v->n_parents + 1 ? lo + 64 : v->n_parents + 1;
    uint64_t r = nq_packed_upper_bound(&v->rel, lo, hi, i - nq_packed_get(&v->base, b));
    return r > lo ? r - 1 : lo;
}

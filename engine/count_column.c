#include "count_column.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

enum { CC_HEADER = 16, CC_BLOCK = NQ_COUNT_BLOCK, CC_MAX_SMALL = 16 };

static void min_max(const uint32_t *v, uint64_t n, uint32_t *lo, uint32_t *hi)
{
    uint32_t a = n ? v[0] : 0, b = a;
    for (uint64_t i = 1; i < n; i++) {
        a = v[i] < a ? v[i] : a;
        b = v[i] > b ? v[i] : b;
    }
    *lo = a;
    *hi = b;
}

static uint64_t escapes_at(const uint32_t *v, uint64_t n, uint32_t base, unsigned ws)
{
    uint64_t esc = (1ull << ws) - 1, e = 0;
    for (uint64_t i = 0; i < n; i++)
        e += (uint64_t)(v[i] - base) >= esc;
    return e;
}

static size_t size_with(uint64_t n, unsigned ws, uint64_t n_esc, unsigned wb, unsigned wmax)
{
    uint64_t blocks = (n + CC_BLOCK - 1) / CC_BLOCK;
    return CC_HEADER + nq_bitpack_bytes(n, ws) + nq_bitpack_bytes(blocks, nq_bits_for(n_esc)) +
           nq_bitpack_bytes(blocks, wmax) + nq_bitpack_bytes(n_esc, wb);
}

size_t nq_count_column_size(const uint32_t *values, uint64_t n, unsigned *width_small)
{
    uint32_t lo, hi;
    min_max(values, n, &lo, &hi);
    unsigned wb = nq_bits_for(hi - lo);
    /* Widths past the largest value's gain nothing; a histogram of the
     * values' bit lengths gives every width's escape count in one pass. */
    uint64_t by_bits[34] = {0}; /* v - lo + 1 needs up to 33 bits */
    for (uint64_t i = 0; i < n; i++)
        by_bits[nq_bits_for((uint64_t)(values[i] - lo) + 1)]++;
    size_t best = SIZE_MAX;
    unsigned best_w = 1;
    for (unsigned ws = 1; ws <= CC_MAX_SMALL; ws++) {
        /* v - lo >= 2^ws - 1 exactly when v - lo + 1 needs more than ws bits */
        uint64_t e = 0;
        for (unsigned b = ws + 1; b <= 33; b++)
            e += by_bits[b];
        size_t s = size_with(n, ws, e, e ? wb : 0, wb);
        if (s < best) {
            best = s;
            best_w = ws;
        }
        if (!e)
            break;
    }
    *width_small = best_w;
    return best;
}

void nq_count_column_write(uint8_t *out, const uint32_t *values, uint64_t n, unsigned ws)
{
    uint32_t lo, hi;
    min_max(values, n, &lo, &hi);
    uint64_t esc = (1ull << ws) - 1, n_esc = escapes_at(values, n, lo, ws);
    unsigned wmax = nq_bits_for(hi - lo), wb = n_esc ? wmax : 0, wd = nq_bits_for(n_esc);
    uint64_t blocks = (n + CC_BLOCK - 1) / CC_BLOCK;
    memset(out, 0, CC_HEADER);
    memcpy(out, &lo, 4);
    out[4] = (uint8_t)ws;
    out[5] = (uint8_t)wb;
    out[6] = (uint8_t)wd;
    out[7] = (uint8_t)wmax;
    memcpy(out + 8, &n_esc, 8);
    uint8_t *small = out + CC_HEADER;
    uint8_t *dir = small + nq_bitpack_bytes(n, ws);
    uint8_t *block_max = dir + nq_bitpack_bytes(blocks, wd);
    uint8_t *big = block_max + nq_bitpack_bytes(blocks, wmax);
    memset(small, 0, size_with(n, ws, n_esc, wb, wmax) - CC_HEADER);
    uint64_t rank = 0, top = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t v = values[i] - lo;
        if (i % CC_BLOCK == 0)
            nq_bitpack_put(dir, i / CC_BLOCK, wd, rank);
        top = (i % CC_BLOCK == 0 || v > top) ? v : top;
        if (i % CC_BLOCK == CC_BLOCK - 1 || i + 1 == n)
            nq_bitpack_put(block_max, i / CC_BLOCK, wmax, top);
        if (v >= esc) {
            nq_bitpack_put(big, rank++, wb, v);
            v = esc;
        }
        nq_bitpack_put(small, i, ws, v);
    }
}

nq_status nq_count_column_open(nq_count_column *c, const uint8_t *data, size_t avail, uint64_t n,
                               size_t *used, nq_error *err)
{
    memset(c, 0, sizeof *c);
    if (avail < CC_HEADER)
        return nq_fail(err, NQ_ERR_CORRUPT, "count column too short");
    uint32_t base;
    uint64_t n_esc;
    memcpy(&base, data, 4);
    memcpy(&n_esc, data + 8, 8);
    unsigned ws = data[4], wb = data[5], wd = data[6], wmax = data[7];
    if (ws < 1 || ws > CC_MAX_SMALL || wb > 32 || wmax > 32 || n_esc > n || wd != nq_bits_for(n_esc) ||
        (n_esc && !wb))
        return nq_fail(err, NQ_ERR_CORRUPT, "count column: inconsistent header");
    uint64_t blocks = (n + CC_BLOCK - 1) / CC_BLOCK;
    size_t size = size_with(n, ws, n_esc, wb, wmax);
    if (size > avail)
        return nq_fail(err, NQ_ERR_CORRUPT, "count column runs past the section's end");
    const uint8_t *p = data + CC_HEADER;
    nq_packed_init(&c->small, p, n, ws);
    nq_packed_init(&c->dir, p += nq_bitpack_bytes(n, ws), blocks, wd);
    nq_packed_init(&c->block_max, p += nq_bitpack_bytes(blocks, wd), blocks, wmax);
    nq_packed_init(&c->big, p + nq_bitpack_bytes(blocks, wmax), n_esc, wb);
    c->n = n;
    c->base = base;
    c->escape = (1ull << ws) - 1;
    c->n_escapes = n_esc;
    *used = size;
    return NQ_OK;
}

/* Escapes before entry i. */
static uint64_t escape_rank(const nq_count_column *c, uint64_t i)
{
    uint64_t b = i / CC_BLOCK, r = c->dir.width ? nq_packed_get(&c->dir, b) : 0;
    for (uint64_t j = b * CC_BLOCK; j < i; j++)
        r += nq_packed_get(&c->small, j) == c->escape;
    return r;
}

uint64_t nq_count_column_get(const nq_count_column *c, uint64_t i)
{
    uint64_t s = nq_packed_get(&c->small, i);
    if (s != c->escape)
        return c->base + s;
    uint64_t r = escape_rank(c, i);
    return r < c->n_escapes ? c->base + nq_packed_get(&c->big, r) : 0;
}

void nq_count_cursor_init(nq_count_cursor *k, const nq_count_column *c, uint64_t i)
{
    k->c = c;
    k->i = i;
    k->rank = i < c->n ? escape_rank(c, i) : c->n_escapes;
}

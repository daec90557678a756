/* Count columns (engine/count_column.c): every value read back by get and by
 * the cursor from every start, for Zipfian, constant, extreme and tiny
 * columns; the chosen width is the smallest size over all widths, computed
 * here by brute force; and damaged headers are refused. Each column is
 * malloc'd at exactly its size, so ASan sees any read past it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bitpack.h"
#include "count_column.h"
#include "testutil.h"

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint64_t rnd(void)
{
    return tu_splitmix64(&rng_state);
}

/* Size of the layout in count_column.h for width ws, from its definition. */
static size_t layout_size(const uint32_t *v, uint64_t n, unsigned ws)
{
    uint32_t lo = UINT32_MAX, hi = 0;
    for (uint64_t i = 0; i < n; i++) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    if (!n)
        lo = hi = 0;
    uint64_t esc = 0;
    for (uint64_t i = 0; i < n; i++)
        esc += (uint64_t)(v[i] - lo) >= (1ull << ws) - 1;
    unsigned wd = 0, wb = 0;
    while (wd < 64 && (esc >> wd))
        wd++;
    if (esc)
        while (wb < 32 && ((uint64_t)(hi - lo) >> wb))
            wb++;
    unsigned wmax = 0;
    while (wmax < 32 && ((uint64_t)(hi - lo) >> wmax))
        wmax++;
    return 16 + nq_bitpack_bytes(n, ws) + nq_bitpack_bytes((n + 63) / 64, wd) +
           nq_bitpack_bytes((n + 63) / 64, wmax) + nq_bitpack_bytes(esc, wb);
}

static uint8_t *make(const uint32_t *v, uint64_t n, size_t *len)
{
    unsigned ws;
    *len = nq_count_column_size(v, n, &ws);
    assert_true(ws >= 1 && ws <= 16);
    assert_int_equal(*len, layout_size(v, n, ws));
    for (unsigned w = 1; w <= 16; w++) /* no width does better */
        assert_true(*len <= layout_size(v, n, w));
    uint8_t *b = malloc(*len);
    assert_non_null(b);
    memset(b, 0xA5, *len);
    nq_count_column_write(b, v, n, ws);
    return b;
}

static void check(const uint32_t *v, uint64_t n)
{
    size_t len, used;
    uint8_t *b = make(v, n, &len);
    nq_count_column c;
    nq_error err;
    assert_int_equal(nq_count_column_open(&c, b, len, n, &used, &err), NQ_OK);
    assert_int_equal(used, len);
    for (uint64_t blk = 0; blk * 64 < n; blk++) { /* block maxima against a scan */
        uint32_t m = 0;
        for (uint64_t i = blk * 64; i < n && i < blk * 64 + 64; i++)
            m = v[i] > m ? v[i] : m;
        assert_int_equal(nq_count_column_block_max(&c, blk), m);
    }
    for (uint64_t i = 0; i < n; i++)
        if (nq_count_column_get(&c, i) != v[i])
            fail_msg("entry %llu of %llu: %llu, want %u", (unsigned long long)i, (unsigned long long)n,
                     (unsigned long long)nq_count_column_get(&c, i), v[i]);
    uint64_t step = n > 300 ? n / 37 : 1;
    for (uint64_t s = 0; s < n; s += step) {
        nq_count_cursor k;
        nq_count_cursor_init(&k, &c, s);
        for (uint64_t i = s; i < n; i++)
            assert_int_equal(nq_count_cursor_next(&k), v[i]);
    }
    /* one byte short is refused, not read past */
    if (len > 16)
        assert_int_equal(nq_count_column_open(&c, b, len - 1, n, &used, &err), NQ_ERR_CORRUPT);
    free(b);
}

static void test_shapes(void **state)
{
    (void)state;
    static const uint64_t sizes[] = {0, 1, 2, 63, 64, 65, 127, 128, 129, 1000, 4097, 100000};
    uint32_t *v = malloc(100000 * sizeof *v);
    assert_non_null(v);
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        uint64_t n = sizes[s];
        for (int shape = 0; shape < 6; shape++) {
            for (uint64_t i = 0; i < n; i++) {
                uint64_t r = rnd();
                switch (shape) {
                case 0: /* Zipf-like n-gram counts at min_count 2 */
                    v[i] = 2 + (uint32_t)(1000000.0 / (1.0 + (double)(r % 1000000)) / 2.0);
                    break;
                case 1: v[i] = 7; break;                                      /* constant */
                case 2: v[i] = (r & 1) ? UINT32_MAX : 0; break;               /* extremes */
                case 3: v[i] = (uint32_t)(r % 3); break;                      /* df gaps */
                case 4: v[i] = (i % 64 == 63) ? 123456789u : (uint32_t)(r % 5); break; /* block ends */
                default: v[i] = (uint32_t)r; break;                           /* incompressible */
                }
            }
            check(v, n);
        }
    }
    free(v);
}

static void test_damaged_headers(void **state)
{
    (void)state;
    uint32_t v[200];
    for (int i = 0; i < 200; i++)
        v[i] = i % 10 == 0 ? 5000 + (uint32_t)i : 2 + (uint32_t)(i % 3);
    size_t len, used;
    uint8_t *b = make(v, 200, &len);
    nq_count_column c;
    nq_error err;
    static const struct { size_t at; uint8_t value; } edits[] = {
        {4, 0}, {4, 17}, {5, 33}, {6, 0}, {6, 40}, {7, 33}, {8, 201}, {15, 1},
    };
    for (size_t e = 0; e < sizeof edits / sizeof *edits; e++) {
        uint8_t *d = malloc(len);
        assert_non_null(d);
        memcpy(d, b, len);
        d[edits[e].at] = edits[e].value;
        assert_int_equal(nq_count_column_open(&c, d, len, 200, &used, &err), NQ_ERR_CORRUPT);
        free(d);
    }
    /* a wrong entry count is refused or stays inside the column */
    assert_int_equal(nq_count_column_open(&c, b, 15, 200, &used, &err), NQ_ERR_CORRUPT);
    assert_int_equal(nq_count_column_open(&c, b, len, 10, &used, &err), NQ_ERR_CORRUPT);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shapes),
        cmocka_unit_test(test_damaged_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

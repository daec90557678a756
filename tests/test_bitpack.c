/* Bit-packed arrays: nq_bitpack_write / nq_bitpack_write32, nq_packed_get,
 * nq_packed_lower_bound / nq_packed_upper_bound, nq_bits_for, nq_bitpack_bytes.
 *
 * Every packed buffer is malloc'd with exactly nq_bitpack_bytes(n, w) bytes
 * (so ASan sees any write or read past it) and pre-filled with garbage (so a
 * byte the writer forgets to write shows up). The output is compared byte
 * for byte with an independent bit-at-a-time packer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bitpack.h"
#include "testutil.h"

static const size_t lengths[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 127, 128, 129, 1000};
#define N_LENGTHS (sizeof lengths / sizeof *lengths)

enum pattern { P_RANDOM, P_ZERO, P_MAX, P_ALT_MAX_ZERO, P_ALT_ZERO_MAX, P_BITS_5, P_BITS_A,
               P_ASCENDING, P_SMALL, P_COUNT };

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
    return tu_splitmix64(&rng_state);
}

static uint64_t mask_of(unsigned w)
{
    return w == 0 ? 0 : w >= 64 ? ~0ull : (1ull << w) - 1;
}

static void fill(uint64_t *v, size_t n, unsigned w, enum pattern p)
{
    uint64_t m = mask_of(w);
    for (size_t i = 0; i < n; i++) {
        switch (p) {
        case P_RANDOM: v[i] = rnd() & m; break;
        case P_ZERO: v[i] = 0; break;
        case P_MAX: v[i] = m; break;
        case P_ALT_MAX_ZERO: v[i] = i % 2 ? 0 : m; break;
        case P_ALT_ZERO_MAX: v[i] = i % 2 ? m : 0; break;
        case P_BITS_5: v[i] = 0x5555555555555555ull & m; break;
        case P_BITS_A: v[i] = 0xAAAAAAAAAAAAAAAAull & m; break;
        case P_ASCENDING: v[i] = (uint64_t)i & m; break;
        case P_SMALL: v[i] = (rnd() % 3) & m; break;
        default: v[i] = 0; break;
        }
    }
}

/* The reference packer: bit i*w + b of the stream is bit b of value i. */
static void ref_pack(uint8_t *out, const uint64_t *v, size_t n, unsigned w)
{
    memset(out, 0, nq_bitpack_bytes(n, w));
    for (size_t i = 0; i < n; i++)
        for (unsigned b = 0; b < w; b++)
            if (v[i] >> b & 1) {
                size_t bit = i * w + b;
                out[bit / 8] |= (uint8_t)(1u << (bit % 8));
            }
}

/* Packs v with the engine (64- or 32-bit input) and checks everything. */
static void check_one(const uint64_t *v, size_t n, unsigned w, int use32)
{
    size_t bytes = nq_bitpack_bytes(n, w);
    uint8_t *out = malloc(bytes);
    uint8_t *ref = malloc(bytes);
    assert_non_null(out);
    assert_non_null(ref);
    memset(out, 0xA5, bytes);
    if (use32) {
        uint32_t *v32 = malloc((n ? n : 1) * sizeof *v32);
        assert_non_null(v32);
        for (size_t i = 0; i < n; i++) {
            assert_true(v[i] <= UINT32_MAX);
            v32[i] = (uint32_t)v[i];
        }
        nq_bitpack_write32(out, v32, n, w);
        free(v32);
    } else {
        nq_bitpack_write(out, v, n, w);
    }
    ref_pack(ref, v, n, w);
    if (memcmp(out, ref, bytes) != 0) {
        size_t at = 0;
        while (out[at] == ref[at])
            at++;
        fail_msg("width %u, n %zu, write%s: byte %zu is 0x%02x, expected 0x%02x", w, n, use32 ? "32" : "",
                 at, out[at], ref[at]);
    }
    /* Every bit past the last value is zero, padding bytes included. */
    for (size_t bit = n * w; bit < bytes * 8; bit++)
        if (out[bit / 8] >> (bit % 8) & 1)
            fail_msg("width %u, n %zu: padding bit %zu is set", w, n, bit);
    for (size_t b = (n * w + 7) / 8; b < bytes; b++)
        assert_int_equal(out[b], 0);
    nq_packed p;
    nq_packed_init(&p, out, n, w);
    assert_int_equal(p.n, n);
    assert_int_equal(p.width, w);
    assert_int_equal(p.mask, mask_of(w));
    for (size_t i = 0; i < n; i++)
        if (nq_packed_get(&p, i) != v[i])
            fail_msg("width %u, n %zu: value %zu reads back as %llu, wrote %llu", w, n, i,
                     (unsigned long long)nq_packed_get(&p, i), (unsigned long long)v[i]);
    free(out);
    free(ref);
}

static void test_bits_for_and_bytes(void **state)
{
    (void)state;
    assert_int_equal(nq_bits_for(0), 0);
    assert_int_equal(nq_bits_for(1), 1);
    assert_int_equal(nq_bits_for(UINT64_MAX), 64);
    for (unsigned k = 1; k < 64; k++) {
        assert_int_equal(nq_bits_for(1ull << k), k + 1);
        assert_int_equal(nq_bits_for((1ull << k) - 1), k);
        assert_int_equal(nq_bits_for((1ull << k) + 1), k + 1);
    }
    for (unsigned w = 0; w <= NQ_BITPACK_MAX_WIDTH; w++)
        for (size_t i = 0; i < N_LENGTHS; i++) {
            size_t n = lengths[i];
            assert_int_equal(nq_bitpack_bytes(n, w), (n * w + 7) / 8 + 8);
        }
    assert_int_equal(nq_bitpack_bytes(0, 0), 8);
    assert_int_equal(nq_bitpack_bytes(0, 56), 8);
    assert_int_equal(nq_bitpack_bytes(1, 1), 9);
    assert_int_equal(nq_bitpack_bytes(8, 1), 9);
    assert_int_equal(nq_bitpack_bytes(9, 1), 10);
}

static void test_mask(void **state)
{
    (void)state;
    uint8_t zeros[16] = {0};
    for (unsigned w = 0; w <= 64; w++) {
        nq_packed p;
        nq_packed_init(&p, zeros, 1, w);
        assert_int_equal(p.mask, mask_of(w));
    }
}

static void round_trips(unsigned max_w, int use32)
{
    uint64_t *v = malloc(1000 * sizeof *v);
    assert_non_null(v);
    for (unsigned w = 0; w <= max_w; w++)
        for (size_t li = 0; li < N_LENGTHS; li++)
            for (int p = 0; p < P_COUNT; p++) {
                size_t n = lengths[li];
                fill(v, n, w, (enum pattern)p);
                check_one(v, n, w, use32);
            }
    free(v);
}

static void test_write_round_trip(void **state)
{
    (void)state;
    round_trips(NQ_BITPACK_MAX_WIDTH, 0);
}

static void test_write32_round_trip(void **state)
{
    (void)state;
    round_trips(32, 1);
}

/* write and write32 give the same bytes for the same values. */
static void test_write_and_write32_agree(void **state)
{
    (void)state;
    for (unsigned w = 0; w <= 32; w++)
        for (size_t li = 0; li < N_LENGTHS; li++) {
            size_t n = lengths[li];
            uint64_t v[1000];
            uint32_t v32[1000];
            fill(v, n, w, P_RANDOM);
            for (size_t i = 0; i < n; i++)
                v32[i] = (uint32_t)v[i];
            size_t bytes = nq_bitpack_bytes(n, w);
            uint8_t *a = malloc(bytes), *b = malloc(bytes);
            assert_non_null(a);
            assert_non_null(b);
            memset(a, 0x11, bytes);
            memset(b, 0xEE, bytes);
            nq_bitpack_write(a, v, n, w);
            nq_bitpack_write32(b, v32, n, w);
            assert_memory_equal(a, b, bytes);
            free(a);
            free(b);
        }
}

/* One value with a single bit set, every bit position: catches a bit that
 * lands in the wrong place across the 64-bit accumulator flush. */
static void test_single_bits(void **state)
{
    (void)state;
    for (unsigned w = 1; w <= NQ_BITPACK_MAX_WIDTH; w++)
        for (size_t n = 1; n <= 70; n += 3)
            for (unsigned b = 0; b < w; b++) {
                uint64_t v[70] = {0};
                v[n - 1] = 1ull << b;
                v[n / 2] |= 1ull << (w - 1 - b);
                check_one(v, n, w, 0);
            }
}

/* ---- bounds ---- */

static uint64_t lin_lower(const uint64_t *v, uint64_t lo, uint64_t hi, uint64_t key)
{
    while (lo < hi && v[lo] < key)
        lo++;
    return lo;
}

static uint64_t lin_upper(const uint64_t *v, uint64_t lo, uint64_t hi, uint64_t key)
{
    while (lo < hi && v[lo] <= key)
        lo++;
    return lo;
}

static void check_bounds(const uint64_t *v, size_t n, unsigned w)
{
    size_t bytes = nq_bitpack_bytes(n, w);
    uint8_t *buf = malloc(bytes);
    assert_non_null(buf);
    nq_bitpack_write(buf, v, n, w);
    nq_packed p;
    nq_packed_init(&p, buf, n, w);
    uint64_t m = mask_of(w);
    /* Keys: every value, its neighbours, the ends of the range. */
    size_t n_keys = 0;
    uint64_t *keys = malloc((3 * n + 6) * sizeof *keys);
    assert_non_null(keys);
    for (size_t i = 0; i < n; i++) {
        keys[n_keys++] = v[i];
        keys[n_keys++] = v[i] + 1;
        keys[n_keys++] = v[i] - 1; /* wraps to UINT64_MAX for 0: also a fine key */
    }
    keys[n_keys++] = 0;
    keys[n_keys++] = m;
    keys[n_keys++] = m + 1;
    keys[n_keys++] = UINT64_MAX;
    keys[n_keys++] = m / 2;
    keys[n_keys++] = 1;
    for (size_t k = 0; k < n_keys; k++) {
        uint64_t key = keys[k];
        /* The whole array, then a few random sub-ranges. */
        for (int r = 0; r < 4; r++) {
            uint64_t lo = 0, hi = n;
            if (r > 0 && n > 0) {
                lo = rnd() % (n + 1);
                hi = lo + rnd() % (n - lo + 1);
            }
            uint64_t got_l = nq_packed_lower_bound(&p, lo, hi, key);
            uint64_t got_u = nq_packed_upper_bound(&p, lo, hi, key);
            uint64_t want_l = lin_lower(v, lo, hi, key), want_u = lin_upper(v, lo, hi, key);
            if (got_l != want_l || got_u != want_u)
                fail_msg("width %u n %zu [%llu,%llu) key %llu: lower %llu (want %llu), upper %llu (want %llu)",
                         w, n, (unsigned long long)lo, (unsigned long long)hi, (unsigned long long)key,
                         (unsigned long long)got_l, (unsigned long long)want_l,
                         (unsigned long long)got_u, (unsigned long long)want_u);
        }
    }
    free(keys);
    free(buf);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void test_bounds_against_linear_scan(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 1, 2, 3, 7, 8, 9, 16, 33, 64, 65, 200, 1000};
    static const unsigned widths[] = {0, 1, 2, 3, 5, 7, 8, 13, 16, 31, 32, 33, 40, 48, 55, 56};
    uint64_t *v = malloc(1000 * sizeof *v);
    assert_non_null(v);
    for (size_t wi = 0; wi < sizeof widths / sizeof *widths; wi++)
        for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
            unsigned w = widths[wi];
            size_t n = sizes[si];
            uint64_t m = mask_of(w);
            /* Many duplicates: values drawn from a few distinct ones. */
            uint64_t distinct[6];
            for (int d = 0; d < 6; d++)
                distinct[d] = rnd() & m;
            distinct[0] = 0;
            distinct[1] = m;
            for (size_t i = 0; i < n; i++)
                v[i] = distinct[rnd() % 6];
            qsort(v, n, sizeof *v, cmp_u64);
            check_bounds(v, n, w);
            /* Mostly distinct values. */
            for (size_t i = 0; i < n; i++)
                v[i] = rnd() & m;
            qsort(v, n, sizeof *v, cmp_u64);
            check_bounds(v, n, w);
            /* All equal. */
            for (size_t i = 0; i < n; i++)
                v[i] = m / 3;
            check_bounds(v, n, w);
        }
    free(v);
}

/* The bounds honour [lo, hi) and never look outside it: an unsorted array
 * whose range [lo, hi) is sorted still answers within that range. */
static void test_bounds_respect_range(void **state)
{
    (void)state;
    uint64_t v[40];
    for (int i = 0; i < 40; i++)
        v[i] = i < 10 ? 99 - (uint64_t)i : i < 30 ? (uint64_t)(i - 10) / 2 : 0;
    uint8_t buf[64];
    assert_true(nq_bitpack_bytes(40, 7) <= sizeof buf);
    nq_bitpack_write(buf, v, 40, 7);
    nq_packed p;
    nq_packed_init(&p, buf, 40, 7);
    for (uint64_t key = 0; key < 12; key++) {
        assert_int_equal(nq_packed_lower_bound(&p, 10, 30, key), lin_lower(v, 10, 30, key));
        assert_int_equal(nq_packed_upper_bound(&p, 10, 30, key), lin_upper(v, 10, 30, key));
    }
    assert_int_equal(nq_packed_lower_bound(&p, 10, 30, 1000), 30);
    assert_int_equal(nq_packed_upper_bound(&p, 10, 30, 0), 12);
    assert_int_equal(nq_packed_lower_bound(&p, 17, 17, 5), 17);
    assert_int_equal(nq_packed_upper_bound(&p, 17, 17, 5), 17);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bits_for_and_bytes),
        cmocka_unit_test(test_mask),
        cmocka_unit_test(test_write_round_trip),
        cmocka_unit_test(test_write32_round_trip),
        cmocka_unit_test(test_write_and_write32_agree),
        cmocka_unit_test(test_single_bits),
        cmocka_unit_test(test_bounds_against_linear_scan),
        cmocka_unit_test(test_bounds_respect_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

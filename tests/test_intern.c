/* String interning against a brute-force list: ids in order of first
 * insertion, stable across growth, the hot cache and explicit reserves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "intern.h"

static uint64_t rng = 88172645463325252ull;

static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

/* A word from a small alphabet, lengths 0..40, so that some repeat often
 * (short ones) and some are longer than the hot cache holds. */
static size_t random_word(char *buf)
{
    static const char alphabet[] = "ab\xc3\xa9'-";
    size_t len = next_rand() % 8 == 0 ? 20 + next_rand() % 21 : next_rand() % 6;
    for (size_t i = 0; i < len; i++)
        buf[i] = alphabet[next_rand() % (sizeof alphabet - 1)];
    return len;
}

static uint32_t brute_find(char **words, size_t *lens, size_t n, const char *w, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (lens[i] == len && memcmp(words[i], w, len) == 0)
            return (uint32_t)i;
    return UINT32_MAX;
}

static void run(size_t inserts, size_t reserve)
{
    nq_intern t;
    assert_int_equal(nq_intern_init(&t, 16), 0);
    if (reserve)
        assert_int_equal(nq_intern_reserve(&t, reserve), 0);
    char **words = calloc(inserts, sizeof *words);
    size_t *lens = calloc(inserts, sizeof *lens);
    assert_non_null(words);
    assert_non_null(lens);
    size_t n = 0;
    char buf[64];
    for (size_t k = 0; k < inserts; k++) {
        size_t len = random_word(buf);
        uint64_t h = nq_hash_bytes(buf, len);
        uint32_t want = brute_find(words, lens, n, buf, len);
        assert_int_equal(nq_intern_get(&t, buf, len, h), want);
        uint32_t id = nq_intern_put(&t, buf, len, h);
        if (want == UINT32_MAX) {
            assert_int_equal(id, n);
            words[n] = malloc(len + 1);
            assert_non_null(words[n]);
            memcpy(words[n], buf, len);
            lens[n++] = len;
        } else {
            assert_int_equal(id, want);
        }
        assert_int_equal(t.n, n);
    }
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *s = nq_intern_str(&t, (uint32_t)i, &len);
        assert_int_equal(len, lens[i]);
        assert_memory_equal(s, words[i], len);
        assert_int_equal(nq_intern_get(&t, words[i], len, nq_hash_bytes(words[i], len)), i);
        free(words[i]);
    }
    free(words);
    free(lens);
    nq_intern_free(&t);
}

static void test_against_brute_force(void **state)
{
    (void)state;
    run(3000, 0);
}

static void test_reserve_then_grow(void **state)
{
    (void)state;
    run(3000, 5000);
    run(3000, 3);
}

/* Strings that share a hash tag must still be told apart by their bytes:
 * force it with the same hash value for different strings. */
static void test_same_hash_different_strings(void **state)
{
    (void)state;
    nq_intern t;
    assert_int_equal(nq_intern_init(&t, 4), 0);
    const uint64_t h = 0x123456789abcdef0ull;
    char buf[8];
    for (uint32_t i = 0; i < 2000; i++) {
        int len = snprintf(buf, sizeof buf, "%u", i);
        assert_int_equal(nq_intern_put(&t, buf, (size_t)len, h), i);
    }
    for (uint32_t i = 0; i < 2000; i++) {
        int len = snprintf(buf, sizeof buf, "%u", i);
        assert_int_equal(nq_intern_get(&t, buf, (size_t)len, h), i);
        assert_int_equal(nq_intern_put(&t, buf, (size_t)len, h), i);
    }
    assert_int_equal(nq_intern_get(&t, "x", 1, h), UINT32_MAX);
    nq_intern_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_brute_force),
        cmocka_unit_test(test_reserve_then_grow),
        cmocka_unit_test(test_same_hash_different_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

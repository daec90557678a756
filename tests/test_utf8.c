/* UTF-8 sanitizing: one U+FFFD per maximal ill-formed subpart (Unicode
 * ch. 3), the same as Python's bytes.decode('utf-8', 'replace'). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"
#include "utf8.h"

#define R "\xEF\xBF\xBD" /* U+FFFD */

typedef struct sanitize_case {
    const char *in;
    size_t len; /* 0: strlen(in) */
    uint64_t replaced;
    const char *out;
} sanitize_case;

static const sanitize_case sanitize_cases[] = {
    {"", 0, 0, ""},
    {"abc", 0, 0, "abc"},
    {"\xC3\xA9t\xC3\xA9", 0, 0, "\xC3\xA9t\xC3\xA9"},             /* été */
    {"\xE2\x80\x99\xC2\xAB\xF0\x9F\x98\x80", 0, 0, "\xE2\x80\x99\xC2\xAB\xF0\x9F\x98\x80"},
    {"\xEF\xBF\xBD", 0, 0, R},                                     /* a real U+FFFD */
    {"\xC3", 0, 1, R},                                             /* truncated 2-byte */
    {"\xE2\x82", 0, 1, R},                                         /* truncated 3-byte */
    {"\xF0\x9F\x98", 0, 1, R},                                     /* truncated 4-byte */
    {"\xF0\x80\x80", 0, 3, R R R},  /* F0 80: second byte out of range */
    {"\xED\xA0\x80", 0, 3, R R R},  /* surrogate U+D800 */
    {"\xC0\xAF", 0, 2, R R},        /* overlong: C0 never starts a sequence */
    {"\xC1\xBF", 0, 2, R R},
    {"\xE0\x80\xAF", 0, 3, R R R},  /* overlong 3-byte */
    {"\xF4\x90\x80\x80", 0, 4, R R R R}, /* above U+10FFFF */
    {"\xF5\x80", 0, 2, R R},
    {"\xFF", 0, 1, R},
    {"\x80", 0, 1, R},              /* lone continuation */
    {"\x80\xBF\x80", 0, 3, R R R},
    {"a\xC3" "b", 0, 1, "a" R "b"}, /* the b after a cut sequence is kept */
    {"\xE2\x82" "\xE2\x82\xAC", 0, 1, R "\xE2\x82\xAC"},
    {"\xF0\x9F\x98" "a", 0, 1, R "a"},
    {"\xF8\x88\x80\x80\x80", 0, 5, R R R R R},
    {"\xED\x9F\xBF", 0, 0, "\xED\x9F\xBF"},        /* U+D7FF, last before surrogates */
    {"\xEE\x80\x80", 0, 0, "\xEE\x80\x80"},        /* U+E000 */
    {"\xF4\x8F\xBF\xBF", 0, 0, "\xF4\x8F\xBF\xBF"}, /* U+10FFFF */
    {"\xF0\x90\x80\x80", 0, 0, "\xF0\x90\x80\x80"}, /* U+10000 */
    {"a\0b", 3, 0, "a\0b"},                         /* NUL is a character */
    /* Long ASCII runs go through the 8-byte path; the cut must still be seen. */
    {"abcdefghijklmnop\xC3" "qrstuvwxyz0123456789", 0, 1,
     "abcdefghijklmnop" R "qrstuvwxyz0123456789"},
};

static void test_sanitize_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof sanitize_cases / sizeof *sanitize_cases; i++) {
        const sanitize_case *c = &sanitize_cases[i];
        size_t len = c->len ? c->len : strlen(c->in);
        size_t want_len = c->len ? c->len : strlen(c->out);
        uint8_t out[256];
        uint64_t replaced = 0;
        size_t n = nq_utf8_sanitize((const uint8_t *)c->in, len, out, &replaced);
        if (replaced != c->replaced || n != want_len || memcmp(out, c->out, n) != 0)
            print_error("case %zu: %zu replaced, %zu bytes\n", i, (size_t)replaced, n);
        assert_int_equal(replaced, c->replaced);
        assert_int_equal(n, want_len);
        assert_memory_equal(out, c->out, n);
    }
}

/* The replacement count accumulates over calls. */
static void test_sanitize_accumulates(void **state)
{
    (void)state;
    uint8_t out[16];
    uint64_t replaced = 5;
    nq_utf8_sanitize((const uint8_t *)"\xC3", 1, out, &replaced);
    assert_int_equal(replaced, 6);
}

/* Worst case growth: every byte bad, each becomes 3 bytes. */
static void test_sanitize_growth(void **state)
{
    (void)state;
    uint8_t in[64], out[64 * NQ_UTF8_SANITIZE_GROWTH];
    memset(in, 0xFF, sizeof in);
    uint64_t replaced = 0;
    assert_int_equal(nq_utf8_sanitize(in, sizeof in, out, &replaced), sizeof out);
    assert_int_equal(replaced, sizeof in);
}

/* Every code point survives encode -> sanitize -> decode. */
static void test_roundtrip_all_scalars(void **state)
{
    (void)state;
    for (int32_t cp = 0; cp < 0x110000; cp++) {
        if (cp >= 0xD800 && cp < 0xE000)
            continue;
        uint8_t buf[4], out[12];
        unsigned len = nq_utf8_encode(cp, buf);
        uint64_t replaced = 0;
        size_t n = nq_utf8_sanitize(buf, len, out, &replaced);
        assert_int_equal(replaced, 0);
        assert_int_equal(n, len);
        unsigned dlen;
        assert_int_equal(nq_utf8_decode_valid(out, &dlen), cp);
        assert_int_equal(dlen, len);
        unsigned bad = 0;
        assert_int_equal(nq_utf8_sequence(out, n, &bad), len);
    }
}

/* Random bytes: the output is valid UTF-8 and its size matches the count. */
static void test_random_bytes(void **state)
{
    (void)state;
    srand(12345);
    for (int round = 0; round < 20000; round++) {
        uint8_t in[32], out[32 * NQ_UTF8_SANITIZE_GROWTH];
        size_t len = (size_t)(rand() % 32);
        for (size_t i = 0; i < len; i++)
            in[i] = (uint8_t)(rand() % 3 ? 0x80 + rand() % 0x80 : rand() % 0x100);
        uint64_t replaced = 0;
        size_t n = nq_utf8_sanitize(in, len, out, &replaced);
        assert_true(n >= len);
        assert_true(n <= len * NQ_UTF8_SANITIZE_GROWTH);
        uint64_t fffd = 0;
        for (size_t i = 0; i < n;) {
            unsigned bad = 0;
            unsigned l = nq_utf8_sequence(out + i, n - i, &bad);
            assert_true(l > 0);
            fffd += l == 3 && memcmp(out + i, R, 3) == 0;
            i += l;
        }
        assert_true(fffd >= replaced); /* the input may hold real U+FFFD */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sanitize_table),
        cmocka_unit_test(test_sanitize_accumulates),
        cmocka_unit_test(test_sanitize_growth),
        cmocka_unit_test(test_roundtrip_all_scalars),
        cmocka_unit_test(test_random_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

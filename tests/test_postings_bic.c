/* Posting-list codec "interpolative" (postings_bic.h).
 *
 * The encoder's bytes are compared with an independent reference encoder
 * written here from the format text (one bit at a time, recursive), and
 * hand-computed known answers pin the format. Because the decoder accepts
 * only canonical bytes, any corrupt list it accepts must re-encode to
 * exactly the same bytes: that is the check on flipped and garbage bytes.
 * Encoded lists are copied into buffers of exactly their length so that
 * ASan sees any read past them. */
#include <setjmp.h>
#include <stdarg.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "postings_bic.h"
#include "testutil.h"

#define MAXV 0xFFFFFFFEu

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint64_t rnd(void)
{
    return tu_splitmix64(&rng_state);
}

static uint64_t rnd_below(uint64_t n)
{
    return n ? rnd() % n : 0;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    assert_non_null(p);
    return p;
}

/* ---- reference encoder, from the format text ---- */

typedef struct ref_bits {
    uint8_t *out; /* zeroed by the caller */
    uint64_t i;   /* bits emitted */
} ref_bits;

/* The i-th emitted bit goes to byte i / 8, bit i % 8. */
static void ref_bit(ref_bits *b, unsigned bit)
{
    if (bit)
        b->out[b->i / 8] |= (uint8_t)(1u << (b->i % 8));
    b->i++;
}

/* The k bits of x, most significant first. */
static void ref_msb(ref_bits *b, uint64_t x, unsigned k)
{
    for (unsigned j = k; j-- > 0;)
        ref_bit(b, (unsigned)(x >> j) & 1u);
}

static void ref_truncated(ref_bits *b, uint64_t x, uint64_t r)
{
    unsigned k = 0;
    while ((2ull << k) <= r)
        k++;
    uint64_t u = (2ull << k) - r;
    if (x < u)
        ref_msb(b, x, k);
    else
        ref_msb(b, x + u, k + 1);
}

static void ref_bic(ref_bits *b, const uint32_t *w, uint64_t m, int64_t lo, int64_t hi)
{
    if (m == 0)
        return;
    assert_true(hi - lo + 1 >= (int64_t)m);
    uint64_t mid = m / 2;
    int64_t a = lo + (int64_t)mid, z = hi - (int64_t)(m - 1 - mid);
    assert_true(w[mid] >= a && w[mid] <= z);
    int64_t r = z - a + 1;
    if (r > 1)
        ref_truncated(b, (uint64_t)(w[mid] - a), (uint64_t)r);
    ref_bic(b, w, mid, lo, (int64_t)w[mid] - 1);
    ref_bic(b, w + mid + 1, m - mid - 1, (int64_t)w[mid] + 1, hi);
}

/* Padded payload at out; its byte length. */
static size_t ref_payload(uint8_t *out, const uint32_t *w, uint64_t m, int64_t lo, int64_t hi)
{
    uint8_t tmp[1024] = {0};
    ref_bits b = {tmp, 0};
    ref_bic(&b, w, m, lo, hi);
    size_t len = (size_t)((b.i + 7) / 8);
    memcpy(out, tmp, len);
    return len;
}

static size_t ref_varint(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    do {
        out[n] = (uint8_t)((v & 0x7F) | (v >= 0x80 ? 0x80 : 0));
        n++;
        v >>= 7;
    } while (v);
    return n;
}

/* The whole list into out (large enough); its length. Skip area and
 * payloads are built apart and joined. */
static size_t ref_encode(const uint32_t *v, uint64_t n, uint8_t *out)
{
    uint64_t nb = n / 128;
    uint8_t *pay = xmalloc(nb * 512 + 1024);
    size_t skip_len = 0, pay_len = 0;
    int64_t prev = 0xFFFFFFFFll; /* last_{-1}; lo = prev + 1 modulo 2^32 */
    for (uint64_t b = 0; b < nb; b++) {
        int64_t lo = (prev + 1) % 0x100000000ll, last = v[128 * b + 127];
        size_t size = ref_payload(pay + pay_len, v + 128 * b, 127, lo, last - 1);
        skip_len += ref_varint(out + skip_len, (uint64_t)(last - lo));
        skip_len += ref_varint(out + skip_len, size);
        pay_len += size;
        prev = last;
    }
    if (n % 128) {
        int64_t lo = (prev + 1) % 0x100000000ll, last = v[n - 1];
        pay_len += ref_varint(pay + pay_len, (uint64_t)(last - lo));
        pay_len += ref_payload(pay + pay_len, v + 128 * nb, n % 128 - 1, lo, last - 1);
    }
    memcpy(out + skip_len, pay, pay_len);
    free(pay);
    return skip_len + pay_len;
}

/* ---- list generators ---- */

enum kind { K_DENSE, K_GEOM1, K_GEOM20, K_GEOM3000, K_UNIFORM, K_SPIKES, K_TOP, K_MIXED, K_BURSTY, K_COUNT };

/* A geometric gap with mean about m. */
static uint32_t geom(double m)
{
    double u = ((double)(rnd() >> 11) + 0.5) / 9007199254740992.0;
    double g = -log(u) * m;
    return g > 4e9 ? 4000000000u : (uint32_t)g;
}

/* Bursty: runs of close positions (a word repeated in one article) far
 * apart (other articles); runs of geometric length. */
static uint32_t bursty_gap(void)
{
    return rnd_below(12) ? geom(40) : geom(200000);
}

static uint32_t gap_of(enum kind k, uint64_t n)
{
    switch (k) {
    case K_DENSE: return 0;
    case K_GEOM1: return geom(1);
    case K_GEOM20: return geom(20);
    case K_GEOM3000: return geom(3000);
    case K_UNIFORM: return (uint32_t)rnd_below((MAXV - n) / n + 1);
    case K_SPIKES: return rnd_below(100) ? (uint32_t)rnd_below(4) : (uint32_t)rnd_below(1u << 24);
    case K_MIXED: return (uint32_t)(rnd_below(8) ? rnd_below(16) : (uint32_t)rnd() >> rnd_below(32));
    case K_BURSTY: return bursty_gap();
    default: return geom(5);
    }
}

/* n strictly increasing values <= MAXV; a gap that would leave no room for
 * the rest is cut. K_TOP ends exactly at MAXV. */
static void gen(enum kind k, uint64_t n, uint32_t *v)
{
    uint64_t cur = (uint64_t)-1;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t room = MAXV - (n - 1 - i) - (cur + 1);
        uint64_t d = gap_of(k, n);
        cur += (d > room ? room : d) + 1;
        v[i] = (uint32_t)cur;
    }
    if (k == K_TOP) {
        uint32_t shift = MAXV - v[n - 1];
        for (uint64_t i = 0; i < n; i++)
            v[i] += shift;
    }
}

/* ---- checks ---- */

/* Encodes v into a buffer of exactly nq_ilist_bound(n) bytes (ASan sees an
 * overrun), compares with the reference and returns a malloc'd copy of
 * exactly *len bytes. */
static uint8_t *encode_checked(const uint32_t *v, uint64_t n, size_t *len)
{
    size_t bound = nq_ilist_bound(n);
    uint8_t *a = xmalloc(bound), *b = xmalloc(bound), *r = xmalloc(n / 128 * 520 + 1024);
    memset(a, 0xAA, bound);
    memset(b, 0x55, bound);
    size_t la = nq_ilist_encode(v, n, a), lb = nq_ilist_encode(v, n, b), lr = ref_encode(v, n, r);
    assert_true(la <= bound);
    assert_int_equal(la, lb);
    assert_int_equal(la, lr);
    assert_memory_equal(a, b, la);
    assert_memory_equal(a, r, la);
    uint8_t *exact = xmalloc(la);
    memcpy(exact, a, la);
    free(a);
    free(b);
    free(r);
    *len = la;
    return exact;
}

static void check_decode(const uint8_t *data, size_t len, const uint32_t *v, uint64_t n)
{
    nq_ilist l;
    assert_int_equal(nq_ilist_open(&l, data, len, n), 0);
    assert_int_equal(l.nb, n / 128);
    assert_int_equal(l.last, v[n - 1]);
    uint32_t *out = xmalloc(n * sizeof *out);
    memset(out, 0xCD, n * sizeof *out);
    assert_int_equal(nq_ilist_decode_all(&l, out), 0);
    assert_memory_equal(out, v, n * sizeof *v);
    nq_ilist_cursor c;
    nq_ilist_cursor_init(&c, &l);
    uint32_t got;
    for (uint64_t i = 0; i < n; i++) {
        assert_int_equal(nq_ilist_cursor_next(&c, &got), 1);
        assert_int_equal(got, v[i]);
    }
    assert_int_equal(nq_ilist_cursor_next(&c, &got), 0);
    free(out);
}

static void round_trip(const uint32_t *v, uint64_t n)
{
    size_t len;
    uint8_t *data = encode_checked(v, n, &len);
    check_decode(data, len, v, n);
    free(data);
}

static void known(const uint32_t *v, uint64_t n, const uint8_t *want, size_t want_len)
{
    size_t len;
    uint8_t *data = encode_checked(v, n, &len);
    assert_int_equal(len, want_len);
    assert_memory_equal(data, want, want_len);
    check_decode(data, len, v, n);
    free(data);
}

/* ---- tests ---- */

static void test_known_answers(void **state)
{
    (void)state;
    /* n = 1: t = 5, no payload. */
    known((const uint32_t[]){5}, 1, (const uint8_t[]){0x05}, 1);
    known((const uint32_t[]){0}, 1, (const uint8_t[]){0x00}, 1);
    /* {2, 5, 9}: t = 9; w = {2, 5} in [0, 8]: w[1] = 5 in [1, 8], x = 4,
     * r = 8, k = 3, u = 8: 100; w[0] = 2 in [0, 4], x = 2, r = 5, k = 2,
     * u = 3: 10. Bits 1,0,0,1,0 from bit 0 up: 0x09. */
    known((const uint32_t[]){2, 5, 9}, 3, (const uint8_t[]){0x09, 0x09}, 2);
    /* {4, 5, 9}: w[0] = 4, x = 4 >= u = 3: k + 1 bits of 7, 111. Bits
     * 1,0,0,1,1,1: 0x39. */
    known((const uint32_t[]){4, 5, 9}, 3, (const uint8_t[]){0x09, 0x39}, 2);
    /* {0, MAXV}: t = MAXV; w[0] = 0 in [0, MAXV - 1], r = 2^32 - 2, k = 31,
     * u = 2: 31 zero bits, padded to 4 bytes. */
    known((const uint32_t[]){0, MAXV}, 2,
          (const uint8_t[]){0xFE, 0xFF, 0xFF, 0xFF, 0x0F, 0x00, 0x00, 0x00, 0x00}, 9);
    /* {MAXV - 1, MAXV}: x = 2^32 - 3 >= u: 32 bits of x + 2, all ones. This
     * is the bound for n = 2. */
    known((const uint32_t[]){MAXV - 1, MAXV}, 2,
          (const uint8_t[]){0xFE, 0xFF, 0xFF, 0xFF, 0x0F, 0xFF, 0xFF, 0xFF, 0xFF}, 9);
    assert_int_equal(nq_ilist_bound(2), 9);

    uint32_t v[129];
    for (unsigned i = 0; i < 129; i++)
        v[i] = i;
    /* A full block 0..127 fills its range: gap 127, size 0. */
    known(v, 128, (const uint8_t[]){0x7F, 0x00}, 2);
    /* Plus a tail {128}: t = 0. */
    known(v, 129, (const uint8_t[]){0x7F, 0x00, 0x00}, 3);
    /* 0..125, 127, then last 128: range [0, 127] has one spare slot. Every
     * middle on the path to 127 has r = 2 and x = 0 (bit 0), six times,
     * then 127 in [126, 127] is x = 1: bits 0,0,0,0,0,0,1 = 0x40. The
     * dense subtrees cost nothing. */
    for (unsigned i = 126; i < 128; i++)
        v[i] = i + 1;
    known(v, 128, (const uint8_t[]){0x80, 0x01, 0x01, 0x40}, 4);
}

static void test_edge_lists(void **state)
{
    (void)state;
    const uint32_t one_max[] = {MAXV}, two[] = {0, 1}, mid[] = {123456789};
    round_trip(one_max, 1);
    round_trip(two, 2);
    round_trip(mid, 1);
    /* A maximal gap then a dense block ending at MAXV. */
    uint32_t v[385];
    v[0] = 0;
    for (unsigned i = 1; i < 385; i++)
        v[i] = MAXV - 384 + i;
    for (unsigned n = 1; n <= 385; n += (n < 5 || n > 380) ? 1 : 63)
        round_trip(v, n);
    round_trip(v + 1, 384); /* dense, ending at MAXV */
    /* Every value as far apart as possible. */
    for (unsigned i = 0; i < 385; i++)
        v[i] = (uint32_t)((uint64_t)MAXV * i / 384);
    round_trip(v, 385);
    round_trip(v, 128);
    /* Dense from 0: 2 bytes a block, the tail only its varint. */
    uint32_t *d = xmalloc(100000 * sizeof *d);
    for (unsigned i = 0; i < 100000; i++)
        d[i] = i;
    size_t len;
    uint8_t *data = encode_checked(d, 100000, &len);
    assert_int_equal(len, (100000 / 128) * 2 + 1);
    check_decode(data, len, d, 100000);
    free(data);
    /* Dense from 1000: only block 0 has a payload (range from 0). */
    for (unsigned i = 0; i < 100000; i++)
        d[i] = 1000 + i;
    round_trip(d, 100000);
    free(d);
}

static void test_round_trip_random(void **state)
{
    (void)state;
    static const uint64_t lengths[] = {1, 2, 3, 4, 5, 127, 128, 129, 255, 256, 257, 1000, 100000};
    uint32_t *v = xmalloc(100000 * sizeof *v);
    for (size_t li = 0; li < sizeof lengths / sizeof *lengths; li++)
        for (int k = 0; k < K_COUNT; k++)
            for (int rep = 0; rep < (lengths[li] < 1000 ? 8 : 1); rep++) {
                gen((enum kind)k, lengths[li], v);
                round_trip(v, lengths[li]);
            }
    /* Many random lengths and kinds against the reference. */
    for (int t = 0; t < 600; t++) {
        uint64_t n = 1 + rnd_below(rnd_below(2) ? 300 : 3000);
        gen((enum kind)rnd_below(K_COUNT), n, v);
        round_trip(v, n);
    }
    free(v);
}

/* next_geq and next against linear scans. */
static void test_cursor(void **state)
{
    (void)state;
    static const uint64_t lengths[] = {1, 2, 5, 127, 128, 129, 300, 1000, 5000, 40000};
    uint32_t *v = xmalloc(40000 * sizeof *v);
    for (size_t li = 0; li < sizeof lengths / sizeof *lengths; li++) {
        uint64_t n = lengths[li];
        for (int k = 0; k < K_COUNT; k++) {
            gen((enum kind)k, n, v);
            size_t len;
            uint8_t *data = encode_checked(v, n, &len);
            nq_ilist l;
            assert_int_equal(nq_ilist_open(&l, data, len, n), 0);
            for (int rep = 0; rep < 4; rep++) {
                /* Ascending targets, some repeated, some far, some at values. */
                nq_ilist_cursor c;
                nq_ilist_cursor_init(&c, &l);
                uint64_t i = 0;
                uint32_t target = 0, got;
                for (;;) {
                    uint64_t step = rnd_below(4) == 0 ? 0 : rnd_below(rnd_below(2) ? 50 : 200000);
                    if (rnd_below(5) == 0 && i + 1 < n)
                        step = v[i + rnd_below(n - i)] - (uint64_t)target;
                    if ((uint64_t)target + step > 0xFFFFFFFFull)
                        break;
                    target += (uint32_t)step;
                    while (i < n && v[i] < target)
                        i++;
                    int r = nq_ilist_cursor_next_geq(&c, target, &got);
                    if (i == n) {
                        assert_int_equal(r, 0);
                        assert_int_equal(nq_ilist_cursor_next_geq(&c, target, &got), 0);
                        assert_int_equal(nq_ilist_cursor_next(&c, &got), 0);
                        break;
                    }
                    assert_int_equal(r, 1);
                    assert_int_equal(got, v[i]);
                    /* A smaller target returns the current value. */
                    if (target > 0 && rnd_below(8) == 0) {
                        assert_int_equal(nq_ilist_cursor_next_geq(&c, target - 1, &got), 1);
                        assert_int_equal(got, v[i]);
                    }
                    if (rnd_below(3) == 0) { /* interleave next() */
                        r = nq_ilist_cursor_next(&c, &got);
                        if (++i == n) {
                            assert_int_equal(r, 0);
                            break;
                        }
                        assert_int_equal(r, 1);
                        assert_int_equal(got, v[i]);
                        target = got;
                    }
                }
            }
            /* Targets past the end, straight away. */
            nq_ilist_cursor c;
            uint32_t got;
            if (v[n - 1] < 0xFFFFFFFFu) {
                nq_ilist_cursor_init(&c, &l);
                assert_int_equal(nq_ilist_cursor_next_geq(&c, v[n - 1] + 1, &got), 0);
                assert_int_equal(nq_ilist_cursor_next_geq(&c, 0xFFFFFFFFu, &got), 0);
            }
            /* The last value, then nothing. */
            nq_ilist_cursor_init(&c, &l);
            assert_int_equal(nq_ilist_cursor_next_geq(&c, v[n - 1], &got), 1);
            assert_int_equal(got, v[n - 1]);
            assert_int_equal(nq_ilist_cursor_next(&c, &got), 0);
            /* Every value as its own target. */
            nq_ilist_cursor_init(&c, &l);
            for (uint64_t j = 0; j < n; j++) {
                assert_int_equal(nq_ilist_cursor_next_geq(&c, v[j], &got), 1);
                assert_int_equal(got, v[j]);
            }
            free(data);
        }
    }
    free(v);
}

/* Reads possibly corrupt bytes as an n-value list every way. Accepted
 * bytes must be canonical: the values they decode to re-encode to exactly
 * these bytes, and the cursor agrees with decode_all. */
static void decode_everywhere(const uint8_t *data, size_t len, uint64_t n)
{
    nq_ilist l;
    if (nq_ilist_open(&l, data, len, n) < 0)
        return;
    uint32_t *all = xmalloc(n * sizeof *all);
    int ok = nq_ilist_decode_all(&l, all) == 0;
    if (ok) {
        for (uint64_t i = 1; i < n; i++)
            assert_true(all[i - 1] < all[i]);
        assert_true(all[n - 1] <= MAXV);
        uint8_t *re = xmalloc(nq_ilist_bound(n));
        assert_int_equal(nq_ilist_encode(all, n, re), len);
        assert_memory_equal(re, data, len);
        free(re);
    }
    nq_ilist_cursor c;
    nq_ilist_cursor_init(&c, &l);
    uint32_t got;
    uint64_t i = 0;
    int r;
    while ((r = nq_ilist_cursor_next(&c, &got)) == 1) {
        assert_true(i < n);
        if (ok)
            assert_int_equal(got, all[i]);
        i++;
    }
    if (ok) {
        assert_int_equal(r, 0);
        assert_int_equal(i, n);
    }
    if (r < 0) { /* corrupt stays corrupt */
        assert_int_equal(nq_ilist_cursor_next(&c, &got), -1);
        assert_int_equal(nq_ilist_cursor_next_geq(&c, 0xFFFFFFFFu, &got), -1);
    }
    /* Jumps: never crash, never past what decode_all saw. */
    nq_ilist_cursor_init(&c, &l);
    uint32_t target = 0;
    while (nq_ilist_cursor_next_geq(&c, target, &got) == 1 && got < 0xFFFFFF00u)
        target = got + 1 + (uint32_t)rnd_below(rnd_below(2) ? 300 : 3000000);
    free(all);
}

static void test_corrupt_bytes(void **state)
{
    (void)state;
    uint32_t *v = xmalloc(3000 * sizeof *v);
    for (int k = 0; k < K_COUNT; k++) {
        for (int size = 0; size < 2; size++) {
            uint64_t n = size ? 200 + rnd_below(2800) : 1 + rnd_below(130);
            gen((enum kind)k, n, v);
            size_t len;
            uint8_t *good = encode_checked(v, n, &len);
            uint8_t *bad = xmalloc(len);
            for (int t = 0; t < 400; t++) {
                memcpy(bad, good, len);
                int flips = 1 + (int)rnd_below(3);
                for (int f = 0; f < flips; f++) {
                    size_t at = rnd_below(len);
                    if (rnd_below(2))
                        bad[at] ^= (uint8_t)(1u << rnd_below(8));
                    else
                        bad[at] = (uint8_t)rnd();
                }
                decode_everywhere(bad, len, n);
                /* The same bytes read as a list of another length. */
                decode_everywhere(bad, len, rnd_below(n + 300));
            }
            /* Every single bit flipped, on the smaller lists. */
            for (size_t at = 0; len <= 64 && at < len; at++)
                for (unsigned bit = 0; bit < 8; bit++) {
                    memcpy(bad, good, len);
                    bad[at] ^= (uint8_t)(1u << bit);
                    decode_everywhere(bad, len, n);
                }
            free(bad);
            free(good);
        }
    }
    /* Garbage, biased towards small bytes (small gaps and sizes). */
    for (int t = 0; t < 3000; t++) {
        size_t len = rnd_below(rnd_below(2) ? 40 : 1200);
        uint8_t *g = xmalloc(len);
        for (size_t i = 0; i < len; i++)
            g[i] = (uint8_t)(rnd_below(4) ? rnd() : rnd() & 3);
        decode_everywhere(g, len, 1 + rnd_below(rnd_below(2) ? 8 : 400));
        free(g);
    }
    free(v);
}

/* Every truncation of a small list fails to open: the skip area's sizes,
 * the tail varint and the tail's decode (done by open) all see it. */
static void test_truncation(void **state)
{
    (void)state;
    static const uint64_t lengths[] = {1, 2, 3, 50, 127, 128, 129, 300, 384};
    uint32_t v[384];
    for (size_t li = 0; li < sizeof lengths / sizeof *lengths; li++) {
        for (int k = 0; k < K_COUNT; k++) {
            uint64_t n = lengths[li];
            gen((enum kind)k, n, v);
            size_t len;
            uint8_t *good = encode_checked(v, n, &len);
            for (size_t cut = 0; cut < len; cut++) {
                uint8_t *t = xmalloc(cut);
                memcpy(t, good, cut);
                nq_ilist l;
                assert_int_equal(nq_ilist_open(&l, t, cut, n), -1);
                decode_everywhere(t, cut, n);
                free(t);
            }
            /* One byte too many is corrupt as well. */
            uint8_t *longer = xmalloc(len + 1);
            memcpy(longer, good, len);
            longer[len] = 0;
            nq_ilist l;
            assert_int_equal(nq_ilist_open(&l, longer, len + 1, n), -1);
            free(longer);
            free(good);
        }
    }
}

/* Open's own checks on hand-made bytes. */
static void test_open_rejects(void **state)
{
    (void)state;
    nq_ilist l;
    const uint8_t zero = 0;
    assert_int_equal(nq_ilist_open(&l, &zero, 1, 0), -1);       /* n = 0 */
    assert_int_equal(nq_ilist_open(&l, &zero, 0, 1), -1);       /* no tail varint */
    const uint8_t big[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F};       /* t = 2^32 - 1 */
    assert_int_equal(nq_ilist_open(&l, big, sizeof big, 1), -1);
    const uint8_t long0[] = {0x80, 0x00};                       /* 0, not shortest */
    assert_int_equal(nq_ilist_open(&l, long0, sizeof long0, 1), -1);
    const uint8_t narrow[] = {0x7E, 0x00};                      /* gap 126 < 127 */
    assert_int_equal(nq_ilist_open(&l, narrow, sizeof narrow, 128), -1);
    const uint8_t dense_sized[] = {0x7F, 0x01, 0x00};           /* filled range, size 1 */
    assert_int_equal(nq_ilist_open(&l, dense_sized, sizeof dense_sized, 128), -1);
    const uint8_t wide_empty[] = {0x80, 0x01, 0x00};            /* spare slot, size 0 */
    assert_int_equal(nq_ilist_open(&l, wide_empty, sizeof wide_empty, 128), -1);
    const uint8_t pad[] = {0x80, 0x01, 0x01, 0xC0};             /* 0x40 with a padding bit */
    assert_int_equal(nq_ilist_open(&l, pad, sizeof pad, 128), 0); /* payloads are not decoded */
    uint32_t out[128];
    assert_int_equal(nq_ilist_decode_all(&l, out), -1);
    const uint8_t tail_pad[] = {0x09, 0x89};                    /* {2, 5, 9} with a padding bit */
    assert_int_equal(nq_ilist_open(&l, tail_pad, sizeof tail_pad, 3), -1);
    const uint8_t tail_extra[] = {0x09, 0x09, 0x00};            /* a byte past the code */
    assert_int_equal(nq_ilist_open(&l, tail_extra, sizeof tail_extra, 3), -1);
    /* A list too long for 32-bit values. */
    assert_int_equal(nq_ilist_open(&l, &zero, 1, 0x100000000ull), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answers),
        cmocka_unit_test(test_edge_lists),
        cmocka_unit_test(test_round_trip_random),
        cmocka_unit_test(test_cursor),
        cmocka_unit_test(test_corrupt_bytes),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_open_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

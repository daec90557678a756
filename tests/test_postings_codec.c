/* Posting-list block codec (postings_codec.h).
 *
 * The encoder's bytes are compared with an independent reference encoder
 * written here from the format text (bit at a time, every width priced by
 * actually counting bytes), and a known-answer block pins the layout. Every
 * decoding path is compared with the input and with the scalar path, also
 * on corrupted bytes, where the paths must agree on the verdict and the
 * values. Encoded lists are copied into buffers of exactly their length so
 * that ASan sees any read past them. */
#include <setjmp.h>
#include <stdarg.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "postings_codec.h"
#include "testutil.h"

#define MAXV 0xFFFFFFFEu

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
    return tu_splitmix64(&rng_state);
}

static uint64_t rnd_below(uint64_t n)
{
    return n ? rnd() % n : 0;
}

static const nq_simd all_paths[] = {NQ_SIMD_SCALAR, NQ_SIMD_SSE41, NQ_SIMD_AVX2, NQ_SIMD_NEON};
#define N_PATHS (sizeof all_paths / sizeof *all_paths)

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    assert_non_null(p);
    return p;
}

/* ---- reference encoder, from the format text ---- */

static size_t ref_varint(uint8_t *out, uint32_t v)
{
    size_t n = 0;
    do {
        uint8_t byte = v & 0x7F;
        v >>= 7;
        if (v)
            byte |= 0x80;
        if (out)
            out[n] = byte;
        n++;
    } while (v);
    return n;
}

static void ref_put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* One block at width b; out may be NULL to get the size only. Bit t of gap
 * i is bit (i/4)*b + t of lane i%4's stream, whose k-th word is u32 4k+j. */
static size_t ref_block(const uint32_t *gaps, unsigned b, uint8_t *out)
{
    size_t len = 2 + 16 * (size_t)b;
    unsigned e = 0;
    uint8_t idx[128];
    for (unsigned i = 0; i < 128; i++)
        if (b < 32 && (gaps[i] >> b) != 0)
            idx[e++] = (uint8_t)i;
    if (out) {
        out[0] = (uint8_t)b;
        out[1] = (uint8_t)e;
        memset(out + 2, 0, 16 * (size_t)b);
        for (unsigned i = 0; i < 128; i++) {
            for (unsigned t = 0; t < b; t++) {
                if (!((gaps[i] >> t) & 1))
                    continue;
                unsigned j = i % 4, pos = (i / 4) * b + t, k = pos / 32, bit = pos % 32;
                out[2 + 4 * (4 * k + j) + bit / 8] |= (uint8_t)(1u << (bit % 8));
            }
        }
        memcpy(out + len, idx, e);
    }
    len += e;
    for (unsigned x = 0; x < e; x++)
        len += ref_varint(out ? out + len : NULL, gaps[idx[x]] >> b);
    return len;
}

static unsigned ref_choose(const uint32_t *gaps)
{
    unsigned best = 0;
    size_t best_len = SIZE_MAX;
    for (unsigned b = 0; b <= 32; b++) {
        size_t len = ref_block(gaps, b, NULL);
        if (len < best_len) {
            best_len = len;
            best = b;
        }
    }
    return best;
}

/* The whole list; returns its length. out holds nq_plist_bound(n). */
static size_t ref_encode(const uint32_t *v, uint64_t n, uint8_t *out)
{
    uint64_t nb = n / 128;
    uint8_t *blocks = out + 8 * nb;
    size_t off = 0;
    uint32_t prev = 0xFFFFFFFFu, gaps[128];
    for (uint64_t k = 0; k < nb; k++) {
        for (unsigned i = 0; i < 128; i++) {
            gaps[i] = v[k * 128 + i] - prev - 1;
            prev = v[k * 128 + i];
        }
        off += ref_block(gaps, ref_choose(gaps), blocks + off);
        ref_put_u32(out + 8 * k, prev);
        ref_put_u32(out + 8 * k + 4, (uint32_t)off);
    }
    for (uint64_t i = nb * 128; i < n; i++) {
        off += ref_varint(blocks + off, v[i] - prev - 1);
        prev = v[i];
    }
    return 8 * nb + off;
}

/* ---- list generators ---- */

enum kind { K_DENSE, K_GEOM1, K_GEOM20, K_GEOM3000, K_UNIFORM, K_SPIKES, K_TOP, K_MIXED, K_COUNT };

/* A geometric gap with mean about m. */
static uint32_t geom(double m)
{
    double u = ((double)(rnd() >> 11) + 0.5) / 9007199254740992.0;
    double g = -log(u) * m;
    return g > 4e9 ? 4000000000u : (uint32_t)g;
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

/* Encodes v, checks it against the reference and the bound, and returns a
 * malloc'd copy of exactly *len bytes. */
static uint8_t *encode_checked(const uint32_t *v, uint64_t n, size_t *len)
{
    size_t bound = nq_plist_bound(n);
    uint8_t *a = xmalloc(bound), *b = xmalloc(bound), *r = xmalloc(bound);
    memset(a, 0xAA, bound);
    memset(b, 0x55, bound);
    size_t la = nq_plist_encode(v, n, a), lb = nq_plist_encode(v, n, b), lr = ref_encode(v, n, r);
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
    nq_plist p;
    assert_int_equal(nq_plist_open(&p, data, len, n), 0);
    uint64_t blocks = nq_plist_blocks(&p);
    assert_int_equal(blocks, (n + 127) / 128);
    for (uint64_t k = 0; k < blocks; k++) {
        uint64_t last = k + 1 < blocks || n % 128 == 0 ? k * 128 + 127 : n - 1;
        assert_int_equal(nq_plist_block_last(&p, k), v[last]);
    }
    uint32_t *out = xmalloc(n * sizeof *out);
    uint32_t buf[128];
    for (size_t s = 0; s < N_PATHS; s++) {
        if (!nq_simd_available(all_paths[s]))
            continue;
        memset(out, 0xCD, n * sizeof *out);
        assert_int_equal(nq_plist_decode_all(&p, out, all_paths[s]), 0);
        assert_memory_equal(out, v, n * sizeof *v);
        for (uint64_t k = 0; k < blocks; k++) {
            int c = nq_plist_decode_block(&p, k, buf, all_paths[s]);
            assert_int_equal(c, k + 1 < blocks || n % 128 == 0 ? 128 : (int)(n % 128));
            assert_memory_equal(buf, v + k * 128, (size_t)c * sizeof *buf);
        }
    }
    free(out);
}

static void round_trip(const uint32_t *v, uint64_t n)
{
    size_t len;
    uint8_t *data = encode_checked(v, n, &len);
    check_decode(data, len, v, n);
    free(data);
}

/* ---- tests ---- */

static void test_simd_names(void **state)
{
    (void)state;
    nq_simd s;
    for (size_t i = 0; i < N_PATHS; i++) {
        assert_int_equal(nq_simd_parse(nq_simd_name(all_paths[i]), &s), 0);
        assert_int_equal(s, all_paths[i]);
    }
    assert_string_equal(nq_simd_name(NQ_SIMD_SSE41), "sse4.1");
    assert_int_equal(nq_simd_parse("sse5", &s), -1);
    assert_int_equal(nq_simd_parse("best", &s), 0);
    assert_int_equal(s, nq_simd_best());
    assert_true(nq_simd_available(nq_simd_best()));
    assert_true(nq_simd_available(NQ_SIMD_SCALAR));
#if defined(__aarch64__)
    assert_int_equal(nq_simd_best(), NQ_SIMD_NEON);
#endif
    print_message("best path: %s\n", nq_simd_name(nq_simd_best()));
}

/* 128 gaps i % 8, except gap 5 = 1000: width 3 with one exception. */
static void test_known_answer_block(void **state)
{
    (void)state;
    uint32_t v[128];
    int64_t cur = -1;
    for (unsigned i = 0; i < 128; i++) {
        cur += (i == 5 ? 1000 : i % 8) + 1;
        v[i] = (uint32_t)cur;
    }
    assert_int_equal(v[127], 1570);
    uint8_t out[1024];
    size_t len = nq_plist_encode(v, 128, out);
    /* skip table, then b=3 e=1, 48 packed bytes, index 5, varint 1000>>3. */
    assert_int_equal(len, 8 + 2 + 48 + 1 + 1);
    static const uint8_t head[] = {
        0x22, 0x06, 0x00, 0x00, 0x34, 0x00, 0x00, 0x00, /* last 1570, end 52 */
        0x03, 0x01,                                     /* b, e */
        0x20, 0x08, 0x82, 0x20,                         /* lane 0, word 0: 0x20820820 */
        0x41, 0x9a, 0xa6, 0x69,                         /* lane 1, word 0: 0x69a69a41 */
        0xb2, 0x2c, 0xcb, 0xb2,                         /* lane 2, word 0: 0xb2cb2cb2 */
        0xfb, 0xbe, 0xef, 0xfb,                         /* lane 3, word 0: 0xfbefbefb */
        0x08, 0x82, 0x20, 0x08,                         /* lane 0, word 1: 0x08208208 */
    };
    assert_memory_equal(out, head, sizeof head);
    assert_int_equal(out[8 + 2 + 48], 5);
    assert_int_equal(out[8 + 2 + 48 + 1], 125);
    check_decode(out, len, v, 128);

    /* A tail only: {0, 5, 300} is 0x00, 0x04, 294 = 0xA6 0x02. */
    const uint32_t t[] = {0, 5, 300};
    static const uint8_t tail[] = {0x00, 0x04, 0xA6, 0x02};
    assert_int_equal(nq_plist_encode(t, 3, out), sizeof tail);
    assert_memory_equal(out, tail, sizeof tail);
    check_decode(out, sizeof tail, t, 3);
}

static void test_edge_lists(void **state)
{
    (void)state;
    const uint32_t one0[] = {0}, one_max[] = {MAXV}, two_max[] = {0, MAXV}, mid[] = {123456789};
    round_trip(one0, 1);
    round_trip(one_max, 1);
    round_trip(two_max, 2);
    round_trip(mid, 1);
    /* A full block ending at MAXV after one maximal gap. */
    uint32_t v[257];
    v[0] = 0;
    for (unsigned i = 1; i < 257; i++)
        v[i] = MAXV - 256 + i;
    round_trip(v, 257);
    round_trip(v, 256);
    round_trip(v, 128);
    round_trip(v + 1, 256); /* dense, ending at MAXV */
    /* Dense from 0: every gap 0, width 0, 2 bytes a block. */
    uint32_t *d = xmalloc(100000 * sizeof *d);
    for (unsigned i = 0; i < 100000; i++)
        d[i] = i;
    size_t len;
    uint8_t *data = encode_checked(d, 100000, &len);
    assert_int_equal(len, (100000 / 128) * 10 + 100000 % 128);
    check_decode(data, len, d, 100000);
    free(data);
    free(d);
}

static void test_round_trip_random(void **state)
{
    (void)state;
    static const uint64_t lengths[] = {1, 2, 3, 127, 128, 129, 255, 256, 257, 1000, 100000};
    uint32_t *v = xmalloc(100000 * sizeof *v);
    for (size_t li = 0; li < sizeof lengths / sizeof *lengths; li++)
        for (int k = 0; k < K_COUNT; k++)
            for (int rep = 0; rep < (lengths[li] < 1000 ? 4 : 1); rep++) {
                gen((enum kind)k, lengths[li], v);
                round_trip(v, lengths[li]);
            }
    free(v);
}

/* Every width 0..32 with and without exceptions, through a hand-built
 * one-block list (the decoder checks only the skip table's last, so any
 * gaps do): every kernel's every width against the input. */
static void test_all_widths(void **state)
{
    (void)state;
    uint8_t block[8 + 2 + 512 + 128 + 128 * 5];
    uint32_t gaps[128], want[128], out[128];
    for (unsigned b = 0; b <= 32; b++) {
        for (int rep = 0; rep < 40; rep++) {
            uint32_t mask = b == 32 ? 0xFFFFFFFFu : (1u << b) - 1;
            for (unsigned i = 0; i < 128; i++) {
                gaps[i] = (uint32_t)rnd() & mask;
                if (rep % 4 == 1) /* top bit set: every field full width */
                    gaps[i] |= b ? 1u << (b - 1) : 0;
                if (rep % 2 == 1 && b < 32 && rnd_below(10) == 0) /* exceptions */
                    gaps[i] |= (uint32_t)((rnd() | 1) << b);
            }
            if (rep == 2 && b < 32) /* every gap an exception */
                for (unsigned i = 0; i < 128; i++)
                    gaps[i] |= 1u << b;
            uint32_t cur = 0xFFFFFFFFu;
            for (unsigned i = 0; i < 128; i++)
                want[i] = cur += gaps[i] + 1;
            if (want[127] < 127)
                continue; /* open would reject this last, rightly */
            size_t blen = ref_block(gaps, b, block + 8);
            ref_put_u32(block, want[127]);
            ref_put_u32(block + 4, (uint32_t)blen);
            uint8_t *exact = xmalloc(8 + blen);
            memcpy(exact, block, 8 + blen);
            nq_plist p;
            assert_int_equal(nq_plist_open(&p, exact, 8 + blen, 128), 0);
            for (size_t s = 0; s < N_PATHS; s++) {
                if (!nq_simd_available(all_paths[s]))
                    continue;
                memset(out, 0xCD, sizeof out);
                assert_int_equal(nq_plist_decode_block(&p, 0, out, all_paths[s]), 128);
                assert_memory_equal(out, want, sizeof want);
            }
            free(exact);
        }
    }
}

/* seek_block and the cursor against linear scans. */
static void test_seek_and_cursor(void **state)
{
    (void)state;
    static const uint64_t lengths[] = {1, 5, 128, 129, 300, 1000, 5000, 40000};
    uint32_t *v = xmalloc(40000 * sizeof *v);
    for (size_t li = 0; li < sizeof lengths / sizeof *lengths; li++) {
        uint64_t n = lengths[li];
        for (int k = 0; k < K_COUNT; k++) {
            gen((enum kind)k, n, v);
            size_t len;
            uint8_t *data = encode_checked(v, n, &len);
            nq_plist p;
            assert_int_equal(nq_plist_open(&p, data, len, n), 0);
            uint64_t blocks = nq_plist_blocks(&p);
            for (int t = 0; t < 200; t++) {
                uint32_t target = rnd_below(3) ? v[rnd_below(n)] + (uint32_t)rnd_below(3) - 1
                                               : (uint32_t)rnd();
                uint64_t from = rnd_below(blocks + 2);
                uint64_t want = from < blocks ? from : blocks;
                while (want < blocks && nq_plist_block_last(&p, want) < target)
                    want++;
                assert_int_equal(nq_plist_seek_block(&p, from, target), want);
            }
            for (size_t s = 0; s < N_PATHS; s++) {
                if (!nq_simd_available(all_paths[s]))
                    continue;
                /* Ascending targets, some repeated, some skipping far. */
                nq_plist_cursor c;
                nq_plist_cursor_init(&c, &p, all_paths[s]);
                uint64_t i = 0;
                uint32_t target = 0, got;
                for (;;) {
                    uint32_t step = rnd_below(4) == 0 ? 0 : (uint32_t)rnd_below(rnd_below(2) ? 50 : 200000);
                    if (target > MAXV + 1u - step - 1u)
                        break;
                    target += step;
                    while (i < n && v[i] < target)
                        i++;
                    int r = nq_plist_cursor_next_geq(&c, target, &got);
                    if (i == n) {
                        assert_int_equal(r, 0);
                        assert_int_equal(nq_plist_cursor_next_geq(&c, target, &got), 0);
                        break;
                    }
                    assert_int_equal(r, 1);
                    assert_int_equal(got, v[i]);
                    if (rnd_below(3) == 0) { /* interleave next() */
                        r = nq_plist_cursor_next(&c, &got);
                        if (++i == n) {
                            assert_int_equal(r, 0);
                            break;
                        }
                        assert_int_equal(r, 1);
                        assert_int_equal(got, v[i]);
                        target = got;
                    }
                }
                /* next() alone walks the whole list. */
                nq_plist_cursor_init(&c, &p, all_paths[s]);
                for (i = 0; i < n; i++) {
                    assert_int_equal(nq_plist_cursor_next(&c, &got), 1);
                    assert_int_equal(got, v[i]);
                }
                assert_int_equal(nq_plist_cursor_next(&c, &got), 0);
            }
            free(data);
        }
    }
    free(v);
}

/* Decodes a possibly corrupt list on every path; the paths must agree on
 * each block's verdict and values. Never crashes; ASan watches the reads. */
static void decode_everywhere(const uint8_t *data, size_t len, uint64_t n)
{
    nq_plist p;
    if (nq_plist_open(&p, data, len, n) < 0)
        return;
    uint32_t want[128], out[128];
    for (uint64_t k = 0; k < nq_plist_blocks(&p); k++) {
        int r0 = nq_plist_decode_block(&p, k, want, NQ_SIMD_SCALAR);
        for (size_t s = 1; s < N_PATHS; s++) {
            if (!nq_simd_available(all_paths[s]))
                continue;
            int r = nq_plist_decode_block(&p, k, out, all_paths[s]);
            assert_int_equal(r, r0);
            if (r0 > 0)
                assert_memory_equal(out, want, (size_t)r0 * sizeof *out);
        }
    }
    uint32_t *all = xmalloc(n * sizeof *all);
    (void)nq_plist_decode_all(&p, all, nq_simd_best());
    free(all);
    nq_plist_cursor c;
    nq_plist_cursor_init(&c, &p, nq_simd_best());
    uint32_t got, target = 0;
    while (nq_plist_cursor_next_geq(&c, target, &got) == 1 && got < 0xFFFFFF00u)
        target = got + 1 + (uint32_t)rnd_below(300);
}

static void test_corrupt_bytes(void **state)
{
    (void)state;
    uint32_t *v = xmalloc(3000 * sizeof *v);
    for (int k = 0; k < K_COUNT; k++) {
        uint64_t n = 200 + rnd_below(2800);
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
        free(bad);
        free(good);
    }
    /* Pure garbage. */
    for (int t = 0; t < 2000; t++) {
        size_t len = rnd_below(1200);
        uint8_t *g = xmalloc(len);
        for (size_t i = 0; i < len; i++)
            g[i] = (uint8_t)(rnd_below(4) ? rnd() : rnd() & 3);
        decode_everywhere(g, len, rnd_below(400));
        free(g);
    }
    free(v);
}

/* Every truncation of a small list must fail to open: the skip table, the
 * block ends and the tail's exact length all see it. */
static void test_truncation(void **state)
{
    (void)state;
    static const uint64_t lengths[] = {1, 3, 128, 300, 384};
    uint32_t v[384];
    for (size_t li = 0; li < sizeof lengths / sizeof *lengths; li++) {
        uint64_t n = lengths[li];
        gen(K_SPIKES, n, v);
        size_t len;
        uint8_t *good = encode_checked(v, n, &len);
        for (size_t cut = 0; cut < len; cut++) {
            uint8_t *t = xmalloc(cut);
            memcpy(t, good, cut);
            nq_plist p;
            assert_int_equal(nq_plist_open(&p, t, cut, n), -1);
            decode_everywhere(t, cut, n);
            free(t);
        }
        /* One byte too many is corrupt as well. */
        uint8_t *longer = xmalloc(len + 1);
        memcpy(longer, good, len);
        longer[len] = 0;
        nq_plist p;
        assert_int_equal(nq_plist_open(&p, longer, len + 1, n), -1);
        free(longer);
        free(good);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simd_names),
        cmocka_unit_test(test_known_answer_block),
        cmocka_unit_test(test_edge_lists),
        cmocka_unit_test(test_round_trip_random),
        cmocka_unit_test(test_all_widths),
        cmocka_unit_test(test_seek_and_cursor),
        cmocka_unit_test(test_corrupt_bytes),
        cmocka_unit_test(test_truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

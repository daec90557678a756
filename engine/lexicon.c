#include "lexicon.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "format.h"
#include "varint.h"

enum { LEXS_HEADER = 24, LEXF_HEADER = 16 };

static uint64_t load_u64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static void store_u64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

static size_t common_prefix(const char *a, size_t al, const char *b, size_t bl)
{
    size_t n = al < bl ? al : bl, i = 0;
    while (i < n && a[i] == b[i])
        i++;
    return i;
}

nq_status nq_lexicon_encode_strings(const char *const *terms, const uint32_t *lens, uint64_t n,
                                    uint8_t **out, size_t *out_len, nq_error *err)
{
    uint64_t n_blocks = (n + NQ_LEX_BLOCK - 1) / NQ_LEX_BLOCK;
    size_t bound = LEXS_HEADER + (n_blocks + 1) * 8, max_len = 0;
    for (uint64_t i = 0; i < n; i++) {
        bound += lens[i] + 20;
        if (lens[i] > max_len)
            max_len = lens[i];
    }
    uint8_t *buf = malloc(bound);
    if (!buf)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory encoding the lexicon");
    store_u64(buf, n);
    store_u64(buf + 8, n_blocks);
    store_u64(buf + 16, max_len);
    uint8_t *offs = buf + LEXS_HEADER, *data = offs + (n_blocks + 1) * 8, *p = data;
    for (uint64_t i = 0; i < n; i++) {
        if (i % NQ_LEX_BLOCK == 0) {
            store_u64(offs + (i / NQ_LEX_BLOCK) * 8, (uint64_t)(p - data));
            p += nq_varint_put(p, lens[i]);
            memcpy(p, terms[i], lens[i]);
            p += lens[i];
            continue;
        }
        size_t shared = common_prefix(terms[i - 1], lens[i - 1], terms[i], lens[i]);
        p += nq_varint_put(p, shared);
        p += nq_varint_put(p, lens[i] - shared);
        memcpy(p, terms[i] + shared, lens[i] - shared);
        p += lens[i] - shared;
    }
    store_u64(offs + n_blocks * 8, (uint64_t)(p - data));
    *out = buf;
    *out_len = (size_t)(p - buf);
    return NQ_OK;
}

nq_status nq_lexicon_encode_freqs(const uint32_t *cf, const uint32_t *df, uint64_t n,
                                  uint8_t **out, size_t *out_len, nq_error *err)
{
    uint32_t max_cf = 0, max_df = 0;
    for (uint64_t i = 0; i < n; i++) {
        if (cf[i] > max_cf)
            max_cf = cf[i];
        if (df[i] > max_df)
            max_df = df[i];
    }
    unsigned wc = nq_bits_for(max_cf), wd = nq_bits_for(max_df);
    size_t bc = nq_bitpack_bytes(n, wc), bd = nq_bitpack_bytes(n, wd);
    uint8_t *buf = calloc(1, LEXF_HEADER + bc + bd);
    if (!buf)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory encoding term frequencies");
    store_u64(buf, n);
    buf[8] = (uint8_t)wc;
    buf[9] = (uint8_t)wd;
    nq_bitpack_write32(buf + LEXF_HEADER, cf, n, wc);
    nq_bitpack_write32(buf + LEXF_HEADER + bc, df, n, wd);
    *out = buf;
    *out_len = LEXF_HEADER + bc + bd;
    return NQ_OK;
}

nq_status nq_lexicon_open(nq_lexicon *lex, const uint8_t *s, size_t s_len, const uint8_t *f,
                          size_t f_len, nq_error *err)
{
    memset(lex, 0, sizeof *lex);
    if (s_len < LEXS_HEADER || f_len < LEXF_HEADER)
        return nq_fail(err, NQ_ERR_CORRUPT, "lexicon section too short");
    lex->n_terms = load_u64(s);
    lex->n_blocks = load_u64(s + 8);
    if (lex->n_blocks != (lex->n_terms + NQ_LEX_BLOCK - 1) / NQ_LEX_BLOCK ||
        (s_len - LEXS_HEADER) / 8 < lex->n_blocks + 1 || lex->n_terms >= NQ_ID_MARK)
        return nq_fail(err, NQ_ERR_CORRUPT, "lexicon: inconsistent term and block counts");
    lex->block_offsets = s + LEXS_HEADER;
    lex->data = lex->block_offsets + (lex->n_blocks + 1) * 8;
    lex->data_len = s_len - (size_t)(lex->data - s);
    uint64_t prev = 0;
    for (uint64_t b = 0; b <= lex->n_blocks; b++) {
        uint64_t o = load_u64(lex->block_offsets + b * 8);
        if (o < prev || o > lex->data_len)
            return nq_fail(err, NQ_ERR_CORRUPT, "lexicon: block offset %llu out of range",
                           (unsigned long long)b);
        prev = o;
    }
    unsigned wc = f[8], wd = f[9];
    uint64_t n = load_u64(f);
    if (n != lex->n_terms || wc > 32 || wd > 32 ||
        LEXF_HEADER + nq_bitpack_bytes(n, wc) + nq_bitpack_bytes(n, wd) > f_len)
        return nq_fail(err, NQ_ERR_CORRUPT, "lexicon frequencies: bad header");
    nq_packed_init(&lex->cf, f + LEXF_HEADER, n, wc);
    nq_packed_init(&lex->df, f + LEXF_HEADER + nq_bitpack_bytes(n, wc), n, wd);
    return NQ_OK;
}

/* Walks the terms of one block. The term is rebuilt in buf; when a term is
 * longer than buf only its first cap bytes are kept, which is enough for
 * every comparison below (they stop at the query's length + 1). */
typedef struct block_walk {
    const uint8_t *p, *end;
    char *buf;
    size_t cap;
    size_t len;      /* full length of the current term */
    int first;
} block_walk;

static void walk_start(const nq_lexicon *lex, uint64_t block, block_walk *w, char *buf, size_t cap)
{
    uint64_t lo = load_u64(lex->block_offsets + block * 8);
    uint64_t hi = load_u64(lex->block_offsets + (block + 1) * 8);
    w->p = lex->data + lo;
    w->end = lex->data + hi;
    w->buf = buf;
    w->cap = cap;
    w->len = 0;
    w->first = 1;
}

static int walk_next(block_walk *w)
{
    uint64_t shared = 0, suffix;
    if (w->p >= w->end)
        return 0;
    if (!w->first && nq_varint_get(&w->p, w->end, &shared))
        return 0;
    if (nq_varint_get(&w->p, w->end, &suffix) || suffix > (uint64_t)(w->end - w->p) || shared > w->len)
        return 0;
    w->first = 0;
    if (shared < w->cap) {
        size_t room = w->cap - (size_t)shared;
        memcpy(w->buf + shared, w->p, suffix < room ? suffix : room);
    }
    w->p += suffix;
    w->len = (size_t)(shared + suffix);
    return 1;
}

static int compare_term(const block_walk *w, const char *key, size_t len)
{
    size_t have = w->len < w->cap ? w->len : w->cap;
    size_t n = have < len ? have : len;
    int c = memcmp(w->buf, key, n);
    if (c)
        return c;
    return (w->len > len) - (w->len < len);
}

/* The predicate of a bound search: term >= key, or (prefix mode) the term's
 * first len bytes > key. Both are monotone over sorted terms. */
static int past(const block_walk *w, const char *key, size_t len, int prefix_mode)
{
    if (!prefix_mode)
        return compare_term(w, key, len) >= 0;
    /* A truncated term equal to a prefix of the key is not past it. */
    size_t have = w->len < len ? w->len : len;
    return memcmp(w->buf, key, have) > 0;
}

static uint64_t bound(const nq_lexicon *lex, const char *key, size_t len, int prefix_mode)
{
    char stack[512];
    char *buf = stack;
    size_t cap = sizeof stack;
    if (len + 1 > cap) {
        buf = malloc(len + 1);
        cap = buf ? len + 1 : sizeof stack;
        if (!buf)
            buf = stack;
    }
    block_walk w;
    /* Last block whose first term is not past the key. */
    uint64_t lo = 0, hi = lex->n_blocks;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        walk_start(lex, mid, &w, buf, cap);
        if (walk_next(&w) && past(&w, key, len, prefix_mode))
            hi = mid;
        else
            lo = mid + 1;
    }
    uint64_t result = lo * NQ_LEX_BLOCK;
    if (lo > 0) {
        uint64_t id = (lo - 1) * NQ_LEX_BLOCK;
        walk_start(lex, lo - 1, &w, buf, cap);
        while (walk_next(&w) && !past(&w, key, len, prefix_mode))
            id++;
        result = id;
    }
    if (buf != stack)
        free(buf);
    return result < lex->n_terms ? result : lex->n_terms;
}

uint32_t nq_lexicon_find(const nq_lexicon *lex, const char *term, size_t len)
{
    uint64_t id = bound(lex, term, len, 0);
    if (id >= lex->n_terms)
        return NQ_ID_NONE;
    char stack[512];
    size_t got = nq_lexicon_term(lex, (uint32_t)id, stack, sizeof stack);
    if (got != len)
        return NQ_ID_NONE;
    if (len < sizeof stack)
        return memcmp(stack, term, len) == 0 ? (uint32_t)id : NQ_ID_NONE;
    char *big = malloc(len + 1);
    if (!big)
        return NQ_ID_NONE;
    nq_lexicon_term(lex, (uint32_t)id, big, len + 1);
    uint32_t r = memcmp(big, term, len) == 0 ? (uint32_t)id : NQ_ID_NONE;
    free(big);
    return r;
}

void nq_lexicon_prefix_range(const nq_lexicon *lex, const char *prefix, size_t len, uint32_t *lo,
                             uint32_t *hi)
{
    *lo = (uint32_t)bound(lex, prefix, len, 0);
    *hi = (uint32_t)bound(lex, prefix, len, 1);
    if (*hi < *lo)
        *hi = *lo;
}

size_t nq_lexicon_term(const nq_lexicon *lex, uint32_t id, char *buf, size_t cap)
{
    if (id >= lex->n_terms || cap == 0)
        return 0;
    block_walk w;
    walk_start(lex, id / NQ_LEX_BLOCK, &w, buf, cap - 1);
    for (uint32_t i = 0; i <= id % NQ_LEX_BLOCK; i++)
        if (!walk_next(&w))
            return 0;
    buf[w.len < cap - 1 ? w.len : cap - 1] = 0;
    return w.len;
}

#include "structure.h"

#include <stdlib.h>

#include "error.h"
#include "format.h"

/* The build targets baseline x86-64, where __builtin_popcountll is a call
 * to libgcc's table-driven __popcountdi2: 10 % of a first kwic on a 1 GB
 * index went there, checking the rank directories at open. The loops that
 * count bits get a POPCNT clone as well, chosen at load time. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__POPCNT__)
#define NQ_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define NQ_POPCNT_CLONES
#endif

static size_t pad8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static size_t bitrank_bytes(uint64_t n)
{
    return pad8((size_t)((n + 63) / 64) * 8) + pad8((size_t)((n + 511) / 512 + 1) * 4);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

/* Fills the rank directory after the bits. */
NQ_POPCNT_CLONES static void build_rank(uint8_t *bits, uint64_t n)
{
    uint8_t *rank = bits + pad8((size_t)((n + 63) / 64) * 8);
    uint64_t words = (n + 63) / 64, total = 0;
    for (uint64_t w = 0; w < words; w++) {
        if (w % 8 == 0)
            put_u32(rank + 4 * (w / 8), (uint32_t)total);
        total += (uint64_t)__builtin_popcountll(nq_load_u64(bits + 8 * w));
    }
    put_u32(rank + 4 * ((n + 511) / 512), (uint32_t)total);
}

static void set_bit(uint8_t *bits, uint64_t p)
{
    bits[p >> 3] |= (uint8_t)(1u << (p & 7));
}

nq_status nq_structure_encode(const uint32_t *stream, uint64_t len, const uint64_t *doc_stream_start,
                              uint64_t n_docs, uint64_t tokens, uint8_t **out, size_t *out_len,
                              nq_error *err)
{
    size_t docs_bytes = pad8((size_t)(n_docs + 1) * 4), br = bitrank_bytes(tokens);
    size_t total = 16 + docs_bytes + 2 * br;
    uint8_t *buf = calloc(1, total);
    if (!buf)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory encoding the corpus structure");
    memcpy(buf, &tokens, 8);
    memcpy(buf + 8, &n_docs, 8);
    uint8_t *docs = buf + 16, *sent = docs + docs_bytes, *para = sent + br;
    uint64_t pos = 0, d = 0;
    for (uint64_t i = 0; i < len; i++) {
        while (d < n_docs && doc_stream_start[d] == i)
            put_u32(docs + 4 * d++, (uint32_t)pos);
        uint32_t id = stream[i];
        if (id == NQ_ID_PARA_BREAK) {
            set_bit(para, pos);
            set_bit(sent, pos);
        } else if (id == NQ_ID_SENT_BREAK) {
            set_bit(sent, pos);
        } else {
            pos++;
        }
    }
    while (d <= n_docs)
        put_u32(docs + 4 * d++, (uint32_t)pos);
    if (pos != tokens) {
        free(buf);
        return nq_fail(err, NQ_ERR_ARG, "token stream holds %llu tokens, expected %llu",
                       (unsigned long long)pos, (unsigned long long)tokens);
    }
    build_rank(sent, tokens);
    build_rank(para, tokens);
    *out = buf;
    *out_len = total;
    return NQ_OK;
}

NQ_POPCNT_CLONES static int check_bitrank(const nq_bitrank *b)
{
    uint64_t words = (b->n + 63) / 64, total = 0;
    for (uint64_t w = 0; w < words; w++) {
        if (w % 8 == 0 && nq_load_u32(b->rank + 4 * (w / 8)) != total)
            return -1;
        total += (uint64_t)__builtin_popcountll(nq_load_u64(b->bits + 8 * w));
    }
    if (b->n % 64 && nq_load_u64(b->bits + 8 * (words - 1)) >> (b->n % 64))
        return -1; /* bits past the end */
    return nq_load_u32(b->rank + 4 * ((b->n + 511) / 512)) == total ? 0 : -1;
}

nq_status nq_structure_open(nq_structure *s, const uint8_t *data, size_t len, nq_error *err)
{
    memset(s, 0, sizeof *s);
    if (len < 16)
        return nq_fail(err, NQ_ERR_CORRUPT, "section STRC: %zu bytes, too short", len);
    s->tokens = nq_load_u64(data);
    s->docs = nq_load_u64(data + 8);
    if (s->tokens >= UINT32_MAX || s->docs >= UINT32_MAX ||
        16 + pad8((size_t)(s->docs + 1) * 4) + 2 * bitrank_bytes(s->tokens) != len)
        return nq_fail(err, NQ_ERR_CORRUPT, "section STRC: size does not match %llu tokens in %llu documents",
                       (unsigned long long)s->tokens, (unsigned long long)s->docs);
    s->doc_start = data + 16;
    uint32_t prev = 0;
    for (uint64_t d = 0; d <= s->docs; d++) {
        uint32_t v = nq_doc_start(s, d);
        if (v < prev || (d == 0 && v != 0) || (d == s->docs && v != s->tokens))
            return nq_fail(err, NQ_ERR_CORRUPT, "section STRC: document %llu starts out of order",
                           (unsigned long long)d);
        prev = v;
    }
    const uint8_t *p = s->doc_start + pad8((size_t)(s->docs + 1) * 4);
    nq_bitrank *br[2] = {&s->sent, &s->para};
    for (int k = 0; k < 2; k++) {
        br[k]->n = s->tokens;
        br[k]->bits = p;
        br[k]->rank = p + pad8((size_t)((s->tokens + 63) / 64) * 8);
        p += bitrank_bytes(s->tokens);
        if (check_bitrank(br[k]))
            return nq_fail(err, NQ_ERR_CORRUPT, "section STRC: %s bitmap and its rank directory disagree",
                           k ? "paragraph" : "sentence");
    }
    return NQ_OK;
}

/* Clones only of static functions: clang 14 leaves an exported clone's
 * symbol undefined for callers in other files. */
NQ_POPCNT_CLONES static uint64_t bitrank_rank(const nq_bitrank *b, uint64_t p)
{
    uint64_t r = nq_load_u32(b->rank + 4 * (p >> 9));
    for (uint64_t w = (p >> 9) * 8; w < p >> 6; w++)
        r += (uint64_t)__builtin_popcountll(nq_load_u64(b->bits + 8 * w));
    if (p & 63)
        r += (uint64_t)__builtin_popcountll(nq_load_u64(b->bits + 8 * (p >> 6)) << (64 - (p & 63)));
    return r;
}

uint64_t nq_bitrank_rank(const nq_bitrank *b, uint64_t p)
{
    return bitrank_rank(b, p);
}

int nq_bitrank_any(const nq_bitrank *b, uint64_t p, uint64_t q)
{
    if (q <= p)
        return 0;
    uint64_t lo = p + 1;
    for (uint64_t w = lo >> 6; w <= q >> 6; w++) {
        uint64_t word = nq_load_u64(b->bits + 8 * w);
        if (w == lo >> 6)
            word &= ~0ull << (lo & 63);
        if (w == q >> 6 && (q & 63) != 63)
            word &= (2ull << (q & 63)) - 1;
        if (word)
            return 1;
    }
    return 0;
}

/* The first document in [lo, hi] whose end is after p (one exists: hi's). */
static uint64_t first_ending_after(const nq_structure *s, uint64_t lo, uint64_t hi, uint64_t p)
{
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (nq_doc_start(s, mid + 1) <= p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint64_t nq_structure_doc_of(const nq_structure *s, uint64_t p)
{
    /* the last document starting at or before p: empty documents before a
     * full one share its start and are skipped */
    return first_ending_after(s, 0, s->docs - 1, p);
}

uint64_t nq_structure_doc_from(const nq_structure *s, uint64_t doc, uint64_t p)
{
    if (nq_doc_start(s, doc + 1) > p)
        return doc;
    uint64_t step = 1, lo = doc + 1, hi;
    for (;;) {
        hi = lo + step;
        if (hi >= s->docs || nq_doc_start(s, hi + 1) > p)
            break;
        lo = hi + 1;
        step *= 2;
    }
    return first_ending_after(s, lo, hi < s->docs - 1 ? hi : s->docs - 1, p);
}

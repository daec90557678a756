#include "text_store.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "ascii.h"
#include "error.h"
#include "varint.h"
#include "vec.h"

enum { DIR_HEAD = 24, DIR_ENTRY = 40 };

#define NO_BLOCK UINT64_MAX

/* ---- little-endian loads and stores (format.h refuses big-endian hosts) ---- */

static uint64_t ld64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static void st64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* ---- the span predictor (part of the format: see text_store.h) ---- */

/* Decodes the non-ASCII character at t[p] (p < len) by its lead byte; *n
 * gets its length. Anything that is not a lead byte with its continuation
 * bytes is a one-byte character that no rule treats as a word character. */
static uint32_t decode_multi(const uint8_t *t, size_t len, size_t p, size_t *n)
{
    uint32_t b = t[p];
    size_t need = b >= 0xC2 && b <= 0xDF   ? 1
                  : b >= 0xE0 && b <= 0xEF ? 2
                  : b >= 0xF0 && b <= 0xF4 ? 3
                                           : 0;
    *n = 1;
    if (need == 0 || len - p <= need)
        return 0xFFFFFFFFu;
    uint32_t cp = b & (0x3F >> need);
    for (size_t i = 1; i <= need; i++) {
        if ((t[p + i] & 0xC0) != 0x80)
            return 0xFFFFFFFFu;
        cp = cp << 6 | (t[p + i] & 0x3F);
    }
    *n = need + 1;
    return cp;
}

/* The character at t[p] (p < len), ASCII inline: the scans below spend
 * most of their time on ASCII. */
static inline uint32_t char_at(const uint8_t *t, size_t len, size_t p, size_t *n)
{
    if (t[p] < 0x80) {
        *n = 1;
        return t[p];
    }
    return decode_multi(t, len, p, n);
}

static inline int ascii_alnum(uint32_t c)
{
    return c - '0' < 10u || (c | 0x20) - 'a' < 26u;
}

/* A fixed approximation of L*, M*, N* above ASCII: no Unicode tables, so
 * old files keep decoding whatever Unicode version the engine is built with. */
static int is_word_multi(uint32_t c)
{
    if (c < 0xC0)
        return c == 0xAA || c == 0xB2 || c == 0xB3 || c == 0xB5 || c == 0xB9 || c == 0xBA ||
               (c >= 0xBC && c <= 0xBE);
    if (c == 0xD7 || c == 0xF7 || c == 0xFFFFFFFFu)
        return 0;
    return !((c >= 0x2000 && c <= 0x2BFF) || (c >= 0x2E00 && c <= 0x2E7F) ||
             (c >= 0x3000 && c <= 0x303F) || (c >= 0xFE10 && c <= 0xFE6F) ||
             (c >= 0xFF00 && c <= 0xFF0F) || (c >= 0xFFF0 && c <= 0xFFFF) ||
             (c >= 0x1F000 && c <= 0x1FBFF));
}

static inline int is_word(uint32_t c)
{
    return c < 0x80 ? ascii_alnum(c) : is_word_multi(c);
}

static int is_apostrophe(uint32_t c) { return c == '\'' || c == 0x2019 || c == 0x02BC; }
static int is_hyphen(uint32_t c) { return c == '-' || c == 0x2010 || c == 0x2011; }

/* The elided forms of TOKENIZATION.md section 5, ASCII case-insensitively. */
static int is_elision(const uint8_t *s, size_t n)
{
    static const char *const forms[] = {"l", "d", "j", "m", "n", "s", "t", "c",
                                        "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"};
    if (n == 2 && s[0] == 0xC3 && (s[1] == 0xA7 || s[1] == 0x87))   /* ç, Ç */
        return 1;
    for (size_t f = 0; f < sizeof forms / sizeof *forms; f++) {
        size_t fl = strlen(forms[f]), i = 0;
        while (i < fl && i < n && (s[i] | 0x20) == (uint8_t)forms[f][i])
            i++;
        if (i == fl && fl == n)
            return 1;
    }
    return 0;
}

/* ASCII letters and digits: the byte loops below run over them without
 * decoding characters (most of press text), and fall back to char_at at
 * the first other byte. */
static const uint8_t ascii_word[128] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
    ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
    ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1,
    ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
    ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1};

/* Where the first word character at or after prev_end begins (the scan
 * gives up NQ_TEXT_SCAN bytes on, predicting where it stopped). */
static size_t predict_start(const uint8_t *t, size_t len, size_t prev_end)
{
    size_t lim = len - prev_end > NQ_TEXT_SCAN ? prev_end + NQ_TEXT_SCAN : len, p = prev_end, n;
    for (;;) {
        while (p + 8 <= lim) { /* eight bytes a step over ASCII separators */
            uint64_t w;
            memcpy(&w, t + p, 8);
            uint64_t sep = ~nq_ascii_alnum_bytes(w) & ~w & NQ_HIGH_BITS;
            if (sep != NQ_HIGH_BITS) {
                p += (unsigned)__builtin_ctzll(~sep & NQ_HIGH_BITS) / 8;
                break;
            }
            p += 8;
        }
        while (p < lim && t[p] < 0x80 && !ascii_word[t[p]])
            p++;
        if (p >= lim || t[p] < 0x80 || is_word(char_at(t, len, p, &n)))
            return p;
        p += n;
    }
}

/* The end of the run of word characters from p (within lim). */
static size_t word_run(const uint8_t *t, size_t len, size_t p, size_t lim)
{
    size_t n;
    for (;;) {
        while (p + 8 <= lim) { /* eight bytes a step over ASCII letters and digits */
            uint64_t w;
            memcpy(&w, t + p, 8);
            uint64_t ok = nq_ascii_alnum_bytes(w);
            if (ok != NQ_HIGH_BITS) {
                p += (unsigned)__builtin_ctzll(~ok & NQ_HIGH_BITS) / 8;
                break;
            }
            p += 8;
        }
        while (p < lim && t[p] < 0x80 && ascii_word[t[p]])
            p++;
        if (p >= lim || t[p] < 0x80 || !is_word(char_at(t, len, p, &n)))
            return p;
        p += n;
    }
}

static int word_at(const uint8_t *t, size_t len, size_t p)
{
    size_t n;
    return p < len && is_word(char_at(t, len, p, &n));
}

static int digit_at(const uint8_t *t, size_t len, size_t p)
{
    return p < len && t[p] >= '0' && t[p] <= '9';
}

/* Where a word starting at start ends: raw-token connectors and the first
 * apostrophe's elision, within NQ_TEXT_SCAN bytes. */
static size_t predict_end(const uint8_t *t, size_t len, size_t start)
{
    size_t lim = len - start > NQ_TEXT_SCAN ? start + NQ_TEXT_SCAN : len, p = start, n;
    int first_apostrophe = 1;
    for (;;) {
        p = word_run(t, len, p, lim);
        if (p >= lim || p == start)
            return p;
        uint32_t c = char_at(t, len, p, &n);
        if (is_apostrophe(c) && first_apostrophe) {
            first_apostrophe = 0;
            if (is_elision(t + start, p - start))
                return p + n;
        }
        if ((is_apostrophe(c) || is_hyphen(c)) && word_at(t, len, p + n))
            p += n;
        else if ((c == '.' || c == ',') && digit_at(t, len, p - 1) && digit_at(t, len, p + 1))
            p += 1;
        else
            return p;
    }
}

/* The encoder's shortcuts for the common case, a short ASCII word after one
 * ASCII separator: they decide, without the scans, that the prediction is
 * exactly the token's span (the scans would stop at the same bytes). */
static inline int start_is_predicted(const uint8_t *t, size_t len, size_t prev_end, size_t s)
{
    if (s >= len || t[s] >= 0x80 || !ascii_word[t[s]])
        return 0;
    return s == prev_end || (s == prev_end + 1 && t[prev_end] < 0x80 && !ascii_word[t[prev_end]]);
}

static inline int end_is_predicted(const uint8_t *t, size_t len, size_t s, size_t e)
{
    if (e <= s || e - s >= 32)
        return 0;
    for (size_t p = s;;) { /* the run of ASCII letters and digits from s must end at e */
        if (p + 8 > len)
            return 0;
        uint64_t w;
        memcpy(&w, t + p, 8);
        uint64_t stop = ~nq_ascii_alnum_bytes(w) & NQ_HIGH_BITS;
        unsigned run = stop ? (unsigned)__builtin_ctzll(stop) / 8 : 8;
        if (p + run > e)
            return 0;
        if (run < 8) {
            if (p + run != e)
                return 0;
            break;
        }
        p += 8;
    }
    uint8_t c = t[e]; /* loaded above: not a letter or digit */
    return c < 0x80 && c != '\'' && c != '-' && c != '.' && c != ',';
}

static uint64_t zigzag(int64_t v)
{
    return v >= 0 ? (uint64_t)v << 1 : ((uint64_t)(-(v + 1)) << 1) | 1;
}

static int64_t unzigzag(uint64_t v) { return (v & 1) ? -(int64_t)(v >> 1) - 1 : (int64_t)(v >> 1); }

size_t nq_text_spans_bound(size_t n_tokens)
{
    /* Offsets below 2^32 make each correction at most 33 bits: 5 bytes. */
    return 10 * n_tokens;
}

nq_status nq_text_encode_spans(const char *text, size_t text_len, const nq_token *tok,
                               size_t n_tokens, uint8_t *out, size_t *out_len, nq_error *err)
{
    const uint8_t *t = (const uint8_t *)text;
    if (text_len > UINT32_MAX)
        return nq_fail(err, NQ_ERR_LIMIT, "document text of %zu bytes exceeds 4 GiB", text_len);
    size_t w = 0, prev_end = 0;
    for (size_t i = 0; i < n_tokens; i++) {
        size_t s = tok[i].text_off, e = s + tok[i].text_len;
        if (s < prev_end || (i > 0 && s <= tok[i - 1].text_off) || e > text_len)
            return nq_fail(err, NQ_ERR_ARG, "token %zu: span %zu..%zu overlaps or leaves the text",
                           i, s, e);
        size_t ps = start_is_predicted(t, text_len, prev_end, s) ? s : predict_start(t, text_len, prev_end);
        w += nq_varint_put(out + w, zigzag((int64_t)s - (int64_t)ps));
        size_t pe = end_is_predicted(t, text_len, s, e) ? e : predict_end(t, text_len, s);
        w += nq_varint_put(out + w, zigzag((int64_t)e - (int64_t)pe));
        prev_end = e;
    }
    *out_len = w;
    return NQ_OK;
}

/* ---- building ---- */

typedef struct tdoc {
    uint32_t text_len, n_tokens, codes_len;
} tdoc;

typedef struct tblock {
    uint64_t first_doc;
    uint8_t *raw[2];        /* text, spans: until compressed */
    size_t raw_len[2];
    uint8_t *z[2];          /* compressed, until appended to the sections */
    size_t z_len[2];
    uint64_t off[2];        /* frame offsets in TEXT, TOFF */
    size_t zerr;            /* a zstd error code, 0 when none */
    int nomem;              /* the output buffer could not be allocated */
} tblock;

typedef struct grow {
    uint8_t *p;
    size_t len, cap;
} grow;

struct nq_text_builder {
    size_t target;
    uint64_t n_docs;
    /* the open block */
    tdoc *docs;
    size_t n_open, docs_cap;
    grow text, codes;
    /* closed blocks; the first n_done are compressed and appended */
    tblock *blocks;
    size_t n_blocks, blocks_cap, n_done;
    grow sec[2];            /* TEXT, TOFF */
    ZSTD_CCtx **cctx;
    int n_cctx;
    int finished;
};

static int grow_put(grow *g, const void *p, size_t n)
{
    if (NQ_RESERVE(g->p, g->cap, g->len + n))
        return -1;
    if (n)
        memcpy(g->p + g->len, p, n);
    g->len += n;
    return 0;
}

nq_status nq_text_builder_new(size_t block_target, nq_text_builder **out, nq_error *err)
{
    nq_text_builder *b = calloc(1, sizeof *b);
    if (!b)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory for the text store");
    b->target = block_target ? block_target : NQ_TEXT_BLOCK_TARGET;
    *out = b;
    return NQ_OK;
}

void nq_text_builder_free(nq_text_builder *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n_blocks; i++)
        for (int k = 0; k < 2; k++) {
            free(b->blocks[i].raw[k]);
            free(b->blocks[i].z[k]);
        }
    for (int i = 0; i < b->n_cctx; i++)
        ZSTD_freeCCtx(b->cctx[i]);
    free(b->cctx);
    free(b->blocks);
    free(b->docs);
    free(b->text.p);
    free(b->codes.p);
    free(b->sec[0].p);
    free(b->sec[1].p);
    free(b);
}

/* The table of documents then the area, in one buffer (the frame's
 * content). Varint lengths compress to 60% of what u32 offsets take. */
static uint8_t *block_bytes(const tdoc *d, size_t k, int spans, const grow *area, size_t *len)
{
    uint8_t *p = malloc((spans ? 10 : 5) * k + area->len + 1);
    if (!p)
        return NULL;
    size_t w = 0;
    for (size_t j = 0; spans && j < k; j++)
        w += nq_varint_put(p + w, d[j].n_tokens);
    for (size_t j = 0; j < k; j++)
        w += nq_varint_put(p + w, spans ? d[j].codes_len : d[j].text_len);
    if (area->len)
        memcpy(p + w, area->p, area->len);
    *len = w + area->len;
    return p;
}

static nq_status seal(nq_text_builder *b, nq_error *err)
{
    if (b->n_open == 0)
        return NQ_OK;
    if (NQ_RESERVE(b->blocks, b->blocks_cap, b->n_blocks + 1))
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory closing a text block");
    tblock *k = &b->blocks[b->n_blocks];
    memset(k, 0, sizeof *k);
    k->first_doc = b->n_docs - b->n_open;
    k->raw[0] = block_bytes(b->docs, b->n_open, 0, &b->text, &k->raw_len[0]);
    k->raw[1] = block_bytes(b->docs, b->n_open, 1, &b->codes, &k->raw_len[1]);
    if (!k->raw[0] || !k->raw[1]) {
        free(k->raw[0]);
        free(k->raw[1]);
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory closing a text block");
    }
    b->n_blocks++;
    b->n_open = 0;
    b->text.len = 0;
    b->codes.len = 0;
    return NQ_OK;
}

nq_status nq_text_add(nq_text_builder *b, const char *text, size_t len, const uint8_t *spans,
                      size_t spans_len, uint32_t n_tokens, nq_error *err)
{
    if (b->finished)
        return nq_fail(err, NQ_ERR_ARG, "text store already finished");
    if (len > UINT32_MAX || spans_len > UINT32_MAX)
        return nq_fail(err, NQ_ERR_LIMIT, "document %llu: text or spans of 4 GiB or more",
                       (unsigned long long)b->n_docs);
    /* Two varints per token, of at most 5 bytes each. */
    if (spans_len < 2 * (uint64_t)n_tokens || spans_len > 10 * (uint64_t)n_tokens)
        return nq_fail(err, NQ_ERR_ARG, "document %llu: %zu span bytes for %u tokens",
                       (unsigned long long)b->n_docs, spans_len, n_tokens);
    /* Offsets inside a block are 32-bit: close it early rather than overflow. */
    if (b->text.len + len > UINT32_MAX || b->codes.len + spans_len > UINT32_MAX) {
        nq_status st = seal(b, err);
        if (st)
            return st;
    }
    /* Reserve everything first so that a failure leaves the block as it was. */
    if (NQ_RESERVE(b->docs, b->docs_cap, b->n_open + 1) ||
        NQ_RESERVE(b->text.p, b->text.cap, b->text.len + len) ||
        NQ_RESERVE(b->codes.p, b->codes.cap, b->codes.len + spans_len))
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory storing document %llu",
                       (unsigned long long)b->n_docs);
    grow_put(&b->text, text, len);
    grow_put(&b->codes, spans, spans_len);
    b->docs[b->n_open++] = (tdoc){(uint32_t)len, n_tokens, (uint32_t)spans_len};
    b->n_docs++;
    return b->text.len >= b->target ? seal(b, err) : NQ_OK;
}

/* Level 3 tuned on French press text: 2 MiB blocks come out no larger than
 * `zstd -3` of the whole corpus, at about its speed. The frame checksum
 * (4 bytes) lets a reader tell a damaged block from a good one on its own. */
static size_t set_params(ZSTD_CCtx *z)
{
    static const int p[][2] = {{ZSTD_c_compressionLevel, 3}, {ZSTD_c_strategy, ZSTD_dfast},
                               {ZSTD_c_windowLog, 21},       {ZSTD_c_hashLog, 19},
                               {ZSTD_c_chainLog, 19},        {ZSTD_c_searchLog, 1},
                               {ZSTD_c_minMatch, 6},         {ZSTD_c_checksumFlag, 1},
                               {ZSTD_c_contentSizeFlag, 1}};
    size_t r = ZSTD_CCtx_reset(z, ZSTD_reset_session_and_parameters);
    for (size_t i = 0; i < sizeof p / sizeof *p && !ZSTD_isError(r); i++)
        r = ZSTD_CCtx_setParameter(z, (ZSTD_cParameter)p[i][0], p[i][1]);
    return r;
}

/* Compresses both frames of one block; the error stays in k->zerr. */
static void compress_block(ZSTD_CCtx *z, tblock *k)
{
    for (int s = 0; s < 2 && !k->zerr && !k->nomem; s++) {
        size_t cap = ZSTD_compressBound(k->raw_len[s]);
        k->z[s] = malloc(cap);
        if (!k->z[s]) {
            k->nomem = 1;
            return;
        }
        size_t r = set_params(z);
        if (!ZSTD_isError(r))
            r = ZSTD_compress2(z, k->z[s], cap, k->raw[s], k->raw_len[s]);
        if (ZSTD_isError(r)) {
            k->zerr = r;
            return;
        }
        k->z_len[s] = r;
        free(k->raw[s]);
        k->raw[s] = NULL;
    }
}

static nq_status ensure_cctx(nq_text_builder *b, int threads, nq_error *err)
{
    if (threads <= b->n_cctx)
        return NQ_OK;
    ZSTD_CCtx **c = realloc(b->cctx, (size_t)threads * sizeof *c);
    if (!c)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory for compression contexts");
    b->cctx = c;
    for (; b->n_cctx < threads; b->n_cctx++)
        if (!(c[b->n_cctx] = ZSTD_createCCtx()))
            return nq_fail(err, NQ_ERR_NOMEM, "out of memory for compression contexts");
    return NQ_OK;
}

/* Appends compressed block i to TEXT and TOFF, in block order. */
static nq_status append_block(nq_text_builder *b, size_t i, nq_error *err)
{
    tblock *k = &b->blocks[i];
    if (k->nomem)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory compressing text block %zu", i);
    if (k->zerr)
        return nq_fail(err, NQ_ERR_NOMEM, "compressing text block %zu: %s", i,
                       ZSTD_getErrorName(k->zerr));
    for (int s = 0; s < 2; s++) {
        k->off[s] = b->sec[s].len;
        if (grow_put(&b->sec[s], k->z[s], k->z_len[s]))
            return nq_fail(err, NQ_ERR_NOMEM, "out of memory storing text block %zu", i);
        free(k->z[s]);
        k->z[s] = NULL;
    }
    return NQ_OK;
}

nq_status nq_text_compress_sealed(nq_text_builder *b, int threads, nq_error *err)
{
    if (threads < 1)
        threads = omp_get_max_threads();
    nq_status st = ensure_cctx(b, threads, err);
    if (st)
        return st;
    long first = (long)b->n_done, last = (long)b->n_blocks;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (long i = first; i < last; i++)
        compress_block(b->cctx[omp_get_thread_num()], &b->blocks[i]);
    for (size_t i = b->n_done; i < b->n_blocks; i++) {
        if ((st = append_block(b, i, err)))
            return st;
        b->n_done = i + 1;
    }
    return NQ_OK;
}

static uint8_t *directory(const nq_text_builder *b, size_t *len)
{
    size_t n = b->n_blocks;
    uint8_t *d = malloc(DIR_HEAD + DIR_ENTRY * (n + 1));
    if (!d)
        return NULL;
    st64(d, b->n_docs);
    st64(d + 8, n);
    st64(d + 16, b->target);
    for (size_t i = 0; i <= n; i++) {
        uint8_t *e = d + DIR_HEAD + DIR_ENTRY * i;
        const tblock *k = i < n ? &b->blocks[i] : NULL;
        st64(e, k ? k->first_doc : b->n_docs);
        st64(e + 8, k ? k->off[0] : b->sec[0].len);
        st64(e + 16, k ? k->raw_len[0] : 0);
        st64(e + 24, k ? k->off[1] : b->sec[1].len);
        st64(e + 32, k ? k->raw_len[1] : 0);
    }
    *len = DIR_HEAD + DIR_ENTRY * (n + 1);
    return d;
}

/* A section's buffer, handed over. */
static uint8_t *take(grow *g, size_t *len)
{
    uint8_t *p = g->p;
    *len = g->len;
    *g = (grow){0};
    return p;
}

nq_status nq_text_finish(nq_text_builder *b, int threads, uint8_t **text, size_t *text_len,
                         uint8_t **toff, size_t *toff_len, uint8_t **tdir, size_t *tdir_len,
                         nq_error *err)
{
    if (b->finished)
        return nq_fail(err, NQ_ERR_ARG, "text store already finished");
    nq_status st = seal(b, err);
    if (!st)
        st = nq_text_compress_sealed(b, threads, err);
    if (st)
        return st;
    /* Empty sections still get a buffer: the caller always has one to free. */
    uint8_t *d = directory(b, tdir_len);
    if (!d || NQ_RESERVE(b->sec[0].p, b->sec[0].cap, 1) ||
        NQ_RESERVE(b->sec[1].p, b->sec[1].cap, 1)) {
        free(d);
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory for the text sections");
    }
    b->finished = 1;
    *text = take(&b->sec[0], text_len);
    *toff = take(&b->sec[1], toff_len);
    *tdir = d;
    return NQ_OK;
}

/* ---- reading ---- */

static const uint8_t *entry(const nq_text_store *s, uint64_t b)
{
    return s->tdir + DIR_HEAD + DIR_ENTRY * b;
}

/* Checks block b's directory entry against the next one. */
static nq_status check_entry(const nq_text_store *s, uint64_t b, nq_error *err)
{
    const uint8_t *e = entry(s, b), *f = e + DIR_ENTRY;
    uint64_t k = ld64(f) - ld64(e);
    if (ld64(f) <= ld64(e))
        return nq_fail(err, NQ_ERR_CORRUPT, "TDIR: block %llu has no documents",
                       (unsigned long long)b);
    if (ld64(f + 8) <= ld64(e + 8) || ld64(f + 24) <= ld64(e + 24))
        return nq_fail(err, NQ_ERR_CORRUPT, "TDIR: block %llu: frame offsets out of order",
                       (unsigned long long)b);
    /* tables of 1..5-byte varints per document, areas below 4 GiB */
    uint64_t traw = ld64(e + 16), sraw = ld64(e + 32), big = (uint64_t)UINT32_MAX;
    if (traw < k || sraw / 2 < k || (traw - k > big && (traw - k - big) / 4 > k) ||
        (sraw - 2 * k > big && (sraw - 2 * k - big) / 8 > k))
        return nq_fail(err, NQ_ERR_CORRUPT, "TDIR: block %llu: sizes do not fit its %llu documents",
                       (unsigned long long)b, (unsigned long long)k);
    return NQ_OK;
}

nq_status nq_text_store_open(nq_text_store *s, const uint8_t *text, size_t text_len,
                             const uint8_t *toff, size_t toff_len, const uint8_t *tdir,
                             size_t tdir_len, uint64_t n_docs, nq_error *err)
{
    memset(s, 0, sizeof *s);
    if (tdir_len < DIR_HEAD + DIR_ENTRY)
        return nq_fail(err, NQ_ERR_CORRUPT, "TDIR: too short (%zu bytes)", tdir_len);
    uint64_t n = ld64(tdir), nb = ld64(tdir + 8);
    if (n != n_docs)
        return nq_fail(err, NQ_ERR_CORRUPT, "TDIR: %llu documents, the index has %llu",
                       (unsigned long long)n, (unsigned long long)n_docs);
    if (nb > n || nb != (tdir_len - DIR_HEAD) / DIR_ENTRY - 1 || (tdir_len - DIR_HEAD) % DIR_ENTRY)
        return nq_fail(err, NQ_ERR_CORRUPT, "TDIR: %llu blocks do not match its %zu bytes",
                       (unsigned long long)nb, tdir_len);
    *s = (nq_text_store){text, toff, tdir, text_len, toff_len, tdir_len, n, nb};
    const uint8_t *e0 = entry(s, 0), *last = entry(s, nb);
    nq_status st = NQ_OK;
    if (ld64(e0) || ld64(e0 + 8) || ld64(e0 + 24) || ld64(last) != n ||
        ld64(last + 8) != text_len || ld64(last + 24) != toff_len || ld64(last + 16) ||
        ld64(last + 32))
        st = nq_fail(err, NQ_ERR_CORRUPT, "TDIR: first or last entry does not match the sections");
    for (uint64_t b = 0; b < nb && !st; b++)
        st = check_entry(s, b, err);
    if (st)
        memset(s, 0, sizeof *s);
    return st;
}

/* One decompressed block and its table of documents, decoded. */
typedef struct tcache {
    const uint8_t *owner;   /* the store's TDIR: a cursor may meet several stores */
    uint64_t block;
    uint8_t *buf;
    size_t cap, len;
    const uint8_t *area;    /* texts or codes, after the table */
    uint32_t *end;          /* document j's slice of the area ends at end[j + 1] (end[0] = 0) */
    uint32_t *n_tokens;     /* span blocks: document j's tokens */
    size_t end_cap, n_tokens_cap;
} tcache;

struct nq_text_cursor {
    ZSTD_DCtx *dctx;
    tcache cache[2];        /* text, spans */
    /* where the last nq_text_spans stopped, to go on from there */
    const uint8_t *r_owner;
    uint64_t r_doc;
    uint32_t r_next, r_prev_start, r_prev_end;
    size_t r_pos;
};

nq_text_cursor *nq_text_cursor_new(void)
{
    nq_text_cursor *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->dctx = ZSTD_createDCtx();
    if (!c->dctx) {
        free(c);
        return NULL;
    }
    c->cache[0].block = c->cache[1].block = NO_BLOCK;
    return c;
}

void nq_text_cursor_free(nq_text_cursor *c)
{
    if (!c)
        return;
    ZSTD_freeDCtx(c->dctx);
    for (int w = 0; w < 2; w++) {
        free(c->cache[w].buf);
        free(c->cache[w].end);
        free(c->cache[w].n_tokens);
    }
    free(c);
}

static uint64_t block_of(const nq_text_store *s, uint64_t doc)
{
    uint64_t lo = 0, hi = s->n_blocks - 1;   /* the block is in [lo, hi] */
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo + 1) / 2;
        if (ld64(entry(s, mid)) <= doc)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

static const char *const sec_name[2] = {"TEXT", "TOFF"};

/* Decodes a loaded block's table of k documents into k->end (and
 * k->n_tokens), checking it once so that lookups can trust it: the lengths
 * add up to the area, a span block's token counts fit their codes (each
 * token takes at least two bytes). Returns 0, -1 (corrupt) or -2 (memory). */
static int read_table(tcache *k, uint64_t n, int spans)
{
    if (NQ_RESERVE(k->end, k->end_cap, n + 1) ||
        (spans && NQ_RESERVE(k->n_tokens, k->n_tokens_cap, n)))
        return -2;
    const uint8_t *p = k->buf, *stop = k->buf + k->len;
    uint64_t v, sum = 0;
    for (uint64_t j = 0; spans && j < n; j++) {
        if (nq_varint_get(&p, stop, &v) || v > UINT32_MAX)
            return -1;
        k->n_tokens[j] = (uint32_t)v;
    }
    k->end[0] = 0;
    for (uint64_t j = 0; j < n; j++) {
        if (nq_varint_get(&p, stop, &v) || v > UINT32_MAX - sum ||
            (spans && k->n_tokens[j] > v / 2))
            return -1;
        sum += v;
        k->end[j + 1] = (uint32_t)sum;
    }
    k->area = p;
    return sum == (uint64_t)(stop - p) ? 0 : -1;
}

/* Makes block b of section w (0 text, 1 spans) the cursor's cached one,
 * decompressing it unless it already is. */
static nq_status load(const nq_text_store *s, nq_text_cursor *c, int w, uint64_t b, nq_error *err)
{
    tcache *k = &c->cache[w];
    if (k->owner == s->tdir && k->block == b)
        return NQ_OK;
    k->block = NO_BLOCK;
    const uint8_t *e = entry(s, b);
    const uint8_t *frame = (w ? s->toff : s->text) + ld64(e + 8 + 16 * w);
    size_t fsize = (size_t)(ld64(e + DIR_ENTRY + 8 + 16 * w) - ld64(e + 8 + 16 * w));
    uint64_t raw = ld64(e + 16 + 16 * w);
    if (ZSTD_getFrameContentSize(frame, fsize) != raw ||
        ZSTD_findFrameCompressedSize(frame, fsize) != fsize)
        return nq_fail(err, NQ_ERR_CORRUPT, "%s block %llu: not one zstd frame of %llu bytes",
                       sec_name[w], (unsigned long long)b, (unsigned long long)raw);
    if (NQ_RESERVE(k->buf, k->cap, raw + 1))
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory reading %s block %llu", sec_name[w],
                       (unsigned long long)b);
    size_t got = ZSTD_decompressDCtx(c->dctx, k->buf, k->cap, frame, fsize);
    if (ZSTD_isError(got) || got != raw)
        return nq_fail(err, NQ_ERR_CORRUPT, "%s block %llu: does not decompress to %llu bytes",
                       sec_name[w], (unsigned long long)b, (unsigned long long)raw);
    k->len = (size_t)raw;
    int r = read_table(k, ld64(e + DIR_ENTRY) - ld64(e), w);
    if (r)
        return nq_fail(err, r == -2 ? NQ_ERR_NOMEM : NQ_ERR_CORRUPT, "%s block %llu: %s",
                       sec_name[w], (unsigned long long)b,
                       r == -2 ? "out of memory" : "its table of documents is inconsistent");
    k->owner = s->tdir;
    k->block = b;
    return NQ_OK;
}

static nq_status check_doc(const nq_text_store *s, uint64_t doc, nq_error *err)
{
    if (doc >= s->n_docs)
        return nq_fail(err, NQ_ERR_ARG, "document %llu out of range (%llu documents)",
                       (unsigned long long)doc, (unsigned long long)s->n_docs);
    return NQ_OK;
}

nq_status nq_text_doc(const nq_text_store *s, nq_text_cursor *c, uint64_t doc, const char **text,
                      size_t *len, nq_error *err)
{
    nq_status st = check_doc(s, doc, err);
    uint64_t b = st ? 0 : block_of(s, doc);
    if (st || (st = load(s, c, 0, b, err)))
        return st;
    const tcache *k = &c->cache[0];
    uint64_t j = doc - ld64(entry(s, b));
    *text = (const char *)k->area + k->end[j];
    *len = k->end[j + 1] - k->end[j];
    return NQ_OK;
}

/* Document doc's span codes and token count, from the cached span block. */
static nq_status doc_codes(const nq_text_store *s, nq_text_cursor *c, uint64_t doc,
                           const uint8_t **codes, size_t *codes_len, uint32_t *n, nq_error *err)
{
    nq_status st = check_doc(s, doc, err);
    uint64_t b = st ? 0 : block_of(s, doc);
    if (st || (st = load(s, c, 1, b, err)))
        return st;
    const tcache *k = &c->cache[1];
    uint64_t j = doc - ld64(entry(s, b));
    *n = k->n_tokens[j];
    *codes = k->area + k->end[j];
    *codes_len = k->end[j + 1] - k->end[j];
    return NQ_OK;
}

nq_status nq_text_tokens(const nq_text_store *s, nq_text_cursor *c, uint64_t doc, uint32_t *n,
                         nq_error *err)
{
    const uint8_t *codes;
    size_t len;
    return doc_codes(s, c, doc, &codes, &len, n, err);
}

/* Decoding state inside one document's codes. */
typedef struct span_dec {
    const uint8_t *t, *p, *end;   /* text; codes read position and end */
    size_t len;                   /* text length */
    uint32_t next, prev_start, prev_end;
} span_dec;

/* Adds a correction read from the codes to a prediction; -1 when the result
 * leaves [lo, len]. */
static int correct(span_dec *d, size_t pred, size_t lo, uint32_t *out)
{
    uint64_t v;
    if (nq_varint_get(&d->p, d->end, &v))
        return -1;
    int64_t x = unzigzag(v);
    if (x < (int64_t)lo - (int64_t)pred || x > (int64_t)d->len - (int64_t)pred)
        return -1;
    *out = (uint32_t)((int64_t)pred + x);
    return 0;
}

static int span_next(span_dec *d, uint32_t *start, uint32_t *end)
{
    size_t lo = d->next ? (size_t)d->prev_start + 1 : 0;
    if (lo < d->prev_end)
        lo = d->prev_end;
    if (correct(d, predict_start(d->t, d->len, d->prev_end), lo, start) ||
        correct(d, predict_end(d->t, d->len, *start), *start, end))
        return -1;
    d->prev_start = *start;
    d->prev_end = *end;
    d->next++;
    return 0;
}

nq_status nq_text_spans(const nq_text_store *s, nq_text_cursor *c, uint64_t doc, uint32_t first,
                        uint32_t count, uint32_t *start, uint32_t *end, nq_error *err)
{
    const char *text;
    const uint8_t *codes;
    size_t text_len, codes_len;
    uint32_t n;
    nq_status st = nq_text_doc(s, c, doc, &text, &text_len, err);
    if (st || (st = doc_codes(s, c, doc, &codes, &codes_len, &n, err)))
        return st;
    if (first > n || count > n - first)
        return nq_fail(err, NQ_ERR_ARG, "tokens %u..%llu of document %llu: it has %u", first,
                       (unsigned long long)first + count, (unsigned long long)doc, n);
    span_dec d = {(const uint8_t *)text, codes, codes + codes_len, text_len, 0, 0, 0};
    if (c->r_owner == s->tdir && c->r_doc == doc && c->r_next <= first) {
        d.p = codes + c->r_pos;
        d.next = c->r_next;
        d.prev_start = c->r_prev_start;
        d.prev_end = c->r_prev_end;
    }
    c->r_owner = NULL;
    uint32_t a, e;
    while (d.next < first + count) {
        uint32_t i = d.next;
        if (span_next(&d, &a, &e))
            return nq_fail(err, NQ_ERR_CORRUPT, "TOFF: document %llu, token %u: bad span code",
                           (unsigned long long)doc, i);
        if (i >= first) {
            start[i - first] = a;
            end[i - first] = e;
        }
    }
    c->r_owner = s->tdir;
    c->r_doc = doc;
    c->r_next = d.next;
    c->r_pos = (size_t)(d.p - codes);
    c->r_prev_start = d.prev_start;
    c->r_prev_end = d.prev_end;
    return NQ_OK;
}

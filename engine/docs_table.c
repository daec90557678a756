#include "docs_table.h"

#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "error.h"
#include "format.h"
#include "varint.h"
#include "vec.h"

enum { DOCS_HEADER = 16 };

int nq_docs_builder_init(nq_docs_builder *b)
{
    memset(b, 0, sizeof *b);
    return nq_intern_init(&b->sources, 64);
}

void nq_docs_builder_free(nq_docs_builder *b)
{
    nq_intern_free(&b->sources);
    free(b->docs);
    free(b->pool);
    memset(b, 0, sizeof *b);
}

static int pool_put(nq_docs_builder *b, const char *s, size_t len, uint64_t *off)
{
    if (NQ_RESERVE(b->pool, b->pool_cap, b->pool_used + len + 10))
        return -1;
    *off = b->pool_used;
    b->pool_used += nq_varint_put(b->pool + b->pool_used, len);
    memcpy(b->pool + b->pool_used, s, len);
    b->pool_used += len;
    return 0;
}

int nq_docs_add(nq_docs_builder *b, const char *id, size_t id_len, const char *title,
                size_t title_len, const char *source, size_t source_len, uint32_t date,
                uint32_t tokens, uint32_t sentences, uint32_t paragraphs)
{
    if (NQ_RESERVE(b->docs, b->cap, b->n + 1))
        return -1;
    nq_doc_record *d = &b->docs[b->n];
    memset(d, 0, sizeof *d);
    d->date = date;
    d->tokens = tokens;
    d->sentences = sentences;
    d->paragraphs = paragraphs;
    d->source = NQ_NO_SOURCE;
    d->title_off = NQ_NO_TITLE;
    if (source) {
        d->source = nq_intern_put(&b->sources, source, source_len, nq_hash_bytes(source, source_len));
        if (d->source == UINT32_MAX)
            return -1;
    }
    if (pool_put(b, id ? id : "", id ? id_len : 0, &d->id_off))
        return -1;
    if (title && pool_put(b, title, title_len, &d->title_off))
        return -1;
    b->n++;
    return 0;
}

typedef struct src_order {
    const char *s;
    size_t len;
    uint32_t id;
} src_order;

static int cmp_src(const void *a, const void *b)
{
    const src_order *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->s, y->s, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* SRCS: u64 n, u64 doc_count[n], u64 offset[n + 1], bytes. */
static nq_status encode_sources(nq_docs_builder *b, uint32_t *remap, uint8_t **out, size_t *out_len,
                                nq_error *err)
{
    size_t n = b->sources.n, bytes = 0;
    src_order *ord = malloc((n ? n : 1) * sizeof *ord);
    if (!ord)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory sorting sources");
    for (size_t i = 0; i < n; i++) {
        ord[i].s = nq_intern_str(&b->sources, (uint32_t)i, &ord[i].len);
        ord[i].id = (uint32_t)i;
        bytes += ord[i].len;
    }
    qsort(ord, n, sizeof *ord, cmp_src);
    size_t len = 8 + n * 8 + (n + 1) * 8 + bytes;
    uint8_t *buf = calloc(1, len);
    if (!buf) {
        free(ord);
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory encoding sources");
    }
    uint64_t *hdr = (uint64_t *)buf, *counts = hdr + 1, *offs = counts + n;
    uint8_t *data = (uint8_t *)(offs + n + 1);
    hdr[0] = n;
    uint64_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        remap[ord[i].id] = (uint32_t)i;
        offs[i] = pos;
        memcpy(data + pos, ord[i].s, ord[i].len);
        pos += ord[i].len;
    }
    offs[n] = pos;
    for (size_t d = 0; d < b->n; d++)
        if (b->docs[d].source != NQ_NO_SOURCE)
            counts[remap[b->docs[d].source]]++;
    free(ord);
    *out = buf;
    *out_len = len;
    return NQ_OK;
}

nq_status nq_docs_encode(nq_docs_builder *b, uint8_t **docs, size_t *docs_len, uint8_t **srcs,
                         size_t *srcs_len, nq_docs_summary *sum, nq_error *err)
{
    uint32_t *remap = malloc((b->sources.n ? b->sources.n : 1) * sizeof *remap);
    if (!remap)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory encoding documents");
    nq_status st = encode_sources(b, remap, srcs, srcs_len, err);
    if (st) {
        free(remap);
        return st;
    }
    size_t len = DOCS_HEADER + b->n * sizeof(nq_doc_record) + b->pool_used;
    uint8_t *buf = malloc(len);
    if (!buf) {
        free(remap);
        free(*srcs);
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory encoding documents");
    }
    uint64_t head[2] = {b->n, b->pool_used};
    memcpy(buf, head, sizeof head);
    memset(sum, 0, sizeof *sum);
    sum->sources = b->sources.n;
    nq_doc_record *out = (nq_doc_record *)(buf + DOCS_HEADER);
    for (size_t d = 0; d < b->n; d++) {
        out[d] = b->docs[d];
        if (out[d].source != NQ_NO_SOURCE)
            out[d].source = remap[out[d].source];
        uint32_t date = out[d].date;
        if (!date)
            continue;
        sum->dated++;
        if (!sum->date_min || date < sum->date_min)
            sum->date_min = date;
        if (date > sum->date_max)
            sum->date_max = date;
    }
    if (b->pool_used)
        memcpy(buf + DOCS_HEADER + b->n * sizeof(nq_doc_record), b->pool, b->pool_used);
    free(remap);
    *docs = buf;
    *docs_len = len;
    return NQ_OK;
}

/* ---- reading ---- */

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

nq_status nq_docs_decode(const uint8_t *stored, size_t size, uint32_t codec, uint64_t raw_size,
                         uint64_t n_docs, uint8_t **out, size_t *out_len, nq_error *err)
{
    if (raw_size < DOCS_HEADER || raw_size > ((uint64_t)1 << 40))
        return nq_fail(err, NQ_ERR_CORRUPT, "bad size %llu", (unsigned long long)raw_size);
    uint8_t *buf = malloc(raw_size);
    if (!buf)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory decoding %llu bytes", (unsigned long long)raw_size);
    if (codec == NQ_CODEC_ZSTD) {
        size_t got = ZSTD_decompress(buf, raw_size, stored, size);
        if (ZSTD_isError(got) || got != raw_size) {
            free(buf);
            return nq_fail(err, NQ_ERR_CORRUPT, "does not decompress to its recorded size");
        }
    } else if (size == raw_size) {
        memcpy(buf, stored, size);
    } else {
        free(buf);
        return nq_fail(err, NQ_ERR_CORRUPT, "stored and raw sizes differ");
    }
    uint64_t n = get_u64(buf), pool = get_u64(buf + 8);
    if (n != n_docs || n > (raw_size - DOCS_HEADER) / sizeof(nq_doc_record) ||
        DOCS_HEADER + n * sizeof(nq_doc_record) + pool != raw_size) {
        free(buf);
        return nq_fail(err, NQ_ERR_CORRUPT, "record count or pool size inconsistent");
    }
    *out = buf;
    *out_len = raw_size;
    return NQ_OK;
}

static int pool_str(const uint8_t *pool, uint64_t pool_len, uint64_t off, const char **s, size_t *len)
{
    if (off >= pool_len)
        return -1;
    const uint8_t *p = pool + off, *end = pool + pool_len;
    uint64_t n;
    if (nq_varint_get(&p, end, &n) || n > (uint64_t)(end - p))
        return -1;
    *s = (const char *)p;
    *len = (size_t)n;
    return 0;
}

int nq_docs_get(const uint8_t *docs, size_t len, uint64_t i, nq_doc_info *doc, uint32_t *source)
{
    uint64_t n = get_u64(docs);
    nq_doc_record r;
    memcpy(&r, docs + DOCS_HEADER + i * sizeof r, sizeof r);
    const uint8_t *pool = docs + DOCS_HEADER + n * sizeof r;
    uint64_t pool_len = len - (uint64_t)(pool - docs);
    memset(doc, 0, sizeof *doc);
    doc->date = r.date;
    doc->tokens = r.tokens;
    doc->sentences = r.sentences;
    doc->paragraphs = r.paragraphs;
    *source = r.source;
    if (pool_str(pool, pool_len, r.id_off, &doc->id, &doc->id_len))
        return -1;
    if (r.title_off != NQ_NO_TITLE && pool_str(pool, pool_len, r.title_off, &doc->title, &doc->title_len))
        return -1;
    return 0;
}

nq_status nq_sources_check(const uint8_t *srcs, size_t len, uint64_t *n_out, nq_error *err)
{
    if (len < 16)
        return nq_fail(err, NQ_ERR_CORRUPT, "too short");
    uint64_t n = get_u64(srcs);
    if (n > (len - 16) / 16)
        return nq_fail(err, NQ_ERR_CORRUPT, "source count %llu does not fit", (unsigned long long)n);
    const uint8_t *offs = srcs + 8 + n * 8;
    uint64_t bytes = len - (8 + n * 16 + 8), prev = 0;
    for (uint64_t i = 0; i <= n; i++) {
        uint64_t o = get_u64(offs + i * 8);
        if (o < prev || o > bytes)
            return nq_fail(err, NQ_ERR_CORRUPT, "name offsets out of order");
        prev = o;
    }
    *n_out = n;
    return NQ_OK;
}

void nq_sources_get(const uint8_t *srcs, uint64_t n, uint64_t i, const char **name, size_t *len,
                    uint64_t *documents)
{
    const uint8_t *offs = srcs + 8 + n * 8;
    const char *bytes = (const char *)(offs + (n + 1) * 8);
    uint64_t a = get_u64(offs + i * 8), b = get_u64(offs + (i + 1) * 8);
    *name = bytes + a;
    *len = (size_t)(b - a);
    *documents = get_u64(srcs + 8 + i * 8);
}

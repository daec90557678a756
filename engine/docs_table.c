#include "docs_table.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
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

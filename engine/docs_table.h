/*
 * The documents table (DOCS) and the outlets (SRCS). DOCS is zstd-compressed
 * on disk: n records of fixed size (date, source, counts, string offsets)
 * then a pool of varint-length-prefixed strings (external id, title).
 * Sources are stored once, sorted by their bytes, with their document counts.
 */
#ifndef NQ_DOCS_TABLE_H
#define NQ_DOCS_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "intern.h"
#include "ngramq/ngramq.h"

#define NQ_NO_SOURCE 0xFFFFFFFFu
#define NQ_NO_TITLE UINT64_MAX

typedef struct nq_doc_record {
    uint32_t date;        /* YYYYMMDD, 0 = none */
    uint32_t source;      /* index in SRCS, NQ_NO_SOURCE when none */
    uint32_t tokens, sentences, paragraphs;
    uint32_t reserved;
    uint64_t id_off;      /* offset in the pool */
    uint64_t title_off;   /* offset in the pool, NQ_NO_TITLE when none */
} nq_doc_record;

typedef struct nq_docs_builder {
    nq_intern sources;    /* provisional ids in order of first appearance */
    nq_doc_record *docs;
    size_t n, cap;
    uint8_t *pool;
    size_t pool_used, pool_cap;
} nq_docs_builder;

typedef struct nq_docs_summary {
    uint64_t dated, sources;
    uint32_t date_min, date_max;
} nq_docs_summary;

int nq_docs_builder_init(nq_docs_builder *b);
void nq_docs_builder_free(nq_docs_builder *b);

/* Appends a document; title and source may be NULL. Returns 0 or -1 (no memory). */
int nq_docs_add(nq_docs_builder *b, const char *id, size_t id_len, const char *title,
                size_t title_len, const char *source, size_t source_len, uint32_t date,
                uint32_t tokens, uint32_t sentences, uint32_t paragraphs);

/* Encodes DOCS (raw bytes, to be compressed by the writer) and SRCS. */
nq_status nq_docs_encode(nq_docs_builder *b, uint8_t **docs, size_t *docs_len, uint8_t **srcs,
                         size_t *srcs_len, nq_docs_summary *summary, nq_error *err);

/* Reading. DOCS is decoded once into a malloc'd buffer (*out) and checked:
 * n_docs records, and a pool that the records' offsets stay within. */
nq_status nq_docs_decode(const uint8_t *stored, size_t size, uint32_t codec, uint64_t raw_size,
                         uint64_t n_docs, uint8_t **out, size_t *out_len, nq_error *err);
/* Document i of a decoded table; *source is its SRCS index or NQ_NO_SOURCE.
 * Returns -1 when its strings run out of the pool. */
int nq_docs_get(const uint8_t *docs, size_t len, uint64_t i, nq_doc_info *doc, uint32_t *source);

/* Checks the SRCS layout (sizes, monotone offsets) and returns its count. */
nq_status nq_sources_check(const uint8_t *srcs, size_t len, uint64_t *n, nq_error *err);
void nq_sources_get(const uint8_t *srcs, uint64_t n, uint64_t i, const char **name, size_t *len,
                    uint64_t *documents);

#endif

/*
 * Ingestion: corpus records -> one token stream of provisional term ids,
 * the documents table and per-term frequencies.
 *
 * Records are read in batches; within a batch, worker threads parse and
 * tokenize documents and intern terms in their own tables (no lock per
 * token). Between batches the new terms of each worker are merged into the
 * global table in worker order, and the batch's tokens are copied into the
 * stream in document order, so the result does not depend on scheduling.
 */
#ifndef NQ_BUILD_INGEST_H
#define NQ_BUILD_INGEST_H

#include <stdint.h>

#include "docs_table.h"
#include "intern.h"
#include "ngramq/ngramq.h"
#include "text_store.h"

typedef struct nq_corpus {
    uint32_t *stream;        /* term ids and NQ_ID_*_BREAK marks */
    uint64_t len, cap;
    uint64_t *doc_start;     /* stream offset of each document's first mark */
    uint64_t n_docs, doc_cap;
    nq_intern terms;         /* provisional ids, in order of first merge */
    uint32_t *cf, *df;       /* by provisional id */
    size_t freq_cap;
    nq_docs_builder docs;
    nq_text_builder *text;   /* NULL unless opt->store_text */
    double seconds_text;     /* compressing sealed text blocks */
    uint64_t sentences, paragraphs, tokens;
    uint64_t skipped, bad_dates, replaced, bytes_read, text_bytes;
} nq_corpus;

void nq_corpus_free(nq_corpus *c);

/* Reads every input into c. threads > 0. */
nq_status nq_ingest(const char *const *inputs, size_t n_inputs, const nq_build_options *opt,
                    int threads, nq_corpus *c, nq_error *err);

#endif

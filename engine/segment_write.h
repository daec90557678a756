/*
 * Writes one index segment: sections appended in order, then the section
 * table, then the header at offset 0. The file lives under a temporary name
 * until nq_segw_finish() has fsync'd it and renamed it into place, so a
 * crash never leaves half an index under the final name.
 */
#ifndef NQ_SEGMENT_WRITE_H
#define NQ_SEGMENT_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "format.h"
#include "ngramq/ngramq.h"

typedef struct nq_segment_writer {
    int fd;
    char *final_path;
    char *tmp_path;
    uint64_t pos;
    nq_section_entry *entries;
    size_t n, cap;
} nq_segment_writer;

nq_status nq_segw_open(nq_segment_writer *w, const char *path, nq_error *err);

/* Appends a section. With zstd_level > 0 the bytes are compressed when that
 * saves at least 1/8 of them. */
nq_status nq_segw_add(nq_segment_writer *w, uint32_t id, const void *data, size_t len,
                      int zstd_level, nq_error *err);

/* Asks the kernel to start writing what was appended so far to disk (an
 * early start for the final fsync; a no-op where unsupported). */
void nq_segw_start_writeback(nq_segment_writer *w);

/* Writes table and header, fsyncs, renames into place. Returns the final
 * file size in *bytes. The writer is released either way. */
nq_status nq_segw_finish(nq_segment_writer *w, const char *tokenizer, uint64_t *bytes,
                         nq_error *err);

/* Removes the temporary file and releases the writer. */
void nq_segw_abort(nq_segment_writer *w);

#endif

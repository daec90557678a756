#include "segment_write.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include "error.h"
#include "vec.h"

static nq_status write_all(nq_segment_writer *w, const void *data, size_t len, nq_error *err)
{
    const char *p = data;
    while (len) {
        ssize_t k = write(w->fd, p, len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return nq_fail(err, NQ_ERR_IO, "%s: write failed: %s", w->tmp_path, strerror(errno));
        p += k;
        len -= (size_t)k;
        w->pos += (uint64_t)k;
    }
    return NQ_OK;
}

static nq_status pad_to_alignment(nq_segment_writer *w, nq_error *err)
{
    static const char zeros[NQ_SECTION_ALIGN];
    size_t rem = (size_t)(w->pos % NQ_SECTION_ALIGN);
    return rem ? write_all(w, zeros, NQ_SECTION_ALIGN - rem, err) : NQ_OK;
}

nq_status nq_segw_open(nq_segment_writer *w, const char *path, nq_error *err)
{
    memset(w, 0, sizeof *w);
    w->fd = -1;
    size_t len = strlen(path);
    w->final_path = strdup(path);
    w->tmp_path = malloc(len + 32);
    if (!w->final_path || !w->tmp_path) {
        nq_segw_abort(w);
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    }
    snprintf(w->tmp_path, len + 32, "%s.tmp-%ld", path, (long)getpid());
    w->fd = open(w->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        nq_status st = nq_fail(err, NQ_ERR_IO, "%s: cannot create: %s", w->tmp_path, strerror(errno));
        nq_segw_abort(w);
        return st;
    }
    static const char header_space[NQ_HEADER_SIZE];
    return write_all(w, header_space, sizeof header_space, err);
}

static nq_status add_entry(nq_segment_writer *w, uint32_t id, uint32_t codec, uint64_t size,
                           uint64_t raw_size, uint64_t checksum, nq_error *err)
{
    if (NQ_RESERVE(w->entries, w->cap, w->n + 1))
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    nq_section_entry *e = &w->entries[w->n++];
    memset(e, 0, sizeof *e);
    e->id = id;
    e->codec = codec;
    e->offset = w->pos;
    e->size = size;
    e->raw_size = raw_size;
    e->checksum = checksum;
    return NQ_OK;
}

void nq_segw_start_writeback(nq_segment_writer *w)
{
#if defined(SYNC_FILE_RANGE_WRITE)
    (void)sync_file_range(w->fd, 0, 0, SYNC_FILE_RANGE_WRITE); /* a hint: fsync still decides */
#else
    (void)w;
#endif
}

nq_status nq_segw_add(nq_segment_writer *w, uint32_t id, const void *data, size_t len,
                      int zstd_level, nq_error *err)
{
    nq_status st = pad_to_alignment(w, err);
    if (st)
        return st;
    void *packed = NULL;
    size_t packed_len = 0;
    if (zstd_level > 0 && len > 0) {
        size_t bound = ZSTD_compressBound(len);
        packed = malloc(bound);
        if (!packed)
            return nq_fail(err, NQ_ERR_NOMEM, "out of memory compressing a section");
        packed_len = ZSTD_compress(packed, bound, data, len, zstd_level);
        if (ZSTD_isError(packed_len) || packed_len > len - len / 8) {
            free(packed);
            packed = NULL;
        }
    }
    if (packed) {
        st = add_entry(w, id, NQ_CODEC_ZSTD, packed_len, len, XXH3_64bits(packed, packed_len), err);
        if (!st)
            st = write_all(w, packed, packed_len, err);
        free(packed);
        return st;
    }
    st = add_entry(w, id, NQ_CODEC_RAW, len, len, XXH3_64bits(data, len), err);
    return st ? st : write_all(w, data, len, err);
}

static nq_status sync_parent_dir(const char *path, nq_error *err)
{
    char *copy = strdup(path);
    if (!copy)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    if (dfd < 0)
        return NQ_OK; /* nothing to sync through; the rename itself succeeded */
    fsync(dfd);
    close(dfd);
    return NQ_OK;
}

static nq_status write_header(nq_segment_writer *w, const char *tokenizer, uint64_t table_offset,
                              uint64_t table_checksum, nq_error *err)
{
    nq_file_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, NQ_MAGIC, 8);
    h.format_version = NQ_FORMAT_VERSION;
    h.header_size = NQ_HEADER_SIZE;
    h.file_size = w->pos;
    h.table_offset = table_offset;
    h.section_count = (uint32_t)w->n;
    strncpy(h.tokenizer, tokenizer, sizeof h.tokenizer - 1);
    h.table_checksum = table_checksum;
    h.header_checksum = XXH3_64bits(&h, offsetof(nq_file_header, header_checksum));
    if (pwrite(w->fd, &h, sizeof h, 0) != (ssize_t)sizeof h)
        return nq_fail(err, NQ_ERR_IO, "%s: writing the header failed: %s", w->tmp_path, strerror(errno));
    return NQ_OK;
}

nq_status nq_segw_finish(nq_segment_writer *w, const char *tokenizer, uint64_t *bytes, nq_error *err)
{
    nq_status st = pad_to_alignment(w, err);
    uint64_t table_offset = w->pos;
    size_t table_len = w->n * sizeof *w->entries;
    uint64_t table_checksum = XXH3_64bits(w->entries, table_len);
    if (!st)
        st = write_all(w, w->entries, table_len, err);
    if (!st)
        st = write_header(w, tokenizer, table_offset, table_checksum, err);
    if (!st && fsync(w->fd) != 0)
        st = nq_fail(err, NQ_ERR_IO, "%s: fsync failed: %s", w->tmp_path, strerror(errno));
    if (!st && close(w->fd) != 0)
        st = nq_fail(err, NQ_ERR_IO, "%s: close failed: %s", w->tmp_path, strerror(errno));
    w->fd = -1;
    if (!st && rename(w->tmp_path, w->final_path) != 0)
        st = nq_fail(err, NQ_ERR_IO, "cannot rename %s to %s: %s", w->tmp_path, w->final_path,
                     strerror(errno));
    if (!st)
        st = sync_parent_dir(w->final_path, err);
    if (!st && bytes)
        *bytes = w->pos;
    if (st) {
        nq_segw_abort(w);
        return st;
    }
    free(w->final_path);
    free(w->tmp_path);
    free(w->entries);
    memset(w, 0, sizeof *w);
    w->fd = -1;
    return NQ_OK;
}

void nq_segw_abort(nq_segment_writer *w)
{
    if (w->fd >= 0)
        close(w->fd);
    if (w->tmp_path)
        unlink(w->tmp_path);
    free(w->final_path);
    free(w->tmp_path);
    free(w->entries);
    memset(w, 0, sizeof *w);
    w->fd = -1;
}

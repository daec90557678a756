/* Opening an index segment: mmap, then check everything before trusting it. */
#include "index.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "docs_table.h"
#include "error.h"

static void section_name(uint32_t id, char out[8])
{
    for (int i = 0; i < 4; i++) {
        char ch = (char)(id >> (8 * i));
        out[i] = ch >= 0x20 && ch < 0x7F ? ch : '?';
    }
    out[4] = 0;
    if (out[3] == '?')
        out[3] = 0; /* NGnn sections have a NUL fourth byte */
}

static nq_status check_header(const nq_index *ix, nq_error *err)
{
    const char *p = ix->path;
    if (ix->map_len < NQ_HEADER_SIZE)
        return nq_fail(err, NQ_ERR_CORRUPT, "%s: truncated: %zu bytes, shorter than the %u-byte header",
                       p, ix->map_len, NQ_HEADER_SIZE);
    const nq_file_header *h = ix->header;
    if (memcmp(h->magic, NQ_MAGIC, 8) != 0)
        return nq_fail(err, NQ_ERR_CORRUPT, "%s: not an ngramq index (bad magic number)", p);
    if (XXH3_64bits(h, offsetof(nq_file_header, header_checksum)) != h->header_checksum)
        return nq_fail(err, NQ_ERR_CORRUPT, "%s: header checksum mismatch (corrupt or incomplete file)", p);
    if (h->format_version != NQ_FORMAT_VERSION)
        return nq_fail(err, NQ_ERR_VERSION, "%s: format version %u, this ngramq reads version %u", p,
                       h->format_version, NQ_FORMAT_VERSION);
    if (h->header_size != NQ_HEADER_SIZE || h->flags != 0)
        return nq_fail(err, NQ_ERR_VERSION, "%s: header size %u or flags %u unknown to this ngramq", p,
                       h->header_size, h->flags);
    if (strncmp(h->tokenizer, NQ_TOKENIZER_NAME, sizeof h->tokenizer) != 0)
        return nq_fail(err, NQ_ERR_VERSION, "%s: built with tokenizer \"%.24s\", this ngramq implements %s", p,
                       h->tokenizer, NQ_TOKENIZER_NAME);
    if (h->file_size != ix->map_len)
        return nq_fail(err, NQ_ERR_CORRUPT, "%s: truncated or extended: header says %llu bytes, file has %zu",
                       p, (unsigned long long)h->file_size, ix->map_len);
    uint64_t table_len = (uint64_t)h->section_count * NQ_TABLE_ENTRY_SIZE;
    if (h->section_count > 4096 || h->table_offset % 8 || h->table_offset < NQ_HEADER_SIZE ||
        h->table_offset > ix->map_len || table_len > ix->map_len - h->table_offset)
        return nq_fail(err, NQ_ERR_CORRUPT, "%s: section table out of bounds", p);
    if (XXH3_64bits(ix->map + h->table_offset, table_len) != h->table_checksum)
        return nq_fail(err, NQ_ERR_CORRUPT, "%s: section table checksum mismatch", p);
    return NQ_OK;
}

/* Sections lie in file order with zeroed alignment padding between them and
 * before the table, so every byte of the file is covered by a check. */
static nq_status check_padding(const nq_index *ix, uint64_t from, uint64_t to, nq_error *err)
{
    for (uint64_t p = from; p < to; p++)
        if (ix->map[p])
            return nq_fail(err, NQ_ERR_CORRUPT, "%s: corrupt padding at offset %llu", ix->path,
                           (unsigned long long)p);
    return NQ_OK;
}

/* The sections every query needs are checked at open; the big ones (n-gram
 * levels, postings, text) when a query first needs them, so that opening a
 * large index costs a few hundred microseconds, not a pass over the file. */
static int checked_at_open(uint32_t id)
{
    return id == NQ_SEC_META || id == NQ_SEC_SRCS || id == NQ_SEC_LEXS || id == NQ_SEC_LEXF;
}

static nq_status verify_entry(const nq_index *ix, const nq_section_entry *e, nq_error *err)
{
    if (XXH3_64bits(ix->map + e->offset, e->size) == e->checksum)
        return NQ_OK;
    char name[8];
    section_name(e->id, name);
    return nq_fail(err, NQ_ERR_CORRUPT, "%s: section %s checksum mismatch (corrupt data at offset %llu)", ix->path,
                   name, (unsigned long long)e->offset);
}

/* Verifies every section with this id (all copies: a reader may use any). */
static nq_status verify_id(const nq_index *ix, uint32_t id, nq_error *err)
{
    for (uint32_t i = 0; i < ix->header->section_count; i++)
        if (ix->sections[i].id == id && verify_entry(ix, &ix->sections[i], err))
            return NQ_ERR_CORRUPT;
    return NQ_OK;
}

static nq_status check_sections(const nq_index *ix, nq_error *err)
{
    uint64_t end = NQ_HEADER_SIZE;
    for (uint32_t i = 0; i < ix->header->section_count; i++) {
        const nq_section_entry *e = &ix->sections[i];
        char name[8];
        section_name(e->id, name);
        if (e->offset > ix->header->table_offset || e->size > ix->header->table_offset - e->offset)
            return nq_fail(err, NQ_ERR_CORRUPT, "%s: section %s runs past the end of the file", ix->path, name);
        if (e->offset % NQ_SECTION_ALIGN)
            return nq_fail(err, NQ_ERR_CORRUPT, "%s: section %s is not aligned", ix->path, name);
        if (e->offset < end)
            return nq_fail(err, NQ_ERR_CORRUPT, "%s: section %s overlaps the one before it", ix->path, name);
        if (check_padding(ix, end, e->offset, err))
            return NQ_ERR_CORRUPT;
        end = e->offset + e->size;
        if (e->codec != NQ_CODEC_RAW && e->codec != NQ_CODEC_ZSTD)
            return nq_fail(err, NQ_ERR_CORRUPT, "%s: section %s has unknown codec %u", ix->path, name, e->codec);
        if (checked_at_open(e->id) && verify_entry(ix, e, err))
            return NQ_ERR_CORRUPT;
    }
    return check_padding(ix, end, ix->header->table_offset, err);
}

const uint8_t *nq_index_section(const nq_index *ix, uint32_t id, size_t *len)
{
    for (uint32_t i = 0; i < ix->header->section_count; i++) {
        const nq_section_entry *e = &ix->sections[i];
        if (e->id == id && e->codec == NQ_CODEC_RAW) {
            *len = e->size;
            return ix->map + e->offset;
        }
    }
    *len = 0;
    return NULL;
}

const nq_section_entry *nq_index_section_entry(const nq_index *ix, uint32_t id)
{
    for (uint32_t i = 0; i < ix->header->section_count; i++)
        if (ix->sections[i].id == id)
            return &ix->sections[i];
    return NULL;
}

static nq_status require(const nq_index *ix, uint32_t id, const uint8_t **p, size_t *len, nq_error *err)
{
    *p = nq_index_section(ix, id, len);
    if (*p)
        return NQ_OK;
    char name[8];
    section_name(id, name);
    return nq_fail(err, NQ_ERR_CORRUPT, "%s: section %s is missing", ix->path, name);
}

/* Positions and stored text are optional (--no-positions, --no-text), each
 * three sections that come together or not at all; found and checksummed
 * here, opened by the callers. */
static nq_status load_trio(const nq_index *ix, const uint32_t id[3], const uint8_t *p[3], size_t len[3],
                           nq_error *err)
{
    int found = 0;
    for (int k = 0; k < 3; k++)
        found += (p[k] = nq_index_section(ix, id[k], &len[k])) != NULL;
    if (found != 3) {
        char a[8], b[8], c[8];
        section_name(id[0], a);
        section_name(id[1], b);
        section_name(id[2], c);
        return nq_fail(err, NQ_ERR_CORRUPT, "%s: sections %s, %s and %s must come together", ix->path, a, b, c);
    }
    for (int k = 0; k < 3; k++)
        if (verify_id(ix, id[k], err))
            return NQ_ERR_CORRUPT;
    return NQ_OK;
}

static nq_status load_positions(nq_index *ix, nq_error *err)
{
    static const uint32_t id[3] = {NQ_SEC_STRC, NQ_SEC_POST, NQ_SEC_PDIR};
    const uint8_t *p[3];
    size_t len[3];
    nq_status st = load_trio(ix, id, p, len, err);
    if (st)
        return st;
    if (nq_structure_open(&ix->strc, p[0], len[0], err))
        return nq_wrap(err, NQ_ERR_CORRUPT, "%s", ix->path);
    if (ix->strc.tokens != ix->meta[NQ_META_TOKENS] || ix->strc.docs != ix->meta[NQ_META_DOCUMENTS])
        return nq_fail(err, NQ_ERR_CORRUPT, "%s: section STRC disagrees with META", ix->path);
    if (nq_postings_open(&ix->post, p[1], len[1], p[2], len[2], ix->lex.n_terms, err))
        return nq_wrap(err, NQ_ERR_CORRUPT, "%s", ix->path);
    const char *force = getenv("NQ_SIMD");
    ix->simd = nq_simd_best();
    if (force && *force && (nq_simd_parse(force, &ix->simd) || !nq_simd_available(ix->simd)))
        return nq_fail(err, NQ_ERR_ARG, "NQ_SIMD=%s: not a decoding path this machine runs", force);
    return NQ_OK;
}

static nq_status load_text(nq_index *ix, nq_error *err)
{
    static const uint32_t id[3] = {NQ_SEC_TEXT, NQ_SEC_TOFF, NQ_SEC_TDIR};
    const uint8_t *p[3];
    size_t len[3];
    nq_status st = load_trio(ix, id, p, len, err);
    if (!st && nq_text_store_open(&ix->text, p[0], len[0], p[1], len[1], p[2], len[2],
                                  ix->meta[NQ_META_DOCUMENTS], err))
        st = nq_wrap(err, NQ_ERR_CORRUPT, "%s", ix->path);
    return st;
}

static nq_status load_cooc(nq_index *ix, nq_error *err)
{
    size_t len;
    const uint8_t *p = nq_index_section(ix, NQ_SEC_COOC, &len);
    if (!p)
        return nq_fail(err, NQ_ERR_CORRUPT, "%s: section COOC is missing", ix->path);
    if (verify_id(ix, NQ_SEC_COOC, err))
        return NQ_ERR_CORRUPT;
    if (nq_cooc_open(&ix->cooc, p, len, ix->lex.n_terms, err))
        return nq_wrap(err, NQ_ERR_CORRUPT, "%s: section COOC", ix->path);
    return NQ_OK;
}

/* Level n, once level n-1 is loaded (nq_index_need loads parts in bit
 * order, and NQ_PART_NG_UPTO asks for every lower level). */
static nq_status load_ngram_level(nq_index *ix, int n, nq_error *err)
{
    if (n > ix->max_n)
        return nq_fail(err, NQ_ERR_ARG, "this index stores n-grams of order 1 to %d, not %d", ix->max_n, n);
    const uint8_t *p;
    size_t len;
    uint64_t parents = n == 2 ? ix->lex.n_terms : ix->ngram[n - 1].n;
    nq_status st = require(ix, NQ_SEC_NGRAM(n), &p, &len, err);
    if (!st)
        st = verify_id(ix, NQ_SEC_NGRAM(n), err);
    if (st)
        return st;
    if (nq_ngram_view_open(&ix->ngram[n], p, len, parents, err))
        return nq_wrap(err, NQ_ERR_CORRUPT, "%s: section NG%d", ix->path, n);
    return NQ_OK;
}

/* Sections present decide what the index can answer; their contents are
 * checked when a query first needs them. */
static nq_status find_parts(nq_index *ix, nq_error *err)
{
    size_t len;
    ix->has_positions = nq_index_section(ix, NQ_SEC_STRC, &len) != NULL;
    ix->has_text = nq_index_section(ix, NQ_SEC_TEXT, &len) != NULL;
    ix->has_cooc = nq_index_section(ix, NQ_SEC_COOC, &len) != NULL;
    for (int n = 2; n <= ix->max_n; n++) {
        const uint8_t *p;
        nq_status st = require(ix, NQ_SEC_NGRAM(n), &p, &len, err);
        if (st)
            return st;
    }
    return NQ_OK;
}

static nq_status load_part(nq_index *ix, unsigned part, nq_error *err)
{
    for (int n = 2; n <= NQ_MAX_ORDER; n++)
        if (part == NQ_PART_NG(n))
            return load_ngram_level(ix, n, err);
    switch (part) {
    case NQ_PART_COOC:
        if (!ix->has_cooc)
            return nq_fail(err, NQ_ERR_ARG, "this index has no co-occurrence matrix (built with --window 0)");
        return load_cooc(ix, err);
    case NQ_PART_POSITIONS:
        if (!ix->has_positions)
            return nq_fail(err, NQ_ERR_ARG, "this index has no positional postings (built with --no-positions)");
        return load_positions(ix, err);
    case NQ_PART_TEXT:
        if (!ix->has_text)
            return nq_fail(err, NQ_ERR_ARG, "this index has no stored text (built with --no-text)");
        return load_text(ix, err);
    default:
        return nq_index_load_docs(ix, err);
    }
}

nq_status nq_index_need(const nq_index *cix, unsigned parts, nq_error *err)
{
    /* Loading fills views once; the index stays logically constant, so
     * const callers may trigger it (the object is never defined const). */
    nq_index *ix = (nq_index *)cix;
    nq_status st = NQ_OK;
    pthread_mutex_lock(&ix->parts_lock);
    for (unsigned bit = 1; bit <= NQ_PART_NG(NQ_MAX_ORDER) && !st; bit <<= 1)
        if (bit != NQ_PART_DOCS && (parts & bit) && !(ix->loaded & bit) && (st = load_part(ix, bit, err)) == NQ_OK)
            ix->loaded |= bit;
    pthread_mutex_unlock(&ix->parts_lock);
    if (!st && (parts & NQ_PART_DOCS))
        st = nq_index_load_docs(ix, err);
    return st;
}

nq_status nq_index_verify(nq_index *ix, nq_error *err)
{
    unsigned parts = (ix->max_n >= 2 ? NQ_PART_NG_UPTO(ix->max_n) : 0) | NQ_PART_DOCS |
                     (ix->has_cooc ? NQ_PART_COOC : 0) |
                     (ix->has_positions ? NQ_PART_POSITIONS : 0) |
                     (ix->has_text ? NQ_PART_TEXT : 0);
    nq_status st = nq_index_need(ix, parts, err);
    for (uint32_t i = 0; !st && i < ix->header->section_count; i++)
        st = verify_entry(ix, &ix->sections[i], err); /* sections no reader of this version uses, too */
    return st;
}

static nq_status load_views(nq_index *ix, nq_error *err)
{
    const uint8_t *meta, *lexs, *lexf;
    size_t meta_len, lexs_len, lexf_len;
    nq_status st = require(ix, NQ_SEC_META, &meta, &meta_len, err);
    if (!st)
        st = require(ix, NQ_SEC_LEXS, &lexs, &lexs_len, err);
    if (!st)
        st = require(ix, NQ_SEC_LEXF, &lexf, &lexf_len, err);
    if (st)
        return st;
    uint64_t count;
    if (meta_len < 8 || (memcpy(&count, meta, 8), count > (meta_len - 8) / 8))
        return nq_fail(err, NQ_ERR_CORRUPT, "%s: section META is malformed", ix->path);
    memcpy(ix->meta, meta + 8, 8 * (count < NQ_META_COUNT ? count : NQ_META_COUNT));
    if (nq_lexicon_open(&ix->lex, lexs, lexs_len, lexf, lexf_len, err))
        return nq_wrap(err, NQ_ERR_CORRUPT, "%s", ix->path);
    ix->max_n = (int)ix->meta[NQ_META_MAX_N];
    if (ix->max_n < 1 || ix->max_n > NQ_MAX_ORDER || ix->lex.n_terms != ix->meta[NQ_META_TYPES])
        return nq_fail(err, NQ_ERR_CORRUPT, "%s: META disagrees with the lexicon", ix->path);
    const uint8_t *srcs;
    size_t srcs_len;
    st = require(ix, NQ_SEC_SRCS, &srcs, &srcs_len, err);
    if (st)
        return st;
    st = nq_sources_check(srcs, srcs_len, &ix->n_sources, err);
    if (st)
        return nq_wrap(err, st, "%s: section SRCS", ix->path);
    ix->srcs = srcs;
    return find_parts(ix, err);
}

static nq_status map_file(nq_index *ix, nq_error *err)
{
    int fd = open(ix->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return nq_fail(err, NQ_ERR_IO, "%s: cannot open: %s", ix->path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return nq_fail(err, NQ_ERR_IO, "%s: not a regular file", ix->path);
    }
    ix->map_len = (size_t)sb.st_size;
    if (ix->map_len == 0) {
        close(fd);
        return nq_fail(err, NQ_ERR_CORRUPT, "%s: empty file, not an ngramq index", ix->path);
    }
    /* No MAP_POPULATE: a query touches a small part of a large index, and
     * faulting in the whole file would cost more than the query. */
    void *m = mmap(NULL, ix->map_len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return nq_fail(err, NQ_ERR_IO, "%s: mmap failed: %s", ix->path, strerror(errno));
    ix->map = m;
    ix->header = m;
    return NQ_OK;
}

nq_status nq_index_open(const char *path, nq_index **out, nq_error *err)
{
    *out = NULL;
    nq_index *ix = calloc(1, sizeof *ix);
    if (!ix || !(ix->path = strdup(path))) {
        free(ix);
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    }
    pthread_mutex_init(&ix->docs_lock, NULL);
    pthread_mutex_init(&ix->parts_lock, NULL);
    nq_status st = map_file(ix, err);
    if (!st)
        st = check_header(ix, err);
    if (!st) {
        ix->sections = (const nq_section_entry *)(ix->map + ix->header->table_offset);
        st = check_sections(ix, err);
    }
    if (!st)
        st = load_views(ix, err);
    if (st) {
        nq_index_close(ix);
        return st;
    }
    *out = ix;
    return NQ_OK;
}

void nq_index_close(nq_index *ix)
{
    if (!ix)
        return;
    if (ix->map)
        munmap((void *)ix->map, ix->map_len);
    pthread_mutex_destroy(&ix->docs_lock);
    pthread_mutex_destroy(&ix->parts_lock);
    free(ix->docs);
    free(ix->path);
    free(ix);
}

void nq_index_get_info(const nq_index *ix, nq_index_info *info)
{
    memset(info, 0, sizeof *info);
    const uint64_t *m = ix->meta;
    info->format_version = ix->header->format_version;
    memcpy(info->tokenizer, ix->header->tokenizer, sizeof ix->header->tokenizer);
    info->documents = m[NQ_META_DOCUMENTS];
    info->sentences = m[NQ_META_SENTENCES];
    info->paragraphs = m[NQ_META_PARAGRAPHS];
    info->tokens = m[NQ_META_TOKENS];
    info->types = m[NQ_META_TYPES];
    info->dated_documents = m[NQ_META_DATED_DOCUMENTS];
    info->sources = m[NQ_META_SOURCES];
    info->max_n = ix->max_n;
    info->min_count = (uint32_t)m[NQ_META_MIN_COUNT];
    for (int n = 1; n <= ix->max_n; n++)
        info->ngrams[n] = m[NQ_META_NGRAMS_1 + n - 1];
    info->text_bytes = m[NQ_META_TEXT_BYTES];
    info->file_bytes = ix->map_len;
    info->date_min = (uint32_t)m[NQ_META_DATE_MIN];
    info->date_max = (uint32_t)m[NQ_META_DATE_MAX];
    /* read from PDIR itself: the postings may not be loaded yet */
    size_t pdir_len;
    const uint8_t *pdir = nq_index_section(ix, NQ_SEC_PDIR, &pdir_len);
    uint32_t codec = 0;
    if (pdir && pdir_len >= 16)
        memcpy(&codec, pdir + 12, 4);
    info->postings_codec = !ix->has_positions          ? "none"
                           : codec == NQ_PDIR_PFOR          ? "pfor-simd"
                           : codec == NQ_PDIR_INTERPOLATIVE ? "interpolative"
                                                            : "unknown";
    uint32_t n = ix->header->section_count;
    info->n_sections = n < 32 ? n : 32;
    for (size_t i = 0; i < info->n_sections; i++) {
        const nq_section_entry *e = &ix->sections[i];
        section_name(e->id, info->sections[i].name);
        info->sections[i].bytes = e->size;
        info->sections[i].raw_bytes = e->raw_size;
    }
}

/* Decodes DOCS on first use; later calls find it ready. */
nq_status nq_index_load_docs(nq_index *ix, nq_error *err)
{
    nq_status st = NQ_OK;
    pthread_mutex_lock(&ix->docs_lock);
    if (!ix->docs) {
        const nq_section_entry *e = nq_index_section_entry(ix, NQ_SEC_DOCS);
        if (!e)
            st = nq_fail(err, NQ_ERR_CORRUPT, "%s: section DOCS is missing", ix->path);
        else if (verify_entry(ix, e, err))
            st = NQ_ERR_CORRUPT;
        else
            st = nq_docs_decode(ix->map + e->offset, e->size, e->codec, e->raw_size,
                                ix->meta[NQ_META_DOCUMENTS], &ix->docs, &ix->docs_len, err);
        if (st)
            st = nq_wrap(err, st, "%s: section DOCS", ix->path);
    }
    pthread_mutex_unlock(&ix->docs_lock);
    return st;
}

nq_status nq_index_doc(nq_index *ix, uint64_t i, nq_doc_info *doc, nq_error *err)
{
    if (i >= ix->meta[NQ_META_DOCUMENTS])
        return nq_fail(err, NQ_ERR_ARG, "document %llu out of range (the index has %llu)", (unsigned long long)i,
                       (unsigned long long)ix->meta[NQ_META_DOCUMENTS]);
    nq_status st = nq_index_load_docs(ix, err);
    if (st)
        return st;
    uint32_t source;
    if (nq_docs_get(ix->docs, ix->docs_len, i, doc, &source) != 0)
        return nq_fail(err, NQ_ERR_CORRUPT, "%s: document %llu has strings out of bounds", ix->path,
                       (unsigned long long)i);
    uint64_t count;
    if (source != NQ_NO_SOURCE &&
        nq_index_source(ix, source, &doc->source, &doc->source_len, &count, err) != NQ_OK)
        return nq_fail(err, NQ_ERR_CORRUPT, "%s: document %llu names source %u, which does not exist", ix->path,
                       (unsigned long long)i, source);
    return NQ_OK;
}

uint64_t nq_index_source_count(const nq_index *ix)
{
    return ix->n_sources;
}

nq_status nq_index_source(const nq_index *ix, uint64_t i, const char **name, size_t *len, uint64_t *documents,
                          nq_error *err)
{
    if (i >= ix->n_sources)
        return nq_fail(err, NQ_ERR_ARG, "source %llu out of range (the index has %llu)", (unsigned long long)i,
                       (unsigned long long)ix->n_sources);
    nq_sources_get(ix->srcs, ix->n_sources, i, name, len, documents);
    return NQ_OK;
}

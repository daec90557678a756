/*
 * On-disk layout of an index segment (docs/FORMAT.md is the reference).
 * All integers little-endian. A segment is one file:
 *
 *   header (80 bytes) | sections, each 64-byte aligned | section table
 *
 * The header is written last, so a file whose header checks out was
 * completely written; the section table has its own checksum in the header
 * and every section its own XXH3-64 in the table.
 */
#ifndef NQ_FORMAT_H
#define NQ_FORMAT_H

#include <stdint.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "ngramq's on-disk format is read in place and assumes a little-endian host"
#endif

#define NQ_MAGIC "NGRAMQ\x1a\x01"   /* 8 bytes; \x1a stops `type`, \x01 = segment */
#define NQ_FORMAT_VERSION 3u
#define NQ_HEADER_SIZE 80u
#define NQ_SECTION_ALIGN 64u
#define NQ_TABLE_ENTRY_SIZE 48u

typedef struct nq_file_header {
    char magic[8];
    uint32_t format_version;
    uint32_t header_size;
    uint64_t file_size;
    uint64_t table_offset;
    uint32_t section_count;
    uint32_t flags;             /* 0 */
    char tokenizer[24];         /* NUL-padded, e.g. "fr-1" or "fr-1+fold-accents" */
    uint64_t table_checksum;    /* XXH3-64 of the section table */
    uint64_t header_checksum;   /* XXH3-64 of the 72 bytes before it */
} nq_file_header;
_Static_assert(sizeof(nq_file_header) == NQ_HEADER_SIZE, "header layout");

typedef struct nq_section_entry {
    uint32_t id;                /* fourcc, see NQ_SEC_* */
    uint32_t codec;             /* NQ_CODEC_* */
    uint64_t offset;            /* from the start of the file */
    uint64_t size;              /* stored bytes */
    uint64_t raw_size;          /* bytes after decoding */
    uint64_t checksum;          /* XXH3-64 of the stored bytes */
    uint64_t reserved;          /* 0 */
} nq_section_entry;
_Static_assert(sizeof(nq_section_entry) == NQ_TABLE_ENTRY_SIZE, "table entry layout");

enum { NQ_CODEC_RAW = 0, NQ_CODEC_ZSTD = 1 };

#define NQ_FOURCC(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define NQ_SEC_META NQ_FOURCC('M', 'E', 'T', 'A')   /* corpus statistics */
#define NQ_SEC_LEXS NQ_FOURCC('L', 'E', 'X', 'S')   /* lexicon strings, front-coded */
#define NQ_SEC_LEXF NQ_FOURCC('L', 'E', 'X', 'F')   /* term frequencies */
#define NQ_SEC_DOCS NQ_FOURCC('D', 'O', 'C', 'S')   /* documents table (zstd) */
#define NQ_SEC_SRCS NQ_FOURCC('S', 'R', 'C', 'S')   /* source names */
#define NQ_SEC_STRC NQ_FOURCC('S', 'T', 'R', 'C')   /* document, paragraph, sentence starts */
#define NQ_SEC_POST NQ_FOURCC('P', 'O', 'S', 'T')   /* positional postings */
#define NQ_SEC_PDIR NQ_FOURCC('P', 'D', 'I', 'R')   /* postings directory */
#define NQ_SEC_TEXT NQ_FOURCC('T', 'E', 'X', 'T')   /* stored text, zstd blocks */
#define NQ_SEC_TOFF NQ_FOURCC('T', 'O', 'F', 'F')   /* token byte spans, zstd blocks */
#define NQ_SEC_TDIR NQ_FOURCC('T', 'D', 'I', 'R')   /* stored text directory */
#define NQ_SEC_COOC NQ_FOURCC('C', 'O', 'O', 'C')   /* window co-occurrence matrix */
/* n-gram level n (2..8): 'N','G','0'+n,'\0' */
#define NQ_SEC_NGRAM(n) NQ_FOURCC('N', 'G', '0' + (n), 0)

/* META: u64 count, then count u64 values in this order.
 * Readers take the ones they know; writers only ever append. */
enum nq_meta_key {
    NQ_META_DOCUMENTS, NQ_META_SENTENCES, NQ_META_PARAGRAPHS, NQ_META_TOKENS,
    NQ_META_TYPES, NQ_META_MAX_N, NQ_META_MIN_COUNT, NQ_META_TEXT_BYTES,
    NQ_META_INPUT_BYTES, NQ_META_RECORDS_SKIPPED, NQ_META_REPLACED, NQ_META_BAD_DATES,
    NQ_META_DATED_DOCUMENTS, NQ_META_DATE_MIN, NQ_META_DATE_MAX, NQ_META_SOURCES,
    NQ_META_NGRAMS_1,   /* followed by NGRAMS_2 .. NGRAMS_8 */
    NQ_META_COUNT = NQ_META_NGRAMS_1 + 8
};

/* Terms in stream marks: ids at or above NQ_ID_MARK are not terms. */
#define NQ_ID_PARA_BREAK 0xFFFFFFFFu
#define NQ_ID_SENT_BREAK 0xFFFFFFFEu
#define NQ_ID_MARK 0xFFFFFFFEu
#define NQ_ID_NONE 0xFFFFFFFFu

#endif

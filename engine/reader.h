/*
 * Corpus readers. A reader turns the input paths into a sequence of raw
 * records in corpus order (TOKENIZATION.md section 1): JSONL lines (plain,
 * zstd-compressed and streamed, or stdin) and whole plain-text files. It
 * does the sequential part only (I/O, decompression, line splitting);
 * parsing a record into a document (nq_record_parse) is done by the build's
 * worker threads.
 */
#ifndef NQ_READER_H
#define NQ_READER_H

#include <stddef.h>
#include <stdint.h>

#include "ngramq/ngramq.h"

typedef enum nq_record_kind {
    NQ_REC_JSON = 1,   /* one JSONL line, without its line terminator */
    NQ_REC_TEXT = 2    /* a whole plain-text file: one document */
} nq_record_kind;

typedef struct nq_record {
    nq_record_kind kind;
    uint32_t file;       /* index into the reader's file list (nq_reader_file_name) */
    uint64_t line;       /* 1-based line number for NQ_REC_JSON, 0 for NQ_REC_TEXT */
    const char *data;    /* bytes, owned by the batch */
    size_t len;
} nq_record;

/* A batch of records. Reused across calls: nq_reader_next() clears it. */
typedef struct nq_batch {
    nq_record *rec;
    size_t n, cap;
    char *buf;           /* storage the records point into */
    size_t buf_used, buf_cap;
    uint64_t bytes;      /* input bytes this batch consumed */
} nq_batch;

void nq_batch_init(nq_batch *b);
void nq_batch_free(nq_batch *b);

typedef struct nq_reader nq_reader;

/* Opens the inputs: files, directories (walked recursively, byte-wise order
 * of relative paths, hidden entries skipped) and "-" for JSONL on stdin.
 * Fails with a message naming the path when one cannot be opened. */
nq_status nq_reader_open(const char *const *inputs, size_t n_inputs, nq_input_format format,
                         nq_reader **out, nq_error *err);
void nq_reader_close(nq_reader *r);

/* Fills b with the next records, about target_bytes of input (at least one
 * record when any is left; a record larger than target_bytes comes alone).
 * Blank lines are skipped. Returns NQ_OK; b->n == 0 means the end. After
 * an error the reader can only be closed. */
nq_status nq_reader_next(nq_reader *r, nq_batch *b, size_t target_bytes, nq_error *err);

/* Name of file number i, as given or as found in a walked directory
 * (relative to it): the id of a plain-text document. NULL when out of range. */
const char *nq_reader_file_name(const nq_reader *r, uint32_t i);
/* Path of file number i as opened (a walked file's directory joined with its
 * name): for messages that must let a user find the file. */
const char *nq_reader_file_path(const nq_reader *r, uint32_t i);
/* Sum of the sizes of regular, uncompressed inputs, plus the decompressed
 * sizes that .zst frame headers declare (0 when unknown): for an ETA against
 * the sum of nq_batch.bytes, which counts decompressed bytes. */
uint64_t nq_reader_total_bytes(const nq_reader *r);

/* A document parsed out of a record. Strings point into scratch memory owned
 * by the parser (or into the record) and are valid until the next parse on
 * the same parser. Absent fields have ptr NULL. Strings are not NUL-terminated. */
typedef struct nq_str {
    const char *ptr;
    size_t len;
} nq_str;

typedef struct nq_doc {
    nq_str id, source, title, text;
    uint32_t date;       /* YYYYMMDD, 00 for unknown month/day; 0 = no date */
} nq_doc;

typedef struct nq_parser nq_parser;   /* per-thread scratch for unescaping */

nq_parser *nq_parser_new(void);
void nq_parser_free(nq_parser *p);

typedef enum nq_parse_result {
    NQ_PARSE_OK = 0,       /* doc filled */
    NQ_PARSE_OK_WARN = 1,  /* doc filled, *diag_kind and message say what was dropped (bad date) */
    NQ_PARSE_SKIP = 2,     /* record rejected: *diag_kind and message say why */
    NQ_PARSE_NOMEM = 3
} nq_parse_result;

/* Parses one record. For NQ_REC_TEXT the whole data is the body, the id is
 * the file name relative to its walked directory (or as given), no date,
 * source or title. For NQ_REC_JSON, fields are looked up by the given names;
 * the message (at most msg_cap bytes, NUL-terminated) says what is wrong,
 * e.g. "not JSON: expected ':' at column 17" or "field \"date\": expected a
 * string, got a number". It does not name the file and line: the caller
 * adds them. Leniencies (see jsonl.c): raw control characters inside strings
 * are accepted, invalid UTF-8 passes through, a lone surrogate escape becomes
 * U+FFFD, the last of duplicate keys wins, an empty date string is no date.
 * A NULL names means the defaults, as does a NULL member. */
nq_parse_result nq_record_parse(nq_parser *p, const nq_record *rec, const char *file_id,
                                const nq_field_names *names, nq_doc *doc,
                                nq_diag_kind *diag_kind, char *msg, size_t msg_cap);

/* Parses "YYYY", "YYYY-MM" or "YYYY-MM-DD" (a real calendar date, years
 * 0001..9999) into YYYYMMDD with 00 for absent parts. A date followed by a
 * time, "YYYY-MM-DDTHH:MM..." or "YYYY-MM-DD HH:MM...", gives its date part.
 * Returns 0 when the string is not such a date. */
uint32_t nq_parse_date(const char *s, size_t len);
/* The same; *shaped (if non-NULL) tells whether s has a date's layout, so
 * that a 0 result is an impossible date ("2023-02-30", "0000") rather than a
 * malformed one ("hier", "2023/05/01", "2023-6"). */
uint32_t nq_parse_date_ex(const char *s, size_t len, int *shaped);

/* Formats a packed date as "YYYY", "YYYY-MM" or "YYYY-MM-DD" into buf (>= 11
 * bytes); 0 (no date) gives "". */
void nq_format_date(uint32_t date, char *buf);

#endif

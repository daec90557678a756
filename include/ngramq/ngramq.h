/*
 * ngramq: n-gram and co-occurrence indexing of press archives.
 *
 * The library builds an immutable, checksummed index segment from a corpus
 * (JSONL, JSONL.zst, plain text) and answers queries over it. Every function
 * that can fail returns an nq_status and, when given a non-NULL nq_error,
 * fills it with a message fit to show to a user. Nothing is printed from
 * inside the library; diagnostics about the input reach the caller through
 * nq_build_options.on_diag.
 *
 * Thread safety: an nq_index may be queried from several threads at once;
 * a build owns its threads (OpenMP) and is not reentrant on one options
 * object.
 */
#ifndef NGRAMQ_H
#define NGRAMQ_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NQ_VERSION_MAJOR 0
#define NQ_VERSION_MINOR 1
#define NQ_VERSION_PATCH 0

/* Name of the tokenization rules this library implements (TOKENIZATION.md). */
#define NQ_TOKENIZER_NAME "fr-1"

/* Largest n-gram order the n-gram tables can hold. */
#define NQ_MAX_ORDER 8

typedef enum nq_status {
    NQ_OK = 0,
    NQ_ERR_IO = -1,          /* a file could not be read or written */
    NQ_ERR_NOMEM = -2,       /* an allocation failed */
    NQ_ERR_CORRUPT = -3,     /* an index failed its checks (magic, size, checksum) */
    NQ_ERR_INPUT = -4,       /* bad corpus input, fatal under strict mode */
    NQ_ERR_ARG = -5,         /* an argument is out of range or malformed */
    NQ_ERR_VERSION = -6,     /* an index from an unknown format version */
    NQ_ERR_LIMIT = -7        /* an input exceeds a documented limit */
} nq_status;

/* An error: a status and a message naming the file, line or section. */
typedef struct nq_error {
    nq_status code;
    char message[1024];
} nq_error;

/* Returns a static English description of a status. */
const char *nq_status_string(nq_status status);

/* Library version as "MAJOR.MINOR.PATCH". */
const char *nq_version(void);

/* ------------------------------------------------------------------ */
/* Building                                                            */
/* ------------------------------------------------------------------ */

/* What went wrong with one input record; the build reports and counts it. */
typedef enum nq_diag_kind {
    NQ_DIAG_NOT_JSON = 1,    /* the line is not a JSON object */
    NQ_DIAG_NO_TEXT,         /* the text field is missing or null */
    NQ_DIAG_WRONG_TYPE,      /* a known field has the wrong JSON type */
    NQ_DIAG_BAD_DATE,        /* impossible or malformed date: kept, undated */
    NQ_DIAG_INVALID_UTF8,    /* bytes replaced by U+FFFD (count in detail) */
    NQ_DIAG_TOO_LARGE        /* a document over the size limit */
} nq_diag_kind;

typedef struct nq_diag {
    nq_diag_kind kind;
    const char *file;        /* input path as given ("-" for stdin) */
    uint64_t line;           /* 1-based line number; 0 for a whole file */
    uint64_t count;          /* replaced sequences for NQ_DIAG_INVALID_UTF8 */
    const char *message;     /* one line, no trailing newline */
    int skipped;             /* 1 when the record was dropped */
} nq_diag;

/* Progress, reported after each batch of documents. */
typedef struct nq_progress {
    uint64_t documents;
    uint64_t bytes_read;     /* input bytes consumed so far */
    uint64_t bytes_total;    /* total input bytes when known, else 0 */
    double seconds;
} nq_progress;

/* Names of the JSON fields read from each line. */
typedef struct nq_field_names {
    const char *id, *date, *source, *title, *text;
} nq_field_names;

/* How an input path is read. AUTO decides by name: "-", *.jsonl, *.ndjson,
 * *.json and their .zst forms are JSONL; other files are plain-text
 * documents; a directory is walked recursively in byte-wise order of
 * relative paths. */
typedef enum nq_input_format {
    NQ_INPUT_AUTO = 0,
    NQ_INPUT_JSONL,
    NQ_INPUT_TEXT
} nq_input_format;

typedef struct nq_build_options {
    int threads;             /* 0: OpenMP's default */
    int max_n;               /* longest n-gram counted, 1..NQ_MAX_ORDER (5) */
    uint32_t min_count;      /* n >= 2 kept when count >= min_count (2) */
    int strict;              /* stop at the first bad record, leave no index */
    nq_input_format input_format;
    nq_field_names fields;   /* defaults: id date source title text */
    size_t batch_bytes;      /* input bytes per parallel batch (32 MiB) */
    void (*on_diag)(void *user, const nq_diag *diag);
    void (*on_progress)(void *user, const nq_progress *progress);
    void *user;
} nq_build_options;

/* What a build did. */
typedef struct nq_build_stats {
    uint64_t documents, sentences, paragraphs, tokens, types;
    uint64_t ngrams[NQ_MAX_ORDER + 1];   /* stored n-grams per order */
    uint64_t records_skipped;            /* bad records dropped */
    uint64_t bad_dates;                  /* dates reported and dropped */
    uint64_t replaced_sequences;         /* invalid UTF-8 sequences replaced */
    uint64_t bytes_read;                 /* input bytes */
    uint64_t text_bytes;                 /* title and text bytes */
    uint64_t index_bytes;
    double seconds;
    double seconds_read_tokenize, seconds_lexicon, seconds_count, seconds_write;
} nq_build_stats;

/* Fills options with the defaults above. */
void nq_build_options_init(nq_build_options *opt);

/* Builds an index from the inputs into out_path. The file appears under
 * its final name only when complete (written to a temporary name, fsync'd,
 * renamed). stats may be NULL. */
nq_status nq_build(const char *const *inputs, size_t n_inputs, const char *out_path,
                   const nq_build_options *opt, nq_build_stats *stats, nq_error *err);

/* One token of a tokenized document. */
typedef struct nq_token_view {
    const char *norm;        /* normal form (not NUL-terminated) */
    size_t norm_len;
    const char *surface;     /* as written in the clean text */
    size_t surface_len;
    uint32_t sentence;       /* sentence number within the document, from 0 */
    uint32_t paragraph;      /* paragraph number within the document, from 0 */
} nq_token_view;

typedef struct nq_tokenized_doc {
    uint64_t index;          /* document number in corpus order */
    const char *id;          /* external id (not NUL-terminated) */
    size_t id_len;
    const nq_token_view *tokens;
    size_t n_tokens;
} nq_tokenized_doc;

/* Reads the inputs as nq_build would and calls on_doc for every document
 * kept, in corpus order, on the calling thread (a diagnostic tool: it shows
 * exactly what the index counts). on_doc returns 0 to go on, non-zero to
 * stop. Uses opt's fields, input_format, strict, on_diag. */
nq_status nq_tokenize_corpus(const char *const *inputs, size_t n_inputs, const nq_build_options *opt,
                             int (*on_doc)(void *user, const nq_tokenized_doc *doc), void *user,
                             nq_error *err);

/* ------------------------------------------------------------------ */
/* Querying                                                            */
/* ------------------------------------------------------------------ */

typedef struct nq_index nq_index;

/* Opens an index with mmap and verifies its header and every section's
 * checksum. A truncated or corrupted file yields NQ_ERR_CORRUPT. */
nq_status nq_index_open(const char *path, nq_index **out, nq_error *err);
void nq_index_close(nq_index *index);

typedef struct nq_section_info {
    char name[16];
    uint64_t bytes;          /* bytes on disk */
    uint64_t raw_bytes;      /* bytes once decoded */
} nq_section_info;

typedef struct nq_index_info {
    uint32_t format_version;
    char tokenizer[32];
    uint64_t documents, sentences, paragraphs, tokens, types;
    uint64_t dated_documents, sources;
    int max_n;
    uint32_t min_count;
    uint64_t ngrams[NQ_MAX_ORDER + 1];   /* stored n-grams per order, [1..max_n] */
    uint64_t text_bytes, file_bytes;
    uint32_t date_min, date_max;         /* YYYYMMDD with 00 for unknown parts; 0 when none */
    size_t n_sections;
    nq_section_info sections[32];
} nq_index_info;

void nq_index_get_info(const nq_index *index, nq_index_info *info);

/* One document of the index, by number (corpus order). Strings point into
 * the index and stay valid until it is closed; they are not NUL-terminated. */
typedef struct nq_doc_info {
    const char *id;
    size_t id_len;
    const char *title;       /* NULL when the document had none */
    size_t title_len;
    const char *source;      /* NULL when the document had none */
    size_t source_len;
    uint32_t date;           /* YYYYMMDD, 00 for unknown month/day; 0 = undated */
    uint32_t tokens, sentences, paragraphs;
} nq_doc_info;

/* Fills doc with document number i (< documents). The documents table is
 * decompressed on first use. NQ_ERR_ARG for an out-of-range i,
 * NQ_ERR_CORRUPT when the table does not decode. */
nq_status nq_index_doc(nq_index *index, uint64_t i, nq_doc_info *doc, nq_error *err);

/* Number of distinct sources, and source number i (byte-wise order) with the
 * number of documents it has. */
uint64_t nq_index_source_count(const nq_index *index);
nq_status nq_index_source(const nq_index *index, uint64_t i, const char **name, size_t *len,
                          uint64_t *documents, nq_error *err);

/* Result of counting one phrase. */
typedef struct nq_count_result {
    size_t n_tokens;         /* tokens in the phrase after tokenization */
    int exact;               /* 1: count is exact; 0: not stored, see below */
    uint64_t count;          /* occurrences when exact */
    int64_t documents;       /* documents containing it, -1 when unknown */
    uint64_t below;          /* when !exact and n <= max_n: count < below (min_count) */
    uint64_t upper_bound;    /* when !exact: the count is at most this */
} nq_count_result;

/* Counts a phrase, tokenized with the index's rules. An empty phrase (no
 * token) is NQ_ERR_ARG. */
nq_status nq_count(const nq_index *index, const char *phrase, size_t len,
                   nq_count_result *result, nq_error *err);

/* One row of a top-k answer. */
typedef struct nq_top_row {
    char *ngram;             /* tokens joined by one space, NUL-terminated */
    uint64_t count;
    uint64_t documents;
} nq_top_row;

typedef struct nq_top_result {
    nq_top_row *rows;
    size_t n_rows;
} nq_top_result;

/* The k most frequent stored n-grams of order n, ties broken by the
 * n-gram's bytes ascending. prefix (may be NULL) restricts to n-grams that
 * begin with its tokens; a last token ending in '*' matches by string
 * prefix. */
nq_status nq_top(const nq_index *index, int n, size_t k, const char *prefix,
                 nq_top_result *result, nq_error *err);
void nq_top_result_free(nq_top_result *result);

#ifdef __cplusplus
}
#endif
#endif /* NGRAMQ_H */

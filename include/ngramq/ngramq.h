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

/* How positional postings are compressed. */
typedef enum nq_postings_codec {
    NQ_POSTINGS_COMPACT = 0,  /* interpolative coding per block of 128: smallest (default) */
    NQ_POSTINGS_FAST = 1      /* SIMD-BP128 with patching: decodes several times faster, ~10% larger */
} nq_postings_codec;

typedef struct nq_build_options {
    int threads;             /* 0: OpenMP's default */
    int max_n;               /* longest n-gram counted, 1..NQ_MAX_ORDER (5) */
    uint32_t min_count;      /* n >= 2 kept when count >= min_count (2) */
    int strict;              /* stop at the first bad record, leave no index */
    nq_input_format input_format;
    nq_field_names fields;   /* defaults: id date source title text */
    size_t batch_bytes;      /* input bytes per parallel batch (32 MiB) */
    int positions;           /* positional postings and structure (1) */
    nq_postings_codec postings_codec;
    int store_text;          /* documents' text and token spans, for kwic (1) */
    uint32_t cooc_window;    /* window of the co-occurrence matrix, 1..16 (5); 0: no matrix */
    uint32_t cooc_min_count; /* pairs seen fewer times are left to the postings (3) */
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
    double seconds_postings;             /* inverting and encoding positions */
    double seconds_text;                 /* compressing stored text (inside read_tokenize) */
    double seconds_cooc;                 /* the co-occurrence matrix (inside postings) */
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

/* Opens an index with mmap. Checks the header, the section table, the file's
 * size and layout and the checksums of the small sections every query
 * reads; the larger sections (n-gram levels, postings, stored text, the
 * documents table) are checked, by checksum and structure, when a query
 * first needs them, and a query on a damaged one fails with NQ_ERR_CORRUPT.
 * A truncated or corrupted file yields NQ_ERR_CORRUPT. */
nq_status nq_index_open(const char *path, nq_index **out, nq_error *err);

/* Checks every section now (what a query would check on first use). */
nq_status nq_index_verify(nq_index *index, nq_error *err);
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
    const char *postings_codec;          /* "interpolative", "pfor-simd", or "none" */
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

/* A sub-corpus: the documents a query looks at. All zero = the whole
 * corpus. With a date bound, undated documents are left out. */
typedef struct nq_filter {
    uint32_t date_from;          /* YYYYMMDD, inclusive; 0 = no lower bound */
    uint32_t date_to;            /* YYYYMMDD, inclusive; 0 = no upper bound */
    const char *const *sources;  /* exact source names; n_sources 0 = any */
    size_t n_sources;
} nq_filter;

/* Parses "YYYY", "YYYY-MM" or "YYYY-MM-DD" as a lower (upper = 0) or upper
 * (upper = 1) date bound: "2019" is 20190000 as a lower bound and 20191299
 * as an upper one, so documents dated to the year or month only fall in. */
nq_status nq_parse_date_bound(const char *text, int upper, uint32_t *out, nq_error *err);

/* Tokens and documents of the sub-corpus a filter keeps (NULL: all). */
nq_status nq_filter_size(nq_index *index, const nq_filter *filter, uint64_t *tokens, uint64_t *documents,
                         nq_error *err);

/* Result of counting an expression. */
typedef struct nq_count_result {
    size_t n_tokens;         /* tokens of the longest phrase */
    int exact;               /* 1: count is exact (always, when the index has positions) */
    uint64_t count;          /* positions where one of the phrases starts */
    int64_t documents;       /* documents containing it, -1 when unknown */
    uint64_t below;          /* index without positions, !exact, n <= max_n: count < below */
    uint64_t upper_bound;    /* index without positions, !exact: the count is at most this */
} nq_count_result;

/* Counts an expression (TOKENIZATION.md section 8: phrases separated by
 * '|', a trailing '*' on a token for a prefix), tokenized with the index's
 * rules, in the documents filter keeps (NULL: all). Uses the n-gram tables
 * where they hold the answer, the positional postings otherwise; both give
 * the same numbers. An empty phrase or a misplaced '*' is NQ_ERR_ARG. */
nq_status nq_count(nq_index *index, const char *expr, size_t len, const nq_filter *filter,
                   nq_count_result *result, nq_error *err);

/* How --by cuts the corpus. */
typedef enum nq_slice_by { NQ_BY_YEAR = 1, NQ_BY_MONTH, NQ_BY_SOURCE } nq_slice_by;

typedef struct nq_slice_row {
    const char *label;       /* "2019", "2019-03" or a source name; NULL: undated / no source */
    uint64_t count, documents;           /* the expression's, in the slice */
    uint64_t slice_tokens, slice_documents;
} nq_slice_row;

typedef struct nq_slices {
    nq_slice_row *rows;      /* every slice of the (filtered) corpus, in date or name order, NULL last */
    size_t n_rows;
    char *labels;            /* storage of the labels */
} nq_slices;

/* Counts an expression in every slice of the filtered corpus; slices add up
 * to nq_count's totals. */
nq_status nq_count_by(nq_index *index, const char *expr, size_t len, const nq_filter *filter, nq_slice_by by,
                      nq_slices *out, nq_error *err);
void nq_slices_free(nq_slices *slices);

/* A document containing an expression. */
typedef struct nq_doc_hit {
    uint64_t doc;            /* document number, for nq_index_doc */
    uint64_t count;          /* occurrences in it */
} nq_doc_hit;

/* The k documents with the most occurrences (ties: corpus order), and in
 * *total the number of documents that contain it. *hits is malloc'd. */
nq_status nq_docs(nq_index *index, const char *expr, size_t len, const nq_filter *filter, size_t k,
                  nq_doc_hit **hits, size_t *n_hits, uint64_t *total, nq_error *err);

/* ---- Co-occurrence (ASSOCIATION.md) ---- */

/* Where two expressions count as together. */
typedef enum nq_scope_kind {
    NQ_SCOPE_SENTENCE = 1,   /* units: sentences */
    NQ_SCOPE_PARAGRAPH,      /* units: paragraphs */
    NQ_SCOPE_DOCUMENT,       /* units: documents */
    NQ_SCOPE_WINDOW          /* start positions at distance 1..window in one sentence */
} nq_scope_kind;

typedef struct nq_scope {
    nq_scope_kind kind;
    uint32_t window;         /* k of window:k (1..1000); 0 for the set scopes */
} nq_scope;

/* Parses "sentence", "paragraph", "document" or "window:K". */
nq_status nq_parse_scope(const char *text, nq_scope *out, nq_error *err);

/* The contingency counts of two expressions at a scope (ASSOCIATION.md):
 * set scopes: O11 units with both, f_a and f_b units with each, N units;
 * window:k: O11 ordered start pairs at distance 1..k in one sentence, f_a
 * and f_b occurrences, N tokens. */
typedef struct nq_assoc_counts {
    uint64_t o11, f_a, f_b, n;
    uint32_t window;         /* k for window:k, 0 for set scopes */
} nq_assoc_counts;

/* The measures of ASSOCIATION.md, by their names there. */
typedef enum nq_measure {
    NQ_M_FREQ, NQ_M_PMI, NQ_M_NPMI, NQ_M_MI3, NQ_M_LLR, NQ_M_SIMPLE_LL, NQ_M_CHI2,
    NQ_M_TSCORE, NQ_M_ZSCORE, NQ_M_DICE, NQ_M_LOGDICE, NQ_M_JACCARD, NQ_M_COUNT
} nq_measure;

/* "freq", "pmi", ... (NULL out of range); parse gives 0 or -1. */
const char *nq_measure_name(nq_measure m);
int nq_measure_parse(const char *name, nq_measure *m);
/* 1 when m is defined at set scopes (window == 0) or at window scope. */
int nq_measure_for_scope(nq_measure m, int window);
/* E11 (R1 C1 / N, or f_a f_b 2k / N); *defined 0 when it is not (N = 0). */
double nq_assoc_expected(const nq_assoc_counts *c, int *defined);
/* 1 and *value when m is defined for these counts; 0 when undefined (a
 * division by zero, a log of zero, or a set-only measure at window scope):
 * JSON null, "-" in tables. Never NaN or inf. */
int nq_measure_value(const nq_assoc_counts *c, nq_measure m, double *value);

/* Counts A and B in the documents filter keeps (NULL: all). */
nq_status nq_assoc(nq_index *index, const char *a, size_t a_len, const char *b, size_t b_len,
                   const nq_scope *scope, const nq_filter *filter, nq_assoc_counts *out, nq_error *err);

typedef struct nq_assoc_slices {
    nq_assoc_counts *counts;     /* one per slice, in the order of slices.rows */
    nq_slices slices;            /* labels and sizes, as nq_count_by gives them */
} nq_assoc_slices;

/* The same in every slice of the filtered corpus: a slice is a sub-corpus,
 * with its own N, f_a, f_b and O11. */
nq_status nq_assoc_by(nq_index *index, const char *a, size_t a_len, const char *b, size_t b_len,
                      const nq_scope *scope, const nq_filter *filter, nq_slice_by by, nq_assoc_slices *out,
                      nq_error *err);
void nq_assoc_slices_free(nq_assoc_slices *s);

/* Lexicon files of actors and topics (format: data/lexicons/README.md):
 * LABEL, a TAB, variants separated by '|', each an expression. */
typedef struct nq_lex_entry {
    char *label;        /* trimmed, NUL-terminated */
    char *expr;         /* the variants joined as "v1 | v2 | v3", ready for nq_count */
    size_t n_variants;  /* >= 1 */
    size_t line;        /* 1-based line of the entry in its file, for messages */
} nq_lex_entry;

typedef struct nq_lexfile {
    nq_lex_entry *entries;  /* in file order */
    size_t n;
} nq_lexfile;

/* Reads and parses the file at path (messages name it as given). NQ_ERR_IO
 * when it cannot be read, NQ_ERR_INPUT for a format error, NQ_ERR_NOMEM. On
 * failure *out is empty. */
nq_status nq_lexfile_load(const char *path, nq_lexfile *out, nq_error *err);

/* Parses text[0..len) (need not be NUL-terminated); name is used in
 * messages ("NAME:LINE: ..."). */
nq_status nq_lexfile_parse(const char *name, const char *text, size_t len, nq_lexfile *out, nq_error *err);

/* The entry with this label (exact bytes), or NULL. Linear: lexicons are small. */
const nq_lex_entry *nq_lexfile_find(const nq_lexfile *l, const char *label);

void nq_lexfile_free(nq_lexfile *l);

/* Ranking every actor x topic pair. */
typedef struct nq_rank_options {
    nq_scope scope;          /* sentence by default */
    nq_measure measure;      /* llr by default */
    uint64_t min_count;      /* pairs need O11 >= min_count (3) */
    int all;                 /* 0: attraction only (O11 > E11) */
    nq_slice_by by;          /* 0, or one ranking per slice */
} nq_rank_options;

void nq_rank_options_init(nq_rank_options *opt);

typedef struct nq_rank_row {
    size_t actor, topic;     /* indexes into the caller's arrays */
    size_t slice;            /* row of result.slices when ranked by slice */
    nq_assoc_counts counts;
    int defined;             /* the measure is defined for these counts */
    double score;
} nq_rank_row;

typedef struct nq_rank_result {
    nq_rank_row *rows;       /* ranked: slice, then score descending (undefined last), then actor and topic label */
    size_t n_rows;
    nq_assoc_counts *cells;  /* every pair, actor-major: cells[a * n_topics + t] (slice 0 when by slices) */
    nq_slices slices;        /* with opt.by */
} nq_rank_result;

/* Counts and scores every actor x topic pair; each label's expression is
 * matched once. Rows keep pairs with O11 >= min_count and, unless all,
 * O11 > E11. */
nq_status nq_rank(nq_index *index, const char *const *actor_labels, const char *const *actor_exprs, size_t n_actors,
                  const char *const *topic_labels, const char *const *topic_exprs, size_t n_topics,
                  const nq_filter *filter, const nq_rank_options *opt, nq_rank_result *out, nq_error *err);
void nq_rank_result_free(nq_rank_result *r);

/* The words that stand next to an expression. */
typedef struct nq_colloc_options {
    nq_scope scope;          /* window:5 by default */
    nq_measure measure;      /* logdice by default */
    size_t k;                /* rows (20) */
    uint64_t min_count;      /* O11 >= min_count (3) */
    int all;                 /* 0: attraction only (O11 > E11) */
    const char *stopwords;   /* "fr" (default: the built-in French list), "none", or a file */
} nq_colloc_options;

void nq_colloc_options_init(nq_colloc_options *opt);

typedef struct nq_colloc_row {
    char *term;              /* the collocate, a term of the lexicon */
    nq_assoc_counts counts;  /* A = the expression, B = the term */
    int defined;
    double score;
} nq_colloc_row;

typedef struct nq_colloc_result {
    nq_colloc_row *rows;     /* score descending (undefined last), ties by the term's bytes */
    size_t n_rows;
} nq_colloc_result;

/* Every term's counts with the expression at the scope, in the filtered
 * corpus; the k best by the measure. */
nq_status nq_collocates(nq_index *index, const char *expr, size_t len, const nq_filter *filter,
                        const nq_colloc_options *opt, nq_colloc_result *out, nq_error *err);
void nq_colloc_result_free(nq_colloc_result *r);

/* Concordance (keyword in context). */
typedef enum nq_kwic_sort {
    NQ_KWIC_CORPUS = 0,      /* corpus order */
    NQ_KWIC_LEFT,            /* by the words to the left, nearest first */
    NQ_KWIC_RIGHT,           /* by the words to the right */
    NQ_KWIC_DATE             /* by date, undated last, then corpus order */
} nq_kwic_sort;

typedef struct nq_kwic_options {
    size_t width;            /* characters of context on each side (60) */
    size_t limit;            /* lines returned (50) */
    size_t sample;           /* 0, or pick this many matches at random */
    uint64_t seed;           /* of the random sample */
    nq_kwic_sort sort;
} nq_kwic_options;

typedef struct nq_kwic_line {
    uint64_t doc;            /* document number */
    uint32_t position;       /* the match's first token, counted from 0 in the document */
    uint32_t n_tokens;       /* tokens matched */
    char *left, *match, *right;  /* NUL-terminated UTF-8; match is the text as written */
} nq_kwic_line;

typedef struct nq_kwic_result {
    nq_kwic_line *lines;
    size_t n_lines;
    uint64_t matches;        /* all matches in the filtered corpus */
} nq_kwic_result;

void nq_kwic_options_init(nq_kwic_options *opt);
/* Concordance lines of an expression from the stored text. NQ_ERR_ARG when
 * the index was built without positions or text. */
nq_status nq_kwic(nq_index *index, const char *expr, size_t len, const nq_filter *filter,
                  const nq_kwic_options *opt, nq_kwic_result *result, nq_error *err);
void nq_kwic_result_free(nq_kwic_result *result);

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

/* The k most frequent n-grams of order n, ties broken by the n-gram's bytes
 * ascending. prefix (may be NULL) restricts to n-grams that begin with its
 * tokens; a last token ending in '*' matches by string prefix. Without a
 * filter the answer comes from the stored n-grams (n <= max_n); with one,
 * the sub-corpus is recounted from the positional postings (any n up to
 * NQ_MAX_ORDER; time and memory grow with the sub-corpus). */
nq_status nq_top(nq_index *index, int n, size_t k, const char *prefix, const nq_filter *filter,
                 nq_top_result *result, nq_error *err);
void nq_top_result_free(nq_top_result *result);

#ifdef __cplusplus
}
#endif
#endif /* NGRAMQ_H */

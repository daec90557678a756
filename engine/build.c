/* nq_build: ingest the corpus, sort the lexicon, count n-grams, write the segment. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "build_ingest.h"
#include "clock.h"
#include "error.h"
#include "format.h"
#include "lexicon.h"
#include "ngram_count.h"
#include "cooc_matrix.h"
#include "ngram_table.h"
#include "postings.h"
#include "segment_write.h"
#include "structure.h"
#include "text_store.h"

void nq_build_options_init(nq_build_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->max_n = 5;
    opt->min_count = 2;
    opt->batch_bytes = 32u << 20;
    opt->positions = 1;
    opt->store_text = 1;
    opt->cooc_window = 5;
    opt->cooc_min_count = 3;
    opt->fields = (nq_field_names){"id", "date", "source", "title", "text"};
}

/* The sorted lexicon: final id = rank of the term's bytes. */
typedef struct lexicon_order {
    const char **term;      /* by final id */
    uint32_t *len;
    uint32_t *final_of;     /* provisional id -> final id */
    uint32_t *cf, *df;      /* by final id */
} lexicon_order;

typedef struct term_ref {
    const char *s;
    uint32_t len;
    uint32_t prov;
} term_ref;

static int cmp_terms(const void *a, const void *b)
{
    const term_ref *x = a, *y = b;
    int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

static void free_order(lexicon_order *o)
{
    free(o->term);
    free(o->len);
    free(o->final_of);
    free(o->cf);
    free(o->df);
}

static nq_status sort_lexicon(nq_corpus *c, int threads, lexicon_order *o, nq_error *err)
{
    size_t n = c->terms.n, m = n ? n : 1;
    term_ref *refs = malloc(m * sizeof *refs);
    o->term = malloc(m * sizeof *o->term);
    o->len = malloc(m * sizeof *o->len);
    o->final_of = malloc(m * sizeof *o->final_of);
    o->cf = malloc(m * sizeof *o->cf);
    o->df = malloc(m * sizeof *o->df);
    if (!refs || !o->term || !o->len || !o->final_of || !o->cf || !o->df) {
        free(refs);
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory sorting the lexicon");
    }
    for (size_t i = 0; i < n; i++) {
        size_t len;
        refs[i].s = nq_intern_str(&c->terms, (uint32_t)i, &len);
        refs[i].len = (uint32_t)len;
        refs[i].prov = (uint32_t)i;
    }
    qsort(refs, n, sizeof *refs, cmp_terms);
    for (size_t r = 0; r < n; r++) {
        o->term[r] = refs[r].s;
        o->len[r] = refs[r].len;
        o->final_of[refs[r].prov] = (uint32_t)r;
        o->cf[r] = c->cf[refs[r].prov];
        o->df[r] = c->df[refs[r].prov];
    }
    free(refs);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (uint64_t p = 0; p < c->len; p++)
        if (c->stream[p] < NQ_ID_MARK)
            c->stream[p] = o->final_of[c->stream[p]];
    return NQ_OK;
}

/* Sections written before the n-grams are counted, in file order. */
enum { PART_TDIR, PART_TOFF, PART_TEXT, PART_STRC, PART_PDIR, PART_POST, PART_COOC, N_PARTS };

typedef struct built_part {
    uint8_t *data;
    size_t len;
} built_part;

static const uint32_t part_ids[N_PARTS] = {NQ_SEC_TDIR, NQ_SEC_TOFF, NQ_SEC_TEXT, NQ_SEC_STRC,
                                           NQ_SEC_PDIR, NQ_SEC_POST, NQ_SEC_COOC};

typedef struct segment_parts {
    nq_corpus *corpus;
    lexicon_order *lex;
    nq_ngram_level *levels;
    const nq_build_options *opt;
    nq_build_stats *stats;
    built_part parts[N_PARTS];   /* data NULL: not built */
} segment_parts;

static nq_status add_owned(nq_segment_writer *w, uint32_t id, uint8_t *data, size_t len, int level,
                           nq_status st, nq_error *err)
{
    if (!st)
        st = nq_segw_add(w, id, data, len, level, err);
    free(data);
    return st;
}

static nq_status write_meta(nq_segment_writer *w, const segment_parts *p, const nq_docs_summary *ds,
                            nq_error *err)
{
    const nq_corpus *c = p->corpus;
    uint64_t meta[1 + NQ_META_COUNT] = {NQ_META_COUNT};
    uint64_t *v = meta + 1;
    v[NQ_META_DOCUMENTS] = c->n_docs;
    v[NQ_META_SENTENCES] = c->sentences;
    v[NQ_META_PARAGRAPHS] = c->paragraphs;
    v[NQ_META_TOKENS] = c->tokens;
    v[NQ_META_TYPES] = c->terms.n;
    v[NQ_META_MAX_N] = (uint64_t)p->opt->max_n;
    v[NQ_META_MIN_COUNT] = p->opt->min_count;
    v[NQ_META_TEXT_BYTES] = c->text_bytes;
    v[NQ_META_INPUT_BYTES] = c->bytes_read;
    v[NQ_META_RECORDS_SKIPPED] = c->skipped;
    v[NQ_META_REPLACED] = c->replaced;
    v[NQ_META_BAD_DATES] = c->bad_dates;
    v[NQ_META_DATED_DOCUMENTS] = ds->dated;
    v[NQ_META_DATE_MIN] = ds->date_min;
    v[NQ_META_DATE_MAX] = ds->date_max;
    v[NQ_META_SOURCES] = ds->sources;
    v[NQ_META_NGRAMS_1] = c->terms.n;
    for (int n = 2; n <= p->opt->max_n; n++)
        v[NQ_META_NGRAMS_1 + n - 1] = p->levels[n].n;
    return nq_segw_add(w, NQ_SEC_META, meta, sizeof meta, 0, err);
}

/* One section's bytes, encoded before anything is written. */
typedef struct encoded {
    uint32_t id;
    int zstd_level;
    uint8_t *data;
    size_t len;
    nq_status st;
    nq_error err;
} encoded;

/* Section job k: 0 lexicon strings, 1 frequencies, 2.. n-gram levels. The
 * jobs are independent, so they run in parallel; the writer then appends
 * them in a fixed order, which keeps the file's bytes deterministic. */
static void encode_job(const segment_parts *p, int k, encoded *e)
{
    const nq_corpus *c = p->corpus;
    if (k == 0) {
        e->id = NQ_SEC_LEXS;
        e->st = nq_lexicon_encode_strings(p->lex->term, p->lex->len, c->terms.n, &e->data, &e->len, &e->err);
    } else if (k == 1) {
        e->id = NQ_SEC_LEXF;
        e->st = nq_lexicon_encode_freqs(p->lex->cf, p->lex->df, c->terms.n, &e->data, &e->len, &e->err);
    } else {
        int n = k;
        uint64_t parents = n == 2 ? c->terms.n : p->levels[n - 1].n;
        e->id = NQ_SEC_NGRAM(n);
        e->st = nq_ngram_encode(&p->levels[n], parents, &e->data, &e->len, &e->err);
    }
}

static nq_status write_sections(nq_segment_writer *w, segment_parts *p, int threads, nq_error *err)
{
    nq_corpus *c = p->corpus;
    int n_jobs = p->opt->max_n + 1; /* LEXS, LEXF, NG2..NGmax */
    encoded jobs[NQ_MAX_ORDER + 1];
    memset(jobs, 0, sizeof jobs);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (int k = 0; k < n_jobs; k++)
        encode_job(p, k, &jobs[k]);
    uint8_t *docs = NULL, *srcs = NULL;
    size_t docs_len = 0, srcs_len = 0;
    nq_docs_summary ds;
    nq_status st = nq_docs_encode(&c->docs, &docs, &docs_len, &srcs, &srcs_len, &ds, err);
    if (!st)
        st = write_meta(w, p, &ds, err);
    st = add_owned(w, NQ_SEC_DOCS, docs, docs_len, 3, st, err);
    st = add_owned(w, NQ_SEC_SRCS, srcs, srcs_len, 0, st, err);
    for (int k = 0; k < n_jobs; k++) {
        if (!st && jobs[k].st) {
            st = jobs[k].st;
            if (err)
                *err = jobs[k].err;
        }
        st = add_owned(w, jobs[k].id, jobs[k].data, jobs[k].len, 0, st, err);
    }
    for (int n = 2; n <= p->opt->max_n; n++)
        p->stats->ngrams[n] = p->levels[n].n;
    return st;
}

/* STRC, POST and PDIR, from the stream once its ids are final. */
static nq_status build_positions(nq_corpus *c, const lexicon_order *lex, const nq_build_options *opt,
                                 int threads, built_part *parts, nq_error *err)
{
    nq_status st = nq_structure_encode(c->stream, c->len, c->doc_start, c->n_docs, c->tokens,
                                       &parts[PART_STRC].data, &parts[PART_STRC].len, err);
    if (st)
        return st;
    nq_postings_input in = {c->stream, c->len, lex->cf, (uint32_t)c->terms.n, c->tokens, threads,
                            opt->postings_codec};
    return nq_postings_build(&in, &parts[PART_POST].data, &parts[PART_POST].len, &parts[PART_PDIR].data,
                             &parts[PART_PDIR].len, err);
}

/* COOC: pairs within the window, counted once at build time so that
 * collocates of a word are a row read. */
static nq_status build_cooc(const nq_corpus *c, const nq_build_options *opt, int threads, built_part *parts,
                            nq_error *err)
{
    nq_cooc_build in = {c->stream, c->len, (uint32_t)c->terms.n, opt->cooc_window, opt->cooc_min_count, threads};
    return nq_cooc_matrix_build(&in, &parts[PART_COOC].data, &parts[PART_COOC].len, err);
}

/* Writes the parts built so far and lets the kernel start writing them to
 * disk while the n-grams are counted, so that the final fsync has less to
 * wait for; their memory is freed before counting, the build's peak. */
static nq_status write_parts(nq_segment_writer *w, segment_parts *p, nq_error *err)
{
    nq_status st = NQ_OK;
    for (int k = 0; k < N_PARTS; k++) {
        if (p->parts[k].data)
            st = add_owned(w, part_ids[k], p->parts[k].data, p->parts[k].len, 0, st, err);
        p->parts[k].data = NULL;
    }
    if (!st)
        nq_segw_start_writeback(w);
    return st;
}

static void free_parts(segment_parts *p)
{
    for (int k = 0; k < N_PARTS; k++)
        free(p->parts[k].data);
}

static nq_status check_options(const nq_build_options *opt, nq_error *err)
{
    if (opt->max_n < 1 || opt->max_n > NQ_MAX_ORDER)
        return nq_fail(err, NQ_ERR_ARG, "--max-n must be between 1 and %d", NQ_MAX_ORDER);
    if (opt->min_count < 1)
        return nq_fail(err, NQ_ERR_ARG, "--min-count must be at least 1");
    if (opt->cooc_window > 16)
        return nq_fail(err, NQ_ERR_ARG, "--window must be between 1 and 16 (0: no co-occurrence matrix)");
    if (opt->postings_codec != NQ_POSTINGS_COMPACT && opt->postings_codec != NQ_POSTINGS_FAST)
        return nq_fail(err, NQ_ERR_ARG, "unknown postings codec %d", (int)opt->postings_codec);
    if (opt->threads < 0 || opt->threads > 1024)
        return nq_fail(err, NQ_ERR_ARG, "--threads must be between 1 and 1024");
    return NQ_OK;
}

static void fill_stats(nq_build_stats *s, const nq_corpus *c)
{
    s->documents = c->n_docs;
    s->sentences = c->sentences;
    s->paragraphs = c->paragraphs;
    s->tokens = c->tokens;
    s->types = c->terms.n;
    s->ngrams[1] = c->terms.n;
    s->records_skipped = c->skipped;
    s->bad_dates = c->bad_dates;
    s->replaced_sequences = c->replaced;
    s->bytes_read = c->bytes_read;
    s->text_bytes = c->text_bytes;
    s->seconds_text = c->seconds_text;
}

static nq_status finish_build(nq_corpus *c, const char *out_path, const nq_build_options *opt,
                              int threads, nq_build_stats *stats, double t0, nq_error *err)
{
    lexicon_order lex = {0};
    nq_ngram_level levels[NQ_MAX_ORDER + 1];
    memset(levels, 0, sizeof levels);
    segment_parts parts = {c, &lex, levels, opt, stats, {{0}}};
    nq_segment_writer w;
    double t_write = 0;
    nq_status st = sort_lexicon(c, threads, &lex, err);
    double t1 = nq_now_seconds();
    stats->seconds_lexicon = t1 - t0;
    int opened = 0;
    if (!st && (st = nq_segw_open(&w, out_path, err)) == NQ_OK)
        opened = 1;
    if (!st && c->text) {
        built_part *tp = parts.parts;
        st = nq_text_finish(c->text, threads, &tp[PART_TEXT].data, &tp[PART_TEXT].len, &tp[PART_TOFF].data,
                            &tp[PART_TOFF].len, &tp[PART_TDIR].data, &tp[PART_TDIR].len, err);
    }
    if (!st && opt->positions)
        st = build_positions(c, &lex, opt, threads, parts.parts, err);
    double t_cooc = nq_now_seconds();
    if (!st && opt->positions && opt->cooc_window)
        st = build_cooc(c, opt, threads, parts.parts, err);
    double t_parts = nq_now_seconds();
    stats->seconds_cooc = t_parts - t_cooc;
    if (!st)
        st = write_parts(&w, &parts, err);
    t_write += nq_now_seconds() - t_parts;
    t1 = nq_now_seconds();
    stats->seconds_postings = t_parts - t0 - stats->seconds_lexicon;
    if (!st) {
        nq_count_input in = {c->stream, c->len, c->doc_start, c->n_docs, lex.cf, (uint32_t)c->terms.n,
                             opt->max_n, opt->min_count, threads};
        st = nq_count_ngrams(&in, levels, err);
    }
    double t2 = nq_now_seconds();
    stats->seconds_count = t2 - t1;
    if (!st)
        st = write_sections(&w, &parts, threads, err);
    if (opened && st)
        nq_segw_abort(&w);
    else if (opened)
        st = nq_segw_finish(&w, NQ_TOKENIZER_NAME, &stats->index_bytes, err);
    stats->seconds_write = t_write + nq_now_seconds() - t2;
    free_parts(&parts);
    for (int n = 0; n <= NQ_MAX_ORDER; n++)
        nq_ngram_level_free(&levels[n]);
    free_order(&lex);
    return st;
}

nq_status nq_build(const char *const *inputs, size_t n_inputs, const char *out_path,
                   const nq_build_options *opt, nq_build_stats *stats, nq_error *err)
{
    nq_build_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    nq_status st = check_options(opt, err);
    if (st)
        return st;
    if (!out_path || !*out_path)
        return nq_fail(err, NQ_ERR_ARG, "no output path given");
    int threads = opt->threads > 0 ? opt->threads : omp_get_max_threads();
    double t0 = nq_now_seconds();
    nq_corpus c;
    st = nq_ingest(inputs, n_inputs, opt, threads, &c, err);
    stats->seconds_read_tokenize = nq_now_seconds() - t0;
    fill_stats(stats, &c);
    if (!st)
        st = finish_build(&c, out_path, opt, threads, stats, nq_now_seconds(), err);
    nq_corpus_free(&c);
    stats->seconds = nq_now_seconds() - t0;
    return st;
}

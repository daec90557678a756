#include "build_ingest.h"
#include "clock.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "format.h"
#include "reader.h"
#include "tokenize.h"
#include "vec.h"

/* Per-thread state, reused across batches. */
/* A worker's counts for one local term since the last merge; together, so
 * that counting a token touches one cache line. */
typedef struct term_freq {
    uint32_t cf, df;
    uint64_t stamp;          /* last document that counted towards df */
} term_freq;

typedef struct worker {
    nq_parser *parser;
    nq_tokenizer *tok;
    nq_intern terms;         /* local ids */
    uint32_t merged;         /* local ids below this have a global id */
    uint32_t *to_global;
    size_t to_global_cap;
    term_freq *freq;         /* by local id */
    size_t freq_cap;
    uint32_t *out;           /* this batch's tokens (local ids) and marks */
    size_t out_n, out_cap;
    char *meta;              /* this batch's id, source, title and messages */
    size_t meta_used, meta_cap;
    char *text;              /* this batch's clean texts, when storing text */
    size_t text_used, text_cap;
    uint8_t *spans;          /* their tokens' encoded byte spans */
    size_t spans_used, spans_cap;
    int nomem;
} worker;

/* What became of one record of the batch. */
typedef struct rec_result {
    int worker;
    nq_parse_result parse;
    nq_diag_kind diag_kind;
    uint64_t msg_off;                     /* diagnostic message in meta, when any */
    uint64_t out_off, out_len;            /* tokens in the worker's out */
    uint64_t dst;                         /* where they go in the stream */
    uint64_t id_off, src_off, title_off;  /* in meta; UINT64_MAX when absent */
    uint64_t text_off, text_len;          /* clean text in the worker's text */
    uint64_t spans_off, spans_len;        /* token spans in the worker's spans */
    size_t id_len, src_len, title_len;
    uint32_t date, tokens, sentences, paragraphs;
    uint64_t replaced, text_bytes;
} rec_result;

typedef struct ingest {
    const nq_build_options *opt;
    int threads;
    nq_reader *reader;
    worker *workers;
    rec_result *results;
    size_t results_cap;
    uint64_t batch_seq;
    nq_corpus *c;
} ingest;

void nq_corpus_free(nq_corpus *c)
{
    free(c->stream);
    free(c->doc_start);
    nq_intern_free(&c->terms);
    free(c->cf);
    free(c->df);
    nq_docs_builder_free(&c->docs);
    nq_text_builder_free(c->text);
    memset(c, 0, sizeof *c);
}

static int meta_put(worker *w, const char *s, size_t len, uint64_t *off)
{
    if (NQ_RESERVE(w->meta, w->meta_cap, w->meta_used + len + 1))
        return -1;
    *off = w->meta_used;
    if (len)
        memcpy(w->meta + w->meta_used, s, len);
    w->meta[w->meta_used + len] = 0;
    w->meta_used += len + 1;
    return 0;
}

static int meta_put_opt(worker *w, nq_str s, uint64_t *off, size_t *len)
{
    *len = s.ptr ? s.len : 0;
    *off = UINT64_MAX;
    return s.ptr ? meta_put(w, s.ptr, s.len, off) : 0;
}

static int grow_freqs(worker *w)
{
    size_t need = w->terms.n;
    if (need <= w->freq_cap)
        return 0;
    size_t cap = w->freq_cap ? w->freq_cap : 1024;
    while (cap < need)
        cap *= 2;
    term_freq *f = realloc(w->freq, cap * sizeof *f);
    if (!f)
        return -1;
    for (size_t i = w->freq_cap; i < cap; i++)
        f[i] = (term_freq){0, 0, UINT64_MAX};
    w->freq = f;
    w->freq_cap = cap;
    return 0;
}

/* Appends the document's tokens to the worker's output as local ids, a mark
 * before each sentence. */
static int emit_tokens(worker *w, const nq_tokens *tk, uint64_t stamp)
{
    if (NQ_RESERVE(w->out, w->out_cap, w->out_n + tk->n * 2))
        return -1;
    uint32_t *out = w->out + w->out_n;
    for (size_t i = 0; i < tk->n; i++) {
        const nq_token *t = &tk->tok[i];
        if (t->flags & NQ_TOK_PARA_START)
            *out++ = NQ_ID_PARA_BREAK;
        else if (t->flags & NQ_TOK_SENT_START)
            *out++ = NQ_ID_SENT_BREAK;
        const char *s = tk->norm + t->norm_off;
        uint32_t id = nq_intern_put(&w->terms, s, t->norm_len, nq_hash_bytes(s, t->norm_len));
        if (id == UINT32_MAX || grow_freqs(w))
            return -1;
        *out++ = id;
        term_freq *f = &w->freq[id];
        f->cf++;
        if (f->stamp != stamp) {
            f->stamp = stamp;
            f->df++;
        }
    }
    w->out_n = (size_t)(out - w->out);
    return 0;
}

/* Keeps the clean text and token spans for the stored-text sections. */
static int keep_text(worker *w, const nq_tokens *tk, rec_result *r)
{
    if (NQ_RESERVE(w->text, w->text_cap, w->text_used + tk->text_len + 1) ||
        NQ_RESERVE(w->spans, w->spans_cap, w->spans_used + nq_text_spans_bound(tk->n)))
        return -1;
    r->text_off = w->text_used;
    r->text_len = tk->text_len;
    if (tk->text_len)
        memcpy(w->text + w->text_used, tk->text, tk->text_len);
    w->text_used += tk->text_len;
    r->spans_off = w->spans_used;
    size_t len;
    if (nq_text_encode_spans(tk->text, tk->text_len, tk->tok, tk->n, w->spans + w->spans_used, &len, NULL))
        return -1; /* the tokenizer's spans are always in order */
    r->spans_len = len;
    w->spans_used += len;
    return 0;
}

static void fallback_id(const ingest *g, const nq_record *rec, char *buf, size_t cap)
{
    const char *file = nq_reader_file_name(g->reader, rec->file);
    if (rec->kind == NQ_REC_TEXT)
        snprintf(buf, cap, "%s", file);
    else
        snprintf(buf, cap, "%s:%llu", file, (unsigned long long)rec->line);
}

static int process_record(ingest *g, worker *w, const nq_record *rec, size_t index, rec_result *r)
{
    char fid[4096], msg[512];
    nq_doc doc;
    memset(r, 0, sizeof *r);
    r->worker = omp_get_thread_num();
    r->msg_off = r->id_off = r->src_off = r->title_off = UINT64_MAX;
    fallback_id(g, rec, fid, sizeof fid);
    msg[0] = 0;
    r->parse = nq_record_parse(w->parser, rec, fid, &g->opt->fields, &doc, &r->diag_kind, msg, sizeof msg);
    if (r->parse == NQ_PARSE_NOMEM)
        return -1;
    if ((r->parse == NQ_PARSE_SKIP || r->parse == NQ_PARSE_OK_WARN) && meta_put(w, msg, strlen(msg), &r->msg_off))
        return -1;
    if (r->parse == NQ_PARSE_SKIP)
        return 0;
    nq_tokens tk;
    nq_status st = nq_tokenize_doc(w->tok, doc.title.ptr, doc.title.len, doc.text.ptr, doc.text.len, &tk);
    if (st == NQ_ERR_LIMIT || tk.n >= UINT32_MAX / 2) {
        r->parse = NQ_PARSE_SKIP;
        r->diag_kind = NQ_DIAG_TOO_LARGE;
        const char *m = "document over 4 GiB or 2^31 tokens: skipped";
        return meta_put(w, m, strlen(m), &r->msg_off);
    }
    if (st)
        return -1;
    r->out_off = w->out_n;
    if (emit_tokens(w, &tk, g->batch_seq << 32 | (uint64_t)index))
        return -1;
    r->out_len = w->out_n - r->out_off;
    if (g->c->text && keep_text(w, &tk, r))
        return -1;
    r->date = doc.date;
    r->tokens = (uint32_t)tk.n;
    r->sentences = tk.sentences;
    r->paragraphs = tk.paragraphs;
    r->replaced = tk.replaced;
    r->text_bytes = doc.title.len + doc.text.len;
    if (meta_put_opt(w, doc.id, &r->id_off, &r->id_len) || meta_put_opt(w, doc.source, &r->src_off, &r->src_len) ||
        meta_put_opt(w, doc.title, &r->title_off, &r->title_len))
        return -1;
    return 0;
}

/* Keeps the global cf/df arrays as long as the global lexicon, new entries zeroed. */
static int grow_global_freqs(nq_corpus *c)
{
    size_t need = c->terms.n, old = c->freq_cap;
    if (need <= old)
        return 0;
    size_t cap = old ? old : 1024;
    while (cap < need)
        cap *= 2;
    uint32_t *cf = realloc(c->cf, cap * sizeof *cf);
    if (cf)
        c->cf = cf;
    uint32_t *df = realloc(c->df, cap * sizeof *df);
    if (df)
        c->df = df;
    if (!cf || !df)
        return -1;
    memset(c->cf + old, 0, (cap - old) * sizeof *cf);
    memset(c->df + old, 0, (cap - old) * sizeof *df);
    c->freq_cap = cap;
    return 0;
}

/* Gives every term a worker met for the first time a global id, in worker
 * order, and moves the worker's frequencies to the global arrays. */
static nq_status merge_terms(ingest *g, nq_error *err)
{
    nq_corpus *c = g->c;
    size_t incoming = c->terms.n;
    for (int t = 0; t < g->threads; t++)
        incoming += g->workers[t].terms.n - g->workers[t].merged;
    if (nq_intern_reserve(&c->terms, incoming))
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory merging the lexicon");
    for (int t = 0; t < g->threads; t++) {
        worker *w = &g->workers[t];
        if (nq_reserve((void **)&w->to_global, &w->to_global_cap, w->terms.n, sizeof *w->to_global))
            return nq_fail(err, NQ_ERR_NOMEM, "out of memory merging the lexicon");
        for (uint32_t lid = w->merged; lid < w->terms.n; lid++) {
            size_t len;
            const char *s = nq_intern_str(&w->terms, lid, &len);
            uint32_t gid = nq_intern_put(&c->terms, s, len, nq_hash_bytes(s, len));
            if (gid == UINT32_MAX || gid >= NQ_ID_MARK)
                return nq_fail(err, NQ_ERR_NOMEM, "out of memory merging the lexicon");
            w->to_global[lid] = gid;
        }
        w->merged = (uint32_t)w->terms.n;
        if (grow_global_freqs(c))
            return nq_fail(err, NQ_ERR_NOMEM, "out of memory merging the lexicon");
        for (uint32_t lid = 0; lid < w->terms.n; lid++) {
            term_freq *f = &w->freq[lid];
            if (!f->cf)
                continue;
            c->cf[w->to_global[lid]] += f->cf;
            c->df[w->to_global[lid]] += f->df;
            f->cf = f->df = 0;
        }
    }
    return NQ_OK;
}

static void report(const ingest *g, const nq_record *rec, const rec_result *r)
{
    if (!g->opt->on_diag)
        return;
    const worker *w = &g->workers[r->worker];
    nq_diag d = {0};
    d.file = nq_reader_file_path(g->reader, rec->file);
    d.line = rec->line;
    if (r->msg_off != UINT64_MAX) {
        d.kind = r->diag_kind;
        d.message = w->meta + r->msg_off;
        d.skipped = r->parse == NQ_PARSE_SKIP;
        g->opt->on_diag(g->opt->user, &d);
    }
    if (r->replaced) {
        d.kind = NQ_DIAG_INVALID_UTF8;
        d.count = r->replaced;
        d.message = "invalid UTF-8 replaced by U+FFFD";
        d.skipped = 0;
        g->opt->on_diag(g->opt->user, &d);
    }
}

static nq_status strict_failure(const ingest *g, const nq_record *rec, const rec_result *r, nq_error *err)
{
    const worker *w = &g->workers[r->worker];
    return nq_fail(err, NQ_ERR_INPUT, "%s:%llu: %s (--strict: no index written)",
                   nq_reader_file_path(g->reader, rec->file), (unsigned long long)rec->line,
                   w->meta + r->msg_off);
}

/* Sequential pass in record order: diagnostics, documents table, and where
 * each document's tokens go in the stream. */
static nq_status place_documents(ingest *g, const nq_batch *b, nq_error *err)
{
    nq_corpus *c = g->c;
    for (size_t i = 0; i < b->n; i++) {
        rec_result *r = &g->results[i];
        const worker *w = &g->workers[r->worker];
        report(g, &b->rec[i], r);
        if (g->opt->strict && r->msg_off != UINT64_MAX)
            return strict_failure(g, &b->rec[i], r, err);
        if (r->parse == NQ_PARSE_SKIP) {
            c->skipped++;
            continue;
        }
        c->bad_dates += r->parse == NQ_PARSE_OK_WARN && r->diag_kind == NQ_DIAG_BAD_DATE;
        if (nq_docs_add(&c->docs, r->id_off == UINT64_MAX ? "" : w->meta + r->id_off, r->id_len,
                        r->title_off == UINT64_MAX ? NULL : w->meta + r->title_off, r->title_len,
                        r->src_off == UINT64_MAX ? NULL : w->meta + r->src_off, r->src_len, r->date,
                        r->tokens, r->sentences, r->paragraphs) ||
            NQ_RESERVE(c->doc_start, c->doc_cap, c->n_docs + 1))
            return nq_fail(err, NQ_ERR_NOMEM, "out of memory recording documents");
        c->doc_start[c->n_docs++] = c->len;
        if (c->len + r->out_len >= NQ_ID_MARK)
            return nq_fail(err, NQ_ERR_LIMIT, "more than 4 billion tokens in one index segment");
        nq_status st = c->text ? nq_text_add(c->text, w->text + r->text_off, r->text_len,
                                             w->spans + r->spans_off, r->spans_len, r->tokens, err)
                               : NQ_OK;
        if (st)
            return st;
        r->dst = c->len;
        c->tokens += r->tokens;
        c->sentences += r->sentences;
        c->paragraphs += r->paragraphs;
        c->replaced += r->replaced;
        c->text_bytes += r->text_bytes;
        c->len += r->out_len;
    }
    return NQ_OK;
}

static void copy_tokens(ingest *g, const nq_batch *b)
{
    nq_corpus *c = g->c;
#pragma omp parallel for num_threads(g->threads) schedule(dynamic, 64)
    for (size_t i = 0; i < b->n; i++) {
        const rec_result *r = &g->results[i];
        if (r->parse == NQ_PARSE_SKIP)
            continue;
        const worker *w = &g->workers[r->worker];
        const uint32_t *src = w->out + r->out_off;
        uint32_t *dst = c->stream + r->dst;
        for (uint64_t k = 0; k < r->out_len; k++)
            dst[k] = src[k] >= NQ_ID_MARK ? src[k] : w->to_global[src[k]];
    }
}

static nq_status run_batch(ingest *g, const nq_batch *b, nq_error *err)
{
    if (nq_reserve((void **)&g->results, &g->results_cap, b->n, sizeof *g->results))
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    int nomem = 0;
#pragma omp parallel for num_threads(g->threads) schedule(dynamic, 8) reduction(| : nomem)
    for (size_t i = 0; i < b->n; i++)
        nomem |= process_record(g, &g->workers[omp_get_thread_num()], &b->rec[i], i, &g->results[i]) != 0;
    if (nomem)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory tokenizing a batch");
    nq_status st = merge_terms(g, err);
    if (!st)
        st = place_documents(g, b, err);
    if (st)
        return st;
    if (nq_reserve((void **)&g->c->stream, &g->c->cap, g->c->len, sizeof *g->c->stream))
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory: token stream of %llu entries",
                       (unsigned long long)g->c->len);
    copy_tokens(g, b);
    if (g->c->text) {
        double t0 = nq_now_seconds();
        st = nq_text_compress_sealed(g->c->text, g->threads, err);
        g->c->seconds_text += nq_now_seconds() - t0;
        if (st)
            return st;
    }
    for (int t = 0; t < g->threads; t++)
        g->workers[t].out_n = g->workers[t].meta_used = g->workers[t].text_used = g->workers[t].spans_used = 0;
    g->batch_seq++;
    return NQ_OK;
}

static nq_status init_workers(ingest *g, nq_error *err)
{
    g->workers = calloc((size_t)g->threads, sizeof *g->workers);
    if (!g->workers)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    for (int t = 0; t < g->threads; t++) {
        worker *w = &g->workers[t];
        w->parser = nq_parser_new();
        w->tok = nq_tokenizer_new();
        if (!w->parser || !w->tok || nq_intern_init(&w->terms, 1 << 16))
            return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    }
    return NQ_OK;
}

static void free_workers(ingest *g)
{
    for (int t = 0; g->workers && t < g->threads; t++) {
        worker *w = &g->workers[t];
        nq_parser_free(w->parser);
        nq_tokenizer_free(w->tok);
        nq_intern_free(&w->terms);
        free(w->to_global);
        free(w->freq);
        free(w->out);
        free(w->meta);
        free(w->text);
        free(w->spans);
    }
    free(g->workers);
    free(g->results);
}

nq_status nq_ingest(const char *const *inputs, size_t n_inputs, const nq_build_options *opt,
                    int threads, nq_corpus *c, nq_error *err)
{
    ingest g = {.opt = opt, .threads = threads, .c = c};
    memset(c, 0, sizeof *c);
    nq_status st = NQ_OK;
    if (nq_intern_init(&c->terms, 1 << 16) || nq_docs_builder_init(&c->docs))
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    if (opt->store_text && (st = nq_text_builder_new(NQ_TEXT_BLOCK_TARGET, &c->text, err)) != NQ_OK)
        return st;
    st = init_workers(&g, err);
    if (!st)
        st = nq_reader_open(inputs, n_inputs, opt->input_format, &g.reader, err);
    /* About one stream entry per 4 input bytes covers press text (a token
     * per ~6 bytes plus sentence marks); reserving it up front avoids
     * copying and faulting the stream in again at every doubling. Pages
     * never written cost nothing. */
    uint64_t expected = g.reader ? nq_reader_total_bytes(g.reader) / 4 : 0;
    if (!st && expected && nq_reserve((void **)&c->stream, &c->cap, (size_t)expected, sizeof *c->stream))
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory reserving the token stream");
    nq_batch batch;
    nq_batch_init(&batch);
    double t0 = nq_now_seconds();
    while (!st) {
        st = nq_reader_next(g.reader, &batch, opt->batch_bytes, err);
        if (st || batch.n == 0)
            break;
        c->bytes_read += batch.bytes;
        st = run_batch(&g, &batch, err);
        if (!st && opt->on_progress) {
            nq_progress p = {c->n_docs, c->bytes_read, nq_reader_total_bytes(g.reader), nq_now_seconds() - t0};
            opt->on_progress(opt->user, &p);
        }
    }
    nq_batch_free(&batch);
    if (g.reader)
        nq_reader_close(g.reader);
    free_workers(&g);
    return st;
}

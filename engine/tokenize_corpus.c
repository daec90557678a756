/* nq_tokenize_corpus: the tokenizer's view of a corpus, one document at a time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "reader.h"
#include "tokenize.h"
#include "vec.h"

typedef struct tk_state {
    const nq_build_options *opt;
    nq_reader *reader;
    nq_parser *parser;
    nq_tokenizer *tok;
    nq_token_view *views;
    size_t views_cap;
    uint64_t next_index;
} tk_state;

static void diag(const tk_state *s, const nq_record *rec, nq_diag_kind kind, const char *msg, int skipped)
{
    if (!s->opt->on_diag)
        return;
    nq_diag d = {kind, nq_reader_file_path(s->reader, rec->file), rec->line, 0, msg, skipped};
    s->opt->on_diag(s->opt->user, &d);
}

static nq_status one_record(tk_state *s, const nq_record *rec,
                            int (*on_doc)(void *, const nq_tokenized_doc *), void *user, int *stop,
                            nq_error *err)
{
    char fid[4096], msg[512] = "";
    const char *file = nq_reader_file_path(s->reader, rec->file);
    if (rec->kind == NQ_REC_TEXT)
        snprintf(fid, sizeof fid, "%s", nq_reader_file_name(s->reader, rec->file));
    else
        snprintf(fid, sizeof fid, "%s:%llu", nq_reader_file_name(s->reader, rec->file),
                 (unsigned long long)rec->line);
    nq_doc doc;
    nq_diag_kind kind = 0;
    nq_parse_result pr = nq_record_parse(s->parser, rec, fid, &s->opt->fields, &doc, &kind, msg, sizeof msg);
    if (pr == NQ_PARSE_NOMEM)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    if (pr == NQ_PARSE_SKIP || pr == NQ_PARSE_OK_WARN) {
        diag(s, rec, kind, msg, pr == NQ_PARSE_SKIP);
        if (s->opt->strict)
            return nq_fail(err, NQ_ERR_INPUT, "%s:%llu: %s", file, (unsigned long long)rec->line, msg);
        if (pr == NQ_PARSE_SKIP)
            return NQ_OK;
    }
    nq_tokens tk;
    nq_status st = nq_tokenize_doc(s->tok, doc.title.ptr, doc.title.len, doc.text.ptr, doc.text.len, &tk);
    if (st)
        return nq_fail(err, st, "%s: cannot tokenize", fid);
    if (NQ_RESERVE(s->views, s->views_cap, tk.n + 1))
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    uint32_t sent = 0, para = 0;
    for (size_t i = 0; i < tk.n; i++) {
        const nq_token *t = &tk.tok[i];
        if (i && (t->flags & NQ_TOK_PARA_START))
            para++;
        if (i && (t->flags & (NQ_TOK_SENT_START | NQ_TOK_PARA_START)))
            sent++;
        s->views[i] = (nq_token_view){tk.norm + t->norm_off, t->norm_len, tk.text + t->text_off,
                                      t->text_len, sent, para};
    }
    nq_tokenized_doc d = {s->next_index++, doc.id.ptr ? doc.id.ptr : "", doc.id.len, s->views, tk.n};
    *stop = on_doc(user, &d);
    return NQ_OK;
}

nq_status nq_tokenize_corpus(const char *const *inputs, size_t n_inputs, const nq_build_options *opt,
                             int (*on_doc)(void *user, const nq_tokenized_doc *doc), void *user,
                             nq_error *err)
{
    tk_state s = {.opt = opt};
    s.parser = nq_parser_new();
    s.tok = nq_tokenizer_new();
    nq_status st = s.parser && s.tok ? NQ_OK : nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    if (!st)
        st = nq_reader_open(inputs, n_inputs, opt->input_format, &s.reader, err);
    nq_batch b;
    nq_batch_init(&b);
    int stop = 0;
    while (!st && !stop) {
        st = nq_reader_next(s.reader, &b, opt->batch_bytes ? opt->batch_bytes : 1u << 20, err);
        if (st || b.n == 0)
            break;
        for (size_t i = 0; i < b.n && !st && !stop; i++)
            st = one_record(&s, &b.rec[i], on_doc, user, &stop, err);
    }
    nq_batch_free(&b);
    if (s.reader)
        nq_reader_close(s.reader);
    nq_parser_free(s.parser);
    nq_tokenizer_free(s.tok);
    free(s.views);
    return st;
}

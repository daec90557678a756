#include "subcorpus.h"

#include <stdlib.h>
#include <string.h>

#include "docs_table.h"
#include "error.h"
#include "structure.h"

int nq_filter_active(const nq_filter *f)
{
    return f && (f->date_from || f->date_to || f->n_sources);
}

static int digits(const char *s, size_t n, uint32_t *v)
{
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        *v = *v * 10 + (uint32_t)(s[i] - '0');
    }
    return 0;
}

nq_status nq_parse_date_bound(const char *text, int upper, uint32_t *out, nq_error *err)
{
    size_t n = strlen(text);
    uint32_t y, m = 0, d = 0;
    int ok = (n == 4 || n == 7 || n == 10) && !digits(text, 4, &y) && y > 0;
    if (ok && n >= 7)
        ok = text[4] == '-' && !digits(text + 5, 2, &m) && m >= 1 && m <= 12;
    if (ok && n == 10)
        ok = text[7] == '-' && !digits(text + 8, 2, &d) && d >= 1 && d <= 31;
    if (!ok)
        return nq_fail(err, NQ_ERR_ARG, "\"%s\": a date bound is YYYY, YYYY-MM or YYYY-MM-DD", text);
    /* A bound at year or month precision covers the documents dated only to
     * that precision too (their month or day is stored as 00). */
    if (upper) {
        m = m ? m : 12;
        d = d ? d : 99;
    }
    *out = y * 10000 + m * 100 + d;
    return NQ_OK;
}

int nq_doc_meta(const nq_index *ix, uint64_t doc, uint32_t *date, uint32_t *source, uint32_t *tokens)
{
    nq_doc_info info;
    if (nq_docs_get(ix->docs, ix->docs_len, doc, &info, source))
        return -1;
    *date = info.date;
    *tokens = info.tokens;
    return 0;
}

/* Source indexes named by the filter, as a mask over SRCS. */
static nq_status source_mask(const nq_index *ix, const nq_filter *f, uint8_t **mask, nq_error *err)
{
    uint64_t n = nq_index_source_count(ix);
    *mask = calloc(n ? n : 1, 1);
    if (!*mask)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < f->n_sources; k++) {
        const char *want = f->sources[k];
        size_t wl = strlen(want);
        int found = 0;
        for (uint64_t i = 0; i < n; i++) {
            const char *name;
            size_t len;
            uint64_t docs;
            nq_index_source(ix, i, &name, &len, &docs, NULL);
            if (len == wl && memcmp(name, want, wl) == 0) {
                (*mask)[i] = 1;
                found = 1;
            }
        }
        if (!found) {
            free(*mask);
            *mask = NULL;
            return nq_fail(err, NQ_ERR_ARG, "no source named \"%s\" in this index (`ngramq info --sources` lists them)",
                           want);
        }
    }
    return NQ_OK;
}

nq_status nq_subcorpus_init(nq_index *ix, const nq_filter *f, nq_subcorpus *sc, nq_error *err)
{
    memset(sc, 0, sizeof *sc);
    sc->n_docs = ix->meta[NQ_META_DOCUMENTS];
    if (!nq_filter_active(f))
        return NQ_OK;
    nq_status st = nq_index_load_docs(ix, err);
    if (st)
        return st;
    uint8_t *sources = NULL;
    if (f->n_sources && (st = source_mask(ix, f, &sources, err)) != NQ_OK)
        return st;
    sc->keep = malloc(sc->n_docs ? sc->n_docs : 1);
    if (!sc->keep) {
        free(sources);
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    }
    for (uint64_t d = 0; d < sc->n_docs; d++) {
        uint32_t date, src, tokens;
        if (nq_doc_meta(ix, d, &date, &src, &tokens)) {
            free(sources);
            nq_subcorpus_free(sc);
            return nq_fail(err, NQ_ERR_CORRUPT, "%s: document %llu does not decode", ix->path,
                           (unsigned long long)d);
        }
        int keep = 1;
        if (f->date_from || f->date_to)
            keep = date && (!f->date_from || date >= f->date_from) && (!f->date_to || date <= f->date_to);
        if (sources)
            keep &= src != NQ_NO_SOURCE && sources[src];
        sc->keep[d] = (uint8_t)keep;
    }
    free(sources);
    return NQ_OK;
}

void nq_subcorpus_free(nq_subcorpus *sc)
{
    free(sc->keep);
    memset(sc, 0, sizeof *sc);
}

void nq_subcorpus_filter_matches(const nq_index *ix, const nq_subcorpus *sc, nq_matches *m)
{
    if (!sc->keep)
        return;
    size_t kept = 0;
    uint64_t d = 0;
    for (size_t i = 0; i < m->n; i++) {
        d = nq_structure_doc_from(&ix->strc, d, m->start[i]);
        if (sc->keep[d]) {
            m->start[kept] = m->start[i];
            m->len[kept++] = m->len[i];
        }
    }
    m->n = kept;
}

uint64_t nq_matches_documents(const nq_index *ix, const nq_matches *m)
{
    uint64_t d = 0, docs = 0, last = UINT64_MAX;
    for (size_t i = 0; i < m->n; i++) {
        d = nq_structure_doc_from(&ix->strc, d, m->start[i]);
        docs += d != last;
        last = d;
    }
    return docs;
}

nq_status nq_match_filtered(nq_index *ix, const char *text, size_t len, const nq_subcorpus *sc, nq_matches *m,
                            nq_error *err)
{
    nq_expr e;
    nq_status st = nq_expr_parse(ix, text, len, &e, err);
    if (st)
        return st;
    st = nq_expr_match(ix, &e, m, err);
    nq_expr_free(&e);
    if (!st)
        nq_subcorpus_filter_matches(ix, sc, m);
    return st;
}

nq_status nq_filter_size(nq_index *ix, const nq_filter *f, uint64_t *tokens, uint64_t *documents, nq_error *err)
{
    *tokens = ix->meta[NQ_META_TOKENS];
    *documents = ix->meta[NQ_META_DOCUMENTS];
    if (!nq_filter_active(f))
        return NQ_OK;
    nq_subcorpus sc;
    nq_status st = nq_subcorpus_init(ix, f, &sc, err);
    if (st)
        return st;
    *tokens = *documents = 0;
    for (uint64_t d = 0; d < sc.n_docs; d++) {
        uint32_t date, src, n;
        if (sc.keep[d] && !nq_doc_meta(ix, d, &date, &src, &n)) {
            *tokens += n;
            ++*documents;
        }
    }
    nq_subcorpus_free(&sc);
    return NQ_OK;
}

/* nq_kwic: concordance lines of an expression, cut from the stored text. */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "structure.h"
#include "subcorpus.h"
#include "text_store.h"
#include "tokenize.h"

#define SORT_KEY_BYTES 96   /* enough to order by the first few words */

void nq_kwic_options_init(nq_kwic_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->width = 60;
    opt->limit = 50;
}

void nq_kwic_result_free(nq_kwic_result *r)
{
    for (size_t i = 0; i < r->n_lines; i++) {
        free(r->lines[i].left);
        free(r->lines[i].match);
        free(r->lines[i].right);
    }
    free(r->lines);
    memset(r, 0, sizeof *r);
}

/* One chosen match on its way to becoming a line. */
typedef struct pick {
    size_t match;           /* index in the matches */
    uint64_t doc;
    uint32_t date;          /* for NQ_KWIC_DATE: undated sorts last */
    char key[SORT_KEY_BYTES];
} pick;

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* k distinct indices of [0, n), uniformly (Floyd's algorithm with a hash
 * set), ascending. The same seed always gives the same sample. */
static nq_status sample_indices(size_t n, size_t k, uint64_t seed, size_t **out, nq_error *err)
{
    size_t cap = 16;
    while (cap < 2 * k + 2)
        cap *= 2;
    size_t *set = malloc(cap * sizeof *set), *res = malloc((k ? k : 1) * sizeof *res), got = 0;
    if (!set || !res) {
        free(set);
        free(res);
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < cap; i++)
        set[i] = SIZE_MAX;
    uint64_t s = seed;
    for (size_t j = n - k; j < n; j++) {
        size_t t = (size_t)(splitmix64(&s) % (uint64_t)(j + 1)), h;
        for (h = t * 0x9E3779B1u & (cap - 1); set[h] != SIZE_MAX && set[h] != t; h = (h + 1) & (cap - 1))
            ;
        if (set[h] == t) { /* taken: j is new, since j was never a candidate */
            for (h = j * 0x9E3779B1u & (cap - 1); set[h] != SIZE_MAX; h = (h + 1) & (cap - 1))
                ;
            t = j;
        }
        set[h] = t;
        res[got++] = t;
    }
    free(set);
    qsort(res, got, sizeof *res, cmp_size);
    *out = res;
    return NQ_OK;
}

/* Start of the character `chars` code points before p (not before lo). */
static size_t back_chars(const char *s, size_t lo, size_t p, size_t chars)
{
    while (p > lo && chars) {
        p--;
        while (p > lo && ((unsigned char)s[p] & 0xC0) == 0x80)
            p--;
        chars--;
    }
    return p;
}

static size_t forward_chars(const char *s, size_t hi, size_t p, size_t chars)
{
    while (p < hi && chars) {
        p++;
        while (p < hi && ((unsigned char)s[p] & 0xC0) == 0x80)
            p++;
        chars--;
    }
    return p;
}

/* A context for display: line breaks and tabs become spaces. */
static char *context_copy(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (!c)
        return NULL;
    for (size_t i = 0; i < n; i++)
        c[i] = s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' ' : s[i];
    c[n] = 0;
    return c;
}

typedef struct line_src {
    nq_index *ix;
    nq_text_cursor *cur;
    const nq_matches *m;
    size_t width;
} line_src;

/* The match's byte range in its document's text, and the text. */
static nq_status locate(line_src *ls, size_t i, uint64_t doc, const char **text, size_t *len, uint32_t *s,
                        uint32_t *e, nq_error *err)
{
    nq_index *ix = ls->ix;
    uint32_t first = ls->m->start[i] - nq_doc_start(&ix->strc, doc), n = ls->m->len[i];
    uint32_t starts[NQ_EXPR_MAX_TOKENS], ends[NQ_EXPR_MAX_TOKENS], a = 0, b = 0;
    nq_status st = nq_text_spans(&ix->text, ls->cur, doc, first, n, starts, ends, err);
    if (!st) {
        a = starts[0];
        b = ends[n - 1];
    }
    if (!st)
        st = nq_text_doc(&ix->text, ls->cur, doc, text, len, err);
    if (!st && (a > b || b > *len))
        st = nq_fail(err, NQ_ERR_CORRUPT, "%s: document %llu: token spans leave its text", ix->path,
                     (unsigned long long)doc);
    *s = a;
    *e = b;
    return st;
}

static nq_status make_line(line_src *ls, const pick *p, nq_kwic_line *line, nq_error *err)
{
    const char *text;
    size_t len;
    uint32_t s, e;
    nq_status st = locate(ls, p->match, p->doc, &text, &len, &s, &e, err);
    if (st)
        return st;
    size_t l = back_chars(text, 0, s, ls->width), r = forward_chars(text, len, e, ls->width);
    line->doc = p->doc;
    line->position = ls->m->start[p->match] - nq_doc_start(&ls->ix->strc, p->doc);
    line->n_tokens = ls->m->len[p->match];
    line->left = context_copy(text + l, s - l);
    line->match = malloc(e - s + 1);
    line->right = context_copy(text + e, r - e);
    if (!line->left || !line->match || !line->right)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    memcpy(line->match, text + s, e - s);
    line->match[e - s] = 0;
    return NQ_OK;
}

/* Sort key: the normalized words next to the match, nearest first, joined
 * by 0x01 (below every token byte, so a shorter context sorts first). */
static nq_status side_key(line_src *ls, nq_tokenizer *tz, pick *p, int left, nq_error *err)
{
    const char *text;
    size_t len;
    uint32_t s, e;
    nq_status st = locate(ls, p->match, p->doc, &text, &len, &s, &e, err);
    if (st)
        return st;
    size_t a = left ? back_chars(text, 0, s, ls->width) : e, b = left ? s : forward_chars(text, len, e, ls->width);
    nq_tokens tk;
    if (nq_tokenize_text(tz, text + a, b - a, &tk))
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    size_t at = 0;
    for (size_t k = 0; k < tk.n; k++) {
        const nq_token *t = &tk.tok[left ? tk.n - 1 - k : k];
        size_t n = t->norm_len < SORT_KEY_BYTES - 2 - at ? t->norm_len : SORT_KEY_BYTES - 2 - at;
        memcpy(p->key + at, tk.norm + t->norm_off, n);
        at += n;
        p->key[at++] = 1;
        if (at >= SORT_KEY_BYTES - 2)
            break;
    }
    p->key[at] = 0;
    return NQ_OK;
}

static int cmp_key(const void *a, const void *b)
{
    const pick *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->match > y->match) - (x->match < y->match);
}

static int cmp_date(const void *a, const void *b)
{
    const pick *x = a, *y = b;
    uint32_t dx = x->date ? x->date : UINT32_MAX, dy = y->date ? y->date : UINT32_MAX;
    if (dx != dy)
        return dx < dy ? -1 : 1;
    return (x->match > y->match) - (x->match < y->match);
}

/* Orders the picks as asked (they come in corpus order). */
static nq_status order_picks(line_src *ls, pick *p, size_t n, nq_kwic_sort sort, nq_error *err)
{
    if (sort == NQ_KWIC_DATE) {
        for (size_t i = 0; i < n; i++) {
            nq_doc_info info;
            nq_status st = nq_index_doc(ls->ix, p[i].doc, &info, err);
            if (st)
                return st;
            p[i].date = info.date;
        }
        qsort(p, n, sizeof *p, cmp_date);
    } else if (sort == NQ_KWIC_LEFT || sort == NQ_KWIC_RIGHT) {
        nq_tokenizer *tz = nq_tokenizer_new();
        if (!tz)
            return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
            nq_status st = side_key(ls, tz, &p[i], sort == NQ_KWIC_LEFT, err);
            if (st) {
                nq_tokenizer_free(tz);
                return st;
            }
        }
        nq_tokenizer_free(tz);
        qsort(p, n, sizeof *p, cmp_key);
    }
    return NQ_OK;
}

/* The matches that may become lines: a sample, or all of them. */
static nq_status choose(const nq_index *ix, const nq_matches *m, const nq_kwic_options *opt, pick **out, size_t *n,
                        nq_error *err)
{
    size_t *idx = NULL, k = m->n;
    if (opt->sample && opt->sample < m->n) {
        k = opt->sample;
        nq_status st = sample_indices(m->n, k, opt->seed, &idx, err);
        if (st)
            return st;
    } else if (opt->sort == NQ_KWIC_CORPUS && opt->limit < k) {
        k = opt->limit; /* corpus order: the first ones are the answer */
    }
    pick *p = calloc(k ? k : 1, sizeof *p);
    if (!p) {
        free(idx);
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    }
    uint64_t d = 0;
    for (size_t i = 0; i < k; i++) {
        p[i].match = idx ? idx[i] : i;
        d = nq_structure_doc_from(&ix->strc, d, m->start[p[i].match]);
        p[i].doc = d;
    }
    free(idx);
    *out = p;
    *n = k;
    return NQ_OK;
}

static int cmp_match(const void *a, const void *b)
{
    const pick *x = a, *y = b;
    return (x->match > y->match) - (x->match < y->match);
}

/* Builds the lines, reading documents in corpus order so that each text
 * block is decompressed once, then restores the requested order. */
static nq_status build_lines(line_src *ls, pick *p, size_t n, nq_kwic_result *res, nq_error *err)
{
    res->lines = calloc(n ? n : 1, sizeof *res->lines);
    if (!res->lines)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        p[i].date = (uint32_t)i; /* reused: the line's final slot */
    qsort(p, n, sizeof *p, cmp_match);
    nq_status st = NQ_OK;
    for (size_t i = 0; i < n && !st; i++)
        st = make_line(ls, &p[i], &res->lines[p[i].date], err);
    res->n_lines = n;
    return st;
}

nq_status nq_kwic(nq_index *ix, const char *text, size_t len, const nq_filter *filter, const nq_kwic_options *opt,
                  nq_kwic_result *res, nq_error *err)
{
    memset(res, 0, sizeof *res);
    if (!ix->has_positions || !ix->has_text)
        return nq_fail(err, NQ_ERR_ARG, "this index was built without %s: no concordance",
                       ix->has_positions ? "stored text (--no-text)" : "positions (--no-positions)");
    nq_status need = nq_index_need(ix, NQ_PART_POSITIONS | NQ_PART_TEXT | NQ_PART_DOCS, err);
    if (need)
        return need;
    nq_subcorpus sc;
    nq_matches m = {0};
    pick *p = NULL;
    size_t n = 0;
    line_src ls = {ix, nq_text_cursor_new(), &m, opt->width};
    nq_status st = ls.cur ? nq_subcorpus_init(ix, filter, &sc, err) : nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    if (st)
        memset(&sc, 0, sizeof sc);
    if (!st)
        st = nq_match_filtered(ix, text, len, &sc, &m, err);
    res->matches = m.n;
    if (!st)
        st = choose(ix, &m, opt, &p, &n, err);
    if (!st)
        st = order_picks(&ls, p, n, opt->sort, err);
    if (!st)
        st = build_lines(&ls, p, n < opt->limit ? n : opt->limit, res, err);
    free(p);
    nq_text_cursor_free(ls.cur);
    nq_matches_free(&m);
    nq_subcorpus_free(&sc);
    if (st)
        nq_kwic_result_free(res);
    return st;
}

#include "lexfile.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "error.h"
#include "linefile.h"
#include "vec.h"

void nq_lexfile_free(nq_lexfile *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->entries[i].label);
        free(l->entries[i].expr);
    }
    free(l->entries);
    l->entries = NULL;
    l->n = 0;
}

const nq_lex_entry *nq_lexfile_find(const nq_lexfile *l, const char *label)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->entries[i].label, label) == 0)
            return &l->entries[i];
    return NULL;
}

/* Open addressing over entry numbers + 1 (0: empty), for duplicate labels. */
typedef struct label_set {
    size_t *slot;
    size_t cap; /* power of two */
} label_set;

static int label_set_grow(label_set *s, const nq_lexfile *l)
{
    size_t cap = s->cap ? s->cap * 2 : 64;
    size_t *slot = calloc(cap, sizeof *slot);
    if (!slot)
        return -1;
    for (size_t i = 0; i < l->n; i++) {
        const char *lab = l->entries[i].label;
        size_t h = (size_t)XXH3_64bits(lab, strlen(lab)) & (cap - 1);
        while (slot[h])
            h = (h + 1) & (cap - 1);
        slot[h] = i + 1;
    }
    free(s->slot);
    s->slot = slot;
    s->cap = cap;
    return 0;
}

/* The entry already labelled lab, or NULL; else reserves nothing (the
 * caller appends the entry, then calls label_set_add). */
static const nq_lex_entry *label_set_find(const label_set *s, const nq_lexfile *l, const char *lab, size_t n)
{
    if (!s->cap)
        return NULL;
    size_t h = (size_t)XXH3_64bits(lab, n) & (s->cap - 1);
    while (s->slot[h]) {
        const nq_lex_entry *e = &l->entries[s->slot[h] - 1];
        if (strlen(e->label) == n && memcmp(e->label, lab, n) == 0)
            return e;
        h = (h + 1) & (s->cap - 1);
    }
    return NULL;
}

/* Adds the last entry of l. */
static int label_set_add(label_set *s, const nq_lexfile *l)
{
    if (l->n * 2 > s->cap)
        return label_set_grow(s, l); /* rehashes every entry, the new one included */
    const char *lab = l->entries[l->n - 1].label;
    size_t h = (size_t)XXH3_64bits(lab, strlen(lab)) & (s->cap - 1);
    while (s->slot[h])
        h = (h + 1) & (s->cap - 1);
    s->slot[h] = l->n;
    return 0;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

/* Joins the variants of v[0..n) (the text after the TAB) as "a | b | c"
 * into a malloc'd string; counts them. Returns NQ_ERR_INPUT for an empty
 * variant (its number in *bad, 1-based), NQ_ERR_NOMEM. */
static nq_status join_variants(const char *v, size_t n, char **out, size_t *count, size_t *bad)
{
    /* the joined form is at most 2 bytes longer per variant than the input */
    size_t bars = 0;
    for (size_t i = 0; i < n; i++)
        bars += v[i] == '|';
    char *buf = malloc(n + 2 * bars + 1);
    if (!buf)
        return NQ_ERR_NOMEM;
    size_t at = 0, k = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && v[i] != '|')
            continue;
        size_t m = i - start;
        const char *t = nq_trim_blanks(v + start, &m);
        k++;
        if (!m) {
            free(buf);
            *bad = k;
            return NQ_ERR_INPUT;
        }
        if (k > 1) {
            memcpy(buf + at, " | ", 3);
            at += 3;
        }
        memcpy(buf + at, t, m);
        at += m;
        start = i + 1;
    }
    buf[at] = 0;
    *out = buf;
    *count = k;
    return NQ_OK;
}

nq_status nq_lexfile_parse(const char *name, const char *text, size_t len, nq_lexfile *out, nq_error *err)
{
    memset(out, 0, sizeof *out);
    if (!name)
        name = "(text)";
    nq_line_iter it;
    nq_line_iter_init(&it, name, text, len, NQ_LEXFILE_MAX_LINE);
    label_set seen = {0};
    size_t cap = 0;
    nq_status st = NQ_OK;
    const char *line;
    size_t n;
    int r;
    char quoted[128];
    while ((r = nq_line_next(&it, &line, &n, err)) > 0) {
        size_t m = n;
        const char *s = nq_trim_blanks(line, &m);
        if (m == 0 || s[0] == '#')
            continue;
        const char *tab = memchr(line, '\t', n);
        /* a TAB among the leading blanks still separates: the label is empty */
        if (!tab) {
            nq_quote_excerpt(quoted, 60, s, m);
            st = nq_fail(err, NQ_ERR_INPUT, "%s:%zu: no TAB between the label and its variants in \"%s\"", name,
                         it.lineno, quoted);
            break;
        }
        size_t lab_n = (size_t)(tab - line);
        const char *lab = nq_trim_blanks(line, &lab_n);
        if (!lab_n) {
            st = nq_fail(err, NQ_ERR_INPUT, "%s:%zu: empty label before the TAB", name, it.lineno);
            break;
        }
        const nq_lex_entry *dup = label_set_find(&seen, out, lab, lab_n);
        if (dup) {
            nq_quote_excerpt(quoted, sizeof quoted, lab, lab_n);
            st = nq_fail(err, NQ_ERR_INPUT, "%s:%zu: duplicate label \"%s\" (first on line %zu)", name,
                         it.lineno, quoted, dup->line);
            break;
        }
        size_t var_n = n - (size_t)(tab + 1 - line);
        const char *var = nq_trim_blanks(tab + 1, &var_n);
        nq_quote_excerpt(quoted, sizeof quoted, lab, lab_n);
        if (!var_n) {
            st = nq_fail(err, NQ_ERR_INPUT, "%s:%zu: label \"%s\" has no variant after the TAB", name, it.lineno,
                         quoted);
            break;
        }
        if (NQ_RESERVE(out->entries, cap, out->n + 1)) {
            st = nq_fail(err, NQ_ERR_NOMEM, "%s:%zu: out of memory", name, it.lineno);
            break;
        }
        nq_lex_entry e = {0};
        e.line = it.lineno;
        size_t bad = 0;
        st = join_variants(var, var_n, &e.expr, &e.n_variants, &bad);
        if (st == NQ_ERR_INPUT) {
            st = nq_fail(err, NQ_ERR_INPUT, "%s:%zu: label \"%s\": variant %zu is empty (two '|' in a row, or a "
                         "'|' at an end)", name, it.lineno, quoted, bad);
            break;
        }
        if (st == NQ_OK && !(e.label = dup_n(lab, lab_n))) {
            free(e.expr);
            st = NQ_ERR_NOMEM;
        }
        if (st) {
            st = nq_fail(err, NQ_ERR_NOMEM, "%s:%zu: out of memory", name, it.lineno);
            break;
        }
        out->entries[out->n++] = e;
        if (label_set_add(&seen, out)) {
            st = nq_fail(err, NQ_ERR_NOMEM, "%s:%zu: out of memory", name, it.lineno);
            break;
        }
    }
    if (r < 0)
        st = NQ_ERR_INPUT; /* err already says where */
    free(seen.slot);
    if (st)
        nq_lexfile_free(out);
    return st;
}

nq_status nq_lexfile_load(const char *path, nq_lexfile *out, nq_error *err)
{
    memset(out, 0, sizeof *out);
    char *data;
    size_t len;
    nq_status st = nq_linefile_read(path, &data, &len, err);
    if (st)
        return st;
    st = nq_lexfile_parse(path, data, len, out, err);
    free(data);
    return st;
}

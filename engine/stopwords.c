#include "stopwords.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "error.h"
#include "linefile.h"
#include "tokenize.h"
#include "vec.h"

typedef struct sw_slot {
    uint64_t hash;
    uint32_t off, len; /* in the arena; len 0: empty slot (entries are never empty) */
} sw_slot;

struct nq_stopwords {
    sw_slot *slot;
    size_t cap;      /* power of two */
    size_t n;
    char *arena;
    size_t arena_len, arena_cap;
};

static nq_stopwords *sw_new(void)
{
    return calloc(1, sizeof(nq_stopwords));
}

void nq_stopwords_free(nq_stopwords *s)
{
    if (!s)
        return;
    free(s->slot);
    free(s->arena);
    free(s);
}

size_t nq_stopwords_count(const nq_stopwords *s)
{
    return s ? s->n : 0;
}

static const sw_slot *sw_find(const nq_stopwords *s, const char *term, size_t len, uint64_t h, size_t *at)
{
    size_t i = (size_t)h & (s->cap - 1);
    while (s->slot[i].len) {
        const sw_slot *x = &s->slot[i];
        if (x->hash == h && x->len == len && memcmp(s->arena + x->off, term, len) == 0)
            return x;
        i = (i + 1) & (s->cap - 1);
    }
    *at = i;
    return NULL;
}

int nq_stopwords_has(const nq_stopwords *s, const char *term, size_t len)
{
    if (!s || !s->n || !len)
        return 0;
    size_t at;
    return sw_find(s, term, len, XXH3_64bits(term, len), &at) != NULL;
}

static int sw_grow(nq_stopwords *s)
{
    size_t cap = s->cap ? s->cap * 2 : 256;
    sw_slot *slot = calloc(cap, sizeof *slot);
    if (!slot)
        return -1;
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->slot[i].len)
            continue;
        size_t j = (size_t)s->slot[i].hash & (cap - 1);
        while (slot[j].len)
            j = (j + 1) & (cap - 1);
        slot[j] = s->slot[i];
    }
    free(s->slot);
    s->slot = slot;
    s->cap = cap;
    return 0;
}

/* Adds term unless present. Returns 0, or -1 out of memory. */
static int sw_add(nq_stopwords *s, const char *term, size_t len)
{
    if (!len)
        return 0; /* the tokenizer never makes an empty token */
    if ((s->n + 1) * 2 > s->cap && sw_grow(s))
        return -1;
    if (len > UINT32_MAX || s->arena_len + len > UINT32_MAX)
        return -1;
    uint64_t h = XXH3_64bits(term, len);
    size_t at;
    if (sw_find(s, term, len, h, &at))
        return 0;
    if (NQ_RESERVE(s->arena, s->arena_cap, s->arena_len + len))
        return -1;
    memcpy(s->arena + s->arena_len, term, len);
    s->slot[at] = (sw_slot){h, (uint32_t)s->arena_len, (uint32_t)len};
    s->arena_len += len;
    s->n++;
    return 0;
}

nq_status nq_stopwords_builtin_fr(nq_stopwords **out, nq_error *err)
{
    *out = NULL;
    size_t n;
    const char *const *list = nq_stopwords_fr_list(&n);
    nq_stopwords *s = sw_new();
    if (!s)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory building the French stopword list");
    for (size_t i = 0; i < n; i++) {
        if (sw_add(s, list[i], strlen(list[i]))) {
            nq_stopwords_free(s);
            return nq_fail(err, NQ_ERR_NOMEM, "out of memory building the French stopword list");
        }
    }
    *out = s;
    return NQ_OK;
}

nq_status nq_stopwords_parse(const char *name, const char *text, size_t len, nq_stopwords **out,
                             nq_error *err)
{
    *out = NULL;
    if (!name)
        name = "(text)";
    nq_stopwords *s = sw_new();
    nq_tokenizer *t = nq_tokenizer_new();
    if (!s || !t) {
        nq_stopwords_free(s);
        nq_tokenizer_free(t);
        return nq_fail(err, NQ_ERR_NOMEM, "%s: out of memory", name);
    }
    nq_line_iter it;
    nq_line_iter_init(&it, name, text, len, NQ_STOPWORDS_MAX_LINE);
    nq_status st = NQ_OK;
    const char *line;
    size_t n;
    int r;
    char quoted[96];
    while ((r = nq_line_next(&it, &line, &n, err)) > 0) {
        const char *w = nq_trim_blanks(line, &n);
        if (!n || w[0] == '#')
            continue;
        nq_tokens tk;
        if (nq_tokenize_text(t, w, n, &tk)) {
            st = nq_fail(err, NQ_ERR_NOMEM, "%s:%zu: out of memory", name, it.lineno);
            break;
        }
        /* one token, and the whole entry is that token (no punctuation
         * around it, no '*', no second word) */
        if (tk.n != 1 || tk.tok[0].text_off != 0 || tk.tok[0].text_len != tk.text_len) {
            nq_quote_excerpt(quoted, sizeof quoted, w, n);
            if (tk.n == 0)
                st = nq_fail(err, NQ_ERR_INPUT, "%s:%zu: \"%s\" holds no word", name, it.lineno, quoted);
            else if (tk.n > 1)
                st = nq_fail(err, NQ_ERR_INPUT, "%s:%zu: \"%s\" is %zu tokens, not one", name, it.lineno, quoted,
                             tk.n);
            else
                st = nq_fail(err, NQ_ERR_INPUT, "%s:%zu: \"%s\" is not a single token (characters around it)",
                             name, it.lineno, quoted);
            break;
        }
        if (sw_add(s, tk.norm + tk.tok[0].norm_off, tk.tok[0].norm_len)) {
            st = nq_fail(err, NQ_ERR_NOMEM, "%s:%zu: out of memory", name, it.lineno);
            break;
        }
    }
    if (r < 0)
        st = NQ_ERR_INPUT; /* err already says where */
    nq_tokenizer_free(t);
    if (st) {
        nq_stopwords_free(s);
        return st;
    }
    *out = s;
    return NQ_OK;
}

nq_status nq_stopwords_load(const char *path, nq_stopwords **out, nq_error *err)
{
    *out = NULL;
    char *data;
    size_t len;
    nq_status st = nq_linefile_read(path, &data, &len, err);
    if (st)
        return st;
    st = nq_stopwords_parse(path, data, len, out, err);
    free(data);
    return st;
}

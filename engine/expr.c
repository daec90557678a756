#include "expr.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "gallop.h"
#include "structure.h"
#include "tokenize.h"
#include "vec.h"

void nq_expr_free(nq_expr *e)
{
    free(e->tok);
    free(e->ph);
    memset(e, 0, sizeof *e);
}

void nq_matches_free(nq_matches *m)
{
    free(m->start);
    free(m->len);
    memset(m, 0, sizeof *m);
}

/* ---- parsing ---- */

static uint64_t range_cf(const nq_index *ix, uint32_t lo, uint32_t hi)
{
    uint64_t cf = 0;
    for (uint32_t id = lo; id < hi; id++)
        cf += nq_packed_get(&ix->lex.cf, id);
    return cf;
}

/* Marks the tokens that a '*' follows; every '*' must end a token and be
 * followed by no token of its own word. */
static nq_status find_stars(const nq_tokens *tk, int *prefix, const char *phrase, size_t plen, nq_error *err)
{
    size_t k = 0;
    for (size_t i = 0; i < tk->text_len; i++) {
        if (tk->text[i] != '*')
            continue;
        while (k < tk->n && tk->tok[k].text_off + tk->tok[k].text_len < i)
            k++;
        int ends_token = k < tk->n && tk->tok[k].text_off + tk->tok[k].text_len == i;
        int glued_next = i + 1 < tk->text_len && k + 1 < tk->n && tk->tok[k + 1].text_off == i + 1;
        if (!ends_token || glued_next)
            return nq_fail(err, NQ_ERR_ARG, "\"%.*s\": '*' may only end a token (as in souverain*)",
                           (int)(plen > 200 ? 200 : plen), phrase);
        prefix[k] = 1;
    }
    return NQ_OK;
}

static nq_status add_phrase(const nq_index *ix, nq_tokenizer *t, const char *s, size_t len, nq_expr *e,
                            size_t *tok_cap, size_t *ph_cap, nq_error *err)
{
    nq_tokens tk;
    if (nq_tokenize_text(t, s, len, &tk))
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory tokenizing the query");
    if (tk.n == 0)
        return nq_fail(err, NQ_ERR_ARG, "\"%.*s\": empty phrase in the expression",
                       (int)(len > 200 ? 200 : len), s);
    if (tk.n > NQ_EXPR_MAX_TOKENS)
        return nq_fail(err, NQ_ERR_ARG, "a phrase has %zu tokens, more than %u", tk.n, NQ_EXPR_MAX_TOKENS);
    int prefix[NQ_EXPR_MAX_TOKENS] = {0};
    nq_status st = find_stars(&tk, prefix, s, len, err);
    if (st)
        return st;
    if (NQ_RESERVE(e->tok, *tok_cap, e->n_tok + tk.n) || NQ_RESERVE(e->ph, *ph_cap, e->n_ph + 1))
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory parsing the query");
    nq_expr_phrase *ph = &e->ph[e->n_ph++];
    *ph = (nq_expr_phrase){e->n_tok, tk.n, 0};
    for (size_t i = 0; i < tk.n; i++) {
        nq_expr_token *x = &e->tok[e->n_tok++];
        const char *norm = tk.norm + tk.tok[i].norm_off;
        x->prefix = prefix[i];
        if (prefix[i]) {
            nq_lexicon_prefix_range(&ix->lex, norm, tk.tok[i].norm_len, &x->lo, &x->hi);
        } else {
            uint32_t id = nq_lexicon_find(&ix->lex, norm, tk.tok[i].norm_len);
            x->lo = id == NQ_ID_NONE ? 0 : id;
            x->hi = id == NQ_ID_NONE ? 0 : id + 1;
        }
        x->cf = range_cf(ix, x->lo, x->hi);
        ph->dead |= x->cf == 0;
    }
    return NQ_OK;
}

nq_status nq_expr_parse(const nq_index *ix, const char *text, size_t len, nq_expr *e, nq_error *err)
{
    memset(e, 0, sizeof *e);
    nq_tokenizer *t = nq_tokenizer_new();
    if (!t)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    size_t tok_cap = 0, ph_cap = 0, at = 0;
    nq_status st = NQ_OK;
    while (!st) {
        const char *bar = memchr(text + at, '|', len - at);
        size_t end = bar ? (size_t)(bar - text) : len;
        st = add_phrase(ix, t, text + at, end - at, e, &tok_cap, &ph_cap, err);
        if (!bar)
            break;
        at = end + 1;
    }
    nq_tokenizer_free(t);
    if (st)
        nq_expr_free(e);
    return st;
}

size_t nq_expr_simple(const nq_expr *e, uint32_t *ids, size_t cap)
{
    if (e->n_ph != 1 || e->ph[0].n > cap)
        return 0;
    for (size_t i = 0; i < e->ph[0].n; i++) {
        const nq_expr_token *x = &e->tok[e->ph[0].first + i];
        if (x->prefix || x->hi != x->lo + 1)
            return 0;
        ids[i] = x->lo;
    }
    return e->ph[0].n;
}

/* ---- positions ---- */

/* LSD radix sort, 3 passes of 11 bits. */
static void sort_u32(uint32_t *a, uint32_t *tmp, size_t n)
{
    for (int pass = 0; pass < 3; pass++) {
        unsigned shift = 11u * (unsigned)pass;
        size_t count[2048] = {0};
        for (size_t i = 0; i < n; i++)
            count[a[i] >> shift & 2047]++;
        size_t sum = 0;
        for (size_t b = 0; b < 2048; b++) {
            size_t c = count[b];
            count[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[a[i] >> shift & 2047]++] = a[i];
        uint32_t *s = a;
        a = tmp;
        tmp = s;
    }
    /* three passes: the result is in the original tmp; copy back */
    memcpy(tmp, a, n * sizeof *a);
}

static nq_status corrupt_list(nq_error *err, uint32_t term)
{
    return nq_fail(err, NQ_ERR_CORRUPT, "postings of term %u do not decode", term);
}

nq_status nq_term_range_positions(const nq_index *ix, uint32_t lo, uint32_t hi, uint32_t **out, size_t *n,
                                  nq_error *err)
{
    uint64_t total = range_cf(ix, lo, hi);
    uint32_t *a = malloc((total ? total : 1) * sizeof *a);
    uint32_t *tmp = hi - lo > 1 ? malloc((total ? total : 1) * sizeof *tmp) : NULL;
    if (!a || (hi - lo > 1 && !tmp)) {
        free(a);
        free(tmp);
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory reading %llu positions", (unsigned long long)total);
    }
    size_t at = 0;
    for (uint32_t id = lo; id < hi; id++) {
        uint64_t cf = nq_packed_get(&ix->lex.cf, id);
        nq_posting_list pl;
        if (nq_postings_list(&ix->post, id, cf, &pl) || nq_posting_list_decode(&pl, a + at, ix->simd)) {
            free(a);
            free(tmp);
            return corrupt_list(err, id);
        }
        at += cf;
    }
    if (hi - lo > 1)
        sort_u32(a, tmp, at);
    free(tmp);
    *out = a;
    *n = at;
    return NQ_OK;
}


/* Keeps the candidates c with c + off among token x's positions. */
static nq_status filter_by_token(const nq_index *ix, const nq_expr_token *x, uint32_t off, uint32_t *cand,
                                 size_t *n_cand, nq_error *err)
{
    size_t kept = 0;
    /* A cursor pays off when it can skip whole blocks of 128 without a
     * candidate; a list not much longer than the candidates is decoded
     * whole and merged instead. */
    if (x->hi == x->lo + 1 && x->cf > 64 * (uint64_t)*n_cand) {
        nq_posting_list pl;
        nq_posting_cursor c;
        if (nq_postings_list(&ix->post, x->lo, x->cf, &pl))
            return corrupt_list(err, x->lo);
        nq_posting_cursor_init(&c, &pl, ix->simd);
        for (size_t i = 0; i < *n_cand; i++) {
            uint32_t v, want = cand[i] + off;
            int r = nq_posting_cursor_next_geq(&c, want, &v);
            if (r < 0)
                return corrupt_list(err, x->lo);
            if (r == 0)
                break;
            if (v == want)
                cand[kept++] = cand[i];
        }
    } else {
        uint32_t *pos;
        size_t n, k = 0;
        nq_status st = nq_term_range_positions(ix, x->lo, x->hi, &pos, &n, err);
        if (st)
            return st;
        for (size_t i = 0; i < *n_cand && k < n; i++) {
            k = nq_gallop_u32(pos, n, k, cand[i] + off);
            if (k < n && pos[k] == cand[i] + off)
                cand[kept++] = cand[i];
        }
        free(pos);
    }
    *n_cand = kept;
    return NQ_OK;
}

/* Start positions of one phrase, ascending. */
static nq_status match_phrase(const nq_index *ix, const nq_expr *e, const nq_expr_phrase *ph, uint32_t **out,
                              size_t *n_out, nq_error *err)
{
    const nq_expr_token *tok = e->tok + ph->first;
    size_t n = ph->n, order[NQ_EXPR_MAX_TOKENS];
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = 1; i < n; i++) /* rarest first */
        for (size_t j = i; j > 0 && tok[order[j]].cf < tok[order[j - 1]].cf; j--) {
            size_t s = order[j];
            order[j] = order[j - 1];
            order[j - 1] = s;
        }
    size_t d = order[0], n_cand;
    uint32_t *cand;
    nq_status st = nq_term_range_positions(ix, tok[d].lo, tok[d].hi, &cand, &n_cand, err);
    if (st)
        return st;
    uint64_t N = ix->strc.tokens;
    size_t kept = 0;
    for (size_t i = 0; i < n_cand; i++) {
        if (cand[i] < d || (uint64_t)cand[i] - d + n > N)
            continue;
        uint32_t c = cand[i] - (uint32_t)d;
        if (n > 1 && nq_bitrank_any(&ix->strc.sent, c, c + n - 1))
            continue;
        cand[kept++] = c;
    }
    n_cand = kept;
    for (size_t k = 1; k < n && n_cand && !st; k++)
        st = filter_by_token(ix, &tok[order[k]], (uint32_t)order[k], cand, &n_cand, err);
    if (st) {
        free(cand);
        return st;
    }
    *out = cand;
    *n_out = n_cand;
    return NQ_OK;
}

/* Merges one phrase's starts into m; equal starts keep the longer length. */
static nq_status merge_into(nq_matches *m, const uint32_t *s, size_t n, uint16_t len, nq_error *err)
{
    size_t total = m->n + n;
    uint32_t *start = malloc((total ? total : 1) * sizeof *start);
    uint16_t *lens = malloc((total ? total : 1) * sizeof *lens);
    if (!start || !lens) {
        free(start);
        free(lens);
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory merging matches");
    }
    size_t i = 0, j = 0, k = 0;
    while (i < m->n || j < n) {
        if (j == n || (i < m->n && m->start[i] < s[j])) {
            start[k] = m->start[i];
            lens[k++] = m->len[i++];
        } else if (i == m->n || s[j] < m->start[i]) {
            start[k] = s[j++];
            lens[k++] = len;
        } else {
            start[k] = s[j++];
            lens[k++] = m->len[i] > len ? m->len[i] : len;
            i++;
        }
    }
    free(m->start);
    free(m->len);
    m->start = start;
    m->len = lens;
    m->n = m->cap = k;
    return NQ_OK;
}

nq_status nq_expr_match(const nq_index *ix, const nq_expr *e, nq_matches *m, nq_error *err)
{
    memset(m, 0, sizeof *m);
    nq_status need = nq_index_need(ix, NQ_PART_POSITIONS, err);
    if (need)
        return need;
    for (size_t p = 0; p < e->n_ph; p++) {
        if (e->ph[p].dead)
            continue;
        uint32_t *s = NULL;
        size_t n = 0;
        nq_status st = match_phrase(ix, e, &e->ph[p], &s, &n, err);
        if (!st)
            st = merge_into(m, s, n, (uint16_t)e->ph[p].n, err);
        free(s);
        if (st) {
            nq_matches_free(m);
            return st;
        }
    }
    return NQ_OK;
}

/* Phrase counts and top-k lists over the lexicon and the n-gram trie. */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "expr.h"
#include "index.h"
#include "subcorpus.h"
#include "top_subcorpus.h"
#include "tokenize.h"

/* A phrase resolved to term ids; missing = a token absent from the lexicon. */
typedef struct phrase {
    uint32_t *ids;
    size_t n;
    int missing;                 /* a token absent from the lexicon, or an empty prefix range */
    int last_is_prefix;          /* the last query token ended in '*' */
    uint32_t prefix_lo, prefix_hi;
} phrase;

static nq_status resolve(const nq_index *ix, const char *text, size_t len, int allow_star, phrase *ph,
                         nq_error *err)
{
    memset(ph, 0, sizeof *ph);
    if (allow_star && len > 0 && text[len - 1] == '*') {
        ph->last_is_prefix = 1;
        len--;
    }
    nq_tokenizer *t = nq_tokenizer_new();
    if (!t)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    nq_tokens tk;
    nq_status st = nq_tokenize_text(t, text, len, &tk);
    if (!st && (ph->ids = malloc((tk.n ? tk.n : 1) * sizeof *ph->ids)) == NULL)
        st = nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    else if (st)
        st = nq_fail(err, st, "cannot tokenize the query");
    for (size_t i = 0; !st && i < tk.n; i++) {
        const char *s = tk.norm + tk.tok[i].norm_off;
        size_t sl = tk.tok[i].norm_len;
        if (ph->last_is_prefix && i + 1 == tk.n) {
            nq_lexicon_prefix_range(&ix->lex, s, sl, &ph->prefix_lo, &ph->prefix_hi);
            ph->ids[i] = NQ_ID_NONE;
            ph->missing |= ph->prefix_lo == ph->prefix_hi;
        } else {
            ph->ids[i] = nq_lexicon_find(&ix->lex, s, sl);
            ph->missing |= ph->ids[i] == NQ_ID_NONE;
        }
    }
    ph->n = st ? 0 : tk.n;
    nq_tokenizer_free(t);
    return st;
}

/* Rank of the stored n-gram ids[0..n) at level n, or UINT64_MAX. */
static uint64_t find_ngram(const nq_index *ix, const uint32_t *ids, size_t n)
{
    uint64_t node = ids[0];
    for (size_t k = 2; k <= n && node != UINT64_MAX; k++)
        node = nq_ngram_child(&ix->ngram[k], node, ids[k - 1]);
    return node;
}

static void count_stored(const nq_index *ix, const phrase *ph, nq_count_result *r)
{
    uint32_t min_count = (uint32_t)ix->meta[NQ_META_MIN_COUNT];
    if (ph->n == 1) {
        r->exact = 1;
        r->count = nq_packed_get(&ix->lex.cf, ph->ids[0]);
        r->documents = (int64_t)nq_packed_get(&ix->lex.df, ph->ids[0]);
        return;
    }
    uint64_t node = find_ngram(ix, ph->ids, ph->n);
    if (node != UINT64_MAX) {
        r->exact = 1;
        r->count = nq_ngram_count(&ix->ngram[ph->n], node);
        r->documents = (int64_t)nq_ngram_df(&ix->ngram[ph->n], node);
    } else if (min_count <= 1) {
        r->exact = 1; /* every n-gram seen was stored: this one was never seen */
    } else {
        r->below = min_count;
        r->upper_bound = min_count - 1;
    }
}

/* Longer than the stored orders: every window of max_n tokens bounds it. */
static void bound_long(const nq_index *ix, const phrase *ph, nq_count_result *r)
{
    size_t m = (size_t)ix->max_n;
    uint64_t bound = UINT64_MAX;
    uint32_t min_count = (uint32_t)ix->meta[NQ_META_MIN_COUNT];
    for (size_t i = 0; i + m <= ph->n; i++) {
        uint64_t c;
        if (m == 1) {
            c = nq_packed_get(&ix->lex.cf, ph->ids[i]);
        } else {
            uint64_t node = find_ngram(ix, ph->ids + i, m);
            c = node == UINT64_MAX ? (min_count ? min_count - 1 : 0) : nq_ngram_count(&ix->ngram[m], node);
        }
        if (c < bound)
            bound = c;
    }
    r->upper_bound = bound;
    if (bound == 0)
        r->exact = 1; /* a window that never occurs: the phrase never does */
}

/* An index without positions answers single phrases of exact tokens from
 * its n-gram tables, exactly when they hold the answer. */
static nq_status count_without_positions(const nq_index *ix, const nq_expr *e, nq_count_result *r, nq_error *err)
{
    uint32_t ids[NQ_EXPR_MAX_TOKENS];
    size_t n = nq_expr_simple(e, ids, NQ_EXPR_MAX_TOKENS);
    if (n == 0 && !(e->n_ph == 1 && e->ph[0].dead))
        return nq_fail(err, NQ_ERR_ARG, "this index has no positional postings (built with --no-positions): "
                                        "it counts single phrases without '*' only");
    phrase ph = {ids, n, n == 0, 0, 0, 0};
    if (ph.missing) {
        r->exact = 1;
    } else if (ph.n <= (size_t)ix->max_n) {
        count_stored(ix, &ph, r);
    } else {
        bound_long(ix, &ph, r);
    }
    if (r->exact && r->count == 0)
        r->documents = 0;
    return NQ_OK;
}

/* The n-gram tables hold the exact answer: a whole-corpus count of one
 * phrase of exact tokens that was stored (or a single term). */
static int count_from_tables(const nq_index *ix, const nq_expr *e, nq_count_result *r)
{
    uint32_t ids[NQ_MAX_ORDER];
    size_t n = nq_expr_simple(e, ids, (size_t)ix->max_n);
    if (n == 0)
        return 0;
    phrase ph = {ids, n, 0, 0, 0, 0};
    nq_count_result t = *r;
    count_stored(ix, &ph, &t);
    if (!t.exact)
        return 0;
    if (t.count == 0)
        t.documents = 0;
    *r = t;
    return 1;
}

nq_status nq_count(nq_index *ix, const char *text, size_t len, const nq_filter *filter, nq_count_result *r,
                   nq_error *err)
{
    memset(r, 0, sizeof *r);
    r->documents = -1;
    nq_expr e;
    nq_status st = nq_expr_parse(ix, text, len, &e, err);
    if (st)
        return st;
    for (size_t p = 0; p < e.n_ph; p++)
        r->n_tokens = e.ph[p].n > r->n_tokens ? e.ph[p].n : r->n_tokens;
    int filtered = nq_filter_active(filter);
    if (!filtered && e.n_ph == 1 && e.ph[0].n > 1 && ix->max_n > 1) /* a phrase the tables may hold */
        st = nq_index_need(ix, NQ_PART_NG_UPTO(e.ph[0].n < (size_t)ix->max_n ? (int)e.ph[0].n : ix->max_n), err);
    if (st) {
        /* reported below */
    } else if (!ix->has_positions) {
        st = filtered ? nq_fail(err, NQ_ERR_ARG, "this index has no positional postings (built with "
                                                 "--no-positions): it cannot filter by date or source")
                      : count_without_positions(ix, &e, r, err);
    } else if (filtered || !count_from_tables(ix, &e, r)) {
        nq_subcorpus sc;
        nq_matches m = {0};
        st = nq_subcorpus_init(ix, filter, &sc, err);
        if (!st)
            st = nq_expr_match(ix, &e, &m, err);
        if (!st) {
            nq_subcorpus_filter_matches(ix, &sc, &m);
            r->exact = 1;
            r->count = m.n;
            r->documents = (int64_t)nq_matches_documents(ix, &m);
        }
        nq_matches_free(&m);
        nq_subcorpus_free(&sc);
    }
    nq_expr_free(&e);
    return st;
}

/* ---- top-k ---- */

static uint64_t level_size(const nq_index *ix, int n)
{
    return n == 1 ? ix->lex.n_terms : ix->ngram[n].n;
}

static uint64_t level_df(const nq_index *ix, int n, uint64_t i)
{
    return n == 1 ? nq_packed_get(&ix->lex.df, i) : nq_ngram_df(&ix->ngram[n], i);
}

/* Entries of level m that match the prefix phrase, as a range [*lo, *hi). */
static void prefix_nodes(const nq_index *ix, const phrase *ph, uint64_t *lo, uint64_t *hi)
{
    size_t m = ph->n;
    int star = ph->last_is_prefix;
    if (m == 1) {
        *lo = star ? ph->prefix_lo : ph->ids[0];
        *hi = star ? ph->prefix_hi : (uint64_t)ph->ids[0] + 1;
        return;
    }
    uint64_t node = find_ngram(ix, ph->ids, star ? m - 1 : m);
    *lo = *hi = 0;
    if (node == UINT64_MAX)
        return;
    if (!star) {
        *lo = node;
        *hi = node + 1;
        return;
    }
    const nq_ngram_view *v = &ix->ngram[m];
    uint64_t a = nq_ngram_offset(v, node), b = nq_ngram_offset(v, node + 1);
    *lo = nq_packed_lower_bound(&v->word, a, b, ph->prefix_lo);
    *hi = nq_packed_lower_bound(&v->word, *lo, b, ph->prefix_hi);
}

typedef struct top_item {
    uint64_t count, index;
} top_item;

/* Heap order: the root is the weakest item (lowest count, then highest
 * index, since a lower index means smaller bytes and wins ties). */
static int weaker(const top_item *a, const top_item *b)
{
    return a->count != b->count ? a->count < b->count : a->index > b->index;
}

static void sift_down(top_item *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i;
        if (l < n && weaker(&h[l], &h[w]))
            w = l;
        if (r < n && weaker(&h[r], &h[w]))
            w = r;
        if (w == i)
            return;
        top_item t = h[i];
        h[i] = h[w];
        h[w] = t;
        i = w;
    }
}

static int stronger_first(const void *a, const void *b)
{
    const top_item *x = a, *y = b;
    return weaker(x, y) ? 1 : weaker(y, x) ? -1 : 0;
}

/* Offers (count, i) to the heap of the k strongest seen so far. */
static inline void offer(top_item *heap, size_t *size, size_t k, uint64_t count, uint64_t i)
{
    top_item it = {count, i};
    if (*size < k) {
        heap[(*size)++] = it;
        if (*size == k)
            for (size_t j = k / 2; j-- > 0;)
                sift_down(heap, *size, j);
    } else if (weaker(&heap[0], &it)) {
        heap[0] = it;
        sift_down(heap, *size, 0);
    }
}

/* Top-k over the count column of an n-gram level, in rank order: a later
 * entry enters the full heap only with a count above its weakest, so a
 * block of 64 whose largest count is not above it is skipped unread. On
 * OrangeSum's 2-grams that leaves a few hundred of 11,000 blocks to read. */
static void select_top_column(const nq_count_column *cc, uint64_t lo, uint64_t hi, size_t k, top_item *heap,
                              size_t *size)
{
    for (uint64_t b = lo / NQ_COUNT_BLOCK; b * NQ_COUNT_BLOCK < hi; b++) {
        if (*size == k && nq_count_column_block_max(cc, b) <= heap[0].count)
            continue;
        uint64_t from = b * NQ_COUNT_BLOCK > lo ? b * NQ_COUNT_BLOCK : lo;
        uint64_t to = (b + 1) * NQ_COUNT_BLOCK < hi ? (b + 1) * NQ_COUNT_BLOCK : hi;
        nq_count_cursor cur;
        nq_count_cursor_init(&cur, cc, from);
        for (uint64_t i = from; i < to; i++) {
            uint64_t count = nq_count_cursor_next(&cur);
            if (*size < k || count > heap[0].count)
                offer(heap, size, k, count, i);
        }
    }
}

static size_t select_top(const nq_index *ix, int n, uint64_t lo, uint64_t hi, size_t k, top_item *heap)
{
    size_t size = 0;
    if (n >= 2 && k > 0)
        select_top_column(&ix->ngram[n].count, lo, hi, k, heap, &size);
    else
        for (uint64_t i = lo; i < hi && k > 0; i++)
            offer(heap, &size, k, nq_packed_get(&ix->lex.cf, i), i);
    qsort(heap, size, sizeof *heap, stronger_first);
    return size;
}

/* Spells entry i of level n: its terms joined by one space. */
static char *spell(const nq_index *ix, int n, uint64_t i)
{
    uint32_t ids[NQ_MAX_ORDER];
    for (int k = n; k >= 2; k--) {
        ids[k - 1] = (uint32_t)nq_packed_get(&ix->ngram[k].word, i);
        i = nq_ngram_parent(&ix->ngram[k], i);
    }
    ids[0] = (uint32_t)i;
    size_t total = 0;
    char probe[1];
    for (int k = 0; k < n; k++)
        total += nq_lexicon_term(&ix->lex, ids[k], probe, sizeof probe) + 1;
    char *s = malloc(total + 1);
    if (!s)
        return NULL;
    size_t pos = 0;
    for (int k = 0; k < n; k++) {
        if (k)
            s[pos++] = ' ';
        pos += nq_lexicon_term(&ix->lex, ids[k], s + pos, total + 1 - pos);
    }
    s[pos] = 0;
    return s;
}

/* The prefix of a top-k query, at most n tokens (ph->n == 0 without one). */
static nq_status resolve_prefix(const nq_index *ix, const char *prefix, int n, phrase *ph, nq_error *err)
{
    memset(ph, 0, sizeof *ph);
    if (!prefix || !*prefix)
        return NQ_OK;
    nq_status st = resolve(ix, prefix, strlen(prefix), 1, ph, err);
    if (!st && ph->n > (size_t)n) {
        free(ph->ids);
        ph->ids = NULL;
        st = nq_fail(err, NQ_ERR_ARG, "the prefix has %zu tokens, more than n = %d", ph->n, n);
    }
    return st;
}

/* A filtered top-k: the prefix as id ranges, then a recount of the sub-corpus. */
static nq_status top_filtered(nq_index *ix, int n, size_t k, const char *prefix, const nq_filter *filter,
                              nq_top_result *res, nq_error *err)
{
    if (n < 1 || n > NQ_MAX_ORDER)
        return nq_fail(err, NQ_ERR_ARG, "n-grams of order 1 to %d, not %d", NQ_MAX_ORDER, n);
    if (!ix->has_positions)
        return nq_fail(err, NQ_ERR_ARG, "this index has no positional postings (built with --no-positions): "
                                        "it cannot count a sub-corpus");
    nq_top_prefix pf = {0};
    phrase ph;
    nq_status st = resolve_prefix(ix, prefix, n, &ph, err);
    if (st)
        return st;
    pf.n = ph.n;
    for (size_t i = 0; i < ph.n; i++) {
        int star = ph.last_is_prefix && i + 1 == ph.n;
        pf.lo[i] = star ? ph.prefix_lo : ph.ids[i];
        pf.hi[i] = star ? ph.prefix_hi : ph.ids[i] + 1;
    }
    int missing = ph.missing;
    free(ph.ids);
    if (missing)
        return NQ_OK;
    nq_subcorpus sc;
    st = nq_subcorpus_init(ix, filter, &sc, err);
    if (!st)
        st = nq_top_subcorpus(ix, &sc, n, k, &pf, res, err);
    nq_subcorpus_free(&sc);
    return st;
}

nq_status nq_top(nq_index *ix, int n, size_t k, const char *prefix, const nq_filter *filter, nq_top_result *res,
                 nq_error *err)
{
    memset(res, 0, sizeof *res);
    if (nq_filter_active(filter))
        return top_filtered(ix, n, k, prefix, filter, res, err);
    if (n < 1 || n > ix->max_n)
        return nq_fail(err, NQ_ERR_ARG, "this index stores n-grams of order 1 to %d, not %d", ix->max_n, n);
    nq_status need = n > 1 ? nq_index_need(ix, NQ_PART_NG_UPTO(n), err) : NQ_OK;
    if (need)
        return need;
    uint64_t lo = 0, hi = level_size(ix, n);
    int level = 0;
    if (prefix && *prefix) {
        phrase ph;
        nq_status st = resolve_prefix(ix, prefix, n, &ph, err);
        if (st)
            return st;
        lo = hi = 0;
        if (ph.n > 0 && !ph.missing)
            prefix_nodes(ix, &ph, &lo, &hi);
        level = (int)ph.n;
        free(ph.ids);
        for (int m = level + 1; level > 0 && m <= n && lo < hi; m++) {
            lo = nq_ngram_offset(&ix->ngram[m], lo);
            hi = nq_ngram_offset(&ix->ngram[m], hi);
        }
    }
    if (k == 0 || lo >= hi)
        return NQ_OK;
    size_t cap = hi - lo < k ? (size_t)(hi - lo) : k;
    top_item *heap = malloc(cap * sizeof *heap);
    res->rows = calloc(cap, sizeof *res->rows);
    if (!heap || !res->rows) {
        free(heap);
        free(res->rows);
        res->rows = NULL;
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
    }
    size_t got = select_top(ix, n, lo, hi, cap, heap);
    for (size_t i = 0; i < got; i++) {
        nq_top_row *row = &res->rows[res->n_rows];
        row->ngram = spell(ix, n, heap[i].index);
        if (!row->ngram) {
            free(heap);
            nq_top_result_free(res);
            return nq_fail(err, NQ_ERR_NOMEM, "out of memory");
        }
        row->count = heap[i].count;
        row->documents = level_df(ix, n, heap[i].index);
        res->n_rows++;
    }
    free(heap);
    return NQ_OK;
}

void nq_top_result_free(nq_top_result *res)
{
    for (size_t i = 0; i < res->n_rows; i++)
        free(res->rows[i].ngram);
    free(res->rows);
    memset(res, 0, sizeof *res);
}

#include "measures.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

/* Name and scope of each measure, in enum order (ASSOCIATION.md's table). */
static const struct {
    const char *name;
    int all_scopes; /* 0: set scopes only (needs the 2x2 table) */
} measure_info[NQ_M_COUNT] = {
    [NQ_M_FREQ] = {"freq", 1},       [NQ_M_PMI] = {"pmi", 1},
    [NQ_M_NPMI] = {"npmi", 0},       [NQ_M_MI3] = {"mi3", 1},
    [NQ_M_LLR] = {"llr", 0},         [NQ_M_SIMPLE_LL] = {"simple_ll", 1},
    [NQ_M_CHI2] = {"chi2", 0},       [NQ_M_TSCORE] = {"tscore", 1},
    [NQ_M_ZSCORE] = {"zscore", 1},   [NQ_M_DICE] = {"dice", 1},
    [NQ_M_LOGDICE] = {"logdice", 1}, [NQ_M_JACCARD] = {"jaccard", 0},
};

/* The counts as long doubles, converted once. Set scope also has the table's
 * cells (o[] = O11, O12, O21, O22) and margins; window scope leaves them 0. */
typedef struct assoc {
    long double o11, fa, fb, n;
    long double scale;   /* 1 for a set scope, 2k for window:k */
    long double e11;     /* meaningful only when has_e11 */
    int has_e11;         /* N > 0 */
    int is_window;
    long double o[4], r[2], c[2];
} assoc;

const char *nq_measure_name(nq_measure m)
{
    if ((int)m < 0 || m >= NQ_M_COUNT)
        return NULL;
    return measure_info[m].name;
}

int nq_measure_parse(const char *name, nq_measure *m)
{
    if (!name || !m)
        return -1;
    for (int i = 0; i < NQ_M_COUNT; i++) {
        if (strcmp(name, measure_info[i].name) == 0) {
            *m = (nq_measure)i;
            return 0;
        }
    }
    return -1;
}

static int scope_ok(nq_measure m, int is_window)
{
    if ((int)m < 0 || m >= NQ_M_COUNT)
        return 0;
    return !is_window || measure_info[m].all_scopes;
}

int nq_measure_for_scope(nq_measure m, int window)
{
    if (window < 0)
        return 0;
    return scope_ok(m, window > 0);
}

/* Every cell >= 0; written so that no uint64_t sum can wrap. */
static int set_valid(const nq_assoc_counts *c)
{
    if (c->o11 > c->f_a || c->o11 > c->f_b || c->f_b > c->n)
        return 0;
    return c->f_a - c->o11 <= c->n - c->f_b;   /* O12 <= C2, i.e. O22 >= 0 */
}

/* An occurrence has at most 2k neighbours, so O11 <= 2k * min(f_a, f_b);
 * tested as ceil(O11 / 2k) <= min to stay within 64 bits. */
static int window_valid(const nq_assoc_counts *c)
{
    if (c->f_a > c->n || c->f_b > c->n)
        return 0;
    uint64_t twok = 2 * (uint64_t)c->window;
    uint64_t min = c->f_a < c->f_b ? c->f_a : c->f_b;
    uint64_t need = c->o11 / twok + (c->o11 % twok != 0);
    return need <= min;
}

int nq_assoc_valid(const nq_assoc_counts *c)
{
    return c->window ? window_valid(c) : set_valid(c);
}

/* The cells in long double: the uint64_t differences cannot wrap once the
 * counts are valid, and each is exact (< 2^64). */
static void load_table(const nq_assoc_counts *c, assoc *a)
{
    uint64_t o12 = c->f_a - c->o11, o21 = c->f_b - c->o11;
    a->o[0] = a->o11;
    a->o[1] = (long double)o12;
    a->o[2] = (long double)o21;
    a->o[3] = (long double)(c->n - c->f_b - o12);
    a->r[0] = a->fa;
    a->r[1] = (long double)(c->n - c->f_a);
    a->c[0] = a->fb;
    a->c[1] = (long double)(c->n - c->f_b);
}

/* 0 for invalid counts; otherwise fills a (has_e11 = 0 when N = 0). */
static int load(const nq_assoc_counts *c, assoc *a)
{
    if (!nq_assoc_valid(c))
        return 0;
    memset(a, 0, sizeof *a);
    a->o11 = (long double)c->o11;
    a->fa = (long double)c->f_a;
    a->fb = (long double)c->f_b;
    a->n = (long double)c->n;
    a->is_window = c->window > 0;
    a->scale = a->is_window ? 2.0L * (long double)c->window : 1.0L;
    a->has_e11 = c->n > 0;
    if (a->has_e11)
        a->e11 = a->fa * a->fb * a->scale / a->n;
    if (!a->is_window)
        load_table(c, a);
    return 1;
}

double nq_assoc_expected(const nq_assoc_counts *c, int *defined)
{
    assoc a;
    int ok = load(c, &a) && a.has_e11;
    if (defined)
        *defined = ok;
    return ok ? (double)a.e11 : 0.0;
}

/* ln(O / E) with E = rc / N, as log1p((O N - rc) / rc): when O N and rc
 * are below 2^64 both are exact in x86 long double, so the difference is
 * too, and a ratio near 1 (a pair near independence, where G2 and simple_ll
 * are differences of nearly equal terms) keeps all its digits. O, rc > 0. */
static long double ln_ratio(long double o, long double n, long double rc)
{
    return log1pl((o * n - rc) / rc);
}

/* O11 - E11 as (O11 N - f_a f_b scale) / N, for the same reason; its sign
 * is exact whenever the products are. */
static long double excess(const assoc *a)
{
    return (a->o11 * a->n - a->fa * a->fb * a->scale) / a->n;
}

/* ln(O11 / E11); callers check O11 > 0 and E11 > 0. */
static long double ln_o11_e11(const assoc *a)
{
    return ln_ratio(a->o11, a->n, a->fa * a->fb * a->scale);
}

/* pmi = log2(O11 / E11): log of zero when O11 = 0, division by zero when
 * E11 = 0 (N = 0, or f_a or f_b = 0). */
static int m_pmi(const assoc *a, long double *v)
{
    if (a->o11 == 0 || !a->has_e11 || a->e11 == 0)
        return 0;
    *v = ln_o11_e11(a) / logl(2.0L);
    return 1;
}

/* npmi = pmi / -log2(O11 / N), 1 when O11 = N (the denominator is then 0).
 * -log2(O11 / N) is taken as log1p((N - O11) / O11), N - O11 being exact:
 * when O11 is close to N a rounded N / O11 would lose the digits that
 * matter. Valid tables give [-1, 1]; the clamp only removes an ulp of
 * rounding, as when O11 = f_a = f_b < N makes the two logs equal. */
static int m_npmi(const assoc *a, long double *v)
{
    long double pmi;
    if (!m_pmi(a, &pmi))
        return 0;
    if (a->o11 == a->n) {
        *v = 1.0L;
        return 1;
    }
    long double r = pmi / (log1pl((a->n - a->o11) / a->o11) / logl(2.0L));
    *v = r > 1.0L ? 1.0L : r < -1.0L ? -1.0L : r;
    return 1;
}

/* mi3 = log2(O11^3 / E11) = pmi + 2 log2(O11): O11^3 (up to 1e30) is never formed. */
static int m_mi3(const assoc *a, long double *v)
{
    long double pmi;
    if (!m_pmi(a, &pmi))
        return 0;
    *v = pmi + 2.0L * log2l(a->o11);
    return 1;
}

/* G2 = 2 sum O_ij ln(O_ij / E_ij); a cell with O_ij = 0 adds 0 (0 ln 0 = 0,
 * even where E_ij = 0 too, as in R2 = 0). O_ij > 0 implies R_i, C_j > 0 so
 * E_ij > 0. N = 0: E_ij = R_i C_j / 0, undefined. G2 >= 0 (Gibbs), so a
 * negative sum is rounding and is clamped to 0. */
static int m_llr(const assoc *a, long double *v)
{
    if (!a->has_e11)
        return 0;
    long double sum = 0;
    for (int i = 0; i < 4; i++) {
        long double o = a->o[i], rc = a->r[i / 2] * a->c[i % 2];
        if (o == 0)
            continue;
        if (rc == 0)
            return 0;   /* unreachable for valid counts */
        sum += o * ln_ratio(o, a->n, rc);
    }
    *v = sum > 0 ? 2.0L * sum : 0.0L;
    return 1;
}

/* simple_ll = 2 (O11 ln(O11/E11) - (O11 - E11)), negated when O11 < E11.
 * O11 = 0: 0 ln 0 = 0, so the value is -2 E11. E11 = 0 (N = 0, f_a or
 * f_b = 0): O11 / E11 divides by zero, undefined -- even though then
 * O11 = 0 too and the limit would be 0, the contract's rule is the formula.
 * The unsigned part is >= 0 (x ln x - x + 1 >= 0); below 0 is rounding. */
static int m_simple_ll(const assoc *a, long double *v)
{
    if (!a->has_e11 || a->e11 == 0)
        return 0;
    long double d = excess(a);
    long double t = a->o11 > 0 ? a->o11 * ln_o11_e11(a) : 0.0L;
    long double g = 2.0L * (t - d);
    if (g < 0)
        g = 0;
    *v = d < 0 ? -g : g;
    return 1;
}

/* chi2 = N (O11 O22 - O12 O21)^2 / (R1 R2 C1 C2): undefined when a margin
 * is 0 (f_a or f_b = 0 or N), including N = 0. The products of cells stay
 * below 2^64 for N <= ~1e10 and are then exact in x86 long double. */
static int m_chi2(const assoc *a, long double *v)
{
    long double den = a->r[0] * a->r[1] * a->c[0] * a->c[1];
    if (!a->has_e11 || den == 0)
        return 0;
    long double det = a->o[0] * a->o[3] - a->o[1] * a->o[2];
    *v = a->n * det * det / den;
    return 1;
}

/* tscore = (O11 - E11) / sqrt(O11): sqrt(0) in the denominator when O11 = 0. */
static int m_tscore(const assoc *a, long double *v)
{
    if (!a->has_e11 || a->o11 == 0)
        return 0;
    *v = excess(a) / sqrtl(a->o11);
    return 1;
}

/* zscore = (O11 - E11) / sqrt(E11): undefined when E11 = 0. */
static int m_zscore(const assoc *a, long double *v)
{
    if (!a->has_e11 || a->e11 == 0)
        return 0;
    *v = excess(a) / sqrtl(a->e11);
    return 1;
}

/* dice = 2 O11 / (f_a + f_b): undefined when f_a = f_b = 0. It needs no N,
 * but valid counts with N = 0 have f_a = f_b = 0 anyway. At window scope
 * it can exceed 1 (O11 counts up to 2k pairs per occurrence). */
static int m_dice(const assoc *a, long double *v)
{
    long double den = a->fa + a->fb;
    if (den == 0)
        return 0;
    *v = 2.0L * a->o11 / den;
    return 1;
}

/* logdice = 14 + log2(dice): log of zero when O11 = 0. */
static int m_logdice(const assoc *a, long double *v)
{
    long double dice;
    if (!m_dice(a, &dice) || a->o11 == 0)
        return 0;
    *v = 14.0L + log2l(dice);
    return 1;
}

/* jaccard = O11 / (f_a + f_b - O11) = O11 / (O11 + O12 + O21): undefined
 * when f_a = f_b = 0. Summed from the cells, which cannot overflow. */
static int m_jaccard(const assoc *a, long double *v)
{
    long double den = a->o[0] + a->o[1] + a->o[2];
    if (den == 0)
        return 0;
    *v = a->o11 / den;
    return 1;
}

static int compute(const assoc *a, nq_measure m, long double *v)
{
    switch (m) {
    case NQ_M_FREQ: *v = a->o11; return 1;
    case NQ_M_PMI: return m_pmi(a, v);
    case NQ_M_NPMI: return m_npmi(a, v);
    case NQ_M_MI3: return m_mi3(a, v);
    case NQ_M_LLR: return m_llr(a, v);
    case NQ_M_SIMPLE_LL: return m_simple_ll(a, v);
    case NQ_M_CHI2: return m_chi2(a, v);
    case NQ_M_TSCORE: return m_tscore(a, v);
    case NQ_M_ZSCORE: return m_zscore(a, v);
    case NQ_M_DICE: return m_dice(a, v);
    case NQ_M_LOGDICE: return m_logdice(a, v);
    case NQ_M_JACCARD: return m_jaccard(a, v);
    case NQ_M_COUNT: break;
    }
    return 0;
}

/* Rounds to double; a non-finite result is undefined, and -0 (a negated
 * zero simple_ll, a zero tscore) is printed as 0. */
static int finish(long double v, double *out)
{
    double d = (double)v;
    if (!isfinite(d))
        return 0;
    *out = d == 0 ? 0.0 : d;
    return 1;
}

int nq_measure_value(const nq_assoc_counts *c, nq_measure m, double *value)
{
    *value = 0.0;
    if (!scope_ok(m, c->window > 0))
        return 0;
    if (m == NQ_M_FREQ)
        return finish((long double)c->o11, value);   /* defined even for invalid counts */
    assoc a;
    long double v = 0;
    if (!load(c, &a) || !compute(&a, m, &v))
        return 0;
    return finish(v, value);
}

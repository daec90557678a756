/* Association measures (engine/measures.c) against ASSOCIATION.md: values
 * worked out by hand for typical and degenerate tables, every undefined
 * case, no NaN/inf over an exhaustive grid of small tables, and llr and chi2
 * recomputed through other formulas on random tables. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "measures.h"

/* One expected outcome per measure, in enum order. */
typedef struct want {
    int defined;
    double value;
} want;
#define D(x) {1, (x)}
#define U {0, 0.0}

static nq_assoc_counts set_counts(uint64_t o11, uint64_t fa, uint64_t fb, uint64_t n)
{
    return (nq_assoc_counts){.o11 = o11, .f_a = fa, .f_b = fb, .n = n, .window = 0};
}

static nq_assoc_counts win_counts(uint64_t o11, uint64_t fa, uint64_t fb, uint64_t n, uint32_t k)
{
    return (nq_assoc_counts){.o11 = o11, .f_a = fa, .f_b = fb, .n = n, .window = k};
}

static int close_to(double got, double want_v, double rel, double abs_tol)
{
    return fabs(got - want_v) <= rel * fabs(want_v) + abs_tol;
}

/* Checks one measure: defined or not, and to rel 1e-9 (abs 1e-12 when 0 is expected). */
static void check_one(const nq_assoc_counts *c, nq_measure m, want w)
{
    double v = 12345.0;
    int ok = nq_measure_value(c, m, &v);
    if (ok != w.defined || (ok && !close_to(v, w.value, 1e-9, w.value == 0 ? 1e-12 : 0))) {
        print_error("%s (O11=%llu fa=%llu fb=%llu N=%llu k=%u): got %d %.17g, want %d %.17g\n",
                    nq_measure_name(m), (unsigned long long)c->o11, (unsigned long long)c->f_a,
                    (unsigned long long)c->f_b, (unsigned long long)c->n, c->window, ok, v,
                    w.defined, w.value);
        fail();
    }
    if (!ok)
        assert_true(v == 0.0);
}

static void check_all(const nq_assoc_counts *c, const want w[NQ_M_COUNT])
{
    for (int m = 0; m < NQ_M_COUNT; m++)
        check_one(c, (nq_measure)m, w[m]);
}

static void check_e11(const nq_assoc_counts *c, int defined, double e11)
{
    int d = -1;
    double e = nq_assoc_expected(c, &d);
    assert_int_equal(d, defined);
    if (defined)
        assert_true(close_to(e, e11, 1e-12, 0));
    else
        assert_true(e == 0.0);
}

static void test_names(void **state)
{
    (void)state;
    static const char *const names[NQ_M_COUNT] = {"freq", "pmi", "npmi", "mi3", "llr",
                                                  "simple_ll", "chi2", "tscore", "zscore",
                                                  "dice", "logdice", "jaccard"};
    for (int i = 0; i < NQ_M_COUNT; i++) {
        nq_measure m = NQ_M_COUNT;
        assert_string_equal(nq_measure_name((nq_measure)i), names[i]);
        assert_int_equal(nq_measure_parse(names[i], &m), 0);
        assert_int_equal(m, i);
    }
    assert_null(nq_measure_name(NQ_M_COUNT));
    const char *bad[] = {"", "PMI", "pmi ", " pmi", "log_dice", "simple-ll", "g2", "t", "freqs"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        nq_measure m = NQ_M_PMI;
        assert_int_equal(nq_measure_parse(bad[i], &m), -1);
        assert_int_equal(m, NQ_M_PMI);
    }
    nq_measure m;
    assert_int_equal(nq_measure_parse(NULL, &m), -1);
    assert_int_equal(nq_measure_parse("pmi", NULL), -1);
}

static void test_for_scope(void **state)
{
    (void)state;
    /* The "scopes" column: npmi, llr, chi2, jaccard are set-only. */
    static const int all[NQ_M_COUNT] = {1, 1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 0};
    for (int i = 0; i < NQ_M_COUNT; i++) {
        assert_int_equal(nq_measure_for_scope((nq_measure)i, 0), 1);
        assert_int_equal(nq_measure_for_scope((nq_measure)i, 1), all[i]);
        assert_int_equal(nq_measure_for_scope((nq_measure)i, 50), all[i]);
        assert_int_equal(nq_measure_for_scope((nq_measure)i, -1), 0);
    }
    assert_int_equal(nq_measure_for_scope(NQ_M_COUNT, 0), 0);
    nq_assoc_counts c = set_counts(1, 1, 1, 2);
    double v = 1;
    assert_int_equal(nq_measure_value(&c, NQ_M_COUNT, &v), 0);
    assert_true(v == 0.0);
}

/*
 * Attraction: O11 = 20, f_a = 100, f_b = 50, N = 1000.
 * O12 = 80, O21 = 30, O22 = 1000 - 100 - 50 + 20 = 870; R2 = 900, C2 = 950.
 * E11 = 100*50/1000 = 5, E12 = 100*950/1000 = 95, E21 = 900*50/1000 = 45,
 * E22 = 900*950/1000 = 855.
 */
static void test_attraction(void **state)
{
    (void)state;
    nq_assoc_counts c = set_counts(20, 100, 50, 1000);
    static const want w[NQ_M_COUNT] = {
        D(20),                     /* freq */
        D(2.0),                    /* pmi = log2(20/5) = log2 4 */
        D(0.3543676402711158163),  /* npmi = 2 / -log2(20/1000) = 2 / log2 50 = 2 / 5.64385618977 */
        D(10.6438561897747247),    /* mi3 = log2(8000/5) = log2 1600 */
        /* llr = 2 (20 ln(20/5) + 80 ln(80/95) + 30 ln(30/45) + 870 ln(870/855))
         *     = 2 (27.7258872224 - 13.7478999186 - 12.1639532432 + 15.1306955237) */
        D(33.8894591686926685),
        D(25.45177444479562475),   /* simple_ll = 2 (20 ln 4 - 15) = 40 ln 4 - 30 */
        D(52.63157894736842105),   /* chi2 = 1000 (20*870 - 80*30)^2 / (100*900*50*950)
                                            = 1000 * 15000^2 / 4.275e9 = 1000/19 */
        D(3.354101966249684545),   /* tscore = (20 - 5) / sqrt 20 */
        D(6.708203932499369089),   /* zscore = 15 / sqrt 5 */
        D(0.2666666666666666667),  /* dice = 40 / 150 */
        D(12.09310940439148147),   /* logdice = 14 + log2(4/15) = 14 - 1.90689059561 */
        D(0.1538461538461538462),  /* jaccard = 20 / 130 */
    };
    check_all(&c, w);
    check_e11(&c, 1, 5.0);
    assert_int_equal(nq_assoc_valid(&c), 1);
}

/*
 * Repulsion: O11 = 5, f_a = 200, f_b = 100, N = 1000: E11 = 20 > O11.
 * O12 = 195, O21 = 95, O22 = 705; R2 = 800, C2 = 900.
 * E12 = 200*900/1000 = 180, E21 = 800*100/1000 = 80, E22 = 720.
 */
static void test_repulsion(void **state)
{
    (void)state;
    nq_assoc_counts c = set_counts(5, 200, 100, 1000);
    static const want w[NQ_M_COUNT] = {
        D(5),
        D(-2.0),                   /* pmi = log2(5/20) */
        D(-0.2616480412956255319), /* npmi = -2 / -log2(5/1000) = -2 / log2 200 = -2 / 7.64385618977 */
        D(2.643856189774724696),   /* mi3 = log2(125/20) = log2 6.25 */
        /* llr = 2 (5 ln(5/20) + 195 ln(195/180) + 95 ln(95/80) + 705 ln(705/720))
         *     = 2 (-6.93147180560 + 15.6084383209 + 16.3253302451 - 14.8426196461) */
        D(20.31995422860194956),
        D(-16.13705638880109381),  /* simple_ll = -2 (5 ln 0.25 - (5 - 20)) = -2 (15 - 6.9314718056) */
        D(15.625),                 /* chi2 = 1000 (5*705 - 195*95)^2 / (200*800*100*900)
                                            = 1000 * (-15000)^2 / 1.44e10 */
        D(-6.708203932499369089),  /* tscore = -15 / sqrt 5 */
        D(-3.354101966249684545),  /* zscore = -15 / sqrt 20 */
        D(0.03333333333333333333), /* dice = 10 / 300 */
        D(9.093109404391481471),   /* logdice = 14 + log2(1/30) = 14 - 4.90689059561 */
        D(0.01694915254237288136), /* jaccard = 5 / 295 = 1/59 */
    };
    check_all(&c, w);
    check_e11(&c, 1, 20.0);
}

/*
 * O11 = 0: f_a = 10, f_b = 20, N = 100; O12 = 10, O21 = 20, O22 = 70.
 * E11 = 2, E12 = 10*80/100 = 8, E21 = 90*20/100 = 18, E22 = 90*80/100 = 72.
 */
static void test_o11_zero(void **state)
{
    (void)state;
    nq_assoc_counts c = set_counts(0, 10, 20, 100);
    static const want w[NQ_M_COUNT] = {
        D(0),
        U,                         /* pmi: log2(0) */
        U,                         /* npmi: pmi undefined */
        U,                         /* mi3: log2(0) */
        /* llr = 2 (0 + 10 ln(10/8) + 20 ln(20/18) + 70 ln(70/72))
         *     = 2 (2.23143551314 + 2.10721031316 - 1.97180143751) */
        D(4.733368877259762096),
        D(-4.0),                   /* simple_ll = -2 (0 ln 0 - (0 - 2)) = -2 * 2 */
        D(2.777777777777777778),   /* chi2 = 100 (0*70 - 10*20)^2 / (10*90*20*80) = 4e6 / 1.44e6 = 25/9 */
        U,                         /* tscore: sqrt(0) in the denominator */
        D(-1.414213562373095049),  /* zscore = -2 / sqrt 2 */
        D(0.0),                    /* dice = 0 / 30 */
        U,                         /* logdice: log2(0) */
        D(0.0),                    /* jaccard = 0 / 30 */
    };
    check_all(&c, w);
}

/* O11 = N = f_a = f_b = 50: E11 = 50, every other cell 0, R2 = C2 = 0. */
static void test_o11_is_n(void **state)
{
    (void)state;
    nq_assoc_counts c = set_counts(50, 50, 50, 50);
    static const want w[NQ_M_COUNT] = {
        D(50),
        D(0.0),                    /* pmi = log2(50/50) */
        D(1.0),                    /* npmi: 0 / -log2(1) = 0/0, the contract says 1 */
        D(11.28771237954944939),   /* mi3 = log2(125000/50) = log2 2500 */
        D(0.0),                    /* llr = 2 (50 ln 1 + 0 + 0 + 0) */
        D(0.0),                    /* simple_ll = 2 (50 ln 1 - 0) */
        U,                         /* chi2: R2 = C2 = 0 in the denominator */
        D(0.0),                    /* tscore = 0 / sqrt 50 */
        D(0.0),                    /* zscore = 0 / sqrt 50 */
        D(1.0),                    /* dice = 100 / 100 */
        D(14.0),                   /* logdice = 14 + log2 1 */
        D(1.0),                    /* jaccard = 50 / 50 */
    };
    check_all(&c, w);
    check_e11(&c, 1, 50.0);
}

/* f_a = N = 100, f_b = O11 = 30: O12 = 70, O21 = O22 = 0, R2 = 0; E11 = 30, E12 = 70. */
static void test_fa_is_n(void **state)
{
    (void)state;
    nq_assoc_counts c = set_counts(30, 100, 30, 100);
    static const want w[NQ_M_COUNT] = {
        D(30),
        D(0.0),                    /* pmi = log2(30/30) */
        D(0.0),                    /* npmi = 0 / -log2(0.3) */
        D(9.813781191217037059),   /* mi3 = log2(27000/30) = log2 900 */
        D(0.0),                    /* llr = 2 (30 ln 1 + 70 ln(70/70) + 0 + 0) */
        D(0.0),                    /* simple_ll */
        U,                         /* chi2: R2 = 0 */
        D(0.0), D(0.0),            /* tscore, zscore: O11 - E11 = 0 */
        D(0.4615384615384615385),  /* dice = 60 / 130 */
        D(12.88452278258006402),   /* logdice = 14 + log2(6/13) */
        D(0.3),                    /* jaccard = 30 / 100 */
    };
    check_all(&c, w);
    /* Symmetric case f_b = N: chi2 undefined through C2 = 0, llr still 0. */
    nq_assoc_counts s = set_counts(30, 30, 100, 100);
    check_one(&s, NQ_M_CHI2, (want)U);
    check_one(&s, NQ_M_LLR, (want)D(0.0));
}

static void test_zero_cells(void **state)
{
    (void)state;
    /* O12 = 0: O11 = 10, f_a = 10, f_b = 40, N = 100; O21 = 30, O22 = 60.
     * E11 = 4, E12 = 10*60/100 = 6, E21 = 90*40/100 = 36, E22 = 90*60/100 = 54. */
    nq_assoc_counts c = set_counts(10, 10, 40, 100);
    static const want w12[NQ_M_COUNT] = {
        D(10),
        D(1.321928094887362348),   /* pmi = log2(10/4) */
        D(0.3979400086720376096),  /* npmi = log2 2.5 / log2 10 */
        D(7.965784284662087044),   /* mi3 = log2(1000/4) = log2 250 */
        /* llr = 2 (10 ln 2.5 + 0 + 30 ln(30/36) + 60 ln(60/54))
         *     = 2 (9.16290731874 - 5.46967793954 + 6.32163022100) */
        D(20.02978310878497988),
        D(6.325814637483101304),   /* simple_ll = 2 (10 ln 2.5 - 6) = 2 (9.16290731874 - 6) */
        D(16.66666666666666667),   /* chi2 = 100 (10*60 - 0*30)^2 / (10*90*40*60) = 3.6e7 / 2.16e6 */
        D(1.897366596101027599),   /* tscore = 6 / sqrt 10 */
        D(3.0),                    /* zscore = 6 / sqrt 4 */
        D(0.4),                    /* dice = 20 / 50 */
        D(12.67807190511263765),   /* logdice = 14 + log2 0.4 */
        D(0.25),                   /* jaccard = 10 / 40 */
    };
    check_all(&c, w12);

    /* O22 = 0: O11 = 10, f_a = 60, f_b = 50, N = 100; O12 = 50, O21 = 40.
     * E11 = 30, E12 = 60*50/100 = 30, E21 = 40*50/100 = 20, E22 = 20. */
    c = set_counts(10, 60, 50, 100);
    static const want w22[NQ_M_COUNT] = {
        D(10),
        D(-1.584962500721156181),  /* pmi = log2(10/30) */
        D(-0.4771212547196624373), /* npmi = -log2 3 / log2 10 */
        D(5.058893689053568514),   /* mi3 = log2(1000/30) */
        /* llr = 2 (10 ln(1/3) + 50 ln(50/30) + 40 ln(40/20) + 0)
         *     = 2 (-10.9861228867 + 25.5412811883 + 27.7258872224) */
        D(84.56209104803249925),
        D(-18.02775422663780617),  /* simple_ll = -2 (10 ln(1/3) + 20) = -2 (20 - 10.9861228867) */
        D(66.66666666666666667),   /* chi2 = 100 (0 - 50*40)^2 / (60*40*50*50) = 4e8 / 6e6 */
        D(-6.324555320336758664),  /* tscore = -20 / sqrt 10 */
        D(-3.651483716701107423),  /* zscore = -20 / sqrt 30 */
        D(0.1818181818181818182),  /* dice = 20 / 110 */
        D(11.54056838136270274),   /* logdice = 14 + log2(2/11) */
        D(0.1),                    /* jaccard = 10 / 100 */
    };
    check_all(&c, w22);
}

static void test_n_zero(void **state)
{
    (void)state;
    /* N = 0 forces every count to 0: E11 = 0/0, every measure but freq undefined. */
    static const want w[NQ_M_COUNT] = {D(0), U, U, U, U, U, U, U, U, U, U, U};
    nq_assoc_counts c = set_counts(0, 0, 0, 0);
    check_all(&c, w);
    check_e11(&c, 0, 0);
    c = win_counts(0, 0, 0, 0, 3);
    check_all(&c, w);
    check_e11(&c, 0, 0);
}

/*
 * window:5, O11 = 12, f_a = 50, f_b = 40, N = 10000:
 * E11 = 50*40*10/10000 = 2. No table: npmi, llr, chi2, jaccard undefined.
 */
static void test_window(void **state)
{
    (void)state;
    nq_assoc_counts c = win_counts(12, 50, 40, 10000, 5);
    static const want w[NQ_M_COUNT] = {
        D(12),
        D(2.584962500721156181),   /* pmi = log2(12/2) = log2 6 */
        U,                         /* npmi: set only */
        D(9.754887502163468544),   /* mi3 = log2(1728/2) = log2 864 */
        U,                         /* llr: set only */
        D(23.00222726147332002),   /* simple_ll = 2 (12 ln 6 - 10) = 2 (21.5011136307 - 10) */
        U,                         /* chi2: set only */
        D(2.886751345948128823),   /* tscore = 10 / sqrt 12 */
        D(7.071067811865475244),   /* zscore = 10 / sqrt 2 */
        D(0.2666666666666666667),  /* dice = 24 / 90 */
        D(12.09310940439148147),   /* logdice = 14 + log2(4/15) */
        U,                         /* jaccard: set only */
    };
    check_all(&c, w);
    check_e11(&c, 1, 2.0);

    /* Window O11 may exceed f_a and f_b (up to 2k each): O11 = 60, f_a = f_b = 10,
     * k = 5, N = 1000: E11 = 10*10*10/1000 = 1. */
    c = win_counts(60, 10, 10, 1000, 5);
    check_one(&c, NQ_M_PMI, (want)D(5.906890595608518529));        /* log2 60 */
    check_one(&c, NQ_M_MI3, (want)D(17.72067178682555559));        /* log2 216000 */
    check_one(&c, NQ_M_SIMPLE_LL, (want)D(373.3213474666520822));  /* 2 (60 ln 60 - 59) */
    check_one(&c, NQ_M_TSCORE, (want)D(7.616867247541253208));     /* 59 / sqrt 60 */
    check_one(&c, NQ_M_ZSCORE, (want)D(59.0));                     /* 59 / sqrt 1 */
    check_one(&c, NQ_M_DICE, (want)D(6.0));                        /* 120 / 20 */
    check_one(&c, NQ_M_LOGDICE, (want)D(16.58496250072115618));    /* 14 + log2 6 */
    assert_int_equal(nq_assoc_valid(&c), 1);
    c.o11 = 100;   /* = 2k * 10, the most possible */
    assert_int_equal(nq_assoc_valid(&c), 1);

    /* window:1 repulsion: O11 = 3, f_a = 4, f_b = 5, N = 12: E11 = 4*5*2/12 = 10/3. */
    c = win_counts(3, 4, 5, 12, 1);
    check_one(&c, NQ_M_PMI, (want)D(-0.152003093445049985));       /* log2(0.9) */
    check_one(&c, NQ_M_SIMPLE_LL, (want)D(-0.0345035727197088593));/* -2 (3 ln 0.9 + 1/3) */
    check_one(&c, NQ_M_ZSCORE, (want)D(-0.1825741858350553712));   /* (-1/3) / sqrt(10/3) */
    check_e11(&c, 1, 10.0 / 3.0);
}

/* Counts no corpus can produce: every measure but freq undefined. */
static void test_invalid_counts(void **state)
{
    (void)state;
    const nq_assoc_counts bad[] = {
        set_counts(11, 10, 20, 100),           /* O12 < 0 */
        set_counts(21, 30, 20, 100),           /* O21 < 0 */
        set_counts(5, 60, 50, 100),            /* O22 = 100 - 110 + 5 < 0 */
        set_counts(0, 101, 0, 100),            /* R2 < 0 */
        set_counts(0, 0, 101, 100),            /* C2 < 0 */
        set_counts(1, UINT64_MAX, UINT64_MAX, UINT64_MAX), /* f_a + f_b would wrap */
        set_counts(UINT64_MAX, UINT64_MAX, UINT64_MAX, 5),
        win_counts(101, 10, 10, 1000, 5),      /* > 2k * min(f_a, f_b) */
        win_counts(1, 0, 10, 1000, 5),         /* a pair needs an occurrence of A */
        win_counts(0, 11, 10, 10, 5),          /* f_a > N */
        win_counts(0, 10, 11, 10, 5),          /* f_b > N */
        win_counts(UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX - 1, UINT32_MAX),
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(nq_assoc_valid(&bad[i]), 0);
        want w[NQ_M_COUNT] = {D((double)bad[i].o11), U, U, U, U, U, U, U, U, U, U, U};
        check_all(&bad[i], w);
        check_e11(&bad[i], 0, 0);
    }
    /* The boundary itself is valid: O22 = 0 exactly. */
    nq_assoc_counts edge = set_counts(10, 60, 50, 100);
    assert_int_equal(nq_assoc_valid(&edge), 1);
    /* Extreme but valid window counts: k = 2^32 - 1 does not overflow 2k. */
    edge = win_counts(UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT32_MAX);
    assert_int_equal(nq_assoc_valid(&edge), 1);
    for (int m = 0; m < NQ_M_COUNT; m++) {
        double v;
        if (nq_measure_value(&edge, (nq_measure)m, &v))
            assert_true(isfinite(v));
    }
}

/* Each measure's undefined cases, one table each, beside a defined neighbour. */
static void test_undefined_cases(void **state)
{
    (void)state;
    nq_assoc_counts o0 = set_counts(0, 10, 20, 100);     /* O11 = 0, E11 = 2 */
    nq_assoc_counts fa0 = set_counts(0, 0, 20, 100);     /* f_a = 0: E11 = 0, R1 = 0 */
    nq_assoc_counts fb0 = set_counts(0, 20, 0, 100);     /* f_b = 0: E11 = 0, C1 = 0 */
    nq_assoc_counts both0 = set_counts(0, 0, 0, 100);    /* f_a = f_b = 0 */
    nq_assoc_counts fan = set_counts(20, 100, 20, 100);  /* R2 = 0 */
    nq_assoc_counts fbn = set_counts(20, 20, 100, 100);  /* C2 = 0 */
    nq_assoc_counts w0 = win_counts(0, 10, 20, 100, 2);  /* window, O11 = 0, E11 = 8 */
    nq_assoc_counts wfb0 = win_counts(0, 10, 0, 100, 2); /* window, E11 = 0 */
    nq_assoc_counts win = win_counts(4, 10, 20, 100, 2); /* window, all-scope measures defined */

    for (int m = 0; m < NQ_M_COUNT; m++) {
        nq_measure mm = (nq_measure)m;
        double v;
        /* Log of zero (O11 = 0): pmi, npmi, mi3, logdice; sqrt(O11) = 0: tscore. */
        int log0 = mm == NQ_M_PMI || mm == NQ_M_NPMI || mm == NQ_M_MI3 || mm == NQ_M_LOGDICE ||
                   mm == NQ_M_TSCORE;
        assert_int_equal(nq_measure_value(&o0, mm, &v), !log0);
        /* E11 = 0 divides: pmi, npmi, mi3, simple_ll, zscore (and O11 = 0: tscore, logdice);
         * R1 or C1 = 0: chi2. f_a + f_b > 0 keeps dice, jaccard; llr is 0. */
        int e0 = log0 || mm == NQ_M_SIMPLE_LL || mm == NQ_M_ZSCORE || mm == NQ_M_CHI2;
        assert_int_equal(nq_measure_value(&fa0, mm, &v), !e0);
        assert_int_equal(nq_measure_value(&fb0, mm, &v), !e0);
        /* f_a + f_b = 0 also divides dice and jaccard. */
        int z = e0 || mm == NQ_M_DICE || mm == NQ_M_JACCARD;
        assert_int_equal(nq_measure_value(&both0, mm, &v), !z);
        /* R2 = 0 or C2 = 0: only chi2. */
        assert_int_equal(nq_measure_value(&fan, mm, &v), mm != NQ_M_CHI2);
        assert_int_equal(nq_measure_value(&fbn, mm, &v), mm != NQ_M_CHI2);
        /* Windows: the set-only measures never, the others as for sets. */
        int all = nq_measure_for_scope(mm, 1);
        assert_int_equal(nq_measure_value(&win, mm, &v), all);
        assert_int_equal(nq_measure_value(&w0, mm, &v), all && !log0);
        int we0 = log0 || mm == NQ_M_SIMPLE_LL || mm == NQ_M_ZSCORE;
        assert_int_equal(nq_measure_value(&wfb0, mm, &v), all && !we0);
    }
    /* The defined values of those tables. */
    check_one(&fa0, NQ_M_LLR, (want)D(0.0));      /* cells 0, 0, 20, 80 = their E */
    check_one(&fa0, NQ_M_DICE, (want)D(0.0));
    check_one(&fa0, NQ_M_JACCARD, (want)D(0.0));
    check_one(&both0, NQ_M_LLR, (want)D(0.0));    /* O22 = E22 = 100 */
    check_one(&w0, NQ_M_SIMPLE_LL, (want)D(-16.0)); /* -2 E11, E11 = 10*20*4/100 = 8 */
    check_one(&w0, NQ_M_ZSCORE, (want)D(-2.8284271247461900976)); /* -8 / sqrt 8 */
}

static void test_huge_counts(void **state)
{
    (void)state;
    /* O11 = f_a = f_b = 4e9, N = 1e10: O11 * O22 = 4e9 * 6e9 = 2.4e19 > 2^64.
     * E11 = 1.6e9, O12 = O21 = 0, E22 = 6e9 * 6e9 / 1e10 = 3.6e9. */
    nq_assoc_counts c = set_counts(4000000000u, 4000000000u, 4000000000u, 10000000000u);
    static const want w[NQ_M_COUNT] = {
        D(4e9),
        D(1.321928094887362348),   /* pmi = log2(4e9 / 1.6e9) = log2 2.5 */
        D(1.0),                    /* npmi = log2 2.5 / log2 2.5: O11 = f_a = f_b */
        D(65.11663380285988461),   /* mi3 = log2(6.4e28 / 1.6e9) = log2 4e19 */
        /* llr = 2 (4e9 ln 2.5 + 6e9 ln(6e9 / 3.6e9)) = 2 (3.66516292750e9 + 3.06495383371e9) */
        D(13460233340.18512872),
        D(2530325854.993240521),   /* simple_ll = 2 (4e9 ln 2.5 - 2.4e9) */
        D(1e10),                   /* chi2 = 1e10 (2.4e19)^2 / (4e9 * 6e9)^2 = N */
        D(37947.33192202055198),   /* tscore = 2.4e9 / sqrt 4e9 */
        D(60000.0),                /* zscore = 2.4e9 / sqrt 1.6e9 = 2.4e9 / 4e4 */
        D(1.0), D(14.0), D(1.0),   /* dice, logdice, jaccard */
    };
    check_all(&c, w);
    check_e11(&c, 1, 1.6e9);

    /* npmi = 1 for O11 = f_a = f_b < N (pmi = log2(N/O11) = -log2(O11/N)), even
     * when O11 is close to N, where the two logs are tiny and rounding could
     * leave npmi an ulp above 1. */
    const uint64_t perfect[][2] = {{2177, 2178}, {2230, 2231}, {1, 2}, {7, 1000},
                                   {999999937u, 999999945u}, {4000000001u, 4000000009u},
                                   {123456789u, 123456790u}, {4000000000u, 10000000000u}};
    for (size_t i = 0; i < sizeof perfect / sizeof *perfect; i++) {
        nq_assoc_counts p = set_counts(perfect[i][0], perfect[i][0], perfect[i][0], perfect[i][1]);
        double v = 0;
        assert_true(nq_measure_value(&p, NQ_M_NPMI, &v));
        assert_true(v <= 1.0 && v >= 1.0 - 1e-15);
    }

    /* Exact independence at 1e9 with m = 1000000007: f_a = 3m, f_b = 2m,
     * N = 6m, O11 = E11 = m: every signed measure is 0. */
    const uint64_t m = 1000000007u;
    c = set_counts(m, 3 * m, 2 * m, 6 * m);
    check_one(&c, NQ_M_PMI, (want)D(0.0));
    check_one(&c, NQ_M_NPMI, (want)D(0.0));
    check_one(&c, NQ_M_LLR, (want)D(0.0));
    check_one(&c, NQ_M_SIMPLE_LL, (want)D(0.0));
    check_one(&c, NQ_M_CHI2, (want)D(0.0));
    check_one(&c, NQ_M_TSCORE, (want)D(0.0));
    check_one(&c, NQ_M_ZSCORE, (want)D(0.0));
    check_one(&c, NQ_M_JACCARD, (want)D(0.25));   /* m / 4m */

    /* One more co-occurrence: O11 = m + 1, O12 = 2m - 1, O21 = m - 1, O22 = 2m + 1.
     * O11 O22 - O12 O21 = (m+1)(2m+1) - (2m-1)(m-1) = 6m = N, so
     * chi2 = N^3 / (3m * 3m * 2m * 4m) = 216 m^3 / 72 m^4 = 3/m. In doubles the
     * two ~2e18 products would cancel to nothing. */
    c = set_counts(m + 1, 3 * m, 2 * m, 6 * m);
    check_one(&c, NQ_M_CHI2, (want)D(2.999999979000000147e-9));
    check_one(&c, NQ_M_PMI, (want)D(1.442695030068750682e-9));       /* log2(1 + 1/m) */
    check_one(&c, NQ_M_TSCORE, (want)D(3.162277647519268767e-5));    /* 1 / sqrt(m + 1) */
    check_one(&c, NQ_M_ZSCORE, (want)D(3.16227764910040758e-5));     /* 1 / sqrt m */
    /* G2 ~ chi2 and simple_ll ~ 1/m near independence; their terms are ~1 each. */
    double v;
    assert_true(nq_measure_value(&c, NQ_M_LLR, &v));
    assert_true(close_to(v, 2.999999979000000147e-9, 1e-6, 0));
    assert_true(nq_measure_value(&c, NQ_M_SIMPLE_LL, &v));
    assert_true(close_to(v, 9.999999926666667205e-10, 1e-6, 0));

    /* An irregular large table: O11 = 123456789, f_a = 987654321,
     * f_b = 555555555, N = 9876543210; E11 = 55555555.5. */
    c = set_counts(123456789u, 987654321u, 555555555u, 9876543210u);
    static const want w2[NQ_M_COUNT] = {
        D(123456789),
        D(1.152003081759220095),   /* log2(123456789 / 55555555.5) */
        D(0.1822233758551053269),  /* pmi / log2(9876543210 / 123456789) = pmi / log2 80.0000007 */
        D(54.91086494748016774),
        D(76648645.40728243417),
        D(61359923.33366706367),
        D(97707602.97014807098),
        D(6111.111042805555308),   /* 67901233.5 / sqrt 123456789 */
        D(9109.906436280111202),   /* 67901233.5 / sqrt 55555555.5 */
        D(0.1599999986003199995),  /* 246913578 / 1543209876 */
        D(11.35614379760457903),
        D(0.08695652091228733493), /* 123456789 / 1419753087 */
    };
    check_all(&c, w2);
}

/* What ASSOCIATION.md says, restated independently for the grid below. */
static int predicted_defined(const nq_assoc_counts *c, nq_measure m)
{
    if (m == NQ_M_FREQ)
        return 1;
    if (!nq_assoc_valid(c))
        return 0;
    int win = c->window > 0, o = c->o11 > 0, e = c->f_a > 0 && c->f_b > 0 && c->n > 0;
    int any = c->f_a + c->f_b > 0;
    int margins = c->f_a > 0 && c->f_a < c->n && c->f_b > 0 && c->f_b < c->n;
    switch (m) {
    case NQ_M_PMI: case NQ_M_MI3: return o && e;
    case NQ_M_NPMI: return !win && o && e;
    case NQ_M_LLR: return !win && c->n > 0;
    case NQ_M_SIMPLE_LL: case NQ_M_ZSCORE: return e;
    case NQ_M_CHI2: return !win && margins;
    case NQ_M_TSCORE: return o && c->n > 0;
    case NQ_M_DICE: return any;
    case NQ_M_LOGDICE: return o && any;
    case NQ_M_JACCARD: return !win && any;
    default: return 0;
    }
}

/* Every table with counts 0..9 (valid or not) at a set scope and window:1..3:
 * definedness as predicted, no NaN or inf, no -0, and set-scope bounds. */
static void test_grid(void **state)
{
    (void)state;
    for (uint32_t k = 0; k <= 3; k++)
        for (uint64_t n = 0; n < 10; n++)
            for (uint64_t fa = 0; fa < 10; fa++)
                for (uint64_t fb = 0; fb < 10; fb++)
                    for (uint64_t o = 0; o < 10; o++) {
                        nq_assoc_counts c = win_counts(o, fa, fb, n, k);
                        for (int m = 0; m < NQ_M_COUNT; m++) {
                            double v = NAN;
                            int ok = nq_measure_value(&c, (nq_measure)m, &v);
                            if (ok != predicted_defined(&c, (nq_measure)m)) {
                                print_error("%s O11=%llu fa=%llu fb=%llu N=%llu k=%u: %d\n",
                                            nq_measure_name((nq_measure)m),
                                            (unsigned long long)o, (unsigned long long)fa,
                                            (unsigned long long)fb, (unsigned long long)n, k, ok);
                                fail();
                            }
                            assert_true(isfinite(v));
                            assert_false(v == 0 && signbit(v));
                            if (!ok)
                                assert_true(v == 0.0);
                            if (ok && k == 0 && (m == NQ_M_NPMI || m == NQ_M_DICE ||
                                                 m == NQ_M_JACCARD))
                                assert_true(v >= (m == NQ_M_NPMI ? -1.0 : 0.0) && v <= 1.0);
                            if (ok && (m == NQ_M_LLR || m == NQ_M_CHI2))
                                assert_true(v >= 0);
                        }
                    }
}

/* splitmix64: the test's own generator, seeded per test, for reproducible tables. */
static uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static uint64_t rand_upto(uint64_t *s, uint64_t max)
{
    return max == UINT64_MAX ? next_rand(s) : next_rand(s) % (max + 1);
}

/* A valid set table with N up to 10^digits, biased towards attraction half the time. */
static nq_assoc_counts random_table(uint64_t *s, int digits)
{
    uint64_t top = 1;
    for (int d = (int)rand_upto(s, (uint64_t)digits - 1) + 1; d > 0; d--)
        top *= 10;
    uint64_t n = 1 + rand_upto(s, top - 1);
    uint64_t fa = rand_upto(s, n), fb = rand_upto(s, n);
    uint64_t lo = fa + fb > n ? fa + fb - n : 0, hi = fa < fb ? fa : fb;
    uint64_t o = lo + rand_upto(s, hi - lo);
    if (next_rand(s) & 1)
        o = hi - rand_upto(s, (hi - lo) / 8);
    return set_counts(o, fa, fb, n);
}

static long double xlnx(long double x)
{
    return x > 0 ? x * logl(x) : 0.0L;
}

/* llr through entropies: G2 = 2 (sum O ln O - sum R ln R - sum C ln C + N ln N);
 * chi2 as the sum over cells of (O - E)^2 / E (defined when every E > 0). Both
 * equal the contract's formulas; neither shares code with the engine. Also
 * jaccard = dice / (2 - dice), and the signs of pmi, simple_ll, tscore agree. */
static void test_random_crosscheck(void **state)
{
    (void)state;
    uint64_t seed = 20240611;
    int chi2_seen = 0;
    for (int i = 0; i < 20000; i++) {
        nq_assoc_counts c = random_table(&seed, 7);
        long double n = (long double)c.n, fa = (long double)c.f_a, fb = (long double)c.f_b;
        long double o[4] = {(long double)c.o11, fa - c.o11, fb - c.o11, n - fa - fb + c.o11};
        long double r[2] = {fa, n - fa}, col[2] = {fb, n - fb};
        long double g2 = 2 * (xlnx(o[0]) + xlnx(o[1]) + xlnx(o[2]) + xlnx(o[3]) - xlnx(r[0]) -
                              xlnx(r[1]) - xlnx(col[0]) - xlnx(col[1]) + xlnx(n));
        double v;
        assert_true(nq_measure_value(&c, NQ_M_LLR, &v));
        if (!close_to(v, (double)g2, 1e-9, 1e-7)) {
            print_error("llr %llu %llu %llu %llu: %.17g vs %.17Lg\n", (unsigned long long)c.o11,
                        (unsigned long long)c.f_a, (unsigned long long)c.f_b,
                        (unsigned long long)c.n, v, g2);
            fail();
        }

        long double chi = 0;
        int all_e = 1;
        for (int j = 0; j < 4; j++) {
            long double e = r[j / 2] * col[j % 2] / n;
            if (e == 0)
                all_e = 0;
            else
                chi += (o[j] - e) * (o[j] - e) / e;
        }
        assert_int_equal(nq_measure_value(&c, NQ_M_CHI2, &v), all_e);
        if (all_e) {
            chi2_seen++;
            assert_true(close_to(v, (double)chi, 1e-9, 1e-9));
        }

        double np;
        if (nq_measure_value(&c, NQ_M_NPMI, &np))
            assert_true(np >= -1.0 && np <= 1.0);

        double d, j;
        if (nq_measure_value(&c, NQ_M_DICE, &d) && nq_measure_value(&c, NQ_M_JACCARD, &j))
            assert_true(close_to(j, d / (2 - d), 1e-12, 1e-15));

        double e11 = nq_assoc_expected(&c, NULL);
        double pmi, sll, t;
        if (nq_measure_value(&c, NQ_M_PMI, &pmi) && nq_measure_value(&c, NQ_M_SIMPLE_LL, &sll) &&
            nq_measure_value(&c, NQ_M_TSCORE, &t) && (double)c.o11 != e11) {
            int sign = (double)c.o11 > e11 ? 1 : -1;
            assert_true(pmi * sign >= 0 && sll * sign >= 0 && t * sign >= 0);
        }
    }
    assert_true(chi2_seen > 10000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_for_scope),
        cmocka_unit_test(test_attraction),
        cmocka_unit_test(test_repulsion),
        cmocka_unit_test(test_o11_zero),
        cmocka_unit_test(test_o11_is_n),
        cmocka_unit_test(test_fa_is_n),
        cmocka_unit_test(test_zero_cells),
        cmocka_unit_test(test_n_zero),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_invalid_counts),
        cmocka_unit_test(test_undefined_cases),
        cmocka_unit_test(test_huge_counts),
        cmocka_unit_test(test_grid),
        cmocka_unit_test(test_random_crosscheck),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

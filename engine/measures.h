/*
 * Association measures computed from counts, exactly as ASSOCIATION.md
 * (version 1) defines them. Pure functions: no I/O, no allocation, no state.
 *
 * Set scopes (sentence, paragraph, document; window = 0) use the 2x2 table
 *
 *              B      not B
 *     A       O11     O12 = f_a - O11           R1 = f_a
 *     not A   O21     O22 = N - f_a - f_b + O11 R2 = N - f_a
 *             C1=f_b  C2 = N - f_b              N  = units
 *
 * with E_ij = R_i * C_j / N. Window scope (window = k > 0) has no table:
 * N = tokens, f_a and f_b = occurrences, E11 = f_a * f_b * 2k / N.
 *
 * Undefined (return 0, *value = 0): a division by zero, a log of zero, a
 * square root of zero in a denominator, a non-finite result, a set-only
 * measure at window scope, or invalid counts (see nq_assoc_valid). A value
 * returned is always finite, never NaN, and never -0.
 *
 * Everything is computed in long double from the counts, never as products
 * of uint64_t, which wrap at 2^64 ~ 1.8e19 (two cells of 4e9 and 6e9
 * already do). x86-64's 64-bit mantissa holds any product below 2^64
 * exactly, so the differences of products near independence keep their
 * digits; where long double is double (MSVC, Apple arm64) results stay
 * correct to about 1e-16 relative to the largest term instead.
 */
#ifndef NQ_MEASURES_H
#define NQ_MEASURES_H

#include <stdint.h>

/* nq_assoc_counts (O11, f_a, f_b, N, window) is the public API's, so that the
 * counts nq_assoc gives are scored as they are: window = 0 for a set scope
 * (N = units, f_a/f_b = units containing each), window = k > 0 for window:k
 * (N = tokens, f_a/f_b = occurrences). */
#include "ngramq/ngramq.h"

/* nq_measure and the functions below are public (ngramq.h); this header
 * adds what the engine alone uses. */

/* "freq", "pmi", ... as in ASSOCIATION.md; NULL for a value out of range. */
const char *nq_measure_name(nq_measure m);

/* Exact, case-sensitive match of a name of nq_measure_name: 0 and *m, or -1. */
int nq_measure_parse(const char *name, nq_measure *m);

/* 1 when m is defined at that scope kind: every measure for a set scope
 * (window = 0), the "all scopes" ones for a window (window > 0); 0 for an
 * unknown measure or a negative window. */
int nq_measure_for_scope(nq_measure m, int window);

/* 1 when the counts can come from a corpus; counts that cannot are a bug
 * upstream, and every measure but freq is undefined for them.
 * Set scope: every cell of the table is >= 0, i.e. O11 <= f_a, O11 <= f_b
 * and f_a + f_b - O11 <= N. Window scope: f_a <= N, f_b <= N, and
 * O11 <= 2k * min(f_a, f_b) (an occurrence has 2k neighbouring slots). */
int nq_assoc_valid(const nq_assoc_counts *c);

/* E11: R1 * C1 / N for a set scope, f_a * f_b * 2k / N for window:k.
 * *defined (may be NULL) is 0, and 0.0 is returned, when N = 0 or the
 * counts are invalid. */
double nq_assoc_expected(const nq_assoc_counts *c, int *defined);

/* 1 and *value when measure m is defined for these counts at their scope;
 * 0 (and *value = 0) when it is undefined. freq (= O11) is always defined. */
int nq_measure_value(const nq_assoc_counts *c, nq_measure m, double *value);

#endif

/* Loops of the compiled binary Newton solve (_logistic_newton.pyx).
 *
 * A support's columns are held transposed, one contiguous row of n_samples
 * entries per column, so that every product is a loop along the samples
 * that the compiler vectorises: the predictor B theta, the gradient B^T r
 * and the k (k + 1) / 2 entries of the Hessian B^T diag(h) B. At SEA's
 * sizes (hundreds of samples, a support of tens of columns) these loops
 * cost less than the BLAS calls they replace, whose setup and packing were
 * most of the time.
 *
 * The log-loss needs exp and log1p per sample for every objective the line
 * search evaluates: libm's scalar calls were half of a Newton step. Here
 * they are polynomials the compiler vectorises (sea_exp_nonpositive,
 * sea_log1p_unit), correct to a few units in the last place on the ranges
 * the loss uses, tested against numpy. The exponential exp(-|z|) of the
 * last objective evaluated is kept: the probabilities and curvatures of the
 * next step follow from it without another exponential.
 *
 * On x86-64 Linux with GCC or Clang the loops are also compiled for
 * x86-64-v3 (AVX2, FMA), chosen at load time; elsewhere the portable build
 * runs.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SKLEARN_SEA_LOGISTIC_KERNELS_H
#define SKLEARN_SEA_LOGISTIC_KERNELS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__linux__) && \
    (defined(__GNUC__) || defined(__clang__)) && !defined(__INTEL_COMPILER)
#define LK_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define LK_SIMD_CLONES
#endif

#if defined(__GNUC__) || defined(__clang__)
#define LK_INLINE static inline __attribute__((always_inline))
#else
#define LK_INLINE static inline
#endif

/* exp(x) for x <= 0; arguments under -708 give exp(-708) (about 3e-308),
 * whose difference from the true value no loss term can see; NaN stays NaN.
 * Cody-Waite reduction x = n ln2 + r, |r| <= ln2 / 2, then the degree-13
 * Taylor polynomial of exp(r) (truncation under 5e-18) scaled by 2^n built
 * from its bits. Branch-free, so that loops over it vectorise. */
LK_INLINE double sea_exp_nonpositive(double x)
{
    const double log2e = 1.4426950408889634;
    const double ln2_hi = 0x1.62e42fee00000p-1; /* n ln2_hi exact for |n| < 2^11 */
    const double ln2_lo = 0x1.a39ef35793c76p-33;
    const double shifter = 0x1.8p52; /* adding it rounds to an integer */
    x = x < -708.0 ? -708.0 : x;
    double t = x * log2e + shifter;
    double n = t - shifter;
    double r = x - n * ln2_hi;
    r = r - n * ln2_lo;
    /* Estrin's scheme: four levels of multiply-adds instead of a chain of
     * thirteen, so that the latency does not bound the loop. */
    double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    double q0 = r + (0.5 + r * (1.0 / 6.0)) * r2; /* the 1 is added last */
    double q1 = (1.0 / 24.0 + r * (1.0 / 120.0)) + (1.0 / 720.0 + r * (1.0 / 5040.0)) * r2;
    double q2 = (1.0 / 40320.0 + r * (1.0 / 362880.0))
                + (1.0 / 3628800.0 + r * (1.0 / 39916800.0)) * r2;
    double q3 = 1.0 / 479001600.0 + r * (1.0 / 6227020800.0);
    double p = 1.0 + ((q0 + q1 * r4) + (q2 + q3 * r4) * r8);
    int64_t t_bits, shifter_bits, scale_bits;
    memcpy(&t_bits, &t, sizeof t);
    memcpy(&shifter_bits, &shifter, sizeof shifter);
    /* t = shifter + n exactly: n in the low bits of the mantissa. */
    scale_bits = (t_bits - shifter_bits + 1023) << 52;
    double scale;
    memcpy(&scale, &scale_bits, sizeof scale);
    return p * scale;
}

/* log(1 + e) for 0 <= e <= 1. u = 1 + e rounded, its rounding error c kept:
 * log(1 + e) = log(u) + c / u to first order. log(u) = m ln2 + log(f) with
 * f = u or u / 2 in [sqrt(1/2), sqrt(2)], and log(f) = 2 atanh(s),
 * s = (f - 1) / (f + 1), |s| < 0.172: the odd series to s^21 (truncation
 * under 1e-18 relative). */
LK_INLINE double sea_log1p_unit(double e)
{
    const double ln2_hi = 0x1.62e42fee00000p-1;
    const double ln2_lo = 0x1.a39ef35793c76p-33;
    double u = 1.0 + e;
    double c = e - (u - 1.0);
    double halve = u > 1.4142135623730951 ? 1.0 : 0.0;
    double f = u * (1.0 - 0.5 * halve);
    double s = (f - 1.0) / (f + 1.0);
    double s2 = s * s;
    double s4 = s2 * s2, s8 = s4 * s4;
    double q = ((1.0 / 3.0 + s2 * (1.0 / 5.0)) + (1.0 / 7.0 + s2 * (1.0 / 9.0)) * s4)
               + ((1.0 / 11.0 + s2 * (1.0 / 13.0)) + (1.0 / 15.0 + s2 * (1.0 / 17.0)) * s4
                  + (1.0 / 19.0 + s2 * (1.0 / 21.0)) * s8) * s8;
    double log_f = 2.0 * s + 2.0 * s * (s2 * q);
    return halve * ln2_hi + (log_f + (halve * ln2_lo + c / u));
}

/* sum_i x_i v_i with four partial sums, a pattern the compiler vectorises
 * without reassociating a single sum. */
LK_INLINE double sea_dot(const double *x, const double *v, ptrdiff_t n)
{
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    ptrdiff_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += x[i] * v[i];
        s1 += x[i + 1] * v[i + 1];
        s2 += x[i + 2] * v[i + 2];
        s3 += x[i + 3] * v[i + 3];
    }
    for (; i < n; ++i) s0 += x[i] * v[i];
    return (s0 + s2) + (s1 + s3);
}

/* For each sample, the loss log(1 + exp(sign_i z_i)) and e_i = exp(-|z_i|);
 * returns their sum weighted by w (NULL: unit weights). sign_i = 1 - 2 y_i. */
LK_SIMD_CLONES
static double sea_logistic_losses(const double *z, const double *sign,
                                  const double *w, ptrdiff_t n, double *e,
                                  double *loss)
{
    for (ptrdiff_t i = 0; i < n; ++i) {
        double a = sign[i] * z[i];
        double ei = sea_exp_nonpositive(-fabs(a));
        e[i] = ei;
        /* log(1 + e^a) = max(a, 0) + log(1 + e^-|a|) */
        loss[i] = (a > 0.0 ? a : 0.0) + sea_log1p_unit(ei);
    }
    if (w == NULL) {
        /* four partial sums: a single one is a chain of n dependent adds */
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        ptrdiff_t i = 0;
        for (; i + 4 <= n; i += 4) {
            s0 += loss[i];
            s1 += loss[i + 1];
            s2 += loss[i + 2];
            s3 += loss[i + 3];
        }
        for (; i < n; ++i) s0 += loss[i];
        return (s0 + s2) + (s1 + s3);
    }
    return sea_dot(w, loss, n);
}

/* From e_i = exp(-|z_i|): the weighted residual r_i = w_i (p_i - y_i) and
 * curvature h_i = w_i p_i (1 - p_i) of p_i = 1 / (1 + exp(-z_i)), where
 * p_i (1 - p_i) = e_i / (1 + e_i)^2 for either sign of z_i. */
LK_SIMD_CLONES
static void sea_logistic_derivatives(const double *z, const double *e,
                                     const double *y, const double *w,
                                     ptrdiff_t n, double *r, double *h)
{
    for (ptrdiff_t i = 0; i < n; ++i) {
        double q = 1.0 / (1.0 + e[i]);
        double p = z[i] >= 0.0 ? q : e[i] * q;
        double s = w == NULL ? 1.0 : w[i];
        r[i] = s * (p - y[i]);
        h[i] = s * (e[i] * q * q);
    }
}

/* z = Bt^T theta, Bt of shape (width, n), rows contiguous. */
LK_SIMD_CLONES
static void sea_rows_combine(const double *bt, ptrdiff_t width, ptrdiff_t n,
                             const double *theta, double *z)
{
    for (ptrdiff_t i = 0; i < n; ++i) z[i] = 0.0;
    for (ptrdiff_t a = 0; a < width; ++a) {
        const double *row = bt + a * n;
        const double c = theta[a];
        for (ptrdiff_t i = 0; i < n; ++i) z[i] += c * row[i];
    }
}

/* The dots of x0 and x1 with four rows r[0..3]: a tile of eight sums, each
 * summed as sea_dot sums (lane l holds the indices equal to l modulo 4,
 * the tail goes to lane 0), with eight independent chains and six loads
 * per eight multiply-adds. GCC does not vectorise such tiles written as
 * plain loops: its vector extension spells them out. */
#if defined(__GNUC__) || defined(__clang__)
typedef double sea_v4 __attribute__((vector_size(32)));

#define SEA_LOAD4(v, p) memcpy(&(v), (p), sizeof(v))

LK_INLINE double sea_lanes_sum(sea_v4 s, const double *x, const double *r,
                               ptrdiff_t from, ptrdiff_t n)
{
    double lane0 = s[0];
    for (ptrdiff_t t = from; t < n; ++t) lane0 += x[t] * r[t];
    return (lane0 + s[2]) + (s[1] + s[3]);
}

/* The tile for ncols (1 to 4, a constant after inlining) of the rows r. */
LK_INLINE void sea_dot_tile_cols(const double *x0, const double *x1,
                                 const double *const r[4], const int ncols,
                                 ptrdiff_t n, double out0[4], double out1[4])
{
    /* named accumulators: arrays of them are set up through memory */
    sea_v4 s00 = {0.0}, s01 = {0.0}, s02 = {0.0}, s03 = {0.0};
    sea_v4 s10 = {0.0}, s11 = {0.0}, s12 = {0.0}, s13 = {0.0};
    const double *r0 = r[0];
    const double *r1 = ncols > 1 ? r[1] : r0, *r2 = ncols > 2 ? r[2] : r0;
    const double *r3 = ncols > 3 ? r[3] : r0;
    ptrdiff_t i = 0;
    for (; i + 4 <= n; i += 4) {
        sea_v4 a0, a1, b;
        SEA_LOAD4(a0, x0 + i);
        SEA_LOAD4(a1, x1 + i);
        SEA_LOAD4(b, r0 + i);
        s00 += a0 * b;
        s10 += a1 * b;
        if (ncols > 1) {
            SEA_LOAD4(b, r1 + i);
            s01 += a0 * b;
            s11 += a1 * b;
        }
        if (ncols > 2) {
            SEA_LOAD4(b, r2 + i);
            s02 += a0 * b;
            s12 += a1 * b;
        }
        if (ncols > 3) {
            SEA_LOAD4(b, r3 + i);
            s03 += a0 * b;
            s13 += a1 * b;
        }
    }
    out0[0] = sea_lanes_sum(s00, x0, r0, i, n);
    out1[0] = sea_lanes_sum(s10, x1, r0, i, n);
    if (ncols > 1) {
        out0[1] = sea_lanes_sum(s01, x0, r1, i, n);
        out1[1] = sea_lanes_sum(s11, x1, r1, i, n);
    }
    if (ncols > 2) {
        out0[2] = sea_lanes_sum(s02, x0, r2, i, n);
        out1[2] = sea_lanes_sum(s12, x1, r2, i, n);
    }
    if (ncols > 3) {
        out0[3] = sea_lanes_sum(s03, x0, r3, i, n);
        out1[3] = sea_lanes_sum(s13, x1, r3, i, n);
    }
}

LK_INLINE void sea_dot_tile(const double *x0, const double *x1,
                            const double *const r[4], int ncols, ptrdiff_t n,
                            double out0[4], double out1[4])
{
    switch (ncols) {
    case 4: sea_dot_tile_cols(x0, x1, r, 4, n, out0, out1); break;
    case 3: sea_dot_tile_cols(x0, x1, r, 3, n, out0, out1); break;
    case 2: sea_dot_tile_cols(x0, x1, r, 2, n, out0, out1); break;
    default: sea_dot_tile_cols(x0, x1, r, 1, n, out0, out1); break;
    }
}
#else
LK_INLINE void sea_dot_tile(const double *x0, const double *x1,
                            const double *const r[4], int ncols, ptrdiff_t n,
                            double out0[4], double out1[4])
{
    for (int q = 0; q < ncols; ++q) {
        out0[q] = sea_dot(x0, r[q], n);
        out1[q] = sea_dot(x1, r[q], n);
    }
}
#endif

/* g = Bt v: width dot products along the samples, up to four rows per
 * pass through the tile kernel (v as both of its left rows, which the
 * compiler merges). */
LK_SIMD_CLONES
static void sea_rows_dots(const double *bt, ptrdiff_t width, ptrdiff_t n,
                          const double *v, double *g)
{
    for (ptrdiff_t b = 0; b < width; b += 4) {
        const int ncols = width - b < 4 ? (int)(width - b) : 4;
        const double *const rows[4] = {bt + b * n, bt + (b + (ncols > 1)) * n,
                                       bt + (b + 2 * (ncols > 2)) * n,
                                       bt + (b + 3 * (ncols > 3)) * n};
        double out[4], unused[4];
        sea_dot_tile(v, v, rows, ncols, n, out, unused);
        for (int q = 0; q < ncols; ++q) g[b + q] = out[q];
    }
}

/* H = Bt diag(h) Bt^T (h NULL: Bt Bt^T), both triangles, row-major
 * (width, width); scratch holds 2 n entries. Rows go by pairs against
 * blocks of up to four columns from the pair's diagonal on (an odd last
 * row pairs with itself): each tile loads a sample of its two rows once for
 * up to eight products, with as many independent sums. Of the two sums of
 * the pair's off-diagonal entry the second is kept, in both triangles: H is
 * exactly symmetric. (Measured at 400 samples and width 11: 2.5 times
 * faster than one dot product per entry; passes over chunks of samples
 * that stay in cache were slower.) */
LK_SIMD_CLONES
static void sea_rows_weighted_gram(const double *bt, ptrdiff_t width, ptrdiff_t n,
                                   const double *h, double *scratch, double *hess)
{
    for (ptrdiff_t a = 0; a < width; a += 2) {
        const ptrdiff_t a1 = a + 1 < width ? a + 1 : a;
        const double *x0 = bt + a * n, *x1 = bt + a1 * n;
        if (h != NULL) {
            for (ptrdiff_t i = 0; i < n; ++i) {
                scratch[i] = h[i] * x0[i];
                scratch[n + i] = h[i] * x1[i];
            }
            x0 = scratch;
            x1 = scratch + n;
        }
        for (ptrdiff_t b = a; b < width; b += 4) {
            const int ncols = width - b < 4 ? (int)(width - b) : 4;
            const double *const rows[4] = {bt + b * n, bt + (b + (ncols > 1)) * n,
                                           bt + (b + 2 * (ncols > 2)) * n,
                                           bt + (b + 3 * (ncols > 3)) * n};
            double out0[4], out1[4];
            sea_dot_tile(x0, x1, rows, ncols, n, out0, out1);
            for (int q = 0; q < ncols; ++q) {
                hess[a * width + b + q] = out0[q];
                hess[(b + q) * width + a] = out0[q];
                hess[a1 * width + b + q] = out1[q];
                hess[(b + q) * width + a1] = out1[q];
            }
        }
    }
}

/* out[q] = <at row rows[q], v> for q < count, rows of n entries read in
 * place from at, four at a time through the tile kernel: each dot is summed
 * as sea_dot sums it, whichever rows share its pass. */
LK_SIMD_CLONES
static void sea_dots_at(const double *at, ptrdiff_t n, const ptrdiff_t *rows,
                        ptrdiff_t count, const double *v, double *out)
{
    for (ptrdiff_t q = 0; q < count; q += 4) {
        const int ncols = count - q < 4 ? (int)(count - q) : 4;
        const double *const r[4] = {at + rows[q] * n,
                                    at + rows[q + (ncols > 1)] * n,
                                    at + rows[q + 2 * (ncols > 2)] * n,
                                    at + rows[q + 3 * (ncols > 3)] * n};
        double dots[4], unused[4];
        sea_dot_tile(v, v, r, ncols, n, dots, unused);
        for (int c = 0; c < ncols; ++c) out[q + c] = dots[c];
    }
}

/* z = c + sum_q theta_q (row positions[q] of at): a support's predictor,
 * its columns read in place from the transposed design. */
LK_SIMD_CLONES
static void sea_support_combine(const double *at, ptrdiff_t n,
                                const ptrdiff_t *positions, ptrdiff_t k,
                                const double *theta, double c, double *z)
{
    for (ptrdiff_t i = 0; i < n; ++i) z[i] = c;
    for (ptrdiff_t q = 0; q < k; ++q) {
        const double *row = at + positions[q] * n;
        const double t = theta[q];
        for (ptrdiff_t i = 0; i < n; ++i) z[i] += t * row[i];
    }
}

/* SEA's binary exploration without the full gradient at every iteration.
 *
 * The exploration after t steps is x(t) = x0 - step A^T R(t), R(t) the sum of
 * the residuals r(s) of the supports of iterations s < t (each step adds
 * -step A^T r(s)). Only the top k of |x(t)| matter, and an entry moves by at
 * most |step| ||A_j|| ||R(t) - R(t')|| <= |step| ||A_j|| (S(t) - S(t')), S the
 * running sum of ||r(s)||, since it was last computed at t'. Each entry x_j
 * is kept with fresh[j], the S at which it was computed, and so with an
 * interval for its magnitude now, widened by the rounding of both values
 * (margin, relative): x_j is computed (x0_j - step <A_j, R>, sea_dot's sum)
 * only where the interval does not decide its place.
 *
 * at: (n_features, n) rows; colnorm[j] >= ||A_j|| (up to its rounding, which
 * margin covers); list and dots scratch of n_features entries. */

/* x_j = x0_j - step <A_j, R> for the count rows j of rows, computed at S. */
LK_SIMD_CLONES
static void sea_explore_compute(const double *at, ptrdiff_t n, const double *x0,
                                double step, const double *R, double S,
                                const ptrdiff_t *rows, ptrdiff_t count, double *x,
                                double *fresh, double *dots)
{
    sea_dots_at(at, n, rows, count, R, dots);
    for (ptrdiff_t q = 0; q < count; ++q) {
        const ptrdiff_t j = rows[q];
        x[j] = x0[j] - step * dots[q];
        fresh[j] = S;
    }
}

/* The interval's end: |x_j| now is at most (sign 1) or at least (sign -1) this. */
LK_INLINE double sea_explore_bound(const double *x0, const double *x,
                                   const double *fresh, const double *colnorm,
                                   double reach, double S, double margin,
                                   ptrdiff_t j, double sign)
{
    const double moved = reach * colnorm[j];
    return fabs(x[j]) + sign * (moved * (S - fresh[j])
                                + margin * (fabs(x0[j]) + moved * S));
}

/* Brings x up to date where the top k of |x| may differ from support (the
 * previous one, sorted increasingly). Returns 0 when the support provably
 * stays (every other entry's magnitude is below every one of the support's:
 * nothing is computed), 1 when x holds exactly, as a full product would, the
 * entries that may be in the top k (the support's, and every other one whose
 * interval reaches the smallest of them), for sea_top_k_abs. A NaN
 * anywhere in play computes every entry. */
LK_SIMD_CLONES
static int sea_explore_refresh(const double *at, ptrdiff_t n, ptrdiff_t n_features,
                               const double *x0, double step, const double *R,
                               double S, double margin, const double *colnorm,
                               const ptrdiff_t *support, ptrdiff_t k, double *x,
                               double *fresh, ptrdiff_t *list, double *dots)
{
    const double reach = fabs(step);
    double floor = INFINITY;
    for (ptrdiff_t q = 0; q < k; ++q) {
        const double low = sea_explore_bound(x0, x, fresh, colnorm, reach, S, margin,
                                             support[q], -1.0);
        floor = (low < floor || low != low) ? low : floor; /* a NaN stays */
    }
    ptrdiff_t count = 0;
    for (ptrdiff_t j = 0, q = 0; j < n_features; ++j) {
        if (q < k && support[q] == j) {
            ++q;
            continue;
        }
        if (!(sea_explore_bound(x0, x, fresh, colnorm, reach, S, margin, j, 1.0)
              < floor))
            list[count++] = j;
    }
    if (count == 0) return 0;
    /* Contenders: the support's exact values set the bar they must reach. */
    sea_explore_compute(at, n, x0, step, R, S, support, k, x, fresh, dots);
    double tau = INFINITY;
    for (ptrdiff_t q = 0; q < k; ++q) {
        const double a = fabs(x[support[q]]);
        tau = (a < tau || a != a) ? a : tau;
    }
    ptrdiff_t kept = 0;
    for (ptrdiff_t q = 0; q < count; ++q) {
        const ptrdiff_t j = list[q];
        if (!(sea_explore_bound(x0, x, fresh, colnorm, reach, S, margin, j, 1.0)
              < tau))
            list[kept++] = j;
    }
    sea_explore_compute(at, n, x0, step, R, S, list, kept, x, fresh, dots);
    return 1;
}

/* The k largest |x_i| (1 <= k < n), ties to the lowest index, as
 * sklearn_sea._core.top_k chooses them; out sorted increasingly, best
 * (k entries) is scratch. A scan keeping the k best so far, in decreasing
 * order: an entry equal to the k-th does not displace it (lower index
 * first). Returns -1, out untouched, if x holds NaN (the caller decides). */
static int sea_top_k_abs(const double *x, ptrdiff_t n, ptrdiff_t k,
                         ptrdiff_t *out, double *best)
{
    ptrdiff_t count = 0;
    for (ptrdiff_t i = 0; i < n; ++i) {
        const double a = fabs(x[i]);
        if (a != a) return -1;
        if (count == k && !(a > best[k - 1])) continue;
        ptrdiff_t j = count < k ? count++ : k - 1;
        /* after every kept entry at least as large: lower indices first */
        for (; j > 0 && best[j - 1] < a; --j) {
            best[j] = best[j - 1];
            out[j] = out[j - 1];
        }
        best[j] = a;
        out[j] = i;
    }
    for (ptrdiff_t i = 1; i < k; ++i) {
        const ptrdiff_t index = out[i];
        ptrdiff_t j = i;
        for (; j > 0 && out[j - 1] > index; --j) out[j] = out[j - 1];
        out[j] = index;
    }
    return 0;
}

/* The multinomial loss of the scores Z (n rows of K, row-major): for each
 * row, E = exp(Z - max) and total = sum_c E (the softmax is E / total), and
 * the weighted sum of log(total) - (Z_label - max) (w NULL: unit weights).
 * One exponential per score, shared with the next step's probabilities.
 * The sum is compensated (Neumaier): the line search compares objectives
 * that differ by little more than their rounding, and a plain running sum
 * over a thousand samples, rounding hundreds of times more than numpy's
 * pairwise one, made it reject steps numpy's sum accepts. A NaN score
 * gives a NaN loss. */
LK_SIMD_CLONES
static double sea_softmax_losses(const double *Z, ptrdiff_t n, ptrdiff_t K,
                                 const ptrdiff_t *labels, const double *w,
                                 double *E, double *total)
{
    /* Three passes, so that the exponentials run as one flat loop over the
     * n K scores, which vectorises, instead of K at a time: the row maxima
     * (kept in total until the third pass) and the shifted scores; the
     * exponentials; the sums and the losses. */
    for (ptrdiff_t i = 0; i < n; ++i) {
        const double *row = Z + i * K;
        double top = row[0];
        for (ptrdiff_t c = 1; c < K; ++c) top = row[c] > top ? row[c] : top;
        total[i] = top;
        for (ptrdiff_t c = 0; c < K; ++c) E[i * K + c] = row[c] - top;
    }
    for (ptrdiff_t j = 0; j < n * K; ++j) E[j] = sea_exp_nonpositive(E[j]);
    double sum = 0.0, compensation = 0.0;
    for (ptrdiff_t i = 0; i < n; ++i) {
        const double *e = E + i * K;
        const double top = total[i];
        double t = 0.0;
        for (ptrdiff_t c = 0; c < K; ++c) t += e[c];
        total[i] = t;
        const double loss = log(t) - (Z[i * K + labels[i]] - top);
        const double term = w == NULL ? loss : w[i] * loss;
        const double next = sum + term;
        compensation += fabs(sum) >= fabs(term) ? (sum - next) + term
                                                : (term - next) + sum;
        sum = next;
    }
    return sum + compensation;
}

/* From sea_softmax_losses' E and total: the probabilities P = E / total and
 * the weighted residual R = w (P - Y), Y the one-hot labels. */
LK_SIMD_CLONES
static void sea_softmax_residual(const double *E, const double *total,
                                 ptrdiff_t n, ptrdiff_t K,
                                 const ptrdiff_t *labels, const double *w,
                                 double *P, double *R)
{
    for (ptrdiff_t i = 0; i < n; ++i) {
        const double scale = 1.0 / total[i];
        const double s = w == NULL ? 1.0 : w[i];
        for (ptrdiff_t c = 0; c < K; ++c) {
            const double p = E[i * K + c] * scale;
            P[i * K + c] = p;
            R[i * K + c] = s * p;
        }
        R[i * K + labels[i]] -= s;
    }
}

/* The outer products of a support's rows, upper triangles, single precision:
 * K[p, i] = x[a, i] x[b, i] for the column pairs p = (a, b), a <= b, in the
 * row-major order of the upper triangle; x holds the width columns as rows
 * of n. One pass that writes K once (numpy's product per pair costs a call
 * and a pass over the output each). */
LK_SIMD_CLONES
static void sea_row_products(const float *x, ptrdiff_t width, ptrdiff_t n,
                             float *K)
{
    for (ptrdiff_t a = 0; a < width; ++a) {
        const float *xa = x + a * n;
        for (ptrdiff_t b = a; b < width; ++b) {
            const float *xb = x + b * n;
            for (ptrdiff_t i = 0; i < n; ++i) K[i] = xa[i] * xb[i];
            K += n;
        }
    }
}

/* The weights of the multinomial Hessian's class pairs, single precision:
 * W[i, q] = [c = d] p_c - p_c p_d for the pairs q = (c, d), c <= d (row-major
 * upper triangle), from the probabilities P (n x n_classes, double) rounded
 * to single precision first, as numpy computes them. */
static void sea_class_pair_weights(const double *P, ptrdiff_t n, ptrdiff_t n_classes,
                                   float *W)
{
    for (ptrdiff_t i = 0; i < n; ++i) {
        const double *p = P + i * n_classes;
        for (ptrdiff_t c = 0; c < n_classes; ++c) {
            const float pc = (float)p[c];
            *W++ = -(pc * pc) + pc;
            for (ptrdiff_t d = c + 1; d < n_classes; ++d) *W++ = -(pc * (float)p[d]);
        }
    }
}

/* The position of the pair (a, b), a <= b, among the upper-triangle pairs of
 * a size x size matrix in row-major order. */
LK_INLINE ptrdiff_t sea_pair_index(ptrdiff_t a, ptrdiff_t b, ptrdiff_t size)
{
    return a * size - a * (a - 1) / 2 + (b - a);
}

/* The class-major multinomial Hessian, both triangles, double, from the Gram
 * matrices grams[p, q] of the column pairs p and class pairs q:
 * H[c w + a, d w + b] = grams[pair(a, b), pair(c, d)]. */
static void sea_hessian_from_grams(const float *grams, ptrdiff_t width,
                                   ptrdiff_t n_classes, double *H)
{
    const ptrdiff_t size = width * n_classes;
    const ptrdiff_t n_class_pairs = n_classes * (n_classes + 1) / 2;
    for (ptrdiff_t c = 0; c < n_classes; ++c)
        for (ptrdiff_t d = c; d < n_classes; ++d) {
            const float *g = grams + sea_pair_index(c, d, n_classes);
            for (ptrdiff_t a = 0; a < width; ++a)
                for (ptrdiff_t b = 0; b < width; ++b) {
                    const ptrdiff_t p = a <= b ? sea_pair_index(a, b, width)
                                               : sea_pair_index(b, a, width);
                    const double value = g[p * n_class_pairs];
                    H[(c * width + a) * size + d * width + b] = value;
                    H[(d * width + b) * size + c * width + a] = value;
                }
        }
}

#endif

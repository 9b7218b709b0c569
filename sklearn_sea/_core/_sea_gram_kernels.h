/* The gradient of the compiled SEA loop, G[S]^T x_S - A^T y.
 *
 * k rows of the row-major n x n Gram matrix G, combined with the support
 * coefficients. BLAS has no call for rows gathered by index short of
 * copying them first, and k axpy calls cost a load and a store of the
 * output per row; this loop takes eight rows per pass. On x86-64 Linux
 * with GCC or Clang it is also compiled for x86-64-v3 (AVX2, FMA), chosen
 * at load time (target_clones); elsewhere the portable build runs.
 *
 * The Cholesky factorisation of the support's block and its two triangular
 * solves are here too: LAPACK's unblocked dpotf2 runs column by column
 * through level-2 calls, and at SEA's k (tens to a few hundred) those calls
 * cost more than their arithmetic. Updating the trailing rows by panels of
 * four columns, two rows at a time, loads each panel entry once for eight
 * products (benchmarks/README.md, "Support solves").
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SKLEARN_SEA_GRAM_KERNELS_H
#define SKLEARN_SEA_GRAM_KERNELS_H

#include <math.h>
#include <stddef.h>

#if defined(__x86_64__) && defined(__linux__) && \
    (defined(__GNUC__) || defined(__clang__)) && !defined(__INTEL_COMPILER)
#define SEA_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define SEA_SIMD_CLONES
#endif

#if defined(__GNUC__) || defined(__clang__)
#define SEA_INLINE static inline __attribute__((always_inline))
#else
#define SEA_INLINE static inline
#endif

/* out = G[S]^T x_S - aty, eight rows of G per pass over out (a sequence of
 * axpy calls would load and store out once per row). */
SEA_SIMD_CLONES
static void sea_gradient(const double *gram, ptrdiff_t n, const double *aty,
                         const ptrdiff_t *support, const double *coef,
                         ptrdiff_t k, double *out)
{
    ptrdiff_t j = 0;
    for (ptrdiff_t i = 0; i < n; ++i) {
        out[i] = -aty[i];
    }
    for (; j + 8 <= k; j += 8) {
        const double *r0 = gram + support[j] * n, *r1 = gram + support[j + 1] * n;
        const double *r2 = gram + support[j + 2] * n, *r3 = gram + support[j + 3] * n;
        const double *r4 = gram + support[j + 4] * n, *r5 = gram + support[j + 5] * n;
        const double *r6 = gram + support[j + 6] * n, *r7 = gram + support[j + 7] * n;
        const double c0 = coef[j], c1 = coef[j + 1], c2 = coef[j + 2];
        const double c3 = coef[j + 3], c4 = coef[j + 4], c5 = coef[j + 5];
        const double c6 = coef[j + 6], c7 = coef[j + 7];
        for (ptrdiff_t i = 0; i < n; ++i) {
            out[i] += c0 * r0[i] + c1 * r1[i] + c2 * r2[i] + c3 * r3[i]
                      + c4 * r4[i] + c5 * r5[i] + c6 * r6[i] + c7 * r7[i];
        }
    }
    for (; j < k; ++j) {
        const double *r0 = gram + support[j] * n;
        const double c0 = coef[j];
        for (ptrdiff_t i = 0; i < n; ++i) {
            out[i] += c0 * r0[i];
        }
    }
}

/* Rows i and i + 1 of the trailing block, columns [start, stop), minus their
 * products with a panel of four columns held transposed in p0..p3 (entry j of
 * column c of the panel is pc[j]). */
SEA_INLINE void
sea_update_two_rows(double *__restrict row, double *__restrict next,
                    const double *__restrict p0, const double *__restrict p1,
                    const double *__restrict p2, const double *__restrict p3,
                    ptrdiff_t start, ptrdiff_t stop, ptrdiff_t i)
{
    const double l0 = p0[i], l1 = p1[i], l2 = p2[i], l3 = p3[i];
    const double m0 = p0[i + 1], m1 = p1[i + 1], m2 = p2[i + 1], m3 = p3[i + 1];
    for (ptrdiff_t j = start; j < stop; ++j) {
        const double a0 = p0[j], a1 = p1[j], a2 = p2[j], a3 = p3[j];
        row[j] -= l0 * a0 + l1 * a1 + l2 * a2 + l3 * a3;
        next[j] -= m0 * a0 + m1 * a1 + m2 * a2 + m3 * a3;
    }
}

/* Row i alone (the last row of an odd count, the diagonal entry of i + 1). */
SEA_INLINE void
sea_update_row(double *__restrict row,
               const double *__restrict p0, const double *__restrict p1,
               const double *__restrict p2, const double *__restrict p3,
               ptrdiff_t start, ptrdiff_t stop, ptrdiff_t i)
{
    const double l0 = p0[i], l1 = p1[i], l2 = p2[i], l3 = p3[i];
    for (ptrdiff_t j = start; j < stop; ++j) {
        row[j] -= l0 * p0[j] + l1 * p1[j] + l2 * p2[j] + l3 * p3[j];
    }
}

/* Cholesky factorisation G = L L^T in place.
 *
 * a: k x k, row-major; the lower triangle (row j, columns 0..j) holds G on
 * entry and L on exit; the strict upper triangle is neither read nor written.
 * (That is LAPACK's column-major upper triangle U = L^T.)
 * panel: 4 k doubles of scratch; inverse: k doubles, 1 / L[j, j] on exit.
 * Returns 0, or j + 1 when pivot j is not positive (or is NaN): G is not
 * positive definite to working precision and L is incomplete. */
SEA_SIMD_CLONES
static ptrdiff_t sea_cholesky(double *a, ptrdiff_t k, double *panel,
                              double *inverse)
{
    for (ptrdiff_t p = 0; p < k; p += 4) {
        const ptrdiff_t w = k - p < 4 ? k - p : 4;
        /* The diagonal block of the panel (its rows are already updated). */
        for (ptrdiff_t j = p; j < p + w; ++j) {
            double *rj = a + j * k;
            for (ptrdiff_t i = p; i < j; ++i) {
                const double *ri = a + i * k;
                double s = rj[i];
                for (ptrdiff_t c = p; c < i; ++c) {
                    s -= rj[c] * ri[c];
                }
                rj[i] = s * inverse[i];
            }
            double d = rj[j];
            for (ptrdiff_t c = p; c < j; ++c) {
                d -= rj[c] * rj[c];
            }
            if (!(d > 0)) {
                return j + 1;
            }
            rj[j] = sqrt(d);
            inverse[j] = 1.0 / rj[j];
        }
        if (p + 4 >= k) {
            break;
        }
        /* The panel's rows below its diagonal block, also copied transposed. */
        const double *d1 = a + (p + 1) * k + p, *d2 = a + (p + 2) * k + p;
        const double *d3 = a + (p + 3) * k + p;
        double *p0 = panel, *p1 = panel + k, *p2 = panel + 2 * k, *p3 = panel + 3 * k;
        for (ptrdiff_t i = p + 4; i < k; ++i) {
            double *ri = a + i * k + p;
            const double l0 = ri[0] * inverse[p];
            const double l1 = (ri[1] - l0 * d1[0]) * inverse[p + 1];
            const double l2 = (ri[2] - l0 * d2[0] - l1 * d2[1]) * inverse[p + 2];
            const double l3 =
                (ri[3] - l0 * d3[0] - l1 * d3[1] - l2 * d3[2]) * inverse[p + 3];
            ri[0] = p0[i] = l0;
            ri[1] = p1[i] = l1;
            ri[2] = p2[i] = l2;
            ri[3] = p3[i] = l3;
        }
        /* The trailing lower triangle minus the panel's contribution. */
        ptrdiff_t i = p + 4;
        for (; i + 1 < k; i += 2) {
            sea_update_two_rows(a + i * k, a + (i + 1) * k, p0, p1, p2, p3, p + 4,
                                i + 1, i);
            sea_update_row(a + (i + 1) * k, p0, p1, p2, p3, i + 1, i + 2, i + 1);
        }
        if (i < k) {
            sea_update_row(a + i * k, p0, p1, p2, p3, p + 4, i + 1, i);
        }
    }
    return 0;
}

/* x = G^{-1} x from the factor of sea_cholesky (L row-major lower, inverse
 * its reciprocal diagonal): L z = x by rows, then L^T x = z by columns of
 * L^T, i.e. rows of L, so that both passes read L contiguously. */
SEA_SIMD_CLONES
static void sea_cholesky_solve(const double *l, const double *inverse,
                               ptrdiff_t k, double *x)
{
    for (ptrdiff_t j = 0; j < k; ++j) {
        const double *rj = l + j * k;
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        ptrdiff_t c = 0;
        for (; c + 4 <= j; c += 4) {
            s0 += rj[c] * x[c];
            s1 += rj[c + 1] * x[c + 1];
            s2 += rj[c + 2] * x[c + 2];
            s3 += rj[c + 3] * x[c + 3];
        }
        for (; c < j; ++c) {
            s0 += rj[c] * x[c];
        }
        x[j] = (x[j] - ((s0 + s1) + (s2 + s3))) * inverse[j];
    }
    for (ptrdiff_t j = k - 1; j >= 0; --j) {
        const double *rj = l + j * k;
        const double xj = x[j] * inverse[j];
        x[j] = xj;
        for (ptrdiff_t c = 0; c < j; ++c) {
            x[c] -= xj * rj[c];
        }
    }
}

#endif /* SKLEARN_SEA_GRAM_KERNELS_H */

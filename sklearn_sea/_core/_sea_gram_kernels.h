/* Dense kernels of the compiled SEA loop, for the small systems SEA solves.
 *
 * At SEA's usual sizes (k ~ 60 support columns, n ~ 500 features) a LAPACK
 * or BLAS call spends more time in its own dispatch and panel packing than
 * in arithmetic, so the three operations of an iteration are written here
 * as plain loops that the compiler vectorises. On x86-64 Linux with GCC or
 * Clang each is also compiled for x86-64-v3 (AVX2, FMA) and the variant is chosen at
 * load time (target_clones); elsewhere the portable build runs.
 *
 * Layout: the k x k factor is column-major, upper triangle (entry (p, q),
 * p <= q, at a[p + q * k]); the Gram matrix is row-major n x n.
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

/* In-place Cholesky factorisation G = R^T R of a column-major k x k block
 * (upper triangle read and written), right-looking: after each pivot the
 * trailing block receives a rank-one update, a contiguous loop per column.
 * `row` is scratch of length k. Returns 0, or j + 1 when pivot j is not
 * positive (the caller then solves by minimum norm).
 */
SEA_SIMD_CLONES
static int sea_cholesky_upper(double *a, ptrdiff_t k, double *row)
{
    for (ptrdiff_t j = 0; j < k; ++j) {
        double pivot = a[j + j * k];
        if (!(pivot > 0.0)) {
            return (int)j + 1;
        }
        pivot = sqrt(pivot);
        a[j + j * k] = pivot;
        const double inverse = 1.0 / pivot;
        for (ptrdiff_t q = j + 1; q < k; ++q) {
            a[j + q * k] *= inverse;
            row[q] = a[j + q * k];
        }
        for (ptrdiff_t q = j + 1; q < k; ++q) {
            const double r_q = row[q];
            double *column = a + q * k;
            for (ptrdiff_t p = j + 1; p <= q; ++p) {
                column[p] -= row[p] * r_q;
            }
        }
    }
    return 0;
}

/* Solve R^T R x = b in place in b, with R from sea_cholesky_upper. */
SEA_SIMD_CLONES
static void sea_cholesky_solve(const double *r, ptrdiff_t k, double *b)
{
    /* R^T z = b: forward, one dot product with column j of R. */
    for (ptrdiff_t j = 0; j < k; ++j) {
        const double *column = r + j * k;
        double sum = b[j];
        for (ptrdiff_t p = 0; p < j; ++p) {
            sum -= column[p] * b[p];
        }
        b[j] = sum / column[j];
    }
    /* R x = z: backward, one axpy with column j of R. */
    for (ptrdiff_t j = k - 1; j >= 0; --j) {
        const double *column = r + j * k;
        const double x_j = b[j] / column[j];
        b[j] = x_j;
        for (ptrdiff_t p = 0; p < j; ++p) {
            b[p] -= x_j * column[p];
        }
    }
}

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

#endif /* SKLEARN_SEA_GRAM_KERNELS_H */

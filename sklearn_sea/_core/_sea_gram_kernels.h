/* The gradient of the compiled SEA loop, G[S]^T x_S - A^T y.
 *
 * k rows of the row-major n x n Gram matrix G, combined with the support
 * coefficients. BLAS has no call for rows gathered by index short of
 * copying them first, and k axpy calls cost a load and a store of the
 * output per row; this loop takes eight rows per pass. On x86-64 Linux
 * with GCC or Clang it is also compiled for x86-64-v3 (AVX2, FMA), chosen
 * at load time (target_clones); elsewhere the portable build runs.
 *
 * (The Cholesky factorisation stays with LAPACK's unblocked dpotf2: plain
 * C loops were measured slower at k = 60.)
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SKLEARN_SEA_GRAM_KERNELS_H
#define SKLEARN_SEA_GRAM_KERNELS_H

#include <stddef.h>

#if defined(__x86_64__) && defined(__linux__) && \
    (defined(__GNUC__) || defined(__clang__)) && !defined(__INTEL_COMPILER)
#define SEA_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define SEA_SIMD_CLONES
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

#endif /* SKLEARN_SEA_GRAM_KERNELS_H */

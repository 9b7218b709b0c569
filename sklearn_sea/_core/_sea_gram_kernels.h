/* The gradient of the compiled SEA loop, G[S]^T x_S - A^T y.
 *
 * k rows of the row-major n x n Gram matrix G, combined with the support
 * coefficients. BLAS has no call for rows gathered by index short of
 * copying them first, and k axpy calls cost a load and a store of the
 * output per row; this loop takes eight rows per pass. On x86-64 Linux
 * with GCC or Clang it is also compiled for x86-64-v3 (AVX2, FMA), chosen
 * at load time (target_clones); elsewhere the portable build runs.
 *
 * The Cholesky factorisation of the support's block and its triangular
 * solve are here too: LAPACK's unblocked dpotf2 runs column by column
 * through level-2 calls, and at SEA's k (tens to a few hundred) those calls
 * cost more than their arithmetic. The block is stored by columns padded to
 * a multiple of four rows, so that every loop runs over whole vectors, and
 * bordered by the right-hand side, so that the factorisation performs the
 * forward solve; it is factored left-looking, the products of earlier
 * columns accumulated in vector registers (benchmarks/README.md, "Support
 * solves by padded, bordered columns").
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SKLEARN_SEA_GRAM_KERNELS_H
#define SKLEARN_SEA_GRAM_KERNELS_H

#include <math.h>
#include <stddef.h>
#include <string.h>

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

/* The support's block for the factorisation: column-major lower triangle,
 * columns of `stride` doubles (sea_block_stride: k + 1 rounded up to a
 * multiple of four). Column j holds G[s_i, s_j] in rows i >= j, b[s_j] in
 * row k (the right-hand side: factoring the bordered matrix [G b; b^T .]
 * gives the forward solve L z = b in row k), zeros past it, and finite
 * values in rows [j rounded down to four, j): every loop then runs over
 * whole groups of four rows from an aligned start, with no remainder. */
SEA_INLINE ptrdiff_t sea_round_down4(ptrdiff_t x) { return x & ~(ptrdiff_t)3; }

static inline ptrdiff_t sea_block_stride(ptrdiff_t k)
{
    return (k + 4) & ~(ptrdiff_t)3;
}

/* Column c of a panel, rows [p, stride): minus its products with the q
 * panel columns already factored (f0..f2, coefficients e0..e2), times the
 * reciprocal pivot. */
SEA_INLINE void
sea_panel_column(double *__restrict col, const double *__restrict f0,
                 const double *__restrict f1, const double *__restrict f2,
                 double e0, double e1, double e2, ptrdiff_t q, double inv,
                 ptrdiff_t p, ptrdiff_t stride)
{
    ptrdiff_t i, u;
    switch (q) {
    case 0:
        for (i = p; i < stride; i += 4)
            for (u = 0; u < 4; ++u)
                col[i + u] = col[i + u] * inv;
        break;
    case 1:
        for (i = p; i < stride; i += 4)
            for (u = 0; u < 4; ++u)
                col[i + u] = (col[i + u] - e0 * f0[i + u]) * inv;
        break;
    case 2:
        for (i = p; i < stride; i += 4)
            for (u = 0; u < 4; ++u)
                col[i + u] = (col[i + u] - e0 * f0[i + u] - e1 * f1[i + u]) * inv;
        break;
    default:
        for (i = p; i < stride; i += 4)
            for (u = 0; u < 4; ++u)
                col[i + u] = (col[i + u] - e0 * f0[i + u] - e1 * f1[i + u]
                              - e2 * f2[i + u]) * inv;
    }
}

/* Four doubles for the updates of the factorisation: a vector register
 * with GCC and Clang (a plain array elsewhere, or with SEA_PORTABLE_VECTORS
 * defined: the same arithmetic). Loads and stores go through memcpy: the
 * columns are not 32-byte aligned. */
#if (defined(__GNUC__) || defined(__clang__)) && !defined(SEA_PORTABLE_VECTORS)
typedef double sea_x4 __attribute__((vector_size(32)));
#define SEA_X4_ZERO(v) ((v) = (sea_x4){0.0, 0.0, 0.0, 0.0})
#define SEA_X4_LOAD(v, p) memcpy(&(v), (p), sizeof(sea_x4))
#define SEA_X4_STORE(p, v) memcpy((p), &(v), sizeof(sea_x4))
#define SEA_X4_ADD_SCALED(acc, x, s) ((acc) += (x) * (s))
#define SEA_X4_SUB_FROM(p, v)                                                   \
    do {                                                                        \
        sea_x4 sea_x4_t_;                                                       \
        SEA_X4_LOAD(sea_x4_t_, p);                                              \
        sea_x4_t_ -= (v);                                                       \
        SEA_X4_STORE(p, sea_x4_t_);                                             \
    } while (0)
#else
typedef struct { double e[4]; } sea_x4;
#define SEA_X4_ZERO(v) memset(&(v), 0, sizeof(sea_x4))
#define SEA_X4_LOAD(v, p) memcpy(&(v), (p), sizeof(sea_x4))
#define SEA_X4_ADD_SCALED(acc, x, s)                                            \
    do {                                                                        \
        for (int sea_u_ = 0; sea_u_ < 4; ++sea_u_)                              \
            (acc).e[sea_u_] += (x).e[sea_u_] * (s);                             \
    } while (0)
#define SEA_X4_SUB_FROM(p, v)                                                   \
    do {                                                                        \
        for (int sea_u_ = 0; sea_u_ < 4; ++sea_u_)                              \
            (p)[sea_u_] -= (v).e[sea_u_];                                       \
    } while (0)
#endif

/* Rows [i, i + 8) of the panel's columns p..p+w-1 minus their products with
 * every earlier column: sum over c < p of L[i + u, c] L[p + q, c], kept in
 * eight vector accumulators while the columns stream past (two loads and
 * four scalars for eight multiply-adds). Rows p + q with q >= w exist (the
 * border and the padding): their products are formed and not stored. */
SEA_INLINE void
sea_update_rows8(double *a, ptrdiff_t stride, ptrdiff_t p, ptrdiff_t w, ptrdiff_t i)
{
    sea_x4 s00, s01, s10, s11, s20, s21, s30, s31, v0, v1;
    SEA_X4_ZERO(s00); SEA_X4_ZERO(s01); SEA_X4_ZERO(s10); SEA_X4_ZERO(s11);
    SEA_X4_ZERO(s20); SEA_X4_ZERO(s21); SEA_X4_ZERO(s30); SEA_X4_ZERO(s31);
    for (ptrdiff_t c = 0; c < p; ++c) {
        const double *lc = a + c * stride;
        const double b0 = lc[p], b1 = lc[p + 1], b2 = lc[p + 2], b3 = lc[p + 3];
        SEA_X4_LOAD(v0, lc + i);
        SEA_X4_LOAD(v1, lc + i + 4);
        SEA_X4_ADD_SCALED(s00, v0, b0); SEA_X4_ADD_SCALED(s01, v1, b0);
        SEA_X4_ADD_SCALED(s10, v0, b1); SEA_X4_ADD_SCALED(s11, v1, b1);
        SEA_X4_ADD_SCALED(s20, v0, b2); SEA_X4_ADD_SCALED(s21, v1, b2);
        SEA_X4_ADD_SCALED(s30, v0, b3); SEA_X4_ADD_SCALED(s31, v1, b3);
    }
    double *c0 = a + p * stride + i;
    SEA_X4_SUB_FROM(c0, s00); SEA_X4_SUB_FROM(c0 + 4, s01);
    if (w > 1) { SEA_X4_SUB_FROM(c0 + stride, s10); SEA_X4_SUB_FROM(c0 + stride + 4, s11); }
    if (w > 2) {
        SEA_X4_SUB_FROM(c0 + 2 * stride, s20);
        SEA_X4_SUB_FROM(c0 + 2 * stride + 4, s21);
    }
    if (w > 3) {
        SEA_X4_SUB_FROM(c0 + 3 * stride, s30);
        SEA_X4_SUB_FROM(c0 + 3 * stride + 4, s31);
    }
}

/* The same on rows [i, i + 4). */
SEA_INLINE void
sea_update_rows4(double *a, ptrdiff_t stride, ptrdiff_t p, ptrdiff_t w, ptrdiff_t i)
{
    sea_x4 s0, s1, s2, s3, v0;
    SEA_X4_ZERO(s0); SEA_X4_ZERO(s1); SEA_X4_ZERO(s2); SEA_X4_ZERO(s3);
    for (ptrdiff_t c = 0; c < p; ++c) {
        const double *lc = a + c * stride;
        SEA_X4_LOAD(v0, lc + i);
        SEA_X4_ADD_SCALED(s0, v0, lc[p]);
        SEA_X4_ADD_SCALED(s1, v0, lc[p + 1]);
        SEA_X4_ADD_SCALED(s2, v0, lc[p + 2]);
        SEA_X4_ADD_SCALED(s3, v0, lc[p + 3]);
    }
    double *c0 = a + p * stride + i;
    SEA_X4_SUB_FROM(c0, s0);
    if (w > 1) SEA_X4_SUB_FROM(c0 + stride, s1);
    if (w > 2) SEA_X4_SUB_FROM(c0 + 2 * stride, s2);
    if (w > 3) SEA_X4_SUB_FROM(c0 + 3 * stride, s3);
}

/* Cholesky factorisation G = L L^T of the bordered block, in place.
 *
 * a: k columns of `stride` doubles, laid out as described above; on exit
 * rows i >= j of column j hold L and row k holds z = L^{-1} b. Rows above
 * the diagonal hold meaningless finite values. inverse: k doubles,
 * 1 / L[j, j] on exit. Left-looking by panels of four columns: a panel
 * first receives the products of all earlier columns (accumulated in
 * registers, each entry of the panel loaded and stored once), then each of
 * its columns is factored in one pass.
 * Returns 0, or j + 1 when pivot j is not positive (or is NaN): G is not
 * positive definite to working precision and L is incomplete. */
SEA_SIMD_CLONES
static ptrdiff_t sea_cholesky(double *a, ptrdiff_t k, ptrdiff_t stride,
                              double *inverse)
{
    for (ptrdiff_t p = 0; p < k; p += 4) {
        const ptrdiff_t w = k - p < 4 ? k - p : 4;
        if (p > 0) {
            /* stride - p is a multiple of four. */
            ptrdiff_t i = p;
            for (; i + 8 <= stride; i += 8) {
                sea_update_rows8(a, stride, p, w, i);
            }
            if (i < stride) {
                sea_update_rows4(a, stride, p, w, i);
            }
        }
        /* Columns past the last are never read (nor pointed at). */
        const double *f0 = a + p * stride;
        const double *f1 = w > 1 ? f0 + stride : f0, *f2 = w > 2 ? f1 + stride : f1;
        for (ptrdiff_t c = p; c < p + w; ++c) {
            double *col = a + c * stride;
            const ptrdiff_t q = c - p;
            const double e0 = q > 0 ? f0[c] : 0.0, e1 = q > 1 ? f1[c] : 0.0;
            const double e2 = q > 2 ? f2[c] : 0.0;
            const double d = col[c] - e0 * e0 - e1 * e1 - e2 * e2;
            if (!(d > 0)) {
                return c + 1;
            }
            const double r = sqrt(d), inv = 1.0 / r;
            sea_panel_column(col, f0, f1, f2, e0, e1, e2, q, inv, p, stride);
            col[c] = r;
            inverse[c] = inv;
        }
    }
    return 0;
}

/* x = L^{-T} z from the factor of sea_cholesky (z in its row k): dot
 * products down the columns, from the last. x: stride doubles, all
 * written (zeros past k, so that the products run over whole groups of
 * four; the few entries between j and the next group go first). */
SEA_SIMD_CLONES
static void sea_cholesky_back_solve(const double *l, const double *inverse,
                                    ptrdiff_t k, ptrdiff_t stride,
                                    double *__restrict x)
{
    for (ptrdiff_t i = k; i < stride; ++i) {
        x[i] = 0.0;
    }
    for (ptrdiff_t j = k - 1; j >= 0; --j) {
        const double *cj = l + j * stride;
        const ptrdiff_t body = sea_round_down4(j) + 4;
        double head = 0.0;
        for (ptrdiff_t i = j + 1; i < body && i < k; ++i) {
            head += cj[i] * x[i];
        }
        double s[4] = {0.0, 0.0, 0.0, 0.0};
        for (ptrdiff_t i = body; i < stride; i += 4) {
            for (ptrdiff_t u = 0; u < 4; ++u) {
                s[u] += cj[i + u] * x[i + u];
            }
        }
        x[j] = (cj[k] - (head + ((s[0] + s[1]) + (s[2] + s[3])))) * inverse[j];
    }
}

#endif /* SKLEARN_SEA_GRAM_KERNELS_H */

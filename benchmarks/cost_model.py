"""Time per SEA iteration against its arithmetic floor, in each mode (issue 16).

Cost model of one SEA iteration on a new support of size k (least squares),
``n`` features, ``m`` samples:

- Gram mode: the gradient ``G[S]^T x_S - A^T y`` reads k rows of ``G``
  (``2 n k`` flops, one matrix-vector product of shape ``(k, n)``), the
  Cholesky factorisation of ``G_SS`` (``k^3 / 3``) and two triangular solves
  (``2 k^2``); top-k selection and the update are ``O(n)``.
- operator mode (dense ``A``, Gram rows kept): the same arithmetic on the
  kept rows, plus a gather of the ``k x n`` rows, plus one product
  ``a_j^T A`` (``2 m n``) per newly visited index, amortised over the run.
- sparse mode: ``A_S x_S`` and ``A^T r`` (``2 nnz(A_S) + 2 nnz(A)``), the
  block ``A_S^T A_S`` and its Cholesky factorisation.

The floor is the sum of the dominant kernels timed alone on this machine
(one BLAS thread): a ``(k, n)`` matrix-vector product, a ``k x k`` Cholesky
factorisation, and for sparse mode the two sparse products. The script
prints the measured time per iteration (``_sea`` on a prepared problem,
1000 iterations with noise 0.01, so nearly every iteration is a new
support) and its ratio to the floor::

    python benchmarks/cost_model.py
"""

# SPDX-License-Identifier: BSD-3-Clause

import time

import numpy as np
import scipy.sparse as sp
from scipy.linalg.lapack import dpotrf
from threadpoolctl import threadpool_limits

from sklearn_sea._core import (
    GramDesign,
    SupportLeastSquares,
    dense_operator_design,
    sparse_operator_design,
)
from sklearn_sea._sea import _sea
from sklearn_sea.datasets import make_compressed_sensing


def per_call(function, repeats=50):
    """Median seconds of one call."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def kernel_floor(n, k, seed=0):
    rng = np.random.default_rng(seed)
    rows = rng.standard_normal((k, n))
    x = rng.standard_normal(k)
    B = rng.standard_normal((k + 5, k))
    spd = B.T @ B
    gemv = per_call(lambda: x @ rows)
    cholesky = per_call(lambda: dpotrf(spd, lower=0, clean=0))
    return gemv, cholesky


def per_iteration(problem, k, max_iter):
    start = time.perf_counter()
    result = _sea(problem, k, max_iter=max_iter, step_size=1.0)
    seconds = time.perf_counter() - start
    return seconds / result.n_iter, result


def report(mode, measured, floor, detail):
    print(
        f"{mode:9s} measured {measured * 1e6:8.1f} us/iteration, floor "
        f"{floor * 1e6:8.1f} us ({detail}); RATIO measured / floor: "
        f"{measured / floor:.2f}"
    )


def main():
    with threadpool_limits(1):
        for m, n, k in ((250, 500, 60), (2000, 10000, 200)):
            A, y, _ = make_compressed_sensing(m, n, k, noise=0.01, random_state=0)
            gemv, chol = kernel_floor(n, k)
            floor = gemv + chol
            detail = f"(k, n) GEMV {gemv * 1e6:.1f} + Cholesky {chol * 1e6:.1f}"
            print(f"m={m}, n={n}, k={k}, 1000 iterations, noise 0.01")
            if n <= 2000:
                problem = SupportLeastSquares(GramDesign(A.T @ A), A.T @ y, y @ y)
                report("Gram", per_iteration(problem, k, 1000)[0], floor, detail)
            problem = SupportLeastSquares(dense_operator_design(A), A.T @ y, y @ y)
            measured, result = per_iteration(problem, k, 1000)
            store = problem.design._gram_rows.__self__
            new = store.n_products * 2 * m * n / result.n_iter
            # The products for new indices, at the GEMV rate per flop.
            amortised = new / (2 * n * k) * gemv
            report(
                "operator",
                measured,
                floor + amortised,
                f"{detail} + {amortised * 1e6:.1f} for {store.n_products} new rows",
            )
        m, n, k, nnz = 10_000, 100_000, 100, 10**6
        rng = np.random.default_rng(0)
        X = sp.csc_matrix(
            (
                rng.standard_normal(nnz),
                (rng.integers(0, m, nnz), rng.integers(0, n, nnz)),
            ),
            shape=(m, n),
        )
        coef = np.zeros(n)
        coef[rng.choice(n, k, replace=False)] = 1.0
        y = X @ coef + 0.01 * rng.standard_normal(m)
        design = sparse_operator_design(X, np.zeros(n), np.ones(n), np.ones(m))
        r = rng.standard_normal(m)
        S = np.sort(rng.choice(n, k, replace=False))
        xs = rng.standard_normal(k)
        products = per_call(lambda: design.rmatvec(r), 10) + per_call(
            lambda: design.support_matvec(S, xs), 10
        )
        block = per_call(lambda: design.gram_block(S), 10)
        chol = kernel_floor(n, k)[1]
        problem = SupportLeastSquares(design, X.T @ y, y @ y)
        measured = per_iteration(problem, k, 100)[0]
        print(f"sparse m={m}, n={n}, nnz={nnz}, k={k}, 100 iterations")
        report(
            "sparse",
            measured,
            products + block + chol,
            f"A^T r + A_S x {products * 1e6:.0f} + block {block * 1e6:.0f} "
            f"+ Cholesky {chol * 1e6:.0f}",
        )


if __name__ == "__main__":
    main()

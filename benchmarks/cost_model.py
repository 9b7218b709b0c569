"""Time per SEA iteration against its arithmetic floor, in each mode (issue 16).

Cost model of one SEA iteration on a new support of size k (least squares),
``n`` features, ``m`` samples (flops; see ``benchmarks/README.md``):

- Gram mode: the gradient ``G[S]^T x_S - A^T y`` reads k rows of ``G``
  (``2 n k`` flops), the block ``G_SS`` is gathered from them (``k^2 / 2``
  reads), factored (``k^3 / 3``) and solved (``2 k^2``: the forward solve
  inside the factorisation, which carries the right-hand side as a border
  row, and one back substitution); top-k selection and the update are
  ``O(n)``.
- operator mode (dense ``A``, Gram rows kept): the same arithmetic on the
  kept rows, plus ``2 m n`` per newly visited index (its row ``a_j^T A``,
  computed with the other new indices of the iteration in one product).
- sparse mode: ``A_S x_S`` and ``A^T r`` (``2 nnz(A_S) + 2 nnz(A)``), the
  block ``A_S^T A_S`` and its Cholesky factorisation.

The floor is the time of those kernels alone on this machine, one BLAS
thread, measured without Python's per-call overhead: the gradient and the
support solve (gather of the block, factorisation, back substitution; the
sparse floor times the formation of its block too) are the compiled loop's
own kernels, repeated in C
(``sklearn_sea._core._sea_gram.kernel_seconds``); the products of new Gram
rows are the same matrix products, replayed alone; the sparse products are
long enough that a Python call does not count. The script prints SEA's
measured time per iteration (``_sea`` on a prepared problem, noise 0.01, so
nearly every iteration is a new support) and its ratio to the floor, each
the minimum of ``--repeats`` alternated measurements::

    python benchmarks/cost_model.py [--repeats 3]
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import time

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from sklearn_sea._core import (
    GramDesign,
    SupportLeastSquares,
    _accelerator,
    dense_operator_design,
    sparse_operator_design,
)
from sklearn_sea._core._sea_gram import kernel_seconds
from sklearn_sea._sea import _sea
from sklearn_sea.datasets import make_compressed_sensing


def per_call(function, repeats=20):
    """Median seconds of one call."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def kernels(rows, positions, support, seconds=0.2):
    """Median over 5 rounds of the gradient and support-solve kernels, in C."""
    gradient, solve = kernel_seconds(rows, positions, support, 3)
    repeats = max(int(seconds / max(gradient + solve, 1e-7) / 5), 3)
    rounds = [kernel_seconds(rows, positions, support, repeats) for _ in range(5)]
    return tuple(float(np.median(column)) for column in zip(*rounds, strict=True))


def timed_run(problem, k, max_iter):
    start = time.perf_counter()
    result = _sea(problem, k, max_iter=max_iter, step_size=1.0)
    return (time.perf_counter() - start) / result.n_iter, result


def compare(mode, measure, repeats):
    """Print the best measured time per iteration against the best floor.

    ``measure()`` runs SEA once and times the floor's kernels right after:
    ``(measured, floor, detail)``. On a shared machine either can be slowed
    by other work at any moment, so each is taken at its minimum over
    ``repeats`` alternated measurements, and the per-pair ratios are printed
    as well.
    """
    runs = [measure() for _ in range(repeats)]
    measured = min(run[0] for run in runs)
    floor, detail = min((run[1], run[2]) for run in runs)
    pairs = ", ".join(f"{run[0] / run[1]:.2f}" for run in runs)
    print(
        f"  {mode:26s} measured {measured * 1e6:9.1f} us/iteration, floor "
        f"{floor * 1e6:9.1f} us ({detail})"
    )
    print(
        f"  RATIO {mode} measured / floor: {measured / floor:.2f}   (goal <= 1.5; "
        f"each pair: {pairs})"
    )


def gram_mode(m, n, k, repeats):
    A, y, _ = make_compressed_sensing(m, n, k, noise=0.01, random_state=0)
    gram = A.T @ A
    problem = SupportLeastSquares(GramDesign(gram), A.T @ y, y @ y)
    loop = "compiled" if _accelerator.compiled_gram_loop(problem) else "Python"

    def measure():
        measured, result = timed_run(problem, k, 1000)
        support = np.flatnonzero(result.coef).astype(np.intp)
        gradient, solve = kernels(gram, support, support)
        return (
            measured,
            gradient + solve,
            f"gradient {gradient * 1e6:.1f} + block, Cholesky and solve "
            f"{solve * 1e6:.1f}; {result.n_supports_explored} supports in "
            f"{result.n_iter} iterations",
        )

    compare(f"Gram ({loop} loop)", measure, repeats)


def operator_mode(m, n, k, repeats, max_iter=1000):
    A, y, _ = make_compressed_sensing(m, n, k, noise=0.01, random_state=0)

    def measure():
        # A new design each time: the rows kept are part of what is timed.
        design = dense_operator_design(A)
        store = design._gram_rows
        batches = []
        products = store._products

        def recorded(missing):
            batches.append(missing.shape[0])
            return products(missing)

        store._products = recorded
        problem = SupportLeastSquares(design, A.T @ y, y @ y)
        measured, result = timed_run(problem, k, max_iter)
        support = np.flatnonzero(result.coef).astype(np.intp)
        rows_store, positions = store.positions(support)
        gradient, solve = kernels(rows_store, positions, support)
        # The products of new rows, replayed alone (same shapes, same kernel).
        replay = 0.0
        for size in batches:
            columns = np.arange(size)
            start = time.perf_counter()
            A[:, columns].T @ A
            replay += time.perf_counter() - start
        new_rows = replay / result.n_iter
        return (
            measured,
            gradient + solve + new_rows,
            f"gradient {gradient * 1e6:.1f} + block, Cholesky and solve "
            f"{solve * 1e6:.1f} + {new_rows * 1e6:.1f} for {sum(batches)} new "
            f"rows in {len(batches)} products, amortised over {result.n_iter} "
            "iterations",
        )

    compare("operator (rows kept)", measure, repeats)


def sparse_mode(repeats, m=10_000, n=100_000, nnz=10**6, k=100, max_iter=100):
    rng = np.random.default_rng(0)
    X = sp.csc_matrix(
        (rng.standard_normal(nnz), (rng.integers(0, m, nnz), rng.integers(0, n, nnz))),
        shape=(m, n),
    )
    coef = np.zeros(n)
    coef[rng.choice(n, k, replace=False)] = 1.0
    y = X @ coef + 0.01 * rng.standard_normal(m)
    r = rng.standard_normal(m)

    def measure():
        design = sparse_operator_design(X, np.zeros(n), np.ones(n), np.ones(m))
        problem = SupportLeastSquares(design, X.T @ y, y @ y)
        measured, result = timed_run(problem, k, max_iter)
        support = np.flatnonzero(result.coef).astype(np.intp)
        xs = result.coef[support]
        products = per_call(lambda: design.rmatvec(r)) + per_call(
            lambda: design.support_matvec(support, xs)
        )
        block = per_call(lambda: design.gram_block(support))
        spd = np.ascontiguousarray(design.gram_block(support))
        # The block is formed above; its gather from itself (k^2/2 reads in
        # cache) is in the solve's time, a small part of it.
        solve = kernels(spd, np.arange(k, dtype=np.intp), np.arange(k, dtype=np.intp))[
            1
        ]
        return (
            measured,
            products + block + solve,
            f"A^T r + A_S x {products * 1e6:.0f} + block {block * 1e6:.0f} "
            f"+ gather, Cholesky and solve {solve * 1e6:.0f}",
        )

    print(f"sparse m={m}, n={n}, nnz={nnz}, k={k}, {max_iter} iterations")
    compare("sparse", measure, repeats)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeats", type=int, default=3, help="alternated runs and floors per mode"
    )
    repeats = parser.parse_args().repeats
    with threadpool_limits(1):
        print("m=250, n=500, k=60, 1000 iterations, noise 0.01")
        gram_mode(250, 500, 60, repeats)
        print("m=1000, n=2000, k=200, 1000 iterations, noise 0.01")
        gram_mode(1000, 2000, 200, repeats)
        print("m=2000, n=10000, k=200, 1000 iterations, noise 0.01")
        operator_mode(2000, 10000, 200, repeats)
        sparse_mode(repeats)


if __name__ == "__main__":
    main()

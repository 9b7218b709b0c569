"""Would Cholesky up- and downdates beat refactoring SEA's support solves?

Issue 16 asks for support solves that reuse the previous factorisation where
that is faster. This script records the supports SEA visits on the benchmark
problems (noise 0.01, 1000 iterations: nearly every iteration a new
support) and counts, iteration by iteration, the flops of the two ways of
obtaining the factor of ``G_SS``:

- refactoring: a Cholesky factorisation, ``k^3 / 3`` flops (the compiled
  loop's blocked kernel, vectorised);
- updating the previous factor ``R`` (kept in the order indices entered):
  each index leaving at position ``q`` costs the Givens rotations that
  restore the triangle behind it, ``3 (k - q)^2`` flops; each index
  entering costs a triangular solve for its new column, ``k^2`` flops, and
  is appended (BLAS-1 rotations, row by row).

It prints the number of indices changing per iteration and the ratio of
update flops to refactoring flops; updates pay only where that ratio is
well below 1, since rotations run at a lower rate than a factorisation::

    python benchmarks/cholesky_updates.py [--large]
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse

import numpy as np

from sklearn_sea._core import (
    GramDesign,
    SupportLeastSquares,
    _accelerator,
    dense_operator_design,
)
from sklearn_sea._sea import _sea
from sklearn_sea.datasets import make_compressed_sensing


def visited_supports(m, n, k, max_iter=1000):
    """Supports of SEA's solves, in order (the Python loop, same iterates)."""
    A, y, _ = make_compressed_sensing(m, n, k, noise=0.01, random_state=0)
    design = GramDesign(A.T @ A) if n <= 2000 else dense_operator_design(A)
    problem = SupportLeastSquares(design, A.T @ y, y @ y)
    supports = []
    refit = problem.refit_gradient

    def recorded(support):
        supports.append(support.tolist())
        return refit(support)

    problem.refit_gradient = recorded
    previous = _accelerator.USE_COMPILED
    _accelerator.USE_COMPILED = False  # the compiled loop cannot report supports
    try:
        _sea(problem, k, max_iter=max_iter, step_size=1.0)
    finally:
        _accelerator.USE_COMPILED = previous
    return supports


def update_flops(supports, k):
    """Flops of refactoring and of updating, per iteration after the first."""
    order = list(supports[0])
    changes, update, refactor = [], [], []
    for support in supports[1:]:
        members = set(support)
        leaving = [q for q, index in enumerate(order) if index not in members]
        entering = sorted(members.difference(order))
        cost = 0.0
        for q in leaving:
            # After the earlier removals both the size and q dropped by the
            # same count: the rotations behind q still span k - q rows.
            cost += 3.0 * (k - q) ** 2
        order = [index for index in order if index in members]
        for index in entering:
            cost += float(len(order)) ** 2
            order.append(index)
        changes.append(len(entering))
        update.append(cost)
        refactor.append(k**3 / 3.0)
    return np.array(changes), np.array(update), np.array(refactor)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--large", action="store_true", help="also m=2000, n=10000 (operator mode)"
    )
    args = parser.parse_args()
    problems = [(250, 500, 60), (1000, 2000, 200)]
    if args.large:
        problems.append((2000, 10000, 200))
    for m, n, k in problems:
        supports = visited_supports(m, n, k)
        changes, update, refactor = update_flops(supports, k)
        print(
            f"m={m}, n={n}, k={k}: {len(supports)} solves, indices changing per "
            f"iteration: mean {changes.mean():.1f}, median {np.median(changes):.0f}, "
            f"max {changes.max()}"
        )
        print(
            f"  RATIO update flops / refactoring flops: {update.sum() / refactor.sum():.2f}"
            f"   (iterations where updating needs fewer flops: "
            f"{np.mean(update < refactor):.0%})"
        )


if __name__ == "__main__":
    main()

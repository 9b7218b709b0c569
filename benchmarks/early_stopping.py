"""Quality and time of SEA with ``n_iter_no_change`` (issue 16).

SEA as in the paper runs all ``max_iter`` iterations (1000) and returns the
best support seen. ``n_iter_no_change=p`` stops once the best objective has
not improved for ``p`` iterations. This script measures what that trades,
on the problems of the quick experiments, with their generators:

- phase transition: noiseless ``make_compressed_sensing(m, n=100, k)`` over
  the quick grid (``m/n`` in 0.2..1.0, ``k/m`` in 0.1..0.5), exact support
  recovery rate;
- deconvolution: ``make_spike_deconvolution(500, k, width=3)``, k in
  5..30, mean support distance ``k - |S* n S|``.

SEA is ``SEARegressor(k, max_iter=1000, fit_intercept=False)`` (the
experiments' estimator) with ``tol=0`` (no stop at an exact fit, the worst
case for time), one BLAS thread::

    python benchmarks/early_stopping.py [--runs 5]
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import time

import numpy as np
from threadpoolctl import threadpool_limits

from sklearn_sea import SEARegressor
from sklearn_sea.datasets import make_compressed_sensing, make_spike_deconvolution
from sklearn_sea.experiments._sparse_recovery import phase_grid

PATIENCES = (None, 300, 100, 30)


def phase_problems(runs):
    for _, m, ks in phase_grid(
        100, (0.2, 0.4, 0.6, 0.8, 1.0), (0.1, 0.2, 0.3, 0.4, 0.5)
    ):
        for k in ks:
            for seed in range(runs):
                X, y, coef = make_compressed_sensing(m, 100, k, random_state=seed)
                yield X, y, coef, k


def deconvolution_problems(runs):
    for k in (5, 10, 15, 20, 25, 30):
        for seed in range(runs):
            X, y, coef = make_spike_deconvolution(500, k, width=3.0, random_state=seed)
            yield X, y, coef, k


def evaluate(problems, patience):
    distances, iterations, seconds = [], [], 0.0
    for X, y, coef, k in problems:
        reg = SEARegressor(
            k, max_iter=1000, tol=0, n_iter_no_change=patience, fit_intercept=False
        )
        start = time.perf_counter()
        reg.fit(X, y)
        seconds += time.perf_counter() - start
        found = np.flatnonzero(reg.coef_)
        distances.append(k - np.intersect1d(found, np.flatnonzero(coef)).shape[0])
        iterations.append(reg.n_iter_)
    distances = np.array(distances)
    return (distances == 0).mean(), distances.mean(), np.mean(iterations), seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="problems per grid point")
    args = parser.parse_args()
    print(
        "| problems | n_iter_no_change | exact recoveries | mean support distance "
        "| mean iterations | total time (s) |"
    )
    print("|---|---|---|---|---|---|")
    with threadpool_limits(1):
        for name, make in (
            ("phase transition", phase_problems),
            ("deconvolution", deconvolution_problems),
        ):
            problems = list(make(args.runs))
            for patience in PATIENCES:
                exact, distance, n_iter, seconds = evaluate(problems, patience)
                print(
                    f"| {name} ({len(problems)}) | {patience} | {exact:.1%} | "
                    f"{distance:.2f} | {n_iter:.0f} | {seconds:.2f} |"
                )


if __name__ == "__main__":
    main()

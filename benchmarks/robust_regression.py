"""Robust sparse regression: support recovery under gross outliers.

Gaussian designs with unit-norm columns (n_samples=200, n_features=400,
k=10 nonzeros uniform in [-2,-1] U [1,2]), noise 0.01, and 10% of the
targets corrupted by a gross error of magnitude uniform in [5, 10] and random
sign. Four estimators, side by side in one process with one BLAS thread:

- ``SEARegressor()``, the quadratic loss;
- ``SEARegressor(datafit=Huber(delta=0.1))``;
- scikit-learn's ``HuberRegressor`` on all features, then its k largest
  coefficients (``epsilon=1.35``, ``alpha=1e-4``, its defaults);
- ``OrthogonalMatchingPursuit`` (least squares, greedy), for reference.

The table gives, per problem and on average, the support distance
``k - |S* n S_hat|`` and the fit time. Run from the repository root::

    python benchmarks/robust_regression.py              # 10 problems
    python benchmarks/robust_regression.py --problems 20 --max-iter 300
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import HuberRegressor, OrthogonalMatchingPursuit
from threadpoolctl import threadpool_limits

from sklearn_sea import SEARegressor
from sklearn_sea.datafits import Huber
from sklearn_sea.metrics import support_distance


def corrupted_problem(seed, n_samples, n_features, k, noise, fraction):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    X /= np.linalg.norm(X, axis=0)
    coef = np.zeros(n_features)
    support = rng.choice(n_features, k, replace=False)
    coef[support] = rng.uniform(1, 2, k) * rng.choice([-1, 1], k)
    y = X @ coef + noise * rng.standard_normal(n_samples)
    corrupted = rng.choice(n_samples, int(fraction * n_samples), replace=False)
    y[corrupted] += rng.uniform(5, 10, corrupted.size) * rng.choice(
        [-1, 1], corrupted.size
    )
    return X, y, coef


class TopKHuber:
    """scikit-learn's HuberRegressor on every feature, then its top-k."""

    def __init__(self, k):
        self.k = k

    def fit(self, X, y):
        huber = HuberRegressor(max_iter=1000).fit(X, y)
        keep = np.argsort(-np.abs(huber.coef_), kind="stable")[: self.k]
        self.coef_ = np.zeros(X.shape[1])
        self.coef_[keep] = huber.coef_[keep]
        return self


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=10)
    parser.add_argument("--n-samples", type=int, default=200)
    parser.add_argument("--n-features", type=int, default=400)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--noise", type=float, default=0.01)
    parser.add_argument("--fraction", type=float, default=0.1, help="outliers")
    parser.add_argument("--delta", type=float, default=0.1, help="Huber's delta")
    parser.add_argument("--max-iter", type=int, default=300, help="SEA iterations")
    args = parser.parse_args()
    k = args.k
    estimators = {
        "SEA quadratic": lambda: SEARegressor(k, max_iter=args.max_iter),
        f"SEA Huber({args.delta})": lambda: SEARegressor(
            k, max_iter=args.max_iter, datafit=Huber(delta=args.delta)
        ),
        "HuberRegressor+top-k": lambda: TopKHuber(k),
        "OMP": lambda: OrthogonalMatchingPursuit(n_nonzero_coefs=k),
    }
    distances = {name: [] for name in estimators}
    times = {name: [] for name in estimators}
    print(
        f"n_samples={args.n_samples} n_features={args.n_features} k={k} "
        f"noise={args.noise}, {args.fraction:.0%} of y corrupted by +-[5, 10]; "
        f"SEA max_iter={args.max_iter}; one BLAS thread"
    )
    header = " | ".join(f"{name} dist, ms" for name in estimators)
    print(f"| problem | {header} |")
    print("|---" * (len(estimators) + 1) + "|")
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for seed in range(args.problems):
            X, y, coef = corrupted_problem(
                seed, args.n_samples, args.n_features, k, args.noise, args.fraction
            )
            cells = []
            for name, make in estimators.items():
                estimator = make()
                start = time.perf_counter()
                estimator.fit(X, y)
                elapsed = time.perf_counter() - start
                distance = support_distance(coef, estimator.coef_)
                distances[name].append(distance)
                times[name].append(elapsed)
                cells.append(f"{distance} ({elapsed * 1e3:.0f})")
            print(f"| {seed} | " + " | ".join(cells) + " |")
    print(
        "| mean | "
        + " | ".join(
            f"{np.mean(distances[n]):.1f} ({np.mean(times[n]) * 1e3:.0f})"
            for n in estimators
        )
        + " |"
    )
    print(
        "| exact recoveries | "
        + " | ".join(
            f"{sum(d == 0 for d in distances[n])}/{args.problems}" for n in estimators
        )
        + " |"
    )


if __name__ == "__main__":
    main()

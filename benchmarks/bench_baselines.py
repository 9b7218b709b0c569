"""Support recovery and fit time of every k-sparse estimator, paper regime.

Gaussian compressed sensing as in the SEA paper (n_features=500,
n_samples=250, unit-norm columns, nonzeros uniform in [-2,-1] U [1,2],
noiseless unless ``--noise`` is given), k in {40, 50, 60}, a few seeds. For
each estimator and k the table gives the mean support distance
``k - |S* n S_hat|``, the rate of exact support recovery and the mean
wall-clock fit time, all measured side by side in one process with one BLAS
thread. SEA is run from zero and initialised with ELS and with OMP (the
paper's SEA_ELS and SEA_OMP; their time includes fitting the init).

Run from the repository root::

    python benchmarks/bench_baselines.py            # 5 seeds, about 15 s
    python benchmarks/bench_baselines.py --seeds 2 --ks 40
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from sklearn_sea.datasets import make_compressed_sensing
from sklearn_sea.experiments._algorithms import make_estimator
from sklearn_sea.metrics import support_distance

#: Names in the table -> names of the algorithm registry that the experiments
#: share (sklearn_sea.experiments._algorithms); "OMP" here is this package's.
ESTIMATORS = {
    "IHT": "IHT",
    "HTP": "HTP",
    "CoSaMP": "CoSaMP",
    "SP": "SP",
    "OMP": "OMPRegressor",
    "OMPR": "OMPR",
    "ELS": "ELS",
    "SEA_0": "SEA",
    "SEA_OMP": "SEA-OMP",
    "SEA_ELS": "SEA-ELS",
}


def estimators(k, sea_max_iter):
    return {
        label: make_estimator(name, k, sea_max_iter=sea_max_iter)
        for label, name in ESTIMATORS.items()
    }


def run(n_samples, n_features, ks, seeds, sea_max_iter, noise=0.0):
    # One untimed fit of each estimator first: imports and first-call
    # allocations are not what the table measures.
    X, y, _ = make_compressed_sensing(50, 100, 5, random_state=0)
    for est in estimators(5, 10).values():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(X, y)
    rows = []
    for k in ks:
        records = {}
        for seed in seeds:
            X, y, coef = make_compressed_sensing(
                n_samples, n_features, k, noise=noise, random_state=seed
            )
            for name, est in estimators(k, sea_max_iter).items():
                start = time.perf_counter()
                with warnings.catch_warnings():
                    # IHT often stops on max_iter in this regime; that is the
                    # behaviour being measured, not a problem of the script.
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    est.fit(X, y)
                elapsed = time.perf_counter() - start
                distance = support_distance(coef, est.coef_)
                records.setdefault(name, []).append((distance, elapsed))
        for name, values in records.items():
            distances, times = np.array(values).T
            rows.append(
                (k, name, distances.mean(), np.mean(distances == 0), times.mean())
            )
    return rows


def format_table(rows, n_seeds):
    lines = [
        f"| k | estimator | mean support distance | exact recovery "
        f"({n_seeds} seeds) | mean fit time (s) |",
        "|---|---|---|---|---|",
    ]
    for k, name, distance, exact, seconds in rows:
        lines.append(f"| {k} | {name} | {distance:.1f} | {exact:.0%} | {seconds:.3f} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-samples", type=int, default=250)
    parser.add_argument("--n-features", type=int, default=500)
    parser.add_argument("--ks", type=int, nargs="+", default=[40, 50, 60])
    parser.add_argument("--seeds", type=int, default=5, help="number of seeds")
    parser.add_argument(
        "--noise", type=float, default=0.0, help="noise standard deviation"
    )
    parser.add_argument(
        "--sea-max-iter", type=int, default=1000, help="SEA iterations (default 1000)"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="BLAS threads (default 1: oversubscribed BLAS makes timings "
        "meaningless on a shared machine)",
    )
    args = parser.parse_args(argv)
    with threadpool_limits(args.threads):
        rows = run(
            args.n_samples,
            args.n_features,
            args.ks,
            range(args.seeds),
            args.sea_max_iter,
            args.noise,
        )
    print(
        f"n_samples={args.n_samples}, n_features={args.n_features}, "
        f"noise={args.noise}, Gaussian design, seeds 0..{args.seeds - 1}, "
        f"SEA max_iter={args.sea_max_iter}, {args.threads} BLAS thread(s)"
    )
    print(format_table(rows, args.seeds))


if __name__ == "__main__":
    main()

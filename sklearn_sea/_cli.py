"""Command-line entry point: ``sklearn-sea`` (or ``python -m sklearn_sea``)."""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import sys
import time


def _demo(args):
    import numpy as np
    from sklearn.linear_model import OrthogonalMatchingPursuit

    from . import SEARegressor
    from .datasets import make_spike_deconvolution
    from .metrics import support_distance

    estimators = {
        "SEA": lambda: SEARegressor(args.k, fit_intercept=False),
        "OMP (scikit-learn)": lambda: OrthogonalMatchingPursuit(
            n_nonzero_coefs=args.k, fit_intercept=False
        ),
    }
    distances = {name: [] for name in estimators}
    times = {name: 0.0 for name in estimators}
    for run in range(args.runs):
        X, y, coef = make_spike_deconvolution(
            args.n_features, args.k, random_state=args.seed + run
        )
        for name, make in estimators.items():
            start = time.perf_counter()
            fitted = make().fit(X, y)
            times[name] += time.perf_counter() - start
            distances[name].append(support_distance(coef, fitted.coef_))
    print(
        f"Spike deconvolution, n={args.n_features}, k={args.k}, {args.runs} runs "
        f"(seeds {args.seed}..{args.seed + args.runs - 1})"
    )
    print(f"{'algorithm':<20} {'mean support distance':>22} {'fit time (s)':>13}")
    for name in estimators:
        print(
            f"{name:<20} {np.mean(distances[name]):>22.2f} "
            f"{times[name] / args.runs:>13.4f}"
        )
    return 0


def build_parser():
    parser = argparse.ArgumentParser(
        prog="sklearn-sea",
        description="Experiments of the Support Exploration Algorithm package.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="SEA against OMP on spike deconvolution (quick)."
    )
    demo.add_argument("--n-features", type=int, default=500)
    demo.add_argument("--k", type=int, default=20)
    demo.add_argument("--runs", type=int, default=5)
    demo.add_argument("--seed", type=int, default=0)
    demo.set_defaults(handler=_demo)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

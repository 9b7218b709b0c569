"""Fingerprint of the least-squares results on the problems of ``run.py``.

A refactoring of the SEA core must leave the quadratic results unchanged.
This script fits every problem of ``run.py`` (dense noiseless and noisy,
sparse, the batch sweep, and dense problems in operator mode, float64 and
float32) with ``SEARegressor``, ``sea`` and ``sea_batch``,
in the compiled and the pure-Python loop, and writes the supports, iteration
counts and coefficients to an ``.npz`` file. Run it before and after a change
and compare the two files::

    python benchmarks/quadratic_supports.py --out before.npz
    # ... change the code ...
    python benchmarks/quadratic_supports.py --out after.npz --compare before.npz
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).parent))

from run import sweep_problems  # noqa: E402

from sklearn_sea import SEARegressor, sea, sea_batch  # noqa: E402
from sklearn_sea._core import _accelerator  # noqa: E402
from sklearn_sea.datasets import make_compressed_sensing  # noqa: E402


def dense_problems():
    for noise in (0.0, 0.01):
        X, y, _ = make_compressed_sensing(250, 500, 60, noise=noise, random_state=0)
        yield f"dense_noise{noise}", X, y, 60, 1000


def operator_problems():
    """Dense problems in operator mode (``precompute=False``), noise 0.01."""
    X, y, _ = make_compressed_sensing(250, 500, 60, noise=0.01, random_state=0)
    yield "operator_250x500", X, y, 60, 1000
    yield "operator_float32_250x500", X.astype(np.float32), y, 60, 1000
    X, y, _ = make_compressed_sensing(1000, 4000, 100, noise=0.01, random_state=1)
    yield "operator_1000x4000", X, y, 100, 300


def sparse_problem(k=100, seed=0):
    n_samples, n_features, density = 10_000, 100_000, 1e-3
    rng = np.random.default_rng(seed)
    nnz = int(density * n_samples * n_features)
    X = sp.csr_matrix(
        (
            rng.standard_normal(nnz),
            (rng.integers(0, n_samples, nnz), rng.integers(0, n_features, nnz)),
        ),
        shape=(n_samples, n_features),
    )
    coef = np.zeros(n_features)
    support = rng.choice(n_features, k, replace=False)
    coef[support] = rng.uniform(1, 2, k) * rng.choice([-1, 1], k)
    y = X @ coef + 0.01 * rng.standard_normal(n_samples)
    return X, y, k


def fingerprints(compiled):
    _accelerator.USE_COMPILED = compiled and _accelerator.COMPILED_AVAILABLE
    out = {}
    for name, X, y, k, max_iter in dense_problems():
        reg = SEARegressor(k, max_iter=max_iter, tol=0, fit_intercept=False).fit(X, y)
        out[f"{name}_regressor_coef"] = reg.coef_
        out[f"{name}_regressor_n_iter"] = np.array(reg.n_iter_)
        reg = SEARegressor(k, max_iter=max_iter).fit(X, y)
        out[f"{name}_regressor_intercept_coef"] = reg.coef_
        out[f"{name}_regressor_intercept"] = np.array(reg.intercept_)
        coef, n_iter = sea(
            X, y, n_nonzero_coefs=k, max_iter=max_iter, return_n_iter=True
        )
        out[f"{name}_sea_coef"] = coef
        out[f"{name}_sea_n_iter"] = np.array(n_iter)
    for name, X, y, k, max_iter in operator_problems():
        reg = SEARegressor(k, max_iter=max_iter, tol=0, precompute=False).fit(X, y)
        out[f"{name}_regressor_coef"] = reg.coef_
        out[f"{name}_regressor_n_iter"] = np.array(reg.n_iter_)
    X, y, k = sparse_problem()
    coef, n_iter = sea(X, y, n_nonzero_coefs=k, max_iter=100, return_n_iter=True)
    out["sparse_sea_coef"] = coef
    out["sparse_sea_n_iter"] = np.array(n_iter)
    reg = SEARegressor(k, max_iter=100, tol=0).fit(X, y)
    out["sparse_regressor_coef"] = reg.coef_
    for n_features in (100, 200):
        for i, (k, X, y, tol) in enumerate(
            sweep_problems(n_features, (0.3, 0.5), (0.1, 0.2, 0.3), 4)
        ):
            coef, n_iter = sea_batch(
                X, y, n_nonzero_coefs=k, max_iter=1000, tol=tol, return_n_iter=True
            )
            out[f"batch{n_features}_{i}_coef"] = coef
            out[f"batch{n_features}_{i}_n_iter"] = np.asarray(n_iter)
    return {
        f"{'compiled' if compiled else 'python'}_{key}": v for key, v in out.items()
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--compare", help="an earlier output to compare with")
    args = parser.parse_args()
    results = {**fingerprints(True), **fingerprints(False)}
    np.savez(args.out, **results)
    print(f"wrote {len(results)} arrays to {args.out}")
    if args.compare:
        before = np.load(args.compare)
        supports_same = coefs_same = 0
        for key in before.files:
            old, new = before[key], results[key]
            if key.endswith("_coef"):
                old_s = [np.flatnonzero(c) for c in np.atleast_2d(old.T)]
                new_s = [np.flatnonzero(c) for c in np.atleast_2d(new.T)]
                same = all(
                    np.array_equal(a, b) for a, b in zip(old_s, new_s, strict=False)
                )
                supports_same += same
                coefs_same += np.array_equal(old, new)
                if not same:
                    print(f"SUPPORT DIFFERS: {key}")
            elif not np.array_equal(old, new):
                print(f"DIFFERS: {key}")
        n_coef = sum(key.endswith("_coef") for key in before.files)
        print(
            f"same supports {supports_same}/{n_coef}, bit-identical coefficients "
            f"{coefs_same}/{n_coef}; other arrays compared exactly"
        )


if __name__ == "__main__":
    main()

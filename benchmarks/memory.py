"""Extra memory of a long SEA fit, and a huge ``max_iter`` on an easy problem.

Issue 16: memory must follow what a run uses, not ``max_iter``, and every
per-fit cache must stay under its byte budget. This script fits
``make_compressed_sensing(250, 500, 60, noise=0.01)`` with ``SEARegressor``
for ``--iterations`` iterations (no early stop; with noise SEA visits a new
support at nearly every iteration, the worst case for per-support caches),
in the compiled and the pure-Python loop, and prints the peak of
``tracemalloc`` (numpy's allocations included) and the growth of the
process's resident set, against the 64 MiB goal. It then fits a noiseless
problem with ``max_iter=10**11``, which must stop at its exact fit. With
``--float32 MxN`` it also fits a dense float32 design of that shape in
operator mode (``precompute=False``, k=100, 100 iterations) and prints the
fit's ``tracemalloc`` peak against the bytes of ``X`` (a float64 working
copy alone would be twice them)::

    python benchmarks/memory.py --iterations 1000000 [--float32 3000x20000]
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import resource
import time
import tracemalloc

import numpy as np
from threadpoolctl import threadpool_limits

from sklearn_sea import SEARegressor
from sklearn_sea._core import _accelerator
from sklearn_sea.datasets import make_compressed_sensing

MIB = 2**20


def max_rss():
    """Peak resident set of the process so far, in bytes (Linux: KiB units)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measure(X, y, iterations, compiled):
    _accelerator.USE_COMPILED = compiled and _accelerator.COMPILED_AVAILABLE
    reg = SEARegressor(60, max_iter=iterations, tol=0, fit_intercept=False)
    rss_before = max_rss()
    tracemalloc.start()
    start = time.perf_counter()
    reg.fit(X, y)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return reg, peak, max_rss() - rss_before, seconds


def measure_float32(shape):
    m, n = (int(size) for size in shape.split("x"))
    rng = np.random.default_rng(0)
    X = rng.standard_normal((m, n), dtype=np.float32)
    coef = np.zeros(n)
    coef[rng.choice(n, 100, replace=False)] = 1.0
    y = X @ coef + 0.01 * rng.standard_normal(m)
    reg = SEARegressor(100, max_iter=100, tol=0, precompute=False)
    tracemalloc.start()
    start = time.perf_counter()
    reg.fit(X, y)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"float32 X of {m}x{n} ({X.nbytes / MIB:.0f} MiB), operator mode, "
        f"{reg.n_iter_} iterations, {seconds:.1f} s: tracemalloc peak "
        f"{peak / MIB:.1f} MiB"
    )
    print(f"RATIO float32 fit's peak traced memory / bytes of X: {peak / X.nbytes:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=1_000_000)
    parser.add_argument(
        "--loops", default="compiled,python", help="comma-separated: compiled,python"
    )
    parser.add_argument(
        "--float32", default=None, help="shape MxN of a float32 operator-mode fit"
    )
    args = parser.parse_args()
    if args.float32:
        with threadpool_limits(1):
            measure_float32(args.float32)
    X, y, _ = make_compressed_sensing(250, 500, 60, noise=0.01, random_state=0)
    with threadpool_limits(1):
        for loop in args.loops.split(","):
            if loop == "compiled" and not _accelerator.COMPILED_AVAILABLE:
                print("compiled loop not built: skipped")
                continue
            reg, peak, rss, seconds = measure(X, y, args.iterations, loop == "compiled")
            print(
                f"{loop:8s} loop, {reg.n_iter_} iterations, "
                f"{reg.n_supports_explored_} distinct supports, {seconds:.1f} s: "
                f"tracemalloc peak {peak / MIB:.1f} MiB, max RSS growth "
                f"{rss / MIB:.1f} MiB"
            )
            print(
                f"RATIO {loop} peak traced memory / 64 MiB goal: {peak / (64 * MIB):.2f}"
            )
        _accelerator.USE_COMPILED = _accelerator.COMPILED_AVAILABLE
        X, y, _ = make_compressed_sensing(250, 500, 20, random_state=0)
        reg = SEARegressor(20, max_iter=10**11, fit_intercept=False).fit(X, y)
        print(
            f"max_iter=10**11 on a noiseless problem: stopped after {reg.n_iter_} "
            f"iterations, R^2 = {reg.score(X, y):.12f}"
        )


if __name__ == "__main__":
    main()

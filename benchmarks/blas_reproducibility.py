"""How often SEA's result depends on the BLAS kernel: measured, not assumed.

Runs the same SEA fits in child processes that differ only in the OpenBLAS
kernel they are told to use (``OPENBLAS_CORETYPE``, set for each child alone)
and counts the problems whose support differs, with the objective gap.
Each family has its own problems; the seeds are fixed.

    python benchmarks/blas_reproducibility.py --problems 50 \
        --kernels Haswell Sandybridge Prescott

A kernel the CPU cannot run (e.g. SkylakeX without AVX-512) makes its child
fail; pick kernels the machine supports.
"""

import argparse
import json
import os
import subprocess
import sys

CHILD = r"""
import json, sys
import numpy as np
from threadpoolctl import threadpool_info
from sklearn_sea import SEARegressor
from sklearn_sea.datasets import make_compressed_sensing, make_spike_deconvolution

n_problems = int(sys.argv[1])
out = {"kernel": sorted({p.get("architecture") for p in threadpool_info()
                         if p.get("internal_api") == "openblas"} - {None})}
for family in ("gaussian", "deconvolution", "duplicated"):
    rows = []
    for seed in range(n_problems):
        if family == "gaussian":
            X, y, _ = make_compressed_sensing(100, 200, 20, noise=0.05, random_state=seed)
            k = 20
        elif family == "deconvolution":
            X, y, _ = make_spike_deconvolution(200, 15, noise=0.05, random_state=seed)
            k = 15
        else:
            X, y, _ = make_compressed_sensing(100, 100, 10, noise=0.05, random_state=seed)
            X, k = np.hstack([X, X]), 10
        reg = SEARegressor(k, max_iter=1000).fit(X, y)
        rows.append([np.flatnonzero(reg.coef_).tolist(), float(reg.loss_curve_.min())])
    out[family] = rows
print(json.dumps(out))
"""


def run(kernel, n_problems):
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_L2_SIZE"}
    env["OPENBLAS_CORETYPE"] = kernel
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(n_problems)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(child.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=50)
    parser.add_argument("--kernels", nargs="+", default=["Haswell", "Prescott"])
    args = parser.parse_args()
    runs = {kernel: run(kernel, args.problems) for kernel in args.kernels}
    first = args.kernels[0]
    print(
        f"{args.problems} problems per family; reference kernel {first} "
        f"(reported: {runs[first]['kernel']})"
    )
    print("| family | kernel | supports differing | largest objective gap |")
    print("|---|---|---|---|")
    for family in ("gaussian", "deconvolution", "duplicated"):
        for kernel in args.kernels[1:]:
            differ, gap = 0, 0.0
            for (s0, f0), (s1, f1) in zip(
                runs[first][family], runs[kernel][family], strict=False
            ):
                if s0 != s1:
                    differ += 1
                    gap = max(gap, abs(f1 - f0) / min(f0, f1))
            print(
                f"| {family} | {kernel} ({runs[kernel]['kernel']}) | "
                f"{differ} of {args.problems} | {100 * gap:.1f}% |"
            )


if __name__ == "__main__":
    main()

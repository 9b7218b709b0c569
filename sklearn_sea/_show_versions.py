"""What to paste into a bug report: versions, BLAS, and the SEA loop in use."""

# SPDX-License-Identifier: BSD-3-Clause

import os
import platform
import sys
from importlib.metadata import PackageNotFoundError, version

from ._core import _accelerator

_DEPENDENCIES = (
    "sklearn-sea",
    "numpy",
    "scipy",
    "scikit-learn",
    "joblib",
    "threadpoolctl",
    "matplotlib",
    "pandas",
    "pip",
    "setuptools",
    "Cython",
)


def _package_versions():
    versions = {}
    for name in _DEPENDENCIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return versions


def _sea_loop_info():
    """Whether the compiled SEA loop is built, and whether it runs."""
    if not _accelerator.COMPILED_AVAILABLE:
        state = "pure Python (the compiled loop was not built: no compiler at install)"
    elif not _accelerator.USE_COMPILED:
        state = "pure Python (the compiled loop is built but switched off"
        if os.environ.get("SKLEARN_SEA_PURE_PYTHON") == "1":
            state += " by SKLEARN_SEA_PURE_PYTHON=1"
        state += ")"
    else:
        state = "compiled"
    return {
        "compiled loop built": _accelerator.COMPILED_AVAILABLE,
        "compiled loop active": bool(_accelerator.USE_COMPILED),
        "SEA loop": state,
    }


def _blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:  # pragma: no cover - a dependency of scikit-learn
        return []
    import numpy  # noqa: F401  (loads numpy's BLAS so that it is listed)

    return [
        {
            key: pool.get(key)
            for key in (
                "internal_api",
                "version",
                "architecture",
                "num_threads",
                "threading_layer",
                "filepath",
            )
        }
        for pool in threadpool_info()
    ]


def show_versions():
    """Print versions, the BLAS in use and whether SEA runs its compiled loop.

    For bug reports: the results of SEA can differ in rounding between BLAS
    kernels (see the user guide, *Reproducibility across machines*), and
    its speed depends on whether the compiled loop is active.

    Examples
    --------
    >>> import sklearn_sea
    >>> sklearn_sea.show_versions()  # doctest: +SKIP
    """
    sections = {
        "System": {
            "python": sys.version.replace("\n", " "),
            "executable": sys.executable,
            "machine": platform.platform(),
        },
        "Python dependencies": _package_versions(),
        "SEA loop": _sea_loop_info(),
    }
    for title, entries in sections.items():
        print(f"\n{title}:")
        for key, value in entries.items():
            print(f"{key:>22}: {value}")
    overrides = {
        name: os.environ[name]
        for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS")
        if name in os.environ
    }
    print("\nThreadpool libraries (BLAS):")
    for pool in _blas_info():
        print()
        for key, value in pool.items():
            print(f"{key:>22}: {value}")
    if overrides:
        print("\nEnvironment overrides:")
        for key, value in overrides.items():
            print(f"{key:>22}: {value}")

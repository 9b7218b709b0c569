"""k-sparse linear models with the Support Exploration Algorithm (SEA).

The whole public API:

- :class:`SEARegressor` and the function :func:`sea`;
- :class:`SEASelector` (SEA after any sparse estimator) and :class:`SEARegressorCV`;
- :mod:`sklearn_sea.datasets`: problem generators;
- :mod:`sklearn_sea.metrics`: support-recovery metrics and scorers.
"""

# SPDX-License-Identifier: BSD-3-Clause

from importlib.metadata import PackageNotFoundError, version

from ._binary_network import BinaryHeavisideRegressor
from ._cv import SEARegressorCV
from ._sea import SEARegressor, sea
from ._selector import SEASelector

try:
    __version__ = version("sklearn-sea")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "BinaryHeavisideRegressor",
    "SEARegressor",
    "SEARegressorCV",
    "SEASelector",
    "__version__",
    "sea",
]

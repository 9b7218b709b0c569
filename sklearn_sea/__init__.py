"""k-sparse linear models with the Support Exploration Algorithm (SEA).

The whole public API:

- :class:`SEARegressor`, the function :func:`sea`, and :func:`sea_batch` for
  many problems of one shape at once;
- baselines with the same interface: :class:`OMPRegressor`, :class:`OMPRRegressor`,
  :class:`ELSRegressor`, :class:`IHTRegressor`, :class:`HTPRegressor`,
  :class:`CoSaMPRegressor`, :class:`SPRegressor`;
- :class:`SEASelector` (SEA after any sparse estimator); :class:`SEARegressorCV`
  and :class:`SEARegressorIC` (k by cross-validation or by AIC/BIC), and
  :func:`sea_path` (the solutions for k = 1, 2, ...);
- :class:`SEAClassifier`: k-sparse logistic regression (binary, and
  multinomial with one support shared by all classes), and the baselines
  :class:`OMPClassifier` and :class:`HTPClassifier`; :class:`SEAClassifierCV`
  (k by cross-validation);
- :class:`BinaryHeavisideRegressor`: a binary-weight Heaviside network trained
  with the straight-through estimator;
- :mod:`sklearn_sea.datafits`: the losses SEA minimises (least squares,
  Huber, logistic, or one's own) as ``SEARegressor(datafit=...)``;
- :mod:`sklearn_sea.datasets`: problem generators (k-sparse recovery and
  binary teachers);
- :mod:`sklearn_sea.metrics`: support-recovery metrics and scorers;
- :mod:`sklearn_sea.experiments`: the papers' experiments as functions
  returning tables (run them with the ``sklearn-sea`` command line);
- :func:`show_versions`: versions, BLAS and the SEA loop in use, for bug
  reports.
"""

# SPDX-License-Identifier: BSD-3-Clause

from importlib.metadata import PackageNotFoundError, version

from ._baselines import (
    CoSaMPRegressor,
    ELSRegressor,
    HTPRegressor,
    IHTRegressor,
    OMPRegressor,
    OMPRRegressor,
    SPRegressor,
)
from ._binary_network import BinaryHeavisideRegressor
from ._classifier import SEAClassifier
from ._classifier_baselines import HTPClassifier, OMPClassifier
from ._classifier_cv import SEAClassifierCV
from ._cv import SEARegressorCV
from ._information_criterion import SEARegressorIC
from ._path import sea_path
from ._sea import SEARegressor, sea
from ._sea_batch import sea_batch
from ._selector import SEASelector
from ._show_versions import show_versions

try:
    __version__ = version("sklearn-sea")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "BinaryHeavisideRegressor",
    "CoSaMPRegressor",
    "ELSRegressor",
    "HTPClassifier",
    "HTPRegressor",
    "IHTRegressor",
    "OMPClassifier",
    "OMPRRegressor",
    "OMPRegressor",
    "SPRegressor",
    "SEAClassifier",
    "SEAClassifierCV",
    "SEARegressor",
    "SEARegressorCV",
    "SEARegressorIC",
    "SEASelector",
    "__version__",
    "sea",
    "sea_batch",
    "sea_path",
    "show_versions",
]

"""The algorithm registry: every k-sparse estimator the experiments compare.

One name, one estimator: the command line, the sweeps of
:mod:`sklearn_sea.experiments` and the scripts of ``benchmarks/`` all build
their estimators here, so a comparison means the same thing everywhere.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import lasso_path

from .._core import top_k
from .._sea import DEFAULT_MAX_ITER

#: The algorithms compared in the SEA paper's Figures 2 to 4, in legend order,
#: and SEA started from OMP, a warm start the paper discusses. "OMP" is
#: scikit-learn's :class:`~sklearn.linear_model.OrthogonalMatchingPursuit`;
#: the others are this package's estimators (see :func:`make_estimator`).
ALGORITHMS = (
    "SEA",
    "SEA-ELS",
    "SEA-OMP",
    "ELS",
    "OMPR",
    "OMP",
    "HTP",
    "IHT",
    "CoSaMP",
    "Lasso",
)


#: The other names of the registry, outside the paper's comparison (the
#: benchmarks use them): subspace pursuit and this package's OMP
#: (:class:`~sklearn_sea.OMPRegressor`).
MORE_ALGORITHMS = ("SP", "OMPRegressor")


#: Names of :data:`ALGORITHMS` as the tables and figures show them: they say
#: which algorithm is scikit-learn's rather than this package's.
ALGORITHM_LABELS = {"OMP": "OMP (scikit-learn)"}


#: SEA started from another algorithm's solution: its name and that algorithm.
#: Both use the experiments' one warm-start step (``sea_warm_step``).
WARM_STARTS = {"SEA-ELS": "ELS", "SEA-OMP": "OMP"}


def algorithm_label(name):
    """The label of an algorithm in legends (its name unless said otherwise)."""
    return ALGORITHM_LABELS.get(name, name)


def algorithm_legend(algorithms, *, warm_step=None):
    """One line saying where the compared algorithms come from.

    Examples
    --------
    >>> from sklearn_sea.experiments._sparse_recovery import algorithm_legend
    >>> print(algorithm_legend(["SEA", "SEA-ELS", "SEA-OMP", "OMP"], warm_step=100.0))
    legend: OMP is scikit-learn's OrthogonalMatchingPursuit; SEA-ELS and SEA-OMP
    are SEA started from ELS and from OMP (step_size=100); the others are
    sklearn_sea's estimators.
    """
    parts = []
    if "OMP" in algorithms:
        parts.append("OMP is scikit-learn's OrthogonalMatchingPursuit")
    warm = [name for name in WARM_STARTS if name in algorithms]
    if warm:
        step = "auto" if warm_step in (None, "auto") else f"{warm_step:g}"
        starts = " and from ".join(WARM_STARTS[name] for name in warm)
        verb = "is" if len(warm) == 1 else "are"
        parts.append(
            f"{' and '.join(warm)} {verb} SEA started from {starts} (step_size={step})"
        )
    if any(name not in ("OMP", *WARM_STARTS) for name in algorithms):
        others = "the others" if parts else "all"
        parts.append(f"{others} are sklearn_sea's estimators")
    return "legend: " + "; ".join(parts) + "."


class LassoPathTopK(BaseEstimator):
    """Support of size k read off the Lasso regularisation path.

    The path is computed on the design with unit-norm columns and no
    intercept (:func:`sklearn.linear_model.lasso_path`, default grid of
    alphas); the estimate keeps the k largest ``|coef|`` at the first alpha
    whose solution has at least k nonzeros, or at the last alpha when none
    has. This is how a k-sparse support is obtained from the Lasso in the
    sparse-recovery comparisons.

    Parameters
    ----------
    n_nonzero_coefs : int
        Support size k.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        The Lasso coefficients on the selected k indices, zero elsewhere, in
        the scale of the input design.
    alpha_ : float
        The alpha of the path point used.
    """

    def __init__(self, n_nonzero_coefs):
        self.n_nonzero_coefs = n_nonzero_coefs

    def fit(self, X, y):
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        norms = np.linalg.norm(X, axis=0)
        norms[norms == 0] = 1.0
        X = X / norms
        # lasso_path's default grid: 100 alphas from alpha_max down to
        # 1e-3 alpha_max. It is walked in chunks, each warm-started from the
        # last solution exactly as one call would, and left as soon as k
        # nonzeros appear: the small alphas, the slowest ones, are rarely needed.
        alpha_max = np.abs(X.T @ y).max() / X.shape[0]
        grid = (
            np.geomspace(alpha_max, 1e-3 * alpha_max, 100) if alpha_max > 0 else [1.0]
        )
        coef = None
        for chunk in np.array_split(np.asarray(grid), min(10, len(grid))):
            alphas, coefs, _ = lasso_path(X, y, alphas=chunk, coef_init=coef)
            reached = np.flatnonzero(
                np.count_nonzero(coefs, axis=0) >= self.n_nonzero_coefs
            )
            point = reached[0] if reached.size else len(alphas) - 1
            coef = coefs[:, point]
            if reached.size:
                break
        support = top_k(coef, self.n_nonzero_coefs)
        self.coef_ = np.zeros(X.shape[1])
        self.coef_[support] = coef[support] / norms[support]
        self.alpha_ = float(alphas[point])
        return self


def make_estimator(
    name, n_nonzero_coefs, *, sea_max_iter=DEFAULT_MAX_ITER, sea_warm_step="auto"
):
    """The estimator behind an algorithm name of :data:`ALGORITHMS`.

    Every estimator is used with its documented defaults and no intercept
    (the problems have none); only SEA's iteration budget and the step of
    SEA started from another solution are settings of the experiments. "OMP" is
    scikit-learn's :class:`~sklearn.linear_model.OrthogonalMatchingPursuit`
    (the comparison the SEA paper makes); on the experiments' unit-norm
    designs it selects the same support as this package's
    :class:`~sklearn_sea.OMPRegressor`.

    Parameters
    ----------
    name : str
        One of :data:`ALGORITHMS` or :data:`MORE_ALGORITHMS`.
    n_nonzero_coefs : int
        Support size k.
    sea_max_iter : int, default=1000
        ``max_iter`` of SEA (from zero and from a warm start).
    sea_warm_step : "auto" or float, default="auto"
        ``step_size`` of SEA started from ELS or from OMP (this package's
        :class:`~sklearn_sea.OMPRegressor`); with a zero start the step does
        not change SEA's supports.

    Returns
    -------
    estimator : estimator instance
        Unfitted; exposes ``coef_`` after ``fit(X, y)``.
    """
    from sklearn.linear_model import OrthogonalMatchingPursuit

    from .. import (
        CoSaMPRegressor,
        ELSRegressor,
        HTPRegressor,
        IHTRegressor,
        OMPRegressor,
        OMPRRegressor,
        SEARegressor,
        SPRegressor,
    )

    k = n_nonzero_coefs
    factories = {
        "SEA": lambda: SEARegressor(k, max_iter=sea_max_iter, fit_intercept=False),
        "SEA-ELS": lambda: SEARegressor(
            k,
            max_iter=sea_max_iter,
            step_size=sea_warm_step,
            init=ELSRegressor(k, fit_intercept=False),
            fit_intercept=False,
        ),
        "ELS": lambda: ELSRegressor(k, fit_intercept=False),
        "OMPR": lambda: OMPRRegressor(k, fit_intercept=False),
        "OMP": lambda: OrthogonalMatchingPursuit(
            n_nonzero_coefs=k, fit_intercept=False
        ),
        "HTP": lambda: HTPRegressor(k, fit_intercept=False),
        "IHT": lambda: IHTRegressor(k, fit_intercept=False),
        "CoSaMP": lambda: CoSaMPRegressor(k, fit_intercept=False),
        "Lasso": lambda: LassoPathTopK(k),
        "SP": lambda: SPRegressor(k, fit_intercept=False),
        "SEA-OMP": lambda: SEARegressor(
            k,
            max_iter=sea_max_iter,
            step_size=sea_warm_step,
            init=OMPRegressor(k, fit_intercept=False),
            fit_intercept=False,
        ),
        "OMPRegressor": lambda: OMPRegressor(k, fit_intercept=False),
    }
    if name not in factories:
        raise ValueError(
            f"Unknown algorithm {name!r}; expected one of {', '.join(factories)}."
        )
    return factories[name]()


def check_algorithms(algorithms):
    """Validated tuple of algorithm names (None means all of :data:`ALGORITHMS`)."""
    if algorithms is None:
        return ALGORITHMS
    algorithms = tuple(algorithms)
    unknown = [name for name in algorithms if name not in ALGORITHMS]
    if unknown or not algorithms:
        raise ValueError(
            f"algorithms must be a non-empty subset of {', '.join(ALGORITHMS)}; "
            f"got {list(algorithms)}."
        )
    return algorithms

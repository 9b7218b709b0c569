"""Shared scikit-learn plumbing of the k-sparse regressors.

Subclasses implement one method, ``_solve(problem, k, coef_init, loss_scale)``,
on a normalised single-target problem (see :mod:`sklearn_sea._core`); this
base validates the data, handles sample weights, the intercept, feature
scaling, multi-output targets and the fitted attributes.
"""

# SPDX-License-Identifier: BSD-3-Clause

import warnings
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array, check_consistent_length
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from ._core import prepare_least_squares
from ._validation import check_2d
from ._validation import named_errors as _named_errors


def resolve_n_nonzero_coefs(n_nonzero_coefs, n_features):
    """Default and clip the sparsity level.

    ``None`` gives 10% of the features (at least one), as scikit-learn's
    :class:`~sklearn.linear_model.OrthogonalMatchingPursuit`; a value above
    ``n_features`` is clipped with a warning.
    """
    if n_nonzero_coefs is None:
        return max(int(0.1 * n_features), 1)
    # Checked here too: parameter validation can be switched off
    # (sklearn.config_context(skip_parameter_validation=True)).
    if not n_nonzero_coefs >= 1:
        raise ValueError(
            f"n_nonzero_coefs must be at least 1; got {n_nonzero_coefs!r}."
        )
    if n_nonzero_coefs > n_features:
        warnings.warn(
            f"n_nonzero_coefs={n_nonzero_coefs} is larger than n_features="
            f"{n_features}; using n_nonzero_coefs={n_features}.",
            UserWarning,
            stacklevel=3,
        )
        return n_features
    return int(n_nonzero_coefs)


def resolve_per_target_k(
    n_nonzero_coefs, n_features, n_targets, name="n_nonzero_coefs"
):
    """Support size of every target, from an int, None or one value per target.

    Returns
    -------
    ks : ndarray of int of shape (n_targets,)
        The k of each target, defaulted and clipped as
        :func:`resolve_n_nonzero_coefs` does.
    reported : int or ndarray of shape (n_targets,)
        What the estimator reports as ``n_nonzero_coefs_``: an int for an
        int (or None), an array for an array.
    """
    if n_nonzero_coefs is None or isinstance(n_nonzero_coefs, Integral):
        k = resolve_n_nonzero_coefs(n_nonzero_coefs, n_features)
        return np.full(n_targets, k, dtype=np.intp), k
    ks = np.asarray(n_nonzero_coefs)
    if ks.ndim != 1 or ks.shape[0] != n_targets:
        raise ValueError(
            f"{name} given per target must have shape (n_targets,) = ({n_targets},); "
            f"got shape {ks.shape}."
        )
    if not (np.issubdtype(ks.dtype, np.integer) and np.all(ks >= 1)):
        raise ValueError(
            f"{name} given per target must hold integers >= 1; got {ks.tolist()}."
        )
    if np.any(ks > n_features):
        warnings.warn(
            f"{name}={ks.tolist()} has values larger than n_features="
            f"{n_features}; they are clipped to {n_features}.",
            UserWarning,
            stacklevel=3,
        )
    ks = np.minimum(ks, n_features).astype(np.intp)
    return ks, ks.copy()


def validate_regression_data(estimator, X, y):
    """Validate ``X`` (numeric, CSR/CSC allowed) and a numeric ``y``.

    ``X`` keeps float32 or becomes float64; ``y`` gets the dtype of ``X``.
    """
    if y is None:
        raise ValueError(
            f"{type(estimator).__name__} requires y to be passed, but the target y "
            "is None."
        )
    check_2d("X", X)
    X = _named_errors(
        "X",
        lambda: validate_data(
            estimator,
            X,
            accept_sparse=["csr", "csc"],
            dtype=[np.float64, np.float32],
        ),
    )
    y = _named_errors(
        "y",
        lambda: check_array(y, ensure_2d=False, dtype=X.dtype, input_name="y"),
    )
    if y.ndim > 2:
        raise ValueError(f"y must be 1-D or 2-D; got an array of shape {y.shape}.")
    check_consistent_length(X, y)
    return X, y


def validate_predict_data(estimator, X):
    """Validate ``X`` at predict time against what ``fit`` saw."""
    check_is_fitted(estimator)
    check_2d("X", X)
    return _named_errors(
        "X",
        lambda: validate_data(
            estimator,
            X,
            accept_sparse=["csr", "csc"],
            dtype=[np.float64, np.float32],
            reset=False,
        ),
    )


def check_sample_weight(sample_weight, X):
    """Validated non-negative weights with a positive sum (ones when None)."""
    weight = _named_errors(
        "sample_weight",
        lambda: _check_sample_weight(
            sample_weight, X, dtype=X.dtype, ensure_non_negative=True
        ),
    )
    if not weight.sum() > 0:
        raise ValueError(
            "sample_weight must have a positive sum; got all-zero weights."
        )
    return weight


def _loss_scales(prepared):
    """Factors from the solvers' objectives to the user's units, per target.

    They overflow to inf beyond ``|y| ~ 1e154`` (and the objectives with
    them); the solvers never use them for that reason.
    """
    with np.errstate(over="ignore"):
        return prepared.y_scale.astype(np.float64) ** 2


class SparseLinearModelMixin(MultiOutputMixin, RegressorMixin):
    """``predict`` and tags of the fitted k-sparse linear regressors.

    Shared by the estimators fitted by a solver (:class:`BaseKSparseRegressor`)
    and by those that select k along a path (cross-validation, information
    criteria): all end with ``coef_`` and ``intercept_`` and accept sparse
    ``X``.
    """

    def predict(self, X):
        """Predict with the fitted k-sparse linear model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predicted values.
        """
        X = validate_predict_data(self, X)
        return safe_sparse_dot(X, self.coef_.T, dense_output=True) + self.intercept_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class BaseKSparseRegressor(SparseLinearModelMixin, BaseEstimator):
    """Base class of the linear regressors with at most k nonzero coefficients.

    Not meant to be used directly.
    """

    _parameter_constraints: dict = {
        "n_nonzero_coefs": [
            Interval(Integral, 1, None, closed="left"),
            "array-like",
            None,
        ],
        "fit_intercept": ["boolean"],
        "precompute": [StrOptions({"auto"}), "boolean"],
    }

    def _solve(self, problem, k, coef_init, loss_scale):
        """Solve one normalised single-target problem; return a SolverResult.

        ``loss_scale`` converts the solver's objective into the user's units
        (the squared scale of the target), e.g. to interpret ``tol``.
        """
        raise NotImplementedError

    def _support_size(self, n_features, n_targets):
        """The support size k of each target, and the ``n_nonzero_coefs_`` to report.

        ``n_nonzero_coefs`` (an int, None or one value per target) defaulted
        and clipped; an estimator whose stopping rule sets the number of
        features reports None.
        """
        return resolve_per_target_k(self.n_nonzero_coefs, n_features, n_targets)

    def _prepare_problem(self, X, y, sample_weight):
        """The normalised problem of every target (least squares here)."""
        return prepare_least_squares(
            X, y, sample_weight, self.fit_intercept, self.precompute
        )

    def _prepare_solver(self, X, y, sample_weight, prepared):
        """Resolve data-dependent settings before the per-target solves.

        Returns the initial coefficients per target in the solver's scale,
        or None.
        """
        return None

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the k-sparse linear model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. Sparse input (CSR or CSC) is never densified.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values; each target gets its own support.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; a weight of 2 counts a sample twice.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y = validate_regression_data(self, X, y)
        sample_weight = check_sample_weight(sample_weight, X)
        y_2d = y.reshape(y.shape[0], -1)
        ks, n_nonzero_coefs = self._support_size(X.shape[1], y_2d.shape[1])
        prepared = self._prepare_problem(X, y_2d, sample_weight)
        inits = self._prepare_solver(X, y, sample_weight, prepared)
        loss_scales = _loss_scales(prepared)
        # Parallel columns count once: k cannot exceed the distinct features.
        ks = np.minimum(ks, prepared.n_features)
        results = [
            self._solve(
                prepared.problem(t),
                int(ks[t]),
                None if inits is None else inits[t],
                loss_scales[t],
            )
            for t in range(prepared.n_targets)
        ]
        self._store_results(results, prepared, single_target=y.ndim == 1, dtype=X.dtype)
        self.n_nonzero_coefs_ = n_nonzero_coefs
        if not all(result.converged for result in results):
            warnings.warn(
                f"{type(self).__name__} stopped at max_iter={self.max_iter} before "
                "its stopping rule was met; consider increasing max_iter.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def _store_results(self, results, prepared, single_target, dtype):
        coef, intercept = prepared.to_original(
            np.array([r.coef for r in results]),
            np.array([r.intercept for r in results]),
        )
        # Objectives are reported in the units of the user's target.
        with np.errstate(over="ignore"):
            curves = [
                r.loss_curve * s
                for r, s in zip(results, _loss_scales(prepared), strict=True)
            ]
        n_iter = np.array([r.n_iter for r in results])
        best_iter = np.array([r.best_iter for r in results])
        explored = np.array([r.n_supports_explored for r in results])
        # Types and shapes of scikit-learn's OrthogonalMatchingPursuit and
        # Lasso: a scalar of the data's dtype for one target, and the Python
        # float 0.0 for every y when no intercept is fitted.
        if not self.fit_intercept:
            self.intercept_ = 0.0
        elif single_target:
            self.intercept_ = dtype.type(intercept[0])
        else:
            self.intercept_ = intercept.astype(dtype, copy=False)
        if single_target:
            self.coef_ = coef[0].astype(dtype, copy=False)
            self.n_iter_, self.best_iter_ = int(n_iter[0]), int(best_iter[0])
            self.n_supports_explored_ = int(explored[0])
            self.loss_curve_ = curves[0]
        else:
            self.coef_ = coef.astype(dtype, copy=False)
            # A list of ints, as scikit-learn's OMP and Lasso report it.
            self.n_iter_ = [int(n) for n in n_iter]
            self.best_iter_ = best_iter
            self.n_supports_explored_ = explored
            self.loss_curve_ = curves

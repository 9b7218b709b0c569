"""Shared scikit-learn plumbing of the k-sparse regressors.

Subclasses implement one method, ``_solve(problem, k, coef_init, loss_scale)``,
on a normalised single-target problem (see :mod:`sklearn_sea._core`); this
base validates the data, handles sample weights, the intercept, feature
scaling, multi-output targets and the fitted attributes.
"""

# SPDX-License-Identifier: BSD-3-Clause

import re
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


def _named_errors(name, validate):
    """Run ``validate()`` and make its error say which input is at fault.

    numpy's own conversion errors ("could not convert string to float") and
    some of scikit-learn's ("Found array with dim 3") do not name the
    argument; users of a grid search need to know which one. Of a message
    over several lines only the first and scikit-learn's "Reshape your data"
    hint are kept: the others print the array itself.
    """
    try:
        return validate()
    except (ValueError, TypeError) as exc:
        message = str(exc)
        lines = message.splitlines() or [type(exc).__name__]
        hints = [line for line in lines[1:] if line.startswith("Reshape your data")]
        short = " ".join([lines[0].rstrip(":") + ".", *hints]) if hints else lines[0]
        if re.search(rf"\b{re.escape(name)}\b", short):
            if short == message:
                raise
            raise type(exc)(short) from exc
        raise type(exc)(f"Invalid {name}: {short}") from exc


def validate_regression_data(estimator, X, y):
    """Validate ``X`` (numeric, CSR/CSC allowed) and a numeric ``y``.

    ``X`` keeps float32 or becomes float64; ``y`` gets the dtype of ``X``.
    """
    if y is None:
        raise ValueError(
            f"{type(estimator).__name__} requires y to be passed, but the target y "
            "is None."
        )
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
    try:
        weight = _check_sample_weight(
            sample_weight, X, dtype=X.dtype, ensure_non_negative=True
        )
    except ValueError as exc:
        if "sample_weight" in str(exc):
            raise
        raise ValueError(f"Invalid sample_weight: {exc}") from exc
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


class BaseKSparseRegressor(MultiOutputMixin, RegressorMixin, BaseEstimator):
    """Base class of the linear regressors with at most k nonzero coefficients.

    Not meant to be used directly.
    """

    _parameter_constraints: dict = {
        "n_nonzero_coefs": [Interval(Integral, 1, None, closed="left"), None],
        "fit_intercept": ["boolean"],
        "precompute": [StrOptions({"auto"}), "boolean"],
    }

    def _solve(self, problem, k, coef_init, loss_scale):
        """Solve one normalised single-target problem; return a SolverResult.

        ``loss_scale`` converts the solver's objective into the user's units
        (the squared scale of the target), e.g. to interpret ``tol``.
        """
        raise NotImplementedError

    def _support_size(self, n_features):
        """The support size k of the solves, and the ``n_nonzero_coefs_`` to report.

        ``n_nonzero_coefs`` defaulted and clipped, for both; an estimator
        whose stopping rule sets the number of features reports None.
        """
        k = resolve_n_nonzero_coefs(self.n_nonzero_coefs, n_features)
        return k, k

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
        k, n_nonzero_coefs = self._support_size(X.shape[1])
        y_2d = y.reshape(y.shape[0], -1)
        prepared = prepare_least_squares(
            X, y_2d, sample_weight, self.fit_intercept, self.precompute
        )
        inits = self._prepare_solver(X, y, sample_weight, prepared)
        loss_scales = _loss_scales(prepared)
        # Parallel columns count once: k cannot exceed the distinct features.
        k = min(k, prepared.n_features)
        results = [
            self._solve(
                prepared.problem(t),
                k,
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
        coef, intercept = prepared.to_original(np.array([r.coef for r in results]))
        # Objectives are reported in the units of the user's target.
        with np.errstate(over="ignore"):
            curves = [
                r.loss_curve * s
                for r, s in zip(results, _loss_scales(prepared), strict=True)
            ]
        n_iter = np.array([r.n_iter for r in results])
        best_iter = np.array([r.best_iter for r in results])
        explored = np.array([r.n_supports_explored for r in results])
        if single_target:
            self.coef_ = coef[0].astype(dtype, copy=False)
            self.intercept_ = float(intercept[0]) if self.fit_intercept else 0.0
            self.n_iter_, self.best_iter_ = int(n_iter[0]), int(best_iter[0])
            self.n_supports_explored_ = int(explored[0])
            self.loss_curve_ = curves[0]
        else:
            self.coef_ = coef.astype(dtype, copy=False)
            self.intercept_ = (
                intercept.astype(dtype, copy=False)
                if self.fit_intercept
                else np.zeros(coef.shape[0], dtype=dtype)
            )
            self.n_iter_, self.best_iter_ = n_iter, best_iter
            self.n_supports_explored_ = explored
            self.loss_curve_ = curves

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

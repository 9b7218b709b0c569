"""Support-recovery metrics.

The estimated support of ``coef_pred`` is always its ``k`` largest entries in
magnitude, where ``k`` is the number of nonzeros of ``coef_true``: this
matches the sparse-recovery literature and makes the metrics meaningful for
dense estimates (Lasso, least squares) as well as for k-sparse ones.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from sklearn.utils import check_array
from sklearn.utils._param_validation import validate_params

from ._core import top_k


def _check_coef_pair(coef_true, coef_pred):
    coef_true = check_array(coef_true, ensure_2d=False, input_name="coef_true")
    coef_pred = check_array(coef_pred, ensure_2d=False, input_name="coef_pred")
    if coef_true.ndim != 1 or coef_pred.shape != coef_true.shape:
        raise ValueError(
            "coef_true and coef_pred must be 1-D arrays of the same length; got "
            f"shapes {coef_true.shape} and {coef_pred.shape}."
        )
    return coef_true, coef_pred


@validate_params(
    {"coef_true": ["array-like"], "coef_pred": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def support_distance(coef_true, coef_pred):
    """Number of true support indices missed by the estimate.

    ``k - |S* intersect S_hat|``, with ``S*`` the nonzeros of ``coef_true``
    (``k`` of them) and ``S_hat`` the ``k`` largest ``|coef_pred|`` (ties to
    the lowest index).

    Parameters
    ----------
    coef_true : array-like of shape (n_features,)
        True coefficients.
    coef_pred : array-like of shape (n_features,)
        Estimated coefficients.

    Returns
    -------
    distance : int
        Between 0 (exact support recovery) and ``k``.

    Examples
    --------
    >>> from sklearn_sea.metrics import support_distance
    >>> support_distance([0, 1.5, 0, -2], [0.1, 1.0, 0, -1.0])
    0
    >>> support_distance([0, 1.5, 0, -2], [3.0, 1.0, 0, 0])
    1
    """
    coef_true, coef_pred = _check_coef_pair(coef_true, coef_pred)
    true_support = np.flatnonzero(coef_true)
    estimated = top_k(coef_pred, true_support.shape[0])
    return int(true_support.shape[0] - np.intersect1d(true_support, estimated).shape[0])


@validate_params(
    {"coef_true": ["array-like"], "coef_pred": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def exact_support_recovery(coef_true, coef_pred):
    """Whether the ``k`` largest ``|coef_pred|`` are exactly the true support.

    Parameters
    ----------
    coef_true : array-like of shape (n_features,)
        True coefficients with ``k`` nonzeros.
    coef_pred : array-like of shape (n_features,)
        Estimated coefficients.

    Returns
    -------
    recovered : bool

    Examples
    --------
    >>> from sklearn_sea.metrics import exact_support_recovery
    >>> exact_support_recovery([0, 1, 0, 2], [0, 0.9, 0.01, 2.2])
    True
    """
    return support_distance(coef_true, coef_pred) == 0


def make_support_scorer(coef_true):
    """Scorer ``(estimator, X, y) -> -support_distance(coef_true, estimator.coef_)``.

    For model selection on synthetic problems where the truth is known
    (greater is better, as scikit-learn scorers require).

    Parameters
    ----------
    coef_true : array-like of shape (n_features,)
        True coefficients.

    Returns
    -------
    scorer : callable

    Examples
    --------
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklearn_sea import SEARegressor
    >>> from sklearn_sea.datasets import make_compressed_sensing
    >>> from sklearn_sea.metrics import make_support_scorer
    >>> X, y, coef = make_compressed_sensing(120, 200, 8, random_state=0)
    >>> scorer = make_support_scorer(coef)
    >>> cross_val_score(SEARegressor(8), X, y, scoring=scorer, cv=3).tolist()
    [0.0, 0.0, 0.0]
    """
    coef_true = check_array(coef_true, ensure_2d=False, input_name="coef_true")

    def scorer(estimator, X, y):
        return -float(support_distance(coef_true, np.ravel(estimator.coef_)))

    return scorer

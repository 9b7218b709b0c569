"""Support-recovery metrics.

The estimated support of ``coef_pred`` is its ``k`` largest entries in
magnitude *among its nonzero entries*, where ``k`` is the number of nonzeros
of ``coef_true``. For dense estimates (Lasso, least squares) this is the
top-``k`` rule of the sparse-recovery literature; an estimate with fewer than
``k`` nonzeros has a smaller estimated support and is charged for every true
index it misses: a zero entry is never credited as a recovered index.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from sklearn.utils import check_array
from sklearn.utils._param_validation import validate_params

from ._core import top_k
from ._validation import named_errors

__all__ = ["exact_support_recovery", "make_support_scorer", "support_distance"]


def _check_vector(value, name, *, ensure_1d=True):
    """A finite, real, non-empty float64 array; errors name ``name``.

    Messages are one line and never print the array (scikit-learn's complex
    check and numpy's conversion errors do, or do not say which argument is
    at fault). With ``ensure_1d=False`` 2-D input is returned as is, for
    callers that check an exact shape themselves.
    """
    try:
        is_complex = np.iscomplexobj(value)
    except (ValueError, TypeError):  # ragged or odd input: check_array says why
        is_complex = False
    if is_complex:
        raise ValueError(f"Invalid {name}: complex data not supported.")
    value = named_errors(
        name,
        lambda: check_array(
            value,
            ensure_2d=False,
            ensure_min_samples=0,
            dtype=np.float64,
            input_name=name,
        ),
    )
    if ensure_1d and value.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array; got shape {value.shape}.")
    if value.size == 0:
        raise ValueError(f"{name} is empty; expected at least one value.")
    return value


def _check_coef_pair(coef_true, coef_pred):
    coef_true = _check_vector(coef_true, "coef_true")
    coef_pred = _check_vector(coef_pred, "coef_pred")
    if coef_pred.shape != coef_true.shape:
        raise ValueError(
            "coef_true and coef_pred must have the same length; got "
            f"{coef_true.shape[0]} and {coef_pred.shape[0]}."
        )
    return coef_true, coef_pred


def _estimated_support(coef_pred, k):
    """The ``k`` largest ``|coef_pred|`` among its nonzeros (ties: lowest index)."""
    support = top_k(coef_pred, k)
    return support[coef_pred[support] != 0]


@validate_params(
    {"coef_true": ["array-like"], "coef_pred": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def support_distance(coef_true, coef_pred):
    """Number of true support indices missed by the estimate.

    ``k - |S* intersect S_hat|``, with ``S*`` the nonzeros of ``coef_true``
    (``k`` of them) and ``S_hat`` the ``k`` largest ``|coef_pred|`` among the
    nonzero entries of ``coef_pred`` (ties to the lowest index). An estimate
    with fewer than ``k`` nonzeros has fewer than ``k`` estimated indices: a
    zero entry never counts as recovered.

    Parameters
    ----------
    coef_true : array-like of shape (n_features,)
        True coefficients: finite, real, non-empty.
    coef_pred : array-like of shape (n_features,)
        Estimated coefficients, of the same length.

    Returns
    -------
    distance : int
        Between 0 (exact support recovery) and ``k``; 0 when ``coef_true``
        is all zero.

    Raises
    ------
    ValueError
        Naming ``coef_true`` or ``coef_pred`` when it is not a finite, real,
        non-empty 1-D array, or when their lengths differ.

    Examples
    --------
    >>> from sklearn_sea.metrics import support_distance
    >>> support_distance([0, 1.5, 0, -2], [0.1, 1.0, 0, -1.0])
    0
    >>> support_distance([0, 1.5, 0, -2], [3.0, 1.0, 0, 0])
    1
    >>> support_distance([1.0, 0, 2.0], [0, 0, 2.0])  # the zero is not credited
    1
    """
    coef_true, coef_pred = _check_coef_pair(coef_true, coef_pred)
    true_support = np.flatnonzero(coef_true)
    estimated = _estimated_support(coef_pred, true_support.shape[0])
    return int(true_support.shape[0] - np.intersect1d(true_support, estimated).shape[0])


@validate_params(
    {"coef_true": ["array-like"], "coef_pred": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def exact_support_recovery(coef_true, coef_pred):
    """Whether the ``k`` largest ``|coef_pred|`` are exactly the true support.

    Only nonzero entries of ``coef_pred`` count (see :func:`support_distance`):
    an estimate with fewer nonzeros than ``coef_true`` never recovers it.

    Parameters
    ----------
    coef_true : array-like of shape (n_features,)
        True coefficients with ``k`` nonzeros: finite, real, non-empty.
    coef_pred : array-like of shape (n_features,)
        Estimated coefficients, of the same length.

    Returns
    -------
    recovered : bool

    Examples
    --------
    >>> from sklearn_sea.metrics import exact_support_recovery
    >>> exact_support_recovery([0, 1, 0, 2], [0, 0.9, 0.01, 2.2])
    True
    >>> exact_support_recovery([1, 0, 2], [0, 0, 2])
    False
    """
    return support_distance(coef_true, coef_pred) == 0


@validate_params({"coef_true": ["array-like"]}, prefer_skip_nested_validation=True)
def make_support_scorer(coef_true):
    """Scorer ``(estimator, X, y) -> -support_distance(coef_true, estimator.coef_)``.

    For model selection on synthetic problems where the truth is known
    (greater is better, as scikit-learn scorers require).

    Parameters
    ----------
    coef_true : array-like of shape (n_features,)
        True coefficients, validated as in :func:`support_distance`.

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
    >>> scores = cross_val_score(SEARegressor(8), X, y, scoring=scorer, cv=3)
    >>> scores.tolist()  # the negated distance: -0.0 is the true support
    [-0.0, -0.0, -0.0]
    """
    coef_true = _check_vector(coef_true, "coef_true")

    def scorer(estimator, X, y):
        return -float(support_distance(coef_true, np.ravel(estimator.coef_)))

    return scorer

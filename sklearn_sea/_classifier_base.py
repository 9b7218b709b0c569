"""Shared scikit-learn plumbing of the k-sparse classifiers.

Every k-sparse classifier of the package (SEA, its cross-validated version
and the baselines) fits the same model: L2-penalised logistic regression,
binary or multinomial, restricted to a support of k features shared by all
classes, solved support by support by
:class:`~sklearn_sea._core._support_logistic.SupportLogistic`. What differs
is only how supports are searched. This module holds the rest: validation,
labels, class and sample weights, the normalised problem, the mapping of
coefficients back to the scale of ``X``, and the probabilities.

A subclass of :class:`BaseKSparseClassifier` implements
``_search(problem, k, data)``; the functions below serve the estimators
that fit many problems (one per cross-validation fold).
"""

# SPDX-License-Identifier: BSD-3-Clause

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from scipy.special import expit, log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.linear_model._base import LinearClassifierMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, validate_data

from ._base import resolve_n_nonzero_coefs
from ._core import prepare_datafit
from ._core._support_logistic import SupportLogistic
from ._validation import check_2d
from ._validation import named_errors as _named_errors
from .datafits import Logistic

#: Curvature bounds of the log-loss in the linear predictor: 1/4 for the
#: sigmoid, 1/2 for the softmax (the largest eigenvalue of
#: ``diag(p) - p p^T``).
CURVATURE = {False: 0.25, True: 0.5}


def validate_classification_data(estimator, X, y):
    """Validate ``X`` (numeric, CSR/CSC allowed) and class labels ``y``."""
    if y is None:
        raise ValueError(
            f"{type(estimator).__name__} requires y to be passed, but the target y "
            "is None."
        )
    check_2d("X", X)
    X, y = _named_errors(
        "X",
        lambda: validate_data(
            estimator,
            X,
            y,
            accept_sparse=["csr", "csc"],
            dtype=[np.float64, np.float32],
            y_numeric=False,
        ),
    )
    check_classification_targets(y)
    return X, y


def check_classes(estimator, y):
    """The sorted labels and ``y`` encoded as their indices; two classes at least."""
    classes, encoded = np.unique(y, return_inverse=True)
    if classes.shape[0] < 2:
        raise ValueError(
            f"{type(estimator).__name__} needs samples of at least 2 classes in "
            f"the data (one class only: {classes[0]!r})."
        )
    return classes, encoded


def default_n_nonzero_coefs(n_nonzero_coefs, n_features):
    """``ceil(sqrt(n_features))`` for None, else clipped with a warning."""
    if n_nonzero_coefs is None:
        return int(np.ceil(np.sqrt(n_features)))
    return resolve_n_nonzero_coefs(n_nonzero_coefs, n_features)


def sample_class_weight(sample_weight, X, y, classes, class_weight):
    """Per-sample weights: ``sample_weight`` times the weight of each class.

    ``class_weight="balanced"`` is computed on the classes present in ``y``
    (a training fold may miss one); a missing class gets no samples anyway.
    """
    weight = _check_sample_weight(
        sample_weight, X, dtype=np.float64, ensure_non_negative=True
    )
    if class_weight is not None:
        present = np.unique(y)
        per_class = compute_class_weight(class_weight, classes=present, y=y)
        weight = weight * per_class[np.searchsorted(present, y)]
    if not weight.sum() > 0:
        raise ValueError("sample_weight and class_weight give every sample 0.")
    return weight


def encode_targets(encoded, n_classes):
    """The 0/1 column of the second class, or the one-hot matrix for > 2 classes."""
    if n_classes > 2:
        Y = np.zeros((encoded.shape[0], n_classes))
        Y[np.arange(encoded.shape[0]), encoded] = 1.0
        return Y
    return encoded[:, None].astype(np.float64)


@dataclass
class LogisticTask:
    """A normalised classification problem; ``problem()`` makes a fresh solver.

    ``prepared`` holds the normalisation (``to_original``,
    ``to_normalized``, ``spectral_norm2``); each call of :meth:`problem`
    returns a :class:`SupportLogistic` with an empty cache of solved
    supports.
    """

    prepared: object
    Y: np.ndarray
    penalty: np.ndarray
    fit_intercept: bool

    @property
    def multinomial(self):
        return self.Y.shape[1] > 1

    @property
    def n_features(self):
        """Features the solvers see (parallel columns count once)."""
        return self.prepared.n_features

    def problem(self, cache_bytes=None):
        prepared = self.prepared
        return SupportLogistic(
            prepared.design,
            self.Y,
            prepared.weight,
            self.penalty,
            self.fit_intercept,
            self.multinomial,
            cache_bytes=cache_bytes,
        )

    def warm_step(self):
        """``1 / (L ||W^{1/2} A||_2^2)``: SEA's step from a warm start."""
        norm2 = self.prepared.spectral_norm2() * CURVATURE[self.multinomial]
        return 1.0 / norm2 if norm2 > 0 else 1.0

    def to_original(self, coef, intercept):
        """Solver ``(n_features, n_outputs)`` coefficients to ``coef_``, ``intercept_``."""
        coef, intercept = self.prepared.to_original(coef.T, intercept)
        if not self.fit_intercept:
            intercept = np.zeros_like(intercept)
        return coef, intercept


def _normalised_task(X, Y, weight, fit_intercept, C):
    prepared = prepare_datafit(X, Y, weight, fit_intercept, Logistic(), order="F")
    scale = prepared.x_scale
    if prepared.folding is not None:
        scale = scale[prepared.folding.representatives]
    # LogisticRegression's ||w||^2 / (2 C), in normalised coordinates
    # x_j = w_j scale_j, for the loss without the factor C.
    penalty = 1.0 / (C * scale**2)
    return LogisticTask(prepared, Y, penalty, fit_intercept)


def logistic_task(X, encoded, n_classes, weight, fit_intercept, C):
    """Normalise validated data into a :class:`LogisticTask`.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Validated design.
    encoded : ndarray of shape (n_samples,)
        Class indices in ``0 .. n_classes - 1``.
    n_classes : int
        Number of classes of the model (a fold may miss some).
    weight : ndarray of shape (n_samples,)
        Sample times class weights.
    fit_intercept : bool
        Fit one intercept per output.
    C : float
        Inverse of the L2 regularisation strength, as in LogisticRegression.
    """
    Y = encode_targets(encoded, n_classes)
    return _normalised_task(X, Y, weight, fit_intercept, C)


def logistic_problem(X, Y, weight, *, C, fit_intercept, cache_bytes=None):
    """The normalised data and the penalised log-loss, solved support by support.

    The problem :class:`SEAClassifier` explores; other k-sparse classifiers
    can share it.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Validated design; never modified.
    Y : ndarray of shape (n_samples, n_outputs)
        Labels 0/1 of the second class (one column: binary model) or the
        one-hot encoding of the classes (multinomial model).
    weight : ndarray of shape (n_samples,)
        Non-negative sample (times class) weights with a positive sum.
    C : float
        Inverse of the L2 regularisation strength, as in
        :class:`~sklearn.linear_model.LogisticRegression`.
    fit_intercept : bool
        Fit one intercept per output.
    cache_bytes : int or None, default=None
        Budget of the solution cache of the problem (see
        :class:`~sklearn_sea._core._support_logistic.SupportLogistic`).

    Returns
    -------
    prepared : PreparedDatafit
        Normalisation; ``prepared.to_original`` maps coefficients back.
    problem : SupportLogistic
        The support-restricted problem in normalised coordinates.
    """
    task = _normalised_task(X, Y, weight, fit_intercept, C)
    return task.prepared, task.problem(cache_bytes=cache_bytes)


@dataclass
class FitData:
    """What a search may need beyond the normalised problem (warm starts)."""

    X: object
    y: np.ndarray
    sample_weight: object
    task: LogisticTask


class ProbabilisticLinearClassifierMixin(LinearClassifierMixin):
    """``predict_proba`` and ``predict_log_proba`` of a logistic model."""

    def predict_proba(self, X):
        """Class probabilities (softmax of the decision function).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities in the order of ``classes_``.
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            p = expit(scores)
            return np.column_stack((1 - p, p))
        return softmax(scores, axis=1)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, computed without underflow.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            scores = np.column_stack((np.zeros_like(scores), scores))
        return log_softmax(scores, axis=1)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class BaseKSparseClassifier(
    ProbabilisticLinearClassifierMixin, ClassifierMixin, BaseEstimator
):
    """A k-sparse logistic model; subclasses say how the support is searched.

    Subclasses implement ``_search(problem, k, data)``, returning the
    solver-scale coefficients ``(n_features, n_outputs)``, the intercepts
    and a dict of diagnostics (``n_iter``, ``best_iter``, ``loss_curve``,
    ``n_supports_explored``), and set any attribute of their own.
    """

    _parameter_constraints: dict = {
        "n_nonzero_coefs": [Interval(Integral, 1, None, closed="left"), None],
        "C": [Interval(Real, 0, None, closed="neither")],
        "fit_intercept": ["boolean"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Fit the k-sparse logistic model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; CSR or CSC input is never densified.
        y : array-like of shape (n_samples,)
            Class labels (integers or strings).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; a weight of 2 counts a sample twice.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y = validate_classification_data(self, X, y)
        self.classes_, encoded = check_classes(self, y)
        weight = sample_class_weight(
            sample_weight, X, y, self.classes_, self.class_weight
        )
        task = logistic_task(
            X, encoded, self.classes_.shape[0], weight, self.fit_intercept, self.C
        )
        k = default_n_nonzero_coefs(self.n_nonzero_coefs, X.shape[1])
        k = min(k, task.n_features)
        data = FitData(X, y, sample_weight, task)
        coef, intercept, info = self._search(task.problem(), k, data)
        self.coef_, self.intercept_ = task.to_original(coef, intercept)
        self.n_nonzero_coefs_ = k
        self.n_iter_ = info["n_iter"]
        self.best_iter_ = info["best_iter"]
        self.loss_curve_ = info["loss_curve"]
        self.n_supports_explored_ = info["n_supports_explored"]
        return self

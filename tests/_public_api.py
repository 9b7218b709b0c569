"""Every public estimator of the package, with small fast settings.

Discovered from ``sklearn_sea.__all__`` so that a new estimator is covered by
the reliability and property tests as soon as it is exported.
"""

import inspect

from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import Lasso

import sklearn_sea
from sklearn_sea._base import BaseKSparseRegressor


def public_estimator_classes():
    classes = (getattr(sklearn_sea, name) for name in sklearn_sea.__all__)
    return [c for c in classes if inspect.isclass(c) and issubclass(c, BaseEstimator)]


def public_regressor_classes():
    """The public estimators fitted on a continuous target (no classifiers)."""
    return [c for c in public_estimator_classes() if not issubclass(c, ClassifierMixin)]


def k_sparse_classes():
    return [
        c for c in public_estimator_classes() if issubclass(c, BaseKSparseRegressor)
    ]


def make_estimator(cls, k=3, **overrides):
    """An instance with a small k and few iterations, for fast tests."""
    params = inspect.signature(cls).parameters
    kwargs = {}
    if "estimator" in params:
        kwargs["estimator"] = Lasso(alpha=0.01)
    if "n_nonzero_coefs" in params:
        kwargs["n_nonzero_coefs"] = k
    if "max_n_nonzero_coefs" in params:
        kwargs["max_n_nonzero_coefs"] = k
    if "max_iter" in params:
        kwargs["max_iter"] = 30
    if "random_state" in params:
        kwargs["random_state"] = 0
    kwargs.update({key: value for key, value in overrides.items() if key in params})
    return cls(**kwargs)


def fitted_output(estimator, X):
    """What a user reads from a fitted estimator: predictions or features."""
    if hasattr(estimator, "predict"):
        return estimator.predict(X)
    return estimator.transform(X)

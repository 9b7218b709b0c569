"""Conventions shared with scikit-learn's linear models, checked against them.

Fitted-attribute types and shapes are compared with
:class:`~sklearn.linear_model.OrthogonalMatchingPursuit` and
:class:`~sklearn.linear_model.Lasso` fitted on the same data; metadata
routing is compared with :class:`~sklearn.linear_model.LassoCV`.
"""

import warnings

import numpy as np
import pytest
import sklearn
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import UnsetMetadataPassedError
from sklearn.linear_model import Lasso, LassoCV, OrthogonalMatchingPursuit
from sklearn.model_selection import GroupKFold

import sklearn_sea
from sklearn_sea import (
    OMPRegressor,
    SEARegressor,
    SEARegressorCV,
    SEARegressorIC,
    SEASelector,
)
from sklearn_sea._base import BaseKSparseRegressor

K_SPARSE = [
    cls
    for cls in (getattr(sklearn_sea, name) for name in sklearn_sea.__all__)
    if isinstance(cls, type) and issubclass(cls, BaseKSparseRegressor)
]
WRAPPERS = {
    "SEARegressorCV": lambda: SEARegressorCV(max_n_nonzero_coefs=3, max_iter=30),
    "SEASelector": lambda: SEASelector(Lasso(alpha=0.05), n_nonzero_coefs=3),
    "SEARegressorIC": lambda: SEARegressorIC(max_n_nonzero_coefs=3, max_iter=30),
}
ESTIMATORS = {
    cls.__name__: (lambda cls=cls: cls(n_nonzero_coefs=3)) for cls in K_SPARSE
}
ESTIMATORS.update(WRAPPERS)


def _data(n_targets, dtype, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((40, 12)).astype(dtype)
    coef = np.zeros((12, max(n_targets, 1)))
    coef[[1, 4, 7]] = rng.uniform(1, 2, (3, coef.shape[1]))
    y = X @ coef + 0.5 + 0.1 * rng.standard_normal((40, coef.shape[1]))
    return X, (y[:, 0] if n_targets == 0 else y).astype(dtype)


def _signature(estimator):
    """Type, shape and dtype of every attribute scikit-learn's models share."""
    described = {}
    for name in ("coef_", "intercept_", "n_iter_"):
        value = getattr(estimator, name)
        items = value if isinstance(value, list) else [value]
        described[name] = (
            type(value),
            np.shape(value),
            getattr(value, "dtype", None),
            {type(item) for item in items},
        )
    return described


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
@pytest.mark.parametrize("n_targets", [0, 2], ids=["1d_y", "2d_y"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fitted_attributes_are_typed_as_in_scikit_learn(
    name, n_targets, fit_intercept, dtype
):
    X, y = _data(n_targets, dtype)
    ours = ESTIMATORS[name]().set_params(fit_intercept=fit_intercept).fit(X, y)
    omp = OrthogonalMatchingPursuit(n_nonzero_coefs=3, fit_intercept=fit_intercept)
    lasso = Lasso(alpha=0.01, fit_intercept=fit_intercept)
    assert _signature(ours) == _signature(omp.fit(X, y)) == _signature(lasso.fit(X, y))


@pytest.mark.parametrize("cls", K_SPARSE, ids=lambda cls: cls.__name__)
def test_scikit_learn_omp_estimator_checks_hold(cls):
    # The assertions of scikit-learn's own OMP estimator test, which failed
    # on ndarray/float intercepts before.
    X, Y = _data(3, np.float64)
    reg = cls(n_nonzero_coefs=3).fit(X, Y[:, 0])
    assert reg.intercept_.shape == ()
    reg.set_params(fit_intercept=False).fit(X, Y)
    assert reg.intercept_ == 0


class _RecordingRegressor(RegressorMixin, BaseEstimator):
    """A linear regressor recording the keyword arguments its fit received."""

    def fit(self, X, y, sample_weight=None, **metadata):
        self.received_ = {"sample_weight": sample_weight, **metadata}
        self.coef_ = np.linalg.lstsq(X, y, rcond=None)[0]
        return self


def _weighted_data():
    X, y = _data(0, np.float64)
    weight = np.random.default_rng(1).uniform(0.5, 2.0, X.shape[0])
    return X, y, weight


def test_init_receives_weights_without_routing_only_when_given():
    X, y, weight = _weighted_data()
    with_weight = SEARegressor(3, init=_RecordingRegressor(), max_iter=5)
    with_weight.fit(X, y, sample_weight=weight)
    np.testing.assert_array_equal(
        with_weight.init_estimator_.received_["sample_weight"], weight
    )
    without = SEARegressor(3, init=_RecordingRegressor(), max_iter=5).fit(X, y)
    assert without.init_estimator_.received_["sample_weight"] is None


@pytest.mark.parametrize("request_weight", [True, False])
def test_init_receives_only_requested_metadata_with_routing(request_weight):
    X, y, weight = _weighted_data()
    with sklearn.config_context(enable_metadata_routing=True):
        init = _RecordingRegressor().set_fit_request(sample_weight=request_weight)
        reg = SEARegressor(3, init=init, max_iter=5).fit(X, y, sample_weight=weight)
    received = reg.init_estimator_.received_["sample_weight"]
    if request_weight:
        np.testing.assert_array_equal(received, weight)
    else:
        assert received is None


def test_init_with_an_unset_request_is_scikit_learns_error():
    X, y, weight = _weighted_data()
    with sklearn.config_context(enable_metadata_routing=True):
        reg = SEARegressor(3, init=Lasso(alpha=0.01), max_iter=5)
        with pytest.raises(UnsetMetadataPassedError, match="Lasso.fit"):
            reg.fit(X, y, sample_weight=weight)
        # Nothing passed, nothing to route.
        reg.fit(X, y)


def _grouped_data():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((48, 10))
    y = X[:, 2] - 2 * X[:, 5] + 0.05 * rng.standard_normal(48)
    groups = np.repeat(np.arange(8), 6)
    return X, y, groups


class _RecordingGroupKFold(GroupKFold):
    """GroupKFold that remembers the groups its split received."""

    def split(self, X, y=None, groups=None):
        self.seen_groups_ = groups
        return super().split(X, y, groups)


def test_cv_passes_groups_to_the_splitter_without_routing():
    X, y, groups = _grouped_data()
    reg = SEARegressorCV(cv=GroupKFold(4), max_n_nonzero_coefs=4, max_iter=30)
    reg.fit(X, y, groups=groups)
    # The folds are GroupKFold's: compare with the errors of explicit folds.
    folds = list(GroupKFold(4).split(X, y, groups))
    explicit = SEARegressorCV(cv=folds, max_n_nonzero_coefs=4, max_iter=30)
    np.testing.assert_array_equal(reg.mse_path_, explicit.fit(X, y).mse_path_)


def test_cv_rejects_other_metadata_without_routing_as_lasso_cv():
    X, y, groups = _grouped_data()
    for estimator in (LassoCV(), SEARegressorCV()):
        with pytest.raises(ValueError, match="enable_metadata_routing=True"):
            estimator.fit(X, y, foo=groups)


def test_cv_routes_splitter_metadata_as_lasso_cv():
    X, y, groups = _grouped_data()
    weight = np.random.default_rng(4).uniform(0.5, 2, X.shape[0])
    with sklearn.config_context(enable_metadata_routing=True):
        reg = SEARegressorCV(cv=GroupKFold(4), max_n_nonzero_coefs=4, max_iter=30)
        reg.fit(X, y, groups=groups)
        splitter = _RecordingGroupKFold(4)
        SEARegressorCV(cv=splitter, max_iter=30).fit(X, y, groups=groups)
        np.testing.assert_array_equal(splitter.seen_groups_, groups)
        # Weights go to the fits whether or not the splitter asks for them.
        weighted = SEARegressorCV(
            cv=GroupKFold(4), max_n_nonzero_coefs=4, max_iter=30
        ).set_fit_request(sample_weight=True)
        weighted.fit(X, y, groups=groups, sample_weight=weight)
        # A splitter that takes no groups: the same error as LassoCV's.
        for estimator in (LassoCV(cv=3), SEARegressorCV(cv=3)):
            with pytest.raises(TypeError, match="not routed to any object"):
                estimator.fit(X, y, groups=groups)
    folds = list(GroupKFold(4).split(X, y, groups))
    explicit = SEARegressorCV(cv=folds, max_n_nonzero_coefs=4, max_iter=30)
    np.testing.assert_array_equal(reg.mse_path_, explicit.fit(X, y).mse_path_)
    explicit.fit(X, y, sample_weight=weight)
    np.testing.assert_array_equal(weighted.mse_path_, explicit.mse_path_)


def _dependent_columns():
    """Columns a, b, a + b and noise: the third enters a span already chosen."""
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal((2, 30))
    X = np.column_stack([a, b, a + b])
    y = rng.standard_normal(30)
    return X, y


def test_omp_warns_on_linear_dependence_as_scikit_learn():
    X, y = _dependent_columns()
    message = "Orthogonal matching pursuit ended prematurely due to linear dependence"
    with pytest.warns(RuntimeWarning, match=message):
        reg = OMPRegressor(n_nonzero_coefs=3, fit_intercept=False).fit(X, y)
    assert reg.n_iter_ == 2 == np.count_nonzero(reg.coef_)


def test_omp_on_an_exact_fit_stops_without_a_warning():
    # The requested precision was met: nothing to warn about.
    rng = np.random.default_rng(6)
    X = rng.standard_normal((30, 8))
    y = X[:, 1] - X[:, 6]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reg = OMPRegressor(n_nonzero_coefs=5, fit_intercept=False).fit(X, y)
    assert reg.n_iter_ == 2

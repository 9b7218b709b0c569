"""SEASelector: SEA after another estimator, as a feature-selection step."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import config_context
from sklearn.base import clone
from sklearn.datasets import load_diabetes
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import (
    ElasticNet,
    Lasso,
    LassoCV,
    LinearRegression,
    OrthogonalMatchingPursuit,
)
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler
from sklearn.tree import DecisionTreeRegressor
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_sea import SEARegressor, SEASelector
from sklearn_sea.datasets import make_compressed_sensing


@pytest.fixture(scope="module")
def diabetes_poly():
    """Diabetes with degree-2 polynomial features, standardised (442 x 65)."""
    X, y = load_diabetes(return_X_y=True)
    X = PolynomialFeatures(2, include_bias=False).fit_transform(X)
    return StandardScaler().fit_transform(X), y


def least_squares_objective(X, y, support, sample_weight=None):
    """``1/2 sum w (y - X_S b - c)^2`` at the least-squares fit on ``support``."""
    fit = LinearRegression().fit(X[:, support], y, sample_weight=sample_weight)
    residual = y - fit.predict(X[:, support])
    weight = np.ones_like(y) if sample_weight is None else sample_weight
    return 0.5 * np.sum(weight * residual**2)


def problem(seed=0, n_samples=60, n_features=100, k=5):
    return make_compressed_sensing(
        n_samples=n_samples,
        n_features=n_features,
        n_nonzero_coefs=k,
        noise=0.01,
        random_state=seed,
    )


def test_diabetes_pipeline_refines_the_lasso_support(diabetes_poly):
    """The issue's demonstration: LassoCV's support, refined by SEA, same size."""
    X_raw, y = load_diabetes(return_X_y=True)
    X_raw = PolynomialFeatures(2, include_bias=False).fit_transform(X_raw)
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            ("sea", SEASelector(LassoCV(cv=5, n_jobs=2))),
            ("ols", LinearRegression()),
        ]
    ).fit(X_raw, y)
    X, _ = diabetes_poly
    selector = pipe.named_steps["sea"]
    lasso_support = np.flatnonzero(selector.estimator_.coef_)
    sea_support = selector.get_support(indices=True)
    assert sea_support.shape == lasso_support.shape == (selector.n_nonzero_coefs_,)
    lasso_objective = least_squares_objective(X, y, lasso_support)
    sea_objective = least_squares_objective(X, y, sea_support)
    # SEA's first iterate is the least-squares refit on the Lasso support,
    # where "sex" and "sex^2" (a binary feature and its square: parallel
    # columns once centred) count as one feature and free a slot ...
    assert selector.loss_curve_[0] <= lasso_objective * (1 + 1e-9)
    assert selector.loss_curve_.min() == pytest.approx(sea_objective, rel=1e-9)
    # ... and on this data it finds a strictly better support of the same size.
    assert sea_objective < 0.99 * lasso_objective
    assert selector.best_iter_ > 0
    # The final regressor refits exactly the selector's coefficients.
    ols = pipe.named_steps["ols"]
    np.testing.assert_allclose(ols.coef_, selector.coef_[sea_support], rtol=1e-8)
    assert ols.intercept_ == pytest.approx(selector.intercept_, rel=1e-10)
    assert pipe.score(X_raw, y) > selector.estimator_.score(X, y)


@pytest.mark.parametrize("alpha", [0.2, 1.0, 5.0])
@pytest.mark.parametrize("estimator", [Lasso, ElasticNet])
def test_never_worse_than_the_estimator_support(diabetes_poly, estimator, alpha):
    X, y = diabetes_poly
    selector = SEASelector(estimator(alpha=alpha), max_iter=200).fit(X, y)
    start = np.flatnonzero(selector.estimator_.coef_)
    chosen = selector.get_support(indices=True)
    assert chosen.shape[0] <= start.shape[0] == selector.n_nonzero_coefs_
    assert least_squares_objective(X, y, chosen) <= least_squares_objective(
        X, y, start
    ) * (1 + 1e-12)


def test_starts_from_the_estimator_top_k(diabetes_poly):
    """With k below the estimator's support size, SEA starts at its top k."""
    X, y = diabetes_poly
    # Without "sex^2", which is parallel to "sex" (a binary feature): the two
    # would count as one feature, holding the sum of their coefficients.
    X = np.delete(X, 20, axis=1)
    lasso = Lasso(alpha=0.5).fit(X, y)
    k = 6
    top = np.sort(np.argsort(-np.abs(lasso.coef_), kind="stable")[:k])
    selector = SEASelector(lasso, n_nonzero_coefs=k, prefit=True, max_iter=1)
    selector.fit(X, y)
    np.testing.assert_array_equal(selector.get_support(indices=True), top)
    assert selector.loss_curve_[0] == pytest.approx(
        least_squares_objective(X, y, top), rel=1e-9
    )


def test_recovers_the_true_support_where_the_lasso_misses_it():
    X, y, coef = problem(seed=1, n_samples=40, k=8)
    true_support = np.flatnonzero(coef)
    selector = SEASelector(Lasso(alpha=0.03)).fit(X, y)
    lasso_support = np.flatnonzero(selector.estimator_.coef_)
    # The Lasso picks 8 features, only 6 of them right ...
    assert lasso_support.shape[0] == selector.n_nonzero_coefs_ == 8
    assert np.intersect1d(lasso_support, true_support).shape[0] == 6
    # ... and SEA, started there, explores its way to the true support.
    assert selector.best_iter_ > 0
    np.testing.assert_array_equal(selector.get_support(indices=True), true_support)
    np.testing.assert_allclose(selector.coef_, coef, atol=0.05)


def test_prefit_uses_the_estimator_as_given():
    X, y, _ = problem(seed=1)
    # Fitted on other data: prefit must not refit it on (X, y).
    X_other, y_other, _ = problem(seed=2)
    lasso = Lasso(alpha=0.01).fit(X_other, y_other)
    selector = SEASelector(lasso, prefit=True, max_iter=1).fit(X, y)
    np.testing.assert_array_equal(selector.estimator_.coef_, lasso.coef_)
    assert selector.estimator_ is not lasso
    assert selector.n_nonzero_coefs_ == np.count_nonzero(lasso.coef_)
    assert selector.best_iter_ == 0
    np.testing.assert_array_equal(
        selector.get_support(indices=True), np.flatnonzero(lasso.coef_)
    )


def test_prefit_requires_a_fitted_estimator():
    X, y, _ = problem()
    with pytest.raises(NotFittedError, match="prefit=True"):
        SEASelector(Lasso(), prefit=True).fit(X, y)


def test_prefit_estimator_with_other_features_is_rejected():
    X, y, _ = problem()
    lasso = Lasso(alpha=0.01).fit(X[:, :10], y)
    with pytest.raises(ValueError, match="init has shape"):
        SEASelector(lasso, prefit=True).fit(X, y)


def test_nested_parameters_are_searchable(diabetes_poly):
    X, y = diabetes_poly
    pipe = Pipeline(
        [("select", SEASelector(Lasso(), max_iter=50)), ("ols", LinearRegression())]
    )
    grid = {"select__estimator__alpha": [0.5, 2.0], "select__n_nonzero_coefs": [3, 6]}
    search = GridSearchCV(pipe, grid, cv=3).fit(X, y)
    best = search.best_estimator_.named_steps["select"]
    assert best.estimator_.alpha == search.best_params_["select__estimator__alpha"]
    assert best.n_nonzero_coefs_ == search.best_params_["select__n_nonzero_coefs"]
    assert search.best_estimator_.named_steps["ols"].n_features_in_ <= 6


def test_unfitted_estimator_is_cloned_not_mutated():
    X, y, _ = problem()
    lasso = Lasso(alpha=0.05)
    selector = SEASelector(lasso).fit(X, y)
    assert not hasattr(lasso, "coef_")
    assert selector.estimator_ is not lasso
    with pytest.raises(NotFittedError):
        SEASelector(Lasso()).transform(X)


class LassoWithNote(Lasso):
    """A Lasso whose ``fit`` takes an extra parameter, to observe routing."""

    def fit(self, X, y, sample_weight=None, note=None):
        self.note_ = note
        return super().fit(X, y, sample_weight=sample_weight)


def test_fit_params_reach_the_estimator_unless_prefit():
    X, y, _ = problem()
    selector = SEASelector(LassoWithNote(alpha=0.05)).fit(X, y, note="hello")
    assert selector.estimator_.note_ == "hello"
    prefit = LassoWithNote(alpha=0.05).fit(X, y)
    selector = SEASelector(prefit, prefit=True).fit(X, y, note="ignored")
    assert selector.estimator_.note_ is None


def test_sample_weight_reaches_an_estimator_that_accepts_it():
    X, y, _ = problem(seed=3)
    weight = np.random.default_rng(0).uniform(0.2, 3.0, X.shape[0])
    selector = SEASelector(Lasso(alpha=0.02)).fit(X, y, sample_weight=weight)
    expected = Lasso(alpha=0.02).fit(X, y, sample_weight=weight)
    np.testing.assert_allclose(selector.estimator_.coef_, expected.coef_)
    refit = SEARegressor(selector.n_nonzero_coefs_, init=expected).fit(
        X, y, sample_weight=weight
    )
    np.testing.assert_allclose(selector.coef_, refit.coef_)


def test_sample_weight_with_an_estimator_that_ignores_it_warns():
    X, y, _ = problem(seed=3)
    weight = np.random.default_rng(0).uniform(0.2, 3.0, X.shape[0])
    selector = SEASelector(OrthogonalMatchingPursuit(n_nonzero_coefs=5))
    with pytest.warns(UserWarning, match="does not accept sample_weight"):
        selector.fit(X, y, sample_weight=weight)
    # SEA itself is weighted: zero weights remove samples.
    weight = np.where(np.arange(X.shape[0]) % 4 == 0, 0.0, 1.0)
    y_corrupted = np.where(weight == 0, y + 50, y)
    kept = weight > 0
    prefit = OrthogonalMatchingPursuit(n_nonzero_coefs=5).fit(X[kept], y[kept])
    selector = SEASelector(prefit, prefit=True)
    selector.fit(X, y_corrupted, sample_weight=weight)
    removed = SEASelector(prefit, prefit=True).fit(X[kept], y[kept])
    np.testing.assert_allclose(selector.coef_, removed.coef_, atol=1e-10)


def test_metadata_routing_sends_sample_weight_when_requested():
    X, y, _ = problem(seed=4)
    weight = np.random.default_rng(1).uniform(0.2, 3.0, X.shape[0])
    with config_context(enable_metadata_routing=True):
        lasso = Lasso(alpha=0.02).set_fit_request(sample_weight=True)
        selector = SEASelector(lasso).set_fit_request(sample_weight=True)
        selector.fit(X, y, sample_weight=weight)
        expected = Lasso(alpha=0.02).fit(X, y, sample_weight=weight)
        np.testing.assert_allclose(selector.estimator_.coef_, expected.coef_)
        # Routed through a pipeline as well.
        ols = LinearRegression().set_fit_request(sample_weight=True)
        pipe = Pipeline([("sea", clone(selector)), ("ols", ols)])
        pipe.fit(X, y, sample_weight=weight)
        np.testing.assert_array_equal(
            pipe.named_steps["sea"].get_support(), selector.get_support()
        )


def test_transform_inverse_transform_and_feature_names():
    pd = pytest.importorskip("pandas")
    X, y, coef = problem(seed=5, n_features=30, k=3)
    columns = [f"x{j}" for j in range(X.shape[1])]
    frame = pd.DataFrame(X, columns=columns)
    selector = SEASelector(Lasso(alpha=0.01), n_nonzero_coefs=3).fit(frame, y)
    support = np.flatnonzero(coef)
    np.testing.assert_array_equal(selector.get_support(indices=True), support)
    np.testing.assert_array_equal(selector.feature_names_in_, columns)
    names = selector.get_feature_names_out()
    np.testing.assert_array_equal(names, [columns[j] for j in support])
    Xt = selector.transform(frame)
    np.testing.assert_array_equal(Xt, X[:, support])
    back = selector.inverse_transform(Xt)
    np.testing.assert_array_equal(back[:, support], X[:, support])
    assert np.count_nonzero(back.any(axis=0)) == 3
    selector.set_output(transform="pandas")
    out = selector.transform(frame)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == list(names)
    np.testing.assert_array_equal(out.to_numpy(), X[:, support])


@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csc_matrix, sp.csr_array])
def test_sparse_input_selects_like_dense(container):
    X, y, _ = problem(seed=6)
    X[np.abs(X) < 0.1] = 0
    dense = SEASelector(Lasso(alpha=0.01), n_nonzero_coefs=5).fit(X, y)
    sparse = SEASelector(Lasso(alpha=0.01), n_nonzero_coefs=5).fit(container(X), y)
    np.testing.assert_array_equal(sparse.get_support(), dense.get_support())
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-7, atol=1e-10)
    Xt = sparse.transform(container(X))
    assert sp.issparse(Xt)
    np.testing.assert_array_equal(Xt.toarray(), dense.transform(X))


def test_float32_input():
    X, y, _ = problem(seed=7)
    selector64 = SEASelector(Lasso(alpha=0.01), n_nonzero_coefs=5).fit(X, y)
    selector32 = SEASelector(Lasso(alpha=0.01), n_nonzero_coefs=5).fit(
        X.astype(np.float32), y.astype(np.float32)
    )
    assert selector32.coef_.dtype == np.float32
    assert selector32.transform(X.astype(np.float32)).dtype == np.float32
    np.testing.assert_array_equal(selector32.get_support(), selector64.get_support())


def test_multi_output_selects_the_union_of_supports():
    X, y, coef = problem(seed=8, n_features=40, k=3)
    rng = np.random.default_rng(0)
    coef2 = rng.permutation(coef)
    Y = np.column_stack([y, X @ coef2])
    selector = SEASelector(Lasso(alpha=0.01), n_nonzero_coefs=3).fit(X, Y)
    assert selector.coef_.shape == (2, X.shape[1])
    assert selector.intercept_.shape == (2,)
    for t, c in enumerate([coef, coef2]):
        np.testing.assert_array_equal(
            np.flatnonzero(selector.coef_[t]), np.flatnonzero(c)
        )
    union = np.union1d(np.flatnonzero(coef), np.flatnonzero(coef2))
    np.testing.assert_array_equal(selector.get_support(indices=True), union)


def test_default_k_is_the_estimator_support_size_at_least_one():
    X, y, _ = problem(seed=9)
    selector = SEASelector(Lasso(alpha=1e3)).fit(X, y)
    assert np.count_nonzero(selector.estimator_.coef_) == 0
    assert selector.n_nonzero_coefs_ == 1
    assert selector.get_support().sum() == 1


def test_k_larger_than_n_features_is_clipped_with_a_warning():
    X, y, _ = problem(seed=10, n_features=8, k=2)
    with pytest.warns(UserWarning, match="n_nonzero_coefs=20 is larger"):
        selector = SEASelector(Lasso(alpha=0.01), n_nonzero_coefs=20).fit(X, y)
    assert selector.n_nonzero_coefs_ == 8


def test_estimator_without_coef_is_rejected():
    X, y, _ = problem()
    with pytest.raises(ValueError, match="coef_"):
        SEASelector(DecisionTreeRegressor()).fit(X, y)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"estimator": "lasso"}, "estimator"),
        ({"n_nonzero_coefs": 0}, "n_nonzero_coefs"),
        ({"max_iter": 0}, "max_iter"),
        ({"prefit": "yes"}, "prefit"),
    ],
)
def test_bad_parameters_are_named(params, match):
    X, y, _ = problem()
    params = {"estimator": Lasso(), **params}
    with pytest.raises(InvalidParameterError, match=match):
        SEASelector(**params).fit(X, y)

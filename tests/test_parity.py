"""Drop-in parity with Lasso / OrthogonalMatchingPursuit for every k-sparse estimator.

The estimators are discovered, not listed: every public class of
``sklearn_sea`` that subclasses ``BaseKSparseRegressor`` is tested, so a new
baseline is covered as soon as it is exported.
"""

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import Lasso, LinearRegression, OrthogonalMatchingPursuit
from sklearn.utils.estimator_checks import (
    check_sample_weight_equivalence_on_dense_data,
    check_sample_weight_equivalence_on_sparse_data,
)

import sklearn_sea
from sklearn_sea import SEARegressorCV, SEASelector
from sklearn_sea._base import BaseKSparseRegressor


def public_k_sparse_estimators():
    classes = [getattr(sklearn_sea, name) for name in sklearn_sea.__all__]
    return [
        cls
        for cls in classes
        if isinstance(cls, type) and issubclass(cls, BaseKSparseRegressor)
    ]


K_SPARSE = public_k_sparse_estimators()
SPARSE_CONTAINERS = [sp.csr_matrix, sp.csc_matrix, sp.csr_array, sp.csc_array]


def test_discovery_finds_the_estimators():
    assert sklearn_sea.SEARegressor in K_SPARSE
    assert SEASelector not in K_SPARSE and SEARegressorCV not in K_SPARSE


def regression_problem(
    seed=0, n_samples=60, n_features=20, k=3, noise=0.05, n_targets=1
):
    """Gaussian design with offsets and unequal column scales, k-sparse truth."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    X = X * rng.uniform(0.5, 3.0, n_features) + rng.uniform(-2, 2, n_features)
    coefs = np.zeros((n_targets, n_features))
    for t in range(n_targets):
        support = rng.choice(n_features, k, replace=False)
        coefs[t, support] = rng.choice([-1, 1], k) * rng.uniform(1, 2, k)
    Y = X @ coefs.T + 3.0 + noise * rng.standard_normal((n_samples, n_targets))
    if n_targets == 1:
        return X, Y[:, 0], coefs[0]
    return X, Y, coefs


def sparse_problem(seed=0, n_samples=80, n_features=20, k=3):
    """A design with about 60% zeros, for sparse-vs-dense comparisons."""
    X, y, coef = regression_problem(seed, n_samples, n_features, k)
    rng = np.random.default_rng(seed + 100)
    X = np.where(rng.uniform(size=X.shape) < 0.6, 0.0, X)
    y = X @ coef + 1.0 + 0.05 * rng.standard_normal(n_samples)
    return X, y, coef


def fitted(cls, X, y, k, sample_weight=None, **params):
    return cls(n_nonzero_coefs=k, **params).fit(X, y, sample_weight=sample_weight)


def precise(cls):
    """Settings under which iterative solvers without refit (IHT) converge.

    A solver that refits least squares on its support is exact anyway; one
    that does not is only as accurate as its stopping tolerance.
    """
    params = cls().get_params()
    if isinstance(params.get("tol"), float):
        return {"tol": 1e-13, "max_iter": 20_000}
    return {}


@pytest.mark.parametrize("cls", K_SPARSE)
@pytest.mark.parametrize(
    "check",
    [
        check_sample_weight_equivalence_on_dense_data,
        check_sample_weight_equivalence_on_sparse_data,
    ],
)
def test_sklearn_sample_weight_equivalence_checks(cls, check):
    check(cls.__name__, cls())


@pytest.mark.parametrize("cls", K_SPARSE)
@pytest.mark.parametrize("container", [np.asarray, sp.csr_matrix, sp.csc_matrix])
def test_integer_weights_equal_repeated_samples(cls, container):
    X, y, _ = sparse_problem(seed=1)
    weight = np.random.default_rng(0).integers(0, 4, X.shape[0])
    weighted = fitted(cls, container(X), y, 3, sample_weight=weight)
    repeated = fitted(
        cls, container(np.repeat(X, weight, axis=0)), np.repeat(y, weight), 3
    )
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-7, atol=1e-9)
    assert weighted.intercept_ == pytest.approx(repeated.intercept_, rel=1e-7)


@pytest.mark.parametrize("cls", K_SPARSE)
def test_weights_are_relative(cls):
    X, y, _ = regression_problem(seed=2)
    weight = np.random.default_rng(1).uniform(0.1, 2.0, X.shape[0])
    base = fitted(cls, X, y, 3, sample_weight=weight)
    scaled = fitted(cls, X, y, 3, sample_weight=1e3 * weight)
    np.testing.assert_allclose(scaled.coef_, base.coef_, rtol=1e-8, atol=1e-10)
    ones = fitted(cls, X, y, 3, sample_weight=np.ones(X.shape[0]))
    np.testing.assert_allclose(ones.coef_, fitted(cls, X, y, 3).coef_, rtol=1e-12)


@pytest.mark.parametrize("cls", K_SPARSE)
def test_multi_output_is_one_fit_per_target(cls):
    X, Y, coefs = regression_problem(seed=3, n_targets=3)
    joint = fitted(cls, X, Y, 3)
    assert joint.coef_.shape == (3, X.shape[1])
    assert joint.intercept_.shape == (3,)
    assert joint.predict(X).shape == Y.shape
    for t in range(3):
        single = fitted(cls, X, Y[:, t], 3)
        np.testing.assert_allclose(joint.coef_[t], single.coef_, rtol=1e-10)
        assert joint.intercept_[t] == pytest.approx(single.intercept_, rel=1e-10)


@pytest.mark.parametrize("cls", K_SPARSE)
@pytest.mark.parametrize("container", SPARSE_CONTAINERS)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sparse_input_gives_the_dense_coefficients(cls, container, fit_intercept):
    X, y, _ = sparse_problem(seed=4)
    weight = np.random.default_rng(2).uniform(0.5, 2.0, X.shape[0])
    params = dict(sample_weight=weight, fit_intercept=fit_intercept)
    dense = fitted(cls, X, y, 3, **params)
    sparse = fitted(cls, container(X), y, 3, **params)
    np.testing.assert_array_equal(
        np.flatnonzero(sparse.coef_), np.flatnonzero(dense.coef_)
    )
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-7, atol=1e-10)
    assert sparse.intercept_ == pytest.approx(dense.intercept_, rel=1e-7, abs=1e-10)
    np.testing.assert_allclose(
        sparse.predict(container(X)), dense.predict(X), rtol=1e-7
    )


def large_sparse_problem(container, n_samples=500, n_features=8000, seed=0):
    """Dense, X would take 32 MB and its Gram matrix 512 MB."""
    rng = np.random.default_rng(seed)
    X = sp.random(n_samples, n_features, density=1e-3, format="csc", random_state=seed)
    support = np.sort(np.argsort(-X.getnnz(axis=0), kind="stable")[:3])
    y = X[:, support] @ np.array([2.0, -1.5, 1.0])
    y = np.asarray(y).ravel() + 0.01 * rng.standard_normal(n_samples)
    return container(X), y, support


def _few_iterations(cls):
    # Enough to recover this easy support; keeps slow baselines fast.
    return {"max_iter": 100} if "max_iter" in cls().get_params() else {}


def _large_sparse_estimators():
    cases = [
        (cls.__name__, lambda cls=cls: cls(n_nonzero_coefs=3, **_few_iterations(cls)))
        for cls in K_SPARSE
    ]
    cases.append(
        (
            "SEASelector",
            lambda: SEASelector(Lasso(alpha=1e-3), n_nonzero_coefs=3, max_iter=100),
        )
    )
    cases.append(
        (
            "SEARegressorCV",
            lambda: SEARegressorCV(max_n_nonzero_coefs=4, cv=2, max_iter=100),
        )
    )
    return cases


# Few iterations: IHT may stop before its tolerance is met, which is fine here.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("name, make", _large_sparse_estimators())
@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csc_matrix])
def test_large_sparse_input_is_never_densified(name, make, container):
    X, y, support = large_sparse_problem(container)
    dense_bytes = X.shape[0] * X.shape[1] * 8
    estimator = make()
    tracemalloc.start()
    try:
        estimator.fit(X, y)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The sparse data takes 50 kB and a vector of length n_features 64 kB:
    # solvers need a few dozen such vectors, never a dense copy of X.
    assert peak < dense_bytes / 4, f"{name} peaked at {peak / 2**20:.1f} MiB"
    coef = np.atleast_2d(estimator.coef_)[0]
    assert np.all(np.isfinite(coef)) and np.count_nonzero(coef) <= 4
    output = getattr(estimator, "predict", getattr(estimator, "transform", None))(X)
    assert np.all(np.isfinite(output.data if sp.issparse(output) else output))
    # Correctness on sparse input is tested against dense input above; the
    # SEA estimators also find this easy support at this size.
    if name.startswith("SEA"):
        assert np.all(np.isin(support, np.flatnonzero(coef)))


@pytest.mark.parametrize("cls", K_SPARSE)
@pytest.mark.parametrize("container", [np.asarray, sp.csr_matrix])
def test_float32_input(cls, container):
    X, y, coef = regression_problem(seed=5)
    reg64 = fitted(cls, container(X), y, 3)
    reg32 = fitted(cls, container(X.astype(np.float32)), y.astype(np.float32), 3)
    assert reg32.coef_.dtype == np.float32
    assert reg64.coef_.dtype == np.float64
    np.testing.assert_array_equal(np.flatnonzero(reg32.coef_), np.flatnonzero(coef))
    np.testing.assert_allclose(reg32.coef_, reg64.coef_, rtol=1e-4, atol=1e-5)
    assert np.all(np.isfinite(reg32.predict(container(X.astype(np.float32)))))


@pytest.mark.parametrize("cls", K_SPARSE)
def test_fit_intercept_centres_the_data(cls):
    X, y, coef = regression_problem(seed=6)
    reg = fitted(cls, X, y, 3)
    np.testing.assert_array_equal(np.flatnonzero(reg.coef_), np.flatnonzero(coef))
    # Shifting the target moves only the intercept; shifting the features
    # moves only the intercept too.
    shifted_y = fitted(cls, X, y + 100.0, 3)
    np.testing.assert_allclose(shifted_y.coef_, reg.coef_, rtol=1e-8, atol=1e-10)
    assert shifted_y.intercept_ == pytest.approx(reg.intercept_ + 100.0, rel=1e-8)
    offset = np.linspace(-5, 5, X.shape[1])
    shifted_X = fitted(cls, X + offset, y, 3)
    np.testing.assert_allclose(shifted_X.coef_, reg.coef_, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(shifted_X.predict(X + offset), reg.predict(X), rtol=1e-7)


@pytest.mark.parametrize("cls", K_SPARSE)
def test_no_intercept_fits_through_the_origin(cls):
    X, y, coef = regression_problem(seed=7)
    X = X - X.mean(axis=0)  # a model without intercept can fit this data
    y = X @ coef
    reg = fitted(cls, X, y, 3, fit_intercept=False, **precise(cls))
    assert reg.intercept_ == 0.0
    np.testing.assert_allclose(reg.coef_, coef, rtol=1e-6, atol=1e-8)
    # Without an intercept, a constant offset in y cannot be absorbed.
    offset = fitted(cls, X, y + 10.0, 3, fit_intercept=False)
    assert offset.intercept_ == 0.0
    assert not np.allclose(offset.predict(X), y + 10.0)


@pytest.mark.parametrize("cls", K_SPARSE)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("container", [np.asarray, sp.csr_matrix])
def test_all_features_is_weighted_least_squares(cls, fit_intercept, container):
    """With k = n_features every estimator is (weighted) ordinary least squares."""
    X, y, _ = regression_problem(seed=8, n_features=6)
    weight = np.random.default_rng(3).uniform(0.2, 2.0, X.shape[0])
    ols = LinearRegression(fit_intercept=fit_intercept).fit(X, y, sample_weight=weight)
    reg = fitted(
        cls,
        container(X),
        y,
        6,
        sample_weight=weight,
        fit_intercept=fit_intercept,
        **precise(cls),
    )
    np.testing.assert_allclose(reg.coef_, ols.coef_, rtol=1e-6, atol=1e-8)
    assert reg.intercept_ == pytest.approx(ols.intercept_, rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("cls", K_SPARSE)
def test_orthonormal_design_agrees_with_omp(cls):
    """On an orthonormal design the best k-sparse fit is known, and OMP finds it."""
    rng = np.random.default_rng(9)
    Q, _ = np.linalg.qr(rng.standard_normal((50, 12)))
    y = Q @ rng.standard_normal(12)
    omp = OrthogonalMatchingPursuit(n_nonzero_coefs=4, fit_intercept=False).fit(Q, y)
    reg = fitted(cls, Q, y, 4, fit_intercept=False, **precise(cls))
    np.testing.assert_allclose(reg.coef_, omp.coef_, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("cls", K_SPARSE)
def test_k_larger_than_n_features_is_clipped_with_a_warning(cls):
    X, y, _ = regression_problem(seed=10, n_features=5, k=2)
    with pytest.warns(UserWarning, match="n_nonzero_coefs=9 is larger"):
        reg = fitted(cls, X, y, 9, **precise(cls))
    assert reg.n_nonzero_coefs_ == 5
    omp = OrthogonalMatchingPursuit(n_nonzero_coefs=5).fit(X, y)
    np.testing.assert_allclose(reg.predict(X), omp.predict(X), rtol=1e-6)


@pytest.mark.parametrize("cls", K_SPARSE)
@pytest.mark.parametrize("n_targets", [1, 2])
def test_fitted_attributes_have_the_shapes_of_omp(cls, n_targets):
    X, y, _ = regression_problem(seed=11, n_features=30, n_targets=n_targets)
    reg = cls().fit(X, y)
    omp = OrthogonalMatchingPursuit().fit(X, y)
    # Same default k: 10% of the features.
    assert reg.n_nonzero_coefs_ == omp.n_nonzero_coefs_ == 3
    assert reg.coef_.shape == omp.coef_.shape
    assert np.shape(reg.intercept_) == np.shape(omp.intercept_)
    assert reg.predict(X).shape == omp.predict(X).shape
    assert reg.n_features_in_ == omp.n_features_in_
    assert reg.score(X, y) >= omp.score(X, y) - 0.05

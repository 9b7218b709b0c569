"""SEARegressorCV: the CV curve, the choice of k, the refit, and parity."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LassoCV, OrthogonalMatchingPursuitCV
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_sea import SEARegressor, SEARegressorCV
from sklearn_sea._cv import _sea_path
from sklearn_sea.datasets import make_compressed_sensing

PATH_PARAMS = dict(
    max_iter=100, step_size="auto", tol=None, fit_intercept=True, precompute="auto"
)


@pytest.fixture(scope="module")
def diabetes_poly():
    X, y = load_diabetes(return_X_y=True)
    return PolynomialFeatures(2, include_bias=False).fit_transform(X), y


def noisy_problem(seed=0, n_targets=1):
    X, y, coef = make_compressed_sensing(
        n_samples=80, n_features=40, n_nonzero_coefs=4, noise=0.02, random_state=seed
    )
    if n_targets == 1:
        return X, y, coef
    # Further targets: the same features in a different order.
    rng = np.random.default_rng(seed)
    coefs = [coef] + [rng.permutation(coef) for _ in range(n_targets - 1)]
    Y = np.column_stack(
        [y] + [X @ c + 0.02 * rng.standard_normal(X.shape[0]) for c in coefs[1:]]
    )
    return X, Y, np.array(coefs)


@pytest.mark.parametrize("path_init", ["previous", "zero"])
def test_recovers_true_k_and_support(path_init):
    X, y, coef = noisy_problem()
    reg = SEARegressorCV(max_n_nonzero_coefs=10, path_init=path_init).fit(X, y)
    assert reg.n_nonzero_coefs_ == 4
    np.testing.assert_array_equal(np.flatnonzero(reg.coef_), np.flatnonzero(coef))
    # Under-fitting k is clearly worse than the true k on held-out data.
    mean = reg.cv_results_["mean_test_mse"]
    assert mean[2] > 10 * mean[3]
    assert reg.n_nonzero_coefs_ == reg.cv_results_["n_nonzero_coefs"][np.argmin(mean)]


def test_zero_init_path_matches_grid_search_over_searegressor(diabetes_poly):
    """Each k of a "zero" path is SEARegressor(k): the CV curves must agree."""
    X, y = diabetes_poly
    ks = list(range(1, 13))
    cv = KFold(5)
    grid = GridSearchCV(
        make_pipeline(StandardScaler(), SEARegressor(max_iter=200)),
        {"searegressor__n_nonzero_coefs": ks},
        cv=cv,
        scoring="neg_mean_squared_error",
        n_jobs=2,
    ).fit(X, y)
    reg = SEARegressorCV(
        max_n_nonzero_coefs=ks[-1], cv=cv, path_init="zero", max_iter=200, n_jobs=2
    ).fit(X, y)
    np.testing.assert_allclose(
        reg.cv_results_["mean_test_mse"],
        -grid.cv_results_["mean_test_score"],
        rtol=1e-8,
    )
    assert reg.n_nonzero_coefs_ == grid.best_params_["searegressor__n_nonzero_coefs"]
    # Refit on the best k is exactly SEARegressor(best k) on all the data.
    refit = SEARegressor(reg.n_nonzero_coefs_, max_iter=200).fit(X, y)
    np.testing.assert_allclose(reg.coef_, refit.coef_, rtol=1e-10, atol=1e-10)
    assert reg.intercept_ == pytest.approx(refit.intercept_, rel=1e-10)


def test_warm_path_objective_decreases_and_beats_cold_start(diabetes_poly):
    X, y = diabetes_poly
    y_2d = y[:, None]
    weight = np.ones(X.shape[0])
    max_k = 15

    def objectives(path_init):
        coefs, intercepts = _sea_path(
            X, y_2d, weight, max_k, path_init=path_init, **PATH_PARAMS
        )
        residuals = y[:, None] - X @ coefs[:, 0].T - intercepts[:, 0]
        return 0.5 * np.sum(residuals**2, axis=0), coefs

    warm, warm_coefs = objectives("previous")
    assert np.all(np.diff(warm) <= 1e-9 * warm[:-1])
    assert all(np.count_nonzero(c) <= k + 1 for k, c in enumerate(warm_coefs))
    # The warm path is no worse than independent runs at most k, and strictly
    # better somewhere on this data set (its runs start from good supports).
    cold, _ = objectives("zero")
    assert np.mean(warm <= cold * (1 + 1e-12)) >= 0.8
    assert np.any(warm < cold * (1 - 1e-6))


def test_warm_path_refit_is_the_path_on_all_data():
    X, y, _ = noisy_problem(seed=1)
    reg = SEARegressorCV(max_n_nonzero_coefs=8, max_iter=100).fit(X, y)
    k = reg.n_nonzero_coefs_
    coefs, intercepts = _sea_path(
        X, y[:, None], np.ones(X.shape[0]), k, path_init="previous", **PATH_PARAMS
    )
    np.testing.assert_allclose(reg.coef_, coefs[-1, 0], rtol=1e-9, atol=1e-12)
    assert reg.intercept_ == pytest.approx(intercepts[-1, 0], rel=1e-9, abs=1e-12)


def test_n_jobs_gives_the_same_curve():
    X, y, _ = noisy_problem(seed=2)
    serial = SEARegressorCV(max_n_nonzero_coefs=6, max_iter=50).fit(X, y)
    parallel = SEARegressorCV(max_n_nonzero_coefs=6, max_iter=50, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(serial.mse_path_, parallel.mse_path_)
    np.testing.assert_array_equal(serial.coef_, parallel.coef_)


def test_multi_output_curve_is_the_mean_of_per_target_curves():
    X, Y, _ = noisy_problem(seed=3, n_targets=2)
    params = dict(max_n_nonzero_coefs=6, max_iter=50)
    joint = SEARegressorCV(**params).fit(X, Y)
    single = [SEARegressorCV(**params).fit(X, Y[:, t]) for t in range(2)]
    np.testing.assert_allclose(
        joint.mse_path_, np.mean([s.mse_path_ for s in single], axis=0), rtol=1e-10
    )
    assert joint.coef_.shape == (2, X.shape[1])
    assert joint.intercept_.shape == (2,)
    assert joint.predict(X).shape == Y.shape
    assert np.all(np.count_nonzero(joint.coef_, axis=1) <= joint.n_nonzero_coefs_)


@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csc_matrix, sp.csr_array])
def test_sparse_input_gives_dense_results(container):
    X, y, _ = noisy_problem(seed=4)
    X[np.abs(X) < 0.1] = 0  # a genuinely sparse design
    weight = np.random.default_rng(0).uniform(0.5, 2.0, X.shape[0])
    params = dict(max_n_nonzero_coefs=6, max_iter=50)
    dense = SEARegressorCV(**params).fit(X, y, sample_weight=weight)
    sparse = SEARegressorCV(**params).fit(container(X), y, sample_weight=weight)
    np.testing.assert_allclose(sparse.mse_path_, dense.mse_path_, rtol=1e-8)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(sparse.predict(container(X)), dense.predict(X))


def test_sample_weights_weight_the_held_out_error():
    """Zero-weight samples change neither the fits nor the held-out errors."""
    X, y, _ = noisy_problem(seed=5)
    rng = np.random.default_rng(0)
    weight = rng.integers(0, 3, X.shape[0]).astype(float)
    y_corrupted = np.where(weight == 0, y + 100 * rng.standard_normal(y.shape), y)
    folds = list(KFold(4).split(X))
    reg = SEARegressorCV(max_n_nonzero_coefs=6, max_iter=50, cv=folds)
    clean = reg.fit(X, y, sample_weight=weight).mse_path_
    corrupted = reg.fit(X, y_corrupted, sample_weight=weight).mse_path_
    np.testing.assert_allclose(corrupted, clean, rtol=1e-8)


def test_a_test_fold_of_zero_weights_is_left_out():
    X, y, _ = noisy_problem(seed=5)
    weight = np.ones(X.shape[0])
    weight[:20] = 0
    folds = list(KFold(4).split(X))  # the first test fold is samples 0..19
    reg = SEARegressorCV(max_n_nonzero_coefs=6, max_iter=50, cv=folds)
    reg.fit(X, y, sample_weight=weight)
    assert np.all(np.isnan(reg.mse_path_[:, 0]))
    assert np.all(np.isfinite(reg.mse_path_[:, 1:]))
    np.testing.assert_allclose(
        reg.cv_results_["mean_test_mse"], reg.mse_path_[:, 1:].mean(axis=1)
    )
    assert reg.n_nonzero_coefs_ == 4
    with pytest.raises(ValueError, match="zero total sample_weight"):
        reg.set_params(cv=folds[:1]).fit(X, y, sample_weight=weight)
    # A split whose training samples all have zero weight is left out too.
    train, test = folds[0]
    reg.set_params(cv=[(test, train)] + folds[1:]).fit(X, y, sample_weight=weight)
    assert np.all(np.isnan(reg.mse_path_[:, 0]))
    assert reg.n_nonzero_coefs_ == 4


def test_float32_input():
    X, y, _ = noisy_problem(seed=6)
    reg64 = SEARegressorCV(max_n_nonzero_coefs=6, max_iter=50).fit(X, y)
    reg32 = SEARegressorCV(max_n_nonzero_coefs=6, max_iter=50).fit(
        X.astype(np.float32), y.astype(np.float32)
    )
    assert reg32.coef_.dtype == np.float32
    assert reg32.n_nonzero_coefs_ == reg64.n_nonzero_coefs_
    np.testing.assert_allclose(reg32.coef_, reg64.coef_, rtol=1e-4, atol=1e-5)


def test_attributes_mirror_omp_cv_and_lasso_cv():
    X, y, _ = noisy_problem(seed=7)
    omp = OrthogonalMatchingPursuitCV(max_iter=6, cv=3).fit(X, y)
    lasso = LassoCV(alphas=6, cv=3).fit(X, y)
    reg = SEARegressorCV(max_n_nonzero_coefs=6, cv=3, max_iter=50).fit(X, y)
    # One row per candidate, one column per fold, as LassoCV.
    assert reg.mse_path_.shape == lasso.mse_path_.shape == (6, 3)
    assert reg.coef_.shape == omp.coef_.shape
    assert np.ndim(reg.intercept_) == np.ndim(omp.intercept_)
    assert isinstance(reg.n_nonzero_coefs_, int)
    # Both choose the true sparsity on this easy problem.
    assert reg.n_nonzero_coefs_ == omp.n_nonzero_coefs_ == 4
    pd = pytest.importorskip("pandas")
    table = pd.DataFrame(reg.cv_results_)
    assert list(table["n_nonzero_coefs"]) == list(range(1, 7))
    assert {"split0_test_mse", "split2_test_mse", "std_test_mse"} <= set(table)


def test_max_n_nonzero_coefs_default_and_clipping():
    X, y, _ = noisy_problem(seed=8)
    reg = SEARegressorCV(max_iter=20).fit(X[:, :30], y)
    assert reg.max_n_nonzero_coefs_ == 5  # max(10% of 30, 5)
    with pytest.warns(UserWarning, match="max_n_nonzero_coefs=50 is larger"):
        reg = SEARegressorCV(max_n_nonzero_coefs=50, max_iter=20).fit(X[:, :7], y)
    assert reg.max_n_nonzero_coefs_ == 7
    assert reg.mse_path_.shape == (7, 5)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"max_n_nonzero_coefs": 0}, "max_n_nonzero_coefs"),
        ({"path_init": "warm"}, "path_init"),
        ({"cv": "five"}, "cv"),
        ({"step_size": -1.0}, "step_size"),
    ],
)
def test_bad_parameters_are_named(params, match):
    X, y, _ = noisy_problem()
    with pytest.raises(InvalidParameterError, match=match):
        SEARegressorCV(**params).fit(X, y)


def test_bad_data_is_rejected():
    X, y, _ = noisy_problem()
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        SEARegressorCV().fit(X_nan, y)
    with pytest.raises(ValueError, match="sample_weight"):
        SEARegressorCV().fit(X, y, sample_weight=np.zeros(X.shape[0]))

"""SEA: agreement with the algorithm as written, recovery, invariances, errors."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import aslinearoperator
from sklearn.linear_model import OrthogonalMatchingPursuit

from sklearn_sea import SEARegressor, sea
from sklearn_sea.datasets import make_compressed_sensing, make_spike_deconvolution
from sklearn_sea.metrics import exact_support_recovery

from _reference import reference_sea


@pytest.mark.usefixtures("sea_kernel")
@pytest.mark.parametrize("seed", range(3))
def test_sea_matches_reference_loop(seed):
    X, y, _ = make_spike_deconvolution(80, 8, width=2.0, noise=0.05, random_state=seed)
    step = 1 / np.linalg.norm(X, 2) ** 2
    reference = reference_sea(X, y, 8, 60, step)
    # A short run on a problem without near ties: every loop follows it.
    assert reference.horizon == 60
    expected, losses = reference.coef, reference.losses
    reg = SEARegressor(8, max_iter=60, tol=0, fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(reg.loss_curve_, losses, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(reg.coef_, expected, rtol=1e-7, atol=1e-10)
    coef = sea(X, y, n_nonzero_coefs=8, max_iter=60)
    np.testing.assert_allclose(coef, expected, rtol=1e-7, atol=1e-10)


@pytest.mark.usefixtures("sea_kernel")
def test_sea_warm_start_matches_reference_loop():
    X, y, _ = make_spike_deconvolution(80, 8, width=2.0, noise=0.05, random_state=7)
    x0 = (
        OrthogonalMatchingPursuit(n_nonzero_coefs=8, fit_intercept=False)
        .fit(X, y)
        .coef_
    )
    step = 1 / np.linalg.norm(X, 2) ** 2
    reference = reference_sea(X, y, 8, 40, step, x0=x0)
    assert reference.horizon == 40
    expected, losses = reference.coef, reference.losses
    coef = sea(X, y, n_nonzero_coefs=8, max_iter=40, coef_init=x0)
    np.testing.assert_allclose(coef, expected, rtol=1e-7, atol=1e-10)
    reg = SEARegressor(8, max_iter=40, tol=0, init=x0, fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(reg.loss_curve_, losses, rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_exact_recovery_easy_gaussian(seed, fit_intercept):
    X, y, coef = make_compressed_sensing(250, 500, 20, random_state=seed)
    reg = SEARegressor(20, fit_intercept=fit_intercept).fit(X, y)
    assert exact_support_recovery(coef, reg.coef_)
    np.testing.assert_allclose(reg.coef_, coef, atol=1e-8)
    # Noiseless and recovered: the exact fit stops the run early.
    assert reg.n_iter_ == reg.best_iter_ + 1 < reg.max_iter


def test_zero_init_does_not_depend_on_step_size():
    X, y, _ = make_spike_deconvolution(120, 10, noise=0.1, random_state=0)
    fits = [
        SEARegressor(10, max_iter=80, step_size=step, tol=0).fit(X, y)
        for step in (1e-4, 1.0, 1e3)
    ]
    for other in fits[1:]:
        np.testing.assert_array_equal(other.coef_ != 0, fits[0].coef_ != 0)
        np.testing.assert_allclose(other.loss_curve_, fits[0].loss_curve_, rtol=1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_warm_start_from_omp_never_worse(seed):
    X, y, _ = make_spike_deconvolution(200, 15, noise=0.05, random_state=seed)
    omp = OrthogonalMatchingPursuit(n_nonzero_coefs=15).fit(X, y)
    reg = SEARegressor(15, init=omp, max_iter=200).fit(X, y)
    assert reg.init_estimator_ is omp  # fitted estimators are used as they are

    def objective(est):
        return 0.5 * np.sum((y - est.predict(X)) ** 2)

    assert objective(reg) <= objective(omp) * (1 + 1e-12)
    # Iteration 0 is the least-squares refit on OMP's own support.
    assert reg.loss_curve_[0] <= objective(omp) * (1 + 1e-12)


def test_unfitted_init_estimator_is_cloned_and_fitted():
    X, y, _ = make_compressed_sensing(60, 100, 5, noise=0.01, random_state=0)
    init = OrthogonalMatchingPursuit(n_nonzero_coefs=5)
    reg = SEARegressor(5, init=init).fit(X, y)
    assert not hasattr(init, "coef_")
    assert reg.init_estimator_ is not init
    assert hasattr(reg.init_estimator_, "coef_")


def test_warm_start_with_fewer_nonzeros_completes_by_correlation():
    X, y, coef = make_compressed_sensing(100, 200, 10, random_state=3)
    partial = np.where(np.abs(coef) > 0, coef, 0.0)
    partial[np.flatnonzero(coef)[5:]] = 0  # only half the true support
    reg = SEARegressor(10, init=partial, max_iter=1, fit_intercept=False).fit(X, y)
    assert set(np.flatnonzero(partial)) <= set(np.flatnonzero(reg.coef_))


def test_feature_scaling_and_permutation_invariance():
    X, y, _ = make_spike_deconvolution(150, 12, noise=0.05, random_state=1)
    rng = np.random.RandomState(0)
    scales = 10.0 ** rng.uniform(-3, 3, size=X.shape[1])
    perm = rng.permutation(X.shape[1])
    base = SEARegressor(12, max_iter=150, tol=0).fit(X, y)
    scaled = SEARegressor(12, max_iter=150, tol=0).fit(X * scales, y)
    permuted = SEARegressor(12, max_iter=150, tol=0).fit(X[:, perm], y)
    np.testing.assert_array_equal(
        np.flatnonzero(scaled.coef_), np.flatnonzero(base.coef_)
    )
    np.testing.assert_allclose(scaled.coef_ * scales, base.coef_, rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(permuted.coef_, base.coef_[perm], rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(scaled.predict(X * scales), base.predict(X), rtol=1e-6)


def test_target_scaling_invariance():
    X, y, _ = make_spike_deconvolution(100, 8, noise=0.05, random_state=2)
    base = SEARegressor(8, max_iter=100, tol=0).fit(X, y)
    for factor in (1e-100, 1e100):
        scaled = SEARegressor(8, max_iter=100, tol=0).fit(X, factor * y)
        np.testing.assert_allclose(scaled.coef_, factor * base.coef_, rtol=1e-8)
        assert np.all(np.isfinite(scaled.loss_curve_))


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_dense_and_gram_modes_agree(fmt):
    rng = np.random.RandomState(0)
    X = sp.random(80, 150, density=0.2, format=fmt, random_state=rng)
    coef = np.zeros(150)
    coef[rng.choice(150, 6, replace=False)] = rng.uniform(1, 2, 6)
    y = X @ coef + 3.0 + 0.01 * rng.standard_normal(80)
    weight = rng.uniform(0.5, 2, 80)
    dense = SEARegressor(6, max_iter=100, tol=0).fit(
        X.toarray(), y, sample_weight=weight
    )
    for precompute in ("auto", True, False):
        other = SEARegressor(6, max_iter=100, tol=0, precompute=precompute)
        other.fit(X, y, sample_weight=weight)
        np.testing.assert_allclose(other.coef_, dense.coef_, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(other.intercept_, dense.intercept_, rtol=1e-6)
    operator_mode = SEARegressor(6, max_iter=100, tol=0, precompute=False)
    operator_mode.fit(X.toarray(), y, sample_weight=weight)
    np.testing.assert_allclose(operator_mode.coef_, dense.coef_, rtol=1e-6, atol=1e-9)


def test_linear_operator_design():
    X, y, _ = make_spike_deconvolution(100, 8, noise=0.05, random_state=4)
    expected = sea(X, y, n_nonzero_coefs=8, max_iter=50)
    coef = sea(aslinearoperator(X), y, n_nonzero_coefs=8, max_iter=50)
    np.testing.assert_allclose(coef, expected, rtol=1e-7, atol=1e-10)
    sparse_coef = sea(sp.csr_matrix(X), y, n_nonzero_coefs=8, max_iter=50)
    np.testing.assert_allclose(sparse_coef, expected, rtol=1e-7, atol=1e-10)


def test_multi_output_is_per_target():
    X, y1, _ = make_spike_deconvolution(100, 6, noise=0.05, random_state=5)
    _, y2, _ = make_spike_deconvolution(100, 6, noise=0.05, random_state=6)
    Y = np.column_stack([y1, 10 * y2])
    multi = SEARegressor(6, max_iter=60).fit(X, Y)
    assert multi.coef_.shape == (2, 100) and multi.intercept_.shape == (2,)
    assert len(multi.n_iter_) == 2 and len(multi.loss_curve_) == 2
    for t, y in enumerate((y1, 10 * y2)):
        single = SEARegressor(6, max_iter=60).fit(X, y)
        np.testing.assert_allclose(multi.coef_[t], single.coef_, rtol=1e-10)
        np.testing.assert_allclose(multi.intercept_[t], single.intercept_, rtol=1e-10)
    assert multi.predict(X).shape == (100, 2)


def test_diagnostics():
    X, y, _ = make_spike_deconvolution(120, 10, noise=0.1, random_state=0)
    reg = SEARegressor(10, max_iter=50, tol=0).fit(X, y)
    assert reg.n_iter_ == 50 == reg.loss_curve_.shape[0]
    assert reg.loss_curve_[reg.best_iter_] == reg.loss_curve_.min()
    assert 1 <= reg.n_supports_explored_ <= 50
    assert reg.n_nonzero_coefs_ == 10 and np.count_nonzero(reg.coef_) <= 10
    residual = y - reg.predict(X)
    np.testing.assert_allclose(
        reg.loss_curve_.min(), 0.5 * residual @ residual, rtol=1e-8
    )


def test_tol_stops_in_user_units():
    X, y, _ = make_spike_deconvolution(120, 10, noise=0.1, random_state=0)
    full = SEARegressor(10, max_iter=100, tol=0).fit(X, 1e3 * y)
    threshold = 2 * full.loss_curve_[10]  # squared residual norm = 2 x objective
    early = SEARegressor(10, max_iter=100, tol=threshold).fit(X, 1e3 * y)
    assert early.n_iter_ <= 11
    assert 2 * early.loss_curve_[-1] <= threshold


def test_k_larger_than_n_features_is_clipped_with_warning():
    X, y, _ = make_compressed_sensing(30, 10, 3, random_state=0)
    with pytest.warns(
        UserWarning, match="n_nonzero_coefs=50 is larger than n_features=10"
    ):
        reg = SEARegressor(50).fit(X, y)
    assert reg.n_nonzero_coefs_ == 10


def test_default_k_is_ten_percent_of_features():
    X, y, _ = make_compressed_sensing(60, 200, 5, random_state=0)
    assert SEARegressor(max_iter=5).fit(X, y).n_nonzero_coefs_ == 20


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_nonzero_coefs": 0}, "n_nonzero_coefs"),
        ({"max_iter": 0}, "max_iter"),
        ({"step_size": -1.0}, "step_size"),
        ({"tol": -1.0}, "tol"),
        ({"precompute": "yes"}, "precompute"),
        ({"init": np.ones(3)}, "init has shape"),
        ({"init": np.full(20, np.nan)}, "init contains NaN"),
    ],
)
def test_bad_parameters_name_the_parameter(params, match):
    X, y, _ = make_compressed_sensing(30, 20, 3, random_state=0)
    with pytest.raises(ValueError, match=match):
        SEARegressor(**{"n_nonzero_coefs": 3, **params}).fit(X, y)


def test_bad_data():
    X, y, _ = make_compressed_sensing(30, 20, 3, random_state=0)
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        SEARegressor(3).fit(bad, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        SEARegressor(3).fit(X, y[:-1])
    with pytest.raises(ValueError, match="sample_weight"):
        SEARegressor(3).fit(X, y, sample_weight=np.zeros(30))
    with pytest.raises(ValueError, match="n_nonzero_coefs"):
        sea(X, y, n_nonzero_coefs=0)


def test_does_not_modify_inputs():
    X, y, _ = make_compressed_sensing(40, 30, 4, noise=0.1, random_state=0)
    weight = np.linspace(0.5, 1.5, 40)
    init = np.linspace(-1, 1, 30)
    copies = [a.copy() for a in (X, y, weight, init)]
    SEARegressor(4, init=init, max_iter=20).fit(X, y, sample_weight=weight)
    for before, after in zip(copies, (X, y, weight, init), strict=True):
        np.testing.assert_array_equal(before, after)


def test_duplicated_columns_and_constant_target_stay_finite():
    X, y, _ = make_compressed_sensing(40, 30, 4, noise=0.1, random_state=0)
    X = np.hstack([X, X[:, :5]])
    reg = SEARegressor(8, max_iter=30).fit(X, y)
    assert np.all(np.isfinite(reg.coef_))
    const = SEARegressor(8, max_iter=30).fit(X, np.full(40, 3.0))
    assert np.all(const.coef_ == 0) and const.intercept_ == pytest.approx(3.0)

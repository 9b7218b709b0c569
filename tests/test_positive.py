"""``positive=True``: nonnegative least squares on supports chosen among positive entries."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import nnls

from sklearn_sea import (
    CoSaMPRegressor,
    HTPRegressor,
    IHTRegressor,
    SEARegressor,
    SEARegressorCV,
    SEARegressorIC,
    SPRegressor,
)
from sklearn_sea._core import solve_nonnegative_normal_equations
from sklearn_sea.datasets import make_compressed_sensing, make_spike_deconvolution
from sklearn_sea.metrics import support_distance


@pytest.mark.parametrize("seed", range(5))
def test_support_solver_is_scipys_nnls(seed):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((30, 6))
    y = rng.standard_normal(30)
    ours = solve_nonnegative_normal_equations(A.T @ A, A.T @ y)
    np.testing.assert_allclose(ours, nnls(A, y)[0], rtol=1e-8, atol=1e-10)


def test_support_solver_on_duplicated_columns_is_finite_and_optimal():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((30, 3))
    A = np.column_stack([A, A[:, 0]])
    y = A[:, 0] + 0.5 * A[:, 1]
    coef = solve_nonnegative_normal_equations(A.T @ A, A.T @ y)
    assert np.all(np.isfinite(coef)) and np.all(coef >= 0)
    np.testing.assert_allclose(A @ coef, y, atol=1e-10)


def _nonnegative_spikes(seed, n=100, k=5, noise=0.01):
    X, _, coef = make_spike_deconvolution(n, k, random_state=seed)
    coef = np.abs(coef)
    y = X @ coef + noise * np.random.default_rng(seed).standard_normal(n)
    return X, y, coef


@pytest.mark.parametrize("seed", range(4))
def test_deconvolution_of_nonnegative_spikes(seed):
    X, y, coef = _nonnegative_spikes(seed)
    reg = SEARegressor(5, positive=True, fit_intercept=False, max_iter=300).fit(X, y)
    assert np.all(reg.coef_ >= 0)
    # The returned coefficients are the NNLS fit on their support.
    support = np.flatnonzero(reg.coef_)
    np.testing.assert_allclose(
        reg.coef_[support], nnls(X[:, support], y)[0], rtol=1e-6, atol=1e-9
    )
    # Close spikes are coherent: on these draws at most two are misplaced.
    assert support_distance(coef, reg.coef_) <= 2


def test_signed_fit_of_nonnegative_data_can_go_negative_positive_cannot():
    X, y, _ = _nonnegative_spikes(3, k=10)
    signed = SEARegressor(10, fit_intercept=False, max_iter=200).fit(X, y)
    positive = SEARegressor(10, positive=True, fit_intercept=False, max_iter=200)
    positive.fit(X, y)
    assert signed.coef_.min() < 0 <= positive.coef_.min()


def test_positivity_helps_recovery_on_gaussian_designs():
    # Nonnegative 15-sparse vectors from 60 Gaussian measurements of 200:
    # the constraint halves the candidates SEA explores among.
    distances = {False: [], True: []}
    for seed in range(5):
        X, _, coef = make_compressed_sensing(60, 200, 15, random_state=seed)
        coef = np.abs(coef)
        y = X @ coef
        for positive in (False, True):
            reg = SEARegressor(
                15, positive=positive, fit_intercept=False, max_iter=300
            ).fit(X, y)
            distances[positive].append(support_distance(coef, reg.coef_))
    assert np.mean(distances[True]) < np.mean(distances[False])


@pytest.mark.parametrize("container", [np.asarray, sp.csr_matrix])
def test_intercept_is_free_and_sparse_input_works(container):
    X, y, coef = _nonnegative_spikes(1)
    reg = SEARegressor(5, positive=True, max_iter=200).fit(container(X), y - 7.0)
    assert np.all(reg.coef_ >= 0)
    assert reg.intercept_ == pytest.approx(-7.0, abs=0.1)


def test_warm_start_with_negative_entries_keeps_the_positive_part():
    X, y, coef = _nonnegative_spikes(2)
    init = coef - 3.0 * (coef == 0)  # every absent spike strongly negative
    reg = SEARegressor(5, positive=True, init=init, fit_intercept=False, max_iter=50)
    reg.fit(X, y)
    # Iteration 0 is the NNLS fit on the positive entries of the start.
    support = np.flatnonzero(coef)
    start = 0.5 * nnls(X[:, support], y)[1] ** 2
    assert reg.loss_curve_[0] == pytest.approx(start, rel=1e-8)
    np.testing.assert_array_equal(np.flatnonzero(reg.coef_), np.flatnonzero(coef))


def test_cv_positive_constraint():
    """Ports scikit-learn's test_lasso_cv_positive_constraint."""
    rng = np.random.RandomState(0)
    w = rng.randn(200)
    w[10:] = 0.0
    X = rng.randn(50, 200)
    y = X @ w
    unconstrained = SEARegressorCV(cv=2, max_n_nonzero_coefs=12, max_iter=100)
    assert unconstrained.fit(X, y).coef_.min() < 0
    constrained = SEARegressorCV(
        cv=2, max_n_nonzero_coefs=12, max_iter=100, positive=True
    ).fit(X, y)
    assert constrained.coef_.min() >= 0
    ic = SEARegressorIC(max_n_nonzero_coefs=12, max_iter=100, positive=True)
    assert ic.fit(X, y).coef_.min() >= 0


THRESHOLDING = [IHTRegressor, HTPRegressor, CoSaMPRegressor, SPRegressor]


@pytest.mark.parametrize("cls", THRESHOLDING, ids=lambda c: c.__name__)
def test_thresholding_baselines_with_positive_coefficients(cls):
    # Nonnegative Gaussian problems at a sparsity where the signed solvers
    # fail: the constraint both holds and helps (mean support distance over
    # 10 problems, measured: IHT 5.7 vs 8.8, HTP 4.1 vs 6.8, CoSaMP 0.0 vs
    # 8.6, SP 1.6 vs 6.4).
    distances = {True: [], False: []}
    for seed in range(10):
        X, _, coef = make_compressed_sensing(60, 200, 18, random_state=seed)
        coef = np.abs(coef)
        y = X @ coef
        for positive in (True, False):
            fit = cls(18, positive=positive, fit_intercept=False, max_iter=300).fit(
                X, y
            )
            if positive:
                assert fit.coef_.min() >= 0
            distances[positive].append(support_distance(coef, fit.coef_))
    assert np.mean(distances[True]) < np.mean(distances[False])


@pytest.mark.parametrize("cls", [HTPRegressor, CoSaMPRegressor, SPRegressor])
def test_thresholding_refits_are_nonnegative_least_squares(cls):
    X, _, coef = make_compressed_sensing(40, 60, 4, noise=0.3, random_state=3)
    y = X @ np.abs(coef) + 0.3 * np.random.default_rng(3).standard_normal(40)
    fit = cls(4, positive=True, fit_intercept=False).fit(X, y)
    support = np.flatnonzero(fit.coef_)
    # The returned coefficients solve NNLS on their support (up to columns
    # NNLS leaves at zero, which the support then does not show).
    expected = nnls(X[:, support], y)[0]
    np.testing.assert_allclose(fit.coef_[support], expected, rtol=1e-7, atol=1e-9)

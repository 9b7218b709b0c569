"""Baseline k-sparse estimators: reference agreement, optimality, recovery."""

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import OrthogonalMatchingPursuit, orthogonal_mp

from sklearn_sea import (
    CoSaMPRegressor,
    ELSRegressor,
    HTPRegressor,
    IHTRegressor,
    OMPRegressor,
    OMPRRegressor,
    SEARegressor,
    SPRegressor,
)
from sklearn_sea._core import prepare_least_squares
from sklearn_sea._local_search import _swap_matrix
from sklearn_sea.datasets import make_compressed_sensing
from sklearn_sea.metrics import exact_support_recovery

ALL = [
    OMPRegressor,
    OMPRRegressor,
    ELSRegressor,
    IHTRegressor,
    HTPRegressor,
    CoSaMPRegressor,
    SPRegressor,
]


def top_k(v, k):
    """Top-k as written: sort by decreasing |v|, ties to the lowest index."""
    order = np.lexsort((np.arange(v.shape[0]), -np.abs(v)))
    return np.sort(order[:k])


def lstsq_on(A, y, S):
    x = np.zeros(A.shape[1])
    x[S] = np.linalg.lstsq(A[:, S], y, rcond=None)[0]
    return x


def rss(A, y, x):
    return float(np.sum((A @ x - y) ** 2))


def rss_on(A, y, S):
    return rss(A, y, lstsq_on(A, y, S))


def best_single_swap(A, y, S):
    """Smallest residual over all supports one swap away from S (brute force)."""
    outside = np.setdiff1d(np.arange(A.shape[1]), S)
    return min(
        rss_on(A, y, np.sort(np.append(np.delete(S, p), j)))
        for p, j in itertools.product(range(S.shape[0]), outside)
    )


def noisy_problem(seed, m=30, n=60, k=6, noise=0.2):
    return make_compressed_sensing(m, n, k, noise=noise, random_state=seed)


# --- Agreement with the algorithms written as plain lstsq loops -------------


def reference_iht(A, y, k, step, max_iter, tol):
    x, losses = np.zeros(A.shape[1]), []
    for _ in range(max_iter):
        z = x + step * A.T @ (y - A @ x)
        new = np.zeros_like(x)
        S = top_k(z, k)
        new[S] = z[S]
        change = np.linalg.norm(new - x)
        x = new
        losses.append(0.5 * rss(A, y, x))
        if change <= tol * np.linalg.norm(x):
            break
    return x, np.array(losses)


def reference_htp(A, y, k, step, max_iter):
    S = top_k(A.T @ y, k)
    x, seen, losses = lstsq_on(A, y, S), [], []
    while len(losses) < max_iter:
        seen.append(S)
        losses.append(0.5 * rss(A, y, x))
        S = top_k(x + step * A.T @ (y - A @ x), k)
        if any(np.array_equal(S, T) for T in seen):
            break
        x = lstsq_on(A, y, S)
    return np.array(losses)


def reference_ompr(A, y, k, step, max_iter):
    S = np.flatnonzero(orthogonal_mp(A, y, n_nonzero_coefs=k))
    x, seen, losses = lstsq_on(A, y, S), [], []
    while len(losses) < max_iter:
        seen.append(S)
        losses.append(0.5 * rss(A, y, x))
        z = x + step * A.T @ (y - A @ x)
        outside = np.abs(z)
        outside[S] = -1
        candidates = np.union1d(S, np.argmax(outside))
        S = candidates[top_k(z[candidates], k)]
        if any(np.array_equal(S, T) for T in seen):
            break
        x = lstsq_on(A, y, S)
    return np.array(losses)


def reference_cosamp(A, y, k, max_iter):
    x, losses = np.zeros(A.shape[1]), []
    for _ in range(max_iter):
        T = np.union1d(np.flatnonzero(x), top_k(A.T @ (y - A @ x), 2 * k))
        b = lstsq_on(A, y, T)
        new = np.zeros_like(x)
        S = top_k(b, k)
        new[S] = b[S]
        # What is recorded is the least-squares refit on the pruned support.
        losses.append(0.5 * rss(A, y, lstsq_on(A, y, np.sort(S))))
        if not rss(A, y, new) < rss(A, y, x):
            break
        x = new
    return np.array(losses)


def reference_sp(A, y, k, max_iter):
    S = top_k(A.T @ y, k)
    x = lstsq_on(A, y, S)
    losses = [0.5 * rss(A, y, x)]
    while len(losses) < max_iter:
        c = A.T @ (y - A @ x)
        c[S] = 0
        b = lstsq_on(A, y, np.union1d(S, top_k(c, k)))
        S = top_k(b, k)
        new = lstsq_on(A, y, S)
        losses.append(0.5 * rss(A, y, new))
        if not rss(A, y, new) < rss(A, y, x):
            break
        x = new
    return np.array(losses)


@pytest.mark.parametrize("seed", range(3))
def test_iterative_baselines_match_reference_loops(seed):
    A, y, _ = noisy_problem(seed)
    k, eta = 6, 1 / np.linalg.norm(A, 2) ** 2
    fit = dict(fit_intercept=False)

    x_ref, curve = reference_iht(A, y, k, eta, 300, 1e-6)
    iht = IHTRegressor(k, max_iter=300, **fit).fit(A, y)
    np.testing.assert_allclose(iht.coef_, x_ref, atol=1e-8)
    np.testing.assert_allclose(iht.loss_curve_, curve, rtol=1e-7)

    cases = [
        (HTPRegressor(k, **fit), reference_htp(A, y, k, 1.0, 1000)),
        (HTPRegressor(k, step_size="auto", **fit), reference_htp(A, y, k, eta, 1000)),
        (OMPRRegressor(k, **fit), reference_ompr(A, y, k, 1.0, 1000)),
        (CoSaMPRegressor(k, **fit), reference_cosamp(A, y, k, 1000)),
        (SPRegressor(k, **fit), reference_sp(A, y, k, 1000)),
    ]
    for est, curve in cases:
        est.fit(A, y)
        np.testing.assert_allclose(est.loss_curve_, curve, rtol=1e-7, atol=1e-12)
        assert est.best_iter_ == np.argmin(curve)
        assert est.loss_curve_[est.best_iter_] == pytest.approx(
            0.5 * rss(A, y, est.coef_), rel=1e-9
        )


# --- OMP against scikit-learn -----------------------------------------------


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("k", [1, 5, 12])
def test_omp_matches_orthogonal_mp(seed, k):
    A, y, _ = noisy_problem(seed, m=40, n=90, k=8, noise=0.1)
    reg = OMPRegressor(k, fit_intercept=False).fit(A, y)
    expected = orthogonal_mp(A, y, n_nonzero_coefs=k)
    np.testing.assert_allclose(reg.coef_, expected, rtol=1e-9, atol=1e-12)
    assert reg.n_iter_ == k == np.count_nonzero(reg.coef_)
    assert np.all(np.diff(reg.loss_curve_) <= 0)


def test_omp_with_intercept_matches_scikit_learn():
    A, y, _ = noisy_problem(0, m=40, n=90, k=8, noise=0.1)
    A = A - A.mean(axis=0)
    A /= np.linalg.norm(A, axis=0)
    y = y + 3.0
    ours = OMPRegressor(8).fit(A, y)
    theirs = OrthogonalMatchingPursuit(n_nonzero_coefs=8).fit(A, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-9, atol=1e-12)
    assert ours.intercept_ == pytest.approx(theirs.intercept_)


@pytest.mark.parametrize("tol", [5.0, 1.0, 0.1])
def test_omp_tol_matches_scikit_learn(tol):
    # tol overrides n_nonzero_coefs in both: features are added until the
    # squared residual norm is at most tol.
    A, y, _ = make_compressed_sensing(100, 200, 10, noise=0.05, random_state=0)
    ours = OMPRegressor(3, tol=tol, fit_intercept=False).fit(A, y)
    theirs = OrthogonalMatchingPursuit(tol=tol, fit_intercept=False).fit(A, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-9, atol=1e-12)
    assert ours.n_nonzero_coefs_ is None
    assert np.sum((y - A @ ours.coef_) ** 2) <= tol
    # One feature fewer would not reach tol.
    assert 2 * ours.loss_curve_[-2] > tol


def test_omp_tol_is_in_the_units_of_y():
    A, y, _ = make_compressed_sensing(100, 200, 10, noise=0.05, random_state=1)
    ours = OMPRegressor(tol=0.5).fit(A, y)
    scaled = OMPRegressor(tol=0.5 * 1e6).fit(A, 1e3 * y)
    np.testing.assert_array_equal(ours.coef_ != 0, scaled.coef_ != 0)
    residual = y - A @ ours.coef_ - ours.intercept_
    assert residual @ residual <= 0.5


def test_omp_stops_at_an_exact_fit():
    A, y, coef = make_compressed_sensing(40, 80, 3, random_state=0)
    reg = OMPRegressor(10, fit_intercept=False).fit(A, y)
    assert reg.n_iter_ == 3
    assert exact_support_recovery(coef, reg.coef_)


# --- Local search: ELS and OMPR ---------------------------------------------


@pytest.mark.parametrize("precompute", [True, False])
def test_swap_scores_equal_brute_force_least_squares(precompute):
    A, y, _ = noisy_problem(1, m=25, n=40, k=5)
    problem = prepare_least_squares(A, y[:, None], np.ones(25), False, precompute)
    problem = problem.problem(0)
    S = np.array([2, 7, 11, 20, 33])
    coef_S, rss_S = problem.solve(S)
    scores = _swap_matrix(problem, S, coef_S, rss_S, np.ones(40))
    # The normalised problem has unit columns and a rescaled target.
    b = y / np.max(np.abs(y))
    A_unit = A / np.linalg.norm(A, axis=0)
    for p, j in itertools.product(range(5), range(40)):
        if j in S:
            assert scores[j, p] == np.inf
        else:
            T = np.sort(np.append(np.delete(S, p), j))
            assert scores[j, p] == pytest.approx(rss_on(A_unit, b, T), rel=1e-8)


@pytest.mark.parametrize("seed", range(6))
def test_els_ends_at_a_swap_optimal_support_never_worse_than_omp(seed):
    A, y, _ = noisy_problem(seed, m=24, n=40, k=5, noise=0.3)
    els = ELSRegressor(5, fit_intercept=False).fit(A, y)
    S = np.flatnonzero(els.coef_)
    assert S.shape[0] == 5
    final = rss_on(A, y, S)
    assert best_single_swap(A, y, S) >= final * (1 - els.tol)
    omp = OMPRegressor(5, fit_intercept=False).fit(A, y)
    assert final <= rss(A, y, omp.coef_) * (1 + 1e-12)
    assert els.loss_curve_[0] == pytest.approx(0.5 * rss(A, y, omp.coef_))
    assert np.all(np.diff(els.loss_curve_) < 0)
    assert els.n_iter_ == els.best_iter_ + 1
    # Swaps are scored by rank-one updates: one solve per applied swap (plus
    # at most one rejected refit), not one per candidate swap.
    assert els.n_supports_explored_ <= els.n_iter_ + 1


def test_els_applies_the_best_swap_first():
    moved = 0
    for seed in range(8):
        A, y, _ = noisy_problem(seed, m=20, n=36, k=5, noise=0.5)
        S = np.flatnonzero(OMPRegressor(5, fit_intercept=False).fit(A, y).coef_)
        best = best_single_swap(A, y, S)
        els = ELSRegressor(5, fit_intercept=False).fit(A, y)
        if best < rss_on(A, y, S) * (1 - els.tol):
            assert els.loss_curve_[1] == pytest.approx(0.5 * best, rel=1e-9)
            moved += 1
        else:
            assert els.n_iter_ == 1
    assert moved >= 2


@pytest.mark.parametrize("seed", range(6))
def test_ompr_never_worse_than_omp_and_stops_at_its_fixed_point(seed):
    A, y, _ = noisy_problem(seed, m=24, n=40, k=5, noise=0.3)
    ompr = OMPRRegressor(5, fit_intercept=False).fit(A, y)
    omp = OMPRegressor(5, fit_intercept=False).fit(A, y)
    # OMPR starts from OMP's support (its iteration 0 is OMP's fit) ...
    assert ompr.loss_curve_[0] == pytest.approx(0.5 * rss(A, y, omp.coef_), rel=1e-9)
    # ... and returns its best support, so it never ends worse than OMP.
    assert rss(A, y, ompr.coef_) <= rss(A, y, omp.coef_) * (1 + 1e-12)
    if ompr.best_iter_ > 0:
        assert rss(A, y, ompr.coef_) < rss(A, y, omp.coef_)
    if ompr.best_iter_ == ompr.n_iter_ - 1:
        # A fixed point: no outside correlation beats the smallest coefficient
        # (unit columns: the normalised problem differs by a target scale).
        S = np.flatnonzero(ompr.coef_)
        corr = np.abs(A.T @ (y - A @ ompr.coef_))
        corr[S] = 0
        assert corr.max() <= np.abs(ompr.coef_[S]).min() * (1 + 1e-9)


def test_ompr_can_improve_on_omp():
    # The comparison above is not vacuous: on this problem OMP's support is
    # not a fixed point of OMPR's rule and the replacement lowers the residual.
    A, y, _ = noisy_problem(5, m=24, n=40, k=5, noise=0.3)
    ompr = OMPRRegressor(5, fit_intercept=False).fit(A, y)
    omp = OMPRegressor(5, fit_intercept=False).fit(A, y)
    assert ompr.best_iter_ > 0
    assert rss(A, y, ompr.coef_) < 0.99 * rss(A, y, omp.coef_)


def test_ompr_fixed_points_need_not_be_swap_optimal():
    # OMPR's rule compares correlations with coefficients, not objectives; the
    # docstring says so and points to ELS. Pin one such problem.
    A, y, _ = noisy_problem(12, m=40, n=80, k=8, noise=0.1)
    ompr = OMPRRegressor(8, fit_intercept=False).fit(A, y)
    els = ELSRegressor(8, fit_intercept=False).fit(A, y)
    S = np.flatnonzero(ompr.coef_)
    assert best_single_swap(A, y, S) < rss_on(A, y, S)
    assert rss(A, y, els.coef_) < rss(A, y, ompr.coef_)


# --- Exact recovery on easy noiseless problems ------------------------------


@pytest.mark.parametrize("Estimator", ALL)
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_exact_recovery_easy_gaussian(Estimator, fit_intercept):
    for seed in range(3):
        A, y, coef = make_compressed_sensing(200, 400, 5, random_state=seed)
        reg = Estimator(5, fit_intercept=fit_intercept).fit(A, y + 2.0 * fit_intercept)
        assert exact_support_recovery(coef, reg.coef_)
        if Estimator is not IHTRegressor:  # IHT does not refit
            np.testing.assert_allclose(reg.coef_, coef, atol=1e-8)


# --- SEA warm-started by a baseline (SEA_ELS, SEA_OMP) ----------------------


@pytest.mark.parametrize("Init", ALL)
@pytest.mark.parametrize("fitted", [False, True])
def test_sea_initialised_by_a_baseline_never_ends_above_it(Init, fitted):
    A, y, _ = noisy_problem(2, m=40, n=100, k=10, noise=0.3)
    init = Init(10)
    if fitted:
        init.fit(A, y)
    sea = SEARegressor(10, init=init, max_iter=50).fit(A, y)
    reference = init if fitted else clone(init).fit(A, y)
    np.testing.assert_allclose(sea.init_estimator_.coef_, reference.coef_)
    init_loss = 0.5 * np.sum((y - reference.predict(A)) ** 2)
    # Iteration 0 refits least squares on the init's support: equal to the
    # init's objective when it already refits, never above it (IHT).
    assert sea.loss_curve_[0] <= init_loss * (1 + 1e-10)
    if Init is not IHTRegressor:
        assert sea.loss_curve_[0] == pytest.approx(init_loss)
    assert 0.5 * np.sum((y - sea.predict(A)) ** 2) <= sea.loss_curve_[0] * (1 + 1e-10)


# --- Data handling shared with SEARegressor ---------------------------------


@pytest.mark.parametrize("Estimator", ALL)
def test_gram_operator_and_sparse_modes_agree(Estimator):
    A, y, _ = noisy_problem(3, m=40, n=70, k=6, noise=0.1)
    gram = Estimator(6, precompute=True).fit(A, y)
    for other in (
        Estimator(6, precompute=False).fit(A, y),
        Estimator(6).fit(sp.csr_matrix(A), y),
    ):
        np.testing.assert_allclose(other.coef_, gram.coef_, rtol=1e-6, atol=1e-9)
        assert other.intercept_ == pytest.approx(gram.intercept_, abs=1e-9)


@pytest.mark.parametrize("Estimator", ALL)
def test_feature_scaling_does_not_change_the_support(Estimator):
    A, y, _ = noisy_problem(4, m=40, n=70, k=6, noise=0.1)
    scale = np.random.default_rng(0).uniform(0.1, 10, size=70)
    plain = Estimator(6).fit(A, y)
    scaled = Estimator(6).fit(A * scale, y)
    np.testing.assert_allclose(scaled.coef_ * scale, plain.coef_, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("Estimator", ALL)
def test_multi_output_is_per_target(Estimator):
    A, y1, _ = noisy_problem(5, m=40, n=70, k=6)
    _, y2, _ = noisy_problem(6, m=40, n=70, k=6)
    both = Estimator(6).fit(A, np.column_stack([y1, y2]))
    for t, y in enumerate((y1, y2)):
        single = Estimator(6).fit(A, y)
        np.testing.assert_allclose(both.coef_[t], single.coef_, atol=1e-10)
        assert both.n_iter_[t] == single.n_iter_


@pytest.mark.parametrize("Estimator", ALL)
def test_duplicated_columns_and_constant_target_stay_finite(Estimator):
    A, y, _ = noisy_problem(0, m=20, n=30, k=4, noise=0.1)
    A = np.hstack([A, A[:, :5], 2 * A[:, :3]])
    reg = Estimator(8).fit(A, y)
    assert np.all(np.isfinite(reg.coef_)) and np.count_nonzero(reg.coef_) <= 8
    const = Estimator(8).fit(A, np.full(20, 3.0))
    assert np.all(const.coef_ == 0) and const.intercept_ == pytest.approx(3.0)


@pytest.mark.parametrize("Estimator", ALL)
def test_more_features_requested_than_samples(Estimator):
    A, y, _ = noisy_problem(0, m=10, n=30, k=4, noise=0.1)
    reg = Estimator(12).fit(A, y)
    assert np.all(np.isfinite(reg.coef_)) and np.count_nonzero(reg.coef_) <= 12


def test_max_iter_reached_warns():
    A, y, _ = noisy_problem(0)
    with pytest.warns(ConvergenceWarning, match="IHTRegressor stopped at max_iter=2"):
        IHTRegressor(6, max_iter=2).fit(A, y)


@pytest.mark.parametrize(
    "Estimator, params, match",
    [
        (IHTRegressor, {"step_size": 0.0}, "step_size"),
        (HTPRegressor, {"max_iter": 0}, "max_iter"),
        (ELSRegressor, {"tol": -1.0}, "tol"),
        (OMPRRegressor, {"step_size": "big"}, "step_size"),
        (SPRegressor, {"n_nonzero_coefs": 0}, "n_nonzero_coefs"),
        (CoSaMPRegressor, {"precompute": "yes"}, "precompute"),
    ],
)
def test_bad_parameters_name_the_parameter(Estimator, params, match):
    A, y, _ = noisy_problem(0)
    with pytest.raises(ValueError, match=match):
        Estimator(**params).fit(A, y)

"""The fast paths of SEA compute the iterates of the algorithm as written.

Every shortcut (Gram or operator mode, cached solves and steps, skipped
top-k selections on steady supports, sparse support blocks, the batched
kernel) is compared with a straightforward loop: one ``numpy.linalg.lstsq``
per iteration on the explicit matrix.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator

from sklearn_sea import SEARegressor, sea, sea_batch
from sklearn_sea import _sea as sea_module
from sklearn_sea._core import (
    GramDesign,
    SupportLeastSquares,
    dense_operator_design,
    top_k,
)
from sklearn_sea.datasets import make_compressed_sensing, make_spike_deconvolution

from _reference import reference_sea

# Every comparison holds for both SEA loops: compiled and pure Python.
pytestmark = pytest.mark.usefixtures("sea_kernel")


def straightforward_sea(A, y, k, max_iter, step=1.0, tol=0.0):
    """SEA as written, on a run without near ties (see ``_reference``).

    Every comparison of this module is exact up to rounding, which holds on
    any machine only where no support is decided by rounding.
    """
    run = reference_sea(A, y, k, max_iter, step, tol=tol)
    assert run.horizon == run.losses.shape[0], "a near tie: pick another problem"
    return run.coef, run.losses, run.supports


def run_kernel(design, A, y, k, max_iter, **kwargs):
    problem = SupportLeastSquares(design, A.T @ y, y @ y)
    return sea_module._sea(problem, k, max_iter=max_iter, step_size=1.0, **kwargs)


def fft_convolution(filter_, n):
    """Circular convolution by ``filter_`` applied with FFTs, and its matrix."""
    spectrum = np.fft.rfft(filter_, n)

    def matvec(v):
        return np.fft.irfft(spectrum * np.fft.rfft(np.ravel(v)), n)

    def rmatvec(r):
        return np.fft.irfft(np.conj(spectrum) * np.fft.rfft(np.ravel(r)), n)

    operator = LinearOperator((n, n), matvec=matvec, rmatvec=rmatvec, dtype=float)
    return operator, np.column_stack([matvec(e) for e in np.eye(n)])


def noisy_problem(seed, n_samples=60, n_features=120, k=10):
    # Noise keeps SEA moving between supports for the whole run.
    return make_compressed_sensing(
        n_samples, n_features, k, noise=0.05, random_state=seed
    )


@pytest.mark.parametrize("seed", range(3))
def test_every_input_kind_follows_the_straightforward_loop(seed):
    A, y, _ = noisy_problem(seed)
    expected, losses, _ = straightforward_sea(A, y, 10, 80)
    inputs = {
        "gram": (A, True),
        "dense_operator": (A, False),
        "csr": (sp.csr_matrix(A), "auto"),
        "csc": (sp.csc_matrix(A), "auto"),
    }
    for name, (X, precompute) in inputs.items():
        coef, n_iter = sea(
            X,
            y,
            n_nonzero_coefs=10,
            max_iter=80,
            precompute=precompute,
            return_n_iter=True,
        )
        assert n_iter == 80, name
        np.testing.assert_allclose(coef, expected, rtol=1e-7, atol=1e-10, err_msg=name)


def test_fft_linear_operator_follows_the_straightforward_loop():
    n = 96
    filter_ = np.exp(-0.5 * (np.arange(n) - n // 2) ** 2 / 2.0**2)
    operator, A = fft_convolution(filter_ / np.linalg.norm(filter_), n)
    rng = np.random.default_rng(0)
    x_true = np.zeros(n)
    x_true[rng.choice(n, 6, replace=False)] = rng.uniform(1, 2, 6)
    y = A @ x_true + 0.02 * rng.standard_normal(n)
    expected, losses, _ = straightforward_sea(A, y, 6, 60)
    coef = sea(operator, y, n_nonzero_coefs=6, max_iter=60)
    np.testing.assert_allclose(coef, expected, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("seed", range(3))
def test_kernel_loss_curve_is_the_straightforward_one(seed):
    # The objective of every iteration pins the support of every iteration.
    A, y, _ = noisy_problem(seed)
    expected, losses, _ = straightforward_sea(A, y, 10, 100)
    for design in (GramDesign(A.T @ A), dense_operator_design(A)):
        result = run_kernel(design, A, y, 10, 100)
        np.testing.assert_allclose(result.loss_curve, losses, rtol=1e-8, atol=1e-13)
        np.testing.assert_allclose(result.coef, expected, rtol=1e-7, atol=1e-10)
        assert result.best_iter == int(np.argmin(losses))


def steady_problem():
    """Noiseless and easy: SEA reaches the true support and stays there."""
    return make_compressed_sensing(60, 120, 8, random_state=3)


def test_fast_forward_changes_nothing():
    for A, y, _ in (steady_problem(), noisy_problem(4)):
        design = GramDesign(A.T @ A)
        fast = run_kernel(design, A, y, 8, 300)
        plain = run_kernel(design, A, y, 8, 300, fast_forward=False)
        np.testing.assert_array_equal(fast.coef, plain.coef)
        np.testing.assert_array_equal(fast.loss_curve, plain.loss_curve)
        assert (fast.n_iter, fast.best_iter) == (plain.n_iter, plain.best_iter)
        assert fast.n_supports_explored == plain.n_supports_explored


def test_steady_supports_match_the_straightforward_loop():
    A, y, _ = steady_problem()
    expected, losses, supports = straightforward_sea(A, y, 8, 300)
    # The run settles on one support: the fast-forward path is exercised.
    assert all(np.array_equal(s, supports[-1]) for s in supports[-50:])
    result = run_kernel(GramDesign(A.T @ A), A, y, 8, 300)
    assert result.n_iter == 300
    np.testing.assert_allclose(result.loss_curve, losses, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(result.coef, expected, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("seed", range(20))
def test_steady_iterations_bound_is_safe(seed):
    rng = np.random.default_rng(seed)
    n, k = 40, 6
    exploration = rng.standard_normal(n) * rng.uniform(0.1, 10)
    support = top_k(exploration, k)
    # The gradient vanishes on the support (up to rounding) and not outside.
    move = 0.05 * rng.standard_normal(n)
    move[support] = 1e-17 * rng.standard_normal(k)
    horizon = sea_module._steady_iterations(exploration, move, support, 1000)
    assert 0 <= horizon <= 1000
    current = exploration.copy()
    for _ in range(horizon):
        current -= move
        np.testing.assert_array_equal(top_k(current, k), support)


def test_steady_iterations_on_a_tie_is_zero():
    exploration = np.array([3.0, 2.0, 2.0, 0.5])
    move = np.array([0.0, 0.0, 0.1, 0.0])
    assert (
        sea_module._steady_iterations(exploration, move, top_k(exploration, 2), 50) == 0
    )
    # Nothing moves: the support is kept for every remaining iteration.
    exploration = np.array([3.0, 2.0, 1.5, 0.5])
    support = top_k(exploration, 2)
    assert sea_module._steady_iterations(exploration, 0 * move, support, 50) == 50


def test_step_cache_budget_does_not_change_results(monkeypatch):
    A, y, _ = noisy_problem(5)
    design = GramDesign(A.T @ A)
    cached = run_kernel(design, A, y, 10, 150)
    monkeypatch.setattr(sea_module, "STEP_CACHE_BYTES", 0)
    uncached = run_kernel(design, A, y, 10, 150)
    np.testing.assert_array_equal(cached.coef, uncached.coef)
    np.testing.assert_array_equal(cached.loss_curve, uncached.loss_curve)


def test_tol_zero_runs_every_iteration_and_positive_tol_stops():
    A, y, _ = steady_problem()
    assert sea(A, y, n_nonzero_coefs=8, max_iter=200, return_n_iter=True)[1] == 200
    # A tol far above the rounding of the objective: reaching it does not
    # depend on the machine.
    tol = 1e-10 * (y @ y)
    _, losses, _ = straightforward_sea(A, y, 8, 200, tol=tol)
    coef, n_iter = sea(
        A, y, n_nonzero_coefs=8, max_iter=200, tol=tol, return_n_iter=True
    )
    assert n_iter == losses.shape[0] < 200


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_sparse_operator_mode_matches_dense_gram_mode(fit_intercept):
    X, y, _ = make_spike_deconvolution(90, 8, width=2.0, noise=0.05, random_state=1)
    rng = np.random.default_rng(1)
    # Sparsify X so that the implicit centring matters.
    X = X * (rng.uniform(size=X.shape) < 0.5)
    weight = rng.uniform(0.3, 2.0, X.shape[0])
    params = dict(max_iter=120, tol=0, fit_intercept=fit_intercept)
    # The normalised problem both modes solve has no near tie in this run.
    A, b = np.sqrt(weight)[:, None] * X, np.sqrt(weight) * y
    if fit_intercept:
        A = np.sqrt(weight)[:, None] * (X - np.average(X, axis=0, weights=weight))
        b = np.sqrt(weight) * (y - np.average(y, weights=weight))
    straightforward_sea(A / np.linalg.norm(A, axis=0), b, 8, 120)
    dense = SEARegressor(8, precompute=True, **params).fit(X, y, sample_weight=weight)
    sparse = SEARegressor(8, **params).fit(sp.csr_matrix(X), y, sample_weight=weight)
    np.testing.assert_allclose(sparse.loss_curve_, dense.loss_curve_, rtol=1e-7)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(sparse.intercept_, dense.intercept_, atol=1e-10)


def test_float32_sparse_input_gives_the_float64_supports():
    A, y, _ = steady_problem()
    coef64 = sea(sp.csr_matrix(A), y, n_nonzero_coefs=8, max_iter=100)
    coef32 = sea(
        sp.csr_matrix(A.astype(np.float32)),
        y.astype(np.float32),
        n_nonzero_coefs=8,
        max_iter=100,
    )
    assert coef32.dtype == np.float32 and np.all(np.isfinite(coef32))
    np.testing.assert_array_equal(np.flatnonzero(coef32), np.flatnonzero(coef64))


def batch_of_problems(n_problems=8, n_samples=40, n_features=80, k=10, noise=0.0):
    problems = [
        make_compressed_sensing(n_samples, n_features, k, noise=noise, random_state=s)
        for s in range(n_problems)
    ]
    return np.stack([p[0] for p in problems]), np.stack([p[1] for p in problems])


@pytest.mark.parametrize("noise", [0.0, 0.05])
def test_sea_batch_agrees_with_sea_per_problem(noise):
    X, y = batch_of_problems(noise=noise)
    # Exact-fit tolerances: noiseless problems stop at different iterations.
    tol = 1e3 * np.finfo(float).eps * np.einsum("bm,bm->b", y, y)
    coef, n_iter = sea_batch(
        X, y, n_nonzero_coefs=10, max_iter=150, tol=tol, return_n_iter=True
    )
    for b in range(X.shape[0]):
        expected, expected_n_iter = sea(
            X[b], y[b], n_nonzero_coefs=10, max_iter=150, tol=tol[b], return_n_iter=True
        )
        assert n_iter[b] == expected_n_iter
        np.testing.assert_array_equal(np.flatnonzero(coef[b]), np.flatnonzero(expected))
        np.testing.assert_allclose(coef[b], expected, rtol=1e-9, atol=1e-12)
    if noise == 0:
        assert len(set(n_iter.tolist())) > 1  # the early stops were exercised


def test_sea_batch_matches_straightforward_loop_and_scalar_tol():
    X, y = batch_of_problems(n_problems=4, noise=0.05)
    coef = sea_batch(X, y, n_nonzero_coefs=10, max_iter=60)
    for b in range(4):
        expected, _, _ = straightforward_sea(X[b], y[b], 10, 60)
        np.testing.assert_allclose(coef[b], expected, rtol=1e-7, atol=1e-10)


def test_sea_batch_shared_design_and_rank_deficient_columns():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((30, 50))
    A /= np.linalg.norm(A, axis=0)
    # A parallel column makes some supports singular; at another scale than
    # the original it does not tie with it (sea_batch, like sea, solves the
    # design as given, where a tie would be decided by rounding).
    A[:, 7] = 1.5 * A[:, 3]
    x = np.zeros((5, 50))
    x[:, [3, 10, 20]] = rng.uniform(1, 2, (5, 3))
    y = x @ A.T + 0.1 * rng.standard_normal((5, 30))
    coef = sea_batch(A, y, n_nonzero_coefs=6, max_iter=80)
    for b in range(5):
        expected = sea(A, y[b], n_nonzero_coefs=6, max_iter=80)
        assert np.all(np.isfinite(coef[b]))
        np.testing.assert_allclose(coef[b], expected, rtol=1e-7, atol=1e-9)


def test_sea_batch_bad_input():
    X, y = batch_of_problems(n_problems=3)
    with pytest.raises(ValueError, match="X has shape"):
        sea_batch(X, y[:2], n_nonzero_coefs=5)
    with pytest.raises(ValueError, match="X must have shape"):
        sea_batch(X[0, 0], y, n_nonzero_coefs=5)
    with pytest.raises(ValueError, match="tol"):
        sea_batch(X, y, n_nonzero_coefs=5, tol=np.ones(2))
    with pytest.raises(ValueError, match="n_nonzero_coefs"):
        sea_batch(X, y, n_nonzero_coefs=0)
    bad = X.copy()
    bad[1, 2, 3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        sea_batch(bad, y, n_nonzero_coefs=5)

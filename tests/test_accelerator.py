"""The compiled SEA loop computes the iterates of the pure-Python loop."""

import os

import numpy as np
import pytest

from sklearn_sea import SEARegressor
from sklearn_sea import _sea as sea_module
from sklearn_sea._core import (
    GramDesign,
    SupportLeastSquares,
    _accelerator,
    dense_operator_design,
    top_k,
)
from sklearn_sea.datasets import make_compressed_sensing, make_spike_deconvolution

from _reference import assert_runs_agree, reference_sea

compiled_only = pytest.mark.skipif(
    not _accelerator.COMPILED_AVAILABLE,
    reason="the compiled SEA kernel is not built in this installation",
)


@pytest.mark.skipif(
    os.environ.get("SKLEARN_SEA_REQUIRE_COMPILED") != "1",
    reason="only where the build must have produced the compiled kernel (CI)",
)
def test_compiled_kernel_is_built():
    assert _accelerator.COMPILED_AVAILABLE


def both_loops(monkeypatch, A, y, k, max_iter, coef_init=None, step=1.0, tol=0.0):
    results = []
    for compiled in (True, False):
        monkeypatch.setattr(_accelerator, "USE_COMPILED", compiled)
        problem = SupportLeastSquares(GramDesign(A.T @ A), A.T @ y, y @ y)
        results.append(
            sea_module._sea(
                problem,
                k,
                max_iter=max_iter,
                step_size=step,
                coef_init=coef_init,
                tol=tol,
            )
        )
    return results


def assert_loops_agree(
    monkeypatch, A, y, k, max_iter, coef_init=None, step=1.0, tol=0.0, min_horizon=None
):
    """Both loops follow the reference up to its first near tie (see _reference)."""
    compiled, python = both_loops(monkeypatch, A, y, k, max_iter, coef_init, step, tol)
    reference = reference_sea(A, y, k, max_iter, step, x0=coef_init, tol=tol)
    horizon = assert_runs_agree(compiled, python, reference)
    # The comparison must cover enough iterations to mean something.
    assert horizon >= (max_iter // 2 if min_horizon is None else min_horizon)
    return compiled, python


def deconvolution(seed, n=120, k=12, noise=0.05):
    return make_spike_deconvolution(n, k, width=3.0, noise=noise, random_state=seed)


@compiled_only
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("noise", [0.0, 0.05])
def test_same_iterates_from_zero(monkeypatch, seed, noise):
    A, y, _ = make_compressed_sensing(60, 150, 12, noise=noise, random_state=seed)
    assert_loops_agree(monkeypatch, A, y, 12, 400)


@compiled_only
@pytest.mark.parametrize("seed", range(3))
def test_same_iterates_from_a_warm_start_and_other_steps(monkeypatch, seed):
    A, y, _ = deconvolution(seed)
    rng = np.random.default_rng(seed)
    coef_init = np.zeros(A.shape[1])
    coef_init[rng.choice(A.shape[1], 12, replace=False)] = rng.standard_normal(12)
    for step in (0.1, 1.0, 7.0):
        assert_loops_agree(
            monkeypatch, A, y, 12, 300, coef_init=coef_init, step=step, min_horizon=100
        )


@compiled_only
def test_same_stop_on_tol(monkeypatch):
    # tol far above the rounding of the objective (eps ||y||^2), so that
    # reaching it does not depend on how the machine rounds.
    A, y, _ = make_compressed_sensing(60, 150, 8, random_state=0)
    tol = 1e-10 * (y @ y)
    compiled, python = assert_loops_agree(
        monkeypatch, A, y, 8, 500, tol=tol, min_horizon=1
    )
    assert compiled.n_iter < 500
    assert compiled.loss_curve[-1] <= 0.5 * tol


@compiled_only
def test_singular_supports_use_the_minimum_norm_solution(monkeypatch):
    # Columns repeated at 1.5 times their scale move in step with the
    # originals (no tie, since magnitudes differ) and enter the support with
    # them: the blocks are singular, and the compiled loop hands those solves
    # back to Python.
    A, y, _ = make_compressed_sensing(30, 40, 5, noise=0.1, random_state=1)
    A = np.hstack([A, 1.5 * A[:, :10]])
    compiled, python = assert_loops_agree(monkeypatch, A, y, 8, 200)
    assert np.all(np.isfinite(compiled.coef))
    supports = reference_sea(A, y, 8, 200, 1.0).supports
    assert any(np.isin(support + 40, support).any() for support in supports)


@compiled_only
@pytest.mark.parametrize("k", [1, 150])
def test_extreme_support_sizes(monkeypatch, k):
    A, y, _ = make_compressed_sensing(200, 150, 5, noise=0.05, random_state=2)
    assert_loops_agree(monkeypatch, A, y, k, 50)


@compiled_only
def test_estimator_results_do_not_depend_on_the_loop(monkeypatch):
    # Unit-norm columns and no intercept: the estimator's normalised problem
    # is the reference's, up to the scale of y.
    X, y, _ = make_compressed_sensing(100, 200, 15, noise=0.05, random_state=5)
    fits = []
    for compiled in (True, False):
        monkeypatch.setattr(_accelerator, "USE_COMPILED", compiled)
        fits.append(
            SEARegressor(15, max_iter=300, tol=0, fit_intercept=False).fit(X, y)
        )
    reference = reference_sea(X, y, 15, 300, 1.0)
    assert reference.horizon == 300
    for fit in fits:
        np.testing.assert_allclose(
            fit.loss_curve_,
            reference.losses,
            rtol=0,
            atol=1e-7 * reference.losses.max(),
        )
    np.testing.assert_allclose(fits[0].coef_, fits[1].coef_, rtol=1e-8, atol=1e-11)
    assert fits[0].n_supports_explored_ == fits[1].n_supports_explored_


@compiled_only
def test_compiled_loop_rejects_nan_and_inconsistent_shapes():
    A, y, _ = make_compressed_sensing(30, 40, 5, random_state=0)
    gram, aty = A.T @ A, A.T @ y
    exploration = aty.copy()
    support = top_k(exploration, 5)
    exploration[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        _accelerator.sea_gram_loop(
            gram, aty, y @ y, 5, 10, 1.0, 0.0, exploration, support, None
        )
    with pytest.raises(ValueError, match="shapes"):
        _accelerator.sea_gram_loop(
            gram, aty, y @ y, 6, 10, 1.0, 0.0, aty.copy(), support, None
        )


def test_pure_python_when_compiled_is_off(monkeypatch):
    monkeypatch.setattr(_accelerator, "USE_COMPILED", False)
    A, y, _ = make_compressed_sensing(30, 40, 5, random_state=0)
    problem = SupportLeastSquares(GramDesign(A.T @ A), A.T @ y, y @ y)
    assert _accelerator.compiled_gram_loop(problem) is None


@compiled_only
def test_compiled_loop_applies_to_float64_gram_problems_only(monkeypatch):
    monkeypatch.setattr(_accelerator, "USE_COMPILED", True)
    A, y, _ = make_compressed_sensing(30, 40, 5, random_state=0)
    gram64 = SupportLeastSquares(GramDesign(A.T @ A), A.T @ y, y @ y)
    A32, y32 = A.astype(np.float32), y.astype(np.float32)
    gram32 = SupportLeastSquares(GramDesign(A32.T @ A32), A32.T @ y32, y32 @ y32)
    operator = SupportLeastSquares(dense_operator_design(A), A.T @ y, y @ y)
    assert _accelerator.compiled_gram_loop(gram64) is not None
    assert _accelerator.compiled_gram_loop(gram32) is None
    assert _accelerator.compiled_gram_loop(operator) is None


@compiled_only
@pytest.mark.parametrize("k", [*range(1, 14), 31, 60, 61, 62, 63, 64, 129, 200])
def test_support_solve_agrees_with_lapack(k):
    # The loop's own factorisation works by panels of four columns on columns
    # padded to a multiple of four rows past the border, by tiles of eight
    # and four rows: every remainder of k modulo 4 and 8 takes another path.
    from sklearn_sea._core._sea_gram import support_solve

    rng = np.random.default_rng(k)
    n = k + 7
    A = rng.standard_normal((3 * n, n))
    A /= np.linalg.norm(A, axis=0)
    gram, aty = A.T @ A, A.T @ rng.standard_normal(3 * n)
    support = np.sort(rng.permutation(n)[:k]).astype(np.intp)
    block = gram[np.ix_(support, support)]
    expected = np.linalg.solve(block, aty[support])
    coef = support_solve(gram, aty, support)
    np.testing.assert_allclose(coef, expected, rtol=1e-12, atol=1e-12)
    # An unsorted support is the same system with its rows permuted.
    order = rng.permutation(k)
    np.testing.assert_allclose(
        support_solve(gram, aty, support[order]), expected[order], rtol=1e-12
    )


@compiled_only
@pytest.mark.parametrize("k", [2, 5, 9, 60])
def test_support_solve_reports_singular_and_indefinite_blocks(k):
    from sklearn_sea._core._sea_gram import support_solve

    rng = np.random.default_rng(0)
    A = rng.standard_normal((2 * k + 4, k + 3))
    aty = A.T @ rng.standard_normal(A.shape[0])
    support = np.arange(k, dtype=np.intp)
    # A repeated column: singular to working precision.
    A_repeated = A.copy()
    A_repeated[:, k - 1] = A_repeated[:, 0]
    assert support_solve(A_repeated.T @ A_repeated, aty, support) is None
    # Not positive definite: a negative pivot, wherever it falls.
    indefinite = A.T @ A
    indefinite[k - 1, k - 1] = -1.0
    assert support_solve(indefinite, aty, support) is None
    nan_gram = A.T @ A
    nan_gram[k - 1, 0] = nan_gram[0, k - 1] = np.nan
    coef = support_solve(nan_gram, aty, support)
    assert coef is None or not np.isfinite(coef).all()


@compiled_only
def test_support_solve_refuses_inconsistent_input():
    from sklearn_sea._core._sea_gram import support_solve

    gram, aty = np.eye(4), np.ones(4)
    with pytest.raises(ValueError, match="distinct indices"):
        support_solve(gram, aty, np.array([0, 0], dtype=np.intp))
    with pytest.raises(ValueError, match="distinct indices"):
        support_solve(gram, aty, np.array([1, 4], dtype=np.intp))
    with pytest.raises(ValueError, match="square gram"):
        support_solve(np.ones((4, 3)), aty, np.array([0], dtype=np.intp))
    with pytest.raises(ValueError, match="1 <= k"):
        support_solve(gram, aty, np.array([], dtype=np.intp))


@compiled_only
@pytest.mark.parametrize("seed", range(5))
def test_seeded_top_k_is_top_k_whatever_the_previous_support(seed):
    from sklearn_sea._core._sea_gram import seeded_top_k

    rng = np.random.default_rng(seed)
    n = 300
    # Few distinct magnitudes of both signs: ties at the threshold are common.
    x = rng.integers(-6, 7, n).astype(float)
    for k in (1, 7, 40, n - 1):
        previous = np.sort(rng.choice(n, k, replace=False))
        np.testing.assert_array_equal(seeded_top_k(x, k, previous), top_k(x, k))
    x[17] = np.nan
    assert seeded_top_k(x, 5, np.arange(5, dtype=np.intp)) is None


@compiled_only
def test_seeded_top_k_refuses_inconsistent_input():
    from sklearn_sea._core._sea_gram import seeded_top_k

    x = np.arange(6.0)
    with pytest.raises(ValueError, match="1 <= k < n"):
        seeded_top_k(x, 6, np.arange(6, dtype=np.intp))
    with pytest.raises(ValueError, match="increasing"):
        seeded_top_k(x, 2, np.array([3, 1], dtype=np.intp))
    with pytest.raises(ValueError, match="increasing"):
        seeded_top_k(x, 2, np.array([1, 6], dtype=np.intp))

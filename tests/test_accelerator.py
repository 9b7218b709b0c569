"""The compiled SEA loop computes the iterates of the pure-Python loop."""

import os

import numpy as np
import pytest

from sklearn_sea import SEARegressor
from sklearn_sea import _sea as sea_module
from sklearn_sea._core import GramDesign, SupportLeastSquares, _accelerator, top_k
from sklearn_sea.datasets import make_compressed_sensing, make_spike_deconvolution

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


def assert_same_run(compiled, python):
    assert compiled.n_iter == python.n_iter
    assert compiled.best_iter == python.best_iter
    assert compiled.n_supports_explored == python.n_supports_explored
    np.testing.assert_array_equal(compiled.coef != 0, python.coef != 0)
    np.testing.assert_allclose(compiled.coef, python.coef, rtol=1e-8, atol=1e-11)
    # Objectives come from the normal equations, ||y||^2 - b_S . x_S: both
    # loops round them to about eps * cond(A_S)^2 * ||y||^2, and coherent
    # supports of the deconvolution problems reach cond(A_S) ~ 1e5 (both
    # then stay within 3e-8 of numpy.linalg.lstsq's objective).
    scale = python.loss_curve.max()
    np.testing.assert_allclose(
        compiled.loss_curve, python.loss_curve, rtol=0, atol=1e-7 * scale
    )


def deconvolution(seed, n=120, k=12, noise=0.05):
    return make_spike_deconvolution(n, k, width=3.0, noise=noise, random_state=seed)


@compiled_only
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("noise", [0.0, 0.05])
def test_same_iterates_from_zero(monkeypatch, seed, noise):
    if noise:
        A, y, _ = make_compressed_sensing(60, 150, 12, noise=noise, random_state=seed)
    else:
        A, y, _ = make_compressed_sensing(60, 150, 12, random_state=seed)
    assert_same_run(*both_loops(monkeypatch, A, y, 12, 400))


@compiled_only
@pytest.mark.parametrize("seed", range(3))
def test_same_iterates_from_a_warm_start_and_other_steps(monkeypatch, seed):
    A, y, _ = deconvolution(seed)
    rng = np.random.default_rng(seed)
    coef_init = np.zeros(A.shape[1])
    coef_init[rng.choice(A.shape[1], 12, replace=False)] = rng.standard_normal(12)
    for step in (0.1, 1.0, 7.0):
        runs = both_loops(monkeypatch, A, y, 12, 300, coef_init=coef_init, step=step)
        assert_same_run(*runs)


@compiled_only
def test_same_stop_on_tol(monkeypatch):
    A, y, _ = make_compressed_sensing(60, 150, 8, random_state=0)
    compiled, python = both_loops(monkeypatch, A, y, 8, 500, tol=1e-20)
    assert compiled.n_iter < 500
    assert_same_run(compiled, python)


@compiled_only
def test_singular_supports_use_the_minimum_norm_solution(monkeypatch):
    # Duplicated columns tie in the exploration vector and make some support
    # blocks singular: the compiled loop hands those solves back to Python.
    A, y, _ = make_compressed_sensing(30, 40, 5, noise=0.1, random_state=1)
    A = np.hstack([A, A[:, :10]])
    compiled, python = both_loops(monkeypatch, A, y, 8, 200)
    assert_same_run(compiled, python)
    assert np.all(np.isfinite(compiled.coef))


@compiled_only
@pytest.mark.parametrize("k", [1, 150])
def test_extreme_support_sizes(monkeypatch, k):
    A, y, _ = make_compressed_sensing(200, 150, 5, noise=0.05, random_state=2)
    assert_same_run(*both_loops(monkeypatch, A, y, k, 50))


@compiled_only
def test_estimator_results_do_not_depend_on_the_loop(monkeypatch):
    X, y, _ = deconvolution(5, n=200, k=15)
    fits = []
    for compiled in (True, False):
        monkeypatch.setattr(_accelerator, "USE_COMPILED", compiled)
        fits.append(SEARegressor(15, max_iter=500).fit(X, y))
    np.testing.assert_allclose(fits[0].coef_, fits[1].coef_, rtol=1e-10, atol=1e-12)
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
    operator = SupportLeastSquares(sea_module.dense_operator_design(A), A.T @ y, y @ y)
    assert _accelerator.compiled_gram_loop(gram64) is not None
    assert _accelerator.compiled_gram_loop(gram32) is None
    assert _accelerator.compiled_gram_loop(operator) is None

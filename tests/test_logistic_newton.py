"""The compiled binary Newton solve computes the iterates of the Python one."""

import numpy as np
import pytest

from sklearn_sea import SEAClassifier
from sklearn_sea._core import _accelerator
from sklearn_sea._core._least_squares import solve_normal_equations
from sklearn_sea._core._support_logistic import (
    _ARMIJO,
    _MAX_HALVINGS,
    NEWTON_MAX_ITER,
    SupportLogistic,
)

compiled_only = pytest.mark.skipif(
    not _accelerator.COMPILED_AVAILABLE,
    reason="the compiled kernels are not built in this installation",
)


def teacher(seed, rho=0.7, n_samples=150, n_features=60, k=5):
    """Binary labels of a k-sparse logistic teacher on AR(rho) features."""
    rng = np.random.default_rng(seed)
    X = np.empty((n_samples, n_features))
    X[:, 0] = rng.standard_normal(n_samples)
    for j in range(1, n_features):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * rng.standard_normal(
            n_samples
        )
    coef = np.zeros(n_features)
    coef[rng.choice(n_features, k, replace=False)] = rng.choice([-2.0, 2.0], k)
    z = X @ coef + 0.5
    y = (rng.uniform(size=n_samples) < 1 / (1 + np.exp(-z))).astype(int)
    return X, y


def fit_both(monkeypatch, X, y, sample_weight=None, **params):
    models = []
    for compiled in (True, False):
        monkeypatch.setattr(_accelerator, "USE_COMPILED", compiled)
        models.append(SEAClassifier(5, max_iter=120, **params).fit(X, y, sample_weight))
    return models


@compiled_only
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_classifier_same_search_and_model(monkeypatch, seed, fit_intercept, weighted):
    X, y = teacher(seed)
    weight = None
    if weighted:
        weight = np.random.default_rng(seed).uniform(0.2, 3.0, size=y.shape[0])
    compiled, python = fit_both(
        monkeypatch, X, y, sample_weight=weight, fit_intercept=fit_intercept
    )
    assert compiled.best_iter_ == python.best_iter_
    assert compiled.n_supports_explored_ == python.n_supports_explored_
    np.testing.assert_array_equal(
        np.flatnonzero(compiled.coef_), np.flatnonzero(python.coef_)
    )
    np.testing.assert_allclose(compiled.loss_curve_, python.loss_curve_, rtol=1e-9)
    # Both models are refined to the final Newton tolerance: they agree to it.
    scale = np.abs(python.coef_).max()
    np.testing.assert_allclose(compiled.coef_, python.coef_, atol=1e-6 * scale)
    np.testing.assert_allclose(
        compiled.intercept_, python.intercept_, atol=1e-6 * max(scale, 1.0)
    )


def support_problem(seed, weighted, duplicate=False):
    X, y = teacher(seed, n_samples=80, n_features=8)
    B = np.column_stack((X, np.ones(X.shape[0])))
    if duplicate:
        # Two equal unpenalised columns: a singular Hessian, the minimum-norm step.
        B = np.column_stack((B, X[:, 0]))
    weight = None
    if weighted:
        weight = np.random.default_rng(seed).uniform(0.0, 2.0, size=y.shape[0])
    width = B.shape[1]
    diag = np.full(width, 0.0 if duplicate else 0.5)
    diag[X.shape[1]] = 0.0
    problem = SupportLogistic.__new__(SupportLogistic)
    problem._y = y.astype(np.float64)
    problem._sign = 1.0 - 2.0 * problem._y
    problem.weight = weight
    return problem, np.ascontiguousarray(B), diag


@compiled_only
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("duplicate", [False, True])
def test_kernel_matches_python_newton(seed, weighted, duplicate):
    problem, B, diag = support_problem(seed, weighted, duplicate)
    start = np.random.default_rng(seed).normal(scale=0.1, size=B.shape[1])
    saved = start.copy()
    gtol = 1e-10
    theta, value, z, r = problem._newton_binary(B, diag, start.copy(), gtol)
    fallbacks = []

    def fallback(H, g):
        fallbacks.append(H)
        return solve_normal_equations(H, g)

    c_theta, c_value, c_z, c_r = _accelerator.newton_binary(
        B, problem._y, problem.weight, diag, start, gtol,
        NEWTON_MAX_ITER, _ARMIJO, _MAX_HALVINGS, fallback,
    )  # fmt: skip
    # The singular Hessian goes to the minimum-norm solve, whole and symmetric.
    assert bool(fallbacks) == duplicate
    for H in fallbacks:
        np.testing.assert_array_equal(H, H.T)
    np.testing.assert_allclose(c_value, value, rtol=1e-12)
    np.testing.assert_allclose(c_z, z, atol=1e-6)
    np.testing.assert_allclose(c_r, r, atol=1e-8)
    np.testing.assert_allclose(B @ c_theta, c_z, atol=1e-9)
    # The gradient at the compiled solution is under the tolerance.
    gradient = B.T @ c_r + diag * c_theta
    assert np.abs(gradient).max() <= gtol * 10
    if not duplicate:
        np.testing.assert_allclose(c_theta, theta, atol=1e-6)
    np.testing.assert_array_equal(start, saved)


def kernel_arguments(**changes):
    problem, B, diag = support_problem(0, weighted=True)
    arguments = {
        "B": B,
        "y": problem._y,
        "weight": problem.weight,
        "diag": diag,
        "theta_start": np.zeros(B.shape[1]),
        "gtol": 1e-7,
        "max_iter": 50,
        "armijo": 1e-4,
        "max_halvings": 40,
        "fallback_solve": solve_normal_equations,
    }
    arguments.update(changes)
    return list(arguments.values())


def with_nan(array, index):
    array = array.copy()
    array[index] = np.nan
    return array


@compiled_only
@pytest.mark.parametrize(
    "name, value",
    [
        ("B", np.zeros((80, 0))),
        ("B", np.ones((80, 9), dtype=np.float32)),
        ("B", np.asfortranarray(np.ones((80, 9)))),
        ("B", [[1.0]]),
        ("B", with_nan(np.ones((80, 9)), (3, 4))),
        ("y", np.ones(79)),
        ("y", np.full(80, 2.0)),
        ("y", with_nan(np.ones(80), 5)),
        ("weight", -np.ones(80)),
        ("weight", np.ones(81)),
        ("weight", np.ones(80, dtype=np.int64)),
        ("diag", np.ones(8)),
        ("diag", -np.ones(9)),
        ("theta_start", np.ones(10)),
        ("theta_start", with_nan(np.ones(9), 0)),
        ("gtol", np.nan),
        ("gtol", -1.0),
        ("max_iter", -1),
        ("armijo", 1.0),
        ("max_halvings", 0),
        ("fallback_solve", None),
    ],
)
def test_kernel_rejects_bad_input_naming_it(name, value):
    arguments = kernel_arguments(**{name: value})
    with pytest.raises(ValueError, match=rf"newton_binary: .*\b{name}\b"):
        _accelerator.newton_binary(*arguments)


@compiled_only
def test_kernel_rejects_a_bad_fallback_result():
    problem, B, diag = support_problem(0, weighted=False, duplicate=True)
    arguments = kernel_arguments(
        B=B, diag=diag, theta_start=np.zeros(B.shape[1]),
        fallback_solve=lambda H, g: np.zeros(2),
    )  # fmt: skip
    with pytest.raises(ValueError, match="fallback_solve"):
        _accelerator.newton_binary(*arguments)

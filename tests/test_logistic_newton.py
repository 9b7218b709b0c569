"""The compiled binary Newton solve computes the iterates of the Python one."""

import math

import numpy as np
import pytest

from sklearn_sea import SEAClassifier
from sklearn_sea._classifier import logistic_problem
from sklearn_sea._core import _accelerator, _support_logistic
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


def last_bits_noise(seed):
    """A minimum-norm solve whose result is off in its last bits, as threads
    or another LAPACK build may leave it."""
    rng = np.random.default_rng(seed)

    def solve(H, g):
        d = solve_normal_equations(H, g)
        return d * (1.0 + 4e-16 * rng.standard_normal(d.shape))

    return solve


@pytest.mark.parametrize("seed, weighted", [(1, False), (2, True)])
@pytest.mark.parametrize("compiled", [pytest.param(True, marks=compiled_only), False])
def test_newton_reaches_gtol_under_the_objectives_rounding(
    monkeypatch, compiled, seed, weighted
):
    # Near the solution a step's decrease (1e-17 here) is far under the
    # rounding of the objective (about 16): the line search alone cannot see
    # it, and a last-bits change of the step used to stop Newton with a
    # gradient of 1e-9 to 1e-8 in one solve in twenty (compiled) to one in
    # three hundred (Python) on these problems.
    problem, B, diag = support_problem(seed, weighted, duplicate=True)
    start = np.random.default_rng(seed).normal(scale=0.1, size=B.shape[1])
    gtol = 1e-10
    solve = last_bits_noise(0)
    monkeypatch.setattr(_support_logistic, "solve_normal_equations", solve)
    for _ in range(300):
        if compiled:
            theta, _, _, r = _accelerator.newton_binary(
                B, problem._y, problem.weight, diag, start, gtol,
                NEWTON_MAX_ITER, _ARMIJO, _MAX_HALVINGS, solve,
            )  # fmt: skip
        else:
            theta, _, _, r = problem._newton_binary(B, diag, start.copy(), gtol)
        assert np.abs(B.T @ r + diag * theta).max() <= 10 * gtol


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


# -- the kernel's exponential and logarithm -------------------------------------


@compiled_only
def test_loss_kernel_matches_numpy_to_a_few_ulp():
    from sklearn_sea._core._logistic_newton import logistic_losses

    rng = np.random.default_rng(0)
    magnitudes = np.concatenate(
        [
            [0.0, 1e-300, 1e-17, 1e-8, 0.34657359, 0.34657360, 0.5, 1.0, 700.0],
            np.exp(rng.uniform(-40, np.log(700), 4000)),
            rng.uniform(0, 40, 4000),
        ]
    )
    z = np.concatenate([magnitudes, -magnitudes])
    sign = rng.choice([-1.0, 1.0], size=z.shape[0])
    total, losses, e = logistic_losses(z, sign)
    np.testing.assert_allclose(losses, np.logaddexp(0.0, sign * z), rtol=1e-15, atol=0)
    np.testing.assert_allclose(e, np.exp(-np.abs(z)), rtol=1e-15, atol=0)
    # a sum of 16 000 terms: within n eps of the exact one
    assert total == pytest.approx(math.fsum(losses), rel=16000 * 2.2e-16)
    # Beyond exp's range: e is negligible, the loss is |z| or (nearly) 0.
    far = np.array([709.0, -750.0, 1e4, -1e300])
    _, losses, e = logistic_losses(far, np.ones(4))
    assert np.all(e <= 4e-308)
    np.testing.assert_allclose(losses, np.logaddexp(0.0, far), rtol=1e-15, atol=1e-300)
    _, losses, e = logistic_losses(np.array([np.nan, 1.0]), np.ones(2))
    assert np.isnan(losses[0]) and np.isnan(e[0]) and np.isfinite(losses[1])


# -- the support solver on a dense design ----------------------------------------


def dense_problems(seed, weighted, fit_intercept, C=1.0, n_features=40):
    """The same logistic problem twice: for the compiled and the Python solves."""
    from sklearn_sea._classifier_base import logistic_task

    X, y = teacher(seed, n_features=n_features)
    weight = np.ones(y.shape[0])
    if weighted:
        weight = np.random.default_rng(seed).uniform(0.2, 3.0, size=y.shape[0])
    return [
        logistic_task(X, y, 2, weight, fit_intercept, C).problem() for _ in range(2)
    ]


def solve_both(monkeypatch, problems, support, start=None):
    results = []
    for problem, compiled in zip(problems, (True, False), strict=True):
        monkeypatch.setattr(_accelerator, "USE_COMPILED", compiled)
        coef, intercept, value, R, gradient = problem._solve_new(support, start)
        if gradient is None:  # the Python solve leaves it to the cache
            gradient = problem.design.rmatvec(R)
        results.append((coef, intercept, value, np.asarray(gradient).ravel()))
    return results


@compiled_only
@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_dense_solver_matches_python_solves(monkeypatch, seed, weighted, fit_intercept):
    problems = dense_problems(seed, weighted, fit_intercept)
    monkeypatch.setattr(_accelerator, "USE_COMPILED", True)
    assert problems[0].binary_solver() is not None
    rng = np.random.default_rng(seed)
    supports = [np.sort(rng.choice(40, 6, replace=False)) for _ in range(5)]
    # a change of width keeps the previous predictor for the warm start
    supports.append(np.sort(rng.choice(40, 9, replace=False)))
    for support in supports:
        (c_coef, c_icpt, c_value, c_grad), (coef, icpt, value, grad) = solve_both(
            monkeypatch, problems, support
        )
        assert c_value == pytest.approx(value, rel=1e-12)
        np.testing.assert_allclose(c_coef, coef, atol=1e-6)
        np.testing.assert_allclose(c_icpt, icpt, atol=1e-6)
        np.testing.assert_allclose(c_grad, grad, atol=1e-6 * np.abs(grad).max())
    # the final solve starts from the given point
    start = np.vstack((coef, icpt)) if fit_intercept else coef
    (c_coef, _, c_value, _), (coef, _, value, _) = solve_both(
        monkeypatch, problems, supports[-1], start=start
    )
    np.testing.assert_allclose(c_coef, coef, atol=1e-8)


@compiled_only
def test_dense_solver_falls_back_on_a_singular_hessian(monkeypatch):
    # A feature twice and (almost) no penalty: the Hessian is singular, the
    # minimum-norm steps split the coefficient evenly, as the Python solve.
    from sklearn_sea._core import _support_logistic

    calls = []

    def recording(matrix, rhs):
        calls.append(matrix.shape)
        return solve_normal_equations(matrix, rhs)

    monkeypatch.setattr(_support_logistic, "solve_normal_equations", recording)
    problems = dense_problems(0, False, True, C=1e15)
    support = np.array([3, 3, 7])
    monkeypatch.setattr(_accelerator, "USE_COMPILED", True)
    c_coef, _, c_value, _, _ = problems[0]._solve_new(support)
    assert calls and all(shape == (4, 4) for shape in calls)
    monkeypatch.setattr(_accelerator, "USE_COMPILED", False)
    coef, _, value, _, _ = problems[1]._solve_new(support)
    assert c_value == pytest.approx(value, rel=1e-10)
    assert c_coef[0, 0] == pytest.approx(c_coef[1, 0], rel=1e-6)
    np.testing.assert_allclose(c_coef, coef, rtol=1e-5)


def solver_arguments(**changes):
    X, y = teacher(0, n_samples=30, n_features=6)
    arguments = {
        "At": np.ascontiguousarray(X.T),
        "y": y.astype(np.float64),
        "weight": None,
        "penalty": np.ones(6),
        "fit_intercept": True,
        "null_intercept": 0.0,
        "max_iter": 50,
        "armijo": 1e-4,
        "max_halvings": 40,
        "fallback_solve": solve_normal_equations,
    }
    arguments.update(changes)
    return arguments


@compiled_only
@pytest.mark.parametrize(
    "name, value",
    [
        ("At", np.ones((6, 30), dtype=np.float32)),
        ("At", np.asfortranarray(np.ones((6, 30)))),
        ("At", with_nan(np.ones((6, 30)), (2, 3))),
        ("At", np.zeros((0, 30))),
        ("y", np.ones(29)),
        ("y", np.full(30, 0.5 + 1.0)),
        ("weight", -np.ones(30)),
        ("penalty", -np.ones(6)),
        ("penalty", np.ones(5)),
        ("null_intercept", np.inf),
        ("max_iter", -1),
        ("armijo", np.nan),
        ("fallback_solve", "not callable"),
    ],
)
def test_dense_solver_rejects_bad_data_naming_it(name, value):
    from sklearn_sea._core._logistic_newton import BinarySupportSolver

    with pytest.raises(ValueError, match=rf"BinarySupportSolver: .*\b{name}\b"):
        BinarySupportSolver(**solver_arguments(**{name: value}))


@compiled_only
@pytest.mark.parametrize(
    "support, start, gtol, match",
    [
        (np.array([0, 6]), None, 1e-8, "support holds 6"),
        (np.array([-1]), None, 1e-8, "support holds -1"),
        (np.array([0, 1], dtype=np.int32), None, 1e-8, "support must be"),
        (np.array([0, 1]), np.zeros(2), 1e-8, "start must have 3"),
        (np.array([0, 1]), with_nan(np.zeros(3), 1), 1e-8, "start holds NaN"),
        (np.array([0, 1]), None, np.nan, "gtol"),
    ],
)
def test_dense_solver_rejects_a_bad_solve(support, start, gtol, match):
    from sklearn_sea._core._logistic_newton import BinarySupportSolver

    solver = BinarySupportSolver(**solver_arguments())
    with pytest.raises(ValueError, match=match):
        solver.solve(support, start, gtol)
    # the solver still works after a refused call
    theta, value, gradient = solver.solve(np.array([0, 1]), None, 1e-8)
    assert np.all(np.isfinite(theta)) and np.isfinite(value)
    assert gradient.shape == (6,)


# -- the compiled search ----------------------------------------------------------


@compiled_only
@pytest.mark.parametrize("seed", range(4))
def test_search_top_k_matches_python_top_k_with_ties(seed):
    from sklearn_sea._core import top_k
    from sklearn_sea._core._logistic_newton import top_k_abs

    rng = np.random.default_rng(seed)
    for n in (2, 5, 64, 501):
        # few distinct magnitudes of both signs: ties everywhere
        x = rng.integers(-3, 4, size=n).astype(np.float64)
        if seed % 2:
            x = rng.standard_normal(n)
        for k in {1, n // 2, n - 1} - {0}:
            np.testing.assert_array_equal(top_k_abs(x, k), top_k(x, k))
    assert top_k_abs(np.array([1.0, np.nan, 2.0]), 1) is None


@compiled_only
@pytest.mark.parametrize("cache_bytes", [0, 20_000, None])
@pytest.mark.parametrize("n_samples", [50, 150], ids=["residual-sums", "gradients"])
def test_search_shares_the_cache_rules_of_the_python_loop(
    monkeypatch, cache_bytes, n_samples
):
    from sklearn_sea._classifier import _sea_rows
    from sklearn_sea._classifier_base import logistic_task

    X, y = teacher(1, n_samples=n_samples, n_features=60)
    results = []
    for compiled in (True, False):
        monkeypatch.setattr(_accelerator, "USE_COMPILED", compiled)
        task = logistic_task(X, y, 2, np.ones(y.shape[0]), True, 0.1)
        problem = task.problem(cache_bytes=cache_bytes)
        assert (problem.binary_solver() is not None) == compiled
        results.append(_sea_rows(problem, 5, max_iter=150, step_size=1.0))
    (c_coef, c_icpt, c_info), (coef, icpt, info) = results
    assert c_info["best_iter"] == info["best_iter"]
    assert c_info["n_supports_explored"] == info["n_supports_explored"]
    np.testing.assert_allclose(c_info["loss_curve"], info["loss_curve"], rtol=1e-9)
    np.testing.assert_array_equal(np.flatnonzero(c_coef), np.flatnonzero(coef))
    np.testing.assert_allclose(c_coef, coef, atol=1e-7)


def explored(monkeypatch, compiled, X, y, exploration, k, max_iter, weight=None):
    """The compiled search or the Python loop from ``exploration``, on one problem."""
    from sklearn_sea._classifier import _explore_rows
    from sklearn_sea._classifier_base import logistic_task
    from sklearn_sea._core import top_k

    monkeypatch.setattr(_accelerator, "USE_COMPILED", compiled)
    weight = np.ones(y.shape[0]) if weight is None else weight
    problem = logistic_task(X, y, 2, weight, True, 0.1).problem()
    x = np.array(exploration, dtype=np.float64)
    support = top_k(np.abs(x), k)
    curve = np.empty(max_iter)
    if compiled:
        best_iter, best_support, _ = problem.binary_solver().search(
            problem, x, support, max_iter, 1.0, problem.gtol, curve
        )
    else:
        column = x[:, None]
        _, best_iter, best_support, _, _ = _explore_rows(
            problem, support, k, max_iter, 1.0, column, curve
        )
    return problem, x, curve, best_iter, best_support


@compiled_only
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    "n_samples, n_features",
    [(60, 90), (120, 80)],
    ids=["residual-sums", "gradient-steps"],
)
def test_search_takes_the_steps_of_the_python_loop(
    monkeypatch, seed, weighted, n_samples, n_features
):
    # With no more samples than features the compiled search computes a few
    # entries of the exploration per iteration, otherwise it steps along
    # cached gradients; either way every support it visits, and the
    # exploration it ends with, are those of the Python loop's full gradient
    # steps. A start from a random exploration with many equal entries makes
    # the early supports change often.
    rng = np.random.default_rng(seed)
    X, y = teacher(seed, n_samples=n_samples, n_features=n_features)
    weight = rng.uniform(0.2, 3.0, size=y.shape[0]) if weighted else None
    start = rng.integers(-2, 3, size=n_features) * 0.05
    runs = [
        explored(monkeypatch, compiled, X, y, start, 6, 200, weight)
        for compiled in (True, False)
    ]
    (c_problem, c_x, c_curve, c_iter, c_support), (problem, x, curve, it, sup) = runs
    np.testing.assert_allclose(c_curve, curve, rtol=1e-9)
    assert c_iter == it
    np.testing.assert_array_equal(c_support, sup)
    assert c_problem.n_solved == problem.n_solved
    np.testing.assert_allclose(c_x, x, rtol=1e-9, atol=1e-12 * np.abs(x).max())


@compiled_only
def test_gradient_of_a_support_the_search_solved(monkeypatch):
    # The lazy search's cache entries hold the residual, not the gradient;
    # asked for one later (the path of SEAClassifierCV does), the problem
    # derives it from the model.
    from sklearn_sea._classifier_base import logistic_task

    X, y = teacher(2, n_samples=50, n_features=60)
    start = np.random.default_rng(2).standard_normal(60)
    problem, _, _, _, support = explored(monkeypatch, True, X, y, start, 5, 40)
    entry = problem.lookup(support.tobytes())
    assert entry[3] is None and entry[4].shape == (50,)
    coef, value, gradient = problem.refit_gradient(support)
    monkeypatch.setattr(_accelerator, "USE_COMPILED", False)
    reference = logistic_task(X, y, 2, np.ones(y.shape[0]), True, 0.1).problem()
    r_coef, r_value, r_gradient = reference.refit_gradient(support)
    np.testing.assert_allclose(value, r_value, rtol=1e-10)
    np.testing.assert_allclose(coef, r_coef, atol=1e-6 * np.abs(r_coef).max())
    np.testing.assert_allclose(
        gradient, r_gradient, atol=1e-6 * np.abs(r_gradient).max()
    )
    # The gradient is kept: asked again, the same array.
    assert problem.refit_gradient(support)[2] is gradient


@compiled_only
def test_lazy_search_reads_entries_stored_with_a_gradient(monkeypatch):
    from sklearn_sea._classifier_base import logistic_task
    from sklearn_sea._core import top_k

    # Supports solved first through the problem's Python interface hold a
    # gradient and no residual; the lazy search revisiting them takes the
    # residual of their model, and visits what it visits on a fresh problem.
    X, y = teacher(3, n_samples=50, n_features=60)
    start = np.random.default_rng(3).standard_normal(60)
    fresh = explored(monkeypatch, True, X, y, start, 5, 60)
    problem = logistic_task(X, y, 2, np.ones(50), True, 0.1).problem()
    problem.refit_gradient(fresh[4])
    assert problem.lookup(fresh[4].tobytes())[3] is not None
    x = np.array(start)
    curve = np.empty(60)
    best_iter, best_support, _ = problem.binary_solver().search(
        problem, x, top_k(np.abs(x), 5), 60, 1.0, problem.gtol, curve
    )
    np.testing.assert_allclose(curve, fresh[2], rtol=1e-9)
    assert best_iter == fresh[3]
    np.testing.assert_array_equal(best_support, fresh[4])
    # Solved from other warm starts, a model agrees to Newton's tolerance.
    np.testing.assert_allclose(x, fresh[1], atol=1e-7 * np.abs(x).max())


@compiled_only
@pytest.mark.parametrize(
    "change, match",
    [
        ({"exploration": np.zeros(5)}, "exploration must have 6"),
        ({"exploration": np.zeros(6, dtype=np.float32)}, "exploration must be"),
        ({"support": np.array([0, 6])}, "support holds 6"),
        ({"support": np.arange(6)}, "1 to 5 indices"),
        ({"support": np.array([0, 1], dtype=np.int32)}, "support must be"),
        ({"max_iter": 0}, "max_iter"),
        ({"max_iter": 11}, "max_iter"),
        ({"step_size": np.inf}, "step_size"),
        ({"gtol": np.nan}, "gtol"),
        ({"exploration": np.array([0.0, 0, 0, np.nan, 0, 0])}, "holds NaN"),
    ],
)
def test_search_rejects_bad_input(monkeypatch, change, match):
    from sklearn_sea._classifier_base import logistic_task

    monkeypatch.setattr(_accelerator, "USE_COMPILED", True)
    X, y = teacher(0, n_samples=30, n_features=6)
    problem = logistic_task(X, y, 2, np.ones(30), True, 0.1).problem()
    arguments = {
        "exploration": np.zeros(6),
        "support": np.array([0, 1]),
        "max_iter": 10,
        "step_size": 1.0,
        "gtol": problem.gtol,
        "loss_curve": np.empty(10),
    }
    arguments.update(change)
    with pytest.raises(ValueError, match=match):
        problem.binary_solver().search(problem, **arguments)


# -- the multinomial loss loops ---------------------------------------------------


def softmax_reference(Z, labels, weight):
    """The multinomial loss, softmax and weighted residual, by numpy."""
    shifted = Z - Z.max(axis=1, keepdims=True)
    per_sample = (
        np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(Z.shape[0]), labels]
    )
    P = np.exp(shifted)
    P /= P.sum(axis=1, keepdims=True)
    R = P - np.eye(Z.shape[1])[labels]
    if weight is None:
        return math.fsum(per_sample), P, R
    return math.fsum(weight * per_sample), P, weight[:, None] * R


@compiled_only
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("scale", [1e-12, 1.0, 30.0, 1e4])
def test_softmax_loss_kernel_matches_numpy(weighted, scale):
    from sklearn_sea._core._logistic_newton import SoftmaxLoss

    rng = np.random.default_rng(int(scale) % 7)
    n, K = 2000, 7
    Z = scale * rng.standard_normal((n, K))
    labels = rng.integers(0, K, n).astype(np.intp)
    weight = rng.uniform(0.0, 3.0, n) if weighted else None
    kernel = SoftmaxLoss(labels, weight, K)
    E, total, P, R = np.empty((n, K)), np.empty(n), np.empty((n, K)), np.empty((n, K))
    value = kernel.value(Z, E, total)
    kernel.residual(E, total, P, R)
    expected, expected_P, expected_R = softmax_reference(Z, labels, weight)
    # Compensated: within a few rounding errors of the exactly rounded sum,
    # not n of them, so that line searches compare objectives reliably.
    assert value == pytest.approx(expected, rel=1e-14)
    np.testing.assert_allclose(P, expected_P, rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(R, expected_R, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(P, E / total[:, None], rtol=1e-15)


@compiled_only
def test_softmax_loss_kernel_propagates_nan():
    from sklearn_sea._core._logistic_newton import SoftmaxLoss

    Z = np.zeros((3, 3))
    Z[1, 2] = np.nan
    kernel = SoftmaxLoss(np.array([0, 1, 2], dtype=np.intp), None, 3)
    assert np.isnan(kernel.value(Z, np.empty((3, 3)), np.empty(3)))


@compiled_only
@pytest.mark.parametrize(
    "labels, weight, n_classes, match",
    [
        (np.array([0, 3]), None, 3, "labels must lie in"),
        (np.array([0, -1]), None, 3, "labels must lie in"),
        (np.array([0, 1], dtype=np.int32), None, 3, "labels must be"),
        (np.array([], dtype=np.intp), None, 3, "at least one sample"),
        (np.array([0, 1]), None, 1, "n_classes must be"),
        (np.array([0, 1]), np.array([1.0, -1.0]), 3, "weight"),
        (np.array([0, 1]), np.array([1.0]), 3, "weight"),
        (np.array([0, 1]), np.array([1, 1]), 3, "weight"),
    ],
)
def test_softmax_loss_kernel_rejects_bad_data_naming_it(
    labels, weight, n_classes, match
):
    from sklearn_sea._core._logistic_newton import SoftmaxLoss

    labels = labels.astype(np.intp) if labels.dtype == np.int64 else labels
    with pytest.raises(ValueError, match=rf"SoftmaxLoss: .*{match}"):
        SoftmaxLoss(labels, weight, n_classes)


@compiled_only
@pytest.mark.parametrize(
    "shapes, match",
    [
        (((2, 3), (2, 3), (2,)), None),
        (((3, 3), (2, 3), (2,)), "Z must have shape"),
        (((2, 3), (2, 2), (2,)), "E must have shape"),
        (((2, 3), (2, 3), (3,)), "total must have 2 entries"),
    ],
)
def test_softmax_loss_kernel_checks_each_call(shapes, match):
    from sklearn_sea._core._logistic_newton import SoftmaxLoss

    kernel = SoftmaxLoss(np.array([0, 2], dtype=np.intp), None, 3)
    Z, E, total = (np.zeros(shape) for shape in shapes)
    if match is None:
        assert kernel.value(Z, E, total) == pytest.approx(2 * np.log(3))
        return
    with pytest.raises(ValueError, match=rf"SoftmaxLoss.value: {match}"):
        kernel.value(Z, E, total)
    with pytest.raises(ValueError, match="must be a C-contiguous float64"):
        kernel.value(np.zeros((2, 3), dtype=np.float32), np.zeros((2, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="R must have shape"):
        kernel.residual(
            np.zeros((2, 3)), np.ones(2), np.zeros((2, 3)), np.zeros((3, 3))
        )


@compiled_only
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_multinomial_classifier_same_search_compiled_and_python(
    monkeypatch, weighted, fit_intercept
):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((200, 30))
    y = np.argmax(X[:, :4] @ rng.standard_normal((4, 3)), axis=1)
    weight = rng.uniform(0.2, 3.0, size=200) if weighted else None
    models = []
    for compiled in (True, False):
        monkeypatch.setattr(_accelerator, "USE_COMPILED", compiled)
        models.append(
            SEAClassifier(6, max_iter=60, fit_intercept=fit_intercept).fit(X, y, weight)
        )
    compiled, python = models
    assert compiled.best_iter_ == python.best_iter_
    assert compiled.n_supports_explored_ == python.n_supports_explored_
    np.testing.assert_array_equal(
        np.flatnonzero(np.any(compiled.coef_, axis=0)),
        np.flatnonzero(np.any(python.coef_, axis=0)),
    )
    np.testing.assert_allclose(compiled.loss_curve_, python.loss_curve_, rtol=1e-9)
    scale = np.abs(python.coef_).max()
    np.testing.assert_allclose(compiled.coef_, python.coef_, atol=1e-6 * scale)


def _multinomial_support(monkeypatch, compiled, seed=0, weighted=True):
    """A multinomial problem, the columns of a support and the warm start."""
    monkeypatch.setattr(_accelerator, "USE_COMPILED", compiled)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((300, 12))
    y = np.argmax(X[:, :5] @ rng.standard_normal((5, 4)), axis=1)
    Y = np.eye(4)[y]
    weight = rng.uniform(0.2, 3.0, 300) if weighted else np.ones(300)
    _, problem = logistic_problem(X, Y, weight, C=0.5, fit_intercept=True)
    support = np.array([0, 2, 3, 7, 9])
    columns = problem.design.columns(support)
    B = np.ascontiguousarray(np.concatenate((columns, np.ones((300, 1))), axis=1))
    diag = np.append(problem.penalty[support], 0.0)
    return problem, B, diag, problem._warm_start(B, diag, problem._row_products(B))


def _record_runs(monkeypatch):
    """Record the status and step count of every chord run."""
    runs = []
    chord_of = _support_logistic.SupportLogistic._chord

    def recording_chord(self, *args):
        chord = chord_of(self, *args)

        class Recorded:
            def run(self, *run_args):
                before = chord.steps
                status = chord.run(*run_args)
                runs.append((status, chord.steps - before))
                return status

            def __getattr__(self, name):
                return getattr(chord, name)

        return Recorded()

    monkeypatch.setattr(_support_logistic.SupportLogistic, "_chord", recording_chord)
    return runs


@compiled_only
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("weighted", [False, True])
def test_multinomial_chord_takes_the_python_steps(monkeypatch, seed, weighted):
    solutions, runs = [], []
    for compiled in (True, False):
        problem, B, diag, start = _multinomial_support(
            monkeypatch, compiled, seed, weighted
        )
        assert (problem._softmax_kernel is not None) == compiled
        runs.append(_record_runs(monkeypatch))
        products = problem._row_products(B)
        solutions.append(
            problem._newton_multinomial(B, diag, start, problem.gtol * 1e-3, products)
        )
        monkeypatch.undo()
    assert runs[0] == runs[1]
    assert runs[0][0][0] == _support_logistic.NEEDS_FACTOR
    assert runs[0][-1][0] == _support_logistic.CONVERGED
    (theta, value, Z, R, P), (theta_py, value_py, Z_py, R_py, P_py) = solutions
    np.testing.assert_allclose(theta, theta_py, rtol=1e-9, atol=1e-12)
    assert value == pytest.approx(value_py, rel=1e-13)
    for compiled_array, python_array in ((Z, Z_py), (R, R_py), (P, P_py)):
        np.testing.assert_allclose(compiled_array, python_array, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-14)


def _chord_of(problem, B, diag, start, buffers=None):
    from sklearn_sea._core._logistic_newton import MultinomialChord

    return MultinomialChord(problem._softmax_kernel, B, diag, start, True, buffers)


def _run(chord, factor, fresh=True, resume=False, max_steps=NEWTON_MAX_ITER, gtol=0.0):
    # A ratio never reached: the factor serves until the budget is spent.
    return chord.run(
        factor,
        fresh,
        resume,
        gtol,
        1e300,
        max_steps,
        _ARMIJO,
        _MAX_HALVINGS,
        solve_normal_equations,
    )


@compiled_only
def test_multinomial_chord_statuses(monkeypatch):
    problem, B, diag, start = _multinomial_support(monkeypatch, True)
    products = problem._row_products(B)
    chord = _chord_of(problem, B, diag, start)
    assert _run(chord, None) == _support_logistic.NEEDS_FACTOR
    assert chord.steps == 0 and np.isfinite(chord.norm)
    P = chord.P
    blocks = _support_logistic._block_factor(products.class_blocks(P - P * P, diag))
    # A budget of one step is spent, the gradient of the new point computed.
    assert (
        _run(chord, blocks, resume=True, max_steps=1) == _support_logistic.OUT_OF_STEPS
    )
    assert chord.steps == 1
    np.testing.assert_allclose(chord.Z, B @ chord.theta, rtol=1e-12, atol=1e-12)
    # A matrix 1e24 times too small gives steps with no decrease: a
    # fresh one stalls, a stale one asks for another.
    tiny = ("blocks", blocks[1] * 1e-12)
    theta = chord.theta
    assert _run(chord, tiny, fresh=False, resume=True) == _support_logistic.NEEDS_FACTOR
    assert _run(chord, tiny, fresh=True, resume=True) == _support_logistic.STALLED
    np.testing.assert_array_equal(chord.theta, theta)
    # At a solution, nothing to do.
    solved = problem._newton_multinomial(B, diag, start, problem.gtol, products)[0]
    at_solution = _chord_of(problem, B, diag, solved)
    assert _run(at_solution, None, gtol=problem.gtol) == _support_logistic.CONVERGED
    assert at_solution.steps == 0


@compiled_only
def test_multinomial_chord_reuses_its_buffers_without_leaking_state(monkeypatch):
    problem, B, diag, start = _multinomial_support(monkeypatch, True)
    products = problem._row_products(B)
    first = _chord_of(problem, B, diag, start * 2.0)
    _run(first, None)
    blocks = _support_logistic._block_factor(
        products.class_blocks(first.P - first.P**2, diag)
    )
    _run(first, blocks, resume=True)
    reused = _chord_of(problem, B, diag, start, buffers=first.buffers)
    assert reused.buffers is first.buffers
    fresh = _chord_of(problem, B, diag, start)
    for chord in (reused, fresh):
        _run(chord, None)
        _run(chord, blocks, fresh=False, resume=True, max_steps=3)
    np.testing.assert_array_equal(reused.theta, fresh.theta)
    assert reused.value == fresh.value
    assert reused.steps == fresh.steps == 3


@compiled_only
@pytest.mark.parametrize(
    "change, match",
    [
        ({"B": np.zeros((5, 6))}, "B must have 300 rows"),
        ({"B": np.zeros((300, 6), dtype=np.float32)}, "B must be a C-contiguous"),
        ({"B_nan": True}, "B holds NaN"),
        ({"diag": -np.ones(6)}, "diag holds NaN, infinity or a negative"),
        ({"diag": np.ones(5)}, "diag must have 6 entries"),
        ({"theta": np.zeros((6, 3))}, r"theta must have shape \(6, 4\)"),
        ({"theta": np.full((6, 4), np.inf)}, "theta holds NaN"),
    ],
)
def test_multinomial_chord_rejects_bad_data_naming_it(monkeypatch, change, match):
    problem, B, diag, start = _multinomial_support(monkeypatch, True)
    if change.pop("B_nan", False):
        B = B.copy()
        B[3, 2] = np.nan
    arguments = {"B": B, "diag": diag, "theta": start, **change}
    with pytest.raises(ValueError, match=rf"MultinomialChord: {match}"):
        _chord_of(problem, arguments["B"], arguments["diag"], arguments["theta"])


@compiled_only
@pytest.mark.parametrize(
    "factor, resume, settings, match",
    [
        (None, True, {}, "resuming needs a factor"),
        (("qr", np.eye(24)), False, {}, "unknown factor kind 'qr'"),
        (("cholesky", np.eye(24)[:, :20]), False, {}, "Cholesky factor must be"),
        # C-ordered, not Fortran-ordered, though square
        (("cholesky", np.ascontiguousarray(np.eye(24)[::-1])), False, {}, "Cholesky"),
        (("blocks", np.ones((4, 5, 5))), False, {}, "block factors must have shape"),
        (("dense", np.eye(24)), False, {"fallback": lambda m, g: g[:3]}, "fallback"),
        (("blocks", None), False, {"gtol": np.nan}, "gtol must be"),
        (("blocks", None), False, {"ratio": 0.0}, "ratio must be"),
        (("blocks", None), False, {"max_steps": -1}, "max_iter must be"),
        (("blocks", None), False, {"fallback": None}, "must be callable"),
    ],
)
def test_multinomial_chord_run_rejects_bad_input(
    monkeypatch, factor, resume, settings, match
):
    problem, B, diag, start = _multinomial_support(monkeypatch, True)
    chord = _chord_of(problem, B, diag, start)
    if factor is not None and factor[1] is None:
        factor = ("blocks", np.ascontiguousarray(np.broadcast_to(np.eye(6), (4, 6, 6))))
    with pytest.raises(ValueError, match=rf"MultinomialChord.run: .*{match}"):
        chord.run(
            factor,
            True,
            resume,
            settings.get("gtol", 0.0),
            settings.get("ratio", 0.5),
            settings.get("max_steps", 10),
            _ARMIJO,
            _MAX_HALVINGS,
            settings.get("fallback", solve_normal_equations),
        )

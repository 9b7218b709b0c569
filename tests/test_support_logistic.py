"""The support solver of SEAClassifier: agreement with a reference minimiser,
independence from the warm start and from the cache, the exploration
gradient, and invariances of the fitted classifier."""

import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.special import log_softmax

from sklearn_sea import SEAClassifier
from sklearn_sea._classifier import _sea_rows, logistic_problem
from sklearn_sea._core import _support_logistic


def _data(seed=0, n_samples=150, n_features=12, n_classes=2):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features)) * rng.uniform(0.5, 3, n_features)
    X += rng.uniform(-2, 2, n_features)
    coef = rng.standard_normal((n_features, n_classes))
    scores = X @ coef + rng.standard_normal((n_samples, n_classes))
    y = np.argmax(scores, axis=1)
    if n_classes == 2:
        Y = y[:, None].astype(float)
    else:
        Y = np.eye(n_classes)[y]
    weight = rng.uniform(0.2, 2.0, n_samples)
    return X, y, Y, weight


def _reference(X, Y, weight, C, fit_intercept):
    """Penalised weighted log-loss minimised by L-BFGS in the user's scale."""
    n_features, n_outputs = X.shape[1], Y.shape[1]

    def objective(params):
        W = params[: n_features * n_outputs].reshape(n_features, n_outputs)
        b = params[n_features * n_outputs :] if fit_intercept else np.zeros(n_outputs)
        Z = X @ W + b
        if n_outputs == 1:
            loss = np.logaddexp(0, Z[:, 0]) - Y[:, 0] * Z[:, 0]
            R = (1 / (1 + np.exp(-Z)) - Y) * weight[:, None]
        else:
            loss = -np.sum(Y * log_softmax(Z, axis=1), axis=1)
            R = (np.exp(log_softmax(Z, axis=1)) - Y) * weight[:, None]
        value = weight @ loss + np.sum(W * W) / (2 * C)
        grad_W = X.T @ R + W / C
        grad = grad_W.ravel()
        if fit_intercept:
            grad = np.concatenate((grad, R.sum(axis=0)))
        return value, grad

    size = n_features * n_outputs + (n_outputs if fit_intercept else 0)
    result = minimize(
        objective,
        np.zeros(size),
        jac=True,
        method="L-BFGS-B",
        options={"gtol": 1e-11, "ftol": 1e-15, "maxiter": 10_000},
    )
    W = result.x[: n_features * n_outputs].reshape(n_features, n_outputs)
    return W, result.fun


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_support_solve_matches_a_reference_minimiser(n_classes, fit_intercept):
    X, _, Y, weight = _data(n_classes=n_classes)
    C = 0.3
    prepared, problem = logistic_problem(X, Y, weight, C=C, fit_intercept=fit_intercept)
    support = np.array([1, 4, 5, 9])
    coef, value = problem.solve(support)
    reference, reference_value = _reference(X[:, support], Y, weight, C, fit_intercept)
    user_coef = coef / prepared.x_scale[support, None]
    np.testing.assert_allclose(user_coef, reference, rtol=1e-5, atol=1e-6)
    # The objective is the penalised loss without the factor C.
    np.testing.assert_allclose(value, reference_value, rtol=1e-8)


@pytest.mark.parametrize("n_classes", [2, 4])
def test_solution_does_not_depend_on_the_previous_support(n_classes):
    X, _, Y, weight = _data(seed=1, n_classes=n_classes)
    support = np.array([0, 3, 7])
    _, fresh = logistic_problem(X, Y, weight, C=1.0, fit_intercept=True)
    _, warm = logistic_problem(X, Y, weight, C=1.0, fit_intercept=True)
    for previous in ([1, 2, 5], [3, 8, 10], [0, 7, 11]):
        warm.solve(np.array(previous))
    coef, value = fresh.solve(support)
    warm_coef, warm_value = warm.solve(support)
    # Both solves stop at the same gradient tolerance, from other points.
    atol = 1e-6 * np.abs(coef).max()
    np.testing.assert_allclose(warm_coef, coef, atol=atol)
    np.testing.assert_allclose(warm_value, value, rtol=1e-12)
    np.testing.assert_allclose(
        warm.intercept(support), fresh.intercept(support), atol=atol
    )


@pytest.mark.parametrize("n_classes", [2, 3])
def test_exploration_gradient_is_the_datafit_gradient(n_classes):
    # On the support the log-loss gradient balances the L2 term, so SEA's
    # exploration grows on the features in use with their coefficients.
    X, _, Y, weight = _data(seed=2, n_classes=n_classes)
    _, problem = logistic_problem(X, Y, weight, C=0.2, fit_intercept=True)
    support = np.array([2, 6, 8])
    coef, _, gradient = problem.refit_gradient(support)
    penalty = problem.penalty[support, None]
    scale = np.abs(problem.Aty).max()
    np.testing.assert_allclose(gradient[support], -penalty * coef, atol=1e-6 * scale)
    assert np.abs(gradient).max() > 1e-3 * scale


def test_cache_budget_bounds_the_cache_and_keeps_the_count_exact():
    X, _, Y, weight = _data(seed=3)
    supports = [np.array(s) for s in ([0, 1], [2, 3], [4, 5], [0, 1], [6, 7])]
    _, unbounded = logistic_problem(X, Y, weight, C=1.0, fit_intercept=True)
    entry = 8 * (2 + (2 + 1 + X.shape[1]) * 1) + 256
    _, bounded = logistic_problem(
        X, Y, weight, C=1.0, fit_intercept=True, cache_bytes=2 * entry
    )
    _, none = logistic_problem(X, Y, weight, C=1.0, fit_intercept=True, cache_bytes=0)
    for support in supports:
        values = [p.solve(support)[1] for p in (unbounded, bounded, none)]
        np.testing.assert_allclose(values, values[0], rtol=1e-10)
    assert len(unbounded._cache) == 4
    assert len(bounded._cache) == 2
    assert len(none._cache) == 0
    assert unbounded.n_solved == bounded.n_solved == none.n_solved == 4


@pytest.mark.parametrize("n_classes", [2, 3])
def test_sea_result_does_not_depend_on_the_cache_budget(monkeypatch, n_classes):
    X, y, _, _ = _data(seed=4, n_samples=120, n_features=25, n_classes=n_classes)
    cached = SEAClassifier(4, max_iter=60).fit(X, y)
    monkeypatch.setattr(_support_logistic, "LOGISTIC_CACHE_BYTES", 0)
    uncached = SEAClassifier(4, max_iter=60).fit(X, y)
    np.testing.assert_array_equal(
        np.flatnonzero(np.any(cached.coef_, axis=0)),
        np.flatnonzero(np.any(uncached.coef_, axis=0)),
    )
    np.testing.assert_allclose(uncached.coef_, cached.coef_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(uncached.loss_curve_, cached.loss_curve_, rtol=1e-9)
    assert uncached.best_iter_ == cached.best_iter_
    assert uncached.n_supports_explored_ == cached.n_supports_explored_


def test_sea_rows_keeps_the_best_support_and_reports_it():
    X, _, Y, weight = _data(seed=5, n_features=20)
    _, problem = logistic_problem(X, Y, weight, C=1.0, fit_intercept=True)
    coef, intercept, info = _sea_rows(problem, 3, max_iter=40, step_size=1.0)
    support = np.flatnonzero(coef[:, 0])
    assert support.shape == (3,)
    value = problem.solve(support)[1]
    assert value == pytest.approx(info["loss_curve"].min(), rel=1e-12)
    assert info["loss_curve"][info["best_iter"]] == info["loss_curve"].min()
    np.testing.assert_allclose(intercept, problem.intercept(support))


def _separated(seed, n_classes):
    # Few informative features far apart from the noise: the best support
    # of the penalised log-loss is the informative one, and SEA's first
    # support already is.
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((300, 40))
    informative = [4, 17, 30]
    if n_classes == 2:
        y = (X[:, informative] @ np.array([3.0, -3.0, 3.0]) > 0).astype(int)
    else:
        scores = X[:, informative] * 3.0
        y = np.argmax(scores, axis=1)
    return X, y, informative


@pytest.mark.parametrize("n_classes", [2, 3])
def test_exact_recovery_on_a_well_separated_problem(n_classes):
    X, y, informative = _separated(0, n_classes)
    clf = SEAClassifier(3, max_iter=50).fit(X, y)
    used = np.flatnonzero(np.any(clf.coef_ != 0, axis=0))
    np.testing.assert_array_equal(used, informative)
    assert clf.score(X, y) > 0.95


@pytest.mark.parametrize("n_classes", [2, 3])
def test_invariance_to_feature_order_shift_and_class_names(n_classes):
    X, y, _, _ = _data(seed=6, n_samples=120, n_features=15, n_classes=n_classes)
    reference = SEAClassifier(3, max_iter=40).fit(X, y)
    order = np.random.default_rng(0).permutation(X.shape[1])
    permuted = SEAClassifier(3, max_iter=40).fit(X[:, order], y)
    np.testing.assert_allclose(permuted.coef_, reference.coef_[:, order], atol=1e-7)
    shifted = SEAClassifier(3, max_iter=40).fit(X + 5.0, y)
    np.testing.assert_allclose(shifted.coef_, reference.coef_, atol=1e-7)
    np.testing.assert_allclose(
        shifted.predict_proba(X + 5.0), reference.predict_proba(X), atol=1e-7
    )
    names = np.array(["a", "b", "c", "d"])[:n_classes][y]
    named = SEAClassifier(3, max_iter=40).fit(X, names)
    np.testing.assert_allclose(named.coef_, reference.coef_)
    np.testing.assert_array_equal(
        named.predict(X), np.array(["a", "b", "c", "d"])[reference.predict(X)]
    )


def test_multinomial_solves_run_blas_on_one_thread_and_restore_it(monkeypatch):
    # Threads cost more than they save on the solves' small systems (see
    # _blas_threads); the exploration gradient and the caller keep theirs.
    from threadpoolctl import ThreadpoolController, threadpool_limits

    seen = []
    newton = _support_logistic.SupportLogistic._newton_multinomial

    def recording(self, *args, **kwargs):
        seen.append(
            {
                pool["num_threads"]
                for pool in ThreadpoolController().select(user_api="blas").info()
            }
        )
        return newton(self, *args, **kwargs)

    monkeypatch.setattr(
        _support_logistic.SupportLogistic, "_newton_multinomial", recording
    )
    X, y, _, _ = _data(n_classes=3)
    with threadpool_limits(limits=2, user_api="blas"):
        SEAClassifier(3, max_iter=5).fit(X, y)
        after = {
            pool["num_threads"]
            for pool in ThreadpoolController().select(user_api="blas").info()
        }
    assert seen and all(threads == {1} for threads in seen)
    assert after == {2}

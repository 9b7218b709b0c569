"""Memory follows the iterations run, not max_iter; early stopping on patience."""

import numpy as np
import pytest
from sklearn.base import clone

from sklearn_sea import SEARegressor, SEARegressorCV, SEARegressorIC, sea, sea_path
from sklearn_sea import _sea as sea_module
from sklearn_sea._core import (
    GramDesign,
    LossCurve,
    SupportCounter,
    SupportLeastSquares,
    _accelerator,
    _least_squares,
    dense_operator_design,
    prepare_datafit,
)
from sklearn_sea.datafits import Huber
from sklearn_sea.datasets import make_compressed_sensing

LOOPS = [
    pytest.param(True, id="compiled"),
    pytest.param(False, id="python"),
]


def gram_problem(A, y):
    return SupportLeastSquares(GramDesign(A.T @ A), A.T @ y, y @ y)


def run(monkeypatch, compiled, A, y, k, **params):
    if compiled and not _accelerator.COMPILED_AVAILABLE:
        pytest.skip("the compiled SEA kernel is not built in this installation")
    monkeypatch.setattr(_accelerator, "USE_COMPILED", compiled)
    return sea_module._sea(gram_problem(A, y), k, step_size=1.0, **params)


@pytest.mark.parametrize("compiled", LOOPS)
def test_huge_max_iter_on_a_problem_solved_at_once(monkeypatch, compiled):
    # 10**11 float64 would be 745 GiB: nothing may be reserved for them.
    A, y, coef = make_compressed_sensing(60, 120, 3, random_state=0)
    tol = 1e3 * np.finfo(float).eps * (y @ y)  # an exact fit up to rounding
    result = run(monkeypatch, compiled, A, y, 3, max_iter=10**11, tol=tol)
    assert result.n_iter <= 5
    assert result.loss_curve.shape == (result.n_iter,)
    np.testing.assert_array_equal(np.flatnonzero(result.coef), np.flatnonzero(coef))


def test_huge_max_iter_through_the_estimator_and_sea():
    X, y, coef = make_compressed_sensing(60, 120, 3, random_state=1)
    reg = SEARegressor(3, max_iter=10**11, fit_intercept=False).fit(X, y)
    assert reg.n_iter_ <= 5
    np.testing.assert_array_equal(np.flatnonzero(reg.coef_), np.flatnonzero(coef))
    tol = 1e3 * np.finfo(float).eps * (y @ y)
    found = sea(X, y, n_nonzero_coefs=3, max_iter=10**11, tol=tol)
    np.testing.assert_array_equal(np.flatnonzero(found), np.flatnonzero(coef))


@pytest.mark.parametrize("compiled", LOOPS)
@pytest.mark.parametrize("patience", [1, 7, 50])
@pytest.mark.parametrize("noise", [0.0, 0.05])
def test_n_iter_no_change_stops_a_prefix_of_the_full_run(
    monkeypatch, compiled, patience, noise
):
    A, y, _ = make_compressed_sensing(50, 100, 12, noise=noise, random_state=2)
    full = run(monkeypatch, compiled, A, y, 12, max_iter=400)
    early = run(
        monkeypatch, compiled, A, y, 12, max_iter=400, n_iter_no_change=patience
    )
    n = early.n_iter
    # The same iterations, up to the stop.
    np.testing.assert_array_equal(early.loss_curve, full.loss_curve[:n])
    best = full.loss_curve[:n].min()
    assert early.best_iter == int(np.argmin(full.loss_curve[:n]))
    assert early.loss_curve[early.best_iter] == best
    if n < 400:
        # Stopped on patience: exactly n_iter_no_change iterations without
        # improvement after the best one, and none of them improved.
        assert n == early.best_iter + patience + 1
    else:
        assert n - 1 - early.best_iter < patience
    stopped_best = full.loss_curve[: early.best_iter + 1].min()
    assert early.loss_curve[early.best_iter] == stopped_best


def test_n_iter_no_change_on_steady_supports_with_fast_forward(monkeypatch):
    # Noiseless: SEA settles on one support and fast-forwards over repeats;
    # the stop must still land exactly where patience ends.
    A, y, _ = make_compressed_sensing(50, 100, 8, random_state=3)
    for compiled in (True, False) if _accelerator.COMPILED_AVAILABLE else (False,):
        slow = run(
            monkeypatch,
            compiled,
            A,
            y,
            8,
            max_iter=5000,
            n_iter_no_change=300,
            fast_forward=False,
        )
        fast = run(monkeypatch, compiled, A, y, 8, max_iter=5000, n_iter_no_change=300)
        assert fast.n_iter == slow.n_iter == slow.best_iter + 301
        np.testing.assert_array_equal(fast.loss_curve, slow.loss_curve)
        np.testing.assert_array_equal(fast.coef, slow.coef)


def test_n_iter_no_change_in_operator_mode_and_estimator():
    X, y, _ = make_compressed_sensing(50, 100, 10, noise=0.05, random_state=4)
    problem = SupportLeastSquares(dense_operator_design(X), X.T @ y, y @ y)
    result = sea_module._sea(
        problem, 10, max_iter=1000, step_size=1.0, n_iter_no_change=20
    )
    assert result.n_iter == result.best_iter + 21
    reg = SEARegressor(10, max_iter=1000, tol=0, n_iter_no_change=20).fit(X, y)
    assert reg.n_iter_ == reg.best_iter_ + 21
    coef, n_iter = sea(
        X, y, n_nonzero_coefs=10, n_iter_no_change=20, return_n_iter=True
    )
    assert n_iter < 1000


@pytest.mark.parametrize("bad", [0, -1, 1.5])
def test_bad_n_iter_no_change_is_named(bad):
    X, y, _ = make_compressed_sensing(20, 30, 3, random_state=0)
    with pytest.raises(ValueError, match="n_iter_no_change"):
        SEARegressor(3, n_iter_no_change=bad).fit(X, y)
    with pytest.raises(ValueError, match="n_iter_no_change"):
        sea(X, y, n_nonzero_coefs=3, n_iter_no_change=bad)


COUNTERS = [
    pytest.param(SupportCounter, id="blake2b"),
    pytest.param(
        _accelerator.SupportDigests,
        id="compiled",
        marks=pytest.mark.skipif(
            _accelerator.SupportDigests is None, reason="built without a compiler"
        ),
    ),
]


@pytest.mark.parametrize("counter_class", COUNTERS)
def test_support_counter_counts_distinct_keys_exactly(counter_class):
    rng = np.random.default_rng(0)
    counter = counter_class()
    keys = [np.sort(rng.choice(50, 5, replace=False)).tobytes() for _ in range(5000)]
    fresh = [counter.add(key) for key in keys]
    assert counter.count == len(set(keys)) > 1024  # the table grew
    seen = set()
    assert fresh == [not (key in seen or seen.add(key)) for key in keys]
    # At most half full: 32 bytes per distinct key, at most, past the start.
    assert counter.nbytes <= 64 * counter.count


@pytest.mark.skipif(
    _accelerator.SupportDigests is None, reason="built without a compiler"
)
def test_compiled_support_counter_refuses_keys_of_partial_indices():
    counter = _accelerator.SupportDigests()
    assert counter.add(b"") and not counter.add(b"")  # the empty support
    with pytest.raises(ValueError, match="key must hold whole intp indices"):
        counter.add(b"abc")
    with pytest.raises(TypeError):
        counter.add(np.arange(3))
    assert counter.count == 1


def test_support_counter_is_the_compiled_one_where_used(monkeypatch):
    monkeypatch.setattr(_accelerator, "USE_COMPILED", False)
    assert type(_accelerator.support_counter()) is SupportCounter
    if _accelerator.COMPILED_AVAILABLE:
        monkeypatch.setattr(_accelerator, "USE_COMPILED", True)
        assert type(_accelerator.support_counter()) is _accelerator.SupportDigests


def test_loss_curve_grows_by_doubling_up_to_max_iter():
    curve = LossCurve(3000)
    curve.fill(1.0)
    assert curve._values.shape[0] == 1024
    curve.fill(2.0, 1500)
    curve.fill(3.0, 1499)
    assert curve._values.shape[0] == 3000
    values = curve.to_array()
    assert values.shape == (3000,)
    assert values[0] == 1.0 and (values[1:1501] == 2.0).all() and values[-1] == 3.0


def test_bounded_solution_cache_keeps_the_results_and_the_count(monkeypatch):
    A, y, _ = make_compressed_sensing(50, 100, 12, noise=0.05, random_state=5)
    monkeypatch.setattr(_accelerator, "USE_COMPILED", False)
    unbounded = sea_module._sea(gram_problem(A, y), 12, max_iter=600, step_size=1.0)
    # Room for about 10 supports of 12 indices.
    monkeypatch.setattr(_least_squares, "SOLUTION_CACHE_BYTES", 10 * (16 * 12 + 256))
    monkeypatch.setattr(sea_module, "STEP_CACHE_BYTES", 0)
    problem = gram_problem(A, y)
    bounded = sea_module._sea(problem, 12, max_iter=600, step_size=1.0)
    assert len(problem._cache) <= 10 < bounded.n_supports_explored
    assert bounded.n_supports_explored == unbounded.n_supports_explored
    np.testing.assert_array_equal(bounded.loss_curve, unbounded.loss_curve)
    np.testing.assert_array_equal(bounded.coef, unbounded.coef)


@pytest.mark.skipif(
    not _accelerator.COMPILED_AVAILABLE,
    reason="the compiled SEA kernel is not built in this installation",
)
def test_both_loops_count_the_same_supports(monkeypatch):
    A, y, _ = make_compressed_sensing(60, 150, 15, noise=0.05, random_state=6)
    compiled = run(monkeypatch, True, A, y, 15, max_iter=3000)
    python = run(monkeypatch, False, A, y, 15, max_iter=3000)
    assert compiled.n_supports_explored > 1024  # the digest table grew
    horizon = int(np.argmax(compiled.loss_curve != python.loss_curve))
    if horizon == 0:  # no divergence: identical runs, identical counts
        assert compiled.n_supports_explored == python.n_supports_explored


def test_path_and_path_estimators_stop_on_patience():
    # Noisy: nearly every iteration is a new support, so patience ends the
    # runs long before max_iter; None keeps the paper's full runs.
    X, y, _ = make_compressed_sensing(60, 120, 6, noise=0.05, random_state=5)
    _, _, full = sea_path(X, y, max_n_nonzero_coefs=6, return_n_iter=True)
    np.testing.assert_array_equal(full, 1000)
    _, _, early = sea_path(
        X, y, max_n_nonzero_coefs=6, n_iter_no_change=15, return_n_iter=True
    )
    assert early.max() < 1000
    for estimator in (
        SEARegressorCV(max_n_nonzero_coefs=8, cv=3, tol=0),
        SEARegressorIC(max_n_nonzero_coefs=8, tol=0),
    ):
        default = clone(estimator).fit(X, y)
        assert default.n_iter_ == 1000
        early = clone(estimator).set_params(n_iter_no_change=15).fit(X, y)
        assert early.n_iter_ == early.best_iter_ + 16
        # The refit at the selected k is SEARegressor's run with the same
        # patience, warm-started along the path.
        assert early.n_nonzero_coefs_ <= 8


@pytest.mark.parametrize("estimator", [SEARegressorCV, SEARegressorIC])
def test_bad_n_iter_no_change_of_path_estimators_is_named(estimator):
    X, y, _ = make_compressed_sensing(20, 30, 3, random_state=0)
    with pytest.raises(ValueError, match="n_iter_no_change"):
        estimator(n_iter_no_change=0).fit(X, y)
    with pytest.raises(ValueError, match="n_iter_no_change"):
        sea_path(X, y, max_n_nonzero_coefs=3, n_iter_no_change=0)


def test_bounded_newton_cache_keeps_the_count_and_the_solution(monkeypatch):
    # Huber's loss: solves by Newton, cached per support under the budget of
    # least squares. A tiny budget evicts almost every support; the count of
    # distinct supports stays exact and the fit finds the same support.
    X, y, coef = make_compressed_sensing(80, 120, 5, noise=0.01, random_state=7)
    y[::10] += 5.0
    params = dict(max_iter=150, tol=0, datafit=Huber(delta=0.05))
    unbounded = SEARegressor(5, **params).fit(X, y)
    monkeypatch.setattr(_least_squares, "SOLUTION_CACHE_BYTES", 4 * (16 * 5 + 256))
    weight = np.ones(X.shape[0])
    prepared = prepare_datafit(X, y[:, None], weight, True, Huber(delta=0.05))
    problem = prepared.problem(0)
    result = sea_module._sea(problem, 5, max_iter=150, step_size=1.0)
    assert len(problem._cache) <= 4 < result.n_supports_explored
    bounded = SEARegressor(5, **params).fit(X, y)
    assert bounded.n_supports_explored_ == unbounded.n_supports_explored_
    np.testing.assert_array_equal(
        np.flatnonzero(bounded.coef_), np.flatnonzero(unbounded.coef_)
    )
    np.testing.assert_array_equal(np.flatnonzero(bounded.coef_), np.flatnonzero(coef))
    np.testing.assert_allclose(bounded.coef_, unbounded.coef_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(bounded.intercept_, unbounded.intercept_, atol=1e-6)

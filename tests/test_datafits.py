"""Datafits: their derivatives, SEA with any loss, and the invariances it keeps."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_sea import SEARegressor
from sklearn_sea.datafits import BaseDatafit, Huber, Logistic, Quadratic

from _reference import minimise_on_support, reference_sea_datafit

DATAFITS = [Quadratic(), Huber(delta=0.5), Logistic()]
DATAFIT_IDS = ["Quadratic", "Huber", "Logistic"]


class PlainQuadratic(BaseDatafit):
    """The quadratic loss without the least-squares hook: solved by Newton."""

    def value(self, y, z, sample_weight=None):
        w = 1.0 if sample_weight is None else sample_weight
        return 0.5 * float(np.sum(w * (z - y) ** 2))

    def gradient(self, y, z, sample_weight=None):
        return (z - y) * (1.0 if sample_weight is None else sample_weight)

    def hessian(self, y, z, sample_weight=None):
        return np.ones_like(z) * (1.0 if sample_weight is None else sample_weight)


class DuckQuadratic:
    """Three methods and nothing else: no base class, no optional hook."""

    def value(self, y, z, sample_weight=None):
        return 0.5 * float(np.sum((z - y) ** 2))

    def gradient(self, y, z, sample_weight=None):
        return z - y

    def hessian(self, y, z, sample_weight=None):
        return np.ones_like(z)


def target_for(datafit, y):
    """``y`` made valid for the datafit: labels 0/1 for the logistic loss."""
    return (y > np.median(y)).astype(float) if isinstance(datafit, Logistic) else y


def outlier_problem(seed, m=100, n=150, k=5, fraction=0.1):
    """Unit-norm Gaussian design, small noise, 10% of y grossly corrupted."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, n))
    A /= np.linalg.norm(A, axis=0)
    coef = np.zeros(n)
    support = np.sort(rng.choice(n, k, replace=False))
    coef[support] = rng.uniform(1, 2, k) * rng.choice([-1, 1], k)
    y = A @ coef + 0.01 * rng.standard_normal(m)
    corrupted = rng.choice(m, int(fraction * m), replace=False)
    y[corrupted] += rng.uniform(5, 10, corrupted.size) * rng.choice(
        [-1, 1], corrupted.size
    )
    return A, y, support


def random_problem(seed, m=40, n=30, k=4):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n))
    coef = np.zeros(n)
    coef[:k] = rng.uniform(1, 2, k)
    y = X @ coef + 0.5 * rng.standard_normal(m)
    return X, y, k


# --- The datafits themselves ------------------------------------------------


@pytest.mark.parametrize("datafit", DATAFITS, ids=DATAFIT_IDS)
def test_gradient_is_the_derivative_of_value(datafit):
    rng = np.random.default_rng(0)
    y = target_for(datafit, rng.standard_normal(20))
    z = rng.standard_normal(20) * 2
    weight = rng.uniform(0.5, 2.0, 20)
    gradient = datafit.gradient(y, z, weight)
    eps = 1e-6
    for i in range(20):
        dz = np.zeros(20)
        dz[i] = eps
        numeric = (
            datafit.value(y, z + dz, weight) - datafit.value(y, z - dz, weight)
        ) / (2 * eps)
        assert numeric == pytest.approx(gradient[i], rel=1e-5, abs=1e-7)
    assert datafit.value(y, z, weight) == pytest.approx(
        sum(datafit.value(y[i : i + 1], z[i : i + 1]) * weight[i] for i in range(20))
    )


@pytest.mark.parametrize(
    "datafit", [Quadratic(), Logistic()], ids=["Quadratic", "Logistic"]
)
def test_hessian_is_the_second_derivative(datafit):
    rng = np.random.default_rng(1)
    y = target_for(datafit, rng.standard_normal(10))
    z = rng.standard_normal(10)
    eps = 1e-6
    numeric = (datafit.gradient(y, z + eps) - datafit.gradient(y, z - eps)) / (2 * eps)
    np.testing.assert_allclose(datafit.hessian(y, z), numeric, rtol=1e-5, atol=1e-8)
    assert np.all(datafit.hessian(y, z) <= datafit.curvature_bound() + 1e-15)


def test_huber_hessian_majorises_the_loss():
    # The IRLS weight c = min(1, delta/|r|) gives a quadratic model above the
    # loss: f(r + d) <= f(r) + f'(r) d + c d^2 / 2 for every step d.
    huber = Huber(delta=0.3)
    rng = np.random.default_rng(2)
    r = rng.standard_normal(200) * 2
    d = rng.standard_normal(200) * 2
    zeros = np.zeros(200)
    for ri, di in zip(r, d, strict=True):
        f = huber.value(zeros[:1], np.array([ri]))
        model = f + huber.gradient(zeros[:1], np.array([ri]))[0] * di
        model += 0.5 * huber.hessian(zeros[:1], np.array([ri]))[0] * di**2
        assert huber.value(zeros[:1], np.array([ri + di])) <= model + 1e-12


def test_logistic_is_stable_for_large_predictors():
    y = np.array([0.0, 1.0, 1.0, 0.0])
    z = np.array([800.0, 800.0, -800.0, -800.0])
    assert Logistic().value(y, z) == pytest.approx(1600.0)
    assert np.all(np.isfinite(Logistic().gradient(y, z)))


@pytest.mark.parametrize("delta", [0, -1.0, np.nan, "a", True])
def test_huber_refuses_a_bad_delta(delta):
    with pytest.raises(ValueError, match="delta"):
        Huber(delta=delta)


def test_logistic_refuses_non_binary_targets():
    X, y, k = random_problem(0)
    with pytest.raises(ValueError, match="labels 0 and 1"):
        SEARegressor(k, datafit=Logistic()).fit(X, y)


def test_datafit_without_the_three_methods_is_refused():
    X, y, k = random_problem(0)
    with pytest.raises(InvalidParameterError, match="datafit"):
        SEARegressor(k, datafit="huber").fit(X, y)


def test_positive_is_refused_with_another_datafit():
    X, y, k = random_problem(0)
    with pytest.raises(ValueError, match="positive=True.*datafit"):
        SEARegressor(k, datafit=Huber(), positive=True).fit(X, y)


def test_repr_shows_parameters():
    assert repr(Huber(delta=0.2)) == "Huber(delta=0.2)"
    assert repr(SEARegressor(datafit=Huber(delta=0.2))) == (
        "SEARegressor(datafit=Huber(delta=0.2))"
    )


# --- SEA with any datafit ---------------------------------------------------


@pytest.mark.parametrize(
    "datafit", [Huber(delta=0.3), Logistic()], ids=["Huber", "Logistic"]
)
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_sea_follows_the_reference_loop(datafit, fit_intercept):
    rng = np.random.default_rng(3)
    A = rng.standard_normal((60, 25))
    A -= A.mean(axis=0) if fit_intercept else 0
    A /= np.linalg.norm(A, axis=0)
    y = target_for(datafit, A[:, :3] @ [2.0, -1.5, 1.0] + 0.3 * rng.standard_normal(60))
    coef, intercept, losses, _ = reference_sea_datafit(
        A, y, 3, 15, datafit, fit_intercept=fit_intercept
    )
    reg = SEARegressor(3, datafit=datafit, max_iter=15, tol=0)
    reg.set_params(fit_intercept=fit_intercept).fit(A, y)
    np.testing.assert_allclose(reg.loss_curve_, losses, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(reg.coef_, coef, rtol=1e-4, atol=1e-6)
    assert reg.intercept_ == pytest.approx(intercept, rel=1e-4, abs=1e-6)


@pytest.mark.parametrize("seed", range(3))
def test_newton_on_the_quadratic_loss_gives_the_least_squares_path(seed):
    X, y, k = random_problem(seed)
    closed_form = SEARegressor(k, max_iter=40).fit(X, y)
    newton = SEARegressor(k, max_iter=40, datafit=PlainQuadratic()).fit(X, y)
    np.testing.assert_array_equal(
        np.flatnonzero(newton.coef_), np.flatnonzero(closed_form.coef_)
    )
    np.testing.assert_allclose(newton.coef_, closed_form.coef_, rtol=1e-8)
    assert newton.intercept_ == pytest.approx(closed_form.intercept_, rel=1e-8)
    np.testing.assert_allclose(newton.loss_curve_, closed_form.loss_curve_, rtol=1e-8)


def test_three_methods_make_a_datafit():
    X, y, k = random_problem(11)
    init = np.zeros(X.shape[1])
    init[:k] = 1.0
    duck = SEARegressor(k, max_iter=20, datafit=DuckQuadratic(), init=init).fit(X, y)
    plain = SEARegressor(k, max_iter=20, datafit=PlainQuadratic(), init=init).fit(X, y)
    np.testing.assert_allclose(duck.coef_, plain.coef_, rtol=1e-8)
    # Without a curvature bound, the curvature at the intercept-only model.
    assert duck.step_size_ == pytest.approx(plain.step_size_, rel=1e-6)


def test_explicit_quadratic_is_the_default():
    X, y, k = random_problem(4)
    default = SEARegressor(k, max_iter=40).fit(X, y)
    explicit = SEARegressor(k, max_iter=40, datafit=Quadratic()).fit(X, y)
    np.testing.assert_array_equal(explicit.coef_, default.coef_)
    assert explicit.intercept_ == default.intercept_


@pytest.mark.parametrize("seed", range(3))
def test_huber_recovers_the_support_despite_gross_outliers(seed):
    A, y, support = outlier_problem(seed)
    huber = SEARegressor(5, datafit=Huber(delta=0.1), max_iter=100).fit(A, y)
    np.testing.assert_array_equal(np.flatnonzero(huber.coef_), support)
    # The fit ignores the outliers: the clean samples are fitted to the noise.
    residual = np.abs(huber.predict(A) - y)
    assert np.sum(residual < 0.05) >= 85


def test_logistic_matches_an_unpenalised_fit_on_its_support():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((300, 20))
    y = (X[:, [2, 7]] @ [2.0, -1.0] + 0.5 * rng.standard_normal(300) > 0).astype(float)
    reg = SEARegressor(2, datafit=Logistic()).fit(X, y)
    np.testing.assert_array_equal(np.flatnonzero(reg.coef_), [2, 7])
    coef, intercept = minimise_on_support(Logistic(), X, y, np.array([2, 7]))
    np.testing.assert_allclose(reg.coef_[[2, 7]], coef, rtol=1e-5)
    assert reg.intercept_ == pytest.approx(intercept, rel=1e-5, abs=1e-7)


def test_auto_step_is_the_inverse_curvature_bound_for_warm_starts():
    X, y, k = random_problem(6)
    init = np.zeros(X.shape[1])
    init[:k] = 1.0
    quadratic = SEARegressor(k, init=init, max_iter=5, datafit=PlainQuadratic()).fit(
        X, y
    )
    logistic = SEARegressor(k, init=init, max_iter=5, datafit=Logistic()).fit(
        X, target_for(Logistic(), y)
    )
    least_squares = SEARegressor(k, init=init, max_iter=5).fit(X, y)
    assert quadratic.step_size_ == pytest.approx(least_squares.step_size_, rel=1e-6)
    assert logistic.step_size_ == pytest.approx(4 * least_squares.step_size_, rel=1e-6)
    assert SEARegressor(k, datafit=Huber()).fit(X, y).step_size_ == 1.0


def test_zero_start_supports_do_not_depend_on_the_step():
    A, y, _ = outlier_problem(7, m=60, n=80)
    fits = [
        SEARegressor(5, datafit=Huber(0.1), max_iter=30, step_size=step).fit(A, y)
        for step in (1e-3, 1.0, 1e3)
    ]
    for fit in fits[1:]:
        np.testing.assert_array_equal(
            np.flatnonzero(fit.coef_), np.flatnonzero(fits[0].coef_)
        )


def test_zero_start_explores_many_supports():
    # The initial exploration vector is scaled by the step, like the updates:
    # otherwise the first one dwarfs them and SEA stays on one support.
    A, y, _ = outlier_problem(8, m=60, n=80)
    reg = SEARegressor(5, datafit=Huber(0.1), max_iter=100, tol=0).fit(A, y)
    assert reg.n_supports_explored_ > 20


def test_sparse_input_agrees_with_dense():
    import scipy.sparse as sp

    X, y, k = random_problem(9)
    X[np.abs(X) < 0.8] = 0
    weight = np.random.default_rng(9).uniform(0.5, 2, X.shape[0])
    dense = SEARegressor(k, datafit=Huber(0.5), max_iter=30).fit(X, y, weight)
    sparse = SEARegressor(k, datafit=Huber(0.5), max_iter=30).fit(
        sp.csr_matrix(X), y, weight
    )
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-7, atol=1e-10)
    assert sparse.intercept_ == pytest.approx(dense.intercept_, rel=1e-7)


@pytest.mark.parametrize("datafit", DATAFITS[1:], ids=DATAFIT_IDS[1:])
def test_parallel_columns_take_one_support_slot(datafit):
    X, y, k = random_problem(12)
    y = target_for(datafit, y)
    copies = np.hstack([X, 3.0 * X[:, :2]])
    base = SEARegressor(k, datafit=datafit, max_iter=20).fit(X, y)
    with_copies = SEARegressor(k, datafit=datafit, max_iter=20).fit(copies, y)
    np.testing.assert_allclose(with_copies.coef_[: X.shape[1]], base.coef_, rtol=1e-8)
    assert np.all(with_copies.coef_[X.shape[1] :] == 0)
    assert with_copies.intercept_ == pytest.approx(base.intercept_, rel=1e-8)


def test_multi_output_is_per_target():
    X, y, k = random_problem(10)
    Y = np.column_stack([y, -2 * y + 1])
    both = SEARegressor(k, datafit=Huber(0.5), max_iter=30).fit(X, Y)
    for t in range(2):
        single = SEARegressor(k, datafit=Huber(0.5), max_iter=30).fit(X, Y[:, t])
        np.testing.assert_allclose(both.coef_[t], single.coef_, rtol=1e-10)


# --- Invariances, for every datafit -----------------------------------------

SETTINGS = settings(max_examples=8, derandomize=True, deadline=None)


def _objective(datafit, X, y, coef, intercept, sample_weight=None):
    return datafit.value(y, X @ coef + intercept, sample_weight)


@pytest.mark.parametrize("datafit", DATAFITS, ids=DATAFIT_IDS)
@SETTINGS
@given(seed=st.integers(0, 2**16), k=st.integers(1, 4))
def test_feature_scaling_and_permutation_invariance(datafit, seed, k):
    X, y, _ = random_problem(seed, m=30, n=12)
    y = target_for(datafit, y)
    rng = np.random.default_rng(seed)
    perm = rng.permutation(X.shape[1])
    scales = 10.0 ** rng.uniform(-2, 2, X.shape[1])
    base = SEARegressor(k, datafit=datafit, max_iter=20).fit(X, y)
    permuted = SEARegressor(k, datafit=datafit, max_iter=20).fit(X[:, perm], y)
    rescaled = SEARegressor(k, datafit=datafit, max_iter=20).fit(X * scales, y)
    np.testing.assert_allclose(permuted.coef_, base.coef_[perm], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(
        rescaled.coef_ * scales, base.coef_, rtol=1e-6, atol=1e-9
    )
    assert rescaled.intercept_ == pytest.approx(base.intercept_, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("datafit", DATAFITS, ids=DATAFIT_IDS)
@SETTINGS
@given(seed=st.integers(0, 2**16), k=st.integers(1, 4))
def test_integer_weights_equal_repeated_samples(datafit, seed, k):
    X, y, _ = random_problem(seed, m=25, n=10)
    y = target_for(datafit, y)
    weight = np.random.default_rng(seed).integers(0, 4, X.shape[0]).astype(float)
    weight[0] = 1
    repeats = np.repeat(np.arange(X.shape[0]), weight.astype(int))
    weighted = SEARegressor(k, datafit=datafit, max_iter=20).fit(X, y, weight)
    repeated = SEARegressor(k, datafit=datafit, max_iter=20).fit(X[repeats], y[repeats])
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-6, atol=1e-8)
    assert weighted.intercept_ == pytest.approx(repeated.intercept_, rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("datafit", DATAFITS, ids=DATAFIT_IDS)
@SETTINGS
@given(seed=st.integers(0, 2**16), k=st.integers(1, 4), fit_intercept=st.booleans())
def test_warm_start_is_never_made_worse(datafit, seed, k, fit_intercept):
    X, y, _ = random_problem(seed, m=30, n=12)
    y = target_for(datafit, y)
    rng = np.random.default_rng(seed)
    init = np.zeros(X.shape[1])
    init[rng.choice(X.shape[1], k, replace=False)] = rng.standard_normal(k)
    reg = SEARegressor(
        k, datafit=datafit, init=init, max_iter=10, fit_intercept=fit_intercept
    ).fit(X, y)
    # The initial point's own objective, with its best intercept.
    z = X @ init
    before = (
        minimize_scalar(lambda b: datafit.value(y, z + b)).fun
        if fit_intercept
        else datafit.value(y, z)
    )
    after = _objective(datafit, X, y, reg.coef_, reg.intercept_)
    assert np.count_nonzero(reg.coef_) <= k
    assert after <= before * (1 + 1e-9) + 1e-9


@pytest.mark.parametrize("factor", [1e-3, 7.0, 1e4])
def test_scaling_y_with_delta_gives_the_same_support(factor):
    A, y, _ = outlier_problem(11, m=60, n=80)
    base = SEARegressor(5, datafit=Huber(0.1), max_iter=40).fit(A, y)
    scaled = SEARegressor(5, datafit=Huber(0.1 * factor), max_iter=40).fit(
        A, y * factor
    )
    np.testing.assert_array_equal(
        np.flatnonzero(scaled.coef_), np.flatnonzero(base.coef_)
    )
    np.testing.assert_allclose(scaled.coef_ / factor, base.coef_, rtol=1e-6, atol=1e-9)

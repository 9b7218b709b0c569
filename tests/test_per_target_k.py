"""One sparsity level per target: ``n_nonzero_coefs`` arrays and per-target CV."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from sklearn.linear_model import Lasso
from sklearn.preprocessing import PolynomialFeatures

import sklearn_sea
from sklearn_sea import SEARegressor, SEARegressorCV, SEASelector, sea
from sklearn_sea._base import BaseKSparseRegressor
from sklearn_sea._cv import _choose_k

K_SPARSE = [
    cls
    for cls in (getattr(sklearn_sea, name) for name in sklearn_sea.__all__)
    if isinstance(cls, type) and issubclass(cls, BaseKSparseRegressor)
]
KS = np.array([2, 4, 1])


def _three_targets(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((60, 15))
    coef = np.zeros((15, 3))
    for t, k in enumerate(KS):
        coef[rng.choice(15, k, replace=False), t] = rng.uniform(1, 2, k)
    return X, X @ coef + 0.01 * rng.standard_normal((60, 3)), coef


@pytest.mark.parametrize("cls", K_SPARSE, ids=lambda cls: cls.__name__)
def test_each_target_is_fitted_with_its_own_k(cls):
    X, Y, _ = _three_targets()
    joint = cls(n_nonzero_coefs=KS).fit(X, Y)
    np.testing.assert_array_equal(joint.n_nonzero_coefs_, KS)
    assert np.all(np.count_nonzero(joint.coef_, axis=1) <= KS)
    for t, k in enumerate(KS):
        single = cls(n_nonzero_coefs=int(k)).fit(X, Y[:, t])
        np.testing.assert_allclose(joint.coef_[t], single.coef_, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("cls", K_SPARSE, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize(
    "bad, match",
    [
        ([2, 3], r"shape \(n_targets,\) = \(3,\)"),
        ([[2, 3, 1]], r"shape \(n_targets,\) = \(3,\)"),
        ([2, 0, 1], "integers >= 1"),
        ([2.5, 3, 1], "integers >= 1"),
    ],
)
def test_bad_per_target_k_names_the_parameter(cls, bad, match):
    X, Y, _ = _three_targets()
    with pytest.raises(ValueError, match=f"n_nonzero_coefs given per target.*{match}"):
        cls(n_nonzero_coefs=bad).fit(X, Y)


def test_per_target_k_above_n_features_is_clipped_with_a_warning():
    X, Y, _ = _three_targets()
    with pytest.warns(UserWarning, match="larger than n_features=15"):
        reg = SEARegressor(n_nonzero_coefs=[2, 40, 1], max_iter=20).fit(X, Y)
    np.testing.assert_array_equal(reg.n_nonzero_coefs_, [2, 15, 1])


def test_sea_function_takes_one_k_per_target():
    X, Y, coef = _three_targets()
    joint = sea(X, Y, n_nonzero_coefs=KS)
    for t, k in enumerate(KS):
        np.testing.assert_allclose(
            joint[:, t], sea(X, Y[:, t], n_nonzero_coefs=int(k)), rtol=1e-12
        )
        np.testing.assert_array_equal(
            np.flatnonzero(joint[:, t]), np.flatnonzero(coef[:, t])
        )


def test_selector_takes_one_k_per_target():
    X, Y, coef = _three_targets()
    selector = SEASelector(Lasso(alpha=0.01), n_nonzero_coefs=KS).fit(X, Y)
    np.testing.assert_array_equal(np.count_nonzero(selector.coef_, axis=1), KS)
    np.testing.assert_array_equal(
        selector.get_support(indices=True), np.flatnonzero(coef.any(axis=1))
    )


def lorenz_library(noise=0.5, seed=0):
    """Derivatives of the Lorenz system on a 10-term quadratic library.

    The three equations have 2, 3 and 2 terms.
    """

    def lorenz(t, state):
        x, y, z = state
        return [10.0 * (y - x), x * (28.0 - z) - y, x * y - 8.0 / 3.0 * z]

    states = solve_ivp(
        lorenz,
        (0, 10),
        [-8.0, 8.0, 27.0],
        t_eval=np.linspace(0, 10, 400),
        rtol=1e-10,
        atol=1e-10,
    ).y.T
    derivatives = np.array([lorenz(0, s) for s in states])
    derivatives += noise * np.random.default_rng(seed).standard_normal(
        derivatives.shape
    )
    terms = PolynomialFeatures(degree=2).fit_transform(states)
    true_support = np.zeros((3, 10), dtype=bool)
    # Columns: 1, x, y, z, x^2, xy, xz, y^2, yz, z^2.
    true_support[0, [1, 2]] = true_support[1, [1, 2, 6]] = true_support[2, [3, 5]] = 1
    return terms, derivatives, true_support


@pytest.mark.parametrize("seed", [0, 1])
def test_cv_chooses_the_k_of_every_equation(seed):
    terms, derivatives, true_support = lorenz_library(seed=seed)
    reg = SEARegressorCV(fit_intercept=False, k_rule="one_se")
    reg.fit(terms, derivatives)
    np.testing.assert_array_equal(reg.n_nonzero_coefs_, [2, 3, 2])
    np.testing.assert_array_equal(reg.coef_ != 0, true_support)
    shared = SEARegressorCV(fit_intercept=False, k_selection="shared", k_rule="one_se")
    shared.fit(terms, derivatives)
    assert isinstance(shared.n_nonzero_coefs_, int)
    # One k for all cannot fit 2, 3 and 2 terms at once.
    assert np.sum(shared.coef_ != 0) > true_support.sum()


def test_per_target_choice_is_the_single_target_choice():
    terms, derivatives, _ = lorenz_library(noise=2.0)
    joint = SEARegressorCV(fit_intercept=False, max_iter=100).fit(terms, derivatives)
    assert joint.target_mse_path_.shape == (5, 5, 3)
    np.testing.assert_allclose(joint.mse_path_, joint.target_mse_path_.mean(axis=2))
    for t in range(3):
        single = SEARegressorCV(fit_intercept=False, max_iter=100)
        single.fit(terms, derivatives[:, t])
        assert joint.n_nonzero_coefs_[t] == single.n_nonzero_coefs_
        np.testing.assert_allclose(joint.coef_[t], single.coef_, rtol=1e-9)
        np.testing.assert_allclose(
            joint.cv_results_[f"mean_test_mse_target{t}"],
            single.cv_results_["mean_test_mse"],
            rtol=1e-12,
        )


def test_one_se_rule_takes_the_smallest_k_within_one_standard_error():
    # Mean errors 9, 2.1, 2.0, 2.05 over 4 folds with spread 0.4 at the
    # minimum (k = 3): standard error 0.2, so k = 2 is within it.
    offsets = np.array([-0.4, 0.4, -0.4, 0.4])
    curve = np.array([9.0, 2.1, 2.0, 2.05])[:, None] + offsets
    assert _choose_k(curve, "min") == 3
    assert _choose_k(curve, "one_se") == 2
    # No spread, no tolerance: the minimum itself.
    assert _choose_k(np.array([[3.0, 3.0], [1.0, 1.0], [1.5, 1.5]]), "one_se") == 2

"""``sea_path`` and ``SEARegressorIC``: the path over k, and k by AIC / BIC / EBIC."""

import numpy as np
import pytest
from sklearn.linear_model import LassoLarsIC, lars_path

from sklearn_sea import SEARegressorIC, sea, sea_path
from sklearn_sea._information_criterion import information_criterion
from sklearn_sea.datasets import make_compressed_sensing


def _problem(n_samples=80, n_features=40, k=4, noise=0.05, seed=0):
    X, y, coef = make_compressed_sensing(
        n_samples=n_samples,
        n_features=n_features,
        n_nonzero_coefs=k,
        noise=noise,
        random_state=seed,
    )
    return X, y, coef


def test_path_shapes_and_sparsity():
    X, y, _ = _problem()
    ks, coefs, n_iters = sea_path(X, y, max_n_nonzero_coefs=7, return_n_iter=True)
    assert ks.tolist() == list(range(1, 8))
    assert coefs.shape == (40, 7) and n_iters.shape == (7,)
    assert np.all(np.count_nonzero(coefs, axis=0) <= ks)
    Y = np.column_stack([y, -2 * y])
    _, multi = sea_path(X, Y, max_n_nonzero_coefs=7)
    assert multi.shape == (2, 40, 7)
    np.testing.assert_allclose(multi[0], coefs, rtol=1e-10, atol=1e-14)


def test_path_objective_never_increases_and_reaches_the_truth():
    X, y, coef = _problem(noise=0.0)
    _, coefs = sea_path(X, y, max_n_nonzero_coefs=8)
    rss = ((y[:, None] - X @ coefs) ** 2).sum(axis=0)
    assert np.all(np.diff(rss) <= 1e-10 * rss[0])
    np.testing.assert_array_equal(np.flatnonzero(coefs[:, 3]), np.flatnonzero(coef))


def test_each_point_is_sea_warm_started_from_the_previous_one():
    X, y, _ = _problem(noise=0.1)
    _, coefs = sea_path(X, y, max_n_nonzero_coefs=5, step_size=0.05)
    assert np.array_equal(coefs[:, 0], sea(X, y, n_nonzero_coefs=1))
    for k in range(2, 6):
        expected = sea(
            X, y, n_nonzero_coefs=k, coef_init=coefs[:, k - 2], step_size=0.05
        )
        np.testing.assert_allclose(coefs[:, k - 1], expected, rtol=1e-12)


def test_path_clips_k_and_validates():
    X, y, _ = _problem(n_features=6)
    ks, coefs = sea_path(X, y, max_n_nonzero_coefs=50)
    assert ks[-1] == 6 and coefs.shape == (6, 6)
    with pytest.raises(ValueError, match="'max_n_nonzero_coefs' parameter"):
        sea_path(X, y, max_n_nonzero_coefs=0)
    with pytest.raises(ValueError, match="samples"):
        sea_path(X, y[:-1], max_n_nonzero_coefs=2)


@pytest.mark.parametrize("criterion", ["aic", "bic"])
def test_criterion_is_lasso_lars_ics(criterion):
    # LassoLarsIC's criterion of its own path, recomputed from its residuals.
    X, y, _ = _problem()
    lars = LassoLarsIC(criterion=criterion, noise_variance=0.01).fit(X, y)
    X_c, y_c = X - X.mean(axis=0), y - y.mean()
    _, _, path = lars_path(X_c, y_c, method="lasso", alpha_min=0.0)
    rss = ((y_c[:, None] - X_c @ path) ** 2).sum(axis=0)
    df = np.sum(np.abs(path) > np.finfo(float).eps, axis=0)
    ours = information_criterion(rss, df, X.shape[0], X.shape[1], 0.01, criterion)
    np.testing.assert_allclose(ours, lars.criterion_, rtol=1e-9)


def test_bic_selects_the_true_k_and_support():
    X, y, coef = _problem()
    reg = SEARegressorIC(criterion="bic", max_n_nonzero_coefs=10).fit(X, y)
    assert reg.n_nonzero_coefs_ == 4
    np.testing.assert_array_equal(reg.coef_ != 0, coef != 0)
    assert reg.criterion_.shape == (10,)
    assert int(np.argmin(reg.criterion_)) + 1 == reg.n_nonzero_coefs_


def test_ebic_is_the_choice_when_features_outnumber_samples():
    # 60 samples, 400 features: the noise variance comes from the largest k
    # of the path; EBIC's support count keeps spurious features out.
    X, y, coef = _problem(n_samples=60, n_features=400, k=5, noise=0.05, seed=1)
    ebic = SEARegressorIC(criterion="ebic", max_n_nonzero_coefs=15).fit(X, y)
    assert ebic.n_nonzero_coefs_ == 5
    np.testing.assert_array_equal(ebic.coef_ != 0, coef != 0)
    bic = SEARegressorIC(criterion="bic", max_n_nonzero_coefs=15).fit(X, y)
    assert bic.n_nonzero_coefs_ >= ebic.n_nonzero_coefs_


def test_each_target_gets_its_own_k():
    X, y, coef = _problem()
    _, _, coef2 = _problem(k=2, seed=3)
    Y = np.column_stack([y, X @ coef2])
    reg = SEARegressorIC(max_n_nonzero_coefs=8).fit(X, Y)
    np.testing.assert_array_equal(reg.n_nonzero_coefs_, [4, 2])
    assert reg.criterion_.shape == (8, 2) and reg.noise_variance_.shape == (2,)
    single = SEARegressorIC(max_n_nonzero_coefs=8).fit(X, y)
    np.testing.assert_allclose(reg.coef_[0], single.coef_, rtol=1e-9)
    np.testing.assert_allclose(reg.criterion_[:, 0], single.criterion_, rtol=1e-9)


def test_noise_variance_estimate_is_lasso_lars_ics():
    X, y, _ = _problem(noise=0.1)
    reg = SEARegressorIC().fit(X, y)
    lars = LassoLarsIC(criterion="bic").fit(X, y)
    assert reg.noise_variance_ == pytest.approx(lars.noise_variance_, rel=1e-8)


def test_given_noise_variance_is_used():
    X, y, _ = _problem()
    reg = SEARegressorIC(noise_variance=2.5e-3).fit(X, y)
    assert reg.noise_variance_ == 2.5e-3


def test_integer_weights_are_repeated_samples():
    X, y, _ = _problem(noise=0.1)
    weight = np.random.default_rng(0).integers(0, 3, X.shape[0])
    weighted = SEARegressorIC().fit(X, y, sample_weight=weight)
    repeated = SEARegressorIC().fit(np.repeat(X, weight, axis=0), np.repeat(y, weight))
    np.testing.assert_allclose(weighted.criterion_, repeated.criterion_, rtol=1e-7)
    assert weighted.n_nonzero_coefs_ == repeated.n_nonzero_coefs_
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-7, atol=1e-10)


def test_without_an_ols_estimate_each_k_uses_its_own_variance():
    X, y, coef = _problem(n_samples=30, n_features=60, k=3, noise=0.05)
    reg = SEARegressorIC(max_n_nonzero_coefs=6).fit(X, y)
    residual = y - reg.predict(X)
    assert reg.noise_variance_ == pytest.approx(np.mean(residual**2), rel=1e-9)
    rss = reg.noise_variance_ * 30
    k = reg.n_nonzero_coefs_
    expected = 30 * np.log(2 * np.pi * rss / 30) + 30 + np.log(30) * k
    assert reg.criterion_[k - 1] == pytest.approx(expected, rel=1e-9)

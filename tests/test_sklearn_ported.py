"""scikit-learn's tests of OMP, OMP-CV and LassoCV, run on this package's drop-ins.

Each test below restates, in this project's terms, a test of scikit-learn's
``linear_model/tests/test_omp.py`` (for ``OrthogonalMatchingPursuit``,
``orthogonal_mp`` and ``OrthogonalMatchingPursuitCV``) or
``linear_model/tests/test_coordinate_descent.py`` (for ``LassoCV``), with
:class:`~sklearn_sea.OMPRegressor` and :class:`~sklearn_sea.SEARegressor` in
the place of OMP and :class:`~sklearn_sea.SEARegressorCV` in the place of the
CV estimators. The scikit-learn test each one ports is named in its
docstring.

Where this package behaves differently on purpose, the test asserts the
package's behaviour and says why; the list is in ``doc/replacing_lasso_omp.rst``
("Differences from scikit-learn").
"""

import warnings

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import config_context
from sklearn.datasets import load_diabetes, make_sparse_coded_signal
from sklearn.linear_model import LinearRegression, OrthogonalMatchingPursuit
from sklearn.metrics import make_scorer, mean_squared_error
from sklearn.model_selection import (
    GridSearchCV,
    GroupKFold,
    LeaveOneGroupOut,
    ShuffleSplit,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_sea import OMPRegressor, SEARegressor, SEARegressorCV, sea, sea_path

# The data of scikit-learn's OMP tests: 3 targets, each 5-sparse over 35
# atoms of dimension 25, scaled away from unit norm.
N_SAMPLES, N_FEATURES, K, N_TARGETS = 25, 35, 5, 3
_Y, _X, _GAMMA = make_sparse_coded_signal(
    n_samples=N_TARGETS,
    n_components=N_FEATURES,
    n_features=N_SAMPLES,
    n_nonzero_coefs=K,
    random_state=0,
)
Y, X, GAMMA = 10 * _Y.T, 10 * _X.T, _GAMMA.T

# OMP's drop-ins: the greedy baseline and SEA itself.
OMP_LIKE = [OMPRegressor, SEARegressor]


def _fit(cls, X, y, **params):
    return cls(fit_intercept=False, **params).fit(X, y)


# --- OrthogonalMatchingPursuit / orthogonal_mp ------------------------------


@pytest.mark.parametrize("cls", OMP_LIKE)
def test_coef_shapes(cls):
    """Ports test_correct_shapes and test_correct_shapes_gram."""
    for precompute in (False, True):
        single = _fit(cls, X, Y[:, 0], n_nonzero_coefs=5, precompute=precompute)
        assert single.coef_.shape == (N_FEATURES,)
        multi = _fit(cls, X, Y, n_nonzero_coefs=5, precompute=precompute)
        assert multi.coef_.shape == (N_TARGETS, N_FEATURES)


@pytest.mark.parametrize("cls", OMP_LIKE)
@pytest.mark.parametrize("precompute", [False, True])
def test_at_most_k_nonzeros(cls, precompute):
    """Ports test_n_nonzero_coefs."""
    reg = _fit(cls, X, Y[:, 0], n_nonzero_coefs=5, precompute=precompute)
    assert np.count_nonzero(reg.coef_) <= 5


@pytest.mark.parametrize("precompute", [False, True])
def test_tol_bounds_the_squared_residual(precompute):
    """Ports test_tol: with ``tol`` OMP adds atoms until ``||r||^2 <= tol``."""
    reg = _fit(OMPRegressor, X, Y[:, 0], tol=0.5, precompute=precompute)
    assert np.sum((Y[:, 0] - X @ reg.coef_) ** 2) <= 0.5


@pytest.mark.parametrize("cls", OMP_LIKE)
@pytest.mark.parametrize("params", [{"n_nonzero_coefs": 5}, {"tol": 1.0}])
def test_gram_and_operator_modes_agree(cls, params):
    """Ports test_with_without_gram and test_with_without_gram_tol."""
    if "tol" in params and cls is SEARegressor:
        params = {"n_nonzero_coefs": 5, "tol": 1.0}
    gram = _fit(cls, X, Y, precompute=True, **params)
    operator = _fit(cls, X, Y, precompute=False, **params)
    np.testing.assert_allclose(gram.coef_, operator.coef_, rtol=1e-8, atol=1e-10)


def test_zero_tol_runs_to_an_exact_fit():
    """Ports test_unreachable_accuracy.

    ``tol=0`` gives the fit with k = n_features. Intended difference:
    scikit-learn keeps adding atoms after the residual vanished and then warns
    of linear dependence; this OMP stops at the exact fit (here after the 5
    true atoms), where the requested precision is met, so it does not warn.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exact = _fit(OMPRegressor, X, Y, tol=0.0, precompute=True)
    full = _fit(OMPRegressor, X, Y, n_nonzero_coefs=N_FEATURES, precompute=True)
    np.testing.assert_allclose(exact.coef_, full.coef_, atol=1e-12)
    assert exact.n_iter_ == [K] * N_TARGETS


@pytest.mark.parametrize("cls", OMP_LIKE)
def test_k_above_n_features_is_clipped(cls):
    """Ports test_bad_input.

    Intended difference: scikit-learn raises ValueError for
    ``n_nonzero_coefs > n_features``; every k-sparse estimator here clips k
    to ``n_features`` with a warning (as OMP users asked).
    """
    with pytest.warns(UserWarning, match="larger than n_features"):
        reg = _fit(cls, X, Y[:, 0], n_nonzero_coefs=N_FEATURES + 1)
    assert reg.n_nonzero_coefs_ == N_FEATURES


@pytest.mark.parametrize("cls", OMP_LIKE)
@pytest.mark.parametrize("precompute", [False, True])
def test_perfect_signal_recovery(cls, precompute):
    """Ports test_perfect_signal_recovery."""
    reg = _fit(cls, X, Y[:, 0], n_nonzero_coefs=5, precompute=precompute)
    np.testing.assert_array_equal(
        np.flatnonzero(reg.coef_), np.flatnonzero(GAMMA[:, 0])
    )
    np.testing.assert_array_almost_equal(reg.coef_, GAMMA[:, 0], decimal=2)


@pytest.mark.parametrize("cls", OMP_LIKE)
def test_read_only_inputs(cls):
    """Ports test_orthogonal_mp_gram_readonly (read-only arrays in, no copy demanded)."""
    X_ro, y_ro = X.copy(), Y[:, 0].copy()
    X_ro.setflags(write=False)
    y_ro.setflags(write=False)
    reg = _fit(cls, X_ro, y_ro, n_nonzero_coefs=5)
    np.testing.assert_array_equal(
        np.flatnonzero(reg.coef_), np.flatnonzero(GAMMA[:, 0])
    )


@pytest.mark.parametrize("cls", OMP_LIKE)
def test_estimator(cls):
    """Ports test_estimator: shapes, intercept_ conventions, k respected."""
    reg = cls(n_nonzero_coefs=K).fit(X, Y[:, 0])
    assert reg.coef_.shape == (N_FEATURES,)
    assert reg.intercept_.shape == ()
    assert np.count_nonzero(reg.coef_) <= K

    reg.fit(X, Y)
    assert reg.coef_.shape == (N_TARGETS, N_FEATURES)
    assert reg.intercept_.shape == (N_TARGETS,)
    assert np.count_nonzero(reg.coef_) <= N_TARGETS * K

    first_target = reg.coef_[0].copy()
    reg.fit(X, Y[:, 0])
    np.testing.assert_array_almost_equal(first_target, reg.coef_)

    reg.set_params(fit_intercept=False).fit(X, Y[:, 0])
    assert np.count_nonzero(reg.coef_) <= K
    assert reg.coef_.shape == (N_FEATURES,)
    assert reg.intercept_ == 0

    reg.fit(X, Y)
    assert reg.coef_.shape == (N_TARGETS, N_FEATURES)
    assert reg.intercept_ == 0
    assert np.count_nonzero(reg.coef_) <= N_TARGETS * K


def test_n_nonzero_coefs_attribute_with_and_without_tol():
    """Ports test_estimator_n_nonzero_coefs."""
    assert OMPRegressor(n_nonzero_coefs=K).fit(X, Y[:, 0]).n_nonzero_coefs_ == K
    with_tol = OMPRegressor(n_nonzero_coefs=K, tol=0.5).fit(X, Y[:, 0])
    assert with_tol.n_nonzero_coefs_ is None


def test_identical_regressors():
    """Ports test_identical_regressors.

    Intended difference: with two identical columns and ``y`` their sum,
    scikit-learn takes one column, finds a zero residual, and warns of
    linear dependence; this OMP stops silently at the exact fit after one
    atom. The warning is kept for a dependent column chosen while the
    residual is not zero (see test_sklearn_conventions.py).
    """
    doubled = X.copy()
    doubled[:, 1] = doubled[:, 0]
    y = doubled[:, 0] + doubled[:, 1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reg = _fit(OMPRegressor, doubled, y, n_nonzero_coefs=2)
    np.testing.assert_allclose(doubled @ reg.coef_, y, rtol=1e-10)
    assert reg.n_iter_ == 1


@pytest.mark.parametrize("precompute", [False, True])
def test_swapped_regressors(precompute):
    """Ports test_swapped_regressors: coef_ follows column order, not selection order."""
    gamma = np.zeros(N_FEATURES)
    gamma[21], gamma[0] = 1.0, 0.5
    reg = _fit(OMPRegressor, X, X @ gamma, n_nonzero_coefs=2, precompute=precompute)
    np.testing.assert_array_equal(np.flatnonzero(reg.coef_), [0, 21])


@pytest.mark.parametrize("cls", OMP_LIKE)
def test_zero_target_has_no_atoms(cls):
    """Ports test_no_atoms."""
    reg = _fit(cls, X, np.zeros_like(Y), n_nonzero_coefs=1)
    assert np.all(reg.coef_ == 0)


@pytest.mark.parametrize("precompute", [False, True])
def test_path_ends_at_the_fit(precompute):
    """Ports test_omp_path and test_omp_return_path_prop_with_gram with sea_path.

    The layout is ``lasso_path``'s, ``(n_targets, n_features, n_ks)``
    (``orthogonal_mp`` returns ``(n_features, n_targets, n_ks)``).
    """
    ks, path = sea_path(X, Y, max_n_nonzero_coefs=5, precompute=precompute)
    assert path.shape == (N_TARGETS, N_FEATURES, 5) and ks.tolist() == [1, 2, 3, 4, 5]
    last = sea(X, Y, n_nonzero_coefs=5, precompute=precompute)
    np.testing.assert_array_almost_equal(path[:, :, -1], last.T)


def test_omp_cv():
    """Ports test_omp_cv, with SEARegressorCV in the place of OMP-CV."""
    cv = SEARegressorCV(fit_intercept=False, max_n_nonzero_coefs=10)
    cv.fit(X, Y[:, 0])
    assert cv.n_nonzero_coefs_ == K
    np.testing.assert_array_almost_equal(cv.coef_, GAMMA[:, 0])
    for cls in OMP_LIKE:
        single = _fit(cls, X, Y[:, 0], n_nonzero_coefs=cv.n_nonzero_coefs_)
        np.testing.assert_array_almost_equal(cv.coef_, single.coef_)


@pytest.mark.parametrize("cls", OMP_LIKE)
def test_k_equal_n_features_reaches_least_squares(cls):
    """Ports test_omp_reaches_least_squares."""
    rng = np.random.RandomState(0)
    X_small, Y_small = rng.randn(10, 8), rng.randn(10, 3)
    reg = cls(n_nonzero_coefs=8).fit(X_small, Y_small)
    ols = LinearRegression().fit(X_small, Y_small)
    np.testing.assert_array_almost_equal(reg.coef_, ols.coef_)


@pytest.mark.parametrize("cls", OMP_LIKE)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(cls, dtype):
    """Ports test_omp_gram_dtype_match."""
    reg = _fit(cls, X.astype(dtype), Y.astype(dtype), n_nonzero_coefs=5)
    assert reg.coef_.dtype == dtype


@pytest.mark.parametrize("cls", OMP_LIKE)
def test_float32_and_float64_agree(cls):
    """Ports test_omp_gram_numerical_consistency."""
    low = _fit(cls, X.astype(np.float32), Y.astype(np.float32), n_nonzero_coefs=5)
    high = _fit(cls, X, Y, n_nonzero_coefs=5)
    np.testing.assert_allclose(low.coef_, high.coef_, rtol=1e-4, atol=1e-5)


# --- LassoCV ----------------------------------------------------------------


def build_dataset(n_samples=50, n_features=200, n_informative=10, n_targets=1):
    """scikit-learn's ill-posed CV problem: few samples, many noise features."""
    rng = np.random.RandomState(0)
    w = rng.randn(n_features, n_targets) if n_targets > 1 else rng.randn(n_features)
    w[n_informative:] = 0.0
    X_train, X_test = rng.randn(n_samples, n_features), rng.randn(n_samples, n_features)
    return X_train, X_train @ w, X_test, X_test @ w


@pytest.mark.parametrize("precompute", [False, True])
def test_lasso_cv(precompute):
    """Ports test_lasso_cv: the chosen model generalises (score > 0.99)."""
    X_train, y_train, X_test, y_test = build_dataset()
    reg = SEARegressorCV(cv=3, max_n_nonzero_coefs=15, precompute=precompute)
    reg.fit(X_train, y_train)
    assert reg.n_nonzero_coefs_ == 10
    assert reg.score(X_test, y_test) > 0.99


def test_cv_in_a_pipeline_with_a_shuffle_split():
    """Ports test_lasso_cv_with_some_model_selection."""
    X_diabetes, y_diabetes = load_diabetes(return_X_y=True)
    pipe = make_pipeline(
        StandardScaler(), SEARegressorCV(cv=ShuffleSplit(random_state=0))
    )
    assert pipe.fit(X_diabetes, y_diabetes).score(X_diabetes, y_diabetes) > 0.4


@pytest.mark.parametrize("bad", [0, -1, 2.5, "1"])
def test_k_grid_validation(bad):
    """Ports test_lassocv_alphas_validation: errors name the parameter."""
    X_train, y_train, _, _ = build_dataset(n_features=10)
    with pytest.raises(ValueError, match="'max_n_nonzero_coefs' parameter"):
        SEARegressorCV(max_n_nonzero_coefs=bad).fit(X_train, y_train)


def test_uniform_targets():
    """Ports test_uniform_targets: a constant target is predicted exactly."""
    rng = np.random.RandomState(0)
    X_train, X_test = rng.random_sample((10, 3)), rng.random_sample((10, 3))
    for value in (0, 5):
        y1 = np.full(10, float(value))
        reg = SEARegressorCV(cv=3).fit(X_train, y1)
        np.testing.assert_array_equal(reg.predict(X_test), y1)
        y2 = np.column_stack([y1, 2 * y1])
        np.testing.assert_array_equal(
            SEARegressorCV(cv=3).fit(X_train, y2).predict(X_test), y2
        )


def test_multi_target_shapes():
    """Ports the shape assertions of test_multitask_enet_and_lasso_cv."""
    X_train, Y_train, _, _ = build_dataset(n_features=50, n_targets=3)
    reg = SEARegressorCV(cv=3, max_n_nonzero_coefs=12).fit(X_train, Y_train)
    assert reg.coef_.shape == (3, 50)
    assert reg.intercept_.shape == (3,)
    assert reg.mse_path_.shape == (12, 3)  # (k, fold), as LassoCV's (alpha, fold)


def test_one_column_2d_target_equals_1d_target():
    """Ports test_1d_multioutput_lasso_and_multitask_lasso_cv."""
    X_train, y_train, _, _ = build_dataset(n_features=10)
    flat = SEARegressorCV().fit(X_train, y_train)
    column = SEARegressorCV().fit(X_train, y_train[:, None])
    np.testing.assert_array_equal(column.n_nonzero_coefs_, [flat.n_nonzero_coefs_])
    np.testing.assert_array_almost_equal(flat.coef_, column.coef_[0])
    np.testing.assert_array_almost_equal(flat.intercept_, column.intercept_[0])


@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csr_array])
def test_sparse_float32_and_float64_agree(container):
    """Ports test_sparse_input_dtype_enet_and_lassocv."""
    X_train, y_train, _, _ = build_dataset(n_features=10)
    high = SEARegressorCV(max_iter=100).fit(container(X_train), y_train)
    low = SEARegressorCV(max_iter=100).fit(
        container(X_train, dtype=np.float32), y_train
    )
    assert high.n_nonzero_coefs_ == low.n_nonzero_coefs_
    np.testing.assert_allclose(high.coef_, low.coef_, rtol=1e-5)


def test_small_max_iter_is_a_budget_not_a_convergence_failure():
    """Ports test_sparse_input_convergence_warning.

    Intended difference: ``max_iter`` of SEA is the number of supports it
    explores; SEA has no stopping rule to miss, so ``max_iter=1`` returns the
    first support's least-squares fit without a ConvergenceWarning.
    """
    X_train, y_train, _, _ = build_dataset(n_samples=50, n_features=25)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reg = SEARegressorCV(max_iter=1).fit(sp.csr_matrix(X_train), y_train)
    assert np.all(np.asarray(reg.n_iter_) == 1)


@pytest.mark.parametrize("weighted", [False, True])
def test_cv_equals_grid_search(weighted):
    """Ports test_enet_cv_grid_search: the CV choice is GridSearchCV's over k.

    With ``path_init="zero"`` each k of the path is exactly
    ``SEARegressor(n_nonzero_coefs=k)``. Weighted, the held-out errors are
    weighted too, so the grid search's scorer is weighted by metadata routing.
    """
    rng = np.random.RandomState(0)
    X_train = rng.randn(120, 15)
    y_train = X_train[:, :6] @ np.linspace(1, 0.2, 6) + 0.5 * rng.randn(120)
    weight = np.linspace(1, 5, 120) if weighted else None
    reg = SEARegressorCV(cv=5, max_n_nonzero_coefs=8, path_init="zero")
    with config_context(enable_metadata_routing=True):
        reg.set_fit_request(sample_weight=True)
        reg.fit(X_train, y_train, sample_weight=weight)
        scorer = make_scorer(mean_squared_error, greater_is_better=False)
        scorer = scorer.set_score_request(sample_weight=True)
        search = GridSearchCV(
            SEARegressor().set_fit_request(sample_weight=True),
            {"n_nonzero_coefs": list(range(1, 9))},
            cv=5,
            scoring=scorer,
        ).fit(X_train, y_train, sample_weight=weight)
    assert reg.n_nonzero_coefs_ == search.best_params_["n_nonzero_coefs"]
    np.testing.assert_allclose(
        reg.cv_results_["mean_test_mse"], -search.cv_results_["mean_test_score"]
    )


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("precompute", [False, True])
@pytest.mark.parametrize("container", [None, sp.csc_matrix])
def test_uniform_weights_are_no_weights(fit_intercept, precompute, container):
    """Ports test_enet_cv_sample_weight_consistency."""
    rng = np.random.RandomState(0)
    X_train = rng.rand(10, 5)
    y_train = X_train.sum(axis=1) + rng.rand(10)
    if container is not None:
        X_train = container(X_train)
    reg = SEARegressorCV(
        cv=3, fit_intercept=fit_intercept, precompute=precompute, max_iter=100
    )
    reference = reg.fit(X_train, y_train)
    coef, intercept = reference.coef_.copy(), reference.intercept_
    for weight in (np.ones(10), 123.0, 2 * np.ones(10)):
        reg.fit(X_train, y_train, sample_weight=weight)
        np.testing.assert_allclose(reg.coef_, coef, rtol=1e-6)
        np.testing.assert_allclose(reg.intercept_, intercept, rtol=1e-6)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_integer_weights_are_repeated_samples(fit_intercept):
    """Ports test_enet_cv_sample_weight_and_cv_splits: same splits, same errors."""
    rng = np.random.RandomState(0)
    X_w = rng.rand(30, 6)
    y_w = X_w @ rng.rand(6) + 0.1 * rng.rand(30)
    weight = np.ones(30)
    weight[:10] = rng.randint(0, 5, size=10)
    groups = np.repeat([0, 1, 2], 10)
    splits = list(LeaveOneGroupOut().split(X_w, groups=groups))
    weighted = SEARegressorCV(cv=splits, fit_intercept=fit_intercept)
    weighted.fit(X_w, y_w, sample_weight=weight)
    repeats = weight.astype(int)
    X_r, y_r = np.repeat(X_w, repeats, axis=0), np.repeat(y_w, repeats)
    splits_r = list(LeaveOneGroupOut().split(X_r, groups=np.repeat(groups, repeats)))
    repeated = SEARegressorCV(cv=splits_r, fit_intercept=fit_intercept).fit(X_r, y_r)
    np.testing.assert_allclose(weighted.mse_path_, repeated.mse_path_, rtol=1e-8)
    assert weighted.n_nonzero_coefs_ == repeated.n_nonzero_coefs_
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-10)


def test_parallel_folds_on_memmapped_data():
    """Ports test_linear_models_cv_fit_with_loky: read-only memmaps in workers."""
    rng = np.random.RandomState(0)
    X_big = rng.randn(int(1e6) // 8 // 2 + 1, 2)  # above joblib's 1 MB memmap limit
    y_big = X_big[:, 0] + 0.1 * rng.randn(X_big.shape[0])
    assert X_big.nbytes > 1e6
    with joblib.parallel_backend("loky"):
        reg = SEARegressorCV(n_jobs=2, cv=3, max_iter=20).fit(X_big, y_big)
    assert reg.n_nonzero_coefs_ in (1, 2)


def test_groups_without_routing_reach_the_splitter():
    """Ports test_cv_estimators_reject_params_with_no_routing_enabled.

    Intended difference: scikit-learn's CV models reject ``groups`` unless
    metadata routing is enabled; SEARegressorCV passes ``groups`` to the
    splitter (as ``cross_validate`` does) and rejects any other name with
    scikit-learn's message.
    """
    X_train, y_train, _, _ = build_dataset(n_features=10)
    groups = np.array([0, 1, 2] * (len(y_train) // 3 + 1))[: len(y_train)]
    reg = SEARegressorCV(cv=GroupKFold(3)).fit(X_train, y_train, groups=groups)
    folds = list(GroupKFold(3).split(X_train, y_train, groups))
    explicit = SEARegressorCV(cv=folds).fit(X_train, y_train)
    np.testing.assert_array_equal(reg.mse_path_, explicit.mse_path_)
    with pytest.raises(ValueError, match="only supported if enable_metadata_routing"):
        SEARegressorCV().fit(X_train, y_train, something=groups)


def test_omp_and_ours_agree_on_scikit_learns_data():
    """Not a port: the package's OMP on the shared data equals scikit-learn's."""
    ours = _fit(OMPRegressor, X, Y, n_nonzero_coefs=K)
    theirs = OrthogonalMatchingPursuit(n_nonzero_coefs=K, fit_intercept=False)
    np.testing.assert_allclose(ours.coef_, theirs.fit(X, Y).coef_, atol=1e-10)

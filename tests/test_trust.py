"""Trust on any machine: the compiled boundary, parallel columns, extreme
scales, user operators, and what a bug report needs."""

import signal
import subprocess
import sys
import textwrap
import time
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from scipy.sparse.linalg import LinearOperator

import sklearn_sea
from sklearn_sea import SEARegressorCV, sea
from sklearn_sea._core import _accelerator, prepare_least_squares
from sklearn_sea.datasets import make_compressed_sensing

from _public_api import k_sparse_classes, make_estimator

compiled_only = pytest.mark.skipif(
    not _accelerator.COMPILED_AVAILABLE,
    reason="the compiled SEA kernel is not built in this installation",
)
THRESHOLDING = ["SEARegressor", "HTPRegressor", "CoSaMPRegressor", "SPRegressor"]


# --- The compiled boundary -------------------------------------------------


def loop_inputs(**changes):
    A, y, _ = make_compressed_sensing(30, 40, 5, random_state=0)
    inputs = dict(
        gram=A.T @ A,
        aty=A.T @ y,
        y_sq_norm=float(y @ y),
        k=5,
        max_iter=10,
        step_size=1.0,
        tol=0.0,
        exploration=A.T @ y,
        first_support=np.arange(5, dtype=np.intp),
        fallback_solve=lambda support: np.zeros(support.shape[0]),
    )
    inputs.update(changes)
    return list(inputs.values())


@compiled_only
@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(k=0, first_support=np.empty(0, dtype=np.intp)), "k must be in"),
        (dict(k=41, first_support=np.arange(41, dtype=np.intp)), "k must be in"),
        (dict(first_support=np.array([0, 1, 2, 3, 10**9])), "strictly increasing"),
        (dict(first_support=np.array([0, 1, 2, 3, -1])), "strictly increasing"),
        (dict(first_support=np.array([0, 2, 1, 3, 4])), "strictly increasing"),
        (dict(first_support=np.arange(4)), "first_support must hold"),
        (dict(exploration=np.ones(39)), "inconsistent shapes"),
        (dict(aty=np.ones(41)), "inconsistent shapes"),
        (dict(gram=np.ones((40, 39))), "square"),
        (dict(max_iter=0), "max_iter"),
        (dict(step_size=np.nan), "step_size"),
        (dict(step_size=np.inf), "step_size"),
        (dict(step_size=-1.0), "step_size"),
        (dict(tol=np.nan), "tol"),
        (dict(y_sq_norm=np.inf), "y_sq_norm"),
        (dict(exploration=np.full(40, np.nan)), "NaN"),
    ],
)
def test_compiled_loop_refuses_what_it_cannot_run(changes, message):
    with pytest.raises(ValueError, match=message):
        _accelerator.sea_gram_loop(*loop_inputs(**changes))


@compiled_only
def test_compiled_loop_refuses_a_bad_fallback_solve():
    # A singular block (a repeated column) sends the solve to the fallback.
    A, y, _ = make_compressed_sensing(30, 40, 5, random_state=0)
    A[:, 1] = A[:, 0]
    gram = A.T @ A
    args = loop_inputs(gram=gram, first_support=np.arange(5, dtype=np.intp))
    args[-1] = lambda support: np.zeros(2)
    with pytest.raises(ValueError, match="fallback_solve must return 5"):
        _accelerator.sea_gram_loop(*args)
    args[-1] = None
    with pytest.raises(TypeError, match="callable"):
        _accelerator.sea_gram_loop(*args)


@pytest.mark.parametrize("cls", k_sparse_classes(), ids=lambda c: c.__name__)
def test_k_zero_without_parameter_validation_is_an_error(cls):
    X, y, _ = make_compressed_sensing(30, 20, 3, random_state=0)
    estimator = make_estimator(cls)
    estimator.set_params(n_nonzero_coefs=0)
    with sklearn.config_context(skip_parameter_validation=True):
        with pytest.raises(ValueError, match="n_nonzero_coefs"):
            estimator.fit(X, y)


def test_ctrl_c_stops_a_long_fit():
    # A fit of 10**8 iterations takes hours: only the interrupt can end it
    # within the (generous) wait. The second is spent in the compiled loop
    # where it is built, in the Python loop otherwise.
    code = textwrap.dedent(
        """
        import signal
        from sklearn_sea import SEARegressor
        from sklearn_sea.datasets import make_compressed_sensing
        # Python's own Ctrl-C handler, whatever the test runner passed on: a
        # runner started in the background inherits SIGINT as ignored.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        X, y, _ = make_compressed_sensing(100, 200, 20, noise=0.05, random_state=0)
        try:
            print("started", flush=True)
            SEARegressor(20, max_iter=10**8, tol=0).fit(X, y)
            print("finished", flush=True)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "started"
        time.sleep(1.0)
        child.send_signal(signal.SIGINT)
        out, _ = child.communicate(timeout=120)
    finally:
        child.kill()
    assert out.strip() == "interrupted"


# --- Parallel columns --------------------------------------------------------


def planted(seed, n_samples=50, n_features=10, k=6):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    coef = np.zeros(n_features)
    coef[rng.choice(n_features, k, replace=False)] = rng.uniform(1, 2, k)
    return X, X @ coef + 0.01 * rng.standard_normal(n_samples), rng


@pytest.mark.parametrize("name", THRESHOLDING + ["IHTRegressor", "OMPRegressor"])
@pytest.mark.parametrize("copies", [2, 5])
def test_copies_of_every_column_fit_as_the_original(name, copies):
    cls = getattr(sklearn_sea, name)
    for seed in range(3):
        X, y, _ = planted(seed)
        original = make_estimator(cls, k=6, max_iter=100).fit(X, y)
        copied = make_estimator(cls, k=6, max_iter=100).fit(np.hstack([X] * copies), y)
        coef = copied.coef_.reshape(copies, -1)
        # Every coefficient on the first copy (the lowest index), none after.
        assert not np.any(coef[1:])
        np.testing.assert_allclose(coef[0], original.coef_, rtol=1e-9, atol=1e-12)
        assert copied.score(np.hstack([X] * copies), y) == pytest.approx(
            original.score(X, y), rel=1e-12
        )


@pytest.mark.parametrize("name", THRESHOLDING)
def test_numerically_identical_and_negated_copies_take_one_slot(name):
    cls = getattr(sklearn_sea, name)
    X, y, rng = planted(0)
    copies = [X, -X * 3.0, X + 1e-12 * rng.standard_normal(X.shape)]
    fitted = make_estimator(cls, k=6, max_iter=100).fit(np.hstack(copies), y)
    features = np.flatnonzero(fitted.coef_) % X.shape[1]
    assert np.unique(features).shape[0] == np.count_nonzero(fitted.coef_) == 6
    assert fitted.score(np.hstack(copies), y) > 0.999


def test_parallel_columns_in_sparse_input_and_warm_starts():
    X, y, _ = planted(1)
    doubled = np.hstack([X, 2 * X])
    dense = sklearn_sea.SEARegressor(6, max_iter=50).fit(doubled, y)
    sparse = sklearn_sea.SEARegressor(6, max_iter=50).fit(sp.csr_matrix(doubled), y)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-9, atol=1e-12)
    # A warm start spread over both copies predicts what its sum on the
    # first copy predicts: SEA starts from that.
    init = np.concatenate([dense.coef_[:10] / 2, dense.coef_[:10] / 4])
    warm = sklearn_sea.SEARegressor(6, init=init, max_iter=1).fit(doubled, y)
    np.testing.assert_allclose(warm.coef_, dense.coef_, rtol=1e-9, atol=1e-12)


def test_folding_is_exact_and_distinct_columns_are_kept():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 6))
    # Nearly parallel, but 1e-6 apart: two features.
    X = np.hstack([X, X[:, :1] + 1e-6 * rng.standard_normal((20, 1)), -X[:, 2:3]])
    X = np.hstack([X, np.zeros((20, 2))])  # zero columns are no feature
    prepared = prepare_least_squares(
        X, rng.standard_normal((20, 1)), np.ones(20), True, "auto"
    )
    folding = prepared.folding
    np.testing.assert_array_equal(folding.representatives, [0, 1, 2, 3, 4, 5, 6, 8, 9])
    assert folding.position[7] == 2 and folding.sign[7] == -1
    coef = rng.standard_normal((2, 9))
    assert np.allclose(folding.fold(folding.expand(coef)), coef)


# --- Extreme scales ----------------------------------------------------------


@pytest.mark.parametrize("cls", k_sparse_classes(), ids=lambda c: c.__name__)
@pytest.mark.parametrize("x_scale, y_scale", [(1e-160, 1e150), (1e-310, 1.0)])
def test_unrepresentable_coefficients_are_a_named_error(cls, x_scale, y_scale):
    X, y, _ = make_compressed_sensing(60, 30, 3, noise=0.01, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="overflow.*X or y"):
            make_estimator(cls).fit(X * x_scale, y * y_scale)


@pytest.mark.parametrize("cls", k_sparse_classes(), ids=lambda c: c.__name__)
@pytest.mark.parametrize("y_scale", [1e-300, 1e-200, 1e160, 1e300])
def test_extreme_targets_give_the_scaled_fit(cls, y_scale):
    X, y, _ = make_compressed_sensing(60, 30, 3, noise=0.01, random_state=0)
    base = make_estimator(cls).fit(X, y)
    scaled = make_estimator(cls).fit(X, y * y_scale)
    np.testing.assert_array_equal(
        np.flatnonzero(scaled.coef_), np.flatnonzero(base.coef_)
    )
    np.testing.assert_allclose(
        scaled.coef_ / y_scale, base.coef_, rtol=1e-9, atol=1e-12
    )
    assert np.isfinite(scaled.predict(X)).all()


@pytest.mark.parametrize("y_scale", [1e-300, 1e-200, 1e-100, 1.0, 1e100, 1e160, 1e300])
def test_cv_choice_does_not_depend_on_the_scale_of_y(y_scale):
    X, y, _ = make_compressed_sensing(60, 30, 3, noise=0.01, random_state=0)
    base = SEARegressorCV(max_n_nonzero_coefs=6, max_iter=50).fit(X, y)
    assert base.n_nonzero_coefs_ == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        scaled = SEARegressorCV(max_n_nonzero_coefs=6, max_iter=50).fit(X, y * y_scale)
    assert scaled.n_nonzero_coefs_ == 3
    np.testing.assert_allclose(scaled.coef_ / y_scale, base.coef_, rtol=1e-9)


# --- LinearOperator designs --------------------------------------------------


@pytest.mark.parametrize(
    "matvec, rmatvec, message",
    [
        (lambda A: lambda v: (A @ v)[:-1], None, "X \\(a LinearOperator\\) failed"),
        (None, lambda A: lambda r: (A.T @ r)[:-1], "X \\(a LinearOperator\\) failed"),
        (lambda A: lambda v: A @ v * np.nan, None, "X .* NaN or infinity"),
        (None, lambda A: lambda r: A.T @ r * np.inf, "X .* NaN or infinity"),
        (lambda A: lambda v: (A @ v) * 1j, None, "X .* complex"),
    ],
)
def test_faulty_linear_operators_are_named(matvec, rmatvec, message):
    A = np.random.default_rng(0).standard_normal((40, 60))
    op = LinearOperator(
        (40, 60),
        matvec=matvec(A) if matvec else (lambda v: A @ v),
        rmatvec=rmatvec(A) if rmatvec else (lambda r: A.T @ r),
        dtype=float,
    )
    with pytest.raises(ValueError, match=message) as info:
        sea(op, A[:, :3].sum(axis=1), n_nonzero_coefs=3, max_iter=5)
    assert "\n" not in str(info.value)


def test_complex_linear_operator_is_refused():
    A = np.random.default_rng(0).standard_normal((40, 60))
    op = LinearOperator((40, 60), matvec=lambda v: A @ v, dtype=complex)
    with pytest.raises(ValueError, match="X .* complex dtype"):
        sea(op, A[:, 0], n_nonzero_coefs=3)


# --- Reporting ---------------------------------------------------------------


def test_show_versions_says_which_loop_runs(capsys, monkeypatch):
    sklearn_sea.show_versions()
    out = capsys.readouterr().out
    for name in ("sklearn-sea", "numpy", "scipy", "scikit-learn", "compiled loop"):
        assert name in out
    expected = "compiled" if _accelerator.USE_COMPILED else "pure Python"
    assert f"SEA loop: {expected}" in out
    monkeypatch.setattr(_accelerator, "USE_COMPILED", False)
    sklearn_sea.show_versions()
    assert "SEA loop: pure Python" in capsys.readouterr().out

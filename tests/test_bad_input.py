"""Bad-input matrix: every public entry point against every kind of messy input.

The estimators, the functions :func:`~sklearn_sea.sea` and
:func:`~sklearn_sea.sea_batch`, the four generators of
:mod:`sklearn_sea.datasets` and the functions of :mod:`sklearn_sea.metrics`.
Each case either raises a ``ValueError`` (or ``TypeError`` for object
arrays) whose message names the faulty argument, or gives a finite result.
The table in the documentation (``doc/bad_input.rst``) lists the same cases.
"""

import inspect
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import has_fit_parameter

import sklearn_sea
from sklearn_sea import BinaryHeavisideRegressor, OMPRegressor, sea, sea_batch
from sklearn_sea.datasets import (
    gaussian_convolution_matrix,
    make_binary_teacher,
    make_compressed_sensing,
    make_spike_deconvolution,
)
from sklearn_sea.metrics import (
    exact_support_recovery,
    make_support_scorer,
    support_distance,
)

from _public_api import (
    fitted_output,
    k_sparse_classes,
    make_estimator,
    public_regressor_classes,
)

# These cases are written for a continuous target; the classifiers' bad
# input is tested in test_classifier.py and by scikit-learn's checks.
CLASSES = public_regressor_classes()
IDS = [c.__name__ for c in CLASSES]
KSPARSE = k_sparse_classes()


def _data(n_samples=24, n_features=8, seed=0):
    X, y, _ = make_compressed_sensing(
        n_samples, n_features, 2, noise=0.1, random_state=seed
    )
    return X, y


def _with(X, index, value):
    X = np.array(X, dtype=float)
    X[index] = value
    return X


ERROR_CASES = {
    "nan_in_X": lambda X, y: (
        _with(X, (0, 0), np.nan),
        y,
        None,
        "Input X contains NaN",
    ),
    "inf_in_X": lambda X, y: (
        _with(X, (1, 2), np.inf),
        y,
        None,
        "Input X contains inf",
    ),
    "nan_in_y": lambda X, y: (X, _with(y, 3, np.nan), None, "Input y contains NaN"),
    "inf_in_y": lambda X, y: (X, _with(y, 3, -np.inf), None, "Input y contains inf"),
    "empty_X": lambda X, y: (X[:0], y[:0], None, "0 sample"),
    "no_feature": lambda X, y: (X[:, :0], y, None, "0 feature"),
    "strings_in_X": lambda X, y: (
        np.full(X.shape, "a", dtype=object),
        y,
        None,
        r"\bX\b",
    ),
    "strings_in_y": lambda X, y: (X, np.array(["a"] * len(y)), None, r"\by\b"),
    "complex_X": lambda X, y: (X + 1j, y, None, r"Invalid X: Complex"),
    "complex_y": lambda X, y: (X, y + 1j, None, r"\by\b"),
    "length_mismatch": lambda X, y: (
        X,
        y[:-1],
        None,
        "inconsistent numbers of samples",
    ),
    "y_is_none": lambda X, y: (X, None, None, "requires y"),
    "y_3d": lambda X, y: (X, y[:, None, None], None, r"\by\b|dim 3"),
}

WEIGHT_CASES = {
    "negative_weight": lambda n: _with(np.ones(n), 0, -1.0),
    "all_zero_weight": lambda n: np.zeros(n),
    "wrong_length_weight": lambda n: np.ones(n + 1),
    "nan_weight": lambda n: _with(np.ones(n), 0, np.nan),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_bad_data_raises_a_named_error(cls, case):
    X, y = _data()
    X_bad, y_bad, weight, match = ERROR_CASES[case](X, y)
    with pytest.raises((ValueError, TypeError), match=match):
        make_estimator(cls).fit(X_bad, y_bad)


@pytest.mark.parametrize("case", sorted(WEIGHT_CASES))
@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_bad_sample_weight_raises_a_named_error(cls, case):
    estimator = make_estimator(cls)
    if not has_fit_parameter(estimator, "sample_weight"):
        pytest.fail(f"{cls.__name__}.fit does not take sample_weight")
    X, y = _data()
    with pytest.raises(ValueError, match="sample_weight|sample weight|Sample weight"):
        estimator.fit(X, y, sample_weight=WEIGHT_CASES[case](len(y)))


def _assert_finite_fit(estimator, X, y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # clip and convergence warnings are fine here
        estimator.fit(X, y, **fit_params)
    output = fitted_output(estimator, X)
    assert np.all(np.isfinite(output.toarray() if sp.issparse(output) else output))
    if hasattr(estimator, "coef_"):
        coef = estimator.coef_
        assert np.all(np.isfinite(coef))
        k = getattr(estimator, "n_nonzero_coefs_", None)
        if k is not None:
            assert np.all(np.count_nonzero(np.atleast_2d(coef), axis=1) <= k)
    return estimator


def _constant_features(X, y):
    X = X.copy()
    X[:, [1, 4]] = 7.0
    return X, y


def _duplicated_columns(X, y):
    return np.hstack([X, X[:, :3]]), y


def _read_only(X, y):
    X, y = X.copy(), y.copy()
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


FINITE_CASES = {
    "one_sample": lambda X, y: (X[:1], y[:1]),
    "two_samples": lambda X, y: (X[:2], y[:2]),
    "one_feature": lambda X, y: (X[:, :1], y),
    "constant_features": _constant_features,
    "all_constant_X": lambda X, y: (np.ones_like(X), y),
    "duplicated_columns": _duplicated_columns,
    "all_zero_y": lambda X, y: (X, np.zeros_like(y)),
    "constant_y": lambda X, y: (X, np.full_like(y, -4.0)),
    "read_only": _read_only,
    "fortran_order": lambda X, y: (np.asfortranarray(X), y),
    "strided": lambda X, y: (np.repeat(X, 2, axis=1)[:, ::2], y[::1]),
    "huge_scale": lambda X, y: (X * 1e150, y * 1e150),
    "tiny_scale": lambda X, y: (X * 1e-150, y * 1e-150),
    "huge_X_tiny_y": lambda X, y: (X * 1e150, y * 1e-150),
    "integer_y": lambda X, y: (X, np.round(10 * y).astype(np.int64)),
    "integer_X": lambda X, y: (np.round(10 * X).astype(np.int32), y),
    "float32": lambda X, y: (X.astype(np.float32), y.astype(np.float32)),
    "sparse_csr": lambda X, y: (sp.csr_matrix(X), y),
    "sparse_csc": lambda X, y: (sp.csc_matrix(X), y),
    "two_targets": lambda X, y: (X, np.column_stack([y, -y])),
}


@pytest.mark.parametrize("case", sorted(FINITE_CASES))
@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_degenerate_data_gives_finite_results(cls, case):
    X, y = _data()
    X_case, y_case = FINITE_CASES[case](X, y)
    estimator = make_estimator(cls, k=3)
    tags = estimator.__sklearn_tags__()
    if sp.issparse(X_case) and not tags.input_tags.sparse:
        with pytest.raises((TypeError, ValueError), match="[Ss]parse"):
            estimator.fit(X_case, y_case)
        return
    if np.ndim(y_case) == 2 and not tags.target_tags.multi_output:
        # A single-output model refuses several targets, naming y.
        with pytest.raises(ValueError, match=r"\by\b"):
            estimator.fit(X_case, y_case)
        return
    if "cv" in estimator.get_params() and X_case.shape[0] < 5:
        # Five folds need five samples: a clear error is the right answer.
        with pytest.raises(ValueError, match="n_splits"):
            estimator.fit(X_case, y_case)
        return
    _assert_finite_fit(estimator, X_case, y_case)


# The binary network's weights are all nonzero: its "support" is every
# feature, so it has its own scale test below (the sign pattern of coef_).
LINEAR_CLASSES = [c for c in CLASSES if c is not BinaryHeavisideRegressor]


@pytest.mark.parametrize(
    "cls", LINEAR_CLASSES, ids=[c.__name__ for c in LINEAR_CLASSES]
)
def test_scale_extremes_keep_the_support(cls):
    X, y = _data(seed=3)
    base = _assert_finite_fit(make_estimator(cls), X, y)
    assert 0 < np.count_nonzero(base.coef_) < X.shape[1]  # a real support
    for factor in (1e150, 1e-150):
        scaled = _assert_finite_fit(make_estimator(cls), X * factor, y * factor)
        np.testing.assert_array_equal(
            np.flatnonzero(scaled.coef_), np.flatnonzero(base.coef_)
        )


@pytest.mark.parametrize("exponent", [500, -500])  # 2**500 ~ 3e150
def test_scale_extremes_keep_the_binary_weights(exponent):
    # The Heaviside is scale invariant and the STE gradient is linear in X:
    # X * c with the step eta0 / c is the same training run, so the sign
    # pattern of coef_ (the whole binary model) must not change.
    X, y, _ = make_binary_teacher(60, 6, 2, noise=0.3, random_state=3)
    c = 2.0**exponent
    base = make_estimator(BinaryHeavisideRegressor, n_patches=2).fit(X, y)
    scaled = make_estimator(BinaryHeavisideRegressor, n_patches=2, eta0=1.0 / c)
    _assert_finite_fit(scaled, X * c, y)
    assert len(set(np.sign(base.coef_))) == 2  # both signs: not a trivial pattern
    np.testing.assert_array_equal(np.sign(scaled.coef_), np.sign(base.coef_))
    np.testing.assert_array_equal(scaled.coef_path_, base.coef_path_)


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_does_not_modify_inputs_and_refits_identically(cls):
    X, y = _data(seed=4)
    weight = np.linspace(0.5, 2.0, len(y))
    originals = (X.copy(), y.copy(), weight.copy())
    estimator = make_estimator(cls)
    fit_params = (
        {"sample_weight": weight}
        if has_fit_parameter(estimator, "sample_weight")
        else {}
    )
    first = fitted_output(_assert_finite_fit(estimator, X, y, **fit_params), X)
    second = fitted_output(_assert_finite_fit(clone(estimator), X, y, **fit_params), X)
    again = fitted_output(_assert_finite_fit(estimator, X, y, **fit_params), X)
    for before, after in zip(originals, (X, y, weight), strict=True):
        np.testing.assert_array_equal(before, after)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first, again)


def _k_parameter(cls):
    params = inspect.signature(cls).parameters
    for name in ("n_nonzero_coefs", "max_n_nonzero_coefs"):
        if name in params:
            return name
    return None


# Every class takes k under one of two names, or is listed as having none:
# a new class cannot silently drop out of the k tests.
WITHOUT_K = {BinaryHeavisideRegressor}
K_CASES = [
    pytest.param(cls, _k_parameter(cls), id=cls.__name__)
    for cls in CLASSES
    if cls not in WITHOUT_K
]


def test_every_estimator_has_a_k_parameter_or_is_listed_without():
    for cls in CLASSES:
        assert (_k_parameter(cls) is None) == (cls in WITHOUT_K), cls.__name__


@pytest.mark.parametrize("cls, k_param", K_CASES)
def test_k_above_n_features_is_clipped_with_a_warning(cls, k_param):
    estimator = make_estimator(cls).set_params(**{k_param: 50})
    X, y = _data(n_features=8)
    with pytest.warns(UserWarning, match=f"{k_param}=50 is larger than n_features=8"):
        estimator.fit(X, y)
    # The clipped value is what the fit used.
    assert getattr(estimator, f"{k_param}_") == 8
    assert np.count_nonzero(estimator.coef_) <= 8


@pytest.mark.parametrize("cls, k_param", K_CASES)
@pytest.mark.parametrize("bad_k", [0, -3, 2.5, "3"])
def test_bad_k_names_the_parameter(cls, k_param, bad_k):
    estimator = make_estimator(cls)
    X, y = _data()
    with pytest.raises(ValueError, match=f"'{k_param}' parameter"):
        estimator.set_params(**{k_param: bad_k}).fit(X, y)


@pytest.mark.parametrize("cls", KSPARSE, ids=[c.__name__ for c in KSPARSE])
def test_k_above_n_samples_fits_the_training_data(cls):
    # k = 6 > 4 samples (and < 8 features, so no clipping): every support
    # has more columns than the centred data has rank, and the minimum-norm
    # least-squares solution on it interpolates. IHT approaches it by
    # gradient steps and stops at its own tolerance.
    X, y = _data(n_features=8)
    X, y = X[:4], y[:4]
    estimator = make_estimator(cls, k=6, max_iter=300)
    _assert_finite_fit(estimator, X, y)
    assert np.count_nonzero(estimator.coef_) <= 6
    np.testing.assert_allclose(
        estimator.predict(X), y, rtol=0, atol=1e-5 * np.abs(y).max()
    )


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_predict_rejects_wrong_number_of_features(cls):
    X, y = _data()
    estimator = make_estimator(cls).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        fitted_output(estimator, X[:, :-1])


@pytest.mark.parametrize(
    "name",
    [
        "IHTRegressor",
        "HTPRegressor",
        "OMPRRegressor",
        "ELSRegressor",
        "CoSaMPRegressor",
        "SPRegressor",
    ],
)
def test_interrupted_runs_warn(name):
    X, y, _ = make_compressed_sensing(60, 200, 12, noise=0.3, random_state=1)
    estimator = getattr(sklearn_sea, name)(12, max_iter=1)
    with pytest.warns(ConvergenceWarning, match="max_iter=1"):
        estimator.fit(X, y)


@pytest.mark.parametrize("name", ["SEARegressor", "BinaryHeavisideRegressor"])
def test_runs_that_use_every_iteration_by_design_do_not_warn(name):
    if name == "SEARegressor":
        X, y, _ = make_compressed_sensing(60, 200, 12, noise=0.3, random_state=1)
    else:  # noisy labels the network can reach: no early stop, no warning
        X, y, _ = make_binary_teacher(60, 20, noise=0.3, random_state=1)
    estimator = make_estimator(getattr(sklearn_sea, name), k=12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        estimator.set_params(max_iter=5).fit(X, y)


# --- The functions sea and sea_batch ---------------------------------------


def _error_case(name, make, match):
    return pytest.param(make, match, id=name)


def _nan_at(a, index, value=np.nan):
    return _with(a, index, value)


SEA_ERROR_CASES = [
    _error_case(
        "nan_in_X", lambda X, y: (_nan_at(X, (0, 0)), y), "Input X contains NaN"
    ),
    _error_case(
        "inf_in_X",
        lambda X, y: (_nan_at(X, (1, 2), np.inf), y),
        "Input X contains inf",
    ),
    _error_case("nan_in_y", lambda X, y: (X, _nan_at(y, 3)), "Input y contains NaN"),
    _error_case(
        "inf_in_y", lambda X, y: (X, _nan_at(y, 3, -np.inf)), "Input y contains inf"
    ),
    _error_case(
        "empty_X",
        lambda X, y: (X[:0], y[:0]),
        r"\bX\b.*0 sample",
    ),
    _error_case(
        "no_feature",
        lambda X, y: (X[:, :0], y),
        r"\bX\b.*0 feature",
    ),
    _error_case(
        "strings_in_X",
        lambda X, y: (np.full(X.shape, "a", dtype=object), y),
        r"\bX\b",
    ),
    _error_case(
        "strings_in_y",
        lambda X, y: (X, np.array(["a"] * len(y))),
        r"\by\b",
    ),
    _error_case(
        "complex_X",
        lambda X, y: (X + 1j, y),
        r"\bX\b.*[Cc]omplex|[Cc]omplex.*\bX\b",
    ),
    _error_case(
        "complex_y",
        lambda X, y: (X, y + 1j),
        r"\by\b.*[Cc]omplex|[Cc]omplex.*\by\b",
    ),
    _error_case(
        "length_mismatch", lambda X, y: (X, y[:-1]), "y has 23 samples but X has 24"
    ),
    _error_case("y_is_none", lambda X, y: (X, None), "'y' parameter"),
    _error_case(
        "y_3d",
        lambda X, y: (X, y[:, None, None]),
        r"\by\b",
    ),
    _error_case(
        "X_1d",
        lambda X, y: (X[:, 0], y),
        r"\bX\b",
    ),
    _error_case("X_overflows", lambda X, y: (X * 1e160, y), "overflows"),
    _error_case("y_overflows", lambda X, y: (X, y * 1e160), "overflows"),
]


@pytest.mark.parametrize("make, match", SEA_ERROR_CASES)
def test_sea_bad_data_raises_a_named_error(make, match):
    X, y = make(*_data())
    with pytest.raises((ValueError, TypeError), match=match):
        sea(X, y, n_nonzero_coefs=2, max_iter=10)


def _batch(X, y):
    """Two problems sharing nothing: X of shape (2, 24, 8), y (2, 24)."""
    return np.stack([X, X[::-1]]), np.stack([y, y[::-1]])


BATCH_ERROR_CASES = [
    _error_case(
        "nan_in_X", lambda X, y: (_nan_at(X, (1, 0, 0)), y), "Input X contains NaN"
    ),
    _error_case(
        "inf_in_X",
        lambda X, y: (_nan_at(X, (0, 1, 2), np.inf), y),
        "Input X contains inf",
    ),
    _error_case(
        "nan_in_y", lambda X, y: (X, _nan_at(y, (1, 3))), "Input y contains NaN"
    ),
    _error_case(
        "inf_in_y",
        lambda X, y: (X, _nan_at(y, (0, 3), -np.inf)),
        "Input y contains inf",
    ),
    _error_case(
        "no_problem",
        lambda X, y: (X[:0], y[:0]),
        r"\b[Xy]\b.*0 sample",
    ),
    _error_case(
        "no_sample",
        lambda X, y: (X[:, :0], y[:, :0]),
        r"\b[Xy]\b.*0 sample",
    ),
    _error_case(
        "no_feature",
        lambda X, y: (X[:, :, :0], y),
        r"\bX\b",
    ),
    _error_case(
        "strings_in_X",
        lambda X, y: (np.full(X.shape, "a", dtype=object), y),
        r"\bX\b",
    ),
    _error_case(
        "strings_in_y",
        lambda X, y: (X, np.full(y.shape, "a")),
        r"\by\b",
    ),
    _error_case(
        "complex_X",
        lambda X, y: (X + 1j, y),
        r"\bX\b.*[Cc]omplex|[Cc]omplex.*\bX\b",
    ),
    _error_case(
        "complex_y",
        lambda X, y: (X, y + 1j),
        r"\by\b.*[Cc]omplex|[Cc]omplex.*\by\b",
    ),
    _error_case(
        "sample_mismatch", lambda X, y: (X, y[:, :-1]), r"X has shape .* and y"
    ),
    _error_case("problem_mismatch", lambda X, y: (X, y[:1]), r"X has shape .* and y"),
    _error_case("y_is_none", lambda X, y: (X, None), "'y' parameter"),
    _error_case(
        "y_1d",
        lambda X, y: (X, y[0]),
        r"\by\b",
    ),
    _error_case(
        "y_3d",
        lambda X, y: (X, y[:, :, None]),
        r"\by\b",
    ),
    _error_case("X_1d", lambda X, y: (X[0, :, 0], y), "X must have shape"),
    _error_case("X_4d", lambda X, y: (X[None], y), "X must have shape"),
    _error_case("sparse_X", lambda X, y: (sp.csr_matrix(X[0]), y), "'X' parameter"),
    _error_case(
        "X_overflows",
        lambda X, y: (X * 1e160, y),
        "overflow",
    ),
    _error_case(
        "y_overflows",
        lambda X, y: (X, y * 1e160),
        "overflow",
    ),
]


@pytest.mark.parametrize("make, match", BATCH_ERROR_CASES)
def test_sea_batch_bad_data_raises_a_named_error(make, match):
    X, y = make(*_batch(*_data()))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises((ValueError, TypeError), match=match):
            sea_batch(X, y, n_nonzero_coefs=2, max_iter=10)


@pytest.mark.parametrize(
    "tol, match",
    [
        (-1.0, "'tol' parameter"),
        (np.nan, "'tol' parameter"),
        ("a", "'tol' parameter"),
        ([0.1], r"tol must be .* shape \(2,\)"),
        ([0.1, -1.0], r"tol must be a non-negative"),
        ([0.1, np.nan], r"tol must be a non-negative"),
    ],
)
def test_sea_batch_bad_tol_names_the_parameter(tol, match):
    X, y = _batch(*_data())
    with pytest.raises(ValueError, match=match):
        sea_batch(X, y, n_nonzero_coefs=2, max_iter=10, tol=tol)


@pytest.mark.parametrize(
    "coef_init, match",
    [
        (np.r_[np.nan, np.ones(7)], "Input coef_init contains NaN"),
        (np.r_[np.inf, np.ones(7)], "Input coef_init contains inf"),
        (np.ones(5), r"coef_init has shape \(5,\)"),
        pytest.param(np.ones(8) + 1j, r"\bcoef_init\b.*[Cc]omplex", id="complex"),
        pytest.param(["a"] * 8, r"\bcoef_init\b", id="strings"),
    ],
)
def test_sea_bad_coef_init_names_the_parameter(coef_init, match):
    X, y = _data()
    with pytest.raises(ValueError, match=match):
        sea(X, y, n_nonzero_coefs=2, max_iter=10, coef_init=coef_init)


FUNCTIONS = {
    "sea": lambda X, y, **kw: sea(X, y, **kw),
    "sea_batch": lambda X, y, **kw: sea_batch(*_batch(X, y), **kw),
}


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
@pytest.mark.parametrize("bad_k", [0, -3, 2.5, "3", None])
def test_functions_bad_k_names_the_parameter(function, bad_k):
    with pytest.raises(ValueError, match="'n_nonzero_coefs' parameter"):
        FUNCTIONS[function](*_data(), n_nonzero_coefs=bad_k, max_iter=10)


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_functions_clip_k_above_n_features(function):
    # Documented in both docstrings: k is clipped to n_features (the bare
    # functions do not warn; the estimators do).
    X, y = _data(n_features=8)
    above = FUNCTIONS[function](X, y, n_nonzero_coefs=50, max_iter=10)
    at = FUNCTIONS[function](X, y, n_nonzero_coefs=8, max_iter=10)
    np.testing.assert_array_equal(above, at)
    assert np.all(np.isfinite(above))


# sea is the bare algorithm: no intercept and no column normalisation, so the
# estimators' "constant feature gets a zero coefficient" does not apply, and
# values beyond 1e154 overflow X.T @ X (an error above). The rest holds.
SEA_FINITE_CASES = sorted(set(FINITE_CASES))
BATCH_FINITE_CASES = sorted(
    set(FINITE_CASES) - {"sparse_csr", "sparse_csc", "two_targets"}
)


def _assert_finite_k_sparse(coef, k, axis):
    assert np.all(np.isfinite(coef))
    assert np.all(np.count_nonzero(coef, axis=axis) <= k)


@pytest.mark.parametrize("case", SEA_FINITE_CASES)
def test_sea_degenerate_data_gives_finite_results(case):
    X, y = FINITE_CASES[case](*_data())
    originals = [a.copy() for a in (X, y)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        coef = sea(X, y, n_nonzero_coefs=3, max_iter=20)
    _assert_finite_k_sparse(coef, 3, axis=0)
    assert coef.shape == (X.shape[1],) + np.shape(y)[1:]
    again = sea(X, y, n_nonzero_coefs=3, max_iter=20)
    np.testing.assert_array_equal(coef, again)
    for before, after in zip(originals, (X, y), strict=True):
        if sp.issparse(before):
            before, after = before.toarray(), after.toarray()
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("case", BATCH_FINITE_CASES)
def test_sea_batch_degenerate_data_gives_finite_results(case):
    X, y = _batch(*FINITE_CASES[case](*_data()))
    originals = (X.copy(), y.copy())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        coef = sea_batch(X, y, n_nonzero_coefs=3, max_iter=20)
    _assert_finite_k_sparse(coef, 3, axis=1)
    assert coef.shape == (2, X.shape[2])
    # Each problem of the batch is sea's on that problem.
    for b in range(2):
        X_b, y_b = X[b].astype(np.float64), y[b].astype(np.float64)
        single = sea(X_b, y_b, n_nonzero_coefs=3, max_iter=20)
        if case == "duplicated_columns":
            # Identical columns tie exactly in exact arithmetic; which copy
            # rounding favours may differ between the batched and the single
            # computation, and either gives the same fit.
            np.testing.assert_allclose(
                np.linalg.norm(X_b @ coef[b] - y_b),
                np.linalg.norm(X_b @ single - y_b),
                rtol=1e-10,
            )
        else:
            np.testing.assert_array_equal(
                np.flatnonzero(coef[b]), np.flatnonzero(single)
            )
    for before, after in zip(originals, (X, y), strict=True):
        np.testing.assert_array_equal(before, after)


# --- The generators ----------------------------------------------------------

COUNTS = [0, -1, 2.5, "3", None, np.nan]
SPARSITIES = [-1, 2.5, "3", None, np.nan]  # k = 0 is a valid, empty support
NON_NEGATIVE_REALS = [-1.0, np.nan, np.inf, "a", None, 1j]
POSITIVE_REALS = [0.0, *NON_NEGATIVE_REALS]

CS = dict(n_samples=10, n_features=12, n_nonzero_coefs=3)
DECONV = dict(n_features=12, n_nonzero_coefs=3)
TEACHER = dict(n_samples=10, patch_size=4, n_patches=2)
CONV = dict(n_features=6, width=1.0)


def _parameter_cases(function, base, values_by_parameter):
    for parameter, values in values_by_parameter.items():
        for value in values:
            yield pytest.param(
                function,
                {**base, parameter: value},
                f"'{parameter}' parameter",
                id=f"{function.__name__}-{parameter}={value!r}",
            )


def _case(function, kwargs, match, name):
    return pytest.param(function, kwargs, match, id=f"{function.__name__}-{name}")


GENERATOR_ERROR_CASES = [
    *_parameter_cases(
        make_compressed_sensing,
        CS,
        {
            "n_samples": COUNTS,
            "n_features": COUNTS,
            "n_nonzero_coefs": SPARSITIES,
            "noise": NON_NEGATIVE_REALS,
            "random_state": ["a", -1, 1.5],
        },
    ),
    _case(
        make_compressed_sensing,
        {**CS, "n_nonzero_coefs": 13},
        "n_nonzero_coefs=13 must be at most n_features=12",
        "k_above_n_features",
    ),
    *_parameter_cases(
        make_spike_deconvolution,
        DECONV,
        {
            "n_features": COUNTS,
            "n_nonzero_coefs": SPARSITIES,
            "width": POSITIVE_REALS,
            "noise": NON_NEGATIVE_REALS,
            "random_state": ["a"],
        },
    ),
    _case(
        make_spike_deconvolution,
        {**DECONV, "n_nonzero_coefs": 13},
        "n_nonzero_coefs=13 must be at most n_features=12",
        "k_above_n_features",
    ),
    *_parameter_cases(
        make_binary_teacher,
        TEACHER,
        {
            "n_samples": COUNTS,
            "patch_size": COUNTS,
            "n_patches": COUNTS,
            "distribution": ["cauchy", None, 1.0],
            "df": POSITIVE_REALS,
            "normalize": ["yes", None],
            "noise": NON_NEGATIVE_REALS,
            "second_layer": ["ab", 1.0],
            "random_state": ["a"],
        },
    ),
    _case(
        make_binary_teacher,
        {**TEACHER, "second_layer": [1.0, np.nan]},
        "Input second_layer contains NaN",
        "second_layer_nan",
    ),
    _case(
        make_binary_teacher,
        {**TEACHER, "second_layer": [1.0, np.inf]},
        "Input second_layer contains inf",
        "second_layer_inf",
    ),
    _case(
        make_binary_teacher,
        {**TEACHER, "second_layer": [1j, 1.0]},
        "Invalid second_layer: complex",
        "second_layer_complex",
    ),
    _case(
        make_binary_teacher,
        {**TEACHER, "second_layer": ["a", "b"]},
        "Invalid second_layer: could not convert",
        "second_layer_strings",
    ),
    _case(
        make_binary_teacher,
        {**TEACHER, "second_layer": []},
        "second_layer is empty",
        "second_layer_empty",
    ),
    _case(
        make_binary_teacher,
        {**TEACHER, "second_layer": [1.0, 2.0, 3.0]},
        r"second_layer must have shape \(n_patches,\) = \(2,\); got \(3,\)",
        "second_layer_length",
    ),
    _case(
        make_binary_teacher,
        {**TEACHER, "second_layer": [[1.0, 2.0]]},
        r"second_layer must have shape .* got \(1, 2\)",
        "second_layer_2d",
    ),
    *_parameter_cases(
        gaussian_convolution_matrix,
        CONV,
        {"n_features": COUNTS, "width": POSITIVE_REALS},
    ),
]


@pytest.mark.parametrize("function, kwargs, match", GENERATOR_ERROR_CASES)
def test_generators_bad_parameters_raise_a_named_error(function, kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match) as info:
        function(**kwargs)
    assert "\n" not in str(info.value)  # one line, never an array


GENERATOR_FINITE_CASES = [
    _case(make_compressed_sensing, {**CS, "n_nonzero_coefs": 0}, None, "k_zero"),
    _case(make_compressed_sensing, {**CS, "n_samples": 1}, None, "one_sample"),
    _case(
        make_compressed_sensing,
        {**CS, "n_features": 1, "n_nonzero_coefs": 1},
        None,
        "one_feature",
    ),
    _case(make_compressed_sensing, {**CS, "noise": 1e300}, None, "huge_noise"),
    _case(make_spike_deconvolution, {**DECONV, "n_nonzero_coefs": 0}, None, "k_zero"),
    _case(
        make_spike_deconvolution,
        {**DECONV, "n_features": 1, "n_nonzero_coefs": 1},
        None,
        "one_feature",
    ),
    _case(make_spike_deconvolution, {**DECONV, "width": 1e-200}, None, "tiny_width"),
    _case(make_spike_deconvolution, {**DECONV, "width": 1e200}, None, "huge_width"),
    _case(make_binary_teacher, {**TEACHER, "n_samples": 1}, None, "one_sample"),
    _case(
        make_binary_teacher,
        {**TEACHER, "patch_size": 1, "n_patches": 1},
        None,
        "one_input",
    ),
    _case(
        make_binary_teacher,
        {**TEACHER, "distribution": "student_t", "df": 0.5},
        None,
        "infinite_variance",
    ),
    _case(
        make_binary_teacher,
        {**TEACHER, "distribution": "bernoulli", "normalize": True},
        None,
        "normalized_signs",
    ),
    _case(make_binary_teacher, {**TEACHER, "second_layer": [0.0, 0.0]}, None, "zero_v"),
    _case(make_binary_teacher, {**TEACHER, "noise": 1e300}, None, "huge_noise"),
    _case(gaussian_convolution_matrix, {**CONV, "n_features": 1}, None, "one"),
    _case(gaussian_convolution_matrix, {**CONV, "width": 1e-200}, None, "tiny_width"),
    _case(gaussian_convolution_matrix, {**CONV, "width": 1e200}, None, "huge_width"),
]


@pytest.mark.parametrize("function, kwargs, _", GENERATOR_FINITE_CASES)
def test_generators_degenerate_parameters_give_finite_results(function, kwargs, _):
    if "random_state" in inspect.signature(function).parameters:
        kwargs = {**kwargs, "random_state": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = function(**kwargs)
    arrays = result if isinstance(result, tuple) else (result,)
    for array in arrays:
        assert np.all(np.isfinite(array))
    if function is gaussian_convolution_matrix:
        np.testing.assert_allclose(np.linalg.norm(result, axis=0), 1.0)
        return
    X, y, coef = result
    assert X.shape[0] == y.shape[0]
    if function is make_binary_teacher:
        n_features = kwargs["n_patches"] * kwargs["patch_size"]
        assert X.shape == (kwargs["n_samples"], n_features)
        assert coef.shape == (kwargs["patch_size"],)
    else:
        assert np.count_nonzero(coef) == kwargs["n_nonzero_coefs"]
        np.testing.assert_allclose(np.linalg.norm(X, axis=0), 1.0)


# --- The metrics -------------------------------------------------------------

METRICS = {
    "support_distance": support_distance,
    "exact_support_recovery": exact_support_recovery,
    # The scorer reads coef_pred from an estimator fitted on four features.
    "make_support_scorer": lambda true, pred: make_support_scorer(true)(
        OMPRegressor(1).fit(np.eye(4), np.arange(4.0)), None, None
    ),
}

GOOD = [0.0, 1.5, 0.0, -2.0]
METRIC_ERROR_CASES = {
    "nan_true": ([np.nan, 1.0, 0.0, 0.0], GOOD, "Input coef_true contains NaN"),
    "inf_true": ([np.inf, 1.0, 0.0, 0.0], GOOD, "Input coef_true contains inf"),
    "nan_pred": (GOOD, [np.nan, 1.0, 0.0, 0.0], "Input coef_pred contains NaN"),
    "inf_pred": (GOOD, [0.0, -np.inf, 0.0, 0.0], "Input coef_pred contains inf"),
    "none_entry_true": ([None, 1.0, 0.0, 0.0], GOOD, "Input coef_true contains NaN"),
    "empty": ([], [], "coef_true is empty"),
    "empty_pred": (GOOD, [], "coef_pred is empty"),
    "2d_true": ([GOOD], GOOD, r"coef_true must be a 1-D array; got shape \(1, 4\)"),
    "2d_pred": (GOOD, [GOOD], r"coef_pred must be a 1-D array; got shape \(1, 4\)"),
    "strings_true": (["a"] * 4, GOOD, "Invalid coef_true: could not convert"),
    "strings_pred": (GOOD, ["a"] * 4, "Invalid coef_pred: could not convert"),
    "objects_true": ([object()] * 4, GOOD, r"Invalid coef_true: .*object"),
    "complex_true": (np.array(GOOD) + 1j, GOOD, "Invalid coef_true: complex"),
    "complex_pred": (GOOD, np.array(GOOD) + 1j, "Invalid coef_pred: complex"),
    "length_mismatch": (GOOD, GOOD[:3], r"must have the same length; got \d and \d"),
    "scalar_true": (1.0, GOOD, "'coef_true' parameter"),
    "none_true": (None, GOOD, "'coef_true' parameter"),
}
# The scorer takes coef_pred from a fitted estimator: only the coef_true
# cases (and a length mismatch with the estimator) apply to it.
SCORER_CASES = {
    name
    for name, (_, pred, _) in METRIC_ERROR_CASES.items()
    if pred is GOOD or name == "length_mismatch"
}


@pytest.mark.parametrize(
    "metric, case",
    [
        (metric, case)
        for metric in sorted(METRICS)
        for case in sorted(METRIC_ERROR_CASES)
        if metric != "make_support_scorer" or case in SCORER_CASES
    ],
)
def test_metrics_bad_input_raises_a_named_error(metric, case):
    true, pred, match = METRIC_ERROR_CASES[case]
    if metric == "make_support_scorer" and case == "length_mismatch":
        true, pred = GOOD[:3], GOOD  # the estimator has 4 features
    with pytest.raises((ValueError, TypeError), match=match) as info:
        METRICS[metric](true, pred)
    assert "\n" not in str(info.value)  # one line, never the array


METRIC_FINITE_CASES = {
    # name: (coef_true, coef_pred, support_distance)
    "all_zero_true": ([0.0] * 4, [1.0, 2.0, 3.0, 4.0], 0),
    "all_zero_pred": (GOOD, [0.0] * 4, 2),
    "sparser_pred": (GOOD, [0.0, 3.0, 0.0, 0.0], 1),
    "one_feature": ([2.0], [-1.0], 0),
    "booleans": ([False, True, False, True], [True, True, False, False], 1),
    "integers": ([0, 3, 0, -2], [0, 1, 0, 5], 0),
    "float32": (np.float32(GOOD), np.float32([0.0, 1.0, 0.1, -2.0]), 0),
    "huge_and_tiny": (np.array(GOOD) * 1e300, np.array(GOOD) * 1e-300, 0),
    "read_only": (_read_only(np.array(GOOD), np.array(GOOD))[0], GOOD, 0),
    "strided": (np.repeat(GOOD, 2)[::2], GOOD, 0),
}


@pytest.mark.parametrize("case", sorted(METRIC_FINITE_CASES))
def test_metrics_degenerate_input_gives_documented_results(case):
    true, pred, distance = METRIC_FINITE_CASES[case]
    originals = [np.array(a, copy=True) for a in (true, pred)]
    assert support_distance(true, pred) == distance
    assert exact_support_recovery(true, pred) is (distance == 0)
    for before, after in zip(originals, (true, pred), strict=True):
        np.testing.assert_array_equal(before, np.asarray(after))

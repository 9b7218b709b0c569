"""Bad-input matrix: every public estimator against every kind of messy input.

Each case either raises a ``ValueError`` (or ``TypeError`` for object
arrays) whose message names the faulty argument, or gives a finite result.
The table in the documentation (``doc/bad_input.rst``) lists the same cases.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import has_fit_parameter

import sklearn_sea
from sklearn_sea.datasets import make_compressed_sensing

from _public_api import fitted_output, make_estimator, public_estimator_classes

CLASSES = public_estimator_classes()
IDS = [c.__name__ for c in CLASSES]


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
    "k_above_n_samples": lambda X, y: (X[:2], y[:2]),
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


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_scale_extremes_keep_the_support(cls):
    X, y = _data(seed=3)
    base = _assert_finite_fit(make_estimator(cls), X, y)
    if not hasattr(base, "coef_"):
        return
    for factor in (1e150, 1e-150):
        scaled = _assert_finite_fit(make_estimator(cls), X * factor, y * factor)
        np.testing.assert_array_equal(
            np.flatnonzero(scaled.coef_), np.flatnonzero(base.coef_)
        )


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


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_k_above_n_features_is_clipped_with_a_warning(cls):
    estimator = make_estimator(cls, k=50)
    if "n_nonzero_coefs" not in estimator.get_params():
        return
    X, y = _data(n_features=8)
    with pytest.warns(
        UserWarning, match="n_nonzero_coefs=50 is larger than n_features=8"
    ):
        estimator.fit(X, y)


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
@pytest.mark.parametrize("bad_k", [0, -3, 2.5, "3"])
def test_bad_k_names_the_parameter(cls, bad_k):
    estimator = make_estimator(cls)
    if "n_nonzero_coefs" not in estimator.get_params():
        return
    X, y = _data()
    with pytest.raises(ValueError, match="n_nonzero_coefs"):
        estimator.set_params(n_nonzero_coefs=bad_k).fit(X, y)


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
    X, y, _ = make_compressed_sensing(60, 200, 12, noise=0.3, random_state=1)
    estimator = make_estimator(getattr(sklearn_sea, name), k=12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        estimator.set_params(max_iter=5).fit(X, y)

"""A float32 dense design in operator mode is never copied whole to float64."""

import tracemalloc

import numpy as np
import pytest

from sklearn_sea import SEARegressor
from sklearn_sea._core import _float32_rows, prepare_least_squares
from sklearn_sea._core._float32_rows import Float32Rows
from sklearn_sea.datasets import make_compressed_sensing


def float32_design(seed, n_samples=80, n_features=150):
    X, y, coef = make_compressed_sensing(
        n_samples, n_features, 8, noise=0.01, random_state=seed
    )
    return (3 * X + 5).astype(np.float32), y, coef


@pytest.mark.parametrize("weighted", [False, True])
def test_blocks_are_the_float64_copy_bit_for_bit(monkeypatch, weighted):
    monkeypatch.setattr(_float32_rows, "CHUNK_BYTES", 8 * 150 * 7)  # 7-row blocks
    X, _, _ = float32_design(0)
    rng = np.random.default_rng(0)
    sqrt_weight = np.sqrt(rng.uniform(0.5, 2, X.shape[0])) if weighted else None
    offset = X.astype(np.float64).mean(axis=0)
    A = X.astype(np.float64) - offset
    if weighted:
        A *= sqrt_weight[:, None]
    rows = Float32Rows(X, offset, sqrt_weight)
    np.testing.assert_allclose(rows.column_norms(), np.linalg.norm(A, axis=0))
    scale = rows.column_norms()
    A /= scale
    rows.scale = scale
    support = np.array([3, 17, 40, 41, 149])
    np.testing.assert_array_equal(rows.columns(support), A[:, support])
    r, v = rng.standard_normal(X.shape[0]), rng.standard_normal(X.shape[1])
    np.testing.assert_allclose(rows.rmatvec(r), A.T @ r, atol=1e-12)
    np.testing.assert_allclose(rows.matvec(v), A @ v, atol=1e-12)
    np.testing.assert_allclose(rows.gram_rows(support), A[:, support].T @ A, atol=1e-12)
    rows.kept = np.array([0, 2, 5, 9])
    np.testing.assert_array_equal(rows.columns(np.array([1, 3])), A[:, [2, 9]])
    np.testing.assert_allclose(rows.rmatvec(r), A[:, rows.kept].T @ r, atol=1e-12)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_float32_operator_mode_fits_as_float64(fit_intercept):
    X, y, coef = float32_design(1)
    X[:, 7] = 2 * X[:, 3]  # parallel columns are folded as for float64
    weight = np.random.default_rng(1).uniform(0.5, 2, X.shape[0])
    params = dict(precompute=False, fit_intercept=fit_intercept, tol=0, max_iter=300)
    single = SEARegressor(8, **params).fit(X, y, sample_weight=weight)
    double = SEARegressor(8, **params).fit(
        X.astype(np.float64), y, sample_weight=weight
    )
    assert single.coef_.dtype == np.float32
    np.testing.assert_array_equal(
        np.flatnonzero(single.coef_), np.flatnonzero(double.coef_)
    )
    np.testing.assert_allclose(single.coef_, double.coef_, rtol=1e-6, atol=1e-7)
    assert single.n_supports_explored_ == double.n_supports_explored_


def test_no_float64_copy_of_a_float32_design(monkeypatch):
    monkeypatch.setattr(_float32_rows, "CHUNK_BYTES", 2**18)
    X, y, _ = float32_design(2, n_samples=400, n_features=3000)
    weight = np.ones(X.shape[0])
    tracemalloc.start()
    prepared = prepare_least_squares(X, y[:, None], weight, True, precompute=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # A float64 copy alone would be twice the bytes of X.
    assert peak < X.nbytes
    assert prepared.design.n_features == X.shape[1]

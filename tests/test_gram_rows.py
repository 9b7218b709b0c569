"""Operator mode keeps the Gram rows of visited indices, within a budget."""

import numpy as np
import pytest

from sklearn_sea import _sea as sea_module
from sklearn_sea._core import (
    GramDesign,
    OperatorDesign,
    SupportLeastSquares,
    _design,
    _gram_columns,
)
from sklearn_sea._core._gram_columns import GramRows
from sklearn_sea.datasets import make_compressed_sensing


def run(design, A, y, k, max_iter=300):
    problem = SupportLeastSquares(design, A.T @ y, y @ y)
    return sea_module._sea(problem, k, max_iter=max_iter, step_size=1.0)


def test_rows_are_those_of_the_gram_matrix():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((30, 50))
    store = GramRows(A)
    for _ in range(20):
        support = np.sort(rng.choice(50, 6, replace=False))
        np.testing.assert_allclose(store.rows(support), (A.T @ A)[support], atol=1e-12)
    # Each index costs one product, however often it is revisited.
    assert store.n_products == store.n_kept <= 50


def test_eviction_past_the_budget_keeps_the_rows_right():
    rng = np.random.default_rng(1)
    A = rng.standard_normal((20, 40))
    store = GramRows(A, budget=8 * 40 * 8)  # room for 8 rows
    assert store.capacity == 8
    for _ in range(30):
        support = np.sort(rng.choice(40, 5, replace=False))
        np.testing.assert_allclose(store.rows(support), (A.T @ A)[support], atol=1e-12)
        assert store._store.shape[0] <= 8 and store.n_kept <= 8
    assert store.n_products > 40  # evicted rows were computed again
    assert store.rows(np.arange(9)) is None  # a support beyond the budget


@pytest.mark.parametrize("noise", [0.0, 0.05])
def test_operator_mode_with_rows_follows_gram_mode(noise):
    A, y, _ = make_compressed_sensing(60, 120, 10, noise=noise, random_state=2)
    gram = run(GramDesign(A.T @ A), A, y, 10)
    rows = run(_design.dense_operator_design(A), A, y, 10)
    # Different arithmetic (rows from A_M^T A against A^T A): the same
    # iterates up to rounding on this problem, whose top-k has no near tie.
    np.testing.assert_array_equal(np.flatnonzero(rows.coef), np.flatnonzero(gram.coef))
    np.testing.assert_allclose(rows.coef, gram.coef, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(rows.loss_curve, gram.loss_curve, rtol=1e-8, atol=1e-12)
    assert rows.n_supports_explored == gram.n_supports_explored


def test_a_small_budget_gives_the_same_run(monkeypatch):
    A, y, _ = make_compressed_sensing(60, 120, 10, noise=0.05, random_state=3)
    roomy = run(_design.dense_operator_design(A), A, y, 10)
    monkeypatch.setattr(_gram_columns, "GRAM_ROWS_BYTES", 12 * 120 * 8)
    design = _design.dense_operator_design(A)
    tight = run(design, A, y, 10)
    # A row computed again may differ in its last bit (it comes from a
    # product with other new indices): the same run up to rounding.
    np.testing.assert_array_equal(
        np.flatnonzero(tight.coef), np.flatnonzero(roomy.coef)
    )
    np.testing.assert_allclose(tight.coef, roomy.coef, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(tight.loss_curve, roomy.loss_curve, rtol=1e-8)
    assert tight.n_supports_explored == roomy.n_supports_explored
    # Below one support's rows: the products with A, same supports.
    monkeypatch.setattr(_gram_columns, "GRAM_ROWS_BYTES", 5 * 120 * 8)
    fallback = run(_design.dense_operator_design(A), A, y, 10)
    np.testing.assert_array_equal(
        np.flatnonzero(fallback.coef), np.flatnonzero(roomy.coef)
    )
    np.testing.assert_allclose(fallback.loss_curve, roomy.loss_curve, rtol=1e-8)


def test_designs_without_rows_answer_none():
    A = np.ones((3, 4), dtype=np.float32)
    assert _design.dense_operator_design(A).gram_rows(np.arange(2)) is None
    plain = OperatorDesign(
        lambda v: v, lambda r: r, lambda s: A[:, s], A.shape, np.float64
    )
    assert plain.gram_rows(np.arange(2)) is None

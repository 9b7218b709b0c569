"""Operator mode keeps the Gram rows of visited indices, within a budget."""

import numpy as np
import pytest

from sklearn_sea import _sea as sea_module
from sklearn_sea._core import (
    GramDesign,
    OperatorDesign,
    SupportLeastSquares,
    _accelerator,
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


compiled_only = pytest.mark.skipif(
    not _accelerator.COMPILED_AVAILABLE,
    reason="the compiled SEA kernel is not built in this installation",
)


@compiled_only
def test_compiled_rows_gradient_is_the_gathered_product():
    rng = np.random.default_rng(3)
    store = rng.standard_normal((40, 70))
    aty = rng.standard_normal(70)
    for k in (0, 1, 7, 8, 9, 25):
        positions = rng.choice(40, k, replace=False).astype(np.intp)
        coef = rng.standard_normal(k)
        expected = coef @ store[positions] - aty
        np.testing.assert_allclose(
            _accelerator.rows_gradient(store, positions, coef, aty),
            expected,
            atol=1e-12,
        )


@compiled_only
@pytest.mark.parametrize(
    "positions, coef, aty",
    [
        ([0, 40], [1.0, 2.0], np.zeros(70)),  # a position past the rows
        ([-1], [1.0], np.zeros(70)),
        ([0, 1], [1.0], np.zeros(70)),  # one coefficient short
        ([0], [1.0], np.zeros(69)),  # aty of the wrong length
    ],
)
def test_compiled_rows_gradient_refuses_inconsistent_input(positions, coef, aty):
    store = np.ones((40, 70))
    with pytest.raises(ValueError, match="rows_gradient"):
        _accelerator.rows_gradient(
            store, np.asarray(positions, dtype=np.intp), np.asarray(coef), aty
        )


@pytest.mark.parametrize("compiled", [True, False])
def test_operator_rows_give_the_gram_gradient_in_both_paths(monkeypatch, compiled):
    if compiled and not _accelerator.COMPILED_AVAILABLE:
        pytest.skip("the compiled SEA kernel is not built in this installation")
    monkeypatch.setattr(_accelerator, "USE_COMPILED", compiled)
    A, y, _ = make_compressed_sensing(40, 90, 6, noise=0.05, random_state=4)
    operator = SupportLeastSquares(_design.dense_operator_design(A), A.T @ y, y @ y)
    gram = SupportLeastSquares(GramDesign(A.T @ A), A.T @ y, y @ y)
    support = np.array([2, 11, 30, 31, 64, 88])
    coef_o, rss_o, grad_o = operator.refit_gradient(support)
    coef_g, rss_g, grad_g = gram.refit_gradient(support)
    np.testing.assert_allclose(coef_o, coef_g, rtol=1e-10)
    np.testing.assert_allclose(grad_o, grad_g, atol=1e-12)
    np.testing.assert_allclose(grad_o, A.T @ (A[:, support] @ coef_o - y), atol=1e-12)


@compiled_only
def test_kernel_timer_refuses_inconsistent_input():
    from sklearn_sea._core._sea_gram import kernel_seconds

    rng = np.random.default_rng(0)
    A = rng.standard_normal((12, 8))
    gram = A.T @ A
    three = np.array([1, 4, 6], dtype=np.intp)
    with pytest.raises(ValueError, match="positions"):
        kernel_seconds(gram, np.array([0, 1, 8], dtype=np.intp), three, 2)
    with pytest.raises(ValueError, match="positions"):
        kernel_seconds(gram, three, np.array([0, 1, 8], dtype=np.intp), 2)
    with pytest.raises(ValueError, match="support indices"):
        kernel_seconds(gram, three, three[:2], 2)
    with pytest.raises(ValueError, match="positive definite"):
        kernel_seconds(-gram, three, three, 2)
    # Gram mode (rows of G, by columns) and kept rows in another order.
    for rows, positions in ((gram, three), (gram[three], np.arange(3, dtype=np.intp))):
        gradient, solve = kernel_seconds(rows, positions, three, 2)
        assert gradient >= 0 and solve >= 0


def fresh_lower_block(rows, positions, support):
    # Row j, columns 0..j: G[s_j, s_i] read from the row kept for s_j.
    full = rows[positions][:, support]
    return np.tril(full).ravel(), full


@compiled_only
def test_compiled_rows_solve_reuses_the_previous_block_exactly():
    from sklearn_sea._core._sea_gram import factor_doubles, rows_support_solve

    rng = np.random.default_rng(4)
    n, k = 90, 12
    A = rng.standard_normal((70, n))
    # Rows stored in a scrambled order, with float noise so that the store
    # is not exactly symmetric: a reused entry must be the one read before.
    order = rng.permutation(n)
    rows = (A.T @ A)[order] * (1 + 1e-15 * rng.standard_normal((n, n)))
    where = np.empty(n, dtype=np.intp)
    where[order] = np.arange(n)
    aty = A.T @ rng.standard_normal(70)
    previous_support = np.full(k, -1, dtype=np.intp)
    previous, block = np.empty(k * k), np.empty(k * k)
    # NaN scratch: every entry the kernel reads must be written first.
    work = np.full(factor_doubles(k), np.nan)
    support = np.sort(rng.choice(n, k, replace=False))
    for _ in range(30):
        positions = where[support]
        coef = rows_support_solve(
            rows, positions, support, aty, previous_support, previous, block, work
        )
        lower, full = fresh_lower_block(rows, positions, support)
        np.testing.assert_array_equal(np.tril(block.reshape(k, k)).ravel(), lower)
        symmetric = np.tril(full) + np.tril(full, -1).T
        np.testing.assert_allclose(
            coef, np.linalg.solve(symmetric, aty[support]), rtol=1e-10
        )
        previous_support[:] = support
        previous, block = block, previous
        # Swap two to five indices, as SEA's consecutive supports do.
        swap = rng.integers(2, 6)
        kept = rng.choice(support, k - swap, replace=False)
        outside = np.setdiff1d(np.arange(n), support)
        support = np.sort(np.concatenate([kept, rng.choice(outside, swap, False)]))


@compiled_only
def test_compiled_rows_solve_without_reuse_and_on_singular_blocks():
    from sklearn_sea._core._sea_gram import factor_doubles, rows_support_solve

    rng = np.random.default_rng(5)
    A = rng.standard_normal((40, 30))
    A[:, 7] = A[:, 3]
    rows, aty = A.T @ A, A.T @ rng.standard_normal(40)
    k = 5
    buffers = (np.empty(k * k), np.empty(k * k), np.full(factor_doubles(k), np.nan))
    unsorted = np.array([9, 2, 14, 0, 21], dtype=np.intp)
    stale = np.array([0, 2, 9, 14, 21], dtype=np.intp)  # ignored: unsorted support
    coef = rows_support_solve(rows, unsorted, unsorted, aty, stale, *buffers)
    block = rows[np.ix_(unsorted, unsorted)]
    np.testing.assert_allclose(coef, np.linalg.solve(block, aty[unsorted]), rtol=1e-10)
    none = np.full(k, -1, dtype=np.intp)
    singular = np.array([1, 3, 5, 7, 9], dtype=np.intp)
    assert rows_support_solve(rows, singular, singular, aty, none, *buffers) is None
    with pytest.raises(ValueError, match="inconsistent shapes"):
        rows_support_solve(rows, singular[:4], singular, aty, none, *buffers)
    with pytest.raises(ValueError, match="positions"):
        rows_support_solve(rows, singular + 30, singular, aty, none, *buffers)
    with pytest.raises(ValueError, match="support must be in"):
        rows_support_solve(rows, singular, singular + 30, aty, none, *buffers)


@compiled_only
def test_operator_mode_same_run_with_and_without_the_compiled_solve(monkeypatch):
    A, y, _ = make_compressed_sensing(80, 200, 15, noise=0.05, random_state=6)
    runs = []
    for compiled in (True, False):
        monkeypatch.setattr(_accelerator, "USE_COMPILED", compiled)
        runs.append(run(_design.dense_operator_design(A), A, y, 15, max_iter=400))
    compiled_run, python_run = runs
    assert compiled_run.n_supports_explored == python_run.n_supports_explored > 100
    np.testing.assert_array_equal(
        np.flatnonzero(compiled_run.coef), np.flatnonzero(python_run.coef)
    )
    np.testing.assert_allclose(compiled_run.coef, python_run.coef, rtol=1e-9)
    np.testing.assert_allclose(
        compiled_run.loss_curve, python_run.loss_curve, rtol=1e-8, atol=1e-12
    )


@compiled_only
def test_operator_mode_without_block_reuse_past_its_budget(monkeypatch):
    from sklearn_sea._core import _least_squares

    A, y, _ = make_compressed_sensing(80, 200, 15, noise=0.05, random_state=7)
    kept = run(_design.dense_operator_design(A), A, y, 15, max_iter=200)
    monkeypatch.setattr(_least_squares, "REUSED_BLOCKS_BYTES", 8 * 15 * 15)
    design = _design.dense_operator_design(A)
    problem = SupportLeastSquares(design, A.T @ y, y @ y)
    fresh = sea_module._sea(problem, 15, max_iter=200, step_size=1.0)
    assert problem._previous_block is None  # nothing kept past the budget
    np.testing.assert_array_equal(np.flatnonzero(fresh.coef), np.flatnonzero(kept.coef))
    np.testing.assert_allclose(fresh.loss_curve, kept.loss_curve, rtol=1e-8, atol=1e-12)

"""The weighted Gram matrices of the multinomial Newton, against their definition."""

import numpy as np
import pytest

from sklearn_sea._core._row_products import RowProducts


def _problem(n_samples, width, n_classes, seed=0):
    rng = np.random.default_rng(seed)
    B = rng.standard_normal((n_samples, width)).astype(np.float32)
    scores = rng.standard_normal((n_samples, n_classes))
    P = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    return B, P


def _kronecker_hessian(B, P):
    """``sum_i (diag(p_i) - p_i p_i^T) (x) b_i b_i^T`` in double, sample by sample."""
    B = B.astype(np.float64)
    return sum(
        np.kron(np.diag(p) - np.outer(p, p), np.outer(b, b))
        for b, p in zip(B, P, strict=True)
    )


@pytest.mark.parametrize("width, n_classes", [(1, 2), (4, 3), (7, 5)])
def test_hessian_is_the_sum_of_kronecker_products(width, n_classes):
    B, P = _problem(60, width, n_classes)
    expected = _kronecker_hessian(B, P)
    hessian = RowProducts(B).multinomial_hessian(P)
    assert hessian.dtype == np.float64
    np.testing.assert_allclose(hessian, hessian.T, rtol=0, atol=0)
    # single-precision products: agreement to float32 rounding of the sums
    np.testing.assert_allclose(
        hessian, expected, rtol=0, atol=1e-5 * np.abs(expected).max()
    )


def test_class_blocks_are_the_weighted_grams_plus_the_diagonal():
    B, P = _problem(50, 6, 4, seed=1)
    H = P - P * P
    diag = np.linspace(0.5, 2.0, 6)
    blocks = RowProducts(B).class_blocks(H, diag)
    B64 = B.astype(np.float64)
    for c in range(4):
        expected = B64.T @ (H[:, c, None] * B64) + np.diag(diag)
        np.testing.assert_allclose(blocks[c], expected, rtol=1e-5, atol=1e-6)
    # the class blocks are the Hessian's diagonal blocks
    hessian = RowProducts(B).multinomial_hessian(P)
    np.testing.assert_allclose(
        blocks[2] - np.diag(diag), hessian[12:18, 12:18], rtol=1e-6, atol=1e-6
    )


def test_a_shared_buffer_does_not_leak_between_supports():
    B_wide, P = _problem(40, 9, 3, seed=2)
    first = RowProducts(B_wide)
    B_narrow = B_wide[:, :4].copy()
    reused = RowProducts(B_narrow, first.buffer)
    assert reused.buffer is first.buffer  # no new allocation for a smaller support
    np.testing.assert_array_equal(
        reused.multinomial_hessian(P), RowProducts(B_narrow).multinomial_hessian(P)
    )
    # a larger support than the buffer holds gets a new one
    grown = RowProducts(np.hstack((B_wide, B_wide)), reused.buffer)
    assert grown.buffer.size > first.buffer.size

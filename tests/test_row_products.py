"""The weighted Gram matrices of the multinomial Newton, against their definition."""

import numpy as np
import pytest

from sklearn_sea._core import _accelerator
from sklearn_sea._core._row_products import RowProducts

compiled_only = pytest.mark.skipif(
    not _accelerator.COMPILED_AVAILABLE,
    reason="the compiled kernels are not built in this installation",
)


@pytest.fixture(params=[True, False], ids=["compiled", "numpy"])
def path(request, monkeypatch):
    """Both ways of forming the products: the compiled helpers and numpy."""
    if request.param and not _accelerator.COMPILED_AVAILABLE:
        pytest.skip("the compiled kernels are not built in this installation")
    monkeypatch.setattr(_accelerator, "USE_COMPILED", request.param)
    return request.param


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
def test_hessian_is_the_sum_of_kronecker_products(path, width, n_classes):
    B, P = _problem(60, width, n_classes)
    expected = _kronecker_hessian(B, P)
    hessian = RowProducts(B).multinomial_hessian(P)
    assert hessian.dtype == np.float64
    np.testing.assert_allclose(hessian, hessian.T, rtol=0, atol=0)
    # single-precision products: agreement to float32 rounding of the sums
    np.testing.assert_allclose(
        hessian, expected, rtol=0, atol=1e-5 * np.abs(expected).max()
    )


def test_class_blocks_are_the_weighted_grams_plus_the_diagonal(path):
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


def test_a_shared_buffer_does_not_leak_between_supports(path):
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


@compiled_only
@pytest.mark.parametrize("width, n_classes", [(1, 2), (5, 3), (9, 10)])
def test_compiled_products_equal_numpys(monkeypatch, width, n_classes):
    B, P = _problem(70, width, n_classes, seed=3)
    formed = {}
    for compiled in (True, False):
        monkeypatch.setattr(_accelerator, "USE_COMPILED", compiled)
        products = RowProducts(B)
        formed[compiled] = (products._K.copy(), products.multinomial_hessian(P))
    # the same single-precision products; the Hessians' sums may run in
    # another order inside BLAS
    np.testing.assert_array_equal(formed[True][0], formed[False][0])
    hessian, reference = formed[True][1], formed[False][1]
    np.testing.assert_array_equal(hessian, hessian.T)
    np.testing.assert_allclose(
        hessian, reference, rtol=0, atol=1e-6 * np.abs(reference).max()
    )


@compiled_only
@pytest.mark.parametrize(
    "call, match",
    [
        (lambda m: m.row_products(np.ones((3, 4)), np.ones((6, 4), np.float32)), "x"),
        (
            lambda m: m.row_products(
                np.ones((3, 4), np.float32), np.ones((5, 4), np.float32)
            ),
            r"K must have shape \(6, 4\)",
        ),
        (
            lambda m: m.row_products(
                np.ones((3, 4), np.float32), np.ones((6, 4), np.float32).T.copy().T
            ),
            "K must be a C-contiguous float32",
        ),
        (
            lambda m: m.class_pair_weights(
                np.ones((4, 3)), np.ones((4, 5), np.float32)
            ),
            r"W must have shape \(4, 6\)",
        ),
        (
            lambda m: m.class_pair_weights(
                np.ones((4, 3), np.float32), np.ones((4, 6), np.float32)
            ),
            "P must be a C-contiguous float64",
        ),
        (
            lambda m: m.hessian_from_grams(np.ones((6, 3), np.float32), 3, 3),
            r"grams must have shape \(6, 6\)",
        ),
        (
            lambda m: m.hessian_from_grams(np.ones((6, 6)), 3, 3),
            "grams must be a C-contiguous float32",
        ),
        (
            lambda m: m.hessian_from_grams(np.ones((0, 1), np.float32), 0, 1),
            "width and n_classes must be >= 1",
        ),
    ],
)
def test_compiled_helpers_reject_bad_arrays_naming_them(call, match):
    from sklearn_sea._core import _logistic_newton

    with pytest.raises(ValueError, match=match):
        call(_logistic_newton)

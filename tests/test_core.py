"""Numerical core: top-k, support least squares, Gram and operator designs."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import aslinearoperator

from sklearn_sea._core import (
    GramDesign,
    OperatorDesign,
    SupportLeastSquares,
    _design,
    dense_operator_design,
    linear_operator_design,
    prepare_least_squares,
    solve_normal_equations,
    sparse_operator_design,
    support_key,
    top_k,
    top_k_rows,
)


def reference_top_k(x, k):
    """The k largest |x|, ties to the lowest index, by a full stable sort."""
    order = np.lexsort((np.arange(x.shape[0]), -np.abs(x)))
    return np.sort(order[:k])


@pytest.mark.parametrize("seed", range(5))
def test_top_k_matches_sort_with_ties(seed):
    rng = np.random.default_rng(seed)
    for _ in range(200):
        n = int(rng.integers(1, 15))
        k = int(rng.integers(0, n + 2))
        # Small integers make ties (and zero ties) frequent.
        x = rng.integers(-3, 4, size=(4, n)).astype(float)
        expected = np.array([reference_top_k(row, k) for row in x])
        np.testing.assert_array_equal(top_k_rows(x, min(k, n)), expected)
        for row, exp in zip(x, expected, strict=True):
            support = top_k(row, k)
            np.testing.assert_array_equal(support, exp)
            assert support.dtype == np.intp


def test_top_k_edge_sizes():
    x = np.array([1.0, -2.0, 0.5])
    np.testing.assert_array_equal(top_k(x, 5), [0, 1, 2])
    assert top_k(x, 0).shape == (0,)
    assert top_k_rows(x[None], 0).shape == (1, 0)
    np.testing.assert_array_equal(top_k_rows(x[None], 3), [[0, 1, 2]])


def test_support_key_identifies_supports():
    a = np.array([1, 4, 7], dtype=np.intp)
    assert support_key(a) == support_key(a.copy())
    assert support_key(a) != support_key(np.array([1, 4, 8], dtype=np.intp))


def test_solve_normal_equations_well_conditioned():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((30, 6))
    y = rng.standard_normal(30)
    coef = solve_normal_equations(A.T @ A, A.T @ y)
    np.testing.assert_allclose(coef, np.linalg.lstsq(A, y, rcond=None)[0], rtol=1e-10)
    assert solve_normal_equations(np.zeros((0, 0)), np.zeros(0)).shape == (0,)


def test_solve_normal_equations_rank_deficient_is_min_norm():
    rng = np.random.default_rng(1)
    A = rng.standard_normal((20, 3))
    A = np.column_stack([A, A[:, 0]])  # duplicated column
    y = rng.standard_normal(20)
    coef = solve_normal_equations(A.T @ A, A.T @ y)
    assert np.all(np.isfinite(coef))
    np.testing.assert_allclose(coef, np.linalg.pinv(A) @ y, rtol=1e-6, atol=1e-10)
    # An all-zero block (zero columns) gives zero coefficients, not NaN.
    np.testing.assert_array_equal(
        solve_normal_equations(np.zeros((2, 2)), np.zeros(2)), 0.0
    )


def test_solve_normal_equations_keeps_dtype():
    gram = np.eye(3, dtype=np.float32)
    rhs = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    coef = solve_normal_equations(gram, rhs)
    assert coef.dtype == np.float32
    np.testing.assert_allclose(coef, rhs)


def _problem(design, A, y):
    return SupportLeastSquares(design, A.T @ y, y @ y)


def test_support_least_squares_solve_gradient_rss_and_cache():
    rng = np.random.default_rng(2)
    A = rng.standard_normal((25, 12))
    y = rng.standard_normal(25)
    problem = _problem(GramDesign(A.T @ A), A, y)
    support = np.array([1, 5, 9], dtype=np.intp)
    coef, rss = problem.solve(support)
    expected = np.linalg.lstsq(A[:, support], y, rcond=None)[0]
    np.testing.assert_allclose(coef, expected, rtol=1e-10)
    residual = A[:, support] @ expected - y
    np.testing.assert_allclose(rss, residual @ residual, rtol=1e-10)
    np.testing.assert_allclose(
        problem.gradient(support, coef), A.T @ residual, atol=1e-12
    )
    other = rng.standard_normal(3)
    r = A[:, support] @ other - y
    np.testing.assert_allclose(problem.rss(support, other), r @ r, rtol=1e-10)
    # A revisit is served from the cache.
    assert problem.solve(support.copy())[0] is coef
    assert problem.n_solved == 1
    problem.solve(np.array([0, 1, 2], dtype=np.intp))
    assert problem.n_solved == 2


def _weighted_centred_scaled(X_dense, offset, scale, sqrt_weight):
    return sqrt_weight[:, None] * (X_dense - offset) / scale


def _designs(seed=3, n_samples=40, n_features=30):
    """Every design flavour over the same matrix A, with A itself."""
    rng = np.random.default_rng(seed)
    X = sp.random(n_samples, n_features, density=0.3, random_state=seed, format="csr")
    X_dense = X.toarray()
    offset = rng.standard_normal(n_features)
    scale = rng.uniform(0.5, 2.0, n_features)
    sqrt_weight = rng.uniform(0.5, 1.5, n_samples)
    A = _weighted_centred_scaled(X_dense, offset, scale, sqrt_weight)
    plain = X_dense
    designs = {
        "gram": (GramDesign(A.T @ A), A),
        "dense_operator": (dense_operator_design(A), A),
        "sparse_implicit": (sparse_operator_design(X, offset, scale, sqrt_weight), A),
        "sparse_csc_plain": (
            sparse_operator_design(
                X.tocsc(),
                np.zeros(n_features),
                np.ones(n_features),
                np.ones(n_samples),
            ),
            plain,
        ),
        "linear_operator": (linear_operator_design(aslinearoperator(A)), A),
    }
    return designs, rng


@pytest.mark.parametrize(
    "name",
    [
        "gram",
        "dense_operator",
        "sparse_implicit",
        "sparse_csc_plain",
        "linear_operator",
    ],
)
def test_designs_agree_with_explicit_matrix(name):
    designs, rng = _designs()
    design, A = designs[name]
    support = np.array([2, 3, 11, 17, 29], dtype=np.intp)
    coef = rng.standard_normal(support.shape[0])
    np.testing.assert_allclose(
        design.gram_block(support), A[:, support].T @ A[:, support], atol=1e-12
    )
    np.testing.assert_allclose(
        design.gram_dot(support, coef), A.T @ (A[:, support] @ coef), atol=1e-12
    )
    np.testing.assert_allclose(
        design.gram_columns(support), A.T @ A[:, support], atol=1e-12
    )
    np.testing.assert_allclose(
        design.spectral_norm2(), np.linalg.norm(A, 2) ** 2, rtol=1e-6
    )
    if isinstance(design, OperatorDesign):
        r = rng.standard_normal(A.shape[0])
        np.testing.assert_allclose(design.rmatvec(r), A.T @ r, atol=1e-12)
        R = rng.standard_normal((A.shape[0], 2))
        np.testing.assert_allclose(design.rmatvec(R), A.T @ R, atol=1e-12)
        np.testing.assert_allclose(design.columns(support), A[:, support])
        np.testing.assert_allclose(
            design.support_matvec(support, coef), A[:, support] @ coef, atol=1e-12
        )


def test_operator_spectral_norm_large_uses_lanczos():
    rng = np.random.default_rng(4)
    A = rng.standard_normal((60, 300))
    np.testing.assert_allclose(
        dense_operator_design(A).spectral_norm2(), np.linalg.norm(A, 2) ** 2, rtol=1e-5
    )


def test_column_cache_is_bounded(monkeypatch):
    rng = np.random.default_rng(5)
    A = rng.standard_normal((50, 40))
    # Room for three columns only: every support overflows the cache.
    monkeypatch.setattr(_design, "COLUMN_CACHE_BYTES", 3 * 50 * 8)
    design = dense_operator_design(A)
    for _ in range(20):
        support = np.sort(rng.choice(40, size=5, replace=False))
        np.testing.assert_array_equal(design.columns(support), A[:, support])
        assert len(design._column_cache) <= 5


def test_linear_operator_columns_by_blocks():
    rng = np.random.default_rng(6)
    A = rng.standard_normal((20, 90))
    design = linear_operator_design(aslinearoperator(A))
    # More columns than one basis block.
    support = np.arange(0, 90, 2)
    np.testing.assert_allclose(design.columns(support), A[:, support])


def test_prepare_chooses_gram_or_operator(monkeypatch):
    rng = np.random.default_rng(7)
    X = rng.standard_normal((30, 20))
    y = rng.standard_normal((30, 1))
    w = np.ones(30)
    assert isinstance(prepare_least_squares(X, y, w, True, "auto").design, GramDesign)
    assert isinstance(
        prepare_least_squares(sp.csr_matrix(X), y, w, True, "auto").design,
        OperatorDesign,
    )
    assert isinstance(
        prepare_least_squares(X, y, w, True, False).design, OperatorDesign
    )
    from sklearn_sea._core import _preprocess

    # Above the memory budget, "auto" never forms the Gram matrix.
    monkeypatch.setattr(_preprocess, "GRAM_MAX_BYTES", 20 * 20 * 8 - 1)
    assert isinstance(
        prepare_least_squares(X, y, w, True, "auto").design, OperatorDesign
    )


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_prepare_sparse_and_dense_define_the_same_problem(fit_intercept):
    rng = np.random.default_rng(8)
    X = sp.random(40, 25, density=0.4, random_state=8, format="csr")
    y = rng.standard_normal((40, 1))
    w = rng.uniform(0.2, 2.0, 40)
    dense = prepare_least_squares(X.toarray(), y, w, fit_intercept, True)
    sparse = prepare_least_squares(X, y, w, fit_intercept, False)
    np.testing.assert_allclose(sparse.Aty, dense.Aty, atol=1e-12)
    support = np.array([0, 3, 7, 24], dtype=np.intp)
    np.testing.assert_allclose(
        sparse.design.gram_block(support), dense.design.gram_block(support), atol=1e-12
    )
    coef = rng.standard_normal(4)
    np.testing.assert_allclose(
        sparse.design.gram_dot(support, coef),
        dense.design.gram_dot(support, coef),
        atol=1e-12,
    )


@pytest.mark.parametrize("duplicate", [False, True])
def test_refit_gradient_is_solve_then_gradient(duplicate):
    rng = np.random.default_rng(9)
    A = rng.standard_normal((25, 15))
    if duplicate:
        A[:, 4] = A[:, 2]  # a singular block takes the minimum-norm fallback
    y = rng.standard_normal(25)
    support = np.array([2, 4, 8, 11], dtype=np.intp)
    for design in (GramDesign(A.T @ A), dense_operator_design(A)):
        fused = _problem(design, A, y)
        coef, rss, gradient = fused.refit_gradient(support)
        plain = _problem(design, A, y)
        expected_coef, expected_rss = plain.solve(support)
        np.testing.assert_allclose(coef, expected_coef, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(rss, expected_rss, rtol=1e-10)
        np.testing.assert_allclose(
            gradient, plain.gradient(support, expected_coef), atol=1e-12
        )
        # The solve was cached: a revisit returns the same coefficients.
        assert fused.solve(support)[0] is coef and fused.n_solved == 1
        assert np.all(np.isfinite(coef))

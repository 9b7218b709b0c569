"""Two ways of giving the design matrix ``A`` to the k-sparse solvers.

Every solver of the package touches ``A`` through four operations only:

- ``gram_block(S)``: ``A_S^T A_S``, a small ``(k, k)`` matrix;
- ``gram_dot(S, x_S)``: ``A^T A_S x_S``, the only ``O(n_features)`` work of an
  iteration;
- ``gram_columns(S)``: ``A^T A_S``, of shape ``(n_features, k)``, for solvers
  that score many candidate swaps at once;
- ``rmatvec(r)``: ``A^T r``.

:class:`GramDesign` answers them from a precomputed ``G = A^T A`` (dense
problems that fit in memory: an iteration costs ``O(n_features k)``).
:class:`OperatorDesign` answers them with products by ``A`` and ``A^T``
(sparse or large problems, and any :class:`~scipy.sparse.linalg.LinearOperator`):
an iteration costs about one product with ``A^T`` plus one with ``A_S``, and no
``n_features x n_features`` matrix is ever formed.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from scipy.sparse.linalg import aslinearoperator


class GramDesign:
    """Design given by its Gram matrix ``G = A^T A``.

    Parameters
    ----------
    gram : ndarray of shape (n_features, n_features)
        Symmetric positive semi-definite Gram matrix.
    """

    def __init__(self, gram):
        self.gram = gram
        self.n_features = gram.shape[0]
        self.dtype = gram.dtype

    def gram_block(self, support):
        return self.gram[np.ix_(support, support)]

    def gram_dot(self, support, coef_support):
        # G is symmetric: gathering rows is contiguous, columns would not be.
        return coef_support @ self.gram[support]

    def gram_columns(self, support):
        return self.gram[support].T

    def spectral_norm2(self):
        """Largest eigenvalue of ``G``, i.e. ``||A||_2^2``."""
        n = self.n_features
        if n == 0:
            return 0.0
        from scipy.linalg import eigvalsh

        return float(eigvalsh(self.gram, subset_by_index=[n - 1, n - 1])[0])


class OperatorDesign:
    """Design applied through products by ``A`` and ``A^T``.

    Columns of ``A`` are materialised only on the supports the solver visits,
    and kept in a cache because SEA revisits supports.

    Parameters
    ----------
    matvec, rmatvec : callable
        ``v -> A v`` and ``r -> A^T r``; ``rmatvec`` must also accept a 2-D
        array of shape ``(n_samples, p)``.
    columns : callable
        ``S -> A[:, S]`` as a dense ``(n_samples, len(S))`` array.
    shape : tuple of int
        ``(n_samples, n_features)``.
    dtype : numpy dtype
        Working precision.
    """

    def __init__(self, matvec, rmatvec, columns, shape, dtype):
        self.matvec = matvec
        self.rmatvec = rmatvec
        self._columns = columns
        self.n_samples, self.n_features = shape
        self.dtype = dtype
        self._column_cache = {}

    def columns(self, support):
        cache = self._column_cache
        missing = [j for j in support.tolist() if j not in cache]
        if missing:
            block = self._columns(np.asarray(missing, dtype=np.intp))
            for position, j in enumerate(missing):
                cache[j] = block[:, position]
        out = np.empty((self.n_samples, support.shape[0]), dtype=self.dtype)
        for position, j in enumerate(support.tolist()):
            out[:, position] = cache[j]
        return out

    def gram_block(self, support):
        cols = self.columns(support)
        return cols.T @ cols

    def gram_dot(self, support, coef_support):
        return self.rmatvec(self.columns(support) @ coef_support)

    def gram_columns(self, support):
        return self.rmatvec(self.columns(support))

    def spectral_norm2(self):
        """``||A||_2^2`` by Lanczos iterations on ``A^T A`` (no matrix formed)."""
        from scipy.sparse.linalg import LinearOperator, eigsh

        n = self.n_features
        if n <= 256:
            # Small problems: an exact SVD is cheaper than Lanczos iterations.
            if n == 0:
                return 0.0
            return float(np.linalg.norm(self._columns(np.arange(n)), ord=2) ** 2)
        normal = LinearOperator(
            (n, n),
            matvec=lambda v: self.rmatvec(self.matvec(np.ravel(v))),
            dtype=self.dtype,
        )
        # A fixed start vector keeps the result deterministic.
        v0 = np.ones(n, dtype=self.dtype)
        value = eigsh(
            normal, k=1, which="LA", v0=v0, tol=1e-6, return_eigenvectors=False
        )
        return float(value[0])


def dense_operator_design(A):
    """:class:`OperatorDesign` over a dense array, for memory-bound problems."""
    return OperatorDesign(
        matvec=lambda v: A @ v,
        rmatvec=lambda r: A.T @ r,
        columns=lambda support: A[:, support],
        shape=A.shape,
        dtype=A.dtype,
    )


def linear_operator_design(operator, dtype=np.float64):
    """:class:`OperatorDesign` over a :class:`~scipy.sparse.linalg.LinearOperator`.

    Columns are obtained as ``A @ e_j``, one block product per visited
    support.
    """
    operator = aslinearoperator(operator)
    n_samples, n_features = operator.shape

    def columns(support):
        basis = np.zeros((n_features, support.shape[0]), dtype=dtype)
        basis[support, np.arange(support.shape[0])] = 1
        return np.asarray(operator.matmat(basis), dtype=dtype)

    def rmatvec(r):
        if r.ndim == 2:
            return np.asarray(operator.rmatmat(r), dtype=dtype)
        return np.asarray(operator.rmatvec(r), dtype=dtype)

    return OperatorDesign(
        matvec=lambda v: np.asarray(operator.matvec(v), dtype=dtype),
        rmatvec=rmatvec,
        columns=columns,
        shape=(n_samples, n_features),
        dtype=dtype,
    )


def sparse_operator_design(X, offset, scale, sqrt_weight):
    """:class:`OperatorDesign` for ``A = diag(w) (X - 1 offset^T) diag(1/scale)``.

    Centering, sample weighting and column normalisation are applied
    implicitly, so ``X`` stays sparse: ``A v = w * (X u) - w (offset . u)``
    with ``u = v / scale``.

    Parameters
    ----------
    X : sparse matrix of shape (n_samples, n_features)
        CSR or CSC data.
    offset : ndarray of shape (n_features,)
        Column means subtracted implicitly (zeros when no intercept).
    scale : ndarray of shape (n_features,)
        Positive column scales divided out implicitly.
    sqrt_weight : ndarray of shape (n_samples,)
        Square roots of the sample weights.
    """
    dtype = X.dtype
    Xt = X.T
    # Supports are read column by column: CSC makes that a slice, not a scan.
    X_cols = X.tocsc()
    centered = bool(np.any(offset))

    def matvec(v):
        u = v / scale
        out = X @ u
        if centered:
            out -= offset @ u
        return sqrt_weight * out

    def rmatvec(r):
        wr = sqrt_weight * r if r.ndim == 1 else sqrt_weight[:, None] * r
        out = Xt @ wr
        if centered:
            out = out - (
                np.outer(offset, wr.sum(axis=0)) if r.ndim == 2 else offset * wr.sum()
            )
        return out / scale if r.ndim == 1 else out / scale[:, None]

    def columns(support):
        block = X_cols[:, support].toarray()
        if centered:
            block -= offset[support]
        block *= sqrt_weight[:, None]
        block /= scale[support]
        return block

    return OperatorDesign(matvec, rmatvec, columns, X.shape, dtype)

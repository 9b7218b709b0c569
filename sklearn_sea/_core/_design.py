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
import scipy.sparse as sp
from scipy.sparse.linalg import aslinearoperator

from ._gram_columns import GramRows


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
        self._rows_key = None
        self._rows = None

    def _support_rows(self, support):
        # Solvers ask for the block and the product on the same support in a
        # row: gather the k rows of G once for both.
        key = support.tobytes()
        if key != self._rows_key:
            self._rows = self.gram.take(support, axis=0)
            self._rows_key = key
        return self._rows

    def gram_block(self, support):
        return self._support_rows(support).take(support, axis=1)

    def gram_dot(self, support, coef_support):
        # G is symmetric: gathering rows is contiguous, columns would not be.
        return coef_support @ self._support_rows(support)

    def gram_columns(self, support):
        return self.gram[support].T

    def spectral_norm2(self):
        """Largest eigenvalue of ``G``, i.e. ``||A||_2^2``.

        Lanczos iterations (to 1e-12) above 256 features: the dense
        eigensolver reduces all of ``G`` to tridiagonal form first, which
        cost 3 to 4 times as much at 500 features (measured 7.6 to 12.7 ms
        against 3.3 to 3.9 ms, the same value to 1e-15).
        """
        from scipy.linalg import eigvalsh
        from scipy.sparse.linalg import ArpackNoConvergence, eigsh

        n = self.n_features
        if n == 0 or not np.any(self.gram):
            return 0.0
        if n > 256:
            try:
                # A fixed start vector keeps the result deterministic.
                value = eigsh(
                    self.gram,
                    k=1,
                    which="LA",
                    v0=np.ones(n, dtype=self.gram.dtype),
                    tol=1e-12,
                    return_eigenvectors=False,
                )
                return float(value[0])
            except ArpackNoConvergence:
                pass
        return float(eigvalsh(self.gram, subset_by_index=[n - 1, n - 1])[0])


#: Bytes of dense columns an :class:`OperatorDesign` keeps for revisits.
COLUMN_CACHE_BYTES = 64 * 2**20


class OperatorDesign:
    """Design applied through products by ``A`` and ``A^T``.

    Columns of ``A`` are materialised only on the supports the solver visits,
    and kept (up to :data:`COLUMN_CACHE_BYTES`) because SEA revisits
    supports.

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
    support_matvec : callable, optional
        ``(S, x_S) -> A_S x_S``, for designs that do it cheaper than through
        dense columns (sparse ``X``).
    support_gram : callable, optional
        ``S -> A_S^T A_S``, likewise.
    gram_rows : GramRows, optional
        A store of rows of ``A^T A`` for visited indices
        (:class:`~sklearn_sea._core._gram_columns.GramRows`); SEA's
        least-squares iterations then cost ``O(n_features k)``.
    array : ndarray, optional
        ``A`` itself when the design is a dense array, for the compiled
        kernels that read it directly.
    """

    def __init__(
        self,
        matvec,
        rmatvec,
        columns,
        shape,
        dtype,
        *,
        support_matvec=None,
        support_gram=None,
        gram_rows=None,
        array=None,
    ):
        self.matvec = matvec
        self.rmatvec = rmatvec
        self._columns = columns
        self.n_samples, self.n_features = shape
        self.dtype = dtype
        self._support_matvec = support_matvec
        self._support_gram = support_gram
        self._gram_rows = gram_rows
        self.array = array
        self._column_cache = {}
        self._max_cached = max(
            COLUMN_CACHE_BYTES // max(self.n_samples * np.dtype(dtype).itemsize, 1), 1
        )
        self._block_key = None
        self._block = None

    def columns(self, support):
        """``A[:, support]`` as a dense read-only array, from the column cache."""
        key = support.tobytes()
        if key == self._block_key:
            return self._block
        cache = self._column_cache
        missing = [j for j in support.tolist() if j not in cache]
        if missing:
            if len(cache) + len(missing) > self._max_cached:
                cache.clear()
                missing = support.tolist()
            block = self._columns(np.asarray(missing, dtype=np.intp))
            for position, j in enumerate(missing):
                cache[j] = block[:, position]
        out = np.empty((self.n_samples, support.shape[0]), dtype=self.dtype)
        for position, j in enumerate(support.tolist()):
            out[:, position] = cache[j]
        # Block and product on the same support come in a row: keep the last
        # (read-only, since later calls return this very array).
        out.flags.writeable = False
        self._block_key, self._block = key, out
        return out

    def gram_rows(self, support):
        """``G[support]``, rows of ``A^T A`` kept for visited indices, or None.

        None when the design keeps no rows (sparse ``X``, linear operators,
        float32) or its budget is below ``len(support)`` rows.
        """
        if self._gram_rows is None:
            return None
        return self._gram_rows.rows(support)

    def gram_row_positions(self, support):
        """``(store, positions)`` with ``store[positions] = G[support]``, or None.

        The rows of :meth:`gram_rows` where they are kept, not gathered.
        """
        if self._gram_rows is None:
            return None
        return self._gram_rows.positions(support)

    def support_matvec(self, support, coef_support):
        """``A_S x_S``: the residual without its ``- y``."""
        if self._support_matvec is not None:
            return self._support_matvec(support, coef_support)
        return self.columns(support) @ coef_support

    def gram_block(self, support):
        if self._support_gram is not None:
            return self._support_gram(support)
        cols = self.columns(support)
        return cols.T @ cols

    def gram_dot(self, support, coef_support):
        return self.rmatvec(self.support_matvec(support, coef_support))

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
    """:class:`OperatorDesign` over a dense array, for memory-bound problems.

    A float64 ``A`` keeps the Gram rows of the indices solvers visit
    (:class:`~sklearn_sea._core._gram_columns.GramRows`, under
    ``GRAM_ROWS_BYTES``).
    """
    rows = GramRows(A) if A.dtype == np.float64 else None
    return OperatorDesign(
        matvec=lambda v: A @ v,
        rmatvec=lambda r: A.T @ r,
        columns=lambda support: A[:, support],
        shape=A.shape,
        dtype=A.dtype,
        gram_rows=rows,
        array=A,
    )


def float32_operator_design(rows):
    """:class:`OperatorDesign` over a float32 ``X`` normalised by blocks of rows.

    ``rows`` is a :class:`~sklearn_sea._core._float32_rows.Float32Rows`: no
    float64 copy of ``X`` exists; the Gram rows of visited indices are kept
    as for a float64 design (``GRAM_ROWS_BYTES``).
    """
    return OperatorDesign(
        matvec=rows.matvec,
        rmatvec=rows.rmatvec,
        columns=rows.columns,
        shape=rows.shape,
        dtype=np.dtype(np.float64),
        gram_rows=GramRows(rows),
    )


#: Columns of a LinearOperator computed per block product, to bound the
#: ``n_features x block`` basis allocated for it.
_BASIS_BLOCK = 32


def _checked_product(product, operand, n_rows, what, dtype):
    """``product(operand)`` as a real array of ``n_rows`` rows, or a named error.

    A user's operator is code the package does not control: a wrong length,
    complex or non-finite values would otherwise surface as numpy's shape
    errors, LAPACK failures or a silently dropped imaginary part.
    """
    try:
        values = np.asarray(product(operand))
    except ValueError as exc:  # scipy's own shape checks of the output
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(
            f"X (a LinearOperator) failed to compute {what}: {first_line}"
        ) from exc
    if values.ndim == 0 or values.shape[0] != n_rows or values.size % max(n_rows, 1):
        raise ValueError(
            f"X (a LinearOperator) returned {values.size} values from "
            f"{what}; expected {n_rows}."
        )
    if np.iscomplexobj(values):
        raise ValueError(
            f"X (a LinearOperator) returned complex values from {what}; SEA "
            "needs a real design."
        )
    if not np.isfinite(values).all():
        raise ValueError(f"X (a LinearOperator) returned NaN or infinity from {what}.")
    return values.astype(dtype, copy=False)


def linear_operator_design(operator, dtype=np.float64):
    """:class:`OperatorDesign` over a :class:`~scipy.sparse.linalg.LinearOperator`.

    Columns are obtained as ``A @ e_j``, only for the indices a solver
    visits, by blocks of at most 32 unit vectors. Every product is checked
    (length, real and finite values), with errors naming ``X``.
    """
    operator = aslinearoperator(operator)
    n_samples, n_features = operator.shape

    def columns(support):
        out = np.empty((n_samples, support.shape[0]), dtype=dtype)
        for start in range(0, support.shape[0], _BASIS_BLOCK):
            chunk = support[start : start + _BASIS_BLOCK]
            basis = np.zeros((n_features, chunk.shape[0]), dtype=dtype)
            basis[chunk, np.arange(chunk.shape[0])] = 1
            block = _checked_product(operator.matmat, basis, n_samples, "X @ v", dtype)
            out[:, start : start + chunk.shape[0]] = block.reshape(n_samples, -1)
        return out

    def matvec(v):
        return _checked_product(operator.matvec, v, n_samples, "X @ v", dtype).ravel()

    def rmatvec(r):
        product = _checked_product(
            operator.rmatmat if r.ndim == 2 else operator.rmatvec,
            r,
            n_features,
            "X.T @ r",
            dtype,
        )
        return product if r.ndim == 2 else product.ravel()

    return OperatorDesign(
        matvec=matvec,
        rmatvec=rmatvec,
        columns=columns,
        shape=(n_samples, n_features),
        dtype=dtype,
    )


class _SparseColumns:
    """Sub-matrices ``X[:, S]`` of a CSC matrix, without scipy's slicing overhead.

    A support of k columns of a sparse ``X`` has about ``k * nnz / n_features``
    entries; gathering them from the CSC arrays costs a few vector operations,
    whereas ``X[:, S]`` goes through scipy's general indexing machinery.
    """

    def __init__(self, X_csc):
        self.indptr = X_csc.indptr
        self.indices = X_csc.indices
        self.data = X_csc.data
        self.n_samples = X_csc.shape[0]

    def gather(self, support):
        """Rows, values and column positions of the nonzeros of ``X[:, S]``."""
        starts = self.indptr[support]
        lengths = self.indptr[support + 1] - starts
        total = int(lengths.sum())
        column = np.repeat(np.arange(support.shape[0]), lengths)
        # Position p of column c reads entry starts[c] + (p - first[c]).
        first = np.cumsum(lengths) - lengths
        positions = np.arange(total) + np.repeat(starts - first, lengths)
        return self.indices[positions], self.data[positions], column, lengths

    def matvec(self, support, coef):
        rows, values, column, _ = self.gather(support)
        return np.bincount(
            rows, weights=values * coef[column], minlength=self.n_samples
        )

    def submatrix(self, support):
        rows, values, _, lengths = self.gather(support)
        indptr = np.concatenate(([0], np.cumsum(lengths)))
        return sp.csc_matrix(
            (values, rows, indptr), shape=(self.n_samples, support.shape[0])
        )


def sparse_operator_design(X, offset, scale, sqrt_weight):
    """:class:`OperatorDesign` for ``A = diag(w) (X - 1 offset^T) diag(1/scale)``.

    Centering, sample weighting and column normalisation are applied
    implicitly, so ``X`` stays sparse: ``A v = w * (X u) - w (offset . u)``
    with ``u = v / scale``. Support blocks ``A_S^T A_S`` and products
    ``A_S x_S`` are computed on the sparse columns of the support.

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
    sparse_columns = _SparseColumns(X_cols)
    centered = bool(np.any(offset))
    weighted = bool(np.any(sqrt_weight != 1))
    weight = sqrt_weight**2
    total_weight = weight.sum()

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

    def support_matvec(support, coef_support):
        u = coef_support / scale[support]
        out = sparse_columns.matvec(support, u)
        if centered:
            out -= offset[support] @ u
        if weighted:
            out *= sqrt_weight
        return out.astype(dtype, copy=False)

    def support_gram(support):
        # (X_S - 1 o_S^T)^T W (X_S - 1 o_S^T), expanded so X_S stays sparse.
        X_S = sparse_columns.submatrix(support)
        WX_S = X_S.multiply(weight[:, None]).tocsc() if weighted else X_S
        block = (X_S.T @ WX_S).toarray()
        if centered:
            o = offset[support]
            sums = np.asarray(WX_S.sum(axis=0)).ravel()
            cross = np.outer(sums, o)
            block += total_weight * np.outer(o, o) - cross - cross.T
        inv = 1.0 / scale[support]
        return block * np.outer(inv, inv)

    return OperatorDesign(
        matvec,
        rmatvec,
        columns,
        X.shape,
        dtype,
        support_matvec=support_matvec,
        support_gram=support_gram,
    )

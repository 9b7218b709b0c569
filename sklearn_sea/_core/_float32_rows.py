"""A dense float32 design in operator mode, normalised in float64 a chunk at a time.

The solvers need ``A = diag(sqrt(w)) (X - 1 x_offset^T) diag(1 / x_scale)`` in
float64. Forming it costs a float64 copy of ``X``: twice the memory of a
float32 ``X`` (924 MB for a 458 MiB ``X``), next to ``X`` itself. In operator
mode :class:`Float32Rows` keeps ``X`` as given and forms ``A`` by blocks of
rows of at most :data:`CHUNK_BYTES` whenever a product needs it. Each block
is computed by the same float64 operations, in the same order, as the full
copy, so its entries are those of that copy bit for bit; only the products
summed over blocks round differently (in the last bits). The price is time:
every product with ``A`` or ``A^T`` re-forms the blocks (a few passes over
``X`` per product), which operator mode pays only for Gram rows of newly
visited indices (:mod:`._gram_columns`), not per iteration.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

#: Bytes of one float64 block of normalised rows.
CHUNK_BYTES = 8 * 2**20


def _row_blocks(n_samples, n_columns):
    """Slices of rows whose float64 blocks of ``n_columns`` fit in CHUNK_BYTES."""
    step = max(CHUNK_BYTES // max(8 * n_columns, 1), 1)
    return [slice(start, start + step) for start in range(0, n_samples, step)]


def weighted_column_means(X, weight):
    """``X^T w / sum(w)`` in float64 without a float64 copy of ``X``."""
    total = np.zeros(X.shape[1])
    for rows in _row_blocks(*X.shape):
        total += X[rows].astype(np.float64).T @ weight[rows]
    return total / weight.sum()


class Float32Rows:
    """The normalised design over a float32 ``X``, in float64 blocks of rows.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float32
        The user's design, never modified or copied whole.
    offset : ndarray of shape (n_features,) or None
        Column means subtracted (None: no centring).
    sqrt_weight : ndarray of shape (n_samples,) or None
        Row factors (None: unit weights).
    """

    def __init__(self, X, offset, sqrt_weight):
        self.X = X
        self.offset = offset
        self.sqrt_weight = sqrt_weight
        self.scale = None
        self.kept = None
        self.n_samples = X.shape[0]

    @property
    def n_features(self):
        return self.X.shape[1] if self.kept is None else self.kept.shape[0]

    @property
    def shape(self):
        return (self.n_samples, self.n_features)

    def _block(self, rows, columns=None):
        """Normalised ``A[rows][:, columns]`` in float64, as the full copy computes it."""
        if columns is None and self.kept is None:
            block = self.X[rows].astype(np.float64)
            offset, scale = self.offset, self.scale
        else:
            original = self._original(columns)
            block = self.X[rows][:, original].astype(np.float64)
            offset = None if self.offset is None else self.offset[original]
            scale = None if self.scale is None else self.scale[original]
        if offset is not None:
            block -= offset
        if self.sqrt_weight is not None:
            block *= self.sqrt_weight[rows, None]
        if scale is not None:
            block /= scale
        return block

    def _original(self, columns):
        """Indices into ``X`` of the solver's ``columns`` (all when None)."""
        if self.kept is None:
            return slice(None) if columns is None else columns
        return self.kept if columns is None else self.kept[columns]

    def column_norms(self):
        """Norms of the centred, weighted columns (before scaling)."""
        squares = np.zeros(self.X.shape[1])
        for rows in _row_blocks(*self.X.shape):
            block = self._block(rows)
            squares += np.einsum("ij,ij->j", block, block)
        # Squares of float32 values cannot overflow or underflow float64.
        return np.sqrt(squares)

    def matvec(self, v):
        out = np.empty(self.n_samples)
        for rows in _row_blocks(*self.shape):
            out[rows] = self._block(rows) @ v
        return out

    def rmatvec(self, r):
        """``A^T r`` for ``r`` of shape ``(n_samples,)`` or ``(n_samples, p)``."""
        out = np.zeros((self.n_features,) + r.shape[1:])
        for rows in _row_blocks(*self.shape):
            out += self._block(rows).T @ r[rows]
        return out

    def columns(self, support):
        """``A[:, support]`` as a float64 array."""
        return self._block(slice(None), support)

    def gram_rows(self, support):
        """``(A^T A[:, support])^T``: rows of the Gram matrix, one pass over ``X``."""
        return self.rmatvec(self.columns(support)).T

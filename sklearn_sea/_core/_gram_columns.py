"""Gram rows ``A^T a_j`` of a dense operator-mode design, for visited indices.

In operator mode an iteration of SEA costs a product with ``A^T`` (``2 m n``
flops) and a ``k x k`` block ``A_S^T A_S`` (``m k^2``), although SEA keeps
visiting the same few hundred indices: at m=2000, n=10000, k=200, 1000
iterations visit 435 distinct indices. :class:`GramRows` keeps ``G_j = A^T
a_j`` for the indices that entered a support, so that an iteration whose
indices are all kept costs ``O(n k)`` (the gradient ``sum_j x_j G_j``, the
block a gather), and a newly visited index one product with ``A^T``. The
rows stay under :data:`GRAM_ROWS_BYTES`; past it the least recently used
indices are evicted (a revisit computes the row again, equal up to the
rounding of the matrix product it is part of).
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

#: Bytes of Gram rows a dense operator-mode design keeps (allocated as
#: visited, doubling, never beyond this).
GRAM_ROWS_BYTES = 128 * 2**20

_INITIAL_ROWS = 64


class GramRows:
    """Least-recently-used store of rows ``A^T a_j`` of a dense float64 ``A``.

    The bookkeeping is vectorised (an index-to-row table and a last-use
    stamp per row) so that a lookup costs a few numpy calls, not a Python
    loop over the support.

    Parameters
    ----------
    A : ndarray of shape (n_samples, n_features), float64, or Float32Rows
        The design, or a design formed by blocks that computes its Gram
        rows itself (``A.gram_rows(M)``,
        :class:`~sklearn_sea._core._float32_rows.Float32Rows`).
    budget : int or None
        Bytes of rows kept; None is :data:`GRAM_ROWS_BYTES`.
    """

    def __init__(self, A, budget=None):
        if isinstance(A, np.ndarray):
            # (A^T A_M)^T = A_M^T A: one matrix product for all new indices.
            self._products = lambda missing: A[:, missing].T @ A
        else:
            self._products = A.gram_rows
        n_features = A.shape[1]
        budget = GRAM_ROWS_BYTES if budget is None else budget
        self.capacity = budget // max(n_features * 8, 1)  # float64 rows
        self._store = np.empty((min(self.capacity, _INITIAL_ROWS), n_features))
        self._row_of = np.full(n_features, -1, dtype=np.intp)
        self._index_of = np.full(self._store.shape[0], -1, dtype=np.intp)
        self._last_use = np.zeros(self._store.shape[0], dtype=np.int64)
        self._clock = 0
        self.n_products = 0

    @property
    def n_kept(self):
        """Number of indices whose row is kept."""
        return int(np.count_nonzero(self._index_of >= 0))

    def rows(self, support):
        """``G[support]`` of shape ``(len(support), n_features)``, or None.

        None when the budget holds fewer rows than the support.
        """
        found = self.positions(support)
        return None if found is None else found[0].take(found[1], axis=0)

    def positions(self, support):
        """``(store, positions)`` with ``store[positions] = G[support]``, or None.

        The rows are not gathered: ``store`` is the array that keeps them
        (valid until the next call). None when the budget holds fewer rows
        than the support.
        """
        if support.shape[0] > self.capacity:
            return None
        self._clock += 1
        rows = self._row_of[support]
        absent = rows < 0
        if absent.any():
            rows[absent] = self._insert(support, support[absent])
        self._last_use[rows] = self._clock
        return self._store, rows

    def _insert(self, support, missing):
        free = np.flatnonzero(self._index_of < 0)
        if free.shape[0] < missing.shape[0]:
            self._grow(self._store.shape[0] - free.shape[0] + missing.shape[0])
            free = np.flatnonzero(self._index_of < 0)
        if free.shape[0] < missing.shape[0]:
            # Evict the least recently used rows outside the current support.
            self._last_use[self._row_of[support[self._row_of[support] >= 0]]] = (
                self._clock
            )
            n_evict = missing.shape[0] - free.shape[0]
            stamps = np.where(
                self._index_of >= 0, self._last_use, np.iinfo(np.int64).max
            )
            oldest = np.argsort(stamps, kind="stable")[:n_evict]
            self._row_of[self._index_of[oldest]] = -1
            self._index_of[oldest] = -1
            free = np.sort(np.concatenate([free, oldest]))
        new = free[: missing.shape[0]]
        self._store[new] = self._products(missing)
        self._row_of[missing] = new
        self._index_of[new] = missing
        self.n_products += missing.shape[0]
        return new

    def _grow(self, needed):
        old = self._store.shape[0]
        length = min(self.capacity, max(2 * old, needed))
        if length <= old:
            return
        bigger = np.empty((length, self._store.shape[1]))
        bigger[:old] = self._store
        self._store = bigger
        self._index_of = np.concatenate(
            [self._index_of, np.full(length - old, -1, dtype=np.intp)]
        )
        self._last_use = np.concatenate(
            [self._last_use, np.zeros(length - old, dtype=np.int64)]
        )

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

from collections import OrderedDict

import numpy as np

#: Bytes of Gram rows a dense operator-mode design keeps (allocated as
#: visited, doubling, never beyond this).
GRAM_ROWS_BYTES = 128 * 2**20

_INITIAL_ROWS = 64


class GramRows:
    """Least-recently-used store of rows ``A^T a_j`` of a dense float64 ``A``.

    Parameters
    ----------
    A : ndarray of shape (n_samples, n_features), float64
    budget : int or None
        Bytes of rows kept; None is :data:`GRAM_ROWS_BYTES`.
    """

    def __init__(self, A, budget=None):
        self.A = A
        n_features = A.shape[1]
        budget = GRAM_ROWS_BYTES if budget is None else budget
        self.capacity = budget // max(n_features * A.dtype.itemsize, 1)
        self._store = np.empty((min(self.capacity, _INITIAL_ROWS), n_features))
        self._slots = OrderedDict()  # index -> row of _store, oldest use first
        self._free = list(range(self._store.shape[0]))[::-1]
        self.n_products = 0

    def rows(self, support):
        """``G[support]`` of shape ``(len(support), n_features)``, or None.

        None when the budget holds fewer rows than the support.
        """
        if support.shape[0] > self.capacity:
            return None
        slots = self._slots
        indices = support.tolist()
        missing = []
        for j in indices:
            if j in slots:
                slots.move_to_end(j)
            else:
                missing.append(j)
        if missing:
            self._insert(missing)
        return self._store[[slots[j] for j in indices]]

    def _insert(self, missing):
        slots = self._slots
        needed = len(missing) - len(self._free)
        if needed > 0:
            grow = min(
                self.capacity, max(2 * self._store.shape[0], len(slots) + len(missing))
            )
            if grow > self._store.shape[0]:
                old = self._store.shape[0]
                bigger = np.empty((grow, self._store.shape[1]))
                bigger[:old] = self._store
                self._store = bigger
                self._free.extend(range(grow - 1, old - 1, -1))
        while len(self._free) < len(missing):
            # The current support's kept indices were just moved to the end.
            _, slot = slots.popitem(last=False)
            self._free.append(slot)
        new = [self._free.pop() for _ in missing]
        # One matrix product for all new indices: (A^T A_M)^T = A_M^T A.
        self._store[new] = self.A[:, missing].T @ self.A
        self.n_products += len(missing)
        for j, slot in zip(missing, new, strict=True):
            slots[j] = slot

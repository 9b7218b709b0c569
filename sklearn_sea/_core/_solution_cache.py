"""Per-support solutions under a byte budget, for solvers that revisit supports.

SEA revisits supports, so a solver that keeps the solution of each support
answers a revisit with a lookup instead of a solve. Keeping every solution
grows with the run (about ``16 k + 256`` bytes per support: a million
supports at ``k = 60`` is over a gigabyte); :class:`SolutionCache` keeps the
most recently used ones under a byte budget and still counts the distinct
supports exactly (:func:`~sklearn_sea._core._accelerator.support_counter`).
"""

# SPDX-License-Identifier: BSD-3-Clause

from collections import OrderedDict

from . import _accelerator

#: Bytes charged per entry on top of its key and coefficients: the tuple, the
#: bytes key and the arrays' headers.
ENTRY_OVERHEAD_BYTES = 256


class SolutionCache:
    """Least-recently-used map from support keys to solutions, under a budget.

    Parameters
    ----------
    budget : int
        Bytes of solutions kept. An entry of a support of ``k`` indices is
        counted as ``16 k`` bytes (its key and ``k`` float64 coefficients)
        plus :data:`ENTRY_OVERHEAD_BYTES`; at least one entry is kept.
    """

    def __init__(self, budget):
        self.budget = budget
        self._entries = OrderedDict()
        self._limit = None
        self._supports = _accelerator.support_counter()

    def __len__(self):
        return len(self._entries)

    @property
    def n_distinct(self):
        """Number of distinct supports ever stored (evicted ones included)."""
        return self._supports.count

    def get(self, key):
        """The solution stored for ``key`` (marked as just used), or None."""
        hit = self._entries.get(key)
        if hit is not None:
            self._entries.move_to_end(key)
        return hit

    def put(self, key, solution):
        """Store ``solution``, evicting the least recently used past the budget."""
        if self._limit is None:
            k = len(key) // 8
            self._limit = max(self.budget // (16 * k + ENTRY_OVERHEAD_BYTES), 1)
        self._supports.add(key)
        entries = self._entries
        entries[key] = solution
        if len(entries) > self._limit:
            entries.popitem(last=False)
        return solution

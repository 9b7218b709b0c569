"""A loss curve that grows with the iterations run, not with ``max_iter``.

A solver that may run ``max_iter`` iterations but stops early (an exact fit,
``n_iter_no_change``) must not reserve ``max_iter`` floats up front:
``max_iter=10**11`` would ask for 745 GiB. The curve starts small and doubles
when full (never beyond ``max_iter``), so its memory is at most twice what
the iterations that ran need.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

#: Entries reserved before the first iteration.
INITIAL_LENGTH = 1024


def grown(curve, needed, max_iter):
    """``curve`` with room for ``needed`` entries (a new array if it grows)."""
    if needed <= curve.shape[0]:
        return curve
    length = min(max(2 * curve.shape[0], needed), max_iter)
    bigger = np.empty(length, dtype=curve.dtype)
    bigger[: curve.shape[0]] = curve
    return bigger


class LossCurve:
    """Objective per iteration, appended in runs of equal values."""

    def __init__(self, max_iter):
        self.max_iter = max_iter
        self._values = np.empty(min(max_iter, INITIAL_LENGTH))
        self.length = 0

    def fill(self, value, count=1):
        """Append ``count`` iterations of objective ``value``."""
        end = self.length + count
        self._values = grown(self._values, end, self.max_iter)
        self._values[self.length : end] = value
        self.length = end

    def to_array(self):
        """The objectives recorded so far (a view, without the spare room)."""
        return self._values[: self.length]

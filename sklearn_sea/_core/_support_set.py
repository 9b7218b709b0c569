"""Count of distinct supports in memory independent of their size.

SEA reports how many distinct supports it visited. Keeping every support key
(``k`` indices, 8 bytes each) costs ``8 k`` bytes per support plus Python's
overhead per object: about 500 MiB for a million supports at ``k = 60``.
:class:`SupportCounter` keeps a 16-byte BLAKE2b digest of each key in an
open-addressing table of two ``uint64`` arrays instead: 32 bytes per support
at most (the table is at most half full), whatever ``k``. Two distinct
supports share a digest with probability about ``N^2 / 2^129`` for ``N``
supports (below ``10^-26`` for a billion), so the count is exact for any
run that fits in a computer's lifetime.
"""

# SPDX-License-Identifier: BSD-3-Clause

from hashlib import blake2b

import numpy as np

_INITIAL_SLOTS = 1024


def support_digest(key):
    """The two 64-bit halves of the 16-byte BLAKE2b digest of ``key``.

    A digest of zero marks an empty slot, so it is moved to 1 (one more
    collision among 2^128 values).
    """
    digest = blake2b(key, digest_size=16).digest()
    high = int.from_bytes(digest[:8], "little")
    low = int.from_bytes(digest[8:], "little")
    if high == 0 and low == 0:
        low = 1
    return high, low


class SupportCounter:
    """Set of support keys (bytes) kept as 16-byte digests; counts insertions."""

    def __init__(self):
        self._high = np.zeros(_INITIAL_SLOTS, dtype=np.uint64)
        self._low = np.zeros(_INITIAL_SLOTS, dtype=np.uint64)
        self.count = 0

    @property
    def nbytes(self):
        """Bytes of the table."""
        return self._high.nbytes + self._low.nbytes

    def add(self, key):
        """Insert ``key``; True if it was not in the set."""
        high, low = support_digest(key)
        if self._insert(high, low):
            self.count += 1
            if 2 * self.count > self._high.shape[0]:
                self._grow()
            return True
        return False

    def _insert(self, high, low):
        highs, lows = self._high, self._low
        mask = highs.shape[0] - 1
        slot = high & mask
        # Linear probing: the table is at most half full, so runs are short.
        while True:
            h = int(highs[slot])
            if h == 0 and lows[slot] == 0:
                highs[slot], lows[slot] = high, low
                return True
            if h == high and int(lows[slot]) == low:
                return False
            slot = (slot + 1) & mask

    def _grow(self):
        highs, lows = self._high, self._low
        used = (highs != 0) | (lows != 0)
        self._high = np.zeros(2 * highs.shape[0], dtype=np.uint64)
        self._low = np.zeros(2 * lows.shape[0], dtype=np.uint64)
        for high, low in zip(highs[used].tolist(), lows[used].tolist(), strict=True):
            self._insert(high, low)

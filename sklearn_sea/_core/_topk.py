"""Projection onto k-sparse supports: the k largest entries in magnitude."""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np


def top_k(x, k):
    """Indices of the ``k`` largest ``|x|``, sorted increasingly.

    Ties are broken towards the lowest index, so the result is a
    deterministic function of ``x`` (``np.argpartition`` alone is not).

    Parameters
    ----------
    x : ndarray of shape (n,)
        Vector to threshold.
    k : int
        Size of the support, ``0 <= k``. Values above ``n`` are clipped.

    Returns
    -------
    support : ndarray of shape (min(k, n),), dtype=intp
        Sorted indices of the selected entries.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea._core import top_k
    >>> top_k(np.array([0.5, -3.0, 1.0, 1.0, 0.0]), 2)
    array([1, 2])
    """
    a = np.abs(x)
    n = a.shape[0]
    if k >= n:
        return np.arange(n)
    if k <= 0:
        return np.empty(0, dtype=np.intp)
    threshold = np.partition(a, n - k)[n - k]
    above = np.flatnonzero(a > threshold)
    # Entries equal to the threshold fill the remaining places, lowest first.
    ties = np.flatnonzero(a == threshold)[: k - above.shape[0]]
    support = np.concatenate((above, ties))
    support.sort()
    return support


def support_key(support):
    """Hashable key of a sorted support, for caches of solved supports."""
    return support.tobytes()

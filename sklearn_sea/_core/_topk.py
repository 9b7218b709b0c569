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
    # This is SEA's innermost operation: ndarray methods, not the numpy
    # functions wrapping them, and no tie handling unless there is a tie.
    partitioned = a.copy()
    partitioned.partition(n - k)
    threshold = partitioned[n - k]
    support = (a >= threshold).nonzero()[0]
    if support.shape[0] == k:
        return support
    above = np.flatnonzero(a > threshold)
    # Entries equal to the threshold fill the remaining places, lowest first.
    ties = np.flatnonzero(a == threshold)[: k - above.shape[0]]
    support = np.concatenate((above, ties))
    support.sort()
    return support


def top_k_rows(x, k):
    """Row-wise :func:`top_k` of a 2-D array, with the same tie rule.

    Parameters
    ----------
    x : ndarray of shape (n_rows, n)
        One vector to threshold per row.
    k : int
        Support size, ``0 <= k <= n``.

    Returns
    -------
    support : ndarray of shape (n_rows, k), dtype=intp
        Sorted indices per row; row ``i`` equals ``top_k(x[i], k)``.
    """
    a = np.abs(x)
    n_rows, n = a.shape
    if k >= n:
        return np.broadcast_to(np.arange(n), (n_rows, n)).copy()
    if k <= 0:
        return np.empty((n_rows, 0), dtype=np.intp)
    threshold = np.partition(a, n - k, axis=1)[:, n - k, None]
    above = a > threshold
    ties = a == threshold
    # Among the entries equal to the threshold keep the lowest indices, as
    # many as the entries strictly above leave room for.
    room = k - np.count_nonzero(above, axis=1, keepdims=True)
    selected = above | (ties & (np.cumsum(ties, axis=1) <= room))
    return np.nonzero(selected)[1].reshape(n_rows, k)


def support_key(support):
    """Hashable key of a sorted support, for caches of solved supports."""
    return support.tobytes()

# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# distutils: language = c++
"""Compiled SEA iterations in Gram mode (optional accelerator).

The iterates of the pure-Python loop of :func:`sklearn_sea._sea._sea` in
Gram mode: top-k selection with the lowest-index tie rule, a Cholesky solve
of the normal equations on the support (the minimum-norm solution, through
Python, for the rare singular blocks), the gradient ``G[S] x_S - A^T y`` and
the exploration update. An iteration costs its arithmetic and no Python
call: at SEA's usual sizes (k ~ 60, n_features ~ 500) numpy's per-call
overhead is most of the pure-Python loop's time. The factorisation, its
solves and the gradient are C loops in ``_sea_gram_kernels.h``.

The caller chooses this kernel (see :mod:`sklearn_sea._core._accelerator`);
the results equal those of the Python loop up to rounding.
"""

# SPDX-License-Identifier: BSD-3-Clause

from cpython.exc cimport PyErr_CheckSignals
from libc.math cimport INFINITY, ceil, fabs, isfinite
from libc.string cimport memcmp, memcpy
from libcpp.algorithm cimport nth_element

import time

import numpy as np


cdef extern from "_sea_gram_kernels.h" nogil:
    void sea_gradient(const double *gram, Py_ssize_t n, const double *aty,
                      const Py_ssize_t *support, const double *coef,
                      Py_ssize_t k, double *out)
    Py_ssize_t sea_block_stride(Py_ssize_t k)
    Py_ssize_t sea_cholesky(double *a, Py_ssize_t k, Py_ssize_t stride,
                            double *inverse)
    void sea_cholesky_back_solve(const double *l, const double *inverse,
                                 Py_ssize_t k, Py_ssize_t stride, double *x)


cdef double _EPS = np.finfo(np.float64).eps

# The loss curve's first length; it doubles when full (never past max_iter),
# so memory follows the iterations run, not max_iter.
cdef Py_ssize_t _CURVE_INITIAL_LENGTH = 1024
# Slots of the table of support digests before its first doubling.
cdef Py_ssize_t _DIGESTS_INITIAL_SLOTS = 1024

# Floating-point operations between two checks for Ctrl-C: about 10 ms of
# work at the loop's usual rate, far below the 0.1 s a user notices, and
# enough that the check itself costs nothing measurable.
cdef double _WORK_BETWEEN_SIGNAL_CHECKS = 2e7


cdef _check_inputs(const double[:, ::1] gram, const double[::1] aty,
                   double y_sq_norm, Py_ssize_t k, Py_ssize_t max_iter,
                   double step_size, double tol, const double[::1] exploration,
                   const Py_ssize_t[::1] first_support):
    """Raise ValueError unless the loop can run on these inputs.

    The loop reads ``gram``, ``aty`` and ``exploration`` at the indices of
    its supports with bounds checks off: a wrong size, an index out of range
    or an unsorted support would read or write outside the arrays.
    """
    cdef Py_ssize_t n = gram.shape[0], i, j
    if n < 1 or gram.shape[1] != n:
        raise ValueError(
            f"sea_gram_loop: gram must be a non-empty square matrix; got shape "
            f"({gram.shape[0]}, {gram.shape[1]}).")
    if aty.shape[0] != n or exploration.shape[0] != n:
        raise ValueError(
            f"sea_gram_loop: inconsistent shapes of its inputs: gram has {n} "
            f"rows, aty {aty.shape[0]} entries and exploration "
            f"{exploration.shape[0]}.")
    if not 1 <= k <= n:
        raise ValueError(
            f"sea_gram_loop: k must be in [1, n_features={n}]; got k={k}.")
    if first_support.shape[0] != k:
        raise ValueError(
            f"sea_gram_loop: first_support must hold k={k} indices (inconsistent "
            f"shapes); got {first_support.shape[0]}.")
    for j in range(k):
        if not 0 <= first_support[j] < n or (
                j > 0 and first_support[j] <= first_support[j - 1]):
            raise ValueError(
                "sea_gram_loop: first_support must be strictly increasing "
                f"indices in [0, {n}).")
    if max_iter < 1:
        raise ValueError(f"sea_gram_loop: max_iter must be >= 1; got {max_iter}.")
    if not (isfinite(step_size) and step_size > 0):
        raise ValueError(
            f"sea_gram_loop: step_size must be a finite positive number; got "
            f"{step_size}.")
    if not tol >= 0:
        raise ValueError(f"sea_gram_loop: tol must be >= 0; got {tol}.")
    if not isfinite(y_sq_norm):
        raise ValueError("sea_gram_loop: y_sq_norm is NaN or infinite.")
    # O(n) checks: a NaN off the diagonal of gram reaches the exploration
    # vector within an iteration, where the top-k selection reports it.
    for i in range(n):
        if not (isfinite(aty[i]) and isfinite(exploration[i])
                and isfinite(gram[i, i]) and gram[i, i] >= 0):
            raise ValueError(
                "sea_gram_loop: aty, exploration or the diagonal of gram holds "
                "NaN, infinity or a negative value.")


cdef Py_ssize_t _top_k(const double[::1] x, Py_ssize_t k,
                       const Py_ssize_t[::1] previous, double[::1] scratch,
                       Py_ssize_t[::1] candidates,
                       Py_ssize_t[::1] support) noexcept nogil:
    """Sorted indices of the k largest |x|, ties to the lowest index.

    ``previous`` is the last support: its smallest current magnitude ``m``
    bounds the k-th largest from below (those k entries are all at least
    ``m``), so the selection runs on the few entries ``>= m`` only, since
    consecutive supports of SEA share most of their indices. ``scratch``
    and ``candidates`` (n entries each) receive their magnitudes and indices.

    Returns the number of indices written: k, or fewer when ``x`` holds NaN
    (which the caller reports).
    """
    cdef Py_ssize_t n = x.shape[0]
    cdef Py_ssize_t i, j, n_candidates = 0, count = 0, above = 0
    cdef double floor, threshold, a
    if k >= n:
        for i in range(n):
            support[i] = i
        return n
    floor = fabs(x[previous[0]])
    for i in range(1, k):
        a = fabs(x[previous[i]])
        if a < floor:
            floor = a
    for i in range(n):
        a = fabs(x[i])
        if a >= floor:
            scratch[n_candidates] = a
            candidates[n_candidates] = i
            n_candidates += 1
        elif a != a:  # NaN: no order to select by
            return 0
    if n_candidates < k:  # NaN in the previous support
        return 0
    nth_element(&scratch[0], &scratch[n_candidates - k],
                &scratch[0] + n_candidates)
    threshold = scratch[n_candidates - k]
    # After nth_element only the k - 1 entries past the threshold can exceed it.
    for i in range(n_candidates - k + 1, n_candidates):
        if scratch[i] > threshold:
            above += 1
    # Entries equal to the threshold fill the places the larger ones leave,
    # lowest index first: one scan of the candidates (in index order, and
    # the others are below the threshold) keeps the support sorted.
    for j in range(n_candidates):
        i = candidates[j]
        a = fabs(x[i])
        if a > threshold:
            support[count] = i
            count += 1
        elif a == threshold and above < k:
            support[count] = i
            count += 1
            above += 1
    return count


cdef bint _increasing(const Py_ssize_t *indices, Py_ssize_t k) noexcept nogil:
    """Whether ``indices`` increase strictly from a non-negative first one."""
    cdef Py_ssize_t j
    if indices[0] < 0:
        return False
    for j in range(1, k):
        if indices[j] <= indices[j - 1]:
            return False
    return True


cpdef Py_ssize_t factor_doubles(Py_ssize_t k):
    """Doubles of the workspace of one support solve of size ``k``.

    The bordered block by padded columns (see ``_sea_gram_kernels.h``), the
    reciprocal pivots and the solution.
    """
    if k < 1:
        raise ValueError(f"factor_doubles: k must be >= 1; got {k}.")
    return sea_block_stride(k) * (k + 1) + k


cdef double _gather_block(const double *rows, Py_ssize_t n,
                          const Py_ssize_t *positions,
                          const Py_ssize_t *support, Py_ssize_t k,
                          const Py_ssize_t *previous_support,
                          const double *previous_block, Py_ssize_t *index,
                          double *block, double *factor) noexcept nogil:
    """``G_SS`` into ``factor`` (and ``block``); returns its largest diagonal entry.

    ``G[s_j, s_i]`` (``i <= j``) is ``rows[positions[j] * n + s_i]``, row j
    read from the row kept for ``s_j``. ``factor`` receives it in the layout
    of :c:func:`sea_cholesky` (column i, row j), lower triangle only:
    :func:`_factor_solve` writes the layout's other rows. Without
    ``previous_block`` (NULL) only ``factor`` is written.
    Consecutive supports of SEA share most of their indices, and operator
    mode's rows span tens of megabytes: when ``previous_block`` is given and
    both supports increase, an entry whose two indices were both in
    ``previous_support`` is copied from it, the value read then, and only
    the others are read from ``rows``; ``block`` receives the unfactored
    lower triangle (row-major, ``k * k``), the next call's
    ``previous_block``. ``index`` is k entries of scratch.
    """
    cdef Py_ssize_t stride = sea_block_stride(k)
    cdef Py_ssize_t i, j, a = 0, b = 0, pi, pj
    cdef const double *row
    cdef const double *previous_row
    cdef double value, diag_max = 0.0
    if previous_block == NULL:
        for j in range(k):
            row = rows + positions[j] * n
            for i in range(j + 1):
                factor[i * stride + j] = row[support[i]]
            if factor[j * stride + j] > diag_max:
                diag_max = factor[j * stride + j]
        return diag_max
    for j in range(k):
        index[j] = -1
    if _increasing(previous_support, k) and _increasing(support, k):
        while a < k and b < k:
            if support[a] == previous_support[b]:
                index[a] = b
                a += 1
                b += 1
            elif support[a] < previous_support[b]:
                a += 1
            else:
                b += 1
    for j in range(k):
        row = rows + positions[j] * n
        pj = index[j]
        if pj < 0:
            for i in range(j + 1):
                value = row[support[i]]
                block[i + j * k] = value
                factor[i * stride + j] = value
        else:
            # Both indices shared: pi < pj, the previous lower triangle.
            previous_row = previous_block + pj * k
            for i in range(j + 1):
                pi = index[i]
                value = previous_row[pi] if pi >= 0 else row[support[i]]
                block[i + j * k] = value
                factor[i * stride + j] = value
        if block[j + j * k] > diag_max:
            diag_max = block[j + j * k]
    return diag_max


cdef double _gather_gram_block(const double *gram, Py_ssize_t n,
                               const Py_ssize_t *support, Py_ssize_t k,
                               double *factor) noexcept nogil:
    """:func:`_gather_block` on a symmetric Gram matrix, by columns.

    Column i of the factor's layout is read from row ``s_i`` of ``G``
    (``G[s_i, s_j] = G[s_j, s_i]``), so that each column is written in
    order. Returns the largest diagonal entry.
    """
    cdef Py_ssize_t stride = sea_block_stride(k)
    cdef Py_ssize_t i, j
    cdef const double *row
    cdef double *column
    cdef double diag_max = 0.0
    for i in range(k):
        row = gram + support[i] * n
        column = factor + i * stride
        for j in range(i, k):
            column[j] = row[support[j]]
        if column[i] > diag_max:
            diag_max = column[i]
    return diag_max


cdef bint _factor_solve(double *factor, Py_ssize_t k, double diag_max,
                        const double *aty, const Py_ssize_t *support,
                        double *coef) noexcept nogil:
    """Factor the block at ``factor`` and solve it into ``coef``.

    ``factor`` holds :func:`factor_doubles` doubles: the block's lower
    triangle from :func:`_gather_block` or :func:`_gather_gram_block`, then
    the scratch of :c:func:`sea_cholesky`. The rest of the kernel's layout
    is written here: zeros above the diagonal where its loops reach, the
    right-hand side ``aty[support]`` as the border row, zeros past it.
    False if the block is singular:
    the pivot rule of the Python kernel, a pivot whose square is below
    ``1e3 k eps max(diag G_SS)``, means a dependent column.
    """
    cdef Py_ssize_t stride = sea_block_stride(k), i, j
    cdef double *inverse = factor + k * stride
    cdef double *solution = inverse + k
    cdef double pivot_min
    if not diag_max > 0:
        return False
    for j in range(k):
        for i in range(j & ~3, j):
            factor[j * stride + i] = 0.0
        factor[j * stride + k] = aty[support[j]]
        for i in range(k + 1, stride):
            factor[j * stride + i] = 0.0
    if sea_cholesky(factor, k, stride, inverse) != 0:
        return False
    pivot_min = factor[0]
    for j in range(1, k):
        if factor[j * stride + j] < pivot_min:
            pivot_min = factor[j * stride + j]
    if not pivot_min * pivot_min > 1e3 * k * _EPS * diag_max:
        return False
    sea_cholesky_back_solve(factor, inverse, k, stride, solution)
    memcpy(coef, solution, k * sizeof(double))
    return True


cdef inline unsigned long long _mix(unsigned long long z) noexcept nogil:
    """A bijective 64-bit finaliser (SplitMix64's): every input bit reaches
    every output bit."""
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL
    return z ^ (z >> 31)


cdef void _support_digest(const Py_ssize_t *support, Py_ssize_t k,
                          unsigned long long *high,
                          unsigned long long *low) noexcept nogil:
    """A 128-bit digest of a support: two chained 64-bit hashes, seeded apart.

    Only the count of distinct supports uses it (two supports sharing a
    digest would be counted once); see :func:`_insert_digest`.
    """
    cdef unsigned long long h = 0x9e3779b97f4a7c15ULL, l = 0x6a09e667f3bcc909ULL
    cdef Py_ssize_t j
    for j in range(k):
        h = _mix(h ^ <unsigned long long>support[j])
        l = _mix(l + 0x9e3779b97f4a7c15ULL * (<unsigned long long>support[j] + 1))
    h = _mix(h ^ <unsigned long long>k)
    if h == 0 and l == 0:  # zero marks an empty slot
        l = 1
    high[0] = h
    low[0] = l


cdef bint _insert_digest(unsigned long long[::1] table, unsigned long long high,
                         unsigned long long low) noexcept nogil:
    """Insert a digest into an open-addressing table of (high, low) pairs.

    Returns True if it was absent. The table is at most half full (the
    caller doubles it), so linear probing ends fast.
    """
    cdef Py_ssize_t mask = table.shape[0] // 2 - 1
    cdef Py_ssize_t slot = <Py_ssize_t>(high & <unsigned long long>mask)
    while True:
        if table[2 * slot] == 0 and table[2 * slot + 1] == 0:
            table[2 * slot] = high
            table[2 * slot + 1] = low
            return True
        if table[2 * slot] == high and table[2 * slot + 1] == low:
            return False
        slot = (slot + 1) & mask


def _doubled_table(unsigned long long[::1] table):
    """The digests of ``table`` in a table of twice as many slots."""
    bigger_arr = np.zeros(2 * table.shape[0], dtype=np.uint64)
    cdef unsigned long long[::1] bigger = bigger_arr
    cdef Py_ssize_t slot
    for slot in range(table.shape[0] // 2):
        if table[2 * slot] != 0 or table[2 * slot + 1] != 0:
            _insert_digest(bigger, table[2 * slot], table[2 * slot + 1])
    return bigger_arr


cdef class SupportDigests:
    """The compiled :class:`~sklearn_sea._core._support_set.SupportCounter`.

    The same interface (``add``, ``count``, ``nbytes``) and table (16 bytes
    per slot, at most half full), with the digests of the compiled loop
    instead of BLAKE2b: a key costs a fraction of a microsecond instead of
    about five, which was a tenth of a binary ``SEAClassifier`` fit.
    Counts are exact up to digest collisions, as with BLAKE2b (about
    ``N^2 / 2^129`` for ``N`` supports).
    """

    cdef unsigned long long[::1] _table
    cdef readonly Py_ssize_t count

    def __init__(self):
        self._table = np.zeros(2 * _DIGESTS_INITIAL_SLOTS, dtype=np.uint64)
        self.count = 0

    @property
    def nbytes(self):
        """Bytes of the table."""
        return self._table.shape[0] * sizeof(unsigned long long)

    def add(self, bytes key):
        """Insert ``key`` (the bytes of an intp array); True if it was new."""
        cdef Py_ssize_t size = len(key)
        if size % sizeof(Py_ssize_t) != 0:
            raise ValueError(
                f"SupportDigests.add: key must hold whole intp indices; got "
                f"{size} bytes.")
        cdef const char *data = key
        return self._add(<const Py_ssize_t *> data, size // sizeof(Py_ssize_t))

    cdef bint _add(self, const Py_ssize_t *support, Py_ssize_t k) except -1:
        """:meth:`add` on the ``k`` indices at ``support`` (the compiled loop's)."""
        cdef unsigned long long high, low
        _support_digest(support, k, &high, &low)
        if not _insert_digest(self._table, high, low):
            return False
        self.count += 1
        if 4 * self.count > self._table.shape[0]:  # over half full
            self._table = _doubled_table(self._table)
        return True


def _grown_curve(curve, Py_ssize_t needed, Py_ssize_t max_iter):
    """``curve`` with room for ``needed`` entries, doubled, at most max_iter."""
    cdef Py_ssize_t length = curve.shape[0]
    if needed <= length:
        return curve
    bigger = np.empty(min(max(2 * length, needed), max_iter))
    bigger[:length] = curve
    return bigger


cdef Py_ssize_t _steady_iterations(const double[::1] exploration,
                                   const double[::1] move,
                                   const unsigned char[::1] inside,
                                   Py_ssize_t remaining) noexcept nogil:
    """How many more iterations provably keep the support, at most ``remaining``.

    ``inside`` marks the entries of the support.

    The bound of ``sklearn_sea._sea._steady_iterations``, computed in two
    passes: while the support is kept every entry moves linearly, and no
    entry outside may reach the smallest one inside, with room left for the
    rounding of ``remaining`` sequential subtractions.
    """
    cdef Py_ssize_t n = exploration.shape[0], i
    cdef double magnitude_max = 0.0, speed_max = 0.0, inside_min = INFINITY
    cdef double inside_speed_max = 0.0, a, v, rounding, gap, closing
    cdef double horizon = INFINITY
    for i in range(n):
        a = fabs(exploration[i])
        v = fabs(move[i])
        if a > magnitude_max:
            magnitude_max = a
        if v > speed_max:
            speed_max = v
        if inside[i]:
            if a < inside_min:
                inside_min = a
            if v > inside_speed_max:
                inside_speed_max = v
    rounding = 4 * _EPS * remaining * (magnitude_max + remaining * speed_max)
    for i in range(n):
        if inside[i]:
            continue
        gap = inside_min - rounding - fabs(exploration[i])
        if not gap > 0:
            return 0
        closing = fabs(move[i]) + inside_speed_max
        # Iteration j is safe when j * closing < gap.
        if closing > 0 and gap / closing < horizon:
            horizon = gap / closing
    if horizon >= remaining + 1:
        return remaining
    return <Py_ssize_t>ceil(horizon) - 1


cdef _check_positions(const Py_ssize_t[::1] positions, Py_ssize_t n_rows,
                      str caller):
    """Refuse a row position outside ``[0, n_rows)`` (a read out of bounds)."""
    cdef Py_ssize_t j
    for j in range(positions.shape[0]):
        if not 0 <= positions[j] < n_rows:
            raise ValueError(f"{caller}: positions must be in [0, {n_rows}).")


def rows_gradient(const double[:, ::1] rows, const Py_ssize_t[::1] positions,
                  const double[::1] coef, const double[::1] aty):
    """``rows[positions]^T coef - aty`` without gathering the rows.

    Operator mode keeps Gram rows of visited indices in one array
    (:class:`~sklearn_sea._core._gram_columns.GramRows`); gathering the k
    rows of a support before the product would copy ``k n_features``
    doubles per iteration, more memory traffic than the product itself.
    The kernel of the compiled loop reads them where they are.

    Parameters
    ----------
    rows : ndarray of shape (n_rows, n_features), C-contiguous float64
    positions : ndarray of shape (k,), dtype intp
        Rows combined, each in ``[0, n_rows)``.
    coef : ndarray of shape (k,)
    aty : ndarray of shape (n_features,)

    Returns
    -------
    ndarray of shape (n_features,)
    """
    cdef Py_ssize_t n = rows.shape[1], k = positions.shape[0], j
    if coef.shape[0] != k or aty.shape[0] != n:
        raise ValueError(
            f"rows_gradient: inconsistent shapes: {k} positions, "
            f"{coef.shape[0]} coefficients, rows of {n} and aty of "
            f"{aty.shape[0]} entries.")
    _check_positions(positions, rows.shape[0], "rows_gradient")
    out_arr = np.empty(n)
    cdef double[::1] out = out_arr
    if n == 0:
        return out_arr
    if k == 0:
        for j in range(n):
            out[j] = -aty[j]
        return out_arr
    with nogil:
        sea_gradient(&rows[0, 0], n, &aty[0], &positions[0], &coef[0], k, &out[0])
    return out_arr


def seeded_top_k(const double[::1] x, Py_ssize_t k,
                 const Py_ssize_t[::1] previous):
    """The compiled loop's top-k for the Python loop; None if ``x`` holds NaN.

    Sorted indices of the k largest ``|x|``, ties to the lowest index (the
    result of :func:`~sklearn_sea._core.top_k`). ``previous``, the last
    support, bounds the k-th largest from below, so that only the entries
    above that bound are selected from: at n_features = 100,000 this is
    several times faster than a partition of all of ``x``.

    Parameters
    ----------
    x : ndarray of shape (n,)
    k : int
        ``1 <= k < n``.
    previous : ndarray of shape (k,), dtype intp
        Increasing indices in ``[0, n)``.

    Returns
    -------
    ndarray of shape (k,) or None
    """
    cdef Py_ssize_t n = x.shape[0], j, count
    if not 1 <= k < n or previous.shape[0] != k:
        raise ValueError(
            f"seeded_top_k: needs 1 <= k < n ({k}, {n}) and k previous indices "
            f"({previous.shape[0]}).")
    for j in range(k):
        if not 0 <= previous[j] < n or (j > 0 and previous[j] <= previous[j - 1]):
            raise ValueError(
                f"seeded_top_k: previous must be increasing indices in [0, {n}).")
    cdef double[::1] scratch = np.empty(n)
    cdef Py_ssize_t[::1] candidates = np.empty(n, dtype=np.intp)
    support_arr = np.empty(k, dtype=np.intp)
    cdef Py_ssize_t[::1] support = support_arr
    with nogil:
        count = _top_k(x, k, previous, scratch, candidates, support)
    return support_arr if count == k else None


def support_solve(const double[:, ::1] gram, const double[::1] aty,
                  const Py_ssize_t[::1] support):
    """The loop's solve of ``G_SS x = b_S``, or None where it reports singular.

    The gather, Cholesky factorisation and back substitution of the compiled
    loop on one support, with the loop's pivot rule, for the tests.

    Parameters
    ----------
    gram : ndarray of shape (n_features, n_features), C-contiguous float64
    aty : ndarray of shape (n_features,)
    support : ndarray of shape (k,), dtype intp
        Distinct indices in ``[0, n_features)``, ``k >= 1``.

    Returns
    -------
    ndarray of shape (k,) or None
    """
    cdef Py_ssize_t n = gram.shape[0], k = support.shape[0], j
    if gram.shape[1] != n or aty.shape[0] != n or not 1 <= k <= n:
        raise ValueError(
            f"support_solve: needs a square gram ({gram.shape[0]} x "
            f"{gram.shape[1]}), aty of its size ({aty.shape[0]}) and "
            f"1 <= k <= n_features support indices (k={k}).")
    seen = np.zeros(n, dtype=bool)
    for j in range(k):
        if not 0 <= support[j] < n or seen[support[j]]:
            raise ValueError(
                f"support_solve: support must hold distinct indices in [0, {n}).")
        seen[support[j]] = True
    cdef double[::1] factor = np.empty(factor_doubles(k))
    coef_arr = np.empty(k)
    cdef double[::1] coef = coef_arr
    cdef bint solved
    cdef double diag_max
    with nogil:
        diag_max = _gather_gram_block(&gram[0, 0], n, &support[0], k, &factor[0])
        solved = _factor_solve(&factor[0], k, diag_max, &aty[0], &support[0],
                               &coef[0])
    return coef_arr if solved else None


def rows_support_solve(const double[:, ::1] rows,
                       const Py_ssize_t[::1] positions,
                       const Py_ssize_t[::1] support, const double[::1] aty,
                       const Py_ssize_t[::1] previous_support,
                       const double[::1] previous_block, double[::1] block,
                       double[::1] work):
    """Solve ``G_SS x = b_S`` on Gram rows kept in ``rows``; None if singular.

    Operator mode's solve (see :meth:`SupportLeastSquares.refit_gradient`):
    ``G[s_j, s_i]`` is ``rows[positions[j], s_i]``. Consecutive supports of
    SEA share most of their indices, and the rows kept are too many to stay
    in cache: an entry whose two indices were both in ``previous_support``
    is copied from ``previous_block`` (the same value, read from memory in
    cache) and only the others are read from ``rows``.

    Parameters
    ----------
    rows : ndarray of shape (n_rows, n_features), C-contiguous float64
    positions : ndarray of shape (k,), dtype intp
        Row of ``rows`` holding each index of ``support``.
    support : ndarray of shape (k,), dtype intp
        Indices in ``[0, n_features)``; entries are reused only when both
        supports are increasing (SEA's are).
    aty : ndarray of shape (n_features,)
    previous_support : ndarray of shape (k,), dtype intp
        The support of ``previous_block``; -1 entries mean none.
    previous_block : ndarray of shape (k * k,)
        Lower triangle, row-major, of ``G`` on ``previous_support``.
    block : ndarray of shape (k * k,)
        Receives the lower triangle of ``G_SS`` (unfactored), the next
        call's ``previous_block``.
    work : ndarray of shape (factor_doubles(k),)
        Scratch for the factorisation (:func:`factor_doubles`).

    Returns
    -------
    ndarray of shape (k,) or None
    """
    cdef Py_ssize_t n = rows.shape[1], k = support.shape[0], j
    cdef bint solved
    cdef double diag_max
    if (positions.shape[0] != k or previous_support.shape[0] != k
            or previous_block.shape[0] != k * k or block.shape[0] != k * k
            or k < 1 or work.shape[0] != factor_doubles(k) or aty.shape[0] != n):
        raise ValueError(
            f"rows_support_solve: inconsistent shapes for k={k} support "
            f"indices and rows of {n} entries.")
    _check_positions(positions, rows.shape[0], "rows_support_solve")
    for j in range(k):
        if not 0 <= support[j] < n:
            raise ValueError(
                f"rows_support_solve: support must be in [0, {n}).")
    index_arr = np.empty(k, dtype=np.intp)
    cdef Py_ssize_t[::1] index = index_arr
    coef_arr = np.empty(k)
    cdef double[::1] coef = coef_arr
    with nogil:
        diag_max = _gather_block(&rows[0, 0], n, &positions[0], &support[0], k,
                                 &previous_support[0], &previous_block[0],
                                 &index[0], &block[0], &work[0])
        solved = _factor_solve(&work[0], k, diag_max, &aty[0], &support[0],
                               &coef[0])
    return coef_arr if solved else None


def kernel_seconds(const double[:, ::1] rows, const Py_ssize_t[::1] positions,
                   const Py_ssize_t[::1] support, Py_ssize_t repeats):
    """Seconds per call of the loop's two kernels, each repeated in C.

    For ``benchmarks/cost_model.py``: the floor of an iteration at this
    machine's rates, without the per-call overhead of timing the kernels
    from Python. The gradient is the kernel of :func:`rows_gradient` on
    ``rows[positions]``. The support solve is the loop's: the block
    ``G_SS`` gathered from the rows (``G[s_j, s_i]`` in row
    ``positions[j]``, as in operator mode; by columns, as the compiled loop
    does, when ``rows`` is the square Gram matrix and ``positions`` is
    ``support``), bordered, factored and solved by back substitution.

    Parameters
    ----------
    rows : ndarray of shape (n_rows, n_features), C-contiguous float64
    positions : ndarray of shape (k,), dtype intp
        Rows of ``rows`` holding the support's indices.
    support : ndarray of shape (k,), dtype intp
        Indices in ``[0, n_features)`` of a positive definite block.
    repeats : int

    Returns
    -------
    gradient_seconds, solve_seconds : float
    """
    cdef Py_ssize_t n = rows.shape[1], k = positions.shape[0], j, r
    if k < 1 or n < 1 or support.shape[0] != k or repeats < 1:
        raise ValueError(
            "kernel_seconds: needs k >= 1 positions and as many support indices, "
            "rows of n_features >= 1 and repeats >= 1.")
    _check_positions(positions, rows.shape[0], "kernel_seconds")
    _check_positions(support, n, "kernel_seconds")
    cdef bint by_columns = rows.shape[0] == n
    for j in range(k):
        by_columns = by_columns and positions[j] == support[j]
    cdef double[::1] coef = np.ones(k)
    cdef double[::1] aty = np.ones(n)
    cdef double[::1] out = np.empty(n)
    cdef double[::1] factor = np.empty(factor_doubles(k))
    cdef double diag_max
    cdef bint solved = True
    start = time.perf_counter()
    with nogil:
        for r in range(repeats):
            sea_gradient(&rows[0, 0], n, &aty[0], &positions[0], &coef[0], k,
                         &out[0])
    middle = time.perf_counter()
    with nogil:
        for r in range(repeats):
            if by_columns:
                diag_max = _gather_gram_block(&rows[0, 0], n, &support[0], k,
                                              &factor[0])
            else:
                diag_max = _gather_block(&rows[0, 0], n, &positions[0],
                                         &support[0], k, NULL, NULL, NULL, NULL,
                                         &factor[0])
            solved = _factor_solve(&factor[0], k, diag_max, &aty[0], &support[0],
                                   &coef[0])
            if not solved:
                break
    end = time.perf_counter()
    if not solved:
        raise ValueError("kernel_seconds: the block is not positive definite.")
    return (middle - start) / repeats, (end - middle) / repeats


def sea_gram_loop(const double[:, ::1] gram, const double[::1] aty,
                  double y_sq_norm, Py_ssize_t k, Py_ssize_t max_iter,
                  double step_size, double tol, double[::1] exploration,
                  const Py_ssize_t[::1] first_support, fallback_solve,
                  bint fast_forward=True, Py_ssize_t n_iter_no_change=0):
    """Run SEA in Gram mode; ``exploration`` is updated in place.

    Parameters
    ----------
    gram : ndarray of shape (n_features, n_features), C-contiguous float64
    aty : ndarray of shape (n_features,)
    y_sq_norm : float
    k : int
        Support size, ``1 <= k <= n_features``.
    max_iter : int
    step_size : float
    tol : float
        Stop once ``||A x - y||^2 <= tol``; 0 never stops early.
    exploration : ndarray of shape (n_features,)
        Initial exploration vector (already ``step_size * A^T y`` for a zero
        start).
    first_support : ndarray of shape (k,), dtype intp
        Support of iteration 0.
    fallback_solve : callable
        ``support -> coef_support``, the minimum-norm solve used when the
        Cholesky factorisation reports a singular block.
    fast_forward : bool, default=True
        Skip the top-k selection on iterations that provably keep the
        support (the result is identical; False exists for tests).
    n_iter_no_change : int, default=0
        Stop once the best objective has not improved for this many
        iterations; 0 never stops for that reason.

    Memory does not grow with ``max_iter``: the loss curve doubles as the
    iterations need it, and the distinct supports are counted through
    16-byte digests (two seeded 64-bit hashes) in a table at most half
    full: 32 bytes per support at most, whatever ``k``.

    Returns
    -------
    best_support, best_coef : ndarray
    n_iter, best_iter, n_supports : int
    loss_curve : ndarray of shape (n_iter,)
    """
    cdef Py_ssize_t n = gram.shape[0]
    cdef Py_ssize_t t = 0, i, j, best_iter = 0
    cdef Py_ssize_t key_bytes = k * sizeof(Py_ssize_t)
    cdef double rss = 0.0, best_rss = float("inf")
    cdef Py_ssize_t n_same, repeat, remaining
    cdef Py_ssize_t patience = n_iter_no_change if n_iter_no_change > 0 else max_iter
    cdef bint same, solved
    cdef double work = 0.0

    _check_inputs(gram, aty, y_sq_norm, k, max_iter, step_size, tol,
                  exploration, first_support)
    if not callable(fallback_solve):
        raise TypeError("sea_gram_loop: fallback_solve must be callable.")
    support_arr = np.array(first_support, dtype=np.intp)
    previous_arr = np.full(k, -1, dtype=np.intp)
    best_support_arr = support_arr.copy()
    cdef Py_ssize_t[::1] support = support_arr
    cdef Py_ssize_t[::1] previous = previous_arr
    cdef Py_ssize_t[::1] best_support = best_support_arr
    cdef double[::1] scratch = np.empty(n)
    cdef Py_ssize_t[::1] candidates = np.empty(n, dtype=np.intp)
    cdef double[::1] factor = np.empty(factor_doubles(k))
    cdef double diag_max
    coef_arr = np.empty(k)
    best_coef_arr = np.zeros(k)
    cdef double[::1] coef = coef_arr
    cdef double[::1] best_coef = best_coef_arr
    cdef double[::1] move = np.zeros(n)
    cdef unsigned char[::1] inside = np.zeros(n, dtype=np.uint8)
    if n_iter_no_change < 0:
        raise ValueError(
            f"sea_gram_loop: n_iter_no_change must be >= 0; got {n_iter_no_change}.")
    loss_curve_arr = np.empty(min(max_iter, _CURVE_INITIAL_LENGTH))
    cdef double[::1] loss_curve = loss_curve_arr
    cdef SupportDigests digests = SupportDigests()

    while t < max_iter:
        if work > _WORK_BETWEEN_SIGNAL_CHECKS:
            PyErr_CheckSignals()  # raises KeyboardInterrupt on Ctrl-C
            work = 0.0
        if t > 0 and _top_k(exploration, k, previous, scratch, candidates,
                              support) != k:
            raise ValueError(
                "SEA's exploration vector holds NaN: check X and y for NaN, "
                "infinity or values beyond the float64 range."
            )
        same = t > 0 and memcmp(&support[0], &previous[0], key_bytes) == 0
        if same:
            # Same support, same refit, same step; the next iterations may be
            # known to keep it too (the rule of the Python loop).
            # A repeat never improves: the run stops where patience ends.
            remaining = min(max_iter, best_iter + patience + 1) - t
            n_same = 1
            if fast_forward:
                n_same += _steady_iterations(exploration, move, inside,
                                             remaining - 1)
            if t + n_same > loss_curve.shape[0]:
                loss_curve_arr = _grown_curve(loss_curve_arr, t + n_same, max_iter)
                loss_curve = loss_curve_arr
            for i in range(t, t + n_same):
                loss_curve[i] = 0.5 * rss
            t += n_same
            if t - 1 - best_iter >= patience:
                break
            if t < max_iter:  # the last exploration vector is never read
                for repeat in range(n_same):
                    for i in range(n):
                        exploration[i] -= move[i]
                    work += n
                    if work > _WORK_BETWEEN_SIGNAL_CHECKS:
                        PyErr_CheckSignals()
                        work = 0.0
            work += n
            continue
        else:
            # The distinct supports are counted as the Python kernel counts
            # them, through digests (32 bytes per support, whatever k).
            digests._add(&support[0], k)
            with nogil:
                # Nothing reused: the Gram matrix stays in cache at the sizes
                # of Gram mode, and copying the shared entries from the last
                # block was measured slower at k=60 (faster by 6% at k=200).
                diag_max = _gather_gram_block(&gram[0, 0], n, &support[0], k,
                                              &factor[0])
                solved = _factor_solve(&factor[0], k, diag_max, &aty[0],
                                       &support[0], &coef[0])
            if not solved:
                coef_fallback = np.asarray(fallback_solve(support_arr.copy()),
                                           dtype=np.float64).ravel()
                if coef_fallback.shape[0] != k or not np.isfinite(coef_fallback).all():
                    raise ValueError(
                        f"sea_gram_loop: fallback_solve must return {k} finite "
                        f"coefficients; got {coef_fallback.shape[0]} values.")
                for j in range(k):
                    coef[j] = coef_fallback[j]
            with nogil:
                # rss from the normal equations: ||y||^2 - b_S . x_S.
                rss = 0.0
                for j in range(k):
                    rss += aty[support[j]] * coef[j]
                rss = y_sq_norm - rss
                if rss < 0.0:
                    rss = 0.0
                sea_gradient(&gram[0, 0], n, &aty[0], &support[0], &coef[0], k,
                             &move[0])
                if step_size != 1.0:
                    for i in range(n):
                        move[i] *= step_size
                memcpy(&previous[0], &support[0], key_bytes)
                for i in range(n):
                    inside[i] = 0
                for j in range(k):
                    inside[support[j]] = 1
            # Top-k, factorisation and gradient of a new support.
            work += 3.0 * n + k * (k * k / 3.0 + 2.0 * k + 2.0 * n)
        if t >= loss_curve.shape[0]:
            loss_curve_arr = _grown_curve(loss_curve_arr, t + 1, max_iter)
            loss_curve = loss_curve_arr
        loss_curve[t] = 0.5 * rss
        t += 1
        if rss < best_rss:
            best_rss, best_iter = rss, t - 1
            memcpy(&best_support[0], &support[0], key_bytes)
            memcpy(&best_coef[0], &coef[0], k * sizeof(double))
        if (tol > 0 and rss <= tol) or t - 1 - best_iter >= patience:
            break
        if t < max_iter:  # the last exploration vector is never read
            for i in range(n):
                exploration[i] -= move[i]

    return (best_support_arr, best_coef_arr, t, best_iter, digests.count,
            loss_curve_arr[:t])

"""Columns that are one feature for a k-sparse search: parallel columns.

Two columns with the same direction (identical after normalisation, up to
sign) tie in every correlation with a residual, so a top-k selection takes
them together, and together they span what one of them spans: the second
copy wastes a support slot and makes the support block singular. The
solvers therefore see one *representative* per group of parallel columns,
the lowest index, and the coefficient of the group goes to it.

Parallel means that the unit-norm columns ``u`` and ``v`` satisfy
``min(||u - v||, ||u + v||) <= sqrt(eps)`` for the working precision (about
``1.5e-8`` in float64): below that distance the Gram block of the pair is
singular to working precision, so the least-squares solution cannot tell
the two apart either.
"""

# SPDX-License-Identifier: BSD-3-Clause

from dataclasses import dataclass

import numpy as np


def parallel_tolerance(dtype):
    """Largest distance between unit columns that makes them one feature."""
    return float(np.sqrt(np.finfo(dtype).eps))


@dataclass(frozen=True)
class ColumnFolding:
    """Groups of parallel columns folded onto their lowest index.

    Attributes
    ----------
    representatives : ndarray of shape (n_kept,)
        Sorted indices of the columns the solvers see.
    position : ndarray of shape (n_features,)
        For every column, the index into ``representatives`` of its group.
    sign : ndarray of shape (n_features,)
        +1 or -1: the column equals ``sign`` times its representative (after
        normalisation).
    """

    representatives: np.ndarray
    position: np.ndarray
    sign: np.ndarray

    @property
    def n_features(self):
        return self.position.shape[0]

    def expand(self, coef):
        """Coefficients over the kept columns -> over all columns (zeros on copies)."""
        coef = np.asarray(coef)
        full = np.zeros(coef.shape[:-1] + (self.n_features,), dtype=coef.dtype)
        full[..., self.representatives] = coef
        return full

    def fold(self, coef):
        """Coefficients over all columns -> the same predictions on the kept ones."""
        coef = np.asarray(coef)
        folded = np.zeros(
            coef.shape[:-1] + (self.representatives.shape[0],), dtype=coef.dtype
        )
        np.add.at(folded.T, self.position, (coef * self.sign).T)
        return folded


def find_parallel_columns(rmatvec, columns, n_samples, nonzero, dtype):
    """Group the parallel columns of a matrix with unit-norm (or zero) columns.

    Candidates come from one product with a fixed random unit vector ``r``:
    parallel columns ``u``, ``+-u`` give ``|u . r|`` equal within the
    tolerance; each candidate is then checked on the columns themselves, so
    the result does not depend on ``r``.

    Parameters
    ----------
    rmatvec : callable
        ``r -> A^T r`` for the normalised matrix ``A``.
    columns : callable
        ``indices -> A[:, indices]`` as a dense array.
    n_samples : int
        Number of rows of ``A``.
    nonzero : ndarray of bool, shape (n_features,)
        Columns that are not identically zero (zero columns are never merged:
        they are no feature at all).
    dtype : dtype
        Working precision, which sets the tolerance.

    Returns
    -------
    ColumnFolding or None
        None when no two columns are parallel (the common case).
    """
    n_features = nonzero.shape[0]
    if n_features < 2 or n_samples == 0:
        return None
    tol = parallel_tolerance(dtype)
    probe = np.random.default_rng(0).standard_normal(n_samples)
    probe /= np.linalg.norm(probe)
    projection = np.abs(np.asarray(rmatvec(probe.astype(dtype)), dtype=np.float64))
    projection = projection.ravel()
    # |u.r - v.r| <= ||u - v|| for a unit r, plus the rounding of two dot
    # products of unit vectors.
    slack = tol + 4 * n_samples * np.finfo(dtype).eps
    candidates = np.flatnonzero(nonzero)
    order = candidates[np.argsort(projection[candidates], kind="stable")]
    close = np.diff(projection[order]) <= slack
    if not close.any():
        return None

    position = np.arange(n_features)
    sign = np.ones(n_features, dtype=np.int8)
    # Runs of consecutive close projections are the candidate groups.
    boundaries = np.flatnonzero(~close) + 1
    for group in np.split(order, boundaries):
        if group.shape[0] < 2:
            continue
        group = np.sort(group)
        block = np.asarray(columns(group), dtype=np.float64)
        kept = []  # positions in ``group`` of its representatives so far
        for j in range(group.shape[0]):
            column = block[:, j]
            for r in kept:
                for s in (1, -1):
                    if np.linalg.norm(column - s * block[:, r]) <= tol:
                        position[group[j]] = group[r]
                        sign[group[j]] = s
                        break
                if position[group[j]] != group[j]:
                    break
            else:
                kept.append(j)
    representatives = np.flatnonzero(position == np.arange(n_features))
    if representatives.shape[0] == n_features:
        return None
    # Positions index into ``representatives``, not into all columns.
    rank = np.empty(n_features, dtype=np.intp)
    rank[representatives] = np.arange(representatives.shape[0])
    return ColumnFolding(
        representatives=representatives, position=rank[position], sign=sign
    )

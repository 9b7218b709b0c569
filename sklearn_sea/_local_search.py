"""Local search over supports by single swaps: OMPR and ELS.

Both start from OMP's support and move by swaps ``S -> S - {i} + {j}``; they
differ in how the swap is chosen. OMPR ranks candidates by a gradient step,
ELS evaluates the least-squares objective of every swap exactly.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from scipy.linalg import LinAlgError, cho_factor, cho_solve

from ._core import pivot_threshold, top_k
from ._greedy import _omp
from ._trace import SupportTrace, exact_fit_tol


def _omp_start(problem, k):
    """OMP's support, refitted through the problem's cache, and its trace."""
    start = np.flatnonzero(_omp(problem, k).coef)
    coef_support, rss = problem.solve(start)
    trace = SupportTrace(problem)
    trace.record(start, coef_support, rss)
    return start, coef_support, rss, trace


def _ompr(problem, k, *, step_size, max_iter):
    """Orthogonal Matching Pursuit with Replacement (Jain, Tewari, Dhillon).

    From OMP's support ``S`` with least-squares solution ``x``: take the
    gradient step ``z = x + eta A^T (y - A x)``, add the index ``j`` outside
    ``S`` with the largest ``|z_j|``, drop the smallest ``|z_i|`` over
    ``S + {j}``, refit; stop when the support repeats (a fixed point, or a
    cycle) or after ``max_iter`` supports. The best support seen is returned,
    so OMPR never ends above OMP's objective.

    Each iteration costs one gradient, ``O(n_features k)`` with a Gram matrix,
    plus a cached ``k x k`` solve.
    """
    support, coef_support, rss, trace = _omp_start(problem, k)
    fit_tol = exact_fit_tol(problem)
    n_features = problem.n_features
    # With fewer than k atoms OMP already reached the best fit on all columns.
    converged = support.shape[0] < k or k == n_features
    while not converged and len(trace.losses) < max_iter:
        if rss <= fit_tol:
            converged = True
            break
        z = -step_size * problem.gradient(support, coef_support)
        outside = np.abs(z)
        outside[support] = -np.inf
        j = int(np.argmax(outside))
        z[support] = coef_support
        candidates = np.union1d(support, j)
        # Ties drop the highest index (top_k keeps the lowest).
        new_support = candidates[top_k(z[candidates], k)]
        if trace.seen(new_support):
            converged = True
            break
        support = new_support
        coef_support, rss = problem.solve(support)
        trace.record(support, coef_support, rss)
    return trace.result(converged)


def _swap_matrix(problem, support, coef_support, rss, column_sq_norms):
    """Objective of every single swap of ``support``, from one factorisation.

    With ``B = A^T A_S``, ``H = (A_S^T A_S)^{-1}``, ``c = A^T r`` and
    ``U = B H``, removing ``i`` raises the residual by ``x_i^2 / H_ii`` and
    turns the correlation of column ``j`` into ``c_j + x_i U_ji / H_ii``;
    the part of ``a_j`` orthogonal to ``S - {i}`` has squared norm
    ``G_jj - (B_j . U_j) + U_ji^2 / H_ii``. Adding ``j`` then lowers the
    residual by the squared correlation over that norm (rank-one updates of
    the projection). One sweep costs ``O(n_features k^2)`` (the product
    ``B H``) plus an ``O(k^3)`` factorisation, instead of ``k (n_features - k)``
    least-squares solves.

    Returns
    -------
    rss : ndarray of shape (n_features, k)
        ``rss[j, p]``: residual sum of squares after swapping ``support[p]``
        out and ``j`` in; ``inf`` for ``j`` in the support or a swap that
        would make the columns dependent.
    """
    k = support.shape[0]
    tiny = pivot_threshold(k, 1.0)
    B = np.asarray(problem.design.gram_columns(support), dtype=np.float64)
    gram_block = B[support]
    try:
        factor = cho_factor(gram_block, lower=False, check_finite=False)
        H = cho_solve(factor, np.eye(k), check_finite=False)
    except LinAlgError:
        H = np.linalg.pinv(gram_block, hermitian=True)
    h = np.diag(H).copy()
    removable = h > tiny
    h[~removable] = 1.0
    x = np.asarray(coef_support, dtype=np.float64)
    correlation = problem.Aty - B @ x
    U = B @ H
    residual_norms = column_sq_norms - np.einsum("ij,ij->i", B, U)
    scaled = U / h
    numerator = correlation[:, None] + scaled * x
    denominator = residual_norms[:, None] + U * scaled
    valid = denominator > tiny * np.maximum(column_sq_norms, 1.0)[:, None]
    gain = np.where(valid, numerator**2 / np.where(valid, denominator, 1.0), 0.0)
    swapped = rss + x**2 / h - gain
    swapped[:, ~removable] = np.inf
    swapped[~valid] = np.inf
    swapped[support] = np.inf
    return swapped


def _column_sq_norms(problem):
    """``G_jj``; operator designs of the normalised problem have unit columns."""
    gram = getattr(problem.design, "gram", None)
    if gram is not None:
        return np.diag(gram).astype(np.float64)
    # Zero columns are harmless here: their correlations vanish, so a unit
    # norm never makes them look like an improving swap.
    return np.ones(problem.n_features)


def _els(problem, k, *, max_iter, tol):
    """Exhaustive local search (Axiotis and Sviridenko) from OMP's support.

    Each step applies the single swap ``(i in S, j not in S)`` with the
    smallest least-squares objective, scored for all ``k (n_features - k)``
    pairs at once by :func:`_swap_matrix`; the swap is kept only if its exact
    refit lowers the residual sum of squares by more than ``tol`` times its
    current value. Stops when no swap does, or after ``max_iter`` swaps.
    """
    support, coef_support, rss, trace = _omp_start(problem, k)
    fit_tol = exact_fit_tol(problem)
    n_features = problem.n_features
    converged = support.shape[0] < k or k == n_features
    column_sq_norms = None if converged else _column_sq_norms(problem)
    n_swaps = 0
    while not converged:
        if rss <= fit_tol:
            converged = True
            break
        swapped = _swap_matrix(problem, support, coef_support, rss, column_sq_norms)
        j, p = np.unravel_index(int(np.argmin(swapped)), swapped.shape)
        if not swapped[j, p] < (1.0 - tol) * rss:
            converged = True
            break
        if n_swaps == max_iter:
            break
        new_support = np.sort(np.append(np.delete(support, p), j))
        new_coef, new_rss = problem.solve(new_support)
        # The scores are exact up to rounding; the refit has the last word.
        if not new_rss < (1.0 - tol) * rss:
            converged = True
            break
        support, coef_support, rss = new_support, new_coef, new_rss
        trace.record(support, coef_support, rss)
        n_swaps += 1
    # Counts the least-squares solves: the swap scores themselves need none.
    return trace.result(converged, n_supports_explored=problem.n_solved)

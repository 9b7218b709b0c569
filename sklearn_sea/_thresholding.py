"""Hard-thresholding solvers: IHT, HTP, CoSaMP and Subspace Pursuit.

Each projects a gradient step or a merged candidate set onto k-sparse
vectors with :func:`~sklearn_sea._core.top_k`; all but IHT refit least
squares on the projected support through the problem's cache. With
``positive=True`` the projection keeps the k largest *positive* entries
(:func:`~sklearn_sea._core.positive_top_k`) and the problem solves
nonnegative least squares on each support
(:class:`~sklearn_sea._core.NonnegativeSupportLeastSquares`).
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ._core import positive_top_k, top_k
from ._trace import SupportTrace, exact_fit_tol


def _iht(problem, k, *, step_size, max_iter, tol, positive=False):
    """Iterative Hard Thresholding (Blumensath and Davies).

    ``x <- H_k(x + eta A^T (y - A x))`` from ``x = 0``; stops when
    ``||x_{t+1} - x_t|| <= tol ||x_{t+1}||`` or after ``max_iter`` steps. With
    ``eta <= 1 / ||A||_2^2`` the objective never increases, so the last
    iterate is returned. A step costs one gradient, ``O(n_features k)`` with a
    Gram matrix.
    """
    n_features = problem.n_features
    dtype = problem.Aty.dtype
    x = np.zeros(n_features, dtype=dtype)
    gradient = -problem.Aty
    trace = SupportTrace(problem)
    converged = False
    select = positive_top_k if positive else top_k
    for _ in range(max_iter):
        z = x - step_size * gradient
        support = select(z, k)
        new_x = np.zeros_like(x)
        new_x[support] = np.maximum(z[support], 0) if positive else z[support]
        change = np.linalg.norm(new_x - x)
        x = new_x
        coef_support = x[support]
        trace.record(support, coef_support, problem.rss(support, coef_support))
        if change <= tol * np.linalg.norm(x):
            converged = True
            break
        gradient = problem.gradient(support, coef_support)
    # The standard output of IHT is its last iterate (the objective does not
    # increase with eta <= 1 / ||A||^2, so it is also the best up to rounding).
    return trace.result(converged, last=True)


def _htp(problem, k, *, step_size, max_iter, positive=False):
    """Hard Thresholding Pursuit (Foucart).

    The support is the top k of ``x + eta A^T (y - A x)``, then least squares
    on it; stops when a support repeats (a fixed point or a cycle) or after
    ``max_iter`` supports, and returns the best one. From ``x = 0`` the first
    support is the k largest correlations, whatever the step.
    """
    select = positive_top_k if positive else top_k
    support = select(problem.Aty, k)
    coef_support, rss = problem.solve(support)
    trace = SupportTrace(problem)
    trace.record(support, coef_support, rss)
    fit_tol = exact_fit_tol(problem)
    converged = False
    while len(trace.losses) < max_iter:
        if rss <= fit_tol:
            converged = True
            break
        z = -step_size * problem.gradient(support, coef_support)
        z[support] += coef_support
        new_support = select(z, k)
        if trace.seen(new_support):
            converged = True
            break
        support = new_support
        coef_support, rss = problem.solve(support)
        trace.record(support, coef_support, rss)
    return trace.result(converged)


def _cosamp(problem, k, *, max_iter, positive=False):
    """Compressive Sampling Matching Pursuit (Needell and Tropp).

    Merge the ``2k`` largest residual correlations with the current support,
    solve least squares on the union (at most ``3k`` columns), keep its ``k``
    largest entries (no refit). Stops when the residual no longer decreases,
    or after ``max_iter`` iterations.

    The iterates follow the original algorithm, but what is recorded and
    returned for each support is its least-squares refit: it can only lower
    the objective, and unlike the pruned union solution (not unique when the
    union has more columns than samples) it does not depend on rounding, so
    the result stays invariant to feature scaling and column order.
    """
    n_features = problem.n_features
    support = np.empty(0, dtype=np.intp)
    coef_support = np.empty(0, dtype=problem.Aty.dtype)
    rss = problem.y_sq_norm
    correlation = problem.Aty
    trace = SupportTrace(problem)
    fit_tol = exact_fit_tol(problem)
    converged = False
    # Candidates whose coefficient would be positive: positive correlations.
    select = positive_top_k if positive else top_k
    for _ in range(max_iter):
        merged = np.union1d(support, select(correlation, min(2 * k, n_features)))
        merged_coef, _ = problem.solve(merged)
        keep = select(merged_coef, k)
        new_support, new_coef = merged[keep], merged_coef[keep]
        new_rss = problem.rss(new_support, new_coef)
        trace.record(new_support, *problem.solve(new_support))
        if not new_rss < rss or new_rss <= fit_tol:
            converged = True
            break
        support, coef_support, rss = new_support, new_coef, new_rss
        correlation = -problem.gradient(support, coef_support)
    return trace.result(converged, n_supports_explored=problem.n_solved)


def _subspace_pursuit(problem, k, *, max_iter, positive=False):
    """Subspace Pursuit (Dai and Milenkovic).

    Merge the ``k`` largest residual correlations outside the support with
    the support, solve least squares on the union, keep its ``k`` largest
    entries and refit; stop as soon as the residual does not decrease (the
    previous support is kept), or after ``max_iter`` supports.
    """
    select = positive_top_k if positive else top_k
    support = select(problem.Aty, k)
    coef_support, rss = problem.solve(support)
    trace = SupportTrace(problem)
    trace.record(support, coef_support, rss)
    fit_tol = exact_fit_tol(problem)
    converged = False
    while len(trace.losses) < max_iter:
        if rss <= fit_tol:
            converged = True
            break
        # Residual correlations A^T (y - A x): positive ones may enter.
        correlation = -problem.gradient(support, coef_support)
        correlation[support] = 0.0
        merged = np.union1d(support, select(correlation, k))
        merged_coef, _ = problem.solve(merged)
        new_support = merged[select(merged_coef, k)]
        new_coef, new_rss = problem.solve(new_support)
        trace.record(new_support, new_coef, new_rss)
        if not new_rss < rss:
            converged = True
            break
        support, coef_support, rss = new_support, new_coef, new_rss
    return trace.result(converged, n_supports_explored=problem.n_solved)

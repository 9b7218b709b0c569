"""Orthogonal Matching Pursuit on a normalised support least-squares problem."""

# SPDX-License-Identifier: BSD-3-Clause

import warnings

import numpy as np
from scipy.linalg import cho_solve, solve_triangular

from ._core import pivot_threshold
from ._trace import SupportTrace, exact_fit_tol

#: scikit-learn's wording, so that code filtering its OMP warning filters ours.
PREMATURE_STOP_MESSAGE = (
    "Orthogonal matching pursuit ended prematurely due to linear dependence in "
    "the dictionary. The requested precision might not have been met."
)


def _omp(problem, k, tol=None, warn_dependence=False):
    """OMP: k greedy steps, each adding ``argmax_j |A_j^T r|`` and refitting.

    The Cholesky factor of ``A_S^T A_S`` grows by one row per step, so step
    ``t`` costs one column ``A^T a_j`` (a row of the Gram matrix, or one
    product with ``A^T``), an ``O(t^2)`` triangular solve and an
    ``O(n_features t)`` update of the correlations: ``O(n_features k^2)`` in
    all with a Gram matrix.

    OMP stops early, with fewer than k atoms, when the residual vanishes or
    when the selected column is numerically in the span of the previous ones
    (the residual is then orthogonal to every column), as
    :func:`sklearn.linear_model.orthogonal_mp` does. Ties go to the lowest
    index.

    Parameters
    ----------
    problem : SupportLeastSquares
        Least squares ``1/2 ||A x - y||^2``.
    k : int
        Number of atoms at most.
    tol : float or None
        Also stop once ``||A x - y||^2 <= tol`` (scikit-learn's ``tol``).
    warn_dependence : bool
        Emit scikit-learn's ``RuntimeWarning`` when a dependent column stops
        OMP before k atoms (the estimator does; OMPR and ELS, which only
        start from OMP's support, do not).

    Returns
    -------
    SolverResult
        ``loss_curve[t]`` is the objective after ``t + 1`` atoms.
    """
    n_features = problem.n_features
    dtype = problem.Aty.dtype
    Aty = problem.Aty.astype(np.float64)
    eps = np.finfo(dtype).eps
    fit_tol = (
        exact_fit_tol(problem) if tol is None else max(exact_fit_tol(problem), tol)
    )

    factor = np.zeros((k, k))
    gram_columns = np.empty((n_features, k))
    order = np.empty(k, dtype=np.intp)
    correlation = Aty.copy()
    coef_support = np.empty(0)
    rss = problem.y_sq_norm
    trace = SupportTrace(problem)
    for t in range(k):
        if rss <= fit_tol:
            break
        score = np.abs(correlation)
        score[order[:t]] = -np.inf
        j = int(np.argmax(score))
        column = problem.design.gram_columns(np.array([j], dtype=np.intp))[:, 0]
        cross = solve_triangular(
            factor[:t, :t], column[order[:t]], lower=True, check_finite=False
        )
        pivot = column[j] - cross @ cross
        if pivot <= pivot_threshold(t + 1, max(column[j], 1.0), eps):
            # a_j is (numerically) in the span of the selected columns.
            if warn_dependence:
                warnings.warn(PREMATURE_STOP_MESSAGE, RuntimeWarning, stacklevel=4)
            break
        factor[t, :t] = cross
        factor[t, t] = np.sqrt(pivot)
        order[t] = j
        gram_columns[:, t] = column
        active = order[: t + 1]
        coef_support = cho_solve(
            (factor[: t + 1, : t + 1], True), Aty[active], check_finite=False
        )
        correlation = Aty - gram_columns[:, : t + 1] @ coef_support
        rss = max(problem.y_sq_norm - float(Aty[active] @ coef_support), 0.0)
        sort = np.argsort(active)
        trace.record(active[sort], coef_support[sort].astype(dtype), rss)
    # Nested supports: each step solved least squares on a new one.
    return trace.result(converged=True)

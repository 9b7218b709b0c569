"""Bookkeeping shared by the solvers that visit a sequence of supports."""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ._core import SolverResult, support_key
from ._core import exact_fit_tol as _exact_fit_tol


def exact_fit_tol(problem):
    """Squared residual below which a fit is exact up to rounding."""
    return _exact_fit_tol(problem.null_deviance, problem.Aty.dtype)


class SupportTrace:
    """Objective history of a solver; remembers the best iterate and the supports.

    Parameters
    ----------
    problem : SupportLeastSquares
        The normalised problem being solved.
    """

    def __init__(self, problem):
        self.problem = problem
        self.losses = []
        self.best_rss = np.inf
        self.best_iter = 0
        self.best_support = np.empty(0, dtype=np.intp)
        self.best_coef = np.empty(0, dtype=problem.Aty.dtype)
        self._last = (self.best_support, self.best_coef)
        self._visited = set()

    def seen(self, support):
        """Whether ``support`` was recorded before."""
        return support_key(support) in self._visited

    def record(self, support, coef_support, rss):
        """Append the iterate ``(support, coef_support)`` of residual ``rss``."""
        self._visited.add(support_key(support))
        self._last = (support, coef_support)
        if rss < self.best_rss:
            self.best_rss, self.best_iter = rss, len(self.losses)
            self.best_support, self.best_coef = support, coef_support
        self.losses.append(0.5 * rss)

    def result(self, converged, n_supports_explored=None, last=False):
        """The best iterate (or the last) as a :class:`~sklearn_sea._core.SolverResult`.

        ``n_supports_explored`` defaults to the number of distinct supports
        recorded.
        """
        if last:
            self.best_iter = len(self.losses) - 1
            self.best_support, self.best_coef = self._last
        coef = np.zeros(self.problem.n_features, dtype=self.problem.Aty.dtype)
        coef[self.best_support] = self.best_coef
        if n_supports_explored is None:
            n_supports_explored = len(self._visited)
        return SolverResult(
            coef=coef,
            n_iter=len(self.losses),
            loss_curve=np.asarray(self.losses, dtype=np.float64),
            best_iter=self.best_iter,
            n_supports_explored=n_supports_explored,
            converged=converged,
        )

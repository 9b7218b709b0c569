"""Nonnegative least squares restricted to supports, for ``positive=True``.

The same interface as :class:`~sklearn_sea._core.SupportLeastSquares`, with
the coefficients on each support constrained to be nonnegative. The support
solve works on the normal equations, as the unconstrained one does: with
``G_SS = V diag(w) V^T``, the objective ``x^T G_SS x - 2 b_S^T x`` equals
``||M x - c||^2`` up to a constant for ``M = diag(sqrt(w)) V^T`` and
``c = diag(1 / sqrt(w)) V^T b_S``, a ``k x k`` problem handed to SciPy's
Lawson-Hanson NNLS.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from scipy.optimize import nnls

from ._least_squares import SupportLeastSquares
from ._tolerances import pivot_threshold
from ._topk import top_k


def solve_nonnegative_normal_equations(gram_block, rhs):
    """``argmin_{x >= 0} x^T G x - 2 b^T x`` for a positive semi-definite ``G``.

    Directions of ``G`` at round-off level are dropped (``b`` has no
    component along them, being ``A_S^T y``), so duplicated or collinear
    columns give a finite solution.
    """
    k = rhs.shape[0]
    if k == 0:
        return np.zeros(0, dtype=rhs.dtype)
    gram_block = np.asarray(gram_block, dtype=np.float64)
    values, vectors = np.linalg.eigh(gram_block)
    keep = values > pivot_threshold(k, max(values.max(), 0.0))
    if not np.any(keep):
        return np.zeros(k, dtype=rhs.dtype)
    root = np.sqrt(values[keep])
    M = (vectors[:, keep] * root).T
    c = (vectors[:, keep].T @ np.asarray(rhs, dtype=np.float64)) / root
    coef, _ = nnls(M, c)
    return coef.astype(rhs.dtype, copy=False)


def positive_top_k(x, k):
    """Indices of the ``k`` largest entries of ``max(x, 0)``, sorted increasingly."""
    return top_k(np.maximum(x, 0), k)


class NonnegativeSupportLeastSquares(SupportLeastSquares):
    """:class:`SupportLeastSquares` with nonnegative coefficients on each support."""

    def solve(self, support):
        """Nonnegative least-squares coefficients on ``support`` and ``||A x - y||^2``."""
        key = support.tobytes()
        hit = self._lookup(key)
        if hit is not None:
            return hit
        rhs = self.Aty.take(support)
        block = self.design.gram_block(support)
        coef_support = solve_nonnegative_normal_equations(block, rhs)
        quad = float(coef_support @ np.asarray(block) @ coef_support)
        rss = max(self.y_sq_norm - 2.0 * float(rhs @ coef_support) + quad, 0.0)
        return self._remember(key, (coef_support, rss))

    def refit_gradient(self, support):
        """:meth:`solve` and the gradient ``A^T (A x - y)`` at its solution."""
        coef_support, rss = self.solve(support)
        return coef_support, rss, self.gradient(support, coef_support)

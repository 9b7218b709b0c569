"""Any datafit restricted to supports: Newton's method on k coefficients.

:class:`SupportDatafit` is to a general loss what
:class:`~sklearn_sea._core.SupportLeastSquares` is to least squares, with the
same interface, so that SEA's loop (:func:`sklearn_sea._sea._sea`) runs
unchanged on it: ``solve`` and ``refit_gradient`` on a support, ``gradient``
at any k-sparse point, the *deviance* ``2 F`` (the squared residual norm for
least squares), and ``Aty``, the steepest-descent direction at the
intercept-only model that starts the exploration (``A^T y`` for least
squares on centred data).

A support solve minimises ``F(A_S x_S + b)`` over ``x_S`` (and the intercept
``b``) by Newton's method with a backtracking line search, from the cached
solution of the previous support on their common indices: successive SEA
supports share most of their indices, so few Newton steps are needed.
Solutions are cached per support, as SEA revisits supports, under the byte
budget of least squares (:data:`~sklearn_sea._core._least_squares.SOLUTION_CACHE_BYTES`,
least recently used first out). A support solved again after its eviction
starts Newton from the warm start of that moment: the same minimiser to
Newton's tolerance (``NEWTON_RTOL``), not bit for bit the first solution.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from . import _least_squares
from ._least_squares import solve_normal_equations
from ._solution_cache import SolutionCache

#: Newton steps per support solve at most.
NEWTON_MAX_ITER = 100
#: A support solve stops when Newton's predicted decrease, or the achieved
#: one, is below this fraction of the intercept-only model's loss.
NEWTON_RTOL = 1e-12
# Sufficient decrease (Armijo) of the line search, and its halvings at most.
_ARMIJO = 1e-4
_MAX_HALVINGS = 60


def newton_solve(
    datafit, y, weight, columns, coef, intercept, *, fit_intercept, atol, offset=None
):
    """Minimise ``F(offset + columns @ coef + intercept)``.

    Parameters
    ----------
    datafit : BaseDatafit
        The loss ``F`` of the linear predictor.
    y : ndarray of shape (n_samples,)
        Target.
    weight : ndarray of shape (n_samples,) or None
        Sample weights.
    columns : ndarray of shape (n_samples, k)
        The support's columns of the design.
    coef : ndarray of shape (k,)
        Starting coefficients.
    intercept : float
        Starting intercept (kept fixed when ``fit_intercept`` is False).
    fit_intercept : bool
        Optimise the intercept too.
    atol : float
        Stop when the predicted or achieved decrease is at most ``atol``.
    offset : ndarray of shape (n_samples,), optional
        A fixed part of the linear predictor.

    Returns
    -------
    coef : ndarray of shape (k,)
    intercept : float
    value : float
        ``F`` at the solution.
    z : ndarray of shape (n_samples,)
        The linear predictor at the solution.
    """
    k = columns.shape[1]
    # The intercept is the coefficient of a column of ones.
    if fit_intercept:
        columns = np.column_stack((columns, np.ones(y.shape[0])))
        theta = np.append(np.asarray(coef, dtype=np.float64), intercept)
    else:
        theta = np.array(coef, dtype=np.float64)
    z = columns @ theta
    if offset is not None:
        z += offset
    if not fit_intercept:
        z += intercept
    value = datafit.value(y, z, weight)
    for _ in range(NEWTON_MAX_ITER):
        if theta.shape[0] == 0:
            break
        derivative = datafit.gradient(y, z, weight)
        grad = derivative @ columns
        hess = columns.T @ (datafit.hessian(y, z, weight)[:, None] * columns)
        direction = -solve_normal_equations(hess, grad)
        decrement = -float(grad @ direction)
        if not decrement > 0 and np.any(grad):
            # A Hessian of zeros (a loss that is locally linear everywhere):
            # a gradient step, its length found by the line search.
            direction = -grad / max(float(np.abs(grad).max()), 1.0)
            decrement = float(grad @ grad) / max(float(np.abs(grad).max()), 1.0)
        if not decrement > atol:
            break
        dz = columns @ direction
        step, improved = 1.0, False
        for _ in range(_MAX_HALVINGS):
            candidate = z + step * dz
            new_value = datafit.value(y, candidate, weight)
            if new_value <= value - _ARMIJO * step * decrement:
                improved = True
                break
            step *= 0.5
        if not improved:
            break
        theta += step * direction
        z, decrease, value = candidate, value - new_value, new_value
        if decrease <= atol:
            break
    coef = theta[:k]
    if fit_intercept:
        intercept = float(theta[k])
    return coef, intercept, value, z


class SupportDatafit:
    """A datafit of one target on a design, minimised support by support.

    Parameters
    ----------
    datafit : BaseDatafit
        The loss.
    design : OperatorDesign
        The (centred, unit-norm column) design ``A``, unweighted: sample
        weights enter through the datafit.
    y : ndarray of shape (n_samples,)
        Target.
    weight : ndarray of shape (n_samples,) or None
        Sample weights; None for unit weights.
    fit_intercept : bool
        Fit an intercept with the coefficients.
    """

    def __init__(self, datafit, design, y, weight, fit_intercept):
        self.datafit = datafit
        self.design = design
        self.y = y
        self.weight = weight
        self.fit_intercept = fit_intercept
        self.n_features = design.n_features
        self._cache = SolutionCache(_least_squares.SOLUTION_CACHE_BYTES)
        self._last = None
        self._last_z = (None, None)
        no_columns = np.zeros((y.shape[0], 0))
        _, intercept, value, z = newton_solve(
            datafit,
            y,
            weight,
            no_columns,
            np.zeros(0),
            0.0,
            fit_intercept=fit_intercept,
            atol=0.0,
        )
        self.null_intercept = intercept
        #: Twice the loss of the intercept-only model: the scale of ``tol``.
        self.null_deviance = 2.0 * value
        self._atol = NEWTON_RTOL * value
        #: ``-A^T F'(z_0)`` at the intercept-only model ``z_0``: where SEA's
        #: exploration starts, as ``A^T y`` does for least squares.
        self.Aty = -np.asarray(
            design.rmatvec(datafit.gradient(y, z, weight)), dtype=np.float64
        )

    @property
    def n_solved(self):
        """Number of distinct supports solved so far."""
        return self._cache.n_distinct

    def _warm_start(self, support):
        """Coefficients of the previous solve on the indices ``support`` shares."""
        coef = np.zeros(support.shape[0])
        if self._last is None:
            return coef, self.null_intercept
        previous, previous_coef, previous_intercept = self._last
        _, here, there = np.intersect1d(
            support, previous, assume_unique=True, return_indices=True
        )
        coef[here] = previous_coef[there]
        return coef, previous_intercept

    def solve(self, support):
        """Minimiser of the datafit on ``support`` and its deviance ``2 F``."""
        key = support.tobytes()
        hit = self._cache.get(key)
        if hit is not None:
            return hit[0], hit[2]
        coef, intercept = self._warm_start(support)
        coef, intercept, value, z = newton_solve(
            self.datafit,
            self.y,
            self.weight,
            self.design.columns(support),
            coef,
            intercept,
            fit_intercept=self.fit_intercept,
            atol=self._atol,
        )
        deviance = 2.0 * value
        self._cache.put(key, (coef, intercept, deviance))
        self._last = (support, coef, intercept)
        self._last_z = (key, z)
        return coef, deviance

    def intercept(self, support):
        """Intercept of the solution on ``support``, solved again if evicted."""
        hit = self._cache.get(support.tobytes())
        if hit is None:
            self.solve(support)
            hit = self._cache.get(support.tobytes())
        return hit[1]

    def refit_gradient(self, support):
        """:meth:`solve`, and ``A^T F'(z)`` at the solution (a new array)."""
        coef, deviance = self.solve(support)
        key, z = self._last_z
        if key != support.tobytes():
            z = self.design.support_matvec(support, coef) + self.intercept(support)
        derivative = self.datafit.gradient(self.y, z, self.weight)
        gradient = np.array(self.design.rmatvec(derivative), dtype=np.float64)
        return coef, deviance, gradient

    def gradient(self, support, coef_support):
        """``A^T F'(z)`` at ``x`` supported on ``support``, intercept refitted."""
        offset = self.design.support_matvec(support, coef_support)
        _, _, _, z = newton_solve(
            self.datafit,
            self.y,
            self.weight,
            np.zeros((self.y.shape[0], 0)),
            np.zeros(0),
            self.null_intercept,
            fit_intercept=self.fit_intercept,
            atol=self._atol,
            offset=offset,
        )
        derivative = self.datafit.gradient(self.y, z, self.weight)
        return np.array(self.design.rmatvec(derivative), dtype=np.float64)

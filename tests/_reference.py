"""Naive reference loops, and what two implementations must agree on.

Every naive loop of the test suite lives here: SEA as written for least
squares and for any datafit (a fresh general-purpose minimisation per
support).

Two implementations of SEA (the compiled and the Python loop, Gram and
operator mode, a column permutation of the same problem) round differently,
and the rounding depends on the BLAS kernel the machine picks. Their
exploration vectors therefore differ by a few ulps times the number of
iterations, which cannot change a top-k selection unless the k-th and the
(k+1)-th largest entries are nearly tied. What holds on every machine:

- up to the first near tie (the *agreement horizon*), the supports and the
  objective trajectory are the same, the objectives to rounding;
- a run with no near tie at all ends with the same iteration counts, best
  iteration, explored supports and coefficients.

Near means a gap below ``NEAR_TIE`` times the largest entry: far above the
drift between implementations (measured on the test problems, relative to
the largest entry: 1e-14 on Gaussian designs, 1e-9 on deconvolution, whose
support blocks reach cond(A_S) ~ 1e5) and far below the gaps of ordinary
iterations.
"""

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

#: Relative gap between the k-th and (k+1)-th largest |entries| of the
#: exploration vector below which rounding may decide the support.
NEAR_TIE = 1e-6


@dataclass
class ReferenceRun:
    coef: np.ndarray
    losses: np.ndarray
    supports: list
    margins: np.ndarray  # relative top-k gap at each iteration

    @property
    def horizon(self):
        """Iterations before the first near tie (all of them if none)."""
        near = np.flatnonzero(self.margins < NEAR_TIE)
        return int(near[0]) if near.shape[0] else self.margins.shape[0]


def top_k_margin(x, k):
    """Relative gap between the k-th and (k+1)-th largest ``|x|``."""
    a = np.sort(np.abs(x))[::-1]
    if k >= a.shape[0] or a[0] == 0:
        return np.inf
    return (a[k - 1] - a[k]) / a[0]


def reference_sea(A, y, k, max_iter, step, x0=None, tol=0.0):
    """SEA exactly as written in the design brief: one lstsq per iteration."""
    n = A.shape[1]
    X = step * A.T @ y if x0 is None else np.array(x0, dtype=float)
    best_loss, best_x = np.inf, None
    losses, supports, margins = [], [], []
    for _ in range(max_iter):
        order = np.lexsort((np.arange(n), -np.abs(X)))  # ties: lowest index
        S = np.sort(order[:k])
        margins.append(top_k_margin(X, k))
        x = np.zeros(n)
        x[S] = np.linalg.lstsq(A[:, S], y, rcond=None)[0]
        loss = 0.5 * np.sum((A @ x - y) ** 2)
        losses.append(loss)
        supports.append(S)
        if loss < best_loss:
            best_loss, best_x = loss, x
        if tol > 0 and 2 * loss <= tol:
            break
        X = X - step * A.T @ (A @ x - y)
    return ReferenceRun(best_x, np.array(losses), supports, np.array(margins))


def assert_runs_agree(first, second, reference, *, loss_rtol=1e-7):
    """Two SolverResults of one problem agree as far as rounding allows.

    ``reference`` is the :class:`ReferenceRun` of the same problem; it says
    where near ties start. Objectives are compared relative to the largest
    one: they come from the normal equations, rounded to about
    ``eps cond(A_S)^2 ||y||^2``.
    """
    horizon = min(reference.horizon, first.n_iter, second.n_iter)
    scale = max(reference.losses.max(), 1e-300)
    for run in (first, second):
        np.testing.assert_allclose(
            run.loss_curve[:horizon],
            reference.losses[:horizon],
            rtol=0,
            atol=loss_rtol * scale,
        )
    if reference.horizon < reference.losses.shape[0]:
        return horizon
    # No near tie anywhere: the runs are the same run.
    assert first.n_iter == second.n_iter
    assert first.best_iter == second.best_iter
    assert first.n_supports_explored == second.n_supports_explored
    np.testing.assert_array_equal(first.coef != 0, second.coef != 0)
    np.testing.assert_allclose(first.coef, second.coef, rtol=1e-8, atol=1e-11)
    return horizon


# --- SEA with any datafit ---------------------------------------------------


def lowest_index_top_k(X, k):
    """Top-k of ``|X|``, ties to the lowest index, sorted."""
    order = np.lexsort((np.arange(X.shape[0]), -np.abs(X)))
    return np.sort(order[:k])


def minimise_on_support(datafit, A, y, S, sample_weight=None, fit_intercept=True):
    """Minimiser of ``datafit(y, A_S x + b)`` by a general-purpose optimiser."""

    def unpack(theta):
        return theta[: S.shape[0]], (theta[-1] if fit_intercept else 0.0)

    def fun(theta):
        coef, intercept = unpack(theta)
        z = A[:, S] @ coef + intercept
        g = datafit.gradient(y, z, sample_weight)
        grad = A[:, S].T @ g
        if fit_intercept:
            grad = np.append(grad, g.sum())
        return datafit.value(y, z, sample_weight), grad

    theta0 = np.zeros(S.shape[0] + fit_intercept)
    theta = minimize(
        fun, theta0, jac=True, method="L-BFGS-B", options={"gtol": 1e-12, "ftol": 0}
    ).x
    return unpack(theta)


def reference_sea_datafit(A, y, k, max_iter, datafit, fit_intercept=True, step=1.0):
    """SEA with any datafit, as written: a fresh support minimisation per iteration.

    The exploration vector starts at ``-step A^T F'(z_0)``, ``z_0`` the
    intercept-only model, and moves by ``-step A^T F'(z_t)``. Returns the
    best coefficients and intercept, the objective per iteration and the
    supports.
    """
    empty = np.empty(0, dtype=int)
    _, b0 = minimise_on_support(datafit, A, y, empty, fit_intercept=fit_intercept)
    X = -step * A.T @ datafit.gradient(y, np.full(y.shape[0], b0))
    best, losses, supports = (np.inf, None, None), [], []
    for _ in range(max_iter):
        S = lowest_index_top_k(X, k)
        coef, intercept = minimise_on_support(
            datafit, A, y, S, fit_intercept=fit_intercept
        )
        z = A[:, S] @ coef + intercept
        losses.append(datafit.value(y, z))
        supports.append(S)
        if losses[-1] < best[0]:
            x = np.zeros(A.shape[1])
            x[S] = coef
            best = (losses[-1], x, intercept)
        X = X - step * A.T @ datafit.gradient(y, z)
    return best[1], best[2], np.array(losses), supports

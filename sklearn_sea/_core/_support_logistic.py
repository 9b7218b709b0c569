"""L2-penalised logistic regression restricted to supports, binary or multinomial.

:class:`SupportLogistic` is the classification counterpart of
:class:`~sklearn_sea._core._newton.SupportDatafit`: SEA's classifier asks it
for the minimiser of the penalised log-loss on a support of k features and
for the gradient there. The coefficients form a ``(n_features, n_outputs)``
matrix, one column per class for the multinomial model (``n_outputs = 1``
for the binary one, the log-odds of the second class); a support selects
rows, so that the k features are shared by every class.

The penalty is ``1 / (2 C) ||w||^2`` on the coefficients in the user's
scale, as :class:`~sklearn.linear_model.LogisticRegression`'s, so that the
model on a fixed support is the one LogisticRegression fits on those
columns. In the normalised coordinates ``x_j = w_j s_j`` of the solver it is
the diagonal ``x_j^2 / (2 C s_j^2)``.

A support solve is Newton's method with a backtracking line search on the
``k n_outputs`` coefficients and the intercepts, from the
previous support's solution on the indices both share, with the full block
Hessian of the multinomial model (``k n_classes`` unknowns). Solutions are
cached per support, as SEA revisits supports.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from scipy.special import expit, log_softmax, softmax

from ._least_squares import solve_normal_equations

#: Newton steps per support solve at most.
NEWTON_MAX_ITER = 50
#: A solve stops when Newton's predicted decrease is below this fraction of
#: the intercept-only model's loss.
NEWTON_RTOL = 1e-14
_ARMIJO = 1e-4
_MAX_HALVINGS = 40


class SupportLogistic:
    """The penalised log-loss of one labelled data set, solved support by support.

    Parameters
    ----------
    design : OperatorDesign
        Normalised design ``A`` (unweighted; weights enter the loss).
    Y : ndarray of shape (n_samples, n_outputs)
        Labels 0/1 of the second class (binary, one column) or the one-hot
        encoding of the classes (multinomial).
    weight : ndarray of shape (n_samples,) or None
        Per-sample weights (sample and class weights multiplied).
    penalty : ndarray of shape (n_features,)
        Diagonal of the L2 penalty in the normalised coordinates.
    fit_intercept : bool
        Fit one intercept per output.
    multinomial : bool
        Softmax over the columns of ``Y`` instead of the binary logistic.
    """

    def __init__(self, design, Y, weight, penalty, fit_intercept, multinomial):
        self.design = design
        self.Y = Y
        self.weight = np.ones(Y.shape[0]) if weight is None else weight
        self.penalty = penalty
        self.fit_intercept = fit_intercept
        self.multinomial = multinomial
        self.n_features = design.n_features
        self.n_outputs = Y.shape[1]
        self._cache = {}
        self._last = None
        self.null_intercept = self._null_intercept()
        Z = np.broadcast_to(self.null_intercept, Y.shape)
        self.null_value = self._loss(Z)
        self._atol = NEWTON_RTOL * max(self.null_value, np.finfo(float).tiny)
        #: ``-A^T F'(Z_0)`` at the intercept-only model: where SEA starts.
        self.Aty = -np.asarray(design.rmatvec(self._residual(Z)), dtype=np.float64)

    def _null_intercept(self):
        if not self.fit_intercept:
            return np.zeros(self.n_outputs)
        total = self.weight.sum()
        share = (self.weight @ self.Y) / total
        # The intercept-only model predicts the weighted class frequencies;
        # clipping keeps it finite for a class of zero weight.
        share = np.clip(share, 1e-12, 1 - 1e-12)
        if self.multinomial:
            logits = np.log(share)
            return logits - logits.mean()
        return np.log(share) - np.log1p(-share)

    def _probabilities(self, Z):
        return softmax(Z, axis=1) if self.multinomial else expit(Z)

    def _loss(self, Z):
        if self.multinomial:
            per_sample = -np.sum(self.Y * log_softmax(Z, axis=1), axis=1)
        else:
            z = Z[:, 0]
            per_sample = np.logaddexp(0.0, z) - self.Y[:, 0] * z
        return float(self.weight @ per_sample)

    def _residual(self, Z):
        """Derivative of the weighted loss in the linear predictor."""
        return self.weight[:, None] * (self._probabilities(Z) - self.Y)

    def _hessian(self, B, P):
        """Hessian of the weighted loss in ``vec(Theta)``, class-major order.

        ``sum_i w_i (diag(p_i) - p_i p_i^T)`` Kronecker ``b_i b_i^T``: a
        block diagonal minus one Gram matrix (a single block for two
        classes).
        """
        w = self.weight
        if not self.multinomial:
            p = P[:, 0]
            return B.T @ ((w * p * (1 - p))[:, None] * B)
        n_outputs, width = self.n_outputs, B.shape[1]
        V = (np.sqrt(w)[:, None, None] * P[:, :, None] * B[:, None, :]).reshape(
            B.shape[0], n_outputs * width
        )
        hess = -(V.T @ V)
        for c in range(n_outputs):
            block = slice(c * width, (c + 1) * width)
            hess[block, block] += B.T @ ((w * P[:, c])[:, None] * B)
        return hess

    def _newton(self, columns, support, coef, intercept):
        k, n_outputs = coef.shape
        fit_intercept = self.fit_intercept
        if fit_intercept:
            B = np.column_stack((columns, np.ones(columns.shape[0])))
            theta = np.vstack((coef, intercept[None, :]))
        else:
            B = columns
            theta = coef.copy()
        width = B.shape[1]
        # The penalty on the coefficients; the intercepts are free.
        diag = np.zeros(width)
        diag[:k] = self.penalty[support]
        offset = 0.0 if fit_intercept else intercept[None, :]

        def objective(Z, th):
            return self._loss(Z) + 0.5 * float(np.sum(diag[:, None] * th * th))

        Z = B @ theta + offset
        value = objective(Z, theta)
        for _ in range(NEWTON_MAX_ITER):
            P = self._probabilities(Z)
            G = self.weight[:, None] * (P - self.Y)
            grad = B.T @ G + diag[:, None] * theta  # (width, n_outputs)
            hess = self._hessian(B, P)
            hess[np.diag_indices_from(hess)] += np.tile(diag, n_outputs)
            if self.multinomial and fit_intercept:
                # Adding a constant to every intercept leaves the softmax
                # unchanged: a null direction of the Hessian, orthogonal to
                # the gradient, made definite here without changing the step.
                rows = np.arange(n_outputs) * width + width - 1
                scale = max(float(np.mean(hess[rows, rows])), 1.0)
                hess[np.ix_(rows, rows)] += scale / n_outputs
            g = grad.ravel(order="F")
            direction = -solve_normal_equations(hess, g)
            D = direction.reshape((width, n_outputs), order="F")
            decrement = -float(g @ direction)
            if not decrement > self._atol:
                break
            dZ = B @ D
            step = 1.0
            for _ in range(_MAX_HALVINGS):
                candidate = theta + step * D
                Z_new = Z + step * dZ
                new_value = objective(Z_new, candidate)
                if new_value <= value - _ARMIJO * step * decrement:
                    break
                step *= 0.5
            else:
                break
            theta, Z, decrease, value = candidate, Z_new, value - new_value, new_value
            if decrease <= self._atol:
                break
        if fit_intercept:
            return theta[:k], theta[k], value, Z
        return theta, intercept, value, Z

    @property
    def n_solved(self):
        """Number of distinct supports solved so far."""
        return len(self._cache)

    def _warm_start(self, support):
        coef = np.zeros((support.shape[0], self.n_outputs))
        if self._last is None:
            return coef, self.null_intercept.copy()
        previous, previous_coef, previous_intercept = self._last
        _, here, there = np.intersect1d(
            support, previous, assume_unique=True, return_indices=True
        )
        coef[here] = previous_coef[there]
        return coef, previous_intercept.copy()

    def solve(self, support):
        """Minimiser on ``support``: coefficients ``(k, n_outputs)`` and the objective."""
        key = support.tobytes()
        hit = self._cache.get(key)
        if hit is None:
            coef, intercept = self._warm_start(support)
            coef, intercept, value, Z = self._newton(
                self.design.columns(support), support, coef, intercept
            )
            hit = self._cache[key] = (coef, intercept, value)
            self._last = (support, coef, intercept)
            self._last_Z = (key, Z)
        return hit[0], hit[2]

    def intercept(self, support):
        """Intercepts of the solution on a solved ``support``."""
        return self._cache[support.tobytes()][1]

    def refit_gradient(self, support):
        """:meth:`solve`, and the gradient of the objective at the solution.

        The gradient, of shape ``(n_features, n_outputs)``, vanishes on the
        support (up to the solve's tolerance).
        """
        coef, value = self.solve(support)
        key, Z = self._last_Z
        if key != support.tobytes():
            Z = self.design.columns(support) @ coef + self.intercept(support)
        gradient = np.array(self.design.rmatvec(self._residual(Z)), dtype=np.float64)
        gradient[support] += self.penalty[support, None] * coef
        return coef, value, gradient

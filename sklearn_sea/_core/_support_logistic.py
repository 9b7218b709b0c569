"""L2-penalised logistic regression restricted to supports, binary or multinomial.

:class:`SupportLogistic` is the classification counterpart of
:class:`~sklearn_sea._core._least_squares.SupportLeastSquares`: SEA's
classifier asks it for the minimiser of the penalised log-loss on a support
of k features and for the gradient there. The coefficients form a
``(n_features, n_outputs)`` matrix, one column per class for the multinomial
model (``n_outputs = 1`` for the binary one, the log-odds of the second
class); a support selects rows, so that the k features are shared by every
class.

The penalty is ``1 / (2 C) ||w||^2`` on the coefficients in the user's
scale, as :class:`~sklearn.linear_model.LogisticRegression`'s, so that the
model on a fixed support is the one LogisticRegression fits on those
columns. In the normalised coordinates ``x_j = w_j s_j`` of the solver it is
the diagonal ``x_j^2 / (2 C s_j^2)``.

A support solve is Newton's method with a backtracking line search on the
``k n_outputs`` coefficients and the intercepts, started from the previous
support's solution on the indices both share (SEA's consecutive supports
differ by a few indices, so two or three steps usually suffice). It stops
when the largest entry of the gradient falls under :data:`NEWTON_GTOL` times
that of the intercept-only model, a tolerance relative to the problem rather
than to the machine. The multinomial Hessian ``sum_i (diag(p_i) - p_i p_i^T)
(x) b_i b_i^T`` and its class-by-class blocks come from the outer products
of the support's rows, formed once per support
(:class:`~sklearn_sea._core._row_products.RowProducts`), each in one BLAS
product; a multinomial solve forms the Hessian only when cheaper steps stall (see
:meth:`SupportLogistic._newton_multinomial`) and runs BLAS on one thread
(:mod:`~sklearn_sea._core._blas_threads`). Between two matrices, its
steps (:class:`_PythonChord`) run compiled where built
(:class:`~sklearn_sea._core._logistic_newton.MultinomialChord`, with the
loss's per-sample loops of
:class:`~sklearn_sea._core._logistic_newton.SoftmaxLoss`).

On a dense design the binary solves run compiled, one call per support
(:class:`~sklearn_sea._core._logistic_newton.BinarySupportSolver`: the
columns, the warm start, Newton and the gradient), with the same start and
steps as the Python code, which stays the reference and serves sparse
designs.

Solutions and the gradients SEA steps along are cached per support, least
recently used first out, under :data:`LOGISTIC_CACHE_BYTES`: a revisit costs
a dictionary lookup. A support solved again after its eviction starts from
another point and agrees with the first solve to the Newton tolerance.
"""

# SPDX-License-Identifier: BSD-3-Clause

from collections import OrderedDict

import numpy as np
from scipy.linalg.blas import get_blas_funcs
from scipy.special import expit

from . import _accelerator
from ._blas_threads import single_blas_thread
from ._least_squares import _POTRF, solve_normal_equations
from ._row_products import RowProducts
from ._tolerances import NEWTON_ROUNDOFF_RTOL, pivot_threshold

#: Newton steps per support solve at most.
NEWTON_MAX_ITER = 50
#: A solve stops when ``max |gradient|`` is at most this fraction of the
#: same norm at the intercept-only model. Newton converges quadratically
#: near the solution: the objective is then within about the square of that
#: fraction (relative) of its minimum.
NEWTON_GTOL = 1e-7
#: The same fraction for the model SEA returns (:meth:`SupportLogistic.solve_final`).
NEWTON_GTOL_FINAL = 1e-11
#: Bytes of per-support solutions and exploration steps a
#: :class:`SupportLogistic` keeps for revisits (least recently used first
#: out). An entry counts its key, coefficients, intercepts and gradient,
#: ``8 (k + k n_outputs + n_outputs + n_features n_outputs)`` bytes, plus
#: 256 bytes of Python objects: about 1 700 supports of a binary problem
#: with 500 features.
LOGISTIC_CACHE_BYTES = 8 * 2**20
_ARMIJO = 1e-4
_ROUNDOFF = NEWTON_ROUNDOFF_RTOL * np.finfo(np.float64).eps
#: A multinomial Newton step factors the Hessian again when the gradient
#: norm did not shrink at least by this factor since the previous step.
_REFACTOR_RATIO = 0.5
_MAX_HALVINGS = 40
_MAX, _MIN, _SUM = np.maximum.reduce, np.minimum.reduce, np.add.reduce
_TRSV = get_blas_funcs("trsv", dtype=np.float64)


def _softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    E /= E.sum(axis=1, keepdims=True)
    return E


def _factor(hess):
    """A solver of ``hess d = g``: the Cholesky factor, or the matrix itself.

    A matrix that is not numerically definite is kept as is and solved for
    the minimum-norm direction (:func:`solve_normal_equations`).
    """
    # The transpose of a symmetric matrix is itself, and Fortran-ordered:
    # LAPACK takes it without a transposing copy (a fifth of the time).
    factor, info = _POTRF(hess.T, lower=0, clean=0)
    if info == 0 and _MIN(factor.diagonal()) ** 2 > pivot_threshold(
        hess.shape[0], _MAX(hess.diagonal())
    ):
        return "cholesky", factor
    return "dense", hess


def _block_factor(blocks):
    """A solver of the block-diagonal system of ``blocks`` (n, w, w), or None.

    The blocks' Cholesky factors (one batched call, an eighth of the time of
    their inverses), lower and C-ordered: the upper factors in column-major
    order, as LAPACK gives the full Hessian's. None if a block is not
    numerically definite.
    """
    try:
        factors = np.linalg.cholesky(blocks)
    except np.linalg.LinAlgError:
        return None
    if not np.isfinite(factors).all():
        return None
    return "blocks", factors


def _factor_solve(factor, g, fallback_solve=None):
    """``M^{-1} g`` for the matrix ``M`` of ``factor`` (see :func:`_factor`).

    ``fallback_solve`` solves the ``"dense"`` kind; None means
    :func:`solve_normal_equations`.
    """
    kind, matrix = factor
    if kind == "cholesky":
        # Two triangular solves: LAPACK's potrs takes twice their time on a
        # single right-hand side.
        return _TRSV(matrix, _TRSV(matrix, g, trans=1), trans=0)
    if kind == "blocks":
        n_blocks, width, _ = matrix.shape
        return np.concatenate(
            [
                _factor_solve(("cholesky", lower.T), part)
                for lower, part in zip(matrix, g.reshape(n_blocks, width), strict=True)
            ]
        )
    return (fallback_solve or solve_normal_equations)(matrix, g)


#: What a chord run returns (:class:`_PythonChord`, and the compiled
#: :class:`~sklearn_sea._core._logistic_newton.MultinomialChord`).
CONVERGED, NEEDS_FACTOR, STALLED, OUT_OF_STEPS = 0, 1, 2, 3


class _PythonChord:
    """Newton's chord steps on one multinomial support: the reference.

    The state of a solve (coefficients ``theta`` of shape ``(width,
    n_classes)``, scores ``Z``, objective, and at the current point the
    softmax ``P``, the residual ``R`` and the class-major gradient) and
    :meth:`run`, which steps with a given matrix while it serves. The
    caller chooses the matrices (:meth:`SupportLogistic._newton_multinomial`);
    the compiled :class:`~sklearn_sea._core._logistic_newton.MultinomialChord`
    takes the same steps.
    """

    def __init__(self, problem, B, diag, theta, fit_intercept):
        self.problem, self.B, self.Bt = problem, B, B.T
        self.diag2 = diag[:, None]
        self.fit_intercept = fit_intercept
        self.theta = theta.copy()
        self.Z = B @ self.theta
        self.value, self.E, self.total = problem._multinomial_value(
            self.Z, self.diag2, self.theta
        )
        self.norm = self.previous_norm = np.inf
        self.steps = 0
        self.P = self.R = self.g = None

    def _gradient(self, R, theta):
        G = self.Bt @ R
        G += self.diag2 * theta
        return G.ravel(order="F"), _MAX(np.abs(G), axis=None)

    def run(
        self,
        factor,
        fresh,
        resume,
        gtol,
        ratio,
        max_steps,
        armijo,
        max_halvings,
        fallback_solve,
    ):
        """Steps with ``factor`` until it no longer serves; the status.

        ``fresh`` says ``factor`` was formed at the current point, ``resume``
        that the gradient of the previous return is still current (the
        caller has just formed ``factor`` for it). A step is taken if the
        objective decreases by ``armijo`` times the Newton decrement within
        ``max_halvings`` halvings; a gradient larger than ``ratio`` times
        the previous one asks for a new matrix. ``fallback_solve`` solves
        the ``"dense"`` matrices, which are not numerically definite.
        """
        problem = self.problem
        width, n_outputs = self.theta.shape
        while True:
            if not resume:
                self.P, self.R = problem._softmax_residual(self.E, self.total)
                self.g, self.norm = self._gradient(self.R, self.theta)
                if self.norm <= gtol:
                    return CONVERGED
                if factor is None or self.norm > ratio * self.previous_norm:
                    return NEEDS_FACTOR
            resume = False
            if self.steps >= max_steps:
                return OUT_OF_STEPS
            self.steps += 1
            self.previous_norm = self.norm
            d = _factor_solve(factor, self.g, fallback_solve)
            D = d.reshape((width, n_outputs), order="F")  # a view of d
            if self.fit_intercept:
                # Only the intercepts' mean would move: the representation.
                D[-1] -= _SUM(D[-1]) / n_outputs
            decrement = float(self.g @ d)
            # In C order: BLAS takes about a third less time than on the view.
            dZ = self.B @ np.ascontiguousarray(D)
            if decrement <= _ROUNDOFF * abs(self.value):
                # Under the objective's rounding, as for the binary model: the
                # full step if it shrinks the gradient.
                candidate, Z_new = self.theta - D, self.Z - dZ
                new_value, E_new, total_new = problem._multinomial_value(
                    Z_new, self.diag2, candidate
                )
                R_new = problem._softmax_residual(E_new, total_new)[1]
                accepted = self._gradient(R_new, candidate)[1] < self.norm
            else:
                accepted, step = False, 1.0
                for _ in range(max_halvings):
                    if step == 1.0:  # the usual case, without two products
                        candidate, Z_new = self.theta - D, self.Z - dZ
                    else:
                        candidate, Z_new = self.theta - step * D, self.Z - step * dZ
                    new_value, E_new, total_new = problem._multinomial_value(
                        Z_new, self.diag2, candidate
                    )
                    if new_value <= self.value - armijo * step * decrement:
                        accepted = True
                        break
                    step *= 0.5
            if not accepted:
                return STALLED if fresh else NEEDS_FACTOR
            self.theta, self.Z, self.value = candidate, Z_new, new_value
            self.E, self.total = E_new, total_new
            fresh = False


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
        Per-sample weights (sample and class weights multiplied); None for
        unit weights.
    penalty : ndarray of shape (n_features,)
        Diagonal of the L2 penalty in the normalised coordinates.
    fit_intercept : bool
        Fit one intercept per output.
    multinomial : bool
        Softmax over the columns of ``Y`` instead of the binary logistic.
    cache_bytes : int or None, default=None
        Budget of the solution cache; None means
        :data:`LOGISTIC_CACHE_BYTES`, 0 keeps nothing (every visit solves).
    """

    def __init__(
        self,
        design,
        Y,
        weight,
        penalty,
        fit_intercept,
        multinomial,
        *,
        cache_bytes=None,
    ):
        self.design = design
        self.Y = Y
        self.weight = None if weight is None or np.all(weight == 1) else weight
        self.penalty = penalty
        self.fit_intercept = fit_intercept
        self.multinomial = multinomial
        self.n_features = design.n_features
        self.n_outputs = Y.shape[1]
        self.cache_bytes = LOGISTIC_CACHE_BYTES if cache_bytes is None else cache_bytes
        self._cache = OrderedDict()
        self._cache_limit = None
        self._supports = _accelerator.support_counter()
        # The previous solution's scores and (multinomial) probabilities,
        # where the next support's warm start projects from.
        self._last_Z = self._last_P = None
        self._compiled_solver = None
        self._products_buffer = self._chord_buffers = None
        self._y = (
            None if multinomial else np.ascontiguousarray(Y[:, 0], dtype=np.float64)
        )
        self._sign = None if multinomial else 1.0 - 2.0 * self._y
        # Label of each sample (multinomial): the one-hot rows' nonzero.
        self._rows = np.arange(Y.shape[0])
        self._labels = np.argmax(Y, axis=1) if multinomial else None
        self._softmax_kernel = (
            _accelerator.compiled_softmax_loss(
                self._labels,
                None
                if self.weight is None
                else np.ascontiguousarray(self.weight, dtype=np.float64),
                Y.shape[1],
            )
            if multinomial
            else None
        )
        self._ones = np.ones((Y.shape[0], 1))
        self.null_intercept = self._null_intercept()
        Z = np.broadcast_to(self.null_intercept, Y.shape)
        self.null_value = self._loss(Z)
        #: ``-A^T F'(Z_0)`` at the intercept-only model: where SEA starts.
        self.Aty = -np.asarray(design.rmatvec(self._residual(Z)), dtype=np.float64)
        scale = float(_MAX(np.abs(self.Aty), axis=None, initial=0.0))
        self._gtol = NEWTON_GTOL * max(scale, np.finfo(np.float64).tiny)
        self._gtol_final = NEWTON_GTOL_FINAL * max(scale, np.finfo(np.float64).tiny)

    # -- the loss ---------------------------------------------------------

    def _null_intercept(self):
        if not self.fit_intercept:
            return np.zeros(self.n_outputs)
        w = np.ones(self.Y.shape[0]) if self.weight is None else self.weight
        share = (w @ self.Y) / w.sum()
        # The intercept-only model predicts the weighted class frequencies;
        # clipping keeps it finite for a class of zero weight.
        share = np.clip(share, 1e-12, 1 - 1e-12)
        if self.multinomial:
            logits = np.log(share)
            return logits - logits.mean()
        return np.log(share) - np.log1p(-share)

    def _weighted_sum(self, per_sample):
        if self.weight is None:
            return float(per_sample.sum())
        return float(self.weight @ per_sample)

    def _loss(self, Z):
        if self.multinomial:
            return self._softmax_loss(Z)[0]
        z = Z[:, 0]
        return self._weighted_sum(np.logaddexp(0.0, z) - self._y * z)

    def _softmax_loss(self, Z):
        """Multinomial loss at ``Z`` and the probabilities' pieces ``E, total``.

        The loss is log-sum-exp minus the score of the label, shifted by the
        row maximum against overflow (scipy's log_softmax costs several
        times as much at these sizes); ``E / total[:, None]`` is the softmax,
        so that a Newton step takes one exponential per score.
        """
        if self._softmax_kernel is not None:
            E, total = np.empty(Z.shape), np.empty(Z.shape[0])
            value = self._softmax_kernel.value(np.ascontiguousarray(Z), E, total)
            return value, E, total
        shifted = Z - Z.max(axis=1, keepdims=True)
        E = np.exp(shifted)
        total = E.sum(axis=1)
        per_sample = np.log(total)
        per_sample -= shifted[self._rows, self._labels]
        return self._weighted_sum(per_sample), E, total

    def _residual(self, Z):
        """Derivative of the weighted loss in the linear predictor."""
        if self.multinomial:
            R = _softmax(Z) - self.Y
        else:
            R = expit(Z) - self.Y
        return R if self.weight is None else self.weight[:, None] * R

    # -- Newton on one support ---------------------------------------------

    def _multinomial_value(self, Z, diag2, theta):
        """The objective at the scores ``Z`` of ``theta``, and ``E, total``.

        ``diag2`` is the L2 diagonal as a column, ``(width, 1)``.
        """
        value, E, total = self._softmax_loss(Z)
        return value + 0.5 * float(np.sum(diag2 * theta * theta)), E, total

    def _binary_value(self, z, diag, theta):
        # log(1 + e^z) - y z = log(1 + e^{(1 - 2y) z}) for labels 0 and 1.
        losses = np.logaddexp(0.0, self._sign * z)
        total = losses.sum() if self.weight is None else self.weight @ losses
        return float(total) + 0.5 * float(diag @ (theta * theta))

    def _binary_residual(self, z):
        """The probabilities at the predictor ``z`` and the residual ``w (p - y)``."""
        p = expit(z)
        r = p - self._y
        if self.weight is not None:
            r *= self.weight
        return p, r

    def _newton_binary(self, B, diag, theta, gtol):
        """Newton on ``B theta`` (binary); returns theta, objective, z, residual.

        The ``(k + 1) x (k + 1)`` Hessian is cheap; what costs is numpy's
        per-call overhead, so a step makes few calls and the Hessian is
        formed at every step: chord steps, as for the multinomial model,
        took 7.4 steps per support instead of 4.1 on the benchmark's AR
        problems, for no gain in time.
        """
        w = self.weight
        width = B.shape[1]
        Bt = np.ascontiguousarray(B.T)
        z = B @ theta
        value = self._binary_value(z, diag, theta)
        for _ in range(NEWTON_MAX_ITER):
            p, r = self._binary_residual(z)
            g = Bt @ r
            g += diag * theta
            norm = _MAX(np.abs(g))
            if norm <= gtol:
                return theta, value, z, r
            h = p - p * p
            if w is not None:
                h *= w
            H = (Bt * h) @ B
            H.flat[:: width + 1] += diag
            d = _factor_solve(_factor(H), g)
            decrement = float(g @ d)
            dz = B @ d
            if decrement <= _ROUNDOFF * abs(value):
                # Under the objective's rounding (see _tolerances): the full
                # step, judged by the gradient.
                candidate, z_new = theta - d, z - dz
                r_new = self._binary_residual(z_new)[1]
                if _MAX(np.abs(Bt @ r_new + diag * candidate)) >= norm:
                    break
                theta, z = candidate, z_new
                value = self._binary_value(z, diag, theta)
                continue
            step = 1.0
            for _ in range(_MAX_HALVINGS):
                candidate = theta - step * d
                z_new = z - step * dz
                new_value = self._binary_value(z_new, diag, candidate)
                if new_value <= value - _ARMIJO * step * decrement:
                    break
                step *= 0.5
            else:
                break  # no decrease at round-off level: as good as it gets
            theta, z, value = candidate, z_new, new_value
        return theta, value, z, self._binary_residual(z)[1]

    def _solve_binary(self, B, diag, theta, gtol):
        """:meth:`_newton_binary`, compiled where the kernel is built.

        The compiled solve (``_logistic_newton.pyx``) takes the same steps
        without numpy's per-call overhead, which was most of a binary fit's
        time; the Python one is the reference and the fallback.
        """
        compiled = _accelerator.compiled_newton_binary()
        if compiled is None:
            return self._newton_binary(B, diag, theta.copy(), gtol)
        return compiled(
            np.ascontiguousarray(B, dtype=np.float64),
            self._y,
            self.weight,
            np.ascontiguousarray(diag, dtype=np.float64),
            theta,
            gtol,
            NEWTON_MAX_ITER,
            _ARMIJO,
            _MAX_HALVINGS,
            solve_normal_equations,
        )

    def _softmax_residual(self, E, total):
        """The softmax ``P = E / total`` and the weighted residual ``w (P - Y)``."""
        if self._softmax_kernel is not None:
            P, R = np.empty(E.shape), np.empty(E.shape)
            self._softmax_kernel.residual(E, total, P, R)
            return P, R
        P = E / total[:, None]
        R = P - self.Y
        if self.weight is not None:
            R *= self.weight[:, None]
        return P, R

    def _row_products(self, B):
        """The :class:`RowProducts` of ``B``'s rows, the sample weights included.

        The Hessian's products run in single precision: they are most of a
        support's time, and a Newton matrix correct to 1e-7 gives steps
        correct to about as much; the gradient, hence the solution, stays in
        double.
        """
        if self.weight is not None:
            B = np.sqrt(self.weight)[:, None] * B
        products = RowProducts(B.astype(np.float32), self._products_buffer)
        self._products_buffer = products.buffer
        return products

    def _newton_multinomial(self, B, diag, theta, gtol, products):
        """Newton on ``B Theta`` (softmax): Theta, objective, Z, residual, softmax.

        ``products`` are the :meth:`_row_products` of ``B``. The steps are
        chord steps (:class:`_PythonChord`, or its compiled twin); this
        method chooses their matrices. The full Hessian (``k n_outputs``
        unknowns, the cost of a step) is formed as seldom as convergence
        allows. The first step uses its class-by-class blocks (about a
        third of the cost); after that, the last matrix factored serves
        again while the gradient shrinks at least by :data:`_REFACTOR_RATIO`
        per step, and the full Hessian is formed and factored when it does
        not, or when a line search with a stale matrix fails. Measured on
        the digits (26 pixels, 300 supports): 1.05 full Hessians per support
        instead of 3.2 with full Newton steps from the least-squares warm
        start, and 1.6 s for the fit instead of 3.2 s, the same support.
        """
        n_outputs, width = self.n_outputs, B.shape[1]
        chord = self._chord(B, diag, theta)
        rows = np.arange(n_outputs) * width + width - 1
        factor, fresh, resume, first_step = None, False, False, True
        while True:
            status = chord.run(
                factor,
                fresh,
                resume,
                gtol,
                _REFACTOR_RATIO,
                NEWTON_MAX_ITER,
                _ARMIJO,
                _MAX_HALVINGS,
                solve_normal_equations,
            )
            if status != NEEDS_FACTOR:
                break
            P = chord.P
            factor, fresh, resume = None, False, True
            if first_step:
                # The first step of a support uses the class-by-class blocks
                # of the Hessian, about a third of its cost: from the warm start,
                # they often get close enough that the chord rule needs no
                # full Hessian for the next steps.
                first_step = False
                factor = _block_factor(products.class_blocks(P - P * P, diag))
            if factor is None:
                fresh = True
                hess = products.multinomial_hessian(P)
                hess.flat[:: hess.shape[0] + 1] += np.tile(diag, n_outputs)
                if self.fit_intercept:
                    # Adding a constant to every intercept leaves the softmax
                    # unchanged: a null direction of the Hessian, orthogonal
                    # to the gradient, made definite without changing the step.
                    scale = max(float(np.mean(hess[rows, rows])), 1.0)
                    hess[np.ix_(rows, rows)] += scale / n_outputs
                factor = _factor(hess)
        return chord.theta, chord.value, chord.Z, chord.R, chord.P

    def _chord(self, B, diag, theta):
        """The chord steps' state on ``B`` from ``theta``: compiled if built."""
        if self._softmax_kernel is not None:
            chord = _accelerator.MultinomialChord(
                self._softmax_kernel,
                np.ascontiguousarray(B, dtype=np.float64),
                np.ascontiguousarray(diag, dtype=np.float64),
                np.ascontiguousarray(theta, dtype=np.float64),
                self.fit_intercept,
                self._chord_buffers,
            )
            self._chord_buffers = chord.buffers
            return chord
        return _PythonChord(self, B, diag, theta, self.fit_intercept)

    def _solve_new(self, support, start=None, gtol=None):
        """Newton on ``support``: coef, intercept, objective, residual, gradient.

        The compiled solve (binary model, dense design) returns the gradient
        ``A^T R`` and no residual; the Python solve the residual and no
        gradient, which :meth:`_entry` then computes.
        """
        gtol = self._gtol if gtol is None else gtol
        solver = self.binary_solver()
        if solver is not None:
            return self._solve_binary_dense(solver, support, start, gtol)
        columns = self.design.columns(support)
        k = support.shape[0]
        diag = self.penalty[support]
        if self.fit_intercept:
            B = np.concatenate((columns, self._ones), axis=1)
            # The intercepts are not penalised.
            diag = np.append(diag, 0.0)
        else:
            B = np.ascontiguousarray(columns)
        if self.multinomial:
            with single_blas_thread():
                products = self._row_products(B)
                if start is None:
                    start = self._warm_start(B, diag, products)
                theta, value, Z, R, self._last_P = self._newton_multinomial(
                    B, diag, start, gtol, products
                )
        else:
            theta = self._warm_start(B, diag) if start is None else start
            theta1, value, z, r = self._solve_binary(B, diag, theta[:, 0], gtol)
            theta, Z, R = theta1[:, None], z[:, None], r[:, None]
        self._last_Z = Z
        if self.fit_intercept:
            return theta[:k], theta[k], value, R, None
        return theta, np.zeros(self.n_outputs), value, R, None

    def binary_solver(self):
        """The compiled solver of binary supports on a dense design, or None.

        Made at the first solve; every solve of the problem then goes through
        it, which keeps the previous predictor for the warm start.
        """
        if self._compiled_solver is None and not self.multinomial:
            solver_class = _accelerator.compiled_binary_solver(self.design)
            if solver_class is None:
                self._compiled_solver = False
            else:
                self._compiled_solver = solver_class(
                    self.design.array.T,
                    self._y,
                    self.weight,
                    np.ascontiguousarray(self.penalty, dtype=np.float64),
                    self.fit_intercept,
                    float(self.null_intercept[0]),
                    NEWTON_MAX_ITER,
                    _ARMIJO,
                    _MAX_HALVINGS,
                    solve_normal_equations,
                )
        return self._compiled_solver or None

    def _solve_binary_dense(self, solver, support, start, gtol):
        """:meth:`_solve_new` in one compiled call: the same start and steps."""
        k = support.shape[0]
        theta, value, gradient = solver.solve(
            np.asarray(support, dtype=np.intp),
            None if start is None else np.ascontiguousarray(start[:, 0]),
            gtol,
        )
        intercept = theta[k:] if self.fit_intercept else np.zeros(1)
        return theta[:k, None], intercept, value, None, gradient[:, None]

    def solve_final(self, support, coef, intercept):
        """The solution on ``support`` to :data:`NEWTON_GTOL_FINAL`.

        SEA explores with solves to :data:`NEWTON_GTOL`; the model it
        returns is refined from its ``coef`` and ``intercept``, a step or
        two, and the multinomial intercepts are centred, so that weighted and
        repeated samples, or two warm starts, give the same model to rounding.

        Returns
        -------
        coef : ndarray of shape (k, n_outputs)
        intercept : ndarray of shape (n_outputs,)
        value : float
            The objective there.
        """
        start = coef if not self.fit_intercept else np.vstack((coef, intercept))
        coef, intercept, value, _, _ = self._solve_new(
            support, start=np.array(start, dtype=np.float64), gtol=self._gtol_final
        )
        if self.multinomial:
            # The softmax ignores a constant added to every intercept: the
            # one of zero mean, so that equal problems give equal models.
            intercept = intercept - intercept.mean()
        return coef, intercept, value

    # -- cache ----------------------------------------------------------------

    @property
    def gtol(self):
        """Newton's tolerance of the solves SEA explores with."""
        return self._gtol

    @property
    def n_solved(self):
        """Number of distinct supports solved so far."""
        return self._supports.count

    def _remember(self, key, entry):
        if self._cache_limit is None:
            k = len(key) // 8
            per_entry = 8 * (k + (k + 1 + self.n_features) * self.n_outputs) + 256
            self._cache_limit = self.cache_bytes // per_entry
        if self._cache_limit > 0:
            self._cache[key] = entry
            if len(self._cache) > self._cache_limit:
                self._cache.popitem(last=False)

    def _warm_start(self, B, diag, products=None):
        """Start of Newton on the columns ``B``: the previous solution, projected.

        Projecting the previous support's linear predictor on the new columns
        keeps what the features both supports share contributed, and gives an
        entering feature the share of a leaving one it can explain (SEA swaps
        correlated features often). The projection is one IRLS step: the fit
        of the working response ``z - r / h``, weighted by the curvature
        ``h`` at the previous solution, with the L2 term, i.e. a Newton step
        from the previous predictor restricted to the new columns. The
        multinomial model takes it class by class (the block diagonal of its
        Hessian), which costs a fraction of one Newton step. Against the
        least-squares projection of the predictor, it leaves 3.2 Newton steps
        per support instead of 4.0 on the benchmark's binary AR problems, and
        2.1 Hessians per support instead of 3.2 on the digits, with the same
        supports. ``products`` (multinomial model) are the
        :meth:`_row_products` of ``B``.
        """
        if self._last_Z is None:
            theta = np.zeros((B.shape[1], self.n_outputs))
            if self.fit_intercept:
                theta[-1] = self.null_intercept
            return theta
        Z = self._last_Z
        P = self._last_P if self.multinomial else expit(Z)
        curvature = P - P * P
        H, R = curvature, P - self.Y
        if self.weight is not None:
            H = curvature * self.weight[:, None]
            R *= self.weight[:, None]
        rhs = B.T @ (H * Z - R)
        if not self.multinomial:
            gram = (B.T * H[:, 0]) @ B
            gram.flat[:: gram.shape[0] + 1] += diag
            return solve_normal_equations(gram, rhs)
        blocks = products.class_blocks(curvature, diag)
        factor = _block_factor(blocks)
        if factor is not None:
            theta = _factor_solve(factor, rhs.ravel(order="F")).reshape(
                rhs.shape, order="F"
            )
        else:
            theta = np.column_stack(
                [
                    solve_normal_equations(block, v)
                    for block, v in zip(blocks, rhs.T, strict=True)
                ]
            )
        if self.fit_intercept:
            # Newton never moves the intercepts' mean (adding a constant to
            # every score changes nothing): start it where the first solve
            # does, at zero, so that a support's solution does not depend on
            # the supports before it.
            theta[-1] -= theta[-1].mean()
        return theta

    def _entry(self, support):
        """``[coef, intercept, value, gradient]`` on ``support``, solved if new."""
        key = support.tobytes()
        entry = self.lookup(key)
        if entry is not None and entry[3] is None:
            # Stored by the compiled search with the support's residual
            # instead of its gradient (see BinarySupportSolver.search).
            gradient = np.array(self.design.rmatvec(entry[4]), dtype=np.float64)
            entry = (*entry[:3], gradient.reshape(self.n_features, 1))
            self._cache[key] = entry
        if entry is not None:
            return entry
        coef, intercept, value, R, gradient = self._solve_new(support)
        if gradient is None:
            gradient = np.array(self.design.rmatvec(R), dtype=np.float64).reshape(
                self.n_features, self.n_outputs
            )
        entry = (coef, intercept, value, gradient)
        self.store(key, entry)
        return entry

    def lookup(self, key):
        """The cache entry of the support ``key`` (its bytes), or None."""
        entry = self._cache.get(key)
        if entry is not None:
            self._cache.move_to_end(key)
        return entry

    def store(self, key, entry):
        """Count the support ``key`` as solved and cache its entry."""
        self._supports.add(key)
        self._remember(key, entry)

    # -- what SEA asks ---------------------------------------------------------

    def solve(self, support):
        """Minimiser on ``support``: coefficients ``(k, n_outputs)`` and the objective."""
        entry = self._entry(support)
        return entry[0], entry[2]

    def intercept(self, support):
        """Intercepts of the solution on ``support`` (solved if needed)."""
        return self._entry(support)[1]

    def refit_gradient(self, support):
        """:meth:`solve`, and the gradient of the log-loss at the solution.

        The gradient ``A^T F'(Z)``, of shape ``(n_features, n_outputs)``, is
        the datafit's, without the L2 term: SEA explores along the loss, the
        L2 term regularises the fit on a support. On the support it is
        ``-penalty * coef`` (up to the solve's tolerance), so that SEA's
        exploration grows on the features in use in proportion to their
        coefficients. The arrays are shared with the cache: read-only for
        the caller.
        """
        coef, _, value, gradient = self._entry(support)
        return coef, value, gradient

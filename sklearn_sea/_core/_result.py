"""What a k-sparse solver returns for one target."""

# SPDX-License-Identifier: BSD-3-Clause

from dataclasses import dataclass

import numpy as np


@dataclass
class SolverResult:
    """Output of a k-sparse solver on one normalised single-target problem.

    Attributes
    ----------
    coef : ndarray of shape (n_features,)
        Coefficients in the solver's (normalised) scale.
    n_iter : int
        Number of iterations run.
    loss_curve : ndarray of shape (n_iter,)
        Objective ``1/2 ||A x_t - y||^2`` after each iteration.
    best_iter : int
        Index in ``loss_curve`` of the returned coefficients.
    n_supports_explored : int
        Number of distinct supports on which a least-squares problem was
        solved.
    converged : bool
        False when the solver stopped on ``max_iter`` before its own stopping
        rule; estimators turn this into a ``ConvergenceWarning``.
    intercept : float
        Intercept in the solver's scale: 0 for least squares, whose data are
        centred; fitted with the coefficients for other datafits.
    """

    coef: np.ndarray
    n_iter: int
    loss_curve: np.ndarray
    best_iter: int
    n_supports_explored: int
    converged: bool = True
    intercept: float = 0.0

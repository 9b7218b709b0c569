"""Greedy and hard-thresholding support searches for a smooth loss.

The classification baselines: the counterparts of OMP and HTP when the
objective is the penalised log-loss instead of least squares. Both work on a
:class:`~sklearn_sea._core._support_logistic.SupportLogistic` problem, whose
coefficients are a ``(n_features, n_outputs)`` matrix; a support selects
rows (features shared by every class), ranked by the Euclidean norm of their
row, so that the binary case (one column) ranks by magnitude.

- :func:`_gradient_omp` (gradient OMP, also called greedy forward selection
  by gradient): k steps, each adding the feature whose gradient row is
  largest and refitting on the support.
- :func:`_gradient_htp` (gradient hard-thresholding pursuit, GraHTP): the
  support is the top k of the gradient step ``x - eta grad F(x)``, then a
  refit on it; stops when a support repeats.

Each returns ``(coef, intercept, info)`` as SEA's classifier loop does.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ._core import support_key, top_k


def row_norms(matrix):
    """Euclidean norm of each row of a ``(n_features, n_outputs)`` matrix."""
    if matrix.shape[1] == 1:
        return np.abs(matrix[:, 0])
    return np.sqrt(np.einsum("ij,ij->i", matrix, matrix))


def _result(problem, support, losses, best_iter, n_supports_explored):
    # The searches solve supports to the exploration's tolerance; the model
    # returned is refined as SEA's is, so that equal problems (weighted or
    # repeated samples) give equal models.
    coef_support, _ = problem.solve(support)
    coef_support, intercept, _ = problem.solve_final(
        support, coef_support, problem.intercept(support)
    )
    coef = np.zeros((problem.n_features, problem.n_outputs))
    coef[support] = coef_support
    info = {
        "n_iter": len(losses),
        "best_iter": best_iter,
        "loss_curve": np.asarray(losses, dtype=np.float64),
        "n_supports_explored": n_supports_explored,
    }
    return coef, intercept, info


def _gradient_omp(problem, k):
    """Greedy forward selection: add ``argmax_j ||grad_j F||``, refit, k times.

    The first feature is the one of largest gradient at the intercept-only
    model; each next one the feature outside the support of largest
    gradient at the refitted model (the gradient vanishes on the support).
    Ties go to the lowest index.

    Parameters
    ----------
    problem : SupportLogistic
        The support-restricted problem.
    k : int
        Number of features.

    Returns
    -------
    coef : ndarray of shape (n_features, n_outputs)
    intercept : ndarray of shape (n_outputs,)
    info : dict
        ``loss_curve[t]`` is the objective after ``t + 1`` features.
    """
    # Aty is minus the gradient at the intercept-only model.
    gradient = problem.Aty
    selected = np.zeros(problem.n_features, dtype=bool)
    losses = []
    for _ in range(k):
        score = row_norms(gradient)
        score[selected] = -np.inf
        selected[int(np.argmax(score))] = True
        support = np.flatnonzero(selected)
        _, value, gradient = problem.refit_gradient(support)
        losses.append(value)
    return _result(problem, support, losses, len(losses) - 1, len(losses))


def _gradient_htp(problem, k, *, step_size, max_iter):
    """Gradient hard-thresholding pursuit (GraHTP, full refit).

    From ``x = 0`` (the intercept-only model): the support is the top k rows
    of ``x - eta grad F(x)``, the model is refitted on it; stops when a
    support repeats (a fixed point or a cycle) or after ``max_iter``
    supports, and returns the best one. The first support is the k largest
    gradients, whatever the step.

    Parameters
    ----------
    problem : SupportLogistic
        The support-restricted problem.
    k : int
        Number of features.
    step_size : float
        Step ``eta`` in the normalised problem.
    max_iter : int
        Supports evaluated at most.

    Returns
    -------
    coef : ndarray of shape (n_features, n_outputs)
    intercept : ndarray of shape (n_outputs,)
    info : dict
        ``loss_curve[t]`` is the objective on the support of iteration t.
    """
    support = top_k(row_norms(problem.Aty), k)
    visited = set()
    losses = []
    best = (np.inf, 0, support)
    while True:
        visited.add(support_key(support))
        coef_support, value, gradient = problem.refit_gradient(support)
        if value < best[0]:
            best = (value, len(losses), support)
        losses.append(value)
        if len(losses) >= max_iter:
            break
        step = -step_size * gradient
        # The gradient of the penalised objective vanishes on the support
        # at the refit: the step leaves the coefficients there unchanged.
        step[support] = coef_support
        support = top_k(row_norms(step), k)
        if support_key(support) in visited:
            break
    _, best_iter, best_support = best
    return _result(problem, best_support, losses, best_iter, len(visited))

"""The public SEA path over the support size: ``sea_path``.

The counterpart of scikit-learn's ``lasso_path`` / ``lars_path`` and of
OMP's ``return_path``: coefficients for ``k = 1 .. max_n_nonzero_coefs``,
each run warm-started from the solution for ``k - 1``. Its first support is
that solution's support plus the feature most correlated with its residual
(the OMP step), so the training objective never increases along the path.
"""

# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from scipy.sparse.linalg import LinearOperator
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ._core import prepare_raw_least_squares
from ._sea import (
    DEFAULT_MAX_ITER,
    _check_design_and_target,
    _resolve_step_size,
    _resolve_tol,
    _sea_problem,
)


def sea_path_prepared(
    prepared,
    max_n_nonzero_coefs,
    *,
    warm_start=True,
    max_iter,
    step_size,
    tol,
    loss_scales=None,
    positive=False,
    n_iter_no_change=None,
):
    """The SEA path on a prepared problem: the one implementation of the path.

    Parameters
    ----------
    prepared : PreparedLeastSquares
        Normalised (estimators) or raw (:func:`sea_path`) problem.
    max_n_nonzero_coefs : int or ndarray of shape (n_targets,)
        Last k of the path, shared or per target (clipped to the features
        the solvers see).
    warm_start : bool
        Start each k from the (k - 1) solution; otherwise from zero.
    max_iter, step_size, positive, n_iter_no_change
        As in :func:`sea`; ``step_size`` may be "auto". ``n_iter_no_change``
        applies to every run of the path (None: the paper's algorithm).
    tol : float or None
        In the user's units (None: stop at an exact fit up to rounding).
    loss_scales : ndarray of shape (n_targets,), default=None
        Factors from the solvers' objective to the user's units (ones for a
        raw problem).

    Returns
    -------
    coefs : ndarray of shape (max_k, n_targets, n_kept_features)
        Solver-scale coefficients of every k (zeros past a target's last k).
    results : list of lists of SolverResult
        ``results[t][k - 1]``: the run of target t for support size k.
    """
    n_targets, n_features = prepared.n_targets, prepared.n_features
    last_k = np.minimum(
        np.broadcast_to(max_n_nonzero_coefs, (n_targets,)), n_features
    ).astype(int)
    if loss_scales is None:
        loss_scales = np.ones(n_targets)
    # One step for the whole path: with a zero start the supports do not depend
    # on it, with a warm start it must be the warm-start step of SEARegressor.
    step = _resolve_step_size(step_size, prepared.design, warm=warm_start)
    coefs = np.zeros((last_k.max(), n_targets, n_features), prepared.work_dtype)
    results = []
    for t in range(n_targets):
        previous, runs = None, []
        for k in range(1, last_k[t] + 1):
            # A fresh per-support cache per k; the design (Gram matrix or
            # cached columns) is shared.
            problem = prepared.problem(t)
            result = _sea_problem(
                problem,
                k,
                coef_init=previous,
                max_iter=max_iter,
                step_size=step,
                tol=_resolve_tol(tol, problem, loss_scales[t]),
                positive=positive,
                n_iter_no_change=n_iter_no_change,
            )
            coefs[k - 1, t] = result.coef
            runs.append(result)
            if warm_start:
                previous = result.coef
        results.append(runs)
    return coefs, results


@validate_params(
    {
        "X": ["array-like", "sparse matrix", LinearOperator],
        "y": ["array-like"],
        "max_n_nonzero_coefs": [Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "step_size": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "precompute": [StrOptions({"auto"}), "boolean"],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), None],
        "return_n_iter": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def sea_path(
    X,
    y,
    *,
    max_n_nonzero_coefs,
    max_iter=DEFAULT_MAX_ITER,
    step_size="auto",
    tol=0.0,
    precompute="auto",
    n_iter_no_change=None,
    return_n_iter=False,
):
    """SEA solutions for every support size from 1 to ``max_n_nonzero_coefs``.

    Each k starts from the solution for ``k - 1``; its first support is that
    solution's support plus the feature most correlated with its residual,
    so the objective ``||y - X x_k||^2`` does not increase with k. Like
    :func:`sea`, this is the bare algorithm on the design as given (no
    intercept, no column normalisation). The design's preprocessing (Gram
    matrix or operator) is shared by the whole path.

    Parameters
    ----------
    X : {array-like, sparse matrix, LinearOperator} of shape (n_samples, n_features)
        Design.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Observations; each target has its own path.
    max_n_nonzero_coefs : int
        Last k of the path (clipped to ``n_features``).
    max_iter : int, default=1000
        Maximum number of SEA iterations for each k.
    step_size : "auto" or float, default="auto"
        Step of the exploration update; "auto" is ``1 / ||X||_2^2`` (the
        runs are warm-started, so the step matters).
    tol : float, default=0.0
        Stop each run when the squared residual norm is at most ``tol``.
    precompute : "auto" or bool, default="auto"
        Use the Gram matrix ``X^T X`` (see :func:`sea`).
    n_iter_no_change : int, default=None
        Stop each run once its best objective has not improved for this
        many iterations (see :func:`sea`); None runs ``max_iter`` iterations
        (or until ``tol``), as in the paper.
    return_n_iter : bool, default=False
        Also return the number of iterations of each run.

    Returns
    -------
    n_nonzero_coefs : ndarray of shape (n_ks,)
        The support sizes ``1 .. n_ks`` of the path.
    coefs : ndarray of shape (n_features, n_ks) or (n_targets, n_features, n_ks)
        Coefficients along the path (the layout of scikit-learn's
        :func:`~sklearn.linear_model.lasso_path`).
    n_iters : ndarray of shape (n_ks,) or (n_targets, n_ks)
        Iterations of each run; returned when ``return_n_iter`` is True.

    See Also
    --------
    sea : One support size.
    SEARegressorCV : k chosen by cross-validation along this path.
    SEARegressorIC : k chosen by an information criterion along this path.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea import sea_path
    >>> from sklearn_sea.datasets import make_compressed_sensing
    >>> X, y, coef = make_compressed_sensing(
    ...     n_samples=60, n_features=100, n_nonzero_coefs=4, random_state=0)
    >>> ks, coefs = sea_path(X, y, max_n_nonzero_coefs=6)
    >>> ks.tolist(), coefs.shape
    ([1, 2, 3, 4, 5, 6], (100, 6))
    >>> rss = ((y[:, None] - X @ coefs) ** 2).sum(axis=0)
    >>> bool(np.all(np.diff(rss) <= 1e-12)), bool(rss[3] < 1e-20)
    (True, True)
    """
    X, y_2d, single = _check_design_and_target(X, y)
    prepared = prepare_raw_least_squares(X, y_2d, precompute)
    max_k = min(max_n_nonzero_coefs, X.shape[1])
    coefs, results = sea_path_prepared(
        prepared,
        max_k,
        max_iter=max_iter,
        step_size=step_size,
        tol=tol,
        n_iter_no_change=n_iter_no_change,
    )
    ks = np.arange(1, max_k + 1)
    coefs = coefs.transpose(1, 2, 0)  # (n_targets, n_features, n_ks)
    n_iters = np.array([[run.n_iter for run in runs] for runs in results])
    if single:
        coefs, n_iters = coefs[0], n_iters[0]
    return (ks, coefs, n_iters) if return_n_iter else (ks, coefs)

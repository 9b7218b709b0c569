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
from sklearn.utils import check_array
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ._base import _named_errors
from ._core import SupportLeastSquares
from ._sea import (
    DEFAULT_MAX_ITER,
    _check_design,
    _check_normal_equations,
    _raw_design,
    _resolve_step_size,
    _sea,
)


@validate_params(
    {
        "X": ["array-like", "sparse matrix", LinearOperator],
        "y": ["array-like"],
        "max_n_nonzero_coefs": [Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "step_size": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "precompute": [StrOptions({"auto"}), "boolean"],
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
    X = _check_design(X)
    y = _named_errors(
        "y",
        lambda: check_array(
            y, ensure_2d=False, dtype=[np.float64, np.float32], input_name="y"
        ),
    )
    if y.shape[0] != X.shape[0]:
        raise ValueError(
            f"y has {y.shape[0]} samples but X has {X.shape[0]}; they must match."
        )
    single = y.ndim == 1
    n_features = X.shape[1]
    max_k = min(max_n_nonzero_coefs, n_features)
    work_dtype = np.result_type(X.dtype, np.float32)
    y_2d = y.reshape(X.shape[0], -1).astype(work_dtype, copy=False)
    with np.errstate(over="ignore", invalid="ignore"):
        design = _raw_design(X, precompute)
        Aty = np.asarray(X.T @ y_2d if not hasattr(X, "rmatmat") else X.rmatmat(y_2d))
        y_sq_norms = np.einsum("ij,ij->j", y_2d, y_2d)
    _check_normal_equations(getattr(design, "gram", None), Aty, y_sq_norms)
    # One step for the whole path: every run but the first is warm-started.
    step = _resolve_step_size(step_size, design, warm=True)

    n_targets = y_2d.shape[1]
    coefs = np.zeros((n_targets, n_features, max_k), dtype=work_dtype)
    n_iters = np.zeros((n_targets, max_k), dtype=np.intp)
    for t in range(n_targets):
        previous = None
        for k in range(1, max_k + 1):
            # A fresh per-support cache per k; the design is shared.
            problem = SupportLeastSquares(design, Aty[:, t], y_sq_norms[t])
            result = _sea(
                problem,
                k,
                max_iter=max_iter,
                step_size=step,
                coef_init=previous,
                tol=tol,
            )
            coefs[t, :, k - 1] = result.coef
            n_iters[t, k - 1] = result.n_iter
            previous = result.coef
    ks = np.arange(1, max_k + 1)
    if single:
        coefs, n_iters = coefs[0], n_iters[0]
    return (ks, coefs, n_iters) if return_n_iter else (ks, coefs)

# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled Newton solve of the binary penalised log-loss on one support.

The iterates of :meth:`SupportLogistic._newton_binary
<sklearn_sea._core._support_logistic.SupportLogistic._newton_binary>`: at
SEA's sizes (400 samples, a support of 10 features and the intercept) a
Newton step is about fifteen numpy calls on small arrays, and their
per-call overhead, not the arithmetic, was most of a binary classifier's
fit. Here a step is C loops and BLAS/LAPACK calls (SciPy's Cython
declarations): ``dgemv`` for ``B^T r`` and ``B d``, ``dsyrk`` for the
Hessian, ``dpotrf``/``dpotrs`` for the step. A Hessian that is not
numerically definite (the pivot rule of
:func:`~sklearn_sea._core._tolerances.pivot_threshold`) is solved by the
caller's minimum-norm solver, through Python, as in the Python path.

The caller chooses this kernel (see :mod:`sklearn_sea._core._accelerator`);
the results equal those of the Python solve up to rounding.
"""

# SPDX-License-Identifier: BSD-3-Clause

from libc.math cimport exp, fabs, isfinite, log1p, sqrt
from libc.string cimport memcpy
from scipy.linalg.cython_blas cimport dgemv, dsyrk
from scipy.linalg.cython_lapack cimport dpotrf, dpotrs

import numpy as np

from ._tolerances import PIVOT_RTOL

cdef double _PIVOT_RTOL_EPS = PIVOT_RTOL * np.finfo(np.float64).eps


cdef _check_vector(const double[::1] values, Py_ssize_t size, str name,
                   bint non_negative):
    cdef Py_ssize_t i
    if values.shape[0] != size:
        raise ValueError(
            f"newton_binary: {name} must have {size} entries (inconsistent "
            f"shapes); got {values.shape[0]}.")
    for i in range(size):
        if not isfinite(values[i]) or (non_negative and values[i] < 0):
            raise ValueError(
                f"newton_binary: {name} holds NaN, infinity"
                + (" or a negative value." if non_negative else "."))


cdef _check_inputs(const double[:, ::1] B, const double[::1] y,
                   const double[::1] weight, const double[::1] diag,
                   const double[::1] theta, double gtol, Py_ssize_t max_iter,
                   double armijo, Py_ssize_t max_halvings):
    """Raise ValueError unless the solve can run on these inputs.

    The loops index with bounds checks off: a wrong size would read or
    write outside the arrays, a NaN would make every comparison false.
    """
    cdef Py_ssize_t n_samples = B.shape[0], width = B.shape[1], i, j
    if n_samples < 1 or width < 1:
        raise ValueError(
            f"newton_binary: B must be a non-empty matrix; got shape "
            f"({n_samples}, {width}).")
    if width > 46340:  # width * width must fit the int of LAPACK's sizes
        raise ValueError(f"newton_binary: B has too many columns ({width}).")
    if n_samples > 2147483647:
        raise ValueError(f"newton_binary: B has too many rows ({n_samples}).")
    _check_vector(y, n_samples, "y", True)
    for i in range(n_samples):
        if y[i] > 1:
            raise ValueError("newton_binary: y must hold labels 0 and 1.")
    if weight is not None:
        _check_vector(weight, n_samples, "weight", True)
    _check_vector(diag, width, "diag", True)
    _check_vector(theta, width, "theta_start", False)
    for i in range(n_samples):
        for j in range(width):
            if not isfinite(B[i, j]):
                raise ValueError("newton_binary: B holds NaN or infinity.")
    if not (isfinite(gtol) and gtol >= 0):
        raise ValueError(
            f"newton_binary: gtol must be a finite number >= 0; got {gtol}.")
    if max_iter < 0:
        raise ValueError(f"newton_binary: max_iter must be >= 0; got {max_iter}.")
    if max_halvings < 1:
        raise ValueError(
            f"newton_binary: max_halvings must be >= 1; got {max_halvings}.")
    if not (isfinite(armijo) and 0 <= armijo < 1):
        raise ValueError(
            f"newton_binary: armijo must be in [0, 1); got {armijo}.")


cdef inline double _log1p_exp(double x) noexcept nogil:
    # log(1 + e^x) without overflow, as numpy's logaddexp(0, x).
    if x > 0:
        return x + log1p(exp(-x))
    return log1p(exp(x))


cdef inline double _expit(double x) noexcept nogil:
    return 1.0 / (1.0 + exp(-x))


cdef double _objective(const double[::1] z, const double[::1] y,
                       const double *weight, const double[::1] diag,
                       const double[::1] theta) noexcept nogil:
    """Weighted log-loss of the predictor ``z`` plus ``theta^T diag theta / 2``."""
    cdef Py_ssize_t i, n_samples = z.shape[0], width = theta.shape[0]
    cdef double total = 0.0, penalty = 0.0, loss
    for i in range(n_samples):
        # log(1 + e^z) - y z = log(1 + e^{(1 - 2y) z}) for labels 0 and 1.
        loss = _log1p_exp((1.0 - 2.0 * y[i]) * z[i])
        total += loss if weight == NULL else weight[i] * loss
    for i in range(width):
        penalty += diag[i] * theta[i] * theta[i]
    return total + 0.5 * penalty


def _float64_array(values, str name, int ndim):
    """``values`` itself if a C-contiguous float64 array of ``ndim`` dimensions."""
    if not (isinstance(values, np.ndarray) and values.dtype == np.float64
            and values.ndim == ndim and values.flags.c_contiguous):
        raise ValueError(
            f"newton_binary: {name} must be a C-contiguous float64 array of "
            f"{ndim} dimension(s); got {type(values).__name__} "
            f"{getattr(values, 'dtype', '')} of shape {getattr(values, 'shape', '')}.")
    return values


def newton_binary(B, y, weight, diag, theta_start, double gtol,
                  Py_ssize_t max_iter, double armijo, Py_ssize_t max_halvings,
                  fallback_solve):
    """Newton on the binary penalised log-loss of the predictor ``B theta``.

    Parameters
    ----------
    B : ndarray of shape (n_samples, width), C-contiguous float64
        The support's columns (and the column of ones of an intercept).
    y : ndarray of shape (n_samples,)
        Labels 0 and 1.
    weight : ndarray of shape (n_samples,) or None
        Non-negative sample weights; None for unit weights.
    diag : ndarray of shape (width,)
        Diagonal of the L2 penalty (0 for an intercept).
    theta_start : ndarray of shape (width,)
        Start of Newton; not modified.
    gtol : float
        Stop when ``max |gradient|`` is at most this.
    max_iter, max_halvings : int
        Newton steps, and halvings of a step in the line search, at most.
    armijo : float
        Sufficient-decrease fraction of the line search.
    fallback_solve : callable
        ``fallback_solve(H, g)`` solves a Hessian that is not numerically
        definite (the minimum-norm solution).

    Returns
    -------
    theta : ndarray of shape (width,)
    value : float
        The objective at ``theta``.
    z : ndarray of shape (n_samples,)
        The predictor ``B theta``.
    r : ndarray of shape (n_samples,)
        The derivative of the weighted loss in ``z``.
    """
    cdef const double[:, ::1] B_view = _float64_array(B, "B", 2)
    cdef const double[::1] y_view = _float64_array(y, "y", 1)
    cdef const double[::1] diag_view = _float64_array(diag, "diag", 1)
    cdef const double[::1] start = _float64_array(theta_start, "theta_start", 1)
    cdef const double[::1] w_view = None
    if weight is not None:
        w_view = _float64_array(weight, "weight", 1)
    _check_inputs(B_view, y_view, w_view, diag_view, start, gtol, max_iter, armijo,
                  max_halvings)
    if not callable(fallback_solve):
        raise ValueError("newton_binary: fallback_solve must be callable.")

    cdef Py_ssize_t n_samples = B_view.shape[0], width = B_view.shape[1], i, j
    cdef Py_ssize_t iteration, halving
    cdef int m = <int>n_samples, n = <int>width, one = 1, info = 0
    cdef char upper = b'U', transpose = b'T', no_transpose = b'N'
    cdef double alpha = 1.0, beta = 0.0, p, s, step, value, new_value
    cdef double decrement, norm, diag_max, pivot_min = 0.0
    cdef const double *w = NULL if w_view is None else &w_view[0]
    cdef const double *b = &B_view[0, 0]
    cdef bint improved

    theta_arr = np.array(start, dtype=np.float64)
    z_arr = np.empty(n_samples)
    r_arr = np.empty(n_samples)
    candidate_arr = np.empty(width)
    z_new_arr = np.empty(n_samples)
    hessian_arr = np.empty((width, width))
    factor_arr = np.empty((width, width))
    g_arr = np.empty(width)
    d_arr = np.empty(width)
    cdef double[::1] theta = theta_arr, z = z_arr, r = r_arr
    cdef double[::1] candidate = candidate_arr, z_new = z_new_arr
    cdef double[::1] g = g_arr, d = d_arr, dz = np.empty(n_samples)
    cdef double[::1] h = np.empty(n_samples)
    cdef double[:, ::1] scaled = np.empty((n_samples, width))
    cdef double[:, ::1] hessian = hessian_arr, factor = factor_arr

    # B is C-contiguous (n_samples, width): to BLAS, the column-major
    # (width, n_samples) matrix B^T, leading dimension width.
    # z = B theta
    dgemv(&transpose, &n, &m, &alpha, b, &n, &theta[0], &one, &beta, &z[0], &one)
    value = _objective(z, y_view, w, diag_view, theta)
    for iteration in range(max_iter):
        for i in range(n_samples):
            p = _expit(z[i])
            s = 1.0 if w == NULL else w[i]
            r[i] = (p - y_view[i]) * s
            h[i] = (p - p * p) * s
        # g = B^T r + diag theta
        dgemv(&no_transpose, &n, &m, &alpha, b, &n, &r[0], &one, &beta, &g[0], &one)
        norm = 0.0
        for j in range(width):
            g[j] += diag_view[j] * theta[j]
            if fabs(g[j]) > norm:
                norm = fabs(g[j])
        if norm <= gtol:
            return theta_arr, value, z_arr, r_arr
        # Hessian B^T diag(h) B + diag: the rows of B scaled by sqrt(h), one
        # symmetric rank-n_samples product (upper triangle, column-major).
        for i in range(n_samples):
            s = sqrt(h[i])
            for j in range(width):
                scaled[i, j] = B_view[i, j] * s
        dsyrk(&upper, &no_transpose, &n, &m, &alpha, &scaled[0, 0], &n, &beta,
              &hessian[0, 0], &n)
        diag_max = 0.0
        for j in range(width):
            hessian[j, j] += diag_view[j]
            if hessian[j, j] > diag_max:
                diag_max = hessian[j, j]
        memcpy(&factor[0, 0], &hessian[0, 0], width * width * sizeof(double))
        dpotrf(&upper, &n, &factor[0, 0], &n, &info)
        if info == 0:
            pivot_min = factor[0, 0]
            for j in range(1, width):
                if factor[j, j] < pivot_min:
                    pivot_min = factor[j, j]
        if info == 0 and pivot_min * pivot_min > _PIVOT_RTOL_EPS * width * diag_max:
            memcpy(&d[0], &g[0], width * sizeof(double))
            dpotrs(&upper, &n, &one, &factor[0, 0], &n, &d[0], &n, &info)
        else:
            info = 1
        if info != 0:
            # Not numerically definite: the caller's minimum-norm solve. The
            # upper triangle (column-major) is the lower one in C order.
            for i in range(width):
                for j in range(i + 1, width):
                    hessian[i, j] = hessian[j, i]
            solved = np.asarray(fallback_solve(hessian_arr.copy(), g_arr.copy()),
                                dtype=np.float64).ravel()
            if solved.shape[0] != width or not np.all(np.isfinite(solved)):
                raise ValueError(
                    "newton_binary: fallback_solve must return a finite vector "
                    f"of {width} entries.")
            d_arr[:] = solved
        decrement = 0.0
        for j in range(width):
            decrement += g[j] * d[j]
        # dz = B d
        dgemv(&transpose, &n, &m, &alpha, b, &n, &d[0], &one, &beta, &dz[0], &one)
        step = 1.0
        improved = False
        for halving in range(max_halvings):
            for j in range(width):
                candidate[j] = theta[j] - step * d[j]
            for i in range(n_samples):
                z_new[i] = z[i] - step * dz[i]
            new_value = _objective(z_new, y_view, w, diag_view, candidate)
            if new_value <= value - armijo * step * decrement:
                improved = True
                break
            step *= 0.5
        if not improved:
            break  # no decrease at round-off level: as good as it gets
        memcpy(&theta[0], &candidate[0], width * sizeof(double))
        memcpy(&z[0], &z_new[0], n_samples * sizeof(double))
        value = new_value
    for i in range(n_samples):
        s = 1.0 if w == NULL else w[i]
        r[i] = (_expit(z[i]) - y_view[i]) * s
    return theta_arr, value, z_arr, r_arr

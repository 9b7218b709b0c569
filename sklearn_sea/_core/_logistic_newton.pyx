# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled Newton solves of the penalised log-loss on one support.

The iterates of :meth:`SupportLogistic._newton_binary
<sklearn_sea._core._support_logistic.SupportLogistic._newton_binary>`: at
SEA's sizes (400 samples, a support of 10 features and the intercept) a
Newton step is about fifteen numpy calls on small arrays, and their
per-call overhead, not the arithmetic, was most of a binary classifier's
fit. Here a step is C loops over the support's columns held as contiguous
rows (``_logistic_kernels.h``: the predictor, the gradient, the Hessian,
and the exponentials and logarithms of the loss, all vectorised) and
LAPACK's ``dpotrf``/``dpotrs`` for the step. A Hessian that is not
numerically definite (the pivot rule of
:func:`~sklearn_sea._core._tolerances.pivot_threshold`) is solved by the
caller's minimum-norm solver, through Python, as in the Python path.

:class:`BinarySupportSolver` does all of a support's work in one call: the
columns copied from the transposed design, the warm start of
:meth:`SupportLogistic._warm_start
<sklearn_sea._core._support_logistic.SupportLogistic._warm_start>`, Newton,
and the gradient ``A^T r`` SEA steps along (BLAS ``dgemv``). Its
:meth:`~BinarySupportSolver.search` runs the iterations of SEA's binary
classifier around those solves, the cache of solved supports shared with the
Python problem: without a Python call per iteration, which had become a
third of a fit's time, and, with no more samples than features, without the
full gradient: it computes only the entries of the exploration that can
change the support.

:class:`SoftmaxLoss` serves the multinomial model: the loss, the softmax and
the residual over the ``n_samples x n_classes`` scores, one loop each.
:class:`MultinomialChord` takes that model's Newton steps between two of
the matrices the Python caller forms (the Hessian and its class blocks,
whose cost is BLAS products): the gradient and the step's scores by
``dgemm``, the triangular solves by ``dtrsv``, the line search on those
loops.

The caller chooses this kernel (see :mod:`sklearn_sea._core._accelerator`);
the results equal those of the Python solve up to rounding.
"""

# SPDX-License-Identifier: BSD-3-Clause

from cpython.buffer cimport (
    PyBUF_C_CONTIGUOUS,
    PyBUF_WRITABLE,
    PyBuffer_Release,
    PyObject_GetBuffer,
)
from libc.math cimport NAN, fabs, isfinite, isnan, sqrt
from libc.string cimport memcpy
from scipy.linalg.cython_blas cimport dgemm, dgemv, dtrsv
from scipy.linalg.cython_lapack cimport dpotrf, dpotrs

import gc

import numpy as np

from ._tolerances import NEWTON_ROUNDOFF_RTOL, PIVOT_RTOL

cdef extern from "_logistic_kernels.h" nogil:
    double sea_dot(const double *x, const double *v, Py_ssize_t n)
    double sea_logistic_losses(const double *z, const double *sign,
                               const double *w, Py_ssize_t n, double *e,
                               double *loss)
    void sea_logistic_derivatives(const double *z, const double *e,
                                  const double *y, const double *w,
                                  Py_ssize_t n, double *r, double *h)
    void sea_rows_combine(const double *bt, Py_ssize_t width, Py_ssize_t n,
                          const double *theta, double *z)
    void sea_rows_dots(const double *bt, Py_ssize_t width, Py_ssize_t n,
                       const double *v, double *g)
    void sea_rows_weighted_gram(const double *bt, Py_ssize_t width, Py_ssize_t n,
                                const double *h, double *scratch, double *hess)
    int sea_top_k_abs(const double *x, Py_ssize_t n, Py_ssize_t k,
                      Py_ssize_t *out, double *best)
    void sea_support_combine(const double *at, Py_ssize_t n,
                             const Py_ssize_t *positions, Py_ssize_t k,
                             const double *theta, double c, double *z)
    void sea_explore_compute(const double *at, Py_ssize_t n, const double *x0,
                             double step, const double *R, double S,
                             const Py_ssize_t *rows, Py_ssize_t count, double *x,
                             double *fresh, double *dots)
    int sea_explore_refresh(const double *at, Py_ssize_t n, Py_ssize_t n_features,
                            const double *x0, double step, const double *R,
                            double S, double margin, const double *colnorm,
                            const Py_ssize_t *support, Py_ssize_t k, double *x,
                            double *fresh, Py_ssize_t *list, double *dots)
    double sea_softmax_losses(const double *Z, Py_ssize_t n, Py_ssize_t K,
                              const Py_ssize_t *labels, const double *w,
                              double *E, double *total)
    void sea_softmax_residual(const double *E, const double *total, Py_ssize_t n,
                              Py_ssize_t K, const Py_ssize_t *labels,
                              const double *w, double *P, double *R)
    void sea_row_products(const float *x, Py_ssize_t width, Py_ssize_t n,
                          float *K)
    void sea_class_pair_weights(const double *P, Py_ssize_t n,
                                Py_ssize_t n_classes, float *W)
    void sea_hessian_from_grams(const float *grams, Py_ssize_t width,
                                Py_ssize_t n_classes, double *H)

cdef double _PIVOT_RTOL_EPS = PIVOT_RTOL * np.finfo(np.float64).eps
cdef double _NEWTON_ROUNDOFF = NEWTON_ROUNDOFF_RTOL * np.finfo(np.float64).eps
cdef double _EPS = np.finfo(np.float64).eps


cdef void *_data(array, bint writable=True) except NULL:
    """The data of a C-contiguous ndarray the caller keeps alive.

    Through the buffer protocol, without the memoryview object a typed view
    would create for every array of every solve: those objects are tracked
    by the garbage collector, whose passes they set off.
    """
    cdef Py_buffer view
    PyObject_GetBuffer(
        array, &view, PyBUF_C_CONTIGUOUS | (PyBUF_WRITABLE if writable else 0))
    cdef void *data = view.buf
    PyBuffer_Release(&view)  # the array keeps the memory
    if data == NULL:  # an empty array: no entry is read
        data = <void *> &_EMPTY
    return data


cdef double _EMPTY = 0.0


def _typed_array(values, dtype, str name, int ndim, str function):
    """``values`` itself if a C-contiguous array of ``dtype`` and ``ndim`` dimensions."""
    if not (isinstance(values, np.ndarray) and values.dtype == dtype
            and values.ndim == ndim and values.flags.c_contiguous):
        raise ValueError(
            f"{function}: {name} must be a C-contiguous {np.dtype(dtype).name} "
            f"array of {ndim} dimension(s); got {type(values).__name__} "
            f"{getattr(values, 'dtype', '')} of shape {getattr(values, 'shape', '')}.")
    return values


def _float64_array(values, str name, int ndim, str function):
    """``values`` itself if a C-contiguous float64 array of ``ndim`` dimensions."""
    return _typed_array(values, np.float64, name, ndim, function)


cdef _check_array(values, dtype, tuple shape, str name, str function):
    """Raise unless ``values`` is a C-contiguous array of ``dtype`` and ``shape``."""
    _typed_array(values, dtype, name, len(shape), function)
    if values.shape != shape:
        raise ValueError(f"{function}: {name} must have shape {shape}; got "
                         f"{values.shape}.")


cdef _check_vector(const double[::1] values, Py_ssize_t size, str name,
                   bint non_negative, str function):
    cdef Py_ssize_t i
    if values.shape[0] != size:
        raise ValueError(
            f"{function}: {name} must have {size} entries (inconsistent "
            f"shapes); got {values.shape[0]}.")
    for i in range(size):
        if not isfinite(values[i]) or (non_negative and values[i] < 0):
            raise ValueError(
                f"{function}: {name} holds NaN, infinity"
                + (" or a negative value." if non_negative else "."))


cdef _check_labels(const double[::1] y, const double[::1] weight,
                   Py_ssize_t n_samples, str function):
    cdef Py_ssize_t i
    if n_samples < 1:
        raise ValueError(f"{function}: there must be at least one sample.")
    if n_samples > 2147483647:
        raise ValueError(f"{function}: too many samples ({n_samples}).")
    _check_vector(y, n_samples, "y", True, function)
    for i in range(n_samples):
        if y[i] > 1:
            raise ValueError(f"{function}: y must hold labels 0 and 1.")
    if weight is not None:
        _check_vector(weight, n_samples, "weight", True, function)


cdef _check_settings(double gtol, Py_ssize_t max_iter, double armijo,
                     Py_ssize_t max_halvings, fallback_solve, str function):
    if not (isfinite(gtol) and gtol >= 0):
        raise ValueError(
            f"{function}: gtol must be a finite number >= 0; got {gtol}.")
    if max_iter < 0:
        raise ValueError(f"{function}: max_iter must be >= 0; got {max_iter}.")
    if max_halvings < 1:
        raise ValueError(
            f"{function}: max_halvings must be >= 1; got {max_halvings}.")
    if not (isfinite(armijo) and 0 <= armijo < 1):
        raise ValueError(
            f"{function}: armijo must be in [0, 1); got {armijo}.")
    if not callable(fallback_solve):
        raise ValueError(f"{function}: fallback_solve must be callable.")


cdef _check_width(Py_ssize_t width, str name, str function):
    if width < 1:
        raise ValueError(f"{function}: {name} must have at least one column.")
    if width > 46340:  # width * width must fit the int of LAPACK's sizes
        raise ValueError(f"{function}: {name} has too many columns ({width}).")


cdef _check_finite_rows(const double *bt, Py_ssize_t size, str name, str function):
    cdef Py_ssize_t i
    for i in range(size):
        if not isfinite(bt[i]):
            raise ValueError(f"{function}: {name} holds NaN or infinity.")


cdef double _penalty(const double *diag, const double *theta, Py_ssize_t width) noexcept nogil:
    cdef double total = 0.0
    cdef Py_ssize_t j
    for j in range(width):
        total += diag[j] * theta[j] * theta[j]
    return 0.5 * total


cdef bint _cholesky_solve(double *matrix, double *factor, double *rhs_solution,
                          int width) noexcept nogil:
    """Solve ``matrix x = rhs`` in place by Cholesky; False if not definite.

    The pivot rule of :func:`~sklearn_sea._core._tolerances.pivot_threshold`,
    as the Python solves apply it. ``matrix`` is symmetric (both triangles).
    """
    cdef int info = 0, one = 1
    cdef char upper = b'U'
    cdef double diag_max = 0.0, pivot_min
    cdef Py_ssize_t j
    for j in range(width):
        if matrix[j * width + j] > diag_max:
            diag_max = matrix[j * width + j]
    if not diag_max > 0:
        return False
    memcpy(factor, matrix, width * width * sizeof(double))
    dpotrf(&upper, &width, factor, &width, &info)
    if info != 0:
        return False
    pivot_min = factor[0]
    for j in range(1, width):
        if factor[j * width + j] < pivot_min:
            pivot_min = factor[j * width + j]
    if not pivot_min * pivot_min > _PIVOT_RTOL_EPS * width * diag_max:
        return False
    dpotrs(&upper, &width, &one, factor, &width, rhs_solution, &width, &info)
    return info == 0


cdef _solve_or_fall_back(double *matrix, double *factor, double *rhs_solution,
                         Py_ssize_t width, fallback_solve, str function):
    """Cholesky, or the caller's minimum-norm solve of a matrix not definite."""
    if _cholesky_solve(matrix, factor, rhs_solution, <int>width):
        return
    cdef double[:, ::1] matrix_view = <double[:width, :width]> matrix
    cdef double[::1] rhs_view = <double[:width]> rhs_solution
    solved = np.asarray(
        fallback_solve(np.array(matrix_view), np.array(rhs_view)), dtype=np.float64
    ).ravel()
    if solved.shape[0] != width or not np.all(np.isfinite(solved)):
        raise ValueError(
            f"{function}: fallback_solve must return a finite vector of "
            f"{width} entries.")
    cdef double[::1] solved_view = solved
    memcpy(rhs_solution, &solved_view[0], width * sizeof(double))


cdef class _Workspace:
    """Scratch of one solve: ``n_samples`` and ``width`` sized vectors."""

    cdef object buffer
    cdef double *z_new
    cdef double *e
    cdef double *e_new
    cdef double *loss
    cdef double *h
    cdef double *dz
    cdef double *scratch
    cdef double *candidate
    cdef double *g
    cdef double *d
    cdef double *hess
    cdef double *factor

    def __cinit__(self, Py_ssize_t n_samples, Py_ssize_t width):
        self.buffer = np.empty(8 * n_samples + 3 * width + 2 * width * width)
        cdef double[::1] view = self.buffer
        cdef double *p = &view[0]
        self.z_new, self.e, self.e_new = p, p + n_samples, p + 2 * n_samples
        self.loss, self.h = p + 3 * n_samples, p + 4 * n_samples
        self.dz = p + 5 * n_samples
        p += 6 * n_samples
        self.candidate, self.g, self.d = p, p + width, p + 2 * width
        self.hess, self.factor = p + 3 * width, p + 3 * width + width * width
        self.scratch = p + 3 * width + 2 * width * width  # 2 n_samples


cdef inline double _trial_value(const double *bt, Py_ssize_t n_samples,
                                Py_ssize_t width, const double *sign,
                                const double *w, const double *diag,
                                const double *theta, const double *current,
                                double step, double *trial, double *e_trial,
                                _Workspace work):
    """The objective at ``theta - step d`` (``work.candidate``, its predictor ``trial``)."""
    cdef Py_ssize_t i, j
    for j in range(width):
        work.candidate[j] = theta[j] - step * work.d[j]
    for i in range(n_samples):
        trial[i] = current[i] - step * work.dz[i]
    return (sea_logistic_losses(trial, sign, w, n_samples, e_trial, work.loss)
            + _penalty(diag, work.candidate, width))


cdef double _newton(const double *bt, Py_ssize_t n_samples, Py_ssize_t width,
                    const double *y, const double *sign, const double *w,
                    const double *diag, double *theta, double *z, double *r,
                    double gtol, Py_ssize_t max_iter, double armijo,
                    Py_ssize_t max_halvings, fallback_solve, str function,
                    _Workspace work) except? -1.0:
    """Newton from ``theta`` (updated in place); ``z``, ``r`` and the objective out.

    ``bt`` holds the support's columns as rows of ``n_samples`` entries.
    The steps of :meth:`SupportLogistic._newton_binary`: stop when
    ``max |gradient| <= gtol``, Armijo backtracking by halvings, and an end
    when no halving decreases the objective; under the objective's rounding
    (``_tolerances.NEWTON_ROUNDOFF_RTOL``) the full step is taken if it
    shrinks the gradient, and Newton ends otherwise.
    """
    cdef Py_ssize_t iteration, halving, j
    cdef double value, new_value, norm, decrement, step
    cdef bint improved
    # The current and the trial predictor (and their exp(-|z|)) trade places
    # when a step is taken, instead of being copied.
    cdef double *current = z
    cdef double *trial = work.z_new
    cdef double *e = work.e
    cdef double *e_trial = work.e_new
    sea_rows_combine(bt, width, n_samples, theta, current)
    value = (sea_logistic_losses(current, sign, w, n_samples, e, work.loss)
             + _penalty(diag, theta, width))
    for iteration in range(max_iter):
        sea_logistic_derivatives(current, e, y, w, n_samples, r, work.h)
        sea_rows_dots(bt, width, n_samples, r, work.g)
        norm = 0.0
        for j in range(width):
            work.g[j] += diag[j] * theta[j]
            if fabs(work.g[j]) > norm:
                norm = fabs(work.g[j])
        if norm <= gtol:
            break
        sea_rows_weighted_gram(bt, width, n_samples, work.h, work.scratch, work.hess)
        for j in range(width):
            work.hess[j * width + j] += diag[j]
        memcpy(work.d, work.g, width * sizeof(double))
        _solve_or_fall_back(work.hess, work.factor, work.d, width, fallback_solve,
                            function)
        decrement = 0.0
        for j in range(width):
            decrement += work.g[j] * work.d[j]
        sea_rows_combine(bt, width, n_samples, work.d, work.dz)
        if decrement <= _NEWTON_ROUNDOFF * fabs(value):
            # Under the objective's rounding: the full step, judged by the
            # gradient (the trial's derivatives in the Hessian's scratch).
            new_value = _trial_value(bt, n_samples, width, sign, w, diag, theta,
                                     current, 1.0, trial, e_trial, work)
            sea_logistic_derivatives(trial, e_trial, y, w, n_samples, work.scratch,
                                     work.scratch + n_samples)
            sea_rows_dots(bt, width, n_samples, work.scratch, work.g)
            improved = True
            for j in range(width):
                if not fabs(work.g[j] + diag[j] * work.candidate[j]) < norm:
                    improved = False
        else:
            step = 1.0
            improved = False
            for halving in range(max_halvings):
                new_value = _trial_value(bt, n_samples, width, sign, w, diag,
                                         theta, current, step, trial, e_trial, work)
                if new_value <= value - armijo * step * decrement:
                    improved = True
                    break
                step *= 0.5
        if not improved:
            break  # no decrease at round-off level; r is current's
        memcpy(theta, work.candidate, width * sizeof(double))
        current, trial = trial, current
        e, e_trial = e_trial, e
        value = new_value
    else:  # the last step taken: r of the new point
        sea_logistic_derivatives(current, e, y, w, n_samples, r, work.h)
    if current != z:
        memcpy(z, current, n_samples * sizeof(double))
    return value


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
    cdef str function = "newton_binary"
    cdef const double[:, ::1] B_view = _float64_array(B, "B", 2, function)
    cdef const double[::1] y_view = _float64_array(y, "y", 1, function)
    cdef const double[::1] diag_view = _float64_array(diag, "diag", 1, function)
    cdef const double[::1] start = _float64_array(theta_start, "theta_start", 1,
                                                  function)
    cdef const double[::1] w_view = None
    if weight is not None:
        w_view = _float64_array(weight, "weight", 1, function)
    cdef Py_ssize_t n_samples = B_view.shape[0], width = B_view.shape[1]
    _check_width(width, "B", function)
    _check_labels(y_view, w_view, n_samples, function)
    _check_vector(diag_view, width, "diag", True, function)
    _check_vector(start, width, "theta_start", False, function)
    _check_finite_rows(&B_view[0, 0], n_samples * width, "B", function)
    _check_settings(gtol, max_iter, armijo, max_halvings, fallback_solve, function)

    bt = np.ascontiguousarray(B_view.T)
    sign = 1.0 - 2.0 * np.asarray(y_view)
    theta = np.array(start, dtype=np.float64)
    z, r = np.empty(n_samples), np.empty(n_samples)
    cdef double[:, ::1] bt_view = bt
    cdef double[::1] sign_view = sign, theta_view = theta, z_view = z, r_view = r
    value = _newton(
        &bt_view[0, 0], n_samples, width, &y_view[0], &sign_view[0],
        NULL if w_view is None else &w_view[0], &diag_view[0], &theta_view[0],
        &z_view[0], &r_view[0], gtol, max_iter, armijo, max_halvings,
        fallback_solve, function, _Workspace(n_samples, width))
    return theta, value, z, r


cdef class BinarySupportSolver:
    """All of a binary support solve on one dense design, validated once.

    The work of :meth:`SupportLogistic._solve_new
    <sklearn_sea._core._support_logistic.SupportLogistic._solve_new>` on a
    dense design in one call per support: the columns (contiguous rows of
    the transposed design), the warm start from the previous solve's
    predictor, Newton (:func:`newton_binary`'s steps) and the gradient
    ``A^T r`` SEA steps along (BLAS ``dgemv``). The data are checked here,
    once, and a solve checks only its support and start: a fit solves
    hundreds of supports.

    Parameters
    ----------
    At : ndarray of shape (n_features, n_samples), C-contiguous float64
        The transposed normalised design (the memory of a Fortran-ordered
        ``A``); finite.
    y : ndarray of shape (n_samples,)
        Labels 0 and 1.
    weight : ndarray of shape (n_samples,) or None
        Non-negative sample weights; None for unit weights.
    penalty : ndarray of shape (n_features,)
        Diagonal of the L2 penalty of every feature.
    fit_intercept : bool
        Append a column of ones, unpenalised, to every support.
    null_intercept : float
        Intercept of the intercept-only model, the start of the first solve.
    max_iter, armijo, max_halvings, fallback_solve
        As for :func:`newton_binary`; ``fallback_solve`` serves the warm
        start's normal equations as well.
    """

    cdef object At, y, sign, weight, penalty, fallback_solve
    cdef const double[:, ::1] at_view
    cdef const double[::1] y_view, sign_view, penalty_view, w_view
    cdef Py_ssize_t n_samples, n_features, width
    cdef bint fit_intercept, has_last
    cdef double null_intercept, armijo
    cdef Py_ssize_t max_iter, max_halvings
    cdef object scratch
    cdef double *bt
    cdef double *diag
    cdef double *z
    cdef double *last_h
    cdef double *last_rhs
    cdef double *r
    cdef _Workspace work

    def __init__(self, At, y, weight, penalty, bint fit_intercept,
                 double null_intercept, Py_ssize_t max_iter, double armijo,
                 Py_ssize_t max_halvings, fallback_solve):
        cdef str function = "BinarySupportSolver"
        self.at_view = _float64_array(At, "At", 2, function)
        self.y_view = _float64_array(y, "y", 1, function)
        self.penalty_view = _float64_array(penalty, "penalty", 1, function)
        cdef const double[::1] w_view = None
        if weight is not None:
            w_view = _float64_array(weight, "weight", 1, function)
            self.w_view = w_view
        self.n_features, self.n_samples = At.shape
        if self.n_features < 1:
            raise ValueError(f"{function}: At must have at least one row.")
        if self.n_features > 2147483647:
            raise ValueError(f"{function}: too many features ({self.n_features}).")
        _check_labels(self.y_view, w_view, self.n_samples, function)
        _check_vector(self.penalty_view, self.n_features, "penalty", True, function)
        _check_finite_rows(&self.at_view[0, 0], self.n_features * self.n_samples,
                           "At", function)
        if not isfinite(null_intercept):
            raise ValueError(f"{function}: null_intercept must be finite.")
        _check_settings(0.0, max_iter, armijo, max_halvings, fallback_solve, function)
        self.At, self.y, self.weight, self.penalty = At, y, weight, penalty
        self.sign = 1.0 - 2.0 * np.asarray(y)
        self.sign_view = self.sign
        self.fit_intercept = fit_intercept
        self.null_intercept = null_intercept
        self.max_iter, self.armijo, self.max_halvings = max_iter, armijo, max_halvings
        self.fallback_solve = fallback_solve
        self.width = -1
        self.has_last = False

    cdef _reserve(self, Py_ssize_t width):
        """Buffers for supports of ``width`` columns (kept while it stays)."""
        if width == self.width:
            return
        cdef Py_ssize_t m = self.n_samples
        scratch = np.empty(width * m + width + 4 * m)
        cdef double[::1] view = scratch
        cdef double *last_h = &view[width * m + width + 2 * m]
        # The previous solve's weights and working response survive a change
        # of width.
        if self.has_last:
            memcpy(last_h, self.last_h, 2 * m * sizeof(double))
        self.scratch, self.last_h, self.last_rhs = scratch, last_h, last_h + m
        self.bt, self.diag = &view[0], &view[width * m]
        self.z, self.r = &view[width * m + width], &view[width * m + width + m]
        self.work = _Workspace(m, width)
        self.width = width

    def solve(self, support, start, double gtol):
        """Solve on ``support`` (intp, in ``[0, n_features)``).

        Parameters
        ----------
        support : ndarray of shape (k,), intp
        start : ndarray of shape (width,) or None
            Start of Newton (``width = k + fit_intercept``); None for the
            warm start: one IRLS step on the columns from the previous
            solve's predictor (:meth:`SupportLogistic._warm_start`), or zero
            coefficients and the null intercept at the first solve.
        gtol : float
            Stop when ``max |gradient|`` is at most this.

        Returns
        -------
        theta : ndarray of shape (width,)
            Coefficients, then the intercept if fitted.
        value : float
            The objective at ``theta``.
        gradient : ndarray of shape (n_features,)
            ``A^T r``, the gradient of the weighted loss in the design's
            coordinates (without the L2 term).
        """
        cdef str function = "BinarySupportSolver.solve"
        if not (isinstance(support, np.ndarray) and support.dtype == np.intp
                and support.ndim == 1):
            raise ValueError(f"{function}: support must be a 1-D intp array.")
        cdef const Py_ssize_t[::1] positions = np.ascontiguousarray(support)
        cdef Py_ssize_t k = positions.shape[0], width = k + self.fit_intercept
        cdef Py_ssize_t m = self.n_samples, n_features = self.n_features, j
        cdef const double[::1] start_view = None
        _check_width(width, "the support", function)
        for j in range(k):
            if not 0 <= positions[j] < n_features:
                raise ValueError(
                    f"{function}: support holds {positions[j]}, outside "
                    f"[0, {n_features}).")
        if start is not None:
            start_view = _float64_array(start, "start", 1, function)
            _check_vector(start_view, width, "start", False, function)
        if not (isfinite(gtol) and gtol >= 0):
            raise ValueError(
                f"{function}: gtol must be a finite number >= 0; got {gtol}.")
        out, value = self._solve(&positions[0], k,
                                 NULL if start_view is None else &start_view[0], gtol,
                                 True)
        return out[:width], value, out[width:]

    cdef tuple _solve(self, const Py_ssize_t *positions, Py_ssize_t k,
                      const double *start, double gtol, bint with_gradient):
        """:meth:`solve` on checked arguments: ``(theta then gradient, value)``.

        Without ``with_gradient``, ``theta`` alone: the search steps without
        the full gradient.
        """
        cdef str function = "BinarySupportSolver.solve"
        cdef Py_ssize_t width = k + self.fit_intercept
        cdef Py_ssize_t m = self.n_samples, n_features = self.n_features, j
        self._reserve(width)
        out = np.empty(width + n_features if with_gradient else width)
        cdef double *theta = <double *> _data(out)
        cdef double *gradient = theta + width
        cdef const double *at = &self.at_view[0, 0]
        for j in range(k):
            memcpy(self.bt + j * m, at + positions[j] * m, m * sizeof(double))
            self.diag[j] = self.penalty_view[positions[j]]
        if self.fit_intercept:
            for j in range(m):
                self.bt[k * m + j] = 1.0
            self.diag[k] = 0.0
        cdef _Workspace work = self.work
        if start != NULL:
            memcpy(theta, start, width * sizeof(double))
        elif not self.has_last:
            for j in range(width):
                theta[j] = 0.0
            if self.fit_intercept:
                theta[k] = self.null_intercept
        else:
            # One IRLS step from the previous solution's predictor.
            sea_rows_weighted_gram(self.bt, width, m, self.last_h, work.scratch,
                                   work.hess)
            for j in range(width):
                work.hess[j * width + j] += self.diag[j]
            sea_rows_dots(self.bt, width, m, self.last_rhs, theta)
            _solve_or_fall_back(work.hess, work.factor, theta, width,
                                self.fallback_solve, function)

        value = _newton(
            self.bt, m, width, &self.y_view[0], &self.sign_view[0],
            NULL if self.weight is None else &self.w_view[0], self.diag, theta,
            self.z, self.r, gtol, self.max_iter, self.armijo, self.max_halvings,
            self.fallback_solve, function, work)
        # _newton leaves the curvature at its solution in work.h.
        for j in range(m):
            self.last_h[j] = work.h[j]
            self.last_rhs[j] = work.h[j] * self.z[j] - self.r[j]
        self.has_last = True
        if not with_gradient:
            return out, value
        # gradient = A^T r: At is C-contiguous (n_features, n_samples), to
        # BLAS the column-major (n_samples, n_features) matrix A.
        cdef int rows = <int>m, columns = <int>n_features, one = 1
        cdef char transpose = b'T'
        cdef double alpha = 1.0, beta = 0.0
        dgemv(&transpose, &rows, &columns, &alpha, at, &rows, self.r, &one, &beta,
              gradient, &one)
        return out, value

    def search(self, problem, exploration, support, Py_ssize_t max_iter,
               double step_size, double gtol, loss_curve):
        """SEA's iterations on the binary model, the supports solved here.

        The loop of :func:`~sklearn_sea._classifier._sea_rows` for one
        exploration column: the support is the top-k of ``|exploration|``
        (ties to the lowest index), a new support is looked up in
        ``problem``'s cache (:meth:`SupportLogistic.lookup`) or solved and
        stored there (:meth:`SupportLogistic.store`) as the Python path
        does, and the exploration moves by ``-step_size`` times the gradient.

        With no more samples than features, the gradient is not formed: the
        exploration after ``t`` steps is ``x0 - step_size A^T R``, ``R`` the
        sum of the residuals of the supports visited, and only the entries
        whose place in the top k a bound on their movement leaves open are
        computed (``sea_explore_refresh`` in ``_logistic_kernels.h``). The
        supports are those the full product gives, up to rounding; the
        product over the whole design, a third of a fit's time, falls to a
        quarter of its rows per iteration on the benchmark's problems. The
        cache entries then hold the support's residual instead of its
        gradient, ``(coef, intercept, value, None, residual)``: no larger
        with that shape. With more samples than features, the full gradient
        of each new support is cheap next to its solve and is cached, so that
        a revisit costs a step over the features, not over the samples.

        Parameters
        ----------
        problem : SupportLogistic
            Whose cache and count of supports the search shares.
        exploration : ndarray of shape (n_features,), float64, C-contiguous
            Updated in place, to the exploration after ``max_iter`` steps.
        support : ndarray of shape (k,), intp
            The first support, ``1 <= k < n_features``.
        max_iter : int
            Iterations, >= 1.
        step_size : float
        gtol : float
            Newton's tolerance.
        loss_curve : ndarray of shape (max_iter,), float64
            Filled with the objective of every iteration.

        Returns
        -------
        best_iter : int
        best_support : ndarray of shape (k,)
        best_entry : tuple
            The cache entry of the best support; its coefficients, intercept
            and objective come first.
        """
        cdef str function = "BinarySupportSolver.search"
        cdef double[::1] x = _float64_array(exploration, "exploration", 1, function)
        cdef double[::1] curve = _float64_array(loss_curve, "loss_curve", 1, function)
        if not (isinstance(support, np.ndarray) and support.dtype == np.intp
                and support.ndim == 1):
            raise ValueError(f"{function}: support must be a 1-D intp array.")
        cdef Py_ssize_t n = self.n_features, k = support.shape[0], t, j
        cdef Py_ssize_t m = self.n_samples
        if x.shape[0] != n:
            raise ValueError(f"{function}: exploration must have {n} entries.")
        if not 1 <= k < n:
            raise ValueError(f"{function}: the support must hold 1 to {n - 1} "
                             f"indices; got {k}.")
        if max_iter < 1 or curve.shape[0] < max_iter:
            raise ValueError(f"{function}: max_iter must be in [1, "
                             f"len(loss_curve)]; got {max_iter}.")
        if not (isfinite(step_size) and isfinite(gtol) and gtol >= 0):
            raise ValueError(f"{function}: step_size and gtol must be finite.")
        first = np.array(support, dtype=np.intp)
        cdef Py_ssize_t[::1] current = first
        for j in range(k):
            if not 0 <= current[j] < n:
                raise ValueError(f"{function}: support holds {current[j]}, "
                                 f"outside [0, {n}).")
        self._reserve(k + self.fit_intercept)
        cdef bint lazy = m <= n
        candidate_arr = np.empty(k, dtype=np.intp)
        cdef Py_ssize_t[::1] candidate = candidate_arr
        cdef const double *at = &self.at_view[0, 0]
        cdef double[::1] dots = np.empty(n)
        cdef Py_ssize_t[::1] rows = np.empty(n, dtype=np.intp)
        # The lazy exploration's state: x0, the column norms, the sum of the
        # residuals and of their norms, where each entry of x was computed.
        cdef double[::1] x0, colnorm, fresh, residual_sum
        cdef const double *increment = NULL
        cdef double norm_sum = 0.0, residual_norm = 0.0, margin
        if lazy:
            x0 = np.array(x)
            colnorm = np.sqrt(np.einsum("ij,ij->i", self.At, self.At))
            fresh = np.zeros(n)
            residual_sum = np.zeros(m)
        cdef const Py_ssize_t *positions = &current[0]
        cdef double value = 0.0, best_value = 0.0
        cdef bint changed, have_best = False
        cdef Py_ssize_t best_iter = 0
        best_support, best_entry = first, None
        # No garbage collection inside: the loop makes no reference cycles,
        # and the passes its allocations set off (over every object of the
        # process) took 5% of a fit.
        collecting = gc.isenabled()
        gc.disable()
        try:
            for t in range(max_iter):
                changed = t == 0
                if t > 0:
                    if lazy:
                        # Both values of an entry are rounded (the dot over m
                        # samples, the sums over t iterations): the bounds
                        # are widened by a few times that much.
                        margin = 4.0 * (m + t + 16) * _EPS
                        changed = sea_explore_refresh(
                            at, m, n, &x0[0], step_size, &residual_sum[0],
                            norm_sum, margin, &colnorm[0], positions, k, &x[0],
                            &fresh[0], &rows[0], &dots[0]) != 0
                    else:
                        changed = True
                    if changed:
                        if sea_top_k_abs(&x[0], n, k, &candidate[0], &dots[0]) != 0:
                            raise ValueError(
                                f"{function}: the exploration holds NaN.")
                        changed = False
                        for j in range(k):
                            if candidate[j] != positions[j]:
                                changed = True
                                break
                if changed:
                    if t > 0:
                        current_arr = candidate_arr.copy()
                        positions = <const Py_ssize_t *> _data(current_arr)
                    else:
                        current_arr = first
                    key = current_arr.tobytes()
                    entry = problem.lookup(key)
                    if entry is None:
                        out, value = self._solve(positions, k, NULL, gtol, not lazy)
                        theta = (
                            out[:k, None],
                            out[k:k + 1] if self.fit_intercept else np.zeros(1),
                            value,
                        )
                        if lazy:
                            entry = (*theta, None, self._last_residual())
                        else:
                            entry = (*theta, out[k + self.fit_intercept:, None])
                        problem.store(key, entry)
                    value = entry[2]
                    increment = self._entry_increment(positions, k, entry, lazy)
                    if lazy:
                        residual_norm = sqrt(sea_dot(increment, increment, m))
                    # A revisited support solved again after its eviction
                    # from the cache may differ at round-off: the first
                    # visit stays the best.
                    if not have_best or value < best_value - 1e-12 * fabs(best_value):
                        have_best, best_value, best_iter = True, value, t
                        best_support, best_entry = current_arr, entry
                curve[t] = value
                if lazy:
                    for j in range(m):
                        residual_sum[j] += increment[j]
                    norm_sum += residual_norm
                else:
                    for j in range(n):
                        x[j] -= step_size * increment[j]
        finally:
            if collecting:
                gc.enable()
        if lazy:
            # The exploration after the last step, every entry.
            for j in range(n):
                rows[j] = j
            sea_explore_compute(at, m, &x0[0], step_size, &residual_sum[0], norm_sum,
                                &rows[0], n, &x[0], &fresh[0], &dots[0])
        return best_iter, best_support, best_entry

    cdef object _last_residual(self):
        """A copy of the last solve's residual ``w (p - y)``, shape (n_samples,)."""
        residual = np.empty(self.n_samples)
        memcpy(_data(residual), self.r, self.n_samples * sizeof(double))
        return residual

    cdef const double *_entry_increment(self, const Py_ssize_t *positions,
                                        Py_ssize_t k, entry,
                                        bint lazy) except NULL:
        """What a cache entry adds to the exploration's sum.

        The lazy search sums residuals: the entry's own, or, for an entry
        stored with a gradient (by the Python path), the residual of its
        model, computed into the solver's buffer. The other sums gradients.
        """
        cdef str function = "BinarySupportSolver.search"
        if not lazy:
            gradient = entry[3]
            if gradient is None or gradient.size != self.n_features:
                raise ValueError(f"{function}: a cached entry holds no gradient of "
                                 f"{self.n_features} entries.")
            return <const double *> _data(gradient, False)
        if len(entry) > 4:
            if entry[4].size != self.n_samples:
                raise ValueError(f"{function}: a cached residual has "
                                 f"{entry[4].size} entries, not {self.n_samples}.")
            return <const double *> _data(entry[4], False)
        coef, intercept = entry[0], entry[1]
        if not (coef.size == k and intercept.size >= 1):
            raise ValueError(f"{function}: a cached model has {coef.size} "
                             f"coefficients and {intercept.size} intercepts, not "
                             f"{k} and 1.")
        cdef const double *theta = <const double *> _data(coef, False)
        cdef double c = (<const double *> _data(intercept, False))[0]
        cdef _Workspace work = self.work
        cdef const double *w = NULL if self.weight is None else &self.w_view[0]
        sea_support_combine(&self.at_view[0, 0], self.n_samples, positions, k, theta,
                            c if self.fit_intercept else 0.0, self.z)
        sea_logistic_losses(self.z, &self.sign_view[0], w, self.n_samples, work.e,
                            work.loss)
        sea_logistic_derivatives(self.z, work.e, &self.y_view[0], w, self.n_samples,
                                 self.r, work.h)
        return self.r


cdef class SoftmaxLoss:
    """The multinomial loss's per-sample loops, compiled, for one labelled set.

    :meth:`SupportLogistic._newton_multinomial
    <sklearn_sea._core._support_logistic.SupportLogistic._newton_multinomial>`
    evaluates the loss at every trial point of its line search and the
    probabilities at every step: a dozen numpy passes over the
    ``n_samples x n_classes`` scores each time, now one loop each with the
    vectorised exponential of the binary solve (within 1e-15 of numpy's,
    tested). The labels and weights are checked once, here; each call checks
    the shapes of its arrays.

    Parameters
    ----------
    labels : ndarray of shape (n_samples,), intp
        Class index of each sample, in ``[0, n_classes)``.
    weight : ndarray of shape (n_samples,) or None
        Non-negative sample weights; None for unit weights.
    n_classes : int
        Number of classes, >= 2.
    """

    cdef object labels, weight
    cdef const Py_ssize_t *labels_data
    cdef const double *w
    cdef Py_ssize_t n_samples, n_classes

    def __init__(self, labels, weight, Py_ssize_t n_classes):
        cdef str function = "SoftmaxLoss"
        if not (isinstance(labels, np.ndarray) and labels.dtype == np.intp
                and labels.ndim == 1 and labels.flags.c_contiguous):
            raise ValueError(f"{function}: labels must be a C-contiguous 1-D intp "
                             f"array.")
        if n_classes < 2:
            raise ValueError(f"{function}: n_classes must be >= 2; got {n_classes}.")
        cdef const Py_ssize_t[::1] label_view = labels
        cdef Py_ssize_t i, n = label_view.shape[0]
        if n < 1:
            raise ValueError(f"{function}: there must be at least one sample.")
        for i in range(n):
            if not 0 <= label_view[i] < n_classes:
                raise ValueError(f"{function}: labels must lie in [0, {n_classes}); "
                                 f"got {label_view[i]}.")
        self.w = NULL
        if weight is not None:
            weight = _float64_array(weight, "weight", 1, function)
            _check_vector(weight, n, "weight", True, function)
            self.w = <const double *> _data(weight, False)
        self.labels, self.weight = labels, weight
        self.labels_data = &label_view[0]
        self.n_samples, self.n_classes = n, n_classes

    cdef double *_scores(self, array, str name, bint writable,
                         str function) except NULL:
        _check_array(array, np.float64, (self.n_samples, self.n_classes), name,
                     function)
        return <double *> _data(array, writable)

    cdef double *_totals(self, array, str function) except NULL:
        _float64_array(array, "total", 1, function)
        if array.shape[0] != self.n_samples:
            raise ValueError(f"{function}: total must have {self.n_samples} "
                             f"entries; got {array.shape[0]}.")
        return <double *> _data(array)

    def value(self, Z, E, total):
        """The weighted loss at the scores ``Z``; ``E`` and ``total`` filled.

        ``E / total[:, None]`` is the softmax of ``Z`` (``E`` the
        exponentials of ``Z`` minus its row maxima). A NaN score gives NaN.
        """
        cdef str function = "SoftmaxLoss.value"
        cdef double *z = self._scores(Z, "Z", False, function)
        cdef double *e = self._scores(E, "E", True, function)
        cdef double *t = self._totals(total, function)
        return sea_softmax_losses(z, self.n_samples, self.n_classes,
                                  self.labels_data, self.w, e, t)

    def residual(self, E, total, P, R):
        """The softmax ``P`` and the weighted residual ``R = w (P - Y)``, filled."""
        cdef str function = "SoftmaxLoss.residual"
        cdef double *e = self._scores(E, "E", True, function)
        cdef double *t = self._totals(total, function)
        cdef double *p = self._scores(P, "P", True, function)
        cdef double *r = self._scores(R, "R", True, function)
        sea_softmax_residual(e, t, self.n_samples, self.n_classes, self.labels_data,
                             self.w, p, r)


def logistic_losses(z, sign):
    """The compiled loss terms: ``log(1 + exp(sign z))`` and ``exp(-|z|)``.

    Exposed for the tests, which check the kernel's exponential and
    logarithm against numpy's.

    Returns
    -------
    total : float
        The sum of the losses.
    losses, e : ndarray of shape (n,)
    """
    cdef str function = "logistic_losses"
    cdef const double[::1] z_view = _float64_array(z, "z", 1, function)
    cdef const double[::1] sign_view = _float64_array(sign, "sign", 1, function)
    cdef Py_ssize_t n = z_view.shape[0]
    _check_vector(sign_view, n, "sign", False, function)
    losses, e = np.empty(n), np.empty(n)
    if n == 0:
        return 0.0, losses, e
    cdef double[::1] losses_view = losses, e_view = e
    total = sea_logistic_losses(&z_view[0], &sign_view[0], NULL, n, &e_view[0],
                                &losses_view[0])
    return total, losses, e


def top_k_abs(x, Py_ssize_t k):
    """The search's top-k of ``|x|`` (``1 <= k < len(x)``), for the tests.

    Returns
    -------
    support : ndarray of shape (k,), intp, or None if ``x`` holds NaN.
    """
    cdef str function = "top_k_abs"
    cdef const double[::1] x_view = _float64_array(x, "x", 1, function)
    cdef Py_ssize_t n = x_view.shape[0]
    if not 1 <= k < n:
        raise ValueError(f"{function}: k must be in [1, {n - 1}]; got {k}.")
    support = np.empty(k, dtype=np.intp)
    cdef Py_ssize_t[::1] out = support
    cdef double[::1] scratch = np.empty(k)
    if sea_top_k_abs(&x_view[0], n, k, &out[0], &scratch[0]) != 0:
        return None
    return support


#: What :meth:`MultinomialChord.run` returns: the gradient is under the
#: tolerance; a matrix is needed (none given, a stale one stalled, or the
#: gradient did not shrink enough); a fresh matrix found no decrease; the
#: step budget is spent. ``P``, ``R`` and the gradient are those of the
#: current point in every case.
CONVERGED, NEEDS_FACTOR, STALLED, OUT_OF_STEPS = 0, 1, 2, 3


cdef void _upper_solve(const double *factor, Py_ssize_t size,
                       double *x) noexcept nogil:
    """``x <- (U^T U)^{-1} x`` for the column-major upper factor ``U``."""
    cdef int n = <int> size, one = 1
    cdef char upper = b'U', trans = b'T', plain = b'N', nonunit = b'N'
    dtrsv(&upper, &trans, &nonunit, &n, <double *> factor, &n, x, &one)
    dtrsv(&upper, &plain, &nonunit, &n, <double *> factor, &n, x, &one)


cdef class MultinomialChord:
    """Newton's chord steps on one support of the multinomial model, compiled.

    The steps of the Python reference
    (``_support_logistic._PythonChord``), whose per-step numpy calls
    (the gradient, the step's scores, the line search, the softmax) were
    most of a multinomial support solve once the Hessian had become one BLAS
    product: here a step is two ``dgemm`` calls, two triangular solves per
    factor and the compiled softmax loops. The caller forms the matrices
    (:meth:`run` returns :data:`NEEDS_FACTOR` when it needs one) and keeps
    the decisions on which.

    Parameters
    ----------
    loss : SoftmaxLoss
        The labels and weights.
    B : ndarray of shape (n_samples, width)
        The support's columns (the intercept's column of ones last, if
        ``fit_intercept``), C-contiguous float64, finite.
    diag : ndarray of shape (width,)
        The L2 diagonal, finite and non-negative.
    theta : ndarray of shape (width, n_classes)
        The start, finite; copied.
    fit_intercept : bool
        Whether the last column is the intercepts', whose mean the steps
        keep.
    buffers : ndarray of float64 or None, default=None
        Storage for the state, used if large enough: a new support's state
        then overwrites the previous one's (a fresh megabyte per support
        cost more in page faults than a step), which must not be used
        again.

    Attributes
    ----------
    buffers : ndarray of float64
        The storage used, to pass to the next support's state.
    value, norm : float
        The objective at the current point and the largest entry of its
        gradient (infinite before the first :meth:`run`).
    steps : int
        Steps taken so far.
    """

    cdef SoftmaxLoss loss
    cdef object B, diag
    cdef readonly object buffers
    cdef const double *b
    cdef const double *diag_data
    cdef double *theta_data
    cdef double *candidate
    cdef double *z
    cdef double *z_new
    cdef double *e
    cdef double *e_new
    cdef double *t
    cdef double *t_new
    cdef double *p
    cdef double *p_new
    cdef double *r
    cdef double *r_new
    cdef double *g
    cdef double *g_new
    cdef double *d
    cdef double *dz
    cdef Py_ssize_t n, width, n_classes, size
    cdef bint fit_intercept
    cdef readonly double value, norm
    cdef readonly Py_ssize_t steps
    cdef double previous_norm

    def __init__(self, SoftmaxLoss loss, B, diag, theta, bint fit_intercept,
                 buffers=None):
        cdef str function = "MultinomialChord"
        B = _float64_array(B, "B", 2, function)
        if B.shape[0] != loss.n_samples:
            raise ValueError(f"{function}: B must have {loss.n_samples} rows; got "
                             f"{B.shape[0]}.")
        cdef Py_ssize_t n = B.shape[0], width = B.shape[1], K = loss.n_classes
        _check_width(width * K, "B", function)
        _check_finite_rows(<const double *> _data(B, False), n * width, "B",
                           function)
        diag = _float64_array(diag, "diag", 1, function)
        _check_vector(diag, width, "diag", True, function)
        _check_array(theta, np.float64, (width, K), "theta", function)
        _check_finite_rows(<const double *> _data(theta, False), width * K,
                           "theta", function)
        self.loss, self.B, self.diag = loss, B, diag
        self.b = <const double *> _data(B, False)
        self.diag_data = <const double *> _data(diag, False)
        self.n, self.width, self.n_classes = n, width, K
        self.size = width * K
        self.fit_intercept = fit_intercept
        # theta, candidate, g, g_new, d; two of Z, E, totals, P and R; dZ.
        cdef Py_ssize_t needed = 5 * self.size + 9 * n * K + 2 * n
        if not (isinstance(buffers, np.ndarray) and buffers.dtype == np.float64
                and buffers.ndim == 1 and buffers.flags.c_contiguous
                and buffers.flags.writeable and buffers.shape[0] >= needed):
            buffers = np.empty(needed)
        self.buffers = buffers
        cdef double *q = <double *> _data(self.buffers)
        self.theta_data, self.candidate = q, q + self.size
        self.g, self.g_new, self.d = (q + 2 * self.size, q + 3 * self.size,
                                      q + 4 * self.size)
        q += 5 * self.size
        self.z, self.z_new = q, q + n * K
        self.e, self.e_new = q + 2 * n * K, q + 3 * n * K
        self.p, self.p_new = q + 4 * n * K, q + 5 * n * K
        self.r, self.r_new, self.dz = q + 6 * n * K, q + 7 * n * K, q + 8 * n * K
        q += 9 * n * K
        self.t, self.t_new = q, q + n
        memcpy(self.theta_data, _data(theta, False), self.size * sizeof(double))
        self._scores_of(self.theta_data, self.z)
        self.value = self._objective(self.z, self.e, self.t, self.theta_data)
        self.norm = self.previous_norm = np.inf
        self.steps = 0

    cdef void _scores_of(self, const double *theta, double *z) noexcept nogil:
        """``z = B theta`` (row-major ``n x K``)."""
        cdef int n = <int> self.n, w = <int> self.width, K = <int> self.n_classes
        cdef double one = 1.0, zero = 0.0
        cdef char plain = b'N'
        dgemm(&plain, &plain, &K, &n, &w, &one, <double *> theta, &K,
              <double *> self.b, &w, &zero, z, &K)

    cdef double _objective(self, const double *z, double *e, double *t,
                           const double *theta) noexcept nogil:
        cdef Py_ssize_t a, c, K = self.n_classes
        cdef double penalty = 0.0, x
        for a in range(self.width):
            for c in range(K):
                x = theta[a * K + c]
                penalty += self.diag_data[a] * x * x
        return (sea_softmax_losses(z, self.n, K, self.loss.labels_data,
                                   self.loss.w, e, t) + 0.5 * penalty)

    cdef double _gradient(self, const double *r, const double *theta,
                          double *g) noexcept nogil:
        """``g = vec(B^T R + diag theta)`` class by class; returns ``max |g|``."""
        cdef int n = <int> self.n, w = <int> self.width, K = <int> self.n_classes
        cdef double one = 1.0, zero = 0.0, norm = 0.0
        cdef char plain = b'N', trans = b'T'
        cdef Py_ssize_t a, c
        cdef bint nan = False
        dgemm(&plain, &trans, &w, &K, &n, &one, <double *> self.b, &w,
              <double *> r, &K, &zero, g, &w)
        for c in range(K):
            for a in range(w):
                g[c * w + a] += self.diag_data[a] * theta[a * K + c]
                nan |= isnan(g[c * w + a])
                if fabs(g[c * w + a]) > norm:
                    norm = fabs(g[c * w + a])
        # As numpy's maximum: a NaN gradient never passes for small.
        return NAN if nan else norm

    cdef _direction(self, factor, fallback_solve):
        """``d = M^{-1} g`` for the matrix ``M`` of ``factor``."""
        cdef str function = "MultinomialChord.run"
        cdef str kind = factor[0]
        matrix = factor[1]
        cdef Py_ssize_t c, w = self.width, K = self.n_classes
        cdef const double *blocks
        memcpy(self.d, self.g, self.size * sizeof(double))
        if kind == "cholesky":
            if not (isinstance(matrix, np.ndarray) and matrix.dtype == np.float64
                    and matrix.flags.f_contiguous
                    and matrix.shape == (self.size, self.size)):
                raise ValueError(f"{function}: a Cholesky factor must be a "
                                 f"Fortran-ordered float64 array of shape "
                                 f"({self.size}, {self.size}).")
            _upper_solve(<const double *> _data(matrix.T, False), self.size, self.d)
        elif kind == "blocks":
            matrix = _float64_array(matrix, "blocks", 3, function)
            if matrix.shape != (K, w, w):
                raise ValueError(f"{function}: the block factors must have shape "
                                 f"({K}, {w}, {w}); got {matrix.shape}.")
            blocks = <const double *> _data(matrix, False)
            for c in range(K):
                _upper_solve(blocks + c * w * w, w, self.d + c * w)
        elif kind == "dense":
            solved = np.asarray(fallback_solve(matrix, np.asarray(
                <double[:self.size]> self.g).copy()), dtype=np.float64).ravel()
            if solved.shape[0] != self.size or not np.all(np.isfinite(solved)):
                raise ValueError(f"{function}: fallback_solve must return a "
                                 f"finite vector of {self.size} entries.")
            memcpy(self.d, _data(np.ascontiguousarray(solved), False),
                   self.size * sizeof(double))
        else:
            raise ValueError(f"{function}: unknown factor kind {kind!r}.")

    cdef double _trial(self, double step) noexcept nogil:
        """The objective at ``theta - step D`` (``candidate``, scores ``z_new``)."""
        cdef Py_ssize_t a, c, i, w = self.width, K = self.n_classes
        for a in range(w):
            for c in range(K):
                self.candidate[a * K + c] = (self.theta_data[a * K + c]
                                             - step * self.d[c * w + a])
        for i in range(self.n * K):
            self.z_new[i] = self.z[i] - step * self.dz[i]
        return self._objective(self.z_new, self.e_new, self.t_new, self.candidate)

    cdef void _accept(self, double value) noexcept nogil:
        """The trial point becomes the current one (buffers trade places)."""
        cdef double *swap
        memcpy(self.theta_data, self.candidate, self.size * sizeof(double))
        swap = self.z; self.z = self.z_new; self.z_new = swap
        swap = self.e; self.e = self.e_new; self.e_new = swap
        swap = self.t; self.t = self.t_new; self.t_new = swap
        self.value = value

    def run(self, factor, bint fresh, bint resume, double gtol, double ratio,
            Py_ssize_t max_steps, double armijo, Py_ssize_t max_halvings,
            fallback_solve):
        """Chord steps with ``factor`` while it serves; the status.

        ``factor`` is ``(kind, matrix)`` (see ``_support_logistic._factor``:
        ``"cholesky"``, the upper factor in Fortran order; ``"blocks"``, the
        upper factors of the class blocks in column-major order, i.e.
        C-ordered lower factors; ``"dense"``, a matrix not numerically
        definite, solved by ``fallback_solve``) or None. ``fresh`` says it
        was formed at the current point; ``resume`` that the gradient of
        the previous return is still current (the caller has just formed
        ``factor`` for it). A step is taken if the objective decreases by
        ``armijo`` times the Newton decrement within ``max_halvings``
        halvings; a gradient larger than ``ratio`` times the previous one
        asks for a new matrix; at most ``max_steps`` steps in all.

        Returns
        -------
        status : int
            :data:`CONVERGED`, :data:`NEEDS_FACTOR`, :data:`STALLED` or
            :data:`OUT_OF_STEPS`.
        """
        cdef str function = "MultinomialChord.run"
        _check_settings(gtol, max_steps, armijo, max_halvings, fallback_solve,
                        function)
        if not (isfinite(ratio) and ratio > 0):
            raise ValueError(f"{function}: ratio must be a finite number > 0; got "
                             f"{ratio}.")
        if resume and (factor is None or self.norm == np.inf):
            raise ValueError(f"{function}: resuming needs a factor and a gradient.")
        cdef Py_ssize_t halving, j, c, w = self.width, K = self.n_classes
        cdef int n = <int> self.n, wi = <int> w, Ki = <int> K
        cdef double one = 1.0, zero = 0.0, decrement, step, new_value, mean
        cdef char plain = b'N', trans = b'T'
        cdef bint accepted
        while True:
            if not resume:
                sea_softmax_residual(self.e, self.t, self.n, K,
                                     self.loss.labels_data, self.loss.w, self.p,
                                     self.r)
                self.norm = self._gradient(self.r, self.theta_data, self.g)
                if self.norm <= gtol:
                    return CONVERGED
                if factor is None or self.norm > ratio * self.previous_norm:
                    return NEEDS_FACTOR
            resume = False
            if self.steps >= max_steps:
                return OUT_OF_STEPS
            self.steps += 1
            self.previous_norm = self.norm
            self._direction(factor, fallback_solve)
            if self.fit_intercept:
                # Only the intercepts' mean would move: the representation.
                mean = 0.0
                for c in range(K):
                    mean += self.d[c * w + w - 1]
                mean /= K
                for c in range(K):
                    self.d[c * w + w - 1] -= mean
            decrement = 0.0
            for j in range(self.size):
                decrement += self.g[j] * self.d[j]
            dgemm(&trans, &plain, &Ki, &n, &wi, &one, self.d, &wi,
                  <double *> self.b, &wi, &zero, self.dz, &Ki)
            if decrement <= _NEWTON_ROUNDOFF * fabs(self.value):
                # Under the objective's rounding: the full step if it shrinks
                # the gradient.
                new_value = self._trial(1.0)
                sea_softmax_residual(self.e_new, self.t_new, self.n, K,
                                     self.loss.labels_data, self.loss.w,
                                     self.p_new, self.r_new)
                accepted = (self._gradient(self.r_new, self.candidate, self.g_new)
                            < self.norm)
            else:
                accepted, step = False, 1.0
                for halving in range(max_halvings):
                    new_value = self._trial(step)
                    if new_value <= self.value - armijo * step * decrement:
                        accepted = True
                        break
                    step *= 0.5
            if not accepted:
                return STALLED if fresh else NEEDS_FACTOR
            self._accept(new_value)
            fresh = False

    @property
    def theta(self):
        """The current coefficients, ``(width, n_classes)`` (a copy)."""
        return np.array(<double[:self.width, :self.n_classes]> self.theta_data)

    @property
    def Z(self):
        """The current scores, ``(n_samples, n_classes)`` (a copy)."""
        return np.array(<double[:self.n, :self.n_classes]> self.z)

    @property
    def P(self):
        """The softmax at the current point, as of the last gradient (a copy)."""
        return np.array(<double[:self.n, :self.n_classes]> self.p)

    @property
    def R(self):
        """The residual ``w (P - Y)`` at the current point (a copy)."""
        return np.array(<double[:self.n, :self.n_classes]> self.r)


def row_products(x, K):
    """Fill ``K`` with the outer products of the rows of ``x.T``, upper triangles.

    ``K[p, i] = x[a, i] x[b, i]`` for the pairs ``p = (a, b)``, ``a <= b``, in
    the order of :func:`numpy.triu_indices`: the same numbers as numpy's
    single-precision products, in one pass.

    Parameters
    ----------
    x : ndarray of shape (width, n_samples), float32, C-contiguous
    K : ndarray of shape (width (width + 1) / 2, n_samples), float32
    """
    cdef str function = "row_products"
    _typed_array(x, np.float32, "x", 2, function)
    cdef Py_ssize_t width = x.shape[0], n = x.shape[1]
    _check_array(K, np.float32, (width * (width + 1) // 2, n), "K", function)
    if not K.flags.writeable:
        raise ValueError(f"{function}: K must be writeable.")
    if width == 0 or n == 0:
        return
    cdef const float *xp = <const float *> _data(x, False)
    cdef float *kp = <float *> _data(K)
    with nogil:
        sea_row_products(xp, width, n, kp)


def class_pair_weights(P, W):
    """Fill ``W`` with the weights of the multinomial Hessian's class pairs.

    ``W[i, q] = [c = d] p_c - p_c p_d`` in single precision for the pairs
    ``q = (c, d)``, ``c <= d``, in the order of :func:`numpy.triu_indices`.

    Parameters
    ----------
    P : ndarray of shape (n_samples, n_classes), float64, C-contiguous
    W : ndarray of shape (n_samples, n_classes (n_classes + 1) / 2), float32
    """
    cdef str function = "class_pair_weights"
    _float64_array(P, "P", 2, function)
    cdef Py_ssize_t n = P.shape[0], K = P.shape[1]
    _check_array(W, np.float32, (n, K * (K + 1) // 2), "W", function)
    if not W.flags.writeable:
        raise ValueError(f"{function}: W must be writeable.")
    if n == 0 or K == 0:
        return
    cdef const double *pp = <const double *> _data(P, False)
    cdef float *wp = <float *> _data(W)
    with nogil:
        sea_class_pair_weights(pp, n, K, wp)


def hessian_from_grams(grams, Py_ssize_t width, Py_ssize_t n_classes):
    """The class-major multinomial Hessian from its Gram matrices, in double.

    ``H[c width + a, d width + b] = grams[pair(a, b), pair(c, d)]`` with the
    pairs in the order of :func:`numpy.triu_indices`.

    Parameters
    ----------
    grams : ndarray of shape (width (width + 1) / 2, n_classes (n_classes + 1) / 2)
        float32, C-contiguous.
    width, n_classes : int
        At least 1.

    Returns
    -------
    ndarray of shape (width n_classes, width n_classes)
    """
    cdef str function = "hessian_from_grams"
    if width < 1 or n_classes < 1:
        raise ValueError(f"{function}: width and n_classes must be >= 1; got "
                         f"{width} and {n_classes}.")
    _check_width(width * n_classes, "the Hessian", function)
    _check_array(grams, np.float32,
                 (width * (width + 1) // 2, n_classes * (n_classes + 1) // 2),
                 "grams", function)
    hess = np.empty((width * n_classes, width * n_classes))
    cdef const float *gp = <const float *> _data(grams, False)
    cdef double *hp = <double *> _data(hess)
    with nogil:
        sea_hessian_from_grams(gp, width, n_classes, hp)
    return hess

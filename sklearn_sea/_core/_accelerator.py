"""Choice between the compiled SEA kernels and the pure-Python code.

The compiled kernels, built from Cython when the package is installed: the
Gram-mode iterations of SEA (``_sea_gram``), and the binary Newton solve of
the classifier's supports with, on a dense design, the classifier's whole
binary search, and the multinomial Newton steps, with the loss loops they
use (``_logistic_newton``), without per-step Python calls. They are
optional: an installation without them (no compiler at build
time) runs the pure-Python code, which gives the same iterates. Setting the
environment variable ``SKLEARN_SEA_PURE_PYTHON=1`` before import, or
:data:`USE_COMPILED` to False at run time, selects the pure-Python code.
"""

# SPDX-License-Identifier: BSD-3-Clause

import os

import numpy as np

from ._support_set import SupportCounter

try:
    from ._sea_gram import (
        SupportDigests,
        factor_doubles,
        rows_gradient,
        rows_support_solve,
        sea_gram_loop,
        seeded_top_k,
    )
except ImportError:  # built without a compiler: the pure-Python loop runs
    rows_gradient = rows_support_solve = sea_gram_loop = seeded_top_k = None
    SupportDigests = factor_doubles = None
try:
    from . import _logistic_newton
    from ._logistic_newton import (
        BinarySupportSolver,
        MultinomialChord,
        SoftmaxLoss,
        newton_binary,
    )
except ImportError:
    BinarySupportSolver = MultinomialChord = SoftmaxLoss = newton_binary = None
    _logistic_newton = None

#: Whether the compiled kernels exist in this installation (both are built
#: by the same step: one without the other means a broken build).
COMPILED_AVAILABLE = sea_gram_loop is not None and newton_binary is not None

#: Whether SEA uses the compiled kernel where it applies.
USE_COMPILED = COMPILED_AVAILABLE and os.environ.get("SKLEARN_SEA_PURE_PYTHON") != "1"


def compiled_gram_loop(problem):
    """The compiled loop if it applies to ``problem``, else None.

    It applies to float64 problems with a precomputed C-contiguous Gram
    matrix: the common dense case. Operator mode (sparse ``X``, linear
    operators) costs products with ``X`` that no compiled loop would speed up.
    """
    if not USE_COMPILED:
        return None
    gram = getattr(problem.design, "gram", None)
    if (
        gram is None
        or gram.dtype != np.float64
        or not gram.flags.c_contiguous
        or problem.Aty.dtype != np.float64
    ):
        return None
    return sea_gram_loop


def compiled_rows_gradient():
    """The compiled ``rows[positions]^T x - A^T y`` if it may be used, else None.

    The Python loop's hot path in operator mode (Gram rows kept) and in Gram
    mode without the compiled loop (``verbose``) computes its gradient with
    it, instead of gathering the k rows first.
    """
    return rows_gradient if USE_COMPILED else None


def compiled_rows_solve():
    """The compiled solve on kept Gram rows (operator mode), or None."""
    return rows_support_solve if USE_COMPILED else None


def compiled_top_k():
    """The compiled top-k seeded by the last support, or None.

    ``(x, k, previous) -> support`` for float64 ``x`` and ``1 <= k < n``;
    None for an ``x`` holding NaN (the Python :func:`top_k` then decides).
    """
    return seeded_top_k if USE_COMPILED else None


def support_counter():
    """A new, empty count of distinct supports (compiled digests where built)."""
    return SupportDigests() if USE_COMPILED else SupportCounter()


def compiled_softmax_loss(labels, weight, n_classes):
    """The compiled multinomial loss loops for these labels, or None.

    Where they exist, the multinomial Newton steps run compiled too
    (:class:`MultinomialChord`, which takes them).
    """
    if not USE_COMPILED:
        return None
    return SoftmaxLoss(labels, weight, n_classes)


def compiled_row_products():
    """The module of the compiled multinomial Gram helpers, or None.

    Its ``row_products``, ``class_pair_weights`` and ``hessian_from_grams``
    do in one pass each what
    :class:`~sklearn_sea._core._row_products.RowProducts` does with numpy.
    """
    return _logistic_newton if USE_COMPILED else None


def compiled_newton_binary():
    """The compiled binary Newton solve, or None (the Python one runs)."""
    return newton_binary if USE_COMPILED else None


def compiled_binary_solver(design):
    """The class of compiled binary support solves for ``design``, or None.

    It applies to a design over a Fortran-contiguous float64 array (dense
    ``X``), whose transpose it reads: the columns, the Newton solve and the
    gradient in one call per support. Sparse designs take the Python path,
    with the compiled Newton solve.
    """
    if not USE_COMPILED:
        return None
    A = getattr(design, "array", None)
    if A is None or A.dtype != np.float64 or not A.flags.f_contiguous:
        return None
    return BinarySupportSolver

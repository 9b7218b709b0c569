"""The rounding thresholds the solvers of the package share.

- A Cholesky pivot whose square is at most ``1e3 k eps`` times the largest
  diagonal entry of a ``k x k`` Gram block means a (numerically) dependent
  column: the system is solved by minimum norm instead, and the local
  searches refuse the swap. The compiled loop (``_sea_gram.pyx``) applies
  the same rule in C.
- A squared residual at most ``1e3 eps`` times that of the null model is an
  exact fit up to rounding: the solvers stop there by default.
- A Newton step of a smooth loss whose predicted decrease ``g^T H^-1 g`` is
  at most ``64 eps`` times the objective is under the objective's rounding
  (a sum of many terms): a line search cannot tell its decrease from noise,
  so the Newton solves judge the full step by the gradient's largest entry
  there, take it if that shrinks, and stop otherwise.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

#: Factor of ``k eps`` in the pivot rule.
PIVOT_RTOL = 1e3
#: Factor of ``eps`` in the exact-fit rule.
EXACT_FIT_RTOL = 1e3
#: Factor of ``eps`` under which a Newton decrement is rounding.
NEWTON_ROUNDOFF_RTOL = 64.0
_EPS = np.finfo(np.float64).eps


def pivot_threshold(k, diag_max, eps=_EPS):
    """Smallest squared Cholesky pivot of a regular ``k x k`` block.

    ``diag_max`` is the largest diagonal entry of the block (an array of
    them for a stack of blocks); ``eps`` that of the working precision.
    """
    return PIVOT_RTOL * k * eps * diag_max


def exact_fit_tol(null_deviance, dtype):
    """Squared residual (deviance) under which a fit is exact up to rounding.

    ``null_deviance`` is that of the null model, ``||y||^2`` for centred
    least squares; ``dtype`` is the working precision.
    """
    return EXACT_FIT_RTOL * np.finfo(dtype).eps * null_deviance

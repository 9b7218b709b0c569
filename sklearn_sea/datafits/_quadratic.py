"""Least squares: ``1/2 sum_i w_i (z_i - y_i)^2``."""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ._base import BaseDatafit, _weighted


class Quadratic(BaseDatafit):
    """Half the weighted squared residual, the default datafit of SEA.

    Its support solves are least squares in closed form: the estimators keep
    the Gram-matrix mode, the compiled loop and the per-support caches for
    it. It is the only built-in datafit whose fits are invariant to scaling
    ``y``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea.datafits import Quadratic
    >>> Quadratic().value(np.array([1.0, 2.0]), np.array([0.0, 0.0]))
    2.5
    """

    least_squares = True

    def value(self, y, z, sample_weight=None):
        residual = z - y
        return 0.5 * float(np.sum(_weighted(residual * residual, sample_weight)))

    def gradient(self, y, z, sample_weight=None):
        return _weighted(z - y, sample_weight)

    def hessian(self, y, z, sample_weight=None):
        return _weighted(np.ones_like(z), sample_weight)

    def curvature_bound(self):
        return 1.0

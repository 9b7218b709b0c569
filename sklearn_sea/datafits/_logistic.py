"""Binary logistic loss (cross-entropy) on labels 0 and 1."""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from scipy.special import expit

from ._base import BaseDatafit, _weighted


class Logistic(BaseDatafit):
    """Negative log-likelihood of a logistic model, ``log(1 + e^z) - y z``.

    The target holds labels 0 and 1; ``z`` is the log-odds of class 1.
    Meant for k-sparse classification; with :class:`~sklearn_sea.SEARegressor`
    the prediction is the log-odds ``X w + b``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea.datafits import Logistic
    >>> round(Logistic().value(np.array([0.0, 1.0]), np.zeros(2)), 6)
    1.386294
    """

    def value(self, y, z, sample_weight=None):
        # log(1 + e^z) without overflow for large z.
        loss = np.logaddexp(0.0, z) - y * z
        return float(np.sum(_weighted(loss, sample_weight)))

    def gradient(self, y, z, sample_weight=None):
        return _weighted(expit(z) - y, sample_weight)

    def hessian(self, y, z, sample_weight=None):
        p = expit(z)
        return _weighted(p * (1.0 - p), sample_weight)

    def curvature_bound(self):
        return 0.25

    def validate_target(self, y):
        if not np.all((y == 0) | (y == 1)):
            raise ValueError(
                "The Logistic datafit needs y made of labels 0 and 1; got values "
                f"such as {y[(y != 0) & (y != 1)][0]!r}."
            )
        return y

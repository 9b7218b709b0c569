"""Huber's loss: quadratic for small residuals, linear for large ones."""

# SPDX-License-Identifier: BSD-3-Clause

from numbers import Real

import numpy as np

from ._base import BaseDatafit, _weighted


class Huber(BaseDatafit):
    """Huber's robust loss, for regression with gross outliers.

    ``f(r) = r^2 / 2`` for ``|r| <= delta`` and ``delta |r| - delta^2 / 2``
    beyond, with ``r = z - y``. Residuals larger than ``delta`` pull with a
    bounded force, so a few corrupted targets cannot move the support.

    ``delta`` is in the units of ``y``: multiplying ``y`` by ``c`` fits the
    same model only with ``delta`` multiplied by ``c`` as well. A common
    choice is a small multiple of the noise level of the clean samples.

    Parameters
    ----------
    delta : float, default=1.0
        Residual magnitude where the loss turns from quadratic to linear.

    Notes
    -----
    :meth:`hessian` returns the curvature of the quadratic that majorises
    the loss at each residual, ``min(1, delta / |r|)``: the weights of
    iteratively reweighted least squares. Unlike the second derivative
    (zero beyond ``delta``) it is positive, so the support solves never
    meet a singular system, and each step decreases the loss.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea.datafits import Huber
    >>> Huber(delta=1.0).value(np.zeros(2), np.array([0.5, 3.0]))
    2.625
    """

    def __init__(self, delta=1.0):
        if (
            not isinstance(delta, Real)
            or isinstance(delta, bool)
            or not np.isfinite(delta)
            or not delta > 0
        ):
            raise ValueError(f"Huber's delta must be a positive float; got {delta!r}.")
        self.delta = delta

    def value(self, y, z, sample_weight=None):
        magnitude = np.abs(z - y)
        delta = self.delta
        loss = np.where(
            magnitude <= delta,
            0.5 * magnitude * magnitude,
            delta * magnitude - 0.5 * delta * delta,
        )
        return float(np.sum(_weighted(loss, sample_weight)))

    def gradient(self, y, z, sample_weight=None):
        return _weighted(np.clip(z - y, -self.delta, self.delta), sample_weight)

    def hessian(self, y, z, sample_weight=None):
        magnitude = np.abs(z - y)
        with np.errstate(divide="ignore"):
            weight = np.minimum(1.0, self.delta / magnitude)
        return _weighted(weight, sample_weight)

    def curvature_bound(self):
        return 1.0

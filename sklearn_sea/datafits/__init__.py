"""Datafits: the loss SEA minimises, as a function of the linear predictor.

A datafit gives the value, the first and the second derivatives of a loss
of ``z = X w + b``, sample by sample. :class:`~sklearn_sea.SEARegressor`
takes one as ``datafit=``; a new loss is a subclass of :class:`BaseDatafit`
with three methods.
"""

# SPDX-License-Identifier: BSD-3-Clause

from ._base import BaseDatafit
from ._huber import Huber
from ._logistic import Logistic
from ._quadratic import Quadratic

__all__ = ["BaseDatafit", "Huber", "Logistic", "Quadratic"]

"""From user data ``(X, y, sample_weight)`` to a normalised problem of any datafit.

The solvers see ``A = (X - 1 x_offset^T) diag(1 / x_scale)`` with unit
columns in the weighted norm (so that the top-k selection is invariant to
rescaling a feature), and the target as given: a general loss is not
equivariant to scaling ``y`` (Huber's ``delta`` is in the units of ``y``).
Unlike least squares, where ``sqrt(w)`` scales the rows, sample weights stay
with the datafit. The intercept is a variable of the support solves, started
from the intercept-only model. Coefficients are mapped back by
:meth:`PreparedDatafit.to_original`.
"""

# SPDX-License-Identifier: BSD-3-Clause

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ._design import OperatorDesign, dense_operator_design, sparse_operator_design
from ._duplicates import ColumnFolding, find_parallel_columns
from ._newton import SupportDatafit
from ._preprocess import _robust_column_norms


@dataclass
class PreparedDatafit:
    """A normalised problem of a datafit, shared by every target of ``y``."""

    datafit: object
    design: OperatorDesign
    y: np.ndarray  # (n_samples, n_targets)
    weight: np.ndarray | None
    fit_intercept: bool
    x_offset: np.ndarray
    x_scale: np.ndarray
    spectral_norm2: Callable[[], float]  # ||W^{1/2} A||_2^2, computed on demand
    folding: ColumnFolding | None = None

    work_dtype = np.dtype(np.float64)

    @property
    def n_targets(self):
        return self.y.shape[1]

    @property
    def n_features(self):
        """Number of features the solvers see (one per group of parallel columns)."""
        return self.design.n_features

    @property
    def y_scale(self):
        """The target is not rescaled: the datafit sees it in the user's units."""
        return np.ones(self.n_targets)

    def problem(self, target):
        """The single-target problem solved by SEA's loop."""
        return SupportDatafit(
            self.datafit,
            self.design,
            self.y[:, target],
            self.weight,
            self.fit_intercept,
        )

    def to_normalized(self, coef, target):
        """Map user-scale coefficients of one target into the solver's scale."""
        coef = np.asarray(coef, dtype=np.float64) * self.x_scale
        return coef if self.folding is None else self.folding.fold(coef)

    def to_original(self, coef, intercept=None):
        """Map solver coefficients and intercepts back to the user's scale."""
        if self.folding is not None:
            coef = self.folding.expand(coef)
        coef = coef / self.x_scale
        if intercept is None:
            intercept = np.zeros(coef.shape[0])
        return coef, intercept - coef @ self.x_offset

    def curvature_bound(self):
        """The datafit's bound on the per-sample curvature, or an estimate.

        Without a bound from the datafit, the largest curvature at the
        intercept-only model of the first target stands in for it.
        """
        # The hooks are optional: three methods make a datafit.
        hook = getattr(self.datafit, "curvature_bound", None)
        bound = None if hook is None else hook()
        if bound is not None:
            return float(bound)
        problem = self.problem(0)
        y = self.y[:, 0]
        z = np.full(y.shape[0], problem.null_intercept)
        peak = float(np.max(self.datafit.hessian(y, z, None), initial=0.0))
        return peak if peak > 0 else 1.0


def prepare_datafit(X, y, sample_weight, fit_intercept, datafit, *, order="C"):
    """Centre and normalise validated data for a general datafit.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Validated design; never modified.
    y : ndarray of shape (n_samples, n_targets)
        Validated targets; never modified.
    sample_weight : ndarray of shape (n_samples,)
        Non-negative weights with a positive sum.
    fit_intercept : bool
        Centre the columns of ``X`` (weighted means) and fit an intercept.
    datafit : BaseDatafit
        The loss; its ``validate_target`` checks every target.
    order : {"C", "F"}, default="C"
        Memory layout of a dense normalised design: "F" keeps each column
        contiguous, for solvers that read the columns of a support (the
        compiled binary logistic solve).

    Returns
    -------
    PreparedDatafit
    """
    y = np.array(y, dtype=np.float64)
    validate_target = getattr(datafit, "validate_target", None)
    for target in range(y.shape[1] if validate_target is not None else 0):
        y[:, target] = validate_target(y[:, target])
    weight = np.asarray(sample_weight, dtype=np.float64)
    sqrt_weight = np.sqrt(weight)
    total_weight = weight.sum()
    unit_weights = bool(np.all(weight == 1))
    n_features = X.shape[1]
    if fit_intercept:
        x_offset = np.asarray(X.T @ weight, dtype=np.float64).ravel() / total_weight
    else:
        x_offset = np.zeros(n_features)

    # Parallel columns are one feature, as for least squares: they are found
    # on the weighted design, the one the weighted loss sees.
    if sp.issparse(X):
        X = X.astype(np.float64)
        sq = np.asarray(X.multiply(X).T @ weight, dtype=np.float64).ravel()
        x_scale = np.sqrt(np.maximum(sq - total_weight * x_offset**2, 0))
        nonzero = x_scale > 0
        x_scale = np.where(nonzero, x_scale, 1.0)
        weighted = sparse_operator_design(X, x_offset, x_scale, sqrt_weight)
        folding = find_parallel_columns(
            weighted.rmatvec, weighted._columns, X.shape[0], nonzero, np.float64
        )
        kept = slice(None) if folding is None else folding.representatives
        X_kept, offset_kept, scale_kept = X[:, kept], x_offset[kept], x_scale[kept]
        design = sparse_operator_design(
            X_kept, offset_kept, scale_kept, np.ones(X.shape[0])
        )

        def spectral_norm2():
            return sparse_operator_design(
                X_kept, offset_kept, scale_kept, sqrt_weight
            ).spectral_norm2()
    else:
        A = np.array(X, dtype=np.float64, order=order)
        if fit_intercept:
            A -= x_offset
        x_scale = _robust_column_norms(A if unit_weights else A * sqrt_weight[:, None])
        nonzero = x_scale > 0
        x_scale = np.where(nonzero, x_scale, 1.0)
        A /= x_scale
        weighted = A if unit_weights else A * sqrt_weight[:, None]
        folding = find_parallel_columns(
            lambda r: weighted.T @ r,
            lambda S: weighted[:, S],
            A.shape[0],
            nonzero,
            np.float64,
        )
        del weighted
        if folding is not None:
            A = np.asarray(A[:, folding.representatives], order=order)
        design = dense_operator_design(A)

        def spectral_norm2():
            if unit_weights:
                return design.spectral_norm2()
            return dense_operator_design(A * sqrt_weight[:, None]).spectral_norm2()

    return PreparedDatafit(
        datafit=datafit,
        design=design,
        y=y,
        weight=None if unit_weights else weight,
        fit_intercept=fit_intercept,
        x_offset=x_offset,
        x_scale=x_scale,
        spectral_norm2=spectral_norm2,
        folding=folding,
    )

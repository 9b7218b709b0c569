"""From user data ``(X, y, sample_weight)`` to a normalised least-squares problem.

The solvers see ``A = diag(sqrt(w)) (X - 1 x_offset^T) diag(1 / x_scale)`` and
``b = sqrt(w) (y - y_offset) / y_scale``: weighted, centred (with an
intercept), unit-norm columns, and a target of unit maximum magnitude. Unit
columns make the top-k selection invariant to rescaling a feature; the target
scale keeps ``||b||^2`` representable for data of magnitude up to ``1e150``.
Parallel columns (identical after this normalisation, up to sign) are one
feature for the solvers: they see the lowest index of each group only (see
:mod:`._duplicates`). Coefficients are mapped back by
:meth:`PreparedLeastSquares.to_original`.
"""

# SPDX-License-Identifier: BSD-3-Clause

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator

from ._design import (
    GramDesign,
    OperatorDesign,
    dense_operator_design,
    float32_operator_design,
    linear_operator_design,
    sparse_operator_design,
)
from ._duplicates import ColumnFolding, find_parallel_columns
from ._float32_rows import Float32Rows, weighted_column_means
from ._least_squares import SupportLeastSquares

#: Largest Gram matrix ``precompute="auto"`` forms, in bytes (256 MiB, i.e.
#: about 5,800 float64 features). Larger problems run in operator mode.
GRAM_MAX_BYTES = 256 * 2**20


def _robust_column_norms(A):
    """Euclidean norms of the columns of a dense array without under/overflow."""
    norms = np.sqrt(np.einsum("ij,ij->j", A, A))
    # The plain sum of squares is exact enough unless it over- or underflows;
    # only then pay for the rescaled computation.
    if np.all(np.isfinite(norms)) and (norms.shape[0] == 0 or norms.min() > 1e-100):
        return norms
    peak = np.max(np.abs(A), axis=0) if A.shape[0] else np.zeros(A.shape[1])
    safe_peak = np.where(peak > 0, peak, 1.0)
    return peak * np.linalg.norm(A / safe_peak, axis=0)


def use_gram(X, precompute):
    """Resolve ``precompute`` into "form the Gram matrix" or not."""
    if isinstance(precompute, str):  # "auto"
        return not sp.issparse(X) and X.shape[1] ** 2 * 8 <= GRAM_MAX_BYTES
    return bool(precompute)


@dataclass
class PreparedLeastSquares:
    """A normalised least-squares problem, shared by every target of ``y``."""

    design: GramDesign | OperatorDesign
    Aty: np.ndarray  # (n_features, n_targets)
    y_sq_norms: np.ndarray  # (n_targets,)
    x_offset: np.ndarray
    x_scale: np.ndarray
    y_offset: np.ndarray
    y_scale: np.ndarray
    work_dtype: np.dtype
    folding: ColumnFolding | None = None

    @property
    def n_targets(self):
        return self.Aty.shape[1]

    @property
    def n_features(self):
        """Number of features the solvers see (one per group of parallel columns)."""
        return self.Aty.shape[0]

    def problem(self, target):
        """The single-target problem solved by the k-sparse kernels."""
        return SupportLeastSquares(
            self.design, self.Aty[:, target], self.y_sq_norms[target]
        )

    def to_normalized(self, coef, target):
        """Map user-scale coefficients of one target into the solver's scale.

        Coefficients of parallel columns add up on their representative, so
        the predictions are unchanged.
        """
        coef = (
            np.asarray(coef, dtype=self.work_dtype)
            * self.x_scale
            / self.y_scale[target]
        )
        return coef if self.folding is None else self.folding.fold(coef)

    def to_original(self, coef, intercept=None):
        """Map solver coefficients ``(n_targets, n_features)`` back to user scale.

        ``intercept``, the solvers' intercepts, are zeros for least squares on
        centred data and may be omitted.

        Returns
        -------
        coef : ndarray of shape (n_targets, n_features)
        intercept : ndarray of shape (n_targets,)
        """
        if self.folding is not None:
            coef = self.folding.expand(coef)
        with np.errstate(over="ignore", invalid="ignore"):
            coef = coef * self.y_scale[:, None] / self.x_scale
            offset = self.y_offset
            if intercept is not None and np.any(intercept):
                offset = offset + self.y_scale * intercept
            intercept = offset - coef @ self.x_offset
        if not (np.isfinite(coef).all() and np.isfinite(intercept).all()):
            # The exact answer is not representable: refuse it rather than
            # return inf and NaN predictions.
            raise ValueError(
                "The fitted coefficients overflow the float64 range: y is too "
                f"large for the scale of X (max |y| about {self.y_scale.max():.3g}, "
                f"smallest column norm of X about {self.x_scale.min():.3g}); "
                "rescale X or y."
            )
        return coef, intercept


def prepare_least_squares(X, y, sample_weight, fit_intercept, precompute):
    """Weight, centre and normalise validated data.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Validated design; never modified.
    y : ndarray of shape (n_samples, n_targets)
        Validated targets; never modified.
    sample_weight : ndarray of shape (n_samples,)
        Non-negative weights with a positive sum.
    fit_intercept : bool
        Centre ``X`` and ``y`` with their weighted means.
    precompute : "auto" or bool
        Form the Gram matrix (see :func:`use_gram`).

    Returns
    -------
    PreparedLeastSquares
    """
    sparse = sp.issparse(X)
    # Dense problems are copied anyway (centring, scaling): do it in float64.
    work_dtype = X.dtype if sparse else np.dtype(np.float64)
    weight = np.asarray(sample_weight, dtype=work_dtype)
    sqrt_weight = np.sqrt(weight)
    total_weight = weight.sum()
    n_features = X.shape[1]

    # A float32 X in operator mode is never copied whole to float64 (see
    # _float32_rows): only blocks of its rows are, product by product.
    by_blocks = not sparse and X.dtype == np.float32 and not use_gram(X, precompute)
    y = np.asarray(y, dtype=work_dtype)
    if fit_intercept:
        y_offset = weight @ y / total_weight
        if by_blocks:
            x_offset = weighted_column_means(X, weight)
        else:
            x_offset = np.asarray(X.T @ weight, dtype=work_dtype).ravel() / total_weight
    else:
        y_offset = np.zeros(y.shape[1], dtype=work_dtype)
        x_offset = np.zeros(n_features, dtype=work_dtype)

    b = sqrt_weight[:, None] * (y - y_offset)
    y_scale = np.max(np.abs(b), axis=0) if b.shape[0] else np.ones(b.shape[1])
    y_scale = np.where(y_scale > 0, y_scale, 1.0).astype(work_dtype)
    b /= y_scale
    y_sq_norms = np.einsum("ij,ij->j", b, b)

    if sparse:
        sq = np.asarray(X.multiply(X).T @ weight, dtype=work_dtype).ravel()
        x_scale = np.sqrt(np.maximum(sq - total_weight * x_offset**2, 0))
        nonzero = x_scale > 0
        x_scale = np.where(nonzero, x_scale, 1.0).astype(work_dtype)
        operator = sparse_operator_design(X, x_offset, x_scale, sqrt_weight)
        # Uncached columns: the candidates are checked once, and caching
        # them would keep thousands of dense columns of a large sparse X.
        folding = find_parallel_columns(
            operator.rmatvec, operator._columns, X.shape[0], nonzero, work_dtype
        )
        if folding is not None:
            kept = folding.representatives
            X = X[:, kept]
            operator = sparse_operator_design(
                X, x_offset[kept], x_scale[kept], sqrt_weight
            )
            x_offset_kept, x_scale_kept = x_offset[kept], x_scale[kept]
        else:
            x_offset_kept, x_scale_kept = x_offset, x_scale
        Aty = operator.rmatvec(b)
        if use_gram(X, precompute):
            # X^T W X - W_total x_offset x_offset^T, formed without densifying X.
            weighted = sp.diags(weight) @ X
            gram = np.asarray((X.T @ weighted).toarray(), dtype=work_dtype)
            gram -= total_weight * np.outer(x_offset_kept, x_offset_kept)
            design = GramDesign(gram / np.outer(x_scale_kept, x_scale_kept))
        else:
            design = operator
    elif by_blocks:
        rows = Float32Rows(
            X,
            x_offset if fit_intercept else None,
            sqrt_weight if np.any(sqrt_weight != 1) else None,
        )
        x_scale = rows.column_norms()
        nonzero = x_scale > 0
        x_scale = np.where(nonzero, x_scale, 1.0)
        rows.scale = x_scale
        folding = find_parallel_columns(
            rows.rmatvec, rows.columns, X.shape[0], nonzero, work_dtype
        )
        if folding is not None:
            rows.kept = np.asarray(folding.representatives, dtype=np.intp)
        Aty = rows.rmatvec(b)
        design = float32_operator_design(rows)
    else:
        # One working copy of X, modified in place (each pass over X counts
        # next to a fast solver).
        A = np.array(X, dtype=work_dtype, order="C")
        if fit_intercept:
            A -= x_offset
        if np.any(sqrt_weight != 1):
            A *= sqrt_weight[:, None]
        x_scale = _robust_column_norms(A)
        nonzero = x_scale > 0
        x_scale = np.where(nonzero, x_scale, 1.0)
        A /= x_scale
        folding = find_parallel_columns(
            lambda r: A.T @ r, lambda S: A[:, S], A.shape[0], nonzero, work_dtype
        )
        if folding is not None:
            A = np.ascontiguousarray(A[:, folding.representatives])
        Aty = A.T @ b
        if use_gram(X, precompute):
            design = GramDesign(A.T @ A)
        else:
            design = dense_operator_design(A)

    return PreparedLeastSquares(
        design=design,
        Aty=np.asarray(Aty).reshape(design.n_features, -1),
        y_sq_norms=y_sq_norms,
        x_offset=x_offset,
        x_scale=x_scale,
        y_offset=y_offset,
        y_scale=y_scale,
        work_dtype=work_dtype,
        folding=folding,
    )


def raw_design(X, precompute):
    """Design over ``X`` as given (no centring or scaling)."""
    if isinstance(X, np.ndarray):
        return (
            GramDesign(X.T @ X) if use_gram(X, precompute) else dense_operator_design(X)
        )
    if sp.issparse(X):
        n_samples, n_features = X.shape
        return sparse_operator_design(
            X,
            np.zeros(n_features, dtype=X.dtype),
            np.ones(n_features, dtype=X.dtype),
            np.ones(n_samples, dtype=X.dtype),
        )
    return linear_operator_design(X, dtype=np.result_type(X.dtype, np.float64))


def check_normal_equations(gram, Aty, y_sq_norms):
    """Refuse data whose normal equations overflowed (they are formed with
    overflow warnings silenced, so that this error is all the user sees)."""
    if not (
        np.isfinite(Aty).all()
        and np.isfinite(y_sq_norms).all()
        and (gram is None or np.isfinite(gram).all())
    ):
        raise ValueError(
            "||y||^2, X.T @ y or X.T @ X overflows: X or y has values too large "
            "for the unnormalised problem; rescale them (SEARegressor does)."
        )


def prepare_raw_least_squares(X, y, precompute):
    """The least-squares problem on the design and target as given.

    What the bare functions (:func:`~sklearn_sea.sea`,
    :func:`~sklearn_sea.sea_path`) solve: no weights, centring or scaling,
    and no folding of parallel columns. The offsets are zeros and the scales
    ones, so :meth:`PreparedLeastSquares.to_original` returns the solvers'
    coefficients unchanged.

    Parameters
    ----------
    X : ndarray, sparse matrix or LinearOperator of shape (n_samples, n_features)
        Validated design.
    y : ndarray of shape (n_samples, n_targets)
        Validated targets.
    precompute : "auto" or bool
        Form the Gram matrix (see :func:`use_gram`).

    Returns
    -------
    PreparedLeastSquares
    """
    work_dtype = np.result_type(X.dtype, np.float32)
    y = y.astype(work_dtype, copy=False)
    n_features, n_targets = X.shape[1], y.shape[1]
    with np.errstate(over="ignore", invalid="ignore"):
        design = raw_design(X, precompute)
        Aty = np.asarray(
            design.rmatvec(y) if isinstance(X, LinearOperator) else X.T @ y
        )
        y_sq_norms = np.einsum("ij,ij->j", y, y)
    check_normal_equations(getattr(design, "gram", None), Aty, y_sq_norms)
    return PreparedLeastSquares(
        design=design,
        Aty=Aty.reshape(n_features, n_targets),
        y_sq_norms=y_sq_norms,
        x_offset=np.zeros(n_features, dtype=work_dtype),
        x_scale=np.ones(n_features, dtype=work_dtype),
        y_offset=np.zeros(n_targets, dtype=work_dtype),
        y_scale=np.ones(n_targets, dtype=work_dtype),
        work_dtype=np.dtype(work_dtype),
    )

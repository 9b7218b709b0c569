"""Numerical core shared by every k-sparse solver of the package.

Pure functions and small classes on arrays: top-k projection, least squares
(or Newton's method for any datafit)
restricted to a support, the Gram and operator views of the design, and the
preprocessing that turns user data into a normalised problem. No scikit-learn
plumbing lives here.
"""

# SPDX-License-Identifier: BSD-3-Clause

from ._design import (
    GramDesign,
    OperatorDesign,
    dense_operator_design,
    linear_operator_design,
    sparse_operator_design,
)
from ._least_squares import SupportLeastSquares, solve_normal_equations
from ._loss_curve import LossCurve
from ._newton import SupportDatafit
from ._nonnegative import (
    NonnegativeSupportLeastSquares,
    positive_top_k,
    solve_nonnegative_normal_equations,
)
from ._preprocess import (
    GRAM_MAX_BYTES,
    PreparedLeastSquares,
    check_normal_equations,
    prepare_least_squares,
    prepare_raw_least_squares,
    use_gram,
)
from ._preprocess_datafit import PreparedDatafit, prepare_datafit
from ._result import SolverResult
from ._support_set import SupportCounter
from ._tolerances import exact_fit_tol, pivot_threshold
from ._topk import support_key, top_k, top_k_rows

__all__ = [
    "GRAM_MAX_BYTES",
    "GramDesign",
    "LossCurve",
    "NonnegativeSupportLeastSquares",
    "OperatorDesign",
    "PreparedDatafit",
    "PreparedLeastSquares",
    "SolverResult",
    "SupportCounter",
    "SupportDatafit",
    "SupportLeastSquares",
    "dense_operator_design",
    "exact_fit_tol",
    "linear_operator_design",
    "pivot_threshold",
    "positive_top_k",
    "prepare_datafit",
    "check_normal_equations",
    "prepare_least_squares",
    "prepare_raw_least_squares",
    "solve_nonnegative_normal_equations",
    "solve_normal_equations",
    "sparse_operator_design",
    "support_key",
    "top_k",
    "top_k_rows",
    "use_gram",
]

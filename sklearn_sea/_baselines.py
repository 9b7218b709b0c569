"""Baseline k-sparse regressors: OMP, OMPR, ELS, IHT, HTP, CoSaMP and SP.

Thin scikit-learn wrappers: parameters, documentation (the shared parts from
:mod:`sklearn_sea._docstrings`) and delegation to the
numerical kernels of :mod:`sklearn_sea._greedy`,
:mod:`sklearn_sea._local_search` and :mod:`sklearn_sea._thresholding`. Data
handling (validation, weights, intercept, normalisation, multi-output) is
the one of :class:`~sklearn_sea._base.BaseKSparseRegressor`, shared with
:class:`~sklearn_sea.SEARegressor`.
"""

# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import BaseKSparseRegressor
from ._core import NonnegativeSupportLeastSquares
from ._docstrings import fill_doc
from ._greedy import _omp
from ._local_search import _els, _ompr
from ._sea import _resolve_step_size
from ._thresholding import _cosamp, _htp, _iht, _subspace_pursuit

#: Default cap on iterations of the iterative baselines (a reconstructed
#: setting: they usually stop on their own rule long before).
DEFAULT_MAX_ITER = 1000

_MAX_ITER = [Interval(Integral, 1, None, closed="left")]
_STEP_SIZE = [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither")]


class _PositiveMixin:
    """The ``positive`` option of the thresholding solvers."""

    def _problem_for(self, problem):
        if not self.positive:
            return problem
        return NonnegativeSupportLeastSquares(
            problem.design, problem.Aty, problem.y_sq_norm
        )


class _GradientStepMixin:
    """Resolves ``step_size`` for the solvers that take gradient steps."""

    def _prepare_solver(self, X, y, sample_weight, prepared):
        # Unlike SEA from zero, these iterates keep their scale from step to
        # step, so the step always matters and "auto" measures ||A||_2.
        self.step_size_ = _resolve_step_size(self.step_size, prepared.design, True)
        return None


@fill_doc
class OMPRegressor(BaseKSparseRegressor):
    """Orthogonal Matching Pursuit with at most k nonzero coefficients.

    k greedy steps; each adds the feature most correlated with the current
    residual and refits least squares on the selected features. On a design
    with unit-norm columns and ``fit_intercept=False`` it gives the
    coefficients of :func:`sklearn.linear_model.orthogonal_mp`; features are
    normalised internally, so the selection does not depend on their scales
    (scikit-learn's does).

    Parameters
    ----------
    n_nonzero_coefs : int or array-like of shape (n_targets,), default=None
        Number of nonzero coefficients k, or one k per target (column of
        ``y``). None means 10% of the features (at least one). Values above
        ``n_features`` are clipped with a warning. Ignored when ``tol`` is given.
    tol : float, default=None
        Maximum squared norm of the residual ``||y - X w - b||^2``
        (weighted): features are added until it is reached, as in
        scikit-learn's ``OrthogonalMatchingPursuit``. If not None, overrides
        ``n_nonzero_coefs``.
    {{data_parameters}}

    Attributes
    ----------
    {{coef_attributes}}
    n_nonzero_coefs_ : int, ndarray of shape (n_targets,) or None
        Support size used after defaulting and clipping (an array when
        ``n_nonzero_coefs`` was given per target); None when ``tol`` sets the
        number of features (as in scikit-learn).
    n_iter_ : int or list of int
        Number of features selected (fewer than k when the residual vanished,
        reached ``tol``, or the remaining features are dependent on the
        selected ones).
        One per target, in a list, for 2-D ``y`` (as scikit-learn's OMP
        and Lasso).
    best_iter_ : int or ndarray of shape (n_targets,)
        Index of the returned step in ``loss_curve_`` (the last one).
    loss_curve_ : ndarray of shape (`n_iter_`,) or list of such arrays
        Objective ``1/2 ||y - X w - b||^2`` (weighted) after each step.
    n_supports_explored_ : int or ndarray of shape (n_targets,)
        Number of supports on which least squares was solved (one per step).
    {{input_attributes}}

    See Also
    --------
    sklearn.linear_model.OrthogonalMatchingPursuit : The same algorithm,
        without feature normalisation.
    OMPRRegressor, ELSRegressor : Local search started from OMP's support.

    Notes
    -----
    The Cholesky factor of the selected Gram block grows by one row per step:
    with a Gram matrix the fit costs ``O(n_features k^2)``.

    References
    ----------
    Y. C. Pati, R. Rezaiifar, P. S. Krishnaprasad, "Orthogonal matching
    pursuit: recursive function approximation with applications to wavelet
    decomposition", Asilomar Conference, 1993.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea import OMPRegressor
    >>> from sklearn_sea.datasets import make_compressed_sensing
    >>> X, y, coef = make_compressed_sensing(100, 200, 5, random_state=0)
    >>> reg = OMPRegressor(n_nonzero_coefs=5, fit_intercept=False).fit(X, y)
    >>> bool((np.flatnonzero(reg.coef_) == np.flatnonzero(coef)).all())
    True
    """

    _parameter_constraints: dict = {
        **BaseKSparseRegressor._parameter_constraints,
        "tol": [Interval(Real, 0, None, closed="left"), None],
    }

    def __init__(
        self, n_nonzero_coefs=None, *, tol=None, fit_intercept=True, precompute="auto"
    ):
        self.n_nonzero_coefs = n_nonzero_coefs
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.precompute = precompute

    def _support_size(self, n_features, n_targets):
        # As in scikit-learn: tol overrides n_nonzero_coefs_, reported as None.
        if self.tol is not None:
            return np.full(n_targets, n_features), None
        return super()._support_size(n_features, n_targets)

    def _solve(self, problem, k, coef_init, loss_scale):
        return _omp(
            problem,
            k,
            tol=None if self.tol is None else self.tol / loss_scale,
            warn_dependence=True,
        )


@fill_doc
class OMPRRegressor(_GradientStepMixin, BaseKSparseRegressor):
    """Orthogonal Matching Pursuit with Replacement, k nonzero coefficients.

    Starts from OMP's support. Each iteration takes a gradient step
    ``z = x + eta X^T (y - X x)`` from the least-squares solution ``x`` on the
    support, adds the outside feature with the largest ``|z_j|``, drops the
    smallest ``|z_i|`` among the k + 1 candidates and refits. It stops when a
    support repeats and returns the best support seen, so it never ends with
    a larger objective than OMP.

    Parameters
    ----------
    {{n_nonzero_coefs}}
    max_iter : int, default=1000
        Number of supports evaluated at most, OMP's included.
    step_size : "auto" or float, default=1.0
        Step ``eta`` of the gradient step, in units of the normalised problem
        (unit-norm columns), where Jain et al. take 1. "auto" is
        ``1 / ||A||_2^2`` for the normalised design ``A``, a more
        conservative step.
    {{data_parameters}}

    Attributes
    ----------
    {{coef_attributes}}
    n_nonzero_coefs_ : int or ndarray of shape (n_targets,)
        Support size used after defaulting and clipping; an array when
        ``n_nonzero_coefs`` was given per target.
    n_iter_ : int or list of int
        Number of supports evaluated (OMP's is iteration 0).
        One per target, in a list, for 2-D ``y`` (as scikit-learn's OMP
        and Lasso).
    best_iter_ : int or ndarray of shape (n_targets,)
        Iteration at which the returned support was found.
    loss_curve_ : ndarray of shape (`n_iter_`,) or list of such arrays
        Objective ``1/2 ||y - X w_t - b_t||^2`` (weighted) at each iteration.
    n_supports_explored_ : int or ndarray of shape (n_targets,)
        Number of distinct supports visited.
    step_size_ : float
        Step used, in units of the normalised problem.
    {{input_attributes}}

    See Also
    --------
    ELSRegressor : Chooses each swap by its exact least-squares objective.
    SEARegressor : Explores supports through an accumulated gradient.

    Notes
    -----
    This is OMPR with one replacement per iteration (``l = 1``). OMPR stops
    at a fixed point of its own rule (no outside ``|z_j|`` beats the smallest
    ``|x_i|``), which is not the same as a support that no single swap
    improves; :class:`ELSRegressor` guarantees the latter. Starting from
    OMP's support is this package's choice. An iteration costs one gradient,
    ``O(n_features k)`` with a Gram matrix, plus a cached ``k x k`` solve.

    References
    ----------
    P. Jain, A. Tewari, I. S. Dhillon, "Orthogonal Matching Pursuit with
    Replacement", NeurIPS 2011.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea import OMPRRegressor
    >>> from sklearn_sea.datasets import make_compressed_sensing
    >>> X, y, coef = make_compressed_sensing(100, 200, 10, random_state=0)
    >>> reg = OMPRRegressor(n_nonzero_coefs=10, fit_intercept=False).fit(X, y)
    >>> bool((np.flatnonzero(reg.coef_) == np.flatnonzero(coef)).all())
    True
    """

    _parameter_constraints: dict = {
        **BaseKSparseRegressor._parameter_constraints,
        "max_iter": _MAX_ITER,
        "step_size": _STEP_SIZE,
    }

    def __init__(
        self,
        n_nonzero_coefs=None,
        *,
        max_iter=DEFAULT_MAX_ITER,
        step_size=1.0,
        fit_intercept=True,
        precompute="auto",
    ):
        self.n_nonzero_coefs = n_nonzero_coefs
        self.max_iter = max_iter
        self.step_size = step_size
        self.fit_intercept = fit_intercept
        self.precompute = precompute

    def _solve(self, problem, k, coef_init, loss_scale):
        return _ompr(problem, k, step_size=self.step_size_, max_iter=self.max_iter)


@fill_doc
class ELSRegressor(BaseKSparseRegressor):
    """Exhaustive Local Search over supports of k features.

    Starts from OMP's support and repeatedly applies the single swap (one
    feature out, one in) that lowers the least-squares objective the most,
    until no swap lowers it by more than a relative ``tol``. The result is a
    support that no single swap improves, never worse than OMP's.

    Parameters
    ----------
    {{n_nonzero_coefs}}
    max_iter : int, default=1000
        Number of swaps applied at most (0 gives OMP).
    tol : float, default=1e-6
        A swap is applied only if it lowers the residual sum of squares by
        more than ``tol`` times its current value.
    {{data_parameters}}

    Attributes
    ----------
    {{coef_attributes}}
    n_nonzero_coefs_ : int or ndarray of shape (n_targets,)
        Support size used after defaulting and clipping; an array when
        ``n_nonzero_coefs`` was given per target.
    n_iter_ : int or list of int
        Number of supports visited: OMP's plus one per swap.
        One per target, in a list, for 2-D ``y`` (as scikit-learn's OMP
        and Lasso).
    best_iter_ : int or ndarray of shape (n_targets,)
        Index of the returned support in ``loss_curve_`` (the last one).
    loss_curve_ : ndarray of shape (`n_iter_`,) or list of such arrays
        Objective ``1/2 ||y - X w_t - b_t||^2`` (weighted) after each swap.
    n_supports_explored_ : int or ndarray of shape (n_targets,)
        Number of supports on which least squares was solved: OMP's, one per
        swap and at most one rejected refit (scoring the swaps solves none).
    {{input_attributes}}

    See Also
    --------
    OMPRRegressor : Cheaper swaps chosen by a gradient step.
    SEARegressor : Use ``SEARegressor(init=ELSRegressor(k))`` to explore
        further from ELS's support (the SEA paper's SEA_ELS).

    Notes
    -----
    All ``k (n_features - k)`` swaps are scored at once from one inverse of
    the ``k x k`` Gram block ``H``: with ``B = A^T A_S`` and ``U = B H``,
    removing ``i`` raises the residual by ``x_i^2 / H_ii``, and adding ``j``
    then lowers it by the squared updated correlation
    ``(c_j + x_i U_ji / H_ii)^2`` over the squared norm of the part of
    ``a_j`` orthogonal to the other features,
    ``G_jj - B_j . U_j + U_ji^2 / H_ii``. A sweep costs ``O(n_features k^2)``
    time and ``O(n_features k)`` memory with a Gram matrix (plus one product
    ``A^T A_S``, ``O(n_samples n_features k)``, without), instead of
    ``k (n_features - k)`` least-squares solves of ``O(n_samples k^2)`` each.
    The chosen swap is confirmed by an exact refit.

    References
    ----------
    K. Axiotis, M. Sviridenko, "Sparse Convex Optimization via Adaptively
    Regularized Hard Thresholding", ICML 2020.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea import ELSRegressor
    >>> from sklearn_sea.datasets import make_compressed_sensing
    >>> X, y, coef = make_compressed_sensing(100, 200, 10, random_state=0)
    >>> reg = ELSRegressor(n_nonzero_coefs=10, fit_intercept=False).fit(X, y)
    >>> bool((np.flatnonzero(reg.coef_) == np.flatnonzero(coef)).all())
    True
    """

    _parameter_constraints: dict = {
        **BaseKSparseRegressor._parameter_constraints,
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "tol": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(
        self,
        n_nonzero_coefs=None,
        *,
        max_iter=DEFAULT_MAX_ITER,
        tol=1e-6,
        fit_intercept=True,
        precompute="auto",
    ):
        self.n_nonzero_coefs = n_nonzero_coefs
        self.max_iter = max_iter
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.precompute = precompute

    def _solve(self, problem, k, coef_init, loss_scale):
        return _els(problem, k, max_iter=self.max_iter, tol=self.tol)


@fill_doc
class IHTRegressor(_PositiveMixin, _GradientStepMixin, BaseKSparseRegressor):
    """Iterative Hard Thresholding with at most k nonzero coefficients.

    From zero, repeats ``w <- H_k(w + eta X^T (y - X w))``, where ``H_k``
    keeps the k largest entries in magnitude, until the iterate stops
    changing. The coefficients are the last iterate (no least-squares
    refit).

    Parameters
    ----------
    {{n_nonzero_coefs}}
    max_iter : int, default=1000
        Maximum number of iterations.
    step_size : "auto" or float, default="auto"
        Step ``eta``, in units of the normalised problem. "auto" is
        ``1 / ||A||_2^2`` for the normalised design ``A``, for which the
        objective never increases.
    tol : float, default=1e-6
        Stop when ``||w_{t+1} - w_t|| <= tol ||w_{t+1}||`` (normalised units).
    {{data_parameters}}
    {{positive}}

    Attributes
    ----------
    {{coef_attributes}}
    n_nonzero_coefs_ : int or ndarray of shape (n_targets,)
        Support size used after defaulting and clipping; an array when
        ``n_nonzero_coefs`` was given per target.
    n_iter_ : int or list of int
        Number of iterations run.
        One per target, in a list, for 2-D ``y`` (as scikit-learn's OMP
        and Lasso).
    best_iter_ : int or ndarray of shape (n_targets,)
        Index of the returned iterate in ``loss_curve_`` (the last one).
    loss_curve_ : ndarray of shape (`n_iter_`,) or list of such arrays
        Objective ``1/2 ||y - X w_t - b_t||^2`` (weighted) at each iteration.
    n_supports_explored_ : int or ndarray of shape (n_targets,)
        Number of distinct supports visited (IHT solves no least squares).
    step_size_ : float
        Step used, in units of the normalised problem.
    {{input_attributes}}

    See Also
    --------
    HTPRegressor : Refits least squares on each support.

    Notes
    -----
    An iteration costs one gradient, ``O(n_features k)`` with a Gram matrix
    and one product with ``X`` and ``X^T`` without.

    References
    ----------
    T. Blumensath, M. E. Davies, "Iterative hard thresholding for compressed
    sensing", Applied and Computational Harmonic Analysis 27(3), 2009.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea import IHTRegressor
    >>> from sklearn_sea.datasets import make_compressed_sensing
    >>> X, y, coef = make_compressed_sensing(100, 200, 5, random_state=0)
    >>> reg = IHTRegressor(n_nonzero_coefs=5, fit_intercept=False).fit(X, y)
    >>> bool((np.flatnonzero(reg.coef_) == np.flatnonzero(coef)).all())
    True
    """

    _parameter_constraints: dict = {
        **BaseKSparseRegressor._parameter_constraints,
        "positive": ["boolean"],
        "max_iter": _MAX_ITER,
        "step_size": _STEP_SIZE,
        "tol": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        n_nonzero_coefs=None,
        *,
        max_iter=DEFAULT_MAX_ITER,
        step_size="auto",
        tol=1e-6,
        fit_intercept=True,
        precompute="auto",
        positive=False,
    ):
        self.n_nonzero_coefs = n_nonzero_coefs
        self.max_iter = max_iter
        self.step_size = step_size
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.positive = positive

    def _solve(self, problem, k, coef_init, loss_scale):
        return _iht(
            self._problem_for(problem),
            k,
            step_size=self.step_size_,
            max_iter=self.max_iter,
            tol=self.tol,
            positive=self.positive,
        )


@fill_doc
class HTPRegressor(_PositiveMixin, _GradientStepMixin, BaseKSparseRegressor):
    """Hard Thresholding Pursuit with at most k nonzero coefficients.

    Each iteration selects the k largest entries of the gradient step
    ``w + eta X^T (y - X w)`` and refits least squares on them; it stops when
    a support repeats and returns the best support seen.

    Parameters
    ----------
    {{n_nonzero_coefs}}
    max_iter : int, default=1000
        Number of supports evaluated at most.
    step_size : "auto" or float, default=1.0
        Step ``eta``, in units of the normalised problem (unit-norm columns),
        where Foucart takes 1. "auto" is ``1 / ||A||_2^2`` for the normalised
        design ``A``; on Gaussian problems with n_features=500 and
        n_samples=250 it makes HTP stop early, far from the true support.
    {{data_parameters}}
    {{positive}}

    Attributes
    ----------
    {{coef_attributes}}
    n_nonzero_coefs_ : int or ndarray of shape (n_targets,)
        Support size used after defaulting and clipping; an array when
        ``n_nonzero_coefs`` was given per target.
    n_iter_ : int or list of int
        Number of supports evaluated.
        One per target, in a list, for 2-D ``y`` (as scikit-learn's OMP
        and Lasso).
    best_iter_ : int or ndarray of shape (n_targets,)
        Iteration at which the returned support was found.
    loss_curve_ : ndarray of shape (`n_iter_`,) or list of such arrays
        Objective ``1/2 ||y - X w_t - b_t||^2`` (weighted) at each iteration.
    n_supports_explored_ : int or ndarray of shape (n_targets,)
        Number of distinct supports visited.
    step_size_ : float
        Step used, in units of the normalised problem.
    {{input_attributes}}

    See Also
    --------
    IHTRegressor : The same step without the refit.
    SEARegressor : Accumulates the gradient steps instead of restarting them.

    Notes
    -----
    An iteration costs one gradient, ``O(n_features k)`` with a Gram matrix,
    plus a ``k x k`` solve.

    References
    ----------
    S. Foucart, "Hard thresholding pursuit: an algorithm for compressive
    sensing", SIAM Journal on Numerical Analysis 49(6), 2011.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea import HTPRegressor
    >>> from sklearn_sea.datasets import make_compressed_sensing
    >>> X, y, coef = make_compressed_sensing(100, 200, 10, random_state=0)
    >>> reg = HTPRegressor(n_nonzero_coefs=10, fit_intercept=False).fit(X, y)
    >>> bool((np.flatnonzero(reg.coef_) == np.flatnonzero(coef)).all())
    True
    """

    _parameter_constraints: dict = {
        **BaseKSparseRegressor._parameter_constraints,
        "positive": ["boolean"],
        "max_iter": _MAX_ITER,
        "step_size": _STEP_SIZE,
    }

    def __init__(
        self,
        n_nonzero_coefs=None,
        *,
        max_iter=DEFAULT_MAX_ITER,
        step_size=1.0,
        fit_intercept=True,
        precompute="auto",
        positive=False,
    ):
        self.n_nonzero_coefs = n_nonzero_coefs
        self.max_iter = max_iter
        self.step_size = step_size
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.positive = positive

    def _solve(self, problem, k, coef_init, loss_scale):
        return _htp(
            self._problem_for(problem),
            k,
            positive=self.positive,
            step_size=self.step_size_,
            max_iter=self.max_iter,
        )


@fill_doc
class CoSaMPRegressor(_PositiveMixin, BaseKSparseRegressor):
    """Compressive Sampling Matching Pursuit with at most k nonzero coefficients.

    Each iteration merges the 2k features most correlated with the residual
    with the current support, solves least squares on the union (at most 3k
    features) and keeps its k largest coefficients. It stops when the
    residual no longer decreases and returns the best iterate.

    Parameters
    ----------
    {{n_nonzero_coefs}}
    max_iter : int, default=1000
        Maximum number of iterations.
    {{data_parameters}}
    {{positive}}

    Attributes
    ----------
    {{coef_attributes}}
    n_nonzero_coefs_ : int or ndarray of shape (n_targets,)
        Support size used after defaulting and clipping; an array when
        ``n_nonzero_coefs`` was given per target.
    n_iter_ : int or list of int
        Number of iterations run.
        One per target, in a list, for 2-D ``y`` (as scikit-learn's OMP
        and Lasso).
    best_iter_ : int or ndarray of shape (n_targets,)
        Iteration of the returned iterate.
    loss_curve_ : ndarray of shape (`n_iter_`,) or list of such arrays
        Objective ``1/2 ||y - X w_t - b_t||^2`` (weighted) at each iteration.
    n_supports_explored_ : int or ndarray of shape (n_targets,)
        Number of distinct supports (merged ones included) on which least
        squares was solved.
    {{input_attributes}}

    See Also
    --------
    SPRegressor : Merges k candidates and refits after pruning.

    Notes
    -----
    The pruned coefficients are not refitted, as in the original algorithm.
    Least squares on up to 3k features needs ``n_samples >= 3k`` to be
    well posed; otherwise the minimum-norm solution is used.

    References
    ----------
    D. Needell, J. A. Tropp, "CoSaMP: Iterative signal recovery from
    incomplete and inaccurate samples", Applied and Computational Harmonic
    Analysis 26(3), 2009.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea import CoSaMPRegressor
    >>> from sklearn_sea.datasets import make_compressed_sensing
    >>> X, y, coef = make_compressed_sensing(100, 200, 10, random_state=0)
    >>> reg = CoSaMPRegressor(n_nonzero_coefs=10, fit_intercept=False).fit(X, y)
    >>> bool((np.flatnonzero(reg.coef_) == np.flatnonzero(coef)).all())
    True
    """

    _parameter_constraints: dict = {
        **BaseKSparseRegressor._parameter_constraints,
        "positive": ["boolean"],
        "max_iter": _MAX_ITER,
    }

    def __init__(
        self,
        n_nonzero_coefs=None,
        *,
        max_iter=DEFAULT_MAX_ITER,
        fit_intercept=True,
        precompute="auto",
        positive=False,
    ):
        self.n_nonzero_coefs = n_nonzero_coefs
        self.max_iter = max_iter
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.positive = positive

    def _solve(self, problem, k, coef_init, loss_scale):
        return _cosamp(
            self._problem_for(problem),
            k,
            positive=self.positive,
            max_iter=self.max_iter,
        )


@fill_doc
class SPRegressor(_PositiveMixin, BaseKSparseRegressor):
    """Subspace Pursuit with at most k nonzero coefficients.

    Each iteration merges the k outside features most correlated with the
    residual with the current support, solves least squares on the 2k
    features, keeps the k largest coefficients and refits. It stops as soon
    as the residual does not decrease, keeping the previous support.

    Parameters
    ----------
    {{n_nonzero_coefs}}
    max_iter : int, default=1000
        Number of supports evaluated at most.
    {{data_parameters}}
    {{positive}}

    Attributes
    ----------
    {{coef_attributes}}
    n_nonzero_coefs_ : int or ndarray of shape (n_targets,)
        Support size used after defaulting and clipping; an array when
        ``n_nonzero_coefs`` was given per target.
    n_iter_ : int or list of int
        Number of supports evaluated.
        One per target, in a list, for 2-D ``y`` (as scikit-learn's OMP
        and Lasso).
    best_iter_ : int or ndarray of shape (n_targets,)
        Iteration at which the returned support was found.
    loss_curve_ : ndarray of shape (`n_iter_`,) or list of such arrays
        Objective ``1/2 ||y - X w_t - b_t||^2`` (weighted) at each iteration.
    n_supports_explored_ : int or ndarray of shape (n_targets,)
        Number of distinct supports (merged ones included) on which least
        squares was solved.
    {{input_attributes}}

    See Also
    --------
    CoSaMPRegressor : Merges 2k candidates and does not refit after pruning.

    Notes
    -----
    An iteration costs one gradient and two least-squares solves, on 2k and
    on k features.

    References
    ----------
    W. Dai, O. Milenkovic, "Subspace pursuit for compressive sensing signal
    reconstruction", IEEE Transactions on Information Theory 55(5), 2009.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea import SPRegressor
    >>> from sklearn_sea.datasets import make_compressed_sensing
    >>> X, y, coef = make_compressed_sensing(100, 200, 10, random_state=0)
    >>> reg = SPRegressor(n_nonzero_coefs=10, fit_intercept=False).fit(X, y)
    >>> bool((np.flatnonzero(reg.coef_) == np.flatnonzero(coef)).all())
    True
    """

    _parameter_constraints: dict = {
        **BaseKSparseRegressor._parameter_constraints,
        "positive": ["boolean"],
        "max_iter": _MAX_ITER,
    }

    def __init__(
        self,
        n_nonzero_coefs=None,
        *,
        max_iter=DEFAULT_MAX_ITER,
        fit_intercept=True,
        precompute="auto",
        positive=False,
    ):
        self.n_nonzero_coefs = n_nonzero_coefs
        self.max_iter = max_iter
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.positive = positive

    def _solve(self, problem, k, coef_init, loss_scale):
        return _subspace_pursuit(
            self._problem_for(problem),
            k,
            positive=self.positive,
            max_iter=self.max_iter,
        )

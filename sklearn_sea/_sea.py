"""Support Exploration Algorithm (SEA).

SEA keeps a dense *exploration vector* ``X``. Each iteration projects it onto
a support (its k largest entries), solves least squares there, and moves
``X`` along the gradient taken at that k-sparse solution: the
straight-through estimator applied to the top-k projection. Because the
gradient vanishes on the current support, ``X`` accumulates the correlations
of past residuals with the inactive columns, which is what makes SEA leave a
support and explore others. The best support seen is returned.

Reference: M. Mohamed, F. Malgouyres, V. Emiya, C. Chaux, "Straight-Through
meets Sparse Recovery: the Support Exploration Algorithm", ICML 2024.
"""

# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from scipy.sparse.linalg import LinearOperator
from sklearn.utils import check_array
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
    validate_params,
)

from ._base import BaseKSparseRegressor, _named_errors, resolve_per_target_k
from ._core import (
    LossCurve,
    NonnegativeSupportLeastSquares,
    PreparedLeastSquares,
    SolverResult,
    _accelerator,
    exact_fit_tol,
    positive_top_k,
    prepare_datafit,
    prepare_raw_least_squares,
    top_k,
)
from ._init_estimator import InitEstimatorMixin
from ._validation import check_2d
from ._verbose import IterationPrinter
from .datafits import Quadratic

#: Default number of SEA iterations (a reconstructed setting; see the docs).
DEFAULT_MAX_ITER = 1000


def _first_support(problem, exploration, k, positive=False):
    """Support of iteration 0 for a warm start: top-k of the exploration vector.

    When the warm start has fewer than k nonzeros, the missing indices are the
    largest residual correlations at the warm start, not the lowest indices
    that a tie-break among zeros would give. With ``positive``, only positive
    entries count, and the missing indices are those whose increase lowers
    the objective most.
    """
    if positive:
        exploration = np.maximum(exploration, 0)
    active = np.flatnonzero(exploration)
    if active.shape[0] >= k:
        return top_k(exploration, k)
    gradient = problem.gradient(active, exploration[active])
    priority = np.maximum(-gradient, 0) if positive else np.abs(gradient)
    priority[active] = np.inf
    return top_k(priority, k)


#: Bytes of exploration steps kept per run for revisited supports (a revisit
#: then costs no product with ``A``).
STEP_CACHE_BYTES = 16 * 2**20


def _steady_iterations(exploration, move, support, remaining):
    """How many more iterations provably keep ``support``, at most ``remaining``.

    While the support does not change, neither do the refit nor the step
    ``move``, so ``X_{t+j} = X_t - j move``. Every entry moves linearly: the
    support stays the top-k as long as no entry outside it can reach the
    smallest entry inside it. The bound is conservative (the inside entries
    are given the largest inside speed) and leaves room for the rounding of
    ``remaining`` sequential subtractions, so skipping the top-k selection
    on those iterations cannot change any support.
    """
    magnitude = np.abs(exploration)
    speed = np.abs(move)
    inside = magnitude[support]
    rounding = (
        4
        * np.finfo(exploration.dtype).eps
        * remaining
        * (magnitude.max() + remaining * speed.max())
    )
    gap = inside.min() - rounding - magnitude
    closing = speed + speed[support].max()
    gap[support] = np.inf
    if gap.min() <= 0:
        return 0
    with np.errstate(divide="ignore"):
        # Iteration j is safe when j * closing < gap, for every outside entry.
        horizon = np.ceil(np.min(gap / closing)) - 1
    return int(min(horizon, remaining))


def _sea(
    problem,
    k,
    *,
    max_iter,
    step_size,
    coef_init=None,
    tol=0.0,
    fast_forward=True,
    progress=None,
    positive=False,
    n_iter_no_change=None,
):
    """SEA on one normalised single-target problem.

    The iterates are those of the algorithm as written (one least-squares
    solve per iteration); the work is not. Solves are cached per support
    (:class:`~sklearn_sea._core.SupportLeastSquares`), and so are the steps
    of the exploration vector, within ``STEP_CACHE_BYTES``. When the
    support repeats, the step repeats too, and the run advances to the
    first iteration at which the top-k could change (see
    :func:`_steady_iterations`), applying the same sequence of floating-point
    subtractions without selecting supports in between. Float64 problems
    with a Gram matrix run the same iterations in the compiled loop where it
    is built (:mod:`sklearn_sea._core._accelerator`).

    Parameters
    ----------
    problem : SupportLeastSquares or SupportDatafit
        Least squares ``1/2 ||A x - y||^2``, or any datafit ``F``, with
        support-restricted solves. The loop reads the deviance ``2 F`` (the
        squared residual for least squares) and records ``F``.
    k : int
        Support size.
    max_iter : int
        Number of supports evaluated at most.
    step_size : float
        Step of the exploration-vector update.
    coef_init : ndarray of shape (n_features,) or None
        Initial exploration vector; None or all zeros starts from
        ``step_size * A^T y``.
    tol : float
        Stop as soon as ``||A x_t - y||^2 <= tol`` (the deviance ``2 F`` in
        general); 0 disables early stopping.
    fast_forward : bool
        Skip the top-k selection on iterations that provably keep the
        support (the result is identical; False exists for tests).
    progress : callable or None
        Called as ``progress(n_iter, rss, best_rss, n_supports)`` after every
        evaluated support (and after every fast-forwarded run of repeats),
        for ``verbose`` output. The compiled loop cannot call back, so a
        progress callback runs the Python loop (same iterates).
    positive : bool
        Nonnegative coefficients: each support is the top-k of the positive
        part of the exploration vector, and ``problem`` must solve
        nonnegative least squares on it
        (:class:`~sklearn_sea._core.NonnegativeSupportLeastSquares`). Runs
        the Python loop, without fast-forwarding (whose bound is for
        magnitudes).
    n_iter_no_change : int or None
        Stop once the best objective has not improved for this many
        iterations (the last ``n_iter_no_change`` iterations all have an
        objective at least the best one of the iterations before them).
        None never stops for that reason (the paper's algorithm).

    Memory does not grow with ``max_iter``: the loss curve grows with the
    iterations run (:mod:`sklearn_sea._core._loss_curve`), and the caches
    of solutions and steps are under fixed byte budgets.

    Returns
    -------
    SolverResult
    """
    n_features = problem.n_features
    if not 1 <= k <= n_features:
        raise ValueError(f"k must be in [1, n_features={n_features}]; got {k}.")
    dtype = problem.Aty.dtype
    warm = coef_init is not None and np.any(coef_init)
    if warm:
        exploration = np.array(coef_init, dtype=dtype)
        support = _first_support(problem, exploration, k, positive)
    else:
        exploration = step_size * problem.Aty
        support = positive_top_k(exploration, k) if positive else top_k(exploration, k)
    select = positive_top_k if positive else top_k
    # The compiled top-k selects among the entries at or above the smallest
    # of the last support: the same supports, without a partition of all
    # of the exploration vector (operator mode's large n_features).
    seeded = None
    if not positive and dtype == np.float64 and k < n_features:
        seeded = _accelerator.compiled_top_k()
    fast_forward = fast_forward and not positive

    compiled = None
    if progress is None and not positive:
        compiled = _accelerator.compiled_gram_loop(problem)
    if compiled is not None:
        return _sea_compiled(
            compiled,
            problem,
            k,
            exploration,
            support,
            max_iter,
            step_size,
            tol,
            fast_forward,
            n_iter_no_change,
        )

    patience = max_iter if n_iter_no_change is None else n_iter_no_change
    loss_curve = LossCurve(max_iter)
    best_rss, best_iter, best_support, best_coef = np.inf, 0, support, None
    best_intercept = 0.0
    steps = {}
    max_steps = STEP_CACHE_BYTES // max(n_features * dtype.itemsize, 1)
    previous_key, move, rss = None, None, np.inf
    t = 0
    while t < max_iter:
        if t > 0:
            selected = None if seeded is None else seeded(exploration, k, support)
            support = select(exploration, k) if selected is None else selected
        key = support.tobytes()
        if key == previous_key:
            # Same support, same refit, same step: nothing new to solve, and
            # the following iterations may be known to repeat it as well.
            # A repeat never improves: stop the run where patience ends.
            remaining = min(max_iter, best_iter + patience + 1) - t
            n_same = 1
            if fast_forward:
                n_same += _steady_iterations(exploration, move, support, remaining - 1)
            loss_curve.fill(0.5 * rss, n_same)
            t += n_same
            if progress is not None:
                progress(t, rss, best_rss, problem.n_solved)
            if t - 1 - best_iter >= patience:
                break
            if t < max_iter:  # the last exploration vector is never read
                for _ in range(n_same):
                    np.subtract(exploration, move, out=exploration)
            continue
        move = steps.get(key)
        if move is None:
            coef_support, rss, move = problem.refit_gradient(support)
            if step_size != 1.0:
                move *= step_size
            if len(steps) < max_steps:
                steps[key] = move
        else:
            coef_support, rss = problem.solve(support)
        loss_curve.fill(0.5 * rss)
        t += 1
        if rss < best_rss:
            best_rss, best_iter = rss, t - 1
            best_support, best_coef = support, coef_support
            # Read now: a bounded cache may have evicted it by the end.
            best_intercept = problem.intercept(support)
        if progress is not None:
            progress(t, rss, best_rss, problem.n_solved)
        if (tol > 0 and rss <= tol) or t - 1 - best_iter >= patience:
            break
        np.subtract(exploration, move, out=exploration)
        previous_key = key

    coef = np.zeros(n_features, dtype=dtype)
    coef[best_support] = best_coef
    return SolverResult(
        coef=coef,
        n_iter=t,
        loss_curve=loss_curve.to_array(),
        best_iter=best_iter,
        n_supports_explored=problem.n_solved,
        intercept=best_intercept,
    )


def _resolve_step_size(step_size, design, warm):
    """``"auto"`` is ``1 / ||A||_2^2``.

    With a zero start the supports do not depend on the step (every iterate
    is the step times a step-free vector), so the spectral norm is only
    computed for warm starts; 1.0 is used otherwise.
    """
    if step_size != "auto":
        return float(step_size)
    if not warm:
        return 1.0
    norm2 = design.spectral_norm2()
    return 1.0 / norm2 if norm2 > 0 else 1.0


def _sea_compiled(
    loop,
    problem,
    k,
    exploration,
    support,
    max_iter,
    step_size,
    tol,
    fast_forward,
    n_iter_no_change,
):
    """:func:`_sea` through the compiled Gram-mode loop (same iterates)."""
    exploration = np.array(exploration, dtype=np.float64)
    best_support, best_coef, n_iter, best_iter, n_supports, loss_curve = loop(
        problem.design.gram,
        np.ascontiguousarray(problem.Aty),
        problem.y_sq_norm,
        k,
        max_iter,
        float(step_size),
        float(tol),
        exploration,
        np.ascontiguousarray(support, dtype=np.intp),
        lambda s: problem.solve(s)[0],
        fast_forward,
        0 if n_iter_no_change is None else n_iter_no_change,
    )
    if not np.isfinite(exploration).all():
        # Only a design or target beyond the float64 range gets here (the
        # estimators normalise their data first).
        raise ValueError(
            "SEA's exploration vector overflowed: X or y has values beyond the "
            "float64 range; rescale them."
        )
    coef = np.zeros(problem.n_features, dtype=problem.Aty.dtype)
    coef[best_support] = best_coef
    return SolverResult(
        coef=coef,
        n_iter=n_iter,
        loss_curve=loss_curve,
        best_iter=best_iter,
        n_supports_explored=n_supports,
    )


def _resolve_datafit_step(step_size, prepared, warm):
    """``"auto"`` is ``1 / (L ||W^{1/2} A||_2^2)``, ``L`` the curvature bound.

    That is the inverse Lipschitz constant of the gradient of the datafit in
    the coefficients. As for least squares, a zero start makes the supports
    independent of the step (the initial exploration vector is scaled by
    it too), so it is only computed for warm starts.
    """
    if step_size != "auto":
        return float(step_size)
    if not warm:
        return 1.0
    norm2 = prepared.spectral_norm2() * prepared.curvature_bound()
    return 1.0 / norm2 if norm2 > 0 else 1.0


def _check_design(X):
    if isinstance(X, LinearOperator):
        if X.dtype is not None and np.issubdtype(X.dtype, np.complexfloating):
            raise ValueError(
                f"X (a LinearOperator) has the complex dtype {X.dtype}; SEA "
                "needs a real design."
            )
        return X
    check_2d("X", X)
    return _named_errors(
        "X",
        lambda: check_array(
            X,
            accept_sparse=["csr", "csc"],
            dtype=[np.float64, np.float32],
            input_name="X",
        ),
    )


def _resolve_tol(tol, problem, loss_scale):
    """The kernel's stopping threshold on ``||A x - y||^2`` for a user's ``tol``.

    None stops at an exact fit up to rounding; a number is in the user's
    units and is divided by ``loss_scale`` (the squared scale of the target
    in the normalised problem; 1 for the bare algorithm).
    """
    if tol is None:
        return exact_fit_tol(problem.null_deviance, problem.Aty.dtype)
    return tol / loss_scale


def _sea_problem(
    problem,
    k,
    *,
    coef_init=None,
    max_iter,
    step_size,
    tol,
    positive=False,
    progress=None,
    n_iter_no_change=None,
):
    """The one entry to the SEA kernel: every public path runs through here.

    ``sea``, ``sea_path``, the estimators and the cross-validation and
    information-criterion paths prepare a problem (see
    :mod:`sklearn_sea._core._preprocess`) and call this per target.
    """
    if positive:
        problem = NonnegativeSupportLeastSquares(
            problem.design, problem.Aty, problem.y_sq_norm
        )
    return _sea(
        problem,
        k,
        max_iter=max_iter,
        step_size=step_size,
        coef_init=coef_init,
        tol=tol,
        progress=progress,
        positive=positive,
        n_iter_no_change=n_iter_no_change,
    )


def _check_design_and_target(X, y):
    """Validate the inputs of the bare functions (``sea``, ``sea_path``).

    Returns ``X``, ``y`` as 2-D ``(n_samples, n_targets)`` and whether the
    user's ``y`` was 1-D.
    """
    X = _check_design(X)
    y = _named_errors(
        "y",
        lambda: check_array(
            y, ensure_2d=False, dtype=[np.float64, np.float32], input_name="y"
        ),
    )
    if y.ndim > 2:
        raise ValueError(f"y must be 1-D or 2-D; got an array of shape {y.shape}.")
    if y.shape[0] != X.shape[0]:
        raise ValueError(
            f"y has {y.shape[0]} samples but X has {X.shape[0]}; they must match."
        )
    return X, y.reshape(X.shape[0], -1), y.ndim == 1


@validate_params(
    {
        "X": ["array-like", "sparse matrix", LinearOperator],
        "y": ["array-like"],
        "n_nonzero_coefs": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "step_size": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither")],
        "coef_init": ["array-like", None],
        "tol": [Interval(Real, 0, None, closed="left")],
        "precompute": [StrOptions({"auto"}), "boolean"],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), None],
        "return_n_iter": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def sea(
    X,
    y,
    *,
    n_nonzero_coefs,
    max_iter=DEFAULT_MAX_ITER,
    step_size="auto",
    coef_init=None,
    tol=0.0,
    precompute="auto",
    n_iter_no_change=None,
    return_n_iter=False,
):
    """Support Exploration Algorithm on ``y ~ X x`` with ``||x||_0 <= k``.

    This is the bare algorithm on the design as given: no intercept, no
    column normalisation (see :class:`SEARegressor` for both).

    Parameters
    ----------
    X : {array-like, sparse matrix, LinearOperator} of shape (n_samples, n_features)
        Design. A :class:`~scipy.sparse.linalg.LinearOperator` (e.g. a
        convolution applied by FFT) is used through products only.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Observations; each target is solved independently.
    n_nonzero_coefs : int or array-like of shape (n_targets,)
        Support size k (clipped to ``n_features``), or one k per target.
    max_iter : int, default=1000
        Maximum number of SEA iterations (supports evaluated).
    step_size : "auto" or float, default="auto"
        Step of the exploration update; "auto" is ``1 / ||X||_2^2``.
    coef_init : array-like of shape (n_features,) or (n_features, n_targets), \
            default=None
        Initial exploration vector (e.g. another solver's coefficients).
    tol : float, default=0.0
        Stop when the squared residual norm is at most ``tol``; 0 never stops
        early.
    precompute : "auto" or bool, default="auto"
        Use the Gram matrix ``X^T X``: an iteration then costs
        ``O(n_features k)`` plus a ``k x k`` solve. "auto" forms it for a
        dense ``X`` whose Gram matrix fits ``GRAM_MAX_BYTES`` (256 MiB);
        sparse ``X``, larger ``X`` and linear operators run in operator mode,
        about one product with ``X^T`` per iteration, and no
        ``n_features x n_features`` matrix is formed.
    n_iter_no_change : int, default=None
        Stop once the smallest residual has not decreased for this many
        iterations. None runs ``max_iter`` iterations (or until ``tol``), as
        in the paper.
    return_n_iter : bool, default=False
        Also return the number of iterations per target.

    Returns
    -------
    coef : ndarray of shape (n_features,) or (n_features, n_targets)
        The k-sparse coefficients with the smallest residual seen.
    n_iter : int or ndarray of shape (n_targets,)
        Returned when ``return_n_iter`` is True.

    See Also
    --------
    sea_batch : The same algorithm on many dense problems at once.
    SEARegressor : The estimator, with intercept and feature scaling.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea import sea
    >>> from sklearn_sea.datasets import make_compressed_sensing
    >>> X, y, coef_true = make_compressed_sensing(
    ...     n_samples=100, n_features=200, n_nonzero_coefs=10, random_state=0)
    >>> coef = sea(X, y, n_nonzero_coefs=10)
    >>> bool((np.flatnonzero(coef) == np.flatnonzero(coef_true)).all())
    True
    """
    X, y_2d, single = _check_design_and_target(X, y)
    # Validated per target first, then clipped silently (the estimators warn).
    ks, _ = resolve_per_target_k(n_nonzero_coefs, np.iinfo(np.intp).max, y_2d.shape[1])
    ks = np.minimum(ks, X.shape[1])
    prepared = prepare_raw_least_squares(X, y_2d, precompute)
    if coef_init is not None:
        coef_init = _named_errors(
            "coef_init",
            lambda: check_array(
                coef_init,
                ensure_2d=False,
                dtype=prepared.work_dtype,
                input_name="coef_init",
            ),
        )
        if coef_init.shape[0] != X.shape[1] or coef_init.size % X.shape[1]:
            raise ValueError(
                f"coef_init has shape {coef_init.shape}; expected (n_features,) = "
                f"({X.shape[1]},) or (n_features, n_targets)."
            )
        coef_init = coef_init.reshape(X.shape[1], -1)
    warm = coef_init is not None and np.any(coef_init)
    step = _resolve_step_size(step_size, prepared.design, warm)

    results = [
        _sea_problem(
            prepared.problem(t),
            int(ks[t]),
            coef_init=None if coef_init is None else coef_init[:, t],
            max_iter=max_iter,
            step_size=step,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
        )
        for t in range(prepared.n_targets)
    ]
    coef = np.array([result.coef for result in results]).T
    n_iter = np.array([result.n_iter for result in results])
    if single:
        coef, n_iter = coef[:, 0], int(n_iter[0])
    return (coef, n_iter) if return_n_iter else coef


def check_init_coef(coef, n_features, n_outputs):
    """Warm-start coefficients as an array of shape (n_outputs, n_features).

    One row is shared by every output; NaN, infinity and other shapes are
    refused, naming ``init``.
    """
    coef = coef.reshape(-1, n_features) if coef.ndim > 1 else coef[None, :]
    if coef.shape[1] != n_features or coef.shape[0] not in (1, n_outputs):
        raise ValueError(
            f"init has shape {coef.shape}; expected (n_features,) = "
            f"({n_features},) or ({n_outputs}, {n_features})."
        )
    if not np.all(np.isfinite(coef)):
        raise ValueError("init contains NaN or infinity.")
    return np.broadcast_to(coef, (n_outputs, n_features))


class SEARegressor(InitEstimatorMixin, BaseKSparseRegressor):
    """Linear model with at most k nonzero coefficients, fitted by SEA.

    The Support Exploration Algorithm keeps a dense exploration vector,
    selects its k largest entries as the support, refits the model on that
    support and updates the exploration vector with the gradient at the
    refitted point. It returns the best support seen in ``max_iter``
    iterations. Features are normalised internally, so the support does not
    change when a feature is rescaled. The loss is least squares by
    default, or any datafit (Huber's for robust regression, one's own).

    Read more in the :ref:`User Guide <sea>`.

    Parameters
    ----------
    n_nonzero_coefs : int or array-like of shape (n_targets,), default=None
        Number of nonzero coefficients k, or one k per target (column of
        ``y``). None means 10% of the features (at least one). Values above
        ``n_features`` are clipped with a warning.
    max_iter : int, default=1000
        Number of supports evaluated at most (a reconstructed setting).
    step_size : "auto" or float, default="auto"
        Step of the exploration update, in units of the normalised problem.
        "auto" is ``1 / ||A||_2^2`` for the normalised design ``A``. With
        ``init=None`` the result does not depend on the step.
    init : None, array-like of shape (n_features,) or estimator, default=None
        Initial exploration vector. None starts from zero (the first support
        is the k largest correlations with the target). An array gives
        coefficients in the scale of ``X``. An estimator exposing ``coef_``
        (Lasso, OMP, another k-sparse estimator of this package, ...) is used
        as fitted if it is fitted, and fitted on the same data otherwise; SEA
        then starts from its support and never ends with a larger objective.
    tol : float, default=None
        Stop as soon as the squared residual norm ``||y - X w - b||^2`` is at
        most ``tol`` (for another datafit: twice its value). None stops at an
        exact fit up to rounding (``1e3 * eps * ||y - mean(y)||^2``, twice
        the value of the intercept-only model in general); 0 never stops
        early.
    n_iter_no_change : int, default=None
        Stop once the best objective has not improved for this many
        iterations: a trade of quality for time (see the benchmarks). None
        runs ``max_iter`` iterations (or until ``tol``), as in the paper.
    fit_intercept : bool, default=True
        Fit an intercept (centre ``X`` and ``y``).
    precompute : "auto" or bool, default="auto"
        Use the Gram matrix of the normalised design. "auto" forms it for
        dense data that fits ``GRAM_MAX_BYTES`` (256 MiB); otherwise products
        with ``X`` are used and no ``n_features x n_features`` matrix exists.
        Least squares only: other datafits use products with ``X``.
    positive : bool, default=False
        Constrain the coefficients to be nonnegative (the intercept is not
        constrained): each support is the k largest positive entries of the
        exploration vector and is fitted by nonnegative least squares. Runs
        the Python loop, not the compiled one.
    verbose : int, default=0
        Print progress: 1 prints about ten lines per target, each with the
        iteration, its objective, the best objective so far and the number
        of supports explored, then a summary; 2 or more prints a line per
        iteration. Verbose fits run the Python loop (the compiled loop
        cannot report during a run); the iterates are the same.
    datafit : BaseDatafit, default=None
        The loss of the linear predictor ``z = X w + b`` that SEA minimises
        (see :mod:`sklearn_sea.datafits`). None is
        :class:`~sklearn_sea.datafits.Quadratic`, least squares, whose
        support solves are closed-form. Any other datafit, e.g.
        :class:`~sklearn_sea.datafits.Huber` for targets with gross outliers,
        is minimised on each support by Newton's method (coefficients and
        intercept), warm-started from the previous support and cached per
        support; the exploration vector moves by
        ``-step_size * X^T gradient(y, z)``. ``step_size="auto"`` is then
        ``1 / (L ||X||_2^2)`` with ``L`` the datafit's curvature bound.
        Unlike least squares, a general loss is not invariant to scaling
        ``y`` (Huber's ``delta`` is in the units of ``y``).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Coefficients, at most ``n_nonzero_coefs_`` nonzero per target.
    intercept_ : float or ndarray of shape (n_targets,)
        Independent term. A scalar of the dtype of ``X`` for
        1-D ``y``, an array for 2-D ``y``, and ``0.0`` when ``fit_intercept``
        is False (as in scikit-learn's linear models).
    n_nonzero_coefs_ : int or ndarray of shape (n_targets,)
        Support size used after defaulting and clipping; an array when
        ``n_nonzero_coefs`` was given per target.
    n_iter_ : int or list of int
        Number of iterations run.
        One per target, in a list, for 2-D ``y`` (as scikit-learn's OMP
        and Lasso).
    best_iter_ : int or ndarray of shape (n_targets,)
        Iteration at which the returned support was found.
    loss_curve_ : ndarray of shape (`n_iter_`,) or list of such arrays
        Objective ``1/2 ||y - X w_t - b_t||^2`` (weighted) at each iteration;
        the datafit's value for another datafit.
    n_supports_explored_ : int or ndarray of shape (n_targets,)
        Number of distinct supports visited.
    step_size_ : float
        Step used, in units of the normalised problem.
    init_estimator_ : estimator
        The fitted initial estimator, when ``init`` is an estimator.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    sea : The algorithm as a function on arrays and linear operators.
    sklearn.linear_model.OrthogonalMatchingPursuit : Greedy k-sparse fit.

    Notes
    -----
    With a precomputed Gram matrix an iteration costs ``O(n_features k)``
    plus a ``k x k`` solve, and solves are cached per support because SEA
    revisits supports.

    References
    ----------
    M. Mohamed, F. Malgouyres, V. Emiya and C. Chaux, "Straight-Through meets
    Sparse Recovery: the Support Exploration Algorithm", ICML 2024.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea import SEARegressor
    >>> from sklearn_sea.datasets import make_compressed_sensing
    >>> X, y, coef = make_compressed_sensing(
    ...     n_samples=100, n_features=200, n_nonzero_coefs=10, random_state=0)
    >>> reg = SEARegressor(n_nonzero_coefs=10, fit_intercept=False).fit(X, y)
    >>> bool((np.flatnonzero(reg.coef_) == np.flatnonzero(coef)).all())
    True
    >>> round(reg.score(X, y), 6)
    1.0

    With 10% of the targets grossly corrupted, Huber's loss still finds the
    support:

    >>> from sklearn_sea.datafits import Huber
    >>> y[::10] += 20.0
    >>> robust = SEARegressor(10, max_iter=100, datafit=Huber(delta=0.1))
    >>> robust = robust.fit(X, y)
    >>> bool((np.flatnonzero(robust.coef_) == np.flatnonzero(coef)).all())
    True
    """

    _parameter_constraints: dict = {
        **BaseKSparseRegressor._parameter_constraints,
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "step_size": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither")],
        "init": ["array-like", None, HasMethods(["fit"])],
        "tol": [Interval(Real, 0, None, closed="left"), None],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), None],
        "positive": ["boolean"],
        "verbose": ["verbose"],
        "datafit": [None, HasMethods(["value", "gradient", "hessian"])],
    }

    def __init__(
        self,
        n_nonzero_coefs=None,
        *,
        max_iter=DEFAULT_MAX_ITER,
        step_size="auto",
        init=None,
        tol=None,
        n_iter_no_change=None,
        fit_intercept=True,
        precompute="auto",
        positive=False,
        verbose=0,
        datafit=None,
    ):
        self.n_nonzero_coefs = n_nonzero_coefs
        self.max_iter = max_iter
        self.step_size = step_size
        self.init = init
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.positive = positive
        self.verbose = verbose
        self.datafit = datafit

    def _prepare_problem(self, X, y, sample_weight):
        datafit = Quadratic() if self.datafit is None else self.datafit
        if getattr(datafit, "least_squares", False):
            # Closed-form solves: the Gram matrix, the compiled loop.
            return super()._prepare_problem(X, y, sample_weight)
        if self.positive:
            raise ValueError(
                "positive=True is only available with the quadratic datafit; got "
                f"datafit={datafit!r}."
            )
        return prepare_datafit(X, y, sample_weight, self.fit_intercept, datafit)

    def _prepare_solver(self, X, y, sample_weight, prepared):
        inits = self._initial_coefs(X, y, sample_weight, prepared)
        warm = inits is not None and any(np.any(c) for c in inits)
        if isinstance(prepared, PreparedLeastSquares):
            step = _resolve_step_size(self.step_size, prepared.design, warm)
        else:
            step = _resolve_datafit_step(self.step_size, prepared, warm)
        self.step_size_ = step
        return inits

    def _initial_coefs(self, X, y, sample_weight, prepared):
        if self.init is None:
            return None
        if hasattr(self.init, "fit"):
            coef = self._fitted_init_coef(X, y, sample_weight)
        else:
            coef = np.asarray(self.init, dtype=np.float64)
        coef = check_init_coef(coef, X.shape[1], prepared.n_targets)
        return [prepared.to_normalized(coef[t], t) for t in range(prepared.n_targets)]

    def fit(self, X, y, sample_weight=None):
        """Fit the k-sparse linear model with SEA.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. Sparse input (CSR or CSC) is never densified.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values; each target gets its own support.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; a weight of 2 counts a sample twice. Passed
            to the ``fit`` of an unfitted ``init`` estimator when it accepts
            them (with metadata routing enabled: when it requests them).

        Returns
        -------
        self : object
            Fitted estimator.
        """
        # The init estimator must see the weights as the user gave them (None
        # included): metadata routing decides on what was passed, not on the
        # validated all-ones weights.
        with self._keep_user_weight(sample_weight):
            return super().fit(X, y, sample_weight=sample_weight)

    def _solve(self, problem, k, coef_init, loss_scale):
        printer = None
        if self.verbose:
            printer = IterationPrinter(
                type(self).__name__, self.max_iter, loss_scale, self.verbose
            )
        result = _sea_problem(
            problem,
            k,
            coef_init=coef_init,
            max_iter=self.max_iter,
            step_size=self.step_size_,
            tol=_resolve_tol(self.tol, problem, loss_scale),
            positive=self.positive,
            progress=printer,
            n_iter_no_change=self.n_iter_no_change,
        )
        if printer is not None:
            printer.done(result)
        return result

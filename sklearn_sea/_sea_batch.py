"""SEA on many independent problems of the same shape at once.

Experiments such as the phase transition run thousands of small SEA problems.
Solved one by one by the pure-Python loop, each iteration of each problem pays
Python's and numpy's per-call overhead, which dominates the arithmetic at
these sizes. The compiled SEA loop, where it is built, has no such overhead
and solves the problems one by one. Without it, one iteration here advances
every problem of the batch with a few array operations:
top-k selection row by row, a gather of the Gram rows of the supports that
changed, a stacked Cholesky check and solve, and one stacked product for the
new steps. The iterates are those of :func:`~sklearn_sea.sea` run per
problem (same supports, same stopping iteration; coefficients equal up to
rounding).
"""

# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_array
from sklearn.utils._param_validation import Interval, validate_params

from ._base import _named_errors
from ._core import (
    GRAM_MAX_BYTES,
    GramDesign,
    SupportLeastSquares,
    _accelerator,
    solve_normal_equations,
    top_k_rows,
)
from ._core._least_squares import _cholesky_solve
from ._core._tolerances import pivot_threshold
from ._sea import DEFAULT_MAX_ITER, _check_normal_equations, _sea

#: Running problems below which the batch hands over to the single kernel.
_HANDOFF = 2
#: Largest ``k * n_features`` solved by the vectorised iterations; above it
#: the arithmetic dominates and problems run one by one (measured crossover,
#: see ``benchmarks/README.md``).
_VECTORISED_MAX_WORK = 4096
#: Largest support size solved by numpy's stacked linear algebra.
_STACKED_MAX_K = 32


def _stacked_normal_equations(blocks, rhs):
    """``solve_normal_equations`` on a stack of ``(k, k)`` systems.

    The same rule as the single-problem solver: Cholesky when the pivots are
    well above round-off, the minimum-norm solution otherwise (problem by
    problem, for the few rank-deficient systems).
    """
    n_systems, k = rhs.shape
    if k > _STACKED_MAX_K:
        # Larger systems: LAPACK on each, as sea does (numpy's stacked
        # cholesky and solve cost twice as much per system from k ~ 40 on).
        coef = np.empty_like(rhs)
        owned = blocks.copy()
        for i in range(n_systems):
            solved = _cholesky_solve(owned[i], rhs[i], True)
            coef[i] = (
                solve_normal_equations(blocks[i], rhs[i]) if solved is None else solved
            )
        return coef
    diag_max = blocks.diagonal(axis1=1, axis2=2).max(axis=1)
    try:
        factors = np.linalg.cholesky(blocks)
        pivots = factors.diagonal(axis1=1, axis2=2).min(axis=1) ** 2
        regular = pivots > pivot_threshold(k, diag_max)
    except np.linalg.LinAlgError:
        # One singular system fails the whole stack: sort them out one by one.
        regular = np.zeros(n_systems, dtype=bool)
    regular &= diag_max > 0
    coef = np.empty_like(rhs)
    if regular.all():
        return np.linalg.solve(blocks, rhs[:, :, None])[:, :, 0]
    for i in np.flatnonzero(~regular):
        coef[i] = solve_normal_equations(blocks[i], rhs[i])
    if regular.any():
        coef[regular] = np.linalg.solve(blocks[regular], rhs[regular][:, :, None])[
            :, :, 0
        ]
    return coef


def _sea_each(X, y, k, max_iter, tol):
    """SEA (zero start) problem by problem with the single-problem kernel."""
    with np.errstate(over="ignore", invalid="ignore"):
        gram = X[0].T @ X[0]  # a chunk of one problem, or a shared design
        Aty = y @ X[0]
        y_sq = np.einsum("bm,bm->b", y, y)
    _check_normal_equations(gram, Aty, y_sq)
    coef = np.empty((y.shape[0], X.shape[2]))
    n_iter = np.empty(y.shape[0], dtype=np.intp)
    tol = np.broadcast_to(np.asarray(tol, dtype=np.float64), (y.shape[0],))
    for i in range(y.shape[0]):
        result = _sea(
            SupportLeastSquares(GramDesign(gram), Aty[i], y_sq[i]),
            k,
            max_iter=max_iter,
            step_size=1.0,
            tol=tol[i],
        )
        coef[i], n_iter[i] = result.coef, result.n_iter
    return coef, n_iter


def _sea_chunk(X, y, k, max_iter, tol):
    """Batched SEA (zero start) on a chunk whose Gram matrices fit in memory.

    The state of the problems still running is kept in compact arrays (rows
    in the order of ``origin``), so the per-iteration updates are plain array
    operations; gathers from the Gram matrices go through ``take`` on flat
    indices, much cheaper than numpy's general fancy indexing.
    """
    n_problems = y.shape[0]
    n_features = X.shape[2]
    # A design shared by the batch has one Gram matrix.
    shared = X.shape[0] == 1
    with np.errstate(over="ignore", invalid="ignore"):
        gram_rows = np.matmul(X.transpose(0, 2, 1), X).reshape(-1, n_features)
        Aty = np.einsum("bmn,bm->bn", np.broadcast_to(X, (n_problems, *X.shape[1:])), y)
        y_sq = np.einsum("bm,bm->b", y, y)
    _check_normal_equations(gram_rows, Aty, y_sq)
    tol = np.broadcast_to(np.asarray(tol, dtype=np.float64), (n_problems,))

    coef_out = np.zeros((n_problems, n_features))
    n_iter_out = np.full(n_problems, max_iter, dtype=np.intp)

    # Compact state of the running problems.
    origin = np.arange(n_problems)
    # With a zero start the supports do not depend on the step: sea uses 1.
    exploration = Aty.copy()
    move = np.zeros_like(exploration)
    support = np.full((n_problems, k), -1, dtype=np.intp)
    rss = np.zeros(n_problems)
    best_rss = np.full(n_problems, np.inf)
    best_support = np.zeros((n_problems, k), dtype=np.intp)
    best_coef = np.zeros((n_problems, k))

    # Offset of row i of problem c in the flattened (c, k, n) row gathers.
    row_start = (np.arange(n_problems * k) * n_features).reshape(n_problems, k, 1)

    def finish(rows):
        # Write the best iterate of the (compact) rows into the output.
        out = np.zeros((best_support[rows].shape[0], n_features))
        np.put_along_axis(out, best_support[rows], best_coef[rows], axis=1)
        coef_out[origin[rows]] = out

    for t in range(max_iter):
        if (
            origin.shape[0] <= _HANDOFF
            and t > 0
            # The kernel's warm start is the top-k of a vector with k nonzeros.
            and np.all(np.count_nonzero(exploration, axis=1) >= k)
        ):
            # A few problems left: the single-problem kernel (with its caches
            # and steady-support skips) is cheaper than a batch iteration.
            finish(slice(None))
            for i, problem in enumerate(origin):
                start = problem * n_features
                gram = gram_rows if shared else gram_rows[start : start + n_features]
                result = _sea(
                    SupportLeastSquares(GramDesign(gram), Aty[i], y_sq[problem]),
                    k,
                    max_iter=max_iter - t,
                    step_size=1.0,
                    coef_init=exploration[i],
                    tol=tol[problem],
                )
                n_iter_out[problem] = t + result.n_iter
                if 2 * result.loss_curve[result.best_iter] < best_rss[i]:
                    coef_out[problem] = result.coef
            return coef_out, n_iter_out
        new_support = top_k_rows(exploration, k)
        changed = np.any(new_support != support, axis=1)
        # A problem whose support did not change keeps its refit, its
        # residual and its step: only the changed ones are solved.
        idx = np.flatnonzero(changed)
        n_changed = idx.shape[0]
        if n_changed:
            # Every problem moving (the common case) needs no fancy indexing.
            every = n_changed == origin.shape[0]
            at = slice(None) if every else idx
            S = new_support if every else new_support[idx]
            support[at] = S
            # Row of G (in the stacked Gram rows) of every support index.
            gram_row = S if shared else origin[at, None] * n_features + S
            rows = gram_rows.take(gram_row, axis=0)  # (c, k, n)
            # The k x k blocks from the rows just gathered (in cache).
            block_index = row_start[:n_changed] + S[:, None, :]
            blocks = rows.reshape(-1).take(block_index)
            rhs = Aty.reshape(-1).take(idx[:, None] * n_features + S)
            coef = _stacked_normal_equations(blocks, rhs)
            rss[at] = np.maximum(y_sq[origin[at]] - np.einsum("ck,ck->c", rhs, coef), 0)
            step = np.matmul(coef[:, None, :], rows)[:, 0]
            step -= Aty if every else Aty[idx]
            move[at] = step
            better = rss[at] < best_rss[at]
            improved = idx[better]
            best_rss[improved] = rss[improved]
            best_support[improved] = S[better]
            best_coef[improved] = coef[better]
        done = (tol[origin] > 0) & (rss <= tol[origin])
        if done.any():
            finish(done)
            n_iter_out[origin[done]] = t + 1
            keep = ~done
            origin = origin[keep]
            if not origin.shape[0]:
                return coef_out, n_iter_out
            exploration, move, support, rss = (
                exploration[keep],
                move[keep],
                support[keep],
                rss[keep],
            )
            best_rss, best_support, best_coef = (
                best_rss[keep],
                best_support[keep],
                best_coef[keep],
            )
            Aty = Aty[keep]
        exploration -= move

    finish(slice(None))
    return coef_out, n_iter_out


@validate_params(
    {
        "X": ["array-like"],
        "y": ["array-like"],
        "n_nonzero_coefs": [Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left"), "array-like"],
        "return_n_iter": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def sea_batch(
    X,
    y,
    *,
    n_nonzero_coefs,
    max_iter=DEFAULT_MAX_ITER,
    tol=0.0,
    return_n_iter=False,
):
    """SEA on a batch of independent problems ``y_b ~ X_b x_b``, all at once.

    Gives the result of :func:`sea` (zero start, ``step_size="auto"``) on
    every problem of the batch, with the per-iteration Python overhead paid
    once per batch instead of once per problem. Meant for experiments that
    solve many small dense problems of one shape (phase transitions,
    Monte-Carlo runs); the Gram matrices of the batch are formed, by chunks
    of at most ``GRAM_MAX_BYTES`` (256 MiB). When two problems or fewer are
    still running, they are finished by the single-problem kernel.

    Where the compiled SEA loop is built (see ``sklearn_sea._core._accelerator``)
    it has no per-iteration Python overhead to share, and every problem runs
    through it one by one: that was measured faster than the vectorised
    iterations at every size (``benchmarks/README.md``). Without it,
    batching pays when the per-call overhead dominates, i.e. for small
    problems (1.4x the throughput of :func:`sea` in a loop at
    ``n_features=100``); problems with ``k * n_features`` above 4096 are
    arithmetic-bound and run one by one with the single-problem kernel.

    Parameters
    ----------
    X : array-like of shape (n_problems, n_samples, n_features)
        One dense design per problem; a 2-D ``(n_samples, n_features)``
        design is shared by all problems.
    y : array-like of shape (n_problems, n_samples)
        One observation vector per problem.
    n_nonzero_coefs : int
        Support size k (clipped to ``n_features``).
    max_iter : int, default=1000
        Maximum number of SEA iterations per problem.
    tol : float or array-like of shape (n_problems,), default=0.0
        A problem stops when its squared residual norm is at most its
        ``tol``; 0 never stops early (as in :func:`sea`).
    return_n_iter : bool, default=False
        Also return the number of iterations of each problem.

    Returns
    -------
    coef : ndarray of shape (n_problems, n_features)
        The k-sparse coefficients with the smallest residual seen, per
        problem.
    n_iter : ndarray of shape (n_problems,)
        Returned when ``return_n_iter`` is True.

    See Also
    --------
    sea : The same algorithm on one problem (sparse designs and linear
        operators included).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea import sea, sea_batch
    >>> from sklearn_sea.datasets import make_compressed_sensing
    >>> problems = [make_compressed_sensing(50, 100, 5, random_state=seed)
    ...             for seed in range(4)]
    >>> X = np.stack([p[0] for p in problems])
    >>> y = np.stack([p[1] for p in problems])
    >>> coef = sea_batch(X, y, n_nonzero_coefs=5, max_iter=100)
    >>> coef.shape
    (4, 100)
    >>> bool(np.allclose(coef[2], sea(X[2], y[2], n_nonzero_coefs=5, max_iter=100)))
    True
    """
    X = np.asarray(X)
    if X.ndim == 2:
        X = X[None]
    if X.ndim != 3:
        raise ValueError(
            "X must have shape (n_problems, n_samples, n_features) or "
            f"(n_samples, n_features); got {X.shape}."
        )
    if X.shape[2] == 0:
        raise ValueError(f"X has 0 features (shape {X.shape}); at least 1 is needed.")
    X = _named_errors(
        "X",
        lambda: check_array(
            X.reshape(-1, X.shape[2]), dtype=np.float64, input_name="X"
        ).reshape(X.shape),
    )
    y = _named_errors(
        "y",
        lambda: check_array(y, ensure_2d=True, dtype=np.float64, input_name="y"),
    )
    n_problems = y.shape[0]
    if X.shape[0] not in (1, n_problems) or X.shape[1] != y.shape[1]:
        raise ValueError(
            f"X has shape {X.shape} and y {y.shape}: expected X of shape "
            "(n_problems, n_samples, n_features) or (n_samples, n_features) "
            "and y of shape (n_problems, n_samples)."
        )
    if np.ndim(tol):
        tol = np.asarray(tol, dtype=np.float64)
        if tol.shape != (n_problems,) or not np.all(tol >= 0):
            raise ValueError(
                f"tol must be a non-negative float or an array of shape "
                f"({n_problems},); got shape {tol.shape}."
            )
    n_features = X.shape[2]
    k = min(n_nonzero_coefs, n_features)

    if _accelerator.USE_COMPILED or k * n_features > _VECTORISED_MAX_WORK:
        # Large problems: the arithmetic dominates the per-call overhead, and
        # one problem at a time keeps its Gram matrix in cache. The compiled
        # loop has no per-call overhead to share at any size.
        chunk, solve_chunk = n_problems if X.shape[0] == 1 else 1, _sea_each
    else:
        chunk, solve_chunk = max(GRAM_MAX_BYTES // (8 * n_features**2), 1), _sea_chunk
    coefs, n_iters = [], []
    for start in range(0, n_problems, chunk):
        part = slice(start, start + chunk)
        coef, n_iter = solve_chunk(
            X if X.shape[0] == 1 else X[part],
            y[part],
            k,
            max_iter,
            tol[part] if np.ndim(tol) else tol,
        )
        coefs.append(coef)
        n_iters.append(n_iter)
    coef, n_iter = np.concatenate(coefs), np.concatenate(n_iters)
    return (coef, n_iter) if return_n_iter else coef

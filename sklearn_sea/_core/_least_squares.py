"""The least-squares datafit ``F(x) = 1/2 ||A x - y||^2`` restricted to supports."""

# SPDX-License-Identifier: BSD-3-Clause

from collections import OrderedDict

import numpy as np
from scipy.linalg import lstsq
from scipy.linalg.lapack import get_lapack_funcs

from . import _accelerator
from ._tolerances import pivot_threshold

#: Bytes of the two blocks and the factor that operator mode's compiled solve
#: keeps between iterations (``3 k^2`` doubles, see
#: :meth:`SupportLeastSquares._solve_on_rows`); past it (k above about 1,600)
#: each block is gathered and factored anew, as without the compiled solve.
REUSED_BLOCKS_BYTES = 64 * 2**20

#: Bytes of per-support solutions a :class:`SupportLeastSquares` keeps for
#: revisits (least recently used first out). Each entry is counted as its
#: key and coefficients (``16 k`` bytes) plus 256 bytes of Python objects.
SOLUTION_CACHE_BYTES = 8 * 2**20

# LAPACK called directly: scipy's cho_factor/cho_solve wrappers validate and
# copy their inputs, which costs more than the factorisation of the small
# k x k systems SEA solves hundreds of times per fit.
_POTRF, _POTRS = get_lapack_funcs(("potrf", "potrs"), dtype=np.float64)
# The ufunc reductions themselves: ndarray.max/min add a Python-level wrapper.
_MAX, _MIN = np.maximum.reduce, np.minimum.reduce


def _cholesky_solve(gram_block, rhs64, overwrite):
    """Cholesky solution of ``G_SS x = b_S``, or None if ``G_SS`` is singular.

    With ``overwrite``, a C-contiguous ``gram_block`` (symmetric, so its
    transpose is itself, in Fortran order) is factored in place: no copy.
    """
    k = rhs64.shape[0]
    diag_max = _MAX(gram_block.diagonal())
    if not diag_max > 0:
        return None
    if overwrite and gram_block.flags.c_contiguous:
        factor, info = _POTRF(gram_block.T, lower=0, clean=0, overwrite_a=1)
    else:
        factor, info = _POTRF(gram_block, lower=0, clean=0)
    # A pivot at round-off level means a (numerically) dependent column.
    if info != 0 or not _MIN(factor.diagonal()) ** 2 > pivot_threshold(k, diag_max):
        return None
    coef, info = _POTRS(factor, rhs64, lower=0)
    return coef if info == 0 else None


def _gather_block(store, positions, support):
    """``store[positions][:, support]`` as a fresh C-contiguous array.

    Through flat indices when ``store`` is contiguous: numpy's
    two-dimensional fancy indexing costs several times more.
    """
    if store.flags.c_contiguous:
        flat = positions[:, None] * store.shape[1] + support
        return store.reshape(-1).take(flat)
    return store[positions[:, None], support]


def solve_normal_equations(gram_block, rhs):
    """Least-squares coefficients from the normal equations ``G_SS x = b_S``.

    Cholesky when ``G_SS`` is well conditioned; otherwise the minimum-norm
    solution, so that duplicated or collinear columns give finite
    coefficients instead of huge ones.
    """
    k = rhs.shape[0]
    if k == 0:
        return np.zeros(0, dtype=rhs.dtype)
    gram_block = np.asarray(gram_block, dtype=np.float64)
    rhs64 = np.asarray(rhs, dtype=np.float64)
    coef = _cholesky_solve(gram_block, rhs64, overwrite=False)
    if coef is not None:
        return coef.astype(rhs.dtype, copy=False)
    # Singular values under the pivot threshold above are dependent directions:
    # cutting them there (not at eps) keeps the minimum-norm solution stable
    # under rounding, e.g. for CoSaMP's 3k-column merges on few samples.
    coef = lstsq(
        gram_block,
        rhs64,
        cond=pivot_threshold(k, 1.0),
        check_finite=False,
        lapack_driver="gelsd",
    )[0]
    return coef.astype(rhs.dtype, copy=False)


class SupportLeastSquares:
    """Least squares of one target ``y`` on a design, solved support by support.

    The solution on each visited support is cached: SEA and the local-search
    baselines revisit supports, and a cache hit costs one dictionary lookup
    instead of a ``k x k`` factorisation. The cache holds at most
    :data:`SOLUTION_CACHE_BYTES`, evicting the least recently used support
    (a later revisit solves it again, with the same result); the count of
    distinct supports stays exact (:func:`~sklearn_sea._core._accelerator.support_counter`).

    Parameters
    ----------
    design : GramDesign or OperatorDesign
        How ``A`` is applied (see :mod:`sklearn_sea._core._design`).
    Aty : ndarray of shape (n_features,)
        ``A^T y``.
    y_sq_norm : float
        ``||y||^2``.
    """

    def __init__(self, design, Aty, y_sq_norm):
        self.design = design
        self.Aty = Aty
        self.y_sq_norm = float(y_sq_norm)
        self.n_features = Aty.shape[0]
        self._cache = OrderedDict()
        self._cache_limit = None
        self._supports = _accelerator.support_counter()
        # Operator mode's last support, its block, and the buffers of the
        # compiled solve (see _solve_on_rows).
        self._previous_block = None

    @property
    def null_deviance(self):
        """``||y||^2``: the loss of the zero model, doubled, as for any datafit."""
        return self.y_sq_norm

    def intercept(self, support):
        """0: the data are centred, the intercept is the target's offset."""
        return 0.0

    @property
    def n_solved(self):
        """Number of distinct supports solved so far."""
        return self._supports.count

    def _lookup(self, key):
        """The cached solution on the support of ``key``, or None."""
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
        return hit

    def _remember(self, key, solution):
        """Cache ``solution``, evicting the least recently used past the budget."""
        if self._cache_limit is None:
            k = len(key) // 8
            self._cache_limit = max(SOLUTION_CACHE_BYTES // (16 * k + 256), 1)
        self._supports.add(key)
        cache = self._cache
        cache[key] = solution
        if len(cache) > self._cache_limit:
            cache.popitem(last=False)
        return solution

    def solve(self, support):
        """Least-squares coefficients on ``support`` and ``||A x - y||^2``."""
        key = support.tobytes()  # support_key, inlined on this hot path
        hit = self._lookup(key)
        if hit is not None:
            return hit
        rhs = self.Aty.take(support)
        block = self.design.gram_block(support)
        coef_support = None
        if (
            block.dtype == np.float64
            and block.base is None
            and rhs.shape[0]
            and block.flags.c_contiguous
        ):
            # A fresh block: factor it in place, the common case of SEA.
            coef_support = _cholesky_solve(block, rhs, overwrite=True)
            if coef_support is None:
                block = self.design.gram_block(support)
        if coef_support is None:
            coef_support = solve_normal_equations(block, rhs)
        else:
            coef_support = coef_support.astype(rhs.dtype, copy=False)
        # At the least-squares solution, ||A x - y||^2 = ||y||^2 - b_S . x_S.
        rss = max(self.y_sq_norm - float(rhs @ coef_support), 0.0)
        return self._remember(key, (coef_support, rss))

    def refit_gradient(self, support):
        """:meth:`solve` and :meth:`gradient` at the solution, in one call.

        Returns
        -------
        coef_support : ndarray of shape (len(support),)
        rss : float
        gradient : ndarray of shape (n_features,)
            ``A^T (A x - y)`` at the least-squares solution (a new array).
        """
        gram = getattr(self.design, "gram", None)
        if gram is not None and gram.dtype == np.float64:
            store, positions = gram, support
        else:
            # Operator mode keeps the Gram rows of visited indices (dense
            # designs): the same computation without products by A.
            positions_of = getattr(self.design, "gram_row_positions", None)
            found = None if positions_of is None else positions_of(support)
            if found is None:
                coef_support, rss = self.solve(support)
                return coef_support, rss, self.gradient(support, coef_support)
            store, positions = found
        # SEA's hot path: the k rows of G serve both the block and the
        # gradient, read where they are kept; the fresh block is factored in
        # place.
        key = support.tobytes()
        hit = self._lookup(key)
        if hit is None:
            rhs = self.Aty.take(support)
            coef_support = self._solve_on_rows(store, positions, support, rhs)
            if coef_support is None:
                block = _gather_block(store, positions, support)
                coef_support = solve_normal_equations(block, rhs)
            rss = max(self.y_sq_norm - float(rhs @ coef_support), 0.0)
            hit = self._remember(key, (coef_support, rss))
        compiled = _accelerator.compiled_rows_gradient()
        if (
            compiled is not None
            and store.flags.c_contiguous
            and self.Aty.flags.c_contiguous
            and self.Aty.dtype == hit[0].dtype == np.float64
            and positions.dtype == np.intp
        ):
            gradient = compiled(store, positions, hit[0], self.Aty)
        else:
            gradient = hit[0] @ store.take(positions, axis=0)
            gradient -= self.Aty
        return hit[0], hit[1], gradient

    def _solve_on_rows(self, store, positions, support, rhs):
        """Cholesky solve on the block of the rows kept, or None if singular.

        The compiled solve copies the entries the previous support shares
        from the previous block (same values, in cache) instead of reading
        all ``k^2`` from rows spread over memory (operator mode keeps up to
        ``GRAM_ROWS_BYTES`` of them).
        """
        compiled = _accelerator.compiled_rows_solve()
        k = support.shape[0]
        if (
            compiled is None
            or not store.flags.c_contiguous
            or store.dtype != np.float64
            or self.Aty.dtype != np.float64
            or not self.Aty.flags.c_contiguous
            or positions.dtype != np.intp
            or support.dtype != np.intp
            or 8 * (2 * k * k + _accelerator.factor_doubles(k)) > REUSED_BLOCKS_BYTES
        ):
            return _cholesky_solve(_gather_block(store, positions, support), rhs, True)
        if self._previous_block is None or self._previous_block[0].shape[0] != k:
            self._previous_block = (
                np.full(k, -1, dtype=np.intp),
                np.empty(k * k),
                np.empty(k * k),
                np.empty(_accelerator.factor_doubles(k)),
            )
        previous_support, previous, block, work = self._previous_block
        coef = compiled(
            store, positions, support, self.Aty, previous_support, previous, block, work
        )
        # The block just formed is the next call's previous one.
        previous_support[:] = support
        self._previous_block = (previous_support, block, previous, work)
        return coef

    def gradient(self, support, coef_support):
        """``A^T (A x - y)`` for ``x`` supported on ``support``."""
        return self.design.gram_dot(support, coef_support) - self.Aty

    def rss(self, support, coef_support):
        """``||A x - y||^2`` for any ``x`` supported on ``support``."""
        gram_block = self.design.gram_block(support)
        quad = float(coef_support @ gram_block @ coef_support)
        lin = float(self.Aty[support] @ coef_support)
        return max(self.y_sq_norm - 2.0 * lin + quad, 0.0)

"""Binary two-layer Heaviside network trained with the straight-through estimator.

A sample is ``p`` patches of ``n`` inputs, ``Z`` of shape ``(p, n)``, given to
scikit-learn as a flat row of ``p * n`` features (patch ``j`` is the features
``j * n`` to ``(j + 1) * n``). The network is

    f(Z; w) = sum_j v_j H(Z_j . w),    H(t) = 1{t > 0},

with the first-layer weights ``w`` in ``Q1 = {+1/sqrt(n), -1/sqrt(n)}^n``
(trained) and the second layer ``v`` fixed. Training keeps a continuous
*latent* vector ``u``, takes the gradient at the projected binary point with
the Heaviside derivative replaced by a surrogate (straight-through estimator)
and projects back:

    u_{t+1} = u_t - eta_t g(w_t),    w_{t+1} = sign(u_{t+1}) / sqrt(n).

This is the same shape as SEA (latent vector, projection onto a discrete set,
gradient at the projected point) with ``sign / sqrt(n)`` in place of top-k.

Reference: H. Jeong, J. Xin, P. Yin, "Beyond Discreteness: Finite-Sample
Analysis of Straight-Through Estimator for Quantization". The full text could
not be read; every setting below marked *reconstructed* is this package's
choice and is a parameter.
"""

# SPDX-License-Identifier: BSD-3-Clause

import warnings
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.utils import check_array, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from ._base import _named_errors
from ._validation import check_2d
from .metrics import _check_vector

SURROGATES = ("relu", "identity", "clipped_relu")

# ---------------------------------------------------------------------------
# Numerical kernels: pure functions on arrays.
# ---------------------------------------------------------------------------


def _as_patches(X, n_patches):
    """View ``X`` of shape (N, p * n) as the (N * p, n) matrix of all patches.

    Row-major, so row ``i * p + j`` is patch ``j`` of sample ``i``; no copy for
    a C-contiguous ``X``.
    """
    n_samples, n_features = X.shape
    return X.reshape(n_samples * n_patches, n_features // n_patches)


def _forward(patches, w, second_layer):
    """Pre-activations of every patch and network outputs.

    Returns ``pre`` of shape (N * p,) and ``f`` of shape (N,).
    """
    pre = patches @ w
    active = (pre > 0).reshape(-1, second_layer.shape[0])
    return pre, active @ second_layer


def _surrogate_derivative(pre, surrogate, clip_level):
    """Derivative that replaces ``H' = 0`` in the backward pass.

    ``relu``: ``1{t > 0}`` (the paper's choice); ``identity``: 1;
    ``clipped_relu``: derivative of ``min(max(t, 0), clip_level)``, i.e.
    ``1{0 < t < clip_level}``.
    """
    if surrogate == "relu":
        return (pre > 0).astype(pre.dtype)
    if surrogate == "identity":
        return np.ones_like(pre)
    if surrogate == "clipped_relu":
        return ((pre > 0) & (pre < clip_level)).astype(pre.dtype)
    raise ValueError(f"surrogate must be one of {SURROGATES}; got {surrogate!r}.")


def _ste_gradient(patches, pre, weighted_residual, second_layer, surrogate, clip_level):
    """STE gradient ``sum_i omega_i Z_i^T (mu'(Z_i w) * v) (f_i - y_i)``.

    ``weighted_residual`` is ``omega * (f - y)`` with ``omega`` the normalised
    sample weights (``1/N`` each without weights). One product with the
    (N * p, n) patch matrix.
    """
    slope = _surrogate_derivative(pre, surrogate, clip_level).reshape(
        -1, second_layer.shape[0]
    )
    per_patch = slope * second_layer * weighted_residual[:, None]
    return patches.T @ per_patch.ravel()


def _project(u):
    """Projection onto ``Q1``: ``sign(u) / sqrt(n)``, with ``sign(0) = +1``.

    The tie rule is a deterministic reconstructed choice: a latent entry at
    exactly zero maps to the positive weight.
    """
    return np.where(u >= 0, 1.0, -1.0) / np.sqrt(u.shape[0])


def _step_size(t, learning_rate, eta0, power_t):
    """``eta_t`` for iteration ``t = 0, 1, ...``: constant or ``eta0/(t+1)^alpha``."""
    if learning_rate == "constant":
        return eta0
    return eta0 / (t + 1.0) ** power_t


# Beyond these magnitudes of the targets or of the second layer, squared
# residuals could overflow (or underflow) float64: the loss is then computed
# on residuals divided by a power of two, which is exact and keeps its order.
_LOSS_SCALE_RANGE = (2.0**-256, 2.0**256)


def _residual_scale(y, second_layer):
    """Power of two dividing the residuals in the loss; 1.0 for ordinary data.

    ``|f - y| <= max|y| + p max|v|``, so with ``M = max(max|y|, max|v|)`` and
    a scale of at least ``M`` the scaled residuals are at most ``1 + p`` and
    their squares neither overflow nor underflow.
    """
    magnitude = max(
        float(np.max(np.abs(y), initial=0.0)),
        float(np.max(np.abs(second_layer), initial=0.0)),
    )
    low, high = _LOSS_SCALE_RANGE
    if magnitude == 0.0 or low <= magnitude <= high:
        return 1.0
    return float(2.0 ** np.frexp(magnitude)[1])


def _output_range(second_layer):
    """Smallest and largest output ``sum_j v_j 1{.}`` the network can take."""
    return (
        float(second_layer[second_layer < 0].sum()),
        float(second_layer[second_layer > 0].sum()),
    )


# A fit warns when more than this share of the targets lies farther outside
# the range of the network's outputs than half the range's width: label noise
# of the usual sizes never puts that many samples so far out, while targets
# made by a network of several patches and fitted with ``n_patches=1`` do
# (with four patches and v = 1, 11/16 of them are 2 or more, against
# outputs in {0, 1}).
_OUT_OF_REACH_SHARE = 0.25


def _share_out_of_reach(y, second_layer):
    """Share of the targets farther than half its width outside the output range."""
    low, high = _output_range(second_layer)
    margin = 0.5 * (high - low)
    return float(np.mean((y < low - margin) | (y > high + margin)))


def _pack_signs(w):
    """One bit per weight: 1 for ``+1/sqrt(n)``, 0 for ``-1/sqrt(n)``."""
    return np.packbits(w > 0)


def _unpack_signs(packed_path, n_weights):
    """(T, ceil(n/8)) packed path to the (T, n) int8 matrix of signs +-1."""
    bits = np.unpackbits(packed_path, axis=1, count=n_weights)
    return (2 * bits.astype(np.int8) - 1).astype(np.int8, copy=False)


def _hamming_path(packed_path, coef_true):
    """Number of weights whose sign differs from ``coef_true`` at each iterate.

    Computed on packed bits (XOR, then a bit count), so a long path is never
    expanded to one byte per weight.
    """
    n_weights = coef_true.shape[0]
    target = np.packbits(coef_true > 0)
    differ = np.bitwise_xor(packed_path, target[None, :])
    # Padding bits of the last byte are zero in both operands.
    return np.unpackbits(differ, axis=1, count=n_weights).sum(axis=1, dtype=np.intp)


def _recurrence_stats(hamming):
    """Visits to the teacher along a Hamming-distance path.

    A *visit* is a maximal run of consecutive iterates at distance 0. An
    *escape* leaves the teacher (0 then > 0); a *return* re-enters it after an
    escape, so the first arrival is not a return.

    Returns
    -------
    stats : dict
        ``n_iterates``, ``share_at_teacher`` (fraction of the recorded
        iterates, the initial one included, at distance 0), ``first_hit``
        (index of the first iterate at the teacher, -1 if none),
        ``n_visits``, ``n_escapes``, ``n_returns``, ``mean_hamming`` and
        ``max_hamming_after_hit`` (largest excursion once the teacher was
        reached; -1 if never reached).
    """
    hamming = np.asarray(hamming)
    at = hamming == 0
    entries = np.count_nonzero(~at[:-1] & at[1:]) + int(at[0])
    escapes = np.count_nonzero(at[:-1] & ~at[1:])
    hits = np.flatnonzero(at)
    first_hit = int(hits[0]) if hits.size else -1
    return {
        "n_iterates": int(hamming.shape[0]),
        "share_at_teacher": float(at.mean()),
        "first_hit": first_hit,
        "n_visits": int(entries),
        "n_escapes": int(escapes),
        "n_returns": int(max(entries - 1, 0)),
        "mean_hamming": float(hamming.mean()),
        "max_hamming_after_hit": int(hamming[first_hit:].max()) if hits.size else -1,
    }


@dataclass
class BinarySTEResult:
    """Output of :func:`_train_binary_ste`.

    Attributes
    ----------
    coef : ndarray of shape (n,)
        Binary iterate with the smallest training loss (earliest on ties).
    latent : ndarray of shape (n,)
        Latent vector after the last update.
    n_iter : int
        Number of updates performed.
    best_iter : int
        Index of ``coef`` in the path.
    loss_curve : ndarray of shape (n_iter + 1,)
        Training loss at ``w_0, ..., w_{n_iter}``, computed on the residuals
        divided by ``residual_scale``.
    residual_scale : float
        See :func:`_residual_scale`; the loss is ``loss_curve *
        residual_scale**2``.
    packed_path : ndarray of shape (n_iter + 1, ceil(n / 8)), dtype uint8
        The binary iterates, one bit per weight (see :func:`_pack_signs`).
    converged : bool
        True when the STE gradient vanished (a fixed point) before
        ``max_iter``.
    """

    coef: np.ndarray
    latent: np.ndarray
    n_iter: int
    best_iter: int
    loss_curve: np.ndarray
    packed_path: np.ndarray
    converged: bool
    residual_scale: float = 1.0


def _train_binary_ste(
    patches,
    y,
    sample_weight,
    second_layer,
    latent_init,
    *,
    surrogate="relu",
    clip_level=1.0,
    learning_rate="invscaling",
    eta0=1.0,
    power_t=0.5,
    max_iter=1000,
):
    """Full-batch STE with projection onto ``Q1``.

    Parameters
    ----------
    patches : ndarray of shape (N * p, n)
        All patches, sample-major (see :func:`_as_patches`).
    y : ndarray of shape (N,)
        Targets.
    sample_weight : ndarray of shape (N,)
        Non-negative weights with a positive sum; the loss is
        ``1/2 sum_i omega_i (f_i - y_i)^2`` with ``omega = s / sum(s)`` for
        weights ``s``, so unit weights give ``1/(2N) sum (f - y)^2``.
    second_layer : ndarray of shape (p,)
        Fixed second-layer weights ``v``.
    latent_init : ndarray of shape (n,)
        ``u_0``; the first binary iterate is its projection.

    Returns
    -------
    BinarySTEResult

    Notes
    -----
    The loop stops early only at an exact fixed point: when the STE gradient
    is exactly zero, ``u`` and hence every later iterate stay put. Noiseless
    teacher data reach it at the teacher (zero residual); with label noise
    the gradient never vanishes and all ``max_iter`` updates run.

    The loss and the gradient are computed on residuals divided by a power
    of two ``s`` (:func:`_residual_scale`, 1 unless ``|y|`` or ``|v|``
    exceed ``2**256`` or are below ``2**-256``) and the step is multiplied
    by ``s``. Scaling by a power of two is exact, so the iterates are those
    of the unscaled recursion, while the squared residuals (and the products
    ``v * omega * (f - y)``) can neither overflow nor underflow: the loss
    stays finite and the best iterate is the true one at any scale.
    """
    omega = sample_weight / sample_weight.sum()
    scale = _residual_scale(y, second_layer)
    u = np.array(latent_init, dtype=np.float64)
    w = _project(u)
    loss_curve = np.empty(max_iter + 1)
    packed_path = np.empty((max_iter + 1, (u.shape[0] + 7) // 8), dtype=np.uint8)
    converged = False
    t = 0
    for t in range(max_iter + 1):
        pre, f = _forward(patches, w, second_layer)
        residual = f - y
        scaled = residual / scale if scale != 1.0 else residual
        loss_curve[t] = 0.5 * (omega @ scaled**2)
        packed_path[t] = _pack_signs(w)
        if t == max_iter:
            break
        grad = _ste_gradient(
            patches, pre, omega * scaled, second_layer, surrogate, clip_level
        )
        if not grad.any():
            converged = True
            break
        # (eta_t * s) * (g / s) is exactly eta_t * g for a power of two s.
        u -= (_step_size(t, learning_rate, eta0, power_t) * scale) * grad
        w = _project(u)
    n_iter = t
    loss_curve = loss_curve[: n_iter + 1]
    best_iter = int(np.argmin(loss_curve))
    signs = _unpack_signs(packed_path[best_iter : best_iter + 1], u.shape[0])[0]
    return BinarySTEResult(
        coef=signs / np.sqrt(u.shape[0]),
        latent=u,
        n_iter=n_iter,
        best_iter=best_iter,
        loss_curve=loss_curve,
        packed_path=packed_path[: n_iter + 1].copy(),
        converged=converged,
        residual_scale=scale,
    )


def _check_teacher(coef_true, n_weights):
    coef_true = _check_vector(coef_true, "coef_true", ensure_1d=False)
    if coef_true.shape != (n_weights,):
        raise ValueError(
            f"coef_true must have shape ({n_weights},) (one weight per patch "
            f"input); got {coef_true.shape}."
        )
    if not np.all(coef_true):
        raise ValueError(
            "coef_true must have no zero entry: only the signs of a Q1 teacher "
            "are compared."
        )
    return coef_true


# ---------------------------------------------------------------------------
# Estimator.
# ---------------------------------------------------------------------------


class BinaryHeavisideRegressor(RegressorMixin, BaseEstimator):
    """Two-layer Heaviside network with binary weights, trained by STE.

    Each sample is ``n_patches`` patches of ``n = n_features / n_patches``
    inputs (row-major: patch ``j`` is features ``j*n:(j+1)*n``). The model
    is ``f(Z; w) = sum_j v_j 1{Z_j . w > 0}`` with first-layer weights ``w``
    in ``{+1/sqrt(n), -1/sqrt(n)}^n`` shared by the patches and a fixed
    second layer ``v``. Training minimises ``1/(2N) sum_i (f(Z_i; w) -
    y_i)^2`` by full-batch straight-through estimation: a latent vector
    ``u`` moves along the gradient taken at the binary point ``w`` with the
    Heaviside derivative replaced by a surrogate, and ``w = sign(u) /
    sqrt(n)``.

    Read more in the :ref:`User Guide <binary_network>`.

    Parameters
    ----------
    n_patches : int, default=1
        Number of patches ``p`` per sample; ``n_features`` must be a
        multiple of it. ``p = 1`` is a single binary neuron, the default of
        :func:`~sklearn_sea.datasets.make_binary_teacher` as well. The layout
        of ``X`` cannot be read from the data, but a wrong ``n_patches``
        often shows in ``y``: a fit warns when more than a quarter of the
        targets lie outside the range of the network's outputs (from the
        sum of the negative entries of ``second_layer`` to the sum of the
        positive ones) by more than half its width, as the labels of a
        four-patch network do for ``n_patches=1``.
    second_layer : array-like of shape (n_patches,), default=None
        Fixed second-layer weights ``v``; None means all ones.
    surrogate : {"relu", "identity", "clipped_relu"}, default="relu"
        Derivative used in place of ``H'`` in the backward pass: ``1{t > 0}``
        (ReLU, as in the paper), 1 (identity) or ``1{0 < t < clip_level}``
        (clipped ReLU).
    clip_level : float, default=1.0
        Clip level of the clipped ReLU, in units of the pre-activation
        ``Z_j . w``. Because ``||w|| = 1``, a standard Gaussian patch gives a
        standard normal pre-activation, so 1.0 (reconstructed) keeps the
        samples within one standard deviation above zero. Ignored by the
        other surrogates.
    learning_rate : {"invscaling", "constant"}, default="invscaling"
        Step schedule: ``eta_t = eta0 / (t + 1) ** power_t`` or
        ``eta_t = eta0``. Both are bounded and non-summable, as the paper's
        analysis requires.
    eta0 : float, default=1.0
        Initial (or constant) step size (reconstructed). The latent vector
        starts at a point of ``Q1`` whose entries are ``+-1/sqrt(n)``, and
        with standard Gaussian inputs, the ReLU surrogate and ``v = 1`` the
        population STE gradient is ``p (w - w*) / (2 sqrt(2 pi))``, so with
        ``eta0 = 1`` a wrong sign is corrected within a few steps.
    power_t : float, default=0.5
        Exponent ``alpha`` in ``(0, 1]`` of the ``"invscaling"`` schedule
        (reconstructed default; 0 is the constant schedule). Ignored when
        ``learning_rate="constant"``.
    max_iter : int, default=1000
        Maximum number of updates (reconstructed default). Training stops
        earlier only at an exact fixed point (zero STE gradient), e.g. at the
        teacher for noiseless labels; with noisy labels all ``max_iter``
        updates run, which is the expected behaviour (recurrence) rather than
        a failure, so no convergence warning is issued. Near the sample-size
        threshold the iterates can circle at Hamming distance 1 from the
        teacher for thousands of updates before landing on it, so the
        budget shifts the measured recovery threshold.
    init : array-like of shape (n,), default=None
        Initial latent vector ``u_0``; the first iterate is its projection,
        so a point of ``Q1`` starts there. None draws ``w_0`` uniformly in
        ``Q1`` from ``random_state`` and sets ``u_0 = w_0``.
    random_state : int, RandomState instance or None, default=None
        Seed of the random initial point when ``init=None``.

    Attributes
    ----------
    coef_ : ndarray of shape (n,)
        Binary first-layer weights (entries ``+-1/sqrt(n)``): the iterate
        with the smallest weighted training loss, the earliest on ties (so
        the teacher, once reached on noiseless data, is the answer).
    latent_coef_ : ndarray of shape (n,)
        Latent vector ``u`` after the last update.
    second_layer_ : ndarray of shape (n_patches,)
        Second-layer weights used.
    n_iter_ : int
        Number of updates performed.
    best_iter_ : int
        Index in ``coef_path_`` and ``loss_curve_`` of ``coef_``.
    loss_curve_ : ndarray of shape (`n_iter_` + 1,)
        Training loss ``1/(2N) sum ((f - y) / residual_scale_)^2``
        (weighted) at each binary iterate ``w_0, ..., w_{n_iter_}``: the loss
        itself for ordinary data (``residual_scale_ = 1``).
    residual_scale_ : float
        Unit of the residuals in ``loss_curve_``: 1.0 unless ``|y|`` or
        ``|second_layer|`` exceed ``2**256`` (about ``1e77``) or are below
        ``2**-256``, where the squared residuals could overflow or underflow;
        then a power of two of the order of the largest of them, so that
        ``loss_curve_`` stays finite and its minimum (``best_iter_``) is the
        true one. The loss is ``loss_curve_ * residual_scale_**2``.
    coef_path_ : ndarray of shape (`n_iter_` + 1, ceil(n / 8)), dtype uint8
        The binary iterates, packed with :func:`numpy.packbits` (bit 1 is
        ``+1/sqrt(n)``): eight weights per byte. Use :meth:`binary_path`,
        :meth:`hamming_path` or :meth:`recurrence_stats` to read it.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    sklearn_sea.datasets.make_binary_teacher : Teacher-student data.
    SEARegressor : The same latent-vector-and-projection scheme for k-sparse
        linear models.

    Notes
    -----
    One iteration costs two products with the ``(N * p, n)`` matrix of
    patches. ``w`` and ``-w`` are different networks (Heaviside is not odd),
    so recovery means equal signs, with no global sign ambiguity.

    References
    ----------
    H. Jeong, J. Xin and P. Yin, "Beyond Discreteness: Finite-Sample Analysis
    of Straight-Through Estimator for Quantization".

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea import BinaryHeavisideRegressor
    >>> from sklearn_sea.datasets import make_binary_teacher
    >>> X, y, coef = make_binary_teacher(
    ...     n_samples=512, patch_size=32, n_patches=4, random_state=0)
    >>> reg = BinaryHeavisideRegressor(n_patches=4, random_state=0).fit(X, y)
    >>> bool(np.array_equal(reg.coef_, coef)), reg.score(X, y)
    (True, 1.0)
    >>> int(reg.hamming_path(coef)[0]), int(reg.hamming_path(coef)[-1])
    (15, 0)
    """

    _parameter_constraints: dict = {
        "n_patches": [Interval(Integral, 1, None, closed="left")],
        "second_layer": ["array-like", None],
        "surrogate": [StrOptions(set(SURROGATES))],
        "clip_level": [Interval(Real, 0, None, closed="neither")],
        "learning_rate": [StrOptions({"invscaling", "constant"})],
        "eta0": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, 1, closed="both")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "init": ["array-like", None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_patches=1,
        *,
        second_layer=None,
        surrogate="relu",
        clip_level=1.0,
        learning_rate="invscaling",
        eta0=1.0,
        power_t=0.5,
        max_iter=1000,
        init=None,
        random_state=None,
    ):
        self.n_patches = n_patches
        self.second_layer = second_layer
        self.surrogate = surrogate
        self.clip_level = clip_level
        self.learning_rate = learning_rate
        self.eta0 = eta0
        self.power_t = power_t
        self.max_iter = max_iter
        self.init = init
        self.random_state = random_state

    def _validate_fit_data(self, X, y):
        """Dense float64 ``X`` and a numeric 1-D ``y``; errors name the input."""
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        check_2d("X", X)
        X = _named_errors("X", lambda: validate_data(self, X, dtype=np.float64))
        y = _named_errors(
            "y",
            lambda: check_array(y, ensure_2d=False, dtype=np.float64, input_name="y"),
        )
        # One scalar network: a column vector is accepted with a warning, as
        # in scikit-learn, and several targets are an error naming y.
        y = column_or_1d(y, warn=True)
        check_consistent_length(X, y)
        return X, y

    def _check_n_features(self, n_features):
        if n_features % self.n_patches:
            raise ValueError(
                f"n_features={n_features} is not a multiple of n_patches="
                f"{self.n_patches}: each sample must be n_patches patches of "
                "equal size."
            )
        return n_features // self.n_patches

    def _resolve_second_layer(self):
        if self.second_layer is None:
            return np.ones(self.n_patches)
        v = _check_vector(self.second_layer, "second_layer", ensure_1d=False)
        if v.shape != (self.n_patches,):
            raise ValueError(
                f"second_layer must have shape (n_patches,) = ({self.n_patches},); "
                f"got {v.shape}."
            )
        return v

    def _warn_if_out_of_reach(self, y, second_layer):
        share = _share_out_of_reach(y, second_layer)
        if share > _OUT_OF_REACH_SHARE:
            low, high = _output_range(second_layer)
            warnings.warn(
                f"{share:.0%} of the targets lie far outside [{low:g}, {high:g}], "
                f"the range of the network's outputs with n_patches="
                f"{self.n_patches}: set n_patches to the number of patches per "
                "sample, or second_layer to the scale of the targets.",
                UserWarning,
                # Past this method, fit and scikit-learn's fit wrapper.
                stacklevel=4,
            )

    def _latent_init(self, n_weights):
        if self.init is None:
            rng = check_random_state(self.random_state)
            return _project(rng.choice([-1.0, 1.0], size=n_weights))
        u0 = _check_vector(self.init, "init", ensure_1d=False)
        if u0.shape != (n_weights,):
            raise ValueError(
                f"init must have shape (n,) = ({n_weights},) with n = n_features / "
                f"n_patches; got {u0.shape}."
            )
        return u0

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the binary weights by STE with projection.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples, each ``n_patches`` patches laid out one after another.
        y : array-like of shape (n_samples,)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights in the loss and the STE gradient; a weight
            of 2 counts a sample twice.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y = self._validate_fit_data(X, y)
        n_weights = self._check_n_features(X.shape[1])
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        v = self._resolve_second_layer()
        self._warn_if_out_of_reach(y[sample_weight > 0], v)
        result = _train_binary_ste(
            _as_patches(X, self.n_patches),
            y,
            sample_weight,
            v,
            self._latent_init(n_weights),
            surrogate=self.surrogate,
            clip_level=self.clip_level,
            learning_rate=self.learning_rate,
            eta0=self.eta0,
            power_t=self.power_t,
            max_iter=self.max_iter,
        )
        self.coef_ = result.coef
        self.latent_coef_ = result.latent
        self.second_layer_ = v
        self.n_iter_ = result.n_iter
        self.best_iter_ = result.best_iter
        self.loss_curve_ = result.loss_curve
        self.residual_scale_ = result.residual_scale
        self.coef_path_ = result.packed_path
        return self

    def predict(self, X):
        """Network output ``sum_j v_j 1{Z_j . coef_ > 0}``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predictions.
        """
        check_is_fitted(self)
        check_2d("X", X)
        X = _named_errors(
            "X", lambda: validate_data(self, X, dtype=np.float64, reset=False)
        )
        patches = _as_patches(X, self.n_patches)
        return _forward(patches, self.coef_, self.second_layer_)[1]

    def binary_path(self):
        """The binary iterates as signs.

        Returns
        -------
        signs : ndarray of shape (`n_iter_` + 1, n), dtype int8
            Row ``t`` is ``sqrt(n) * w_t`` (entries +-1).
        """
        check_is_fitted(self)
        return _unpack_signs(self.coef_path_, self.coef_.shape[0])

    def hamming_path(self, coef_true):
        """Hamming distance of each binary iterate to a known teacher.

        Parameters
        ----------
        coef_true : array-like of shape (n,)
            Teacher weights; only their signs matter (no zero entry).

        Returns
        -------
        hamming : ndarray of shape (`n_iter_` + 1,)
            Number of weights of ``w_t`` whose sign differs from the teacher.
        """
        check_is_fitted(self)
        coef_true = _check_teacher(coef_true, self.coef_.shape[0])
        return _hamming_path(self.coef_path_, coef_true)

    def recurrence_stats(self, coef_true):
        """Visits, escapes and returns of the iterates at a known teacher.

        Parameters
        ----------
        coef_true : array-like of shape (n,)
            Teacher weights; only their signs matter (no zero entry).

        Returns
        -------
        stats : dict
            ``n_iterates``, ``share_at_teacher`` (fraction of the
            ``n_iter_ + 1`` iterates equal to the teacher), ``first_hit``
            (-1 if never), ``n_visits`` (maximal stays at the teacher),
            ``n_escapes`` (departures), ``n_returns`` (arrivals after an
            escape), ``mean_hamming`` and ``max_hamming_after_hit``.
        """
        return _recurrence_stats(self.hamming_path(coef_true))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # The outputs live in {sum_j v_j 1{.}}: arbitrary regression targets are
        # out of reach, so generic score thresholds do not apply.
        tags.regressor_tags.poor_score = True
        return tags

"""Teacher-student data for the binary two-layer Heaviside network."""

# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from .._binary_network import _as_patches, _forward
from ..metrics import _check_vector
from ._compressed_sensing import add_noise

INPUT_DISTRIBUTIONS = ("gaussian", "uniform", "bernoulli", "student_t")


def sample_inputs(shape, distribution, df, rng):
    """I.i.d. entries with zero mean and unit variance (when it exists).

    ``uniform`` is uniform on ``[-sqrt(3), sqrt(3)]``; ``bernoulli`` is a
    Rademacher sign (+-1, the symmetric Bernoulli); ``student_t`` is Student's
    t with ``df`` degrees of freedom, rescaled to unit variance when
    ``df > 2`` and left unscaled otherwise (infinite variance).
    """
    if distribution == "gaussian":
        return rng.standard_normal(shape)
    if distribution == "uniform":
        return rng.uniform(-np.sqrt(3.0), np.sqrt(3.0), size=shape)
    if distribution == "bernoulli":
        return rng.choice([-1.0, 1.0], size=shape)
    draws = rng.standard_t(df, size=shape)
    return draws * np.sqrt((df - 2.0) / df) if df > 2 else draws


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "patch_size": [Interval(Integral, 1, None, closed="left")],
        "n_patches": [Interval(Integral, 1, None, closed="left")],
        "distribution": [StrOptions(set(INPUT_DISTRIBUTIONS))],
        "df": [Interval(Real, 0, None, closed="neither")],
        "normalize": ["boolean"],
        "noise": [Interval(Real, 0, None, closed="left")],
        "second_layer": ["array-like", None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_binary_teacher(
    n_samples=512,
    patch_size=32,
    n_patches=1,
    *,
    distribution="gaussian",
    df=3.0,
    normalize=False,
    noise=0.0,
    second_layer=None,
    random_state=None,
):
    """Teacher-student data for :class:`~sklearn_sea.BinaryHeavisideRegressor`.

    The teacher ``w*`` is uniform in ``Q1 = {+1/sqrt(n), -1/sqrt(n)}^n``
    (``n = patch_size``). Each sample is ``n_patches`` patches ``Z_j`` of
    ``n`` i.i.d. inputs, flattened row-major to ``n_patches * n`` features,
    and ``y = sum_j v_j 1{Z_j . w* > 0} + noise``.

    Gaussian inputs are the paper's setting; the other distributions are the
    non-Gaussian extension (reconstructed).

    Parameters
    ----------
    n_samples : int, default=512
        Number of samples N.
    patch_size : int, default=32
        Number of inputs per patch n (the length of ``coef``).
    n_patches : int, default=1
        Number of patches p per sample: 1 is a single neuron, as for
        :class:`~sklearn_sea.BinaryHeavisideRegressor`, whose ``n_patches``
        must equal this value to read ``X`` as it was made.
    distribution : {"gaussian", "uniform", "bernoulli", "student_t"}, \
            default="gaussian"
        Law of the inputs, standardised to zero mean and unit variance:
        standard normal, uniform on ``[-sqrt(3), sqrt(3)]``, Rademacher +-1,
        or Student's t with ``df`` degrees of freedom (heavy-tailed).
    df : float, default=3.0
        Degrees of freedom of ``"student_t"`` (rescaled to unit variance when
        ``df > 2``). Ignored otherwise.
    normalize : bool, default=False
        Rescale every patch to Euclidean norm ``sqrt(n)``, the typical norm
        of a standard Gaussian patch. The labels do not change (the Heaviside
        is scale-invariant) but the STE gradient does.
    noise : float, default=0.0
        Standard deviation of the additive Gaussian label noise.
    second_layer : array-like of shape (n_patches,), default=None
        Fixed second-layer weights ``v``; None means all ones.
    random_state : int, RandomState instance or None, default=None
        Seed. The teacher is drawn first, then the inputs row by row, then
        the noise: with the same seed, a larger ``n_samples`` keeps the same
        teacher and extends the same inputs.

    Returns
    -------
    X : ndarray of shape (n_samples, n_patches * patch_size)
        Inputs; patch ``j`` of a sample is ``X[i, j*n:(j+1)*n]``.
    y : ndarray of shape (n_samples,)
        Labels.
    coef : ndarray of shape (patch_size,)
        Teacher weights, entries ``+-1/sqrt(patch_size)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea.datasets import make_binary_teacher
    >>> X, y, coef = make_binary_teacher(
    ...     n_samples=100, patch_size=8, n_patches=3, random_state=0)
    >>> X.shape, y.shape, coef.shape
    ((100, 24), (100,), (8,))
    >>> np.unique(np.abs(coef) * np.sqrt(8)).tolist()
    [1.0]
    >>> np.unique(y).tolist()
    [0.0, 1.0, 2.0, 3.0]
    """
    if second_layer is None:
        second_layer = np.ones(n_patches)
    else:
        second_layer = _check_vector(second_layer, "second_layer", ensure_1d=False)
        if second_layer.shape != (n_patches,):
            raise ValueError(
                f"second_layer must have shape (n_patches,) = ({n_patches},); "
                f"got {second_layer.shape}."
            )
    rng = check_random_state(random_state)
    # Signs from uniforms, not from ``rng.choice`` as the estimator's random
    # start: the same integer seed for both must not start at the teacher.
    signs = np.where(rng.uniform(size=patch_size) < 0.5, -1.0, 1.0)
    coef = signs / np.sqrt(patch_size)
    X = sample_inputs((n_samples, n_patches * patch_size), distribution, df, rng)
    if normalize:
        patches = X.reshape(-1, patch_size)
        norms = np.linalg.norm(patches, axis=1, keepdims=True)
        # A patch of zeros cannot occur for the laws above; guard anyway.
        patches *= np.sqrt(patch_size) / np.where(norms > 0, norms, 1.0)
    # The estimator's own forward pass, so labels and predictions agree bitwise.
    _, f = _forward(_as_patches(X, n_patches), coef, second_layer)
    y = add_noise(f, noise, rng)
    return X, y, coef

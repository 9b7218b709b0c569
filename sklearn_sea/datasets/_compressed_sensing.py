"""Random k-sparse linear problems with a Gaussian design."""

# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params


def sample_sparse_coef(n_features, n_nonzero_coefs, rng, support=None):
    """k-sparse vector with nonzeros uniform in ``[-2, -1] U [1, 2]``.

    The support is uniform among the subsets of size k unless given.
    """
    if support is None:
        support = np.sort(rng.choice(n_features, size=n_nonzero_coefs, replace=False))
    coef = np.zeros(n_features)
    magnitudes = rng.uniform(1.0, 2.0, size=support.shape[0])
    signs = rng.choice([-1.0, 1.0], size=support.shape[0])
    coef[support] = signs * magnitudes
    return coef


def add_noise(signal, noise, rng):
    """Add white Gaussian noise of standard deviation ``noise``."""
    if noise == 0:
        return signal
    return signal + noise * rng.standard_normal(signal.shape)


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "n_features": [Interval(Integral, 1, None, closed="left")],
        "n_nonzero_coefs": [Interval(Integral, 0, None, closed="left")],
        "noise": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_compressed_sensing(
    n_samples=250, n_features=500, n_nonzero_coefs=20, *, noise=0.0, random_state=None
):
    """Gaussian compressed-sensing problem ``y = X coef + noise``.

    ``X`` has i.i.d. standard Gaussian entries and its columns are then
    normalised to unit Euclidean norm; ``coef`` has ``n_nonzero_coefs``
    nonzeros at uniformly random positions with magnitudes uniform in
    ``[1, 2]`` and random signs (the setting of the SEA paper's phase
    transition).

    Parameters
    ----------
    n_samples : int, default=250
        Number of measurements m.
    n_features : int, default=500
        Dimension n of the unknown vector.
    n_nonzero_coefs : int, default=20
        Sparsity k of the unknown vector (at most ``n_features``).
    noise : float, default=0.0
        Standard deviation of the additive Gaussian noise on ``y``.
    random_state : int, RandomState instance or None, default=None
        Seed of the draw.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Design with unit-norm columns.
    y : ndarray of shape (n_samples,)
        Observations.
    coef : ndarray of shape (n_features,)
        The true k-sparse coefficients.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea.datasets import make_compressed_sensing
    >>> X, y, coef = make_compressed_sensing(50, 100, 5, random_state=0)
    >>> X.shape, y.shape, int(np.count_nonzero(coef))
    ((50, 100), (50,), 5)
    >>> np.allclose(np.linalg.norm(X, axis=0), 1.0)
    True
    """
    if n_nonzero_coefs > n_features:
        raise ValueError(
            f"n_nonzero_coefs={n_nonzero_coefs} must be at most "
            f"n_features={n_features}."
        )
    rng = check_random_state(random_state)
    X = rng.standard_normal((n_samples, n_features))
    X /= np.linalg.norm(X, axis=0)
    coef = sample_sparse_coef(n_features, n_nonzero_coefs, rng)
    y = add_noise(X @ coef, noise, rng)
    return X, y, coef

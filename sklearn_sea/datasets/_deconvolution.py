"""Spike deconvolution with a Gaussian blur: a strongly coherent design."""

# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params

from ._compressed_sensing import add_noise, sample_sparse_coef


@validate_params(
    {
        "n_features": [Interval(Integral, 1, None, closed="left")],
        "width": [Interval(Real, 0, None, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
def gaussian_convolution_matrix(n_features, width):
    """``n x n`` matrix of the convolution with a Gaussian of std ``width``.

    Column ``j`` is the filter centred on sample ``j``, cut at the borders
    (no wrap-around), then normalised to unit norm.

    Parameters
    ----------
    n_features : int
        Signal length ``n`` (the matrix is ``n x n``), at least 1.
    width : float
        Standard deviation of the Gaussian filter, in samples: positive and
        finite. A width far below one sample gives the identity (no overflow
        warning), a huge width nearly constant columns ``1/sqrt(n)``.

    Returns
    -------
    X : ndarray of shape (n_features, n_features)
        Convolution matrix with unit-norm columns.

    Raises
    ------
    InvalidParameterError
        A ``ValueError`` naming ``n_features`` or ``width`` when it is out of
        range (``width`` zero, negative, infinite or NaN) or of the wrong
        type.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea.datasets import gaussian_convolution_matrix
    >>> X = gaussian_convolution_matrix(5, width=1.0)
    >>> X.shape
    (5, 5)
    >>> np.allclose(np.linalg.norm(X, axis=0), 1.0)
    True
    >>> np.round(X[:, 2], 3)  # the filter centred on sample 2
    array([0.102, 0.456, 0.751, 0.456, 0.102])
    >>> gaussian_convolution_matrix(5, width=0.0)
    Traceback (most recent call last):
        ...
    sklearn.utils._param_validation.InvalidParameterError: The 'width' parameter ...
    """
    positions = np.arange(n_features)
    offsets = positions[:, None] - positions[None, :]
    # A tiny width overflows the square to inf, whose exp(-inf) = 0 is the
    # right limit (the identity): no warning for it.
    with np.errstate(over="ignore"):
        X = np.exp(-0.5 * (offsets / width) ** 2)
    X /= np.linalg.norm(X, axis=0)
    return X


@validate_params(
    {
        "n_features": [Interval(Integral, 1, None, closed="left")],
        "n_nonzero_coefs": [Interval(Integral, 0, None, closed="left")],
        "width": [Interval(Real, 0, None, closed="neither")],
        "noise": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_spike_deconvolution(
    n_features=500, n_nonzero_coefs=20, *, width=3.0, noise=0.0, random_state=None
):
    """Spike train blurred by a Gaussian filter: ``y = X coef + noise``.

    ``X`` is the square (``m = n``) convolution matrix of a Gaussian filter
    with standard deviation ``width`` samples, with unit-norm columns.
    Spike positions are uniform without any minimal separation, so close
    spikes, whose columns are strongly coherent, occur. Amplitudes are uniform
    in ``[-2, -1] U [1, 2]``. The default ``width`` is a reconstructed setting
    (the SEA paper's filter width is not reproduced here).

    Parameters
    ----------
    n_features : int, default=500
        Signal length (also the number of observations).
    n_nonzero_coefs : int, default=20
        Number of spikes k.
    width : float, default=3.0
        Standard deviation of the Gaussian filter, in samples.
    noise : float, default=0.0
        Standard deviation of the additive Gaussian noise on ``y``.
    random_state : int, RandomState instance or None, default=None
        Seed of the draw.

    Returns
    -------
    X : ndarray of shape (n_features, n_features)
        Convolution matrix with unit-norm columns.
    y : ndarray of shape (n_features,)
        Blurred (and noisy) spike train.
    coef : ndarray of shape (n_features,)
        The true spike train.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea.datasets import make_spike_deconvolution
    >>> X, y, coef = make_spike_deconvolution(100, 5, width=2.0, random_state=0)
    >>> X.shape, int(np.count_nonzero(coef))
    ((100, 100), 5)
    >>> round(float(X[:, 50] @ X[:, 51]), 3)  # neighbouring columns are coherent
    0.939
    """
    if n_nonzero_coefs > n_features:
        raise ValueError(
            f"n_nonzero_coefs={n_nonzero_coefs} must be at most "
            f"n_features={n_features}."
        )
    rng = check_random_state(random_state)
    X = gaussian_convolution_matrix(n_features, width)
    coef = sample_sparse_coef(n_features, n_nonzero_coefs, rng)
    y = add_noise(X @ coef, noise, rng)
    return X, y, coef

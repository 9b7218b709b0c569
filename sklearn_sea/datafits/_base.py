"""The interface every datafit implements."""

# SPDX-License-Identifier: BSD-3-Clause

import inspect


class BaseDatafit:
    """A loss of the linear predictor ``z = X w + b``, sample by sample.

    A datafit written outside the package subclasses this class and
    implements three methods, on arrays of shape (n_samples,): the weighted
    sum of the per-sample losses, their first derivatives with respect to
    ``z`` and their second derivatives. SEA minimises the datafit on each
    support by Newton's method on the support's coefficients (and the
    intercept) and moves its exploration vector along ``X^T gradient``.

    Optional hooks, for speed or robustness:

    - :meth:`curvature_bound`, an upper bound of the per-sample second
      derivative, sets ``step_size="auto"``;
    - :attr:`least_squares`, True only for the quadratic loss, selects the
      closed-form support solves (normal equations, Gram matrix, compiled
      loop);
    - :meth:`validate_target` refuses targets outside the loss's domain.

    Read more in the :ref:`User Guide <datafits>`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea.datafits import BaseDatafit
    >>> class Cauchy(BaseDatafit):
    ...     def value(self, y, z, sample_weight=None):
    ...         w = 1.0 if sample_weight is None else sample_weight
    ...         return float(np.sum(w * 0.5 * np.log1p((z - y) ** 2)))
    ...     def gradient(self, y, z, sample_weight=None):
    ...         w = 1.0 if sample_weight is None else sample_weight
    ...         return w * (z - y) / (1 + (z - y) ** 2)
    ...     def hessian(self, y, z, sample_weight=None):
    ...         w = 1.0 if sample_weight is None else sample_weight
    ...         return w / (1 + (z - y) ** 2)  # a positive curvature bound
    >>> Cauchy().value(np.zeros(2), np.ones(2))
    0.6931...
    """

    #: True when ``value`` is half the weighted squared residual, so that
    #: support solves are least squares in closed form.
    least_squares = False

    def value(self, y, z, sample_weight=None):
        """Weighted sum of the per-sample losses.

        Parameters
        ----------
        y : ndarray of shape (n_samples,)
            Targets.
        z : ndarray of shape (n_samples,)
            Linear predictor ``X w + b``.
        sample_weight : ndarray of shape (n_samples,) or None
            Non-negative weights; None weighs every sample 1.

        Returns
        -------
        value : float
        """
        raise NotImplementedError

    def gradient(self, y, z, sample_weight=None):
        """Weighted per-sample derivatives of the loss with respect to ``z``.

        Parameters
        ----------
        y, z, sample_weight : ndarray of shape (n_samples,)
            As in :meth:`value`.

        Returns
        -------
        gradient : ndarray of shape (n_samples,)
        """
        raise NotImplementedError

    def hessian(self, y, z, sample_weight=None):
        """Weighted per-sample second derivatives, or positive curvature bounds.

        A bound that majorises the loss around ``z`` (as the weights of
        iteratively reweighted least squares) is allowed, and preferable
        where the second derivative vanishes.

        Parameters
        ----------
        y, z, sample_weight : ndarray of shape (n_samples,)
            As in :meth:`value`.

        Returns
        -------
        hessian : ndarray of shape (n_samples,)
        """
        raise NotImplementedError

    def curvature_bound(self):
        """Upper bound of the unweighted per-sample second derivative, or None.

        ``step_size="auto"`` is ``1 / (bound * ||W^{1/2} A||_2^2)``. None
        (the default) lets the estimator bound it by the largest curvature at
        the intercept-only model.
        """
        return None

    def validate_target(self, y):
        """Return ``y`` if the loss is defined for it; raise ValueError if not."""
        return y

    def __repr__(self):
        names = [
            name
            for name, parameter in inspect.signature(type(self)).parameters.items()
            if parameter.kind is parameter.POSITIONAL_OR_KEYWORD
        ]
        arguments = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__name__}({arguments})"


def _weighted(values, sample_weight):
    return values if sample_weight is None else sample_weight * values

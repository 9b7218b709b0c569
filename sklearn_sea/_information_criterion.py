"""SEA with the sparsity level chosen by an information criterion.

The counterpart of scikit-learn's
:class:`~sklearn.linear_model.LassoLarsIC` and of abess's ``ic_type``: one
SEA path ``k = 1 .. max_n_nonzero_coefs`` on all the data (no folds), and the
k minimising AIC, BIC or the extended BIC of Chen and Chen for
``n_features >> n_samples``.
"""

# SPDX-License-Identifier: BSD-3-Clause

from numbers import Real

import numpy as np
from scipy.special import gammaln
from sklearn.base import BaseEstimator, _fit_context
from sklearn.linear_model import LinearRegression
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.extmath import safe_sparse_dot

from ._base import (
    SparseLinearModelMixin,
    check_sample_weight,
    validate_regression_data,
)
from ._cv import (
    REFIT_ATTRIBUTES,
    SEARegressorCV,
    _default_max_n_nonzero_coefs,
    _sea_path,
    refit_along_path,
)
from ._sea import DEFAULT_MAX_ITER


def _variance_floor(variance, y_2d, weight):
    """The variance, kept above rounding level of the target's energy.

    An exact fit leaves no noise to measure; the floor keeps the criterion
    finite and still ranks exact fits by their size.
    """
    floor = np.finfo(np.float64).eps * np.maximum(weight @ y_2d**2, 1e-300)
    return np.maximum(np.asarray(variance, dtype=np.float64), floor)


def _log_binomial(n, k):
    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


def information_criterion(
    rss, n_nonzero, n_samples, n_features, noise_variance, criterion, ebic_gamma=1.0
):
    """AIC, BIC or extended BIC of least-squares fits with Gaussian noise.

    ``n log(2 pi sigma^2) + RSS / sigma^2 + penalty * df``, the form of
    scikit-learn's ``LassoLarsIC``, with ``df`` the number of nonzero
    coefficients and ``penalty`` 2 (AIC) or ``log n`` (BIC); the extended
    BIC adds ``2 gamma log binom(n_features, df)``, the number of supports of
    that size (Chen and Chen, 2008).
    """
    fit = n_samples * np.log(2 * np.pi * noise_variance) + rss / noise_variance
    if criterion == "aic":
        return fit + 2.0 * n_nonzero
    bic = fit + np.log(n_samples) * n_nonzero
    if criterion == "bic":
        return bic
    return bic + 2.0 * ebic_gamma * _log_binomial(n_features, n_nonzero)


class SEARegressorIC(SparseLinearModelMixin, BaseEstimator):
    """SEA regressor with the number of nonzero coefficients chosen by AIC or BIC.

    SEA runs along the path ``k = 1 .. max_n_nonzero_coefs`` on all the
    data, each k warm-started from the solution for ``k - 1`` (the path of
    :func:`sea_path`, with this estimator's intercept and feature
    normalisation), and the k minimising the criterion is kept. It needs no
    cross-validation folds, so it costs one path instead of one per fold;
    like :class:`~sklearn.linear_model.LassoLarsIC` it relies on an estimate
    of the noise variance. Each target gets its own k.

    Read more in :ref:`choosing_k`.

    Parameters
    ----------
    criterion : {"bic", "aic", "ebic"}, default="bic"
        "aic": Akaike's criterion; "bic": Schwarz's Bayesian criterion;
        "ebic": the extended BIC of Chen and Chen, which also counts the
        ``binom(n_features, k)`` supports of each size and suits
        ``n_features >> n_samples``, where AIC and BIC choose too many
        features.
    max_n_nonzero_coefs : int, default=None
        Largest k tried. None means 10% of the features, at least 5 and at
        most ``n_features``. Values above ``n_features`` are clipped with a
        warning.
    noise_variance : float, default=None
        Variance of the noise. None estimates it. When ``n_samples`` exceeds
        ``n_features`` (plus one with an intercept), from the residuals of
        ordinary least squares on all features,
        ``RSS_OLS / (n_samples - n_features - fit_intercept)``, as
        :class:`~sklearn.linear_model.LassoLarsIC` does; this estimate is
        unbiased only if the linear model holds. Otherwise (``n_features >=
        n_samples``, the usual case of the extended BIC) each k uses its own
        maximum-likelihood estimate ``RSS_k / n_samples``, which turns the
        criterion into ``n log(RSS_k / n) + penalty * df`` up to a constant
        (the profile likelihood). Give it when it is known.
    ebic_gamma : float, default=1.0
        Weight ``gamma`` in ``[0, 1]`` of the support count in the extended
        BIC (0 gives BIC).
    max_iter : int, default=1000
        Number of supports SEA evaluates at most, for each k.
    step_size : "auto" or float, default="auto"
        Step of SEA's exploration update (see :class:`SEARegressor`).
    tol : float, default=None
        Stop each SEA run once the squared residual norm is at most ``tol``;
        None stops at an exact fit up to rounding.
    n_iter_no_change : int, default=None
        Stop each SEA run (every k of the path, and the refit) once its best
        objective has not improved for this many iterations (see
        :class:`SEARegressor`). None runs ``max_iter`` iterations (or until
        ``tol``), as in the paper.
    fit_intercept : bool, default=True
        Fit an intercept (centre ``X`` and ``y``).
    precompute : "auto" or bool, default="auto"
        Use the Gram matrix; "auto" forms it only for dense data that fits
        in memory, never for sparse ``X``.
    positive : bool, default=False
        Nonnegative coefficients along the path (see :class:`SEARegressor`).

    Attributes
    ----------
    n_nonzero_coefs_ : int or ndarray of shape (n_targets,)
        The selected number of nonzero coefficients, one per target for 2-D
        ``y``.
    max_n_nonzero_coefs_ : int
        Largest k tried, after defaulting and clipping.
    criterion_ : ndarray of shape (`max_n_nonzero_coefs_`,) or \
            (`max_n_nonzero_coefs_`, n_targets)
        The criterion of every k (row ``j`` is ``k = j + 1``).
    noise_variance_ : float or ndarray of shape (n_targets,)
        The noise variance used (given or estimated; with the per-k estimate,
        the one of the selected k).
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Coefficients of the selected model.
    intercept_ : float or ndarray of shape (n_targets,)
        Intercept of the selected model (scikit-learn's conventions).
    n_iter_ : int or list of int
        SEA iterations of the selected model's fit.
    best_iter_ : int or ndarray of shape (n_targets,)
        Iteration at which the returned support was found.
    loss_curve_ : ndarray of shape (`n_iter_`,) or list of such arrays
        Objective per iteration of the selected model's fit.
    n_supports_explored_ : int or ndarray of shape (n_targets,)
        Number of distinct supports that fit visited.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    SEARegressorCV : k chosen by cross-validation.
    sea_path : The path itself.
    sklearn.linear_model.LassoLarsIC : The Lasso counterpart.

    Notes
    -----
    For a fit with ``df`` nonzero coefficients and residual sum of squares
    ``RSS`` (weighted by ``sample_weight``; ``n`` is then the sum of the
    weights, so integer weights count as repeated samples):

    .. math::

        \\mathrm{AIC} = n \\log(2 \\pi \\sigma^2) + \\mathrm{RSS} / \\sigma^2
            + 2\\,\\mathrm{df}, \\qquad
        \\mathrm{BIC} = n \\log(2 \\pi \\sigma^2) + \\mathrm{RSS} / \\sigma^2
            + \\log(n)\\,\\mathrm{df},

    and the extended BIC adds :math:`2 \\gamma \\log \\binom{p}{\\mathrm{df}}`.
    The intercept is not counted in ``df``, as in ``LassoLarsIC``. Ties go to
    the smallest k.

    References
    ----------
    J. Chen and Z. Chen, "Extended Bayesian information criteria for model
    selection with large model spaces", Biometrika 95(3), 2008.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea import SEARegressorIC
    >>> from sklearn_sea.datasets import make_compressed_sensing
    >>> X, y, coef = make_compressed_sensing(
    ...     n_samples=80, n_features=40, n_nonzero_coefs=4, noise=0.05,
    ...     random_state=0)
    >>> reg = SEARegressorIC(criterion="bic", max_n_nonzero_coefs=10).fit(X, y)
    >>> reg.n_nonzero_coefs_
    4
    >>> bool(np.all((reg.coef_ != 0) == (coef != 0)))
    True
    """

    _parameter_constraints: dict = {
        "criterion": [StrOptions({"aic", "bic", "ebic"})],
        "max_n_nonzero_coefs": SEARegressorCV._parameter_constraints[
            "max_n_nonzero_coefs"
        ],
        "noise_variance": [Interval(Real, 0, None, closed="neither"), None],
        "ebic_gamma": [Interval(Real, 0, 1, closed="both")],
        **{
            name: SEARegressorCV._parameter_constraints[name]
            for name in (
                "max_iter",
                "step_size",
                "tol",
                "n_iter_no_change",
                "fit_intercept",
                "precompute",
                "positive",
            )
        },
    }

    def __init__(
        self,
        criterion="bic",
        *,
        max_n_nonzero_coefs=None,
        noise_variance=None,
        ebic_gamma=1.0,
        max_iter=DEFAULT_MAX_ITER,
        step_size="auto",
        tol=None,
        n_iter_no_change=None,
        fit_intercept=True,
        precompute="auto",
        positive=False,
    ):
        self.criterion = criterion
        self.max_n_nonzero_coefs = max_n_nonzero_coefs
        self.noise_variance = noise_variance
        self.ebic_gamma = ebic_gamma
        self.max_iter = max_iter
        self.step_size = step_size
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.positive = positive

    def _path_params(self):
        return {
            "path_init": "previous",
            "max_iter": self.max_iter,
            "step_size": self.step_size,
            "tol": self.tol,
            "n_iter_no_change": self.n_iter_no_change,
            "fit_intercept": self.fit_intercept,
            "precompute": self.precompute,
            "positive": self.positive,
        }

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Run the SEA path and keep the k of smallest criterion.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. Sparse input (CSR or CSC) is never densified.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values; each target gets its own k.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights, used in the path, the residuals and the
            noise-variance estimate.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y = validate_regression_data(self, X, y)
        weight = check_sample_weight(sample_weight, X)
        y_2d = y.reshape(y.shape[0], -1)
        n_features = X.shape[1]
        max_k = _default_max_n_nonzero_coefs(self.max_n_nonzero_coefs, n_features)
        coefs, intercepts = _sea_path(X, y_2d, weight, max_k, **self._path_params())
        # Weighted residual sums of squares, (k, target).
        pred = (
            safe_sparse_dot(
                X, coefs.reshape(-1, n_features).T, dense_output=True
            ).reshape(X.shape[0], max_k, -1)
            + intercepts
        )
        rss = weight @ ((pred - y_2d[:, None, :]) ** 2).reshape(X.shape[0], -1)
        rss = rss.reshape(max_k, -1)
        n_samples = float(weight.sum())
        noise_variance = self._noise_variance(X, y_2d, weight)
        if noise_variance is None:
            # Too few samples for ordinary least squares: each k gets its own
            # maximum-likelihood estimate RSS_k / n (the profile likelihood).
            noise_variance = _variance_floor(rss / n_samples, y_2d, weight)
        n_nonzero = np.count_nonzero(coefs, axis=2)
        criterion = information_criterion(
            rss,
            n_nonzero,
            n_samples,
            n_features,
            noise_variance,
            self.criterion,
            self.ebic_gamma,
        )
        selected = np.argmin(criterion, axis=0) + 1
        noise_variance = np.broadcast_to(noise_variance, criterion.shape)[
            selected - 1, np.arange(criterion.shape[1])
        ]
        self.max_n_nonzero_coefs_ = max_k
        if y.ndim == 1:
            self.criterion_ = criterion[:, 0]
            self.noise_variance_ = float(noise_variance[0])
            self.n_nonzero_coefs_ = int(selected[0])
        else:
            self.criterion_ = criterion
            self.noise_variance_ = noise_variance
            self.n_nonzero_coefs_ = selected
        sea = refit_along_path(
            X, y, weight, self.n_nonzero_coefs_, **self._path_params()
        )
        for name in REFIT_ATTRIBUTES:
            setattr(self, name, getattr(sea, name))
        return self

    def _noise_variance(self, X, y_2d, weight):
        """The noise variance of every target: given, from OLS, or None."""
        n_targets = y_2d.shape[1]
        if self.noise_variance is not None:
            return np.full(n_targets, float(self.noise_variance))
        n_samples, n_features = X.shape
        total = weight.sum()
        if min(n_samples, total) <= n_features + self.fit_intercept:
            return None
        ols = LinearRegression(fit_intercept=self.fit_intercept)
        ols.fit(X, y_2d, sample_weight=weight)
        residual = y_2d - ols.predict(X)
        dof = total - n_features - self.fit_intercept
        return _variance_floor(weight @ residual**2 / dof, y_2d, weight)

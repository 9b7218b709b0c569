"""SEA with the sparsity level chosen by cross-validation.

Modelled on scikit-learn's
:class:`~sklearn.linear_model.OrthogonalMatchingPursuitCV`: each fold runs
one *path* over ``k = 1 .. max_n_nonzero_coefs`` and records the held-out
error of every k; the k with the smallest mean error is refitted on all the
data.

A SEA path is warm-started: the run for k starts from the best solution found
for k - 1, completed by the feature most correlated with its residual (the
OMP step). Its first support therefore already fits at least as well as the
(k - 1) solution, and the training objective decreases along the path. The
preprocessing (centring, normalisation, Gram matrix) is shared by all k of a
fold.
"""

# SPDX-License-Identifier: BSD-3-Clause

import warnings
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.model_selection import check_cv
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _raise_for_params,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.parallel import Parallel, delayed

from ._base import (
    SparseLinearModelMixin,
    _loss_scales,
    check_sample_weight,
    validate_regression_data,
)
from ._core import (
    prepare_least_squares,
)
from ._path import sea_path_prepared
from ._sea import DEFAULT_MAX_ITER, SEARegressor


def _default_max_n_nonzero_coefs(max_n_nonzero_coefs, n_features):
    """10% of the features, at least 5, at most all (as OMPCV); clip with a warning."""
    if max_n_nonzero_coefs is None:
        return min(max(int(0.1 * n_features), 5), n_features)
    if max_n_nonzero_coefs > n_features:
        warnings.warn(
            f"max_n_nonzero_coefs={max_n_nonzero_coefs} is larger than n_features="
            f"{n_features}; using max_n_nonzero_coefs={n_features}.",
            UserWarning,
            stacklevel=3,
        )
        return n_features
    return int(max_n_nonzero_coefs)


def _sea_path(
    X,
    y,
    sample_weight,
    max_n_nonzero_coefs,
    *,
    path_init,
    max_iter,
    step_size,
    tol,
    fit_intercept,
    precompute,
    positive=False,
    n_iter_no_change=None,
):
    """SEA solutions for ``k = 1 .. max_n_nonzero_coefs`` on one data set.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Validated design.
    y : ndarray of shape (n_samples, n_targets)
        Validated targets.
    sample_weight : ndarray of shape (n_samples,)
        Validated weights.
    max_n_nonzero_coefs : int
        Last k of the path.
    path_init : {"previous", "zero"}
        Start each k from the (k - 1) solution or from zero.
    max_iter, step_size, tol, fit_intercept, precompute, positive, n_iter_no_change
        As in :class:`~sklearn_sea.SEARegressor`.

    Returns
    -------
    coefs : ndarray of shape (max_n_nonzero_coefs, n_targets, n_features)
        Coefficients for each k, in the scale of ``X``.
    intercepts : ndarray of shape (max_n_nonzero_coefs, n_targets)
        Intercepts for each k.
    """
    prepared = prepare_least_squares(X, y, sample_weight, fit_intercept, precompute)
    coefs, _ = sea_path_prepared(
        prepared,
        max_n_nonzero_coefs,
        warm_start=path_init == "previous",
        max_iter=max_iter,
        step_size=step_size,
        tol=tol,
        loss_scales=_loss_scales(prepared),
        positive=positive,
        n_iter_no_change=n_iter_no_change,
    )
    # Past the distinct features (parallel columns count once) the path
    # stays at its last point.
    last = coefs.shape[0]
    coefs = np.concatenate(
        [coefs, np.repeat(coefs[-1:], max_n_nonzero_coefs - last, axis=0)]
    )
    originals = [prepared.to_original(coefs_k) for coefs_k in coefs]
    return (
        np.array([coef for coef, _ in originals]),
        np.array([intercept for _, intercept in originals]),
    )


def _power_of_two_unit(y):
    """The power of two at most ``max |y|`` (1 for a zero y): dividing by it is exact."""
    peak = float(np.max(np.abs(y))) if y.size else 0.0
    return np.ldexp(1.0, np.frexp(peak)[1] - 1) if peak > 0 else np.float64(1.0)


#: Fitted attributes that the path-based estimators copy from their refit.
REFIT_ATTRIBUTES = (
    "coef_",
    "intercept_",
    "n_iter_",
    "best_iter_",
    "loss_curve_",
    "n_supports_explored_",
)


def refit_along_path(X, y, sample_weight, n_nonzero_coefs, **params):
    """The path's point at the selected k on all the data, as a fitted SEARegressor.

    The path runs on the full data up to each target's ``k_t``, and its last
    run is the refit: no coefficients go to the user's scale and back.

    Parameters
    ----------
    X, y, sample_weight
        Validated data (``y`` 1-D or 2-D).
    n_nonzero_coefs : int or ndarray of shape (n_targets,)
        Selected k, shared or per target.
    **params
        ``path_init``, ``max_iter``, ``step_size``, ``tol``,
        ``fit_intercept``, ``precompute`` and optionally ``positive`` and
        ``n_iter_no_change``.

    Returns
    -------
    SEARegressor
        The fitted regressor.
    """
    y_2d = y.reshape(y.shape[0], -1)
    regressor = SEARegressor(
        n_nonzero_coefs,
        max_iter=params["max_iter"],
        step_size=params["step_size"],
        tol=params["tol"],
        fit_intercept=params["fit_intercept"],
        precompute=params["precompute"],
        positive=params.get("positive", False),
        n_iter_no_change=params.get("n_iter_no_change"),
    )
    prepared = prepare_least_squares(
        X, y_2d, sample_weight, params["fit_intercept"], params["precompute"]
    )
    ks, reported = regressor._support_size(X.shape[1], y_2d.shape[1])
    ks = np.minimum(ks, prepared.n_features)
    _, results = sea_path_prepared(
        prepared,
        ks,
        warm_start=params["path_init"] == "previous",
        max_iter=params["max_iter"],
        step_size=params["step_size"],
        tol=params["tol"],
        loss_scales=_loss_scales(prepared),
        positive=params.get("positive", False),
        n_iter_no_change=params.get("n_iter_no_change"),
    )
    regressor._store_results(
        [runs[-1] for runs in results],
        prepared,
        single_target=y.ndim == 1,
        dtype=X.dtype,
    )
    regressor.n_nonzero_coefs_ = reported
    return regressor


def _choose_k(mse_path, rule):
    """The k of a held-out error curve ``(k, fold)`` under a selection rule.

    "min" is the k of smallest mean error (the smallest such k on ties);
    "one_se" is the smallest k whose mean error is within one standard error
    (over folds) of that minimum: a sparser model the folds cannot tell
    apart from the best one.
    """
    mean = np.nanmean(mse_path, axis=1)
    best = int(np.argmin(mean))
    if rule == "min":
        return best + 1
    n_folds = np.sum(np.isfinite(mse_path[best]))
    std_error = np.nanstd(mse_path[best]) / np.sqrt(max(n_folds, 1))
    return int(np.flatnonzero(mean <= mean[best] + std_error)[0]) + 1


def _sea_path_mse(X, y, sample_weight, train, test, max_n_nonzero_coefs, params):
    """Weighted held-out mean squared error of every k and target of one fold's path.

    Returns an array of shape (max_n_nonzero_coefs, n_targets).
    """
    weight = sample_weight[test]
    if not (weight.sum() > 0 and sample_weight[train].sum() > 0):
        # Zero-weight samples count as absent: this fold has no train or no
        # test data, and says nothing about k.
        return np.full((max_n_nonzero_coefs, y.shape[1]), np.nan)
    X_train, X_test = _safe_indexing(X, train), _safe_indexing(X, test)
    coefs, intercepts = _sea_path(
        X_train, y[train], sample_weight[train], max_n_nonzero_coefs, **params
    )
    n_paths = max_n_nonzero_coefs * y.shape[1]
    pred = safe_sparse_dot(
        X_test, coefs.reshape(n_paths, -1).T, dense_output=True
    ).reshape(X_test.shape[0], max_n_nonzero_coefs, y.shape[1])
    pred += intercepts
    sq_error = (pred - y[test][:, None, :]) ** 2
    return np.average(sq_error, axis=0, weights=weight)


class SplitterRoutingMixin:
    """Routes the metadata of ``fit`` to the ``cv`` splitter, as LassoCV does.

    Shared by the estimators that choose k by cross-validation.
    """

    def _split_params(self, sample_weight, params):
        """The keyword arguments of ``cv.split``."""
        if _routing_enabled():
            routed = process_routing(self, "fit", sample_weight=sample_weight, **params)
            return routed.splitter.split
        # Without routing, groups is the one splitter argument scikit-learn's
        # model-selection tools have always passed on.
        _raise_for_params(params, self, "fit", allow={"groups"})
        return params

    def get_metadata_routing(self):
        """Get the metadata routing of this object.

        ``sample_weight`` is consumed by the fits and the held-out scores;
        the ``cv`` splitter receives the metadata its ``split`` requests
        (``groups`` for :class:`~sklearn.model_selection.GroupKFold`).

        Returns
        -------
        routing : MetadataRouter
            Routing of ``fit`` parameters to the splitter.
        """
        return (
            MetadataRouter(owner=self)
            .add_self_request(self)
            .add(
                splitter=check_cv(self.cv),
                method_mapping=MethodMapping().add(caller="fit", callee="split"),
            )
        )


class SEARegressorCV(SplitterRoutingMixin, SparseLinearModelMixin, BaseEstimator):
    """SEA regressor with the number of nonzero coefficients chosen by CV.

    For each cross-validation fold, SEA is run along a path
    ``k = 1 .. max_n_nonzero_coefs``, each k warm-started from the solution
    for k - 1, and the held-out mean squared error of every k is recorded.
    The k with the smallest mean error over folds (the smallest such k on
    ties) is refitted on all the data. This is the SEA counterpart of
    :class:`~sklearn.linear_model.OrthogonalMatchingPursuitCV`.

    Read more in :ref:`replacing_lasso_omp`.

    Parameters
    ----------
    max_n_nonzero_coefs : int, default=None
        Largest k tried. None means 10% of the features, at least 5 and at
        most ``n_features`` (as ``OrthogonalMatchingPursuitCV``). Values
        above ``n_features`` are clipped with a warning.
    cv : int, cross-validation generator or iterable, default=None
        Splitting strategy, as in :func:`~sklearn.model_selection.check_cv`:
        None is 5-fold :class:`~sklearn.model_selection.KFold`.
    path_init : {"previous", "zero"}, default="previous"
        How each k of the path starts. "previous": from the best solution for
        k - 1 plus the feature most correlated with its residual, so the
        training objective decreases with k and each run starts from a good
        support. "zero": from scratch, so each k is exactly
        ``SEARegressor(n_nonzero_coefs=k)``.
    k_selection : {"per_target", "shared"}, default="per_target"
        With several targets, "per_target" chooses each target's k on its
        own held-out error (equations of a dynamical system, say, need
        different numbers of terms); "shared" chooses one k for all targets,
        minimising the error averaged over them. One target: no difference.
    k_rule : {"min", "one_se"}, default="min"
        "min": the k of smallest mean held-out error (the smallest such k on
        ties), as :class:`~sklearn.linear_model.OrthogonalMatchingPursuitCV`.
        "one_se": the smallest k whose mean error is within one standard
        error (over folds) of that minimum. With noise, extra features often
        lower the held-out error by less than the folds can resolve; the
        one-standard-error rule (Hastie, Tibshirani and Friedman, *The
        Elements of Statistical Learning*, 7.10) then keeps the sparser model.
    max_iter : int, default=1000
        Number of supports SEA evaluates at most, for each k.
    step_size : "auto" or float, default="auto"
        Step of SEA's exploration update (see
        :class:`~sklearn_sea.SEARegressor`).
    tol : float, default=None
        Stop each SEA run once the squared residual norm is at most ``tol``;
        None stops at an exact fit up to rounding.
    n_iter_no_change : int, default=None
        Stop each SEA run (every k of every fold, and the refit) once its
        best objective has not improved for this many iterations (see
        :class:`~sklearn_sea.SEARegressor`). None runs ``max_iter``
        iterations (or until ``tol``), as in the paper.
    fit_intercept : bool, default=True
        Fit an intercept (centre ``X`` and ``y``).
    precompute : "auto" or bool, default="auto"
        Use the Gram matrix; "auto" forms it only for dense data that fits in
        memory, never for sparse ``X``.
    positive : bool, default=False
        Nonnegative coefficients along the path and in the refit (see
        :class:`~sklearn_sea.SEARegressor`).
    n_jobs : int, default=None
        Number of folds run in parallel through joblib. None means 1 unless
        in a :obj:`joblib.parallel_backend` context; -1 uses all processors.
    verbose : bool or int, default=False
        Verbosity of the parallel fold runs.

    Attributes
    ----------
    n_nonzero_coefs_ : int or ndarray of shape (n_targets,)
        The selected number of nonzero coefficients; one per target for 2-D
        ``y`` with ``k_selection="per_target"``.
    max_n_nonzero_coefs_ : int
        Largest k tried, after defaulting and clipping.
    mse_path_ : ndarray of shape (`max_n_nonzero_coefs_`, n_folds)
        Held-out mean squared error (weighted by ``sample_weight``, averaged
        over targets) of each k and fold; row ``j`` is ``k = j + 1``. The
        layout of :class:`~sklearn.linear_model.LassoCV`'s ``mse_path_``. A
        fold whose training or test samples all have zero weight has no
        error (NaN) and is left out of the mean.
    target_mse_path_ : ndarray of shape (`max_n_nonzero_coefs_`, n_folds, n_targets)
        The same errors per target, from which ``k_selection="per_target"``
        chooses; only for 2-D ``y``.
    cv_results_ : dict of ndarrays
        The same curve as a table, in the style of
        :class:`~sklearn.model_selection.GridSearchCV`: keys
        ``"n_nonzero_coefs"``, ``"mean_test_mse"``, ``"std_test_mse"`` and
        ``"split{i}_test_mse"`` (averaged over targets), and for 2-D ``y``
        ``"mean_test_mse_target{t}"`` per target; loads into a
        :class:`pandas.DataFrame`.
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Coefficients of the refitted model.
    intercept_ : float or ndarray of shape (n_targets,)
        Intercept of the refitted model. A scalar of the dtype of ``X`` for
        1-D ``y``, an array for 2-D ``y``, and ``0.0`` when ``fit_intercept``
        is False (as in scikit-learn's linear models).
    n_iter_ : int or list of int
        Number of SEA iterations of the refit.
        One per target, in a list, for 2-D ``y`` (as scikit-learn's OMP
        and Lasso).
    best_iter_ : int or ndarray of shape (n_targets,)
        Iteration of the refit at which the returned support was found.
    loss_curve_ : ndarray of shape (`n_iter_`,) or list of such arrays
        Objective per iteration of the refit.
    n_supports_explored_ : int or ndarray of shape (n_targets,)
        Number of distinct supports the refit visited.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    SEARegressor : SEA for a given k.
    sklearn.linear_model.OrthogonalMatchingPursuitCV : The greedy counterpart.

    Notes
    -----
    With several targets each target gets its own support and, by default,
    its own k: the k minimising its held-out error. ``k_selection="shared"``
    chooses one k for all, minimising the error averaged over targets.

    With ``sample_weight``, each training fold is fitted with its weights
    and each held-out error is a weighted mean, so integer weights are
    equivalent to repeated samples for a given split.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea import SEARegressorCV
    >>> from sklearn_sea.datasets import make_compressed_sensing
    >>> X, y, coef = make_compressed_sensing(
    ...     n_samples=80, n_features=40, n_nonzero_coefs=4, noise=0.01,
    ...     random_state=0)
    >>> reg = SEARegressorCV(max_n_nonzero_coefs=8).fit(X, y)
    >>> reg.n_nonzero_coefs_
    4
    >>> bool((np.flatnonzero(reg.coef_) == np.flatnonzero(coef)).all())
    True
    """

    _parameter_constraints: dict = {
        "max_n_nonzero_coefs": [Interval(Integral, 1, None, closed="left"), None],
        "cv": ["cv_object"],
        "path_init": [StrOptions({"previous", "zero"})],
        "k_selection": [StrOptions({"per_target", "shared"})],
        "k_rule": [StrOptions({"min", "one_se"})],
        **{
            name: SEARegressor._parameter_constraints[name]
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
        "n_jobs": [Integral, None],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        max_n_nonzero_coefs=None,
        cv=None,
        path_init="previous",
        k_selection="per_target",
        k_rule="min",
        max_iter=DEFAULT_MAX_ITER,
        step_size="auto",
        tol=None,
        n_iter_no_change=None,
        fit_intercept=True,
        precompute="auto",
        positive=False,
        n_jobs=None,
        verbose=False,
    ):
        self.max_n_nonzero_coefs = max_n_nonzero_coefs
        self.cv = cv
        self.path_init = path_init
        self.k_selection = k_selection
        self.k_rule = k_rule
        self.max_iter = max_iter
        self.step_size = step_size
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.positive = positive
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _path_params(self):
        return {
            "path_init": self.path_init,
            "max_iter": self.max_iter,
            "step_size": self.step_size,
            "tol": self.tol,
            "n_iter_no_change": self.n_iter_no_change,
            "fit_intercept": self.fit_intercept,
            "precompute": self.precompute,
            "positive": self.positive,
        }

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, **params):
        """Choose k by cross-validation and refit SEA with it on all the data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. Sparse input (CSR or CSC) is never densified.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights, used in every training fold, in the
            held-out errors and in the refit.
        **params : dict
            Metadata of the ``cv`` splitter's ``split``, such as ``groups``
            for :class:`~sklearn.model_selection.GroupKFold`. With metadata
            routing enabled, routed as in
            :class:`~sklearn.linear_model.LassoCV` (the splitter receives
            what it requests, ``sample_weight`` included); without it,
            ``groups`` is passed to ``split`` (as
            :func:`~sklearn.model_selection.cross_validate` does) and any
            other name is an error.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y = validate_regression_data(self, X, y)
        weight = check_sample_weight(sample_weight, X)
        y_2d = y.reshape(y.shape[0], -1)
        max_k = _default_max_n_nonzero_coefs(self.max_n_nonzero_coefs, X.shape[1])
        cv = check_cv(self.cv)
        split_params = self._split_params(sample_weight, params)
        path_params = self._path_params()
        # Held-out errors are computed on y divided by a power of two (an
        # exact scaling): they neither overflow nor underflow for any y of
        # the float64 range, and the choice of k does not depend on its scale.
        unit = _power_of_two_unit(y_2d)
        mse_path = Parallel(n_jobs=self.n_jobs, verbose=self.verbose)(
            delayed(_sea_path_mse)(
                X, y_2d / unit, weight, train, test, max_k, path_params
            )
            for train, test in cv.split(X, y, **split_params)
        )
        # (k, fold, target): one error curve per target, in units of
        # (y / unit)^2.
        scaled_target_mse = np.moveaxis(np.array(mse_path), 0, 1)
        if np.all(np.isnan(scaled_target_mse)):
            raise ValueError(
                "Every cross-validation split has a training or test set of "
                "zero total sample_weight; no held-out error can be computed."
            )
        scaled_mse = scaled_target_mse.mean(axis=2)
        self.max_n_nonzero_coefs_ = max_k
        if self.k_selection == "per_target" and y.ndim > 1:
            self.n_nonzero_coefs_ = np.array(
                [
                    _choose_k(scaled_target_mse[:, :, t], self.k_rule)
                    for t in range(y.shape[1])
                ]
            )
        else:
            self.n_nonzero_coefs_ = _choose_k(scaled_mse, self.k_rule)
        mean_mse = np.nanmean(scaled_mse, axis=1)
        with np.errstate(over="ignore", under="ignore"):
            # Reported in the units of y squared (inf or 0 beyond 1e+-154).
            self.mse_path_ = scaled_mse * unit**2
            self.cv_results_ = {
                "n_nonzero_coefs": np.arange(1, max_k + 1),
                "mean_test_mse": mean_mse * unit**2,
                "std_test_mse": np.nanstd(scaled_mse, axis=1) * unit**2,
                **{
                    f"split{i}_test_mse": fold
                    for i, fold in enumerate(self.mse_path_.T)
                },
            }
            if y.ndim > 1:
                self.target_mse_path_ = scaled_target_mse * unit**2
                self.cv_results_.update(
                    {
                        f"mean_test_mse_target{t}": curve
                        for t, curve in enumerate(
                            np.nanmean(self.target_mse_path_, axis=1).T
                        )
                    }
                )
        self._refit(X, y, y_2d, weight)
        return self

    def _refit(self, X, y, y_2d, weight):
        """Fit the selected k as the path on all the data would reach it."""
        sea = refit_along_path(
            X, y, weight, self.n_nonzero_coefs_, **self._path_params()
        )
        for name in REFIT_ATTRIBUTES:
            setattr(self, name, getattr(sea, name))

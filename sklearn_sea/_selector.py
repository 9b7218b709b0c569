"""SEA as a feature selector after any estimator that exposes ``coef_``.

The estimator (Lasso, ElasticNet, OMP, an L1-penalised LogisticRegression, a
k-sparse estimator of this package, ...) provides the starting point; SEA
explores supports from there and keeps the best one, so the selected support
never fits the training data worse than the refit on the estimator's own
largest coefficients. The SEA run itself is delegated to
:class:`~sklearn_sea.SEARegressor` (least squares) after a regressor and to
:class:`~sklearn_sea.SEAClassifier` (penalised log-loss) after a classifier,
with ``init=<fitted estimator>``.
"""

# SPDX-License-Identifier: BSD-3-Clause

import warnings
from copy import deepcopy
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    MetaEstimatorMixin,
    _fit_context,
    clone,
    is_classifier,
)
from sklearn.exceptions import NotFittedError
from sklearn.feature_selection import SelectorMixin
from sklearn.utils import get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    has_fit_parameter,
)

from ._base import check_sample_weight, validate_regression_data
from ._classifier import DEFAULT_C, SEAClassifier
from ._classifier_base import validate_classification_data
from ._sea import SEARegressor

#: Fitted attributes the selector copies from its SEA estimator.
_SEA_ATTRIBUTES = (
    "coef_",
    "intercept_",
    "n_nonzero_coefs_",
    "n_iter_",
    "best_iter_",
    "loss_curve_",
    "n_supports_explored_",
)


def _n_nonzero(coef):
    """Largest number of nonzero coefficients over the targets."""
    coef = np.atleast_2d(np.asarray(coef))
    return int(np.count_nonzero(coef, axis=-1).max())


class SEASelector(MetaEstimatorMixin, SelectorMixin, BaseEstimator):
    """Select a k-sparse support with SEA, started from another estimator.

    The estimator is fitted (or, with ``prefit=True``, used as fitted), and
    its coefficients become the initial exploration vector of the Support
    Exploration Algorithm. SEA's first support is the estimator's k largest
    coefficients; it then explores other supports and returns the one with
    the smallest least-squares objective, so the selected support is never
    worse, on the training data, than the estimator's own. The selected
    features are those with a nonzero refined coefficient.

    After a classifier (an estimator whose ``_estimator_type`` is
    "classifier", e.g. ``LogisticRegression(l1_ratio=1, solver="liblinear")``)
    the objective is the L2-penalised log-loss of
    :class:`~sklearn_sea.SEAClassifier` instead of least squares, with one
    support shared by all classes, and ``y`` holds class labels.

    Use it like :class:`~sklearn.feature_selection.SelectFromModel`, e.g.
    between a scaler and a final regressor or classifier in a
    :class:`~sklearn.pipeline.Pipeline`.

    Read more in :ref:`replacing_lasso_omp`.

    Parameters
    ----------
    estimator : object
        Regressor exposing ``coef_`` of shape ``(n_features,)`` or
        ``(n_targets, n_features)`` after fitting: :class:`~sklearn.linear_model.Lasso`,
        :class:`~sklearn.linear_model.LassoCV`,
        :class:`~sklearn.linear_model.ElasticNet`,
        :class:`~sklearn.linear_model.OrthogonalMatchingPursuit`, a k-sparse
        estimator of this package, ...; or classifier exposing ``coef_`` of
        shape ``(1, n_features)`` or ``(n_classes, n_features)``:
        :class:`~sklearn.linear_model.LogisticRegression`,
        :class:`~sklearn.svm.LinearSVC`, :class:`~sklearn_sea.SEAClassifier`,
        ... Unfitted unless ``prefit=True``.
    n_nonzero_coefs : int or array-like of shape (n_targets,), default=None
        Number of features to select, k, or one k per target. None uses the number of nonzero
        coefficients of the fitted estimator (the largest over targets, at
        least one; after a classifier, the features with a nonzero
        coefficient for some class), which is what "refine the Lasso
        support" means; give it explicitly for a dense estimator such as
        Ridge. Values above ``n_features`` are clipped with a warning.
    prefit : bool, default=False
        Whether ``estimator`` is already fitted. It is then used as given
        (a deep copy is stored in ``estimator_``) and ``fit_params`` are
        ignored. ``fit`` must still be called with ``X, y``: SEA needs the
        data.
    max_iter : int, default=None
        Number of supports SEA evaluates at most. None is the default of the
        SEA estimator: 1000 after a regressor, 300 after a classifier.
    step_size : "auto" or float, default="auto"
        Step of SEA's exploration update, in units of the normalised problem;
        "auto" is ``1 / (L ||A||_2^2)`` (see :class:`~sklearn_sea.SEARegressor`
        and :class:`~sklearn_sea.SEAClassifier`).
    tol : float, default=None
        Regression only: stop SEA once the squared residual norm is at most
        ``tol``; None stops at an exact fit up to rounding.
    fit_intercept : bool, default=True
        Whether SEA fits an intercept (centres ``X`` and ``y``).
    precompute : "auto" or bool, default="auto"
        Regression only: whether SEA uses the Gram matrix; "auto" forms it
        only for dense data that fits in memory, never for sparse ``X``.
    C : float, default=0.1
        Classification only: inverse of the L2 regularisation strength of
        the log-loss SEA minimises, as in
        :class:`~sklearn_sea.SEAClassifier` (whose default it shares).
    class_weight : dict, "balanced" or None, default=None
        Classification only: weights of the classes in SEA's log-loss, as
        in :class:`~sklearn_sea.SEAClassifier`.

    Attributes
    ----------
    estimator_ : estimator
        The fitted estimator SEA started from.
    sea_ : SEARegressor or SEAClassifier
        The fitted SEA estimator that refined the support.
    coef_ : ndarray of shape (n_features,), (n_targets, n_features) or (n_classes, n_features)
        Refined coefficients, in the scale of ``X``; at most
        ``n_nonzero_coefs_`` nonzero per target (after a classifier, at most
        ``n_nonzero_coefs_`` nonzero columns, as ``SEAClassifier.coef_``).
    intercept_ : float or ndarray of shape (n_targets,) or (n_classes,)
        Intercept of the refined linear model. A scalar of the dtype of ``X`` for
        1-D ``y``, an array for 2-D ``y``, and ``0.0`` when ``fit_intercept``
        is False (as in scikit-learn's linear models); after a classifier,
        ``SEAClassifier.intercept_``.
    classes_ : ndarray of shape (n_classes,)
        The class labels, after a classifier only.
    n_nonzero_coefs_ : int or ndarray of shape (n_targets,)
        Support size used by SEA (per target when given per target).
    n_iter_ : int or list of int
        Number of SEA iterations run.
        One per target, in a list, for 2-D ``y`` (as scikit-learn's OMP
        and Lasso).
    best_iter_ : int or ndarray of shape (n_targets,)
        Iteration at which the selected support was found; 0 means that SEA
        found nothing better than the estimator's own support.
    loss_curve_ : ndarray of shape (`n_iter_`,) or list of such arrays
        SEA's objective ``1/2 ||y - X w_t - b_t||^2`` (weighted) per
        iteration, or the penalised log-loss after a classifier;
        ``loss_curve_[0]`` is the objective of the refit on the estimator's
        support.
    n_supports_explored_ : int or ndarray of shape (n_targets,)
        Number of distinct supports SEA visited.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    SEARegressor : SEA as a regressor, with ``init`` for a warm start.
    sklearn.feature_selection.SelectFromModel : Selection by thresholding
        the coefficients, without refinement.

    Notes
    -----
    With several targets each target gets its own support of size
    ``n_nonzero_coefs_``; the selected features are their union.

    SEA is always weighted by ``sample_weight``. The starting point is
    weighted only if the estimator accepts ``sample_weight`` (a warning says
    when it does not, e.g. for
    :class:`~sklearn.linear_model.OrthogonalMatchingPursuit`); integer weights
    are then equivalent to repeated samples.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Lasso
    >>> from sklearn_sea import SEASelector
    >>> from sklearn_sea.datasets import make_compressed_sensing
    >>> X, y, coef = make_compressed_sensing(
    ...     n_samples=60, n_features=100, n_nonzero_coefs=5, random_state=0)
    >>> selector = SEASelector(Lasso(alpha=0.05), n_nonzero_coefs=5).fit(X, y)
    >>> selector.transform(X).shape
    (60, 5)
    >>> bool((selector.get_support(indices=True) == np.flatnonzero(coef)).all())
    True
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit"])],
        "n_nonzero_coefs": [
            Interval(Integral, 1, None, closed="left"),
            "array-like",
            None,
        ],
        "prefit": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left"), None],
        **{
            name: SEARegressor._parameter_constraints[name]
            for name in ("step_size", "tol", "fit_intercept", "precompute")
        },
        "C": [Interval(Real, 0, None, closed="neither")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        estimator,
        *,
        n_nonzero_coefs=None,
        prefit=False,
        max_iter=None,
        step_size="auto",
        tol=None,
        fit_intercept=True,
        precompute="auto",
        C=DEFAULT_C,
        class_weight=None,
    ):
        self.estimator = estimator
        self.n_nonzero_coefs = n_nonzero_coefs
        self.prefit = prefit
        self.max_iter = max_iter
        self.step_size = step_size
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.C = C
        self.class_weight = class_weight

    @_fit_context(
        # The inner estimator's parameters are validated by its own fit.
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit the estimator, then refine its support with SEA.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. Sparse input (CSR or CSC) is never densified by
            SEA.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values (class labels after a classifier).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, used by SEA and passed to the estimator's ``fit``
            when it accepts them (with metadata routing enabled: when the
            estimator requests them).
        **fit_params : dict
            Other parameters of the estimator's ``fit`` (routed through
            metadata routing when it is enabled); ignored when
            ``prefit=True``.

        Returns
        -------
        self : object
            Fitted selector.
        """
        classification = is_classifier(self.estimator)
        if classification:
            X_checked, y_checked = validate_classification_data(self, X, y)
            weight = _check_sample_weight(
                sample_weight, X_checked, dtype=np.float64, ensure_non_negative=True
            )
        else:
            X_checked, y_checked = validate_regression_data(self, X, y)
            weight = check_sample_weight(sample_weight, X_checked)
        self.estimator_ = self._fitted_estimator(
            X, y, sample_weight, weight, fit_params
        )
        if not hasattr(self.estimator_, "coef_"):
            raise ValueError(
                f"estimator={type(self.estimator_).__name__} exposes no coef_ after "
                "fitting; SEASelector needs a linear model."
            )
        k = self.n_nonzero_coefs
        if classification:
            if k is None:
                # One support for all classes: the features any class uses.
                coef = np.atleast_2d(np.asarray(self.estimator_.coef_))
                k = max(int(np.count_nonzero(np.any(coef != 0, axis=0))), 1)
            self.sea_ = SEAClassifier(
                k,
                C=self.C,
                step_size=self.step_size,
                init=self.estimator_,
                fit_intercept=self.fit_intercept,
                class_weight=self.class_weight,
            )
        else:
            if k is None:
                k = max(_n_nonzero(self.estimator_.coef_), 1)
            self.sea_ = SEARegressor(
                k,
                step_size=self.step_size,
                init=self.estimator_,
                tol=self.tol,
                fit_intercept=self.fit_intercept,
                precompute=self.precompute,
            )
        if self.max_iter is not None:
            self.sea_.set_params(max_iter=self.max_iter)
        self.sea_.fit(X_checked, y_checked, sample_weight=weight)
        for name in _SEA_ATTRIBUTES + (("classes_",) if classification else ()):
            setattr(self, name, getattr(self.sea_, name))
        return self

    def _fitted_estimator(self, X, y, sample_weight, weight, fit_params):
        if self.prefit:
            try:
                check_is_fitted(self.estimator)
            except NotFittedError as exc:
                raise NotFittedError(
                    "When `prefit=True`, `estimator` is expected to be a fitted "
                    "estimator."
                ) from exc
            return deepcopy(self.estimator)
        estimator = clone(self.estimator)
        if _routing_enabled():
            routed = process_routing(
                self, "fit", sample_weight=sample_weight, **fit_params
            )
            return estimator.fit(X, y, **routed.estimator.fit)
        if sample_weight is not None:
            if has_fit_parameter(estimator, "sample_weight"):
                fit_params = {**fit_params, "sample_weight": sample_weight}
            elif np.ptp(weight) > 0:
                warnings.warn(
                    f"estimator={type(estimator).__name__} does not accept "
                    "sample_weight; it is fitted unweighted (SEA itself uses the "
                    "weights).",
                    UserWarning,
                    stacklevel=4,
                )
        return estimator.fit(X, y, **fit_params)

    def _get_support_mask(self):
        check_is_fitted(self, "coef_")
        return np.any(np.atleast_2d(self.coef_) != 0, axis=0)

    def get_metadata_routing(self):
        """Get the metadata routing of this object.

        ``sample_weight`` is always consumed by SEA, and routed to the
        estimator's ``fit`` when it requests it.

        Returns
        -------
        routing : MetadataRouter
            Routing of ``fit`` parameters to the estimator.
        """
        return (
            MetadataRouter(owner=self)
            .add_self_request(self)
            .add(
                estimator=self.estimator,
                method_mapping=MethodMapping().add(caller="fit", callee="fit"),
            )
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        # Several targets give the union of their refined supports.
        tags.target_tags.multi_output = get_tags(
            self.estimator
        ).target_tags.multi_output
        tags.input_tags.sparse = get_tags(self.estimator).input_tags.sparse
        return tags

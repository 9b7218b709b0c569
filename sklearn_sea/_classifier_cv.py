"""SEAClassifier with the number of features chosen by cross-validation.

The classification counterpart of :class:`~sklearn_sea.SEARegressorCV`,
with the same machinery: each fold runs one SEA path over
``k = 1 .. max_n_nonzero_coefs`` (each k warm-started from the solution for
k - 1 plus the feature of largest gradient, the greedy step), the held-out
score of every k is recorded, the k of best mean score is chosen by the
same rule and refitted as the path on all the data reaches it. Folds are
stratified (scikit-learn's :func:`~sklearn.model_selection.check_cv` with
``classifier=True``) and every fold's model knows all the classes, so that
the scores of folds that miss a class stay comparable.
"""

# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.metrics import get_scorer, get_scorer_names, log_loss, make_scorer
from sklearn.model_selection import check_cv
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import _check_sample_weight

from ._classifier import DEFAULT_C, DEFAULT_MAX_ITER, SEAClassifier, _sea_rows
from ._classifier_base import (
    BaseKSparseClassifier,
    ProbabilisticLinearClassifierMixin,
    check_classes,
    logistic_task,
    sample_class_weight,
    validate_classification_data,
)
from ._cv import SplitterRoutingMixin, _choose_k, _default_max_n_nonzero_coefs
from ._docstrings import fill_doc
from ._gradient_pursuit import row_norms


def sea_classifier_path(task, max_n_nonzero_coefs, *, warm_start, max_iter, step_size):
    """SEA classifier runs for ``k = 1 .. max_n_nonzero_coefs`` on one task.

    Parameters
    ----------
    task : LogisticTask
        The normalised problem.
    max_n_nonzero_coefs : int
        Last k (clipped to the features the solvers see).
    warm_start : bool
        Start each k from the best solution for k - 1, whose support is
        completed by the feature of largest gradient there; otherwise from
        the intercept-only model (each k is then ``SEAClassifier(k)``).
    max_iter : int
        SEA iterations per k.
    step_size : "auto" or float
        Step of the exploration update; "auto" is the warm-start step of
        :class:`~sklearn_sea.SEAClassifier`, one for the whole path.

    Returns
    -------
    runs : list of tuple
        ``(coef, intercept, info)`` per k in the solver's scale, as
        :func:`~sklearn_sea._classifier._sea_rows` returns them.
    """
    step = task.warm_step() if step_size == "auto" else float(step_size)
    runs, exploration = [], None
    last = min(max_n_nonzero_coefs, task.n_features)
    for k in range(1, last + 1):
        # A fresh cache of solved supports per k, as for the regressor path.
        problem = task.problem()
        coef, intercept, info = _sea_rows(
            problem, k, max_iter=max_iter, step_size=step, exploration=exploration
        )
        runs.append((coef, intercept, info))
        if warm_start and k < last:
            support = np.flatnonzero(np.any(coef != 0, axis=1))
            _, _, gradient = problem.refit_gradient(support)
            score = row_norms(gradient)
            score[support] = -np.inf
            exploration = coef.copy()
            # Exactly k + 1 nonzero rows: the next first support is this
            # one plus the greedy feature, entered by its gradient step.
            new = int(np.argmax(score))
            exploration[new] = -step * gradient[new]
            if not np.any(exploration[new]):
                # A zero gradient (a constant feature, say): any feature
                # not yet selected enters, by the order SEA breaks ties in.
                exploration[new] = np.finfo(float).tiny
    return runs


class _FixedLogisticModel(
    ProbabilisticLinearClassifierMixin, ClassifierMixin, BaseEstimator
):
    """A fitted logistic model given by its coefficients, for the scorers."""

    def __init__(self, classes, coef, intercept):
        self.classes_ = classes
        self.coef_ = coef
        self.intercept_ = intercept
        self.n_features_in_ = coef.shape[1]

    def fit(self, X, y):  # pragma: no cover - never fitted, only scored
        return self


def _path_scores(X, y, classes, sample_weight, train, test, max_k, scorer, params):
    """Held-out score of every k of one fold's path: shape (max_k,)."""
    user_weight = sample_weight
    weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
    if not (weight[test].sum() > 0 and weight[train].sum() > 0):
        # Zero-weight samples count as absent: this fold says nothing about k.
        return np.full(max_k, np.nan)
    X_train, X_test = _safe_indexing(X, train), _safe_indexing(X, test)
    y_train = y[train]
    train_weight = sample_class_weight(
        weight[train], X_train, y_train, classes, params["class_weight"]
    )
    task = logistic_task(
        X_train,
        np.searchsorted(classes, y_train),
        classes.shape[0],
        train_weight,
        params["fit_intercept"],
        params["C"],
    )
    runs = sea_classifier_path(
        task,
        max_k,
        warm_start=params["path_init"] == "previous",
        max_iter=params["max_iter"],
        step_size=params["step_size"],
    )
    # Past the distinct features (parallel columns count once) the path
    # stays at its last point.
    runs += [runs[-1]] * (max_k - len(runs))
    score_params = {} if user_weight is None else {"sample_weight": weight[test]}
    scores = np.empty(max_k)
    for k, (coef, intercept, _) in enumerate(runs):
        model = _FixedLogisticModel(classes, *task.to_original(coef, intercept))
        scores[k] = scorer(model, X_test, y[test], **score_params)
    return scores


@fill_doc
class SEAClassifierCV(SplitterRoutingMixin, BaseKSparseClassifier):
    """SEA classifier with the number of features chosen by cross-validation.

    For each cross-validation fold (stratified by default), SEA is run along
    a path ``k = 1 .. max_n_nonzero_coefs``, each k warm-started from the
    solution for k - 1, and the held-out score of every k is recorded (the
    log-loss by default). The k of best mean score over folds (the smallest
    such k on ties) is refitted on all the data. The counterpart of
    :class:`~sklearn.linear_model.LogisticRegressionCV`, with k in place of
    the L1 strength, and of :class:`SEARegressorCV` for classification.

    Read more in the :ref:`User Guide <classification_cv>`.

    Parameters
    ----------
    max_n_nonzero_coefs : int, default=None
        Largest k tried. None means 10% of the features, at least 5 and at
        most ``n_features`` (as :class:`SEARegressorCV`). Values above
        ``n_features`` are clipped with a warning.
    cv : int, cross-validation generator or iterable, default=None
        Splitting strategy, as in :func:`~sklearn.model_selection.check_cv`
        for a classifier: None is 5-fold and an int is that many folds of
        :class:`~sklearn.model_selection.StratifiedKFold`.
    scoring : str or callable, default=None
        Held-out score, higher is better: a scorer name of
        :func:`~sklearn.metrics.get_scorer_names` or a callable
        ``scorer(estimator, X, y)``. None is the negated log-loss over all
        the classes (a fold missing a class is still scored on every
        class).
    path_init : {"previous", "zero"}, default="previous"
        How each k of the path starts. "previous": from the best solution for
        k - 1 plus the feature of largest gradient there. "zero": from
        scratch, so each k is exactly ``SEAClassifier(n_nonzero_coefs=k)``.
    k_rule : {"min", "one_se"}, default="min"
        "min": the k of best mean score (the smallest such k on ties).
        "one_se": the smallest k whose mean score is within one standard
        error (over folds) of the best, a sparser model the folds cannot
        tell apart from the best one (see :class:`SEARegressorCV`).
    {{classifier_parameters}}
    max_iter : int, default=300
        Number of supports SEA evaluates, for each k.
    step_size : "auto" or float, default="auto"
        Step of SEA's exploration update, in units of the normalised problem;
        "auto" is the warm-start step of :class:`SEAClassifier`,
        ``1 / (L ||A||_2^2)``, used for the whole path.
    n_jobs : int, default=None
        Number of folds run in parallel through joblib. None means 1 unless
        in a :obj:`joblib.parallel_backend` context; -1 uses all processors.
    verbose : bool or int, default=False
        Verbosity of the parallel fold runs.

    Attributes
    ----------
    {{classifier_attributes}}
    n_nonzero_coefs_ : int
        The selected number of features.
    max_n_nonzero_coefs_ : int
        Largest k tried, after defaulting and clipping.
    scores_ : ndarray of shape (n_folds, `max_n_nonzero_coefs_`)
        Held-out score of each fold and k; column ``j`` is ``k = j + 1``
        (the layout of :class:`~sklearn.linear_model.LogisticRegressionCV`'s
        ``scores_`` for one class). A fold whose training or test samples
        all have zero weight has no score (NaN) and is left out of the mean.
    cv_results_ : dict of ndarrays
        The same scores as a table, in the style of
        :class:`~sklearn.model_selection.GridSearchCV`: keys
        ``"n_nonzero_coefs"``, ``"mean_test_score"``, ``"std_test_score"``
        and ``"split{i}_test_score"``; loads into a
        :class:`pandas.DataFrame`.
    n_iter_ : int
        Number of SEA iterations of the refit.
    best_iter_ : int
        Iteration of the refit at which the returned support was found.
    loss_curve_ : ndarray of shape (`n_iter_`,)
        Penalised objective per iteration of the refit.
    n_supports_explored_ : int
        Number of distinct supports the refit solved.
    step_size_ : float
        Step used, in units of the normalised problem (of the refit).
    {{input_attributes}}

    See Also
    --------
    SEAClassifier : SEA for a given k.
    SEARegressorCV : The same for regression.
    sklearn.linear_model.LogisticRegressionCV : The L1 strength chosen by
        cross-validation.

    Notes
    -----
    With ``sample_weight``, each training fold is fitted with its weights
    and each held-out score receives the test fold's weights, so integer
    weights are equivalent to repeated samples for a given split.
    ``class_weight`` weighs the fits, not the scores.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea import SEAClassifierCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 20))
    >>> y = (X[:, 3] - 2 * X[:, 7] + 0.3 * rng.standard_normal(200) > 0).astype(int)
    >>> clf = SEAClassifierCV(max_n_nonzero_coefs=5, max_iter=50).fit(X, y)
    >>> clf.n_nonzero_coefs_
    2
    >>> np.flatnonzero(clf.coef_[0])
    array([3, 7])
    """

    _parameter_constraints: dict = {
        **BaseKSparseClassifier._parameter_constraints,
        "max_n_nonzero_coefs": [Interval(Integral, 1, None, closed="left"), None],
        "cv": ["cv_object"],
        "scoring": [StrOptions(set(get_scorer_names())), callable, None],
        "path_init": [StrOptions({"previous", "zero"})],
        "k_rule": [StrOptions({"min", "one_se"})],
        "max_iter": SEAClassifier._parameter_constraints["max_iter"],
        "step_size": SEAClassifier._parameter_constraints["step_size"],
        "n_jobs": [Integral, None],
        "verbose": ["verbose"],
    }
    del _parameter_constraints["n_nonzero_coefs"]

    def __init__(
        self,
        *,
        max_n_nonzero_coefs=None,
        cv=None,
        scoring=None,
        path_init="previous",
        k_rule="min",
        C=DEFAULT_C,
        fit_intercept=True,
        class_weight=None,
        max_iter=DEFAULT_MAX_ITER,
        step_size="auto",
        n_jobs=None,
        verbose=False,
    ):
        self.max_n_nonzero_coefs = max_n_nonzero_coefs
        self.cv = cv
        self.scoring = scoring
        self.path_init = path_init
        self.k_rule = k_rule
        self.C = C
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.step_size = step_size
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _path_params(self):
        return {
            "path_init": self.path_init,
            "max_iter": self.max_iter,
            "step_size": self.step_size,
            "C": self.C,
            "fit_intercept": self.fit_intercept,
            "class_weight": self.class_weight,
        }

    def _scorer(self, classes):
        if self.scoring is None:
            return make_scorer(
                log_loss,
                greater_is_better=False,
                response_method="predict_proba",
                labels=classes,
            )
        return get_scorer(self.scoring)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, **params):
        """Choose k by cross-validation and refit SEA with it on all the data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; CSR or CSC input is never densified.
        y : array-like of shape (n_samples,)
            Class labels (integers or strings).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights, used in every training fold, in the
            held-out scores and in the refit.
        **params : dict
            Metadata of the ``cv`` splitter's ``split``, such as ``groups``
            for :class:`~sklearn.model_selection.GroupKFold`, routed as by
            :class:`SEARegressorCV`.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y = validate_classification_data(self, X, y)
        classes, _ = check_classes(self, y)
        # Checked on all the data before any fold runs.
        sample_class_weight(sample_weight, X, y, classes, self.class_weight)
        max_k = _default_max_n_nonzero_coefs(self.max_n_nonzero_coefs, X.shape[1])
        cv = check_cv(self.cv, y, classifier=True)
        split_params = self._split_params(sample_weight, params)
        scorer = self._scorer(classes)
        path_params = self._path_params()
        scores = Parallel(n_jobs=self.n_jobs, verbose=self.verbose)(
            delayed(_path_scores)(
                X, y, classes, sample_weight, train, test, max_k, scorer, path_params
            )
            for train, test in cv.split(X, y, **split_params)
        )
        scores = np.array(scores)
        if np.all(np.isnan(scores)):
            raise ValueError(
                "Every cross-validation split has a training or test set of "
                "zero total sample_weight; no held-out score can be computed."
            )
        self.scores_ = scores
        self.max_n_nonzero_coefs_ = max_k
        # The rule of SEARegressorCV, on the negated scores as errors.
        k = _choose_k(-scores.T, self.k_rule)
        self.cv_results_ = {
            "n_nonzero_coefs": np.arange(1, max_k + 1),
            "mean_test_score": np.nanmean(scores, axis=0),
            "std_test_score": np.nanstd(scores, axis=0),
            **{f"split{i}_test_score": fold for i, fold in enumerate(scores)},
        }
        self._refit(X, y, classes, sample_weight, k)
        return self

    def _refit(self, X, y, classes, sample_weight, k):
        """The path's point at k on all the data."""
        self.classes_, encoded = classes, np.searchsorted(classes, y)
        weight = sample_class_weight(sample_weight, X, y, classes, self.class_weight)
        task = logistic_task(
            X, encoded, classes.shape[0], weight, self.fit_intercept, self.C
        )
        runs = sea_classifier_path(
            task,
            k,
            warm_start=self.path_init == "previous",
            max_iter=self.max_iter,
            step_size=self.step_size,
        )
        coef, intercept, info = runs[-1]
        self.coef_, self.intercept_ = task.to_original(coef, intercept)
        self.n_nonzero_coefs_ = k
        self.n_iter_ = info["n_iter"]
        self.best_iter_ = info["best_iter"]
        self.loss_curve_ = info["loss_curve"]
        self.n_supports_explored_ = info["n_supports_explored"]
        self.step_size_ = (
            task.warm_step() if self.step_size == "auto" else float(self.step_size)
        )

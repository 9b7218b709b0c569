"""k-sparse logistic regression by SEA: binary, and multinomial on one shared support.

The exploration variable is a matrix of shape ``(n_features, n_outputs)``
(one column for the binary model, one per class for the multinomial one);
a support is the k rows of largest Euclidean norm, so that the k features
are those of every class. Each support is solved by
:class:`~sklearn_sea._core._support_logistic.SupportLogistic` (Newton, warm
started, cached), and the exploration matrix moves along the gradient of the
log-loss at that solution, as SEA's least-squares loop moves along that of
the squared loss. The L2 term regularises the fit on a support; it is not
part of the exploration step, whose gradient on the support is then
``-penalty * coef``: the features in use keep growing in the exploration
matrix with their coefficients instead of freezing.
"""

# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from ._classifier_base import (
    BaseKSparseClassifier,
    logistic_problem,  # noqa: F401 (its former home)
)
from ._core import top_k
from ._init_estimator import InitEstimatorMixin
from ._sea import check_init_coef

#: Default number of SEA iterations of the classifier.
DEFAULT_MAX_ITER = 300
#: Default inverse L2 strength of the classifier (measured, see ``C``).
DEFAULT_C = 0.1


def _row_norms(exploration):
    if exploration.shape[1] == 1:
        return exploration[:, 0]
    return np.einsum("ij,ij->i", exploration, exploration)


def _sea_rows(problem, k, *, max_iter, step_size, exploration=None):
    """SEA with a matrix exploration variable; supports are top-k rows by norm.

    Parameters
    ----------
    problem : SupportLogistic
        The support-restricted problem.
    k : int
        Support size.
    max_iter : int
        Supports evaluated at most.
    step_size : float
        Step of the exploration update.
    exploration : ndarray of shape (n_features, n_outputs) or None
        Warm start (normalised coefficients); None starts from
        ``step_size * (-gradient)`` at the intercept-only model.

    Returns
    -------
    coef : ndarray of shape (n_features, n_outputs)
        The solution on the support of the smallest objective seen, refined
        by :meth:`SupportLogistic.solve_final`.
    intercept : ndarray of shape (n_outputs,)
    info : dict
        ``n_iter``, ``best_iter``, ``loss_curve``, ``n_supports_explored``.

    Notes
    -----
    The exploration moves by ``step_size`` times
    :meth:`SupportLogistic.refit_gradient`, the log-loss gradient without
    the L2 term. The signature is stable: other k-sparse classifiers of the
    package call it with a problem from :func:`logistic_problem`.
    """
    if exploration is None or not np.any(exploration):
        exploration = step_size * problem.Aty
        support = top_k(_row_norms(exploration), k)
    else:
        exploration = np.array(exploration, dtype=np.float64)
        norms = _row_norms(exploration)
        active = np.flatnonzero(norms)
        if active.shape[0] < k:
            # Fewer rows than k in the warm start: the rest by the
            # steepest-descent direction at the intercept-only model.
            priority = np.abs(_row_norms(problem.Aty))
            priority[active] = np.inf
            norms = priority
        support = top_k(norms, k)
    loss_curve = np.empty(max_iter)
    solver = problem.binary_solver() if exploration.shape[1] == 1 else None
    if solver is not None and 0 < k < problem.n_features and max_iter >= 1:
        # The same iterations, compiled: no Python call per iteration.
        column = np.ascontiguousarray(exploration[:, 0])
        best_iter, best_support, entry = solver.search(
            problem, column, support, max_iter, step_size, problem.gtol, loss_curve
        )
        best = (entry[2], best_iter, best_support, entry[0], entry[1])
    else:
        best = _explore_rows(
            problem, support, k, max_iter, step_size, exploration, loss_curve
        )
    _, best_iter, best_support, best_coef, best_intercept = best
    best_coef, best_intercept, _ = problem.solve_final(
        best_support, best_coef, best_intercept
    )
    coef = np.zeros((problem.n_features, problem.n_outputs))
    coef[best_support] = best_coef
    info = {
        "n_iter": max_iter,
        "best_iter": best_iter,
        "loss_curve": loss_curve,
        "n_supports_explored": problem.n_solved,
    }
    return coef, best_intercept.copy(), info


def _explore_rows(problem, support, k, max_iter, step_size, exploration, loss_curve):
    """The iterations of :func:`_sea_rows`; returns the best visit.

    ``(value, iteration, support, coef, intercept)``; ``loss_curve`` is
    filled and ``exploration`` updated in place.
    """
    best = (np.inf, 0, support, None, None)
    previous_key, gradient, value = None, None, np.inf
    for t in range(max_iter):
        if t > 0:
            support = top_k(_row_norms(exploration), k)
        key = support.tobytes()
        if key != previous_key:
            # A repeated support repeats its refit and its step: both come
            # from the problem's cache.
            coef, value, gradient = problem.refit_gradient(support)
            # A revisited support solved again after its eviction from the
            # cache may differ at round-off: the first visit stays the best.
            if best[3] is None or value < best[0] - 1e-12 * abs(best[0]):
                best = (value, t, support, coef, problem.intercept(support))
            previous_key = key
        loss_curve[t] = value
        exploration -= step_size * gradient
    return best


class SEAClassifier(InitEstimatorMixin, BaseKSparseClassifier):
    """Logistic regression with at most k features, fitted by SEA.

    The Support Exploration Algorithm for the log-loss: an exploration
    matrix (one column per class, a single column for two classes) selects
    the k features whose rows have the largest norm, the L2-penalised
    logistic model is fitted on them by Newton's method, and the exploration
    matrix moves along the gradient of the log-loss at that model. The
    support of the smallest penalised objective seen in ``max_iter``
    iterations is returned. With more than two
    classes the model is multinomial and the k features are shared by all
    classes: ``coef_`` has k nonzero columns.

    Read more in the :ref:`User Guide <classification>`.

    Parameters
    ----------
    n_nonzero_coefs : int, default=None
        Number of features k. None means ``ceil(sqrt(n_features))``. Values
        above ``n_features`` are clipped with a warning.
    C : float, default=0.1
        Inverse of the L2 regularisation strength, as in
        :class:`~sklearn.linear_model.LogisticRegression`: the objective is
        ``C * sum_i s_i log-loss_i + ||w||^2 / 2`` with ``s_i`` the sample
        (times class) weights, on the coefficients in the scale of ``X``
        (the intercept is not penalised). On a fixed support the model is
        LogisticRegression's on those columns. The term keeps the
        coefficients finite on separable data, and steadies the exploration:
        SEA steps along the log-loss gradient, which on the support is
        ``-w / C`` at the solution, so that features in use keep growing in
        the exploration matrix in proportion to their coefficients. The
        default is ten times LogisticRegression's penalty: on the AR
        problems of ``benchmarks/classification.py`` (20 problems each) it
        misses fewer features of the teacher than ``C=1`` (see the
        benchmarks README), with the same held-out accuracy. A large ``C``
        nearly removes the term, and with it this steadying.
    max_iter : int, default=300
        Number of supports evaluated (SEA iterations).
    step_size : "auto" or float, default="auto"
        Step of the exploration update, in units of the normalised problem.
        "auto" is ``1 / (L ||A||_2^2)``, ``A`` the normalised weighted design
        and ``L`` the curvature bound of the loss (1/4 binary, 1/2
        multinomial). With ``init=None`` the result does not depend on it:
        the start is scaled by the step too.
    init : None, array-like or classifier, default=None
        Initial exploration matrix: None starts from the gradient at the
        intercept-only model; an array of coefficients in the scale of ``X``
        (shape ``(n_features,)`` or ``coef_``'s shape); a classifier exposing
        ``coef_`` (e.g. an L1-penalised LogisticRegression) is used as
        fitted if fitted, else fitted on the same data. SEA then starts from
        its support.
    fit_intercept : bool, default=True
        Fit one intercept per class (per model for two classes).
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied with ``sample_weight``, as in
        LogisticRegression.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Coefficients, at most ``n_nonzero_coefs_`` nonzero columns.
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts.
    n_nonzero_coefs_ : int
        Support size used after defaulting and clipping.
    n_iter_ : int
        Number of iterations run.
    best_iter_ : int
        Iteration at which the returned support was found.
    loss_curve_ : ndarray of shape (`n_iter_`,)
        Penalised objective ``sum_i s_i log-loss_i + ||w||^2 / (2 C)`` on
        the support of each iteration.
    n_supports_explored_ : int
        Number of distinct supports solved.
    step_size_ : float
        Step used, in units of the normalised problem.
    init_estimator_ : estimator
        The fitted initial classifier, when ``init`` is an estimator.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    SEARegressor : SEA for regression.
    sklearn.linear_model.LogisticRegression : With ``penalty="l1"``, the
        usual way to select features for a classifier.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea import SEAClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 30))
    >>> y = (X[:, 3] - 2 * X[:, 7] + 0.3 * rng.standard_normal(200) > 0).astype(int)
    >>> clf = SEAClassifier(n_nonzero_coefs=2, max_iter=50).fit(X, y)
    >>> np.flatnonzero(clf.coef_[0])
    array([3, 7])
    >>> bool(clf.score(X, y) > 0.9)
    True
    """

    _parameter_constraints: dict = {
        "n_nonzero_coefs": [Interval(Integral, 1, None, closed="left"), None],
        "C": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "step_size": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither")],
        "init": ["array-like", None, HasMethods(["fit"])],
        "fit_intercept": ["boolean"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        n_nonzero_coefs=None,
        *,
        C=DEFAULT_C,
        max_iter=DEFAULT_MAX_ITER,
        step_size="auto",
        init=None,
        fit_intercept=True,
        class_weight=None,
    ):
        self.n_nonzero_coefs = n_nonzero_coefs
        self.C = C
        self.max_iter = max_iter
        self.step_size = step_size
        self.init = init
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight

    def fit(self, X, y, sample_weight=None):
        """Fit the k-sparse logistic model with SEA.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; CSR or CSC input is never densified.
        y : array-like of shape (n_samples,)
            Class labels (integers or strings).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; a weight of 2 counts a sample twice. Passed
            to the ``fit`` of an unfitted ``init`` estimator when it accepts
            them (with metadata routing enabled: when it requests them), as
            :class:`SEARegressor` does.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        with self._keep_user_weight(sample_weight):
            return super().fit(X, y, sample_weight)

    def _search(self, problem, k, data):
        task = data.task
        exploration = self._initial_exploration(
            data.X, data.y, data.sample_weight, task.prepared, task.Y
        )
        warm = exploration is not None and np.any(exploration)
        if self.step_size != "auto":
            step = float(self.step_size)
        elif warm:
            step = task.warm_step()
        else:
            # A zero start: the supports do not depend on the step.
            step = 1.0
        self.step_size_ = step
        return _sea_rows(
            problem, k, max_iter=self.max_iter, step_size=step, exploration=exploration
        )

    def _initial_exploration(self, X, y, sample_weight, prepared, Y):
        """The warm start in normalised coordinates, shape (n_features, n_outputs)."""
        if self.init is None:
            return None
        if hasattr(self.init, "fit"):
            coef = self._fitted_init_coef(X, y, sample_weight)
        else:
            coef = np.asarray(self.init, dtype=np.float64)
        n_outputs = Y.shape[1]
        coef = check_init_coef(coef, X.shape[1], n_outputs)
        return np.column_stack(
            [prepared.to_normalized(coef[c], 0) for c in range(n_outputs)]
        )

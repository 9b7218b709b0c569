"""Baseline k-sparse classifiers: gradient OMP and gradient HTP.

Thin estimators over the kernels of :mod:`sklearn_sea._gradient_pursuit`;
the model (penalised logistic regression on k features shared by all
classes), the support solver and the scikit-learn plumbing are those of
:class:`~sklearn_sea._classifier_base.BaseKSparseClassifier`, shared with
:class:`~sklearn_sea.SEAClassifier`, so that the three differ only in how
they search supports.
"""

# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, StrOptions

from ._classifier import DEFAULT_C
from ._classifier_base import CURVATURE, BaseKSparseClassifier
from ._docstrings import fill_doc
from ._gradient_pursuit import _gradient_htp, _gradient_omp

#: Cap on the supports GraHTP evaluates (it usually stops on a repeat long
#: before), as for the regression baselines.
DEFAULT_MAX_ITER = 1000


@fill_doc
class OMPClassifier(BaseKSparseClassifier):
    """Greedy forward selection of k features for logistic regression.

    The classification counterpart of Orthogonal Matching Pursuit (often
    called gradient OMP): k steps, each adding the feature whose gradient of
    the penalised log-loss is largest (the Euclidean norm of its row of
    gradients, one per class, in the multinomial model) and refitting the
    model on the selected features. The first feature is the one of largest
    gradient at the intercept-only model. Features are normalised
    internally, so the selection does not depend on their scales.

    Read more in the :ref:`User Guide <classification_baselines>`.

    Parameters
    ----------
    {{classifier_k}}
    {{classifier_parameters}}

    Attributes
    ----------
    {{classifier_attributes}}
    n_nonzero_coefs_ : int
        Support size used after defaulting and clipping.
    n_iter_ : int
        Number of features added (``n_nonzero_coefs_``).
    best_iter_ : int
        Index of the returned step in ``loss_curve_`` (the last one).
    loss_curve_ : ndarray of shape (`n_iter_`,)
        Penalised objective ``sum_i s_i log-loss_i + ||w||^2 / (2 C)`` after
        each step.
    n_supports_explored_ : int
        Number of supports fitted (one per step).
    {{input_attributes}}

    See Also
    --------
    SEAClassifier : Explores supports from the same first gradient.
    HTPClassifier : Hard thresholding of gradient steps.
    OMPRegressor : The least-squares version.

    References
    ----------
    T. Zhang, "Sparse recovery with orthogonal matching pursuit under RIP",
    IEEE Transactions on Information Theory 57(9), 2011 (greedy selection
    for general losses).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea import OMPClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 30))
    >>> y = (X[:, 3] - 2 * X[:, 7] + 0.3 * rng.standard_normal(200) > 0).astype(int)
    >>> clf = OMPClassifier(n_nonzero_coefs=2).fit(X, y)
    >>> np.flatnonzero(clf.coef_[0])
    array([3, 7])
    """

    def __init__(
        self,
        n_nonzero_coefs=None,
        *,
        C=DEFAULT_C,
        fit_intercept=True,
        class_weight=None,
    ):
        self.n_nonzero_coefs = n_nonzero_coefs
        self.C = C
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight

    def _search(self, problem, k, data):
        return _gradient_omp(problem, k)


@fill_doc
class HTPClassifier(BaseKSparseClassifier):
    """Gradient hard-thresholding pursuit (GraHTP) with k features.

    Hard Thresholding Pursuit for the penalised log-loss: each iteration
    keeps the k largest rows of the gradient step ``x - eta grad F(x)`` (by
    Euclidean norm over the classes, in the normalised problem), refits the
    model on them, and stops when a support repeats; the best support seen
    is returned. The first support is the k largest gradients at the
    intercept-only model.

    Read more in the :ref:`User Guide <classification_baselines>`.

    Parameters
    ----------
    {{classifier_k}}
    {{classifier_parameters}}
    max_iter : int, default=1000
        Number of supports evaluated at most.
    step_size : "auto" or float, default="auto"
        Step ``eta`` in units of the normalised problem (unit-norm columns).
        "auto" is ``1 / L`` with ``L`` the curvature bound of the loss (1/4
        binary, 1/2 multinomial): Foucart's unit step for least squares,
        rescaled to the loss's curvature.

    Attributes
    ----------
    {{classifier_attributes}}
    n_nonzero_coefs_ : int
        Support size used after defaulting and clipping.
    n_iter_ : int
        Number of supports evaluated.
    best_iter_ : int
        Iteration at which the returned support was found.
    loss_curve_ : ndarray of shape (`n_iter_`,)
        Penalised objective ``sum_i s_i log-loss_i + ||w||^2 / (2 C)`` at
        each iteration.
    n_supports_explored_ : int
        Number of distinct supports visited.
    step_size_ : float
        Step used, in units of the normalised problem.
    {{input_attributes}}

    See Also
    --------
    SEAClassifier : Accumulates the gradient steps instead of restarting them.
    OMPClassifier : Greedy forward selection.
    HTPRegressor : The least-squares version.

    References
    ----------
    X.-T. Yuan, P. Li, T. Zhang, "Gradient Hard Thresholding Pursuit for
    Sparsity-Constrained Optimization", ICML 2014.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea import HTPClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 30))
    >>> y = (X[:, 3] - 2 * X[:, 7] + 0.3 * rng.standard_normal(200) > 0).astype(int)
    >>> clf = HTPClassifier(n_nonzero_coefs=2).fit(X, y)
    >>> np.flatnonzero(clf.coef_[0])
    array([3, 7])
    """

    _parameter_constraints: dict = {
        **BaseKSparseClassifier._parameter_constraints,
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "step_size": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        n_nonzero_coefs=None,
        *,
        C=DEFAULT_C,
        fit_intercept=True,
        class_weight=None,
        max_iter=DEFAULT_MAX_ITER,
        step_size="auto",
    ):
        self.n_nonzero_coefs = n_nonzero_coefs
        self.C = C
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.step_size = step_size

    def _search(self, problem, k, data):
        if self.step_size == "auto":
            step = 1.0 / CURVATURE[data.task.multinomial]
        else:
            step = float(self.step_size)
        self.step_size_ = step
        return _gradient_htp(problem, k, step_size=step, max_iter=self.max_iter)

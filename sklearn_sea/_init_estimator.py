"""A fitted estimator as SEA's warm start: one path for regressors and classifiers.

SEA accepts ``init=`` an estimator exposing ``coef_`` (a Lasso, an L1
LogisticRegression, ...). A fitted one is used as is; an unfitted one is
cloned and fitted on the training data, and its ``fit`` receives
``sample_weight`` the way scikit-learn routes metadata: with routing enabled,
only when the estimator requests it; without, whenever the estimator accepts
it (with a warning when it cannot take non-uniform weights).
"""

# SPDX-License-Identifier: BSD-3-Clause

import warnings
from contextlib import contextmanager

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.validation import check_is_fitted, has_fit_parameter


class InitEstimatorMixin:
    """Fitting of an ``init`` estimator and the routing of ``sample_weight`` to it.

    The estimator's ``fit`` runs its work inside
    ``with self._keep_user_weight(sample_weight):``, so that the init estimator sees the weights as the user gave them (None
    included), not the validated all-ones array: metadata routing decides on
    what was passed.
    """

    @contextmanager
    def _keep_user_weight(self, sample_weight):
        self._user_sample_weight = sample_weight
        try:
            yield
        finally:
            del self._user_sample_weight

    def _fitted_init_coef(self, X, y, sample_weight):
        """``coef_`` of ``init``, fitted on ``(X, y)`` first if it is not fitted."""
        try:
            check_is_fitted(self.init)
            estimator = self.init
        except NotFittedError:
            estimator = clone(self.init)
            estimator.fit(X, y, **self._init_fit_params(estimator, sample_weight))
        if not hasattr(estimator, "coef_"):
            raise ValueError(
                f"init={type(self.init).__name__} exposes no coef_ after fitting; "
                "pass an estimator with a coef_ attribute or an array."
            )
        self.init_estimator_ = estimator
        return np.asarray(estimator.coef_, dtype=np.float64)

    def _init_fit_params(self, estimator, weight):
        """The metadata the unfitted ``init`` estimator's ``fit`` receives."""
        given = getattr(self, "_user_sample_weight", None)
        if _routing_enabled():
            # Only what the estimator requested; an unset request for passed
            # weights is scikit-learn's error.
            return process_routing(self, "fit", sample_weight=given).init.fit
        if given is None:
            return {}
        if has_fit_parameter(estimator, "sample_weight"):
            return {"sample_weight": weight}
        if np.ptp(weight) > 0:
            warnings.warn(
                f"init={type(estimator).__name__} does not accept "
                "sample_weight; it is fitted unweighted (SEA itself "
                "uses the weights).",
                UserWarning,
                stacklevel=5,
            )
        return {}

    def get_metadata_routing(self):
        """Get the metadata routing of this object.

        ``sample_weight`` is always consumed by SEA, and routed to the
        ``fit`` of an unfitted ``init`` estimator when it requests it.

        Returns
        -------
        routing : MetadataRouter
            Routing of ``fit`` parameters to ``init``.
        """
        router = MetadataRouter(owner=self).add_self_request(self)
        if hasattr(self.init, "fit"):
            router.add(
                init=self.init,
                method_mapping=MethodMapping().add(caller="fit", callee="fit"),
            )
        return router

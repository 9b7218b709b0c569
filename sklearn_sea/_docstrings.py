"""Docstring fragments shared by the k-sparse estimators.

The baselines document the same parameters and attributes in the same
words; each sentence is written once here. A class docstring holds a
placeholder line ``{{name}}`` where a fragment goes, and :func:`fill_doc`
replaces it with the fragment at the placeholder's indentation.
"""

# SPDX-License-Identifier: BSD-3-Clause

import re
import textwrap

FRAGMENTS = {
    "n_nonzero_coefs": """\
n_nonzero_coefs : int or array-like of shape (n_targets,), default=None
    Number of nonzero coefficients k, or one k per target (column of
    ``y``). None means 10% of the features (at least one). Values above
    ``n_features`` are clipped with a warning.
""",
    "data_parameters": """\
fit_intercept : bool, default=True
    Fit an intercept (centre ``X`` and ``y``).
precompute : "auto" or bool, default="auto"
    Use the Gram matrix of the normalised design. "auto" forms it for
    dense data that fits ``GRAM_MAX_BYTES`` (256 MiB).
""",
    "positive": """\
positive : bool, default=False
    Constrain the coefficients to be nonnegative (the intercept is not
    constrained): supports are chosen among the positive entries and fitted
    by nonnegative least squares.
""",
    "coef_attributes": """\
coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    Coefficients, at most ``n_nonzero_coefs_`` nonzero per target.
intercept_ : float or ndarray of shape (n_targets,)
    Independent term. A scalar of the dtype of ``X`` for
    1-D ``y``, an array for 2-D ``y``, and ``0.0`` when ``fit_intercept``
    is False (as in scikit-learn's linear models).
""",
    "classifier_k": """\
n_nonzero_coefs : int, default=None
    Number of features k, shared by all classes. None means
    ``ceil(sqrt(n_features))``. Values above ``n_features`` are clipped
    with a warning.
""",
    "classifier_parameters": """\
C : float, default=0.1
    Inverse of the L2 regularisation strength, as in
    :class:`~sklearn.linear_model.LogisticRegression`: the objective is
    ``C * sum_i s_i log-loss_i + ||w||^2 / 2`` with ``s_i`` the sample
    (times class) weights, on the coefficients in the scale of ``X`` (the
    intercept is not penalised). On a fixed support the model is
    LogisticRegression's on those columns. The default is
    :class:`SEAClassifier`'s, so that the classifiers fit the same model.
fit_intercept : bool, default=True
    Fit one intercept per class (per model for two classes).
class_weight : dict, "balanced" or None, default=None
    Weights of the classes, multiplied with ``sample_weight``, as in
    LogisticRegression.
""",
    "classifier_attributes": """\
classes_ : ndarray of shape (n_classes,)
    The class labels.
coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
    Coefficients, at most ``n_nonzero_coefs_`` nonzero columns (features
    shared by every class).
intercept_ : ndarray of shape (1,) or (n_classes,)
    Intercepts.
""",
    "input_attributes": """\
n_features_in_ : int
    Number of features seen during fit.
feature_names_in_ : ndarray of shape (`n_features_in_`,)
    Names of features seen during fit, when ``X`` has string column names.
""",
}

_PLACEHOLDER = re.compile(r"^( *)\{\{(\w+)\}\}\n", re.MULTILINE)


def fill_doc(cls):
    """Class decorator: replace the ``{{name}}`` lines of the docstring."""

    def fragment(match):
        return textwrap.indent(FRAGMENTS[match.group(2)], match.group(1))

    cls.__doc__ = _PLACEHOLDER.sub(fragment, cls.__doc__)
    return cls

"""scikit-learn's estimator checks on every public estimator of the package.

The estimators are discovered from ``sklearn_sea.__all__``, so an estimator
exported tomorrow is checked without editing this file; each is checked with
its defaults and with the variants that take other code paths (no intercept,
other datafits, other initialisations).
"""

from sklearn.linear_model import ElasticNet, Lasso, LogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_sea import (
    BinaryHeavisideRegressor,
    CoSaMPRegressor,
    HTPRegressor,
    IHTRegressor,
    SEAClassifier,
    SEAClassifierCV,
    SEARegressor,
    SEARegressorCV,
    SEARegressorIC,
    SEASelector,
    SPRegressor,
)
from sklearn_sea.datafits import Huber

from _public_api import public_estimator_classes

#: Parameters without a default, per class, and settings that keep the
#: checks fast where the defaults fit many models per check (5 folds times
#: 5 support sizes times 300 supports): the checks' verdicts do not depend
#: on them (SEAClassifierCV() with its defaults passes them too).
REQUIRED = {
    SEASelector: {"estimator": Lasso(alpha=0.01)},
    SEAClassifierCV: {"max_n_nonzero_coefs": 3, "max_iter": 15, "cv": 3},
}

#: Further settings that reach other code paths.
VARIANTS = [
    SEARegressor(max_iter=50, tol=0, fit_intercept=False),
    SEARegressor(datafit=Huber(), max_iter=30),
    SEARegressor(datafit=Huber(delta=0.1), max_iter=30, fit_intercept=False),
    SEARegressorCV(path_init="zero", max_n_nonzero_coefs=2, cv=3, max_iter=50),
    SEARegressorIC(max_iter=30),
    SEARegressor(positive=True, max_iter=30),
    IHTRegressor(positive=True, max_iter=50),
    HTPRegressor(positive=True, max_iter=50),
    CoSaMPRegressor(positive=True, max_iter=50),
    SPRegressor(positive=True, max_iter=50),
    # Weighted fits equal repeated samples only if the estimator itself
    # accepts sample_weight, which OrthogonalMatchingPursuit does not.
    SEASelector(ElasticNet(alpha=0.01), n_nonzero_coefs=2, max_iter=50),
    SEASelector(SEARegressor(2, max_iter=20), max_iter=50),
    SEASelector(LogisticRegression(), n_nonzero_coefs=2, max_iter=10),
    SEAClassifier(3, C=10.0, max_iter=30),
    BinaryHeavisideRegressor(
        surrogate="clipped_relu", learning_rate="constant", max_iter=20
    ),
]

ESTIMATORS = [cls(**REQUIRED.get(cls, {})) for cls in public_estimator_classes()]


def test_every_public_estimator_is_checked():
    checked = {type(estimator) for estimator in ESTIMATORS}
    assert checked == set(public_estimator_classes())
    assert SEARegressor in checked and len(checked) >= 11


@parametrize_with_checks(ESTIMATORS + VARIANTS)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_docstring_fragments_are_filled_in():
    for cls in public_estimator_classes():
        assert "{{" not in cls.__doc__, cls.__name__
        if "n_nonzero_coefs" in cls.__init__.__code__.co_varnames:
            assert "n_nonzero_coefs : int" in cls.__doc__, cls.__name__

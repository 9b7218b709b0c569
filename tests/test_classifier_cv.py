"""SEAClassifierCV: folds, scores against a plain loop, the path, the chosen
k, metadata routing and bad input."""

import numpy as np
import pytest
import sklearn
from joblib import parallel_config
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold

from sklearn_sea import SEAClassifier, SEAClassifierCV
from sklearn_sea._classifier_base import logistic_task
from sklearn_sea._classifier_cv import sea_classifier_path


def _binary(seed=0, n_samples=120, n_features=12):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    z = 2 * X[:, 2] - 2 * X[:, 5] + 1.5 * X[:, 8]
    y = (z + 0.5 * rng.standard_normal(n_samples) > 0).astype(int)
    return X, y


def _three_classes(seed=0, n_samples=150, n_features=10):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    scores = np.column_stack((2 * X[:, 1], 2 * X[:, 4], -X[:, 1] - X[:, 4]))
    y = np.argmax(scores + 0.4 * rng.standard_normal(scores.shape), axis=1)
    return X, np.array(["x", "y", "z"])[y]


def test_zero_path_scores_are_those_of_sea_classifier_per_k():
    X, y = _three_classes()
    folds = list(StratifiedKFold(3).split(X, y))
    clf = SEAClassifierCV(
        max_n_nonzero_coefs=3, cv=folds, path_init="zero", max_iter=20
    ).fit(X, y)
    for i, (train, test) in enumerate(folds):
        for k in range(1, 4):
            fitted = SEAClassifier(k, max_iter=20).fit(X[train], y[train])
            expected = -log_loss(y[test], fitted.predict_proba(X[test]))
            assert clf.scores_[i, k - 1] == pytest.approx(expected, rel=1e-6)
    assert clf.scores_.shape == (3, 3)
    np.testing.assert_allclose(clf.cv_results_["mean_test_score"], clf.scores_.mean(0))
    np.testing.assert_array_equal(clf.cv_results_["split1_test_score"], clf.scores_[1])


def test_chooses_the_true_k_and_refits_on_all_the_data():
    X, y = _binary(seed=1)
    clf = SEAClassifierCV(max_n_nonzero_coefs=5, max_iter=30).fit(X, y)
    assert clf.n_nonzero_coefs_ == 3 and clf.max_n_nonzero_coefs_ == 5
    np.testing.assert_array_equal(np.flatnonzero(clf.coef_[0]), [2, 5, 8])
    refit = SEAClassifier(3, max_iter=30).fit(X, y)
    np.testing.assert_allclose(clf.coef_, refit.coef_, atol=1e-6)
    assert clf.cv_results_["mean_test_score"].argmax() == 2
    X3, y3 = _three_classes(seed=1)
    multi = SEAClassifierCV(max_n_nonzero_coefs=4, max_iter=30, k_rule="one_se")
    multi.fit(X3, y3)
    np.testing.assert_array_equal(multi.classes_, ["x", "y", "z"])
    np.testing.assert_array_equal(np.flatnonzero(np.any(multi.coef_, 0)), [1, 4])
    assert multi.predict_proba(X3).shape == (150, 3)


def test_one_se_rule_keeps_the_sparser_model():
    # On this draw a fourth feature lowers the held-out log-loss by less
    # than the folds can resolve.
    X, y = _binary(seed=0)
    params = dict(max_n_nonzero_coefs=5, max_iter=30)
    best = SEAClassifierCV(**params).fit(X, y)
    sparse = SEAClassifierCV(k_rule="one_se", **params).fit(X, y)
    np.testing.assert_array_equal(best.scores_, sparse.scores_)
    assert best.n_nonzero_coefs_ == 4 and sparse.n_nonzero_coefs_ == 3
    np.testing.assert_array_equal(np.flatnonzero(sparse.coef_[0]), [2, 5, 8])


def test_warm_path_never_fits_worse_with_more_features():
    X, y = _three_classes(seed=2)
    encoded = np.unique(y, return_inverse=True)[1]
    task = logistic_task(X, encoded, 3, np.ones(X.shape[0]), True, 1.0)
    runs = sea_classifier_path(task, 6, warm_start=True, max_iter=15, step_size="auto")
    best = [info["loss_curve"].min() for _, _, info in runs]
    assert np.all(np.diff(best) <= 1e-9)
    # Each run starts from the previous support plus one feature.
    for (previous, _, _), (_, _, info) in zip(runs[:-1], runs[1:], strict=True):
        support = np.flatnonzero(np.any(previous != 0, axis=1))
        assert info["loss_curve"][0] <= task.problem().solve(support)[1] + 1e-9


def test_int_cv_is_stratified_and_scoring_is_a_parameter():
    X, y = _three_classes(seed=3)
    params = dict(max_n_nonzero_coefs=3, max_iter=15, scoring="accuracy")
    by_int = SEAClassifierCV(cv=4, **params).fit(X, y)
    explicit = SEAClassifierCV(cv=StratifiedKFold(4), **params).fit(X, y)
    np.testing.assert_array_equal(by_int.scores_, explicit.scores_)
    plain = SEAClassifierCV(cv=KFold(4), **params).fit(X, y)
    assert not np.array_equal(plain.scores_, by_int.scores_)
    # Accuracy of the fold models, recomputed.
    zero = SEAClassifierCV(cv=4, path_init="zero", **params).fit(X, y)
    train, test = next(StratifiedKFold(4).split(X, y))
    fitted = SEAClassifier(2, max_iter=15).fit(X[train], y[train])
    assert zero.scores_[0, 1] == accuracy_score(y[test], fitted.predict(X[test]))


def test_weights_count_as_repeated_samples_for_given_folds():
    X, y = _binary(seed=4, n_samples=60)
    weight = np.arange(60) % 3
    folds = list(KFold(3).split(X))
    weighted = SEAClassifierCV(max_n_nonzero_coefs=3, cv=folds, max_iter=20)
    weighted.fit(X, y, sample_weight=weight)
    index = np.repeat(np.arange(60), weight)
    position = np.cumsum(weight) - weight
    repeated_folds = [
        (
            np.concatenate([position[i] + np.arange(weight[i]) for i in train]),
            np.concatenate([position[i] + np.arange(weight[i]) for i in test]),
        )
        for train, test in folds
    ]
    repeated = SEAClassifierCV(max_n_nonzero_coefs=3, cv=repeated_folds, max_iter=20)
    repeated.fit(X[index], y[index])
    np.testing.assert_allclose(weighted.scores_, repeated.scores_, rtol=1e-6)
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-6)


def test_groups_reach_the_splitter_with_and_without_routing():
    X, y = _binary(seed=5, n_samples=48)
    groups = np.repeat(np.arange(8), 6)
    params = dict(max_n_nonzero_coefs=3, max_iter=15)
    folds = list(GroupKFold(4).split(X, y, groups))
    explicit = SEAClassifierCV(cv=folds, **params).fit(X, y)
    unrouted = SEAClassifierCV(cv=GroupKFold(4), **params).fit(X, y, groups=groups)
    np.testing.assert_array_equal(unrouted.scores_, explicit.scores_)
    with pytest.raises(ValueError, match="enable_metadata_routing=True"):
        SEAClassifierCV(**params).fit(X, y, foo=groups)
    with sklearn.config_context(enable_metadata_routing=True):
        routed = SEAClassifierCV(cv=GroupKFold(4), **params).fit(X, y, groups=groups)
        with pytest.raises(TypeError, match="not routed to any object"):
            SEAClassifierCV(cv=3, **params).fit(X, y, groups=groups)
    np.testing.assert_array_equal(routed.scores_, explicit.scores_)


def test_parallel_folds_give_the_same_scores():
    X, y = _binary(seed=6, n_samples=60)
    serial = SEAClassifierCV(max_n_nonzero_coefs=3, max_iter=15).fit(X, y)
    with parallel_config(backend="threading"):
        parallel = SEAClassifierCV(max_n_nonzero_coefs=3, max_iter=15, n_jobs=2)
        parallel.fit(X, y)
    np.testing.assert_array_equal(serial.scores_, parallel.scores_)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"scoring": "no_such_score"}, "scoring"),
        ({"max_n_nonzero_coefs": 0}, "max_n_nonzero_coefs"),
        ({"k_rule": "best"}, "k_rule"),
        ({"cv": "five"}, "cv"),
    ],
)
def test_bad_parameters_are_named(params, match):
    X, y = _binary(n_samples=30)
    with pytest.raises(ValueError, match=match):
        SEAClassifierCV(**params).fit(X, y)


def test_bad_data_is_named():
    X, y = _binary(n_samples=30)
    with pytest.raises(ValueError, match="at least 2 classes"):
        SEAClassifierCV().fit(X, np.zeros(30))
    with pytest.raises(ValueError, match="[Ss]ample.weight"):
        SEAClassifierCV().fit(X, y, sample_weight=np.zeros(30))
    with pytest.warns(UserWarning, match="max_n_nonzero_coefs=20"):
        SEAClassifierCV(max_n_nonzero_coefs=20, max_iter=5).fit(X, y)

"""SEAClassifier: agreement with LogisticRegression on its support, recovery,
labels, weights, sparse input and warm starts."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from sklearn_sea import SEAClassifier


def _binary(seed=0, n_samples=200, n_features=30):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features)) * rng.uniform(0.5, 3, n_features)
    z = X[:, 3] / 2 - X[:, 7] + X[:, 11] / 3
    y = (z + 0.3 * rng.standard_normal(n_samples) > 0).astype(int)
    return X, y


def _three_classes(seed=0, n_samples=240, n_features=20):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    scores = np.column_stack((2 * X[:, 2], 2 * X[:, 5], -X[:, 2] - X[:, 5]))
    y = np.argmax(scores + 0.3 * rng.standard_normal(scores.shape), axis=1)
    return X, y


def test_binary_recovers_the_support_and_matches_logistic_regression():
    X, y = _binary()
    clf = SEAClassifier(3, max_iter=50, C=0.5).fit(X, y)
    support = np.flatnonzero(clf.coef_[0])
    np.testing.assert_array_equal(support, [3, 7, 11])
    reference = LogisticRegression(C=0.5, solver="newton-cg", tol=1e-12)
    reference.fit(X[:, support], y)
    np.testing.assert_allclose(clf.coef_[0, support], reference.coef_[0], atol=1e-6)
    np.testing.assert_allclose(clf.intercept_, reference.intercept_, atol=1e-6)
    assert clf.coef_.shape == (1, X.shape[1]) and clf.intercept_.shape == (1,)


def test_multinomial_shares_one_support_and_matches_logistic_regression():
    X, y = _three_classes()
    clf = SEAClassifier(2, max_iter=30).fit(X, y)
    used = np.flatnonzero(np.any(clf.coef_ != 0, axis=0))
    np.testing.assert_array_equal(used, [2, 5])
    assert clf.coef_.shape == (3, X.shape[1])
    reference = LogisticRegression(C=clf.C, solver="newton-cg", tol=1e-12)
    reference.fit(X[:, used], y)
    np.testing.assert_allclose(clf.coef_[:, used], reference.coef_, atol=1e-5)
    np.testing.assert_allclose(
        clf.predict_proba(X), reference.predict_proba(X[:, used]), atol=1e-6
    )


def test_probabilities_and_string_labels():
    X, y = _three_classes(seed=1)
    labels = np.array(["cat", "dog", "emu"])[y]
    clf = SEAClassifier(2, max_iter=20).fit(X, labels)
    np.testing.assert_array_equal(clf.classes_, ["cat", "dog", "emu"])
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), proba)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    assert clf.score(X, labels) > 0.85


def test_binary_diagnostics():
    X, y = _binary(seed=2)
    clf = SEAClassifier(3, max_iter=40).fit(X, y)
    assert clf.n_iter_ == 40 and clf.loss_curve_.shape == (40,)
    assert clf.loss_curve_[clf.best_iter_] == clf.loss_curve_.min()
    assert 1 <= clf.n_supports_explored_ <= 40
    assert clf.n_nonzero_coefs_ == 3


def test_weights_equal_repeated_samples():
    X, y = _binary(seed=3, n_samples=80)
    weight = np.arange(80) % 3
    weighted = SEAClassifier(3, max_iter=30).fit(X, y, sample_weight=weight)
    repeated = SEAClassifier(3, max_iter=30).fit(
        np.repeat(X, weight, axis=0), np.repeat(y, weight)
    )
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-6)


def test_balanced_class_weight_is_sample_weight():
    X, y = _binary(seed=4)
    y[:150] = 0
    balanced = SEAClassifier(3, max_iter=30, class_weight="balanced").fit(X, y)
    counts = np.bincount(y)
    weight = (len(y) / (2 * counts))[y]
    weighted = SEAClassifier(3, max_iter=30).fit(X, y, sample_weight=weight)
    np.testing.assert_allclose(balanced.coef_, weighted.coef_, atol=1e-8)


def test_sparse_input_gives_the_dense_fit():
    X, y = _binary(seed=5)
    X[np.abs(X) < 1] = 0
    dense = SEAClassifier(3, max_iter=30).fit(X, y)
    sparse = SEAClassifier(3, max_iter=30).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, atol=1e-8)
    np.testing.assert_allclose(sparse.intercept_, dense.intercept_, atol=1e-8)


def test_warm_start_from_l1_logistic_regression_never_ends_worse():
    X, y = _binary(seed=6, n_features=60)
    l1 = LogisticRegression(l1_ratio=1.0, C=0.05, solver="liblinear").fit(X, y)
    clf = SEAClassifier(3, max_iter=30, init=l1).fit(X, y)
    assert clf.init_estimator_ is l1
    start = clf.loss_curve_[0]
    assert clf.loss_curve_[clf.best_iter_] <= start
    assert np.count_nonzero(clf.coef_) <= 3


def test_bad_input_names_the_parameter():
    X, y = _binary()
    with pytest.raises(ValueError, match="C"):
        SEAClassifier(C=0).fit(X, y)
    with pytest.raises(ValueError, match="init"):
        SEAClassifier(3, init=np.ones(4)).fit(X, y)
    with pytest.raises(ValueError, match="2 classes"):
        SEAClassifier(3).fit(X, np.zeros(len(y)))


def test_without_intercept_matches_logistic_regression():
    X, y = _binary(seed=7)
    clf = SEAClassifier(3, max_iter=30, fit_intercept=False).fit(X, y)
    support = np.flatnonzero(clf.coef_[0])
    reference = LogisticRegression(
        C=clf.C, fit_intercept=False, solver="newton-cg", tol=1e-12
    )
    reference.fit(X[:, support], y)
    np.testing.assert_allclose(clf.coef_[0, support], reference.coef_[0], atol=1e-6)
    np.testing.assert_array_equal(clf.intercept_, [0.0])


def test_bad_sample_weight_is_refused():
    X, y = _binary()
    with pytest.raises(ValueError, match="[Nn]egative"):
        SEAClassifier(3).fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match="[Ss]ample.weight"):
        SEAClassifier(3).fit(X, y, sample_weight=np.zeros(len(y)))

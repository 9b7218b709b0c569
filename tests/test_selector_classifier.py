"""SEASelector after classifiers: SEA on the log-loss started from the
classifier's support, in a Pipeline and in a grid search."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from sklearn_sea import SEAClassifier, SEASelector


def _correlated(seed=0, n_samples=200, n_features=30, rho=0.9):
    """AR(rho) features, where L1 picks neighbours of the true features."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    for j in range(1, n_features):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * X[:, j]
    z = 2 * X[:, 5] - 2 * X[:, 12] + 2 * X[:, 20]
    y = (z + 0.3 * rng.standard_normal(n_samples) > 0).astype(int)
    return X, y


def _three_classes(seed=0, n_samples=180, n_features=15):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    scores = np.column_stack((2 * X[:, 1], 2 * X[:, 6], -X[:, 1] - X[:, 6] + X[:, 9]))
    y = np.argmax(scores + 0.4 * rng.standard_normal(scores.shape), axis=1)
    return X, np.array(["ant", "bee", "cow"])[y]


def _l1(C, solver="liblinear"):
    # liblinear is binary only; saga fits the multinomial L1 model.
    return LogisticRegression(l1_ratio=1.0, C=C, solver=solver, max_iter=5000)


def test_refines_the_l1_support_with_the_log_loss():
    X, y = _correlated()
    l1 = _l1(0.05).fit(X, y)
    selector = SEASelector(_l1(0.05), n_nonzero_coefs=3, max_iter=60).fit(X, y)
    # The SEA run is SEAClassifier's, started from the fitted L1 model.
    sea = SEAClassifier(3, max_iter=60, init=l1).fit(X, y)
    np.testing.assert_allclose(selector.coef_, sea.coef_)
    np.testing.assert_array_equal(selector.classes_, [0, 1])
    assert isinstance(selector.sea_, SEAClassifier)
    # Iteration 0 is the refit on the top 3 of the L1 model; SEA improves it.
    assert selector.loss_curve_.min() <= selector.loss_curve_[0]
    np.testing.assert_array_equal(selector.get_support(indices=True), [5, 12, 20])
    assert selector.transform(X).shape == (200, 3)


def test_default_k_counts_the_features_any_class_uses():
    X, y = _three_classes()
    l1 = _l1(0.02, "saga").fit(X, y)
    used = np.count_nonzero(np.any(l1.coef_ != 0, axis=0))
    assert used > np.count_nonzero(l1.coef_, axis=1).max()
    selector = SEASelector(_l1(0.02, "saga"), max_iter=20).fit(X, y)
    assert selector.n_nonzero_coefs_ == used
    assert selector.get_support().sum() == used
    assert selector.coef_.shape == (3, X.shape[1])


def test_in_a_pipeline_tuned_by_grid_search():
    X, y = _three_classes(seed=1, n_samples=150)
    pipe = make_pipeline(
        StandardScaler(),
        SEASelector(_l1(0.1, "saga"), max_iter=20),
        LogisticRegression(),
    )
    search = GridSearchCV(
        pipe,
        {"seaselector__n_nonzero_coefs": [1, 3, 6]},
        cv=StratifiedKFold(3),
    ).fit(X, y)
    assert search.best_params_ == {"seaselector__n_nonzero_coefs": 3}
    selector = search.best_estimator_.named_steps["seaselector"]
    np.testing.assert_array_equal(selector.get_support(indices=True), [1, 6, 9])
    assert search.score(X, y) > 0.85
    np.testing.assert_array_equal(search.classes_, ["ant", "bee", "cow"])


def test_prefit_classifier_and_classification_parameters():
    X, y = _correlated(seed=2)
    svc = LinearSVC(C=0.05).fit(X, y)
    selector = SEASelector(
        svc, n_nonzero_coefs=3, prefit=True, C=10.0, class_weight="balanced"
    ).fit(X, y)
    assert selector.sea_.get_params()["C"] == 10.0
    assert selector.sea_.class_weight == "balanced"
    assert selector.sea_.max_iter == 300  # SEAClassifier's default
    assert np.count_nonzero(np.any(selector.coef_, axis=0)) == 3


def test_labels_that_are_not_classes_are_refused():
    X, y = _correlated()
    with pytest.raises(ValueError, match="Unknown label type"):
        SEASelector(_l1(0.05)).fit(X, X[:, 0])

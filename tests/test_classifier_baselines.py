"""OMPClassifier and HTPClassifier: agreement with a plain loop over
LogisticRegression refits, recovery, the shared plumbing, bad input."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from sklearn_sea import HTPClassifier, OMPClassifier, SEAClassifier


def _correlated_binary(seed=0, n_samples=150, n_features=25, rho=0.8):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    for j in range(1, n_features):  # AR(rho) columns: neighbours look alike
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * X[:, j]
    X *= rng.uniform(0.5, 3, n_features)
    z = X[:, 4] / X[:, 4].std() - X[:, 9] / X[:, 9].std() + X[:, 15] / X[:, 15].std()
    y = (z + 0.7 * rng.standard_normal(n_samples) > 0).astype(int)
    return X, y


def _three_classes(seed=0, n_samples=180, n_features=15):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    scores = np.column_stack((2 * X[:, 1], 2 * X[:, 6], -X[:, 1] - X[:, 6] + X[:, 9]))
    y = np.argmax(scores + 0.5 * rng.standard_normal(scores.shape), axis=1)
    return X, y


class _Reference:
    """The penalised logistic model on a support, fitted by scikit-learn, and
    the gradient of its log-loss in the normalised features."""

    def __init__(self, X, y, C):
        self.X, self.y, self.C = X, y, C
        centred = X - X.mean(axis=0)
        self.scale = np.linalg.norm(centred, axis=0)
        self.A = centred / self.scale
        self.classes = np.unique(y)
        self.Y = (y[:, None] == self.classes).astype(float)
        if self.classes.shape[0] == 2:
            self.Y = self.Y[:, 1:]

    def fit(self, support):
        model = LogisticRegression(C=self.C, solver="newton-cg", tol=1e-12)
        model.fit(self.X[:, support], self.y)
        proba = model.predict_proba(self.X[:, support])
        if self.Y.shape[1] == 1:
            proba = proba[:, 1:]
        gradient = self.A.T @ (proba - self.Y)  # (n_features, n_outputs)
        x = np.zeros_like(gradient)
        x[support] = (model.coef_ * self.scale[support]).T
        return model, x, gradient


def _reference_omp(X, y, k, C):
    ref = _Reference(X, y, C)
    share = ref.Y.mean(axis=0)
    gradient = ref.A.T @ (share - ref.Y)
    support = []
    for _ in range(k):
        score = np.linalg.norm(gradient, axis=1)
        score[support] = -np.inf
        support = sorted(support + [int(np.argmax(score))])
        model, _, gradient = ref.fit(support)
    return support, model


def _reference_htp(X, y, k, C, step):
    ref = _Reference(X, y, C)
    share = ref.Y.mean(axis=0)
    gradient = ref.A.T @ (share - ref.Y)
    support = sorted(np.argsort(-np.linalg.norm(gradient, axis=1))[:k].tolist())
    supports = []
    while support not in supports:
        supports.append(support)
        _, x, gradient = ref.fit(support)
        z = x - step * gradient
        z[support] = x[support]  # the penalised gradient vanishes there
        support = sorted(np.argsort(-np.linalg.norm(z, axis=1))[:k].tolist())
    return supports


@pytest.mark.parametrize("data", [_correlated_binary, _three_classes])
def test_omp_classifier_is_the_plain_greedy_loop(data):
    X, y = data()
    support, model = _reference_omp(X, y, 3, C=0.5)
    clf = OMPClassifier(3, C=0.5).fit(X, y)
    used = np.flatnonzero(np.any(clf.coef_ != 0, axis=0))
    np.testing.assert_array_equal(used, support)
    np.testing.assert_allclose(clf.coef_[:, used], model.coef_, atol=1e-5)
    np.testing.assert_allclose(clf.intercept_, model.intercept_, atol=1e-5)
    assert clf.n_iter_ == 3 and clf.best_iter_ == 2
    assert np.all(np.diff(clf.loss_curve_) < 0)


@pytest.mark.parametrize("data", [_correlated_binary, _three_classes])
def test_htp_classifier_is_the_plain_thresholding_loop(data):
    X, y = data()
    # A long step makes the gradient move the support, so that the loop runs
    # several iterations before a support repeats.
    step = 40.0
    supports = _reference_htp(X, y, 3, C=1.0, step=step)
    clf = HTPClassifier(3, C=1.0, step_size=step).fit(X, y)
    assert clf.n_iter_ == len(supports) >= 2
    best = supports[clf.best_iter_]
    np.testing.assert_array_equal(np.flatnonzero(np.any(clf.coef_, axis=0)), best)
    assert clf.loss_curve_[clf.best_iter_] == clf.loss_curve_.min()
    assert clf.n_supports_explored_ == len(supports)


@pytest.mark.parametrize("cls", [OMPClassifier, HTPClassifier])
def test_exact_recovery_on_an_easy_problem(cls):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((400, 40))
    y = (2 * X[:, 5] - 2 * X[:, 17] + 2 * X[:, 30] > 0).astype(int)
    np.testing.assert_array_equal(
        np.flatnonzero(cls(3).fit(X, y).coef_[0]), [5, 17, 30]
    )
    X3, y3 = _three_classes(seed=2, n_samples=300)
    used = np.flatnonzero(np.any(cls(3).fit(X3, y3).coef_ != 0, axis=0))
    np.testing.assert_array_equal(used, [1, 6, 9])


@pytest.mark.parametrize("cls", [OMPClassifier, HTPClassifier])
def test_plumbing_is_the_one_of_sea_classifier(cls):
    X, y = _three_classes(seed=3)
    labels = np.array(["a", "b", "c"])[y]
    weight = np.arange(X.shape[0]) % 3
    clf = cls(3, class_weight={"a": 2.0}).fit(X, labels, sample_weight=weight)
    np.testing.assert_array_equal(clf.classes_, ["a", "b", "c"])
    # Weights multiply: the same fit as repeated samples of weight 1, 2.
    double = np.where(labels == "a", 2, 1) * weight
    repeated = cls(3).fit(np.repeat(X, double, axis=0), np.repeat(labels, double))
    np.testing.assert_allclose(clf.coef_, repeated.coef_, atol=1e-6)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), proba)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    # Sparse X: the same model.
    sparse = cls(3, class_weight={"a": 2.0}).fit(
        sp.csr_matrix(X), labels, sample_weight=weight
    )
    np.testing.assert_allclose(sparse.coef_, clf.coef_, atol=1e-8)
    # The model on the support is SEAClassifier's: started from this support
    # SEA's first iterate is this fit.
    sea = SEAClassifier(3, max_iter=1, init=clf.coef_).fit(X, labels)
    np.testing.assert_allclose(sea.coef_, cls(3).fit(X, labels).coef_, atol=1e-6)


@pytest.mark.parametrize("cls", [OMPClassifier, HTPClassifier])
@pytest.mark.parametrize(
    "params, y, match",
    [
        ({"n_nonzero_coefs": 0}, None, "n_nonzero_coefs"),
        ({"C": -1.0}, None, "'C' parameter"),
        ({"class_weight": "equal"}, None, "class_weight"),
        ({}, np.zeros(30), "at least 2 classes"),
        ({}, np.linspace(0, 1, 30), "Unknown label type"),
    ],
)
def test_bad_input_names_the_parameter(cls, params, y, match):
    X = np.random.default_rng(0).standard_normal((30, 5))
    y = np.arange(30) % 2 if y is None else y
    with pytest.raises(ValueError, match=match):
        cls(**params).fit(X, y)


def test_bad_step_and_nan_input():
    X, y = _correlated_binary()
    with pytest.raises(ValueError, match="step_size"):
        HTPClassifier(step_size=-1.0).fit(X, y)
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="X"):
        OMPClassifier(2).fit(X, y)

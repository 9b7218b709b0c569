"""Tests of the teacher-student generator of the binary Heaviside network."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_sea.datasets import make_binary_teacher


def network_by_hand(X, coef, v):
    n = coef.shape[0]
    out = np.zeros(X.shape[0])
    for i, x in enumerate(X):
        for j, patch in enumerate(x.reshape(-1, n)):
            out[i] += v[j] * (patch @ coef > 0)
    return out


def test_shapes_teacher_in_q1_and_noiseless_labels():
    X, y, coef = make_binary_teacher(80, 9, 3, random_state=0)
    assert X.shape == (80, 27) and y.shape == (80,) and coef.shape == (9,)
    assert_array_equal(np.abs(coef), np.full(9, 1 / 3))
    assert_array_equal(y, network_by_hand(X, coef, np.ones(3)))


def test_second_layer_and_label_noise():
    v = np.array([1.5, -2.0])
    X, y, coef = make_binary_teacher(4000, 5, 2, second_layer=v, random_state=1)
    assert_array_equal(y, network_by_hand(X, coef, v))
    _, y_noisy, _ = make_binary_teacher(
        4000, 5, 2, second_layer=v, noise=0.5, random_state=1
    )
    residual = y_noisy - y
    assert abs(residual.mean()) < 0.05
    assert residual.std() == pytest.approx(0.5, rel=0.05)


def test_same_seed_nests_samples_and_keeps_the_teacher():
    X_small, y_small, coef_small = make_binary_teacher(30, 6, 2, random_state=7)
    X_large, y_large, coef_large = make_binary_teacher(300, 6, 2, random_state=7)
    assert_array_equal(coef_small, coef_large)
    assert_array_equal(X_small, X_large[:30])
    assert_array_equal(y_small, y_large[:30])


def test_teachers_are_uniform_over_signs():
    coefs = np.array(
        [make_binary_teacher(1, 20, 1, random_state=s)[2] for s in range(200)]
    )
    assert abs(np.mean(coefs > 0) - 0.5) < 0.03


@pytest.mark.parametrize(
    "distribution", ["gaussian", "uniform", "bernoulli", "student_t"]
)
def test_input_distributions_are_standardised(distribution):
    X, _, _ = make_binary_teacher(
        20000, 10, 1, distribution=distribution, df=5.0, random_state=0
    )
    assert abs(X.mean()) < 0.02
    assert X.var() == pytest.approx(1.0, rel=0.05)


def test_distribution_supports():
    X, _, _ = make_binary_teacher(200, 8, 2, distribution="bernoulli", random_state=0)
    assert set(np.unique(X)) == {-1.0, 1.0}
    X, _, _ = make_binary_teacher(200, 8, 2, distribution="uniform", random_state=0)
    assert np.abs(X).max() <= np.sqrt(3)
    # Student's t with 1 degree of freedom (Cauchy) is left unscaled.
    X, _, _ = make_binary_teacher(
        2000, 8, 1, distribution="student_t", df=1.0, random_state=0
    )
    assert np.abs(X).max() > 100


@pytest.mark.parametrize("distribution", ["gaussian", "student_t"])
def test_normalize_rescales_patches_and_keeps_labels(distribution):
    kwargs = dict(distribution=distribution, random_state=3)
    X, y, coef = make_binary_teacher(50, 7, 3, **kwargs)
    X_norm, y_norm, coef_norm = make_binary_teacher(50, 7, 3, normalize=True, **kwargs)
    assert_allclose(np.linalg.norm(X_norm.reshape(-1, 7), axis=1), np.sqrt(7))
    assert_array_equal(coef, coef_norm)
    assert_array_equal(y, y_norm)


def test_bad_input():
    with pytest.raises(ValueError, match=r"second_layer must have shape .* = \(3,\)"):
        make_binary_teacher(10, 4, 3, second_layer=[1.0, 1.0])
    with pytest.raises(InvalidParameterError, match="distribution"):
        make_binary_teacher(10, 4, 3, distribution="cauchy")
    with pytest.raises(InvalidParameterError, match="noise"):
        make_binary_teacher(10, 4, 3, noise=-1.0)
    with pytest.raises(InvalidParameterError, match="patch_size"):
        make_binary_teacher(10, 0, 3)

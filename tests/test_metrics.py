import numpy as np
import pytest

import sklearn_sea.metrics
from sklearn_sea import OMPRegressor
from sklearn_sea.datasets import make_compressed_sensing
from sklearn_sea.metrics import (
    exact_support_recovery,
    make_support_scorer,
    support_distance,
)


def test_support_distance_counts_missed_indices():
    true = np.array([0, 1.0, 0, -2.0, 0, 1.5])
    assert support_distance(true, true) == 0
    assert support_distance(true, np.array([5.0, 1.0, 0, -2.0, 0, 0])) == 1
    assert support_distance(true, np.zeros(6)) == 3  # zeros are never credited
    assert support_distance(true, np.array([1.0, 0, 1.0, 0, 1.0, 0])) == 3


def test_dense_estimates_use_the_k_largest_entries():
    true = np.array([0, 1.0, 0, -2.0])
    assert exact_support_recovery(true, np.array([0.1, 0.9, -0.2, -1.5]))
    assert not exact_support_recovery(true, np.array([0.95, 0.9, -0.2, -1.5]))


def test_zero_entries_of_the_estimate_are_not_credited():
    # Fewer nonzeros than k: the zero at index 0 must not count as found,
    # even though ties among zeros would give it to the lowest index.
    assert support_distance([1, 0, 2], [0, 0, 2]) == 1
    assert not exact_support_recovery([1, 0, 2], [0, 0, 2])
    assert support_distance([1, 0, 2], [0, 0, 0]) == 2
    assert not exact_support_recovery([1, 0, 2], np.zeros(3))
    # A sparser estimate whose nonzeros are all true indices is charged only
    # for the ones it misses.
    assert support_distance([0, 3, 0, 1, 2], [0, 3, 0, 0, 2]) == 1
    # Ties among nonzero entries still go to the lowest index.
    assert support_distance([1, 1, 0], [0.5, 0.5, 0.5]) == 0
    assert support_distance([0, 1, 1], [0.5, 0.5, 0.5]) == 1


def test_exact_recovery_means_the_same_support():
    rng = np.random.RandomState(0)
    for _ in range(200):
        true = rng.choice([0.0, 0.0, 1.0, -2.0], size=6)
        pred = rng.choice([0.0, 0.0, 0.5, -3.0], size=6)
        recovered = exact_support_recovery(true, pred)
        same = np.array_equal(np.flatnonzero(true), np.flatnonzero(pred))
        if np.count_nonzero(pred) <= np.count_nonzero(true):
            assert recovered == same
        assert 0 <= support_distance(true, pred) <= np.count_nonzero(true)


def test_empty_true_support():
    assert support_distance(np.zeros(4), np.ones(4)) == 0
    assert support_distance(np.zeros(4), np.zeros(4)) == 0


def test_scorer_is_minus_the_support_distance():
    X, y, coef = make_compressed_sensing(40, 60, 4, noise=0.5, random_state=1)
    estimator = OMPRegressor(2).fit(X, y)
    scorer = make_support_scorer(coef)
    assert scorer(estimator, X, y) == -support_distance(coef, estimator.coef_)
    assert scorer(estimator, X, y) <= -2.0  # two of four indices at most


def test_public_names():
    assert sorted(sklearn_sea.metrics.__all__) == [
        "exact_support_recovery",
        "make_support_scorer",
        "support_distance",
    ]
    for name in sklearn_sea.metrics.__all__:
        assert callable(getattr(sklearn_sea.metrics, name))


@pytest.mark.parametrize(
    "true, pred, match",
    [
        (np.ones(3), np.ones(4), "same length"),
        (np.ones((2, 2)), np.ones((2, 2)), "coef_true must be a 1-D"),
        (np.ones(2), np.ones((2, 1)), "coef_pred must be a 1-D"),
        (np.array([np.nan, 1.0]), np.ones(2), "coef_true contains NaN"),
        (np.ones(2), np.array([np.inf, 1.0]), "coef_pred contains inf"),
        (np.ones(2) + 1j, np.ones(2), "Invalid coef_true: complex"),
        (np.ones(2), [1j, 0], "Invalid coef_pred: complex"),
        ([], [], "coef_true is empty"),
        (np.ones(2), [], "coef_pred is empty"),
        (["a", "b"], np.ones(2), "Invalid coef_true: could not convert"),
        (np.ones(2), [1, None], "coef_pred contains NaN"),
    ],
)
@pytest.mark.parametrize("metric", [support_distance, exact_support_recovery])
def test_bad_input(metric, true, pred, match):
    with pytest.raises(ValueError, match=match) as info:
        metric(true, pred)
    assert "\n" not in str(info.value)  # one line, never the array

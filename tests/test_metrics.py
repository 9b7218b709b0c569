import numpy as np
import pytest

from sklearn_sea.metrics import exact_support_recovery, support_distance


def test_support_distance_counts_missed_indices():
    true = np.array([0, 1.0, 0, -2.0, 0, 1.5])
    assert support_distance(true, true) == 0
    assert support_distance(true, np.array([5.0, 1.0, 0, -2.0, 0, 0])) == 1
    assert support_distance(true, np.zeros(6)) == 3 - 1  # ties pick the lowest indices
    assert support_distance(true, np.array([1.0, 0, 1.0, 0, 1.0, 0])) == 3


def test_dense_estimates_use_the_k_largest_entries():
    true = np.array([0, 1.0, 0, -2.0])
    assert exact_support_recovery(true, np.array([0.1, 0.9, -0.2, -1.5]))
    assert not exact_support_recovery(true, np.array([0.95, 0.9, -0.2, -1.5]))


def test_empty_true_support():
    assert support_distance(np.zeros(4), np.ones(4)) == 0


@pytest.mark.parametrize(
    "true, pred, match",
    [
        (np.ones(3), np.ones(4), "same length"),
        (np.ones((2, 2)), np.ones((2, 2)), "1-D"),
        (np.array([np.nan, 1.0]), np.ones(2), "NaN"),
        (np.ones(2), np.array([np.inf, 1.0]), "infinity"),
    ],
)
def test_bad_input(true, pred, match):
    with pytest.raises(ValueError, match=match):
        support_distance(true, pred)

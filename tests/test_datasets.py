import warnings

import numpy as np
import pytest

from sklearn_sea.datasets import (
    gaussian_convolution_matrix,
    make_compressed_sensing,
    make_spike_deconvolution,
)


@pytest.mark.parametrize("make", [make_compressed_sensing, make_spike_deconvolution])
def test_generators_are_reproducible_and_well_formed(make):
    first = make(n_nonzero_coefs=7, random_state=0)
    second = make(n_nonzero_coefs=7, random_state=0)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    X, y, coef = first
    np.testing.assert_allclose(np.linalg.norm(X, axis=0), 1.0)
    assert np.count_nonzero(coef) == 7
    magnitudes = np.abs(coef[coef != 0])
    assert np.all((magnitudes >= 1) & (magnitudes <= 2))
    np.testing.assert_allclose(y, X @ coef)


def test_noise_is_added():
    X, y, coef = make_compressed_sensing(200, 50, 5, noise=0.5, random_state=1)
    residual = y - X @ coef
    assert 0.3 < residual.std() < 0.7


def test_deconvolution_width_controls_coherence():
    narrow = make_spike_deconvolution(60, 3, width=1.0, random_state=0)[0]
    wide = make_spike_deconvolution(60, 3, width=5.0, random_state=0)[0]
    assert narrow[:, 30] @ narrow[:, 31] < wide[:, 30] @ wide[:, 31] < 1
    # Column j is centred on sample j.
    assert np.argmax(wide[:, 20]) == 20


def test_spikes_may_be_adjacent():
    gaps = []
    for seed in range(30):
        coef = make_spike_deconvolution(100, 20, random_state=seed)[2]
        gaps.append(np.diff(np.flatnonzero(coef)).min())
    assert min(gaps) == 1


@pytest.mark.parametrize("make", [make_compressed_sensing, make_spike_deconvolution])
def test_generators_reject_bad_parameters(make):
    with pytest.raises(ValueError, match="n_nonzero_coefs"):
        make(n_nonzero_coefs=-1)
    with pytest.raises(ValueError, match="n_nonzero_coefs=10 must be at most"):
        make(n_features=5, n_nonzero_coefs=10)
    with pytest.raises(ValueError, match="noise"):
        make(noise=-1.0)


@pytest.mark.parametrize(
    "n_features, width, match",
    [
        (5, 0.0, "'width' parameter"),
        (5, np.nan, "'width' parameter"),
        (5, np.inf, "'width' parameter"),
        (5, -1.0, "'width' parameter"),
        (5, "3", "'width' parameter"),
        (5, None, "'width' parameter"),
        (0, 1.0, "'n_features' parameter"),
        (2.5, 1.0, "'n_features' parameter"),
        ("5", 1.0, "'n_features' parameter"),
    ],
)
def test_gaussian_convolution_matrix_rejects_bad_parameters(n_features, width, match):
    with pytest.raises(ValueError, match=match):
        gaussian_convolution_matrix(n_features, width)


def test_gaussian_convolution_matrix_columns_and_limits():
    X = gaussian_convolution_matrix(40, 1.5)
    np.testing.assert_allclose(np.linalg.norm(X, axis=0), 1.0)
    # Away from the borders, column j + 1 is column j shifted by one sample.
    np.testing.assert_allclose(X[1:, 11:30], X[:-1, 10:29], rtol=0, atol=1e-12)
    assert np.all(np.argmax(X, axis=0) == np.arange(40))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning at tiny widths
        np.testing.assert_array_equal(gaussian_convolution_matrix(6, 1e-200), np.eye(6))
        np.testing.assert_allclose(
            gaussian_convolution_matrix(6, 1e200), np.full((6, 6), 6**-0.5)
        )
    np.testing.assert_array_equal(gaussian_convolution_matrix(1, 3.0), [[1.0]])

"""Generators of k-sparse recovery problems and of binary-teacher problems."""

# SPDX-License-Identifier: BSD-3-Clause

from ._binary_teacher import make_binary_teacher
from ._compressed_sensing import make_compressed_sensing
from ._deconvolution import gaussian_convolution_matrix, make_spike_deconvolution

__all__ = [
    "gaussian_convolution_matrix",
    "make_binary_teacher",
    "make_compressed_sensing",
    "make_spike_deconvolution",
]

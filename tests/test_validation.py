"""The one mechanism that makes validation errors name their argument."""

import numpy as np
import pytest
from sklearn.utils import check_array

from sklearn_sea._validation import check_2d, named_errors


def test_the_argument_is_named_whatever_the_wording():
    def unnamed():
        raise ValueError("could not convert string to float: 'a'")

    with pytest.raises(ValueError, match=r"^Invalid coef: could not convert"):
        named_errors("coef", unnamed)


def test_one_line_and_the_array_is_not_printed():
    with pytest.raises(ValueError) as info:
        named_errors("X", lambda: check_array(np.arange(5.0)))
    message = str(info.value)
    assert message.startswith("Invalid X: Expected 2D array, got 1D array instead")
    assert "\n" not in message and "array=" not in message


def test_the_error_type_is_kept_and_never_named_twice():
    def inner():
        return named_errors("y", lambda: check_array([[object()]], dtype=np.float64))

    with pytest.raises(TypeError) as info:
        named_errors("X", inner)
    assert str(info.value).startswith("Invalid y: ")
    assert str(info.value).count("Invalid") == 1


def test_valid_input_is_returned():
    assert named_errors("X", lambda: 3) == 3


@pytest.mark.parametrize("X", [np.arange(3.0), 2.0, [1.0, 2.0]])
def test_a_1d_design_is_refused_with_the_reshape_hint(X):
    with pytest.raises(ValueError, match=r"^Invalid X: expected a 2-D .*Reshape"):
        check_2d("X", X)


def test_2d_sparse_and_ragged_designs_pass_through():
    import scipy.sparse as sp

    for X in (np.ones((2, 2)), [[1.0, 2.0]], sp.csr_matrix((2, 3)), [[1.0], [1, 2]]):
        check_2d("X", X)

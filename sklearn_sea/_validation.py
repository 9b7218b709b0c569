"""One mechanism for validation errors that name the argument at fault.

numpy's conversion errors ("could not convert string to float") and some of
scikit-learn's ("Found array with dim 3") do not say which argument is at
fault; users of a grid search need to know. Every validation of a user's
array goes through :func:`named_errors`, which prefixes the argument's name
to whatever the error says: the wording of numpy's and scikit-learn's
messages is never inspected, so a change of wording upstream cannot change
what users see beyond the text after the prefix. :func:`check_2d` refuses a
1-D design before that, with the reshape hint a one-line message would
otherwise lose.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
import scipy.sparse as sp


class _Named:
    """Marks an error already named by :func:`named_errors` (no double prefix)."""


def named_errors(name, validate):
    """Run ``validate()``; re-raise its ValueError or TypeError naming ``name``.

    The message becomes one line, ``Invalid <name>: <first line>``. Only the
    first line of the original is kept: the following ones print the array.

    Parameters
    ----------
    name : str
        The argument being validated, as the user wrote it.
    validate : callable
        Validation of that argument alone, returning the validated value.

    Returns
    -------
    The value ``validate()`` returns.
    """
    try:
        return validate()
    except (ValueError, TypeError) as exc:
        if isinstance(getattr(exc, "named_by", None), _Named):
            raise
        lines = str(exc).strip().splitlines() or [type(exc).__name__]
        first = lines[0].rstrip(":")
        message = f"Invalid {name}: {first}" + ("" if first.endswith(".") else ".")
        try:
            error = type(exc)(message)
        except TypeError:  # an exception class with a richer constructor
            error = ValueError(message)
        error.named_by = _Named()
        raise error from exc


def check_2d(name, X):
    """Refuse a 0-D or 1-D design, saying how to reshape it.

    Sparse matrices, None and inputs whose dimension numpy cannot tell
    (ragged lists, ...) are left to the validation that follows.
    """
    if X is None or sp.issparse(X):
        return
    try:
        ndim = np.ndim(X)
    except (ValueError, TypeError):
        return
    if ndim < 2:
        raise ValueError(
            f"Invalid {name}: expected a 2-D array, got {ndim}-D. Reshape your "
            "data either using array.reshape(-1, 1) if it has a single feature "
            "or array.reshape(1, -1) if it contains a single sample."
        )

"""Types of the command-line options: every range is checked at parse time.

Each function converts one option's text or raises
:class:`argparse.ArgumentTypeError`, which argparse turns into a usage error
(exit status 2) naming the option, before any work starts.
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import math


def _number(text, kind):
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected {'an integer' if kind is int else 'a number'}, got {text!r}"
        ) from None
    if kind is float and not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def integer(low, high=None):
    """An integer in ``[low, high]`` (``high`` None: no upper bound)."""

    def convert(text):
        value = _number(text, int)
        if value < low or (high is not None and value > high):
            bound = f">= {low}" if high is None else f"in [{low}, {high}]"
            raise argparse.ArgumentTypeError(f"expected an integer {bound}, got {text}")
        return value

    convert.__name__ = "integer"
    return convert


def real(low, high=None, *, low_open=False, high_open=False):
    """A finite number between ``low`` and ``high`` (each end open or closed)."""

    def convert(text):
        value = _number(text, float)
        too_low = value <= low if low_open else value < low
        too_high = high is not None and (value >= high if high_open else value > high)
        if too_low or too_high:
            left = "(" if low_open else "["
            right = ")" if high_open or high is None else "]"
            upper = "inf" if high is None else f"{high:g}"
            raise argparse.ArgumentTypeError(
                f"expected a number in {left}{low:g}, {upper}{right}, got {text}"
            )
        return value

    convert.__name__ = "number"
    return convert


def n_jobs(text):
    """joblib's ``n_jobs``: a positive count, or -1 (all cores), -2, ..."""
    value = _number(text, int)
    if value == 0:
        raise argparse.ArgumentTypeError(
            "expected a positive number of workers or -1 (all cores), got 0"
        )
    return value


def step(text):
    """``auto`` or a positive finite number (``--warm-step``)."""
    if text == "auto":
        return text
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(
            f"expected auto or a positive number, got {text!r}"
        )
    return value


#: Options shared by several experiments.
POSITIVE = integer(1)
SEED = integer(0, 2**32 - 1)
FRACTION = real(0.0, 1.0, low_open=True)
NON_NEGATIVE = real(0.0)
POSITIVE_REAL = real(0.0, low_open=True)
RATE = real(0.0, 1.0)

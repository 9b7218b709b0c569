"""Reproducible experiments returning tidy tables (dicts of numpy columns).

- :func:`ste_sample_complexity` and :func:`ste_recovery_threshold`: exact
  recovery of a binary teacher by STE against the sample size;
- :func:`ste_recurrence`: escapes from and returns to the teacher under label
  noise.

Defaults are quick; the command line runs them at the papers' sizes.
"""

# SPDX-License-Identifier: BSD-3-Clause

from ._ste import ste_recovery_threshold, ste_recurrence, ste_sample_complexity

__all__ = [
    "ste_recovery_threshold",
    "ste_recurrence",
    "ste_sample_complexity",
]

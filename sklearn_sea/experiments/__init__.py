"""Reproducible experiments returning tidy tables (dicts of numpy columns).

- :func:`ste_sample_complexity` and :func:`ste_recovery_threshold`:
  convergence of STE to a binary teacher against the sample size, in the
  two senses of :func:`convergence_notions`;
- :func:`ste_recurrence`: escapes from and returns to the teacher under label
  noise.
- :func:`read_results`: a results table of the command line, refused
  unless its run finished (:class:`IncompleteResultsError`).
- :func:`phase_transition` (with :func:`success_rates` and
  :func:`transition_curves`) and :func:`deconvolution` (with
  :func:`mean_support_distance` and :func:`deconvolution_example`): the SEA
  paper's sparse-recovery comparisons of :data:`ALGORITHMS`;
  :func:`iteration_budget`: how SEA's iteration budget moves the curves of
  the SEA variants.

Defaults are quick; the command line runs them at the papers' sizes.
"""

# SPDX-License-Identifier: BSD-3-Clause

from ._iteration_budget import iteration_budget
from ._results import IncompleteResultsError, read_results
from ._sparse_recovery import (
    ALGORITHMS,
    deconvolution,
    deconvolution_example,
    mean_support_distance,
    phase_transition,
    success_rates,
    transition_curves,
)
from ._ste import (
    convergence_notions,
    ste_recovery_threshold,
    ste_recurrence,
    ste_sample_complexity,
)

# The command-line specs register themselves (the registry is their import).
from . import _sea_specs, _ste_specs  # noqa: E402, F401  isort: skip

__all__ = [
    "ALGORITHMS",
    "convergence_notions",
    "deconvolution",
    "deconvolution_example",
    "IncompleteResultsError",
    "iteration_budget",
    "mean_support_distance",
    "phase_transition",
    "read_results",
    "success_rates",
    "transition_curves",
    "ste_recovery_threshold",
    "ste_recurrence",
    "ste_sample_complexity",
]

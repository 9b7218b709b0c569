"""SEA's iteration budget: the phase transition of the SEA variants at several T.

SEA has no stopping rule on a problem it does not solve exactly: it explores
``max_iter`` supports (the budget T) and returns the best one. On the
phase-transition problems its curve therefore depends on T, where the other
algorithms of the comparison stop on their own. :func:`iteration_budget`
measures that dependence: the phase transition of :func:`phase_transition`
for each T, on the same problems (a task's seed does not depend on T).
"""

# SPDX-License-Identifier: BSD-3-Clause

from ._algorithms import ALGORITHMS
from ._sparse_recovery import iter_phase_transition, success_rates

#: The algorithms whose result depends on SEA's iteration budget.
BUDGET_ALGORITHMS = tuple(name for name in ALGORITHMS if name.startswith("SEA"))

#: The SEA variants compared by default: from zero and from ELS.
DEFAULT_BUDGET_ALGORITHMS = ("SEA", "SEA-ELS")


def budget_label(name, budget):
    """How an algorithm run with budget T is named in tables and legends."""
    return f"{name}, T={budget}"


def check_budget_algorithms(algorithms):
    """Validated tuple of SEA variants (None: :data:`DEFAULT_BUDGET_ALGORITHMS`)."""
    if algorithms is None:
        return DEFAULT_BUDGET_ALGORITHMS
    algorithms = tuple(algorithms)
    if not algorithms or any(name not in BUDGET_ALGORITHMS for name in algorithms):
        raise ValueError(
            "algorithms must be a non-empty subset of "
            f"{', '.join(BUDGET_ALGORITHMS)}; got {list(algorithms)}."
        )
    return algorithms


def iter_iteration_budget(*, budgets, algorithms, **phase_transition):
    """Rows of :func:`iteration_budget`, yielded as they are computed.

    ``phase_transition`` holds the other arguments of
    :func:`~._sparse_recovery.iter_phase_transition` (``sea_max_iter`` aside).
    """
    algorithms = check_budget_algorithms(algorithms)
    # A budget given twice is one budget (its rows would count twice).
    for budget in dict.fromkeys(budgets):
        rows = iter_phase_transition(
            algorithms=algorithms, sea_max_iter=budget, **phase_transition
        )
        for row in rows:
            yield {**row, "sea_max_iter": budget}


def iteration_budget(
    *,
    budgets=(1000, 3000, 10000),
    algorithms=None,
    n_features=100,
    zetas=(0.25, 0.5, 0.75),
    rhos=(0.1, 0.2, 0.3, 0.4),
    n_runs=5,
    prune_below=0.5,
    random_state=0,
    n_jobs=None,
    progress=False,
):
    """Phase transition of the SEA variants for each iteration budget T.

    Parameters
    ----------
    budgets : sequence of int, default=(1000, 3000, 10000)
        The values of SEA's ``max_iter``.
    algorithms : sequence of str, default=None
        SEA variants of :data:`ALGORITHMS` (names starting with "SEA"); None
        means SEA from zero and SEA-ELS.
    n_features : int, default=100
        Dimension n.
    zetas, rhos : sequence of float
        Grid of ``m / n`` and ``k / m``.
    n_runs : int, default=5
        Problems per grid point; every budget solves the same problems.
    prune_below : float, default=0.5
        As in :func:`phase_transition`, for each algorithm and budget.
    random_state : int, default=0
        Seed of the sweep.
    n_jobs : int, default=None
        Number of joblib workers.
    progress : bool, default=False
        Show a progress bar per budget on stderr.

    Returns
    -------
    rows : list of dict
        The rows of :func:`phase_transition` with one more key,
        ``sea_max_iter`` (the budget T).

    Examples
    --------
    >>> from sklearn_sea.experiments import iteration_budget
    >>> rows = iteration_budget(budgets=[1, 100], algorithms=["SEA"],
    ...                         n_features=40, zetas=[0.5], rhos=[0.2], n_runs=2)
    >>> [(row["sea_max_iter"], row["run"], row["recovered"]) for row in rows]
    [(1, 0, 0), (1, 1, 0), (100, 0, 1), (100, 1, 1)]
    """
    return list(
        iter_iteration_budget(
            budgets=budgets,
            algorithms=algorithms,
            n_features=n_features,
            zetas=zetas,
            rhos=rhos,
            n_runs=n_runs,
            prune_below=prune_below,
            random_state=random_state,
            n_jobs=n_jobs,
            progress=progress,
        )
    )


def budget_rates(rows):
    """Success rates of :func:`iteration_budget` rows, one algorithm per (name, T).

    The rates are those of :func:`success_rates`, the ``algorithm`` of each
    named by :func:`budget_label`; ``sea_max_iter`` is kept as a key too.
    """
    budgets = {}

    def labelled():
        for row in rows:
            label = budget_label(row["algorithm"], row["sea_max_iter"])
            budgets[label] = (row["algorithm"], row["sea_max_iter"])
            yield {**row, "algorithm": label}

    rates = success_rates(labelled())
    for rate in rates:
        rate["base_algorithm"], rate["sea_max_iter"] = budgets[rate["algorithm"]]
    return rates

"""The seeding of every sweep: one seed per task, from the sweep's seed and the task.

A task's seed depends on the sweep's seed and the task's coordinates only,
never on its position in a grid, on ``n_jobs`` or on the order in which tasks
finish; this is what makes a sweep resumable and its rows reproducible.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from sklearn.utils import check_random_state


def task_seeds(entropy, *keys, n_seeds=1):
    """``n_seeds`` independent integer seeds for the task ``keys`` of a sweep.

    Parameters
    ----------
    entropy : int
        Seed of the sweep (non-negative).
    *keys : int
        Coordinates of the task (problem sizes, run index, ...).
    n_seeds : int, default=1
        Number of seeds wanted (e.g. one for the data, one for the start).

    Returns
    -------
    seeds : list of int
        The first seeds do not depend on ``n_seeds``.

    Examples
    --------
    >>> from sklearn_sea.experiments._seeding import task_seeds
    >>> first = task_seeds(0, 10, 3)
    >>> first == task_seeds(0, 10, 3, n_seeds=2)[:1]
    True
    """
    sequence = np.random.SeedSequence([int(entropy), *map(int, keys)])
    return [int(seed) for seed in sequence.generate_state(n_seeds)]


def task_seed(random_state, *keys):
    """Seed of one task, from the sweep's seed and the task's coordinates.

    Keying on the problem (not on its position in a grid) gives a point the
    same problems whatever grid it belongs to.
    """
    return task_seeds(random_state, *keys)[0]


def sweep_entropy(random_state):
    """An integer seed of a sweep from any scikit-learn ``random_state``."""
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))

"""The one way every sweep runs its tasks: :func:`map_tasks`.

A sweep is a list of independent tasks (a function and its arguments, the
seed among them). :func:`map_tasks` runs them with :class:`joblib.Parallel`,
so any joblib backend works (loky on one machine, dask.distributed on a
cluster), and yields the results in task order. Inside :func:`recording`,
each finished task is also written to a :class:`~._journal.Journal`, and a
task already in it is not run again but answered from it: that is how an
interrupted sweep resumes with the rows of an uninterrupted one.
"""

# SPDX-License-Identifier: BSD-3-Clause

import contextlib
import contextvars
import warnings

from joblib import Parallel, delayed

_JOURNAL = contextvars.ContextVar("sklearn_sea_journal", default=None)


@contextlib.contextmanager
def recording(journal):
    """Record (and replay) the tasks of the sweeps run inside to ``journal``."""
    token = _JOURNAL.set(journal)
    try:
        yield journal
    finally:
        _JOURNAL.reset(token)


def task_key(function, args):
    """What identifies a task in a journal: its function and its arguments.

    The arguments are plain numbers, names and small containers whose
    ``repr`` is exact (floats included), and they contain the task's seed.
    """
    return repr((function.__module__, function.__qualname__, args))


def map_tasks(function, tasks, *, n_jobs=None, verbose=0):
    """Yield ``function(*args)`` for every ``args`` of ``tasks``, in order.

    Parameters
    ----------
    function : callable
        A module-level function (it is pickled to the workers).
    tasks : iterable of tuple
        The positional arguments of each task.
    n_jobs : int, default=None
        joblib workers (None follows ``joblib.parallel_config``).
    verbose : int, default=0
        Verbosity of :class:`joblib.Parallel`.

    Yields
    ------
    result : object
        What ``function`` returned, task by task, in the order of ``tasks``.

    Examples
    --------
    >>> from operator import add
    >>> from sklearn_sea.experiments._engine import map_tasks
    >>> list(map_tasks(add, [(1, 2), (3, 4)]))
    [3, 7]
    """
    journal = _JOURNAL.get()
    tasks = list(tasks)
    keys = [task_key(function, args) for args in tasks]
    recorded = [
        journal.get(key) if journal is not None else (False, None) for key in keys
    ]
    pending = [
        args for args, (found, _) in zip(tasks, recorded, strict=True) if not found
    ]
    results = Parallel(n_jobs=n_jobs, verbose=verbose, return_as="generator")(
        delayed(function)(*args) for args in pending
    )
    try:
        for key, (found, result) in zip(keys, recorded, strict=True):
            if not found:
                result = _without_cancel_warning(next, results)
                if journal is not None:
                    journal.append(key, result)
            yield result
    finally:
        # Stopping early (an interrupt, an error downstream) cancels the
        # tasks not yet finished and ends joblib's workers.
        _without_cancel_warning(results.close)


def _without_cancel_warning(function, *args):
    # joblib warns when a stop cancels running tasks: here stopping is the
    # point (Ctrl-C, SIGTERM), and the run says itself what it kept.
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=".*tasks which were still being processed"
        )
        return function(*args)

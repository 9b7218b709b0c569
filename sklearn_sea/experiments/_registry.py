"""The registry of experiments: what the command line is built from.

An experiment is one :class:`Experiment` spec: its name, its quick and paper
settings, its own command-line options, a run function writing its tables, a
summary and its figures. ``sklearn-sea`` makes one subcommand per registered
spec and runs them all through one driver (:mod:`._driver`), which gives
every experiment the same atomic outputs, manifest, resume, lock, progress,
signal handling and cluster support. Adding an experiment means adding a spec.
"""

# SPDX-License-Identifier: BSD-3-Clause

from collections.abc import Callable
from dataclasses import dataclass, field

#: Settings that change how a run is executed, never its rows: a run may be
#: resumed with other values.
RUNTIME_SETTINGS = ("n_jobs",)


@dataclass(frozen=True)
class Experiment:
    """One experiment of the command line.

    Attributes
    ----------
    name : str
        The subcommand (``phase-transition``).
    title : str
        How the experiment is named in its output (``phase transition``).
    help : str
        One line for ``sklearn-sea --help``.
    quick, paper : dict
        Settings of the quick default and of ``--paper``; each key is also
        the destination of an option (``n_features`` is ``--n-features``).
    add_options : callable
        ``add_options(parser)`` adds the experiment's own options, each with
        a type checking its range.
    run : callable
        ``run(settings, tables)`` computes the experiment, writing its
        tables through ``tables.write(name, rows)`` or
        ``tables.stream(name, rows)``, and returns what the summary and the
        figures need.
    summary : callable
        ``summary(outcome, settings)``: the lines printed after the run.
    figures : callable
        ``figures(outcome, settings)``: a list of ``(name, plot, args,
        kwargs)``; the figure is ``plot(*args, path, **kwargs)``.
    tables : tuple of str
        Names of the tables written (``NAME.csv``).
    n_tasks : callable
        ``n_tasks(settings)``: the number of tasks planned (an upper bound
        when the sweep may skip some).
    check : callable, optional
        ``check(settings)``: ``(option, message)`` for each inconsistency
        between options (checked at parse time).
    aliases : dict
        Other subcommands running this experiment: ``{name: help}``.
    compact : callable, optional
        ``compact(rows)``: the aggregate of the main table (the first of
        ``tables``) that the summary and the figures are drawn from, as
        plain JSON data; None when the experiment has no compact form.
    restore : callable, optional
        ``restore(aggregate, settings)``: the outcome that ``summary`` and
        ``figures`` take, from the aggregate of ``compact`` (see
        :mod:`._archive`).
    """

    name: str
    title: str
    help: str
    quick: dict
    paper: dict
    add_options: Callable
    run: Callable
    summary: Callable
    figures: Callable
    tables: tuple
    n_tasks: Callable
    check: Callable = lambda settings: []
    aliases: dict = field(default_factory=dict)
    compact: Callable | None = None
    restore: Callable | None = None

    @property
    def stem(self):
        """The prefix of the experiment's files (its manifest, its journal)."""
        return self.name.replace("-", "_")

    def settings(self, paper=False, options=None):
        """Quick or paper settings, overridden by the ``options`` that are not None."""
        options = options or {}
        settings = dict(self.paper if paper else self.quick)
        for name in settings:
            value = options.get(name)
            if value is not None:
                settings[name] = value
        return settings


EXPERIMENTS = {}


def register(experiment):
    """Add ``experiment`` to the registry (the command line shows it)."""
    EXPERIMENTS[experiment.name] = experiment
    return experiment

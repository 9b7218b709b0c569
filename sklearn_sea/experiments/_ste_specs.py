"""The STE paper's experiments as command-line specs: sample complexity, recurrence."""

# SPDX-License-Identifier: BSD-3-Clause

from . import _options as opt
from ._registry import Experiment, register
from ._results import as_rows
from ._ste import (
    DEFAULT_EXPONENTS,
    DEFAULT_N_PATCHES,
    _sample_grid,
    ste_recovery_threshold,
    ste_recurrence,
    ste_sample_complexity,
)

#: The notions of convergence whose thresholds the sample-complexity run
#: reports, with the paper's sufficient sample size for each.
NOTIONS = {"ergodic": "n^2", "non_ergodic": "n^4"}

#: Success rate defining the threshold N(n) of each notion.
THRESHOLD_LEVEL = 0.5


def _patches(n_patches):
    return f"{n_patches} patch" + ("es" if n_patches != 1 else "")


def _network(n_patches):
    """The model in a title: one patch is the paper's single binary neuron."""
    if n_patches == 1:
        return "a binary neuron"
    return f"a binary network of {_patches(n_patches)}"


def _add_n_patches(parser):
    parser.add_argument(
        "--n-patches",
        type=opt.POSITIVE,
        help=(
            "patches p per sample, sharing the binary weights (default "
            f"{DEFAULT_N_PATCHES}, second layer all ones; 1 is a single neuron)"
        ),
    )


# -- sample complexity ------------------------------------------------------

SAMPLE_COMPLEXITY_QUICK = {
    "patch_sizes": [8, 16, 32],
    "exponents": list(DEFAULT_EXPONENTS),
    "n_patches": DEFAULT_N_PATCHES,
    "runs": 10,
    "max_iter": 200,
}
SAMPLE_COMPLEXITY_PAPER = {
    **SAMPLE_COMPLEXITY_QUICK,
    "patch_sizes": [8, 16, 32, 64, 128],
    "runs": 100,
    "max_iter": 1000,
}


def _sample_complexity_options(parser):
    parser.add_argument(
        "--patch-sizes", type=opt.POSITIVE, nargs="+", help="dimensions n"
    )
    parser.add_argument(
        "--exponents",
        type=opt.POSITIVE_REAL,
        nargs="+",
        help="sample sizes N = ceil(n^a), a > 0",
    )
    parser.add_argument("--max-iter", type=opt.POSITIVE, help="STE iterations per fit")
    _add_n_patches(parser)


def _sample_complexity_n_tasks(settings):
    return settings["runs"] * sum(
        len(_sample_grid(n, None, settings["exponents"]))
        for n in settings["patch_sizes"]
    )


def _sample_complexity_run(settings, tables):
    table = ste_sample_complexity(
        patch_sizes=settings["patch_sizes"],
        exponents=settings["exponents"],
        n_patches=settings["n_patches"],
        n_runs=settings["runs"],
        estimator_params={"max_iter": settings["max_iter"]},
        random_state=settings["seed"],
        n_jobs=settings["n_jobs"],
        progress=settings["progress"],
    )
    tables.write("ste_sample_complexity", as_rows(table))
    return {
        notion: ste_recovery_threshold(table, level=THRESHOLD_LEVEL, criterion=notion)
        for notion in NOTIONS
    }


def _notion_name(notion):
    return notion.replace("_", "-")


def _sample_complexity_summary(outcome, settings):
    lines = [
        f"\nConvergence of STE to the binary teacher, "
        f"{_network(settings['n_patches'])}, {settings['runs']} runs, budget "
        f"{settings['max_iter']} iterations (window: its last half). Rates "
        "ergodic / non-ergodic:"
    ]
    ergodic_rates = as_rows(outcome["ergodic"][0])
    non_ergodic_rates = as_rows(outcome["non_ergodic"][0])
    for n in settings["patch_sizes"]:
        cells = "  ".join(
            f"N={e['n_samples']}:{e['success_rate']:.2f}/{f['success_rate']:.2f}"
            for e, f in zip(ergodic_rates, non_ergodic_rates, strict=True)
            if e["patch_size"] == n
        )
        lines.append(f"n={n:<4} {cells}")
    level = f"{THRESHOLD_LEVEL:.0%}"
    lines.append(f"{level} threshold N(n), from which the rate stays >= {level}:")
    for notion, bound in NOTIONS.items():
        _, thresholds, exponent = outcome[notion]
        cells = "  ".join(
            f"n={row['patch_size']}: {'<= ' if row['censored'] else ''}"
            f"{row['threshold']:.1f}"
            for row in as_rows(thresholds)
        )
        lines.append(f"{_notion_name(notion):<12} {cells}")
        lines.append(
            f"{'':<12} fitted N ~ n^{exponent:.2f} (paper's sufficient "
            f"condition: O({bound}))"
        )
    return lines


def _sample_complexity_figures(outcome, settings):
    from ._plots import plot_ste_sample_complexity

    title = (
        f"STE on {_network(settings['n_patches'])}, {settings['runs']} runs "
        f"per point, budget {settings['max_iter']}"
    )
    return [
        (
            "ste_sample_complexity",
            plot_ste_sample_complexity,
            (outcome,),
            {"title": title, "level": THRESHOLD_LEVEL},
        )
    ]


STE_SAMPLE_COMPLEXITY = register(
    Experiment(
        name="ste-sample-complexity",
        title="STE sample complexity",
        help="ergodic and non-ergodic convergence of STE against the sample size",
        quick=SAMPLE_COMPLEXITY_QUICK,
        paper=SAMPLE_COMPLEXITY_PAPER,
        add_options=_sample_complexity_options,
        run=_sample_complexity_run,
        summary=_sample_complexity_summary,
        figures=_sample_complexity_figures,
        tables=("ste_sample_complexity",),
        n_tasks=_sample_complexity_n_tasks,
    )
)


# -- recurrence -------------------------------------------------------------

RECURRENCE_QUICK = {
    "patch_size": 16,
    "n_patches": DEFAULT_N_PATCHES,
    "n_samples": 256,
    "noise": 0.3,
    "max_iter": 2000,
    "runs": 1,
}
RECURRENCE_PAPER = {
    **RECURRENCE_QUICK,
    "patch_size": 64,
    "n_samples": 4096,
    "max_iter": 10000,
    "runs": 10,
}
_SHOWN = (
    "share_at_teacher",
    "first_hit",
    "n_visits",
    "n_escapes",
    "n_returns",
    "ergodic",
    "non_ergodic",
)


def _recurrence_options(parser):
    parser.add_argument("--patch-size", type=opt.POSITIVE, help="dimension n")
    parser.add_argument("--n-samples", type=opt.POSITIVE, help="sample size N")
    parser.add_argument(
        "--noise", type=opt.NON_NEGATIVE, help="label noise standard deviation"
    )
    parser.add_argument("--max-iter", type=opt.POSITIVE, help="STE iterations")
    _add_n_patches(parser)


def _recurrence_run(settings, tables):
    trace, summary = ste_recurrence(
        patch_size=settings["patch_size"],
        n_patches=settings["n_patches"],
        n_samples=settings["n_samples"],
        noise=settings["noise"],
        max_iter=settings["max_iter"],
        n_runs=settings["runs"],
        random_state=settings["seed"],
        n_jobs=settings["n_jobs"],
        progress=settings["progress"],
    )
    tables.write("ste_recurrence", as_rows(trace))
    tables.write("ste_recurrence_summary", as_rows(summary))
    return trace, summary


def _recurrence_summary(outcome, settings):
    _, summary = outcome
    shown = [key for key in _SHOWN if key in summary]
    lines = [
        f"\nBinary weights under label noise {settings['noise']:g}, "
        f"n={settings['patch_size']}, {_patches(settings['n_patches'])}, "
        f"N={settings['n_samples']}, {settings['max_iter']} iterations:",
        f"{'run':<5}" + "".join(f"{key:>18}" for key in shown),
    ]
    for row in as_rows(summary):
        lines.append(f"{row['run']:<5}" + "".join(_cell(row[key]) for key in shown))
    return lines


def _cell(value):
    if isinstance(value, bool):
        return f"{'yes' if value else 'no':>18}"
    return f"{value:>18.4g}"


def _recurrence_figures(outcome, settings):
    from ._plots import plot_ste_recurrence

    title = (
        f"STE iterates of {_network(settings['n_patches'])} under label "
        f"noise {settings['noise']:g} (n={settings['patch_size']}, "
        f"N={settings['n_samples']})"
    )
    return [("ste_recurrence", plot_ste_recurrence, (outcome[0],), {"title": title})]


STE_RECURRENCE = register(
    Experiment(
        name="ste-recurrence",
        title="STE recurrence",
        help="escapes from and returns to the teacher under label noise",
        quick=RECURRENCE_QUICK,
        paper=RECURRENCE_PAPER,
        add_options=_recurrence_options,
        run=_recurrence_run,
        summary=_recurrence_summary,
        figures=_recurrence_figures,
        tables=("ste_recurrence", "ste_recurrence_summary"),
        n_tasks=lambda settings: settings["runs"],
    )
)

"""The SEA paper's experiments as command-line specs: phase transition, deconvolution."""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from . import _options as opt
from ._algorithms import ALGORITHMS, algorithm_legend
from ._coincidence import (
    PROBLEM_KEYS,
    ResultDigests,
    coincidence_notes,
    same_curves,
    same_results,
)
from ._iteration_budget import (
    BUDGET_ALGORITHMS,
    DEFAULT_BUDGET_ALGORITHMS,
    budget_label,
    budget_rates,
    iter_iteration_budget,
)
from ._registry import Experiment, register
from ._sparse_recovery import (
    DECONVOLUTION_WARM_STEP,
    curve_area,
    deconvolution,
    deconvolution_example,
    iter_phase_transition,
    mean_support_distance,
    phase_grid,
    success_rates,
    transition_curves,
)


def rho_grid(step, rho_max):
    """The grid of k/m: ``step, 2 step, ...`` up to ``rho_max``."""
    return [round(step * i, 6) for i in range(1, int(round(rho_max / step)) + 1)]


def _add_sparse_recovery_options(
    parser, *, sea_max_iter=True, algorithms=ALGORITHMS, default="all"
):
    parser.add_argument("--n-features", type=opt.POSITIVE, help="dimension n")
    if sea_max_iter:
        parser.add_argument(
            "--sea-max-iter", type=opt.POSITIVE, help="SEA's iteration budget"
        )
    parser.add_argument(
        "--algorithms",
        nargs="+",
        choices=algorithms,
        metavar="NAME",
        help=f"subset of {', '.join(algorithms)} (default: {default})",
    )


# -- phase transition -------------------------------------------------------

PHASE_QUICK = {
    "n_features": 100,
    "zetas": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
    "rho_step": 0.03,
    "rho_max": 0.6,
    "runs": 20,
    "sea_max_iter": 250,
    "prune_below": 0.5,
    "algorithms": None,
}
PHASE_PAPER = {
    **PHASE_QUICK,
    "n_features": 500,
    "rho_step": 0.01,
    "runs": 1000,
    "sea_max_iter": 1000,
}


def _phase_options(parser, **sparse_recovery):
    _add_sparse_recovery_options(parser, **sparse_recovery)
    parser.add_argument(
        "--zetas", type=opt.FRACTION, nargs="+", help="grid of m/n, in (0, 1]"
    )
    parser.add_argument(
        "--rho-step", type=opt.FRACTION, help="step of the grid of k/m, in (0, 1]"
    )
    parser.add_argument(
        "--rho-max", type=opt.FRACTION, help="largest k/m of the grid, in (0, 1]"
    )
    parser.add_argument(
        "--prune-below",
        type=opt.RATE,
        help="stop raising k/m for an algorithm once its success rate falls "
        "below this, in [0, 1] (0: whole grid)",
    )


def _phase_grid(settings):
    return phase_grid(
        settings["n_features"],
        settings["zetas"],
        rho_grid(settings["rho_step"], settings["rho_max"]),
    )


def _phase_check(settings):
    if settings["rho_max"] < settings["rho_step"]:
        return [
            (
                "--rho-max",
                f"{settings['rho_max']:g} is below --rho-step "
                f"{settings['rho_step']:g}: the grid of k/m is empty",
            )
        ]
    return []


def _phase_n_tasks(settings):
    return sum(len(ks) for _, _, ks in _phase_grid(settings)) * settings["runs"]


def _phase_run(settings, tables):
    rows = iter_phase_transition(
        n_features=settings["n_features"],
        zetas=settings["zetas"],
        rhos=rho_grid(settings["rho_step"], settings["rho_max"]),
        n_runs=settings["runs"],
        algorithms=settings["algorithms"],
        sea_max_iter=settings["sea_max_iter"],
        prune_below=settings["prune_below"],
        random_state=settings["seed"],
        n_jobs=settings["n_jobs"],
        progress=settings["progress"],
    )
    # Rows stream to the CSV file; only the success counts stay in memory.
    return _phase_restore(_phase_compact(tables.stream("phase_transition", rows)))


def _phase_compact(rows):
    """The aggregate of a phase transition: success counts and result digests."""
    digests = ResultDigests(PROBLEM_KEYS["phase_transition"])
    rates = success_rates(digests.watch(rows))
    return {"rates": rates, "digests": digests.hexdigests()}


def _phase_restore(aggregate, settings=None):
    # The aggregate is the outcome: the rates and the digests.
    return aggregate


def _ranked_curves(rates, level):
    curves = transition_curves(rates, level=level)
    return dict(sorted(curves.items(), key=lambda item: -curve_area(item[1])))


def _phase_notes(outcome):
    curves = _ranked_curves(outcome["rates"], 0.95)
    return coincidence_notes(same_results(outcome["digests"]), same_curves(curves))


def _phase_summary(outcome, settings):
    rates = outcome["rates"]
    ranked = _ranked_curves(rates, 0.95)
    zetas = [zeta for zeta, _ in next(iter(ranked.values()))]
    lines = [
        f"\nLargest rho = k/m recovered in >= 95% of {settings['runs']} runs, "
        f"n={settings['n_features']} (higher is better):",
        algorithm_legend(list(ranked)),
        f"{'algorithm':<10}{'mean':>7}"
        + "".join(f"{f'z={zeta:g}':>7}" for zeta in zetas),
    ]
    notes = _phase_notes(outcome)
    for name, curve in ranked.items():
        values = "".join(f"{rho:>7.2f}" for _, rho in curve)
        lines.append(
            f"{name:<10}{curve_area(curve):>7.3f}{values}" + _mark(notes, name)
        )
    # The 50% level is less noisy with few runs and shows the ordering below
    # the very top of the success region.
    for level in (0.95, 0.5):
        order = _ranked_curves(rates, level)
        lines.append(
            f"ranking (mean of the {100 * level:g}% curve): "
            + " > ".join(
                f"{name} ({curve_area(curve):.3f})" for name, curve in order.items()
            )
        )
    return lines


def _phase_figures(outcome, settings):
    from ._plots import plot_phase_transition

    title = (
        f"95% exact-recovery curves, n={settings['n_features']}, "
        f"{settings['runs']} runs per point"
    )
    return [
        (
            "phase_transition",
            plot_phase_transition,
            (_ranked_curves(outcome["rates"], 0.95),),
            {"title": title, "notes": _phase_notes(outcome)},
        )
    ]


# -- spike deconvolution ----------------------------------------------------

DECONVOLUTION_QUICK = {
    "n_features": 500,
    "k": [5, 10, 15, 20, 25, 30],
    "width": 3.0,
    "noise": 0.0,
    "runs": 10,
    "sea_max_iter": 1000,
    # Step of SEA started from ELS: DECONVOLUTION_WARM_STEP, where it is measured.
    "warm_step": DECONVOLUTION_WARM_STEP,
    "algorithms": None,
}
DECONVOLUTION_PAPER = {
    **DECONVOLUTION_QUICK,
    "k": [2, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50],
    "runs": 100,
}


def _deconvolution_options(parser):
    _add_sparse_recovery_options(parser)
    parser.add_argument("--k", type=opt.POSITIVE, nargs="+", help="numbers of spikes")
    parser.add_argument(
        "--width", type=opt.POSITIVE_REAL, help="Gaussian filter std (samples)"
    )
    parser.add_argument(
        "--noise", type=opt.NON_NEGATIVE, help="noise standard deviation"
    )
    parser.add_argument(
        "--warm-step",
        type=opt.step,
        help="step_size of SEA started from ELS or OMP: a positive number or auto "
        f"(default {DECONVOLUTION_WARM_STEP:g}, measured in "
        "sklearn_sea.experiments.deconvolution)",
    )


def _deconvolution_check(settings):
    too_many = [k for k in settings["k"] if k > settings["n_features"]]
    if too_many:
        return [
            (
                "--k",
                f"{max(too_many)} spikes do not fit in a signal of "
                f"--n-features {settings['n_features']}",
            )
        ]
    return []


def _common(settings):
    return {
        "n_features": settings["n_features"],
        "width": settings["width"],
        "noise": settings["noise"],
        "algorithms": settings["algorithms"],
        "sea_max_iter": settings["sea_max_iter"],
        "warm_step": settings["warm_step"],
        "random_state": settings["seed"],
    }


def _focus(ks):
    # The paper's Figure 3 shows k = 20; other grids use the closest k.
    return min(ks, key=lambda k: (abs(k - 20), k))


def _deconvolution_run(settings, tables):
    rows = deconvolution(
        n_nonzero_coefs=settings["k"],
        n_runs=settings["runs"],
        n_jobs=settings["n_jobs"],
        progress=settings["progress"],
        **_common(settings),
    )
    aggregate = _deconvolution_compact(tables.write("deconvolution", rows))
    focus = _focus(sorted({row["n_nonzero_coefs"] for row in aggregate["summary"]}))
    example = deconvolution_example(n_nonzero_coefs=focus, **_common(settings))
    start, stop = example["window"]
    tables.write(
        "deconvolution_example",
        [
            {
                "index": i,
                "y": example["y"][i],
                "true": example["coef_true"][i],
                **{name: coef[i] for name, coef in example["estimates"].items()},
            }
            for i in range(start, stop)
        ],
    )
    return {**aggregate, "focus": focus, "example": example}


def _deconvolution_compact(rows):
    """The aggregate of a deconvolution: per algorithm and k, and result digests."""
    digests = ResultDigests(PROBLEM_KEYS["deconvolution"])
    summary = mean_support_distance(digests.watch(rows))
    return {"summary": summary, "digests": digests.hexdigests()}


def _deconvolution_restore(aggregate, settings):
    """The outcome of a run from its aggregate; the one example problem is re-solved."""
    focus = _focus(sorted({row["n_nonzero_coefs"] for row in aggregate["summary"]}))
    example = deconvolution_example(n_nonzero_coefs=focus, **_common(settings))
    return {**aggregate, "focus": focus, "example": example}


def _deconvolution_notes(outcome):
    summary = outcome["summary"]
    curves = {}
    for row in summary:
        curves.setdefault(row["algorithm"], []).append(
            (row["n_nonzero_coefs"], row["mean_support_distance"])
        )
    return coincidence_notes(same_results(outcome["digests"]), same_curves(curves))


def _deconvolution_summary(outcome, settings):
    summary, focus = outcome["summary"], outcome["focus"]
    ks = sorted({row["n_nonzero_coefs"] for row in summary})
    names = list(dict.fromkeys(row["algorithm"] for row in summary))
    notes = _deconvolution_notes(outcome)
    lines = [
        f"\nMean support distance k - |S* n S| over {settings['runs']} runs, "
        f"n={settings['n_features']}, filter width {settings['width']:g} "
        "(lower is better):",
        algorithm_legend(names, warm_step=settings["warm_step"]),
        f"{'algorithm':<10}" + "".join(f"{f'k={k}':>7}" for k in ks) + "  fit (s)",
    ]
    for name in names:
        mine = {
            row["n_nonzero_coefs"]: row for row in summary if row["algorithm"] == name
        }
        values = "".join(f"{mine[k]['mean_support_distance']:>7.2f}" for k in ks)
        seconds = np.mean([row["mean_fit_time"] for row in mine.values()])
        lines.append(f"{name:<10}{values}{seconds:>9.3f}" + _mark(notes, name))
    at_focus = sorted(
        (row for row in summary if row["n_nonzero_coefs"] == focus),
        key=lambda row: row["mean_support_distance"],
    )
    lines.append(
        f"ranking at k={focus}: "
        + " < ".join(
            f"{row['algorithm']} ({row['mean_support_distance']:.2f})"
            for row in at_focus
        )
    )
    return lines


def _mark(notes, name):
    return f"  ({notes[name]})" if name in notes else ""


def _deconvolution_figures(outcome, settings):
    from ._plots import plot_deconvolution, plot_deconvolution_example

    focus, example = outcome["focus"], outcome["example"]
    start, stop = example["window"]
    return [
        (
            "deconvolution",
            plot_deconvolution,
            (outcome["summary"],),
            {
                "title": f"Spike deconvolution, n={settings['n_features']}, width "
                f"{settings['width']:g}, {settings['runs']} runs per k",
                "notes": _deconvolution_notes(outcome),
            },
        ),
        (
            "deconvolution_example",
            plot_deconvolution_example,
            (example,),
            {
                "title": f"One instance with k={focus} spikes, samples "
                f"{start}-{stop - 1} (its most crowded part)"
            },
        ),
    ]


DECONVOLUTION = register(
    Experiment(
        name="deconvolution",
        title="spike deconvolution",
        help="mean support distance against k on spike deconvolution "
        "(SEA paper, Figures 3 and 4)",
        quick=DECONVOLUTION_QUICK,
        paper=DECONVOLUTION_PAPER,
        add_options=_deconvolution_options,
        run=_deconvolution_run,
        summary=_deconvolution_summary,
        figures=_deconvolution_figures,
        tables=("deconvolution", "deconvolution_example"),
        n_tasks=lambda settings: len(settings["k"]) * settings["runs"],
        check=_deconvolution_check,
        compact=_deconvolution_compact,
        restore=_deconvolution_restore,
        aliases={
            "demo": "the spike-deconvolution comparison, quick mode (same as "
            "`deconvolution`)"
        },
    )
)

# The order of the registry is that of ``sklearn-sea --help``.
PHASE_TRANSITION = register(
    Experiment(
        name="phase-transition",
        title="phase transition",
        help="exact support recovery over (m/n, k/m) and each algorithm's 95% "
        "curve (SEA paper, Figure 2)",
        quick=PHASE_QUICK,
        paper=PHASE_PAPER,
        add_options=_phase_options,
        run=_phase_run,
        summary=_phase_summary,
        figures=_phase_figures,
        tables=("phase_transition",),
        n_tasks=_phase_n_tasks,
        check=_phase_check,
        compact=_phase_compact,
        restore=_phase_restore,
    )
)


# -- SEA's iteration budget -------------------------------------------------

BUDGET_QUICK = {
    "n_features": 100,
    "zetas": [0.3, 0.6],
    "rho_step": 0.05,
    "rho_max": 0.6,
    "runs": 4,
    "sea_max_iter": [1000, 3000, 10000],
    "prune_below": 0.5,
    "algorithms": None,
}
# The papers have no such figure: --paper is the size of the documentation's.
BUDGET_PAPER = {
    **BUDGET_QUICK,
    "zetas": [0.2, 0.4, 0.6, 0.8],
    "rho_step": 0.03,
    "runs": 20,
}


def _budget_options(parser):
    _phase_options(
        parser,
        sea_max_iter=False,
        algorithms=BUDGET_ALGORITHMS,
        default=" ".join(DEFAULT_BUDGET_ALGORITHMS),
    )
    parser.add_argument(
        "--sea-max-iter",
        type=opt.POSITIVE,
        nargs="+",
        metavar="T",
        help="SEA's iteration budgets T, one phase transition each",
    )


def _budget_n_tasks(settings):
    return _phase_n_tasks(settings) * len(set(settings["sea_max_iter"]))


def _budget_run(settings, tables):
    rows = iter_iteration_budget(
        budgets=settings["sea_max_iter"],
        algorithms=settings["algorithms"],
        n_features=settings["n_features"],
        zetas=settings["zetas"],
        rhos=rho_grid(settings["rho_step"], settings["rho_max"]),
        n_runs=settings["runs"],
        prune_below=settings["prune_below"],
        random_state=settings["seed"],
        n_jobs=settings["n_jobs"],
        progress=settings["progress"],
    )
    return _budget_compact(tables.stream("sea_iterations", rows))


def _budget_compact(rows):
    """Success counts per (algorithm, T), and result digests of each."""
    digests = ResultDigests(
        PROBLEM_KEYS["phase_transition"],
        name=lambda row: budget_label(row["algorithm"], row["sea_max_iter"]),
    )
    rates = budget_rates(digests.watch(rows))
    return {"rates": rates, "digests": digests.hexdigests()}


def _budget_notes(outcome):
    curves = transition_curves(outcome["rates"], level=0.95)
    return coincidence_notes(same_results(outcome["digests"]), same_curves(curves))


def budget_table(rates, level=0.95):
    """``{algorithm: {T: mean of the level curve}}`` of :func:`budget_rates`."""
    curves = transition_curves(rates, level=level)
    table = {}
    for rate in rates:
        name, budget = rate["base_algorithm"], rate["sea_max_iter"]
        curve = curves[budget_label(name, budget)]
        table.setdefault(name, {})[budget] = curve_area(curve)
    return table


def budget_successes(rates):
    """``{algorithm: ({T: problems recovered}, n_problems)}`` on shared problems.

    Only the grid points that every budget ran count (pruning may stop a
    small budget earlier), so each T is scored on the same problems.
    """
    points = {}
    for rate in rates:
        key = (rate["zeta"], rate["n_samples"], rate["n_nonzero_coefs"])
        points.setdefault(rate["base_algorithm"], {}).setdefault(key, {})[
            rate["sea_max_iter"]
        ] = rate
    budgets = {rate["sea_max_iter"] for rate in rates}
    counts = {}
    for name, by_point in points.items():
        shared = [
            by_budget
            for by_budget in by_point.values()
            if len(by_budget) == len(budgets)
        ]
        counts[name] = (
            {
                budget: sum(
                    round(point[budget]["success_rate"] * point[budget]["n_runs"])
                    for point in shared
                )
                for budget in sorted(budgets)
            },
            sum(point[min(budgets)]["n_runs"] for point in shared),
        )
    return counts


def _budget_summary(outcome, settings):
    rates = outcome["rates"]
    budgets = list(dict.fromkeys(settings["sea_max_iter"]))
    lines = [
        f"\nMean over m/n of the largest k/m recovered in >= 95% of "
        f"{settings['runs']} runs, n={settings['n_features']}, per SEA budget T "
        "(higher is better):",
        f"{'algorithm':<10}" + "".join(f"{f'T={budget}':>9}" for budget in budgets),
    ]
    for name, row in budget_table(rates).items():
        lines.append(
            f"{name:<10}" + "".join(f"{row[budget]:>9.3f}" for budget in budgets)
        )
    for name, (recovered, n_problems) in budget_successes(rates).items():
        lines.append(
            f"{name} recovers, of the {n_problems} problems every T ran: "
            + ", ".join(f"{count} (T={budget})" for budget, count in recovered.items())
        )
    curves = transition_curves(rates, level=0.95)
    zetas = [zeta for zeta, _ in next(iter(curves.values()))]
    lines.append(
        f"{'95% curves':<20}" + "".join(f"{f'z={zeta:g}':>7}" for zeta in zetas)
    )
    notes = _budget_notes(outcome)
    for label, curve in curves.items():
        lines.append(
            f"{label:<20}"
            + "".join(f"{rho:>7.2f}" for _, rho in curve)
            + _mark(notes, label)
        )
    return lines


def _budget_figures(outcome, settings):
    from ._plots import plot_iteration_budget

    title = (
        f"95% exact-recovery curves per SEA budget T, n={settings['n_features']}, "
        f"{settings['runs']} runs per point"
    )
    return [
        (
            "sea_iterations",
            plot_iteration_budget,
            (
                transition_curves(outcome["rates"], level=0.95),
                budget_table(outcome["rates"]),
            ),
            {"title": title, "notes": _budget_notes(outcome)},
        )
    ]


SEA_ITERATIONS = register(
    Experiment(
        name="sea-iterations",
        title="SEA's iteration budget",
        help="the phase transition of SEA and SEA-ELS for several iteration "
        "budgets T (how T moves their 95% curves)",
        quick=BUDGET_QUICK,
        paper=BUDGET_PAPER,
        add_options=_budget_options,
        run=_budget_run,
        summary=_budget_summary,
        figures=_budget_figures,
        tables=("sea_iterations",),
        n_tasks=_budget_n_tasks,
        check=_phase_check,
        compact=_budget_compact,
        restore=_phase_restore,
    )
)

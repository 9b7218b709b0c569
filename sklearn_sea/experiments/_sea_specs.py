"""The SEA paper's experiments as command-line specs: phase transition, deconvolution."""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from . import _options as opt
from ._algorithms import ALGORITHMS, algorithm_legend
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


def _add_sparse_recovery_options(parser):
    parser.add_argument("--n-features", type=opt.POSITIVE, help="dimension n")
    parser.add_argument(
        "--sea-max-iter", type=opt.POSITIVE, help="SEA's iteration budget"
    )
    parser.add_argument(
        "--algorithms",
        nargs="+",
        choices=ALGORITHMS,
        metavar="NAME",
        help="subset of " + ", ".join(ALGORITHMS) + " (default: all)",
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


def _phase_options(parser):
    _add_sparse_recovery_options(parser)
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
    return success_rates(tables.stream("phase_transition", rows))


def _ranked_curves(rates, level):
    curves = transition_curves(rates, level=level)
    return dict(sorted(curves.items(), key=lambda item: -curve_area(item[1])))


def _phase_summary(rates, settings):
    ranked = _ranked_curves(rates, 0.95)
    zetas = [zeta for zeta, _ in next(iter(ranked.values()))]
    lines = [
        f"\nLargest rho = k/m recovered in >= 95% of {settings['runs']} runs, "
        f"n={settings['n_features']} (higher is better):",
        algorithm_legend(list(ranked)),
        f"{'algorithm':<10}{'mean':>7}"
        + "".join(f"{f'z={zeta:g}':>7}" for zeta in zetas),
    ]
    for name, curve in ranked.items():
        values = "".join(f"{rho:>7.2f}" for _, rho in curve)
        lines.append(f"{name:<10}{curve_area(curve):>7.3f}{values}")
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


def _phase_figures(rates, settings):
    from ._plots import plot_phase_transition

    title = (
        f"95% exact-recovery curves, n={settings['n_features']}, "
        f"{settings['runs']} runs per point"
    )
    return [
        (
            "phase_transition",
            plot_phase_transition,
            (_ranked_curves(rates, 0.95),),
            {"title": title},
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
        help="step_size of SEA started from ELS: a positive number or auto "
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
    tables.write("deconvolution", rows)
    summary = mean_support_distance(rows)
    focus = _focus(sorted({row["n_nonzero_coefs"] for row in summary}))
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
    return summary, focus, example


def _deconvolution_summary(outcome, settings):
    summary, focus, _ = outcome
    ks = sorted({row["n_nonzero_coefs"] for row in summary})
    names = list(dict.fromkeys(row["algorithm"] for row in summary))
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
        lines.append(f"{name:<10}{values}{seconds:>9.3f}")
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


def _deconvolution_figures(outcome, settings):
    from ._plots import plot_deconvolution, plot_deconvolution_example

    summary, focus, example = outcome
    start, stop = example["window"]
    return [
        (
            "deconvolution",
            plot_deconvolution,
            (summary,),
            {
                "title": f"Spike deconvolution, n={settings['n_features']}, width "
                f"{settings['width']:g}, {settings['runs']} runs per k"
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
    )
)

"""Figures of the experiments (matplotlib is an optional dependency).

matplotlib is imported inside the functions, through
:func:`require_matplotlib`, so that the experiments run and write their CSV
files without it. Figures are built with :class:`matplotlib.figure.Figure`
directly: no pyplot state and no interactive backend are involved.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ._sparse_recovery import algorithm_label

#: How to get the figures when matplotlib is missing.
INSTALL_HINT = (
    'pip install "sklearn-sea[plots]" (or pip install matplotlib), then run the '
    "command again"
)

_MARKERS = "osD^v<>ph*"


def require_matplotlib():
    """Return :class:`matplotlib.figure.Figure`, or fail saying how to install it.

    Raises
    ------
    ImportError
        When matplotlib is not installed; the message gives the command.
    """
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError(
            f"matplotlib is needed for the figures; {INSTALL_HINT}."
        ) from exc
    return Figure


def _style(index, linestyles=("-", "--")):
    # Alternate dashes so that algorithms with equal results (SEA-ELS and ELS
    # often are) stay visible on top of each other.
    return {
        "marker": _MARKERS[index % len(_MARKERS)],
        "markersize": 4,
        "linestyle": linestyles[index % len(linestyles)],
    }


def _over(style, noted):
    """The style of a curve drawn exactly over another: hollow, larger markers
    and a dotted line, so that the curve underneath stays visible."""
    if not noted:
        return style
    return {**style, "markersize": 8, "markerfacecolor": "none", "linestyle": ":"}


def _label(name, notes, label=None):
    label = algorithm_label(name) if label is None else label
    return f"{label} ({notes[name]})" if name in (notes or {}) else label


def _legend_below(ax, ncol=2):
    # Below the axes: with ten algorithms a legend inside hides curves.
    ax.legend(
        fontsize="small", ncol=ncol, loc="upper center", bbox_to_anchor=(0.5, -0.13)
    )


def _save(fig, path):
    fig.savefig(path, dpi=100, bbox_inches="tight")
    return path


def _single_axes():
    """A new figure of the default size with one axes."""
    Figure = require_matplotlib()
    fig = Figure(figsize=(6.4, 4.8))
    return fig, fig.add_subplot()


def _phase_plane(ax, level):
    """Axes of a phase-transition figure: zeta across, the curves' rho up."""
    ax.set_xlabel(r"$\zeta = m / n$")
    ax.set_ylabel(rf"$\rho = k / m$ recovered in $\geq {100 * level:g}\%$ of runs")
    ax.set_xlim(0, 1)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)


def _finish(fig, ax, path, title, ncol=2):
    """Legend below, optional title, and the file written."""
    _legend_below(ax, ncol=ncol)
    if title:
        ax.set_title(title, fontsize="medium")
    return _save(fig, path)


def plot_phase_transition(curves, path, *, title=None, level=0.95, notes=None):
    """The paper's Figure 2: each algorithm's ``level`` success curve.

    Parameters
    ----------
    curves : dict
        ``{algorithm: [(zeta, rho), ...]}``, e.g. from
        :func:`~sklearn_sea.experiments._sparse_recovery.transition_curves`;
        drawn in the dict's order.
    path : str or path-like
        PNG file to write.
    title : str, default=None
        Figure title.
    level : float, default=0.95
        Success rate of the curves, for the axis label.
    notes : dict, default=None
        ``{algorithm: note}`` for curves drawn over another's (see
        :func:`~sklearn_sea.experiments._coincidence.coincidence_notes`):
        the note goes into the legend and the curve is drawn hollow and
        dotted.

    Returns
    -------
    path : str or path-like
    """
    notes = notes or {}
    fig, ax = _single_axes()
    for index, (name, points) in enumerate(curves.items()):
        zetas, rhos = np.array(points, dtype=float).T
        style = _over(_style(index), name in notes)
        ax.plot(zetas, rhos, label=_label(name, notes), **style)
    _phase_plane(ax, level)
    return _finish(fig, ax, path, title)


def plot_iteration_budget(curves, table, path, *, title=None, level=0.95, notes=None):
    """The transition curves of the SEA variants, one line per budget T.

    One colour per algorithm, one line style per budget, darker for larger
    budgets; the legend gives each curve's mean (as in the summary table).

    Parameters
    ----------
    curves : dict
        ``{label: [(zeta, rho), ...]}`` with labels of
        :func:`~sklearn_sea.experiments._iteration_budget.budget_label`.
    table : dict
        ``{algorithm: {T: mean of the curve}}``: which curves to draw, and
        their order.
    path : str or path-like
        PNG file to write.
    title : str, default=None
        Figure title.
    level : float, default=0.95
        Success rate of the curves, for the axis label.
    notes : dict, default=None
        ``{label: note}`` for curves drawn over another's, as in
        :func:`plot_phase_transition`.

    Returns
    -------
    path : str or path-like
    """
    from ._iteration_budget import budget_label

    notes = notes or {}
    fig, ax = _single_axes()
    for colour, (name, means) in enumerate(table.items()):
        for index, (budget, mean) in enumerate(sorted(means.items())):
            label = budget_label(name, budget)
            zetas, rhos = np.array(curves[label], dtype=float).T
            style = _style(index, ("-", "--", ":", "-."))
            ax.plot(
                zetas,
                rhos,
                color=f"C{colour}",
                alpha=0.45 + 0.55 * (index + 1) / len(means),
                label=_label(
                    label,
                    notes,
                    f"{algorithm_label(name)}, T={budget} (mean {mean:.3f})",
                ),
                **_over(style, label in notes),
            )
    _phase_plane(ax, level)
    return _finish(fig, ax, path, title, ncol=1)


def plot_deconvolution(summary, path, *, title=None, notes=None):
    """The paper's Figure 4: mean support distance against k, per algorithm.

    Parameters
    ----------
    summary : list of dict
        Rows of
        :func:`~sklearn_sea.experiments._sparse_recovery.mean_support_distance`.
    path : str or path-like
        PNG file to write.
    title : str, default=None
        Figure title.
    notes : dict, default=None
        ``{algorithm: note}`` for curves drawn over another's, as in
        :func:`plot_phase_transition`.

    Returns
    -------
    path : str or path-like
    """
    notes = notes or {}
    fig, ax = _single_axes()
    names = list(dict.fromkeys(row["algorithm"] for row in summary))
    for index, name in enumerate(names):
        rows = [row for row in summary if row["algorithm"] == name]
        ax.errorbar(
            [row["n_nonzero_coefs"] for row in rows],
            [row["mean_support_distance"] for row in rows],
            yerr=[row["sem"] for row in rows],
            label=_label(name, notes),
            capsize=2,
            **_over(_style(index), name in notes),
        )
    ax.set_xlabel("number of spikes k")
    ax.set_ylabel(r"mean support distance $k - |S^* \cap \hat S|$ (lower is better)")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    return _finish(fig, ax, path, title)


def plot_deconvolution_example(example, path, *, title=None):
    """The paper's Figure 3: true spikes and each algorithm's estimate, cropped.

    Parameters
    ----------
    example : dict
        Output of
        :func:`~sklearn_sea.experiments._sparse_recovery.deconvolution_example`.
    path : str or path-like
        PNG file to write.
    title : str, default=None
        Figure title.

    Returns
    -------
    path : str or path-like
    """
    Figure = require_matplotlib()
    start, stop = example["window"]
    index = np.arange(start, stop)
    truth = example["coef_true"][start:stop]
    observed = example["y"][start:stop]
    names = list(example["estimates"])
    n_cols = 3
    n_rows = -(-len(names) // n_cols)
    fig = Figure(figsize=(4 * n_cols, 2.4 * n_rows), layout="constrained")
    axes = fig.subplots(n_rows, n_cols, sharex=True, sharey=True, squeeze=False)
    spikes = truth != 0
    for ax, name in zip(axes.flat, names, strict=False):
        estimate = example["estimates"][name][start:stop]
        found = estimate != 0
        ax.plot(index, observed, color="0.75", lw=1, label="y")
        ax.vlines(index[spikes], 0, truth[spikes], color="k", lw=1)
        ax.plot(index[spikes], truth[spikes], "ko", ms=4, mfc="none", label="true")
        ax.vlines(index[found], 0, estimate[found], color="C3", lw=1)
        ax.plot(index[found], estimate[found], "C3x", ms=5, label="estimate")
        ax.axhline(0, color="k", lw=0.5)
        distance = example["support_distance"][name]
        ax.set_title(
            f"{algorithm_label(name)} (support distance {distance})", fontsize="small"
        )
    # Wild estimates (unstable least squares on coherent columns) run off the
    # panel rather than flatten the true spikes.
    limit = 1.3 * max(np.abs(truth).max(initial=0), np.abs(observed).max(initial=0))
    axes.flat[0].set_ylim(-limit or -1, limit or 1)
    for ax in axes.flat[len(names) :]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize="x-small", loc="best")
    if title:
        fig.suptitle(title, fontsize="medium")
    return _save(fig, path)


#: Line style of each notion of convergence in the sample-complexity figure.
_NOTION_STYLES = {
    "ergodic": {"linestyle": "-", "marker": "o", "label": "ergodic"},
    "non_ergodic": {"linestyle": "--", "marker": "s", "label": "non-ergodic"},
}

#: The paper's sufficient sample sizes, drawn as reference slopes.
_REFERENCE_POWERS = ((2.0, ":", "ergodic"), (4.0, "-.", "non-ergodic"))


def plot_ste_sample_complexity(outcome, path, *, title=None, level=0.5):
    """Success rates and measured thresholds N(n) of both notions of convergence.

    Left: the rate of each notion against ``N``, one colour per ``n``
    (solid: ergodic, dashed: non-ergodic). Right: the threshold ``N(n)`` of
    each notion against ``n`` on log-log axes, with its fitted exponent,
    next to reference lines ``n^2`` and ``n^4`` (the paper's sufficient
    conditions for ergodic and non-ergodic convergence) drawn through the
    first measured threshold, so that slopes compare directly.

    Parameters
    ----------
    outcome : dict
        ``{notion: (rates, thresholds, exponent)}`` for ``"ergodic"`` and
        ``"non_ergodic"``, the outputs of
        :func:`~sklearn_sea.experiments.ste_recovery_threshold` with that
        ``criterion``.
    path : str or path-like
        PNG file to write.
    title : str, default=None
        Figure title.
    level : float, default=0.5
        Success rate defining the thresholds (drawn on the left panel).

    Returns
    -------
    path : str or path-like
    """
    Figure = require_matplotlib()
    fig = Figure(figsize=(10, 4), layout="constrained")
    left, right = fig.subplots(1, 2)
    anchor = None
    for notion, style in _NOTION_STYLES.items():
        rates, thresholds, exponent = outcome[notion]
        patch_size = np.asarray(rates["patch_size"])
        n_samples = np.asarray(rates["n_samples"], dtype=float)
        success = np.asarray(rates["success_rate"], dtype=float)
        for index, n in enumerate(np.unique(patch_size)):
            mine = patch_size == n
            order = np.argsort(n_samples[mine])
            left.plot(
                n_samples[mine][order],
                success[mine][order],
                color=f"C{index % 10}",
                linestyle=style["linestyle"],
                marker=style["marker"],
                markersize=3,
                label=f"n = {n}" if notion == "ergodic" else None,
            )
        sizes = np.asarray(thresholds["patch_size"], dtype=float)
        values = np.asarray(thresholds["threshold"], dtype=float)
        found = np.isfinite(values)
        right.plot(
            sizes[found],
            values[found],
            color="k",
            linestyle=style["linestyle"],
            marker=style["marker"],
            label=f"{style['label']}: N ~ n^{exponent:.2f}",
        )
        if anchor is None and found.any():
            anchor = (sizes[found][0], values[found][0])
    if anchor is not None:
        n_grid = np.geomspace(anchor[0], np.max(outcome["ergodic"][1]["patch_size"]))
        for power, linestyle, notion in _REFERENCE_POWERS:
            right.plot(
                n_grid,
                anchor[1] * (n_grid / anchor[0]) ** power,
                color="0.5",
                linestyle=linestyle,
                label=f"n^{power:g} (paper, {notion})",
            )
    left.axhline(level, color="0.6", linewidth=0.8)
    left.set_xscale("log")
    left.set_xlabel("number of samples N")
    left.set_ylabel("share of runs converged")
    left.set_ylim(-0.02, 1.02)
    left.grid(alpha=0.3)
    left.legend(
        loc="best",
        fontsize="small",
        title="solid: ergodic, dashed: non-ergodic",
        title_fontsize="x-small",
    )
    right.set_xscale("log", base=2)
    right.set_yscale("log")
    right.set_xlabel("n (binary weights)")
    right.set_ylabel(f"threshold N(n) at rate {level:g}")
    right.grid(alpha=0.3, which="both")
    right.legend(fontsize="small")
    if title:
        fig.suptitle(title, fontsize="medium")
    return _save(fig, path)


def plot_ste_recurrence(trace, path, *, title=None):
    """Hamming distance to the teacher along the STE iterates, and time spent there.

    Parameters
    ----------
    trace : dict of ndarray
        Columns ``run``, ``iteration`` and ``hamming`` (the first output of
        :func:`~sklearn_sea.experiments.ste_recurrence`).
    path : str or path-like
        PNG file to write.
    title : str, default=None
        Figure title.

    Returns
    -------
    path : str or path-like
    """
    Figure = require_matplotlib()
    run = np.asarray(trace["run"])
    iteration = np.asarray(trace["iteration"])
    hamming = np.asarray(trace["hamming"])
    fig = Figure(figsize=(8, 5), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    for index, r in enumerate(np.unique(run)):
        mine = run == r
        color = f"C{index % 10}"
        alpha = 1.0 if index == 0 else 0.4
        top.step(
            iteration[mine],
            hamming[mine],
            where="post",
            color=color,
            lw=0.6,
            alpha=alpha,
        )
        share = np.cumsum(hamming[mine] == 0) / np.arange(1, np.count_nonzero(mine) + 1)
        bottom.plot(iteration[mine], share, color=color, lw=1.0, alpha=alpha)
    top.set_ylabel(r"Hamming distance to $w^*$")
    top.set_ylim(bottom=-0.2)
    top.grid(alpha=0.3)
    bottom.set_xlabel("iteration")
    bottom.set_ylabel("share of iterates at $w^*$ so far")
    bottom.set_ylim(-0.02, 1.02)
    bottom.grid(alpha=0.3)
    if title:
        fig.suptitle(title, fontsize="medium")
    return _save(fig, path)

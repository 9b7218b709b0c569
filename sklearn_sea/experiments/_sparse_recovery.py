"""The SEA paper's sparse-recovery experiments: phase transition and deconvolution.

Every sweep is a set of independent tasks, one per (problem size, run): a
task draws its problem from a seed derived from ``random_state`` and the
task's coordinates, fits every algorithm on that same problem and returns
plain numbers. Tasks are spread by :func:`~._engine.map_tasks` (joblib), so
the same sweep runs on any joblib backend (loky, threading, or a cluster
through ``joblib.parallel_config(backend="dask")``) with the same results,
and can be recorded and resumed. The sweeps return tidy rows (one dict per
algorithm and problem) that the command line writes to CSV.
"""

# SPDX-License-Identifier: BSD-3-Clause

import os
import time
import warnings
from collections import defaultdict

import numpy as np
from sklearn import config_context
from sklearn.exceptions import ConvergenceWarning

from .._sea import DEFAULT_MAX_ITER
from ..datasets import make_compressed_sensing, make_spike_deconvolution
from ..metrics import support_distance
from ._algorithms import (  # noqa: F401 (names of this module before the registry)
    ALGORITHM_LABELS,
    ALGORITHMS,
    LassoPathTopK,
    algorithm_label,
    algorithm_legend,
    check_algorithms,
    make_estimator,
)
from ._engine import map_tasks
from ._progress import ProgressBar, track
from ._results import read_results
from ._seeding import task_seed

#: Step of SEA-ELS and SEA-OMP in :func:`deconvolution` (see its ``warm_step``).
DECONVOLUTION_WARM_STEP = 100.0


def fit_algorithms(
    X, y, n_nonzero_coefs, algorithms, *, sea_max_iter, sea_warm_step="auto"
):
    """Fit each algorithm on ``(X, y)``; return ``{name: (coef, seconds)}``.

    ``sea_max_iter`` and ``sea_warm_step`` are those of :func:`make_estimator`.
    When ELS is run as well, SEA-ELS starts from that fitted ELS instead of
    fitting it again (the result is the same); its time includes ELS's. The
    dict follows the order of ``algorithms``.
    """
    fitted = {}
    # The problems come from the package's generators: finite by construction,
    # and the estimators' parameters are fixed here, so re-checking both at
    # every fit of a sweep is pure overhead.
    with (
        warnings.catch_warnings(),
        config_context(assume_finite=True, skip_parameter_validation=True),
    ):
        # Hitting an iteration cap is an outcome the sweep records, not an error.
        warnings.simplefilter("ignore", ConvergenceWarning)
        # SEA-ELS last, so that it can reuse ELS (a stable sort keeps the rest).
        for name in sorted(algorithms, key=lambda name: name == "SEA-ELS"):
            estimator = make_estimator(
                name,
                n_nonzero_coefs,
                sea_max_iter=sea_max_iter,
                sea_warm_step=sea_warm_step,
            )
            extra = 0.0
            if name == "SEA-ELS" and "ELS" in fitted:
                els, extra = fitted["ELS"]
                estimator.set_params(init=els)
            start = time.perf_counter()
            estimator.fit(X, y)
            fitted[name] = (estimator, time.perf_counter() - start + extra)
    return {
        name: (np.ravel(fitted[name][0].coef_), fitted[name][1]) for name in algorithms
    }


def _score(coef_true, estimates):
    return [
        (name, support_distance(coef_true, coef), seconds)
        for name, (coef, seconds) in estimates.items()
    ]


def _phase_transition_task(n_samples, n_features, k, seed, algorithms, sea_max_iter):
    X, y, coef = make_compressed_sensing(n_samples, n_features, k, random_state=seed)
    return _score(coef, fit_algorithms(X, y, k, algorithms, sea_max_iter=sea_max_iter))


def _deconvolution_task(
    n_features, k, width, noise, seed, algorithms, sea_max_iter, warm_step
):
    X, y, coef = make_spike_deconvolution(
        n_features, k, width=width, noise=noise, random_state=seed
    )
    fitted = fit_algorithms(
        X, y, k, algorithms, sea_max_iter=sea_max_iter, sea_warm_step=warm_step
    )
    return _score(coef, fitted)


def phase_grid(n_features, zetas, rhos):
    """Problem sizes ``(zeta, m, [k, ...])`` of a phase-transition grid.

    ``m = round(zeta n)`` and ``k = round(rho m)`` (at least 1, at most m);
    rhos that round to the same k are evaluated once.
    """
    grid = []
    for zeta in zetas:
        m = max(1, int(round(zeta * n_features)))
        ks = sorted({min(m, max(1, int(round(rho * m)))) for rho in rhos})
        grid.append((float(zeta), m, ks))
    return grid


def phase_transition(
    *,
    n_features=100,
    zetas=(0.2, 0.4, 0.6, 0.8, 1.0),
    rhos=(0.1, 0.2, 0.3, 0.4, 0.5),
    n_runs=10,
    algorithms=None,
    sea_max_iter=DEFAULT_MAX_ITER,
    prune_below=0.5,
    random_state=0,
    n_jobs=None,
    progress=False,
):
    """Exact support recovery over a grid of ``zeta = m/n`` and ``rho = k/m``.

    Problems are noiseless Gaussian compressed sensing with unit-norm columns
    and nonzeros uniform in ``[-2, -1] U [1, 2]``
    (:func:`~sklearn_sea.datasets.make_compressed_sensing`); every algorithm
    solves the same ``n_runs`` problems at each grid point.

    The grid is swept in increasing ``rho``, one round of parallel tasks per
    value. Recovery gets harder as ``rho`` grows, so once an algorithm's
    success rate at some ``rho`` falls below ``prune_below`` it is not run at
    larger ``rho`` for that ``zeta``: its 95% curve is already below. Set
    ``prune_below=0`` to evaluate the whole grid.

    Parameters
    ----------
    n_features : int, default=100
        Dimension n (the paper uses 500).
    zetas, rhos : sequence of float
        Grid of ``m / n`` and ``k / m``.
    n_runs : int, default=10
        Problems per grid point (the paper uses 1000).
    algorithms : sequence of str, default=None
        Subset of :data:`ALGORITHMS`; None means all.
    sea_max_iter : int, default=1000
        Iteration budget of SEA.
    prune_below : float, default=0.5
        Success rate under which an algorithm stops climbing in ``rho``.
    random_state : int, default=0
        Seed of the sweep; each task's problem derives from it.
    n_jobs : int, default=None
        Number of joblib workers (None follows ``joblib.parallel_config``).
    progress : bool, default=False
        Show a progress bar on stderr.

    Returns
    -------
    rows : list of dict
        One row per algorithm and problem, with keys ``algorithm``,
        ``n_features``, ``n_samples``, ``n_nonzero_coefs``, ``zeta``, ``rho``,
        ``run``, ``seed``, ``support_distance``, ``recovered`` and
        ``fit_time``.

    Examples
    --------
    >>> from sklearn_sea.experiments import phase_transition
    >>> rows = phase_transition(n_features=40, zetas=[0.5], rhos=[0.1], n_runs=2,
    ...                         algorithms=["SEA", "OMP"])
    >>> [(row["algorithm"], row["n_nonzero_coefs"], row["recovered"]) for row in rows]
    [('SEA', 2, 1), ('OMP', 2, 1), ('SEA', 2, 1), ('OMP', 2, 1)]
    """
    return list(
        iter_phase_transition(
            n_features=n_features,
            zetas=zetas,
            rhos=rhos,
            n_runs=n_runs,
            algorithms=algorithms,
            sea_max_iter=sea_max_iter,
            prune_below=prune_below,
            random_state=random_state,
            n_jobs=n_jobs,
            progress=progress,
        )
    )


def iter_phase_transition(
    *,
    n_features,
    zetas,
    rhos,
    n_runs,
    algorithms,
    sea_max_iter,
    prune_below,
    random_state,
    n_jobs,
    progress,
):
    """The rows of :func:`phase_transition`, yielded as they are computed.

    At the paper's sizes the sweep has millions of rows: the command line
    writes them to CSV as they come instead of holding them all.
    """
    algorithms = check_algorithms(algorithms)
    grid = phase_grid(n_features, zetas, rhos)
    alive = {zeta: list(algorithms) for zeta, _, _ in grid}
    total = sum(len(ks) for _, _, ks in grid) * n_runs
    with ProgressBar(total, "phase transition", enabled=progress) as bar:
        for level in range(max(len(ks) for _, _, ks in grid)):
            points = [
                (zeta, m, ks[level])
                for zeta, m, ks in grid
                if level < len(ks) and alive[zeta]
            ]
            tasks = [
                (zeta, m, k, run, task_seed(random_state, 0, n_features, m, k, run))
                for zeta, m, k in points
                for run in range(n_runs)
            ]
            results = map_tasks(
                _phase_transition_task,
                [
                    (m, n_features, k, seed, alive[zeta], sea_max_iter)
                    for zeta, m, k, run, seed in tasks
                ],
                n_jobs=n_jobs,
            )
            successes = defaultdict(int)
            for (zeta, m, k, run, seed), scores in zip(
                tasks, track(results, bar), strict=True
            ):
                for name, distance, seconds in scores:
                    successes[zeta, name] += distance == 0
                    yield (
                        {
                            "algorithm": name,
                            "n_features": n_features,
                            "n_samples": m,
                            "n_nonzero_coefs": k,
                            "zeta": zeta,
                            "rho": k / m,
                            "run": run,
                            "seed": seed,
                            "support_distance": distance,
                            "recovered": int(distance == 0),
                            "fit_time": seconds,
                        }
                    )
            for zeta, _, ks in grid:
                if level >= len(ks) or not alive[zeta]:
                    continue
                alive[zeta] = [
                    name
                    for name in alive[zeta]
                    if successes[zeta, name] >= prune_below * n_runs
                ]
                if not alive[zeta]:
                    bar.discard((len(ks) - level - 1) * n_runs)


def _rows_of(rows):
    """Rows themselves, or those of a results file (refused if incomplete)."""
    if isinstance(rows, str | os.PathLike):
        return read_results(rows)
    return rows


def success_rates(rows):
    """Success rate per algorithm and grid point of :func:`phase_transition` rows.

    Parameters
    ----------
    rows : iterable of dict or path-like
        Rows of :func:`phase_transition`; any iterable (e.g.
        :func:`iter_phase_transition`) is read once. A path is read with
        :func:`read_results`, which refuses the table of an unfinished run.

    Returns
    -------
    rates : list of dict
        Keys ``algorithm``, ``zeta``, ``n_samples``, ``n_nonzero_coefs``,
        ``rho``, ``n_runs`` and ``success_rate``, sorted by algorithm (in the
        order of the rows), zeta and rho.

    Examples
    --------
    >>> from sklearn_sea.experiments import phase_transition, success_rates
    >>> rows = phase_transition(n_features=40, zetas=[0.5], rhos=[0.1, 0.5],
    ...                         n_runs=2, algorithms=["SEA", "OMP"],
    ...                         prune_below=0)
    >>> [(r["algorithm"], r["n_nonzero_coefs"], r["success_rate"])
    ...  for r in success_rates(rows)]
    [('SEA', 2, 1.0), ('SEA', 10, 0.0), ('OMP', 2, 1.0), ('OMP', 10, 0.0)]
    """
    rows = _rows_of(rows)
    counts = defaultdict(lambda: [0, 0])
    order = {}
    for row in rows:
        key = (row["algorithm"], row["zeta"], row["n_samples"], row["n_nonzero_coefs"])
        order.setdefault(row["algorithm"], len(order))
        counts[key][0] += row["recovered"]
        counts[key][1] += 1
    return [
        {
            "algorithm": name,
            "zeta": zeta,
            "n_samples": m,
            "n_nonzero_coefs": k,
            "rho": k / m,
            "n_runs": runs,
            "success_rate": wins / runs,
        }
        for (name, zeta, m, k), (wins, runs) in sorted(
            counts.items(), key=lambda item: (order[item[0][0]], *item[0][1:])
        )
    ]


def transition_curves(rows, level=0.95):
    """Per algorithm, the largest ``rho`` with success rate ``>= level``, per zeta.

    This is the curve of the SEA paper's Figure 2. A ``zeta`` where even the
    smallest ``rho`` of the grid fails gets ``rho = 0``.

    Parameters
    ----------
    rows : iterable of dict or path-like
        Rows of :func:`phase_transition`, or the rates that
        :func:`success_rates` computes from them, or the path of a
        complete results table (see :func:`read_results`).
    level : float, default=0.95
        Success rate defining the curve.

    Returns
    -------
    curves : dict
        ``{algorithm: [(zeta, rho), ...]}`` in increasing zeta.

    Examples
    --------
    >>> from sklearn_sea.experiments import transition_curves
    >>> rates = [
    ...     {"algorithm": "SEA", "zeta": 0.5, "rho": 0.1, "success_rate": 1.0},
    ...     {"algorithm": "SEA", "zeta": 0.5, "rho": 0.2, "success_rate": 0.96},
    ...     {"algorithm": "SEA", "zeta": 0.5, "rho": 0.3, "success_rate": 0.4},
    ...     {"algorithm": "OMP", "zeta": 0.5, "rho": 0.1, "success_rate": 0.9},
    ... ]
    >>> transition_curves(rates, level=0.95)
    {'SEA': [(0.5, 0.2)], 'OMP': [(0.5, 0.0)]}
    """
    rows = list(_rows_of(rows))
    rates = rows if rows and "success_rate" in rows[0] else success_rates(rows)
    best = {}
    for rate in rates:
        key = (rate["algorithm"], rate["zeta"])
        best.setdefault(key, 0.0)
        if rate["success_rate"] >= level:
            best[key] = max(best[key], rate["rho"])
    curves = defaultdict(list)
    for (name, zeta), rho in best.items():
        curves[name].append((zeta, rho))
    return {name: sorted(points) for name, points in curves.items()}


def curve_area(curve):
    """Mean of a transition curve's ``rho`` over its zetas (higher is better)."""
    return float(np.mean([rho for _, rho in curve])) if curve else 0.0


def deconvolution(
    *,
    n_features=500,
    n_nonzero_coefs=(5, 10, 15, 20, 25, 30),
    n_runs=5,
    width=3.0,
    noise=0.0,
    algorithms=None,
    sea_max_iter=DEFAULT_MAX_ITER,
    warm_step=DECONVOLUTION_WARM_STEP,
    random_state=0,
    n_jobs=None,
    progress=False,
):
    """Support distance of each algorithm on spike deconvolution, against k.

    Problems come from :func:`~sklearn_sea.datasets.make_spike_deconvolution`
    (``m = n``, Gaussian filter of standard deviation ``width`` samples,
    unit-norm columns, spikes possibly adjacent, amplitudes uniform in
    ``[-2, -1] U [1, 2]``); every algorithm solves the same problems.

    Parameters
    ----------
    n_features : int, default=500
        Signal length n (= m).
    n_nonzero_coefs : sequence of int, default=(5, 10, 15, 20, 25, 30)
        Numbers of spikes k.
    n_runs : int, default=5
        Problems per k.
    width : float, default=3.0
        Filter standard deviation, in samples (a reconstructed setting).
    noise : float, default=0.0
        Standard deviation of the additive noise.
    algorithms : sequence of str, default=None
        Subset of :data:`ALGORITHMS`; None means all.
    sea_max_iter : int, default=1000
        Iteration budget of SEA.
    warm_step : "auto" or float, default=100.0
        ``step_size`` of SEA-ELS and SEA-OMP, SEA started from the ELS and
        the OMP solutions (a reconstructed setting: the paper gives no step). The warm start is
        SEA's iteration 0, so no step can end above ELS's objective; the step
        sets how soon SEA leaves ELS's support. On these coherent designs
        ``"auto"`` (``1 / ||A||^2`` of the normalised design, about 0.094)
        almost never does. Measured on 30 quick-mode problems per k (n = 500,
        width 3, sweep seeds 1 to 3, not the default seed), mean support
        distance of SEA-ELS, with ELS alone on the left:

        ====  =====  ======  =====  =====  =====
        k     ELS    "auto"  1      10     100
        ====  =====  ======  =====  =====  =====
        10    1.60   1.60    1.33   1.03   0.87
        20    6.37   6.37    5.83   5.70   5.47
        30    12.23  12.27   12.23  12.03  12.23
        ====  =====  ======  =====  =====  =====

        Step 100 improved on ELS's support in 19 of the 90 problems and was
        never further from the true support. The phase transition keeps
        ``"auto"``, where it already improves on ELS.

        SEA-OMP, SEA started from OMP's solution, uses the same step rather
        than one tuned for it. On the same kind of problems (30 per k, seeds
        1000 to 1029), its mean support distance was:

        ====  =====  ======  =====  =====  =====
        k     OMP    "auto"  1      10     100
        ====  =====  ======  =====  =====  =====
        10    3.07   2.43    1.43   1.50   1.57
        20    9.20   8.23    5.77   5.30   5.73
        30    17.97  16.10   13.83  13.37  13.40
        ====  =====  ======  =====  =====  =====
    random_state : int, default=0
        Seed of the sweep.
    n_jobs : int, default=None
        Number of joblib workers.
    progress : bool, default=False
        Show a progress bar on stderr.

    Returns
    -------
    rows : list of dict
        One row per algorithm and problem, with keys ``algorithm``,
        ``n_features``, ``n_nonzero_coefs``, ``width``, ``noise``, ``run``,
        ``seed``, ``support_distance``, ``recovered`` and ``fit_time``.

    Examples
    --------
    >>> from sklearn_sea.experiments import deconvolution
    >>> rows = deconvolution(n_features=60, n_nonzero_coefs=[2], n_runs=1,
    ...                      algorithms=["SEA", "OMP"])
    >>> [(row["algorithm"], row["support_distance"]) for row in rows]
    [('SEA', 0), ('OMP', 0)]
    """
    algorithms = check_algorithms(algorithms)
    tasks = [
        (k, run, task_seed(random_state, 1, n_features, k, run))
        for k in n_nonzero_coefs
        for run in range(n_runs)
    ]
    results = map_tasks(
        _deconvolution_task,
        [
            (n_features, k, width, noise, seed, algorithms, sea_max_iter, warm_step)
            for k, run, seed in tasks
        ],
        n_jobs=n_jobs,
    )
    rows = []
    with ProgressBar(len(tasks), "deconvolution", enabled=progress) as bar:
        for (k, run, seed), scores in zip(tasks, track(results, bar), strict=True):
            for name, distance, seconds in scores:
                rows.append(
                    {
                        "algorithm": name,
                        "n_features": n_features,
                        "n_nonzero_coefs": k,
                        "width": width,
                        "noise": noise,
                        "run": run,
                        "seed": seed,
                        "support_distance": distance,
                        "recovered": int(distance == 0),
                        "fit_time": seconds,
                    }
                )
    return rows


def mean_support_distance(rows):
    """Mean and standard error of the support distance per algorithm and k.

    Parameters
    ----------
    rows : iterable of dict or path-like
        Rows of :func:`deconvolution` (keys ``algorithm``,
        ``n_nonzero_coefs``, ``support_distance`` and ``fit_time``), or the
        path of a complete results table (see :func:`read_results`).

    Returns
    -------
    summary : list of dict
        Keys ``algorithm``, ``n_nonzero_coefs``, ``n_runs``,
        ``mean_support_distance``, ``sem`` (0 with a single run) and
        ``mean_fit_time``, sorted by algorithm (in the order of the rows)
        and k.

    Examples
    --------
    >>> from sklearn_sea.experiments import mean_support_distance
    >>> rows = [
    ...     {"algorithm": "SEA", "n_nonzero_coefs": 5, "support_distance": d,
    ...      "fit_time": 0.01}
    ...     for d in (0, 1, 2)
    ... ]
    >>> [summary] = mean_support_distance(rows)
    >>> summary["n_runs"], summary["mean_support_distance"], summary["sem"]
    (3, 1.0, 0.5773502691896258)
    """
    groups = defaultdict(list)
    order = {}
    for row in _rows_of(rows):
        order.setdefault(row["algorithm"], len(order))
        groups[row["algorithm"], row["n_nonzero_coefs"]].append(
            (row["support_distance"], row["fit_time"])
        )
    summary = []
    for name, k in sorted(groups, key=lambda key: (order[key[0]], key[1])):
        distances, times = np.array(groups[name, k], dtype=float).T
        sem = (
            distances.std(ddof=1) / np.sqrt(len(distances))
            if len(distances) > 1
            else 0.0
        )
        summary.append(
            {
                "algorithm": name,
                "n_nonzero_coefs": k,
                "n_runs": len(distances),
                "mean_support_distance": float(distances.mean()),
                "sem": float(sem),
                "mean_fit_time": float(times.mean()),
            }
        )
    return summary


def crowded_window(support, n_features, window):
    """Start of the ``window``-sample interval holding the most spikes (first one)."""
    window = min(window, n_features)
    counts = [
        np.count_nonzero((support >= start) & (support < start + window))
        for start in range(n_features - window + 1)
    ]
    return int(np.argmax(counts))


def deconvolution_example(
    *,
    n_features=500,
    n_nonzero_coefs=20,
    width=3.0,
    noise=0.0,
    algorithms=None,
    sea_max_iter=DEFAULT_MAX_ITER,
    warm_step=DECONVOLUTION_WARM_STEP,
    random_state=0,
    window=80,
):
    """One deconvolution problem, each algorithm's estimate, and its crowded part.

    The problem is run 0 of :func:`deconvolution` at this k with the same
    ``random_state``; the window is the interval of ``window`` samples
    holding the most spikes (the SEA paper's Figure 3 shows such a crop).

    Parameters
    ----------
    n_features : int, default=500
        Signal length n (= m).
    n_nonzero_coefs : int, default=20
        Number of spikes k.
    width : float, default=3.0
        Filter standard deviation, in samples.
    noise : float, default=0.0
        Standard deviation of the additive noise.
    algorithms : sequence of str, default=None
        Subset of :data:`ALGORITHMS`; None means all.
    sea_max_iter : int, default=1000
        Iteration budget of SEA.
    warm_step : "auto" or float, default=100.0
        ``step_size`` of SEA-ELS (see :func:`deconvolution`).
    random_state : int, default=0
        Seed of the sweep whose run 0 is shown.
    window : int, default=80
        Length of the crop, in samples.

    Returns
    -------
    example : dict
        ``y``, ``coef_true``, ``estimates`` (``{name: coef}``),
        ``support_distance`` (``{name: int}``) and ``window``
        (``(start, stop)``).

    Examples
    --------
    >>> from sklearn_sea.experiments import deconvolution_example
    >>> example = deconvolution_example(n_features=60, n_nonzero_coefs=2,
    ...                                 algorithms=["SEA", "OMP"], window=20)
    >>> example["support_distance"]
    {'SEA': 0, 'OMP': 0}
    >>> np.flatnonzero(example["coef_true"]).tolist(), example["window"]
    ([2, 20], (1, 21))
    """
    algorithms = check_algorithms(algorithms)
    seed = task_seed(random_state, 1, n_features, n_nonzero_coefs, 0)
    X, y, coef = make_spike_deconvolution(
        n_features, n_nonzero_coefs, width=width, noise=noise, random_state=seed
    )
    fitted = fit_algorithms(
        X,
        y,
        n_nonzero_coefs,
        algorithms,
        sea_max_iter=sea_max_iter,
        sea_warm_step=warm_step,
    )
    estimates = {name: estimate for name, (estimate, _) in fitted.items()}
    start = crowded_window(np.flatnonzero(coef), n_features, window)
    return {
        "y": y,
        "coef_true": coef,
        "estimates": estimates,
        "support_distance": {
            name: support_distance(coef, estimate)
            for name, estimate in estimates.items()
        },
        "window": (start, min(start + window, n_features)),
    }

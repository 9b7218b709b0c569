"""STE experiments on the binary Heaviside network: sample complexity, recurrence.

Every function returns a *tidy table*: a dict mapping column names to 1-D
numpy arrays of equal length (one row per run, or per iteration), which
``pandas.DataFrame(table)`` or :func:`numpy.savetxt` consume directly.

Runs are independent tasks dispatched by :func:`~._engine.map_tasks`
(joblib; recorded and resumable from the command line). The seed of every
task is derived from ``random_state`` and the task's coordinates
(patch size, sample size, run index) only, so the table does not depend on
``n_jobs`` or on the order in which tasks finish.
"""

# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from .._binary_network import (
    BinaryHeavisideRegressor,
    _as_patches,
    _forward,
    _recurrence_stats,
)
from ..datasets._binary_teacher import INPUT_DISTRIBUTIONS, make_binary_teacher
from ._engine import map_tasks
from ._progress import ProgressBar, track
from ._seeding import sweep_entropy, task_seeds

#: Default grid of sample sizes, as exponents a in ``N = ceil(n ** a)``.
#: It reaches the ``n^2`` of the paper's sufficient condition for ergodic
#: convergence, in steps fine enough to place the measured threshold.
DEFAULT_EXPONENTS = (0.75, 0.875, 1.0, 1.125, 1.25, 1.375, 1.5, 1.75, 2.0)

#: Patches per sample of the experiments: the paper's model is a two-layer
#: network; ``n_patches=1`` is the single neuron. The second layer is fixed
#: to all ones (reconstructed).
DEFAULT_N_PATCHES = 4

#: The two notions of convergence measured on every run (see
#: :func:`convergence_notions`), and the exact recovery by the fitted model.
CRITERIA = ("ergodic", "non_ergodic", "success")


_base_seed = sweep_entropy


def _task_seeds(base_seed, *key):
    """Two independent seeds (data, initial point) for the task ``key``."""
    data_seed, init_seed = task_seeds(base_seed, *key, n_seeds=2)
    return data_seed, init_seed


def _to_table(rows, columns):
    return {name: np.array([row[name] for row in rows]) for name in columns}


def _teacher_loss(reg, X, y, coef):
    """Training loss of the teacher, computed as the fit computes its losses."""
    _, f = _forward(_as_patches(X, reg.n_patches), coef, reg.second_layer_)
    return float(0.5 * np.mean(((f - y) / reg.residual_scale_) ** 2))


@validate_params(
    {
        "hamming": ["array-like"],
        "loss": ["array-like"],
        "teacher_loss": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def convergence_notions(hamming, loss, teacher_loss, max_iter):
    """Ergodic and non-ergodic convergence of one STE run, measured.

    The budget is ``T = max_iter`` updates, iterates ``w_0, ..., w_T``; the
    *window* is the last half of the budget, ``t >= T // 2``. A run that
    stopped early sits at an exact fixed point (zero STE gradient), where
    every later iterate would stay: it is continued there up to ``T``.

    - **ergodic**: the mean training loss over the window is at most the
      teacher's (zero on noiseless data; compared up to a relative 1e-9
      for rounding), i.e. the time-averaged loss has reached the global
      minimum within the budget;
    - **non-ergodic**: the iterate itself equals the teacher ``w*`` at
      least once in the window. On noiseless data the teacher is a fixed
      point, so this means ``w_T = w*``: the iterates reached it and stay.

    Parameters
    ----------
    hamming : ndarray of shape (n_iter + 1,)
        Hamming distance of every iterate to the teacher.
    loss : ndarray of shape (n_iter + 1,)
        Training loss of every iterate (the fit's ``loss_curve_``).
    teacher_loss : float
        Training loss of the teacher, in the unit of ``loss``.
    max_iter : int
        The budget ``T``.

    Returns
    -------
    notions : dict
        ``first_hit`` (first iterate at the teacher, -1 if none),
        ``final_hamming`` (of ``w_T``), ``window_loss`` (mean loss over the
        window), ``teacher_loss``, ``ergodic`` and ``non_ergodic`` (bool).

    See Also
    --------
    ste_sample_complexity : Both notions for every run of a sweep.

    Examples
    --------
    >>> from sklearn_sea.experiments import convergence_notions

    A noiseless run that reached the teacher at iteration 3 and stopped
    there (its fixed point), with a budget of 10:

    >>> notions = convergence_notions([5, 2, 1, 0], [0.4, 0.1, 0.05, 0.0], 0.0, 10)
    >>> notions["first_hit"], notions["ergodic"], notions["non_ergodic"]
    (3, True, True)

    One that settled on other weights fitting the training data exactly:

    >>> notions = convergence_notions([5, 2, 1, 1], [0.4, 0.1, 0.05, 0.0], 0.0, 10)
    >>> notions["final_hamming"], notions["ergodic"], notions["non_ergodic"]
    (1, True, False)
    """
    hamming = np.asarray(hamming)
    loss = np.asarray(loss, dtype=float)
    if hamming.ndim != 1 or not 1 <= hamming.shape[0] <= max_iter + 1:
        raise ValueError(
            f"hamming must be 1-D with 1 to max_iter + 1 = {max_iter + 1} "
            f"entries (one per iterate); got shape {hamming.shape}."
        )
    if loss.shape != hamming.shape:
        raise ValueError(
            f"loss must have the shape of hamming, {hamming.shape} (one value "
            f"per iterate); got {loss.shape}."
        )
    missing = max_iter + 1 - hamming.shape[0]
    if missing > 0:
        hamming = np.concatenate([hamming, np.repeat(hamming[-1:], missing)])
        loss = np.concatenate([loss, np.repeat(loss[-1:], missing)])
    window = slice(max_iter // 2, max_iter + 1)
    window_loss = float(loss[window].mean())
    hits = np.flatnonzero(hamming == 0)
    return {
        "first_hit": int(hits[0]) if hits.size else -1,
        "final_hamming": int(hamming[max_iter]),
        "window_loss": window_loss,
        "teacher_loss": float(teacher_loss),
        "ergodic": bool(window_loss <= teacher_loss * (1.0 + 1e-9)),
        "non_ergodic": bool(np.any(hamming[window] == 0)),
    }


_RUN_COLUMNS = [
    "patch_size",
    "n_samples",
    "run",
    "success",
    "hamming",
    "n_iter",
    "first_hit",
    "window_loss",
    "ergodic",
    "non_ergodic",
]


def _recovery_run(
    patch_size, n_samples, run, n_patches, data_params, estimator_params, base
):
    data_seed, init_seed = _task_seeds(base, patch_size, n_samples, run)
    X, y, coef = make_binary_teacher(
        n_samples, patch_size, n_patches, random_state=data_seed, **data_params
    )
    reg = BinaryHeavisideRegressor(
        n_patches=n_patches, random_state=init_seed, **estimator_params
    ).fit(X, y)
    hamming = int(np.count_nonzero(np.sign(reg.coef_) != np.sign(coef)))
    notions = convergence_notions(
        reg.hamming_path(coef),
        reg.loss_curve_,
        _teacher_loss(reg, X, y, coef),
        reg.max_iter,
    )
    return {
        "patch_size": patch_size,
        "n_samples": n_samples,
        "run": run,
        "success": hamming == 0,
        "hamming": hamming,
        "n_iter": reg.n_iter_,
        "first_hit": notions["first_hit"],
        "window_loss": notions["window_loss"],
        "ergodic": notions["ergodic"],
        "non_ergodic": notions["non_ergodic"],
    }


def _sample_grid(patch_size, n_samples, exponents):
    if n_samples is not None:
        return sorted({int(m) for m in n_samples})
    return sorted({int(np.ceil(patch_size**a)) for a in exponents})


@validate_params(
    {
        "patch_sizes": ["array-like"],
        "n_samples": ["array-like", None],
        "exponents": ["array-like"],
        "n_patches": [Interval(Integral, 1, None, closed="left")],
        "n_runs": [Interval(Integral, 1, None, closed="left")],
        "distribution": [StrOptions(set(INPUT_DISTRIBUTIONS))],
        "df": [Interval(Real, 0, None, closed="neither")],
        "normalize": ["boolean"],
        "estimator_params": [dict, None],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
        "verbose": ["verbose"],
        "progress": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def ste_sample_complexity(
    patch_sizes=(8, 16),
    *,
    n_samples=None,
    exponents=DEFAULT_EXPONENTS,
    n_patches=DEFAULT_N_PATCHES,
    n_runs=5,
    distribution="gaussian",
    df=3.0,
    normalize=False,
    estimator_params=None,
    random_state=0,
    n_jobs=None,
    verbose=0,
    progress=False,
):
    """Convergence of STE to a binary teacher against the sample size.

    For every patch size ``n`` and sample size ``N`` on a grid, ``n_runs``
    noiseless teacher problems (:func:`~sklearn_sea.datasets.make_binary_teacher`,
    ``n_patches`` patches per sample, second layer all ones) are fitted by
    :class:`~sklearn_sea.BinaryHeavisideRegressor` from a random start.
    Every run records both notions of convergence of
    :func:`convergence_notions` (ergodic: the loss averaged over the last
    half of the budget is the global minimum, zero; non-ergodic: the
    iterate itself is the teacher in that half) and whether the fitted
    weights equal the teacher.

    Parameters
    ----------
    patch_sizes : array-like of int, default=(8, 16)
        Dimensions ``n`` of the binary weight vector.
    n_samples : array-like of int, default=None
        Sample sizes used for every ``n``. None uses ``ceil(n ** a)`` for
        ``a`` in ``exponents``, a grid that scales with ``n``.
    exponents : array-like of float, default=(0.75, 0.875, ..., 1.5, 1.75, 2.0)
        Exponents of the default grid (reaching the paper's ``n^2``).
    n_patches : int, default=4
        Patches per sample: the two-layer network of the paper, with the
        second layer fixed to all ones; 1 is a single binary neuron.
    n_runs : int, default=5
        Independent problems per grid point.
    distribution : str, default="gaussian"
        Input law (see :func:`~sklearn_sea.datasets.make_binary_teacher`);
        the non-Gaussian laws are the documented extension.
    df : float, default=3.0
        Degrees of freedom of the ``"student_t"`` inputs.
    normalize : bool, default=False
        Rescale every patch to norm ``sqrt(n)`` before training.
    estimator_params : dict, default=None
        Extra parameters of the regressor (``surrogate``, ``eta0``,
        ``max_iter``, ...); ``n_patches`` and ``random_state`` are set here.
        ``max_iter`` is the budget of both notions of convergence.
    random_state : int, RandomState instance or None, default=0
        Seed from which each run's data and initial point are derived.
    n_jobs : int, default=None
        Parallel jobs (joblib semantics).
    verbose : int, default=0
        Verbosity of :class:`joblib.Parallel` (progress messages).
    progress : bool, default=False
        Show a progress bar on stderr, counting the runs.

    Returns
    -------
    table : dict of ndarray
        One row per run: ``patch_size``, ``n_samples``, ``run``, ``success``
        (the fitted ``coef_`` is the teacher), ``hamming`` (distance of
        ``coef_`` to the teacher), ``n_iter``, ``first_hit`` (first iterate
        at the teacher, -1 if none), ``window_loss`` (mean training loss
        over the last half of the budget), ``ergodic`` and ``non_ergodic``
        (bool, see :func:`convergence_notions`).

    See Also
    --------
    ste_recovery_threshold : Success rates and threshold per patch size.

    Examples
    --------
    >>> from sklearn_sea.experiments import ste_sample_complexity
    >>> table = ste_sample_complexity(patch_sizes=[8], n_samples=[2, 64],
    ...                               n_runs=3)
    >>> table["n_samples"].tolist()
    [2, 2, 2, 64, 64, 64]
    >>> table["non_ergodic"].tolist()
    [False, False, False, True, True, True]

    Two samples are fitted exactly by weights other than the teacher's: the
    loss reaches its global minimum (ergodic) but not at ``w*``.

    >>> table["ergodic"].tolist()
    [True, True, True, True, True, True]
    """
    params = dict(estimator_params or {})
    data_params = {"distribution": distribution, "df": df, "normalize": normalize}
    base = _base_seed(random_state)
    tasks = [
        (int(n), m, run)
        for n in patch_sizes
        for m in _sample_grid(int(n), n_samples, exponents)
        for run in range(n_runs)
    ]
    results = map_tasks(
        _recovery_run,
        [(n, m, run, n_patches, data_params, params, base) for n, m, run in tasks],
        n_jobs=n_jobs,
        verbose=verbose,
    )
    with ProgressBar(len(tasks), "STE sample complexity", enabled=progress) as bar:
        rows = list(track(results, bar))
    return _to_table(rows, _RUN_COLUMNS)


def _crossing(sizes, rates, level):
    """Smallest N from which the success rate stays at or above ``level``.

    Interpolated linearly in ``log N`` between the last grid point below
    ``level`` and the next one. Returns ``(threshold, censored)``:
    ``censored`` is True when the first grid point already succeeds (the
    threshold is at most that N) and the threshold is NaN when the rate
    never settles above ``level`` on the grid.
    """
    below = np.flatnonzero(rates < level)
    if below.size == 0:
        return float(sizes[0]), True
    last = below[-1]
    if last == sizes.shape[0] - 1:
        return float("nan"), False
    lo, hi = np.log(sizes[last]), np.log(sizes[last + 1])
    fraction = (level - rates[last]) / (rates[last + 1] - rates[last])
    return float(np.exp(lo + fraction * (hi - lo))), False


@validate_params(
    {
        "table": [dict],
        "level": [Interval(Real, 0, 1, closed="right")],
        "criterion": [StrOptions(set(CRITERIA))],
    },
    prefer_skip_nested_validation=True,
)
def ste_recovery_threshold(table, level=0.5, *, criterion="success"):
    """Success rates, recovery threshold per patch size and its growth in n.

    Parameters
    ----------
    table : dict of ndarray
        Output of :func:`ste_sample_complexity`.
    level : float, default=0.5
        Success rate defining the threshold (e.g. 0.5 or 0.95).
    criterion : {"success", "ergodic", "non_ergodic"}, default="success"
        The column counted as a success: exact recovery by the fitted
        weights, or one of the two notions of convergence of
        :func:`convergence_notions`.

    Returns
    -------
    rates : dict of ndarray
        One row per ``(patch_size, n_samples)``: ``patch_size``,
        ``n_samples``, ``success_rate``, ``n_runs``.
    thresholds : dict of ndarray
        One row per patch size: ``patch_size``, ``threshold`` (sample size
        from which the rate stays at or above ``level``, interpolated in
        ``log N``; NaN if not reached on the grid), ``censored`` (the first
        grid point already succeeded, so the threshold is an upper bound)
        ``threshold_over_n2`` and ``threshold_over_n4`` (threshold / n^2
        and / n^4, to compare with the paper's sufficient conditions,
        ``O(n^2)`` samples for ergodic and ``O(n^4)`` for non-ergodic
        convergence).
    exponent : float
        Slope ``a`` of the least-squares fit ``log threshold = a log n + b``
        over the patch sizes with an uncensored finite threshold (NaN with
        fewer than two).

    Examples
    --------
    >>> from sklearn_sea.experiments import ste_recovery_threshold
    >>> table = {"patch_size": np.array([8, 8, 8, 8]),
    ...          "n_samples": np.array([16, 16, 64, 64]),
    ...          "success": np.array([False, False, True, True])}
    >>> rates, thresholds, exponent = ste_recovery_threshold(table)
    >>> rates["success_rate"].tolist(), thresholds["threshold"].tolist()
    ([0.0, 1.0], [32.0])
    """
    patch_size = np.asarray(table["patch_size"])
    n_samples = np.asarray(table["n_samples"])
    if criterion not in table:
        raise ValueError(
            f"criterion={criterion!r} is not a column of table; its columns "
            f"are {sorted(table)}."
        )
    success = np.asarray(table[criterion], dtype=float)
    rate_rows, threshold_rows = [], []
    for n in np.unique(patch_size):
        in_n = patch_size == n
        sizes = np.unique(n_samples[in_n])
        rates = np.array([success[in_n & (n_samples == m)].mean() for m in sizes])
        for m, r in zip(sizes, rates, strict=True):
            rate_rows.append(
                {
                    "patch_size": int(n),
                    "n_samples": int(m),
                    "success_rate": float(r),
                    "n_runs": int(np.count_nonzero(in_n & (n_samples == m))),
                }
            )
        threshold, censored = _crossing(sizes, rates, level)
        threshold_rows.append(
            {
                "patch_size": int(n),
                "threshold": threshold,
                "censored": censored,
                "threshold_over_n2": threshold / float(n) ** 2,
                "threshold_over_n4": threshold / float(n) ** 4,
            }
        )
    thresholds = _to_table(
        threshold_rows,
        [
            "patch_size",
            "threshold",
            "censored",
            "threshold_over_n2",
            "threshold_over_n4",
        ],
    )
    usable = np.isfinite(thresholds["threshold"]) & ~thresholds["censored"]
    exponent = float("nan")
    if np.count_nonzero(usable) >= 2:
        exponent = float(
            np.polyfit(
                np.log(thresholds["patch_size"][usable]),
                np.log(thresholds["threshold"][usable]),
                1,
            )[0]
        )
    rates = _to_table(rate_rows, ["patch_size", "n_samples", "success_rate", "n_runs"])
    return rates, thresholds, exponent


def _recurrence_run(
    run, patch_size, n_patches, n_samples, noise, max_iter, estimator_params, base
):
    data_seed, init_seed = _task_seeds(base, patch_size, n_samples, run)
    X, y, coef = make_binary_teacher(
        n_samples, patch_size, n_patches, noise=noise, random_state=data_seed
    )
    reg = BinaryHeavisideRegressor(
        n_patches=n_patches,
        max_iter=max_iter,
        random_state=init_seed,
        **estimator_params,
    ).fit(X, y)
    hamming = reg.hamming_path(coef)
    notions = convergence_notions(
        hamming, reg.loss_curve_, _teacher_loss(reg, X, y, coef), max_iter
    )
    return hamming, reg.loss_curve_, {**_recurrence_stats(hamming), **notions}


@validate_params(
    {
        "patch_size": [Interval(Integral, 1, None, closed="left")],
        "n_patches": [Interval(Integral, 1, None, closed="left")],
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "noise": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "n_runs": [Interval(Integral, 1, None, closed="left")],
        "estimator_params": [dict, None],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
        "verbose": ["verbose"],
        "progress": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def ste_recurrence(
    patch_size=16,
    *,
    n_patches=DEFAULT_N_PATCHES,
    n_samples=256,
    noise=0.3,
    max_iter=2000,
    n_runs=1,
    estimator_params=None,
    random_state=0,
    n_jobs=None,
    verbose=0,
    progress=False,
):
    """Escapes from and returns to the teacher under label noise.

    Fits :class:`~sklearn_sea.BinaryHeavisideRegressor` for ``max_iter``
    iterations on teacher data with additive Gaussian label noise and
    follows the Hamming distance of every binary iterate to the teacher.

    Parameters
    ----------
    patch_size : int, default=16
        Dimension ``n`` of the binary weights.
    n_patches : int, default=4
        Patches per sample: the two-layer network of
        :func:`ste_sample_complexity` (second layer all ones); 1 is a single
        binary neuron.
    n_samples : int, default=256
        Sample size N.
    noise : float, default=0.3
        Standard deviation of the label noise.
    max_iter : int, default=2000
        Length of each run (all iterations run: with noise the STE gradient
        never vanishes).
    n_runs : int, default=1
        Independent runs (new data and initial point each).
    estimator_params : dict, default=None
        Extra parameters of the regressor (``surrogate``, ``learning_rate``,
        ``eta0``, ``power_t``, ...).
    random_state : int, RandomState instance or None, default=0
        Seed from which each run's data and initial point are derived.
    n_jobs : int, default=None
        Parallel jobs (joblib semantics).
    verbose : int, default=0
        Verbosity of :class:`joblib.Parallel`.
    progress : bool, default=False
        Show a progress bar on stderr, counting the runs.

    Returns
    -------
    trace : dict of ndarray
        One row per iterate and run: ``run``, ``iteration`` (0 is the
        initial point), ``hamming``, ``at_teacher`` and ``loss`` (training
        loss).
    summary : dict of ndarray
        One row per run: ``run`` and the statistics of
        :meth:`~sklearn_sea.BinaryHeavisideRegressor.recurrence_stats`
        (``share_at_teacher``, ``first_hit``, ``n_visits``, ``n_escapes``,
        ``n_returns``, ``mean_hamming``, ...) and the two notions of
        convergence of :func:`convergence_notions` (``final_hamming``,
        ``window_loss``, ``teacher_loss``, ``ergodic``, ``non_ergodic``).

    Examples
    --------
    >>> from sklearn_sea.experiments import ste_recurrence
    >>> trace, summary = ste_recurrence(max_iter=500)
    >>> bool(summary["n_escapes"][0] > 1 and summary["n_returns"][0] > 1)
    True
    >>> trace["hamming"].shape
    (501,)
    """
    params = dict(estimator_params or {})
    base = _base_seed(random_state)
    results = map_tasks(
        _recurrence_run,
        [
            (run, patch_size, n_patches, n_samples, noise, max_iter, params, base)
            for run in range(n_runs)
        ],
        n_jobs=n_jobs,
        verbose=verbose,
    )
    with ProgressBar(n_runs, "STE recurrence", enabled=progress) as bar:
        results = list(track(results, bar))
    hamming = [h for h, _, _ in results]
    trace = {
        "run": np.concatenate([np.full(h.shape[0], r) for r, h in enumerate(hamming)]),
        "iteration": np.concatenate([np.arange(h.shape[0]) for h in hamming]),
        "hamming": np.concatenate(hamming),
        "at_teacher": np.concatenate(hamming) == 0,
        "loss": np.concatenate([loss for _, loss, _ in results]),
    }
    stats = [{"run": run, **s} for run, (_, _, s) in enumerate(results)]
    summary = _to_table(stats, list(stats[0]))
    return trace, summary

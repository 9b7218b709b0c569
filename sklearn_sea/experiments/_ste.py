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

from .._binary_network import BinaryHeavisideRegressor, _recurrence_stats
from ..datasets._binary_teacher import INPUT_DISTRIBUTIONS, make_binary_teacher
from ._engine import map_tasks
from ._progress import ProgressBar, track
from ._seeding import sweep_entropy, task_seeds

#: Default grid of sample sizes, as exponents a in ``N = ceil(n ** a)``.
#: It reaches past the ``n^2`` of the paper's sufficient condition.
DEFAULT_EXPONENTS = (0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.25)


_base_seed = sweep_entropy


def _task_seeds(base_seed, *key):
    """Two independent seeds (data, initial point) for the task ``key``."""
    data_seed, init_seed = task_seeds(base_seed, *key, n_seeds=2)
    return data_seed, init_seed


def _to_table(rows, columns):
    return {name: np.array([row[name] for row in rows]) for name in columns}


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
    return {
        "patch_size": patch_size,
        "n_samples": n_samples,
        "run": run,
        "success": hamming == 0,
        "hamming": hamming,
        "n_iter": reg.n_iter_,
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
    n_patches=1,
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
    """Exact recovery of a binary teacher against the sample size.

    For every patch size ``n`` and sample size ``N`` on a grid, ``n_runs``
    noiseless teacher problems (:func:`~sklearn_sea.datasets.make_binary_teacher`)
    are fitted by :class:`~sklearn_sea.BinaryHeavisideRegressor` from a
    random start; a run succeeds when the fitted weights equal the teacher.

    Parameters
    ----------
    patch_sizes : array-like of int, default=(8, 16)
        Dimensions ``n`` of the binary weight vector.
    n_samples : array-like of int, default=None
        Sample sizes used for every ``n``. None uses ``ceil(n ** a)`` for
        ``a`` in ``exponents``, a grid that scales with ``n``.
    exponents : array-like of float, default=(0.75, 1.0, ..., 2.25)
        Exponents of the default grid (reaching past the paper's ``n^2``).
    n_patches : int, default=1
        Patches per sample.
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
        (bool), ``hamming`` (distance of the fitted weights to the teacher)
        and ``n_iter``.

    See Also
    --------
    ste_recovery_threshold : Success rates and threshold per patch size.

    Examples
    --------
    >>> from sklearn_sea.experiments import ste_sample_complexity
    >>> table = ste_sample_complexity(patch_sizes=[8], n_samples=[4, 128],
    ...                               n_runs=3)
    >>> table["n_samples"].tolist(), table["success"].tolist()
    ([4, 4, 4, 128, 128, 128], [False, False, False, True, True, True])
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
    return _to_table(
        rows, ["patch_size", "n_samples", "run", "success", "hamming", "n_iter"]
    )


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
    },
    prefer_skip_nested_validation=True,
)
def ste_recovery_threshold(table, level=0.5):
    """Success rates, recovery threshold per patch size and its growth in n.

    Parameters
    ----------
    table : dict of ndarray
        Output of :func:`ste_sample_complexity`.
    level : float, default=0.5
        Success rate defining the threshold (e.g. 0.5 or 0.95).

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
        and ``threshold_over_n2`` (threshold / n^2, to compare with the
        paper's ``O(n^2)`` sufficient condition).
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
    success = np.asarray(table["success"], dtype=float)
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
            }
        )
    thresholds = _to_table(
        threshold_rows, ["patch_size", "threshold", "censored", "threshold_over_n2"]
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
    return hamming, reg.loss_curve_, _recurrence_stats(hamming)


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
    n_patches=1,
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
    n_patches : int, default=1
        Patches per sample.
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
        ``n_returns``, ``mean_hamming``, ...).

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

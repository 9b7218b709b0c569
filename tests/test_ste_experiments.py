"""Tests of the STE experiments (sample complexity and recurrence tables)."""

import numpy as np
import pytest
from joblib import parallel_config
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_sea import BinaryHeavisideRegressor
from sklearn_sea.datasets import make_binary_teacher
from sklearn_sea.experiments import (
    convergence_notions,
    ste_recovery_threshold,
    ste_recurrence,
    ste_sample_complexity,
)
from sklearn_sea.experiments._ste import _task_seeds


def test_sample_complexity_table_and_success_pattern():
    table = ste_sample_complexity(
        patch_sizes=[16, 32], exponents=[0.5, 2.0], n_runs=3, random_state=0
    )
    columns = [
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
    assert list(table) == columns
    assert all(table[c].shape == (12,) for c in columns)
    # Grid N = ceil(n ** a): too few samples fail, n^2 samples succeed.
    assert_array_equal(
        np.unique(table["n_samples"][table["patch_size"] == 16]), [4, 256]
    )
    small = table["n_samples"] < table["patch_size"]
    assert not table["non_ergodic"][small].any()
    assert table["non_ergodic"][~small].all() and table["ergodic"][~small].all()
    assert_array_equal(table["success"], table["hamming"] == 0)


def test_notions_of_convergence_on_noiseless_runs():
    # Budget 40, window t >= 20. The teacher is a fixed point of noiseless
    # data, so reaching it (the fitted weights are the teacher) is the
    # non-ergodic success, and reaching it by the window's start makes the
    # window's loss zero, the ergodic success. Two samples per n = 8 are
    # fitted exactly by other weights too: ergodic without non-ergodic.
    table = ste_sample_complexity(
        patch_sizes=[8],
        n_samples=[2, 6, 12, 64],
        n_runs=8,
        estimator_params={"max_iter": 40},
        random_state=0,
    )
    assert_array_equal(table["non_ergodic"], table["success"])
    assert_array_equal(table["success"], table["first_hit"] >= 0)
    early = (table["first_hit"] >= 0) & (table["first_hit"] <= 20)
    assert table["ergodic"][early].all()
    assert_array_equal(table["ergodic"], table["window_loss"] == 0)
    assert (table["ergodic"] & ~table["non_ergodic"]).any()
    assert (table["window_loss"] >= 0).all()


def test_convergence_notions_window_and_fixed_point():
    # Budget 6, window t >= 3; the path stopped at iterate 2 is continued.
    stopped = convergence_notions([3, 1, 0], [0.5, 0.2, 0.0], 0.0, 6)
    assert stopped == {
        "first_hit": 2,
        "final_hamming": 0,
        "window_loss": 0.0,
        "teacher_loss": 0.0,
        "ergodic": True,
        "non_ergodic": True,
    }
    # Noisy labels: the teacher's loss is the reference of the ergodic mean.
    hamming = [4, 0, 1, 0, 2, 0, 1]
    loss = [0.9, 0.3, 0.35, 0.3, 0.4, 0.3, 0.35]
    notions = convergence_notions(hamming, loss, 0.3, 6)
    assert notions["window_loss"] == pytest.approx(np.mean(loss[3:]))
    assert notions["non_ergodic"] and not notions["ergodic"]
    assert convergence_notions(hamming, loss, 0.34, 6)["ergodic"]
    # A visit only before the window is not a non-ergodic success.
    assert not convergence_notions([0, 1, 1, 1], [0.3] * 4, 0.3, 3)["non_ergodic"]


@pytest.mark.parametrize(
    "args, match",
    [
        (([0, 1, 2], [0.0, 0.1, 0.2], 0.0, 1), "hamming must be 1-D with 1 to"),
        (([], [], 0.0, 3), r"got shape \(0,\)"),
        (([1, 0], [0.1], 0.0, 3), "loss must have the shape of hamming"),
        (([1, 0], [0.1, 0.0], -1.0, 3), "'teacher_loss' parameter"),
        (([1, 0], [0.1, 0.0], 0.0, 0), "'max_iter' parameter"),
    ],
)
def test_convergence_notions_bad_input_is_named(args, match):
    with pytest.raises(ValueError, match=match):
        convergence_notions(*args)


def test_threshold_of_each_notion_and_of_a_missing_column():
    table = {
        "patch_size": np.array([4, 4, 4, 4]),
        "n_samples": np.array([2, 2, 16, 16]),
        "success": np.array([False, False, True, True]),
        "ergodic": np.array([True, True, True, True]),
        "non_ergodic": np.array([False, False, True, True]),
    }
    _, ergodic, _ = ste_recovery_threshold(table, criterion="ergodic")
    _, non_ergodic, _ = ste_recovery_threshold(table, criterion="non_ergodic")
    assert ergodic["threshold"][0] == 2 and ergodic["censored"][0]
    assert non_ergodic["threshold"][0] == pytest.approx(np.sqrt(2 * 16))
    assert_allclose(non_ergodic["threshold_over_n4"], non_ergodic["threshold"] / 256)
    del table["ergodic"]
    with pytest.raises(ValueError, match="criterion='ergodic' is not a column"):
        ste_recovery_threshold(table, criterion="ergodic")


def test_runs_are_reproducible_and_independent_of_n_jobs():
    kwargs = dict(patch_sizes=[8], n_samples=[16, 40], n_runs=2, random_state=3)
    serial = ste_sample_complexity(**kwargs, n_jobs=1)
    # Threads keep the test fast; the seeds do not depend on the backend.
    with parallel_config(backend="threading"):
        parallel = ste_sample_complexity(**kwargs, n_jobs=2)
    for column in serial:
        assert_array_equal(serial[column], parallel[column])
    other = ste_sample_complexity(**{**kwargs, "random_state": 4})
    assert not all(np.array_equal(serial[c], other[c]) for c in ("hamming", "n_iter"))


def test_a_run_is_the_estimator_on_the_generator():
    # The table must be reproducible from its coordinates alone, on the
    # default model: four patches, second layer all ones.
    table = ste_sample_complexity(
        patch_sizes=[8], n_samples=[12], n_runs=1, random_state=5
    )
    base = np.random.RandomState(5).randint(np.iinfo(np.int32).max)
    data_seed, init_seed = _task_seeds(base, 8, 12, 0)
    X, y, coef = make_binary_teacher(12, 8, 4, random_state=data_seed)
    reg = BinaryHeavisideRegressor(4, random_state=init_seed).fit(X, y)
    assert table["hamming"][0] == np.count_nonzero(reg.coef_ != coef)
    assert table["n_iter"][0] == reg.n_iter_
    notions = convergence_notions(reg.hamming_path(coef), reg.loss_curve_, 0.0, 1000)
    for name in ("first_hit", "window_loss", "ergodic", "non_ergodic"):
        assert table[name][0] == notions[name]


def test_estimator_params_are_forwarded():
    table = ste_sample_complexity(
        patch_sizes=[8],
        n_samples=[6],
        n_runs=2,
        estimator_params={"max_iter": 3},
    )
    assert table["n_iter"].max() <= 3


def test_recovery_threshold_interpolates_in_log_n():
    table = {
        "patch_size": np.repeat([4, 16], 8),
        "n_samples": np.tile(np.repeat([8, 32, 128, 512], 2), 2),
        "success": np.array(
            [0, 0, 0, 1, 1, 1, 1, 1]  # n=4: rates 0, .5, 1, 1
            + [0, 0, 0, 0, 0, 1, 1, 1],  # n=16: rates 0, 0, .5, 1
            dtype=bool,
        ),
    }
    rates, thresholds, exponent = ste_recovery_threshold(table, level=0.75)
    assert_allclose(rates["success_rate"], [0, 0.5, 1, 1, 0, 0, 0.5, 1])
    assert_array_equal(rates["n_runs"], 2)
    # Halfway in log N between 32 and 128 for n=4; between 128 and 512 for 16.
    assert_allclose(thresholds["threshold"], [64.0, 256.0])
    assert_allclose(thresholds["threshold_over_n2"], [4.0, 1.0])
    assert exponent == pytest.approx(1.0)


def test_recovery_threshold_edge_cases():
    table = {
        "patch_size": np.array([4, 4, 8, 8, 16, 16]),
        "n_samples": np.array([10, 20, 10, 20, 10, 20]),
        "success": np.array([1, 1, 1, 0, 0, 0], dtype=bool),
    }
    _, thresholds, exponent = ste_recovery_threshold(table, level=0.5)
    # n=4: succeeds from the first grid point (censored upper bound).
    assert thresholds["censored"].tolist() == [True, False, False]
    assert thresholds["threshold"][0] == 10
    # n=8 drops back below the level at the end and n=16 never reaches it.
    assert np.isnan(thresholds["threshold"][1:]).all()
    assert np.isnan(exponent)


def test_recurrence_under_label_noise():
    trace, summary = ste_recurrence(
        patch_size=16, n_samples=256, noise=0.3, max_iter=600, n_runs=2
    )
    assert list(trace) == ["run", "iteration", "hamming", "at_teacher", "loss"]
    assert trace["hamming"].shape == (2 * 601,)
    assert (summary["n_escapes"] > 1).all()
    assert (summary["n_returns"] > 1).all()
    for run in range(2):
        in_run = trace["run"] == run
        at = trace["at_teacher"][in_run]
        assert summary["share_at_teacher"][run] == pytest.approx(at.mean())
        assert summary["n_escapes"][run] == np.count_nonzero(at[:-1] & ~at[1:])
        assert_array_equal(trace["iteration"][in_run], np.arange(601))


def test_noiseless_recurrence_run_stays_at_the_teacher():
    trace, summary = ste_recurrence(
        patch_size=8, n_samples=200, noise=0.0, max_iter=300
    )
    # Once reached, the teacher is a fixed point: the run stops there.
    assert summary["n_visits"][0] == 1
    assert summary["n_escapes"][0] == 0
    assert trace["at_teacher"][-1]


@pytest.mark.parametrize("distribution", ["bernoulli", "student_t"])
def test_input_law_and_normalisation_are_forwarded(distribution):
    kwargs = dict(patch_sizes=[8], n_samples=[20], n_runs=3, random_state=2)
    table = ste_sample_complexity(
        distribution=distribution, normalize=True, df=2.5, n_patches=1, **kwargs
    )
    base = np.random.RandomState(2).randint(np.iinfo(np.int32).max)
    for run in range(3):
        data_seed, init_seed = _task_seeds(base, 8, 20, run)
        X, y, coef = make_binary_teacher(
            20,
            8,
            1,
            distribution=distribution,
            df=2.5,
            normalize=True,
            random_state=data_seed,
        )
        reg = BinaryHeavisideRegressor(random_state=init_seed).fit(X, y)
        assert table["hamming"][run] == np.count_nonzero(reg.coef_ != coef)
        assert table["n_iter"][run] == reg.n_iter_


def test_progress_bars_count_the_runs_and_leave_the_tables_unchanged(capsys):
    kwargs = dict(patch_sizes=[6], n_samples=[10, 40], n_runs=2, random_state=1)
    quiet = ste_sample_complexity(**kwargs)
    capsys.readouterr()
    shown = ste_sample_complexity(**kwargs, progress=True)
    err = capsys.readouterr().err
    assert "STE sample complexity [" in err and "4/4" in err
    for name in quiet:
        assert_array_equal(quiet[name], shown[name])

    kwargs = dict(patch_size=6, n_samples=40, max_iter=20, n_runs=3)
    quiet_trace, _ = ste_recurrence(**kwargs)
    assert capsys.readouterr().err == ""
    shown_trace, _ = ste_recurrence(**kwargs, progress=True)
    err = capsys.readouterr().err
    assert "STE recurrence [" in err and "3/3" in err
    assert_array_equal(quiet_trace["hamming"], shown_trace["hamming"])


def test_recurrence_with_several_patches_is_the_estimator_on_the_generator():
    trace, _ = ste_recurrence(
        patch_size=6, n_patches=3, n_samples=60, noise=0.2, max_iter=40, n_runs=1
    )
    base = np.random.RandomState(0).randint(np.iinfo(np.int32).max)
    data_seed, init_seed = _task_seeds(base, 6, 60, 0)
    X, y, coef = make_binary_teacher(60, 6, 3, noise=0.2, random_state=data_seed)
    assert X.shape == (60, 18)
    reg = BinaryHeavisideRegressor(
        n_patches=3, max_iter=40, random_state=init_seed
    ).fit(X, y)
    assert_array_equal(trace["hamming"], reg.hamming_path(coef))

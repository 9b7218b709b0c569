import io
from collections import defaultdict

import joblib
import numpy as np
import pytest

from sklearn_sea.datasets import make_compressed_sensing
from sklearn_sea.experiments._progress import ProgressBar, track
from sklearn_sea.experiments._sparse_recovery import (
    ALGORITHMS,
    LassoPathTopK,
    check_algorithms,
    crowded_window,
    curve_area,
    deconvolution,
    deconvolution_example,
    make_estimator,
    mean_support_distance,
    phase_grid,
    phase_transition,
    success_rates,
    task_seed,
    transition_curves,
)

PHASE_COLUMNS = [
    "algorithm",
    "n_features",
    "n_samples",
    "n_nonzero_coefs",
    "zeta",
    "rho",
    "run",
    "seed",
    "support_distance",
    "recovered",
    "fit_time",
]


def _without_times(rows):
    return [
        {key: value for key, value in row.items() if key != "fit_time"} for row in rows
    ]


def test_phase_grid_rounds_and_deduplicates():
    grid = phase_grid(100, [0.1, 0.5], [0.05, 0.1, 0.12, 0.5])
    assert grid == [(0.1, 10, [1, 5]), (0.5, 50, [2, 5, 6, 25])]


def test_phase_transition_rows_cover_the_whole_grid_without_pruning():
    algorithms = ["SEA", "OMP", "Lasso"]
    rows = phase_transition(
        n_features=30,
        zetas=[0.4, 0.8],
        rhos=[0.1, 0.3],
        n_runs=3,
        algorithms=algorithms,
        sea_max_iter=20,
        prune_below=0.0,
    )
    assert all(list(row) == PHASE_COLUMNS for row in rows)
    # 2 zetas x 2 rhos x 3 runs problems, each solved by every algorithm.
    assert len(rows) == 2 * 2 * 3 * len(algorithms)
    assert {(row["n_samples"], row["n_nonzero_coefs"]) for row in rows} == {
        (12, 1),
        (12, 4),
        (24, 2),
        (24, 7),
    }
    for row in rows:
        assert row["rho"] == row["n_nonzero_coefs"] / row["n_samples"]
        assert row["recovered"] == int(row["support_distance"] == 0)
        assert 0 <= row["support_distance"] <= row["n_nonzero_coefs"]
    # One nonzero among 30 from 12 Gaussian measurements: every method finds it.
    assert all(row["recovered"] for row in rows if row["n_nonzero_coefs"] == 1)
    # All algorithms of a task see the same problem.
    seeds = defaultdict(set)
    for row in rows:
        seeds[row["n_samples"], row["n_nonzero_coefs"], row["run"]].add(row["seed"])
    assert all(len(s) == 1 for s in seeds.values())


def test_phase_transition_stops_climbing_after_a_failure_rate():
    rows = phase_transition(
        n_features=40,
        zetas=[0.3, 0.6],
        rhos=[0.1, 0.3, 0.5, 0.7, 0.9],
        n_runs=4,
        algorithms=["OMP", "IHT"],
        prune_below=0.5,
    )
    rates = success_rates(rows)
    for name in ("OMP", "IHT"):
        for zeta in (0.3, 0.6):
            mine = [r for r in rates if r["algorithm"] == name and r["zeta"] == zeta]
            assert mine, (name, zeta)
            # Every level but the last evaluated one succeeded often enough.
            assert all(r["success_rate"] >= 0.5 for r in mine[:-1])
            if len(mine) < len(phase_grid(40, [zeta], [0.1, 0.3, 0.5, 0.7, 0.9])[0][2]):
                assert mine[-1]["success_rate"] < 0.5
    # rho = 0.9 (k close to m) defeats both methods, so it is never reached.
    assert max(row["rho"] for row in rows) < 0.9


def test_phase_transition_matches_a_direct_fit():
    rows = phase_transition(
        n_features=30, zetas=[0.5], rhos=[0.2], n_runs=2, algorithms=["OMP"]
    )
    from sklearn_sea import OMPRegressor
    from sklearn_sea.metrics import support_distance

    for row in rows:
        X, y, coef = make_compressed_sensing(
            row["n_samples"], 30, row["n_nonzero_coefs"], random_state=row["seed"]
        )
        fitted = OMPRegressor(row["n_nonzero_coefs"], fit_intercept=False).fit(X, y)
        assert row["support_distance"] == support_distance(coef, fitted.coef_)


@pytest.mark.parametrize("backend", ["threading", "loky"])
def test_sweeps_do_not_depend_on_the_backend(backend):
    kwargs = {
        "n_features": 30,
        "zetas": [0.5],
        "rhos": [0.2, 0.4],
        "n_runs": 2,
        "algorithms": ["SEA", "SEA-ELS", "HTP"],
        "sea_max_iter": 30,
        "random_state": 3,
    }
    sequential = phase_transition(**kwargs, n_jobs=1)
    with joblib.parallel_config(backend=backend):
        parallel = phase_transition(**kwargs, n_jobs=2)
    assert _without_times(parallel) == _without_times(sequential)

    kwargs = {"n_features": 60, "n_nonzero_coefs": [3, 6], "n_runs": 2}
    kwargs.update(algorithms=["SEA", "OMP"], sea_max_iter=50, random_state=1)
    sequential = deconvolution(**kwargs, n_jobs=1)
    with joblib.parallel_config(backend=backend):
        parallel = deconvolution(**kwargs, n_jobs=2)
    assert _without_times(parallel) == _without_times(sequential)


def test_seeds_depend_on_the_problem_not_on_the_grid():
    assert task_seed(0, 0, 30, 15, 3, 1) == task_seed(0, 0, 30, 15, 3, 1)
    assert task_seed(0, 0, 30, 15, 3, 1) != task_seed(1, 0, 30, 15, 3, 1)
    small = phase_transition(
        n_features=30, zetas=[0.5], rhos=[0.2], n_runs=2, algorithms=["OMP"]
    )
    large = phase_transition(
        n_features=30, zetas=[0.3, 0.5], rhos=[0.1, 0.2], n_runs=3, algorithms=["OMP"]
    )
    shared = [r for r in large if r["n_samples"] == 15 and r["n_nonzero_coefs"] == 3]
    assert _without_times(shared[:2]) == _without_times(small)


def _rows(points):
    return [
        {
            "algorithm": name,
            "zeta": zeta,
            "n_samples": m,
            "n_nonzero_coefs": k,
            "recovered": outcome,
        }
        for name, zeta, m, k, outcomes in points
        for outcome in outcomes
    ]


def test_transition_curve_is_the_largest_rho_above_the_level():
    rows = _rows(
        [
            ("A", 0.5, 10, 1, [1] * 20),
            ("A", 0.5, 10, 2, [1] * 19 + [0]),  # 0.95 counts as a success
            ("A", 0.5, 10, 3, [1] * 18 + [0] * 2),
            ("A", 1.0, 20, 2, [0] * 20),  # fails everywhere: rho = 0
            ("B", 0.5, 10, 1, [1] * 20),
            ("B", 0.5, 10, 2, [0] * 20),
            ("B", 0.5, 10, 3, [1] * 20),  # largest, not first crossing
            ("B", 1.0, 20, 2, [1] * 20),
        ]
    )
    curves = transition_curves(rows, level=0.95)
    assert curves == {"A": [(0.5, 0.2), (1.0, 0.0)], "B": [(0.5, 0.3), (1.0, 0.1)]}
    assert curve_area(curves["A"]) == pytest.approx(0.1)
    assert curve_area(curves["B"]) == pytest.approx(0.2)
    rates = success_rates(rows)
    assert [r["success_rate"] for r in rates[:3]] == [1.0, 0.95, 0.9]


def test_deconvolution_rows_and_summary():
    rows = deconvolution(
        n_features=60,
        n_nonzero_coefs=[2, 5],
        n_runs=3,
        algorithms=["SEA", "OMP"],
        sea_max_iter=50,
    )
    assert len(rows) == 2 * 3 * 2
    assert list(rows[0]) == [
        "algorithm",
        "n_features",
        "n_nonzero_coefs",
        "width",
        "noise",
        "run",
        "seed",
        "support_distance",
        "recovered",
        "fit_time",
    ]
    summary = mean_support_distance(rows)
    assert [(s["algorithm"], s["n_nonzero_coefs"]) for s in summary] == [
        ("SEA", 2),
        ("SEA", 5),
        ("OMP", 2),
        ("OMP", 5),
    ]
    for entry in summary:
        mine = [
            r["support_distance"]
            for r in rows
            if r["algorithm"] == entry["algorithm"]
            and r["n_nonzero_coefs"] == entry["n_nonzero_coefs"]
        ]
        assert entry["n_runs"] == 3
        assert entry["mean_support_distance"] == pytest.approx(np.mean(mine))
        assert entry["sem"] == pytest.approx(np.std(mine, ddof=1) / np.sqrt(3))


def test_sea_beats_omp_on_crowded_spikes():
    # The paper's point, at a size a test can afford: with coherent columns
    # SEA's exploration finds more of the true spikes than OMP's greedy path.
    rows = deconvolution(
        n_features=200,
        n_nonzero_coefs=[12],
        n_runs=4,
        algorithms=["SEA", "OMP"],
        sea_max_iter=300,
    )
    summary = {
        s["algorithm"]: s["mean_support_distance"] for s in mean_support_distance(rows)
    }
    assert summary["SEA"] < summary["OMP"]


def test_deconvolution_example_shows_the_most_crowded_window():
    example = deconvolution_example(
        n_features=80,
        n_nonzero_coefs=6,
        algorithms=["SEA", "Lasso"],
        sea_max_iter=50,
        window=20,
    )
    start, stop = example["window"]
    assert stop - start == 20
    support = np.flatnonzero(example["coef_true"])
    inside = np.count_nonzero((support >= start) & (support < stop))
    for other in range(80 - 20 + 1):
        assert np.count_nonzero((support >= other) & (support < other + 20)) <= inside
    assert set(example["estimates"]) == {"SEA", "Lasso"}
    for name, coef in example["estimates"].items():
        assert np.count_nonzero(coef) <= 6
        assert example["support_distance"][name] in range(7)


def test_crowded_window_picks_the_first_densest_interval():
    assert crowded_window(np.array([1, 10, 11, 12, 30]), 40, 5) == 8
    assert crowded_window(np.array([0, 1]), 5, 10) == 0


def test_lasso_top_k_reads_the_first_path_point_with_k_nonzeros():
    X, y, coef = make_compressed_sensing(60, 100, 4, random_state=0)
    reg = LassoPathTopK(4).fit(X, y)
    assert np.count_nonzero(reg.coef_) == 4
    np.testing.assert_array_equal(np.flatnonzero(reg.coef_), np.flatnonzero(coef))
    # Column scaling does not move the support: the path runs on unit columns.
    scale = np.linspace(0.5, 3.0, 100)
    scaled = LassoPathTopK(4).fit(X * scale, y)
    np.testing.assert_array_equal(np.flatnonzero(scaled.coef_), np.flatnonzero(coef))
    np.testing.assert_allclose(scaled.coef_ * scale, reg.coef_, rtol=1e-6, atol=1e-9)


def test_every_algorithm_recovers_an_easy_problem():
    X, y, coef = make_compressed_sensing(50, 80, 3, random_state=2)
    for name in ALGORITHMS:
        reg = make_estimator(name, 3, sea_max_iter=50).fit(X, y)
        np.testing.assert_array_equal(
            np.flatnonzero(reg.coef_), np.flatnonzero(coef), err_msg=name
        )


def test_sea_els_is_sea_started_from_els():
    from sklearn_sea import ELSRegressor, SEARegressor

    reg = make_estimator("SEA-ELS", 5, sea_max_iter=10)
    assert isinstance(reg, SEARegressor)
    assert isinstance(reg.init, ELSRegressor)
    assert reg.init.n_nonzero_coefs == 5 and reg.max_iter == 10
    assert not reg.fit_intercept and not reg.init.fit_intercept


def test_unknown_algorithms_are_rejected():
    with pytest.raises(ValueError, match="Unknown algorithm 'LARS'"):
        make_estimator("LARS", 3)
    with pytest.raises(ValueError, match="algorithms must be a non-empty subset"):
        check_algorithms(["SEA", "LARS"])
    with pytest.raises(ValueError, match="algorithms must be a non-empty subset"):
        check_algorithms([])
    assert check_algorithms(None) == ALGORITHMS


def test_progress_bar_on_a_pipe_writes_one_final_line():
    stream = io.StringIO()
    with ProgressBar(10, "work", stream=stream) as bar:
        assert list(track(iter(range(4)), bar)) == [0, 1, 2, 3]
        bar.discard(3)
        assert bar.total == 7
        bar.discard(100)
        assert bar.total == 4  # never below what is already done
    assert stream.getvalue().count("\n") == 1
    assert "work [" in stream.getvalue() and "4/4" in stream.getvalue()


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_on_a_terminal_redraws_in_place():
    stream = _Terminal()
    bar = ProgressBar(3, "work", stream=stream, refresh=1e9)
    bar.update()
    assert stream.getvalue().startswith("\rwork [") and "1/3 eta" in stream.getvalue()
    bar.update(2)
    bar.close()
    assert stream.getvalue().endswith("3/3 in 0s\n")


def test_disabled_progress_bar_is_silent():
    stream = _Terminal()
    with ProgressBar(2, stream=stream, enabled=False) as bar:
        bar.update(2)
    assert stream.getvalue() == ""


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("k", [3, 12])
def test_lasso_chunked_path_equals_one_lasso_path_call(k):
    from sklearn.linear_model import lasso_path

    from sklearn_sea.datasets import make_spike_deconvolution

    X, y, _ = make_spike_deconvolution(120, k, random_state=k)
    alphas, coefs, _ = lasso_path(X, y)
    first = np.flatnonzero(np.count_nonzero(coefs, axis=0) >= k)[0]
    reg = LassoPathTopK(k).fit(X, y)
    assert reg.alpha_ == pytest.approx(alphas[first])
    expected = np.zeros(120)
    keep = np.argsort(-np.abs(coefs[:, first]), kind="stable")[:k]
    expected[keep] = coefs[keep, first]
    np.testing.assert_allclose(reg.coef_, expected, rtol=1e-10, atol=1e-12)


def test_transition_curves_from_rows_or_from_their_rates():
    rows = _rows([("A", 0.5, 10, 1, [1] * 20), ("A", 0.5, 10, 2, [1] * 10 + [0] * 10)])
    for level in (0.95, 0.5):
        assert transition_curves(iter(rows), level) == transition_curves(
            success_rates(rows), level
        )
    assert transition_curves(rows, 0.5) == {"A": [(0.5, 0.2)]}


def test_sea_els_reuses_els_and_keeps_the_requested_order():
    from sklearn_sea.experiments._sparse_recovery import fit_algorithms

    X, y, coef = make_compressed_sensing(30, 60, 8, random_state=4)
    both = fit_algorithms(X, y, 8, ["SEA-ELS", "OMP", "ELS"], sea_max_iter=40)
    alone = fit_algorithms(X, y, 8, ["SEA-ELS"], sea_max_iter=40)
    assert list(both) == ["SEA-ELS", "OMP", "ELS"]
    np.testing.assert_array_equal(both["SEA-ELS"][0], alone["SEA-ELS"][0])


def test_omp_is_scikit_learns_and_selects_omp_regressors_support():
    from sklearn.linear_model import OrthogonalMatchingPursuit

    from sklearn_sea import OMPRegressor
    from sklearn_sea.datasets import make_spike_deconvolution
    from sklearn_sea.experiments._sparse_recovery import fit_algorithms

    reg = make_estimator("OMP", 7)
    assert isinstance(reg, OrthogonalMatchingPursuit)
    assert reg.n_nonzero_coefs == 7 and not reg.fit_intercept
    for seed in range(3):
        X, y, _ = make_spike_deconvolution(120, 7, random_state=seed)
        coef, _ = fit_algorithms(X, y, 7, ["OMP"], sea_max_iter=10)["OMP"]
        ours = OMPRegressor(7, fit_intercept=False).fit(X, y).coef_
        np.testing.assert_array_equal(np.flatnonzero(coef), np.flatnonzero(ours))
        np.testing.assert_allclose(coef, ours, rtol=1e-8, atol=1e-10)


def test_deconvolution_sea_els_uses_the_warm_step():
    from sklearn_sea import ELSRegressor, SEARegressor
    from sklearn_sea.datasets import make_spike_deconvolution
    from sklearn_sea.experiments._sparse_recovery import DECONVOLUTION_WARM_STEP
    from sklearn_sea.metrics import support_distance

    assert make_estimator("SEA-ELS", 3).step_size == "auto"  # phase transition
    assert make_estimator("SEA-ELS", 3, sea_warm_step=7.0).step_size == 7.0
    kwargs = dict(n_features=150, n_nonzero_coefs=[12], n_runs=3, sea_max_iter=100)
    default = deconvolution(algorithms=["SEA-ELS", "ELS"], **kwargs)
    explicit = deconvolution(
        algorithms=["SEA-ELS", "ELS"], warm_step=DECONVOLUTION_WARM_STEP, **kwargs
    )
    assert _without_times(default) == _without_times(explicit)
    # The warm start is iteration 0: SEA-ELS never ends further than ELS's
    # objective, and here not further from the true support either.
    by_run = defaultdict(dict)
    for row in default:
        by_run[row["run"]][row["algorithm"]] = row["support_distance"]
    assert all(run["SEA-ELS"] <= run["ELS"] for run in by_run.values())
    for step in ("auto", 10.0):
        rows = deconvolution(algorithms=["SEA-ELS"], warm_step=step, **kwargs)
        for row in rows:
            X, y, coef = make_spike_deconvolution(150, 12, random_state=row["seed"])
            reg = SEARegressor(
                12,
                max_iter=100,
                step_size=step,
                init=ELSRegressor(12, fit_intercept=False),
                fit_intercept=False,
            ).fit(X, y)
            assert row["support_distance"] == support_distance(coef, reg.coef_)
    example = deconvolution_example(
        n_features=150,
        n_nonzero_coefs=12,
        algorithms=["SEA-ELS"],
        sea_max_iter=100,
        warm_step=10.0,
    )
    assert example["support_distance"]["SEA-ELS"] == rows[0]["support_distance"]


def test_algorithm_legend_names_scikit_learns_omp():
    from sklearn_sea.experiments._sparse_recovery import (
        algorithm_label,
        algorithm_legend,
    )

    assert algorithm_label("OMP") == "OMP (scikit-learn)"
    assert algorithm_label("SEA") == "SEA"
    assert "scikit-learn's OrthogonalMatchingPursuit" in algorithm_legend(["OMP"])
    assert algorithm_legend(["SEA"]) == "legend: all are sklearn_sea's estimators."
    assert "step_size=auto" in algorithm_legend(["SEA-ELS"])

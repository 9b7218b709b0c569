import csv
import subprocess
import sys

import pytest

from sklearn_sea._cli import PAPER, QUICK, build_parser, main, resolve_settings

TINY_DECONVOLUTION = [
    "--n-features",
    "60",
    "--k",
    "2",
    "4",
    "--runs",
    "2",
    "--sea-max-iter",
    "50",
    "--algorithms",
    "SEA",
    "OMP",
    "--n-jobs",
    "1",
    "--quiet",
]


def _read_csv(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_demo_writes_csv_figures_and_a_table(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    assert main(["demo", *TINY_DECONVOLUTION, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    rows = _read_csv(tmp_path / "deconvolution.csv")
    assert len(rows) == 2 * 2 * 2  # k values x runs x algorithms
    assert {row["algorithm"] for row in rows} == {"SEA", "OMP"}
    example = _read_csv(tmp_path / "deconvolution_example.csv")
    assert list(example[0]) == ["index", "y", "true", "SEA", "OMP"]
    for name in ("deconvolution.png", "deconvolution_example.png"):
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")
    table = [line for line in out.splitlines() if line.startswith(("SEA ", "OMP "))]
    assert len(table) == 2
    for line in table:
        distances = [float(v) for v in line.split()[1:3]]
        assert all(0 <= d <= 4 for d in distances)
    assert "ranking at k=4" in out  # the k closest to the paper's 20
    assert "figure:" in out


def test_without_matplotlib_the_csv_is_written_and_the_fix_printed(
    tmp_path, capsys, monkeypatch
):
    # A None entry in sys.modules makes `import matplotlib...` raise ImportError.
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    assert main(["deconvolution", *TINY_DECONVOLUTION, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "deconvolution.csv").exists()
    assert not (tmp_path / "deconvolution.png").exists()
    assert 'pip install "sklearn-sea[plots]"' in out
    assert "figure skipped" in out


def test_phase_transition_command(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    argv = ["phase-transition", "--n-features", "30", "--zetas", "0.4", "0.8"]
    argv += ["--rho-step", "0.2", "--rho-max", "0.4", "--runs", "3", "--quiet"]
    argv += ["--algorithms", "SEA-ELS", "OMP", "--n-jobs", "1", "--out", str(tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    rows = _read_csv(tmp_path / "phase_transition.csv")
    assert {row["algorithm"] for row in rows} == {"SEA-ELS", "OMP"}
    assert {row["zeta"] for row in rows} == {"0.4", "0.8"}
    assert (tmp_path / "phase_transition.png").read_bytes().startswith(b"\x89PNG")
    assert "ranking (mean of the 95% curve):" in out
    assert "z=0.4" in out and "z=0.8" in out


def test_ste_commands(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    argv = ["ste-sample-complexity", "--patch-sizes", "6", "12", "--exponents", "1"]
    argv += ["2", "--runs", "2", "--n-jobs", "1", "--quiet", "--out", str(tmp_path)]
    assert main(argv) == 0
    rows = _read_csv(tmp_path / "ste_sample_complexity.csv")
    assert {row["n_samples"] for row in rows} == {"6", "36", "12", "144"}
    assert len(rows) == 8
    assert {row["ergodic"] for row in rows} <= {"True", "False"}
    assert {row["non_ergodic"] for row in rows} <= {"True", "False"}
    assert (tmp_path / "ste_sample_complexity.png").exists()
    out = capsys.readouterr().out
    assert "a binary network of 4 patches" in out
    for notion, bound in (("ergodic", "n^2"), ("non-ergodic", "n^4")):
        line = next(x for x in out.splitlines() if x.startswith(f"{notion} "))
        assert "n=6: " in line and "n=12: " in line
        assert f"paper's sufficient condition: O({bound})" in out
    assert out.count("fitted N ~ n^") == 2

    argv = ["ste-recurrence", "--patch-size", "6", "--n-samples", "40"]
    argv += ["--max-iter", "30", "--n-jobs", "1", "--quiet", "--out", str(tmp_path)]
    assert main(argv) == 0
    trace = _read_csv(tmp_path / "ste_recurrence.csv")
    assert len(trace) == 31  # the initial point and 30 iterates
    assert len(_read_csv(tmp_path / "ste_recurrence_summary.csv")) == 1
    assert (tmp_path / "ste_recurrence.png").exists()
    out = capsys.readouterr().out
    assert "share_at_teacher" in out


@pytest.mark.parametrize("command", sorted(QUICK))
def test_paper_flag_selects_the_paper_sizes(command):
    args = build_parser().parse_args([command, "--paper"])
    settings = resolve_settings(args)
    for key, value in PAPER[command].items():
        assert settings[key] == value
    quick = resolve_settings(build_parser().parse_args([command]))
    assert {key: quick[key] for key in QUICK[command]} == QUICK[command]


def test_paper_phase_transition_sizes():
    settings = resolve_settings(
        build_parser().parse_args(["phase-transition", "--paper"])
    )
    assert settings["n_features"] == 500 and settings["runs"] == 1000


def test_explicit_options_override_the_mode():
    args = build_parser().parse_args(
        ["phase-transition", "--paper", "--runs", "7", "--n-jobs", "3", "--seed", "5"]
    )
    settings = resolve_settings(args)
    assert settings["runs"] == 7 and settings["n_features"] == 500
    assert settings["n_jobs"] == 3 and settings["seed"] == 5


def test_demo_is_the_quick_deconvolution():
    demo = resolve_settings(build_parser().parse_args(["demo"]))
    quick = resolve_settings(build_parser().parse_args(["deconvolution"]))
    assert demo == quick
    assert demo["n_features"] == 500 and 20 in demo["k"]


def test_unknown_algorithm_is_a_usage_error(capsys):
    with pytest.raises(SystemExit):
        main(["deconvolution", "--algorithms", "LARS"])
    assert "invalid choice: 'LARS'" in capsys.readouterr().err


def test_module_entry_point_lists_the_commands():
    result = subprocess.run(
        [sys.executable, "-m", "sklearn_sea", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for command in (
        "demo",
        "phase-transition",
        "deconvolution",
        "ste-sample-complexity",
        "ste-recurrence",
    ):
        assert command in result.stdout


def test_ste_commands_take_the_number_of_patches(tmp_path, capsys):
    from sklearn_sea.experiments import ste_recurrence, ste_sample_complexity

    argv = ["ste-sample-complexity", "--patch-sizes", "4", "--exponents", "1", "2"]
    argv += ["--n-patches", "2", "--runs", "2", "--max-iter", "50", "--n-jobs", "1"]
    assert main([*argv, "--quiet", "--out", str(tmp_path), "--seed", "3"]) == 0
    table = ste_sample_complexity(
        patch_sizes=[4],
        n_samples=[4, 16],
        n_patches=2,
        n_runs=2,
        estimator_params={"max_iter": 50},
        random_state=3,
    )
    rows = _read_csv(tmp_path / "ste_sample_complexity.csv")
    assert [int(row["hamming"]) for row in rows] == table["hamming"].tolist()
    assert [int(row["n_iter"]) for row in rows] == table["n_iter"].tolist()

    argv = ["ste-recurrence", "--patch-size", "5", "--n-patches", "3"]
    argv += ["--n-samples", "40", "--max-iter", "25", "--n-jobs", "1"]
    assert main([*argv, "--quiet", "--out", str(tmp_path)]) == 0
    trace, _ = ste_recurrence(patch_size=5, n_patches=3, n_samples=40, max_iter=25)
    rows = _read_csv(tmp_path / "ste_recurrence.csv")
    assert [int(row["hamming"]) for row in rows] == trace["hamming"].tolist()
    assert "n=5, 3 patches, N=40" in capsys.readouterr().out
    for command in ("ste-sample-complexity", "ste-recurrence"):
        # The two-layer network by default, the single neuron on request.
        settings = resolve_settings(build_parser().parse_args([command]))
        assert settings["n_patches"] == 4
        args = build_parser().parse_args([command, "--n-patches", "1"])
        assert resolve_settings(args)["n_patches"] == 1


def test_ste_recurrence_shows_a_progress_bar_unless_quiet(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    argv = ["ste-recurrence", "--patch-size", "5", "--n-samples", "30"]
    argv += ["--max-iter", "10", "--runs", "2", "--n-jobs", "1", "--out", str(tmp_path)]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "STE recurrence [" in err and "2/2" in err
    assert main([*argv, "--quiet"]) == 0
    assert "STE recurrence" not in capsys.readouterr().err


def test_warm_step_option(tmp_path, capsys):
    from sklearn_sea.experiments._sparse_recovery import DECONVOLUTION_WARM_STEP

    settings = resolve_settings(build_parser().parse_args(["deconvolution"]))
    assert settings["warm_step"] == DECONVOLUTION_WARM_STEP
    for text, value in (("auto", "auto"), ("2.5", 2.5)):
        args = build_parser().parse_args(["demo", "--warm-step", text])
        assert resolve_settings(args)["warm_step"] == value
    for text in ("0", "-1", "nan", "inf", "big"):
        with pytest.raises(SystemExit):
            build_parser().parse_args(["deconvolution", "--warm-step", text])
        assert "expected auto or a positive number" in capsys.readouterr().err

    argv = [*TINY_DECONVOLUTION[:-6], "--algorithms", "SEA-ELS", "OMP"]
    argv += ["--n-jobs", "1", "--quiet", "--warm-step", "auto", "--out", str(tmp_path)]
    assert main(["deconvolution", *argv]) == 0
    out = capsys.readouterr().out
    assert "warm_step=auto" in out
    assert "legend: OMP is scikit-learn's OrthogonalMatchingPursuit" in out
    assert "SEA-ELS is SEA started from ELS (step_size=auto)" in out

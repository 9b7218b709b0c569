"""Runs of the command line that can be trusted: outputs, resume, lock, signals.

The interruptions are real signals sent by the sweep's own process after a
given number of finished tasks (never after a delay), so every test is
deterministic.
"""

import csv
import errno
import json
import os
import subprocess
import sys
import textwrap

import pytest

from sklearn_sea._cli import main
from sklearn_sea.experiments import (
    IncompleteResultsError,
    mean_support_distance,
    read_results,
    success_rates,
)
from sklearn_sea.experiments._lock import OutputLock
from sklearn_sea.experiments._progress import ProgressBar

# A phase transition with pruning: which tasks run depends on earlier results,
# the hardest case for a resume.
PHASE = ["phase-transition", "--n-features", "30", "--zetas", "0.4", "0.8"]
PHASE += ["--rho-step", "0.2", "--rho-max", "0.6", "--runs", "3"]
PHASE += ["--algorithms", "SEA", "OMP", "ELS", "--sea-max-iter", "30", "--quiet"]
DECONVOLUTION = ["deconvolution", "--n-features", "60", "--k", "2", "4"]
DECONVOLUTION += ["--runs", "2", "--sea-max-iter", "50", "--algorithms", "SEA", "OMP"]
DECONVOLUTION += ["--quiet"]

# Runs the command line in a fresh process that signals itself once the
# journal holds a given number of finished tasks.
STOP_AFTER = textwrap.dedent(
    """
    import os, signal, sys
    from sklearn_sea._cli import main
    from sklearn_sea.experiments import _journal

    # Python's own Ctrl-C handler, whatever this process inherited: a runner
    # started in the background (nohup, a non-interactive shell's &) passes
    # SIGINT on as ignored, and the interrupt under test would never come.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    after, signum = int(sys.argv[1]), getattr(signal, sys.argv[2])
    append = _journal.Journal.append

    def append_then_signal(self, key, result):
        append(self, key, result)
        if self.n_recorded == after:
            os.kill(os.getpid(), signum)

    _journal.Journal.append = append_then_signal
    status = main(sys.argv[3:])
    # The workers must be gone by the time the run returns (not minutes later).
    if os.path.isdir("/proc"):
        children = 0
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{pid}/cmdline") as cmdline:
                    command = cmdline.read()
            except (OSError, IndexError, ValueError):
                continue
            # The resource trackers end with this process; workers must not wait.
            children += ppid == os.getpid() and "resource_tracker" not in command
        print(f"worker processes left: {children}")
    sys.exit(status)
    """
)


def _rows(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def _without_times(rows):
    return [{k: v for k, v in row.items() if k != "fit_time"} for row in rows]


def _manifest(directory, experiment):
    return json.loads((directory / f"{experiment}.manifest.json").read_text())


def _stopped_run(argv, after, signame):
    return subprocess.run(
        [sys.executable, "-c", STOP_AFTER, str(after), signame, *argv],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    "signame, status, n_jobs", [("SIGINT", 130, "1"), ("SIGTERM", 143, "2")]
)
def test_an_interrupted_sweep_resumes_to_the_rows_of_an_uninterrupted_one(
    tmp_path, capsys, signame, status, n_jobs
):
    whole, stopped = tmp_path / "whole", tmp_path / "stopped"
    assert main([*PHASE, "--n-jobs", "1", "--out", str(whole)]) == 0
    expected = _rows(whole / "phase_transition.csv")

    argv = [*PHASE, "--n-jobs", n_jobs, "--out", str(stopped)]
    result = _stopped_run(argv, 5, signame)
    assert result.returncode == status
    # One line on stderr: what was kept and how to go on; no traceback.
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert f"interrupted by {signame}: 5 of " in result.stderr
    assert "continue with: sklearn-sea phase-transition" in result.stderr
    assert "--resume" in result.stderr
    if os.path.isdir("/proc"):
        assert "worker processes left: 0" in result.stdout
    # Nothing under the final name; the partial table cannot be mistaken for it.
    assert not (stopped / "phase_transition.csv").exists()
    assert not (stopped / "phase_transition.png").exists()
    # The signal came as the 5th task was recorded, before its rows were
    # written: the partial table holds the first 4 tasks of 3 algorithms.
    partial = _rows(stopped / "phase_transition.csv.part")
    assert _without_times(partial) == _without_times(expected[: 4 * 3])
    manifest = _manifest(stopped, "phase_transition")
    assert manifest["status"] == "interrupted"
    assert manifest["tasks"]["done"] == 5
    assert manifest["tasks"]["planned"] == 2 * 3 * 3  # zetas x rhos x runs
    assert manifest["stages"] == 1
    first_stage = manifest["wall_time"]
    assert first_stage > 0
    with pytest.raises(IncompleteResultsError, match="--resume"):
        read_results(stopped / "phase_transition.csv.part")

    capsys.readouterr()
    assert main([*argv, "--resume"]) == 0
    output = capsys.readouterr().out
    assert "resuming: 5 tasks already done" in output
    assert " s in 2 stages" in output
    resumed = _rows(stopped / "phase_transition.csv")
    assert _without_times(resumed) == _without_times(expected)
    # The tasks answered from the journal keep their measured times too.
    assert resumed[: 4 * 3] == partial
    manifest = _manifest(stopped, "phase_transition")
    assert manifest["status"] == "complete"
    # The wall time is the run's, both stages, not the last stage's.
    assert manifest["stages"] == 2
    assert manifest["wall_time"] > first_stage
    assert not (stopped / "phase_transition.journal").exists()
    assert not (stopped / "phase_transition.csv.part").exists()
    assert success_rates(stopped / "phase_transition.csv") == success_rates(
        whole / "phase_transition.csv"
    )


def test_resume_refuses_other_settings_and_says_which(tmp_path, capsys):
    argv = [*DECONVOLUTION, "--n-jobs", "1", "--out", str(tmp_path)]
    assert _stopped_run(argv, 1, "SIGINT").returncode == 130
    changed = [*argv, "--seed", "3", "--runs", "5", "--n-jobs", "2", "--resume"]
    assert main(changed) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("sklearn-sea: error:")
    assert "runs 5 (was 2)" in err and "seed 3 (was 0)" in err
    assert "n_jobs" not in err  # the number of workers does not change the rows

    # A new run does not silently replace the unfinished one either.
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "holds an unfinished deconvolution run (1 of 4 tasks" in err
    assert "--resume" in err and "--restart" in err
    assert main([*argv, "--restart"]) == 0
    assert main([*argv, "--resume"]) == 0
    assert "already complete" in capsys.readouterr().out
    assert main([*argv, "--seed", "9", "--resume"]) == 2
    assert "seed 9 (was 0)" in capsys.readouterr().err


def test_resume_with_nothing_to_resume_is_refused(tmp_path, capsys):
    assert main([*DECONVOLUTION, "--out", str(tmp_path), "--resume"]) == 2
    assert "nothing to resume" in capsys.readouterr().err


def test_a_second_run_on_the_same_out_is_refused(tmp_path, capsys):
    with OutputLock(tmp_path):
        assert main([*DECONVOLUTION, "--n-jobs", "1", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path} is in use by another run (pid {os.getpid()})" in err
    assert not list(tmp_path.glob("*.csv*"))
    # Released with its holder: the next run goes through.
    assert main([*DECONVOLUTION, "--n-jobs", "1", "--out", str(tmp_path)]) == 0


def test_a_new_run_removes_the_previous_outputs_first(tmp_path):
    pytest.importorskip("matplotlib")
    argv = [*DECONVOLUTION, "--n-jobs", "1", "--out", str(tmp_path)]
    assert main(argv) == 0
    assert (tmp_path / "deconvolution.png").exists()
    assert _stopped_run([*argv, "--seed", "1"], 2, "SIGTERM").returncode == 143
    # No table or figure of the previous run next to the new unfinished one.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".sklearn-sea.lock",
        "deconvolution.journal",
        "deconvolution.manifest.json",
    ]


def test_an_unwritable_out_fails_before_any_work(tmp_path, capsys, monkeypatch):
    from sklearn_sea.experiments import _sea_specs

    def must_not_run(*args, **kwargs):
        raise AssertionError("computed before checking --out")

    monkeypatch.setattr(_sea_specs, "deconvolution", must_not_run)
    blocker = tmp_path / "a file"
    blocker.write_text("")
    assert main([*DECONVOLUTION, "--out", str(blocker / "results")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "sklearn-sea: error: cannot write to --out" in err


def test_a_full_disk_is_one_line_and_the_run_resumes(tmp_path, capsys, monkeypatch):
    from sklearn_sea.experiments import _results

    write = _results.CSVWriter.write

    def fill_the_disk(self, row):
        if self.n_rows == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.partial))
        write(self, row)

    argv = [*DECONVOLUTION, "--n-jobs", "1", "--out", str(tmp_path)]
    monkeypatch.setattr(_results.CSVWriter, "write", fill_the_disk)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "No space left on device" in err and "deconvolution.csv.part" in err
    assert "tasks kept in" in err and "--resume" in err
    assert _manifest(tmp_path, "deconvolution")["status"] == "failed"

    monkeypatch.setattr(_results.CSVWriter, "write", write)
    assert main([*argv, "--resume"]) == 0
    whole = tmp_path / "whole"
    assert main([*DECONVOLUTION, "--n-jobs", "1", "--out", str(whole)]) == 0
    assert _without_times(_rows(tmp_path / "deconvolution.csv")) == _without_times(
        _rows(whole / "deconvolution.csv")
    )


def test_a_full_disk_while_drawing_keeps_the_complete_tables(
    tmp_path, capsys, monkeypatch
):
    pytest.importorskip("matplotlib")
    from sklearn_sea.experiments import _plots

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(_plots, "plot_deconvolution", full)
    assert main([*DECONVOLUTION, "--n-jobs", "1", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No space left on device" in err
    assert "deconvolution.png" in err and "the tables are complete" in err
    assert len(read_results(tmp_path / "deconvolution.csv")) == 8
    assert not list(tmp_path.glob("*.part*"))


def test_a_closed_stdout_ends_quietly_after_writing_the_files(tmp_path):
    pytest.importorskip("matplotlib")
    process = subprocess.Popen(
        [sys.executable, "-m", "sklearn_sea", *DECONVOLUTION, "--n-jobs", "1"]
        + ["--out", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    process.stdout.close()  # like `| head -0`: every line hits a closed pipe
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err
    assert (tmp_path / "deconvolution.csv").exists()
    assert (tmp_path / "deconvolution_example.png").exists()


def test_read_results_refuses_what_a_finished_run_did_not_write(tmp_path):
    assert main([*DECONVOLUTION, "--n-jobs", "1", "--out", str(tmp_path)]) == 0
    path = tmp_path / "deconvolution.csv"
    rows = read_results(path)
    assert len(rows) == 8 and rows[0]["algorithm"] == "SEA"
    assert isinstance(rows[0]["support_distance"], int)
    assert mean_support_distance(path) == mean_support_distance(rows)

    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-2]))  # a truncated copy
    with pytest.raises(IncompleteResultsError, match="has 6 rows but its run wrote 8"):
        success_rates(path)
    (tmp_path / "deconvolution.manifest.json").unlink()
    with pytest.raises(IncompleteResultsError, match="no manifest"):
        mean_support_distance(path)


def test_progress_lines_in_a_log_at_a_steady_interval():
    class Log:
        def __init__(self):
            self.text = ""

        def write(self, text):
            self.text += text

        def flush(self):
            pass

    now = [0.0]
    log = Log()
    bar = ProgressBar(10, "sweep", stream=log, interval=30.0, clock=lambda: now[0])
    for _ in range(4):
        now[0] += 10.0
        bar.update()
    bar.close()
    lines = log.text.splitlines()
    # One line after 30 s (3 tasks, 0.1 task/s, 7 left), then the final one.
    assert lines[0] == "sweep: 3/10 tasks done, 0.1 tasks/s, eta 1m10s"
    assert len(lines) == 2 and lines[1].startswith("sweep [")
    quiet = Log()
    with ProgressBar(10, stream=quiet, enabled=False, clock=lambda: now[0]) as bar:
        now[0] += 100.0
        bar.update()
    assert quiet.text == ""


def test_scheduler_without_distributed_is_a_usage_error(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(SystemExit) as exc:
        main([*DECONVOLUTION, "--scheduler", "tcp://127.0.0.1:8786"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "argument --scheduler: needs dask.distributed" in err
    assert 'pip install "sklearn-sea[distributed]"' in err


def test_version(capsys):
    from sklearn_sea import __version__

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"sklearn-sea {__version__}"


BAD_OPTIONS = [
    (["deconvolution", "--k", "0"], "--k"),
    (["phase-transition", "--runs", "0"], "--runs"),
    (["phase-transition", "--runs", "-3"], "--runs"),
    (["phase-transition", "--rho-step", "0"], "--rho-step"),
    (["phase-transition", "--rho-max", "0"], "--rho-max"),
    (["phase-transition", "--rho-step", "0.5", "--rho-max", "0.2"], "--rho-max"),
    (["phase-transition", "--zetas", "nan"], "--zetas"),
    (["phase-transition", "--zetas", "0"], "--zetas"),
    (["phase-transition", "--zetas", "1.5"], "--zetas"),
    (["phase-transition", "--prune-below", "nan"], "--prune-below"),
    (["phase-transition", "--sea-max-iter", "0"], "--sea-max-iter"),
    (["deconvolution", "--n-jobs", "0"], "--n-jobs"),
    (["deconvolution", "--k", "600"], "--k"),
    (["demo", "--n-features", "10"], "--k"),
    (["deconvolution", "--width", "0"], "--width"),
    (["deconvolution", "--noise", "-1"], "--noise"),
    (["deconvolution", "--noise", "inf"], "--noise"),
    (["deconvolution", "--seed", "-1"], "--seed"),
    (["ste-sample-complexity", "--patch-sizes", "0"], "--patch-sizes"),
    (["ste-sample-complexity", "--exponents", "-1"], "--exponents"),
    (["ste-sample-complexity", "--max-iter", "0"], "--max-iter"),
    (["ste-recurrence", "--max-iter", "0"], "--max-iter"),
    (["ste-recurrence", "--n-samples", "0"], "--n-samples"),
    (["ste-recurrence", "--noise", "-0.5"], "--noise"),
    (["ste-recurrence", "--n-patches", "0"], "--n-patches"),
]


@pytest.mark.parametrize("argv, option", BAD_OPTIONS)
def test_every_option_is_range_checked_at_parse_time(tmp_path, capsys, argv, option):
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--out", str(tmp_path / "never")])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert f"error: argument {option}" in err and "Traceback" not in err
    assert not (tmp_path / "never").exists()


def test_adding_an_experiment_is_adding_a_spec(tmp_path, capsys, monkeypatch):
    from sklearn_sea.experiments import _registry
    from sklearn_sea.experiments._engine import map_tasks

    def run(settings, tables):
        squares = list(map_tasks(pow, [(i, 2) for i in range(settings["runs"])]))
        return tables.write(
            "squares", [{"i": i, "square": s} for i, s in enumerate(squares)]
        )

    spec = _registry.Experiment(
        name="squares",
        title="squares",
        help="squares of the run indices",
        quick={"runs": 3},
        paper={"runs": 30},
        add_options=lambda parser: None,
        run=run,
        summary=lambda rows, settings: [f"sum {sum(r['square'] for r in rows)}"],
        figures=lambda rows, settings: [],
        tables=("squares",),
        n_tasks=lambda settings: settings["runs"],
    )
    monkeypatch.setitem(_registry.EXPERIMENTS, "squares", spec)
    assert main(["squares", "--runs", "4", "--quiet", "--out", str(tmp_path)]) == 0
    assert "sum 14" in capsys.readouterr().out
    assert [row["square"] for row in read_results(tmp_path / "squares.csv")] == [
        0,
        1,
        4,
        9,
    ]

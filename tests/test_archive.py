"""Compact results of finished runs, figures re-drawn from them, coinciding curves."""

import gzip
import json
from pathlib import Path

import pytest

from sklearn_sea._cli import main
from sklearn_sea.experiments import IncompleteResultsError, deconvolution
from sklearn_sea.experiments._archive import (
    ArchiveError,
    archive_run,
    file_sha256,
    read_archive,
    render_archive,
)
from sklearn_sea.experiments._coincidence import (
    PROBLEM_KEYS,
    ResultDigests,
    coincidence_notes,
    same_curves,
    same_results,
)

PHASE = ["phase-transition", "--n-features", "30", "--zetas", "0.4", "0.8"]
PHASE += ["--rho-step", "0.2", "--rho-max", "0.6", "--runs", "3", "--n-jobs", "1"]
PHASE += ["--algorithms", "SEA", "OMP", "ELS", "--sea-max-iter", "30", "--quiet"]
DECONVOLUTION = ["deconvolution", "--n-features", "60", "--k", "2", "4", "--runs"]
DECONVOLUTION += ["2", "--sea-max-iter", "50", "--algorithms", "SEA", "OMPR", "OMP"]
DECONVOLUTION += ["--n-jobs", "1", "--quiet"]


@pytest.fixture(scope="module")
def phase_run(tmp_path_factory):
    pytest.importorskip("matplotlib")
    out = tmp_path_factory.mktemp("phase")
    assert main([*PHASE, "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def archived(phase_run, tmp_path_factory):
    to = tmp_path_factory.mktemp("archive")
    manifest = phase_run / "phase_transition.manifest.json"
    return archive_run(manifest, to, gzip_raw=True)


def _quiet(*args, **kwargs):
    pass


def test_the_archive_redraws_the_figure_of_the_run(phase_run, archived, tmp_path):
    archive = read_archive(archived)
    raw = phase_run / "phase_transition.csv"
    assert archive["raw"]["sha256"] == file_sha256(raw)
    assert archive["raw"]["rows"] == sum(1 for _ in open(raw)) - 1
    assert archive["manifest"]["status"] == "complete"
    assert archive["machine"]["cpu_count"] >= 1
    # The archive holds counts, not rows.
    assert len(archive["aggregate"]["rates"]) < archive["raw"]["rows"]
    # The figure drawn from the archive is the run's, byte for byte, and so
    # is the one drawn again from the archive alone, elsewhere, after the
    # compressed raw table is checked.
    run_figure = (phase_run / "phase_transition.png").read_bytes()
    assert (archived.parent / "phase_transition.png").read_bytes() == run_figure
    packed = archived.parent / "phase_transition.csv.gz"
    assert gzip.decompress(packed.read_bytes()) == raw.read_bytes()
    render_archive(archived, out=tmp_path, raw=packed, say=_quiet)
    assert (tmp_path / "phase_transition.png").read_bytes() == run_figure
    summary = (tmp_path / "phase_transition.summary.txt").read_text()
    assert archive["raw"]["sha256"] in summary
    assert "ranking (mean of the 95% curve)" in summary


def test_the_raw_table_is_checked_against_the_archive(phase_run, archived, tmp_path):
    raw = (phase_run / "phase_transition.csv").read_bytes()
    changed = tmp_path / "changed.csv"
    changed.write_bytes(raw[:-2] + (b"1\n" if raw[-2:-1] != b"1" else b"2\n"))
    with pytest.raises(ArchiveError, match="not the raw table of this archive"):
        render_archive(archived, raw=changed, out=tmp_path / "figures", say=_quiet)
    assert not (tmp_path / "figures" / "phase_transition.png").exists()


def test_cli_archive_and_render(phase_run, tmp_path, capsys):
    manifest = phase_run / "phase_transition.manifest.json"
    assert main(["archive", str(manifest), "--to", str(tmp_path)]) == 0
    assert "archive:" in capsys.readouterr().out
    archive = tmp_path / "phase_transition.results.json"
    argv = ["render", str(archive), "--out", str(tmp_path / "r")]
    assert main([*argv, "--raw", str(phase_run / "phase_transition.csv")]) == 0
    assert "ranking (mean of the 95% curve)" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "something else"}))
    assert main(["render", str(bad)]) == 1
    assert "not a sklearn-sea results archive" in capsys.readouterr().err


def test_unfinished_or_altered_runs_are_not_archived(phase_run, tmp_path):
    manifest = json.loads((phase_run / "phase_transition.manifest.json").read_text())
    run = tmp_path / "run"
    run.mkdir()
    rows = (phase_run / "phase_transition.csv").read_text().splitlines(True)
    (run / "phase_transition.csv").write_text("".join(rows[:-1]))
    (run / "phase_transition.manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IncompleteResultsError, match="changed or truncated"):
        archive_run(run / "phase_transition.manifest.json", tmp_path / "a")
    manifest["status"] = "interrupted"
    (run / "phase_transition.manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IncompleteResultsError, match="--resume"):
        archive_run(run / "phase_transition.manifest.json", tmp_path / "a")


def test_deconvolution_archive_marks_identical_algorithms(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    run = tmp_path / "run"
    assert main([*DECONVOLUTION, "--out", str(run)]) == 0
    printed = capsys.readouterr().out
    path = archive_run(run / "deconvolution.manifest.json", tmp_path / "a")
    for name in ("deconvolution.png", "deconvolution_example.png"):
        assert (tmp_path / "a" / name).read_bytes() == (run / name).read_bytes()
    # What the table says about OMPR and OMP follows their rows.
    rows = json.loads(path.read_text())["aggregate"]
    distances = {}
    for line in (run / "deconvolution.csv").read_text().splitlines()[1:]:
        name, *_, run_index, seed, distance, _, _ = line.split(",")
        distances.setdefault(name, []).append((seed, distance))
    identical = distances["OMPR"] == distances["OMP"]
    assert (rows["digests"]["OMPR"] == rows["digests"]["OMP"]) == identical
    assert ("(= OMPR on every problem)" in printed) == identical


def _rows(results):
    return [
        {
            "algorithm": name,
            "n_nonzero_coefs": 5,
            "run": run,
            "seed": run,
            "support_distance": distance,
        }
        for run, per_name in enumerate(results)
        for name, distance in per_name.items()
    ]


def test_identical_results_are_found_from_the_data():
    results = [{"A": 0, "B": 0, "C": 1}, {"A": 2, "B": 2, "C": 2}]
    digests = ResultDigests(PROBLEM_KEYS["deconvolution"])
    list(digests.watch(_rows(results)))
    assert same_results(digests.hexdigests()) == {"B": "A"}
    # One problem apart is enough to tell them apart.
    results[1]["B"] = 1
    digests = ResultDigests(PROBLEM_KEYS["deconvolution"])
    list(digests.watch(_rows(results)))
    assert same_results(digests.hexdigests()) == {}


def test_equal_results_on_other_problems_are_not_identical():
    rows = _rows([{"A": 0, "B": 0}])
    rows[1]["seed"] = 99  # B solved another problem
    digests = ResultDigests(PROBLEM_KEYS["deconvolution"])
    list(digests.watch(rows))
    assert same_results(digests.hexdigests()) == {}


def test_notes_prefer_identical_results_to_equal_curves():
    curves = {"A": [(1, 0.5)], "B": [(1, 0.5)], "C": [(1, 0.5)]}
    notes = coincidence_notes({"C": "A"}, same_curves(curves))
    assert notes == {"B": "same curve as A", "C": "= A on every problem"}


def test_ompr_and_omp_coincide_on_deconvolution_problems():
    # The observation the marks exist for, at a small size.
    rows = deconvolution(
        n_features=80, n_nonzero_coefs=[3, 6], n_runs=2, algorithms=["OMPR", "OMP"]
    )
    per_name = {}
    for row in rows:
        per_name.setdefault(row["algorithm"], []).append(row["support_distance"])
    assert per_name["OMPR"] == per_name["OMP"]
    digests = ResultDigests(PROBLEM_KEYS["deconvolution"])
    list(digests.watch(rows))
    assert same_results(digests.hexdigests()) == {"OMP": "OMPR"}


PAPER_RESULTS = Path(__file__).resolve().parents[1] / "doc" / "paper_results"


@pytest.mark.skipif(
    not PAPER_RESULTS.is_dir(), reason="the documentation's archives are not here"
)
@pytest.mark.parametrize(
    "archive", sorted(p.name for p in PAPER_RESULTS.glob("*.results.json"))
)
def test_committed_archives_render_to_their_committed_tables(archive, tmp_path):
    # The paper-size results in the documentation are read by the current
    # code, and give the table committed next to them.
    path = PAPER_RESULTS / archive
    stem = archive.removesuffix(".results.json")
    render_archive(path, out=tmp_path, say=lambda line: None)
    rendered = (tmp_path / f"{stem}.summary.txt").read_text()
    assert rendered == (PAPER_RESULTS / f"{stem}.summary.txt").read_text()

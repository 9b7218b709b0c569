"""SEA's iteration budget: the same problems for every T, and more T never hurts."""

import csv

import pytest

from sklearn_sea._cli import main
from sklearn_sea.experiments import iteration_budget

BUDGET = ["sea-iterations", "--n-features", "30", "--zetas", "0.5", "0.8"]
BUDGET += ["--rho-step", "0.2", "--rho-max", "0.6", "--runs", "3", "--n-jobs", "1"]
BUDGET += ["--sea-max-iter", "2", "200", "--prune-below", "0", "--quiet"]


def test_every_budget_solves_the_same_problems_and_more_never_hurts():
    rows = iteration_budget(
        budgets=[3, 300],
        n_features=30,
        zetas=[0.5],
        rhos=[0.2, 0.4],
        n_runs=3,
        prune_below=0,
    )
    outcome = {}
    for row in rows:
        problem = (row["algorithm"], row["n_nonzero_coefs"], row["run"], row["seed"])
        outcome.setdefault(problem, {})[row["sea_max_iter"]] = row["recovered"]
    assert {row["algorithm"] for row in rows} == {"SEA", "SEA-ELS"}
    assert len(outcome) == 2 * 2 * 3 and all(len(v) == 2 for v in outcome.values())
    # SEA with budget T explores the first T supports of the run with a
    # larger budget, and returns the best one: a larger T cannot lose one.
    assert all(by_budget[3] <= by_budget[300] for by_budget in outcome.values())
    assert sum(by_budget[300] for by_budget in outcome.values()) > sum(
        by_budget[3] for by_budget in outcome.values()
    )


def test_sea_iterations_command(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    assert main([*BUDGET, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    with open(tmp_path / "sea_iterations.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["sea_max_iter"] for row in rows} == {"2", "200"}
    assert {row["algorithm"] for row in rows} == {"SEA", "SEA-ELS"}
    assert (tmp_path / "sea_iterations.png").read_bytes().startswith(b"\x89PNG")
    header = next(line for line in out.splitlines() if line.startswith("algorithm"))
    assert header.split() == ["algorithm", "T=2", "T=200"]
    assert any(line.startswith("SEA-ELS, T=200") for line in out.splitlines())
    # Each T is scored on the same problems, and a larger T recovers no fewer.
    for name in ("SEA", "SEA-ELS"):
        line = next(
            line for line in out.splitlines() if line.startswith(f"{name} recovers")
        )
        counts = [
            int(part.split(" (T=")[0]) for part in line.split(": ")[1].split(", ")
        ]
        assert len(counts) == 2 and counts[0] <= counts[1]


def test_only_sea_variants_have_a_budget(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*BUDGET, "--algorithms", "SEA", "OMP"])
    assert exit_info.value.code == 2
    assert "--algorithms" in capsys.readouterr().err
    with pytest.raises(ValueError, match="subset of SEA, SEA-ELS, SEA-OMP"):
        iteration_budget(algorithms=["ELS"])

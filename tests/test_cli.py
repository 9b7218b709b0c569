import subprocess
import sys

from sklearn_sea._cli import main


def test_demo_prints_both_algorithms(capsys):
    assert main(["demo", "--n-features", "120", "--k", "6", "--runs", "2"]) == 0
    out = capsys.readouterr().out
    assert "n=120, k=6, 2 runs" in out
    rows = [line for line in out.splitlines() if line.startswith(("SEA", "OMP"))]
    assert len(rows) == 2
    for row in rows:
        distance = float(row.split()[-2])
        assert 0 <= distance <= 6


def test_module_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "sklearn_sea", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "demo" in result.stdout

"""Every gallery example runs (the documentation build runs them too)."""

import runpy
from pathlib import Path

import matplotlib
import pytest

EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("plot_*.py"))


def test_examples_exist():
    assert EXAMPLES, "the example gallery is empty"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(path, monkeypatch, tmp_path):
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    try:
        runpy.run_path(str(path), run_name="__main__")
    finally:
        plt.close("all")

"""The sweeps, resume and scikit-learn's joblib searches on a dask.distributed cluster.

The cluster is a LocalCluster of this process (threads), reached through its
scheduler address as a remote one would be.
"""

import csv

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")

from joblib import parallel_config  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402

from sklearn_sea import SEARegressor, SEARegressorCV  # noqa: E402
from sklearn_sea._cli import main  # noqa: E402
from sklearn_sea.datasets import make_compressed_sensing  # noqa: E402

PHASE = ["phase-transition", "--n-features", "30", "--zetas", "0.4", "0.8"]
PHASE += ["--rho-step", "0.2", "--rho-max", "0.6", "--runs", "3", "--quiet"]
PHASE += ["--algorithms", "SEA", "OMP", "ELS", "--sea-max-iter", "30"]


def _rows(path):
    with open(path, newline="") as handle:
        return [
            {k: v for k, v in row.items() if k != "fit_time"}
            for row in csv.DictReader(handle)
        ]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        dashboard_address=None,
    ) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def local_rows(tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    assert main([*PHASE, "--n-jobs", "1", "--out", str(out)]) == 0
    return _rows(out / "phase_transition.csv")


def test_a_sweep_on_a_cluster_gives_the_local_rows(tmp_path, cluster, local_rows):
    address = cluster.scheduler_address
    assert main([*PHASE, "--scheduler", address, "--out", str(tmp_path)]) == 0
    assert _rows(tmp_path / "phase_transition.csv") == local_rows
    # The tasks were the cluster's (joblib sends them in batches).
    ran = cluster.scheduler.task_prefixes
    assert any("_phase_transition_task" in prefix for prefix in ran)


def test_a_sweep_interrupted_here_resumes_on_a_cluster(
    tmp_path, cluster, local_rows, monkeypatch, capsys
):
    from sklearn_sea.experiments import _journal

    append = _journal.Journal.append

    def append_then_stop(self, key, result):
        append(self, key, result)
        if self.n_recorded == 4:
            raise KeyboardInterrupt

    argv = [*PHASE, "--n-jobs", "1", "--out", str(tmp_path)]
    monkeypatch.setattr(_journal.Journal, "append", append_then_stop)
    assert main(argv) == 130
    assert "interrupted by SIGINT: 4 of 18 tasks" in capsys.readouterr().err
    monkeypatch.setattr(_journal.Journal, "append", append)
    address = cluster.scheduler_address
    assert main([*argv, "--scheduler", address, "--resume"]) == 0
    assert _rows(tmp_path / "phase_transition.csv") == local_rows


def test_scikit_learn_searches_run_on_the_cluster(cluster):
    X, y, _ = make_compressed_sensing(40, 30, 3, noise=0.01, random_state=0)
    cv = SEARegressorCV(max_n_nonzero_coefs=6, cv=3, max_iter=30, n_jobs=2)
    grid = GridSearchCV(
        SEARegressor(max_iter=30), {"n_nonzero_coefs": [2, 3, 4]}, cv=3, n_jobs=2
    )
    local = (cv.fit(X, y).coef_.copy(), grid.fit(X, y).cv_results_["mean_test_score"])
    with distributed.Client(cluster), parallel_config(backend="dask"):
        remote = (cv.fit(X, y).coef_, grid.fit(X, y).cv_results_["mean_test_score"])
    np.testing.assert_allclose(remote[0], local[0])
    np.testing.assert_allclose(remote[1], local[1])

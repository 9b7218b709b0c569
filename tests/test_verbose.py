"""``verbose`` output of SEARegressor: what it prints, and that it changes nothing."""

import re

import numpy as np
import pytest

from sklearn_sea import SEARegressor
from sklearn_sea.datasets import make_spike_deconvolution

LINE = re.compile(
    r"\[SEARegressor\] iter +(\d+)/(\d+)  objective (\S+)  best (\S+)  "
    r"supports explored (\d+)"
)


def _data():
    X, y, _ = make_spike_deconvolution(120, 6, noise=0.05, random_state=0)
    return X, 3.0 * y


def test_silent_by_default(capsys):
    SEARegressor(6, max_iter=50).fit(*_data())
    assert capsys.readouterr().out == ""


def test_verbose_lines_report_the_loss_curve(capsys):
    X, y = _data()
    reg = SEARegressor(6, max_iter=200, verbose=1).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    progress = [LINE.fullmatch(line) for line in lines[:-1]]
    assert all(progress) and len(progress) == 10
    for match in progress:
        t, objective, best = int(match[1]), float(match[3]), float(match[4])
        assert objective == pytest.approx(reg.loss_curve_[t - 1], rel=1e-6)
        assert best == pytest.approx(reg.loss_curve_[:t].min(), rel=1e-6)
    assert int(progress[-1][5]) == reg.n_supports_explored_
    assert lines[-1] == (
        f"[SEARegressor] done: {reg.n_iter_} iterations, best objective "
        f"{reg.loss_curve_[reg.best_iter_]:.6e} at iteration {reg.best_iter_}, "
        f"{reg.n_supports_explored_} supports explored"
    )


def test_verbose_two_prints_every_iteration(capsys):
    reg = SEARegressor(6, max_iter=40, verbose=2).fit(*_data())
    lines = capsys.readouterr().out.splitlines()
    iterations = [int(LINE.fullmatch(line)[1]) for line in lines[:-1]]
    # Fast-forwarded repeats are reported once, at the end of the run.
    assert iterations == sorted(set(iterations)) and iterations[-1] == reg.n_iter_


def test_verbose_fit_is_the_same_fit(capsys):
    X, y = _data()
    quiet = SEARegressor(6, max_iter=200).fit(X, y)
    loud = SEARegressor(6, max_iter=200, verbose=1).fit(X, y)
    np.testing.assert_allclose(loud.loss_curve_, quiet.loss_curve_, rtol=1e-9)
    np.testing.assert_allclose(loud.coef_, quiet.coef_, rtol=1e-9, atol=1e-12)
    assert loud.best_iter_ == quiet.best_iter_


def test_bad_verbose_names_the_parameter():
    with pytest.raises(ValueError, match="'verbose' parameter"):
        SEARegressor(verbose="loud").fit(*_data())

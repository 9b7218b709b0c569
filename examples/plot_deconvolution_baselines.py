"""
===========================================
Spike deconvolution: SEA against baselines
===========================================

Spike deconvolution is a hard sparse-recovery problem: the design is the
matrix of a Gaussian blur, so the columns of neighbouring positions are
almost collinear, and nothing prevents two spikes from being close. The SEA
paper (Mohamed, Malgouyres, Emiya, Chaux, ICML 2024) reports that on such
problems SEA, especially when started from ELS, finds supports much closer
to the truth than greedy and thresholding algorithms and than the Lasso.

This example compares, on a few problems of 300 samples with 20 spikes,
the mean *support distance* (the number of true spikes missed by the
estimated support, :func:`~sklearn_sea.metrics.support_distance`) of
:class:`~sklearn_sea.SEARegressor` (from zero and started from
:class:`~sklearn_sea.ELSRegressor`), the baselines of this package and the
k largest coefficients of scikit-learn's :class:`~sklearn.linear_model.Lasso`.
It then shows one instance where spikes crowd together.
"""

# %%
# The estimators
# --------------
# Every estimator gets the true number of spikes k. The problems have no
# intercept, so none is fitted. The Lasso does not take a sparsity level:
# we walk down its regularisation path until at least k coefficients are
# nonzero and keep the k largest.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import lasso_path

from sklearn_sea import (
    CoSaMPRegressor,
    ELSRegressor,
    HTPRegressor,
    IHTRegressor,
    OMPRegressor,
    OMPRRegressor,
    SEARegressor,
    SPRegressor,
)
from sklearn_sea.datasets import make_spike_deconvolution
from sklearn_sea.metrics import support_distance

n_features, k = 300, 20


def lasso_top_k(X, y, k):
    """The k largest Lasso coefficients at the first alpha with k nonzeros."""
    alpha_max = np.abs(X.T @ y).max() / X.shape[0]
    _, coefs, _ = lasso_path(X, y, alphas=np.geomspace(alpha_max, 1e-3 * alpha_max, 60))
    reached = np.flatnonzero(np.count_nonzero(coefs, axis=0) >= k)
    coef = coefs[:, reached[0] if reached.size else -1]
    keep = np.argsort(-np.abs(coef))[:k]
    sparse = np.zeros_like(coef)
    sparse[keep] = coef[keep]
    return sparse


estimators = {
    "SEA": SEARegressor(k, fit_intercept=False),
    "SEA-ELS": SEARegressor(
        k, init=ELSRegressor(k, fit_intercept=False), fit_intercept=False
    ),
    "ELS": ELSRegressor(k, fit_intercept=False),
    "OMPR": OMPRRegressor(k, fit_intercept=False),
    "OMP": OMPRegressor(k, fit_intercept=False),
    "HTP": HTPRegressor(k, fit_intercept=False),
    "IHT": IHTRegressor(k, fit_intercept=False),
    "CoSaMP": CoSaMPRegressor(k, fit_intercept=False),
    "SP": SPRegressor(k, fit_intercept=False),
}


def fit_all(X, y):
    """Each algorithm's coefficient vector on one problem."""
    coefs = {}
    with warnings.catch_warnings():
        # An iteration cap reached is part of the comparison, not an error.
        warnings.simplefilter("ignore", ConvergenceWarning)
        for name, estimator in estimators.items():
            coefs[name] = estimator.fit(X, y).coef_
        coefs["Lasso"] = lasso_top_k(X, y, k)
    return coefs


# %%
# Mean support distance over a few problems
# -----------------------------------------
# Each seed draws a new spike train; all algorithms see the same problems.
# On these three problems SEA from zero misses the fewest spikes, ELS and SEA
# started from ELS come next, and the greedy and thresholding algorithms
# miss about half of them.
seeds = range(3)
distances = {}
results = []
for seed in seeds:
    X, y, coef = make_spike_deconvolution(n_features, k, width=3.0, random_state=seed)
    estimates = fit_all(X, y)
    results.append((y, coef, estimates))
    for name, estimate in estimates.items():
        distances.setdefault(name, []).append(support_distance(coef, estimate))

mean_distance = {name: np.mean(d) for name, d in distances.items()}
for name, d in distances.items():
    print(f"{name:>8}: support distances {d}, mean {mean_distance[name]:.1f}")

fig, ax = plt.subplots(figsize=(7, 3.5))
names = list(mean_distance)
colors = ["tab:red" if name.startswith("SEA") else "tab:gray" for name in names]
ax.bar(names, [mean_distance[name] for name in names], color=colors)
ax.set_ylabel(f"mean support distance (out of {k})")
ax.set_title(f"Spike deconvolution, n = {n_features}, k = {k}, {len(seeds)} seeds")
ax.tick_params(axis="x", rotation=45)
fig.tight_layout()

# %%
# One crowded instance
# --------------------
# On the first problem, zoom on the 80-sample window holding the most
# spikes, and draw the true spikes with the estimates of SEA, OMP and
# the Lasso. Close spikes blur into a single bump of the observation, which
# a greedy algorithm explains by one spike in the middle; exploring supports
# lets SEA separate them.
y, coef, estimates = results[0]
support = np.flatnonzero(coef)
window = 80
counts = [np.count_nonzero((support >= s) & (support < s + window)) for s in support]
start = max(int(support[np.argmax(counts)]) - 5, 0)
stop = min(start + window, n_features)
positions = np.arange(start, stop)

shown = ["SEA", "OMP", "Lasso"]
fig, axes = plt.subplots(len(shown), 1, figsize=(7, 6), sharex=True)
for ax, name in zip(axes, shown, strict=True):
    ax.plot(positions, y[start:stop], color="0.7", label="observation $y$")
    true = coef[start:stop] != 0
    ax.stem(
        positions[true],
        coef[start:stop][true],
        linefmt="k-",
        markerfmt="ko",
        basefmt=" ",
        label="true spikes",
    )
    found = estimates[name][start:stop] != 0
    ax.stem(
        positions[found],
        estimates[name][start:stop][found],
        linefmt="r--",
        markerfmt="rx",
        basefmt=" ",
        label="estimate",
    )
    ax.axhline(0, color="k", linewidth=0.5)
    ax.set_title(
        f"{name}: support distance {support_distance(coef, estimates[name])}",
        fontsize=10,
    )
axes[0].legend(loc="upper right", fontsize=8)
axes[-1].set_xlabel("position")
fig.tight_layout()
plt.show()

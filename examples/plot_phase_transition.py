"""
=====================================
Phase transition of support recovery
=====================================

A phase-transition diagram tells for which problem sizes an algorithm
recovers the support of a k-sparse vector from ``m`` noiseless random
measurements of its ``n`` coordinates. The sizes are summarised by the
undersampling ratio ``zeta = m / n`` and the sparsity ratio ``rho = k / m``;
at each ``zeta``, the *95% curve* is the largest ``rho`` at which the
algorithm recovers the exact support of at least 95% of the problems. The
higher the curve, the harder the problems the algorithm solves. The SEA
paper (Mohamed, Malgouyres, Emiya, Chaux, ICML 2024) draws these curves for
Gaussian designs with ``n = 500`` and 1000 problems per point, and finds
SEA's curve above those of the greedy and thresholding algorithms and of the
Lasso.

This example runs a miniature version with
:func:`~sklearn_sea.experiments.phase_transition` (``n = 60`` and six
problems per grid point, so that it runs in seconds; "at least 95%" then
means "all six"). The curves are therefore coarse and noisy; the command
line of the package runs the same sweep at the paper's sizes.
"""

# %%
# The sweep
# ---------
# Every algorithm solves the same Gaussian problems
# (:func:`~sklearn_sea.datasets.make_compressed_sensing`, unit-norm columns,
# nonzeros of magnitude between 1 and 2); ``"OMP"`` is scikit-learn's
# :class:`~sklearn.linear_model.OrthogonalMatchingPursuit`, the other names
# are this package's estimators. Recovery gets harder as ``rho``
# grows, so an algorithm that fails on more than half of the problems at some
# ``rho`` is not run at larger ``rho`` for that ``zeta``.
import matplotlib.pyplot as plt
import numpy as np

from sklearn_sea.experiments import phase_transition, success_rates, transition_curves

algorithms = ["SEA", "SEA-ELS", "OMP", "HTP", "Lasso"]
zetas = (0.2, 0.4, 0.6, 0.8, 1.0)
rhos = np.round(np.arange(0.05, 0.55, 0.05), 2)
rows = phase_transition(
    n_features=60,
    zetas=zetas,
    rhos=rhos,
    n_runs=6,
    algorithms=algorithms,
    sea_max_iter=300,
    random_state=0,
)
print(f"{len(rows)} fits")

# %%
# The 95% curves
# --------------
# :func:`~sklearn_sea.experiments.transition_curves` reads, for each
# algorithm and ``zeta``, the largest ``rho`` of the grid where the success
# rate reaches 95%.
curves = transition_curves(rows, level=0.95)
for name, curve in curves.items():
    mean_rho = np.mean([rho for _, rho in curve])
    print(f"{name:>8}: mean rho on the 95% curve = {mean_rho:.3f}")

fig, ax = plt.subplots(figsize=(6, 4))
for name, marker in zip(algorithms, "os^vD", strict=True):
    zeta, rho = np.array(curves[name]).T
    ax.plot(zeta, rho, marker=marker, label=name)
ax.set_xlabel(r"$\zeta = m / n$")
ax.set_ylabel(r"$\rho = k / m$")
ax.set_title("95% exact-recovery curves, n = 60")
ax.legend()
fig.tight_layout()

# %%
# Success rates along one column
# ------------------------------
# The curves are thresholds of success rates. At ``zeta = 0.6``
# (``m = 36``), the rate of each algorithm falls from 1 to 0 as ``k`` grows;
# the points missing on the right are those skipped once an algorithm
# failed on most problems.
rates = [rate for rate in success_rates(rows) if rate["zeta"] == 0.6]
fig, ax = plt.subplots(figsize=(6, 3.5))
for name, marker in zip(algorithms, "os^vD", strict=True):
    mine = [rate for rate in rates if rate["algorithm"] == name]
    ax.plot(
        [rate["rho"] for rate in mine],
        [rate["success_rate"] for rate in mine],
        marker=marker,
        label=name,
    )
ax.axhline(0.95, color="k", linestyle=":", linewidth=1)
ax.set_xlabel(r"$\rho = k / m$")
ax.set_ylabel("exact recovery rate")
ax.set_title(r"$\zeta = 0.6$")
ax.legend()
fig.tight_layout()
plt.show()

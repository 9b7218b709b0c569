"""
=======================================================
Binary Heaviside network: sample complexity, recurrence
=======================================================

:class:`~sklearn_sea.BinaryHeavisideRegressor` is a two-layer network
``f(Z; w) = sum_j v_j 1{Z_j . w > 0}`` whose first-layer weights ``w`` are
binary, in ``{+1/sqrt(n), -1/sqrt(n)}^n``. It is trained with the
straight-through estimator (STE): a continuous latent vector follows the
gradient taken at the binary point, with the zero derivative of the
Heaviside replaced by that of the ReLU, and is projected back by its signs,
the same latent-vector-and-projection shape as SEA.

The STE paper (Jeong, Xin, Yin) studies this network on data labelled by a
binary *teacher* with Gaussian inputs. It shows that with enough samples the
iterates reach the teacher's weights, with sufficient sample sizes of order
``n^2`` for *ergodic* convergence and ``n^4`` for *non-ergodic* convergence,
and that with label noise they keep leaving and returning to them
(*recurrence*). This example measures all three on small problems made by
:func:`~sklearn_sea.datasets.make_binary_teacher`, on the paper's two-layer
model: four patches per sample, second layer fixed to all ones.
"""

# %%
# One fit
# -------
# ``n = 16`` binary weights shared by four patches, trained on 128
# noiseless samples from a random start. Training stops when the STE
# gradient vanishes, which on noiseless data happens at the teacher.
import matplotlib.pyplot as plt
import numpy as np

from sklearn_sea import BinaryHeavisideRegressor
from sklearn_sea.datasets import make_binary_teacher
from sklearn_sea.experiments import ste_recovery_threshold, ste_sample_complexity

X, y, coef_true = make_binary_teacher(
    n_samples=128, patch_size=16, n_patches=4, random_state=0
)
reg = BinaryHeavisideRegressor(n_patches=4, random_state=0).fit(X, y)
hamming = reg.hamming_path(coef_true)
print(f"start: {hamming[0]} of 16 signs wrong; teacher reached: {hamming[-1] == 0}")
print(f"updates: {reg.n_iter_}, training loss {reg.loss_curve_[-1]:.3g}")

# %%
# How many samples?
# -----------------
# :func:`~sklearn_sea.experiments.ste_sample_complexity` fits the network
# from random starts on fresh teachers for a grid of sample sizes ``N``
# growing like powers of ``n`` and measures, on every run, the two notions
# of :func:`~sklearn_sea.experiments.convergence_notions` over the last half
# of the iteration budget: *ergodic* (the mean training loss there is the
# global minimum, zero) and *non-ergodic* (the iterate itself is the
# teacher there). :func:`~sklearn_sea.experiments.ste_recovery_threshold`
# reads off, per notion, the ``N`` from which at least half of the runs
# succeed, and the growth of that threshold in ``n``.
patch_sizes = [8, 16, 32]
table = ste_sample_complexity(
    patch_sizes=patch_sizes,
    exponents=np.arange(0.75, 2.01, 0.25),
    n_runs=10,
    estimator_params={"max_iter": 200},
    random_state=0,
)
outcome = {
    notion: ste_recovery_threshold(table, level=0.5, criterion=notion)
    for notion in ("ergodic", "non_ergodic")
}
for notion, (_, thresholds, exponent) in outcome.items():
    cells = ", ".join(
        f"n={n}: {t:.0f}"
        for n, t in zip(thresholds["patch_size"], thresholds["threshold"], strict=True)
    )
    print(f"{notion}: 50% from N = {cells}; grows like n^{exponent:.2f}")

# %%
# On these small sizes both thresholds grow more slowly than ``n^2``, which
# the paper's guarantees do not contradict: they are sufficient sample
# sizes, not necessary ones. On noiseless data the two notions almost
# coincide, because the teacher is a fixed point: reaching it is staying
# there. They differ only with very few samples, where other weights fit
# the training labels exactly (ergodic, not non-ergodic).

fig, ax = plt.subplots(figsize=(6, 3.5))
for index, n in enumerate(patch_sizes):
    for notion, linestyle in (("ergodic", "-"), ("non_ergodic", "--")):
        rates = outcome[notion][0]
        mine = rates["patch_size"] == n
        ax.semilogx(
            rates["n_samples"][mine],
            rates["success_rate"][mine],
            color=f"C{index}",
            linestyle=linestyle,
            marker="o",
            label=f"n = {n}" if notion == "ergodic" else None,
        )
ax.axhline(0.5, color="k", linestyle=":", linewidth=1)
ax.set_xlabel("number of samples N")
ax.set_ylabel("share of runs converged")
ax.set_title("solid: ergodic, dashed: non-ergodic; 10 runs per point")
ax.legend()
fig.tight_layout()

# %%
# Recurrence under label noise
# ----------------------------
# With noisy labels the STE gradient never vanishes, so the iterates keep
# moving. Once they have reached the teacher they do not settle there: they
# leave it, wander a few signs away and come back, again and again; the
# larger the noise, the less time they spend at the teacher.
# :meth:`~sklearn_sea.BinaryHeavisideRegressor.hamming_path` gives the
# distance of every iterate to the teacher, and
# :meth:`~sklearn_sea.BinaryHeavisideRegressor.recurrence_stats` counts the
# escapes and returns.
fig, axes = plt.subplots(2, 1, figsize=(6, 4.5), sharex=True)
for ax, noise in zip(axes, [0.2, 0.5], strict=True):
    X, y, coef_true = make_binary_teacher(
        n_samples=256, patch_size=16, n_patches=4, noise=noise, random_state=1
    )
    reg = BinaryHeavisideRegressor(4, max_iter=1000, random_state=1).fit(X, y)
    hamming = reg.hamming_path(coef_true)
    stats = reg.recurrence_stats(coef_true)
    print(
        f"noise {noise}: at the teacher {stats['share_at_teacher']:.0%} of the time, "
        f"{stats['n_escapes']} escapes, {stats['n_returns']} returns, "
        f"largest excursion {stats['max_hamming_after_hit']} signs"
    )
    ax.step(np.arange(hamming.shape[0]), hamming, where="post", linewidth=0.8)
    ax.set_ylabel("Hamming distance")
    ax.set_title(f"label noise std {noise} (first 300 of 1000 iterations)", fontsize=10)
    ax.set_xlim(0, 300)
axes[-1].set_xlabel("STE iteration")
fig.tight_layout()
plt.show()

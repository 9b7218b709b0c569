"""
===========
Quick start
===========

Fit :class:`~sklearn_sea.SEARegressor` on a noiseless compressed-sensing
problem, check that it recovers the true support, and look at how its
objective evolves while it explores supports.
"""

# %%
# A random Gaussian problem: 250 measurements of a 500-dimensional vector
# with 40 nonzeros.
import matplotlib.pyplot as plt
import numpy as np

from sklearn_sea import SEARegressor
from sklearn_sea.datasets import make_compressed_sensing
from sklearn_sea.metrics import support_distance

X, y, coef = make_compressed_sensing(
    n_samples=250, n_features=500, n_nonzero_coefs=40, random_state=0
)

# %%
# Fit SEA with the true sparsity level. It stops as soon as it finds a
# support that fits the data exactly.
reg = SEARegressor(n_nonzero_coefs=40, fit_intercept=False).fit(X, y)
print(f"support distance: {support_distance(coef, reg.coef_)}")
print(f"iterations: {reg.n_iter_}, best at iteration {reg.best_iter_}")
print(f"distinct supports explored: {reg.n_supports_explored_}")

# %%
# The objective is not monotone: SEA moves through supports, and keeps the
# best one it has seen.
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.semilogy(reg.loss_curve_ + np.finfo(float).tiny, marker=".")
ax.axvline(reg.best_iter_, color="k", linestyle=":", label="best iteration")
ax.set_xlabel("iteration")
ax.set_ylabel(r"$\frac{1}{2}\|Ax_t - y\|^2$")
ax.legend()
fig.tight_layout()
plt.show()

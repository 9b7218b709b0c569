"""
==================================
Choosing k by cross-validation
==================================

:class:`~sklearn_sea.SEARegressor` needs the number of nonzero coefficients
``k``. When it is unknown, it is a hyper-parameter like any other and can be
chosen by cross-validation. This example shows two ways on a problem where
the true ``k`` is known:

- the generic one, :class:`~sklearn.model_selection.GridSearchCV` over
  ``n_nonzero_coefs`` in a pipeline, which fits SEA from scratch for every
  ``k`` and fold;
- :class:`~sklearn_sea.SEARegressorCV`, which runs one path
  ``k = 1, 2, ...`` per fold, each ``k`` warm-started from the solution for
  ``k - 1``, and refits the ``k`` with the smallest mean held-out error.

Below the true ``k`` the held-out error drops quickly, since each new
feature explains part of the signal; above it, the extra features only fit
noise and the error creeps up again.
"""

# %%
# A noisy sparse problem
# ----------------------
# 100 noisy measurements of a 200-dimensional vector with 6 nonzeros.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_sea import SEARegressor, SEARegressorCV
from sklearn_sea.datasets import make_compressed_sensing

X, y, coef = make_compressed_sensing(
    n_samples=100, n_features=200, n_nonzero_coefs=6, noise=0.1, random_state=0
)
true_k = np.count_nonzero(coef)
cv = KFold(5, shuffle=True, random_state=0)
ks = np.arange(1, 13)

# %%
# Grid search over k
# ------------------
search = GridSearchCV(
    Pipeline([("scaler", StandardScaler()), ("searegressor", SEARegressor())]),
    {"searegressor__n_nonzero_coefs": ks},
    cv=cv,
    scoring="neg_mean_squared_error",
).fit(X, y)
grid_k = search.best_params_["searegressor__n_nonzero_coefs"]
grid_mse = -search.cv_results_["mean_test_score"]
print(f"true k = {true_k}; GridSearchCV chooses k = {grid_k}")

# %%
# SEARegressorCV
# --------------
# The same folds; ``cv_results_`` holds the mean held-out error of every k
# and ``mse_path_`` the error of every k and fold.
reg = SEARegressorCV(max_n_nonzero_coefs=ks[-1], cv=cv).fit(X, y)
print(f"SEARegressorCV chooses k = {reg.n_nonzero_coefs_}")
found = np.flatnonzero(reg.coef_)
print(
    f"refitted support {found.tolist()}, true support {np.flatnonzero(coef).tolist()}"
)

# %%
# The cross-validation curves
# ---------------------------
# Thin lines are the folds of :class:`~sklearn_sea.SEARegressorCV`. Both
# curves have their minimum at the true k; they differ slightly above it,
# where the warm-started path and the runs from scratch reach different
# supports.
fig, ax = plt.subplots(figsize=(6, 4))
ax.semilogy(ks, reg.mse_path_, color="tab:blue", alpha=0.25, linewidth=1)
ax.semilogy(
    reg.cv_results_["n_nonzero_coefs"],
    reg.cv_results_["mean_test_mse"],
    color="tab:blue",
    marker="o",
    label="SEARegressorCV (mean over folds)",
)
ax.semilogy(ks, grid_mse, color="tab:orange", marker="s", label="GridSearchCV")
ax.axvline(true_k, color="k", linestyle=":", label=f"true k = {true_k}")
ax.plot(
    reg.n_nonzero_coefs_,
    reg.cv_results_["mean_test_mse"][reg.n_nonzero_coefs_ - 1],
    "r*",
    markersize=15,
    label="chosen k",
)
ax.set_xlabel("k (n_nonzero_coefs)")
ax.set_ylabel("held-out mean squared error")
ax.set_xticks(ks)
ax.legend()
fig.tight_layout()
plt.show()

"""
=====================================================
One k per equation: identifying a dynamical system
=====================================================

Sparse identification of a dynamical system regresses the time derivative
of every state variable on a library of candidate terms; each equation is
one target of a multi-output regression, and each needs its own number of
terms. The Lorenz system

.. math::

    \\dot x = \\sigma (y - x), \\qquad
    \\dot y = \\rho x - x z - y, \\qquad
    \\dot z = x y - \\beta z

has 2, 3 and 2 terms out of the 10 monomials of degree at most 2 in
``(x, y, z)``.

- ``n_nonzero_coefs`` takes one k per target: ``[2, 3, 2]``;
- :class:`~sklearn_sea.SEARegressorCV` chooses k per target by default;
  with noisy derivatives its ``k_rule="one_se"`` (the smallest k within one
  standard error of the best held-out error) keeps spurious terms out.
"""

# %%
# Data: a Lorenz trajectory and a polynomial library
# --------------------------------------------------
# Derivatives are measured with noise of standard deviation 0.5.
import matplotlib.pyplot as plt
import numpy as np
from scipy.integrate import solve_ivp
from sklearn.preprocessing import PolynomialFeatures

from sklearn_sea import ELSRegressor, SEARegressor, SEARegressorCV

SIGMA, RHO, BETA = 10.0, 28.0, 8.0 / 3.0


def lorenz(t, state):
    x, y, z = state
    return [SIGMA * (y - x), x * (RHO - z) - y, x * y - BETA * z]


times = np.linspace(0, 10, 400)
states = solve_ivp(
    lorenz, (0, 10), [-8.0, 8.0, 27.0], t_eval=times, rtol=1e-10, atol=1e-10
).y.T
rng = np.random.default_rng(0)
derivatives = np.array([lorenz(0, s) for s in states])
derivatives += 0.5 * rng.standard_normal(derivatives.shape)

library = PolynomialFeatures(degree=2)
terms = library.fit_transform(states)
names = library.get_feature_names_out(["x", "y", "z"])
true_k = np.array([2, 3, 2])
print(f"{terms.shape[1]} candidate terms: {', '.join(names)}")


def equations(coef):
    for lhs, row in zip(["dx/dt", "dy/dt", "dz/dt"], coef, strict=True):
        rhs = " + ".join(f"{c:.3g} {n}" for c, n in zip(row, names, strict=True) if c)
        print(f"  {lhs} = {rhs}")


def n_spurious(coef):
    return int(np.sum(np.count_nonzero(coef, axis=1) - true_k))


# %%
# One k for every equation, or one per equation
# ---------------------------------------------
# With a single k the three equations must all take 3 terms; the constant
# term is part of the library, so no intercept is fitted.
shared = SEARegressor(n_nonzero_coefs=3, fit_intercept=False).fit(terms, derivatives)
print(f"k = 3 for all: {n_spurious(shared.coef_)} spurious terms")
equations(shared.coef_)

per_target = SEARegressor(n_nonzero_coefs=true_k, fit_intercept=False)
per_target.fit(terms, derivatives)
print(f"k = {true_k.tolist()}: {n_spurious(per_target.coef_)} spurious terms")
equations(per_target.coef_)

# %%
# No term is spurious any more, but the first equation is wrong: along the
# attractor ``x`` and ``y`` are strongly correlated, and SEA started from
# zero with k = 2 cycles among a few supports (see ``n_supports_explored_``)
# without visiting ``{x, y}``. Started from a better point it finds it, and
# it never ends worse than its start: here from exhaustive local search
# (every k-sparse estimator takes one k per target).
print(f"supports explored from zero: {per_target.n_supports_explored_.tolist()}")
els = ELSRegressor(n_nonzero_coefs=true_k, fit_intercept=False)
warm = SEARegressor(n_nonzero_coefs=true_k, fit_intercept=False, init=els)
warm.fit(terms, derivatives)
print(f"k = {true_k.tolist()}, started from ELS: {n_spurious(warm.coef_)} spurious")
equations(warm.coef_)

# %%
# Choosing k per equation by cross-validation
# -------------------------------------------
# The cross-validated path starts each k from the solution for k - 1 plus
# the best new term, which also reaches ``{x, y}``.
cv_shared = SEARegressorCV(fit_intercept=False, k_selection="shared")
cv_min = SEARegressorCV(fit_intercept=False)
cv_one_se = SEARegressorCV(fit_intercept=False, k_rule="one_se")
for label, reg in [
    ("one k for all", cv_shared),
    ("per target, min", cv_min),
    ("per target, one_se", cv_one_se),
]:
    reg.fit(terms, derivatives)
    print(
        f"{label:>20}: k = {np.broadcast_to(reg.n_nonzero_coefs_, 3).tolist()}, "
        f"{n_spurious(reg.coef_)} spurious terms"
    )
equations(cv_one_se.coef_)

# %%
# The held-out error of each equation
# -----------------------------------
# ``target_mse_path_`` holds the error of every k, fold and target. Past the
# true k the curves are flat within their fold-to-fold spread: the minimum
# may land on a larger k by chance, the one-standard-error rule does not.
ks = cv_one_se.cv_results_["n_nonzero_coefs"]
fig, axes = plt.subplots(1, 3, figsize=(10, 3), sharey=False)
for t, ax in enumerate(axes):
    path = cv_one_se.target_mse_path_[:, :, t]
    mean = path.mean(axis=1)
    error = path.std(axis=1) / np.sqrt(path.shape[1])
    ax.errorbar(ks, mean, yerr=error, marker="o")
    ax.axvline(true_k[t], color="k", linestyle=":", label="true k")
    ax.set_yscale("log")
    ax.set_title(["dx/dt", "dy/dt", "dz/dt"][t])
    ax.set_xlabel("k")
axes[0].set_ylabel("held-out MSE")
axes[0].legend()
fig.tight_layout()
plt.show()

"""
==========================================
Sparse classification: SEA against L1
==========================================

To classify with a few features, the common tool is an L1-penalised
:class:`~sklearn.linear_model.LogisticRegression`, with ``C`` tuned until k
features are left. On correlated features the L1 penalty tends to pick a
neighbour of a useful feature, or several of them. :class:`~sklearn_sea.SEAClassifier`
asks for k features directly and searches supports by the Support
Exploration Algorithm, with the logistic model fitted on each; the greedy
:class:`~sklearn_sea.OMPClassifier` and the hard-thresholding
:class:`~sklearn_sea.HTPClassifier` search the same model's supports
differently.

Two problems: a logistic teacher on strongly correlated features, where the
true support is known, and the digits, where a multinomial model must share
a few pixels between the ten classes.
"""

# %%
# A logistic teacher on correlated features
# -----------------------------------------
# 100 features, each the previous one times 0.9 plus noise (an AR(0.9)
# sequence), 8 of them in the teacher with coefficients of magnitude 1 to 2;
# 600 training samples, 2000 held out. The L1 model is the first on a grid
# of ``C`` with k features, its k largest coefficients refitted.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklearn_sea import HTPClassifier, OMPClassifier, SEAClassifier
from sklearn_sea.metrics import support_distance

rng = np.random.default_rng(2)
n_train, n_test, n_features, k, rho = 600, 2000, 100, 8, 0.9
X = np.empty((n_train + n_test, n_features))
X[:, 0] = rng.standard_normal(n_train + n_test)
for j in range(1, n_features):
    X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * rng.standard_normal(len(X))
true_coef = np.zeros(n_features)
true_support = np.sort(rng.choice(n_features, k, replace=False))
true_coef[true_support] = rng.choice([-1, 1], k) * rng.uniform(1, 2, k)
y = (rng.uniform(size=len(X)) < 1 / (1 + np.exp(-X @ true_coef))).astype(int)
X, X_test, y, y_test = X[:n_train], X[n_train:], y[:n_train], y[n_train:]


def l1_top_k(X, y, k, solver="liblinear"):
    """The k largest coefficients of the first L1 model (on a C grid) with k features."""
    for C in np.logspace(-2.5, 0.5, 30):
        l1 = LogisticRegression(l1_ratio=1.0, C=C, solver=solver, tol=1e-3)
        l1.fit(X, y)
        magnitude = np.linalg.norm(l1.coef_, axis=0)
        if np.count_nonzero(magnitude) >= k:
            return np.sort(np.argsort(-magnitude)[:k])
    raise RuntimeError("no C of the grid keeps k features")


supports = {"L1 (top k)": l1_top_k(X, y, k)}
for model in (OMPClassifier(k), HTPClassifier(k), SEAClassifier(k)):
    model.fit(X, y)
    supports[type(model).__name__] = np.flatnonzero(model.coef_[0])

print("method          missed features  held-out accuracy")
for name, support in supports.items():
    estimated = np.zeros(n_features)
    estimated[support] = 1.0
    # Each support refitted by the same (L2-penalised) logistic model.
    refit = LogisticRegression().fit(X[:, support], y)
    accuracy = refit.score(X_test[:, support], y_test)
    missed = support_distance(true_coef, estimated)
    print(f"{name:>15}  {missed:15d}  {accuracy:17.3f}")

# %%
# The support distance counts the teacher's features a method missed. With
# such correlations a missed feature is usually replaced by a neighbour,
# which predicts nearly as well: the held-out accuracies differ less than the
# supports. The figure shows where each method's features fall.
fig, ax = plt.subplots(figsize=(7, 2.6))
for row, support in enumerate(supports.values()):
    hit = np.isin(support, true_support)
    ax.scatter(support[hit], np.full(hit.sum(), row), color="tab:green", marker="o")
    ax.scatter(support[~hit], np.full((~hit).sum(), row), color="tab:red", marker="x")
for j in true_support:
    ax.axvline(j, color="0.85", zorder=0)
ax.set_yticks(range(len(supports)), list(supports))
ax.set_ylim(-0.5, len(supports) - 0.5)
ax.set_xlabel("feature index (grey: the teacher's; red crosses: misses)")
ax.set_title(f"k = {k} features chosen among {n_features} AR({rho}) features")
fig.tight_layout()

# %%
# The pixels of the digits
# ------------------------
# 8 x 8 images of the ten digits, standardised. A multinomial L1 model
# zeroes coefficients class by class; SEA's model uses one set of k pixels
# for all ten classes (``coef_`` has k nonzero columns). Each is shown as the
# chosen pixels over the average digit.
digits_X, digits_y = load_digits(return_X_y=True)
X, X_test, y, y_test = train_test_split(
    digits_X, digits_y, test_size=0.3, random_state=0, stratify=digits_y
)
scaler = StandardScaler().fit(X)
X, X_test = scaler.transform(X), scaler.transform(X_test)
k = 10
# Few iterations keep the example quick; more explore more supports.
sea = SEAClassifier(k, max_iter=40).fit(X, y)
pixels = {
    "L1 multinomial (top k)": l1_top_k(X, y, k, solver="saga"),
    "SEAClassifier": np.flatnonzero(np.any(sea.coef_ != 0, axis=0)),
}
fig, axes = plt.subplots(1, 2, figsize=(6, 3.4))
for ax, (name, chosen) in zip(axes, pixels.items(), strict=True):
    refit = LogisticRegression(max_iter=1000).fit(X[:, chosen], y)
    accuracy = refit.score(X_test[:, chosen], y_test)
    print(f"{name}: held-out accuracy with {k} pixels {accuracy:.3f}")
    mask = np.zeros(64)
    mask[chosen] = 1
    ax.imshow(digits_X.mean(axis=0).reshape(8, 8), cmap="gray_r")
    ax.imshow(np.ma.masked_equal(mask.reshape(8, 8), 0), cmap="autumn", alpha=0.8)
    ax.set_title(f"{name}\naccuracy {accuracy:.3f}", fontsize=9)
    ax.set_axis_off()
fig.suptitle(f"{k} pixels for ten classes")
fig.tight_layout()
plt.show()

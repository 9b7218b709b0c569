"""SEAClassifier against L1-penalised LogisticRegression, side by side.

Binary logistic teacher (k=10 of 500 AR(rho) features, 400 training and
2000 held-out samples): support distance (features of the teacher missed)
and held-out accuracy of SEA and of the top-k of the first L1 path model
with k nonzeros, refitted on its support; fit times in the same process.
Digits (standardised, 70/30 split): multinomial SEA on one shared support
of 26 pixels against the 26 pixels of L1 multinomial, refitted.

Run: ``python benchmarks/classification.py [--problems 4]``.
"""

import argparse
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklearn_sea import SEAClassifier

K, N_TRAIN, N_TEST, N_FEATURES = 10, 400, 2000, 500


def teacher_problem(rho, seed):
    rng = np.random.default_rng(seed)
    n = N_TRAIN + N_TEST
    X = np.empty((n, N_FEATURES))
    X[:, 0] = rng.standard_normal(n)
    innovation = np.sqrt(1 - rho**2)
    for j in range(1, N_FEATURES):
        X[:, j] = rho * X[:, j - 1] + innovation * rng.standard_normal(n)
    support = np.sort(rng.choice(N_FEATURES, K, replace=False))
    coef = np.zeros(N_FEATURES)
    coef[support] = rng.choice([-1.0, 1.0], K) * rng.uniform(0.5, 1.5, K)
    z = X @ coef
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-z))).astype(int)
    return X[:N_TRAIN], y[:N_TRAIN], X[N_TRAIN:], y[N_TRAIN:], support


def l1_with_k(X, y, k, multinomial=False):
    """The first C on a log grid whose L1 model has at least k features, timed."""
    solver = "saga" if multinomial else "liblinear"
    for C in np.logspace(-3, 1, 60):
        model = LogisticRegression(l1_ratio=1.0, C=C, solver=solver, max_iter=2000)
        start = time.perf_counter()
        model.fit(X, y)
        seconds = time.perf_counter() - start
        used = np.flatnonzero(np.any(model.coef_ != 0, axis=0))
        if used.shape[0] >= k:
            magnitude = np.linalg.norm(model.coef_, axis=0)
            return np.sort(np.argsort(-magnitude)[:k]), seconds
    raise RuntimeError("no C gave k features")


def refit_accuracy(X, y, X_test, y_test, support):
    model = LogisticRegression(max_iter=2000).fit(X[:, support], y)
    return model.score(X_test[:, support], y_test)


def binary_table(n_problems):
    print("rho  method  support_distance  accuracy  fit_seconds")
    for rho in (0.0, 0.7, 0.9):
        rows = {"SEA": [], "L1": []}
        for seed in range(n_problems):
            X, y, X_test, y_test, true = teacher_problem(rho, seed)
            start = time.perf_counter()
            sea = SEAClassifier(K).fit(X, y)
            sea_seconds = time.perf_counter() - start
            found = np.flatnonzero(sea.coef_[0])
            l1, l1_seconds = l1_with_k(X, y, K)
            for name, support, seconds in (
                ("SEA", found, sea_seconds),
                ("L1", l1, l1_seconds),
            ):
                distance = K - np.intersect1d(support, true).shape[0]
                accuracy = refit_accuracy(X, y, X_test, y_test, support)
                rows[name].append((distance, accuracy, seconds))
        for name, values in rows.items():
            d, a, s = np.mean(values, axis=0)
            print(f"{rho:.1f}  {name:6s}  {d:16.2f}  {a:8.3f}  {s:11.3f}")
        ratio = np.mean([r[2] for r in rows["SEA"]]) / np.mean(
            [r[2] for r in rows["L1"]]
        )
        print(f"     fit time ratio SEA / L1 (the C giving k): {ratio:.1f}")


def digits():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=0, stratify=y
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    start = time.perf_counter()
    sea = SEAClassifier(26).fit(X_train, y_train)
    sea_seconds = time.perf_counter() - start
    l1, l1_seconds = l1_with_k(X_train, y_train, 26, multinomial=True)
    print("digits  method  accuracy  fit_seconds")
    print(f"        SEA     {sea.score(X_test, y_test):8.3f}  {sea_seconds:11.3f}")
    accuracy = refit_accuracy(X_train, y_train, X_test, y_test, l1)
    print(f"        L1      {accuracy:8.3f}  {l1_seconds:11.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--problems", type=int, default=4)
    parser.add_argument("--skip-digits", action="store_true")
    args = parser.parse_args()
    binary_table(args.problems)
    if not args.skip_digits:
        digits()

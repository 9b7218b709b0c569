"""SEAClassifier against L1-penalised LogisticRegression, side by side.

Binary logistic teacher (k=10 of 500 AR(rho) features, 400 training and
2000 held-out samples, seeds 0 to ``--problems - 1``): support distance
(features of the teacher missed) and held-out accuracy of a
LogisticRegression refitted on each support, for SEA, for the
classification baselines (OMPClassifier: greedy selection by gradient;
HTPClassifier: GraHTP) and for the top-k of the first L1 model with k
nonzeros on a log grid of C; the k-sparse classifiers' own held-out
accuracy too. Fit times in the same process: SEA against the single L1 fit
at the C giving k (liblinear), and their ratio.
Digits (standardised, 70/30 stratified split): multinomial SEA on one
shared support of 26 pixels against the 26 pixels of L1 multinomial (saga),
refitted, with the fit times.

``--compare-python`` fits SEA a second time with the pure-Python support
solves (the compiled ones switched off) in the same process: both fit times,
their ratios to L1's, and whether the two found the same support at the same
iteration.

``--repeats R`` (default 3) fits SEA and L1 R times in turn on every binary
problem and keeps each one's fastest fit: on a shared machine a single
timing moved by 30%. ``--digits-repeats`` (default 3) does the same for the
digits.

Run: ``python benchmarks/classification.py [--problems 4] [--skip-digits]
[--compare-python] [--repeats 3]`` (``OPENBLAS_NUM_THREADS=1`` for
single-threaded figures).
"""

import argparse
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklearn_sea import HTPClassifier, OMPClassifier, SEAClassifier
from sklearn_sea._core import _accelerator
from sklearn_sea.experiments._options import integer, real

K, N_TRAIN, N_TEST, N_FEATURES = 10, 400, 2000, 500
DIGITS_K = 26


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


def l1_model(C, multinomial):
    solver = "saga" if multinomial else "liblinear"
    return LogisticRegression(l1_ratio=1.0, C=C, solver=solver, max_iter=2000)


def l1_with_k(X, y, k, multinomial=False):
    """The first C on a log grid whose L1 model has at least k features.

    Returns the top-k features of that model (by the norm of their
    coefficients across classes) and the C.
    """
    for C in np.logspace(-3, 1, 60):
        model = l1_model(C, multinomial).fit(X, y)
        used = np.flatnonzero(np.any(model.coef_ != 0, axis=0))
        if used.shape[0] >= k:
            magnitude = np.linalg.norm(model.coef_, axis=0)
            return np.sort(np.argsort(-magnitude)[:k]), C
    raise RuntimeError("no C gave k features")


def found_of(model):
    return np.flatnonzero(model.coef_[0])


def timed_fit(model, X, y):
    start = time.perf_counter()
    model.fit(X, y)
    return model, time.perf_counter() - start


def side_by_side(models, X, y, repeats):
    """Fit every model ``repeats`` times, in turn; each one's fastest fit.

    Alternating the fits spreads the machine's slow spells over all the
    models; the minimum is the least disturbed run.
    """
    seconds = [np.inf] * len(models)
    for _ in range(repeats):
        for i, model in enumerate(models):
            seconds[i] = min(seconds[i], timed_fit(model, X, y)[1])
    return seconds


def refit_accuracy(X, y, X_test, y_test, support):
    model = LogisticRegression(max_iter=2000).fit(X[:, support], y)
    return model.score(X_test[:, support], y_test)


def python_fit(params, X, y):
    """SEA with the compiled kernels switched off."""
    compiled = _accelerator.USE_COMPILED
    _accelerator.USE_COMPILED = False
    try:
        return timed_fit(SEAClassifier(K, **params), X, y)
    finally:
        _accelerator.USE_COMPILED = compiled


def binary_table(n_problems, sea_params, compare_python=False, repeats=3):
    print("rho  method  support_distance  refit_accuracy  own_accuracy  fit_seconds")
    for rho in (0.0, 0.7, 0.9):
        rows = {"SEA": [], "OMP": [], "HTP": [], "L1": []}
        python_seconds, same = [], []
        for seed in range(n_problems):
            X, y, X_test, y_test, true = teacher_problem(rho, seed)
            support, C = l1_with_k(X, y, K)
            # Side by side: SEA and the single L1 fit at the C giving k.
            sea, l1 = SEAClassifier(K, **sea_params), l1_model(C, False)
            sea_seconds, l1_seconds = side_by_side([sea, l1], X, y, repeats)
            omp, omp_seconds = timed_fit(OMPClassifier(K, **sea_params), X, y)
            htp, htp_seconds = timed_fit(HTPClassifier(K, **sea_params), X, y)
            if compare_python:
                python, seconds = python_fit(sea_params, X, y)
                python_seconds.append(seconds)
                same.append(
                    np.array_equal(np.flatnonzero(python.coef_[0]), found_of(sea))
                    and python.best_iter_ == sea.best_iter_
                )
            for name, chosen, model, seconds in (
                ("SEA", np.flatnonzero(sea.coef_[0]), sea, sea_seconds),
                ("OMP", np.flatnonzero(omp.coef_[0]), omp, omp_seconds),
                ("HTP", np.flatnonzero(htp.coef_[0]), htp, htp_seconds),
                ("L1", support, l1, l1_seconds),
            ):
                distance = K - np.intersect1d(chosen, true).shape[0]
                accuracy = refit_accuracy(X, y, X_test, y_test, chosen)
                own = model.score(X_test, y_test)
                rows[name].append((distance, accuracy, own, seconds))
        for name, values in rows.items():
            d, a, o, s = np.mean(values, axis=0)
            print(f"{rho:.1f}  {name:6s}  {d:16.2f}  {a:14.3f}  {o:12.3f}  {s:11.3f}")
        ratio = np.mean([r[3] for r in rows["SEA"]]) / np.mean(
            [r[3] for r in rows["L1"]]
        )
        print(f"     fit time ratio SEA / L1 (the C giving k): {ratio:.1f}")
        if compare_python:
            l1_mean = np.mean([r[3] for r in rows["L1"]])
            print(
                f"     Python solves: {np.mean(python_seconds):.3f} s, ratio to L1 "
                f"{np.mean(python_seconds) / l1_mean:.1f}; compiled / Python "
                f"{np.mean([r[3] for r in rows['SEA']]) / np.mean(python_seconds):.2f}; "
                f"same support and best iteration: {sum(same)}/{len(same)}"
            )


def digits(sea_params, repeats=1):
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=0, stratify=y
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    support, C = l1_with_k(X_train, y_train, DIGITS_K, multinomial=True)
    sea = SEAClassifier(DIGITS_K, **sea_params)
    sea_seconds, l1_seconds = side_by_side(
        [sea, l1_model(C, True)], X_train, y_train, repeats
    )
    print("digits  method  accuracy  fit_seconds")
    print(f"        SEA     {sea.score(X_test, y_test):8.3f}  {sea_seconds:11.3f}")
    for name, cls in (("OMP", OMPClassifier), ("HTP", HTPClassifier)):
        model, seconds = timed_fit(cls(DIGITS_K, **sea_params), X_train, y_train)
        print(f"        {name}     {model.score(X_test, y_test):8.3f}  {seconds:11.3f}")
    accuracy = refit_accuracy(X_train, y_train, X_test, y_test, support)
    print(f"        L1      {accuracy:8.3f}  {l1_seconds:11.3f}  (26 pixels refitted)")
    print(
        f"        SEA: {sea.n_supports_explored_} supports solved in "
        f"{sea.n_iter_} iterations; fit time ratio SEA / L1: "
        f"{sea_seconds / l1_seconds:.1f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--problems", type=integer(1), default=4)
    parser.add_argument("--skip-digits", action="store_true")
    parser.add_argument("--skip-binary", action="store_true")
    parser.add_argument(
        "--C",
        type=real(0, low_open=True),
        default=None,
        help="C of the k-sparse classifiers",
    )
    parser.add_argument("--compare-python", action="store_true")
    parser.add_argument(
        "--repeats",
        type=integer(1),
        default=3,
        help="alternated fits of SEA and L1 per binary problem, each timed at its "
        "fastest",
    )
    parser.add_argument(
        "--digits-repeats",
        type=integer(1),
        default=3,
        help="the same for the digits",
    )
    args = parser.parse_args()
    params = {} if args.C is None else {"C": args.C}
    if not args.skip_binary:
        binary_table(args.problems, params, args.compare_python, args.repeats)
    if not args.skip_digits:
        digits(params, args.digits_repeats)

"""Tests of the binary Heaviside network trained by STE with projection."""

import re
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_sea import BinaryHeavisideRegressor
from sklearn_sea._binary_network import (
    _as_patches,
    _hamming_path,
    _pack_signs,
    _project,
    _recurrence_stats,
    _share_out_of_reach,
    _ste_gradient,
    _step_size,
    _train_binary_ste,
    _unpack_signs,
)
from sklearn_sea.datasets import make_binary_teacher

# --- reference implementation: the algorithm as written, one sample at a time


def reference_network(Z, w, v):
    return sum(v[j] * float(Z[j] @ w > 0) for j in range(Z.shape[0]))


def reference_gradient(X, y, w, v, surrogate, clip_level, weights):
    n = w.shape[0]
    grad = np.zeros(n)
    for x_i, y_i, s_i in zip(X, y, weights, strict=True):
        Z = x_i.reshape(-1, n)
        residual = reference_network(Z, w, v) - y_i
        for j in range(Z.shape[0]):
            t = Z[j] @ w
            slope = {
                "relu": float(t > 0),
                "identity": 1.0,
                "clipped_relu": float(0 < t < clip_level),
            }[surrogate]
            grad += s_i * Z[j] * slope * v[j] * residual
    return grad / weights.sum()


def reference_train(X, y, v, u0, eta0, power_t, max_iter, surrogate="relu"):
    n = u0.shape[0]
    u = u0.copy()
    w = np.where(u >= 0, 1, -1) / np.sqrt(n)
    path = [w]
    for t in range(max_iter):
        g = reference_gradient(X, y, w, v, surrogate, 1.0, np.ones(len(y)))
        if not g.any():
            break
        u = u - eta0 / (t + 1) ** power_t * g
        w = np.where(u >= 0, 1, -1) / np.sqrt(n)
        path.append(w)
    return np.array(path)


@pytest.mark.parametrize("surrogate", ["relu", "identity", "clipped_relu"])
def test_ste_gradient_matches_per_sample_loop(surrogate):
    rng = np.random.RandomState(0)
    n, p, N = 5, 3, 40
    X = rng.standard_normal((N, p * n))
    y = rng.standard_normal(N)
    v = np.array([1.0, -0.5, 2.0])
    weights = rng.randint(0, 4, size=N).astype(float)
    w = _project(rng.standard_normal(n))
    patches = _as_patches(X, p)
    pre = patches @ w
    f = (pre > 0).reshape(N, p) @ v
    omega = weights / weights.sum()
    grad = _ste_gradient(patches, pre, omega * (f - y), v, surrogate, 1.0)
    expected = reference_gradient(X, y, w, v, surrogate, 1.0, weights)
    assert_allclose(grad, expected, rtol=1e-12, atol=1e-14)


def test_relu_ste_gradient_matches_the_gaussian_population_formula():
    # For standard Gaussian patches and v = 1 the expected relu-STE gradient
    # is p (w - w*) / (2 sqrt(2 pi)): only the wedge {Z w > 0 >= Z w*} has a
    # nonzero residual and the other patches' residuals average out.
    p, n, N = 3, 8, 100_000
    X, y, coef = make_binary_teacher(N, n, p, random_state=0)
    w = coef.copy()
    w[:3] *= -1
    patches = _as_patches(X, p)
    pre = patches @ w
    f = (pre > 0).reshape(N, p).sum(axis=1)
    grad = _ste_gradient(patches, pre, (f - y) / N, np.ones(p), "relu", 1.0)
    assert_allclose(grad, p * (w - coef) / (2 * np.sqrt(2 * np.pi)), atol=0.015)


def test_training_path_matches_reference_loop():
    X, y, coef = make_binary_teacher(60, 6, 2, noise=0.2, random_state=1)
    u0 = _project(np.random.RandomState(3).standard_normal(6))
    v = np.ones(2)
    result = _train_binary_ste(
        _as_patches(X, 2), y, np.ones(60), v, u0, eta0=0.7, power_t=0.5, max_iter=30
    )
    expected = reference_train(X, y, v, u0, 0.7, 0.5, 30)
    signs = _unpack_signs(result.packed_path, 6)
    assert_array_equal(signs / np.sqrt(6), expected)
    losses = [
        0.5 * np.mean((reference_network_all(X, w, v) - y) ** 2) for w in expected
    ]
    assert_allclose(result.loss_curve, losses, rtol=1e-12)


def reference_network_all(X, w, v):
    n = w.shape[0]
    return np.array([reference_network(x.reshape(-1, n), w, v) for x in X])


def test_projection_and_step_schedule():
    assert_array_equal(
        _project(np.array([0.0, -0.0, 2.0, -1e-300])), [0.5, 0.5, 0.5, -0.5]
    )
    assert _step_size(0, "invscaling", 2.0, 0.5) == 2.0
    assert _step_size(3, "invscaling", 2.0, 0.5) == pytest.approx(1.0)
    assert _step_size(3, "invscaling", 2.0, 1.0) == pytest.approx(0.5)
    assert _step_size(99, "constant", 2.0, 0.5) == 2.0


def test_packed_path_round_trip_and_hamming():
    rng = np.random.RandomState(0)
    n = 13  # not a multiple of 8: padding bits must not count
    signs = rng.choice([-1, 1], size=(7, n))
    packed = np.array([_pack_signs(s / np.sqrt(n)) for s in signs])
    assert packed.shape == (7, 2) and packed.dtype == np.uint8
    assert_array_equal(_unpack_signs(packed, n), signs)
    teacher = rng.choice([-1.0, 1.0], size=n)
    assert_array_equal(_hamming_path(packed, teacher), (signs != teacher).sum(axis=1))


def test_recurrence_stats_counts():
    stats = _recurrence_stats([3, 1, 0, 0, 2, 1, 0, 1, 0, 0])
    assert stats["first_hit"] == 2
    assert stats["n_visits"] == 3
    assert stats["n_escapes"] == 2
    assert stats["n_returns"] == 2
    assert stats["share_at_teacher"] == pytest.approx(0.5)
    assert stats["max_hamming_after_hit"] == 2
    never = _recurrence_stats([2, 1, 1])
    assert never["first_hit"] == -1 and never["n_visits"] == never["n_returns"] == 0
    assert _recurrence_stats([0, 0, 1])["n_returns"] == 0


# --- the behaviour the paper predicts -------------------------------------


@pytest.mark.parametrize("data_seed", range(5))
def test_exact_recovery_with_enough_samples(data_seed):
    # n = 32, 4 patches, N = 512 = n^2 / 2: exact recovery from random starts.
    X, y, coef = make_binary_teacher(512, 32, 4, random_state=data_seed)
    for init_seed in range(3):
        reg = BinaryHeavisideRegressor(n_patches=4, random_state=init_seed).fit(X, y)
        assert reg.hamming_path(coef)[0] > 0
        assert_array_equal(reg.coef_, coef)
        # The teacher is a fixed point: training stops there before max_iter.
        assert reg.n_iter_ < reg.max_iter
        assert reg.loss_curve_[-1] == 0.0
        assert reg.score(X, y) == 1.0


@pytest.mark.parametrize("data_seed", range(3))
def test_recovery_fails_with_too_few_samples(data_seed):
    # N = n = 32: far too few labels to pin 32 signs down.
    X, y, coef = make_binary_teacher(32, 32, 4, random_state=data_seed)
    for init_seed in range(3):
        reg = BinaryHeavisideRegressor(n_patches=4, random_state=init_seed).fit(X, y)
        assert np.count_nonzero(reg.coef_ != coef) > 0
        assert reg.recurrence_stats(coef)["first_hit"] == -1


def test_recurrence_under_label_noise():
    X, y, coef = make_binary_teacher(256, 16, 1, noise=0.3, random_state=0)
    reg = BinaryHeavisideRegressor(max_iter=1000, random_state=1).fit(X, y)
    # With noise the gradient never vanishes: the whole budget runs.
    assert reg.n_iter_ == 1000
    stats = reg.recurrence_stats(coef)
    assert stats["n_escapes"] > 1
    assert stats["n_returns"] > 1
    assert 0 < stats["share_at_teacher"] < 1
    hamming = reg.hamming_path(coef)
    assert_array_equal(hamming, (reg.binary_path() != np.sign(coef)).sum(axis=1))


def test_fitted_attributes_are_consistent():
    X, y, coef = make_binary_teacher(200, 12, 2, noise=0.5, random_state=2)
    reg = BinaryHeavisideRegressor(n_patches=2, max_iter=50, random_state=0).fit(X, y)
    assert reg.coef_path_.shape == (51, 2) and reg.coef_path_.dtype == np.uint8
    assert reg.loss_curve_.shape == (51,)
    assert reg.binary_path().shape == (51, 12)
    assert set(np.abs(reg.coef_) * np.sqrt(12)) == {1.0}
    # coef_ is the iterate of smallest training loss, earliest on ties.
    assert reg.best_iter_ == np.argmin(reg.loss_curve_)
    assert_array_equal(reg.coef_ * np.sqrt(12), reg.binary_path()[reg.best_iter_])
    loss = 0.5 * np.mean((reg.predict(X) - y) ** 2)
    assert loss == pytest.approx(reg.loss_curve_[reg.best_iter_], rel=1e-12)
    # The last iterate is the projection of the final latent vector.
    assert_array_equal(_project(reg.latent_coef_), reg.binary_path()[-1] / np.sqrt(12))


def test_init_array_and_second_layer():
    v = np.array([2.0, -1.0, 0.5])
    X, y, coef = make_binary_teacher(100, 8, 3, second_layer=v, random_state=0)
    reg = BinaryHeavisideRegressor(n_patches=3, second_layer=v, init=coef).fit(X, y)
    assert reg.n_iter_ == 0
    assert_array_equal(reg.coef_, coef)
    assert_array_equal(reg.predict(X), y)
    assert_array_equal(reg.second_layer_, v)
    # The latent init is kept as given (a scaled teacher also starts there).
    reg = BinaryHeavisideRegressor(n_patches=3, second_layer=v, init=5 * coef).fit(X, y)
    assert_array_equal(reg.latent_coef_, 5 * coef)


@pytest.mark.parametrize("surrogate", ["relu", "identity", "clipped_relu"])
@pytest.mark.parametrize("learning_rate", ["invscaling", "constant"])
def test_every_surrogate_and_schedule_recovers(surrogate, learning_rate):
    X, y, coef = make_binary_teacher(512, 16, 4, random_state=3)
    reg = BinaryHeavisideRegressor(
        n_patches=4, surrogate=surrogate, learning_rate=learning_rate, random_state=0
    ).fit(X, y)
    assert_array_equal(reg.coef_, coef)


def test_integer_weights_equal_repeated_samples():
    X, y, _ = make_binary_teacher(40, 6, 2, noise=0.4, random_state=0)
    weights = np.random.RandomState(0).randint(0, 3, size=40)
    params = dict(n_patches=2, max_iter=60, random_state=0)
    weighted = BinaryHeavisideRegressor(**params).fit(X, y, sample_weight=weights)
    repeated = BinaryHeavisideRegressor(**params).fit(
        np.repeat(X, weights, axis=0), np.repeat(y, weights)
    )
    assert_array_equal(weighted.coef_path_, repeated.coef_path_)
    assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-12)


def test_permuting_weight_coordinates_permutes_the_path():
    n, p = 10, 3
    X, y, _ = make_binary_teacher(150, n, p, noise=0.3, random_state=4)
    perm = np.random.RandomState(0).permutation(n)
    u0 = _project(np.random.RandomState(1).standard_normal(n))
    X_perm = X.reshape(-1, p, n)[:, :, perm].reshape(X.shape)
    a = BinaryHeavisideRegressor(n_patches=p, init=u0, max_iter=40).fit(X, y)
    b = BinaryHeavisideRegressor(n_patches=p, init=u0[perm], max_iter=40).fit(X_perm, y)
    assert_array_equal(a.binary_path()[:, perm], b.binary_path())


def test_input_is_not_modified():
    X, y, _ = make_binary_teacher(50, 4, 2, noise=0.1, random_state=0)
    init = np.array([0.5, -0.5, 0.5, 0.5])
    X0, y0, init0 = X.copy(), y.copy(), init.copy()
    BinaryHeavisideRegressor(n_patches=2, init=init, max_iter=20).fit(X, y)
    assert_array_equal(X, X0)
    assert_array_equal(y, y0)
    assert_array_equal(init, init0)


# --- bad input -------------------------------------------------------------


def test_n_features_not_a_multiple_of_n_patches():
    X = np.zeros((5, 10))
    with pytest.raises(ValueError, match=r"n_features=10 .*n_patches=3"):
        BinaryHeavisideRegressor(n_patches=3).fit(X, np.zeros(5))


@pytest.mark.parametrize(
    "params, match",
    [
        ({"second_layer": [1.0, 2.0, 3.0]}, "second_layer must have shape"),
        ({"init": np.ones(3)}, r"init must have shape \(n,\) = \(4,\)"),
        ({"init": [1.0, np.nan, 1.0, 1.0]}, "init"),
        ({"second_layer": [1.0, np.inf]}, "second_layer"),
    ],
)
def test_bad_parameters_raise(params, match):
    X, y, _ = make_binary_teacher(10, 4, 2, random_state=0)
    with pytest.raises(ValueError, match=match):
        BinaryHeavisideRegressor(n_patches=2, **params).fit(X, y)


@pytest.mark.parametrize(
    "params, name",
    [
        ({"surrogate": "tanh"}, "surrogate"),
        ({"power_t": 1.5}, "power_t"),
        ({"eta0": 0.0}, "eta0"),
        ({"learning_rate": "optimal"}, "learning_rate"),
        ({"n_patches": 0}, "n_patches"),
    ],
)
def test_invalid_parameter_values_are_named(params, name):
    with pytest.raises(InvalidParameterError, match=name):
        BinaryHeavisideRegressor(**params).fit(np.ones((3, 2)), np.ones(3))


def test_zero_sample_weights_raise():
    # scikit-learn's validation rejects them before training starts.
    with pytest.raises(ValueError, match="Sample weights must contain"):
        BinaryHeavisideRegressor().fit(np.ones((3, 2)), np.ones(3), np.zeros(3))


def test_defaults_fit_the_default_teacher_without_a_warning():
    # Both default to one patch: the default network reads the default data
    # as it was made and recovers the teacher (N = 512 > n^1.75 for n = 32).
    X, y, coef = make_binary_teacher(random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reg = BinaryHeavisideRegressor(random_state=0).fit(X, y)
    assert_array_equal(reg.coef_, coef)
    assert reg.score(X, y) == 1.0


def test_targets_out_of_reach_of_n_patches_warn():
    # Labels of four patches are 0..4, out of reach of one patch's {0, 1}.
    X, y, coef = make_binary_teacher(n_patches=4, random_state=0)
    with pytest.warns(UserWarning, match=r"outside \[0, 1\].*n_patches=1") as record:
        BinaryHeavisideRegressor(max_iter=5, random_state=0).fit(X, y)
    assert record[0].filename == __file__  # points at the caller's fit
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reg = BinaryHeavisideRegressor(n_patches=4, random_state=0).fit(X, y)
    assert_array_equal(reg.coef_, coef)


@pytest.mark.parametrize(
    "n_patches, second_layer", [(1, None), (3, None), (2, [1.5, -2.0])]
)
def test_matching_layouts_do_not_warn_even_with_label_noise(n_patches, second_layer):
    X, y, _ = make_binary_teacher(
        400, 6, n_patches, noise=0.3, second_layer=second_layer, random_state=2
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        BinaryHeavisideRegressor(
            n_patches, second_layer=second_layer, max_iter=5, random_state=0
        ).fit(X, y)


def test_out_of_reach_share_uses_the_range_of_the_second_layer():
    # v = (1.5, -2) reaches [-2, 1.5]; far outside means beyond [-3.75, 3.25].
    v = np.array([1.5, -2.0])
    y = np.array([-3.7, -3.8, 3.2, 3.3, 0.0, 1.0, -1.0, 2.0])
    assert _share_out_of_reach(y, v) == pytest.approx(2 / 8)
    X = np.ones((8, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a quarter is not more than a quarter
        BinaryHeavisideRegressor(2, second_layer=v, max_iter=1).fit(X, y)
    # Zero-weight samples are not fitted, so they do not count.
    weights = np.ones(8)
    weights[-1] = 0.0
    with pytest.warns(UserWarning, match="29% of the targets"):
        BinaryHeavisideRegressor(2, second_layer=v, max_iter=1).fit(
            X, y, sample_weight=weights
        )


def test_bad_teacher_for_the_path_helpers():
    X, y, coef = make_binary_teacher(30, 4, 1, random_state=0)
    reg = BinaryHeavisideRegressor(max_iter=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match=r"coef_true must have shape \(4,\)"):
        reg.hamming_path(np.ones(5))
    with pytest.raises(ValueError, match="no zero entry"):
        reg.recurrence_stats([0.5, 0.0, 0.5, 0.5])


def test_bad_data_errors_name_the_input():
    X, y, _ = make_binary_teacher(10, 4, 1, random_state=0)
    with pytest.raises(ValueError, match=r"\bX\b"):
        BinaryHeavisideRegressor().fit(np.full(X.shape, "a", dtype=object), y)
    with pytest.raises(ValueError, match=r"\by\b"):
        BinaryHeavisideRegressor().fit(X, np.array(["a"] * 10))
    # A single scalar network: several targets are refused, naming y.
    with pytest.raises(ValueError, match=r"\by\b.*1d array"):
        BinaryHeavisideRegressor().fit(X, np.column_stack([y, y]))
    with pytest.raises(ValueError, match="requires y"):
        BinaryHeavisideRegressor().fit(X, None)
    reg = BinaryHeavisideRegressor(max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match=r"\bX\b"):
        reg.predict(X + 1j)


def _fit_quietly(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow warning
        return estimator.fit(X, y)


@pytest.mark.parametrize("exponent", [532, -532])  # 2**532 ~ 1.4e160
def test_labels_scaled_by_the_teacher_give_the_unscaled_fit(exponent):
    # f(Z / c; w) with second layer c v is c f(Z; w): labels y * c from this
    # teacher are the same problem in another unit, with the STE gradient
    # multiplied by c, hence the step eta0 / c. The iterates, the selected
    # best iterate and the loss (in units of residual_scale_) must not
    # change. c is a power of two so that the scaling itself is exact.
    X, y, coef = make_binary_teacher(150, 10, 3, noise=0.4, random_state=0)
    c = 2.0**exponent
    params = dict(n_patches=3, max_iter=60, random_state=1)
    base = _fit_quietly(BinaryHeavisideRegressor(**params), X, y)
    scaled = _fit_quietly(
        BinaryHeavisideRegressor(**params, second_layer=np.full(3, c), eta0=1.0 / c),
        X / c,
        c * y,
    )
    assert base.residual_scale_ == 1.0
    assert base.best_iter_ > 0  # the start is not the answer
    assert np.all(np.isfinite(scaled.loss_curve_)) and np.all(scaled.loss_curve_ > 0)
    assert_array_equal(scaled.coef_path_, base.coef_path_)
    assert scaled.best_iter_ == base.best_iter_
    assert_array_equal(scaled.coef_, base.coef_)
    assert_allclose(
        scaled.loss_curve_ * (scaled.residual_scale_ / c) ** 2,
        base.loss_curve_,
        rtol=1e-12,
    )


def test_huge_labels_select_the_true_best_iterate():
    # Labels of a teacher whose second layer is 1e160, on unscaled inputs:
    # the squared residuals (1e320) and the products v * (f - y) overflow
    # float64. The loss must stay finite, and its argmin must be the iterate
    # of smallest true loss, not the random start.
    X, y, coef = make_binary_teacher(150, 10, 3, noise=0.4, random_state=0)
    v = np.full(3, 1e160)
    reg = _fit_quietly(
        BinaryHeavisideRegressor(
            n_patches=3, second_layer=v, eta0=1e-300, max_iter=40, random_state=1
        ),
        X,
        1e160 * y,
    )
    assert np.all(np.isfinite(reg.loss_curve_))
    assert np.all(np.isfinite(reg.latent_coef_))
    assert reg.residual_scale_ > 1e160
    unit = 2.0**540  # an independent unit for the reference losses
    patches = _as_patches(X, 3)
    outputs = [
        (patches @ w > 0).reshape(-1, 3) @ v for w in reg.binary_path() / np.sqrt(10)
    ]
    losses = [0.5 * np.mean(((f - 1e160 * y) / unit) ** 2) for f in outputs]
    assert_allclose(reg.loss_curve_ * (reg.residual_scale_ / unit) ** 2, losses)
    assert reg.best_iter_ == int(np.argmin(losses)) > 0
    assert_array_equal(reg.coef_, coef)  # the teacher, as on unscaled labels


def test_ordinary_labels_keep_the_loss_in_their_unit():
    X, y, _ = make_binary_teacher(80, 8, 2, noise=0.3, random_state=3)
    for factor in (1e-70, 1.0, 1e70):
        reg = BinaryHeavisideRegressor(n_patches=2, max_iter=5, random_state=0)
        if factor > 1:  # out of reach of the unit second layer
            with pytest.warns(UserWarning, match="second_layer to the scale"):
                reg.fit(X, factor * y)
        else:
            reg.fit(X, factor * y)
        assert reg.residual_scale_ == 1.0


def _bare_trailing_underscores(doc):
    """Names like ``n_iter_`` outside backticks in numpydoc type fields.

    docutils reads ``word_`` as a reference to a link target, so the docs
    build (``-W``) fails on them.
    """
    found = []
    for line in doc.splitlines():
        match = re.match(r"^\s*\w+ : (.*)$", line)
        if match:
            outside = re.sub(r"``.*?``|`[^`]*`", "", match.group(1))
            found += re.findall(r"\w+_(?!\w)", outside)
    return found


@pytest.mark.parametrize(
    "obj",
    [
        BinaryHeavisideRegressor,
        BinaryHeavisideRegressor.fit,
        BinaryHeavisideRegressor.predict,
        BinaryHeavisideRegressor.binary_path,
        BinaryHeavisideRegressor.hamming_path,
        BinaryHeavisideRegressor.recurrence_stats,
    ],
    ids=lambda obj: obj.__name__,
)
def test_docstring_types_quote_fitted_attribute_names(obj):
    assert _bare_trailing_underscores(obj.__doc__) == []


@pytest.mark.parametrize(
    "params, match",
    [
        ({"second_layer": [1j, 1.0]}, "Invalid second_layer: complex"),
        ({"second_layer": ["a", "b"]}, "Invalid second_layer: could not convert"),
        ({"second_layer": []}, "second_layer is empty"),
        ({"init": np.ones(4) + 1j}, "Invalid init: complex"),
        ({"init": ["a"] * 4}, "Invalid init: could not convert"),
        ({"init": []}, "init is empty"),
    ],
)
def test_array_parameters_errors_are_one_line_and_named(params, match):
    X, y, _ = make_binary_teacher(30, 4, 2, random_state=0)
    reg = BinaryHeavisideRegressor(n_patches=2, max_iter=5, **params)
    with pytest.raises(ValueError, match=match) as info:
        reg.fit(X, y)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "coef_true, match",
    [
        (np.ones(4) + 1j, "Invalid coef_true: complex"),
        (["a"] * 4, "Invalid coef_true: could not convert"),
        ([], "coef_true is empty"),
    ],
)
def test_teacher_errors_are_one_line_and_named(coef_true, match):
    X, y, _ = make_binary_teacher(30, 4, 2, random_state=0)
    reg = BinaryHeavisideRegressor(n_patches=2, max_iter=5).fit(X, y)
    with pytest.raises(ValueError, match=match) as info:
        reg.hamming_path(coef_true)
    assert "\n" not in str(info.value)

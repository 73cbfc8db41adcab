"""Every check of assignment 1 as data: reference values, finite differences, Keras parity.

Used by ``python -m assignments.rnn_step_by_step`` and the tests; each check returns :class:`Check` rows.
**reference** replays every case of ``step_by_step.json`` (also through the fast LSTM); **gradient** compares every
gradient of each backward function with central finite differences of ``J = Σ da·a`` (+ ``Σ dc·c``), relative error
``‖g - n‖ / (‖g‖ + ‖n‖)``; **keras** compares ``SimpleRNN``, ``LSTM`` and ``GRU(reset_after=False)`` (float64, weights
mapped by :mod:`.keras_weights`) with the numpy passes, gradients by ``tf.GradientTape``; **fast** compares the fast
LSTM passes with the course's.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np

from shared.run import UserError
from shared.cases import compare, evaluate, expectations, replay, to_plain
from shared.run.io import read_text

from . import backward, cells, fast, gru, sequences

FIXTURE = "step_by_step.json"
GROUPS = {  # the check groups, in the order the command runs them
    "reference": "course reference values (step_by_step.json)",
    "fast": "fast LSTM passes against the course passes and the reference values",
    "gradient": "finite differences (float64) against every backward function",
    "keras": "Keras layers (float64) with mapped weights against numpy",
}

COURSE_IMPL: dict[str, Callable] = {
    "rnn_cell_forward": cells.rnn_cell_forward, "rnn_forward": sequences.rnn_forward,
    "lstm_cell_forward": cells.lstm_cell_forward, "lstm_forward": sequences.lstm_forward,
    "rnn_cell_backward": backward.rnn_cell_backward, "rnn_backward": backward.rnn_backward,
    "lstm_cell_backward": backward.lstm_cell_backward, "lstm_backward": backward.lstm_backward,
    "gru_cell_forward": gru.gru_cell_forward, "gru_forward": gru.gru_forward,
    "gru_cell_backward": gru.gru_cell_backward, "gru_backward": gru.gru_backward,
}
FAST_IMPL = {**COURSE_IMPL, "lstm_forward": fast.lstm_forward_fast, "lstm_backward": fast.lstm_backward_fast}


@dataclass
class CheckConfig:
    """Sizes and tolerances of the reference-free checks (random problems drawn from ``seed``)."""
    seed: int = 1
    n_x: int = 3
    n_a: int = 5
    n_y: int = 2
    m: int = 4
    T_x: int = 5
    eps: float = 1e-6  # finite-difference step
    grad_tol: float = 1e-7  # relative error of the finite-difference checks
    keras_tol: float = 1e-10  # max |numpy - Keras| (float64)
    fast_tol: float = 1e-12  # max |course - fast| (float64)


@dataclass
class Check:
    """One line of the report."""
    group: str  # reference | fast | gradient | keras
    case: str  # e.g. "rnn_cell_forward/notebook"
    name: str  # e.g. "a_next[4]"
    expected: str
    got: str
    error: float | None  # max abs error (reference/keras/fast) or relative error (gradient)
    tolerance: str
    ok: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------------- reference

def load_reference(directory: str | Path) -> dict:
    """Parse ``directory/step_by_step.json``; missing or corrupt files raise :class:`UserError`."""
    path = Path(directory) / FIXTURE
    if not path.exists():
        raise UserError(f"reference fixture not found: {path} (use --reference DIR or set REFERENCE_DIR)")
    text = read_text(path, "reference fixture")  # empty, a folder, unreadable, not UTF-8: one line each
    try:
        fixture = json.loads(text)
        for case in fixture["cases"]:
            case["id"], case["function"], case["expected"]  # noqa: B018 -- presence check
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise UserError(f"reference fixture {path} is not a valid step_by_step.json: {exc}") from None
    return fixture


def run_case(case: Mapping, impl: Mapping[str, Callable] = COURSE_IMPL) -> dict[str, Any]:
    """Rebuild a fixture case (:func:`shared.cases.replay`) and return the names in ``case["returns"]``."""
    return replay(case, impl).returns


def describe(value, limit: int = 4) -> str:
    """Short readable form of a value: numbers to 8 significant digits, long lists elided."""
    value = to_plain(value)
    if isinstance(value, float):
        return f"{value:.8g}"
    if isinstance(value, list) and value and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                 for v in value):
        if all(isinstance(v, int) for v in value):
            return "(" + ", ".join(str(v) for v in value) + ")"
        shown = ", ".join(f"{v:.8g}" for v in value[:limit])
        return f"[{shown}{', ...' if len(value) > limit else ''}]" + (f" ({len(value)})" if len(value) > limit else "")
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
        return "[" + describe(value[0], limit) + "]"
    return str(value)


def reference_checks(fixture: Mapping, impl: Mapping[str, Callable] = COURSE_IMPL,
                     group: str = "reference", functions: set[str] | None = None) -> list[Check]:
    """One :class:`Check` per expected value of every case (of ``functions``, default all)."""
    rows = []
    for case in fixture["cases"]:
        if functions is not None and case["function"] not in functions:
            continue
        try:
            env = run_case(case, impl)
            error = None
        except Exception as exc:  # a broken implementation must show up as failed rows, not a crash
            env, error = {}, f"{type(exc).__name__}: {exc}"
        for item in expectations(case):
            if error is None:
                try:
                    actual = evaluate(item.expr, env)
                    ok, err = compare(actual, item.value, item.rtol, item.atol)
                    got = describe(actual)
                except Exception as exc:
                    ok, err, got = False, None, f"{type(exc).__name__}: {exc}"
            else:
                ok, err, got = False, None, error
            rows.append(Check(group, case["id"], item.expr, describe(item.value), got, err, item.tolerance, ok))
    return rows


# --------------------------------------------------------------------------- random problems

def random_parameters(kind: str, n_x: int, n_a: int, n_y: int, rng: np.random.Generator,
                      scale: float = 0.5) -> dict[str, np.ndarray]:
    """Random float64 course parameters for ``kind`` in ``{'rnn', 'lstm', 'gru'}``."""
    if kind == "rnn":
        return {"Wax": scale * rng.standard_normal((n_a, n_x)), "Waa": scale * rng.standard_normal((n_a, n_a)),
                "Wya": scale * rng.standard_normal((n_y, n_a)), "ba": scale * rng.standard_normal((n_a, 1)),
                "by": scale * rng.standard_normal((n_y, 1))}
    gates = {"lstm": cells.LSTM_GATES, "gru": gru.GRU_GATES}[kind]
    params = {}
    for g in gates:
        params[f"W{g}"] = scale * rng.standard_normal((n_a, n_a + n_x))
        params[f"b{g}"] = scale * rng.standard_normal((n_a, 1))
    params["Wy"] = scale * rng.standard_normal((n_y, n_a))
    params["by"] = scale * rng.standard_normal((n_y, 1))
    return params


PARAMETER_KEYS = {
    "rnn": ("Wax", "Waa", "Wya", "ba", "by"),
    "lstm": ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo", "Wy", "by"),
    "gru": ("Wu", "bu", "Wr", "br", "Wc", "bc", "Wy", "by"),
}


def _relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    denom = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return 0.0 if denom == 0 else float(np.linalg.norm(analytic - numeric) / denom)


def numerical_gradient(loss: Callable[[], float], array: np.ndarray, eps: float) -> np.ndarray:
    """Central differences of ``loss()`` with respect to every entry of ``array`` (perturbed in place)."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + eps
        plus = loss()
        array[index] = saved - eps
        minus = loss()
        array[index] = saved
        grad[index] = (plus - minus) / (2 * eps)
    return grad


def _gradient_rows(case: str, arrays: dict[str, np.ndarray], loss: Callable[[], float],
                   grads: Mapping[str, np.ndarray], cfg: CheckConfig) -> list[Check]:
    rows = []
    for key, analytic in grads.items():
        if key[1:] not in arrays:
            rows.append(Check("gradient", case, key, "a gradient of an input", "unknown key", None,
                              f"rel < {cfg.grad_tol:g}", False))
            continue
        numeric = numerical_gradient(loss, arrays[key[1:]], cfg.eps)
        if np.shape(analytic) != numeric.shape:
            rows.append(Check("gradient", case, key, f"shape {numeric.shape}", f"shape {np.shape(analytic)}",
                              None, f"rel < {cfg.grad_tol:g}", False))
            continue
        err = _relative_error(np.asarray(analytic), numeric)
        rows.append(Check("gradient", case, key, "finite differences", "backward pass", err,
                          f"rel < {cfg.grad_tol:g}", err < cfg.grad_tol))
    return rows


def gradient_checks(cfg: CheckConfig = CheckConfig(), impl: Mapping[str, Callable] = COURSE_IMPL) -> list[Check]:
    """Finite-difference checks of the seven backward functions (RNN, LSTM, GRU: cell and sequence; fast LSTM)."""
    rng = np.random.default_rng(cfg.seed)
    n_x, n_a, n_y, m, T_x = cfg.n_x, cfg.n_a, cfg.n_y, cfg.m, cfg.T_x
    rows: list[Check] = []

    def param_view(arrays, kind):
        return {k: arrays[k] for k in PARAMETER_KEYS[kind]}

    # One step: J = Σ da_next·a_next (+ Σ dc_next·c_next).
    for kind in ("rnn", "lstm", "gru"):
        arrays = {"xt": rng.standard_normal((n_x, m)), "a_prev": rng.standard_normal((n_a, m)),
                  **random_parameters(kind, n_x, n_a, n_y, rng)}
        da_next = rng.standard_normal((n_a, m))
        if kind == "lstm":
            arrays["c_prev"] = rng.standard_normal((n_a, m))
            dc_next = rng.standard_normal((n_a, m))

            def loss(arrays=arrays, da_next=da_next, dc_next=dc_next):
                a_next, c_next, _, _ = impl["lstm_cell_forward"](arrays["xt"], arrays["a_prev"], arrays["c_prev"],
                                                                 param_view(arrays, "lstm"))
                return float(np.sum(da_next * a_next) + np.sum(dc_next * c_next))

            *_, cache = impl["lstm_cell_forward"](arrays["xt"], arrays["a_prev"], arrays["c_prev"],
                                                  param_view(arrays, "lstm"))
            grads = impl["lstm_cell_backward"](da_next, dc_next, cache)
        else:
            def loss(arrays=arrays, da_next=da_next, kind=kind):
                a_next, _, _ = impl[f"{kind}_cell_forward"](arrays["xt"], arrays["a_prev"], param_view(arrays, kind))
                return float(np.sum(da_next * a_next))

            _, _, cache = impl[f"{kind}_cell_forward"](arrays["xt"], arrays["a_prev"], param_view(arrays, kind))
            grads = impl[f"{kind}_cell_backward"](da_next, cache)
        rows += _gradient_rows(f"{kind}_cell_backward", arrays, loss, grads, cfg)

    # A sequence: J = Σ da·a over the first T_x - 1 steps of a T_x-step forward pass
    # (T_x of the backward pass comes from da, as in the course).
    sequence_impls = [("rnn", "rnn_forward", "rnn_backward"), ("lstm", "lstm_forward", "lstm_backward"),
                      ("gru", "gru_forward", "gru_backward"),
                      ("lstm", "lstm_forward_fast", "lstm_backward_fast")]
    fns = {**impl, "lstm_forward_fast": impl.get("lstm_forward_fast", fast.lstm_forward_fast),
           "lstm_backward_fast": impl.get("lstm_backward_fast", fast.lstm_backward_fast)}
    for kind, fwd, bwd in sequence_impls:
        arrays = {"x": rng.standard_normal((n_x, m, T_x)), "a0": rng.standard_normal((n_a, m)),
                  **random_parameters(kind, n_x, n_a, n_y, rng)}
        da = rng.standard_normal((n_a, m, T_x - 1))

        def loss(arrays=arrays, da=da, kind=kind, fwd=fwd):
            a = fns[fwd](arrays["x"], arrays["a0"], param_view(arrays, kind))[0]
            return float(np.sum(da * a[:, :, :da.shape[2]]))

        caches = fns[fwd](arrays["x"], arrays["a0"], param_view(arrays, kind))[-1]
        grads = fns[bwd](da, caches)
        # dx covers only the steps of da: compare it with x[:, :, :T] (a view, so perturbations reach x).
        rows += _gradient_rows(bwd, {**arrays, "x": arrays["x"][:, :, :da.shape[2]]}, loss, grads, cfg)
    return rows


# --------------------------------------------------------------------------- fast vs course

def fast_checks(cfg: CheckConfig = CheckConfig(), fixture: Mapping | None = None) -> list[Check]:
    """``lstm_forward_fast``/``lstm_backward_fast`` against the course passes (and the fixture)."""
    rng = np.random.default_rng(cfg.seed + 1)
    rows: list[Check] = []
    for dtype, tol in ((np.float64, cfg.fast_tol), (np.float32, 1e-5)):
        params = {k: v.astype(dtype) for k, v in random_parameters("lstm", cfg.n_x, cfg.n_a, cfg.n_y, rng).items()}
        x = rng.standard_normal((cfg.n_x, cfg.m, cfg.T_x)).astype(dtype)
        a0 = rng.standard_normal((cfg.n_a, cfg.m)).astype(dtype)
        da = rng.standard_normal((cfg.n_a, cfg.m, cfg.T_x - 1)).astype(dtype)
        a, y, c, caches = sequences.lstm_forward(x, a0, params)
        fa, fy, fc, fcaches = fast.lstm_forward_fast(x, a0, params)
        course = {"a": a, "y": y, "c": c, **backward.lstm_backward(da, caches)}
        quick = {"a": fa, "y": fy, "c": fc, **fast.lstm_backward_fast(da, fcaches)}
        name = np.dtype(dtype).name
        for key, want in course.items():
            got = quick[key]
            if got.shape != want.shape:
                rows.append(Check("fast", f"lstm fast vs course ({name})", key, str(want.shape), str(got.shape),
                                  None, f"max |diff| <= {tol:g}", False))
                continue
            err = float(np.max(np.abs(got.astype(np.float64) - want.astype(np.float64))))
            rows.append(Check("fast", f"lstm fast vs course ({name})", key, "lstm_forward/lstm_backward",
                              "..._fast", err, f"max |diff| <= {tol:g}", err <= tol))
    if fixture is not None:
        for r in reference_checks(fixture, FAST_IMPL, group="fast", functions={"lstm_forward", "lstm_backward"}):
            r.case += " (fast)"
            rows.append(r)
    return rows


# --------------------------------------------------------------------------- Keras parity

def _keras_layer(kind: str, n_a: int, seed: int | None = None):
    """A float64 Keras layer; ``seed`` draws Keras' own default initial weights reproducibly."""
    import keras

    common = dict(return_sequences=True, return_state=True, dtype="float64")
    if seed is not None:
        common.update(kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
                      recurrent_initializer=keras.initializers.Orthogonal(seed=seed))
    if kind == "rnn":
        return keras.layers.SimpleRNN(n_a, **common)
    if kind == "lstm":
        return keras.layers.LSTM(n_a, **common)
    return keras.layers.GRU(n_a, reset_after=False, **common)


def keras_checks(cfg: CheckConfig = CheckConfig(), impl: Mapping[str, Callable] = COURSE_IMPL,
                 kinds: tuple[str, ...] = ("rnn", "lstm", "gru")) -> list[Check]:
    """Keras layers (float64) against the numpy passes: states, cell states and gradients."""
    from shared.run.backend import import_keras

    import_keras()  # nothing here draws: Keras (and TensorFlow) without matplotlib
    import tensorflow as tf

    from . import keras_weights as kw

    maps = {"rnn": (kw.rnn_to_keras, kw.rnn_from_keras), "lstm": (kw.lstm_to_keras, kw.lstm_from_keras),
            "gru": (kw.gru_to_keras, kw.gru_from_keras)}
    names = {"rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU(reset_after=False)"}
    weight_names = ("kernel", "recurrent_kernel", "bias")
    rng = np.random.default_rng(cfg.seed + 2)
    n_x, n_a, m, T_x, tol = cfg.n_x, cfg.n_a, cfg.m, cfg.T_x, cfg.keras_tol
    rows: list[Check] = []

    def row(case, name, want, got):
        want, got = np.asarray(want, dtype=np.float64), np.asarray(got, dtype=np.float64)
        if want.shape != got.shape:
            rows.append(Check("keras", case, name, f"shape {want.shape}", f"shape {got.shape}", None,
                              f"max |diff| <= {tol:g}", False))
            return
        err = float(np.max(np.abs(want - got))) if want.size else 0.0
        rows.append(Check("keras", case, name, "numpy", "Keras", err, f"max |diff| <= {tol:g}",
                          err <= tol))

    for kind in kinds:
        to_keras, from_keras = maps[kind]
        case = f"keras {names[kind]}"
        params = random_parameters(kind, n_x, n_a, cfg.n_y, rng)
        x = rng.standard_normal((n_x, m, T_x))
        a0 = rng.standard_normal((n_a, m))
        da = rng.standard_normal((n_a, m, T_x))
        forward = impl[f"{kind}_forward"](x, a0, params)
        a, caches = forward[0], forward[-1]
        grads = impl[f"{kind}_backward"](da, caches)

        layer = _keras_layer(kind, n_a)
        layer.build((m, T_x, n_x))
        layer.set_weights(to_keras(params))
        xk = tf.constant(x.transpose(1, 2, 0))  # (m, T_x, n_x)
        h0 = tf.constant(a0.T)  # (m, n_a)
        state = [h0, tf.zeros((m, n_a), dtype=tf.float64)] if kind == "lstm" else [h0]
        with tf.GradientTape() as tape:
            tape.watch([xk, h0])
            seq, *final = layer(xk, initial_state=state)
            J = tf.reduce_sum(tf.constant(da.transpose(1, 2, 0)) * seq)
        variables = [layer.cell.kernel, layer.cell.recurrent_kernel, layer.cell.bias]
        g_kernel, g_rec, g_bias, g_x, g_h0 = tape.gradient(J, variables + [xk, h0])

        row(case, "a (all steps)", a, seq.numpy().transpose(2, 0, 1))
        if kind == "lstm":
            c = forward[2]
            row(case, "c (last step, return_state)", c[:, :, -1], final[1].numpy().T)
            h, cs = h0, []
            for t in range(T_x):  # the layer's own cell, stepped: every cell state
                h, (h, ct) = layer.cell(xk[:, t], [h, cs[-1] if cs else state[1]])
                cs.append(ct)
            row(case, "c (all steps, layer.cell)", c, np.stack([ct.numpy().T for ct in cs], axis=2))
        mapped = to_keras(kw.strip_d(grads))  # the maps are orthogonal: they carry gradients too
        for wname, want, got in zip(weight_names, mapped, (g_kernel, g_rec, g_bias)):
            row(case, f"d{wname} (GradientTape)", want, got.numpy())
        row(case, "dx (GradientTape)", grads["dx"], g_x.numpy().transpose(2, 0, 1))
        row(case, "da0 (GradientTape)", grads["da0"], g_h0.numpy().T)

        # The other way: Keras' own initial weights, mapped to numpy, give Keras' states.
        native = _keras_layer(kind, n_a, seed=cfg.seed + 3)
        native.build((m, T_x, n_x))
        back = {**params, **from_keras(native.get_weights())}
        seq_native = native(xk, initial_state=state)[0].numpy().transpose(2, 0, 1)
        row(case, "a from Keras-initialised weights (from_keras)",
            impl[f"{kind}_forward"](x, a0, back)[0], seq_native)
    return rows

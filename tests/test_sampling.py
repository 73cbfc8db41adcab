"""The one sampling protocol (shared/sampling.py): the re-weighting the three samplers used before it, bit for bit,
and ``generate``'s loop."""
from __future__ import annotations

import numpy as np
import pytest

from shared.sampling import check_sampling, generate, multinomial_draw, reweight


def _shakespeare_before(preds, temperature):  # assignments/dinos/shakespeare/sample.py before the protocol
    preds = np.asarray(preds, dtype=np.float64)
    with np.errstate(divide="ignore"):
        logits = np.log(preds) / temperature
    probas = np.exp(logits - logits.max())
    return probas / probas.sum()


def _dinos_before(probabilities, temperature, top_k):  # assignments/dinos/sample.py `adjust` before the protocol
    logp = np.log(np.clip(probabilities, 1e-300, None)) / temperature
    if top_k is not None and 0 < top_k < logp.shape[1]:
        kth = np.partition(logp, -top_k, axis=1)[:, -top_k][:, None]
        logp = np.where(logp >= kth, logp, -np.inf)
    logp -= logp.max(axis=1, keepdims=True)
    p = np.exp(logp)
    return p / p.sum(axis=1, keepdims=True)


def _jazz_before(probs, temperature, top_k):  # the Gumbel sampler's logits (assignments/jazz), as a distribution
    logits = np.log(np.maximum(probs, 1e-30)) / temperature
    if top_k is not None and top_k < probs.shape[-1]:
        kth = np.sort(logits, axis=-1)[..., -top_k, None]
        logits = np.where(logits < kth, -np.inf, logits)
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _distributions(rng, m, n, zeros=False):
    z = rng.normal(size=(m, n)) * 3
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    if zeros:
        p[:, ::5] = 0.0
        p /= p.sum(axis=1, keepdims=True)
    return p


@pytest.mark.parametrize("temperature", [1.0, 0.5, 1.7, 1e-3])
def test_reweight_is_the_shakespeare_temperature_bit_for_bit(temperature):
    rng = np.random.default_rng(0)
    for p in _distributions(rng, 20, 38, zeros=True).astype(np.float32):  # the model's float32 softmax
        np.testing.assert_array_equal(reweight(p, temperature), _shakespeare_before(p, temperature))


@pytest.mark.parametrize("temperature,top_k", [(1.0, None), (0.7, None), (1.0, 5), (2.0, 1), (0.3, 26), (1.0, 27)])
def test_reweight_is_the_dinos_adjust_bit_for_bit(temperature, top_k):
    p = _distributions(np.random.default_rng(1), 16, 27)  # a batch of names, vocabulary 27
    np.testing.assert_array_equal(reweight(p, temperature, top_k), _dinos_before(p, temperature, top_k))


@pytest.mark.parametrize("temperature,top_k", [(1.0, None), (0.5, 4), (1.3, 1)])
def test_reweight_keeps_what_the_jazz_sampler_keeps(temperature, top_k):
    p = _distributions(np.random.default_rng(2), 8, 90)  # 90 jazz values
    np.testing.assert_allclose(reweight(p, temperature, top_k), _jazz_before(p, temperature, top_k), rtol=1e-12,
                               atol=1e-300)
    if top_k is not None:
        assert ((reweight(p, temperature, top_k) > 0).sum(axis=1) == top_k).all()


def test_reweight_is_p_to_the_one_over_t():
    p = np.array([0.5, 0.3, 0.2, 0.0])
    np.testing.assert_allclose(reweight(p, 0.5), p ** 2 / (p ** 2).sum(), rtol=1e-15)
    np.testing.assert_allclose(reweight(p, 1.0, top_k=2), [0.625, 0.375, 0, 0], rtol=1e-15)
    assert reweight(p, 2.0)[3] == 0.0


@pytest.mark.parametrize("bad", [[0.5, np.nan], [0.5, -0.1], [np.inf, 0.0], [0.0, 0.0]])
def test_reweight_refuses_what_is_not_a_distribution(bad):
    with pytest.raises(ValueError, match="not a probability distribution"):
        reweight(np.array(bad), 1.0)


def test_reweight_checks_temperature_and_top_k():
    for temperature, top_k in [(0.0, None), (float("nan"), None), (1.0, 0), (1.0, 4)]:
        with pytest.raises(ValueError):
            reweight(np.array([0.2, 0.3, 0.5]), temperature, top_k)
    check_sampling(1.0, 3, 3)


def test_generate_feeds_each_draw_to_the_next_step_and_stops():
    calls = []

    def step(x, state):  # a counting "model": always the same distribution, state = number of steps
        calls.append(x)
        return np.array([0.1, 0.2, 0.7]), state + 1

    rng = np.random.default_rng(3)
    drawn = generate(step, 0, 50, rng, temperature=0.5)
    assert len(drawn) == 50 and calls == [None] + drawn[:-1]
    again = [multinomial_draw(reweight([0.1, 0.2, 0.7], 0.5), r) for r in [np.random.default_rng(3)] for _ in range(50)]
    assert drawn == again  # the same rng stream, the same draws
    short = generate(step, 0, 50, np.random.default_rng(3), stop=lambda x: x == 0)
    assert short[-1] == 0 and 0 not in short[:-1]
    assert generate(step, 0, 4, rng, top_k=1) == [2, 2, 2, 2]

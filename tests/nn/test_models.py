"""The image models: shapes, bounds, and the two behaviours the papers claim, on tiny fits."""

from unittest import mock

import numpy as np
import pytest
import torch

from kanerva.datasets import load_mnist
from kanerva.nn import (VAE, DynamicKanervaMachine, KanervaMachine, bit_error, corrupt, evaluate_bound, fit,
                        make_model)
from kanerva.nn.memory import MemoryState

SMALL = {"vae": dict(latent=8, hidden=32), "km": dict(latent=8, hidden=32, memory_rows=6, address_size=4),
         "dkm": dict(latent=8, hidden=32, memory_rows=6)}


@pytest.fixture(scope="module")
def digits():
    train, _ = load_mnist("train")
    test, _ = load_mnist("test")
    return train[:1000], test[:256]


@pytest.mark.parametrize("name", ["vae", "km", "dkm"])
@pytest.mark.parametrize("encoder", ["mlp", "conv"])
def test_bound_terms_have_the_right_shapes(name, encoder):
    torch.manual_seed(0)
    model = make_model(name, encoder=encoder, **SMALL[name])
    x = torch.bernoulli(torch.full((3, 5, 28, 28), 0.2))
    terms = model.negative_bound(x)
    assert terms["recon"].shape == terms["kl"].shape == terms["nll"].shape == (3, 5)
    assert terms["kl_memory"].shape == (3,)
    assert torch.isfinite(terms["nll_episode"]).all()
    assert (terms["recon"] <= 0).all()
    # the episode bound adds the memory's KL, which is >= 0
    assert (terms["nll_episode"] >= terms["nll"] - 1e-4).all()
    loss, _ = model.training_loss(x)
    loss.backward()
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in model.parameters() if p.requires_grad)


@pytest.mark.parametrize("cls", [KanervaMachine, DynamicKanervaMachine])
def test_memory_write_and_read_shapes(cls):
    torch.manual_seed(0)
    model = cls(**SMALL[cls.kind])
    x = torch.bernoulli(torch.full((2, 7, 28, 28), 0.2))
    memory = model.write(x)
    assert memory.mean.shape == (2, 6, 8) and memory.cov.shape == (2, 6, 6)
    reads = model.read(x, memory, iterations=3, trace=True)
    assert len(reads) == 4 and reads[-1].shape == (2, 7, 28, 28)
    assert torch.equal(reads[0], x)
    assert ((reads[-1] >= 0) & (reads[-1] <= 1)).all()
    assert model.read(x[0], memory.episode(0)).shape == (7, 28, 28)
    samples = model.sample(memory, 5)
    assert samples.shape == (5, 28, 28)


def test_vae_api_for_other_packages():
    torch.manual_seed(0)
    vae = VAE(encoder="mlp", latent=4, hidden=16)
    x = torch.bernoulli(torch.full((6, 28, 28), 0.3))
    assert vae.elbo(x).shape == (6,) and (vae.elbo(x) < 0).all()
    mu, log_std = vae.encode(x)
    assert mu.shape == log_std.shape == (6, 4)
    assert vae.decode(mu).shape == (6, 28, 28)
    assert vae.sample(3, generator=torch.Generator().manual_seed(1)).shape == (3, 28, 28)


def test_training_lowers_the_bound_and_is_reproducible(digits):
    train, _ = digits
    runs = []
    for _ in range(2):
        torch.manual_seed(0)
        model = make_model("km", **SMALL["km"])
        runs.append(fit(model, train, steps=40, episode=8, batch=2, lr=3e-3, log_every=20, progress=False))
    assert runs[0] == [{**h, "seconds": runs[0][i]["seconds"]} for i, h in enumerate(runs[1])]
    assert runs[0][-1]["objective"] < runs[0][0]["objective"]


def test_evaluation_is_deterministic_and_counts_images(digits):
    _, test = digits
    model = make_model("dkm", **SMALL["dkm"])
    a = evaluate_bound(model, test, episode=16, seed=3)
    b = evaluate_bound(model, test, episode=16, seed=3)
    assert a == b and a["n"] == 256 and a["episode"] == 16
    assert evaluate_bound(model, test, episode=16, repeats=2)["n"] == 512


@pytest.fixture(scope="module")
def fitted(digits):
    """The models after the same short fit (150 steps of 4 episodes of 16 digits); "km-ref" is a
    KM trained on the DeepMind module's objective."""
    train, _ = digits
    models = {}
    extra = {"vae": ("vae", {}), "km": ("km", {"memory_rows": 16, "address_size": 8}),
             "dkm": ("dkm", {"memory_rows": 16}),
             "km-ref": ("km", {"memory_rows": 32, "address_size": 16, "objective": "reference"})}
    for name, (kind, settings) in extra.items():
        torch.manual_seed(0)
        models[name] = make_model(kind, latent=16 if kind != "dkm" else 32, hidden=128, **settings)
        fit(models[name], train, steps=150, episode=16, batch=4, lr=2e-3, progress=False)
    return models


def test_memory_conditional_bound_uses_the_episodes_own_memory(fitted, digits):
    """The KM's bound reads what the episode wrote: each episode conditioned on another episode's
    memory (the batch rolled by one) gets a worse bound. Trained on the true bound the KM does not
    get below the VAE (190.4 vs 189.2 nats here; see the next test and docs/benchmarks/nn.md)."""
    _, test = digits
    km = fitted["km"]
    own = evaluate_bound(km, test, episode=16)
    write = km._write_codes

    def another_episodes_memory(h, w):
        return MemoryState(*(torch.roll(t, 1, 0) for t in write(h, w)))

    with mock.patch.object(km, "_write_codes", another_episodes_memory):
        other = evaluate_bound(km, test, episode=16)
    assert own["nll_nats"] < other["nll_nats"] - 0.5, (own, other)
    assert own["nll_nats"] < own["nll_episode_nats"]
    # the VAE is trained and evaluated in the same harness (its bound is finite and comparable)
    vae = evaluate_bound(fitted["vae"], test, episode=16)
    assert vae["n"] == own["n"] and np.isfinite(vae["nll_nats"])


def test_reference_objective_puts_the_memory_conditional_bound_below_the_vaes(fitted, digits):
    """The papers' claim, under the objective of DeepMind's module (memory read at its mean,
    diagonal KL): the memory-conditional bound is well below the VAE's (183.7 vs 189.3 nats
    here). The memory pays for it: the true episode bound is above the VAE's (202.8)."""
    _, test = digits
    ref = evaluate_bound(fitted["km-ref"], test, episode=16)
    vae = evaluate_bound(fitted["vae"], test, episode=16)
    bound = evaluate_bound(fitted["km"], test, episode=16)
    assert ref["nll_nats"] < vae["nll_nats"] - 3, (ref, vae)
    assert ref["nll_episode_nats"] > vae["nll_episode_nats"], (ref, vae)
    assert ref["kl_memory_per_image"] > 2 * bound["kl_memory_per_image"], (ref, bound)


def test_dkm_iterative_reading_lowers_the_error_on_written_patterns(fitted, digits):
    _, test = digits
    dkm = fitted["dkm"]
    rng = np.random.default_rng(0)
    episode = torch.from_numpy(rng.random((16, 28, 28)) < test[:16] / 255.0).float()
    memory = dkm.write(episode)
    for noise, amount in (("salt-pepper", 0.4), ("blocks", None)):
        query = corrupt(episode, noise, amount=amount, seed=1)
        reads = dkm.read(query, memory, iterations=5, trace=True)
        errors = [bit_error(r, episode).mean().item() for r in reads]
        assert errors[-1] < 0.85 * errors[0], (noise, errors)
    # reading a written pattern itself stays close to it
    clean = dkm.read(episode, memory, iterations=5)
    assert bit_error(clean, episode).mean().item() < 0.15

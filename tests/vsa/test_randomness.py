"""Keyed randomness: the same (seed, key) gives the same vector in every process."""

import hashlib
import subprocess
import sys

import numpy as np
import pytest

import kanerva as kv

KEYS = ["peso", "dollar", 7, "ünïcode ключ"]


def digest(model: str, dim: int, seed: int) -> str:
    s = kv.MODELS[model](kv.MODELS[model].round_dim(dim), seed=seed)
    return hashlib.sha256(s.random(key=KEYS).tobytes()).hexdigest()


def test_keyed_vectors_agree_across_processes():
    code = (
        "import sys; sys.path.insert(0, {path!r}); from test_randomness import digest; "
        "print(','.join(digest(m, 1000, 42) for m in {models!r}))"
    ).format(path=__file__.rsplit("/", 1)[0], models=sorted(kv.MODELS))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    here = ",".join(digest(m, 1000, 42) for m in sorted(kv.MODELS))
    assert out.stdout.strip() == here


@pytest.mark.parametrize("model", sorted(kv.MODELS))
def test_keyed_vectors_depend_on_seed_and_key_only(model):
    dim = kv.MODELS[model].round_dim(500)
    a, b = kv.MODELS[model](dim, seed=3), kv.MODELS[model](dim, seed=3)
    a.random(10)  # unkeyed draws do not shift keyed vectors
    assert np.array_equal(a.random(key="x"), b.random(key="x"))
    assert np.array_equal(a.random(key=["x", "y"])[1], b.random(key="y"))
    assert not np.array_equal(a.random(key="x"), kv.MODELS[model](dim, seed=4).random(key="x"))
    assert not np.array_equal(a.random(key="1"), a.random(key=1))  # str and int keys differ


def test_random_vector_statistics():
    s = kv.HRR(20_000, seed=0)
    x = s.random(key="stats")
    assert abs(x.mean()) < 0.01 / np.sqrt(s.dim) * 10
    assert np.var(x) == pytest.approx(1 / s.dim, rel=0.05)
    f = kv.FHRR(20_000).random(key="stats")
    assert np.allclose(np.abs(f), 1, atol=1e-6)
    assert abs(np.angle(f).mean()) < 0.05
    bits = kv.BSC(20_000).to_bits(kv.BSC(20_000).random(key="stats"))
    assert abs(bits.mean() - 0.5) < 0.015

"""Every structure test runs in every model, at a dimension where the answers have margin."""

import pytest

import kanerva as kv

DIM = 8_192  # a multiple of 64: BSC permutes by whole-word shifts (fast); margins stay wide
SEED = 11


@pytest.fixture(params=sorted(kv.MODELS))
def space(request):
    model = kv.MODELS[request.param]
    return model(model.round_dim(DIM), seed=SEED)


@pytest.fixture
def words(space):
    """A codebook of 60 symbols w0 .. w59."""
    return kv.Codebook(space, [f"w{i}" for i in range(60)])


@pytest.fixture
def other_spaces(space):
    """Vectors that must be refused: another model, and the same model at another dimension."""
    other_model = kv.MAP if not isinstance(space, kv.MAP) else kv.BSC
    bigger = type(space).round_dim(type(space).round_dim(DIM) + 200)
    return [other_model(DIM, seed=SEED), type(space)(bigger, seed=SEED)]

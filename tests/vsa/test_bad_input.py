"""Bad input gets a clear error that names the problem."""

import numpy as np
import pytest

import kanerva as kv

MODELS = sorted(kv.MODELS)


@pytest.fixture(params=MODELS)
def s(request):
    model = kv.MODELS[request.param]
    return model(model.round_dim(200), seed=0)


def test_vectors_of_another_dimension_are_refused(s):
    other = type(s)(type(s).round_dim(300), seed=0)
    with pytest.raises(ValueError, match="another dimension"):
        s.bind(s.random(), other.random())


def test_vectors_of_another_model_are_refused(s):
    for name, model in kv.MODELS.items():
        if name == s.name:
            continue
        # a dtype of another model is a TypeError; a shape of another model (MBAT and VTB keep
        # d x d matrices) is a ValueError; both name the likely cause
        with pytest.raises((TypeError, ValueError), match="another model"):
            s.similarity(s.random(), model(model.round_dim(200)).random())


def test_bsc_vector_of_a_nearby_dimension_is_caught_by_its_padding():
    small, big = kv.BSC(200, seed=0), kv.BSC(210, seed=0)  # both 4 words
    x = big.random(50)
    with pytest.raises(ValueError, match="padding"):
        small.bundle(x)


def test_empty_bundle_is_refused(s):
    with pytest.raises(ValueError, match="empty"):
        s.bundle([])
    with pytest.raises(ValueError, match="empty"):
        s.bundle(np.empty((0,) + s.shape, dtype=s.dtype))
    with pytest.raises(ValueError, match="single vector"):
        s.bundle(s.random())


def test_nan_and_inf_are_refused():
    for s in (kv.HRR(64), kv.FHRR(64)):
        x = s.random()
        x[3] = np.nan
        with pytest.raises(ValueError, match="NaN or inf"):
            s.bind(x, s.random())
        with pytest.raises(ValueError, match="NaN or inf"):
            s.bundle(s.random(3), weights=[1.0, np.inf, 1.0])


def test_non_bipolar_map_vectors_are_refused():
    s = kv.MAP(64)
    x = s.random()
    x[0] = 0
    with pytest.raises(ValueError, match="-1 and \\+1"):
        s.similarity(x, x)


def test_wrong_types_and_shapes(s):
    with pytest.raises(TypeError, match="numpy array"):
        s.bind("abc", s.random())
    with pytest.raises(TypeError, match="dtype"):
        s.bind(np.zeros(s.shape, dtype=np.float16), s.random())
    with pytest.raises(ValueError, match="weights must have shape"):
        s.bundle(s.random(3), weights=[1, 2])
    with pytest.raises(ValueError, match="one vector"):
        s.check(s.random(2), batch=False)
    with pytest.raises(TypeError, match="shift"):
        s.permute(s.random(), 1.5)


def test_bad_settings_and_keys():
    with pytest.raises(ValueError, match="dim"):
        kv.BSC(0)
    with pytest.raises(ValueError, match="dim"):
        kv.MAP(10.5)
    with pytest.raises(TypeError, match="seed"):
        kv.HRR(10, seed="x")
    with pytest.raises(TypeError, match="key must be a str or an int"):
        kv.FHRR(10).random(key=[1.5])
    with pytest.raises(TypeError, match="key must be a str or an int"):
        kv.FHRR(10).random(key=True)
    with pytest.raises(ValueError, match="either n or key"):
        kv.BSC(10).random(3, key="a")
    with pytest.raises(ValueError, match="empty"):
        kv.BSC(10).random(key=[])
    with pytest.raises(ValueError, match="unknown model"):
        kv.space_from_config({"model": "xyz", "dim": 3})


def test_codebook_errors():
    s = kv.MAP(100)
    with pytest.raises(ValueError, match="distinct"):
        kv.Codebook(s, ["a", "a"])
    with pytest.raises(ValueError, match="at least one"):
        kv.Codebook(s, [])
    with pytest.raises(TypeError, match="Space"):
        kv.Codebook("map", ["a"])
    cb = kv.Codebook(s, ["a", "b"])
    with pytest.raises(KeyError, match="not in the codebook"):
        cb["zzz"]
    with pytest.raises(ValueError, match="k must be"):
        cb.cleanup(cb["a"], k=0)
    with pytest.raises(TypeError, match="another model"):
        cb.cleanup(kv.BSC(100).random())

"""Model files: round trip through kanerva.io; other kinds, damaged and crafted files are refused."""

import json

import numpy as np
import pytest
import torch

from kanerva.io import ModelFileError, save
from kanerva.nn import load_model, make_model, make_retrieval_model, save_model

SMALL = {"vae": dict(latent=4, hidden=16), "km": dict(latent=4, hidden=16, memory_rows=3, address_size=2),
         "dkm": dict(latent=4, hidden=16, memory_rows=3),
         "km-ref": dict(latent=4, hidden=16, memory_rows=3, address_size=2, objective="reference")}


@pytest.mark.parametrize("name", ["vae", "km", "dkm", "km-ref"])
@pytest.mark.parametrize("encoder", ["mlp", "conv"])
def test_image_models_round_trip(tmp_path, name, encoder):
    torch.manual_seed(0)
    model = make_model(name.removesuffix("-ref"), encoder=encoder, **SMALL[name])
    model.training_info_ = {"steps": 3, "episode": 8}
    save_model(model, tmp_path / "m.kanerva")
    again = load_model(tmp_path / "m.kanerva")
    assert type(again) is type(model) and again.config == model.config
    assert again.training_info_ == {"steps": 3, "episode": 8}
    for (k1, v1), (k2, v2) in zip(model.state_dict().items(), again.state_dict().items()):
        assert k1 == k2 and torch.equal(v1, v2)
    x = torch.bernoulli(torch.full((1, 5, 28, 28), 0.2))
    torch.manual_seed(1)
    a = model.negative_bound(x)["nll"]
    torch.manual_seed(1)
    b = again.negative_bound(x)["nll"]
    torch.testing.assert_close(a, b)


@pytest.mark.parametrize("name", ["fastweights", "lstm", "irnn"])
def test_retrieval_models_round_trip(tmp_path, name):
    torch.manual_seed(0)
    model = make_retrieval_model(name, hidden=6)
    save_model(model, tmp_path / "r.kanerva")
    again = load_model(tmp_path / "r.kanerva")
    tokens = torch.randint(0, 37, (3, 11))
    torch.testing.assert_close(model(tokens), again(tokens))


def test_attention_form_is_kept(tmp_path):
    model = make_retrieval_model("fastweights", hidden=6, form="attention")
    save_model(model, tmp_path / "f.kanerva")
    assert load_model(tmp_path / "f.kanerva").form == "attention"


def test_a_file_of_another_kind_is_named(tmp_path):
    save(tmp_path / "other.kanerva", "langid-model", 1, {"x": np.zeros(3)}, {})
    with pytest.raises(ModelFileError, match="holds a 'langid-model'"):
        load_model(tmp_path / "other.kanerva")
    save_model(make_retrieval_model("lstm", hidden=4), tmp_path / "lstm.kanerva")
    with pytest.raises(ModelFileError, match="holds a 'lstm' model, expected .*vae / km / dkm"):
        load_model(tmp_path / "lstm.kanerva", kinds=("vae", "km", "dkm"))


def test_corrupted_and_truncated_files_are_refused(tmp_path):
    path = tmp_path / "m.kanerva"
    save_model(make_model("km", **SMALL["km"]), path)
    raw = bytearray(path.read_bytes())
    raw[-10] ^= 0xFF
    (tmp_path / "flipped.kanerva").write_bytes(bytes(raw))
    with pytest.raises(ModelFileError, match="corrupt"):
        load_model(tmp_path / "flipped.kanerva")
    (tmp_path / "short.kanerva").write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ModelFileError):
        load_model(tmp_path / "short.kanerva")
    (tmp_path / "junk.kanerva").write_bytes(b"not a model at all, just text")
    with pytest.raises(ModelFileError, match="not a kanerva file"):
        load_model(tmp_path / "junk.kanerva")


def _arrays(model):
    return {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}


def test_crafted_files_are_refused(tmp_path):
    model = make_model("vae", **SMALL["vae"])
    meta = {"config": model.config, "training": {}}
    arrays = _arrays(model)
    arrays["head.linear.weight"][0, 0] = np.nan
    save(tmp_path / "nan.kanerva", "kanerva.nn.vae", 1, arrays, meta)
    with pytest.raises(ModelFileError, match="NaN"):
        load_model(tmp_path / "nan.kanerva")
    arrays = _arrays(model)
    arrays["head.linear.weight"] = np.zeros((3, 3), np.float32)
    save(tmp_path / "shape.kanerva", "kanerva.nn.vae", 1, arrays, meta)
    with pytest.raises(ModelFileError, match="shape"):
        load_model(tmp_path / "shape.kanerva")
    arrays = _arrays(model)
    del arrays["head.linear.bias"]
    save(tmp_path / "missing.kanerva", "kanerva.nn.vae", 1, arrays, meta)
    with pytest.raises(ModelFileError, match="missing"):
        load_model(tmp_path / "missing.kanerva")
    save(tmp_path / "config.kanerva", "kanerva.nn.vae", 1, _arrays(model), {"config": {"latent": -1}})
    with pytest.raises(ModelFileError, match="bad model settings"):
        load_model(tmp_path / "config.kanerva")
    save(tmp_path / "noconfig.kanerva", "kanerva.nn.vae", 1, _arrays(model), {"config": "x"})
    with pytest.raises(ModelFileError, match="settings"):
        load_model(tmp_path / "noconfig.kanerva")
    assert json.loads(json.dumps(meta))  # the settings are plain JSON


def test_save_refuses_other_objects(tmp_path):
    with pytest.raises(TypeError, match="kanerva.nn model"):
        save_model(torch.nn.Linear(2, 2), tmp_path / "x.kanerva")

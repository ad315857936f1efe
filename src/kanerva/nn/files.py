"""Model files for kanerva.nn: safetensors through :mod:`kanerva.io`, never pickle or torch.load.

A file holds the model's state_dict (tensors converted to numpy arrays), its settings and its
training record in the JSON header, under the kind ``kanerva.nn.<name>`` (vae, km, dkm,
fastweights, lstm, irnn). Loading rebuilds the model from the settings and checks every tensor's
name, shape and values before handing it to ``load_state_dict``, so a file of another kind, a
crafted or a corrupted file is refused with a :class:`kanerva.io.ModelFileError` that says why.
Writing is atomic: an interrupted save leaves the old file or none, never half of one.
"""

from __future__ import annotations

import os

import numpy as np
import torch

from ..io import ModelFileError, load, read_header, save
from .fast_weights import FastWeightsRNN, IRNNClassifier, LSTMClassifier
from .training import MODELS

VERSION = 1
PREFIX = "kanerva.nn."
_CLASSES = {**MODELS, "fastweights": FastWeightsRNN, "lstm": LSTMClassifier, "irnn": IRNNClassifier}
IMAGE_MODELS = tuple(MODELS)
RETRIEVAL_MODELS = ("fastweights", "lstm", "irnn")


def save_model(model, path: str | os.PathLike) -> None:
    """Write ``model`` (any kanerva.nn model) to ``path`` atomically.

    Examples
    --------
    >>> import tempfile
    >>> from kanerva.nn import VAE
    >>> path = os.path.join(tempfile.mkdtemp(), "vae.kanerva")
    >>> vae = VAE(latent=4, hidden=16)
    >>> save_model(vae, path)
    >>> again = load_model(path)
    >>> type(again).__name__, all(torch.equal(a, b) for a, b in zip(vae.state_dict().values(),
    ...                                                            again.state_dict().values()))
    ('VAE', True)
    """
    if getattr(model, "kind", None) not in _CLASSES:
        raise TypeError(f"save_model takes a kanerva.nn model, got {type(model).__name__}")
    arrays = {name: t.detach().cpu().contiguous().numpy() for name, t in model.state_dict().items()}
    meta = {"config": model.config, "training": getattr(model, "training_info_", {})}
    if hasattr(model, "form"):
        meta["form"] = model.form
    save(path, PREFIX + model.kind, VERSION, arrays, meta)


def load_model(path: str | os.PathLike, kinds: tuple[str, ...] | None = None, device=None):
    """Read a model written by :func:`save_model`.

    Parameters
    ----------
    path : file name
    kinds : tuple of model names, optional
        Accept only these (e.g. ``("vae", "km", "dkm")``); another kind is a ModelFileError.
    device : torch device, optional

    Raises
    ------
    kanerva.io.ModelFileError
        Not a kanerva file, a file of another kind, a damaged or inconsistent file.

    Examples
    --------
    >>> import tempfile
    >>> from kanerva.nn import make_retrieval_model
    >>> path = os.path.join(tempfile.mkdtemp(), "lstm.kanerva")
    >>> save_model(make_retrieval_model("lstm", hidden=4), path)
    >>> try:
    ...     load_model(path, kinds=("vae", "km", "dkm"))
    ... except ModelFileError as err:
    ...     print(str(err).split(": ", 1)[1])
    holds a 'lstm' model, expected a kanerva.nn model of kind vae / km / dkm
    """
    header = read_header(path)
    found = header["kanerva.kind"]
    name = found[len(PREFIX):] if found.startswith(PREFIX) else None
    allowed = tuple(kinds) if kinds is not None else tuple(_CLASSES)
    if name not in _CLASSES or name not in allowed:
        what = f"a {name!r} model" if name in _CLASSES else f"a {found!r}"
        raise ModelFileError(f"{path}: holds {what}, expected a kanerva.nn model of kind {' / '.join(allowed)}")
    arrays, meta = load(path, found, VERSION)
    config = meta.get("config")
    if not isinstance(config, dict):
        raise ModelFileError(f"{path}: no model settings in the header")
    try:
        model = _CLASSES[name](**config)
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"{path}: bad model settings ({exc})") from None
    if "form" in meta:
        if meta["form"] not in ("matrix", "attention"):
            raise ModelFileError(f"{path}: bad fast-weights form {meta['form']!r}")
        model.form = meta["form"]
    expected = model.state_dict()
    if set(arrays) != set(expected):
        missing, extra = sorted(set(expected) - set(arrays)), sorted(set(arrays) - set(expected))
        raise ModelFileError(f"{path}: tensors do not match a {name} model with these settings "
                             f"(missing {missing[:3]}, unexpected {extra[:3]})")
    state = {}
    for key, ref in expected.items():
        arr = arrays[key]
        if ref.ndim == 0 and arr.shape == (1,):  # safetensors stores a 0-d tensor as shape (1,)
            arr = arr.reshape(())
        if tuple(arr.shape) != tuple(ref.shape):
            raise ModelFileError(f"{path}: tensor {key} has shape {arr.shape}, expected {tuple(ref.shape)}")
        if arr.dtype.kind != "f" and ref.dtype.is_floating_point:
            raise ModelFileError(f"{path}: tensor {key} has dtype {arr.dtype}, expected floats")
        if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
            raise ModelFileError(f"{path}: tensor {key} holds NaN or infinite values")
        state[key] = torch.from_numpy(np.array(arr, copy=True)).to(ref.dtype)
    model.load_state_dict(state)
    training = meta.get("training", {})
    model.training_info_ = training if isinstance(training, dict) else {}
    model.eval()
    return model.to(device) if device is not None else model

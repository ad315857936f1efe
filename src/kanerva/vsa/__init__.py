"""Hypervector algebra: four models behind one interface (:class:`Space`)."""

from .bsc import BSC
from .dense import DenseSpace
from .fhrr import FHRR
from .hrr import HRR
from .map import MAP
from .space import Space

MODELS: dict[str, type[Space]] = {"bsc": BSC, "map": MAP, "hrr": HRR, "fhrr": FHRR}


def space_from_config(config: dict) -> Space:
    """Rebuild a space from :meth:`Space.config`.

    >>> space_from_config({"model": "map", "dim": 64, "seed": 3})
    MAP(dim=64, seed=3)
    """
    try:
        model = MODELS[str(config["model"]).lower()]
    except KeyError:
        raise ValueError(
            f"unknown model {config.get('model')!r}; expected one of {sorted(MODELS)}"
        ) from None
    return model(int(config["dim"]), seed=int(config.get("seed", 0)))


__all__ = ["BSC", "MAP", "HRR", "FHRR", "Space", "DenseSpace", "MODELS", "space_from_config"]

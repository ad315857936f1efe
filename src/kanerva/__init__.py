"""kanerva: brain-inspired distributed memory.

Hypervector algebra (BSC, MAP, HRR, FHRR, MBAT, VTB, SBC) behind one interface, the data structures built
from it, associative memories, and neural hashing and search.

>>> import kanerva as kv
>>> s = kv.MAP(1_000, seed=1)
>>> s.similarity(s.random(key="a"), s.random(key="a"))
1.0
"""

from .encoders import Codebook
from .vsa import BSC, FHRR, HRR, MAP, MBAT, MODELS, SBC, VTB, Space, space_from_config

__version__ = "0.1.0"

__all__ = ["BSC", "MAP", "HRR", "FHRR", "MBAT", "VTB", "SBC", "Space", "MODELS", "space_from_config", "Codebook", "__version__"]

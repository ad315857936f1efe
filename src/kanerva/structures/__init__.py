"""Data structures built from the algebra, written once against :class:`~kanerva.Space` so
each works in every model (BSC, MAP, HRR, FHRR): sets and multisets (bundles), sequences
(permuted sums), ordered pairs and directed graphs (permute-then-bind), records and key-value
tables (bundles of bindings); beside them, tensor product representations (role-filler
structures whose size grows with depth, :mod:`.tensor_product`) and resonator networks that
factorize bound products (:mod:`.resonator`). Kanerva 2009, "Hyperdimensional computing", Cognitive
Computation 1:139-159.

Examples
--------
>>> import kanerva as kv
>>> from kanerva.structures import Sequence
>>> for model in (kv.BSC, kv.MAP, kv.HRR, kv.FHRR):
...     cb = kv.Codebook(model(10_000, seed=0), ["do", "re", "mi", "fa"])
...     print(model.__name__, Sequence(cb, ["do", "re", "mi"]).follows("re"))
BSC mi
MAP mi
HRR mi
FHRR mi
"""

from ._base import UnknownSymbolError, bound_scores, member_threshold, projection
from .pairs import DirectedGraph, Pair, pair
from .resonator import FactorizeInfo, Resonator
from .sequences import Sequence
from .sets import Multiset, Set
from .tables import HashTable, Record
from .tensor_product import TensorProduct

__all__ = [
    "Set",
    "Multiset",
    "Sequence",
    "Pair",
    "pair",
    "DirectedGraph",
    "HashTable",
    "Record",
    "TensorProduct",
    "Resonator",
    "FactorizeInfo",
    "UnknownSymbolError",
    "projection",
    "member_threshold",
    "bound_scores",
]

"""Similarity search: exact search over hypervectors, hashing for search, and approximate indexes.

Every index follows one protocol (:class:`Index`, see :mod:`kanerva.index._base`):
``add(vectors, ids=None)``, ``search(queries, k) -> (scores, ids)`` (float64 and int64, (n, k),
best first; ``larger_is_better`` says whether scores are similarities or distances),
``remove(ids)``, ``len``, ``ids``, ``save``/``load``; ``k`` above ``len(index)`` is an error.
Every hasher (:class:`Hasher`) maps vectors to uint64 codes with ``hash(X)`` and saves and loads.

- :class:`ExactIndex`: exact k-nearest neighbours, packed Hamming (BSC) or dense cosine / inner
  product, memory-mapped storage.
- :class:`HashIndex`: FlyHash or SimHash codes ranked by Hamming distance, optionally re-ranked
  by an exact metric.
- :class:`L2LSH`: p-stable LSH (:class:`L2Hash`) with multi-table bucket indexes.
- :class:`AsymmetricLSH` and the transforms of :mod:`kanerva.index.alsh`: maximum inner
  product search.
- :class:`FlyHash`, :class:`SimHash`, :class:`L2Hash`: the hashers.
- :func:`flyhash_map`: the FlyHash paper's mean-average-precision protocol.
"""

from ._base import Hasher, Index
from .alsh import AsymmetricLSH
from .evaluate import flyhash_map
from .exact import ExactIndex
from .hash_index import HashIndex
from .hashing import FlyHash, SimHash
from .lsh import L2LSH, L2Hash

__all__ = ["Index", "Hasher", "ExactIndex", "HashIndex", "L2LSH", "AsymmetricLSH", "FlyHash", "SimHash", "L2Hash",
           "flyhash_map"]

"""Similarity search: exact search over hypervectors and hashing for search.

- :class:`ExactIndex`: exact k-nearest neighbours, packed Hamming (BSC) or dense cosine / inner
  product, stable ids, save/load, memory-mapped storage.
- :class:`FlyHash`, :class:`SimHash`: binary hashes as packed bits (searchable by ExactIndex).
- :class:`L2LSH`: p-stable LSH with multi-table bucket indexes.
- :class:`AsymmetricLSH` and the transforms of :mod:`kanerva.index.alsh`: maximum inner
  product search.
- :func:`flyhash_map`: the FlyHash paper's mean-average-precision protocol.
"""

from .alsh import AsymmetricLSH
from .exact import ExactIndex
from .evaluate import flyhash_map
from .hashing import FlyHash, SimHash
from .lsh import L2LSH

__all__ = ["ExactIndex", "FlyHash", "SimHash", "L2LSH", "AsymmetricLSH", "flyhash_map"]

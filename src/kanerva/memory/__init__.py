"""Associative memories: return a stored pattern from a noisy or partial cue (auto-association)
or a value from its key (hetero-association).

Every memory follows one protocol (:class:`AssociativeMemory`, see :mod:`kanerva.memory._base`):
it is built on a space or an int dim (``Hopfield(kv.MAP(1_000))``, ``ModernHopfield(64)``), stores
with ``write(keys, values=None)``, answers ``read(cues, *, steps=None, return_info=False)`` for one
cue or a batch, and has ``len(memory)``, ``memory.save(path)`` and ``Cls.load(path)``. The same
script works with any of them by changing one line (``examples/memory_swap.py``).

- :class:`Hopfield` (Hopfield 1982; Storkey 1997; Personnaz et al. 1985)
- :class:`DenseAssociativeMemory` (Krotov & Hopfield 2016; Demircigil et al. 2017)
- :class:`ModernHopfield` and :func:`attention` (Ramsauer et al. 2020)
- :class:`SparseDistributedMemory` (Kanerva 1988)
- :class:`FastWeights` (Ba et al. 2016)
- :class:`CleanupMemory` (the item memory of hyperdimensional computing)

``steps=None`` iterates to a fixed point and warns with :class:`NotConvergedWarning` when
``max_steps`` stops it; ``return_info=True`` adds a per-cue :class:`ReadInfo`.

>>> import kanerva as kv
>>> from kanerva import memory
>>> memory.Hopfield(kv.BSC(16), rule="storkey")
Hopfield(BSC(dim=16, seed=0), rule='storkey', patterns=0)
"""

from ._base import AssociativeMemory, NotConvergedWarning, ReadInfo
from .cleanup import CleanupMemory
from .dense import DenseAssociativeMemory
from .fast_weights import FastWeights, retrieval_demo
from .hopfield import Hopfield
from .modern import ModernHopfield, attention
from .sdm import SparseDistributedMemory, activation_probability, kanerva_optimal_activation, radius_for

__all__ = [
    "AssociativeMemory", "NotConvergedWarning", "ReadInfo", "Hopfield", "DenseAssociativeMemory",
    "ModernHopfield", "attention", "SparseDistributedMemory", "activation_probability",
    "kanerva_optimal_activation", "radius_for", "FastWeights", "retrieval_demo", "CleanupMemory",
]

"""Associative memories: return a stored pattern from a noisy or partial cue (auto-association)
or a value from its key (hetero-association).

Every memory follows one protocol (:mod:`kanerva.memory._base`): ``write(keys, values=None)``,
``read(cues, ...)`` on a batch, ``len(memory)``, ``memory.save(path)`` and ``Cls.load(path)``.

- :class:`Hopfield` (Hopfield 1982; Storkey 1997; Personnaz et al. 1985)
- :class:`DenseAssociativeMemory` (Krotov & Hopfield 2016; Demircigil et al. 2017)
- :class:`ModernHopfield` and :func:`attention` (Ramsauer et al. 2020)
- :class:`SparseDistributedMemory` (Kanerva 1988)
- :class:`FastWeights` (Ba et al. 2016)
- :class:`CleanupMemory` (item memory over a :class:`kanerva.Codebook`)

Iterative reads that hit their step limit warn with :class:`NotConvergedWarning`; pass
``return_info=True`` for per-cue :class:`ReadInfo`.

>>> from kanerva import memory
>>> memory.Hopfield(16, rule="storkey")
Hopfield(dim=16, rule='storkey', patterns=0)
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

"""'What is the dollar of Mexico?' (Kanerva 2010, "What we mean when we say 'What's the dollar
of Mexico?': Prototypes and mapping in concept space", AAAI Fall Symposium on Quantum
Informatics for Cognitive, Social, and Semantic Processes).

Countries are records (holistic vectors) of role-filler bindings,
``US = NAME (x) USA + MONEY (x) DOLLAR (+ CAPITAL (x) WDC)`` and likewise ``MX``. Binding one
record with the inverse of the other gives a mapping between them,
``M = US^-1 (x) MX``, whose terms ``DOLLAR^-1 (x) PESO`` (the roles cancel) map each US filler
to the Mexican filler of the same role; ``DOLLAR (x) M`` is then most similar to PESO. For the
self-inverse models (BSC, MAP) this is the paper's ``DOLLAR (x) US (x) MX``; the order written
here is the one that also holds where binding does not commute (MBAT, VTB).

Examples
--------
>>> import kanerva as kv
>>> [dollar_of_mexico(M(10_000, seed=7))[0] for M in (kv.BSC, kv.MAP, kv.HRR, kv.FHRR, kv.MBAT, kv.VTB)]
['peso', 'peso', 'peso', 'peso', 'peso', 'peso']
"""

from __future__ import annotations

from collections.abc import Mapping

from ..encoders import Codebook
from ..structures import Record
from ..vsa import Space

US = {"name": "usa", "money": "dollar", "capital": "wdc"}
MEXICO = {"name": "mexico", "money": "peso", "capital": "mxc"}


def analogy(space: Space, source: Mapping[str, str], target: Mapping[str, str], query: str) -> tuple[str, float]:
    """"What is the ``query`` of ``target``?", where ``query`` is a filler of ``source``.

    ``source`` and ``target`` are records (role -> filler); returns the filler of ``target``
    found by mapping, and its similarity. No role is named in the question: the mapping finds
    which role ``query`` plays.

    Examples
    --------
    >>> import kanerva as kv
    >>> france = {"name": "france", "money": "euro", "capital": "paris"}
    >>> japan = {"name": "japan", "money": "yen", "capital": "tokyo"}
    >>> analogy(kv.FHRR(10_000, seed=1), france, japan, "paris")[0]
    'tokyo'
    """
    roles = Codebook(space, sorted(set(source) | set(target)))
    fillers = Codebook(space, sorted(set(source.values()) | set(target.values())))
    src, dst = Record(roles, fillers, source), Record(roles, fillers, target)
    # query (x) src^-1 (x) dst, in this order, so that non-commuting bindings (MBAT, VTB: matrix
    # products, records bind role (x) filler) map the query's role back onto the target's filler
    mapping = space.bind(space.inverse(src.vector), dst.vector)
    answer = space.bind(fillers[query], mapping)
    (symbol, sim), = fillers.cleanup(answer, k=1)
    return symbol, sim


def dollar_of_mexico(space: Space, with_capital: bool = False) -> tuple[str, float]:
    """Answer "what is the dollar of Mexico?"; returns (symbol, similarity).

    ``with_capital`` adds the third field (CAPITAL: Washington DC / Mexico City) of the paper.
    """
    fields = ["name", "money"] + (["capital"] if with_capital else [])
    return analogy(space, {f: US[f] for f in fields}, {f: MEXICO[f] for f in fields}, "dollar")

"""'What is the dollar of Mexico?' (Kanerva 2010, "What we mean when we say 'What's the dollar
of Mexico?'", AAAI Fall Symposium).

Countries are records (holistic vectors) of role-filler bindings; binding the two records gives
a mapping between them, and binding that mapping with DOLLAR gives (approximately) PESO.

Examples
--------
>>> import kanerva as kv
>>> [dollar_of_mexico(M(10_000, seed=7))[0] for M in (kv.BSC, kv.MAP, kv.HRR, kv.FHRR)]
['peso', 'peso', 'peso', 'peso']
"""

from __future__ import annotations

from ..encoders import Codebook
from ..vsa import Space

FILLERS = ["usa", "mexico", "dollar", "peso", "wdc", "mxc"]


def dollar_of_mexico(space: Space, with_capital: bool = False) -> tuple[str, float]:
    """Answer "what is the dollar of Mexico?"; returns (symbol, similarity).

    ``with_capital`` adds the third field (CAPITAL: Washington DC / Mexico City) of the paper.
    """
    cb = Codebook(space, ["name", "money", "capital"] + FILLERS)
    us_fields = [("name", "usa"), ("money", "dollar")] + ([("capital", "wdc")] if with_capital else [])
    mx_fields = [("name", "mexico"), ("money", "peso")] + ([("capital", "mxc")] if with_capital else [])
    us = space.bundle([space.bind(cb[r], cb[f]) for r, f in us_fields])
    mx = space.bundle([space.bind(cb[r], cb[f]) for r, f in mx_fields])
    mapping = space.bind(mx, space.inverse(us))  # MX (x) US^-1: maps US fillers to MX fillers
    answer = space.bind(mapping, cb["dollar"])
    fillers = Codebook(space, FILLERS)
    (symbol, sim), = fillers.cleanup(answer, k=1)
    return symbol, sim

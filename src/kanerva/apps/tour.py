"""A short tour of the algebra, printed by `kanerva tour` (and `make demo`): in every model
(BSC, MAP, HRR, FHRR, matrix binding MBAT, vector-derived transformation binding VTB, sparse
block codes SBC), an analogy (Kanerva 2010), a sequence query (Kanerva 2009: item at a position,
what follows X) and a record query (read a field, substitute a field), one line each.

Examples
--------
>>> for line in run_tour(dim=10_000, seed=7, models=["map"]):
...     print(line)
MAP   analogy   what is the dollar of Mexico? -> peso (similarity ...)
MAP   sequence  mon tue wed thu fri: item 2 -> wed; what follows thu? -> fri
MAP   record    {name: ada, born: 1815, city: london}: city -> london; set city := paris, then city -> paris, name -> ada
"""

from __future__ import annotations

from collections.abc import Iterator

from ..encoders import Codebook
from ..structures import Record, Sequence
from ..vsa import MODELS, Space
from .analogy import dollar_of_mexico

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PERSON = {"name": "ada", "born": "1815", "city": "london"}
FILLERS = ["ada", "alan", "1815", "1912", "london", "paris"]


def sequence_line(space: Space) -> str:
    """Encode five weekdays as a sequence; read position 2 and what follows "thu".

    Examples
    --------
    >>> import kanerva as kv
    >>> sequence_line(kv.HRR(10_000, seed=0))
    'sequence  mon tue wed thu fri: item 2 -> wed; what follows thu? -> fri'
    """
    seq = Sequence(Codebook(space, DAYS), DAYS[:5])
    return (f"sequence  {' '.join(DAYS[:5])}: item 2 -> {seq[2]}; "
            f"what follows thu? -> {seq.follows('thu')}")


def record_line(space: Space) -> str:
    """Encode a person record; read a field, substitute it, read again.

    Examples
    --------
    >>> import kanerva as kv
    >>> record_line(kv.BSC(10_000, seed=0)).endswith("then city -> paris, name -> ada")
    True
    """
    record = Record(Codebook(space, list(PERSON)), Codebook(space, FILLERS), PERSON)
    moved = record.substitute("city", "paris")
    shown = ", ".join(f"{role}: {filler}" for role, filler in PERSON.items())
    return (f"record    {{{shown}}}: city -> {record.read('city')}; "
            f"set city := paris, then city -> {moved.read('city')}, name -> {moved.read('name')}")


def run_tour(dim: int = 10_000, seed: int = 7, models: list[str] | None = None) -> Iterator[str]:
    """Lines describing each query and its answer, for each model (default: all of
    :data:`kanerva.vsa.MODELS`). A model that takes only some dimensions (MBAT and VTB a
    perfect square, SBC whole blocks) runs at the nearest one it takes."""
    for name in models or list(MODELS):
        if name not in MODELS:
            raise ValueError(f"unknown model {name!r}; expected one of {sorted(MODELS)}")
        space = MODELS[name](MODELS[name].round_dim(dim), seed=seed)
        symbol, sim = dollar_of_mexico(space)
        tag = f"{name.upper():5s} "
        yield tag + f"analogy   what is the dollar of Mexico? -> {symbol} (similarity {sim:.3f})"
        yield tag + sequence_line(space)
        yield tag + record_line(space)

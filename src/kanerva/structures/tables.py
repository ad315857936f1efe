"""Key-value tables and records as bundles of bound pairs (Kanerva 2009, "Hyperdimensional
computing", Cognitive Computation 1:139-159, section "Named tuples"; Plate 1995).

A record (named tuple) is ``H = N (x) X + D (x) M + A (x) Y``: each role (N, D, A) bound to
its filler (X, M, Y), the bindings bundled. The filler of role D is ``D^-1 (x) H`` cleaned up
against the fillers; here it is read as the filler f whose binding ``D (x) f`` is most
similar to H (:func:`~kanerva.structures._base.bound_scores`), which equals the unbind-and-
clean-up for BSC, MAP and FHRR and avoids the approximate inverse for HRR. A field is
substituted on the exact raw sum, ``H' = H - D (x) M + D (x) M'``.

A key-value hash table is the same construction with many keys. Capacity: a table of n pairs
reads back reliably while the member similarity (about 0.8 / sqrt(n), see
:mod:`kanerva.structures.sets`) stays well above the noise 1 / sqrt(D) of the m wrong
candidates; at D = 10,000 and a few hundred values that is about 100-150 pairs.

Examples
--------
>>> import kanerva as kv
>>> s = kv.BSC(10_000, seed=4)
>>> roles = kv.Codebook(s, ["name", "date", "age"])
>>> fillers = kv.Codebook(s, ["alice", "bob", "may", "june", "30", "31"])
>>> h = Record(roles, fillers, {"name": "alice", "date": "may", "age": "30"})
>>> h["date"], h.substitute("age", "31")["age"], h["age"]
('may', '31', '30')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from ._base import Structure, bound_scores, check_codebook, encode, same_space


class HashTable(Structure):
    """Key -> value associations in one hypervector (a bundle of ``key (x) value``).

    Parameters
    ----------
    keys : Codebook
        The keys.
    values : Codebook, optional
        The values (default: the same codebook as ``keys``); must share the space of ``keys``.
    items : mapping or iterable of (key, value), optional

    Examples
    --------
    >>> import kanerva as kv
    >>> s = kv.FHRR(10_000, seed=4)
    >>> table = HashTable(kv.Codebook(s, ["fr", "de", "it"]), kv.Codebook(s, ["paris", "berlin", "rome"]))
    >>> table["fr"] = "paris"
    >>> table.update({"de": "berlin", "it": "rome"})
    >>> table["de"], "it" in table, len(table)
    ('berlin', True, 3)
    >>> del table["de"]
    >>> "de" in table, table.get("fr")
    (False, 'paris')
    """

    kind = "table"

    def __init__(self, keys, values=None, items: Mapping | Iterable = ()):
        super().__init__(check_codebook(keys, "keys"))
        self.values = check_codebook(values, "values") if values is not None else self.codebook
        same_space(self.codebook, self.values)
        self.update(items)

    @property
    def keys(self):
        """The codebook of keys."""
        return self.codebook

    def put(self, key, value) -> None:
        """Add the association key -> value (a second value for the same key is superposed)."""
        self.update([(key, value)])

    def update(self, items: Mapping | Iterable) -> None:
        """Add several associations from a mapping or (key, value) pairs."""
        pairs = items.items() if isinstance(items, Mapping) else items
        bound = []
        for item in pairs:
            if not isinstance(item, tuple) or len(item) != 2:
                raise ValueError(f"expected (key, value) pairs, got {item!r}")
            key, value = item
            bound.append(self.space.bind(encode(self.codebook, key, "key"), encode(self.values, value, "value")))
        if bound:
            self._add(np.stack(bound))

    def scores(self, key) -> np.ndarray:
        """Similarity of ``key (x) v`` to the table for every value v, (len(values),)."""
        k = encode(self.codebook, key, "key")
        if self.acc is None:
            raise ValueError(f"the {self.kind} is empty: nothing stored under {key!r}")
        return bound_scores(self.space, self.vector, k, self.values.vectors)

    def lookup(self, key, top: int = 1) -> list[tuple]:
        """The ``top`` most likely values of ``key`` as (value, similarity), best first."""
        scores = self.scores(key)
        order = np.argsort(-scores, kind="stable")[:top]
        return [(self.values.symbols[i], float(scores[i])) for i in order]

    def get(self, key, default=None):
        """The value stored under ``key``, or ``default`` if ``key`` is not in the table."""
        if self.acc is None:
            encode(self.codebook, key, "key")  # a wrong key is still an error
            return default
        (value, score), = self.lookup(key)
        return value if score > self.threshold else default

    def __getitem__(self, key):
        """The value stored under ``key``; KeyError if there is none."""
        value = self.get(key, default=_MISSING)
        if value is _MISSING:
            raise KeyError(f"no value stored under {key!r} in the {self.kind}")
        return value

    def __contains__(self, key) -> bool:
        return self.get(key, default=_MISSING) is not _MISSING

    def __len__(self) -> int:
        """Number of associations (pairs added minus pairs removed)."""
        return int(round(self.n))

    def remove(self, key) -> None:
        """Remove the value stored under ``key`` (exactly, on the raw sum)."""
        value = self[key]
        bound = self.space.bind(encode(self.codebook, key, "key"), self.values[value])
        self._add(bound[None], weights=np.array([-1]))

    __delitem__ = remove

    def __setitem__(self, key, value) -> None:
        """Store ``value`` under ``key``, replacing the value already there."""
        if key in self:
            self.remove(key)
        self.put(key, value)


_MISSING = object()


class Record(HashTable):
    """A record (named tuple) ``H = sum_roles role (x) filler``: read and substitute fields.

    Parameters
    ----------
    roles : Codebook
        The field names.
    fillers : Codebook
        The field values; must share the space of ``roles``.
    fields : mapping of role -> filler

    Examples
    --------
    >>> import kanerva as kv
    >>> s = kv.HRR(10_000, seed=4)
    >>> r = Record(kv.Codebook(s, ["x", "y"]), kv.Codebook(s, ["0", "1", "2"]), {"x": "1", "y": "2"})
    >>> r.read("x"), r.substitute("x", "0").read("x"), r.fields()
    ('1', '0', {'x': '1', 'y': '2'})
    """

    kind = "record"

    def __init__(self, roles, fillers, fields: Mapping | Iterable = ()):
        super().__init__(roles, fillers, fields)

    def read(self, role):
        """The filler of ``role`` (KeyError if the record has no such field)."""
        return self[role]

    def fields(self) -> dict:
        """Every role of the codebook present in the record, with its filler."""
        out = {}
        for role in self.codebook.symbols:
            value = self.get(role, default=_MISSING)
            if value is not _MISSING:
                out[role] = value
        return out

    def substitute(self, role, filler) -> "Record":
        """A new record with ``role`` set to ``filler``: ``H - role (x) old + role (x) new``."""
        new = Record(self.codebook, self.values)
        new.acc, new.n = (None if self.acc is None else self.acc.copy()), self.n
        new[role] = filler
        return new

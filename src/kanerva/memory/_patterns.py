"""What a memory's patterns are, checked on the way in and converted on the way out.

Every memory is built on a :class:`~kanerva.vsa.Space` or on an int ``dim`` (its first
argument). With a space, patterns are that space's vectors and reads return vectors of that
space; with an int, patterns are plain numpy arrays of that width. Memories come in two kinds:

- ``"binary"`` memories (Hopfield, dense associative memory, SDM) run on +-1 states. They take
  a :class:`~kanerva.BSC` space (packed bits; bit b is the state 1 - 2b, as in the algebra) or a
  :class:`~kanerva.MAP` space (int8 +-1); an int ``dim`` means +-1 arrays of any numeric dtype
  (read back as int8).
- ``"real"`` memories (modern Hopfield, fast weights, cleanup) run on real rows. With a space
  they use its real features (``space.to_features``: dot products are ``dim * similarity``) and
  normalize results back into the space; an int ``dim`` means real float arrays of that width,
  returned as they come out of the dynamics.

Examples
--------
>>> import kanerva as kv
>>> p = Patterns(kv.BSC(8, seed=0), "Hopfield", "binary")
>>> states, single = p.bipolar(p.space.random(key="a"), "pattern")
>>> states.dtype, states.shape, single
(dtype('int8'), (1, 8), True)
>>> bool((p.from_bipolar(states)[0] == p.space.random(key="a")).all())
True
>>> Patterns(16, "Hopfield", "binary").describe()
'+-1 arrays of width 16'
"""

from __future__ import annotations

import numpy as np

from .._checks import positive_int
from ..vsa import BSC, MAP, Space, space_from_config

KINDS = ("binary", "real")


class Patterns:
    """The pattern form of one memory: a space, or plain arrays of width ``dim``.

    Parameters
    ----------
    space : Space or int
        The space of the patterns, or the width of plain arrays.
    owner : str
        The memory's name, for error messages.
    kind : {"binary", "real"}
        Which dynamics the memory runs (see the module docstring).
    """

    def __init__(self, space, owner: str, kind: str):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        self.owner, self.kind = owner, kind
        if isinstance(space, Space):
            if kind == "binary" and not isinstance(space, (BSC, MAP)):
                raise TypeError(f"{owner} stores binary patterns: give it a kv.BSC or kv.MAP space (or an int "
                                f"dim for +-1 arrays), not {space!r}")
            self.space, self.dim = space, space.dim
        elif isinstance(space, (int, np.integer)) and not isinstance(space, bool):
            self.space, self.dim = None, positive_int(space, "dim", 2 if kind == "binary" else 1)
        else:
            raise TypeError(f"{owner} takes a kv Space or an int dim as its first argument, got "
                            f"{type(space).__name__}: {space!r}")
        self.width = self.dim if self.space is None else (self.dim if kind == "binary" else self.space.feature_dim)

    def __repr__(self) -> str:
        return repr(self.space) if self.space is not None else str(self.dim)

    def describe(self) -> str:
        """The expected form, in words (for error messages)."""
        if self.space is not None:
            return f"vectors of {self.space!r} (dtype {np.dtype(self.space.dtype)}, shape (..., " \
                   f"{', '.join(map(str, self.space.shape))}))"
        return f"+-1 arrays of width {self.dim}" if self.kind == "binary" else f"real arrays of width {self.dim}"

    # ---- files --------------------------------------------------------------------------

    def config(self) -> dict:
        """What :meth:`from_config` needs to rebuild this form (goes into a memory's file)."""
        return {"space": None if self.space is None else self.space.config(), "dim": self.dim}

    @classmethod
    def from_config(cls, config: dict, owner: str, kind: str) -> Patterns:
        space = config["space"]
        return cls(int(config["dim"]) if space is None else space_from_config(space), owner, kind)

    # ---- in and out ---------------------------------------------------------------------

    def vectors(self, x, name: str) -> tuple[np.ndarray, bool]:
        """Vectors of the space as a batch (n, *shape), and whether ``x`` was one vector."""
        try:
            x = self.space.check(x, name)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{self.owner}: {exc}") from None
        single = x.ndim == len(self.space.shape)
        return x.reshape((-1,) + tuple(self.space.shape)), single

    def _plain_batch(self, x, name: str) -> tuple[np.ndarray, bool]:
        arr = np.asarray(x)
        if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool) \
                or np.iscomplexobj(arr):
            raise TypeError(f"{self.owner}: {name} must be {self.describe()}, got dtype {arr.dtype}")
        single = arr.ndim == 1
        arr = arr[None] if single else arr
        if arr.ndim != 2 or arr.shape[1] != self.dim:
            raise ValueError(f"{self.owner}: {name} must have shape (n, {self.dim}) or ({self.dim},) "
                             f"({self.describe()}), got {np.shape(x)}")
        return arr, single

    def bipolar(self, x, name: str) -> tuple[np.ndarray, bool]:
        """Binary patterns as int8 +-1 states (n, dim), and whether ``x`` was one pattern."""
        if self.space is not None:
            x, single = self.vectors(x, name)
            if isinstance(self.space, BSC):
                return (1 - 2 * self.space.to_bits(x).astype(np.int8)).astype(np.int8), single
            return x, single
        arr, single = self._plain_batch(x, name)
        ok = (arr == 1) | (arr == -1)
        if not ok.all():
            bad = arr[~ok][:3].tolist()
            raise ValueError(f"{self.owner}: {name} must hold +1/-1 only ({self.describe()}), found e.g. {bad}; "
                             f"map 0/1 bits with 1 - 2 * bits")
        return arr.astype(np.int8, copy=False), single

    def from_bipolar(self, states: np.ndarray) -> np.ndarray:
        """+-1 states (n, dim) back in the pattern form."""
        if isinstance(self.space, BSC):
            return self.space.from_bits(states < 0)
        return np.ascontiguousarray(states, dtype=np.int8)

    def packed(self, x, name: str) -> tuple[np.ndarray, bool]:
        """Binary patterns as packed bits (n, words) in the BSC layout (bit set = state -1)."""
        if isinstance(self.space, BSC):
            return self.vectors(x, name)
        states, single = self.bipolar(x, name)
        return self.bits_space.from_bits(states < 0), single

    def from_packed(self, words: np.ndarray) -> np.ndarray:
        """Packed bits (n, words) back in the pattern form."""
        if isinstance(self.space, BSC):
            return words
        return (1 - 2 * self.bits_space.to_bits(words).astype(np.int8)).astype(np.int8)

    @property
    def bits_space(self) -> BSC:
        """The BSC space of the packed form (MAP's own packed space; BSC(dim) for plain arrays)."""
        if isinstance(self.space, BSC):
            return self.space
        return self.space.packed_space() if self.space is not None else BSC(self.dim)

    def real(self, x, name: str, dtype=None) -> tuple[np.ndarray, bool]:
        """Real rows (n, width): the space's features, or the plain arrays as ``dtype`` (default:
        float32 stays float32, anything else float64). Non-finite values are refused."""
        if self.space is not None:
            x, single = self.vectors(x, name)
            with np.errstate(over="ignore", invalid="ignore"):
                rows = self.space.to_features(x)
            if not np.isfinite(rows).all():
                raise ValueError(f"{self.owner}: {name} holds values too large for real features")
            return (rows if dtype is None else rows.astype(dtype, copy=False)), single
        arr, single = self._plain_batch(x, name)
        if dtype is None:
            dtype = np.float32 if arr.dtype == np.float32 else np.float64
        arr = arr.astype(dtype, copy=False)
        if not np.isfinite(arr).all():
            raise ValueError(f"{self.owner}: {name} contains NaN or infinite values")
        return arr, single

    def from_real(self, rows: np.ndarray) -> np.ndarray:
        """Real rows back in the pattern form: normalized into the space, or as they are."""
        if self.space is None:
            return rows
        return self.space.normalize(self.space.from_features(rows))

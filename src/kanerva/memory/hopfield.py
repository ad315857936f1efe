"""Hopfield network: +-1 states, three learning rules, synchronous and asynchronous recall.

Hopfield (1982), "Neural networks and physical systems with emergent collective computational
abilities", PNAS 79:2554. States sigma in {-1, +1}^N evolve by sigma_i <- sign(sum_j w_ij sigma_j)
(eq. 1 there), which never raises the energy E = -1/2 sigma^T W sigma under asynchronous
updates (one unit at a time); synchronous updates (all units at once) may end in a 2-cycle.

Learning rules (patterns xi^mu as the rows of Xi, P of them; self-couplings w_ii = 0 always):

- ``"hebb"``: W = (1/N) sum_mu xi^mu xi^mu^T. Capacity alpha_c = P/N ~ 0.138 (Amit, Gutfreund &
  Sompolinsky 1985, PRL 55:1530); all patterns exact only for P <~ N / (4 ln N) (McEliece et al.
  1987). Stored as the patterns, not an N x N matrix: the synchronous field is
  (Xi^T (Xi sigma) - P sigma) / N, which costs 2NP per cue instead of N^2 (P < N/2 is all a
  Hebbian net can hold anyway); the overlaps Xi sigma come from XOR + popcount on packed bits
  (NP/64 word operations). The product Xi^T (Xi sigma) is done by table lookups: for 8 cues
  and each group of 5 patterns the 32 signed sums of their overlaps form a table, and each unit
  adds one table row per group (P/5 8-lane int32 adds per unit and 8 cues instead of P
  multiply-adds per unit and cue; exact; see ``_hebb_kernel``). Asynchronous reads build W
  once per call.
- ``"storkey"``: Storkey (1997), "Increasing the capacity of a Hopfield network without
  sacrificing functionality", ICANN: w_ij += (1/N)(xi_i xi_j - xi_i h_ji - h_ij xi_j) with
  h_ij = sum_{k != i, j} w_ik xi_k; local, incremental, capacity about 0.2 N.
- ``"pinv"``: projection (pseudo-inverse) rule, Personnaz, Guyon & Dreyfus (1985);
  W = Xi^T (Xi Xi^T)^+ Xi with the diagonal removed (Kanter & Sompolinsky 1987). Every pattern
  is a fixed point while P < N (its field is (1 - w_ii) xi_i with w_ii ~ P/N < 1).

Examples
--------
>>> import kanerva as kv
>>> s = kv.MAP(200, seed=0)                    # patterns are MAP vectors (int8 +-1); kv.BSC works too
>>> patterns = s.random(10)
>>> net = Hopfield(s, rule="hebb")
>>> net.write(patterns)
>>> noisy = patterns.copy(); noisy[:, :20] *= -1          # 10% of the bits flipped
>>> bool((net.read(noisy) == patterns).all())
True
>>> len(net)
10
"""

from __future__ import annotations

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from ..vsa import _bits
from ..vsa._simd import check_flat as _check_flat
from ..vsa._simd import vector_ptr as _vector_ptr
from ._base import AssociativeMemory, ReadInfo, run_sync, sync_update

RULES = ("hebb", "storkey", "pinv")
MODES = ("sync", "async")
_EXACT_F32 = 2**24  # float32 adds integers exactly below this
_GROUP = 5  # patterns per table lookup of the Hebbian step (32-entry tables: all in L1)
_SENTINEL = 1 << 30  # int32 field of the padding dimensions (never flips); |fields| <= P N below it


class Hopfield(AssociativeMemory):
    """A Hopfield network of ``dim`` +-1 units (see the module docstring).

    Parameters
    ----------
    space : kv.BSC, kv.MAP or int
        The patterns: vectors of a BSC space (packed bits, bit b is the state 1 - 2b) or of a MAP
        space (int8 +-1), or, for an int ``dim``, +-1 arrays of that width. The number of units
        is the dimension.
    rule : {"hebb", "storkey", "pinv"}
        Learning rule.
    seed : int
        Seeds the unit order of asynchronous updates (reads are deterministic).

    Examples
    --------
    >>> import numpy as np
    >>> net = Hopfield(64, rule="pinv")
    >>> p = np.where(np.random.default_rng(1).random((20, 64)) < 0.5, -1, 1)
    >>> net.write(p)
    >>> bool((net.read(p, steps=1) == p).all())      # P < N: every pattern is a fixed point
    True
    """

    kind = "hopfield"

    def __init__(self, space, rule: str = "hebb", seed: int = 0):
        super().__init__(space)
        if rule not in RULES:
            raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
        self.rule = rule
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"seed must be an integer, got {seed!r}")
        self.seed = int(seed)
        self._keep(np.zeros((0, self.dim), dtype=np.int8))
        self._weights = np.zeros((self.dim, self.dim)) if rule == "storkey" else None
        self._cinv = None  # pinv: (Xi Xi^T)^+
        self._diag = None  # pinv: w_ii before removal

    def __repr__(self) -> str:
        return f"Hopfield({self.patterns!r}, rule={self.rule!r}, patterns={len(self)})"

    # ---- learning -----------------------------------------------------------------------

    def write(self, keys, values=None) -> None:
        """Store patterns (one or a batch); auto-associative only (``values`` must be None)."""
        self._mode(values)
        xi, _ = self.patterns.bipolar(keys, "patterns")
        self._hetero = False
        self._keep(np.concatenate([self.patterns_, xi]))
        self._count = len(self.patterns_)
        if self.rule == "storkey":
            self._storkey(xi.astype(np.float64))
        elif self.rule == "pinv":
            x = self.patterns_.astype(np.float64)
            self._cinv = np.linalg.pinv(x @ x.T, hermitian=True)
            self._diag = np.einsum("mi,mn,ni->i", x, self._cinv, x)

    def _keep(self, patterns: np.ndarray) -> None:
        self.patterns_ = patterns  # +-1 int8 (P, dim), whatever form they were written in
        self._xf = patterns.astype(np.float32 if patterns.size < _EXACT_F32 else np.float64)  # for BLAS (exact)
        self._bits = _pack_signs(patterns)
        self._offsets = None  # Hebbian step tables, built at the first read

    def _storkey(self, xi: np.ndarray) -> None:
        for x in xi:
            _storkey_update(self._weights, x, self._weights @ x)

    def weights(self) -> np.ndarray:
        """The dense coupling matrix W (dim, dim), zero diagonal.

        >>> net = Hopfield(3); net.write([[1, -1, 1]])
        >>> (net.weights() * 3).round().astype(int).tolist()
        [[0, -1, 1], [-1, 0, -1], [1, -1, 0]]
        """
        if self.rule == "storkey":
            return self._weights.copy()
        x = self.patterns_.astype(np.float64)
        w = x.T @ (self._cinv @ x) if self.rule == "pinv" and len(x) else x.T @ x / self.dim
        np.fill_diagonal(w, 0.0)
        return w

    # ---- recall -------------------------------------------------------------------------

    def field(self, states) -> np.ndarray:
        """Local fields h = W sigma for states in the pattern form, (n, dim) float.

        >>> net = Hopfield(4); net.write([[1, 1, -1, -1]])
        >>> net.field([[1, 1, -1, -1]]).tolist()
        [[0.75, 0.75, -0.75, -0.75]]
        """
        s, _ = self.patterns.bipolar(states, "states")
        return self._field(s) / (self.dim if self.rule == "hebb" else 1.0)

    def _drive(self, s: np.ndarray) -> tuple[np.ndarray, np.ndarray | float]:
        """(g, d) with field = g - d * s: the coupling product and the removed self-coupling.

        Hebb: N times the field, exact integers (only its sign matters for updates).
        """
        if self.rule == "storkey":
            return s @ self._weights, 0.0
        x = self._xf
        # overlaps Xi sigma from packed bits: N - 2 * Hamming distance, 64 units per popcount
        # instead of one multiply-add each (the same integers BLAS gives, exactly)
        overlaps = (self.dim - 2 * _bits.hamming_matrix(_pack_signs(s), self._bits)).astype(x.dtype)
        if self.rule == "hebb":
            return overlaps @ x, float(len(self))
        if len(self) == 0:
            return np.zeros(s.shape), 0.0
        return (overlaps.astype(np.float64) @ self._cinv) @ x.astype(np.float64), self._diag

    def _field(self, s: np.ndarray) -> np.ndarray:
        g, d = self._drive(s)
        return g - d * s

    def stable(self, states) -> np.ndarray:
        """Whether each state is a fixed point of one synchronous update, (n,) bool.

        >>> net = Hopfield(4); net.write([[1, 1, -1, -1]])
        >>> net.stable([[1, 1, -1, -1], [1, -1, 1, -1]]).tolist()
        [True, False]
        """
        s, _ = self.patterns.bipolar(states, "states")
        h = self._field(s)
        return ~((h * s < 0).any(axis=1))

    def energy(self, states) -> np.ndarray:
        """E = -1/2 sigma^T W sigma for each state (n,), or a float for one state.

        >>> net = Hopfield(4); net.write([[1, 1, -1, -1]])
        >>> net.energy([1, 1, -1, -1]), net.energy([1, -1, 1, -1])
        (-1.5, 0.5)
        """
        s, single = self.patterns.bipolar(states, "states")
        e = -0.5 * np.einsum("ni,ni->n", s.astype(np.float64), self._field(s) / (self.dim if self.rule == "hebb" else 1.0))
        return float(e[0]) if single else e

    def read(self, cues, *, steps: int | None = None, mode: str = "sync", return_info: bool = False):
        """Run the network from ``cues`` (one pattern or a batch).

        Parameters
        ----------
        cues : patterns in the network's form
        steps : int, optional
            None: until a fixed point (at most ``max_steps``, warning if it is reached); n:
            n synchronous updates, or n asynchronous sweeps over all units in random order.
        mode : {"sync", "async"}
        return_info : bool
            Also return a :class:`ReadInfo` (per-cue ``converged`` flags and ``steps``).

        Returns
        -------
        states : patterns like ``cues``
            The states reached. A unit with zero field keeps its state.

        Examples
        --------
        >>> net = Hopfield(4); net.write([[1, 1, -1, -1]])
        >>> net.read([1, 1, 1, -1], mode="async").tolist()
        [1, 1, -1, -1]
        """
        if mode not in MODES:
            raise ValueError(f"mode must be 'sync' or 'async', got {mode!r}")
        limit, strict = self._plan(steps)
        s, single = self.patterns.bipolar(cues, "cues")
        if mode == "sync":
            states, info = self._read_sync(s, limit)
        else:
            order = np.random.default_rng(self.seed).permuted(np.tile(np.arange(self.dim), (limit, 1)), axis=1)
            states, info = s.copy(), ReadInfo.start(len(s))
            _async_dense(self.weights(), states, order.astype(np.int64), info.converged, info.steps)
        self._report(info, limit, strict)
        out = self.patterns.from_bipolar(states)
        out = out[0] if single else out
        return (out, info) if return_info else out

    def _read_sync(self, s: np.ndarray, limit: int) -> tuple[np.ndarray, ReadInfo]:
        if self.rule == "hebb" and len(self) * self.dim < _SENTINEL:
            return run_sync(s, self._hebb_step, limit)
        return run_sync(s, lambda cur, rows: sync_update(cur, *self._drive(cur)), limit)

    def _hebb_step(self, cur: np.ndarray, rows=None) -> tuple[np.ndarray, np.ndarray]:
        """One synchronous Hebbian update by table lookups (exact int32; see :func:`_hebb_kernel`)."""
        if self._offsets is None:
            p, n = self.patterns_.shape
            self._offsets = np.empty((-(-n // 8) * 8, max(1, -(-p // _GROUP))), np.int32)
            _table_offsets(self.patterns_, _GROUP, self._offsets)
        b, n = cur.shape
        b8, n8 = -(-b // 8) * 8, self._offsets.shape[0]
        ham = _bits.hamming_matrix(self._bits, _pack_signs(cur))  # (P, B)
        if (b8, n8) == (b, n) and cur.flags.c_contiguous:
            states = cur
        else:
            states = np.ones((b8, n8), np.int8)
            states[:b, :n] = cur
        out = np.empty((b8, n8), np.int8)
        moved = np.zeros(b8 * 8, np.int32)
        _hebb_kernel(self._offsets, ham, self.dim, _GROUP, states, out, moved)
        return (out if out.shape == cur.shape else out[:b, :n]), moved.reshape(b8, 8)[:b].any(axis=1)

    # ---- files --------------------------------------------------------------------------

    def _stored_count(self):
        return len(self.patterns_)

    def _state(self):
        arrays = {"patterns": self.patterns_}
        if self.rule == "storkey":
            arrays["weights"] = self._weights
        return arrays, {"rule": self.rule, "seed": self.seed}

    @classmethod
    def _from_state(cls, space, arrays, meta):
        net = cls(space, rule=meta["rule"], seed=meta["seed"])
        patterns = arrays["patterns"]
        if patterns.dtype != np.int8 or patterns.ndim != 2 or patterns.shape[1] != net.dim \
                or not np.isin(patterns, (-1, 1)).all():
            raise ValueError(f"patterns must be +-1 int8 of shape (P, {net.dim}), got {patterns.dtype} {patterns.shape}")
        if net.rule == "storkey":
            w = arrays["weights"]
            if w.shape != (net.dim, net.dim) or w.dtype != np.float64 or not np.isfinite(w).all():
                raise ValueError(f"weights must be finite float64 of shape ({net.dim}, {net.dim}), got {w.dtype} {w.shape}")
            net._keep(patterns)
            net._weights = w.copy()
        elif len(patterns):
            net.write(net.patterns.from_bipolar(patterns))
        return net


def _pack_signs(s: np.ndarray) -> np.ndarray:
    """The -1 units of +-1 states (n, N) as set bits of zero-padded uint64 words (the kv.BSC layout).

    np.packbits straight into the word buffer: several times faster than ``_bits.pack``'s
    general path for a batch of cues.
    """
    n, d = s.shape
    out = np.zeros((n, _bits.n_words(d) * 8), dtype=np.uint8)
    out[:, :-(-d // 8)] = np.packbits(s < 0, axis=-1, bitorder="little")
    return out.view("<u8")


# ---- the synchronous Hebbian step by table lookups ("Four Russians") --------------------------
#
# N field = sum_p h_p x_p - P s with overlaps h_p = N - 2 Hamming(s, x_p) and x_p = +-1. For a
# block of 8 cues (8 int32 lanes) and each group of _GROUP patterns, the 2**_GROUP signed sums
# sum_k (+-1) h_k form a table (built by doubling, one vector add per entry); a dimension d then
# adds one table row per group, indexed by the patterns' sign bits at d (precomputed as offsets
# by _table_offsets): P / _GROUP vector adds per (dimension, 8 cues) instead of P multiply-adds
# per (dimension, cue). An 8 x 8 block (8 dimensions x 8 cues) is summed in registers,
# transposed and settled in place: a unit flips where g s < P (the -P s self-coupling; zero field
# keeps the state). int32 is exact while P N < 2**30 (checked by the caller).

I32, I64, I8 = ir.IntType(32), ir.IntType(64), ir.IntType(8)


def _v8(t):
    return ir.VectorType(t, 8)


def _i64(builder, v):
    return builder.sext(v, I64) if v.type.width < 64 else v


@intrinsic
def _add8_to(typingctx, dst, dst_at, a, a_at, b, b_at):
    """``dst[dst_at:+8] = a[a_at:+8] + b[b_at:+8]`` (flat int32 arrays)."""
    if not _check_flat(dst, a, b):
        return None
    sig = types.void(dst, dst_at, a, a_at, b, b_at)

    def codegen(context, builder, signature, args):
        ty = signature.args[0]
        x = builder.load(_vector_ptr(context, builder, ty, args[2], args[3]), align=1)
        y = builder.load(_vector_ptr(context, builder, ty, args[4], args[5]), align=1)
        builder.store(builder.add(x, y), _vector_ptr(context, builder, ty, args[0], args[1]), align=1)
        return context.get_dummy_value()

    return sig, codegen


def _transpose8(builder, rows):
    """8 x 8 transpose of <8 x i32> values (unpack lo/hi, 64-bit unpacks, 128-bit lane swaps)."""

    def shuf(a, b, mask):
        return builder.shuffle_vector(a, b, ir.Constant(_v8(I32), list(mask)))

    t = []
    for k in range(0, 8, 2):
        t += [shuf(rows[k], rows[k + 1], [0, 8, 1, 9, 4, 12, 5, 13]), shuf(rows[k], rows[k + 1], [2, 10, 3, 11, 6, 14, 7, 15])]
    lo, hi = [0, 1, 8, 9, 4, 5, 12, 13], [2, 3, 10, 11, 6, 7, 14, 15]
    u = []
    for a, b in ((0, 2), (1, 3), (4, 6), (5, 7)):
        u += [shuf(t[a], t[b], lo), shuf(t[a], t[b], hi)]
    cols = [None] * 8
    for k in range(4):
        cols[k] = shuf(u[k], u[k + 4], [0, 1, 2, 3, 8, 9, 10, 11])
        cols[k + 4] = shuf(u[k], u[k + 4], [4, 5, 6, 7, 12, 13, 14, 15])
    return cols


@intrinsic
def _settle_block(typingctx, out, at, stride, states, tables, offs, offs_at, nn, thresh, moved, moved_at):
    """One block of 8 dimensions x 8 cues. Dimension i (of 8) sums ``tables[offs[offs_at + nn i
    + j] : +8]`` over j < nn (8 cue lanes); transposed, cue c's 8 fields g give
    ``out[at + stride c : +8]`` = the states there, flipped where g s < thresh; the flips are
    ORed into ``moved[moved_at + 8 c : +8]``. Flat arrays: out/states int8, the rest int32."""
    if not (_check_flat(out, states) and _check_flat(tables, offs, moved)):
        return None
    sig = types.void(out, at, stride, states, tables, offs, offs_at, nn, thresh, moved, moved_at)

    def codegen(context, builder, signature, args):
        def data(k):
            return context.make_array(signature.args[k])(context, builder, args[k]).data

        outp, sp, tp, op, mp = data(0), data(3), data(4), data(5), data(9)
        at, stride, offs_at, nn, moved_at = (_i64(builder, args[k]) for k in (1, 2, 6, 7, 10))
        thresh = builder.trunc(_i64(builder, args[8]), I32)
        zero32, zero8 = ir.Constant(_v8(I32), [0] * 8), ir.Constant(_v8(I8), [0] * 8)
        accs = [cgutils.alloca_once_value(builder, zero32) for _ in range(8)]  # registers after SROA
        for a in accs:
            builder.store(zero32, a)
        rows = [builder.gep(op, [builder.add(offs_at, builder.mul(nn, ir.Constant(I64, i)))]) for i in range(8)]
        with cgutils.for_range(builder, nn) as loop:
            for i in range(8):
                off = builder.sext(builder.load(builder.gep(rows[i], [loop.index])), I64)
                v = builder.load(builder.bitcast(builder.gep(tp, [off]), _v8(I32).as_pointer()), align=4)
                builder.store(builder.add(builder.load(accs[i]), v), accs[i])
        g = _transpose8(builder, [builder.load(a) for a in accs])
        th = builder.insert_element(ir.Constant(_v8(I32), None), thresh, ir.Constant(I32, 0))
        th = builder.shuffle_vector(th, th, ir.Constant(_v8(I32), [0] * 8))
        for c in range(8):
            p = builder.add(at, builder.mul(stride, ir.Constant(I64, c)))
            s8 = builder.load(builder.bitcast(builder.gep(sp, [p]), _v8(I8).as_pointer()), align=1)
            gs = builder.select(builder.icmp_signed(">", s8, zero8), g[c], builder.sub(zero32, g[c]))
            flip = builder.icmp_signed("<", gs, th)
            new = builder.select(flip, builder.sub(zero8, s8), s8)
            builder.store(new, builder.bitcast(builder.gep(outp, [p]), _v8(I8).as_pointer()), align=1)
            mat = builder.add(moved_at, ir.Constant(I64, 8 * c))
            mptr = builder.bitcast(builder.gep(mp, [mat]), _v8(I32).as_pointer())
            builder.store(builder.or_(builder.load(mptr, align=4), builder.zext(flip, _v8(I32))), mptr, align=4)
        return context.get_dummy_value()

    return sig, codegen


@numba.njit(cache=True, nogil=True)
def _table_offsets(patterns, group, offs):
    """offs[d, j] = where dimension d's row of table j starts: j 8 2**group + 8 (the sign bits of
    patterns group j .. group j + group - 1 at d); padding dimensions point at the sentinel row
    once and at the zero row after it otherwise."""
    p, n = patterns.shape
    n8, nn = offs.shape
    ts = 8 << group
    for d in range(n8):
        for j in range(nn):
            offs[d, j] = j * ts if d < n else nn * ts
        if d >= n:
            offs[d, 0] = nn * ts + 8
    for q in range(p):
        j, bit = q // group, 8 << (q % group)
        for d in range(n):
            offs[d, j] += bit * (patterns[q, d] < 0)  # branch-free: the signs are random


@numba.njit(cache=True, nogil=True)
def _hebb_kernel(offs, ham, n, group, states, out, moved):
    """New states ``out`` (B8, N8) of ``states`` (B8, N8, int8, padded) from the Hamming distances
    ``ham`` (P, B) to the patterns; ``moved`` (B8 * 8) int32 collects the flips per cue."""
    n8, nn = offs.shape
    p, b = ham.shape
    ts = 8 << group
    tables = np.zeros(nn * ts + 16, np.int32)  # nn tables, then a zero row and the sentinel row
    tables[nn * ts + 8 :] = _SENTINEL
    steps = np.zeros(group * nn * 8, np.int32)  # -2 h of each pattern, 8 cue lanes
    oflat, sflat, outflat = offs.reshape(-1), states.reshape(-1), out.reshape(-1)
    stride = states.shape[1]
    for c0 in range(0, states.shape[0], 8):
        cn = max(0, min(8, b - c0))
        for j in range(nn):
            t0 = j * ts
            tables[t0 : t0 + 8] = 0  # entry 0: all signs +1
            for k in range(group):
                q = group * j + k
                if q < p:
                    for c in range(cn):
                        h = n - 2 * ham[q, c0 + c]
                        tables[t0 + c] += h
                        steps[q * 8 + c] = -2 * h
            m = 1
            for k in range(group):  # entries with top bit k: those below 2**k with pattern k negated
                for e in range(m):
                    _add8_to(tables, t0 + (m + e) * 8, tables, t0 + e * 8, steps, (group * j + k) * 8)
                m *= 2
        for d0 in range(0, n8, 8):
            _settle_block(outflat, c0 * stride + d0, stride, sflat, tables, oflat, d0 * nn, nn, p, moved, c0 * 8)


@numba.njit(cache=True, nogil=True)
def _async_dense(w, states, order, converged, steps):
    # One unit at a time in the given order; the field vector is updated in O(N) per flip.
    n_cues, n = states.shape
    for c in range(n_cues):
        s = states[c]
        h = w @ s.astype(np.float64)
        for t in range(order.shape[0]):
            flips = 0
            for i in order[t]:
                new = 1 if h[i] > 0 else (-1 if h[i] < 0 else s[i])
                if new != s[i]:
                    s[i] = new
                    h += (2.0 * new) * w[i]  # W is symmetric: row i = column i
                    flips += 1
            steps[c] = t + 1
            if flips == 0:
                converged[c] = True
                break


@numba.njit(cache=True, nogil=True)
def _storkey_update(w, x, h):
    # h_i = sum_{k != i} w_ik x_k (w_ii = 0). The rule sums over k != i, j, so
    # h_ij = h_i - w_ij x_j and x_i h_ji + h_ij x_j = x_i h_j + h_i x_j - 2 w_ij (w symmetric).
    # One fused pass instead of three outer products.
    n = w.shape[0]
    for i in range(n):
        for j in range(n):
            if i != j:
                w[i, j] += (x[i] * x[j] - x[i] * h[j] - h[i] * x[j] + 2.0 * w[i, j]) / n

"""Hopfield-network kernels: the Hebbian step by table lookups, asynchronous and Storkey updates.

Used by :mod:`kanerva.memory.hopfield` and :mod:`kanerva.memory.dense`; no model logic here (the
learning rules, the energy and the step limits live with the models).

API
---
``table_offsets(patterns, group, offs)``
    Fill ``offs`` (N8, ceil(P / group)) int32, N8 = N rounded up to 8, from the +-1 ``patterns``
    (P, N) int8: where each dimension's row of each group's 2**group-entry table starts (see
    the comment block below). Padding dimensions point at the sentinel row once, then at the
    zero row.
``hebb_step(offs, ham, n, group, states, out, moved)``
    One synchronous Hebbian update of ``states`` (B8, N8) int8 (+-1, padded to multiples of 8)
    into ``out`` (same shape), from the Hamming distances ``ham`` (P, B) int32 of the cues to
    the patterns: a unit flips where ``g s < P`` with ``g = sum_p (N - 2 ham_p) x_p``; ``moved``
    (B8 * 8,) int32 gets a nonzero lane for every cue that changed. Exact (int32) while
    ``P N < SENTINEL`` (the caller checks).
``async_update(w, states, order, converged, steps)``
    Asynchronous updates of ``states`` (n, N) int8 in place with the dense symmetric float64
    couplings ``w`` (N, N): sweep ``t`` visits the units ``order[t]`` (T, N) int64; a zero field
    keeps the state. ``steps`` (n,) int64 and ``converged`` (n,) bool are filled per cue.
``storkey_update(w, x, h)``
    Storkey's (1997) rule for one pattern ``x`` (N,) float64, in place on ``w`` (N, N) float64
    (symmetric, zero diagonal) with ``h = w @ x``: one fused pass.
``sync_update(cur, g, per_unit=None, per_row=None) -> (new, moved)``
    One synchronous +-1 update of ``cur`` (n, N) int8 from the fields
    ``h = g - (per_unit_i + per_row_r) s`` (g float64 (n, N)): new int8 states and which rows
    changed; a zero (or NaN) field keeps the state. Exact comparisons, one fused pass.
``SENTINEL``
    The int32 field of padding dimensions in ``hebb_step`` (never flips); the bound on ``P N``.
"""

from __future__ import annotations

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from .simd import check_flat as _check_flat
from .simd import vector_ptr as _vector_ptr

SENTINEL = 1 << 30  # int32 field of the padding dimensions (never flips); |fields| <= P N below it

# ---- the synchronous Hebbian step by table lookups ("Four Russians") --------------------------
#
# N field = sum_p h_p x_p - P s with overlaps h_p = N - 2 Hamming(s, x_p) and x_p = +-1. For a
# block of 8 cues (8 int32 lanes) and each group of ``group`` patterns, the 2**group signed sums
# sum_k (+-1) h_k form a table (built by doubling, one vector add per entry); a dimension d then
# adds one table row per group, indexed by the patterns' sign bits at d (precomputed as offsets
# by table_offsets): P / group vector adds per (dimension, 8 cues) instead of P multiply-adds
# per (dimension, cue). An 8 x 8 block (8 dimensions x 8 cues) is summed in registers,
# transposed and settled in place: a unit flips where g s < P (the -P s self-coupling; zero field
# keeps the state). int32 is exact while P N < SENTINEL = 2**30 (checked by the
# caller).

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
def table_offsets(patterns, group, offs):
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
def hebb_step(offs, ham, n, group, states, out, moved):
    """New states ``out`` (B8, N8) of ``states`` (B8, N8, int8, padded) from the Hamming distances
    ``ham`` (P, B) to the patterns; ``moved`` (B8 * 8) int32 collects the flips per cue."""
    n8, nn = offs.shape
    p, b = ham.shape
    ts = 8 << group
    tables = np.zeros(nn * ts + 16, np.int32)  # nn tables, then a zero row and the sentinel row
    tables[nn * ts + 8 :] = SENTINEL
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
def async_update(w, states, order, converged, steps):
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
def storkey_update(w, x, h):
    # h_i = sum_{k != i} w_ik x_k (w_ii = 0). The rule sums over k != i, j, so
    # h_ij = h_i - w_ij x_j and x_i h_ji + h_ij x_j = x_i h_j + h_i x_j - 2 w_ij (w symmetric).
    # One fused pass instead of three outer products.
    n = w.shape[0]
    for i in range(n):
        for j in range(n):
            if i != j:
                w[i, j] += (x[i] * x[j] - x[i] * h[j] - h[i] * x[j] + 2.0 * w[i, j]) / n


# ---- the synchronous update of the dense models -----------------------------------------------


@numba.njit(cache=True, nogil=True)
def _settle(g, per_unit, per_row, cur, out, moved):
    # s = +-1, so h s = g s - c (c = per_unit + per_row; the float rounding is symmetric):
    # the unit flips exactly where g s < c, and a zero (or NaN) field keeps it. Branch-free,
    # so the loop vectorizes.
    for r in range(cur.shape[0]):
        pr = per_row[r]
        flips = 0
        for i in range(cur.shape[1]):
            s = cur[r, i]
            flip = g[r, i] * s < per_unit[i] + pr
            out[r, i] = -s if flip else s
            flips += flip
        moved[r] = flips != 0


def sync_update(cur: np.ndarray, g: np.ndarray, per_unit=None, per_row=None) -> tuple[np.ndarray, np.ndarray]:
    """One synchronous +-1 update from fields h = g - (per_unit_i + per_row_r) * s (zero keeps s).

    Returns the new states (int8) and which rows changed, in one fused pass (numpy would make
    several full-size temporaries for the comparisons).

    >>> new, moved = sync_update(np.array([[1, 1, -1]], np.int8), np.array([[-2.0, 0.0, 3.0]]))
    >>> new.tolist(), moved.tolist()
    ([[-1, 1, 1]], [True])
    """
    n, d = cur.shape
    per_unit = np.zeros(d) if per_unit is None else np.broadcast_to(np.asarray(per_unit, np.float64), (d,))
    per_row = np.zeros(n) if per_row is None else np.asarray(per_row, np.float64)
    out = np.empty_like(cur)
    moved = np.empty(n, dtype=np.bool_)
    _settle(g, np.ascontiguousarray(per_unit), per_row, cur, out, moved)
    return out, moved


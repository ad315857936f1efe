"""Compiled kernels of the n-gram classifier: a hash table from n-gram codes to vocabulary rows,
grouping texts into sentence-sized examples, scoring through the n-gram x class table, and the
perceptron's mistake sums. Plain loops over int arrays: numpy has no fused gather-and-sum. The
example scores (sums of table rows) are 8-lane vector loops emitted in LLVM IR (:func:`_row_sum`),
bitwise equal to the scalar loops they replace.
"""

from __future__ import annotations

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from ..encoders.ngram_counts import _slot  # one hash for the counting and the vocabulary tables
from .._kernels.simd import prefetch_fn as _prefetch_fn
from .._kernels.simd import prefetch_span as _prefetch_span


@numba.njit(cache=True, nogil=True)
def _build(keys, bits, slots, rows):
    mask = (1 << bits) - 1
    for r in range(keys.size):
        h = _slot(keys[r], bits)
        while slots[h] != -1:
            h = (h + 1) & mask
        slots[h] = keys[r]
        rows[h] = r


@numba.njit(cache=True, nogil=True)
def _lookup(slots, rows, bits, codes, out):
    mask = (1 << bits) - 1
    for i in range(codes.size):
        c = codes[i]
        h = _slot(c, bits)
        r = -1
        while slots[h] != -1:
            if slots[h] == c:
                r = rows[h]
                break
            h = (h + 1) & mask
        out[i] = r


class CodeTable:
    """Open-addressing hash table: n-gram code -> row of the vocabulary (-1 when absent).

    Examples
    --------
    >>> t = CodeTable(np.array([11, 42, 7]))
    >>> t.lookup(np.array([42, 5, 7, 11])).tolist()
    [1, -1, 2, 0]
    """

    def __init__(self, keys: np.ndarray):
        keys = np.ascontiguousarray(keys, dtype=np.int64)
        self.bits = max(4, int(2 * keys.size - 1).bit_length() + 1)
        self.slots = np.full(1 << self.bits, -1, dtype=np.int64)
        self.rows = np.full(1 << self.bits, -1, dtype=np.int32)
        _build(keys, self.bits, self.slots, self.rows)

    def lookup(self, codes: np.ndarray) -> np.ndarray:
        out = np.empty(codes.size, dtype=np.int32)
        _lookup(self.slots, self.rows, self.bits, np.ascontiguousarray(codes, dtype=np.int64), out)
        return out


@numba.njit(cache=True, nogil=True)
def _group(offsets, target, starts):
    # short texts are joined until an example holds ``target`` n-grams; long ones are cut
    s = offsets[0]
    starts[0] = s
    k = 1
    for t in range(offsets.size - 1):
        b = offsets[t + 1]
        while b - s >= 2 * target:
            s += target
            starts[k] = s
            k += 1
        if b - s >= target:
            s = b
            starts[k] = s
            k += 1
    if s != offsets[offsets.size - 1]:
        starts[k] = offsets[offsets.size - 1]
        k += 1
    return k


def group_examples(offsets: np.ndarray, target: int) -> np.ndarray:
    """Boundaries of sentence-sized examples (about ``target`` n-grams each) over a code stream
    whose texts start at ``offsets``: consecutive texts are joined, long texts cut.

    Examples
    --------
    >>> group_examples(np.array([0, 3, 5, 30]), 10).tolist()
    [0, 10, 20, 30]
    >>> group_examples(np.array([0, 3, 5, 9]), 4).tolist()
    [0, 5, 9]
    """
    starts = np.empty(offsets.size + 2 * int(offsets[-1] // max(target, 1)) + 2, dtype=np.int64)
    k = _group(np.ascontiguousarray(offsets, dtype=np.int64), int(target), starts)
    return starts[:k]


@numba.njit(cache=True, nogil=True)
def _sqnorms(rows, bounds, seen, count, out):
    for e in range(bounds.size - 1):
        total = 0.0
        for j in range(bounds[e], bounds[e + 1]):
            r = rows[j]
            if r >= 0:
                # |k|^2 grows by 2k + 1 when a row seen k times in this example comes again
                if seen[r] != e:
                    seen[r] = e
                    count[r] = 0
                total += 2.0 * count[r] + 1.0
                count[r] += 1
        out[e] = total


def example_sqnorms(rows: np.ndarray, bounds: np.ndarray, n_rows: int) -> np.ndarray:
    """Squared norm of each example's count vector over ``n_rows`` vocabulary rows (-1 skipped).

    >>> example_sqnorms(np.array([0, 0, 1, -1]), np.array([0, 3, 4]), 2).tolist()
    [5.0, 0.0]
    """
    out = np.zeros(bounds.size - 1, dtype=np.float64)
    _sqnorms(rows, np.ascontiguousarray(bounds, dtype=np.int64), np.full(n_rows, -1, dtype=np.int64),
             np.zeros(n_rows, dtype=np.int64), out)
    return out


# --- summing an example's table rows: explicit 8-lane vectors kept in registers ----------------
#
# numba's ``scores[c] += table[r, c]`` over a runtime class count stays scalar (LLVM cannot prove
# that ``scores`` and ``table`` do not alias, so it reloads and stores the scores for every row).
# ``_row_sum`` emits the row loop in LLVM IR with the sums of up to ``_MAX_BLOCKS`` 8-lane blocks
# of columns held in registers for the whole example. A class count that is not a multiple of 8
# needs no padding: the last block starts at column ``C - 8`` and overlaps the one before; every
# lane is its own running sum in the original order and precision (float32 rows widened exactly
# to float64 accumulators), so overlapping lanes hold identical values and every sum is bitwise
# the one of the scalar loop. Fewer than 8 classes keep the scalar loop.

_LANES8 = 8
_MAX_BLOCKS = 4  # accumulators: 4 x <8 x double> = 8 ymm registers


def _data(context, builder, arrty, arr):
    return context.make_array(arrty)(context, builder, arr).data


@intrinsic
def _row_sum(typingctx, rows, lo, hi, table, offsets, out):
    """``out[o:o+8] = sum_{j in [lo, hi), rows[j] >= 0} table[rows[j], o:o+8]`` for every column
    offset ``o`` in the tuple ``offsets`` (each ``o + 8 <= table.shape[1]``), summed in row order
    in ``out``'s float type (``out[c] + table[r, c]`` rounded as numba would: in the wider type)."""
    if not (isinstance(rows, types.Array) and rows.ndim == 1 and isinstance(rows.dtype, types.Integer)
            and isinstance(table, types.Array) and table.ndim == 2 and table.layout == "C"
            and isinstance(table.dtype, types.Float) and isinstance(out, types.Array) and out.ndim == 1
            and out.layout == "C" and isinstance(out.dtype, types.Float)
            and isinstance(offsets, types.UniTuple) and isinstance(offsets.dtype, types.Integer)
            and 1 <= len(offsets) <= _MAX_BLOCKS):
        return None
    sig = types.void(rows, lo, hi, table, offsets, out)

    def codegen(context, builder, signature, args):
        rty, loty, hity, tty, oty, outty = signature.args
        rows_a = context.make_array(rty)(context, builder, args[0])
        table_a = context.make_array(tty)(context, builder, args[3])
        out_data = _data(context, builder, outty, args[5])
        i64 = ir.IntType(64)
        lo_v = context.cast(builder, args[1], loty, types.int64)
        hi_v = context.cast(builder, args[2], hity, types.int64)
        offs = [context.cast(builder, builder.extract_value(args[4], i), oty.dtype, types.int64)
                for i in range(len(oty))]
        width = builder.extract_value(table_a.shape, 1)
        row_stride = builder.extract_value(rows_a.strides, 0)
        tval = context.get_data_type(tty.dtype)
        aval = context.get_data_type(outty.dtype)
        tvec, avec = ir.VectorType(tval, _LANES8), ir.VectorType(aval, _LANES8)
        wide = outty.dtype.bitwidth >= tty.dtype.bitwidth
        ivec = ir.VectorType(context.get_data_type(types.float64), _LANES8)
        zero = ir.Constant(avec, None)
        rbytes = rows_a.data.type  # rows may be strided: address by byte stride
        i8p = ir.IntType(8).as_pointer()

        entry = builder.block
        fn = builder.function
        header = fn.append_basic_block("rowsum.header")
        body = fn.append_basic_block("rowsum.body")
        add = fn.append_basic_block("rowsum.add")
        latch = fn.append_basic_block("rowsum.latch")
        done = fn.append_basic_block("rowsum.done")
        builder.branch(header)

        builder.position_at_end(header)
        j = builder.phi(i64)
        accs = [builder.phi(avec) for _ in offs]
        j.add_incoming(lo_v, entry)
        for a in accs:
            a.add_incoming(zero, entry)
        builder.cbranch(builder.icmp_signed("<", j, hi_v), body, done)

        builder.position_at_end(body)
        rp = builder.gep(builder.bitcast(rows_a.data, i8p), [builder.mul(j, row_stride)])
        r = builder.load(builder.bitcast(rp, rbytes))
        r = builder.sext(r, i64) if rty.dtype.bitwidth < 64 else r
        builder.cbranch(builder.icmp_signed("<", r, ir.Constant(i64, 0)), latch, add)

        builder.position_at_end(add)
        base = builder.mul(r, width)
        new = []
        for o, a in zip(offs, accs):
            p = builder.bitcast(builder.gep(table_a.data, [builder.add(base, o)]), tvec.as_pointer())
            v = builder.load(p, align=tty.dtype.bitwidth // 8)
            if wide:
                if aval != tval:
                    v = builder.fpext(v, avec)
                s = builder.fadd(a, v)
            else:  # float32 sums of float64 rows: added in float64, rounded (numba's promotion)
                s = builder.fptrunc(builder.fadd(builder.fpext(a, ivec), v), avec)
            new.append(s)
        builder.branch(latch)

        builder.position_at_end(latch)
        for a, s in zip(accs, new):
            m = builder.phi(avec)
            m.add_incoming(a, body)
            m.add_incoming(s, add)
            a.add_incoming(m, latch)
        j.add_incoming(builder.add(j, ir.Constant(i64, 1)), latch)
        builder.branch(header)

        builder.position_at_end(done)
        for o, a in zip(offs, accs):
            p = builder.bitcast(builder.gep(out_data, [o]), avec.as_pointer())
            builder.store(a, p, align=outty.dtype.bitwidth // 8)
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def _prefetch_rows(typingctx, rows, lo, hi, table):
    """Prefetch (for reading, into all cache levels) every cache line of the table rows
    ``rows[lo:hi]`` (rows -1 skipped): the rows of the next example while this one is summed."""
    if not (isinstance(rows, types.Array) and rows.ndim == 1 and isinstance(rows.dtype, types.Integer)
            and isinstance(table, types.Array) and table.ndim == 2 and table.layout == "C"):
        return None
    sig = types.void(rows, lo, hi, table)

    def codegen(context, builder, signature, args):
        rty, loty, hity, tty = signature.args
        rows_a = context.make_array(rty)(context, builder, args[0])
        table_a = context.make_array(tty)(context, builder, args[3])
        i64 = ir.IntType(64)
        i8p = ir.IntType(8).as_pointer()
        prefetch = _prefetch_fn(builder)
        lo_v = context.cast(builder, args[1], loty, types.int64)
        hi_v = context.cast(builder, args[2], hity, types.int64)
        width = builder.extract_value(table_a.shape, 1)
        row_bytes = builder.mul(width, ir.Constant(i64, tty.dtype.bitwidth // 8))
        row_stride = builder.extract_value(rows_a.strides, 0)
        base = builder.bitcast(table_a.data, i8p)
        one, line, last = ir.Constant(i64, 1), ir.Constant(i64, 64), builder.sub(row_bytes, ir.Constant(i64, 1))

        def row_offset(j):
            rp = builder.gep(builder.bitcast(rows_a.data, i8p), [builder.mul(j, row_stride)])
            r = builder.load(builder.bitcast(rp, rows_a.data.type))
            return builder.mul(builder.sext(r, i64) if rty.dtype.bitwidth < 64 else r, row_bytes)

        small = builder.icmp_signed("<=", row_bytes, ir.Constant(i64, 128))
        with builder.if_else(small, likely=True) as (then, otherwise):
            with then:  # at most 3 lines: first, +64 and last byte, no branch (row -1: harmless)
                mid = builder.select(builder.icmp_signed("<", line, last), line, last)
                with cgutils.for_range_slice(builder, lo_v, hi_v, one, inc=True) as (j, _):
                    p = builder.gep(base, [row_offset(j)])
                    for k in (None, mid, last):
                        prefetch(p if k is None else builder.gep(p, [k]))
            with otherwise:
                skew = builder.and_(builder.ptrtoint(base, i64), ir.Constant(i64, 63))
                with cgutils.for_range_slice(builder, lo_v, hi_v, one, inc=True) as (j, _):
                    at = row_offset(j)  # byte offset of the row; the line of its first byte:
                    first = builder.sub(at, builder.and_(builder.add(skew, at), ir.Constant(i64, 63)))
                    with cgutils.for_range_slice(builder, first, builder.add(at, row_bytes), line,
                                                 inc=True) as (k, _):
                        prefetch(builder.gep(base, [k]))
        return context.get_dummy_value()

    return sig, codegen


@numba.njit(cache=True, nogil=True)
def _sum_rows(rows, lo, hi, table, out):
    """``out[:] = sum of table[rows[j]]`` over ``j`` in ``[lo, hi)``, rows -1 skipped, in row order."""
    n = table.shape[1]
    if n < _LANES8:
        out[:] = 0.0
        for j in range(lo, hi):
            r = rows[j]
            if r >= 0:
                for c in range(n):
                    out[c] += table[r, c]
        return
    last = n - _LANES8
    for c in range(0, n, _MAX_BLOCKS * _LANES8):
        left = (n - c + _LANES8 - 1) // _LANES8
        if left >= 4:
            _row_sum(rows, lo, hi, table, (c, c + 8, c + 16, min(c + 24, last)), out)
        elif left == 3:
            _row_sum(rows, lo, hi, table, (c, c + 8, last), out)
        elif left == 2:
            _row_sum(rows, lo, hi, table, (c, last), out)
        else:
            _row_sum(rows, lo, hi, table, (last,), out)


def _float_table(table: np.ndarray) -> np.ndarray:
    """The table as the row-summing kernels take it: C-contiguous, float (integers as float64)."""
    table = np.asarray(table)
    return np.ascontiguousarray(table if table.dtype.kind == "f" else table.astype(np.float64))


@numba.njit(cache=True, nogil=True)
def _score(rows, bounds, table, scores):
    for e in range(bounds.size - 1):
        _sum_rows(rows, bounds[e], bounds[e + 1], table, scores[e])


def score_examples(rows: np.ndarray, bounds: np.ndarray, table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per example: the sum of the table rows of its n-grams (n, classes) and the squared norm of
    its count vector. Rows -1 (n-grams outside the vocabulary) are skipped.

    Examples
    --------
    >>> s, q = score_examples(np.array([0, 1, 0, -1]), np.array([0, 2, 4]), np.eye(2, dtype=np.float32))
    >>> s.tolist(), q.tolist()
    ([[1.0, 1.0], [1.0, 0.0]], [2.0, 1.0])
    >>> score_examples(np.array([3, 3, 3]), np.array([0, 3]), np.ones((4, 1), np.float32))[1].tolist()
    [9.0]
    """
    bounds = np.ascontiguousarray(bounds, dtype=np.int64)
    table = _float_table(table)
    scores = np.zeros((bounds.size - 1, table.shape[1]), dtype=np.float64)
    _score(rows, bounds, table, scores)
    return scores, example_sqnorms(rows, bounds, table.shape[0])


@numba.njit(cache=True, nogil=True, inline="always")
def _rival(scores, y):
    # the best class other than y, and its score (-1 and -inf when there is none)
    rival, best = -1, -np.inf
    for c in range(scores.size):
        if c != y and scores[c] > best:
            best = scores[c]
            rival = c
    return rival, best


@numba.njit(cache=True, nogil=True, inline="always")
def _move_rows(table, rows, lo, hi, y, rival, w):
    # the perceptron step on an example's rows: +w to the true class, -w to the rival
    for j in range(lo, hi):
        r = rows[j]
        if r >= 0:
            table[r, y] += w
            table[r, rival] -= w


@numba.njit(cache=True, nogil=True)
def _mistakes(rows, bounds, labels, scores, norms, margin, delta):
    wrong = 0
    for e in range(bounds.size - 1):
        if norms[e] == 0.0:
            continue
        y = labels[e]
        rival, best = _rival(scores[e], y)
        if rival < 0 or (scores[e, y] - best) / norms[e] >= margin:
            continue
        wrong += 1
        _move_rows(delta, rows, bounds[e], bounds[e + 1], y, rival, 1.0 / norms[e])
    return wrong


def perceptron_delta(rows, bounds, labels, scores, norms, margin: float, delta: np.ndarray) -> int:
    """Add to ``delta`` (vocabulary x classes) the count vector of every example whose true class
    does not beat its best rival by ``margin`` (scores divided by ``norms``), normalized to unit
    length: +1 on the true class, -1 on the rival. Returns the number of such examples.
    """
    return int(_mistakes(rows, bounds, labels, scores, norms, float(margin), delta))


@numba.njit(cache=True, nogil=True)
def _line(rows, bounds, labels, table, direction, sqnorms, dim, etas, margin, losses, errors):
    n_classes = table.shape[1]
    base = np.zeros(n_classes)
    slope = np.zeros(n_classes)
    for e in range(bounds.size - 1):
        if sqnorms[e] == 0.0:
            continue
        base[:] = 0.0
        slope[:] = 0.0
        for j in range(bounds[e], bounds[e + 1]):
            r = rows[j]
            if r >= 0:
                for c in range(n_classes):
                    base[c] += table[r, c]
                    slope[c] += direction[r, c]
        norm = np.sqrt(sqnorms[e] * dim)
        y = labels[e]
        for t in range(etas.size):
            best = -np.inf
            for c in range(n_classes):
                if c != y:
                    best = max(best, base[c] + etas[t] * slope[c])
            m = (base[y] + etas[t] * slope[y] - best) / norm
            if m < margin:
                losses[t] += margin - m
            if m <= 0.0:
                errors[t] += 1


def line_losses(rows, bounds, labels, table, direction, dim: int, etas, margin: float):
    """Hinge loss ``sum max(0, margin - (s_y - max_other s) / |x|)`` and error count of the
    examples for the tables ``table + eta * direction``, for every step ``eta`` in ``etas``.

    Examples
    --------
    >>> t = np.array([[1.0, 0.0]], np.float32); d = np.array([[-1.0, 1.0]], np.float32)
    >>> loss, err = line_losses(np.array([0]), np.array([0, 1]), np.array([0]), t, d, 1, np.array([0.0, 1.0]), 0.0)
    >>> loss.tolist(), err.tolist()
    ([0.0, 1.0], [0, 1])
    """
    losses = np.zeros(len(etas), dtype=np.float64)
    errors = np.zeros(len(etas), dtype=np.int64)
    bounds = np.ascontiguousarray(bounds, dtype=np.int64)
    _line(rows, bounds, np.ascontiguousarray(labels, dtype=np.int64), table, direction,
          example_sqnorms(rows, bounds, table.shape[0]), float(dim), np.asarray(etas, dtype=np.float64),
          float(margin), losses, errors)
    return losses, errors


@numba.njit(cache=True, nogil=True)
def _online(rows, bounds, labels, order, table, sqnorms, scale, step, margin, scores):
    wrong = 0
    for i in range(order.size):
        e = order[i]
        # software prefetch, the random order defeats the hardware's: the table rows of the next
        # example, the row numbers of the one after, the bounds, norm and label further ahead
        if i + 1 < order.size:
            f = order[i + 1]
            _prefetch_rows(rows, bounds[f], bounds[f + 1], table)
        if i + 2 < order.size:
            f = order[i + 2]
            _prefetch_span(rows, bounds[f], bounds[f + 1])
        if i + 4 < order.size:
            f = order[i + 4]
            _prefetch_span(bounds, f, f + 2)
            _prefetch_span(sqnorms, f, f + 1)
            _prefetch_span(labels, f, f + 1)
        sq = sqnorms[e]
        if sq == 0.0:
            continue
        _sum_rows(rows, bounds[e], bounds[e + 1], table, scores)
        norm = np.sqrt(sq) * scale
        y = labels[e]
        rival, best = _rival(scores, y)
        if (scores[y] - best) / norm >= margin:
            continue
        wrong += 1
        _move_rows(table, rows, bounds[e], bounds[e + 1], y, rival, step * scale / np.sqrt(sq))
    return wrong


def online_pass(rows, bounds, labels, order, table, scale: float, step: float, margin: float,
                sqnorms: np.ndarray | None = None) -> int:
    """One pass of the online perceptron on the table ``T`` in place, in the limit where n-gram
    vectors are orthogonal (``HV(g) . HV(h) = D [g = h]``, ``scale = sqrt(D)``): an example whose
    true class does not beat its best rival by ``margin`` (cosine units) adds ``step * x / |x|``
    to the true class and subtracts it from the rival. Examples are visited in ``order``.
    ``sqnorms`` (from :func:`example_sqnorms`; made here when not given) do not change between
    passes. Returns the number of updates.

    Examples
    --------
    >>> t = np.zeros((2, 2))
    >>> online_pass(np.array([0, 1]), np.array([0, 1, 2]), np.array([0, 1]), np.array([0, 1]), t, 1.0, 1.0, 0.1)
    2
    >>> t.tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    """
    if not (isinstance(table, np.ndarray) and table.ndim == 2 and table.flags.c_contiguous
            and table.flags.writeable and table.dtype.kind == "f"):
        raise ValueError("table must be a writeable C-contiguous 2-d float array (updated in place)")
    rows = np.ascontiguousarray(rows)
    bounds = np.ascontiguousarray(bounds, dtype=np.int64)
    sqnorms = example_sqnorms(rows, bounds, table.shape[0]) if sqnorms is None else sqnorms
    sqnorms = np.ascontiguousarray(sqnorms, dtype=np.float64)
    scores = np.zeros(table.shape[1], dtype=np.float64)
    return int(_online(rows, bounds, np.ascontiguousarray(labels, dtype=np.int64),
                       np.ascontiguousarray(order, dtype=np.int64), table, sqnorms, float(scale), float(step),
                       float(margin), scores))


@numba.njit(cache=True, nogil=True)
def _best(rows, bounds, table, out):
    n_classes = table.shape[1]
    scores = np.zeros(n_classes, dtype=np.float32)
    for e in range(bounds.size - 1):
        known = False
        for i in range(bounds[e], bounds[e + 1]):
            if rows[i] >= 0:
                known = True
                break
        if not known:
            out[e] = -1
            continue
        _sum_rows(rows, bounds[e], bounds[e + 1], table, scores)
        best = 0
        for c in range(1, n_classes):
            if scores[c] > scores[best]:
                best = c
        out[e] = best


def best_classes(rows: np.ndarray, bounds: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Index of the best class of each example: the argmax of its summed table rows (first on
    ties); -1 for an example with no known row (nothing to rank the classes by).

    >>> best_classes(np.array([0, 1, 1, -1]), np.array([0, 1, 3, 4]), np.array([[1, 0], [0, 1]], np.float32)).tolist()
    [0, 1, -1]
    """
    out = np.empty(bounds.size - 1, dtype=np.int64)
    _best(rows, np.ascontiguousarray(bounds, dtype=np.int64), _float_table(table), out)
    return out

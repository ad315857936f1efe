"""Summing rows of a table picked by a list of row numbers: explicit 8-lane vectors in registers.

The inner loop of the n-gram classifier (an example's scores are the sum of the table rows of
its n-grams), used by :mod:`kanerva._kernels.ngram_scores`.

API
---
``sum_rows(rows, lo, hi, table, out)``
    ``out[:] = sum of table[rows[j]]`` over ``j`` in ``[lo, hi)``, rows -1 skipped, in row order,
    in ``out``'s float type: bitwise the sums of the plain scalar loop (see below). A numba
    function: call it from kernels (or from Python with numpy arguments).
``prefetch_rows(rows, lo, hi, table)``
    An ``@intrinsic``: prefetch every cache line of the table rows ``rows[lo:hi]`` (no effect on
    results).
``float_table(table)``
    The table as ``sum_rows`` takes it: C-contiguous, float (integers as float64).

Examples
--------
>>> import numpy as np
>>> table = np.arange(30, dtype=np.float32).reshape(3, 10)
>>> out = np.zeros(10)
>>> sum_rows(np.array([2, -1, 0]), 0, 3, table, out)
>>> out.tolist()
[20.0, 22.0, 24.0, 26.0, 28.0, 30.0, 32.0, 34.0, 36.0, 38.0]
"""

from __future__ import annotations

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from .simd import prefetch_fn as _prefetch_fn

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
def prefetch_rows(typingctx, rows, lo, hi, table):
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
def sum_rows(rows, lo, hi, table, out):
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


def float_table(table: np.ndarray) -> np.ndarray:
    """The table as the row-summing kernels take it: C-contiguous, float (integers as float64)."""
    table = np.asarray(table)
    return np.ascontiguousarray(table if table.dtype.kind == "f" else table.astype(np.float64))

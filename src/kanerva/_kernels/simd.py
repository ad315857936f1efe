"""Building blocks for numba intrinsics that emit explicit 8-lane (AVX2-sized) vector code.

numba's array indexing hides from LLVM that two arrays do not alias, so its loop vectorizer often
leaves short fixed-width loops scalar; the kernels of the bit projections and of the Hopfield
step emit the vector loads, adds and stores themselves through these. The prefetch helpers hide
the latency of the random reads of hash tables and table rows (n-gram counting and scoring).

API
---
For other kernels: numba typing and LLVM IR building only.

``LANES``
    8: one AVX2 vector of float32 / int32.
``vector_ptr(context, builder, arrty, arr, offset)``
    IR pointer to the ``LANES``-vector of a numba array starting at ``offset``.
``check_flat(*arrays)``
    Whether every numba type is a 1-d C-contiguous array, all of one dtype.
``prefetch_fn(builder)``
    A function emitting ``llvm.prefetch`` (read, all cache levels) of a pointer.
``prefetch_span(arr, lo, hi)``
    An ``@intrinsic``: prefetch the cache lines of ``arr[lo:hi]`` for reading (no effect on
    results).
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

LANES = 8  # one AVX2 vector of float32 / int32


def vector_ptr(context, builder, arrty, arr, offset):
    """Pointer to the ``LANES``-vector of ``arr`` (a numba array value) starting at ``offset``."""
    data = context.make_array(arrty)(context, builder, arr).data
    vty = ir.VectorType(context.get_data_type(arrty.dtype), LANES)
    return builder.bitcast(builder.gep(data, [offset]), vty.as_pointer())


def check_flat(*arrays) -> bool:
    """Whether every numba type is a 1-d C-contiguous array, all of one dtype."""
    if not all(isinstance(a, types.Array) and a.ndim == 1 and a.layout == "C" for a in arrays):
        return False
    return len({a.dtype for a in arrays}) == 1


def prefetch_fn(builder):
    """``prefetch(pointer)``: emits a read prefetch into all cache levels (llvm.prefetch)."""
    i8p, i32 = ir.IntType(8).as_pointer(), ir.IntType(32)
    fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]),
                                        "llvm.prefetch.p0")
    return lambda p: builder.call(fn, [builder.bitcast(p, i8p), ir.Constant(i32, 0), ir.Constant(i32, 3),
                                       ir.Constant(i32, 1)])


@intrinsic
def prefetch_span(typingctx, arr, lo, hi):
    """Prefetch the cache lines of ``arr[lo:hi]`` (a contiguous 1-d array) for reading."""
    if not (isinstance(arr, types.Array) and arr.ndim == 1 and arr.layout == "C"):
        return None
    sig = types.void(arr, lo, hi)

    def codegen(context, builder, signature, args):
        aty, loty, hity = signature.args
        i64 = ir.IntType(64)
        size = aty.dtype.bitwidth // 8
        data = context.make_array(aty)(context, builder, args[0]).data
        lo_v = context.cast(builder, args[1], loty, types.int64)
        hi_v = context.cast(builder, args[2], hity, types.int64)
        prefetch = prefetch_fn(builder)
        with builder.if_then(builder.icmp_signed("<", lo_v, hi_v)):
            i8p = ir.IntType(8).as_pointer()
            start = builder.bitcast(builder.gep(data, [lo_v]), i8p)
            nbytes = builder.mul(builder.sub(hi_v, lo_v), ir.Constant(i64, size))
            with cgutils.for_range_slice(builder, ir.Constant(i64, 0), nbytes, ir.Constant(i64, 64),
                                         inc=True) as (k, _):
                prefetch(builder.gep(start, [k]))
            prefetch(builder.gep(start, [builder.sub(nbytes, ir.Constant(i64, 1))]))
        return context.get_dummy_value()

    return sig, codegen

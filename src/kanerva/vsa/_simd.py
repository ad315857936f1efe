"""Building blocks for numba intrinsics that emit explicit 8-lane (AVX2-sized) vector code.

numba's array indexing hides from LLVM that two arrays do not alias, so its loop vectorizer often
leaves short fixed-width loops scalar; the kernels of :mod:`kanerva.vsa.bit_projection` and
:mod:`kanerva.memory.hopfield` emit the vector loads, adds and stores themselves through these.
"""

from __future__ import annotations

from llvmlite import ir
from numba import types

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

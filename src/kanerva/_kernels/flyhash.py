"""The FlyHash kernel: sparse binary expansion and winner-take-all, fused, no activation array.

Used by :class:`kanerva.index.FlyHash` (Dasgupta, Stevens & Navlakha 2017), which draws the
wiring, centres the inputs and splits the rows over threads.

API
---
``fly_hash(x, terms, active, rows, out)``
    Tags of the rows of ``x`` (n, d + 1) float64 (centred inputs with a zero last column; n a
    multiple of ``rows``) into ``out`` (n, W) uint64, zeros on entry, packed bits in the layout
    of :mod:`kanerva._kernels.bits`. Cell c's activation is the left-to-right sum of its T
    terms ``x[a] + x[b]`` for the index pairs ``terms[c]`` (m, T, 2) (unsigned; b = d, the zero
    column, for a lone input), so the summation order, and with it every float, is fixed by
    ``terms``. The ``active`` largest activations of each row are set; ties at the threshold go
    to the lower cell index (exactly ``active`` bits per row). Releases the GIL.

Examples
--------
>>> import numpy as np
>>> x = np.array([[1.0, -1.0, 3.0, 0.0, 0.0]] * 4)          # d = 4 inputs and the zero column
>>> terms = np.array([[[0, 4]], [[1, 4]], [[2, 4]], [[3, 4]]], dtype=np.uint16)
>>> out = np.zeros((4, 1), dtype=np.uint64)
>>> fly_hash(x, terms, 2, 4, out)
>>> [int(w) for w in out[:, 0]]                              # cells 2 and 0
[5, 5, 5, 5]
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(nogil=True, inline="always")
def _see(s, c, best, cand_val, cand_cell, n_cand):
    # Keep the `active` largest activations so far (best, descending) and record every cell
    # at or above the running threshold best[-1] as a candidate. The threshold only rises, so
    # the candidates include every final winner and every cell tied with the final threshold;
    # there are about active * log(m / active) of them, so no (m,) activation array is kept.
    p = best.shape[0] - 1
    if s < best[p]:
        return n_cand
    cand_val[n_cand] = s
    cand_cell[n_cand] = c
    if s > best[p]:
        while p > 0 and best[p - 1] < s:
            best[p] = best[p - 1]
            p -= 1
        best[p] = s
    return n_cand + 1


@numba.njit(nogil=True, inline="always")
def _winners(cand_val, cand_cell, n_cand, thr, active, out_row):
    # the candidates above the threshold, then those equal to it in cell order until exactly
    # `active` are set (a deterministic tie rule)
    above = 0
    for t in range(n_cand):
        if cand_val[t] > thr:
            out_row[cand_cell[t] >> 6] |= np.uint64(1) << np.uint64(cand_cell[t] & 63)
            above += 1
    for t in range(n_cand):
        if above == active:
            break
        if cand_val[t] == thr:
            out_row[cand_cell[t] >> 6] |= np.uint64(1) << np.uint64(cand_cell[t] & 63)
            above += 1


@numba.njit(cache=True, nogil=True, inline="always")
def _see_rows(acc, c, thr, best, cand_val, cand_cell, n_cand):
    for r in range(acc.shape[0]):
        if acc[r] >= thr[r]:
            n_cand[r] = _see(acc[r], c, best[r], cand_val[r], cand_cell[r], n_cand[r])
            thr[r] = best[r, best.shape[1] - 1]


@numba.njit(cache=True, nogil=True)
def fly_hash(x, terms, active, rows, out):
    # x: (n, d + 1) centred inputs with a zero last column, n a multiple of `rows`; terms:
    # (m, T, 2) unsigned input indices: a cell's activation is the left-to-right sum of its T
    # terms x[a] + x[b] (b = d, the zero column, for a lone input); out: (n, W) zeros.
    # `rows` inputs at a time, transposed so that one input of every row is contiguous: a
    # cell's activation is a loop over the rows that LLVM vectorizes, the inputs stay in L1,
    # and the wiring streams once per group of rows.
    n, d1 = x.shape
    m, n_terms, _ = terms.shape
    xt = np.empty((d1, rows), dtype=np.float64)
    acc = np.empty(rows, dtype=np.float64)
    thr = np.empty(rows, dtype=np.float64)  # each row's running threshold: its active-th best
    n_cand = np.empty(rows, dtype=np.int64)
    best = np.empty((rows, active), dtype=np.float64)
    cand_val = np.empty((rows, m), dtype=np.float64)
    cand_cell = np.empty((rows, m), dtype=np.int64)
    for i in range(0, n, rows):
        for a in range(d1):
            for r in range(rows):
                xt[a, r] = x[i + r, a]
        best[:] = -np.inf
        thr[:] = -np.inf
        n_cand[:] = 0
        for c in range(m):
            hit = False
            if n_terms == 3:  # fan-in 5 or 6 (the usual setting): one fused loop, acc not re-read
                a0, b0 = terms[c, 0, 0], terms[c, 0, 1]
                a1, b1 = terms[c, 1, 0], terms[c, 1, 1]
                a2, b2 = terms[c, 2, 0], terms[c, 2, 1]
                for r in range(rows):
                    v = ((xt[a0, r] + xt[b0, r]) + (xt[a1, r] + xt[b1, r])) + (xt[a2, r] + xt[b2, r])
                    acc[r] = v
                    hit |= v >= thr[r]
            else:
                a, b = terms[c, 0, 0], terms[c, 0, 1]
                for r in range(rows):
                    acc[r] = xt[a, r] + xt[b, r]
                for t in range(1, n_terms):
                    a, b = terms[c, t, 0], terms[c, t, 1]
                    for r in range(rows):
                        acc[r] += xt[a, r] + xt[b, r]
                for r in range(rows):
                    hit |= acc[r] >= thr[r]
            if hit:  # rare after the first cells: some row's candidate
                _see_rows(acc, c, thr, best, cand_val, cand_cell, n_cand)
        for r in range(rows):
            _winners(cand_val[r], cand_cell[r], n_cand[r], thr[r], active, out[i + r])

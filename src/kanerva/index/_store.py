"""Row storage for the exact index: a growable 2-D array in RAM or in a memory-mapped file.

The disk-backed store keeps the rows in a raw little-endian file (``<header>.vectors``), so a
collection larger than RAM is only ever touched block by block through the page cache; the
small header (ids, metric, sizes) is a :mod:`kanerva.io` file written next to it.

Examples
--------
>>> import numpy as np
>>> s = RowStore(np.dtype(np.uint64), 3)
>>> s.append(np.arange(6, dtype=np.uint64).reshape(2, 3))
>>> s.rows().tolist(), len(s)
([[0, 1, 2], [3, 4, 5]], 2)
>>> s.delete(np.array([True, False])); s.rows().tolist()
[[3, 4, 5]]
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np

BLOCK_BYTES = 64 << 20  # a disk store streams in blocks this large: small next to RAM
RAM_BLOCK_BYTES = 1 << 30  # in RAM, blocks only bound the working set: one call per GB


class RowStore:
    """Rows of ``width`` values of ``dtype``; in RAM, or in the raw file ``path`` when given."""

    def __init__(self, dtype: np.dtype, width: int, path: str | os.PathLike | None = None, count: int = 0):
        self.dtype = np.dtype(dtype).newbyteorder("<")
        self.width = int(width)
        self.path = None if path is None else Path(path)
        self.count = int(count)
        row_bytes = self.dtype.itemsize * self.width
        if self.path is None:
            self._data = np.empty((max(count, 16), self.width), dtype=self.dtype)
            return
        if not self.path.exists():
            self.path.touch()
        size = self.path.stat().st_size
        if size < self.count * row_bytes:
            raise ValueError(f"{self.path}: holds {size} bytes, expected {self.count} rows of {row_bytes} bytes")
        self._data = self._map(max(size // row_bytes, self.count))

    def _map(self, capacity: int) -> np.ndarray:
        if capacity == 0:
            return np.empty((0, self.width), dtype=self.dtype)
        mode = "r+" if os.access(self.path, os.W_OK) else "r"
        return np.memmap(self.path, dtype=self.dtype, mode=mode, shape=(capacity, self.width))

    def __len__(self) -> int:
        return self.count

    @property
    def on_disk(self) -> bool:
        return self.path is not None

    def rows(self) -> np.ndarray:
        """All stored rows (a view; a memory map for a disk store)."""
        return self._data[: self.count]

    def blocks(self) -> Iterator[tuple[int, np.ndarray]]:
        """(first row, rows) blocks of about BLOCK_BYTES (RAM_BLOCK_BYTES in RAM), in order."""
        size = BLOCK_BYTES if self.path is not None else RAM_BLOCK_BYTES
        step = max(1, size // max(1, self.dtype.itemsize * self.width))
        for start in range(0, self.count, step):
            yield start, self._data[start : min(start + step, self.count)]

    def _reserve(self, capacity: int) -> None:
        if capacity <= self._data.shape[0]:
            return
        capacity = max(capacity, 2 * self._data.shape[0])
        if self.path is None:
            grown = np.empty((capacity, self.width), dtype=self.dtype)
            grown[: self.count] = self._data[: self.count]
            self._data = grown
            return
        self.flush()
        self._data = None  # drop the old map before resizing the file under it
        with open(self.path, "r+b") as f:
            f.truncate(capacity * self.dtype.itemsize * self.width)
        self._data = self._map(capacity)

    def append(self, rows: np.ndarray) -> None:
        self._reserve(self.count + rows.shape[0])
        self._data[self.count : self.count + rows.shape[0]] = rows
        self.count += rows.shape[0]

    def delete(self, drop: np.ndarray) -> None:
        """Remove the rows where the boolean mask ``drop`` is set, keeping the order."""
        keep = np.flatnonzero(~drop)
        step = max(1, BLOCK_BYTES // max(1, self.dtype.itemsize * self.width))
        for start in range(0, keep.size, step):  # blockwise: never the whole file in RAM
            chunk = keep[start : start + step]
            self._data[start : start + chunk.size] = self._data[chunk]
        self.count = int(keep.size)

    def flush(self) -> None:
        """Write a disk store's pages and trim the file to the stored rows."""
        if self.path is None or self._data is None:
            return
        if isinstance(self._data, np.memmap):
            self._data.flush()
        size = self.count * self.dtype.itemsize * self.width
        if self.path.stat().st_size != size:
            self._data = None
            with open(self.path, "r+b") as f:
                f.truncate(size)
            self._data = self._map(self.count)

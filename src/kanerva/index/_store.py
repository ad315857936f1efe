"""Row storage for the exact index: a growable 2-D array in RAM, or rows in a memory-mapped file.

The disk store keeps the rows in a raw little-endian file next to the index's header (a
:mod:`kanerva.io` file that names it), so a collection larger than RAM is only ever touched block
by block through the page cache. The file on disk must always agree with the header that names
it, whatever happens to the process, and must never change under a reader that maps it:

- ``append`` writes past the header's count (a reader of that header never looks there);
- ``delete`` never compacts in place: it copies the kept rows into a new generation file
  (``NAME.vectors.1``, ``.2``, ...), which the header names only once :meth:`DiskRows.commit` is
  called by ``save``; the old file is removed after that (a reader that maps it keeps its inode);
- every block of ``block_rows`` rows has a CRC-32 in the header, checked the first time the block
  is read (so a flipped byte is an error, not a wrong distance), and recomputed at commit for the
  blocks that changed.

Examples
--------
>>> import numpy as np
>>> s = RamRows(np.dtype(np.uint64), 3)
>>> s.append(np.arange(6, dtype=np.uint64).reshape(2, 3))
>>> s.rows().tolist(), len(s)
([[0, 1, 2], [3, 4, 5]], 2)
>>> s.delete(np.array([True, False])); s.rows().tolist()
[[3, 4, 5]]
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from .. import io

BLOCK_BYTES = 64 << 20  # a disk store streams (and checksums) in blocks this large: small next to RAM
RAM_BLOCK_BYTES = 1 << 30  # in RAM, blocks only bound the working set: one call per GB


class RamRows:
    """Rows of ``width`` values of ``dtype`` in RAM."""

    on_disk = False

    def __init__(self, dtype: np.dtype, width: int):
        self.dtype = np.dtype(dtype).newbyteorder("<")
        self.width = int(width)
        self.count = 0
        self._data = np.empty((0, self.width), dtype=self.dtype)  # nothing of the width's size until rows come

    def __len__(self) -> int:
        return self.count

    @property
    def row_bytes(self) -> int:
        return self.dtype.itemsize * self.width

    def rows(self) -> np.ndarray:
        """All stored rows (a view)."""
        return self._data[: self.count]

    def blocks(self) -> Iterator[tuple[int, np.ndarray]]:
        """(first row, rows) blocks of about RAM_BLOCK_BYTES, in order."""
        step = max(1, RAM_BLOCK_BYTES // max(1, self.row_bytes))
        for start in range(0, self.count, step):
            yield start, self._data[start : min(start + step, self.count)]

    def append(self, rows: np.ndarray) -> None:
        if self.count + len(rows) > self._data.shape[0]:
            grown = np.empty((max(self.count + len(rows), 2 * self._data.shape[0], 16), self.width), dtype=self.dtype)
            grown[: self.count] = self._data[: self.count]
            self._data = grown
        self._data[self.count : self.count + len(rows)] = rows
        self.count += len(rows)

    def delete(self, drop: np.ndarray) -> None:
        """Remove the rows where the boolean mask ``drop`` is set, keeping the order."""
        keep = self._data[: self.count][~drop]
        self.count = len(keep)
        self._data[: self.count] = keep


def vectors_name(header: Path, generation: int) -> str:
    """The name of a generation of the vectors file of ``header`` (0: ``NAME.vectors``)."""
    return f"{header.name}.vectors" + (f".{generation}" if generation else "")


def generation_of(header: Path, name: str) -> int:
    """The generation a vectors file name belongs to, or ValueError for a name that is not one
    of ``header``'s (a header cannot send the loader to another file or directory)."""
    match = re.fullmatch(re.escape(header.name) + r"\.vectors(?:\.([1-9][0-9]{0,8}))?", name)
    if match is None:
        raise ValueError(f"vectors file {name!r} is not one of {header.name}'s")
    return int(match.group(1) or 0)


class DiskRows:
    """Rows in the memory-mapped file of generation ``generation`` of ``header``'s vectors.

    ``count`` rows are valid; ``crcs`` (one per block of ``block_rows`` rows, None for a new
    file) are the checksums the header holds for them.
    """

    on_disk = True

    def __init__(self, dtype: np.dtype, width: int, header: Path, generation: int = 0, count: int = 0,
                 block_rows: int | None = None, crcs: list[int] | None = None):
        self.dtype = np.dtype(dtype).newbyteorder("<")
        self.width = int(width)
        self.header = Path(header)
        self.generation = generation
        self.committed_generation = generation if crcs is not None else None  # what the header names
        self.count = int(count)
        self.block_rows = int(block_rows) if block_rows else max(1, BLOCK_BYTES // self.row_bytes)
        self._crcs = list(crcs or [])
        self._checked: set[int] = set()  # blocks read and found intact
        self._fresh: set[int] = set() if crcs is not None else None  # blocks whose crc needs computing
        if crcs is not None and len(self._crcs) != -(-self.count // self.block_rows):
            raise ValueError(f"{len(self._crcs)} block checksums for {self.count} rows in blocks of {self.block_rows}")
        size = self.path.stat().st_size if self.path.exists() else 0
        if size < self.count * self.row_bytes:
            raise ValueError(f"{self.path}: holds {size} bytes, expected {self.count} rows of {self.row_bytes} bytes")
        if not self.path.exists():
            self.path.touch()
        self._data = self._map(max(size // self.row_bytes, self.count))

    @property
    def row_bytes(self) -> int:
        return self.dtype.itemsize * self.width

    @property
    def path(self) -> Path:
        return self.header.with_name(vectors_name(self.header, self.generation))

    def __len__(self) -> int:
        return self.count

    def _map(self, capacity: int) -> np.ndarray:
        if capacity == 0:
            return np.empty((0, self.width), dtype=self.dtype)
        mode = "r+" if os.access(self.path, os.W_OK) else "r"
        return np.memmap(self.path, dtype=self.dtype, mode=mode, shape=(capacity, self.width))

    def rows(self) -> np.ndarray:
        """All stored rows (a memory map), every block checked against its checksum."""
        for _ in self.blocks():
            pass
        return self._data[: self.count]

    def blocks(self) -> Iterator[tuple[int, np.ndarray]]:
        """(first row, rows) blocks of ``block_rows`` rows, in order, each checked against its
        checksum the first time it is read."""
        for b, start in enumerate(range(0, self.count, self.block_rows)):
            block = self._data[start : min(start + self.block_rows, self.count)]
            if b not in self._checked and self._fresh is not None and b not in self._fresh and b < len(self._crcs):
                if zlib.crc32(np.ascontiguousarray(block)) != self._crcs[b]:
                    raise io.ModelFileError(f"{self.path}: rows {start}..{start + len(block) - 1} do not match "
                                            f"their checksum (the vectors file is corrupt)")
                self._checked.add(b)
            yield start, block

    def append(self, rows: np.ndarray) -> None:
        """Write rows past ``count`` (past what the header says: its readers never look there)."""
        need = self.count + len(rows)
        if need > self._data.shape[0]:
            capacity = max(need, 2 * self._data.shape[0])
            self.flush()
            self._data = None  # drop the old map before growing the file under it
            with open(self.path, "r+b") as f:
                f.truncate(capacity * self.row_bytes)
            self._data = self._map(capacity)
        first = self.count // self.block_rows
        self._data[self.count : need] = rows
        self.count = need
        self._touched(range(first, -(-need // self.block_rows)))

    def _touched(self, blocks) -> None:
        for b in blocks:
            self._checked.discard(b)
            if self._fresh is not None:
                self._fresh.add(b)

    def delete(self, drop: np.ndarray) -> None:
        """Copy the rows not in ``drop`` into a new generation file (blockwise: never the whole
        collection in RAM) and continue there; the old file is left as the header knows it."""
        keep = np.flatnonzero(~drop)
        old, generation = self._data, self._next_generation()
        target = self.header.with_name(vectors_name(self.header, generation))
        with open(target, "wb") as f:
            for start in range(0, keep.size, self.block_rows):
                f.write(np.ascontiguousarray(old[keep[start : start + self.block_rows]]).tobytes())
        self._data, self.generation, self.count = None, generation, int(keep.size)
        self._data = self._map(self.count)
        self._checked, self._fresh = set(), set(range(-(-self.count // self.block_rows)))
        self._crcs = []

    def _next_generation(self) -> int:
        used = {self.generation, self.committed_generation or 0}
        used |= {g for g in (_generation_or_none(self.header, p.name)
                             for p in self.header.parent.glob(f"{self.header.name}.vectors*")) if g is not None}
        return max(used) + 1

    def flush(self) -> None:
        """Write the mapped pages to disk."""
        if isinstance(self._data, np.memmap):
            self._data.flush()

    def checksums(self) -> list[int]:
        """CRC-32 of every block of the valid rows (recomputed for the blocks that changed)."""
        n_blocks = -(-self.count // self.block_rows)
        crcs = self._crcs[:n_blocks] + [0] * max(0, n_blocks - len(self._crcs))
        for b in range(n_blocks):
            if self._fresh is None or b in self._fresh or b >= len(self._crcs):
                block = self._data[b * self.block_rows : min((b + 1) * self.block_rows, self.count)]
                crcs[b] = zlib.crc32(np.ascontiguousarray(block))
        return crcs

    def commit(self, write_header) -> None:
        """Make the rows durable, call ``write_header(file name, block_rows, crcs)`` (which must
        replace the header atomically), then remove the files the header no longer names."""
        self.flush()
        size = self.count * self.row_bytes
        with open(self.path, "r+b") as f:
            if os.fstat(f.fileno()).st_size > size:  # the growth reserve (readers never map past their count)
                self._data = None
                f.truncate(size)
            os.fsync(f.fileno())
        if self._data is None:
            self._data = self._map(self.count)
        crcs = self.checksums()
        write_header(self.path.name, self.block_rows, crcs)
        self._crcs, self._fresh, self.committed_generation = crcs, set(), self.generation
        self._checked = set(range(len(crcs)))
        remove_other_generations(self.header, self.generation)

    def copy_to(self, header: Path) -> str:
        """Write the valid rows into a new vectors file of another index ``header`` (a generation
        no header names yet); its name."""
        header = Path(header)
        generations = [g for g in map(lambda p: _generation_or_none(header, p.name),
                                      header.parent.glob(f"{header.name}.vectors*")) if g is not None]
        name = vectors_name(header, max(generations) + 1 if generations else 0)
        with open(header.with_name(name), "wb") as f:
            for _, block in self.blocks():
                f.write(np.ascontiguousarray(block).tobytes())
            f.flush()
            os.fsync(f.fileno())
        return name


def _generation_or_none(header: Path, name: str) -> int | None:
    try:
        return generation_of(header, name)
    except ValueError:
        return None


def remove_other_generations(header: Path, keep: int) -> None:
    """Remove the vectors files of ``header`` other than generation ``keep`` (after the header
    naming ``keep`` is written; a process that still maps one keeps reading its inode)."""
    for p in Path(header).parent.glob(f"{Path(header).name}.vectors*"):
        generation = _generation_or_none(Path(header), p.name)
        if generation is not None and generation != keep:
            try:
                p.unlink()
            except OSError:
                pass

"""Saving and loading: safe (no pickle), versioned, atomic.

Every kanerva file is a safetensors file (arrays plus a string-to-string header) whose header
carries ``kanerva.kind`` (what the file holds, e.g. "langid-model"), ``kanerva.format`` (the
format version of that kind), ``kanerva.meta`` (JSON settings) and ``kanerva.sha256`` (the
SHA-256 of the array bytes, so that a flipped byte in the data is caught, not loaded as a wrong
model). Files are written to a temporary name in the target directory and renamed into place, so
a crash never leaves a half-written file. Loading checks the kind, version and checksum and
refuses corrupt, truncated or foreign files with a :class:`ModelFileError` that says what is
wrong. (Files written before the checksum was added have none and load unchecked.)

Examples
--------
>>> import numpy as np, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "m.kanerva")
>>> save(path, "demo", 1, {"w": np.arange(3)}, {"dim": 3})
>>> arrays, meta = load(path, "demo", 1)
>>> arrays["w"].tolist(), meta
([0, 1, 2], {'dim': 3})
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from pathlib import Path

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load as _st_load
from safetensors.numpy import save as _st_save


class ModelFileError(ValueError):
    """A file that is not a readable kanerva file of the expected kind and version."""


_MAX_HEADER = 1 << 26  # bytes: far above any kanerva header; a larger length means a foreign file


def save(path: str | os.PathLike, kind: str, version: int, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Write ``arrays`` and the JSON-able ``meta`` to ``path`` atomically."""
    header = {"kanerva.kind": kind, "kanerva.format": str(int(version)), "kanerva.meta": json.dumps(meta)}
    tensors = {}
    for name, arr in arrays.items():
        arr = np.ascontiguousarray(arr)
        if arr.dtype.kind == "c":  # safetensors has no complex dtype: store (..., 2) reals
            arr = np.ascontiguousarray(arr.view(arr.real.dtype).reshape(arr.shape + (2,)))
            header[f"kanerva.complex.{name}"] = "1"
        tensors[name] = arr
    data = _sorted_header(_st_save(tensors, metadata=header))
    atomic_write(path, lambda f: f.write(data))


def atomic_write(path: str | os.PathLike, write) -> None:
    """Call ``write(binary file)`` on a temporary file in ``path``'s directory, then rename it to
    ``path``: readers see the old file or the whole new one, never a part (a full disk, a crash);
    the temporary file is removed on any failure."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=".kanerva-", suffix=".tmp", dir=directory)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes the file 0600: give it the usual mode
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _sorted_header(data: bytes) -> bytes:
    """safetensors bytes with the checksum of the array bytes added to the header and the header's
    keys sorted. safetensors writes the metadata from a hash map whose order changes from call to
    call, so the same arrays gave different bytes; with the keys sorted, the same model is the same
    file. Still a valid safetensors file: the header is padded with spaces to 8 bytes, the data
    offsets are relative to the end of the header."""
    n = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + n])
    header["__metadata__"]["kanerva.sha256"] = hashlib.sha256(data[8 + n :]).hexdigest()
    text = json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    raw = text.encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    return len(raw).to_bytes(8, "little") + raw + data[8 + n :]


def read_header(path: str | os.PathLike) -> dict[str, str]:
    """The string header of a kanerva file (only the header is read), or :class:`ModelFileError`."""
    path = Path(path)
    size = _regular_file_size(path)
    with open(path, "rb") as f:
        return _parse_header(path, f.read(8), size, lambda n: f.read(n))


def _regular_file_size(path: Path) -> int:
    # a FIFO or a device would block or never end: only regular files are read
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ModelFileError(f"{path}: no such file") from None
    except OSError as exc:
        raise ModelFileError(f"{path}: cannot read ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise ModelFileError(f"{path}: is a directory, not a kanerva file")
    if not stat.S_ISREG(info.st_mode):
        raise ModelFileError(f"{path}: not a regular file (a pipe or a device?), not a kanerva file")
    return info.st_size


def _parse_header(path: Path, first: bytes, size: int, read) -> dict[str, str]:
    if size < 8 or len(first) < 8:
        raise ModelFileError(f"{path}: too short to be a kanerva file ({size} bytes)")
    n = int.from_bytes(first[:8], "little")
    if n <= 0 or n > _MAX_HEADER or 8 + n > size:
        raise ModelFileError(f"{path}: not a kanerva file (bad header length; truncated or foreign file)")
    try:
        header = json.loads(read(n))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ModelFileError(f"{path}: not a kanerva file (unreadable header)") from None
    meta = header.get("__metadata__") if isinstance(header, dict) else None
    if not isinstance(meta, dict) or not isinstance(meta.get("kanerva.kind"), str):
        raise ModelFileError(f"{path}: not a kanerva file (no kanerva header)")
    return meta


def load(path: str | os.PathLike, kind: str, version: int) -> tuple[dict[str, np.ndarray], dict]:
    """Read a file written by :func:`save`; checks kind and format version."""
    path = Path(path)
    _regular_file_size(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ModelFileError(f"{path}: cannot read ({exc.strerror})") from None
    header = _parse_header(path, raw[:8], len(raw), lambda n: raw[8 : 8 + n])
    if header["kanerva.kind"] != kind:
        raise ModelFileError(f"{path}: holds a {header['kanerva.kind']!r}, expected a {kind!r}")
    found = header.get("kanerva.format")
    if found != str(int(version)):
        raise ModelFileError(
            f"{path}: {kind} format version {found}, this kanerva reads version {version}"
        )
    digest = header.get("kanerva.sha256")
    if digest is not None:
        start = 8 + int.from_bytes(raw[:8], "little")
        if hashlib.sha256(memoryview(raw)[start:]).hexdigest() != digest:
            raise ModelFileError(f"{path}: corrupt or truncated (the array bytes do not match the file's checksum)")
    try:
        arrays = _st_load(raw)
    except (SafetensorError, ValueError) as exc:
        raise ModelFileError(f"{path}: corrupt or truncated ({exc})") from None
    for name in list(arrays):
        if header.get(f"kanerva.complex.{name}") == "1":
            arr = np.ascontiguousarray(arrays[name])
            arrays[name] = arr.view(np.complex64 if arr.dtype == np.float32 else np.complex128)[..., 0]
    try:
        meta = json.loads(header.get("kanerva.meta", "{}"))
    except json.JSONDecodeError:
        raise ModelFileError(f"{path}: corrupt settings in the header") from None
    return arrays, meta

"""Saving and loading: safe (no pickle), versioned, atomic.

Every kanerva file is a safetensors file (arrays plus a string-to-string header) whose header
carries ``kanerva.kind`` (what the file holds, e.g. "langid-model"), ``kanerva.format`` (the
format version of that kind) and ``kanerva.meta`` (JSON settings). Files are written to a
temporary name in the target directory and renamed into place, so a crash never leaves a
half-written file. Loading checks the kind and version and refuses corrupt, truncated or
foreign files with a :class:`ModelFileError` that says what is wrong.

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

import json
import os
import tempfile
from pathlib import Path

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load as _st_load
from safetensors.numpy import save as _st_save


class ModelFileError(ValueError):
    """A file that is not a readable kanerva file of the expected kind and version."""


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
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _sorted_header(data: bytes) -> bytes:
    """safetensors bytes with the JSON header's keys sorted. safetensors writes the metadata from a
    hash map whose order changes from call to call, so the same arrays gave different bytes; with
    the keys sorted, the same model is the same file (checksums and caches work). Still a valid
    safetensors file: the header is padded with spaces to 8 bytes, the data offsets are relative."""
    n = int.from_bytes(data[:8], "little")
    text = json.dumps(json.loads(data[8 : 8 + n]), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    raw = text.encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    return len(raw).to_bytes(8, "little") + raw + data[8 + n :]


def read_header(path: str | os.PathLike) -> dict[str, str]:
    """The string header of a kanerva file, or :class:`ModelFileError`."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ModelFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ModelFileError(f"{path}: is a directory, not a kanerva file") from None
    if len(raw) < 8:
        raise ModelFileError(f"{path}: too short to be a kanerva file ({len(raw)} bytes)")
    n = int.from_bytes(raw[:8], "little")
    if n <= 0 or 8 + n > len(raw):
        raise ModelFileError(f"{path}: not a kanerva file (bad header length; truncated or foreign file)")
    try:
        header = json.loads(raw[8 : 8 + n])
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ModelFileError(f"{path}: not a kanerva file (unreadable header)") from None
    meta = header.get("__metadata__") if isinstance(header, dict) else None
    if not isinstance(meta, dict) or "kanerva.kind" not in meta:
        raise ModelFileError(f"{path}: not a kanerva file (no kanerva header)")
    return meta


def load(path: str | os.PathLike, kind: str, version: int) -> tuple[dict[str, np.ndarray], dict]:
    """Read a file written by :func:`save`; checks kind and format version."""
    path = Path(path)
    header = read_header(path)
    if header["kanerva.kind"] != kind:
        raise ModelFileError(f"{path}: holds a {header['kanerva.kind']!r}, expected a {kind!r}")
    found = header.get("kanerva.format")
    if found != str(int(version)):
        raise ModelFileError(
            f"{path}: {kind} format version {found}, this kanerva reads version {version}"
        )
    try:
        arrays = _st_load(path.read_bytes())
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

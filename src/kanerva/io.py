"""Saving and loading: safe (no pickle), versioned, atomic.

Every kanerva file is a safetensors file (arrays plus a string-to-string header) whose header
carries ``kanerva.kind`` (what the file holds, e.g. "langid-model"), ``kanerva.format`` (the
format version of that kind), ``kanerva.meta`` (JSON settings) and ``kanerva.sha256``: the SHA-256
of the whole file, the header (in canonical JSON, with this field empty) and the array bytes, so
that a flipped bit anywhere (a label, a setting, an array) is caught instead of loading as a
different model. Loading checks the kind, version and checksum and refuses corrupt, truncated or
foreign files with a :class:`ModelFileError` that says what is wrong. Files of kanerva 0.1, whose
checksum covered the arrays only (or, earliest, had none), still load, with a
:class:`UnprotectedFileWarning`: save them again to protect them.

Writing is atomic (:func:`atomic_write`): a temporary file in the target's directory, flushed to
disk, renamed into place, and the directory synced, so readers see the old file or the whole new
one, never a part, and a crash never leaves a half-written file. Only regular files are replaced:
a pipe, a device, a socket or a directory at the target is refused; a symbolic link is written
through (its target is replaced, the link stays). Temporary files left by a process that was
killed during a write are removed by the next write into the same directory.

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
import re
import stat
import tempfile
import warnings
from pathlib import Path

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load as _st_load
from safetensors.numpy import save as _st_save


class ModelFileError(ValueError):
    """A file that is not a readable kanerva file of the expected kind and version."""


class UnprotectedFileWarning(UserWarning):
    """A file of an older kanerva whose checksum does not cover its header (or that has none)."""


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
    data = _signed(_st_save(tensors, metadata=header))
    atomic_write(path, lambda f: f.write(data))


def atomic_write(path: str | os.PathLike, write) -> None:
    """Call ``write(binary file)`` on a temporary file in ``path``'s directory, then rename it to
    ``path``: readers see the old file or the whole new one, never a part (a full disk, a crash);
    the temporary file is removed on any failure. ``path`` must be a regular file or not exist
    (a symbolic link is followed: its target is written)."""
    path = Path(path)
    target = _write_target(path)
    directory = target.parent
    _remove_stale_temporaries(directory)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".kanerva-{os.getpid()}-", suffix=".tmp", dir=directory)
    except OSError as exc:  # name the file the user asked for, not the temporary one
        raise OSError(exc.errno, f"cannot write {path}: {exc.strerror}") from None
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes the file 0600: give it the usual mode
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
        _sync_directory(directory)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _write_target(path: Path) -> Path:
    """The file an atomic write replaces: ``path``, or what its symbolic link points to; refused
    when it exists and is not a regular file (a rename would replace a pipe, a device or a socket)."""
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        info = target.stat()
    except FileNotFoundError:
        if not (target.parent if str(target.parent) else Path(".")).is_dir():
            raise FileNotFoundError(f"cannot write {path}: directory {target.parent} does not exist") from None
        return target
    except OSError as exc:
        raise OSError(exc.errno, f"cannot write {path}: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(f"cannot write {path}: it is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"cannot write {path}: it is not a regular file (a pipe, a device or a socket), "
                         f"and kanerva only replaces regular files")
    return target


_TEMPORARY = re.compile(r"^\.kanerva-(\d+)-.*\.tmp$")


def _remove_stale_temporaries(directory: Path) -> None:
    """Remove the temporary files of writers that no longer run (a process killed while saving)."""
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        match = _TEMPORARY.match(name)
        if match and not _running(int(match.group(1))):
            try:
                os.unlink(directory / name)
            except OSError:
                pass


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _sync_directory(directory: Path) -> None:
    """fsync a directory so that a rename in it survives a power cut."""
    try:
        fd = os.open(directory if str(directory) else ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _canonical(header: dict) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _digest(header: dict, body) -> str:
    """SHA-256 of the header (canonical JSON, the checksum field empty) and the array bytes."""
    blank = {**header, "__metadata__": {**header["__metadata__"], "kanerva.sha256": ""}}
    h = hashlib.sha256(_canonical(blank))
    h.update(body)
    return h.hexdigest()


def _signed(data: bytes) -> bytes:
    """safetensors bytes with the whole-file checksum added to the header and the header's keys
    sorted. safetensors writes the metadata from a hash map whose order changes from call to call,
    so the same arrays gave different bytes; with the keys sorted, the same model is the same file.
    Still a valid safetensors file: the header is padded with spaces to 8 bytes, the data offsets
    are relative to the end of the header."""
    n = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + n])
    body = data[8 + n :]
    header["__metadata__"]["kanerva.sha256"] = _digest(header, body)
    raw = _canonical(header)
    raw += b" " * (-len(raw) % 8)
    return len(raw).to_bytes(8, "little") + raw + body


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
    return _parse_full_header(path, first, size, read)["__metadata__"]


def _parse_full_header(path: Path, first: bytes, size: int, read) -> dict:
    if size < 8 or len(first) < 8:
        raise ModelFileError(f"{path}: too short to be a kanerva file ({size} bytes)")
    n = int.from_bytes(first[:8], "little")
    if n <= 0 or n > _MAX_HEADER or 8 + n > size:
        raise ModelFileError(f"{path}: not a kanerva file (bad header length; truncated or foreign file)")
    try:
        header = json.loads(read(n))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise ModelFileError(f"{path}: not a kanerva file (unreadable header)") from None
    meta = header.get("__metadata__") if isinstance(header, dict) else None
    if not isinstance(meta, dict) or not isinstance(meta.get("kanerva.kind"), str) \
            or not all(isinstance(v, str) for v in meta.values()):
        raise ModelFileError(f"{path}: not a kanerva file (no kanerva header)")
    return header


def load(path: str | os.PathLike, kind: str, version: int) -> tuple[dict[str, np.ndarray], dict]:
    """Read a file written by :func:`save`; checks kind, format version and checksum."""
    path = Path(path)
    _regular_file_size(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ModelFileError(f"{path}: cannot read ({exc.strerror})") from None
    full = _parse_full_header(path, raw[:8], len(raw), lambda n: raw[8 : 8 + n])
    header = full["__metadata__"]
    body = memoryview(raw)[8 + int.from_bytes(raw[:8], "little"):]
    _check_digest(path, full, body)
    if header["kanerva.kind"] != kind:
        raise ModelFileError(f"{path}: holds a {header['kanerva.kind']!r}, expected a {kind!r}")
    found = header.get("kanerva.format")
    if found != str(int(version)):
        raise ModelFileError(
            f"{path}: {kind} format version {found}, this kanerva reads version {version}"
        )
    try:
        arrays = _st_load(raw)
    except (SafetensorError, ValueError) as exc:
        raise ModelFileError(f"{path}: corrupt or truncated ({exc})") from None
    for name in list(arrays):
        if header.get(f"kanerva.complex.{name}") == "1":
            arr = np.ascontiguousarray(arrays[name])
            if arr.dtype not in (np.float32, np.float64) or arr.ndim == 0 or arr.shape[-1] != 2:
                raise ModelFileError(f"{path}: array {name!r} is marked complex but is {arr.dtype} {arr.shape}")
            arrays[name] = arr.view(np.complex64 if arr.dtype == np.float32 else np.complex128)[..., 0]
    try:
        meta = json.loads(header.get("kanerva.meta", "{}"))
    except (json.JSONDecodeError, RecursionError):
        raise ModelFileError(f"{path}: corrupt settings in the header") from None
    if not isinstance(meta, dict):
        raise ModelFileError(f"{path}: corrupt settings in the header (not a JSON object)")
    return arrays, meta


def _check_digest(path: Path, header: dict, body) -> None:
    digest = header["__metadata__"].get("kanerva.sha256")
    if digest is not None and _digest(header, body) == digest:
        return
    if digest is not None and hashlib.sha256(body).hexdigest() == digest:  # kanerva 0.1: the arrays only
        warnings.warn(f"{path}: written by kanerva 0.1, whose checksum covers only the arrays; save it again "
                      f"to protect its header too", UnprotectedFileWarning, stacklevel=3)
        return
    legacy = {"kanerva.kind", "kanerva.format", "kanerva.meta"}
    if digest is None and all(k in legacy or k.startswith("kanerva.complex.") for k in header["__metadata__"]):
        warnings.warn(f"{path}: has no checksum (written by an early kanerva), so corruption cannot be "
                      f"detected; save it again", UnprotectedFileWarning, stacklevel=3)
        return
    raise ModelFileError(f"{path}: corrupt or truncated (the file does not match its checksum)")

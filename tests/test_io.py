"""Model files: atomic, safe (safetensors, no pickle) and reproducible."""

import hashlib
import json
import os
import stat
import subprocess
import sys
import warnings

import numpy as np
import pytest
from safetensors.numpy import load as st_load

from kanerva import io


def test_the_same_arrays_make_the_same_file(tmp_path):
    arrays = {"table": np.arange(12, dtype=np.float32).reshape(3, 4), "codes": np.arange(5),
              "phases": np.exp(1j * np.arange(3))}
    meta = {"labels": ["de", "ελ"], "dim": 4}
    files = []
    for i in range(6):  # safetensors' own header order changes from call to call
        io.save(tmp_path / f"{i}.kanerva", "test-model", 1, arrays, meta)
        files.append((tmp_path / f"{i}.kanerva").read_bytes())
    assert len(set(files)) == 1
    raw = files[0]
    n = int.from_bytes(raw[:8], "little")
    assert n % 8 == 0  # the header stays padded to 8 bytes
    plain = st_load(raw)  # still a file safetensors itself reads
    assert np.array_equal(plain["table"], arrays["table"])
    back, back_meta = io.load(tmp_path / "0.kanerva", "test-model", 1)
    assert back_meta == meta and set(back) == set(arrays)
    for name in arrays:
        assert np.array_equal(back[name], arrays[name]) and back[name].dtype == arrays[name].dtype
    with pytest.raises(io.ModelFileError, match="version 1"):
        io.load(tmp_path / "0.kanerva", "test-model", 2)


def _saved(tmp_path, name="m.kanerva"):
    path = tmp_path / name
    io.save(path, "test-model", 1, {"table": np.linspace(-1, 1, 64, dtype=np.float32)}, {"dim": 64})
    return path


def test_a_changed_array_byte_is_refused(tmp_path):
    path = _saved(tmp_path)
    raw = bytearray(path.read_bytes())
    for at in (len(raw) - 1, len(raw) - 200):  # inside the float data: still a valid safetensors file
        bad = bytearray(raw)
        bad[at] ^= 0x40
        (tmp_path / "bad.kanerva").write_bytes(bytes(bad))
        assert st_load(bytes(bad))["table"].shape == (64,)
        with pytest.raises(io.ModelFileError, match="checksum"):
            io.load(tmp_path / "bad.kanerva", "test-model", 1)


def _rewrite_header(raw: bytes, change) -> bytes:
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + n])
    change(header["__metadata__"])
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return len(text).to_bytes(8, "little") + text + raw[8 + n :]


def test_the_checksum_covers_the_header(tmp_path):
    path = _saved(tmp_path)
    raw = path.read_bytes()
    (tmp_path / "h.kanerva").write_bytes(_rewrite_header(raw, lambda m: m.update({"kanerva.meta": '{"dim": 65}'})))
    with pytest.raises(io.ModelFileError, match="checksum"):
        io.load(tmp_path / "h.kanerva", "test-model", 1)
    # a single-bit flip at every byte of the header (a different bit at each) is refused, or loads
    # the same file
    n = int.from_bytes(raw[:8], "little")
    want = io.load(path, "test-model", 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no flip may pass as an unprotected old file either
        for at in range(8, 8 + n):
            for bit in (at % 8,):
                bad = bytearray(raw)
                bad[at] ^= 1 << bit
                (tmp_path / "b.kanerva").write_bytes(bytes(bad))
                try:
                    got = io.load(tmp_path / "b.kanerva", "test-model", 1)
                except io.ModelFileError:
                    continue
                assert got[1] == want[1] and np.array_equal(got[0]["table"], want[0]["table"]), (at, bit)


def test_files_of_kanerva_0_1_load_with_a_warning(tmp_path):
    path = _saved(tmp_path)
    raw = path.read_bytes()
    n = int.from_bytes(raw[:8], "little")
    array_only = hashlib.sha256(raw[8 + n :]).hexdigest()
    (tmp_path / "old.kanerva").write_bytes(_rewrite_header(raw, lambda m: m.update({"kanerva.sha256": array_only})))
    (tmp_path / "older.kanerva").write_bytes(_rewrite_header(raw, lambda m: m.pop("kanerva.sha256")))
    for name in ("old.kanerva", "older.kanerva"):
        with pytest.warns(io.UnprotectedFileWarning, match="save it again"):
            arrays, _ = io.load(tmp_path / name, "test-model", 1)
        assert np.array_equal(arrays["table"], np.linspace(-1, 1, 64, dtype=np.float32))


def test_special_files_are_not_replaced_and_links_are_written_through(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="not a regular file"):
        _saved(tmp_path, "fifo")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    with pytest.raises(ValueError, match="not a regular file"):
        io.save("/dev/null", "test-model", 1, {}, {})
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)
    with pytest.raises(IsADirectoryError):
        io.save(tmp_path, "test-model", 1, {}, {})
    (tmp_path / "versions").mkdir()
    real = tmp_path / "versions" / "v1.kanerva"
    link = tmp_path / "current.kanerva"
    link.symlink_to(real)
    _saved(tmp_path, "current.kanerva")
    assert link.is_symlink() and real.is_file()
    assert io.load(link, "test-model", 1)[1] == {"dim": 64}
    os.unlink(real)
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere" / "x")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        _saved(tmp_path, "dangling")


def test_errors_name_the_target_and_stale_temporaries_go(tmp_path):
    with pytest.raises(OSError, match="/proc/x.kanerva"):
        io.save("/proc/x.kanerva", "test-model", 1, {}, {})
    # a writer killed during a save leaves its temporary file; the next save removes it
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(child.stdout)
    stale = tmp_path / f".kanerva-{dead}-abc.tmp"
    stale.write_bytes(b"half")
    mine = tmp_path / f".kanerva-{os.getpid()}-live.tmp"  # a live writer's file stays
    mine.write_bytes(b"busy")
    _saved(tmp_path)
    assert not stale.exists() and mine.exists()


def test_pipes_and_devices_are_refused_without_reading(tmp_path):
    import os

    fifo = tmp_path / "fifo.kanerva"
    os.mkfifo(fifo)  # reading it would block forever
    for call in (lambda p: io.load(p, "test-model", 1), io.read_header):
        with pytest.raises(io.ModelFileError, match="not a regular file"):
            call(fifo)
        with pytest.raises(io.ModelFileError, match="not a regular file"):
            call("/dev/zero")
        with pytest.raises(io.ModelFileError, match="is a directory"):
            call(tmp_path)
        with pytest.raises(io.ModelFileError, match="no such file"):
            call(tmp_path / "missing.kanerva")


def test_saved_files_get_the_usual_mode(tmp_path):
    import os

    old = os.umask(0o022)
    try:
        path = _saved(tmp_path)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["m.kanerva"]  # no temporary file left

"""Model files: atomic, safe (safetensors, no pickle) and reproducible."""

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
    # a file without a checksum (written before it was added) still loads
    n = int.from_bytes(raw[:8], "little")
    header = __import__("json").loads(raw[8 : 8 + n])
    del header["__metadata__"]["kanerva.sha256"]
    text = __import__("json").dumps(header).encode()
    text += b" " * (-len(text) % 8)
    (tmp_path / "old.kanerva").write_bytes(len(text).to_bytes(8, "little") + text + bytes(raw[8 + n :]))
    arrays, _ = io.load(tmp_path / "old.kanerva", "test-model", 1)
    assert np.array_equal(arrays["table"], np.linspace(-1, 1, 64, dtype=np.float32))


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

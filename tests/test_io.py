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

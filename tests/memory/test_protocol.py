"""Every memory: the shared protocol, save/load round trips, corrupt files refused."""

import numpy as np
import pytest

import kanerva as kv
from kanerva.io import ModelFileError
from kanerva.memory import (CleanupMemory, DenseAssociativeMemory, FastWeights, Hopfield, ModernHopfield,
                            SparseDistributedMemory)

BITS = np.random.default_rng(0).choice(np.array([-1, 1], dtype=np.int8), size=(8, 64))
S = kv.BSC(64, seed=5)


def filled():
    out = []
    for rule in ("hebb", "storkey", "pinv"):
        net = Hopfield(64, rule=rule)
        net.write(BITS)
        out.append((net, BITS))
    for dam in (DenseAssociativeMemory(64, n=3), DenseAssociativeMemory(64, interaction="exp")):
        dam.write(BITS)
        out.append((dam, BITS))
    mh = ModernHopfield(beta=3.0)
    mh.write(BITS.astype(float))
    out.append((mh, BITS.astype(float)))
    hetero = ModernHopfield(beta=3.0)
    hetero.write(BITS.astype(float), np.arange(16.0).reshape(8, 2))
    out.append((hetero, BITS.astype(float)))
    sdm = SparseDistributedMemory(S, locations=300, radius=26)
    items = S.random(key=list(range(8)))
    sdm.write(items)
    out.append((sdm, items))
    fw = FastWeights(64)
    fw.write(BITS.astype(float))
    out.append((fw, BITS.astype(float)))
    cm = CleanupMemory(kv.Codebook(S, ["a", 7, "b"]))
    out.append((cm, S.random(key=["a", "b"])))
    return out


@pytest.mark.parametrize("memory,cues", filled(), ids=lambda m: type(m).__name__ if not isinstance(m, np.ndarray) else "")
def test_round_trip_reads_the_same(memory, cues, tmp_path):
    path = tmp_path / "m.kanerva"
    memory.save(path)
    back = type(memory).load(path)
    assert len(back) == len(memory) > 0
    np.testing.assert_array_equal(back.read(cues), memory.read(cues))


@pytest.mark.parametrize("memory,cues", filled()[:1] + filled()[-3:-2])
def test_corrupt_truncated_and_foreign_files_are_refused(memory, cues, tmp_path):
    path = tmp_path / "m.kanerva"
    memory.save(path)
    raw = path.read_bytes()
    (tmp_path / "cut").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ModelFileError):
        type(memory).load(tmp_path / "cut")
    (tmp_path / "junk").write_bytes(b"\x00" * 100)
    with pytest.raises(ModelFileError):
        type(memory).load(tmp_path / "junk")
    other = FastWeights(4)
    other.save(tmp_path / "fw")
    with pytest.raises(ModelFileError, match="expected"):
        type(memory).load(tmp_path / "fw")


def test_single_cue_gives_single_answer():
    for memory, cues in filled():
        one = memory.read(cues[0])
        assert one.shape == np.asarray(memory.read(cues))[0].shape

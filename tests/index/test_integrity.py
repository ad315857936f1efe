"""A memory-mapped index on disk is always one saved state: removes, crashes, concurrent readers,
corrupt rows and crafted headers."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import kanerva as kv
from kanerva import io
from kanerva.index import ExactIndex


def test_remove_without_save_leaves_the_saved_index_intact(tmp_path):
    # the reproduction of the issue: remove() on a loaded index, the process ends before save()
    s = kv.BSC(256)
    path = tmp_path / "r.idx"
    d = ExactIndex(s, path=path)
    d.add(s.random(key=list("abcde")), ids=[10, 20, 30, 40, 50])
    d.save()
    j = ExactIndex.load(path)
    j.remove([20])
    j.add(s.random(key="f"), ids=[60])
    del j
    k = ExactIndex.load(path)
    assert k.ids.tolist() == [10, 20, 30, 40, 50]
    assert k.search(s.random(key="c"))[1][0, 0] == 30
    assert k.search(s.random(key="b"))[1][0, 0] == 20


def test_a_flipped_byte_in_the_vectors_file_is_caught(tmp_path, monkeypatch):
    from kanerva.index import _store

    monkeypatch.setattr(_store, "BLOCK_BYTES", 4096)  # several checksummed blocks
    s = kv.BSC(512)
    path = tmp_path / "c.idx"
    d = ExactIndex(s, path=path)
    data = s.random(200)
    d.add(data)
    d.save()
    vectors = next(tmp_path.glob("c.idx.vectors*"))
    raw = bytearray(vectors.read_bytes())
    raw[5_000] ^= 0x10  # a row of the second block
    vectors.write_bytes(bytes(raw))
    loaded = ExactIndex.load(path)
    with pytest.raises(io.ModelFileError, match="do not match their checksum"):
        loaded.search(data[0], k=1)
    with pytest.raises(io.ModelFileError, match="checksum"):
        loaded.vectors()


def test_crafted_ids_and_next_id_are_refused(tmp_path):
    s = kv.BSC(64)
    d = ExactIndex(s)
    d.add(s.random(3), ids=[10, 11, 12])
    d.save(tmp_path / "ok")
    arrays, meta = io.load(tmp_path / "ok", "exact-index", 1)
    for change in ({"next_id": 10}, {"next_id": [1]}, {"next_id": 1.5}, {"count": -1}, {"count": 4},
                   {"width": 10**9}, {"dim": 10**12}, {"metric": "l1"}):
        io.save(tmp_path / "bad", "exact-index", 1, arrays, {**meta, **change})
        with pytest.raises(io.ModelFileError):
            ExactIndex.load(tmp_path / "bad")
    io.save(tmp_path / "dup", "exact-index", 1, {**arrays, "ids": np.array([10, 10, 12])}, meta)
    with pytest.raises(io.ModelFileError, match="unique"):
        ExactIndex.load(tmp_path / "dup")


def test_a_header_cannot_point_outside_its_index(tmp_path):
    s = kv.BSC(64)
    d = ExactIndex(s, path=tmp_path / "x.idx")
    d.add(s.random(2))
    d.save()
    arrays, meta = io.load(tmp_path / "x.idx", "exact-index", 1)
    for name in ("../x.idx.vectors", "/etc/passwd", "y.idx.vectors", "x.idx.vectors.01"):
        io.save(tmp_path / "x.idx", "exact-index", 1, arrays, {**meta, "vectors_file": name})
        with pytest.raises(io.ModelFileError, match="not one of"):
            ExactIndex.load(tmp_path / "x.idx")


READER = textwrap.dedent("""
    import sys, numpy as np, kanerva as kv
    from kanerva.index import ExactIndex
    s = kv.BSC(1024)
    index = ExactIndex.load(sys.argv[1])
    want = index.ids.copy()
    print("ready", flush=True)
    for _ in range(200):  # search its own saved state while another process rewrites the index
        d, i = index.search(s.random(key=[f"v{x}" for x in want[:3]]), k=1)
        assert (i[:, 0] == want[:3]).all() and (d[:, 0] == 0).all()
    print("done", flush=True)
""")


def test_a_reader_survives_saves_of_the_file_it_maps(tmp_path):
    s = kv.BSC(1024)
    path = tmp_path / "shared.idx"
    w = ExactIndex(s, path=path)
    w.add(s.random(key=[f"v{i}" for i in range(300)]), ids=np.arange(300))
    w.save()
    reader = subprocess.Popen([sys.executable, "-c", READER, str(path)], stdout=subprocess.PIPE, text=True)
    assert reader.stdout.readline().strip() == "ready"
    for step in range(12):  # appends, compactions into new generations, saves: never in place
        w.remove(w.ids[:5])
        start = 1000 + 10 * step
        w.add(s.random(key=[f"v{i}" for i in range(start, start + 10)]), ids=np.arange(start, start + 10))
        w.save()
    out, _ = reader.communicate(timeout=120)
    assert reader.returncode == 0, f"reader died with {reader.returncode} (SIGBUS is {-signal.SIGBUS})"
    assert out.strip() == "done"


WRITER = textwrap.dedent("""
    import json, os, sys, numpy as np, kanerva as kv
    from kanerva.index import ExactIndex
    s = kv.BSC(256)
    path, log = sys.argv[1], sys.argv[2]
    rng = np.random.default_rng(int(sys.argv[3]))
    index = ExactIndex.load(path)
    next_id = int(index.ids.max()) + 1
    print("ready", flush=True)
    while True:
        for _ in range(int(rng.integers(1, 4))):
            if rng.random() < 0.5 and len(index) > 20:
                index.remove(rng.choice(index.ids, size=int(rng.integers(1, 10)), replace=False))
            else:
                n = int(rng.integers(1, 200))
                index.add(s.random(key=[f"v{i}" for i in range(next_id, next_id + n)]), ids=np.arange(next_id, next_id + n))
                next_id += n
        with open(log, "a") as f:
            f.write(json.dumps({"saving": index.ids.tolist()}) + "\\n")
            f.flush(); os.fsync(f.fileno())
        index.save()
        with open(log, "a") as f:
            f.write(json.dumps({"saved": index.ids.tolist()}) + "\\n")
            f.flush(); os.fsync(f.fileno())
""")


def test_killing_a_writer_anywhere_leaves_a_saved_state(tmp_path):
    s = kv.BSC(256)
    path, log = tmp_path / "crash.idx", tmp_path / "log"
    index = ExactIndex(s, path=path)
    index.add(s.random(key=[f"v{i}" for i in range(50)]), ids=np.arange(50))
    index.save()
    saved, saving = [list(range(50))], None
    rng = np.random.default_rng(0)
    log.write_text("")
    for round_ in range(6):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(log), str(round_)],
                                  stdout=subprocess.PIPE, text=True)
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(float(rng.random()) * 0.6)  # somewhere in the add/remove/save loop
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        for line in log.read_text().splitlines():
            entry = json.loads(line)
            if "saved" in entry:
                saved.append(entry["saved"])
            else:
                saving = entry["saving"]
        log.write_text("")
        back = ExactIndex.load(path)
        ids = back.ids.tolist()
        assert ids in (saved[-1], saving), "the index on disk is neither the last saved state nor the one being saved"
        # every row is the vector of its id: no mix of two states
        np.testing.assert_array_equal(back.vectors(), s.random(key=[f"v{i}" for i in ids]))
        saved.append(ids)
    assert len({len(x) for x in saved}) > 2  # the writers did get through saves

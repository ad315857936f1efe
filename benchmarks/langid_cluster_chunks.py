"""What the client of a cluster fit pays per character to hand out the corpus, and what it ships.

    python -m benchmarks.langid_cluster_chunks [--copies 2]

``train_corpus(workers=N)`` (or ``scheduler=``) has the client read every corpus file and send
each chunk to a worker. Two ways, the same texts per chunk (tested): normalized code points
(``iter_chunks(normalized=True)``: the client decodes, lowercases and normalizes, and ships 4
bytes a character) and raw lines (``iter_raw_chunks``, what a cluster fit uses: the client only
finds the line ends with a compiled scan, and ships the UTF-8 bytes; each worker normalizes its
chunk). For both: the client's CPU time to make and pickle every chunk (best of 5), the
characters per client CPU second (the ceiling a cluster of any size has when the client is the
bottleneck), and the pickled bytes per character. On the shipped train split (gzip files: the
client must decompress them either way) and on ``--copies`` copies of it as plain text files.
Writes ``benchmarks/results/langid_cluster_chunks.json``.
"""

from __future__ import annotations

import argparse
import pickle
import tempfile
import time
from pathlib import Path

from ._util import markdown_table, write_json
from .langid_streaming import write_corpus

CHUNK_LINES = 20_000


def measure(root: Path, normalized: bool) -> dict:
    from kanerva.apps.langid.corpus import iter_chunks, iter_raw_chunks

    def run():
        stats, shipped = {}, 0
        chunks = (iter_chunks(root, CHUNK_LINES, stats=stats, normalized=True) if normalized
                  else iter_raw_chunks(root, CHUNK_LINES, stats=stats))
        for _, item in chunks:
            shipped += len(pickle.dumps(item, protocol=5))
        return shipped, sum(s.chars for s in stats.values())

    run()
    best = None
    for _ in range(5):
        start = time.process_time()
        shipped, chars = run()
        cpu = time.process_time() - start
        best = cpu if best is None or cpu < best else best
    return {"cpu_s": best, "chars": chars, "chars_per_second": chars / best, "bytes_per_char": shipped / chars}


def main(argv=None) -> None:
    from kanerva.apps.langid.corpus import shipped_corpus

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--copies", type=int, default=2, help="copies of the train split as plain text files")
    args = ap.parse_args(argv)
    rows, runs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        write_corpus(Path(tmp), args.copies)
        for name, root in (("shipped train split (.txt.gz)", shipped_corpus("train")),
                           (f"{args.copies} copies as plain .txt", Path(tmp))):
            for normalized, what in ((True, "normalized code points"), (False, "raw lines (cluster fits)")):
                r = {"corpus": name, "chunks": what, **measure(root, normalized)}
                runs.append(r)
                rows.append([name, what, f"{r['cpu_s']:.3f}", f"{r['chars_per_second'] / 1e6:.0f}",
                             f"{r['bytes_per_char']:.2f}"])
    print(markdown_table(["corpus", "chunks", "client CPU s", "M chars per client CPU s", "bytes shipped per char"],
                         rows))
    write_json("langid_cluster_chunks", {"runs": runs})


if __name__ == "__main__":
    main()

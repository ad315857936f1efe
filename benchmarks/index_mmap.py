"""The memory-mapped ExactIndex against the in-RAM one: same results, search speed, and memory.

    python -m benchmarks.index_mmap [--rows 400000]

Builds a disk-backed index of random 10,000-bit vectors in a temporary directory (appended in
chunks of 50,000, so the builder never holds the collection), saves it, opens it again with
``ExactIndex.load`` (a memory map; nothing is read until searched) and searches 100 queries.
Reports queries/s with a warm page cache and the resident memory of the process before and
after opening and searching, next to the same collection in RAM; and what the integrity checks
cost: the first search after opening also checks every block's CRC-32 (later searches do not),
timed against a second search, and the checksum pass alone. Writes
benchmarks/results/index_mmap.json.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np

import kanerva as kv
from kanerva.index import ExactIndex

from ._util import markdown_table, write_json


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=400_000)
    args = parser.parse_args()
    space = kv.BSC(10_000, seed=0)
    out = {"rows": args.rows, "bytes": args.rows * space.words * 8}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.index"
        t = time.perf_counter()
        disk = ExactIndex(space, path=path)
        for start in range(0, args.rows, 50_000):
            disk.add(space.random(min(50_000, args.rows - start)))
        disk.save()
        out["build_and_save_s"] = time.perf_counter() - t
        del disk
        queries = space.random(100)
        before = rss_mb()
        mapped = ExactIndex.load(path)
        out["rss_after_open_mb"] = rss_mb() - before
        t = time.perf_counter()
        mapped.search(queries, 10)  # the page cache is warm from the build: this adds the CRC checks
        out["first_search_s"] = time.perf_counter() - t
        t = time.perf_counter()
        mapped.search(queries, 10)
        out["second_search_s"] = time.perf_counter() - t
        rows = mapped._store.rows()
        t = time.perf_counter()
        for start in range(0, len(rows), mapped._store.block_rows):
            zlib.crc32(np.ascontiguousarray(rows[start:start + mapped._store.block_rows]))
        out["crc32_pass_s"] = time.perf_counter() - t
        t = time.perf_counter()
        d_map, i_map = mapped.search(queries, 10)
        out["mapped_queries_per_s"] = 100 / (time.perf_counter() - t)
        out["rss_after_search_mb"] = rss_mb() - before  # the mapped pages count as resident (shared, evictable)
        ram = ExactIndex(space)
        ram.add(mapped.vectors())
        t = time.perf_counter()
        d_ram, i_ram = ram.search(queries, 10)
        out["ram_queries_per_s"] = 100 / (time.perf_counter() - t)
        out["same_results"] = bool((d_map == d_ram).all() and (i_map == i_ram).all())
    print(markdown_table(
        ["collection", "build + save (s)", "open: RSS growth (MB)", "mapped: q/s (batch 100)", "in RAM: q/s", "same results"],
        [[f"{args.rows:,} x 10,000 bits ({out['bytes'] / 2**20:,.0f} MB)", f"{out['build_and_save_s']:.1f}",
          f"{out['rss_after_open_mb']:.1f}", f"{out['mapped_queries_per_s']:.0f}", f"{out['ram_queries_per_s']:.0f}",
          out["same_results"]]]))
    print(f"first search after opening (with the CRC-32 of every block): {out['first_search_s']:.3f} s; "
          f"second search: {out['second_search_s']:.3f} s; the CRC-32 pass alone: {out['crc32_pass_s']:.3f} s")
    print("wrote", write_json("index_mmap", out))


if __name__ == "__main__":
    main()

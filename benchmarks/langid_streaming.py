"""Language-identification training as the corpus grows: speed and peak memory.

    python -m benchmarks.langid_streaming [--times 1 16 32] [--workers N] [--tag TAG]

The shipped training split (11.4 M characters, 21 languages) is written out read ``k`` times
over (plain ``<label>.txt`` files in a temporary directory), for each ``k`` of ``--times``, and
the default model is trained on it with ``kanerva.apps.langid.model.train_corpus``, each size in
a fresh process (so the peak resident memory, ``ru_maxrss``, is that fit's own). Reported per
size: characters, CPU and wall seconds, characters per second, the vocabulary, the retraining
examples kept (at most ``max_examples`` per class) and the peak memory; and, between consecutive
sizes, the marginal rate (extra characters / extra seconds), what training costs per character
once the parts that do not grow with the corpus are paid; and where each fit's CPU time went
(``NGramClassifier.fit_timings_``: counting, which grows with the corpus, and the steps that grow
with the vocabulary or the capped retraining examples).

Repeating the text keeps the set of distinct n-grams but not the vocabulary: n-grams seen fewer
than ``min_count`` times in one copy pass the threshold in several, so V grows with ``k`` (and
with it the projection, a cost per n-gram, not per character). A corpus of new text would add
distinct n-grams more slowly than ``k`` (Heaps' law) but would add some. Writes
``benchmarks/results/langid_streaming.json``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from ._util import markdown_table, write_json

_CHILD = r"""
import json, resource, sys, time
from kanerva.apps.langid.model import train_corpus
cpu, wall = time.process_time(), time.perf_counter()
clf = train_corpus(sys.argv[1], workers=int(sys.argv[2]) or None)
cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
print(json.dumps({"chars": clf.n_chars_, "cpu_s": cpu, "wall_s": wall, "vocabulary": int(clf.vocabulary_.size),
                  "examples": int(clf.n_examples_), "steps": clf.fit_timings_,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_corpus(directory: Path, times: int) -> None:
    from kanerva.apps.langid.corpus import read_corpus, shipped_corpus

    train = read_corpus(shipped_corpus("train"))
    for label in train.labels:
        block = "\n".join(train[label]) + "\n"
        with open(directory / f"{label}.txt", "w", encoding="utf-8") as f:
            for _ in range(times):
                f.write(block)


def fit_in_child(directory: Path, workers: int = 0) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(directory), str(workers)], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--times", type=int, nargs="+", default=[1, 16, 32], help="copies of the train split")
    ap.add_argument("--workers", type=int, default=0, help="Dask LocalCluster workers (0: in this process)")
    ap.add_argument("--tag", default="", help="suffix of the results file (langid_streaming_TAG.json)")
    args = ap.parse_args(argv)
    runs = []
    fit_in_child_warm = False
    for times in args.times:
        with tempfile.TemporaryDirectory() as tmp:
            write_corpus(Path(tmp), times)
            if not fit_in_child_warm:  # numba's cache filled before anything is timed
                fit_in_child(Path(tmp), args.workers)
                fit_in_child_warm = True
            run = {"times": times, "workers": args.workers, **fit_in_child(Path(tmp), args.workers)}
        runs.append(run)
        print(run, flush=True)
    rows = []
    for i, r in enumerate(runs):
        if i:
            p = runs[i - 1]
            margin = [f"{(r['chars'] - p['chars']) / max(r[k] - p[k], 1e-9) / 1e6:.1f}" for k in ("cpu_s", "wall_s")]
        else:
            margin = ["-", "-"]
        rows.append([r["times"], f"{r['chars'] / 1e6:.1f} M", f"{r['cpu_s']:.1f}", f"{r['wall_s']:.1f}",
                     f"{r['chars'] / r['cpu_s'] / 1e6:.1f}", f"{r['chars'] / r['wall_s'] / 1e6:.1f}",
                     *margin, f"{r['vocabulary']:,}", f"{r['examples']:,}", f"{r['peak_rss_mb']:,.0f}"])
    print(markdown_table(["copies", "characters", "CPU s", "wall s", "M chars/s (CPU)", "M chars/s (wall)",
                          "marginal M chars/s (CPU)", "marginal (wall)", "V", "examples", "peak MB"], rows))
    print()
    print(markdown_table(["copies", "count (read, normalize, count), CPU s", "vocabulary", "examples",
                          "retrain (online passes)", "project (class vectors + table)", "rest",
                          "M chars per counting CPU s"], [phase_row(r) for r in runs]))
    name = "langid_streaming" + (f"_workers{args.workers}" if args.workers else "") + (f"_{args.tag}" if args.tag else "")
    write_json(name, {"command": "python -m benchmarks.langid_streaming " + " ".join(sys.argv[1:] if argv is None else argv),
                      "runs": runs})


def phase_row(run: dict) -> list:
    """Where a fit's CPU time went, by the steps ``NGramClassifier.fit_timings_`` names."""
    cpu = {step: t["cpu_s"] for step, t in run["steps"].items()}
    return [run["times"], *(f"{cpu.get(step, 0.0):.2f}" for step in ("count", "vocabulary", "examples", "retrain", "project")),
            f"{run['cpu_s'] - sum(cpu.values()):.2f}", f"{run['chars'] / max(cpu['count'], 1e-9) / 1e6:.1f}"]


if __name__ == "__main__":
    main()

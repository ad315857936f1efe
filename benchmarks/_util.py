"""Shared helpers for the benchmark scripts: timing, machine description, result files."""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def best_time(fn, repeat: int = 5, warmup: int = 1, clock=time.perf_counter) -> float:
    """Best time of ``fn()`` in seconds over ``repeat`` runs (after ``warmup`` runs), by ``clock``
    (wall time by default; ``time.process_time`` for CPU time on a busy machine)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t = clock()
        fn()
        times.append(clock() - t)
    return min(times)


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}"


def stamp() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def write_json(name: str, payload: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"date": stamp(), "machine": machine(), **payload}
    path.write_text(json.dumps(payload, indent=2, default=float))
    return path


def markdown_table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)

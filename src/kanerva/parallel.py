"""Map-reduce over chunks, in this process or on a Dask cluster, with the same result.

``map_reduce(func, items, reduce, initial)`` computes ``reduce(...reduce(initial, func(item_0))...,
func(item_n))``: results are folded in the order of ``items`` whoever computed them, so a
deterministic ``reduce`` gives bit-for-bit the same answer on one core or on a cluster. Memory
stays bounded: at most a small window of results is in flight at a time.

``executor(workers=N)`` starts a ``dask.distributed.LocalCluster`` with N single-threaded
workers, ``executor(scheduler="tcp://host:port")`` joins an existing cluster, and
``executor()`` runs everything here (no Dask needed).

Examples
--------
>>> with executor() as ex:
...     ex.map_reduce(abs, [-1, 2, -3], lambda acc, r: acc + r, 0)
6
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any


class LocalExecutor:
    """Runs every task in this process, in order."""

    workers = 1

    def map_reduce(self, func: Callable, items: Iterable, reduce: Callable, initial: Any,
                   shared: Any = None, progress: Callable[[int], None] | None = None) -> Any:
        """Fold ``func(item)`` (``func(item, shared)`` when ``shared`` is given) into ``initial``."""
        acc = initial
        for item in items:
            acc = reduce(acc, func(item) if shared is None else func(item, shared))
            if progress is not None:
                progress(1)
        return acc


class DaskExecutor:
    """Runs the map on a Dask cluster and folds the results here, in item order."""

    def __init__(self, client, window: int | None = None):
        self.client = client
        self.workers = max(1, len(client.scheduler_info().get("workers", {})))
        self.window = window or 2 * self.workers

    def map_reduce(self, func, items, reduce, initial, shared=None, progress=None):
        acc = initial
        extra = () if shared is None else (self.client.scatter(shared, broadcast=True),)
        pending = []
        for item in items:
            pending.append(self.client.submit(func, item, *extra, pure=False))
            if len(pending) >= self.window:
                acc = reduce(acc, pending.pop(0).result())
                if progress is not None:
                    progress(1)
        for future in pending:
            acc = reduce(acc, future.result())
            if progress is not None:
                progress(1)
        return acc


@contextlib.contextmanager
def executor(workers: int | None = None, scheduler: str | None = None) -> Iterator[LocalExecutor | DaskExecutor]:
    """An executor: local (default), a new LocalCluster of ``workers``, or the cluster at ``scheduler``."""
    if workers is not None and scheduler is not None:
        raise ValueError("give either workers (start a local cluster) or scheduler (join one), not both")
    if workers is None and scheduler is None:
        yield LocalExecutor()
        return
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - depends on the installation
        raise ImportError("distributed training needs Dask: pip install 'kanerva[distributed]'") from None
    if scheduler is not None:
        if not isinstance(scheduler, str) or "://" not in scheduler:
            raise ValueError(f"scheduler must be an address like tcp://host:8786, got {scheduler!r}")
        with Client(scheduler) as client:
            yield DaskExecutor(client)
        return
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer, got {workers!r}")
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield DaskExecutor(client)

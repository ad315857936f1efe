"""Map-reduce helpers, and training on a real Dask LocalCluster equals training here, bit for bit."""

import numpy as np
import pytest

from kanerva.apps.langid.corpus import read_corpus, shipped_corpus
from kanerva.apps.langid.model import train_corpus
from kanerva.parallel import LocalExecutor, executor


def test_local_map_reduce_folds_in_order():
    with executor() as ex:
        assert isinstance(ex, LocalExecutor)
        assert ex.map_reduce(str, [1, 2, 3], lambda acc, r: acc + r, "") == "123"
        assert ex.map_reduce(lambda x, k: x * k, [1, 2], lambda a, r: a + [r], [], shared=10) == [10, 20]


def test_workers_start_a_local_cluster():
    with executor(workers=1) as ex:
        assert ex.workers == 1
        assert ex.map_reduce(abs, [-1, -2], lambda a, r: a + r, 0) == 3


def test_bad_arguments():
    with pytest.raises(ValueError, match="not both"):
        with executor(workers=2, scheduler="tcp://localhost:1"):
            pass
    with pytest.raises(ValueError, match="workers"):
        with executor(workers=0):
            pass
    with pytest.raises(ValueError, match="scheduler"):
        with executor(scheduler="localhost"):
            pass


def _small_corpus(tmp_path):
    for label in ("en", "fr", "de"):
        texts = read_corpus(shipped_corpus("train"), labels=[label], limit=2_000)[label]
        (tmp_path / f"{label}.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
    return tmp_path


def test_local_cluster_training_equals_single_process(tmp_path):
    corpus = _small_corpus(tmp_path)
    settings = dict(dim=256, epochs=2)
    here = train_corpus(corpus, chunk_lines=500, **settings)
    from dask.distributed import LocalCluster

    # a real LocalCluster with 2 workers (threads in this process: starts in a second)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        there = train_corpus(corpus, scheduler=cluster.scheduler_address, chunk_lines=500, **settings)
    assert len(here.history_) == 2
    for name in ("vocabulary_", "class_counts_", "profiles_", "class_vectors_", "table_"):
        assert np.array_equal(getattr(here, name), getattr(there, name)), name
    assert here.alphabet_ == there.alphabet_

"""The language-identification model: default settings, training from a corpus directory, model files.

Defaults were chosen by measurement on a held-out tenth of the shipped training split (never on
the test split or UDHR); the measurements are in ``docs/benchmarks/langid.md``: BSC at
D = 16,384, letter 3- and 4-grams, 2 online perceptron passes with margin 0.3 on examples of about
100 n-grams, n-grams seen at least 4 times (99.87% on validation; 99.06% for plain centroids).
The retraining keeps at most 100,000 examples per class (about 10 M n-gram rows, 40 MB): twelve
times what the shipped corpus has per language (about 8,300), so it changes nothing there, and it
bounds training memory on any larger corpus (the counts still cover all of it).

Model files are the classifier's own (:meth:`NGramClassifier.save` and
:meth:`NGramClassifier.load`, format in :mod:`kanerva.learn.ngram_files`); :func:`save_model` and
:func:`load_model` are the names the command line uses. Files of another kind or version, corrupt,
truncated or inconsistent files are refused with :class:`kanerva.io.ModelFileError`; the
``"langid-model"`` files of format 2 written before the classifier saved itself still load.

Examples
--------
>>> import tempfile, os
>>> clf = train_texts(["the cat is on the mat", "le chat est sur le tapis"], ["en", "fr"],
...                   dim=1_000, epochs=1, min_count=1)
>>> path = os.path.join(tempfile.mkdtemp(), "m.kanerva")
>>> save_model(clf, path)
>>> load_model(path).predict(["the dog"]).tolist()
['en']
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial

import numpy as np

from ...encoders.ngrams import check_ngram
from ...learn.ngram_classifier import NGramClassifier
from ...learn.ngram_files import KIND
from ...learn.ngram_files import VERSION as FORMAT_VERSION
from ...parallel import executor
from .corpus import CorpusError, corpus_files, iter_chunks, iter_raw_chunks

DEFAULTS = dict(model="bsc", dim=16384, ngram=(3, 4), seed=0, epochs=2, hv_epochs=0, step=0.02, margin=0.3,
                example_ngrams=100, min_count=4, max_examples=100_000)
"""Default settings (see the module docstring for how they were chosen)."""

CHUNK_LINES = 20_000  # texts per map task: larger chunks amortize the work per chunk (docs/benchmarks/langid.md)


def make_classifier(**settings) -> NGramClassifier:
    """An untrained classifier with the defaults, overridden by ``settings`` (None = default).

    >>> make_classifier(dim=4096).dim, make_classifier().model
    (4096, 'bsc')
    """
    params = dict(DEFAULTS)
    params.update({k: v for k, v in settings.items() if v is not None})
    unknown = set(params) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"unknown setting(s) {sorted(unknown)}; known: {sorted(DEFAULTS)}")
    if isinstance(params["ngram"], (list, tuple)):
        params["ngram"] = tuple(check_ngram(params["ngram"]))
    return NGramClassifier(**params).check_params()  # bad settings fail here, before a corpus is read


def train_texts(texts, labels, **settings) -> NGramClassifier:
    """Train on in-memory ``texts`` with ``labels``."""
    return make_classifier(**settings).fit(texts, labels)


def train_corpus(corpus_dir, workers: int | None = None, scheduler: str | None = None,
                 progress: Callable[[int], None] | None = None, stats: dict | None = None,
                 chunk_lines: int = CHUNK_LINES, **settings) -> NGramClassifier:
    """Train on a corpus directory (``<label>.txt`` files), streaming it in chunks.

    ``workers`` starts a Dask LocalCluster, ``scheduler`` joins an existing one; the model is the
    same bit for bit as the one trained here. ``stats`` (a dict) is filled with one
    :class:`~kanerva.apps.langid.corpus.FileStats` per label (decoding errors, empty lines).
    """
    clf = make_classifier(**settings)  # bad settings fail before the corpus is read
    files = corpus_files(corpus_dir)
    labels = list(files)
    index = {label: i for i, label in enumerate(labels)}
    stats = {} if stats is None else stats

    # here: chunks of normalized code points; on a cluster: raw lines, which each worker decodes
    # and normalizes itself (the same texts: the client only finds line ends and ships 1-2 bytes
    # a character instead of 4)
    local = workers is None and scheduler is None
    read = partial(iter_chunks, normalized=True) if local else iter_raw_chunks

    def chunks():
        for label, texts in read(corpus_dir, chunk_lines=chunk_lines, stats=stats):
            yield index[label], texts

    with executor(workers=workers, scheduler=scheduler) as ex:
        clf.fit_chunks(chunks, labels, executor=ex, progress=progress)
    return clf


def class_profile(clf: NGramClassifier, label) -> np.ndarray:
    """The profile of ``label`` (the bundle of its training n-grams) as a vector of the model's
    space, e.g. for :func:`kanerva.encoders.ngrams.next_letter`.

    >>> from kanerva.encoders.ngrams import NGramEncoder, next_letter
    >>> clf = train_texts(["the cat sat on the mat with the other three", "le chat"], ["en", "fr"],
    ...                   dim=2_000, epochs=0, min_count=1)
    >>> next_letter(NGramEncoder(clf.space_, 3), class_profile(clf, "en"), "th")
    'e'
    """
    labels = [str(c) for c in clf.classes_]
    if str(label) not in labels:
        raise ValueError(f"unknown label {label!r}; the model knows {', '.join(labels)}")
    space = clf.space_
    return space.normalize(space.from_features(clf.profiles_[labels.index(str(label))]))


# ---- model files ------------------------------------------------------------------------------


def save_model(clf: NGramClassifier, path: str | os.PathLike) -> None:
    """Write a trained classifier to ``path`` (atomic; no pickle): :meth:`NGramClassifier.save`."""
    clf.save(path)


def load_model(path: str | os.PathLike) -> NGramClassifier:
    """Read a model written by :func:`save_model`: :meth:`NGramClassifier.load`, which refuses
    foreign, other-version or broken files (settings of the wrong type, arrays whose shapes,
    types or values do not fit the settings) with :class:`kanerva.io.ModelFileError`."""
    return NGramClassifier.load(path)


__all__ = ["DEFAULTS", "FORMAT_VERSION", "KIND", "CorpusError", "make_classifier", "train_texts",
           "train_corpus", "class_profile", "save_model", "load_model"]

"""The language-identification model: default settings, training from a corpus directory, model files.

Defaults were chosen by measurement on a held-out tenth of the shipped training split (never on
the test split or UDHR); the measurements are in ``docs/benchmarks/langid.md``: BSC at
D = 16,384, letter 3- and 4-grams, 2 online perceptron passes with margin 0.3 on examples of about
100 n-grams, n-grams seen at least 4 times (99.87% on validation; 99.06% for plain centroids).
The retraining keeps at most 100,000 examples per class (about 10 M n-gram rows, 40 MB): twelve
times what the shipped corpus has per language (about 8,300), so it changes nothing there, and it
bounds training memory on any larger corpus (the counts still cover all of it).

Model files are written with :func:`kanerva.io.save` (kind ``"langid-model"``, format
``FORMAT_VERSION``): the settings, labels and alphabet in the header, the vocabulary of n-gram
codes, the n-gram x class score table, the class vectors and the sparse class counts as
arrays (the class profiles are made again from the counts when asked for). Files of another
kind or version, corrupt or truncated files are refused with :class:`kanerva.io.ModelFileError`.

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

from ... import __version__, io
from ...encoders.ngrams import Alphabet, check_ngram
from ...learn.hypervector_features import feature_dim, from_real_features
from ...learn.ngram_classifier import NGramClassifier
from ...parallel import executor
from .corpus import CorpusError, corpus_files, iter_chunks, iter_raw_chunks

KIND = "langid-model"
FORMAT_VERSION = 2  # 2: no class profiles in the file (made from the counts on use)

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
    clf = NGramClassifier(**params)
    clf._check_params()  # bad settings fail here, before a corpus is read
    return clf


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
    return space.normalize(from_real_features(space, clf.profiles_[labels.index(str(label))]))


# ---- model files ------------------------------------------------------------------------------


def save_model(clf: NGramClassifier, path: str | os.PathLike) -> None:
    """Write a trained classifier to ``path`` (atomic; no pickle)."""
    if not hasattr(clf, "table_"):
        raise ValueError("the classifier is not trained: fit it before saving")
    rows, cols = np.nonzero(clf.class_counts_)
    arrays = {
        "vocabulary": clf.vocabulary_,
        "table": clf.table_,
        "class_vectors": clf.class_vectors_.astype(np.float32),
        "count_rows": rows.astype(np.int32),
        "count_cols": cols.astype(np.int32),
        "count_values": clf.class_counts_[rows, cols].astype(np.int64),
    }
    params = clf.get_params()
    params["ngram"] = list(check_ngram(params["ngram"]))
    meta = {"settings": params, "labels": [str(c) for c in clf.classes_], "alphabet": clf.alphabet_.letters,
            "history": list(map(float, clf.history_)), "n_chars": int(clf.n_chars_),
            "kanerva_version": __version__}
    io.save(path, KIND, FORMAT_VERSION, arrays, meta)


def load_model(path: str | os.PathLike) -> NGramClassifier:
    """Read a model written by :func:`save_model`; refuses foreign, other-version or broken files
    (settings of the wrong type, arrays whose shapes, types or values do not fit the settings)."""
    arrays, meta = io.load(path, KIND, FORMAT_VERSION)
    try:
        settings = dict(meta["settings"])
        settings["ngram"] = tuple(settings["ngram"])
        clf = NGramClassifier(**settings)
        clf._check_params()
        labels = meta["labels"]
        if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
            raise ValueError("labels must be a non-empty list of strings")
        if len(set(labels)) != len(labels):
            raise ValueError("labels repeat")
        alphabet = _checked_alphabet(meta["alphabet"])
        table = _checked_array(arrays, "table", np.float32, 2)
        v, c = table.shape
        vocabulary = _checked_array(arrays, "vocabulary", np.int64, 1, (v,))
        _check_codes(vocabulary, len(alphabet), check_ngram(clf.ngram))
        vectors = _checked_array(arrays, "class_vectors", np.float32, 2, (len(labels), feature_dim(clf.space_)))
        rows = _checked_array(arrays, "count_rows", np.int32, 1)
        cols = _checked_array(arrays, "count_cols", np.int32, 1, rows.shape)
        values = _checked_array(arrays, "count_values", np.int64, 1, rows.shape)
        if c != len(labels):
            raise ValueError(f"the table has {c} columns for {len(labels)} labels")
        if rows.size and (rows.min() < 0 or rows.max() >= v or cols.min() < 0 or cols.max() >= c or values.min() < 0):
            raise ValueError("class counts out of range")
        counts = np.zeros((v, c), dtype=np.int64)
        counts[rows, cols] = values
        history = [float(h) for h in meta.get("history", [])]
        n_chars = meta.get("n_chars", 0)
        if isinstance(n_chars, bool) or not isinstance(n_chars, int) or n_chars < 0:
            raise ValueError(f"n_chars must be a non-negative integer, got {n_chars!r}")
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise io.ModelFileError(f"{path}: not a valid langid model ({exc})") from None
    clf.classes_ = np.asarray(labels)
    clf.alphabet_ = alphabet
    clf.vocabulary_ = vocabulary
    clf.table_ = np.ascontiguousarray(table)
    clf.class_vectors_ = vectors.astype(np.float64)
    clf.class_counts_ = counts
    clf.history_ = history
    clf.n_chars_ = n_chars
    return clf


def _checked_array(arrays, name, dtype, ndim, shape=None) -> np.ndarray:
    arr = arrays[name]
    if arr.dtype != dtype or arr.ndim != ndim or (shape is not None and arr.shape != tuple(shape)):
        want = f"{np.dtype(dtype)} of shape {tuple(shape)}" if shape is not None else f"{ndim}-d {np.dtype(dtype)}"
        raise ValueError(f"array {name!r} is {arr.dtype} of shape {arr.shape}, expected {want}")
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ValueError(f"array {name!r} holds NaN or infinite values")
    return arr


def _checked_alphabet(letters) -> Alphabet:
    if not isinstance(letters, str) or not letters.startswith(" ") or list(letters[1:]) != sorted(set(letters[1:])) \
            or " " in letters[1:]:
        raise ValueError("the alphabet must be a space followed by distinct letters in code-point order")
    return Alphabet(letters)


def _check_codes(codes: np.ndarray, base: int, sizes: tuple[int, ...]) -> None:
    n = codes & 7
    if codes.size and (codes.min() < 1 or not np.isin(n, sizes).all()):
        raise ValueError("the vocabulary holds codes of n-gram sizes the settings do not have")
    if codes.size and ((codes >> 3).astype(np.float64) >= float(base) ** n).any():  # floats: base**7 may not fit
        raise ValueError("the vocabulary holds codes of letters outside the alphabet")


__all__ = ["DEFAULTS", "FORMAT_VERSION", "KIND", "CorpusError", "make_classifier", "train_texts",
           "train_corpus", "class_profile", "save_model", "load_model"]

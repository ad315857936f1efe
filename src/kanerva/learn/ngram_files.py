"""The file format of :class:`~kanerva.learn.NGramClassifier`: what is stored, and the checks on load.

A classifier is written with :func:`kanerva.io.save` (kind ``"ngram-classifier"``, format
``VERSION``): the settings, labels, alphabet, training history and character count in the
header; the vocabulary of n-gram codes, the n-gram x class score table, the class vectors and the
sparse class counts as arrays (the class profiles are made again from the counts when asked
for). The layout is the one of the ``"langid-model"`` files of format 2 that
:mod:`kanerva.apps.langid` wrote before the classifier saved itself; those files load unchanged.

Loading refuses a file whose contents do not fit together (settings of the wrong type, arrays
whose types, shapes or values do not fit the settings, non-finite numbers, repeated labels,
codes outside the alphabet): a crafted or damaged file never becomes a model that gives wrong
numbers. The classifier applies the checked state itself (:meth:`NGramClassifier.load`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from .. import __version__, io
from ..encoders.ngrams import Alphabet

KIND = "ngram-classifier"
VERSION = 2  # 2: no class profiles in the file (made from the counts on use)
LEGACY_KIND = "langid-model"  # the same layout, written by kanerva.apps.langid before the classifier saved itself


@dataclass(frozen=True)
class SavedState:
    """The fitted state of a classifier as read from a file, checked against its settings."""

    classes: np.ndarray
    alphabet: Alphabet
    vocabulary: np.ndarray
    table: np.ndarray
    class_vectors: np.ndarray
    class_counts: np.ndarray
    history: list[float]
    n_chars: int


def state_file(params: dict, state: SavedState) -> tuple[dict[str, np.ndarray], dict]:
    """(arrays, meta) for :func:`kanerva.io.save` of a fitted classifier's ``params`` and ``state``."""
    rows, cols = np.nonzero(state.class_counts)
    arrays = {
        "vocabulary": state.vocabulary,
        "table": state.table,
        "class_vectors": state.class_vectors.astype(np.float32),
        "count_rows": rows.astype(np.int32),
        "count_cols": cols.astype(np.int32),
        "count_values": state.class_counts[rows, cols].astype(np.int64),
    }
    meta = {"settings": params, "labels": [str(c) for c in state.classes], "alphabet": state.alphabet.letters,
            "history": list(map(float, state.history)), "n_chars": int(state.n_chars),
            "kanerva_version": __version__}
    return arrays, meta


def read_file(path: str | os.PathLike) -> tuple[dict[str, np.ndarray], dict]:
    """(arrays, meta) of a classifier file (or a legacy langid model of the same layout)."""
    header = io.read_header(path)  # refuses what is not a kanerva file at all
    return io.load(path, LEGACY_KIND if header["kanerva.kind"] == LEGACY_KIND else KIND, VERSION)


def settings_of(meta: dict) -> dict:
    """The classifier's settings stored in ``meta`` (types are checked by the classifier)."""
    settings = dict(meta["settings"])
    if isinstance(settings.get("ngram"), list):
        settings["ngram"] = tuple(settings["ngram"])
    return settings


def checked_state(arrays: dict, meta: dict, feature_dim: int, sizes: tuple[int, ...]) -> SavedState:
    """The state stored in a file, checked against the settings' ``feature_dim`` and n-gram
    ``sizes``; raises KeyError, TypeError or ValueError naming what does not fit."""
    labels = meta["labels"]
    if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
        raise ValueError("labels must be a non-empty list of strings")
    if len(set(labels)) != len(labels):
        raise ValueError("labels repeat")
    alphabet = _checked_alphabet(meta["alphabet"])
    table = _checked_array(arrays, "table", np.float32, 2)
    v, c = table.shape
    vocabulary = _checked_array(arrays, "vocabulary", np.int64, 1, (v,))
    _check_codes(vocabulary, len(alphabet), sizes)
    vectors = _checked_array(arrays, "class_vectors", np.float32, 2, (len(labels), feature_dim))
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
    return SavedState(np.asarray(labels), alphabet, vocabulary, np.ascontiguousarray(table),
                      vectors.astype(np.float64), counts, history, n_chars)


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

"""Reading language-identification corpora: a directory of ``<label>.txt`` files.

The layout used everywhere (CLI, tests, benchmarks): one file per label, named ``<label>.txt``
or ``<label>.txt.gz``, UTF-8, one text per line. Any script works; nothing is transliterated.

Reading never crashes on bad bytes: undecodable bytes are replaced (U+FFFD) and counted per
file, empty lines are skipped and counted. A missing or empty corpus, or a label file without
any text, raises :class:`CorpusError` (a ``ValueError``) naming the path.

The package ships a 21-language corpus built by ``scripts/build_langid_corpus.py`` from
LibreOffice's translations (train/test) and the Universal Declaration of Human Rights (udhr);
:func:`shipped_corpus` gives its directories. Data sources and licences: ``data/NOTICE.md``.

Examples
--------
>>> corpus = read_corpus(shipped_corpus("udhr"))
>>> corpus.labels == LANGUAGES
True
>>> corpus["en"][0][:40]
'Whereas recognition of the inherent dign'
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from ...encoders.text_codepoints import CodePointTexts, normalized_lines, normalized_texts, scan_lines

LANGUAGES = ("bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "hu",
             "it", "lt", "lv", "nl", "pl", "pt", "ro", "sk", "sl", "sv")
"""The 21 labels of the shipped corpus (ISO 639-1 codes), sorted."""

SPLITS = ("train", "test", "udhr")
"""The shipped splits: LibreOffice train and test texts, and the out-of-domain UDHR."""

_SUFFIXES = (".txt.gz", ".txt")


class CorpusError(ValueError):
    """A corpus path or file that cannot be used; the message names it and says why."""


@dataclass
class FileStats:
    """What reading one label file found.

    Attributes
    ----------
    path : Path
        The file.
    lines : int
        Non-empty texts read.
    empty_lines : int
        Blank (or whitespace-only) lines skipped.
    decode_errors : int
        Undecodable bytes, each replaced by U+FFFD.
    chars : int
        Characters in the texts read.

    Examples
    --------
    >>> stats = FileStats(Path("en.txt"))
    >>> stats.lines, stats.empty_lines, stats.decode_errors, stats.chars
    (0, 0, 0, 0)
    """

    path: Path
    lines: int = 0
    empty_lines: int = 0
    decode_errors: int = 0
    chars: int = 0


def shipped_corpus(split: str = "train") -> Path:
    """The directory of a split of the corpus shipped with the package.

    Parameters
    ----------
    split : {"train", "test", "udhr"}
        ``train`` and ``test`` are disjoint LibreOffice texts (1,000 test texts per language);
        ``udhr`` is the Universal Declaration of Human Rights, an out-of-domain test set.

    Returns
    -------
    Path
        A directory of ``<label>.txt.gz`` files for :func:`read_corpus`.

    Examples
    --------
    >>> sorted(p.name for p in shipped_corpus("test").iterdir())[:2]
    ['bg.txt.gz', 'cs.txt.gz']
    """
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: expected one of {', '.join(SPLITS)}")
    path = Path(str(resources.files(__package__) / "data" / split))
    if not path.is_dir():
        raise CorpusError(f"the shipped corpus split {split!r} is missing at {path}: "
                          "rebuild it with `python scripts/build_langid_corpus.py`")
    return path


def corpus_files(path: str | Path) -> dict[str, Path]:
    """The label files of a corpus directory, ``{label: file}`` sorted by label.

    Files not named ``<label>.txt`` or ``<label>.txt.gz`` (a NOTICE, hidden files) are ignored.

    Examples
    --------
    >>> list(corpus_files(shipped_corpus("udhr")))[:3]
    ['bg', 'cs', 'da']
    """
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"corpus directory {path} does not exist")
    if not path.is_dir():
        raise CorpusError(f"{path} is not a directory: a corpus is a directory of "
                          "<label>.txt files, UTF-8, one text per line")
    files: dict[str, Path] = {}
    for file in sorted(path.iterdir()):
        suffix = next((s for s in _SUFFIXES if file.name.endswith(s)), None)
        if suffix is None or file.name.startswith(".") or file.name == suffix:
            continue
        if not file.is_file():  # a label's data that cannot be read must not vanish silently
            raise CorpusError(f"{file} is named like a label file but is not a readable file "
                              "(a directory, a broken link or a special file)")
        label = file.name[: -len(suffix)]
        if label in files:
            raise CorpusError(f"label {label!r} has two files, {files[label].name} and "
                              f"{file.name}, in {path}: keep one")
        files[label] = file
    if not files:
        raise CorpusError(f"corpus directory {path} has no <label>.txt or <label>.txt.gz files")
    return dict(sorted(files.items()))


_BLOCK_BYTES = 1 << 20  # decompressed bytes per read: whole blocks are decoded and split in C


def iter_blocks(file: str | Path, stats: FileStats | None = None,
                normalized: bool = False) -> Iterator[list[str] | CodePointTexts]:
    """The texts of one label file, a list per block of about a megabyte (memory stays bounded).

    Lines are stripped of surrounding whitespace; empty lines are skipped. Bytes that are not
    UTF-8 are replaced by U+FFFD. Both are counted in ``stats`` when given. A block is decoded
    and split in one call each (reading line by line cost about 5 us a line); only a block
    holding bad bytes is decoded line by line, to count them. With ``normalized``, a block is
    :class:`~kanerva.encoders.text_codepoints.CodePointTexts` instead, the texts lowercased and
    in NFC as code points (what n-gram counting reads), made without a str per line.

    Examples
    --------
    >>> stats = FileStats(shipped_corpus("udhr") / "fr.txt.gz")
    >>> blocks = list(iter_blocks(stats.path, stats))
    >>> blocks[0][0].split()[0], stats.lines == sum(map(len, blocks))
    ('Considérant', True)
    >>> next(iter_blocks(stats.path, normalized=True)).text(0).split()[0]
    'considérant'
    """
    file = Path(file)
    stats = stats if stats is not None else FileStats(file)
    texts_of = _normalized_texts if normalized else _texts
    for data in _line_blocks(file):
        texts = texts_of(data, stats)
        if len(texts):
            yield texts


MAX_LINE_BYTES = 4 << 20
"""A line longer than this is read as several texts, so one text never takes more than a few
hundred MB to count (a 50 MB line took 1 GB). It is cut at a space in its last quarter when
there is one (the n-grams spanning that word boundary, n - 2 per size, are lost), otherwise
between two characters."""


def _line_cut(data: bytes) -> int:
    """Where to cut a too-long line: after the last space of its last quarter, or at the last
    UTF-8 character boundary (never inside a character)."""
    space = data.rfind(b" ", 3 * MAX_LINE_BYTES // 4, MAX_LINE_BYTES)
    if space > 0:
        return space + 1
    cut = MAX_LINE_BYTES
    while cut > 1 and (data[cut] & 0xC0) == 0x80:  # a continuation byte: inside a character
        cut -= 1
    return cut


def _line_blocks(file: Path) -> Iterator[bytes]:
    """The bytes of a label file (decompressed; without a UTF-8 byte-order mark) in blocks of
    whole lines, about ``_BLOCK_BYTES`` each (a longer line is one block; a line longer than
    ``MAX_LINE_BYTES`` is cut into several)."""
    opener = gzip.open if file.name.endswith(".gz") else open
    try:
        with opener(file, "rb") as stream:
            carry = stream.read(3)
            if carry == b"\xef\xbb\xbf":
                carry = b""  # a UTF-8 byte-order mark is not text
            elif carry[:2] in (b"\xff\xfe", b"\xfe\xff"):
                raise CorpusError(f"{file} starts with a UTF-16 byte-order mark: corpus files must be "
                                  f"UTF-8 (convert it, e.g. iconv -f UTF-16 -t UTF-8)")
            while True:
                block = stream.read(_BLOCK_BYTES)
                data = carry + block
                if block:  # the bytes after the last newline wait for the next block
                    cut = data.rfind(b"\n") + 1
                    data, carry = data[:cut], data[cut:]
                elif not data:
                    return
                if data:  # empty: a block inside one long line
                    yield data
                while len(carry) > MAX_LINE_BYTES:  # a line this long is read as several texts
                    cut = _line_cut(carry)
                    yield carry[:cut] + b"\n"
                    carry = carry[cut:]
                if not block:
                    return
    except (OSError, EOFError, zlib.error) as err:
        raise CorpusError(f"cannot read {file}: {err}") from err


def _normalized_texts(data: bytes, stats: FileStats) -> CodePointTexts:
    """:func:`_texts`, lowercased and in NFC as code points (the same stats)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:  # rare: the line-by-line path counts the bad bytes
        return normalized_texts(_texts(data, stats))
    texts, empty, chars = normalized_lines(text)
    stats.empty_lines += empty
    stats.lines += len(texts)
    stats.chars += chars
    return texts


def _texts(data: bytes, stats: FileStats) -> list[str]:
    """Non-empty stripped lines of whole lines of bytes (a final newline ends the last one)."""
    try:
        lines = data.decode("utf-8").split("\n")
        if data.endswith(b"\n"):
            lines.pop()  # what follows the final newline is no line
    except UnicodeDecodeError:
        lines = _replacing_decode(_raw_lines(data), stats)
    texts = [t for t in map(str.strip, lines) if t]
    stats.empty_lines += len(lines) - len(texts)
    stats.lines += len(texts)
    stats.chars += sum(map(len, texts))
    return texts


def _raw_lines(data: bytes) -> list[bytes]:
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines.pop()
    return lines


def _replacing_decode(raw_lines: list[bytes], stats: FileStats) -> list[str]:
    """Lines decoded with bad bytes replaced by U+FFFD, counted in ``stats``."""
    lines = []
    for raw in raw_lines:
        line = raw.decode("utf-8", errors="replace")
        # count only the replacements, not U+FFFD characters really in the file
        stats.decode_errors += line.count("\ufffd") - raw.count(b"\xef\xbf\xbd")
        lines.append(line)
    return lines


def iter_texts(file: str | Path, stats: FileStats | None = None) -> Iterator[str]:
    """The texts of one label file, one by one (see :func:`iter_blocks`).

    Examples
    --------
    >>> stats = FileStats(shipped_corpus("udhr") / "fr.txt.gz")
    >>> first = next(iter_texts(stats.path, stats))
    >>> first.split()[0]
    'Considérant'
    """
    for texts in iter_blocks(file, stats):
        yield from texts


def iter_chunks(path: str | Path, chunk_lines: int = 10_000, labels=None,
                stats: dict[str, FileStats] | None = None,
                normalized: bool = False) -> Iterator[tuple[str, list[str] | CodePointTexts]]:
    """Stream a corpus as ``(label, texts)`` chunks of at most ``chunk_lines`` texts.

    For training on corpora larger than memory: only one chunk is held at a time. A label file
    with no text raises :class:`CorpusError` once it has been read to the end.

    Parameters
    ----------
    path : str or Path
        Corpus directory.
    chunk_lines : int
        Most texts per chunk.
    labels : iterable of str, optional
        Read only these labels (each must have a file).
    stats : dict, optional
        Filled with one :class:`FileStats` per label as the files are read.
    normalized : bool
        Chunks of lowercased NFC code points instead of lists of str (see :func:`iter_blocks`).

    Examples
    --------
    >>> chunks = list(iter_chunks(shipped_corpus("udhr"), chunk_lines=50, labels=["en"]))
    >>> [(label, len(texts)) for label, texts in chunks]
    [('en', 50), ('en', 20)]
    """
    _check_chunk_lines(chunk_lines)
    concat = CodePointTexts.concat if normalized else (lambda parts: [t for part in parts for t in part])
    for label, file, file_stats in _label_files(path, labels, stats):
        parts, held = [], 0
        for texts in iter_blocks(file, file_stats, normalized):
            parts.append(texts)
            held += len(texts)
            if held >= chunk_lines:
                chunk, start = concat(parts), 0
                while held - start >= chunk_lines:
                    yield label, chunk[start : start + chunk_lines]
                    start += chunk_lines
                parts, held = ([chunk[start:]], held - start) if held > start else ([], 0)
        if held:
            yield label, concat(parts)


def _check_chunk_lines(chunk_lines) -> None:
    if not isinstance(chunk_lines, int) or chunk_lines < 1:
        raise ValueError(f"chunk_lines must be a positive integer, got {chunk_lines!r}")


def _label_files(path, labels, stats: dict[str, FileStats] | None) -> Iterator[tuple[str, Path, FileStats]]:
    """``(label, file, its FileStats)`` of the selected label files, the stats also put in
    ``stats``; once the caller has read a file (asks for the next), a file without text is a
    :class:`CorpusError`."""
    for label, file in _select(corpus_files(path), labels, path).items():
        file_stats = FileStats(file)
        if stats is not None:
            stats[label] = file_stats
        yield label, file, file_stats
        if file_stats.lines == 0:
            raise CorpusError(f"label {label!r} has no text: {file} has "
                              f"{file_stats.empty_lines} empty lines and no text")


class RawLines:
    """Whole lines of a label file as UTF-8 bytes: a chunk item for a cluster, read (decoded,
    stripped, normalized: :meth:`read`) by the worker that counts it. One or two bytes a
    character travel instead of the four of normalized code points, and the client only reads
    the files and finds the line ends (:func:`iter_raw_chunks`)."""

    def __init__(self, data: bytes):
        self.data = data

    def read(self) -> CodePointTexts:
        return _normalized_texts(self.data, FileStats(Path("-")))


def iter_raw_chunks(path: str | Path, chunk_lines: int = 10_000, labels=None,
                    stats: dict[str, FileStats] | None = None) -> Iterator[tuple[str, RawLines]]:
    """The chunks of :func:`iter_chunks` (the same texts, the same ``stats``) as undecoded
    :class:`RawLines`, for map tasks that normalize their chunk themselves.

    The line ends and the stats come from a compiled scan of the bytes
    (:func:`kanerva.encoders.text_codepoints.scan_lines`); a block that is not UTF-8 is decoded
    line by line here, to count its bad bytes.

    Examples
    --------
    >>> [(label, len(raw.read())) for label, raw in iter_raw_chunks(shipped_corpus("udhr"), 50, ["en"])]
    [('en', 50), ('en', 20)]
    """
    _check_chunk_lines(chunk_lines)
    for label, file, file_stats in _label_files(path, labels, stats):
        pending: list[bytes] = []  # bytes of the chunk being gathered
        held = 0  # its texts
        for data in _line_blocks(file):
            ends = _text_line_ends(data, file_stats)
            done, i = 0, 0
            while held + ends.size - i >= chunk_lines:
                i += chunk_lines - held
                cut = min(int(ends[i - 1]) + 1, len(data))  # after the newline of the chunk's last text
                pending.append(data[done:cut])
                yield label, RawLines(b"".join(pending))
                pending, held, done = [], 0, cut
            if done < len(data):
                pending.append(data[done:])
                held += ends.size - i
        if held:
            yield label, RawLines(b"".join(pending))


def _text_line_ends(data: bytes, stats: FileStats) -> np.ndarray:
    """Byte offsets where the non-empty lines of ``data`` end (before their newline); counts
    the lines, empty lines, characters and bad bytes in ``stats`` as :func:`_texts` does."""
    scan = scan_lines(data)
    if scan is not None:
        _, ends, chars, empty = scan
        stats.lines += ends.size
        stats.empty_lines += empty
        stats.chars += int(chars.sum())
        return ends
    raw_lines = _raw_lines(data)
    ends, at = [], 0
    for raw, line in zip(raw_lines, _replacing_decode(raw_lines, stats)):
        text = line.strip()
        if text:
            ends.append(at + len(raw))
            stats.lines += 1
            stats.chars += len(text)
        else:
            stats.empty_lines += 1
        at += len(raw) + 1
    return np.array(ends, dtype=np.int64)


def _select(files: dict[str, Path], labels, path) -> dict[str, Path]:
    if labels is None:
        return files
    if isinstance(labels, str):
        raise TypeError("labels must be an iterable of label strings, not one string")
    missing = [label for label in labels if label not in files]
    if missing:
        raise CorpusError(f"no file for label(s) {', '.join(map(repr, missing))} in {path}; "
                          f"it has {', '.join(files)}")
    return {label: files[label] for label in labels}


class Corpus(Mapping):
    """A corpus read into memory: a mapping ``label -> list of texts``, plus what reading found.

    Attributes
    ----------
    path : Path
        The directory it was read from.
    stats : dict of str to FileStats
        Lines, empty lines, decoding errors and characters per label.

    Examples
    --------
    >>> corpus = read_corpus(shipped_corpus("udhr"), labels=["de", "fr"])
    >>> len(corpus), corpus.labels, corpus.decode_errors
    (2, ('de', 'fr'), 0)
    >>> texts, labels = corpus.texts_and_labels()
    >>> len(texts) == len(labels) == corpus.n_texts
    True
    """

    def __init__(self, path: Path, texts: dict[str, list[str]], stats: dict[str, FileStats]):
        self.path = path
        self._texts = texts
        self.stats = stats

    def __getitem__(self, label: str) -> list[str]:
        return self._texts[label]

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def __repr__(self) -> str:
        return (f"Corpus({str(self.path)!r}, {len(self)} labels, {self.n_texts} texts, "
                f"{self.decode_errors} decoding errors, {self.empty_lines} empty lines)")

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels, sorted."""
        return tuple(self._texts)

    @property
    def n_texts(self) -> int:
        """Texts over all labels."""
        return sum(len(texts) for texts in self._texts.values())

    @property
    def decode_errors(self) -> int:
        """Undecodable bytes replaced, over all files."""
        return sum(s.decode_errors for s in self.stats.values())

    @property
    def empty_lines(self) -> int:
        """Empty lines skipped, over all files."""
        return sum(s.empty_lines for s in self.stats.values())

    def problems(self) -> list[str]:
        """One human-readable line per file with decoding errors (empty if none)."""
        return [f"{s.path}: {s.decode_errors} undecodable bytes replaced by U+FFFD"
                for s in self.stats.values() if s.decode_errors]

    def texts_and_labels(self) -> tuple[list[str], list[str]]:
        """Flattened ``(texts, labels)`` lists, label by label (the scikit-learn ``X, y``)."""
        texts = [text for label in self._texts for text in self._texts[label]]
        labels = [label for label in self._texts for _ in self._texts[label]]
        return texts, labels


def read_corpus(path: str | Path, labels=None, limit: int | None = None) -> Corpus:
    """Read a corpus directory of ``<label>.txt`` / ``<label>.txt.gz`` files into memory.

    Parameters
    ----------
    path : str or Path
        Corpus directory (for example ``shipped_corpus("test")``).
    labels : iterable of str, optional
        Read only these labels (each must have a file).
    limit : int, optional
        Keep at most this many texts per label (the first ones in the file).

    Returns
    -------
    Corpus
        A mapping ``label -> list of texts`` with per-file :class:`FileStats`.

    Raises
    ------
    CorpusError
        The path is missing or not a directory, has no label files, or a label has no text.

    Examples
    --------
    >>> test = read_corpus(shipped_corpus("test"), limit=5)
    >>> len(test), test.n_texts
    (21, 105)
    """
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise ValueError(f"limit must be a positive integer or None, got {limit!r}")
    texts: dict[str, list[str]] = {}
    stats: dict[str, FileStats] = {}
    for label, file, file_stats in _label_files(path, labels, stats):
        texts[label] = []
        for text in iter_texts(file, file_stats):
            texts[label].append(text)
            if limit is not None and len(texts[label]) == limit:
                break
    return Corpus(Path(path), texts, stats)

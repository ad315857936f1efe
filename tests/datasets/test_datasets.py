"""kanerva.datasets: shapes, dtypes, the stratified split, determinism, clear errors."""

import gzip
import hashlib

import numpy as np
import pytest

from kanerva.datasets import binarize, load_fashion_mnist, load_mnist, load_natural_images
from kanerva.datasets import digits as digits_module


def test_mnist_shapes_dtypes_and_sizes():
    for split, n in [("train", 8004), ("test", 1996), ("all", 10000)]:
        x, y = load_mnist(split)
        assert x.shape == (n, 28, 28) and x.dtype == np.uint8
        assert y.shape == (n,) and y.dtype == np.int64
        assert set(np.unique(y)) == set(range(10))
    x, _ = load_mnist("all")
    assert x.max() == 255 and x.min() == 0 and 0.10 < (x > 127).mean() < 0.15  # real digits, ink ~13%


def test_mnist_split_is_stratified_disjoint_and_complete():
    xa, ya = load_mnist("all")
    xtr, ytr = load_mnist("train")
    xte, yte = load_mnist("test")
    counts = np.bincount(ya)
    np.testing.assert_array_equal(np.bincount(yte), (counts + 0) // 5)  # every fifth of each class
    np.testing.assert_array_equal(np.bincount(ytr) + np.bincount(yte), counts)
    key = lambda x: {hashlib.sha1(im.tobytes()).hexdigest() for im in x}  # noqa: E731
    assert not key(xtr) & key(xte)
    assert len(key(xtr) | key(xte)) == len(key(xa))


def test_mnist_is_deterministic_and_round_robin():
    x1, y1 = load_mnist("train")
    x2, y2 = load_mnist("train")
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert y1[:20].tolist() == list(range(10)) * 2
    assert hashlib.sha256(load_mnist("all")[0].tobytes()).hexdigest().startswith("95589f0bead9e1ea")


def test_bad_split_is_a_clear_error():
    with pytest.raises(ValueError, match="split must be one of"):
        load_mnist("validation")
    with pytest.raises(ValueError, match="split must be one of"):
        load_fashion_mnist("dev")


def test_missing_fashion_mnist_names_the_command(tmp_path, monkeypatch):
    monkeypatch.setenv("KANERVA_DATA", str(tmp_path))
    monkeypatch.setattr(digits_module, "_FASHION_SYSTEM", tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="make fashion-mnist"):
        load_fashion_mnist("train")


def _write_idx(path, array, magic):
    header = np.array([magic, *array.shape], dtype=">u4").tobytes()
    with gzip.open(path, "wb") as fh:
        fh.write(header + array.astype(np.uint8).tobytes())


def test_fashion_loader_reads_idx_files_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KANERVA_DATA", str(tmp_path))
    monkeypatch.setattr(digits_module, "_FASHION_SYSTEM", tmp_path / "nowhere")
    folder = tmp_path / "fashion-mnist"
    folder.mkdir()
    rng = np.random.default_rng(0)
    made = {}
    for split, n in [("train", 6), ("test", 4)]:
        img_name, lab_name = digits_module._FASHION_FILES[split]
        made[split] = rng.integers(0, 256, (n, 28, 28)), rng.integers(0, 10, n)
        _write_idx(folder / img_name, made[split][0], 2051)
        _write_idx(folder / lab_name, made[split][1], 2049)
    x, y = load_fashion_mnist("test")
    assert x.dtype == np.uint8 and y.dtype == np.int64 and x.shape == (4, 28, 28)
    np.testing.assert_array_equal(x, made["test"][0])
    np.testing.assert_array_equal(y, made["test"][1])
    assert load_fashion_mnist("all")[0].shape == (10, 28, 28)
    _write_idx(folder / digits_module._FASHION_FILES["test"][0], made["test"][0], 2049)  # wrong magic
    with pytest.raises(ValueError, match="not an IDX file"):
        load_fashion_mnist("test")


@pytest.mark.skipif(digits_module._fashion_dir() is None, reason="Fashion-MNIST not fetched (make fashion-mnist)")
def test_real_fashion_mnist():
    x, y = load_fashion_mnist("test")
    assert x.shape == (10000, 28, 28) and np.bincount(y).tolist() == [1000] * 10


def test_binarize_is_dynamic_and_unbiased():
    x, _ = load_mnist("test")
    a, b = binarize(x[:200], random_state=1), binarize(x[:200], random_state=2)
    assert a.dtype == np.uint8 and set(np.unique(a)) <= {0, 1}
    assert (a != b).any()  # a fresh sample each time
    np.testing.assert_array_equal(binarize(x[:5], random_state=3), binarize(x[:5], random_state=3))
    assert abs(a.mean() - (x[:200] / 255).mean()) < 0.01
    with pytest.raises(ValueError, match="in \\[0, 1\\]"):
        binarize(np.array([0.5, 2.0]))
    with pytest.raises(ValueError, match="in \\[0, 1\\]"):
        binarize(np.array([np.nan]))


def test_natural_images():
    images, names = load_natural_images(size=128)
    assert images.shape == (9, 128, 128) and images.dtype == np.uint8 and len(names) == 9
    assert images.std() > 20  # real photographs, not blank
    with pytest.raises(ValueError, match="size"):
        load_natural_images(size=1000)
    with pytest.raises(ValueError, match="source"):
        load_natural_images("imagenet")

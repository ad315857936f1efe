"""A model that kanerva does not ship works in the n-gram classifier without a change to learn/.

Everything the classifier needs from a model (keyed vectors, permute, bind, real feature rows, the
packed image or its absence) is a method of the Space; registering the class in ``kv.MODELS`` is
all it takes.
"""

import numpy as np
import pytest

import kanerva as kv
from kanerva.apps.langid.corpus import read_corpus, shipped_corpus
from kanerva.encoders.ngrams import NGramEncoder
from kanerva.learn.ngram_classifier import NGramClassifier
from kanerva.vsa import DenseSpace

LANGS = ["cs", "da", "en", "sk", "sv"]


class PermutedBipolar(DenseSpace):
    """Bipolar vectors, binding by multiplication, and a keyed random permutation of the
    dimensions (not a rotation) for ``permute``: a fifth model, defined here only."""

    name = "permuted-bipolar"
    dtype = np.dtype(np.int8)
    acc_dtype = np.dtype(np.int64)
    block_dtype = np.dtype(np.int16)
    block_rows = 32_767

    def __init__(self, dim, seed=0):
        super().__init__(dim, seed)
        self._perm = np.random.default_rng([seed, 5]).permutation(self.dim)

    def _from_hashes(self, hashes):
        return np.stack([np.where(np.random.default_rng(int(h)).random(self.dim) < 0.5, -1, 1)
                         for h in hashes]).astype(np.int8).reshape(len(hashes), self.dim)

    def _check_values(self, x, name):
        if x.size and (x.min() < -1 or x.max() > 1 or np.count_nonzero(x) != x.size):
            raise ValueError(f"{name} must hold only -1 and +1")

    def bind(self, a, b):
        a, b = self._check_pair(a, b)
        return a * b

    def inverse(self, a):
        return self.check(a).copy()

    def identity(self):
        return np.ones(self.dim, dtype=np.int8)

    def normalize(self, acc):
        acc = np.asarray(acc)
        sign = np.sign(acc).astype(np.int8)
        return np.where(sign == 0, self.tiebreak(acc), sign)

    def permute(self, x, shift=1):
        x = self.check(x)
        index = np.arange(self.dim)
        for _ in range(abs(int(shift))):
            index = index[self._perm] if shift > 0 else index[np.argsort(self._perm)]
        return x[..., index]

    def _similarity_matrix(self, a, b):
        return (a.astype(np.float64) @ b.astype(np.float64).T) / self.dim

    def _fill_features(self, rows, out):
        np.copyto(out, rows)

    def _from_features(self, rows):
        return rows


@pytest.fixture
def fifth(monkeypatch):
    monkeypatch.setitem(kv.MODELS, PermutedBipolar.name, PermutedBipolar)
    return PermutedBipolar.name


@pytest.fixture(scope="module")
def data():
    train = read_corpus(shipped_corpus("train"), labels=LANGS, limit=400)
    test = read_corpus(shipped_corpus("test"), labels=LANGS, limit=100)
    return train.texts_and_labels(), test.texts_and_labels()


def test_a_fifth_model_fits_and_predicts(fifth, data):
    (X, y), (Xt, yt) = data
    clf = NGramClassifier(model=fifth, dim=1024, epochs=2, hv_epochs=1).fit(X, y)
    assert isinstance(clf.space_, PermutedBipolar) and clf.space_.packed_space() is None
    assert clf.class_vectors_.shape == (len(LANGS), 1024)
    assert clf.score(Xt, yt) > 0.88  # 0.90 when written; MAP, its shipped cousin: 0.92
    assert len(clf.history_) == 3  # two online passes and one pass in hypervector space


def test_a_fifth_model_has_exact_profiles(fifth, data):
    """Its class profiles are the encoder's count-then-project bundles, integer for integer."""
    (X, y), _ = data
    clf = NGramClassifier(model=fifth, dim=256, ngram=(2, 3), epochs=0).fit(X, y)
    enc = NGramEncoder(PermutedBipolar(256, seed=0), ngram=(2, 3))
    en = [t for t, lab in zip(X, y) if lab == "en"]
    assert np.array_equal(clf.profiles_[list(clf.classes_).index("en")], enc.project(enc.count(en)))
    # and the order of letters counts: the permutation is part of the n-gram vectors
    assert not np.array_equal(enc.ngram_vectors(["ab"]), enc.ngram_vectors(["ba"]))


def test_a_fifth_model_saves_and_loads(fifth, data, tmp_path):
    (X, y), (Xt, _) = data
    clf = NGramClassifier(model=fifth, dim=256, epochs=1).fit(X[::4], y[::4])
    clf.save(tmp_path / "fifth.kanerva")
    back = NGramClassifier.load(tmp_path / "fifth.kanerva")
    assert back.model == fifth and np.array_equal(back.predict(Xt), clf.predict(Xt))

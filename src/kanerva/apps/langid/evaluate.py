"""Evaluating and using a language-identification model: accuracy per label, confusions, speed,
the label of each text, and the demo (train on the shipped corpus, test on its test split and UDHR).

Examples
--------
>>> clf = __import__("kanerva.apps.langid.model", fromlist=["x"]).train_texts(
...     ["the cat is on the mat", "le chat est sur le tapis"], ["en", "fr"], dim=1_000, epochs=0, min_count=1)
>>> report = evaluate_texts(clf, ["the mat", "le tapis", "der Hund"], ["en", "fr", "de"])
>>> report["accuracy"], report["n"], report["unknown_labels"]
(1.0, 2, {'de': 1})
>>> identify(clf, ["le chat", "12 34"])[0]["label"], identify(clf, ["12 34"])[0]["label"]
('fr', None)
"""

from __future__ import annotations

import time
from collections import Counter

import numpy as np

from ...learn.ngram_classifier import NGramClassifier
from .corpus import read_corpus, shipped_corpus


NO_LABEL = "-"  # what evaluation counts for a text with no n-gram the model has seen


def evaluate_texts(clf: NGramClassifier, texts, labels) -> dict:
    """Accuracy, per-label accuracy, confusions and speed on labelled texts.

    Texts whose label the model does not know are left out of the accuracy and counted in
    ``unknown_labels``. A text none of whose n-grams the model has seen gets no label (``"-"`` in
    the confusions, counted in ``no_label``): it is wrong, never given to the first class.
    ``sentences_per_second`` times prediction alone (one thread).
    """
    texts, labels = list(texts), [str(y) for y in labels]
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    known = set(map(str, clf.classes_))
    unknown = Counter(y for y in labels if y not in known)
    keep = [i for i, y in enumerate(labels) if y in known]
    if not keep:
        raise ValueError(f"no text has a label the model knows ({', '.join(sorted(known))})")
    texts = [texts[i] for i in keep]
    truth = np.array([labels[i] for i in keep])
    start = time.perf_counter()
    index = clf.predict_index(texts)
    seconds = time.perf_counter() - start
    unseen = index < 0
    predicted = np.where(unseen, NO_LABEL, np.asarray(clf.classes_).astype(str)[np.maximum(index, 0)])
    right = predicted == truth
    per_label, confusions = {}, {}
    for label in sorted(set(truth)):
        mine = truth == label
        per_label[label] = float(right[mine].mean())
        wrong = Counter(predicted[mine & ~right].tolist())
        if wrong:
            confusions[label] = dict(wrong.most_common())
    return {
        "accuracy": float(right.mean()),
        "n": int(right.size),
        "correct": int(right.sum()),
        "per_label": per_label,
        "confusions": confusions,
        "sentences_per_second": float(right.size / seconds) if seconds > 0 else float("inf"),
        "unknown_labels": dict(unknown),
        "no_label": int(unseen.sum()),
    }


def evaluate_corpus(clf: NGramClassifier, test_dir) -> dict:
    """:func:`evaluate_texts` on a corpus directory, plus what reading it found."""
    corpus = read_corpus(test_dir)
    texts, labels = corpus.texts_and_labels()
    report = evaluate_texts(clf, texts, labels)
    report["decode_errors"] = corpus.decode_errors
    report["empty_lines"] = corpus.empty_lines
    return report


def identify(clf: NGramClassifier, texts, top: int = 1) -> list[dict]:
    """For each text: its label (what ``clf.predict`` gives), the cosine similarity to that
    label's class vector, and the ``top`` labels with their similarities. Labels are ranked by
    the model's scores (``decision_function``, the rule it was trained with), not by cosine: the
    class vectors' norms differ, and the two rankings disagree on a few texts (4 of 9,495
    validation sentences, where the scores are right more often). A text none of whose n-grams the
    model has seen (no letters, or a script absent from training) gets label None and similarity 0.
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ValueError(f"top must be a positive integer, got {top!r}")
    texts = list(texts)
    scores = clf.decision_function(texts)
    sims = scores / np.linalg.norm(clf.class_vectors_, axis=1)
    out = []
    for text, score, row in zip(texts, scores, sims):
        order = np.argsort(-score, kind="stable")[:top]
        seen = bool(np.any(score != 0))
        out.append({
            "text": text,
            "label": str(clf.classes_[order[0]]) if seen else None,
            "similarity": float(row[order[0]]) if seen else 0.0,
            "top": [[str(clf.classes_[i]), float(row[i])] for i in order] if seen else [],
        })
    return out


def demo(progress=None, **settings) -> dict:
    """Train the default model on the shipped corpus and evaluate it on the test split and UDHR."""
    from .model import train_corpus

    # a throwaway fit on the small UDHR split first: a process pays numba's start-up and the
    # loading of the compiled kernels once (about 0.8 s here), which is not training
    start = time.perf_counter()
    train_corpus(shipped_corpus("udhr"), dim=64, min_count=1)
    warm_up_seconds = time.perf_counter() - start
    start = time.perf_counter()
    clf = train_corpus(shipped_corpus("train"), progress=progress, **settings)
    train_seconds = time.perf_counter() - start
    return {
        "settings": {k: (list(v) if isinstance(v, tuple) else v) for k, v in clf.get_params().items()},
        "warm_up_seconds": warm_up_seconds,
        "train_seconds": train_seconds,
        "train_steps": clf.fit_timings_,
        "train_chars": int(clf.n_chars_),
        "vocabulary": int(clf.vocabulary_.size),
        "test": evaluate_corpus(clf, shipped_corpus("test")),
        "udhr": evaluate_corpus(clf, shipped_corpus("udhr")),
    }


def demo_table(result: dict, peers: dict | None = None) -> list[str]:
    """Lines of the demo's table: per-language accuracy on test and UDHR, with peers when given."""
    names = sorted(peers.get("test", {})) if peers else []
    head = f"{'lang':<6}{'kv-test':>8}{'kv-udhr':>8}" + "".join(f"{n[:10]:>12}" for n in names)
    title = ["Accuracy % per language: kanerva (kv) on the shipped test split and on UDHR"
             + ("; the peers on the same test split (benchmarks/results/langid_peers.json)" if names else "")]
    lines = title + [head, "-" * len(head)]
    for label in result["test"]["per_label"]:
        row = f"{label:<6}{100 * result['test']['per_label'][label]:>8.2f}"
        row += f"{100 * result['udhr']['per_label'].get(label, float('nan')):>8.2f}"
        for n in names:
            row += f"{100 * peers['test'][n].get('per_label', {}).get(label, float('nan')):>12.2f}"
        lines.append(row)
    lines.append("-" * len(head))
    total = f"{'all':<6}{100 * result['test']['accuracy']:>8.2f}{100 * result['udhr']['accuracy']:>8.2f}"
    for n in names:
        total += f"{100 * peers['test'][n]['accuracy']:>12.2f}"
    lines.append(total)
    if names and "udhr" in peers:
        lines.append(f"{'udhr':<22}" + "".join(f"{100 * peers['udhr'].get(n, {}).get('accuracy', float('nan')):>12.2f}"
                                               for n in names))
    lines.append(f"trained on {result['train_chars']:,} characters in {result['train_seconds']:.1f} s "
                 f"({result['train_chars'] / result['train_seconds'] / 1e6:.2f} M chars/s); "
                 f"{result['test']['sentences_per_second']:,.0f} test sentences/s")
    steps = result.get("train_steps")
    if steps:  # what grows with the corpus (counting) apart from what does not
        wall = {step: t["wall_s"] for step, t in steps.items()}
        lines.append(f"  of it counting {wall['count']:.2f} s ({result['train_chars'] / wall['count'] / 1e6:.1f} M chars/s), "
                     f"retraining {wall.get('examples', 0) + wall.get('retrain', 0) + wall.get('hv_passes', 0):.2f} s, "
                     f"projection {wall['project']:.2f} s (the vocabulary's n-gram vectors into the class vectors); "
                     f"before it, loading the compiled kernels {result.get('warm_up_seconds', 0):.1f} s")
    return lines

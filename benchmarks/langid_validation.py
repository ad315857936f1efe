"""Choosing the language-identification defaults on held-out training data (never on test or UDHR).

    python -m benchmarks.langid_validation '{"epochs": 2}' '{"epochs": 5}' ...

Each argument is a JSON object of settings over ``kanerva.apps.langid.model.DEFAULTS``, plus an
optional ``"chunk_size"`` (texts per chunk, default 20,000: every language's training text is then
one chunk, so ``max_examples``, which keeps or drops whole chunks, only bites with small chunks,
e.g. ``'{"max_examples": 2000, "chunk_size": 200}'``). The model is trained on the first 90% of
every language's training lines and scored on the last 10%, keeping the texts with >= 40
characters and >= 6 words (like the test split). Prints validation accuracy,
fit CPU seconds, the vocabulary size and the fraction of examples updated in each online pass.
"""

from __future__ import annotations

import json
import sys
import time

from kanerva.apps.langid.corpus import read_corpus, shipped_corpus
from kanerva.apps.langid.model import make_classifier


def split():
    """(train texts, train labels, validation texts, validation labels)."""
    train = read_corpus(shipped_corpus("train"))
    x, y, xv, yv = [], [], [], []
    for label in train.labels:
        texts = train[label]
        cut = int(0.9 * len(texts))
        x += texts[:cut]
        y += [label] * cut
        held = [t for t in texts[cut:] if len(t) >= 40 and len(t.split()) >= 6]
        xv += held
        yv += [label] * len(held)
    return x, y, xv, yv


def main(argv=None) -> None:
    specs = sys.argv[1:] if argv is None else argv
    x, y, xv, yv = split()
    print(f"{len(x):,} training texts, {len(xv):,} validation texts", flush=True)
    for spec in specs or ["{}"]:
        settings = json.loads(spec)
        chunk_size = settings.pop("chunk_size", 20_000)
        start = time.process_time()
        clf = make_classifier(**settings).fit(x, y, chunk_size=chunk_size)
        cpu = time.process_time() - start
        print(f"{spec}: validation {100 * clf.score(xv, yv):.2f}%, fit {cpu:.1f} CPU s, "
              f"V = {clf.vocabulary_.size:,} n-grams, {clf.n_examples_:,} examples, updates per pass {[round(h, 4) for h in clf.history_]}",
              flush=True)


if __name__ == "__main__":
    main()

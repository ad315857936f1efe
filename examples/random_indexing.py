"""
Random indexing: word meaning from context
==========================================

Random indexing (Kanerva, Kristoferson & Holst 2000; Sahlgren et al. 2008): words used alike get
similar context vectors, learned in one pass over a small text shipped with the examples.
"""

import json
from pathlib import Path

from kanerva.encoders.random_indexing import RandomIndexing, group_agreement, tokenize

try:
    DATA = Path(__file__).parent / "data"
except NameError:  # sphinx-gallery runs the script in its own folder, without __file__
    DATA = Path("data")
TEXT = DATA / "village.txt"
_WORDS = json.loads((DATA / "village_groups.json").read_text())  # the word groups and stopwords
STOPWORDS = _WORDS["stopwords"]
GROUPS = _WORDS["groups"]

lines = [tokenize(line) for line in TEXT.read_text().splitlines() if line.strip() and not line.startswith("#")]
for name, settings in [("neighbours +-2 words", dict(window=2)),
                       ("neighbours +-2, word order", dict(window=2, order=True)),
                       ("whole sentences", dict(window=None))]:
    model = RandomIndexing(dim=2_000, nonzeros=10, seed=0, stopwords=STOPWORDS, **settings).fit(lines)
    score = group_agreement(model, GROUPS)
    print(f"{name:28s} nearest word in the same group: {score['nearest_in_group']:.0%}  "
          f"(cosine within groups {score['mean_within']:.2f}, between {score['mean_between']:.2f})")

model = RandomIndexing(dim=2_000, nonzeros=10, window=2, order=True, seed=0, stopwords=STOPWORDS).fit(lines)
for word in ("cat", "tea", "bus", "monday", "doctor"):
    print(f"  {word:7s} ~ " + ", ".join(f"{w} {s:.2f}" for w, s in model.most_similar(word, k=3, min_count=3)))

"""
Language identification in a few seconds
========================================

Train the default language identifier (Joshi, Halseth & Kanerva 2016: letter 3- and 4-grams as
binary hypervectors, D = 16,384, two online perceptron passes) on the 21-language corpus the
package ships, test it on the held-out test split, name the language of a few sentences, and draw
the geometry of the languages: the cosine similarity of their profiles, clustered. The same
model comes from ``kanerva langid train``; the same picture from ``kanerva langid plot``.
"""

import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

from kanerva.apps.langid.corpus import shipped_corpus
from kanerva.apps.langid.evaluate import evaluate_corpus, identify
from kanerva.apps.langid.model import train_corpus
from kanerva.apps.langid.plot import plot_geometry

# %%
# Train on the shipped training split (290,218 short texts, 11.4 M characters).
clf = train_corpus(shipped_corpus("train"))
print(f"trained on {clf.n_chars_:,} characters of {len(clf.classes_)} languages; "
      f"{clf.vocabulary_.size:,} n-grams in the vocabulary")

# %%
# Test on the held-out test split: 1,000 sentences per language, none seen in training.
report = evaluate_corpus(clf, shipped_corpus("test"))
print(f"test split: {report['accuracy']:.2%} of {report['n']:,} sentences right")
hardest = sorted(report["per_label"].items(), key=lambda item: item[1])[:3]
print("hardest languages:", ", ".join(f"{label} {acc:.1%}" for label, acc in hardest))

# %%
# Name the language of new sentences, with the runner-up and the cosine similarity of each to
# the text. A text of a few words is harder than the test split's sentences (at least 40
# characters and 6 words each): the closer the languages, the longer the text it takes.
for answer in identify(clf, ["Der Hund schläft unter dem Tisch.", "O cão dorme debaixo da mesa.",
                             "A kutya az asztal alatt alszik.", "Кучето спи под масата в кухнята."], top=2):
    (first, sim1), (second, sim2) = answer["top"]
    print(f"{answer['text']:36s} -> {first} ({sim1:.2f}; then {second} {sim2:.2f})")

# %%
# The geometry of the languages: related languages have similar n-gram profiles, and the
# clustering finds the families (Romance, Slavic, Germanic, Baltic, Finnic ...) from letters alone.
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "geometry.png"
    order = plot_geometry(clf, path)
    image = plt.imread(path)
print("clustered order:", " ".join(order))

fig, ax = plt.subplots(figsize=(9, 10))
ax.imshow(image)
ax.set_axis_off()
fig.tight_layout(pad=0)

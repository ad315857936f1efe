"""
Learning a rule by example
==========================

Kanerva (2000): mother_of(x, y) + father_of(y, z) -> grandmother_of(x, z). The rule is the
bundle of the example mappings; learned from more examples, it gives better answers for people
it never saw.
"""

import matplotlib.pyplot as plt

import kanerva as kv
from kanerva.apps.rules import grandmother_rule

fig, ax = plt.subplots(figsize=(6, 4))
for model in (kv.BSC, kv.HRR, kv.FHRR):  # (MAP gives the numbers of BSC: the same vectors, bipolar)
    curve = grandmother_rule(model(10_000, seed=1), n_examples=(1, 3, 10, 30), n_test=10, n_people=150)
    print(f"{model.__name__}: examples averaged -> similarity of the answer to the right consequent "
          f"(share of right grandmothers)")
    for k, sim, acc in zip(curve.n_examples, curve.similarity, curve.accuracy):
        print(f"  {k:3d} -> {sim:.3f} ({acc:.0%})")
    ax.semilogx(curve.n_examples, curve.similarity, "o-", label=model.__name__)

ax.set(xlabel="examples averaged into the rule", ylabel="similarity to the right grandmother",
       title="The rule improves with examples (people it never saw)")
ax.legend()

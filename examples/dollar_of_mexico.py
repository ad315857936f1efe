"""
What is the dollar of Mexico?
=============================

Kanerva's (2010) analogy by binding and unbinding records, in each of the seven models: the
record of the USA binds its name and its money, so does Mexico's; unbinding the dollar through
both records answers "peso".
"""

import kanerva as kv
from kanerva.apps.analogy import analogy, dollar_of_mexico

for model in kv.MODELS.values():
    space = model(model.round_dim(10_000), seed=7)
    symbol, sim = dollar_of_mexico(space, with_capital=True)
    print(f"{model.__name__:5s} the dollar of Mexico is {symbol} (similarity {sim:.2f})")

# any two records with the same roles: which filler of Japan plays the role Paris plays for France?
france = {"name": "france", "money": "euro", "capital": "paris"}
japan = {"name": "japan", "money": "yen", "capital": "tokyo"}
symbol, sim = analogy(kv.FHRR(10_000, seed=1), france, japan, "paris")
print(f"the Paris of Japan is {symbol} (similarity {sim:.2f})")

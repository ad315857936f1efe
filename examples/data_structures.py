"""
Data structures, each one hypervector
=====================================

Sets, multisets, sequences, pairs, graphs, records and tables, each one hypervector. The same
lines work with ``kv.BSC``, ``kv.MAP``, ``kv.HRR`` or ``kv.FHRR``; the model comes from the command
line (BSC without one)::

    python examples/data_structures.py [bsc|map|hrr|fhrr]
"""

import sys

import kanerva as kv
from kanerva.structures import DirectedGraph, HashTable, Multiset, Pair, Record, Sequence, Set

space = kv.MODELS[sys.argv[1] if len(sys.argv) > 1 else "bsc"](10_000, seed=0)
words = kv.Codebook(space, ["apple", "pear", "plum", "fig", "kiwi", "lime"])

fruit = Set(words, ["apple", "pear", "plum"])
print("set      members:", fruit.members(), "| fig in set?", "fig" in fruit)

basket = Multiset(words, ["apple"] * 3 + ["fig"] * 2 + ["kiwi"])
print("multiset counts:", [(sym, round(c)) for sym, c in basket.most_common()])

seq = Sequence(words, ["plum", "fig", "apple", "lime"])
print("sequence item 1:", seq[1], "| after apple:", seq.follows("apple"))

pair = Pair(words, "pear", "kiwi")
print("pair     second given pear:", pair.second_given("pear"), "| first given kiwi:", pair.first_given("kiwi"))

graph = DirectedGraph(words, [("apple", "pear"), ("apple", "plum"), ("plum", "fig")])
print("graph    successors of apple:", graph.successors("apple"), "| predecessors of fig:", graph.predecessors("fig"))

roles = kv.Codebook(space, ["name", "colour", "taste"])
fillers = kv.Codebook(space, ["lemon", "yellow", "green", "sour", "sweet"])
lemon = Record(roles, fillers, {"name": "lemon", "colour": "yellow", "taste": "sour"})
print("record   colour:", lemon.read("colour"), "| after substituting green:", lemon.substitute("colour", "green").read("colour"))

prices = HashTable(words, kv.Codebook(space, ["cheap", "dear"]), {"apple": "cheap", "fig": "dear"})
print("table    fig ->", prices["fig"], "| kiwi in table?", "kiwi" in prices)

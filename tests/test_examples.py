"""Every script in examples/ runs, and prints what it promises."""

import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

EXPECTED = {
    "dollar_of_mexico.py": ["BSC   the dollar of Mexico is peso", "MAP   the dollar of Mexico is peso",
                            "HRR   the dollar of Mexico is peso", "FHRR  the dollar of Mexico is peso",
                            "the Paris of Japan is tokyo"],
    "data_structures.py": ["members: ['apple', 'pear', 'plum'] | fig in set? False",
                           "counts: [('apple', 3), ('fig', 2), ('kiwi', 1)]",
                           "item 1: fig | after apple: lime",
                           "second given pear: kiwi | first given kiwi: pear",
                           "successors of apple: ['pear', 'plum'] | predecessors of fig: ['plum']",
                           "colour: yellow | after substituting green: green",
                           "fig -> dear | kiwi in table? False"],
    "grandmother_rule.py": ["BSC: examples", "HRR: examples", "FHRR: examples", " 30 -> "],
    "capacity.py": ["BSC   n=10: 0/0/0  n=20: 0/0/0", "MAP   n=10: 0/0/0  n=20: 0/0/0",
                    "HRR   n=10: 0/0/0  n=20: 0/0/0", "FHRR  n=10: 0/0/0  n=20: 0/0/0"],
    "random_indexing.py": ["nearest word in the same group", "tea     ~ "],
    "kanerva_machine.py": ["VAE test bound", "KM  memory-conditional bound", "wrote 16 digits; bit error"],
}


def run_example(name, argv, capsys):
    old = sys.argv
    sys.argv = [str(EXAMPLES / name)] + argv
    try:
        runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    finally:
        sys.argv = old
    return capsys.readouterr().out


def test_every_example_is_listed():
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_runs(name, capsys):
    out = run_example(name, [], capsys)
    for text in EXPECTED[name]:
        assert text in out, (text, out)
    if name == "grandmother_rule.py":  # the rule improves with examples, in every model shown
        sims = [float(line.split("->")[1].split()[0]) for line in out.splitlines() if line.startswith("  ")]
        per_model = [sims[i:i + 4] for i in range(0, len(sims), 4)]
        assert len(per_model) == 3 and all(s[-1] > s[0] + 0.08 for s in per_model), per_model


@pytest.mark.parametrize("model", ["map", "hrr", "fhrr"])
def test_data_structures_example_in_every_model(model, capsys):
    out = run_example("data_structures.py", [model], capsys)
    for text in EXPECTED["data_structures.py"]:
        assert text in out, (model, text, out)



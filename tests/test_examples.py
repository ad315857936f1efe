"""Every script in examples/ runs, and prints what it promises."""

import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

EXPECTED = {
    "dollar_of_mexico.py": ["BSC   the dollar of Mexico is peso", "MAP   the dollar of Mexico is peso",
                            "HRR   the dollar of Mexico is peso", "FHRR  the dollar of Mexico is peso",
                            "MBAT  the dollar of Mexico is peso", "VTB   the dollar of Mexico is peso",
                            "SBC   the dollar of Mexico is peso",
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
    "tensor_products.py": ["n =  16: TPR 1.000 (exact)", "n =  32: TPR 1.000 (exact)", "n =  96: TPR 0."],
    "resonator.py": ["search space: 810,000 combinations at D = 2,000",
                     "factors: ('colour7', 'shape21', 'position2', 'size14') | right: True"],
    "spatial_pooler.py": ["at most 160 of 1600 columns active", "spatial pooler SDRs 92.0%"],
    "assemblies.py": ["beta =  0.2: support after 10, 20, 40 rounds = 164, 164, 164 neurons",
                      "firing 20% of the assembly recovers"],
    "memory_swap.py": ["20 patterns of MAP(dim=256, seed=0), cues at similarity 0.70",
                       "dense        recalled  100% exactly, mean similarity 1.000",
                       "sdm          recalled  100% exactly, mean similarity 1.000",
                       "cleanup      recalled  100% exactly, mean similarity 1.000"],
    "language_identification.py": ["characters of 21 languages", "test split: 99.", "hardest languages:",
                                   "Der Hund schläft unter dem Tisch.", "-> de (", "-> pt (", "-> hu (", "-> bg (",
                                   "clustered order:"],
    "hebbian_learning.py": ["plain Hebb: |w| grew from", "|w| = 0.500 (1/sqrt(alpha) = 0.5)",
                            "Sanger component 3: |cos| with PC3 = 0.99"],
    "som_colours.py": ["rectangular: quantization error 0.", "hexagonal: quantization error 0.", "pure red lands on unit"],
    "sparse_coding_vs_nmf.py": ["atoms fit a Gabor with r2 >= 0.8", "NMF's parts are non-negative: True"],
    "rbm_digits.py": ["test log p(v) = -", "(log Z by ais: "],
    "boltzmann_parity.py": ["fully visible: KL = 0.693 nats", "4 hidden units: KL = 0.0"],
    "neuro_lif_fi.py": ["max relative error above rheobase: ", "analytic 178.70 Hz"],
    "neuro_izhikevich.py": ["TC   (0.02, 0.25, -65.0, 0.05): 3 spikes", "RZ   (0.1, 0.26, -65.0, 2.0): 0 spikes",
                            "IB   (0.02, 0.2, -55.0, 4.0): 11 spikes, first ISI 2.5 ms"],
    "neuro_brunel.py": ["g = 3.0: SR", "g = 5.0: AI"],
    "neuro_spiking_nnls.py": ["scipy nnls: [0.445 0.702 0.    0.173 0.048 0.   ]",
                              "explaining away: inferred [0.975 0.   ]"],
    "neuro_decoding.py": ["N = 128: ML variance / CRB = 1.04"],
    "neuro_information.py": ["true information 0.668 bits", "panzeri_treves  bias"],
    "continual_replay.py": ["fine-tuning forgets task 1: True", "exact replay keeps part of task 1: True",
                            "the item memory keeps at least as much at the same bytes: True"],
    "kanerva_machine.py": ["VAE test bound", "KM: memory-conditional bound",
                           "memory-conditional bound below the VAE's: True; true episode bound above it: True",
                           "wrote 16 digits; bit error"],
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




@pytest.mark.parametrize("memory", ["hopfield", "dense", "modern", "sdm", "fastweights", "cleanup"])
def test_one_script_recalls_with_every_memory(memory, capsys):
    out = run_example("memory_swap.py", [memory], capsys)
    line = next(row for row in out.splitlines() if row.startswith(memory))
    similarity = float(line.rsplit(" ", 1)[1])
    assert similarity > 0.95, line  # the cues were at 0.70

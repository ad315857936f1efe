"""Small, fast versions of the capacity curves, with thresholds; the CLI that prints them."""

import json

import numpy as np
from click.testing import CliRunner

from kanerva.cli.main import main
from kanerva.memory.capacity import dam_capacity, hopfield_capacity, modern_digits, sdm_recall


def test_hebb_critical_load_shows():
    r = hopfield_capacity(dim=256, alphas=[0.05, 0.14, 0.25], rules=["hebb", "pinv"], min_patterns=150)
    hebb = {row["alpha"]: row for row in r["rows"] if row["rule"] == "hebb"}
    assert hebb[0.05]["stable"] > 0.95 and hebb[0.05]["recall_overlap"] > 0.99
    assert 0.25 < hebb[0.14]["stable"] < 0.65  # about 40% near alpha_c (finite-N: a bit more)
    assert hebb[0.25]["stable"] < 0.05 and hebb[0.25]["recall_overlap"] < 0.7
    assert all(row["stable"] == 1.0 for row in r["rows"] if row["rule"] == "pinv")


def test_dam_capacity_grows_faster_with_n():
    r = dam_capacity(powers=(2, 3), dims={2: [32, 64, 128], 3: [16, 32, 64]}, exp_dims=(10, 14), sample=60)
    fits = r["summary"]
    assert fits["3"]["exponent"] > fits["2"]["exponent"] + 0.5
    assert 1.2 < fits["3"]["exponent_times_ln_n"] < 2.5
    exp_rows = [row for row in r["rows"] if row["n"] == "exp"]
    assert all(row["capacity"] > 5 * row["dim"] for row in exp_rows)


def test_modern_digits_needs_a_large_beta():
    r = modern_digits(betas=(1, 100), counts=(300,))
    acc = {row["beta"]: row["accuracy"] for row in r["rows"]}
    assert acc[100] > 0.9 > 0.1 > acc[1]


def test_sdm_best_radius_is_near_kanerva_optimum():
    r = sdm_recall(dim=256, locations=2_000, items=(100,), probabilities=np.geomspace(2e-3, 0.1, 7))
    s = r["summary"]["100"]
    assert abs(np.log(s["best_p"] / s["kanerva_p"])) < np.log(2.5)
    for row in r["rows"]:
        assert abs(row["snr"] / row["snr_theory"] - 1) < 0.35


def test_cli_prints_json_and_plots(tmp_path):
    out = CliRunner().invoke(main, ["memory", "capacity", "modern", "--json", "--plot", str(tmp_path / "m.png")])
    assert out.exit_code == 0, out.output
    result = json.loads(out.output[out.output.index("{"):])
    assert result["experiment"] == "modern" and len(result["rows"]) == 28
    assert (tmp_path / "m.png").stat().st_size > 1000
    bad = CliRunner().invoke(main, ["memory", "capacity", "lstm"])
    assert bad.exit_code != 0 and "hopfield" in bad.output

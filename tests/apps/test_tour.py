import re

import pytest
from click.testing import CliRunner

import kanerva as kv
from kanerva.apps.tour import run_tour
from kanerva.cli.main import main


def test_tour_answers_every_query_in_every_model():
    lines = list(run_tour(dim=10_000, seed=7))
    assert len(lines) == 3 * len(kv.MODELS) == 21
    for model in ("BSC", "MAP", "HRR", "FHRR", "MBAT", "VTB", "SBC"):
        analogy, sequence, record = [l for l in lines if l.startswith(model + " ")]
        assert re.search(r"dollar of Mexico\? -> peso \(similarity 0\.\d+\)", analogy)
        assert "item 2 -> wed; what follows thu? -> fri" in sequence
        assert "city -> london; set city := paris, then city -> paris, name -> ada" in record


def test_tour_other_settings_and_bad_model():
    assert len(list(run_tour(dim=4_096, seed=3, models=["fhrr"]))) == 3
    # a dimension MBAT cannot take (8,000 is no square) runs at the nearest it can (89^2 = 7,921)
    assert "-> peso" in next(run_tour(dim=8_000, seed=3, models=["mbat"]))
    with pytest.raises(ValueError, match="unknown model 'xyz'"):
        list(run_tour(models=["xyz"]))


def test_tour_command():
    result = CliRunner().invoke(main, ["tour", "--model", "map", "--model", "hrr", "--dim", "8192"])
    assert result.exit_code == 0, result.output
    assert [l.split()[0] for l in result.output.splitlines()] == ["MAP"] * 3 + ["HRR"] * 3
    bad = CliRunner().invoke(main, ["tour", "--model", "nope"])
    assert bad.exit_code != 0 and "nope" in bad.output

import pytest

import kanerva as kv
from kanerva.apps.analogy import analogy, dollar_of_mexico

# moved here from tests/vsa/test_smoke.py
@pytest.mark.parametrize("model", sorted(kv.MODELS))
@pytest.mark.parametrize("with_capital", [False, True])
def test_dollar_of_mexico_answers_peso(model, with_capital):
    symbol, sim = dollar_of_mexico(kv.MODELS[model](kv.MODELS[model].round_dim(10_000), seed=7), with_capital=with_capital)
    assert symbol == "peso"
    # SBC: a record of three keeps about a third of each binding per block, the mapping a ninth
    assert sim > (0.1 if model == "sbc" and with_capital else 0.15)


@pytest.mark.parametrize("model", sorted(kv.MODELS))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_filler_maps_to_the_filler_of_the_same_role(model, seed):
    space = kv.MODELS[model](kv.MODELS[model].round_dim(10_000), seed=seed)
    france = {"name": "france", "money": "euro", "capital": "paris"}
    japan = {"name": "japan", "money": "yen", "capital": "tokyo"}
    for role in france:
        assert analogy(space, france, japan, france[role])[0] == japan[role]
        assert analogy(space, japan, france, japan[role])[0] == france[role]


def test_unknown_query_is_a_clear_error():
    with pytest.raises(KeyError, match="'yen' is not in the codebook"):
        analogy(kv.MAP(1_000), {"money": "dollar"}, {"money": "peso"}, "yen")

import kanerva as kv
from kanerva.apps.analogy import dollar_of_mexico
import pytest


@pytest.mark.parametrize("model", ["bsc", "map", "hrr", "fhrr"])
@pytest.mark.parametrize("with_capital", [False, True])
def test_dollar_of_mexico_answers_peso(model, with_capital):
    symbol, sim = dollar_of_mexico(kv.MODELS[model](10_000, seed=7), with_capital=with_capital)
    assert symbol == "peso"
    assert sim > 0.15

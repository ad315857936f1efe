import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kanerva as kv
from kanerva.structures import HashTable, Record, UnknownSymbolError

SPACES = {name: model(model.round_dim(8_192), seed=11) for name, model in kv.MODELS.items()}


@pytest.fixture
def countries(space):
    return kv.Codebook(space, [f"country{i}" for i in range(40)])


@pytest.fixture
def capitals(space):
    return kv.Codebook(space, [f"capital{i}" for i in range(40)])


def test_table_reads_every_value(countries, capitals):
    rng = np.random.default_rng(0)
    truth = {f"country{i}": f"capital{j}" for i, j in enumerate(rng.permutation(40)[:30])}
    table = HashTable(countries, capitals, truth)
    assert {k: table[k] for k in truth} == truth
    assert all(k in table for k in truth)
    assert not any(f"country{i}" in table for i in range(30, 40))
    assert table.get("country35") is None and table.get("country35", "?") == "?"
    assert len(table) == 30
    (best, sim), (second, sim2) = table.lookup("country0", top=2)
    assert best == truth["country0"] and sim > 2 * abs(sim2)


def test_table_replace_and_remove(countries, capitals):
    table = HashTable(countries, capitals, [("country1", "capital1"), ("country2", "capital2")])
    table["country1"] = "capital9"
    assert table["country1"] == "capital9" and len(table) == 2
    del table["country2"]
    assert "country2" not in table and len(table) == 1
    rebuilt = HashTable(countries, capitals, {"country1": "capital9"})
    np.testing.assert_allclose(table.acc, rebuilt.acc, rtol=1e-5, atol=1e-6)
    with pytest.raises(KeyError, match="no value stored under 'country2'"):
        table["country2"]


def test_one_codebook_for_keys_and_values(countries):
    table = HashTable(countries, items={"country1": "country2", "country2": "country1"})
    assert table["country1"] == "country2" and table["country2"] == "country1"


@pytest.fixture
def person(space):
    return (kv.Codebook(space, ["name", "date", "age"]),
            kv.Codebook(space, ["alice", "bob", "may", "june", "30", "31", "42"]))


def test_record_read_and_substitute(person):
    roles, fillers = person
    h = Record(roles, fillers, {"name": "alice", "date": "may", "age": "30"})
    assert [h.read(r) for r in ("name", "date", "age")] == ["alice", "may", "30"]
    h2 = h.substitute("age", "42")
    assert h2.fields() == {"name": "alice", "date": "may", "age": "42"}
    assert h.fields() == {"name": "alice", "date": "may", "age": "30"}  # the original is kept
    # H' = H - AGE (x) 30 + AGE (x) 42 is exactly the record built with the new value
    np.testing.assert_allclose(h2.acc, Record(roles, fillers, {"name": "alice", "date": "may", "age": "42"}).acc, rtol=1e-5, atol=1e-6)


def test_record_with_a_missing_field(person):
    roles, fillers = person
    h = Record(roles, fillers, {"name": "bob"})
    assert h.fields() == {"name": "bob"}
    with pytest.raises(KeyError, match="'age'"):
        h.read("age")
    assert h.substitute("age", "31").fields() == {"name": "bob", "age": "31"}


@settings(max_examples=12)
@given(st.sampled_from(sorted(SPACES)),
       st.dictionaries(st.integers(0, 39), st.integers(0, 39), min_size=1, max_size=25))
def test_any_table_is_recovered(model, mapping):
    s = SPACES[model]
    keys, values = kv.Codebook(s, [f"k{i}" for i in range(40)]), kv.Codebook(s, [f"v{i}" for i in range(40)])
    truth = {f"k{k}": f"v{v}" for k, v in mapping.items()}
    table = HashTable(keys, values, truth)
    read = {f"k{i}": table.get(f"k{i}") for i in range(40)}
    assert {k: v for k, v in read.items() if v is not None} == truth


def test_bad_input(space, countries, capitals, other_spaces):
    table = HashTable(countries, capitals)
    assert table.get("country1") is None and "country1" not in table
    with pytest.raises(UnknownSymbolError, match="key 'atlantis'"):
        table.get("atlantis")
    with pytest.raises(UnknownSymbolError, match="value 'atlantis'"):
        table.put("country1", "atlantis")
    with pytest.raises(ValueError, match=r"\(key, value\) pairs"):
        table.update(["country1"])
    with pytest.raises(ValueError, match="empty"):
        table.scores("country1")
    for other in other_spaces:
        with pytest.raises(ValueError, match="different spaces"):
            HashTable(countries, kv.Codebook(other, ["capital1"]))
        with pytest.raises((TypeError, ValueError), match="another (model|dimension)"):
            table.put(other.random(), "capital1")
    with pytest.raises(TypeError, match="values must be a kanerva.Codebook"):
        HashTable(countries, ["capital1"])

"""`kanerva search flyhash-map`."""

import json

from click.testing import CliRunner

from kanerva.cli.main import main


def test_flyhash_map_json_and_plot(tmp_path):
    plot = tmp_path / "curve.png"
    r = CliRunner().invoke(main, ["search", "flyhash-map", "--k", "4,16", "--cells", "1000", "--queries", "60",
                                  "--json", "--plot", str(plot)])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["k"] == [4, 16]
    assert set(out["map"]) == {"flyhash", "simhash", "flyhash_package"}
    assert len(out["map"]["flyhash"]) == 2 and out["map"]["flyhash"][1] > out["map"]["simhash"][1]
    assert out["map"]["flyhash_package"] is None or len(out["map"]["flyhash_package"]) == 2
    assert plot.stat().st_size > 1000


def test_flyhash_map_text_and_bad_k():
    r = CliRunner().invoke(main, ["search", "flyhash-map", "--k", "8", "--cells", "500", "--queries", "30", "--no-package"])
    assert r.exit_code == 0 and "flyhash" in r.output and "not requested" in r.output
    r = CliRunner().invoke(main, ["search", "flyhash-map", "--k", "a,b"])
    assert r.exit_code != 0 and "comma-separated integers" in r.output


def test_flyhash_map_without_the_package_says_so(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "flyhash", None)  # import flyhash -> ImportError
    r = CliRunner().invoke(main, ["search", "flyhash-map", "--k", "4", "--cells", "300", "--queries", "20", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["map"]["flyhash_package"] is None
    assert any("not importable" in note for note in out["notes"])

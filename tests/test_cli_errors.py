"""The command line never shows a traceback, and --json mode reports errors as JSON on stderr."""

import json
import os

import pytest
from click.testing import CliRunner

from kanerva.cli.main import main


def run(args, **kw):
    return CliRunner().invoke(main, args, **kw)  # click >= 8.2: result.stderr apart, result.output both


@pytest.mark.parametrize("args, kind, code, text", [
    (["search", "flyhash-map", "--k", "0", "--json"], "usage", 2, "positive integers"),
    (["memory", "capacity", "hopfield", "--seed", "-1", "--json"], "usage", 2, "--seed"),
    (["langid", "evaluate", "{tmp}/missing.kanerva", "{tmp}", "--json"], "file", 1, "no such file"),
    (["langid", "predict", "{tmp}/junk.kanerva", "hello", "--json"], "file", 1, "not a kanerva file"),
])
def test_json_mode_reports_errors_as_json_on_stderr(tmp_path, args, kind, code, text):
    (tmp_path / "junk.kanerva").write_bytes(b"not a model")
    r = run([a.format(tmp=tmp_path) for a in args])
    assert r.exit_code == code
    payload = json.loads(r.stderr.strip().splitlines()[-1])  # alone on stderr
    assert r.stdout == ""
    assert payload["kind"] == kind and text in payload["error"]
    assert "Traceback" not in r.output


def test_without_json_errors_are_one_line_of_text(tmp_path):
    r = run(["langid", "evaluate", str(tmp_path / "missing.kanerva"), str(tmp_path)])
    assert r.exit_code == 1 and "Error:" in r.output and "Traceback" not in r.output and "{" not in r.output


def test_special_files_are_refused_as_outputs(tmp_path):
    fifo = tmp_path / "fifo.png"
    os.mkfifo(fifo)
    r = run(["memory", "capacity", "dam", "--plot", str(fifo)])
    assert r.exit_code == 2 and "not a regular file" in r.output
    r = run(["langid", "train", str(tmp_path), "-o", "/dev/null"])
    assert r.exit_code == 2 and "not a regular file" in r.output


def test_tour_dimension_is_bounded():
    r = run(["tour", "--dim", "1000000000000"])
    assert r.exit_code == 2 and "--dim" in r.output and "Traceback" not in r.output


def test_predict_refuses_utf16_on_stdin(tmp_path):
    from kanerva.apps.langid.model import save_model, train_texts

    clf = train_texts(["the cat is on the mat", "le chat est sur le tapis"], ["en", "fr"], dim=512, epochs=0, min_count=1)
    save_model(clf, tmp_path / "m.kanerva")
    r = run(["langid", "predict", str(tmp_path / "m.kanerva")], input="the dog\n".encode("utf-16"))
    assert r.exit_code == 1 and "UTF-16" in r.output
    r = run(["langid", "predict", str(tmp_path / "m.kanerva")], input=b"the dog\nle chien\n")
    assert r.exit_code == 0 and r.output.split()[0] == "en"

"""`kanerva machine` and `kanerva fastweights`: tiny runs end to end, errors without tracebacks."""

import json

import pytest
from click.testing import CliRunner

from kanerva.cli.main import main
from kanerva.io import save


def _run(*args):
    result = CliRunner().invoke(main, list(map(str, args)))
    return result


@pytest.fixture(scope="module")
def km_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "km.kanerva"
    out = _run("machine", "train", "--model", "km", "--steps", "3", "--episode", "8", "--batch", "2", "--latent", "4",
               "--hidden", "16", "--memory-rows", "4", "--threads", "1", "-o", path)
    assert out.exit_code == 0, out.output
    assert "wrote" in out.output
    return path


def test_evaluate_prints_json_with_the_promised_keys(km_file):
    out = _run("machine", "evaluate", km_file, "--json")
    assert out.exit_code == 0, out.output
    report = json.loads(out.output.strip().splitlines()[-1])
    assert {"nll_nats", "model", "episode", "n"} <= set(report)
    assert report["model"] == "km" and report["episode"] == 8 and report["n"] == 1992
    assert report["nll_nats"] <= report["nll_episode_nats"]


def test_denoise_and_sample_draw_pngs(km_file, tmp_path):
    out = _run("machine", "denoise", km_file, "--noise", "occlude", "--iterations", "2", "--episodes", "1",
               "--plot", tmp_path / "d.png", "--json")
    assert out.exit_code == 0, out.output
    curve = json.loads(out.output.strip().splitlines()[-1])
    assert curve["iterations"] == [0, 1, 2] and len(curve["bit_error"]) == 3
    assert (tmp_path / "d.png").stat().st_size > 1000
    out = _run("machine", "sample", km_file, "--n", "8", "--plot", tmp_path / "s.png")
    assert out.exit_code == 0, out.output
    assert (tmp_path / "s.png").stat().st_size > 1000


def test_vae_trains_and_samples(tmp_path):
    path = tmp_path / "vae.kanerva"
    assert _run("machine", "train", "--model", "vae", "--steps", "2", "--episode", "4", "--latent", "4", "--hidden",
                "8", "-o", path).exit_code == 0
    out = _run("machine", "sample", path, "--plot", tmp_path / "v.png")
    assert out.exit_code == 0 and "wrote 16 samples" in out.output
    out = _run("machine", "denoise", path, "--noise", "blocks")
    assert out.exit_code == 1 and "expected a kanerva.nn model of kind km / dkm" in out.output


def test_model_file_errors_are_named(tmp_path):
    save(tmp_path / "other.kanerva", "langid-model", 1, {}, {})
    out = _run("machine", "evaluate", tmp_path / "other.kanerva")
    assert out.exit_code == 1 and "holds a 'langid-model'" in out.output
    (tmp_path / "bad.kanerva").write_bytes(b"\x00" * 64)
    out = _run("machine", "evaluate", tmp_path / "bad.kanerva")
    assert out.exit_code == 1 and "not a kanerva file" in out.output
    out = _run("machine", "evaluate", tmp_path / "missing.kanerva")
    assert out.exit_code == 1 and "no such file" in out.output
    assert "Traceback" not in out.output


def test_an_episode_longer_than_the_data_is_named(km_file):
    out = _run("machine", "evaluate", km_file, "--episode", "5000")
    assert out.exit_code == 1 and "longer than the data (1996 images)" in out.output


def test_bad_options_are_usage_errors(tmp_path):
    out = _run("machine", "train", "--model", "xyz", "-o", tmp_path / "x")
    assert out.exit_code == 2 and "xyz" in out.output
    out = _run("machine", "train", "--model", "km", "--episode", "0", "-o", tmp_path / "x")
    assert out.exit_code == 2
    out = _run("machine", "train", "--model", "km", "-o", tmp_path / "no" / "dir" / "x")
    assert out.exit_code == 2 and "does not exist" in out.output
    out = _run("machine", "train", "--model", "vae", "--objective", "reference", "-o", tmp_path / "x")
    assert out.exit_code == 2 and "needs a memory" in out.output and not (tmp_path / "x").exists()


def test_the_reference_objective_trains_and_is_kept_in_the_file(tmp_path):
    path = tmp_path / "ref.kanerva"
    out = _run("machine", "train", "--model", "dkm", "--objective", "reference", "--steps", "2", "--episode", "4",
               "--batch", "1", "--latent", "4", "--hidden", "16", "--memory-rows", "4", "--threads", "1", "-o", path)
    assert out.exit_code == 0 and "training objective" in out.output, out.output
    report = json.loads(_run("machine", "evaluate", path, "--json").output.strip().splitlines()[-1])
    assert report["model"] == "dkm" and report["objective"] == "reference"


def test_fastweights_train_reports_test_error(tmp_path):
    out = _run("fastweights", "train", "--hidden", "8", "--model", "irnn", "--steps", "3", "--eval-every", "3",
               "--threads", "1", "--json", "-o", tmp_path / "irnn.kanerva")
    assert out.exit_code == 0, out.output
    report = json.loads(out.output.strip().splitlines()[-1])
    assert 0.0 <= report["test_error"] <= 1.0 and report["model"] == "irnn" and report["hidden"] == 8
    assert (tmp_path / "irnn.kanerva").exists()


def test_missing_fashion_mnist_names_the_fetch_command(tmp_path, monkeypatch):
    import kanerva.datasets.digits as digits

    monkeypatch.setenv("KANERVA_DATA", str(tmp_path))
    monkeypatch.setattr(digits, "_FASHION_SYSTEM", tmp_path / "nowhere")
    out = _run("machine", "train", "--model", "vae", "--data", "fashion", "--steps", "1", "-o", tmp_path / "x")
    assert out.exit_code == 1 and "make fashion-mnist" in out.output
    assert not (tmp_path / "x").exists()

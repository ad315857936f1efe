"""The `kanerva continual` command, files through kanerva.io, runs over seeds, life without torch."""

import json
import os
import subprocess
import sys

import pytest
import torch
from click.testing import CliRunner

from kanerva.cli.main import main
from kanerva.continual import load_model, load_result, make_learner, run_experiment, save_model, split_mnist
from kanerva.io import ModelFileError

torch.set_num_threads(1)
QUICK = ["--seeds", "1", "--iterations", "15", "--batch-size", "32", "--max-per-task", "80", "--hidden", "32",
         "--quiet"]


def cli(*args):
    return CliRunner().invoke(main, ["continual", *args])


def test_run_prints_json_with_the_promised_keys(tmp_path):
    png = tmp_path / "acc.png"
    res = cli("run", "--method", "exact-replay", "--scenario", "class", *QUICK, "--json", "--plot", str(png))
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert {"accuracy", "per_task", "method", "scenario", "seconds", "sem", "memory_bytes"} <= set(out)
    assert out["method"] == "exact-replay" and out["scenario"] == "class" and len(out["per_task"]) == 5
    assert abs(out["accuracy"] - sum(out["per_task"]) / 5) < 1e-9
    assert png.stat().st_size > 1000


def test_compare_prints_a_row_per_method():
    res = cli("compare", "--methods", "none,si", "--scenario", "domain", *QUICK)
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0].startswith("split-mnist, domain-incremental") and lines[1].startswith("none")
    assert lines[2].startswith("si") and "per task:" in lines[2]


@pytest.mark.parametrize("args, message", [
    (["run", "--method", "dgr2"], "unknown method 'dgr2'"),
    (["run", "--method", "xdg", "--scenario", "class"], "XdG gates hidden units by task identity"),
    (["run", "--method", "none", "--scenario", "klass"], "'klass' is not one of 'task', 'domain', 'class'"),
    (["compare", "--methods", "none,foo"], "unknown method 'foo'"),
    (["run", "--method", "none", "--iterations", "0"], "0 is not in the range x>=1"),
])
def test_bad_input_is_a_clear_error(args, message):
    res = cli(*args)
    assert res.exit_code != 0 and message in res.output, res.output
    assert "Traceback" not in res.output


def test_methods_lists_every_method_with_its_scenarios():
    res = cli("methods")
    assert res.exit_code == 0
    rows = {line.split()[0]: line.split()[1] for line in res.output.splitlines()}
    assert rows["xdg"] == "task" and rows["bi-r"] == "task,domain,class" and len(rows) == 13


def test_model_and_result_files_round_trip(tmp_path):
    seq = split_mnist("task", n_tasks=2, max_per_task=50)
    torch.manual_seed(0)
    learner = make_learner("dgr", seq, hidden=(16,), z_dim=4)
    learner.fit(seq, iterations=5, batch_size=16)
    save_model(learner, tmp_path / "m.kanerva", method="dgr", sequence=seq, options={"z_dim": 4})
    back = load_model(tmp_path / "m.kanerva")
    assert back.evaluate(seq) == learner.evaluate(seq)
    assert torch.equal(back.generator_vae.to_x.weight, learner.generator_vae.to_x.weight)
    (tmp_path / "bad.kanerva").write_bytes(b"\x00" * 64)
    with pytest.raises(ModelFileError):
        load_model(tmp_path / "bad.kanerva")
    r = run_experiment("split-mnist", "task", "none", seeds=2, iterations=5, batch_size=16, hidden=(8,),
                       max_per_task=40, progress=False)
    r.save(tmp_path / "r.kanerva")
    assert load_result(tmp_path / "r.kanerva").to_json() == r.to_json()
    with pytest.raises(ModelFileError, match="holds a 'continual-result'"):
        load_model(tmp_path / "r.kanerva")


def test_seeds_repeat_and_the_standard_error_is_over_seeds():
    kw = dict(iterations=10, batch_size=16, hidden=(8,), max_per_task=40, progress=False)
    a = run_experiment("split-mnist", "class", "si", seeds=[3], **kw)
    b = run_experiment("split-mnist", "class", "si", seeds=[3], **kw)
    assert a.per_task == b.per_task
    two = run_experiment("split-mnist", "class", "none", seeds=[0, 1], **kw)
    x, y = two.per_seed
    assert two.sem == pytest.approx(abs(x - y) / 2) and two.accuracy == pytest.approx((x + y) / 2)
    with pytest.raises(ValueError, match="iterations must be an integer >= 1"):
        run_experiment("split-mnist", "class", "none", seeds=1, iterations=0, progress=False)


def test_without_torch_kanerva_imports_and_continual_names_the_install_command():
    code = ("import sys; sys.modules['torch'] = None\n"
            "import kanerva, kanerva.memory, kanerva.cli.main\n"
            "try:\n    import kanerva.continual\nexcept ImportError as e:\n    print('ERR', e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ},
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert "ERR kanerva.continual needs PyTorch: pip install 'kanerva[torch]'" in out.stdout


def test_kanerva_machine_replay_round_trips_through_a_model_file(tmp_path):
    seq = split_mnist("class", n_tasks=2, max_per_task=40)
    torch.manual_seed(0)
    options = {"latent": 8, "km_hidden": 16, "memory_rows": 8, "episode": 8}
    learner = make_learner("km-replay", seq, hidden=(16,), **options)
    learner.fit(seq, iterations=5, batch_size=16)
    save_model(learner, tmp_path / "km.kanerva", method="km-replay", sequence=seq, options=options)
    back = load_model(tmp_path / "km.kanerva")
    assert back.evaluate(seq) == learner.evaluate(seq)
    assert torch.equal(back.generator_km.keys, learner.generator_km.keys)

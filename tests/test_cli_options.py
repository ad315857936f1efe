"""Bad values of the shared options are usage errors that name the option, before any work."""

import pytest
from click.testing import CliRunner

from kanerva.cli.main import main


@pytest.mark.parametrize("args, option", [
    (["memory", "capacity", "sdm", "--seed", "-3"], "--seed"),
    (["search", "flyhash-map", "--seed", "-1"], "--seed"),
    (["langid", "train", ".", "-o", "m.kanerva", "--seed", "-1"], "--seed"),
    (["memory", "capacity", "dam", "--plot", "{missing}/x.png"], "--plot"),
    (["search", "flyhash-map", "--plot", "{missing}/x.png"], "--plot"),
    (["langid", "train", ".", "-o", "{missing}/m.kanerva"], "--output"),
    (["langid", "plot", "m.kanerva", "-o", "{missing}/g.png"], "--output"),
])
def test_bad_seed_or_output_path_is_a_usage_error(tmp_path, args, option):
    args = [a.format(missing=tmp_path / "no-such-dir") for a in args]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2, r.output  # click's usage error, raised while parsing
    assert option in r.output and "Traceback" not in r.output
    if "no-such-dir" in " ".join(args):
        assert "does not exist" in r.output

"""Without torch: `import kanerva` and the rest work; kanerva.nn and its commands say how to install it."""

import subprocess
import sys

BLOCK = "import sys; sys.modules['torch'] = None\n"


def _run(code):
    return subprocess.run([sys.executable, "-c", BLOCK + code], capture_output=True, text=True, timeout=120)


def test_kanerva_imports_without_torch():
    out = _run("import kanerva, kanerva.datasets, kanerva.memory, kanerva.cli.main; print('ok')")
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_kanerva_nn_names_the_install_command():
    out = _run("import kanerva.nn")
    assert out.returncode == 1
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: kanerva.nn needs PyTorch")
    assert "pip install 'kanerva[torch]'" in last and "torch==2.13.0" in last
    assert out.stderr.count("Traceback") == 1 and "During handling" not in out.stderr


def test_the_commands_say_so_too():
    code = ("from kanerva.cli.main import main\n"
            "main(['machine', 'train', '--model', 'km', '-o', '/tmp/never-written.kanerva'])")
    out = _run(code)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "kanerva.nn needs PyTorch" in out.stderr and "pip install 'kanerva[torch]'" in out.stderr
    helped = _run("from kanerva.cli.main import main\nmain(['machine', '--help'])")
    assert helped.returncode == 0 and "train" in helped.stdout

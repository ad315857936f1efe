"""The shape of the house, checked: private names stay in their package, layers import downwards.

Every module under ``src/kanerva`` is parsed (``ast``, nothing imported) and every import in it,
at module level or inside a function, is resolved (relative imports included):

* a private name (a module or attribute starting with ``_``, not a dunder) is visible only within
  the package that defines it and that package's subpackages (Python's rule): ``kanerva._kernels``
  and ``kanerva._checks`` belong to the root package and serve everyone, ``kanerva.vsa._x`` would
  be for ``kanerva.vsa`` only;
* the layers of ARCHITECTURE.md import only from the layers listed above them: ``_kernels``
  imports nothing from kanerva, nothing imports ``cli``, only ``cli`` imports ``apps``;
* code above ``kanerva.vsa`` never compares anything with a model's name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import kanerva as kv

SRC = Path(kv.__file__).resolve().parent.parent
LAYERS = ["_kernels", "_checks", "_plotting", "io", "parallel", "datasets", "vsa", "encoders", "index", "structures",
          "memory", "learn", "assemblies", "neuro", "nn", "continual", "apps", "cli"]
"""ARCHITECTURE.md's layers, top first: each imports only from those before it (and itself)."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_package(dotted: str) -> bool:
    return (SRC.joinpath(*dotted.split(".")) / "__init__.py").is_file()


MODULES = {module_name(p): p for p in sorted((SRC / "kanerva").rglob("*.py"))}


def imports(name: str, path: Path) -> list[tuple[int, str]]:
    """(line, dotted target) of every kanerva import in a module: ``from a import b`` gives ``a.b``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            out += [(node.lineno, f"{source}.{alias.name}" if alias.name != "*" else source) for alias in node.names]
    return [(line, target) for line, target in out if target == "kanerva" or target.startswith("kanerva.")]


def is_private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def private_owner(target: str) -> str | None:
    """The package within which ``target`` may be imported, if it passes through a private name
    (the innermost such package), else None."""
    parts = target.split(".")
    owner = None
    for i in range(1, len(parts)):
        if is_private(parts[i]):
            where = ".".join(parts[:i])
            owner = where if is_package(where) else where.rpartition(".")[0]
    return owner


def layer(dotted: str) -> str | None:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else None


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_walk_sees_the_tree():
    assert "kanerva._kernels.bits" in MODULES and "kanerva.learn.ngram_classifier" in MODULES
    targets = {t for _, t in imports("kanerva.memory.hopfield", MODULES["kanerva.memory.hopfield"])}
    assert "kanerva._kernels.hopfield.hebb_step" in targets and "kanerva.memory._base.AssociativeMemory" in targets
    assert private_owner("kanerva.vsa._keys.mix") == "kanerva.vsa"
    assert private_owner("kanerva._kernels.sdm._sat_add") == "kanerva._kernels"  # a module's private name
    assert private_owner("kanerva._kernels.bits.pack") == "kanerva" and private_owner("kanerva.io.save") is None


def test_no_module_imports_another_packages_private_name():
    bad = []
    for name, path in MODULES.items():
        for line, target in imports(name, path):
            owner = private_owner(target)
            if owner is not None and not within(name, owner):
                bad.append(f"{path.relative_to(SRC)}:{line}: {target} is private to {owner}")
    assert not bad, "\n".join(bad)


def test_every_package_is_a_known_layer():
    unknown = {layer(name) for name in MODULES if layer(name) is not None} - set(LAYERS)
    assert not unknown, f"packages missing from the layer list (ARCHITECTURE.md): {sorted(unknown)}"


def test_layers_import_only_from_the_layers_above():
    bad = []
    for name, path in MODULES.items():
        mine = layer(name)
        if mine is None:  # the root package's __init__ gathers the public names
            continue
        for line, target in imports(name, path):
            theirs = layer(target)
            where = f"{path.relative_to(SRC)}:{line}: {mine} imports {target}"
            if theirs == mine:
                continue
            if theirs is None or theirs not in LAYERS:  # the root package: only its dunders
                if not (theirs or "").startswith("__"):
                    bad.append(f"{where} (the root package: import the layer that defines it)")
            elif mine == "_kernels":
                bad.append(f"{where} (kernels import nothing from kanerva)")
            elif theirs == "cli":
                bad.append(f"{where} (nothing imports the command line)")
            elif theirs == "apps" and mine != "cli":
                bad.append(f"{where} (only the command line imports the apps)")
            elif LAYERS.index(theirs) > LAYERS.index(mine):
                bad.append(f"{where} (a layer below it)")
    assert not bad, "\n".join(bad)


MODEL_NAMES = set(kv.MODELS)


def strings(node) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return set().union(*(strings(e) for e in node.elts)) if node.elts else set()
    return set()


@pytest.mark.parametrize("above", [p for p in LAYERS if LAYERS.index(p) > LAYERS.index("vsa")])
def test_code_above_vsa_never_switches_on_a_model_name(above):
    bad = []
    for name, path in MODULES.items():
        if layer(name) != above:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare):
                names = set().union(*(strings(n) for n in [node.left, *node.comparators])) & MODEL_NAMES
                if names:
                    bad.append(f"{path.relative_to(SRC)}:{node.lineno}: compares with {sorted(names)}")
    assert not bad, "\n".join(bad)

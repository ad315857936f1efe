"""Generate the API reference pages from the package itself, at every build.

One page per public module of ``kanerva`` (no path component with a leading underscore), found
by walking the package, so new modules appear without editing the docs. Each object is
documented once, at its *canonical* name: the shallowest public module below the root that
exports it (``__all__``) or defines it, the root ``kanerva`` last (``kanerva.BSC`` is documented
as :class:`kanerva.vsa.BSC`). Other modules that export it list it with a link to that page.

The pages go to ``docs/api/`` (``kanerva*.rst``, ignored by git) and the autosummary stubs of
the objects to ``docs/api/generated/``; both are rewritten only when their text changes, and
stale ones are removed, so an incremental build stays incremental.

A ``missing-reference`` handler resolves what autodoc and the docstrings refer to:

- a kanerva object under any of its names (``kanerva.memory._base.ReadInfo``, a bare
  ``ExactIndex`` in a submodule's docstring) links to its canonical page;
- an object that imports but has no page here (numpy, scipy, the standard library, a private
  kanerva helper) is shown as plain code: the docs build offline, without intersphinx;
- anything else -- a name that does not exist -- stays a warning, which ``-W`` makes an error.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import shutil
import types
from pathlib import Path

from sphinx.ext.autodoc.mock import mock
from sphinx.util import logging

logger = logging.getLogger(__name__)

ROOT = "kanerva"
ALIASES = {"np": "numpy", "npt": "numpy.typing", "kv": "kanerva"}
_SCALARS = (int, float, complex, str, bytes, bool, tuple, frozenset, type(None))


def _public(name: str) -> bool:
    return not any(part.startswith("_") for part in name.split("."))


def public_modules(mock_imports=()) -> dict[str, types.ModuleType]:
    """Every public module of the package, by name, the package itself first."""
    with mock(list(mock_imports)):
        root = importlib.import_module(ROOT)
        modules = {ROOT: root}
        for info in pkgutil.walk_packages(root.__path__, ROOT + ".", onerror=_raise):
            if _public(info.name) and not info.name.endswith("__main__"):
                modules[info.name] = importlib.import_module(info.name)
    return modules


def _raise(name):
    raise ImportError(f"cannot import {name} while generating the API pages")


def _kind(obj) -> str:
    if inspect.isclass(obj):
        return "exception" if issubclass(obj, BaseException) else "class"
    if inspect.isroutine(obj):
        return "function"
    return "data"


def exported(module: types.ModuleType) -> list[str]:
    """The names a module offers: its ``__all__``, or the public classes and functions it defines."""
    names = getattr(module, "__all__", None)
    if names is not None:
        return [n for n in names if not n.startswith("_") and not isinstance(getattr(module, n, None), types.ModuleType)]
    return sorted(
        name for name, obj in vars(module).items()
        if not name.startswith("_") and (inspect.isclass(obj) or inspect.isfunction(obj))
        and getattr(obj, "__module__", None) == module.__name__
    )


def _key(obj):
    return ("id", id(obj)) if not isinstance(obj, _SCALARS) else None


def canonical_names(modules: dict[str, types.ModuleType]) -> dict:
    """Map each exported object (by identity) to ``module.name`` of its one documented place."""
    order = sorted(modules, key=lambda m: (m == ROOT, m.count("."), m))
    canonical = {}
    for modname in order:
        for name in exported(modules[modname]):
            key = _key(getattr(modules[modname], name))
            if key is not None and key not in canonical:
                canonical[key] = f"{modname}.{name}"
    return canonical


def _title(text: str, char: str = "=") -> str:
    return f"{text}\n{char * len(text)}\n"


SECTIONS = [("class", "Classes"), ("exception", "Exceptions"), ("function", "Functions"), ("data", "Data")]


def module_page(modname: str, module, modules: dict, canonical: dict) -> str:
    lines = [_title(modname), f".. automodule:: {modname}\n", f".. currentmodule:: {modname}\n"]
    owned, linked = {k: [] for k, _ in SECTIONS}, {k: [] for k, _ in SECTIONS}
    for name in exported(module):
        obj = getattr(module, name)
        key = _key(obj)
        target = canonical.get(key, f"{modname}.{name}") if key else f"{modname}.{name}"
        (owned if target == f"{modname}.{name}" else linked)[_kind(obj)].append((name, target))
    for kind, heading in SECTIONS:
        if owned[kind] or linked[kind]:
            lines.append(_title(heading, "-"))
        if owned[kind]:
            lines.append(".. autosummary::\n   :toctree: generated/\n   :nosignatures:\n")
            lines += [f"   {name}" for name, _ in owned[kind]]
            lines.append("")
        if linked[kind]:
            lines.append("Documented where they are defined:\n")
            lines.append(".. currentmodule:: None\n")  # full names, outside this module
            lines.append(".. autosummary::\n   :nosignatures:\n")
            lines += [f"   ~{target}" for _, target in linked[kind]]
            lines.append(f"\n.. currentmodule:: {modname}\n")
    children = sorted(m for m in modules if m.rpartition(".")[0] == modname)
    if children:
        lines.append(_title("Modules", "-"))
        lines.append(".. currentmodule:: None\n")
        lines.append(".. autosummary::\n")
        lines += [f"   {child}" for child in children]
        lines.append("\n.. toctree::\n   :hidden:\n")
        lines += [f"   {child}" for child in children]
        lines.append("")
    return "\n".join(lines) + "\n"


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def generate(app, config) -> None:
    """Write the pages (at ``config-inited``: before Sphinx lists the source files)."""
    api = Path(app.srcdir) / "api"
    modules = public_modules(config.autodoc_mock_imports)
    canonical = canonical_names(modules)
    app.kanerva_canonical = canonical
    # the class and function templates say which module defines an object documented under a
    # shorter name (its module docstring often explains the method)
    defined_in = {}
    for key, name in canonical.items():
        obj = _import_target(name)
        where = getattr(obj, "__module__", None)
        if where in modules and where != name.rpartition(".")[0]:
            defined_in[name] = where
    config.autosummary_context = {**config.autosummary_context, "kanerva_defined_in": defined_in}
    app.kanerva_modules = sorted(modules, key=lambda m: (m.count("."), m))
    pages = {f"{m}.rst": module_page(m, modules[m], modules, canonical) for m in modules}
    for old in api.glob(f"{ROOT}*.rst"):
        if old.name not in pages:
            old.unlink()
    for name, text in pages.items():
        _write_if_changed(api / name, text)
    # stubs of objects that are gone (or moved) would be pages in no toctree
    stubs = {f"{name}.rst" for name in canonical.values()}
    generated = api / "generated"
    if generated.is_dir():
        for stub in generated.glob("*.rst"):
            if stub.name not in stubs:
                stub.unlink()
    logger.info(f"[kanerva_api] {len(pages)} module pages, {len(canonical)} documented objects")


def _import_target(target: str):
    """The object a dotted name refers to, or None."""
    head, _, rest = target.partition(".")
    target = ALIASES.get(head, head) + ("." + rest if rest else "")
    parts = target.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except Exception:
            continue
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def _instance_attribute(name: str) -> bool:
    """``pkg.Class.attr`` where ``attr`` is set on instances (``self.attr = ...``), not the class."""
    owner, _, member = name.rpartition(".")
    cls = _import_target(owner) if owner else None
    if not inspect.isclass(cls):
        return False
    for klass in cls.__mro__:
        try:
            if re.search(rf"self\.{re.escape(member)}\b", inspect.getsource(klass)):
                return True
        except (OSError, TypeError):
            continue
    return False


def _candidates(app, node) -> list[str]:
    """The full names a reference may mean, most specific first."""
    target = node.get("reftarget", "").lstrip(".~")
    module, cls = node.get("py:module"), node.get("py:class")
    contexts = []
    if module and cls:
        contexts.append(f"{module}.{cls}")
        owner = _import_target(f"{module}.{cls}")
        if inspect.isclass(owner):  # documented under its canonical name: look where it is defined
            contexts.append(f"{owner.__module__}.{owner.__qualname__}")
            contexts.append(owner.__module__)
    if module:
        contexts.append(module)
        while "." in module:  # a bare name in a submodule's docstring: the package's
            module = module.rpartition(".")[0]
            contexts.append(module)
    names = [f"{c}.{target}" for c in contexts] + [target]
    names += [f"{m}.{target}" for m in getattr(app, "kanerva_modules", ())]  # a name any module offers
    return list(dict.fromkeys(names))


def _in_summary_table(node) -> bool:
    while node is not None:
        if type(node).__name__ == "autosummary_table":
            return True
        node = node.parent
    return False


def resolve(app, env, node, contnode):
    if node.get("refdomain") != "py":
        return None
    domain = env.domains["py"]
    canonical = getattr(app, "kanerva_canonical", {})
    for name in _candidates(app, node):
        obj = _import_target(name)
        if obj is None:
            if node.get("reftype") in ("attr", "obj") and _instance_attribute(name):
                return contnode
            continue
        key = _key(obj)
        known = canonical.get(key) if key else None
        if known is None and inspect.ismodule(obj) and _public(obj.__name__) and obj.__name__.startswith(ROOT):
            known = obj.__name__
        if known is None:  # a method or attribute: the owner's canonical name + the member's
            owner, _, member = name.rpartition(".")
            owner_key = _key(_import_target(owner)) if owner else None
            if owner_key in canonical:
                known = f"{canonical[owner_key]}.{member}"
        if known:
            for reftype in (node["reftype"], "obj"):
                found = domain.resolve_xref(env, node["refdoc"], app.builder, reftype, known, node, contnode)
                if found is not None:
                    return found
        return contnode  # it exists, but has no page in these docs: plain code, no link
    if _in_summary_table(node):
        # a one-line summary in a module's table, read out of its class's context; the same
        # reference is checked where the whole docstring is rendered, on the object's own page
        return contnode
    return None


def setup(app):
    app.connect("config-inited", generate)
    app.connect("missing-reference", resolve)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def clean(srcdir: Path) -> None:
    """Remove the generated pages (``make clean-docs``)."""
    api = Path(srcdir) / "api"
    for page in api.glob(f"{ROOT}*.rst"):
        page.unlink()
    shutil.rmtree(api / "generated", ignore_errors=True)

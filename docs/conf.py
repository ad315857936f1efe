"""Sphinx configuration of the kanerva documentation (``make docs``).

The build is offline: no intersphinx, no remote images, no theme assets from a CDN. Warnings are
errors (``-W --keep-going``); ``nitpicky`` makes a reference to a name that does not exist one of
them (``_ext/kanerva_api.py`` resolves the names that do exist but have no page here).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import kanerva  # noqa: E402

project = "kanerva"
author = "kanerva developers"
copyright = "kanerva developers, MIT licence"
release = version = kanerva.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "kanerva_api",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_templates", "_ext", "**/GALLERY_HEADER.rst", "auto_examples/*.ipynb",
                    "auto_examples/*.py", "auto_examples/*.zip", "auto_examples/*.json"]
templates_path = ["_templates"]
nitpicky = True
suppress_warnings = []

# --- the API reference (docs/api/, written by _ext/kanerva_api.py at every build) ---------------
autosummary_generate = True
toc_object_entries_show_parents = "hide"  # "fit()", not "NGramClassifier.fit()", in the page contents
autosummary_imported_members = False
autodoc_default_options = {"show-inheritance": True}
autodoc_member_order = "groupwise"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
# torch is needed only by kanerva.nn / kanerva.continual; without it they are documented from a mock
autodoc_mock_imports = [m for m in ("torch",) if importlib.util.find_spec(m) is None]
numpydoc_show_class_members = False  # the class template documents the members itself
numpydoc_xref_param_type = False  # parameter types are plain text (no intersphinx to link them to)
numpydoc_validation_checks: set[str] = set()

# --- the gallery: every script in examples/ is run, its output and figures captured --------------
sphinx_gallery_conf = {
    "examples_dirs": str(HERE.parent / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"\.py$",  # run every example, not only plot_*.py
    "ignore_pattern": r"__init__\.py",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "show_signature": False,
    "remove_config_comments": True,
    "plot_gallery": "True",
    "abort_on_example_error": False,  # report every failing example, then fail the build
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "capture_repr": (),
    "min_reported_time": 1,
    "write_computation_times": False,
}

# --- Markdown pages ------------------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# --- HTML ----------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"kanerva {release}"
html_static_path = ["_static"]
html_css_files = ["kanerva.css"]
html_show_sourcelink = False
html_theme_options = {
    "navbar_end": ["theme-switcher", "navbar-icon-links"],
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
    "pygments_light_style": "default",
    "pygments_dark_style": "monokai",
}
html_context = {"default_mode": "light"}
# no section sidebar where the page needs the width (benchmark tables) or has no siblings
html_sidebars = {"index": [], "getting_started": [], "changelog": [], "benchmarks/*": []}


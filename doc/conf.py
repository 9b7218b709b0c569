"""Sphinx configuration of the sklearn_sea documentation (builds offline)."""

import os
import sys
from importlib.metadata import version as _version

# Examples render figures without a display.
os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, os.path.abspath(".."))
# Local extensions: the command-line reference generated from the parser.
sys.path.insert(0, os.path.abspath("_ext"))

project = "sklearn_sea"
author = "The sklearn_sea developers"
copyright = "2026, The sklearn_sea developers"
release = _version("sklearn-sea")
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.doctest",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "cli_reference",
]

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Private base classes are not part of the documented API.
numpydoc_validation_checks = set()

templates_path = ["_templates"]
exclude_patterns = ["_build", "_ext", "auto_examples/*.ipynb", "auto_examples/*.py"]
default_role = "literal"

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "reference_url": {"sklearn_sea": None},
}

html_theme = "pydata_sphinx_theme"
html_static_path = ["_static"]
html_title = f"sklearn_sea {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    # Offline build: no version switcher or external icons to fetch.
    "icon_links": [],
}
# MathJax is loaded by the browser reading the pages, not at build time.

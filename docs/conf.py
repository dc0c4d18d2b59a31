"""Sphinx configuration of the graphbal documentation (``make docs``; no network access at build time)."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.abspath(".."))

import graphbal  # noqa: E402

project = "graphbal"
author = "the graphbal developers"
copyright = "graphbal developers, BSD-3-Clause"  # noqa: A001
version = release = graphbal.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
]
# No intersphinx: the build must not touch the network.
templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
root_doc = "index"
nitpicky = False

autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": False}
autodoc_typehints = "none"  # numpydoc's parameter sections carry the types
add_module_names = False

numpydoc_show_class_members = False  # the class template lists the members itself
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_attributes_as_param_list = True
# Validation of the docstrings themselves (numpydoc's checks): only the section-structure errors,
# which would render wrongly; style checks (summary punctuation, missing See Also, ...) are not enforced here.
numpydoc_validation_checks = {"GL06", "GL07", "PR10"}

html_theme = "alabaster"
html_static_path = []
html_theme_options = {
    "description": "Synaptic balancing of neural networks and connectomes",
    "fixed_sidebar": True,
    "page_width": "1100px",
}
html_title = f"graphbal {release}"

mathjax3_config = {"tex": {"macros": {"diag": r"\operatorname{diag}"}}}


def _check_api_coverage(app) -> None:
    """Warn (an error under -W) when a public name is missing from api.rst."""
    from sphinx.util import logging

    text = open(os.path.join(app.srcdir, "api.rst"), encoding="utf-8").read()
    listed = {line.strip() for line in text.splitlines()}
    wanted = list(graphbal.__all__)
    for sub in ("spectral", "dynamics"):  # functions and classes; module constants are optional
        mod = getattr(graphbal, sub)
        for name in mod.__all__:
            obj = getattr(mod, name)
            if callable(obj) and getattr(graphbal, name, None) is not obj:  # top-level names are listed once
                wanted.append(f"{sub}.{name}")
    wanted += ["datasets.load", "datasets.available"]
    missing = [name for name in wanted if name not in listed and f".. data:: {name}" not in listed]
    if missing:
        logging.getLogger(__name__).warning("api.rst does not document: %s", ", ".join(missing))


def setup(app) -> None:
    app.connect("builder-inited", _check_api_coverage)

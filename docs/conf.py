"""Sphinx configuration: furo, MyST, and the project's own clip and table directives."""

from __future__ import annotations

import os
from pathlib import Path

import attention
from attention_site.brand import furo_variables
from attention_site.hosting import hosting
from attention_site.site_values import substitutions
from scenes import palette

# -- Project information -------------------------------------------------------
project = "Transformer Self-Attention, Explained"
author = "The attention-explained maintainers"
copyright = "2026, the attention-explained maintainers"
release = version = attention.__version__

# -- General configuration -----------------------------------------------------
extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx_sitemap",
    "attention_site",  # the clip, citation and table directives (the package beside docs/)
]
exclude_patterns = ["_build", "**/.ipynb_checkpoints"]
nitpicky = True
nitpick_ignore_regex = [
    # numpy's and the standard library's types have no inventory offline (no intersphinx: no network)
    ("py:class", r"(np|numpy)\..*"),
    ("py:class", r"pathlib\.Path"),
    ("py:class", r"ScalingRow|Example|Phase|Cue"),
]
# -- Translations: English is the source; zh_TW (Traditional Chinese, Taiwan) from docs/locales/ --
# Build it with -D language=zh_TW (nox -s docs builds both); nox -s translations updates the catalogs.
locale_dirs = ["locales/"]
gettext_compact = False  # one catalog per page
gettext_location = False  # no line numbers in the catalogs: an edit above a message changes no .po
gettext_uuid = False
numfig = True  # "Clip %s:" and "Table %s:", in the page's language (attention_site/languages.py)

# -- Options for MyST --------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "dollarmath", "substitution", "attrs_inline"]
myst_heading_anchors = 3
myst_substitutions = substitutions()

# -- Options for autodoc -------------------------------------------------------------
autodoc_typehints = "description"
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True}

# -- Maths: MathML typeset at build time by Temml (attention_site.mathml); nothing loads from another host --

# -- Options for the clips -------------------------------------------------------------
phase_clips_quality = os.environ.get("ATTENTION_CLIP_QUALITY", "medium")
phase_clips_jobs = os.environ.get("ATTENTION_RENDER_JOBS", "")  # "": one per core; phase_clips checks it
phase_clips_cache = os.environ.get("ATTENTION_RENDER_CACHE", "")  # "": ~/.cache/attention-explained

# -- Options for citing and hosting -------------------------------------------------
# Where this version is served: <site root>/<version>/, the start of every cite link, OpenGraph
# tag and sitemap entry. ATTENTION_SITE_URL is the site root (the Pages workflow sets it; Read the
# Docs gives its own); ATTENTION_SITE_VERSION is "vX.Y.Z" or "dev" (see attention_site/versions.py).
site = hosting(os.environ, attention.__version__, Path(__file__).resolve().parents[1])
html_baseurl = site.base_url
versions_name, versions_root_url, versions_latest_url = site.name, site.root_url, site.latest_url
versions_json = site.versions_json
del site
sitemap_url_scheme = "{link}"
# sphinxext-opengraph (attention_site loads it): no generated cards; a clip's page shows its poster.
ogp_social_cards = {"enable": False}

# -- Options for HTML output -----------------------------------------------------------
html_theme = "furo"
html_title = "Self-attention, explained"
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"  # a small heatmap; also spares browsers a /favicon.ico 404
html_css_files = ["site.css"]
html_copy_source = False
html_show_sourcelink = False
# Brand colours come from the clips' palette (made readable on each theme), so pages and clips agree.
light_brand, dark_brand = furo_variables(palette.BRAND_PRIMARY)
html_theme_options = {"light_css_variables": light_brand, "dark_css_variables": dark_brand}

"""The site's Sphinx machinery, one extension: ``extensions = [..., "attention_site"]`` in ``conf.py``.

- :mod:`~attention_site.phase_clips`: the ``phase-clip``, ``full-video`` and ``phase-table``
  directives; renders the clips (or takes them from the cache) and publishes them;
- :mod:`~attention_site.clip_citation`: the "Cite this clip" blocks, ``clips.json`` and
  OpenGraph tags;
- :mod:`~attention_site.example_tables`: the ``example-matrix`` and ``scaling-table`` directives;
- :mod:`~attention_site.a11y`: accessibility repairs to the theme's HTML;
- :mod:`~attention_site.brand` and :mod:`~attention_site.site_values`: brand colours and the
  prose's substitutions, read by ``conf.py``;
- :mod:`~attention_site.state`: what pages and build steps share.

Modules import one way (``phase_clips`` -> ``clip_citation`` -> ``state``, ``clip_paths``,
``node_helpers``); only :func:`setup` connects them to Sphinx.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from sphinx.application import Sphinx

import attention

from . import a11y, clip_citation, example_tables, phase_clips
from .node_helpers import (
    depart_download_link_html,
    depart_labelled_section_html,
    download_link,
    html_only,
    labelled_section,
    visit_download_link_html,
    visit_labelled_section_html,
)
from .state import ClipPages, SiteBuild

STATIC = Path(__file__).with_name("static")  #: the CSS and JS every page loads


def add_static_path(app: Sphinx) -> None:
    app.config.html_static_path.append(str(STATIC))


def setup(app: Sphinx) -> dict:
    """Register the directives, nodes, settings and build hooks of the whole site."""
    build = SiteBuild()
    app.add_config_value("phase_clips_quality", "medium", "env", [str])
    app.add_config_value("phase_clips_jobs", 0, "", [int])
    app.add_config_value("phase_clips_cache", "", "", [str])
    app.add_config_value("phase_clips_fast", False, "env", [bool])
    # "" finds the date once per build; a new date rewrites every page (no re-reading).
    app.add_config_value("clip_citation_date", "", "html", [str])
    app.add_domain(ClipPages)

    # -- Clips: directives, their nodes, rendering after the sources are read --
    app.connect("config-inited", phase_clips.note_fast_tag)
    app.add_node(phase_clips.video_node, **html_only(phase_clips.visit_video_html))
    app.add_node(phase_clips.seek_list_node, **html_only(phase_clips.visit_seek_list_html))
    app.add_directive("phase-clip", phase_clips.PhaseClip)
    app.add_directive("full-video", phase_clips.FullVideo)
    app.add_directive("phase-table", phase_clips.PhaseTable)
    app.connect("env-updated", partial(phase_clips.render_and_publish, build=build))

    # -- Citing: cite blocks, clips.json, OpenGraph tags --
    app.connect("config-inited", clip_citation.note_release_date)
    app.add_node(clip_citation.cite_node)  # replaced before any writer sees it
    app.connect("doctree-read", clip_citation.move_cite_blocks_to_the_end)
    app.connect("doctree-resolved", clip_citation.write_cite_blocks)
    app.connect("html-page-context", clip_citation.add_open_graph)
    app.connect("build-finished", partial(clip_citation.write_manifest, build=build))

    # -- Tables of the worked example --
    app.add_directive("example-matrix", example_tables.ExampleMatrix)
    app.add_directive("scaling-table", example_tables.ScalingTable)

    # -- Accessibility repairs, after furo builds its navigation --
    app.connect("html-page-context", a11y.repair_page, priority=900)

    # -- Nodes that other builders write as their parent class (Sphinx looks visitors up by MRO) --
    app.add_node(labelled_section, html=(visit_labelled_section_html, depart_labelled_section_html))
    app.add_node(download_link, html=(visit_download_link_html, depart_download_link_html))

    app.connect("builder-inited", add_static_path)
    app.add_js_file("phase-clips.js", loading_method="defer")
    app.add_css_file("phase-clips.css")
    return {
        "version": attention.__version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 2,
    }

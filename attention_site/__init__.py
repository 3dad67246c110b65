"""The site's Sphinx machinery, one extension: ``extensions = [..., "attention_site"]`` in ``conf.py``.

- :mod:`~attention_site.phase_clips`: the ``phase-clip``, ``full-video`` and ``phase-table``
  directives; renders the clips (or takes them from the cache) and publishes them;
- :mod:`~attention_site.clip_citation`: the "Cite this clip" blocks, ``clips.json`` and each
  clip's OpenGraph metadata (sphinxext-opengraph writes the tags);
- :mod:`~attention_site.page_description`: each page's meta description, from its lead or its clip;
- :mod:`~attention_site.example_tables`: the ``example-matrix`` and ``scaling-table`` directives;
- :mod:`~attention_site.explorer`: the ``temperature-explorer`` and ``width-explorer`` directives;
- :mod:`~attention_site.build_hygiene`: sitemap's process ends with the build;
- :mod:`~attention_site.one_stylesheet`: each page links one stylesheet, the theme's and the site's joined;
- :mod:`~attention_site.mathml`: the maths as MathML, typeset at build time by Temml, drawn in
  Latin Modern Math cut to the site's formulas (:mod:`~attention_site.math_font`);
  :mod:`~attention_site.translated_maths` lets a translation change a display formula;
  :mod:`~attention_site.values_in_maths` puts the example's numbers inside formulas;
- :mod:`~attention_site.versions`: the version menu, and the version and addresses each page is built for
  (:mod:`~attention_site.hosting`, :mod:`~attention_site.versions_json`);
  :mod:`~attention_site.deploy` merges a build into a site that keeps every earlier release;
  :mod:`~attention_site.citation_file` reads and writes ``CITATION.cff``;
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

STATIC = Path(__file__).with_name("static")  #: the CSS and JS every page loads


def add_static_path(app: Sphinx) -> None:
    if str(STATIC) not in app.config.html_static_path:
        app.config.html_static_path.append(str(STATIC))


def setup(app: Sphinx) -> dict:
    """Register the directives, nodes, settings and build hooks of the whole site.

    The modules are imported here, not at the top: ``python -m attention_site.deploy``
    and ``attention_site.versions`` run without Sphinx's extensions loaded.
    """
    from sphinx.config import ENUM

    import attention
    from scenes.clips import QUALITIES

    from . import (
        a11y,
        clip_citation,
        example_tables,
        figures,
        glossary_table,
        page_description,
        phase_clips,
        trained_head,
    )
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

    build = SiteBuild()
    app.add_config_value("phase_clips_quality", "medium", "env", ENUM(*QUALITIES))
    app.add_config_value("phase_clips_jobs", "", "", [str, int])  # "": one render process per core
    app.add_config_value("phase_clips_cache", "", "", [str])
    app.add_config_value("phase_clips_fast", False, "env", [bool])
    # "" finds the date once per build; a new date rewrites every page (no re-reading).
    app.add_config_value("clip_citation_date", "", "html", [str])
    app.add_domain(ClipPages)

    # -- Clips: directives, their nodes, rendering after the sources are read --
    app.connect("config-inited", phase_clips.note_fast_tag)
    app.connect("config-inited", phase_clips.check_settings)
    app.add_node(phase_clips.video_node, **html_only(phase_clips.visit_video_html))
    app.add_node(phase_clips.seek_list_node, **html_only(phase_clips.visit_seek_list_html))
    app.add_directive("phase-clip", phase_clips.PhaseClip)
    app.add_directive("full-video", phase_clips.FullVideo)
    app.add_directive("phase-table", phase_clips.PhaseTable)
    app.connect("env-updated", partial(phase_clips.render_and_publish, build=build))
    app.connect("html-page-context", phase_clips.preload_first_picture)

    # -- Versions: the site's version, its addresses, the version menu, versions.json --
    app.setup_extension("attention_site.versions")
    # -- Languages: English at each version's root, zh-Hant in zh-tw/, each page linked to the other --
    app.setup_extension("attention_site.languages")
    # -- A copy button on each code block, in the page's language --
    app.setup_extension("attention_site.copy_code")
    # -- Scripts wait for the page to be parsed: its first layout does not wait for them --
    app.setup_extension("attention_site.deferred_scripts")

    # -- Citing: cite blocks, clips.json, OpenGraph tags --
    app.connect("config-inited", clip_citation.note_release_date)
    app.add_node(clip_citation.cite_node)  # replaced before any writer sees it
    app.connect("doctree-read", clip_citation.move_cite_blocks_to_the_end)
    app.connect("doctree-resolved", partial(clip_citation.write_cite_blocks, build=build))
    app.setup_extension("sphinxext.opengraph")  # every page's OpenGraph tags and meta description
    app.connect("config-inited", clip_citation.point_open_graph_at_this_version, priority=800)
    app.connect("html-page-context", clip_citation.add_clip_to_open_graph, priority=400)  # before it writes
    app.connect("html-page-context", page_description.add_description, priority=400)
    app.connect("build-finished", partial(clip_citation.write_manifest, build=build))
    app.connect("build-finished", partial(phase_clips.date_pages_left_stale, build=build))

    # -- Tables of the worked example --
    app.add_directive("example-matrix", example_tables.ExampleMatrix)
    app.add_directive("scaling-table", example_tables.ScalingTable)

    # -- Figures drawn from the package's numbers, and blocks a reader can fold away --
    app.add_directive("saturation-figure", figures.SaturationFigure)
    app.add_node(figures.details_node, html=(figures.visit_details_html, figures.depart_details_html))
    app.add_node(figures.details_summary, html=(figures.visit_summary_html, figures.depart_summary_html))
    app.add_directive("detail", figures.Detail)

    # -- The glossary: English and zh-Hant terms, from scenes/glossary.py --
    app.add_directive("glossary-table", glossary_table.GlossaryTable)

    # -- The trained tiny model: its heads' heatmaps and scores --
    app.add_directive("trained-head-heatmaps", trained_head.TrainedHeadHeatmaps)
    app.add_directive("trained-head-scores", trained_head.TrainedHeadScores)

    # -- Maths: MathML, typeset at build time by Temml --
    app.setup_extension("attention_site.mathml")
    app.setup_extension("attention_site.translated_maths")  # a translated formula, not "::"
    app.setup_extension("attention_site.values_in_maths")  # $d_k = {{ d_k }}$: the number in the formula
    app.setup_extension("attention_site.heading_slugs")  # a heading's anchor spells its maths

    # -- Explorers for T and d_k (their script and style load only on the pages that use them) --
    app.setup_extension("attention_site.explorer")

    # -- One stylesheet a page, joined from the theme's and the site's --
    app.setup_extension("attention_site.one_stylesheet")

    # -- A build leaves nothing running --
    app.setup_extension("attention_site.build_hygiene")

    # -- Accessibility repairs, after furo builds its navigation --
    app.connect("html-page-context", a11y.repair_page, priority=900)
    app.add_post_transform(a11y.RepairWrappers)
    app.add_node(
        a11y.scrolling_region, html=(a11y.visit_scrolling_region_html, a11y.depart_scrolling_region_html)
    )
    app.add_post_transform(phase_clips.VideoAsLink)

    # -- Nodes that other builders write as their parent class (Sphinx looks visitors up by MRO) --
    app.add_node(labelled_section, html=(visit_labelled_section_html, depart_labelled_section_html))
    app.add_node(download_link, html=(visit_download_link_html, depart_download_link_html))

    app.connect("builder-inited", add_static_path)
    app.add_js_file("phase-clips.js", loading_method="defer")
    app.connect("html-page-context", phase_clips.mark_scripts_running)
    app.add_css_file("phase-clips.css")
    return {
        "version": attention.__version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 29,  # 29: one caption() for every table (no change to pages); 28: LaTeX spacing (\,) as one space in maths written as text; 27: no space inside ‖…‖ or after ∂ in maths written as text; 26: \lVert as ‖ in maths written as text; 25: a table's caption offered to translators as written, its label with maths as text; 24: on a phone the first still is preloaded, not the poster; 23: a heading's slug from its English text; 22: a heading's slug spells its maths; 21: a display formula written "A, \\qquad B" set as two pieces; 20: headings searched with their maths as text; 19: directives note the Python they write from; 18: scripts deferred; 17: the first still fetched at once on a phone, nothing fetched for it on a laptop; 16: pages that show clip words depend on registry.py and translations.py; 15: the explorer's 查詢 header; 14: a space between a phase's name and length; 13: values inside formulas; 12: the phase table's length under each name on a phone, explorer features named in the page's language; 11: one stylesheet, formulas held with their punctuation; 10: maths as MathML (Temml); 9: phone stills, caption numbers closed after a full-width colon; 8: the describe button laid out from the first paint; 7: WebP posters; 6: extended descriptions; 5: descriptions, OpenGraph
    }

"""Sphinx extension: the version menu, and the version and addresses each page is built for.

The version number lives in one place, ``attention.__version__``; the package
metadata reads it from there (hatch's dynamic version), and so do the site, the
cite blocks, ``clips.json`` and ``CITATION.cff`` (``python -m attention_site.citation_file
--write-citation`` writes it there; a test checks they agree). Which version a build is and
its addresses come from :mod:`.hosting`; the list of versions from :mod:`.versions_json`.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from .citation_file import release_date
from .hosting import DEFAULT_SITE_URL, DEV, LATEST, Hosting
from .languages import language_of, pick
from .setting_errors import stop_on_setting
from .versions_json import VERSIONS_JSON, versions_document

# -- The version menu ------------------------------------------------------------------------
#: The menu's words, by the build's language (``version-menu.js`` reads the last two from the menu).
MENU_WORDS = {
    "en": {"version": "Version", "latest": " (latest release)", "english_only": " (English only)"},
    "zh_TW": {"version": "版本", "latest": "（最新發行版本）", "english_only": "（僅有英文版）"},
}


def version_menu_html(
    current: str,
    versions: list[tuple[str, str]],
    versions_json: str,
    language_folder: str = "",
    language: str | None = None,
) -> str:
    """A ``<details>`` menu listing ``versions`` (``(name, href)``, newest first), marking ``current``.

    Without JavaScript the page lists what the build knew; ``version-menu.js`` replaces the list
    with the one in ``versions_json`` (a URL relative to the page; "" for none), each version's
    address followed by ``language_folder`` (``zh-tw/`` on a Chinese page: it stays in Chinese),
    unless that version was published in English only (then its English address, said so).

    >>> menu = version_menu_html("v0.1.0", [("v0.2.0", "../v0.2.0/"), ("v0.1.0", "./")], "../versions.json")
    >>> print(menu.replace("</summary>", "</summary>\\n").replace("</li>", "</li>\\n"))
    <details class="version-menu" data-current="v0.1.0" data-versions-json="../versions.json" data-latest=" (latest release)" data-english-only=" (English only)"><summary>Version <strong>v0.1.0</strong></summary>
    <ul><li><a href="../v0.2.0/">v0.2.0</a></li>
    <li><a href="./" aria-current="page">v0.1.0</a></li>
    </ul></details>
    """
    e = html.escape
    mark = ' aria-current="page"'
    items = "".join(
        f'<li><a href="{e(href)}"{mark if name == current else ""}>{e(name)}</a></li>'
        for name, href in versions
    )
    said = pick(MENU_WORDS, language)
    folder = f' data-language-folder="{e(language_folder)}"' if language_folder else ""
    words = f' data-latest="{e(said["latest"])}" data-english-only="{e(said["english_only"])}"'
    return (
        f'<details class="version-menu" data-current="{e(current)}" data-versions-json="{e(versions_json)}"'
        f"{folder}{words}><summary>{e(said['version'])} <strong>{e(current)}</strong></summary>"
        f"<ul>{items}</ul></details>"
    )


# -- Sphinx ----------------------------------------------------------------------------------------
def site_of(app) -> Hosting:
    config = app.config
    return Hosting(
        config.versions_name,
        config.versions_root_url,
        config.html_baseurl,
        config.versions_latest_url,
        config.versions_json,
    )


def cited_version(app) -> str:
    """The version a citation names: the release's number, or ``dev`` (the package number is the last release's)."""
    return app.config.release if site_of(app).is_release else DEV


def check_release_date(app) -> None:
    """A release build stops at once, with the fix, if ``CITATION.cff`` does not describe it."""
    try:
        release_date(Path(app.srcdir).parent / "CITATION.cff", site_of(app).is_release, app.config.release)
    except ValueError as error:
        stop_on_setting(str(error), "citation")


def add_templates(app, config) -> None:
    """Our ``sidebar/brand.html`` wraps furo's and adds the version menu under the site's name."""
    config.templates_path.append(str(Path(__file__).with_name("templates")))


def add_version_menu(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    from sphinx.util.osutil import relative_uri

    site = site_of(app)
    to_root = relative_uri(app.builder.get_target_uri(pagename), "") or "./"
    folder = language_of(app.config.language).folder  # "zh-tw/": this build's root is one folder deeper
    # The site root is one folder above this version's root (on a standalone build served at a
    # host's root, "../" from the root stays at the root, where the build's own versions.json is).
    source = to_root + "../" * (1 + folder.count("/")) + VERSIONS_JSON if site.versions_json else ""
    context["version_menu"] = version_menu_html(
        site.name, [(site.name, to_root)], source, folder, app.config.language
    )
    if not site.versions_json:  # Read the Docs: its addons give the list (API version pinned)
        tag = '<meta name="readthedocs-addons-api-version" content="1">\n'
        context["metatags"] = context.get("metatags", "") + tag


def write_own_versions_json(app, exception) -> None:
    """A build on its own is a site of one version: its root lists it (deploy.py replaces this)."""
    if exception is None and app.builder.format == "html" and site_of(app).versions_json:
        code = language_of(app.config.language).code
        document = versions_document([site_of(app).name], {site_of(app).name: [code]})
        document["versions"][0]["path"] = "./"
        document["versions"][0]["languages"][0]["path"] = "./"
        text = json.dumps(document, indent=2) + "\n"
        (Path(app.outdir) / VERSIONS_JSON).write_text(text, encoding="utf-8")


def add_static_path(app) -> None:
    static = str(Path(__file__).with_name("static"))
    if static not in app.config.html_static_path:  # the whole site's setup() may have added it
        app.config.html_static_path.append(static)


def setup(app) -> dict:
    app.add_config_value("versions_name", DEV, "env", [str])
    app.add_config_value("versions_root_url", DEFAULT_SITE_URL, "env", [str])
    app.add_config_value("versions_latest_url", DEFAULT_SITE_URL + LATEST + "/", "env", [str])
    app.add_config_value("versions_json", True, "env", [bool])
    app.connect("config-inited", add_templates)
    app.connect("builder-inited", add_static_path)
    app.connect("builder-inited", check_release_date)
    app.connect("html-page-context", add_version_menu)
    app.connect("build-finished", write_own_versions_json)
    app.add_js_file("version-menu.js", loading_method="defer")
    app.add_css_file("version-menu.css")
    import attention  # here, not at the top: the release tooling reads versions.py without the package

    return {"version": attention.__version__, "parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx extension: which version of the site this is, its versioned addresses, and the version menu.

The version number lives in one place, ``attention.__version__``; the package
metadata reads it from there (hatch's dynamic version), and so do the site, the
cite blocks, ``clips.json`` and ``CITATION.cff`` (``python -m attention_site.citation_file
--write-citation`` writes it there; a test checks they agree).

A build is either a release, named ``v`` + that number (``v0.2.0``), or ``dev``
(the main branch). Every version lives in its own folder under the site root, so
an address such as ``<root>/v0.2.0/_clips/03-attention-scores.mp4`` names bytes
that no later release replaces. ``<root>/latest/`` holds a copy of the newest
release and ``<root>/versions.json`` lists them all; ``deploy.py`` writes both.

Settings (environment variables, read by ``docs/conf.py`` through :func:`hosting`):

``ATTENTION_SITE_URL``
    The site root, above every version (GitHub Pages: the Pages URL).
``ATTENTION_SITE_VERSION``
    ``vX.Y.Z`` (must be the package's version) or ``dev``. Unset: the release when
    the checked-out commit carries the tag ``vX.Y.Z`` of the package's version,
    else ``dev``; on Read the Docs, the release for tag builds, else ``dev``.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .citation_file import release_date
from .languages import ENGLISH, LANGUAGES, language_of, pick
from .setting_errors import stop_on_setting

DEV = "dev"  #: the main branch's version: its files change with every commit
LATEST = "latest"  #: the folder under the site root holding a copy of the newest release
READ_THE_DOCS_LATEST = "stable"  #: Read the Docs' name for the newest release ("latest" is its main branch)
VERSIONS_JSON = "versions.json"
DEFAULT_SITE_URL = "https://attention-explained.github.io/attention-explained/"
RELEASE = re.compile(r"^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


# -- Version names -----------------------------------------------------------------
def release_name(package_version: str) -> str:
    """The site version of a package version.

    >>> release_name("0.2.0")
    'v0.2.0'
    """
    return f"v{package_version}"


def is_release(name: str) -> bool:
    """
    >>> is_release("v0.2.0"), is_release("dev"), is_release("0.2.0"), is_release("v1.02.0")
    (True, False, False, False)
    """
    return RELEASE.match(name) is not None


def check_name(name: str, package_version: str) -> str:
    """``name`` if it is ``dev`` or this package's release, else a ValueError that says what to do.

    >>> check_name("v0.1.0", "0.1.0"), check_name("dev", "0.1.0")
    ('v0.1.0', 'dev')
    >>> check_name("v0.2.0", "0.1.0")
    Traceback (most recent call last):
    ValueError: site version 'v0.2.0' is not the package's version 0.1.0 (attention/__init__.py): ...
    """
    if name == DEV:
        return name
    if not is_release(name):
        raise ValueError(f"site version {name!r} is neither 'dev' nor a release like 'v1.2.3'")
    if name != release_name(package_version):
        raise ValueError(
            f"site version {name!r} is not the package's version {package_version} (attention/__init__.py): "
            f"set __version__ there to {name[1:]!r} before tagging, or build as 'dev'"
        )
    return name


def sort_key(name: str) -> tuple[int, int, int, int]:
    """Newest first when sorted: ``dev``, then releases from the highest number down.

    >>> sorted(["v0.9.0", "dev", "v0.10.0", "v0.1.1"], key=sort_key)
    ['dev', 'v0.10.0', 'v0.9.0', 'v0.1.1']
    """
    if name == DEV:
        return (0, 0, 0, 0)
    match = RELEASE.match(name)
    if match is None:
        raise ValueError(f"{name!r} is not a version name: 'dev' or 'vX.Y.Z'")
    major, minor, patch = (int(part) for part in match.groups())
    return (1, -major, -minor, -patch)


# -- Where this build is served --------------------------------------------------------
@dataclass(frozen=True)
class Hosting:
    """Where the version being built lives, and where its neighbours do."""

    name: str  #: "v0.2.0" or "dev"
    root_url: str  #: the site root, above every version
    base_url: str  #: this version's root: every cite link, OpenGraph tag and sitemap entry starts here
    latest_url: str  #: the newest release's alias, whose files change at each release
    versions_json: bool  #: whether the site root has a versions.json (not on Read the Docs)

    @property
    def is_release(self) -> bool:
        return self.name != DEV


def _folder(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def tag_at_head(repo: Path) -> str | None:
    """The release tag (``vX.Y.Z``) on the checked-out commit, if any."""
    try:
        tags = subprocess.run(
            ["git", "tag", "--points-at", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return None
    releases = sorted((t for t in tags if is_release(t)), key=sort_key)
    return releases[0] if releases else None


def hosting(environ: Mapping[str, str], package_version: str, repo: Path | None = None) -> Hosting:
    """This build's version and addresses, from the environment (see the module's docstring).

    >>> site = hosting({"ATTENTION_SITE_URL": "https://x.org/ae", "ATTENTION_SITE_VERSION": "v0.1.0"}, "0.1.0")
    >>> site.base_url, site.latest_url
    ('https://x.org/ae/v0.1.0/', 'https://x.org/ae/latest/')
    >>> rtd = {"READTHEDOCS": "True", "READTHEDOCS_VERSION_TYPE": "tag",
    ...        "READTHEDOCS_CANONICAL_URL": "https://ae.readthedocs.io/en/stable/"}
    >>> hosting(rtd, "0.1.0").base_url, hosting(rtd, "0.1.0").latest_url
    ('https://ae.readthedocs.io/en/v0.1.0/', 'https://ae.readthedocs.io/en/stable/')
    """
    chosen = environ.get("ATTENTION_SITE_VERSION", "").strip()
    if environ.get("READTHEDOCS") == "True" and not environ.get("ATTENTION_SITE_URL"):
        # Read the Docs versions the site itself: <root>/<slug>/, its main branch "latest", its newest tag "stable".
        canonical = _folder(environ.get("READTHEDOCS_CANONICAL_URL") or DEFAULT_SITE_URL)
        root = canonical[: canonical.rstrip("/").rfind("/") + 1]
        name = chosen or (
            release_name(package_version) if environ.get("READTHEDOCS_VERSION_TYPE") == "tag" else DEV
        )
        name = check_name(name, package_version)
        base = root + name + "/" if name != DEV else canonical
        return Hosting(name, root, base, root + READ_THE_DOCS_LATEST + "/", versions_json=False)
    root = _folder(environ.get("ATTENTION_SITE_URL") or DEFAULT_SITE_URL)
    if chosen:
        name = chosen
    else:
        tag = tag_at_head(repo) if repo is not None else None
        name = tag if tag else DEV
    name = check_name(name, package_version)
    return Hosting(name, root, root + name + "/", root + LATEST + "/", versions_json=True)


# -- versions.json -------------------------------------------------------------------------
def versions_document(names: Iterable[str], languages: Mapping[str, Iterable[str]] | None = None) -> dict:
    """The contents of ``versions.json``: every version, newest first, paths from the site root, and
    the languages each version was published in (``languages``: name -> codes; default English only).

    >>> versions_document(["v0.1.0", "dev", "v0.2.0"])["latest"]
    'v0.2.0'
    >>> [v["path"] for v in versions_document(["v0.1.0", "dev", "v0.2.0"])["versions"]]
    ['dev/', 'v0.2.0/', 'v0.1.0/']
    >>> [lang["path"] for lang in versions_document(["v0.2.0"], {"v0.2.0": ["en", "zh_TW"]})["versions"][0]["languages"]]
    ['v0.2.0/', 'v0.2.0/zh-tw/']
    """
    names = set(names)
    for name in names:
        if name != DEV and not is_release(name):
            raise ValueError(f"versions.json: {name!r} is neither 'dev' nor a release like 'v1.2.3'")
    names = sorted(names, key=sort_key)
    releases = [n for n in names if n != DEV]
    latest = releases[0] if releases else None
    languages = languages or {}

    def published_in(name: str) -> list[dict]:
        codes = set(languages.get(name, [ENGLISH.code]))
        return [
            {"code": language.code, "hreflang": language.hreflang, "path": f"{name}/{language.folder}"}
            for language in LANGUAGES
            if language.code in codes
        ]

    return {
        "latest": latest,
        "versions": [
            {"name": n, "path": f"{n}/", "latest": n == latest, "languages": published_in(n)} for n in names
        ],
    }


def read_versions(path: Path) -> dict:
    """A ``versions.json`` checked for shape: one clear error naming the file and what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        for entry in data["versions"]:  # written before the site had languages: English only
            entry.setdefault("languages", [{"code": ENGLISH.code, "hreflang": "en", "path": entry["path"]}])
        names = [entry["name"] for entry in data["versions"]]
        codes = {entry["name"]: [lang["code"] for lang in entry["languages"]] for entry in data["versions"]}
        expected = versions_document(names, codes)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ValueError(
            f"{path}: not a versions.json this site writes ({error}); delete it to start afresh"
        ) from None
    if data != expected:
        raise ValueError(f"{path}: entries out of order or inconsistent; expected {json.dumps(expected)}")
    return data


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

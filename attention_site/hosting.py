"""Which version of the site a build is, and where it is served: its name and its addresses.

A build is either a release, named ``v`` + the package's version (``v0.2.0``), or ``dev``
(the main branch). Every version lives in its own folder under the site root, so an address
such as ``<root>/v0.2.0/_clips/03-attention-scores.mp4`` names bytes that no later release
replaces; ``<root>/latest/`` holds a copy of the newest release.

Settings (environment variables, read by ``docs/conf.py`` through :func:`hosting`):

``ATTENTION_SITE_URL``
    The site root, above every version (GitHub Pages: the Pages URL).
``ATTENTION_SITE_VERSION``
    ``vX.Y.Z`` (must be the package's version) or ``dev``. Unset: the release when
    the checked-out commit carries the tag ``vX.Y.Z`` of the package's version,
    else ``dev``; on Read the Docs, the release for tag builds, else ``dev``.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEV = "dev"  #: the main branch's version: its files change with every commit
LATEST = "latest"  #: the folder under the site root holding a copy of the newest release
READ_THE_DOCS_LATEST = "stable"  #: Read the Docs' name for the newest release ("latest" is its main branch)
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

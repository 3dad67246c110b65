"""``versions.json``: every published version of the site, newest first, and its languages.

``deploy.py`` writes it at the site root; the version menu (``version-menu.js``) reads it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from .hosting import DEV, is_release, sort_key
from .languages import ENGLISH, LANGUAGES

VERSIONS_JSON = "versions.json"


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

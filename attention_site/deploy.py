"""Add one built version of the site to a folder that holds the earlier ones.

    python -m attention_site.deploy docs/_build/html public --version v0.2.0

The folder then has one sub-folder per version (``dev/``, ``v0.1.0/``, ``v0.2.0/``...),
``latest/`` (a copy of the newest release), ``versions.json`` (what the version menu
lists: each version and the languages it was published in) and an ``index.html`` that
sends readers to ``latest/``. A version's Chinese site is the build's ``zh-tw/`` folder
(``nox -s docs`` builds it there), deployed with it. The rules that keep cited addresses true:

- a release's folder, once published, is never changed: deploying the same release
  again keeps it if its clips (in every language) are the same bytes, and fails if they differ;
- ``dev/`` is replaced at each deploy;
- every version the folder's ``versions.json`` lists must still be there: a site
  restored without one of them fails here instead of being published without it;
- each step writes beside its target and renames it into place, so an interrupted
  deploy leaves no half-copied version behind.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import shutil
import sys
from pathlib import Path

from .hosting import DEV, LATEST, is_release, sort_key
from .languages import LANGUAGES
from .versions_json import VERSIONS_JSON, read_versions, versions_document

MANIFEST = "clips.json"
NOT_COPIED = (".doctrees", VERSIONS_JSON)  # Sphinx's cache; the build's own one-version list


class DeployError(Exception):
    """The deploy would lose or change a published version, or the build is not what it claims."""


def _manifest(folder: Path) -> dict:
    """``folder/clips.json``, checked: a :class:`DeployError` naming the file if it is missing or damaged."""
    path = folder / MANIFEST
    if not path.is_file():
        raise DeployError(
            f"{folder} has no {MANIFEST}: not a full build (built with -t fast?); run nox -s docs"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise DeployError(
            f"{path} is unreadable or not JSON ({error}): the build was interrupted or the file damaged; "
            "build the site again (nox -s docs) and deploy that build"
        ) from None
    problem = _manifest_problem(manifest)
    if problem:
        raise DeployError(
            f"{path} {problem}: it is not a clips.json this project wrote, or it was edited; "
            "build the site again (nox -s docs) and deploy that build"
        )
    return manifest


def _manifest_problem(manifest) -> str | None:
    """What a clips.json lacks that deploy relies on (None if nothing).

    >>> _manifest_problem({"clips": [], "full": {"video": "_clips/00-full.mp4"}})
    "has no 'sha256' in 'full'"
    """
    if not isinstance(manifest, dict):
        return f"holds a JSON {type(manifest).__name__}, not an object"
    clips, full = manifest.get("clips"), manifest.get("full")
    if not isinstance(clips, list):
        return "has no 'clips' list"
    if not isinstance(full, dict):
        return "has no 'full' object (the full-length video)"
    for where, clip in [*((f"clips[{i}]", c) for i, c in enumerate(clips)), ("'full'", full)]:
        if not isinstance(clip, dict):
            return f"has {where} that is not an object"
        for field in ("video", "sha256"):
            if not isinstance(clip.get(field), str):
                return f"has no {field!r} in {where}"
    return None


def _clip_digests(manifest: dict) -> dict[str, str]:
    digests = {clip["video"]: clip["sha256"] for clip in manifest["clips"]}
    digests[manifest["full"]["video"]] = manifest["full"]["sha256"]
    return digests


def languages_in(folder: Path) -> list[str]:
    """The languages a build (or a published version) holds: English at its root, the others in their folders."""
    return [language.code for language in LANGUAGES if (folder / language.folder / "index.html").is_file()]


def _every_clip_digest(folder: Path) -> dict[str, str]:
    """Each video of every language in ``folder``, by its path from the version's root, with its SHA-256."""
    digests = {}
    for language in LANGUAGES:
        if (folder / language.folder / "index.html").is_file():
            manifest = _manifest(folder / language.folder)
            digests.update({language.folder + path: sha for path, sha in _clip_digests(manifest).items()})
    return digests


def _not_copied(build: Path):
    """What deploy leaves out of a build: each language's Sphinx cache and its own one-version list."""
    roots = {build / language.folder for language in LANGUAGES}
    return lambda folder, _: NOT_COPIED if Path(folder) in roots else ()


def _write_text(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def _copy_tree(source: Path, target: Path, ignore=None) -> None:
    """Copy the files of ``source`` into a new ``target`` as new files, under the user's umask.

    Unlike ``shutil.copytree`` it copies no modes: a file the builder could read but
    others could not (an old build's 0600 clip) is published readable like the rest.
    """
    for folder, folders, files in os.walk(source):
        ignored = set(ignore(folder, [*folders, *files])) if ignore else set()
        folders[:] = [name for name in folders if name not in ignored]
        destination = target / Path(folder).relative_to(source)
        destination.mkdir(parents=True, exist_ok=True)
        for name in files:
            if name not in ignored:
                shutil.copyfile(Path(folder) / name, destination / name)


def _copy_into_place(source: Path, target: Path, ignore=None) -> None:
    """Copy ``source`` to ``target`` beside it, then swap it in (replacing any old ``target``)."""
    partial = target.with_name(f".{target.name}.partial")
    old = target.with_name(f".{target.name}.old")
    for leftover in (partial, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    _copy_tree(source, partial, ignore=ignore)
    if target.exists():
        target.rename(old)
    partial.rename(target)
    if old.exists():
        shutil.rmtree(old)


def published_versions(site: Path) -> list[str]:
    """The version folders under ``site``, newest first."""
    names = [p.name for p in site.iterdir() if p.is_dir() and (p.name == DEV or is_release(p.name))]
    return sorted(names, key=sort_key)


def root_page(title: str, document: dict) -> str:
    """The site root: a redirect to the newest release (or dev) that also lists every version."""
    target = f"{LATEST}/" if document["latest"] else f"{DEV}/"
    names = {language.code: language.name for language in LANGUAGES}

    def other_languages(version: dict) -> str:
        return "".join(
            f' · <a href="{lang["path"]}" hreflang="{lang["hreflang"]}" lang="{lang["hreflang"]}">'
            f"{html.escape(names[lang['code']])}</a>"
            for lang in version["languages"][1:]
        )

    items = "".join(
        f'<li><a href="{v["path"]}">{v["name"]}</a>{other_languages(v)}'
        f"{' (latest release)' if v['latest'] else ''}</li>"
        for v in document["versions"]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n"
        f'<meta http-equiv="refresh" content="0; url={target}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n</head>\n<body>\n'
        f'<p>The site is at <a href="{target}">{target}</a>. Every version:</p>\n<ul>{items}</ul>\n'
        "</body>\n</html>\n"
    )


def deploy(build: Path, site: Path, name: str) -> dict:
    """Add ``build`` to ``site`` as version ``name``; returns the new ``versions.json`` contents."""
    if name != DEV and not is_release(name):
        raise DeployError(f"--version {name!r}: give 'dev' or a release like 'v1.2.3'")
    if not build.is_dir():
        what = "is a file, not a folder" if build.exists() else "does not exist"
        raise DeployError(
            f"{build} (the build) {what}: give the folder sphinx-build wrote (docs/_build/html)"
        )
    if not (build / "index.html").is_file():
        raise DeployError(f"{build} has no index.html: give the folder sphinx-build wrote (docs/_build/html)")
    manifest = _manifest(build)
    for language in LANGUAGES[1:]:
        if (build / language.folder / "index.html").is_file():
            built_as = _manifest(build / language.folder).get("site_version")
            if built_as != manifest.get("site_version"):
                raise DeployError(
                    f"{build / language.folder} was built as {built_as!r} and {build} as "
                    f"{manifest.get('site_version')!r}: build both languages of one version together "
                    "(nox -s docs)"
                )
    if manifest.get("site_version") != name:
        raise DeployError(
            f"{build} was built as {manifest.get('site_version')!r}, not {name!r}: "
            f"build it with ATTENTION_SITE_VERSION={name}"
        )
    if site.exists() and not site.is_dir():
        raise DeployError(
            f"{site} (the site) is a file, not a folder: give the folder that holds every published "
            "version, or a new folder for a first deploy"
        )
    site.mkdir(parents=True, exist_ok=True)
    if (site / VERSIONS_JSON).exists():
        listed = [v["name"] for v in read_versions(site / VERSIONS_JSON)["versions"]]
        lost = [v for v in listed if not (site / v).is_dir()]
        if lost:
            raise DeployError(
                f"{site} lacks {', '.join(lost)}, which its {VERSIONS_JSON} lists: the earlier deployment "
                "was not fully restored; restore it (or remove those entries on purpose) and deploy again"
            )

    target = site / name
    for folder in (target, site / LATEST):
        if (folder.exists() or folder.is_symlink()) and (folder.is_symlink() or not folder.is_dir()):
            raise DeployError(
                f"{folder} is not a version folder (a file or a link) where deploy keeps one: move it "
                "out of the site and deploy again; nothing was changed"
            )
    if is_release(name) and target.exists():
        if _every_clip_digest(target) != _every_clip_digest(build):
            raise DeployError(
                f"{name} is already published with different clips, and a release's files never change: "
                "tag a new release"
            )
        print(f"{name} is already published with these clips: left as it is")
    else:
        _copy_into_place(build, target, ignore=_not_copied(build))

    names = published_versions(site)
    document = versions_document(names, {name: languages_in(site / name) for name in names})
    latest = document["latest"]
    if latest:
        alias = site / LATEST
        try:
            current = _manifest(alias).get("site_version") if alias.exists() else None
        except DeployError as damaged:  # latest/ is a copy: a damaged one is copied again
            print(f"{LATEST}/ is damaged ({damaged}); copying it again from {latest}/")
            current = None
        if current != latest:
            _copy_into_place(site / latest, alias)
    _write_text(site / VERSIONS_JSON, json.dumps(document, indent=2) + "\n")
    _write_text(site / "index.html", root_page(manifest.get("title", "Versions"), document))
    _write_text(site / ".nojekyll", "")  # GitHub Pages: serve _clips/ and _static/ as they are
    return document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build", type=Path, help="the folder sphinx-build wrote, e.g. docs/_build/html")
    parser.add_argument("site", type=Path, help="the folder holding every published version")
    parser.add_argument("--version", required=True, help="'dev' or the release, e.g. v0.2.0")
    args = parser.parse_args(argv)
    try:
        document = deploy(args.build, args.site, args.version)
    except (DeployError, ValueError) as error:
        print(f"deploy: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # a full disk, no permission: name the path, leave the last good site
        where = f" {error.filename}" if error.filename else ""
        print(
            f"deploy: could not write{where}: {error.strerror or error}. Free some space or fix the "
            f"permissions of {args.site}, then deploy again (published versions were left as they were).",
            file=sys.stderr,
        )
        return 1
    listed = ", ".join(v["name"] + (" (latest)" if v["latest"] else "") for v in document["versions"])
    print(f"{args.site}: {listed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

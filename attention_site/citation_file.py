"""``CITATION.cff``: the release it describes, and the command that writes it before tagging.

``python -m attention_site.citation_file --write-citation [--date YYYY-MM-DD]`` writes the
package's version (read from ``attention/__init__.py``, the one place it is written) and the
release date into ``CITATION.cff``, keeping the rest as written. A release build takes its
citation date from the file and stops if the file describes another version.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

SOURCE_VERSION = re.compile(r"^__version__ = [\"']([^\"']+)[\"']", re.MULTILINE)  # as hatch reads it
CFF_VERSION = re.compile(r"^version: *(\S+) *$", re.MULTILINE)
CFF_DATE = re.compile(r"^date-released: *\"?(\d{4}-\d\d-\d\d)\"? *$", re.MULTILINE)
WRITE_COMMAND = "python -m attention_site.citation_file --write-citation"


def source_version(repo: Path) -> str:
    """``__version__`` as written in ``repo``'s ``attention/__init__.py`` (whichever package is imported)."""
    source = repo / "attention" / "__init__.py"
    match = SOURCE_VERSION.search(source.read_text(encoding="utf-8"))
    if match is None:
        raise ValueError(f'{source} has no __version__ = "X.Y.Z" line: write the package\'s version there')
    return match.group(1)


def citation_file_fields(path: Path) -> tuple[str, str]:
    """``(version, date-released)`` from a ``CITATION.cff``."""
    if not path.is_file():
        raise ValueError(f"{path} is missing: a release build takes its date from it")
    text = path.read_text(encoding="utf-8")
    version, date = CFF_VERSION.search(text), CFF_DATE.search(text)
    if not (version and date):
        raise ValueError(f"{path}: needs 'version:' and 'date-released:' lines ({WRITE_COMMAND})")
    return version.group(1).strip("\"'"), date.group(1)


def write_citation_file(path: Path, package_version: str, date: datetime.date) -> None:
    """Set ``CITATION.cff``'s version and release date, keeping the rest as written."""
    text = path.read_text(encoding="utf-8")
    citation_file_fields(path)  # both lines present
    text = CFF_VERSION.sub(f"version: {package_version}", text, count=1)
    text = CFF_DATE.sub(f'date-released: "{date.isoformat()}"', text, count=1)
    path.write_text(text, encoding="utf-8")


def release_date(citation: Path, is_release: bool, package_version: str) -> str | None:
    """A release's date, from ``CITATION.cff`` (which must describe this release); None for ``dev``."""
    if not is_release:
        return None
    version, date = citation_file_fields(citation)
    if version != package_version:
        raise ValueError(
            f"{citation} says version {version}, the package {package_version}: "
            f"run `{WRITE_COMMAND}` before tagging"
        )
    return date


def main(argv: list[str] | None = None) -> int:
    import argparse

    repo = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(
        description="Write the package's version (attention/__init__.py) and a release date into CITATION.cff."
    )
    parser.add_argument("--write-citation", action="store_true", required=True)
    parser.add_argument("--date", type=datetime.date.fromisoformat, default=datetime.date.today())
    parser.add_argument("--file", type=Path, default=repo / "CITATION.cff")
    args = parser.parse_args(argv)
    version = source_version(repo)
    write_citation_file(args.file, version, args.date)
    print(f"{args.file}: version {version}, released {args.date.isoformat()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

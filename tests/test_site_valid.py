"""The built site is valid HTML: the W3C Nu HTML checker (vnu) reports no error on any page.

Duplicate ids, the fault this test was written for, break in-page anchors and the
``aria-*`` references that point at them. ``nox -s tests`` installs the checker
(npm's ``vnu-jar``, pinned in the noxfile) and passes its path in ``ATTENTION_VNU_JAR``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.site


def vnu_jar() -> Path:
    jar = Path(os.environ.get("ATTENTION_VNU_JAR", ""))
    if not jar.is_file() or not shutil.which("java"):
        pytest.fail(
            "the Nu HTML checker needs Java and ATTENTION_VNU_JAR (the path of vnu.jar): "
            "run this test through nox -s tests, which installs both"
        )
    return jar


def checker_errors(pages: list[Path]) -> list[str]:
    """``page:line: message`` for every error the checker reports on ``pages``."""
    result = subprocess.run(
        ["java", "-jar", str(vnu_jar()), "--format", "json", "--errors-only", *map(str, pages)],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stderr or result.stdout)
    return [
        f"{Path(m.get('url', '?')).name}:{m.get('lastLine', '?')}: {m['message']}"
        for m in report["messages"]
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]


def test_every_built_page_is_valid_html(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    errors = checker_errors(pages)
    assert not errors, f"{len(errors)} error(s):\n" + "\n".join(errors[:40])

"""A maintainer's mistakes get one clear error, never Sphinx's crash report; builds leave nothing behind.

Sphinx prints any exception that reaches it with "please open an issue at
sphinx-doc"; the clip extension instead logs one error that names the setting or
phase, what went wrong and what to run, and fails the build. The builds here are
of the real ``docs/`` (stopped at the configuration) or of a one-page project
using the same extensions, so nothing is rendered.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from attention_site import build_hygiene

ROOT = Path(__file__).resolve().parents[1]
CRASH_REPORT = ("please open an issue", "Traceback", "Extension error")


def sphinx(source: Path, out: Path, *extra: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", *extra, str(source), str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env},
    )


def assert_one_clear_error(result: subprocess.CompletedProcess, *parts: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    for part in parts:
        assert part in output, output
    for noise in CRASH_REPORT:
        assert noise not in output, output


# -- Settings are refused with their valid range, before anything is read --------------------
@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "65"])
def test_a_bad_render_jobs_setting_stops_the_docs_build(tmp_path, value):
    result = sphinx(ROOT / "docs", tmp_path / "out", ATTENTION_RENDER_JOBS=value)
    assert_one_clear_error(
        result,
        "phase_clips_jobs (ATTENTION_RENDER_JOBS) must be a whole number from 1 to 64",
        f"got {value!r}",
    )
    assert result.returncode == 2


def test_a_bad_clip_quality_stops_the_docs_build(tmp_path):
    result = sphinx(ROOT / "docs", tmp_path / "out", ATTENTION_CLIP_QUALITY="ultra")
    assert_one_clear_error(
        result, "phase_clips_quality (ATTENTION_CLIP_QUALITY) must be one of low, medium, high", "got 'ultra'"
    )


@pytest.mark.parametrize("jobs", ["0", "-1", "x"])
def test_the_render_command_refuses_jobs_outside_the_range(tmp_path, jobs):
    result = subprocess.run(
        [sys.executable, "-m", "scenes", "render", "1", f"--jobs={jobs}", "--cache", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert f"--jobs must be a whole number from 1 to 64 (render processes); got '{jobs}'" in result.stderr
    assert not list(tmp_path.iterdir()), "nothing should have been rendered"


def test_the_render_command_refuses_a_bad_jobs_variable(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "scenes", "render", "1", "--cache", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "ATTENTION_RENDER_JOBS": "many"},
    )
    assert result.returncode == 2
    assert "error: ATTENTION_RENDER_JOBS must be a whole number from 1 to 64" in result.stderr
    assert "Traceback" not in result.stderr


# -- A one-page site with the clip extension ------------------------------------------------
@pytest.fixture
def one_page(tmp_path) -> Path:
    """A project with the clip extension and one ``phase-clip`` (the page text is set per test)."""
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text(
        "extensions = ['attention_site']\nhtml_baseurl = 'https://example.org/'\n"
    )
    (source / "index.rst").write_text("Clips\n=====\n\n.. phase-clip:: 1\n")
    return source


def test_an_unusable_render_cache_is_one_error_naming_the_setting(one_page, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    result = sphinx(one_page, tmp_path / "out", ATTENTION_RENDER_CACHE=str(blocker / "cache"))
    assert_one_clear_error(
        result, "phase clips: render cache", "not-a-folder/cache: could not", "ATTENTION_RENDER_CACHE"
    )
    assert result.returncode == 1


def test_the_transcript_option_is_refused_not_ignored(one_page, tmp_path):
    (one_page / "index.rst").write_text("Clips\n=====\n\n.. phase-clip:: 1\n   :transcript: hidden\n")
    result = sphinx(one_page, tmp_path / "out", "-W", "-t", "fast")
    assert result.returncode != 0
    assert "the :transcript: option does nothing and is refused" in result.stderr
    assert "Remove the option" in result.stderr


# -- Builds leave nothing in the temporary folder and nothing running ------------------------
def test_imgmath_leaves_no_temporary_folder(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text(
        "extensions = ['sphinx.ext.imgmath', 'attention_site.build_hygiene']\nimgmath_image_format = 'svg'\n"
    )
    (source / "index.rst").write_text("Maths\n=====\n\n:math:`a^2` and :math:`\\sqrt{d_k}`\n")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    result = sphinx(source, tmp_path / "out", TMPDIR=str(temporary))
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "out" / "_images" / "math").glob("*.svg")), "no maths was rendered"
    assert not list(temporary.iterdir()), "imgmath left temporary folders behind"


def test_a_math_folder_of_a_killed_build_is_removed_by_the_next(tmp_path):
    stale = tmp_path / f"{build_hygiene.IMGMATH_PREFIX}killed"
    stale.mkdir()
    (stale / build_hygiene.OWNER_LOCK).touch()  # nobody holds it: its build is gone
    assert build_hygiene.remove_stale_math_folders(tmp_path) == [stale]
    assert not stale.exists()


def running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_sitemap_manager_process_dies_with_a_killed_build(tmp_path):
    script = (
        "import time\n"
        "from attention_site import build_hygiene\n"
        "manager = build_hygiene._manager_that_dies_with_its_parent()\n"
        "print(manager._process.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    build = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        manager = int(build.stdout.readline())
        assert running(manager)
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        deadline = time.monotonic() + 30
        while running(manager) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not running(manager), "the manager process outlived the build"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(build.pid, signal.SIGKILL)

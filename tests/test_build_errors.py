"""A maintainer's mistakes get one clear error, never Sphinx's crash report; builds leave nothing behind.

Sphinx prints any exception that reaches it with "please open an issue at
sphinx-doc"; the clip extension instead logs one error that names the setting or
phase, what went wrong and what to run, and fails the build. The builds here are
of the real ``docs/`` (stopped at the configuration) or of a one-page project
using the same extensions, so nothing is rendered.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

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
def test_a_bad_render_jobs_setting_stops_the_docs_build(make_app, tmp_path, monkeypatch, value):
    monkeypatch.setenv("ATTENTION_RENDER_JOBS", value)  # read by docs/conf.py
    logged = io.StringIO()
    with pytest.raises(SystemExit) as stopped:
        make_app("html", srcdir=ROOT / "docs", builddir=tmp_path / "build", warning=logged)
    assert stopped.value.code == 2
    message = logged.getvalue()
    assert "phase_clips_jobs (ATTENTION_RENDER_JOBS) must be a whole number from 1 to 64" in message
    assert f"got {value!r}" in message and message.count("ERROR") == 1, message
    assert not list((tmp_path / "build").rglob("*.*")), "nothing was read or written"


def test_a_language_the_site_is_not_written_in_stops_the_build_naming_both(build_root):
    logged = io.StringIO()
    with pytest.raises(SystemExit) as stopped:
        build_root("clip-directive", "# Page\n", language="fr", warning=logged)
    assert stopped.value.code == 2
    assert "the site is written in en and zh_TW, not 'fr': build with -D language=zh_TW" in logged.getvalue()


def test_a_bad_clip_quality_stops_the_docs_build_with_one_message(tmp_path):
    """End to end through sphinx-build: the message alone, exit status 2, no crash report."""
    result = sphinx(ROOT / "docs", tmp_path / "out", ATTENTION_CLIP_QUALITY="ultra")
    assert_one_clear_error(
        result, "phase_clips_quality (ATTENTION_CLIP_QUALITY) must be one of low, medium, high", "got 'ultra'"
    )
    assert result.returncode == 2


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


# -- A one-page site with the clip extension, built in-process --------------------------------
def test_an_unusable_render_cache_is_one_error_naming_the_setting(build_root, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    app = build_root(
        "clip-directive", "# Clips\n\n```{phase-clip} 1\n```\n", phase_clips_cache=str(blocker / "cache")
    )
    assert app.statuscode == 1
    warnings = app.warning.getvalue()
    assert "phase clips: render cache" in warnings and "not-a-folder/cache: could not" in warnings
    assert "ATTENTION_RENDER_CACHE" in warnings


def test_the_transcript_option_is_refused_not_ignored(build_root):
    app = build_root(
        "clip-directive", "# Clips\n\n```{phase-clip} 1\n:transcript: hidden\n```\n", tags=("fast",)
    )
    assert app.statuscode != 0
    assert "the :transcript: option does nothing and is refused" in app.warning.getvalue()
    assert "Remove the option" in app.warning.getvalue()


# -- Builds leave nothing running ------------------------------------------------------------
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

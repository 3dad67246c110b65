"""Shared fixtures: the three built sites and a local server for the browser tests.

Each site is built once per test session, exactly as ``nox -s docs`` builds it (``-W -n``,
clips from the render cache):

- ``site``: the html site as a maintainer builds it, in parallel (``-j 2``), as the development
  version at a test address (:data:`SITE_URL`);
- ``release_site``: the package's release at the same address, as dirhtml (one folder per page);
- ``zh_site``: the Traditional Chinese site, the development version.

Set ATTENTION_TEST_SITE to a built ``html`` folder to reuse one for ``site`` (build it with
``ATTENTION_SITE_URL=https://example.org/ae/ ATTENTION_SITE_VERSION=dev``). Under
pytest-xdist (``nox -s tests`` runs two workers) the workers share each site: the first worker
that needs it builds it while holding a lock, and a worker that needs it meanwhile waits.
"""

from __future__ import annotations

import fcntl
import gzip
import importlib.util
import io
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import attention

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
#: Sphinx test roots (``test-<name>``): small projects the extension tests build in-process.
ROOTS = Path(__file__).resolve().parent / "roots"

#: The test roots are projects to build, not tests: pytest does not collect them (their conf.py).
collect_ignore = ["roots"]

if importlib.util.find_spec("sphinx"):  # `nox -s fast` tests the numbers alone, without Sphinx
    pytest_plugins = ["sphinx.testing.fixtures"]
#: The address the test sites are built for (never contacted: tests read the files).
SITE_URL = "https://example.org/ae/"
RELEASE = f"v{attention.__version__}"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]


def build_site(builder: str, out: Path, *extra: str, **environ: str) -> Path:
    """Run sphinx-build with -W -n like ``nox -s docs``; fail the test with Sphinx's output."""
    command = [sys.executable, "-m", "sphinx", "-W", "-n", "--keep-going", "-q", "-b", builder, *extra]
    result = subprocess.run(
        [*command, str(DOCS), str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **environ},
    )
    if result.returncode != 0:
        pytest.fail(f"sphinx-build -b {builder} failed:\n{result.stdout[-3000:]}\n{result.stderr[-6000:]}")
    return out


def hosted_as(version: str, quickest_clips: bool = True) -> dict[str, str]:
    """The settings of a build for ``version`` at the test address (by default with the quickest clips)."""
    return {
        "ATTENTION_SITE_URL": SITE_URL,
        "ATTENTION_SITE_VERSION": version,
        **({"ATTENTION_CLIP_QUALITY": "low"} if quickest_clips else {}),
    }


#: How the ``site`` fixture is built: the development version, the clips at their own quality.
SITE_SETTINGS = hosted_as("dev", quickest_clips=False)


def shared_site(tmp_path_factory, name: str, builder: str, *extra: str, **environ: str) -> Path:
    """Build a site once per test run, shared by the xdist workers (a lock; a mark when built)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, which every worker's own folder is in
    out = root / f"site-{name}" / builder
    with open(root / f"site-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        built = out.parent / "built"
        if not built.is_file():
            shutil.rmtree(out, ignore_errors=True)  # a failed build's remains
            build_site(builder, out, *extra, **environ)
            built.touch()
    return out


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing finds the test roots (``@pytest.mark.sphinx(testroot=...)``)."""
    return ROOTS


@pytest.fixture
def build_root(make_app, tmp_path):
    """Build test root ``name`` in this process with ``index.md`` set to ``body``; return the app.

    ``overrides`` are settings as ``-D`` gives them; ``warning`` a stream for what is logged
    while the app starts (where a setting it refuses is reported).

    Warnings fail the build (``app.statuscode``), as ``-W`` does in ``nox -s docs``; the app's
    ``warning`` holds what Sphinx logged and ``app.outdir`` what it wrote. No process is started,
    so a case costs a fraction of a second once Sphinx and the extension are imported.
    """

    def build(
        name: str, body: str, builder: str = "html", tags: tuple[str, ...] = (), warning=None, **overrides
    ):
        source = tmp_path / name
        shutil.copytree(ROOTS / f"test-{name}", source)
        (source / "index.md").write_text(body, encoding="utf-8")
        logged = {"warning": warning} if warning is not None else {}
        app = make_app(
            builder, srcdir=source, tags=tags, confoverrides=overrides, warningiserror=True, **logged
        )
        app.build()
        return app

    return build


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The html site at the clips' own quality, built once per test run with two processes (as
    ``-j 2`` must work), as the development version at :data:`SITE_URL`."""
    reuse = os.environ.get("ATTENTION_TEST_SITE")
    if reuse:
        return Path(reuse)
    return shared_site(tmp_path_factory, "html", "html", "-j", "2", **SITE_SETTINGS)


@pytest.fixture(scope="session")
def release_site(tmp_path_factory) -> Path:
    """The package's release (:data:`RELEASE`) as dirhtml (one folder per page) at :data:`SITE_URL`."""
    return shared_site(tmp_path_factory, "release", "dirhtml", **hosted_as(RELEASE))


@pytest.fixture(scope="session")
def zh_site(tmp_path_factory) -> Path:
    """The Traditional Chinese site (``-D language=zh_TW``) at :data:`SITE_URL`'s dev version."""
    return shared_site(tmp_path_factory, "zh", "html", "-D", "language=zh_TW", **hosted_as("dev"))


#: What hosts such as GitHub Pages send compressed to a browser that accepts gzip.
COMPRESSED_SUFFIXES = frozenset({".html", ".css", ".js", ".json", ".svg", ".vtt", ".txt", ".xml"})


class RangeRequestHandler(SimpleHTTPRequestHandler):
    """A static file server that behaves as the site's hosts do: Range requests (video) and gzip (text)."""

    def log_message(self, format, *args) -> None:  # keep test output quiet
        pass

    def send_head(self):
        range_header = self.headers.get("Range", "")
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"  # a dirhtml page
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if accepts_gzip and not range_header and path.is_file() and path.suffix in COMPRESSED_SUFFIXES:
            return self._send_compressed(path)
        if not range_header.startswith("bytes=") or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        first, _, last = range_header[len("bytes=") :].partition("-")
        start = int(first) if first else max(0, size - int(last))
        end = min(int(last), size - 1) if first and last else size - 1
        if start >= size:
            self.send_error(416)
            return None
        handle = path.open("rb")
        handle.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        return _LimitedReader(handle, end - start + 1)

    def _send_compressed(self, path: Path):
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)


class _LimitedReader:
    def __init__(self, handle, length: int):
        self.handle, self.left = handle, length

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        size = self.left if size < 0 else min(size, self.left)
        data = self.handle.read(size)
        self.left -= len(data)
        return data

    def close(self) -> None:
        self.handle.close()


def serve(directory: Path) -> Iterator[str]:
    handler = partial(RangeRequestHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(site) -> Iterator[str]:
    """The html site served on 127.0.0.1 (no other host is ever contacted)."""
    yield from serve(site)


@pytest.fixture(scope="session")
def zh_site_url(zh_site) -> Iterator[str]:
    """The Traditional Chinese site served on 127.0.0.1."""
    yield from serve(zh_site)


def next_paint(page) -> None:
    """Wait until the page as it now is has been laid out and painted (two animation frames)."""
    page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


def show_as(page, theme: str, width: int) -> None:
    """Show the loaded page in ``theme`` ("light" or "dark") in a window ``width`` px wide, as a reader
    would see it: the theme is switched as furo's toggle switches it, the window is phone-tall (844 px)
    below 600 px and laptop-tall (900 px) above, and the page has been laid out and painted."""
    page.evaluate(f"document.body.dataset.theme = '{theme}'")
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
    next_paint(page)


@pytest.fixture
def page(browser):
    """A fresh page in a laptop-sized window (1280 x 900), closed after the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, one for the whole session (Playwright's sync API allows one)."""
    from playwright.sync_api import sync_playwright

    if CHROMIUM is None:
        pytest.fail("Chromium is not installed: `nox -s tests` installs Debian's chromium package as root")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()

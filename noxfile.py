"""Sessions: ``nox -s tests`` (default), ``fast``, ``train``, ``docs``, ``docs-live``, ``lint``, ``bench``, ``lock``.

System packages (Cairo and Pango headers, LaTeX with dvisvgm, fonts, Chromium for
the browser tests) are checked before anything is pip-installed. As root on
Debian or Ubuntu they are installed with apt-get; elsewhere the session stops
with the exact command to run. Set ATTENTION_NO_SYSTEM_INSTALL=1 to never install.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
from pathlib import Path

import nox

nox.needs_version = ">=2024.10.9"
nox.options.sessions = ["tests"]
nox.options.reuse_venv = "yes"
nox.options.default_venv_backend = "uv|virtualenv"

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
CONSTRAINTS = ROOT / "requirements" / "constraints.txt"
DOCS_OUT = ROOT / "docs" / "_build"
PYTHON = "3.11"
#: The site's languages (Sphinx's ``language``) and where each is built below a builder's folder
#: (attention_site/languages.py has the same layout for the pages' links).
LANGUAGES = {"en": "", "zh_TW": "zh-tw"}
#: The W3C Nu HTML checker the tests run over the built site (npm's vnu-jar, pinned).
VNU_VERSION = "26.9.27"
#: Lighthouse, which the tests run on the built site in Debian's Chromium (npm's lighthouse, pinned).
LIGHTHOUSE_VERSION = "12.8.2"  #: the last line that supports Debian 12's Node.js 20
#: Temml, which typesets the site's maths as MathML at build time (attention_site/mathml.py; npm's temml, pinned).
TEMML_VERSION = "0.13.5"
#: What ``nox -s fast`` runs: the numpy reference's doctests and the tests that import nothing more
#: (no manim, no Sphinx), so editing ``attention/`` needs neither Cairo nor LaTeX nor a site build.
FAST_TESTS = (
    "attention",
    "tests/test_attention_errors.py",
    "tests/test_attention_properties.py",
    "tests/test_attention_reference.py",
    "tests/test_example.py",
    "tests/test_masks.py",
    "tests/test_position.py",
    "tests/test_docs_examples.py",
    "tests/test_tiny_model.py",
)

# -- System packages ---------------------------------------------------------
# What each need is, how to tell it is there, and its packages per platform.
SYSTEM_NEEDS = {
    "cairo": {
        "why": "Cairo and Pango headers, to build pycairo and manimpango",
        "present": lambda: _pkg_config("cairo", "pangocairo"),
        "debian": ["libcairo2-dev", "libpango1.0-dev", "pkg-config"],
        "fedora": ["cairo-devel", "pango-devel", "pkgconf-pkg-config"],
        "macos": ["brew install cairo pango pkg-config"],
    },
    "latex": {
        "why": "LaTeX and dvisvgm, for manim's MathTex",
        "present": lambda: (
            bool(shutil.which("latex") and shutil.which("dvisvgm")) and _latex_has("standalone")
        ),
        "debian": ["texlive-latex-base", "texlive-latex-extra", "texlive-fonts-recommended", "dvisvgm"],
        "fedora": ["texlive-scheme-medium", "texlive-dvisvgm"],
        "macos": ["brew install --cask mactex-no-gui"],
    },
    "fonts": {
        "why": "the DejaVu fonts the clips are set in",
        "present": lambda: _has_font("DejaVu Sans"),
        "debian": ["fonts-dejavu-core", "fontconfig"],
        "fedora": ["dejavu-sans-fonts", "dejavu-sans-mono-fonts"],
        "macos": ["brew install --cask font-dejavu"],
    },
    "java": {
        "why": "Java, to run the W3C Nu HTML checker over the built site",
        "present": lambda: _runs("java", "-version"),
        "debian": ["default-jre-headless"],
        "fedora": ["java-21-openjdk-headless"],
        "macos": ["brew install openjdk"],
    },
    "npm": {
        "why": "Node.js and npm: Temml typesets the maths; the tests run the W3C Nu HTML checker and Lighthouse",
        "present": lambda: _runs("npm", "--version"),
        "debian": ["nodejs", "npm"],
        "fedora": ["nodejs", "npm"],
        "macos": ["brew install node"],
    },
    "chromium": {
        "why": "Chromium, for the browser tests (Playwright drives it; it downloads no browser)",
        "present": lambda: bool(_chromium()),
        "debian": ["chromium"],
        "fedora": ["chromium"],
        "macos": ["brew install --cask chromium"],
    },
    "cjk": {
        "why": "Noto Sans CJK TC, the font of the zh-Hant clips and of the Chinese pages in the test browser",
        "present": lambda: _has_font("Noto Sans CJK TC"),
        "debian": ["fonts-noto-cjk"],
        "fedora": ["google-noto-sans-cjk-ttc-fonts"],
        "macos": ["brew install --cask font-noto-sans-cjk"],
    },
}


def _pkg_config(*names: str) -> bool:
    if not shutil.which("pkg-config"):
        return False
    return subprocess.run(["pkg-config", "--exists", *names], check=False).returncode == 0


def _latex_has(package: str) -> bool:
    kpsewhich = shutil.which("kpsewhich")
    if not kpsewhich:
        return False
    found = subprocess.run([kpsewhich, f"{package}.cls"], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


def _runs(*command: str) -> bool:
    if not shutil.which(command[0]):
        return False
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


def _has_font(family: str) -> bool:
    if not shutil.which("fc-list"):
        return False
    listed = subprocess.run(["fc-list", family], capture_output=True, text=True, check=False)
    return bool(listed.stdout.strip())


def _chromium() -> str | None:
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)


def _platform() -> str:
    if platform.system() == "Darwin":
        return "macos"
    release = Path("/etc/os-release")
    text = release.read_text() if release.exists() else ""
    if "fedora" in text.lower() or "rhel" in text.lower():
        return "fedora"
    return "debian"


def _install_command(kind: str, needs: list[str]) -> str:
    packages = [p for need in needs for p in SYSTEM_NEEDS[need][kind]]
    if kind == "debian":
        return "sudo apt-get update && sudo apt-get install -y " + " ".join(packages)
    if kind == "fedora":
        return "sudo dnf install -y " + " ".join(packages)
    return " && ".join(packages)


def ensure_system_packages(session: nox.Session, *needs: str) -> None:
    """Install (as root on Debian/Ubuntu) or explain how to install what ``needs`` names."""
    missing = [need for need in needs if not SYSTEM_NEEDS[need]["present"]()]
    if not missing:
        return
    described = "; ".join(SYSTEM_NEEDS[need]["why"] for need in missing)
    kind = _platform()
    automatic = os.environ.get("ATTENTION_NO_SYSTEM_INSTALL", "") in ("", "0")
    if (
        automatic
        and kind == "debian"
        and hasattr(os, "geteuid")
        and os.geteuid() == 0
        and shutil.which("apt-get")
    ):
        packages = [p for need in missing for p in SYSTEM_NEEDS[need]["debian"]]
        session.log(f"Installing system packages for: {described}")
        env = {"DEBIAN_FRONTEND": "noninteractive"}
        session.run("apt-get", "update", "-qq", external=True, env=env)
        session.run(
            "apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages, external=True, env=env
        )
        still = [need for need in missing if not SYSTEM_NEEDS[need]["present"]()]
        if not still:
            return
        missing = still
    commands = "\n".join(
        f"  {name}: {_install_command(name, missing)}" for name in ("debian", "fedora", "macos")
    )
    session.error(
        f"Missing system packages: {described}.\nInstall them, then run nox again:\n{commands}\n"
        "(ATTENTION_NO_SYSTEM_INSTALL=1 turns the automatic apt-get install off.)"
    )


# -- Python environments -------------------------------------------------------
def install(session: nox.Session, *groups: str) -> None:
    """Install the project (editable) and dependency groups, pinned by the constraints file."""
    requirements = [r for group in groups for r in nox.project.dependency_groups(PYPROJECT, group)]
    session.install("-c", str(CONSTRAINTS), "-e", ".", *requirements)


def sphinx_build(session: nox.Session, builder: str, out: Path, *extra: str) -> None:
    session.run("sphinx-build", "-W", "-n", "--keep-going", "-b", builder, "docs", str(out), *extra)


# -- Sessions ------------------------------------------------------------------
@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Every test: doctests, unit and property tests, scene renders, the built site in Chromium."""
    ensure_system_packages(session, "cairo", "latex", "fonts", "chromium", "java", "npm", "cjk")
    install(session, "tests", "docs")
    # A worker per core (at most 4); the workers share each built site (tests/conftest.py), so every
    # site is built once while the other workers run other tests. `-- -n 0` runs in one process.
    parallel = ("--numprocesses=auto", "--maxprocesses=4", "--dist=worksteal")
    packages = install_npm(
        session, {"temml": TEMML_VERSION, "vnu-jar": VNU_VERSION, "lighthouse": LIGHTHOUSE_VERSION}
    )
    tools = {
        "ATTENTION_VNU_JAR": str(packages["vnu-jar"] / "build" / "dist" / "vnu.jar"),
        "ATTENTION_LIGHTHOUSE": str(packages["lighthouse"] / "cli" / "index.js"),
    }
    session.run("pytest", *parallel, *session.posargs, env=tools)


def install_npm(session: nox.Session, wanted: dict[str, str]) -> dict[str, Path]:
    """npm packages (name: version) in the session's environment, installed together once per version.

    One ``npm install`` names them all: npm removes what a later install does not name.
    """
    prefix = Path(session.virtualenv.location) / "node"
    folders = {name: prefix / "node_modules" / name for name in wanted}

    def installed(name: str) -> str | None:
        manifest = folders[name] / "package.json"
        return json.loads(manifest.read_text()).get("version") if manifest.is_file() else None

    if any(installed(name) != version for name, version in wanted.items()):
        # --ignore-scripts: vnu-jar's postinstall would download a Java runtime (the system's is used),
        # and Lighthouse drives the system's Chromium; nothing is downloaded when the tests run.
        session.run(
            "npm",
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--prefix",
            str(prefix),
            *(f"{name}@{version}" for name, version in wanted.items()),
            external=True,
        )
    return folders


@nox.session(python=PYTHON)
def fast(session: nox.Session) -> None:
    """The numpy reference alone: its doctests, property and reference tests, the pages' examples."""
    install(session, "tests-fast")
    session.run("pytest", *FAST_TESTS, *session.posargs)


@nox.session(python=PYTHON)
def train(session: nox.Session) -> None:
    """Retrain the tiny model from its fixed seed and check that it is the shipped one (about a minute).

    `nox -s train -- --output attention/data/tiny_model.npz` replaces the shipped weights instead.
    One BLAS thread: at this size threads only add overhead (the bytes are the same either way).
    """
    install(session)
    single = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    session.run("python", "-m", "attention.train", *session.posargs, env=single)


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Render the clips (cached) and build the site in English and Traditional Chinese.

    English goes to docs/_build/html, Chinese to docs/_build/html/zh-tw/ (the layout a version has
    when deployed); `-- dirhtml` builds dirhtml the same way. `-- html --language en` (or zh_TW)
    builds one language only.
    """
    ensure_system_packages(session, "cairo", "latex", "fonts", "cjk", "npm")
    install(session, "docs")
    install_npm(session, {"temml": TEMML_VERSION})
    arguments = list(session.posargs)
    languages = list(LANGUAGES)
    if "--language" in arguments:
        at = arguments.index("--language")
        languages = [arguments[at + 1]]
        del arguments[at : at + 2]
        if languages[0] not in LANGUAGES:
            session.error(f"--language takes one of {', '.join(LANGUAGES)}; got {languages[0]!r}.")
    builders = arguments or ["html"]
    for builder in builders:
        for language in languages:
            out = DOCS_OUT / builder / LANGUAGES[language]
            sphinx_build(session, builder, out, "-D", f"language={language}")
    session.log(f"Site: {DOCS_OUT / builders[0] / 'index.html'}")


@nox.session(python=PYTHON)
def translations(session: nox.Session) -> None:
    """Extract the pages' messages and update docs/locales/zh_TW/LC_MESSAGES/*.po (sphinx-intl).

    New and changed English messages appear untranslated (or fuzzy) in the catalogs; translate
    them there and `nox -s tests -- tests/test_translations.py` checks the result.
    """
    ensure_system_packages(session, "cairo", "latex", "fonts")
    install(session, "docs", "translations")
    pot = DOCS_OUT / "gettext"
    sphinx_build(session, "gettext", pot)
    session.run("sphinx-intl", "update", "-p", str(pot), "-l", "zh_TW", "-d", "docs/locales", "-w", "0")


@nox.session(name="docs-live", python=PYTHON)
def docs_live(session: nox.Session) -> None:
    """Serve the site with sphinx-autobuild, rebuilding on changes to docs, its extension, scenes or attention."""
    ensure_system_packages(session, "cairo", "latex", "fonts", "cjk", "npm")
    install(session, "docs-live")
    install_npm(session, {"temml": TEMML_VERSION})
    session.run(
        "sphinx-autobuild",
        "docs",
        str(DOCS_OUT / "live"),
        "--watch",
        "attention",
        "--watch",
        "scenes",
        "--watch",
        "attention_site",
        "--ignore",
        "*/_build/*",
        "--ignore",
        "*/__pycache__/*",
        "--ignore",
        "*/.ipynb_checkpoints/*",
        "-n",
        *session.posargs,
    )


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff check, ruff format --check, and the import contracts in pyproject.toml (lint-imports)."""
    install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy over attention, scenes and attention_site (settings in pyproject.toml)."""
    ensure_system_packages(session, "cairo")  # manim's pycairo and manimpango build against them
    install(session, "typecheck")
    session.run("mypy")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Build timings (cold, warm, prose edit, scene edit), render speed, clip bytes, page weight."""
    ensure_system_packages(session, "cairo", "latex", "fonts", "cjk", "npm")
    install(session, "docs")
    install_npm(session, {"temml": TEMML_VERSION})
    session.run("python", "benchmarks/build_bench.py", *session.posargs)


@nox.session(python=PYTHON)
def lock(session: nox.Session) -> None:
    """Pin the dependency groups in requirements/constraints.txt with `uv pip compile`.

    Run it after changing the groups in pyproject.toml: pins already in the file are kept unless
    a new requirement needs another version; `nox -s lock -- --upgrade` moves every pin to the newest.
    """
    session.install("uv>=0.5")
    # Resolve for this interpreter's exact version: a package may need a newer 3.11.x than 3.11.0.
    python = session.run("python", "-c", "import platform; print(platform.python_version())", silent=True)
    groups = [f"--group=pyproject.toml:{group}" for group in ("tests", "docs-live", "lint", "typecheck")]
    session.run(
        "uv",
        "pip",
        "compile",
        "pyproject.toml",
        *groups,
        f"--python-version={python.strip()}",
        "--custom-compile-command=nox -s lock",
        f"--output-file={CONSTRAINTS.relative_to(ROOT)}",
        "--quiet",
        *session.posargs,
    )

"""Versioned releases: one version source, citations of bytes that stay put, and a deploy that keeps them.

The site builds (a release and dev, clips at low quality from the render cache) check what a
citer copies; the deploy tests run ``python -m attention_site.deploy`` on fake builds in a temporary folder.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from conftest import RELEASE, ROOT, SITE_URL, serve

import attention
from attention_site import citation_file, deploy, hosting, versions_json
from scenes.registry import ALL_CLIPS, PHASES

CITATION = ROOT / "CITATION.cff"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- One version source --------------------------------------------------------------
def test_package_metadata_and_citation_file_carry_the_one_version():
    cff_version, cff_date = citation_file.citation_file_fields(CITATION)
    assert metadata.version("attention-explained") == attention.__version__ == cff_version
    assert citation_file.source_version(ROOT) == attention.__version__
    assert datetime.date.fromisoformat(cff_date)


def test_a_release_build_stops_at_once_when_citation_file_describes_another_version(tmp_path):
    source = tmp_path / "docs"
    source.mkdir()
    (source / "index.md").write_text("# Page\n")
    (source / "conf.py").write_text(
        "extensions = ['myst_parser', 'attention_site.versions']\nrelease = '0.2.0'\nversions_name = 'v0.2.0'\n"
    )
    (tmp_path / "CITATION.cff").write_text(
        CITATION.read_text().replace(f"version: {attention.__version__}", "version: 0.1.9")
    )
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(source), str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert (
        "says version 0.1.9, the package 0.2.0: run `python -m attention_site.citation_file --write-citation`"
        in result.stderr
    )
    assert not (tmp_path / "out" / "index.html").exists()  # stopped before writing a page or rendering a clip
    assert "Traceback" not in result.stderr and "please open an issue" not in result.stderr


def test_citation_file_is_valid_cff():
    cffconvert = Path(sys.executable).with_name("cffconvert")
    result = subprocess.run(
        [str(cffconvert), "--validate", "-i", str(CITATION)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_write_citation_sets_version_and_date_and_keeps_the_rest(tmp_path):
    copy = tmp_path / "CITATION.cff"
    shutil.copy(CITATION, copy)
    assert citation_file.main(["--write-citation", "--date", "2031-02-03", "--file", str(copy)]) == 0
    assert citation_file.citation_file_fields(copy) == (attention.__version__, "2031-02-03")
    changed = [
        line for line in copy.read_text().splitlines() if line not in CITATION.read_text().splitlines()
    ]
    assert changed == ['date-released: "2031-02-03"']


def test_a_release_that_is_not_the_package_version_is_refused_with_the_fix():
    with pytest.raises(ValueError, match=r"'v9\.9\.9' is not the package's version .*attention/__init__\.py"):
        hosting.hosting({"ATTENTION_SITE_VERSION": "v9.9.9"}, attention.__version__)
    with pytest.raises(ValueError, match=r"neither 'dev' nor a release like 'v1\.2\.3'"):
        hosting.hosting({"ATTENTION_SITE_VERSION": "0.1"}, attention.__version__)


def test_unset_version_is_the_release_tagged_on_the_checked_out_commit_else_dev(tmp_path):
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "first"], check=True)
    assert hosting.hosting({}, "0.2.0", tmp_path).name == "dev"
    subprocess.run([*git, "tag", "v0.2.0"], check=True)
    site = hosting.hosting({"ATTENTION_SITE_URL": SITE_URL}, "0.2.0", tmp_path)
    assert (site.name, site.base_url) == ("v0.2.0", f"{SITE_URL}v0.2.0/")
    with pytest.raises(ValueError, match=r"'v0\.2\.0' is not the package's version 0\.3\.0"):
        hosting.hosting({}, "0.3.0", tmp_path)  # tagged, but __version__ says otherwise
    assert hosting.hosting({"ATTENTION_SITE_VERSION": "dev"}, "0.3.0", tmp_path).name == "dev"


def test_read_the_docs_main_branch_is_dev_at_its_own_address():
    site = hosting.hosting(
        {
            "READTHEDOCS": "True",
            "READTHEDOCS_VERSION_TYPE": "branch",
            "READTHEDOCS_CANONICAL_URL": "https://ae.readthedocs.io/en/latest/",
        },
        attention.__version__,
    )
    assert (site.name, site.base_url, site.latest_url) == (
        "dev",
        "https://ae.readthedocs.io/en/latest/",
        "https://ae.readthedocs.io/en/stable/",
    )
    assert not site.versions_json  # Read the Docs lists the versions itself


def test_versions_json_is_checked_when_read(tmp_path):
    path = tmp_path / "versions.json"
    path.write_text(json.dumps({"latest": "v0.1.0", "versions": [{"name": "v0.1.0", "path": "elsewhere/"}]}))
    with pytest.raises(ValueError, match=r"versions\.json: entries out of order or inconsistent"):
        versions_json.read_versions(path)
    path.write_text("{")
    with pytest.raises(ValueError, match=r"not a versions\.json this site writes"):
        versions_json.read_versions(path)


# -- Deploying versions into one site folder ---------------------------------------------
def fake_build(tmp_path: Path, name: str, seed: str, chinese: str | None = None) -> Path:
    """A build folder as sphinx-build writes one: pages, clips, clips.json, the build's own versions.json;
    with ``chinese`` (its seed), the Chinese build in ``zh-tw/`` as ``nox -s docs`` writes it."""
    build = tmp_path / f"build-{name}-{seed}-{chinese}"
    fake_language_build(build, name, seed)
    if chinese is not None:
        fake_language_build(build / "zh-tw", name, chinese)
    return build


def fake_language_build(build: Path, name: str, seed: str) -> None:
    (build / "_clips").mkdir(parents=True)
    (build / "phases").mkdir()
    (build / ".doctrees").mkdir()
    (build / ".doctrees" / "index.doctree").write_bytes(b"cache")
    (build / "index.html").write_text(f"<p>{name} {seed}</p>")
    (build / "phases" / "03-attention-scores.html").write_text(f"<p>phase 3 {seed}</p>")
    clips = []
    for stem in ("03-attention-scores", "00-full"):
        video = build / "_clips" / f"{stem}.mp4"
        video.write_bytes(hashlib.sha256(f"{name}{seed}{stem}".encode()).digest() * 64)
        clips.append({"video": f"_clips/{stem}.mp4", "sha256": sha256(video)})
    manifest = {"title": "Attention", "site_version": name, "clips": clips[:1], "full": clips[1]}
    (build / "clips.json").write_text(json.dumps(manifest))
    (build / "versions.json").write_text(json.dumps(versions_json.versions_document([name])))


def test_two_releases_keep_the_first_release_byte_identical(tmp_path):
    site = tmp_path / "site"
    deploy.deploy(fake_build(tmp_path, "v0.1.0", "a"), site, "v0.1.0")
    first = files(site / "v0.1.0")
    deploy.deploy(fake_build(tmp_path, "v0.2.0", "b"), site, "v0.2.0")

    assert files(site / "v0.1.0") == first
    assert "_clips/03-attention-scores.mp4" in first and "clips.json" in first
    assert ".doctrees/index.doctree" not in first and "versions.json" not in first
    listed = json.loads((site / "versions.json").read_text())
    english = [{"code": "en", "hreflang": "en", "path": "v0.2.0/"}]
    assert listed == {
        "latest": "v0.2.0",
        "versions": [
            {"name": "v0.2.0", "path": "v0.2.0/", "latest": True, "languages": english},
            {
                "name": "v0.1.0",
                "path": "v0.1.0/",
                "latest": False,
                "languages": [{**english[0], "path": "v0.1.0/"}],
            },
        ],
    }
    assert files(site / "latest") == files(site / "v0.2.0")
    root = (site / "index.html").read_text()
    assert 'http-equiv="refresh" content="0; url=latest/"' in root
    assert 'href="v0.1.0/"' in root and 'href="v0.2.0/"' in root
    assert (site / ".nojekyll").is_file()


def test_dev_is_replaced_at_each_deploy_and_never_latest(tmp_path):
    site = tmp_path / "site"
    deploy.deploy(fake_build(tmp_path, "v0.1.0", "a"), site, "v0.1.0")
    deploy.deploy(fake_build(tmp_path, "dev", "a"), site, "dev")
    second_dev = fake_build(tmp_path, "dev", "b")
    document = deploy.deploy(second_dev, site, "dev")
    assert (
        files(site / "dev")["_clips/03-attention-scores.mp4"]
        == (second_dev / "_clips" / "03-attention-scores.mp4").read_bytes()
    )
    assert [v["name"] for v in document["versions"]] == ["dev", "v0.1.0"]
    assert document["latest"] == "v0.1.0"
    assert json.loads((site / "latest" / "clips.json").read_text())["site_version"] == "v0.1.0"


def test_a_published_release_never_changes(tmp_path):
    site = tmp_path / "site"
    release = fake_build(tmp_path, "v0.1.0", "a")
    deploy.deploy(release, site, "v0.1.0")
    before = files(site)
    deploy.deploy(release, site, "v0.1.0")  # a re-run of the same release
    assert files(site) == before
    with pytest.raises(
        deploy.DeployError, match=r"already published with different clips.*tag a new release"
    ):
        deploy.deploy(fake_build(tmp_path, "v0.1.0", "changed"), site, "v0.1.0")
    assert files(site) == before


def test_a_site_restored_without_a_listed_version_is_not_deployed(tmp_path):
    site = tmp_path / "site"
    deploy.deploy(fake_build(tmp_path, "v0.1.0", "a"), site, "v0.1.0")
    deploy.deploy(fake_build(tmp_path, "v0.2.0", "b"), site, "v0.2.0")
    shutil.rmtree(site / "v0.1.0")
    listed = (site / "versions.json").read_text()
    with pytest.raises(deploy.DeployError, match=r"lacks v0\.1\.0, which its versions\.json lists"):
        deploy.deploy(fake_build(tmp_path, "dev", "a"), site, "dev")
    assert (site / "versions.json").read_text() == listed and not (site / "dev").exists()


def test_a_build_is_deployed_only_as_the_version_it_was_built_as(tmp_path, capsys):
    build = fake_build(tmp_path, "dev", "a")
    code = deploy.main([str(build), str(tmp_path / "site"), "--version", "v0.1.0"])
    assert code == 1
    assert (
        "built as 'dev', not 'v0.1.0': build it with ATTENTION_SITE_VERSION=v0.1.0" in capsys.readouterr().err
    )
    assert not (tmp_path / "site" / "v0.1.0").exists()


def test_a_version_is_deployed_with_its_chinese_site_and_listed_in_both_languages(tmp_path):
    site = tmp_path / "site"
    deploy.deploy(fake_build(tmp_path, "v0.1.0", "a"), site, "v0.1.0")  # before the site had Chinese
    document = deploy.deploy(fake_build(tmp_path, "v0.2.0", "b", chinese="b-zh"), site, "v0.2.0")
    languages = {
        v["name"]: [(lang["code"], lang["path"]) for lang in v["languages"]] for v in document["versions"]
    }
    assert languages == {
        "v0.2.0": [("en", "v0.2.0/"), ("zh_TW", "v0.2.0/zh-tw/")],
        "v0.1.0": [("en", "v0.1.0/")],
    }
    published = files(site / "v0.2.0")
    assert "zh-tw/_clips/03-attention-scores.mp4" in published and "zh-tw/clips.json" in published
    assert "zh-tw/versions.json" not in published and "zh-tw/.doctrees/index.doctree" not in published
    assert versions_json.read_versions(site / "versions.json") == document
    root = (site / "index.html").read_text()
    assert '<a href="v0.2.0/zh-tw/" hreflang="zh-Hant-TW" lang="zh-Hant-TW">繁體中文</a>' in root
    assert files(site / "latest") == published


def test_a_release_whose_chinese_clips_changed_is_refused(tmp_path):
    site = tmp_path / "site"
    release = fake_build(tmp_path, "v0.1.0", "a", chinese="zh")
    deploy.deploy(release, site, "v0.1.0")
    before = files(site)
    deploy.deploy(release, site, "v0.1.0")  # the same bytes again: kept as it is
    with pytest.raises(deploy.DeployError, match="already published with different clips"):
        deploy.deploy(fake_build(tmp_path, "v0.1.0", "a", chinese="zh-changed"), site, "v0.1.0")
    with pytest.raises(deploy.DeployError, match="already published with different clips"):
        deploy.deploy(fake_build(tmp_path, "v0.1.0", "a"), site, "v0.1.0")  # Chinese dropped
    assert files(site) == before


def test_both_languages_of_a_build_are_one_version(tmp_path):
    build = fake_build(tmp_path, "v0.1.0", "a")
    fake_language_build(build / "zh-tw", "dev", "zh")
    with pytest.raises(deploy.DeployError, match=r"zh-tw was built as 'dev'.*build both languages"):
        deploy.deploy(build, tmp_path / "site", "v0.1.0")
    assert not (tmp_path / "site" / "v0.1.0").exists()


# -- The site built as a release and as dev (the conftest's release_site and site) --
def cite_block(page: Path) -> str:
    """The cite block as a reader reads it: tags removed, entities decoded, white space folded."""
    text = page.read_text(encoding="utf-8")
    block = re.search(r'<section[^>]*class="cite-clip".*?</section>', text, re.S).group(0)
    # Pygments wraps each BibTeX token in a span: a comma after a field gets a space before it here.
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", block)).split()).replace(" ,", ",")


def check_citations(site: Path, version: str, page_of) -> None:
    """Every clip's cite block, phases and standalone clips alike; ``page_of(site, phase)`` finds a phase's page."""
    manifest = json.loads((site / "clips.json").read_text())
    base = f"{SITE_URL}{version}/"
    assert (manifest["site_version"], manifest["base_url"]) == (version, base)
    for clip, phase in zip(manifest["clips"], ALL_CLIPS, strict=True):
        published = sha256(site / clip["video"])
        assert clip["sha256"] == published
        assert clip["video_url"] == base + clip["video"]
        assert clip["page_url"] == base + clip["page"]
        page = page_of(site, phase) if phase in PHASES else site / clip["page"].split("#")[0]
        block = cite_block(page / "index.html" if page.is_dir() else page)
        assert clip["page_url"] in block and clip["video_url"] in block
        assert f"SHA-256 of the video file: {published}" in block
        assert f"SHA-256 {published}}}" in block  # in the BibTeX note
        assert f"{SITE_URL}latest/{clip['page']}" in block
        assert "ccessed" not in block and "urldate" not in block
    assert manifest["full"]["sha256"] == sha256(site / manifest["full"]["video"])
    assert manifest["full"]["video_url"] == base + manifest["full"]["video"]


@pytest.mark.site
def test_release_cites_its_own_versioned_addresses_and_the_published_bytes(release_site):
    check_citations(release_site, RELEASE, lambda site, p: site / "phases" / p.stem / "index.html")
    block = cite_block(release_site / "phases" / "03-attention-scores" / "index.html")
    _, released = citation_file.citation_file_fields(CITATION)
    year, month = released[:4], int(released[5:7])
    months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    assert f"year = {{{year}}}, month = {months[month - 1]}, version = {{{attention.__version__}}}" in block
    assert "development version" not in block


@pytest.mark.site
def test_dev_cites_dev_addresses_and_says_they_change(site):
    check_citations(site, "dev", lambda site, p: site / "phases" / f"{p.stem}.html")
    block = cite_block(site / "phases" / "03-attention-scores.html")
    assert "This is the development version: its files change with every commit." in block
    assert "version = {dev}" in block


@pytest.mark.site
@pytest.mark.parametrize(
    ("built", "version"), [("release_site", RELEASE), ("site", "dev")], ids=["release-dirhtml", "dev-html"]
)
def test_every_page_has_a_version_menu_marking_its_version(built, version, request):
    """Both builders' page layouts: a dirhtml page sits one folder deeper than its html page."""
    built_site = request.getfixturevalue(built)
    pages = [p for p in built_site.rglob("*.html") if not p.name.startswith("_")]
    assert len(pages) >= 12
    for page in pages:
        text = page.read_text(encoding="utf-8")
        menu = re.search(r'<details class="version-menu"[^>]*>.*?</details>', text, re.S)
        assert menu, page
        menu = menu.group(0)
        assert f'data-current="{version}"' in menu and f'aria-current="page">{version}</a>' in menu
        source = re.search(r'data-versions-json="([^"]*)"', menu).group(1)
        depth = len(page.relative_to(built_site).parts) - 1
        assert source == "../" * depth + "../versions.json" or source == "./../versions.json"
    own = json.loads((built_site / "versions.json").read_text())
    english = [{"code": "en", "hreflang": "en", "path": "./"}]
    assert own["versions"] == [
        {"name": version, "path": "./", "latest": version == RELEASE, "languages": english}
    ]


@pytest.mark.site
def test_a_real_release_deploys_beside_a_later_one(release_site, tmp_path):
    site = tmp_path / "site"
    deploy.deploy(release_site, site, RELEASE)
    first = files(site / RELEASE)
    deploy.deploy(fake_build(tmp_path, "v99.0.0", "later"), site, "v99.0.0")
    assert files(site / RELEASE) == first
    manifest = json.loads((site / RELEASE / "clips.json").read_text())
    assert all(sha256(site / RELEASE / clip["video"]) == clip["sha256"] for clip in manifest["clips"])


def version_menu(browser, site: Path, path: str, versions: int | None) -> dict:
    """Serve ``site`` and read the version menu of page ``path``: with JavaScript, once it lists
    ``versions`` entries; without (``versions`` None), as the page was written."""
    from test_site_browser import PageWatch

    server = serve(site)
    url = next(server)
    try:
        context = browser.new_context(java_script_enabled=versions is not None)
        page = context.new_page()
        watch = PageWatch(page, url)
        page.goto(f"{url}/{path}", wait_until="networkidle")
        if versions is not None:
            page.wait_for_function(
                f"document.querySelectorAll('details.version-menu li').length === {versions}"
            )
        read = lambda selector, script: page.eval_on_selector_all(selector, script)  # noqa: E731
        seen = {
            "url": url,
            "items": read("details.version-menu li", "items => items.map(i => i.textContent)"),
            "links": read("details.version-menu li a", "links => links.map(a => a.href)"),
            "current": read("details.version-menu a[aria-current=page]", "a => a.map(x => x.textContent)"),
            "summary": page.inner_text("details.version-menu summary"),
            "problems": list(watch.problems),
        }
        context.close()
    finally:
        next(server, None)
    return seen


@pytest.mark.site
@pytest.mark.browser
def test_version_menu_lists_the_versions_in_the_site_root_versions_json(release_site, tmp_path, browser):
    site = tmp_path / "site"
    deploy.deploy(release_site, site, RELEASE)
    deploy.deploy(fake_build(tmp_path, "v99.0.0", "later"), site, "v99.0.0")
    deploy.deploy(fake_build(tmp_path, "dev", "now"), site, "dev")
    page = f"{RELEASE}/phases/03-attention-scores/"
    menu = version_menu(browser, site, page, versions=3)
    assert menu["items"] == ["dev", "v99.0.0 (latest release)", RELEASE]
    assert menu["current"] == [RELEASE]
    assert menu["links"][1] == f"{menu['url']}/v99.0.0/"
    assert not menu["problems"], menu["problems"]
    assert version_menu(browser, site, page, versions=None)["items"] == [RELEASE]  # without JavaScript


@pytest.mark.site
@pytest.mark.browser
def test_a_chinese_page_menu_stays_in_chinese_and_says_which_versions_are_english_only(
    zh_site, tmp_path, browser
):
    """dev has both languages (the real Chinese build in its zh-tw/); v0.1.0 was published in English only."""
    site = tmp_path / "site"
    deploy.deploy(fake_build(tmp_path, "v0.1.0", "old"), site, "v0.1.0")
    build = fake_build(tmp_path, "dev", "now")
    shutil.copytree(zh_site, build / "zh-tw")
    deploy.deploy(build, site, "dev")
    menu = version_menu(browser, site, "dev/zh-tw/phases/03-attention-scores.html", versions=2)
    assert menu["items"] == ["dev", "v0.1.0（僅有英文版）（最新發行版本）"]
    assert menu["links"] == [f"{menu['url']}/dev/zh-tw/", f"{menu['url']}/v0.1.0/"]
    assert menu["summary"].startswith("版本")
    assert not menu["problems"], menu["problems"]

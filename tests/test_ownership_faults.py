"""Faults a careless or hostile user can cause, and what is kept (issue 27).

Each test makes one fault and asserts what a user relies on: the checksums of every
file beside or inside the folder before and after, the exit status, the key words of
the message, and the modes of what is published. Renders are fakes (a tiny real
H.264 clip, see ``test_cache_faults``); the README's "Faults tried" lists them all.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from test_cache_faults import run_cache_command, use_fake_worker, write_fake_render
from test_versions import fake_build

from attention_site import deploy
from scenes import __main__ as command
from scenes import render
from scenes.cache import CACHEDIR_TAG, TAG_SIGNATURE, RenderCache
from scenes.publish import publish
from scenes.registry import FULL_STEM, PHASES

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def fake_worker(monkeypatch) -> list[str]:
    """Renders are fakes: a tiny real H.264 clip (see ``test_cache_faults``)."""
    return use_fake_worker(monkeypatch)


def checksums(folder: Path) -> dict[str, str]:
    """``relative path -> SHA-256`` of every file under ``folder`` (folders as ``<dir>``)."""
    return {
        str(path.relative_to(folder)): "<dir>"
        if path.is_dir()
        else hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
    }


def a_repository(folder: Path) -> Path:
    """What ``--cache .`` points at inside a checkout: a .git, sources, notes."""
    (folder / ".git" / "objects").mkdir(parents=True)
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (folder / "notes").mkdir()
    (folder / "notes" / "todo.md").write_text("keep me\n")
    (folder / ".tmp-scratch").mkdir()  # looks like a staging folder; it is the user's
    (folder / ".tmp-scratch" / "draft.txt").write_text("mine\n")
    (folder / "README.md").write_text("# a project\n")
    return folder


cache_command = run_cache_command  # python -m scenes cache ACTION --cache FOLDER


def render_everything(cache: RenderCache) -> tuple[list[render.Clip], render.Clip]:
    clips = render.render_phases(PHASES, "low", cache, jobs=1)
    return clips, render.render_full(clips, "low", cache)


# -- The cache owns its folder, provably -------------------------------------------------
@pytest.mark.parametrize("action", ["prune", "verify"])
def test_a_folder_that_is_not_a_cache_is_refused_and_nothing_in_it_touched(tmp_path, action):
    repository = a_repository(tmp_path / "repo")
    before = checksums(repository)
    result = cache_command(repository, action)
    assert result.returncode == 2, result
    assert f"{repository} is not a render cache" in result.stderr
    assert f"no valid {CACHEDIR_TAG}" in result.stderr and ".git" in result.stderr
    assert "Nothing in it was touched" in result.stderr
    assert checksums(repository) == before


@pytest.mark.parametrize("action", ["prune", "verify"])
@pytest.mark.parametrize("kind", ["missing", "file"])
def test_a_missing_path_or_a_file_is_an_error_not_zero_entries(tmp_path, action, kind):
    target = tmp_path / "cache"
    if kind == "file":
        target.write_text("not a folder\n")
    result = cache_command(target, action)
    assert result.returncode == 2, result
    assert ("no such folder" if kind == "missing" else "a file, not a folder") in result.stderr
    assert "0 entries" not in result.stdout and "ok" not in result.stdout
    assert (target.read_text() == "not a folder\n") if kind == "file" else not target.exists()


def test_a_build_never_renders_into_a_folder_that_is_not_a_cache(tmp_path, fake_worker):
    repository = a_repository(tmp_path / "repo")
    before = checksums(repository)
    with pytest.raises(render.CacheError, match=r"is not a render cache.*Nothing in it was touched"):
        render.render_phases(PHASES[:1], "low", RenderCache(repository), jobs=1)
    assert checksums(repository) == before and fake_worker == []


def test_a_new_cache_is_tagged_by_the_standard(tmp_path, fake_worker):
    cache = RenderCache(tmp_path / "new" / "cache")
    render.render_phases(PHASES[:1], "low", cache, jobs=1)
    tag = (cache.root / CACHEDIR_TAG).read_text()
    assert tag.startswith(TAG_SIGNATURE + "\n") and "attention-explained" in tag


def test_inside_a_cache_only_entries_are_pruned_and_the_rest_is_listed_and_left_alone(tmp_path, fake_worker):
    cache = RenderCache(tmp_path / "cache")
    clips, full = render_everything(cache)
    old = cache.staging("01-intro")
    write_fake_render(old, "0" * 64)
    old_entry = cache.commit(old, "01-intro", "0" * 64, {})  # of sources that no longer exist
    a_repository(cache.root)  # a user's things put inside the cache
    (cache.root / "01-intro-0123").mkdir()  # named almost like an entry
    theirs = {
        name: digest
        for name, digest in checksums(cache.root).items()
        if name.split("/")[0] in (".git", "notes", ".tmp-scratch", "README.md", "01-intro-0123")
    }

    result = cache_command(cache.root, "prune")
    assert result.returncode == 0, result.stderr
    assert f"removed  {old_entry.name}" in result.stdout and not old_entry.exists()
    for name in (".git", "notes", ".tmp-scratch", "README.md", "01-intro-0123"):
        assert f"left     {name}: not an entry, left alone" in result.stdout
    assert {n: d for n, d in checksums(cache.root).items() if n in theirs} == theirs
    # Every entry today's sources map to is kept, the full-length video included.
    assert all(clip.entry.is_dir() for clip in clips) and full.entry.is_dir()
    assert f"{len(PHASES) + 1} current entries kept" in result.stdout
    assert "pruned 1 folder(s)" in result.stdout


def test_prune_keeps_the_full_video_the_build_just_made(tmp_path, fake_worker):
    cache = RenderCache(tmp_path / "cache")
    _, full = render_everything(cache)
    assert full.stem == FULL_STEM
    assert command.main(["cache", "prune", "--cache", str(cache.root)]) == 0
    assert full.entry.is_dir()
    assert (
        render.render_full(render.render_phases(PHASES, "low", cache, jobs=1), "low", cache).rendered is False
    )


def test_a_cache_made_before_the_tag_is_recognised_by_its_manifests_and_tagged_once(tmp_path, fake_worker):
    cache = RenderCache(tmp_path / "cache")
    [clip] = render.render_phases(PHASES[:1], "low", cache, jobs=1)
    (cache.root / CACHEDIR_TAG).unlink()
    first = cache_command(cache.root, "verify")
    assert first.returncode == 0, first.stderr
    assert f"tagged    {cache.root} with {CACHEDIR_TAG}" in first.stdout
    assert f"ok       {clip.entry.name}" in first.stdout
    second = cache_command(cache.root, "verify")
    assert second.returncode == 0 and "tagged" not in second.stdout


def test_an_entry_whose_manifest_lists_no_files_is_damaged(tmp_path, fake_worker):
    cache = RenderCache(tmp_path / "cache")
    [clip] = render.render_phases(PHASES[:1], "low", cache, jobs=1)
    manifest = json.loads((clip.entry / "complete.json").read_text())
    (clip.entry / "complete.json").write_text(json.dumps({**manifest, "files": {}}))
    result = cache_command(cache.root, "verify")
    assert result.returncode == 1
    assert f"damaged  {clip.entry.name}: its complete.json lists no files" in result.stdout
    assert not clip.entry.exists()


# -- Reports that are true ---------------------------------------------------------------------
@contextlib.contextmanager
def a_read_only_file_system():
    """Every removal fails as on a read-only mount (as root, permission bits would not stop it)."""

    def refuse(path, *args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    saved = os.unlink, os.rmdir, os.remove
    os.unlink = os.rmdir = os.remove = refuse
    try:
        yield
    finally:
        os.unlink, os.rmdir, os.remove = saved


def test_prune_on_a_read_only_cache_reports_nothing_removed_and_fails(tmp_path, fake_worker, capsys):
    cache = RenderCache(tmp_path / "cache")
    cache.prepare()
    for key in ("0" * 64, "1" * 64):
        old = cache.staging("01-intro")
        write_fake_render(old, key)
        cache.commit(old, "01-intro", key, {})
    before = checksums(cache.root)
    with a_read_only_file_system():
        code = command.prune(cache)
    out, err = capsys.readouterr()
    assert code == 1
    assert "removed  " not in out
    assert "pruned 0 folder(s), 0.0 MB" in out and "2 folder(s) could not be removed" in out
    assert err.count("failed   01-intro-") == 2 and "Read-only file system" in err
    assert checksums(cache.root) == before


# -- Published files are ordinary files --------------------------------------------------------
@contextlib.contextmanager
def umask(mask: int):
    saved = os.umask(mask)
    try:
        yield
    finally:
        os.umask(saved)


def modes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): stat.S_IMODE(p.stat().st_mode) for p in folder.rglob("*")}


@pytest.mark.parametrize(("mask", "file_mode"), [(0o022, 0o644), (0o027, 0o640)])
def test_published_clips_posters_and_captions_have_the_umask_mode(tmp_path, fake_worker, mask, file_mode):
    with umask(mask):
        clips, full = render_everything(RenderCache(tmp_path / "cache"))
        out = tmp_path / "site" / "_clips"
        publish(clips, full, out)
    published = modes(out)
    assert len(published) == 5 * len(clips) + 6  # video, PNG and WebP posters, two tracks; and chapters
    assert set(published.values()) == {file_mode}, published


def test_a_deployed_tree_is_readable_even_from_a_private_build(tmp_path):
    build = fake_build(tmp_path, "v0.1.0", "a")
    (build / "_clips" / "03-attention-scores.mp4").chmod(0o600)  # as an old build published it
    (build / "phases").chmod(0o700)
    with umask(0o022):
        deploy.deploy(build, tmp_path / "site", "v0.1.0")
    deployed = modes(tmp_path / "site")
    files = {name: mode for name, mode in deployed.items() if (tmp_path / "site" / name).is_file()}
    folders = {name: mode for name, mode in deployed.items() if name not in files}
    assert set(files.values()) == {0o644}, files
    assert set(folders.values()) == {0o755}, folders
    assert "v0.1.0/_clips/03-attention-scores.mp4" in files and "latest/phases" in folders


# -- deploy names the path and what to do ------------------------------------------------------
def test_deploy_onto_a_site_path_that_is_a_file(tmp_path, capsys):
    site = tmp_path / "site"
    site.write_text("a file\n")
    code = deploy.main([str(fake_build(tmp_path, "dev", "a")), str(site), "--version", "dev"])
    assert code == 1
    assert f"{site} (the site) is a file, not a folder" in capsys.readouterr().err
    assert site.read_text() == "a file\n"


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (lambda text: text[: len(text) // 2], "is unreadable or not JSON"),
        (
            lambda text: json.dumps({k: v for k, v in json.loads(text).items() if k != "full"}),
            "has no 'full'",
        ),
        (lambda text: "[]", "holds a JSON list"),
    ],
    ids=["truncated", "without-full", "a-list"],
)
def test_deploy_with_a_damaged_clips_json_names_the_file(tmp_path, capsys, damage, says):
    build = fake_build(tmp_path, "dev", "a")
    manifest = build / "clips.json"
    manifest.write_text(damage(manifest.read_text()))
    code = deploy.main([str(build), str(tmp_path / "site"), "--version", "dev"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert f"{manifest} {says}" in err and "build the site again (nox -s docs)" in err
    assert not (tmp_path / "site" / "dev").exists()


# -- What an independent hostile read found (symlinks, odd manifests, odd site folders) ------------
def test_a_manifest_with_an_impossible_size_is_damage_not_a_traceback(tmp_path, fake_worker):
    cache = RenderCache(tmp_path / "cache")
    [clip] = render.render_phases(PHASES[:1], "low", cache, jobs=1)
    (clip.entry / "complete.json").write_text('{"files": {"clip.mp4": {"size": 1e999, "sha256": "x"}}}')
    result = cache_command(cache.root, "verify")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"damaged  {clip.entry.name}: its complete.json is unreadable" in result.stdout


def test_symlinks_in_a_cache_are_never_followed_nor_counted(tmp_path, fake_worker):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "big.bin").write_bytes(b"x" * 3_000_000)
    cache = RenderCache(tmp_path / "cache")
    cache.prepare()
    link = cache.root / "01-intro-0123456789abcdef0123"
    link.symlink_to(outside)  # named like an entry
    old = cache.staging("02-qkv-projection")
    write_fake_render(old, "0" * 64)
    (old / "linkfile").symlink_to(outside / "big.bin")
    old_entry = cache.commit(old, "02-qkv-projection", "0" * 64, {})
    before = checksums(outside)

    result = cache_command(cache.root, "prune")
    assert result.returncode == 0, result.stderr
    assert f"left     {link.name}: not an entry, left alone" in result.stdout
    assert f"removed  {old_entry.name}" in result.stdout and "pruned 1 folder(s), 0.0 MB" in result.stdout
    assert link.is_symlink() and checksums(outside) == before


def test_a_cachedir_tag_that_is_not_the_standards_is_the_users(tmp_path, fake_worker):
    folder = tmp_path / "cache"
    RenderCache(folder).prepare()
    (folder / CACHEDIR_TAG).write_text("my notes\n")  # someone's file of that name, beside entries
    (folder / "01-intro-0123456789abcdef0123").mkdir()
    (folder / "01-intro-0123456789abcdef0123" / "complete.json").write_text("{}")
    result = cache_command(folder, "prune")
    assert result.returncode == 2 and "is not the standard's" in result.stderr
    assert (folder / CACHEDIR_TAG).read_text() == "my notes\n"


def test_republishing_over_a_private_copy_makes_it_readable(tmp_path, fake_worker):
    clips = render.render_phases(PHASES[:1], "low", RenderCache(tmp_path / "cache"), jobs=1)
    out = tmp_path / "_clips"
    publish(clips, None, out)
    for path in out.iterdir():
        path.chmod(0o600)  # as the publisher before this fix left them
    with umask(0o022):
        publish(clips, None, out)
    assert set(modes(out).values()) == {0o644}


@pytest.mark.parametrize("where", ["dev", "latest"])
def test_deploy_refuses_a_file_where_a_version_folder_goes(tmp_path, where):
    site = tmp_path / "site"
    deploy.deploy(fake_build(tmp_path, "v0.1.0", "a"), site, "v0.1.0")
    if where == "latest":
        shutil.rmtree(site / "latest")
    (site / where).write_text("hi\n")
    before = checksums(site)
    with pytest.raises(deploy.DeployError, match=rf"{where} is not a version folder .*nothing was changed"):
        deploy.deploy(fake_build(tmp_path, "dev", "a"), site, "dev")
    assert checksums(site) == before


@pytest.mark.parametrize("damage", ["[1]", "{bad", "\xff"])
def test_a_damaged_latest_copy_is_copied_again(tmp_path, capsys, damage):
    site = tmp_path / "site"
    release = fake_build(tmp_path, "v0.1.0", "a")
    deploy.deploy(release, site, "v0.1.0")
    (site / "latest" / "clips.json").write_bytes(damage.encode("latin-1"))
    deploy.deploy(fake_build(tmp_path, "dev", "a"), site, "dev")
    assert "latest/ is damaged" in capsys.readouterr().out
    assert (site / "latest" / "clips.json").read_bytes() == (site / "v0.1.0" / "clips.json").read_bytes()

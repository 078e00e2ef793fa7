"""Atomic artefact writes: a failure leaves the previous version whole and no temporary files behind."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fashionrec.artifacts import ABANDONED_AFTER_S, _host, atomic_dir, redacted, write_json


def test_atomic_dir_replaces_only_on_success(tmp_path):
    out = tmp_path / "index"
    with atomic_dir(out) as tmp:
        (tmp / "a.txt").write_text("first")
    assert (out / "a.txt").read_text() == "first"

    with pytest.raises(RuntimeError), atomic_dir(out) as tmp:
        (tmp / "a.txt").write_text("half")
        raise RuntimeError("interrupted")
    assert (out / "a.txt").read_text() == "first"          # the previous version, untouched

    with atomic_dir(out) as tmp:
        (tmp / "b.txt").write_text("second")
    assert sorted(p.name for p in out.iterdir()) == ["b.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]   # no temp or .old folder left


def test_an_atomic_dir_gets_the_mode_a_plain_mkdir_would(tmp_path):
    mask = os.umask(0o022)
    try:
        with atomic_dir(tmp_path / "index") as tmp:
            (tmp / "a.txt").write_text("x")
    finally:
        os.umask(mask)
    assert (tmp_path / "index").stat().st_mode & 0o777 == 0o755      # mkdtemp alone leaves 0700


def test_write_json_leaves_no_temp_file(tmp_path):
    write_json(tmp_path / "m.json", {"a": 1})
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


@pytest.mark.skipif(os.name != "posix", reason="liveness is probed with os.kill(pid, 0)")
def test_temp_files_of_a_crashed_writer_are_cleared_and_live_or_foreign_ones_kept(tmp_path, dead_pid):
    host, dead, live = _host(), dead_pid, os.getppid()
    crashed_dir = tmp_path / f".index.{host}.{dead}.abc"         # atomic_dir of "index", killed mid-build
    crashed_file = tmp_path / f".a.json.{host}.{dead}.xyz.tmp"   # atomic_path of "a.json"
    writing = tmp_path / f".index.{host}.{live}.def"             # a live process is writing it now
    other_host = tmp_path / f".index.elsewhere.{dead}.ghi"       # a shared disk: that host's pids are not ours
    old = tmp_path / ".index.old"
    for d in (crashed_dir, writing, other_host, old):
        d.mkdir()
        (d / "part").write_text("x")
    crashed_file.write_text("{")
    odd = [tmp_path / f".a.json.{host}.{pid}.x.tmp" for pid in ("99999999999999999999", "²")]
    recent = tmp_path / f".index.{host}.{dead}.new"              # dead-looking, but written a minute ago
    for f in odd:
        f.write_text("?")
    recent.mkdir()
    hours_ago = time.time() - 2 * ABANDONED_AFTER_S
    for p in (crashed_dir, crashed_file, writing, other_host, *odd):
        os.utime(p, (hours_ago, hours_ago))

    with atomic_dir(tmp_path / "index") as tmp:
        (tmp / "f").write_text("new")
    write_json(tmp_path / "a.json", {"k": 1})

    assert not crashed_dir.exists() and not crashed_file.exists()
    assert writing.exists() and other_host.exists() and recent.exists() and all(f.exists() for f in odd)
    assert (tmp_path / "index" / "f").read_text() == "new"
    assert not old.exists()          # atomic_dir's own: removed once the new version is in place


def test_a_recorded_command_keeps_no_secret():
    # A scale-out trial found a Milvus password and token in an index's manifest.json and a report.
    argv = ["index", "build", "data", "--backend", "milvus", "--uri", "http://root:S3cret@db:19530", "--token",
            "root:Tok3n", "--out", "runs/index"]
    said = " ".join(redacted(argv))
    assert "S3cret" not in said and "Tok3n" not in said
    assert "--uri http://root:***@db:19530 --token *** --out runs/index" in said
    assert redacted(["--token=abc", "http://host:19530", "./a:b@c"]) == ["--token=***", "http://host:19530", "./a:b@c"]
    # A password with "@" in it, or a key with no user, as Milvus takes them (a review).
    assert redacted(["http://root:p@ss@db:19530", "http://:apikey@db", "http://root:pw@db/x@y"]) == \
        ["http://root:***@db:19530", "http://:***@db", "http://root:***@db/x@y"]


def test_atomic_dir_works_from_a_deleted_folder_and_puts_an_only_old_copy_back_last(tmp_path, monkeypatch):
    # From a shell whose folder was deleted, Path.cwd() raised: a traceback (a second review).
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    out = tmp_path / "out"
    with atomic_dir(out) as tmp:
        (tmp / "a").write_text("new")
    assert (out / "a").read_text() == "new"
    monkeypatch.chdir(tmp_path)
    # The folder gone and its old copy left (a stop mid-swap): that copy stays until the new one is in place.
    old = tmp_path / ".out.old"
    out.rename(old)
    with pytest.raises(RuntimeError), atomic_dir(out) as tmp:
        (tmp / "a").write_text("newer")
        raise RuntimeError
    assert (old / "a").read_text() == "new"
    with atomic_dir(out) as tmp:
        (tmp / "a").write_text("newer")
    assert (out / "a").read_text() == "newer" and not old.exists()


def test_text_is_written_as_utf8_whatever_the_locale(tmp_path):
    # In an ASCII locale (LC_ALL=C without Python's UTF-8 mode) `fashionrec eda` failed writing report.html, which
    # says it is UTF-8, on its own "·"; on Windows a catalogue's "Zoë" went out as cp1252 and "女装" failed.
    out = tmp_path / "report.html"
    # The text as escapes: the ASCII locale cannot read a command line that holds it.
    code = (r"import sys; from fashionrec.artifacts import write_text; "
            r"write_text(sys.argv[1], 'Zo\u00eb \u00b7 \u5973\u88c5')")
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    run = subprocess.run([sys.executable, "-c", code, str(out)], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert out.read_bytes() == "Zoë · 女装".encode()


@pytest.mark.parametrize(("program", "said"), [("fashionrec", "fashionrec"), ("__main__.py", "fashionrec"),
                                               ("cli.py", "fashionrec"), ("train.py", "fashionrec train")])
def test_the_command_is_recorded_however_the_cli_was_started(program, said, monkeypatch, tmp_path):
    # `python -m fashionrec train ...` was recorded as "python .../fashionrec/__main__.py train ...": a model card
    # rebuilt its Command from the config, and `tag` wrote a Python call into tags.json.
    from fashionrec.artifacts import COMMAND_ENV, invoked_command

    monkeypatch.delenv(COMMAND_ENV, raising=False)
    where = tmp_path / "fashionrec" / program if program != "fashionrec" else tmp_path / "bin" / "fashionrec"
    monkeypatch.setattr(sys, "argv", [str(where), "evaluate", "shop", "--split", "test"])
    assert invoked_command() == f"{said} evaluate shop --split test"


@pytest.fixture()
def flushes(monkeypatch):
    """What reached the disk, in order: ("sync", path) for each ``os.fsync`` and ("replace", src, dst) for each
    rename; ``durable()`` then checks that every rename's source was flushed before it and its folder after."""
    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc to tell which file a descriptor is")
    events: list[tuple] = []
    fsync, replace = os.fsync, os.replace

    def synced(fd):
        events.append(("sync", os.path.realpath(f"/proc/self/fd/{fd}")))
        return fsync(fd)

    def replaced(src, dst):
        events.append(("replace", os.path.realpath(src), os.path.realpath(dst)))
        return replace(src, dst)

    monkeypatch.setattr(os, "fsync", synced)
    monkeypatch.setattr(os, "replace", replaced)

    def durable(into: Path) -> list[tuple]:
        """The renames into the folder ``into``, each checked."""
        moves = [(i, e) for i, e in enumerate(events) if e[0] == "replace" and Path(e[2]).parent == into.resolve()]
        assert moves, f"nothing was renamed into {into}"
        for i, (_, src, dst) in moves:
            assert ("sync", src) in events[:i], f"{dst} renamed in before its data was flushed"
            assert ("sync", str(Path(dst).parent)) in events[i:], f"the rename onto {dst} was never flushed"
            if Path(src).is_dir():
                inside = [e[1] for e in events[:i] if e[0] == "sync" and e[1].startswith(src + os.sep)]
                assert inside, f"no file in {src} was flushed before it was renamed to {dst}"
        return moves

    return durable


def test_an_atomic_write_reaches_the_disk_before_and_after_its_rename(tmp_path, flushes):
    # A rename alone survives a kill, not a power cut: without fsync the new name could point at data never written
    # (an index review, stop 60).
    write_json(tmp_path / "metrics.json", {"top1": 0.9})
    assert len(flushes(tmp_path)) == 1
    with atomic_dir(tmp_path / "run") as tmp:
        (tmp / "weights").mkdir()
        (tmp / "weights" / "best.json").write_text("{}")
    flushes(tmp_path)


def test_an_index_folders_save_reaches_the_disk(tmp_path, flushes):
    from _recs_support import index_copy

    from fashionrec.index_delta import delta_names
    from fashionrec.recommend import Recommender

    folder = index_copy(tmp_path / "index")
    rec = Recommender.load(folder)
    rec.remove_product(int(rec.items["id"].iloc[0]))
    moved = {Path(e[2]).name for _, e in flushes(folder)}
    # A change is saved as a generation beside the base files (stop 65, index_delta); the base in full at a compaction.
    assert {*delta_names(rec.manifest["generation"]), "manifest.json"} <= moved
    rec.save(full=True)
    moved = {Path(e[2]).name for _, e in flushes(folder)}
    assert {"items.csv", "embeddings.npy", "text_embeddings.npy", "manifest.json"} <= moved

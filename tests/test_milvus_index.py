"""MilvusIndex: the vector-index protocol on Milvus Lite (file) and on `milvus-lite server` over loopback."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from _recs_support import fixture_catalog, index_copy, shared_recommender, tiny_tagger_path
from typer.testing import CliRunner

from fashionrec.cli import app
from fashionrec.errors import BadInputError, NotWritableError, VectorIndexError
from fashionrec.index import FaissIndex, VectorIndex, open_index
from fashionrec.index.milvus_index import MilvusIndex, collection_owner, filter_expression, normalise_uri
from fashionrec.recommend import Recommender
from fashionrec.tagger import Tagger

GENDERS = ("Men", "Women", "Unisex")


def _data(n=300, d=16, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    ids = np.arange(n, dtype=np.int64) * 3 + 7
    colours = ('Navy "Blue"', "Red", "Café", "Back\\slash", "Red")
    attrs = [{"gender": GENDERS[i % 3], "baseColour": colours[i % 5]} for i in range(n)]
    return ids, x, attrs


@pytest.fixture()
def milvus(tmp_path):
    ids, x, attrs = _data()
    idx = MilvusIndex(16, tmp_path / "t.db", "t")
    idx.add(ids, x, attrs)
    yield idx, ids, x, attrs
    idx.close()


def test_filter_expression_quotes_values():
    assert filter_expression({"gender": ["Men", "Unisex"]}) == 'gender in ["Men", "Unisex"]'
    assert filter_expression({"baseColour": 'x" or id > 0 or "'}) == r'baseColour in ["x\" or id > 0 or \""]'
    assert filter_expression({"gender": "Men"}, ids=np.array([3, 4])) == 'gender in ["Men"] and id in [3, 4]'
    assert filter_expression({"gender": None}) == ""
    assert filter_expression({"baseColour": "Café"}) == 'baseColour in ["Café"]'   # non-ASCII kept as is
    with pytest.raises(BadInputError, match="unknown filter"):
        filter_expression({"colour": "Red"})
    with pytest.raises(BadInputError, match="control character"):
        filter_expression({"baseColour": "Red\n"})


def test_credentials_in_the_uri_become_the_token_and_are_never_saved():
    assert normalise_uri("http://root:p%40ss@milvus.internal:19530") == ("http://milvus.internal:19530", "root:p@ss")
    assert normalise_uri("https://milvus.internal") == ("https://milvus.internal", None)
    path, token = normalise_uri("cat.db")
    assert Path(path).is_absolute() and token is None


def test_search_matches_exact_faiss(milvus):
    idx, ids, x, _ = milvus
    assert isinstance(idx, VectorIndex) and len(idx) == len(ids)
    exact = FaissIndex(16, kind="flat")
    exact.add(ids, x)
    s1, f1 = idx.search(x[:5], 10)
    s2, f2 = exact.search(x[:5], 10)
    assert (f1 == f2).all()
    np.testing.assert_allclose(s1, s2, atol=1e-5)
    allowed = ids[::37]
    _, f3 = idx.search(x[:5], 10, filter_ids=allowed)
    _, f4 = exact.search(x[:5], 10, filter_ids=allowed)
    assert (f3 == f4).all() and ((f3 >= 0).sum(axis=1) == len(allowed)).all()


@pytest.mark.parametrize("where", [{"gender": "Women"}, {"gender": ["Men", "Unisex"], "baseColour": 'Navy "Blue"'},
                                   {"baseColour": ["Café", "Back\\slash"]}])
def test_attribute_filter_is_pushed_down(milvus, where):
    idx, ids, x, attrs = milvus
    ok = np.array([all(a[key] in ([v] if isinstance(v, str) else v) for key, v in where.items()) for a in attrs])
    scores, found = idx.search(x[:3], 50, where=where)
    want = min(50, int(ok.sum()))
    assert ((found >= 0).sum(axis=1) == want).all()      # k results whenever k items match
    assert np.isin(found[:, :want], ids[ok]).all()


def test_ids_left_out_of_a_search_are_left_out_with_the_filters(milvus):
    # `exclude_ids` is the deny-list a narrowed search sends where fewer products are left out than kept (stop 74).
    idx, ids, x, attrs = milvus
    expr = filter_expression({"gender": "Men"}, exclude_ids=np.array([3, 4]))
    assert expr == 'gender in ["Men"] and id not in [3, 4]'
    assert filter_expression(exclude_ids=np.array([], np.int64)) == ""
    left_out = ids[::4]
    men = np.array([a["gender"] == "Men" for a in attrs])
    kept = np.setdiff1d(ids[men], left_out)
    _, want = idx.search(x[:3], 40, filter_ids=kept)
    _, got = idx.search(x[:3], 40, where={"gender": "Men"}, exclude_ids=left_out)
    assert (got == want).all() and (got >= 0).all() and not np.isin(got, left_out).any()


def test_remove_duplicates_and_reopen(milvus, tmp_path):
    idx, ids, x, attrs = milvus
    with pytest.raises(BadInputError, match="duplicate"):
        idx.add(ids[:2], x[:2], attrs[:2])
    assert idx.remove(np.array([ids[0], 999_999])) == 1 and len(idx) == len(ids) - 1
    _, found = idx.search(x[:1], 3)
    assert ids[0] not in found
    idx.save(tmp_path / "folder")
    again = open_index(tmp_path / "folder")
    assert isinstance(again, MilvusIndex) and len(again) == len(ids) - 1
    (tmp_path / "gone").mkdir()
    (tmp_path / "gone" / "vectors.json").write_text(
        '{"backend": "milvus", "uri": "%s", "collection": "nope", "dim": 16}' % (tmp_path / "t.db"))
    with pytest.raises(VectorIndexError, match="no collection"):
        open_index(tmp_path / "gone")
    with pytest.raises(VectorIndexError, match="file .*moved.db is missing"):
        open_index(tmp_path / "folder", uri=str(tmp_path / "moved.db"))
    assert not (tmp_path / "moved.db").exists()


def test_a_collection_milvus_cannot_load_is_said_with_how_to_mend_it(milvus, tmp_path, monkeypatch):
    # After a process was killed beside it, Milvus Lite said only "Failed to read all data for array ... (file seems
    # not fully written?)" as a MilvusException, from deep in pymilvus (a full test run at stop 63).
    from pymilvus import MilvusClient
    from pymilvus.exceptions import MilvusException

    idx = milvus[0]
    idx.save(tmp_path / "folder")

    def unreadable(self, *args, **kwargs):
        raise MilvusException(1, "Failed to read all data for array. (file seems not fully written?)")

    monkeypatch.setattr(MilvusClient, "load_collection", unreadable)
    with pytest.raises(VectorIndexError, match=r"could not load the collection 't': Failed to read all data .*"
                                               r"rebuild the index with `fashionrec index build --backend milvus`"):
        open_index(tmp_path / "folder")


def _whole(files: list[Path]) -> bool:
    """Whether each of Milvus Lite's (FLAT) index files reads back whole."""
    for f in files:
        try:
            np.load(f)
        except ValueError:
            return False
    return True


@pytest.mark.parametrize("wait", ["engine", "files"])
def test_a_change_returns_once_milvus_lite_has_written_its_index_files(tmp_path, monkeypatch, caplog, wait):
    # Milvus Lite writes each new segment's index file in place, on a thread of its own, after a flush: an add killed
    # at the folder's save, just after the add returned, left the file cut short, and every load after failed ("Failed
    # to read all data for array ... file seems not fully written?"; a test's kill -9, once in four full runs, stop 63).
    # "files": a milvus-lite without the private `_wait_for_bg` (only flushed until stop 68: the files cut short).
    from milvus_lite.engine.collection import Collection
    from milvus_lite.index.brute_force import BruteForceIndex

    from fashionrec.index import milvus_index

    if wait == "files":
        monkeypatch.delattr(Collection, "_wait_for_bg")
        monkeypatch.setattr(milvus_index, "_NO_WAIT_SAID", set())

    save = BruteForceIndex.save

    def slow(self, path):       # that thread's write, late as on a loaded machine
        time.sleep(0.5)
        save(self, path)

    monkeypatch.setattr(BruteForceIndex, "save", slow)
    ids, x, attrs = _data(n=20)
    idx = MilvusIndex(16, tmp_path / "w.db", "w")
    for change in (lambda: idx.add(ids[:10], x[:10], attrs[:10]), lambda: idx.add(ids[10:], x[10:], attrs[10:]),
                   lambda: idx.remove(ids[:2])):
        change()
        data = {p.stem for p in (tmp_path / "w.db").glob("collections/w/partitions/*/data/*.parquet")}
        files = idx._index_files()
        assert data and {f.name.split(".")[0] for f in files} == data and _whole(files)
    idx.close()
    assert ("has no collection._wait_for_bg" in caplog.text) == (wait == "files")


def test_an_index_file_cut_short_by_a_kill_is_made_again_by_the_next_load(milvus, tmp_path, caplog):
    # Each load of the folder failed, "rebuild the index", where a process killed while Milvus Lite wrote an index file
    # had left it cut short; the file is made from the collection's data, so the load makes it again.
    from milvus_lite.server_manager import server_manager_instance

    idx, ids, x, _ = milvus
    idx.save(tmp_path / "folder")
    before = idx.search(x[:5], k=10)
    server_manager_instance.release_server(idx.uri)     # as a process of its own opens the file
    (cut,) = idx._index_files()
    cut.write_bytes(cut.read_bytes()[:1000])            # the header and part of the vectors, as the kill left it
    assert not _whole([cut])
    again = open_index(tmp_path / "folder")
    assert len(again) == len(ids) and _whole(again._index_files())
    assert all(np.array_equal(a, b) for a, b in zip(again.search(x[:5], k=10), before, strict=True))
    assert "index files were made again" in caplog.text


def test_milvus_lites_info_lines_are_kept_out_of_the_log(tmp_path, caplog):
    # Each segment indexed and each compaction was an INFO line: some 330 of them in a build that carried 247 added
    # products over, one per product inside `index add FOLDER`'s progress bar, and a "server stopped" line after
    # each command's output (a scale-out trial). Made by one insert at a time, as an add makes them.
    import logging

    ids, x, attrs = _data(n=12)
    with caplog.at_level(logging.INFO):
        idx = MilvusIndex(16, tmp_path / "quiet.db", "q")
        for i in range(len(ids)):
            idx.add(ids[i:i + 1], x[i:i + 1], attrs[i:i + 1])
        idx.remove(ids[:3])
        assert len(idx) == len(ids) - 3
        idx.close()
    assert not [r for r in caplog.records if r.name.startswith("milvus_lite")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def milvus_server(tmp_path_factory):
    """`milvus-lite server` on 127.0.0.1: the gRPC client/server path a Milvus cluster uses."""
    port = _free_port()
    data = tmp_path_factory.mktemp("milvus-server")
    exe = Path(sys.executable).with_name("milvus-lite")
    proc = subprocess.Popen([str(exe), "server", "--data-dir", str(data), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"milvus-lite server exited with code {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("milvus-lite server did not listen within 60 s")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=30)


def test_recommender_on_milvus_server(milvus_server, tmp_path):
    out = tmp_path / "index"
    rec = Recommender.build(fixture_catalog(), Tagger.load(tiny_tagger_path()), out, progress=False,
                            backend="milvus", uri=milvus_server)
    assert rec.index.uri == milvus_server and len(rec.index) == len(rec)
    ref = shared_recommender("faiss")
    i = int(ref.items["id"].iloc[3])
    for filters in (None, {"gender": "Men"}, {"subCategory": ["Topwear", "Shoes"]}):
        assert [r.id for r in rec.similar(i, k=8, filters=filters)] == \
            [r.id for r in ref.similar(i, k=8, filters=filters)], filters

    # The CLI on the same server: build, then recommend with --backend/--uri.
    runner = CliRunner()
    res = runner.invoke(app, ["recommend", "similar", str(i), "--index", str(out), "--backend", "milvus",
                              "--uri", milvus_server, "-k", "3", "--json", "--gender", "Men"])
    assert res.exit_code == 0, res.output
    assert f'"id": {rec.similar(i, k=1, filters={"gender": "Men"})[0].id}' in res.output
    res = runner.invoke(app, ["recommend", "similar", str(i), "--index", str(out), "--backend", "faiss"])
    assert res.exit_code != 0 and "holds a milvus index, not faiss" in " ".join(res.output.split())


def test_rebuild_keeps_the_replaced_collection_one_generation(milvus_server, tmp_path):
    """A server still holding the replaced folder keeps answering; the generation before it is dropped."""
    out = tmp_path / "index"
    tagger = Tagger.load(tiny_tagger_path())
    build = lambda: Recommender.build(fixture_catalog(), tagger, out, progress=False,  # noqa: E731
                                      backend="milvus", uri=milvus_server)
    first = build()
    i = int(first.items["id"].iloc[0])
    second = build()
    assert second.index.previous["collection"] == first.index.collection
    assert [r.id for r in first.similar(i, k=5)] == [r.id for r in second.similar(i, k=5)]  # still served
    third = build()
    client = third.index.client
    assert not client.has_collection(first.index.collection)
    assert client.has_collection(second.index.collection) and client.has_collection(third.index.collection)
    assert Recommender.load(out).index.previous["collection"] == second.index.collection
    # Rebuilt as FAISS (the default backend): the server on the Milvus folder kept answering only until this
    # build dropped its collection (a scale-out trial: 500 on every search). It is kept one generation too.
    fourth = Recommender.build(fixture_catalog(), tagger, out, progress=False)
    assert client.has_collection(third.index.collection) and not client.has_collection(second.index.collection)
    assert [r.id for r in third.similar(i, k=5)] == [r.id for r in fourth.similar(i, k=5)]  # still served
    assert fourth.manifest["previous_milvus"]["collection"] == third.index.collection
    Recommender.build(fixture_catalog(), tagger, out, progress=False)
    assert not client.has_collection(third.index.collection)


def test_a_build_finds_milvus_out_of_reach_before_embedding(tmp_path, monkeypatch):
    # A wrong --uri or a Lite file in use was found after every photo was embedded (20-50 s on 1,500 products).
    import fashionrec.index_build as index_build

    def no_embedding(*args, **kwargs):
        raise AssertionError("embedded before Milvus was reached")

    monkeypatch.setattr(index_build, "embed_reusing", no_embedding)
    tagger = Tagger.load(tiny_tagger_path())
    with pytest.raises(VectorIndexError, match=r"ends in \.db"):
        Recommender.build(fixture_catalog(), tagger, tmp_path / "index", progress=False, backend="milvus",
                          uri=str(tmp_path / "catalogue"))
    assert not (tmp_path / "index").exists()


def test_the_file_in_use_hint_is_given_only_where_the_file_could_not_be_opened(tmp_path, monkeypatch):
    # It was added to every error on a file URI (a missing milvus-lite, a path without .db).
    import pymilvus

    from fashionrec.index.milvus_index import connect

    def refuse(why):
        def client(**kwargs):
            raise RuntimeError(why)
        return client

    hint = "opened by one process at a time"
    monkeypatch.setattr(pymilvus, "MilvusClient", refuse("<ConnectionConfigException: Open local milvus failed>"))
    with pytest.raises(VectorIndexError, match=hint) as said:
        connect(tmp_path / "a.db")
    # An add beside a server cannot write another --uri (the hint said to give one, a scale-out trial): the API can.
    assert "POST and DELETE /api/items" in str(said.value) and "a build can write another --uri" in str(said.value)
    monkeypatch.setattr(pymilvus, "MilvusClient", refuse("milvus-lite is required for local database connections"))
    with pytest.raises(VectorIndexError) as said:
        connect(tmp_path / "a.db")
    assert "milvus-lite is required" in str(said.value) and hint not in str(said.value)


def test_a_collection_that_cannot_be_dropped_is_said_with_how_to_drop_it(monkeypatch, caplog):
    # Left behind for good (no later build names it) with no word of how to drop it (a scale-out trial).
    import fashionrec.index.milvus_index as milvus_index
    from fashionrec.index_build import _drop_replaced

    def in_use(*args, **kwargs):
        raise RuntimeError("Open local milvus failed\nmore lines")

    monkeypatch.setattr(milvus_index, "connect", in_use)
    with caplog.at_level("WARNING", logger="fashionrec.index_build"):
        _drop_replaced({"uri": "/x/old.db", "collection": "fashionrec_old", "dim": 8}, object(), None, Path("/x/i"))
    said = " ".join(caplog.text.split())
    assert "could not drop the replaced Milvus collection fashionrec_old at /x/old.db (Open local milvus " \
        "failed)" in said
    assert "MilvusClient(uri='/x/old.db').drop_collection('fashionrec_old')" in said and "more lines" not in said


def test_a_stop_while_the_replaced_folder_is_deleted_keeps_the_new_folders_collection(tmp_path, monkeypatch):
    # The new folder was in place, but the build's clean-up dropped the collection it names: every load then said
    # "has no collection ...; rebuild the index" (a code review's Ctrl-C while `.index.old` was deleted).
    import shutil

    import fashionrec.artifacts as artifacts

    out = tmp_path / "index"
    tagger = Tagger.load(tiny_tagger_path())
    first = Recommender.build(fixture_catalog(), tagger, out, progress=False, backend="milvus")
    delete = shutil.rmtree

    def stopped_on_the_old_folder(path, *args, **kwargs):
        if Path(path).name == ".index.old":
            raise KeyboardInterrupt
        return delete(path, *args, **kwargs)

    monkeypatch.setattr(artifacts.shutil, "rmtree", stopped_on_the_old_folder)
    with pytest.raises(KeyboardInterrupt):
        Recommender.build(fixture_catalog(), tagger, out, progress=False, backend="milvus")
    monkeypatch.setattr(artifacts.shutil, "rmtree", delete)
    again = Recommender.load(out)
    assert len(again) == len(again.index) == len(first)
    assert again.index.previous["collection"] == first.index.collection     # kept one generation, as ever
    i = int(first.items["id"].iloc[0])
    assert [r.id for r in again.similar(i, k=3)] == [r.id for r in first.similar(i, k=3)]


def test_a_copy_of_a_milvus_folder_cannot_change_the_collection_it_shares(tmp_path):
    # `cp -r milvus backup; fashionrec index remove ID --index backup` took the product out of the collection both
    # name, and every load of the other folder said "inconsistent ...; rebuild it" (stop 60's index review).
    import shutil

    folder = index_copy(tmp_path / "index", "milvus")
    count = len(Recommender.load(folder))
    backup = shutil.copytree(folder, tmp_path / "backup")
    first = int(Recommender.load(backup).items["id"].iloc[0])
    res = CliRunner().invoke(app, ["index", "remove", str(first), "--index", str(backup)])
    said = " ".join(res.output.split())
    assert res.exit_code != 0 and f"{backup} is a copy of the index folder {folder.resolve()}" in said
    assert f"fashionrec index build DATA_DIR --out {backup} --backend milvus" in said
    original = Recommender.load(folder)
    assert len(original) == len(original.index) == count and first in original._row
    # Changed through the original, the copy says so, not "inconsistent; rebuild it".
    original.remove_product(int(original.items["id"].iloc[1]))
    with pytest.raises(VectorIndexError, match=rf"backup is a copy of the index folder .*: copy {folder.resolve()} "
                                               "again, or build this folder again"):
        Recommender.load(backup)
    # Rebuilt, the copy has a collection of its own, which it may change; two rebuilds on, the collection it was
    # copied with (kept a generation, then dropped) is still the original's.
    tagger = Tagger.load(tiny_tagger_path())
    for _ in range(2):
        Recommender.build(fixture_catalog(), tagger, backup, progress=False, backend="milvus")
    Recommender.load(backup).remove_product(first)
    original = Recommender.load(folder)
    assert len(original) == len(original.index) == count - 1 and first in original._row
    assert len(Recommender.load(backup)) == count - 1 and first not in Recommender.load(backup)._row


def test_a_uri_without_the_folders_collection_names_the_uri_it_was_built_on(tmp_path):
    # `recommend similar ID --index runs/index --backend milvus --uri http://...` on a folder built into a Lite file
    # said "has no collection ...; rebuild the index" alone, where leaving --uri out opens it (stop 74).
    folder = index_copy(tmp_path / "index", "milvus")
    built_on = json.loads((folder / "vectors.json").read_text())["uri"]
    MilvusIndex(16, tmp_path / "other.db", "another").close()
    with pytest.raises(VectorIndexError, match="has no collection") as e:
        Recommender.load(folder, uri=str(tmp_path / "other.db"))
    assert f"built on {built_on}" in str(e.value) and "leave out --uri" in str(e.value)


def test_a_moved_milvus_folder_takes_its_collection_along(tmp_path):
    import shutil

    folder = index_copy(tmp_path / "index", "milvus")
    moved = Path(shutil.move(folder, tmp_path / "moved"))
    rec = Recommender.load(moved)
    rec.remove_product(int(rec.items["id"].iloc[0]))
    assert len(Recommender.load(moved).index) == len(rec)
    assert collection_owner(rec.index.client, rec.index.collection) == str(moved.resolve())
    copy = shutil.copytree(moved, tmp_path / "copy")        # the moved folder is now the one a copy defers to
    with pytest.raises(NotWritableError, match="is a copy of the index folder"):
        Recommender.load(copy).remove_product(int(rec.items["id"].iloc[1]))


@pytest.mark.parametrize("filters", [None, {"gender": ["Men", "Unisex"]}])
def test_products_left_out_past_milvus_limit_on_k_are_searched_past_as_faiss_does(monkeypatch, filters):
    # A Milvus search returns at most 16,384 products: where the products left out of a list (sold out, the page's
    # own) pushed the search past it, the cut was read as the index exhausted, and Milvus listed fewer and other
    # products than FAISS (stop 68; at 178 products the limit is made 40, and the 35 nearest are left out).
    from fashionrec.index import milvus_index

    faiss, milvus = shared_recommender("faiss"), shared_recommender("milvus")
    monkeypatch.setattr(milvus_index, "MAX_TOPK", 40)
    src = int(faiss.items["id"].iloc[0])
    query = faiss.vector(src)
    near, _ = faiss._neighbours(query, 36, filters, set())
    left_out = {int(i) for i in near[1:]} | {src}
    want, want_scores = faiss._neighbours(query, 10, filters, left_out)
    sent = []
    search = milvus.index.search

    def counted(*args, **kw):
        sent.append(max(len(kw.get("filter_ids", ())), len(kw.get("exclude_ids", ()))))
        return search(*args, **kw)

    monkeypatch.setattr(milvus.index, "search", counted)
    got, got_scores = milvus._neighbours(query, 10, filters, left_out)
    assert len(want) == 10 and list(got) == list(want) and np.allclose(got_scores, want_scores, atol=1e-4)
    # The shorter list goes to Milvus: the 36 left out, not the 142 (of 178) kept as one `id in [...]` (stop 74).
    assert 0 < max(sent) <= len(left_out)

"""`fashionrec recommend export`: every product's lists as one table, the very lists its page shows."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest
from _recs_support import built_index, export_in_fresh_process, shared_recommender
from typer.testing import CliRunner

from fashionrec.cli import app
from fashionrec.errors import BadInputError, DamagedFileError, NotFoundError
from fashionrec.rec_export import COLUMNS, EXPORT_COLUMNS, default_workers, export_recommendations, read_export
from fashionrec.results import PRODUCT_PAGE


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple:
    out = tmp_path_factory.mktemp("export") / "recs.parquet"
    summary = export_recommendations(shared_recommender(), out, progress=False)
    return out, summary


def test_every_product_gets_the_lists_its_page_shows(exported) -> None:
    rec = shared_recommender()
    out, summary = exported
    table, recorded = read_export(out)
    assert recorded == summary and list(table.columns) == list(EXPORT_COLUMNS)
    assert list(table.columns)[:len(COLUMNS)] == list(COLUMNS)     # a reader by position finds them where they were
    assert summary["products"] == len(rec) == table["item_id"].nunique() and summary["none"]["similar"] == 0
    assert summary["index"]["build_id"] == rec.manifest["build_id"] and summary["k"] == PRODUCT_PAGE
    for item_id in rec.items["id"].astype(int).tolist()[:25]:
        mine = table[table["item_id"] == item_id]
        similar, colours = rec.product_page(item_id)       # its colourways in the second row, not the first
        expected = {
            "similar": similar,
            "other_colours": colours,
            "outfit": rec.complete_the_look(item_id, k=PRODUCT_PAGE["outfit"]),
        }
        for kind, recs in expected.items():
            rows = mine[mine["kind"] == kind].sort_values("rank")
            assert rows["rec_id"].tolist() == [r.id for r in recs], (item_id, kind)
            assert rows["rank"].tolist() == list(range(1, len(recs) + 1))
            assert rows["reason"].tolist() == [r.reason for r in recs]
            # The measure beside the capped score (stop 69: the export had the capped score alone), none in a look.
            raw = [np.nan if r.raw_score is None else r.raw_score for r in recs]
            np.testing.assert_allclose(rows["raw_score"].to_numpy(float), raw, rtol=1e-6)
            if kind == "outfit":
                assert rows["slot"].tolist() == [r.slot for r in recs]
    # The products given fewer than asked are counted, kind by kind, as the table holds them.
    for kind, k in PRODUCT_PAGE.items():
        per_item = table[table["kind"] == kind].groupby("item_id").size().reindex(rec.items["id"], fill_value=0)
        assert summary["short"][kind] == int((per_item < k).sum())
        assert summary["none"][kind] == int((per_item == 0).sum())
        # ... and those with none named: a back end could not tell them from products left out (a code review).
        assert summary["none_ids"][kind] == [int(i) for i in per_item.index[per_item == 0]]
    assert not (table["item_id"] == table["rec_id"]).any(), "no product is its own recommendation"


def test_processes_side_by_side_write_the_same_table_and_pass_on_what_stopped_one(exported, tmp_path: Path) -> None:
    rec = shared_recommender()
    out, summary = exported
    one = export_recommendations(rec, tmp_path / "one.parquet", workers=1, progress=False)
    assert one["workers"] == 1 and one["workers_why"] is None
    assert read_export(tmp_path / "one.parquet")[0].equals(read_export(out)[0])
    with pytest.raises(BadInputError, match="workers must be a whole number"):
        export_recommendations(rec, tmp_path / "zero.parquet", workers=0, progress=False)
    # Forked workers, in a process of their own: this one may have other threads (Milvus Lite's, from another file).
    stop = [{"out": str(tmp_path / f"{name}.parquet"), "kwargs": {"workers": 2}, "stop_at_last": name}
            for name in ("DamagedFileError", "KeyboardInterrupt")]
    default, damaged, interrupted = export_in_fresh_process(built_index(), [
        {"out": str(tmp_path / "default.parquet")}, *stop])
    # By default as many as the cores allow (178 products are six handfuls), with nothing to say why fewer.
    assert default["threads"] == [] and default["summary"]["workers"] == min(default_workers(), 6)
    assert default["summary"]["workers_why"] is None
    assert read_export(tmp_path / "default.parquet")[0].equals(read_export(out)[0])
    # What stops a worker reaches the caller, in its words; a stop that is no error does not leave it waiting.
    assert (damaged.get("error"), damaged.get("message")) == ("DamagedFileError", "the look's table is damaged")
    assert interrupted.get("error") == "RuntimeError", interrupted
    assert interrupted["message"] == "a worker stopped on KeyboardInterrupt()"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["default.parquet", "one.parquet"]


def test_one_process_where_forking_is_unsafe_and_says_why(tmp_path: Path) -> None:
    # A Milvus index in one process: its client's connection is not one a forked copy may share. It ran on one
    # process without a word where four were asked for.
    rec = shared_recommender()
    milvus = export_recommendations(shared_recommender("milvus"), tmp_path / "milvus.parquet", workers=4,
                                    kinds=["similar"], progress=False)
    assert milvus["workers"] == 1 and milvus["products"] == len(rec)
    assert "Milvus index" in milvus["workers_why"]
    res = CliRunner().invoke(app, ["recommend", "export", "--index", str(built_index("milvus")), "--out",
                                   str(tmp_path / "milvus.csv"), "--kinds", "similar", "--workers", "3"])
    assert res.exit_code == 0 and "(1 process)" in res.output, res.output
    assert "one process: a Milvus index's client connection cannot be shared" in " ".join(res.output.split())
    # Another thread running here: a fork leaves it behind, and a lock it held stays held in the child for ever (a
    # whole-suite run hung in such a child, stop 69). Milvus Lite's gRPC threads are such threads once it has run.
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, name="a-server-thread", daemon=True)
    other.start()
    try:
        summary = export_recommendations(rec, tmp_path / "threads.parquet", workers=2, progress=False)
    finally:
        stop.set()
        other.join()
    # Named, up to three (Milvus Lite's above may come first).
    assert summary["workers"] == 1 and "other threads run in this process (" in summary["workers_why"]
    # Asked for one, there is nothing to explain; the table is the same.
    assert export_recommendations(rec, tmp_path / "one.parquet", workers=1, progress=False)["workers_why"] is None
    assert read_export(tmp_path / "threads.parquet")[0].equals(read_export(tmp_path / "one.parquet")[0])


def test_some_products_some_lists_as_csv_beside_what_they_were_made_from(tmp_path: Path) -> None:
    rec = shared_recommender()
    ids = rec.items["id"].astype(int).tolist()[:3]
    out = tmp_path / "recs.csv"
    summary = export_recommendations(rec, out, kinds=["outfit", "similar"], k={"similar": 2}, ids=[ids[2], *ids],
                                     progress=False)
    table, recorded = read_export(out)
    assert (tmp_path / "recs.csv.json").is_file() and recorded["kinds"] == ["outfit", "similar"]
    assert summary["products"] == 3 and table["item_id"].unique().tolist() == [ids[2], ids[0], ids[1]]
    assert set(table["kind"]) <= {"outfit", "similar"} and table.groupby(["item_id", "kind"]).size().max() <= 4
    assert (table[table["kind"] == "similar"].groupby("item_id").size() == 2).all()
    assert table.loc[table["kind"] == "similar", "slot"].isna().all()
    # The measure read back as numbers, a look's as none (not "" text, which made the column strings).
    assert table["raw_score"].dtype.kind == "f" and table.loc[table["kind"] == "outfit", "raw_score"].isna().all()
    assert (table.loc[table["kind"] == "similar", "raw_score"] >= table.loc[table["kind"] == "similar", "score"]
            - 1e-6).all()
    # UTF-8 with its mark, which Excel needs to read a reason's "·" as such (without it: "Â·").
    assert out.read_bytes().startswith("\ufeffitem_id,".encode())


def test_bad_requests_are_refused_before_any_work_and_write_nothing(tmp_path: Path, monkeypatch) -> None:
    rec = shared_recommender()
    out = tmp_path / "recs.parquet"
    with pytest.raises(NotFoundError, match="1 of the ids is not in the index: 999999999"):
        export_recommendations(rec, out, ids=[int(rec.items["id"].iloc[0]), 999999999], progress=False)
    with pytest.raises(BadInputError, match="choose among similar, other_colours, outfit"):
        export_recommendations(rec, out, kinds=["looks"], progress=False)
    with pytest.raises(BadInputError, match=r"\.parquet or \.csv"):
        export_recommendations(rec, tmp_path / "recs.xlsx", progress=False)
    with pytest.raises(BadInputError, match="k must be"):
        export_recommendations(rec, out, k={"similar": 0}, progress=False)
    # As the command line refuses them (a review): a size for a list not exported, and no ids at all.
    with pytest.raises(BadInputError, match=r"k for similar, which kinds \['outfit'\] leaves out"):
        export_recommendations(rec, out, kinds=["outfit"], k={"similar": 3}, progress=False)
    with pytest.raises(BadInputError, match="ids is empty"):
        export_recommendations(rec, out, ids=[], progress=False)
    assert not list(tmp_path.iterdir())
    # Stopped partway: the file written before is left as it was, with no temporary file beside it.
    export_recommendations(rec, out, ids=[int(rec.items["id"].iloc[0])], progress=False)
    before = out.read_bytes()

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(type(rec), "complete_the_look", stopped)
    with pytest.raises(KeyboardInterrupt):
        export_recommendations(rec, out, progress=False)
    assert out.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["recs.parquet"]


def test_the_command_writes_the_table_and_says_what_fell_short(tmp_path: Path) -> None:
    rec = shared_recommender()
    some = [str(i) for i in rec.items["id"].astype(int).tolist()[:4]]
    out = tmp_path / "recs.csv"
    res = CliRunner().invoke(app, ["recommend", "export", *some, "--index", str(built_index()), "--out", str(out),
                                   "--kinds", "similar,outfit", "-k", "3"])
    assert res.exit_code == 0, res.output
    said = " ".join(res.output.split())
    table, summary = read_export(out)
    assert f"{len(table):,} recommendations of 4 products (similar 3, outfit 4)" in said
    if summary["short"]["outfit"]:
        assert f"outfit: {summary['short']['outfit']} products have fewer than 4" in said
    # A size for a list the kinds leave out would be dropped without a word.
    res = CliRunner().invoke(app, ["recommend", "export", "--index", str(built_index()), "--out", str(out),
                                   "--kinds", "outfit", "-k", "3"])
    assert res.exit_code == 2 and "-k is for similar, which --kinds outfit leaves out" in " ".join(res.output.split())
    # Each size names its flag (all three said "k must be ..."; an integrator's trial).
    res = CliRunner().invoke(app, ["recommend", "export", "--index", str(built_index()), "--out", str(out),
                                   "--outfit-k", "-1"])
    assert res.exit_code == 2 and "--outfit-k must be a whole number between 1 and" in " ".join(res.output.split())
    # And --kinds ("kinds 'looks'" named no flag: an operator's trial).
    res = CliRunner().invoke(app, ["recommend", "export", "--index", str(built_index()), "--out", str(out),
                                   "--kinds", "looks"])
    assert res.exit_code == 2 and "(--kinds 'looks'): choose among" in " ".join(res.output.split())
    # One product: "1 product", not "1 products".
    res = CliRunner().invoke(app, ["recommend", "export", some[0], "--index", str(built_index()), "--out", str(out),
                                   "--kinds", "similar"])
    assert res.exit_code == 0 and " of 1 product (similar 12)" in " ".join(res.output.split()), res.output
    # A file of something else given as --out is not replaced (a shop's own CSV was, without a word); an earlier
    # export is, and a CSV whose summary is another export's is refused where it is read.
    mine = tmp_path / "mine.csv"
    mine.write_text("customer,total\n1,2\n")
    res = CliRunner().invoke(app, ["recommend", "export", some[0], "--index", str(built_index()), "--out", str(mine)])
    assert res.exit_code == 2 and "exists and is no recommendations export" in " ".join(res.output.split())
    assert mine.read_text() == "customer,total\n1,2\n"
    folder_sidecar = tmp_path / "side.csv"
    (tmp_path / "side.csv.json").mkdir()
    res = CliRunner().invoke(app, ["recommend", "export", some[0], "--index", str(built_index()), "--out",
                                   str(folder_sidecar)])
    assert res.exit_code == 2 and not folder_sidecar.exists()        # refused before the CSV was written
    table, summary = read_export(out)
    summary["rows"] += 1
    (tmp_path / "recs.csv.json").write_text(json.dumps(summary))
    with pytest.raises(DamagedFileError, match="one of them is from another export"):
        read_export(out)
    # As many rows, other contents (another export's CSV beside this summary): told by the CSV's digest.
    summary["rows"] -= 1
    (tmp_path / "recs.csv.json").write_text(json.dumps(summary))
    assert read_export(out)[1]["csv_sha256"]
    text = out.read_text().splitlines()
    text[1] = text[1].replace(",1,", ",2,", 1)
    out.write_text("\n".join(text) + "\n")
    with pytest.raises(DamagedFileError, match="other contents"):
        read_export(out)
    (tmp_path / "recs.csv.json").write_text("{cut short")
    with pytest.raises(DamagedFileError, match="cannot be read"):
        read_export(out)


def test_the_commands_json_says_what_was_written_where(tmp_path: Path) -> None:
    # `recommend export` had no --json ("No such option: --json (Possible options: --token)"): a script had its
    # lines alone to read what was written where (an operator's trial). The summary the file records, and where.
    some = [str(i) for i in shared_recommender().items["id"].astype(int).tolist()[:3]]
    for name, beside in (("recs.csv", "recs.csv.json"), ("recs.parquet", None)):
        out = tmp_path / name
        res = CliRunner().invoke(app, ["recommend", "export", *some, "--index", str(built_index()), "--out", str(out),
                                       "--kinds", "similar", "-k", "2", "--json"])
        assert res.exit_code == 0, res.output
        said = json.loads(res.stdout)       # the JSON alone on stdout
        table, summary = read_export(out)
        assert said == {"out": str(out), "summary_file": str(tmp_path / beside) if beside else None, **summary}
        assert said["products"] == 3 and said["rows"] == len(table) and said["k"] == {"similar": 2}
    # A failure is {"detail": ...}, as every --json command's.
    res = CliRunner().invoke(app, ["recommend", "export", "--index", str(built_index()), "--out", str(out),
                                   "--kinds", "looks", "--json"])
    assert res.exit_code == 2 and "--kinds 'looks'" in json.loads(res.stdout)["detail"], res.output


def test_a_forked_worker_has_locks_of_its_own(monkeypatch) -> None:
    # A worker forked while another thread of the parent held the recommender's lock (a Python service adding a
    # product beside an export) had a copy held by a thread it does not have: its first search waited for ever
    # (a review). The worker's are its own; the parent's are left as they are.
    import threading
    import types

    from fashionrec import rec_export
    from fashionrec.rwlock import RWLock

    rec = types.SimpleNamespace(lock=RWLock(), _build_lock=threading.RLock())
    held = threading.Event()
    done = threading.Event()

    def writer():
        with rec.lock.write():
            held.set()
            done.wait(5)

    threading.Thread(target=writer, daemon=True).start()
    held.wait(5)
    parents = rec.lock
    monkeypatch.setattr(rec_export, "_JOB", (rec, [], {}))
    monkeypatch.setattr(rec_export.signal, "signal", lambda *args: None)      # the test process's own, kept
    rec_export._quiet_worker()
    assert rec.lock is not parents
    with rec.lock.read():       # would wait for the parent's writer with the copied lock
        pass
    done.set()


def test_a_hidden_products_lists_are_left_out_and_said_unless_asked_for(tmp_path: Path) -> None:
    # A product the shop hides had its lists written as any other's (stop 75): a shop importing them showed
    # recommendations on a page it hides. Left out and said; --include-hidden writes them; asked for alone, refused.
    rec = shared_recommender()
    ids = rec.items["id"].astype(int).tolist()[:4]
    rec.set_hidden({ids[1]: True}, save=False)       # in memory: the shared index is not changed
    out = tmp_path / "recs.csv"
    summary = export_recommendations(rec, out, kinds=["similar"], k={"similar": 3}, ids=ids, progress=False,
                                     workers=1)
    table, recorded = read_export(out)
    assert ids[1] not in set(table["item_id"]) and ids[1] not in set(table["rec_id"])
    assert summary["products"] == 3 and recorded["hidden"]["left_out"] == 1 and recorded["hidden"]["ids"] == [ids[1]]
    summary = export_recommendations(rec, out, kinds=["similar"], k={"similar": 3}, ids=ids, progress=False,
                                     workers=1, include_hidden=True)
    table = read_export(out)[0]
    assert ids[1] in set(table["item_id"]) and ids[1] not in set(table["rec_id"])
    assert summary["hidden"]["included"] and summary["hidden"]["left_out"] == 0 and summary["products"] == 4
    with pytest.raises(BadInputError, match="hidden by the shop.*--include-hidden"):
        export_recommendations(rec, out, kinds=["similar"], ids=[ids[1]], progress=False, workers=1)

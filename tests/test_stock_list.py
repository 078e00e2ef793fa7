"""The stock levels read back (stop 69): ``Recommender.stock_levels``, ``GET /api/stock`` and ``fashionrec index
stock --list`` / ``--export``. A shop set levels three ways (stop 68) and read them back one product at a time."""

from __future__ import annotations

import io
import json

import pandas as pd
from _recs_support import index_copy, tiny_tagger_path
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fashionrec.api import Settings, create_app
from fashionrec.cli import app
from fashionrec.recommend import Recommender


def test_the_levels_set_are_listed_in_python_the_api_and_the_cli_and_an_export_sets_them_again(tmp_path):
    d = index_copy(tmp_path / "index")
    rec = Recommender.load(d, tiny_tagger_path())
    ids = rec.items["id"].astype(int).tolist()
    a, b, c = ids[3], ids[7], ids[11]
    rec.set_stock({a: 0, b: 12, c: "no"})
    # Python: every product, in the index's order, a whole level as an int, None for none (available).
    table = rec.stock_levels()
    assert table["id"].tolist() == ids and list(table.columns) == ["id", "stock", "sold_out", "productDisplayName"]
    level = dict(zip(table["id"], table["stock"], strict=True))
    assert (level[a], level[b], level[c]) == (0, 12, 0) and type(level[b]) is int
    assert sum(v is None for v in level.values()) == len(ids) - 3
    assert rec.stock_levels(sold_out_only=True)["id"].tolist() == [a, c]
    # The API: a page of JSON, sold-out only, and the CSV `index stock --from` reads.
    with TestClient(create_app(Settings(index_dir=d, model_path=tiny_tagger_path(), api_key="k"))) as client:
        page = client.get("/api/stock").json()
        assert (page["total"], page["offset"], page["limit"], page["sold_out_in_index"]) == (len(ids), 0, 100, 2)
        assert [e["id"] for e in page["levels"]] == ids[:100]
        assert page["levels"][3] == {"id": a, "id_as_written": str(a), "stock": 0, "sold_out": True, "hidden": None,
                                     "productDisplayName": rec.item(a)["productDisplayName"]}
        assert page["levels"][7]["stock"] == 12 and page["levels"][0]["stock"] is None
        sold = client.get("/api/stock?sold_out=true").json()
        assert sold["total"] == 2 and [e["id"] for e in sold["levels"]] == [a, c]
        assert [e["id"] for e in client.get("/api/stock?offset=5&limit=3").json()["levels"]] == ids[5:8]
        r = client.get("/api/stock?format=csv")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv"), r.text
        csv = pd.read_csv(io.StringIO(r.text))
        assert csv["id"].tolist() == ids and csv.loc[csv["id"] == b, "stock"].item() == 12
        assert client.get("/api/stock?format=csv&sold_out=true").text.count("\n") == 3     # header and two rows
        for bad in ("format=xml", "limit=0", "offset=-1", "sold_out=maybe", "soldout=true"):
            assert client.get(f"/api/stock?{bad}").status_code == 422, bad
        assert "get" in client.get("/openapi.json").json()["paths"]["/api/stock"]
    # The CLI: listed, exported, and the export set again as it is after the levels changed.
    run = CliRunner().invoke
    model = ["--index", str(d), "--model", str(tiny_tagger_path())]
    out = run(app, ["index", "stock", "--list", "--sold-out", *model])
    assert out.exit_code == 0, out.output
    listed = [line.split()[0] for line in out.stdout.splitlines()[1:-1]]
    assert listed == [str(a), str(c)] and "2 products sold out" in out.stdout, out.stdout
    out = run(app, ["index", "stock", "--list", "--json", *model])
    said = json.loads(out.stdout)
    assert len(said["levels"]) == len(ids) and said["levels"][7] == page["levels"][7] and said["sold_out_in_index"] == 2
    copy = tmp_path / "levels.csv"
    out = run(app, ["index", "stock", "--export", str(copy), *model])
    assert out.exit_code == 0 and f"--from {copy}" in " ".join(out.stdout.split()), out.output
    assert run(app, ["index", "stock", f"{a}=5", f"{b}=none", f"{ids[0]}=1", *model]).exit_code == 0
    out = run(app, ["index", "stock", "--from", str(copy), *model])
    assert out.exit_code == 0, out.output
    again = Recommender.load(d, tiny_tagger_path()).stock_levels()
    pd.testing.assert_frame_equal(again, table)
    # --sold-out alone reads nothing: said, as a level given with no listing is set.
    out = run(app, ["index", "stock", "--sold-out", *model])
    assert out.exit_code == 2 and "--list" in out.output, out.output


def test_a_listing_gives_the_ids_as_the_catalogue_writes_them(tmp_path):
    # The stock listing and the ids as written came in side by side (stop 69): GET /api/stock and `index stock
    # --export` gave 15970 alone where the shop writes "0015970", which the API's items, its answers to an add and
    # `recommend export` give; a stock system keyed by its text matched none of its products.
    d = index_copy(tmp_path / "index")
    manifest = json.loads((d / "manifest.json").read_text())
    ids = pd.read_csv(d / "items.csv")["id"].astype(int).tolist()
    a, b = ids[2], ids[5]
    manifest["ids_as_written"] = {str(a): f"00{a}"}
    (d / "manifest.json").write_text(json.dumps(manifest))
    rec = Recommender.load(d, tiny_tagger_path())
    rec.set_stock({a: 0, b: 4})
    table = rec.stock_levels()
    assert list(table.columns) == ["id", "stock", "sold_out", "productDisplayName", "id_as_written"]
    assert table.loc[table["id"] == a, "id_as_written"].item() == f"00{a}"
    assert table.loc[table["id"] == b, "id_as_written"].item() == str(b)        # written as the number
    with TestClient(create_app(Settings(index_dir=d, model_path=tiny_tagger_path(), api_key="k"))) as client:
        sold = client.get("/api/stock?sold_out=true").json()["levels"]
        assert [(e["id"], e["id_as_written"]) for e in sold] == [(a, f"00{a}")]
        assert client.get(f"/api/items/{a}").json()["id_as_written"] == f"00{a}"     # the same spelling
        csv = pd.read_csv(io.StringIO(client.get("/api/stock?format=csv").text), dtype={"id_as_written": str})
        assert csv.loc[csv["id"] == a, "id_as_written"].item() == f"00{a}"
    # The CLI's export the same, and `--from` still reads it (its id column).
    run = CliRunner().invoke
    model = ["--index", str(d), "--model", str(tiny_tagger_path())]
    copy = tmp_path / "levels.csv"
    assert run(app, ["index", "stock", "--export", str(copy), *model]).exit_code == 0
    exported = pd.read_csv(copy, dtype={"id_as_written": str})
    assert exported.loc[exported["id"] == a, "id_as_written"].item() == f"00{a}"
    assert run(app, ["index", "stock", f"{a}=7", *model]).exit_code == 0
    out = run(app, ["index", "stock", "--from", str(copy), *model])
    assert out.exit_code == 0, out.output
    assert Recommender.load(d, tiny_tagger_path()).stock_levels().loc[lambda t: t["id"] == a, "stock"].item() == 0


def test_an_index_without_a_stock_column_lists_every_product_available(tmp_path):
    rec = Recommender.load(index_copy(tmp_path / "index"), tiny_tagger_path())
    assert "stock" not in rec.items
    table = rec.stock_levels()
    assert len(table) == len(rec.items) and table["stock"].isna().all() and not table["sold_out"].any()
    assert rec.stock_levels(sold_out_only=True).empty


def test_index_check_and_health_say_what_a_rebuild_does_with_the_levels_set_since(tmp_path, monkeypatch):
    # `index check`'s and /health's advice to rebuild said nothing of the stock levels set since the build (stop 68
    # left it): a rebuild keeps them, or, for an index built before builds recorded styles.csv's, loses them.
    import fashionrec.recommend
    from fashionrec.api.deps import stale_said
    from fashionrec.stock_kept import BUILT_STOCK

    d = index_copy(tmp_path / "index")
    rec = Recommender.load(d, tiny_tagger_path())
    ids = rec.items["id"].astype(int).tolist()
    rec.set_stock({ids[0]: 0, ids[1]: 4})
    run = CliRunner().invoke
    check = ["index", "check", str(d), "--model", str(tiny_tagger_path())]
    said = json.loads(run(app, [*check, "--json"]).stdout)
    assert said["ok"] and said["stock_set_since_build"] == 2, said
    assert "a rebuild keeps the 2 stock levels set since its build" in said["stock_at_rebuild"], said
    out = run(app, check)
    assert out.exit_code == 0 and "a rebuild keeps the 2 stock levels" in " ".join(out.stdout.split()), out.stdout
    monkeypatch.setattr(fashionrec.recommend, "stale_probabilities", lambda rec: "its predictions are stale")
    assert "a rebuild keeps the 2 stock levels" in stale_said(rec)
    # Built before the build's levels were recorded: which were set since is not known, and the rebuild loses them.
    (d / BUILT_STOCK).unlink()
    said = json.loads(run(app, [*check, "--json"]).stdout)
    assert said["ok"] is False and said["rebuild"], said        # (the stale predictions, as patched)
    assert "reads every level from styles.csv again" in said["detail"] and "--export FILE" in said["detail"], said
    assert "--export FILE" in stale_said(rec)
    monkeypatch.undo()
    said = json.loads(run(app, [*check, "--json"]).stdout)
    assert said["stock_set_since_build"] is None and "--export FILE" in said["stock_at_rebuild"], said


def test_a_listing_reads_the_items_alone_not_the_embeddings(tmp_path):
    # `index stock --list` / `--export` loaded the whole index (the model, 407 MB of embeddings at 40k: 18.6 s and
    # 1.3 GB for a list of levels, stop 69); and a rebuild's read of the folder's items read the embeddings too.
    from fashionrec.index_delta import current_items

    d = index_copy(tmp_path / "index")
    rec = Recommender.load(d, tiny_tagger_path())
    a = int(rec.items["id"].iloc[2])
    rec.set_stock({a: 0})       # a generation over the base files
    (d / "embeddings.npy").write_bytes(b"not read by a listing")
    items = current_items(d)
    assert int(items.loc[items["id"] == a, "stock"].item()) == 0
    out = CliRunner().invoke(app, ["index", "stock", "--list", "--sold-out", "--index", str(d)])
    assert out.exit_code == 0 and out.stdout.splitlines()[1].split()[:2] == [str(a), "0"], out.output


def test_an_export_sets_again_after_a_product_left_the_index_with_skip_unknown(tmp_path):
    # The way round a rebuild that loses the levels set (index check's advice): `--export FILE`, rebuild, `--from
    # FILE`. One product of the copy gone from the index (a row dropped from styles.csv since) changed nothing, and
    # the error's "give the other ids (...) alone" named 10 of them (a review of stop 69's change).
    d = index_copy(tmp_path / "index")
    rec = Recommender.load(d, tiny_tagger_path())
    ids = rec.items["id"].astype(int).tolist()
    rec.set_stock({ids[1]: 0, ids[2]: 7})
    run = CliRunner().invoke
    model = ["--index", str(d), "--model", str(tiny_tagger_path())]
    copy = tmp_path / "levels.csv"
    assert run(app, ["index", "stock", "--export", str(copy), *model]).exit_code == 0
    rec = Recommender.load(d, tiny_tagger_path())
    rec.remove_products([ids[5]])
    rec.set_stock({ids[1]: 3, ids[2]: None})        # the levels the copy is to set again
    out = run(app, ["index", "stock", "--from", str(copy), *model])
    assert out.exit_code == 2 and "--skip-unknown" in out.output, out.output
    out = run(app, ["index", "stock", "--from", str(copy), "--skip-unknown", "--json", *model])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["skipped_ids"] == [str(ids[5])], out.stdout
    # ... and as PUT /api/stock?skip_unknown=true lists them (the CLI's JSON had a key of its own: stop 70's review).
    assert json.loads(out.stdout)["skipped"] == [ids[5]] and json.loads(out.stdout)["skipped_as_written"] == [
        str(ids[5])], out.stdout
    level = Recommender.load(d, tiny_tagger_path()).stock_levels().set_index("id")["stock"]
    assert (level[ids[1]], level[ids[2]]) == (0, 7)
    # Not an id at all is still refused (a typo, not a product elsewhere), and nothing is set.
    out = run(app, ["index", "stock", f"{ids[1]}=2", "abc=1", "--skip-unknown", *model])
    assert out.exit_code == 2 and "abc" in out.output, out.output
    out = run(app, ["index", "stock", f"{ids[5]}=2", "--skip-unknown", *model])
    assert out.exit_code == 0 and f"skipped 1 id {d} does not hold ({ids[5]})" in " ".join(out.stdout.split())


def test_an_export_cut_short_leaves_the_copy_there_as_it_was(tmp_path):
    # `index stock --export FILE` wrote FILE in place: a write cut short (here a file-size limit, as a full disk)
    # left the copy of the levels kept before a rebuild truncated, which `--from` then set as it was.
    import os
    import subprocess
    import sys

    d = index_copy(tmp_path / "index")
    Recommender.load(d, tiny_tagger_path()).set_stock({int(pd.read_csv(d / "items.csv")["id"].iloc[0]): 0})
    copy = tmp_path / "levels.csv"
    kept = "id,stock\n" + "".join(f"{i},{i}\n" for i in range(1, 2000))        # a copy taken earlier
    copy.write_text(kept)
    script = ("import resource, signal, sys\n"
              "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
              "resource.setrlimit(resource.RLIMIT_FSIZE, (300, 300))\n"
              "from fashionrec.cli import app\n"
              "sys.argv = ['fashionrec', 'index', 'stock', '--export', sys.argv[1], '--index', sys.argv[2]]\n"
              "app()\n")
    done = subprocess.run([sys.executable, "-c", script, str(copy), str(d)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}, timeout=300)
    assert done.returncode == 2 and f"cannot write {copy}" in done.stderr, (done.returncode, done.stderr[-2000:])
    assert copy.read_text() == kept
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".levels.csv")]


def test_health_says_the_levels_a_put_sets_in_its_advice_to_rebuild(tmp_path, monkeypatch):
    # /health's advice to rebuild says what the rebuild does with the levels set since; it was worked out when the
    # server loaded the index, so a PUT /api/stock after left it saying the count of before (or, for an index built
    # before builds recorded styles.csv's levels and without any then, nothing of the levels the rebuild loses).
    import fashionrec.recommend
    from fashionrec.stock_kept import BUILT_STOCK

    d = index_copy(tmp_path / "index")
    rec = Recommender.load(d, tiny_tagger_path())
    ids = rec.items["id"].astype(int).tolist()
    rec.set_stock({ids[0]: 0})
    monkeypatch.setattr(fashionrec.recommend, "stale_probabilities", lambda rec: "its predictions are stale")
    with TestClient(create_app(Settings(index_dir=d, model_path=tiny_tagger_path(), api_key="k"))) as client:
        assert "a rebuild keeps the 1 stock level set since" in json.dumps(client.get("/health").json())
        put = client.put("/api/stock", json={"levels": {str(ids[1]): 4, str(ids[2]): 0}}, headers={"X-API-Key": "k"})
        assert put.status_code == 200, put.text
        assert "a rebuild keeps the 3 stock levels set since" in json.dumps(client.get("/health").json())
    (d / BUILT_STOCK).unlink()
    rec = Recommender.load(d, tiny_tagger_path())
    rec.set_stock({ids[0]: None, ids[1]: None, ids[2]: None})      # no level at all when the server loads it
    with TestClient(create_app(Settings(index_dir=d, model_path=tiny_tagger_path(), api_key="k"))) as client:
        assert "--export FILE" not in json.dumps(client.get("/health").json())
        put = client.put(f"/api/items/{ids[3]}/stock", json={"stock": 0}, headers={"X-API-Key": "k"})
        assert put.status_code == 200, put.text
        assert "--export FILE" in json.dumps(client.get("/health").json())


def test_export_to_the_terminal_writes_the_csv_alone_there(tmp_path):
    # `index stock ID=0 --export - > copy.csv`: the line saying what was set went to stdout before the CSV, and
    # `--from copy.csv` found no id column in "set the stock of 1 product ..." (a review of stop 69's change).
    d = index_copy(tmp_path / "index")
    some = int(pd.read_csv(d / "items.csv")["id"].iloc[0])
    run = CliRunner().invoke
    out = run(app, ["index", "stock", f"{some}=0", "--export", "-", "--index", str(d)])
    assert out.exit_code == 0, out.output
    # (then the level the catalogue's file gave, stop 71)
    assert out.stdout.splitlines()[0] == "id,stock,sold_out,productDisplayName,catalogue_stock", out.stdout[:300]
    assert "set the stock of 1 product" in out.stderr
    csv = pd.read_csv(io.StringIO(out.stdout))
    assert csv.loc[csv["id"] == some, "stock"].item() == 0
    out = run(app, ["index", "stock", "--export", "-", "--list", "--index", str(d)])
    assert out.exit_code == 2 and "--export a file" in out.output, out.output

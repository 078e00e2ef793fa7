"""``fashionrec index …``, ``fashionrec recommend …`` and ``fashionrec evaluate-recs``: thin wrappers.

Registered on the main app by :mod:`fashionrec.cli`; every command calls a verb of
:class:`fashionrec.recommend.Recommender` or :mod:`fashionrec.recs_eval`.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import os
import time
from pathlib import Path
from typing import NoReturn

import typer
from rich.table import Table

from fashionrec.cli import (
    DataDir,
    Group,
    _data_dir,
    app,
    check_json_out,
    console,
    emit_json,
    err_console,
    fail,
    json_on_stdout,
    json_wanted,
    print_json,
    stopped,
)
from fashionrec.column_map import table_path
from fashionrec.errors import FashionrecError, NotFoundError
from fashionrec.results import COLOURWAYS, PRODUCT_PAGE
from fashionrec.stock import known_only, levels_set_said, skipped_lists, sold_out_shown, unknown_ids

logging.getLogger("faiss.loader").setLevel(logging.WARNING)   # its INFO lines are noise in a CLI

index_app = typer.Typer(help="Build, check and change the vector index the recommender searches (build, check, "
                        "add, remove, edit, stock).", no_args_is_help=True, cls=Group)
recommend_app = typer.Typer(help="Recommend items: similar, photo, text, outfit, profile; export (every product's "
                            "lists as one table).", no_args_is_help=True, cls=Group)
app.add_typer(index_app, name="index")
app.add_typer(recommend_app, name="recommend")

DEFAULT_INDEX = Path("runs/index")
CHECKOUT_INDEX = Path(__file__).resolve().parents[2] / DEFAULT_INDEX     # where scripts/main.sh builds it


def index_dir(index: Path, writes: bool = False) -> Path:
    """``index``, or for the default (runs/index) where the working folder has none, this checkout's: a
    command run from another folder finds the index as it finds the catalogue (catalog.default_data_dir).
    Not for a command that ``writes`` to it (``index add``/``remove`` would change the checkout's index), nor
    where $FASHIONREC_DATA names another catalogue than the one it was built from (a user's shop got the
    Kaggle catalogue's similar items, said only in a log line): those are told to build or name one."""
    beside_checkout = CHECKOUT_INDEX
    if index == DEFAULT_INDEX and not index.exists() and beside_checkout.is_dir():
        built_from = _built_from(beside_checkout)
        asked = os.environ.get("FASHIONREC_DATA")
        other = asked and built_from and Path(asked).expanduser().resolve() != Path(built_from).resolve()
        if writes or other:
            why = (f"this checkout's index {beside_checkout} is of another catalogue ({built_from}, not "
                   f"FASHIONREC_DATA={asked})" if other else
                   f"this command changes an index, so it does not fall back to this checkout's {beside_checkout}")
            raise FashionrecError(f"no index at {index} in {Path.cwd()}: {why}; build one here with `fashionrec "
                                  "index build --out runs/index`, or name one with --index")
        # Said on stderr, not in a log line only (an ML engineer's trial got the Kaggle catalogue's answers from
        # their shop's folder without noticing); stdout stays the table or the JSON.
        typer.echo(f"no {index} in {Path.cwd()}: using this checkout's index {beside_checkout}"
                   + (f" (of {built_from})" if built_from else "") + "; name another with --index", err=True)
        return beside_checkout
    return index


def _built_from(index: Path) -> str | None:
    """The catalogue folder an index records it was built from (None where it says nothing)."""
    try:
        return json.loads((index / "manifest.json").read_text()).get("data_dir")
    except (OSError, ValueError):
        return None


# The server's variable too: a shop that set it for `serve` was told "no index at runs/index" by every command.
IndexOpt = typer.Option(DEFAULT_INDEX, "--index", envvar="FASHIONREC_INDEX_DIR",
                        help="Index folder written by `fashionrec index build`.")
KOpt = typer.Option(10, "-k", help="How many items.")
# What an id argument takes (stop 73): the number, or the id as the shop's export writes it, which the index records.
ID_TYPED = ("its number (15970) or its id as the shop's export writes it ('0015970', a Shopify Handle), as the "
            "index records it")
# A shop's sold-out products (stock 0; stop 67) are left out of every list, the next available ones in their places.
SoldOutOpt = typer.Option(False, "--include-sold-out", help="List sold-out products too (stock 0 in the shop's "
                          "styles.csv, or set by `index stock`): left out by default, as the API leaves them out.")


def _sold_out_as_asked(command):
    """``command`` (one with an ``include_sold_out`` parameter) run with sold-out products listed or not as it is
    asked, for itself alone (:func:`~fashionrec.stock.sold_out_shown`): set for the rest of the process, a command run
    inside another (a test's CliRunner, a notebook) left its choice to every call after it (stop 68, a review)."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        with sold_out_shown(bool(kwargs.get("include_sold_out"))):
            return command(*args, **kwargs)
    return run


# fashionrec.text_search.RELEVANT_TEXT_SIMILARITY (the web UI's), not imported: the CLI starts without torch.
TEXT_RELEVANCE = 0.35
# The API's answer to the same request, and on a failure {"detail": ...} as the API's errors (README, "--json").
JsonOpt = typer.Option(False, "--json", callback=json_wanted, help="Print JSON instead of a table: the API's "
                       "answer to the same request (on a failure its {\"detail\": ...}, exit 2).")
ModelOpt = typer.Option(None, "--model", help="Checkpoint (default: the index's model, else the shipped one).")
GenderOpt = typer.Option(None, "--gender", help="Filter: Men, Women, Boys, Girls, Unisex.")
TypeOpt = typer.Option(None, "--article-type", help="Filter: articleType, e.g. Tshirts.")
ColourOpt = typer.Option(None, "--colour", help="Filter: baseColour, e.g. Blue.")
SubOpt = typer.Option(None, "--sub-category", help="Filter: subCategory, e.g. Topwear.")
UsageOpt = typer.Option(None, "--usage", help="Filter: usage, e.g. Casual.")
MasterOpt = typer.Option(None, "--master-category", help="Filter: masterCategory, e.g. Footwear.")
SeasonOpt = typer.Option(None, "--season", help="Filter: season, e.g. Summer.")
BackendOpt = typer.Option(None, "--backend", help="faiss | milvus; default: what the index folder was built with.")
UriOpt = typer.Option(None, "--uri", help="Milvus: a Milvus Lite file or http://host:19530 (default: as built).")
TokenOpt = typer.Option(None, "--token", envvar="FASHIONREC_MILVUS_TOKEN", help="Milvus token (user:password).")


def _open_photo(path: Path):
    """The photo at ``path``, or exit 2 saying why it cannot be read (once: "cannot read image x.jpg: not a
    readable image x.jpg" named it twice)."""
    from fashionrec.catalog import open_rgb

    try:
        return open_rgb(path)
    except Exception as e:  # noqa: BLE001 - any decoder error is a bad input here
        fail(f"cannot read image {path}: {str(e).replace(f' {path}', '')}")


EMPTY_INDEX = ("the index holds no products (each was removed): `fashionrec index add` some, or rebuild it with "
               "`fashionrec index build`")


def _filters(gender, article_type, colour, sub_category, usage, master_category, season) -> dict | None:
    f = {"gender": gender, "articleType": article_type, "baseColour": colour, "subCategory": sub_category,
         "usage": usage, "masterCategory": master_category, "season": season}
    options = {"gender": "--gender", "articleType": "--article-type", "baseColour": "--colour",
               "subCategory": "--sub-category", "usage": "--usage", "masterCategory": "--master-category",
               "season": "--season"}
    empty = [options[k] for k, v in f.items() if v is not None and not v.strip()]
    if empty:   # `--colour ""` (an unset shell variable) meant "any colour" without a word (a trial)
        fail(f"{empty[0]} is empty: give a value, or leave {empty[0]} out for any")
    f = {k: v for k, v in f.items() if v}
    return f or None


def _check_k(k: int, diversity: float = 0.0) -> None:
    """Refuse ``-k`` and ``--diversity`` out of range by their flags, before the index loads: the recommender's
    words, "k must be ...", "diversity must be ...", are the Python call's, and came after the load's seconds."""
    from fashionrec.results import MAX_K

    if not 1 <= k <= MAX_K:
        fail(f"-k must be a whole number between 1 and {MAX_K}, got {k}")
    if not 0.0 <= diversity <= 1.0:
        fail(f"--diversity must be a number from 0 (most similar) to 1 (most diverse), got {diversity:g}")


def _one_of(flag: str, value: str, choices: tuple[str, ...]) -> None:
    """Refuse ``value`` of ``flag`` unless one of ``choices``, by the flag, before the catalogue loads: "unknown
    index backend 'x'" and "index kind 'x' is not one of ..." named no flag, and came after loading a catalogue
    and a model (12 s on the 178-product fixture, a minute and more on 40k products: an operator's trial)."""
    if value not in choices:
        fail(f"{flag} {value!r}: choose {', '.join(choices[:-1])} or {choices[-1]}")


def _load(index: Path, model: Path | None = None, backend: str | None = None, uri: str | None = None,
          token: str | None = None, writes: bool = False, warn_stale: bool = True):
    from fashionrec.index_build import index_backend
    from fashionrec.recommend import Recommender, rebuild_command, stale_probabilities

    index = index_dir(index, writes)
    if backend is not None and backend != index_backend(index):
        raise FashionrecError(f"{index} holds a {index_backend(index)} index, not {backend}: rebuild it with "
                              f"`fashionrec index build --backend {backend}` or drop --backend")
    # A verb that changes nothing maps the arrays (read-only) instead of reading them: a query reads the few rows
    # it looks at, not 447 MB at 40k (stop 75); a verb that saves has them in memory, as a server does.
    # Its model's weights (and torch) are read where a photo is, not for a query by id or a look (stop 76).
    rec = Recommender.load(index, model, uri=uri, token=token, mapped=not writes, weights_on_use=not writes)
    # (Not for `index check`, which says it as its refusal: it was said twice, and worked out twice.)
    stale = stale_probabilities(rec) if warn_stale else ""
    if stale:       # served as they were after an upgrade, said by `index check` alone (an operator's trial)
        rebuild = rebuild_command(index, rec.tagger, manifest=rec.manifest)
        err_console.print(f"warning: index {index}: {stale}; rebuild it ({rebuild}) to "
                          "refresh the labels and probabilities it shows", highlight=False)
    return rec


def _image_path(item: dict) -> str | None:
    """The photo's file on this machine: the CLI's one field more beside the API's ``Item`` (its ``image_url`` is
    where a server of this index serves it)."""
    path = item.get("image_path")
    return None if path is None else str(path)


def _json_item(item: dict, item_id: int) -> dict:
    """An item as the API answers it (``schemas.Item``), and :func:`_image_path`."""
    from fashionrec.api.schemas import to_item

    return {**to_item(item, item_id).model_dump(mode="json"), "image_path": _image_path(item)}


def api_answer(recs, schema: str = "RecList", **fields) -> dict:
    """A ``recommend`` command's JSON: the API's answer to the same request, every field present (null or empty
    where it says nothing), built by the API's own schema (``RecList`` or ``ImageSearch``). The CLI's JSON left out
    a null ``slot`` and an empty ``corrected``, ``note`` or ``unmatched`` that the API sent, and gave items as
    the recommender's dicts (``pred_articleType`` where the API has ``predicted``): a script written against one
    read the other wrong (an integrator's trial)."""
    from fashionrec.api import schemas

    answer = getattr(schemas, schema)(results=[schemas.to_rec(r) for r in recs], **fields).model_dump(mode="json")
    for shown, r in zip(answer["results"], recs, strict=True):
        shown["item"]["image_path"] = _image_path(r.item)     # to_rec made its Item: the path beside it
    return answer


def _price_said(item: dict) -> str:
    """A product's price as a table shows it, in the shop's currency where it has one ("₹1,299", "499.50"), or ""
    where it has none."""
    from fashionrec.item_tables import price_of
    from fashionrec.vocabulary import price_said

    price = price_of(item)
    return price_said(price, item.get("currency") or "") if math.isfinite(price) else ""


def _show(recs, as_json: bool, title: str, extra: dict | None = None, caption: str | None = None,
          answer: dict | None = None) -> None:
    """The results as a table (``extra`` printed above it), or with ``as_json`` the API's ``answer`` (by default
    ``api_answer(recs)``)."""
    from fashionrec.catalog import ID_AS_WRITTEN

    if as_json:
        print_json(answer if answer is not None else api_answer(recs))
        return
    if extra:
        for k, v in extra.items():
            console.print(f"{k}: {v}", highlight=False)
    table = Table(title=title, caption=caption)
    # A price column where the catalogue has prices (a shop's styles.csv; the Kaggle one has none).
    prices = [_price_said(r.item) for r in recs]
    # A stock column where a result is sold out (listed with --include-sold-out only; stop 67).
    sold = any(r.item.get("sold_out") for r in recs)
    for col in ("id", "score", "articleType", "colour", "name", *(("price",) if any(prices) else ()),
                *(("stock",) if sold else ()), "reason"):
        table.add_column(col)
    for r, price in zip(recs, prices, strict=True):
        # The measure the list ranked by (raw_score), as the captions say ("text similarity (the score) ... can put
        # a lower score first"); the JSON's score is it capped at the one before it (stop 68), which read as the text
        # similarity made 0.681 a 0.566 in the table ("blue jeans" on the test fixture).
        shown = r.score if r.raw_score is None else r.raw_score
        # An empty field as the web page shows it, not "None" (a shop's nameless product, an ML engineer's trial).
        type_, colour, name = (r.item.get(c) for c in ("articleType", "baseColour", "productDisplayName"))
        # The id as the shop writes it (a SKU, a Handle): the number made from it meant nothing to the shop that
        # read the table (stop 74's new user, "6560957937487389" for SKU-10236); the JSON gives both.
        table.add_row(str(r.item.get(ID_AS_WRITTEN) or r.id), f"{shown:.3f}", str(type_ or "-"),
                      str(colour or "-"), str(name or "(no name)"),
                      *((price or "-",) if any(prices) else ()),
                      *(("sold out" if r.item.get("sold_out") else "-",) if sold else ()), r.reason)
    console.print(table)
    if not recs:
        console.print("no results")


@index_app.command("check")
def index_check(
    folder: Path | None = typer.Argument(None, help="Index folder from `fashionrec index build` (default: "
                                         "--index, runs/index)."),
    index: Path = IndexOpt,
    model: Path | None = typer.Option(None, "--model", help="Checkpoint to serve it with (default: the index's)."),
    data: Path | None = typer.Option(None, "--data", help="The catalogue it must have been built from (its "
                                     "folder and styles.csv as they are now); default: not compared."),
    backend: str | None = BackendOpt, uri: str | None = UriOpt, token: str | None = TokenOpt,
    as_json: bool = typer.Option(False, "--json", callback=json_wanted, help="Print the answer as JSON: {\"ok\": "
                                 "true, \"items\": ..., ...}, or {\"ok\": false, \"detail\": why, \"rebuild\": "
                                 "the command that rebuilds it or null} and exit 2."),
) -> None:
    """Exit 0 if the index opens with this model (complete, consistent, same model) and, with --data, was built
    from that catalogue as it is now; else say why and exit 2."""
    from fashionrec.catalog import first_few, written_ids
    from fashionrec.catalogue_edits import catalogue_removals
    from fashionrec.item_tables import cut_short_rows
    from fashionrec.product_edits import (
        EDIT_LOG,
        EDIT_LOG_DROPPED,
        EDITED,
        edit_log_dropped_said,
        edit_log_said,
        edited_written,
        edits_said,
    )
    from fashionrec.recommend import (
        changed_photos,
        missing_photos,
        other_catalogue,
        rebuild_command,
        stale_probabilities,
    )

    def refuse(why: str, rebuild: str | None = None, stock: str = "") -> NoReturn:
        # Under --json the answer a script reads with jq (`.ok`), its "detail" as every --json failure has it: its
        # exit code and stderr's line were all it had (an operator's trial). ``stock``: what the rebuild does with
        # the stock levels (stock_kept.stock_at_rebuild_said; said nowhere before stop 69).
        detail = why + (f"; rebuild it with {rebuild}" if rebuild else "") + (f"; {stock}" if stock else "")
        if as_json:
            print_json({"ok": False, "index": str(checked) if checked else None, "detail": detail,
                        "rebuild": rebuild.strip("`") if rebuild else None})
        fail(detail)

    # (--index as given, not from FASHIONREC_INDEX_DIR: a folder named here is the one meant.)
    checked = None      # the index the JSON names: none of two given
    if folder is not None and index not in (IndexOpt.default, Path(os.environ.get("FASHIONREC_INDEX_DIR") or "."))\
            and folder != index:
        refuse(f"two indexes given, {folder} and --index {index}: give one")      # --index was ignored (a trial)
    index = checked = folder or index      # positional as it always was; --index as every other index command takes it
    # (Before the --data refusal: its JSON named the default runs/index where the folder was given, a code review.)
    if data is not None and not table_path(data).is_file():
        refuse(f"--data {data}: no catalogue there (no {table_path(data).name}); give the folder the index was built "
               "from")
    try:
        rec = _load(index, model, backend=backend, uri=uri, token=token, warn_stale=False)
    except FashionrecError as e:
        refuse(str(e))
    index = checked = rec.index_dir       # without --index, the checkout's, where the working folder has none
    # A row cut short first: the checks after it read its photo path and predictions.
    stale = (cut_short_rows(rec.items) or stale_probabilities(rec)
             or (other_catalogue(rec.manifest, data) if data else "")
             or missing_photos(rec) or (changed_photos(rec, data) if data else ""))
    from fashionrec.stock_kept import levels_set_since, stock_at_rebuild_said

    stock = stock_at_rebuild_said(index, rec.items)
    if stale:
        refuse(f"{index}: {stale}", rebuild_command(index, rec.tagger, data, rec.manifest), stock)
    orphans = rec.orphan_photos()
    # What changed since the build, which a rebuild treats unlike each other (an operator's trial found no word
    # of either): added products are carried over, removed catalogue products come back from styles.csv.
    from fashionrec.index_build import added_since_build

    # Those its build carried over from the index it replaced are not changes since (a trial read "1 product
    # added" right after a rebuild).
    added_ids = rec.items.loc[added_since_build(rec.items), "id"].astype(int)
    carried = added_ids.isin({int(i) for i in rec.manifest.get("kept_added_ids", [])})
    added = int((~carried).sum())
    removed = [i for i in catalogue_removals(rec.manifest) if i not in rec._row]
    if as_json:
        print_json({"ok": True, "index": str(index), "items": len(rec.items), "model": rec.tagger.name,
                    "dim": int(rec.embeddings.shape[1]), "built": rec.manifest.get("date"),
                    "updated": rec.manifest.get("updated"), "added_since_build": added_ids[~carried].tolist(),
                    "removed_since_build": [int(i) for i in removed],
                    "carried_over_ids": added_ids[carried].tolist(), "orphan_photos": [p.name for p in orphans],
                    # (null: the build recorded no levels, so which were set since is not known)
                    "stock_set_since_build": levels_set_since(index, rec.items), "stock_at_rebuild": stock or None,
                    # what, when and by what, the latest last (product_edits.EDIT_LOG), and the values that stand
                    "edits": rec.manifest.get(EDIT_LOG) or [], "edited_since_build": rec.manifest.get(EDITED) or {},
                    # (the older edits the log let go: {count, first_at, last_at}; null for none)
                    "edits_not_logged": rec.manifest.get(EDIT_LOG_DROPPED),
                    # (their ids as a Handle shop writes them: the numbers alone named no product it knows)
                    "edited_ids_as_written": edited_written(rec.manifest.get(EDIT_LOG), rec.manifest.get(EDITED),
                                                            written_ids(rec.manifest)),
                    "detail": None, "rebuild": None})
        return
    console.print(f"{index}: {len(rec.items)} items, model {rec.tagger.name}, {rec.embeddings.shape[1]}-d")
    if orphans:     # left by an add stopped before its save (a SIGKILL): nothing served them, said all the same
        console.print(f"{len(orphans)} photo{'s' if len(orphans) != 1 else ''} in {index / 'images'} "
                      f"{'belong' if len(orphans) != 1 else 'belongs'} to no product (an add stopped before it saved "
                      f"the index): {first_few([p.name for p in orphans], 10)}; the next `fashionrec index add` or "
                      f"`index remove` deletes {'them' if len(orphans) != 1 else 'it'}", highlight=False)
    if carried.any():
        console.print(f"holds {int(carried.sum())} product{'' if carried.sum() == 1 else 's'} added to the index it "
                      f"replaced (ids {first_few(added_ids[carried].tolist(), 10)}), carried over by its build; a "
                      "rebuild keeps them", highlight=False)
    if added or removed:
        shown = first_few(removed, 10)
        built, changed = (str(rec.manifest.get(key, "?"))[:19].replace("T", " ") for key in ("date", "updated"))
        console.print(f"changed since its build ({built[:10]}), last on {changed} UTC: {added} "
                      f"product{'' if added == 1 else 's'} added (a rebuild keeps them), "
                      + (f"{len(removed)} catalogue product{'' if len(removed) == 1 else 's'} removed ({shown}; "
                         f"a rebuild brings them back while {rec.manifest.get('table', 'styles.csv')} has their "
                         "rows)" if removed
                         else "no catalogue product removed"))
    if stock:
        console.print(f"stock levels: {stock}", highlight=False)
    edits = rec.manifest.get(EDIT_LOG) or []
    if edits:       # an audit of `index edit` and PATCH /api/items/ID (stop 75): before, no command listed them
        shown = edit_log_said(edits, written=written_ids(rec.manifest))
        console.print(f"{len(edits)} edit{'s' if len(edits) != 1 else ''} logged"
                      + (f", the last {len(shown)}" if len(shown) < len(edits) else "") + " (--json lists all)"
                      + (f"; {dropped}" if (dropped := edit_log_dropped_said(rec.manifest.get(EDIT_LOG_DROPPED)))
                         else "") + ":\n  " + "\n  ".join(shown), highlight=False)
    if rec.manifest.get(EDITED):
        console.print(edits_said(rec.manifest[EDITED], written_ids(rec.manifest)), highlight=False)


@index_app.command("add")
def index_add(
    photo: Path = typer.Argument(..., metavar="PHOTO|FOLDER", help="The new product's photo (jpg/png/webp); or a "
                                 "folder of new products laid out as a catalogue (styles.csv + images/, or those its "
                                 "columns.json names), each row "
                                 "added with its labels."),
    name: str | None = typer.Option(None, "--name", help="productDisplayName, e.g. \"Roadster Men Blue Denim "
                                    "Jacket\"; default: made of its gender, colour and type, as in Python."),
    index: Path = IndexOpt,
    gender: str | None = typer.Option(None, "--gender", help="Men, Women, Boys, Girls, Unisex."),
    article_type: str | None = typer.Option(None, "--article-type", help="e.g. Jackets."),
    colour: str | None = typer.Option(None, "--colour", help="baseColour, e.g. Blue."),
    sub_category: str | None = typer.Option(None, "--sub-category", help="e.g. Topwear."),
    master_category: str | None = typer.Option(None, "--master-category", help="e.g. Apparel."),
    usage: str | None = typer.Option(None, "--usage", help="e.g. Casual."),
    season: str | None = typer.Option(None, "--season", help="e.g. Winter."),
    year: int | None = typer.Option(None, "--year", min=1900, max=2100, help="Its year, e.g. 2012."),
    # Text, read as a whole number by the add: "0038645" is kept as the shop writes it (stop 69; an int option
    # read it as 38645 and the shop's spelling was lost).
    item_id: str | None = typer.Option(None, "--id", metavar="ID", help="Its id, a whole number as your shop writes "
                                       "it (leading zeros kept: 0038645); default: one above the largest."),
    # Text, read as styles.csv's price column reads a cell: "1.299,00" was refused as "not a number" (stop 70).
    price: str | None = typer.Option(None, "--price", metavar="PRICE", help="Its price, e.g. 1299, ₹1,299 or "
                                     "1.299,00, read as styles.csv's price column is (a shop's catalogue with "
                                     "prices: text search filters by it, cards show it)."),
    regular_price: str | None = typer.Option(None, "--regular-price", metavar="PRICE", help="Its regular price "
                                             "while on sale, above --price (shown struck through beside it)."),
    stock: str | None = typer.Option(None, "--stock", metavar="LEVEL", help="Its stock level: a whole number (0 "
                                     "is sold out, left out of every list unless asked for) or yes/no; default: "
                                     "none, available. `index stock` changes it later."),
    new_values: bool = typer.Option(False, "--new-values", help="Accept a gender, category, type, colour, "
                                    "usage or season no product has yet (else refused as a likely typo)."),
    backend: str | None = BackendOpt, uri: str | None = UriOpt, token: str | None = TokenOpt,
    model: Path | None = ModelOpt, as_json: bool = JsonOpt,
) -> None:
    """Add a product to an index without a rebuild (attributes not given are the tagger's predictions); or every
    row of a folder of new products (styles.csv + images/, or those its columns.json names, as a catalogue), saved
    once."""
    if photo.suffix.lower() == ".csv" and photo.is_file():
        fail(f"{photo} is a table: give the folder that holds it, as styles.csv beside images/ (as a catalogue), "
             f"to add its rows (here {photo.parent})")
    if photo.is_dir():
        given = [flag for flag, v in (("--name", name), ("--gender", gender), ("--article-type", article_type),
                                      ("--colour", colour), ("--sub-category", sub_category),
                                      ("--master-category", master_category), ("--usage", usage),
                                      ("--season", season), ("--year", year), ("--id", item_id),
                                      ("--price", price), ("--regular-price", regular_price), ("--stock", stock))
                 if v is not None]
        if given:
            fail(f"{photo} is a folder of products, each with its own row of {table_path(photo).name}: "
                 f"{', '.join(given)} would say one product's; put them in the rows")
        _add_folder(photo, index, new_values, backend, uri, token, model, as_json)
        return
    image = _open_photo(photo)
    metadata = {k: v for k, v in {"id": item_id, "productDisplayName": name, "gender": gender,
                                  "articleType": article_type, "baseColour": colour, "subCategory": sub_category,
                                  "masterCategory": master_category, "usage": usage, "season": season,
                                  "year": year, "price": price, "regular_price": regular_price,
                                  "stock": stock}.items() if v is not None}
    from fashionrec.catalogue_edits import manifest_stamp

    loaded = None       # as in _add_folder
    try:
        rec = _load(index, model, backend=backend, uri=uri, token=token, writes=True)
        loaded = (len(rec), manifest_stamp(rec.manifest))
        row = rec.left_out_row(item_id)     # a catalogue row without a usable photo: its labels stand
        why = rec.why_row_not_held(item_id)     # (or one taken out: stop 72)
        warned: list[str] = []      # printed here, after what was added: a log line could go unseen
        new_id = rec.add_product(image, metadata, allow_new_values=new_values, warnings=warned, quiet=True,
                                 source_file=photo)
    except FashionrecError as e:
        fail(str(e))
    except KeyboardInterrupt as e:
        _stopped_adding(e, index, loaded, "the product", "it is in: adding the photo again would add it twice")
    item = rec.item(new_id)
    from fashionrec.catalog import ATTRIBUTES

    given = set(metadata) | set(row)
    # A label left empty (one no product of the index has: stop 69) was said filled in as "masterCategory None".
    filled = [h for h in ATTRIBUTES if h not in given and item.get(h) not in (None, "")]
    if as_json:
        # What POST /api/items answers (a pipe once saw no warnings: they went to stderr alone), and the product as
        # added, as GET /api/items/ID answers it (the CLI's one field more: the API's answer is that call away).
        from fashionrec.api.schemas import Created, image_url

        print_json({**Created(id=new_id, id_as_written=str(item.get("id_as_written") or new_id),
                              image_url=image_url(new_id, item.get("id_as_written")), warnings=warned,
                              filled_in={h: item.get(h) for h in filled}).model_dump(mode="json"),
                    "item": _json_item(item, new_id)})
        for said in warned:
            typer.echo(f"warning: {said}", err=True)
        return
    if row:
        # Not "the row's" where a label or the name was given too (--name took the place of the row's name).
        own = [k for k in row if metadata.get(k) not in (None, "") and metadata[k] != row[k]]
        console.print(f"product {new_id} is a row of {table_path(rec.manifest.get('data_dir') or '.')} that the "
                      f"index {why}: its name and labels are the row's"
                      + (f", but for {', '.join('name' if k == 'productDisplayName' else k for k in own)} as given"
                         if own else ""), highlight=False)
    console.print(f"added product {rec.id_said(new_id)} to {index}: {item.get('productDisplayName') or '(no name)'} "
                  # (a label left empty, in a shop without the column, unsaid: it read "(None, Boxers, Multi)")
                  f"({', '.join(str(item[h]) for h in ('gender', 'articleType', 'baseColour') if item.get(h))})",
                  highlight=False)
    if filled:
        # The categories follow the type where the catalogue has it, not the tagger (a shop's re-trial).
        console.print("filled in, not given (the categories as the catalogue files the type where it has it, the "
                      "type, wearer and colour as the name says them, the rest from the product whose photo it is "
                      "where it is one's, else from the tagger): "
                      + ", ".join(f"{h} {item.get(h)}" for h in filled), highlight=False)
    for said in warned:
        console.print(f"warning: {said}", highlight=False)


def _stopped_adding(e: KeyboardInterrupt, index: Path, loaded: tuple[int, str] | None, what: str,
                    again: str) -> NoReturn:
    """Said after a Ctrl-C in `index add`, either way, with what the index on disk holds: a stop just after the
    save left only a log line that the batch was in (a trial), and one product's add said "Aborted!" alone."""
    from fashionrec.artifacts import read_json
    from fashionrec.catalogue_edits import manifest_stamp

    if loaded is None:
        stopped(e, f"nothing was added to {index} (stopped while it was loaded)")
    try:
        on_disk = read_json(index / "manifest.json")
    except (OSError, ValueError) as read_error:     # said, not a traceback over the Ctrl-C's message
        stopped(e, f"whether {index} was saved with {what} could not be read ({read_error}): `fashionrec index "
                f"check --index {index}` says what it holds")
    count = int(on_disk.get("count") or 0)
    if manifest_stamp(on_disk) != loaded[1]:
        stopped(e, f"{index} was saved with {what} ({count:,} products, {count - loaded[0]:+,}); {again}")
    stopped(e, f"nothing was added to {index} ({count:,} products, as before)")


def _add_folder(folder: Path, index: Path, new_values: bool, backend, uri, token, model, as_json: bool) -> None:
    """`index add FOLDER`: its rows added at one load and one save; exit 2 where some could not go in (named)."""
    from fashionrec.catalog import IDS_AS_WRITTEN, id_as_written, id_said, ids_said
    from fashionrec.catalogue_edits import manifest_stamp

    loaded = None       # (count, stamp) of the index as loaded, to say after a Ctrl-C whether the batch is in
    try:
        rec = _load(index, model, backend=backend, uri=uri, token=token, writes=True)
        loaded = (len(rec), manifest_stamp(rec.manifest))
        done = rec.add_products(folder, allow_new_values=new_values)
    except FashionrecError as e:
        fail(str(e))
    except KeyboardInterrupt as e:
        _stopped_adding(e, index, loaded, "the batch", "adding the folder again leaves alone the rows it holds")
    # The ids as the folder's styles.csv writes them ("0099001"), beside the numbers: the lines and the JSON gave
    # 99001 alone, which a shop keyed by its text did not find (stop 70).
    spelt = {IDS_AS_WRITTEN: done.written}
    if as_json:
        print_json({"added": done.ids, "added_as_written": [id_as_written(spelt, i) for i in done.ids],
                    "refused": {str(k): v for k, v in done.refused.items()},
                    "refused_as_written": {str(k): id_as_written(spelt, k) for k in done.refused},
                    "rejected": done.rejected, "unchanged": done.unchanged,
                    "unchanged_as_written": [id_as_written(spelt, i) for i in done.unchanged],
                    "filled": {str(k): v for k, v in done.filled.items()}, "warnings": done.warnings})
    else:
        console.print(f"added {len(done.ids)} product{'' if len(done.ids) == 1 else 's'} of {folder} to {index}"
                      + (f" (ids {ids_said(done.written, done.ids)})" if done.ids
                         else ""), highlight=False)
        if done.unchanged:
            one = len(done.unchanged) == 1
            console.print(f"{len(done.unchanged)} row{' is' if one else 's are'} in the index already, as "
                          f"{'it is' if one else 'they are'} (id{'' if one else 's'} "
                          f"{ids_said(done.written, done.unchanged)}): left alone",
                          highlight=False)
        # What was not added first, under the count: after 600 products' filled-in labels it was off the screen
        # (an operator's trial).
        for item_id, why in done.refused.items():
            console.print(f"not added: product {id_said(done.written, item_id)}: {why}", highlight=False)
        for line in done.rejected:
            console.print(f"not added: {table_path(folder)} {line}", highlight=False)
        for said in done.warnings:
            console.print(f"warning: {said}", highlight=False)
        for item_id, heads in done.filled.items():
            if heads:
                console.print(f"product {id_said(done.written, item_id)}: filled in, not given: {', '.join(heads)}",
                              highlight=False)
    if done.refused or done.rejected:
        # Scripts must notice: the rows named above are not in the index (the others are, and saved).
        err_console.print(f"{len(done.refused) + len(done.rejected)} of the rows and photos of {folder} not added: "
                          "fix them (or --new-values for new labels) and add the folder again (the rows the index "
                          "holds as they are are left alone)"
                          + ("; the others are in the index now, saved" if done.ids else ""), highlight=False)
        raise typer.Exit(2)


@index_app.command("remove")
def index_remove(
    item_ids: list[str] = typer.Argument(..., help="Ids of the products to take out: " + ID_TYPED),
    index: Path = IndexOpt,
    backend: str | None = BackendOpt, uri: str | None = UriOpt, token: str | None = TokenOpt,
    model: Path | None = ModelOpt, as_json: bool = JsonOpt,
) -> None:
    """Take products out of an index without a rebuild (a catalogue product comes back at the next build
    unless its row leaves styles.csv): all of them, or none where an id is unknown (said)."""
    try:
        rec = _load(index, model, backend=backend, uri=uri, token=token, writes=True)
        removed = rec.remove_products([rec.id_typed(i) for i in item_ids])  # every id checked first; one save
    except FashionrecError as e:
        fail(str(e))
    if as_json:     # as `index add --json` and every `recommend` command (an integrator's trial)
        # Each as DELETE /api/items/ID answers the one it removes (this takes several).
        print_json({"removed": [_json_item(item, item["id"]) for item in removed], "index": str(index)})
        return
    for item in removed:
        # As `index add` says an id: with the shop's spelling beside it (it gave 15970 alone: stop 70).
        console.print(f"removed product {rec.id_said(item['id'])} from {index}: "
                      f"{item.get('productDisplayName') or '(no name)'}", highlight=False)


@index_app.command("stock")
def index_stock(
    levels: list[str] = typer.Argument(None, help="ID=LEVEL, e.g. 15970=0 (sold out), 39386=12, 1855=yes; "
                                       "ID=none (or null, n/a) takes a level away (available)."),
    from_file: Path | None = typer.Option(None, "--from", help="A CSV of an id column and a stock column (named as "
                                          "styles.csv's may be: stock, stock_qty, quantity, inventory, in_stock, "
                                          "or as the catalogue's columns.json maps them), e.g. a shop's nightly "
                                          "export, or a file --export wrote; a Shopify export's lines per size "
                                          "(its Handle) and a WooCommerce export's variations (its Parent) are "
                                          "summed into their product, as a build reads them; a shop's "
                                          "folder: its table (styles.csv, or the one its columns.json names)."),
    listing: bool = typer.Option(False, "--list", help="List every product's level (after setting those given)."),
    export: Path | None = typer.Option(None, "--export", help="Write every product's level to this CSV (id, stock, "
                                       "sold_out, productDisplayName; '-' for the terminal): the file --from reads "
                                       "back, e.g. a copy of the levels set before a rebuild."),
    sold_out_only: bool = typer.Option(False, "--sold-out", help="With --list or --export: the sold-out products "
                                       "alone."),
    skip_unknown: bool = typer.Option(False, "--skip-unknown", help="Set the levels of the products the index "
                                      "holds and list the ids it does not (a stock system's SKUs without a photo, "
                                      "an --export taken before a rebuild that dropped some), where by default one "
                                      "unknown id changes nothing."),
    force: bool = typer.Option(False, "--force", help="With --from a copy of the levels without a catalogue_stock "
                               "column (an --export made before stop 71, GET /api/stock?format=csv before stop 72): "
                               "set every level of it, those other than the catalogue's file gives now included."),
    hide: list[str] = typer.Option(None, "--hide", help="Hide these products from shoppers (IDS, comma-separated or "
                                   "repeated): kept in the index, never listed, searched or recommended, said hidden "
                                   "when asked for by id; --from of an export with a 'Product Visible?', 'Published' "
                                   "or 'Status' column hides and shows its products as it says."),
    unhide: list[str] = typer.Option(None, "--unhide", help="Show these hidden products again (IDS)."),
    index: Path = IndexOpt,
    backend: str | None = BackendOpt, uri: str | None = UriOpt, token: str | None = TokenOpt,
    model: Path | None = ModelOpt, as_json: bool = JsonOpt,
) -> None:
    """Set products' stock levels without a rebuild or any embedding (stop 67): a product at 0 (or "no") is sold
    out, left out of every list a shopper is shown until its level is set above 0. All of them, or none where an id
    is unknown or a level is no level (said). A server of the index loads the change as it loads an `index add`'s.

    --list and --export read the levels back (stop 69), those set here and those styles.csv gave."""
    reads = listing or export is not None
    to_hide = [i.strip() for ids in hide or [] for i in ids.split(",") if i.strip()]
    to_show = [i.strip() for ids in unhide or [] for i in ids.split(",") if i.strip()]
    if set(to_hide) & set(to_show):
        fail(f"{', '.join(sorted(set(to_hide) & set(to_show)))} given to both --hide and --unhide: give each once")
    shown_given = dict.fromkeys(to_hide, True) | dict.fromkeys(to_show, False)
    if sold_out_only and not reads:
        fail("--sold-out applies to --list and --export: give one of them with it")
    if as_json and str(export) == "-":
        fail("--export - writes CSV to the terminal, which --json writes JSON to: give a file, or --list --json")
    if listing and str(export) == "-":
        fail("--export - writes CSV to the terminal, which --list writes its lines to: give one, or --export a file")
    if force and from_file is None:
        fail("--force applies to --from: give the file with it")
    given, read = _stock_levels(levels or [], from_file, none_needed=reads or bool(shown_given), index=index,
                                force=force, skip_unreadable=skip_unknown)
    # Which products to hide or show: the file's word for each (an export's "Product Visible?"), then those named.
    file_word = {k: h for k, h in (read.hidden if read is not None and read.hidden is not None else {}).items()
                 if k not in shown_given}
    shown_given = {**file_word, **shown_given}
    kept_hidden: list[int] = []
    priced = None
    from fashionrec.stock import is_sold_out, level_said
    from fashionrec.stock_list import levels_table
    from fashionrec.visibility import hidden_ids, kept_by_hand

    skipped: list[str] = []
    rec = None
    try:
        items = None if given or shown_given else _items_alone(index)
        hid: dict[int, bool] = {}
        if items is None:
            rec = _load(index, model, backend=backend, uri=uri, token=token, writes=bool(given or shown_given))
            if skip_unknown:
                skipped = unknown_ids(rec, given | shown_given)
                given, shown_given = known_only(given, skipped), known_only(shown_given, skipped)
            was = _levels_now(rec.items)
            # Those whose state changes, every id checked before any level is set (nothing changed where one is
            # unknown); each read as set_stock reads a level's id (a Handle, "0015970" too).
            read_id = rec.ids_reader()
            shown = {read_id(k): h for k, h in shown_given.items()}
            rec._checked_ids(list(shown), "changed")
            # The hand's hide wins over the file's word until unhidden by hand, as at a rebuild (stop 75: an export
            # saying "active" showed a product hidden by `--hide`, which a rebuild of it kept hidden): kept, said.
            # (A copy of the levels, `--export`'s, says the index's own hides, the hand's among them: its word is the
            # hand's, restored as it was. A key --skip-unknown dropped is no product.)
            by_file = {read_id(k) for k in file_word if k in shown_given} if file_word and not read.listing else set()
            kept_hidden = kept_by_hand({i: why for i, why in hidden_ids(rec.manifest).items() if i in by_file},
                                       (i for i in by_file if shown[i]))
            changes = {i: h for i, h in shown.items() if h != rec.is_hidden(i) and i not in kept_hidden}
            done = rec.set_stock(given) if given else {}
            hid = rec.set_hidden(changes, by_file=by_file & set(changes)) if changes else {}
            # The export's prices and regular prices, as a build reads them (stop 77: a sale that ended stayed on
            # until a rebuild); a copy of the levels (--export's) has none.
            file_prices = known_only(read.prices, skipped) if read is not None and read.prices else {}
            priced = rec.set_prices({read_id(k): v for k, v in file_prices.items()}) if file_prices else None
            items = rec.items
        else:
            done, was = {}, {}
    except NotFoundError as e:
        # The export --export wrote, set again after a rebuild that dropped a product, changed nothing, and "give the
        # other ids (...) alone" named 10 of 40k (a review of stop 69's change): the way to set the others, said.
        fail(f"{e}; --skip-unknown sets the levels of the products the index holds and lists the other ids")
    except FashionrecError as e:
        fail(str(e))
    in_index = int(levels_table(items)["sold_out"].sum())
    sold = [i for i, level in done.items() if is_sold_out(level)]
    # Which of them the index had at another level (stop 71: a copy set again said every level of it "set").
    changed = [i for i, level in done.items() if level_said(level) != level_said(was.get(i))]
    # skipped_ids as before, and the API's two lists (PUT /api/stock?skip_unknown=true) beside it.
    said: dict = {"skipped_ids": skipped, **skipped_lists(rec, skipped)} if skip_unknown else {}
    if skipped and read is not None:
        # As the file writes them: a Shopify export's new products by their Handles, not their hashes (stop 74).
        said["skipped_as_written"] = [read.as_written.get(k, k) for k in skipped]
    # What was done, beside a CSV written to the terminal, on stderr: `index stock ID=0 --export - > copy.csv` made a
    # copy whose first line was "set the stock of 1 product ...", which --from could not read (a review of stop 69).
    out = err_console if str(export) == "-" else console
    if read is not None and read.unread_lines:
        said["unread_lines"] = read.unread_lines
        if not as_json:
            k = len(read.unread_lines)
            out.print(f"left out {k} line{'s' if k != 1 else ''} of {read.file} that cannot be read ("
                      + "; ".join(read.unread_lines[:5]) + (" ..." if k > 5 else "") + ")", highlight=False)
    if skipped and not as_json:
        out.print(f"skipped {len(skipped)} id{'s' if len(skipped) != 1 else ''} {index} does not hold "
                  f"({', '.join(said['skipped_as_written'][:10])}{' ...' if len(skipped) > 10 else ''})",
                  highlight=False)
    if shown_given or hid:
        hidden_now = [i for i, h in hid.items() if h]
        shown_now = [i for i, h in hid.items() if not h]
        # Each beside the shop's spelling, as the levels are (a Shopify shop's Handles, not their hashes: stop 74).
        said |= {"hidden": hidden_now, "shown": shown_now, "hidden_as_written": rec.ids_as_written(hidden_now),
                 "shown_as_written": rec.ids_as_written(shown_now)}
        if kept_hidden:
            said |= {"kept_hidden": kept_hidden, "kept_hidden_as_written": rec.ids_as_written(kept_hidden)}
            if not as_json:
                k = len(kept_hidden)
                out.print(f"kept {k} product{'s' if k != 1 else ''} hidden by hand though {from_file} shows "
                          f"{'them' if k != 1 else 'it'}{_some(rec, kept_hidden)}: the hand's hide stands until "
                          f"`index stock --unhide` shows {'them' if k != 1 else 'it'}, at a rebuild too",
                          highlight=False)
        if not as_json:
            same = len(shown_given) - len(hid) - len(kept_hidden)
            out.print(f"hid {len(hidden_now)} product{'s' if len(hidden_now) != 1 else ''}{_some(rec, hidden_now)} "
                      f"and showed {len(shown_now)} again{_some(rec, shown_now)} in {index}"
                      + (f"; {same} {'were' if same != 1 else 'was'} so already" if same else ""), highlight=False)
    if given or read is not None:
        # Each id beside its number as the shop writes it too (stop 74), as PUT /api/stock answers.
        said |= {**levels_set_said(rec, done), "changed": changed}
        if read is not None:
            # How --from read the file (stop 70): the columns.json and the sizes summed, as a build would read them.
            said["from"] = {"file": read.file, "stock_column": read.stock_column, "columns_json": read.column_map
                            or None, "variant_lines_folded": read.folded_lines}
            if read.catalogue_levels is not None:       # (an export's copy: what the catalogue changed since it)
                said["from"]["left_ids"] = read.left_ids
        if not as_json:
            if read is not None and read.said():
                out.print(f"read {read.file}: {read.said()}", highlight=False, soft_wrap=True)
            if read is not None and read.left_ids:
                k = len(read.left_ids)
                out.print(f"left {k} level{'s' if k != 1 else ''} as the catalogue's file gives "
                          f"{'them' if k != 1 else 'it'} now (ids {', '.join(read.left_ids[:10])}"
                          f"{' ...' if k > 10 else ''}): the file changed since the copy was made, and the newer "
                          "file wins, as at a rebuild", highlight=False, soft_wrap=True)
            out.print(f"set the stock of {len(done)} product{'s' if len(done) != 1 else ''} in {index}"
                          + (f": {len(sold)} of them sold out ({', '.join(said['sold_out_as_written'][:10])}"
                             f"{' ...' if len(sold) > 10 else ''})" if sold else "")
                          + f"; {in_index} sold out in the index"
                          + (f"; {len(changed)} changed, {len(done) - len(changed)} at that level already"
                             if len(changed) != len(done) else ""),
                          highlight=False)
    if priced is not None:
        said |= priced.as_json()
        if not as_json:
            out.print(f"set the prices of {read.file} in {index}: {priced.said(rec.ids_said)}", highlight=False,
                      soft_wrap=True)
            if priced.kept_by_hand:
                k = len(priced.kept_by_hand)
                out.print(f"kept {k} price{'s' if k != 1 else ''} set by hand{_some(rec, priced.kept_by_hand)}, "
                          f"{read.file} still giving the one{'s' if k != 1 else ''} the edit replaced: the hand's "
                          "stands until the export changes it or `index edit` sets it again, as at a rebuild",
                          highlight=False, soft_wrap=True)
            if priced.file_won:
                k = len(priced.file_won)
                out.print(f"took {read.file}'s value of {k} price{'s' if k != 1 else ''} set by hand, changed in the "
                          f"export since ({', '.join(priced.file_won[:10])}): the newer file wins, as at a rebuild; "
                          "`fashionrec index edit` them again if the edit should stand", highlight=False,
                          soft_wrap=True)
    if reads:
        said.update(_stock_read_back(items, index, listing, export, sold_out_only, as_json))
    if as_json:
        print_json({**said, "sold_out_in_index": in_index, "index": str(index)})


def _some(rec, ids: list) -> str:
    """" (15970, 39386 ...)": the first ten of ``ids`` in brackets, the shop's spellings after them where ``rec``'s
    index records any ("..., written navy-tee"), "" for none."""
    return f" ({rec.ids_said(ids)})" if ids else ""


def _levels_now(items) -> dict:
    """{id: its level (float, NaN for none)} of an index's ``items``: what a change is said against."""
    from fashionrec.stock import STOCK, levels_of

    if STOCK not in items:
        return {}
    return dict(zip(items["id"].astype(int).tolist(), levels_of(items[STOCK]).tolist(), strict=True))


def _items_alone(index: Path):
    """The items of the index folder ``index`` as a load of it holds them (its generation applied), read without the
    model or the vector index: a listing of 40k levels took 18 s and 1.3 GB in a full load (a loaded machine, stop
    69), the levels alone a second. None where they cannot be read so (a change moving in, a folder to settle):
    the full load, which waits for or settles it, reads them."""
    from fashionrec.change_intent import INTENT
    from fashionrec.errors import VectorIndexError
    from fashionrec.index_delta import current_items

    folder = index_dir(index)
    if not (folder / "manifest.json").is_file() or (folder / INTENT).exists():
        return None     # (the load says what is missing, or settles the change a killed process left)
    try:
        return current_items(folder)
    except (OSError, ValueError, VectorIndexError):
        return None


def _stock_read_back(items, index: Path, listing: bool, export: Path | None, sold_out_only: bool,
                     as_json: bool) -> dict:
    """``index stock --list`` / ``--export``: the levels of ``items`` (an index's) listed (a line each) and/or
    written as CSV; returns what ``--json`` adds (the list's records, the file written)."""
    import sys

    from fashionrec.stock_list import COLUMNS, levels_csv, levels_records, levels_table

    table = levels_table(items, sold_out_only, _manifest_of(index))
    said: dict = {}
    if export is not None:
        from fashionrec.stock_kept import with_catalogue_levels

        # The level the catalogue's file gave each product, last (stop 71): `--from` this copy after a rebuild leaves
        # alone the levels the file changed since, where it set every level of the copy again over the new file's.
        text = levels_csv(with_catalogue_levels(table, index_dir(index), _manifest_of(index).get("data_dir")))
        if str(export) == "-":
            sys.stdout.write(text)
        else:
            from fashionrec.artifacts import write_with

            try:
                # Aside, then put in place: a write cut short (a full disk) truncated the copy kept before a
                # rebuild, which `--from` then set as it was (a review of stop 69's change).
                write_with(export, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
            except OSError as e:
                fail(f"cannot write {export}: {e}; {export} left as it was")
            except FashionrecError as e:
                fail(str(e))
            said["exported"] = {"file": str(export), "levels": len(table)}
            if not as_json:
                console.print(f"wrote the stock levels of {len(table):,} product{'s' if len(table) != 1 else ''} "
                              f"of {index} to {export} (`fashionrec index stock --from {export}` sets them again)",
                              highlight=False)
    if listing:
        if as_json:
            said["levels"] = levels_records(table)
        else:
            # Plain lines, not a rich table: 40k rows of one took a minute to lay out.
            lines = [f"{'id':>8}  {'stock':>7}  {'':8}  name"]
            hidden = table["hidden"].tolist() if "hidden" in table else [False] * len(table)
            lines += [f"{i:>8}  {'-' if level is None else level!s:>7}  "
                      f"{'hidden' if shut else 'sold out' if gone else '':8}  {name}"
                      for (i, level, gone, name), shut in zip(table[list(COLUMNS)].itertuples(index=False, name=None),
                                                              hidden, strict=True)]
            unset = int(table["stock"].isna().sum())
            lines.append(f"{len(table):,} product{'s' if len(table) != 1 else ''}"
                         + (" sold out" if sold_out_only else f", {int(table['sold_out'].sum()):,} sold out, "
                            f"{unset:,} without a level (available)")
                         + (f", {sum(hidden):,} hidden by the shop" if "hidden" in table else ""))
            console.print("\n".join(lines), highlight=False, markup=False, soft_wrap=True)
    return said


def _manifest_of(index: Path) -> dict:
    """The index folder's manifest as written, {} where it cannot be read (what is read of it is then left out)."""
    from fashionrec.artifacts import read_json

    try:
        manifest = read_json(index_dir(index) / "manifest.json")
    except (OSError, ValueError, FashionrecError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _stock_levels(pairs: list[str], from_file: Path | None, none_needed: bool = False,
                  index: Path | None = None, force: bool = False, skip_unreadable: bool = False) -> tuple[dict, object]:
    """({id: level as given} of ``pairs`` ("15970=0") and the CSV ``from_file``, read as the catalogue loader reads
    the index ``index``'s catalogue (stock_file); how that file was read, None without one): a usage error for
    what is neither, and where none is given unless ``none_needed`` (a listing alone)."""
    given: dict = {}
    read = None
    if from_file is not None:
        from fashionrec.catalog import written_ids
        from fashionrec.shop_ids import new_product_id
        from fashionrec.stock_file import read_levels_file
        from fashionrec.typed_ids import typed_reader

        manifest = _manifest_of(index) if index is not None else {}
        # An id cell that is no number read as `index stock HANDLE=0` reads it: the product the index records written
        # so (a file of Handles was "not an integer", stop 74). Numbers are read as the loader reads them.
        written = written_ids(manifest)
        reader = typed_reader(written, lambda _: False) if written else None

        def spelt(text: str) -> int | None:
            # A Handle or code the index never had (a product not added yet) is the id it makes, where the index's
            # ids are made so, for --skip-unknown to skip: the file was refused by line, "not an integer" (stop 75).
            found = reader(text)
            return found if found is not None else new_product_id(text, written)
        try:
            read = read_levels_file(from_file, manifest.get("data_dir"), spelt if written else None,
                                    skip_unreadable=skip_unreadable)
        except FashionrecError as e:
            fail(str(e))
        given.update(read.levels)
        if read.catalogue_levels is not None and index is not None:
            from fashionrec.stock_kept import changed_since_copy

            # An export's copy set again after a rebuild (stop 71): a level the new catalogue file gives otherwise than
            # the copy says the old one did is the file's newer one, left as the rebuild read it (it was set back).
            read.left_ids = changed_since_copy(index_dir(index), read.catalogue_levels)
            given = known_only(given, read.left_ids)     # by a set: 20,000 such levels took 72 s by the list
        elif read.listing and index is not None and not force:
            _refuse_copy_over_catalogue(index, read)
    for pair in pairs:
        item_id, sep, level = pair.partition("=")
        if not sep or not item_id.strip():
            fail(f"{pair!r} is no ID=LEVEL: give each as 15970=0 (sold out) or 15970=12")
        # "none", "null", "n/a" are no level as in a styles.csv (stock.NO_LEVEL_WORDS, read by set_stock)
        given[item_id.strip()] = level.strip() or None
    if not given and not none_needed and not (read is not None and read.left_ids):
        fail("no stock level given: ID=LEVEL (e.g. 15970=0), or --from a CSV of id and stock; --list or --export "
             "FILE to read the levels back")
    return given, read


def _refuse_copy_over_catalogue(index: Path, read) -> None:
    """Refuse ``read`` (a copy of an index's levels without a catalogue_stock column) where it would set a level
    other than the one the catalogue's file gives where the index holds that one (stop 72): after a rebuild it set
    the copy's back over a level the shop had written into the file since, without a word. Which they are is said,
    with their levels, and how to go on; nothing is changed."""
    from fashionrec.catalog import first_few
    from fashionrec.stock import level_said
    from fashionrec.stock_kept import CATALOGUE_STOCK, over_catalogue

    items = _items_alone(index)
    over = over_catalogue(index_dir(index), _manifest_of(index).get("data_dir"), items, read.levels) \
        if items is not None else []
    if not over:
        return
    k = len(over)
    table = _manifest_of(index).get("table") or "styles.csv"

    def said(level: float) -> str:
        return "none" if level_said(level) is None else str(level_said(level))

    fail(f"{read.file} is a copy of the levels (its sold_out column: an `index stock --export` made before stop 71 "
         f"or a GET /api/stock?format=csv before stop 72) without a {CATALOGUE_STOCK} column, so it cannot tell a "
         f"level set by hand from one the catalogue's {table} changed since it was made: it would set {k} "
         f"level{'s' if k != 1 else ''} other than the one{'s' if k != 1 else ''} {table} gives now (id: {table}'s -> "
         "the copy's: "
         + first_few([f"{key}: {said(was)} -> {said(to)}" for key, was, to in over], 10)
         + "); nothing was changed. Where the copy's are the right ones, give --force to set every level of it; "
         f"else take out the lines of those {table} has newer and --from it again. `index stock --export` and the "
         f"API's CSV now write the {CATALOGUE_STOCK} column, whose copy leaves such levels as the file gives them")


@index_app.command("build")
def index_build(
    data_dir: Path | None = DataDir,
    model: Path | None = typer.Option(None, "--model", help="Checkpoint (default: the shipped model)."),
    # The variable every other index command reads (a new user's trial, stop 71: with it exported, a rebuild went
    # to runs/index, embedding everything again, while `serve` and `recommend` went on with the old index).
    out: Path = typer.Option(Path("runs/index"), "--out", envvar="FASHIONREC_INDEX_DIR",
                             help="Index folder to write (replaced atomically)."),
    kind: str = typer.Option("auto", "--kind", help="auto | flat | hnsw (auto: flat below 20k 256-d vectors)."),
    index_dim: int | None = typer.Option(None, "--index-dim", help="Search a PCA projection of the embeddings "
                                         "to this many dims, re-scored with the full ones (default: 256 for "
                                         "longer embeddings; 0: the full embeddings)."),
    backend: str = typer.Option("faiss", "--backend", help="faiss (embedded, default) or milvus."),
    uri: str | None = typer.Option(None, "--uri", help="Milvus: a Milvus Lite file (default OUT.milvus.db) "
                                   "or http://host:19530 for a server or cluster."),
    token: str | None = TokenOpt,
    from_embeddings: Path | None = typer.Option(None, "--from-embeddings", help="Index the Parquet shards of "
                                                "`fashionrec embed` instead of embedding here."),
    reuse: bool = typer.Option(True, "--reuse/--no-reuse", help="Take the embeddings of photos the index at "
                               "--out already holds from the same model, and of product texts from the same text "
                               "model whatever the photo model (a catalogue changed by a few rows rebuilds in about "
                               "a minute); --no-reuse embeds all."),
    allow_shrink: bool = typer.Option(False, "--allow-shrink", help="Replace the index at --out although the "
                                      "catalogue has under half its products (else refused: a styles.csv cut "
                                      "short)."),
    replace_added: bool = typer.Option(False, "--replace-added", help="Let a new row of styles.csv replace a "
                                       "product added to the index under the same id though their names differ "
                                       "(else refused)."),
    currency: str | None = typer.Option(None, "--currency", help="The currency the shop's prices are in, as "
                                        "cards, the API and tables write it before a price: ₹, $, Rs. or EUR "
                                        "('' for none; default: the one this index was given before, else the "
                                        "symbol styles.csv's prices are written with)."),
) -> None:
    """Embed every usable product and write the image + text index with its manifest."""
    from fashionrec.catalog import IDS_AS_NUMBERS, first_few, load_catalog, variant_prices_said, written_ids
    from fashionrec.index import BACKENDS
    from fashionrec.index.faiss_index import KINDS
    from fashionrec.index_build import InSummary
    from fashionrec.index_build import log as build_log
    from fashionrec.product_edits import EDITED, edits_said
    from fashionrec.recommend import Recommender
    from fashionrec.stock_kept import stock_kept_said
    from fashionrec.tagger import Tagger
    from fashionrec.visibility import HIDDEN_SET_SINCE, hides_kept_said

    _one_of("--kind", kind, KINDS)
    _one_of("--backend", backend, BACKENDS)
    t0 = time.perf_counter()
    before = _build_id(out)
    try:
        from fashionrec.artifacts import check_writable

        # Said now, not after minutes of embedding (an ML engineer's trial: "/proc/x: No such file" at the end).
        check_writable(out / "manifest.json")
        catalog = load_catalog(_data_dir(data_dir), warn=False)     # said once, after the build
        embeddings = None
        if from_embeddings is not None:
            from fashionrec.batch_embed import load_embeddings

            emb_manifest, embeddings = load_embeddings(from_embeddings)
            if model is None:       # queries must be embedded by the model that made the catalogue's vectors
                model = emb_manifest["model"]["path"]
        tagger = Tagger.load(model)
        if from_embeddings is not None:
            from fashionrec.batch_embed import check_made_by

            check_made_by(emb_manifest, from_embeddings, tagger)
        # The build's closing lines are said once, by the summary below (they were said twice, logged too).
        build_log.addFilter(summarised := InSummary())
        try:
            rec = Recommender.build(catalog, tagger, out, index_kind=kind, backend=backend, uri=uri,
                                    token=token, embeddings=embeddings, index_dim=index_dim, reuse=reuse,
                                    allow_shrink=allow_shrink, replace_added=replace_added, currency=currency)
        finally:
            build_log.removeFilter(summarised)
    except FashionrecError as e:
        fail(str(e))
    except KeyboardInterrupt as e:
        # The new index is staged beside the old one and swapped in only when whole: say which one is there.
        stopped(e, _left_in(out, before))
    m = rec.manifest
    dims = f"dim {m['dim']}" + (f", searched as {m['index_dim']}-d PCA" if m.get("projection") else "")
    console.print(f"indexed {len(rec)} items ({m['index_kind']}, {dims}) "
                  f"in {time.perf_counter() - t0:.1f} s -> {out}")
    changes = m.get("changes")
    if changes:
        # A styles.csv cut by 40% took 159 products out without a word (an operator's re-trial).
        def ids(key: str) -> str:
            shown = ", ".join(map(str, changes.get(f"{key}_ids", [])[:10]))
            return f" (ids {shown}{' ...' if changes[key] > 10 else ''})" if changes.get(key) else ""

        back = f", {changes['back']:,} back{ids('back')}" if changes.get("back") else ""
        console.print(f"against the index it replaced: {changes['new']:,} product{'' if changes['new'] == 1 else 's'} "
                      f"new{ids('new')}{back}, {changes['gone']:,} gone{ids('gone')}", highlight=False,
                      style="bold yellow" if changes["gone"] else None)
    reused = m.get("reused") or {}
    if any(reused.values()):
        console.print(f"reused the photo embeddings of {reused['photo_embeddings']:,} and the text embeddings of "
                      f"{reused['text_embeddings']:,} products from the index it replaced (photos of the same model, "
                      "texts of the same text model; --no-reuse embeds all)", highlight=False)
    if catalog.report.left_out():
        console.print(catalog.report.left_out(), highlight=False)
        # Which, where they are few: a correction appended under an id already there was counted, not named.
        for line in catalog.report.rejected_lines(5):
            console.print(line, highlight=False)
    report = catalog.report
    if report.column_map:       # a shop's own header read through its columns.json (stop 68)
        console.print("columns mapped by columns.json: " + ", ".join(f"{h!r} as {c}" for h, c in
                                                                    report.column_map.items()), highlight=False)
    if report.variant_lines_folded or report.variant_lines_kept:
        console.print(f"variant lines ({report.variant_column}): {len(report.variant_lines_folded)} folded into their "
                      f"products, {len(report.variant_lines_kept)} with ids of their own kept as products "
                      "(`fashionrec data check` lists them)", highlight=False)
    if report.variant_prices:
        console.print(f"variant prices: {variant_prices_said(report.variant_prices)}", highlight=False,
                      soft_wrap=True)
    if report.ids_written_otherwise and report.ids_from:       # made from a Shopify export's Handles (stop 73)
        console.print(report.ids_written_said(3), highlight=False, soft_wrap=True)
    elif report.ids_written_otherwise:
        said = first_few([f"{text!r} as {i}" for text, i in report.ids_written_otherwise.items()], 3)
        console.print(f"{len(report.ids_written_otherwise)} ids written otherwise ({said}): {IDS_AS_NUMBERS}",
                      highlight=False, soft_wrap=True)
    if catalog.report.absent_columns:
        # Said after the build too: a "Color" column left every product without a colour, said by data check alone
        # (a shop's re-trial).
        console.print(f"indexed without the {', '.join(catalog.report.absent_columns)} column"
                      f"{'s' if len(catalog.report.absent_columns) > 1 else ''} {catalog.report.table_name} lacks"
                      f"{catalog.report.misnamed_said()}", highlight=False, soft_wrap=True)
    typos = [t for typos in catalog.report.possible_typos.values() for t in typos]
    if typos:
        # Indexed as written: a filter, a search and similar items take "Tshrts" for a type of its own.
        said = ", ".join(f"{t['value']!r} ({t['rows']}, like {t['like']!r})" for t in typos[:5])
        n = sum(t["rows"] for t in typos)
        console.print(f"{n} product{' is' if n == 1 else 's are'} indexed with labels that look like typos: "
                      f"{said}{' ...' if len(typos) > 5 else ''}; correct {catalog.report.table_name} and build again "
                      "(`fashionrec data check` lists them)", highlight=False)
    if m.get("kept_added_ids"):
        console.print(f"kept {len(m['kept_added_ids'])} products added to the previous index since its build "
                      "(re-embedded with this model)")
    if m.get("stock_set_since"):
        # Levels set through `index stock` or the API since the build replaced: kept or not, and why (stop 68).
        console.print(stock_kept_said(m["stock_set_since"], written_ids(m)), highlight=False, soft_wrap=True)
    if m.get(HIDDEN_SET_SINCE):
        # The hides and shows set since that the rebuild kept against the file's word, as the levels (stop 76).
        console.print(hides_kept_said(m[HIDDEN_SET_SINCE], catalog.report.table_name, written_ids(m)),
                      highlight=False, soft_wrap=True)
    if m.get(EDITED):
        # The edits the rebuild kept: said in its log alone, which the command does not print (stop 75, h75integ).
        console.print(edits_said(m[EDITED], written_ids(m)), highlight=False, soft_wrap=True)
    if m.get("added_ids_now_catalogue_rows"):
        ids = m["added_ids_now_catalogue_rows"]
        console.print(f"{len(ids)} products added to the previous index (ids {first_few(ids)}) are "
                      "now catalogue rows under the same ids: the catalogue's rows replace them", highlight=False)


def _build_id(out: Path) -> str | None:
    """The build id of the index in ``out`` (None: none there, or unreadable)."""
    try:
        return json.loads((out / "manifest.json").read_text()).get("build_id")
    except (OSError, ValueError):
        return None


def _left_in(out: Path, before: str | None) -> str:
    """What an interrupted build leaves in ``out``, whose index had build id ``before`` when it started: the new
    index (an interrupt after the swap: "unchanged" was said of it), the one it had before, or none."""
    try:
        manifest = json.loads((out / "manifest.json").read_text())
    except (OSError, ValueError):
        return f"no index was written to {out}; `fashionrec index build` again builds it from the start"
    about = f"{manifest.get('count')} products, built {manifest.get('date')}"
    if manifest.get("build_id") != before:
        return f"the new index was complete and is in {out} ({about}): nothing to do again"
    # Not "from the start": the next build takes what that index embedded with the same model (index_reuse).
    return (f"{out} still holds the index it had before ({about}), unchanged; `fashionrec index build` again "
            "embeds only the photos and texts it does not hold (all of them with --no-reuse; every photo with "
            "another model)")


@recommend_app.command("similar")
@_sold_out_as_asked
def recommend_similar(
    item_id: str = typer.Argument(..., help="Item id: " + ID_TYPED),
    index: Path = IndexOpt, k: int = KOpt, as_json: bool = JsonOpt,
    backend: str | None = BackendOpt, uri: str | None = UriOpt, token: str | None = TokenOpt,
    diversity: float = typer.Option(0.0, help="0 = most similar, up to 1 = most diverse (MMR)."),
    other_colours: bool = typer.Option(False, "--other-colours", help="Of any colour but ITEM_ID's, each "
                                       "colour's closest first."),
    colourways: str | None = typer.Option(None, "--colourways", help="exclude or include: its colourways (named as "
                                          "it is but for the colour) that its page's other colours show; left out: "
                                          "excluded, as on its page, unless --other-colours or --colour is given."),
    gender: str | None = GenderOpt, article_type: str | None = TypeOpt, colour: str | None = ColourOpt,
    sub_category: str | None = SubOpt, usage: str | None = UsageOpt,
    master_category: str | None = MasterOpt, season: str | None = SeasonOpt, model: Path | None = ModelOpt,
    include_sold_out: bool = SoldOutOpt,
) -> None:
    """Items that look like ITEM_ID, as its product page lists them (without the colourways it shows in other
    colours, unless --colourways include)."""
    _check_k(k, diversity)
    if colourways is not None and colourways not in COLOURWAYS:     # said before the index loads
        fail(f"--colourways takes {' or '.join(COLOURWAYS)}, got {colourways!r}; leave it out for its page's choice")
    wanted = _filters(gender, article_type, colour, sub_category, usage, master_category, season)
    try:
        rec = _load(index, model, backend=backend, uri=uri, token=token)
        recs = rec.similar(rec.id_typed(item_id), k=k, filters=wanted, diversity=diversity,
                           other_colours=other_colours, colourways=colourways)
    except FashionrecError as e:
        fail(str(e))
    _show(recs, as_json, f"similar to {item_id}")


@recommend_app.command("photo")
@_sold_out_as_asked
def recommend_photo(
    path: Path = typer.Argument(..., help="A photo (jpg/png/webp)."),
    index: Path = IndexOpt, k: int = KOpt, as_json: bool = JsonOpt,
    backend: str | None = BackendOpt, uri: str | None = UriOpt, token: str | None = TokenOpt,
    gender: str | None = GenderOpt, article_type: str | None = TypeOpt, colour: str | None = ColourOpt,
    sub_category: str | None = SubOpt, usage: str | None = UsageOpt,
    master_category: str | None = MasterOpt, season: str | None = SeasonOpt, model: Path | None = ModelOpt,
    include_sold_out: bool = SoldOutOpt,
) -> None:
    """Tag a photo and show catalogue items that look like it."""
    _check_k(k)
    image = _open_photo(path)
    wanted = _filters(gender, article_type, colour, sub_category, usage, master_category, season)
    try:
        rec = _load(index, model, backend=backend, uri=uri, token=token)
        found = rec.similar_to_image(image, k=k, filters=wanted)
    except FashionrecError as e:
        fail(str(e))
    predicted, recs = found
    if as_json:
        # As /api/search/image answers: each head's labels best first, {label, prob} (the best one alone, rounded,
        # and no unlike_filtered made a script written against the CLI read the API otherwise, and back).
        from fashionrec.api.schemas import to_predictions

        _show(recs, as_json, "", answer=api_answer(
            recs, "ImageSearch", predicted=to_predictions(predicted), closest_similarity=found.closest,
            unfamiliar=found.unfamiliar, unlike_filtered=found.unlike_filtered, turned=found.turned,
            greyscale=found.greyscale, same_as=found.same_as))
        return
    # The photo of a catalogue product: that product's labels, which ranked the results, and no probabilities.
    pred = {h: p[0][0] if found.same_as is not None else f"{p[0][0]} ({p[0][1]:.2f})" for h, p in predicted.items()}
    closest = None if found.closest is None else round(found.closest, 4)
    _show(recs, as_json, f"similar to {path.name}",
          {"predicted" if found.same_as is None else f"labels of product {found.same_as}": pred,
           "closest_similarity": closest, "unfamiliar": found.unfamiliar, "turned": found.turned,
           "greyscale": found.greyscale})
    if found.same_as is not None:
        named = rec.item(found.same_as).get("productDisplayName")
        console.print(f"{path.name} is the photo of product {found.same_as} ({named}): its own labels rank and "
                      "explain these results", highlight=False)
    if not recs and not len(rec):      # "no results" alone (a re-trial)
        console.print(EMPTY_INDEX, highlight=False)
    if found.turned:
        from fashionrec.view_choice import turned_how

        console.print(f"{path.name} looked turned {turned_how(found.turned)}: it was read turned {found.turned} "
                      "degrees clockwise", highlight=False)
    if found.greyscale:
        console.print(f"{path.name} is a greyscale photo, so its colour cannot be seen: its colour is a guess, and "
                      "these results are not ranked by colour (give --colour to choose one)", highlight=False)
    if found.unfamiliar:
        console.print(f"warning: {path.name} looks unlike every product in the catalogue (closest {closest}): "
                      "its labels and these results may be off; one product on a plain background works best",
                      highlight=False)


@recommend_app.command("text")
@_sold_out_as_asked
def recommend_text(
    query: str = typer.Argument(..., help='e.g. "red cotton t-shirt for men".'),
    index: Path = IndexOpt, k: int = KOpt, as_json: bool = JsonOpt,
    backend: str | None = BackendOpt, uri: str | None = UriOpt, token: str | None = TokenOpt,
    gender: str | None = GenderOpt, article_type: str | None = TypeOpt, colour: str | None = ColourOpt,
    sub_category: str | None = SubOpt, usage: str | None = UsageOpt,
    master_category: str | None = MasterOpt, season: str | None = SeasonOpt, model: Path | None = ModelOpt,
    min_similarity: float = typer.Option(
        TEXT_RELEVANCE, min=-1.0, max=1.0, help="Drop results that match no query word as a type, colour, "
        "gender, usage or season and are less similar to the query (MiniLM cosine) than this, as the web UI "
        "does; -1 keeps k results whatever the query (the type and wearer it names are then preferences, as "
        "in Python's search_text without min_similarity)."),
    sort: str | None = typer.Option(None, "--sort", help="Where the shop's catalogue has prices: 'price' cheapest "
                                    "first, '-price' dearest first, of the products the search finds (as "
                                    "/api/search/text's sort); where products have years, 'newest' the latest "
                                    "year first; default: the search's own order, or the one a word of the query "
                                    "asks ('cheapest', 'most expensive', 'cheap', 'premium', 'latest')."),
    include_sold_out: bool = SoldOutOpt,
) -> None:
    """Search products by text (sentence embeddings + type/colour/gender/usage/season words)."""
    from fashionrec.api.schemas import to_look
    from fashionrec.filed_elsewhere import filed_notes
    from fashionrec.item_tables import SALE_FILTER
    from fashionrec.pairing import pairing_said, read_search
    from fashionrec.regular_prices import is_sale_word
    from fashionrec.text_notes import (
        PRICE_HINT,
        arrivals_alone,
        hidden_alone,
        hidden_alone_said,
        ordered_search,
        price_alone,
        price_filter,
        search_said,
        searched_words,
        text_order,
    )
    from fashionrec.text_search import ages_said, read_ages
    from fashionrec.vocabulary import price_range, price_range_said, price_words, rank_words, read_otherwise_said

    _check_k(k)
    wanted = _filters(gender, article_type, colour, sub_category, usage, master_category, season)
    # An age first, as the API and the web page read it ("kurta for 5 year old" left out "for 5" as a price).
    unaged, aged, kids = read_ages(query)
    if not unaged.strip():
        unaged, aged = query, []
    left_out = aged
    price = None
    try:
        rec = _load(index, model, backend=backend, uri=uri, token=token)
        # A price and nothing else ("under 500"): products so priced, as /api/search/text and the page list them.
        alone = None if aged else price_alone(rec, unaged, wanted, k, sort)
        # "new arrivals" alone: the newest products (stop 74), as /api/search/text lists them.
        newest = None if aged or sort or alone else arrivals_alone(rec, unaged, wanted, k)
    except FashionrecError as e:
        fail(str(e))
    if newest:
        recs, unread, said = newest
        if not as_json:
            console.print(said, highlight=False)
        _show(recs, as_json, f"text: {query}", answer=api_answer(recs, left_out=unread, note=said) if as_json else None)
        return
    if alone:
        recs, unread, price, said = alone
        if not as_json:
            console.print(said, highlight=False)
        priced = f", priced {price_range_said(price, rec.currency())}" if price else ""
        _show(recs, as_json, f"text: {query}{priced}",
              answer=api_answer(recs, left_out=unread, price=list(price) if price else None, note=said)
              if as_json else None)
        return
    try:
        # Prices, sizes and a rating word no name has with the rest, as the API and the page leave them out.
        query, priced = searched_words(rec, unaged, wanted)
        # "shoes to go with a red dress": the dress's wearer and colour, as the API and the page read it (stop 68);
        # the look it, or a search for a whole outfit, offers (stop 72).
        paired, look = read_search(rec, query, wanted)
        if paired:
            query = paired.searched
        left_out = aged + priced
        # "under 500" a filter where the catalogue has prices (stop 64), as /api/search/text reads it.
        # ("on sale" a filter too where the index keeps regular prices, stop 76, h76sale.)
        filtered = price_filter(rec, priced, unaged)
        price = filtered.get("price")
        # "cheapest", "premium", or --sort: the results' order (stop 65), as /api/search/text orders them.
        order = text_order(rec, unaged, priced, sort)
        applied = [*(price_range(priced)[1] if price else []), *(order[2] if order else []),
                   *(p for p in priced if SALE_FILTER in filtered and is_sale_word(p))]
        if filtered:
            wanted = {**(wanted or {}), **filtered}
        left_out = aged + [p for p in priced if p not in applied]
        corrected = rec.correction(query, wanted)       # a misspelt word, as the web page corrects it
        typed, query = query, corrected or query
        # -1 is no threshold at all: the type and wearer the query names rank first instead of filtering.
        cut = None if min_similarity <= -1 else min_similarity
        recs, ordered = ordered_search(rec, query, wanted, k, cut, order)
    except FashionrecError as e:
        fail(str(e))
    if paired and not as_json:
        console.print(pairing_said(paired, repr), highlight=False)
    if look and not as_json:
        # The page's notice and the API's `look`: the table said nothing of it.
        whole = (f"look put together to go with {look.anchor}" if look.anchor
                 else f"{look.wearer + ' ' if look.wearer else ''}outfit put together")
        flag = "" if index == DEFAULT_INDEX else f" --index {index}"    # the command as it runs here
        console.print(f"for a whole {whole}: fashionrec recommend outfit {look.id_as_written}{flag} ({look.name})",
                      highlight=False)
    if corrected and not as_json:
        console.print(f"no product has every word of {typed!r}: searched for {corrected!r}", highlight=False)
    if aged and not as_json:
        console.print(f"{ages_said(aged, kids)}: searched for {query!r}", highlight=False)
    if price and not as_json:
        used = price_range(priced)[1]
        console.print(f"priced {price_range_said(price, rec.currency())} only ({' and '.join(map(repr, used))}"
                      f"{read_otherwise_said(used, rec.currency(), rec.price_scale())})", highlight=False)
    if ordered and not as_json:
        console.print(ordered, highlight=False)
    unpriced = [p for p in priced if p not in applied]
    if unpriced and not as_json:
        rated = [p for p in unpriced if p in rank_words(unaged)[1]]
        if rec.prices() is not None:
            # A shop's prices: a price word that bounds none ("cheap"), sizes and ratings, said apart.
            words = [p for p in unpriced if p in price_words(unaged)[1]]
            sizes = [p for p in unpriced if p not in words and p not in rated]
            for said, why in ((words, PRICE_HINT),
                              (sizes, "the catalogue has no sizes"), (rated, "the catalogue has no ratings")):
                if said:
                    console.print(f"{' and '.join(map(repr, said))} left out of the search for {query!r}: {why}",
                                  highlight=False)
        else:
            console.print(f"the catalogue has no prices{', sizes or ratings' if rated else ' or sizes'}: "
                          f"{' and '.join(map(repr, unpriced))} left out of the search for {query!r}",
                          highlight=False)
    unmatched = rec.unmatched(query, recs)
    if unmatched and not as_json:
        # "gold jeans" listed blue jeans under "matches articleType Jeans" without a word of the gold.
        missing = "; ".join(f"{col} {' or '.join(values)}" for col, values in unmatched.items())
        gone = rec.sold_out_said(query, unmatched)
        console.print(f"no product {'in stock ' if gone else ''}has all that {query!r} names: none of these has "
                      f"{missing}", highlight=False)
        if gone:
            console.print(f"{gone[:-1]} (--include-sold-out lists them).", highlight=False)
    notes = rec.reading_notes(query, wanted)    # how the words were read, as /api/search/text's note says
    if notes and not as_json:
        console.print(" ".join(notes), highlight=False)
    # "kurta pajama", "denim jacket": what no product has together, as the API's note says it; the table said
    # nothing of it (a stop 65 helper's trial). Never beside ``unmatched``: that names no colour or wearer.
    together = None if as_json or unmatched or notes or not recs else rec.absent_together(query)
    if together:
        console.print(f"{together}; these are the closest matches by meaning.", highlight=False)
    if not as_json:
        # The occasion's other colours and the children's products filed under another gender, as the page and the
        # API's note say them (the page's alone before, stop 68's shopper trial).
        for said in filed_notes(rec, query, wanted, recs, rec.browse(wanted or None, query, limit=0)[0]):
            console.print(said, highlight=False)
    note = None     # why there are fewer than k: printed under the table, and in the JSON (it had none)
    if not recs:
        if not len(rec):
            note = EMPTY_INDEX
        elif alone := hidden_alone(rec, rec.asked_for(query)):
            # "ties" where the shop hides every tie: said to the shop, as the API's note to its key (stop 76)
            note = hidden_alone_said(rec, alone)
        elif wanted and set(wanted) == {"price"}:
            note = f"no product priced {price_range_said(price, rec.currency())} matches {query!r}"
        elif wanted:
            note = "no product has every filter given and matches the query" + (
                f" priced {price_range_said(price, rec.currency())}" if price else "") + ": try fewer filters"
        elif min_similarity > -1 and not rec.parse_query(query):
            note = (f"no word of {query!r} names a type, colour, gender, usage or season, and no product's text is "
                    f"{min_similarity:g} similar to it; --min-similarity -1 shows the closest anyway")
    elif len(recs) < k and cut is not None:
        # "-k 5" printed 2 rows without a word: these are all that match it.
        note = (f"only {len(recs)} product{'s' if len(recs) != 1 else ''} match {query!r}"
                + (f" priced {price_range_said(price, rec.currency())}" if price else "")
                + f" (the type and wearer it names, or a text similarity of {min_similarity:g}); --min-similarity -1 "
                f"lists {k} anyway")
    parsed = rec.asked_for(query)
    _show(recs, as_json, f"text: {query}" + (f", priced {price_range_said(price, rec.currency())}" if price else ""),
          {"parsed": parsed,
                                            **({"unmatched": unmatched} if unmatched else {}),
                                            **({"left_out": left_out} if left_out else {}),
                                            **({"corrected": corrected} if corrected else {})},
          # /api/search/text's answer, its note followed by the one the table prints under it (the API has none).
          answer=api_answer(recs, parsed=parsed, unmatched=unmatched, left_out=left_out, corrected=corrected,
                            price=list(price) if price else None, look=look and to_look(look),
                            note=" ".join([*([pairing_said(paired, repr)] if paired else []),
                                           *search_said(rec, query, wanted, recs, aged, kids, priced, unaged,
                                                        (order[2] if order else [], ordered)),
                                           *([note] if note else [])]) or None) if as_json else None,
          # Not by the similarity alone: a brand the query names, a colour near the one asked for and the photo's
          # colour move products within what they match ("red dress": white dresses before black ones seen black),
          # and so does the reading the catalogue page ranks by (stop 66: "red and black", "running shoes").
          caption=None if not recs else _text_caption(order))
    if note and not as_json:
        console.print(note, highlight=False)


def _text_caption(order: tuple[str, bool, list[str]] | None) -> str:
    """The line under `recommend text`'s table: how its rows are ordered. A price order ("cheapest", "premium",
    --sort; :func:`fashionrec.text_notes.text_order`) said as one: "cheapest watches" listed by price under a
    caption that said they were ranked by text similarity (a new user's trial, stop 66)."""
    ranked = ("ranked by what each matches of the query (reason), then by text similarity (the score) with a brand "
              "the query names, a colour near the one asked for, the colour the photo shows, both colours asked in the "
              "name, the words of a type's phrase in the name and an outfit's leading types: these can put a lower "
              "score first")
    if not order:
        return ranked
    sort, strict, _ = order
    if sort == "newest":
        return ("ordered by year, newest first (a product without a year last), of the products that match the "
                "query (reason); the score is their text similarity")
    if strict:
        return (f"ordered by price, {'cheapest' if sort == 'price' else 'dearest'} first (a product without a price "
                "last), of the products that match the query (reason); the score is their text similarity")
    return f"the {'cheaper' if sort == 'price' else 'dearer'} half by price first, each half {ranked}"


@recommend_app.command("outfit")
@_sold_out_as_asked
def recommend_outfit(item_id: str = typer.Argument(..., help="Item id: " + ID_TYPED), index: Path = IndexOpt,
                     k: int = typer.Option(4, "-k", help="How many slots."), as_json: bool = JsonOpt,
                     backend: str | None = BackendOpt, uri: str | None = UriOpt,
                     token: str | None = TokenOpt, model: Path | None = ModelOpt,
                     include_sold_out: bool = SoldOutOpt) -> None:
    """Complete the look: one complementary item per slot, slots in the rules' order (not sorted by score)."""
    from fashionrec.looks import short_look  # here, not above: its pandas is no part of `fashionrec --help` (stop 75)

    _check_k(k)
    try:
        rec = _load(index, model, backend=backend, uri=uri, token=token)
        recs = rec.complete_the_look(rec.id_typed(item_id), k=k)
    except FashionrecError as e:
        fail(str(e))
    # Fewer pieces than asked were printed without a word (a shop's trial: 1 of 5).
    note = short_look(len(recs), k)
    _show(recs, as_json, f"complete the look for {item_id}", caption=note,
          answer=api_answer(recs, note=note) if as_json else None)     # as /api/items/ID/outfit


@recommend_app.command("profile")
@_sold_out_as_asked
def recommend_profile(item_ids: list[str] = typer.Argument(..., help="Liked item ids: " + ID_TYPED),
                      index: Path = IndexOpt,
                      k: int = KOpt, as_json: bool = JsonOpt, backend: str | None = BackendOpt,
                      uri: str | None = UriOpt, token: str | None = TokenOpt,
                      model: Path | None = ModelOpt,
                      looks: bool = typer.Option(True, "--looks/--no-looks",
                                                 help="Every third pick goes with a liked item."),
                      skip_unknown: bool = typer.Option(
                          False, "--skip-unknown",
                          help="Leave out liked ids the index does not have (sold out, removed) and say which, "
                               "instead of failing; the API's skip_unknown."),
                      include_sold_out: bool = SoldOutOpt) -> None:
    """Recommendations for a set of liked items, taken from each in turn (not sorted by score)."""
    _check_k(k)
    skipped: list[int] = []
    try:
        rec = _load(index, model, backend=backend, uri=uri, token=token)
        if skip_unknown:
            # A Handle or "0015970" as the index records it (stop 73); one naming nothing is refused, as a typo.
            liked, skipped = rec.known_liked(rec.ids_named(item_ids))
            # Said as the shop writes them where the index records it (a removed "0015970": stop 70).
            if not liked:
                fail(f"none of the liked ids {', '.join(map(rec.id_said, skipped))} is in index {index}")
            if skipped and not as_json:
                err_console.print(f"left out liked ids not in the index: {', '.join(map(rec.id_said, skipped))}",
                                  highlight=False)
        else:
            liked = [rec.id_typed(i) for i in item_ids]
        recs = rec.for_profile(liked, k=k, looks=looks)
    except NotFoundError as e:
        fail(f"{e}" + ("" if skip_unknown else " (--skip-unknown leaves out liked ids the index does not have)"))
    except FashionrecError as e:
        fail(str(e))
    # Its scores rise and fall down the table (0.904, 0.425, 0.575, 0.852: a new user's trial, stop 71), as text
    # search's do, whose table says why; a profile's said nothing.
    order = ("picked from each liked product's neighbours in turn (reason: like ...)" +
             (", every third a piece that goes with one (goes with ...)" if looks else "") +
             ": each score is its own list's measure, so a lower score can come first")
    _show(recs, as_json, f"for someone who liked {', '.join(map(str, item_ids))}", caption=order if recs else None,
          answer=api_answer(recs, skipped=skipped, skipped_as_written=rec.ids_as_written(skipped))
          if as_json else None)      # as /api/recommend/profile


@recommend_app.command("export")
def recommend_export(
    item_ids: list[str] | None = typer.Argument(None, help="Only these products (default: every product of "
                                                "the index): " + ID_TYPED),
    index: Path = IndexOpt,
    out: Path = typer.Option(Path("runs/recs.parquet"), "--out", help="A .parquet file (what it was worked out "
                             "from in its metadata) or a .csv one (that beside it, as .csv.json)."),
    kinds: str = typer.Option(",".join(PRODUCT_PAGE), "--kinds", help="Comma-separated: similar, other_colours "
                              "(its kind in other colours, one a colour), outfit (complete the look)."),
    k: int | None = typer.Option(None, "-k", help=f"How many similar items (default {PRODUCT_PAGE['similar']}, "
                                 "as a product page shows)."),
    other_colours_k: int | None = typer.Option(None, "--other-colours-k", help="How many other colours (default "
                                               f"{PRODUCT_PAGE['other_colours']})."),
    outfit_k: int | None = typer.Option(None, "--outfit-k", help="How many pieces of a look, at most one a slot "
                                        f"(default {PRODUCT_PAGE['outfit']})."),
    workers: int | None = typer.Option(None, "--workers", min=1, help="Processes working products out side by "
                                       "side (default: the cores this process may use, at most 16; one for a "
                                       "Milvus index)."),
    include_sold_out: bool = SoldOutOpt,
    include_hidden: bool = typer.Option(False, "--include-hidden", help="Write the lists of the products the shop "
                                        "hides too (for a page about to be shown); left out by default, as no "
                                        "shopper opens their pages. No list holds a hidden product either way."),
    backend: str | None = BackendOpt, uri: str | None = UriOpt, token: str | None = TokenOpt,
    model: Path | None = ModelOpt,
    as_json: bool = typer.Option(False, "--json", callback=json_wanted, help="Print what was written as JSON "
                                 "instead of its lines: {\"out\": the table, \"summary_file\": the CSV's summary "
                                 "beside it (null: a .parquet's is in its metadata), and the summary the file records "
                                 "(products, rows, k, short, none_ids, index, ...)}; on a failure {\"detail\": ...}, "
                                 "exit 2."),
) -> None:
    """Every product's recommendations as one table (item_id, kind, rank, rec_id, score, slot, reasons), the
    lists its page shows, for a shop's own database or pages."""
    from fashionrec.rec_export import export_recommendations

    flags = {"similar": "-k", "other_colours": "--other-colours-k", "outfit": "--outfit-k"}
    sizes = {kind: n for kind, n in (("similar", k), ("other_colours", other_colours_k), ("outfit", outfit_k))
             if n is not None}
    wanted = [x.strip() for x in kinds.split(",") if x.strip()]
    unasked = [kind for kind in sizes if kind not in wanted]
    if unasked:     # a size for a list not exported would be dropped without a word
        fail(f"{flags[unasked[0]]} is for {unasked[0]}, which --kinds {kinds} leaves out: add it to --kinds, or "
             f"drop {flags[unasked[0]]}")
    from fashionrec.results import MAX_K

    for kind, n in sizes.items():       # "k must be ..." did not say which of the three (an integrator's trial)
        if not 1 <= n <= MAX_K:
            fail(f"{flags[kind]} must be a whole number between 1 and {MAX_K}, got {n}")
    try:
        rec = _load(index, model, backend=backend, uri=uri, token=token)
        only = [rec.id_typed(i) for i in item_ids or []] or None
        summary = export_recommendations(rec, out, wanted, sizes, ids=only, workers=workers,
                                         include_sold_out=include_sold_out, include_hidden=include_hidden)
    except FashionrecError as e:
        fail(str(e))
    except KeyboardInterrupt as e:
        stopped(e, f"nothing written ({out} is as it was)")
    if as_json:
        # What a script's next step reads (where it went, how many), with `jq` as every other --json: the command
        # had none, and its lines were all a script had (an operator's trial).
        from fashionrec.rec_export import summary_file

        beside = summary_file(out)
        print_json({"out": str(out), "summary_file": str(beside) if beside else None, **summary})
        return
    products = summary["products"]
    console.print(f"{summary['rows']:,} recommendation{'s' if summary['rows'] != 1 else ''} of {products:,} "
                  f"product{'s' if products != 1 else ''} "
                  f"({', '.join(f'{kind} {n}' for kind, n in summary['k'].items())}) in {summary['seconds']} s "
                  f"({summary['workers']} process{'es' if summary['workers'] != 1 else ''}) -> {out}",
                  highlight=False)
    if summary.get("workers_why"):
        console.print(f"one process: {summary['workers_why']}", highlight=False)
    from fashionrec.catalog import first_few

    sold = summary["sold_out"]
    if sold["in_index"]:        # said, as the summary says it: the lists hid them without a word (stop 67)
        console.print(f"{sold['in_index']:,} sold-out product{'s' if sold['in_index'] != 1 else ''} (ids "
                      f"{first_few(sold.get('ids_as_written') or sold['ids'], 10)}) "
                      + ("listed as any other" if sold["included"] else
                         f"left out of every list, as the levels read {sold['levels_read_at'][:16].replace('T', ' ')} "
                         "UTC say: a level changed since shows at the next export (--include-sold-out lists them)"),
                      highlight=False, soft_wrap=True)
    hid = summary["hidden"]
    if hid["left_out"] or hid["included"] and hid["in_index"]:
        # Said as the sold-out products are: a hidden product's lists were written without a word (stop 75).
        console.print(f"{hid['in_index']:,} product{'s' if hid['in_index'] != 1 else ''} the shop hides (ids "
                      f"{rec.ids_said(hid['ids'], 5)}): in no list; "
                      + ("their own lists written (--include-hidden)" if hid["included"] else
                         f"{hid['left_out']:,} left out as products of the table, as no shopper opens their pages "
                         "(--include-hidden writes their lists)"), highlight=False, soft_wrap=True)
    for kind in summary["kinds"]:
        short = summary["short"][kind]
        if short:
            none = (summary.get("none_ids_as_written") or summary["none_ids"])[kind]
            which = (f" (ids {first_few(none, 10)}; all in the summary's none_ids"
                     f"{' and none_ids_as_written' if 'none_ids_as_written' in summary else ''})" if none else "")
            console.print(f"{kind}: {short:,} product{'s have' if short != 1 else ' has'} fewer than "
                          f"{summary['k'][kind]}, {len(none):,} of them none{which}", highlight=False)


def _text_queries(path: Path) -> list[dict]:
    """Labelled text queries from ``path``, checked (:func:`fashionrec.recs_eval.check_text_queries`)."""
    from fashionrec.recs_eval import check_text_queries

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise FashionrecError(f"cannot read --text-queries {path}: {e}") from e
    try:
        return check_text_queries(data, f"--text-queries {path}")
    except ValueError as e:
        raise FashionrecError(str(e)) from e


def _split_ids(split_file: Path, split: str) -> set[int]:
    """The ids of one split in an ``id,split`` CSV (``split.csv`` of a train run), or a clear error."""
    import pandas as pd

    try:
        table = pd.read_csv(split_file)
    except (OSError, ValueError) as e:
        raise FashionrecError(f"cannot read --split-file {split_file}: {e}") from e
    if not {"id", "split"} <= set(table.columns):
        raise FashionrecError(f"--split-file {split_file} needs the columns id,split (a train run's split.csv); "
                              f"it has {', '.join(map(str, table.columns))}")
    names = sorted(table["split"].dropna().astype(str).unique())
    if split not in names:
        raise FashionrecError(f"--split {split!r} is not in {split_file}; it has: {', '.join(names)}")
    given = table.loc[table["split"] == split, "id"]
    ids = pd.to_numeric(given, errors="coerce")
    if ids.isna().any() or (ids % 1 != 0).any():
        bad = given[ids.isna() | (ids % 1 != 0)].iloc[0]
        raise FashionrecError(f"--split-file {split_file}: id {bad!r} is not an integer product id")
    return set(ids.astype(int))


@app.command("evaluate-recs")
def evaluate_recs_cmd(
    query_dir: Path = typer.Argument(..., help="Catalogue folder whose usable images are the photo queries."),
    index: Path = IndexOpt,
    json_out: Path | None = typer.Option(None, "--json", callback=json_wanted, help="Also write the metrics as "
                                         "JSON here (- : on stdout, the printed lines then on stderr; on a "
                                         "failure {\"detail\": ...} there)."),
    split_file: Path | None = typer.Option(None, "--split-file", help="id,split CSV: only query these ids."),
    split: str = typer.Option("test", "--split", help="Which split of --split-file to query."),
    limit: int | None = typer.Option(None, "--limit", help="Only the first N queries (quick checks)."),
    model: Path | None = typer.Option(None, "--model", help="Checkpoint the index was built with (default: the "
                                      "index's model)."),
    text: bool = typer.Option(True, "--text/--no-text", help="Also evaluate the labelled text queries."),
    text_queries: Path | None = typer.Option(None, "--text-queries", help="Your own labelled text queries: a "
                                             "JSON list (or {\"queries\": [...]}) of {\"query\": ..., "
                                             "\"articleType\"/\"baseColour\"/\"gender\"/\"usage\"/"
                                             "\"season\": ...}; default: the shipped ones, written for "
                                             "the Kaggle catalogue."),
    rank: str = typer.Option("attributes", "--rank", help="attributes: cosine + label probabilities from the "
                             "tagger and the nearest items' labels (the default ranking); tagger: from the "
                             "tagger alone; embedding: cosine alone, to compare."),
    backend: str | None = BackendOpt, uri: str | None = UriOpt, token: str | None = TokenOpt,
    include_sold_out: bool = typer.Option(False, "--include-sold-out", help="Score lists with sold-out products in "
                                          "them (stock 0), as include_sold_out lists them; default: left out, as a "
                                          "shopper is shown them, and only available products counted as "
                                          "relevant. The JSON's sold_out says which."),
) -> None:
    """Photo queries against the index (+ labelled text queries); P@10, mAP@10, coverage, latency.

    A query whose id is in the index is always excluded from its own results.
    """
    with json_on_stdout(json_out):
        _evaluate_recs(query_dir, index, json_out, split_file, split, limit, model, text, text_queries, rank,
                       backend, uri, token, include_sold_out)


def _evaluate_recs(query_dir: Path, index: Path, json_out: Path | None, split_file: Path | None, split: str,
                   limit: int | None, model: Path | None, text: bool, text_queries: Path | None, rank: str,
                   backend: str | None, uri: str | None, token: str | None, include_sold_out: bool = False) -> None:
    from fashionrec.artifacts import provenance
    from fashionrec.catalog import load_catalog
    from fashionrec.evaluate import left_out_said
    from fashionrec.recommend import NEIGHBOUR_VOTE
    from fashionrec.recs_eval import evaluate_recs, evaluate_text

    if rank not in ("attributes", "tagger", "embedding"):
        fail(f"--rank must be attributes, tagger or embedding, got {rank!r}")
    if split != "test" and split_file is None:
        fail(f"--split {split} picks ids of a --split-file; give one (a train run's split.csv), or drop --split")
    if limit is not None and limit < 1:     # before the index and the queries load, as the other flags are
        fail(f"--limit must be at least 1 (the number of queries to run), got {limit}")
    check_json_out(json_out)        # before minutes of queries
    try:
        # Read before the photo queries: a missing or broken file failed after all of them. The split file before
        # the index and the catalogue load too (a missing one was said after them: an operator's trial).
        labelled = _text_queries(text_queries) if text and text_queries else None
        split_ids = _split_ids(split_file, split) if split_file is not None else None
        rec = _load(index, model, backend=backend, uri=uri, token=token)
        if rank == "embedding":
            rec.attribute_weights = {}
        if rank != "attributes":
            rec.neighbour_vote = 0.0
        queries = load_catalog(query_dir)
        if split_ids is not None:
            queries = queries.usable[queries.usable["id"].isin(split_ids)]
        metrics = evaluate_recs(rec, queries, limit=limit, include_sold_out=include_sold_out)
        if text:
            metrics.update(evaluate_text(rec, labelled, include_sold_out=include_sold_out))
            metrics["text_queries"] = str(text_queries or "shipped (written for the Kaggle catalogue)")
    except FashionrecError as e:
        fail(str(e))
    metrics.update(provenance())
    # The folder loaded: without --index, the checkout's runs/index, not the one the working folder lacks.
    metrics["index"] = str(rec.index_dir.resolve())
    metrics["index_built"] = rec.manifest.get("date")
    metrics["model"] = {"name": rec.tagger.name, "path": str(rec.tagger.path) if rec.tagger.path else None,
                        "sha256": rec.tagger.sha256}
    metrics["ranking"] = {"rank": rank, "attribute_weights": rec.attribute_weights,
                          "neighbour_vote": {**NEIGHBOUR_VOTE, "weight": rec.neighbour_vote}}
    metrics["queries"] = f"{Path(query_dir).resolve()}" + (f" ({split} ids of {split_file})" if split_file else "")
    if metrics.get("n_queries_model_trained_on"):
        console.print(trained_on_said(metrics, rec.tagger), highlight=False)
    elif metrics.get("n_queries_model_trained_on", 0) is None:
        console.print("could not check whether the model trained on some of these photos "
                      f"({metrics['trained_on_unknown']})", highlight=False)
    if metrics.get("n_queries_photo_copy_of_training"):
        more = "more " if metrics["n_queries_model_trained_on"] else ""
        console.print(f"{metrics['n_queries_photo_copy_of_training']} {more}of {metrics['n_queries']} query "
                      "photos are, byte for byte, the photo of a product the model trained or was validated on "
                      "under another id or name: it has seen them", highlight=False)
    if metrics["n_queries_copy_of_an_indexed_product"]:
        apart = (f"; without them P@10 type {metrics['precision_at_10_articleType_without_copies']:.4f}, type + "
                 f"colour {metrics['precision_at_10_articleType_colour_without_copies']:.4f}"
                 if "precision_at_10_articleType_without_copies" in metrics else "")
        console.print(f"{metrics['n_queries_copy_of_an_indexed_product']} of {metrics['n_queries']} query photos are "
                      "in the index under another id (the same photo: a catalogue lists some photos under several "
                      f"ids): each finds its copy first, so these numbers overstate what new products get{apart}",
                      highlight=False)
    if metrics["articleType_not_in_index"]:
        absent = metrics["articleType_not_in_index"]
        console.print(f"{sum(absent.values())} queries are of a type the index has no product of, so none of their "
                      "results can be of their type: " + ", ".join(f"{t!r} ({n})" for t, n in absent.items()),
                      highlight=False)
    if metrics["sold_out"]["in_index"]:
        console.print(f"{metrics['sold_out']['in_index']} products of the index are sold out: "
                      + ("listed as any other (--include-sold-out)" if include_sold_out else
                         "left out of the lists scored, as a shopper is shown them, and not counted as relevant "
                         "(--include-sold-out scores them in)"), highlight=False)
    left = metrics.get("left_out") or {}
    if any(left.values()):
        console.print(f"rows of the query folder that gave no query: {left_out_said(left, metrics.get('query_table'))}",
                      highlight=False)
    if metrics["n_queries_in_index_excluded_from_own_results"]:
        console.print(f"{metrics['n_queries_in_index_excluded_from_own_results']} of {metrics['n_queries']} "
                      "queries are in the index: each is excluded from its own results")
    spread = {key: metrics.get(f"precision_at_{metrics['k']}_articleType{what}_interval_95")
              for key, what in (("type", ""), ("type + colour", "_colour"))}
    if all(spread.values()):
        # A few hundred queries' P@10 can be some points from the index's on others like them: said, so that a
        # figure measured elsewhere is read against it (a maintainer's trial on 297 held-out photos).
        console.print(f"95% interval (n={metrics['n_queries']:,} queries) of P@{metrics['k']} on queries like these: "
                      + ", ".join(f"{key} {lo:.3f}-{hi:.3f}" for key, (lo, hi) in spread.items()), highlight=False)
    if metrics.get("text_queries_with_fewer_than_10_relevant"):
        console.print(f"{metrics['text_queries_with_fewer_than_10_relevant']} of {metrics['text_n_queries']} text "
                      "queries have fewer than 10 relevant products in this index: the best a ranking could score "
                      f"is text P@10 {metrics['text_precision_at_10_ceiling']:.4f} (text_per_query in --json "
                      "says which)" + ("; these are the shipped queries, written for the Kaggle catalogue: "
                                       "`--text-queries FILE` scores your own (a JSON list as "
                                       "src/fashionrec/assets/text_queries.json), `--no-text` leaves text out"
                                       if text_queries is None else ""), highlight=False)
    # The deprecated keys stay in --json for one version; printed, they would say each number twice.
    old_names = set(metrics.get("deprecated_keys", {}))
    for key, value in metrics.items():
        if key != "text_per_query" and key not in old_names:
            shown = f"{value:.4f}" if isinstance(value, float) else json.dumps(value) if isinstance(value, dict) \
                else value
            console.print(f"{key:45s} {shown}", highlight=False)
    if json_out:
        emit_json(json_out, metrics, "metrics")


@app.command("embed")
def embed_cmd(
    data_dir: Path | None = DataDir,
    model: Path | None = ModelOpt,
    out: Path = typer.Option(Path("runs/embeddings"), "--out", help="Folder of Parquet shards (replaced)."),
    engine: str = typer.Option("local", "--engine", help="local (this process) or ray (Ray Data actor pool)."),
    address: str | None = typer.Option(None, "--address", help="Ray: auto (this machine's cluster), "
                                       "ray://host:10001, or unset for a local Ray."),
    actors: int | None = typer.Option(None, "--actors", min=1, help="Ray: model replicas (default: one per GPU, "
                                      "else one per 2 CPUs)."),
    batch_size: int = typer.Option(256, "--batch-size", min=1, help="Photos per batch."),
) -> None:
    """Embed every usable product into Parquet shards (id, vector, predictions) for `index build --from-embeddings`."""
    from fashionrec.batch_embed import ENGINES, embed_catalog_to_parquet
    from fashionrec.catalog import load_catalog

    _one_of("--engine", engine, ENGINES)
    had = (out / "manifest.json").is_file()
    try:
        manifest = embed_catalog_to_parquet(load_catalog(_data_dir(data_dir)), model, out, engine=engine,
                                            address=address, actors=actors, batch_size=batch_size)
    except FashionrecError as e:
        fail(str(e))
    except KeyboardInterrupt as e:
        # Said, as index build says it: the command ended silently, or under Ray's own last line (a scale-out
        # trial). The folder is replaced whole, so a stop leaves it as it was.
        stopped(e, f"{out} " + ("still holds the embeddings it had before, unchanged" if had else "was not written")
                + "; run the command again to embed the catalogue")
    console.print(f"embedded {manifest['count']} items ({manifest['dim']}-d, {engine}, {manifest['workers']} "
                  f"worker(s)) in {manifest['seconds']} s -> {out}")


def trained_on_said(metrics: dict, tagger) -> str:
    """What `evaluate-recs` says of its queries the model has seen (``n_queries_model_trained_on`` of ``metrics``,
    over 0), with what to do: re-make the model's split where the model itself trained on some, or query new
    products where only a model it was started from (``--init``) did. A shop's model from the shipped one, queried
    with its own test split, was told to re-make that very split for 13 of 14 queries the shipped model had
    trained on (a new user's trial, stop 64)."""
    seen, of = metrics["n_queries_model_trained_on"], metrics["n_queries"]
    started = metrics.get("n_queries_start_model_trained_on") or 0
    if started >= seen:
        return (f"{seen} of {of} queries are photos a model this one was started from (--init) trained or was "
                "validated on: these numbers overstate what new products get, and no split of this catalogue leaves "
                "them out: query with photos of products neither model saw (`fashionrec evaluate-recs NEW_DIR "
                "--index ...`)")
    also = (f" ({started} of them only a model it was started from, --init, trained on: no split of this catalogue "
            "leaves those out)") if started else ""
    return (f"{seen} of {of} queries are photos the model trained or was validated on{also}: these numbers overstate "
            f"what new products get. To query only products it never saw: {held_out_commands(tagger)}.")


def held_out_commands(tagger) -> str:
    """The commands that query ``tagger``'s photo search with the products it never saw: its own split re-made from
    its record (`data split` on the catalogue it was trained on), an index of the rest built by it."""
    from fashionrec.catalog import default_data_dir
    from fashionrec.tagger import SHIPPED_MODEL

    recorded = tagger.meta.get("split", {}).get("config", {})
    trained_on = tagger.meta.get("data", "THE_TRAINING_CATALOGUE")
    # Recorded relative to the training's working folder (the checkout): said as a path that works from here.
    here = [Path(trained_on), Path(__file__).resolve().parents[2] / trained_on, default_data_dir()]
    found = next((p for p in here if p.name == Path(trained_on).name and table_path(p).is_file()), None)
    trained_on = found.resolve() if found is not None else trained_on
    # `index build` without --model builds with the shipped model: a shop's model's trial got the shipped one's index
    # to evaluate (a new user's trial, stop 63).
    path = Path(tagger.path).resolve() if tagger.path else None
    own = path is not None and path != SHIPPED_MODEL.resolve()
    model = f" --model {path}" if own else ""
    # Folders named after the run for any other model: runs/subsets and runs/index_trainval are the shipped model's
    # (README), and a shop's hint, run as printed, replaced them with the shop's (a new user's trial, stop 64).
    run = (path.parents[1].name if path.parent.name == "weights" else path.stem) if own else ""
    subsets, index = (f"runs/subsets_{run}", f"runs/index_trainval_{run}") if own else ("runs/subsets",
                                                                                         "runs/index_trainval")
    return (f"`fashionrec data split {trained_on} --seed {recorded.get('seed', 0)} --val-frac "
            f"{recorded.get('val_frac', 0.1)} --test-frac {recorded.get('test_frac', 0.1)}"
            f"{' --copies together' if recorded.get('copies') == 'together' else ''} --folders {subsets}` writes "
            f"the model's split as catalogue folders; then `fashionrec index build {subsets}/trainval{model} --out "
            f"{index}` and `fashionrec evaluate-recs {subsets}/test --index {index}` "
            f"(or, with this index, --split-file {subsets}/split.csv --split test)")

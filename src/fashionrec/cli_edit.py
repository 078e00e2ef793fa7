"""`fashionrec index edit ID`: correct a product's labels, name, year or price without a rebuild (stop 74), as the
API's ``PATCH /api/items/{id}`` does (:mod:`fashionrec.product_edits`)."""

from __future__ import annotations

from pathlib import Path

import typer

from fashionrec.cli import console, err_console, fail, print_json
from fashionrec.cli_recs import ID_TYPED, BackendOpt, IndexOpt, JsonOpt, ModelOpt, TokenOpt, UriOpt, _load, index_app
from fashionrec.errors import FashionrecError


@index_app.command("edit")
def index_edit(
    item_id: str = typer.Argument(..., metavar="ID", help="The product to change: " + ID_TYPED),
    name: str | None = typer.Option(None, "--name", help="productDisplayName, e.g. \"Catwalk Women Black Flats\"."),
    gender: str | None = typer.Option(None, "--gender", help="Men, Women, Boys, Girls, Unisex."),
    article_type: str | None = typer.Option(None, "--article-type", help="e.g. Flats (its categories follow it "
                                            "where not given)."),
    colour: str | None = typer.Option(None, "--colour", help="baseColour, e.g. Black."),
    sub_category: str | None = typer.Option(None, "--sub-category", help="e.g. Shoes."),
    master_category: str | None = typer.Option(None, "--master-category", help="e.g. Footwear."),
    usage: str | None = typer.Option(None, "--usage", help="e.g. Casual."),
    season: str | None = typer.Option(None, "--season", help="e.g. Winter."),
    year: int | None = typer.Option(None, "--year", min=1900, max=2100, help="Its year, e.g. 2012."),
    price: str | None = typer.Option(None, "--price", metavar="PRICE", help="Its price, e.g. 999, ₹1,299 or "
                                     "1.299,00, read as styles.csv's price column is."),
    regular_price: str | None = typer.Option(None, "--regular-price", metavar="PRICE", help="Its regular price, "
                                             "above the price while it is on sale (shown struck through beside it), "
                                             "or none to end a sale."),
    new_values: bool = typer.Option(False, "--new-values", help="Accept a gender, category, type, colour, "
                                    "usage or season no product has yet (else refused as a likely typo)."),
    index: Path = IndexOpt,
    backend: str | None = BackendOpt, uri: str | None = UriOpt, token: str | None = TokenOpt,
    model: Path | None = ModelOpt, as_json: bool = JsonOpt,
) -> None:
    """Change a product's labels, name, year or price without a rebuild (its photo and photo embedding stay): all
    of the fields given, or none where one is wrong (said). A server of the index loads the change as it loads an
    `index add`'s; a rebuild keeps it while styles.csv gives the values it replaced."""
    changes = {k: v for k, v in {"productDisplayName": name, "gender": gender, "articleType": article_type,
                                 "baseColour": colour, "subCategory": sub_category,
                                 "masterCategory": master_category, "usage": usage, "season": season,
                                 "year": year, "price": price, "regular_price": regular_price}.items()
               if v is not None}
    if not changes:
        fail("nothing to change: give one or more of --name, --gender, --article-type, --colour, --sub-category, "
             "--master-category, --usage, --season, --year, --price, --regular-price")
    warned: list[str] = []
    try:
        rec = _load(index, model, backend=backend, uri=uri, token=token, writes=True)
        found = rec.id_typed(item_id)
        changed = rec.edit_product(found, changes, allow_new_values=new_values, warnings=warned,
                                   by=f"fashionrec index edit {item_id}")
    except FashionrecError as e:
        fail(str(e))
    item = rec.item(found)
    if as_json:     # what PATCH /api/items/ID answers
        from fashionrec.api.routes.edits import edited

        print_json(edited(found, item, changed, warned).model_dump(mode="json"))
        for said in warned:
            err_console.print(f"warning: {said}", highlight=False)
        return
    if not changed:
        console.print(f"product {rec.id_said(found)} already has the values given: nothing changed", highlight=False)
    else:
        console.print(f"edited product {rec.id_said(found)} in {index}: "
                      + ", ".join(f"{f} {was!r} -> {now!r}" for f, (was, now) in changed.items()), highlight=False)
    for said in warned:
        console.print(f"warning: {said}", highlight=False)

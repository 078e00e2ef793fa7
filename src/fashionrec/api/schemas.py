"""Response and request bodies of the JSON API; converters from the recommender's dicts."""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, field_validator

from fashionrec.catalog import ATTRIBUTES, ID_AS_WRITTEN, PLACEHOLDER_NAME, made_name
from fashionrec.item_tables import SOLD_OUT_KEY, price_of
from fashionrec.levels import READ_FROM_TYPE
from fashionrec.name_colours import COLOUR_FROM
from fashionrec.regular_prices import ON_SALE, REGULAR_PRICE, on_sale
from fashionrec.stock import STOCK, level_said
from fashionrec.visibility import HIDDEN, HIDDEN_BY

# Metadata columns an item shows (and a new product may carry), in display order.
ITEM_FIELDS = ["gender", "masterCategory", "subCategory", "articleType", "baseColour", "season", "year",
               "usage", "productDisplayName"]


MAX_LIKED = 200     # saved products a shopper can send at once (profile picks, GET /api/items?ids=)


class Answer(BaseModel):
    """A response body: every field is always sent (a default is a value, not an absence), so the schema lists
    them all as required and a generated client types none of them optional (an API fuzz found `Item.gender`,
    `Rec.slot`, `RecList.left_out`... declared optional)."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class Error(Answer):
    detail: str = Field(description="What is wrong and, where possible, how to fix it.")


class Prediction(Answer):
    label: str
    prob: float


ID_WRITTEN = ("The id as the shop's catalogue writes it ('0038645' for id 38645: styles.csv's id column, an added "
              "product's id as sent), for a shop matching results to its own products by their text; the id's digits "
              "('38645') where it writes the number. The id stays the number (the paths, the photos, liked ids).")


class Item(Answer):
    id: int
    id_as_written: str = Field("", description=ID_WRITTEN)
    productDisplayName: str | None = None
    display_name: str = Field(description="The name to show a shopper: productDisplayName, or one made of the "
                              "gender, colour and type where that is blank or a placeholder (a file name, "
                              "'test dispName', 'productDisplayName': a shopper's trial met them as headings).")
    gender: str | None = None
    masterCategory: str | None = None
    subCategory: str | None = None
    articleType: str | None = None
    baseColour: str | None = None
    baseColour_from: str | None = Field(
        None, description="Where baseColour was read from where the shop's catalogue has no colour column (a "
        "BigCommerce export): 'option' (a SKU or variant line's colour option), 'name' (the one colour its name says) "
        "or 'photo' (the tagger's reading at index build; for a product added since, of its photo, or the colour of "
        "the product whose photo it is); a colour read, not labelled. Null where the catalogue labels it.")
    season: str | None = None
    year: int | None = None
    usage: str | None = None
    price: float | None = Field(None, description="The price styles.csv gives the product, where the shop's "
                                "catalogue has a price column (the Kaggle catalogue has none): null otherwise.")
    currency: str | None = Field(None, description="The currency of price, as the shop's cards write it before "
                                 "the number ('₹' for ₹1,299; `index build --currency`, else the symbol its "
                                 "styles.csv's prices had): null where the product has no price or the shop "
                                 "named none.")
    regular_price: float | None = Field(None, description="The price the product sells at when not on sale, where it "
                                        "is on sale now (the export's 'Regular price', a BigCommerce 'Price' beside "
                                        "its 'Sale Price', a Shopify 'Variant Compare At Price'), above price: show "
                                        "it struck through. Null where it is not on sale.")
    on_sale: bool | None = Field(None, description="True where regular_price is above price; false where the index "
                                 "keeps regular prices and this product has none; null where it keeps none (the "
                                 "Kaggle catalogue, a shop's export without a sale, an index built before stop 76).")
    stock: int | float | None = Field(None, description="The stock level styles.csv gives the product (its stock, "
                                "stock_qty, quantity, inventory or in_stock column; yes/no read as 1/0), or `index "
                                "stock` set since: null where it has none, which counts as available.")
    sold_out: bool | None = Field(None, description="True where stock is 0 or less: such a product is not listed "
                                  "by search, similar items, looks or picks unless include_sold_out=true, and its "
                                  "own page says it is sold out; null where the shop keeps no stock levels.")
    hidden: bool | None = Field(None, description="True where the shop hides the product (its export's 'Product "
                                "Visible?' N, 'Published' FALSE, a draft; or PUT /api/items/{id}/hidden): never "
                                "listed, searched or recommended, include_sold_out or not, but answered here by id; "
                                "null where the index records no such state.")
    hidden_by: str | None = Field(None, description="Why it is hidden (\"'Product Visible?' is 'N'\"), where it is.")
    image_url: str
    predicted: dict[str, Prediction] = Field(default_factory=dict,
                                             description="The model's top label per attribute.")


class Rec(Answer):
    id: int
    id_as_written: str = Field("", description=ID_WRITTEN)
    score: float = Field(description="Higher is better within one list; each endpoint ranks by its own "
                                     "measure, so scores are not comparable across endpoints. Similar items "
                                     "and photo search: cosine plus the attribute bonus (same type / colour / "
                                     "gender), so it can exceed 1; the reason gives the cosine as 'visual "
                                     "similarity'. No list but a look (in its slots' order) has a score above "
                                     "the one before it: lists are ordered by more than their measure (similar "
                                     "items: the source's own type first, a colour at a time, diversity within "
                                     "each part; a "
                                     "profile's picks in turns; text search: the named type first, a price "
                                     "order), so a score is the measure capped at the score before it, and "
                                     "sorting by score (highest first, stable) keeps the list's order; raw_score "
                                     "holds the measure. Profile: the cosine to the liked item the reason names, or "
                                     "to the liked items' mean ('between your N liked items'). Text search: "
                                     "the cosine between the query and the product's text. Complete the look: "
                                     "a weighted sum (at most 1.4) of colour compatibility, same usage and "
                                     "season, the slot's popularity, typicality, likeness to the source "
                                     "product and (a belt) the shoes' colour, less 0.3 for a piece whose photo "
                                     "looks another colour than its label.")
    raw_score: float | None = Field(None, description="The measure the item was ranked by (see score; a "
                                    "colourway found by name: its cosine), which score caps so that scores never "
                                    "rise down the list; null in a look, whose score is its measure.")
    reason: str
    card_reason: str = Field("", description="What a product card has room for: what sets this result apart "
                             "from the rest of its list, in a shopper's words and without scores ('Same type "
                             "and colour', 'Black goes with Red').")
    item: Item
    slot: str | None = Field(None, description="Complete the look: the subCategory this item fills.")


class ItemPage(Answer):
    total: int
    offset: int
    limit: int
    items: list[Item]
    unknown: list[int] = Field(default_factory=list, description="With ids and skip_unknown: the ids left out.")
    unknown_as_written: list[str] = Field(default_factory=list, description="unknown's ids as the shop's "
                                          "catalogue writes them ('0038645'), else their digits, in its order.")
    corrected: str | None = Field(None, description="With q: the words as corrected and searched, where q finds "
                                  "no product and the correction finds some ('jeens' -> 'jeans'), as on the web "
                                  "page and in text search.")
    # An integrator's trial: total 0 here where the web page lists the closest products by meaning.
    by_meaning: str | None = Field(None, description="With q whose words no product name has: the text search "
                                   "that lists the closest products by meaning, as the web page does "
                                   "(e.g. /api/search/text?q=red+cotton+t-shirt+for+men), where it lists some.")
    # An empty page past the end read as "no products" to a client paging by hand (a review).
    note: str | None = Field(None, description="Why the page is empty where products match: offset past the last "
                             "of them, with the offset the last page starts at; else how q's price words were read "
                             "('shirts under 500', where the catalogue has prices) and, with a child's gender and a "
                             "type chosen and no q, how many more products the words ('sports shoes for boys') find: "
                             "children's products filed under Unisex or a grown-up's gender.")
    price: list[float | None] | None = Field(None, description="Where the catalogue has prices: the [lowest, "
                                             "highest] price the page is filtered by (min_price, max_price and "
                                             "q's price words; either null), or null for none.")


class Health(Answer):
    status: str
    model: str
    catalogue_size: int
    index: str
    version: str = Field(description="fashionrec's version, with the git commit it runs from where known "
                         "(\"0.1.0 (git a37787f)\").")
    # A server beside `fashionrec index add` served the old products, their photos gone, with no sign (a trial).
    changed_on_disk: bool = Field(False, description="Another process changed the index folder since this server "
                                  "loaded it (`fashionrec index add/remove/build`) and the server has not loaded it "
                                  "yet: it looks every FASHIONREC_RELOAD_S seconds (10 by default) and before its "
                                  "own next change; one it cannot serve is said in its log.")
    # Served without its catalogue folder, every photo was a 404 under status "ok" (an operator's re-trial).
    # A back end holding a `recommend export` could only tell it stale by reading manifest.json (an integrator).
    index_build_id: str | None = Field(None, description="The build of the index served (its manifest's build_id): "
                                       "a `recommend export` records the one it was worked out from.")
    index_updated: str | None = Field(None, description="When the index served last changed (an add or a remove; "
                                      "else its build's date), as a `recommend export` records it.")
    problems: list[str] = Field(default_factory=list, description="What a shopper would see wrong (status "
                                "\"degraded\"): the catalogue's photos gone from where the index points; the "
                                "index's stored predictions stale (built before an upgrade or a calibration); the "
                                "index folder changed on disk into one this server cannot serve (another model's, "
                                "damaged), the one loaded before served on.")


TURNED = ("Clockwise degrees the photo was turned to read it: 90 or 270, where it was as wide as tall or wider and "
          "looked turned on its side (an EXIF orientation lost on the way); 180, where it was taller and looked upside "
          "down; 0: read as it came.")


GREYSCALE = ("The photo is a greyscale file, so its colour cannot be seen: the predicted baseColour is the model's "
             "guess, and the results are not ranked by colour nor said to share one.")


# Said where an API user reads the labels (an ML engineer's trial found it in `evaluate`'s output only).
PREDICTED = ("Per attribute, labels best first, with calibrated probabilities; where the model records how "
             f"(fashionrec.levels), subCategory and masterCategory are {READ_FROM_TYPE}.")


class Classification(Answer):
    predicted: dict[str, list[Prediction]] = Field(description=PREDICTED)
    closest_similarity: float | None = Field(None, description="Cosine of the most similar catalogue product.")
    unfamiliar: bool = Field(False, description="The photo is unlike the catalogue's (as photo search says): the "
                             "labels are a guess (a noise image was 'Pendant 0.64' without a word).")
    turned: int = Field(0, description=TURNED)
    greyscale: bool = Field(False, description=GREYSCALE)


class ImageSearch(Answer):
    predicted: dict[str, list[Prediction]] = Field(description=PREDICTED + " For the photo of a catalogue product "
                                                   "(`same_as`), that product's own labels, each alone at 1.0: "
                                                   "they rank and explain the results.")
    results: list[Rec]
    closest_similarity: float | None = Field(None, description="Cosine of the catalogue product most like the "
                                             "photo (over the whole catalogue, whatever the filters).")
    unfamiliar: bool = Field(False, description="The photo looks unlike every product in the catalogue (its "
                             "closest product is less similar than 99.5% of the catalogue's products are to "
                             "their nearest other one): its labels and results deserve less trust.")
    unlike_filtered: bool = Field(False, description="Filters were given, and none of the results is of the type "
                                  "the photo surely shows: they are the nearest with those choices, not look-alikes.")
    turned: int = Field(0, description=TURNED)
    greyscale: bool = Field(False, description=GREYSCALE)
    same_as: int | None = Field(None, description="The catalogue product whose photo this is (a copy of it): its "
                                "own labels rank and explain the results, and are `predicted`; null for any "
                                "other photo.")


class LookOffered(Answer):
    """A text search's offered look, as the catalogue page's "For a whole outfit put together, see ..." notice links
    it (fashionrec.pairing.read_search decides both)."""

    id: int = Field(description="The product the look is put together for: its page's \"Complete the look\".")
    id_as_written: str = Field("", description=ID_WRITTEN)
    name: str = Field(description="That product's name, as a shopper is shown it.")
    anchor: str | None = Field(None, description="Where the query asks for a product to go with another ('shoes to "
                               "go with a black skirt'): the words naming the other ('a black skirt'), whose closest "
                               "product this is; null for a search for a whole outfit ('office outfit for men'), "
                               "where it is the closest main piece (a top, a dress, a saree or a set).")
    wearer: str | None = Field(None, description="A whole-outfit search naming no wearer ('outfit for a job "
                               "interview'): the wearer the look is for, as the page says it (\"men's\"), the one "
                               "most of the closest matches are for; a child's look always ('outfit for a 5 year "
                               "old': \"girls'\"); else null.")
    page_url: str = Field(description="The product's web page at its look (/item/ID#look), as the page links it.")
    outfit_url: str = Field(description="The look itself: GET /api/items/ID/outfit.")


def to_look(look, root: str = "") -> LookOffered:
    """A :class:`fashionrec.pairing.Look` -> :class:`LookOffered`, its links under ``root``."""
    return LookOffered(id=look.id, id_as_written=look.id_as_written, name=look.name, anchor=look.anchor,
                       wearer=look.wearer, page_url=f"{root}/item/{look.id}#look",
                       outfit_url=f"{root}/api/items/{look.id}/outfit")


class RecList(Answer):
    results: list[Rec] = Field(description="In ranked order, which is the list's order: diversity (MMR), names "
                               "taking turns and a profile's mix of 'like' and 'goes with' picks can put a "
                               "lower score before a higher one.")
    skipped: list[int] = Field(default_factory=list, description="Profile with skip_unknown: the liked ids left "
                               "out, the catalogue no longer having them.")
    skipped_as_written: list[str] = Field(default_factory=list, description="skipped's ids as the shop's "
                                          "catalogue writes them ('0038645'), else their digits, in its order.")
    corrected: str | None = Field(None, description="Text search: the query as corrected and searched, where "
                                  "its words as typed find no product and the correction finds some "
                                  "('sunglasess' -> 'sunglasses'), by the web page's rule.")
    left_out: list[str] = Field(default_factory=list, description="What a text query said about age, price or "
                                "size, left out of the search: the catalogue has none of them (e.g. 'under 2000', "
                                "'for 5 year old'; a child's age searches children's products), or, in a catalogue "
                                "with prices, a price word that gives no bound ('cheap', 'around 1000').")
    price: list[float | None] | None = Field(None, description="Text search in a catalogue with prices: the price "
                                             "filter the query's words made, [lowest, highest] with both included "
                                             "and null for no bound ('shirts under 500': [null, 500]); null where "
                                             "none was applied.")
    note: str | None = Field(None, description="Complete the look: why fewer than k pieces came back, where "
                             "fewer did (a product whose category takes no look got an empty list, no reason). "
                             "Text search: how the query was read where the results do not show it, as the "
                             "catalogue page says it ('rose gold watch': the catalogue files rose gold as Copper; "
                             "'pepe jeans tshirt': the catalogue has no Pepe Jeans T-shirts; 'gold jeans': the "
                             "catalogue has no gold jeans; an age, price or size left out).")
    unmatched: dict[str, list[str]] = Field(
        default_factory=dict, description="Text search: what the query names that none of the results has, "
        "{attribute: values}, given up because no product has it with the rest ('gold jeans': {'baseColour': "
        "['Gold']}, and the results are other jeans).")
    # The CLI's JSON had it and the API not (an integrator's trial): what a script needs to tell "red" was read as
    # a colour from a query that named none.
    parsed: dict[str, list[str]] = Field(
        default_factory=dict, description="Text search: the words of the query (as corrected) read as types, "
        "colours, wearers, usages or seasons, {attribute: values} ('red dress': {'articleType': ['Dresses'], "
        "'baseColour': ['Red']}), not what it leaves out ('shirts not blue': {'articleType': ['Shirts']}); {} for the "
        "other lists.")
    # The page offered a whole outfit search's look and the API said nothing of it (stop 72).
    look: LookOffered | None = Field(None, description="Text search: a look offered beside the results, as the "
                                     "catalogue page offers it, where the query asks for a whole outfit ('office "
                                     "outfit for men', naming no product type) or for a product to go with another "
                                     "('shoes to go with a black skirt'); null otherwise and for the other lists.")


class ProfileRequest(BaseModel):
    # A field it does not take is refused, as unknown query parameters and form fields are ("dislike" would
    # otherwise be dropped without a word).
    model_config = ConfigDict(extra="forbid")

    liked: list[int | str] = Field(min_length=1, max_length=MAX_LIKED, description="Ids of items the shopper liked: "
                                   "numbers, or as the shop writes them (id_as_written: '0015970', a Handle).")
    k: int = Field(10, ge=1, le=100)
    looks: bool = Field(True, description="Every third pick goes with a liked item (its complete-the-look); "
                        "false: only items like them.")
    skip_unknown: bool = Field(False, description="Leave out liked ids the catalogue no longer has (listed in "
                               "'skipped') instead of answering 404: a shopper's saved list outlives products.")
    include_sold_out: bool = Field(False, description="Pick sold-out products too (stock 0): left out by default, "
                                   "as every list a shopper is shown leaves them out (stop 67).")

    @field_validator("liked", mode="before")
    @classmethod
    def _no_booleans(cls, value: Any) -> Any:
        # JSON true was read as id 1 ("there is no product 1", a trial); an id as a number or its digits is kept.
        if isinstance(value, list) and any(isinstance(v, bool) for v in value):
            raise ValueError("liked holds ids (numbers), not true or false")
        return value


class Created(Answer):
    id: int
    id_as_written: str = Field("", description=ID_WRITTEN)
    image_url: str
    warnings: list[str] = Field(default_factory=list, description="What to check about the added product "
                                "(its photo is another product's), though it was added.")
    # A women's copper watch added with a name alone went in as Men, Blue, and the answer did not say (a trial).
    filled_in: dict[str, str | None] = Field(default_factory=dict, description="The labels not given, as filled "
                                             "in: the categories as the catalogue files the type, the type, "
                                             "wearer and colour as the name says them, the rest the labels of the "
                                             "product whose photo it is where it is one's (said in `warnings`), "
                                             "else the tagger's reading of the photo. Check them.")


def _clean(v: Any) -> Any:
    """NaN/None -> None; numpy scalars -> Python."""
    if v is None:
        return None
    if hasattr(v, "item") and not isinstance(v, str | bytes):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def image_url(item_id: int, as_written: object = None, root: str = "") -> str:
    """The address of product ``item_id``'s photo under ``root``: by the id as the shop writes it (``as_written``, a
    Handle or a SKU code, URL-quoted) where that is no number, else by the number. The numbers made from a shop's codes
    ("/images/6299080797350856.jpg") were all a shop keyed by them found in its access log for its own product (stop
    74, h74user); the route takes either (routes/images.py). A spelling with a "/" ("ts_navy/42") keeps the number:
    the server reads a quoted slash in a path as one, so no route would match it."""
    text = str(as_written or "").strip()
    named = text if text and not text.isdecimal() and "/" not in text else str(item_id)
    return f"{root}/images/{quote(named, safe='')}.jpg"


def to_item(d: dict, item_id: int | None = None, root: str = "") -> Item:
    """A recommender item dict (catalogue columns + ``pred_<head>``/``pred_<head>_prob``) -> :class:`Item`;
    its ``image_url`` under ``root``, the path the server is reached under (``deps.root_path``)."""
    iid = int(item_id if item_id is not None else d["id"])
    fields = {k: _clean(d.get(k)) for k in ITEM_FIELDS}
    if fields["year"] is not None:
        try:
            fields["year"] = int(fields["year"])
        except (TypeError, ValueError):
            fields["year"] = None
    for k in ITEM_FIELDS:
        if k != "year" and fields[k] is not None:
            fields[k] = str(fields[k])
    # The one reading of a price (item_tables.price_of): no price, not a 500, for one edited by hand into items.csv.
    price = price_of(d)
    fields["price"] = price if math.isfinite(price) else None
    fields["currency"] = str(d.get("currency") or "") or None if fields["price"] is not None else None
    # The price before a sale (regular_prices): said where the index keeps them, as the price is read.
    regular = price_of({"price": d.get(REGULAR_PRICE)}) if REGULAR_PRICE in d else math.nan
    fields[ON_SALE] = on_sale(price, regular) if REGULAR_PRICE in d else None
    fields[REGULAR_PRICE] = regular if fields[ON_SALE] else None
    # As the price: a level edited by hand into items.csv as text is none, not a 500 (stock.level_said).
    fields[STOCK] = level_said(d.get(STOCK))
    fields[SOLD_OUT_KEY] = d.get(SOLD_OUT_KEY) if isinstance(d.get(SOLD_OUT_KEY), bool) else None
    # Where a colour the shop did not label was read from (name_colours, stop 74): said, not passed off as a label.
    fields[COLOUR_FROM] = str(_clean(d.get(COLOUR_FROM))) if _clean(d.get(COLOUR_FROM)) is not None else None
    fields[HIDDEN] = d.get(HIDDEN) if isinstance(d.get(HIDDEN), bool) else None
    fields[HIDDEN_BY] = str(d[HIDDEN_BY]) if d.get(HIDDEN_BY) else None
    predicted = {}
    for head in ATTRIBUTES:
        label, prob = _clean(d.get(f"pred_{head}")), _clean(d.get(f"pred_{head}_prob"))
        if label is not None:
            predicted[head] = Prediction(label=str(label), prob=float(prob or 0.0))
    return Item(id=iid, id_as_written=str(d.get(ID_AS_WRITTEN) or iid), image_url=image_url(iid, d.get(ID_AS_WRITTEN),
                                                                                            root),
                predicted=predicted, display_name=shown_name(fields, iid),
                **fields)


def shown_name(fields: dict, item_id: int) -> str:
    """:attr:`Item.display_name` of an item's fields."""
    name = (fields.get("productDisplayName") or "").strip()
    if name and not re.search(PLACEHOLDER_NAME, name):
        return name
    return made_name(fields) or f"Item {item_id}"


def to_rec(r, root: str = "") -> Rec:
    item = to_item(r.item, r.id, root)
    return Rec(id=int(r.id), id_as_written=item.id_as_written, score=float(r.score), reason=str(r.reason),
               card_reason=str(r.card_reason), raw_score=None if r.raw_score is None else float(r.raw_score),
               item=item, slot=r.slot)


def to_predictions(predicted: dict[str, list[tuple[str, float]]]) -> dict[str, list[Prediction]]:
    return {h: [Prediction(label=str(lab), prob=float(p)) for lab, p in pairs] for h, pairs in predicted.items()}

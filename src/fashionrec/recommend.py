"""Recommendations over an index folder: the :class:`Recommender` (load, save, similar items, photo
queries), with its parts text search (:mod:`fashionrec.text_search`), complete the look
(:mod:`fashionrec.outfits`) and profiles (:mod:`fashionrec.profiles`).

Every recommender returns ``list[Rec]`` (id, score, a short human reason, the item's metadata).

The index folder and how it is built: :mod:`fashionrec.index_build`; adding and removing products:
:mod:`fashionrec.catalogue_edits`; the per-row tables of the items: :mod:`fashionrec.item_tables`.

Similar items — the ranking
---------------------------
The :data:`RERANK_POOL` nearest neighbours by cosine (filters inside the search; for a catalogue item with too
few for its wearer, or of its type and colour, among them, the nearest of those too) are re-ranked by
``cosine + sum(weight[head] * P(query has the candidate's label for head))`` with :data:`ATTRIBUTE_WEIGHTS`
(articleType 1.0, baseColour 0.5, gender 0.1). For a photo, P is the tagger's predicted probabilities; for a
catalogue item, its own labels (one-hot), less :data:`WRONG_WEARER` for a product its wearer would not wear,
plus :data:`FAMILY_WEIGHTS` for its subCategory and masterCategory and :data:`KIND_WEIGHT` for the kind its
name says (a polo, or none). So a look-alike of another type or colour ranks below a look-alike that shares
them, and the tagger's uncertainty decides how much. A catalogue item's own type leads, whatever the scores, while
the shop has any for its wearer, or for an accessory any grown-up's, for a child's shoe its sex's grown-ups' too
(:meth:`Recommender._type_lead`, stop 67). For a photo the tagger's probabilities are first
blended (weight 0.35) with a vote of the :data:`NEIGHBOUR_VOTE` nearest catalogue items' own labels
(weighted by ``exp((cosine - best cosine) / temperature)``): the labelled catalogue corrects part of the
tagger's errors. ``attribute_weights = {}`` on a :class:`Recommender` ranks by cosine alone (``fashionrec
evaluate-recs --rank embedding``); ``neighbour_vote = 0`` uses the tagger alone (``--rank tagger``).
"""

from __future__ import annotations

import collections
import copy
import datetime as _dt
import functools
import itertools
import logging
import math
import numbers
import os
import re
import shutil
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from PIL import Image

from fashionrec import photo_wearer as photo_wearer_rules
from fashionrec.artifacts import (
    file_identity,
    free_space,
    out_of_space,
    private_temp_dir,
    read_json,
    replace_durably,
    sync_tree,
    write_json,
)
from fashionrec.blas import one_blas_thread
from fashionrec.calibration import calibration_temperatures
from fashionrec.card_reasons import (
    THEME_MOST,
    USAGE_SAID,
    collection_said,
    name_words,
    price_compared,
    shared_word,
    size_said,
    theme_said,
    usage_said,
    word_counts,
)
from fashionrec.catalog import (
    checked_photo,
    first_few,
    image_files,
    is_greyscale,
    open_rgb,
    photo_digest,
    photo_id,
    styles_sha256,
)
from fashionrec.catalogue_edits import CatalogueEdits, manifest_stamp
from fashionrec.change_intent import INTENT, clear_intent, move_order, read_intent, recovering, write_intent
from fashionrec.colours import nearness
from fashionrec.column_map import images_path, table_path
from fashionrec.edit_tables import kept_tables
from fashionrec.embed import Embedder, predicted_frame
from fashionrec.errors import (
    BadInputError,
    ChangedOnDiskError,
    DamagedFileError,
    ModelError,
    NoSpaceError,
    VectorIndexError,
)
from fashionrec.index import FaissIndex, VectorIndex, open_index
from fashionrec.index.faiss_index import DeltaMismatchError
from fashionrec.index.faiss_index import delta_file as faiss_delta_file
from fashionrec.index.projection import Projection
from fashionrec.index_build import (  # noqa: F401  (INDEX_MARKER and the rest: importable from here as before)
    INDEX_MARKER,
    UNFAMILIAR_QUANTILE,
    IndexBuilding,
    added_since_build,
    familiar_floor,
    index_backend,
)
from fashionrec.index_delta import (
    MMAP_ABOVE,
    Base,
    base_stock,
    delta_names,
    delta_of,
    drop_other_generations,
    file_sha256,
    read_files,
    write_delta,
)
from fashionrec.index_reuse import DIGESTS
from fashionrec.item_tables import (  # noqa: F401
    BRAND_BEFORE_WEARER,
    GROWN_UP,
    PRICE_FILTER,
    SALE_FILTER,
    UNLISTED,
    WEARER_WORDS,
    ItemTables,
    child_filtered,
    filter_attrs,
    unpriced_on_load,
)
from fashionrec.item_tables import brand_words as item_brand_words
from fashionrec.levels import levels_fingerprint
from fashionrec.looks import CLASHING_USAGE, COMPOUND_COLOURS, NAMED_ALIAS
from fashionrec.outfits import Outfits
from fashionrec.photo_store import STORE_HEIGHT, STORE_WIDTH, fit_to_store
from fashionrec.photo_wearer import WearerRead, read_wearer
from fashionrec.product_edits import ProductEdits
from fashionrec.profiles import Profiles
from fashionrec.results import (  # noqa: F401  (Rec and MAX_K: what callers import from here)
    COLOURWAYS,
    DUPLICATE_SLACK,
    FILTER_KEYS,
    MAX_K,
    NEAR_DUPLICATE,
    PRODUCT_PAGE,
    RERANK_POOL,
    UNSURE,
    Rec,
    check_k,
    chosen_colour,
    id_list,
    in_list_order,
    listed,
)
from fashionrec.rwlock import RWLock, reading
from fashionrec.said_once import first_time
from fashionrec.tagger import SHIPPED_MODEL, Tagger, embedding_sha256
from fashionrec.text_search import TextSearch
from fashionrec.view_choice import LOOK_AGAIN_BELOW, UPSIDE_DOWN, UPSIDE_DOWN_SURER_BY, sure_of_type
from fashionrec.word_search import WordSearch

log = logging.getLogger(__name__)

LOAD_ATTEMPTS = 3           # reads of an index folder that another process is saving into
# Attribute-aware ranking of similar items: score = cosine + sum over heads of weight x P(query has the
# candidate's label). The embedding alone ranks many near-looking items of another type or colour first;
# the tagger's head probabilities know better. Weights chosen on the validation split (photo queries of
# 1,500 val products against an index of train+val): P@10 articleType 0.795 -> 0.847, articleType+colour
# 0.424 -> 0.542; larger weights changed neither by more than 0.004.
ATTRIBUTE_WEIGHTS = {"articleType": 1.0, "baseColour": 0.5, "gender": 0.1}
# Added, for a catalogue item's similar items, to those of its subCategory and of its masterCategory: once its
# type runs out, its kind rather than anything of its colour (a gold football had a gold day cream, a bangle and
# an eye shadow after the catalogue's seven other footballs; a yellow muffler a yellow capri among its stoles).
# Products of its type are of its kind too, so they keep their order; together more than a colour's weight.
# Over the 229 products of types with fewer than 12 (runs/index), top 10 of the same subCategory 0.639 ->
# 0.756, masterCategory 0.928 -> 0.968, for the wearer 0.939 -> 0.948, of the same colour 0.630 -> 0.577; over
# 300 random products same type 0.978 -> 0.977, colour 0.885 -> 0.881.
FAMILY_WEIGHTS = {"subCategory": 0.6, "masterCategory": 0.3}
# Taken off the score of a catalogue item's similar item that its wearer would not wear (Recommender._wearers:
# men's for a women's product, grown-ups' for a child's, a child's for a grown-up's; unisex suits grown-ups).
# As much as the type's weight: 0.6 let a closer look and the colour's bonus win ("ADIDAS Kids Boys Duramo"
# black sports shoes got men's black ones before the catalogue's 12 other children's sports shoes). Over the
# 1,888 children's products' top 12 (runs/index), 11.35 were for their wearer at 0.6, 11.75 at 1.0 (same type
# 97.8% -> 96.3%); over 300 random products' top 10, 0.5% -> 0.0% for another wearer, same type 99.47% at
# both, same colour 86.9% -> 86.4%. Photo queries, whose gender is a guess, do without.
WRONG_WEARER = 1.0
# Taken instead, for a grown-up's accessory, off the other grown-ups' accessories of its type: a belt, a bag or a
# pendant is worn across genders more than clothes are, and a small shop's women's belt listed casual shoes,
# tops and kurtas before its six men's belts (a shop's trial). Small enough that the men's belts come before
# a women's handbag in the belt's colour on the bonus (1.0 - 0.05 > 0.1 + 0.3 + 0.5: 0.95 against 0.9, where
# 0.1 tied), unless the handbag looks more than 0.05 closer; after the women's and unisex belts. Over the 76
# grown-ups' accessories of runs/index whose type has at most 11 for their gender, top 10 of their type 0.716 /
# 0.757 / 0.788 / 0.807 / 0.808 at 1.0 / 0.5 / 0.3 / 0.1 / 0.05, of their colour 0.545 -> 0.516, for their
# wearer 0.987 -> 0.904; over 300 random accessories 1.000 / 0.906 / 1.000 at every weight
# (/tmp/work/accwear2.py). Not for a child's accessory.
ACCESSORY_WRONG_WEARER = 0.05
# A grown-up's fragrance is of its kind (FAMILY_WEIGHTS' subCategory, not its masterCategory) to the other grown-ups'
# fragrances too, whose wearer still costs WRONG_WEARER: in a new user's 300-product shop (stop 71) "Dunhill Fresh
# Men Perfume" listed its two men's perfumes and a men's deodorant, then seven men's green shirts and vests "same
# colour (Green)" (its bottle's) before the shop's women's perfumes, 11th and 12th. Unlike an accessory's
# (ACCESSORY_WRONG_WEARER, the type's lead) a scent is chosen for its wearer: its wearer's fragrances of any type come
# before the others' of its type, 0.3 ahead with the same look, so a men's deodorant keeps its men's perfumes first.
FRAGRANCE_SUBCATEGORIES = frozenset({"Fragrance", "Perfumes"})
# An ethnic bottom (a churidar, a salwar, a patiala) is worn under a kurta: after its own type (the type's lead,
# _type_lead) its similar items list its wearer's other ethnic bottoms and leggings, then the rest by score. The men's
# white churidar 30734 (6 men's churidars in the catalogue) listed 2 churidars, then trousers, white jeans, Puma
# track pants and ADIDAS shorts (stop 77's shopper). Its wearer's Bottomwear filed Ethnic is of them too (a men's
# ethnic trousers). And an ethnic product's similar items list what clashes with its usage (looks.CLASHING_USAGE:
# Sports) after the rest, as a look never takes it: a Nehru jacket's listed a Sports T-shirt.
ETHNIC_BOTTOMS = frozenset({"Churidar", "Salwar", "Patiala", "Salwar and Dupatta"})
ETHNIC_BOTTOMS_KIN = ETHNIC_BOTTOMS | {"Leggings"}
# Added, for a catalogue item's similar items, to those whose name says the same kind of their type
# (vocabulary.KINDS: a polo among T-shirts, chinos among trousers, or none): a shape is what a shopper sees first
# (a stylist's trial: 8 polos of 10 for a printed crew-neck T-shirt). Over 300 random T-shirts' top 10
# (runs/index, /tmp/work/kinds.py), of the product's kind 0.818 -> 0.973 / 0.977 / 0.987 at 0.3 / 0.45 / 0.6,
# of its colour 0.965 -> 0.965 / 0.961 / 0.951: below the colour's weight, the colour keeps its place.
KIND_WEIGHT = 0.3
# Similar items in other colours are picked from this many times the wanted count: at 4, 105 of 150 random products'
# rows of six held six colours (a black polo's: blue and navy blue only, its nearest other colours); at 10, 143;
# at 20, 148, for 15 ms a row against 8 (a throwaway script over runs/index).
OTHER_COLOURS_POOL = 20
# A product's colourways: of its type and wearer, in another colour, named as it is but for the colour words. A name
# more products share than this is a brand's plain name for the type ("Catwalk Women Heels": 179 products, "Kiara
# Women Handbag": 119), no one design's: those are left to the nearest in other colours.
COLOURWAY_NAMES = 12
# With a projected index: fetch this many times the wanted count (+ 10) by projected cosine, then keep the
# best by full cosine (for a top-10, 30 candidates hold 99.9% of the exact top-10; index/projection.py).
REFINE_FACTOR = 2
# Ids a nearest-neighbour search skips that it fetches past one for one (:meth:`Recommender._fetched_past`); more
# than this (a shop's sold-out products), by their share of the catalogue.
EXCLUDED_FETCHED = 500
# A photo's label probabilities = (1 - weight) x tagger + weight x the vote of its nearest catalogue items.
# Chosen on the validation split (3,988 val photos against the train items, never test). Shipped
# EfficientNet-Lite0: articleType accuracy 0.877 -> 0.880, P@10 articleType 0.873 -> 0.880, articleType+colour
# 0.588 -> 0.592 (weight 0.5: 0.878 / 0.587; neighbours 20 or 50 alike). The earlier fashion-cnn gained
# more (P@10 0.857 -> 0.868 at weight 0.35-0.65). Re-checked for the shipped ensemble: P@10 articleType /
# +colour 0.891 / 0.612 at 0.2, 0.892 / 0.612 at 0.35, 0.892 / 0.609 at 0.5, 0.891 / 0.602 at 0.65.
NEIGHBOUR_VOTE = {"neighbours": 20, "temperature": 0.02, "weight": 0.35}
# A photo's type guess under this calibrated probability is unsure: the web page says so, and its results'
# cards do not claim "same type".
UNSURE_TYPE = UNSURE
# What tells apart the cards of a product's similar items and of a photo's, where every one says the same "Same
# type, colour and gender" (twelve times over, a shopper's trial, stop 64): the source's brand, a trait both names
# say ("Also in checks"), one its name says and the source's does not ("Slim fit", stop 65: 10 of a blue jeans' 12
# cards said "Close photo"), the closest photo, else a band of the visual similarity the whole reason gives (its two
# decimals). The traits a shopper tells such products apart by, as names say them: print, fit, finish, neck and
# sleeve, material, a watch's movement; a name's other words are a line's or a model's ("Lafayette", "Hadden"),
# telling nothing. Of runs/index's 39,730 names 9,767 say one: printed 3,328, striped 1,589, checked 1,339, solid
# 1,222, leather 500, analogue 266, chronograph 264, slim fit 225, washed 189, digital 175, canvas 159, round neck 51,
# sleeveless 43; "lace" (mostly lace-up shoes) and "denim" (a colour, "Dark Denim") are left out. Not a fit where
# the word names another thing (a review, stop 65, of styles.csv's 44k names): "Slim" alone is slim, not slim fit
# ("Slim Fold Wallet", "Ultra slim Sunglasses": 20 names), "Loose Powder" (4 blushes and compacts) is not relaxed,
# and a bare "Hood" is as often a line's name ("Fossil Men Hood Traveller Brown Wallet", 3 of 11) as a hood.
NAME_TRAITS = (
    # The check pattern is said "in checks": "Also checked" read to a shopper as "also viewed" (stop 69's trial).
    (r"\bchecks?\b|\bchecked\b|\bcheckered\b", "in checks"), (r"\bstripes?\b|\bstriped\b", "striped"),
    (r"\bprints?\b|\bprinted\b", "printed"), (r"\bfloral\b", "floral"), (r"\bpolka\b", "polka dot"),
    (r"\bcamo\b|\bcamouflage\b", "camo"), (r"\bpaisley\b", "paisley"), (r"\bgraphic\b", "graphic"),
    (r"\bembroider(?:ed|y)\b", "embroidered"), (r"\bsolid\b", "solid"),
    (r"\bslim[- ]?fit\b", "slim fit"), (r"\bslim\b(?![- ]?fit)", "slim"), (r"\bskinny\b", "skinny"),
    (r"\b(?:regular|comfort) fit\b", "regular fit"), (r"\brelaxed\b|\bloose\b(?!\s+powder)", "relaxed fit"),
    (r"\bwashed\b|\bstone ?wash", "washed"), (r"\bfaded\b", "faded"), (r"\bdistressed\b|\bripped\b", "distressed"),
    (r"\b(?:round|crew) neck\b", "round neck"), (r"\bv[- ]?neck\b", "V-neck"), (r"\bhood(?:ed|ie)\b", "hooded"),
    (r"\bsleeveless\b", "sleeveless"), (r"\b(?:short|half) sleeve", "short-sleeved"),
    (r"\b(?:full|long) sleeve", "long-sleeved"),
    (r"\bleather\b", "leather"), (r"\bsuede\b", "suede"), (r"\bcanvas\b", "canvas"), (r"\bsilk\b", "silk"),
    (r"\bcotton\b", "cotton"), (r"\blinen\b", "linen"), (r"\bknit(?:ted|s)?\b", "knit"),
    (r"\banalog(?:ue)?\b", "analogue"), (r"\bdigital\b", "digital"), (r"\bchronograph\b", "chronograph"),
    # Stop 66, for the lists the traits above left alike (shoes, perfumes, earrings, polos; styles.csv's names):
    # a polo's collar (1,312 T-shirts; not U.S. Polo Assn.'s, Classic Polo's or Regent Polo Club's names), a heel's
    # or a shoe's make (wedges 141, peep toes 33, slip-ons 47, stilettos 12, high tops 93), a scent's strength (EDT
    # 42, EDP 10), a jewel's metal (sterling silver 30, plated 23) and pearls (60).
    (r"\bpolo\b(?!\s*(?:assn|club))(?<!classic polo)(?<!s\. polo)(?<!s\.polo)(?<!us polo)", "polo"),
    (r"\bwedges?\b", "wedge heel"), (r"\bpeep[- ]?toes?\b", "peep toe"), (r"\bslip[- ]?ons?\b", "slip-on"),
    (r"\bstilettos?\b", "stiletto"), (r"\bhigh[- ]?tops?\b", "high top"),
    (r"\bedt\b|\beau de toilette\b", "eau de toilette"), (r"\bedp\b|\beau de parfum\b", "eau de parfum"),
    (r"\bsterling\b", "sterling silver"), (r"\bplated\b", "plated"), (r"\bpearls?\b", "pearl"))
PHOTO_BANDS = ((0.9, "Very close photo"), (0.85, "Close photo"), (-1.0, "Similar photo"))
# Another view of a photo than the first (photo_query) is taken where its closest catalogue product is at
# least this much closer than the first view's: 2,000 validation photos against the train+val index (own
# id left out), P@10 type 0.8966 with the first view always, 0.8936 with any closer view, 0.8961 with 0.05.
VIEW_MARGIN = 0.05
# A photo whose first view has a catalogue product this close is tagged as it is, without the other views:
# 65% of never-seen validation photos are (their other views are tagged for 10% of them, not 33%), and
# none of the photos the other views help (recoloured backdrops, products small on a square) lose by it.
FAMILIAR_ENOUGH = 0.85
# A phone photo turned a quarter without its EXIF orientation (an app that drops it on the way) is unlike
# every catalogue photo: validation photos turned either way were read as their type for 7-10% against
# 90% upright, and a shopper trial's formal shoe was "not sure". Such a photo is at least as wide as tall, where
# the catalogue's photos and a phone's upright ones are taller, so only such a photo whose chosen view's closest
# product is under TURN_BELOW is also looked at turned upright both ways (clockwise degrees: TURNS), and read
# turned where one way is closer by TURN_MARGIN, or by VIEW_MARGIN with the tagger surer of its type by
# TURN_SURER (calibrated probability). Catalogue photos are never turned; upright products in wide photos
# were, by VIEW_MARGIN alone, 3% of them, most wrongly (900 validation photos, a throwaway script; the margins
# were chosen on those and 650 turned ones; bench_photo_views.py --turned measures the result). A square photo
# counts (Instagram's): turned ones 0.04 -> 0.65 type top-1, upright ones 0.835 -> 0.830 (200 validation photos on
# a 1200x1200 white or textured square, /tmp/work/square.py).
TURN_BELOW = 0.8
TURN_MARGIN = 0.15
TURN_SURER = 0.3
TURNS = (90, 270)
# A photo larger than the catalogue's whose catalogue-size copy (Lanczos, which undoes an enlargement far better
# than the tagger's bilinear: embeddings at a median cosine 0.990 to the photo's own against 0.937), halved again
# (box) so that a blur or a JPEG's blocks count less, differs from one of its SAME_PHOTO_CANDIDATES nearest catalogue
# photos by at most SAME_PHOTO_MAD grey levels on average is that photo enlarged, and is searched as it (a
# shopper's trial: a catalogue photo at 600x800 or 4500x6000 listed its product first, unnamed, at cosine
# 0.89-0.95). Measured (/tmp/work/mad4.py, throwaway): 76 random catalogue photos enlarged (bicubic to 600x800,
# Lanczos to 1200x1600, nearest to 240x320, bilinear to 4500x6000; saved as JPEG 85) differ from their photo by
# at most 1.10, 0.69, 1.29 and 2.42 (95th percentile 1.74); an enlargement to another shape (610x800) by 5.69 at
# the 95th percentile: not caught. 1% of 400 random products' nearest other photos (not byte copies) differ by under
# 1.64, some by 0.3: of several under the limit, the least different is taken.
SAME_PHOTO_MAD = 1.5
# The shipped model puts the enlarged photo's own product first (30 of 30); the tests' small one up to 10th. Each
# candidate is a 60x80 photo read from disk (0.1-0.2 ms).
SAME_PHOTO_CANDIDATES = 20
# ... of those at least this close (the enlargements above: 0.83 at the least, through the tagger's bilinear).
SAME_PHOTO_COSINE = 0.8
# Of a photo's nearest products, how many :meth:`Recommender.photo_owners` looks at for the products it is the photo
# of (the catalogue lists one photo under 2 ids at the most, 3 with a product added from one of them).
COPIES_LOOKED_AT = 8


def _leaves_out_colourways(colourways: str | None, other_colours: bool, filters: dict | None) -> bool:
    """Whether :meth:`Recommender.similar` leaves out the colourways its product page's row shows: as asked, else
    unless the call asks for other colours itself (they are what it asks for then)."""
    if colourways is None:
        return not other_colours and not (isinstance(filters, dict) and filters.get("baseColour"))
    if colourways not in COLOURWAYS:
        raise BadInputError(f"colourways must be one of {', '.join(COLOURWAYS)} (or left out: as the product page), "
                            f"got {colourways!r}")
    return colourways == "exclude"


_TRAITS = [(re.compile(pattern, re.IGNORECASE), trait) for pattern, trait in NAME_TRAITS]


@functools.lru_cache(maxsize=1 << 16)        # 33 patterns over 13 names took 1 ms of a similar-items query's 15
def name_traits(name: str) -> tuple[str, ...]:
    """The :data:`NAME_TRAITS` a product name says, in that order: ("in checks", "slim fit") of "Highlander Men Blue
    Checked Hadden Slim Fit Shirt". Its brand's words too: the 65 names in runs/index whose words before the
    wearer's say one are of lines named for it ("Turtle Check", "Turtle Solid", "Casio Youth Digital"; 9 of 12 Turtle
    photos looked at show it)."""
    return tuple(trait for pattern, trait in _TRAITS if pattern.search(name))


def _second_colour(named: tuple[str, ...], label: object, source: dict | None, name: str = "") -> list[str]:
    """Of the colours a product's name says (``named``, :meth:`Recommender._named_colours`), those besides its own
    ``label`` that ``source`` neither is nor names: blue of "Mark Taylor Men White & Blue Striped Shirt" beside a
    white shirt. None where its name says one colour: a shade of its own ("Murcia Women Turquoise Blue Handbag",
    filed Blue, said "with turquoise blue"), nor one near its label. Two colours its ``name`` says as one shade
    (:data:`~fashionrec.looks.COMPOUND_COLOURS`, "Teal Blue") are one colour, said whole, and its own where
    either is its label."""
    colours = [(c,) for c in named]
    for shade, hue in COMPOUND_COLOURS:
        if (shade,) in colours and (hue,) in colours and re.search(rf"\b{shade}\s+{hue}\b", name, re.IGNORECASE):
            colours[colours.index((shade,))] = (shade, hue)
            colours.remove((hue,))
    if len(colours) < 2:
        return []
    source = source or {}
    source_name = str(source.get("productDisplayName") or "")
    near = (nearness([label], [c for parts in colours for c in parts]) if isinstance(label, str)
            else np.zeros(sum(map(len, colours))))
    said, at = [], 0
    for parts in colours:
        n, at = near[at:at + len(parts)], at + len(parts)
        colour = " ".join(parts)
        if not n.any() and source.get("baseColour") not in parts \
                and not re.search(rf"\b{re.escape(colour)}\b", source_name, re.IGNORECASE):
            said.append(colour)
    return said


def _same_brand(brand_words: list[str], name: str, brands: frozenset[str] = frozenset()) -> str | None:
    """The brand ``name`` shares with the product whose brand is ``brand_words``, or None: the whole brand of one
    of the two ("Turtle" of "Turtle Check"), each read with the catalogue's ``brands`` (:func:`item_brand_words`:
    "Reebok" of "Reebok Reenergize Men Perfumes" and of "Reebok Reegame Men Perfumes"); "Red Tape" and "Red Chief"
    share a word, not a brand."""
    words = item_brand_words(name, brands)
    if not brand_words or not words:
        return None
    n = min(len(words), len(brand_words))
    n = next((i for i in range(n) if words[i].casefold() != brand_words[i].casefold()), n)
    return " ".join(words[:n]) if n and n in (len(words), len(brand_words)) else None


def _halved(photo: Image.Image, resample: int | None = None) -> np.ndarray:
    """``photo`` at the catalogue's size (:func:`~fashionrec.data.fit_to_store`), then halved: (40, 30, 3) float."""
    stored = fit_to_store(photo.convert("RGB"), resample=resample).transpose(1, 2, 0)
    return np.asarray(Image.fromarray(stored).reduce(2), np.float32)


class PhotoQuery(NamedTuple):
    """A shopper's photo as :meth:`Recommender.photo_query` chose to look at it."""

    vector: np.ndarray          # (d,) L2-normalised embedding of the chosen view
    probs: dict                 # {head: (1, classes)} raw probabilities of the chosen view
    closest: float | None       # cosine of the closest catalogue product to it (None: empty index)
    closest_id: int | None      # that product's id
    views: int                  # how many views of the photo were tagged
    chosen: int                 # which (0: the photo as it is, or its crop for a very small product; of those
    #                             turned ``turned`` degrees, where it is)
    excluded: set               # ids left out of "closest"
    turned: int = 0             # clockwise degrees the photo was turned to read it (0: as it came)
    scattered: bool = False     # on a plain backdrop, in many small parts: text, not a product (photo_views)


class FirstView(NamedTuple):
    """A photo's views (:func:`~fashionrec.photo_views.photo_views`) and its first view tagged, in a batch with other
    photos' (:meth:`Recommender.first_views`), for :meth:`Recommender.photo_query` to take rather than tag it alone."""

    views: list                 # PhotoViews
    vector: np.ndarray          # (d,) L2-normalised embedding of views[0]
    probs: dict                 # {head: (1, classes)} its raw probabilities


class PhotoResults(tuple):
    """What :meth:`Recommender.similar_to_image` returns: the pair (predicted labels, similar items), plus
    ``closest`` (the cosine of the most similar catalogue product) and ``unfamiliar`` (whether that is
    below the catalogue's own :data:`~fashionrec.index_build.UNFAMILIAR_QUANTILE`: the photo looks unlike any
    product in it, and its labels and results deserve less trust); ``unlike_filtered``: filters were given,
    and none of the results is of the type the tagger is sure the photo shows (they are the nearest such
    products, not look-alikes); ``turned``: the clockwise degrees the photo was turned to read it, where it
    looked turned on its side (90, 270) or upside down (180) (0: read as it came); ``greyscale``: the photo is a
    greyscale file, so its colour cannot be seen (the predicted colour is a guess, and the results are not ranked
    by it); ``same_as``: the catalogue product whose photo this is (a copy of it), whose own labels rank and explain
    the results, or None."""

    closest: float | None
    unfamiliar: bool
    unlike_filtered: bool
    turned: int
    greyscale: bool
    same_as: int | None

    def __new__(cls, predicted: dict, recs: list, closest: float | None, unfamiliar: bool,
                unlike_filtered: bool = False, turned: int = 0, greyscale: bool = False,
                same_as: int | None = None) -> PhotoResults:
        results = super().__new__(cls, (predicted, recs))
        results.closest, results.unfamiliar, results.unlike_filtered = closest, unfamiliar, unlike_filtered
        results.turned, results.greyscale, results.same_as = turned, greyscale, same_as
        return results

    def __getnewargs__(self) -> tuple:      # copy and pickle rebuild it from all eight
        return (*self, self.closest, self.unfamiliar, self.unlike_filtered, self.turned, self.greyscale,
                self.same_as)

    @property
    def predicted(self) -> dict:
        """``{head: [(label, calibrated probability), ...]}``, best first: the tagger's reading of the photo; for
        the photo of a catalogue product (``same_as``), that product's own labels, each alone at 1.0."""
        return self[0]

    @property
    def results(self) -> list:
        """The similar items (:class:`Rec`)."""
        return self[1]

    def __repr__(self) -> str:
        seen = ", ".join(f"{h}={p[0][0]!r} {p[0][1]:.2f}" for h, p in self[0].items() if p)
        closest = "None" if self.closest is None else f"{self.closest:.3f}"
        return (f"PhotoResults(predicted: {seen}; results: {[r.id for r in self[1]]}; closest={closest}, "
                f"unfamiliar={self.unfamiliar})")


def _copied_from(index: VectorIndex, index_dir: Path) -> str | None:
    """The index folder ``index_dir`` is a copy of, whose Milvus collection it names (None: FAISS, or its own)."""
    if not isinstance(getattr(index, "collection", None), str):
        return None
    from fashionrec.index.milvus_index import held_elsewhere

    return held_elsewhere(index.client, index.collection, index_dir)


def _folder_mb(folder: Path) -> float:
    """The size of the files directly in ``folder``, in MB (what a save writes again beside them)."""
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file()) / 1e6


def _move_in(stage: Path, names: list[str], folder: Path) -> None:
    """Move the files ``names`` from ``stage`` into ``folder``, the manifest last; stopped part-way (an error, a
    Ctrl-C), put back the ones it replaced, kept as hard links in the stage (a save stopped after items.csv had
    moved in left a folder no load could read, a code review). Where the folder takes no hard links, as before."""
    kept = stage / ".before"
    kept.mkdir()
    try:
        for name in names:
            if (folder / name).exists():
                os.link(folder / name, kept / name)
    except OSError:
        kept = None
    moved: list[str] = []
    try:
        for name in sorted(names, key=move_order):
            # each rename flushed before the next: the manifest, last, is on the disk only after the others
            replace_durably(stage / name, folder / name, flushed=True)    # (the save flushed the stage)
            moved.append(name)
    except BaseException:
        if kept is not None and "manifest.json" not in moved:
            for name in moved:
                if (kept / name).exists():
                    os.replace(kept / name, folder / name)
                else:
                    (folder / name).unlink(missing_ok=True)
        raise


# An index folder's manifest missing for longer than a rebuild's swap of the folder (a moment) is a folder moved or
# deleted under a server (Recommender.gone_from_disk).
GONE_AFTER_S = 5.0


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


def _cosines(vectors: np.ndarray, query: np.ndarray) -> np.ndarray:
    """``vectors @ query`` for the few hundred candidates of one query, without BLAS: OpenBLAS's threads
    keep spinning after a product and take the cores from the tagger's next photo (measured: 411 x 1280
    by ``@`` made the next inference 38 ms instead of 18; by einsum, 19 ms)."""
    return np.einsum("ij,j->i", vectors, query)


def _mmr(cand_vecs: np.ndarray, relevance: np.ndarray, k: int, diversity: float,
         first: np.ndarray | None = None) -> list[int]:
    """Maximal marginal relevance: positions of k candidates trading relevance for novelty. With ``first`` (bool per
    candidate), those are chosen before any other (a similar list's type lead), each part by MMR, the rest's novelty
    weighed against those chosen first too: the lead was undone by MMR after it (stop 68, a code review)."""
    lam = 1.0 - diversity
    chosen: list[int] = []
    ahead = np.zeros(len(relevance), bool) if first is None else np.asarray(first, bool).copy()
    # Each candidate's greatest cosine to those chosen, brought up to date with the latest pick only: worked out
    # against every chosen one on every pick, k=500 took 9.7 s (a review).
    red = np.zeros(len(relevance), np.float32)
    open_ = np.ones(len(relevance), bool)
    with one_blas_thread:
        while open_.any() and len(chosen) < k:
            gain = np.where(open_ & ahead if ahead.any() else open_, lam * relevance - (1 - lam) * red, -np.inf)
            best = int(np.argmax(gain))
            ahead[best] = False
            sims = cand_vecs @ cand_vecs[best]
            red = sims if not chosen else np.maximum(red, sims)
            chosen.append(best)
            open_[best] = False
    return chosen


def other_catalogue(manifest: dict, data_dir: str | Path) -> str:
    """Why an index (its ``manifest``) is not ``data_dir``'s: built from another folder, or from this one's
    styles.csv before it changed; "" when it is. An index built before manifests recorded the file's hash
    is compared by folder alone. A user trial ran `FASHIONREC_DATA=other bash scripts/main.sh` after a first
    run: the data check and the EDA described the new catalogue, and the old 39,730-product index was served."""
    built_from = manifest.get("data_dir")
    here = str(Path(data_dir).resolve())
    if built_from and built_from != here:
        return f"it was built from the catalogue {built_from}, not {here}"
    recorded, now = manifest.get("styles_sha256"), styles_sha256(data_dir)
    if recorded and now and recorded != now:
        return f"{table_path(data_dir)} changed since it was built ({manifest.get('date')})"
    return ""


def missing_photos(rec: Recommender) -> str:
    """Why an index cannot show its catalogue products' photos: the files it points at are gone (the catalogue
    folder moved or deleted since the build: the index keeps their paths, not copies); "" when all are there. An
    operator's trial served a copy of an index without its catalogue: every photo 404, and `index check` passed."""
    catalogue = np.flatnonzero(~added_since_build(rec.items).to_numpy())
    gone = _photos_gone_at(rec, catalogue)
    if not gone:
        return ""
    return (f"{len(gone):,} of its {len(catalogue):,} catalogue products' photos are no longer where it was built "
            f"from (ids {first_few([i for i, _ in gone], 5)}; {gone[0][1]} is gone): the catalogue folder moved or "
            "was deleted. Rebuilt from where it is now, the photos are found again by their bytes and not embedded "
            "again")


def changed_photos(rec: Recommender, data_dir: str | Path) -> str:
    """Why the index no longer shows the catalogue at ``data_dir`` as its photos are now: a catalogue product's
    photo replaced since the build (its bytes are not those it embedded, ``photo_digests.csv``: looked at where
    the file changed after the build began, so a replacement that keeps an older date goes unseen), or a row
    the build left out for want of a photo that has one now; "" when neither. An operator's trial did both and
    `index check --data` passed, so `scripts/main.sh` went on serving the old photos' vectors and labels."""
    missing = (rec.manifest.get("left_out") or {}).get("missing", [])
    photographed = []
    photos = images_path(data_dir)      # images/, or the folder columns.json names (photos/)
    if missing and photos.is_dir():     # paired as the loader pairs them ("10499.JPG")
        have = {photo_id(stem) for stem in image_files(photos)[0]}
        photographed = [int(i) for i in missing if int(i) in have]
    replaced = []
    try:
        digests = pd.read_csv(rec.index_dir / DIGESTS, dtype={"photo_digest": str}).set_index("id")["photo_digest"]
        built = _dt.datetime.fromisoformat(rec.manifest["date"]).timestamp()
        began = built - float(rec.manifest.get("build_seconds") or 0)
    except FileNotFoundError:
        digests = None      # an index built before the digests were kept (or from embeddings made elsewhere)
    except (OSError, ValueError, KeyError, TypeError, pd.errors.ParserError) as e:
        log.warning("cannot tell whether photos of %s changed since its build (%s: %s): not compared; a rebuild "
                    "writes %s again", rec.index_dir, type(e).__name__, e, DIGESTS)
        digests = None
    if digests is not None:
        paths = rec.items["image_path"].astype(str).to_numpy()
        for row in np.flatnonzero(~added_since_build(rec.items).to_numpy()):
            item_id, path = int(rec._ids[row]), paths[row]
            try:
                if os.stat(path).st_mtime < began or item_id not in digests.index:
                    continue
                with open(path, "rb") as f:
                    now = photo_digest(f.read()).hex()
            except OSError:
                continue        # gone: missing_photos says so
            if now != digests[item_id]:
                replaced.append(item_id)
    said = []
    if replaced:
        said.append(f"{len(replaced):,} catalogue product{'s have' if len(replaced) != 1 else ' has'} another photo "
                    f"since it was built (ids {first_few(replaced, 5)}), still searched by the one it had")
    if photographed:
        said.append(f"{len(photographed):,} row{'s' if len(photographed) != 1 else ''} of the catalogue left out for "
                    f"want of a photo {'have' if len(photographed) != 1 else 'has'} one now (ids "
                    f"{first_few(photographed, 5)})")
    return "; ".join(said)


def photos_gone(rec: Recommender, sample: int = 16) -> list[int]:
    """The ids, of up to ``sample`` catalogue products spread over the index, whose photo file is gone: a cheap
    look for a server's /health (16 file checks), where :func:`missing_photos` checks them all."""
    if not len(rec.items):      # every product removed: /health answered a 500 (an API fuzz)
        return []
    spread = np.unique(np.linspace(0, len(rec.items) - 1, min(sample, len(rec.items))).astype(int))
    catalogue = spread[~added_since_build(rec.items.iloc[spread]).to_numpy()]
    return [i for i, _ in _photos_gone_at(rec, catalogue)]


def _photos_gone_at(rec: Recommender, rows: np.ndarray) -> list[tuple[int, str]]:
    """(id, path) of the products at ``rows`` whose photo file is gone."""
    paths = rec.items["image_path"].to_numpy()
    return [(int(rec._ids[r]), str(paths[r])) for r in rows if not os.path.exists(str(paths[r]))]


def stale_probabilities(rec: Recommender, sample: int = 16) -> str:
    """Why the index's stored predicted probabilities differ from what its tagger gives now (a calibration
    fitted or changed after the build: same weights, other temperatures; or the group and category read from
    the type otherwise, :mod:`fashionrec.levels`), or "" when they agree. An index
    built before manifests recorded the temperatures is checked on a sample of its catalogue photos."""
    levels = rec.manifest.get("model", {}).get("levels_sha256")
    if (levels or "") != levels_fingerprint(rec.tagger.levels):
        # An index built before stop 45 has each head's own group and category; the model reads them from its
        # type now (fashionrec.levels), and the product page compares them with the catalogue's.
        return ("the model reads its group and category from its type otherwise than when the index was built, "
                "so its stored predicted groups and categories are stale")
    built = rec.manifest.get("model", {}).get("temperature")
    now = calibration_temperatures(rec.tagger)
    if built == now or built is None and not now:
        return ""
    if built is None and "pred_articleType_prob" in rec.items:
        from fashionrec.data import images_to_tensor

        paths = rec.items["image_path"].astype(str).map(Path)
        # The first photos that exist, not a stat of every one of 40k files to keep 16.
        rows = list(itertools.islice((r for r, p in enumerate(paths) if p.is_absolute() and p.is_file()), sample))
        if rows:
            _, probs = rec.tagger.infer(images_to_tensor([open_rgb(paths.iloc[r]) for r in rows]))
            fresh = predicted_frame(rec.tagger, probs)["pred_articleType_prob"].to_numpy(float)
            if np.allclose(fresh, rec.items["pred_articleType_prob"].to_numpy(float)[rows], atol=1e-3):
                return ""
    return (f"the model's calibration changed since the index was built (temperatures "
            f"{built if built is not None else 'not recorded'} -> {now}), so its stored predicted probabilities "
            "are stale")


def catalogue_not_index(index_dir: Path) -> str:
    """What a command given a catalogue folder (styles.csv, no manifest.json) for its index says. It was told to
    build an index into the catalogue's own folder (a new user's trial, stop 65; `serve`'s own check still said so
    at stop 68): the two folders are named apart."""
    here = "" if index_dir.is_absolute() else f"here: {index_dir.resolve()}; "
    return (f"{index_dir} is a catalogue (styles.csv), not an index ({here}manifest.json missing): give the folder "
            f"`fashionrec index build` wrote, or build one with `fashionrec index build {index_dir} --out runs/index`")


def rebuild_command(index_dir: str | Path, tagger: Tagger | str | Path | None, data: str | Path | None = None,
                    manifest: dict | None = None) -> str:
    """`fashionrec index build` as it rebuilds ``index_dir`` with ``tagger`` (or the model file at that path): with
    its --model unless it is the shipped model (the build's default). Without it, `index check`'s advice rebuilt a
    shop's index with the shipped model, and its server, given the shop's, served on the old one (an integrator's
    trial).

    Without ``data``, the catalogue ``manifest`` records the index was built from, where it still holds a
    styles.csv: a new user's trial (stop 68) was told `DATA_DIR` of an index whose manifest named the folder."""
    if data is None and manifest and manifest.get("data_dir"):
        built_from = Path(str(manifest["data_dir"]))
        data = built_from if table_path(built_from).is_file() else None
    named = tagger.path if isinstance(tagger, Tagger) else tagger
    path = Path(named) if named else None
    model = f" --model {path}" if path is not None and path.resolve() != SHIPPED_MODEL.resolve() else ""
    return f"`fashionrec index build {data or 'DATA_DIR'}{model} --out {index_dir}`"


def _delta_refused(index_dir: Path, manifest: dict, why: str) -> VectorIndexError:
    """``why`` a folder's vector index (its ``vectors.faiss`` or a generation's delta of it) is not the one its
    manifest names, with what to do: a rebuild, which loses no product (it reads the products added since the build
    from the generation's own files, checked against the manifest, and their photos; it reuses the catalogue's
    embeddings). Nothing is written to the folder by the load that says it."""
    record = manifest.get("delta") or {}
    csv = f"{delta_names(int(record['generation']))[0]} and " if record else ""
    model = (manifest.get("model") or {}).get("path")
    return VectorIndexError(f"{why}; nothing was changed: rebuild it with "
                            f"{rebuild_command(index_dir, model, manifest=manifest)}, which keeps the products "
                            f"added since its build (their rows are in {csv}items.csv, their photos in its images/) "
                            f"and reuses the catalogue's embeddings{_stock_lost(index_dir, record)}")


def _stock_lost(index_dir: Path, record: dict) -> str:
    """What the rebuild :func:`_delta_refused` advises does with the stock levels a generation carries (set by
    `index stock` or the API since the last full save, stop 68): kept, where the build recorded the levels
    styles.csv gave it (:data:`fashionrec.stock_kept.BUILT_STOCK`), unless the file's value changed since; read
    from styles.csv again otherwise (an index built before that record), which the message said nothing of (stop
    68's integration review: a sold-out product was available again)."""
    from fashionrec.stock_kept import BUILT_STOCK

    n = int(record.get("stock") or 0)
    if not n:
        return ""
    if (index_dir / BUILT_STOCK).is_file():
        return (f"; it keeps the {n} stock level{'s' if n != 1 else ''} set since (`fashionrec index stock`, "
                "PUT /api/stock) unless styles.csv's value for the product changed since")
    return (f"; it reads the stock levels from the catalogue again: the {n} set since (`fashionrec index stock`, "
            "PUT /api/stock) are in none of its files, so set them again after it")


def _check_same_model(index_dir: Path, manifest: dict, tagger: Tagger, missing: bool) -> None:
    """Refuse a tagger other than the one that embedded the index: its photo embeddings would not be
    comparable with the index's, even at the same dimension (e.g. an index built with the shipped model,
    after an update replaced that file)."""
    built_by = manifest.get("model") or {}
    if built_by.get("sha256") and tagger.sha256:
        same = tagger.sha256 == built_by["sha256"]
    else:       # an index or a model without a fingerprint: the names are what there is to compare
        same = not built_by.get("name") or tagger.name == built_by["name"]
    if same and built_by.get("embedding_sha256") and built_by["embedding_sha256"] != embedding_sha256(tagger):
        # The same weights blended otherwise (an ensemble re-weighted into the same folder): served, its photo
        # queries were at cosine 0.63 to their own products' stored vectors (a review).
        raise ModelError(f"index {index_dir} was built by model {built_by.get('name')} described otherwise than "
                         f"{tagger.path or tagger.name} is now (an ensemble's blend weights, its members or "
                         "preprocessing: what its embeddings depend on): rebuild the index with this model "
                         f"({rebuild_command(index_dir, tagger, manifest=manifest)}), or give the model as it was")
    if same:
        return
    was = f"index {index_dir} was built by model {built_by.get('name')} ({built_by.get('path')}"
    if missing:
        why = f"{was}, now missing); the shipped model, {tagger.name}, is another model"
    else:
        why = f"{was}), but the model to serve it, {tagger.name} ({tagger.path}), has other weights"
    rebuild = rebuild_command(index_dir, tagger, manifest=manifest)
    raise ModelError(f"{why}: rebuild the index with this model ({rebuild}), or give the "
                     "checkpoint the index was built with (--model; Python: model=)")


class Recommender(IndexBuilding, CatalogueEdits, ProductEdits, ItemTables, TextSearch, Outfits, Profiles):
    """Recommendations over an index folder; build with :meth:`build`, open with :meth:`load`.

    Example:
        >>> rec = Recommender.load("runs/index")                    # doctest: +SKIP
        >>> [r.id for r in rec.similar(15970, k=3)]                 # doctest: +SKIP
        [9646, 9645, 10795]
    """

    def __repr__(self) -> str:
        return (f"Recommender({str(self.index_dir)!r}: {len(self.items):,} products, model {self.tagger.name}, "
                f"{self.index.kind} index)")

    def __init__(self, index_dir: Path, manifest: dict, items: pd.DataFrame, embeddings: np.ndarray,
                 text_embeddings: np.ndarray, index: VectorIndex, tagger: Tagger,
                 projection: Projection | None = None):
        self.index_dir = Path(index_dir)
        self.manifest = manifest
        self.items = items                       # indexed by id
        self.embeddings = embeddings             # (n, d) float32, rows aligned with items
        self.text_embeddings = text_embeddings   # (n, 384) float32
        self.index = index
        self.projection = projection             # None: the index holds the embeddings themselves
        self.tagger = tagger
        self.embedder = Embedder(tagger)
        # {} = rank by the embedding alone (e.g. to measure what the attribute terms add)
        self.attribute_weights = dict(ATTRIBUTE_WEIGHTS)
        self.family_weights = dict(FAMILY_WEIGHTS)
        self.kind_weight = KIND_WEIGHT
        self.neighbour_vote = NEIGHBOUR_VOTE["weight"]
        self._stamp = manifest_stamp(manifest)     # which version of the folder this object holds
        self._disk_seen: tuple[tuple, bool] | None = None     # changed_on_disk's last look: (mtime, stamp), answer
        self._manifest_missing_since: float | None = None     # time.monotonic() a look first found no manifest
        self._build_lock = threading.RLock()   # lazy tables: one builder at a time (see _once)
        # Searches from several threads while a product goes in or out (see READS): a Python service's own threads
        # searched while add_product put its vector into the live FAISS index, and the process died (SIGSEGV).
        self.lock = RWLock()
        # The unfamiliar-photo threshold of an older index, computed once: a product added later moves it
        # by nothing worth 3 s per addition.
        self._floor: float | None = None
        # The base files a save writes its generation beside (index_delta): known once loaded or saved in full.
        self._base_files: Base | None = None
        self._reindex()

    # ---- building and loading -----------------------------------------------------------------

    @classmethod
    def load(cls, index_dir: str | Path, model: str | Path | Tagger | None = None, uri: str | None = None,
             token: str | None = None, mapped: bool = False, weights_on_use: bool = False) -> Recommender:
        """Open an index folder. ``model``: None = the manifest's model if it exists, else the shipped one.

        ``uri`` / ``token``: for a Milvus index, where its collection lives now (default: as built).
        ``mapped``: its embeddings and text embeddings memory-mapped read-only, for a load that queries and never
        changes it (``index_delta.read_files``).
        ``weights_on_use``: the model's weights read (and torch imported) when a photo is first read through it, not
        now: a query by id, a look or ``index check`` needs its description alone (``Tagger.load``).
        """
        if not isinstance(index_dir, (str, Path)):     # None was pathlib's TypeError (a trial)
            raise BadInputError(f"give the index folder as a path (e.g. runs/index, written by `fashionrec index "
                                   f"build`), not {index_dir!r}")
        if Path(index_dir).exists() and not Path(index_dir).is_dir():
            raise VectorIndexError(f"{index_dir} is a file, not an index folder: give the folder an index was built "
                                   "into (`fashionrec index build DATA_DIR --out FOLDER`)")
        manifest_path = Path(index_dir) / "manifest.json"
        attempt = 1
        while True:
            before = _mtime(manifest_path)
            items_before = file_identity(Path(index_dir) / "items.csv")
            try:
                rec = cls._load_once(index_dir, model, uri, token, mapped, weights_on_use)
                # items.csv is the first file a save moves in (change_intent.move_order): replaced while the
                # files were read, some of them may be the next version's, under a manifest not yet moved in.
                same = _mtime(manifest_path) == before and file_identity(Path(index_dir) / "items.csv") == items_before
                if same or attempt == LOAD_ATTEMPTS:
                    return rec
                # Saved or rebuilt while it was read: its files may be of two versions (the items of one, the
                # vectors of the other, with as many rows: a code review's trial). Read again.
                attempt += 1
                continue
            except VectorIndexError:
                # A server saving an added product moves its files in one by one (manifest last): files
                # read during those moments disagree. Read again once the manifest has moved in (waiting
                # up to a second for it); a folder that is simply inconsistent raises after that wait.
                deadline = time.monotonic() + 1.0
                while _mtime(manifest_path) == before and time.monotonic() < deadline:
                    time.sleep(0.02)
                if attempt == LOAD_ATTEMPTS or _mtime(manifest_path) == before:
                    raise
                attempt += 1

    @classmethod
    def _load_once(cls, index_dir: str | Path, model: str | Path | Tagger | None, uri: str | None,
                   token: str | None, mapped: bool = False, weights_on_use: bool = False) -> Recommender:
        # A change a process was killed in the middle of is finished or taken back first (change_intent).
        with recovering(index_dir) as recovery:
            return cls._load_files(Path(index_dir), model, uri, token, recovery, mapped, weights_on_use)

    @classmethod
    def _load_files(cls, index_dir: Path, model: str | Path | Tagger | None, uri: str | None, token: str | None,
                    recovery, mapped: bool = False, weights_on_use: bool = False) -> Recommender:
        if recovery is not None:
            recovery.finish_move()
        manifest_path = index_dir / "manifest.json"
        if not manifest_path.exists():
            # A relative folder is read from the working folder: said, as `--index runs/index` typed in another
            # folder than the checkout's read as though the shipped index were gone (a maintainer's trial).
            here = "" if index_dir.is_absolute() else f"here: {index_dir.resolve()}; "
            if table_path(index_dir).is_file():      # styles.csv, or the table its columns.json names
                raise VectorIndexError(catalogue_not_index(index_dir))
            raise VectorIndexError(f"no index at {index_dir} ({here}manifest.json missing): build one with `fashionrec "
                                   f"index build DATA_DIR --out {index_dir}`, or give the folder an index was built "
                                   "into")
        manifest = read_json(manifest_path)
        if not isinstance(manifest, dict):
            raise DamagedFileError(f"{manifest_path} is not an index manifest (a JSON object): rebuild the index with "
                                   "`fashionrec index build`")
        def read(name: str, how):
            """``how(path)`` of the index's file ``name``; a missing or damaged file said by its name (the
            folder alone left a user to guess which of its files to look at: a code review)."""
            path = index_dir / name
            try:
                return how(path)
            # EOFError: an empty .npy file, which click took for a Ctrl-C ("Aborted.", exit 1: a code review).
            except (OSError, EOFError, ValueError) as e:
                raise VectorIndexError(f"index {index_dir} is incomplete or damaged: {path} "
                                       f"({type(e).__name__}: {e}); rebuild it with `fashionrec index build`") from e

        # The base files with the manifest's generation applied (index_delta): a save writes only what changed.
        items, embeddings, text_embeddings, base = read_files(index_dir, manifest, read, mapped=mapped)
        # An id that is no whole number (a row edited by hand) said here, not as pandas' error at the end.
        if "id" not in items or len(items) and not pd.api.types.is_integer_dtype(items["id"]):
            bad = items["id"][pd.to_numeric(items["id"], errors="coerce").isna()].tolist() if "id" in items else []
            raise DamagedFileError(f"{index_dir / 'items.csv'} has ids that are no whole numbers "
                                   f"({first_few(bad, 5) if bad else 'no id column'}): rebuild the index with "
                                   "`fashionrec index build`")
        unpriced = unpriced_on_load(items)
        if unpriced:
            # Said, not refused: the catalogue keeps such a row without a price (`data check` lists it), and one
            # price edited by hand should not stop a shop's server. Said once per version of the file (stop 68):
            # every load said it again until the file was saved whole or rebuilt.
            shown = ", ".join(f"id {i}: {v!r}" for i, v in list(unpriced.items())[:5])
            said = first_time(index_dir / "items.csv", f"unpriced {sorted(unpriced.items())}")
            (log.warning if said else log.debug)(
                "%s has %d price%s that %s no amount of 0 or more (%s%s), read as no price, as a styles.csv price "
                "is: correct %s, or rebuild the index (`fashionrec index build`); said once for this version of the "
                "file", index_dir / "items.csv", len(unpriced), "s" if len(unpriced) != 1 else "",
                "are" if len(unpriced) != 1 else "is", shown, " ..." if len(unpriced) > 5 else "",
                "them" if len(unpriced) != 1 else "it")
        projection = Projection.load(index_dir) if manifest.get("projection") else None
        if projection and projection.in_dim != embeddings.shape[1]:
            raise VectorIndexError(f"index {index_dir} is inconsistent: {embeddings.shape[1]}-d embeddings but a "
                              f"{projection.in_dim} -> {projection.out_dim} projection; rebuild it")
        try:
            index = open_index(index_dir, uri=uri, token=token)
        except DeltaMismatchError as e:
            raise _delta_refused(index_dir, manifest, str(e).removesuffix("; rebuild it (`fashionrec index build`)")
                                 ) from e
        record = manifest.get("delta") or {}
        if isinstance(index, FaissIndex) and index.generation is not None \
                and index.generation != record.get("generation"):
            # A generation's vectors.json moved in before its manifest (a load reads again once that is in).
            raise VectorIndexError(f"index {index_dir} is inconsistent: its vectors.json names generation "
                                   f"{index.generation}, its manifest {manifest.get('generation')}; rebuild it")
        named = (record.get("files") or {}).get(faiss_delta_file(int(record["generation"]))) if record else None
        if isinstance(index, FaissIndex) and named is not None and named != index.delta_sha256:
            # The manifest is the commit point: the vector index's delta it names, and no other, is this version's
            # (a vectors.json with its delta from another save was served; stop 68). Its bytes were hashed once,
            # by the load, against vectors.json's sha256: compared here, not hashed again.
            raise _delta_refused(index_dir, manifest, f"index {index_dir} is inconsistent: its vector index's "
                                 f"{'delta ' + str(index.generation) if index.generation else 'file'} is not the "
                                 f"{faiss_delta_file(int(record['generation']))} its manifest names")
        search_dim = projection.out_dim if projection else embeddings.shape[1]
        if index.dim != search_dim:
            raise VectorIndexError(f"index {index_dir} is inconsistent: its vector index is {index.dim}-d, not "
                              f"{search_dim}-d ({'projected' if projection else 'the embeddings'}); rebuild it")
        if recovery is not None and len(items) == len(embeddings) == len(text_embeddings):
            ids = pd.to_numeric(items["id"]).to_numpy(np.int64)

            def vectors(rows: np.ndarray) -> np.ndarray:
                v = np.asarray(embeddings[rows], np.float32)
                return projection(v) if projection is not None else v

            recovery.settle(manifest, index, ids, vectors,
                            lambda rows: filter_attrs(items, rows),
                            read_json(index_dir / "vectors.json").get("collection"))
        if not (len(items) == len(embeddings) == len(text_embeddings) == len(index)):
            unfinished = ("; it holds a change stopped part-way that this process could not finish (another process "
                          f"holds {index_dir / '.change.lock'}, the folder cannot be written, or it is a copy of "
                          f"another folder: {index_dir / INTENT} says which)") if read_intent(index_dir) else ""
            owner = None if unfinished else _copied_from(index, index_dir)     # (else said by the intent)
            if owner is not None:   # the folder is fine; its collection took the other folder's changes since
                raise VectorIndexError(
                    f"index {index_dir} is a copy of the index folder {owner}, whose changes the Milvus collection "
                    f"{index.collection} they share has taken since the copy was made ({len(items)} items here, "
                    f"{len(index)} indexed): copy {owner} again, or build this folder again for a collection of its "
                    f"own (`fashionrec index build DATA_DIR --out {index_dir} --backend milvus`)")
            raise VectorIndexError(f"index {index_dir} is inconsistent: {len(items)} items, {len(embeddings)} "
                              f"embeddings, {len(text_embeddings)} text embeddings, {len(index)} indexed{unfinished}; "
                              "rebuild it")
        built_by = manifest.get("model") or {}
        named = built_by.get("path")
        missing = model is None and bool(named) and not Path(named).exists()   # then the shipped model
        if isinstance(model, Tagger):
            tagger = model
        else:
            tagger = Tagger.load(named if model is None and named and not missing else model,
                                 weights_on_use=weights_on_use)
        _check_same_model(index_dir, manifest, tagger, missing)
        if tagger.dim != embeddings.shape[1]:
            raise ModelError(f"model {tagger.name} makes {tagger.dim}-d embeddings but index {index_dir} holds "
                             f"{embeddings.shape[1]}-d ones (built by {built_by.get('name', 'another model')}): "
                             "load it with the model it was built with, or rebuild it with `fashionrec index build`")
        items["id"] = items["id"].astype(np.int64)
        rec = cls(index_dir, manifest, items.set_index("id", drop=False), embeddings.astype(np.float32, copy=False),
                  text_embeddings.astype(np.float32, copy=False), index, tagger, projection)
        rec._base_files = base
        return rec

    def save(self, full: bool = False) -> None:
        """Write the index folder after a change (``add_product``): all of its files or none.

        Every file is first written into a staging folder inside the index folder; only when all are
        written are they moved in, the manifest last, so a failure part-way (a full disk) leaves the
        previous set whole. The folder must still hold the version this object was loaded from: an index
        rebuilt into it since then (``fashionrec index build`` while a server runs) is never overwritten.
        Where it can, the save writes only the rows changed since the base files, as a generation of its own
        (:mod:`fashionrec.index_delta`); with ``full``, or past the delta's limits, every file anew.
        """
        d = self.index_dir
        d.mkdir(parents=True, exist_ok=True)
        self._check_not_replaced()
        stage = private_temp_dir(d, ".staging.")   # and clears staging folders a crashed save left
        try:
            items = self.items
            if "year" in items:     # whole years, as the build wrote them: a column with gaps reads back as float,
                # and a product added since wrote 2013.0 (an ML engineer's trial)
                items = items.assign(year=pd.to_numeric(items["year"], errors="coerce").astype("Int64"))
            base = self._base_files
            # (A stock level set, CatalogueEdits.set_stock, is a generation's too: index_delta.stock_changes.)
            delta = None if full else delta_of(base, self._ids, tuple(items.columns))
            generation = int(self.manifest.get("generation") or 0) + 1
            try:
                manifest = {k: v for k, v in self.manifest.items() if k != "delta"}
                if delta is None:
                    items.to_csv(stage / "items.csv", index=False)
                    for name, arr in (("embeddings.npy", self.embeddings),
                                      ("text_embeddings.npy", self.text_embeddings)):
                        with open(stage / name, "wb") as f:
                            np.save(f, arr)
                else:
                    if base.items_sha256 is None:   # the folder's items.csv is the base: the version is checked
                        base.items_sha256 = file_sha256(d / "items.csv")
                    manifest["delta"] = write_delta(stage, generation, delta, items, self._ids, self.embeddings,
                                                    self.text_embeddings, base, base.items_sha256)
                if delta is not None and isinstance(self.index, FaissIndex):
                    # vectors.faiss left as it is too, where it can be: its changes in the generation (stop 66)
                    self.index.save(stage, over=d, generation=generation)
                    if self.index.generation_written is not None:     # (its sha256 as the save hashed it)
                        manifest["delta"]["files"][faiss_delta_file(generation)] = self.index.written_sha256
                else:
                    self.index.save(stage)
                if self.projection is not None and delta is None:
                    # (a generation's: the folder's, the one it was loaded with; 2.6 MB at 40k, stop 66)
                    self.projection.save(stage)
                manifest.update(count=len(self.items), highest_id=self._highest_id(), generation=generation,
                                updated=_dt.datetime.now(_dt.UTC).isoformat(timespec="microseconds"))
                write_json(stage / "manifest.json", manifest)
            except OSError as e:
                # A full disk was a 500 "internal error (OSError)" from the API, and numpy's "1052160 requested
                # and 825312 written" from `index add` (an operator's trial): nothing said the disk was full.
                if not out_of_space(e):
                    raise
                shutil.rmtree(stage, ignore_errors=True)     # its space, before the free space is said
                size = max(_folder_mb(d), (self.embeddings.nbytes + self.text_embeddings.nbytes) / 1e6)
                raise NoSpaceError(f"cannot save the index in {d}: no space left on its disk ({free_space(d)}; a save "
                                   f"writes the index's {size:.0f} MB of files anew beside them): free some space and "
                                   "try again; the index there is unchanged") from e
            self._check_not_replaced()
            staged = sorted(p.name for p in stage.iterdir() if not p.name.startswith("."))
            # On the disk before the intent says to move them in: after a power cut, the next load finishes the
            # move from the stage, which must then hold whole files, not names of data never written.
            sync_tree(stage)
            # Every file is written: a process killed while they move in leaves the next load to finish the move
            # (it left the new embeddings beside the old items, "inconsistent; rebuild it": a code review).
            begun = read_intent(d)
            write_intent(d, **{**(begun or {}), "phase": "move", "stage": stage.name, "names": staged})
            try:
                _move_in(stage, staged, d)
            except BaseException:
                # Put back as it was (an add's, which its undo then clears): the move was taken back, or the
                # manifest went in, and the change with it.
                try:
                    went_in = manifest_stamp(read_json(d / "manifest.json")) != self._stamp
                except (OSError, ValueError):
                    went_in = False
                if begun is None or went_in:
                    clear_intent(d)
                else:
                    write_intent(d, **begun)
                raise
            clear_intent(d)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        self.manifest = manifest
        self._stamp = manifest_stamp(manifest)
        if isinstance(self.index, FaissIndex):
            self.index.saved_in(d)
        if delta is None:       # the files written are the base from here on
            self._base_files = Base(self._ids.copy(), tuple(items.columns), None,
                                    self.embeddings.nbytes + 128 > MMAP_ABOVE, base_stock(items))
        drop_other_generations(d, manifest)     # after the manifest that no longer names them: a kill leaves them

    def _once(self, attr: str, build):
        """``self.<attr>``, built by ``build()`` the first time it is asked for: by one thread, while any
        other waits for it (a server's first searches after a start or an added product would otherwise
        each build the same tables)."""
        value = getattr(self, attr)
        if value is None:
            with self._build_lock:
                value = getattr(self, attr)
                if value is None:
                    value = build()
                    setattr(self, attr, value)
        return value

    def warm_search(self, with_looks: bool = True) -> None:
        """Build the word-search tables now (a second or two at 40k products) rather than in a request, the
        looks' tables of the catalogue (the first product page after a start or a change waited half a second
        for them), the per-row tables similar items, looks and profiles read (the first similar items after a
        change took 0.16 s, a look 0.08, at 40k), and the unfamiliar-photo threshold of an index built before it
        was stored. ``with_looks=False`` leaves out the categories looks file products under, which read the
        vector index (:meth:`_prepared`)."""
        if with_looks:
            self._look_categories()
        self._named_otherwise()
        self._looks_otherwise()
        self._words().catalogue_words()
        self._words().warm_names()       # name_text and its rows for regular expressions
        self._words().denying([])       # the "Non Leather" table: 0.18 s at 40k, was the first search's
        self._names()
        self._brand_words()      # the brands' tables, one-word and two-word
        self._name_word_counts()     # the similar items' cards' rare words (0.3 s at 40k names)
        self._set_aside()
        self._name_kinds()
        self._infants()
        self._printed()
        self._free_items()
        self._all_columns()
        self._photo_groups()        # a listing's copies of one photo after the rest: every catalogue page reads it
        # What a product page's similar items, a look and a profile's picks read besides (the first profile of 200
        # saved products after a server's start built them: 0.67 s where the next took 0.41, stop 73).
        self._colourway_keys()
        self._type_sizes()
        self._colours_said(None)
        self._usage_key()
        self._clogs()
        for head in FILTER_KEYS:
            self._labels(head)
        for wearer in ("Men", "Women", "Unisex", "Boys", "Girls", "child", ""):
            self._worn_by(wearer)
        # ("rule_type", the type a look's rules read a shop's own type name as, reads the items alone: warmed on a
        # change's copy too.)
        for column in (*(k for k in (*FILTER_KEYS, "pred_baseColour") if k in self.items), "rule_type",
                       *(["look"] if with_looks else []),
                       *(f"label:{head}" for head in ("articleType", "baseColour", "gender"))):
            self._value_index(column)
        self.unfamiliar_below()

    def _prepared(self, after: tuple, manifest: dict, edited: tuple[set[str], list[int]] | None = None) -> dict:
        """The tables :meth:`warm_search` builds, of the items ``after`` (items, embeddings, text embeddings),
        built on a copy of this recommender before they go in: built after, by the searches, they held a
        server's searches up (word search 1.9 s at 40k products, an integrator's trial; the first similar items
        0.28-0.34 s, benchmarks/bench_reload.py). Returns the attributes to put in place with ``after``. Not the
        categories looks file products under: a freebie takes its nearest products' in the vector index, which
        holds the change only once it goes in (an added sari's freebie kept no look, a code review); built after
        it, by the server's refresh or the first look (0.05 s at 40k). ``edited``: (the fields, the rows) an edit
        changed, where the change is one: the tables that read none of them are this one's, taken, not built
        (:func:`~fashionrec.edit_tables.kept_tables`)."""
        shadow = copy.copy(self)
        shadow._build_lock = threading.RLock()     # its own: this one's searches go on meanwhile
        shadow.lock = RWLock()
        shadow.items, shadow.embeddings, shadow.text_embeddings = after
        shadow.manifest = manifest
        shadow._reindex()
        kept = {} if edited is None else kept_tables(self, shadow.items, shadow._value_tables(), *edited)
        vars(shadow).update(kept)
        shadow.warm_search(with_looks=False)
        for name in ("_edit_base", "_edited_rows", "_names_before"):     # the tables before: let go
            setattr(shadow, name, None)
            kept.pop(name, None)
        mine = vars(self)
        # Not this one's word search kept as the one before (_reindex, when the change goes in): these replace it.
        # The tables kept are this one's, put back after that _reindex clears them.
        return {k: v for k, v in vars(shadow).items()
                if k not in ("_build_lock", "lock", "items", "embeddings", "text_embeddings", "manifest")
                and (v is not mine.get(k) or k in kept)} | {"_words_before": None, "_types_before": None}

    def unfamiliar_below(self) -> float | None:
        """The cosine to the closest product below which a photo is unfamiliar (:func:`familiar_floor`),
        from the manifest, or computed once for an index built before it was stored there."""
        if self.manifest.get("unfamiliar_below") is not None:
            return self.manifest["unfamiliar_below"]
        # None stored: the index was too small then (familiar_floor); it may have grown by `index add`.
        return self._once("_floor", lambda: familiar_floor(self.embeddings))

    def changed_on_disk(self) -> bool:
        """Whether another process saved the index folder since this object loaded it (`fashionrec index
        add/remove/build` beside a server): what it serves is not what the folder holds."""
        path = self.index_dir / "manifest.json"
        # Read again only when the file or what this object holds changed: a monitor polls /health, and the
        # manifest of a catalogue with many removals is 65 KB or more.
        key = (_mtime(path), self._stamp)
        if key[0] is not None:      # there (again: a folder put back keeps its files' times, so the answer kept)
            self._manifest_missing_since = None
        if self._disk_seen is not None and self._disk_seen[0] == key:
            return self._disk_seen[1]
        try:
            on_disk = read_json(path)
            # A manifest that is no JSON object (null, a list) is no index either: changed, not a 500 (a review).
            changed = key[0] is not None and (not isinstance(on_disk, dict) or manifest_stamp(on_disk) != self._stamp)
        except OSError:     # gone for the moment a rebuild swaps the folder in: said at the next look
            if self._manifest_missing_since is None:
                self._manifest_missing_since = time.monotonic()
            return False
        except ValueError:      # damaged (saves are atomic): not what was loaded (an operator saw no sign)
            changed = True
        self._disk_seen = (key, changed)
        return changed

    def gone_from_disk(self) -> float:
        """Seconds for which the index folder's manifest has been missing at every look of :meth:`changed_on_disk`
        (0 while it is there): a folder moved or deleted under a server that serves on from memory, until a restart
        finds nothing."""
        self.changed_on_disk()
        since = self._manifest_missing_since
        return 0.0 if since is None else time.monotonic() - since

    def _check_not_replaced(self) -> None:
        path = self.index_dir / "manifest.json"
        if not path.exists():
            return
        on_disk = read_json(path)
        if manifest_stamp(on_disk) != self._stamp:
            raise ChangedOnDiskError(
                f"index {self.index_dir} changed on disk since it was loaded (now built {on_disk.get('date')}, "
                f"{on_disk.get('count')} items, updated {on_disk.get('updated') or 'never'}; loaded: built "
                f"{self.manifest.get('date')}, {self.manifest.get('count')} items, updated "
                f"{self.manifest.get('updated') or 'never'}): another process rebuilt it or added or removed "
                "products (`fashionrec index build/add/remove`); nothing was written over it. Load the index again "
                "(run the command again, or Recommender.load in Python; a server loads it by itself unless it "
                "cannot serve it, as its log says) and make the change again")

    def _adopt_saved(self, manifest: dict) -> None:
        """Take ``manifest``, which a save of this object's state put in the folder, as the version loaded."""
        self.manifest = manifest
        self._stamp = manifest_stamp(manifest)
        if not manifest.get("delta"):   # saved in full: the base a generation would name is not the one known here
            self._base_files = None     # (the next save writes in full again)

    def _reindex(self) -> None:
        """Forget what was worked out from the items (they changed); a server's change puts in place the tables
        of the new items, built before they went in (:meth:`_prepared`)."""
        self._row = {int(i): r for r, i in enumerate(self.items["id"].to_numpy())}
        self._ids = self.items["id"].to_numpy(dtype=np.int64)
        # The room an add alone appends into (CatalogueEdits._with_row), let go once the arrays are no longer in it
        # (a removal's are new arrays): kept, it held a second copy of the embeddings for nothing.
        spare = self.__dict__.get("_spare") or {}
        for name in [n for n, buf in spare.items() if getattr(getattr(self, n, None), "base", None) is not buf]:
            del spare[name]
        self._cache: dict[int, dict] = {}
        # As the word search's below: the type words of the items before, until the next ones are built.
        self._types_before = (getattr(self, "_vocab", None) or {}).get("types") or getattr(self, "_types_before", None)
        self._vocab = None
        self._types_present: frozenset[str] | None = None     # the article types the items have
        # The word search of the items before, until the next one is built: an add's items are those with a row
        # after them, whose texts it reuses (WordSearch's ``earlier``).
        self._words_before: WordSearch | None = getattr(self, "_word_search", None) or \
            getattr(self, "_words_before", None)
        self._word_search: WordSearch | None = None    # browse's tables for this version of the items
        self._values: tuple[dict[str, list[str]], dict[str, dict[str, str]]] | None = None
        # ("label"|"code", head) -> per-row array; ("wearers", wearer) -> _wearers()'s mask
        self._codes: dict[tuple[str, str], np.ndarray] = {}
        self._negations: dict[str, tuple[str, list[list[str]]]] = {}     # TextSearch._negation()'s, the latest
        self._children: np.ndarray | None = None         # _childrens()
        self._look_category: np.ndarray | None = None
        self._rule_type: np.ndarray | None = None     # Outfits._rule_types()'s
        self._look_usage: str | None = None     # Outfits._usage_key()'s
        self._name_codes: np.ndarray | None = None
        self._free: np.ndarray | None = None
        # ItemTables._set_aside_rows()'s: the sold-out products (stock 0) among them, as a shopper is shown them by
        # default (stop 67); without them (_aside_base, _aside_shown_ids) where a call asks for sold-out products
        self._aside: np.ndarray | None = None
        self._aside_ids: frozenset[int] | None = None       # asked on every similar-items and photo query
        self._aside_base: np.ndarray | None = None
        self._aside_shown_ids: frozenset[int] | None = None
        self._sold_out: np.ndarray | None = None       # ItemTables.sold_out_rows()'s
        self._hidden: np.ndarray | None = None         # ItemTables.hidden_rows()'s
        self._left_out: np.ndarray | None = None       # ItemTables.hidden_sold_out()'s, sold-out products not asked for
        self._prices: tuple | None = None       # ItemTables.prices()'s, in a tuple (it may be None)
        self._price_scale: tuple | None = None  # ItemTables.price_scale()'s, in a tuple (it may be None)
        # ItemTables.on_sale()'s, in a tuple (it may be None): 1.9 ms a filtered search at 40k (stop 77). Not in
        # edit_tables' lists, so an edit builds it anew (a price or regular price edited changes it).
        self._on_sale: tuple | None = None
        self._years: tuple | None = None        # ItemTables.years()'s, in a tuple (it may be None)
        self._columns: dict[str, np.ndarray] | None = None   # _column()'s
        self._id_order: tuple[np.ndarray, np.ndarray] | None = None     # _rows()'s: sorted ids, their rows
        self._photo_group: np.ndarray | None = None    # _photo_groups()'s
        self._colourway_key: np.ndarray | None = None     # _colourway_keys()'s
        self._value_codes: dict[str, tuple[np.ndarray, dict]] = {}     # _is()'s
        # An edit's: {_codes key: the table before} and the rows edited, which alone _row_wise works out again
        self._edit_base: dict[tuple, np.ndarray] | None = None
        self._edited_rows: np.ndarray | None = None
        self._names_before: list[str] | None = None      # the edited rows' names before it
        # A look's candidate sets' means (Outfits._typical_and_affinity): a cache, not a table warm_search builds
        self._look_means: collections.OrderedDict[bytes, np.ndarray] = collections.OrderedDict()

    def _attribute_bonus(self, rows: np.ndarray, query: dict[str, np.ndarray | str],
                         wearers: np.ndarray | None = None, wearer: int | None = None) -> np.ndarray:
        """Per row: sum of weight x P(query has the row's label) over the heads of ``query``, less
        :data:`WRONG_WEARER` for a row outside ``wearers`` (:meth:`_wearers` of the product at row ``wearer``)
        when gender is weighed (:meth:`_wrong_wearer`).

        ``query[head]`` is either the query's (C,) label probabilities (a photo) or its known label (a
        catalogue item: P is 1 for the same label, else 0, compared as text so any label works).
        """
        bonus = np.zeros(len(rows), np.float32)
        for head, weight in self.attribute_weights.items():
            q = query.get(head)
            if not weight or q is None:
                continue
            if isinstance(q, str):
                labels = self._labels(head)[rows]
                bonus += weight * (labels == q)
                if head == "gender" and wearers is not None:
                    # A catalogue item's wearer is known: a women's jacket's similar items are women's or
                    # unisex jackets before men's in its colour (WRONG_WEARER outweighs the colour's bonus).
                    bonus -= self._wrong_wearer(rows, query, wearer) * ~wearers[rows]
            else:
                codes = self._label_codes(head)[rows]
                bonus += weight * np.where(codes >= 0, q[np.maximum(codes, 0)], 0.0)
        # A catalogue item's kind, for its wearer: a men's muffler gains nothing more as a women's muffler's
        # similar item than it did, and women's stoles come before it.
        worn = wearers[rows] if wearers is not None else True
        for head, weight in self.family_weights.items():
            if isinstance(query.get(head), str) and head in self.items:
                bonus += weight * ((self._labels(head)[rows] == query[head]) & worn)
        if wearers is not None and query.get("subCategory") in FRAGRANCE_SUBCATEGORIES and "subCategory" in self.items\
                and query.get("gender") in ("Men", "Women") and wearer is not None and not self._childrens()[wearer]:
            # The other grown-ups' fragrances (FRAGRANCE_SUBCATEGORIES): its kind, not its wearer's category.
            grown = np.isin(self._labels("gender")[rows], ["Men", "Women", "Unisex"]) & ~self._childrens()[rows]
            others = grown & ~worn
            bonus += self.family_weights.get("subCategory", 0.0) * \
                ((self._labels("subCategory")[rows] == query["subCategory"]) & others)
        return bonus

    def _kind_bonus(self, rows: np.ndarray, kind: int) -> np.ndarray | float:
        """Per row, :data:`KIND_WEIGHT` where its name says the kind the product at row ``kind``'s does (a polo)."""
        if not self.kind_weight:
            return 0.0
        kinds = self._name_kinds()
        return self.kind_weight * (kinds[rows] == kinds[kind])

    def _wrong_wearer(self, rows: np.ndarray, query: dict, wearer: int | None) -> np.ndarray | float:
        """What a catalogue item's (at row ``wearer``) similar item its wearer would not wear loses, per row:
        :data:`WRONG_WEARER`, or :data:`ACCESSORY_WRONG_WEARER` for another grown-up's accessory of the type of
        a grown-up's accessory (a child's takes children's products first, whatever its gender's label)."""
        if query.get("masterCategory") != "Accessories" or query.get("gender") not in ("Men", "Women") \
                or wearer is None or self._childrens()[wearer]:
            return WRONG_WEARER
        grown = np.isin(self._labels("gender")[rows], ["Men", "Women", "Unisex"]) & ~self._childrens()[rows]
        same = self._labels("articleType")[rows] == query.get("articleType")
        return np.where(grown & same, ACCESSORY_WRONG_WEARER, WRONG_WEARER)

    def _vote(self, rows: np.ndarray, cosines: np.ndarray, query: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The photo's label probabilities blended with its nearest items' labels (see :data:`NEIGHBOUR_VOTE`).

        ``rows`` / ``cosines``: the neighbours, nearest first. An item whose label the tagger does not know
        votes with its predicted label (:meth:`_label_codes`), or not at all.
        """
        m, b = NEIGHBOUR_VOTE["neighbours"], self.neighbour_vote
        if not b or not len(rows):
            return query
        w = np.exp((cosines[:m] - cosines[0]) / NEIGHBOUR_VOTE["temperature"])
        out = dict(query)
        for head, p in query.items():
            codes = self._label_codes(head)[rows[:m]]
            ok = codes >= 0
            if not ok.any():
                continue
            votes = np.bincount(codes[ok], weights=w[ok], minlength=len(p))
            out[head] = (1 - b) * p + b * votes / votes.sum()
        return out

    def _likeliest_copy(self, rows: np.ndarray, cosines: np.ndarray, attrs: dict[str, np.ndarray]) -> int:
        """Of the candidates (``rows``, nearest first) that are copies of a photo (cosine at least
        :data:`NEAR_DUPLICATE`), the position of the one whose labels the photo's ``attrs`` (a head's (C,)
        probabilities) make likeliest: its type first, then its other labels together (colour, wearer, usage ...),
        then the one the catalogue lists first (a product added from another's photo comes after it). Not the vector
        index's order: two products of one photo, one added from the other's, were listed either way, and the photo
        took the labels of whichever came first (a new user's trial)."""
        copies = np.flatnonzero(cosines >= NEAR_DUPLICATE)
        if len(copies) < 2:
            return 0

        def agreeing(head: str, unknown: float) -> np.ndarray:
            probs = attrs.get(head)
            if probs is None or isinstance(probs, str):
                return np.zeros(len(copies))
            codes = self._label_codes(head)[rows[copies]]
            return np.where(codes >= 0, probs[np.maximum(codes, 0)], unknown)

        rest = sum((agreeing(h, 0.0) for h in attrs if h != "articleType"), np.zeros(len(copies)))
        # lexsort: the last key first; the type's and the rest's likelihoods high first, then the lower row.
        return int(copies[np.lexsort((rows[copies], -rest, -agreeing("articleType", -1.0)))[0]])

    def photo_owners(self, query: PhotoQuery) -> list[int]:
        """The ids of the indexed products whose photo ``query`` is (at :data:`NEAR_DUPLICATE` or nearer), the one
        whose labels it takes first (:meth:`_likeliest_copy`); [] for a photo of none."""
        if query.closest is None or query.closest < NEAR_DUPLICATE:
            return []
        ids, scores = self._neighbours(query.vector, COPIES_LOOKED_AT, None, set(query.excluded) | self._set_aside())
        ids, scores = ids[scores >= NEAR_DUPLICATE], scores[scores >= NEAR_DUPLICATE]
        if not len(ids):
            return []
        first = self._likeliest_copy(self._rows(ids), scores, {h: p[0] for h, p in query.probs.items()})
        return [int(ids[first]), *(int(i) for j, i in enumerate(ids) if j != first)]

    def _known_labels(self, item_id: int) -> dict[str, str]:
        """{head: label} of an indexed item for the attribute-aware ranking (label, else prediction). A
        freebie's type ("Free Gifts") says nothing of what it is: it is ranked by the category its look takes
        it for instead (:meth:`_freebie_kind`: a Satya Paul sari given away had a watch first, "Same type")."""
        row = self._row[item_id]
        labels = {head: str(self._labels(head)[row]) for head in [*self.attribute_weights, *self.family_weights]
                  if self._labels(head)[row]}
        if not self._free_items()[row]:
            return labels
        return {**{h: v for h, v in labels.items() if h not in ("articleType", *self.family_weights)},
                **self._freebie_kind(row)}

    def _freebie_kind(self, row: int) -> dict[str, str]:
        """{"subCategory": the category a freebie's look takes it for} where that is not its own (Free Gifts)."""
        filed, own = self._look_categories()[row], self._labels("subCategory")[row]
        return {"subCategory": filed} if filed and filed != own else {}

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, item_id: object) -> bool:
        """Whether a product of this id is in the index (``15970 in rec``, or ``"15970" in rec``, as
        :meth:`similar` reads an id: a notebook's ``"15970" in rec`` was False where ``rec.similar("15970")``
        worked); False for what names no id (``True``, ``15970.5``, ``"abc"``)."""
        try:
            return self._as_id(item_id) in self._row
        except BadInputError:
            return False

    # ---- items ------------------------------------------------------------------------------

    # ---- nearest neighbours -------------------------------------------------------------------
    def _neighbours(self, query: np.ndarray, k: int, filters: dict | None, exclude: set[int],
                    dedupe: bool = False, pool: int | None = None,
                    allow: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Up to ``pool`` (default k) ids/scores for one query vector, skipping ``exclude`` and, with
        ``dedupe``, near-duplicates of the query (another copy of the same photo); with ``allow`` ((n,) bool
        per row), only those rows.

        Filters go into the search itself: as attributes (``where``) where the index keeps them (Milvus),
        else as the ids they allow (FAISS); ``allow`` as the ids it allows.
        """
        want = pool or k
        filters = self.check_filters(filters)
        mask = self._mask(filters)
        if allow is not None:
            mask = allow if mask is None else mask & allow
        if mask is not None and not mask.any():
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        if mask is None:
            kw = {}
        elif (self.index.supports_where and allow is None and PRICE_FILTER not in filters and SALE_FILTER not in filters
              and not child_filtered(filters)):
            # (a Milvus collection keeps no price, nor which child a kids' unisex product is for: those the filter
            # allows, as ids)
            kw = {"where": filters}
        else:
            kw = self._id_filter(mask)
        fetch = self._first_fetch(want, len(exclude))
        searched = self.index_vectors(query[None, :])
        excluded = self._row_mask(exclude)
        # A Milvus search returns at most 16,384 (``max_k``): past it the excluded (sold-out) products are searched
        # past by the search itself, or a pool the cap cut short read as the index exhausted, and Milvus listed other
        # products than FAISS (stop 68: 30 of the 40 a search could return sold out, 3 of the first 5 missed).
        cap, narrowed = getattr(self.index, "max_k", None), False
        while True:
            if cap is not None and fetch > cap:
                if not narrowed and exclude:
                    narrowed = True
                    allowed = ~excluded
                    kw = self._id_filter(allowed if mask is None else allowed & mask, kw.get("where"), mask)
                    fetch -= len(exclude)
                fetch = min(fetch, cap)
            scores, ids = self.index.search(searched, fetch, **kw)
            i, s, done = self._kept(query, scores[0], ids[0], excluded, dedupe, want, fetch)
            if done:
                return i[:want], s[:want]
            fetch *= 2

    def _id_filter(self, keep: np.ndarray, where: dict | None = None,
                   where_keeps: np.ndarray | None = None) -> dict:
        """The search arguments that keep the rows ``keep`` ((n,) bool) alone: their ids (``filter_ids``), or, on an
        index that takes ``where`` and ``exclude_ids`` (Milvus) where fewer rows are left out than kept, the ids of
        those left out, beside the attribute filters ``where`` (whose rows are ``where_keeps``) when given.

        Milvus gets either list as one expression: a shop's 28,000 products in stock of 40,000 were sent as
        ``id in [...]`` (196 KB, 402 ms a search on Milvus Lite), where its 12,000 sold out are ``id not in [...]``
        (73 KB, 279 ms; history.md, Stop 74, a narrowed Milvus search sends the shorter id list)."""
        kept = int(keep.sum())
        if self.index.supports_where:
            left_out = ~keep if where is None or where_keeps is None else where_keeps & ~keep
            if int(left_out.sum()) < kept:
                return {"exclude_ids": self._ids[left_out], **({"where": where} if where is not None else {})}
        return {"filter_ids": self._ids[keep]}

    def _neighbours_each(self, queries: np.ndarray, k: int, exclude: set[int], dedupe: bool = False,
                         pool: int | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
        """:meth:`_neighbours` (unfiltered) of each of ``queries`` ((q, d) float32), the same ids and scores, in one
        index search: a profile of 200 saved products asked for 100 picks searched its 100 lists one by one, 0.27 s
        of faiss calls and 0.06 s of projections of the request's 1.3 s (cProfile, stop 72)."""
        want = pool or k
        fetch = self._first_fetch(want, len(exclude))
        # One by one on Milvus (it has a ``max_k``): its scores of a batch of queries differ from each alone's in the
        # 7th digit (0.93941021 alone, 0.93940949 in a batch of 12; the fixture's Milvus Lite index, stop 72).
        if len(queries) < 2 or getattr(self.index, "max_k", None) is not None:
            return [self._neighbours(q, k, None, exclude, dedupe, pool) for q in queries]
        excluded = self._row_mask(exclude)
        # On this thread alone, as each alone would be: a request's batch (stop 72, FaissIndex.search).
        scores, ids = self.index.search(self.index_vectors(queries, as_queries=True), fetch, one_thread=True)
        out = []
        for query, s_row, i_row in zip(queries, scores, ids, strict=True):
            i, s, done = self._kept(query, s_row, i_row, excluded, dedupe, want, fetch)
            # Short of ``want`` (its nearest excluded, or copies): searched deeper alone, as _neighbours would.
            out.append((i[:want], s[:want]) if done else self._neighbours(query, k, None, exclude, dedupe, pool))
        return out

    def _first_fetch(self, want: int, excluded: int) -> int:
        """How many a search for ``want`` neighbours fetches first, ``excluded`` ids skipped."""
        # A re-ranking pool (RERANK_POOL) is slack enough itself: refining it twice over cost a photo query
        # 1.3 ms of its 15.
        refine = REFINE_FACTOR if want < RERANK_POOL else 1
        fetch = refine * want + 10 if self.projection else want + 5
        return fetch + self._fetched_past(excluded, fetch)

    def _row_mask(self, ids: set[int]) -> np.ndarray:
        """(n,) bool: the rows of ``ids`` (those of them this index holds)."""
        mask = np.zeros(len(self._ids), bool)
        rows = self._rows(np.fromiter(ids, np.int64, len(ids)))
        mask[rows[rows >= 0]] = True
        return mask

    def _kept(self, query: np.ndarray, scores: np.ndarray, ids: np.ndarray, excluded: np.ndarray, dedupe: bool,
              want: int, fetch: int) -> tuple[np.ndarray, np.ndarray, bool]:
        """(ids, scores, done) of one query's ``fetch`` results (``scores``, ``ids``: (fetch,)) as :meth:`_neighbours`
        keeps them, ranked, and whether they are all it gets (``want`` of them, or the index has no more);
        ``excluded``: (n,) bool, the rows left out (:meth:`_row_mask`)."""
        keep = ids >= 0
        s, i = scores[keep], ids[keep]
        # Row -1: an id this process does not know, a product another replica added to a shared Milvus
        # collection; skipped here so that neither the near-duplicate check nor the ranking meets it.
        rows = self._rows(i)
        # The excluded by row, looked up: np.isin of each list's few hundred ids sorted them and the excluded ids
        # again for each of a profile's lists (stop 73).
        ok = rows >= 0
        ok[ok] = ~excluded[rows[ok]]
        s, i, rows = s[ok], i[ok], rows[ok]
        if self.projection is not None and len(i):
            # The index ranked by projected cosine; the full embeddings give the scores and the order.
            s = _cosines(self.embeddings[rows], query)
            order = np.argsort(-s, kind="stable")
            s, i, rows = s[order], i[order], rows[order]
        if dedupe:
            # On a projected index ``s`` already is the full cosine with the query; else the index's score.
            full = s if self.projection is not None else _cosines(self.embeddings[rows], query)
            distinct = full <= NEAR_DUPLICATE
            s, i = s[distinct], i[distinct]
        cap = getattr(self.index, "max_k", None)
        exhausted = keep.sum() < fetch or (cap is not None and fetch >= cap)
        return i, s, len(i) >= want or exhausted

    def _fetched_past(self, excluded: int, fetch: int) -> int:
        """How many more than ``fetch`` a search fetches for ``excluded`` ids it skips: each of a few (the product
        itself, its copies, those shown: they are its nearest), every one; past :data:`EXCLUDED_FETCHED` (a shop's
        sold-out products, thousands, spread over the catalogue), their share of ``fetch`` more, :meth:`_neighbours`
        fetching twice as many again where that falls short. A top-(12,000 sold out + 410) took 0.72 s of each of a
        product page's similar items at 40k with 30% sold out, where the page took 12 ms without (stop 68)."""
        if excluded <= EXCLUDED_FETCHED:
            return excluded
        share = excluded / max(1, len(self._ids) - excluded)
        return min(excluded, EXCLUDED_FETCHED + math.ceil(fetch * share))

    def _reason_similar(self, src: dict, item: dict, score: float, filters: dict | None = None) -> tuple[str, str]:
        """(reason, card reason): "same type (Shirts), same colour (Blue), visual similarity 0.91" and "Same
        type and colour"; with a colour ``filters`` chose that is not the source's, "..., colour Red as chosen"
        and "Same type and gender, in red as chosen"."""
        # The attributes the ranking rewards, in weight order, so that the reasons explain the order: a
        # same-type, same-colour item ranks above a closer-looking one that shares neither.
        shared = [(name, item[key]) for key, name in (("articleType", "type"), ("baseColour", "colour"),
                                                      ("gender", "gender"))
                  if self.attribute_weights.get(key) and src.get(key) and src.get(key) == item.get(key)]
        if all(name != "type" for name, _ in shared) and src.get("subCategory") \
                and src.get("subCategory") == item.get("subCategory"):
            # Another type of its kind (FAMILY_WEIGHTS ranks them first): a football's basketball.
            shared.insert(0, ("category", item["subCategory"]))
        # A colour chosen as a filter, where it is why the product has another colour than the source's: a blue
        # shirt's results narrowed to Colour: Red said "Same type and gender" of red shirts (a shopper's trial).
        chosen = chosen_colour(filters, item)
        if any(name == "colour" for name, _ in shared):
            chosen = None
        said = [f"same {name} ({value})" for name, value in shared] + ([f"colour {chosen} as chosen"] if chosen else [])
        reason = ", ".join(said + [f"visual similarity {score:.2f}"])
        card = f"Same {listed([name for name, _ in shared])}" if shared else "Looks alike"
        return reason, card + (f", in {chosen.lower()} as chosen" if chosen else "")

    def _name_word_counts(self) -> tuple[collections.Counter, frozenset[str]]:
        """Per version of the items: how many names say each word after their brand
        (:func:`~fashionrec.card_reasons.word_counts`), and of those in few enough to tell products apart
        (:data:`~fashionrec.card_reasons.THEME_MOST`) the words other reasons say or a card must not: colours
        (its own line and "With blue" say them), wearers' words, the traits' (:data:`NAME_TRAITS`)."""
        key = ("name", "words")
        if key not in self._codes:
            before, rows = self._edit_rows(key)
            names = self.items["productDisplayName"].iloc[rows].fillna("").astype(str).tolist()
            brands = self._catalogue_brands()
            counts = word_counts(names, [item_brand_words(n, brands) for n in names])
            colours = {w.casefold() for c in self.items["baseColour"].dropna().unique() for w in str(c).split()}
            wearer = re.compile(WEARER_WORDS, re.IGNORECASE)

            def unsaid_of(counted: Iterable[str]) -> frozenset[str]:
                return frozenset(w for w in counted if counts[w] <= THEME_MOST and (
                    w in colours or w in NAMED_ALIAS or wearer.fullmatch(w) or any(p.search(w) for p, _ in _TRAITS)))

            if before is None:
                unsaid = unsaid_of(counts)
            else:
                # An edit's names (the brands as they were: edit_tables): the counts before, less the edited rows'
                # names before, with their names now; the unsaid words as before but for the words counted anew.
                old = word_counts(self._names_before, [item_brand_words(n, brands) for n in self._names_before])
                counts, new = before[0].copy(), counts
                counts.subtract(old)
                counts.update(new)
                counts = +counts        # words no name says any more, gone
                unsaid = (before[1] - old.keys() - new.keys()) | unsaid_of((old.keys() | new.keys()) & counts.keys())
            self._codes[key] = (counts, unsaid)
        return self._codes[key]

    def _card_words(self, name: str) -> list[str]:
        """:func:`~fashionrec.card_reasons.name_words` of ``name`` after its brand (read with the catalogue's brands):
        its words, folded, each once; kept per name for this version of the items (a similar-items query reads 13
        names, most of them again), in ``_codes``, which a change (an add, a removal; not a stock level) clears. So
        at most one entry per name the items have: a cache of the module's, keyed by name and brands, kept a brands set
        of every version since (63 kB at 44k names) in up to 65,536 entries (stop 68)."""
        cache = self._codes.get(("card", "words"))
        if cache is None:
            cache = self._codes[("card", "words")] = {}
        words = cache.get(name)
        if words is None:
            words = cache[name] = name_words(name, item_brand_words(name, self._catalogue_brands()))
        return words

    def _type_sizes(self) -> dict[str, int]:
        """Per version of the items, how many products each articleType has (a card's rare words are few of its
        type's: :func:`~fashionrec.card_reasons.shared_word`)."""
        key = ("type", "sizes")
        if key not in self._codes:
            self._codes[key] = self.items["articleType"].value_counts().to_dict()
        return self._codes[key]

    def _colours_said(self, name: object) -> frozenset[str]:
        """The catalogue's colour labels a name says as words anywhere in it, a dial's too ("Q&Q Kids Unisex White
        Dial Analog Watch": White). A listing of a product's own name in one of them reads as the product itself:
        its card "In white" says what the product's own name does (:meth:`_read_as_itself`)."""
        key = ("colour", "words")
        if key not in self._codes:
            labels = [c for c in self._labels("baseColour") if c]
            canon = {c.casefold(): c for c in set(labels)} | {a: c for a, c in NAMED_ALIAS.items() if c in labels}
            words = sorted(canon, key=len, reverse=True)
            pattern = re.compile(rf"\b({'|'.join(map(re.escape, words))})\b", re.IGNORECASE) if words else None
            self._codes[key] = (pattern, canon)
        pattern, canon = self._codes[key]
        if pattern is None or not isinstance(name, str):
            return frozenset()
        return frozenset(canon[m.casefold()] for m in pattern.findall(name))

    def _read_as_itself(self, item_id: int) -> set[int]:
        """Ids of the other listings of ``item_id``'s name (alike but for case and spaces) in a colour that name says:
        on the 40k catalogue the kids' watch 49893 (filed Yellow) led its other colours with "Q&Q Kids Unisex White
        Dial Analog Watch ... In white", its own name and its own name's colour (a shopper's trial, stop 66). Its
        other colours leave them out; where the colour differs from everything its name says ("Fastrack Women Silver
        Dial Watch" filed Red, another filed Blue), a listing of its name is another colour of it."""
        row = self._row[item_id]
        names = self._names()
        rows = np.flatnonzero(names == names[row])
        said = self._colours_said(self._column("productDisplayName")[row])
        colours = self._labels("baseColour")
        return {int(self._ids[r]) for r in rows if r != row and colours[r] in said}

    def _same_listing_ids(self, ids: Iterable[int]) -> set[int]:
        """Ids of the products named (but for case and spaces) and coloured as one of ``ids``: another listing of one
        of them, under another id and photo ("Doodle Girls Printed Blue Dress", 34115 and 35433, in a dress's similar
        items and again "In blue" in its other colours: a shopper's trial, stop 66)."""
        rows = self._rows(np.fromiter(ids, np.int64))
        rows = rows[rows >= 0]
        named = self._column("productDisplayName")[rows]
        rows = rows[np.array([isinstance(n, str) and bool(n.strip()) for n in named], bool)] if len(rows) else rows
        if not len(rows):
            return set()
        names, colours = self._names(), self._value_index("baseColour")[0]
        pairs = names.astype(np.int64) * (int(colours.max()) + 2) + (colours + 1)
        return {int(i) for i in self._ids[np.isin(pairs, pairs[rows])]}

    def _tell_apart(self, query: np.ndarray, source: dict | None, recs: list[Rec], own: int | None = None) -> None:
        """Gives the cards of ``recs`` (a product's or a photo's similar items, nearest to ``query``) what tells
        each apart (:data:`NAME_TRAITS`, :data:`PHOTO_BANDS`): "By Turtle too" where ``source`` (the product, or the
        one a photo is of) has its brand, "Also in checks" where both names say a trait, "Slim fit" where its name
        says one the source's does not, "With blue" where it names a colour besides its own that the source does
        not, "Closest photo" on the list's highest visual similarity, else its band.
        Where every card said the same, that is left out (the card's type and colour line shows it) and the first
        two of these say it (the first, before a colour filter's "in black as chosen": "By Turtle too, in black as
        chosen"); else it stays, with the first of these after it (not after a colour filter's "in black as
        chosen"). ``own``: the photo's own product, left as it is. The results and their order are not changed."""
        others = [r for r in recs if r.id != own]
        if len(others) < 2:
            return
        rows = self._rows(np.array([r.id for r in others], np.int64))
        cosines = self.embeddings[rows] @ query     # (n,)
        cosines = np.round(cosines.astype(np.float64), 2)        # as the whole reason says them
        closest = int(np.argmax(cosines))
        source = source or {}
        name = str(source.get("productDisplayName") or "")
        brands = self._catalogue_brands()
        brand_words = item_brand_words(name, brands)
        mine = set(name_traits(name))
        _, named = self._named_colours()
        counts, unsaid = self._name_word_counts()
        sizes = self._type_sizes()
        my_words = name_words(name, brand_words)
        alike = len({r.card_reason for r in others}) == 1
        # A colour chosen: where every card said "Same type and gender, in black as chosen" (12 times of a jacket
        # photo's results, a shopper's trial, stop 69), what tells each apart stands before the choice instead.
        chosen = others[0].card_reason[others[0].card_reason.find(", in "):] \
            if alike and others[0].card_reason.endswith(" as chosen") else ""
        said_of = []
        for j, r in enumerate(others):
            theirs = str(r.item.get("productDisplayName") or "")
            said = [f"By {by} too"] if (by := _same_brand(brand_words, theirs, brands)) else []
            traits = name_traits(theirs)
            said += [f"Also {trait}" for trait in traits if trait in mine][:1]
            said += [trait[:1].upper() + trait[1:] for trait in traits if trait not in mine][:1]
            said += [f"With {c.lower()}" for c in _second_colour(named[rows[j]], r.item.get("baseColour"), source,
                                                                   theirs)][:1]
            if j == closest:
                said.append("Closest photo")
            # What else tells it apart, where the above leave few words (card_reasons, stop 66): a rare word both
            # names say, its usage, size or price where not the source's.
            word = shared_word(my_words, self._card_words(theirs), counts, theirs, unsaid,
                               sizes.get(r.item.get("articleType"), 0))
            said += [f'Also named "{word}"'] if word else []
            # ... the theme of its print, where its name says one ("Superhero print" beside a Mr.Men T-shirt).
            said += [theme] if (theme := theme_said(theirs, name)) else []
            said += [x for x in (usage_said(r.item.get("usage"), source.get("usage")), size_said(theirs, name),
                                 price_compared(r.item, source)) if x]
            said_of.append(said)
        # What every card would say tells none apart: a casual shoe's formal ones said "Formal" 11 times of 12; nor
        # does a usage most of them say (a sports T-shirt's casual ones "Casual" 9 times of 12).
        told = collections.Counter(x for said in said_of for x in set(said))
        everyone = {x for x, n in told.items() if n == len(others) or (n > len(others) / 2
                                                                         and x in USAGE_SAID.values())}
        everyone = everyone if len(others) >= 3 else set()
        for j, (r, said) in enumerate(zip(others, said_of, strict=True)):
            said = [x for x in said if x not in everyone]
            if len(said) < (2 if alike else 1):
                # ... else the catalogue's collection it is of, where not the source's ("Winter 2015 collection"),
                # and the band of the photo: where every card said the same, up to two ("By Fabindia too, close
                # photo": 10 of an earring's 11 cards said "By Fabindia too" alone), else the first.
                band = next(band for least, band in PHOTO_BANDS if cosines[j] >= least)
                said += [x for x in (collection_said(r.item, source), band)
                         if x and not (x == band and "Closest photo" in said)]
            said = [said[0]] + [x[:1].lower() + x[1:] for x in said[1:]]
            if chosen:
                r.card_reason = said[0] + chosen
            elif alike:
                r.card_reason = ", ".join(said[:2])
            elif "as chosen" not in r.card_reason:      # "..., in black as chosen" is long enough, and ends so
                r.card_reason = f"{r.card_reason}; {said[0][:1].lower() + said[0][1:]}"

    def _ranked(self, query: np.ndarray, src: dict, k: int, filters: dict | None, diversity: float,
                exclude: set[int], dedupe: bool, attrs: dict[str, np.ndarray | str] | None = None,
                wearer: int | None = None, kind: int | None = None, copy_of: list[int] | None = None,
                photo_wearer: WearerRead | None = None) -> list[Rec]:
        """Top-k by cosine + the attribute bonus for the query's ``attrs`` (see :meth:`_attribute_bonus`);
        ``wearer``: the row of the catalogue product whose wearer the results are for (a photo of one finds
        its own); ``kind``: the row of the catalogue product whose kind its name says ranks (:data:`KIND_WEIGHT`);
        ``copy_of``: a list that gets the id of the catalogue product a photo is a copy of, where it is one;
        ``photo_wearer``: the wearer the tagger reads a photo to be for
        (:func:`~fashionrec.photo_wearer.wearer_penalty`), unless it is a copy of a catalogue product, whose own
        wearer then counts."""
        if isinstance(diversity, bool) or not isinstance(diversity, numbers.Real) or not 0.0 <= diversity <= 1.0:
            raise BadInputError(f"diversity must be a number in [0, 1], got {diversity!r}")
        check_k(k)
        rerank = bool(attrs) and any(self.attribute_weights.values())
        # Spare candidates replace results that are copies of a better-ranked result (the catalogue lists
        # some photos under several ids); when they run out, fetch again with four times as many.
        spare = DUPLICATE_SLACK
        skip = exclude | self._set_aside()
        # A photo's nearest whatever the filters keep, for what it is a copy of and the vote on its labels:
        # Gender: Women on a white sneaker's photo (the tagger: Flip Flops 61%, its results sneakers) listed
        # women's flip flops, voted for by the women's products alone (a shopper trial).
        # ... and whatever is sold out: a sold-out product is still the catalogue's, and a photo of one is known as
        # it (its labels and wearer rank the results; it is not listed). Its photo was the tagger's guess once it
        # sold out (stop 68, a code review). Its labels vote as in stock: what a photo shows does not change with it.
        known = exclude | self._set_aside() if dedupe or not rerank else exclude | self._set_aside_unsold()
        nearest = (self._neighbours(query, k, None, known, pool=NEIGHBOUR_VOTE["neighbours"])
                   if rerank and not dedupe and (filters or known != skip) else None)
        while True:
            shown = k + spare
            mmr_pool = shown if diversity == 0 else max(4 * k, 50, shown)
            pool = max(mmr_pool, RERANK_POOL) if rerank else mmr_pool
            ids, scores = self._neighbours(query, k, filters, skip, dedupe=dedupe, pool=pool)
            ranked_by, wearers, lead = attrs, None, None
            if rerank and len(ids):
                rows = self._rows(ids)
                near_ids, near_scores = nearest if nearest is not None else (ids, scores)
                if not dedupe and len(near_ids) and near_scores[0] >= NEAR_DUPLICATE:
                    # The photo is (a copy of) an indexed product: its own labels beat the tagger's guess. Where
                    # the catalogue lists the photo under several products, the one whose type the tagger finds
                    # likeliest (a shirt's photo, also filed as a watch, found watches and lost the shirt).
                    near_rows = self._rows(near_ids)
                    copy = self._likeliest_copy(near_rows, near_scores, attrs)
                    ranked_by, wearer = self._known_labels(int(near_ids[copy])), near_rows[copy]
                    # ... and say them: ranked as a heel, a heel's photo the tagger read as flip flops was
                    # explained by the tagger's labels, a black heel "Same colour (Black)" (a review).
                    src = {**src, **ranked_by}
                    # ... and ranked as its product page ranks its similar items: its kind and its type in its
                    # colour first (a yellow kurta's photo listed green and olive kurtas from the 5th on, where
                    # its page lists 12 yellow ones; a shopper's trial).
                    kind = near_rows[copy] if kind is None else kind
                    if copy_of is not None:
                        copy_of[:] = [int(near_ids[copy])]
                elif not dedupe:
                    # A photo: the catalogue's labels near it correct part of the tagger's probabilities. (A
                    # catalogue item, dedupe=True, is ranked by its own known labels: nothing to vote on.)
                    ranked_by = self._vote(self._rows(near_ids), near_scores, attrs)
                if wearer is not None:
                    wearers = self._wearers(wearer)
                    if wearers[rows].sum() < shown:
                        # A child's product's nearest are mostly grown-ups' (girls' sandals had 1 child's
                        # product in their 200, of the catalogue's 80 children's sandals): its wearer's nearest
                        # join the candidates.
                        ids, scores = self._join_nearest(ids, scores, query, k, filters, skip, dedupe, pool, wearers)
                        rows = self._rows(ids)
                elif photo_wearer is not None and photo_wearer.sex_sure >= photo_wearer_rules.SURE \
                        and self.attribute_weights.get("gender"):
                    # As for a catalogue item's wearer: the photo's wearer's nearest join where its nearest hold
                    # too few of them (its own sex or unisex), where the tagger is sure of its sex.
                    theirs = ~self._other_sex(photo_wearer.sex)
                    if theirs[rows].sum() < shown:
                        ids, scores = self._join_nearest(ids, scores, query, k, filters, skip, dedupe, pool, theirs)
                        rows = self._rows(ids)
                if kind is not None and isinstance(ranked_by.get("baseColour"), str):
                    # A catalogue item's type in its colour, for its wearer, where its nearest hold fewer than the
                    # catalogue has (26 of 341 random products' top 10 had other colours while more of theirs were
                    # further, after a stylist's re-trial missed colour matches): the nearest of those join in.
                    alike = self._is("articleType", ranked_by.get("articleType")) & \
                        self._is("baseColour", ranked_by["baseColour"])
                    alike = alike & wearers if wearers is not None else alike
                    have = int(np.count_nonzero(alike[rows]))
                    if have < shown and int(np.count_nonzero(alike)) - 1 > have:
                        ids, scores = self._join_nearest(ids, scores, query, k, filters, skip, dedupe, pool, alike)
                        rows = self._rows(ids)
                if kind is not None and wearer is not None and isinstance(ranked_by.get("articleType"), str):
                    # Its type leads while the shop has any within reach (_type_lead), the nearest of them too.
                    lead = self._type_lead(wearer, ranked_by["articleType"])
                    # Its wearer's of its type first, then the rest of the lead: a girl's shorts' nearest 200
                    # children's shorts, mostly boys', left out two girls' shorts further away that its list had
                    # held (stop 76, once the other sex's older children's joined the lead).
                    kin = self._ethnic_kin(wearer)
                    tiers = (lead & wearers, lead) if kin is None else (lead & wearers, lead, kin & wearers)
                    for allow in tiers:
                        have = int(np.count_nonzero(allow[rows]))
                        if have < shown and int(np.count_nonzero(allow)) - 1 > have:
                            ids, scores = self._join_nearest(ids, scores, query, k, filters, skip, dedupe, pool, allow)
                            rows = self._rows(ids)
            found, cosines = len(ids), scores
            # Gender: Women chosen on a photo's results listed girls' kidswear the catalogue files as women's
            # first (a shopper trial): a child's product after the grown-ups' ones.
            demote = wearers is None and self._grown_ups_chosen(filters)
            if (rerank or demote) and len(ids):
                if not rerank:
                    rows = self._rows(ids)
                else:
                    scores = scores + self._attribute_bonus(rows, ranked_by, wearers, wearer)
                    if wearers is None and photo_wearer is not None and self.attribute_weights.get("gender"):
                        scores = scores - photo_wearer_rules.wearer_penalty(
                            photo_wearer, self._other_sex(photo_wearer.sex)[rows], self._any_childs()[rows])
                    if kind is not None:
                        scores = scores + self._kind_bonus(rows, kind)
                if demote:
                    scores = scores - WRONG_WEARER * self._childrens()[rows]
                order = np.argsort(-scores, kind="stable")
                if lead is not None:
                    # Its type first, then the rest, each by score: a kids' watch filed Yellow listed two watches,
                    # then eight yellow children's T-shirts, then a blue Q&Q watch 11th in a small shop (the
                    # wearer's penalty took the type's weight off the grown-ups' watches; a shopper's trial).
                    order = order[np.argsort(self._lead_tiers(lead, wearer)[rows[order]], kind="stable")]
                order = order[:mmr_pool]
                ids, scores, cosines = ids[order], scores[order], cosines[order]
            if diversity > 0 and len(ids):
                # MMR weighs relevance against cosine redundancy: bring the combined score back to cosine scale.
                scale = 1.0 + (sum(self.attribute_weights.values()) if rerank else 0.0)
                order = _mmr(self.embeddings[self._rows(ids)], scores / scale, shown, diversity,
                             first=None if lead is None else lead[self._rows(ids)])
                ids, scores, cosines = ids[order], scores[order], cosines[order]
            if copy_of:
                # The photo's own product before the other listings of its photo, which _distinct drops: two
                # listings of one photo tie on every score, and the one listed was not always the one the photo was
                # said to be ("This is the photo of a product in the shop in the shop" and its own card "Same type,
                # colour and gender" for a Gini and Jony dress listed twice; 554 photos of the full catalogue are
                # several products', a shopper's trial of stop 70).
                order = self._own_copy_first(ids, copy_of[0])
                ids, scores, cosines = ids[order], scores[order], cosines[order]
            # A photo's results too list another listing of a product already shown after the rest (two
            # "Wrangler Men Warnick Square Block" shirts side by side, an integrator's trial).
            firsts: list[int] = []
            keep = self._distinct(ids, k, listing=src if dedupe else {}, firsts=firsts)
            # Done when k are left that are no other listing of one shown, or when every candidate the index has was
            # looked at: the first 22 of a kids' watch's candidates held 11 (copies of one photo, one name twice),
            # and its 12th card was a second "Q&Q Kids Unisex Yellow Dial Analog Watch" (35 of 304 random products'
            # pages of runs/index showed a name and colour twice).
            if firsts[0] >= k or (found < pool and len(ids) == found):
                break
            spare *= 4
        ids, scores, cosines = ids[keep], scores[keep], cosines[keep]
        out, chosen = [], self.check_filters(filters)
        for i, s, c in zip(ids, scores, cosines, strict=True):
            item = self.item(int(i))
            reason, card = self._reason_similar(src, item, float(c), chosen)
            out.append(Rec(int(i), float(s), reason, item, card_reason=card))
        return out

    def _type_lead(self, row: int, article: str) -> np.ndarray:
        """(n,) bool: the products of type ``article`` that lead the similar items of the product at ``row``, before
        any of another type whatever their score: its wearer's (:meth:`_wearers`); for a baby's, the other sex's
        babies' too, for an older child's clothes the other sex's older children's; for an accessory any grown-up's
        too (a child's watch: the grown-ups' watches before children's T-shirts in its colour), for a child's shoe
        the grown-ups' of its sex or unisex (a girl's casual shoes listed girls' dresses), after its wearer's on the
        score (:data:`WRONG_WEARER`, :data:`ACCESSORY_WRONG_WEARER`). Not the grown-ups' of a child's clothes, sized
        for a child (a girl's T-shirt's girls' tops before women's T-shirts), nor a man's of a woman's garment or
        shoe, nor a child's of a grown-up's: the wearer's other types come first there, by score."""
        lead = self._wearers(row)
        gender = str(self._labels("gender")[row])
        child = gender in GROWN_UP or bool(self._childrens()[row])
        master = str(self._labels("masterCategory")[row]) if "masterCategory" in self.items else ""
        if master == "Accessories" and gender:
            lead = lead | self._worn_by("Unisex")       # every grown-up's (Men, Women, Unisex), no child's
        elif master == "Footwear" and child:
            # A boy's (filed Boys, or a child's filed Men): the men's and unisex; a child's filed Unisex: every
            # grown-up's.
            lead = lead | self._worn_by(GROWN_UP.get(gender, gender if gender in ("Men", "Women") else "Unisex"))
        if self._infants()[row]:
            # A baby's things are sized by age, not sex (the catalogue files "Madagascar3 Infant Boys White Snapsuit
            # Romper" as girls'): the other sex's babies' of its type before its wearer's other types (a girl's
            # infant booties listed girls' shorts and tops 3rd to 10th, the boys' 7 booties none; stop 75).
            lead = lead | (self._infants() & self._worn_by("child"))
        elif child and master not in ("Accessories", "Footwear"):
            # An older child's clothes likewise: the other sex's older children's of its type before its sex's other
            # types (a boy's innerwear vest listed 10 boys' T-shirts, the girls' 4 vests none; a boy's capris boys'
            # jeans 5th on, not the girls' 29 capris; of 1,302 older children's lists 89 reached another type, 71 now;
            # stop 76). Not a baby's, sized for a baby (the catalogue's only boys' leggings are infants': a girl's
            # leggings keep to girls' capris and shorts). A child's shoe or accessory has the grown-ups' of its type.
            lead = lead | (self._worn_by("child") & ~self._infants())
        return lead & self._is("articleType", article)

    def _ethnic_kin(self, row: int) -> np.ndarray | None:
        """(n,) bool: where the product at ``row`` is an ethnic bottom (:data:`ETHNIC_BOTTOMS`, or Bottomwear filed
        Ethnic), the ethnic bottoms and leggings (:data:`ETHNIC_BOTTOMS_KIN`) and Bottomwear filed Ethnic; else None."""
        if not (self._row_is("articleType", row, ETHNIC_BOTTOMS) or (self._row_is("label:usage", row, ("Ethnic",))
                                                                     and self._row_is("label:subCategory", row,
                                                                                      ("Bottomwear",)))):
            return None
        return self._is("articleType", sorted(ETHNIC_BOTTOMS_KIN)) | (
            self._is("label:usage", "Ethnic") & self._is("label:subCategory", "Bottomwear"))

    def _row_is(self, column: str, row: int, values: Iterable[str]) -> bool:
        """Whether the product at ``row`` has one of ``values`` in ``column`` (as :meth:`_is`, for one row: every
        similar list asks, and a whole column's mask is 40k comparisons)."""
        codes, index = self._value_index(column)
        return int(codes[row]) in {index[v] for v in values if v in index}

    def _lead_tiers(self, lead: np.ndarray, row: int) -> np.ndarray:
        """(n,) int8, the order the similar items of the product at ``row`` list in, each tier by score: 0 its type's
        lead (:meth:`_type_lead`), 1 its wearer's ethnic kin (:meth:`_ethnic_kin`), 2 the rest, 3 for an Ethnic
        product what clashes with it (looks.CLASHING_USAGE: Sports), for an ethnic bottom western casual bottoms
        too. Only 0 and 2 for any other product."""
        tiers = np.where(lead, 0, 2).astype(np.int8)
        kin = self._ethnic_kin(row)
        if kin is None and not self._row_is("label:usage", row, ("Ethnic",)):
            return tiers
        clash = [u for u in self._value_index("label:usage")[1] if frozenset((u, "Ethnic")) in CLASHING_USAGE]
        last = self._is("label:usage", clash)
        if kin is not None:
            tiers[~lead & kin & self._wearers(row)] = 1
            # ... and an ethnic bottom's western casual bottoms after its other types: jeans and track pants were
            # a men's churidar's 4th and 5th, where its wearer has no other ethnic bottom, before formal trousers.
            last = last | (self._is("label:subCategory", "Bottomwear") & ~kin
                           & self._is("label:usage", ["Casual", *clash]))
        tiers[~lead & last] = 3
        return tiers

    def _join_nearest(self, ids: np.ndarray, scores: np.ndarray, query: np.ndarray, k: int, filters: dict | None,
                      skip: set[int], dedupe: bool, pool: int, allow: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``ids`` and their ``scores`` with the query's ``pool`` nearest among the rows ``allow`` keeps added."""
        more, more_scores = self._neighbours(query, k, filters, skip, dedupe=dedupe, pool=pool, allow=allow)
        new = ~np.isin(more, ids)
        return np.concatenate([ids, more[new]]), np.concatenate([scores, more_scores[new]])

    def _own_copy_first(self, ids: np.ndarray, own: int) -> np.ndarray:
        """An order of ``ids`` in which ``own`` takes the place of the first other copy of its photo (cosine above
        :data:`NEAR_DUPLICATE`, as :meth:`_distinct` tells copies) listed before it, and that one its place."""
        order = np.arange(len(ids))
        at = np.flatnonzero(ids == own)
        if not len(at) or not at[0]:
            return order
        with one_blas_thread:
            before = self.embeddings[self._rows(ids[:at[0]])] @ self.embeddings[self._row[own]]
        copies = np.flatnonzero(before > NEAR_DUPLICATE)
        if len(copies):
            order[[copies[0], at[0]]] = order[[at[0], copies[0]]]
        return order

    def _distinct(self, ids: np.ndarray, k: int, listing: dict | None = None,
                  firsts: list[int] | None = None) -> np.ndarray:
        """Positions of the first ``k`` of ``ids`` that are not a copy of the same photo (cosine above
        :data:`NEAR_DUPLICATE`) as an earlier one. With ``listing`` (the product whose similar items these
        are), another listing of a product already shown, or of that one (the same name and colour, another
        photo), comes after the rest: a shopper saw three "Wildcraft Unisex Black Backpack" cards in one list.
        ``firsts`` gets how many of the positions are not such a listing (the rest are, after them)."""
        rows = self._rows(ids)
        vecs = self.embeddings[rows]
        # Names alike but for case and spaces are one name to a shopper ("Proline Men Black Polo T-Shirt" and "...
        # T-shirt", "Highlander" and "HIghlander": all 16 of 305 runs/index pages that still showed a name twice).
        def folded(name: object) -> object:
            return " ".join(name.casefold().split()) if isinstance(name, str) else name
        names = ([(folded(n), c) for n, c in zip(self._column("productDisplayName")[rows],
                                                  self._column("baseColour")[rows], strict=True)]
                 if listing is not None else None)
        seen = set() if listing is None else {(folded(listing.get("productDisplayName")), listing.get("baseColour"))}
        if listing:     # ... and its own name in a colour that name says, which reads as itself (_read_as_itself)
            name = listing.get("productDisplayName")
            seen |= {(folded(name), c) for c in self._colours_said(name)}
        keep: list[int] = []
        later: list[int] = []
        # The vectors of those listed so far, after the rest too (two copies of one photo, both another listing of a
        # shown name, were both listed: a review), in one block, each candidate against them by one product:
        # gathered again for every candidate, an other-colours row's 120 took 6 ms of its 17 (a catalogue's export).
        listed = np.empty((len(ids), vecs.shape[1]), vecs.dtype)
        n = 0
        with one_blas_thread:
            for j in range(len(ids)):
                if len(keep) == k:
                    break
                if n and (listed[:n] @ vecs[j]).max() > NEAR_DUPLICATE:
                    continue
                listed[n] = vecs[j]
                n += 1
                if names is not None and isinstance(names[j][0], str) and names[j] in seen:
                    later.append(j)
                    continue
                keep.append(j)
                if names is not None:
                    seen.add(names[j])
        if firsts is not None:
            firsts[:] = [len(keep)]
        return np.array((keep + later)[:k], np.int64)

    def similar(self, item_id: int, k: int = 10, filters: dict | None = None, diversity: float = 0.0,
                other_colours: bool = False, exclude_ids: Iterable[int] = (), colourways: str | None = None
                ) -> list[Rec]:
        """Items that look like ``item_id`` (never itself or the same photo, nor ``exclude_ids``); MMR when
        diversity > 0. ``other_colours``: of its type in any colour but its own, each colour's closest first
        (one red dress's similar items were the same 12 of the catalogue's 18 red dresses, whichever one a
        shopper clicked through to). ``colourways``: "exclude" leaves out the colourways its product page shows in
        the row of other colours (:meth:`page_colourways`), "include" keeps them; by default (None) as its page:
        left out, unless the call asks for other colours itself (``other_colours``, or a baseColour filter).

        >>> ways = rec.page_colourways(25277)                        # doctest: +SKIP
        >>> set(ways) & {r.id for r in rec.similar(25277, k=12)}     # doctest: +SKIP
        set()
        """
        item_id = self._check_id(item_id)
        exclude = {item_id, *(self._id_of(i) for i in id_list(exclude_ids))}     # "abc", 9646.9: said, not cut
        if _leaves_out_colourways(colourways, other_colours, filters):
            exclude |= set(self.page_colourways(item_id))
        item, row = self.item(item_id), self._row[item_id]
        if self._free_items()[row]:     # its reasons say what it is ranked by (_known_labels)
            item = {**item, "articleType": None, **self._freebie_kind(row)}
        attrs = self._known_labels(item_id)
        if not other_colours:
            found = self._ranked(self.vector(item_id), item, k, filters, diversity, exclude=exclude, dedupe=True,
                                 attrs=attrs, wearer=row, kind=row)
            self._tell_apart(self.vector(item_id), item, found)
            return in_list_order(found)
        check_k(k)
        exclude |= self._read_as_itself(item_id)
        colour = attrs.pop("baseColour", None)
        # Its type (a freebie's none), in every other colour the filters allow, ranked without the colour's bonus;
        # then the first of each colour in turn, so that a page of six shows six colours where there are.
        wanted = self.check_filters(filters)
        asked = wanted.get("baseColour")
        colours = asked or self.filter_values()["baseColour"]
        # Nor the colour its photo shows where that is not its label's: a brown-labelled belt whose photo and look
        # are black ("Put together for the black this product's photo shows") offered one "In black" (a re-trial).
        seen = self.look_colour(item_id)
        wanted["baseColour"] = [c for c in ([colours] if isinstance(colours, str) else colours)
                                if c not in (colour, seen)]
        if attrs.get("articleType") and "articleType" not in wanted:
            wanted["articleType"] = attrs["articleType"]
        wearers = None
        if "gender" not in wanted and self._labels("gender")[row]:
            # For its wearer (item_tables._wearers: a grown-up's gender and unisex, no child's; a child's product,
            # whatever it is filed under, children's), unless a gender is asked for: a boys' jeans' row listed
            # three women's jeans (a shopper trial), a kids' product filed as men's adults' ones (a review). The
            # genders its wearer's products are filed under narrow the search; the rest is left out after.
            wearers = self._wearers(row)
            codes, index = self._value_index("gender")
            filed = set(np.unique(codes[wearers]).tolist())
            genders = [v for v, c in index.items() if c in filed]
            if genders:
                wanted["gender"] = genders
            else:
                wearers = None
        if asked and not wanted["baseColour"]:
            # "no results" said nothing of why (a bad-input trial): the filter asked for its own colour alone
            own = f"its own colour, {colour}, and the {seen} its photo shows" if seen else f"its own colour, {colour}"
            raise BadInputError(f"other colours of {item_id} leave out {own}, the only one"
                                f"{'s' if seen else ''} the baseColour filter asks for: drop the filter or ask for "
                                "other colours")
        if not wanted["baseColour"]:
            return []
        pool = min(OTHER_COLOURS_POOL * k, MAX_K)
        def worn(recs: list[Rec]) -> list[Rec]:
            return recs if wearers is None else [r for r in recs if wearers[self._row[r.id]]]

        found = worn(self._ranked(self.vector(item_id), item, pool, wanted, diversity, exclude=exclude,
                                  dedupe=True, attrs=attrs, wearer=row, kind=row))
        # A product whose name or photo says another colour than its label after the rest ("Puma Men Ferrari
        # Vintage Black Polo T-shirt", filed Blue, was a black polo's "In blue", a shopper's trial).
        otherwise = self._named_otherwise() | self._looks_otherwise()
        _, named = self._named_colours()

        def belied(r: Rec) -> bool:
            # ... and one whose name says the product's own colour ("... Navy Blue Jeans" filed Blue was a navy
            # jeans' "In blue", an ML engineer's re-trial).
            row = self._row[r.id]
            return bool(otherwise[row]) or (colour is not None and colour in named[row])

        shown = {r.item["baseColour"] for r in found if not belied(r)}
        missing = [c for c in wanted["baseColour"] if c not in shown]
        if len(shown) < k and missing:
            # The colours its nearest lack, closest first after them: a navy T-shirt's 120 nearest in other colours
            # were black, blue and purple ones only (a re-trial), where men's T-shirts come in 32 colours.
            found += worn(self._ranked(self.vector(item_id), item, pool, {**wanted, "baseColour": missing},
                                       diversity, exclude=exclude | {r.id for r in found}, dedupe=True, attrs=attrs,
                                       wearer=row, kind=row))
        by_colour: dict[str, list[Rec]] = {}
        for r in found:
            if not belied(r):
                by_colour.setdefault(r.item["baseColour"], []).append(r)
        # Colours that look near its own after the rest (a navy shirt's row began "In blue" with a navy check shirt).
        near = dict(zip(by_colour, nearness([colour], list(by_colour)), strict=True))     # none: 0, no colour is near
        groups = sorted(by_colour.values(), key=lambda g: near[g[0].item["baseColour"]] > 0)
        out = [r for turn in itertools.zip_longest(*groups) for r in turn if r is not None]
        out = (out + [r for r in found if belied(r)])[:k]
        me = self.vector(item_id)
        for r in out:
            r.card_reason = f"In {r.item['baseColour'].lower()}"
            if not asked:
                # The colours are this row's own narrowing, not the caller's: the page's "In silver" card said
                # "colour Silver as chosen" in full (its hover text, the API's reason) where the shopper chose
                # nothing (a shopper's trial, stop 74).
                said, _ = self._reason_similar(item, r.item, float(self.vector(r.id) @ me))
                r.reason = f"in another colour ({r.item['baseColour']}), {said}"
        return in_list_order(out)      # (a colour at a time: the second of one after the first of every other)

    def in_other_colours(self, item_id: int, k: int = 6, exclude_ids: Iterable[int] = ()) -> list[Rec]:
        """The product page's "In other colours": its colourways first (:meth:`colourways`), then :meth:`similar`
        with ``other_colours``, one product a colour (a second of a colour after every first read as a repeat,
        "Maroon, Brown, Tan, Mushroom Brown, Coffee Brown, Maroon": a shopper's trial), so at most ``k`` and fewer
        where its kind has fewer colours; none of ``exclude_ids`` (the page's similar items) nor a copy of their
        photos."""
        item_id = self._check_id(item_id)
        check_k(k)
        exclude = {self._id_of(i) for i in id_list(exclude_ids)}      # one id too, as similar() takes it
        if exclude:
            # Nor their photos' copies under other ids: a similar item's photo came back under another brand's name
            # in the row below it (the catalogue lists some photos under several ids; a shopper's trial).
            groups = self._photo_groups()
            shown = [groups[self._row[i]] for i in exclude if i in self._row]
            exclude |= {int(i) for i in self._ids[np.isin(groups, shown)]}
            # ... nor another listing of one of them (its name and colour under another id and photo): the next of
            # that colour, if any, takes its place.
            exclude |= self._same_listing_ids(exclude)
        firsts: dict[str | None, Rec] = {}
        # Its own colourways first, found by name: a small shop's 12 similar items took its whole type, and the
        # nearest in other colours were then none (1 product of 118 had the row, a new user's trial of stop 63).
        for r in self._colourway_recs(item_id, k, exclude):
            firsts.setdefault(r.item.get("baseColour"), r)
        if len(firsts) < k:
            for r in self.similar(item_id, k=k, other_colours=True, exclude_ids=exclude | {r.id for r in
                                                                                         firsts.values()}):
                firsts.setdefault(r.item.get("baseColour"), r)
        return in_list_order(list(firsts.values())[:k])

    def colourways(self, item_id: int) -> list[int]:
        """Ids of ``item_id``'s colourways, the nearest photo first: the products of its type and wearer (as
        labelled) filed under another colour and named as it is but for the colour words ("Nike Men As Ss
        Challen Blue T-Shirts" and its "... Red T-Shirts"), not a copy of its photo; none where the name is one
        more than :data:`COLOURWAY_NAMES` products share (a brand's plain name for the type)."""
        item_id = self._check_id(item_id)
        row = self._row[item_id]
        keys = self._colourway_keys()
        if keys[row] < 0:
            return []
        rows = np.flatnonzero(keys == keys[row])
        colours = self._labels("baseColour")
        skip = self._set_aside()
        # Not one whose name or photo says another colour than its label, nor one named in this one's colour (their
        # "In blue" cards would show another colour: similar() with other_colours lists them last), nor one of
        # the colour this one's photo shows where its label is another (look_colour).
        belied = self._named_otherwise() | self._looks_otherwise()
        _, named = self._named_colours()
        own = {colours[row], self.look_colour(item_id) or ""}
        skip = skip | self._read_as_itself(item_id)     # its own name in its name's colour: itself to a shopper
        rows = rows[~np.isin(colours[rows], [*own, ""]) & ~belied[rows]
                    & ~np.isin(self._ids[rows], np.fromiter(skip, np.int64, len(skip)))]
        rows = rows[[colours[row] not in named[r] for r in rows]] if len(rows) else rows
        if not len(rows):
            return []
        cosines = _cosines(self.embeddings[rows], self.vector(item_id))
        keep = cosines <= NEAR_DUPLICATE
        order = np.argsort(-cosines[keep], kind="stable")
        return [int(i) for i in self._ids[rows[keep][order]]]

    def page_colourways(self, item_id: int, k: int = PRODUCT_PAGE["other_colours"]) -> list[int]:
        """Ids of the colourways (:meth:`colourways`) of the first ``k`` colours among them: those the row of other
        colours of its product page shows at ``k``, and their twins (another listing of one design in one colour,
        5,574 of the 13,922 products with colourways in runs/index have some), which its similar items leave out:
        `/similar` listed those `/other-colours` showed (stop 64), and the page a twin of one (10 of 300 products
        with colourways, stop 65)."""
        ways = self.colourways(item_id)
        if not ways:
            return []
        colours = self._labels("baseColour")[self._rows(np.array(ways, np.int64))]
        shown = list(dict.fromkeys(colours))[:k]        # the row takes the first of each colour (_colourway_recs)
        return [i for i, c in zip(ways, colours, strict=True) if c in shown]

    def _colourway_recs(self, item_id: int, k: int, exclude: set[int]) -> list[Rec]:
        """Up to ``k`` of :meth:`colourways` as results, one a colour, none of ``exclude``."""
        out: list[Rec] = []
        colours: set[str] = set()
        src = self.item(item_id)
        me = self.vector(item_id)
        for i in self.colourways(item_id):
            item = self.item(i)
            if i in exclude or item.get("baseColour") in colours:
                continue
            colours.add(item.get("baseColour"))
            cosine = float(self.vector(i) @ me)
            reason, _ = self._reason_similar(src, item, cosine)
            out.append(Rec(i, cosine, f"same name but its colour, {reason}", item,
                           card_reason=f"In {str(item.get('baseColour')).lower()}"))
            if len(out) == k:
                break
        return out

    def _colourway_keys(self) -> np.ndarray:
        """Per row, a number the products of one type and wearer named alike but for their colour words share
        (:meth:`colourways`); -1 where more than :data:`COLOURWAY_NAMES` share it, or the product has no name."""
        def build() -> np.ndarray:
            it = self.items
            labels = [c for c in it["baseColour"].dropna().unique() if isinstance(c, str)] \
                if "baseColour" in it else []
            words = sorted({c.lower() for c in labels} | set(NAMED_ALIAS), key=len, reverse=True)
            names = it["productDisplayName"].fillna("").astype(str).str.casefold()
            if words:
                names = names.str.replace(rf"\b(?:{'|'.join(map(re.escape, words))})\b", " ", regex=True)
            names = names.str.split().str.join(" ")
            frame = pd.DataFrame({"name": names, "type": self._labels("articleType"), "gender": self._labels("gender")})
            codes = frame.groupby(["name", "type", "gender"], sort=False).ngroup().to_numpy().copy()
            sizes = np.bincount(codes)
            codes[(sizes[codes] > COLOURWAY_NAMES) | (names == "").to_numpy()] = -1
            return codes
        return self._once("_colourway_key", build)

    def product_page(self, item_id: int, similar_k: int = PRODUCT_PAGE["similar"],
                     colours_k: int = PRODUCT_PAGE["other_colours"]) -> tuple[list[Rec], list[Rec]]:
        """(similar items, its other colours) as its product page lists them, and `recommend export` and
        ``/api/items/{id}/other-colours`` too: the colourways the second row shows are not among the similar items
        (:meth:`similar` with them left out), nor are the similar items in the second row."""
        item_id = self._check_id(item_id)
        check_k(colours_k)
        similar = self.page_similar(item_id, similar_k, colours_k)
        return similar, self.in_other_colours(item_id, k=colours_k, exclude_ids=[r.id for r in similar])

    def page_similar(self, item_id: int, similar_k: int = PRODUCT_PAGE["similar"],
                     colours_k: int = PRODUCT_PAGE["other_colours"]) -> list[Rec]:
        """The similar items a product's page lists (:meth:`product_page`'s first list), which a unisex product's
        look keeps to the side of (:meth:`Outfits._lean`)."""
        # Those of its own row's colours_k, which similar()'s default takes at the page's usual size.
        return self.similar(item_id, k=similar_k, exclude_ids=self.page_colourways(item_id, colours_k),
                            colourways="include")

    def similar_to_image(self, image, k: int = 10, filters: dict | None = None,
                         exclude_ids: Iterable[int] = ()) -> PhotoResults:
        """A photo (not in the catalogue; a PIL image, a path, bytes, a file object or a uint8 array:
        :func:`~fashionrec.catalog.as_photo`) -> (predicted {head: [(label, prob), ...]}, similar items), a
        pair that also says how close the closest product is and whether the photo is unfamiliar
        (:class:`PhotoResults`)."""
        image = checked_photo(image)
        query = self.photo_query(image, exclude=exclude_ids)
        predicted = self.tagger.decode(query.probs, 0, top=3)
        # A greyscale photo's colour cannot be seen: the tagger's colour for it is no reason to rank a colour
        # first, nor to say "same colour (Grey)" (a trial: grey products, and no word why).
        grey = is_greyscale(image)
        unseen = {"baseColour"} if grey else set()
        src = {h: p[0][0] for h, p in predicted.items() if h not in unseen}
        copy_of: list[int] = []
        recs = self._ranked(query.vector, src, k, filters, 0.0, exclude=set(query.excluded), dedupe=False,
                            attrs={head: p[0] for head, p in query.probs.items() if head not in unseen},
                            copy_of=copy_of, photo_wearer=self._photo_wearer(query, filters))
        same_as = copy_of[0] if copy_of else None
        self._tell_apart(query.vector, self.item(same_as) if same_as is not None else None, recs, own=same_as)
        in_list_order(recs)
        if same_as is not None:
            # The photo of a catalogue product: its own labels rank and explain the results, and are what is said
            # of the photo. The tagger's reading of it beside them ("Perfume and Body Mist 0.20" for a handbag on a
            # grey canvas whose results were handbags, a new user's trial) contradicted how they were found.
            own = self.item(same_as)
            predicted = {h: [(str(own[h]), 1.0)] if isinstance(own.get(h), str) and own[h] else p
                         for h, p in predicted.items()}
        unfamiliar = self.unfamiliar(query)
        # A blue dress's photo narrowed to Colour: Black and Gender: Men listed men's socks and a singlet as
        # "Looks alike" (a phone shopper's trial): filters that keep none of the type the photo surely shows
        # are said to. (By type, not by cosine: black T-shirts for a white one's photo are at 0.49-0.50, men's
        # handbags for a women's at 0.47.)
        kind, sure = predicted.get("articleType", [("", 1.0)])[0]
        if same_as is not None:     # the photo of a catalogue product: its type is known, not guessed
            kind, sure = self.item(same_as).get("articleType"), 1.0
        unlike_filtered = bool(filters and recs and not unfamiliar and sure >= UNSURE_TYPE
                               and all(r.item.get("articleType") != kind for r in recs))
        if unfamiliar or unlike_filtered or sure < UNSURE_TYPE:
            # "Same type, colour and gender" would read as a confirmation of a guess the page calls unsure;
            # and under "looks unlike the catalogue's photos", "Looks alike" contradicted the notice.
            for r in recs:
                r.card_reason = ("Nearest in the catalogue" if unfamiliar else
                                 "Nearest with your choices" if unlike_filtered else "Looks alike")
        return PhotoResults(predicted, recs, query.closest, unfamiliar, unlike_filtered, query.turned, grey, same_as)

    def _photo_wearer(self, query: PhotoQuery, filters: dict | None) -> WearerRead | None:
        """The wearer the tagger's gender head reads the photo ``query`` to be for, all its calibrated
        probabilities (:func:`~fashionrec.photo_wearer.read_wearer`); None where the filters choose a gender (the
        shopper's choice is the wearer: Gender: Women on a men's photo lists women's products, unisex ones not before
        them) or the tagger has no gender head."""
        if (filters or {}).get("gender") or "gender" not in query.probs:
            return None
        calibrated = self.tagger.calibrate({"gender": query.probs["gender"][:1]})["gender"][0]
        return read_wearer(dict(zip(self.tagger.classes["gender"], map(float, calibrated), strict=True)))

    def unfamiliar(self, query: PhotoQuery) -> bool:
        """Whether the photo ``query`` looks at is unlike the catalogue's photos: its closest product is under
        :meth:`unfamiliar_below`, or it is text rather than a product (``scattered``), whose closest product
        can be as close as a real product's (a page of text: cosine 0.84, "Bracelet 98%")."""
        floor = self.unfamiliar_below()
        return bool(query.scattered or (query.closest is not None and floor is not None and query.closest < floor))

    def first_views(self, images: list[Image.Image], batch_size: int = 64) -> list[FirstView]:
        """Per photo of ``images`` (RGB), its views and its first view tagged, ``batch_size`` photos to a batch: what
        :meth:`photo_query` does first for each photo, in one go (a rebuild carrying 258 added products over tagged
        them one at a time, ``first``). (The views are all (3, 80, 60) uint8, so they stack.)"""
        import torch

        from fashionrec.photo_views import photo_views

        views = [photo_views(image) for image in images]
        out = []
        for start in range(0, len(views), batch_size):
            chunk = views[start:start + batch_size]
            vecs, probs = self.tagger.infer(torch.from_numpy(np.stack([v[0] for v in chunk])), batch_size=batch_size)
            out += [FirstView(v, vecs[j], {h: p[j:j + 1] for h, p in probs.items()}) for j, v in enumerate(chunk)]
        return out

    def photo_query(self, image: Image.Image, exclude: Iterable[int] = (),
                    first: FirstView | None = None) -> PhotoQuery:
        """How the tagger sees a shopper's photo: of its views (:func:`~fashionrec.photo_views.photo_views`:
        as it is, cropped to a small product, its backdrop made white; on a busy backdrop, the product cut
        out of it: :meth:`~fashionrec.photo_views.PhotoViews.cut_out`) the one whose closest catalogue product (other
        than ``exclude``) is clearly closest, with its embedding, raw probabilities and that cosine. The other
        views are only made and tagged where the first is no closer than :data:`FAMILIAR_ENOUGH`; a photo at
        least as wide as tall whose chosen view's closest product is under :data:`TURN_BELOW` is also looked at turned
        upright (``turned``; ``chosen`` then counts among the views turned that way), a taller one whose type is also
        under :data:`~fashionrec.view_choice.LOOK_AGAIN_BELOW` upside down (read so only where closer by
        :data:`TURN_MARGIN`, or by :data:`VIEW_MARGIN` and surer by
        :data:`~fashionrec.view_choice.UPSIDE_DOWN_SURER_BY`); ``scattered``: the photo
        is text rather than a product (:func:`~fashionrec.photo_views.photo_views`). ``first``: ``image``'s views
        and first view tagged already (:meth:`first_views`); the closest products are looked for here all the same."""
        import torch

        from fashionrec.photo_views import photo_views

        views = first.views if first is not None else photo_views(image)
        excluded = {int(i) for i in id_list(exclude)}

        def closest_of(batch: list[np.ndarray], tagged: tuple | None = None
                       ) -> tuple[int, np.ndarray, dict, tuple[float, int | None]]:
            """Of ``batch``'s views, tagged (or ``tagged``: their embeddings and probabilities), the one whose closest
            catalogue product is closest: (its place, its embedding, its raw probabilities, (that cosine, that
            product's id))."""
            vecs, probs = tagged or self.tagger.infer(torch.from_numpy(np.stack(batch)))
            nearest = [self._neighbours(v, 1, None, excluded | self._set_aside()) for v in vecs]
            closest = [(float(s[0]), int(i[0])) if len(s) else (-np.inf, None) for i, s in nearest]
            j = int(np.argmax([c for c, _ in closest]))
            return j, vecs[j], {h: p[j:j + 1] for h, p in probs.items()}, closest[j]

        tagged = None if first is None else (first.vector[None], first.probs)
        _, vec, probs, (cosine, nearest_id) = closest_of(views[:1], tagged)
        enlarged = self._enlarged_from(image, vec, excluded)
        if enlarged is not None:
            return self.photo_query(enlarged, excluded)
        # Text rather than a product, and a product among text, looked for where the photo is not plainly a
        # product's (scattered and among_text cost 10-15 ms; a page of text's closest product was at 0.84).
        scattered = bool(cosine < FAMILIAR_ENOUGH and views.scattered)
        best = PhotoQuery(vec, probs, cosine if np.isfinite(cosine) else None, nearest_id, 1, 0, excluded,
                          scattered=scattered)
        others = ((views[1:] + views.among_text()) or views.cut_out()) if cosine < FAMILIAR_ENOUGH else []
        if others:
            j, vec, probs, closest = closest_of(others)
            best = best._replace(views=1 + len(others))
            if closest[0] >= cosine + VIEW_MARGIN:
                best = PhotoQuery(vec, probs, *closest, best.views, j + 1, excluded, scattered=scattered)
        def sure(probs: dict[str, np.ndarray]) -> float:
            # The calibrated type certainty, as `tag` without an index weighs it (the type head alone: decode()
            # calibrated and sorted every head, now once more a tall photo).
            return float(sure_of_type(self.tagger, probs)[0])

        wide = image.width >= image.height
        # A tall photo is looked at upside down too (view_choice.UPSIDE_DOWN), as `tag` without an index does, only
        # where unsure of its type as well (LOOK_AGAIN_BELOW): tall photos are mostly upright (stop 72, h72cphoto).
        if best.closest is not None and best.closest < TURN_BELOW and (wide or sure(best.probs) < LOOK_AGAIN_BELOW):
            # Every view turned, a busy backdrop's cut-out too: of the re-trial's 8 turned products on wood, none
            # was read upright from the photo's first view turned, 3 with the cut-out turned too.
            turned, angles = [], []
            for angle in TURNS if wide else (UPSIDE_DOWN,):
                more = views.turned(angle)
                turned, angles = turned + more, angles + [angle] * len(more)
            j, vec, probs, closest = closest_of(turned)
            gain = closest[0] - best.closest
            # Turned, it must look like a product too: a screenshot of a catalogue page, wide, was "read turned
            # upright" as watches, its closest product under the floor both ways (a shopper trial).
            floor = self.unfamiliar_below()
            familiar = floor is None or closest[0] >= floor
            surer_by = TURN_SURER if wide else UPSIDE_DOWN_SURER_BY
            if familiar and (gain >= TURN_MARGIN
                             or (gain >= VIEW_MARGIN and sure(probs) >= sure(best.probs) + surer_by)):
                return PhotoQuery(vec, probs, *closest, best.views + len(turned), j - angles.index(angles[j]),
                                  excluded, angles[j], scattered)
            return best._replace(views=best.views + len(turned))
        return best

    def _enlarged_from(self, image: Image.Image, vector: np.ndarray, exclude: set[int]) -> Image.Image | None:
        """The catalogue photo ``image`` is an enlargement of (:data:`SAME_PHOTO_MAD`), of those nearest
        ``vector``; None for a photo no larger than the catalogue's or unlike each of them pixel for pixel."""
        if image.width <= STORE_WIDTH and image.height <= STORE_HEIGHT:
            return None
        ids, scores = self._neighbours(vector, SAME_PHOTO_CANDIDATES, None, exclude | self._set_aside())
        if not len(ids) or scores[0] < SAME_PHOTO_COSINE:
            return None
        small = _halved(image, Image.LANCZOS)
        best, best_mad = None, SAME_PHOTO_MAD
        for item_id in ids[scores >= SAME_PHOTO_COSINE]:
            try:
                photo = open_rgb(self.image_path(int(item_id)))
            except (OSError, ValueError):       # a photo gone from disk is no copy to name
                continue
            if photo.width >= image.width or photo.height >= image.height:
                # No enlargement of it: a catalogue photo larger than the catalogue's size, uploaded as it is,
                # was found as its own and searched again, for ever (a RecursionError; it is at cosine 1 anyway).
                continue
            mad = float(np.abs(_halved(photo) - small).mean())
            if mad <= best_mad:
                best, best_mad = photo, mad
        return best


# What reads the items, the arrays and the vector index: each runs holding ``rec.lock`` to read, so that from
# several threads it waits while add_product, add_products or remove_products put their change in (they hold it
# to write for that moment alone: the tagging and the new arrays are made while searches go on). Without it, a
# similar() in one thread during an add_product in another died in FAISS's search (SIGSEGV, an integrator's trial).
# ``with rec.lock.read():`` around several calls gives them one version of the catalogue.
READS = ("similar", "in_other_colours", "colourways", "page_colourways", "product_page", "similar_to_image",
         "photo_query", "unfamiliar", "search_text", "browse", "price_median", "attribute_phrases",
         "facets", "word_matches", "suggest", "correction", "as_typed_by_meaning", "autocorrect", "parse_query",
         "asked_for", "negation", "photo_owners", "reading_notes", "absent_combination", "absent_together",
         "unmatched", "grown_up_reading", "stand_ins", "absent_kind", "text_relevant", "complete_the_look",
         "look_colour", "for_profile", "known_liked", "item", "image_path", "vector", "index_vectors",
         "filter_values", "canonical_value", "check_filters", "prices", "warm_search", "__len__", "__contains__")
for _name in READS:
    setattr(Recommender, _name, reading(getattr(Recommender, _name)))

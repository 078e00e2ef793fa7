"""Complete the look: one complementary product per slot for a catalogue product. The rules (slots by
category, who, colour, score) are data in :mod:`fashionrec.looks`; this is how they pick products.

:class:`Outfits` is a part of :class:`fashionrec.recommend.Recommender`; it uses the recommender's items,
embeddings and nearest neighbours.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import re

import numpy as np
import pandas as pd

from fashionrec.blas import one_blas_thread
from fashionrec.catalog import shipped_description
from fashionrec.colours import distance, nearness
from fashionrec.looks import (
    ACCESSORY_DEFAULT,
    ACCESSORY_PAIR_CAP,
    ACCESSORY_SLOTS,
    ACCESSORY_TIE,
    BELTLESS,
    CLASHING_BRAND_SHARE,
    CLASHING_USAGE,
    CLOG_NAME,
    COMPLEMENTS,
    DRESSED_UP,
    FOOTWEAR,
    FOR_THE_COLD,
    FOR_THE_HEAT,
    GROWN_UP_ONLY_NAME,
    GROWN_UP_STAND_INS,
    INFANT_SHOES,
    LAYERED,
    LOOK_AFFINITY,
    LOOK_SEEN_OTHERWISE,
    LOOK_TIE,
    LOOK_TYPICALITY,
    MATCH_WEIGHT,
    MATCHED_SLOTS,
    MULTI,
    MULTI_NAME,
    NAMED_TYPES,
    NAMED_USAGE,
    NAMED_USAGE_PATTERN,
    NO_CLOGS,
    NO_LOOK,
    NO_STAND_IN_USAGE,
    NOT_A_BAG_NAME,
    NOT_ALONE,
    NOT_IN_THE_HEAT,
    NOT_STANDING_IN,
    NOT_WORN_WITH,
    OWN_LOOKS,
    PIECE_LOOKS,
    PRINT_NAME,
    PRINT_ON_PRINT,
    REPEAT_COLOUR,
    REPEATS_ALLOWED,
    SAID_AS_TYPE,
    SAME_USAGE_PAIRS,
    SAME_USAGE_SLOTS,
    SEASONLESS_SLOTS,
    SLOT_TYPES,
    SPORTS_NAME,
    SPREAD_SHORT,
    STAND_IN_FIRST,
    STAND_IN_LIKENESS,
    STAND_IN_USAGE,
    TYPE_SLOTS,
    TYPE_USAGE,
    USAGE_SLOTS,
    WARM_NAME,
    WHOLE_OUTFITS,
    WORN_UNDER,
    colour_compatibility,
    footwear_said,
    slot_name,
)
from fashionrec.name_colours import brands_of, named_colours
from fashionrec.results import Rec, check_k
from fashionrec.tagger import l2_normalise
from fashionrec.vocabulary import INFANT_NAME, SYNONYMS, USAGE_WORDS, singular

# Rows a look's scoring reads at a time: 256 of 2,560-d float32 (2.6 MB) stay in a core's cache between the
# two passes' reads.
LOOK_CHUNK = 256
# Candidate sets whose mean a look keeps (10 KB each); a catalogue of 39,730 products has a few hundred.
LOOK_MEANS_KEPT = 2048

# A grown-up's side as a unisex product's look says a piece filed under it is theirs.
SIDES = {"Men": "men's", "Women": "women's"}
# ... and a child's unisex product's look that a piece filed under a side (or a child's filed as a grown-up's) is a
# boy's or a girl's.
CHILD_SIDES = {"Boys": "boys'", "Girls": "girls'", "Men": "boys'", "Women": "girls'"}
OTHER_CHILD_SIDE = {"Boys": "Girls", "Girls": "Boys"}

# Of a grown-up's unisex product's nearest products for anyone grown up, how many tell the side its look keeps to
# where a slot has no piece for anyone (the side most of those filed Men or Women are).
LEAN_NEIGHBOURS = 20

FREEBIE_VOTES = 3       # of a freebie's 15 nearest products, how many must agree on what it is (at least)


def _draw(item_id: int, slot: str) -> float:
    """A number in [0, 1) for a product's slot: the same on every visit, even over products, and one slot's
    independent of another's (a hash of both; an id's hash offset per slot drew a girl's sunglasses before her
    backpack for four looks in five)."""
    digest = hashlib.blake2b(f"{item_id}/{slot}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


class Outfits:
    """Complete the look: a part of :class:`fashionrec.recommend.Recommender`, which owns what it reads:
    ``items``, ``embeddings``, ``_ids``, ``_row``, ``item``, ``_check_id``, ``_neighbours``, ``_free_items``,
    ``_childrens``, ``_wearers``, ``_sure_of_colour``, ``_codes``, ``_once`` and, for a table an edit leaves but for its
    rows, ``_row_wise``, ``_edit_rows`` and ``_column``, and resets its caches
    (``_look_category``, ``_look_usage``, ``_codes``) in ``_reindex``."""

    def _look_categories(self) -> np.ndarray:
        """Per row, the subCategory a look treats it as: the one its articleType is mostly filed under
        (None for the types of :data:`OWN_LOOKS` in any other item's look, which never match a slot)."""
        return self._once("_look_category", self._build_look_categories)

    def _build_look_categories(self) -> np.ndarray:
        it = self.items
        typed = it.dropna(subset=["articleType", "subCategory"])
        mostly = typed.groupby("articleType")["subCategory"].agg(lambda s: s.value_counts().index[0])
        # As objects: with no subCategory filed anywhere these are NaN floats, which pandas 4 will not fill with
        # the model's groups below.
        filed = it["articleType"].map(mostly).astype(object).fillna(it["subCategory"])
        # A type the catalogue files nowhere (a shop's export without a subCategory column: every look was
        # empty, a data engineer's trial) is where the model's training products of that type mostly were,
        # else where the tagger reads the photo.
        known = ((self.tagger.meta.get("levels") or {}).get("subCategory") or {}) if self.tagger else {}
        # A model trained on such a catalogue has no group head, so no levels: the shipped model's then (a shop's
        # own model gave every look empty again, a re-trial).
        known = known or (shipped_description().get("levels") or {}).get("subCategory") or {}
        by_model = it["articleType"].map({t: max(v, key=v.get) for t, v in known.items() if v})
        filed = filed.fillna(by_model)
        if "pred_subCategory" in it:
            filed = filed.fillna(it["pred_subCategory"])
        for (filed_as, named), (_, as_sub) in NAMED_TYPES.items():
            # "Fabindia Women Navy Blue Salwar" filed as lounge pants was a pair of briefs' nightwear.
            filed = filed.mask((it["articleType"] == filed_as)
                               & it["productDisplayName"].astype(str).str.contains(named, regex=True), as_sub)
        out = filed.to_numpy(dtype=object, copy=True)
        if "masterCategory" in it:
            # A freebie typed only "Free Gifts" (a watch, a sari, socks) is what the products that look most
            # like it are filed under, where most of its 15 nearest that are no freebies agree, three at least:
            # a Satya Paul sari given away has 12 other such saris among its 15 nearest, and got no look.
            free = self._free_items()
            free_subs = set(it["subCategory"][free].dropna()) | NO_LOOK
            # Of its 15 nearest that are no freebies: a brand gives away many of one kind, and 13 of a Satya Paul
            # sari's 15 nearest were its brand's other saris given away, which had no vote, so it got no look (a stop
            # 61 trial).
            # As many more as there are freebies, the rest left out after: a search allowed only the others took
            # 1.4-2.4 s more for the catalogue's 93 (the ids it allows given to each search).
            deep = 15 + int(free.sum())
            for row in np.flatnonzero(free & filed.isin(free_subs).to_numpy()):
                ids, _ = self._neighbours(self.embeddings[row], deep, None, {int(self._ids[row])}, pool=deep)
                near = [out[self._row[int(i)]] for i in ids if not free[self._row[int(i)]]][:15]
                near = [c for c in near if c is not None and c not in free_subs]
                if near:
                    best, votes = collections.Counter(near).most_common(1)[0]
                    if votes > len(near) // 2 and votes >= FREEBIE_VOTES:
                        out[row] = best
        out[(filed.isna() | it["articleType"].isin(list(OWN_LOOKS))).to_numpy()] = None
        return out

    def _rule_types(self) -> np.ndarray:
        """Per row, the type a look's rules (:data:`~fashionrec.looks.SLOT_TYPES` and the like, written with the
        model's type names) read it as: its articleType, or for a shop's own type the model has no class for
        ("Bags"), the model's type most of that type's products are read as ("Handbags"), where more than half are.
        A shop that called its handbags "Bags" had no bag in any dress's or heels' look (stop 73's new user)."""
        return self._once("_rule_type", self._build_rule_types)

    def _types_read_as(self, article: str | None) -> set[str]:
        """The model's types the catalogue's products of type ``article`` are read as by the rules (itself, or a shop's
        own name's model type: :meth:`_rule_types`); empty where no product has it."""
        return {t for t in self._rule_types()[self._is("articleType", article)] if isinstance(t, str)}

    def _build_rule_types(self) -> np.ndarray:
        it = self.items
        types = it["articleType"].astype(object)
        if "pred_articleType" not in it:
            return types.to_numpy(dtype=object, copy=True)
        # The rules' names are the shipped model's types (the Kaggle catalogue's), whatever model serves.
        known = set((shipped_description().get("levels") or {}).get("subCategory") or {})
        own = types.notna() & ~types.isin(known)
        shares = it[own].groupby("articleType")["pred_articleType"].value_counts(normalize=True, dropna=False)
        read_as = {t: read for (t, read), share in shares.items() if share > 0.5 and isinstance(read, str)}
        return types.map(lambda t: read_as.get(t, t)).to_numpy(dtype=object, copy=True)

    def _infants(self) -> np.ndarray:
        """(n,) bool, per version of the items: babies' products, children's ones named so
        (:data:`~fashionrec.vocabulary.INFANT_NAME`; not "Nyk Women Black Romper Baby Handbag")."""
        key = ("infants", "name")
        if key not in self._codes:
            named = self.items["productDisplayName"].astype(str).str.contains(INFANT_NAME).to_numpy()
            self._codes[key] = named & (self._childrens() | self._is("gender", ["Boys", "Girls"]))
        return self._codes[key]

    def _printed(self) -> np.ndarray:
        """(n,) bool, per version of the items: products whose name says they are printed, striped, checked ...
        (:data:`~fashionrec.looks.PRINT_NAME`)."""
        key = ("printed", "name")
        if key not in self._codes:
            out, rows = self._row_wise(key)
            names = self.items["productDisplayName"].iloc[rows].fillna("").astype(str)
            out[rows] = names.str.contains(PRINT_NAME, case=False, regex=True).to_numpy()
            self._codes[key] = out
        return self._codes[key]

    def _named_otherwise(self) -> np.ndarray:
        """(n,) bool, per version of the items: products whose name, after its wearer, names only colours neither
        their label nor near it ("Remanika Women Red Printed Top" filed White; a dial's colour, a metal and a
        brand before the wearer, "Red Tape Men ...", are not the product's colour), or says they are of many
        colours and names none near their label (:data:`~fashionrec.looks.MULTI_NAME`: "Global Desi Women Multi
        Coloured Kurta" filed Red): a look's reason would say the label ("White goes with Black") under a card
        named red (a stylist's trial: "Marvel Boys Red Shoes", "Blue goes with Green")."""
        key = ("named", "otherwise")
        if key not in self._codes:
            it = self.items
            said, named_all = self._named_colours()
            labels = [c for c in it["baseColour"].dropna().unique() if distance(c, c) is not None]
            far: dict[tuple, bool] = {}
            # The table before an edit and the edited rows, where only their values can differ (edit_tables).
            out, rows = self._row_wise(key)
            # Not a routine's (a cream, a deo: "Nike Green Storm Deo" filed Black), whose look has no colour to say.
            care = self._is("masterCategory", ["Personal Care"]) if "masterCategory" in it else np.zeros(len(it), bool)
            label_in = {c: re.compile(rf"\b{re.escape(c)}\b", re.IGNORECASE) for c in labels}
            many = re.compile(MULTI_NAME)
            colours = self._column("baseColour")
            for row in rows:
                label, rest, named = colours[row], said[row], named_all[row]
                out[row] = False
                if care[row] or label not in label_in:
                    continue
                # A name with its label in it ("Black Silver Shoe" filed Silver) names the label too.
                if not (named or many.search(rest)) or label_in[label].search(rest):
                    continue
                if (label, named) not in far:
                    # "Blue Jeans" filed Navy Blue: a shade of the colour it names.
                    far[(label, named)] = all(n not in label and label not in n and nearness([label], [n])[0] == 0
                                              for n in named)
                out[row] = far[(label, named)]
            self._codes[key] = out
        return self._codes[key]

    def _catalogue_brands(self) -> frozenset[str]:
        """The catalogue's brands (:func:`~fashionrec.item_tables.catalogue_brands`), per version of the items: one
        reading for a name's colours (read after its brand where it has no wearer word) and for the cards' "By
        Fabindia too". A colour label's words begin no brand of names without a wearer word."""
        key = ("brands", "catalogue")
        if key not in self._codes:
            self._codes[key] = brands_of(self.items["productDisplayName"], self.items["baseColour"].dropna().unique(),
                                         self._name_brands())
        return self._codes[key]

    def _named_colours(self) -> tuple[list[str], list[tuple[str, ...]]]:
        """Per version of the items, each product's name after its wearer, or where it names none after its brand
        (:func:`~fashionrec.name_colours.named_colours`: "FNF Multi Coloured Sari", "Red Rose Blue Camisole"), and
        the colour labels of the catalogue it names there, longest first ("Navy Blue", not "Blue"; a dial's colour is
        not the product's); none where no label is a colour the colours module knows (a catalogue without colours)."""
        key = ("named", "colours")
        if key not in self._codes:
            # Sorted: the same table for the same labels whichever row has each first (an edit keeps it: edit_tables).
            labels = sorted(self.items["baseColour"].dropna().unique(), key=str)
            before, rows = self._edit_rows(key)
            said, named = named_colours(self.items["productDisplayName"].iloc[rows], labels, self._catalogue_brands())
            if before is not None:      # an edit's rows alone: each row's reading is its name's, given the brands
                edited = zip(rows, said, named, strict=True)
                said, named = list(before[0]), list(before[1])
                for row, s, n in edited:
                    said[row], named[row] = s, n
            self._codes[key] = (said, named)
        return self._codes[key]

    def _named_rows(self) -> dict[str, np.ndarray]:
        """Per colour label a name says (:meth:`_named_colours`), the rows whose name says it, and for
        :data:`~fashionrec.looks.MULTI` those whose name says many colours (:data:`~fashionrec.looks.MULTI_NAME`,
        read where the colours are: "FNF Multi Coloured Sari", filed White). Once per version of the items: a
        search that asks a colour looks up its few labels here, not 40k names."""
        key = ("named", "rows")
        if key not in self._codes:
            said, named = self._named_colours()
            rows: dict[str, list[int]] = collections.defaultdict(list)
            for row, colours in enumerate(named):
                for colour in colours:
                    rows[colour].append(row)
            rows[MULTI] = np.flatnonzero(pd.Series(said, dtype=object).str.contains(MULTI_NAME, regex=True)).tolist()
            self._codes[key] = {c: np.array(r, np.int64) for c, r in rows.items()}
        return self._codes[key]

    def _looks_otherwise(self) -> np.ndarray:
        """(n,) bool, per version of the items: products whose photo the tagger sees surely
        (:meth:`_sure_of_colour`) as a colour neither their label nor near it (a coral shoe filed White, seen Red
        0.56)."""
        key = ("looks", "otherwise")
        if key not in self._codes:
            it, sure = self.items, self._sure_of_colour()
            if sure is None:
                self._codes[key] = np.zeros(len(it), bool)
                return self._codes[key]
            out, rows = self._row_wise(key)
            pairs = pd.DataFrame({"label": it["baseColour"].iloc[rows], "seen": it["pred_baseColour"].iloc[rows]}
                                 ).fillna("")
            # A label without a swatch ("Multi", "NA") is no colour a photo can belie.
            far = {(a, b): bool(a and b and a != b and distance(a, b) is not None and nearness([a], [b])[0] == 0)
                   for a, b in pairs.drop_duplicates().itertuples(index=False)}
            seen_far = [far[p] for p in zip(pairs["label"], pairs["seen"], strict=True)]
            out[rows] = sure[rows] & np.array(seen_far, bool)
            self._codes[key] = out
        return self._codes[key]

    def _grown_up_stand_ins(self, slot: str) -> np.ndarray:
        """(n,) bool, per version of the items and ``slot``: grown-ups' unisex pieces a child's look may take in that
        slot (:data:`~fashionrec.looks.GROWN_UP_STAND_INS`): backpacks named so (:meth:`_named_its_type`: not a
        "Sling Bag" or a "Holster Bag" filed as one), not for a laptop, an office or a trek."""
        key = ("grown-up stand-ins", slot)
        if key not in self._codes:
            names = self.items["productDisplayName"].fillna("").astype(str)
            self._codes[key] = (self._is("gender", ["Unisex"]) & ~self._childrens() & ~self._infants()
                                & self._is("articleType", list(GROWN_UP_STAND_INS[slot])) & self._named_its_type()
                                & ~names.str.contains(GROWN_UP_ONLY_NAME, regex=True).to_numpy())
        return self._codes[key]

    def _clogs(self) -> np.ndarray:
        """(n,) bool, per version of the items: products named as clogs (:data:`~fashionrec.looks.CLOG_NAME`), which
        the catalogue files as sandals and flip flops."""
        key = ("clogs", "name")
        if key not in self._codes:
            names = self.items["productDisplayName"].fillna("").astype(str)
            self._codes[key] = names.str.contains(CLOG_NAME, regex=True).to_numpy()
        return self._codes[key]

    def _not_bags(self) -> np.ndarray:
        """(n,) bool, per version of the items: products filed as bags whose name says they are a bag's cover or a
        laptop's case (:data:`~fashionrec.looks.NOT_A_BAG_NAME`), which no look carries."""
        key = ("not a bag", "name")
        if key not in self._codes:
            names = self.items["productDisplayName"].fillna("").astype(str)
            self._codes[key] = names.str.contains(NOT_A_BAG_NAME, regex=True).to_numpy()
        return self._codes[key]

    def _usage_key(self) -> str:
        """The column a look pairs usages by (:meth:`_is`): the catalogue's usage, or where it has none at all,
        the tagger's where it is sure (a shop's export without a usage column paired khaki trousers with sports
        shoes, a data engineer's trial). Once per version of the items, as every look asks."""
        return self._once("_look_usage", lambda: "usage" if self.items["usage"].notna().any()
                          or "pred_usage" not in self.items else "label:usage")

    def _clashing(self, usage: str) -> np.ndarray:
        """(n,) bool, per version of the items: rows whose usage clashes with ``usage`` (:data:`CLASHING_USAGE`)."""
        key = ("clashing", usage)
        if key not in self._codes:      # once per usage: the names' pattern runs over every product (5-13 ms)
            it = self.items
            usages = it["usage"] if self._usage_key() == "usage" else pd.Series(self._label_or_sure("usage"),
                                                                                index=it.index)
            clash = [u for u in usages.dropna().unique() if frozenset((u, usage)) in CLASHING_USAGE]
            clashes = usages.isin(clash)
            if "Sports" in clash:       # Sports Sandals filed as Casual are still sports sandals, and floaters
                clashes |= it["articleType"].astype(str).str.startswith("Sports ")
                clashes |= it["productDisplayName"].astype(str).str.contains(SPORTS_NAME)
            self._codes[key] = clashes.to_numpy()
        return self._codes[key]

    def _fit_to_stand_in(self, usage: str) -> np.ndarray:
        """(n,) bool, per version of the items and ``usage``: products fit to stand in for a dressed-up look's
        accessory of that usage (:data:`~fashionrec.looks.DRESSED_UP`): named as their type, not named for another
        occasion, and of no brand :data:`~fashionrec.looks.CLASHING_BRAND_SHARE` of whose products clash with it
        (a Puma handbag beside a kurta)."""
        key = ("fit to stand in", usage)
        if key not in self._codes:
            other = np.array([bool(said - {usage}) for said in self._named_usages()], bool)
            self._codes[key] = self._named_its_type() & ~other & ~self._clashing_brand(usage)
        return self._codes[key]

    def _clashing_brand(self, usage: str) -> np.ndarray:
        """(n,) bool, per version of the items and ``usage``: products of a brand
        :data:`~fashionrec.looks.CLASHING_BRAND_SHARE` of whose products or more clash with it (Nike, ADIDAS, Puma
        beside a kurta)."""
        key = ("clashing brand", usage)
        if key not in self._codes:
            names = self.items["productDisplayName"].fillna("").astype(str)
            # A brand by its names' first word, as a search reads it ("Puma", "United" of United Colors of Benetton).
            brand = names.str.split().str[0].str.casefold().to_numpy(dtype=object)
            share = pd.Series(self._clashing(usage)).groupby(brand).mean()
            self._codes[key] = (pd.Series(brand).map(share) >= CLASHING_BRAND_SHARE).to_numpy()
        return self._codes[key]

    def _named_usages(self) -> list[frozenset[str]]:
        """Per version of the items, the usages each product's name says: by a word (not a phrase) of
        :data:`~fashionrec.looks.NAMED_USAGE` or of the vocabulary's occasions (``USAGE_WORDS``: "office",
        "gym"), or by a one-word usage label of the catalogue's, as a word's stem ("Murcia Women Casual Black
        Clutch", "Lino Perros Women Sporty Handbag")."""
        key = ("named", "usages")
        if key not in self._codes:
            words = {w: u for w, u in {**USAGE_WORDS, **NAMED_USAGE}.items() if " " not in w}
            stems = {singular(str(u).casefold()): u for u in self.items["usage"].dropna().unique() if " " not in str(u)}
            names = self.items["productDisplayName"].fillna("").astype(str).str.casefold().str.findall(r"[a-z]+")
            # Word by word, each distinct word read once (a pattern of every occasion over 40k names took 1.6 s).
            read = {w: words.get(w) or next((u for s, u in stems.items() if w.startswith(s)), None)
                    for w in {w for ws in names for w in ws}}
            self._codes[key] = [frozenset(read[w] for w in ws if read[w]) for ws in names]
        return self._codes[key]

    def _named_its_type(self) -> np.ndarray:
        """(n,) bool, per version of the items: products whose name says their type, by its label's last word
        ("Clutch", "Handbags", "Bangle") or a single word the vocabulary reads as it ("Purse": Handbags or
        Clutches); not a "Sling Bag", a "Tote" or "Shopper Bags" filed as handbags."""
        key = ("named", "type")
        if key not in self._codes:
            it = self.items
            names = it["productDisplayName"].fillna("").astype(str).str.casefold()
            out = np.zeros(len(it), bool)
            for article, rows in it.groupby("articleType").indices.items():
                words = {singular(str(article).casefold().split()[-1])} | {
                    w for w, types in SYNONYMS.items() if article in types and " " not in w}
                said = r"\b(?:" + "|".join(re.escape(w) for w in sorted(words)) + r")(?:e?s)?\b"
                out[rows] = names.iloc[rows].str.contains(said, regex=True).to_numpy()
            self._codes[key] = out
        return self._codes[key]

    @staticmethod
    def _weather(article, name) -> set[str]:
        """The articleTypes a look with a piece of this type and name takes no more: a piece for the cold (its
        type, or its name: "Mellow Beanie") none for the heat, and one for the heat no sweater, muffler or gloves."""
        if article in FOR_THE_COLD or re.search(WARM_NAME, str(name), re.IGNORECASE):
            return FOR_THE_HEAT
        return NOT_IN_THE_HEAT if article in FOR_THE_HEAT else set()

    def _binds(self, row: int, category: str | None) -> tuple[set[str], bool, bool, bool, bool]:
        """What a look's product, or a piece picked for it (at ``row``, as the look's ``category``), rules for the
        rest of the look, one rule for both: the articleTypes it takes no more (its weather's; a belt's, bottoms
        that take no belt; bottoms', a whole outfit: :data:`WHOLE_OUTFITS`), and whether it is bottoms that take
        no belt, shoes (an infant's booties too), printed, and a whole outfit that takes no bottoms. Those it is never
        worn with too (:data:`NOT_WORN_WITH`: a T-shirt's, heels)."""
        article = self._column("articleType")[row]
        excluded = self._weather(article, self._column("productDisplayName")[row]) | NOT_WORN_WITH.get(article, set())
        if category == "Belts":
            excluded = excluded | BELTLESS
        if category == "Bottomwear":
            excluded = excluded | WHOLE_OUTFITS
        return (excluded, article in BELTLESS, category in FOOTWEAR or article in INFANT_SHOES,
                bool(self._printed()[row]), article in WHOLE_OUTFITS)

    def look_colour(self, item_id: int) -> str | None:
        """The colour :meth:`complete_the_look` goes with where it is not the product's label: its photo and its
        label disagree (the tagger sure of another colour, not a near one), and a look in the label's colour
        clashed with what the shopper sees (a coral shoe filed White got an all-red look, "Red goes with
        White"); None where the label stands."""
        item_id = self._check_id(item_id)
        src = self.item(item_id)
        seen = src.get("pred_baseColour")
        return seen if self._looks_otherwise()[self._row[item_id]] and seen and seen != src.get("baseColour") \
            else None

    def _looks_as_labelled(self, item_id: int) -> bool:
        """Whether the tagger sees the product's photo surely (:meth:`_sure_of_colour`) as its label's colour or a
        near one: the photo bears the label out where its name says otherwise."""
        src, sure = self.item(item_id), self._sure_of_colour()
        label, seen = src.get("baseColour"), src.get("pred_baseColour")
        return bool(sure is not None and sure[self._row[item_id]] and isinstance(label, str) and isinstance(seen, str)
                    and (seen == label or nearness([label], [seen])[0] > 0))

    def _typical_and_affinity(self, rows: np.ndarray, row: int,
                              like: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """How typical of the candidates ``rows`` each one is (its cosine to their mean; to the mean of the rows
        ``like`` where given: a stand-in's likeness to the pieces it stands in for) and how near the product at
        ``row`` (its cosine to it). A slot's 5,000 candidates' embeddings gathered whole were 51 MB copied and
        read again, most of a look's time: they are read in chunks that stay in cache, and the mean, the same for
        every product of a wearer, usage and slot (150 candidate sets in 5,673 slots of 1,500 random looks), is
        kept per version of the items."""
        emb = self.embeddings
        chunks = [rows[i:i + LOOK_CHUNK] for i in range(0, len(rows), LOOK_CHUNK)]
        means = self._look_means
        of = rows if like is None else like
        key = hashlib.blake2b(of.tobytes(), digest_size=16).digest()
        centroid = means.get(key)
        if centroid is None:
            total = np.zeros(emb.shape[1], np.float64)
            for chunk in (of[i:i + LOOK_CHUNK] for i in range(0, len(of), LOOK_CHUNK)):
                total += emb[chunk].sum(axis=0, dtype=np.float64)
            centroid = means[key] = l2_normalise((total / len(of)).astype(np.float32)[None])[0]
            while len(means) > LOOK_MEANS_KEPT:
                with contextlib.suppress(KeyError):     # another request's look emptied it first
                    means.popitem(last=False)
        both = np.stack([centroid, emb[row]], axis=1)
        with one_blas_thread:
            scores = np.concatenate([emb[chunk] @ both for chunk in chunks])
        return scores[:, 0], scores[:, 1]

    def complete_the_look(self, item_id: int, k: int = 4) -> list[Rec]:
        """One complementary item per slot (see the module docstring for the rules), best slots first; [] for a
        product of a category that completes no outfit (:data:`fashionrec.looks.NO_LOOK`: a cushion cover, a gift
        voucher, a football), or where the catalogue has no piece for its wearer and usage that goes with it."""
        check_k(k)
        item_id = self._check_id(item_id)
        if self.item(item_id).get("gender") != "Unisex" or self._childrens()[self._row[item_id]]:
            side = self._childs_side(item_id)
            look = self._put_together(item_id, k, for_anyone_only=False, side=side)
            if side is None or self._holds_own(look, side):
                return look
            # None of the drawn side's own pieces go with it (sold out, hidden, or none of its kind): the other
            # child's look, where it has more. Taken only where the look was empty, a girl's look with every girls'
            # piece hidden kept to one piece for either child where the boys' had two (stop 75: 9 of 15 kids' unisex
            # looks on a 198-product shop with its Girls products hidden).
            other = self._put_together(item_id, k, for_anyone_only=False, side=OTHER_CHILD_SIDE[side])
            return other if len(other) > len(look) else look
        # A grown-up's unisex product's look leaves out a slot with no piece for anyone, where two pieces or more
        # are for anyone: the slot's pick took a side by colour alone ("Wildcraft Unisex Schoolbag": "French
        # Connection Women Black Trousers" between a unisex T-shirt and Converse, a shopper's trial of stop 68; 324
        # of 397 random unisex products' looks on the full catalogue held a men's or women's piece, nearly all
        # bottoms).
        # For anyone where two pieces or more are, whatever k: asked for one piece (a profile's looks read a look's
        # first piece alone) it always took a side, its lean worked out and the look put together twice, and 2 of 60
        # random unisex bags got another first piece than their page's look (stop 73).
        look = self._put_together(item_id, max(k, 2), for_anyone_only=True)
        return look[:k] if len(look) >= 2 else self._put_together(item_id, k, for_anyone_only=False,
                                                                  side=self._lean(item_id))

    def _holds_own(self, look: list[Rec], side: str) -> bool:
        """Whether ``look`` holds a piece of ``side``'s own (Boys or Girls: a girl's, not one for either child)."""
        own = self._worn_by(side) & ~self._worn_by(OTHER_CHILD_SIDE[side])
        return any(own[self._row[r.id]] for r in look)

    def _childs_side(self, item_id: int) -> str | None:
        """The side (Boys or Girls) the look of a product for either child takes (a kids' unisex T-shirt: its
        wearer "child", :meth:`_wearer`), drawn by its id (:func:`_draw`): the same on every visit, each side in about
        half of such products' looks; None for any other product. Its first piece chose the side before, and the
        catalogue's boys' pieces led: 170 of the 218 kids' unisex products' looks on the full index were boys',
        48 girls' (stop 74). Keeping to the kids' unisex pieces instead halved the distinct pieces (the catalogue's
        five pairs of kids' unisex jeans in most looks; stop 73)."""
        if self._wearer(self._row[item_id]) != "child":
            return None
        return "Boys" if _draw(item_id, "child's side") < 0.5 else "Girls"

    def _lean(self, item_id: int) -> str | None:
        """The side (Men or Women) a grown-up's unisex product's own nearest products lean to: the gender most
        of its page's similar items filed under a side have, else of its :data:`LEAN_NEIGHBOURS` nearest; None where
        neither has more. A unisex perfume's similar items were all men's deodorants while its routine, decided by
        its first pick, was all women's skin care and lip gloss (the catalogue files most skin care and make-up
        Women; stop 70)."""
        # The side its page's similar items lean to first: "RNC Unisex Vetiver Perfume" (37907) listed five unisex
        # and five women's perfumes while its look was men's after-shave and shower gel, its 20 nearest holding
        # ten men's deodorants that its page ranks after the perfumes (stop 71). Its nearest on a tie.
        for near in ([r.id for r in self.page_similar(item_id)], None):
            if near is None:
                row = self._row[item_id]
                near, _ = self._neighbours(self.embeddings[row], LEAN_NEIGHBOURS, None, {item_id},
                                           allow=self._wearers(row))
            sides = collections.Counter(str(self._labels("gender")[self._row[int(i)]]) for i in near)
            men, women = sides.get("Men", 0), sides.get("Women", 0)
            if men != women:
                return "Men" if men > women else "Women"
        return None

    @staticmethod
    def _left_to_others(item_id: int, slot: str, own: np.ndarray, peers: np.ndarray) -> bool:
        """Whether the look of ``item_id`` leaves a slot's few pieces of its wearer and usage (``own``, a mask) to
        other looks (:data:`fashionrec.looks.PIECE_LOOKS`): where the products of that wearer and usage
        (``peers``) are more than PIECE_LOOKS a piece, a look takes them in PIECE_LOOKS x pieces / products of
        looks. The product's id draws which (:func:`_draw`, one draw a slot), so a product's look is the same on
        every visit."""
        pieces, products = int(np.count_nonzero(own)), int(np.count_nonzero(peers))
        return products > PIECE_LOOKS * pieces and _draw(item_id, slot) >= PIECE_LOOKS * pieces / products

    def _put_together(self, item_id: int, k: int, for_anyone_only: bool, side: str | None = None) -> list[Rec]:
        """:meth:`complete_the_look`'s look; ``for_anyone_only``: a unisex product's leaves out the slots where
        it would take a side; ``side``: a unisex product's slot with no piece for anyone takes that side's
        (:meth:`_lean`), not the first pick's. A slot whose few pieces the product's draw left to other looks
        (:meth:`_left_to_others`), with no stand-in, is left out where the look is at most
        :data:`fashionrec.looks.SPREAD_SHORT` piece short of k without it: else the slots whose draws came nearest
        their share take their pieces after all (girls' looks, whose one backpack and one pair of sunglasses were
        drawn out, were 54 of 300 two pieces)."""
        look, left = self._assemble(item_id, k, for_anyone_only, side)
        enough = max(k - SPREAD_SHORT, 1)
        if len(look) >= enough or not left:
            return look
        nearest = sorted(left, key=lambda slot: _draw(item_id, slot))[:enough - len(look)]
        return self._assemble(item_id, k, for_anyone_only, side, keep=frozenset(nearest))[0]

    def _assemble(self, item_id: int, k: int, for_anyone_only: bool, side: str | None,
                  keep: frozenset[str] = frozenset()) -> tuple[list[Rec], list[str]]:
        """:meth:`_put_together`'s look, and the slots left out by the product's draw (:meth:`_left_to_others`)
        for want of a stand-in; ``keep``: slots that take their few pieces whatever the draw."""
        src = self.item(item_id)
        filed = self._look_categories()
        sub, gender, usage, colour = filed[self._row[item_id]], src.get("gender"), src.get("usage"), \
            src.get("baseColour")
        usage_key = self._usage_key()
        if usage_key != "usage":        # no usage label anywhere: the tagger's, where it is sure
            seen_usage = self._label_or_sure("usage")[self._row[item_id]]
            usage = None if pd.isna(seen_usage) else seen_usage
        seen = self.look_colour(item_id)
        name_colour = None
        if seen:
            colour = seen
        elif self._named_otherwise()[self._row[item_id]] and not self._looks_as_labelled(item_id):
            # Its name says another colour than its label (and its photo does not bear the label out: "Mother Earth
            # Women Blue Kurta", filed Green, is seen green): the look goes with the name's (its first), or where the
            # name says many, as a product filed Multi's does, neutrals first ("Global Desi Women Multi Coloured
            # Kurta", filed Red, had "Black goes with Red": a shopper's trial, stop 64; with no colour at all its
            # look took yellow sandals and a tribal-print bag for a multicoloured dress).
            said = self._named_colours()[1][self._row[item_id]]
            name_colour = said[0] if said else MULTI
            colour = name_colour
        if sub in NO_LOOK or (sub == src.get("subCategory") and src.get("masterCategory") in NO_LOOK):
            # A cushion cover or a gift voucher has no outfit to complete; a tie filed under Free Items
            # (its type is filed under Ties) is a tie.
            return [], []
        article = src.get("articleType")
        if isinstance(article, str):
            article = self._rule_types()[self._row[item_id]]
        named_as = None
        for (filed_as, named), (as_type, _) in NAMED_TYPES.items():
            # "Fabindia Women Blue Salwar" filed as lounge pants: a salwar's look, its kurta first (its group is the
            # named type's, _build_look_categories).
            if article == filed_as and re.search(named, str(src.get("productDisplayName"))):
                article = named_as = as_type
        if usage_key == "usage" and (said := NAMED_USAGE_PATTERN.search(str(src.get("productDisplayName") or ""))):
            usage = NAMED_USAGE[said.group(1).lower()]      # "... Wedding Gold Crystal Heels", filed Casual
        usage = TYPE_USAGE.get(article, usage)
        slots = (OWN_LOOKS.get(article) or TYPE_SLOTS.get(article) or USAGE_SLOTS.get((usage, sub, gender))
                 or USAGE_SLOTS.get((usage, sub)) or COMPLEMENTS.get(sub, ACCESSORY_DEFAULT))
        routine = src.get("masterCategory") == "Personal Care"
        # A slot of its own category only where SLOT_TYPES names its other types (a night suit's robe).
        slots = [s for s in slots if s != sub or (article, s) in SLOT_TYPES]
        if article in LAYERED:      # a blazer goes over a shirt, a dupatta with a kurta
            slots = ["Topwear"] + slots
        if for_anyone_only and src.get("masterCategory") == "Accessories" and "Eyewear" not in slots + [sub]:
            # A unisex bag's or cap's look, short of the bottoms for anyone it has none of: sunglasses after its
            # slots (most are for anyone) make up the fourth piece.
            slots = slots + ["Eyewear"]
        it = self.items
        # The catalogue files some children's products as Unisex (214 of 1,925, "Kids" or "Children's" in the
        # name), and some as Men or Women (320, "Palm Tree Kids Boys Check White Shorts" filed as men's: the
        # bottomwear of a men's shirt's look): not for a grown-up's look (kids' sandals with a sari), and the
        # only ones besides Boys and Girls for a child's (a girl's dress with a His & Her watch set, a boy's
        # T-shirt with adults' Converse). A Unisex name counts with any word for a child; a grown-up's only
        # with "Kids", "Boy's", "Infant" and the like (not "Wild Child" nail polish or a "Party Girl" watch).
        # (:meth:`_wearers`, which similar items share.)
        who = self._wearers(self._row[item_id])
        if side:        # its own side's pieces and those for anyone (not a child's); a child's those for either
            who = who & self._worn_by(side)
        baby = self._infants()
        # A baby's look takes babies' pieces where a slot has them; any other look, none.
        who = who if baby[self._row[item_id]] else who & ~baby
        same_usage = self._is(usage_key, usage) if usage else np.zeros(len(it), bool)
        # Slot popularity: share of this gender+usage's items in each slot's subCategory.
        peer = who & (same_usage if same_usage.any() else True)
        sub_counts = {s: int(np.count_nonzero(peer & self._is("look", s))) for s in slots}
        pop_max = max(sub_counts.values(), default=0) or 1
        clashes = None      # computed when a slot first needs a stand-in usage
        # Never a freebie in a look ("Free Gifts" on its card reads as not for sale), nor a placeholder's name,
        # nor what is worn under a top this is not (WORN_UNDER).
        under = [t for t, tops in WORN_UNDER.items() if article not in tops]
        # Nor shorts with a sweater, nor a muffler with shorts (the product's weather, then each piece's); nor a
        # layer worn over a top as a look's top. A belt only where the look's bottoms take one, and a belt's
        # bottoms ones that take it (a belt's look had athletic 3/4 pants, a review); one pair of shoes; one print
        # a look: once the product or a piece is printed, a printed candidate loses PRINT_ON_PRINT.
        excluded, beltless, shod, prints, dressed = self._binds(self._row[item_id], sub)
        free = self._free_items() | self._set_aside_rows() | self._is("articleType", [*under, *NOT_ALONE, *excluded])
        printed = self._printed()
        # Pieces whose photo or name says another colour than the label a reason would speak of.
        otherwise = self._looks_otherwise() | self._named_otherwise()
        child = gender in ("Boys", "Girls") or bool(self._childrens()[self._row[item_id]])
        anyone = gender == "Unisex" and not child
        anyones = self._is("gender", ["Unisex"]) & ~self._childrens() if anyone else None
        out: list[Rec] = []
        left: list[str] = []
        lent_pieces = 0     # a grown-up's pieces in a child's look
        picked = {sub: colour}      # the colour of each slot filled so far, the product's own included
        for slot in slots:
            if len(out) >= k:
                break
            if (slot == "Belts" and beltless) or (slot in FOOTWEAR and shod) or (slot == "Bottomwear" and dressed):
                continue
            fits = self._is("look", slot) & ~free
            only = SLOT_TYPES.get((usage, article, slot)) or SLOT_TYPES.get((article, slot)) \
                or SLOT_TYPES.get((sub, slot))
            if only:
                fits &= self._is("rule_type", only)
            if usage in NO_CLOGS:      # no Crocs with a lehenga, filed as sandals
                fits &= ~self._clogs()
            if slot == "Bags":      # no rain cover or laptop sleeve as a look's bag
                fits &= ~self._not_bags()
            fits[self._row[item_id]] = False
            cand = who & fits
            # A child's bag a grown-up's unisex backpack where the children's are none or left to other looks.
            grown = (fits & self._grown_up_stand_ins(slot) if child and slot in GROWN_UP_STAND_INS
                     and not baby[self._row[item_id]] else None)       # a baby's look none
            if not cand.any():
                if grown is None or not grown.any():
                    continue
                cand = grown
            if baby[self._row[item_id]] and (cand & baby).any():
                cand &= baby
            usage_ok = cand & same_usage
            few = (slot in ACCESSORY_SLOTS and slot not in keep and usage_ok.any()
                   and self._left_to_others(item_id, slot, usage_ok, peer))
            own = np.flatnonzero(usage_ok) if few else None
            if few:     # its few pieces of its usage are another look's this time: a stand-in of their types
                left.append(slot)       # until one fills it
                cand &= self._is("articleType", list(set(self._column("articleType")[usage_ok]))) & ~usage_ok
                if grown is not None:
                    cand |= grown
                usage_ok = cand & same_usage
            if usage_ok.any():
                cand = usage_ok
            elif usage and (slot in SAME_USAGE_SLOTS or (usage, slot) in SAME_USAGE_PAIRS):
                continue
            elif usage:
                clashes = self._clashing(usage) if clashes is None else clashes
                cand &= ~clashes
                # Nor, standing in, what the look's usage never takes (NOT_STANDING_IN): no sneakers or backpack
                # for an ethnic look, no shorts for a party one, nothing ethnic for a casual one.
                cand &= ~self._is("articleType", list(NOT_STANDING_IN.get(usage, ())))
                cand &= ~self._is(usage_key, list(NO_STAND_IN_USAGE.get(usage, ())))
                if not cand.any():
                    continue
                # The nearest first (a party shirt's smart casual shoes, not canvas ones), then the near ones.
                first = cand & self._is(usage_key, list(STAND_IN_FIRST.get(usage, ())))
                nearer = first if first.any() else cand & self._is(usage_key, list(STAND_IN_USAGE.get(usage, ())))
                if nearer.any():
                    cand = nearer
                if usage in DRESSED_UP and slot in ACCESSORY_SLOTS:
                    # A kurta's stand-in bag a clutch or a handbag named so, not a Puma shopper or a sling bag.
                    fit = cand & self._fit_to_stand_in(usage)
                    if fit.any():
                        cand = fit
                elif usage in DRESSED_UP and slot in FOOTWEAR:
                    # ... and its stand-in shoes or sandals of no sportswear brand where the slot has others: a men's
                    # churidar's sandals were "Nike Men Nike air embark Black Sandals", filed Casual (stop 77's
                    # shopper), beside 600 casual men's sandals of other brands.
                    fit = cand & ~self._clashing_brand(usage)
                    if fit.any():
                        cand = fit
            if few and self._left_to_others(item_id, f"{slot} stand-in", cand, peer):
                continue    # its stand-ins are as few (a girl's look's one sports backpack): other looks' too
            if anyone and (cand & anyones).any():
                # A unisex product's look is for anyone where the slot allows: 115 of 200 random unisex
                # products' looks were all men's pieces (a unisex headband's, a key chain's).
                cand &= anyones
            elif anyone and for_anyone_only:
                continue
            rows = np.flatnonzero(cand)
            matched = np.zeros(len(rows))
            # (score, note) per colour and each candidate's colour code: per colour, not per candidate (a slot can
            # hold 5,000; two lists of them, one per candidate, were 4% of a profile's looks, stop 73)
            if routine:     # a deodorant's colour says nothing about the lotion to go with it
                per_colour, codes = [(0.5, "")], np.zeros(len(rows), np.intp)
            else:
                # The colours among them by the catalogue's colour codes, kept per version of the items (pd.factorize
                # of the slot's colour names took 4% of a profile's looks, stop 73); -1: none.
                known, index = self._value_index("baseColour")
                codes = known[rows]
                present = np.unique(codes[codes >= 0])
                names = list(index)
                colours = [names[c] for c in present]
                codes = np.where(codes >= 0, np.searchsorted(present, codes), -1)
                per_colour = [colour_compatibility(colour, c) for c in colours] + [colour_compatibility(colour, None)]
                match = picked.get(MATCHED_SLOTS.get(slot))
                if match:       # a belt the colour of the shoes
                    matched = np.append(nearness([match], list(colours)), 0.0)[codes]
            cs = np.array([c[0] for c in per_colour])[codes]        # code -1 (no colour): the last
            if slot in ACCESSORY_SLOTS:    # a bold bag's pair with the product no better than a neutral bag
                cs = np.minimum(cs, ACCESSORY_PAIR_CAP)
            elif self._left_to_others(item_id, f"{slot} pair", cs > ACCESSORY_PAIR_CAP,
                                      peer & self._is("baseColour", colour)):
                # A listed pair's few pieces lead only a share of the looks of the product's colour, as an accessory
                # slot's few pieces do (PIECE_LOOKS): the one grey pair of women's ethnic shoes led every pink and
                # purple kurta's look. In the rest a pair is as good as a neutral, its photo's nearness deciding.
                cs = np.minimum(cs, ACCESSORY_PAIR_CAP)
            if few:         # a stand-in for the look's usage's own pieces goes with the product's colour, or none
                right = cs >= ACCESSORY_PAIR_CAP
                if not right.any():
                    continue
                rows, cs, matched, codes = rows[right], cs[right], matched[right], codes[right]
            # The colours two pieces so far already have, not the product's nor the one this slot matches (a belt's
            # shoes): a grey T-shirt and grey trousers are one look, a grey watch and a grey bag after them monotony.
            on = collections.Counter(c for s, c in picked.items()
                                     if s not in (sub, MATCHED_SLOTS.get(slot)) and isinstance(c, str) and c != colour)
            worn = [c for c, n in on.items() if n >= REPEATS_ALLOWED]
            repeats = np.isin(self._column("baseColour")[rows], worn) if worn and not routine else 0.0
            um = same_usage[rows].astype(float)
            # The season of a bangle or a bag is when it was listed, not its weather (SEASONLESS_SLOTS).
            sm = 0.0 if slot in SEASONLESS_SLOTS else self._is("season", src.get("season"))[rows].astype(float)
            typical, affinity = self._typical_and_affinity(rows, self._row[item_id], like=own)
            pop = sub_counts.get(slot, 0) / pop_max
            typicality = LOOK_TYPICALITY if own is None else STAND_IN_LIKENESS   # a stand-in: like its pieces
            score = (0.5 * cs + 0.2 * um + 0.1 * sm + 0.1 * pop + typicality * typical + LOOK_AFFINITY * affinity
                     + MATCH_WEIGHT * matched
                     - LOOK_SEEN_OTHERWISE * otherwise[rows]
                     - PRINT_ON_PRINT * (prints & printed[rows])
                     - REPEAT_COLOUR * repeats)
            best = int(np.argmax(score))
            tied = np.flatnonzero(score >= score[best] - (ACCESSORY_TIE if slot in ACCESSORY_SLOTS else LOOK_TIE))
            if len(tied) > 1:
                # Which of the near-ties is the product's own, and the same on every visit (Knuth's multiplicative
                # hash of its id, so neighbouring ids spread): one typical watch was in 62 of 800 random looks.
                best = int(tied[(item_id * 2654435761 + len(out)) % 2**32 % len(tied)])
            r = rows[best]
            item = self.item(int(self._ids[r]))
            whose = {**SIDES, "Boys": "boys'", "Girls": "girls'"}.get(gender, gender)
            # A swimwear's look: "... women's swimwear"; a layer's by its type, not its group ("Topwear to go with
            # the casual men's topwear" was a jacket's). A whole outfit and booties too: a lehenga choli's look said
            # "the ethnic girls' topwear", infant booties' (filed under Socks) "the casual boys' socks" (a shopper's
            # trial of stop 62).
            # A product named as another type than it is filed under, by the type its card names: "Fabindia Women
            # Navy Blue Salwar" (filed as lounge pants) read "... the casual women's bottomwear" (a code review).
            kind = (article if named_as or article in LAYERED or article in WHOLE_OUTFITS or article in INFANT_SHOES
                    or article in SAID_AS_TYPE
                    or not sub
                    else footwear_said(src.get("productDisplayName"), article) if sub == "Shoes"
                    else slot_name(sub))
            if child and gender == "Unisex":
                # A child's unisex product: "the casual unisex topwear" read as a grown-up's; and which child's look
                # its drawn side makes it (:meth:`_childs_side`), the pieces for either child saying no side.
                whose = "kids' unisex"
            what = " ".join(str(x) for x in (usage and usage.lower(), whose and whose.lower(), kind and kind.lower())
                            if x) + (f" for a {side.lower().removesuffix('s')}" if child and side else "")
            colour_note = per_colour[codes[best]][1]
            # Saying whose colour that is: its page shows the label (a shopper trial read "White goes with Black"
            # under a sandal the page called Brown). On a card, "its photo" read as the card's product's: the
            # product page says it once, above the look.
            aside = (f" ({seen.lower()} as its photo shows it; labelled {src.get('baseColour')})" if seen
                     else f" ({'of many colours' if name_colour == MULTI else name_colour.lower()} as its name says; "
                     f"labelled {src.get('baseColour')})" if name_colour else "")
            # A grown-up's unisex product's piece filed under a side says so, on its card too: a unisex perfume's
            # routine, with no piece for anyone, was a women's face wash and lipstick unsaid (a shopper's trial).
            # A child's unisex product's piece filed under boys or girls too: a unisex kids' T-shirt's look was a
            # boy's shorts and sunglasses, unsaid (a shopper's trial of stop 70).
            lent = child and not self._childrens()[r] and item.get("gender") == "Unisex"   # GROWN_UP_STAND_INS
            lent_pieces += lent
            piece_side = (SIDES.get(item.get("gender")) if anyone else "for anyone" if lent else
                          CHILD_SIDES.get(item.get("gender")) if gender == "Unisex" else None)
            reason = (f"{slot_name(slot)}{f' ({piece_side})' if piece_side else ''} to go with the {what}"
                      + (f": {colour_note}{aside}" if colour_note else ""))
            # "For women", "For anyone"
            said_for = piece_side.split("'")[0].removeprefix("for ") if piece_side else None
            card_reason = (f"For {said_for}" + (f": {colour_note}" if colour_note else "") if piece_side
                           else colour_note)
            out.append(Rec(int(self._ids[r]), float(score[best]), reason, item, slot=slot, card_reason=card_reason))
            if few:
                left.remove(slot)
            picked[slot] = item.get("baseColour")
            # A sweater picked, no capris after it: each piece binds the rest of the look as the product does.
            excluded, no_belt, shoes, print_, whole = self._binds(r, slot)
            free |= self._is("articleType", list(excluded))
            beltless, shod, prints, dressed = beltless or no_belt, shod or shoes, prints or print_, dressed or whole
            if gender == "Unisex" and item.get("gender") in ("Men", "Women", "Boys", "Girls"):
                # A unisex item's look takes one side: the first slot's, not men's jeans with a women's watch.
                # A child's product filed as a man's (Boy's ... Kidswear) keeps a child's look a child's; and a look
                # that was no baby's takes no baby's piece after it (a kids' unisex shoe got infant booties, a review).
                who = self._wearers(r) & self._worn_by(side) if side else self._wearers(r)
                who = who if baby[self._row[item_id]] else who & ~baby
        if lent_pieces == len(out):
            # A grown-up's backpack alone is no child's look: "Doodle Kids Boy Light Blue Shorts", filed as men's, had
            # none where its catalogue has no other piece for a boy, and got one.
            return [], left
        return out, left

"""What every recommender returns (:class:`Rec`: an item, its score and why) and the checks on the
arguments they share."""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Iterable

from fashionrec.errors import BadInputError

FILTER_KEYS = ("gender", "masterCategory", "subCategory", "articleType", "baseColour", "usage", "season")
NEAR_DUPLICATE = 0.995      # cosine above this: the same photo, never recommended as "similar"
DUPLICATE_SLACK = 10        # extra neighbours fetched so that dropping copies still leaves k results
MAX_K = 1000                # most results one recommendation call returns
RERANK_POOL = 200           # nearest neighbours re-ranked by the attribute-aware score
# A calibrated probability under this is a guess: a photo's type the web page calls unsure, a label an added
# product takes from the tagger that is said, a prediction text search does not match an empty label by.
UNSURE = 0.5


@dataclasses.dataclass
class Rec:
    """One recommended item: its id, a score (higher is better), why, and its metadata.

    A score orders one list; it is not comparable across methods, since each ranks by its own measure. It never
    rises down a list (:func:`in_list_order`) but a look's (``complete_the_look``: in its slots' order): the lists
    are ordered by more than their measure (similar items: the product's own type first, a colour at a time,
    diversity, another listing of a product after the rest; a profile's picks in turns; a text search's named
    type first, or a price order asked for), and an integrator sorting, merging or cutting by score kept the shop's
    order only so; ``raw_score`` keeps the measure itself. The measures:

    - ``similar`` and ``similar_to_image``: the cosine plus the attribute bonus
      (:data:`fashionrec.recommend.ATTRIBUTE_WEIGHTS`), so it can pass 1; the reason gives the cosine alone
      as "visual similarity".
    - ``for_profile``: the cosine to the liked item the reason names, or to the mean of the liked items
      where it says "between your N liked items"; a pick that goes with a liked item, its look's score.
    - ``search_text``: the MiniLM cosine between the query and the product's text.
    - ``complete_the_look``: a weighted sum of colour compatibility, same usage, same season, the slot's
      share of the catalogue, how typical of its slot the item looks and its cosine to the source product
      (at most 1.1).
    """

    id: int
    score: float
    reason: str
    item: dict
    slot: str | None = None     # complete_the_look: the subCategory this item fills (Bottomwear, Shoes...)
    # What a product card has room for (two lines): what sets this result apart from the others of its list,
    # in a shopper's words and without the scores ("Same type and colour", "Black goes with Red"); the
    # whole reason as it is where left empty.
    card_reason: str = ""
    # The measure the list ranked it by, where ``score`` is that capped at the score before it (in_list_order);
    # None in a look's (complete_the_look), whose score is its measure.
    raw_score: float | None = None

    def __post_init__(self):
        if not self.card_reason:
            self.card_reason = self.reason[:1].upper() + self.reason[1:]


def in_list_order(recs: list[Rec]) -> list[Rec]:
    """``recs`` (in the order they are listed) with each ``score`` at most the one before it and ``raw_score`` the
    measure it was ranked by (kept where already set: a list made of such lists), so that sorting by score, highest
    first (a stable sort), gives the list's own order. Before (stop 68, a copy of runs/index, random products of seed
    68), lists with a score above the one before it: similar items 0 of 200 at k=12 but 50 of 50 with diversity 0.5,
    other colours 17 of 50, photo search 0 of 30, profiles of 3 products 20 of 20, text searches 3 of 10."""
    before = math.inf
    for r in recs:
        if r.raw_score is None:
            r.raw_score = r.score
        r.score = min(float(r.raw_score), before)
        before = r.score
    return recs


def chosen_colour(filters: dict | None, item: dict) -> str | None:
    """``item``'s colour where ``filters`` (a list's, in the catalogue's spelling) chose it, for its reason to say
    so; else None."""
    asked = (filters or {}).get("baseColour")
    colour = item.get("baseColour")
    if not asked or not colour:
        return None
    return colour if colour in ([asked] if isinstance(asked, str) else asked) else None


def check_similarity(value: float | None) -> None:
    """Refuse a ``min_similarity`` that is no cosine (:class:`~fashionrec.errors.BadInputError`); None passes."""
    # Text ('x') reached the comparison as a TypeError (a Python user's trial).
    if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Real)
                              or not -1.0 <= value <= 1.0):
        raise BadInputError(f"min_similarity is a cosine between -1 and 1, got {value!r}")


# How many of each list a product page shows (api/routes/pages.py); `fashionrec recommend export` writes as many
# by default, so that a shop's own pages and the served ones agree.
PRODUCT_PAGE = {"similar": 12, "other_colours": 6, "outfit": 4}
# What a product's similar items do with its colourways that its page's row of other colours shows
# (Recommender.similar's ``colourways``; left out: "exclude", unless the call asks for other colours itself).
COLOURWAYS = ("exclude", "include")


def check_k(k: int) -> None:
    """Refuse a number of results outside 1..:data:`MAX_K` (:class:`~fashionrec.errors.BadInputError`)."""
    # A bound, because the work grows with k (2k + 10 candidates re-scored, pairwise duplicate checks):
    # k=100000 kept two cores busy for over ten minutes. Paging through more is browse()'s job.
    # A float or a string reached slicing as a TypeError, and True asked for one result (a Python user's trial).
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or not 1 <= k <= MAX_K:
        raise BadInputError(f"k must be a whole number between 1 and {MAX_K}, got {k!r}")


def id_list(ids) -> list:
    """``ids`` as a list, one id given alone as a list of it: ``for_profile(15970)`` and ``remove_products(15970)``
    raised "'int' object is not iterable" (a Python user's trial)."""
    if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable) or getattr(ids, "ndim", None) == 0:
        return [ids]
    return list(ids)


def wearable_by(item: dict, liked: dict) -> bool:
    """Whether ``item`` is for the wearer of ``liked``: the same gender, or either one unisex or unknown."""
    a, b = item.get("gender"), liked.get("gender")
    return not a or not b or a == b or "Unisex" in (a, b)


def title(item: dict, limit: int = 48) -> str:
    """An item as a reason names it: its product name (shortened), else its type and colour."""
    name = str(item.get("productDisplayName") or "").strip()
    if not name:
        return f"the {item.get('baseColour') or ''} {item.get('articleType') or 'item'}".replace("  ", " ")
    return name if len(name) <= limit else name[:limit - 1].rstrip() + "…"


def listed(words: list[str]) -> str:
    """["type", "colour", "gender"] -> "type, colour and gender"."""
    return " and ".join(words) if len(words) < 3 else ", ".join(words[:-1]) + " and " + words[-1]

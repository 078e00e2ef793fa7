"""Recommendations for a profile: products for someone who liked or viewed several, taken from the
neighbours of each in turn, with pieces that go with them.

:class:`Profiles` is a part of :class:`fashionrec.recommend.Recommender`; it uses the recommender's
embeddings, nearest neighbours and looks.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from fashionrec.blas import one_blas_thread
from fashionrec.errors import BadInputError
from fashionrec.looks import slot_name
from fashionrec.results import (
    MAX_K,
    NEAR_DUPLICATE,
    RERANK_POOL,
    Rec,
    check_k,
    id_list,
    in_list_order,
    title,
    wearable_by,
)
from fashionrec.tagger import l2_normalise

NAME_IN_FULL = 100      # characters of a saved product's name a pick's reason gives
# What a liked item's neighbour of its usage gains in the order of its "like" picks, over its similar items' order: a
# Tantra casual T-shirt was "like" a Fila sports one (a stop 61 trial). Less than a colour's weight (0.5,
# recommend.ATTRIBUTE_WEIGHTS): its type in its colour first still (three saved red dresses got 16 dresses, 2 of them
# red), of its usage first within each.
LIKE_USAGE_WEIGHT = 0.3
# Cosine above which two picks look alike to a shopper, though no copy (results.NEAR_DUPLICATE): the first pass
# holds such a pick back for one that differs. At 0.95 one saved striped shirt got 5 near-identical lavender shirts
# on one model among its 24 picks (cosines 0.91-0.93, a shopper's trial of stop 75); then 0.95, then anything but a
# copy fill up a page the first pass left short.
LOOK_ALIKE = 0.90
# The passes: (the cosine to a chosen pick above which a pick is held back, how many chosen picks it may look like,
# above LOOK_ALIKE). The fill-up takes first those that look like 1 chosen pick, then 2, 4, 8, then any: every
# sunglasses photo looks alike to the model, and a saved pair's fill-up took the next in its list whatever it looked
# like (40 of the 276 pairs of its 24 picks above 0.90; 11 so; over 30 saved pairs 717 -> 176, stop 76).
LOOK_ALIKE_PASSES = ((LOOK_ALIKE, 0), (0.95, 1), (0.95, 2), (0.95, 4), (0.95, 8), (0.95, MAX_K), (1.0, MAX_K))


def _every_third(alike: list, extra: list, k: int) -> list:
    """``k`` of ``alike`` with ``extra`` in every third place (the 3rd, 6th, ...); either fills in for the
    other once it runs out."""
    out, a, e = [], iter(alike), iter(extra)
    while len(out) < k:
        first, then = (e, a) if len(out) % 3 == 2 else (a, e)
        nxt = next(first, None)
        nxt = next(then, None) if nxt is None else nxt
        if nxt is None:
            break
        out.append(nxt)
    return out


def _same_name(name) -> str:
    """A product's name as two listings of one product share it: casefolded, its spaces as one ("" for none)."""
    return " ".join(str(name).casefold().split()) if isinstance(name, str) else ""


class _Lists:
    """:meth:`Profiles._profile_lists`' lists, each worked out (``make(js, per)``: lists ``js``, each its ``2 * per``
    nearest) the first time it is read: the round robin stops at ``k`` picks, so with more liked items than picks most
    lists were never read (200 saved products, 10 picks: 201 nearest-neighbour searches and re-rankings for 10 lists
    read, 1.8 s of a request; a code review). Those the round robin is sure to read are worked out together
    (:meth:`read`), their searches in one."""

    def __init__(self, make: Callable[[list[int], int], list[tuple[int | None, np.ndarray, np.ndarray]]], n: int,
                 per: int):
        self._make, self._lists, self._per = make, [None] * n, [per] * n

    def __len__(self) -> int:
        return len(self._lists)

    def __iter__(self) -> Iterator[tuple[int | None, np.ndarray, np.ndarray]]:
        """Every list, those not worked out yet worked out together."""
        return (self.read(j, len(self)) for j in range(len(self)))

    def read(self, j: int, ahead: int = 1) -> tuple[int | None, np.ndarray, np.ndarray]:
        """List ``j``; not worked out yet, it is, with those of the next ``ahead - 1`` not worked out yet (all of the
        base size: only a list read is deepened)."""
        if self._lists[j] is None:
            js = [i for i in range(j, min(len(self._lists), j + max(1, ahead))) if self._lists[i] is None]
            for i, made in zip(js, self._make(js, self._per[j]), strict=True):
                self._lists[i] = made
        return self._lists[j]

    def deepen(self, j: int) -> bool:
        """Whether list ``j``, a liked item's read to its end, was cut at its size and is now searched four times
        as deep (to :data:`~fashionrec.results.MAX_K`)."""
        made = self._lists[j]
        if made is None or made[0] is None or len(made[1]) < 2 * self._per[j] or self._per[j] >= MAX_K:
            return False
        self._per[j] = min(MAX_K, 4 * self._per[j])
        self._lists[j] = self._make([j], self._per[j])[0]
        return True

    def left(self, j: int, pos: int) -> bool:
        """Whether list ``j`` may hold candidates from ``pos`` on (one not read yet may)."""
        return self._lists[j] is None or pos < len(self._lists[j][1])


class Profiles:
    """Profile recommendations: a part of :class:`fashionrec.recommend.Recommender`, which owns what it reads:
    ``embeddings``, ``_row``, ``item``, ``vector``, ``_check_id``, ``_neighbours``, ``_reason_similar``,
    ``_labels``, ``_childrens``, ``_worn_by``, ``_wearers`` and ``complete_the_look``
    (:class:`fashionrec.outfits.Outfits`)."""

    def known_liked(self, liked_ids: Sequence[int]) -> tuple[list[int], list[int]]:
        """(the liked ids this index has, those it does not), each once, in the order given: a shopper's saved
        list outlives products (sold out, removed), and one gone need not lose the page (`--skip-unknown`, the
        API's ``skip_unknown``)."""
        # Ids as for_profile reads them: "9646" (from JSON) was said to be unknown there, then liked here (a
        # Python user's trial); what is no id at all is refused, as there.
        ids = list(dict.fromkeys(self._id_of(i) for i in id_list(liked_ids)))
        return [i for i in ids if i in self._row], [i for i in ids if i not in self._row]

    def for_profile(self, liked_ids: Sequence[int], k: int = 10, looks: bool = True) -> list[Rec]:
        """Items for someone who liked ``liked_ids``: neighbours of each and of their mean, taken in turn,
        and with ``looks``, every third pick one that goes with a liked item (its :meth:`complete_the_look`).

        Each liked item contributes its own nearest neighbours; the mean embedding, where the liked items are
        for one wearer and of one masterCategory, contributes items that suit the whole set. Lists are merged
        round-robin, skipping look-alikes of items already chosen (cosine > :data:`LOOK_ALIKE`) while others are
        left, so the page covers
        every liked item. The looks' picks take the liked items in turn too, the best slot of each first (a
        shopper who saved one dress got 23 dresses and a tunic, and no shoes or bag to go with it).
        """
        check_k(k)
        liked_ids = id_list(liked_ids)
        if looks:
            alike = self.for_profile(liked_ids, k, looks=False)
            liked = self._types_in_turn(list(dict.fromkeys(self._check_id(i) for i in liked_ids)))
            # (its picks in turns: each liked item's, a look's every third)
            return in_list_order(_every_third(alike, self._profile_looks(liked, k // 3, {r.id for r in alike}), k))
        if not liked_ids:
            raise BadInputError("for_profile needs at least one liked item id")
        # A repeated id counts once.
        liked = self._types_in_turn(list(dict.fromkeys(self._check_id(i) for i in liked_ids)))
        lv = np.stack([self.vector(i) for i in liked])                  # (m, d)
        mean = l2_normalise(lv.mean(axis=0, keepdims=True))[0]
        per = max(k, 2 * k // len(liked) + 2)
        wearer = self._profile_wearer(liked)
        lists = self._profile_lists(liked, lv, mean, per, k)
        chosen: list[Rec] = []
        # Its products are a candidate against the chosen ones, one at a time: OpenBLAS's threads woken for
        # each took 2.5 s of a 1,000-pick profile where one thread took 0.7-0.9 (on 2 busy cores).
        with one_blas_thread:
            for min_gap, most_alike in LOOK_ALIKE_PASSES:     # the first pass skips look-alikes; the rest fill up
                self._round_robin(lists, liked, lv, k, chosen, min_gap, wearer, most_alike)
        return in_list_order(chosen)

    def _profile_lists(self, liked: list[int], lv: np.ndarray, mean: np.ndarray, per: int, k: int) -> _Lists:
        """Each liked item's ``2 * per`` nearest, in the order of its similar items, and, where the liked items
        are for one wearer and of one kind, the ``2 * k`` nearest their mean: the lists :meth:`for_profile` takes
        its picks from in turn, each searched once the round robin reaches it."""
        liked_set = set(liked)
        # Twice the neighbours each list needs: the round robin drops those for another wearer than the
        # liked item (a filtered search per liked item cost 13 ms each, 3.5 s for 200 liked items).
        rerank = any(self.attribute_weights.values())
        usages = self._labels("usage")
        liked_usages = set(usages[[self._row[i] for i in liked]]) - {""}

        def nearest(js: list[int], per: int) -> list[tuple[int | None, np.ndarray, np.ndarray]]:
            each = [j for j in js if j < len(liked)]
            found = dict(zip(each, self._neighbours_each(lv[each], 2 * per, liked_set | self._set_aside(), dedupe=True,
                                                         pool=max(2 * per, RERANK_POOL) if rerank else 2 * per),
                             strict=True))
            return [ranked(j, *found[j]) if j in found else mean_list() for j in js]

        def mean_list() -> tuple[None, np.ndarray, np.ndarray]:
            ids, sc = self._neighbours(mean, 2 * k, None, liked_set | self._set_aside(), pool=2 * k)
            if len(ids) and len(liked_usages) == 1:
                # Liked items of one usage: its products first (one saved sports T-shirt's picks from the mean,
                # half of the page, were by cosine alone: casual ones among them).
                order = np.argsort(~(usages[self._rows(ids)] == next(iter(liked_usages))), kind="stable")
                ids, sc = ids[order], sc[order]
            return None, ids, sc

        def ranked(j: int, ids: np.ndarray, sc: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
            i = liked[j]
            if len(ids) and rerank:
                # In the order of its similar items (type, colour, wearer, the kind its name says), each keeping
                # its cosine for the reason: three saved red dresses got 16 dresses, 2 of them red, while each
                # one's similar items were all red.
                row, rows = self._row[i], self._rows(ids)
                score = (sc + self._attribute_bonus(rows, self._known_labels(i), self._wearers(row), row)
                          + self._kind_bonus(rows, row)
                          + LIKE_USAGE_WEIGHT * ((usages[rows] == usages[row]) & (usages[row] != "")))
                order = np.argsort(-score, kind="stable")[:2 * per]
                ids, sc = ids[order], sc[order]
            return i, ids, sc

        rows = [self._row[i] for i in liked]
        worn_by = set(self._labels("gender")[rows]) - {"Unisex", ""}
        # Between a men's shirt and a women's kurta lies nothing either would wear, nor between a sari and a
        # football (shoppers got picks "Between your 2 saved items"): the mean only where the liked items are for
        # one wearer and of one kind (clothes, shoes, accessories, personal care).
        with_mean = len(worn_by) <= 1 and len(set(self._labels("masterCategory")[rows])) == 1
        return _Lists(nearest, len(liked) + with_mean, per)

    def _types_in_turn(self, liked: list[int]) -> list[int]:
        """``liked`` with its types taking turns, each type's items in the order given (the latest saved first):
        picks are taken from the liked items in turn, so 72 saved products, the latest 24 sneakers, got 24
        picks for sneakers alone and none for the shirts and watches (a phone shopper's trial)."""
        types: dict[str, list[int]] = {}
        for i, kind in zip(liked, self._labels("articleType")[[self._row[i] for i in liked]], strict=True):
            types.setdefault(kind, []).append(i)
        return [i for turn in itertools.zip_longest(*types.values()) for i in turn if i is not None]

    def _profile_wearer(self, liked: list[int]) -> np.ndarray | None:
        """(n,) bool, the rows a profile's picks may be, or None for any its liked items' wearers allow: a
        child's where every liked item for someone in particular is a child's (a shopper saved a boy's shoes,
        jacket and watch and a unisex schoolbag, and got men's jeans and shoes beside the schoolbag)."""
        rows = [self._row[i] for i in liked]
        genders = self._labels("gender")[rows]
        childs = self._childrens()[rows] | np.isin(genders, ["Boys", "Girls"])
        grown = np.isin(genders, ["Men", "Women"]) & ~childs
        return self._worn_by("child") if childs.any() and not grown.any() else None

    def _profile_looks(self, liked: list[int], n: int, shown: set[int]) -> list[Rec]:
        """Up to ``n`` items that go with the liked items: the first slot of each liked item's look in
        turn, then the second..., none liked, shown already or repeated, nor another listing of one (the same
        name, or a copy of its photo)."""
        if n <= 0:
            return []
        # Each liked item's look worked out once its turn comes: most of the 2n were never read (a look is 15-30 ms;
        # a page of 24 picks for 20 saved products worked out 16 for its 8, a code review).
        looks: dict[int, list[Rec]] = {}
        whole: set[int] = set()     # the liked items whose look is worked out to its four pieces
        taken = set(liked) | shown
        # As the picks like them leave them out: "Basics Men Black Trousers" saved under one id came back under
        # another as what goes with the saved shirt (a code review).
        names = {_same_name(self._column("productDisplayName")[self._row[i]]) for i in taken} - {""}
        # The taken ones' embeddings, in rows filled as pieces are picked (a copy of them all per pick was an
        # np.vstack), compared on this thread alone: OpenBLAS's threads woken per candidate on 2 busy cores made
        # this loop's own time 1.4 s of a 200-liked, 100-pick profile's 7.7 (cProfile).
        vectors = np.empty((len(taken) + n, self.embeddings.shape[1]), self.embeddings.dtype)     # (m + n, d)
        m = len(taken)
        vectors[:m] = self.embeddings[[self._row[i] for i in taken]]
        wearer = self._profile_wearer(liked)
        out: list[Rec] = []
        with one_blas_thread:
            for depth in range(4):
                for i in liked[:n * 2]:
                    if len(out) >= n:
                        return out
                    if i not in looks or (depth and i not in whole):
                        # A look's first piece alone until a deeper one is read: its slots are filled in turn, the
                        # first never waiting on the rest, so its k=1 is its k=4's first piece. 200 saved products
                        # asked for 100 picks read the first piece of 34 looks and worked out all four (2.6 s of
                        # their slot scoring).
                        looks[i] = self.complete_the_look(i, k=1 if depth == 0 else 4)
                        if depth or not looks[i]:
                            whole.add(i)
                    look = looks[i]
                    if depth >= len(look) or look[depth].id in taken:
                        continue
                    r = look[depth]
                    v, name = self.embeddings[self._row[r.id]], _same_name(r.item.get("productDisplayName"))
                    if (wearer is not None and not wearer[self._row[r.id]]) or name in names \
                            or float((vectors[:m] @ v).max()) > NEAR_DUPLICATE:
                        continue
                    said = title(self.item(i))
                    # The look's reason is "<slot> to go with the <product>[: <colour note>]" (complete_the_look),
                    # its product named here in full: after "goes with ...: " it read "goes with Cobblerz Women
                    # Silver-Toned Sandals: Topwear to go with the party women's shoes: Black goes with Silver",
                    # two colons and the sandals twice (a shopper's trial of stop 62).
                    note = r.reason.partition(": ")[2]
                    kind = f" ({slot_name(r.slot).lower()})" if r.slot else ""
                    out.append(Rec(r.id, r.score, f"goes with {said}{kind}" + (f": {note}" if note else ""), r.item,
                                   slot=r.slot, card_reason=f"Goes with {said}"))
                    taken.add(r.id)
                    vectors[m] = v
                    m += 1
                    if name:
                        names.add(name)
        return out

    def _round_robin(self, lists: _Lists, liked: list[int], lv: np.ndarray, k: int, chosen: list[Rec],
                     max_sim: float, wearer: np.ndarray | None = None, most_alike: int = MAX_K) -> None:
        pos = [0] * len(lists)
        taken = {r.id for r in chosen}
        # The first pass also skips a second listing under the same name (one product in several photos),
        # the liked items' own names included: "Alma Women Black Printed Kurta" is no pick for someone who
        # saved it under another id.
        # Compared as the "goes with" picks compare them (_same_name): "Alma Women Black Printed  Kurta", one space
        # more, was another product to these and the same one to those (a review).
        names = ({_same_name(r.item.get("productDisplayName")) for r in chosen}
                 | {_same_name(self.item(i).get("productDisplayName")) for i in liked}) - {""} if max_sim < 1.0 \
            else set()
        # The chosen ones' embeddings, in rows filled as they are picked: a Python loop over them for each candidate
        # was 4.3 s of a 1,000-pick profile's 5 s (1.2 million dot products; 2.0-3.1 s -> 0.7-0.9 s in all).
        chosen_vecs = np.empty((k, self.embeddings.shape[1]), np.float32)       # (k, d)
        n = len(chosen)
        for j, r in enumerate(chosen):
            chosen_vecs[j] = self.embeddings[self._row[r.id]]
        held = [False] * len(lists)     # per list, whether it held back a look-alike that the fill-up pass may take
        # The look-alike pass (below 0.95) reads the first k lists alone, each further list a search: where most
        # picks look alike, it went on to the next lists in turn (30 saved products, 3 picks: 17-20 searches where
        # 0.95 made at most 6, on the test index's tiny model); the passes after it read them.
        # So do the passes that count look-alikes: the fill-up after them reads every list.
        reads = len(lists) if max_sim >= 0.95 and most_alike >= k else min(len(lists), k)
        while len(chosen) < k and any(lists.left(li, pos[li]) for li in range(reads)):
            for li in range(reads):
                # Each list read adds a pick at most: the next k - len(chosen) lists are all read in this turn.
                src_id, ids, sc = lists.read(li, k - len(chosen))
                while True:
                    if pos[li] >= len(ids):
                        # Read to its end, a liked item's list cut at its size is searched deeper, and read again
                        # from its start: a girl's sandals saved beside a woman's T-shirt got 1 of the 16 "like"
                        # picks, the T-shirt 15, as the sandals' 52 nearest were men's and women's sandals but one.
                        # Not one that held back look-alikes, which the fill-up pass takes before anything deeper
                        # (a men's ring's deeper list had caps and belts after the rings like those picked).
                        if held[li] or not lists.deepen(li):
                            break
                        src_id, ids, sc = lists.read(li)
                        pos[li] = 0
                    cid, s = int(ids[pos[li]]), float(sc[pos[li]])
                    pos[li] += 1
                    v = self.embeddings[self._row[cid]]
                    item = self.item(cid)
                    # Never a copy of a chosen one's photo, in the pass that fills up too (two copies of one photo
                    # at cosine 0.99999994 were both picked, a review).
                    sims = lv @ v
                    if cid in taken or sims.max() > NEAR_DUPLICATE:
                        continue
                    sims_chosen = chosen_vecs[:n] @ v
                    alike = float(sims_chosen.max()) if n else -1.0
                    if alike > NEAR_DUPLICATE:
                        continue
                    name = _same_name(item.get("productDisplayName"))
                    # (Not a pick from between several liked items, near the picks of each by its nature: the
                    # fixture's saved top and skirt lost theirs so, where its tiny model sees most products alike.)
                    if alike > max_sim or name in names \
                            or ((src_id is not None or len(liked) == 1)
                                and np.count_nonzero(sims_chosen > LOOK_ALIKE) > most_alike):
                        held[li] = True
                        continue
                    nearest = liked[int(np.argmax(sims))]
                    near = self.item(nearest)
                    src = self.item(src_id) if src_id is not None else near
                    # Men's sandals that look like her flats suit neither of them; a grown-up's unisex watch is no
                    # pick "like" a boy's watch, though a men's shirt was liked too (a shopper trial).
                    whose = self._row[src_id if src_id is not None else nearest]
                    if not (wearable_by(item, near) and wearable_by(item, src)) \
                            or not self._wearers(whose)[self._row[cid]] \
                            or (wearer is not None and not wearer[self._row[cid]]):
                        continue
                    if src_id is None:
                        # From the mean of the liked items: between them, not a match for each of them (a
                        # sari is no pick for a girl's top, though it may lie between it and a dress).
                        # The whole name (to 100 characters): on a phone the card shows the reason in full,
                        # and "Like Carrera Men Dial steel finish strap Silver Watc…" was cut mid-word.
                        reason = (f"like {title(near, NAME_IN_FULL)}" if len(liked) == 1 else
                                  f"between your {len(liked)} liked items, closest to {title(near, NAME_IN_FULL)}")
                        card = reason.replace(" liked items", " saved items")
                        # One liked item: said as every "like" pick is ("like X (0.90)" beside "like X: same
                        # type (Watches), ..." for the same kind of pick, an integrator's trial).
                        reason += (f": {self._reason_similar(near, item, float(sims.max()))[0]}" if len(liked) == 1
                                   else f" ({sims.max():.2f})")
                    else:
                        card = f"like {title(src, NAME_IN_FULL)}"
                        reason = f"{card}: " + self._reason_similar(src, item, s)[0]
                    chosen.append(Rec(cid, s, reason, item, card_reason=card[:1].upper() + card[1:]))
                    chosen_vecs[n] = v
                    n += 1
                    taken.add(cid)
                    if max_sim < 1.0 and name:
                        names.add(name)
                    break
                if len(chosen) >= k:
                    break

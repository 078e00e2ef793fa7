"""The wearer a shopper's photo reads as, and what a photo search's result for another wearer loses for it.

The tagger's gender head reads a photo as Men, Women, Boys, Girls or Unisex (calibrated probabilities). Its sex
(Men or Boys against Women or Girls) it reads far better than the age (stop 33); both are weighed in the order of a
photo's results softly, by how sure the head is: a penalty that grows from nothing where the head is unsure
(:data:`UNSURE`) to its full weight where it is sure (:data:`SURE`), never a filter.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

# The calibrated probability of the photo's sex (Men + Boys, or Women + Girls) at which the other sex's products
# start to lose (at 0.5 the head cannot tell) and at which they lose all of PHOTO_WRONG_WEARER. Until stop 74 a step
# at 0.8 (stop 67: a men's track pants' photo, Men 0.92, listed a women's track pant first, 0.82 similar against 0.76
# for the first men's, where gender weighs 0.1); under it a reading weighed nothing, so men's jeans read "Men 61%"
# listed "ADIDAS Women Blue Track Pants" first (stop 74, a shopper's trial). Over the 3,988 test photos against
# runs/index without them (/tmp/h74photo/exp.py, stop 74), P@10 type / type + colour / for the wearer: the step
# 0.9006 / 0.6047 / 0.9534; ramps 0.5-0.8: 0.9006 / 0.6047 / 0.9556 (type + colour 2 results of 39,880 fewer);
# 0.5-0.9: 0.9006 / 0.6048 / 0.9554 (type 1 result fewer, type + colour 2 more); 0.55-0.8: type + colour 5 fewer.
# The head's sex is also the wearer whose nearest join the candidates (from SURE on).
UNSURE = 0.5
SURE = 0.9
# Taken off the other sex's products at SURE and above; less than the type's weight (1.0), so that a look-alike of
# the photo's type for the other sex still comes before another type for its own (stop 67).
PHOTO_WRONG_WEARER = 0.5
# Taken off a grown-up's product for a photo the head surely reads as a child's, and off a child's product for
# one it surely reads as a grown-up's, on the same ramp. Off: over the same 3,988 photos (ramp 0.5-0.8) 0.05 / 0.1
# raised the share for the wearer of its age too 0.9463 -> 0.9471 / 0.9476 but cost type + colour 0.60469 -> 0.60456
# (5 results); over the first 1,500, 0.2 / 0.5: 0.9330 -> 0.9362 / 0.9382, type + colour 0.6327 -> 0.6319 / 0.6309.
# The tagger reads a child's age poorly (stop 33).
PHOTO_WRONG_AGE = 0.0

SEXES = {"Men": ("Men", "Boys"), "Women": ("Women", "Girls")}
CHILDREN = ("Boys", "Girls")


class WearerRead(NamedTuple):
    """A photo's wearer as the gender head reads it: the likelier ``sex`` ("Men" or "Women"), how sure of it
    (``sex_sure``, the sum of that sex's grown-ups' and children's probabilities), and ``child``: the
    probability it is a child's (Boys + Girls)."""
    sex: str
    sex_sure: float
    child: float


def read_wearer(genders: dict[str, float]) -> WearerRead | None:
    """``genders``: the gender head's calibrated {label: probability} for a photo -> its :class:`WearerRead`, or
    None where the head knows no sex (a catalogue without genders)."""
    by_sex = {sex: sum(float(genders.get(g, 0.0)) for g in labels) for sex, labels in SEXES.items()}
    if not any(by_sex.values()):
        return None
    sex = max(by_sex, key=by_sex.get)
    return WearerRead(sex, by_sex[sex], sum(float(genders.get(g, 0.0)) for g in CHILDREN))


def sureness(p: float) -> float:
    """0 at or under :data:`UNSURE`, 1 at or over :data:`SURE`, linear between: how much of a penalty a reading at
    probability ``p`` carries."""
    return float(np.clip((p - UNSURE) / (SURE - UNSURE), 0.0, 1.0))


def wearer_penalty(read: WearerRead, other_sex: np.ndarray, childrens: np.ndarray) -> np.ndarray:
    """Per candidate, what it loses for the photo read as ``read``: ``other_sex`` (bool, per candidate: filed under
    the other sex) loses :data:`PHOTO_WRONG_WEARER` times the sex's :func:`sureness`; ``childrens`` (bool: a
    child's product) loses :data:`PHOTO_WRONG_AGE` times the sureness that the photo is a grown-up's, the others
    as much times the sureness that it is a child's. (n,) float32."""
    penalty = PHOTO_WRONG_WEARER * sureness(read.sex_sure) * other_sex.astype(np.float32)
    if PHOTO_WRONG_AGE:
        penalty = penalty + PHOTO_WRONG_AGE * np.where(childrens, sureness(1.0 - read.child),
                                                       sureness(read.child))
    return penalty.astype(np.float32)

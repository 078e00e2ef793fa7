"""The catalogue's colour names as colours: a swatch for each, and how near two of them look.

The catalogue files every product under one of 46 baseColour names. A plot draws each in its swatch
(:data:`SWATCHES`); a text search that asks for a colour lists, after the products of that colour, those of
the colours that look nearest to it ("red kurta": maroon and rust ones before blue ones, where the
catalogue has only a few red ones). Nearness is the distance between swatches in CIELAB, the colour space
made so that equal distances look about equally different (ImageCms, Pillow's LittleCMS binding, converts
them), rather than a table of colour families to keep by hand: Red's nearest are Rust, Maroon and Burgundy;
Navy Blue's Blue, Purple and Charcoal; Pink's Rose and Mauve.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

import numpy as np

# baseColour names of the catalogue -> a colour that stands for each (the middle of what the catalogue's
# photos of that name show, by eye). "Multi" and "NA" have none: no single colour.
SWATCHES = {
    "Black": "#111111", "White": "#ffffff", "Blue": "#2467c4", "Brown": "#8b5a2b", "Grey": "#8c8c8c",
    "Red": "#d62728", "Green": "#2ca02c", "Pink": "#ff9ec4", "Navy Blue": "#1b2a6b", "Purple": "#7b3fa0",
    "Silver": "#c0c0c0", "Yellow": "#ffd92f", "Beige": "#e8d8b0", "Gold": "#d4af37", "Maroon": "#800000",
    "Orange": "#ff8c00", "Olive": "#808000", "Cream": "#fffdd0", "Steel": "#7b8a97",
    "Charcoal": "#36454f", "Peach": "#ffcba4", "Off White": "#f6f3e8", "Skin": "#e8b98f",
    "Lavender": "#b57edc", "Grey Melange": "#a9a9a9", "Khaki": "#c3b091", "Magenta": "#e020e0",
    "Teal": "#008080", "Tan": "#d2b48c", "Mustard": "#e1ad01", "Bronze": "#cd7f32", "Copper": "#b87333",
    "Turquoise Blue": "#30c5c8", "Rust": "#b7410e", "Burgundy": "#800020", "Metallic": "#a8a9ad",
    "Coffee Brown": "#4b3621", "Mauve": "#d8a8e8", "Rose": "#e8768f", "Nude": "#e3bc9a",
    "Sea Green": "#2e8b57", "Mushroom Brown": "#b9a48c", "Taupe": "#6b5b4e", "Lime Green": "#32cd32",
    "Fluorescent Green": "#39ff14",
}

# How far apart (CIELAB distance) two swatches may be and still count as near: Red to Rust is 20, to Maroon
# 29, to Burgundy 36, to Copper 43; Blue to Navy Blue 29, to Purple 36; Red to Pink 58, to Blue over 100.
NEAR = 45.0
# The calibrated probability from which the tagger's colour of a product's photo is taken to be what it shows,
# where the catalogue's label says another (text search and looks: a coral shoe filed White, seen Red 0.56).
SEEN_CONFIDENT = 0.5

# The lightness (CIELAB L*, 0-100) from which a swatch is a light colour: White, Cream, Beige, Peach, Pink, Yellow,
# Khaki, Turquoise (72) and the like, not Grey (58), Red (48) or Blue (44).
LIGHT = 70.0

# A shopper's words for the catalogue's colour names ("navy polo", "gray hoodie"); a word whose colour the
# catalogue lacks is ignored.
COLOUR_WORDS = {"navy": "Navy Blue", "gray": "Grey", "golden": "Gold", "violet": "Purple", "wine": "Burgundy",
                "offwhite": "Off White", "multicolour": "Multi", "multicolor": "Multi", "multicoloured": "Multi",
                "multicolored": "Multi", "rose gold": "Copper", "rosegold": "Copper",
                # A shade, not a baby's ("baby" is a child's word: vocabulary.GENDER_WORDS).
                "baby pink": "Pink", "baby blue": "Blue"}

# Metal tones a shopper names in two words whose each word is a colour of its own: "rose gold watch" listed gold
# watches, where the catalogue names its rose gold watches "Rosegold" and files them Copper (COLOUR_WORDS). A
# search lists the products named with the tone (in two words or one) first in their tier.
TONES = frozenset({"rose gold"})

# Words a shopper puts before a colour for its shade ("light blue", "dark green"). The catalogue files no
# shades (a light blue shirt is Blue), but its product names say them: a search that asks for one lists the
# products named so first ("light blue formal shirt" began with a "Blue & Light Brown Striped Shirt").
SHADES = frozenset({"light", "dark", "pale", "deep", "bright"})


def catalogue_colour(written: str) -> str:
    """A shop's colour word as the catalogue's colour name: "navy" Navy Blue, "GRAY" Grey, "off-white" Off White
    (the names the colour filter, the text search and the swatches know); another as written, its words capitalised
    ("heather BLUE" Heather Blue, "multi" Multi)."""
    text = re.sub(r"\s+", " ", written.replace("-", " ").replace("_", " ")).strip()
    folded = text.casefold()
    known = {c.casefold(): c for c in SWATCHES}
    return known.get(folded) or COLOUR_WORDS.get(folded) or COLOUR_WORDS.get(folded.replace(" ", "")) \
        or " ".join(w.capitalize() for w in text.split())


@functools.cache
def _lab() -> dict[str, np.ndarray]:
    from PIL import Image, ImageCms

    names = list(SWATCHES)
    rgb = np.array([[int(SWATCHES[n][i:i + 2], 16) for i in (1, 3, 5)] for n in names], np.uint8)
    to_lab = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.createProfile("LAB"), "RGB", "LAB")
    raw = np.asarray(ImageCms.applyTransform(Image.fromarray(rgb[None]), to_lab))[0]
    # Pillow's LAB image keeps L scaled to 0-255 and a, b as signed bytes in unsigned storage.
    lab = np.c_[raw[:, 0] * (100 / 255), raw[:, 1:].view(np.int8)].astype(np.float64)
    return dict(zip(names, lab, strict=True))


def distance(a: str, b: str) -> float | None:
    """CIELAB distance between two baseColour names' swatches; None where either has none ("Multi")."""
    lab = _lab()
    if a not in lab or b not in lab:
        return None
    return float(np.linalg.norm(lab[a] - lab[b]))


def light_colours() -> frozenset[str]:
    """The baseColour names whose swatch is light (L* of :data:`LIGHT` or more): what a day in the heat wears."""
    return frozenset(name for name, lab in _lab().items() if lab[0] >= LIGHT)


def nearness(asked: Iterable[str], values: Sequence[object]) -> np.ndarray:
    """Per value (a baseColour name, or anything else for none), how near it looks to the nearest of
    ``asked``: 1 for the same colour, falling to 0 at :data:`NEAR` and beyond (and for no swatch)."""
    asked = list(asked)
    out = np.zeros(len(values), np.float32)
    for j, value in enumerate(values):
        gaps = [d for a in asked if isinstance(value, str) and (d := distance(a, value)) is not None]
        if gaps:
            out[j] = max(0.0, 1.0 - min(gaps) / NEAR)
    return out

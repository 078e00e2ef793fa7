"""Which article types a shopper's word means.

The catalogue names its types its own way ("Tshirts", "Sweatshirts", "Perfume and Body Mist") and files
them under categories ("Bags", "Jewellery", "Footwear"); shoppers type "tee", "hoodie", "perfume", "bag".
A word or phrase means, from the catalogue itself:

- a type, by its name, singular or plural ("dress", "dresses");
- either half of a compound name ("perfume" and "body mist": Perfume and Body Mist);
- the last word of a multi-word name: "shoes" is every "* Shoes" type, "bag" every "* Bag";
- a subCategory or masterCategory: the types with at least a tenth of their products filed under it
  ("jewellery", "footwear", "bags"; kajal under Makeup and Eyes; not T-shirts under Belts for the one
  T-shirt filed there);

and, from :data:`SYNONYMS`, everyday words for types or categories ("tee", "hoodie", "purse", "jewelry").
A type's own name wins over the last-word and category meanings ("jacket" is Jackets, not also Rain
Jacket); halves of names and synonyms add to either ("rucksack": Rucksacks and Backpacks). The catalogue's
product names have a veto over all but a type's own name: a meaning is dropped when at least ten products
have the word in their name and fewer than half of those are of the types it would mean (10 of 13 names with "hair"
being hair bands, "hair" is not the category Hair's hair colour). Entries naming a type the
catalogue lacks are ignored, so the table serves other catalogues.
"""
from __future__ import annotations

import collections
import math
import re

import numpy as np
import pandas as pd

from fashionrec.colours import SWATCHES

FILED_SHARE = 0.1       # a category word means the types with at least this share of their products in it
NAME_EVIDENCE = 10      # product names that must use a word before they can veto what it means
NAME_AGREEMENT = 0.5    # share of those names that must be of the types the word means

WARM_TYPES = ["Sweaters", "Sweatshirts", "Jackets", "Shrug", "Mufflers", "Scarves", "Stoles", "Gloves"]
# Clothes for the cold, by what keeps one warm: the catalogue's "Winter" season is mostly watches,
# sunglasses and heels, so "winter wear" read as the season listed seven pairs of sandals first.
RAIN_TYPES = ["Rain Jacket", "Rain Trousers", "Umbrellas"]
WEATHER_WORDS = {**{phrase: WARM_TYPES for phrase in (
    "winter wear", "winterwear", "winter clothes", "winter clothing", "warm clothes", "warm clothing",
    "woollens", "woolens", "cold weather")},
    # "monsoon" listed white jeans and a slogan T-shirt, "rain" a lipstick named Summer Rain beside 7 rain
    # jackets and no umbrella.
    **{phrase: RAIN_TYPES for phrase in ("rain", "rainy", "rainwear", "rain wear", "rainy season", "rainy day",
                                         "rain gear", "monsoon")}}
# These mean their types only in a query that says nothing else but who, what colour or what occasion
# ("winter wear for men"; text_search.TextSearch._weather_alone): beside another word they are plain words
# ("winter boots" is no scarf, "rain jacket" no umbrella). So do "winter" and the warmth words below, which
# beside a type only rank, as a season word does ("warm jacket": every jacket).
COLD_WEATHER = "winter wear"
WARMTH_WORDS = frozenset({"warm", "warmer", "cosy", "cozy", "snug"})
# Everyday words -> catalogue types; only words that no type or category name already gives.
SYNONYMS: dict[str, list[str]] = {
    "tee": ["Tshirts"],
    "neckless": ["Necklace and Chains"],     # as it sounds: nothing matched it, and "neckless for women" V-necks
    "polo": ["Tshirts"],            # 1,168 of the 1,369 names with "polo" are T-shirts' (U.S. Polo's shirts too)
    "polo shirt": ["Tshirts"],      # not U.S. Polo's button-down shirts (a shopper trial)
    "teeshirt": ["Tshirts"],        # "tee shirt", "tee-shirt"
    "hoodie": ["Sweatshirts"],
    "hoody": ["Sweatshirts"],
    "jumper": ["Sweaters"],
    "pullover": ["Sweaters"],
    "cardigan": ["Sweaters"],
    "sneakers": ["Casual Shoes", "Sports Shoes"],
    "trainers": ["Sports Shoes", "Casual Shoes"],
    "running shoes": ["Sports Shoes"],
    # As "running shoes" (stop 66): no name says "jogging", 3 "training shoes", 1 "walking"; their closest matches
    # were every kind of shoe ("shoes" alone is any of five types).
    "jogging shoes": ["Sports Shoes"],
    "training shoes": ["Sports Shoes"],
    "walking shoes": ["Sports Shoes"],
    "jogging pants": ["Track Pants"],       # else "pants": Trousers and Lounge Pants too
    "boxer shorts": ["Boxers"],             # else Boxers and Shorts: 2 names say it, of 47 Boxers
    # Kinds of a type a shopper names, each read as its type (stop 67): "canvas shoes" was any of five shoe types,
    # "shirt dress" shirts ("No product is named both 'shirt' and 'dress'"). Widened too (WIDE_PHRASES): the
    # products named so first, then the type's others by meaning.
    **dict.fromkeys(("canvas shoes",), ["Casual Shoes"]),
    **dict.fromkeys(("tennis shoes", "football shoes", "basketball shoes"), ["Sports Shoes"]),
    # Stop 68: a tank top is also a T-shirt named so (ADIDAS's 8 "Tank T-shirt"s, filed Tshirts): its kind word
    # ("tank") finds them beside the Tops (text_search's _named_kind), other T-shirts rank after.
    "tank top": ["Tops", "Tshirts"],
    "tube top": ["Tops"],
    **dict.fromkeys(("maxi dress", "bodycon dress", "evening dress", "shirt dress"), ["Dresses"]),
    **dict.fromkeys(("maxi skirt", "pencil skirt"), ["Skirts"]),
    "duffle bag": ["Duffel Bag"],           # the catalogue spells it Duffel: 61 names say "Duffle", of 80
    "cargo pants": ["Trousers"],
    **dict.fromkeys(("cargo shorts", "bermuda shorts"), ["Shorts"]),
    "skinny jeans": ["Jeans"],
    "bomber jacket": ["Jackets"],
    "baseball cap": ["Caps"],
    "school bag": ["Backpacks"],
    "stud earrings": ["Earrings"],
    # Stop 68: shoes of a kind the catalogue files under its shoe types (stop 67's gap: "oxford shoes" and "derby
    # shoes" listed the 19 and 14 named so, "ankle boots" socks 4th and 7th, "moccasins" a fragrance gift set 6th).
    # A kind's word before "shoes" is the kind (KINDS' phrases): "loafer shoes" read "shoes" as five shoe types
    # besides and listed sports shoes 8th to 10th, after the loafers named with both words.
    # "derbies" too: its word is the names' "derby", 10 of whose 14 are ADIDAS's casual "Derby" models, so read as
    # formal shoes alone the names would veto it (_names_agree) and it read nothing.
    **dict.fromkeys(("loafer", "loafers", "loafer shoes", "derbies"), ["Formal Shoes", "Casual Shoes"]),
    # An oxford or a derby is a formal shoe (its laces' cut): read as Casual Shoes too, the API's first ten of "oxford
    # shoes" and "derby shoes" held 2-4 formal pairs, after Converse's "Oxford" and ADIDAS's "Derby" casual models.
    **dict.fromkeys(("oxford shoes", "derby shoes"), ["Formal Shoes"]),
    # Stop 72: "dress shoes" (the everyday word for them) read as "dress" and "shoes": "No product is named both"
    # and a Converse floral canvas shoe, a ballerina and party heels by meaning (a shopper's trial).
    "dress shoes": ["Formal Shoes"],
    # ... and "dress shirt" and "dress pants" so too: shirts, then harem and track pants by meaning.
    "dress shirt": ["Shirts"],
    **dict.fromkeys(("dress pants", "dress trousers"), ["Trousers"]),
    # Stop 70: "oxfords" was read by meaning (the page listed Wrangler's "Oxford" shirts); as "derbies", its word is
    # the names' "oxford", 10 of whose 20 are Converse's and Carlton's casual models, so read as the shoe types both
    # (KIND_TYPES reads it as the formal ones). As typed only (PLURAL_ONLY): "oxford shirt" is a shirt (its cloth).
    "oxfords": ["Formal Shoes", "Casual Shoes"],
    # Stop 70: "school uniform" listed a basketball, a schoolbag and men's jackets (the catalogue has no uniform):
    # a child's shirts, trousers and skirts (WORN_BY: a child's), the nearest the catalogue has.
    "school uniform": ["Shirts", "Trousers", "Skirts"],
    **dict.fromkeys(("moccasin", "moccasins", "moccasin shoes", "boat shoes"), ["Casual Shoes"]),
    **dict.fromkeys(("ankle boots", "chelsea boots"), ["Casual Shoes", "Formal Shoes", "Flats", "Heels"]),
    # Stop 68: "three fourths" found nothing (names say "3/4": 14 Capris, 18 Shorts), "derbies" Rucksacks by
    # meaning; "chain" read as Key chain ("chain for men": a key chain, then Mr. Men T-shirts), where 55 of the 60
    # names with the word are Pendants (a pendant on its chain).
    **dict.fromkeys(("three fourths", "three fourth"), ["Capris"]),
    "chain": ["Pendant", "Necklace and Chains"],     # and not Key chain: see LAST_WORD_NOT
    # Stop 67: the page needed "high" in a name (none has it) and found 0 of the catalogue's 1,191 Heels.
    "high heels": ["Heels"],
    "sundress": ["Dresses"],
    # Words no name has, or one ("Carlton London Men Black Oxford Wingtip Brogues"): "brogues" listed a jacket and
    # purple shirts after it, "turtleneck" Turtle's ties and belts.
    "brogue": ["Formal Shoes", "Casual Shoes"],
    "brogues": ["Formal Shoes", "Casual Shoes"],
    "jhumka": ["Earrings"],
    "jhumkas": ["Earrings"],
    "turtleneck": ["Sweaters", "Tshirts", "Tops"],
    "pants": ["Trousers"],
    "chinos": ["Trousers"],
    "slacks": ["Trousers"],
    "joggers": ["Track Pants"],
    "sweatpants": ["Track Pants"],
    "blouse": ["Tops"],
    "gown": ["Dresses"],
    "frock": ["Dresses"],
    "coat": ["Jackets", "Blazers", "Rain Jacket"],
    "purse": ["Handbags", "Clutches"],
    "rucksack": ["Backpacks"],      # besides the type Rucksacks
    "sunnies": ["Sunglasses"],
    "shades": ["Sunglasses"],
    "specs": ["Sunglasses"],        # the catalogue's only eyewear
    "spectacles": ["Sunglasses"],
    "glasses": ["Sunglasses"],
    # Indian English for sunglasses: "goggles" listed 3 eyeliners and a swimming cap among its first ten by meaning
    # (stop 75). A swimmer's are filed as Swimwear (Nabaiji's "Swimming Goggles", the one product so named).
    "goggles": ["Sunglasses"],
    **dict.fromkeys(("swimming goggles", "swim goggles"), ["Swimwear"]),
    "slippers": ["Flip Flops", "Sandals"],
    "chappals": ["Flip Flops", "Sandals", "Flats"],     # the catalogue's women's sandals are mostly Flats
    "sleepers": ["Flip Flops", "Sandals"],      # Indian English for slippers ("sleeker" was suggested)
    "wristwatch": ["Watches"],
    "beanie": ["Caps"],
    "underwear": ["Briefs", "Boxers", "Trunk", "Bra", "Innerwear Vests", "Camisoles"],
    "lingerie": ["Bra", "Briefs", "Camisoles"],
    "pyjamas": ["Night suits", "Lounge Pants"],
    "pajamas": ["Night suits", "Lounge Pants"],
    "nightie": ["Nightdress"],
    "nightgown": ["Nightdress"],    # else read as "night gown": dresses (a review)
    "nighty": ["Nightdress"],       # was corrected to "night": perfumes, a Night Wolf T-shirt, night cream
    "swimsuit": ["Swimwear"],
    "swim": ["Swimwear"],
    "sari": ["Sarees"],
    "jewelry": ["Jewellery"],       # US spelling: a category's name means its types
    "nightwear": ["Loungewear and Nightwear"],
    "sleepwear": ["Loungewear and Nightwear"],
    "loungewear": ["Loungewear and Nightwear"],
    # Words no product name has (or an irregular plural), which MiniLM alone matched to other types:
    # "tuxedo" to flip flops, "parka" to deodorants, "lehenga" to dupattas, "miniskirt" to night suits.
    "scarf": ["Scarves"],
    "shawl": ["Stoles", "Scarves"],
    "lehenga": ["Lehenga Choli"],
    "choli": ["Lehenga Choli"],
    "parka": ["Jackets"],
    "anorak": ["Jackets", "Rain Jacket"],
    "windcheater": ["Jackets", "Rain Jacket"],
    "raincoat": ["Rain Jacket"],
    # A rain word before "jacket" is the rain jacket ("monsoon jacket" and "jacket for monsoon", read as it,
    # listed ordinary jackets, not the catalogue's 7 rain jackets: stop 75). Not "rain jacket" alone: the type's
    # own name already.
    **dict.fromkeys(("monsoon jacket", "rainy jacket", "rainy season jacket", "rainy day jacket",
                     "monsoon coat", "rainy season coat"), ["Rain Jacket"]),
    "tuxedo": ["Blazers"],
    "miniskirt": ["Skirts"],
    "suitcase": ["Trolley Bag"],
    "luggage": ["Trolley Bag", "Duffel Bag"],
    "hairband": ["Headband", "Hair Accessory"],
    "panties": ["Briefs"],
    "knickers": ["Briefs"],
    # Indian footwear and wear the catalogue has no name for (a shopper trial: 0 items and a generic hint):
    # the types that come closest.
    "kolhapuri": ["Sandals", "Flats"],
    "kolhapuris": ["Sandals", "Flats"],
    "jutti": ["Flats"],
    "juttis": ["Flats"],
    "mojari": ["Flats"],
    "mojaris": ["Flats"],
    "sherwani": ["Nehru Jackets", "Kurtas"],
    # The catalogue has no suits but night suits, play suits and salwar suits (filed as Kurta Sets); "men suit"
    # listed 58 pyjama sets, "suit for wedding" 127 night suits. A suit's pieces, and the salwar suits.
    "suit": ["Blazers", "Waistcoat", "Nehru Jackets", "Kurta Sets", "Salwar and Dupatta"],
    "palazzo": ["Trousers", "Patiala", "Salwar"],       # wide-legged; "palazzo" found nothing
    "palazzos": ["Trousers", "Patiala", "Salwar"],
    "smartwatch": ["Watches"],
}
# Last words of a type's name that do not mean the type alone, where SYNONYMS says what they mean: "chain" (or
# "gold chain") read as Key chain beside the pendants and necklaces a shopper means (55 of the 60 names with the
# word are Pendants, 1 a key chain); "key chain" is still the type, by its own name.
LAST_WORD_NOT = frozenset({"chain"})
# Type words for a kind of their type: a product named so is what they ask for, not any of the type ("polo"
# listed every T-shirt in the catalogue's order, round necks first; "hoodie" every sweatshirt).
KINDS = frozenset({"polo", "hoodie", "hoody", "cardigan", "chino", "jogger", "gown", "beanie", "parka", "anorak",
                   "windcheater", "tuxedo", "miniskirt", "smartwatch", "sneaker", "blouse", "frock", "brogue", "jhumka",
                   "turtleneck", "sundress", "moccasin", "loafer", "derby", "oxford",
                   # the page's "goggles" listed 967 sunglasses with Oakley's "Driving Goggles" after (stop 76)
                   "goggle"})
# Type words of SYNONYMS that mean their types as typed, not in their other forms: "oxfords" is shoes, "oxford" the
# names' word for shoes and shirts alike (Wrangler's "Nimrod Oxford" shirts led "oxford shirt"). "derbies" so too:
# in every form its word was one of both types' (an alias of every product of them), so that the page's "derby shoes"
# and "derbies" listed every Casual Shoes product after the formal ones (stop 70's gap).
PLURAL_ONLY = frozenset({"oxfords", "derbies"})
# A kind of shoe that is of one type, whatever other types' models are named for it: an oxford and a derby are formal
# shoes (their laces' cut), so Converse's casual "Oxford" and ADIDAS's casual "Derby" models come after the formal
# pairs not named so (stop 69's gap: 7th-10th of "oxford shoes" on the page).
KIND_TYPES = {"oxford": "Formal Shoes", "derby": "Formal Shoes"}
# Words that make a kind of thing another thing before a word ("night suit" is nightwear, not a suit): a search
# for the word alone does not find them, and the word alone does not mean a type named so (Night suits). They are
# one word in the search text ("nightsuit"), which a search for both words still finds (WordSearch.mask).
QUALIFIED = {"suit": ("night", "play", "track", "swim", "body", "jump", "boiler", "salwar")}
_QUALIFIED = re.compile(r"(?<![^\W_])(" + "|".join(sorted({q for qs in QUALIFIED.values() for q in qs})) + r") ("
                        + "|".join(QUALIFIED) + r")(?=s?(?:[^\w]|$))")


def join_qualified(text: pd.Series) -> pd.Series:
    """Lower-case words -> the same with each qualified word of :data:`QUALIFIED` joined to its qualifier
    ("women night suits" -> "women nightsuits"), where that qualifier goes with that word."""
    def join(found: re.Match) -> str:
        return found.group(1) + found.group(2) if found.group(1) in QUALIFIED[found.group(2)] else found.group(0)
    return text.str.replace(_QUALIFIED, join, regex=True)


# Type phrases of SYNONYMS whose words few names have, though the type they name is the thing asked: the catalogue
# page (which needs every word) listed the 43 products named "running" for "running shoes", not its other Sports
# Shoes (a shopper's trial on the full catalogue, stop 65). There they find the type too, the named ones first.
# Keyed by the phrase as a shopper types it (text_search reads it as its search words); each widens to its first
# type in SYNONYMS. Stop 66's survey of the type phrases (docs/history.md "Stop 66, text search alike
# everywhere"): the page found 0, 3, 1, 0 and 5 products for "jogging shoes" to "boxer shorts", the type's 1,815,
# 274 and 47 by type. Stop 67's kinds of a type: the page found 102 "canvas shoes" of 2,561 Casual Shoes, 61
# "duffle bag"s of 80 Duffel Bags, 23 "tank top"s of 1,586 Tops, no "maxi dress" of 418.
# Values are the types widened to (a tuple). Stop 68: a shoe kind several types hold ("loafers": 10 Casual Shoes
# and a Formal pair named so) widens to all of its SYNONYMS types, the others to the first alone ("tank top": the
# Tops, not every T-shirt).
WIDE_PHRASES = {phrase: tuple(SYNONYMS[phrase][:1]) for phrase in (
    "running shoes", "jogging shoes", "training shoes", "walking shoes", "jogging pants", "boxer shorts",
    "canvas shoes", "tennis shoes", "football shoes", "basketball shoes", "tank top", "tube top", "maxi dress",
    "bodycon dress", "evening dress", "shirt dress", "maxi skirt", "pencil skirt", "duffle bag", "cargo pants",
    "cargo shorts", "bermuda shorts", "skinny jeans", "bomber jacket", "baseball cap", "school bag",
    "stud earrings", "high heels", "moccasins", "moccasin shoes", "boat shoes", "three fourths", "three fourth",
    "oxfords", "derbies", "dress shoes", "dress shirt", "dress pants", "dress trousers")} | {
        phrase: tuple(SYNONYMS[phrase]) for phrase in (
            "oxford shoes", "derby shoes", "loafers", "loafer shoes", "ankle boots",
            "chelsea boots", "school uniform")}

# Two types named together for one outfit of one wearer's (a query's search words, singular, in a row or joined):
# (the wearer, the types it leads with, in order). "kurta pajama" listed women's kurtas by meaning though the
# catalogue has 78 men's Kurtas and none of its 90 women's Kurta Sets is named with "pajama" (stop 65's trial); a
# kurta pajama is a men's kurta with a churidar-cut pyjama, so the men's Kurtas, then the men's Churidars, lead.
# Stop 77: then the sets filed so (Kurta Sets): "kurta pyjama for boys" listed 4 boys' kurtas and a churidar, not the
# catalogue's 4 boys' kurta (dhoti) sets; the men have none, the women's come after their kurtas and churidars.
OUTFIT_SETS = {**{words: ("Men", ("Kurtas", "Churidar", "Kurta Sets"))
                  for words in (("kurta", "pajama"), ("kurta", "pyjama"), ("kurtapajama",), ("kurtapyjama",))},
               # Stop 67: a salwar kameez (or salwar suit) is a women's set, filed as Kurta Sets (85 with photos), or
               # its pieces, Salwar and Dupatta (7) and Salwar (29); "salwar kameez" (no name says "kameez") listed
               # the Salwars first by meaning, trousers of the set alone.
               **{words: ("Women", ("Kurta Sets", "Salwar and Dupatta", "Salwar"))
                  for words in (("salwar", "kameez"), ("salwar", "suit"), ("salwarsuit",))}}

# Synonyms above for things the catalogue has no type of, only the closest types: a search that uses one, where
# fewer than NAME_EVIDENCE product names have the word, says so ("sherwani" listed men's kurtas as if they were
# sherwanis; one name says "Suit" of a tracksuit).
# "spectacles" listed sunglasses without a word (a text-search trial).
STAND_INS = frozenset({"kolhapuri", "jutti", "mojari", "sherwani", "tuxedo", "palazzo", "suit", "spec",
                       "spectacle", "jhumka", "turtleneck"})

# Type words that also say who wears the product, unless the query names a wearer itself: most of the
# catalogue's Briefs are men's (564 of 849), but "panties" asks for women's.
WORN_BY = {"panties": ("Women",), "panty": ("Women",), "knickers": ("Women",), "lingerie": ("Women",),
           "sherwani": ("Men",), "sherwanis": ("Men",),       # "sherwani" listed 1,591 women's kurtas
           "palazzo": ("Women",), "palazzos": ("Women",),
           # Two words in a row too, keyed as norm() joins them (TextSearch.parse_query): a uniform for school is a
           # child's (stop 70).
           "schooluniform": ("Boys", "Girls"), "schooluniforms": ("Boys", "Girls")}

# Ages of a child, words for children in GENDER_WORDS below (a review of the text search: "juniors" listed men's
# varsity products, "toddler shoes" grown-ups' unisex shoes, "baby" a baby-doll nightdress and "Baby Lip" balms), but
# not words that make a product a child's (CHILDREN_NAME), as "Baggit Women ... Baby Purple Wallet" and "Revlon ...
# Baby Lipstick" are no baby's.
_CHILD_AGES = ("baby", "babies", "infant", "newborn", "toddler", "junior")
CHILD_AGE_WORDS = frozenset(_CHILD_AGES)

# A shopper's words for a wearer -> the catalogue's genders.
GENDER_WORDS = {"men": ("Men",), "man": ("Men",), "mens": ("Men",), "male": ("Men",), "gents": ("Men",),
                "him": ("Men",), "women": ("Women",), "woman": ("Women",), "womens": ("Women",),
                "ladies": ("Women",), "lady": ("Women",), "female": ("Women",), "her": ("Women",),
                "boys": ("Boys",), "boy": ("Boys",), "girls": ("Girls",), "girl": ("Girls",),
                "unisex": ("Unisex",), "kids": ("Boys", "Girls"), "kid": ("Boys", "Girls"),
                "children": ("Boys", "Girls"), "child": ("Boys", "Girls"),
                # Gifts are asked for by whom they are for ("watch for dad" matched "Mother of Pearl" dials by
                # meaning); "mother" stays out for that reason.
                "dad": ("Men",), "father": ("Men",), "husband": ("Men",), "boyfriend": ("Men",),
                "brother": ("Men",), "mom": ("Women",), "mum": ("Women",), "wife": ("Women",),
                "girlfriend": ("Women",), "sister": ("Women",), "son": ("Boys",), "daughter": ("Girls",),
                # The wider family, as a gift is asked for (stop 76's shopper): "gift for grandfather" and "shoes
                # for my niece" found no product by their words and listed the closest by meaning (the niece's
                # shoes women's). No product name says these ("grandad" does, a kid's T-shirt's: left out); a
                # nephew and a niece are children, as a son and a daughter are.
                **dict.fromkeys(("grandfather", "grandpa", "granddad", "uncle"), ("Men",)),
                **dict.fromkeys(("grandmother", "grandma", "granny", "aunt", "aunty", "auntie"), ("Women",)),
                "nephew": ("Boys",), "grandson": ("Boys",), "niece": ("Girls",), "granddaughter": ("Girls",),
                **dict.fromkeys(_CHILD_AGES, ("Boys", "Girls"))}
# The words of GENDER_WORDS for a person rather than a wearer: a search with one reads it as that wearer, and
# the catalogue page says so ("watch for my father" showed men's watches alone, without a word; a shopper trial).
PERSON_WORDS = frozenset({"him", "her", "dad", "father", "husband", "boyfriend", "brother", "mom", "mum", "wife",
                          "girlfriend", "sister", "son", "daughter", "grandfather", "grandpa", "granddad", "uncle",
                          "grandmother", "grandma", "granny", "aunt", "aunty", "auntie", "nephew", "grandson",
                          "niece", "granddaughter"})
# "Girl" and "boy" also mean young women and men ("kurti for college girl"): where the types a query names are
# ones the catalogue has for no child (heels, perfume, lipstick, handbags), these words are read as the grown-up's
# gender. "kids", "child", "son" and "daughter" always mean a child.
GROWN_UP_READING = {"girl": "Women", "girls": "Women", "boy": "Men", "boys": "Men"}
# Words before "girl(s)"/"boy(s)" that say a grown-up whatever the types: a college student is a young woman or
# man. "outfit for a college girl" (no type) was read as a girl's and offered a girls' kidswear look (stop 72).
GROWN_UP_QUALIFIERS = frozenset({"college", "university"})
# "college girl(s)"/"boy(s)" beside a type the catalogue page's word search reads as the grown-up wearer: "dress for
# college girl" searched "college" as a name's word and listed 96 closest matches by meaning, with "The catalogue has
# no college dresses for women" (stop 76's shopper). Only beside a type (TextSearch._as_worded): without one, "outfit
# for a college girl" read as "women" listed all 16,572 women's clothes, a wedding sari 6th, where by meaning it lists
# casual T-shirts.
STUDENT = re.compile(rf"\b(?:{'|'.join(sorted(GROWN_UP_QUALIFIERS))})\s+({'|'.join(GROWN_UP_READING)})\b",
                     re.IGNORECASE)


def read_students(query: str) -> str:
    """``query`` with each "college girl(s)" or "university boy(s)" as the grown-up's gender ("dress for college
    girl" -> "dress for women"); the caller applies it where the query names a type."""
    return STUDENT.sub(lambda m: GROWN_UP_READING[m[1].lower()].lower(), query)


# A shopper's words for an occasion -> the catalogue's usage ("office wear" found eight Murcia "Office"
# handbags and no formal shirt). "work" is left out: names use it for embroidery ("Mirror Work Kurta").
# Phrases count where read as one ("date night" is Party, not the "night" of nightdresses).
USAGE_WORDS = {"office": "Formal", "workwear": "Formal", "business": "Formal", "wedding": "Ethnic",
               "festive": "Ethnic", "traditional": "Ethnic", "gym": "Sports", "workout": "Sports",
               "sportswear": "Sports", "partywear": "Party",
               # "interview" listed flip flops and "date night" ten nightdresses (MiniLM's nearest words).
               "interview": "Formal", "job interview": "Formal", "meeting": "Formal", "formals": "Formal",
               "date night": "Party", "night out": "Party", "clubbing": "Party", "cocktail": "Party",
               "prom": "Party",
               # Festivals ("diwali" listed a slogan T-shirt, with "Did you mean dial?").
               "diwali": "Ethnic", "navratri": "Ethnic", "eid": "Ethnic", "festival": "Ethnic",
               # Indian English for plain, off-duty clothes: "mufti shirt" was respelt "multi shirt" (one edit,
               # 394 products filed Multi) and listed multicoloured shirts (stop 75).
               "mufti": "Casual",
               # A wedding's other days, and a graduation (stop 75's shopper: "sangeet outfit" listed nightdresses
               # and night suits, "graduation" nothing at all, no name having the words).
               "sangeet": "Ethnic", "mehendi": "Ethnic", "mehndi": "Ethnic", "haldi": "Ethnic",
               "graduation": "Formal", "convocation": "Formal"}
# Words for a wearer at an occasion, read as the occasion and the wearer they say (stop 75's shoppers: "groom"
# listed a nail lacquer and a floater by meaning, "groom wear" cream trousers and a women's fur dress, "bridesmaid"
# nothing at all: no product name says them). "bride" stays a word: names say it ("FNF Red Bridal Collection ...").
WEARER_OCCASIONS = {**dict.fromkeys(("groom", "grooms", "bridegroom", "bridegrooms", "groomsman", "groomsmen"),
                                    "wedding for men"),
                    **dict.fromkeys(("bridesmaid", "bridesmaids"), "wedding for women")}


# Phrases whose words no product name says, as a shopper means them (stop 76's shopper: each listed 96 closest
# matches by meaning with "No product has every word of ..."): a little black dress is a black dress (no name says
# "little"); "back to school" (or college) everyday clothes, the Casual usage; an occasion's "look" its clothes, as
# "wear" is ("festive look for little boy": a boy's Ethnic clothes). "look" stays a word elsewhere: names say it
# ("Snake Skin Look", "Sporty Look"). A (gift) hamper is a gift set ("gift hamper for men": the men's Accessory and
# Fragrance Gift Sets; no name says "hamper").
_OCCASION_LOOK = "|".join(sorted({w for w in USAGE_WORDS if " " not in w}
                                 | {"casual", "formal", "ethnic", "party", "sports"}))
# (pattern, what it reads as, whether a note says so: an occasion's look is not, its occasion word said already.)
MEANT_PHRASES = (
    (re.compile(r"\blittle[\s-]+(black[\s-]+dress(?:es)?)\b", re.IGNORECASE), r"\1", True),
    (re.compile(r"\bback[\s-]+to[\s-]+(?:school|college)\b", re.IGNORECASE), "casual", True),
    (re.compile(rf"\b({_OCCASION_LOOK})[\s-]+looks?\b", re.IGNORECASE), r"\1 wear", False),
    (re.compile(r"\b(?:gift[\s-]+)?hampers?\b", re.IGNORECASE), "gift set", True),
)


def read_meant_phrases(query: str) -> str:
    """``query`` with each phrase of :data:`MEANT_PHRASES` as it means: "little black dress" -> "black dress",
    "back to school outfit" -> "casual outfit", "festive look" -> "festive wear", "gift hamper" -> "gift set"; other
    words as typed."""
    for phrase, meant, _ in MEANT_PHRASES:
        query = phrase.sub(meant, query)
    return " ".join(query.split())


# A dress code said before an occasion's word is the Formal usage, not a colour and a type: "black tie event"
# listed 12 black ties (stop 75). "black tie" alone, or before a wearer ("black tie for men"), stays the tie.
DRESS_CODE = re.compile(r"\b(?:black|white)[\s-]+tie\b(?=[\s-]+(?:events?|party|parties|dinners?|galas?|affairs?|"
                        r"attire|dress[\s-]+code|occasions?|functions?|weddings?|outfits?|wear|dress(?:es)?|look)\b)",
                        re.IGNORECASE)


# Words for someone at a wedding other than its groom or bridesmaid, beside GENDER_WORDS: with one, or with "of the
# groom" or "groom's", the groom is whose wedding it is, not the wearer (stop 76, h76review: "mother of the groom
# saree" listed men's kurtas, "The catalogue has no sarees for men").
OTHER_PERSON_WORDS = frozenset({"mother", "aunt", "uncle", "grandmother", "grandma", "granny", "grandfather",
                                "grandpa", "cousin", "niece", "nephew", "friend", "friends", "guest", "guests", "bride",
                                "brides", "relative", "relatives", "family", "parents"})
_NOT_THE_WEARER = re.compile(rf"\bof\s+(?:the\s+|a\s+|my\s+|our\s+|your\s+)?(?:{'|'.join(WEARER_OCCASIONS)})\b|"
                             rf"\b(?:{'|'.join(WEARER_OCCASIONS)})\s*['\u2019]s?(?!\w)", re.IGNORECASE)


def _wearer_occasion(word: str, query: str) -> str:
    """What ``word`` (of :data:`WEARER_OCCASIONS`) in ``query`` reads as: the occasion and its wearer, or the
    occasion alone where the query names another person ("mother of the groom", "groom's sister", "bride and
    groom") or another wearer ("groom for women")."""
    meant = WEARER_OCCASIONS[word.lower()]
    words = {w.lower() for w in re.findall(r"[a-z]+", query, flags=re.IGNORECASE)}
    if _NOT_THE_WEARER.search(query) or words & (OTHER_PERSON_WORDS | set(GENDER_WORDS)):
        return meant.split(" for ")[0]
    return meant


def read_wearer_occasions(query: str) -> str:
    """``query`` with each word of :data:`WEARER_OCCASIONS` as the occasion and wearer it means ("groom wear" ->
    "wedding for men wear"; the occasion alone beside another person: :func:`_wearer_occasion`) and a dress code
    (:data:`DRESS_CODE`) as "formal"; other words as typed."""
    query = DRESS_CODE.sub("formal", query)
    return re.sub(r"[a-z]+", lambda w: _wearer_occasion(w[0], query) if w[0].lower() in WEARER_OCCASIONS else w[0],
                  query, flags=re.IGNORECASE)


def type_phrase_turned(query: str, types: TypeWords) -> str:
    """``query`` "TYPE for WORDS" (one or two words) as "WORDS TYPE" where that is a type phrase meaning other
    types than TYPE alone: "jacket for monsoon" is a "monsoon jacket" (Rain Jacket), where read as typed it
    listed ordinary jackets (stop 75). Any other query as typed ("shirt for men", "bag for college")."""
    what = re.fullmatch(r"\s*([a-z]+)\s+for\s+(?:an?\s+|the\s+)?([a-z]+(?:\s+[a-z]+)?)\s*", query,
                        flags=re.IGNORECASE)
    if not what:
        return query
    turned = f"{what[2]} {what[1]}"
    meant = types.types(turned)
    return turned if meant and meant != types.types(what[1]) else query


def occasion_words_read(query: str, types: TypeWords) -> list[tuple[str, str]]:
    """(words as typed, what they read as) for each rewriting :func:`read_wearer_occasions` and
    :func:`type_phrase_turned` make of ``query``, for a note to say: [("black tie", "formal")], [("groom",
    "wedding for men")], [("jacket for monsoon", "monsoon jacket")]. The page said nothing of "groom" and "No
    product has every word of 'black tie event'" and "The catalogue has no monsoon jackets" over what they read as
    (stop 75); and each phrase :func:`read_meant_phrases` reads as meant: [("little black dress", "black dress")];
    and a college student as the grown-up: [("college girl", "women")]."""
    read = [(m[0], "formal") for m in DRESS_CODE.finditer(query)]
    coded = DRESS_CODE.sub("formal", query)
    read += [(w, _wearer_occasion(w, coded)) for w in re.findall(r"[a-z]+", coded, flags=re.IGNORECASE)
             if w.lower() in WEARER_OCCASIONS]
    # and a phrase no name says, as the page's word search reads it ("little black dress": a black dress; stop 76)
    read += [(m[0], m.expand(meant)) for phrase, meant, said in MEANT_PHRASES if said for m in phrase.finditer(query)]
    # and a college student as the grown-up wearer, read so by the text search and (beside a type) the word search:
    # "dress for college girl" listed women's dresses without a word why (stop 76, h76text2; said since stop 77).
    read += [(m[0], GROWN_UP_READING[m[1].lower()].lower()) for m in STUDENT.finditer(query)]
    worn = read_wearer_occasions(query)
    turned = type_phrase_turned(worn, types)
    if turned != worn:
        read.append((worn.strip(), turned))
    return list(dict.fromkeys(read))


# A sport's "kit" is its clothes and shoes, not the catalogue's one type with the word: "running kit for a woman"
# read "kit" as Mens Grooming Kit and listed 96 face washes and creams (stop 67's shopper). Read as one word
# (PHRASES), as "date night" is; "grooming kit" and "shaving kit" still find the grooming kits.
# More sports (stop 67: "hockey kit" read Mens Grooming Kit too). A list, not any word before "kit": "first aid
# kit", "makeup kit" and "travel kit" are no sportswear.
# Stop 70: "<sport> gear" as its kit ("cricket gear").
SPORT_KITS = {f"{sport} {kit}": "Sports" for kit in ("kit", "gear") for sport in (
    "running", "jogging", "gym", "workout", "training", "sports", "sport", "football", "cricket", "tennis",
    "badminton", "yoga", "hockey", "golf", "swimming", "swim", "cycling", "basketball", "volleyball", "rugby",
    "baseball", "boxing", "hiking", "trekking", "squash", "athletics", "soccer", "netball", "skating",
    "pilates", "fitness", "exercise", "cardio", "marathon", "karate", "judo", "taekwondo")}
USAGE_WORDS.update(SPORT_KITS)
# "kit" after another word is that thing's kit: the catalogue's one type with the word (Mens Grooming Kit) only
# alone or after one of these. Stop 68: a sport SPORT_KITS lacks ("kabaddi kit", "archery kit") and "first aid kit"
# listed its one product, an after-shave lotion; now no type, read by meaning (text_search._attribute_phrases).
KIT_WORDS = frozenset({"kit", "kits", "gear", "gears"})
# Words before "kit" for kits that are no sport's: any other word a query reads as nothing else is a sport the list
# above lacks (stop 70: "kabaddi kit" listed tie-and-cufflink packs first, "archery kit" Arrow Sport shirts, read by
# meaning), its kit read as sportswear (text_search.TextSearch._attribute_phrases).
OTHER_KIT_WORDS = frozenset({"aid", "first", "makeup", "make", "travel", "sewing", "tool", "tools", "repair",
                             "manicure", "pedicure", "nail", "craft", "art", "emergency", "survival", "cleaning",
                             "starter", "school", "baby", "gift", "party", "hair", "dental", "beauty", "cosmetic",
                             "toilet", "toiletry", "wash", "shoe", "polish", "cleaner", "kid", "kids", "home",
                             "camera", "tech", "rain", "painting", "drawing", "medical", "science", "lab",
                             # and words for any kit
                             "new", "full", "complete", "basic", "mini", "small", "big", "best", "cheap", "premium",
                             "whole", "entire", "my", "own"})
GROOMING_KIT_WORDS = frozenset({"grooming", "shaving", "shave", "beard", "trimming", "trimmer", "skincare",
                                "skin", "care"})
# Words that say what a product is for, not what it is: beside a type they only rank (text_search's
# TextSearch._word_mask). "watch for gift" listed the 40 watches the catalogue types "Free Gifts" (the only
# watches with the word), none of its 2,288 others.
GIFT_WORDS = frozenset({"gift", "gifts", "gifting", "present", "presents"})
# A shopper's emoji for what they mean ("👟 for men" listed all 19,910 men's products: the emoji was no word).
EMOJI_WORDS = {"👟": "sneakers", "👞": "shoes", "👠": "heels", "👡": "sandals", "👢": "boots", "🥿": "flats",
               "🩴": "flip flops", "👗": "dress", "👔": "shirt", "👕": "tshirt", "👚": "top", "👖": "jeans",
               "🩳": "shorts", "🥻": "saree", "🧥": "jacket", "🧣": "scarf", "🧤": "gloves", "🧦": "socks",
               "🧢": "cap", "👒": "hat", "🎩": "hat", "👜": "handbag", "👛": "purse", "👝": "clutch",
               "🎒": "backpack", "🕶": "sunglasses", "👓": "sunglasses", "⌚": "watch", "💍": "ring",
               "📿": "necklace", "💄": "lipstick", "💅": "nail polish", "👙": "swimwear", "🩱": "swimsuit",
               "🩲": "briefs", "👘": "kurta", "🌂": "umbrella", "☂": "umbrella", "💼": "laptop bag"}
_EMOJI = re.compile("(" + "|".join(map(re.escape, sorted(EMOJI_WORDS, key=len, reverse=True))) + ")\ufe0f?")


def emoji_words(text: str) -> str:
    """``text`` with each emoji of :data:`EMOJI_WORDS` read as its words ("👟 for men": "sneakers for men")."""
    return _EMOJI.sub(lambda m: f" {EMOJI_WORDS[m.group(1)]} ", text)


# What a gift means where the query names no type ("gift for my wife", "birthday present for dad"): what is
# bought without knowing the wearer's size, each type taking its turn. Before, "gift for my wife" listed 11
# necklaces in 12 by meaning, and the catalogue page 25 fragrance gift sets (the only names with "gift").
GIFT_TYPES = ("Watches", "Handbags", "Clutches", "Wallets", "Sunglasses", "Perfume and Body Mist",
              "Fragrance Gift Set", "Accessory Gift Set", "Jewellery Set", "Necklace and Chains", "Earrings",
              "Pendant", "Bracelet", "Bangle", "Ring", "Cufflinks", "Ties", "Scarves", "Stoles",
              "Backpacks", "Caps")      # a child's gifts beside the watches ("gift for kids": 51 watches of 54)
# Words beside a gift word that say nothing more of what it is, as typed ("ideas" is search_words' "idea";
# text_search reads them in search_words' forms too: "christmas" is "christma").
GIFT_FILLERS = frozenset({"birthday", "anniversary", "christmas", "xmas", "valentine", "idea", "something",
                          "special", "perfect", "nice", "good", "best", "surprise", "occasion", "someone",
                          # "present for father's day" listed 96 closest matches by meaning, "day" no name's word
                          # beside a gift (stop 76's shopper); so too a retirement's and a farewell's.
                          "day", "retirement", "farewell"})
# Words a product name puts before a word to deny it: "Fastrack Men Non Leather Brown Belts" was the first
# "brown leather belt". Not "imitation" ("imitation jewellery" is jewellery) nor "synthetic" (a colour follows).
DENYING_WORDS = ("non", "faux")
# Names of an imitation, which a word search finds by the word they start with ("leather" finds the 129
# "Leatherette" and 21 "Leatherite" products, as "analog" finds "Analogue"): listed after the real thing.
IMITATIONS = {"leatherette": "leather", "leatherite": "leather"}
# A shopper's words for a season the catalogue names otherwise: "jacket not autumn" left its Fall jackets in.
SEASON_SYNONYMS = {"autumn": "Fall"}
# Places dressed for in the heat, read as the season (and, by text_search.LIGHT_WEIGHT, light colours first): the
# catalogue files no beach wear, and "something for a beach wedding" listed FNF's "Wedding Collection" saris, Fall
# ones first, "beach" read as nothing (stop 71's shopper). Beside an occasion ("wedding": Ethnic) the occasion stays.
PLACE_SEASONS = {"beach": "Summer", "seaside": "Summer", "poolside": "Summer",
                 # And the cold's (stop 76's shopper): "jacket for snow" said "The catalogue has no snow jackets" and
                 # "warm clothes for snow" listed formal shirts first, "snow" read as nothing. Not "mountains" or
                 # "hills", dressed for in summer too.
                 **dict.fromkeys(("snow", "snowy", "ski", "skiing"), "Winter")}
# The places of PLACE_SEASONS dressed for in the heat, whose light colours come first (text_search.LIGHT_WEIGHT).
HOT_PLACES = frozenset(w for w, season in PLACE_SEASONS.items() if season == "Summer")
# A usage the catalogue files few products under -> the one whose products come next in a text search, after
# the usage's own and before the rest: the catalogue has 29 Party products, 2 of them men's, so "date night
# outfit for men" listed those 2 and then night suits (MiniLM's nearest to "night"); its men's Smart Casual
# shirts, shoes and watches are what a night out asks for.
WIDER_USAGE = {"Party": "Smart Casual"}
# Groups a query for a dressy occasion lists after the rest: "date night outfit for men" filled pages 3-4 with
# pyjama sets, MiniLM finding "night" in "night suit".
NOT_FOR_OCCASION = {usage: ("Loungewear and Nightwear", "Innerwear") for usage in ("Party", "Smart Casual", "Formal")}
# What a season named without a type lists after the rest, as (types, groups): "summer outfit for women" led with
# two nightdresses and five long jackets the catalogue files under Summer.
NOT_FOR_SEASON = {"Summer": (tuple(WARM_TYPES), ("Loungewear and Nightwear", "Innerwear"))}
# Prices in a query: the catalogue has none (styles.csv has no price column), so "running shoes under 2000"
# found nothing for "under 2000" and "under 500" said nothing matched. A number counts only beside a
# currency or after "under", "below", "between"...; "cheap" and such words count alone.
_NUMBER_WORDS = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|fifty)\s+(?:hundred|thousand)"
# A number before "%" is a share, not a price or a size: "100% cotton shirt" searched "% cotton shirt", its
# "100" said to be a price left out (a code review); some Hanes names say "100% Cotton".
_NOT_A_SHARE = r"(?![\d,.]*\s*%)"
SHARE = re.compile(r"\b\d{1,3}(?:[.,]\d+)?\s*%")
# "/-" after a rupee amount ("Rs 1,299/-": no paise) is part of it, as styles.csv's price column reads it: it was
# left in the search ("kurta /-") and "Rs 1,299/-" alone was no price (stop 70).
_RUPEES_ONLY = r"(?:\s*/-)?"
_AMOUNT = (r"(?:(?:rs\.?|inr|usd|eur|[₹$€£])\s*)?(?:" + _NOT_A_SHARE + r"\d[\d,.]*(?:\s*k\b)?" + _RUPEES_ONLY + "|"
           + _NUMBER_WORDS + r")"
           r"(?:\s*(?:rs|rupees|inr|dollars|usd|euros?|bucks)\b)?")
# Words that soften or turn a price word ("not too", "not that", "reasonably"), the negation's fillers among them.
_SOFTENERS = r"too|so|very|quite|reasonably|fairly|really|super|that|overly|a\s+bit"
_PRICE_QUALIFIER = rf"(?:(?:not|less|more|most|least)\s+)?(?:(?:{_SOFTENERS})\s+)?"
PRICE_WORDS = re.compile(
    rf"\bbetween\s+{_AMOUNT}\s+(?:and|to|-)\s+{_AMOUNT}"
    rf"|\b(?:(?:for|at)\s+)?(?:under|below|less\s+than|upto|up\s+to|within|over|above|more\s+than|around|for)"
    rf"\s+{_AMOUNT}"
    r"|\b\d{3,}\s*-\s*\d{3,}\b"                      # "2000-3000 watch"
    # "k" for thousands as a word of its own: "INR 700 kurta" searched "urta" (a review)
    r"|(?:\b(?:rs\.?|inr|usd|eur)|[₹$€£])\s*\d[\d,.]*(?:\s*k\b)?" + _RUPEES_ONLY +
    r"|\b\d[\d,.]*(?:\s*k\b)?" + _RUPEES_ONLY + r"\s*(?:rs|rupees|inr|dollars|usd|euros?|bucks)\b"
    # With what qualifies it: "not too expensive" left "not too" in the search box (a shopper's trial),
    # "reasonably priced shoes" "reasonably shoes".
    rf"|\b{_PRICE_QUALIFIER}(?:(?:low|high|best|lowest|highest)[\s-]+)?(?:prices?d?|pricing|cost)\b"
    rf"|\b{_PRICE_QUALIFIER}(?:cheap(?:est|er)?|affordable|inexpensive|bargains?|discount(?:ed|s)?|costly|expensive|pricey"
    r"|costliest|priciest|premium(?![\s-]+quality)|luxury|luxurious|high[\s-]end|economical|pocket[\s-]friendly|value\s+for\s+money)\b"
    # "sports shoes under budget" searched "sports shoes under", "budget friendly dress" "friendly dress"
    r"|\b(?:(?:under|within|in|on|for)\s+(?:an?\s+|my\s+|the\s+|your\s+)?)?(?:(?:low|tight|small)[\s-]+)?budget"
    r"(?:[\s-]+friendly)?\b"
    # "sale" had "Did you mean male?"; "deals on watches" searched "on watches"
    r"|\b(?:on\s+)?(?:sales?|offers?|deals?|clearance)(?:\s+on)?\b", re.IGNORECASE)
# A price said with its currency ("₹500 shoes"): a price even where names have its number (two shoes named "500").
# ... and so is a qualified one: no name says "not too expensive", and "not" read as leaving a word out let
# "jeans not too expensive" find products by its words, so the phrase stayed in the search (a re-trial).
SURELY_PRICE = re.compile(rf"[₹$€£]|\b(?:rs|inr|usd|eur|rupees|dollars|euros?|bucks)\b|^(?:not|less|more|most|least"
                          rf"|{_SOFTENERS})\s", re.IGNORECASE)
# Ratings, sales and arrival dates in a query: the catalogue has none of these either, and "best sports shoes",
# "top rated shoes", "latest kurta" and "new arrivals dress" found no name with every word, so 96 closest
# matches by meaning (a shopper trial). Not "top" alone (a type), nor "new" alone.
RANK_WORDS = re.compile(
    r"\b(?:(?:the\s+)?(?:very\s+)?best(?:[\s-]+(?:sell(?:ing|ers?)|rated|quality))?|bestsell(?:ing|ers?)"
    r"|top[\s-]+(?:rated|selling|sellers?|brands?|quality)|highly[\s-]+rated|most[\s-]+(?:popular|loved|liked)"
    r"|popular|trending|in[\s-]+trend|latest|newest|new[\s-]+(?:arrivals?|collections?|launch(?:es)?)|^new[\s-]+in"
    r"|(?:good|high|premium|great|nice)[\s-]+quality)\b", re.IGNORECASE)
# A number alone ("jeans 999") is a price only where the search finds nothing with it (a model number,
# "levis 501", finds its products): the catalogue page tries without it then.
BARE_NUMBER = re.compile(rf"\b{_NOT_A_SHARE}\d{{3,6}}\b")


# Sizes in a query: the catalogue has none either ("shoes size 9" listed a Nike "T-Lite 9" by meaning, with no
# word that sizes are not known). A letter size counts only after "size" ("size m"), or as XS, XXL, 3XL.
SIZE_WORDS = re.compile(
    r"\b(?:size|sz)\s*[:#-]?\s*(?:\d{1,2}(?:\.5)?|x{0,3}[sl]|m|[2-5]xl|small|medium|large|extra[\s-]large)\b"
    r"|\b(?:uk|us|eu|euro)\s*(?:size\s*)?\d{1,2}(?:\.5)?\b"
    r"|\b(?:xxs|xs|xl|xxl|xxxl|[2-5]xl)\b"
    r"|\b(?:waist|chest|bust|inseam)\s*[:#-]?\s*\d{2}\b|\b\d{2}\s*(?:waist|chest|bust|inseam)\b"     # "32 waist"
    r"|\bplus[\s-]size\b", re.IGNORECASE)


# "Colour" beside a colour ("blue colour", "red colour dress", "color: blue"): how a shopper names the colour, a
# word no product's name has but a brand's or a make-up type's ("United Colors of Benetton", "Colour Me", "Lip
# Colour"), so "blue colour" listed the 9 Colour Me deodorants and perfumes alone, "blue color shirt" Benetton's
# shirts alone and "red colour dress" no product with every word (a shopper's trial on the full catalogue, stop 65).
# Not after "multi" ("multi colour" names the catalogue's many-coloured products as their names do).
_COLOUR_NAMES = "|".join(sorted({w.lower() for c in SWATCHES for w in c.split()} | {"navy", "gray", "golden"},
                                key=len, reverse=True))
_COLOUR_WORD = r"colou?r(?:s|ed)?"
# Nor in "colour block" (14 names say "Color Block" or "Colourblocked": "red colour block top" read "red block top"),
# nor after "lip", "nail", "hair" or "eye" (78 names: "Lip Color", "Hair Colour"; "lip colour red" read "lip red";
# a review, stop 65).
_NOT_THE_WORD = r"(?!\s*-?\s*block)"
COLOUR_AFTER = re.compile(rf"\b({_COLOUR_NAMES})\s+{_COLOUR_WORD}\b{_NOT_THE_WORD}", re.IGNORECASE)
COLOUR_BEFORE = re.compile(rf"(?<!\blip\s)(?<!\bnail\s)(?<!\bhair\s)(?<!\beye\s)\b{_COLOUR_WORD}\s*[:=-]?\s*"
                           rf"(?=(?:{_COLOUR_NAMES})\b)", re.IGNORECASE)


def without_colour_word(query: str) -> str:
    """``query`` without the word "colour" where it stands beside a colour (:data:`COLOUR_AFTER`): "red colour
    dress" is "red dress", "color: blue" "blue"; "lip colour" and "multi colour" are left as they are."""
    return COLOUR_BEFORE.sub("", COLOUR_AFTER.sub(r"\1", query))


# Ages in a query: the catalogue has none either, and "dress for 6 year old girl" read "for 6" as a price. A child's
# age (CHILD_AGE or under, or in months) stands for children where the query names no wearer.
_NUMBER_NAMES = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                 "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen"]
_AGE = rf"(?:\d{{1,2}}|{'|'.join(_NUMBER_NAMES)})"
# The words for a wearer an age bound may follow (GENDER_WORDS' but "unisex", and "mother"), each as a look-behind
# of its own, as a look-behind is of one width.
_WEARERS = "|".join(sorted({w for w in GENDER_WORDS if w != "unisex"} | {"mother"}, key=len, reverse=True))
_AFTER_A_WEARER = "(?:" + "|".join(rf"(?<=\b{w}\s)" for w in _WEARERS.split("|")) + ")"
AGE_WORDS = re.compile(
    # "yo" and "y/o" too: "dress for a 5yo" searched "dress 5yo" (a stop 63 trial).
    rf"\b(?:for\s+(?:an?\s+|my\s+)?)?{_AGE}(?:\s*(?:-|to)\s*{_AGE})?[\s-]*(?:years?|yrs?|months?|mths?|yos?|y/o)"
    r"(?:[\s-]*olds?)?\b"
    rf"|\b(?:for\s+)?(?:aged?)\s*[:-]?\s*{_AGE}(?:\s*(?:-|to)\s*{_AGE})?\b"
    # An age in words before a word for a child ("dress for teenage girl", "kurta for little boy"), which no product's
    # words say either: searched as words, these listed the closest matches by meaning, said as "The catalogue has
    # no little kurtas for boys" (stop 76's shopper). Only there: "little black dress" is a woman's.
    r"|\b(?:little|teen|teens|teenage|teenaged|tween|young)(?:-|(?=\s))(?=\s*(?:girls?|boys?|kids?|child|children)\b)"
    # An age by a bound after the wearer ("clothes for men above 50", "dress for women over 40", "boys above 8"), or
    # before it ("50+ men", "40 plus women"), or a decade ("for men in their 50s"): "above 50" was read as a price
    # and said "The catalogue has no prices, so 'above 50' was left out" (stop 77, h77text). One or two digits, and
    # only beside a wearer's word, so that "shoes over 50" and "gift for men above 500" stay prices.
    rf"|{_AFTER_A_WEARER}(?:aged\s+|who\s+(?:is|are)\s+)?(?:over|above|past|older\s+than|more\s+than)\s+"
    r"[1-9]\d?(?:\s*\+)?(?:\s*(?:years?|yrs?)(?:[\s-]*old)?)?(?![\w+])"
    rf"|\b[1-9]\d\s*(?:\+|plus)(?=\s*(?:{_WEARERS})\b)"
    r"|\bin\s+(?:his|her|their|the)\s+(?:(?:early|mid|late)[\s-]+)?[1-9]0s\b",
    re.IGNORECASE)
CHILD_AGE = 14
_AGE_LEAD = re.compile(r"for\s+(?:an?\s+|my\s+)?", re.IGNORECASE)   # AGE_WORDS' words before an age


# The catalogue's type labels as a sentence says them: "The catalogue has no Pepe Jeans Tshirts" read as a
# misspelling, "no Heels for Men" as a heading (a shopper's trial of stop 62).
# Some labels are singular ("Ring", "Bra"): "has no Copper ring" (a stop 63 trial) reads as one ring.
_SAID_TYPES = {"Tshirts": "T-shirts", "Lounge Tshirts": "lounge T-shirts", "Ipad": "iPads", "Lip Care": "lip care"}


def said_types(types: list[str], joined: str = " or ") -> str:
    """Type labels as a notice says them, plural and in lower case but for a name's own capitals:
    ``said_types(["Tshirts", "Ring", "Casual Shoes"])`` -> "T-shirts or rings or casual shoes"."""
    return joined.join(_SAID_TYPES.get(t) or plural(t.lower()) for t in types)


def said_all(types: list[str]) -> str:
    """Type labels as a sentence lists them all, as :func:`said_types` says each: "casual shoes, formal shoes, flats
    and heels" (a note said "casual shoes or formal shoes or flats or heels" of the types it lists, stop 68)."""
    said = [said_types([t]) for t in types]
    return said[0] if len(said) < 2 else f"{', '.join(said[:-1])} and {said[-1]}"


# Words for many things that take no plural: a typed word read as many types is said in the plural ("has no
# Burgundy shoes for men"), but not these ("jewelleries").
_UNCOUNTED = {"jewellery", "jewelry", "clothing", "makeup", "lingerie", "luggage", "apparel"}


def plural(label: str) -> str:
    """``label`` (a type's label in lower case, or a word as typed) in the plural: "bag" -> "bags", "watch" ->
    "watches"; as it is where it already is ("heels", "swimwear") or takes none ("jewellery")."""
    if " and " in label or label in _UNCOUNTED:       # "perfume and body mist"
        return label
    if label.endswith(("sh", "ch", "x", "ss")):        # "nail polishes"; "nightdresses" (was "no Burgundy nightdress")
        return label + "es"
    if label.endswith(("s", "wear")):       # "heels", "swimwear"
        return label
    if label.endswith("y") and label[-2:-1] not in "aeiou":
        return label[:-1] + "ies"
    return label + "s"


def age_words(query: str) -> tuple[str, list[str], bool]:
    """(``query`` without what it says about age, those parts as typed, whether an age is a child's):
    "dress for 6 year old girl" is ("dress for girl", ["6 year old"], True), "clothes for ten year old"
    ("clothes", ["for ten year old"], True)."""
    said: list[str] = []

    def taken(age: re.Match) -> str:
        # Before a wearer, "for a"/"for my" stay: "a gift for a 10-year-old girl" searched and showed "a gift girl"
        # in the box, the title and the notice (stop 67's shopper). Without one, "kurta for 5 year old" is "kurta".
        lead = _AGE_LEAD.match(age.group())
        after = re.match(r"\W*([a-z]+)", age.string[age.end():], re.IGNORECASE)
        kept = lead.group() if lead and after and genders_named(after.group(1).lower()) else ""
        said.append(age.group()[len(kept):].strip(" -"))   # "teen-boys": "teen"
        return " " + re.sub(r"\ban\b", "a", kept) + " "       # "for an 8 year old boy": "for a boy"

    rest = tidied(AGE_WORDS.sub(taken, query))
    # A number's letters apart from its unit: "5yo" had no age in it, so "dress for a 5yo" was not a child's.
    ages = [int(n) if n.isdigit() else _NUMBER_NAMES.index(n) + 1
            for part in said for n in re.findall(r"\d+|[a-z]+", part.lower()) if n.isdigit() or n in _NUMBER_NAMES]
    months = any(re.search(r"\b(?:months?|mths?)\b", part, re.IGNORECASE) for part in said)
    return rest, said, bool(said) and (months or min(ages, default=CHILD_AGE + 1) <= CHILD_AGE)


def _taken_out(pattern: re.Pattern, query: str) -> tuple[str, list[str]]:
    """(``query`` without what ``pattern`` matches, those parts as typed)."""
    return tidied(pattern.sub(" ", query)), [m.group().strip() for m in pattern.finditer(query)]


def tidied(text: str) -> str:
    """``text`` with what taking words out of it left: runs of spaces, and stray commas ("slim fit, , and in a
    dark wash")."""
    text = re.sub(r"\s+([,;.])", r"\1", " ".join(text.split()))
    return re.sub(r"([,;])(?:\s*[,;])+", r"\1", text).strip(" ,;")


# A bare number after a word for clothes or shoes sold by size is a size too ("jeans 32", "shirt 40", "shoes
# 9"): "jeans 32" found no product and listed 96 closest matches by meaning, saying nothing of sizes. As with
# prices, the catalogue page leaves it out only where the search finds nothing with it (Nike's "T-Lite 9"
# shoes keep "shoes 9"); three digits or more are no size ("levis 501", a model). The words are a shopper's,
# not the catalogue's types: this reads the query as typed, before any catalogue is at hand.
_SIZED = (r"jeans?|jeggings?|trousers?|pants|chinos?|shorts|skirts?|dress(?:es)?|shirts?|t-?shirts?|tees?"
          r"|kurtas?|kurtis?|jackets?|blazers?|coats?|sweaters?|sweatshirts?|hoodies?|bras?|briefs|boxers|trunks?"
          r"|leggings?|shoes?|sneakers?|boots?|sandals?|heels|flats|slippers?|flip[\s-]?flops?|loafers?|trainers?"
          r"|socks")
SIZED_NUMBER = re.compile(rf"\b(?:{_SIZED})\s+{_NOT_A_SHARE}(\d{{1,2}}(?:\.5)?(?:\s*[x/]\s*\d{{2}})?)\b", re.IGNORECASE)


def size_words(query: str) -> tuple[str, list[str]]:
    """(``query`` without what it says about size, those parts as typed): "shoes size 9" is ("shoes",
    ["size 9"]), "jeans 32 waist" ("jeans", ["32 waist"]) and "jeans 32" ("jeans", ["32"])."""
    rest, said = _taken_out(SIZE_WORDS, query)
    numbers = list(SIZED_NUMBER.finditer(rest))
    for m in reversed(numbers):     # the number out, the word for what is sized kept
        rest = rest[:m.start(1)] + rest[m.end(1):]
    return " ".join(rest.split()), said + [m.group(1) for m in numbers]


def rank_words(query: str) -> tuple[str, list[str]]:
    """(``query`` without what it says about ratings, sales or arrival dates, those parts as typed): "best
    sports shoes" is ("sports shoes", ["best"])."""
    return _taken_out(RANK_WORDS, query)


def without_price_or_size(query: str) -> tuple[str, list[str]]:
    """(``query`` without what it says about price and size, those parts as typed), where words are left to
    search with: the catalogue has neither, and "red dress for a party under 2000 rupees" searched by the
    CLI and the API with "under 2000 rupees" in it, said nowhere (the web page says it in a notice). Ratings
    (:data:`RANK_WORDS`) stay: names have "Best" ("ADIDAS Men's Best Shot"), and search by meaning reads past
    them; the catalogue page leaves them out only where no name has every word."""
    rest, priced = price_words(query)
    rest, sized = size_words(rest)
    return (rest, priced + sized) if (priced or sized) and rest.strip() else (query, [])


def lacking(priced: list[str], sized: list[str], ranked: list[str]) -> tuple[str, str, int]:
    """What a notice says the catalogue has none of, the words of a search that asked for it, and how many:
    ("prices or sizes", "'cheap' and 'size 32'", 2); the catalogue page's and the API's ``note``."""
    said = [(kind, p) for kind, words in (("prices", priced), ("sizes", sized), ("ratings or arrival dates", ranked))
            for p in words]
    return " or ".join(dict.fromkeys(kind for kind, _ in said)), " and ".join(repr(p) for _, p in said), len(said)


def price_words(query: str) -> tuple[str, list[str]]:
    """(``query`` without what it says about price, those parts as typed): "running shoes under 2000" is
    ("running shoes", ["under 2000"])."""
    return _taken_out(PRICE_WORDS, query)


# What a price said in a query bounds, where a catalogue has prices (stop 64): "under 500", "below 1000", "less than
# 2k", "up to 1,500", "within 2000" bound it from above; "over 2000", "above 1k", "more than 999" from below;
# "500-1000", "between 500 and 1000" both ways; both bounds included; "around 1000" both ways, a fifth either side
# (:data:`AROUND_SHARE`: 800 to 1,200, said so). Not "for 500", "₹500" alone, nor "cheap": a filter from those would
# be a guess, so they are left out of the search, said.
_UPPER = r"(?:under|below|less\s+than|upto|up\s+to|within)"
_LOWER = r"(?:over|above|more\s+than)"
_AROUND = r"(?:around)"
# "around 1000" reads as 800 to 1,200: a shopper naming a round price means near it, either side; a fifth keeps a
# 999 or a 1,199 in and a half or a double of it out (stop 64). The note says the band, so it is no hidden guess.
AROUND_SHARE = 0.2
_BOUND = re.compile(rf"^(?:(?:for|at)\s+)?(?P<side>{_UPPER}|{_LOWER}|{_AROUND})\s+(?P<a>{_AMOUNT})$"
                    rf"|^between\s+(?P<lo>{_AMOUNT})\s+(?:and|to|-)\s+(?P<hi>{_AMOUNT})$"
                    r"|^(?P<lo2>\d{3,})\s*-\s*(?P<hi2>\d{3,})$", re.IGNORECASE)
_HUNDREDS = {w: i + 1 for i, w in enumerate(["one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                                              "ten"])} | {"fifteen": 15, "twenty": 20, "fifty": 50}


def amount(text: str, median: float | None = None) -> float | None:
    """The number a price in a query says: "2k" 2000, "1,500" 1500, "₹499" 499, "five hundred" 500; None for
    text that says none. "1.299" is 1,299, or 1.299 where the shop's prices (their ``median``) are nearer that
    (:func:`~fashionrec.catalog.read_price`, which reads the number)."""
    # A sentence's full stop or comma after it ("shirts under 500."): "500." was no amount, so the price word was
    # left out of the search and bound nothing (a code review, stop 64).
    t = re.sub(r"(?i)rs\.?|inr|usd|eur|rupees|dollars|euros?|bucks|[₹$€£]|/-", " ", text).lower()
    t = t.strip().rstrip(".,").strip()
    words = re.fullmatch(r"(\w+)\s+(hundred|thousand)", t)
    if words:
        n = _HUNDREDS.get(words.group(1))
        return None if n is None else float(n * (100 if words.group(2) == "hundred" else 1000))
    m = re.fullmatch(r"(\d[\d.,]*)\s*(k?)", t)
    if not m:
        return None
    # The number as styles.csv's price column reads it (stop 70: a reading of its own here read "1,2345" as 12,345,
    # which the catalogue refuses): "1.299,00" and "1.299" 1,299, "49,99" 49.99, "1.299" on the shop's scale.
    from fashionrec.catalog import read_price

    number, thousands = m.groups()
    if thousands and re.fullmatch(r"\d+\.\d+", number):
        return float(number) * 1000     # "1.5k": a point before a k is a decimal point
    value = read_price(number, None if thousands else median)
    return None if value is None else value * (1000 if thousands else 1)


def nearer_as_decimals(thousands: float, median: float | None) -> bool:
    """Whether an amount read as ``thousands`` (1299 for "1.299") is nearer the shop's prices' ``median`` read with
    decimals (1.299), on a log scale; False where there is no median, or no amount above 0 to read (a 0 has no
    logarithm); on a tie, False: read as thousands. The one rule for a query's amount, an add's and a column's
    (catalog._ambiguous_read)."""
    if not median or median <= 0 or not math.isfinite(median) or not thousands > 0 or not math.isfinite(thousands):
        return False
    return abs(math.log(thousands / 1000 / median)) < abs(math.log(thousands / median))


def amounts_read_otherwise(used: list[str], median: float | None = None) -> list[tuple[str, float]]:
    """(the amount as typed, the number read) for each European-style amount in the price words ``used``
    (:func:`~fashionrec.catalog.price_written_european`, the loader's own test, stop 70: this module kept patterns of
    its own beside it): [("1.299", 1299.0)] for ["under ₹1.299"], [("1.299", 1.299)] in a shop whose prices'
    ``median`` is 25; the note says what was read."""
    from fashionrec.catalog import price_written_european

    found = []
    for phrase in used:
        for m in re.finditer(r"\d[\d.,]*\d", phrase):
            text = m.group()
            if price_written_european(text):
                found.append((text, amount(text, median)))
    return found


def price_range(said: list[str], median: float | None = None
                ) -> tuple[tuple[float | None, float | None] | None, list[str]]:
    """(the prices that ``said``, price words as :func:`price_words` gives them, bound: (lowest, highest), either
    None, both included; those of them read so), or (None, []) where none bounds a price or they contradict each
    other ("under 500 over 2000"). ["under 500"] is ((None, 500.0), ["under 500"]); ["cheap"] is (None, []).
    ``median``: the shop's prices' (:meth:`ItemTables.price_median`), which reads "1.299" (:func:`amount`)."""
    low, high, used = None, None, []
    for phrase in said:
        m = _BOUND.match(" ".join(phrase.split()))
        if not m:
            continue
        if m.group("side"):
            a = amount(m.group("a"), median)
            if a is None:
                continue
            if re.match(_AROUND, m.group("side"), re.IGNORECASE):
                lo, hi = a * (1 - AROUND_SHARE), a * (1 + AROUND_SHARE)
                low, high = (lo if low is None else max(low, lo)), (hi if high is None else min(high, hi))
            elif re.match(_UPPER, m.group("side"), re.IGNORECASE):
                high = a if high is None else min(high, a)
            else:
                low = a if low is None else max(low, a)
        else:
            a, b = (amount(m.group(g), median) for g in (("lo", "hi") if m.group("lo") else ("lo2", "hi2")))
            if a is None or b is None:
                continue
            a, b = min(a, b), max(a, b)     # "1000-500" is the same range
            low, high = (a if low is None else max(low, a)), (b if high is None else min(high, b))
        used.append(phrase)
    if not used or low is not None and high is not None and low > high:
        return None, []
    return (low, high), used


def price_overlap(a: tuple | None, b: tuple | None) -> tuple[float | None, float | None] | None:
    """The prices both ``a`` and ``b`` allow, each (lowest, highest) with None for no bound, or None where they leave
    no price between them: a query's price words with the API's min_price/max_price, or with the page's price boxes
    ("shirts under 500" and a lowest price of 300: (300, 500))."""
    a, b = a or (None, None), b or (None, None)
    low = max((x for x in (a[0], b[0]) if x is not None), default=None)
    high = min((x for x in (a[1], b[1]) if x is not None), default=None)
    return None if low is not None and high is not None and low > high else (low, high)


def price_read_said(bounds: tuple[float | None, float | None], used: list[str], currency: str = "",
                    median: float | None = None) -> str:
    """The note's sentence for a price filter read from a query: "Only products priced ₹500 or less: 'under 500'
    was read as a price.", and for "around 1000" the band it read ("... read as a price, a fifth either side of
    it."); the API's, the CLI's and the catalogue page's. In the shop's ``currency`` (:meth:`ItemTables.currency`),
    as the cards and "they cost ₹299 to ₹1,099" say prices (stop 67: the typed amounts were said without it)."""
    around = [p for p in used if re.match(rf"(?:(?:for|at)\s+)?{_AROUND}\b", p.strip(), re.IGNORECASE)]
    band = (f", {int(AROUND_SHARE * 100)}% either side of {'it' if len(around) == 1 else 'them'}" if around else "")
    read = read_otherwise_said(used, currency, median)
    priced = price_range_said(bounds, currency, _typed_decimals(used, median))
    return (f"Only products priced {priced}: {' and '.join(map(repr, used))} "
            f"{'was' if len(used) == 1 else 'were'} read as a price{band}{read}.")


def read_otherwise_said(used: list[str], currency: str = "", median: float | None = None) -> str:
    """", '1.299' as ₹1,299" for each European-style amount in the price words ``used``
    (:func:`amounts_read_otherwise`), in the shop's ``currency``; "" for none: it was read as 1.299, a filter that
    left nothing, without a word (stop 65)."""
    decimals = _typed_decimals(used, median)
    return "".join(f", {typed!r} as {price_said(value, currency, decimals)}"
                   for typed, value in amounts_read_otherwise(used, median))


def _typed_decimals(used: list[str], median: float | None = None) -> int:
    """The decimals a price note says its amounts with: a cent's two, or as many as a dotted amount read as decimals
    was typed with ("1.299" in a shop priced in dollars and cents: 1.299 was said "$1.30", not what was typed)."""
    return max([2] + [len(typed.rpartition(".")[2]) for typed, value in amounts_read_otherwise(used, median)
                      if "," not in typed and value != int(value)])


# Price words that order rather than bound (stop 65). A superlative sorts: "cheapest", "lowest price", "least
# expensive" cheapest first; "most expensive", "costliest", "priciest", "highest price" dearest first. A plain
# word is a soft preference, nothing left out: "cheap", "affordable", "budget", "inexpensive", "economical",
# "pocket friendly", "value for money", "low price", "less expensive", "not (too) expensive" list the matches priced
# at or below their median first; "expensive", "costly", "pricey", "premium", "luxury", "high end", "high price",
# "not cheap" those above it first. The best match first within each half. "sale", "deals", "discount", "best price"
# and "budget" with no other word stay left out: the catalogue has no discounts, and they name no direction.
_CHEAP_WORDS = (r"cheap(?:er)?|affordable|inexpensive|budget(?:[\s-]+friendly)?|economical|pocket[\s-]friendly"
                r"|value\s+for\s+money|low[\s-]+(?:prices?d?|pricing|cost|budget)|tight[\s-]+budget|small[\s-]+budget")
_DEAR_WORDS = r"expensive|costly|pricey|premium|luxury|luxurious|high[\s-]end|high[\s-]+(?:prices?d?|pricing|cost)"
_ORDERS = (
    (re.compile(r"(?:the\s+)?(?:cheapest|lowest[\s-]+(?:prices?d?|pricing|cost)|least\s+(?:\w+\s+)?(?:expensive|costly"
                r"|pricey))", re.I), "price", True),
    (re.compile(r"(?:the\s+)?(?:most\s+(?:\w+\s+)?(?:expensive|costly|pricey|premium|luxurious)|costliest|priciest"
                r"|highest[\s-]+(?:prices?d?|pricing|cost))", re.I), "-price", True),
    # "not expensive", "not too expensive", "less expensive": a preference for the cheaper, as "cheap" is.
    (re.compile(rf"(?:(?:not|less)\s+(?:\w+\s+)?(?:{_DEAR_WORDS})|(?:(?:under|within|in|on|for)\s+)?"
                rf"(?:an?\s+|my\s+|the\s+|your\s+)?(?:{_CHEAP_WORDS}))", re.I), "price", False),
    (re.compile(rf"(?:(?:not|more)\s+(?:\w+\s+)?(?:{_CHEAP_WORDS})|(?:(?:more|very|quite|really|super)\s+)?"
                rf"(?:{_DEAR_WORDS}))", re.I), "-price", False),
)


def price_order(said: list[str]) -> tuple[str, bool, list[str]] | None:
    """How the price words ``said`` (:func:`price_words`) order the products: (sort, strict, the words read so),
    sort "price" cheapest first or "-price" dearest first, strict True for a sort ("cheapest"), False for a soft
    preference ("cheap": the cheaper half first); None where none orders or they pull both ways ("cheap premium").
    ``price_order(["cheapest"])`` is ("price", True, ["cheapest"])."""
    read = []
    for phrase in said:
        p = " ".join(phrase.split())
        how = next(((sort, strict) for pattern, sort, strict in _ORDERS if pattern.fullmatch(p)), None)
        if how:
            read.append((phrase, *how))
    if not read or len({sort for _, sort, _ in read}) > 1:
        return None
    return read[0][1], any(strict for _, _, strict in read), [phrase for phrase, _, _ in read]


# Arrival words, read as a sort by year, newest first, where products have years (stop 74): "new arrivals" listed
# every product in the catalogue's order and "latest kurta" said "the catalogue has no ... arrival dates".
ARRIVAL_WORDS = re.compile(r"(?:the\s+)?(?:latest|newest|new[\s-]+(?:arrivals?|collections?|launch(?:es)?|in))",
                           re.IGNORECASE)


def arrival_order(said: list[str]) -> tuple[str, bool, list[str]] | None:
    """("newest", True, the words read so) for the arrival words among ``said`` (:func:`rank_words`' parts: "latest",
    "new arrivals", "new in"), as :func:`price_order` gives a price's; None where there is none.
    ``arrival_order(["latest"])`` is ("newest", True, ["latest"])."""
    used = [p for p in said if ARRIVAL_WORDS.fullmatch(" ".join(p.split()))]
    return ("newest", True, used) if used else None


def words_order_said(order: tuple[str, bool, list[str]], median: float | None = None, currency: str = "") -> str:
    """The note's sentence for the words read as an order: a price's (:func:`price_order_said`), or the arrival
    words' "'latest' was read as a sort by year, newest first.", as "cheapest" is said."""
    sort, _, used = order
    if sort != "newest":
        return price_order_said(order, median, currency)
    words = f"{' and '.join(map(repr, used))} {'was' if len(used) == 1 else 'were'}"
    return f"{words} read as a sort by year, newest first."


def price_order_said(order: tuple[str, bool, list[str]], median: float | None = None, currency: str = "") -> str:
    """The note's sentence for a price word that orders (:func:`price_order`): "'cheapest' was read as a sort by
    price, cheapest first." or "'cheap' was read as a preference: the products priced 799 or less (the median of
    the matches' prices) first, the best match first among them; none was left out."."""
    sort, strict, used = order
    words = f"{' and '.join(map(repr, used))} {'was' if len(used) == 1 else 'were'} read as"
    if strict:
        return f"{words} a sort by price, {'cheapest' if sort == 'price' else 'dearest'} first."
    if median is None:
        return f"{words} a preference, but no product here has a price to prefer by."
    said = price_said(median, currency)
    side = f"{said} or less" if sort == "price" else f"over {said}"
    return (f"{words} a preference: the products priced {side} (the median of the "
            f"matches' prices) first, the best match first among them; none was left out.")


def price_said(value: float, currency: str = "", decimals: int = 2) -> str:
    """A price as a card, a table or a note shows it: "1,299", "499.50"; with the shop's ``currency`` (stop 65)
    "₹1,299", a symbol of one character before the number, a longer one ("Rs.", "CHF") and a space before it.
    ``decimals``: more than a cent's two for an amount typed so ("1.299", :func:`read_otherwise_said`)."""
    value = round(value, decimals)     # to the cent first: 1299.999 was "1,300.00", a whole price said with cents
    number = f"{value:,.0f}" if value == int(value) else f"{value:,.{decimals}f}"
    if decimals > 2 and value != int(value):      # 1.5 of a typed "1.500" is "1.50": no third decimal it lacks
        whole, _, fraction = number.partition(".")
        number = f"{whole}.{fraction.rstrip('0').ljust(2, '0')}"
    if not currency:
        return number
    return f"{currency}{number}" if len(currency) == 1 else f"{currency} {number}"


def price_range_said(bounds: tuple[float | None, float | None], currency: str = "", decimals: int = 2) -> str:
    """A price filter in words: "500 or less", "2,000 or more", "from 500 to 1,000"; with the shop's
    ``currency`` "₹500 or less" (stop 67); ``decimals`` as :func:`price_said`'s."""
    def said(value: float) -> str:
        return price_said(value, currency, decimals)
    low, high = bounds
    if low is None:
        return f"{said(high)} or less"
    if high is None:
        return f"{said(low)} or more"
    return f"from {said(low)} to {said(high)}"


# A product name with one of the words for children ("Kids", "Boy's", "Children's"), from the table above.
_CHILDREN_WORDS = sorted(w for w, genders in GENDER_WORDS.items()
                         if set(genders) <= {"Boys", "Girls"} and w not in CHILD_AGE_WORDS)
CHILDREN_NAME = re.compile(rf"\b(?:{'|'.join(_CHILDREN_WORDS)})\b", re.IGNORECASE)
# The words that say a product is a child's whatever gender it is filed under: "Gini and Jony Kids Boys ...",
# "Levis Kids Girl's ...", "... Infant Kidswear" (320 of the catalogue's Men and Women products).
# "Toddler" too: "Timberland Men Toddler Brown Casual Shoes" (5, filed as men's) are a small child's; and a
# junior size: "Puma Unisex Speeder SL Jr", "Timberland Men Juniors ..." (11 filed as Men, Women or Unisex; a
# junior shoe was among a man's picks for two shirts, a new user's trial).
KIDS_NAME = re.compile(r"\b(?:kids?|kidswear|children'?s?|infants?|toddlers?|boy's|girl's|jr|juniors?)\b",
                       re.IGNORECASE)
# A baby's product ("Madagascar 3 Infant Boys White Booties", "... Snapsuit Romper"; 87 in the catalogue): not
# in an older child's look, where they took 111 of 1,302 children's looks' pieces (booties as a boy's socks).
INFANT_NAME = re.compile(r"\b(?:infants?|booties|rompers?|snapsuits?|toddlers?|new\s?borns?)\b", re.IGNORECASE)
# A child's product name that says whose it is ("Kids-Girls", "Boy's"): not for the other's look.
OTHER_CHILD = {"Boys": re.compile(r"\b(?:boys?|boy's)\b", re.IGNORECASE),
               "Girls": re.compile(r"\b(?:girls?|girl's)\b", re.IGNORECASE)}


def norm(text: str) -> str:
    """"T-Shirt" -> "tshirt", "Body Mist" -> "bodymist": the key every word and phrase is looked up by."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def forms(key: str) -> set[str]:
    """The singular and plural spellings a key also answers to ("dresses": dress; "tee": tees; "glass":
    glasses; "accessory": accessories). Some are not words ("dresse"); they are only looked up."""
    out = {key, key.removesuffix("s"), key + "s"}
    if key.endswith(("s", "x", "ch", "sh", "z")):
        out.add(key + "es")                                 # "glass": glasses
    if key.endswith(("ses", "xes", "ches", "shes", "zes")):
        out.add(key[:-2])                                   # "dresses": dress
    if key.endswith("ies"):
        out.add(key[:-3] + "y")
    elif key.endswith("y"):
        out.add(key[:-1] + "ies")
    return {f for f in out if f}


def singular(word: str) -> str:
    """A query word's one singular spelling, for matching product words by regular expression: "dresses"
    and "dress" -> "dress", "watches" -> "watch", "jeans" -> "jean", "shoes" -> "shoe" (:func:`forms` goes the
    other way, every spelling a table key answers to)."""
    if word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("ies") and word[:-3] + "y" in KINDS and word[:-3] + "ie" not in KINDS:
        # A kind's plural: "derbies" is "derby", whose names alone it asks for (a "derbie" matched no name, and
        # the page listed loafers and brogues, other kinds of the same types); "hoodies" stays "hoodie".
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


# GENDER_WORDS under every spelling a query's word takes: search_words makes "ladies" "ladie" and "gents"
# "gent", and "childrens" has no apostrophe to drop. Looked up as typed, "backpack for ladies" found 35
# backpacks, "for women" 607 with the unisex ones, and "childrens shoes" was for no one (a code review).
GENDER_FORMS = {form: genders for word, genders in GENDER_WORDS.items() for form in forms(word)}


def genders_named(word: str) -> tuple[str, ...]:
    """The catalogue's genders a query's word names, as typed or as
    :func:`~fashionrec.word_search.search_words` reads it ("ladies", "ladie": ("Women",); "childrens": ("Boys",
    "Girls")); () for a word that names none."""
    return GENDER_FORMS.get(word, ())


# The two-word phrases of WEATHER_WORDS and USAGE_WORDS, which a word search reads as one word
# (search_words joins "warm clothes" into "warmclothes", the key its types are listed under): their words
# alone would mislead ("wear" is skipped, "date night" is no nightdress). Keyed by singular words ("warm
# cloth" is the phrase too). Type phrases such as "running shoes" stay words: the products named running
# are what they find.
PHRASES = {tuple(singular(w) for w in key.split()): norm(key) for key in [*WEATHER_WORDS, *USAGE_WORDS]
           if len(key.split()) == 2}


# Search words (joined, singular or plural) that name weather -> the types they mean alone.
WEATHER_KEYS = {form: types for key, types in WEATHER_WORDS.items() for form in forms(norm(key))}
# The words a joined weather phrase came from ("winterwear": winter, wear), for a query that says more.
UNJOINED = {key: list(words) for words, key in PHRASES.items() if key in WEATHER_KEYS}


def join_phrases(words: list[str]) -> list[str]:
    """Lower-case words -> the same with each phrase of :data:`PHRASES` joined into its key."""
    out, i = [], 0
    while i < len(words):
        pair = tuple(singular(w) for w in words[i:i + 2])
        if len(pair) == 2 and pair in PHRASES:
            out.append(PHRASES[pair])
            i += 2
        else:
            out.append(words[i])
            i += 1
    return out


class TypeWords:
    """Words and phrases of one catalogue -> the article types they mean (see the module docstring)."""

    def __init__(self, items: pd.DataFrame, earlier: TypeWords | None = None):
        """``earlier``: the words of the items before a product was added (``items`` are those with rows after
        them), whose counts of the names' words are taken and the new rows' added (:func:`_name_words`)."""
        types = set(items["articleType"].dropna().unique())
        own: dict[str, set[str]] = {}       # a type's own name wins over the last words and category names
        half: dict[str, set[str]] = {}      # half of a compound name: added to either
        syn: dict[str, set[str]] = {}       # SYNONYMS: added to either
        other: dict[str, set[str]] = {}     # last words of names, category names
        single: set[str] = set()            # one-word keys: the ones worth adding to a product's words

        def add(table: dict[str, set[str]], phrase: str, values) -> None:
            key = norm(phrase)
            if not key or not values:
                return
            if " " not in phrase.strip() and key not in PLURAL_ONLY:     # no word of every product of its types
                single.add(key)
            for form in {key} if key in PLURAL_ONLY else forms(key):
                table.setdefault(form, set()).update(values)

        for t in types:
            add(own, t, [t])
            for part in t.split(" and ") if " and " in t else []:
                add(half, part, [t])
            if (" " in t and norm(t.split()[0]) not in QUALIFIED.get(singular(norm(t.split()[-1])), ())
                    and singular(norm(t.split()[-1])) not in LAST_WORD_NOT):
                add(other, t.split()[-1], [t])      # "shoes": Casual Shoes; "suit" not Night suits
        filed: dict[str, set[str]] = {}
        for column in ("subCategory", "masterCategory"):
            if column not in items:
                continue
            # A type counts under every category that holds a real share of its products: kajal is filed
            # under Makeup and Eyes; one T-shirt under Belts does not make "belts" mean T-shirts.
            counts = items.dropna(subset=["articleType", column]).groupby(["articleType", column]).size()
            share = counts / counts.groupby(level=0).transform("sum")
            for (t, category), part in share.items():
                if part >= FILED_SHARE:
                    filed.setdefault(str(category), set()).add(t)
        for category, ts in filed.items():
            add(other, category, ts)
        # A shop's type under its own name for a Kaggle one ("Denim" for Jeans): the everyday words of the type it
        # stands for reach it ("blue jeans for women" read no type, a new user's trial of stop 64).
        self.renamed = renamed_types(items, types)
        for kaggle, t in self.renamed.items():
            add(own, kaggle, [t])
        for word, wanted in SYNONYMS.items():
            # A synonym names types or a category ("nightwear": Loungewear and Nightwear's types).
            wanted = [self.renamed.get(name, name) for name in wanted]
            add(syn, word, {t for name in wanted for t in ([name] if name in types else filed.get(name, ()))})
        self._own, self._half, self._syn, self._other, self._single = own, half, syn, other, single
        # A two-word name typed as one ("flipflops", "trackpants") is in no product's text ("Flip Flops").
        self._joined = {norm(t): t for t in types if " " in t.strip() and " and " not in t}
        named = _name_words(items, earlier._named_words if earlier is not None else None)
        # For the next version's: what they were counted from, a copy (items changed in place are other items),
        # and the counts (never changed: copied where they differ).
        self._named_words = (items[["productDisplayName", "articleType"]].copy()
                             if {"productDisplayName", "articleType"} <= set(items) else items.iloc[:0], named)
        for key in set(syn) | set(other) | set(half):
            if not _names_agree(named, key, set(self.types(key))):
                for table in (syn, other, half):        # a type's name stays whatever the names say
                    table.pop(key, None)
        self._aliases = self._alias_table()     # asked per type word of every catalogue search: 1 ms to build

    def renamed_as(self, phrase: str) -> str | None:
        """The shop's type ``phrase`` reads as where it names a Kaggle type the shop has under another name
        ("jeans": Denim); None otherwise."""
        key = norm(phrase)
        return next((t for kaggle, t in self.renamed.items() if key in forms(norm(kaggle))), None)

    def types(self, phrase: str) -> list[str]:
        """The types ``phrase`` means, sorted; [] when it names none."""
        key = norm(phrase)
        found = self._own.get(key) or self._other.get(key, set())
        return sorted(found | self._half.get(key, set()) | self._syn.get(key, set()))

    def aliases(self) -> dict[str, list[str]]:
        """{type: the one-word keys that mean it but are not words of its name}, so that a word search over
        product text finds a Tshirts product by "tee", a Handbags product by "bag" or "purse" and a Flip
        Flops product by "flipflops". Built once; not to be changed."""
        return self._aliases

    def _alias_table(self) -> dict[str, list[str]]:
        out: dict[str, set[str]] = {}
        for key in self._single:
            if key in self._own or key in self._half:
                meant = self._syn.get(key, set())       # "rucksack" on Backpacks, not on Rucksacks
            else:
                meant = self._syn.get(key, set()) | self._other.get(key, set())
            for t in meant:
                if key not in {norm(w) for w in t.split()}:     # "shoes" is in Casual Shoes already
                    out.setdefault(t, set()).add(key)
        for key, t in self._joined.items():
            out.setdefault(t, set()).add(key)
        return {t: sorted(words) for t, words in out.items()}


RENAMED_MIN = 3     # product names that must use a Kaggle type's name before it is read as the shop's type


def renamed_types(items: pd.DataFrame, types: set[str]) -> dict[str, str]:
    """{Kaggle type the catalogue lacks: the catalogue's own type its names use that type's name for}: a shop's
    "Denim" for Jeans, where at least RENAMED_MIN products have "jeans" in their name and NAME_AGREEMENT of them are
    Denim, a type the shipped model does not know. Read from the names: `train --init` logs the type each new one
    started from but the checkpoint does not keep it, and an index of a catalogue may have no trained model. The
    shared catalogue has every Kaggle type the shipped model knows, so nothing is renamed there."""
    from fashionrec.catalog import shipped_description

    known = set((shipped_description().get("classes") or {}).get("articleType") or [])
    absent = sorted(known - types)
    if not absent or "productDisplayName" not in items:
        return {}
    names = (" " + items["productDisplayName"].fillna("").astype(str).str.lower()
             .str.replace(r"[^a-z0-9 ]", " ", regex=True) + " ")
    out = {}
    for kaggle in absent:
        first, last = kaggle.lower().split()[:-1], kaggle.lower().split()[-1]     # "sports shoes", "sport shoe"
        spelt = {" ".join([*first, f]) for f in forms(norm(last))}
        said = names.str.contains("|".join(re.escape(f" {f} ") for f in sorted(spelt)), regex=True)
        counts = items.loc[said.to_numpy(), "articleType"].dropna().value_counts()
        if counts.sum() >= RENAMED_MIN and counts.index[0] not in known \
                and counts.iloc[0] >= NAME_AGREEMENT * counts.sum():
            out[kaggle] = str(counts.index[0])
    return out


def rows_after(items: pd.DataFrame, before: pd.DataFrame, columns) -> pd.DataFrame | None:
    """The rows of ``items`` after ``before``'s, where ``items`` starts with ``before``'s rows (the same
    ``columns``, values and types: a year as a float reads "2012.0"); None where it does not. What per-row tables
    of an earlier version of the items keep: an add's items are those with rows after them."""
    n = len(before)
    if n <= len(items) and all(c in before and c in items for c in columns) \
            and items.iloc[:n][list(columns)].equals(before[list(columns)]):
        return items.iloc[n:]
    return None


def rows_changed(items: pd.DataFrame, before: pd.DataFrame, columns) -> np.ndarray | None:
    """The positions of the rows of ``items`` whose ``columns`` differ from ``before``'s, where ``items`` has
    ``before``'s rows in their order (the same length and index, each column of the same type: a year as a float
    reads "2012.0"); None where it does not. What per-row tables of an earlier version of the items keep of an
    edit's items (stop 75): all but the rows it changed."""
    columns = list(columns)
    if len(items) != len(before) or not items.index.equals(before.index) \
            or any(c not in items or c not in before or items[c].dtype != before[c].dtype for c in columns):
        return None
    differ = np.zeros(len(items), bool)
    for c in columns:
        now, was = items[c], before[c]
        same = now.eq(was).to_numpy(dtype=bool, na_value=False) | (now.isna().to_numpy() & was.isna().to_numpy())
        differ |= ~same
    return np.flatnonzero(differ)


def _name_words(items: pd.DataFrame, earlier: tuple[pd.DataFrame, dict] | None = None
                ) -> dict[str, collections.Counter]:
    """{word of a product name: how many products of each type have it in their name}. ``earlier``: (items, their
    counts) where those items may be the first rows of ``items``: then the counts of the rows after them alone
    are added, to a copy of the counts they change (0.35 s of every `index add` at 40k, counted anew from every
    name to read the next product's name: cProfile, stop 62)."""
    if "productDisplayName" not in items:
        return {}
    if earlier is not None:
        before, counts = earlier
        after = rows_after(items, before, ["productDisplayName", "articleType"])
        if after is not None:
            out = dict(counts)
            for word, added in _name_words(after).items():
                out[word] = out.get(word, collections.Counter()) + added
            return out
    words = join_qualified(items["productDisplayName"].fillna("").astype(str).str.lower()
                           .str.replace(r"[^a-z0-9 ]", "", regex=True))
    named = pd.DataFrame({"row": np.arange(len(items)), "type": items["articleType"].to_numpy(),
                          "word": words.str.split().to_numpy()})
    named = named.dropna(subset=["type"]).explode("word").dropna().drop_duplicates(["row", "word"])
    out: dict[str, collections.Counter] = {}
    for (word, t), n in named.groupby(["word", "type"]).size().items():
        out.setdefault(word, collections.Counter())[t] = int(n)
    return out


def _names_agree(named: dict[str, collections.Counter], key: str, meant: set[str]) -> bool:
    """Whether the catalogue's own names let ``key`` mean ``meant``: true unless at least NAME_EVIDENCE
    products have the word in their name and fewer than NAME_AGREEMENT of them are of those types
    ("eye" is in 105 names, 94 of them kajal and eyeshadow; most names with "chain" are pendants)."""
    seen = collections.Counter()
    for form in forms(key):
        seen.update(named.get(form, {}))
    total = sum(seen.values())
    return total < NAME_EVIDENCE or sum(seen[t] for t in meant) >= NAME_AGREEMENT * total

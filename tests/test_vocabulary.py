import pandas as pd

from fashionrec.vocabulary import SYNONYMS, TypeWords, occasion_words_read, read_wearer_occasions, type_phrase_turned


def _items(rows):
    return pd.DataFrame(rows, columns=["articleType", "subCategory", "masterCategory"])


ITEMS = _items(
    [("Tshirts", "Topwear", "Apparel")] * 12 + [("Tshirts", "Belts", "Accessories")]     # one misfiled
    + [("Kajal and Eyeliner", "Makeup", "Personal Care")] * 8 + [("Kajal and Eyeliner", "Eyes", "Personal Care")] * 2
    + [("Sweatshirts", "Topwear", "Apparel"), ("Jackets", "Topwear", "Apparel"), ("Rain Jacket", "Topwear", "Apparel"),
       ("Handbags", "Bags", "Accessories"), ("Laptop Bag", "Bags", "Accessories"), ("Belts", "Belts", "Accessories"),
       ("Casual Shoes", "Shoes", "Footwear"), ("Heels", "Shoes", "Footwear"), ("Rucksacks", "Bags", "Accessories"),
       ("Backpacks", "Bags", "Accessories"), ("Mascara", "Eyes", "Personal Care"),
       ("Perfume and Body Mist", "Fragrance", "Personal Care"), ("Earrings", "Jewellery", "Accessories"),
       (None, "Bags", "Accessories")])


def test_everyday_words_and_parts_of_names_mean_the_catalogues_types():
    words = TypeWords(ITEMS)
    assert words.types("tee") == words.types("Tees") == words.types("T-shirts") == ["Tshirts"]
    assert words.types("hoodies") == ["Sweatshirts"]
    assert words.types("perfume") == words.types("body mist") == ["Perfume and Body Mist"]
    # A category means the types with a real share of their products in it; a name's last word its type.
    assert words.types("bag") == words.types("bags") == ["Backpacks", "Handbags", "Laptop Bag", "Rucksacks"]
    assert words.types("shoes") == ["Casual Shoes", "Heels"]
    assert words.types("footwear") == ["Casual Shoes", "Heels"]
    assert words.types("eyes") == ["Kajal and Eyeliner", "Mascara"]        # 2 of 10 kajal are filed there
    assert words.types("jewelry") == words.types("jewellery") == ["Earrings"]
    assert "Tshirts" not in words.types("accessories") and "Belts" in words.types("accessory")
    # One T-shirt filed under Belts does not make "belts" mean T-shirts; a type's own name wins.
    assert words.types("belts") == ["Belts"]
    assert words.types("jacket") == ["Jackets"]
    assert words.types("coat") == ["Jackets", "Rain Jacket"]       # Blazers: not in this catalogue
    assert words.types("rucksack") == ["Backpacks", "Rucksacks"]  # a synonym adds to a type's name
    assert words.types("gown") == [] and words.types("pizza") == []  # no Dresses here; no such word
    # Words no name has: "parka" is a jacket, "windcheater" a jacket or rain jacket, in either number.
    assert words.types("parkas") == words.types("parka") == ["Jackets"]
    assert words.types("windcheaters") == ["Jackets", "Rain Jacket"]


def test_product_names_veto_a_meaning_they_contradict():
    rows = ([("Hair Colour", "Hair", "Personal Care", "Garnier Hair Colour")] * 3
            + [("Hair Accessory", "Accessories", "Accessories", f"Toniq Hair Band {i}") for i in range(10)]
            + [("Tshirts", "Topwear", "Apparel", f"Puma Men Tee {i}") for i in range(12)])
    words = TypeWords(pd.DataFrame(rows, columns=["articleType", "subCategory", "masterCategory",
                                                  "productDisplayName"]))
    # 13 names say "hair", 10 of them hair bands: the category Hair (Hair Colour) is not what it means.
    assert words.types("hair") == []
    assert words.types("tee") == ["Tshirts"]                      # the names agree
    assert words.types("hair colour") == ["Hair Colour"]          # a type's own name is never vetoed


def test_aliases_are_the_words_a_product_name_lacks():
    aliases = TypeWords(ITEMS).aliases()
    assert "tee" in aliases["Tshirts"] and "apparel" in aliases["Tshirts"]
    assert {"bags", "purse"} <= set(aliases["Handbags"])
    assert "shoes" not in aliases.get("Casual Shoes", []) and "shoes" in aliases["Heels"]
    assert "jacket" not in aliases.get("Rain Jacket", [])
    assert "rucksack" in aliases["Backpacks"] and "rucksack" not in aliases.get("Rucksacks", [])
    # A two-word name typed as one word is in no product's name: "casualshoes" finds Casual Shoes.
    assert "casualshoes" in aliases["Casual Shoes"] and "rainjacket" in aliases["Rain Jacket"]
    assert not any("and" in w for w in aliases.get("Perfume and Body Mist", []))


def test_every_synonym_names_types_not_another_synonym():
    assert all(isinstance(v, list) and v and all(isinstance(t, str) for t in v) for v in SYNONYMS.values())
    assert not set(SYNONYMS) & {t for v in SYNONYMS.values() for t in v}


def test_weather_words_mean_the_types_that_keep_one_warm_or_dry():
    from fashionrec.vocabulary import RAIN_TYPES, WARM_TYPES, WEATHER_KEYS, join_phrases
    from fashionrec.word_search import search_words

    # Clothes for the cold by type ("winter wear" read as the season listed sandals); rain by its types. The
    # search keys are the joined, singular or plural words; they are no type words (alone only: recommend).
    assert WEATHER_KEYS["winterwear"] == WEATHER_KEYS["woollen"] == WEATHER_KEYS["warmclothe"] == WARM_TYPES
    assert WEATHER_KEYS["monsoon"] == WEATHER_KEYS["rainyseason"] == WEATHER_KEYS["rain"] == RAIN_TYPES
    words = TypeWords(ITEMS)
    assert words.types("winter wear") == words.types("rain") == [] and words.types("rain jacket") == ["Rain Jacket"]
    # A phrase is one word to the search box, so that "wear", "night" or "clothes" in it stand for nothing.
    assert join_phrases(["date", "night", "dress"]) == ["datenight", "dress"]
    assert search_words("winter wear for men") == ["winterwear", "men"]
    assert search_words("something for a job interview") == ["jobinterview"]
    assert search_words("running shoes") == ["running", "shoe"]         # type phrases stay words


def test_a_bare_number_after_a_word_for_clothes_or_shoes_is_a_size():
    from fashionrec.vocabulary import size_words

    # "jeans 32" listed 96 closest matches by meaning with no word that sizes are not known.
    assert size_words("jeans 32") == ("jeans", ["32"])
    assert size_words("black T-shirt 42 for men") == ("black T-shirt for men", ["42"])
    assert size_words("shoes 9.5") == ("shoes", ["9.5"]) and size_words("jeans 32x34") == ("jeans", ["32x34"])
    assert size_words("jeans 32 waist") == ("jeans", ["32 waist"])
    assert size_words("waist 32 jeans") == ("jeans", ["waist 32"])
    assert size_words("shoes size 9") == ("shoes", ["size 9"])          # as before
    # Model numbers (three digits or more), numbers beside other words, and years stay.
    for typed in ("levis 501", "nike air max 90", "watch 40", "top 10 watches", "jeans 2013", "jeans 999"):
        assert size_words(typed) == (typed, []), typed


def test_a_number_before_percent_is_a_share_not_a_price_or_size():
    from fashionrec.vocabulary import BARE_NUMBER, price_words, size_words

    # "100% cotton shirt" had its "100" left out as a price, and the search box said "% cotton shirt".
    for typed in ("100% cotton shirt", "shirt for 100% cotton", "shirts over 100 % cotton", "shirts 60% cotton"):
        assert price_words(typed) == size_words(typed) == (typed, []) and not BARE_NUMBER.findall(typed), typed
    assert BARE_NUMBER.findall("jeans 999") == ["999"] and price_words("jeans for 500") == ("jeans", ["for 500"])
    assert price_words("under 1000 100% cotton shirt") == ("100% cotton shirt", ["under 1000"])


def test_a_word_qualified_into_another_thing_does_not_mean_it():
    # "men suit" listed 58 pyjama sets: the catalogue's suits are night suits (and salwar suits).
    from fashionrec.word_search import WordSearch, search_words

    rows = ([("Night suits", "Loungewear and Nightwear", "Apparel", "SDL Men Grey Night Suit", "Men")] * 12
            + [("Kurta Sets", "Apparel Set", "Apparel", "Aneri Women Purple Salwar Suit", "Women")] * 3
            + [("Blazers", "Topwear", "Apparel", "Reid & Taylor Men Blue Blazer", "Men")] * 2
            + [("Tracksuits", "Apparel Set", "Apparel", "Puma Men Black Track Suit", "Men")])
    items = pd.DataFrame(rows, columns=["articleType", "subCategory", "masterCategory", "productDisplayName", "gender"])
    words = TypeWords(items)
    # Not the last word of Night suits, and the night suits' names do not veto the everyday meaning.
    assert words.types("suit") == words.types("suits") == ["Blazers", "Kurta Sets"]
    assert words.types("night suit") == ["Night suits"]
    search = WordSearch(items, words)
    types = items["articleType"].to_numpy()

    def found(query):
        return sorted(set(types[search.mask(search_words(query))]))

    assert found("men suit") == ["Blazers"] and found("suits") == ["Blazers", "Kurta Sets"]
    assert found("night suit") == found("nightsuits") == found("night suits for men") == ["Night suits"]
    assert found("track suit") == ["Tracksuits"] and found("salwar suit") == ["Kurta Sets"]


def test_ages_are_read_out_of_a_query():
    from fashionrec.vocabulary import age_words

    assert age_words("dress for 6 year old girl") == ("dress for girl", ["6 year old"], True)
    assert age_words("clothes for ten year old") == ("clothes", ["for ten year old"], True)
    assert age_words("baby clothes 6 months")[2] and age_words("frock 2-3 years")[:2] == ("frock", ["2-3 years"])
    assert age_words("watch for 40 year old man") == ("watch for man", ["40 year old"], False)
    assert age_words("gift for dad under 1000") == ("gift for dad under 1000", [], False)     # a price, no age
    assert age_words("jeans 32") == ("jeans 32", [], False)
    # Stop 63: "dress for a 5yo" searched "dress 5yo", and "5yo" held no age for a child's.
    assert age_words("dress for a 5yo") == ("dress", ["for a 5yo"], True)
    assert age_words("top 6 y/o")[1:] == (["6 y/o"], True)


def test_an_age_bound_beside_a_wearer_is_an_age_not_a_price():
    # Stop 77 (h77text): "clothes for men above 50" said "The catalogue has no prices, so 'above 50' was left out".
    from fashionrec.vocabulary import age_words, price_words

    for typed, read, aged in (("clothes for men above 50", "clothes for men", "above 50"),
                              ("dress for women over 40", "dress for women", "over 40"),
                              ("50+ men shirts", "men shirts", "50+"),
                              ("shirt for 40 plus women", "shirt for women", "40 plus"),
                              ("kurta for men in their 50s", "kurta for men", "in their 50s")):
        assert age_words(typed) == (read, [aged], False), typed
        assert price_words(read)[1] == [], typed
    assert age_words("tshirt for boys over 10") == ("tshirt for boys", ["over 10"], True)
    # No wearer, or three digits: a price still.
    for typed in ("shoes over 50", "gift for men above 500"):
        assert age_words(typed)[1] == [] and price_words(typed)[1], typed


def test_the_api_and_the_page_read_an_age_alike():
    from fashionrec.text_search import read_ages

    # Stop 63: the API read "for 5" of "kurta for 5 year old" as a price and searched women's kurtas, where the
    # page searched "kids kurta".
    assert read_ages("kurta for 5 year old") == ("kids kurta", ["for 5 year old"], True)
    assert read_ages("kurta age 5") == ("kids kurta", ["age 5"], True)
    assert read_ages("dress for 6 year old girl") == ("dress for girl", ["6 year old"], False)   # a wearer named
    # Stop 67's shopper: "a gift for a 10-year-old girl" was searched, and shown in the box, as "a gift girl". The
    # age alone is left out where a wearer follows it, so the words typed around it stay.
    assert read_ages("a gift for a 10-year-old girl") == ("a gift for a girl", ["10-year-old"], False)
    assert read_ages("gift for my 10 year old daughter") == ("gift for my daughter", ["10 year old"], False)
    assert read_ages("shoes for an 8 year old boy")[0] == "shoes for a boy"
    assert read_ages("top for 6 year old in blue") == ("kids top in blue", ["for 6 year old"], True)
    assert read_ages("5 year old") == ("kids", ["5 year old"], True)      # "kids " with a space, on the page
    assert read_ages("watch under 500") == ("watch under 500", [], False)


def test_an_age_in_words_before_a_child_is_left_out_as_an_age_is():
    from fashionrec.text_search import ages_said, read_ages

    # Stop 76's shopper: "dress for teenage girl" and "kurta for little boy" were searched with "teenage" and "little",
    # which no dress or kurta is named with, and listed the closest by meaning ("The catalogue has no little kurtas
    # for boys"), where "dress for girl" lists 102 dresses and "kurta for boy" 8 kurtas.
    assert read_ages("dress for teenage girl") == ("dress for girl", ["teenage"], False)
    assert read_ages("diwali kurta for little boy")[:2] == ("diwali kurta for boy", ["little"])
    assert read_ages("Jeans for Teen-Boys")[:2] == ("Jeans for Boys", ["Teen"])
    assert read_ages("young kids tshirt")[0] == "kids tshirt"
    assert ages_said(["teenage"], False) == "The catalogue has no ages, so 'teenage' was left out of the search"
    # Not before other words: a little black dress is a woman's, "Teen Kidswear" a name's words.
    for kept in ("little black dress", "teen kidswear", "young fashion tops", "little girls"[:6]):
        assert read_ages(kept) == (kept, [], False)


def test_the_wider_family_reads_as_whom_a_gift_is_for():
    from fashionrec.text_search import people_named, people_said
    from fashionrec.vocabulary import CHILDREN_NAME, genders_named

    # Stop 76's shopper: "gift for grandfather", "gift for my uncle" and "shoes for my niece" found no product by their
    # words; the niece's shoes listed were women's.
    assert people_said(people_named("gift for my grandfather")) == "'grandfather' reads as Men"
    assert people_said(people_named("gift for grandma")) == "'grandma' reads as Women"
    assert people_said(people_named("shoes for my niece")) == "'niece' reads as Girls"
    assert genders_named("nephew") == ("Boys",) and genders_named("uncle") == ("Men",)
    assert genders_named("aunties") == ("Women",)       # as a query's word is read, plural too
    # "Grandad" is a kid's T-shirt's name word, not a wearer: its name stays no child's by that word alone.
    assert genders_named("grandad") == () and not CHILDREN_NAME.search("Tantra Grandad Brick Orange")


def test_every_person_word_names_a_wearer():
    # The catalogue page says what a person word reads as, from GENDER_WORDS (a review: two hand-kept lists).
    from fashionrec.vocabulary import GENDER_WORDS, PERSON_WORDS

    assert PERSON_WORDS.issubset(GENDER_WORDS) and all(GENDER_WORDS[w] for w in PERSON_WORDS)


def test_the_word_colour_beside_a_colour_is_left_out():
    from fashionrec.text_search import read_ages
    from fashionrec.vocabulary import without_colour_word

    # Stop 65, a shopper's trial on the full catalogue: "blue colour" listed the 9 "Colour Me" deodorants and
    # perfumes alone, "blue color shirt" only "United Colors of Benetton" shirts.
    assert without_colour_word("red colour dress") == "red dress" and without_colour_word("color: blue") == "blue"
    assert without_colour_word("black coloured shoes") == "black shoes"
    assert without_colour_word("navy blue color shirt") == "navy blue shirt"
    for kept in ("multi colour", "lip colour", "colour me perfume", "united colors of benetton", "lip colour red",
                 "nail color pink", "hair colour black", "red colour block top", "navy color-block polo"):
        assert without_colour_word(kept) == kept
    assert read_ages("blue colour kurta for 5 year old") == ("kids blue kurta", ["for 5 year old"], True)


def test_chain_means_jewellery_and_key_chain_the_key_chain():
    # Stop 68: "chain" (and "gold chain") read as Key chain too, a type's last word, beside the pendants and
    # necklaces a shopper means; "key chain" is the type by its own name.
    words = TypeWords(_items([("Key chain", "Accessories", "Accessories"), ("Pendant", "Jewellery", "Accessories"),
                              ("Necklace and Chains", "Jewellery", "Accessories")]))
    assert words.types("chain") == words.types("chains") == ["Necklace and Chains", "Pendant"]
    assert words.types("key chain") == ["Key chain"]


def test_an_oxford_or_a_derby_is_a_formal_shoe():
    # Stop 68: read as Casual Shoes too, the API's first ten of "oxford shoes" held 2-4 formal pairs, after
    # Converse's "Oxford" casual models.
    words = TypeWords(_items([("Casual Shoes", "Shoes", "Footwear"), ("Formal Shoes", "Shoes", "Footwear")]))
    for phrase in ("oxford shoes", "derby shoes"):
        assert words.types(phrase) == ["Formal Shoes"], phrase
    assert words.types("loafers") == ["Casual Shoes", "Formal Shoes"]


def test_a_list_of_types_is_said_with_commas_and_and():
    from fashionrec.vocabulary import said_all

    # Stop 68: a note said "the catalogue's casual shoes or formal shoes or flats or heels are listed for it".
    assert said_all(["Casual Shoes", "Formal Shoes", "Flats", "Heels"]) == "casual shoes, formal shoes, flats and heels"
    assert said_all(["Tshirts", "Tops"]) == "T-shirts and tops" and said_all(["Skirts"]) == "skirts"


def test_which_amounts_a_note_says_were_read_otherwise_is_the_loaders_test(monkeypatch):
    """Stop 70: vocabulary kept patterns of its own (_EUROPEAN, _DECIMAL_COMMA) for which of a query's amounts the
    note says were "read as", beside catalog's for reading them: one test decides both now."""
    from fashionrec import catalog
    from fashionrec.vocabulary import amounts_read_otherwise

    assert amounts_read_otherwise(["under 1.299,00", "under 49,99", "under 1,299"]) == [("1.299,00", 1299.0),
                                                                                        ("49,99", 49.99)]
    monkeypatch.setattr(catalog, "price_written_european", lambda text: text == "1,299")
    assert [typed for typed, _ in amounts_read_otherwise(["under 1.299,00", "under 1,299"])] == ["1,299"]


def test_dress_shoes_shirts_and_pants_are_formal_wear_and_a_shirt_dress_a_dress():
    # Stop 72: "dress shoes" read as "dress" and "shoes": "No product is named both 'dress' and 'shoes'", then a
    # Converse floral canvas shoe, a ballerina and party heels by meaning (a shopper's trial); "dress pants" harem
    # and track pants.
    words = TypeWords(_items([("Casual Shoes", "Shoes", "Footwear"), ("Formal Shoes", "Shoes", "Footwear"),
                              ("Dresses", "Dress", "Apparel")]))
    for phrase in ("dress shoes", "dress shoe"):
        assert words.types(phrase) == ["Formal Shoes"], phrase
    assert words.types("shirt dress") == words.types("dress") == ["Dresses"]
    words = TypeWords(_items([("Shirts", "Topwear", "Apparel"), ("Trousers", "Bottomwear", "Apparel"),
                              ("Track Pants", "Bottomwear", "Apparel"), ("Dresses", "Dress", "Apparel")]))
    assert words.types("dress shirt") == words.types("dress shirts") == ["Shirts"]
    assert words.types("dress pants") == words.types("dress trousers") == ["Trousers"]


def test_a_rain_word_before_or_after_jacket_means_the_rain_jacket():
    # Stop 75: "monsoon jacket", "jacket for monsoon" and "jacket for rainy season" listed ordinary jackets, not
    # the catalogue's rain jackets (a rain word beside a type was a plain word).
    words = TypeWords(ITEMS)
    for said in ("monsoon jacket", "monsoon jackets", "rainy season jacket", "rainy jacket"):
        assert words.types(said) == ["Rain Jacket"], said
    for typed, read in (("jacket for monsoon", "monsoon jacket"), ("jackets for the rainy season",
                                                                    "rainy season jackets")):
        assert type_phrase_turned(typed, words) == read
        assert words.types(type_phrase_turned(typed, words)) == ["Rain Jacket"]
    # A wearer, or a word that makes no type phrase, is left as typed; so is "rain jacket" (the type's own name).
    for typed in ("jacket for men", "bag for college", "jacket for winter", "rain jacket"):
        assert type_phrase_turned(typed, words) == typed
    assert words.types("jacket") == ["Jackets"]


def test_a_word_for_a_wearer_at_an_occasion_reads_as_both():
    # Stop 75's shoppers: "groom" listed a nail lacquer and a floater, "bridesmaid" nothing (no name says them).
    assert read_wearer_occasions("groom") == "wedding for men"
    assert read_wearer_occasions("Groom wear") == "wedding for men wear"
    assert read_wearer_occasions("bridesmaid dress") == "wedding for women dress"
    # A dress code before an occasion is Formal: "black tie event" listed 12 black ties.
    assert read_wearer_occasions("black tie event") == "formal event"
    assert read_wearer_occasions("White-tie dress code for men") == "formal dress code for men"
    # Other words, and words that only hold one ("grooming kit", "bride"), stay as typed; so does a black tie.
    for typed in ("grooming kit", "bride", "bridal lehenga", "black tie", "black tie for men", "black ties"):
        assert read_wearer_occasions(typed) == typed
    # Beside another person or wearer, the wedding alone: "mother of the groom saree" listed men's kurtas and said
    # "The catalogue has no sarees for men" (stop 76, h76review).
    for typed, read in (("mother of the groom saree", "mother of the wedding saree"),
                        ("groom's sister", "wedding's sister"), ("bride and groom", "bride and wedding"),
                        ("groom for women", "wedding for women"), ("bridesmaid for men", "wedding for men")):
        assert read_wearer_occasions(typed) == read, typed
    assert read_wearer_occasions("kurta for groom") == "kurta for wedding for men"


def test_goggles_are_sunglasses_and_a_swimmers_are_swimwear():
    # Stop 75: "goggles" listed 3 eyeliners and a swimming cap among its first ten by meaning; Indian English says
    # it of sunglasses. A swimmer's goggles are filed as Swimwear (Nabaiji's), so "swimming goggles" stays there.
    words = TypeWords(_items([("Sunglasses", "Eyewear", "Accessories"), ("Swimwear", "Innerwear", "Apparel"),
                              ("Kajal and Eyeliner", "Eyes", "Personal Care")]))
    assert words.types("goggles") == words.types("goggle") == ["Sunglasses"]
    assert words.types("swimming goggles") == words.types("swim goggles") == ["Swimwear"]


def test_phrases_no_name_says_read_as_meant():
    # Stop 76's shopper: "little black dress", "back to school outfit for teenage girl", "festive look for little boy"
    # and "gift hamper for men" listed 96 closest matches by meaning with "No product has every word", the page's
    # word search looking for "little", "back", "school", "look" and "hamper" in names.
    from fashionrec.vocabulary import read_meant_phrases

    for typed, read in (("little black dress", "black dress"),
                        ("Little Black Dresses for party", "Black Dresses for party"),
                        ("back to school outfit for girl", "casual outfit for girl"),
                        ("festive look for boy", "festive wear for boy"), ("party looks", "party wear"),
                        ("gift hamper for men", "gift set for men"), ("hampers", "gift set")):
        assert read_meant_phrases(typed) == read, typed
    # Words names say stay: a look that is no occasion's ("snake skin look belt"), "little" before anything else.
    for typed in ("snake skin look belt", "little red dress", "look for shoes", "back pack", "school bag"):
        assert read_meant_phrases(typed) == typed, typed


def test_a_college_girl_is_read_as_a_woman():
    # Stop 76's shopper: "dress for college girl" searched "college" as a name's word ("The catalogue has no college
    # dresses for women"); read as the grown-up wearer (TextSearch._as_worded: beside a type only).
    from fashionrec.vocabulary import read_students

    for typed, read in (("dress for college girl", "dress for women"), ("tops for College Girls", "tops for women"),
                        ("jeans for university boys", "jeans for men"), ("college bag", "college bag")):
        assert read_students(typed) == read, typed


def test_a_phrase_read_as_meant_is_said():
    # Stop 76: the page and the API said nothing of "little black dress" being searched as a black dress; the notes
    # say each reading occasion_words_read gives.
    words = TypeWords(_items([("Dresses", "Dress", "Apparel")]))
    assert ("little black dress", "black dress") in occasion_words_read("little black dress", words)
    assert ("gift hamper", "gift set") in occasion_words_read("gift hamper for men", words)
    assert ("back to school", "casual") in occasion_words_read("back to school outfit", words)
    assert occasion_words_read("little red dress", words) == []
    # Stop 77 (h77text): a college student read as the grown-up wearer, said too.
    assert occasion_words_read("dress for college girl", words) == [("college girl", "women")]


def test_an_occasion_phrase_typed_as_one_word_reads_as_its_usage():
    # "datenight" listed nothing in /api/search/text under a note that read it as Party, where the catalogue page's
    # word search (its "datenight" alias) listed the 27 party products of the 40k index (a review, stop 77).
    import types

    from fashionrec.text_search import TextSearch

    usages = ["Casual", "Formal", "Party", "Sports"]
    values = {"season": ["Summer"], "usage": usages, "baseColour": ["Black"]}
    folded = {k: {v.casefold(): v for v in vs} for k, vs in values.items()}
    shop = types.SimpleNamespace(_value_tables=lambda: (values, folded), _types_before=None,
                                 items=ITEMS.assign(productDisplayName="Shirt"))
    usage = TextSearch._build_vocabulary(shop)["usage"]
    assert usage["date night"] == usage["datenight"] == usage["date nights"] == usage["datenights"] == "Party"
    assert usage["job interview"] == usage["jobinterview"] == "Formal"
    assert usage["running kit"] == usage["runningkit"] == "Sports"


def test_the_searchable_texts_fold_each_distinct_value_once_and_read_as_each_row_alone(monkeypatch):
    # Folding every row's labels one by one was 1.2-6 s of a text query's CLI call at 40k (stop 77): each distinct
    # value is folded once, and each row's text is still what its own values alone give.
    import fashionrec.word_search as word_search
    from fashionrec.text_encoder import TEXT_FIELDS
    from fashionrec.word_search import WordSearch

    rows = ([("Dresses", "Women", "Black", "Casual", "Summer", "Café Women Black Dress")] * 6
            + [("Tshirts", "Men", "Navy Blue", "Sports", "Fall", "U.S. Polo Assn. Men Navy T-Shirt")] * 4
            + [("Jeans", "Men", None, "Casual", None, "Ｊｅａｎｓ Non Leather Men's Jeans")])
    items = pd.DataFrame(rows, columns=["articleType", "gender", "baseColour", "usage", "season", "productDisplayName"],
                         index=range(100, 111))
    folded = []
    real_fold = word_search.fold
    monkeypatch.setattr(word_search, "fold", lambda text: folded.append(text) or real_fold(text))
    search = WordSearch.__new__(WordSearch)
    texts = search._words_of(list(TEXT_FIELDS), items)
    distinct = sum(items[c].astype(object).fillna("").astype(str).nunique() for c in TEXT_FIELDS)
    assert len(folded) == distinct
    alone = pd.concat([search._words_of(list(TEXT_FIELDS), items.iloc[[i]]) for i in range(len(items))])
    pd.testing.assert_series_equal(texts, alone)
    assert texts.iat[0] == " cafe women black dress women dresses black casual summer "
    assert " us " in texts.iat[6] and " jeans " in texts.iat[10]

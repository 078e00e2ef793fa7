"""What a category path's middle parts say: "Clothing > Apparel > Shirts" (a WooCommerce export's Categories).

Since stop 70 a path gives the type (its last part) and a wearer one of its parts names ("Men > Apparel > Shirts"),
and the parts between were read as nothing: a shop filing "Apparel" or "Footwear > Shoes" there had every
masterCategory and subCategory empty (docs/known-gaps.md, stop 70), which outfits read a product's place in a look
by. Here a middle part that is one of the catalogue's masterCategory or subCategory names (or a shop's common word
for one: "Clothing", "Jewelry") gives that column, and a subCategory alone gives the masterCategory the catalogue
files it under (Bags: Accessories). A part that is neither ("Tops", "New In") is said, not guessed at.

A children's part ("Kids", "Kidswear", "Children's") names both children's sides: the wearer is a side another part
names ("Kids > Girls > Dresses": Girls), else Unisex, as a gender attribute "Kids" or Tags "Boys, Girls" read
(shop_attributes.for_either). It was read as no column (stop 73's gap): "Kids/Accessories/Belts" had no wearer unless
its Tags gave one, and "Kids/Tshirts" was no path at all, a type of its own.

A Shopify export's ``Product Category`` is a path of Shopify's Standard Product Taxonomy ("Apparel & Accessories >
Clothing > Shirts & Tops", "Apparel & Accessories > Jewelry > Watches"): it was an ignored column (stop 75, a new
user's Shopify shop: every masterCategory and subCategory empty). :func:`read_taxonomy` reads its parts in the
catalogue's names (:data:`TAXONOMY_WORDS`), deepest first: "Jewelry > Watches" is Watches, not Jewellery.

Example:
    >>> read_taxonomy("Apparel & Accessories > Clothing > Shirts & Tops")
    Middle(master='Apparel', sub='Topwear', wearer='', unread=(), children='')
    >>> read_middle(["Men", "Clothing", "Topwear"])
    Middle(master='Apparel', sub='Topwear', wearer='Men', unread=(), children='')
    >>> read_middle(["Kids", "Accessories"])
    Middle(master='Accessories', sub='', wearer='Unisex', unread=(), children='Kids')
"""

from __future__ import annotations

from typing import NamedTuple

from fashionrec.shop_attributes import BOTH_SIDES_READ, named_for_a_child, within_tag

# The Kaggle catalogue's subCategory -> the masterCategory it files it under (the most of its products': Socks are
# 686 Accessories and 12 Apparel), in the catalogue's spelling.
SUB_MASTER = {
    "Accessories": "Accessories", "Apparel Set": "Apparel", "Bags": "Accessories", "Bath and Body": "Personal Care",
    "Beauty Accessories": "Personal Care", "Belts": "Accessories", "Bottomwear": "Apparel", "Cufflinks": "Accessories",
    "Dress": "Apparel", "Eyes": "Personal Care", "Eyewear": "Accessories", "Flip Flops": "Footwear",
    "Fragrance": "Personal Care", "Free Gifts": "Free Items", "Gloves": "Accessories", "Hair": "Personal Care",
    "Headwear": "Accessories", "Home Furnishing": "Home", "Innerwear": "Apparel", "Jewellery": "Accessories",
    "Lips": "Personal Care", "Loungewear and Nightwear": "Apparel", "Makeup": "Personal Care",
    "Mufflers": "Accessories", "Nails": "Personal Care", "Perfumes": "Personal Care", "Sandal": "Footwear",
    "Saree": "Apparel",
    "Scarves": "Accessories", "Shoe Accessories": "Accessories", "Shoes": "Footwear", "Skin": "Personal Care",
    "Skin Care": "Personal Care", "Socks": "Accessories", "Sports Accessories": "Accessories",
    "Sports Equipment": "Sporting Goods", "Stoles": "Accessories", "Ties": "Accessories", "Topwear": "Apparel",
    "Umbrellas": "Accessories", "Vouchers": "Free Items", "Wallets": "Accessories", "Watches": "Accessories",
    "Water Bottle": "Accessories", "Wristbands": "Sporting Goods"}
MASTERS = {m.casefold(): m for m in SUB_MASTER.values()}
SUBS = {s.casefold(): s for s in SUB_MASTER}


# The Kaggle catalogue's subCategory of each type it files under one group (90% of its products or more: 132 of its
# 143 types; Tshirts: Topwear), in the catalogue's spelling: a shop's category path that names a type but no group
# ("Men > Clothing > Tshirts") is given it (stop 76: 230 of a WooCommerce shop's 283 products had no subCategory, its
# catalogue page's Group filter offering Shoes alone). Types filed under two (Swimwear, Messenger Bag) are left out.
GROUP_TYPES = {
    "Accessories": ("Accessory Gift Set", "Hair Accessory", "Key chain", "Travel Accessory"),
    "Apparel Set": ("Clothing Set", "Kurta Sets"),
    "Bags": ("Backpacks", "Clutches", "Duffel Bag", "Handbags", "Laptop Bag", "Mobile Pouch", "Rucksacks",
        "Tablet Sleeve", "Trolley Bag", "Waist Pouch"),
    "Bath and Body": ("Body Wash and Scrub", "Nail Essentials"),
    "Beauty Accessories": ("Beauty Accessory",),
    "Belts": ("Belts",),
    "Bottomwear": ("Capris", "Churidar", "Jeans", "Jeggings", "Leggings", "Patiala", "Rain Trousers", "Salwar",
        "Salwar and Dupatta", "Shorts", "Skirts", "Stockings", "Tights", "Track Pants", "Tracksuits", "Trousers"),
    "Cufflinks": ("Cufflinks", "Ties and Cufflinks"),
    "Dress": ("Dresses", "Jumpsuit"),
    "Eyes": ("Mascara",),
    "Eyewear": ("Sunglasses",),
    "Flip Flops": ("Flip Flops",),
    "Fragrance": ("Deodorant", "Fragrance Gift Set", "Perfume and Body Mist"),
    "Gloves": ("Gloves",),
    "Hair": ("Hair Colour",),
    "Headwear": ("Caps", "Hat", "Headband"),
    "Home Furnishing": ("Cushion Covers",),
    "Innerwear": ("Boxers", "Bra", "Briefs", "Camisoles", "Innerwear Vests", "Shapewear", "Trunk"),
    "Jewellery": ("Bangle", "Bracelet", "Earrings", "Jewellery Set", "Necklace and Chains", "Pendant", "Ring"),
    "Lips": ("Lip Care", "Lip Gloss", "Lip Liner", "Lip Plumper", "Lipstick"),
    "Loungewear and Nightwear": ("Baby Dolls", "Bath Robe", "Lounge Pants", "Lounge Shorts", "Lounge Tshirts",
        "Night suits", "Nightdress", "Robe"),
    "Makeup": ("Compact", "Concealer", "Foundation and Primer", "Highlighter and Blush", "Makeup Remover"),
    "Mufflers": ("Mufflers",),
    "Nails": ("Nail Polish",),
    "Sandal": ("Sandals", "Sports Sandals"),
    "Saree": ("Sarees",),
    "Scarves": ("Scarves",),
    "Shoe Accessories": ("Shoe Accessories", "Shoe Laces"),
    "Shoes": ("Casual Shoes", "Flats", "Formal Shoes", "Heels", "Sports Shoes"),
    "Skin": ("Face Serum and Gel", "Mask and Peel"),
    "Skin Care": ("Eye Cream", "Face Wash and Cleanser", "Mens Grooming Kit", "Sunscreen", "Toner"),
    "Socks": ("Booties", "Socks"),
    "Sports Equipment": ("Basketballs", "Footballs"),
    "Stoles": ("Stoles",),
    "Ties": ("Ties",),
    "Topwear": ("Blazers", "Dupatta", "Jackets", "Kurtas", "Kurtis", "Lehenga Choli", "Nehru Jackets",
        "Rain Jacket", "Rompers", "Shirts", "Shrug", "Suits", "Suspenders", "Sweaters", "Sweatshirts", "Tops",
        "Tshirts", "Tunics", "Waistcoat"),
    "Umbrellas": ("Umbrellas",),
    "Wallets": ("Wallets",),
    "Watches": ("Watches",),
}
TYPE_SUB = {t.casefold(): sub for sub, types in GROUP_TYPES.items() for t in types}


def type_group(article_type: str, master: str) -> str:
    """The subCategory the catalogue files ``article_type`` under (:data:`GROUP_TYPES`, any case), "" where it files it
    under none or several, or under a group of another masterCategory than ``master`` ("" for none given: "Clothing >
    Handbags" is a shop's filing, not the catalogue's Bags, said by no group rather than guessed)."""
    sub = TYPE_SUB.get(" ".join(article_type.split()).casefold(), "")
    return sub if sub and (not master or SUB_MASTER[sub] == master) else ""
# A shop's words for a masterCategory or a subCategory, where they mean one only (not "Shoes" for footwear: that is
# the catalogue's subCategory Shoes; "Accessories" is both, read as the masterCategory).
SHOP_WORDS = {"clothing": "Apparel", "clothes": "Apparel", "jewelry": "Jewellery", "sunglasses": "Eyewear",
              "nightwear": "Loungewear and Nightwear", "loungewear": "Loungewear and Nightwear"}


class Middle(NamedTuple):
    """What a path's middle parts give ("" where none): masterCategory, subCategory, wearer, the parts read as
    none of them (as written), and the children's part the wearer was read from (Unisex; "" where none was)."""

    master: str
    sub: str
    wearer: str
    unread: tuple[str, ...]
    children: str = ""


def read_middle(parts: list[str]) -> Middle:
    """A category path's parts before its last (``parts``, as written, outermost first), read as :class:`Middle`:
    the first part giving each column; a wearer as a Tags tag gives it ("Womenswear", "Men's": within_tag), else
    Unisex where a part is a children's ("Kids": both sides, :data:`~fashionrec.shop_attributes.BOTH_SIDES_READ`)."""
    master = sub = wearer = children = ""
    unread = []
    for part in parts:
        word = " ".join(part.split()).casefold()
        named = SHOP_WORDS.get(word, "")
        if word in MASTERS or named in MASTERS.values():
            master = master or MASTERS.get(word, named)
        elif word in SUBS or named in SUB_MASTER:
            sub = sub or SUBS.get(word, named)
        elif (side := within_tag("gender", part)) is not None:
            wearer = wearer or side
        elif named_for_a_child(part):     # "Kids", "Kidswear": a side only where another part names one
            children = children or part
        else:
            unread.append(part)
    children = children if not wearer else ""
    return Middle(master or SUB_MASTER.get(sub, ""), sub, wearer or (BOTH_SIDES_READ if children else ""),
                  tuple(unread), children)


# Shopify's Standard Product Taxonomy's parts (as read_taxonomy reads a part: spaces single, any case) in the
# catalogue's names, where the catalogue's own words (MASTERS, SUBS, SHOP_WORDS: "Shoes", "Watches", "Belts",
# "Clothing", "Jewelry", "Sunglasses") do not read them; a type's masterCategory comes from its subCategory
# (SUB_MASTER), as the catalogue files it: "Luggage & Bags > Backpacks" is Accessories, not luggage.
TAXONOMY_WORDS = {
    "clothing accessories": "Accessories", "handbags, wallets & cases": "Accessories",
    "shirts & tops": "Topwear", "clothing tops": "Topwear", "t-shirts": "Topwear", "shirts": "Topwear",
    "tops": "Topwear", "blouses": "Topwear", "polos": "Topwear", "sweaters": "Topwear", "hoodies": "Topwear",
    "sweatshirts": "Topwear", "outerwear": "Topwear", "coats & jackets": "Topwear",
    "pants": "Bottomwear", "jeans": "Bottomwear", "trousers": "Bottomwear", "shorts": "Bottomwear",
    "skirts": "Bottomwear", "leggings": "Bottomwear", "dresses": "Dress",
    "handbags": "Bags", "backpacks": "Bags", "luggage & bags": "Bags", "wallets & money clips": "Wallets",
    "hats": "Headwear", "caps": "Headwear", "baseball caps": "Headwear",
    "sandals": "Sandal", "sneakers": "Shoes", "athletic shoes": "Shoes", "heels": "Shoes", "boots": "Shoes",
    "flats": "Shoes", "loafers & slip-ons": "Shoes",
    "underwear & socks": "Innerwear", "underwear": "Innerwear", "bras": "Innerwear",
    "sleepwear & loungewear": "Loungewear and Nightwear", "scarves & shawls": "Scarves",
    "gloves & mittens": "Gloves", "neckties": "Ties", "activewear": "Apparel",
    "traditional & ceremonial clothing": "Apparel"}
# The taxonomy's root for clothes, shoes and bags alike: no column, and not said as a part read as none.
TAXONOMY_ROOTS = frozenset({"apparel & accessories"})


def read_taxonomy(path: str) -> Middle:
    """A Shopify ``Product Category`` (``path``, its parts between " > ") as :class:`Middle`: the deepest part giving
    a subCategory gives it, and the masterCategory the catalogue files it under (else the deepest part naming a
    masterCategory); parts read as neither are ``unread``. No wearer: the taxonomy names none."""
    master = sub = ""
    unread = []
    for part in reversed([p.strip() for p in path.split(">") if p.strip()]):
        word = " ".join(part.split()).casefold()
        named = TAXONOMY_WORDS.get(word) or SHOP_WORDS.get(word, "")
        if word in TAXONOMY_ROOTS:
            continue
        if word in MASTERS or named in MASTERS.values():
            master = master or MASTERS.get(word, named)
        elif word in SUBS or named in SUB_MASTER:
            sub = sub or SUBS.get(word, named)
        else:
            unread.append(part)
    return Middle(SUB_MASTER.get(sub, "") or master, sub, "", tuple(reversed(unread)))

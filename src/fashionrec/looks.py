"""Complete the look: which categories make an outfit with an item, and which colours go together.

The rules :meth:`fashionrec.outfits.Outfits.complete_the_look` applies:

1. **Slots.** :data:`COMPLEMENTS` maps an item's subCategory to complementary subCategories in priority
   order (Topwear -> Bottomwear, Shoes, Watches, Belts, Bags, Eyewear; Dress -> Shoes, Bags, Jewellery, ...;
   shoes -> Topwear, Bottomwear, ...; accessories -> Topwear, Bottomwear, Shoes). Personal care completes
   a routine instead (Fragrance -> Skin Care, Skin, Bath and Body, Hair, Lips; Lips -> Eyes, Makeup,
   Nails, Fragrance; ...). Unlisted subCategories get Topwear, Bottomwear, Shoes, Watches. Home and Free
   Items (cushion covers, vouchers) get no look. One item per slot; slots without a candidate are skipped.
   An item's subCategory here is the one its articleType is mostly filed under, for the item and for
   the candidates: the catalogue misfiles a few (a T-shirt under Belts, belts under Topwear), and a
   misfiled product neither fills a slot it does not belong to nor gets another category's look.
   Swimwear and tracksuits (filed under Bottomwear) make their own looks (:data:`OWN_LOOKS`: flip flops
   and sunglasses; shoes, a watch, a bag, sunglasses) and fill no other look's slot: no swimming cap as
   the trousers for a T-shirt, no T-shirt and belt for a whole tracksuit. A dress's or a sari's bag is a
   handbag or a clutch (:data:`SLOT_TYPES`), never a laptop bag; track pants' and tracksuits' shoes are
   sports or casual shoes, never heels or formal shoes, and track pants no belt; heels and flats get no socks
   (:data:`TYPE_SLOTS`); a sari's shoes come before sandals (women's ethnic heels and flats, where
   sandals were mostly sporty). Formal clothes and shoes take a tie and a belt before a watch, ethnic tops
   jewellery and a bag, and no sunglasses (a kurta set too, with no bottoms), and a kurta's bag is a handbag or a
   clutch
   (:data:`USAGE_SLOTS`), but men's and boys' ethnic tops sandals (not sports ones) before shoes, and no bag or
   jewellery (the catalogue has no men's ethnic shoes); ethnic bottoms (a salwar, a churidar) the same look, their
   top first; a tie's and cufflinks' looks are formal ones whatever their label, their top a shirt
   (:data:`TYPE_USAGE`); a lehenga is a whole outfit, as a sari is; an ethnic
   look takes no watch (:data:`SAME_USAGE_PAIRS`: the catalogue has no ethnic one). A look takes one pair of
   shoes (:data:`FOOTWEAR`), no belt where its bottoms have no loops
   or braces hold them up (:data:`BELTLESS`: shorts, track pants, leggings, a salwar), and no layer worn over
   a top as its top (:data:`NOT_ALONE`: a dupatta, a shrug, braces); a T-shirt's shoes are flat, heels' and
   flats' bag a handbag or a clutch, and underwear's other piece its pair (:data:`INNER_PAIRS`: a vest with
   briefs, briefs with a bra). A layer worn over another top (a blazer, a jacket, a dupatta) starts its look
   with one of the tops it goes over (:data:`LAYERED`: a shirt, a kurta). A whole outfit (:data:`WHOLE_OUTFITS`: a
   lehenga choli, a romper) takes no bottoms and goes beside none; a salwar's top is a kurta, a kurti or a tunic
   (:data:`ETHNIC_TOPS`) or none; booties are an infant's shoes, a watch's look ends with sunglasses, and
   sunscreen's with sunglasses and a cap. A T-shirt or a sweatshirt, the product or a piece, and heels are never in
   one look (:data:`NOT_WORN_WITH`); a product whose name says another type than the one it is filed under ("Fabindia
   Women Blue Salwar" filed as lounge pants) is the named type, in its look and its group (:data:`NAMED_TYPES`). Sports
   equipment (a football),
   like Home and Free Items, gets no look; a product filed under Free Items whose type is filed elsewhere
   (a tie given away) gets its type's.
2. **Who.** Candidates have the same gender, or Unisex (a Unisex item takes Men, Women and Unisex for
   its first slot, then that slot's gender, so one look never mixes men's and women's items); a child's
   product (Boys, Girls) takes only children's products: its own gender's and the Unisex ones named for
   children ("Kids", "Children's"), which no grown-up's look takes;
   the same usage (Casual, Formal, Sports, Ethnic, ...) when the slot has such items, else its nearest
   (:data:`STAND_IN_USAGE`: a Travel bag's casual or sports clothes, a formal dress's smart casual or casual
   earrings; the nearest of them first where the slot has it, :data:`STAND_IN_FIRST`: a party shirt's smart casual
   shoes), else any usage that does not clash (:data:`CLASHING_USAGE`: no sports sandals with a sari,
   whatever their usage label, no formal shoes with a jersey), nor any type or usage the look's usage never takes
   standing in (:data:`NOT_STANDING_IN`: no sneakers or backpack with an ethnic look, no shorts or laptop bag with a
   party one; :data:`NO_STAND_IN_USAGE`: nothing ethnic with a casual one), nor clogs in an ethnic, formal or party
   look (:data:`NO_CLOGS`, by name); except belts
   (:data:`SAME_USAGE_SLOTS`): no belt of the outfit's usage, no belt slot (a formal belt with a sports jersey
   or a casual one with a kurta is no look). Clothes for the cold and for the heat make no look together
   (:data:`FOR_THE_COLD`: no shorts with a sweater or a jacket, no muffler with shorts), the product's and each
   piece picked binding the rest in order: a jacket or a sweatshirt may still go over shorts picked before it, as
   over a pair of shorts whose look it is.
3. **Colour.** :func:`colour_compatibility` in [0, 1]: a listed harmonious pair (:data:`COLOUR_PAIRS`,
   e.g. Blue + White, Navy Blue + Beige, Black + Red) 1.0; a neutral (:data:`NEUTRALS`: black, white, grey,
   navy, beige, brown, denim-like blues...) with anything 0.8; the same non-neutral colour 0.5
   (monochrome); anything else 0.2. Personal care has no colour term (a deodorant's colour says nothing
   about the lotion to go with it). An accessory's pair scores as a neutral does (:data:`ACCESSORY_PAIR_CAP`: a red
   bag is no better for a black shirt than a black one, its photo's nearness decides). A belt takes the colour of
   the look's shoes, or of the shoes whose look it is, and shoes a belt's (:data:`MATCHED_SLOTS`).
4. **Score** of a candidate = 0.5 colour + 0.2 usage match + 0.1 season match (none for jewellery, bags, watches,
   belts, wallets and footwear, whose season is when they were listed: :data:`SEASONLESS_SLOTS`) + 0.1 slot popularity
   + 0.05 typicality (:data:`LOOK_TYPICALITY`) + 0.15 affinity (:data:`LOOK_AFFINITY`) (+ 0.3 matched colour,
   :data:`MATCH_WEIGHT`, for a belt or shoes; - 0.3, :data:`PRINT_ON_PRINT`, for a printed piece where the
   product or a piece before it is printed, by name: one print a look; - 0.15, :data:`REPEAT_COLOUR`, for a piece of a
   colour two other pieces already have, not the product's: a black T-shirt's look is not all grey). *Slot popularity*
   is data-driven: the share of the catalogue's items for this gender and usage that are in the slot's
   subCategory (how often shoppers of this kind find such items), scaled to [0, 1] over the slots.
   *Typicality* is the cosine of the candidate's image embedding to the mean embedding of its slot (clean,
   representative product photos first). *Affinity* is its cosine to the product itself, so that a look
   belongs to the product, not only to its kind: without it nearly every lipstick got the same eye make-up,
   nail polish and fragrance (the looks of 100 lipsticks held 1.8 distinct products per slot; with it
   15.2), while the looks' colour compatibility stayed 0.97 (docs/recommender.md). Candidates within
   :data:`LOOK_TIE` (0.01) of the best are near-ties: the product's id picks among them, the same on every visit;
   an accessory's within :data:`ACCESSORY_TIE` (0.03), its colour scoring as a neutral's.
5. **Few pieces.** Where an accessory slot's pieces of the look's wearer and usage are so few that each would be in
   more than :data:`PIECE_LOOKS` (100) of the catalogue's looks (its products of that wearer and usage over the
   pieces: three women's ethnic bags for 2,778 women's ethnic products), a look takes one of them in that share of
   looks, the product's id drawing which; the others a stand-in of their types (a clutch, a handbag) of a usage
   the look may take standing in, whose colour goes with the product's (a neutral or a pair), the one most like
   the pieces it stands in for first (:data:`STAND_IN_LIKENESS`); with no such stand-in, none, a look at most
   :data:`SPREAD_SHORT` (1) piece short (a girl's one backpack). A listed colour pair's few pieces in a clothes' or
   shoes' slot lead so a share of the looks of the product's colour, a pair scoring as a neutral in the rest (the one
   grey pair of women's ethnic shoes for every pink and purple kurta). A child's look's bag where the children's are
   none or left to other looks is a grown-up's unisex backpack, said "for anyone" (:data:`GROWN_UP_STAND_INS`: a
   boy's look had no bag). An ethnic, formal or party look's accessory standing
   in takes first one named as its type, for no other occasion, of no sportswear brand (:data:`DRESSED_UP`: a
   kurta's bag a clutch or a handbag, not a Puma shopper or a sling bag).
"""

from __future__ import annotations

import re

from fashionrec.colours import distance
from fashionrec.item_tables import WEARER_WORDS

COMPLEMENTS: dict[str, list[str]] = {
    "Topwear": ["Bottomwear", "Shoes", "Watches", "Belts", "Bags", "Eyewear"],
    "Bottomwear": ["Topwear", "Shoes", "Belts", "Watches", "Bags", "Eyewear"],
    "Dress": ["Shoes", "Bags", "Jewellery", "Watches", "Eyewear", "Sandal"],
    "Saree": ["Jewellery", "Shoes", "Bags", "Watches", "Sandal"],
    "Apparel Set": ["Shoes", "Bags", "Watches", "Eyewear"],
    # Underwear's other piece (a vest with briefs, briefs with a bra: INNER_PAIRS) and lounge wear, no socks (the
    # formal dress socks of 65 of 1,500 random looks, innerwear's, a stylist's trial).
    "Innerwear": ["Innerwear", "Loungewear and Nightwear"],
    # Worn at home: slippers, never underwear (a shopper trial: a night suit's look was "Bwitch Red Bra", "Red
    # goes with White"); nightwear's robe and loungewear's T-shirt come from TYPE_SLOTS.
    "Loungewear and Nightwear": ["Flip Flops"],
    "Shoes": ["Topwear", "Bottomwear", "Socks", "Watches", "Bags"],
    "Sandal": ["Topwear", "Bottomwear", "Bags", "Eyewear"],
    "Flip Flops": ["Topwear", "Bottomwear", "Bags", "Eyewear"],
    "Socks": ["Shoes", "Bottomwear", "Topwear"],
    # Sunglasses last: where the bottoms take no belt (shorts, track pants) a watch's look had 3 pieces (a stop 61
    # trial).
    "Watches": ["Topwear", "Bottomwear", "Shoes", "Belts", "Eyewear"],
    "Belts": ["Bottomwear", "Topwear", "Shoes", "Watches"],
    "Ties": ["Topwear", "Bottomwear", "Shoes", "Cufflinks"],
    "Cufflinks": ["Topwear", "Ties", "Bottomwear", "Shoes"],
    # Personal care completes a routine, not an outfit: a deodorant with a T-shirt and jeans reads as noise.
    "Fragrance": ["Skin Care", "Skin", "Bath and Body", "Lips"],
    "Perfumes": ["Skin Care", "Skin", "Bath and Body", "Lips"],
    "Lips": ["Eyes", "Makeup", "Nails", "Fragrance"],
    "Eyes": ["Lips", "Makeup", "Nails", "Fragrance"],
    "Makeup": ["Lips", "Eyes", "Nails", "Fragrance"],
    "Nails": ["Lips", "Makeup", "Eyes", "Fragrance"],
    "Beauty Accessories": ["Makeup", "Lips", "Eyes", "Nails"],
    "Skin Care": ["Skin", "Bath and Body", "Fragrance", "Lips"],
    "Skin": ["Skin Care", "Bath and Body", "Fragrance", "Lips"],
    "Bath and Body": ["Skin Care", "Skin", "Fragrance"],
    "Hair": ["Skin Care", "Bath and Body", "Fragrance"],
}
ACCESSORY_DEFAULT = ["Topwear", "Bottomwear", "Shoes", "Watches"]
# articleTypes whose looks differ from their subCategory's: no socks with heels or flats
TYPE_SLOTS = {t: ["Topwear", "Bottomwear", "Bags", "Jewellery", "Watches"] for t in ("Heels", "Flats")}
# Track pants are sportswear: no belt, whatever usage the catalogue files them under.
TYPE_SLOTS["Track Pants"] = ["Topwear", "Shoes", "Watches", "Bags", "Eyewear"]
# Nightwear and the robes worn over it (all women's) make a look of each other and slippers; lounge pants and
# shorts a T-shirt and slippers (SLOT_TYPES says which of their own category is the other piece).
NIGHTWEAR, ROBES = {"Night suits", "Nightdress", "Baby Dolls"}, {"Robe", "Bath Robe"}
TYPE_SLOTS.update({t: ["Loungewear and Nightwear", "Flip Flops"] for t in NIGHTWEAR | ROBES})
TYPE_SLOTS.update({t: ["Topwear", "Flip Flops"] for t in ("Lounge Pants", "Lounge Shorts")})
INNER_PAIRS = {"Briefs": {"Innerwear Vests", "Bra", "Camisoles"}, "Trunk": {"Innerwear Vests"},
               "Boxers": {"Innerwear Vests"}, "Bra": {"Briefs"}, "Camisoles": {"Briefs"},
               "Innerwear Vests": {"Briefs", "Trunk", "Boxers"}}
# Braces hold trousers up in place of a belt, over a shirt (LAYERED): a belt beside them is never worn.
TYPE_SLOTS["Suspenders"] = ["Bottomwear", "Shoes", "Ties", "Watches"]
# (usage, subCategory) -> slots, where the occasion changes the look: office clothes take a tie and a belt
# before a watch (a shopper trial: black formal shoes got a shirt, trousers, socks and a watch, never one
# of the catalogue's 152 formal ties or 118 formal belts); ethnic tops jewellery before a watch, and no
# sunglasses or backpack (every men's kurta got an American Tourister backpack).
USAGE_SLOTS = {("Formal", "Topwear"): ["Bottomwear", "Shoes", "Ties", "Belts", "Watches"],
               ("Formal", "Bottomwear"): ["Topwear", "Shoes", "Ties", "Belts", "Watches"],
               ("Formal", "Shoes"): ["Topwear", "Bottomwear", "Ties", "Belts", "Socks", "Watches"],
               ("Ethnic", "Topwear"): ["Bottomwear", "Shoes", "Jewellery", "Bags", "Watches", "Sandal"],
               # An ethnic pendant or earrings: the kurta or sari it is worn with, no watch (SAME_USAGE_PAIRS).
               ("Ethnic", "Jewellery"): ["Topwear", "Bottomwear", "Shoes", "Bags", "Sandal"]}
# The ethnic looks' sandals come last, one pair of shoes a look (FOOTWEAR): they fill in where
# the shoes had none of the look's usage nor any that may stand in (a girl's: her shoes are all sneakers).
# A bridal or festive lehenga is a whole outfit, its skirt included, as a sari is: a stylist's trial found a
# lehenga's look led by Patiala pants ("Bottomwear to go with the ethnic women's topwear").
TYPE_SLOTS["Lehenga Choli"] = list(COMPLEMENTS["Saree"])
# Men's and boys' ethnic tops: the catalogue has no men's ethnic shoes, and a kurta's look took sneakers, a
# casual sling bag and a steel ring (a stylist's trial); sandals (SLOT_TYPES: not sports sandals) come first,
# then shoes only where there are none. (usage, subCategory, gender) comes before (usage, subCategory).
for _who in ("Men", "Boys"):
    USAGE_SLOTS[("Ethnic", "Topwear", _who)] = ["Bottomwear", "Sandal", "Shoes"]
# Ethnic bottoms (a salwar, a patiala, a churidar, a ghera skirt: 141 products) are the kurta's look the other way
# round, its top first: their group's (Bottomwear) gave every one casual sunglasses, and a men's churidar ADIDAS
# sneakers and a Nike training backpack (a stop 61 trial). Men's and boys' sandals first, as with their kurtas.
USAGE_SLOTS[("Ethnic", "Bottomwear")] = ["Topwear", "Shoes", "Jewellery", "Bags", "Sandal"]
for _who in ("Men", "Boys"):
    USAGE_SLOTS[("Ethnic", "Bottomwear", _who)] = ["Topwear", "Sandal", "Shoes"]
# A kurta set (a kurta with its churidar or salwar and a dupatta: 81 women's; a boy's dhoti set) is an ethnic top
# with its bottoms: a kurta's look less the bottoms. Its group's (Apparel Set) gave all 85 casual sunglasses and no
# jewellery, the boys' casual shoes before sandals (a code review).
for _key in [k for k in USAGE_SLOTS if k[:2] == ("Ethnic", "Topwear")]:
    USAGE_SLOTS[("Ethnic", "Apparel Set", *_key[2:])] = [s for s in USAGE_SLOTS[_key] if s != "Bottomwear"]
# A salwar, a patiala or a churidar is worn under a kurta, a kurti or a tunic: a girl's salwar took a lehenga choli as
# its top (the catalogue has no girls' kurtas: it takes none now), a women's a polo T-shirt (a stop 62 trial).
ETHNIC_BOTTOMS = ("Salwar", "Patiala", "Churidar", "Salwar and Dupatta")
ETHNIC_TOPS = {"Kurtas", "Kurtis", "Tunics"}
# Whole outfits, their bottoms or legs included (a lehenga's skirt, a romper's shorts): no bottoms beside one. A girl's
# earrings got a lehenga choli and a salwar, an infant's mittens a romper and shorts, a girl's salwar a lehenga choli
# as its top (a stop 62 trial: 11 of 767 random looks). Dresses and saris are groups of their own, never a top.
WHOLE_OUTFITS = {"Lehenga Choli", "Rompers"}
# An infant's booties are their shoes (filed under Socks): their look is the clothes, no shoes after them (Timberland
# toddlers' shoes were the first piece of every one, a stop 62 trial).
INFANT_SHOES = {"Booties"}
# An ethnic bottom is said by its type in its look's reason: "the ethnic women's bottomwear" under a salwar read as
# a pair of jeans' would (a stop 63 review).
SAID_AS_TYPE = {"Salwar", "Churidar", "Patiala", "Salwar and Dupatta"}
TYPE_SLOTS["Booties"] = ["Topwear", "Bottomwear"]
# A romper's look is a top's, less the bottoms (an infant's romper got shorts, a girl's a dungaree skirt).
TYPE_SLOTS["Rompers"] = [s for s in COMPLEMENTS["Topwear"] if s != "Bottomwear"]
# Sunscreen is for a day in the sun: after its routine, sunglasses and a cap, so that a kids' sun block, where the
# catalogue has no children's skin care, has a look (it had none, a stop 61 trial).
TYPE_SLOTS["Sunscreen"] = [*COMPLEMENTS["Skin Care"], "Eyewear", "Headwear"]
# Ties and cufflinks are worn with office clothes, whatever their own label (83 of 237 ties and 57 of 96
# cufflinks are filed Casual): their looks are formal ones (a stylist's trial: cufflinks with a polo T-shirt,
# athletic pants and sneakers, a tie with a short-sleeved sport shirt), their top a shirt.
TYPE_USAGE = {"Ties": "Formal", "Cufflinks": "Formal"}
# A product whose name says the occasion it is for, where its label says another usage: its look is the occasion's.
# Catwalk's 5 "Wedding" heels are filed Casual, and their look was a grey sweater and black jeans (a shopper's trial,
# stop 69); Murcia's 8 "Office" handbags, also Casual. Not "festival": "Pop Festival" T-shirts are a concert's.
NAMED_USAGE = {"wedding": "Ethnic", "office": "Formal", "business": "Formal", "gym": "Sports", "workout": "Sports"}
NAMED_USAGE_PATTERN = re.compile(r"\b(" + "|".join(NAMED_USAGE) + r")\b", re.IGNORECASE)
# articleTypes worn over another top -> the tops their look starts with (a shopper trial: a blazer's look had
# trousers, shoes, a tie and a belt but no shirt, a dupatta's no kurta); the rest of the look is the
# Topwear one.
LAYERED = {"Blazers": {"Shirts"}, "Waistcoat": {"Shirts", "Kurtas"}, "Nehru Jackets": {"Kurtas", "Shirts"},
           "Jackets": {"Tshirts", "Shirts", "Tops"}, "Rain Jacket": {"Tshirts", "Tops"},
           "Sweaters": {"Shirts", "Tshirts", "Tops"}, "Sweatshirts": {"Tshirts", "Tops"},
           "Shrug": {"Tops", "Tshirts"}, "Dupatta": {"Kurtas", "Kurtis", "Tunics"}, "Suspenders": {"Shirts"}}
# Layers never worn without a top under them: no other look's top (a stylist's trial: a dupatta was the top of a
# pendant's look, a rain poncho a backpack's, each with nothing under it). Jackets, sweaters and sweatshirts
# are worn so and stay.
NOT_ALONE = {"Dupatta", "Shrug", "Waistcoat", "Nehru Jackets", "Blazers", "Rain Jacket", "Suspenders"}
# articleTypes worn on their own: their own slots, and never in another look
OWN_LOOKS = {"Swimwear": ["Flip Flops", "Eyewear"], "Tracksuits": ["Shoes", "Watches", "Bags", "Eyewear"]}
# (subCategory or articleType of the item, slot) -> the only articleTypes that fill the slot; an articleType's
# entry comes first. Track pants are sportswear even when filed Casual (106 of 274): no wedges or brogues.
SLOT_TYPES = {("Dress", "Bags"): {"Handbags", "Clutches"}, ("Saree", "Bags"): {"Handbags", "Clutches"},
              # heels' and flats' bag too: a laptop bag was an office look's (a stylist's trial)
              **{(t, "Bags"): {"Handbags", "Clutches"} for t in ("Heels", "Flats")},
              # A T-shirt's shoes are flat: stilettos came with 25 of 1,500 random looks' T-shirts (a stylist's trial).
              ("Tshirts", "Shoes"): {"Casual Shoes", "Sports Shoes", "Flats"},
              # and heels' top no T-shirt or sweatshirt, the other way round (gold heels got a graphic T-shirt, a
              # stylist's re-trial)
              ("Heels", "Topwear"): {"Tops", "Shirts", "Kurtas", "Kurtis", "Tunics", "Sweaters", "Jackets", "Blazers",
                                     "Lehenga Choli"},
              **{(t, "Innerwear"): pair for t, pair in INNER_PAIRS.items()},
              **{(t, "Bags"): {"Handbags", "Clutches"} for t in ("Kurtas", "Kurtis", "Salwar", "Lehenga Choli",
                                                                  "Kurta Sets", "Patiala", "Churidar",
                                                                  "Salwar and Dupatta")},
              **{(t, "Topwear"): tops for t, tops in LAYERED.items()},
              **{(t, "Topwear"): ETHNIC_TOPS for t in ETHNIC_BOTTOMS},
              ("Track Pants", "Shoes"): {"Sports Shoes", "Casual Shoes"},
              ("Tracksuits", "Shoes"): {"Sports Shoes", "Casual Shoes"},
              **{(t, "Loungewear and Nightwear"): ROBES for t in NIGHTWEAR},
              **{(t, "Loungewear and Nightwear"): NIGHTWEAR for t in ROBES},
              **{(t, "Topwear"): {"Tshirts"} for t in ("Lounge Pants", "Lounge Shorts")},
              # Keyed on the group: any top whose look has a sandal slot (the men's and boys' ethnic ones) takes
              # no sports sandals.
              ("Topwear", "Sandal"): {"Sandals"}, ("Apparel Set", "Sandal"): {"Sandals"},
              ("Bottomwear", "Sandal"): {"Sandals"},
              **{(t, "Topwear"): {"Shirts"} for t in TYPE_USAGE},
              # and formal shoes and trousers: every cufflinks' look had one black slip-on filed Casual Shoes
              # (usage Formal; a shopper's re-trial)
              **{(t, "Shoes"): {"Formal Shoes"} for t in TYPE_USAGE},
              **{(t, "Bottomwear"): {"Trousers"} for t in TYPE_USAGE},
              # A routine's bath and body is lotion or a wash, not nail polish remover (filed there: a stylist's
              # trial found it "to go with" a perfume and a deodorant).
              **{(s, "Bath and Body"): {"Body Lotion", "Body Wash and Scrub"}
                 for s in ("Fragrance", "Perfumes", "Skin Care", "Skin", "Hair")}}
# (usage, articleType of the item, slot) comes before the two above: an ethnic layer (the catalogue's one ethnic jacket)
# goes over a kurta too, where a look of its usage takes no western top standing in (NOT_STANDING_IN).
SLOT_TYPES.update({("Ethnic", t, "Topwear"): tops | ETHNIC_TOPS for t, tops in LAYERED.items()})
# Types never in one look with these, the product's or a piece picked before them: a T-shirt's or a sweatshirt's
# shoes are flat, in its own look (SLOT_TYPES) and where it was picked for another product's (a women's watch got a
# pink T-shirt, then pink sandals filed Heels, a stop 62 trial; 10 pieces in 5 of 768 random looks), and heels' top
# is no T-shirt.
NOT_WORN_WITH = {"Tshirts": {"Heels"}, "Sweatshirts": {"Heels"}, "Heels": {"Tshirts", "Sweatshirts"}}
# A product filed under another type whose name says what it is: "Fabindia Women Blue Salwar", filed as ethnic lounge
# pants, got flip flops alone (a lounge pant's look: a T-shirt, none ethnic, and slippers; a stop 62 trial). Its own
# look is the named type's: (filed type, name pattern) -> (type, subCategory).
NAMED_TYPES = {("Lounge Pants", r"(?i)\bsalwar\b"): ("Salwar", "Bottomwear")}
# Bottoms worn under a long top, not as a look's bottoms: in the look of such a top only (a shopper trial: gold
# heels got "Hanes Women Nude ComfortSoft Waistband Cotton Stretch Full Leggings"; leggings were the bottoms of
# 28 of 98 casual heels' looks, 29 of 81 handbags', 24 of 65 T-shirts'). Stockings and tights are hosiery.
WORN_UNDER = {"Leggings": {"Kurtas", "Kurtis", "Tunics", "Tops"}, "Stockings": set(), "Tights": set()}
# Clothes for the cold and for the heat, never in one look (a shopper trial: white training shorts with a wool
# sweater, a winter jacket and a thermal jacket; over 150 of each, the looks of clothes for the cold had shorts,
# capris or flip flops in 44, those for the heat a sweater, a muffler or gloves in 2; now in none). The
# catalogue's seasons cannot say it: it files 646 of its 988 warm clothes under Fall and 296 under Summer. A
# sweatshirt or a jacket may go over shorts; shorts take no sweater, muffler or gloves.
FOR_THE_COLD = {"Sweaters", "Sweatshirts", "Jackets", "Mufflers", "Gloves"}
FOR_THE_HEAT = {"Shorts", "Capris", "Flip Flops", "Lounge Shorts", "Swimwear"}
NOT_IN_THE_HEAT = FOR_THE_COLD - {"Sweatshirts", "Jackets"}
# A product of another type named for the cold is for the cold too (a re-trial: a knitted "Mellow Beanie" cap
# got white shorts and a thong sandal).
WARM_NAME = r"\b(?:beanies?|wool|woollen|woolen|thermal|fleece)\b"
# A print named in a product's name (printed, striped, checked, floral, graphic ...): a look keeps to one, the rest
# plain (a stylist's trial: a floral tote on a floral dress, a check shirt on check shorts, stripes on stripes);
# a printed candidate loses PRINT_ON_PRINT where the product or a piece picked before it is printed.
PRINT_NAME = r"\b(?:printed|prints?|striped|stripes?|checks?|checked|floral|polka|camo|camouflage|paisley|graphic)\b"
PRINT_ON_PRINT = 0.3
# What a candidate loses whose colour two pieces picked before it already have, where that is not the product's
# own colour: a grey T-shirt and grey trousers are one look with black shoes, a grey watch, a grey bag and grey
# sunglasses after them monotony (a stylist's trial: black products' looks all grey, each piece "Grey goes with
# Black"; 129 of 746 random looks of three pieces or more were all one colour, not the product's). More than a
# listed pair's lead over a neutral (0.5 x (1.0 - 0.8) = 0.1): a third grey piece falls behind a white or black
# one, never behind a clashing colour (0.3 behind). A belt matched to the shoes is not counted against them (it
# keeps MATCH_WEIGHT): black trousers, shoes and belt stay a look. At 0.1 (a tie with the neutral) 6 of 800
# random looks still had four pieces of one colour (a re-trial: blue jeans with a white top, sandals, belt and
# watch). Penalising the second piece of a colour already changed 652 of the 800 looks and brought bold pieces
# in where a tonal pair was better (a grey T-shirt with red check shorts).
REPEAT_COLOUR = 0.15
# Accessories whose listed pair with the product scores no more than a neutral does: a pair's 1.0 against a
# neutral's 0.8 made the few red bags and white sunglasses the catalogue has the pick of most looks (800 random looks
# on the full catalogue, stop 71: red bags 26% of men's looks' bags against 8% of the catalogue's, white sunglasses
# 60% against 3%). Capped, a pair still says so in its reason, and the piece nearest the product (affinity) wins.
ACCESSORY_SLOTS = {"Bags", "Watches", "Eyewear", "Jewellery", "Belts", "Wallets", "Headwear"}
ACCESSORY_PAIR_CAP = 0.8
REPEATS_ALLOWED = 2
# Slots whose colour follows another slot's in one look: a belt the colour of the shoes (a shopper trial: a
# formal shirt's look had brown shoes and a black belt), or of the shoes it is the look of; and how much a
# candidate gains per unit of nearness (colours.nearness: 1 for the same colour) to it.
MATCHED_SLOTS = {"Belts": "Shoes", "Shoes": "Belts"}
MATCH_WEIGHT = 0.3
# What a piece loses whose photo the tagger sees (colours.SEEN_CONFIDENT or more) as a colour not near its label:
# a look's reasons speak of the labels ("Red goes with White"), which its photo would belie. 6.1% of the catalogue.
LOOK_SEEN_OTHERWISE = 0.3
# ... and one whose name names another colour (Outfits._named_otherwise), read after its wearer (a brand before it
# may hold a colour: "Red Tape Men's Casual Shoe"); metals name a material as often as a colour ("Sterling Silver
# Ring" filed Black). 1.0% of the catalogue's names contradicted their label so (397 of 39,730), 1.2% with those
# that say many colours (MULTI_NAME, 465; stop 64), 1.3% with the names without a wearer word, read after their
# brand (name_colours.after_brand since stop 74, 530; stop 65).
# The wearer's words are item_tables.WEARER_WORDS, the brand's reading's (stop 66: "Arrow Woman Tyra Black & White
# Striped Shirt" was read after "Arrow").
WEARER_NAME = rf"(?i)\b{WEARER_WORDS}\b(.*)"
# A name's word for a label ("Issac Navy White Flip Flop"; "Kalenji Kiprun 2000l Wht/purple", filed White, is
# white and purple; "Puma Men's Benecio Black Coffee Leather Shoe", filed Brown, is dark brown).
NAMED_ALIAS = {"navy": "Navy Blue", "wht": "White", "whi": "White", "black coffee": "Coffee Brown"}
# Two colour names that name one shade together, as the catalogue's names say them (styles.csv: the pairs of colour
# labels side by side in 3 names or more whose products are filed as one of the two, not as two colours: "Olive
# Green" 79 names, 62 filed Olive and 13 Green; "Charcoal Grey" 42; "Teal Blue" 20, 9 Blue and 8 Teal): a card's
# second colour (recommend._second_colour) is none of them ("with teal" on a teal-blue handbag filed Blue, stop
# 65). Other readings keep both words, so a search for either colour finds the name as it did.
COMPOUND_COLOURS = (("Olive", "Green"), ("Charcoal", "Grey"), ("Teal", "Blue"), ("Teal", "Green"),
                    ("Mustard", "Yellow"), ("Mustard", "Brown"), ("Tan", "Brown"), ("Rose", "Pink"), ("Rose", "Red"))
NAMED_NOT_COLOUR = {"Silver", "Gold", "Steel", "Copper", "Bronze", "Metallic", "Gunmetal", "Rose Gold", "Platinum"}
# A name that says its product is of many colours ("Global Desi Women Multi Coloured Kurta" filed Red led "red
# kurta", its look "Black goes with Red": a shopper's trial, stop 64) names no colour of its label either, where it
# names no colour near it. Not "Multi-Dial" watches, "Multifunction" ones or Nike's "Multi Court" shoes.
MULTI_NAME = (r"(?i)\bmulti(?:[\s-]*colou?r(?:ed|s)?|[\s-]*colured)?\b(?![\s-]*(?:dial|function|court|purpose))"
              r"|\bmulticolou?r(?:ed|s)?\b")
MULTI = "Multi"     # the catalogue's label for such a product, whose look goes with it so
# Where a slot has nothing of the look's usage, the usages it takes instead before any other that does not clash: an
# outdoor bag (Travel: 24 products) got formal trousers, a formal dress ethnic earrings, party pumps an ethnic
# necklace (a stop 61 trial). A slot with none of these still takes any usage that does not clash.
STAND_IN_USAGE = {"Travel": ("Casual", "Sports"), "Party": ("Smart Casual", "Casual"),
                  "Smart Casual": ("Casual", "Formal"), "Formal": ("Smart Casual", "Casual"), "Home": ("Casual",),
                  "Sports": ("Casual",)}
# ... and of those, the one taken first where the slot has it: a men's party shirt (the catalogue's two men's Party
# products) got Scullers casual trousers, Vans canvas shoes and a Casio casual watch, the catalogue's 9 smart casual
# trousers, shoes and watches for men standing beside 4,000 casual ones with the colour deciding (a stop 62 trial).
# Smart casual's two stand-ins are as near as each other.
STAND_IN_FIRST = {"Party": ("Smart Casual",), "Formal": ("Smart Casual",)}
# Where a slot has nothing of the look's usage, the types of another usage it never takes, and the usages: an ethnic
# look no sneakers, western top or backpack (a girl's ethnic earrings got Puma sneakers and a Quechua schoolbag, a
# girl's lehenga choli canvas shoes: girls' shoes are all casual, and its sandals stand in, USAGE_SLOTS), a party
# look no shorts, capris, leggings, track pants or backpack (party pumps got white Roxy shorts, a men's party shirt
# beige shorts, then an American Tourister backpack: stop 61 and 62 trials), a casual look nothing ethnic (the
# catalogue's one pair of girls' earrings, ethnic, with girls' casual dresses). A slot with nothing else is left out:
# a shorter look rather than a wrong piece.
# Bags for work, school or travel: the party shirt's backpack gave way to a "Tortoise Men Black Leather Laptop Bag".
DAY_BAGS = {"Backpacks", "Rucksacks", "Laptop Bag", "Messenger Bag", "Duffel Bag", "Trolley Bag", "Tablet Sleeve",
            "Waist Pouch", "Travel Accessory"}
NOT_STANDING_IN = {"Ethnic": {"Casual Shoes", "Sports Shoes", "Tshirts", "Tops", "Shirts", *DAY_BAGS},
                   "Party": {"Shorts", "Capris", "Leggings", "Track Pants", "Lounge Shorts", "Lounge Pants",
                             *DAY_BAGS}}
NO_STAND_IN_USAGE = {"Casual": {"Ethnic"}}
# Clogs (by name: Crocs files its clogs as Sandals and Flip Flops) in no ethnic, formal or party look: a girl's lehenga
# choli and a boy's kurta and dhoti sets got Crocs clogs as their sandals (a stop 62 trial; 5 of 768 random looks).
# Named clogs, or Crocs by a clog model's name (the catalogue's photos of them are clogs), but not the brand: it also
# sells flats, canvas shoes, floaters and flip flops ("Crocs Women Lady Oyster Flats"; 33 of its 64 products), and a
# "Crocband Flip" or an "Electro Flip" is a flip flop. "Crocs Khakhi Sandals", a clog by its photo, names no model.
CLOG_NAME = (r"(?i)\bclogs?\b"
             r"|^crocs\b.*\b(?:beach|baya|cayman|crocband|dora|duet|electro|gabe|yukon)\b(?!\s+flip)")
NO_CLOGS = {"Ethnic", "Formal", "Party"}
# What a bag is carried in or with, filed as a bag, is no look's bag (a stop 75 stylist's trial: a black dress's
# bag was "Wildcraft Unisex Black Rain Cover For Backpacks", filed Handbags; "Belkin Unisex Netbook Stealth Slip
# Case Black Handbags" and the laptop sleeves filed Laptop Bag are cases, not bags). By name, as clogs are.
NOT_A_BAG_NAME = r"(?i)\brain\s+covers?\b|\bcovers?\s+for\b|\bslip\s+cases?\b|\bsleeves?\b"
CLASHING_USAGE = {frozenset(p) for p in [("Sports", "Ethnic"), ("Sports", "Formal"), ("Sports", "Party")]}
# Sports wear by its name, whatever its label: floaters (sports sandals) are filed Casual Sandals, and a men's
# khadi kurta's look took ADIDAS's "Henrio Grey Red Floater" (a shopper trial; 49 of 677 men's sandals).
SPORTS_NAME = r"(?i)\bfloaters?\b"
# How a look's reason names a subCategory where the catalogue's name is not a shopper's noun ("Eyes to go
# with the casual women's lips" read like a riddle); the others keep their own name.
# Named after what the catalogue files there: "Skin" is mostly moisturisers and masks, "Skin Care" face
# washes and sunscreens, "Nails" nail polish alone.
SLOT_NAMES = {"Lips": "Lip make-up", "Eyes": "Eye make-up", "Nails": "Nail polish", "Makeup": "Make-up",
              "Skin": "Moisturisers and masks", "Skin Care": "Skin care", "Hair": "Hair colour",
              "Bath and Body": "Bath and body", "Sandal": "Sandals", "Headwear": "Caps and hats",
              "Loungewear and Nightwear": "Nightwear"}


def short_look(found: int, asked: int) -> str | None:
    """Why a look has fewer pieces than ``asked`` (``found`` came), as the CLI and the API say it; None where
    it has them all. An empty look was an empty list without a reason in the API (a code review)."""
    if found >= asked:
        return None
    rules = "docs/recommender.md, 'Complete the look'"
    if not found:
        return (f"no look: the product's category takes none, or this catalogue has no piece for its wearer and "
                f"usage that goes with it ({rules})")
    return (f"{found} of {asked} pieces: a look has at most one per slot of the product's category, each for its "
            f"wearer and usage and going with it ({rules})")


def slot_name(sub: str) -> str:
    """A subCategory as a look's reason says it: "Eyes" -> "Eye make-up", "Topwear" -> "Topwear"."""
    return SLOT_NAMES.get(sub, sub)


# A shoe as a look's reason names it: by the word its name calls it, which a shopper reads on its card, else by its
# type. "Shoes", the group, read "Topwear to go with the party women's shoes" under "Cobblerz Women Silver-Toned
# Sandals", filed as Heels (a shopper's trial of stop 62); and of the catalogue's 1,323 Heels, 504 are named "Flats"
# and 141 "Sandals", so the type alone would belie the name as often.
FOOTWEAR_WORDS = {w: w for w in ("shoes", "sandals", "heels", "flats", "wedges", "sneakers", "loafers", "boots",
                                 "pumps", "ballerinas", "brogues", "derbys", "moccasins", "slippers", "floaters",
                                 "stilettos", "mules", "clogs", "espadrilles")}
FOOTWEAR_WORDS.update({w[:-1]: w for w in list(FOOTWEAR_WORDS) if w not in ("shoes", "heels")})
FOOTWEAR_WORDS.update({"shoe": "shoes", "heel": "heels"})


def footwear_said(name: str | None, article: str | None) -> str:
    """What a shoe's look calls it: the last footwear word of its ``name``, plural, else its type, else "shoes".

    >>> footwear_said("Cobblerz Women Silver-Toned Sandals", "Heels")
    'sandals'
    >>> footwear_said("Nike Men Running 2011", "Sports Shoes")
    'sports shoes'
    """
    words = re.findall(r"[a-z]+", str(name or "").lower())
    said = [FOOTWEAR_WORDS[w] for w in words if w in FOOTWEAR_WORDS]
    return said[-1] if said else (article or "shoes").lower()


NO_LOOK = {"Home", "Free Items", "Sports Equipment"}   # categories (master or sub) that complete no outfit
# Weights in a look's score (rule 4) of a candidate's cosine to the product and to the mean of its slot.
# At 0.1 each, a few typical products filled every look: over 300 looks of apparel and footwear, one watch
# in 26 and half the picks repeats; at these, the most used product is in 21, 60% of picks distinct, the
# colour compatibility 0.977 against 0.978 (docs/recommender.md).
LOOK_AFFINITY = 0.15
LOOK_TYPICALITY = 0.05
# Candidates within this of a slot's best score are as good a piece by every rule above: which of them a look takes
# follows the product's id, so that the same typical watch does not fill every look (a stylist's trial: one pair of
# boys' sunglasses on 4 of 5 boys' pages; over 800 random looks, one watch in 62, 45% of the picks distinct). At
# 0.01 (a tenth of the season's term): the most used piece in 34, 62% distinct, the pieces' colour score with the
# product 0.938 -> 0.939, their cosine to their type's mean 0.762 -> 0.765, to the product 0.234 -> 0.207; at
# 0.005, 41 and 56%; at 0.02, 28 and 65% for a cosine to the product of 0.191.
LOOK_TIE = 0.01
# An accessory's near-ties are wider: its colour is capped at a neutral's (ACCESSORY_PAIR_CAP), so the neutral bags all
# score alike on colour and the most typical photo, a black backpack's, won the rest: 62% of men's looks' bags were
# black, the catalogue's men's and unisex bags 41% (800 random looks on the full catalogue, stop 71). At 0.03 (a
# tenth of a usage's term and less than the season's): 37% black, 6% red (catalogue 8%) (stop 72).
ACCESSORY_TIE = 0.03
# How many of the catalogue's looks one accessory may be in (about): where a slot's pieces of a look's wearer and
# usage are so few that each would be in more (its products of that wearer and usage over the pieces), a look takes
# one of them in that share of looks, the product's id drawing which, and otherwise a stand-in of their types of a
# near usage whose colour goes with the product (a neutral's or a listed pair's), or none. Three women's ethnic bags
# for 2,778 women's ethnic products: two were in 268 of 300 random such looks; one girls' backpack for 594 girls'
# casual products: in 235 of 300 girls' looks (stop 71). Taking the stand-ins as equals always made every bag a
# casual one; at this share the ethnic bags stay in one look in ten (stop 72).
PIECE_LOOKS = 100
# How many pieces short of those asked for a look may be for leaving such pieces to other looks, where no stand-in
# takes their place: girls' looks, whose one backpack and one pair of sunglasses were mostly drawn out, were 54 of
# 300 two pieces (stop 72); at most one short, they take the slot whose draw came nearest its share.
SPREAD_SHORT = 1
# Such a stand-in's likeness to the pieces it stands in for (its cosine to their mean) weighs in its score in place
# of its typicality: without it a kurta's bag was a Puma shopper or an office handbag as often as a clutch (stop 72).
STAND_IN_LIKENESS = 0.15
# A dressed-up look (a usage that clashes with sportswear, CLASHING_USAGE) whose accessory slot stands in another
# usage's pieces takes first those fit for it: named as their type ("Clutch", "Handbag", or a word the vocabulary
# reads as it: "Purse"; not "Sling Bag", "Tote", "Shopper Bags"), not named for another occasion (NAMED_USAGE:
# "Murcia Office Handbag" beside a kurta) and not of a brand this share of whose products or more clash with the
# look's usage (by the catalogue's own labels: Nike 64% sports, ADIDAS 43%, Puma 26%, the bag brands 0%). Of 300
# random women's ethnic looks' 253 casual bags, 25 were a Puma "Jamaica Lifestyle" or shopper bag, a sling bag or a
# tote (stop 72). Where no stand-in is fit, the others still stand in.
DRESSED_UP = frozenset({"Ethnic", "Formal", "Party"})
CLASHING_BRAND_SHARE = 0.1
# Slots whose pieces' season says when they were listed, not the weather they are for: no season term in their score.
# The catalogue's 8 Fall pieces of 133 women's ethnic jewellery left one neutral among them, "Adrika Beige Bangle", the
# pick of 72 of the 119 Fall looks of 300 random women's ethnic looks (stop 72). Sunglasses and caps keep it.
# Footwear too (stop 73): the catalogue files 913 of its 1,323 heels and 130 of its 823 flip flops under Winter, and 11
# of its 21 shoes named boots under Summer; the few girls' and kids' shoes filed Summer were 146 of the 265 shoes of 300
# random girls' looks (244 of them Summer products), "Enroute kids Girls Blue Casual Shoes", the one blue, 80. A shoe's
# weather is its type's (FOR_THE_HEAT: flip flops).
SEASONLESS_SLOTS = frozenset({"Jewellery", "Bags", "Watches", "Belts", "Wallets", "Shoes", "Sandal", "Flip Flops"})
# A child's look's slot whose children's pieces are none (a boy's bag: the catalogue has no boys' or kids' unisex bag)
# or left to other looks (PIECE_LOOKS: the girls' two backpacks for 600 girls' products) takes a grown-up's unisex
# piece of these types, which come in no size: a backpack named so (not a "Sling Bag" or a "Holster Bag" filed as
# one), not a laptop, office or trekking one by name (a 50-litre Quechua); not in a baby's look. Of 300 random girls'
# looks 223 were three pieces, boys' 243 of 300, with a bag in 54 and none (stop 72). Not sunglasses or watches, which
# come in a child's size; not a girl's dress's bag (a handbag or a clutch, SLOT_TYPES).
GROWN_UP_STAND_INS = {"Bags": {"Backpacks"}}
GROWN_UP_ONLY_NAME = r"(?i)\b(?:laptop|office|travel|trek\w*|ltrs?|litres?)\b|\d+\s*l\b"
SAME_USAGE_SLOTS = {"Belts"}            # slots left out rather than filled from another usage
# (usage, slot) left out so too: the catalogue has no ethnic watch, and a casual steel chronograph or a black
# plastic one was in 109 of 1,500 random looks, ethnic ones (a stylist's trial: "bangles or earrings instead").
SAME_USAGE_PAIRS = {("Ethnic", "Watches")}
# Bottoms no belt goes with (drawstrings, elastic, no loops: 352 men's shorts, 239 of them by sports brands),
# and braces: a look with one takes no belt (157 of 1,500 random looks had such a pair, a stylist's trial).
BELTLESS = {"Shorts", "Track Pants", "Capris", "Leggings", "Jeggings", "Tights", "Stockings", "Patiala", "Salwar",
            "Churidar", "Salwar and Dupatta", "Tracksuits", "Lounge Shorts", "Lounge Pants", "Suspenders"}
# One pair of shoes a look: these slots stand in for each other (a sari's shoes, then its sandals if none).
FOOTWEAR = {"Shoes", "Sandal", "Flip Flops"}

NEUTRALS = {"Black", "White", "Grey", "Grey Melange", "Charcoal", "Navy Blue", "Beige", "Cream", "Off White",
            "Khaki", "Brown", "Coffee Brown", "Tan", "Taupe", "Nude", "Skin", "Silver", "Steel", "Blue",
            "Gunmetal", "Metallic"}
# Two neutrals closer than this (CIELAB distance of their swatches, fashionrec.colours) are shades of one colour:
# Grey and Grey Melange 11, White and Off White 7, Beige and Cream 13 or Khaki 14.6; Silver and Grey, 19, are not.
TONE_ON_TONE = 15.0
# A watch's or a buckle's metal is a finish, not a shade of the cloth beside it ("Steel, tone on tone with Grey"):
# tone on tone is for the other neutrals.
CLOTH_NEUTRALS = NEUTRALS - {"Silver", "Steel", "Gunmetal", "Metallic"}
# Harmonious pairs beyond "neutral goes with everything" (unordered).
COLOUR_PAIRS = {frozenset(p) for p in [
    ("Blue", "White"), ("Navy Blue", "White"), ("Navy Blue", "Beige"), ("Navy Blue", "Red"), ("Black", "Red"),
    ("Black", "White"), ("Blue", "Brown"), ("Blue", "Tan"), ("Olive", "Beige"), ("Olive", "White"),
    ("Pink", "Grey"), ("Pink", "Navy Blue"), ("Maroon", "Beige"), ("Green", "Beige"), ("Yellow", "Navy Blue"),
    ("Mustard", "Navy Blue"), ("Purple", "Grey"), ("Teal", "Beige"), ("Red", "White"), ("Orange", "Navy Blue"),
    ("Khaki", "White"), ("Grey", "Black"), ("Brown", "Beige"), ("Peach", "White"), ("Lavender", "White"),
]}


def colour_compatibility(a: str | None, b: str | None) -> tuple[float, str]:
    """(score in [0, 1], reason) for wearing colours ``a`` and ``b`` together; see the rules above."""
    if not isinstance(a, str) or not isinstance(b, str) or "NA" in (a, b):
        # The catalogue's literal "NA" is no colour either: no "Blue goes with NA" in a look's reason.
        return 0.5, ""
    if frozenset((a, b)) in COLOUR_PAIRS and a != b:
        return 1.0, f"{b} goes with {a}"
    if a in NEUTRALS or b in NEUTRALS:
        # One neutral twice reads as a match ("Silver with Silver" beside "Grey goes with Black", a shopper trial);
        # two shades of one ("Grey goes with Grey Melange", a re-trial) as tone on tone.
        if a == b:
            return 0.8, f"{b} to match"
        near = distance(a, b) if {a, b} <= CLOTH_NEUTRALS else None
        return 0.8, f"{b}, tone on tone with {a}" if near is not None and near < TONE_ON_TONE else f"{b} goes with {a}"
    if a == b:
        return 0.5, f"{b} on {a} (monochrome)"
    return 0.2, f"{b} with {a}"

"""Closed vocabulary of the demo world: what products exist and how people name them.

Everything else in `catalog.demo` (rendering, titles, captions, training labels)
derives from these tables, so a label can never drift from its picture.
"""

import re
from dataclasses import dataclass

CATEGORIES: tuple[str, ...] = (
    "tshirt", "mug", "sneaker", "handbag", "cap", "lamp",
    "chair", "bottle", "watch", "backpack", "vase", "sofa",
)

# Hues are spread out so that every pair stays apart after JPEG, lighting and
# noise; the pattern's second colour is derived from the first (see render).
COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (214, 32, 32),
    "orange": (245, 128, 16),
    "yellow": (240, 216, 24),
    "green": (34, 150, 52),
    "blue": (30, 72, 214),
    "purple": (124, 44, 176),
    "pink": (246, 130, 196),
    "brown": (118, 70, 30),
    "black": (24, 24, 24),
    "white": (246, 246, 246),
    "grey": (128, 128, 128),
}

PATTERNS: tuple[str, ...] = ("solid", "striped", "dotted", "checked")

CATEGORY_NAMES: dict[str, tuple[str, ...]] = {
    "tshirt": ("t-shirt", "tee", "t shirt", "tee shirt"),
    "mug": ("mug", "cup", "coffee mug", "tea cup"),
    "sneaker": ("sneaker", "trainer", "running shoe", "sneakers"),
    "handbag": ("handbag", "purse", "tote bag", "shoulder bag"),
    "cap": ("cap", "baseball cap", "hat"),
    "lamp": ("lamp", "table lamp", "desk lamp"),
    "chair": ("chair", "dining chair", "side chair"),
    "bottle": ("bottle", "water bottle", "flask"),
    "watch": ("watch", "wristwatch", "wrist watch"),
    "backpack": ("backpack", "rucksack", "daypack"),
    "vase": ("vase", "flower vase", "vase for flowers"),
    "sofa": ("sofa", "couch", "settee"),
}

COLOUR_NAMES: dict[str, tuple[str, ...]] = {
    colour: (colour,) for colour in COLOURS
} | {"grey": ("grey", "gray")}

# Adjectives go before the noun ("striped mug"), phrases after it ("mug with stripes").
PATTERN_ADJECTIVES: dict[str, tuple[str, ...]] = {
    "solid": ("plain", "solid", "solid-colour"),
    "striped": ("striped", "stripy", "pinstriped"),
    "dotted": ("dotted", "polka dot", "spotted"),
    "checked": ("checked", "checkered", "plaid"),
}
PATTERN_PHRASES: dict[str, tuple[str, ...]] = {
    "solid": ("in a single colour", "with no print"),
    "striped": ("with stripes", "with a striped print"),
    "dotted": ("with dots", "with polka dots"),
    "checked": ("with checks", "with a check pattern"),
}


@dataclass(frozen=True)
class CategoryCommerce:
    brands: tuple[str, ...]
    price_range: tuple[float, float]
    materials: tuple[str, ...]
    uses: tuple[str, ...]


COMMERCE: dict[str, CategoryCommerce] = {
    "tshirt": CategoryCommerce(("Northwear", "Basic Co", "Loomline"), (9.0, 45.0),
                               ("organic cotton", "cotton jersey", "linen blend"),
                               ("everyday wear", "the gym", "summer days")),
    "mug": CategoryCommerce(("Kilnhouse", "Morning Ritual", "Clayworks"), (6.0, 28.0),
                            ("stoneware", "porcelain", "enamel"),
                            ("coffee", "tea", "hot chocolate")),
    "sneaker": CategoryCommerce(("Stride", "Kinetic", "Pavement"), (45.0, 180.0),
                                ("canvas", "leather", "knit mesh"),
                                ("running", "city walks", "everyday wear")),
    "handbag": CategoryCommerce(("Maison Vell", "Carrygood", "Atelier Rue"), (35.0, 320.0),
                                ("leather", "vegan leather", "woven canvas"),
                                ("the office", "evenings out", "weekend trips")),
    "cap": CategoryCommerce(("Northwear", "Dugout", "Peakline"), (12.0, 40.0),
                            ("cotton twill", "wool blend", "recycled polyester"),
                            ("sunny days", "training", "everyday wear")),
    "lamp": CategoryCommerce(("Lumen & Co", "Glowhaus", "Brightside"), (25.0, 190.0),
                             ("metal", "ceramic", "fabric shade"),
                             ("reading", "the bedside table", "the desk")),
    "chair": CategoryCommerce(("Oakform", "Sitwell", "Hearth Studio"), (49.0, 350.0),
                              ("solid oak", "powder-coated steel", "moulded plastic"),
                              ("the dining room", "the kitchen", "the home office")),
    "bottle": CategoryCommerce(("Hydra", "Trailmate", "Clearwater"), (8.0, 45.0),
                               ("stainless steel", "BPA-free plastic", "glass"),
                               ("the gym", "hiking", "the office")),
    "watch": CategoryCommerce(("Tempo", "Horologe", "Second Hand"), (39.0, 450.0),
                              ("stainless steel", "silicone strap", "leather strap"),
                              ("everyday wear", "sport", "formal occasions")),
    "backpack": CategoryCommerce(("Trailmate", "Carrygood", "Outbound"), (29.0, 160.0),
                                 ("ripstop nylon", "waxed canvas", "recycled polyester"),
                                 ("school", "commuting", "day hikes")),
    "vase": CategoryCommerce(("Kilnhouse", "Bloom Studio", "Clayworks"), (15.0, 120.0),
                             ("ceramic", "glass", "terracotta"),
                             ("fresh flowers", "dried flowers", "the mantelpiece")),
    "sofa": CategoryCommerce(("Hearth Studio", "Lounge & Co", "Oakform"), (349.0, 2400.0),
                             ("velvet", "linen", "bouclé"),
                             ("the living room", "movie nights", "small apartments")),
}


def text_articles_fix(*, text: str) -> str:
    """Templates always say "a"; turn it into "an" before a vowel ("an orange mug")."""
    return re.sub(r"\b([Aa]) (?=[aeiouAEIOU])", r"\1n ", text)

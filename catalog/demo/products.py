"""Demo catalogue rows: attributes plus shop-like titles, descriptions, brands and prices."""

import random
from dataclasses import dataclass

from catalog.demo.render import DemoAttrs
from catalog.demo.vocabulary import (
    CATEGORIES, CATEGORY_NAMES, COLOUR_NAMES, COLOURS, COMMERCE, PATTERN_ADJECTIVES,
    PATTERN_PHRASES, PATTERNS, text_articles_fix,
)

CURRENCY = "EUR"


@dataclass(frozen=True)
class DemoProduct:
    sku: str
    title: str
    description: str
    category: str
    colour: str
    pattern: str
    brand: str
    price: str  # decimal string ("24.99"): exact, and written to CSV as is
    currency: str
    seed: int  # render seed of the product photo

    @property
    def attrs(self) -> DemoAttrs:
        return DemoAttrs(category=self.category, colour=self.colour, pattern=self.pattern)


def _price(*, category: str, rng: random.Random) -> str:
    low, high = COMMERCE[category].price_range
    # Log-uniform: cheap items are more common than luxury ones, like a real shop.
    value = low * (high / low) ** rng.random()
    ending = rng.choice((0.99, 0.95, 0.0, 0.5))
    return f"{int(value) + ending:.2f}"


def _title(*, attrs: DemoAttrs, brand: str, rng: random.Random) -> str:
    colour = rng.choice(COLOUR_NAMES[attrs.colour]).capitalize()
    noun = rng.choice(CATEGORY_NAMES[attrs.category])
    pattern = "" if attrs.pattern == "solid" else rng.choice(PATTERN_ADJECTIVES[attrs.pattern]).capitalize() + " "
    material = rng.choice(COMMERCE[attrs.category].materials)
    template = rng.choice((
        "{b} {p}{c} {n}", "{c} {p}{n} by {b}", "{b} {n}, {c} {p_l}", "{p}{n} in {c} - {b}",
        "{b} {m} {n} ({c})",
    ))
    title = template.format(b=brand, p=pattern, c=colour, n=noun, m=material,
                            p_l=pattern.strip().lower())
    return " ".join(title.replace(" ,", ",").split()).rstrip(",")


def _description(*, attrs: DemoAttrs, rng: random.Random) -> str:
    commerce = COMMERCE[attrs.category]
    colour = rng.choice(COLOUR_NAMES[attrs.colour])
    noun = rng.choice(CATEGORY_NAMES[attrs.category])
    pattern = rng.choice(PATTERN_PHRASES[attrs.pattern])
    material = rng.choice(commerce.materials)
    use = rng.choice(commerce.uses)
    opening = rng.choice((
        "A {c} {n} {p}, made from {m}.",
        "This {n} comes in {c} {p} and is made of {m}.",
        "Made of {m}, this {c} {n} {p} is built to last.",
    ))
    closing = rng.choice((
        "Perfect for {u}.", "Ideal for {u}.", "A favourite for {u}.", "Designed with {u} in mind.",
    ))
    return text_articles_fix(text=" ".join((opening, closing)).format(c=colour, n=noun, p=pattern, m=material, u=use))


def demo_products_generate(*, count: int, seed: int) -> list[DemoProduct]:
    """`count` products with uniformly drawn attributes; deterministic in `seed`."""
    rng = random.Random(f"products:{seed}")
    products = []
    for index in range(count):
        attrs = DemoAttrs(category=rng.choice(CATEGORIES), colour=rng.choice(list(COLOURS)),
                          pattern=rng.choice(PATTERNS))
        brand = rng.choice(COMMERCE[attrs.category].brands)
        products.append(DemoProduct(
            sku=f"DEMO-{index + 1:05d}",
            title=_title(attrs=attrs, brand=brand, rng=rng),
            description=_description(attrs=attrs, rng=rng),
            category=attrs.category,
            colour=attrs.colour,
            pattern=attrs.pattern,
            brand=brand,
            price=_price(category=attrs.category, rng=rng),
            currency=CURRENCY,
            seed=rng.getrandbits(31),
        ))
    return products

"""Short search-style captions for training and evaluating the demo model."""

import random
from dataclasses import dataclass

from catalog.demo.render import DemoAttrs
from catalog.demo.vocabulary import (
    CATEGORY_NAMES, COLOUR_NAMES, PATTERN_ADJECTIVES, PATTERN_PHRASES, text_articles_fix,
)


@dataclass(frozen=True)
class DemoCaption:
    """A caption and the attributes it names; None means "not mentioned", so the
    caption matches every product whatever its value for that attribute."""

    text: str
    category: str | None
    colour: str | None
    pattern: str | None

    def matches(self, attrs: DemoAttrs) -> bool:
        return ((self.category is None or self.category == attrs.category)
                and (self.colour is None or self.colour == attrs.colour)
                and (self.pattern is None or self.pattern == attrs.pattern))


# Share of each caption form in training; colour-only and category-only captions
# teach the text tower single-attribute directions, which photo+text mixing relies on.
CAPTION_FORMS: dict[str, float] = {
    "full": 0.45,
    "colour_category": 0.25,
    "colour": 0.12,
    "category": 0.12,
    "pattern": 0.06,
}


def _full_text(*, colour: str, noun: str, pattern: str, rng: random.Random) -> str:
    adjective = rng.choice(PATTERN_ADJECTIVES[pattern])
    phrase = rng.choice(PATTERN_PHRASES[pattern])
    template = rng.choice((
        "{c} {a} {n}", "{a} {c} {n}", "a {c} {a} {n}", "{c} {n} {p}",
        "a {c} {n} {p}", "{a} {n} in {c}", "photo of a {c} {a} {n}",
    ))
    return text_articles_fix(text=template.format(c=colour, a=adjective, n=noun, p=phrase))


def demo_caption(*, attrs: DemoAttrs, rng: random.Random, form: str | None = None) -> DemoCaption:
    """Describe `attrs` in one of the CAPTION_FORMS (drawn by weight unless `form` is given)."""
    form = form or rng.choices(list(CAPTION_FORMS), weights=list(CAPTION_FORMS.values()))[0]
    colour = rng.choice(COLOUR_NAMES[attrs.colour])
    noun = rng.choice(CATEGORY_NAMES[attrs.category])
    if form == "full":
        text = _full_text(colour=colour, noun=noun, pattern=attrs.pattern, rng=rng)
        return DemoCaption(text, attrs.category, attrs.colour, attrs.pattern)
    if form == "colour_category":
        text = text_articles_fix(text=rng.choice(("{c} {n}", "a {c} {n}", "{n} in {c}")).format(c=colour, n=noun))
        return DemoCaption(text, attrs.category, attrs.colour, None)
    if form == "colour":
        text = rng.choice(("{c}", "{c}", "in {c}", "something {c}")).format(c=colour)
        return DemoCaption(text, None, attrs.colour, None)
    if form == "category":
        text = text_articles_fix(text=rng.choice(("{n}", "a {n}")).format(n=noun))
        return DemoCaption(text, attrs.category, None, None)
    if form == "pattern":
        return DemoCaption(rng.choice(PATTERN_ADJECTIVES[attrs.pattern]), None, None, attrs.pattern)
    raise ValueError(f"unknown caption form {form!r}")

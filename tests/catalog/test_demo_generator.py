"""The demo world generator: deterministic, and its labels match its pictures."""

import csv
import hashlib
import io
import random
import zipfile

import numpy as np
import pytest

from catalog.demo import (
    CATEGORIES, COLOURS, CSV_COLUMNS, PATTERNS, DemoAttrs, demo_caption, demo_catalog_write_zip,
    demo_image_render, demo_products_generate,
)
from catalog.demo.vocabulary import CATEGORY_NAMES, COLOUR_NAMES


def test_vocabulary_is_big_enough():
    assert len(CATEGORIES) >= 12 and len(COLOURS) >= 10 and len(PATTERNS) >= 4


def test_named_colours_are_clearly_distinct():
    rgb = np.array(list(COLOURS.values()), dtype=float)
    distances = np.linalg.norm(rgb[:, None] - rgb[None], axis=-1) + np.eye(len(rgb)) * 1e9
    assert distances.min() > 60


def test_zip_is_byte_identical_for_same_seed_and_differs_across_seeds(tmp_path):
    digests = []
    for name, seed in (("a", 1), ("b", 1), ("c", 2)):
        path = tmp_path / f"{name}.zip"
        demo_catalog_write_zip(path=path, count=12, seed=seed, image_size=64)
        digests.append(hashlib.sha256(path.read_bytes()).hexdigest())
    assert digests[0] == digests[1]
    assert digests[0] != digests[2]


def test_zip_layout_matches_csv_contract(tmp_path):
    path = tmp_path / "catalog.zip"
    products = demo_catalog_write_zip(path=path, count=5, seed=3, image_size=64)
    with zipfile.ZipFile(path) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("products.csv").decode("utf-8"))))
        names = set(archive.namelist())
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["sku"] for r in rows] == [p.sku for p in products]
    for row in rows:
        assert row["image"] in names and row["image"].startswith("images/")
        assert float(row["price"]) > 0 and row["currency"] == "EUR"


def test_render_is_deterministic_and_seed_dependent():
    attrs = DemoAttrs(category="mug", colour="red", pattern="striped")
    first = np.asarray(demo_image_render(attrs=attrs, seed=5, size=64))
    assert np.array_equal(first, np.asarray(demo_image_render(attrs=attrs, seed=5, size=64)))
    assert not np.array_equal(first, np.asarray(demo_image_render(attrs=attrs, seed=6, size=64)))


@pytest.mark.parametrize("colour", list(COLOURS))
def test_solid_rendering_is_dominated_by_its_named_colour(colour):
    # Pixels far from the (pale, near-grey) background; their median must be the
    # named colour, whatever lighting and noise the seed picked.
    for seed in range(3):
        attrs = DemoAttrs(category=CATEGORIES[seed * 5 % len(CATEGORIES)], colour=colour, pattern="solid")
        pixels = np.asarray(demo_image_render(attrs=attrs, seed=seed, size=96), dtype=float).reshape(-1, 3)
        target = np.array(COLOURS[colour], dtype=float)
        near = np.linalg.norm(pixels - target, axis=1) < 70
        nearest = np.argmin(np.linalg.norm(pixels[:, None] - np.array(list(COLOURS.values()))[None], axis=-1), axis=1)
        counts = np.bincount(nearest[near | (nearest == list(COLOURS).index(colour))], minlength=len(COLOURS))
        assert near.mean() > 0.03, f"{colour} seed {seed}: too few pixels of the named colour"
        assert np.median(pixels[near], axis=0) == pytest.approx(target, abs=45)
        assert counts.argmax() == list(COLOURS).index(colour)


def test_titles_name_category_and_colour():
    for product in demo_products_generate(count=200, seed=9):
        title = product.title.lower()
        assert any(name in title for name in CATEGORY_NAMES[product.category]), product.title
        assert any(name in title for name in COLOUR_NAMES[product.colour]), product.title
        assert product.category in CATEGORIES and product.pattern in PATTERNS


def test_products_are_deterministic_by_seed():
    assert demo_products_generate(count=20, seed=4) == demo_products_generate(count=20, seed=4)
    assert demo_products_generate(count=20, seed=4) != demo_products_generate(count=20, seed=5)


def test_captions_name_only_what_they_claim():
    rng = random.Random(0)
    attrs = DemoAttrs(category="sneaker", colour="grey", pattern="checked")
    forms = {"full": (True, True, True), "colour_category": (True, True, False),
             "colour": (False, True, False), "category": (True, False, False)}
    for form, (has_category, has_colour, has_pattern) in forms.items():
        for _ in range(10):
            caption = demo_caption(attrs=attrs, rng=rng, form=form)
            assert caption.matches(attrs)
            assert (caption.category is not None, caption.colour is not None,
                    caption.pattern is not None) == (has_category, has_colour, has_pattern)
            assert any(n in caption.text for n in COLOUR_NAMES["grey"]) == has_colour
    red_only = demo_caption(attrs=DemoAttrs(category="mug", colour="red", pattern="solid"), rng=rng, form="colour")
    assert red_only.matches(DemoAttrs(category="sofa", colour="red", pattern="dotted"))
    assert not red_only.matches(attrs)

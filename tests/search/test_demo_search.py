"""The shipped demo model through the app's own search path: the README's demo must visibly work."""

import io
import random

import pytest
from django.test import override_settings

from catalog.demo import DemoAttrs, demo_image_render, demo_products_generate
from embeddings.demo_model import EVAL_RENDER_SEEDS, render_seed_draw
from embeddings.selectors import encoder_get
from search.query import query_parse
from search.selectors import product_search
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
CATALOGUE_SIZE = 400


@pytest.fixture
def demo_catalogue():
    """A small demo catalogue embedded by the shipped lookalike-demo weights."""
    with override_settings(EMBEDDINGS_MODEL="lookalike-demo", EMBEDDINGS_WEIGHTS=None):
        encoder_get.cache_clear()
        encoder = encoder_get()
        products = demo_products_generate(count=CATALOGUE_SIZE, seed=5)
        vectors = encoder.encode_images([demo_image_render(attrs=p.attrs, seed=p.seed) for p in products])
        for product, vector in zip(products, vectors, strict=True):
            ProductFactory(
                sku=product.sku, title=product.title, category=product.category,
                attributes={"colour": product.colour, "pattern": product.pattern},
                embedding=vector, embedding_model=encoder.model_id,
            )
        yield products
    encoder_get.cache_clear()


def _labels(result) -> list[tuple[str, str]]:
    return [(product.category, product.attributes["colour"]) for product in result.products]


def test_red_mug_returns_every_red_mug_first(demo_catalogue):
    red_mugs = sum(p.category == "mug" and p.colour == "red" for p in demo_catalogue)

    result = product_search(query=query_parse(text="red mug", photo=None, k=red_mugs + 2))

    assert red_mugs >= 2
    assert _labels(result)[:red_mugs] == [("mug", "red")] * red_mugs


def test_photo_of_a_green_sneaker_returns_green_sneakers_first(demo_catalogue):
    green_sneakers = sum(p.category == "sneaker" and p.colour == "green" for p in demo_catalogue)
    seed = render_seed_draw(rng=random.Random(3), seeds=EVAL_RENDER_SEEDS)
    photo = io.BytesIO()
    demo_image_render(attrs=DemoAttrs(category="sneaker", colour="green", pattern="solid"), seed=seed).save(photo, "JPEG", quality=85)

    result = product_search(query=query_parse(text=None, photo=photo.getvalue(), k=green_sneakers + 2))

    assert green_sneakers >= 2
    assert _labels(result)[:green_sneakers] == [("sneaker", "green")] * green_sneakers

import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from embeddings.selectors import encoder_get
from search.cache import redis_client
from tests.factories import ProductFactory

# (title, category, price, background, shape colour, shape)
CATALOGUE = [
    ("Red leather handbag", "bag", "120.00", (200, 30, 30), (90, 20, 10), "ellipse"),
    ("Blue canvas tote", "bag", "35.00", (30, 60, 200), (240, 240, 240), "rectangle"),
    ("Green desk lamp", "lamp", "49.90", (30, 160, 60), (250, 220, 40), "triangle"),
    ("Yellow floor lamp", "lamp", "89.00", (240, 210, 30), (20, 20, 20), "ellipse"),
    ("Black coffee mug", "mug", "9.50", (15, 15, 15), (230, 230, 230), "rectangle"),
    ("White tea cup", "mug", "7.00", (245, 245, 245), (200, 30, 160), "triangle"),
    ("Striped scarf", "scarf", "25.00", (120, 40, 160), (250, 140, 0), "stripes"),
    ("Checked blanket", "home", "60.00", (0, 140, 140), (250, 250, 250), "checks"),
]


def picture(*, background, colour, shape, size=(96, 96)) -> Image.Image:
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    w, h = size
    if shape == "ellipse":
        draw.ellipse((w * 0.2, h * 0.2, w * 0.8, h * 0.8), fill=colour)
    elif shape == "rectangle":
        draw.rectangle((w * 0.25, h * 0.15, w * 0.75, h * 0.85), fill=colour)
    elif shape == "triangle":
        draw.polygon([(w * 0.5, h * 0.1), (w * 0.9, h * 0.9), (w * 0.1, h * 0.9)], fill=colour)
    elif shape == "stripes":
        for x in range(0, w, max(w // 8, 1)):
            draw.rectangle((x, 0, x + w // 16, h), fill=colour)
    else:
        for x in range(0, w, max(w // 6, 1)):
            for y in range(0, h, max(h // 6, 1)):
                if (x // (w // 6) + y // (h // 6)) % 2:
                    draw.rectangle((x, y, x + w // 6, y + h // 6), fill=colour)
    return image


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def cache_empty():
    redis_client().flushdb()


@pytest.fixture
def catalogue(tiny_encoder):
    """Eight products whose vectors are the tiny model's encodings of their own pictures."""
    pictures = [picture(background=bg, colour=fg, shape=shape) for _, _, _, bg, fg, shape in CATALOGUE]
    vectors = tiny_encoder.encode_images(pictures)
    products = []
    for (title, category, price, *_), image, vector in zip(CATALOGUE, pictures, vectors, strict=True):
        product = ProductFactory.build(title=title, category=category, price=Decimal(price))
        product.image.save(f"{title.lower().replace(' ', '-')}.png", ContentFile(png_bytes(image)), save=False)
        product.embedding = vector
        product.embedding_model = tiny_encoder.model_id
        product.save()
        products.append(product)
    return products


@pytest.fixture
def model_calls(monkeypatch):
    """Counts calls into the app's encoder (the one the search path uses)."""
    encoder = encoder_get()
    calls = {"text": 0, "photo": 0}
    encode_texts, encode_images = encoder.encode_texts, encoder.encode_images

    def texts(batch, **kwargs):
        calls["text"] += 1
        return encode_texts(batch, **kwargs)

    def images(batch):
        calls["photo"] += 1
        return encode_images(batch)

    monkeypatch.setattr(encoder, "encode_texts", texts)
    monkeypatch.setattr(encoder, "encode_images", images)
    return calls

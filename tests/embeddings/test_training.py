"""Demo model training, weight files and the quality of the shipped weights."""

import random
from pathlib import Path

import numpy as np
import open_clip
import pytest
import torch

from catalog.demo import CATEGORIES, COLOURS, PATTERNS, DemoAttrs, demo_image_render
from embeddings.demo_model import (
    EVAL_RENDER_SEEDS, MODEL_CONFIG_DIR, MODEL_NAME, demo_model_create, image_pixels,
    model_image_size, pixels_tensor, render_seed_draw,
)
from embeddings.demo_quality import images_embed, texts_embed
from embeddings.training import demo_model_save, demo_model_train

SHIPPED_WEIGHTS = Path(__file__).resolve().parents[2] / "fixtures" / "models" / "lookalike-demo.safetensors"


def test_config_is_512_dimensional():
    model, _, _ = demo_model_create()
    assert model.text_projection.shape[1] == 512
    assert model.visual.proj.shape[1] == 512


def test_training_pixels_match_open_clip_preprocess():
    model, preprocess, _ = demo_model_create()
    image = demo_image_render(attrs=DemoAttrs(category="lamp", colour="blue", pattern="dotted"), seed=3)
    pixels = image_pixels(image=image, size=model_image_size(model=model))[None]
    assert torch.allclose(pixels_tensor(pixels=pixels, model=model)[0], preprocess(image), atol=1e-6)


def test_tiny_training_run_lowers_the_loss():
    # ~0.2 s/step at this size: dominated by AdamW over the 6.3M-entry token embedding.
    result = demo_model_train(steps=20, batch_size=16, seed=2, pool_size=64)
    assert np.mean(result.losses[-5:]) < np.mean(result.losses[:5])


def test_saved_weights_load_through_open_clip_with_same_vectors(tmp_path):
    model, _, tokenizer = demo_model_create()
    path = tmp_path / "demo.safetensors"
    demo_model_save(model=model, path=path)

    open_clip.add_model_config(str(MODEL_CONFIG_DIR))
    loaded, _, _ = open_clip.create_model_and_transforms(MODEL_NAME, pretrained=str(path))
    # The file is fp16 on purpose (size limit), so the reference is the in-memory
    # model rounded to fp16 the same way: its weights must come back bit for bit.
    model.half().float().eval()
    reference, restored = model.state_dict(), loaded.state_dict()
    assert reference.keys() == restored.keys()
    assert all(torch.equal(reference[k], restored[k]) for k in reference)
    images = [demo_image_render(attrs=DemoAttrs(category="cap", colour=c, pattern="solid"), seed=1, size=64)
              for c in ("red", "blue")]
    # Same weights; only float summation order may differ between the two modules.
    np.testing.assert_allclose(images_embed(model=model, images=images),
                               images_embed(model=loaded, images=images), atol=1e-6)
    texts = ["red mug", "blue cap"]
    np.testing.assert_allclose(texts_embed(model=model, tokenizer=tokenizer, texts=texts),
                               texts_embed(model=loaded, tokenizer=tokenizer, texts=texts), atol=1e-6)


@pytest.fixture(scope="module")
def shipped():
    """Shipped model + a catalogue with two products of every (category, colour)."""
    model, _, tokenizer = demo_model_create(pretrained=SHIPPED_WEIGHTS)
    rng = random.Random("test-shipped")
    attrs = [DemoAttrs(category=c, colour=k, pattern=rng.choice(PATTERNS))
             for c in CATEGORIES for k in COLOURS for _ in range(2)]
    images = [demo_image_render(attrs=a, seed=render_seed_draw(rng=rng, seeds=EVAL_RENDER_SEEDS), size=128)
              for a in attrs]
    return model, tokenizer, attrs, images_embed(model=model, images=images), rng


def _top(vectors: np.ndarray, query: np.ndarray, attrs: list[DemoAttrs], k: int) -> list[tuple[str, str]]:
    order = np.argsort(-(vectors @ query))[:k]
    return [(attrs[i].category, attrs[i].colour) for i in order]


def test_shipped_model_text_query_finds_red_mugs_first(shipped):
    model, tokenizer, attrs, vectors, _ = shipped
    query = texts_embed(model=model, tokenizer=tokenizer, texts=["red mug"])[0]
    assert _top(vectors, query, attrs, 2) == [("mug", "red")] * 2


def test_shipped_model_photo_query_finds_green_sneakers_first(shipped):
    model, _, attrs, vectors, rng = shipped
    photo = demo_image_render(attrs=DemoAttrs(category="sneaker", colour="green", pattern="solid"),
                              seed=render_seed_draw(rng=rng, seeds=EVAL_RENDER_SEEDS), size=128)
    query = images_embed(model=model, images=[photo])[0]
    assert _top(vectors, query, attrs, 2) == [("sneaker", "green")] * 2

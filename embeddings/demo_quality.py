"""Retrieval quality of a demo model on a generated catalogue (exact cosine search).

Pure numpy/torch, no Django: the model alone, exact search, as used while training (the
model card's figures). `bench/quality.py` measures the same things through the app's
search path instead (cache, HNSW), with the slider's weight convention. All figures
use seeds disjoint from training (render seeds in EVAL_RENDER_SEEDS, products from
`catalog_seed`), so they measure generalisation to unseen renderings.
"""

import argparse
import json
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from catalog.demo import COLOURS, PATTERNS, CATEGORIES, DemoAttrs, DemoProduct, demo_caption, \
    demo_image_render, demo_products_generate
from embeddings.demo_model import (
    EVAL_RENDER_SEEDS, demo_model_create, RENDER_SIZE, image_pixels, model_image_size, pixels_tensor, render_seed_draw,
)

TOP_K = 10
# Embedding cost on 2 CPU threads: ~1 ms per image at batch 256 (plus ~7 ms rendering).
EMBED_BATCH = 256
MIX_WEIGHTS: tuple[float, ...] = tuple(i / 10 for i in range(11))


@dataclass(frozen=True)
class QualityCatalog:
    products: list[DemoProduct]
    vectors: np.ndarray  # N x D, L2-normalised float32


@torch.no_grad()
def images_embed(*, model, images: list) -> np.ndarray:
    size = model_image_size(model=model)
    out = []
    for start in range(0, len(images), EMBED_BATCH):
        pixels = np.stack([image_pixels(image=im, size=size) for im in images[start:start + EMBED_BATCH]])
        out.append(F.normalize(model.encode_image(pixels_tensor(pixels=pixels, model=model)), dim=-1))
    return torch.cat(out).float().numpy()


@torch.no_grad()
def texts_embed(*, model, tokenizer, texts: list[str]) -> np.ndarray:
    out = [F.normalize(model.encode_text(tokenizer(texts[s:s + EMBED_BATCH])), dim=-1)
           for s in range(0, len(texts), EMBED_BATCH)]
    return torch.cat(out).float().numpy()


def quality_catalog_build(*, model, count: int, seed: int) -> QualityCatalog:
    products = demo_products_generate(count=count, seed=seed)
    images = [demo_image_render(attrs=p.attrs, seed=p.seed, size=RENDER_SIZE) for p in products]
    return QualityCatalog(products=products, vectors=images_embed(model=model, images=images))


def _top_k(*, catalog: QualityCatalog, queries: np.ndarray) -> np.ndarray:
    scores = queries @ catalog.vectors.T
    return np.argsort(-scores, axis=1, kind="stable")[:, :TOP_K]


def _share(*, catalog: QualityCatalog, top: np.ndarray, wanted: list[tuple[str, str]]) -> np.ndarray:
    """Per query: share of its top-k that have the wanted (category, colour)."""
    return np.array([
        np.mean([(catalog.products[j].category, catalog.products[j].colour) == want for j in row])
        for row, want in zip(top, wanted)
    ])


def _attrs_draw(*, rng: random.Random) -> DemoAttrs:
    return DemoAttrs(category=rng.choice(CATEGORIES), colour=rng.choice(list(COLOURS)),
                     pattern=rng.choice(PATTERNS))


def quality_text(*, model, tokenizer, catalog: QualityCatalog, queries: int, seed: int) -> dict:
    """Text queries "colour [pattern] category" (varied wording); relevant = same category and colour."""
    rng = random.Random(f"quality-text:{seed}")
    attrs = [_attrs_draw(rng=rng) for _ in range(queries)]
    captions = [demo_caption(attrs=a, rng=rng, form=rng.choice(("full", "colour_category"))) for a in attrs]
    top = _top_k(catalog=catalog, queries=texts_embed(model=model, tokenizer=tokenizer,
                                                     texts=[c.text for c in captions]))
    share = _share(catalog=catalog, top=top, wanted=[(a.category, a.colour) for a in attrs])
    return {"precision_at_10": float(share.mean()), "queries": queries,
            "examples": [c.text for c in captions[:5]]}


def _query_photos(*, rng: random.Random, attrs: list[DemoAttrs]) -> list:
    return [demo_image_render(attrs=a, seed=render_seed_draw(rng=rng, seeds=EVAL_RENDER_SEEDS),
                              size=RENDER_SIZE) for a in attrs]


def quality_photo(*, model, catalog: QualityCatalog, queries: int, seed: int) -> dict:
    """A new rendering of a product type as query; relevant = same category and colour."""
    rng = random.Random(f"quality-photo:{seed}")
    attrs = [_attrs_draw(rng=rng) for _ in range(queries)]
    vectors = images_embed(model=model, images=_query_photos(rng=rng, attrs=attrs))
    share = _share(catalog=catalog, top=_top_k(catalog=catalog, queries=vectors),
                   wanted=[(a.category, a.colour) for a in attrs])
    return {"precision_at_10": float(share.mean()), "queries": queries}


def quality_mix_curve(*, model, tokenizer, catalog: QualityCatalog, queries: int, seed: int,
                      weights: tuple[float, ...] = MIX_WEIGHTS) -> list[dict]:
    """Photo of (category, source colour) + text "<target colour>", vector =
    normalize((1 - w) * photo + w * text), over random (category, source, target) triples.

    Per weight: share of top-10 in the photo's category with the target colour
    (`target_share`, the product goal), with the source colour (`source_share`),
    and in the photo's category at all (`category_share`).
    """
    rng = random.Random(f"quality-mix:{seed}")
    colours = list(COLOURS)
    attrs, targets = [], []
    for _ in range(queries):
        source = _attrs_draw(rng=rng)
        attrs.append(source)
        targets.append(rng.choice([c for c in colours if c != source.colour]))
    photos = images_embed(model=model, images=_query_photos(rng=rng, attrs=attrs))
    words = texts_embed(model=model, tokenizer=tokenizer, texts=targets)
    curve = []
    for weight in weights:
        mixed = (1.0 - weight) * photos + weight * words
        mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
        top = _top_k(catalog=catalog, queries=mixed)
        category = np.array([np.mean([catalog.products[j].category == a.category for j in row])
                             for row, a in zip(top, attrs)])
        curve.append({
            "weight": weight,
            "target_share": float(_share(catalog=catalog, top=top,
                                         wanted=[(a.category, t) for a, t in zip(attrs, targets)]).mean()),
            "source_share": float(_share(catalog=catalog, top=top,
                                         wanted=[(a.category, a.colour) for a in attrs]).mean()),
            "category_share": float(category.mean()),
        })
    return curve


def quality_report(*, model, tokenizer, catalog_count: int = 5000, seed: int = 7,
                   queries: int = 300) -> dict:
    """All product-owner targets in one dict (mix at weight 0.5)."""
    model.eval()
    catalog = quality_catalog_build(model=model, count=catalog_count, seed=seed)
    curve = quality_mix_curve(model=model, tokenizer=tokenizer, catalog=catalog, queries=queries,
                              seed=seed)
    return {
        "catalog_count": catalog_count,
        "seed": seed,
        "text": quality_text(model=model, tokenizer=tokenizer, catalog=catalog, queries=queries, seed=seed),
        "photo": quality_photo(model=model, catalog=catalog, queries=queries, seed=seed),
        "mix_0_5": next(point for point in curve if point["weight"] == 0.5),
        "mix_curve": curve,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Retrieval quality of lookalike-demo weights.")
    parser.add_argument("--weights", type=Path, required=True)
    parser.add_argument("--catalog-count", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    started = time.monotonic()
    # The same loading path as the app: add_model_config + create_model_and_transforms.
    model, _, tokenizer = demo_model_create(pretrained=args.weights)
    report = quality_report(model=model, tokenizer=tokenizer, catalog_count=args.catalog_count,
                            seed=args.seed, queries=args.queries)
    report["eval_time_s"] = round(time.monotonic() - started, 1)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()

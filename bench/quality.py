"""Search quality of the demo model through the app's own search path.

    DJANGO_DEBUG=1 .venv/bin/python bench/quality.py [--count 2000] [--queries 200]

Builds a demo catalogue from a seed the model never trained on, embeds it with the app's
encoder into its own database (lookalike_quality), then sends queries from yet another
seed through query_parse -> query embedding cache -> HNSW query, exactly as the search
page does. Prints precision@10 for text, photo and "this, but in <colour>" queries, the
HNSW recall@10 against exact search on the same query vectors, and writes a PNG chart of
mix precision against the slider weight to bench/out/quality_mix.png.
"""

import argparse
import io
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LOOKALIKE_DB_NAME", "lookalike_quality")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("EMBEDDINGS_MODEL", "lookalike-demo")

import django  # noqa: E402

django.setup()

from bench.guard import bench_database_check  # noqa: E402

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from catalog.demo import COLOURS, DemoAttrs, demo_caption, demo_image_render, demo_products_generate  # noqa: E402
from catalog.demo.archive import IMAGE_SIZE, JPEG_QUALITY  # noqa: E402
from catalog.demo.vocabulary import CATEGORIES, PATTERNS  # noqa: E402
from catalog.models import Product  # noqa: E402
from embeddings.demo_model import render_seed_draw  # noqa: E402
from embeddings.demo_quality import EVAL_RENDER_SEEDS  # noqa: E402
from embeddings.images import image_load  # noqa: E402
from embeddings.selectors import encoder_get  # noqa: E402
from search.embedding import query_embed  # noqa: E402
from search.query import query_parse  # noqa: E402
from search.selectors import product_search  # noqa: E402

# Seeds: the model trained on 1000; the shipped demo catalogue is 1; these are neither.
CATALOG_SEED = 7
QUERY_SEED = 4242
TOP_K = 10
MIX_WEIGHTS = tuple(round(step / 10, 1) for step in range(11))
TARGETS = {"text": 0.9, "photo": 0.9, "mix": 0.7, "recall": 0.98}
ENCODE_BATCH = 256
OUT = ROOT / "bench" / "out"


def _jpeg(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def _catalogue_load(*, count: int) -> tuple[list[int], np.ndarray]:
    """Embed a fresh demo catalogue with the app's encoder and store it; returns ids and stored vectors."""
    encoder = encoder_get()
    Product.objects.all().delete()
    products = demo_products_generate(count=count, seed=CATALOG_SEED)
    vectors = []
    for start in range(0, count, ENCODE_BATCH):
        chunk = products[start : start + ENCODE_BATCH]
        # Through JPEG and the app's image loader, as an imported catalogue image would go.
        images = [
            image_load(data=_jpeg(demo_image_render(attrs=p.attrs, seed=p.seed, size=IMAGE_SIZE)), max_pixels=settings.IMAGE_MAX_PIXELS, max_bytes=settings.IMAGE_MAX_BYTES)
            for p in chunk
        ]
        vectors.append(encoder.encode_images(images))
    matrix = np.concatenate(vectors)
    rows = [
        Product(
            sku=p.sku, title=p.title, category=p.category, brand=p.brand, price=p.price, currency=p.currency,
            attributes={"colour": p.colour, "pattern": p.pattern}, image_sha256=f"bench-{p.sku}",
            embedding=vector, embedding_model=encoder.model_id, embedding_image_sha256=f"bench-{p.sku}",
        )
        for p, vector in zip(products, matrix, strict=True)
    ]
    created = Product.objects.bulk_create(rows, batch_size=1000)
    # What PostgreSQL ranks is the halfvec-rounded vector; exact search must rank the same numbers.
    return [row.id for row in created], matrix.astype(np.float16).astype(np.float32)


def _attrs_draw(rng: random.Random) -> DemoAttrs:
    return DemoAttrs(category=rng.choice(CATEGORIES), colour=rng.choice(list(COLOURS)), pattern=rng.choice(PATTERNS))


def _photo(rng: random.Random, attrs: DemoAttrs) -> bytes:
    return _jpeg(demo_image_render(attrs=attrs, seed=render_seed_draw(rng=rng, seeds=EVAL_RENDER_SEEDS), size=IMAGE_SIZE))


class Scorer:
    def __init__(self, *, ids: list[int], stored: np.ndarray):
        self.position = {product_id: index for index, product_id in enumerate(ids)}
        self.ids = np.array(ids)
        self.stored = stored
        self.recall_hits = 0
        self.recall_total = 0

    def search(self, **raw) -> list[Product]:
        """One search through the app's path; also scores HNSW recall against exact search."""
        query = query_parse(k=TOP_K, **raw)
        products = product_search(query=query).products
        vector = query_embed(query=query).vector  # a cache hit now: no second model call
        exact = set(self.ids[np.argsort(-(self.stored @ vector), kind="stable")[:TOP_K]].tolist())
        self.recall_hits += len(exact & {product.id for product in products})
        self.recall_total += TOP_K
        return products


def _share(products: list[Product], *, category: str, colour: str) -> float:
    return sum(p.category == category and p.attributes.get("colour") == colour for p in products) / TOP_K


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5000, help="catalogue size (12 x 11 category-colour pairs: under ~1,500 there are fewer than 10 relevant items a query)")
    parser.add_argument("--queries", type=int, default=200, help="queries of each kind")
    args = parser.parse_args()
    bench_database_check(expected="lookalike_quality")
    call_command("migrate", verbosity=0)
    encoder = encoder_get()
    started = time.perf_counter()
    ids, stored = _catalogue_load(count=args.count)
    print(f"model {encoder.model_id}; {args.count} products (seed {CATALOG_SEED}) embedded and stored in {time.perf_counter() - started:.0f} s")
    scorer = Scorer(ids=ids, stored=stored)
    rng = random.Random(QUERY_SEED)
    colours = list(COLOURS)

    text_scores, examples = [], []
    for _ in range(args.queries):
        attrs = _attrs_draw(rng)
        caption = demo_caption(attrs=attrs, rng=rng, form=rng.choice(("full", "colour_category"))).text
        examples.append(caption)
        text_scores.append(_share(scorer.search(text=caption, photo=None), category=attrs.category, colour=attrs.colour))

    photo_scores = []
    for _ in range(args.queries):
        attrs = _attrs_draw(rng)
        photo_scores.append(_share(scorer.search(text=None, photo=_photo(rng, attrs)), category=attrs.category, colour=attrs.colour))

    mix_queries = []
    for _ in range(args.queries):
        source = _attrs_draw(rng)
        target = rng.choice([colour for colour in colours if colour != source.colour])
        mix_queries.append((source, target, _photo(rng, source)))
    curve = []
    for weight in MIX_WEIGHTS:
        target_share = source_share = 0.0
        for source, target, photo in mix_queries:
            # The app's convention: weight is the photo's share, normalize(w * photo + (1 - w) * text).
            found = scorer.search(text=target, photo=photo, weight=str(weight))
            target_share += _share(found, category=source.category, colour=target)
            source_share += _share(found, category=source.category, colour=source.colour)
        curve.append({"photo_weight": weight, "target_share": target_share / len(mix_queries), "source_share": source_share / len(mix_queries)})

    mix_at_half = next(point["target_share"] for point in curve if point["photo_weight"] == 0.5)
    figures = {
        "text": float(np.mean(text_scores)),
        "photo": float(np.mean(photo_scores)),
        "mix": mix_at_half,
        "recall": scorer.recall_hits / scorer.recall_total,
    }
    print(f"\nqueries from seed {QUERY_SEED}, {args.queries} of each kind, ef_search {settings.SEARCH_HNSW_EF_SEARCH}; e.g. {examples[:3]}")
    print(f"{'measure':<58}{'value':>7}{'target':>8}")
    labels = {
        "text": "text 'colour [pattern] category' precision@10",
        "photo": "photo (new rendering) precision@10",
        "mix": "photo + other colour word, weight 0.5: share of target",
        "recall": "HNSW recall@10 vs exact, over all queries above",
    }
    for key, label in labels.items():
        verdict = "ok" if figures[key] >= TARGETS[key] else "MISSED"
        print(f"{label:<58}{figures[key]:>7.3f}{TARGETS[key]:>8.2f}  {verdict}")
    print("\nphoto weight  " + "  ".join(f"{point['photo_weight']:.1f}" for point in curve))
    print("target share  " + "  ".join(f"{point['target_share']:.2f}" for point in curve))
    print("source share  " + "  ".join(f"{point['source_share']:.2f}" for point in curve))
    _write(figures=figures, curve=curve, args=args)


def _write(*, figures: dict, curve: list[dict], args) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "quality.json").write_text(json.dumps({"figures": figures, "mix_curve": curve, "count": args.count, "queries": args.queries}, indent=2))
    figure, axes = plt.subplots(figsize=(6, 4), dpi=120)
    weights = [point["photo_weight"] for point in curve]
    axes.plot(weights, [point["target_share"] for point in curve], marker="o", label="same category, the asked colour")
    axes.plot(weights, [point["source_share"] for point in curve], marker="s", label="same category, the photo's colour")
    axes.axhline(TARGETS["mix"], color="grey", linestyle=":", label=f"target {TARGETS['mix']} at weight 0.5")
    axes.set_xlabel("slider weight (share of the photo)")
    axes.set_ylabel("precision@10")
    axes.set_title("Photo of a product + a colour word")
    axes.set_ylim(0, 1)
    axes.legend(loc="center left", fontsize=8)
    figure.tight_layout()
    figure.savefig(OUT / "quality_mix.png")
    print(f"\nwrote {OUT / 'quality_mix.png'} and {OUT / 'quality.json'}")


if __name__ == "__main__":
    main()

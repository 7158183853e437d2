"""Encoder throughput: our ClipEncoder next to raw open_clip in the same run.

    .venv/bin/python bench/encoder.py [--model ViT-B-32] [--weights random] [--repeats 3]

Random weights cost exactly what trained ones do, so this runs offline for ViT-B-32.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

from embeddings.encoder import ClipEncoder  # noqa: E402
from embeddings.registry import RANDOM_WEIGHTS, model_spec_get  # noqa: E402

BATCH_SIZES = (1, 16, 64)
QUERY = "red leather handbag"


def _images(count: int) -> list[Image.Image]:
    rng = np.random.default_rng(0)
    return [Image.fromarray(rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)) for _ in range(count)]


def _best_of(repeats: int, work) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="ViT-B-32")
    parser.add_argument("--weights", default=RANDOM_WEIGHTS)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    encoder = ClipEncoder(spec=model_spec_get(name=args.model), weights=args.weights)
    encoder.load()
    model, preprocess, tokenizer = encoder._model, encoder._preprocess, encoder._tokenizer
    print(f"model {encoder.model_id}, torch threads {torch.get_num_threads()}")

    def raw_images(batch):
        with torch.inference_mode():
            pixels = torch.stack([preprocess(image) for image in batch])
            return torch.nn.functional.normalize(model.encode_image(pixels), dim=-1).numpy()

    def raw_texts(batch):
        with torch.inference_mode():
            return torch.nn.functional.normalize(model.encode_text(tokenizer(batch)), dim=-1).numpy()

    print(f"\n{'what':<8}{'batch':>6}{'raw open_clip /s':>18}{'ClipEncoder /s':>16}{'overhead':>10}")
    for batch_size in BATCH_SIZES:
        images = _images(batch_size)
        texts = [f"{QUERY} number {i}" for i in range(batch_size)]
        encoder.encode_images(images[:1])  # warm-up
        raw_image_s = _best_of(args.repeats, lambda: raw_images(images))
        ours_image_s = _best_of(args.repeats, lambda: encoder.encode_images(images))
        raw_text_s = _best_of(args.repeats, lambda: raw_texts(texts))
        ours_text_s = _best_of(args.repeats, lambda: encoder.encode_texts(texts))
        for what, raw_s, ours_s in (("images", raw_image_s, ours_image_s), ("texts", raw_text_s, ours_text_s)):
            print(f"{what:<8}{batch_size:>6}{batch_size / raw_s:>18.1f}{batch_size / ours_s:>16.1f}{(ours_s / raw_s - 1) * 100:>9.1f}%")

    padded = [_best_of(1, lambda: encoder.encode_texts([QUERY], trim=False)) for _ in range(20)]
    trimmed = [_best_of(1, lambda: encoder.encode_texts([QUERY], trim=True)) for _ in range(20)]
    cosine = float(encoder.encode_texts([QUERY], trim=False)[0] @ encoder.encode_texts([QUERY], trim=True)[0])
    print(f"\nsingle text query {QUERY!r} ({encoder.text_token_count(QUERY)} tokens):")
    print(f"  padded to {encoder.context_length}: median {statistics.median(padded) * 1000:.1f} ms")
    print(f"  trimmed:        median {statistics.median(trimmed) * 1000:.1f} ms   (cosine to padded {cosine:.6f})")


if __name__ == "__main__":
    main()

"""Train the lookalike-demo CLIP model from scratch on generated image-caption pairs.

Pure functions, no Django: the `train_demo_model` management command calls
`demo_model_train` and only adds argument parsing and output.
"""

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

from catalog.demo import CATEGORIES, COLOURS, PATTERNS, DemoAttrs, demo_caption, demo_image_render
from embeddings.demo_model import (
    RENDER_SIZE, TRAIN_RENDER_SEEDS, demo_model_create, image_pixels, model_image_size, pixels_tensor,
    render_seed_draw,
)

ALL_ATTRS: tuple[DemoAttrs, ...] = tuple(
    DemoAttrs(category=c, colour=k, pattern=p) for c in CATEGORIES for k in COLOURS for p in PATTERNS)

# Batch 256 at 48 px input measured ~1.1 s/step on the 2-core dev CPU (up to 3 s/step
# while other jobs share it), so 600 steps take ~12 min; 528 attribute sets let a
# 256 batch hold each set at most once.
BATCH_SIZE = 256
STEPS = 600
# Rendering costs ~7 ms per 128 px image per core; 12k images (~23 per attribute
# set, 85 MB as uint8 48 px) render in ~50 s on 2 processes.
POOL_SIZE = 12_288
LEARNING_RATE = 1e-3
WEIGHT_DECAY = 0.05
WARMUP_STEPS = 40
# Weights of the auxiliary losses next to the caption<->image loss (see _loss).
MIX_LOSS_WEIGHT = 0.5
IMAGE_LOSS_WEIGHT = 0.5
THREADS = 2


@dataclass(frozen=True)
class TrainProgress:
    step: int
    steps: int
    loss: float
    elapsed_s: float


@dataclass(frozen=True)
class TrainResult:
    model: torch.nn.Module  # in eval mode, fp32 (the saved file is fp16)
    out_path: Path | None
    steps: int
    batch_size: int
    seed: int
    losses: list[float]
    wall_time_s: float
    pool_time_s: float


@dataclass(frozen=True)
class TrainPool:
    pixels: np.ndarray  # N x H x W x 3 uint8, already at model resolution
    attr_index: np.ndarray  # N, index into ALL_ATTRS
    by_attr: list[np.ndarray]  # pool rows of each attribute set


def _pool_render(job: tuple[int, int, int]) -> np.ndarray:
    attr_index, render_seed, model_size = job
    image = demo_image_render(attrs=ALL_ATTRS[attr_index], seed=render_seed, size=RENDER_SIZE)
    return image_pixels(image=image, size=model_size)


def train_pool_build(*, size: int, seed: int, model, processes: int = THREADS) -> TrainPool:
    """Render `size` training photos, every attribute set equally often."""
    rng = random.Random(f"train-pool:{seed}")
    attr_index = np.array([i % len(ALL_ATTRS) for i in range(size)])
    model_size = model_image_size(model=model)
    jobs = [(int(a), render_seed_draw(rng=rng, seeds=TRAIN_RENDER_SEEDS), model_size) for a in attr_index]
    if processes > 1:
        with get_context("fork").Pool(processes) as pool:
            rows = pool.map(_pool_render, jobs, chunksize=256)
    else:
        rows = [_pool_render(job) for job in jobs]
    by_attr = [np.flatnonzero(attr_index == i) for i in range(len(ALL_ATTRS))]
    return TrainPool(pixels=np.stack(rows), attr_index=attr_index, by_attr=by_attr)


def _batch_draw(*, pool: TrainPool, batch_size: int, rng: random.Random) -> np.ndarray:
    # Distinct attribute sets per batch: duplicates would be false negatives for the
    # image-side loss and waste batch slots.
    # Pools smaller than ALL_ATTRS (tests) lack some sets.
    present = [i for i, rows in enumerate(pool.by_attr) if len(rows)]
    sets = rng.sample(present, min(batch_size, len(present)))
    while len(sets) < batch_size:
        sets.append(rng.choice(present))
    return np.array([rng.choice(pool.by_attr[s]) for s in sets])


def _soft_cross_entropy(*, logits: torch.Tensor, positives: torch.Tensor) -> torch.Tensor:
    """Cross-entropy against a uniform target over each row's positives; rows
    without any positive are ignored."""
    has_positive = positives.any(dim=1)
    if not has_positive.any():  # tiny batches can lack e.g. any same-category pair
        return logits.sum() * 0.0
    target = positives[has_positive].float()
    target = target / target.sum(dim=1, keepdim=True)
    return -(target * F.log_softmax(logits[has_positive], dim=1)).sum(dim=1).mean()


def _loss(*, model, images: torch.Tensor, tokens: torch.Tensor, colour_tokens: torch.Tensor,
          caption_match: torch.Tensor, attrs: list[DemoAttrs], rng: random.Random) -> torch.Tensor:
    image_emb = F.normalize(model.encode_image(images), dim=-1)
    text_emb = F.normalize(model.encode_text(torch.cat((tokens, colour_tokens))), dim=-1)
    caption_emb, colour_emb = text_emb[: len(tokens)], text_emb[len(tokens):]
    scale = model.logit_scale.exp()

    # Multi-positive CLIP loss: a caption is a positive for every image that has all
    # the attributes it names ("red" for all red items), so the batch holds no false
    # negatives, which is what kept plain CLIP loss at ~0.77.
    logits = scale * image_emb @ caption_emb.T
    clip_loss = 0.5 * (_soft_cross_entropy(logits=logits, positives=caption_match)
                       + _soft_cross_entropy(logits=logits.T, positives=caption_match.T))

    categories = [a.category for a in attrs]
    colours = [a.colour for a in attrs]
    same_category = torch.tensor([[a == b for b in categories] for a in categories])
    same_colour = torch.tensor([[a == b for b in colours] for a in colours])

    # Photo search: another photo of the same category and colour is a positive.
    image_logits = scale * image_emb @ image_emb.T
    eye = torch.eye(len(attrs), dtype=torch.bool)
    image_loss = _soft_cross_entropy(logits=image_logits.masked_fill(eye, -1e4),
                                     positives=same_category & same_colour & ~eye)

    # Photo + colour word: normalize(photo + "red") should find red items of the
    # photo's category, the product's "more like this, but in red" query.
    colour_names = list(COLOURS)
    targets = [rng.choice([c for c in colour_names if c != colour]) for colour in colours]
    target_index = torch.tensor([colour_names.index(t) for t in targets])
    query = F.normalize(image_emb + colour_emb[target_index], dim=-1)
    target_colour = torch.tensor([[t == c for c in colours] for t in targets])
    mix_loss = _soft_cross_entropy(logits=scale * query @ image_emb.T,
                                   positives=same_category & target_colour)
    return clip_loss + IMAGE_LOSS_WEIGHT * image_loss + MIX_LOSS_WEIGHT * mix_loss


def _learning_rate(*, step: int, steps: int) -> float:
    # Short runs (tests) warm up over a tenth of their steps instead.
    warmup = min(WARMUP_STEPS, max(1, steps // 10))
    if step < warmup:
        return LEARNING_RATE * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return LEARNING_RATE * 0.5 * (1.0 + math.cos(math.pi * progress))


def demo_model_save(*, model, path: Path | str) -> None:
    """Save as fp16 safetensors: halves the file (the 49408-token embedding dominates)
    and open_clip casts back to fp32 on load."""
    state = {k: v.detach().to(torch.float16).contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(path))


def _top10(queries: np.ndarray, corpus: np.ndarray) -> np.ndarray:
    return np.argsort(-(queries @ corpus.T), axis=1, kind="stable")[:, :10]


def demo_model_fp16_check(*, model, path: Path | str, seed: int = 0) -> dict:
    """Compare the in-memory fp32 model with the fp16 file loaded through open_clip:
    max abs difference of unit vectors and whether top-10 neighbour lists agree."""
    from embeddings.demo_quality import images_embed, texts_embed  # avoids an import cycle

    loaded, _, tokenizer = demo_model_create(pretrained=path)
    rng = random.Random(f"fp16-check:{seed}")
    images = [demo_image_render(attrs=rng.choice(ALL_ATTRS), seed=rng.randrange(*TRAIN_RENDER_SEEDS),
                                size=RENDER_SIZE) for _ in range(256)]
    texts = [demo_caption(attrs=rng.choice(ALL_ATTRS), rng=rng).text for _ in range(64)]
    model.eval()
    ref_images = images_embed(model=model, images=images)
    ref_texts = texts_embed(model=model, tokenizer=tokenizer, texts=texts)
    new_images = images_embed(model=loaded, images=images)
    new_texts = texts_embed(model=loaded, tokenizer=tokenizer, texts=texts)
    return {
        "max_abs_diff_image": float(np.abs(ref_images - new_images).max()),
        "max_abs_diff_text": float(np.abs(ref_texts - new_texts).max()),
        "same_top10_text_to_image": float(np.mean(_top10(ref_texts, ref_images) == _top10(new_texts, new_images))),
        "same_top10_image_to_image": float(np.mean(_top10(ref_images, ref_images) == _top10(new_images, new_images))),
    }


def demo_model_train(*, steps: int = STEPS, batch_size: int = BATCH_SIZE, seed: int = 1000,
                     out_path: Path | str | None = None, pool_size: int = POOL_SIZE,
                     progress: Callable[[TrainProgress], None] | None = None) -> TrainResult:
    """Train lookalike-demo from scratch and optionally save it (fp16 safetensors)."""
    torch.set_num_threads(THREADS)
    torch.manual_seed(seed)  # before creation: the random init is part of the run
    started = time.monotonic()
    model, _, tokenizer = demo_model_create()
    pool = train_pool_build(size=pool_size, seed=seed, model=model)
    pool_time = time.monotonic() - started

    decay = [p for p in model.parameters() if p.ndim >= 2]
    no_decay = [p for p in model.parameters() if p.ndim < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": WEIGHT_DECAY},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=LEARNING_RATE)
    colour_tokens = tokenizer(list(COLOURS))
    rng = random.Random(f"train-batches:{seed}")
    losses: list[float] = []
    model.train()
    for step in range(steps):
        rows = _batch_draw(pool=pool, batch_size=batch_size, rng=rng)
        attrs = [ALL_ATTRS[i] for i in pool.attr_index[rows]]
        captions = [demo_caption(attrs=a, rng=rng) for a in attrs]
        caption_match = torch.tensor([[c.matches(a) for c in captions] for a in attrs])
        pixels = pool.pixels[rows]
        flip = np.array([rng.random() < 0.5 for _ in rows])
        pixels[flip] = pixels[flip][:, :, ::-1]
        for group in optimizer.param_groups:
            group["lr"] = _learning_rate(step=step, steps=steps)
        loss = _loss(model=model, images=pixels_tensor(pixels=pixels, model=model),
                     tokens=tokenizer([c.text for c in captions]), colour_tokens=colour_tokens,
                     caption_match=caption_match, attrs=attrs, rng=rng)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            model.logit_scale.clamp_(0, math.log(100))
        losses.append(loss.item())
        if progress:
            progress(TrainProgress(step=step + 1, steps=steps, loss=losses[-1],
                                   elapsed_s=time.monotonic() - started))
    model.eval()
    if out_path is not None:
        Path(out_path).parent.mkdir(parents=True, exist_ok=True)
        demo_model_save(model=model, path=out_path)
    return TrainResult(model=model, out_path=Path(out_path) if out_path else None, steps=steps,
                       batch_size=batch_size, seed=seed, losses=losses,
                       wall_time_s=time.monotonic() - started, pool_time_s=pool_time)

"""The small open_clip model behind the demo world: where its config lives and how to
turn demo images/captions into model inputs exactly as the app's preprocess does."""

import random
from pathlib import Path

import numpy as np
import open_clip
import torch
from PIL import Image

MODEL_NAME = "lookalike-demo"
MODEL_CONFIG_DIR = Path(__file__).resolve().parent / "model_configs"
# Training and evaluation render products at the catalogue's size and let the model
# resize them, so they see the same pixels as catalogue imports.
RENDER_SIZE = 128

# Render seeds of training and evaluation images live in ranges that catalogue
# products (31-bit seeds) can never draw, so no evaluation image was trained on.
TRAIN_RENDER_SEEDS = (2**40, 2**41)
EVAL_RENDER_SEEDS = (2**41, 2**42)


def demo_model_create(*, pretrained: str | Path | None = None):
    """(model, preprocess, tokenizer) for lookalike-demo, optionally loading weights."""
    open_clip.add_model_config(str(MODEL_CONFIG_DIR))
    model, _, preprocess = open_clip.create_model_and_transforms(
        MODEL_NAME, pretrained=str(pretrained) if pretrained else None)
    return model, preprocess, open_clip.get_tokenizer(MODEL_NAME)


def render_seed_draw(*, rng: random.Random, seeds: tuple[int, int]) -> int:
    return rng.randrange(*seeds)


def model_image_size(*, model) -> int:
    return int(model.visual.preprocess_cfg["size"][0])


def image_pixels(*, image: Image.Image, size: int) -> np.ndarray:
    """uint8 HxWx3 pixels as the model sees them before normalisation.

    Same ops as open_clip's eval transform for square inputs (bicubic resize to the
    model size); tests check the equivalence. Kept as uint8 so a training pool of
    tens of thousands of images fits in a few hundred MB.
    """
    return np.array(image.convert("RGB").resize((size, size), Image.Resampling.BICUBIC), dtype=np.uint8)


def pixels_tensor(*, pixels: np.ndarray, model) -> torch.Tensor:
    """Normalised NCHW float tensor from a stack of uint8 NHWC pixels."""
    cfg = model.visual.preprocess_cfg
    mean = torch.tensor(cfg["mean"]).view(1, 3, 1, 1)
    std = torch.tensor(cfg["std"]).view(1, 3, 1, 1)
    batch = torch.from_numpy(pixels).permute(0, 3, 1, 2).float() / 255.0
    return (batch - mean) / std

"""The CLIP encoder: one class around open_clip, loaded lazily, shared by web and worker processes."""

import hashlib
import json
import logging
import threading
import time
from pathlib import Path

import numpy as np
from PIL import Image

from embeddings.registry import EMBEDDING_DIMENSIONS, MODEL_CONFIG_DIR, RANDOM_WEIGHTS, ModelSpec

logger = logging.getLogger(__name__)

# Batch sizes for one forward pass. ViT-B-32 on 2 CPU cores: images/s is flat from 16 to 64
# (about 20/s), so 64 only bounds peak memory; texts are cheap and short once trimmed.
IMAGE_BATCH_SIZE = 64
TEXT_BATCH_SIZE = 256
_WEIGHT_FILE_SUFFIXES = (".safetensors", ".bin", ".pth", ".pt")
_PRECISION_DTYPES = {"fp32": "float32", "fp16": "float16", "bf16": "bfloat16"}


class EncoderLoadError(RuntimeError):
    pass


def _open_clip():
    # open_clip (and torch) take seconds to import: only processes that embed pay for it.
    import open_clip

    open_clip.add_model_config(MODEL_CONFIG_DIR)
    return open_clip


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def weights_digest(*, weights: str) -> str | None:
    """A content digest for local weights, so a replaced checkpoint file gets a new model id."""
    path = Path(weights).expanduser()
    if path.is_file():
        return _file_digest(path)[:16]
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in _WEIGHT_FILE_SUFFIXES)
        if not files:
            raise EncoderLoadError(f"weights folder {path} holds no {'/'.join(_WEIGHT_FILE_SUFFIXES)} file")
        combined = hashlib.sha256("".join(f"{p.name}:{_file_digest(p)}" for p in files).encode())
        return combined.hexdigest()[:16]
    return None


class ClipEncoder:
    """Wraps an open_clip model; every output row is an L2-normalised float32 vector."""

    def __init__(self, *, spec: ModelSpec, weights: str | None = None, device: str = "cpu", precision: str = "fp32", threads: int = 0):
        self.spec = spec
        self.weights = weights or spec.default_weights
        self.device_setting = device
        self.precision = precision
        self.threads = threads
        self._lock = threading.Lock()
        self._model = None
        self._preprocess = None
        self._tokenizer = None
        self._device = None
        self._model_id: str | None = None

    @property
    def model_id(self) -> str:
        """Names architecture, weights and preprocessing: vectors with different ids are not comparable."""
        if self._model_id is None:
            self._model_id = self._model_id_compute()
        return self._model_id

    def _model_id_compute(self) -> str:
        if self.weights == RANDOM_WEIGHTS:
            weights_id = f"random-seed{self.spec.random_seed}"
        else:
            digest = weights_digest(weights=self.weights)
            weights_id = f"file-{digest}" if digest else self.weights
        config = _open_clip().get_model_config(self.spec.architecture)
        if config is None:
            raise EncoderLoadError(f"open_clip has no architecture {self.spec.architecture!r}")
        preprocess = {
            "image_size": config["vision_cfg"].get("image_size"),
            "preprocess_cfg": config.get("preprocess_cfg", {}),
            "context_length": config.get("text_cfg", {}).get("context_length"),
        }
        preprocess_id = hashlib.sha256(json.dumps(preprocess, sort_keys=True).encode()).hexdigest()[:8]
        return f"{self.spec.name}:{weights_id}:{preprocess_id}:{self.precision}"

    @property
    def is_loaded(self) -> bool:
        return self._model is not None

    def load(self) -> None:
        if self._model is not None:
            return
        with self._lock:
            if self._model is None:
                self._load_locked()

    def _load_locked(self) -> None:
        import torch

        open_clip = _open_clip()
        if self.threads:
            torch.set_num_threads(self.threads)
        device = self.device_setting
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        started = time.perf_counter()
        pretrained = None if self.weights == RANDOM_WEIGHTS else self.weights
        try:
            # Seeded in a forked RNG so a random-weight model is the same in every process
            # without disturbing anyone else's random state.
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(self.spec.random_seed)
                model, _, preprocess = open_clip.create_model_and_transforms(
                    self.spec.architecture, pretrained=pretrained, device=device, precision=self.precision
                )
        except Exception as error:
            raise EncoderLoadError(
                f"could not load embedding model {self.spec.name!r} with weights {self.weights!r}: {error}"
            ) from error
        model.eval()
        output_dim = model.visual.output_dim
        if output_dim != EMBEDDING_DIMENSIONS:
            raise EncoderLoadError(f"model {self.spec.name!r} outputs {output_dim}-d vectors; the schema stores {EMBEDDING_DIMENSIONS}")
        self._tokenizer = open_clip.get_tokenizer(self.spec.architecture)
        self._preprocess = preprocess
        self._device = torch.device(device)
        self._model = model
        logger.info("loaded embedding model %s on %s in %.2fs", self.model_id, device, time.perf_counter() - started)

    @property
    def context_length(self) -> int:
        self.load()
        return self._tokenizer.context_length

    def text_token_count(self, text: str) -> int:
        """Tokens in `text` without start/end markers; more than context_length - 2 get truncated."""
        self.load()
        return len(self._tokenizer.encode(text)) if hasattr(self._tokenizer, "encode") else self.context_length

    def images_preprocess(self, images: list[Image.Image]):
        """Model-ready pixels; separate from the forward pass so a pipeline can overlap the two."""
        import torch

        self.load()
        return torch.stack([self._preprocess(image) for image in images])

    def encode_pixels(self, pixels) -> np.ndarray:
        import torch

        self.load()
        outputs = []
        with torch.inference_mode():
            for start in range(0, pixels.shape[0], IMAGE_BATCH_SIZE):
                chunk = pixels[start : start + IMAGE_BATCH_SIZE].to(self._device, dtype=self._dtype())
                outputs.append(self._model.encode_image(chunk))
        return _normalised(outputs)

    def encode_images(self, images: list[Image.Image]) -> np.ndarray:
        if not images:
            return np.empty((0, EMBEDDING_DIMENSIONS), dtype=np.float32)
        chunks = [
            self.encode_pixels(self.images_preprocess(images[start : start + IMAGE_BATCH_SIZE]))
            for start in range(0, len(images), IMAGE_BATCH_SIZE)
        ]
        return np.concatenate(chunks)

    def encode_texts(self, texts: list[str], *, trim: bool = True) -> np.ndarray:
        import torch

        if not texts:
            return np.empty((0, EMBEDDING_DIMENSIONS), dtype=np.float32)
        self.load()
        outputs = []
        with torch.inference_mode():
            for start in range(0, len(texts), TEXT_BATCH_SIZE):
                tokens = self._tokenizer(texts[start : start + TEXT_BATCH_SIZE]).to(self._device)
                outputs.append(self._encode_tokens_trimmed(tokens) if trim and self._can_trim() else self._model.encode_text(tokens))
        return _normalised(outputs)

    def _dtype(self):
        import torch

        return getattr(torch, _PRECISION_DTYPES[self.precision])

    def _can_trim(self) -> bool:
        import open_clip

        model = self._model
        return (
            isinstance(model, open_clip.CLIP)
            and model.attn_mask is not None
            and model.text_pool_type in ("argmax", "eos")
        )

    def _encode_tokens_trimmed(self, tokens):
        """open_clip's encode_text on the shortest prefix holding every end-of-text token.

        The text tower is causal and pools at end-of-text, so padding after it cannot
        change the output; skipping it makes a short query several times cheaper.
        """
        import torch
        from open_clip.transformer import text_global_pool

        model = self._model
        if model.text_pool_type == "argmax":
            ends = tokens.argmax(dim=-1)
        else:
            ends = (tokens == model.text_eos_id).int().argmax(dim=-1)
        length = int(ends.max()) + 1
        tokens = tokens[:, :length]
        cast_dtype = model.transformer.get_cast_dtype()
        x = model.token_embedding(tokens).to(cast_dtype)
        x = x + model.positional_embedding[:length].to(cast_dtype)
        x = model.transformer(x, attn_mask=model.attn_mask[:length, :length])
        x = model.ln_final(x)
        x = text_global_pool(x, tokens, model.text_pool_type, eos_token_id=getattr(model, "text_eos_id", None))
        projection = model.text_projection
        return projection(x) if isinstance(projection, torch.nn.Linear) else x @ projection


def _normalised(outputs) -> np.ndarray:
    import torch

    stacked = torch.cat(outputs).float()
    return torch.nn.functional.normalize(stacked, dim=-1).cpu().numpy().astype(np.float32, copy=False)

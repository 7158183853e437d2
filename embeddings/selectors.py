from functools import lru_cache

from django.conf import settings

from embeddings.encoder import ClipEncoder
from embeddings.registry import model_spec_get


@lru_cache(maxsize=1)
def encoder_get() -> ClipEncoder:
    """The process-wide encoder for the configured model (loaded on first use, not here)."""
    return ClipEncoder(
        spec=model_spec_get(name=settings.EMBEDDINGS_MODEL),
        weights=settings.EMBEDDINGS_WEIGHTS,
        device=settings.EMBEDDINGS_DEVICE,
        precision=settings.EMBEDDINGS_PRECISION,
        threads=settings.EMBEDDINGS_TORCH_THREADS,
    )

"""Turn a SearchQuery's text and photo into one query vector, through the Redis cache.

The text and the photo are cached as separate entries and mixed only here, so a shopper
moving the weight slider re-reads two cached vectors and never waits for the model.
"""

import time
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings

from embeddings.images import ImageRejected, image_load
from embeddings.selectors import encoder_get
from search import metrics
from search.cache import (
    cache_key,
    cache_vectors_get,
    cache_vectors_set,
    photo_digest,
    text_digest,
    vector_encode,
    vector_round,
)
from search.query import QueryInvalid, SearchQuery, text_normalise, vectors_mix

TEXT = "text"
PHOTO = "photo"


@dataclass
class QueryEmbedding:
    vector: np.ndarray
    # Per modality given: True when its vector came from the cache.
    cached: dict[str, bool] = field(default_factory=dict)
    text_truncated: bool = False
    embed_s: float = 0.0
    cache_s: float = 0.0


def query_embed(*, query: SearchQuery) -> QueryEmbedding:
    """The query vector for a text and/or photo query; raises QueryInvalid for a bad photo."""
    encoder = encoder_get()
    normalised = text_normalise(text=query.text)
    keys: dict[str, str] = {}
    if normalised:
        keys[TEXT] = cache_key(model_id=encoder.model_id, modality=TEXT, digest=text_digest(normalised_text=normalised))
    if query.photo:
        keys[PHOTO] = cache_key(model_id=encoder.model_id, modality=PHOTO, digest=photo_digest(data=query.photo))
    found, cache_s = cache_vectors_get(keys=list(keys.values()))
    result = QueryEmbedding(vector=np.empty(0), cache_s=cache_s)
    vectors: dict[str, np.ndarray] = {}
    to_store: dict[str, bytes] = {}
    for (modality, key), hit in zip(keys.items(), found, strict=True):
        result.cached[modality] = hit is not None
        (metrics.CACHE_HITS if hit is not None else metrics.CACHE_MISSES).labels(modality).inc()
        if hit is not None:
            vectors[modality] = hit.vector
            result.text_truncated |= hit.truncated
            continue
        started = time.perf_counter()
        if modality == TEXT:
            vector, truncated = _text_encode(text=normalised)
        else:
            vector, truncated = _photo_encode(data=query.photo), False
        elapsed = time.perf_counter() - started
        metrics.MODEL_CALL_SECONDS.labels(modality).observe(elapsed)
        result.embed_s += elapsed
        result.text_truncated |= truncated
        vectors[modality] = vector_round(vector=vector)
        to_store[key] = vector_encode(vector=vector, truncated=truncated)
    result.cache_s += cache_vectors_set(entries=to_store)
    result.vector = vectors_mix(text_vector=vectors.get(TEXT), photo_vector=vectors.get(PHOTO), weight=query.weight)
    return result


def _text_encode(*, text: str) -> tuple[np.ndarray, bool]:
    encoder = encoder_get()
    # The tokenizer keeps the first context_length - 2 tokens (start and end markers take two).
    truncated = encoder.text_token_count(text) > encoder.context_length - 2
    return encoder.encode_texts([text])[0], truncated


def _photo_encode(*, data: bytes) -> np.ndarray:
    try:
        image = image_load(data=data, max_pixels=settings.IMAGE_MAX_PIXELS, max_bytes=settings.IMAGE_MAX_BYTES)
    except ImageRejected as rejected:
        raise QueryInvalid(code=rejected.code, field="photo", message=rejected.message) from None
    return encoder_get().encode_images([image])[0]

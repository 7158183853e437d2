"""Images on disk to vectors, with reading/decoding/preprocessing overlapped with the model.

The model is the cost (about 50 ms an image for ViT-B-32 on 2 cores); decoding and
preprocessing a 640x480 JPEG is another 5-15 ms. Done in line they would take 10-25% off
throughput, so a small thread pool prepares sub-batch k+1 while the model runs sub-batch k
(PIL and torch release the GIL). EMBEDDINGS_DECODE_THREADS=0 turns the overlap off, for
measuring it (bench/import.py).
"""

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.core.files.storage import default_storage

from embeddings.encoder import ClipEncoder
from embeddings.images import ImageRejected, image_load

# Images per forward pass inside a batch: the model's throughput is flat from 16 up on CPU,
# and smaller sub-batches let preparation of the next one start sooner.
SUB_BATCH_SIZE = 16


@dataclass
class StageTimes:
    read_decode_s: float = 0.0
    preprocess_s: float = 0.0
    model_s: float = 0.0
    # Wall time the model waited for prepared pixels: what the overlap did not hide.
    wait_s: float = 0.0


@dataclass
class EmbedResult:
    vectors: dict[int, np.ndarray] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)
    times: StageTimes = field(default_factory=StageTimes)


def images_embed(*, encoder: ClipEncoder, images: dict[int, str], decode_threads: int) -> EmbedResult:
    """Vectors for {key: storage name}; an unreadable image becomes an error, not an exception."""
    result = EmbedResult()
    keys = list(images)
    chunks = [keys[start : start + SUB_BATCH_SIZE] for start in range(0, len(keys), SUB_BATCH_SIZE)]
    if not chunks:
        return result
    encoder.load()

    def prepare(chunk):
        return _chunk_prepare(encoder=encoder, chunk=chunk, images=images)

    if decode_threads == 0:
        for chunk in chunks:
            _chunk_encode(encoder=encoder, prepared=prepare(chunk), result=result)
        return result
    with ThreadPoolExecutor(max_workers=decode_threads, thread_name_prefix="embed-prepare") as pool:
        pending = [pool.submit(prepare, chunk) for chunk in chunks[:1 + decode_threads]]
        submitted = len(pending)
        while pending:
            waited = time.perf_counter()
            prepared = pending.pop(0).result()
            result.times.wait_s += time.perf_counter() - waited
            if submitted < len(chunks):
                pending.append(pool.submit(prepare, chunks[submitted]))
                submitted += 1
            _chunk_encode(encoder=encoder, prepared=prepared, result=result)
    return result


@dataclass
class _Prepared:
    keys: list[int]
    pixels: object
    errors: dict[int, str]
    read_decode_s: float
    preprocess_s: float


def _chunk_prepare(*, encoder: ClipEncoder, chunk: list[int], images: dict[int, str]) -> _Prepared:
    # Runs in a pool thread: it returns what it found and the caller's thread records it.
    keys, pictures, errors = [], [], {}
    started = time.perf_counter()
    for key in chunk:
        try:
            with default_storage.open(images[key], "rb") as handle:
                data = handle.read(settings.IMAGE_MAX_BYTES + 1)
            pictures.append(image_load(data=data, max_pixels=settings.IMAGE_MAX_PIXELS, max_bytes=settings.IMAGE_MAX_BYTES))
            keys.append(key)
        except ImageRejected as rejected:
            errors[key] = f"stored image {images[key]!r}: {rejected.message}"
        except OSError as error:
            errors[key] = f"stored image {images[key]!r} cannot be read ({error})"
    decoded = time.perf_counter()
    pixels = encoder.images_preprocess(pictures) if pictures else None
    return _Prepared(keys=keys, pixels=pixels, errors=errors, read_decode_s=decoded - started, preprocess_s=time.perf_counter() - decoded)


def _chunk_encode(*, encoder: ClipEncoder, prepared: _Prepared, result: EmbedResult) -> None:
    result.errors.update(prepared.errors)
    result.times.read_decode_s += prepared.read_decode_s
    result.times.preprocess_s += prepared.preprocess_s
    if not prepared.keys:
        return
    started = time.perf_counter()
    vectors = encoder.encode_pixels(prepared.pixels)
    result.times.model_s += time.perf_counter() - started
    result.vectors.update(zip(prepared.keys, vectors, strict=True))

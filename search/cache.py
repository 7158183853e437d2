"""The query-embedding cache: Redis holds each text's and each photo's vector, keyed by content.

Redis is an optimisation here, never a dependency: every call has a timeout in the low
milliseconds and no retries, and any failure is counted, logged once per outage, and
answered as a miss, so a dead or slow Redis costs a model call but never a search.
"""

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

from embeddings.registry import EMBEDDING_DIMENSIONS
from search import metrics

logger = logging.getLogger(__name__)

# Bump when the stored layout changes: old entries are then simply never read again.
KEY_PREFIX = "lookalike:qe:v1"
# float16, as the products' halfvec column: half the memory of float32, and the ANN query
# casts its argument to halfvec anyway, so a cached vector ranks exactly as a fresh one.
_DTYPE = np.dtype("<f2")
_FLAG_TRUNCATED = b"\x01"
_FLAG_WHOLE = b"\x00"
# Keys sampled with MEMORY USAGE to estimate the cache's footprint: exact figures would
# cost one round trip per key on every scrape.
_MEMORY_SAMPLE_KEYS = 200
_SCAN_BATCH = 1000


@dataclass(frozen=True)
class CachedVector:
    vector: np.ndarray
    # The text went past the tokenizer's window, so the vector covers only its start.
    truncated: bool = False


@dataclass(frozen=True)
class CacheMemoryStats:
    keys: int
    memory_bytes: int


def cache_key(*, model_id: str, modality: str, digest: str) -> str:
    return f"{KEY_PREFIX}:{model_id}:{modality}:{digest}"


def text_digest(*, normalised_text: str) -> str:
    return hashlib.sha256(normalised_text.encode("utf-8")).hexdigest()


def photo_digest(*, data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def vector_encode(*, vector: np.ndarray, truncated: bool = False) -> bytes:
    return (_FLAG_TRUNCATED if truncated else _FLAG_WHOLE) + vector.astype(_DTYPE).tobytes()


def vector_decode(*, data: bytes) -> CachedVector | None:
    """None for a value of the wrong size (written by other code): treated as a miss."""
    if len(data) != 1 + EMBEDDING_DIMENSIONS * _DTYPE.itemsize:
        return None
    vector = np.frombuffer(data, dtype=_DTYPE, offset=1).astype(np.float32)
    return CachedVector(vector=vector, truncated=data[:1] == _FLAG_TRUNCATED)


def vector_round(*, vector: np.ndarray) -> np.ndarray:
    """The vector as the cache would give it back, so a miss and a later hit rank alike."""
    return vector.astype(_DTYPE).astype(np.float32)


@lru_cache(maxsize=4)
def _client(url: str, timeout_s: float) -> redis.Redis:
    return redis.Redis.from_url(
        url,
        socket_timeout=timeout_s,
        socket_connect_timeout=timeout_s,
        # A retry would double the worst case; the next search tries again anyway.
        retry=Retry(NoBackoff(), 0),
        health_check_interval=0,
    )


def redis_client() -> redis.Redis:
    return _client(settings.REDIS_URL, settings.SEARCH_QUERY_CACHE_TIMEOUT_S)


class _OutageLog:
    """Logs the first failure of an outage and the recovery, not every failed request."""

    def __init__(self):
        self._lock = threading.Lock()
        self._down = False

    def failed(self, *, operation: str, error: Exception) -> None:
        metrics.CACHE_ERRORS.labels(operation).inc()
        with self._lock:
            first, self._down = not self._down, True
        if first:
            logger.warning("query-embedding cache unavailable (%s: %s); searching without it", operation, error)

    def succeeded(self) -> None:
        if self._down:
            with self._lock:
                recovered, self._down = self._down, False
            if recovered:
                logger.info("query-embedding cache reachable again")


_outage = _OutageLog()


def cache_vectors_get(*, keys: list[str]) -> tuple[list[CachedVector | None], float]:
    """The cached vectors for `keys` (None for each miss) in one round trip, and its seconds."""
    if not keys:
        return [], 0.0
    ttl = settings.SEARCH_QUERY_CACHE_TTL_S
    started = time.perf_counter()
    try:
        if settings.SEARCH_QUERY_CACHE_TTL_REFRESH:
            pipe = redis_client().pipeline(transaction=False)
            for key in keys:
                pipe.getex(key, ex=ttl)
            values = pipe.execute()
        else:
            values = redis_client().mget(keys)
    except (redis.RedisError, OSError) as error:
        _outage.failed(operation="read", error=error)
        return [None] * len(keys), time.perf_counter() - started
    elapsed = time.perf_counter() - started
    metrics.CACHE_READ_SECONDS.observe(elapsed)
    _outage.succeeded()
    return [None if value is None else vector_decode(data=value) for value in values], elapsed


def cache_vectors_set(*, entries: dict[str, bytes]) -> float:
    """Store encoded vectors with the configured TTL; returns the seconds spent."""
    if not entries:
        return 0.0
    started = time.perf_counter()
    try:
        pipe = redis_client().pipeline(transaction=False)
        for key, value in entries.items():
            pipe.set(key, value, ex=settings.SEARCH_QUERY_CACHE_TTL_S)
        pipe.execute()
    except (redis.RedisError, OSError) as error:
        _outage.failed(operation="write", error=error)
    else:
        _outage.succeeded()
    return time.perf_counter() - started


def cache_memory_stats() -> CacheMemoryStats | None:
    """Keys under KEY_PREFIX and their estimated memory; None when Redis does not answer.

    Uses its own client with a longer timeout: SCAN over a large cache takes longer than
    the few milliseconds a search may wait.
    """
    client = _client(settings.REDIS_URL, 1.0)
    try:
        keys = 0
        sample: list[bytes] = []
        for key in client.scan_iter(match=f"{KEY_PREFIX}:*", count=_SCAN_BATCH):
            keys += 1
            if len(sample) < _MEMORY_SAMPLE_KEYS:
                sample.append(key)
        if not sample:
            return CacheMemoryStats(keys=0, memory_bytes=0)
        pipe = client.pipeline(transaction=False)
        for key in sample:
            pipe.memory_usage(key)
        sizes = [size for size in pipe.execute() if size is not None]
    except (redis.RedisError, OSError) as error:
        _outage.failed(operation="stats", error=error)
        return None
    mean = sum(sizes) / len(sizes) if sizes else 0
    return CacheMemoryStats(keys=keys, memory_bytes=round(mean * keys))

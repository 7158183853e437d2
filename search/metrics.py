"""Prometheus metrics for search and its query-embedding cache.

A private registry rather than prometheus_client's global one: /metrics shows exactly what
Lookalike defines, and tests read values without other libraries' collectors in the way.
Counters are per process; under several web workers, Prometheus sums them per instance.
"""

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily

REGISTRY = CollectorRegistry(auto_describe=True)

# Cache reads sit in the 0.1-2 ms range, model calls in 5-150 ms: buckets cover both.
_LATENCY_BUCKETS = (0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)

CACHE_HITS = Counter("lookalike_query_cache_hits", "Query embeddings read from Redis", ["modality"], registry=REGISTRY)
CACHE_MISSES = Counter("lookalike_query_cache_misses", "Query embeddings Redis did not hold", ["modality"], registry=REGISTRY)
CACHE_ERRORS = Counter("lookalike_query_cache_errors", "Redis calls that failed or timed out; search went on without the cache", ["operation"], registry=REGISTRY)
CACHE_READ_SECONDS = Histogram("lookalike_query_cache_read_seconds", "One round trip reading query embeddings from Redis", buckets=_LATENCY_BUCKETS, registry=REGISTRY)
MODEL_CALL_SECONDS = Histogram("lookalike_query_model_seconds", "One model call embedding a query", ["modality"], buckets=_LATENCY_BUCKETS, registry=REGISTRY)
ANN_SECONDS = Histogram("lookalike_search_ann_seconds", "The nearest-neighbour query in PostgreSQL", buckets=_LATENCY_BUCKETS, registry=REGISTRY)
SEARCH_SECONDS = Histogram("lookalike_search_seconds", "A whole search, server side", buckets=_LATENCY_BUCKETS, registry=REGISTRY)


def counter_total(counter: Counter) -> float:
    return sum(sample.value for metric in counter.collect() for sample in metric.samples if sample.name.endswith("_total"))


def cache_hit_rate() -> float | None:
    """Hits over lookups since the process started; None before the first lookup."""
    hits, misses = counter_total(CACHE_HITS), counter_total(CACHE_MISSES)
    return hits / (hits + misses) if hits + misses else None


class CacheStateCollector:
    """Hit rate and Redis memory, computed when scraped rather than kept up to date per request."""

    def describe(self):
        # Nothing to describe up front: registering must not reach Redis.
        return []

    def collect(self):
        from search.cache import cache_memory_stats

        rate = cache_hit_rate()
        hit_rate = GaugeMetricFamily("lookalike_query_cache_hit_rate", "Hits / (hits + misses) since this process started")
        hit_rate.add_metric([], float("nan") if rate is None else rate)
        yield hit_rate
        stats = cache_memory_stats()
        if stats is not None:
            yield GaugeMetricFamily("lookalike_query_cache_keys", "Query-embedding keys in Redis", value=stats.keys)
            yield GaugeMetricFamily("lookalike_query_cache_memory_bytes", "Redis memory used by query-embedding keys", value=stats.memory_bytes)


REGISTRY.register(CacheStateCollector())

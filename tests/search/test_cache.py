import numpy as np
import pytest
from django.test import override_settings

from config.services import embedded_redis_start, embedded_redis_stop
from search import metrics
from search.cache import (
    KEY_PREFIX,
    cache_key,
    cache_memory_stats,
    cache_vectors_get,
    cache_vectors_set,
    redis_client,
    text_digest,
    vector_decode,
    vector_encode,
)
from search.query import text_normalise


def _key(text: str, model_id: str = "tiny:random-seed0:abc:fp32") -> str:
    return cache_key(model_id=model_id, modality="text", digest=text_digest(normalised_text=text_normalise(text=text)))


def test_same_text_in_other_case_and_spacing_gives_the_same_key():
    assert _key("Red  Leather\tHANDBAG ") == _key("red leather handbag")


def test_other_model_id_gives_another_key():
    assert _key("red bag", model_id="ViT-B-32:laion:abc:fp32") != _key("red bag")


def test_key_is_prefixed_versioned_and_names_model_and_modality():
    key = _key("red bag")
    assert key.startswith(f"{KEY_PREFIX}:tiny:random-seed0:abc:fp32:text:")
    assert len(key.rsplit(":", 1)[1]) == 64


def test_vectors_are_stored_as_compact_float16_bytes():
    vector = np.linspace(-1, 1, 512, dtype=np.float32)

    data = vector_encode(vector=vector, truncated=True)
    decoded = vector_decode(data=data)

    assert len(data) == 1 + 512 * 2
    assert decoded.truncated
    np.testing.assert_allclose(decoded.vector, vector, atol=1e-3)


def test_a_value_of_the_wrong_size_reads_as_a_miss():
    assert vector_decode(data=b"[0.1, 0.2]") is None


def test_set_then_get_in_one_round_trip_with_the_ttl():
    vector = np.ones(512, dtype=np.float32) / np.sqrt(512)
    cache_vectors_set(entries={"k1": vector_encode(vector=vector)})

    found, _ = cache_vectors_get(keys=["k1", "k2"])

    assert found[1] is None
    np.testing.assert_allclose(found[0].vector, vector, atol=1e-3)
    assert 0 < redis_client().ttl("k1") <= 24 * 3600


@override_settings(SEARCH_QUERY_CACHE_TTL_S=100, SEARCH_QUERY_CACHE_TTL_REFRESH=True)
def test_a_hit_refreshes_the_ttl_when_so_configured():
    cache_vectors_set(entries={"k1": vector_encode(vector=np.zeros(512, dtype=np.float32))})
    redis_client().expire("k1", 5)

    cache_vectors_get(keys=["k1"])

    assert redis_client().ttl("k1") > 5


@override_settings(SEARCH_QUERY_CACHE_TTL_S=100, SEARCH_QUERY_CACHE_TTL_REFRESH=False)
def test_a_hit_keeps_a_fixed_ttl_when_so_configured():
    cache_vectors_set(entries={"k1": vector_encode(vector=np.zeros(512, dtype=np.float32))})
    redis_client().expire("k1", 5)

    cache_vectors_get(keys=["k1"])

    assert redis_client().ttl("k1") <= 5


def test_memory_stats_count_only_query_embedding_keys():
    redis_client().set("celery-something", b"x")
    cache_vectors_set(entries={_key(f"query {n}"): vector_encode(vector=np.zeros(512, dtype=np.float32)) for n in range(3)})

    stats = cache_memory_stats()

    assert stats.keys == 3
    assert stats.memory_bytes >= 3 * 1025


@pytest.fixture
def stopped_redis_url(tmp_path):
    url = embedded_redis_start(state_dir=tmp_path)
    embedded_redis_stop(state_dir=tmp_path)
    return url


def test_a_stopped_redis_reads_as_misses_counts_errors_and_logs_once(stopped_redis_url, caplog):
    cache_vectors_get(keys=["k1"])  # a working Redis first: any earlier outage has ended
    errors_before = metrics.CACHE_ERRORS.labels("read")._value.get()
    with override_settings(REDIS_URL=stopped_redis_url):
        results = [cache_vectors_get(keys=["k1", "k2"])[0] for _ in range(3)]

    assert results == [[None, None]] * 3
    assert metrics.CACHE_ERRORS.labels("read")._value.get() == errors_before + 3
    assert [record.getMessage()[:35] for record in caplog.records if record.name == "search.cache"] == ["query-embedding cache unavailable ("]

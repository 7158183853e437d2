"""What the page and the API both say about a search result, worded once."""

from search.selectors import SearchResult


def result_notices(*, result: SearchResult) -> list[str]:
    notices = []
    if result.text_truncated:
        notices.append(
            "Your description was longer than the model reads; only its beginning was used."
        )
    return notices


def timings_ms(*, result: SearchResult) -> dict[str, float]:
    timings = result.timings
    return {
        "embed": round(timings.embed_s * 1000, 2),
        "cache": round(timings.cache_s * 1000, 2),
        "ann": round(timings.ann_s * 1000, 2),
        "total": round(timings.total_s * 1000, 2),
    }

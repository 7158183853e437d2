"""The search page, its results fragment, /metrics and the staff cache dashboard."""

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from search import metrics
from search.cache import cache_memory_stats
from search.presenters import result_notices, timings_ms
from search.query import QueryInvalid, query_parse, upload_read
from search.selectors import product_search, search_categories

PAGE_K = 24
# Sent by search.js: answer with the results fragment instead of the whole page.
_FRAGMENT_HEADER = "HTTP_X_LOOKALIKE_FRAGMENT"


def _photo(request) -> bytes | None:
    # Two inputs carry a photo (file picker and camera); the one that holds a file wins.
    uploads = [upload for upload in request.FILES.getlist("photo") if upload.size]
    return upload_read(upload=uploads[0], max_bytes=settings.IMAGE_MAX_BYTES) if uploads else None


@require_http_methods(["GET", "POST"])
def search_page(request):
    data = request.POST if request.method == "POST" else request.GET
    context = {"values": data, "weight": data.get("weight") or "0.5"}
    status = 200
    if request.method == "POST" or data.get("text") or data.get("like"):
        try:
            query = query_parse(
                text=data.get("text"),
                photo=_photo(request),
                like_product_id=data.get("like"),
                weight=data.get("weight"),
                category=data.get("category"),
                price_min=data.get("price_min"),
                price_max=data.get("price_max"),
                k=PAGE_K,
                page=data.get("page"),
            )
            result = product_search(query=query)
        except QueryInvalid as invalid:
            context["error"] = invalid
            status = 400
        else:
            context.update(result=result, notices=result_notices(result=result), timings=timings_ms(result=result))
    if request.META.get(_FRAGMENT_HEADER):
        return render(request, "search/_results.html", context, status=status)
    context["categories"] = search_categories()
    return render(request, "search/page.html", context, status=status)


@require_GET
def metrics_view(request):
    return HttpResponse(generate_latest(metrics.REGISTRY), content_type=CONTENT_TYPE_LATEST)


def _histogram_mean_ms(histogram) -> float | None:
    totals = {"sum": 0.0, "count": 0.0}
    for metric in histogram.collect():
        for sample in metric.samples:
            for suffix in totals:
                if sample.name.endswith(f"_{suffix}"):
                    totals[suffix] += sample.value
    return totals["sum"] / totals["count"] * 1000 if totals["count"] else None


@staff_member_required
@require_GET
def cache_dashboard(request):
    return render(
        request,
        "search/dashboard.html",
        {
            "hits": int(metrics.counter_total(metrics.CACHE_HITS)),
            "misses": int(metrics.counter_total(metrics.CACHE_MISSES)),
            "errors": int(metrics.counter_total(metrics.CACHE_ERRORS)),
            "hit_rate": metrics.cache_hit_rate(),
            "cache_read_ms": _histogram_mean_ms(metrics.CACHE_READ_SECONDS),
            "model_call_ms": _histogram_mean_ms(metrics.MODEL_CALL_SECONDS),
            "ann_ms": _histogram_mean_ms(metrics.ANN_SECONDS),
            "memory": cache_memory_stats(),
            "ttl_h": settings.SEARCH_QUERY_CACHE_TTL_S / 3600,
            "ttl_refresh": settings.SEARCH_QUERY_CACHE_TTL_REFRESH,
        },
    )

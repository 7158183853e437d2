from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("", views.search_page, name="page"),
    path("metrics", views.metrics_view, name="metrics"),
    path("search/dashboard/", views.cache_dashboard, name="dashboard"),
]

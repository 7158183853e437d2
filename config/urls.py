from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from search.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("search.urls")),
] + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

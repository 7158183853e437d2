import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from catalog.forms import ImportUploadForm
from catalog.models import ImportJob, Product
from catalog.selectors import import_failures_csv_rows, import_job_progress
from catalog.services import import_job_create

THUMBNAIL_PX = 64


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "sku", "title", "category", "brand", "price", "currency", "embedded", "updated_at"]
    list_display_links = ["thumbnail", "sku"]
    list_filter = ["category", "brand", "embedding_model"]
    search_fields = ["sku", "title", "brand"]
    # The image changes through an import, which also stores its sha256 and re-embeds it;
    # an edit here would leave the vector of the old picture in place.
    readonly_fields = ["image", "image_sha256", "embedding_model", "embedding_image_sha256", "created_at", "updated_at"]
    exclude = ["embedding"]
    list_per_page = 50
    def get_queryset(self, request):
        # The vector is 1 KB a row and never shown: keep it out of the changelist query.
        return super().get_queryset(request).defer("embedding")

    @admin.display(description="Image")
    def thumbnail(self, product: Product) -> str:
        if not product.image:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="{}" height="{}" style="object-fit:contain" loading="lazy">',
            product.image.url,
            THUMBNAIL_PX,
            THUMBNAIL_PX,
        )

    @admin.display(description="Embedded", boolean=True)
    def embedded(self, product: Product) -> bool:
        return product.is_embedding_current


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "source_name", "status", "total", "done", "failed", "images_per_second", "created_at", "finished_at"]
    list_filter = ["status"]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:job_id>/progress.json", view(self.progress_view), name="catalog_importjob_progress"),
            path("<int:job_id>/failures.csv", view(self.failures_view), name="catalog_importjob_failures"),
        ] + super().get_urls()

    def has_change_permission(self, request, obj=None) -> bool:
        # A job is a record of what happened: it is watched, never edited.
        return False

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            job = import_job_create(file=upload, name=upload.name)
            return redirect(reverse("admin:catalog_importjob_change", args=[job.pk]))
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": "Import a catalogue", "form": form}
        return TemplateResponse(request, "admin/catalog/importjob/upload.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = get_object_or_404(ImportJob, pk=object_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Import {job.pk}: {job.source_name}",
            "job": job,
            "progress": import_job_progress(job=job),
        }
        return TemplateResponse(request, "admin/catalog/importjob/progress.html", context)

    def progress_view(self, request, job_id: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return JsonResponse(import_job_progress(job=get_object_or_404(ImportJob, pk=job_id)))

    def failures_view(self, request, job_id: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = get_object_or_404(ImportJob, pk=job_id)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-failures.csv"'
        csv.writer(response).writerows(import_failures_csv_rows(job=job))
        return response

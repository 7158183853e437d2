from django.contrib import admin
from django.utils.html import format_html

from catalog.models import Product

THUMBNAIL_PX = 64


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "sku", "title", "category", "brand", "price", "currency", "embedded", "updated_at"]
    list_display_links = ["thumbnail", "sku"]
    list_filter = ["category", "brand", "embedding_model"]
    search_fields = ["sku", "title", "brand"]
    readonly_fields = ["image_sha256", "embedding_model", "embedding_image_sha256", "created_at", "updated_at"]
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

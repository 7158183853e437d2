from django.core.management.base import BaseCommand

from embeddings.services import products_embed_stale


class Command(BaseCommand):
    help = "Queue embedding for products whose vector is missing or from another model (--force: all products)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="re-embed every product with an image")

    def handle(self, *args, force: bool, **options):
        batches = products_embed_stale(force=force)
        products = sum(len(batch.product_ids) for batch in batches)
        self.stdout.write(f"queued {products} products in {len(batches)} batches")

from decimal import Decimal

import factory

from catalog.models import Product


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    title = factory.Sequence(lambda n: f"Product {n}")
    category = "mug"
    brand = "Acme"
    price = Decimal("12.50")
    currency = "EUR"

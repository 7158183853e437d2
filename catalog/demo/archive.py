"""Write a demo catalogue as a ZIP: products.csv plus one JPEG per product."""

import csv
import io
import zipfile
from pathlib import Path

from catalog.demo.products import DemoProduct, demo_products_generate
from catalog.demo.render import demo_image_render

CSV_COLUMNS = ("sku", "title", "description", "category", "brand", "price", "currency",
               "image", "colour", "pattern")
# Fixed timestamp so the same seed always gives a byte-identical archive.
ZIP_DATE_TIME = (2024, 1, 1, 0, 0, 0)
# 128 px JPEG q85 is ~3.2 KB per product (10,000 products: 32 MB, ~90 s) and still
# twice the model's 64 px input.
IMAGE_SIZE = 128
JPEG_QUALITY = 85


def demo_image_path(*, product: DemoProduct) -> str:
    return f"images/{product.sku}.jpg"


def _zip_write(*, archive: zipfile.ZipFile, name: str, data: bytes, compress: bool) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def demo_catalog_csv(*, products: list[DemoProduct]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for product in products:
        writer.writerow((product.sku, product.title, product.description, product.category,
                         product.brand, product.price, product.currency,
                         demo_image_path(product=product), product.colour, product.pattern))
    return buffer.getvalue().encode("utf-8")


def demo_catalog_write_zip(*, path: Path | str, count: int, seed: int,
                           image_size: int = IMAGE_SIZE) -> list[DemoProduct]:
    """Write `count` products to `path`; returns the products written (same order as the CSV)."""
    products = demo_products_generate(count=count, seed=seed)
    with zipfile.ZipFile(path, "w") as archive:
        _zip_write(archive=archive, name="products.csv", data=demo_catalog_csv(products=products),
                   compress=True)
        for product in products:
            buffer = io.BytesIO()
            demo_image_render(attrs=product.attrs, seed=product.seed, size=image_size).save(
                buffer, format="JPEG", quality=JPEG_QUALITY)
            # JPEG is already compressed; deflating it again only costs time.
            _zip_write(archive=archive, name=demo_image_path(product=product),
                       data=buffer.getvalue(), compress=False)
    return products

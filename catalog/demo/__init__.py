"""Procedural demo world: product photos, catalogue rows and captions, deterministic by seed.

Pure Python + Pillow/numpy, importable without Django settings.
"""

from catalog.demo.archive import CSV_COLUMNS, demo_catalog_csv, demo_catalog_write_zip, demo_image_path
from catalog.demo.captions import CAPTION_FORMS, DemoCaption, demo_caption
from catalog.demo.products import DemoProduct, demo_products_generate
from catalog.demo.render import DemoAttrs, colour_secondary, demo_image_render
from catalog.demo.vocabulary import CATEGORIES, COLOURS, PATTERNS

__all__ = [
    "CATEGORIES", "COLOURS", "PATTERNS", "CAPTION_FORMS", "CSV_COLUMNS",
    "DemoAttrs", "DemoCaption", "DemoProduct",
    "colour_secondary", "demo_caption", "demo_catalog_csv", "demo_catalog_write_zip",
    "demo_image_path", "demo_image_render", "demo_products_generate",
]

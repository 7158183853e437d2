"""Generated catalogues for import tests and bench/import.py: images, manifests and ZIPs."""

import csv
import io
import json
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image


def image_bytes(*, seed: int, size: tuple[int, int] = (64, 48), image_format: str = "JPEG") -> bytes:
    """A distinct picture per seed (two blocks of seeded colours), encoded as `image_format`."""
    rng = np.random.default_rng(seed)
    width, height = size
    pixels = np.empty((height, width, 3), dtype=np.uint8)
    pixels[:] = rng.integers(0, 255, 3)
    pixels[height // 4 : 3 * height // 4, width // 4 : 3 * width // 4] = rng.integers(0, 255, 3)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, image_format, **({"quality": 90} if image_format == "JPEG" else {}))
    return buffer.getvalue()


def product_rows(*, count: int, start: int = 0) -> list[dict]:
    return [
        {
            "sku": f"SKU-{n:05d}",
            "title": f"Product {n}",
            "category": ["mug", "bag", "lamp"][n % 3],
            "brand": "Acme",
            "price": f"{10 + n}.50",
            "currency": "EUR",
            "image": f"images/{n:05d}.jpg",
            "colour": ["red", "green", "blue"][n % 3],
        }
        for n in range(start, start + count)
    ]


def manifest_csv(rows: list[dict]) -> bytes:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def manifest_jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


def catalogue_zip(
    path: Path,
    *,
    rows: list[dict],
    images: dict[str, bytes] | None = None,
    manifest: str = "products.csv",
    extra: dict[str, bytes] | None = None,
    image_size: tuple[int, int] = (64, 48),
) -> Path:
    """A ZIP with `manifest` and, unless given, a generated image for every row's image path."""
    if images is None:
        images = {row["image"]: image_bytes(seed=index, size=image_size) for index, row in enumerate(rows) if row.get("image")}
    body = manifest_csv(rows) if manifest.endswith(".csv") else manifest_jsonl(rows)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(manifest, body)
        for name, data in {**images, **(extra or {})}.items():
            archive.writestr(name, data)
    return path

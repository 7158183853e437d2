"""Deterministic product photos: silhouette + colour + pattern on a studio-like background."""

import math
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from catalog.demo.shapes import SHAPES, Primitive
from catalog.demo.vocabulary import CATEGORIES, COLOURS, PATTERNS

# Shapes are drawn at twice the output size and downsampled, which anti-aliases
# edges; 2x is enough at 64-128 px and keeps a 128 px render around 7 ms.
SUPERSAMPLE = 2

NEUTRALS: dict[str, tuple[int, int, int]] = {
    "dark": (40, 40, 44),
    "light": (236, 236, 232),
    "metal": (168, 170, 176),
}


@dataclass(frozen=True)
class DemoAttrs:
    category: str
    colour: str
    pattern: str

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES or self.colour not in COLOURS or self.pattern not in PATTERNS:
            raise ValueError(f"unknown demo attributes: {self}")


def colour_secondary(*, colour: str) -> tuple[int, int, int]:
    # The pattern's second colour is a shade of the first, so "red striped" still
    # reads as red and the colour label stays unambiguous.
    rgb = np.array(COLOURS[colour], dtype=np.float32)
    luminance = float(rgb @ np.array([0.299, 0.587, 0.114])) / 255.0
    shade = rgb * 0.55 if luminance > 0.3 else rgb + (255.0 - rgb) * 0.4
    return tuple(int(round(c)) for c in shade)


def _pattern_texture(*, pattern: str, colour: str, side: int, rng: random.Random) -> Image.Image:
    main = np.array(COLOURS[colour], dtype=np.uint8)
    second = np.array(colour_secondary(colour=colour), dtype=np.uint8)
    period = side / rng.uniform(4.5, 8.0)
    angle = math.radians(rng.choice((0, 45, 90, 135)) + rng.uniform(-8, 8))
    yy, xx = np.mgrid[0:side, 0:side].astype(np.float32)
    u = xx * math.cos(angle) + yy * math.sin(angle) + rng.uniform(0, period)
    v = -xx * math.sin(angle) + yy * math.cos(angle) + rng.uniform(0, period)
    if pattern == "solid":
        use_second = np.zeros((side, side), dtype=bool)
    elif pattern == "striped":
        use_second = (u % period) < 0.35 * period
    elif pattern == "dotted":
        du = (u % period) - period / 2
        dv = (v % period) - period / 2
        use_second = du * du + dv * dv < (0.24 * period) ** 2
    else:  # checked
        use_second = (np.floor(u / period) + np.floor(v / period)) % 2 == 1
    texture = np.where(use_second[..., None], second, main)
    return Image.fromarray(texture.astype(np.uint8), "RGB")


def _box_px(values: tuple[float, ...], side: int) -> list[float]:
    return [(c + 1.0) * 0.5 * (side - 1) for c in values]


def _primitive_draw(*, draw: ImageDraw.ImageDraw, primitive: Primitive, side: int, fill,
                    edge: int = 0, edge_fill=None) -> None:
    """Draw one primitive; `edge` > 0 also strokes its border (used for the outline mask)."""
    pts = _box_px(primitive.points[:4] if primitive.kind == "arc" else primitive.points, side)
    stroke = max(1, int(primitive.width * 0.5 * side)) + 2 * edge
    if primitive.kind == "polygon":
        draw.polygon(pts, fill=fill, outline=edge_fill, width=edge or 1)
    elif primitive.kind == "ellipse":
        draw.ellipse(pts, fill=fill, outline=edge_fill, width=edge or 1)
    elif primitive.kind == "rect":
        draw.rounded_rectangle(pts, radius=int(primitive.radius * 0.5 * side), fill=fill,
                               outline=edge_fill, width=edge or 1)
    elif primitive.kind == "line":
        draw.line(pts, fill=fill, width=stroke)
    elif primitive.kind == "arc":
        start, end = primitive.points[4:6]
        draw.arc(pts, start=start, end=end, fill=fill, width=stroke)
    else:
        raise ValueError(f"unknown primitive kind {primitive.kind}")


def _object_layer(*, attrs: DemoAttrs, side: int, rng: random.Random) -> Image.Image:
    primitives = SHAPES[attrs.category]
    body = Image.new("L", (side, side), 0)
    # A thin dark outline keeps white and pale products visible on pale backgrounds;
    # stroking the primitives is ~10x cheaper than dilating the mask.
    outline = Image.new("L", (side, side), 0)
    body_draw, outline_draw = ImageDraw.Draw(body), ImageDraw.Draw(outline)
    for primitive in primitives:
        if primitive.role in ("body", "cut"):
            fill = 255 if primitive.role == "body" else 0
            _primitive_draw(draw=body_draw, primitive=primitive, side=side, fill=fill)
            # Holes are not stroked: their border would draw lines across empty space.
            _primitive_draw(draw=outline_draw, primitive=primitive, side=side, fill=fill,
                            edge=SUPERSAMPLE if fill else 0, edge_fill=255 if fill else None)
    texture = _pattern_texture(pattern=attrs.pattern, colour=attrs.colour, side=side, rng=rng)
    layer = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    layer.paste((70, 70, 74, 255), (0, 0), outline)
    layer.paste(texture, (0, 0), body)
    detail_draw = ImageDraw.Draw(layer)
    for primitive in primitives:
        if primitive.role in NEUTRALS:
            _primitive_draw(draw=detail_draw, primitive=primitive, side=side,
                            fill=NEUTRALS[primitive.role] + (255,))
    return layer


def demo_image_render(*, attrs: DemoAttrs, seed: int, size: int = 128) -> Image.Image:
    """Render one RGB product photo; the same (attrs, seed, size) gives the same pixels."""
    rng = random.Random(f"render:{seed}")
    canvas = size * SUPERSAMPLE
    bg_value = rng.uniform(200, 248)
    tint = [rng.uniform(-12, 12) for _ in range(3)]
    bg_top = np.array([bg_value + t for t in tint] + [255.0], dtype=np.float32)
    bg_bottom = bg_top * np.array([rng.uniform(0.82, 1.0)] * 3 + [1.0], dtype=np.float32)
    ramp = np.linspace(0.0, 1.0, canvas, dtype=np.float32)[:, None, None]
    column = np.clip(bg_top + (bg_bottom - bg_top) * ramp, 0, 255).astype(np.uint8)
    image = Image.fromarray(np.ascontiguousarray(np.broadcast_to(column, (canvas, canvas, 4))), "RGBA")

    side = int(canvas * rng.uniform(0.5, 0.82))
    layer = _object_layer(attrs=attrs, side=side, rng=rng)
    if rng.random() < 0.5:
        layer = layer.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    # Bilinear is enough at 2x supersampling and half the cost of bicubic.
    layer = layer.rotate(rng.uniform(-20, 20), resample=Image.Resampling.BILINEAR, expand=True)
    # May be negative when the rotated object overflows the frame: it is then cropped.
    x = int((canvas - layer.width) * rng.uniform(0.15, 0.85))
    y = int((canvas - layer.height) * rng.uniform(0.15, 0.85))

    shadow = Image.new("RGBA", (canvas, canvas), (0, 0, 0, 0))
    ImageDraw.Draw(shadow).ellipse(
        (x + layer.width * 0.15, y + layer.height * 0.88, x + layer.width * 0.85, y + layer.height * 1.0),
        fill=(0, 0, 0, int(rng.uniform(20, 60))),
    )
    image = Image.alpha_composite(image, shadow)
    image.paste(layer, (x, y), layer)
    image = image.convert("RGB").resize((size, size), Image.Resampling.LANCZOS)

    # Lighting: a directional gain ramp; noise: sensor-like Gaussian grain.
    pixels = np.asarray(image, dtype=np.float32)
    direction = rng.uniform(0, 2 * math.pi)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size - 0.5
    gain = 1.0 + rng.uniform(0.0, 0.3) * (xx * math.cos(direction) + yy * math.sin(direction))
    gain *= rng.uniform(0.9, 1.08)
    noise_rng = np.random.default_rng(rng.getrandbits(63))
    pixels = pixels * gain[..., None] + noise_rng.normal(0.0, rng.uniform(0.0, 6.0), pixels.shape)
    return Image.fromarray(np.clip(pixels + 0.5, 0, 255).astype(np.uint8), "RGB")

"""Flat silhouettes of each category, as drawing primitives in a [-1, 1] box (y down).

Each primitive has a role: "body" is painted with the product colour and pattern,
"cut" removes body (holes such as a mug handle), "dark"/"light"/"metal" are neutral
details that make categories recognisable without changing the product colour.
"""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Primitive:
    kind: str  # "polygon", "ellipse", "rect", "line", "arc"
    points: tuple[float, ...]
    role: str
    width: float = 0.0  # stroke width for lines and arcs, in box units
    radius: float = 0.0  # corner radius for rects, in box units


def _poly(role: str, *xy: tuple[float, float]) -> Primitive:
    return Primitive("polygon", tuple(c for p in xy for c in p), role)


def _vase_profile() -> list[tuple[float, float]]:
    # A narrow neck flaring into a round belly, mirrored left/right.
    right = []
    for i in range(13):
        y = -0.9 + i * 1.8 / 12
        t = (y + 0.9) / 1.8
        half = 0.18 + 0.5 * math.sin(math.pi * min(1.0, t * 1.15)) ** 1.5 + (0.12 if t < 0.06 else 0.0)
        right.append((half, y))
    return right + [(-x, y) for x, y in reversed(right)]


SHAPES: dict[str, tuple[Primitive, ...]] = {
    "tshirt": (
        _poly("body", (-0.3, -0.82), (-0.12, -0.7), (0.12, -0.7), (0.3, -0.82), (0.9, -0.48),
              (0.7, -0.1), (0.46, -0.24), (0.46, 0.86), (-0.46, 0.86), (-0.46, -0.24),
              (-0.7, -0.1), (-0.9, -0.48)),
        Primitive("arc", (-0.3, -0.95, 0.3, -0.62, 20, 160), "dark", width=0.05),
    ),
    "mug": (
        Primitive("ellipse", (0.12, -0.42, 0.86, 0.42), "body"),
        Primitive("ellipse", (0.3, -0.24, 0.68, 0.24), "cut"),
        Primitive("rect", (-0.62, -0.62, 0.38, 0.74), "body", radius=0.12),
        Primitive("ellipse", (-0.62, -0.72, 0.38, -0.52), "dark"),
    ),
    "sneaker": (
        _poly("body", (-0.92, 0.32), (-0.88, -0.1), (-0.45, -0.2), (-0.2, -0.58), (0.22, -0.62),
              (0.36, -0.2), (0.86, -0.02), (0.98, 0.32)),
        Primitive("rect", (-0.98, 0.28, 1.0, 0.52), "light", radius=0.1),
        Primitive("line", (-0.12, -0.42, 0.0, -0.18), "light", width=0.05),
        Primitive("line", (-0.28, -0.32, -0.14, -0.1), "light", width=0.05),
        Primitive("line", (0.04, -0.5, 0.16, -0.26), "light", width=0.05),
    ),
    "handbag": (
        Primitive("arc", (-0.48, -0.85, 0.48, 0.3, 180, 360), "body", width=0.1),
        _poly("body", (-0.72, -0.2), (0.72, -0.2), (0.92, 0.82), (-0.92, 0.82)),
        Primitive("rect", (-0.1, -0.05, 0.1, 0.12), "metal"),
    ),
    "cap": (
        Primitive("ellipse", (-0.75, -0.7, 0.55, 0.62), "body"),
        Primitive("rect", (-0.8, -0.02, 0.6, 0.7), "cut"),
        _poly("body", (-0.78, -0.04), (0.98, 0.02), (0.96, 0.22), (-0.78, 0.16)),
        Primitive("ellipse", (-0.17, -0.78, -0.03, -0.64), "dark"),
        Primitive("line", (-0.1, -0.66, -0.1, -0.04), "dark", width=0.025),
    ),
    "lamp": (
        _poly("body", (-0.34, -0.86), (0.34, -0.86), (0.66, -0.16), (-0.66, -0.16)),
        Primitive("line", (0.0, -0.16, 0.0, 0.72), "metal", width=0.07),
        Primitive("ellipse", (-0.42, 0.64, 0.42, 0.88), "metal"),
    ),
    "chair": (
        Primitive("rect", (-0.46, -0.9, 0.46, -0.12), "body", radius=0.08),
        Primitive("rect", (-0.56, -0.04, 0.56, 0.16), "body", radius=0.05),
        Primitive("line", (-0.48, 0.14, -0.52, 0.9), "dark", width=0.07),
        Primitive("line", (0.48, 0.14, 0.52, 0.9), "dark", width=0.07),
        Primitive("line", (-0.26, 0.14, -0.24, 0.72), "dark", width=0.05),
        Primitive("line", (0.26, 0.14, 0.24, 0.72), "dark", width=0.05),
        Primitive("line", (-0.38, -0.14, -0.38, 0.0), "dark", width=0.05),
        Primitive("line", (0.38, -0.14, 0.38, 0.0), "dark", width=0.05),
    ),
    "bottle": (
        Primitive("rect", (-0.32, -0.3, 0.32, 0.9), "body", radius=0.12),
        _poly("body", (-0.32, -0.22), (-0.13, -0.5), (0.13, -0.5), (0.32, -0.22)),
        Primitive("rect", (-0.13, -0.72, 0.13, -0.45), "body"),
        Primitive("rect", (-0.16, -0.92, 0.16, -0.7), "dark", radius=0.03),
    ),
    "watch": (
        Primitive("rect", (-0.22, -0.98, 0.22, 0.98), "body", radius=0.1),
        Primitive("ellipse", (-0.46, -0.46, 0.46, 0.46), "metal"),
        Primitive("ellipse", (-0.37, -0.37, 0.37, 0.37), "light"),
        Primitive("line", (0.0, 0.0, 0.0, -0.28), "dark", width=0.04),
        Primitive("line", (0.0, 0.0, 0.2, 0.08), "dark", width=0.04),
        Primitive("rect", (0.44, -0.08, 0.54, 0.08), "metal"),
    ),
    "backpack": (
        Primitive("arc", (-0.22, -0.98, 0.22, -0.6, 180, 360), "dark", width=0.07),
        Primitive("rect", (-0.62, -0.78, 0.62, 0.9), "body", radius=0.35),
        Primitive("rect", (-0.42, 0.18, 0.42, 0.78), "dark", radius=0.15),
        Primitive("rect", (-0.38, 0.22, 0.38, 0.74), "body", radius=0.13),
        Primitive("line", (-0.3, 0.32, 0.3, 0.32), "dark", width=0.03),
    ),
    "vase": (
        Primitive("polygon", tuple(c for p in _vase_profile() for c in p), "body"),
        Primitive("ellipse", (-0.28, -0.96, 0.28, -0.84), "dark"),
    ),
    "sofa": (
        Primitive("rect", (-0.82, -0.5, 0.82, 0.12), "body", radius=0.12),
        Primitive("rect", (-0.86, 0.02, 0.86, 0.48), "body", radius=0.06),
        Primitive("rect", (-1.0, -0.22, -0.7, 0.5), "body", radius=0.12),
        Primitive("rect", (0.7, -0.22, 1.0, 0.5), "body", radius=0.12),
        Primitive("line", (0.0, -0.44, 0.0, 0.42), "dark", width=0.025),
        Primitive("line", (-0.68, 0.06, 0.68, 0.06), "dark", width=0.025),
        Primitive("rect", (-0.88, 0.48, -0.74, 0.66), "dark"),
        Primitive("rect", (0.74, 0.48, 0.88, 0.66), "dark"),
    ),
}

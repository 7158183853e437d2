"""Synthetic catalogue embeddings shared by the benchmarks.

Real CLIP embeddings of a catalogue cluster (families of products: category, colour, style)
and have a low intrinsic dimension. Two easy-to-make mistakes give misleading recall:
uniform vectors, and isotropic 512-d noise around a centre, which makes every member of a
family nearly equidistant from a query so that "the true top 10" is a coin toss among ties.
So: family centres and per-product variation live in a LATENT-dimensional space, projected
into 512 dimensions, plus a little ambient noise.
"""

import numpy as np

DIMENSIONS = 512
LATENT_DIMENSIONS = 64
FAMILIES = 1000
# Per-product spread around the family centre, relative to the distance between centres.
FAMILY_SPREAD = 0.5
AMBIENT_NOISE = 0.05

_PROJECTION = np.random.default_rng(10).normal(size=(LATENT_DIMENSIONS, DIMENSIONS)) / np.sqrt(LATENT_DIMENSIONS)
_CENTRES = np.random.default_rng(11).normal(size=(FAMILIES, LATENT_DIMENSIONS))


def clustered_vectors(*, count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` unit float32 rows drawn from the shared family structure."""
    families = rng.integers(0, FAMILIES, count)
    latent = _CENTRES[families] + FAMILY_SPREAD * rng.normal(size=(count, LATENT_DIMENSIONS))
    vectors = latent @ _PROJECTION + AMBIENT_NOISE * rng.normal(size=(count, DIMENSIONS))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)

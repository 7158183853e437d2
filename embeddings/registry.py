"""The one list of embedding models Lookalike knows.

Kept free of torch imports so settings can validate EMBEDDINGS_MODEL at start-up cheaply.
"""

from dataclasses import dataclass
from pathlib import Path

EMBEDDING_DIMENSIONS = 512
MODEL_CONFIG_DIR = Path(__file__).resolve().parent / "model_configs"
FIXTURE_MODEL_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "models"
RANDOM_WEIGHTS = "random"


@dataclass(frozen=True)
class ModelSpec:
    name: str
    # open_clip architecture: a built-in name, or a JSON config in MODEL_CONFIG_DIR.
    architecture: str
    # A pretrained tag, a local file or folder, or RANDOM_WEIGHTS (seeded, for tests).
    default_weights: str
    random_seed: int = 0


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(name="ViT-B-32", architecture="ViT-B-32", default_weights="laion2b_s34b_b79k"),
        ModelSpec(name="lookalike-tiny", architecture="lookalike-tiny", default_weights=RANDOM_WEIGHTS),
        ModelSpec(
            name="lookalike-demo",
            architecture="lookalike-demo",
            default_weights=str(FIXTURE_MODEL_DIR / "lookalike-demo.safetensors"),
        ),
    )
}


class UnknownModelError(ValueError):
    pass


def model_spec_get(*, name: str) -> ModelSpec:
    try:
        return MODELS[name]
    except KeyError:
        raise UnknownModelError(f"unknown embedding model {name!r}; known models: {', '.join(sorted(MODELS))}") from None

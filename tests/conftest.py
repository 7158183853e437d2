from pathlib import Path

import pytest

from embeddings.encoder import ClipEncoder
from embeddings.registry import model_spec_get

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(scope="session")
def tiny_encoder() -> ClipEncoder:
    encoder = ClipEncoder(spec=model_spec_get(name="lookalike-tiny"))
    encoder.load()
    return encoder


@pytest.fixture
def fixture_bytes():
    def read(relative: str) -> bytes:
        return (FIXTURES / relative).read_bytes()

    return read

import numpy as np
import pytest
from PIL import Image

from embeddings.encoder import ClipEncoder, EncoderLoadError
from embeddings.registry import EMBEDDING_DIMENSIONS, UnknownModelError, model_spec_get

TEXTS = ["a red mug", "blue striped sneaker with white laces and a thick sole", "lamp"]


def _images() -> list[Image.Image]:
    return [
        Image.new("RGB", (50, 40), (255, 0, 0)),
        Image.new("RGB", (80, 80), (0, 0, 255)),
        Image.new("RGB", (33, 90), (20, 200, 20)),
    ]


def test_encode_texts_returns_unit_float32_rows(tiny_encoder):
    vectors = tiny_encoder.encode_texts(TEXTS)

    assert vectors.shape == (3, EMBEDDING_DIMENSIONS)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_encode_images_returns_unit_float32_rows(tiny_encoder):
    vectors = tiny_encoder.encode_images(_images())

    assert vectors.shape == (3, EMBEDDING_DIMENSIONS)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_empty_inputs_give_empty_arrays(tiny_encoder):
    assert tiny_encoder.encode_texts([]).shape == (0, EMBEDDING_DIMENSIONS)
    assert tiny_encoder.encode_images([]).shape == (0, EMBEDDING_DIMENSIONS)


def test_a_second_encoder_instance_gives_identical_vectors(tiny_encoder):
    other = ClipEncoder(spec=model_spec_get(name="lookalike-tiny"))

    np.testing.assert_array_equal(other.encode_texts(TEXTS), tiny_encoder.encode_texts(TEXTS))
    np.testing.assert_array_equal(other.encode_images(_images()), tiny_encoder.encode_images(_images()))
    assert other.model_id == tiny_encoder.model_id


def test_batch_results_equal_single_results(tiny_encoder):
    texts_batched = tiny_encoder.encode_texts(TEXTS)
    texts_single = np.concatenate([tiny_encoder.encode_texts([text]) for text in TEXTS])
    images_batched = tiny_encoder.encode_images(_images())
    images_single = np.concatenate([tiny_encoder.encode_images([image]) for image in _images()])

    np.testing.assert_allclose(texts_batched, texts_single, atol=1e-5)
    np.testing.assert_allclose(images_batched, images_single, atol=1e-5)


def test_trimmed_text_encoding_equals_padded_encoding(tiny_encoder):
    trimmed = tiny_encoder.encode_texts(TEXTS, trim=True)
    padded = tiny_encoder.encode_texts(TEXTS, trim=False)

    np.testing.assert_allclose(trimmed, padded, atol=1e-5)
    np.testing.assert_allclose(np.sum(trimmed * padded, axis=1), 1.0, atol=1e-6)


def test_different_texts_give_different_vectors(tiny_encoder):
    vectors = tiny_encoder.encode_texts(["a red mug", "a blue sofa"])

    assert float(vectors[0] @ vectors[1]) < 0.999


def test_weights_from_a_local_file_give_the_same_vectors(tiny_encoder, tmp_path):
    from safetensors.torch import save_file

    weights = tmp_path / "tiny.safetensors"
    save_file({name: tensor.contiguous() for name, tensor in tiny_encoder._model.state_dict().items()}, weights)
    from_file = ClipEncoder(spec=model_spec_get(name="lookalike-tiny"), weights=str(weights))

    np.testing.assert_allclose(from_file.encode_texts(TEXTS), tiny_encoder.encode_texts(TEXTS), atol=1e-6)
    np.testing.assert_allclose(from_file.encode_images(_images()), tiny_encoder.encode_images(_images()), atol=1e-6)
    assert from_file.model_id.startswith("lookalike-tiny:file-")
    assert from_file.model_id != tiny_encoder.model_id


def test_model_id_names_architecture_weights_and_preprocessing(tiny_encoder):
    name, weights, preprocess, precision = tiny_encoder.model_id.split(":")

    assert (name, weights, precision) == ("lookalike-tiny", "random-seed0", "fp32")
    assert len(preprocess) == 8


def test_missing_weights_file_fails_with_a_clear_error(tmp_path):
    encoder = ClipEncoder(spec=model_spec_get(name="lookalike-tiny"), weights=str(tmp_path / "missing.safetensors"))

    with pytest.raises(EncoderLoadError, match="could not load embedding model 'lookalike-tiny'"):
        encoder.load()


def test_empty_weights_folder_fails_with_a_clear_error(tmp_path):
    encoder = ClipEncoder(spec=model_spec_get(name="lookalike-tiny"), weights=str(tmp_path))

    with pytest.raises(EncoderLoadError, match="holds no"):
        encoder.model_id


def test_unknown_model_name_fails_with_the_known_names():
    with pytest.raises(UnknownModelError, match="known models: .*lookalike-tiny"):
        model_spec_get(name="ViT-Z-99")


def test_text_token_count_counts_tokens_without_markers(tiny_encoder):
    assert tiny_encoder.text_token_count("a red mug") == 3
    assert tiny_encoder.context_length == 77

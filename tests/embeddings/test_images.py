import pytest

from embeddings.images import ImageRejected, image_load

LIMITS = {"max_pixels": 40_000_000, "max_bytes": 1_000_000}


@pytest.mark.parametrize(
    ("name", "size", "pixel"),
    [
        ("photo.jpg", (40, 20), None),
        ("one_pixel.png", (1, 1), (0, 255, 0)),
        # Orientation 6: stored 40x20, shown upright as 20x40.
        ("exif_rotated.jpg", (20, 40), None),
        # CMYK (0, 255, 255, 0) is pure red once converted.
        ("cmyk.jpg", (16, 16), (255, 0, 0)),
        # 16-bit white stays white instead of clipping to a random byte.
        ("sixteen_bit.png", (16, 16), (255, 255, 255)),
        # Transparent palette entry composites onto white; the opaque half stays red.
        ("palette_transparent.png", (16, 16), (255, 255, 255)),
        # An animated GIF is searched by its first (blue) frame.
        ("animated.gif", (16, 16), (0, 0, 255)),
    ],
)
def test_image_load_accepts_odd_images(fixture_bytes, name, size, pixel):
    image = image_load(data=fixture_bytes(f"images/{name}"), **LIMITS)

    assert image.mode == "RGB"
    assert image.size == size
    if pixel is not None:
        assert _close(image.getpixel((0, 0)), pixel)


def test_image_load_keeps_opaque_palette_pixels(fixture_bytes):
    image = image_load(data=fixture_bytes("images/palette_transparent.png"), **LIMITS)

    assert image.getpixel((12, 8)) == (255, 0, 0)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("empty.jpg", "empty"),
        ("text.jpg", "not_an_image"),
        ("truncated.jpg", "corrupt"),
        ("header_bomb.png", "too_many_pixels"),
    ],
)
def test_image_load_rejects_bad_files(fixture_bytes, name, code):
    with pytest.raises(ImageRejected) as rejected:
        image_load(data=fixture_bytes(f"images/{name}"), **LIMITS)

    assert rejected.value.code == code
    assert rejected.value.message


def test_image_load_rejects_files_over_the_byte_limit(fixture_bytes):
    with pytest.raises(ImageRejected) as rejected:
        image_load(data=fixture_bytes("images/photo.jpg"), max_pixels=40_000_000, max_bytes=100)

    assert rejected.value.code == "too_many_bytes"
    assert "limit is" in rejected.value.message


def test_image_load_names_the_pixel_limit(fixture_bytes):
    with pytest.raises(ImageRejected) as rejected:
        image_load(data=fixture_bytes("images/header_bomb.png"), **LIMITS)

    assert "limit is 40 megapixels" in rejected.value.message


def test_image_load_names_the_size_of_an_image_over_a_low_limit(fixture_bytes):
    with pytest.raises(ImageRejected) as rejected:
        image_load(data=fixture_bytes("images/photo.jpg"), max_pixels=100, max_bytes=1_000_000)

    assert rejected.value.message.startswith("The image is 40x20 pixels.")


def _close(actual, expected, tolerance=8):
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))

"""The one place untrusted image bytes become a model-ready RGB picture.

Uploads and catalogue files arrive as anything: empty, renamed text, truncated, a 1 KB
header claiming 400 megapixels. Each of those becomes an ImageRejected with a message a
shopper or a member of staff can act on; nothing here decodes pixels before the size
has been checked.
"""

import io

from PIL import Image, ImageOps, UnidentifiedImageError

_WHITE = (255, 255, 255)


class ImageRejected(ValueError):
    def __init__(self, *, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def image_load(*, data: bytes, max_pixels: int, max_bytes: int) -> Image.Image:
    """Decode, orient and flatten an image to RGB, or raise ImageRejected."""
    if not data:
        raise ImageRejected(code="empty", message="The file is empty.")
    if len(data) > max_bytes:
        raise ImageRejected(
            code="too_many_bytes",
            message=f"The file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB.",
        )
    too_many_pixels = f"The image has too many pixels; the limit is {max_pixels / 1e6:.0f} megapixels."
    # No warnings.catch_warnings() here: it swaps process-wide filters and this runs on many
    # threads. Our pixel limit sits below Pillow's bomb warning; its hard error is caught.
    try:
        image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise ImageRejected(code="not_an_image", message="The file is not an image Lookalike can read (JPEG, PNG, GIF, WebP, BMP, TIFF).") from None
    except Image.DecompressionBombError:
        raise ImageRejected(code="too_many_pixels", message=too_many_pixels) from None
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageRejected(code="corrupt", message=f"The image is truncated or corrupt ({error}).") from None
    width, height = image.size
    if width * height > max_pixels:
        raise ImageRejected(code="too_many_pixels", message=f"The image is {width}x{height} pixels. {too_many_pixels}")
    try:
        # Animated images are searched by their first frame.
        image.seek(0)
        image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ImageRejected(code="corrupt", message=f"The image is truncated or corrupt ({error}).") from None
    return _image_to_rgb(ImageOps.exif_transpose(image))


def _image_to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale: Pillow's direct conversion clips at 255, so scale into 8 bits first.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, _WHITE)
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image

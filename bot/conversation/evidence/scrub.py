"""Removing EXIF (GPS, camera, time) and other metadata from images before the desk sees them.

The pixels are re-saved in the same format without any metadata: EXIF, XMP, ICC-independent
text chunks, comments. The orientation EXIF carried is applied to the pixels first
(`ImageOps.exif_transpose`), so a photo does not end up sideways.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

Image.MAX_IMAGE_PIXELS = 80_000_000  # a 10 MB file has no business being bigger than this


class UnreadableImage(Exception):
    pass


def strip_metadata(data: bytes, image_format: str) -> bytes:
    """The image without its metadata; raises UnreadableImage when Pillow cannot read it."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            frames = getattr(image, "n_frames", 1)
            if frames > 1 and image_format in ("GIF", "WEBP", "TIFF"):
                return _animated(image, image_format)
            image.load()
            upright = ImageOps.exif_transpose(image)
            # Pixels only: a new image has no info, no EXIF, no XMP, no comments.
            clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
            if upright.mode == "P" and upright.getpalette():
                clean.putpalette(upright.getpalette() or [])
            out = io.BytesIO()
            save_format = image_format if image_format != "JPEG" or clean.mode != "RGBA" else "PNG"
            kwargs = {"quality": 95} if save_format == "JPEG" else {}
            clean.save(out, format=save_format, **kwargs)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise UnreadableImage(type(exc).__name__) from exc


def _animated(image: Image.Image, image_format: str) -> bytes:
    frames = []
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        frame = image.copy()
        frame.info = {}
        frames.append(frame)
    out = io.BytesIO()
    frames[0].save(out, format=image_format, save_all=True, append_images=frames[1:])
    return out.getvalue()

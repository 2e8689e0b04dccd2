"""Logo and signature images: read once, scaled to print resolution, compressed once, reused.

reportlab decodes, hashes and deflates an image again for every document; for a cohort of 500
certificates with a logo and a signature that is most of the rendering time. Here an image is
prepared once per process (keyed by its bytes and the box it is printed in) and each document
copies the ready-made stream.
"""

from __future__ import annotations

import hashlib
import io
import threading
import warnings
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from isdc.certificates.content import Content
from isdc.certificates.pdfobjects import PdfObjects, stream_body

PRINT_DPI = 300
MAX_SOURCE_PIXELS = 40_000_000  # refuse absurd images before decoding them
_CACHE_SIZE = 32

ImageSource = bytes | str | Path


class ImageProblem(ValueError):
    """An image given for a certificate cannot be used; the message names which one and why."""


@dataclass(frozen=True)
class PreparedImage:
    """An image ready to be placed into any PDF: compressed pixels and optional alpha mask."""

    digest: str
    width: int
    height: int
    colour_space: str  # DeviceRGB or DeviceGray
    filter_name: str  # FlateDecode or DCTDecode
    data: bytes
    alpha: bytes | None  # deflated 8-bit soft mask, None when fully opaque

    @property
    def aspect(self) -> float:
        return self.width / self.height


_cache: OrderedDict[tuple[str, int, int], PreparedImage] = OrderedDict()
_cache_lock = threading.Lock()


def read_source(label: str, source: ImageSource) -> bytes:
    """The bytes of an image given as bytes or as a file path."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise ImageProblem(
            f"the {label} image {str(source)!r} cannot be read: {exc.strerror}"
        ) from exc


def prepare(
    label: str, source: ImageSource, box_width_pt: float, box_height_pt: float
) -> PreparedImage:
    """The image scaled to at most PRINT_DPI in a box of the given size (points), cached."""
    raw = read_source(label, source)
    max_w = max(1, round(box_width_pt / 72 * PRINT_DPI))
    max_h = max(1, round(box_height_pt / 72 * PRINT_DPI))
    key = (hashlib.sha256(raw).hexdigest(), max_w, max_h)
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    prepared = _prepare_bytes(label, raw, key[0], max_w, max_h)
    with _cache_lock:
        _cache[key] = prepared
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return prepared


def _open(label: str, raw: bytes) -> Image.Image:
    if not raw:
        raise ImageProblem(f"the {label} image is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
            if image.width * image.height > MAX_SOURCE_PIXELS:
                raise ImageProblem(
                    f"the {label} image is {image.width}x{image.height} pixels; "
                    f"use one under {MAX_SOURCE_PIXELS // 1_000_000} megapixels"
                )
            image.load()
    except ImageProblem:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageProblem(
            f"the {label} image is not a readable PNG or JPEG image ({exc})"
        ) from exc
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ImageProblem(f"the {label} image is too large to use ({exc})") from exc
    return image


def _prepare_bytes(label: str, raw: bytes, digest: str, max_w: int, max_h: int) -> PreparedImage:
    image = _open(label, raw)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    grey = image.mode in ("1", "L", "LA", "I", "I;16", "F")
    image = image.convert("RGBA" if has_alpha else ("L" if grey else "RGB"))
    if image.width > max_w or image.height > max_h:
        image.thumbnail((max_w, max_h), Image.Resampling.LANCZOS)

    alpha: bytes | None = None
    if has_alpha:
        mask = image.getchannel("A")
        lo, hi = mask.getextrema()
        if lo < 255:
            alpha = zlib.compress(mask.tobytes(), 9)
        image = image.convert("RGB")

    flate = zlib.compress(image.tobytes(), 9)
    data, filter_name = flate, "FlateDecode"
    # Photographs and scanned signatures deflate badly; JPEG at high quality is then much
    # smaller and looks the same in print. Line-art logos stay lossless.
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90, optimize=True)
    if buffer.tell() < 0.6 * len(flate):
        data, filter_name = buffer.getvalue(), "DCTDecode"
    return PreparedImage(
        digest=f"{digest[:32]}{image.width}x{image.height}",
        width=image.width,
        height=image.height,
        colour_space="DeviceGray" if image.mode == "L" else "DeviceRGB",
        filter_name=filter_name,
        data=data,
        alpha=alpha,
    )


def xobject_bodies(prepared: PreparedImage) -> tuple[bytes, bytes | None]:
    """The image XObject body (with ``{SMASK}`` for the mask's number) and the mask's body."""
    colour = stream_body(
        f"/Type /XObject /Subtype /Image /Width {prepared.width} /Height {prepared.height} "
        f"/ColorSpace /{prepared.colour_space} /BitsPerComponent 8 /Filter /{prepared.filter_name}"
        + (" /SMask {SMASK} 0 R" if prepared.alpha is not None else ""),
        prepared.data,
    )
    if prepared.alpha is None:
        return colour, None
    mask = stream_body(
        f"/Type /XObject /Subtype /Image /Width {prepared.width} /Height {prepared.height} "
        "/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
        prepared.alpha,
    )
    return colour, mask


def add_image(pdf: PdfObjects, prepared: PreparedImage) -> int:
    """Write the image (and its soft mask) into ``pdf``; returns the image's object number."""
    colour, mask = xobject_bodies(prepared)
    if mask is None:
        return pdf.add(colour)
    mask_ref = pdf.add(mask)
    return pdf.add(colour.replace(b"{SMASK}", b"%d" % mask_ref, 1))


def place_image(
    content: Content,
    resource: str,
    prepared: PreparedImage,
    x: float,
    y: float,
    width: float,
    height: float,
) -> None:
    """Draw the image in the box (x, y, width, height), keeping its aspect ratio, centred."""
    scale = min(width / prepared.width, height / prepared.height)
    draw_w, draw_h = prepared.width * scale, prepared.height * scale
    content.save()
    content.transform(draw_w, 0, 0, draw_h, x + (width - draw_w) / 2, y + (height - draw_h) / 2)
    content.draw_xobject(resource)
    content.restore()

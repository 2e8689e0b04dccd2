"""Logo and signature images: every common kind is accepted, decoded back intact, and bad
files are refused with a message naming the image."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from isdc.certificates import CertificateDataError, images, render_certificate

from .helpers import make_data, png_bytes


def _page_images(pdf: bytes) -> list[Image.Image]:
    return [img.image for img in PdfReader(io.BytesIO(pdf)).pages[0].images]


def _line_art() -> Image.Image:
    """Opaque flat-colour art smaller than its print box: kept lossless and unscaled."""
    image = Image.new("RGB", (120, 120), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 110, 60), fill=(31, 47, 86))
    draw.ellipse((30, 50, 90, 110), fill=(176, 141, 60))
    draw.line((0, 119, 119, 0), fill=(200, 30, 30), width=3)
    return image


def _encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def test_lossless_art_is_decoded_back_pixel_for_pixel():
    art = _line_art()
    (decoded,) = _page_images(render_certificate(make_data(logo_image=png_bytes(art))))
    assert decoded.size == art.size
    assert np.array_equal(np.asarray(decoded.convert("RGB")), np.asarray(art))


@pytest.mark.parametrize(
    "kind",
    ["png-rgba", "png-grey", "png-palette-transparent", "jpeg-rgb", "jpeg-grey", "gif"],
)
def test_common_image_kinds_are_accepted(kind):
    art = _line_art()
    source = {
        "png-rgba": lambda: png_bytes(art.convert("RGBA")),
        "png-grey": lambda: png_bytes(art.convert("L")),
        "png-palette-transparent": lambda: _encoded(art.convert("P"), "PNG", transparency=0),
        "jpeg-rgb": lambda: _encoded(art, "JPEG", quality=92),
        "jpeg-grey": lambda: _encoded(art.convert("L"), "JPEG"),
        "gif": lambda: _encoded(art.convert("P"), "GIF"),
    }[kind]()
    pdf = render_certificate(make_data(logo_image=source, signature_image=source))
    assert len(_page_images(pdf)) == 2


def test_a_transparent_signature_keeps_its_ink_colour(signature_png):
    pdf = render_certificate(make_data(signature_image=signature_png))
    (signature,) = _page_images(pdf)
    pixels = np.asarray(signature.convert("RGBA")).reshape(-1, 4)
    ink = pixels[pixels[:, 3] > 200][:, :3].mean(axis=0)
    assert np.allclose(ink, (10, 20, 80), atol=12)  # the pen's navy, not black rims


def test_an_opaque_image_has_no_soft_mask():
    pdf = render_certificate(make_data(logo_image=png_bytes(_line_art())))
    assert b"/SMask" not in pdf


def test_an_image_is_prepared_once_and_reused(logo_png):
    first = images.prepare("logo", logo_png, 180, 58)
    assert images.prepare("logo", bytes(logo_png), 180, 58) is first
    assert first.height <= round(58 / 72 * images.PRINT_DPI)


@pytest.mark.parametrize(
    ("source", "words"),
    [
        (b"", "logo image is empty"),
        (b"GIF89a broken", "not a readable PNG or JPEG"),
        (png_bytes(Image.new("RGB", (10, 10)))[:40], "not a readable PNG or JPEG"),
    ],
)
def test_unreadable_images_are_refused(source, words):
    with pytest.raises(CertificateDataError, match=words):
        render_certificate(make_data(logo_image=source))


def test_absurdly_large_images_are_refused_before_decoding(monkeypatch):
    monkeypatch.setattr(images, "MAX_SOURCE_PIXELS", 100 * 100)
    with pytest.raises(CertificateDataError, match="101x100 pixels"):
        render_certificate(make_data(signature_image=png_bytes(Image.new("RGB", (101, 100)))))

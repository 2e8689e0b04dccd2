"""Certificate settings of a site: signatory, place, public address, logo and signature.

Images are checked whole before anything is written (a real PNG, JPEG or GIF that the PDF
maker accepts, not too large), stored under a content-derived name in ``instance/branding/``
through a temporary file and a rename, and only then named on the site, in one transaction.
Old files stay: certificates already issued never read them again (their PDFs are stored).
"""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date
from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext
from flask_login import current_user
from PIL import Image, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

from isdc.certificates import (
    CertificateData,
    CertificateDataError,
    ImageProblem,
    format_serial,
    new_code,
    render_certificate,
    unprintable_characters,
    valid_until,
    verification_url,
    write_atomically,
)
from isdc.certificates import images as certificate_images
from isdc.extensions import db
from isdc.models import Role
from isdc.models.base import local_today
from isdc.web.access import roles_required
from isdc.web.certificates import bp
from isdc.web.certificates.common import public_base_url
from isdc.web.certificates.forms import SettingsForm

MAX_IMAGE_BYTES = 5 * 1024 * 1024
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif"}
BRANDING = "branding"
# The boxes the images are printed in (points), as in isdc.certificates.pdf.
IMAGE_BOXES = {"logo": (180.0, 58.0), "signature": (170.0, 50.0)}
SAMPLE_COURSE_CODE = "CONTOH"


class UploadProblem(ValueError):
    """An uploaded image cannot be used; the message is for the reader (translated)."""


def checked_image(kind: str, upload: FileStorage) -> tuple[bytes, str]:
    """The bytes and file extension of an uploaded logo or signature, or UploadProblem."""
    raw = upload.read(MAX_IMAGE_BYTES + 1)
    if not raw:
        raise UploadProblem(gettext("The file is empty."))
    if len(raw) > MAX_IMAGE_BYTES:
        raise UploadProblem(gettext("The image is larger than 5 MB; use a smaller one."))
    try:
        with Image.open(io.BytesIO(raw)) as image:
            found = image.format
    except (UnidentifiedImageError, OSError, ValueError):
        raise UploadProblem(
            gettext("The file is not an image: upload a PNG, JPEG or GIF file.")
        ) from None
    except Image.DecompressionBombError:
        raise UploadProblem(gettext("The image has too many pixels; use a smaller one.")) from None
    if found not in IMAGE_FORMATS:
        raise UploadProblem(
            gettext(
                "%(format)s images are not accepted: upload a PNG, JPEG or GIF file.", format=found
            )
        )
    try:
        certificate_images.prepare(kind, raw, *IMAGE_BOXES[kind])
    except ImageProblem as exc:
        raise UploadProblem(
            gettext("The image cannot be used: %(problem)s", problem=str(exc))
        ) from None
    return raw, IMAGE_FORMATS[found]


def _text_problem(value: str) -> str | None:
    missing = unprintable_characters(value)
    if missing:
        return gettext(
            "These characters cannot be printed on a certificate: %(characters)s",
            characters=" ".join(missing),
        )
    return None


def _url_problem(value: str) -> str | None:
    if value and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
        return gettext("Enter an address starting with https:// (or http://), without spaces.")
    return None


@bp.route("/settings", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def settings() -> Any:
    site = current_user.site
    form = SettingsForm()
    if not form.is_submitted():
        form.signatory_name.data = site.certificate_signatory_name
        form.signatory_title.data = site.certificate_signatory_title
        form.signatory_title_en.data = site.certificate_signatory_title_en
        form.place.data = site.certificate_place
        form.public_base_url.data = site.public_base_url
        return _render(form, site)

    valid = form.validate()
    for field, check in (
        (form.signatory_name, _text_problem),
        (form.signatory_title, _text_problem),
        (form.signatory_title_en, _text_problem),
        (form.place, _text_problem),
        (form.public_base_url, _url_problem),
    ):
        problem = check(field.data or "")
        if problem:
            field.errors = [*field.errors, problem]
            valid = False
    images: dict[str, tuple[bytes, str]] = {}
    for kind, field in (("logo", form.logo), ("signature", form.signature)):
        upload = field.data
        if isinstance(upload, FileStorage) and upload.filename:
            try:
                images[kind] = checked_image(kind, upload)
            except UploadProblem as problem:
                field.errors = [*field.errors, str(problem)]
                valid = False
    if not valid:
        return _render(form, site, 400)

    written: list[Path] = []
    try:
        paths = {
            kind: _store_image(site.code, kind, raw, ext, written)
            for kind, (raw, ext) in images.items()
        }
        site.certificate_signatory_name = form.signatory_name.data
        site.certificate_signatory_title = form.signatory_title.data
        site.certificate_signatory_title_en = form.signatory_title_en.data or None
        site.certificate_place = form.place.data or None
        site.public_base_url = (form.public_base_url.data or "").rstrip("/") or None
        if "logo" in paths:
            site.logo_path = paths["logo"]
        elif form.remove_logo.data:
            site.logo_path = None
        if "signature" in paths:
            site.signature_path = paths["signature"]
        elif form.remove_signature.data:
            site.signature_path = None
        db.session.commit()  # the site change is audited by the session hook
    except BaseException:
        db.session.rollback()
        for path in written:
            path.unlink(missing_ok=True)
        raise
    flash(
        gettext("Certificate settings saved. Certificates issued from now on use them."), "success"
    )
    return redirect(url_for(".settings"), 303)


def _store_image(site_code: str, kind: str, raw: bytes, ext: str, written: list[Path]) -> str:
    """Write the image under a name made from its content; returns the path relative to the
    instance folder. A file that exists already (the same image again) is left alone."""
    relative = f"{BRANDING}/{site_code.lower()}-{kind}-{hashlib.sha256(raw).hexdigest()[:16]}.{ext}"
    target = Path(current_app.instance_path) / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, raw)
        written.append(target)
    return relative


def _render(form: SettingsForm, site: Any, status: int = 200) -> Any:
    return (
        render_template(
            "certificates/settings.html",
            form=form,
            site=site,
            default_base_url=current_app.config["PUBLIC_BASE_URL"],
        ),
        status,
    )


@bp.route("/settings/logo")
@roles_required(Role.ADMIN)
def logo_image() -> Any:
    """The site's current logo, for the settings page."""
    return _branding_image("logo")


@bp.route("/settings/signature")
@roles_required(Role.ADMIN)
def signature_image() -> Any:
    """The site's current signature, for the settings page."""
    return _branding_image("signature")


def _branding_image(kind: str) -> Any:
    site = current_user.site
    relative = site.logo_path if kind == "logo" else site.signature_path
    if not relative:
        abort(404)
    path = Path(current_app.instance_path) / relative
    if not path.is_file():
        abort(404)
    mimetype = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif"}.get(
        path.suffix[1:], "application/octet-stream"
    )
    response = send_file(io.BytesIO(path.read_bytes()), mimetype=mimetype)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/settings/sample.pdf")
@roles_required(Role.ADMIN)
def sample() -> Any:
    """A sample certificate with the site's current settings, marked as a sample (not stored,
    not numbered, its code verifies nowhere)."""
    site = current_user.site
    today = local_today(site.tzinfo)
    code = new_code()
    instance = Path(current_app.instance_path)
    try:
        data = CertificateData(
            holder_name="Nama Peserta Contoh",
            birth_date=date(1990, 1, 1),
            course_title_id="CONTOH - TIDAK BERLAKU",
            course_title_en="SAMPLE - NOT VALID",
            course_code=SAMPLE_COURSE_CODE,
            session_start=today,
            session_end=today,
            hours=8,
            issued=today,
            valid_until=valid_until(today, 36),
            serial=format_serial(today.year, SAMPLE_COURSE_CODE, 1),
            verification_code=code,
            verification_url=verification_url(public_base_url(site), code),
            signatory_name=site.certificate_signatory_name or "-",
            signatory_title=site.certificate_signatory_title or "-",
            signatory_title_en=site.certificate_signatory_title_en or "",
            centre_name=site.name,
            centre_address=site.address or "",
            place_of_issue=site.certificate_place or "",
            results=("Contoh tampilan, tidak berlaku / Sample layout, not valid",),
            logo_image=(instance / site.logo_path) if site.logo_path else None,
            signature_image=(instance / site.signature_path) if site.signature_path else None,
        )
        pdf = render_certificate(data)
    except (CertificateDataError, ImageProblem) as exc:
        flash(gettext("The sample cannot be made: %(problem)s", problem=str(exc)), "danger")
        return redirect(url_for(".settings"), 303)
    response = send_file(
        io.BytesIO(pdf), mimetype="application/pdf", download_name="contoh-sertifikat.pdf"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response

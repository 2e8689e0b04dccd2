"""Certificates: immutable bilingual PDFs, their verification codes, serials and batch printing.

The public API for the web layer (see docs/certificates.md):

* codes: :func:`new_code`, :func:`normalise`, :func:`is_well_formed`, :func:`verification_url`,
  :class:`MalformedCode`;
* validity: :func:`valid_until` (from the course's months), :func:`certificate_status`;
* serials: :func:`format_serial`, :func:`parse_serial`, :func:`validate_course_code`,
  :class:`Serial`, :class:`SerialError`;
* the PDF: :class:`CertificateData`, :func:`render_certificate`, :class:`CertificateDataError`,
  :func:`unprintable_characters`;
* batches: :class:`StoredCertificate`, :func:`batch_pdf`, :func:`batch_zip`,
  :func:`write_batch_pdf`, :func:`write_batch_zip`, :func:`unique_file_names`,
  :func:`safe_file_name`, :func:`write_atomically`, :class:`BatchError`.
"""

from isdc.certificates.batch import (
    BatchError,
    StoredCertificate,
    batch_pdf,
    batch_zip,
    safe_file_name,
    unique_file_names,
    write_atomically,
    write_batch_pdf,
    write_batch_zip,
)
from isdc.certificates.codes import (
    MalformedCode,
    is_well_formed,
    new_code,
    normalise,
    verification_url,
)
from isdc.certificates.dates import certificate_status, format_date, format_date_range, valid_until
from isdc.certificates.fonts import UnprintableText, unprintable_characters
from isdc.certificates.images import ImageProblem
from isdc.certificates.pdf import CertificateData, CertificateDataError, render_certificate
from isdc.certificates.serials import (
    Serial,
    SerialError,
    format_serial,
    parse_serial,
    validate_course_code,
)

__all__ = [
    "BatchError",
    "CertificateData",
    "CertificateDataError",
    "ImageProblem",
    "MalformedCode",
    "Serial",
    "SerialError",
    "StoredCertificate",
    "UnprintableText",
    "batch_pdf",
    "batch_zip",
    "certificate_status",
    "format_date",
    "format_date_range",
    "format_serial",
    "is_well_formed",
    "new_code",
    "normalise",
    "parse_serial",
    "render_certificate",
    "safe_file_name",
    "unique_file_names",
    "unprintable_characters",
    "valid_until",
    "validate_course_code",
    "verification_url",
    "write_atomically",
    "write_batch_pdf",
    "write_batch_zip",
]

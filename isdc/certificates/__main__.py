"""``python -m isdc.certificates``: render a sample certificate (to check a site's logo and
signature before issuing) or check a verification code as a person typed it."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from isdc.certificates import (
    BatchError,
    CertificateData,
    CertificateDataError,
    MalformedCode,
    format_serial,
    new_code,
    normalise,
    render_certificate,
    verification_url,
    write_atomically,
)


def sample_data(args: argparse.Namespace) -> CertificateData:
    code = new_code()
    today = date.today()
    return CertificateData(
        holder_name=args.name,
        birth_date=date(1990, 3, 12),
        course_title_id="Mengemudi Defensif Kendaraan Roda Empat",
        course_title_en="Defensive Driving for Cars",
        course_code="DD-01",
        session_start=today,
        session_end=today,
        hours=8,
        issued=today,
        valid_until=date(today.year + 3, today.month, min(today.day, 28)),
        serial=format_serial(today.year, "DD-01", 1),
        verification_code=code,
        verification_url=verification_url(args.base_url, code),
        signatory_name=args.signatory,
        signatory_title="Kepala Indonesia Safety Driving Center",
        signatory_title_en="Head of the Indonesia Safety Driving Center",
        centre_name="Indonesia Safety Driving Center (ISDC) Serpong",
        centre_address="Serpong, Tangerang Selatan, Banten",
        results=("Contoh / Sample",),
        place_of_issue="Serpong",
        logo_image=args.logo,
        signature_image=args.signature,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m isdc.certificates", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    sample = commands.add_parser("sample", help="write a sample certificate PDF")
    sample.add_argument("out", type=Path, help="the PDF file to write")
    sample.add_argument("--name", default="Siti Nurhaliza", help="holder's name to print")
    sample.add_argument("--signatory", default="Drs. Budi Santoso, M.Si.")
    sample.add_argument("--logo", type=Path, help="logo image (PNG/JPEG)")
    sample.add_argument("--signature", type=Path, help="signature image (PNG with transparency)")
    sample.add_argument("--base-url", default="https://isdc.example.go.id")
    check = commands.add_parser("code", help="print the canonical form of a verification code")
    check.add_argument("text", help="the code as typed or pasted")
    args = parser.parse_args(argv)
    try:
        if args.command == "code":
            print(normalise(args.text))
            return 0
        write_atomically(args.out, render_certificate(sample_data(args)))
        print(args.out)
        return 0
    except (CertificateDataError, MalformedCode, BatchError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.strerror}: {exc.filename}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

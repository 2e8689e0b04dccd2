"""What an issued certificate says besides its number: the site's part (centre, signatory,
logo, signature), the holder's name as printed, the results lines - and what stops them."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from isdc.certificates import unprintable_characters
from isdc.certificates.pdf import MAX_NAME
from isdc.models.eligibility import Eligibility
from isdc.models.people import Trainee
from isdc.models.rules import N_, RuleViolation
from isdc.models.site import Site


class IssueRefused(Exception):
    """The request was refused and nothing was written; ``reasons`` say why (translatable)."""

    def __init__(self, reasons: Iterable[RuleViolation]):
        self.reasons = tuple(reasons)
        super().__init__("; ".join(str(r) for r in self.reasons))


@dataclass(frozen=True)
class Branding:
    """The site's part of every certificate, read once per issuing call."""

    centre_name: str
    centre_address: str
    place: str
    signatory_name: str
    signatory_title: str
    signatory_title_en: str
    logo: bytes | None
    signature: bytes | None

    @classmethod
    def of(cls, site: Site, instance_path: Path) -> Branding:
        problems = site_problems(site)
        if problems:
            raise IssueRefused(problems)
        try:
            logo = _read_image(instance_path, site.logo_path)
            signature = _read_image(instance_path, site.signature_path)
        except OSError as exc:
            raise IssueRefused(
                [
                    RuleViolation(
                        "settings",
                        N_(
                            "The logo or signature image of the site cannot be read (%(problem)s); upload it again in the certificate settings."
                        ),
                        {"problem": exc.strerror or str(exc)},
                    )
                ]
            ) from exc
        return cls(
            centre_name=site.name,
            centre_address=site.address or "",
            place=site.certificate_place or "",
            signatory_name=site.certificate_signatory_name or "",
            signatory_title=site.certificate_signatory_title or "",
            signatory_title_en=site.certificate_signatory_title_en or "",
            logo=logo,
            signature=signature,
        )


def _read_image(instance_path: Path, relative: str | None) -> bytes | None:
    return None if not relative else (instance_path / relative).read_bytes()


def site_problems(site: Site) -> list[RuleViolation]:
    """What the site must set before it can issue certificates."""
    problems = []
    if not (site.certificate_signatory_name or "").strip():
        problems.append(
            RuleViolation(
                "settings", N_("The signatory's name is not set in the certificate settings.")
            )
        )
    if not (site.certificate_signatory_title or "").strip():
        problems.append(
            RuleViolation(
                "settings", N_("The signatory's title is not set in the certificate settings.")
            )
        )
    return problems


def holder_problems(trainee: Trainee) -> list[RuleViolation]:
    """Why the trainee's name or birth date cannot be printed, if they cannot."""
    name = printed_name(trainee.full_name)
    problems = []
    missing = unprintable_characters(name)
    if missing:
        problems.append(
            RuleViolation(
                "holder",
                N_(
                    "The name has characters the certificate cannot print (%(characters)s); enter it in Latin letters as in the passport."
                ),
                {"characters": " ".join(missing)},
            )
        )
    if len(name) > MAX_NAME:
        problems.append(
            RuleViolation(
                "holder",
                N_("The name has %(length)d characters; at most %(limit)d fit on a certificate."),
                {"length": len(name), "limit": MAX_NAME},
            )
        )
    return problems


def single_line(text: str) -> str:
    """Text typed into a form as one clean line: NFC, control characters (NUL, escape, ...)
    dropped - PostgreSQL refuses NUL in text and nobody means to type them - and runs of
    white space made one space."""
    text = unicodedata.normalize("NFC", text)
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if unicodedata.category(ch) != "Cc" or ch.isspace()
    )
    return " ".join(kept.split())


def printed_name(name: str) -> str:
    """A name as the certificate prints and the row keeps it: NFC, single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def result_lines(check: Eligibility) -> tuple[str, ...]:
    """The results printed on the certificate, each line in Indonesian / English."""
    lines = []
    attendance = check.attendance
    if attendance.days:
        # Whole percent, rounded down: a certificate never claims more than was attended.
        pct = attendance.attended * 100 // attendance.days
        lines.append(
            f"Kehadiran / Attendance: {pct} % ({attendance.attended}/{attendance.days} hari / days)"
        )
    passed = [s.best_passing for s in check.scenarios if s.best_passing is not None]
    if passed:
        average = sum(passed) / len(passed)
        n = len(passed)
        lines.append(
            f"Simulator: {n} skenario lulus, nilai rata-rata {_number(average, 'id')} / "
            f"{n} {'scenario' if n == 1 else 'scenarios'} passed, average score {_number(average, 'en')}"
        )
    if check.practical_required and check.practical_signed_off:
        lines.append("Penilaian praktik / Practical assessment: lulus / passed")
    return tuple(lines)


def _number(value: float, lang: str) -> str:
    text = f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"
    return text.replace(".", ",") if lang == "id" else text

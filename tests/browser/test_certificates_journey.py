"""The certificates journey in a real browser (issue 7's acceptance): the administrator opens a
finished session, sees who is eligible and why not, issues to the cohort, prints the batch PDF
and revokes one certificate; the QR code of a printed certificate, decoded by zbarimg, opens a
public page that says valid - and revoked for the revoked one. Screenshots of every page (the
verification page in both languages) land in test-artifacts/browser/."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from isdc.demo.certificates import WAITING_SESSION
from tests.browser.conftest import ARTIFACTS, screenshot
from tests.browser.test_journeys import sign_in, sign_out
from tests.certificates.helpers import make_logo_png, make_signature_png

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
        reason="zbar-tools (zbarimg) and poppler-utils (pdftoppm) are needed to read the printout",
    ),
]


def qr_paths(pdf: Path, folder: Path, pages: int) -> list[str]:
    """The path of the URL in the QR code of each of the first ``pages`` pages, as a verifier's
    phone would read it from the printout (rendered at 150 dpi)."""
    paths = []
    for page in range(1, pages + 1):
        stem = folder / f"page-{page}"
        subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                        str(pdf), str(stem)], check=True)  # fmt: skip
        found = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable",
                                f"{stem}.png"], capture_output=True, text=True)  # fmt: skip
        [url] = found.stdout.split()
        paths.append(urlsplit(url).path)
    if pages:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(folder / "page-1.png", ARTIFACTS / "certificate-printed-page-1.png")
    return paths


def open_verification(browser, base: str, path: str, name: str, english: bool = False):  # type: ignore[no-untyped-def]
    """The public page in a browser of its own (no login), as a verifier opens it."""
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 860})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # CSP violations and script errors; a 404 page itself is logged as a failed load.
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.goto(path)
    status = page.locator("#verification").get_attribute("data-status")
    text = page.locator("main").inner_text()
    screenshot(page, f"{name}-id")
    if english:
        page.click("#language-menu")
        page.click('button[data-language="en"]')
        page.wait_for_url(f"**{path}")
        text += "\n" + page.locator("main").inner_text()
        screenshot(page, f"{name}-en")
    context.close()
    assert errors == []
    return status, text


def test_admin_issues_prints_and_revokes_and_the_qr_code_verifies(
    page, browser, demo_server, tmp_path
) -> None:
    sign_in(page, "admin")
    page.click("nav >> text=Sertifikat")
    page.wait_for_url("**/certificates/")
    screenshot(page, "certificates-register")
    row = page.locator("#finished-sessions tr", has_text=WAITING_SESSION)
    row.locator("a", has_text="Buka").click()
    page.wait_for_url(re.compile(r".*/certificates/sessions/\d+$"))

    # Who is eligible, and exactly why not.
    eligible = page.locator('tr.participant[data-state="eligible"]')
    ineligible = page.locator('tr.participant[data-state="ineligible"]')
    assert eligible.count() >= 5 and ineligible.count() >= 2
    reasons = ineligible.locator(".shortfalls").all_inner_texts()
    assert any("belum lulus" in r for r in reasons)  # a scenario still to pass
    assert any("dinyatakan tidak lulus" in r for r in reasons)  # the one who missed a day
    count = eligible.count()
    screenshot(page, "certificates-session-before")

    # Issue to the cohort in one action.
    page.click("#issue-all")
    page.wait_for_selector(".alert-success")
    assert f"{count} sertifikat diterbitkan." in page.locator(".alert-success").inner_text()
    assert page.locator('tr.participant[data-state="issued"]').count() == count
    assert page.locator('tr.participant[data-state="eligible"]').count() == 0
    screenshot(page, "certificates-session-issued")

    # Print: one PDF for the whole cohort.
    with page.expect_download() as download:
        page.click("#batch-pdf")
    printout = tmp_path / "batch.pdf"
    download.value.save_as(printout)
    assert download.value.suggested_filename.endswith(".pdf")
    first, second = qr_paths(printout, tmp_path, 2)
    assert first.startswith("/verify/") and first != second

    # The printed QR code opens a page that says valid, in Indonesian and in English.
    status, text = open_verification(browser, demo_server, first, "verify-valid", english=True)
    assert status == "valid" and "Sertifikat sah" in text and "Valid certificate" in text

    # Revoke the first printed certificate (the first serial) with a reason.
    page.locator('tr.participant[data-state="issued"] a.serial-link').first.click()
    page.wait_for_url(re.compile(r".*/certificates/\d+$"))
    assert page.locator("#verification-code").inner_text() == first.rsplit("/", 1)[1]
    page.fill("#revoke-reason", "Peserta tidak mengikuti ujian praktik sendiri")
    page.click("#revoke-button")
    page.wait_for_selector("#revocation")
    assert page.locator("#certificate-status").get_attribute("data-status") == "revoked"
    screenshot(page, "certificate-detail-revoked")

    status, text = open_verification(browser, demo_server, first, "verify-revoked", english=True)
    assert status == "revoked" and "Peserta tidak mengikuti ujian praktik sendiri" in text
    assert "Dicabut pada" in text and "Revoked on" in text
    status, _ = open_verification(browser, demo_server, second, "verify-second")
    assert status == "valid"
    sign_out(page)


def test_the_other_certificate_pages_render(page, browser, demo_server, tmp_path) -> None:
    """The register filtered to expired ones, an expired certificate's public page, the
    settings, a 404 for an unknown code, and the trainee's own certificates."""
    sign_in(page, "admin")
    page.goto("/certificates/?status=expired")
    assert page.locator("#register tbody tr").count() >= 3
    page.locator("#register tbody tr a").first.click()
    public = page.locator("#public-page").get_attribute("href")
    status, text = open_verification(browser, demo_server, public, "verify-expired", english=True)
    assert status == "expired" and "kedaluwarsa" in text and "has expired" in text
    page.goto("/certificates/?status=revoked")
    assert page.locator("#register tbody tr").count() >= 2
    # The administrator's pages in English too (the choice sticks to the account: back after).
    page.goto("/certificates/")
    page.click("#language-menu")
    page.click('button[data-language="en"]')
    page.wait_for_url("**/certificates/")
    assert page.locator("h1").inner_text() == "Certificates"
    page.locator("#finished-sessions a", has_text="Open").first.click()
    assert page.locator("#participants th").first.inner_text() == "Trainee"
    screenshot(page, "certificates-session-en")
    page.click("#language-menu")
    page.click('button[data-language="id"]')
    page.goto("/certificates/settings")
    assert page.locator("#signatory_name").input_value().startswith("Kombes Pol.")
    (tmp_path / "logo.png").write_bytes(make_logo_png())
    (tmp_path / "ttd.png").write_bytes(make_signature_png())
    page.set_input_files("#logo", str(tmp_path / "logo.png"))
    page.set_input_files("#signature", str(tmp_path / "ttd.png"))
    page.click("#save-settings")
    page.wait_for_selector(".alert-success")
    page.locator("#current-logo").wait_for(state="visible")  # once the image has loaded
    page.locator("#current-signature").wait_for(state="visible")
    assert page.locator("#current-logo").evaluate("img => img.naturalWidth") > 0
    screenshot(page, "certificates-settings")
    (tmp_path / "not-an-image.png").write_bytes(b"%PDF-1.7 this is a PDF")
    page.set_input_files("#logo", str(tmp_path / "not-an-image.png"))
    page.click("#save-settings")
    assert "Berkas ini bukan gambar" in page.locator(".branding-logo").inner_text()
    screenshot(page, "certificates-settings-refused")
    sign_out(page)

    status, text = open_verification(
        browser, demo_server, "/verify/0000-0000-0000-0000-0000", "verify-not-found"
    )
    assert status == "not_found" and "Sertifikat tidak ditemukan" in text

    sign_in(page, "peserta")
    page.click("nav >> text=Sertifikat saya")
    page.wait_for_url("**/certificates/mine")
    cards = page.locator(".my-certificate")
    assert cards.count() == 1 and "Safety Riding Sepeda Motor" in cards.first.inner_text()
    with page.expect_download() as download:
        cards.first.locator("a.download").click()
    assert download.value.suggested_filename.endswith(".pdf")
    screenshot(page, "certificates-mine")

"""The back office's accepted-when journey (issue 3) in headless Chromium, on the demo data:
an instructor schedules a two-week recurring session, sees a clash refused with its reason,
enrols trainees from a CSV (one over capacity waits and moves up after a withdrawal), takes
attendance and rates skills; the iCalendar feed parses back and contains the session. The main
pages are screenshotted on the way (test-artifacts/browser/), in Indonesian and English."""

from __future__ import annotations

import urllib.request
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from isdc.models import Sex
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import sign_in, sign_out
from tests.factories import valid_nik

pytestmark = pytest.mark.browser
JAKARTA = ZoneInfo("Asia/Jakarta")


def fill_plan(page, name: str, first: date, starts: str, ends: str, repeat: str = "once",
              weeks: str = "", capacity: str = "") -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    page.goto("/schedule/new")
    page.select_option("#course", label="SRM · Safety Riding Sepeda Motor")
    page.fill("#name", name)
    page.fill("#capacity", capacity)
    page.fill("#first_day", first.isoformat())
    page.fill("#day_starts", starts)
    page.fill("#day_ends", ends)
    page.select_option("#repeat", repeat)
    page.fill("#weeks", weeks)


def test_instructor_schedules_enrols_takes_attendance_and_rates(page, demo_server, tmp_path):
    today = datetime.now(JAKARTA).date()
    sign_in(page, "instruktur2")  # Aiptu Dewi Lestari, qualified for safety riding

    # 1. A session every day for two weeks, an evening class; checked first, then booked.
    fill_plan(page, "SRM Sore", today, "16:30", "18:00", repeat="daily", weeks="2", capacity="2")
    with page.expect_navigation():
        page.click("#check-session")
    assert page.locator("#plan-check .planned-day").count() == 14
    assert "Semua hari kosong." in page.locator("#plan-check").inner_text()
    screenshot(page, "bo-schedule-check")
    with page.expect_navigation():
        page.click("#book-session")
    page.wait_for_url("**/schedule/sessions/*")
    session_url = page.url
    session_id = session_url.rstrip("/").split("/")[-1].split("?")[0]
    assert page.locator("h1").inner_text() == "SRM Sore"
    assert page.locator("#session-days tbody tr").count() == 14
    assert "dijadwalkan pada 14 hari" in page.locator(".alert-success").inner_text()

    # 2. The same instructor at the same time: refused, naming what clashes and when.
    fill_plan(page, "SRM Bentrok", today, "17:00", "18:00")
    with page.expect_navigation():
        page.click("#book-session")
    clash = page.locator("#clash-list").inner_text()
    assert "Aiptu Dewi Lestari sudah dipesan untuk SRM Sore (SRM)" in clash
    assert "16.30–18.00 WIB" in clash
    screenshot(page, "bo-schedule-clash")

    # 3. A company's list as CSV: two places, three names - the third waits.
    lines = ["NIK;Nama lengkap;Tanggal lahir;Jenis kelamin"]
    people = [("Rian Saputra", date(1995, 4, 12), Sex.MALE), ("Wulan Sari", date(1996, 7, 3), Sex.FEMALE),
              ("Yoga Pratama", date(1994, 1, 25), Sex.MALE)]  # fmt: skip
    for name, birth, sex in people:
        lines.append(
            f"{valid_nik(birth, sex)};{name};{birth:%d/%m/%Y};{'L' if sex == Sex.MALE else 'P'}"
        )
    csv_file = tmp_path / "daftar-pt.csv"
    csv_file.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8"))
    page.goto(f"{session_url}/import")
    page.set_input_files("#file", str(csv_file))
    with page.expect_navigation():
        page.click("#check-file")
    preview = page.locator("#preview-ok").inner_text()
    assert "1 masuk daftar tunggu" in preview and "3 peserta baru" in preview
    screenshot(page, "bo-enrol-csv-preview")
    with page.expect_navigation():
        page.click("#confirm-import")
    page.wait_for_url(f"**/schedule/sessions/{session_id}*")
    assert page.locator("#enrolled-table tbody tr").count() == 2
    assert page.locator("#waitlist-table tbody tr").inner_text().count("Yoga Pratama") == 1

    # 4. One withdraws; the first in line moves up.
    row = page.locator('#enrolled-table tr[data-trainee="Rian Saputra"]')
    row.locator("summary").click()
    row.locator("input[name=reason]").fill("Bentrok dengan jadwal kerja")
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    assert "Yoga Pratama naik dari daftar tunggu" in page.locator("main").inner_text()
    assert page.locator("#waitlist-table").count() == 0
    enrolled = page.locator("#enrolled-table").inner_text()
    assert "Yoga Pratama" in enrolled and "Wulan Sari" in enrolled
    screenshot(page, "bo-session")

    # 5. Attendance from the "today" view.
    page.goto("/schedule/today")
    card = page.locator(f"#session-{session_id}")
    card.locator('tr[data-trainee="Wulan Sari"] label:text-is("Hadir")').click()
    card.locator('tr[data-trainee="Yoga Pratama"] label:text-is("Terlambat")').click()
    card.locator('tr[data-trainee="Yoga Pratama"] input[name^="note-"]').fill("15 menit")
    with page.expect_navigation():
        card.locator(".save-attendance").click()
    assert "Kehadiran disimpan (2 perubahan)" in page.locator("main").inner_text()
    checked = page.locator(f"#session-{session_id} input[type=radio]:checked")
    assert checked.count() == 2
    screenshot(page, "bo-today")

    # 6. Skills rated on the five-level scale, with notes for next time.
    page.goto(session_url)
    with page.expect_navigation():
        page.locator(
            '#enrolled-table tr[data-trainee="Wulan Sari"] a:has-text("Keterampilan")'
        ).click()
    selects = page.locator(".level-select")
    assert selects.count() == 4
    for index in range(4):
        selects.nth(index).select_option("3")
    page.locator("#rating-table textarea").first.fill("Posisi lajur masih terlalu ke tengah")
    with page.expect_navigation():
        page.click("#save-ratings")
    assert "4 penilaian disimpan" in page.locator("main").inner_text()
    assert "Posisi lajur masih terlalu ke tengah" in page.locator("#rating-table").inner_text()
    assert page.locator("#sign-off-blockers").count() == 1  # level 3 is not enough yet
    screenshot(page, "bo-assessment")

    # 7. The calendar feed, subscribed like a phone would: it parses and has the session.
    page.goto("/schedule/today")
    with page.expect_navigation():
        page.click("#feed-create")
    url = page.locator("#feed-url").input_value()
    with urllib.request.urlopen(url, timeout=10) as answer:
        assert answer.headers.get_content_type() == "text/calendar"
        feed = Calendar.from_ical(answer.read())
    assert [str(tz["TZID"]) for tz in feed.walk("VTIMEZONE")] == ["Asia/Jakarta"]
    ours = [e for e in feed.walk("VEVENT") if "SRM Sore" in str(e["SUMMARY"])]
    assert len(ours) == 14
    first = min(e.decoded("DTSTART") for e in ours)
    assert first.astimezone(JAKARTA).date() == today and first.astimezone(JAKARTA).hour == 16
    sign_out(page)


def test_main_pages_look_right_in_both_languages(page, demo_server):
    sign_in(page, "admin")
    shots = {
        "bo-trainees": "/trainees",
        "bo-calendar-week": "/schedule/calendar",
        "bo-calendar-month": "/schedule/calendar?view=month",
        "bo-instructors": "/instructors",
        "bo-facilities": "/facilities",
        "bo-courses": "/courses",
        "bo-schedule": "/schedule",
        "bo-new-session": "/schedule/new",
        "bo-import": "/trainees/import",
        "bo-dashboard": "/dashboard",
    }
    for name, url in shots.items():
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        screenshot(page, name)
    assert "Perlu perhatian" in page.locator("#expiry-warnings").inner_text()  # the dashboard
    # Records reached by following the lists (ids differ between databases).
    for name, url, link in (
        ("bo-trainee-profile", "/trainees", "#trainee-table tbody a"),
        ("bo-instructor", "/instructors", "#instructor-table tbody a"),
        ("bo-course", "/courses", "#course-cards a"),
        ("bo-facility", "/facilities", ".facility-table tbody a"),
    ):
        page.goto(url)
        with page.expect_navigation():
            page.locator(link).first.click()
        assert "404" not in page.locator("main").inner_text()[:10], name
        screenshot(page, name)
    page.goto("/schedule/calendar")
    assert page.locator(".calendar-day").count() == 7
    page.click("#language-menu")
    with page.expect_navigation():
        page.click('button[data-language="en"]')
    page.goto("/schedule/calendar?view=month")
    assert page.locator("h1").inner_text() == "Calendar of the centre"
    screenshot(page, "bo-calendar-month-en")
    page.goto("/trainees")
    with page.expect_navigation():
        page.locator("#trainee-table tbody a").first.click()
    assert "Simulator runs" in page.locator("main").inner_text()
    screenshot(page, "bo-trainee-profile-en")
    page.goto("/schedule")
    first_session = page.locator("#session-table tbody a").first
    with page.expect_navigation():
        first_session.click()
    screenshot(page, "bo-session-en")
    page.click("#language-menu")
    with page.expect_navigation():
        page.click('button[data-language="id"]')
    assert page.locator("html").get_attribute("lang") == "id"
    sign_out(page)
    sign_in(page, "instruktur")
    page.goto("/schedule/today")
    screenshot(page, "bo-today-demo")
    sign_out(page)
    sign_in(page, "peserta")
    page.goto("/schedule/mine")
    text = page.locator("main").inner_text()
    assert "Kursus saya" in text and "Jadwal diubah" in text
    screenshot(page, "bo-trainee-mine")

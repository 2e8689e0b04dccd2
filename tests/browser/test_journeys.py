"""The three role journeys of the foundation: sign in, see your dashboard, sign out; and the
language that sticks to the user."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from isdc.demo import DEMO_LOGINS
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser
PASSWORDS = {username: password for _role, username, password in DEMO_LOGINS}


def sign_in(page, username: str, password: str | None = None) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password or PASSWORDS.get(username, PASSWORDS["instruktur"]))
    page.click("#login-button")
    page.wait_for_url("**/dashboard")


def sign_out(page) -> None:  # type: ignore[no-untyped-def]
    page.click("#user-menu")  # a Bootstrap dropdown: needs the local JS to work
    page.click("#logout-button")
    page.wait_for_url("**/login")


def test_admin_sees_the_centre_in_numbers(page) -> None:
    sign_in(page, "admin")
    assert page.locator("h1").inner_text() == "Dasbor"
    assert page.locator('[data-count="trainees"]').inner_text() == "60"
    assert page.locator('[data-count="instructors"]').inner_text() == "4"
    assert page.locator('[data-count="facilities"]').inner_text() == "15"
    assert int(page.locator('[data-count="sessions"]').inner_text()) >= 8
    assert page.locator("#next-sessions tbody tr").count() == 8
    screenshot(page, "admin")
    sign_out(page)
    assert "Anda telah keluar." in page.content()


def test_admin_dashboard_on_a_phone(browser, demo_server) -> None:
    context = browser.new_context(base_url=demo_server, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        sign_in(page, "admin")
        assert page.locator(".navbar-toggler").is_visible()
        assert not page.locator("#main-nav").is_visible()  # collapsed behind the toggler
        page.click(".navbar-toggler")
        page.locator("#main-nav.show").wait_for(state="visible")  # after the animation
        assert page.locator("#user-menu").is_visible()
        screenshot(page, "admin-phone")
    finally:
        context.close()


def test_instructor_sees_today(page) -> None:
    sign_in(page, "instruktur")
    assert page.locator("h1").inner_text() == "Hari ini"
    today_is_sunday = datetime.now(ZoneInfo("Asia/Jakarta")).isoweekday() == 7
    if today_is_sunday:  # the demo's first session is on Monday then
        assert page.locator("#no-slots-today").is_visible()
        assert "Mengemudi Defensif (Mobil)" in page.locator("#coming-slots").inner_text()
    else:
        card = page.locator("#today-slots").inner_text()
        assert "Mengemudi Defensif (Mobil)" in card
        assert "08.00–16.00 WIB" in card
        assert "Ruang Kelas Garuda" in card or "Braking Zone" in card
    screenshot(page, "instructor")
    sign_out(page)


def test_trainee_sees_their_schedule(page) -> None:
    sign_in(page, "peserta")
    assert page.locator("h1").inner_text() == "Jadwal saya"
    cards = page.locator(".enrolment-card")
    assert cards.count() == 2
    text = page.locator("main").inner_text()
    assert "Mengemudi Defensif (Mobil)" in text
    assert "Pengemudi Armada Truk dan Bus" in text and "dalam daftar tunggu" in text
    assert "Safety Riding Sepeda Motor" in page.locator("#past-title + div").inner_text()
    # Nothing of anyone else's: no admin counts, no other trainee's names.
    assert page.locator('[data-count="trainees"]').count() == 0
    screenshot(page, "trainee")
    sign_out(page)


def test_the_language_sticks_to_the_user(page) -> None:
    sign_in(page, "instruktur2")
    page.click("#language-menu")
    page.click('button[data-language="en"]')
    page.wait_for_url("**/dashboard")
    assert page.locator("h1").inner_text() == "Today"
    assert page.locator("html").get_attribute("lang") == "en"
    sign_out(page)
    assert "Sign in" in page.locator("h1").inner_text()  # the sign-in page keeps English
    page.context.clear_cookies()  # a different browser altogether
    sign_in(page, "instruktur2")
    assert page.locator("h1").inner_text() == "Today"
    page.click("#language-menu")
    page.click('button[data-language="id"]')
    page.wait_for_url("**/dashboard")
    assert page.locator("h1").inner_text() == "Hari ini"


def test_wrong_password_is_refused_in_the_browser(page) -> None:
    page.goto("/login")
    page.fill("#username", "admin")
    page.fill("#password", "salah-sekali")
    page.click("#login-button")
    assert (
        page.locator(".alert-danger").inner_text().strip() == "Nama pengguna atau kata sandi salah."
    )
    assert page.url.endswith("/login")

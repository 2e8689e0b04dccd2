"""Indonesian by default and complete; English on request, sticking to the user; WIB dates."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from sqlalchemy import select

from isdc.models import Role, User
from isdc.web import i18n
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "isdc" / "translations" / "id" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "N_": None}  # fmt: skip
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def source_msgids() -> set[str]:
    with open(ROOT / "babel.cfg") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalogue():  # type: ignore[no-untyped-def]
    with open(CATALOGUE, "rb") as fh:
        return read_po(fh, locale="id")


def test_every_message_in_the_code_has_an_indonesian_translation() -> None:
    """Fails when a string was added without `make messages` and a translation."""
    translated = {}
    for message in catalogue():
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        text = message.string[0] if isinstance(message.string, tuple) else message.string
        translated[key] = "" if message.fuzzy else text
    missing = sorted(m for m in source_msgids() if not translated.get(m))
    assert missing == [], "untranslated (run `make messages`, then translate): " + "; ".join(
        missing
    )


def test_translations_keep_their_placeholders() -> None:
    for message in catalogue():
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == expected, message.id


def test_pages_are_indonesian_by_default(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="id">' in page
    assert "Masuk" in page and "Nama pengguna" in page


def _switch(client, language: str, next_url: str = "/login"):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(next_url).get_data(as_text=True))
    return client.post(
        "/language", data={"language": language, "next": next_url, "csrf_token": token}
    )


def test_visitors_can_switch_to_english(client) -> None:
    response = _switch(client, "en")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page and "Username" in page


def test_the_choice_sticks_to_the_user_on_any_device(app, make, db_session) -> None:
    user = make.user(Role.INSTRUCTOR, username="guru")
    first = app.test_client()
    login(first, "guru", PASSWORD)
    assert _switch(first, "en", "/dashboard").headers["Location"] == "/dashboard"
    db_session.expire_all()
    assert db_session.get(User, user.id).locale.value == "en"
    other_device = app.test_client()  # a fresh browser: signs in, gets English
    login(other_device, "guru", PASSWORD)
    assert "Today" in other_device.get("/dashboard").get_data(as_text=True)


def test_the_account_language_wins_over_the_visitor_choice(app, make) -> None:
    make.user(Role.ADMIN, username="admin")  # Indonesian account
    client = app.test_client()
    _switch(client, "en")
    login(client, "admin", PASSWORD)
    assert "Dasbor" in client.get("/dashboard").get_data(as_text=True)


def test_an_unknown_language_is_refused(client) -> None:
    response = _switch(client, "fr")
    assert response.status_code == 400
    assert "Bahasa tidak dikenal." in response.get_data(as_text=True)


def test_language_switch_never_redirects_off_site(client) -> None:
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/language", data={"language": "en", "next": "https://evil.example", "csrf_token": token}
    )
    assert response.headers["Location"] == "/dashboard"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("id", "Jumat, 27 November 2026 14.30 WIB"),
        ("en", "Friday, 27 November 2026, 14:30 WIB"),
    ],
)
def test_dates_show_in_jakarta_time(app, locale, expected) -> None:
    from flask_babel import force_locale

    moment = datetime(2026, 11, 27, 7, 30, tzinfo=UTC)
    with app.test_request_context(), force_locale(locale):
        assert i18n.format_when(moment) == expected
        assert i18n.format_clock(moment) == ("14.30" if locale == "id" else "14:30")


def test_day_and_ranges(app) -> None:
    with app.test_request_context():
        assert i18n.format_day(date(2026, 12, 7)) == "Senin, 7 Desember 2026"
        start = datetime(2026, 12, 7, 1, tzinfo=UTC)
        end = datetime(2026, 12, 7, 9, tzinfo=UTC)
        assert i18n.format_time_range(start, end) == "08.00–16.00 WIB"
        later = datetime(2026, 12, 9, 9, tzinfo=UTC)
        assert i18n.format_day_range(start, later) == "Sen, 7 Des 2026 – Rab, 9 Des 2026"
        assert i18n.format_number(10000) == "10.000"


def test_rule_violations_are_explained_in_the_readers_language(app) -> None:
    from isdc.models.identity import Sex, nik_problems

    violation = nik_problems("12345", date(1990, 1, 1), Sex.MALE)[0]
    with app.test_request_context():
        assert i18n.explain(violation) == "NIK harus tepat 16 digit; yang diisi 5 karakter."


def test_catalogues_compile_when_missing_or_stale(tmp_path) -> None:
    import logging

    folder = tmp_path / "id" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_bytes(CATALOGUE.read_bytes())
    i18n.compile_catalogues(tmp_path, logging.getLogger("test"))
    mo = folder / "messages.mo"
    assert mo.stat().st_size > 1000
    before = mo.stat().st_mtime_ns
    i18n.compile_catalogues(tmp_path, logging.getLogger("test"))
    assert mo.stat().st_mtime_ns == before  # up to date: left alone
    assert not list(folder.glob("*.tmp"))


def test_users_keep_their_language_column(db_session, make) -> None:
    make.user(Role.TRAINEE, username="peserta")
    assert db_session.scalar(select(User.locale).where(User.username == "peserta")).value == "id"


def test_a_broken_rule_names_a_scenario_by_its_title_in_the_readers_language(app) -> None:
    from isdc.models.rules import RuleViolation

    violation = RuleViolation(
        "scenario", "Scenario %(scenario)s: not passed.", {"scenario": "wet_curve"}
    )
    with app.test_request_context():
        assert i18n.explain(violation) == "Scenario Tikungan basah: not passed."
    with app.test_request_context():
        from flask import g, session
        from flask_babel import refresh

        session[i18n.SESSION_LOCALE_KEY] = "en"
        g.pop("_isdc_reader", None)  # the reader is looked up once per request
        refresh()
        assert i18n.explain(violation) == "Scenario Wet bend: not passed."
    assert violation.params == {"scenario": "wet_curve"}  # the record keeps the id

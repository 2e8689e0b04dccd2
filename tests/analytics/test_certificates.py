"""Certificate figures against the raw rows: issued, revoked, expiring in the next 90 days."""

from __future__ import annotations

from datetime import timedelta

from tests.analytics import expected
from tests.analytics.conftest import CERTIFICATES, PERIOD, SESSIONS
from tests.analytics.helpers import csv_table

PATH = "/analisis/certificates"


def test_issued_and_revoked_per_month(signed_in, world):
    rows = csv_table(signed_in("admin"), PATH, "issued-revoked", **PERIOD)
    issued, revoked = expected.certificates_per_month()
    assert {r["Month"]: int(r["Issued"]) for r in rows} == {
        m: issued.get(m, 0) for m in ("2026-07", "2026-08", "2026-09")
    }
    assert {r["Month"]: int(r["Revoked"]) for r in rows if int(r["Revoked"])} == dict(revoked)
    # Issued at 18:00 UTC on 31 August is 1 September in Serpong.
    assert issued["2026-09"] == 2 and issued["2026-08"] == 1


def test_by_course(signed_in, world):
    rows = {r["Course"]: r for r in csv_table(signed_in("admin"), PATH, "by-course", **PERIOD)}
    soon = expected.expiring(world.today)
    for code in ("DDC", "SR"):
        issued = [c for c in CERTIFICATES if SESSIONS[c[1]][0] == code and expected.in_period(c[2])]
        revoked = [c for c in issued if c[4] and expected.in_period(c[4])]
        assert int(rows[code]["Issued"]) == len(issued)
        assert int(rows[code]["Revoked"]) == len(revoked)
        assert int(rows[code]["Expiring in 90 days"]) == soon.get(code, 0)
    assert soon == {"DDC": 2}


def test_expiring_looks_ahead_from_today(signed_in, world):
    rows = csv_table(signed_in("admin"), PATH, "expiring", start="2020-01-01", end="2020-01-31")
    want: dict[tuple[str, str], int] = {}
    for _t, session, _at, valid_days, revoked in CERTIFICATES:
        if revoked is None and valid_days is not None and 0 <= valid_days <= 90:
            month = (world.today + timedelta(days=valid_days)).strftime("%Y-%m")
            key = (month, SESSIONS[session][0])
            want[key] = want.get(key, 0) + 1
    assert {(r["Month"], r["Course"]): int(r["Certificates"]) for r in rows} == want


def test_drill_down_lists_expiring_holders(signed_in, world):
    client = signed_in("admin")
    html = client.get("/analisis/trainees", query_string={**PERIOD, "basis": "expiring"}).get_data(
        as_text=True
    )
    assert "Ani" in html and "Gita" in html and "Eka" not in html and "Budi" not in html
    html = client.get("/analisis/trainees", query_string={**PERIOD, "basis": "revoked"}).get_data(
        as_text=True
    )
    assert "Budi" in html and "Ani" not in html


def test_instructor_sees_certificates_of_own_sessions(signed_in, world):
    rows = csv_table(signed_in("agus"), PATH, "issued-revoked", **PERIOD)
    # agus teaches ddc-jul and ddc-sep: ani, budi (July), gita (September).
    issued = {r[next(iter(r))]: int(list(r.values())[1]) for r in rows}
    own = [c for c in CERTIFICATES if "agus" in SESSIONS[c[1]][2]]
    assert sum(issued.values()) == len(own) == 3

"""Every route states who may use it, and everyone else is refused (SPEC §9).

The walk covers whatever routes exist, so each area added later is checked automatically.
"""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from werkzeug.routing import Rule

from isdc.models import Role
from isdc.web.access import PUBLIC, access_of, check_every_view_declares_access, safe_next
from tests.conftest import login, running_app
from tests.factories import PASSWORD

CHECKED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
SAMPLE_VALUES = {"integer": 1, "float": 1.0, "uuid": uuid.UUID(int=1), "path": "x/y"}


@pytest.fixture
def app_config(app_config):  # type: ignore[no-untyped-def]
    # The walk tests the access layer itself; CSRF has tests of its own.
    app_config["WTF_CSRF_ENABLED"] = False
    return app_config


def guarded_rules(app: Flask) -> list[tuple[Rule, str, object]]:
    rules = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "bootstrap.static"):
            continue
        access = access_of(app.view_functions[rule.endpoint])
        for method in sorted(set(rule.methods or ()) & set(CHECKED_METHODS)):
            rules.append((rule, method, access))
    return rules


def url_for_rule(rule: Rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        kind = type(converter).__name__.removesuffix("Converter").lower()
        values[name] = SAMPLE_VALUES.get(kind, "x")
    return rule.build(values, append_unknown=False)[1]


def test_every_view_declares_who_may_use_it(app) -> None:
    check_every_view_declares_access(app)
    assert all(access is not None for _rule, _method, access in guarded_rules(app))


def test_a_view_without_an_access_rule_stops_the_app(database_url, tmp_path) -> None:
    with running_app(database_url, tmp_path / "other") as other:

        @other.route("/forgotten")
        def forgotten() -> str:
            return "secret"

        with pytest.raises(RuntimeError, match="forgotten"):
            check_every_view_declares_access(other)


def test_anonymous_visitors_are_refused_everywhere_but_public_routes(app, client) -> None:
    checked = 0
    for rule, method, access in guarded_rules(app):
        if access == PUBLIC:
            continue
        url = url_for_rule(rule)
        response = client.open(url, method=method)
        if url.startswith("/api/"):
            assert response.status_code == 401, (method, url)
            assert response.is_json and response.json["error"]
        else:
            assert response.status_code == 302, (method, url)
            assert response.headers["Location"].startswith("/login?next="), (method, url)
        checked += 1
    assert checked >= 3


@pytest.mark.parametrize("role", list(Role))
def test_wrong_roles_are_refused_and_right_roles_let_in(app, make, role) -> None:
    make.user(role, username="walker")
    client = app.test_client()
    assert login(client, "walker", PASSWORD).status_code == 302
    for rule, method, access in guarded_rules(app):
        if access == PUBLIC or rule.endpoint == "auth.logout":
            continue
        url = url_for_rule(rule)
        response = client.open(url, method=method)
        if role in access:
            assert response.status_code not in (401, 403), (role, method, url)
        else:
            assert response.status_code == 403, (role, method, url)
            if url.startswith("/api/"):
                assert response.json["error"]


def test_public_routes_are_few_and_known(app) -> None:
    public = {rule.endpoint for rule, _m, access in guarded_rules(app) if access == PUBLIC}
    assert public <= {"auth.login", "auth.language", "dashboard.home", "api.health"} | {
        e for e in public if e.startswith(("verify.", "calendar_feeds.", "api.certificate"))
    }


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/dashboard", "/dashboard"),
        ("/trainees?q=budi", "/trainees?q=budi"),
        ("https://evil.example/", None),
        ("//evil.example", None),
        ("/\\evil.example", None),
        ("/ok\\evil", None),
        ("/line\nbreak", None),
        ("", None),
        (None, None),
        ("dashboard", None),
    ],
)
def test_safe_next(target, safe) -> None:
    assert safe_next(target) == safe

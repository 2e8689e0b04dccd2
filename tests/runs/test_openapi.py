"""/api/v1/openapi.json describes every API route, and real responses match it (SPEC 6)."""

from __future__ import annotations

import re
import uuid

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_spec_validator import validate

from isdc.models import Role
from tests.conftest import login
from tests.factories import PASSWORD
from tests.runs.helpers import run_bytes


@pytest.fixture
def spec(client):  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    return response.json


class SentRequest(WerkzeugOpenAPIRequest):
    """The request as sent; its body was consumed by the server, and checking a response
    needs only the path, method and headers."""

    @property
    def body(self) -> bytes | None:
        return None


def check(spec_dict, response) -> None:  # type: ignore[no-untyped-def]
    """The response is one the document describes for its path, method and status."""
    api = OpenAPI.from_dict(spec_dict)
    api.validate_response(SentRequest(response.request), WerkzeugOpenAPIResponse(response))


def test_the_document_is_valid_openapi(spec) -> None:
    validate(spec)
    assert spec["openapi"].startswith("3.1") and spec["servers"] == [{"url": "/api/v1"}]


def test_every_api_route_is_described_and_every_described_route_exists(app, spec) -> None:
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((path, method.lower()))
    described = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert routes <= described, routes - described
    # The certificate check is served by the certificates area; until it is merged the
    # document describes it ahead of the route (the contract is fixed by SPEC 6).
    missing = described - routes
    assert missing <= {("/certificates/{code}", "get")}, missing


def test_station_responses_match_the_document(spec, client, bay) -> None:
    check(spec, client.get("/api/v1/health"))
    check(spec, client.get("/api/v1/openapi.json"))
    check(spec, client.get("/api/v1/station", headers=bay.auth))
    check(spec, client.get("/api/v1/station"))
    nxt = client.get("/api/v1/assignments/next", headers=bay.auth)
    assert nxt.status_code == 200
    check(spec, nxt)
    empty = client.get("/api/v1/assignments/next", headers=bay.auth)
    assert empty.status_code == 204
    check(spec, empty)
    check(spec, client.get("/api/v1/assignments/next", headers={"Authorization": "Bearer x"}))


def test_upload_responses_match_the_document(spec, client, bay, app) -> None:
    auth = {**bay.auth, "Content-Type": "application/octet-stream"}
    body = run_bytes(assignment=bay.assignment.id)
    created = client.post("/api/v1/runs", data=body, headers=auth)
    assert created.status_code == 201
    check(spec, created)
    again = client.post("/api/v1/runs", data=body, headers=auth)
    assert again.status_code == 200
    check(spec, again)
    run_id = created.json["run_id"]
    conflict = client.post(
        "/api/v1/runs",
        data=run_bytes(run_id=run_id, assignment=bay.assignment.id, simulator_version="x"),
        headers=auth,
    )
    assert conflict.status_code == 409
    check(spec, conflict)
    for data, status in (
        (b"", 400),
        (b"not telemetry", 422),
        (run_bytes(trainee=999_999), 403),
    ):
        response = client.post("/api/v1/runs", data=data, headers=auth)
        assert response.status_code == status
        check(spec, response)
    check(spec, client.post("/api/v1/runs", data=body))
    app.config["RUN_UPLOAD_MAX_BYTES"] = 100
    too_big = client.post("/api/v1/runs", data=body, headers=auth)
    assert too_big.status_code == 413
    check(spec, too_big)

    report = client.get(f"/api/v1/runs/{run_id}", headers=bay.auth)
    assert report.status_code == 200
    check(spec, report)
    check(spec, client.get(f"/api/v1/runs/{uuid.uuid4()}", headers=bay.auth))
    check(spec, client.get(f"/api/v1/runs/{run_id}"))


def test_user_responses_match_the_document(spec, app, make) -> None:
    make.user(Role.INSTRUCTOR, username="guru")
    client = app.test_client()
    check(spec, client.get("/api/v1/me"))
    login(client, "guru", PASSWORD)
    check(spec, client.get("/api/v1/me"))
    check(spec, client.get("/api/v1/assignments/next"))


def test_the_certificate_route_matches_the_document(spec, client) -> None:
    check(spec, client.get("/api/v1/certificates/NO-SUCH-CODE"))


def test_the_check_catches_a_response_the_document_does_not_allow(spec, client, bay) -> None:
    import copy

    from openapi_core.validation.response.exceptions import ResponseValidationError

    strict = copy.deepcopy(spec)
    strict["components"]["schemas"]["Station"]["required"].append("serial_number")
    with pytest.raises(ResponseValidationError):
        check(strict, client.get("/api/v1/station", headers=bay.auth))
    del strict["paths"]["/station"]["get"]["responses"]["401"]
    with pytest.raises(Exception, match="401"):
        check(strict, client.get("/api/v1/station"))


def test_docs_api_md_covers_every_route(spec) -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    assert "/api/v1/openapi.json" in text
    for path, item in spec["paths"].items():
        documented = re.sub(r"\{(\w+)\}", r"<\1>", path)
        for method in item:
            assert f"`{method.upper()} {documented}" in text, (method, path)

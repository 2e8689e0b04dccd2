"""Fuzzing the station API: nothing a client sends makes it answer 500 (SPEC 6, 9).

Hypothesis sends random bodies, damaged telemetry files, headers full of arbitrary JSON,
arbitrary tokens and paths; every answer must be a 2xx or a 4xx JSON error.
"""

from __future__ import annotations

import io
import json
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.runs.helpers import run_bytes

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def assert_handled(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if response.status_code >= 400:
        assert response.is_json
        assert set(response.json) == {"error", "detail"} and response.json["detail"]


def members(body: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def rezip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


def post(client, bay, body: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/runs", data=body, headers={**bay.auth, "Content-Type": "application/octet-stream"}
    )


@FUZZ
@given(body=st.binary(max_size=2048))
def test_random_bodies(client, bay, body: bytes) -> None:
    assert_handled(post(client, bay, body))


@FUZZ
@given(data=st.data())
def test_damaged_telemetry_files(client, bay, data) -> None:  # type: ignore[no-untyped-def]
    body = bytearray(
        run_bytes(assignment=bay.assignment.id, run_id="5b0e7c1e-2f7a-4a53-9d0b-9a3e2f1c0d11")
    )
    for _ in range(data.draw(st.integers(1, 8))):
        kind = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        at = data.draw(st.integers(0, len(body) - 1))
        if kind == "flip":
            body[at] ^= data.draw(st.integers(1, 255))
        elif kind == "cut":
            del body[at : at + data.draw(st.integers(1, 64))]
        else:
            body[at:at] = data.draw(st.binary(min_size=1, max_size=16))
        if not body:
            break
    assert_handled(post(client, bay, bytes(body)))


@FUZZ
@given(changes=st.dictionaries(
    st.sampled_from(["format", "version", "run_id", "scenario", "seed", "vehicle", "driver",
                     "station", "trainee", "assignment", "started_at", "tick_rate", "ticks",
                     "duration_s", "outcome", "columns", "route_length_m", "conditions",
                     "simulator_version"]),
    json_values, min_size=1, max_size=4))  # fmt: skip
def test_headers_with_arbitrary_values(client, bay, changes) -> None:  # type: ignore[no-untyped-def]
    parts = members(run_bytes(assignment=bay.assignment.id))
    header = json.loads(parts["header.json"])
    header.update(changes)
    parts["header.json"] = json.dumps(header).encode()
    assert_handled(post(client, bay, rezip(parts)))


@FUZZ
@given(events=json_values, header_text=st.text(max_size=50))
def test_events_and_unparsable_members(client, bay, events, header_text) -> None:  # type: ignore[no-untyped-def]
    parts = members(run_bytes(assignment=bay.assignment.id))
    parts["events.json"] = json.dumps(events).encode()
    assert_handled(post(client, bay, rezip(parts)))
    parts["header.json"] = header_text.encode()
    assert_handled(post(client, bay, rezip(parts)))


@FUZZ
@given(token=st.text(max_size=60), path=st.text(max_size=40))
def test_arbitrary_tokens_and_run_ids(client, bay, token, path) -> None:  # type: ignore[no-untyped-def]
    headers = {"Authorization": "Bearer " + token.replace("\n", " ").replace("\r", " ")}
    assert_handled(client.get("/api/v1/assignments/next", headers=headers))
    assert_handled(client.get("/api/v1/runs/" + path.replace("?", "").replace("#", ""),
                              headers=bay.auth))  # fmt: skip

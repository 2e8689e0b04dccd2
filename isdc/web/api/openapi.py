"""The OpenAPI 3.1 document of the API, served at ``/api/v1/openapi.json`` (SPEC 6).

Written by hand, next to the routes it describes; the score report schema is the scoring
engine's own JSON Schema (``isdc/scoring/report.schema.json``), so the two cannot drift apart.
The test suite checks real responses of every route against this document.
"""

from __future__ import annotations

import copy
import functools
import json
from importlib import resources
from typing import Any

from flask import jsonify

from isdc.version import __version__
from isdc.web.access import public
from isdc.web.api import bp

JSON = "application/json"
TELEMETRY_MEDIA = "application/octet-stream"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json_response(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": _ref(schema)}}}


def _error(description: str) -> dict[str, Any]:
    return _json_response(description, "Error")


UNAUTHORIZED = _error("The station token (or sign-in) is missing, unknown or revoked.")
NOT_FOUND = _error("No such resource that the caller may see.")


@functools.cache
def score_report_schema() -> dict[str, Any]:
    """The scoring engine's report schema, its local ``$defs`` moved into the components."""
    text = resources.files("isdc.scoring").joinpath("report.schema.json").read_text("utf-8")
    schema = json.loads(text.replace('"#/$defs/text"', '"#/components/schemas/Text"'))
    schema.pop("$schema", None)
    schema.pop("$id", None)
    schema.pop("$defs", None)
    return schema


@functools.cache
def document() -> dict[str, Any]:
    station_auth = [{"stationToken": []}]
    either_auth = [{"stationToken": []}, {"session": []}]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ISDC Suite API",
            "version": __version__,
            "description": (
                "The back office's JSON API. Simulator stations authenticate with "
                "`Authorization: Bearer TOKEN` (a station token from the administrator); "
                "people use their signed-in browser session. Errors are "
                '`{"error": "...", "detail": ...}` with a 4xx status. See docs/api.md.'
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/health": {
                "get": {
                    "summary": "The application answers (for monitoring)",
                    "operationId": "health",
                    "security": [],
                    "responses": {"200": _json_response("Up.", "Health")},
                }
            },
            "/me": {
                "get": {
                    "summary": "The signed-in user",
                    "operationId": "me",
                    "security": [{"session": []}],
                    "responses": {
                        "200": _json_response("The user.", "Me"),
                        "401": _error("Not signed in."),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "openapi",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "The OpenAPI document.",
                            "content": {JSON: {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
            "/station": {
                "get": {
                    "summary": "The station the token belongs to",
                    "operationId": "station",
                    "description": "A station checks its token and learns its bay's name "
                    "(shown on the waiting screen).",
                    "security": station_auth,
                    "responses": {
                        "200": _json_response("The station.", "Station"),
                        "401": UNAUTHORIZED,
                        "403": _error("Signed-in users are not stations."),
                    },
                }
            },
            "/assignments/next": {
                "get": {
                    "summary": "The station's next assignment",
                    "operationId": "nextAssignment",
                    "description": "The oldest assignment queued for this station's bay; it is "
                    "marked sent and is not handed out again. 204 when none waits.",
                    "security": station_auth,
                    "responses": {
                        "200": _json_response("The assignment, now marked sent.", "Assignment"),
                        "204": {"description": "Nothing waits for this station."},
                        "401": UNAUTHORIZED,
                        "403": _error("Signed-in users are not stations."),
                    },
                }
            },
            "/runs": {
                "post": {
                    "summary": "Upload one run (a telemetry file)",
                    "operationId": "uploadRun",
                    "description": (
                        "The body is one telemetry file (docs/telemetry.md). It is validated "
                        "whole before anything is stored (format, version, size, run UUID, a "
                        "scenario this server knows, an assignment or trainee this station may "
                        "report for), stored atomically and scored with the scenario's current "
                        "rubric. Idempotent on the run UUID: the same UUID with the same bytes "
                        "answers 200 with the first answer and never makes a second run; with "
                        "other bytes 409."
                    ),
                    "security": station_auth,
                    "requestBody": {
                        "required": True,
                        "content": {
                            TELEMETRY_MEDIA: {"schema": {"type": "string", "format": "binary"}}
                        },
                    },
                    "responses": {
                        "201": _json_response("Stored and scored.", "RunReceipt"),
                        "200": _json_response(
                            "Already stored (a repeated upload): the first answer again.",
                            "RunReceipt",
                        ),
                        "400": _error("Empty body, or the upload ended before the whole file."),
                        "401": UNAUTHORIZED,
                        "403": _error(
                            "The run is for an assignment or trainee this station may not "
                            "report for (or a signed-in user tried to upload)."
                        ),
                        "409": _error("This run UUID was stored with other content."),
                        "413": _error("The file is larger than the server's limit."),
                        "422": _error(
                            "Not a usable telemetry file: damaged, another format or version, "
                            "an unknown scenario, or not what the assignment asked for."
                        ),
                    },
                }
            },
            "/runs/{run_id}": {
                "get": {
                    "summary": "A run's current score report",
                    "operationId": "runReport",
                    "description": "For the station that uploaded it, staff of the site, and "
                    "the trainee who drove it.",
                    "security": either_auth,
                    "parameters": [
                        {
                            "name": "run_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "format": "uuid"},
                        }
                    ],
                    "responses": {
                        "200": _json_response("The score report (SPEC 7).", "ScoreReport"),
                        "401": UNAUTHORIZED,
                        "404": NOT_FOUND,
                    },
                }
            },
            "/certificates/{code}": {
                "get": {
                    "summary": "Verify a certificate (public)",
                    "operationId": "verifyCertificate",
                    "description": "What the QR code on a certificate proves. `status` is "
                    "`valid`, `revoked` or `expired`.",
                    "security": [],
                    "parameters": [
                        {
                            "name": "code",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "minLength": 1, "maxLength": 64},
                        }
                    ],
                    "responses": {
                        "200": _json_response("The certificate's status.", "Certificate"),
                        "400": _error("Not a verification code (malformed)."),
                        "404": _error("No certificate with this code."),
                        "429": _error("Too many checks from this address; wait a minute."),
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "stationToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A station token (`flask --app isdc station-token NAME` or "
                    "the Stations page); shown once, stored hashed, revocable.",
                },
                "session": {"type": "apiKey", "in": "cookie", "name": "isdc_session"},
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error", "detail"],
                    "properties": {
                        "error": {"type": "string", "description": "what went wrong, short"},
                        "detail": {"description": "a message naming the problem"},
                    },
                },
                "Health": {
                    "type": "object",
                    "required": ["status", "version"],
                    "properties": {"status": {"const": "ok"}, "version": {"type": "string"}},
                },
                "Me": {
                    "type": "object",
                    "required": ["username", "role", "name", "locale", "site"],
                    "properties": {
                        "username": {"type": "string"},
                        "role": {"enum": ["admin", "instructor", "trainee"]},
                        "name": {"type": "string"},
                        "locale": {"enum": ["id", "en"]},
                        "site": {"type": "string"},
                    },
                },
                "Station": {
                    "type": "object",
                    "required": ["name", "bay", "site"],
                    "properties": {
                        "name": {"type": "string"},
                        "bay": {"type": ["string", "null"]},
                        "site": {"type": "string"},
                    },
                },
                "Text": {
                    "type": "object",
                    "required": ["id", "en"],
                    "properties": {"id": {"type": "string"}, "en": {"type": "string"}},
                },
                "Assignment": {
                    "type": "object",
                    "required": ["assignment_id", "trainee", "scenario", "vehicle", "seed"],
                    "properties": {
                        "assignment_id": {"type": "integer"},
                        "trainee": {
                            "type": "object",
                            "required": ["id", "name", "reference"],
                            "properties": {
                                "id": {"type": "integer"},
                                "name": {"type": "string", "description": "display name"},
                                "reference": {
                                    "type": "string",
                                    "description": "what the station records as the run's trainee",
                                },
                            },
                        },
                        "scenario": {
                            "type": "object",
                            "required": ["id", "title", "brief"],
                            "properties": {
                                "id": {"type": "string"},
                                "version": {"type": ["integer", "null"]},
                                "title": _ref("Text"),
                                "brief": _ref("Text"),
                            },
                        },
                        "vehicle": {"enum": ["car", "motorcycle", "truck"]},
                        "seed": {"type": "integer"},
                        "sent_at": {"type": ["string", "null"], "format": "date-time"},
                    },
                },
                "RunReceipt": {
                    "type": "object",
                    "required": ["run_id", "score", "passed", "report_url"],
                    "properties": {
                        "run_id": {"type": "string", "format": "uuid"},
                        "score": {"type": "number", "minimum": 0, "maximum": 100},
                        "passed": {"type": "boolean"},
                        "report_url": {"type": "string", "format": "uri"},
                    },
                },
                "Certificate": {
                    "type": "object",
                    "required": ["status", "holder", "course", "issued", "expires"],
                    "properties": {
                        "status": {"enum": ["valid", "revoked", "expired"]},
                        "holder": {"type": "string"},
                        "course": {"type": "string", "description": "course title (Indonesian)"},
                        "course_en": {"type": "string"},
                        "serial": {"type": "string"},
                        "issued": {"type": "string", "format": "date"},
                        "expires": {
                            "type": ["string", "null"],
                            "format": "date",
                            "description": "null when the certificate does not expire",
                        },
                        "issuer": {"type": "string"},
                        "revoked_on": {"type": ["string", "null"], "format": "date"},
                        "revoke_reason": {"type": ["string", "null"]},
                        "replaced_by": {"type": ["string", "null"]},
                    },
                },
                "ScoreReport": score_report_schema(),
            },
        },
    }


@bp.get("/openapi.json")
@public
def openapi_json() -> Any:
    """This API's OpenAPI document."""
    return jsonify(copy.deepcopy(document()))

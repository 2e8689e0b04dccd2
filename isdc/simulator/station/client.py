"""The station's HTTP client for the back office API (SPEC 6), with errors sorted by what to do.

* :class:`Unreachable` - try again later: no connection, a timeout, a cut connection, a 5xx,
  408/429, or a 400 saying the body arrived incomplete.
* :class:`TokenRefused` - 401: the token is wrong or revoked; files stay, nothing will work
  until an administrator issues a new token.
* :class:`Rejected` - any other 4xx: this file will never be accepted as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

USER_AGENT = "isdc-sim-station"
TRANSIENT_STATUSES = frozenset({404, 408, 425, 429})


class ApiError(Exception):
    """A problem talking to the server; the message is one line for the operator."""


class Unreachable(ApiError):
    pass


class TokenRefused(ApiError):
    pass


class Rejected(ApiError):
    def __init__(self, status: int, error: str, detail: str):
        super().__init__(f"{status} {error}: {detail}")
        self.status = status
        self.error = error
        self.detail = detail


@dataclass(frozen=True)
class UploadAnswer:
    run_id: str
    score: float
    passed: bool
    report_url: str
    repeated: bool  # 200: the server already had this run


class StationClient:
    def __init__(
        self,
        server: str,
        token: str,
        *,
        timeout: float = 30.0,
        session: requests.Session | None = None,
    ):
        self.base = server.rstrip("/") + "/api/v1"
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {token}", "User-Agent": USER_AGENT})

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        try:
            response = self.session.request(
                method, self.base + path, timeout=self.timeout, **kwargs
            )
        except requests.RequestException as exc:
            raise Unreachable(f"cannot reach the server ({_reason(exc)})") from None
        status = response.status_code
        if status in (200, 201, 204):
            return response
        error, detail = _error_of(response)
        if status == 401:
            raise TokenRefused(f"the server refused the station token ({detail})")
        if status >= 500 or status in TRANSIENT_STATUSES or error == "incomplete_body":
            raise Unreachable(f"the server answered {status} ({detail})")
        raise Rejected(status, error, detail)

    def station(self) -> dict[str, Any]:
        return dict(self._request("GET", "/station").json())

    def next_assignment(self) -> dict[str, Any] | None:
        response = self._request("GET", "/assignments/next")
        return None if response.status_code == 204 else dict(response.json())

    def upload(self, data: bytes) -> UploadAnswer:
        response = self._request(
            "POST",
            "/runs",
            data=data,
            headers={"Content-Type": "application/octet-stream"},
        )
        body = _json(response)
        try:
            return UploadAnswer(
                run_id=str(body["run_id"]),
                score=float(body["score"]),
                passed=bool(body["passed"]),
                report_url=str(body["report_url"]),
                repeated=response.status_code == 200,
            )
        except (KeyError, TypeError, ValueError):
            raise Unreachable("the server's answer was not understood; will try again") from None


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _error_of(response: requests.Response) -> tuple[str, str]:
    body = _json(response)
    error = str(body.get("error") or response.reason or response.status_code)
    detail = body.get("detail")
    return error, str(detail if detail is not None else error)


def _reason(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed"
    return type(exc).__name__

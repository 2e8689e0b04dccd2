"""Authenticated admin dashboard under load: gunicorn with 2 workers on 127.0.0.1, a throwaway
SQLite database with 10,000 trainees and 2,000 sessions, 16 concurrent keep-alive clients for
20 s (wrk; a bounded Python load generator where wrk is missing).

Figures: ``dashboard_admin_rps`` (budget >= 300 req/s) and ``dashboard_admin_p99_ms``
(budget <= 150 ms), SPEC §8.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
import harness  # noqa: E402

TRAINEES, SESSIONS = 10_000, 2_000
CLIENTS, SECONDS, WORKERS = 16, 20, 2
USER_AGENT = "isdc-bench/1"
PASSWORD = "bench-password-1"


def seed(instance: Path) -> None:
    from isdc import create_app
    from isdc.demo.bulk import seed_bulk
    from isdc.extensions import db
    from isdc.models import Role, Site, User
    from isdc.schema import upgrade_to_head

    app = create_app({"INSTANCE_PATH": str(instance)})
    with app.app_context():
        upgrade_to_head()
        site = Site(name="ISDC Serpong", code="SRP", timezone="Asia/Jakarta")
        db.session.add(site)
        db.session.flush()
        started = time.perf_counter()
        counts = seed_bulk(db.session, site, trainees=TRAINEES, sessions=SESSIONS)
        admin = User(username="admin", role=Role.ADMIN, site=site, display_name="Admin")
        admin.set_password(PASSWORD)
        db.session.add(admin)
        db.session.commit()
        print(f"  seeded {counts} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        db.engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(instance: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "ISDC_INSTANCE_PATH": str(instance)}
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind",
         f"127.0.0.1:{port}", "--no-control-socket", "isdc:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _, _ = request(port, "GET", "/api/v1/health")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def request(port: int, method: str, path: str, body: str | None = None, cookie: str = ""):  # type: ignore[no-untyped-def]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"User-Agent": USER_AGENT}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read().decode()
    cookies = response.headers.get_all("Set-Cookie") or []
    conn.close()
    return response.status, data, cookies


def sign_in(port: int) -> str:
    """A real sign-in through the form (CSRF token and all); returns the Cookie header."""
    _, page, cookies = request(port, "GET", "/login")
    cookie = "; ".join(c.split(";", 1)[0] for c in cookies)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": "admin", "password": PASSWORD, "csrf_token": token})
    status, _, cookies = request(port, "POST", "/login", body, cookie)
    if status != 302:
        raise RuntimeError(f"sign-in failed with {status}")
    cookie = "; ".join(c.split(";", 1)[0] for c in cookies)
    status, page, _ = request(port, "GET", "/dashboard", cookie=cookie)
    if status != 200 or 'data-count="trainees">10.' not in page:
        raise RuntimeError(f"dashboard not served as expected ({status})")
    return cookie


def wrk_binary() -> str | None:
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], capture_output=True, check=False)
    return shutil.which("wrk")


def run_wrk(wrk: str, port: int, cookie: str, seconds: int) -> tuple[float, float]:
    proc = subprocess.run(
        [wrk, "-t1", f"-c{CLIENTS}", f"-d{seconds}s", "--latency", "-H", f"Cookie: {cookie}",
         "-H", f"User-Agent: {USER_AGENT}", f"http://127.0.0.1:{port}/dashboard"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    out = proc.stdout
    if "Non-2xx or 3xx responses" in out or "Socket errors" in out:
        raise RuntimeError("errors under load:\n" + out)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"\n\s+99%\s+([\d.]+)(us|ms|s)\b", out).groups()
    p99_ms = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return rps, p99_ms


def run_python_clients(port: int, cookie: str, seconds: int) -> tuple[float, float]:
    """Fallback load generator: CLIENTS threads with keep-alive connections."""
    latencies: list[float] = []
    errors: list[str] = []
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            conn.request("GET", "/dashboard", headers={"Cookie": cookie, "User-Agent": USER_AGENT})
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                errors.append(str(response.status))
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests")
    return len(latencies) / (time.perf_counter() - began), harness.percentile(latencies, 99)


def main() -> list[harness.Result]:
    with tempfile.TemporaryDirectory(prefix="isdc-bench-") as folder:
        instance = Path(folder)
        seed(instance)
        port = free_port()
        server = start_server(instance, port)
        try:
            cookie = sign_in(port)
            wrk = wrk_binary()
            if wrk:
                run_wrk(wrk, port, cookie, 3)  # warm-up: imports, caches, connections
                rps, p99 = run_wrk(wrk, port, cookie, SECONDS)
            else:
                print("  wrk not available: Python load generator", file=sys.stderr)
                run_python_clients(port, cookie, 3)
                rps, p99 = run_python_clients(port, cookie, SECONDS)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    return [
        harness.Result("dashboard_admin_rps", rps, 300, "req/s", "higher"),
        harness.Result("dashboard_admin_p99_ms", p99, 150, "ms", "lower"),
    ]


if __name__ == "__main__":
    harness.report(main)

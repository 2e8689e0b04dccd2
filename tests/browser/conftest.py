"""The browser leg: the app served by gunicorn in a subprocess on a free port, with the demo
data, driven by Playwright through Debian's Chromium. Skipped (with the reason) where
/usr/bin/chromium is not installed; .ci/run installs it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (Debian: apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="module")
def demo_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo data in the test database, served by gunicorn; emptied again afterwards."""
    from isdc.demo import seed_demo
    from isdc.extensions import db
    from isdc.models import Site
    from isdc.models.base import local_today
    from isdc.models.issuing import CertificateStore
    from tests.conftest import TEST_SECRET, empty_all_tables, running_app

    instance = tmp_path_factory.mktemp("browser-instance")
    with running_app(database_url, instance) as app:
        site = Site(name="ISDC Serpong", code="SRP", timezone="Asia/Jakarta")
        db.session.add(site)
        seed_demo(db.session, site, local_today(), certificate_store=CertificateStore(instance))
        db.session.commit()
        engine_url = app.config["SQLALCHEMY_DATABASE_URI"]

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": engine_url,
        "ISDC_INSTANCE_PATH": str(instance),
        "ISDC_SECRET_KEY": TEST_SECRET,
    }
    log = (instance / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}",
         "--no-control-socket", "isdc:create_app()"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server, instance / "gunicorn.log")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
        with running_app(database_url, instance) as app:
            empty_all_tables(db.engine)


def _wait_until_up(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(base + "/api/v1/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer within 30 s")


@pytest.fixture(scope="module")
def browser(chromium_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, demo_server: str) -> Iterator[Any]:
    """A fresh browser profile per test; fails the test on any CSP violation or JS error."""
    context = browser.new_context(base_url=demo_server, viewport={"width": 1280, "height": 860})
    tab = context.new_page()
    problems: list[str] = []

    def on_console(message: Any) -> None:
        # A page answered with 4xx on purpose (wrong password) is logged as a failed load;
        # failed sub-resources are caught by on_response below instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    def on_response(response: Any) -> None:
        if response.request.resource_type != "document" and response.status >= 400:
            problems.append(f"{response.status} for {response.url}")

    tab.on("console", on_console)
    tab.on("pageerror", lambda exc: problems.append(str(exc)))
    tab.on("response", on_response)
    tab.set_default_timeout(10_000)
    try:
        yield tab
        assert problems == [], f"browser console errors: {problems}"
    finally:
        context.close()


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

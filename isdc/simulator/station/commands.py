"""``isdc-sim station`` and ``isdc-sim upload``: arguments in, station client out.

Every problem an operator can cause ends as one line on stderr with a non-zero exit (the CLI
prints :class:`~isdc.simulator.cli.CliError`): 1 for errors, 2 for a missing part of the
build, 3 when runs are kept in the outbox because the server did not answer in time.
"""

from __future__ import annotations

import argparse
import time
from urllib.parse import urlsplit

from isdc.simulator.station.client import StationClient, TokenRefused
from isdc.simulator.station.mode import (
    Station,
    StationConfig,
    StationStopped,
    headless_drive,
    window_drive,
)
from isdc.simulator.station.outbox import Outbox, default_folder
from isdc.simulator.station.screens import TextScreen
from isdc.simulator.station.uploader import Backoff, Uploader

EXIT_KEPT = 3


def _cli_error(message: str, code: int = 1) -> Exception:
    from isdc.simulator.cli import CliError

    return CliError(message, code)


def check_server(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _cli_error(f"--server must be a URL such as http://10.0.0.5:5000, not {url!r}")
    return url.rstrip("/")


def check_token(token: str) -> str:
    token = token.strip()
    if not token or any(ch.isspace() for ch in token):
        raise _cli_error("--token is empty or has spaces; paste the token the administrator gave")
    return token


def _optional_frontend():  # type: ignore[no-untyped-def]
    from isdc.simulator.cli import _optional

    module = _optional("isdc.simulator.frontend")
    return module if module is not None and hasattr(module, "drive") else None


def outbox_of(args: argparse.Namespace) -> Outbox:
    outbox = Outbox(args.outbox or default_folder())
    try:
        outbox.ensure()
    except OSError as exc:
        raise _cli_error(f"cannot use the outbox {outbox.folder}: {exc.strerror or exc}") from None
    return outbox


def station(args: argparse.Namespace) -> int:
    server, token = check_server(args.server), check_token(args.token)
    driver = args.driver or ("autopilot" if args.headless else "keyboard")
    if args.headless and not driver.startswith("autopilot"):
        raise _cli_error(f"--headless drives with an autopilot, not {driver}", 2)
    if args.headless:
        drive = headless_drive(driver)
    else:
        frontend = _optional_frontend()
        if frontend is None:
            raise _cli_error(
                "the pygame front end is not installed in this build; use --headless with "
                "--driver autopilot",
                2,
            )
        drive = window_drive(driver, args.lang, args.fullscreen, args.controls)
    config = StationConfig(
        driver=driver,
        headless=args.headless,
        once=args.once,
        poll_seconds=args.poll,
        brief_seconds=args.brief_seconds,
        max_wait=args.max_wait,
        lang=args.lang,
    )
    screen = TextScreen(args.lang)
    runner = Station(
        client=StationClient(server, token),
        outbox=outbox_of(args),
        screen=screen,
        config=config,
        drive=drive,
    )
    try:
        return runner.run()
    except StationStopped as exc:
        raise _cli_error(str(exc), exc.code) from None
    finally:
        screen.close()


def upload(args: argparse.Namespace) -> int:
    server, token = check_server(args.server), check_token(args.token)
    outbox = outbox_of(args)
    try:
        path = outbox.add(args.file)
    except OSError as exc:
        raise _cli_error(
            f"cannot copy {args.file} into the outbox: {exc.strerror or exc}"
        ) from None
    uploader = Uploader(
        StationClient(server, token),
        outbox,
        backoff=Backoff(base=1.0, max_delay=30.0),
        log=print,  # progress on stdout; stderr is kept for the one-line error
    )
    try:
        result = uploader.deliver(path)
        if not result.done:
            later = uploader.drain(deadline=time.monotonic() + args.wait)
            result = next((d for d in later if d.path == path), result)
    except TokenRefused as exc:
        raise _cli_error(f"{exc}; the file is kept in {outbox.folder}") from None
    if result.answer is None:
        rejected = outbox.rejected_folder / path.name
        if rejected.exists():
            reason = result.rejected or "see the .reason.txt file"
            raise _cli_error(f"the server refused the file ({reason}); moved to {rejected}")
        if path.exists():
            raise _cli_error(
                f"the server did not acknowledge the file within {args.wait:g} s; it is kept "
                f"in {outbox.folder} (station mode or another upload will send it)",
                EXIT_KEPT,
            )
    answer = result.answer
    verdict = "passed" if answer.passed else "not passed"
    already = " (the server already had it)" if answer.repeated else ""
    print(f"Uploaded run {answer.run_id}{already}: score {answer.score:.1f}, {verdict}.")
    print(f"Report: {answer.report_url}")
    return 0

"""Operator commands: ``flask --app isdc init-db | create-user | station-token | backup |
anev-report``.

Bad input ends with one line on stderr and a non-zero exit, never a traceback, and nothing
half-written (each command is one transaction).
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from isdc.extensions import db
from isdc.models import Facility, Instructor, Role, Site, Station, Trainee, UiLocale, User
from isdc.models.account_links import free_instructors, linkable_trainee
from isdc.models.accounts import normalise_username, password_problems, username_problems
from isdc.models.audit import Actor, AuditAction, acting_as, audit
from isdc.models.base import local_today


def fail(message: str) -> NoReturn:
    """Stop with ``Error: message`` on stderr and exit status 1, leaving nothing half-written."""
    db.session.rollback()
    raise click.ClickException(message)


def cli_actor() -> Actor:
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return Actor(f"cli:{who}")


def default_site() -> Site:
    site = db.session.scalar(select(Site).order_by(Site.id))
    if site is None:
        fail("the database has no site yet; run `flask --app isdc init-db` first")
    return site


def find_site(code: str | None) -> Site:
    if code is None:
        return default_site()
    site = db.session.scalar(select(Site).where(func.upper(Site.code) == code.upper()))
    if site is None:
        fail(f"no site with code {code!r}")
    return site


def ensure_default_site() -> Site:
    """The site named in the configuration, created when the database has none."""
    site = db.session.scalar(select(Site).order_by(Site.id))
    if site is None:
        config = current_app.config
        site = Site(
            name=config["SITE_NAME"],
            code=config["SITE_CODE"],
            timezone=config["SITE_TIMEZONE"],
            public_base_url=config["PUBLIC_BASE_URL"],
        )
        db.session.add(site)
        db.session.flush()
    return site


@click.command("init-db")
@click.option("--demo", is_flag=True, help="Fill an empty database with the ISDC Serpong demo.")
@with_appcontext
def init_db(demo: bool) -> None:
    """Create or upgrade the database schema (migrations); optionally load demo data."""
    from isdc.demo import DEMO_LOGINS, seed_demo
    from isdc.models.issuing import CertificateStore
    from isdc.schema import upgrade_to_head

    with acting_as(cli_actor()):
        try:
            upgrade_to_head()
            site = ensure_default_site()
            if demo:
                if db.session.scalar(select(func.count(User.id))) or db.session.scalar(
                    select(func.count(Trainee.id))
                ):
                    db.session.rollback()
                    fail("the database already holds users or trainees; --demo needs an empty one")
                seed_demo(
                    db.session,
                    site,
                    local_today(site.tzinfo),
                    runs_dir=_runs_folder(),
                    certificate_store=CertificateStore(current_app.instance_path),
                )
            db.session.commit()
            refresh_planner_statistics()
        except SQLAlchemyError as exc:
            db.session.rollback()
            fail(f"database error: {_first_line(exc)}")
    click.echo("Database ready.")
    if demo:
        click.echo("Demo data loaded. Demo logins (username / password):")
        for role, username, password in DEMO_LOGINS:
            click.echo(f"  {role.value:<11} {username} / {password}")
        click.echo(
            "Demo station tokens: isdc-demo-sim-01 ... isdc-demo-sim-06 (SIM-01 ... SIM-06)."
        )


def _runs_folder():  # type: ignore[no-untyped-def]
    from isdc.web.api.runs import run_store

    return run_store().root


def refresh_planner_statistics() -> None:
    """ANALYZE: the query planner's statistics, refreshed at every start (`make run`) and
    upgrade. Without them SQLite answers an analytics page filtered by organisation by probing
    every (trainee, session) pair - 600 ms instead of 25 ms at 20,000 trainees (PostgreSQL's
    autovacuum keeps its own, so there it only brings them forward)."""
    with db.engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()


@click.command("create-user")
@click.option("--role", "role_name", metavar="ROLE", help="admin, instructor or trainee")
@click.option("--username", metavar="NAME")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--name", "display_name", default="", help="Name shown in the interface.")
@click.option(
    "--trainee", "trainee_nik", metavar="NIK", help="Link to this trainee (role trainee)."
)
@click.option(
    "--instructor",
    "staff_number",
    metavar="NRP/NIP",
    help="Link to this instructor (role instructor).",
)
@click.option("--locale", type=click.Choice([loc.value for loc in UiLocale]), default="id")
@click.option("--site", "site_code", metavar="CODE", help="Site code (default: the first site).")
@with_appcontext
def create_user(
    role_name: str | None,
    username: str | None,
    password_stdin: bool,
    display_name: str,
    trainee_nik: str | None,
    staff_number: str | None,
    locale: str,
    site_code: str | None,
) -> None:
    """Create a login account. The password is prompted for, or read with --password-stdin."""
    roles = ", ".join(r.value for r in Role)
    if not role_name:
        fail(f"--role is required ({roles})")
    if role_name not in {r.value for r in Role}:
        fail(f"unknown role {role_name!r}; choose one of {roles}")
    role = Role(role_name)
    if not username:
        fail("--username is required")
    username = normalise_username(username)
    if problems := username_problems(username):
        fail(str(problems[0]))
    if trainee_nik and role != Role.TRAINEE:
        fail("--trainee only goes with --role trainee")
    if staff_number and role != Role.INSTRUCTOR:
        fail("--instructor only goes with --role instructor")
    try:
        if db.session.scalar(select(User.id).where(User.username == username)) is not None:
            fail(f"user {username!r} already exists")
        site = find_site(site_code)
        user = User(
            username=username,
            role=role,
            site=site,
            display_name=display_name.strip(),
            locale=UiLocale(locale),
        )
        if trainee_nik:
            trainee, problems = linkable_trainee(db.session, site.id, trainee_nik)
            if problems:
                fail(f"--trainee {trainee_nik}: {problems[0]}")
            user.trainee = trainee
            user.display_name = user.display_name or trainee.full_name
        if staff_number:
            user.instructor = _free_instructor(site, staff_number)
            user.display_name = user.display_name or user.instructor.display_name
        password = _read_password(password_stdin)
        if problems := password_problems(password):
            fail(str(problems[0]))
        user.set_password(password)
        with acting_as(cli_actor()):
            db.session.add(user)
            db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        fail(f"database error: {_first_line(exc)}")
    click.echo(f"Created {role.value} {username!r}.")


def _free_instructor(site: Site, staff_number: str) -> Instructor:
    """The site's instructor with this NRP/NIP, if active and without an account."""
    instructor = db.session.scalar(
        select(Instructor).where(
            Instructor.staff_number == staff_number, Instructor.site_id == site.id
        )
    )
    if instructor is None:
        fail(f"no instructor {staff_number} at {site.code}")
    if instructor not in free_instructors(db.session, site.id):
        fail(f"instructor {staff_number} is retired or already has an account")
    return instructor


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    try:
        return click.prompt("Password", hide_input=True, confirmation_prompt=True, default="",
                            show_default=False)  # fmt: skip
    except click.Abort:
        fail("no password given")


@click.command("station-token")
@click.argument("station_name", required=False)
@click.option("--bay", "bay_name", metavar="FACILITY", help="Simulator bay of a new station.")
@click.option("--site", "site_code", metavar="CODE")
@with_appcontext
def station_token(station_name: str | None, bay_name: str | None, site_code: str | None) -> None:
    """Print a new token for a simulator station (registering the station if it is new).

    The token is shown once and stored only hashed; the station's previous token stops working.
    """
    if not station_name or not station_name.strip():
        fail("give the station's name, e.g. `flask --app isdc station-token SIM-01`")
    name = station_name.strip()
    try:
        site = find_site(site_code)
        station = db.session.scalar(
            select(Station).where(
                Station.site_id == site.id, func.upper(Station.name) == name.upper()
            )
        )
        created = station is None
        if station is None:
            station = Station(site=site, name=name)
            db.session.add(station)
        if bay_name:
            bay = db.session.scalar(
                select(Facility).where(Facility.site_id == site.id, Facility.name == bay_name)
            )
            if bay is None:
                fail(f"no facility named {bay_name!r}")
            station.facility = bay
        with acting_as(cli_actor()):
            token = station.issue_token()
            db.session.flush()
            audit(db.session, AuditAction.TOKEN, station, issued=True, new_station=created)
            db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        fail(f"database error: {_first_line(exc)}")
    click.echo(
        f"{'Registered station' if created else 'New token for station'} {station.name}; "
        "any earlier token no longer works. Token:",
        err=True,
    )
    click.echo(token)


@click.command("backup")
@click.argument("path", required=False)
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@click.option(
    "--with-files",
    is_flag=True,
    help="Write a .tar.gz with the database copy and the stored runs, certificates and images.",
)
@with_appcontext
def backup(path: str | None, force: bool, with_files: bool) -> None:
    """Write a consistent copy of the live database to PATH (SQLite file or pg_dump archive)."""
    from isdc.backup import BackupError, backup_database, backup_installation

    if path is None:
        fail("give the file to write, e.g. `flask --app isdc backup /var/backups/isdc.sqlite`")
    if with_files and not path.endswith((".tar.gz", ".tgz")):
        fail(f"with --with-files the backup is a .tar.gz archive; got {path!r}")
    database_url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        if with_files:
            written, files = backup_installation(
                database_url, Path(current_app.instance_path), path, overwrite=force,
                runs_folder=_runs_folder(),
            )  # fmt: skip
            click.echo(f"{files:,} stored files archived with the database.")
        else:
            written = backup_database(database_url, path, overwrite=force)
    except BackupError as exc:
        fail(str(exc))
    try:
        with acting_as(cli_actor()):
            audit(db.session, AuditAction.BACKUP, entity_type="Database", path=str(written))
            db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()  # the copy exists; a read-only database cannot log it
    click.echo(f"Backup written to {written} ({written.stat().st_size:,} bytes).")


@click.command("anev-report")
@click.option("--month", metavar="YYYY-MM", help="The month to report on.")
@click.option(
    "--output", metavar="FILE", help="Where to write the PDF (default: anev-<site>-<month>.pdf)."
)
@click.option("--site", "site_code", metavar="CODE", help="Site code (default: the first site).")
@with_appcontext
def anev_report(month: str | None, output: str | None, site_code: str | None) -> None:
    """Write the monthly Anev report (PDF, Bahasa Indonesia) of a month to FILE."""
    from isdc.analytics.monthly_figures import MonthError, parse_month
    from isdc.analytics.monthly_report import render_monthly_report, report_filename, save_report

    if month is None:
        fail("give the month to report on, e.g. `--month 2026-10`")
    site = find_site(site_code)
    try:
        first = parse_month(month, local_today(site.tzinfo))
    except MonthError as exc:
        fail(f"--month: {exc}")
    target = output or report_filename(site, first)
    pdf = render_monthly_report(db.session, site, first)
    db.session.rollback()  # read only
    try:
        written = save_report(pdf, target)
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror or exc}")
    click.echo(f"Anev report {first:%Y-%m} written to {written} ({len(pdf):,} bytes).")


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def register(app: Flask) -> None:
    for command in (init_db, create_user, station_token, backup, anev_report):
        app.cli.add_command(command)

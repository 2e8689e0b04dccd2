"""Operator commands, including their bad input: one line on stderr, non-zero exit, no trace."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from isdc.models import (
    AuditLog,
    Course,
    CourseSession,
    Facility,
    Instructor,
    Role,
    Site,
    Station,
    Trainee,
    User,
)
from isdc.models.simulator import hash_station_token


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code != 0
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    return lines[0]


def count(db_session, model) -> int:  # type: ignore[no-untyped-def]
    return db_session.scalar(select(func.count()).select_from(model))


def test_init_db_creates_the_site_and_is_repeatable(runner, db_session) -> None:
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "Database ready." in result.output
    site = db_session.scalar(select(Site))
    assert (site.name, site.code, site.timezone) == ("ISDC Serpong", "SRP", "Asia/Jakarta")
    assert count(db_session, Site) == 1


def test_init_db_demo_loads_the_demo_and_prints_the_logins(runner, db_session) -> None:
    result = runner.invoke(args=["init-db", "--demo"])
    assert result.exit_code == 0, result.output
    assert "admin / isdc-admin" in result.output
    assert "instruktur / isdc-instruktur" in result.output
    assert "peserta / isdc-peserta" in result.output
    assert count(db_session, Trainee) == 60
    assert count(db_session, Instructor) == 4
    assert count(db_session, Facility) == 15
    assert count(db_session, Course) == 5
    assert count(db_session, Station) == 6
    assert count(db_session, CourseSession) >= 8
    again = runner.invoke(args=["init-db", "--demo"])
    assert "already holds users or trainees" in one_line_error(again)
    assert count(db_session, Trainee) == 60


def test_create_user_with_password_on_stdin(runner, db_session, site) -> None:
    result = runner.invoke(
        args=["create-user", "--role", "instructor", "--username", "Guru.Satu", "--password-stdin"],
        input="rahasia-sekali\n",
    )
    assert result.exit_code == 0, result.output
    user = db_session.scalar(select(User).where(User.username == "guru.satu"))
    assert user.role == Role.INSTRUCTOR and user.check_password("rahasia-sekali")
    assert db_session.scalar(
        select(AuditLog.actor_name).where(AuditLog.entity_type == "User")
    ).startswith("cli:")


def test_create_user_prompts_twice_for_the_password(runner, db_session, site) -> None:
    result = runner.invoke(
        args=["create-user", "--role", "admin", "--username", "kepala"],
        input="rahasia-sekali\nrahasia-sekali\n",
    )
    assert result.exit_code == 0, result.output
    assert db_session.scalar(select(User).where(User.username == "kepala")).check_password(
        "rahasia-sekali"
    )


def test_create_user_links_a_trainee(runner, db_session, make) -> None:
    trainee = make.trainee(full_name="Siti Rahayu")
    result = runner.invoke(
        args=["create-user", "--role", "trainee", "--username", "siti", "--trainee", trainee.nik,
              "--password-stdin"],
        input="rahasia-sekali\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = db_session.scalar(select(User).where(User.username == "siti"))
    assert user.trainee_id == trainee.id and user.display_name == "Siti Rahayu"


def test_create_user_links_people_by_the_same_rules_as_the_accounts_page(
    runner, db_session, make
) -> None:
    """A NIK typed with separators is found; a retired trainee, or an instructor who already
    has an account, is refused with one line and nothing is written."""
    from isdc.models import RecordStatus

    def create(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(args=["create-user", *args, "--password-stdin"],
                             input="rahasia-sekali\n")  # fmt: skip

    trainee = make.trainee(full_name="Siti Rahayu")
    spaced = f"{trainee.nik[:6]}.{trainee.nik[6:12]}.{trainee.nik[12:]}"
    assert create("--role", "trainee", "--username", "siti", "--trainee", spaced).exit_code == 0
    retired = make.trainee(full_name="Budi Lama", status=RecordStatus.RETIRED,
                           birth_date=date(1985, 3, 4))  # fmt: skip
    assert "retired" in one_line_error(
        create("--role", "trainee", "--username", "budi", "--trainee", retired.nik)
    )
    instructor = make.instructor()
    make.user(Role.INSTRUCTOR, username="agus", instructor_id=instructor.id)
    assert "already has an account" in one_line_error(
        create("--role", "instructor", "--username", "agus2", "--instructor",
               instructor.staff_number)
    )  # fmt: skip
    assert count(db_session, User) == 2  # siti and the factory's agus


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--role", "boss", "--username", "x1y"], "rahasia-sekali\n", "unknown role 'boss'"),
        (["--username", "abc"], "rahasia-sekali\n", "--role is required"),
        (["--role", "admin"], "rahasia-sekali\n", "--username is required"),
        (["--role", "admin", "--username", "a b"], "rahasia-sekali\n", "Username must be"),
        (["--role", "admin", "--username", "kosong"], "\n", "Password is required"),
        (["--role", "admin", "--username", "pendek"], "abc\n", "at least 8 characters"),
        (["--role", "admin", "--username", "x1y", "--trainee", "1"], "rahasia\n", "only goes with --role trainee"),
        (["--role", "trainee", "--username", "x1y", "--trainee", "3674011705900001"], "rahasia-sekali\n",
         "No trainee has this NIK"),
        (["--role", "admin", "--username", "x1y", "--site", "ZZZ"], "rahasia-sekali\n", "no site with code"),
    ],
)  # fmt: skip
def test_create_user_bad_input(runner, db_session, site, args, stdin, message) -> None:
    result = runner.invoke(args=["create-user", *args, "--password-stdin"], input=stdin)
    assert message in one_line_error(result)
    assert count(db_session, User) == 0


def test_create_user_refuses_an_existing_username(runner, db_session, make) -> None:
    make.user(Role.ADMIN, username="admin")
    result = runner.invoke(
        args=["create-user", "--role", "trainee", "--username", "ADMIN", "--password-stdin"],
        input="rahasia-sekali\n",
    )
    assert "user 'admin' already exists" in one_line_error(result)
    assert count(db_session, User) == 1


def test_station_token_registers_and_rotates(runner, db_session, make) -> None:
    bay = make.facility(name="Bay Simulator 1")
    first = runner.invoke(args=["station-token", "SIM-01", "--bay", "Bay Simulator 1"])
    assert first.exit_code == 0, first.output
    token = first.stdout.strip().splitlines()[-1]
    station = db_session.scalar(select(Station).where(Station.name == "SIM-01"))
    assert station.facility_id == bay.id
    assert station.token_hash == hash_station_token(token) and token not in station.token_hash
    second = runner.invoke(args=["station-token", "sim-01"])
    new_token = second.stdout.strip().splitlines()[-1]
    assert new_token != token
    db_session.expire_all()
    assert Station.for_token(db_session, token) is None
    assert Station.for_token(db_session, new_token).name == "SIM-01"
    assert count(db_session, Station) == 1
    assert db_session.scalar(select(func.count()).where(AuditLog.action == "token")) == 2


def test_station_token_bad_input(runner, db_session, site) -> None:
    assert "give the station's name" in one_line_error(runner.invoke(args=["station-token"]))
    result = runner.invoke(args=["station-token", "SIM-09", "--bay", "Tidak Ada"])
    assert "no facility named 'Tidak Ada'" in one_line_error(result)
    assert count(db_session, Station) == 0


def assert_is_backup_of_admin(app, target: Path) -> None:  # type: ignore[no-untyped-def]
    """SQLite: a database file holding the user; PostgreSQL: a pg_dump custom archive."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        copy = sqlite3.connect(target)
        try:
            assert copy.execute("SELECT username FROM users").fetchall() == [("admin",)]
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        finally:
            copy.close()
    else:
        assert target.read_bytes()[:5] == b"PGDMP"


def test_backup_makes_a_consistent_copy(app, runner, make, db_session, tmp_path) -> None:
    make.user(Role.ADMIN, username="admin")
    target = tmp_path / "backup.db"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert f"Backup written to {target}" in result.output
    assert_is_backup_of_admin(app, target)
    assert db_session.scalar(select(AuditLog.details).where(AuditLog.action == "backup")) == {
        "path": str(target)
    }


def test_backup_overwrites_only_with_force(app, runner, make, tmp_path) -> None:
    make.user(Role.ADMIN, username="admin")
    target = tmp_path / "b.db"
    target.write_text("old")
    assert "already exists; use --force" in one_line_error(
        runner.invoke(args=["backup", str(target)])
    )
    assert target.read_text() == "old"
    result = runner.invoke(args=["backup", str(target), "--force"])
    assert result.exit_code == 0, result.output
    assert_is_backup_of_admin(app, target)


def test_backup_without_pg_dump_says_what_to_install(tmp_path, monkeypatch) -> None:
    from isdc.backup import BackupError, backup_database

    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(BackupError, match="pg_dump not found"):
        backup_database("postgresql+psycopg://u@127.0.0.1/x", tmp_path / "x.dump")
    assert not list(tmp_path.iterdir())


def test_backup_bad_paths(app, runner, site, tmp_path) -> None:
    existing = tmp_path / "exists.sqlite"
    existing.write_text("keep me")
    assert "give the file to write" in one_line_error(runner.invoke(args=["backup"]))
    assert "already exists; use --force" in one_line_error(
        runner.invoke(args=["backup", str(existing)])
    )
    assert existing.read_text() == "keep me"
    missing = tmp_path / "no" / "such" / "folder" / "b.sqlite"
    assert "does not exist" in one_line_error(runner.invoke(args=["backup", str(missing)]))
    unwritable = Path("/proc/isdc-backup.sqlite")
    assert "cannot write" in one_line_error(runner.invoke(args=["backup", str(unwritable)]))
    assert "is a folder" in one_line_error(runner.invoke(args=["backup", str(tmp_path)]))
    assert not list(tmp_path.glob(".*.tmp"))


def test_backup_with_files_archives_database_runs_and_certificates(
    app, runner, make, tmp_path
) -> None:
    import tarfile

    make.user(Role.ADMIN, username="admin")
    instance = Path(app.instance_path)
    (instance / "certificates" / "2026").mkdir(parents=True, exist_ok=True)
    (instance / "certificates" / "2026" / "ISDC-1.pdf").write_bytes(b"%PDF-1.4 stored")
    (instance / "certificates" / ".x.pdf.tmp").write_bytes(b"half written")
    (instance / "secret_key").write_text("do not archive")
    from isdc.web.api.runs import run_store

    with app.app_context():
        runs = run_store().root
    runs.mkdir(parents=True, exist_ok=True)
    (runs / "a.isdc.npz").write_bytes(b"telemetry")
    target = tmp_path / "isdc-full.tar.gz"
    result = runner.invoke(args=["backup", str(target), "--with-files"])
    assert result.exit_code == 0, result.output
    assert "2 stored files archived" in result.output
    sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    database = "database.sqlite" if sqlite else "database.dump"
    with tarfile.open(target) as archive:
        names = set(archive.getnames())
        assert names == {database, "certificates/2026/ISDC-1.pdf", "runs/a.isdc.npz"}
        archive.extract(database, tmp_path / "restored", filter="data")
        assert archive.extractfile("certificates/2026/ISDC-1.pdf").read() == b"%PDF-1.4 stored"
    assert_is_backup_of_admin(app, tmp_path / "restored" / database)
    assert not list(tmp_path.glob(".*"))  # no temporary file or folder left behind


def test_backup_with_files_needs_an_archive_name(app, runner, site, tmp_path) -> None:
    message = one_line_error(
        runner.invoke(args=["backup", str(tmp_path / "b.sqlite"), "--with-files"])
    )
    assert ".tar.gz archive" in message
    assert not list(tmp_path.iterdir())


def test_init_db_gives_the_planner_its_statistics(app, runner, make, db_session) -> None:
    """Analytics plans rely on them (docs/analytics.md, "Benchmark")."""
    make.trainee()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    db_session.rollback()
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        tables = db_session.execute(text("SELECT DISTINCT tbl FROM sqlite_stat1")).scalars()
    else:
        tables = db_session.execute(
            text("SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL")
        ).scalars()
    assert "trainees" in set(tables)

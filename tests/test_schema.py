"""The migrations and the models describe the same schema, on the database under test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from isdc.extensions import db
from isdc.schema import MIGRATIONS_DIR, schema_differences
from tests.conftest import running_app


def test_migration_head_matches_the_models(app) -> None:
    """What `flask db migrate` would generate now: nothing. A model change without its
    migration fails here (see docs/development.md, "Changing the schema")."""
    with db.engine.connect() as connection:
        assert schema_differences(connection) == []


def test_one_migration_head() -> None:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_migrations_ship_inside_the_package() -> None:
    assert MIGRATIONS_DIR.parent.name == "isdc"
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert list((MIGRATIONS_DIR / "versions").glob("*.py"))


def test_downgrade_and_upgrade_again_on_sqlite(tmp_path: Path) -> None:
    """The initial migration can be undone (the escape hatch after a failed deploy)."""
    from flask_migrate import downgrade

    from isdc.schema import upgrade_to_head

    url = f"sqlite:///{tmp_path / 'roundtrip.sqlite'}"
    with running_app(url, tmp_path / "instance"):
        upgrade_to_head()
        assert "trainees" in inspect(db.engine).get_table_names()
        downgrade(directory=str(MIGRATIONS_DIR), revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade_to_head()
        with db.engine.connect() as connection:
            assert schema_differences(connection) == []


def test_sqlite_connections_enforce_foreign_keys(tmp_path: Path) -> None:
    import isdc.models  # noqa: F401 - installs the connection pragmas

    engine = create_engine(f"sqlite:///{tmp_path / 'fk.sqlite'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


def test_importing_isdc_does_not_import_flask() -> None:
    """isdc-sim and the scoring engine import isdc.* on machines that never serve the web."""
    code = (
        "import sys, isdc, isdc.telemetry, isdc.models, isdc.models.identity; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'flask', 'flask_sqlalchemy', 'flask_login', 'flask_babel', 'werkzeug.serving'}); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr

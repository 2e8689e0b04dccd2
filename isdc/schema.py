"""The database schema's life cycle: Alembic migrations shipped in ``isdc/migrations``.

``init-db`` and the tests go through :func:`upgrade_to_head`; the test suite proves with
:func:`schema_differences` that the migrations produce exactly what the models declare.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Connection

from isdc.models import Base
from isdc.models.base import UTCDateTime

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write project types into migration files as plain SQLAlchemy types, so migrations do
    not break when a model module moves."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, JSON) and "postgresql" in obj._variant_mapping:
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
        return 'sa.JSON().with_variant(postgresql.JSONB(), "postgresql")'
    return False


def migration_options(connection: Connection) -> dict[str, Any]:
    """Options for ``context.configure``, shared by env.py and the schema test."""
    return {
        "target_metadata": Base.metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        "render_as_batch": connection.dialect.name == "sqlite",
        "compare_type": True,
        "render_item": render_item,
    }


def upgrade_to_head() -> None:
    """Migrate the current app's database to the newest revision (needs an app context)."""
    from flask_migrate import upgrade

    upgrade(directory=str(MIGRATIONS_DIR))


def schema_differences(connection: Connection) -> list[Any]:
    """What ``flask db migrate`` would generate now: empty when models and migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    options = migration_options(connection)
    context = MigrationContext.configure(
        connection,
        opts={"compare_type": True, "render_item": render_item},
    )
    return compare_metadata(context, options["target_metadata"])

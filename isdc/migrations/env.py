"""Alembic environment for ISDC Suite, run by Flask-Migrate (``init-db``, ``flask db ...``)."""

from __future__ import annotations

import logging

from alembic import context
from flask import current_app

from isdc.models import Base
from isdc.schema import migration_options

log = logging.getLogger("alembic.env")
config = context.config


def run_migrations_offline() -> None:
    """``flask db upgrade --sql``: print the SQL instead of running it."""
    engine = current_app.extensions["migrate"].db.engine
    context.configure(
        url=engine.url.render_as_string(hide_password=False),
        literal_binds=True,
        target_metadata=Base.metadata,
        render_as_batch=engine.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def _skip_empty_autogenerate(ctx, revision, directives) -> None:  # type: ignore[no-untyped-def]
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        log.info("No changes in schema detected.")


def run_migrations_online() -> None:
    engine = current_app.extensions["migrate"].db.engine
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds tables by copy-and-rename, which foreign keys would block;
            # they are checked again as a whole after the migration.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            # End the transaction SQLAlchemy opened for the PRAGMA, so that Alembic runs (and
            # commits) the migrations in a transaction of its own.
            connection.commit()
        context.configure(
            connection=connection,
            process_revision_directives=_skip_empty_autogenerate,
            **migration_options(connection),
        )
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
            if broken:
                raise RuntimeError(f"migration left rows with broken foreign keys: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

"""``flask --app isdc rescore [--scenario S]``: score stored runs again with the current rubrics.

Each run is rescored in its own transaction; earlier reports stay with their rubric versions
and the run's current report moves to the new one. A run whose current report already used
the same rubric (version and digest) and scorer is left alone, so running it twice is harmless.
"""

from __future__ import annotations

import click
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from isdc.extensions import db
from isdc.models import Run
from isdc.models.audit import acting_as
from isdc.runs import catalogue
from isdc.runs.reports import rescore_run
from isdc.web.api.runs import run_store
from isdc.web.runs import bp


@bp.cli.command("rescore")
@click.option("--scenario", metavar="S", help="Only runs of this scenario id.")
def rescore(scenario: str | None) -> None:
    """Rescore stored runs with the current rubric, keeping the earlier reports."""
    from isdc.cli import cli_actor, fail

    if scenario is not None and catalogue.get(scenario) is None:
        fail(f"unknown scenario {scenario!r}; known: {', '.join(catalogue.scenarios())}")
    store = run_store()
    query = select(Run.id).order_by(Run.received_at)
    if scenario is not None:
        query = query.where(Run.scenario_id == scenario)
    changed = unchanged = failed = 0
    with acting_as(cli_actor()):
        for run_id in db.session.scalars(query).all():
            run = db.session.get(Run, run_id)
            try:
                outcome = rescore_run(db.session, run, store)
                db.session.commit()
            except SQLAlchemyError as exc:
                db.session.rollback()
                failed += 1
                click.echo(f"{run_id}: database error: {exc}", err=True)
                continue
            if outcome.error:
                failed += 1
                click.echo(f"{run_id}: not rescored: {outcome.error}", err=True)
            elif outcome.changed:
                changed += 1
                old = "-" if outcome.old_score is None else f"{outcome.old_score:.1f}"
                click.echo(f"{run_id}: {old} -> {outcome.new_score:.1f}")
            else:
                unchanged += 1
            db.session.expunge_all()
    click.echo(
        f"Rescored {changed} run(s); {unchanged} already had a report with the current rubric"
        + (f"; {failed} could not be rescored" if failed else "")
        + "."
    )
    if failed:
        raise SystemExit(1)

"""Results: the list of runs, a run's report with plots, a trainee's progress, my results."""

from __future__ import annotations

import io
import uuid
from typing import Any

from flask import abort, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from isdc.extensions import db
from isdc.models import Role, Run, Station, Trainee
from isdc.models import ScoreReport as StoredReport
from isdc.models.audit import AuditAction, audit
from isdc.runs import catalogue, plots
from isdc.runs.progress import trainee_progress
from isdc.scoring.wording import MEASURE_TITLES, UNIT_TITLES, title_of
from isdc.web.access import login_required, roles_required
from isdc.web.api.runs import run_store
from isdc.web.i18n import locale_code
from isdc.web.runs import bp, labels, report_view

PAGE_SIZE = 50
STAFF = (Role.ADMIN, Role.INSTRUCTOR)


@bp.app_context_processor
def simulator_helpers() -> dict[str, Any]:
    return {
        "scenario_title": lambda sid: catalogue.title(sid, locale_code()),
        "assignment_status_label": labels.assignment_status,
        "outcome_label": labels.outcome,
        "vehicle_label": labels.vehicle,
        "severity_label": labels.severity,
        "measure_title": lambda m: title_of(MEASURE_TITLES, m, locale_code()),
        "unit_title": lambda u: title_of(UNIT_TITLES, u, locale_code()),
    }


@bp.route("/")
@roles_required(*STAFF)
def index() -> Any:
    """Recent runs of the site, newest first, filtered by scenario, result or trainee name."""
    scenario = request.args.get("scenario", "")
    result = request.args.get("result", "")
    q = request.args.get("q", "").strip()[:100]
    query = (
        select(Run)
        .options(joinedload(Run.trainee), joinedload(Run.station))
        .where(Run.site_id == current_user.site_id)
        .order_by(Run.received_at.desc())
    )
    if scenario in catalogue.scenarios():
        query = query.where(Run.scenario_id == scenario)
    if result in ("passed", "failed"):
        query = query.where(Run.passed.is_(result == "passed"))
    if q:
        query = query.join(Trainee, Trainee.id == Run.trainee_id).where(
            func.lower(Trainee.full_name).contains(q.lower(), autoescape=True)
        )
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False, count=True)
    return render_template(
        "runs/index.html",
        page=page,
        scenarios=list(catalogue.scenarios().values()),
        filters={"scenario": scenario, "result": result, "q": q},
    )


def visible_run(run_id: uuid.UUID) -> Run:
    """The run if the signed-in user may see it (staff of its site, or its own trainee); 404
    otherwise, so nobody learns which run ids exist."""
    run = db.session.scalar(
        select(Run)
        .options(joinedload(Run.trainee), joinedload(Run.station).joinedload(Station.facility))
        .where(Run.id == run_id)
    )
    if run is None or run.site_id != current_user.site_id:
        abort(404)
    if current_user.role == Role.TRAINEE and (
        current_user.trainee_id is None or run.trainee_id != current_user.trainee_id
    ):
        abort(404)
    return run


@bp.route("/runs/<uuid:run_id>")
@login_required
def report(run_id: uuid.UUID) -> Any:
    run = visible_run(run_id)
    reports = db.session.scalars(
        select(StoredReport)
        .where(StoredReport.run_id == run.id)
        .order_by(StoredReport.created_at, StoredReport.id)
    ).all()
    shown = next((r for r in reports if r.is_current), reports[-1] if reports else None)
    if shown is None:
        abort(404)
    view = report_view.build(run, shown.report, run_store(), locale_code())
    return render_template("runs/report.html", run=run, view=view, reports=reports, shown=shown)


@bp.route("/runs/<uuid:run_id>/telemetry")
@login_required
def telemetry_file(run_id: uuid.UUID) -> Any:
    """The run's telemetry file as received (for analysts: numpy or `isdc-sim export`)."""
    run = visible_run(run_id)
    try:
        data = run_store().read(run.telemetry_path)
    except (OSError, ValueError):
        abort(404)
    audit(db.session, AuditAction.DOWNLOAD, run, what="telemetry")
    db.session.commit()
    return send_file(
        io.BytesIO(data),
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=f"{run.scenario_id}-{run.id}{'.isdc.npz'}",
    )


def progress_page(trainee: Trainee, own: bool) -> Any:
    progress = trainee_progress(db.session, trainee.id)
    trend_labels = plots.TrendLabels(
        title="", attempt=_("attempt"), score=_("score"), pass_mark=_("pass mark")
    )
    charts = {}
    for i, item in enumerate(progress):
        if len(item.attempts) >= 2:
            charts[i] = plots.score_trend(
                [a.score for a in item.attempts],
                item.min_score,
                trend_labels,
                f"trend-{i}",
            )
    runs = db.session.scalars(
        select(Run)
        .options(joinedload(Run.station))
        .where(Run.trainee_id == trainee.id)
        .order_by(Run.started_at.desc())
        .limit(200)
    ).all()
    return render_template(
        "runs/progress.html", trainee=trainee, progress=progress, charts=charts, runs=runs, own=own
    )


@bp.route("/trainees/<int:trainee_id>")
@roles_required(*STAFF)
def trainee(trainee_id: int) -> Any:
    record = db.session.get(Trainee, trainee_id)
    if record is None or record.site_id != current_user.site_id:
        abort(404)
    return progress_page(record, own=False)


@bp.route("/my-results")
@roles_required(Role.TRAINEE)
def mine() -> Any:
    """The signed-in trainee's own runs and progress (nobody else's)."""
    if current_user.trainee_id is None:
        return render_template("runs/progress.html", trainee=None, progress=[], charts={},
                               runs=[], own=True)  # fmt: skip
    record = db.session.get(Trainee, current_user.trainee_id)
    return progress_page(record, own=True)

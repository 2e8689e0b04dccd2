"""The simulator section (scores, findings, improvement, heat map) and the risk profile by
organisation: each figure a panel with its table, CSV and links to the runs behind it."""

from __future__ import annotations

from html import escape
from typing import Any

from flask import request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from isdc.analytics import charts, heatmap, risk, simulator
from isdc.analytics.scope import Scope
from isdc.extensions import db
from isdc.runs import catalogue
from isdc.scoring.legal import LEGAL_BASIS
from isdc.web.access import roles_required
from isdc.web.analytics import bp
from isdc.web.analytics.drill import FINDING_KIND, _choice
from isdc.web.analytics.frame import (
    STAFF,
    Cell,
    Panel,
    cells,
    current_scope,
    number,
    percent,
    render_section,
    scope_url,
)
from isdc.web.i18n import locale_code
from isdc.web.runs import labels

ATTEMPTS_SHOWN = 50  # trainees listed on the page; the CSV has them all
HOT_CELLS_SHOWN = 30
TOP_FINDINGS = 10


def finding_title(kind: str) -> str:
    """A finding kind as the score reports name it, in the reader's language."""
    basis = LEGAL_BASIS.get(kind)
    if basis is None:
        return kind
    return basis.title_en if locale_code() == "en" else basis.title_id


def scenario_title(scenario_id: str) -> str:
    return catalogue.title(scenario_id, locale_code())


def small_multiples(items: list[tuple[str, str | None]], columns: int = 2) -> str | None:
    """Several charts, each under its caption, ``columns`` side by side on wide screens."""
    drawn = [(caption, svg) for caption, svg in items if svg]
    if not drawn:
        return None
    return (
        f'<div class="row row-cols-1 row-cols-lg-{columns} g-3">'
        + "".join(
            f'<div class="col"><div class="small fw-semibold mb-1">{escape(caption)}</div>'
            f"{svg}</div>"
            for caption, svg in drawn
        )
        + "</div>"
    )


def _chosen_scenario(available: list[str]) -> str | None:
    """``?scenario=`` when it is a known scenario (400 otherwise), else the one with most runs."""
    chosen = _choice("scenario", tuple(catalogue.scenarios()))
    if chosen is not None:
        return chosen
    return available[0] if available else None


# --- Simulator --------------------------------------------------------------------------


@bp.route("/simulator", endpoint="simulator")
@roles_required(*STAFF)
def simulator_section() -> Any:
    """Score distribution per scenario, the most frequent findings per scenario and vehicle,
    the share of runs with each finding, first versus latest attempt and the heat map."""
    scope = current_scope()
    session = db.session
    distribution = simulator.score_distribution(session, scope)
    tables = simulator.finding_tables(session, scope)
    summary = simulator.improvement_summary(session, scope)
    scenario = _chosen_scenario([s.scenario_id for s in distribution])
    kind = _choice("kind", pattern=FINDING_KIND)
    everyone = request.args.get("csv") == "attempts"
    attempts = simulator.attempts(
        session,
        scope,
        None if everyone else scenario,
        None if everyone else ATTEMPTS_SHOWN,
    )
    heat = heatmap.finding_cells(session, scope, scenario, kind) if scenario else None
    panels = [
        _distribution_panel(scope, distribution),
        _scenario_findings_panel(scope, tables, scenario),
        _vehicle_findings_panel(scope, tables),
        _share_panel(scope, tables),
        _improvement_panel(scope, summary),
        _attempts_panel(attempts, scenario, everyone),
        _heatmap_panel(heat, kind),
    ]
    kinds = sorted({f.kind for f in tables.overall}, key=finding_title)
    return render_section(
        "analytics/simulator.html",
        scope,
        "simulator",
        panels,
        heading=_("Simulator"),
        intro=_(
            "Scored simulator runs started in the period; a rescored run counts once, with "
            "its current score report."
        ),
        hidden={k: v for k, v in (("scenario", scenario), ("kind", kind)) if v},
        scenario=scenario,
        kind=kind,
        scenarios=[(s.scenario_id, scenario_title(s.scenario_id)) for s in distribution],
        kinds=[(k, finding_title(k)) for k in kinds],
    )


def _distribution_panel(scope: Scope, distribution: list[simulator.ScenarioScores]) -> Panel:
    edges = [b.low for b in distribution[0].bins] + [100] if distribution else []
    charts_ = []
    rows = []
    for i, s in enumerate(distribution):
        hrefs = [
            scope_url("analytics.drill_runs", scope, scenario=s.scenario_id,
                      score=f"{b.low}-{b.high}")
            for b in s.bins
        ]  # fmt: skip
        caption = _(
            "%(scenario)s · %(runs)s runs · mean %(mean)s",
            scenario=scenario_title(s.scenario_id),
            runs=number(s.runs),
            mean=number(s.mean_score),
        )
        charts_.append((caption, charts.histogram(
            edges, [b.runs for b in s.bins], title=caption, element_id=f"chart-scores-{i}",
            y_label=_("runs"), hrefs=hrefs, number=number, width=420, height=220,
        )))  # fmt: skip
        rows.append(
            cells(
                Cell(
                    s.scenario_id,
                    scenario_title(s.scenario_id),
                    scope_url("analytics.drill_runs", scope, scenario=s.scenario_id),
                ),
                s.runs,
                s.passed,
                Cell(s.pass_rate, percent(None if s.pass_rate is None else 100 * s.pass_rate)),
                Cell(round(s.mean_score, 2), number(s.mean_score)),
                *(b.runs for b in s.bins),
            )  # fmt: skip
        )
    header = [_("Scenario"), _("Runs"), _("Passed"), _("Pass rate"), _("Mean score")]
    header += [f"{low}–{low + simulator.BIN_WIDTH}" for low in range(0, 100, simulator.BIN_WIDTH)]
    return Panel(
        name="score-distribution",
        title=_("Score distribution per scenario"),
        header=header,
        rows=rows,
        chart=small_multiples(charts_),
        note=_(
            "Runs per band of ten score points (the top band includes 100). A bar opens the "
            "runs behind it."
        ),
    )


def _finding_rows(scope: Scope, items: list[simulator.FindingCount], **narrow: str) -> list:
    return [
        cells(
            Cell(
                f.kind,
                finding_title(f.kind),
                scope_url("analytics.drill_runs", scope, finding=f.kind, **narrow),
            ),
            f.findings,
            f.runs_with,
            f.runs,
            Cell(f.per_run, number(f.per_run)),
            Cell(f.run_share, percent(None if f.run_share is None else 100 * f.run_share)),
        )  # fmt: skip
        for f in items
    ]


def _finding_bars(scope: Scope, items: list[simulator.FindingCount], **narrow: str) -> list:
    return [
        charts.Bar(
            finding_title(f.kind),
            f.findings,
            scope_url("analytics.drill_runs", scope, finding=f.kind, **narrow),
            _("in %(count)s of %(runs)s runs", count=number(f.runs_with), runs=number(f.runs)),
        )  # fmt: skip
        for f in items[:TOP_FINDINGS]
    ]


def _scenario_findings_panel(
    scope: Scope, tables: simulator.FindingTables, scenario: str | None
) -> Panel:
    header = [_("Scenario"), _("Finding"), _("Findings"), _("Runs with it"), _("Runs"),
              _("Per run"), _("Share of runs")]  # fmt: skip
    rows = []
    for sid, items in sorted(tables.by_scenario.items(), key=lambda kv: scenario_title(kv[0])):
        for row in _finding_rows(scope, items, scenario=sid):
            rows.append([Cell(sid, scenario_title(sid)), *row])
    chosen = tables.by_scenario.get(scenario or "", [])
    chart = None
    if chosen:
        chart = charts.hbar_chart(
            _finding_bars(scope, chosen, scenario=scenario),
            title=_("Most frequent findings: %(scenario)s", scenario=scenario_title(scenario)),
            element_id="chart-findings-scenario",
            x_label=_("findings"),
            number=number,
        )
    return Panel(
        name="findings-by-scenario",
        title=_("Most frequent findings per scenario"),
        header=header,
        rows=rows,
        chart=Markup(
            f'<div class="small fw-semibold mb-1">{escape(scenario_title(scenario))}</div>{chart}'
        )
        if chart and scenario
        else None,
        note=_(
            "The chart shows the scenario chosen above; the table has every scenario. "
            "A bar opens the runs with that finding."
        ),
    )


def _vehicle_findings_panel(scope: Scope, tables: simulator.FindingTables) -> Panel:
    header = [_("Vehicle"), _("Finding"), _("Findings"), _("Runs with it"), _("Runs"),
              _("Per run"), _("Share of runs")]  # fmt: skip
    rows = []
    drawn = []
    for i, (vehicle, items) in enumerate(sorted(tables.by_vehicle.items())):
        for row in _finding_rows(scope, items, vehicle=vehicle):
            rows.append([Cell(vehicle, labels.vehicle(vehicle)), *row])
        caption = _("%(vehicle)s · %(runs)s runs", vehicle=labels.vehicle(vehicle),
                    runs=number(tables.runs_by_vehicle.get(vehicle, 0)))  # fmt: skip
        drawn.append((caption, charts.hbar_chart(
            _finding_bars(scope, items, vehicle=vehicle), title=caption,
            element_id=f"chart-findings-vehicle-{i}", x_label=_("findings"), number=number,
        )))  # fmt: skip
    return Panel(
        name="findings-by-vehicle",
        title=_("Most frequent findings per vehicle type"),
        header=header,
        rows=rows,
        chart=small_multiples(drawn, columns=1),
    )


def _share_panel(scope: Scope, tables: simulator.FindingTables) -> Panel:
    bars = [
        charts.Bar(
            finding_title(f.kind),
            100 * (f.run_share or 0.0),
            scope_url("analytics.drill_runs", scope, finding=f.kind),
            _("in %(count)s of %(runs)s runs", count=number(f.runs_with), runs=number(f.runs)),
        )
        for f in tables.overall
    ]
    return Panel(
        name="infraction-share",
        title=_("Share of runs with each finding"),
        header=[
            _("Finding"),
            _("Findings"),
            _("Runs with it"),
            _("Runs"),
            _("Per run"),
            _("Share of runs"),
        ],  # fmt: skip
        rows=_finding_rows(scope, tables.overall),
        chart=charts.hbar_chart(
            bars,
            title=_("Share of runs with each finding"),
            element_id="chart-share",
            x_label=_("percent of runs"),
            number=number,
            x_max=100,
        ),  # fmt: skip
        note=_("A run counts once for a finding, however often it was found in that run."),
    )


def _improvement_panel(scope: Scope, summary: list[simulator.ImprovementSummary]) -> Panel:
    categories = [scenario_title(s.scenario_id) for s in summary]
    chart = charts.bar_chart(
        categories,
        [
            charts.Series(_("First attempt (mean)"), [s.mean_first for s in summary]),
            charts.Series(_("Latest attempt (mean)"), [s.mean_latest for s in summary]),
        ],
        title=_("First and latest attempt"),
        element_id="chart-improvement",
        y_label=_("mean score"),
        number=number,
    ) if summary else None  # fmt: skip
    rows = [
        cells(
            Cell(s.scenario_id, scenario_title(s.scenario_id)),
            s.trainees,
            s.improved,
            s.same,
            s.worse,
            Cell(round(s.mean_first, 2), number(s.mean_first)),
            Cell(round(s.mean_latest, 2), number(s.mean_latest)),
            Cell(round(s.mean_change, 2), _signed(s.mean_change)),
        )
        for s in summary
    ]
    return Panel(
        name="improvement",
        title=_("First versus latest attempt per scenario"),
        header=[
            _("Scenario"),
            _("Trainees"),
            _("Improved"),
            _("Same"),
            _("Worse"),
            _("Mean first score"),
            _("Mean latest score"),
            _("Mean change"),
        ],  # fmt: skip
        rows=rows,
        chart=chart,
        note=_(
            "Trainees with two or more scored runs of a scenario in the period: their first "
            "and their latest run there."
        ),
    )


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + number(value)


def _attempts_panel(
    attempts: list[simulator.Attempts], scenario: str | None, everyone: bool
) -> Panel:
    rows = [
        cells(
            Cell(a.trainee_name, None, url_for("runs.trainee", trainee_id=a.trainee_id)),
            Cell(a.scenario_id, scenario_title(a.scenario_id)),
            a.attempts,
            Cell(
                a.first_score, number(a.first_score), url_for("runs.report", run_id=a.first_run_id)
            ),
            Cell(
                a.latest_score,
                number(a.latest_score),
                url_for("runs.report", run_id=a.latest_run_id),
            ),
            Cell(round(a.change, 2), _signed(a.change)),
        )  # fmt: skip
        for a in attempts
    ]
    title = _("Who improved: %(scenario)s", scenario=scenario_title(scenario)) if scenario else (
        _("Who improved")
    )  # fmt: skip
    return Panel(
        name="attempts",
        title=title,
        header=[
            _("Trainee"),
            _("Scenario"),
            _("Attempts"),
            _("First score"),
            _("Latest score"),
            _("Change"),
        ],  # fmt: skip
        rows=rows,
        note=""
        if everyone
        else _(
            "The %(n)s biggest improvements in this scenario; the CSV file lists every "
            "trainee of every scenario.",
            n=ATTEMPTS_SHOWN,
        ),
    )


def _heatmap_panel(heat: heatmap.HeatMap | None, kind: str | None) -> Panel:
    header = [_("x from (m)"), _("y from (m)"), _("Findings"), _("Critical"), _("Major"),
              _("Minor")]  # fmt: skip
    if heat is None or not heat.cells:
        return Panel(name="heatmap", title=_("Where the findings happen"), header=header, rows=[])
    what = finding_title(kind) if kind else _("All findings")
    labels_ = heatmap.HeatLabels(
        title=_("Where the findings happen: %(scenario)s", scenario=scenario_title(heat.scenario_id)),
        metres=_("m"),
        findings=_("Findings per cell"),
        describe=lambda c, x, y: _(
            "%(total)s findings (%(critical)s critical, %(major)s major, %(minor)s minor) "
            "at x %(x)s m, y %(y)s m",
            total=c.total, critical=c.critical, major=c.major, minor=c.minor,
            x=number(x), y=number(y),
        ),
    )  # fmt: skip
    hottest = sorted(heat.cells, key=lambda c: (-c.total, c.column, c.row))
    shown = hottest if request.args.get("csv") == "heatmap" else hottest[:HOT_CELLS_SHOWN]
    rows = [
        cells(c.column * heat.cell_m, c.row * heat.cell_m, c.total, c.critical, c.major, c.minor)
        for c in shown
    ]
    note = _(
        "%(what)s in %(scenario)s, counted in squares of %(size)s m over the road layout; "
        "darker means more. Hover a square for its counts. The table lists the %(n)s busiest "
        "squares (the CSV file has all).",
        what=what,
        scenario=scenario_title(heat.scenario_id),
        size=number(heat.cell_m),
        n=HOT_CELLS_SHOWN,
    )
    if heat.without_position:
        note += " " + _(
            "%(n)s findings without a position are not drawn.", n=number(heat.without_position)
        )
    return Panel(
        name="heatmap",
        title=_("Where the findings happen"),
        header=header,
        rows=rows,
        chart=heatmap.heatmap_svg(heat, labels_),
        note=note,
    )


# --- Risk by organisation -----------------------------------------------------------------


@bp.route("/risk", endpoint="risk")
@roles_required(*STAFF)
def risk_section() -> Any:
    """Per organisation: findings per run against what the centre's rates would give for the
    same runs, and the findings over-represented among its trainees."""
    scope = current_scope()
    profile = risk.risk_profile(db.session, scope)
    chosen = next(
        (o for o in profile.organisations if o.organisation_id == scope.organisation_id), None
    ) or next((o for o in profile.organisations if o.enough_runs), None)
    panels = [_organisations_panel(scope, profile), _organisation_findings_panel(scope, chosen)]
    return render_section(
        "analytics/section.html",
        scope,
        "risk",
        panels,
        heading=_("Risk profile by organisation"),
        intro=_(
            "Each organisation's trainees against the whole centre in the same period, "
            "scenario by scenario: a ratio above 1 means more findings than the centre's runs "
            "of the same scenarios. Organisations with fewer than %(runs)s runs are listed but "
            "not rated.",
            runs=risk.MIN_RUNS,
        ),
    )


def _organisations_panel(scope: Scope, profile: risk.RiskProfile) -> Panel:
    rated = [o for o in profile.organisations if o.enough_runs and o.ratio is not None]
    bars = [
        charts.Bar(
            o.name,
            o.ratio,
            scope_url("analytics.risk", scope, organisation=o.organisation_id),
            _(
                "%(findings)s findings in %(runs)s runs",
                findings=number(o.findings),
                runs=number(o.runs),
            ),
        )  # fmt: skip
        for o in rated
    ]
    chart = charts.hbar_chart(
        bars,
        title=_("Findings against the centre's rates (1 = as the centre)"),
        element_id="chart-risk",
        x_label=_("rate ratio"),
        number=number,
        highlight=lambda b: any(o.name == b.label and o.over_represented for o in rated),
    )
    rows = []
    for o in profile.organisations:
        over = ", ".join(finding_title(k.kind) for k in o.over_represented[:3])
        rows.append(
            cells(
                Cell(
                    o.name,
                    None,
                    scope_url("analytics.drill_trainees", scope, organisation=o.organisation_id),
                ),
                o.trainees,
                Cell(
                    o.runs,
                    None,
                    scope_url("analytics.drill_runs", scope, organisation=o.organisation_id),
                ),
                o.findings,
                Cell(o.per_run, number(o.per_run)),
                Cell(round(o.expected, 2), number(o.expected)),
                Cell(o.ratio, number(o.ratio) if o.enough_runs else _("too few runs")),
                _("yes") if o.enough_runs else _("no"),
                over,
            )  # fmt: skip
        )
    return Panel(
        name="organisations",
        title=_("Organisations"),
        header=[
            _("Organisation"),
            _("Trainees"),
            _("Runs"),
            _("Findings"),
            _("Per run"),
            _("Expected at the centre's rates"),
            _("Rate ratio"),
            _("Enough runs to rate"),
            _("Over-represented findings"),
        ],  # fmt: skip
        rows=rows,
        chart=chart,
        note=_(
            "Centre: %(runs)s runs, %(per_run)s findings per run. Orange bars: at least one "
            "finding clearly over-represented (see the method in the documentation).",
            runs=number(profile.centre_runs),
            per_run=number(profile.centre_per_run),
        ),
    )


def _organisation_findings_panel(scope: Scope, org: risk.OrganisationRisk | None) -> Panel:
    header = [_("Finding"), _("Findings"), _("Per run"), _("Centre per run"), _("Expected"),
              _("Rate ratio"), _("Lower 95 % bound"), _("Over-represented")]  # fmt: skip
    if org is None:
        return Panel(name="organisation-findings", title=_("Findings of an organisation"),
                     header=header, rows=[])  # fmt: skip
    kinds = [k for k in org.kinds if k.findings or k.expected >= 0.05]
    rows = [
        cells(
            Cell(
                k.kind,
                finding_title(k.kind),
                scope_url(
                    "analytics.drill_runs", scope, organisation=org.organisation_id, finding=k.kind
                ),
            ),
            k.findings,
            Cell(k.per_run, number(k.per_run)),
            Cell(round(k.centre_per_run, 3), number(k.centre_per_run)),
            Cell(round(k.expected, 2), number(k.expected)),
            Cell(k.ratio, number(k.ratio)),
            Cell(k.ratio_low, number(k.ratio_low)),
            Cell(k.over_represented, _("yes") if k.over_represented else _("no")),
        )  # fmt: skip
        for k in kinds
    ]
    rated = [k for k in kinds if k.ratio is not None and (k.findings or k.expected >= 0.5)]
    chart = charts.hbar_chart(
        [
            charts.Bar(
                finding_title(k.kind),
                k.ratio,
                scope_url("analytics.drill_runs", scope, organisation=org.organisation_id,
                          finding=k.kind),
                _("%(found)s found, %(expected)s expected", found=number(k.findings),
                  expected=number(k.expected)),
            )
            for k in rated[:TOP_FINDINGS]
        ],
        title=_("Findings of %(organisation)s against the centre's rates",
                organisation=org.name),
        element_id="chart-organisation-findings",
        x_label=_("rate ratio (1 = as the centre)"),
        number=number,
        highlight=lambda b: any(finding_title(k.kind) == b.label and k.over_represented
                                for k in rated),
    )  # fmt: skip
    return Panel(
        name="organisation-findings",
        title=_("Findings of %(organisation)s", organisation=org.name),
        header=header,
        rows=rows,
        chart=chart,
        note=_(
            "Orange bars: over-represented (at least %(findings)s findings and the lower "
            "95 %% bound of the ratio above 1). Choose an organisation in the filter above "
            "(or click its bar) to see its own profile; without one, the highest-rated "
            "organisation is shown.",
            findings=risk.MIN_FINDINGS,
        ),
    )

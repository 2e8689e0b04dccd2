"""Course catalogue pages (administrators): list, detail with requirements and skills, the
form, retirement."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from isdc.extensions import db
from isdc.models import (
    Course,
    CourseCategory,
    CourseScenarioRequirement,
    CourseSession,
    CourseSkill,
    RecordStatus,
    Role,
    SessionStatus,
    SkillAssessment,
    VehicleKind,
)
from isdc.models.audit import audit
from isdc.models.base import utcnow
from isdc.scheduling.events import BackOfficeEvent
from isdc.web.access import roles_required
from isdc.web.backoffice import record_or_404
from isdc.web.courses import bp
from isdc.web.courses.forms import CourseForm, ScenarioForm, SkillForm
from isdc.web.errors import abort_with

# Scenario ids of the built-in simulator (`isdc-sim list`), offered as suggestions.
KNOWN_SCENARIOS = (
    "braking_zone",
    "emergency_brake",
    "motorcycle_mix",
    "night_pedestrian",
    "school_zone",
    "toll_merge",
    "urban_intersection",
    "wet_curve",
)


@bp.route("")
@roles_required(Role.ADMIN)
def index() -> Any:
    status = request.args.get("status", "active")
    query = (
        select(Course)
        .options(selectinload(Course.scenario_requirements), selectinload(Course.skills))
        .where(Course.site_id == current_user.site_id)
        .order_by(Course.code)
    )
    if status in ("active", "retired"):
        query = query.where(Course.status == RecordStatus(status))
    courses = db.session.scalars(query).all()
    upcoming = dict(
        db.session.execute(
            select(CourseSession.course_id, func.count(CourseSession.id))
            .where(CourseSession.site_id == current_user.site_id,
                   CourseSession.status == SessionStatus.PLANNED,
                   CourseSession.ends_at > utcnow())
            .group_by(CourseSession.course_id)
        ).all()
    )  # fmt: skip
    return render_template("courses/index.html", courses=courses, status=status, upcoming=upcoming)


def _course(course_id: int) -> Course:
    return record_or_404(Course, course_id, _("There is no course with that number."))


def _save(form: CourseForm, course: Course) -> Any:
    code = (form.code.data or "").strip().upper()
    holder = db.session.scalar(
        select(Course).where(Course.site_id == current_user.site_id, Course.code == code)
    )
    if holder is not None and holder is not course:
        form.code.errors = [*form.code.errors, _("Another course has this code.")]
        return render_template("courses/form.html", form=form, course=course), 422
    course.code = code
    for attr in ("title_id", "title_en"):
        setattr(course, attr, " ".join((getattr(form, attr).data or "").split()))
    for attr in ("description_id", "description_en"):
        setattr(course, attr, (getattr(form, attr).data or "").strip() or None)
    course.category = CourseCategory(form.category.data)
    course.vehicle_kind = VehicleKind(form.vehicle_kind.data) if form.vehicle_kind.data else None
    for attr in ("duration_days", "duration_hours", "capacity", "min_attendance_pct",
                 "certificate_validity_months"):  # fmt: skip
        setattr(course, attr, getattr(form, attr).data)
    course.requires_practical_signoff = bool(form.requires_practical_signoff.data)
    db.session.add(course)
    db.session.commit()
    return None


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create() -> Any:
    form = CourseForm()
    if request.method == "POST":
        if not form.validate():
            return render_template("courses/form.html", form=form, course=None), 422
        course = Course(site_id=current_user.site_id)
        if (failed := _save(form, course)) is not None:
            return failed
        flash(_("Course %(code)s added. Add its scenarios and skills next.", code=course.code),
              "success")  # fmt: skip
        return redirect(url_for("courses.detail", course_id=course.id))
    return render_template("courses/form.html", form=form, course=None)


@bp.route("/<int:course_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(course_id: int) -> Any:
    course = _course(course_id)
    form = CourseForm(obj=course)
    if request.method == "GET":
        form.category.data = course.category.value
        form.vehicle_kind.data = course.vehicle_kind.value if course.vehicle_kind else ""
        return render_template("courses/form.html", form=form, course=course)
    if not form.validate():
        return render_template("courses/form.html", form=form, course=course), 422
    if (failed := _save(form, course)) is not None:
        return failed
    flash(_("Changes to %(code)s saved.", code=course.code), "success")
    return redirect(url_for("courses.detail", course_id=course.id))


@bp.route("/<int:course_id>")
@roles_required(Role.ADMIN)
def detail(course_id: int) -> Any:
    course = _course(course_id)
    rated = set(
        db.session.scalars(
            select(SkillAssessment.skill_id)
            .where(SkillAssessment.skill_id.in_([s.id for s in course.skills]))
            .distinct()
        )
    )
    return render_template(
        "courses/detail.html",
        course=course,
        rated=rated,
        scenario_form=ScenarioForm(formdata=None),
        skill_form=SkillForm(formdata=None),
        known_scenarios=KNOWN_SCENARIOS,
    )


def _back(course: Course) -> Any:
    return redirect(url_for("courses.detail", course_id=course.id))


def _flash_errors(form: Any) -> None:
    for errors in form.errors.values():
        for error in errors:
            flash(error, "danger")


@bp.route("/<int:course_id>/scenarios", methods=["POST"])
@roles_required(Role.ADMIN)
def add_scenario(course_id: int) -> Any:
    course = _course(course_id)
    form = ScenarioForm()
    if not form.validate():
        _flash_errors(form)
        return _back(course)
    vehicle = VehicleKind(form.vehicle.data)
    existing = next(
        (r for r in course.scenario_requirements
         if r.scenario_id == form.scenario_id.data and r.vehicle == vehicle),
        None,
    )  # fmt: skip
    if existing is None:
        course.scenario_requirements.append(
            CourseScenarioRequirement(
                scenario_id=form.scenario_id.data,
                vehicle=vehicle,
                min_score=float(form.min_score.data),
                position=len(course.scenario_requirements),
            )
        )
    else:
        existing.min_score = float(form.min_score.data)
    db.session.commit()
    flash(_("Scenario requirement saved."), "success")
    return _back(course)


@bp.route("/<int:course_id>/scenarios/<int:requirement_id>/delete", methods=["POST"])
@roles_required(Role.ADMIN)
def delete_scenario(course_id: int, requirement_id: int) -> Any:
    course = _course(course_id)
    requirement = db.session.get(CourseScenarioRequirement, requirement_id)
    if requirement is None or requirement.course_id != course.id:
        abort_with(404, _("There is no such scenario requirement."))
    db.session.delete(requirement)
    db.session.commit()
    flash(_("Scenario requirement removed."), "info")
    return _back(course)


@bp.route("/<int:course_id>/skills", methods=["POST"])
@roles_required(Role.ADMIN)
def add_skill(course_id: int) -> Any:
    course = _course(course_id)
    form = SkillForm()
    if not form.validate():
        _flash_errors(form)
        return _back(course)
    position = max((s.position for s in course.skills), default=-1) + 1
    course.skills.append(
        CourseSkill(position=position, name_id=form.name_id.data.strip(),
                    name_en=form.name_en.data.strip())
    )  # fmt: skip
    db.session.commit()
    flash(_("Skill added."), "success")
    return _back(course)


def _skill(course: Course, skill_id: int) -> CourseSkill:
    skill = db.session.get(CourseSkill, skill_id)
    if skill is None or skill.course_id != course.id:
        abort_with(404, _("There is no such skill."))
    return skill


@bp.route("/<int:course_id>/skills/<int:skill_id>/move", methods=["POST"])
@roles_required(Role.ADMIN)
def move_skill(course_id: int, skill_id: int) -> Any:
    course = _course(course_id)
    skill = _skill(course, skill_id)
    skills = sorted(course.skills, key=lambda s: (s.position, s.id))
    index = skills.index(skill)
    other = index - 1 if request.form.get("direction") == "up" else index + 1
    if 0 <= other < len(skills):
        skills[index], skills[other] = skills[other], skills[index]
        for position, item in enumerate(skills):
            item.position = position
        db.session.commit()
    return _back(course)


@bp.route("/<int:course_id>/skills/<int:skill_id>/toggle", methods=["POST"])
@roles_required(Role.ADMIN)
def toggle_skill(course_id: int, skill_id: int) -> Any:
    """Drop a skill from the list (kept for the ratings it has), or take it back; a skill
    never rated is deleted outright."""
    course = _course(course_id)
    skill = _skill(course, skill_id)
    rated = db.session.scalar(
        select(SkillAssessment.id).where(SkillAssessment.skill_id == skill.id)
    )
    if skill.active and rated is None:
        db.session.delete(skill)
        flash(_("Skill removed."), "info")
    else:
        skill.active = not skill.active
        flash(_("Skill back on the list.") if skill.active
              else _("Skill taken off the list; earlier ratings keep it."), "info")  # fmt: skip
    db.session.commit()
    return _back(course)


@bp.route("/<int:course_id>/retire", methods=["POST"])
@roles_required(Role.ADMIN)
def retire(course_id: int) -> Any:
    course = _course(course_id)
    if course.status != RecordStatus.RETIRED:
        course.status = RecordStatus.RETIRED
        audit(db.session, BackOfficeEvent.RETIRE, course)
        db.session.commit()
        flash(_("%(code)s is retired: no new sessions; past ones and certificates stay.",
                code=course.code), "info")  # fmt: skip
    return _back(course)


@bp.route("/<int:course_id>/reactivate", methods=["POST"])
@roles_required(Role.ADMIN)
def reactivate(course_id: int) -> Any:
    course = _course(course_id)
    if course.status == RecordStatus.RETIRED:
        course.status = RecordStatus.ACTIVE
        audit(db.session, BackOfficeEvent.REACTIVATE, course)
        db.session.commit()
        flash(_("%(code)s is active again.", code=course.code), "success")
    return _back(course)

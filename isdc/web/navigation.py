"""The navigation bar: one list of areas, each shown to the roles that may use it.

An item appears only once its endpoint exists, so each area's issue adds its blueprint and the
menu entry lights up - no template edits needed. Endpoints and labels are reserved here for
the areas still to come.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from isdc.models.accounts import Role

ADMIN = frozenset({Role.ADMIN})
STAFF = frozenset({Role.ADMIN, Role.INSTRUCTOR})
TRAINEE = frozenset({Role.TRAINEE})
EVERYONE = frozenset(Role)


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy string
    roles: frozenset[Role]
    icon: str

    @property
    def blueprint(self) -> str:
        return self.endpoint.split(".", 1)[0]


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("dashboard.index", _l("Dashboard"), EVERYONE, "speedometer2"),
    NavItem("trainees.index", _l("Trainees"), STAFF, "people"),
    NavItem("instructors.index", _l("Instructors"), ADMIN, "person-badge"),
    NavItem("facilities.index", _l("Facilities"), ADMIN, "building"),
    NavItem("courses.index", _l("Courses"), ADMIN, "journal-text"),
    NavItem("schedule.index", _l("Schedule"), STAFF, "calendar3"),
    NavItem("runs.index", _l("Simulator"), STAFF, "joystick"),
    NavItem("certificates.index", _l("Certificates"), ADMIN, "award"),
    NavItem("analytics.index", _l("Analysis & Evaluation"), STAFF, "bar-chart-line"),
    NavItem("users.index", _l("Users"), ADMIN, "person-gear"),
    NavItem("schedule.mine", _l("My courses"), TRAINEE, "calendar-check"),
    NavItem("runs.mine", _l("My results"), TRAINEE, "graph-up"),
    NavItem("certificates.mine", _l("My certificates"), TRAINEE, "award"),
)


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str
    icon: str
    active: bool


def navigation_for_current_user() -> list[NavLink]:
    if not current_user.is_authenticated:
        return []
    views = current_app.view_functions
    here = request.blueprint
    return [
        NavLink(url_for(item.endpoint), str(item.label), item.icon, item.blueprint == here)
        for item in NAVIGATION
        if current_user.role in item.roles and item.endpoint in views
    ]

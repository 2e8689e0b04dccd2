"""The feed itself: calendar apps fetch it without signing in; the token is the key."""

from __future__ import annotations

import re
from typing import Any

from flask import Response
from flask_babel import gettext as _
from sqlalchemy import select

from isdc.extensions import db
from isdc.models import CalendarFeed, Facility, FeedOwner, Instructor, Site
from isdc.models.base import utcnow
from isdc.scheduling.feeds import build_feed
from isdc.web.access import public
from isdc.web.calendar_feeds import bp
from isdc.web.errors import abort_with

_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{20,64}$")


@bp.route("/<token>.ics")
@public
def feed(token: str) -> Any:
    calendar_feed = (
        db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token))
        if _TOKEN.match(token)
        else None
    )
    if calendar_feed is None:
        # The same answer for a malformed, an unknown and a replaced token.
        abort_with(404, _("This calendar link does not exist or was replaced by a new one."))
    owner = (
        db.session.get(Instructor, calendar_feed.instructor_id)
        if calendar_feed.owner_kind == FeedOwner.INSTRUCTOR
        else db.session.get(Facility, calendar_feed.facility_id)
    )
    site = db.session.get(Site, owner.site_id)  # type: ignore[union-attr]
    data = build_feed(db.session, calendar_feed, site, utcnow())  # type: ignore[arg-type]
    return Response(
        data,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": 'inline; filename="isdc.ics"',
            # Calendar apps poll; a few minutes of caching is fine, shared caches are not.
            "Cache-Control": "private, max-age=300",
            "X-Robots-Tag": "noindex",
        },
    )

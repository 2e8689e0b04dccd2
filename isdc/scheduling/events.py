"""Names of back-office events in the audit log, beside the row changes logged automatically.

Stored as strings in ``audit_log.action`` (next to :class:`isdc.models.audit.AuditAction`), so
a new event needs no migration.
"""

from __future__ import annotations

import enum


class BackOfficeEvent(enum.StrEnum):
    SCHEDULE = "schedule"  # a session booked (with the days skipped, if any)
    RESCHEDULE = "reschedule"  # a day moved, with the reason
    CANCEL = "cancel"  # a session cancelled, with the reason
    ENROL = "enrol"
    WAITLIST = "waitlist"
    PROMOTE = "promote"  # from the waitlist into a freed place
    WITHDRAW = "withdraw"
    ATTENDANCE = "attendance"
    ASSESS = "assess"
    SIGN_OFF = "sign_off"
    UNDO_SIGN_OFF = "undo_sign_off"
    EXPORT = "export"  # a list downloaded as CSV
    FEED_TOKEN = "feed_token"  # a calendar feed link created or regenerated
    RETIRE = "retire"
    REACTIVATE = "reactivate"

"""Scheduling rules of the back office, without Flask: clashes, recurrence, sessions and their
bookings, enrolment with a waitlist, attendance, practical assessment, calendars and feeds.

Views, CLI commands and tests call these functions alike; each takes a SQLAlchemy ``Session``
and leaves committing to the caller (one transaction per change).
"""

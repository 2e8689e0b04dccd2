"""Runs on the server side: receiving uploads, storing telemetry, scoring, assignments, progress.

Plain Python over SQLAlchemy sessions (no Flask), so the API, the pages, the ``rescore`` command,
the demo and the tests call the same functions.
"""

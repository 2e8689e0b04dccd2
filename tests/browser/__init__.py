"""Journeys in a real headless Chromium against the real app served by gunicorn."""

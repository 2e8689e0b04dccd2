"""Scoring: telemetry in, explainable score report out; pure functions over numpy arrays."""

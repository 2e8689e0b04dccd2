"""The one place the ISDC Suite version is written (packaging, telemetry headers, reports)."""

__version__ = "0.1.0"

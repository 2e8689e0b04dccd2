"""ISDC Suite: back office, driving simulator, scoring and certificates for ISDC Serpong.

Importing ``isdc`` stays light: ``isdc-sim`` and the scoring engine import ``isdc.*`` without
Flask, so :func:`create_app` imports Flask and the web modules only when it is called.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from isdc.version import __version__

if TYPE_CHECKING:  # pragma: no cover - typing only
    from flask import Flask

__all__ = ["__version__", "create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the back-office Flask application.

    Configuration is layered, later layers winning: :class:`isdc.config.Config`, the instance
    folder's ``config.py``, ``ISDC_*`` and ``DATABASE_URL`` environment variables, then ``config``
    (tests pass their overrides here). ``INSTANCE_PATH`` in ``config`` or ``ISDC_INSTANCE_PATH``
    in the environment moves the instance folder.
    """
    from isdc.app import build_app

    return build_app(config)

"""ISDC Suite: back office, driving simulator, scoring and certificates for ISDC Serpong.

``create_app`` is defined in the foundation issue's work; importing ``isdc`` stays light so that
``isdc-sim`` and the scoring engine start without Flask.
"""

from isdc.version import __version__

__all__ = ["__version__"]

"""The station client: station mode, the outbox and uploads (``isdc-sim station|upload``).

``station(args)`` and ``upload(args)`` are called by :mod:`isdc.simulator.cli`; the pieces
(outbox, HTTP client, uploader with back-off, screens) are usable on their own.
"""

from isdc.simulator.station.commands import station, upload

__all__ = ["station", "upload"]

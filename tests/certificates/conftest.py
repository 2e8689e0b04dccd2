"""Fixtures for certificate tests (helpers live in helpers.py)."""

import pytest

from .helpers import make_logo_png, make_signature_png


@pytest.fixture(scope="session")
def logo_png() -> bytes:
    return make_logo_png()


@pytest.fixture(scope="session")
def signature_png() -> bytes:
    return make_signature_png()

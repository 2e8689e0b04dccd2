"""Flask extensions, created unbound here and attached to the app in ``create_app``."""

from __future__ import annotations

from flask import request
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from isdc.models.base import Base


def client_address() -> str:
    """The client's address for rate limits (after ProxyFix when a proxy is configured)."""
    return request.remote_addr or "unknown"


# Models derive from isdc.models.base.Base (plain SQLAlchemy, no Flask); the extension shares
# its metadata so db.session, Flask-Migrate and db.metadata see every table.
db = SQLAlchemy(metadata=Base.metadata)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
limiter = Limiter(key_func=client_address)

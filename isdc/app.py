"""The application factory behind :func:`isdc.create_app` (imported only when an app is built)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from isdc.config import Config, database_url_from_env, load_or_create_secret_key


def build_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    overrides = dict(overrides or {})
    instance_path = overrides.pop("INSTANCE_PATH", None) or os.environ.get("ISDC_INSTANCE_PATH")
    app = Flask(
        "isdc",
        instance_path=os.path.abspath(instance_path) if instance_path else None,
        instance_relative_config=True,
        template_folder="web/templates",
        static_folder="web/static",
    )
    configure(app, overrides)
    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(app.config["PROXY_FIX_X_FOR"]))  # type: ignore[method-assign]

    from isdc.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
    from isdc.schema import MIGRATIONS_DIR
    from isdc.web import i18n

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)
    i18n.compile_catalogues(i18n.TRANSLATIONS_DIR, app.logger)
    babel.init_app(
        app,
        default_translation_directories=str(i18n.TRANSLATIONS_DIR),
        locale_selector=i18n.select_locale,
        timezone_selector=i18n.select_timezone,
    )

    from isdc import cli, web

    web.register(app)
    cli.register(app)
    return app


def configure(app: Flask, overrides: Mapping[str, Any]) -> None:
    """Config class, then instance/config.py, then the environment, then ``overrides``."""
    app.config.from_object(Config)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("ISDC")
    if url := database_url_from_env(os.environ):
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.config.update(overrides)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        path = os.path.join(app.instance_path, "isdc.sqlite")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret_key(app.instance_path)
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config.get("SITE_TIMEZONE", "Asia/Jakarta")

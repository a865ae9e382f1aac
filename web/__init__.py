"""Vigie's web layer: a thin Flask app over `search` (JSON API and HTML pages)."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from search.engine import Engine


def create_app(config: dict | None = None) -> Flask:
    """Application factory: `gunicorn "web:create_app()"` serves it.

    Settings come from `config`, else from the environment: VIGIE_INDEX (index
    directory, default ./index).
    """
    app = Flask(__name__)
    app.config["VIGIE_INDEX"] = os.environ.get("VIGIE_INDEX", "index")
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    if config:
        app.config.update(config)
    app.extensions["vigie_engine"] = Engine(Path(app.config["VIGIE_INDEX"]))

    from web.api import api
    from web.pages import pages

    app.register_blueprint(api)
    app.register_blueprint(pages)
    return app

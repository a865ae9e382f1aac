"""Vigie's web layer: a thin Flask app over `search` (JSON API and HTML pages)."""
from __future__ import annotations

import os
import threading
from pathlib import Path

from flask import Flask

from search.engine import Engine


def create_app(config: dict | None = None) -> Flask:
    """Application factory: `gunicorn "web:create_app()"` serves it.

    Settings come from `config`, else from the environment: VIGIE_INDEX (index
    directory, default ./index), VIGIE_TIME_BUDGET_MS (see search/budget.py),
    VIGIE_RESULT_CACHE (answers remembered per worker, see search/results_cache.py),
    VIGIE_SYNONYMS (the analysts' synonyms file, default ./seeds/synonyms.toml;
    re-read when it changes), VIGIE_SAVED_SEARCHES (the saved searches' SQLite
    file, default saved-searches.sqlite3 in the index directory). The index is
    opened and warmed up in the background at start-up (VIGIE_WARM_UP=False in
    `config` skips it).
    """
    app = Flask(__name__)
    app.config["VIGIE_INDEX"] = os.environ.get("VIGIE_INDEX", "index")
    app.config["VIGIE_SYNONYMS"] = os.environ.get("VIGIE_SYNONYMS", "seeds/synonyms.toml")
    # Saved searches' SQLite file; beside the index generations, so reindexes keep it.
    app.config["VIGIE_SAVED_SEARCHES"] = os.environ.get("VIGIE_SAVED_SEARCHES")
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    if config:
        app.config.update(config)
    engine = Engine(Path(app.config["VIGIE_INDEX"]), budget_ms=app.config.get("VIGIE_TIME_BUDGET_MS"),
                    synonyms=Path(app.config["VIGIE_SYNONYMS"]), answers=app.config.get("VIGIE_RESULT_CACHE"))
    app.extensions["vigie_engine"] = engine
    if app.config.get("VIGIE_WARM_UP", True):
        threading.Thread(target=engine.warm_up, name="vigie-warm-up", daemon=True).start()

    from web.api import api
    from web.copies import copies
    from web.feeds import feeds
    from web.pages import pages
    from web.saved import Store, saved
    from web.security import DocumentIdConverter, add_security_headers

    saved_path = app.config["VIGIE_SAVED_SEARCHES"] or Path(app.config["VIGIE_INDEX"]) / "saved-searches.sqlite3"
    app.extensions["vigie_saved"] = Store(Path(saved_path))
    app.url_map.converters["docid"] = DocumentIdConverter
    app.url_map.merge_slashes = False  # an id may hold "//"
    app.after_request(add_security_headers)
    app.register_blueprint(api)
    app.register_blueprint(pages)
    app.register_blueprint(copies)
    app.register_blueprint(saved)
    app.register_blueprint(feeds)
    return app

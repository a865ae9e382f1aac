"""What the HTML pages add to the search itself, in server time.

    python scripts/bench_page.py --index DIR [--repeat 20]

For each query of scripts/bench.py (after a warm-up run, so the search itself is
cached alike in both), the median time of the engine's search alone and of the
whole search page request (Flask test client: parameters, search, view objects,
templates); the difference is what the page adds. Same for the document page
reached from a search (`/documents/<id>?q=…`: highlighting) against its JSON twin.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from werkzeug.datastructures import MultiDict

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.bench import QUERIES  # noqa: E402
from search.params import parse_request  # noqa: E402
from web import create_app  # noqa: E402


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="an index directory (scripts/reindex.py)")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per query")
    args = parser.parse_args(argv)
    app = create_app({"VIGIE_INDEX": args.index, "VIGIE_WARM_UP": False})
    app.extensions["vigie_engine"].warm_up()
    client = app.test_client()
    engine = app.extensions["vigie_engine"]
    added, doc_added = [], []
    for query in QUERIES:
        req = parse_request(MultiDict(query))
        client.get("/", query_string=query)  # warm-up: postings, snippets, templates
        search = median_ms(lambda: engine.search(req), args.repeat)
        page = median_ms(lambda: client.get("/", query_string=query), args.repeat)
        added.append(page - search)
        first = engine.search(req)["results"][:1]
        if first and query["q"]:
            path = "/documents/" + first[0]["id"]
            client.get(path, query_string={"q": query["q"]})
            twin = median_ms(lambda: client.get("/api" + path), args.repeat)
            html = median_ms(lambda: client.get(path, query_string={"q": query["q"]}), args.repeat)
            doc_added.append(html - twin)
        print(f"{str(query):70.70} search {search:6.2f} ms  page {page:6.2f} ms  added {page - search:5.2f} ms")
    print(f"search page adds: median {statistics.median(added):.2f} ms, max {max(added):.2f} ms "
          f"over {len(added)} queries")
    print(f"document page (highlighted) vs /api/documents: median {statistics.median(doc_added):.2f} ms, "
          f"max {max(doc_added):.2f} ms over {len(doc_added)} documents")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

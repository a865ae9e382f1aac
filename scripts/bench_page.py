"""What the HTML pages add to the search itself, in server time.

    python scripts/bench_page.py --index DIR [--repeat 30]
    python scripts/bench_page.py --index DIR --export     # memory of streamed exports

Times are CPU time of the serving process (time.process_time), medians. For
each query of scripts/bench.py, after a warm-up request (so the search
itself is cached alike for every run):
- page work: building the page's view objects (web/view.py) and rendering the
  templates from the search's response — what the page adds to the search;
- whole requests through the Flask test client, the page `/` against its JSON
  twin `/api/search`, timed alternately so both see the same machine load.
The document page reached from a search (`/documents/<id>?q=…`, highlighting
included) is timed against `/api/documents/<id>` the same way.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

from flask import render_template
from werkzeug.datastructures import MultiDict

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.bench import QUERIES  # noqa: E402
from search.params import parse_request  # noqa: E402
from web import create_app, view  # noqa: E402
from web.pages import document_url  # noqa: E402


def ms(fn) -> float:
    """CPU milliseconds of `fn` in this process: the machine is shared, and
    wall-clock time would mostly measure the other processes' load."""
    started = time.process_time()
    fn()
    return (time.process_time() - started) * 1000


def alternate(a, b, repeat: int) -> tuple[float, float]:
    """Medians of `a` and `b`, run in turn."""
    ta, tb = [], []
    for _ in range(repeat):
        ta.append(ms(a))
        tb.append(ms(b))
    return statistics.median(ta), statistics.median(tb)


def page_work(app, query: dict, data: dict, repeat: int) -> float:
    args = MultiDict(query)
    req = parse_request(args)
    with app.test_request_context("/", query_string=query):
        def work():
            page = view.search_page(args, req, data, document_url, None)
            render_template("search.html", error=None, q=req.q, view=page, args=args, req=req)
        work()
        return statistics.median(ms(work) for _ in range(repeat))


def export_memory(client) -> None:
    """Peak Python allocations while a whole result set is exported, against its size."""
    for q in ("otan", "guerre", ""):
        for fmt in ("csv", "jsonl"):
            client.get(f"/api/search.{fmt}", query_string={"q": q})  # warm-up
            tracemalloc.start()
            resp = client.get(f"/api/search.{fmt}", query_string={"q": q}, buffered=False)
            sent = sum(len(chunk) for chunk in resp.response)
            resp.close()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            total = client.get("/api/search", query_string={"q": q}).get_json()["total"]
            print(f"export q={q!r:9} {fmt:5}: {total:5} rows, {sent / 1e6:5.2f} MB sent, "
                  f"peak allocations {peak / 1e6:5.2f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="an index directory (scripts/reindex.py)")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per query")
    parser.add_argument("--export", action="store_true", help="measure the exports' memory instead")
    args = parser.parse_args(argv)
    app = create_app({"VIGIE_INDEX": args.index, "VIGIE_WARM_UP": False})
    engine = app.extensions["vigie_engine"]
    engine.warm_up()
    client = app.test_client()
    if args.export:
        export_memory(client)
        return 0
    work, added, doc_added = [], [], []
    for query in QUERIES:
        client.get("/", query_string=query)  # warm-up: postings, snippets, templates
        data = engine.search(parse_request(MultiDict(query)))
        work.append(page_work(app, query, data, args.repeat))
        page, api = alternate(lambda: client.get("/", query_string=query),
                              lambda: client.get("/api/search", query_string=query), args.repeat)
        added.append(page - api)
        print(f"{str(query):62.62} page work {work[-1]:5.2f} ms · request: page {page:6.2f} ms, JSON {api:6.2f} ms")
        if data["results"] and query["q"]:
            path = "/documents/" + data["results"][0]["id"]
            client.get(path, query_string={"q": query["q"]})
            html, twin = alternate(lambda: client.get(path, query_string={"q": query["q"]}),
                                   lambda: client.get("/api" + path), args.repeat)
            doc_added.append(html - twin)
    print(f"search page work (view objects + templates): median {statistics.median(work):.2f} ms, "
          f"max {max(work):.2f} ms over {len(work)} queries")
    print(f"search page request minus its JSON twin: median {statistics.median(added):.2f} ms, "
          f"max {max(added):.2f} ms")
    print(f"document page (highlighted) minus /api/documents: median {statistics.median(doc_added):.2f} ms, "
          f"max {max(doc_added):.2f} ms over {len(doc_added)} documents")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmarks: search latency of every query kind, throughput under gunicorn,
memory, reindex times, and how they grow with the corpus. Writes a JSON file
and, with --readme, the README's benchmark table.

    python scripts/bench.py --corpus ../shared/corpus/orangesum-full.jsonl.gz --readme
    python scripts/bench.py --corpus ../shared/corpus/orangesum-full.jsonl.gz --scales 5k,36k,180k --readme
    python scripts/bench.py --index DIR                      # search only, on an existing index
    python scripts/bench.py --index DIR --http-seconds 0 --clock cpu   # queries timed in CPU time (shared machine)

For each corpus size (5k: the first 5,000 records; 36k: the corpus; 180k: its
records five times with new ids, written to a temporary folder):

- reindex: a full rebuild (`scripts/reindex.py --full` in a fresh process),
  then a reindex with nothing changed, then one with one `.txt` file added,
  and the seconds from its exit until a running app serves the new file;
- search: --queries queries generated from the index's own vocabulary
  (scripts/bench_queries.py, seeded), each timed the first time it is seen,
  through the JSON API (Flask test client) after the start-up warm-up; then
  the same queries through plain Whoosh on the same index (MultifieldParser,
  `search_page` grouped by the two facet columns, highlights of each hit);
- HTTP: `gunicorn -w 3` as `make run` starts it, --clients concurrent loopback
  clients for --http-seconds (the queries asked in turn, again and again), then
  the same with answers not remembered (VIGIE_RESULT_CACHE=0); requests/s, p50/p95, errors, and the peak
  resident memory of a worker.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.bench_queries import generate  # noqa: E402
from scripts.corpus import records  # noqa: E402

README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"
SIZES = {"5k": 5_000, "36k": None, "180k": 5}  # records kept; 180k: the corpus five times
# What times each in-process query, Vigie's and plain Whoosh's alike (--clock): wall
# time, or this process's CPU time, which other jobs on a shared machine disturb less.
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def summary(values: list[float]) -> dict:
    return {"n": len(values), "p50": round(percentile(values, 50), 1), "p95": round(percentile(values, 95), 1),
            "p99": round(percentile(values, 99), 1), "max": round(max(values), 1)}


# -- corpora -------------------------------------------------------------------
def make_corpus(corpus: Path, scale: str, folder: Path) -> Path:
    """The corpus file for one size, in `folder` (36k: the corpus itself)."""
    size = SIZES[scale]
    if size is None:
        return corpus
    out = folder / f"corpus-{scale}.jsonl"
    with open(out, "w", encoding="utf-8") as f:
        if scale == "180k":
            for copy in range(size):
                for record in records(corpus):
                    record["id"] = f"{record['id']}-c{copy}"
                    f.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            for n, record in enumerate(records(corpus)):
                if n >= size:
                    break
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return out


# -- reindex -------------------------------------------------------------------
def _reindex(seeds: list[Path], index_dir: Path, full: bool, persons: bool = True) -> tuple[float, str]:
    command = [sys.executable, "-m", "scripts.reindex", "--seeds", *map(str, seeds), "--index", str(index_dir)]
    command += [] if persons else ["--no-persons"]
    started = time.perf_counter()
    done = subprocess.run(command + (["--full"] if full else []), capture_output=True, text=True, cwd=ROOT,
                          check=False)
    seconds = time.perf_counter() - started
    lines = done.stdout.strip().splitlines()
    return seconds, lines[-1] if lines else done.stderr.strip()[-300:]


def bench_reindex(corpus: Path, index_dir: Path, extra: Path, compare_persons: bool) -> dict:
    """Full rebuild, no-op reindex, one file added: each timed as a user runs it
    (a fresh process each, so no run inherits another's warm caches)."""
    from indexer import store

    seeds = [corpus, extra]
    without = {}
    if compare_persons:
        seconds, line = _reindex(seeds, index_dir.with_name(index_dir.name + "-np"), full=True, persons=False)
        shutil.rmtree(index_dir.with_name(index_dir.name + "-np"), ignore_errors=True)
        without = {"full_no_persons_s": round(seconds, 1), "full_no_persons": line}
    full_s, full_line = _reindex(seeds, index_dir, full=True)
    docs = int(re.search(r"added (\d+)", full_line).group(1)) if re.search(r"added (\d+)", full_line) else 0
    size = store.size_bytes(index_dir)
    noop_s, noop_line = _reindex(seeds, index_dir, full=False)
    noop_growth = store.size_bytes(index_dir) - size
    client = _serving(index_dir)
    (extra / "bench-added.txt").write_text(f"Un article ajouté\n\nLa frégate a quitté Toulon ce matin. {ADDED_WORD}\n",
                                           encoding="utf-8")
    add_s, add_line = _reindex(seeds, index_dir, full=False)
    shown_s = _shown_after(client, time.perf_counter())
    return {"docs": docs, "full_s": round(full_s, 1), "docs_per_s": round(docs / full_s) if full_s else None,
            "index_mb": round(size / 1e6, 1), "noop_s": round(noop_s, 2), "noop": noop_line,
            "noop_growth_mb": round(noop_growth / 1e6, 2),
            "one_file_add_s": round(add_s, 2), "one_file_add": add_line, "show_new_file_s": shown_s,
            "full": full_line, **without}


ADDED_WORD = "zorglubesque"  # in no corpus: the added file is the only match
SHOW_TIMEOUT_S = 120


def _serving(index_dir: Path):
    """A running app on the index (its generation open), as a server is when a file is added."""
    from web import create_app

    client = create_app({"VIGIE_INDEX": str(index_dir), "VIGIE_WARM_UP": False}).test_client()
    assert client.get("/api/search", query_string={"q": ADDED_WORD}).get_json()["total"] == 0
    return client


def _shown_after(client, since: float) -> float | None:
    """Seconds from `since` (reindex exited) until the app serves the added file, polling
    as users would; None if it never does within SHOW_TIMEOUT_S."""
    while time.perf_counter() - since < SHOW_TIMEOUT_S:
        if client.get("/api/search", query_string={"q": ADDED_WORD}).get_json()["total"]:
            return round(time.perf_counter() - since, 2)
        time.sleep(0.02)
    return None


# -- search, in process --------------------------------------------------------
def bench_vigie(index_dir: Path, queries: list[dict], clock: Callable[[], float], extra: dict | None = None) -> dict:
    """Each query the first time through the JSON API of a fresh app; `extra`: parameters added to each."""
    from web import create_app

    app = create_app({"VIGIE_INDEX": str(index_dir), "VIGIE_WARM_UP": False})
    app.extensions["vigie_engine"].warm_up()  # what a server does at start-up
    client = app.test_client()
    times: list[float] = []
    by_kind: dict[str, list[float]] = {}
    slowest, approximate = [], 0
    for item in queries:
        started = clock()
        resp = client.get("/api/search", query_string=item["params"] | (extra or {}))
        ms = (clock() - started) * 1000
        assert resp.status_code == 200, (item, resp.get_data(as_text=True)[:300])
        approximate += bool(resp.get_json().get("approximate"))
        times.append(ms)
        by_kind.setdefault(item["kind"], []).append(ms)
        slowest.append((ms, item["params"]))
    slowest.sort(key=lambda x: -x[0])
    return {"first_time": summary(times), "by_kind": {k: summary(v) for k, v in by_kind.items()},
            "approximate": approximate, "slowest": [{"ms": round(ms, 1), "params": p} for ms, p in slowest[:8]]}


def bench_whoosh(index_dir: Path, queries: list[dict], clock: Callable[[], float]) -> dict:
    """The same queries through Whoosh's own API, as a plain Whoosh app would run them
    (but the hostile wildcards, which take it seconds to minutes each)."""
    from whoosh import index as whoosh_index
    from whoosh import qparser
    from whoosh import query as wq

    from indexer import store
    from indexer.person_merge import key as person_key
    from indexer.schema import LEAD_BOOST, TITLE_BOOST
    from search.engine import SCORING

    ix = whoosh_index.open_dir(str(store.current_dir(index_dir)))
    parser = qparser.MultifieldParser(["title", "lead", "body"], ix.schema,
                                      fieldboosts={"title": TITLE_BOOST, "lead": LEAD_BOOST}, group=qparser.AndGroup)
    times = []
    with ix.searcher(weighting=SCORING) as searcher:
        for item in queries:
            if item["kind"] == "wildcard":  # seconds to minutes each in plain Whoosh (issue 9): left out
                continue
            p = item["params"]
            started = clock()
            q = parser.parse(p["q"])
            filters = []
            if "source" in p:
                filters.append(parser.parse(f'source:"{p["source"]}"'))
            if "person" in p:
                filters.append(wq.Term("person_value", person_key(p["person"])))
            kwargs = {"filter": wq.And(filters)} if filters else {}
            if p.get("sort") == "-date":
                kwargs.update(sortedby="date_key", reverse=True)
            page = searcher.search_page(q, int(p.get("page", 1)), pagelen=10,
                                        groupedby=["facet_source", "facet_person"], **kwargs)
            for hit in page:
                hit.highlights("body")
            times.append((clock() - started) * 1000)
    return summary(times)


# -- HTTP ----------------------------------------------------------------------
def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def _worker_memory(master: int) -> list[int]:
    """Peak resident memory (VmHWM, kB) of each gunicorn worker."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    peaks = []
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        m = re.search(r"VmHWM:\s+(\d+)", status)
        if m:
            peaks.append(int(m.group(1)))
    return peaks


def bench_http(index_dir: Path, queries: list[dict], seconds: float, clients: int, workers: int,
               remembered: int | None = None) -> dict:
    """`remembered`: VIGIE_RESULT_CACHE for the workers (None: the default)."""
    port = _free_port()
    env = dict(os.environ, VIGIE_INDEX=str(index_dir))
    if remembered is not None:
        env["VIGIE_RESULT_CACHE"] = str(remembered)
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers",
                             str(workers), "web:create_app()"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    paths = ["/api/search?" + urlencode(item["params"]) for item in queries]
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if _get(port, "/api/search?q=") == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.5)
        for i in range(workers * 10):  # every worker opens the index and warms up before timing
            _get(port, "/api/search?q=")
        time.sleep(5)  # the warm-up threads (stemming the vocabulary) finish
        latencies: list[float] = []
        errors = [0]
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def client(n: int) -> None:
            i = n * 37
            while time.monotonic() < stop:
                path = paths[i % len(paths)]
                i += 1
                started = time.perf_counter()
                try:
                    status = _get(port, path)
                except OSError:
                    status = 0
                ms = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(ms)
                    if status != 200:
                        errors[0] += 1

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        memory = _worker_memory(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {"requests": len(latencies), "rps": round(len(latencies) / elapsed, 1),
            "p50": round(percentile(latencies, 50), 1), "p95": round(percentile(latencies, 95), 1),
            "errors": errors[0], "worker_peak_rss_mb": round(max(memory) / 1024) if memory else None,
            "clients": clients, "workers": workers, "seconds": seconds}


# -- report --------------------------------------------------------------------
def table(results: dict) -> str:
    """The README's tables, from the JSON results."""
    lines = ["| corpus | docs | full reindex | no-op reindex | one-file add | shown after | index size "
             "| worker peak RSS |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for scale, r in results["scales"].items():
        ri, h = r.get("reindex") or {}, r.get("http") or {}
        lines.append(f"| {scale} | {ri.get('docs', '–')} | "
                     + (f"{ri['docs_per_s']} docs/s ({ri['full_s']} s)" if ri else "–")
                     + f" | {ri.get('noop_s', '–')} s | {ri.get('one_file_add_s', '–')} s "
                     + f"| {ri.get('show_new_file_s', '–')} s | "
                     + f"{ri.get('index_mb', '–')} MB | {h.get('worker_peak_rss_mb', '–')} MB |"
                     + (f" (without persons: {ri['full_no_persons_s']} s)" if "full_no_persons_s" in ri else ""))
    lines += ["", "| corpus | first-time queries p50 / p95 / p99 / max | plain Whoosh p50 / p95 | p95 ratio "
              "| worst kind p95 | HTTP req/s, p50 / p95, errors |", "| --- | --- | --- | --- | --- | --- |"]
    for scale, r in results["scales"].items():
        v, w, h = r["vigie"]["first_time"], r["whoosh"], r.get("http") or {}
        kind, worst = max(r["vigie"]["by_kind"].items(), key=lambda kv: kv[1]["p95"])
        http_cell = (f"{h['rps']} req/s, {h['p50']} / {h['p95']} ms, {h['errors']} errors" if h else "–")
        if r.get("http_uncached"):
            u = r["http_uncached"]
            http_cell += f" (answers not remembered: {u['rps']} req/s, {u['p50']} / {u['p95']} ms, {u['errors']} errors)"
        lines.append(f"| {scale} | {v['p50']} / {v['p95']} / {v['p99']} / {v['max']} ms | {w['p50']} / {w['p95']} ms "
                     f"| {w['p95'] / v['p95']:.1f}× | {kind} {worst['p95']} ms | {http_cell} |")
    first = next(iter(results["scales"].values()))
    lines += ["", "| kind (" + next(iter(results["scales"])) + ") | n | p50 | p95 | max |", "| --- | --- | --- | --- | --- |"]
    for kind, s in first["vigie"]["by_kind"].items():
        lines.append(f"| {kind} | {s['n']} | {s['p50']} | {s['p95']} | {s['max']} |")
    if "vigie_story" in first:
        s = first["vigie_story"]["first_time"]
        lines.append(f"| all, `collapse=story` | {s['n']} | {s['p50']} | {s['p95']} | {s['max']} |")
    return "\n".join(lines)


def write_readme(text: str) -> None:
    readme = ROOT / "README.md"
    content = readme.read_text(encoding="utf-8")
    if README_START not in content:
        raise SystemExit(f"README.md has no {README_START} … {README_END} markers")
    head, rest = content.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    readme.write_text(f"{head}{README_START}\n{text}\n{README_END}{tail}", encoding="utf-8")


def run_scale(args, scale: str | None, work: Path) -> dict:
    result: dict = {}
    if args.index:
        index_dir = args.index
    else:
        corpus = make_corpus(args.corpus, scale, work)
        index_dir, extra = work / f"ix-{scale}", work / f"extra-{scale}"
        extra.mkdir()
        print(f"[{scale}] reindex …", flush=True)
        result["reindex"] = bench_reindex(corpus, index_dir, extra, args.compare_persons)
        print(f"[{scale}] {result['reindex']}", flush=True)
    queries = generate(index_dir, count=args.queries, seed=args.seed)
    print(f"[{scale}] {len(queries)} queries: Vigie …", flush=True)
    clock = CLOCKS[args.clock]
    result["vigie"] = bench_vigie(index_dir, queries, clock)
    result["vigie_story"] = bench_vigie(index_dir, queries, clock, {"collapse": "story"})  # issue 12: collapsed by story
    print(f"[{scale}] {result['vigie']['first_time']}; collapse=story {result['vigie_story']['first_time']}; "
          "plain Whoosh …", flush=True)
    result["whoosh"] = bench_whoosh(index_dir, queries, clock)
    print(f"[{scale}] whoosh {result['whoosh']}", flush=True)
    if args.http_seconds > 0:
        result["http"] = bench_http(index_dir, queries, args.http_seconds, args.clients, args.workers)
        print(f"[{scale}] http {result['http']}", flush=True)
        # The clients ask the same queries again and again: the same run without remembered answers.
        result["http_uncached"] = bench_http(index_dir, queries, args.http_seconds, args.clients, args.workers, 0)
        print(f"[{scale}] http, answers not remembered {result['http_uncached']}", flush=True)
    if not args.index:
        shutil.rmtree(index_dir, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, help="a JSONL(.gz) corpus (the 36k: orangesum-full.jsonl.gz)")
    parser.add_argument("--scales", default="36k", help="comma-separated sizes among 5k, 36k, 180k (default 36k)")
    parser.add_argument("--index", type=Path, help="benchmark search on this existing index instead (no reindex)")
    parser.add_argument("--queries", type=int, default=320, help="generated queries (default 320)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--http-seconds", type=float, default=20.0, help="HTTP run length; 0 skips it")
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--compare-persons", action="store_true", help="also time a rebuild without person extraction")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                        help="what times the in-process queries (cpu: on a shared machine)")
    parser.add_argument("--json", type=Path, default=Path("bench-results.json"), help="where to write the results")
    parser.add_argument("--readme", action="store_true", help="rewrite the README's benchmark table")
    args = parser.parse_args(argv)
    if not args.index and (not args.corpus or not args.corpus.exists()):
        parser.error("give --corpus (an existing file) or --index")
    scales = [s.strip() for s in args.scales.split(",") if s.strip()]
    if any(s not in SIZES for s in scales):
        parser.error(f"--scales: choose among {', '.join(SIZES)}")
    results = {"machine": f"{os.cpu_count()} cores", "command": " ".join(sys.argv), "clock": args.clock, "scales": {}}
    with tempfile.TemporaryDirectory(prefix="vigie-bench-") as tmp:
        for scale in ([None] if args.index else scales):
            label = scale or args.index.name
            work = Path(tmp) / (scale or "index")
            work.mkdir()
            results["scales"][label] = run_scale(args, scale, work)
            # After each size: a long run that fails at 180k keeps the smaller sizes' figures.
            args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    text = table(results)
    print(text)
    if args.readme:
        write_readme(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

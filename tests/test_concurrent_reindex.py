"""Reindexing under load: real gunicorn on loopback, concurrent clients, no failed request."""
import json
import threading
import time

from indexer.writer import reindex
from tests.conftest import gunicorn, http_get, write_jsonl

URLS = ["/api/search?q=otan", "/?q=d%C3%A9fense", "/api/documents/000_bc95917e9b30098b",
        "/documents/002_ad6fdf2ba060e34e", "/api/facets/person?prefix=sto", "/api/search?q=&sort=-date",
        "/api/search?q=Stoltenberg&person=Jens+Stoltenberg"]
MAX_REQUESTS_PER_CLIENT = 600  # bounded in count and in time (clients stop when the reindexes are done)


def test_reindexes_under_concurrent_requests_fail_no_request(seeds_copy, tmp_path):
    index_dir = tmp_path / "ix"
    write_jsonl(seeds_copy / "lot.jsonl", [{"id": f"l{i}", "title": f"Dépêche {i}", "text": "L'OTAN en Baltique."}
                                           for i in range(200)])
    reindex([seeds_copy], index_dir)
    results: list = []
    stop = threading.Event()

    def client(k: int) -> None:
        for n in range(MAX_REQUESTS_PER_CLIENT):
            if stop.is_set():
                return
            try:
                status = http_get(base + URLS[(n + k) % len(URLS)])[0]
            except OSError as exc:  # a refused or reset connection is a failed request too
                status = repr(exc)
            results.append(status)

    with gunicorn(index_dir, workers=2) as base:
        clients = [threading.Thread(target=client, args=(k,)) for k in range(4)]
        for t in clients:
            t.start()
        try:
            (seeds_copy / "breve.txt").write_text("Sous-marin nucléaire\n\nLe Suffren plonge.", encoding="utf-8")
            assert reindex([seeds_copy], index_dir).added == 1
            write_jsonl(seeds_copy / "lot.jsonl", [{"id": f"l{i}", "title": f"Dépêche {i} bis", "text": "Mise à jour."}
                                                   for i in range(150)])
            summary = reindex([seeds_copy], index_dir)
            assert (summary.updated, summary.deleted) == (150, 50)
            assert reindex([seeds_copy], index_dir, full=True).updated == 153
            deadline = time.monotonic() + 20
            while json.loads(http_get(base + "/api/search?q=Suffren")[1])["total"] != 1:
                assert time.monotonic() < deadline, "the new document never became visible"
                time.sleep(0.2)
        finally:
            stop.set()
            for t in clients:
                t.join()
    assert len(results) >= 20
    assert [s for s in results if s != 200] == []

"""Saved searches in a real browser: save from the results page, list, see the new count, open."""
import time

import pytest

from indexer.writer import reindex
from tests.conftest import SAMPLE_RECORDS, gunicorn, write_jsonl
from tests.test_browser import BROWSER_ARGS, CHROMIUM, search, titles

pytestmark = pytest.mark.skipif(not CHROMIUM, reason="Debian chromium not installed (make install-browser)")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-saved")
    seeds = root / "seeds"
    seeds.mkdir()
    write_jsonl(seeds / "corpus.jsonl", SAMPLE_RECORDS)
    reindex([seeds], root / "ix")
    with gunicorn(root / "ix", workers=1) as base:
        yield base, seeds, root / "ix"


@pytest.fixture
def page(served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        page = browser.new_page()
        page.set_default_timeout(20_000)  # a missing element fails the test, never hangs it
        page.goto(served[0] + "/")
        yield page
        browser.close()


def new_count(page) -> str:
    return page.locator("tr", has_text="Barkhane suivi").locator("td.new").inner_text()


def test_save_list_see_new_and_open(page, served):
    base, seeds, index_dir = served
    search(page, "Barkhane")
    assert page.locator("link[rel=alternate][type='application/atom+xml']").count() == 1
    page.get_by_label("Enregistrer cette recherche sous").fill("Barkhane suivi")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert page.url.startswith(base + "/recherches")
    assert new_count(page) == "0 nouveau"
    write_jsonl(seeds / "more.jsonl", [
        {"id": "b1", "title": "Barkhane : le retrait", "date": "2021-07-01", "text": "Les soldats de Barkhane partent."},
        {"id": "b2", "title": "Barkhane : le bilan", "date": "2021-07-02", "text": "Barkhane laisse un bilan mitigé."},
        {"id": "x1", "title": "Rien à voir", "date": "2021-07-03", "text": "Un article sur la marine."},
    ])
    reindex([seeds], index_dir)
    deadline = time.monotonic() + 15  # the server picks the new index up within a second or two
    while new_count(page) != "2 nouveaux" and time.monotonic() < deadline:
        time.sleep(0.3)
        page.reload()
    assert new_count(page) == "2 nouveaux"
    page.get_by_role("link", name="Barkhane suivi").click()
    page.wait_for_load_state()
    assert "Barkhane : le retrait" in titles(page)
    page.get_by_role("link", name="Recherches enregistrées").first.click()
    page.wait_for_load_state()
    assert new_count(page) == "0 nouveau"
    assert page.locator("tr", has_text="Barkhane suivi").get_by_role("link", name="Atom").get_attribute("href")

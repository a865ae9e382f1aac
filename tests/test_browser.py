"""The web page in a real headless browser (Debian chromium driven by Playwright),
served by gunicorn over a real index."""
import os
import shutil

import pytest

from indexer.writer import reindex
from tests.conftest import SAMPLE_RECORDS, gunicorn, write_jsonl

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# CI installs chromium (make test → install-browser): there a missing browser is a failure.
if not CHROMIUM and os.environ.get("CI"):
    raise RuntimeError("chromium is not installed: `make install-browser` should have installed it")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="Debian chromium not installed (make install-browser)")

BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                "--disable-background-networking", "--disable-component-update"]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    records = SAMPLE_RECORDS + [{"id": "p1", "title": "Visite à Moscou", "source": "AFP", "date": "2021-07-01",
                          "text": "Le président russe Vladimir Poutine a reçu M. Loukachenko. Vladimir Poutine a parlé."}]
    write_jsonl(root / "corpus.jsonl", records)
    reindex([root / "corpus.jsonl"], root / "ix")
    with gunicorn(root / "ix", workers=1) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url):
    page = browser.new_page()
    page.goto(base_url + "/")
    yield page
    page.close()


def search(page, text: str) -> None:
    box = page.get_by_role("searchbox", name="Recherche")
    box.fill(text)
    box.press("Enter")
    page.wait_for_load_state()


def titles(page) -> list[str]:
    return page.locator("article.hit h3").all_inner_texts()


def test_typing_a_query_shows_ranked_highlighted_results(page):
    search(page, "defense europeenne")
    assert page.locator("p.summary").inner_text().startswith("2 résultats")
    assert titles(page)[0] == "La défense européenne en débat"
    assert page.locator("article.hit mark").first.inner_text().lower().startswith("défense")


def test_facet_click_filters_and_a_second_click_clears(page):
    search(page, "")
    page.locator("section[data-facet=source] a", has_text="Reuters").click()
    page.wait_for_load_state()
    assert "source=Reuters" in page.url
    assert sorted(titles(page)) == ["Exercice naval de l'Otan en Baltique", "La défense européenne en débat"]
    page.locator("section[data-facet=source] li.selected a", has_text="Reuters").click()
    page.wait_for_load_state()
    assert "source=" not in page.url and len(titles(page)) == 7


def test_person_facet_and_document_page(page):
    search(page, "Moscou")
    page.locator("section[data-facet=person] a", has_text="Vladimir Poutine").click()
    page.wait_for_load_state()
    assert titles(page) == ["Visite à Moscou"]
    page.get_by_role("link", name="Visite à Moscou").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Visite à Moscou"
    assert "Alexandre" not in page.locator("p.persons").inner_text()
    assert "Vladimir Poutine" in page.locator("p.persons").inner_text()


def test_misspelling_offers_a_clickable_suggestion(page):
    search(page, "Barkane")
    suggestion = page.locator("p.suggestion a")
    assert suggestion.inner_text() == "Barkhane"
    suggestion.click()
    page.wait_for_load_state()
    assert page.get_by_role("searchbox", name="Recherche").input_value() == "Barkhane"


def test_sort_by_date_and_friendly_error(page, base_url):
    search(page, "")
    page.get_by_role("link", name="Plus anciens").click()
    page.wait_for_load_state()
    assert titles(page)[0] == "Frappes aériennes en Syrie"
    page.goto(base_url + "/?per_page=500")
    assert "Paramètre invalide" in page.locator("div.notice").inner_text()

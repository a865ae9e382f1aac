"""The web page in a real headless browser (Debian chromium driven by Playwright),
served by gunicorn over a real index: search, filters, timeline, document page,
export, phone layout, pages without JavaScript, accessibility (axe-core)."""
import csv
import io
import json
import os
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from indexer.writer import reindex
from tests.conftest import ROOT, SAMPLE_RECORDS, gunicorn, http_get, write_jsonl

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# CI installs chromium (make test → install-browser): there a missing browser is a failure.
if not CHROMIUM and os.environ.get("CI"):
    raise RuntimeError("chromium is not installed: `make install-browser` should have installed it")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="Debian chromium not installed (make install-browser)")

BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                "--disable-background-networking", "--disable-component-update"]
SCREENSHOTS = ROOT / "build" / "screenshots"  # git-ignored; `make screenshots` copies one to docs/
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SUMMIT = ["Angela Merkel", "Jens Stoltenberg", "Boris Johnson", "Justin Trudeau", "Pedro Sanchez", "Mark Rutte",
          "Charles Michel", "Ursula von der Leyen", "Josep Borrell", "Antonio Guterres", "Florence Parly"]
RECORDS = SAMPLE_RECORDS + [
    {"id": "p1", "title": "Visite à Moscou", "source": "AFP", "date": "2021-07-01",
     "text": "Le président russe Vladimir Poutine a reçu M. Loukachenko. Vladimir Poutine a parlé."},
    {"id": "s1", "title": "Sommet de l'Otan à Bruxelles", "source": "Reuters", "date": "2020-12-01",
     "text": "Le sommet a réuni " + ", ".join(SUMMIT) + " à Bruxelles.\n\n"
             + " ".join(f"{n} a parlé de défense européenne." for n in SUMMIT)},
]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    write_jsonl(root / "corpus.jsonl", RECORDS)
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
    page = browser.new_page(viewport=DESKTOP)
    page.goto(base_url + "/")
    yield page
    page.close()


@pytest.fixture
def phone(browser, base_url):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def no_js(browser, base_url):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def search(page, text: str) -> None:
    box = page.get_by_role("searchbox", name="Recherche")
    box.fill(text)
    box.press("Enter")
    page.wait_for_load_state()


def click(page, locator) -> None:
    locator.click()
    page.wait_for_load_state()


def titles(page) -> list[str]:
    return page.locator("li.hit h2").all_inner_texts()


def total(page) -> str:
    return page.locator(".count-line .total").inner_text()


def chips(page) -> list[str]:
    return [" ".join(t.replace("×", "").split()) for t in page.locator("ul.chips a.chip").all_inner_texts()]


def params(page) -> dict:
    return parse_qs(urlsplit(page.url).query)


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in found if v["impact"] in ("serious", "critical")]


# -- searching ----------------------------------------------------------------
def test_typing_a_query_shows_ranked_highlighted_results(page):
    search(page, "defense europeenne")
    assert total(page) == "3 résultats"
    assert titles(page)[0] == "La défense européenne en débat"
    assert page.locator("li.hit mark").first.inner_text().lower().startswith("défense")
    assert page.locator("li.hit .meta time").first.inner_text() == "2 novembre 2019"  # French dates


def test_slash_focuses_the_search_box(page):
    search(page, "Barkhane")
    page.locator("h1").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "recherche"


def test_misspelling_offers_a_clickable_suggestion(page):
    search(page, "Barkane")
    click(page, page.locator("p.suggestion a"))
    assert page.get_by_role("searchbox", name="Recherche").input_value() == "Barkhane"


def test_sort_by_date_and_friendly_error(page, base_url):
    search(page, "")
    click(page, page.get_by_role("link", name="Plus anciens"))
    assert titles(page)[0] == "Frappes aériennes en Syrie"
    page.goto(base_url + "/?per_page=500")
    assert "Paramètre invalide" in page.locator("div.notice").inner_text()


# -- filters: facets, chips, timeline ------------------------------------------
def test_facet_click_adds_a_chip_and_removing_the_chip_clears_it(page):
    search(page, "")
    click(page, page.locator("section[data-facet=source] a", has_text="Reuters"))
    assert params(page)["source"] == ["Reuters"]
    assert total(page) == "3 résultats" and chips(page) == ["Source : Reuters"]
    click(page, page.get_by_role("link", name="Retirer le filtre Source : Reuters"))
    assert "source" not in params(page) and total(page) == "8 résultats" and chips(page) == []


def test_clear_all_drops_every_filter_but_keeps_the_query(page, base_url):
    page.goto(base_url + "/?q=otan&source=Reuters&person=Jens+Stoltenberg&from=2020&to=2020")
    assert chips(page) == ["Source : Reuters", "Personne : Jens Stoltenberg", "Période : 2020"]
    click(page, page.get_by_role("link", name="Tout effacer"))
    assert params(page) == {"q": ["otan"]} and chips(page) == []


def test_timeline_bar_sets_the_period_and_the_period_is_removable(page):
    search(page, "")
    assert page.locator(".timeline h2").inner_text().lower().endswith("par mois")
    click(page, page.get_by_role("link", name="mars 2020 : 2 documents"))
    assert params(page)["from"] == ["2020-03"] and params(page)["to"] == ["2020-03"]
    assert total(page) == "2 résultats" and chips(page) == ["Période : mars 2020"]
    assert sorted(titles(page)) == ["Entretien avec un diplomate", "Exercice naval de l'Otan en Baltique"]
    click(page, page.get_by_role("link", name="Retirer la période mars 2020"))
    assert "from" not in params(page) and total(page) == "8 résultats"


def test_timeline_brushing_selects_a_range(page):
    search(page, "")
    bars = page.locator(".timeline a.bar")
    first, last = bars.nth(0).bounding_box(), bars.nth(5).bounding_box()
    page.mouse.move(first["x"] + first["width"] / 2, first["y"] + first["height"] - 2)
    page.mouse.down()
    page.mouse.move(last["x"] + last["width"] / 2, last["y"] + last["height"] - 2, steps=8)
    with page.expect_navigation():
        page.mouse.up()
    assert params(page)["from"] == ["2019-10"] and params(page)["to"] == ["2020-03"]
    assert total(page) == "4 résultats"


def test_voir_plus_shows_the_rest_of_a_facet(page):
    search(page, "")
    facet = page.locator("section[data-facet=person]")
    hidden = facet.locator("details.more li a")
    assert hidden.count() > 0 and not hidden.first.is_visible()
    click(page, facet.locator("details.more > summary"))
    assert hidden.first.is_visible()
    name = hidden.first.locator(".value").inner_text()
    click(page, hidden.first)
    assert params(page)["person"] == [name] and chips(page) == [f"Personne : {name}"]


def test_person_filter_box_lists_matching_persons_as_you_type(page):
    search(page, "")
    box = page.get_by_label("Chercher une personne", exact=True)
    box.fill("stolt")
    option = page.locator("#person-matches a", has_text="Jens Stoltenberg")
    option.wait_for()
    box.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent").startswith("Jens Stoltenberg")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert params(page)["person"] == ["Jens Stoltenberg"] and titles(page) == ["Sommet de l'Otan à Bruxelles"]


def test_a_person_link_under_a_hit_adds_the_filter(page):
    search(page, "Moscou")
    click(page, page.locator("li.hit .persons a", has_text="Vladimir Poutine"))
    assert params(page) == {"q": ["Moscou"], "person": ["Vladimir Poutine"]}
    assert chips(page) == ["Personne : Vladimir Poutine"] and titles(page) == ["Visite à Moscou"]


def test_a_source_link_under_a_hit_adds_the_filter(page):
    search(page, "défense européenne")
    click(page, page.locator("li.hit .meta a.source", has_text="Reuters").first)
    assert params(page)["source"] == ["Reuters"] and chips(page) == ["Source : Reuters"]


# -- empty state ---------------------------------------------------------------
def test_empty_state_offers_to_drop_each_filter(page, base_url):
    page.goto(base_url + "/?q=Barkhane&source=Reuters&from=2019")
    empty = page.locator(".empty-state")
    assert "« Barkhane »" in empty.locator("h2").inner_text()
    assert empty.locator("code").count() >= 3  # the query syntax tips
    screenshot(page, "empty")
    click(page, empty.get_by_role("link", name="sans « Source : Reuters »"))
    assert params(page) == {"q": ["Barkhane"], "from": ["2019"]} and total(page) == "1 résultat"
    page.goto(base_url + "/?q=Barkhane&source=Reuters&from=2019")
    click(page, page.locator(".empty-state").get_by_role("link", name="sans aucun filtre"))
    assert params(page) == {"q": ["Barkhane"]} and total(page) == "2 résultats"


# -- document page ---------------------------------------------------------------
def test_document_page_highlights_the_query_and_returns_to_the_same_search(page, base_url):
    page.goto(base_url + "/?q=barkhane&sort=-date&per_page=1&page=2")
    results_url = page.url
    click(page, page.locator("li.hit h2 a").first)
    marks = page.locator(".doc-text mark")
    assert marks.count() >= 1 and marks.first.inner_text().lower() == "barkhane"
    assert marks.first.get_attribute("id") == "premiere-occurrence"
    click(page, page.get_by_role("link", name="Aller à la première"))
    assert page.url.endswith("#premiere-occurrence")
    click(page, page.get_by_role("link", name="← Retour aux résultats"))
    assert page.url == results_url


def test_document_page_french_date_persons_and_similar(page, base_url):
    page.goto(base_url + "/documents/s1?q=otan")
    assert page.locator("h1 mark").inner_text() == "Otan"  # the title is highlighted too
    assert "que dans le titre" in page.locator(".doc-tools").inner_text()
    page.goto(base_url + "/documents/s1?q=d%C3%A9fense")
    assert page.locator(".doc-meta time").inner_text() == "1er décembre 2020"
    assert page.locator(".doc-text mark").count() == len(SUMMIT)
    screenshot(page, "document")
    click(page, page.locator(".document .persons a", has_text="Jens Stoltenberg"))
    assert params(page) == {"q": ["défense"], "person": ["Jens Stoltenberg"]}
    assert titles(page) == ["Sommet de l'Otan à Bruxelles"]
    page.goto(base_url + "/documents/d2")
    assert page.locator(".doc-meta").inner_text().startswith("2 novembre 2019")
    assert page.locator(".similar h2").inner_text() == "Articles similaires"
    assert page.locator(".back").count() == 0  # not reached from a search
    assert json.loads(http_get(base_url + "/api/documents/d2")[1])["date"] == "2019-11-02"


# -- export ----------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["CSV", "JSON Lines"])
def test_export_of_a_filtered_search_has_exactly_total_rows(page, base_url, fmt):
    page.goto(base_url + "/?q=&source=AFP&per_page=2")
    expected = json.loads(http_get(base_url + "/api/search?source=AFP")[1])
    with page.expect_download() as info:
        page.locator(".exports").get_by_role("link", name=fmt).click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    if fmt == "CSV":
        rows = list(csv.DictReader(io.StringIO(text)))
    else:
        rows = [json.loads(line) for line in text.splitlines()]
    assert len(rows) == expected["total"] == 4
    assert [r["id"] for r in rows[:2]] == [r["id"] for r in expected["results"][:2]]
    assert all(r["sources"] for r in rows)


# -- phone, no JavaScript ---------------------------------------------------------
def test_phone_layout_shows_a_result_in_the_first_screen(phone, base_url):
    phone.goto(base_url + "/?q=otan")
    hit = phone.locator("li.hit").first.bounding_box()
    assert hit["y"] + 60 < PHONE["height"]
    facets = phone.locator("section[data-facet=person]")
    assert not facets.is_visible()
    screenshot(phone, "phone")
    click(phone, phone.locator("details.filters > summary"))
    assert facets.is_visible() and phone.locator(".timeline").is_visible()


def test_without_javascript_a_person_filters_the_search(no_js, base_url):
    no_js.goto(base_url + "/")
    no_js.get_by_label("Chercher une personne", exact=True).fill("pout")
    click(no_js, no_js.locator("form.person-filter button"))
    click(no_js, no_js.locator("#person-matches a", has_text="Vladimir Poutine"))
    assert params(no_js)["person"] == ["Vladimir Poutine"] and titles(no_js) == ["Visite à Moscou"]
    click(no_js, no_js.locator("section[data-facet=source] a", has_text="AFP"))
    assert chips(no_js) == ["Source : AFP", "Personne : Vladimir Poutine"]
    click(no_js, no_js.get_by_role("link", name="juillet 2021 : 1 document"))
    assert params(no_js)["from"] == ["2021-07"] and titles(no_js) == ["Visite à Moscou"]
    click(no_js, no_js.locator("li.hit h2 a").first)
    assert no_js.locator("h1").inner_text() == "Visite à Moscou"


# -- accessibility and screenshots ----------------------------------------------
@pytest.mark.parametrize("path, name", [
    ("/?q=", "search"),
    ("/?q=otan&source=Reuters&person=Jens+Stoltenberg&from=2020-12&to=2020-12", "search-filters"),
    ("/?q=introuvablissime", None),
    ("/documents/s1?q=otan", None),
    ("/aide", None),
])
def test_no_serious_accessibility_violation(page, base_url, path, name):
    errors = []  # a CSP violation or a missing asset shows here
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    if name:
        screenshot(page, name)
    assert errors == []
    assert serious_violations(page) == []


def test_no_serious_accessibility_violation_on_the_phone(phone, base_url):
    phone.goto(base_url + "/?q=otan")
    assert serious_violations(phone) == []

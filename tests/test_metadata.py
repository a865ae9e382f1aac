"""Metadata extracted from raw text: what the article states, nothing invented."""
import pytest

from indexer.metadata import date_key, parse_raw_text
from indexer.sources import discover, file_hash, load, read_bytes
from tests.conftest import SEEDS


def seed_docs():
    seeds, _ = discover([SEEDS])
    docs = {}
    for seed in seeds:
        data = read_bytes(seed)
        for doc in load(seed, data, file_hash(data))[0]:
            docs[doc.id] = doc
    return docs


def test_seed_with_byline_gets_author_agency_outlet_and_date():
    doc = seed_docs()["002_ad6fdf2ba060e34e"]
    assert doc.title == "L'OTAN continuera de soutenir l'Ukraine mais ne sera pas entraînée dans le conflit"
    assert doc.author == "Lan Ha"
    assert doc.date == "2023-10-13T09:32"
    assert doc.sources == ["TASS", "Baonghean.vn"]
    # The byline and its echo at the end are metadata, not article text.
    assert "Lan Ha" not in doc.text
    assert "anh 1.jpg" not in doc.text


def test_seed_without_date_keeps_it_unknown():
    doc = seed_docs()["000_bc95917e9b30098b"]
    assert doc.title.startswith("L’OTAN divisée sur les plans de défense")
    assert doc.date is None
    assert doc.author is None
    assert doc.sources == ["Reuters"]  # "selon l'agence Reuters", "selon Reuters"


def test_title_echo_without_accents_and_trailing_label_are_dropped():
    text = seed_docs()["000_bc95917e9b30098b"].text
    assert "LOTAN divisee" not in text
    assert not text.rstrip().endswith("fr-02")
    assert "Suivez les sujets" not in text


@pytest.mark.parametrize(
    "byline, expected",
    [
        ("Jean Dupont, 13 octobre 2023", "2023-10-13"),
        ("Par Marie Curie 13/10/2023 à 14h05", "2023-10-13T14:05"),
        ("2023-10-13T09:32", "2023-10-13T09:32"),
        ("Publié le 3 mai 2022", "2022-05-03"),
    ],
)
def test_dates_in_french_english_numeric_and_iso_bylines(byline, expected):
    meta = parse_raw_text(f"Un titre\n{byline}\n\nLe texte de l'article.")
    assert meta.date == expected


def test_dates_in_the_body_are_not_publication_dates():
    meta = parse_raw_text("Un titre\n\nLe traité du 4 avril 1949 fonde l'Alliance.\n\nSuite le 13 octobre 2023.")
    assert meta.date is None


def test_date_key_orders_dates_and_marks_unknown():
    assert date_key(None) == 0
    assert date_key("2023-10-13T09:32") > date_key("2023-10-13") > date_key("2022-12-31T23:59")


@pytest.mark.parametrize(
    "byline, author, sources, date",
    [
        ("Par Jean Dupont | Publié le 13/10/2023 à 09h32", "Jean Dupont", [], "2023-10-13T09:32"),
        ("Publié le 13 octobre 2023 à 09h32, mis à jour le 14 octobre 2023", None, [], "2023-10-13T09:32"),
        ("AFP, publié le vendredi 13 octobre 2023 à 09h32", None, ["AFP"], "2023-10-13T09:32"),
        ("Marie Curie avec AFP, le 13 octobre 2023", "Marie Curie", ["AFP"], "2023-10-13"),
        ("Reuters 2023-10-13", None, ["Reuters"], "2023-10-13"),
    ],
)
def test_common_byline_shapes(byline, author, sources, date):
    meta = parse_raw_text(f"Un titre\n{byline}\n\nLe texte de l'article.")
    assert (meta.author, meta.sources, meta.date) == (author, sources, date)
    assert byline not in meta.text


def test_agency_dateline_opening_a_paragraph_is_read_and_kept():
    meta = parse_raw_text("Un titre\n\nBruxelles, 13 oct. 2023 (AFP) - Les ministres se réunissent.")
    assert meta.sources == ["AFP"] and meta.date == "2023-10-13"
    assert meta.text.startswith("Bruxelles, 13 oct. 2023 (AFP) - Les ministres")

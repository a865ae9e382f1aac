"""The search page's view objects: URLs built in Python, French dates, timeline bars."""
from werkzeug.datastructures import MultiDict

from search.params import parse_request
from web import view


def test_french_dates():
    assert view.french_date("2020-05-20T18:03:01+02:00") == "20 mai 2020"
    assert view.french_date("2020-06-01") == "1er juin 2020"
    assert view.french_date(None) == "date inconnue"
    assert view.period_label("2019-05") == "mai 2019" and view.period_label("2019") == "2019"


def test_toggle_and_chip_urls_keep_the_rest_of_the_search():
    args = MultiDict([("q", "otan"), ("source", "AFP"), ("person", "A"), ("page", "3"), ("from", "2020")])
    req = parse_request(args)
    assert view.toggle_url(args, "source", req.sources, "AFP") == "/?q=otan&person=A&from=2020"
    assert view.toggle_url(args, "source", req.sources, "TASS") == "/?q=otan&person=A&from=2020&source=AFP&source=TASS"
    labels = [(c.label, c.value, c.url) for c in view.chips(args, req)]
    assert labels == [("Source", "AFP", "/?q=otan&person=A&from=2020"),
                      ("Personne", "A", "/?q=otan&source=AFP&from=2020"),
                      ("Période", "depuis 2020", "/?q=otan&source=AFP&person=A")]


def histogram(months: dict[str, int]) -> dict:
    return {"month": [{"value": m, "count": c} for m, c in months.items()], "year": []}


def test_timeline_months_with_empty_months_drawn():
    args = MultiDict([("q", "x")])
    tl = view.timeline(args, parse_request(args), histogram({"2020-01": 4, "2020-04": 2, "unknown": 3}))
    assert tl.unit == "mois" and [b.count for b in tl.bars] == [4, 0, 0, 2] and tl.unknown == 3
    assert tl.bars[0].url == "/?q=x&from=2020-01&to=2020-01" and tl.bars[0].label == "janvier 2020"
    assert [b.height for b in tl.bars] == [view.BAR_STEPS, 0, 0, round(view.BAR_STEPS / 2)]


def test_timeline_per_year_over_a_long_span_and_zoomed_into_a_period():
    args = MultiDict()
    tl = view.timeline(args, parse_request(args), histogram({"2001-03": 1, "2010-05": 5, "2010-07": 1}))
    assert tl.unit == "année" and len(tl.bars) == 10 and tl.bars[-1].count == 6
    assert tl.bars[-1].url == "/?from=2010&to=2010"
    args = MultiDict([("from", "2010"), ("to", "2010")])
    tl = view.timeline(args, parse_request(args), histogram({"2001-03": 1, "2010-05": 5, "2010-07": 1}))
    assert tl.unit == "mois" and len(tl.bars) == 12 and tl.ranged and tl.clear_url == "/"
    assert [b.count for b in tl.bars][4:7] == [5, 0, 1]

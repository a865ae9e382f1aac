"""Copies and stories on the pages: section labels and the collapse choices."""
from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint

from web.security import safe_url
from web.view import url_with

copies = Blueprint("copies", __name__)

# URL sections ("societe") as the site names them; data beside the code.
SECTION_LABELS: dict[str, str] = json.loads(Path(__file__).with_name("sections.json").read_text(encoding="utf-8"))
COLLAPSE_LABELS = {"copies": "un par article", "story": "un par histoire", "none": "toutes les copies"}


copies.add_app_template_filter(safe_url, "safe_url")  # copies' URLs are document fields: untrusted


@copies.app_template_filter("section_label")
def section_label(slug: str | None) -> str:
    """The section's name; an unknown section keeps its URL name, none says so."""
    if not slug:
        return "rubrique inconnue"
    return SECTION_LABELS.get(slug, slug)


@copies.app_template_global()
def collapse_choices(args, current: str) -> list[dict]:
    """The collapse modes with the URL of each (the current search otherwise unchanged)."""
    return [{"value": mode, "label": label, "selected": mode == current,
             "url": url_with(args, collapse=None if mode == "copies" else mode)}
            for mode, label in COLLAPSE_LABELS.items()]

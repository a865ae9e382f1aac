"""Each article once: copies and versions of a story collapsed into one result.

The indexer gives copies of one text the same `text_key` and versions of one
story the same `story` (indexer.stories). Per generation, each becomes an array
of group numbers per document; a collapsed search keeps, of each group, the
first document in the result order (the best-ranked one, or the newest when
sorting by date), and counts groups, not documents, in `total` and facets: a
facet value counts an article once when any of its copies has it.
`collapse=none` shows and counts every copy.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.facets import FacetData, MultiValued
from search.recent import iso_ms

MAX_LISTED = 20  # copies and versions listed with one result


@dataclass
class Groups:
    """A partition of the documents (copies of one text, or versions of one story)."""

    of: np.ndarray  # group number of each document
    count: int
    order: np.ndarray  # live document numbers sorted by group
    starts: np.ndarray  # order[starts[g]:starts[g + 1]] are the live members of group g

    @classmethod
    def from_column(cls, column, live: np.ndarray) -> "Groups":
        numbers: dict[bytes, int] = {}
        n = len(live)
        of = np.fromiter((numbers.setdefault(column[d] or b"#%d" % d, len(numbers)) for d in range(n)),
                         dtype=np.int64, count=n)
        docs = np.flatnonzero(live)
        order = docs[np.argsort(of[docs], kind="stable")]
        starts = np.searchsorted(of[order], np.arange(len(numbers) + 1))
        return cls(of=of, count=len(numbers), order=order, starts=starts)

    def members(self, docnum: int) -> np.ndarray:
        g = self.of[docnum]
        return self.order[self.starts[g]:self.starts[g + 1]]

    def first_of_each(self, ordered: np.ndarray) -> np.ndarray:
        """Positions in `ordered` (document numbers) of the first document of each group, in order
        (each group's lowest position, found in one pass: no sort of the whole result set)."""
        groups = self.of[ordered]
        positions = np.arange(len(groups))
        first = np.full(self.count, len(groups), dtype=np.int64)
        np.minimum.at(first, groups, positions)
        return np.flatnonzero(first[groups] == positions)

    def group_mask(self, mask: np.ndarray) -> np.ndarray:
        groups = np.zeros(self.count, dtype=bool)
        groups[self.of[mask]] = True
        return groups


def _grouped(facet: MultiValued, groups: Groups, live: np.ndarray) -> MultiValued:
    """The facet with (group, value) entries: an article counts once per value."""
    keep = live[facet.entry_doc]
    width = max(1, len(facet.values))
    keys = np.unique(groups.of[facet.entry_doc[keep]] * width + facet.entry_value[keep])
    return MultiValued(values=facet.values, index=facet.index, entry_doc=(keys // width).astype(np.int64),
                       entry_value=(keys % width).astype(np.int32), name_rank=facet.name_rank)


@dataclass
class View:
    """How one collapse mode orders and counts a result set."""

    facets: FacetData
    groups: Groups | None = None
    source: MultiValued | None = None
    person: MultiValued | None = None

    def first_positions(self, ordered: np.ndarray) -> np.ndarray | slice:
        """Positions in `ordered` (document numbers in result order) of each group's first."""
        if self.groups is None:
            return slice(None)
        return self.groups.first_of_each(ordered)

    def collapse(self, ordered: np.ndarray) -> np.ndarray:
        """Document numbers in result order, each group's first only."""
        return ordered[self.first_positions(ordered)]

    def mask(self, mask: np.ndarray) -> np.ndarray:
        """`mask` with one document per group (the lowest-numbered)."""
        if self.groups is None:
            return mask
        out = np.zeros_like(mask)
        out[self.collapse(np.flatnonzero(mask))] = True
        return out

    def total(self, mask: np.ndarray) -> int:
        return int(mask.sum()) if self.groups is None else int(self.groups.group_mask(mask).sum())

    def top(self, name: str, mask: np.ndarray, selected: list[str], limit: int | None) -> tuple[list[dict], int]:
        if self.groups is None:
            return getattr(self.facets, name).top(mask, selected, limit)
        return getattr(self, name).top(self.groups.group_mask(mask), selected, limit)

    def date_histogram(self, mask: np.ndarray) -> dict:
        return self.facets.date_histogram(self.mask(mask))


@dataclass
class Collapse:
    """The copy and story groups of one index generation, and a View per mode."""

    copies: Groups
    story: Groups
    views: dict[str, View]
    first_indexed: np.ndarray  # ms since the epoch, per document (indexer.writer)

    @classmethod
    def load(cls, reader, facets: FacetData) -> "Collapse":
        live = facets.live
        copies = Groups.from_column(reader.column_reader("text_key"), live)
        story = Groups.from_column(reader.column_reader("story"), live)
        views = {"none": View(facets)}
        for mode, groups in (("copies", copies), ("story", story)):
            views[mode] = View(facets, groups, _grouped(facets.source, groups, live), _grouped(facets.person, groups, live))
        column = reader.column_reader("first_indexed")
        first = np.fromiter((column[d] for d in range(len(live))), dtype=np.int64, count=len(live))
        return cls(copies=copies, story=story, views=views, first_indexed=first)

    def indexed_after(self, ms: int) -> np.ndarray:
        """Documents first indexed after `ms` (what a saved search counts as new)."""
        return self.first_indexed > ms

    @property
    def watermark(self) -> int:
        """When the newest live document was first indexed (ms); 0 for an empty index."""
        live = self.first_indexed[self.views["none"].facets.live]
        return int(live.max()) if len(live) else 0

    def copies_of(self, docnum: int) -> list[int]:
        """The other live copies of a document (same text), by document number."""
        return [int(d) for d in self.copies.members(docnum) if d != docnum][:MAX_LISTED]

    def versions_of(self, docnum: int) -> list[int]:
        """The other live documents of its story with another text: its other versions."""
        own = self.copies.of[docnum]
        seen, out = {own}, []
        for d in self.story.members(docnum):
            g = self.copies.of[d]
            if g not in seen:  # one entry per text: a version's copies are listed with it
                seen.add(g)
                out.append(int(d))
        return out[:MAX_LISTED]


def copy_record(stored: dict) -> dict:
    """Where a copy was published, as the API lists it in `duplicates`."""
    return {"id": stored["id"], "url": stored.get("url"), "source": stored.get("sources") or [],
            "section": stored.get("section")}


def version_record(stored: dict) -> dict:
    """Another version of a story, as the API lists it in `versions`."""
    return {"id": stored["id"], "title": stored.get("title", ""), "date": stored.get("date"),
            "source": stored.get("sources") or []}


def relatives(docnum: int, collapse: Collapse, stored, versions: bool = True) -> dict:
    """A document's section, its other copies (`duplicates`) and, with `versions`,
    its story's other versions (newest first) and the story's newest date."""
    own = stored(docnum)
    extra = {"section": own.get("section"), "indexed": iso_ms(int(collapse.first_indexed[docnum])),
             "duplicates": [copy_record(stored(d)) for d in collapse.copies_of(docnum)]}
    if versions:
        found = sorted((version_record(stored(d)) for d in collapse.versions_of(docnum)),
                       key=lambda v: v["date"] or "", reverse=True)
        dates = [d for d in [own.get("date")] + [v["date"] for v in found] if d]
        extra |= {"versions": found, "newest_date": max(dates) if dates else None}
    return extra


def annotate(record: dict, docnum: int, collapse: Collapse, stored, mode: str) -> dict:
    """A result with its copies; its story's versions too when collapsed by story."""
    return record | relatives(docnum, collapse, stored, versions=mode == "story")

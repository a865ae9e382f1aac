"""The numpy shortcuts of facet counting, collapsing and ranking give what the plain sorts give."""
import numpy as np

from search.collapse import Groups
from search.facets import MultiValued


def plain_top(values, counts, limit):
    """Every value with a count, by count then name, cut at `limit`: the straightforward way."""
    ranked = sorted((-int(counts[i]), values[i]) for i in range(len(values)) if counts[i])
    return [v for _, v in ranked[:limit]]


def test_top_values_equal_a_full_sort_ties_included():
    rng = np.random.default_rng(3)
    for trial in range(40):
        n_values, n_docs = int(rng.integers(1, 400)), int(rng.integers(1, 600))
        values = [f"v{int(x):04d}" for x in rng.permutation(10_000)[:n_values]]
        entry_doc = rng.integers(0, n_docs, 3 * n_docs)
        entry_value = rng.integers(0, n_values, 3 * n_docs) % max(1, int(rng.integers(1, n_values + 1)))  # many ties
        facet = MultiValued(values=values, index={v: i for i, v in enumerate(values)},
                            entry_doc=entry_doc.astype(np.int32), entry_value=entry_value.astype(np.int32),
                            name_rank=np.argsort(np.argsort(np.asarray(values, dtype=object), kind="stable")))
        mask = rng.random(n_docs) < rng.random()
        counts = facet.counts(mask)
        for limit in (1, 5, 20, None):
            items, distinct = facet.top(mask, [], limit)
            assert [i["value"] for i in items] == plain_top(values, counts, limit)
            assert distinct == int((counts > 0).sum())


def test_first_of_each_group_equals_the_sorted_unique_positions():
    rng = np.random.default_rng(4)
    for trial in range(40):
        n, groups = int(rng.integers(1, 3000)), int(rng.integers(1, 3000))
        of = rng.integers(0, groups, n)
        g = Groups(of=of, count=groups, order=np.argsort(of, kind="stable"),
                   starts=np.searchsorted(np.sort(of), np.arange(groups + 1)))
        ordered = rng.permutation(n)[: int(rng.integers(0, n + 1))]
        _, first = np.unique(of[ordered], return_index=True)
        assert g.first_of_each(ordered).tolist() == np.sort(first).tolist()


def test_best_first_equals_sorting_every_result():
    from search.collapse import View
    from search.engine import _best_first
    rng = np.random.default_rng(5)
    for trial in range(60):
        n = int(rng.integers(0, 2000))
        docnums = np.sort(rng.choice(5000, n, replace=False))
        scores = np.round(rng.random(n) * 20, int(rng.integers(0, 3)))  # rounded: many equal scores
        tier = rng.integers(0, 3, n).astype(np.int16)
        of = rng.integers(0, max(1, int(rng.integers(1, 5000))), 5000)  # few groups: many copies
        groups = Groups(of=of, count=int(of.max()) + 1, order=np.argsort(of, kind="stable"),
                        starts=np.searchsorted(np.sort(of), np.arange(int(of.max()) + 2)))
        for view in (View(facets=None), View(facets=None, groups=groups)):
            depth = int(rng.integers(1, 300))
            full = np.lexsort((docnums, -scores, tier))
            expected = full[view.first_positions(docnums[full])][:depth]
            assert _best_first(docnums, scores, tier, view, depth).tolist() == expected.tolist()


def test_best_k_is_the_sorted_prefix_with_its_ties():
    from search.topk import best_k
    rng = np.random.default_rng(6)
    for trial in range(60):
        key = rng.integers(0, int(rng.integers(1, 50)), int(rng.integers(0, 300))).astype(float)
        k = int(rng.integers(0, 320))
        got = set(best_k(key, k).tolist())
        ranked = np.argsort(key, kind="stable")
        expected = set(ranked[:k].tolist())
        if 0 < k < len(key):
            expected |= set(np.flatnonzero(key == key[ranked[k - 1]]).tolist())
        assert got == expected

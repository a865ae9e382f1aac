"""Hostile query strings: whatever is typed, the API answers 200 with a result list."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


SYNTAX = st.sampled_from(['"', "(", ")", "*", "-", "+", ":", "OR", "AND", "NOT", "person:", "source:", "title:",
                          "~", "^", "[", "]", "{", "}", "\\", "'", "’", "«", "»", " ", "otan", "défense", "é",
                          # misspelt, stop-word slips, unknown words: the typo paths
                          "Barkane", "cotnre", "eruopéenne", "zzzq", "Syire", "soldat"])
QUERIES = st.one_of(st.text(max_size=80), st.lists(SYNTAX, max_size=25).map("".join),
                    st.lists(SYNTAX, max_size=25).map(" ".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=QUERIES)
def test_any_query_string_is_answered(client, q):
    resp = client.get("/api/search", query_string={"q": q})
    assert resp.status_code == 200, q
    data = resp.get_json()
    assert data["total"] >= len(data["results"])

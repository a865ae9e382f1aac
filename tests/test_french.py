"""The shared French analyzer: what users type matches what articles say."""
from indexer.french import SPLITS_FILE, analyze, fold, read_splits, singular, snowball_stem, stem


def test_case_and_accents_do_not_matter():
    assert analyze("défense") == analyze("Défense") == analyze("DÉFENSE") == analyze("defense")


def test_elision_with_straight_and_typographic_apostrophes():
    assert analyze("l'armée") == analyze("l’armée") == analyze("armee")
    assert analyze("jusqu’à l’OTAN") == analyze("otan")
    assert analyze("qu’il n’a pas") == []


def test_plural_and_feminine_forms_share_a_stem():
    assert analyze("frappes aériennes") == analyze("frappe aérienne")
    assert analyze("Alliés") == analyze("allie")


def test_singular_and_plural_always_share_a_stem():
    # Snowball alone stems `retrait` to retr but `retraits` to retrait.
    for singular, plural in [("retrait", "retraits"), ("embargo", "embargos"), ("essai nucléaire", "essais nucléaires"),
                             ("conflit", "conflits"), ("étranger", "étrangers"), ("élu", "élus"), ("lieu", "lieux")]:
        assert analyze(singular) == analyze(plural), singular
    # An s after a is no plural mark; -eux adjectives are singular.
    assert analyze("bras") == ["bras"] and analyze("dangereux") == analyze("dangereuse")


def test_masculine_feminine_and_participles_share_a_stem():
    # Snowball alone: français → franc but française → francais, blessé → bless but blessées → blesse.
    for forms in [("français", "française", "françaises"), ("blessé", "blessée", "blessés", "blessées"),
                  ("petit", "petite", "petits", "petites"), ("chinois", "chinoise"), ("tué", "tuées")]:
        assert len({tuple(analyze(f)) for f in forms}) == 1, forms


def test_ligatures_and_acronyms_fold():
    assert analyze("œuvre") == analyze("oeuvre")
    assert analyze("OTAN") == analyze("Otan") == analyze("otan")


def test_hyphenated_compounds_split_into_parts():
    assert analyze("États-Unis") == analyze("etats unis") == analyze("Etats Unis")


def test_stop_words_are_dropped():
    assert analyze("les cette leurs ils elles dont où") == []


def test_unstemmed_analysis_keeps_surface_forms():
    assert analyze("Frappes aériennes", stemming=False) == ["frappes", "aeriennes"]


def test_planes_are_not_a_stop_word():
    # `avions` is a form of avoir, but in defence news it is planes.
    assert analyze("le porte-avions") == ["port", "avion"]
    assert analyze("des avions de chasse") == analyze("un avion de chasse")


def test_term_counts_are_the_counted_terms():
    """The feedback's fast count gives what analysing every word gives."""
    from collections import Counter

    from indexer.french import term_counts, terms

    text = ("L'armée française a frappé. Les frappes aériennes de l'armée ont visé des bases ; "
            "« frappe » répétée, États-Unis, aujourd'hui, et des stop words : le la les de.") * 3
    assert term_counts(text) == Counter(terms(text))
    assert term_counts("") == Counter()


def test_words_snowball_confuses_get_their_own_stems():
    # Snowball alone: foyer and fois → foi, loyer and loi → loi, Corse and Corée → cor, crise and cri → cri.
    for a, b in [("foyer", "fois"), ("loyer", "loi"), ("Corse", "Corée"), ("crise", "cri"), ("année", "Anne"),
                 ("Charlie", "Charles"), ("Parlement", "parler")]:
        assert analyze(a) != analyze(b), (a, b)
    for forms in [("foyer", "foyers"), ("crise", "crises"), ("Corse", "corses"), ("coupe", "coupées", "couper")]:
        assert len({tuple(analyze(f)) for f in forms}) == 1, forms


def test_every_split_changes_a_stem_once():
    splits = read_splits(SPLITS_FILE)
    forms = [f for fs in splits.values() for f in fs]
    assert len(forms) == len(set(forms)) > 100
    for new, fs in splits.items():
        for form in fs:
            assert form == singular(form) == fold(form) and snowball_stem(form) != new == stem(form), form


def test_an_edited_splits_file_makes_an_index_another_versions():
    from indexer.french import FrenchTokenizer
    from indexer.schema import build_schema, compatible

    assert compatible(build_schema())
    edited = build_schema()  # as if pickled by an index built with another stem_splits.txt
    tokenizers = [f.analyzer for _, f in edited.items() if isinstance(getattr(f, "analyzer", None), FrenchTokenizer)]
    assert len(tokenizers) >= 3
    for tokenizer in tokenizers:
        tokenizer.splits = "another file"
    assert not compatible(edited)

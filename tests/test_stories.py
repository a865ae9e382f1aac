"""Story signatures (indexer.stories): a rewrite of one dispatch is one story with it, another
write-up of the same event that repeats its background, edited, is not; a third of the
sentences kept word for word makes one story (a background repeated word for word too)."""
from indexer import stories
from indexer.metadata import date_key
from tests.conftest import CORPUS_5K, needs_shared

BACKGROUND = ("Le parquet national financier avait ouvert en 2017 une enquête préliminaire sur les emplois "
              "présumés fictifs d'assistants parlementaires, après un signalement de la commission des comptes. "
              "Les enquêteurs de l'office anticorruption ont depuis entendu une quarantaine de témoins, dont "
              "plusieurs anciens collaborateurs du groupe, et saisi des milliers de courriels. La défense conteste "
              "la régularité de ces saisies et a déposé trois recours devant la chambre de l'instruction, "
              "tous rejetés au printemps dernier.")
DISPATCH = ("L'ancien trésorier du parti, Marc Delaunay, a été mis en examen mercredi à Paris pour détournement "
            "de fonds publics, a appris l'AFP de source judiciaire. Entendu pendant six heures par les juges, il "
            "a contesté toute irrégularité et dénoncé un dossier politique, selon son avocat, maître Claire "
            "Fontaine, qui annonce un recours. ")
REWRITE = ("Marc Delaunay, l'ancien trésorier du parti, a été mis en examen à Paris mercredi pour détournement "
           "de fonds publics, selon une source judiciaire citée par l'AFP. Interrogé six heures durant, l'ancien "
           "élu a nié toute faute et parlé d'une affaire politique, a rapporté son conseil, Claire Fontaine, qui "
           "fera appel. ")
# The dispatch's news retold in other words, as an outlet's own lead.
RETOLD = ("Coup dur pour l'ex-argentier de la formation : Marc Delaunay devra répondre devant la justice de "
          "soupçons de détournement. Il dénonce, par la voix de son conseil, une procédure politique et fera appel. ")
OTHER_EVENT = ("Une perquisition a eu lieu jeudi au siège du parti, dans le cadre de la même enquête, a indiqué le "
               "parquet. Une dizaine de policiers ont emporté des documents comptables et des disques durs "
               "pendant la matinée. ")
# The background as two other outlets edit it: hardly a shingle lost, no sentence kept word for word.
EDITED = (BACKGROUND.replace("en 2017", "dès 2017").replace("ont depuis entendu", "ont entendu depuis")
          .replace("La défense conteste", "La défense, elle, conteste"))
EDITED_AGAIN = (BACKGROUND.replace("une enquête", "son enquête").replace("saisi des milliers", "saisi plusieurs milliers")
                .replace("tous rejetés", "tous trois rejetés"))


def member(doc_id: str, text: str, when: str) -> stories.Member:
    return stories.Member(doc_id, *stories.story_keys(text), date_key(when))


def signatures(*members: stories.Member) -> dict[str, stories.Signature]:
    return {m.id: stories.Signature.read(m.signature) for m in members}


def test_a_rewrite_of_the_dispatch_joins_its_story_and_another_write_up_does_not():
    first = member("a", DISPATCH + BACKGROUND, "2020-06-03T18:00")
    rewrite = member("b", REWRITE + EDITED, "2020-06-03T21:00")
    other = member("c", OTHER_EVENT + EDITED_AGAIN, "2020-06-04T10:00")
    stories.assign_all([], [first, rewrite, other])
    assert rewrite.story == first.story == "a"
    assert other.story == "c"
    # Shingles alone cannot tell them apart: the other event shares about as much wording.
    read = signatures(first, rewrite, other)
    rewrite_j, other_j = read["a"].jaccard(read["b"]), read["a"].jaccard(read["c"])
    assert abs(rewrite_j - other_j) < 0.15
    assert read["a"].shared_sentences(read["b"]) == read["a"].shared_sentences(read["c"]) == 0
    assert read["b"].shared_sentences(read["c"]) == 0
    assert read["a"].similarity(read["b"]) > stories.SAME_STORY > read["a"].similarity(read["c"])


def test_a_version_keeping_a_third_of_the_sentences_joins_below_the_similarity():
    # An outlet retold the news in its own lead and edited the body, but kept two of its three sentences.
    kept, edited = BACKGROUND.split(". "), EDITED.split(". ")
    version_text = RETOLD + ". ".join(edited[:1] + kept[1:])
    fewer_text = RETOLD + ". ".join(edited[:2] + kept[2:])
    first = member("a", DISPATCH + BACKGROUND, "2020-06-03T18:00")
    version = member("b", version_text, "2020-06-04T09:00")
    fewer = member("c", fewer_text, "2020-06-04T09:00")
    read = signatures(first, version, fewer)
    assert read["a"].similarity(read["b"]) < stories.SAME_STORY
    assert read["a"].shared_sentences(read["b"]) == 2 / 5 >= stories.SAME_SENTENCES
    assert read["a"].shared_sentences(read["c"]) == 1 / 5 < stories.SAME_SENTENCES
    stories.assign_all([], [first, version])
    assert version.story == "a"
    stories.assign_all([first], [fewer])
    assert fewer.story == "c"
    # The rule's known cost: another event whose background is the dispatch's word for word.
    verbatim = member("d", OTHER_EVENT + BACKGROUND, "2020-06-04T10:00")
    stories.assign_all([first], [verbatim])
    assert verbatim.story == "a"


def test_sentences_are_hashed_folded_and_short_ones_left_out():
    text = "Le Sénat a adopté le texte, par 200 voix contre 100. Il a démenti."
    words, hashed = stories.words_and_sentences(stories.fold(text))
    _, same = stories.words_and_sentences(stories.fold("le senat a adopte le texte par 200 voix contre 100 !"))
    assert len(hashed) == 1 and hashed == same
    assert words == stories.normalised_words(text)
    # An intertitle without a full stop, or a closing quote, ends a sentence too.
    headed = "Vote au Parlement\nLe Sénat a adopté le texte, par 200 voix contre 100. « Une victoire. » Il a démenti."
    quoted = "“Le Sénat a adopté le texte, par 200 voix contre 100.” Il a démenti, lundi, toute irrégularité."
    assert hashed <= stories.words_and_sentences(stories.fold(headed))[1]
    assert hashed <= stories.words_and_sentences(stories.fold(quoted))[1]


def test_a_signature_reads_back_what_was_written():
    words = stories.normalised_words(DISPATCH)
    lead, (_, sentences) = stories.lead_words(DISPATCH), stories.words_and_sentences(stories.fold(DISPATCH))
    read = stories.Signature.read(stories.signature(words, lead, sentences))
    assert len(read.lead) == len(lead) and read.sentences == frozenset(sentences) and len(sentences) == 2
    assert read.shingles == len(words) - stories.SHINGLE_WORDS + 1
    assert read.similarity(read) == 1.0 + stories.LEAD_WEIGHT and read.shared_sentences(read) == 1.0


def test_lead_words_are_the_first_sentence_folded_and_cut():
    assert stories.lead_words("Les députés ont adopté mardi 12 amendements. Le Sénat suivra.") == \
        {"deput", "adopt", "mardi", "12", "amend"}


def test_folding_only_the_non_ascii_runs_equals_folding_the_whole_text():
    from unidecode import unidecode
    samples = ["Défense européenne : l’Otan à Kyiv, « 30 morts » — 5 €", "北京 Пекин Beijing 😍 œuvre ß Ærø",
               "e\u0301 combining, \u00a0nbsp, tab\tand\nlines", "", "plain ascii only."]
    for text in samples:
        assert stories.fold(text) == unidecode(text).lower()
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)  # a run of each length
    for text in (every, every[::7] + "a" + every[::-13], "€\u00e9" * 20 + " x " + every[:40]):
        assert stories.fold(text) == unidecode(text).lower()


@needs_shared
def test_folding_the_corpus_texts_is_unchanged():
    import json
    from unidecode import unidecode
    texts = [json.loads(line)["text"] for line in CORPUS_5K.read_text(encoding="utf-8").splitlines()[:1000]]
    assert [stories.fold(t) for t in texts] == [unidecode(t).lower() for t in texts]

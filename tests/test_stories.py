"""Story signatures (indexer.stories): a rewrite of one dispatch is one story with it, another
write-up of the same event that repeats its background paragraphs is not."""
import numpy as np

from indexer import stories
from indexer.metadata import date_key

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
OTHER_EVENT = ("Une perquisition a eu lieu jeudi au siège du parti, dans le cadre de la même enquête, a indiqué le "
               "parquet. Une dizaine de policiers ont emporté des documents comptables et des disques durs "
               "pendant la matinée. ")


def member(doc_id: str, text: str, when: str) -> stories.Member:
    words = stories.normalised_words(text)
    return stories.Member(doc_id, stories.text_key(words), stories.signature(words, stories.lead_words(text)),
                          date_key(when))


def test_a_rewrite_of_the_dispatch_joins_its_story_and_another_write_up_does_not():
    first = member("a", DISPATCH + BACKGROUND, "2020-06-03T18:00")
    rewrite = member("b", REWRITE + BACKGROUND, "2020-06-03T21:00")
    other = member("c", OTHER_EVENT + BACKGROUND, "2020-06-04T10:00")
    stories.assign_all([], [first, rewrite, other])
    assert rewrite.story == first.story == "a"
    assert other.story == "c"
    # Shingles alone cannot tell them apart: the other event shares about as much wording.
    read = {m.id: stories.Signature.read(m.signature) for m in (first, rewrite, other)}
    rewrite_j, other_j = read["a"].jaccard(read["b"]), read["a"].jaccard(read["c"])
    assert abs(rewrite_j - other_j) < 0.15
    assert read["a"].similarity(read["b"]) > stories.SAME_STORY > read["a"].similarity(read["c"])


def test_lead_words_are_the_first_sentence_folded_and_cut():
    assert stories.lead_words("Les députés ont adopté mardi 12 amendements. Le Sénat suivra.") == \
        {"deput", "adopt", "mardi", "12", "amend"}


def test_a_signature_written_before_leads_were_kept_still_reads():
    # Indexes built before the count and lead were appended hold the bare MinHash.
    words = stories.normalised_words(DISPATCH + BACKGROUND)
    full = stories.signature(words, stories.lead_words(DISPATCH))
    bare = full[:stories.NUM_PERM * 4]
    old, new = stories.Signature.read(bare), stories.Signature.read(full)
    assert old.shingles == 0 and not old.lead and new.shingles > 0 and new.lead
    assert np.array_equal(old.hashvalues, new.hashvalues)
    assert old.similarity(new) == new.similarity(old) == 1.0

"""Persons mentioned in an article: rules over capitalised runs, a first-name gazetteer and title cues.

A run of capitalised words is a person when it starts with a known first name
(the ~48k international first names shipped by `gender-guesser`) or follows a
title cue ("M.", "le président", "la ministre des Armées" …) or a role in
apposition ("le négociateur palestinien, Saëb Erakat"). Within one
article, every mention of a person ("Jens Stoltenberg", "M. Stoltenberg",
"Stoltenberg") is reduced to its fullest form. Corpus-wide merging of
variants lives in `indexer/person_merge.py`.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from indexer.french import STOP_WORDS, fold

_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zà-öø-ÿœ"
# A capitalised word: "Stoltenberg", "Jean-Yves", "O'Rourke", "Ing-wen", "al-Sarraj".
_CAP = rf"(?:(?:al|el)-)?(?:[{_UP}][{_LOW}]*['’])?[{_UP}][{_LOW}]+(?:-[{_UP}{_LOW}][{_LOW}]+)*"
_PARTICLE = r"(?:de|du|des|di|da|dos|das|del|della|van|von|der|den|ben|bin|ibn|al|el|y|ould|abou|abu|bou|le|la)"
# Elided words glued to a name: "d'Emmanuel Macron", "qu'Emmanuel Macron"; capital
# N' and M' open names themselves ("N'Golo Kanté", "M'Bala").
_ELISION = r"(?:[dlDLjnstcm]|[qQ]u|[jJ]usqu|[lL]orsqu|[pP]uisqu)"
RUN_RE = re.compile(
    rf"(?<![\w'’-])(?:{_ELISION}['’](?=[{_UP}]))?({_CAP}(?:\s{_PARTICLE}){{0,2}}(?:\s{_CAP}){{0,5}})(?![\w'’-])"
)
MAX_NAME_TOKENS = 4

# Words before a name that say a person follows ("M. Austin", "le général Haftar").
CUES = {
    "m", "m.", "mm", "mm.", "mme", "mmes", "mlle", "me", "mgr", "dr", "pr",
    "president", "presidente", "ministre", "general", "generale", "marechal", "colonel", "commandant",
    "capitaine", "lieutenant", "sergent", "caporal", "amiral", "chancelier", "chanceliere", "pape",
    "roi", "reine", "prince", "princesse", "emir", "cheikh", "ayatollah", "imam", "juge", "procureur",
    "procureure", "avocat", "avocate", "senateur", "senatrice", "depute", "deputee", "maire",
    "gouverneur", "gouverneure", "porte-parole", "ambassadeur", "ambassadrice", "directeur",
    "directrice", "patron", "patronne", "dirigeant", "dirigeante", "opposant", "opposante",
    "journaliste", "ecrivain", "ecrivaine", "chanteur", "chanteuse", "acteur", "actrice", "analyste",
    "chercheur", "chercheuse", "professeur", "docteur", "secretaire", "commissaire", "conseiller",
    "conseillere", "candidat", "candidate", "homologue", "successeur", "predecesseur", "vice-president",
    "vice-presidente", "eurodepute", "eurodeputee", "militant", "militante", "sportif", "entraineur",
    "photographe", "realisateur", "realisatrice", "cineaste", "artiste", "fondateur", "fondatrice",
    "epouse", "mari", "fils", "fille", "frere", "soeur", "pere", "mere", "veuve", "neveu", "niece",
    "milliardaire", "magnat", "chef", "leader", "activiste", "economiste", "politologue", "historien",
    "historienne", "sociologue", "philosophe", "diplomate", "emissaire", "envoye", "mediateur",
    "negociateur", "ministre-president", "premier", "premiere", "rapporteur", "rapporteure",
    "lieutenant-colonel", "general-major", "vice-amiral", "contre-amiral", "sergent-chef",
    "adjudant", "soldat", "caporal-chef", "pilote", "commandante", "inspecteur", "inspectrice",
}
# Capitalised honorifics that open a run: "Mme Callebaut", "Me Fonteix".
HONORIFICS = {"mme", "mmes", "mlle", "me", "mgr", "dr", "pr", "maitre"}
# Words before a capitalised run that make it a thing named after a person.
THING_CUES = {
    "rue", "avenue", "boulevard", "place", "quai", "pont", "square", "allee", "lycee", "college", "ecole",
    "universite", "hopital", "aeroport", "stade", "gare", "station", "centre", "fondation", "prix",
    "institut", "musee", "salle", "porte-avions", "navire", "fregate", "paquebot", "sous-marin",
    "batiment", "operation", "plan", "loi", "doctrine", "ere", "clinique", "residence", "palais",
    "theatre", "cinema", "festival", "trophee", "coupe", "camp", "base", "caserne", "chu", "parc",
    "hotel", "restaurant", "societe", "groupe", "marque", "editions", "journal", "quotidien",
    "hebdomadaire", "magazine", "radio", "chaine", "tournoi", "grand", "virus",
}
MAX_FILLERS = 4

# Capitalised words a first-name list contains but that start no person here.
NOT_FIRST_NAMES = {
    "le", "la", "les", "de", "du", "des", "un", "une", "et", "en", "au", "aux", "general", "prince",
    "royal", "paris", "france", "grand", "premier", "president", "mars", "mai", "juin", "avril",
    "saint", "sainte", "san", "santa", "notre", "dame", "sud", "nord", "est", "ouest", "union",
    "europe", "china", "chine", "inde", "india", "iran", "irak", "syrie", "dakota", "washington",
    "orleans", "vienne", "radio", "po", "maison", "los", "las", "hong", "princess", "go", "the",
    "rio", "sri", "sante", "afro", "mar", "san", "phoenix", "trinidad", "lourdes", "angers", "marseille", "lyon",
    "nice", "tours", "cannes", "dieu", "allah", "christ", "noel", "paques", "toussaint",
    "pentecote", "ramadan", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi",
    "dimanche", "janvier", "fevrier", "juillet", "aout", "septembre", "octobre", "novembre",
    "decembre", "printemps", "ete", "automne", "hiver", "etat", "etats", "armee", "air", "marine",
    "gendarmerie", "police", "justice", "defense", "republique", "parlement", "senat", "assemblee",
    "conseil", "cour", "tribunal", "ministere", "gouvernement", "commission", "comite", "parti",
    "front", "mouvement", "alliance", "organisation", "agence", "banque", "fonds", "forum",
    "sommet", "conference", "traite", "accord", "pacte", "charte", "declaration", "plan", "photo",
    "video", "covid", "corona", "don", "major", "amiral", "colonel", "capitaine", "sergent",
    "lieutenant", "chef", "sir", "lord", "lady", "miss", "mister", "madame", "monsieur", "mademoiselle",
    "bin", "abou", "abu", "al", "el", "ibn", "van", "von", "di", "da", "della", "dos",
    "ces", "cet", "cette", "ce", "son", "sa", "ses", "leur", "leurs", "mon", "ma", "mes", "notre",
    "votre", "nos", "vos", "tout", "tous", "toute", "toutes", "selon", "pour", "par", "avec", "sans",
    "sous", "sur", "dans", "entre", "vers", "chez", "contre", "depuis", "pendant", "avant", "apres",
    "malgre", "outre", "hors", "via", "mais", "ou", "donc", "or", "ni", "car", "quand", "comme",
    "si", "lors", "ainsi", "alors", "aussi", "encore", "enfin", "puis", "ensuite", "deja",
    "toujours", "jamais", "parfois", "souvent", "seul", "seule", "autre", "autres", "meme",
    "memes", "chaque", "plusieurs", "certains", "certaines", "aucun", "aucune", "nul", "nulle",
    "pas", "plus", "moins", "tres", "trop", "peu", "beaucoup", "bien", "mal", "oui", "non",
    "merci", "bonjour", "bravo", "liberte", "egalite", "fraternite", "paix", "guerre", "victoire",
    "espoir", "vie", "mort", "amour", "gloire", "honneur", "patrie", "nation", "peuple", "monde",
    "terre", "ciel", "mer", "ocean", "golfe", "ile", "iles", "mont", "cap", "lac", "riviere",
    "fleuve", "vallee", "foret", "desert", "plaine", "plateau", "bassin", "delta", "canal",
    "detroit", "baie", "cote", "rive", "port", "aeroport", "ville", "village", "region",
    "province", "departement", "commune", "canton", "comte", "district", "territoire", "zone",
    "secteur", "quartier", "banlieue", "capitale", "metropole", "cite", "centre", "royaume",
    "empire", "emirat", "sultanat", "principaute", "federation", "confederation", "ligue",
    "association", "syndicat", "federal", "national", "international", "mondial", "europeen",
    "africain", "americain", "asiatique", "arabe", "islamique", "catholique", "protestant",
    "orthodoxe", "juif", "musulman", "chretien", "bouddhiste", "hindou", "laique", "democrate",
    "republicain", "socialiste", "communiste", "liberal", "conservateur", "ecologiste", "vert",
    "verts", "rouge", "rouges", "blanc", "blanche", "noir", "noire", "jaune", "bleu", "bleus",
    "rose", "gris", "brun", "or", "argent", "diamant", "cristal", "perle", "ambre", "jade",
    "olive", "cerise", "prune", "violette", "marguerite", "capucine", "camelia", "iris",
    "jasmin", "lilas", "myrtille", "hortense", "fleur", "rosa", "flora", "aurore", "aube",
    "soleil", "lune", "etoile", "ange", "angel", "gloria", "fortune", "justine", "constance",
    "prudence", "clemence", "patience", "esperance", "grace", "joy", "hope", "faith", "charity",
    "happy", "sunny", "summer", "winter", "autumn", "spring", "may", "june", "april", "august",
    "january", "march", "sun", "star", "king", "queen", "duke", "earl", "baron", "count",
    "bishop", "pope", "new", "old", "big", "little", "great", "good", "best", "real",
    "all", "one", "top", "black", "white", "red", "blue", "green", "gold", "silver",
    "do", "we", "you", "my", "our", "your", "it", "is", "are", "be", "to", "of", "in", "on", "at",
    "by", "for", "with", "and", "not", "no", "yes", "so", "if", "how", "why", "what", "who", "when",
    "where", "can", "will", "just", "love", "life", "live", "man", "men", "woman", "girl", "boy",
    "baby", "home", "day", "night", "world", "time", "invite", "invitee",
}
# Capitalised words that end no person's name (organisations, places, pronouns).
NOT_SURNAMES = (STOP_WORDS - {"un", "une"}) | {
    "france", "europe", "afrique", "amerique", "asie", "nord", "sud", "ouest", "orient", "occident",
    "bridge", "street", "square", "park", "hall", "house", "center", "centre", "novosti", "tower",
    "reporter", "ltd", "inc", "corp", "company", "organisation", "organization", "cars", "italia",
    "records", "productions", "films", "studios", "airport", "university", "club", "team", "games",
    "photo", "afp", "reuters", "ap", "hebdo", "post", "times", "journal", "news", "magazine",
    "cruises", "sport", "sports", "group", "groupe", "airlines", "airways", "motors", "bank",
    "university", "college", "institute", "foundation", "blanche", "unis", "kong", "angeles",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "janvier", "fevrier",
    "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre", "novembre", "decembre",
}
# First names that are also places: a name only when no place preposition precedes.
PLACE_NAMES = {
    "israel", "jordan", "georgia", "virginia", "carolina", "victoria", "lorraine", "nancy",
    "lincoln", "houston", "dallas", "austin", "denver", "florence", "charlotte", "sydney",
    "adelaide", "orlando", "santiago", "florida", "india", "china", "paris",
}
_PLACE_PREPOSITION = re.compile(r"(?:\b(?:à|a|au|en|de|du|vers|depuis|pres de|près de)|[dl]['’])\s*$", re.I)
_PREPOSITION_BEFORE = re.compile(r"(?:\b(?:de|du|des|la|le|les|à|au|aux|en|pour|sur|par|avec|contre|chez)|[dlDL]['’])\s*$")
_SENTENCE_END = re.compile(r"(?<!\bM)(?<!\bMM)(?<!\bMme)(?<!\bMgr)(?<!\bDr)(?<!\bPr)[.!?:;»\"\n]\s*$")
# Reported speech that names its speaker: ", a affirmé lundi Ben Crump," / "a écrit Piyush Goyal".
_SPEECH_BEFORE = re.compile(
    r"\b(?:a|ont|avait|aurait)\s+(?:\w+é|dit|écrit|fait savoir|admis|reconnu|promis|prévenu|soutenu)"
    r"(?:\s+(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|encore|aussi|également|"
    r"notamment|alors|ensuite|récemment|auparavant|dans un communiqué))?\s+$"
)
# An apposition that says who the person is: "Ben Crump, l'avocat de la famille".
_ROLE_AFTER = re.compile(
    r"^\s*,\s+(?:l['’]|le\s+|la\s+|un\s+|une\s+|son\s+|sa\s+|leur\s+)?(?:[\w-]+\s+){0,2}?(\w[\w-]*)"
)

# The same apposition before the name: "le ministre jordanien des Affaires étrangères, Aymen al-Safadi".
_APPOSED_SEGMENT = re.compile(r"([^.;:!?\n,«»\"]{1,80}),\s*$")
_DETERMINED = re.compile(r"\b(?:le|la|l['’]|son|sa|leur|un|une)\s*([\w-]+)", re.I)


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Folded first names of gender-guesser's international name dictionary."""
    import gender_guesser

    path = Path(gender_guesser.__file__).parent / "data" / "nam_dict.txt"
    names = set()
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            fields = line.split()
            if len(fields) < 2 or line[0] in "#=":
                continue
            for part in re.split(r"[+-]", fields[1]):
                part = fold(part)
                if len(part) >= 2 and part.isalpha():
                    names.add(part)
    return frozenset(names - NOT_FIRST_NAMES)


def _is_first_name(token: str, text: str, start: int) -> bool:
    head = fold(token.split("-")[0].split("'")[-1])
    if head not in first_names():
        return False
    return head not in PLACE_NAMES or not _PLACE_PREPOSITION.search(text[max(0, start - 12) : start])


def _has_cue(text: str, start: int) -> bool:
    """Whether a title cue stands right before `start` ("M.", "le président américain")."""
    window = text[max(0, start - 80) : start]
    if _PREPOSITION_BEFORE.search(window) or _SENTENCE_END.search(window):
        return False
    words = re.findall(r"[\w'’.-]+|,", window)
    fillers = 0
    for word in reversed(words):
        key = fold(word)
        if key in CUES or key.rstrip(".") in CUES:
            return True
        if word == "," or (re.fullmatch(rf"[{_LOW}][{_LOW}-]+", word) and key not in STOP_WORDS):
            fillers += 1
            if fillers > MAX_FILLERS:
                return False
            continue
        return False
    return False


def _role_after(text: str, end: int) -> bool:
    m = _ROLE_AFTER.match(text[end : end + 80])
    return bool(m) and fold(m.group(1)) in CUES


def _role_before(text: str, start: int) -> bool:
    m = _APPOSED_SEGMENT.search(text[max(0, start - 100) : start])
    return bool(m) and any(fold(w) in CUES for w in _DETERMINED.findall(m.group(1)))


def _thing_before(text: str, start: int) -> bool:
    m = re.search(r"([\w-]+)\s+(?:[dl]['’])?$", text[max(0, start - 30) : start])
    return bool(m) and fold(m.group(1)) in THING_CUES


def _trim(tokens: list[str]) -> list[str]:
    """Drop trailing particles and words that end no name."""
    while tokens and (fold(tokens[-1]) in NOT_SURNAMES or re.fullmatch(_PARTICLE, tokens[-1])):
        tokens = tokens[:-1]
    return tokens


def _place_like(token: str) -> bool:
    """Pas-de-Calais, Saint-Denis: hyphenated with a lower-case or saint part."""
    return bool(re.search(r"-(?:de|du|des|la|le|les|sur|en|sous|lès)-|^Saint|^Sainte", token))


def mentions(text: str) -> list[list[str]]:
    """Person mentions in `text`, each as its list of name tokens."""
    found: list[list[str]] = []
    for m in RUN_RE.finditer(text):
        start, end = m.start(1), m.end(1)
        tokens = m.group(1).split()
        if _thing_before(text, start) or any(_place_like(t) for t in tokens):
            continue
        # "Mme Callebaut", "Selon Me Fonteix": the honorific is a cue, the name follows it.
        honorific = max((i for i, t in enumerate(tokens) if fold(t) in HONORIFICS), default=-1)
        name = _person(tokens[honorific + 1 :], text, start, end, cued=honorific >= 0)
        if name:
            found.append(name)
    return found


def _person(tokens: list[str], text: str, start: int, end: int, cued: bool) -> list[str] | None:
    """The name in a run of capitalised words, or None when it names no person."""
    first = next((i for i, t in enumerate(tokens) if _is_first_name(t, text, start)), None)
    if first is not None and len(tokens) - first >= 2:
        name = _trim(tokens[first : first + MAX_NAME_TOKENS])
        if len(name) >= 2:
            return name
    name = _trim(tokens[:MAX_NAME_TOKENS])
    if not name or fold(name[0]) in NOT_FIRST_NAMES:
        return None
    if cued or _has_cue(text, start):
        return name
    if len(name) >= 2 and (
        _SPEECH_BEFORE.search(text[max(0, start - 60) : start]) or _role_after(text, end) or _role_before(text, start)
    ):
        return name
    return None


def extract(title: str, text: str, byline_author: str | None = None) -> list[str]:
    """Distinct persons of an article, each in the fullest form the article gives."""
    raw = mentions(f"{title}.\n{text}")
    if byline_author:
        raw.insert(0, byline_author.split())
    persons: list[list[str]] = []
    for name in sorted(raw, key=len, reverse=True):
        if not any(_same_person(name, other) for other in persons):
            persons.append(name)
    return _order_of_appearance([" ".join(p) for p in persons], f"{title}\n{text}")


def _same_person(a: list[str], b: list[str]) -> bool:
    """`a` is `b` or a shorter form of it: its words all found in `b`, surname included."""
    fa, fb = [fold(t) for t in a], [fold(t) for t in b]
    if len(fa) == 1:
        return fa[0] in fb
    return fa[-1] == fb[-1] and set(fa) <= set(fb)


def _order_of_appearance(names: list[str], text: str) -> list[str]:
    def pos(name: str) -> int:
        i = text.find(name)
        return i if i >= 0 else len(text)

    return sorted(dict.fromkeys(names), key=pos)

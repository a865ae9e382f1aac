"""What adding one file loads, in a fresh interpreter: its fixed cost is mostly imports
(issue 10's one-file add), so the heavy ones are loaded only when their work is needed."""
import subprocess
import sys

from tests.conftest import ROOT


def loaded_after(code: str, modules: tuple[str, ...]) -> dict[str, bool]:
    """Which of `modules` a fresh interpreter has loaded after running `code`."""
    probe = f"{code}\nimport sys\nprint(*(name in sys.modules for name in {modules!r}))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    return dict(zip(modules, (flag == "True" for flag in done.stdout.split())))


def test_stemming_loads_nltk_without_scipy():
    code = "from indexer.french import analyze\nassert analyze('frégates') == ['fregat'], analyze('frégates')"
    assert loaded_after(code, ("nltk", "scipy")) == {"nltk": True, "scipy": False}


def test_a_byline_without_a_year_is_not_given_to_dateparser():
    no_year = "from indexer.metadata import parse_raw_text\nassert parse_raw_text('Titre\\n\\nPar Jean Dupont, le 13 octobre\\n\\nLe texte.').date is None"
    year = "from indexer.metadata import parse_raw_text\nassert parse_raw_text('Titre\\n\\nPar Jean Dupont, le 13 octobre 2023\\n\\nLe texte.').date == '2023-10-13'"
    assert loaded_after(no_year, ("dateparser",)) == {"dateparser": False}
    assert loaded_after(year, ("dateparser",)) == {"dateparser": True}

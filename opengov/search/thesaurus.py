"""The civic thesaurus (thesaurus.tsv, next to this module): groups of word forms a search
treats as one, expanded in Python at query time into an OR of the forms, so no file is needed on
the database server and the index never has to be rebuilt when a line is added.

Besides the lines of the file, one rule of Arabic morphology the arabic Snowball stemmer misses:
a sound feminine plural in ات without the article is stemmed apart from its singular (جماعة ->
جماع, جماعات -> جماعا, but الجماعات -> جماع). A word in ة is therefore also looked for in ات,
and a word in ات also in ة and without the ending (اجتماعات: اجتماع). A form no text contains
costs nothing: it matches no row.

Clitics. A typed word is read without the prefix it may carry (و ب ل ف, the article and their
combinations), and that bare word (3 letters or more) is looked for as well: "بسلا" finds "سلا".
The other way round, a text's word may carry a clitic the stemmer does not remove ("فالخط",
"بسلا", "لمشاريع", "والمستوصفات": the arabic Snowball stemmer reads ال off after ب and ك alone,
and keeps most single-letter proclitics before a word it does not know), so `clitic_forms`
lists the word after those prefixes, which the query looks for under infitah_ar only."""

from functools import cache
from pathlib import Path

from .normalize import normalize_ar

DATA = Path(__file__).with_name("thesaurus.tsv")
# Prefixes read off a typed word before it is looked up: the conjunction و, the prepositions
# ب ل ك, the article ال (and لل, ل + ال). The stemmer removes them from the variants.
_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال", "و", "ب", "ل", "ف")
_ARABIC_LETTERS = range(0x0621, 0x064B)
# What a text may glue before a word: after the article (و ف ب ك + ال, ل + ال = لل) and, before
# a word of 3 letters or more, the conjunctions and prepositions alone or combined.
_BEFORE_THE = ("وال", "فال", "بال", "كال", "لل", "وبال", "ولل")
_BEFORE_BARE = ("و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك")
# The shortest word read off its prefix and still looked for on its own.
BARE_MIN = 3


def parse(text: str) -> list[tuple[str, ...]]:
    """The groups of a thesaurus file: one per line, forms separated by tabs, normalised;
    comments (#) and blank lines skipped."""
    groups = []
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        forms = tuple(dict.fromkeys(normalize_ar(f.strip()) for f in line.split("\t") if f.strip()))
        if len(forms) > 1:
            groups.append(forms)
    return groups


@cache
def groups_by_form() -> dict[str, tuple[str, ...]]:
    index: dict[str, tuple[str, ...]] = {}
    for forms in parse(DATA.read_text(encoding="utf-8")):
        for form in forms:
            index[form] = index.get(form, ()) + tuple(
                f for f in forms if f not in index.get(form, ())
            )
    return index


def _is_arabic(word: str) -> bool:
    return any(ord(c) in _ARABIC_LETTERS for c in word)


def _feminine(word: str) -> list[str]:
    if len(word) >= 3 and word.endswith("ة"):
        return [word[:-1] + "ات"]
    if len(word) >= 5 and word.endswith("ات"):
        return [word[:-2] + "ة", word[:-2]]
    return []


def variants(word: str) -> list[str]:
    """The normalised word and the other forms it stands for, the word first, without
    duplicates. Only Arabic words get the feminine rule; any word may be in the file."""
    word = normalize_ar(word)
    found = [word]
    bare = [word]
    if _is_arabic(word):
        bare += [
            word[len(p) :] for p in _PREFIXES if word.startswith(p) and len(word) - len(p) >= 2
        ]
    index = groups_by_form()
    for stem in bare:
        found += index.get(stem, ())
    found += [stem for stem in bare[1:] if len(stem) >= BARE_MIN]
    if _is_arabic(word):
        for form in list(found):
            found += _feminine(form)
    return list(dict.fromkeys(found))


def clitic_forms(form: str) -> list[str]:
    """The (normalised, Arabic) form as a text may write it with a proclitic the stemmer keeps:
    after و ف ب ك + ال and لل ("والميزانية", "فالخط"), and, when the word without its article
    has 3 letters or more, after و ف ب ل ك and their pairs ("بسلا", "لمشاريع"). Not the form
    itself; empty for a word in another script."""
    if not _is_arabic(form):
        return []
    bare = form[2:] if form.startswith("ال") and len(form) >= 4 else form
    forms = [prefix + bare for prefix in _BEFORE_THE]
    if len(bare) >= BARE_MIN:
        forms += [prefix + bare for prefix in _BEFORE_BARE]
    return [f for f in dict.fromkeys(forms) if f != form]

"""The civic thesaurus (thesaurus.tsv, next to this module): groups of word forms a search
treats as one, expanded in Python at query time into an OR of the forms, so no file is needed on
the database server and the index never has to be rebuilt when a line is added.

Besides the lines of the file, one rule of Arabic morphology the arabic Snowball stemmer misses:
a sound feminine plural in ات without the article is stemmed apart from its singular (جماعة ->
جماع, جماعات -> جماعا, but الجماعات -> جماع). A word in ة is therefore also looked for in ات,
and a word in ات also in ة and without the ending (اجتماعات: اجتماع). A form no text contains
costs nothing: it matches no row. And each Arabic word is also looked for after وال ("and
the"), a prefix the stemmer does not remove."""

from functools import cache
from pathlib import Path

from .normalize import normalize_ar

DATA = Path(__file__).with_name("thesaurus.tsv")
# Prefixes read off a typed word before it is looked up: the conjunction و, the prepositions
# ب ل ك, the article ال (and لل, ل + ال). The stemmer removes them from the variants.
_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال", "و", "ب", "ل", "ف")
_ARABIC_LETTERS = range(0x0621, 0x064B)


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
    if _is_arabic(word):
        for form in list(found):
            found += _feminine(form)
        found += [_with_and_the(form) for form in found if not form.startswith("و")]
    return list(dict.fromkeys(found))


def _with_and_the(form: str) -> str:
    """The form after "and the" (وال): the stemmer reads the article off after ب, ل, و alone,
    not after وال (والميزانية -> والميزان), so a text's "والميزانية" is found only this way."""
    return "وال" + (form[2:] if form.startswith("ال") else form)

"""The normalisation applied identically when indexing and when querying.

Arabic (`normalize_ar`, and its SQL twin `infitah_normalize(text)`, an IMMUTABLE function made
by the migration opengov 0002 from the same tables below, so the two cannot drift apart):

- strip the tashkeel (U+064B-U+0652: fathatan ... sukun), the dagger alef (U+0670) and the
  tatweel (U+0640): "مَدْرَسَة" and "مـدرسـة" are "مدرسة";
- fold the alef forms أ إ آ ٱ to ا and the alef maqsura ى to ي: "إنشاء" / "انشاء",
  "مستشفى" / "مستشفي" (the arabic Snowball stemmer itself folds the hamza forms, but not ى: it
  stems "مستشفى" to مستشف and "مستشفي" to مستشفي);
- map Arabic-Indic (٠-٩) and Persian (۰-۹) digits to ASCII: "٢٠٢٤" is "2024";
- lower-case (for Latin text; Arabic has no case).

Tā' marbūṭa (ة) is NOT folded to hā' (ه). Folding it is common in Arabic search engines that
do not stem, but it defeats the `arabic` Snowball stemmer, which the configuration infitah_ar
runs after this normalisation. The stemmer removes a final ة as a feminine ending, while it reads
a final ه as the pronoun "his" and strips it only in some contexts, so folded words stop sharing
a stem with their unfolded forms and with each other (PostgreSQL 15, to_tsvector('arabic', …)):

    حديقة -> حديق     الحديقة -> حديق     حديقه -> حديق     الحديقه -> حديقه
    ميزانية -> ميزان   الميزانية -> ميزان   ميزانيه -> ميز
    مياه -> مياه       المياه -> ميا

With ة folded at both ends, "الحديقة" (indexed as الحديقه -> حديقه) would no longer match a
search for "حديقة" (حديقه -> حديق), and "الميزانية" no longer "ميزانية". Kept as typed, every
form of the word in ة reaches the same stem. A citizen who types ه for ة ("ميزانيه") is still
helped by the prefix match on the last word and, next session, by the trigram "did you mean".

French (`normalize_fr`): the configuration infitah_fr removes accents (unaccent) before the
French stemmer, so the SQL side needs nothing more. `normalize_fr` is for Python comparisons and
for SQLite (the demo), which has no text search: Unicode NFKD, combining marks dropped,
case-folded, so "Éducation" is "education".

`normalize` applies both, in that order: what the SQLite search compares."""

import unicodedata

# The characters removed: tashkeel U+064B-U+0652, dagger alef U+0670, tatweel U+0640.
REMOVED = "".join(chr(code) for code in range(0x064B, 0x0653)) + "\u0670\u0640"
# Folded: each character of FOLDED_FROM becomes the one at the same place in FOLDED_TO.
FOLDED_FROM = (
    "\u0623\u0625\u0622\u0671"  # أ إ آ ٱ
    "\u0649"  # ى
    "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669"  # ٠-٩
    "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9"  # ۰-۹
)
FOLDED_TO = "\u0627" * 4 + "\u064a" + "0123456789" * 2

_TABLE = str.maketrans(FOLDED_FROM, FOLDED_TO, REMOVED)


def _lower(text: str) -> str:
    """Lower case one character for one, as PostgreSQL's lower() does (Python turns İ into
    two characters, i and a combining dot; PostgreSQL into i)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(character.lower()[:1] for character in text)


def normalize_ar(text: str) -> str:
    """The Arabic rules (module docstring) and lower case: exactly infitah_normalize(text)."""
    return _lower(str(text).translate(_TABLE))


def normalize_fr(text: str) -> str:
    """Accents and other combining marks dropped (NFKD), case-folded: "Éducation" ->
    "education". What unaccent and the stemmer's lower case do in PostgreSQL."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def normalize(text: str) -> str:
    """Both: the Arabic rules, then the French ones."""
    return normalize_fr(normalize_ar(text))


def sql_translate_arguments() -> tuple[str, str]:
    """The two strings of the SQL function's translate(): the characters folded then those
    removed (translate() deletes the characters that have no counterpart), and their
    replacements."""
    return FOLDED_FROM + REMOVED, FOLDED_TO

"""Full-text search in Arabic and French, inside PostgreSQL (issue 19): the normalisation shared
by the index and the queries (`normalize`), the civic thesaurus (`thesaurus`) and the query
builder (`query.matching`). The floor: it names no app; each app's trigger calls the SQL twin
of `normalize.normalize_ar`, `infitah_normalize(text)` (migration opengov 0002)."""

"""The ZIP of every dataset (CSV and JSON), the Decidim results and a README of the columns,
kept in the default storage and rebuilt by a Celery task when the data version changes."""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from opengov.dataversion import data_version

from .datasets import DATASETS, rows, to_csv, to_json
from .decidim import MILESTONE_ID_OFFSET, decidim_results

ZIP_NAME = "opendata/infitah-opendata.zip"


def readme_text() -> str:
    lines = [
        "Infitah open data",
        "=================",
        "",
        f"Generated {timezone.now().isoformat(timespec='seconds')} from {settings.SITE_URL}.",
        "",
        f"Licence: {settings.OPEN_DATA_LICENCE['name']}",
        f"  {settings.OPEN_DATA_LICENCE['url']}",
        f"Source: {settings.SITE_URL}",
        "",
        "Each dataset is given as CSV (UTF-8 with BOM, comma-separated, every field quoted) and",
        "JSON. Texts are in Arabic (_ar) and French (_fr). Only public data: plans in",
        "preparation, unpublished comments and proposals, and e-mail addresses are never",
        "included. In the CSVs, an apostrophe is put before any text a spreadsheet would run as a",
        "formula (= at the start of a cell or after a ; , tab or line break in it, or + - @",
        "followed by a number, a reference or a function call): remove it to get the text as",
        "entered, or use the JSON.",
        "",
        "Times (created_at, published_at, recorded_at, responded_at, updated_at…) are ISO 8601",
        "with their offset from UTC, in Morocco's time, to the second: 2024-03-15T10:30:00+01:00.",
        "Days are ISO 8601 too: 2024-03-15.",
        "",
    ]
    for dataset in DATASETS.values():
        lines += [f"{dataset.name}.csv / {dataset.name}.json", f"  {dataset.description}"]
        lines += [f"  - {column}" for column in dataset.columns]
        lines.append("")
    lines += [
        "results_decidim.csv",
        "  Commitments and their milestones in the columns of Decidim's accountability import",
        "  (semicolon-separated). Milestone ids are offset by",
        f"  {MILESTONE_ID_OFFSET} and give their commitment as parent/id. progress is the share",
        "  of milestones completed; Decidim's columns have no place for the completion level,",
        "  the goals or the programme: read them in commitments.csv.",
        "",
    ]
    return "\n".join(lines)


def build_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme_text())
        for dataset in DATASETS.values():
            archive.writestr(f"{dataset.name}.csv", to_csv(rows(dataset)))
            archive.writestr(f"{dataset.name}.json", to_json(dataset))
        archive.writestr("results_decidim.csv", to_csv(decidim_results(), delimiter=";"))
    return out.getvalue()


def zip_rebuild() -> str:
    """Write the ZIP for the current data version and SITE_URL (idempotent: skipped when up to
    date). The ZIP's links are absolute: one made under another SITE_URL (a demo run before at
    another port, a portal that moved) is rebuilt even when the data did not change."""
    version, _modified = data_version()
    stamp = f"{version} {settings.SITE_URL}"
    marker = f"{ZIP_NAME}.version"
    if default_storage.exists(marker) and default_storage.exists(ZIP_NAME):
        with default_storage.open(marker) as handle:
            if handle.read().decode() == stamp:
                return "up to date"
    content = build_zip()
    for name, data in ((ZIP_NAME, content), (marker, stamp.encode())):
        if default_storage.exists(name):
            default_storage.delete(name)
        default_storage.save(name, ContentFile(data))
    return "rebuilt"

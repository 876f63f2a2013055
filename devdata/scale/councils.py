"""The councils: the national list (regions, provinces and prefectures, communes), the
choice of N of them spread over the regions, and their rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.text import slugify

from consultations.models import Council

from .places import (
    COMMUNES_PER_REGION,
    PROVINCES,
    REGIONS,
    RURAL_PREFIXES,
    RURAL_QUALIFIERS,
    RURAL_ROOTS,
    TOWNS,
)
from .tables import NATIONAL_COUNCILS, Random, Table, _ascii, _at, _code_letters, _of, tr

# --- councils ----------------------------------------------------------------------------------


@dataclass
class CouncilSpec:
    kind: str
    region: int  # index in REGIONS
    name: tuple[str, str]
    city: tuple[str, str]
    slug: str = ""
    code: str = ""
    pk: int = 0


def national_councils(rng: Random) -> tuple[list, list, list]:
    """The 12 regions, 75 prefectures/provinces and 1,503 communes (regions, provinces,
    communes), names in both languages; communes beyond the real towns are drawn from `rng`."""
    regions = [
        CouncilSpec(Council.Kind.REGION, i, (ar, fr), city, slug, code)
        for i, (slug, code, ar, fr, city) in enumerate(REGIONS)
    ]
    provinces = []
    for region, rows in enumerate(PROVINCES):
        for prefecture, ar, fr in rows:
            name = (
                (f"عمالة {ar}", f"Préfecture {_of(fr)}")
                if prefecture
                else (f"إقليم {ar}", f"Province {_of(fr)}")
            )
            provinces.append(CouncilSpec(Council.Kind.PREFECTURE_PROVINCE, region, name, (ar, fr)))
    communes = []
    for region, count in enumerate(COMMUNES_PER_REGION):
        names = list(TOWNS[region])
        seen = set(names)
        while len(names) < count:
            prefix, root, qualifier = (
                rng.pick(RURAL_PREFIXES),
                rng.pick(RURAL_ROOTS),
                rng.pick(RURAL_QUALIFIERS),
            )
            name = (
                f"{prefix[0]} {root[0]}{qualifier[0]}",
                f"{prefix[1]} {root[1]}{qualifier[1]}",
            )
            if name not in seen:
                seen.add(name)
                names.append(name)
        communes.extend(
            CouncilSpec(
                Council.Kind.COMMUNE, region, (f"جماعة {ar}", f"Commune {_of(fr)}"), (ar, fr)
            )
            for ar, fr in names
        )
    return regions, provinces, communes


def _round_robin(specs: list[CouncilSpec], regions: set[int], count: int) -> list[CouncilSpec]:
    """`count` specs of the given regions, taken in turn from each region."""
    by_region: dict[int, list[CouncilSpec]] = {}
    for spec in specs:
        if spec.region in regions:
            by_region.setdefault(spec.region, []).append(spec)
    queues = [by_region[r] for r in sorted(by_region)]
    chosen: list[CouncilSpec] = []
    position = 0
    while len(chosen) < count and any(position < len(q) for q in queues):
        chosen.extend(q[position] for q in queues if position < len(q))
        position += 1
    return chosen[:count]


def choose_councils(count: int, rng: Random) -> list[CouncilSpec]:
    """`count` councils with the national mix of kinds (12 regions, 75 provinces, the rest
    communes at 1,590): regions first, then provinces and communes of those regions. Beyond
    1,590, extra rural communes are added."""
    regions, provinces, communes = national_councils(rng)
    n_regions = max(1, min(12, -(-count * 12 // NATIONAL_COUNCILS)))
    n_provinces = min(75, round(count * 75 / NATIONAL_COUNCILS))
    if count - n_regions >= 2:
        n_provinces = max(1, n_provinces)
    n_provinces = min(n_provinces, max(0, count - n_regions))
    chosen_regions = regions[:n_regions]
    region_ids = {r.region for r in chosen_regions}
    chosen_provinces = _round_robin(provinces, region_ids, n_provinces)
    n_communes = count - n_regions - len(chosen_provinces)
    chosen_communes = _round_robin(communes, region_ids, n_communes)
    extra = 0
    while len(chosen_communes) < n_communes:  # past the national count (or few regions)
        extra += 1
        base = rng.pick(communes[: sum(COMMUNES_PER_REGION[:n_regions])])
        chosen_communes.append(
            CouncilSpec(
                Council.Kind.COMMUNE,
                base.region,
                (f"{base.name[0]} {extra}", f"{base.name[1]} {extra}"),
                base.city,
            )
        )
    return [*chosen_regions, *chosen_provinces, *chosen_communes]


def council_rows(table: Table, specs: list[CouncilSpec], rng: Random, base: datetime.date) -> None:
    """Councils (regions before the others, so parent ids exist); slugs and codes are made
    unique against those already in the database."""
    taken_slugs = set(Council.objects.values_list("slug", flat=True))
    taken_codes = set(Council.objects.values_list("code", flat=True))
    region_pk: dict[int, int] = {}
    for spec in specs:
        # Communes by their town's name; prefectures and provinces prefixed (Tétouan is both).
        prefix = spec.name[1].split()[0].lower() + "-" if spec.kind != Council.Kind.COMMUNE else ""
        base_slug = spec.slug or slugify(_ascii(prefix + spec.city[1]))[:70]
        # Many communes share a name: the region's code tells them apart, then a number.
        slug, n = base_slug, 1
        if slug in taken_slugs:
            base_slug = slug = f"{base_slug}-{REGIONS[spec.region][1].lower()}"
        while slug in taken_slugs:
            n += 1
            slug = f"{base_slug}-{n}"
        taken_slugs.add(slug)
        letters = spec.code or (("P" if prefix else "") + _code_letters(spec.city[1]))
        code, n = letters, 1
        while code in taken_codes or len(code) < 2:
            n += 1
            code = f"{letters}{n}"
        taken_codes.add(code)
        spec.slug, spec.code = slug, code
        joined = base - datetime.timedelta(days=rng.between(700, 2000))
        created = _at(joined, rng.between(8, 17), rng.between(0, 59))
        spec.pk = table.add(
            created_at=created,
            updated_at=created,
            kind=spec.kind,
            **tr("name", spec.name),
            slug=slug,
            code=code,
            in_network_since=joined,
            contact_email=f"ogp.{code.lower()}@example.org",
            contact_phone=f"+212 5 {rng.between(20, 39)} {rng.between(10, 99)} "
            f"{rng.between(10, 99)} {rng.between(10, 99)}",
            parent_id=None if spec.kind == Council.Kind.REGION else region_pk[spec.region],
        )
        if spec.kind == Council.Kind.REGION:
            region_pk[spec.region] = spec.pk

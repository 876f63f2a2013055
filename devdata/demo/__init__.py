"""Demo data drawn from real events of the Moroccan network of open territorial collectivities.

What is real: the 12 regions (fixture consultations/fixtures/regions.json); Tanger-Tétouan-Al
Hoceima's first plan 2021-2023 and its co-created plan 2024-2026; the commune of Tétouan's plan
2022-2026 and two of its commitments (MATET0003, MATET0011); the Al Hoceima consultation of
6 January 2024 at the Regional Training Centre, chaired by the region's vice-president, with its
five working groups; the Oriental region's co-creation of its 2025-2027 plan with its four groups;
the network meeting of Saïdia, 12-13 November 2024 (about 350 people), four parallel workshops.
What is illustrative: the proposals, commitments (Tétouan's two aside), milestones, indicators
and attendance breakdowns, written to look like the real thing; the dates of the plans' stages;
the councils' programmes (PDR, PAC) and the goals the commitments are linked to; the communes of
Agadir and Kénitra are given an adopted plan and a plan in preparation, whose proposals window
is open (dates relative to the day of loading) with proposals sent online and their supports.

`load_demo()` is idempotent: an object that exists (found by its natural key) is left as it is,
so a second run changes nothing and never overwrites what someone edited. Every object is
validated with full_clean() before it is saved, like an admin form would. One module per
place (the events are real, so the data follows them): tanger, tanger_commitments, oriental,
tetouan (two real commitments as OGP publishes them), communes, online (Kénitra's proposals sent
online); then follow_up and the forum;
the loader holds what they share. Every past stage change is written as a recorded move with
its real date (as a coordinator records a plan adopted outside the portal), never as a live
move."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db import transaction

from .communes import agadir, kenitra
from .follow_up import close_ended_plans, follow_up
from .forum import tanger_forum
from .loader import REGIONS_FIXTURE, D, Loader
from .online import kenitra_online_proposals
from .oriental import oriental_plan, saidia_network_meeting
from .tanger import tanger_tetouan_al_hoceima
from .tetouan import tetouan

__all__ = ["REGIONS_FIXTURE", "load_demo"]


@transaction.atomic
def load_demo(today: datetime.date | None = None) -> Counter[str]:
    """Load the demo data; returns how many objects of each kind were created."""
    loader = Loader(today or datetime.date.today())
    regions = loader.regions()
    themes = loader.themes()
    tta, oriental = regions["tanger-tetouan-al-hoceima"], regions["oriental"]
    network_members(loader, regions)
    tanger_tetouan_al_hoceima(loader, tta, themes)
    tetouan(loader, tta, themes)
    oriental_plan(loader, oriental, themes)
    saidia_network_meeting(loader, oriental, themes)
    agadir(loader, regions["souss-massa"], themes)
    kenitra(loader, regions["rabat-sale-kenitra"])
    kenitra_online_proposals(loader, themes)
    follow_up(loader)
    tanger_forum(loader, tta)
    close_ended_plans(loader)
    return loader.created


def network_members(loader: Loader, regions) -> None:
    # The dates a council joined the network are illustrative: the start of its first plan.
    for slug, joined in (
        ("tanger-tetouan-al-hoceima", D(2021, 1, 1)),
        ("oriental", D(2024, 6, 1)),
    ):
        council = regions[slug]
        if council.in_network_since is None:
            council.in_network_since = joined
            council.full_clean()
            council.save(update_fields=["in_network_since", "updated_at"])

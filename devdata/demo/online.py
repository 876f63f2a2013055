"""Proposals sent online: the commune of Kénitra's plan in preparation takes citizens' proposals
(its window open around the day the demo is loaded, a moderator reading each one). Published
proposals in Arabic and in French with their confirmed supports, one waiting for the moderator,
one merged with another that says the same. The texts are illustrative."""

from __future__ import annotations

import datetime

from django.utils import timezone

from commitments.proposing.services import mailbox_fingerprint
from consultations.models import ActionPlan, Proposal, ProposalSupport

from .loader import Kind, Loader

Publication = Proposal.Publication

# (language, kind, theme, title, body, organisation, residence, supports)
PUBLISHED = [
    (
        "ar",
        Kind.PROBLEM,
        "transparency-digital",
        "محاضر دورات المجلس لا تنشر إلا متأخرة",
        "لا تنشر محاضر دورات المجلس الجماعي إلا بعد أشهر وعلى الورق في مقر الجماعة. نقترح "
        "نشرها على موقع الجماعة خلال أسبوعين من كل دورة، مع جدول الأعمال قبل انعقادها.",
        "جمعية أمل القنيطرة للتنمية",
        "القنيطرة",
        7,
    ),
    (
        "fr",
        Kind.PROPOSAL,
        "open-leadership",
        "Un budget participatif pour les quartiers",
        "Réserver chaque année une part du budget d'investissement de la commune à des projets "
        "choisis par les habitants de chaque arrondissement, avec un vote ouvert en ligne et dans "
        "les maisons de quartier.",
        "",
        "Kénitra",
        12,
    ),
    (
        "ar",
        Kind.RECOMMENDATION,
        "environment-climate",
        "خريطة تفاعلية لنقط جمع النفايات ومواعيدها",
        "توفير خريطة على موقع الجماعة تبين حاويات النفايات ومواعيد جمعها في كل حي، مع إمكانية "
        "التبليغ عن حاوية ممتلئة.",
        "",
        "سيدي الطيبي",
        3,
    ),
    (
        "fr",
        Kind.SOLUTION,
        "transparency-digital",
        "Publier en ligne les horaires et l'état des lignes de bus",
        "Les horaires des bus urbains changent sans avis. La commune, autorité délégante, peut "
        "exiger du délégataire qu'il publie les horaires, les retards et les lignes suspendues en "
        "données ouvertes.",
        "Collectif des usagers du transport urbain",
        "Kénitra",
        5,
    ),
]

MERGED = (
    "fr",
    Kind.PROPOSAL,
    "transparency-digital",
    "Les horaires des bus sur le site de la commune",
    "Mettre les horaires de toutes les lignes de bus sur le site de la commune.",
    "",
    "Mehdia",
    0,
)

AWAITING = (
    "ar",
    Kind.PROPOSAL,
    "environment-climate",
    "ممرات آمنة للدراجات قرب المدارس",
    "تهيئة ممرات محمية للدراجات الهوائية في محيط المدارس الابتدائية وتخفيض السرعة فيها.",
    "",
    "القنيطرة",
    0,
)


def kenitra_online_proposals(loader: Loader, themes) -> None:
    plan = ActionPlan.objects.get(council__slug="kenitra", start_year=2026)
    if plan.proposals_opens_on is None:  # set once: a coordinator's later dates are kept
        plan.proposals_opens_on = loader.today - datetime.timedelta(days=10)
        plan.proposals_closes_on = loader.today + datetime.timedelta(days=20)
        plan.proposals_need_moderation = True
        plan.full_clean()
        plan.save()
    kept = {}
    for number, row in enumerate(PUBLISHED):
        kept[row[3]] = _proposal(loader, plan, themes, number, row, Publication.PUBLISHED)
    bus = kept["Publier en ligne les horaires et l'état des lignes de bus"]
    _proposal(loader, plan, themes, len(PUBLISHED), MERGED, Publication.PUBLISHED, bus)
    _proposal(loader, plan, themes, len(PUBLISHED) + 1, AWAITING, Publication.AWAITING)


def _proposal(loader, plan, themes, number, row, publication, duplicate_of=None) -> Proposal:
    language, kind, theme, title, body, organisation, residence, supports = row
    now = timezone.now()
    proposal = loader.ensure(
        Proposal,
        {"plan": plan, f"title_{language}": title},
        council=plan.council,
        kind=kind,
        theme=themes[theme],
        **{f"body_{language}": body},
        submitted_by=organisation,
        residence=residence,
        email=f"auteur{number + 1}@example.ma",
        language=language,
        consent_at=now,
        publication=publication,
        confirmed_at=now,
        published_at=now if publication == Publication.PUBLISHED else None,
        support_count=supports,
        duplicate_of=duplicate_of,
    )
    for n in range(supports):
        loader.ensure(
            ProposalSupport,
            {"proposal": proposal, "mailbox": mailbox_fingerprint(f"soutien{n}@example.ma")},
            language="ar" if n % 3 else "fr",
            state=ProposalSupport.State.CONFIRMED,
            confirmed_at=now,
        )
    return proposal

"""The multi-stakeholder forum of Tanger-Tétouan-Al Hoceima: illustrative members (fictional
names; most are counted without being named, as when no consent to publication was given), two
meetings and the forum's endorsement of each of the region's plans."""

from __future__ import annotations

from commitments.models import Forum, ForumMeeting, ForumMember, PlanEndorsement
from consultations.models import ActionPlan, Council

from .loader import D, Loader

Sector, Sex, Role = ForumMember.Sector, ForumMember.Sex, ForumMember.Role

# (name, organisation, sector, sex, role, named in public)
MEMBERS = [
    ("Salma Ben Ali", "Conseil de la région", Sector.GOVERNMENT, Sex.WOMAN, Role.CHAIR, True),
    (
        "Youssef Amrani",
        "Réseau associatif du Nord",
        Sector.CIVIL_SOCIETY,
        Sex.MAN,
        Role.CO_CHAIR,
        True,
    ),
    (
        "Nadia Chraibi",
        "Université Abdelmalek Essaâdi",
        Sector.ACADEMIA,
        Sex.WOMAN,
        Role.MEMBER,
        True,
    ),
    ("Membre 4", "Chambre de commerce", Sector.PRIVATE_SECTOR, Sex.MAN, Role.MEMBER, False),
    ("Membre 5", "Radio locale", Sector.MEDIA, Sex.WOMAN, Role.MEMBER, False),
    ("Membre 6", "Association de quartier", Sector.CIVIL_SOCIETY, Sex.WOMAN, Role.MEMBER, False),
    (
        "Membre 7",
        "Agence régionale d'exécution des projets",
        Sector.GOVERNMENT,
        Sex.MAN,
        Role.MEMBER,
        False,
    ),
    ("Membre 8", "", Sector.CITIZEN, Sex.NOT_STATED, Role.MEMBER, False),
]


def tanger_forum(loader: Loader, tta: Council) -> None:
    """Call before the ended plans are closed: a closed plan takes no new record."""
    forum = loader.ensure(
        Forum,
        {"council": tta},
        name_ar="المنتدى متعدد الأطراف لجهة طنجة تطوان الحسيمة",
        name_fr="Forum multi-acteurs de la région Tanger-Tétouan-Al Hoceima",
        description_ar="هيئة تشاركية تجمع المجلس والمجتمع المدني والجامعة والقطاع الخاص "
        "لإعداد خطط العمل وتتبعها.",
        description_fr="L'instance paritaire qui réunit le conseil, la société civile, "
        "l'université et le secteur privé pour co-créer les plans d'action et en suivre la mise "
        "en œuvre.",
        established_on=D(2020, 11, 15),
    )
    for name, organisation, sector, sex, role, public in MEMBERS:
        loader.ensure(
            ForumMember,
            {"forum": forum, "name": name},
            organisation=organisation,
            sector=sector,
            sex=sex,
            role=role,
            public=public,
            joined_on=D(2020, 11, 15),
        )
    plans = {p.start_year: p for p in ActionPlan.objects.filter(council=tta)}
    for start_year, held_on, title_ar, title_fr, attendees, women, men in (
        (
            2021,
            D(2021, 2, 18),
            "المصادقة على خطة العمل الأولى",
            "Validation du premier plan",
            14,
            7,
            7,
        ),
        (
            2024,
            D(2024, 2, 22),
            "المصادقة على خطة العمل 2024-2026",
            "Validation du plan 2024-2026",
            16,
            8,
            8,
        ),
    ):
        plan = plans.get(start_year)
        if plan is None:
            continue
        meeting = loader.ensure(
            ForumMeeting,
            {"forum": forum, "held_on": held_on},
            plan=plan,
            title_ar=title_ar,
            title_fr=title_fr,
            venue_ar="مقر مجلس الجهة، طنجة",
            venue_fr="Siège du conseil régional, Tanger",
            minutes_ar="قدم المجلس مشروع الخطة؛ ناقش الأعضاء الالتزامات وصادقوا على الصيغة "
            "النهائية بالإجماع.",
            minutes_fr="Le conseil a présenté le projet de plan ; les membres ont discuté les "
            "engagements et validé la version finale à l'unanimité.",
            attendees=attendees,
            attendees_women=women,
            attendees_men=men,
        )
        loader.ensure(
            PlanEndorsement,
            {"plan": plan, "version": 1},
            forum=forum,
            endorsed_on=held_on,
            meeting=meeting,
            statement_ar="يصادق المنتدى على هذه الصيغة من الخطة قبل إيداعها لدى الشراكة.",
            statement_fr="Le forum approuve cette version du plan avant sa soumission à l'OGP.",
        )

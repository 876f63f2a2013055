"""The communes of Agadir (an adopted plan) and Kenitra (a plan in preparation)."""

from __future__ import annotations

from consultations.models import ActionPlan, Council, Workshop

from .loader import D, Kind, Loader, MStatus, PStatus, Stage


def agadir(loader: Loader, souss_massa: Council, themes) -> None:
    agadir = loader.ensure(
        Council,
        {"slug": "agadir"},
        kind=Council.Kind.COMMUNE,
        code="AGA",
        name_ar="جماعة أكادير",
        name_fr="Commune d'Agadir",
        parent=souss_massa,
        in_network_since=D(2024, 1, 1),
    )
    plan = loader.ensure(
        ActionPlan,
        {"council": agadir, "start_year": 2025},
        end_year=2027,
        title_ar="خطة عمل الحكومة المنفتحة لجماعة أكادير 2025-2027",
        title_fr="Plan d'action de gouvernement ouvert de la commune d'Agadir 2025-2027",
        introduction_ar="خطة معتمدة بعد التشاور مع ساكنة الأحياء وجمعياتها.",
        introduction_fr="Un plan adopté après concertation avec les habitants des quartiers et "
        "leurs associations.",
        stage=Stage.ADOPTED,
        consultation_opens_on=D(2025, 3, 1),
        consultation_closes_on=D(2025, 3, 31),
    )
    loader.stage_history(
        plan,
        [
            (Stage.PREPARATION, Stage.CONSULTATION, D(2025, 3, 1)),
            (Stage.CONSULTATION, Stage.ADOPTED, D(2025, 4, 24)),
        ],
    )
    workshop = loader.ensure(
        Workshop,
        {"council": agadir, "plan": plan, "kind": Workshop.Kind.CO_CREATION},
        starts_on=D(2025, 1, 25),
        title_ar="ورشة الإعداد المشترك لجماعة أكادير",
        title_fr="Atelier de co-création de la commune d'Agadir",
        venue_ar="قصر البلدية",
        venue_fr="Hôtel de ville",
        city_ar="أكادير",
        city_fr="Agadir",
        summary_ar="ورشة مع جمعيات الأحياء حول الخدمات الجماعية والشفافية.",
        summary_fr="Un atelier avec les associations de quartier sur les services communaux et "
        "la transparence.",
        participants_civil_society=25,
        participants_elected_members=8,
        participants_citizens=15,
        participants_women=22,
        participants_men=26,
    )
    loader.groups(
        workshop,
        themes,
        [
            (
                "transparency-digital",
                "الشفافية والخدمات الرقمية",
                "Transparence et services numériques",
                "",
                [
                    (
                        Kind.PROPOSAL,
                        "تتبع الطلبات الإدارية عبر الإنترنت",
                        "Suivre ses demandes administratives en ligne",
                        PStatus.RETAINED,
                        "",
                        "",
                    ),
                    (
                        Kind.PROPOSAL,
                        "تطبيق للتبليغ عن أعطاب الإنارة العمومية",
                        "Une application pour signaler les pannes d'éclairage public",
                        PStatus.NOT_RETAINED,
                        "يوفر المفوض له تدبير الإنارة رقما أخضر؛ سينشر على البوابة.",
                        "Le délégataire de l'éclairage dispose d'un numéro vert ; il sera publié "
                        "sur le portail.",
                    ),
                ],
            ),
        ],
    )
    loader.commitment(
        plan,
        "AGA-2025-01",
        themes["transparency-digital"],
        {
            "title_ar": "تتبع الطلبات الإدارية عبر الإنترنت",
            "title_fr": "Le suivi en ligne des demandes administratives",
            "problem_ar": "يتنقل المرتفقون عدة مرات لمعرفة مآل طلباتهم.",
            "problem_fr": "Les usagers se déplacent plusieurs fois pour connaître la suite de "
            "leurs demandes.",
            "description_ar": "رقم تتبع لكل طلب وصفحة تعرض مراحله وآجاله.",
            "description_fr": "Un numéro de suivi pour chaque demande et une page qui en montre "
            "les étapes et les délais.",
            "lead_agency_ar": "جماعة أكادير",
            "lead_agency_fr": "Commune d'Agadir",
            "transparency": True,
            "technology_innovation": True,
            "start_date": D(2025, 6, 1),
            "end_date": D(2027, 6, 30),
        },
        sources=["Suivre ses demandes administratives en ligne"],
        milestones=[
            (
                "رقمنة سجل الطلبات",
                "Numériser le registre des demandes",
                D(2025, 6, 1),
                D(2026, 6, 30),
                MStatus.IN_PROGRESS,
                None,
            ),
        ],
        indicators=[
            (
                "نسبة الطلبات المتتبعة عبر الإنترنت",
                "Part des demandes suivies en ligne",
                "%",
                "%",
                0,
                80,
                None,
                None,
            ),
        ],
    )


def kenitra(loader: Loader, rabat_sale_kenitra: Council) -> None:
    kenitra = loader.ensure(
        Council,
        {"slug": "kenitra"},
        kind=Council.Kind.COMMUNE,
        code="KEN",
        name_ar="جماعة القنيطرة",
        name_fr="Commune de Kénitra",
        parent=rabat_sale_kenitra,
        in_network_since=D(2025, 1, 1),
    )
    loader.ensure(
        ActionPlan,
        {"council": kenitra, "start_year": 2026},
        end_year=2028,
        title_ar="خطة عمل الحكومة المنفتحة لجماعة القنيطرة 2026-2028",
        title_fr="Plan d'action de gouvernement ouvert de la commune de Kénitra 2026-2028",
        stage=Stage.PREPARATION,
    )

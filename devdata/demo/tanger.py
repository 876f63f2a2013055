"""Tanger-Tetouan-Al Hoceima: its first plan 2021-2023 and its co-created plan 2024-2026, with
the Al Hoceima consultation of 6 January 2024 and its five working groups."""

from __future__ import annotations

from commitments.models import Commitment
from consultations.models import ActionPlan, Council, CouncilProgramme, Workshop

from .loader import NOT_RETAINED_BUDGET, D, Kind, Loader, MStatus, PStatus, Stage
from .tanger_commitments import second_plan_commitments


def tanger_tetouan_al_hoceima(loader: Loader, tta: Council, themes) -> None:
    # The region's development programme, which its second plan's commitments serve.
    loader.ensure(
        CouncilProgramme,
        {"council": tta, "kind": CouncilProgramme.Kind.PDR, "start_year": 2022},
        end_year=2027,
        title_ar="برنامج التنمية الجهوية لجهة طنجة تطوان الحسيمة",
        title_fr="Programme de développement régional de Tanger-Tétouan-Al Hoceima",
    )
    first = _first_plan(loader, tta, themes)
    plan = _second_plan(loader, tta, themes, first)
    second_plan_commitments(loader, plan, themes)


def _first_plan(loader: Loader, tta: Council, themes) -> ActionPlan:
    """The first plan, 2021-2023, entered as it was while running (load_demo closes it)."""
    first = loader.ensure(
        ActionPlan,
        {"council": tta, "start_year": 2021},
        end_year=2023,
        title_ar="خطة العمل الأولى للحكومة المنفتحة لجهة طنجة تطوان الحسيمة 2021-2023",
        title_fr="Premier plan d'action de gouvernement ouvert de la région Tanger-Tétouan-Al "
        "Hoceima 2021-2023",
        introduction_fr="Le premier plan d'action de la région dans le cadre d'OGP Local.",
        introduction_ar="أول خطة عمل للجهة في إطار مبادرة شراكة الحكومة المنفتحة المحلية.",
        # A plan that ended is entered as it was while running; load_demo closes it last.
        stage=Stage.IMPLEMENTATION,
    )
    # Its closure is recorded by load_demo once its records are in (follow_up.py).
    loader.stage_history(
        first,
        [
            (Stage.PREPARATION, Stage.CONSULTATION, D(2021, 1, 11)),
            (Stage.CONSULTATION, Stage.ADOPTED, D(2021, 2, 26)),
            (Stage.ADOPTED, Stage.IMPLEMENTATION, D(2021, 3, 1)),
        ],
    )
    loader.commitment(
        first,
        "TTA-2021-01",
        themes["access-information"],
        {
            "title_ar": "بوابة إلكترونية للحق في الحصول على المعلومات",
            "title_fr": "Un portail du droit d'accès à l'information",
            "problem_fr": "Les demandes d'information arrivent sur papier et restent souvent "
            "sans suite.",
            "problem_ar": "تصل طلبات الحصول على المعلومات ورقيا وكثيرا ما تبقى دون رد.",
            "description_fr": "Mettre en ligne un guichet de demandes avec suivi des délais.",
            "description_ar": "إحداث شباك إلكتروني للطلبات مع تتبع آجال الرد.",
            "lead_agency_ar": "مجلس جهة طنجة تطوان الحسيمة",
            "lead_agency_fr": "Conseil de la région Tanger-Tétouan-Al Hoceima",
            "transparency": True,
            "technology_innovation": True,
            "start_date": D(2021, 3, 1),
            "end_date": D(2023, 6, 30),
            # Dated in months, as OGP's documents date commitments ("2021-03 → 2023-06").
            "start_date_precision": "month",
            "end_date_precision": "month",
            "status": Commitment.Status.COMPLETED,
        },
        milestones=[
            (
                "تعيين الأشخاص المكلفين بالمعلومات",
                "Désigner les personnes chargées de l'information",
                D(2021, 3, 1),
                D(2021, 9, 30),
                MStatus.COMPLETED,
                D(2021, 9, 15),
            ),
            (
                "إطلاق البوابة",
                "Mettre le portail en service",
                D(2021, 10, 1),
                D(2022, 12, 31),
                MStatus.COMPLETED,
                D(2022, 11, 2),
            ),
        ],
    )
    return first


def _second_plan(loader: Loader, tta: Council, themes, first: ActionPlan) -> ActionPlan:
    """The co-created plan 2024-2026: the Al Hoceima consultation, its working groups and
    their proposals."""
    plan = loader.ensure(
        ActionPlan,
        {"council": tta, "start_year": 2024},
        end_year=2026,
        title_ar="خطة العمل الثانية للحكومة المنفتحة لجهة طنجة تطوان الحسيمة 2024-2026",
        title_fr="Deuxième plan d'action de gouvernement ouvert de la région Tanger-Tétouan-Al "
        "Hoceima 2024-2026",
        introduction_ar="خطة معدة بشكل مشترك مع المجتمع المدني عبر لقاءات تشاورية ترابية، "
        "منها لقاء الحسيمة يوم 6 يناير 2024.",
        introduction_fr="Un plan co-construit avec la société civile lors de consultations "
        "territoriales, dont celle d'Al Hoceima du 6 janvier 2024.",
        stage=Stage.IMPLEMENTATION,
        consultation_opens_on=D(2024, 2, 1),
        consultation_closes_on=D(2024, 3, 15),
        predecessor=first,
    )
    loader.stage_history(
        plan,
        [
            (Stage.PREPARATION, Stage.CONSULTATION, D(2024, 2, 1)),
            (Stage.CONSULTATION, Stage.ADOPTED, D(2024, 3, 29)),
            (Stage.ADOPTED, Stage.IMPLEMENTATION, D(2024, 4, 1)),
        ],
    )
    workshop = loader.ensure(
        Workshop,
        {
            "council": tta,
            "starts_on": D(2024, 1, 6),
            "kind": Workshop.Kind.TERRITORIAL_CONSULTATION,
        },
        plan=plan,
        title_ar="لقاء تشاوري ترابي موضوعاتي بالحسيمة",
        title_fr="Consultation territoriale thématique d'Al Hoceima",
        venue_ar="المركز الجهوي للتكوين",
        venue_fr="Centre régional de formation",
        city_ar="الحسيمة",
        city_fr="Al Hoceima",
        chaired_by_ar="نائب رئيس مجلس الجهة",
        chaired_by_fr="Le vice-président du conseil de la région",
        summary_ar="شارك في اللقاء ممثل العمالة ورؤساء المصالح اللاممركزة وفعاليات المجتمع "
        "المدني والجامعيون والفاعلون الاقتصاديون وهيئات المساواة، وتوزعوا على خمس مجموعات "
        "عمل موضوعاتية.",
        summary_fr="Avec le représentant de la préfecture, les chefs des services déconcentrés, "
        "la société civile, des universitaires, des acteurs économiques et les instances de "
        "l'égalité, répartis en cinq groupes de travail thématiques.",
        participants_civil_society=38,
        participants_deconcentrated_services=14,
        participants_elected_members=6,
        participants_academics=5,
        participants_private_sector=7,
        participants_citizens=10,
        participants_other=2,
        participants_women=37,
        participants_men=45,
    )
    retained, merged, no = PStatus.RETAINED, PStatus.MERGED, PStatus.NOT_RETAINED
    loader.groups(
        workshop,
        themes,
        [
            (
                "gender-inclusion",
                "النوع الاجتماعي والإدماج الاجتماعي",
                "Genre et inclusion sociale",
                "Association Amal Al Hoceima",
                [
                    (
                        Kind.PROBLEM,
                        "ضعف تمثيلية النساء في هيئات التشاور",
                        "Faible représentation des femmes dans les instances de concertation",
                        merged,
                        "",
                        "",
                    ),
                    (
                        Kind.PROPOSAL,
                        "اعتماد مناصفة في تركيبة هيئة المساواة وتكافؤ الفرص ومقاربة النوع",
                        "Instaurer la parité dans l'instance de l'équité, de l'égalité des "
                        "chances et de l'approche genre",
                        merged,
                        "",
                        "",
                    ),
                    (
                        Kind.RECOMMENDATION,
                        "إنشاء صندوق جهوي لدعم التعاونيات النسائية",
                        "Créer un fonds régional pour les coopératives féminines",
                        no,
                        *NOT_RETAINED_BUDGET,
                    ),
                ],
            ),
            (
                "open-leadership",
                "القيادة المنفتحة والمشاركة المواطنة",
                "Leadership ouvert et participation citoyenne",
                "Réseau des associations du Rif",
                [
                    (
                        Kind.PROPOSAL,
                        "منصة رقمية للعرائض والملتمسات على المستوى الجهوي",
                        "Une plateforme numérique des pétitions régionales",
                        retained,
                        "",
                        "",
                    ),
                    (
                        Kind.SOLUTION,
                        "جلسات استماع عمومية قبل دورات المجلس",
                        "Des auditions publiques avant les sessions du conseil",
                        no,
                        "يتيح النظام الداخلي للمجلس حضور العموم للدورات؛ سيتم تعزيز نشر "
                        "جداول الأعمال بدل إحداث جلسات إضافية.",
                        "Le règlement intérieur ouvre déjà les sessions au public ; la "
                        "publication des ordres du jour sera renforcée plutôt que d'ajouter des "
                        "auditions.",
                    ),
                ],
            ),
            (
                "transparency-digital",
                "الشفافية والحكامة الرقمية للإدارة",
                "Transparence et gouvernance numérique de l'administration",
                "Direction des systèmes d'information de la région",
                [
                    (
                        Kind.PROPOSAL,
                        "نشر ميزانية الجهة ومشاريعها في شكل بيانات مفتوحة",
                        "Publier le budget et les projets de la région en données ouvertes",
                        retained,
                        "",
                        "",
                    ),
                    (
                        Kind.PROBLEM,
                        "صعوبة تتبع الصفقات العمومية للجهة",
                        "Difficile de suivre les marchés publics de la région",
                        merged,
                        "",
                        "",
                    ),
                ],
            ),
            (
                "environment-climate",
                "الحكامة البيئية والمناخية",
                "Gouvernance environnementale et climatique",
                "Association Azir pour l'environnement",
                [
                    (
                        Kind.PROPOSAL,
                        "نشر معطيات جودة مياه الشواطئ والهواء",
                        "Publier les données de qualité des eaux de baignade et de l'air",
                        retained,
                        "",
                        "",
                    ),
                    (
                        Kind.RECOMMENDATION,
                        "لجنة مواطنة لتتبع برنامج التكيف مع التغيرات المناخية",
                        "Un comité citoyen de suivi du programme d'adaptation au climat",
                        merged,
                        "",
                        "",
                    ),
                ],
            ),
            (
                "economic-empowerment",
                "التمكين الاقتصادي",
                "Autonomisation économique",
                "Chambre de commerce, d'industrie et de services",
                [
                    (
                        Kind.PROPOSAL,
                        "شباك موحد لمواكبة حاملي المشاريع الشباب",
                        "Un guichet unique d'accompagnement des jeunes porteurs de projets",
                        no,
                        "يغطي المركز الجهوي للاستثمار هذه الخدمة؛ سيتم إدراج معلوماته في البوابة.",
                        "Le centre régional d'investissement assure ce service ; ses "
                        "informations seront reprises sur le portail.",
                    ),
                ],
            ),
        ],
    )
    return plan

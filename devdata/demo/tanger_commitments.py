"""The commitments of Tanger-Tetouan-Al Hoceima's plan 2024-2026, with their milestones and
indicators."""

from __future__ import annotations

from commitments.models import ChallengeArea, Commitment
from consultations.models import ActionPlan

from .loader import D, Loader, MStatus


def second_plan_commitments(loader: Loader, plan: ActionPlan, themes) -> None:
    programmes = {p.kind: p for p in plan.council.programmes.all()}
    loader.commitment(
        plan,
        "TTA-2024-01",
        themes["transparency-digital"],
        {
            "title_ar": "ميزانية وصفقات الجهة في شكل بيانات مفتوحة",
            "title_fr": "Le budget et les marchés de la région en données ouvertes",
            "problem_ar": "لا تنشر معطيات الميزانية والصفقات إلا في وثائق يصعب استعمالها.",
            "problem_fr": "Les données du budget et des marchés ne paraissent que dans des "
            "documents difficiles à exploiter.",
            "status_quo_fr": "Le budget est publié en PDF une fois par an.",
            "status_quo_ar": "تنشر الميزانية بصيغة PDF مرة في السنة.",
            "description_ar": "نشر الميزانية وتنفيذها والصفقات العمومية كل ثلاثة أشهر في "
            "شكل بيانات مفتوحة مع دليل مبسط للمواطنين.",
            "description_fr": "Publier chaque trimestre le budget, son exécution et les marchés "
            "publics en données ouvertes, avec un guide citoyen.",
            "ogp_relevance_fr": "Transparence : des données budgétaires réutilisables ; "
            "redevabilité : le suivi des marchés par les citoyens.",
            "lead_agency_ar": "مديرية الشؤون المالية بالجهة",
            "lead_agency_fr": "Direction des affaires financières de la région",
            "partners_fr": "Trésorerie régionale ; associations de la société civile",
            "partners_ar": "الخزينة الجهوية؛ جمعيات المجتمع المدني",
            "ogp_relevance_ar": "الشفافية: معطيات ميزانياتية قابلة لإعادة الاستعمال؛ المساءلة: "
            "تتبع المواطنين للصفقات.",
            "transparency": True,
            "accountability": True,
            "technology_innovation": True,
            "start_date": D(2024, 4, 1),
            "end_date": D(2026, 6, 30),
            "status": Commitment.Status.ONGOING,
            # OGP's own fields and the links (illustrative, like the commitment).
            "contribution_fr": "Des données publiées à date fixe, dans un format réutilisable, "
            "permettent aux citoyens et aux journalistes de suivre la dépense et les marchés "
            "sans avoir à en faire la demande.",
            "contribution_ar": "تمكن المعطيات المنشورة في آجال محددة وبصيغة قابلة لإعادة "
            "الاستعمال المواطنين والصحفيين من تتبع النفقات والصفقات دون الحاجة إلى طلبها.",
            "long_term_goal_fr": "Des finances régionales que chacun peut lire et contrôler.",
            "long_term_goal_ar": "مالية جهوية يستطيع كل مواطن قراءتها ومراقبتها.",
            "challenge_area": ChallengeArea.FISCAL_OPENNESS,
            "policy_area": "Open Data, Fiscal Openness, Public Procurement",
            "sector": "Public Services (general)",
            "sdgs": [16, 17],
            "programme": programmes.get("pdr"),
            "programme_reference": "Axe 6 : Gouvernance et modernisation de l'administration",
        },
        sources=[
            "Publier le budget et les projets de la région en données ouvertes",
            "Difficile de suivre les marchés publics de la région",
        ],
        milestones=[
            (
                "اعتماد معيار نشر البيانات",
                "Adopter le standard de publication des données",
                D(2024, 4, 1),
                D(2024, 9, 30),
                MStatus.COMPLETED,
                D(2024, 9, 20),
                ("مديرية الشؤون المالية", "Direction des affaires financières"),
            ),
            (
                "نشر أول مجموعة بيانات للميزانية",
                "Publier le premier jeu de données budgétaires",
                D(2024, 10, 1),
                D(2025, 3, 31),
                MStatus.COMPLETED,
                D(2025, 4, 10),
                ("مصلحة نظم المعلومات", "Service des systèmes d'information"),
            ),
            (
                "نشر الصفقات العمومية كل ثلاثة أشهر",
                "Publier les marchés publics chaque trimestre",
                D(2025, 4, 1),
                D(2026, 6, 30),
                MStatus.IN_PROGRESS,
                None,
            ),
        ],
        indicators=[
            (
                "مجموعات البيانات المنشورة",
                "Jeux de données publiés",
                "عدد",
                "nombre",
                0,
                12,
                5,
                D(2025, 12, 31),
            ),
        ],
    )
    loader.commitment(
        plan,
        "TTA-2024-02",
        themes["open-leadership"],
        {
            "title_ar": "منصة جهوية للعرائض والمشاركة المواطنة",
            "title_fr": "Une plateforme régionale des pétitions et de la participation",
            "problem_fr": "Le droit de pétition reconnu par la loi organique 111-14 reste peu "
            "utilisé faute d'outil simple.",
            "problem_ar": "يبقى حق تقديم العرائض المنصوص عليه في القانون التنظيمي 111-14 "
            "قليل الاستعمال لغياب أداة بسيطة.",
            "description_fr": "Ouvrir une plateforme de dépôt et de suivi des pétitions, avec "
            "des délais de réponse publiés.",
            "description_ar": "إطلاق منصة لإيداع العرائض وتتبعها مع نشر آجال الرد.",
            "lead_agency_ar": "مجلس الجهة",
            "lead_agency_fr": "Conseil de la région",
            "participation": True,
            "technology_innovation": True,
            "start_date": D(2024, 6, 1),
            "end_date": D(2026, 12, 31),
            "status": Commitment.Status.ONGOING,
            "challenge_area": ChallengeArea.PUBLIC_PARTICIPATION,
            "policy_area": "Public Participation, E-Petitions",
            "sdgs": [16],
            "programme": programmes.get("pdr"),
        },
        sources=["Une plateforme numérique des pétitions régionales"],
        milestones=[
            (
                "دراسة الحاجيات مع الجمعيات",
                "Étude des besoins avec les associations",
                D(2024, 6, 1),
                D(2024, 12, 31),
                MStatus.COMPLETED,
                D(2024, 12, 18),
            ),
            (
                "إطلاق المنصة",
                "Mise en service de la plateforme",
                D(2025, 1, 1),
                D(2025, 10, 31),
                MStatus.IN_PROGRESS,
                None,
            ),
        ],
        indicators=[
            (
                "العرائض المودعة عبر المنصة",
                "Pétitions déposées sur la plateforme",
                "عدد",
                "nombre",
                0,
                20,
                None,
                None,
            ),
        ],
    )
    loader.commitment(
        plan,
        "TTA-2024-03",
        themes["gender-inclusion"],
        {
            "title_ar": "مناصفة فعلية في هيئات التشاور الجهوية",
            "title_fr": "Une parité effective dans les instances consultatives régionales",
            "problem_fr": "Les femmes restent minoritaires dans les instances de concertation.",
            "problem_ar": "تبقى النساء أقلية في هيئات التشاور.",
            "description_fr": "Réviser la composition des instances et publier chaque année "
            "leur bilan de participation par sexe.",
            "description_ar": "مراجعة تركيبة الهيئات ونشر حصيلة المشاركة حسب الجنس سنويا.",
            "lead_agency_ar": "هيئة المساواة وتكافؤ الفرص ومقاربة النوع",
            "lead_agency_fr": "Instance de l'équité, de l'égalité des chances et de l'approche "
            "genre",
            "participation": True,
            "accountability": True,
            "start_date": D(2024, 5, 1),
            "end_date": D(2025, 12, 31),
            "status": Commitment.Status.ONGOING,
        },
        sources=[
            "Faible représentation des femmes dans les instances de concertation",
            "Instaurer la parité dans l'instance de l'équité, de l'égalité des chances et de "
            "l'approche genre",
        ],
        milestones=[
            (
                "مراجعة النظام الداخلي للهيئات",
                "Réviser le règlement des instances",
                D(2024, 5, 1),
                D(2025, 6, 30),
                MStatus.IN_PROGRESS,
                None,
            ),
        ],
        indicators=[
            (
                "نسبة النساء في الهيئات",
                "Part des femmes dans les instances",
                "%",
                "%",
                28,
                50,
                36,
                D(2025, 6, 30),
            ),
        ],
    )
    loader.commitment(
        plan,
        "TTA-2024-04",
        themes["environment-climate"],
        {
            "title_ar": "معطيات بيئية مفتوحة ولجنة مواطنة للتتبع",
            "title_fr": "Des données environnementales ouvertes et un comité citoyen de suivi",
            "problem_fr": "Les mesures de qualité de l'eau et de l'air ne sont pas publiées.",
            "problem_ar": "لا تنشر قياسات جودة الماء والهواء.",
            "description_fr": "Publier les mesures disponibles et réunir un comité citoyen deux "
            "fois par an.",
            "description_ar": "نشر القياسات المتوفرة وعقد لجنة مواطنة مرتين في السنة.",
            "lead_agency_ar": "المديرية الجهوية للبيئة",
            "lead_agency_fr": "Direction régionale de l'environnement",
            "transparency": True,
            "participation": True,
            "start_date": D(2025, 1, 1),
            "end_date": D(2026, 12, 31),
            "status": Commitment.Status.NOT_STARTED,
        },
        sources=[
            "Publier les données de qualité des eaux de baignade et de l'air",
            "Un comité citoyen de suivi du programme d'adaptation au climat",
        ],
        milestones=[
            (
                "أول اجتماع للجنة المواطنة",
                "Première réunion du comité citoyen",
                D(2025, 3, 1),
                D(2025, 9, 30),
                MStatus.NOT_STARTED,
                None,
            ),
        ],
        indicators=[
            (
                "المحطات المنشورة معطياتها",
                "Stations dont les mesures sont publiées",
                "عدد",
                "nombre",
                0,
                15,
                None,
                None,
            ),
        ],
    )

"""The commune of Tétouan and its OGP Local plan 2022-2026, with two of its real commitments
as OGP publishes them (MATET0003 and MATET0011, from OGP's commitment pages): identifiers,
addresses, dates (months, entered as the month's first and last days), lead agencies,
institutions involved, OGP values, policy area and sector. OGP's pages are in English: the
French and Arabic texts here are translations of them, cut where OGP's page is cut. What is
illustrative: the dates of the plan's stages (its consultation was held in October 2022), the
milestones (OGP's pages list none), the goals and the programme the commitments are linked to,
and their status. The plan is entered as a coordinator enters a plan adopted outside the
portal: commitments first, then its stages recorded with their dates."""

from __future__ import annotations

from commitments.models import Commitment
from commitments.plan_record import plan_record_stages
from consultations.models import ActionPlan, Council, CouncilProgramme

from .loader import D, Loader, MStatus, Stage

# The commitments' addresses exactly as OGP's pages give them (MATET0011's without www).
MEMBER = "opengovpartnership.org/members/t%C3%A9touan-(municipality)-morocco"
MATET0003_URL = f"https://www.{MEMBER}/commitments/matet0003/"
MATET0011_URL = f"https://{MEMBER}/commitments/matet0011"


def tetouan(loader: Loader, tta: Council, themes) -> None:
    commune = loader.ensure(
        Council,
        {"slug": "tetouan"},
        kind=Council.Kind.COMMUNE,
        code="TET",
        name_ar="جماعة تطوان",
        name_fr="Commune de Tétouan",
        parent=tta,
        in_network_since=D(2022, 1, 1),
    )
    pac = loader.ensure(
        CouncilProgramme,
        {"council": commune, "kind": CouncilProgramme.Kind.PAC, "start_year": 2022},
        end_year=2027,
        title_ar="برنامج عمل جماعة تطوان",
        title_fr="Programme d'action de la commune de Tétouan",
    )
    plan = loader.ensure(
        ActionPlan,
        {"council": commune, "start_year": 2022},
        end_year=2026,
        title_ar="خطة عمل الحكومة المنفتحة لجماعة تطوان 2022-2026",
        title_fr="Plan d'action de gouvernement ouvert de la commune de Tétouan 2022-2026",
    )
    _proactive_publication(loader, plan, themes, pac)
    _civic_spaces(loader, plan, themes, pac)
    if plan.stage == Stage.PREPARATION:
        # Entered as a coordinator enters a plan adopted outside the portal: its commitments
        # first, then its real stages recorded with their dates (commitments.plan_record).
        plan_record_stages(
            plan=plan,
            to_stage=Stage.IMPLEMENTATION,
            by=None,
            consultation_opens_on=D(2022, 10, 3),
            consultation_closes_on=D(2022, 10, 31),
            adopted_on=D(2022, 12, 15),
            implementation_started_on=D(2023, 1, 2),
            today=loader.today,
        )


def _proactive_publication(loader: Loader, plan: ActionPlan, themes, pac) -> None:
    loader.commitment(
        plan,
        "TET-2022-03",
        themes["access-information"],
        {
            "ogp_id": "MATET0003",
            "ogp_url": MATET0003_URL,
            "title_fr": "Publication proactive des informations relatives à la gestion et aux "
            "services communaux",
            "title_ar": "النشر الاستباقي للمعلومات المتعلقة بالتدبير الجماعي والخدمات الجماعية",
            "problem_fr": "La commune produit une grande quantité d'informations variées sur la "
            "gestion des affaires communales ; ces informations à caractère public restent "
            "inaccessibles aux citoyens en raison de la multitude des services qui les "
            "produisent, de leur typologie diverse et de l'absence de documents de synthèse "
            "destinés aux citoyens.",
            "problem_ar": "تنتج الجماعة كمية كبيرة ومتنوعة من المعلومات المتعلقة بتدبير الشؤون "
            "الجماعية، وتبقى هذه المعلومات ذات الطابع العام غير متاحة للمواطنين بسبب تعدد "
            "المصالح المنتجة لها وتنوع أصنافها وعدم إنتاج وثائق تركيبية موجهة للمواطنين.",
            "status_quo_fr": "Bien que les documents de gestion financière, la monographie et "
            "le programme d'action de la commune (PAC) soient publiés en ligne, la commune "
            "continue de recevoir des demandes sur le PAC, la monographie et les états "
            "comptables, signe d'un manque de formes et d'outils de publication proactive.",
            "status_quo_ar": "رغم نشر وثائق التدبير المالي والمونوغرافيا وبرنامج عمل الجماعة "
            "على الإنترنت، لا تزال الجماعة تتلقى طلبات بشأن برنامج العمل والمونوغرافيا "
            "والقوائم المحاسبية، مما يدل على نقص في أشكال وأدوات النشر الاستباقي.",
            "description_fr": "Dans le cadre de la loi 31-13 relative au droit d'accès à "
            "l'information, et notamment de son article 10 sur la publication proactive, la "
            "commune refond son portail web pour y consacrer une page à la publication "
            "proactive des documents de gestion et des procédures administratives. Cette "
            "plateforme sera appuyée par une structure physique d'accès à l'information : le "
            "«\u00a0bureau du citoyen\u00a0».",
            "description_ar": "في إطار تنفيذ مقتضيات القانون 31-13 المتعلق بالحق في الحصول "
            "على المعلومات، ولا سيما مادته العاشرة المتعلقة بالنشر الاستباقي، تعمل الجماعة "
            "على إعادة هيكلة بوابتها الإلكترونية لتخصيص صفحة للنشر الاستباقي لوثائق التدبير "
            "والمساطر الإدارية، تدعمها بنية مادية للحصول على المعلومات: «مكتب المواطن».",
            "lead_agency_fr": "Direction générale des services",
            "lead_agency_ar": "المديرية العامة للمصالح",
            "partners_fr": "Direction générale des services\u00a0; service de la communication",
            "partners_ar": "المديرية العامة للمصالح؛ مصلحة التواصل",
            "transparency": True,
            "policy_area": "Open Data, Right to Information",
            "sector": "Public Services (general), Other/NA",
            "start_date": D(2023, 1, 1),
            "end_date": D(2024, 3, 31),
            "status": Commitment.Status.ONGOING,
            "sdgs": [16],
            "programme": pac,
        },
        milestones=[
            (
                "تخصيص صفحة للنشر الاستباقي في البوابة الإلكترونية للجماعة",
                "Consacrer une page du portail de la commune à la publication proactive",
                D(2023, 1, 1),
                D(2023, 9, 30),
                MStatus.COMPLETED,
                D(2023, 9, 28),
                ("مصلحة التواصل", "Service de la communication"),
            ),
            (
                "فتح مكتب المواطن",
                "Ouvrir le bureau du citoyen",
                D(2023, 10, 1),
                D(2024, 3, 31),
                MStatus.IN_PROGRESS,
                None,
                ("المديرية العامة للمصالح", "Direction générale des services"),
            ),
        ],
    )


def _civic_spaces(loader: Loader, plan: ActionPlan, themes, pac) -> None:
    loader.commitment(
        plan,
        "TET-2022-11",
        themes["participatory-democracy"],
        {
            "ogp_id": "MATET0011",
            "ogp_url": MATET0011_URL,
            "title_fr": "Des espaces civiques pour des plans d'action thématiques",
            "title_ar": "فضاءات مدنية لخطط عمل موضوعاتية",
            "problem_fr": "La loi organique 113-14 relative aux communes permet de créer des "
            "instances consultatives composées de représentants de la société civile, mais "
            "leur rôle se limite à des missions consultatives (avis, études, recommandations). "
            "Le programme d'action de la commune, document de référence de l'investissement "
            "local, présenté comme un programme d'investissement, laisse dans l'ombre le genre, "
            "l'inclusion et la gouvernance.",
            "problem_ar": "يسمح القانون التنظيمي 113-14 المتعلق بالجماعات بإحداث هيئات "
            "استشارية تضم ممثلين عن المجتمع المدني، غير أن دورها يقتصر على مهام استشارية "
            "(آراء ودراسات وتوصيات). أما برنامج عمل الجماعة، وهو الوثيقة المرجعية للاستثمار "
            "في التنمية المحلية، فيحجب بنيته كبرنامج استثماري قضايا النوع والإدماج والحكامة.",
            "status_quo_fr": "Le programme d'action de la commune est peu explicite sur les "
            "politiques locales de genre, d'inclusion, de culture ou de développement durable, "
            "alors que son élaboration doit intégrer l'approche genre et la dimension "
            "environnementale.",
            "status_quo_ar": "لا يفصح برنامج عمل الجماعة بما يكفي عن السياسات المحلية في "
            "مجالات النوع والإدماج والثقافة والتنمية المستدامة، مع أن إعداده يجب أن يدمج "
            "مقاربة النوع والبعد البيئي.",
            # OGP's page cuts this text short: it stops here too.
            "description_fr": "Coproduire des plans d'action thématiques (genre, inclusion "
            "sociale, ODD, jeunesse, enfance, culture et patrimoine) en créant des instances "
            "consultatives chargées de fixer des orientations générales et de proposer des "
            "actions adaptées…",
            "description_ar": "إعداد خطط عمل موضوعاتية بشكل مشترك (النوع، الإدماج الاجتماعي، "
            "أهداف التنمية المستدامة، الشباب، الطفولة، الثقافة والتراث) عبر إحداث هيئات "
            "استشارية تتولى وضع توجهات عامة واقتراح أعمال ملائمة…",
            "lead_agency_fr": "Service des relations associatives et de la solidarité sociale",
            "lead_agency_ar": "قسم العلاقات مع الجمعيات والتضامن الاجتماعي",
            "partners_fr": "Instance consultative de l'équité, de l'égalité des chances et de "
            "l'approche genre",
            "partners_ar": "هيئة المساواة وتكافؤ الفرص ومقاربة النوع",
            "participation": True,
            "start_date": D(2022, 11, 1),
            "end_date": D(2024, 3, 31),
            "status": Commitment.Status.ONGOING,
            "sdgs": [5, 10, 16],
            "programme": pac,
            "programme_reference": "Volet «\u00a0approche genre et inclusion\u00a0»",
        },
        milestones=[
            (
                "إحداث الهيئات الاستشارية الموضوعاتية",
                "Créer les instances consultatives thématiques",
                D(2022, 11, 1),
                D(2023, 6, 30),
                MStatus.COMPLETED,
                D(2023, 6, 15),
                (
                    "قسم العلاقات مع الجمعيات والتضامن الاجتماعي",
                    "Service des relations associatives et de la solidarité sociale",
                ),
            ),
            (
                "إعداد خطط العمل الموضوعاتية بشكل مشترك",
                "Coproduire les plans d'action thématiques",
                D(2023, 7, 1),
                D(2024, 3, 31),
                MStatus.IN_PROGRESS,
                None,
                (
                    "هيئة المساواة وتكافؤ الفرص ومقاربة النوع",
                    "Instance consultative de l'équité, de l'égalité des chances et de "
                    "l'approche genre",
                ),
            ),
        ],
    )

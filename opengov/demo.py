"""Demo data drawn from real events of the Moroccan network of open territorial collectivities.

What is real: the 12 regions (fixture consultations/fixtures/regions.json); Tanger-Tétouan-Al
Hoceima's first plan 2021-2023 and its co-created plan 2024-2026; the Al Hoceima consultation of
6 January 2024 at the Regional Training Centre, chaired by the region's vice-president, with its
five working groups; the Oriental region's co-creation of its 2025-2027 plan with its four groups;
the network meeting of Saïdia, 12-13 November 2024 (about 350 people), four parallel workshops.
What is illustrative: the proposals, commitments, milestones, indicators and attendance breakdowns,
written to look like the real thing; the communes of Agadir and Kénitra are given an adopted plan
and a plan in preparation.

`load_demo()` is idempotent: an object that exists (found by its natural key) is left as it is,
so a second run changes nothing and never overwrites what someone edited. Every object is
validated with full_clean() before it is saved, like an admin form would."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from pathlib import Path

from django.db import models, transaction
from django.utils import timezone

from commitments.models import (
    Comment,
    Commitment,
    CommitmentAssessment,
    CompletionLevel,
    Indicator,
    IndicatorValue,
    Milestone,
    MilestoneUpdate,
    OpenedGovernment,
    PlanSelfAssessment,
)
from consultations.models import (
    ActionPlan,
    Council,
    PlanStageChange,
    Proposal,
    Theme,
    WorkingGroup,
    Workshop,
)

REGIONS_FIXTURE = Path(__file__).resolve().parent.parent / "consultations/fixtures/regions.json"

Stage = ActionPlan.Stage
PStatus = Proposal.Status
Kind = Proposal.Kind
MStatus = Milestone.Status
D = datetime.date


class Loader:
    def __init__(self, today: datetime.date):
        self.today = today
        self.created: Counter[str] = Counter()

    def ensure(self, model: type[models.Model], lookup: dict, **values) -> models.Model:
        """The object matching `lookup`, created (validated) from lookup + values if missing."""
        obj = model.objects.filter(**lookup).first()
        if obj is not None:
            return obj
        m2m = {k: values.pop(k) for k in list(values) if k in {"source_proposals"}}
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        for name, related in m2m.items():
            getattr(obj, name).set(related)
        self.created[model._meta.verbose_name_plural] += 1
        return obj

    # --- reference data -------------------------------------------------------------------

    def regions(self) -> dict[str, Council]:
        regions = {}
        for row in json.loads(REGIONS_FIXTURE.read_text(encoding="utf-8")):
            fields = dict(row["fields"])
            slug = fields.pop("slug")
            for name in ("parent", "created_at", "updated_at"):
                fields.pop(name, None)
            regions[slug] = self.ensure(Council, {"slug": slug}, **fields)
        return regions

    def themes(self) -> dict[str, Theme]:
        rows = [
            (
                "gender-inclusion",
                "النوع الاجتماعي والإدماج الاجتماعي",
                "Genre et inclusion sociale",
            ),
            (
                "open-leadership",
                "القيادة المنفتحة والمشاركة المواطنة",
                "Leadership ouvert et participation citoyenne",
            ),
            (
                "transparency-digital",
                "الشفافية والحكامة الرقمية للإدارة",
                "Transparence et gouvernance numérique de l'administration",
            ),
            (
                "environment-climate",
                "الحكامة البيئية والمناخية",
                "Gouvernance environnementale et climatique",
            ),
            ("economic-empowerment", "التمكين الاقتصادي", "Autonomisation économique"),
            (
                "participatory-democracy",
                "الديمقراطية التشاركية وآليات الحوار",
                "Démocratie participative et mécanismes de dialogue",
            ),
            (
                "migration",
                "إدماج الهجرة في التنمية",
                "Intégration de la migration dans le développement",
            ),
            (
                "access-information",
                "الولوج الرقمي إلى المعلومات",
                "Accès numérique à l'information",
            ),
            ("communication", "التواصل من أجل الانفتاح", "Communication pour l'ouverture"),
            (
                "projects-indicators",
                "تصميم المشاريع ومؤشرات التقييم",
                "Conception de projets et indicateurs d'évaluation",
            ),
            ("networking", "التشبيك", "Mise en réseau"),
        ]
        return {
            slug: self.ensure(Theme, {"slug": slug}, name_ar=ar, name_fr=fr, position=i)
            for i, (slug, ar, fr) in enumerate(rows, start=1)
        }

    # --- helpers ---------------------------------------------------------------------------

    def stage_history(self, plan: ActionPlan, stages: list[tuple[str, str]]) -> None:
        if plan.stage_changes.exists():
            return
        for from_stage, to_stage in stages:
            PlanStageChange.objects.create(plan=plan, from_stage=from_stage, to_stage=to_stage)

    def groups(self, workshop: Workshop, themes, rows) -> list[WorkingGroup]:
        """rows: (theme slug, title_ar, title_fr, facilitator, proposals)."""
        groups = []
        for position, (theme, title_ar, title_fr, facilitator, proposals) in enumerate(rows, 1):
            group = self.ensure(
                WorkingGroup,
                {"workshop": workshop, "position": position},
                theme=themes[theme],
                title_ar=title_ar,
                title_fr=title_fr,
                facilitator=facilitator,
            )
            for kind, p_ar, p_fr, status, response_ar, response_fr in proposals:
                self.ensure(
                    Proposal,
                    {"working_group": group, "title_fr": p_fr},
                    kind=kind,
                    title_ar=p_ar,
                    body_ar=p_ar,
                    body_fr=p_fr,
                    status=status,
                    response_ar=response_ar,
                    response_fr=response_fr,
                    council=workshop.council,
                )
            groups.append(group)
        return groups

    def proposal(self, title_fr: str) -> Proposal:
        return Proposal.objects.get(title_fr=title_fr)

    def commitment(self, plan, reference, theme, texts, sources=(), milestones=(), indicators=()):
        commitment = self.ensure(
            Commitment,
            {"plan": plan, "reference": reference},
            theme=theme,
            position=int(reference.rsplit("-", 1)[1]),
            source_proposals=[self.proposal(t) for t in sources],
            **texts,
        )
        for title_ar, title_fr, start, due, status, completed_on in milestones:
            self.ensure(
                Milestone,
                {"commitment": commitment, "title_fr": title_fr},
                title_ar=title_ar,
                start_date=start,
                due_date=due,
                status=status,
                completed_on=completed_on,
            )
        for name_ar, name_fr, unit_ar, unit_fr, baseline, target, latest, latest_on in indicators:
            self.ensure(
                Indicator,
                {"commitment": commitment, "name_fr": name_fr},
                name_ar=name_ar,
                unit_ar=unit_ar,
                unit_fr=unit_fr,
                baseline=baseline,
                target=target,
                latest_value=latest,
                latest_value_on=latest_on,
            )
        return commitment


def _answer(ar: str, fr: str) -> tuple[str, str]:
    return ar, fr


NOT_RETAINED_BUDGET = _answer(
    "لا يندرج ضمن اختصاصات المجلس؛ أحيل المقترح على المصالح اللاممركزة المعنية.",
    "Ne relève pas des compétences du conseil ; la proposition a été transmise aux services "
    "déconcentrés concernés.",
)
UNDER_STUDY = _answer("", "")


@transaction.atomic
def load_demo(today: datetime.date | None = None) -> Counter[str]:
    """Load the demo data; returns how many objects of each kind were created."""
    loader = Loader(today or datetime.date.today())
    regions = loader.regions()
    themes = loader.themes()
    tta, oriental = regions["tanger-tetouan-al-hoceima"], regions["oriental"]
    _network_members(loader, regions)
    _tanger_tetouan_al_hoceima(loader, tta, themes)
    _oriental(loader, oriental, themes)
    _saidia_network_meeting(loader, oriental, themes)
    _agadir(loader, regions["souss-massa"], themes)
    _kenitra(loader, regions["rabat-sale-kenitra"])
    _follow_up(loader)
    _close_ended_plans()
    return loader.created


def _close_ended_plans() -> None:
    """Record the end of the plans that ended, once their records are in: a closed plan takes
    no new record. Its stage history is already loaded."""
    ended = ActionPlan.objects.filter(council__slug="tanger-tetouan-al-hoceima", start_year=2021)
    for plan in ended.exclude(stage=Stage.CLOSED):
        plan.stage = Stage.CLOSED
        plan.full_clean()
        plan.save(update_fields=["stage", "updated_at"])


def _follow_up(loader: Loader) -> None:
    """Dated progress entries behind the completed milestones and measured indicator values,
    the end-of-commitment assessment of the first TTA plan and a mid-term self-assessment."""
    for milestone in Milestone.objects.filter(status=MStatus.COMPLETED).select_related(
        "commitment"
    ):
        loader.ensure(
            MilestoneUpdate,
            {"milestone": milestone, "status": MStatus.COMPLETED},
            completed_on=milestone.completed_on,
            note_ar="أنجزت المحطة ونشرت نتائجها على البوابة.",
            note_fr="Jalon achevé ; ses résultats sont publiés sur le portail.",
        )
    for indicator in Indicator.objects.filter(latest_value__isnull=False):
        loader.ensure(
            IndicatorValue,
            {"indicator": indicator, "measured_on": indicator.latest_value_on},
            value=indicator.latest_value,
            source="Rapport de suivi",
        )
    first = Commitment.objects.filter(reference="TTA-2021-01").first()
    if first is not None:
        loader.ensure(
            CommitmentAssessment,
            {"commitment": first},
            what_was_done_ar="أطلقت البوابة سنة 2022 وعولجت عبرها طلبات الحصول على المعلومات.",
            what_was_done_fr="Le portail a été mis en service en 2022 et traite les demandes "
            "d'accès à l'information.",
            completion=CompletionLevel.COMPLETE,
            opened_government=OpenedGovernment.MAJOR,
        )
    running = ActionPlan.objects.filter(council__slug="tanger-tetouan-al-hoceima", start_year=2024)
    for plan in running:
        loader.ensure(
            PlanSelfAssessment,
            {"plan": plan, "kind": PlanSelfAssessment.Kind.MID_TERM},
            summary_ar="تقدم ملموس في الشفافية الميزانياتية؛ تأخر في المحطات البيئية.",
            summary_fr="Progrès nets sur la transparence budgétaire ; retard sur les jalons "
            "environnementaux.",
        )


def _network_members(loader: Loader, regions) -> None:
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


def _tanger_tetouan_al_hoceima(loader: Loader, tta: Council, themes) -> None:
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
    loader.stage_history(
        first,
        [
            (Stage.PREPARATION, Stage.CONSULTATION),
            (Stage.CONSULTATION, Stage.ADOPTED),
            (Stage.ADOPTED, Stage.IMPLEMENTATION),
            (Stage.IMPLEMENTATION, Stage.CLOSED),
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
            (Stage.PREPARATION, Stage.CONSULTATION),
            (Stage.CONSULTATION, Stage.ADOPTED),
            (Stage.ADOPTED, Stage.IMPLEMENTATION),
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
            ),
            (
                "نشر أول مجموعة بيانات للميزانية",
                "Publier le premier jeu de données budgétaires",
                D(2024, 10, 1),
                D(2025, 3, 31),
                MStatus.COMPLETED,
                D(2025, 4, 10),
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


def _oriental(loader: Loader, oriental: Council, themes) -> None:
    today = loader.today
    plan = loader.ensure(
        ActionPlan,
        {"council": oriental, "start_year": 2025},
        end_year=2027,
        title_ar="خطة عمل الحكومة المنفتحة لجهة الشرق 2025-2027",
        title_fr="Plan d'action de gouvernement ouvert de la région de l'Oriental 2025-2027",
        introduction_ar="مشروع خطة معروض للتشاور العمومي: شاركوا بآرائكم قبل اعتمادها.",
        introduction_fr="Projet de plan soumis à la consultation publique : donnez votre avis "
        "avant son adoption.",
        stage=Stage.CONSULTATION,
        consultation_opens_on=today - datetime.timedelta(days=7),
        consultation_closes_on=today + datetime.timedelta(days=30),
    )
    loader.stage_history(plan, [(Stage.PREPARATION, Stage.CONSULTATION)])
    workshop = loader.ensure(
        Workshop,
        {"council": oriental, "plan": plan, "kind": Workshop.Kind.CO_CREATION},
        starts_on=D(2025, 2, 20),
        title_ar="ورشة الإعداد المشترك لخطة عمل جهة الشرق",
        title_fr="Atelier de co-création du plan d'action de la région de l'Oriental",
        venue_ar="مقر مجلس الجهة",
        venue_fr="Siège du conseil de la région",
        city_ar="وجدة",
        city_fr="Oujda",
        summary_ar="ورشة للإعداد المشترك توزع فيها المشاركون على أربع مجموعات عمل موضوعاتية.",
        summary_fr="Un atelier de co-création où les participants se sont répartis en quatre "
        "groupes de travail thématiques.",
        participants_civil_society=30,
        participants_deconcentrated_services=12,
        participants_elected_members=5,
        participants_academics=6,
        participants_private_sector=4,
        participants_citizens=8,
        participants_women=31,
        participants_men=34,
    )
    review = PStatus.UNDER_REVIEW
    loader.groups(
        workshop,
        themes,
        [
            (
                "participatory-democracy",
                "الديمقراطية التشاركية وآليات الحوار",
                "Démocratie participative et mécanismes de dialogue",
                "",
                [
                    (
                        Kind.PROPOSAL,
                        "تفعيل هيئات التشاور الجهوية بجدول اجتماعات منشور",
                        "Faire vivre les instances consultatives avec un calendrier publié",
                        PStatus.RETAINED,
                        "",
                        "",
                    ),
                    (
                        Kind.PROBLEM,
                        "ضعف تتبع توصيات هيئات التشاور",
                        "Peu de suivi des avis des instances consultatives",
                        review,
                        "",
                        "",
                    ),
                ],
            ),
            (
                "economic-empowerment",
                "التمكين الاقتصادي للنساء في وضعية هشاشة والأشخاص في وضعية إعاقة",
                "Autonomisation économique des femmes vulnérables et des personnes en situation "
                "de handicap",
                "",
                [
                    (
                        Kind.PROPOSAL,
                        "نشر معايير الاستفادة من برامج الدعم ونتائجها",
                        "Publier les critères et les bénéficiaires des programmes d'appui",
                        PStatus.RETAINED,
                        "",
                        "",
                    ),
                ],
            ),
            (
                "migration",
                "إدماج الهجرة في التنمية",
                "Intégration de la migration dans le développement",
                "",
                [
                    (
                        Kind.RECOMMENDATION,
                        "دليل خدمات الجهة بلغات المهاجرين",
                        "Un guide des services de la région dans les langues des migrants",
                        review,
                        "",
                        "",
                    ),
                ],
            ),
            (
                "access-information",
                "الولوج الرقمي إلى المعلومات",
                "Accès numérique à l'information",
                "",
                [
                    (
                        Kind.SOLUTION,
                        "بوابة موحدة لطلبات الحصول على المعلومات",
                        "Un portail unique des demandes d'accès à l'information",
                        review,
                        "",
                        "",
                    ),
                ],
            ),
        ],
    )
    loader.commitment(
        plan,
        "ORI-2025-01",
        themes["participatory-democracy"],
        {
            "title_ar": "هيئات تشاور جهوية فاعلة ومتتبعة",
            "title_fr": "Des instances consultatives actives et suivies",
            "problem_fr": "Les instances consultatives se réunissent peu et leurs avis ne sont "
            "pas suivis.",
            "problem_ar": "تجتمع هيئات التشاور قليلا ولا تتابع آراؤها.",
            "description_fr": "Publier un calendrier annuel, les avis rendus et la réponse du "
            "conseil à chacun.",
            "description_ar": "نشر جدول سنوي والآراء الصادرة ورد المجلس على كل منها.",
            "lead_agency_ar": "مجلس جهة الشرق",
            "lead_agency_fr": "Conseil de la région de l'Oriental",
            "participation": True,
            "accountability": True,
            "start_date": D(2025, 6, 1),
            "end_date": D(2027, 6, 30),
        },
        sources=["Faire vivre les instances consultatives avec un calendrier publié"],
        milestones=[
            (
                "نشر الجدول السنوي",
                "Publier le calendrier annuel",
                D(2025, 6, 1),
                D(2026, 3, 31),
                MStatus.NOT_STARTED,
                None,
            ),
        ],
    )
    _oriental_comments(loader, plan)
    loader.commitment(
        plan,
        "ORI-2025-02",
        themes["economic-empowerment"],
        {
            "title_ar": "شفافية برامج دعم النساء والأشخاص في وضعية إعاقة",
            "title_fr": "Des programmes d'appui transparents pour les femmes et les personnes "
            "en situation de handicap",
            "problem_fr": "Les critères d'accès aux programmes d'appui sont mal connus.",
            "problem_ar": "معايير الاستفادة من برامج الدعم غير معروفة بما يكفي.",
            "lead_agency_ar": "مجلس جهة الشرق",
            "lead_agency_fr": "Conseil de la région de l'Oriental",
            "transparency": True,
            "start_date": D(2025, 9, 1),
            "end_date": D(2027, 12, 31),
        },
        sources=["Publier les critères et les bénéficiaires des programmes d'appui"],
    )


def _oriental_comments(loader: Loader, plan: ActionPlan) -> None:
    """A few published comments on the draft plan, one with the council's official reply and
    one reply between citizens (illustrative; the e-mail addresses are fake)."""
    now = timezone.now()
    commitment = Commitment.objects.filter(plan=plan, reference="ORI-2025-01").first()
    first = loader.ensure(
        Comment,
        {"plan": plan, "email": "fatima.demo@example.org"},
        author_name="فاطمة الزهراء",
        body="أقترح نشر محاضر اجتماعات هيئات التشاور على البوابة داخل أجل شهر.",
        language="ar",
        consent_at=now,
        state=Comment.State.PUBLISHED,
        confirmed_at=now,
        published_at=now,
        confirmation_sent_at=now,
        official_reply="شكرا على المقترح. ستدرج الخطة نشر المحاضر ضمن المحطة الأولى "
        "للالتزام ORI-2025-01.",
    )
    loader.ensure(
        Comment,
        {"plan": plan, "email": "youssef.demo@example.org"},
        author_name="Youssef",
        body="Très bonne initiative. Pensez aussi aux personnes qui n'ont pas accès à internet : "
        "des affichages dans les communes seraient utiles.",
        language="fr",
        consent_at=now,
        state=Comment.State.PUBLISHED,
        confirmed_at=now,
        published_at=now,
        confirmation_sent_at=now,
    )
    loader.ensure(
        Comment,
        {"plan": plan, "email": "amina.demo@example.org"},
        author_name="Amina",
        body="Je soutiens cette proposition, et les procès-verbaux devraient exister en arabe "
        "et en français.",
        language="fr",
        parent=first,
        consent_at=now,
        state=Comment.State.PUBLISHED,
        confirmed_at=now,
        published_at=now,
        confirmation_sent_at=now,
    )
    if commitment is not None:
        loader.ensure(
            Comment,
            {"plan": plan, "email": "karim.demo@example.org"},
            commitment=commitment,
            author_name="كريم",
            body="يجب أن يحدد الالتزام آجال رد المجلس على آراء الهيئات.",
            language="ar",
            consent_at=now,
            state=Comment.State.PUBLISHED,
            confirmed_at=now,
            published_at=now,
            confirmation_sent_at=now,
        )


def _saidia_network_meeting(loader: Loader, oriental: Council, themes) -> None:
    meeting = loader.ensure(
        Workshop,
        {"council": oriental, "starts_on": D(2024, 11, 12), "kind": Workshop.Kind.NETWORK_MEETING},
        ends_on=D(2024, 11, 13),
        title_ar="الملتقى الوطني لشبكة الجماعات الترابية المنفتحة",
        title_fr="Rencontre nationale du réseau des collectivités territoriales ouvertes",
        venue_ar="السعيدية",
        venue_fr="Saïdia",
        city_ar="السعيدية",
        city_fr="Saïdia",
        summary_ar="حوالي 350 مشاركا، أربع ورشات موازية ومعرض لالتزامات الجماعات الأعضاء.",
        summary_fr="Environ 350 participants, quatre ateliers parallèles et une exposition des "
        "engagements de chaque membre.",
        participants_civil_society=120,
        participants_deconcentrated_services=60,
        participants_elected_members=110,
        participants_academics=25,
        participants_private_sector=10,
        participants_other=25,
    )
    loader.groups(
        meeting,
        themes,
        [
            (
                "communication",
                "التواصل من أجل الانفتاح",
                "Communication pour l'ouverture",
                "",
                [],
            ),
            (
                "projects-indicators",
                "تصميم المشاريع ومؤشرات التقييم",
                "Conception de projets et indicateurs d'évaluation",
                "",
                [],
            ),
            (
                "participatory-democracy",
                "المشاركة المواطنة والتعاون بين الفاعلين",
                "Participation citoyenne et coopération entre acteurs",
                "",
                [],
            ),
            ("networking", "التشبيك", "Mise en réseau", "", []),
        ],
    )


def _agadir(loader: Loader, souss_massa: Council, themes) -> None:
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
        [(Stage.PREPARATION, Stage.CONSULTATION), (Stage.CONSULTATION, Stage.ADOPTED)],
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


def _kenitra(loader: Loader, rabat_sale_kenitra: Council) -> None:
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

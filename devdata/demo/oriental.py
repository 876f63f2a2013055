"""The Oriental region: the co-creation of its 2025-2027 plan with its four groups and the
comments on its draft; the network meeting of Saidia, 12-13 November 2024."""

from __future__ import annotations

import datetime

from django.utils import timezone

from commitments.models import Comment, Commitment
from consultations.models import ActionPlan, Council, Workshop

from .loader import D, Kind, Loader, MStatus, PStatus, Stage


def oriental_plan(loader: Loader, oriental: Council, themes) -> None:
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
    loader.stage_history(
        plan, [(Stage.PREPARATION, Stage.CONSULTATION, plan.consultation_opens_on)]
    )
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


def saidia_network_meeting(loader: Loader, oriental: Council, themes) -> None:
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

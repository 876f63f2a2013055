"""Benchmark of the action-plan PDF: render time and peak memory by plan size and language.

    DATABASE_URL=postgres://… SECRET_KEY=x .venv/bin/python bench/pdf_render.py [10 50 200]

Each size and language runs in its own Python process, so that its peak resident memory
(ru_maxrss) is its own. The process builds a plan of N commitments (3 milestones and 2
indicators each, every text in Arabic and French, plus a workshop with its working groups and
N proposals) inside a transaction that it rolls back: the database is left as it was. It needs
a migrated database.

Besides the elapsed time, the render's CPU time is printed ("cpu s"): on a machine shared with
other work it varies far less from run to run than the elapsed time. The labels are translated
only where the .mo catalogues are compiled (`manage.py compiletranslations`); without them the
Arabic document has English labels.
"""

import argparse
import datetime
import io
import json
import os
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = (10, 50, 200)
LANGUAGES = ("ar", "fr")

TEXT_AR = (
    "تعاني الساكنة من صعوبة الولوج إلى المعلومات المتعلقة بالميزانية والصفقات العمومية، "
    "ولا تنشر المعطيات إلا في وثائق ورقية أو بصيغة PDF يصعب إعادة استعمالها. "
    "يهدف هذا الالتزام إلى نشر المعطيات في شكل مفتوح مع دليل مبسط للمواطنين ولقاءات دورية "
    "مع جمعيات المجتمع المدني، في إطار مبادرة OGP Local لسنة 2025."
)
TEXT_FR = (
    "Les habitants accèdent difficilement aux informations sur le budget et les marchés "
    "publics, publiées seulement sur papier ou en PDF difficiles à réutiliser. "
    "Cet engagement publie ces données en format ouvert, avec un guide citoyen et des "
    "rencontres régulières avec les associations, dans le cadre d'OGP Local 2025."
)


def _rss_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opengov.settings")
    # WeasyPrint logs every layout step at INFO.
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _build_plan(size: int):
    from commitments.models import Commitment, Indicator, Milestone
    from consultations.models import ActionPlan, Council, Proposal, WorkingGroup, Workshop

    council = Council.objects.create(
        kind=Council.Kind.COMMUNE,
        slug="bench-pdf",
        code="BENCHPDF",
        name_ar="جماعة الاختبار",
        name_fr="Commune d'essai",
    )
    plan = ActionPlan.objects.create(
        council=council,
        start_year=2025,
        end_year=2027,
        title_ar=f"خطة عمل الحكومة المنفتحة لجماعة الاختبار ({size} التزاما)",
        title_fr=f"Plan d'action de gouvernement ouvert de la commune d'essai ({size} engagements)",
        introduction_ar=TEXT_AR,
        introduction_fr=TEXT_FR,
        stage=ActionPlan.Stage.ADOPTED,
    )
    workshop = Workshop.objects.create(
        council=council,
        plan=plan,
        kind=Workshop.Kind.CO_CREATION,
        starts_on=datetime.date(2025, 1, 25),
        title_ar="ورشة الإعداد المشترك",
        title_fr="Atelier de co-création",
        venue_ar="قصر البلدية",
        venue_fr="Hôtel de ville",
        city_ar="أكادير",
        city_fr="Agadir",
        summary_ar=TEXT_AR,
        summary_fr=TEXT_FR,
        participants_civil_society=30,
        participants_citizens=20,
        participants_women=24,
        participants_men=26,
    )
    groups = WorkingGroup.objects.bulk_create(
        WorkingGroup(
            workshop=workshop,
            title_ar=f"مجموعة العمل {i}",
            title_fr=f"Groupe de travail {i}",
            position=i,
        )
        for i in range(1, 6)
    )
    proposals = []
    for i in range(size):
        group = groups[i % len(groups)]
        retained = i % 3 != 0
        proposals.append(
            Proposal(
                council=council,
                plan=plan,
                workshop=workshop,
                working_group=group,
                title_ar=f"مقترح رقم {i + 1} لتحسين الشفافية",
                title_fr=f"Proposition n° {i + 1} pour plus de transparence",
                body_ar=TEXT_AR,
                body_fr=TEXT_FR,
                status=Proposal.Status.RETAINED if retained else Proposal.Status.NOT_RETAINED,
                response_ar="" if retained else "خارج اختصاصات الجماعة.",
                response_fr="" if retained else "Hors des compétences de la commune.",
            )
        )
    Proposal.objects.bulk_create(proposals)
    commitments = Commitment.objects.bulk_create(
        Commitment(
            plan=plan,
            reference=f"BEN-2025-{i:03d}",
            position=i,
            title_ar=f"الالتزام {i}: بيانات مفتوحة للميزانية والصفقات",
            title_fr=f"Engagement {i} : budget et marchés en données ouvertes",
            problem_ar=TEXT_AR,
            problem_fr=TEXT_FR,
            status_quo_ar=TEXT_AR,
            status_quo_fr=TEXT_FR,
            description_ar=TEXT_AR,
            description_fr=TEXT_FR,
            expected_results_ar=TEXT_AR,
            expected_results_fr=TEXT_FR,
            ogp_relevance_ar=TEXT_AR,
            ogp_relevance_fr=TEXT_FR,
            transparency=True,
            participation=i % 2 == 0,
            lead_agency_ar="مديرية الشؤون المالية",
            lead_agency_fr="Direction des affaires financières",
            partners_ar="جمعيات المجتمع المدني",
            partners_fr="Associations de la société civile",
            contact_name="Contact Bench",
            contact_email="bench@example.org",
            start_date=datetime.date(2025, 3, 1),
            end_date=datetime.date(2027, 6, 30),
            budget=Decimal("1250000.00"),
        )
        for i in range(1, size + 1)
    )
    Milestone.objects.bulk_create(
        Milestone(
            commitment=commitment,
            title_ar=f"المرحلة {m} من الالتزام",
            title_fr=f"Étape {m} de l'engagement",
            due_date=datetime.date(2025 + m - 1, 12, 31),
        )
        for commitment in commitments
        for m in (1, 2, 3)
    )
    Indicator.objects.bulk_create(
        Indicator(
            commitment=commitment,
            name_ar=f"المؤشر {n}",
            name_fr=f"Indicateur {n}",
            unit_ar="عدد",
            unit_fr="nombre",
            baseline=Decimal("0"),
            target=Decimal("12"),
        )
        for commitment in commitments
        for n in (1, 2)
    )
    return plan


def _page_count(data: bytes) -> int:
    try:
        from pypdf import PdfReader  # a dev dependency
    except ImportError:
        return 0
    return len(PdfReader(io.BytesIO(data)).pages)


def run_one(size: int, language: str) -> dict:
    """Build the plan, render it once in `language`, roll back; the figures as a dict."""
    _setup_django()
    from django.db import transaction

    from commitments.publishing.pdf import render_plan_pdf

    with transaction.atomic():
        plan = _build_plan(size)
        rss_before = _rss_mib()
        started = time.perf_counter()
        cpu_started = time.process_time()
        data = render_plan_pdf(
            plan,
            language,
            version=1,
            published_on=datetime.date(2025, 4, 1),
            public_url=f"https://infitah.example.ma/{language}/plans/bench-pdf/2025/",
        )
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        transaction.set_rollback(True)
    peak = _rss_mib()
    return {
        "size": size,
        "language": language,
        "seconds": round(elapsed, 2),
        "cpu_seconds": round(cpu, 2),
        "pages": _page_count(data),
        "kib": len(data) // 1024,
        "peak_rss_mib": round(peak, 1),
        "growth_mib": round(peak - rss_before, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=list(DEFAULT_SIZES))
    parser.add_argument("--child", nargs=2, metavar=("SIZE", "LANGUAGE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(int(args.child[0]), args.child[1])))
        return

    rows = []
    for size in args.sizes:
        for language in LANGUAGES:
            completed = subprocess.run(  # noqa: S603 - our own script, same interpreter
                [sys.executable, __file__, "--child", str(size), language],
                capture_output=True,
                text=True,
                check=False,
                cwd=ROOT,
            )
            if completed.returncode != 0:
                sys.stderr.write(completed.stderr)
                raise SystemExit(f"size {size} ({language}) failed")
            rows.append(json.loads(completed.stdout.strip().splitlines()[-1]))

    header = (
        f"{'commitments':>11} {'lang':>4} {'pages':>5} {'seconds':>7} {'cpu s':>6} {'s/page':>6} "
        f"{'PDF KiB':>7} {'peak RSS MiB':>12} {'growth MiB':>10}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        per_page = row["seconds"] / row["pages"] if row["pages"] else 0
        print(
            f"{row['size']:>11} {row['language']:>4} {row['pages']:>5} {row['seconds']:>7.2f} "
            f"{row['cpu_seconds']:>6.2f} {per_page:>6.3f} {row['kib']:>7} "
            f"{row['peak_rss_mib']:>12.1f} {row['growth_mib']:>10.1f}"
        )
    print(
        "\nOne process per row. peak RSS: the process's maximum resident memory (Python, Django,"
        "\nthe plan and the render); growth: how much the render itself raised it."
    )


if __name__ == "__main__":
    main()

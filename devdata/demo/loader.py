"""The demo loader: find-or-create by natural key (validated like an admin form), the regions
and themes, and the helpers that write a plan's stage history, working groups and commitments."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from pathlib import Path

from django.db import models

from commitments.models import Commitment, Indicator, Milestone, SustainableDevelopmentGoal
from consultations.models import (
    ActionPlan,
    Council,
    PlanStageChange,
    Proposal,
    Theme,
    WorkingGroup,
    Workshop,
)

REGIONS_FIXTURE = Path(__file__).resolve().parents[2] / "consultations/fixtures/regions.json"

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
        m2m = {k: values.pop(k) for k in list(values) if k in {"source_proposals", "sdgs"}}
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

    def stage_history(self, plan: ActionPlan, stages: list[tuple[str, str, datetime.date]]) -> None:
        """The plan's past moves, (from, to, the day it happened), written as *recorded* stage
        changes with their real dates, as a coordinator recording a plan adopted outside the
        portal would (commitments.plan_record): the demo made none of them live today."""
        if plan.stage_changes.exists():
            return
        for from_stage, to_stage, happened_on in stages:
            change = PlanStageChange(
                plan=plan,
                from_stage=from_stage,
                to_stage=to_stage,
                recorded=True,
                happened_on=happened_on,
            )
            change.full_clean()
            change.save()

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
        """texts: the commitment's fields (its goals as `sdgs`: numbers). milestones: (title_ar,
        title_fr, start, due, status, completed_on[, (responsible_ar, responsible_fr)])."""
        goals = SustainableDevelopmentGoal.objects.filter(number__in=texts.pop("sdgs", ()))
        commitment = self.ensure(
            Commitment,
            {"plan": plan, "reference": reference},
            theme=theme,
            position=int(reference.rsplit("-", 1)[1]),
            source_proposals=[self.proposal(t) for t in sources],
            sdgs=list(goals),
            **texts,
        )
        for title_ar, title_fr, start, due, status, completed_on, *responsible in milestones:
            responsible_ar, responsible_fr = responsible[0] if responsible else ("", "")
            self.ensure(
                Milestone,
                {"commitment": commitment, "title_fr": title_fr},
                title_ar=title_ar,
                start_date=start,
                due_date=due,
                status=status,
                completed_on=completed_on,
                responsible_ar=responsible_ar,
                responsible_fr=responsible_fr,
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

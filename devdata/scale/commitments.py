"""Commitments of a plan with their milestones, progress entries, indicators and measured
values."""

from __future__ import annotations

import datetime
from decimal import Decimal

from commitments.models import Commitment, Milestone
from consultations.models import Council
from opengov.dates import DatePrecision, month_end, month_start

from .plans import FIRST_SLUGS, LAST_SLUGS, OVERRIDE_REASONS, PlanInfo, _day_between, _fill, _title
from .tables import DAY, D, Stage, _at, tr
from .vocabulary import (
    DELIVERABLES,
    EVIDENCE,
    EXPECTED,
    FIRST_NAMES,
    INDICATORS,
    LAST_NAMES,
    MILESTONES,
    OGP_SENTENCES,
    PARTNERS,
    PLACES,
    PROBLEMS,
    SERVICES,
    SOURCES,
    STATUS_QUO,
    SUGGESTIONS,
    TOPICS,
    UNITS,
    UPDATE_NOTES,
)


def _dates(start, end, *, in_months: bool) -> dict:
    """A commitment's dates; in months (OGP's own documents date most commitments so), stored
    as opengov.dates stores them (the month's first day, the last one for the end)."""
    if not in_months:
        return {"start_date": start, "end_date": end}
    return {
        "start_date": month_start(start),
        "start_date_precision": DatePrecision.MONTH,
        "end_date": month_end(end),
        "end_date_precision": DatePrecision.MONTH,
    }


class CommitmentRows:
    """The Generator's commitments, milestones (with their progress) and indicators."""

    def commitment_rows(self, rng, plan: PlanInfo, skeletons, links, proposal_pks) -> None:
        table, sources = self.tables["commitment"], self.tables["source"]
        council = plan.council
        implementing = plan.stage in (Stage.IMPLEMENTATION, Stage.CLOSED)
        budget_scale = {Council.Kind.REGION: 8000, Council.Kind.PREFECTURE_PROVINCE: 3000}.get(
            council.kind, 1000
        )
        for position, (theme, chosen) in enumerate(links, 1):
            topic = skeletons[chosen[0]][2] if chosen else rng.pick(TOPICS[theme])
            place = rng.pick(PLACES)
            start = D(plan.start_year, rng.between(1, 6), rng.between(1, 28))
            end = D(plan.end_year, rng.between(7, 12), 28)
            created = _day_between(rng, plan.work_to + DAY, plan.decided_to)
            milestones = self._milestone_plan(rng, plan, start, end)
            withdrawn = implementing and rng.random() < 0.03
            statuses = [m[2] for m in milestones if m[2] != Milestone.Status.CANCELLED]
            if withdrawn:
                status = Commitment.Status.WITHDRAWN
            elif statuses and all(s == Milestone.Status.COMPLETED for s in statuses):
                status = Commitment.Status.COMPLETED
            elif any(s != Milestone.Status.NOT_STARTED for s in statuses):
                status = Commitment.Status.ONGOING
            else:
                status = Commitment.Status.NOT_STARTED
            values = {
                "transparency": rng.random() < 0.75,
                "participation": rng.random() < 0.6,
                "accountability": rng.random() < 0.5,
                "technology_innovation": rng.random() < 0.35,
            }
            if not any(values.values()):
                values["transparency"] = True
            relevance = [OGP_SENTENCES[name] for name, on in values.items() if on]
            partners = rng.sample(PARTNERS, rng.between(2, 3))
            lead = rng.pick(SERVICES)
            title = _title(rng, topic)
            suggestion = _fill(rng.pick(SUGGESTIONS), topic, place)
            contact = (rng.between(0, len(FIRST_NAMES) - 1), rng.between(0, len(LAST_NAMES) - 1))
            override = ""
            if implementing and rng.random() < 0.01:
                override = rng.pick(["limited", "substantial"])
            last_change = max(
                [created, *(m[3] or m[0] for m in milestones if m[2] != "not_started")]
            )
            pk = table.add(
                created_at=_at(created, 11),
                updated_at=_at(min(last_change, self.base), 12),
                reference=f"{council.code}-{plan.start_year}-{position:02d}",
                position=position,
                **tr("title", title),
                **tr("problem", _fill(rng.pick(PROBLEMS), topic, place)),
                **tr("status_quo", _fill(rng.pick(STATUS_QUO), topic, place)),
                **tr(
                    "description",
                    (
                        f"{title[0]} بشراكة مع {partners[0][0]}. {suggestion[0]}",
                        f"{title[1]}, en partenariat avec : {partners[0][1]}. {suggestion[1]}",
                    ),
                ),
                **tr("expected_results", _fill(rng.pick(EXPECTED), topic, place)),
                **tr(
                    "ogp_relevance",
                    (" ".join(s[0] for s in relevance), " ".join(s[1] for s in relevance)),
                ),
                **values,
                **tr("lead_agency", lead),
                **tr(
                    "partners",
                    ("، ".join(p[0] for p in partners), ", ".join(p[1] for p in partners)),
                ),
                contact_name=f"{FIRST_NAMES[contact[0]][1]} {LAST_NAMES[contact[1]][1]}",
                contact_email=f"{FIRST_SLUGS[contact[0]]}.{LAST_SLUGS[contact[1]]}@example.org",
                **_dates(start, end, in_months=position % 4 == 0),
                budget=None if rng.random() < 0.1 else rng.between(20, 1000) * budget_scale,
                status=status,
                plan_id=plan.pk,
                theme_id=self.themes[theme],
                completion_override=override,
                completion_override_reason=rng.pick(OVERRIDE_REASONS) if override else "",
            )
            plan.commitments.append((pk, topic))
            for index in chosen:
                sources.add(commitment_id=pk, proposal_id=proposal_pks[index])
            self.milestone_rows(rng, plan, pk, topic, milestones, created, withdrawn)
            self.indicator_rows(rng, plan, pk, start, created)

    def _milestone_plan(self, rng, plan: PlanInfo, start, end) -> list[tuple]:
        """3-5 consecutive (start, due, status, completed_on) between the commitment's dates;
        statuses follow the base date once the plan is implemented."""
        count = rng.between(3, 5)
        span = (end - start).days
        cuts = sorted(rng.sample(range(1, span), count - 1)) if span > count else []
        bounds = [0, *cuts, span]
        implementing = plan.stage in (Stage.IMPLEMENTATION, Stage.CLOSED)
        base = self.base
        milestones = []
        for i in range(count):
            first = start + datetime.timedelta(days=bounds[i] if i < len(bounds) - 1 else span)
            due = start + datetime.timedelta(days=bounds[i + 1] if i + 1 < len(bounds) else span)
            status, completed = Milestone.Status.NOT_STARTED, None
            if implementing:
                roll = rng.random()
                if due < base:
                    if roll < 0.75:
                        status = Milestone.Status.COMPLETED
                    elif roll < 0.88:
                        status = Milestone.Status.IN_PROGRESS
                    elif roll < 0.95:
                        status = Milestone.Status.NOT_STARTED
                    else:
                        status = Milestone.Status.CANCELLED
                    if status == Milestone.Status.COMPLETED:
                        completed = max(first, due - datetime.timedelta(days=rng.between(0, 30)))
                elif first <= base:
                    if roll < 0.6:
                        status = Milestone.Status.IN_PROGRESS
                    elif roll < 0.9:
                        status = Milestone.Status.NOT_STARTED
                    else:
                        status = Milestone.Status.COMPLETED
                        completed = _day_between(rng, first, base)
                elif roll < 0.03:
                    status = Milestone.Status.CANCELLED
            milestones.append((first, due, status, completed))
        return milestones

    def milestone_rows(self, rng, plan, commitment_pk, topic, milestones, created, withdrawn):
        table, updates = self.tables["milestone"], self.tables["milestone_update"]
        titles = sorted(rng.sample(range(len(MILESTONES)), len(milestones)))
        for (first, due, status, completed), title_index in zip(milestones, titles, strict=True):
            if withdrawn and status in (Milestone.Status.NOT_STARTED, Milestone.Status.IN_PROGRESS):
                status = Milestone.Status.CANCELLED
            evidence = rng.pick(EVIDENCE) if completed and rng.random() < 0.6 else None
            url = ""
            if completed and rng.random() < 0.4:
                url = f"https://data.example.org/{plan.council.code.lower()}/{commitment_pk}.pdf"
            changed = completed or (first if status == Milestone.Status.IN_PROGRESS else created)
            pk = table.add(
                created_at=_at(created, 11),
                updated_at=_at(max(created, min(changed, self.base)), 15),
                **tr("title", _fill(MILESTONES[title_index], topic, PLACES[0])),
                **tr("deliverable", rng.pick(DELIVERABLES)),
                start_date=first,
                due_date=due,
                status=status,
                completed_on=completed,
                **(tr("evidence", evidence) if evidence else {"evidence": ""}),
                evidence_url=url,
                commitment_id=commitment_pk,
            )
            if status in (Milestone.Status.COMPLETED, Milestone.Status.IN_PROGRESS):
                day = completed or _day_between(rng, first, min(self.base, first + 60 * DAY))
                updates.add(
                    created_at=_at(day, 14),
                    updated_at=_at(day, 14),
                    status=status,
                    completed_on=completed,
                    **tr("note", rng.pick(UPDATE_NOTES)),
                    evidence_url=url,
                    milestone_id=pk,
                )

    def indicator_rows(self, rng, plan: PlanInfo, commitment_pk, start, created) -> None:
        table, values = self.tables["indicator"], self.tables["indicator_value"]
        measured = plan.stage in (Stage.IMPLEMENTATION, Stage.CLOSED)
        for name_ar, name_fr, unit in rng.sample(INDICATORS, rng.between(1, 3)):
            if unit == "pct":
                baseline = rng.between(5, 60)
                target = min(100, baseline + rng.between(10, 40))
            elif unit == "days":
                baseline = rng.between(15, 90)
                target = max(1, baseline - rng.between(5, 60) // 2)
            else:
                baseline = rng.between(0, 50)
                target = baseline + rng.between(10, 200)
            latest = latest_on = None
            history = []
            if measured and rng.random() < 0.75 and start < self.base:
                steps = rng.between(1, 3)
                days = sorted(_day_between(rng, start, self.base - DAY) for _ in range(steps))
                for step, day in enumerate(days, 1):
                    share = rng.uniform(0.2, 1.0) * step / steps
                    value = Decimal(f"{baseline + (target - baseline) * share:.2f}")
                    history.append((day, value))
                latest_on, latest = history[-1]
            source = rng.pick(SOURCES)
            pk = table.add(
                created_at=_at(created, 11),
                updated_at=_at(latest_on or created, 16),
                **tr("name", (name_ar, name_fr)),
                **tr("unit", UNITS[unit]),
                baseline=baseline,
                target=target,
                latest_value=latest,
                latest_value_on=latest_on,
                **tr("source", source),
                commitment_id=commitment_pk,
            )
            for day, value in history:
                values.add(
                    created_at=_at(day, 16),
                    updated_at=_at(day, 16),
                    value=value,
                    measured_on=day,
                    source=source[0],
                    indicator_id=pk,
                )

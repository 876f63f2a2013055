"""Workshops and working groups of a plan, with their attendance."""

from __future__ import annotations

from collections import Counter

from consultations.models import Council, Workshop

from .plans import PlanInfo, _day_between, _person
from .tables import DAY, _at, tr
from .vocabulary import CHAIRS, THEME_NAMES, VENUES


class WorkshopRows:
    """The Generator's workshops, working groups and attendance."""

    def workshop_rows(self, rng, plan: PlanInfo, n_proposals: int) -> list[dict]:
        """3-6 workshops with 4-5 working groups each; returns the groups (pk, workshop pk,
        theme, date) with how many proposals each will receive."""
        workshops = []
        days = sorted(
            _day_between(rng, plan.work_from, plan.work_to) for _ in range(rng.between(3, 6))
        )
        group_count = 0
        for day in days:
            n_groups = rng.between(4, 5)
            workshops.append((day, rng.sample(plan.themes, n_groups)))
            group_count += n_groups
        # Proposals spread over the groups (about one in eight is sent online instead).
        online = round(n_proposals * rng.uniform(0.08, 0.16))
        per_group = Counter(int(rng.random() * group_count) for _ in range(n_proposals - online))
        groups: list[dict] = []
        council = plan.council
        for number, (day, themes) in enumerate(workshops, 1):
            first = len(groups)
            received = sum(per_group[first + i] for i in range(len(themes)))
            counts = self._attendance(rng, council.kind)
            total = sum(counts.values()) - counts["participants_women"] - counts["participants_men"]
            theme = THEME_NAMES[themes[0]]
            if rng.random() < 0.7:
                kind = Workshop.Kind.CO_CREATION
                title = (
                    f"ورشة الإعداد المشترك رقم {number}: {theme[0]}",
                    f"Atelier de co-création n° {number} : {theme[1]}",
                )
            else:
                kind = Workshop.Kind.TERRITORIAL_CONSULTATION
                title = (
                    f"لقاء تشاوري ترابي موضوعاتي حول {theme[0]}",
                    f"Rencontre de concertation territoriale : {theme[1]}",
                )
            summary = (
                f"شارك في اللقاء {total} من ممثلي المجتمع المدني والمصالح اللاممركزة والمنتخبين "
                f"والمواطنين، توزعوا على {len(themes)} مجموعات عمل موضوعاتية. وثقت كل مجموعة "
                f"الإشكاليات والحلول والمقترحات ({received} مقترحا) وأحالتها على المجلس.",
                f"La rencontre a réuni {total} personnes (société civile, services déconcentrés, "
                f"élus, citoyens), réparties en {len(themes)} groupes de travail thématiques. "
                f"Chaque groupe a documenté problèmes, solutions et propositions ({received} en "
                "tout), transmis au conseil.",
            )
            ends_on = day + DAY if rng.random() < 0.1 else None
            workshop_pk = self.tables["workshop"].add(
                created_at=_at(day, 18),
                updated_at=_at(ends_on or day, 19),
                kind=kind,
                **tr("title", title),
                starts_on=day,
                ends_on=ends_on,
                **tr("venue", rng.pick(VENUES)),
                **tr("city", council.city),
                **tr("chaired_by", rng.pick(CHAIRS)),
                **tr("summary", summary),
                **counts,
                council_id=council.pk,
                plan_id=plan.pk,
            )
            language = rng.pick(("ar", "fr"))
            for position, slug in enumerate(themes, 1):
                theme = THEME_NAMES[slug]
                pk = self.tables["working_group"].add(
                    created_at=_at(day, 18),
                    updated_at=_at(day, 18),
                    **tr(
                        "title",
                        (f"المجموعة {position}: {theme[0]}", f"Groupe {position} : {theme[1]}"),
                    ),
                    facilitator=_person(rng, language),
                    rapporteur=_person(rng, language),
                    position=position,
                    theme_id=self.themes[slug],
                    workshop_id=workshop_pk,
                )
                groups.append(
                    {"pk": pk, "workshop": workshop_pk, "theme": slug, "day": day,
                     "count": per_group[len(groups)]}
                )  # fmt: skip
        return groups

    @staticmethod
    def _attendance(rng, kind: str) -> dict[str, int]:
        scale = {Council.Kind.REGION: 3, Council.Kind.PREFECTURE_PROVINCE: 2}.get(kind, 1)
        counts = {
            "participants_civil_society": rng.between(8, 40) * scale,
            "participants_deconcentrated_services": rng.between(2, 12) * scale,
            "participants_elected_members": rng.between(2, 10) * scale,
            "participants_academics": rng.between(0, 6) * scale,
            "participants_private_sector": rng.between(0, 8) * scale,
            "participants_citizens": rng.between(5, 60) * scale,
            "participants_other": rng.between(0, 4),
        }
        total = sum(counts.values())
        women = round(total * rng.uniform(0.28, 0.55))
        counts["participants_women"] = women
        counts["participants_men"] = total - women - rng.between(0, min(3, total - women))
        return counts

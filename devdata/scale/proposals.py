"""Proposals of a plan: their kinds, themes and answers, and the ones commitments come from."""

from __future__ import annotations

from consultations.models import Proposal

from .plans import (
    PROBLEM_TITLES,
    PROPOSAL_KINDS,
    UNDER_REVIEW,
    PlanInfo,
    _day_between,
    _fill,
    _person,
    _title,
    _weighted,
)
from .tables import DAY, Stage, _at, tr
from .vocabulary import ORGANISATIONS, PLACES, PROBLEMS, RESPONSES_NOT_RETAINED, SUGGESTIONS, TOPICS


class ProposalRows:
    """The Generator's proposals, their answers and the proposals commitments come from."""

    def proposal_skeletons(self, rng, plan: PlanInfo, groups, n_proposals: int) -> list[list]:
        """[group index or None, theme slug, topic, kind] for each proposal of the plan."""
        skeletons = []
        for index, group in enumerate(groups):
            for _ in range(group["count"]):
                theme = group["theme"]
                skeletons.append([index, theme, rng.pick(TOPICS[theme]), None])
        for _ in range(n_proposals - len(skeletons)):
            theme = rng.pick(plan.themes)
            skeletons.append([None, theme, rng.pick(TOPICS[theme]), None])
        for skeleton in skeletons:
            skeleton[3] = _weighted(rng, PROPOSAL_KINDS)
        return skeletons

    def link_sources(self, rng, plan: PlanInfo, skeletons) -> list[tuple[str, list[int]]]:
        """Source proposals (indices into skeletons) of each commitment to be: one (retained)
        or several (merged), preferably of the commitment's theme."""
        n = rng.between(10, 30)
        themes = list(plan.themes)
        rng.shuffle(themes)
        pools: dict[str, list[int]] = {}
        for index, skeleton in enumerate(skeletons):
            pools.setdefault(skeleton[1], []).append(index)
        for pool in pools.values():
            rng.shuffle(pool)
        used: set[int] = set()
        links = []
        for position in range(n):
            theme = themes[position] if position < len(themes) else rng.pick(plan.themes)
            wanted = 1 if rng.random() < 0.3 else rng.between(2, 6)
            chosen: list[int] = []
            pool = pools.get(theme, [])
            while pool and len(chosen) < wanted:
                index = pool.pop()
                if index not in used:
                    chosen.append(index)
            if not chosen:
                others = [i for i in range(len(skeletons)) if i not in used]
                chosen = rng.sample(others, min(len(others), wanted))
            used.update(chosen)
            # The commitment's theme is its first source's (the intended one when it has none).
            links.append((skeletons[chosen[0]][1] if chosen else theme, chosen))
        return links

    def proposal_rows(self, rng, plan: PlanInfo, groups, skeletons, links) -> list[int]:
        table = self.tables["proposal"]
        source_of: dict[int, tuple[str, bool]] = {}
        code, year = plan.council.code, plan.start_year
        for position, (_theme, chosen) in enumerate(links, 1):
            for index in chosen:
                source_of[index] = (f"{code}-{year}-{position:02d}", len(chosen) > 1)
        answered_all = plan.stage not in (Stage.PREPARATION, Stage.CONSULTATION)
        last_workshop = max((g["day"] for g in groups), default=plan.work_to)
        pks = []
        for index, (group_index, theme, topic, kind) in enumerate(skeletons):
            place = rng.pick(PLACES)
            if kind == Proposal.Kind.PROBLEM:
                title = _fill(rng.pick(PROBLEM_TITLES), topic, place)
                body = _fill(rng.pick(PROBLEMS), topic, place)
            else:
                title = _title(rng, topic)
                problem = _fill(rng.pick(PROBLEMS), topic, place)
                suggestion = _fill(rng.pick(SUGGESTIONS), topic, place)
                body = (f"{problem[0]} {suggestion[0]}", f"{problem[1]} {suggestion[1]}")
            if group_index is not None:
                group = groups[group_index]
                created = _at(group["day"], rng.between(10, 17), rng.between(0, 59))
                links_ = {"working_group_id": group["pk"], "workshop_id": group["workshop"]}
            else:
                day = _day_between(rng, plan.created, plan.decided_to)
                created = _at(day, rng.between(7, 22), rng.between(0, 59))
                links_ = {"working_group_id": None, "workshop_id": None}
            if index in source_of:
                reference, merged = source_of[index]
                status = Proposal.Status.MERGED if merged else Proposal.Status.RETAINED
                response = (
                    (f"دمج المقترح مع مقترحات مماثلة في الالتزام {reference}.",
                     f"Proposition fusionnée avec des propositions proches dans l'engagement "
                     f"{reference}.")
                    if merged
                    else (f"تم الاحتفاظ بالمقترح وأدرج في الالتزام {reference}.",
                          f"Proposition retenue : elle est reprise dans l'engagement {reference}.")
                )  # fmt: skip
            elif answered_all:
                status, response = Proposal.Status.NOT_RETAINED, rng.pick(RESPONSES_NOT_RETAINED)
            else:
                weights = (
                    [(Proposal.Status.RECEIVED, 45), (Proposal.Status.UNDER_REVIEW, 40),
                     (Proposal.Status.NOT_RETAINED, 15)]
                    if plan.stage == Stage.PREPARATION
                    else [(Proposal.Status.RECEIVED, 5), (Proposal.Status.UNDER_REVIEW, 25),
                          (Proposal.Status.NOT_RETAINED, 70)]
                )  # fmt: skip
                status = _weighted(rng, weights)
                response = {
                    Proposal.Status.RECEIVED: None,
                    Proposal.Status.UNDER_REVIEW: UNDER_REVIEW if rng.random() < 0.3 else None,
                    Proposal.Status.NOT_RETAINED: rng.pick(RESPONSES_NOT_RETAINED),
                }[status]
            responded = None
            if response is not None:
                day = _day_between(rng, max(last_workshop, created.date()) + DAY, plan.decided_to)
                responded = max(created, _at(day, rng.between(9, 17), rng.between(0, 59)))
            organisation = rng.random() < 0.7
            language = "ar" if rng.random() < 0.6 else "fr"
            if organisation:
                pattern = rng.pick(ORGANISATIONS)[0 if language == "ar" else 1]
                submitted_by = pattern.format(x=plan.council.city[0 if language == "ar" else 1])
            else:
                submitted_by = _person(rng, language)
            pks.append(
                table.add(
                    created_at=created,
                    updated_at=responded or created,
                    kind=kind,
                    **tr("title", title),
                    **tr("body", body),
                    submitted_by=submitted_by,
                    status=status,
                    **(tr("response", response) if response else {"response": ""}),
                    responded_at=responded,
                    council_id=plan.council.pk,
                    plan_id=plan.pk,
                    theme_id=self.themes[theme],
                    **links_,
                )
            )
        return pks

"""Proposals sent online during a plan's proposals window, and citizens' supports of them.

The plans that take online proposals: those in preparation or consultation (their window is
around the base date, most of them open on it) and the adopted ones (their window closed before
the consultation). Plans in implementation or closed predate the online door and get none.

Supports are skewed as real ones are: most proposals get none or a handful, a few thousands
(a log-normal count, capped by the people who could support). Each supporter is a person of
the council's area, one mailbox fingerprint per person (a 64-hex string derived from the seed),
so that the unique (proposal, mailbox) holds by construction: a proposal's supporters are drawn
without replacement."""

from __future__ import annotations

import datetime
import hashlib
import math

from consultations.models import Proposal, ProposalSupport

from .places import TOWNS
from .plans import (
    FIRST_SLUGS,
    LAST_SLUGS,
    PROBLEM_TITLES,
    PROPOSAL_KINDS,
    PlanInfo,
    _fill,
    _title,
    _weighted,
)
from .tables import DAY, Stage, _at, tr
from .vocabulary import (
    HIDDEN_REASONS,
    ORGANISATIONS,
    PLACES,
    PROBLEMS,
    RESPONSES_NOT_RETAINED,
    STAGE_WEIGHTS,
    SUGGESTIONS,
    TOPICS,
)

# Stages whose plan takes online proposals (the window's place in the plan's timeline differs).
TAKING_STAGES = (Stage.PREPARATION, Stage.CONSULTATION, Stage.ADOPTED)
# People who may support the proposals of one council, out of a national pool of mailboxes.
PEOPLE_PER_COUNCIL = 12_000
PEOPLE_IN_THE_POOL = 200_000
# The spread of the log-normal support counts: with a mean of 10, the median proposal has 1-2
# supports and about one in 2,000 has more than a thousand.
SUPPORT_SIGMA = 2.0
DUPLICATE_OF = (
    "دُمج هذا المقترح مع المقترح رقم {n} الذي يطرح الفكرة نفسها.",
    "Proposition fusionnée avec la proposition n° {n}, qui porte la même idée.",
)
PUBLISHED = Proposal.Publication.PUBLISHED
AWAITING = Proposal.Publication.AWAITING
PENDING = Proposal.Publication.PENDING
HIDDEN = Proposal.Publication.HIDDEN
SECOND = datetime.timedelta(seconds=1)


class OnlineRows:
    """The Generator's proposals windows, online proposals and supports."""

    _mailboxes: list | None = None

    def proposals_window(self, rng, stage, created, opens, closes) -> dict:
        """The plan's proposals window (the columns of its row), or {} when it takes none.
        `opens` / `closes` are the consultation's dates (None in preparation)."""
        if not self.options.online_proposals_per_council or stage not in TAKING_STAGES:
            return {}
        base = self.base
        if stage == Stage.PREPARATION:
            first = base - datetime.timedelta(days=rng.between(5, 60))
            first = max(first, min(created + DAY, base - 5 * DAY))
            # One in seven closed a few days ago; the others are open on the base date.
            if rng.random() < 0.15:
                last = max(first, base - datetime.timedelta(days=rng.between(1, 4)))
            else:
                last = base + datetime.timedelta(days=rng.between(10, 60))
        elif stage == Stage.CONSULTATION:
            first = opens - datetime.timedelta(days=rng.between(30, 90))
            # Half keep the door open through the consultation, half closed it when it began.
            last = closes if rng.random() < 0.5 else opens - DAY
        else:
            first = opens - datetime.timedelta(days=rng.between(40, 90))
            last = opens - datetime.timedelta(days=rng.between(1, 10))
        return {
            "proposals_opens_on": first,
            "proposals_closes_on": last,
            "proposals_need_moderation": rng.random() < 0.6,
        }

    def online_count(self, rng, weight: float) -> float:
        """A council's share of online proposals, given to the plan that takes them (half the
        plans do, on average: they make up for the others)."""
        options = self.options
        share = sum(w for s, w in STAGE_WEIGHTS if s in TAKING_STAGES) / sum(
            w for _s, w in STAGE_WEIGHTS
        )
        return options.online_proposals_per_council * weight * rng.uniform(0.75, 1.25) / share

    # --- proposals --------------------------------------------------------------------------

    def online_rows(self, rng, plan: PlanInfo, count: int) -> None:
        """`count` proposals sent online during the plan's window: mostly published, some
        waiting for their author or a moderator (while the window is open), hidden with a
        reason, or merged into an earlier one of the plan; then their supports."""
        if count <= 0 or plan.proposals_opens is None:
            return
        table = self.tables["proposal"]
        base_end = self.base_end
        first = _at(plan.proposals_opens, 7)
        last = min(_at(plan.proposals_closes, 23), _at(self.base - DAY, 23))
        span = max(1, int((last - first).total_seconds()))
        moments = sorted(first + int(rng.random() * span) * SECOND for _ in range(count))
        open_now = plan.stage != Stage.ADOPTED
        answered_all = not open_now
        moderated = plan.proposals_moderated
        towns = TOWNS[plan.council.region]
        kept: list[int] = []  # published, not merged: those a duplicate may point to
        supported: list[tuple[int, datetime.datetime]] = []
        for created in moments:
            language = "ar" if rng.random() < 0.6 else "fr"
            index = 0 if language == "ar" else 1
            theme = rng.pick(plan.themes)
            topic, place = rng.pick(TOPICS[theme]), rng.pick(PLACES)
            kind = _weighted(rng, PROPOSAL_KINDS)
            if kind == Proposal.Kind.PROBLEM:
                title = _fill(rng.pick(PROBLEM_TITLES), topic, place)[index]
                body = _fill(rng.pick(PROBLEMS), topic, place)[index]
            else:
                title = _title(rng, topic)[index]
                body = " ".join(
                    (_fill(rng.pick(PROBLEMS), topic, place)[index],
                     _fill(rng.pick(SUGGESTIONS), topic, place)[index])
                )  # fmt: skip
            roll = rng.random()
            recent = created >= base_end - 3 * DAY
            duplicate_of = None
            if open_now and roll < 0.03 and recent:
                publication = PENDING  # the author has not clicked the link yet
            elif open_now and moderated and roll < 0.09:
                publication = AWAITING
            elif roll < 0.13:
                publication = HIDDEN
            else:
                publication = PUBLISHED
                if kept and roll > 0.975:
                    duplicate_of = kept[int(rng.random() * len(kept))]
            confirmed = published = responded = notified = None
            updated = created
            if publication != PENDING:
                confirmed = updated = min(base_end, created + rng.between(60, 36_000) * SECOND)
                if moderated:  # the moderators' digest told them once
                    notified = min(base_end, confirmed + 900 * SECOND)
                if publication == PUBLISHED or (publication == HIDDEN and rng.random() < 0.5):
                    delay = rng.between(600, 172_000) if moderated else 0
                    published = updated = min(base_end, confirmed + delay * SECOND)
            if duplicate_of is not None:
                status = Proposal.Status.NOT_RETAINED
                response = tuple(text.format(n=duplicate_of) for text in DUPLICATE_OF)
            elif answered_all:
                status, response = Proposal.Status.NOT_RETAINED, rng.pick(RESPONSES_NOT_RETAINED)
            elif publication == PUBLISHED:
                status = _weighted(
                    rng,
                    [(Proposal.Status.RECEIVED, 60), (Proposal.Status.UNDER_REVIEW, 30),
                     (Proposal.Status.NOT_RETAINED, 10)],
                )  # fmt: skip
                response = (
                    rng.pick(RESPONSES_NOT_RETAINED)
                    if status == Proposal.Status.NOT_RETAINED
                    else None
                )
            else:
                status, response = Proposal.Status.RECEIVED, None
            if response is not None:
                responded = updated = min(base_end, updated + rng.between(1, 20) * DAY)
            organisation = ""
            if rng.random() < 0.3:
                pattern = rng.pick(ORGANISATIONS)[index]
                organisation = pattern.format(x=plan.council.city[index])
            residence = rng.pick(towns)[index] if rng.random() < 0.5 else ""
            i_first, i_last = int(rng.random() * len(FIRST_SLUGS)), rng.between(1, 999)
            email = f"{FIRST_SLUGS[i_first]}.{rng.pick(LAST_SLUGS)}{i_last}@example.org"
            pk = table.add(
                created_at=created,
                updated_at=updated,
                kind=kind,
                title=title,
                **{f"title_{language}": title, f"body_{language}": body},
                body=body,
                submitted_by=organisation,
                status=status,
                **(tr("response", response) if response else {"response": ""}),
                responded_at=responded,
                residence=residence,
                email=email,
                language=language,
                consent_at=created,
                publication=publication,
                confirmation_sent_at=created + 2 * SECOND,
                confirmed_at=confirmed,
                published_at=published,
                moderators_notified_at=notified,
                hidden_reason=rng.pick(HIDDEN_REASONS[language]) if publication == HIDDEN else "",
                client_hash=f"{rng.getrandbits(256):064x}",
                duplicate_of_id=duplicate_of,
                council_id=plan.council.pk,
                plan_id=plan.pk,
                theme_id=self.themes[theme] if rng.random() < 0.9 else None,
                workshop_id=None,
                working_group_id=None,
            )
            if publication == PUBLISHED and duplicate_of is None:
                kept.append(pk)
                supported.append((pk, published))
        self.support_rows(rng, plan, supported, count, last)

    # --- supports ---------------------------------------------------------------------------

    def mailbox(self, person: int) -> str:
        """The mailbox fingerprint of a person of the national pool (64 hex characters)."""
        if self._mailboxes is None:
            self._mailboxes = [None] * PEOPLE_IN_THE_POOL
        found = self._mailboxes[person]
        if found is None:
            key = f"{self.options.seed}:mailbox:{person}".encode()
            found = self._mailboxes[person] = hashlib.sha256(key).hexdigest()
        return found

    def support_rows(self, rng, plan: PlanInfo, supported, count: int, last) -> None:
        """Confirmed supports of the published proposals `supported` ((pk, published at)),
        `count` x the average per online proposal in all, log-normal per proposal; each
        proposal's support_count is written with its rows (refresh_support_counts checks it)."""
        if not supported or self.options.supports_per_proposal <= 0:
            return
        table, proposals = self.tables["support"], self.tables["proposal"]
        count_column = proposals.index["support_count"]
        # Rows of this plan's proposals are still in the buffer: their pk gives their place.
        first_pk = proposals.rows[0][0]
        mean = self.options.supports_per_proposal * count / len(supported)
        mu = math.log(mean) - SUPPORT_SIGMA**2 / 2
        start = rng.between(0, PEOPLE_IN_THE_POOL - 1)
        people = min(PEOPLE_PER_COUNCIL, PEOPLE_IN_THE_POOL)
        add, random_, mailbox = table.add, rng.random, self.mailbox
        confirmed_state = ProposalSupport.State.CONFIRMED
        base_end = self.base_end
        for pk, published in supported:
            wanted = min(people, int(math.exp(rng.gauss(mu, SUPPORT_SIGMA)) + random_()))
            if not wanted:
                continue
            proposals.rows[pk - first_pk][count_column] = wanted
            span = max(0, int((max(last, published) - published).total_seconds()))
            for person in rng.sample(range(people), wanted):
                created = published + int(random_() * span) * SECOND
                add(
                    proposal_id=pk,
                    mailbox=mailbox((start + person) % PEOPLE_IN_THE_POOL),
                    email="",
                    language="ar" if random_() < 0.6 else "fr",
                    state=confirmed_state,
                    client_hash=f"{rng.getrandbits(256):064x}",
                    created_at=created,
                    confirmation_sent_at=created + 2 * SECOND,
                    confirmed_at=min(base_end, created + (30 + int(random_() * 7200)) * SECOND),
                )

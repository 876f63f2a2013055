"""Comments made during a plan's consultation: on the plan or a commitment, published,
hidden or awaiting moderation, with the council's official replies."""

from __future__ import annotations

import datetime

from commitments.models import Comment

from .plans import FIRST_SLUGS, LAST_SLUGS, PlanInfo, _format_sentence
from .tables import DAY, Stage, _at
from .vocabulary import (
    COMMENT_SENTENCES,
    FIRST_NAMES,
    HIDDEN_REASONS,
    LAST_NAMES,
    OFFICIAL_REPLIES,
    PLACES,
    TOPICS,
)


class CommentRows:
    """The Generator's comments on a plan's consultation, with replies and moderation."""

    def comment_rows(self, rng, plan: PlanInfo, count: int) -> None:
        """`count` comments made during the consultation, on the plan page (about a third) or
        on its commitments; mostly published, some pending, waiting or hidden; some replies to
        published comments of the same page; some with the council's official reply.

        The loop that makes most of the rows: kept to cheap operations."""
        if count <= 0 or not plan.commitments:
            return
        table = self.tables["comment"]
        add, random_ = table.add, rng.random
        first = _at(plan.opens, 8)
        last = _at(min(plan.closes, self.base - DAY), 22)
        span = max(1, int((last - first).total_seconds()))
        moments = sorted([int(random_() * span) for _ in range(count)])
        plan_topic = rng.pick(TOPICS[rng.pick(plan.themes)])
        pages = [(None, plan_topic), *plan.commitments]
        weights = [len(plan.commitments) * 0.5] + [random_() ** 2 + 0.05 for _ in plan.commitments]
        chosen_pages = rng.choices(range(len(pages)), weights, k=count)
        # Each page's sentences, formatted once per place and language.
        texts: dict[int, list] = {}
        published_top: dict[int, list[tuple[datetime.datetime, int]]] = {}
        in_consultation = plan.stage == Stage.CONSULTATION
        moderated = plan.moderated
        base_end = self.base_end
        second = datetime.timedelta(seconds=1)
        published_state, hidden_state = Comment.State.PUBLISHED, Comment.State.HIDDEN
        n_first, n_last = len(FIRST_NAMES), len(LAST_NAMES)
        for offset, page in zip(moments, chosen_pages, strict=True):
            created = first + offset * second
            commitment_pk, topic = pages[page]
            language = "ar" if random_() < 0.6 else "fr"
            index = 0 if language == "ar" else 1
            if page not in texts:
                texts[page] = [
                    [
                        [_format_sentence(s, topic, place) for s in COMMENT_SENTENCES[lang]]
                        for place in PLACES
                    ]
                    for lang in ("ar", "fr")
                ]
            sentences = texts[page][index][int(random_() * len(PLACES))]
            n = len(sentences)
            start = int(random_() * n)
            body = " ".join(sentences[(start + 3 * k) % n] for k in range(1 + int(random_() * 3)))
            i_first, i_last = int(random_() * n_first), int(random_() * n_last)
            author = FIRST_NAMES[i_first][index]
            if random_() < 0.5:
                author = f"{author} {LAST_NAMES[i_last][index]}"
            email = (
                f"{FIRST_SLUGS[i_first]}.{LAST_SLUGS[i_last]}{int(random_() * 999) + 1}@example.org"
            )
            parent = None
            candidates = published_top.get(page)
            if candidates and random_() < 0.18:
                published_at, parent_pk = candidates[int(random_() * len(candidates))]
                if published_at < created:
                    parent = parent_pk
            roll = random_()
            if roll < 0.05:
                state = Comment.State.PENDING
            elif roll < 0.11:
                state = hidden_state
            elif roll < 0.15 and in_consultation and moderated:
                state = Comment.State.CONFIRMED
            else:
                state = published_state
            confirmed = published = notified = replied = None
            updated = created
            reply = hidden_reason = ""
            if state != Comment.State.PENDING:
                confirmed = min(base_end, created + (120 + int(random_() * 36000)) * second)
                updated = confirmed
                if moderated:
                    notified = min(base_end, confirmed + 900 * second)
                if state == published_state or random_() < 0.5:
                    delay = 600 + int(random_() * 172000) if moderated else 0
                    published = updated = min(base_end, confirmed + delay * second)
                if state == hidden_state:
                    hidden_reason = rng.pick(HIDDEN_REASONS[language])
                elif state == published_state and parent is None and random_() < 0.12:
                    reply = rng.pick(OFFICIAL_REPLIES[language])
                    replied = updated = min(base_end, published + (1 + int(random_() * 10)) * DAY)
            pk = add(
                created_at=created,
                updated_at=updated,
                author_name=author,
                email=email,
                body=body,
                language=language,
                consent_at=created,
                state=state,
                confirmation_sent_at=created + 3 * second,
                confirmed_at=confirmed,
                published_at=published,
                moderators_notified_at=notified,
                hidden_reason=hidden_reason,
                official_reply=reply,
                replied_at=replied,
                client_hash=f"{rng.getrandbits(256):064x}",
                commitment_id=commitment_pk,
                parent_id=parent,
                plan_id=plan.pk,
            )
            if state == published_state and parent is None:
                published_top.setdefault(page, []).append((published, pk))

"""Authorisation sweep (issue 10): no object of another council is reachable through any URL.

Every URL pattern of the project is collected from the resolver, not from a list: both language
prefixes, the admin site with every ModelAdmin's own get_urls(), the API outside i18n_patterns.
Each pattern is filled with the objects of council BRAVO (the pks, slugs, references and tokens
its converters take) and requested as every staff role of council ALPHA, and as an anonymous
visitor: GET everywhere, and in the admin a POST with a harmless body (the form a network
administrator would send, a delete confirmation, every changelist action) on every view that
writes.

What fails:
- in the admin, any answer that shows one of BRAVO's marker strings (in the body, unzipped for
  ZIP and XLSX downloads, or in a redirect's Location), a 200 for a URL naming a BRAVO object,
  any 5xx, or a BRAVO row that differs after the POSTs;
- on the public site (anonymous, or ALPHA's coordinator), any answer that shows a marker of what
  citizens must not see (plans in preparation and all they hold, unpublished comments, e-mail
  addresses, the names of stored files), or a 200 for a URL naming such an object.

A pattern the sweep cannot fill or classify fails test_every_url_pattern_is_classified: a new
view is taught to the sweep (a filler below) or listed in UNFILLABLE with its reason, so none
escapes silently. Positive controls prove the sweep can see a leak: the same admin fills return
BRAVO's markers to a network administrator, ALPHA's staff reach ALPHA's objects through the same
fills, and the public fills of BRAVO's published plan answer with its markers.

Uploaded files (workshop documents, evidence) and plan PDFs are linked only through their
download views (consultations:workshop_document, commitments:evidence, commitments:plan_document),
which the sweep fills like any view; their storage names are random, and the sweep also checks
that no hidden file's name is disclosed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import fnmatch
import functools
import gzip
import io
import logging
import re
import sys
import time
import zipfile
from collections.abc import Callable, Iterable
from urllib.parse import unquote, urlencode

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, transaction
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from commitments import imports as plan_imports
from commitments.comments import confirmation
from commitments.models import (
    AssessmentEvidence,
    Comment,
    CommentReport,
    Commitment,
    CommitmentAssessment,
    InceptionAssessment,
    InceptionCommitmentReview,
    IndicatorValue,
    Milestone,
    MilestoneUpdate,
    PlanDocument,
    PlanEndorsement,
    PlanPublication,
    PlanSelfAssessment,
    SustainableDevelopmentGoal,
)
from consultations import imports
from consultations.models import (
    ActionPlan,
    Council,
    PlanStageChange,
    Proposal,
    Workshop,
)
from opendata import datasets
from opengov import roles, scoping
from sitesearch import sitemap
from tests import factories
from tests.admin.helpers import form_values
from tests.security.routes import (
    FORMATS,
    KINDS,
    LANGUAGES,
    Route,
    Unfillable,
    build_path,
    collect_routes,
    view_model,
)

# The whole-site sweep: in `make test`, not in `make quick`.
pytestmark = [pytest.mark.django_db, pytest.mark.sweep]

User = get_user_model()
A, B = "alpha", "bravo"  # ALPHA's staff sweep; BRAVO owns the objects they must not reach
PDF = b"%PDF-1.4\n"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
ROLE_SLUGS = {name: name.lower().replace(" ", "-") for name in roles.ROLES}

# Registered admin models that belong to no council, and why the sweep fills them with whatever
# rows exist instead of BRAVO's. Entries of apps that are not installed are ignored.
NON_COUNCIL_MODELS = {
    "consultations.theme": "themes are shared by every council (reusable thematic axes)",
    "auth.group": "the role groups are the network's, not a council's",
    "axes.accessattempt": "sign-in records of the whole site, for network administrators",
    "axes.accesslog": "sign-in records of the whole site, for network administrators",
    "axes.accessfailurelog": "sign-in records of the whole site, for network administrators",
}

# Council-scoped models with no admin and no page of their own, so the world builds none of them:
# their rows are checked with the rows they hang from.
UNSWEPT_SCOPED_MODELS = {
    "commitments.commentreport": "readers' reports: checked with the comments (see _council_rows)",
    "commitments.reminderlog": "the worker's log of reminders sent: on no page, in no admin",
    "commitments.assessmentreminderlog": "the worker's log of the monitoring body's reminders: "
    "on no page, in no admin",
    "commitments.planreminderlog": "the worker's log of repository reminders: on no page, in no "
    "admin",
    "commitments.plancounters": "a plan's totals, summed over public plans by the home page: no "
    "page or admin of its own (tests/commitments/test_counters.py)",
}
# What the sweep walks: every model an app registered with a council (opengov.scoping), by the
# lookup from a row to that council.
SCOPES = {
    model: scope.council
    for model, scope in scoping.registered().items()
    if scope.council is not None and model._meta.label_lower not in UNSWEPT_SCOPED_MODELS
}


def _user_link(model) -> models.Field | None:
    """The foreign key to the user model, for models that belong to one user."""
    return next((f for f in model._meta.fields if f.is_relation and f.related_model is User), None)


def _build_totp_device(model, user, marks: Markers, tag: str):
    device = model.objects.create(
        user=user, name=marks.add(tag, "private", "totp-device-name"), confirmed=True
    )
    marks.identifier(tag, False, device.key)
    return device


# Registered admin models that belong to one user (a foreign key to it), and so to the councils
# that user works for: how the sweep builds one for BRAVO's coordinator. A new such model without
# a builder fails the inventory test. Entries of apps that are not installed are ignored.
USER_OWNED_BUILDERS = {
    "otp_totp.totpdevice": _build_totp_device,  # two-factor devices hold the sign-in secret
}

# Patterns the sweep cannot fill, each with its reason (the key is the URL name, or the pattern
# for an unnamed one). Empty: every pattern is filled. A new entry needs a reason a reviewer
# accepts; an entry whose pattern is gone fails the inventory test.
UNFILLABLE: dict[str, str] = {}


@dataclasses.dataclass(frozen=True)
class KnownBug:
    label: str  # the URL pattern's name (fnmatch pattern)
    shows: str  # a regular expression the finding matches ("" for every finding on the pattern)
    reason: str
    check: str = "sweep"  # or "api-relations"

    def matches(self, label: str) -> bool:
        return fnmatch.fnmatchcase(label, self.label)

    def explains(self, label: str, finding: str) -> bool:
        return self.matches(label) and re.search(self.shows, finding) is not None


# Real leaks the sweep found: set aside in the main sweep, each checked by
# test_known_leaks_are_still_there at the end (once fixed, that test fails until the entry is
# removed).
KNOWN_BUGS: list[KnownBug] = [
    # Empty: the five leaks the sweep first found (the admin's "view on site" shortcut, commitments
    # of plans in preparation under proposals and as sources, reports on comments of such plans,
    # their ids in the API) are fixed and now checked by the main sweep.
]


# --- markers ------------------------------------------------------------------------------------


class Markers:
    """Strings that exist in one object only: finding one in an answer means the object leaked.

    Each is tagged with its council and whether citizens may see it ("pub"); "draft" marks what a
    plan in preparation holds, "private" what is never public (e-mails, unpublished comments,
    user names). Identifiers (slugs, references, file names) are markers too."""

    def __init__(self):
        self.all: dict[str, tuple[str, bool]] = {}

    def add(self, council: str, label: str, what: str) -> str:
        marker = f"{council}-{label}-{what}"
        self.all[marker.lower()] = (council, label == "pub")
        return marker

    def identifier(self, council: str, public: bool, value: str) -> str:
        self.all[value.lower()] = (council, public)
        return value

    def of(self, council: str | None = None, public: bool | None = None) -> list[str]:
        return [
            m
            for m, (c, p) in self.all.items()
            if (council is None or c == council) and (public is None or p == public)
        ]


# --- the two councils ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Obj:
    instance: models.Model
    council: str  # A, B or "shared"
    public: bool  # whether citizens may see it

    @property
    def pk(self):
        return self.instance.pk


def _save_file(field, name: str, content: bytes) -> None:
    field.save(name, ContentFile(content), save=True)


def _build_council(tag: str, marks: Markers, theme, add) -> None:
    """One council with a published plan ("pub", in implementation) and a plan in preparation
    ("draft"), each holding one object of every council-scoped model."""
    council = factories.CouncilFactory(
        name_ar=marks.add(tag, "pub", "council-name-ar"),
        name_fr=marks.add(tag, "pub", "council-name-fr"),
        slug=marks.identifier(tag, True, f"{tag}-council"),
        code=f"Z{tag.upper()}",
        contact_phone="+212 500 000 000",
    )
    add(council, tag, True)
    # The forum is public with its council; a member's name only with their consent.
    forum = factories.ForumFactory(
        council=council,
        name_ar=marks.add(tag, "pub", "forum-name"),
        name_fr="",
        description_ar=marks.add(tag, "pub", "forum-description"),
    )
    _save_file(forum.rules_document, "rules.pdf", PDF + marks.add(tag, "pub", "rules").encode())
    marks.identifier(tag, True, forum.rules_document.name)
    add(forum, tag, True)
    for public, label in ((True, "pub"), (False, "private")):
        member = factories.ForumMemberFactory(
            forum=forum,
            name=marks.add(tag, label, "forummember-name"),
            organisation=marks.add(tag, label, "forummember-organisation"),
            public=public,
        )
        add(member, tag, public)
    # The council's own programme: public as soon as it is entered (it belongs to no plan).
    programme = factories.CouncilProgrammeFactory(
        council=council,
        title_ar=marks.add(tag, "pub", "programme-title-ar"),
        title_fr=marks.add(tag, "pub", "programme-title-fr"),
        url=f"https://{tag}.example.ma/programme",
    )
    _save_file(
        programme.document, "pdr.pdf", PDF + marks.add(tag, "pub", "programme-bytes").encode()
    )
    marks.identifier(tag, True, programme.document.name)
    add(programme, tag, True)
    plans, proposals, commitments = {}, {}, {}
    today = timezone.now()
    for label, stage, start in (
        ("pub", ActionPlan.Stage.IMPLEMENTATION, 2021),
        ("draft", ActionPlan.Stage.PREPARATION, 2025),
    ):
        public = label == "pub"
        m = functools.partial(marks.add, tag, label)
        secret = functools.partial(marks.add, tag, "private")
        plan = factories.ActionPlanFactory(
            council=council,
            start_year=start,
            end_year=start + 2,
            stage=stage,
            title_ar=m("plan-title-ar"),
            title_fr=m("plan-title-fr"),
            introduction_ar=m("plan-introduction"),
            predecessor=plans.get("pub"),
        )
        plans[label] = plan
        add(plan, tag, public)
        add(
            PlanStageChange.objects.create(
                plan=plan,
                from_stage=ActionPlan.Stage.PREPARATION,
                to_stage=ActionPlan.Stage.CONSULTATION,
            ),
            tag,
            public,
        )
        workshop = factories.WorkshopFactory(
            council=council,
            plan=plan,
            title_ar=m("workshop-title-ar"),
            title_fr=m("workshop-title-fr"),
            summary_ar=m("workshop-summary"),
            chaired_by_ar=m("workshop-chair"),
        )
        add(workshop, tag, public)
        document = factories.WorkshopDocumentFactory(
            workshop=workshop,
            title_ar=m("workshopdocument-title"),
            title_fr="",
            file__data=PDF + m("workshopdocument-bytes").encode(),
        )
        marks.identifier(tag, public, document.file.name)
        add(document, tag, public)
        group = factories.WorkingGroupFactory(
            workshop=workshop,
            theme=theme,
            title_ar=m("group-title"),
            title_fr="",
            facilitator=m("group-facilitator"),
        )
        add(group, tag, public)
        proposal = factories.ProposalFactory(
            working_group=group,
            title_ar=m("proposal-title"),
            title_fr="",
            body_ar=m("proposal-body"),
            body_fr="",
            response_ar=m("proposal-response"),
            submitted_by=m("proposal-author"),
        )
        proposals[label] = proposal
        add(proposal, tag, public)
        commitment = factories.CommitmentFactory(
            plan=plan,
            theme=theme,
            reference=marks.identifier(tag, public, f"{tag}-{label}-REF1".upper()),
            title_ar=m("commitment-title-ar"),
            title_fr=m("commitment-title-fr"),
            description_ar=m("commitment-description"),
            partners_ar=m("commitment-partners"),
            programme=programme,
            programme_reference=m("commitment-programme-reference"),
        )
        commitment.source_proposals.add(proposal)
        commitment.sdgs.set([16])
        commitments[label] = commitment
        add(commitment, tag, public)
        milestone = factories.MilestoneFactory(
            commitment=commitment,
            title_ar=m("milestone-title"),
            title_fr="",
            status=Milestone.Status.COMPLETED,
            completed_on=datetime.date(2024, 5, 1),
            evidence_ar=m("milestone-evidence"),
        )
        add(milestone, tag, public)
        indicator = factories.IndicatorFactory(
            commitment=commitment,
            name_ar=m("indicator-name"),
            name_fr="",
            source_ar=m("indicator-source"),
        )
        add(indicator, tag, public)
        update = MilestoneUpdate.objects.create(
            milestone=milestone,
            status=Milestone.Status.COMPLETED,
            completed_on=datetime.date(2024, 5, 1),
            note_ar=m("update-note"),
        )
        _save_file(update.evidence_file, "evidence.pdf", PDF + m("update-bytes").encode())
        marks.identifier(tag, public, update.evidence_file.name)
        add(update, tag, public)
        add(
            IndicatorValue.objects.create(
                indicator=indicator,
                value=42,
                measured_on=datetime.date(2024, 6, 1),
                source=m("indicatorvalue-source"),
            ),
            tag,
            public,
        )
        assessment = CommitmentAssessment.objects.create(
            commitment=commitment,
            what_was_done_ar=m("assessment-done"),
            explanation_ar=m("assessment-explanation"),
            completion="substantial",
            opened_government="major",
        )
        add(assessment, tag, public)
        evidence = AssessmentEvidence(assessment=assessment, title=m("evidence-title"))
        _save_file(evidence.file, "evidence.pdf", PDF + m("evidence-bytes").encode())
        marks.identifier(tag, public, evidence.file.name)
        add(evidence, tag, public)
        add(
            PlanSelfAssessment.objects.create(
                plan=plan,
                kind=PlanSelfAssessment.Kind.MID_TERM,
                summary_ar=m("selfassessment-summary"),
                lessons_ar=m("selfassessment-lessons"),
            ),
            tag,
            public,
        )
        # The monitoring body's inception assessment: published in the public plan, a draft in
        # the plan in preparation (private twice over).
        inception = InceptionAssessment.objects.create(
            plan=plan,
            status="published" if public else "draft",
            published_on=datetime.date(2024, 3, 1) if public else None,
            summary_ar=m("inception-summary"),
            co_creation_ar=m("inception-cocreation"),
        )
        add(inception, tag, public)
        add(
            InceptionCommitmentReview.objects.create(
                assessment=inception, commitment=commitment, comment_ar=m("inception-review")
            ),
            tag,
            public,
        )
        publication = PlanPublication.objects.create(
            plan=plan, version=1, status=PlanPublication.Status.DONE, finished_at=today
        )
        add(publication, tag, public)
        meeting = factories.ForumMeetingFactory(
            forum=forum,
            plan=plan,
            title_ar=m("forummeeting-title"),
            title_fr="",
            minutes_ar=m("forummeeting-minutes"),
            minutes_fr="",
        )
        _save_file(meeting.minutes_file, "minutes.pdf", PDF + m("minutes-bytes").encode())
        marks.identifier(tag, public, meeting.minutes_file.name)
        add(meeting, tag, public)
        add(
            PlanEndorsement.objects.create(
                plan=plan,
                forum=forum,
                publication=publication,
                version=1,
                endorsed_on=datetime.date(2024, 1, 15),
                meeting=meeting,
                statement_ar=m("endorsement-statement"),
            ),
            tag,
            public,
        )
        pdf = PDF + m("plandocument-bytes").encode()
        document = PlanDocument(
            plan=plan,
            publication=publication,
            language="ar",
            version=1,
            sha256="0" * 64,
            size=len(pdf),
            generated_at=today,
            is_current=True,
        )
        _save_file(document.file, "plan.pdf", pdf)
        marks.identifier(tag, public, document.file.name)
        add(document, tag, public)
        comment_fields = {"language": "ar", "consent_at": today}
        for on, state, body in (
            (None, Comment.State.PUBLISHED, m("comment-body")),
            (commitment, Comment.State.PUBLISHED, m("commitment-comment-body")),
            (None, Comment.State.PENDING, secret(f"{label}-pending-comment-body")),
            (None, Comment.State.HIDDEN, secret(f"{label}-hidden-comment-body")),
        ):
            published = state == Comment.State.PUBLISHED
            comment = Comment.objects.create(
                plan=plan,
                commitment=on,
                author_name=m("comment-author") if published else secret("comment-author"),
                email=f"{secret(f'{label}-{state}-comment-email')}@example.org",
                body=body,
                state=state,
                published_at=today if published else None,
                official_reply=m("comment-reply") if published else "",
                hidden_reason=secret(f"{label}-hidden-reason") if state == "hidden" else "",
                **comment_fields,
            )
            add(comment, tag, public and published)
    # Proposals move between plans: an old plan's proposal feeds the new draft's commitment, and
    # the draft's workshop proposal is attached to a commitment of the running plan (the service
    # allows both within a council).
    commitments["draft"].source_proposals.add(proposals["pub"])
    commitments["pub"].source_proposals.add(proposals["draft"])


@dataclasses.dataclass
class World:
    markers: Markers
    objects: dict  # model -> [Obj]
    users: dict  # "superuser", ALPHA's roles by slug, f"{B}-coordinator"
    form_cache: dict = dataclasses.field(default_factory=dict)
    snapshot_sql: dict = dataclasses.field(default_factory=dict)

    def of(self, model, council: str) -> list[Obj]:
        return [o for o in self.objects.get(model, []) if o.council == council]

    def all_of(self, council: str) -> list[Obj]:
        return [o for objs in self.objects.values() for o in objs if o.council == council]

    def client(self, actor: str) -> Client:
        # A crash is a finding of the sweep (a 500), not an error of the test.
        client = Client(raise_request_exception=False)
        if actor != "anonymous":
            client.force_login(self.users[actor], backend=MODEL_BACKEND)
        return client

    @functools.cached_property
    def administrator(self) -> Client:
        return self.client("superuser")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Both councils and the users, built once for the module and rolled back after it; each
    test runs in its own savepoint. Uploads go to a temporary media folder."""
    media = tmp_path_factory.mktemp("media")
    # The comment rate limits (kept in the cache across runs) would answer 429 before the views
    # look their objects up: the sweep is about authorisation, not flooding.
    limits = {"per_ip": 10**6, "per_email": 10**6, "mails_per_email": 10**6, "window": 60}
    with (
        override_settings(MEDIA_ROOT=media, COMMENT_RATE_LIMITS=limits),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        marks, objects = Markers(), {}

        def add(instance, council, public):
            objects.setdefault(type(instance), []).append(Obj(instance, council, public))

        theme = factories.ThemeFactory(name_ar="محور مشترك", name_fr="Axe partagé")
        add(theme, "shared", True)
        add(SustainableDevelopmentGoal.objects.get(number=16), "shared", True)
        for tag in (A, B):
            _build_council(tag, marks, theme, add)
        # The clients sign in with force_login: no password (hashing one costs a second).
        users = {
            "superuser": factories.UserFactory(
                username="sweep-network-admin", is_staff=True, is_superuser=True, password=None
            )
        }
        councils = {o.council: o.instance for o in objects[Council]}
        for group_name, slug in ROLE_SLUGS.items():
            users[slug] = factories.staff_user(
                group_name, councils[A], username=f"{A}-{slug}", password=None
            )
        other = factories.staff_user(
            roles.COORDINATOR,
            councils[B],
            username=marks.add(B, "private", "coordinator-username"),
            first_name=marks.add(B, "private", "coordinator-first-name"),
            email=f"{marks.add(B, 'private', 'coordinator-email')}@example.org",
            password=None,
        )
        users[f"{B}-coordinator"] = other
        add(other, B, False)
        for model in admin.site._registry:
            build = USER_OWNED_BUILDERS.get(model._meta.label_lower)
            if build and model not in SCOPES:
                add(build(model, other, marks, B), B, False)
        for group in Group.objects.filter(name__in=roles.ROLES):
            add(group, "shared", False)
        yield World(marks, objects, users)
        transaction.set_rollback(True)


# --- the URL patterns ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def routes():
    return collect_routes()


# --- filling the patterns -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Fill:
    values: dict
    objects: tuple = ()  # the objects the URL names
    query: tuple = ()  # query-string pairs


def _objects_for(route: Route, world: World, tag: str) -> list[Obj]:
    model = view_model(route)
    if model is not None and not scoping.is_scoped(model):  # shared rows (the UN goals)
        return world.of(model, "shared")
    return world.of(model, tag) if model else world.all_of(tag)


def _admin_model_objects(route: Route, world: World, tag: str) -> list[Obj]:
    model = route.model_admin.model
    if model in SCOPES or model is User:
        return _one_per_model(world.of(model, tag))
    if _user_link(model) is not None:
        if model._meta.label_lower not in USER_OWNED_BUILDERS:
            raise Unfillable(
                f"{route.label}: {model._meta.label} belongs to a user: add a builder to "
                "USER_OWNED_BUILDERS"
            )
        return _one_per_model(world.of(model, tag))
    if model._meta.label_lower in NON_COUNCIL_MODELS:
        found = [Obj(o, "shared", False) for o in model._default_manager.order_by("pk")[:2]]
        return found or [Obj(model(pk=2**31 - 1), "shared", False)]
    raise Unfillable(
        f"{route.label}: {model._meta.label} has no council scope and is not in "
        "NON_COUNCIL_MODELS (register it in its app's registry.py, or add it to the list with a "
        "reason)"
    )


def _one_per_model(objs: list[Obj]) -> list[Obj]:
    """In the admin a council's objects are all equally out of reach: one per model will do
    (the one of the plan in preparation, when there is one)."""
    by_model = {}
    for o in sorted(objs, key=lambda o: o.public):
        by_model.setdefault(type(o.instance), o)
    return list(by_model.values())


def _admin_fills(route: Route, world: World, tag: str, params: frozenset) -> list[Fill]:
    if not params:
        return [Fill({})]
    if route.model_admin is not None and len(params) == 1 and params <= {"object_id", "id", "pk"}:
        (param,) = params
        return [Fill({param: o.pk}, (o,)) for o in _admin_model_objects(route, world, tag)]
    if route.model_admin is not None and params == {"object_id", "name"}:  # a plan's templates
        return [
            Fill({"object_id": o.pk, "name": name}, (o,))
            for o in _admin_model_objects(route, world, tag)
            for name in ("plan.xlsx", "commitments.csv")
        ]
    if route.model_admin is not None and params == {"_0", "_1"}:  # simple-history's revert form
        fills = []
        for o in _admin_model_objects(route, world, tag):
            record = o.instance.history.order_by("history_id").first()
            fills.append(Fill({"_0": o.pk, "_1": record.history_id}, (o,)))
        return fills
    if params == {"content_type_id", "object_id"}:
        return [
            Fill(
                {
                    "content_type_id": ContentType.objects.get_for_model(o.instance).pk,
                    "object_id": o.pk,
                },
                (o,),
            )
            for o in _one_per_model(world.all_of(tag))
        ]
    if params == {"app_label"}:
        labels = sorted({m._meta.app_label for m in admin.site._registry})
        return [Fill({"app_label": label}) for label in labels]
    if params == {"url"}:  # the admin's catch-all view
        o = world.of(ActionPlan, tag)[0]
        return [
            Fill({"url": "no-such-page"}),
            Fill({"url": f"consultations/actionplan/{o.pk}/change"}, (o,)),
        ]
    if params == {"fmt"}:
        return [Fill({"fmt": fmt}) for fmt in ("csv", "xlsx", "txt")]
    raise Unfillable(f"{route.label}: admin parameters {sorted(params)}")


# The pages of a signed link only an e-mail holds: the sweep requests them with forged tokens.
MAILED_LINKS = {
    "commitments:comment_confirm",
    "commitments:follow_confirm",
    "commitments:follow_manage",
    "commitments:follow_unsubscribe",
    "commitments:proposal_confirm",
    "commitments:support_confirm",
}


def _public_fills(route: Route, world: World, tag: str, params: frozenset) -> list[Fill]:
    plans = world.of(ActionPlan, tag)

    def plan_values(o: Obj) -> dict:
        return {"council_slug": o.instance.council.slug, "start_year": o.instance.start_year}

    if not params:
        return [Fill({})]
    if params == {"slug"}:
        model = view_model(route) or Council
        if not any(f.name == "slug" for f in model._meta.fields):
            raise Unfillable(f"{route.label}: <slug> of {model._meta.label}, which has none")
        return [Fill({"slug": o.instance.slug}, (o,)) for o in world.of(model, tag)]
    if params == {"pk"}:
        return [Fill({"pk": o.pk}, (o,)) for o in _objects_for(route, world, tag)]
    if params == {"council_slug"}:  # the Follow form of a council's page
        return [Fill({"council_slug": o.instance.slug}, (o,)) for o in world.of(Council, tag)]
    if params == {"council_slug", "start_year"}:
        return [Fill(plan_values(p), (p,)) for p in plans]
    if params == {"council_slug", "start_year", "reference"}:
        # Every plan with every commitment: a draft commitment through the published plan too.
        return [
            Fill({**plan_values(p), "reference": c.instance.reference}, (p, c))
            for p in plans
            for c in world.of(Commitment, tag)
        ]
    if params == {"council_slug", "start_year", "pk"}:
        return [
            Fill({**plan_values(p), "pk": o.pk}, (p, o))
            for p in plans
            for o in _objects_for(route, world, tag)
        ]
    if params == {"council_slug", "start_year", "kind"} and route.name in KINDS:
        return [Fill({**plan_values(p), "kind": k}, (p,)) for p in plans for k in KINDS[route.name]]
    if params == {"kind", "pk"} and route.name in KINDS:
        kinds = KINDS[route.name]
        candidates = [o for model in kinds.values() if model for o in world.of(model, tag)]

        def names_the_sweeper_own(model, pk) -> bool:
            # A BRAVO pk of one kind may be the pk of the other council's object of another
            # kind, which its own staff may rightly download: that fill probes nothing of BRAVO.
            return model is not None and any(
                o.pk == pk for t in (A, B) if t != tag for o in world.of(model, t)
            )

        return [
            Fill({"kind": kind, "pk": o.pk}, (o,) if type(o.instance) is model else ())
            for kind, model in kinds.items()
            for o in candidates
            if type(o.instance) is model or not names_the_sweeper_own(model, o.pk)
        ]
    # Comment confirmation links: only the author's e-mail holds one. The same forged tokens
    # probe the links mailed to followers (MAILED_LINKS), which read another salt.
    if params == {"token"}:
        fills = []
        for o in [o for o in world.of(Comment, tag) if not o.public][:2]:
            genuine = confirmation.confirmation_token(o.instance)
            wrong_address = signing.dumps(
                {"c": o.pk, "e": "0" * 16}, salt=confirmation.CONFIRMATION_SALT, compress=True
            )
            fills += [
                Fill({"token": genuine[:-3] + "AAA"}, (o,)),
                Fill({"token": wrong_address}, (o,)),
            ]
        return fills
    if params == {"section", "page"}:  # the sitemap: public pages of every council
        return [Fill({"section": name, "page": 1}) for name in ("pages", *sitemap.SECTIONS)]
    if params == {"name", "fmt"}:  # open-data datasets
        fills = [Fill({"name": n, "fmt": f}) for n in datasets.DATASETS for f in ("csv", "json")]
        return [*fills, Fill({"name": next(iter(datasets.DATASETS)), "fmt": "xml"})]
    raise Unfillable(f"{route.label}: parameters {sorted(params)}")


def _query_fills(route: Route, fill: Fill, world: World, tag: str) -> list[tuple]:
    """Extra probes naming BRAVO's objects in the query string, for views that read ids there."""
    name = route.name
    plans = [p.pk for p in world.of(ActionPlan, tag)]
    council = world.of(Council, tag)[0].instance
    if name.endswith("_changelist"):
        return [(("q", tag),)]
    if name == "admin:autocomplete":
        return [
            (
                ("app_label", ma.opts.app_label),
                ("model_name", ma.opts.model_name),
                ("field_name", field),
                ("term", term),
            )
            for ma in admin.site._registry.values()
            for field in ma.autocomplete_fields
            for term in ("", tag)
        ]
    if name == "admin:commitments_commitment_from_proposals":
        ids = [o.pk for o in world.of(Proposal, tag)]
        return [(("proposals", ",".join(map(str, ids))),)] + [(("proposals", i),) for i in ids]
    if name == "opendata_dataset":
        if fill.values["name"] in ("commitments", "milestones", "indicators"):
            return [(("plan", p),) for p in plans]
        if fill.values["name"] == "proposals":
            return [(("council", council.pk), ("plan", p), ("q", tag)) for p in plans]
        return []
    if name == "results_decidim":
        return [(("plan", p),) for p in plans]
    if name == "consultations:proposals":
        return [(("council", council.pk), ("plan", p), ("q", tag)) for p in plans]
    if name.startswith("api:") and name.endswith("-list"):
        filterset = getattr(route.callback.cls, "filterset_class", None)
        known = {
            "council": [council.slug],
            "plan": plans,
            "workshop": [o.pk for o in world.of(Workshop, tag)],
            "commitment": [o.instance.reference for o in world.of(Commitment, tag)],
            "stage": [ActionPlan.Stage.PREPARATION],
        }
        names = filterset.base_filters if filterset else {}
        return [((f, v),) for f in names if f in known for v in known[f]]
    return []


def fills_for(route: Route, world: World, tag: str = B) -> list[Fill]:
    params = frozenset(route.params) - {"format"}
    fill = _admin_fills if route.in_admin else _public_fills
    fills = fill(route, world, tag, params)
    if "format" in route.params:
        # The suffix picks a renderer, not the objects: every fill as JSON, one per format.
        first, *_rest = FORMATS
        fills = [dataclasses.replace(f, values={**f.values, "format": first}) for f in fills] + [
            dataclasses.replace(fills[0], values={**fills[0].values, "format": fmt})
            for fmt in FORMATS[1:]
        ]
        return fills
    extra = [
        dataclasses.replace(f, query=q) for f in fills for q in _query_fills(route, f, world, tag)
    ]
    return fills + extra


# --- how each admin view is requested -----------------------------------------------------------

# Admin views by name: "get" only, or the POST the sweep sends too.
ADMIN_SITE_VIEWS = {
    "admin:index": "get",
    "admin:login": "get",
    "admin:logout": "get",  # a POST would end the sweep's own session
    "admin:password_change": "get",  # a POST changes the signed-in user's own password only
    "admin:password_change_done": "get",
    "admin:autocomplete": "get",
    "admin:jsi18n": "get",
    "admin:view_on_site": "get",
    "admin:app_list": "get",
    "admin:consultations_workshop_import_template": "get",
    "admin:consultations_workshop_import_proposals": "import",
    "admin:commitments_commitment_from_proposals": "from_proposals",
    "admin:consultations_actionplan_record": "record",  # a plan adopted outside the portal
    "admin:consultations_actionplan_import": "import_plan",  # its commitments from a file
    "admin:consultations_actionplan_import_template": "get",
    # The texts awaiting translation: a GET filter form, each user's councils only.
    "admin:consultations_actionplan_translations": "get",
    # What followers would be told of the progress entries typed on the change page: the
    # page's own form, posted; nothing is saved (a GET goes back to the change page).
    "admin:commitments_milestone_notification_preview": "notification_preview",
    "admin:commitments_indicator_notification_preview": "notification_preview",
    "admin:auth_user_password_change": "password",
    "admin:otp_totp_totpdevice_config": "get",  # a device's secret as an otpauth:// link
    "admin:otp_totp_totpdevice_qrcode": "get",  # the same as a QR code
    # The signed-in user's own two-factor set-up (opengov.twofactor): no object in the URL, and
    # a POST would only turn the sweep's own user's second factor on or off.
    "twofactor:setup": "get",
    "twofactor:disable": "get",
    "twofactor:qr": "get",
}
# ModelAdmin views, by the end of their name.
MODEL_ADMIN_VIEWS = (
    ("_simple_history", "history_form"),
    ("_history", "get"),
    ("_changelist", "changelist"),
    ("_add", "add"),
    ("_change", "change"),
    ("_delete", "delete"),
)


def admin_view_kind(route: Route) -> str:
    if route.name in ADMIN_SITE_VIEWS:
        return ADMIN_SITE_VIEWS[route.name]
    if route.model_admin is not None:
        if not route.name:
            return "get"  # <object_id>/ redirects to the change page
        for suffix, kind in MODEL_ADMIN_VIEWS:
            if route.name.endswith(suffix):
                return kind
    if not route.name and set(route.params) == {"url"}:
        return "get"  # the catch-all view
    raise Unfillable(
        f"{route.label}: an admin view the sweep does not know how to request "
        "(add it to ADMIN_SITE_VIEWS)"
    )


def admin_form_data(world: World, route: Route, obj: Obj) -> dict:
    """What a network administrator's browser sends back from the object's change page: a
    valid form, so a refusal is the authorisation's and not the form's."""
    cache_key = (type(obj.instance), obj.pk)
    if cache_key not in world.form_cache:
        opts = route.model_admin.opts
        url = f"/{LANGUAGES[0]}/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/change/"
        response = world.administrator.get(url)
        data = {}
        if response.status_code == 200 and "adminform" in response.context:
            data = form_values(response.context["adminform"].form)
            for inline in response.context["inline_admin_formsets"]:
                data.update(form_values(inline.formset.management_form))
                for form in inline.formset.forms:
                    data.update(form_values(form))
        world.form_cache[cache_key] = data
    return dict(world.form_cache[cache_key])


def _actions_of(world: World, model_admin) -> list[str]:
    request = RequestFactory().get("/")
    request.user = world.users["superuser"]
    return list(model_admin.get_actions(request))


@dataclasses.dataclass(frozen=True)
class Probe:
    route: Route
    method: str
    path: str
    query: tuple
    body: Callable[[], dict] | None
    objects: tuple

    @property
    def url(self) -> str:
        return self.path + ("?" + urlencode(self.query, doseq=True) if self.query else "")


def probes_for(route: Route, fill: Fill, world: World, tag: str) -> list[Probe]:
    path = build_path(route, fill.values)
    probe = functools.partial(Probe, route, path=path, query=fill.query, objects=fill.objects)
    out = [probe(method="GET", body=None)]
    if not route.in_admin:
        return out
    kind = admin_view_kind(route)
    bodies: list[Callable[[], dict]] = []
    if kind in ("change", "history_form", "notification_preview") and fill.objects:
        bodies.append(lambda: admin_form_data(world, route, fill.objects[0]))
    elif kind == "add" and not fill.query:
        model = route.model_admin.model
        bodies += [
            functools.partial(admin_form_data, world, route, o)
            for o in _one_per_model(world.of(model, tag))
        ]
    elif kind == "delete" and fill.objects:
        bodies.append(lambda: {"post": "yes"})
    elif kind == "changelist" and not fill.query:
        selected = [o.pk for o in world.of(route.model_admin.model, tag)]
        if selected:
            for action in _actions_of(world, route.model_admin):
                bodies.append(
                    functools.partial(
                        dict,
                        action=action,
                        _selected_action=selected,
                        index="0",
                        select_across="0",
                        apply="1",  # the hide action's confirmation
                        reason="sweep",
                        post="yes",  # delete_selected's confirmation
                    )
                )
    elif kind == "import" and fill.objects:
        bodies += [
            lambda: {"token": "forged"},
            lambda: {"file": SimpleUploadedFile("p.csv", imports.template_csv(), "text/csv")},
        ]
    elif kind == "import_plan" and fill.objects:
        plan = fill.objects[0].instance
        bodies += [
            lambda: {"token": "forged"},
            lambda: {
                "workbook": SimpleUploadedFile(
                    "plan.xlsx", plan_imports.template_xlsx(plan.start_year)
                )
            },
        ]
    elif kind == "from_proposals" and fill.query:
        plan = world.of(ActionPlan, tag)[0].pk
        commitment = world.of(Commitment, tag)[0].pk
        for mode in ("new", "existing"):
            bodies.append(
                functools.partial(
                    dict,
                    mode=mode,
                    plan=plan,
                    commitment=commitment,
                    reference="SWEEP-1",
                    title_ar="sweep",
                )
            )
    elif kind == "record" and fill.objects:
        # Valid real past dates: a refusal is the authorisation's, not the form's.
        bodies.append(
            lambda: {
                "to_stage": ActionPlan.Stage.ADOPTED,
                "consultation_opens_on": "2022-10-03",
                "consultation_closes_on": "2022-10-31",
                "adopted_on": "2022-12-15",
            }
        )
    elif kind == "password" and fill.objects:
        secret = "Sweep-Pass-2024-long!"
        bodies.append(lambda: {"password1": secret, "password2": secret, "usable_password": "true"})
    return out + [probe(method="POST", body=body) for body in bodies]


# --- sending and judging ------------------------------------------------------------------------


def content_of(response) -> str:
    """The answer's text, lower-cased; ZIP and XLSX downloads and gzip files (the sitemap's
    pages) unpacked."""
    # The test client closes a streamed file once it is read (calling close() here would send
    # request_finished, which drops the test's database connection).
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if raw[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            raw = b"\n".join(archive.read(name) for name in archive.namelist())
    return raw.decode("utf-8", "replace").lower()


def send(client: Client, probe: Probe):
    """The answer, and the body that was posted (None for a GET)."""
    if probe.method == "GET":
        return client.get(probe.url), None
    body = probe.body()
    return client.post(probe.url, body), body


def _sent(probe: Probe, body: dict | None) -> str:
    """The text of the request: URL and posted values."""
    values = []
    for value in (body or {}).values():
        values += value if isinstance(value, list | tuple) else [value]
    return " ".join([unquote(probe.url), *map(str, values)]).lower()


def judge(
    response, probe: Probe, forbidden: Iterable[str], must_hide: bool, body: dict | None = None
) -> list[str]:
    """What is wrong with one answer. Markers the request itself carries are not counted (pages
    echo their own path in the language switch, forms echo what was posted)."""
    problems = []
    status = response.status_code
    asked = _sent(probe, body)
    if status >= 500:
        problems.append(f"server error {status}")
    if must_hide and status == 200:
        problems.append("answered 200 for an object it must not show")
    where = {"body": content_of(response)}
    if 300 <= status < 400:
        where["Location"] = unquote(response.get("Location", "")).lower()
    for part, text in where.items():
        # One finding per marker, so that a known bug explains only what it shows.
        problems += [f"{part} shows {m}" for m in sorted(forbidden) if m in text and m not in asked]
    return problems


def _council_rows(world: World, tag: str) -> list[tuple[str, models.QuerySet]]:
    """Every row that belongs to the council: its scoped objects, their many-to-many links and
    history, the reports on its comments and its staff."""
    council = world.of(Council, tag)[0].pk
    rows = []
    for model, lookup in SCOPES.items():
        own = model._base_manager.filter(**{lookup: council})
        rows.append((model._meta.label, own))
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            links = through._base_manager.filter(**{f"{field.m2m_field_name()}__in": own})
            rows.append((f"{model._meta.label}.{field.name}", links))
        if hasattr(model, "history"):
            history = model.history.model._base_manager.filter(id__in=own.values("pk"))
            rows.append((f"{model._meta.label} history", history))
    rows.append(("comment reports", CommentReport.objects.filter(comment__plan__council=council)))
    rows.append(("staff users", User.objects.filter(councils=council)))
    for model in admin.site._registry:
        link = _user_link(model)
        if link is not None and model not in SCOPES:
            owned = model._base_manager.filter(**{f"{link.name}__councils": council})
            rows.append((f"{model._meta.label} of its staff", owned))
    return rows


def snapshot(world: World, tag: str) -> dict:
    """A digest of every row of the council, in one query: equal digests, unchanged rows."""
    if tag not in world.snapshot_sql:
        parts, params = [], []
        for label, queryset in _council_rows(world, tag):
            model = queryset.model
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            ids, ids_params = queryset.order_by().values("pk").query.sql_with_params()
            # Table and column names come from the models, values go as parameters.
            digest = f"md5(coalesce(string_agg(t::text, '|' ORDER BY t.{pk}), ''))"
            parts.append(f"SELECT %s, count(*), {digest} FROM {table} t WHERE t.{pk} IN ({ids})")  # noqa: S608
            params += [label, *ids_params]
        world.snapshot_sql[tag] = (" UNION ALL ".join(parts), params)
    sql, params = world.snapshot_sql[tag]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {label: (count, digest) for label, count, digest in cursor.fetchall()}


def _diff(before: dict, after: dict) -> list[str]:
    return [key for key in before if before[key] != after.get(key)]


def write_counts() -> tuple:
    """How many rows this connection's transaction has inserted, updated and deleted so far, per
    table (pg_stat_xact_user_tables). Attempts count, a write rolled back to a savepoint too, so
    the figures only grow: the same figures twice mean nothing was written in between."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relid, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables "
            "WHERE n_tup_ins + n_tup_upd + n_tup_del > 0 ORDER BY relid"
        )
        return tuple(cursor.fetchall())


class RowWatch:
    """snapshot() of one council, taken again only when the test's connection has written a row
    since the last one (a digest costs a scan of the council's rows, the write counts one small
    query; most requests of the sweep write nothing). For one sweep only: a rollback between two
    tests undoes rows without lowering the counts."""

    def __init__(self, world: World, tag: str):
        self.world, self.tag = world, tag
        self.counts = write_counts()
        self.state = snapshot(world, tag)

    def now(self) -> dict:
        counts = write_counts()
        if counts != self.counts:
            self.counts, self.state = counts, snapshot(self.world, self.tag)
        return self.state


@dataclasses.dataclass
class Outcome:
    failures: list = dataclasses.field(default_factory=list)
    known: list = dataclasses.field(default_factory=list)
    requests: int = 0
    patterns: set = dataclasses.field(default_factory=set)


FULL, LIGHT = "full", "light"  # every fill, GET and POST / the first fill of each pattern, GET


@contextlib.contextmanager
def _quiet_refusals():
    """django.request logs every 403 and 404 with its traceback: thousands of them here. Server
    errors (logged as errors) still show."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def sweep(
    world,
    routes,
    actor: str,
    lang: str,
    admin_depth: str | None = FULL,
    public_depth: str | None = FULL,
    only: Callable[[Route], bool] = bool,
) -> Outcome:
    """Request the patterns of `lang` (and, for the first language, those outside
    i18n_patterns) filled with BRAVO's objects, as `actor`, and judge every answer. BRAVO's rows
    are compared after each pattern that was sent a POST (a change is laid at its door, or at a
    GET's since the previous comparison) and at the end."""
    outcome = Outcome()
    client = world.client(actor)
    everything_of_b = world.markers.of(council=B)
    hidden = world.markers.of(public=False)
    everything = world.markers.of()
    rows = RowWatch(world, B)
    state = rows.state

    def record(route, findings):
        for finding in findings:
            line = f"[{route.label}] {finding}"
            known = any(bug.explains(route.label, finding) for bug in KNOWN_BUGS)
            (outcome.known if known else outcome.failures).append(line)

    with _quiet_refusals():
        for route in routes:
            if route.lang != lang and not (route.lang is None and lang == LANGUAGES[0]):
                continue
            depth = admin_depth if route.in_admin else public_depth
            if depth is None or route.label in UNFILLABLE or not only(route):
                continue
            outcome.patterns.add((route.key, route.lang))
            fills = fills_for(route, world)
            if depth == LIGHT:
                probes = probes_for(route, fills[0], world, B)[:1]
            else:
                probes = [p for fill in fills for p in probes_for(route, fill, world, B)]
            findings, posted = [], False
            for probe in probes:
                if route.in_admin:
                    # Staff of ALPHA reach no BRAVO object; a visitor reaches no object at all.
                    forbidden = everything if actor == "anonymous" else everything_of_b
                    must_hide = any(o.council == B for o in probe.objects)
                else:
                    forbidden = hidden
                    must_hide = any(not o.public for o in probe.objects)
                response, body = send(client, probe)
                outcome.requests += 1
                problems = judge(response, probe, forbidden, must_hide, body)
                if not route.in_admin and response.status_code == 405 and must_hide:
                    # A POST-only public view: post to it as a citizen would.
                    probe = dataclasses.replace(probe, method="POST", body=dict)
                    response, body = send(client, probe)
                    outcome.requests += 1
                    problems += judge(response, probe, forbidden, must_hide, body)
                posted |= probe.method == "POST"
                findings += [f"{actor} {probe.method} {probe.url} -> {p}" for p in problems]
            if posted:
                now = rows.now()
                if changed := _diff(state, now):
                    findings.append(f"{actor} POST {route.key} -> changed BRAVO's rows: {changed}")
                state = now
            record(route, findings)
    # A full digest at the end, whatever the write counts say: a change they did not show (a
    # write by another connection) still fails the sweep.
    if changed := _diff(state, snapshot(world, B)):
        outcome.failures.append(f"[a GET at the end of the sweep] changed BRAVO's rows: {changed}")
    return outcome


def _assert_clean(outcome: Outcome):
    report = "\n".join(outcome.failures[:60])
    more = len(outcome.failures) - 60
    assert not outcome.failures, f"{len(outcome.failures)} leaks:\n{report}" + (
        f"\n… and {more} more" if more > 0 else ""
    )


# --- the inventory ------------------------------------------------------------------------------


def test_world_covers_every_scoped_model(world):
    """BRAVO holds an object of every council-scoped model, in its published plan and in its
    plan in preparation: the sweep has something to fill every parameter with."""
    for model in SCOPES:
        found = world.of(model, B)
        assert found, f"no {model.__name__} of BRAVO: build one in _build_council"
        # A row of no plan (the council, its programmes) is public with its council.
        if scoping.scope_of(model).plan is not None:
            assert {o.public for o in found} == {True, False}, model.__name__
    markers = world.markers.of(council=B)
    assert len(markers) == len(set(markers)) > 50


def test_every_url_pattern_is_classified(world, routes):
    """Every pattern is filled and requested; a new view the sweep cannot fill fails here until
    a filler knows it or UNFILLABLE says why not."""
    unfillable = {}
    for route in routes:
        try:
            fills = fills_for(route, world)
            if not fills:
                raise Unfillable(f"{route.label}: no BRAVO object to fill it with")
            for fill in fills:
                probes_for(route, fill, world, B)
        except Unfillable as error:
            unfillable[route.label] = str(error)
    new = {label: why for label, why in unfillable.items() if label not in UNFILLABLE}
    assert not new, "patterns the sweep cannot fill:\n" + "\n".join(new.values())
    gone = set(UNFILLABLE) - {route.label for route in routes}
    assert not gone, f"UNFILLABLE names patterns that no longer exist: {gone}"
    # The walk reached every part of the site.
    langs = {route.lang for route in routes}
    assert langs == {None, *LANGUAGES}
    names = {route.name for route in routes}
    for expected in ("api:plan-detail", "admin:index", "commitments:evidence", "opendata_zip"):
        assert expected in names
    for model in admin.site._registry:
        assert any(
            route.model_admin is not None and route.model_admin.model is model for route in routes
        ), model


# --- the sweep ----------------------------------------------------------------------------------

# (actor, language, admin depth, public depth). ALPHA's coordinator gets everything; the other
# roles differ from it in the admin only; the second language prefix and the anonymous visitor's
# admin (a sign-in redirect for every URL) get each pattern once.
SWEEPS = [
    ("coordinator", LANGUAGES[0], FULL, FULL),
    *[(slug, LANGUAGES[0], FULL, None) for slug in ROLE_SLUGS.values() if slug != "coordinator"],
    *[("coordinator", lang, LIGHT, LIGHT) for lang in LANGUAGES[1:]],
    *[("anonymous", lang, LIGHT, FULL) for lang in LANGUAGES],
]


@pytest.mark.parametrize(
    ("actor", "lang", "admin_depth", "public_depth"),
    SWEEPS,
    ids=[f"{actor}-{lang}" for actor, lang, *_depths in SWEEPS],
)
def test_no_object_of_another_council_is_reachable(
    world, routes, actor, lang, admin_depth, public_depth, capsys
):
    cpu = time.process_time()
    outcome = sweep(world, routes, actor, lang, admin_depth, public_depth)
    cpu = time.process_time() - cpu
    with capsys.disabled():
        print(
            f"\n[authorisation sweep] {actor}/{lang}: {len(outcome.patterns)} patterns, "
            f"{outcome.requests} requests ({cpu:.1f} s of CPU in the test process), "
            f"{len(outcome.known)} findings of known bugs"
        )
    assert outcome.requests >= len(outcome.patterns) > 0
    _assert_clean(outcome)


# --- positive controls: the sweep sees what it looks for ------------------------------------------


def _admin_object_routes(routes, kinds=("change", "get")):
    for route in routes:
        if (
            route.lang == LANGUAGES[0]
            and route.model_admin is not None
            and route.name
            and set(route.params) == {"object_id"}
            and admin_view_kind(route) in kinds
            and (route.model_admin.model in SCOPES or route.model_admin.model is User)
        ):
            yield route


def test_network_administrator_reaches_bravo_through_the_same_fills(world, routes):
    """The fills the sweep sends ALPHA's staff open BRAVO's objects for a superuser, markers
    included: a scoping hole would have shown in the sweep."""
    client = world.client("superuser")
    bravo = world.markers.of(council=B)
    missing, count = [], 0
    for route in _admin_object_routes(routes):
        for fill in fills_for(route, world):
            for probe in probes_for(route, fill, world, B)[:1]:
                response = client.get(probe.url)
                count += 1
                text = content_of(response)
                if response.status_code != 200 or not any(m in text for m in bravo):
                    missing.append(f"{probe.url} [{route.label}] -> {response.status_code}")
    assert count > 25
    assert not missing, "\n".join(missing)


def test_superuser_actions_reach_bravo_objects(world, routes):
    """The changelist actions' POSTs are well-formed: the comment export, sent by a superuser
    with BRAVO's comments selected, returns their bodies."""
    client = world.client("superuser")
    route = next(r for r in routes if r.name == "admin:commitments_comment_changelist")
    posts = [p for p in probes_for(route, Fill({}), world, B) if p.method == "POST"]
    exports = [p for p in posts if p.body()["action"] == "export_csv"]
    assert exports
    text = content_of(send(client, exports[0])[0])
    assert f"{B}-pub-comment-body" in text


@pytest.mark.parametrize("role", ROLE_SLUGS.values())
def test_alpha_staff_reach_alpha_objects_through_the_same_fills(world, routes, role):
    """The same fills with ALPHA's objects open for ALPHA's staff wherever their role may view
    the model (and show ALPHA's markers): the refusals in the sweep are the scoping's."""
    user = world.users[role]
    client = world.client(role)
    alpha = world.markers.of(council=A)
    wrong, opened = [], 0
    for route in _admin_object_routes(routes, kinds=("change",)):
        model = route.model_admin.model
        if model is User:
            continue
        may_view = user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
        for fill in fills_for(route, world, A):
            response = client.get(build_path(route, fill.values))
            text = content_of(response)
            shows = response.status_code == 200 and any(m in text for m in alpha)
            opened += shows
            if shows is not may_view:
                wrong.append(f"{route.label} #{fill.values} -> {response.status_code}")
    assert opened
    assert not wrong, "\n".join(wrong)


def test_public_fills_serve_bravo_published_plan(world, routes):
    """Every public pattern with parameters answers, for BRAVO's published objects, with
    BRAVO's public markers; the data lists and downloads carry them too. The sweep's 404s for
    the plan in preparation are therefore not a wrong fill."""
    client = world.client("anonymous")
    public = world.markers.of(council=B, public=True)
    exports = {
        "api:council-list",
        "api:plan-list",
        "api:commitment-list",
        "api:workshop-list",
        "api:proposal-list",
        "api:comment-list",
        "opendata_zip",
        "opendata_dataset",
        "results_decidim",
        "consultations:proposals",
        "home",
    }
    unanswered, seen = [], set()
    for route in routes:
        if route.in_admin or route.lang not in (None, LANGUAGES[0]):
            continue
        if route.name in MAILED_LINKS:
            continue  # forged tokens only; the genuine links: the next test, tests/.../follows
        if not set(route.params) - {"format"} and route.name not in exports:
            continue
        fills = fills_for(route, world)
        if fills and all(f.objects and {o.council for o in f.objects} == {"shared"} for f in fills):
            seen.add(route.label)  # shared rows only (the UN goals): no BRAVO marker to find
            continue
        answered = False
        for fill in fills:
            if not all(o.public for o in fill.objects):
                continue
            probe = probes_for(route, fill, world, B)[0]
            response, _body = send(client, probe)
            if response.status_code == 405:
                response, _body = send(client, dataclasses.replace(probe, method="POST", body=dict))
                answered |= response.status_code != 404
                continue
            if response.get("Content-Type") == "image/png":
                # A plan's sharing picture: its markers are drawn, not written.
                answered |= response.status_code == 200
                continue
            text = content_of(response)
            answered |= response.status_code == 200 and any(m in text for m in public)
        if not answered:
            unanswered.append(route.label)
        seen.add(route.label)
    downloads = {
        "commitments:evidence",
        "commitments:plan_document",
        "consultations:workshop_document",
        "consultations:programme_document",
    }
    assert downloads <= seen
    assert not unanswered, f"no fill of BRAVO's published plan answered: {unanswered}"


def test_genuine_confirmation_link_opens(world, routes):
    """The sweep's confirmation tokens are refused because they are forged: the genuine one of
    the same comment opens its page."""
    comment = next(o for o in world.of(Comment, B) if o.instance.state == Comment.State.PENDING)
    route = next(r for r in routes if r.name == "commitments:comment_confirm")
    token = confirmation.confirmation_token(comment.instance)
    response = world.client("anonymous").get(build_path(route, {"token": token}))
    assert response.status_code == 200
    assert comment.instance.body.lower() in content_of(response)


def test_snapshot_notices_a_change(world):
    """The comparison of BRAVO's rows sees a changed field and a removed link; so does the
    sweep's RowWatch, which takes the digest again only after a write."""
    commitment = world.of(Commitment, B)[0].instance
    watch = RowWatch(world, B)
    before = snapshot(world, B)
    assert watch.now() == before
    Commitment.objects.filter(pk=commitment.pk).update(partners_ar="changed by the test")
    commitment.source_proposals.clear()
    changed = _diff(before, snapshot(world, B))
    assert changed == ["commitments.Commitment", "commitments.Commitment.source_proposals"]
    assert _diff(before, watch.now()) == changed


def test_sweep_notices_a_leak(world, routes):
    """judge() flags a page that shows another council's object: the change page of BRAVO's
    plan, as a superuser sees it, judged as if ALPHA's coordinator had received it."""
    route = next(r for r in routes if r.name == "admin:consultations_actionplan_change")
    fill = fills_for(route, world)[0]
    probe = probes_for(route, fill, world, B)[0]
    response, _body = send(world.client("superuser"), probe)
    problems = judge(response, probe, world.markers.of(council=B), must_hide=True)
    assert any("200" in p for p in problems)
    assert f"body shows {B}-draft-plan-title-ar" in problems


# --- the API's relations ------------------------------------------------------------------------


def _pk_relations(serializer_class) -> dict:
    """The serializer's fields that carry primary keys, with the model they name."""
    from rest_framework.relations import PrimaryKeyRelatedField

    relations = {}
    for name, field in serializer_class().fields.items():
        child = getattr(field, "child_relation", field)
        if isinstance(child, PrimaryKeyRelatedField):
            model = serializer_class.Meta.model._meta.get_field(field.source).related_model
            relations[name] = model
    return relations


def api_relation_findings(world, routes) -> tuple[list[tuple[str, str]], int]:
    """(pattern, finding) for every primary key an API answer carries that names an object
    citizens may not see, and how many relations were read."""
    client = world.client("anonymous")
    hidden = {model: {o.pk for o in objs if not o.public} for model, objs in world.objects.items()}
    findings, checked = [], 0
    for route in routes:
        view_class = getattr(route.callback, "cls", None)
        serializer = getattr(view_class, "serializer_class", None)
        if serializer is None or "format" in route.params:
            continue
        relations = _pk_relations(serializer)
        for fill in fills_for(route, world):
            response = client.get(build_path(route, fill.values), dict(fill.query))
            if response.status_code != 200:
                continue
            data = response.json()
            items = data["results"] if isinstance(data, dict) and "results" in data else [data]
            for item in items:
                for name, model in relations.items():
                    value = item.get(name)
                    checked += 1
                    leaked = hidden.get(model, set()) & set(
                        value if isinstance(value, list) else [value]
                    )
                    if leaked:
                        where = f"{fill.values or ''}{dict(fill.query) or ''}"
                        findings.append(
                            (
                                route.label,
                                f"{route.label} {where}: {name} names hidden "
                                f"{model.__name__} {sorted(leaked)}",
                            )
                        )
    return findings, checked


def test_api_relations_name_no_hidden_object(world, routes):
    """Ids are no markers: every primary key an API answer carries (a proposal's commitments, a
    commitment's source proposals...) names an object citizens may see."""
    findings, checked = api_relation_findings(world, routes)
    assert checked > 10
    unknown = [
        line
        for label, line in findings
        if not any(b.check == "api-relations" and b.explains(label, line) for b in KNOWN_BUGS)
    ]
    assert not unknown, "\n".join(sorted(set(unknown)))


# --- leaks found by the sweep -------------------------------------------------------------------


def stale_known_bugs(bugs: list[KnownBug], routes) -> list[str]:
    """The entries whose URL pattern is gone."""
    labels = {route.label for route in routes}
    return [bug.label for bug in bugs if not any(bug.matches(label) for label in labels)]


def test_known_bugs_name_existing_patterns(routes):
    assert stale_known_bugs(KNOWN_BUGS, routes) == []
    # The check itself: an entry for a pattern that does not exist is reported, a real one not.
    gone = KnownBug("no-such-pattern", "", "made up")
    there = KnownBug("admin:index", "", "made up")
    assert stale_known_bugs([gone, there], routes) == ["no-such-pattern"]


def leak_still_shown(world, routes, bug: KnownBug) -> list[str]:
    """The findings of `bug` the sweep (or the API relations check) still makes: none once it
    is fixed."""
    if bug.check == "api-relations":
        findings, checked = api_relation_findings(world, routes)
        assert checked
        return [line for label, line in findings if bug.explains(label, line)]
    shown = []
    for actor in ("coordinator", "anonymous"):
        outcome = sweep(world, routes, actor, LANGUAGES[0], only=lambda r: bug.matches(r.label))
        assert outcome.requests
        shown += [line for line in outcome.known if re.search(bug.shows, line)]
    return shown


def test_known_leaks_are_still_there(world, routes, monkeypatch):
    """Each known bug still shows its leak (once fixed, remove its entry); and the bookkeeping
    works, on a leak planted for the test (BRAVO's marker added to the admin index ALPHA's
    coordinator receives): the main sweep fails on it, sets it aside once it is a known bug,
    and the leak check notices when it is gone."""
    fixed = [bug.label for bug in KNOWN_BUGS if not leak_still_shown(world, routes, bug)]
    assert not fixed, f"fixed: remove from KNOWN_BUGS {fixed}"

    route = next(r for r in routes if r.label == "admin:index" and r.lang == LANGUAGES[0])
    marker = world.markers.of(council=B)[0]
    planted = KnownBug(route.label, re.escape(marker), "planted by the test")
    only_it = {"only": lambda r: r.label == route.label}
    index = build_path(route, {})
    real_send = send

    def leaking_send(client, probe):
        response, body = real_send(client, probe)
        if probe.url.split("?")[0] == index and not response.streaming:
            response.content = response.content + f"<p>{marker}</p>".encode()
        return response, body

    monkeypatch.setattr(sys.modules[__name__], "send", leaking_send)
    outcome = sweep(world, routes, "coordinator", LANGUAGES[0], **only_it)
    assert any(marker in line for line in outcome.failures), outcome.failures
    monkeypatch.setattr(sys.modules[__name__], "KNOWN_BUGS", [planted])
    outcome = sweep(world, routes, "coordinator", LANGUAGES[0], **only_it)
    assert not outcome.failures and outcome.known
    assert leak_still_shown(world, routes, planted)
    monkeypatch.setattr(sys.modules[__name__], "send", real_send)
    assert not leak_still_shown(world, routes, planted)

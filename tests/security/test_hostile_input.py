"""Hostile input through every form and import, and every place it comes out.

Each payload of tests/security/payloads.py goes in through the public comment forms (plan,
commitment, reply, report), the proposals search, the admin add and change forms (as network
administrator and as a council coordinator), the spreadsheet import (CSV and XLSX) and the
uploads. It must be stored exactly as typed (outer whitespace aside, and for comments the
documented removal of invisible formatting characters) or refused with a clear error and nothing
stored. Then a "hostile world" (a public plan whose every text is a payload) is read back through
the public pages, the admin, the PDF (rendered once, with a trap HTTP server that must receive no
request), the CSV, JSON and XLSX exports, the open data, the Atom feed and the API: pages are
parsed (html.parser) and must hold no element or attribute that came from a payload,
spreadsheets no formula cell.

Bugs this suite found are guarded by the tests that found them (see each test's docstring); a
bug found later is marked xfail(strict=True) with the reason "BUG: ..." until it is fixed."""

from __future__ import annotations

import copy
import csv
import datetime
import http.server
import io
import json
import re
import threading
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from commitments.comments import confirmation, services as comment_services
from commitments.models import (
    AssessmentEvidence,
    Comment,
    Commitment,
    CommitmentAssessment,
    Indicator,
    Milestone,
    MilestoneUpdate,
    PlanSelfAssessment,
)
from commitments.publishing.pdf import render_plan_pdf
from consultations.models import ActionPlan, Proposal, Workshop, WorkshopDocument
from opendata import bundle, datasets
from opengov.roles import COORDINATOR, MONITORING_BODY
from tests import factories
from tests.admin.helpers import admin_form_data
from tests.security.payloads import (
    BAD_DATES,
    BAD_DECIMALS,
    BIG,
    BY_ID,
    NUL,
    ORDINARY,
    PAYLOADS,
    PDF_BYTES,
    REFUSED,
    TRAP,
    TRAP_PORT,
    UPLOAD_NAMES,
    URL_BY_ID,
    URLS,
    Page,
    comment_normal_form,
    form_stored,
    is_formula,
    png,
    xlsx_cells,
)

# The whole-site sweep: in `make test`, not in `make quick`.
pytestmark = [pytest.mark.django_db, pytest.mark.sweep]

MARKERS = {p.marker for p in PAYLOADS} | {
    re.search(r"zq\d\dq", url).group() for _i, url, _ok in URLS
}
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def clean_page(html: str, texts=()) -> Page:
    """The page holds no markup that came from a payload, and shows `texts` as text."""
    page = Page.parse(html)
    assert page.markup_problems(MARKERS) == []
    assert page.missing_text(texts) == [], "\n".join(page.missing_text(texts))
    return page


# --- fixtures -------------------------------------------------------------------------------------


class _TrapHandler(http.server.BaseHTTPRequestHandler):
    def _record(self):
        self.server.hits.append(f"{self.command} {self.path}")
        self.send_response(404)
        self.end_headers()

    do_GET = do_POST = do_HEAD = _record

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module", autouse=True)
def trap():
    """An HTTP server on the port the payloads point at, listening for the whole module;
    `hits` lists what it was asked for."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", TRAP_PORT), _TrapHandler)
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # The trap works: a request reaches it (so "no request" below can fail).
    with pytest.raises(urllib.error.HTTPError):
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        opener.open(f"{TRAP}/self-test", timeout=5)
    assert server.hits == ["GET /self-test"]
    server.hits.clear()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _nothing_fetched_from_the_trap(trap):
    """After each test, whatever the order: nothing it rendered, imported or exported (nor the
    fixtures it set up) asked the trap server for anything."""
    yield
    hits, trap.hits[:] = list(trap.hits), []
    assert hits == [], f"fetched from the trap server: {hits}"


@pytest.fixture(scope="module", autouse=True)
def _module_settings(tmp_path_factory):
    """Uploads go to a temporary folder; comment rate limits do not get in the way of the
    hundreds of posts from one address; every proposal fits on one page."""
    media = tmp_path_factory.mktemp("media")
    limits = {"per_ip": 100_000, "per_email": 100_000, "mails_per_email": 100_000, "window": 3600}
    with override_settings(MEDIA_ROOT=media, COMMENT_RATE_LIMITS=limits, PROPOSALS_PER_PAGE=500):
        cache.clear()
        yield media


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Users sign in with force_login: no password, so no (deliberately slow) password hashing.


def coordinator_of(council, username="coordinator"):
    return factories.staff_user(COORDINATOR, council, username=username, password=None)


def superuser(username="network-admin"):
    return get_user_model().objects.create_superuser(username, f"{username}@example.org")


def open_plan(**kwargs) -> ActionPlan:
    kwargs.setdefault("stage", ActionPlan.Stage.CONSULTATION)
    kwargs.setdefault("consultation_opens_on", TODAY - 3 * DAY)
    kwargs.setdefault("consultation_closes_on", TODAY + 3 * DAY)
    kwargs.setdefault("comments_need_moderation", False)
    return factories.ActionPlanFactory(**kwargs)


def test_audit_flags_payloads_rendered_as_markup():
    """The page check can fail: the payloads pasted raw into a page are caught, escaped not."""
    from django.utils.html import escape

    contexts = ("<div>{}</div>", '<input value="{}">', "<input value='{}'>")
    raw = "".join(c.format(p.text) for p in ORDINARY if p.has("html") for c in contexts)
    problems = Page.parse(f"<html><body>{raw}</body></html>").markup_problems(MARKERS)
    caught = {m for m in MARKERS if any(m in problem for problem in problems)}
    # Entities are text already, and a bare javascript: URL is text until something links it.
    harmless = {BY_ID["entities"].marker, BY_ID["javascript_bare"].marker}
    expected = {p.marker for p in ORDINARY if p.has("html")} - harmless
    assert caught >= expected, expected - caught
    escaped = "".join(c.format(escape(p.text)) for p in ORDINARY for c in contexts)
    assert Page.parse(escaped).markup_problems(MARKERS) == []


# --- the public comment forms ---------------------------------------------------------------------

COMMENT_CHANNELS = ("plan", "commitment", "reply")


def _comment_cases():
    for channel in COMMENT_CHANNELS:
        for payload in PAYLOADS:
            yield pytest.param(channel, payload, id=f"{channel}-{payload.id}")


def _expected_comment(text: str, max_length: int) -> object:
    """Stored comment text for what was typed, or REFUSED (NUL, too long, empty once cleaned)."""
    typed = form_stored(text, max_length)
    if typed is REFUSED:
        return REFUSED
    cleaned = comment_normal_form(typed)
    return cleaned or REFUSED


@pytest.fixture(scope="module")
def forum(django_db_setup, django_db_blocker):
    """A plan open for comments, one of its commitments and a published comment to reply to,
    built once for the module (each test's comments are rolled back after it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        plan = open_plan()
        commitment = factories.CommitmentFactory(plan=plan)
        parent = Comment.objects.create(
            plan=plan,
            author_name="Amina",
            email="amina@example.org",
            body="Publiez les budgets.",
            language="ar",
            consent_at=timezone.now(),
            state=Comment.State.PUBLISHED,
            published_at=timezone.now(),
        )
        yield plan, commitment, parent
        transaction.set_rollback(True)


@pytest.mark.parametrize(("channel", "payload"), _comment_cases())
def test_comment_is_stored_as_typed_or_refused_and_shown_as_text(client, forum, channel, payload):
    plan, commitment, first = forum
    on = commitment if channel == "commitment" else None
    parent = first if channel == "reply" else None
    url = (
        reverse("commitments:commitment_comment", args=[plan.council.slug, 2024, on.reference])
        if on
        else reverse("commitments:plan_comment", args=[plan.council.slug, 2024])
    )
    name = payload.text if len(payload.text.strip()) <= 80 else "Amina Tazi"
    data = {"author_name": name, "email": "citizen@example.org", "body": payload.text}
    data |= {"consent": "on", "website": ""}
    if parent:
        data["parent"] = str(parent.pk)
    before = Comment.objects.count()
    response = client.post(url, data)

    if len(payload.text.encode()) > settings.PUBLIC_MAX_BODY_BYTES:
        # Larger than any public form may send: refused before the body is read.
        assert response.status_code == 413
        assert Comment.objects.count() == before
        assert 'lang="ar"' in response.content.decode()
        return
    body = _expected_comment(payload.text, 3000)
    author = _expected_comment(name, 80)
    page_url = (on or plan).get_absolute_url()
    if body is REFUSED or author is REFUSED:
        assert response.status_code == 400
        assert Comment.objects.count() == before
        page = response.content.decode()
        assert 'class="error"' in page or "errornote" in page, "a clear error is shown"
        clean_page(page)  # the text typed is given back in the form, inert
        return
    assert response.status_code == 302, response.content.decode()[:2000]
    comment = Comment.objects.exclude(pk=first.pk).get(plan=plan)
    assert (comment.body, comment.author_name) == (body, author)
    assert (comment.commitment, comment.parent) == (on, parent)

    # Confirmed by its author (published at once: this plan needs no moderation), then reported.
    # The pages are checked on the plan's channel; every payload is also on the hostile world's
    # plan and commitment pages, as comments and replies (test_public_page_...).
    confirm = reverse(
        "commitments:comment_confirm", args=[confirmation.confirmation_token(comment)]
    )
    if channel == "plan":
        clean_page(client.get(confirm).content.decode(), [body])
    assert client.post(confirm).status_code == 200
    comment.refresh_from_db()
    assert comment.state == Comment.State.PUBLISHED
    report_url = reverse("commitments:comment_report", args=[comment.pk])
    if channel == "plan":
        report = client.post(report_url, follow=True)
        assert report.redirect_chain[-1][0].startswith(page_url)
        clean_page(report.content.decode(), [body, author])
    else:
        report = client.post(report_url)
        assert report.status_code == 302 and report["Location"].startswith(page_url)
    assert comment.reports.count() == 1


# --- the admin forms ------------------------------------------------------------------------------


@dataclass
class Targets:
    council: object
    theme: object
    plan: ActionPlan
    workshop: Workshop
    group: object
    document: WorkshopDocument
    proposal: Proposal
    commitment: Commitment
    milestone: Milestone
    indicator: Indicator
    assessment: CommitmentAssessment
    self_assessment: PlanSelfAssessment
    comment: Comment


def _build_targets() -> Targets:
    council = factories.CouncilFactory()
    plan = factories.ActionPlanFactory(council=council)
    workshop = factories.WorkshopFactory(council=council, plan=plan)
    group = factories.WorkingGroupFactory(workshop=workshop)
    commitment = factories.CommitmentFactory(plan=plan)
    return Targets(
        council=council,
        theme=group.theme,
        plan=plan,
        workshop=workshop,
        group=group,
        document=factories.WorkshopDocumentFactory(workshop=workshop),
        proposal=factories.ProposalFactory(working_group=group),
        commitment=commitment,
        milestone=factories.MilestoneFactory(commitment=commitment),
        indicator=factories.IndicatorFactory(commitment=commitment),
        assessment=CommitmentAssessment.objects.create(
            commitment=commitment,
            what_was_done_fr="Fait.",
            completion="limited",
            opened_government="marginal",
        ),
        self_assessment=PlanSelfAssessment.objects.create(
            plan=plan, kind="mid_term", summary_fr="Bilan."
        ),
        comment=Comment.objects.create(
            plan=plan,
            author_name="Amina",
            email="amina@example.org",
            body="Publiez.",
            language="ar",
            consent_at=timezone.now(),
            state=Comment.State.PUBLISHED,
        ),
    )


@pytest.fixture(scope="module")
def _targets(django_db_setup, django_db_blocker):
    """One plain object of each model in one council (a plan in preparation, so nothing shows
    on public pages), with a network administrator and a coordinator of that council; built
    once for the module, each test's changes rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = _build_targets()
        superuser("targets-admin")
        coordinator_of(built.council)
        # The monitoring body files the end-of-commitment assessment: its own row.
        monitor = factories.staff_user(
            MONITORING_BODY, built.council, username="monitor", password=None
        )
        type(built.assessment).objects.filter(pk=built.assessment.pk).update(filed_by=monitor)
        # Read back once built: what the database holds at the start of every test, since each
        # test's changes are rolled back.
        yield Targets(
            **{name: type(obj).objects.get(pk=obj.pk) for name, obj in vars(built).items()}
        )
        transaction.set_rollback(True)


@pytest.fixture
def targets(_targets) -> Targets:
    """The module's objects as the database holds them when the test starts: copies, which the
    test may change (earlier tests changed theirs)."""
    return copy.deepcopy(_targets)


SINGLE_LANGUAGE = {
    "contact_phone",
    "facilitator",
    "rapporteur",
    "submitted_by",
    "contact_name",
    "policy_area",
    "sector",
}


def _fields(target: str, *specs) -> list[tuple[str, str, str, int | None]]:
    """(form key, object, attribute, max length) of each text field a form shows: a translated
    field in both languages, an inline's field as (name, max length, (prefix, object))."""
    out = []
    for name, length, *inline in specs:
        if inline:
            prefix, obj = inline[0]
            out.append((f"{prefix}-0-{name}", obj, name, length))
        elif name in SINGLE_LANGUAGE or name.endswith(("_ar", "_fr")):
            out.append((name, target, name, length))
        else:
            out += [(f"{name}_{code}", target, f"{name}_{code}", length) for code in ("ar", "fr")]
    return out


class AdminForm(NamedTuple):
    app: str
    target: str  # the attribute of Targets the form changes
    fields: list
    roles: tuple[str, ...]
    add: dict | None  # values that must differ on an add form; None: no add test


ADMIN_FORMS = {
    "council": AdminForm(
        "consultations",
        "council",
        _fields("council", ("name", 200), ("contact_phone", 40)),
        ("superuser",),
        {"slug": "added", "code": "ADDED"},
    ),
    "theme": AdminForm(
        "consultations",
        "theme",
        _fields("theme", ("name", 200), ("description", None)),
        ("superuser",),
        {"slug": "added"},
    ),
    "actionplan": AdminForm(
        "consultations",
        "plan",
        _fields("plan", ("title", 255), ("introduction", None)),
        ("superuser", "coordinator"),
        {"start_year": "2030", "end_year": "2031"},
    ),
    "workshop": AdminForm(
        "consultations",
        "workshop",
        _fields(
            "workshop",
            ("title", 255),
            ("venue", 255),
            ("city", 120),
            ("chaired_by", 255),
            ("summary", None),
            ("title_ar", 255, ("groups", "group")),
            ("facilitator", 200, ("groups", "group")),
            ("title_fr", 255, ("documents", "document")),
            ("body_ar", None, ("proposals", "proposal")),
            ("submitted_by", 255, ("proposals", "proposal")),
        ),
        ("superuser", "coordinator"),
        {},
    ),
    "workinggroup": AdminForm(
        "consultations",
        "group",
        _fields("group", ("title", 255), ("facilitator", 200), ("rapporteur", 200)),
        ("superuser", "coordinator"),
        {},
    ),
    "workshopdocument": AdminForm(
        "consultations",
        "document",
        _fields("document", ("title", 255)),
        ("superuser", "coordinator"),
        None,
    ),
    "proposal": AdminForm(
        "consultations",
        "proposal",
        _fields(
            "proposal", ("title", 255), ("body", None), ("submitted_by", 255), ("response", None)
        ),
        ("superuser", "coordinator"),
        {},
    ),
    "commitment": AdminForm(
        "commitments",
        "commitment",
        _fields(
            "commitment",
            ("title", 255),
            ("problem", None),
            ("status_quo", None),
            ("description", None),
            ("expected_results", None),
            ("ogp_relevance", None),
            ("lead_agency", 255),
            ("partners", None),
            ("contribution", None),
            ("long_term_goal", None),
            ("policy_area", 255),
            ("sector", 255),
            ("contact_name", 200),
            ("title_ar", 255, ("milestones", "milestone")),
            ("deliverable_fr", None, ("milestones", "milestone")),
            ("responsible_ar", 255, ("milestones", "milestone")),
            ("evidence_ar", None, ("milestones", "milestone")),
            ("name_fr", 255, ("indicators", "indicator")),
            ("unit_ar", 80, ("indicators", "indicator")),
            ("source_fr", 255, ("indicators", "indicator")),
        ),
        ("superuser", "coordinator"),
        {"reference": "ADDED-01"},
    ),
    "milestone": AdminForm(
        "commitments",
        "milestone",
        _fields(
            "milestone",
            ("title", 255),
            ("deliverable", None),
            ("responsible", 255),
            ("evidence", None),
        ),
        ("superuser", "coordinator"),
        {},
    ),
    "indicator": AdminForm(
        "commitments",
        "indicator",
        _fields("indicator", ("name", 255), ("unit", 80), ("source", 255)),
        ("superuser", "coordinator"),
        {},
    ),
    "commitmentassessment": AdminForm(
        "commitments",
        "assessment",
        _fields(
            "assessment",
            ("what_was_done", 5000),
            ("explanation", 5000),
            ("civic_participation_explanation", 3000),
        ),
        ("superuser", "monitor"),
        None,
    ),
    "planselfassessment": AdminForm(
        "commitments",
        "self_assessment",
        _fields("self_assessment", ("summary", 10000), ("lessons", 10000)),
        ("superuser", "coordinator"),
        {"kind": "end_of_term"},
    ),
}


def _reader(targets: Targets):
    """Reads attributes of the targets from the database, each object fetched once by this
    reader (take a new one after each change)."""
    fetched = {}

    def read(target: str, attr: str):
        if target not in fetched:
            obj = getattr(targets, target)
            fetched[target] = type(obj).objects.get(pk=obj.pk)
        return getattr(fetched[target], attr)

    return read


def _read(targets: Targets, target: str, attr: str):
    return _reader(targets)(target, attr)


def _batches(fields, payloads):
    """Payloads spread over the form's fields, one per field per POST, each where it fits."""
    pending = list(payloads)
    while pending:
        batch = {}
        for key, target, attr, length in fields:
            fitting = next((p for p in pending if form_stored(p.text, length) is not REFUSED), None)
            if fitting is not None:
                batch[(key, target, attr)] = fitting
                pending.remove(fitting)
        assert batch, pending
        yield batch


def _form_data(response) -> dict:
    """The form as the browser got it, without file inputs (nothing is uploaded again)."""
    from django.db.models.fields.files import FieldFile

    assert response.status_code == 200
    return {k: v for k, v in admin_form_data(response).items() if not isinstance(v, FieldFile)}


def _form_errors(response) -> list[str]:
    if response.status_code != 200 or not response.context:
        return []
    errors = [str(m) for e in response.context["adminform"].form.errors.values() for m in e]
    for inline in response.context["inline_admin_formsets"]:
        errors += [str(m) for e in inline.formset.errors for v in e.values() for m in v]
    return errors


def _admin_cases():
    for model, form in ADMIN_FORMS.items():
        for role in form.roles:
            yield pytest.param(model, role, id=f"{model}-{role}")


def _admin_user(role, targets):
    """The module's network administrator, coordinator or monitoring body (of the targets'
    council)."""
    return get_user_model().objects.get(
        username={"superuser": "targets-admin", "monitor": "monitor"}.get(role, "coordinator")
    )


@pytest.mark.parametrize(("model", "role"), _admin_cases())
def test_admin_change_form_stores_payloads_exactly_or_refuses_them(targets, model, role):
    """The network administrator sends every payload through the form; a coordinator or the
    monitoring body (whose forms are scoped and partly read-only, but validate alike) one
    POST's worth of them."""
    app, target, fields, _roles, _add = ADMIN_FORMS[model]
    client = as_user(_admin_user(role, targets))
    url = reverse(f"admin:{app}_{model}_change", args=[getattr(targets, target).pk])
    form = _form_data(client.get(url))
    batches = list(_batches(fields, ORDINARY))
    if role != "superuser":
        batches = batches[-1:]
    for batch in batches:
        data = {**form, **{key: p.text for (key, _t, _a), p in batch.items()}}
        response = client.post(url, data)
        assert response.status_code == 302, _form_errors(response)
        stored = _reader(targets)
        for (key, obj, attr), payload in batch.items():
            assert stored(obj, attr) == form_stored(payload.text), (key, payload.id)
    # (How the stored payloads look on this page: test_admin_pages_show_payloads_as_text.)

    # Refused: a NUL character in one field, a text over the limit in another. The errors are
    # on the form, the typed text is given back inert, nothing is stored.
    (nul_key, *nul_field, _l), (long_key, *long_field, length) = [f for f in fields if f[3]][:2]
    before = _read(targets, *nul_field), _read(targets, *long_field)
    too_long = BY_ID["script_tag"].text + "ب" * length
    response = client.post(url, {**form, nul_key: NUL.text, long_key: too_long})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {nul_key, long_key} <= set(errors), errors
    clean_page(response.content.decode())
    assert (_read(targets, *nul_field), _read(targets, *long_field)) == before


def _add_cases():
    for model, form in ADMIN_FORMS.items():
        if form.add is not None:  # by the least powerful role that may add
            yield pytest.param(model, form.roles[-1], id=f"{model}-{form.roles[-1]}")


@pytest.mark.parametrize(("model", "role"), _add_cases())
def test_admin_add_form_stores_payloads_exactly(targets, model, role):
    """The add form, filled with the values of an existing object (unique ones changed) and a
    batch of payloads."""
    app, target, fields, _roles, overrides = ADMIN_FORMS[model]
    client = as_user(_admin_user(role, targets))
    existing = getattr(targets, target)
    data = _form_data(client.get(reverse(f"admin:{app}_{model}_change", args=[existing.pk])))
    for key in list(data):
        if key.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS")):
            data[key] = "0"
    own = [f for f in fields if f[1] == target]
    batch = next(_batches(own, ORDINARY[::-1]))
    data.update(overrides)
    data.update({key: p.text for (key, _t, _a), p in batch.items()})
    response = client.post(reverse(f"admin:{app}_{model}_add"), data)
    assert response.status_code == 302, _form_errors(response)
    added = type(existing).objects.exclude(pk=existing.pk).order_by("-pk").first()
    for (key, _obj, attr), payload in batch.items():
        assert getattr(added, attr) == form_stored(payload.text), (key, payload.id)


@pytest.mark.parametrize("role", ["superuser", "coordinator"])
def test_admin_official_reply_stores_the_documented_normal_form(targets, role):
    """The council's reply to a comment is cleaned like comments (services.comment_reply)."""
    client = as_user(_admin_user(role, targets))
    url = reverse("admin:commitments_comment_change", args=[targets.comment.pk])
    for payload in ORDINARY if role == "superuser" else ORDINARY[-5:]:
        response = client.post(url, {"official_reply": payload.text})
        assert response.status_code == 302, payload.id
        targets.comment.refresh_from_db()
        assert targets.comment.official_reply == comment_normal_form(payload.text), payload.id
    stored = targets.comment.official_reply
    clean_page(client.get(url).content.decode(), [stored])
    response = client.post(url, {"official_reply": NUL.text})
    assert response.status_code == 200 and _form_errors(response)
    targets.comment.refresh_from_db()
    assert targets.comment.official_reply == stored


def test_admin_stores_a_one_megabyte_text_and_shows_it_inert(targets):
    """1 MB in a text field with no limit is kept whole; in a 255-character field refused."""
    client = as_user(_admin_user("superuser", targets))
    url = reverse("admin:commitments_commitment_change", args=[targets.commitment.pk])
    data = _form_data(client.get(url))
    response = client.post(url, {**data, "description_fr": BIG.text})
    assert response.status_code == 302, _form_errors(response)
    targets.commitment.refresh_from_db()
    assert targets.commitment.description_fr == BIG.text
    response = client.post(url, {**data, "title_fr": BIG.text})
    assert response.status_code == 200 and _form_errors(response)
    clean_page(response.content.decode())
    with translation.override("fr"):
        public = targets.commitment.get_absolute_url()
    ActionPlan.objects.filter(pk=targets.plan.pk).update(stage=ActionPlan.Stage.IMPLEMENTATION)
    clean_page(Client().get(public).content.decode(), [BIG.text[:200]])


# --- the proposals search and filters (query strings) ---------------------------------------------

FILTERS = ("q", "council", "plan", "theme", "kind", "status", "page")
API_FILTERS = ("council", "plan", "workshop", "theme", "kind", "status", "page", "page_size")


def test_proposal_search_and_filters_take_any_text():
    """Every payload in every filter of the public list, of its CSV download and of the API:
    no error page, the search text given back inert, no formula in the CSV."""
    client = Client(raise_request_exception=False)
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    workshop = factories.WorkshopFactory(council=plan.council, plan=plan)
    factories.ProposalFactory(working_group=factories.WorkingGroupFactory(workshop=workshop))
    csv_url = reverse("opendata_dataset", args=["proposals", "csv"])
    for payload in PAYLOADS:
        text = payload.text[:5000]
        response = client.get(reverse("consultations:proposals"), dict.fromkeys(FILTERS, text))
        assert response.status_code == 200, payload.id
        typed = form_stored(text, 200)
        clean_page(response.content.decode(), [] if typed is REFUSED else [typed])
        response = client.get(csv_url, dict.fromkeys(FILTERS, text))
        assert response.status_code == 200, payload.id
        assert not any(is_formula(c) for row in _csv_rows(response.content) for c in row)
        response = client.get("/api/v1/proposals/", dict.fromkeys(API_FILTERS, text))
        assert response.status_code in (200, 400, 404), payload.id
        assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("value", ["²", "١٢", "1" * 30, "-1", "0x10", "1e3", "1%00"])
def test_open_data_plan_filter_answers_any_text(value):
    """?plan= takes ASCII digits; anything else (a superscript or Arabic-Indic digit, a huge
    number) is ignored or not found, never an error."""
    client = Client(raise_request_exception=False)
    url = reverse("opendata_dataset", args=["commitments", "csv"])
    assert client.get(url, {"plan": value}).status_code == 200
    assert client.get(reverse("results_decidim"), {"plan": value}).status_code in (200, 404)


def test_hostile_urls_and_redirect_targets_stay_on_the_site(client):
    """A comment's "back" link ignores foreign and javascript: targets; a 404 for a hostile
    path shows the path inert."""
    for target in (
        "javascript:alert('zq01q')",
        "//evil.example/zq02q",
        "https://evil.example",
        "\\\\evil.example",
        "/\\evil.example",
    ):
        response = client.get(reverse("commitments:comment_sent"), {"next": target})
        page = clean_page(response.content.decode())
        links = [v for tag, attrs in page.elements if tag == "a" for n, v in attrs if n == "href"]
        assert target not in links
    path = "/ar/councils/x/plans/2024/commitments/%3Cscript%3Ealert('zq03q')%3C%2Fscript%3E/"
    response = client.get(path)
    assert response.status_code == 404
    clean_page(response.content.decode())


def test_a_hostile_path_never_yields_links_to_another_site():
    """GET //evil.example/ar/proposals/: the 404 page's language link and hreflang alternates
    stay on the portal (a path starting with // would name another host)."""
    client = Client(raise_request_exception=False)
    response = client.get("/", PATH_INFO="//evil.example/ar/proposals/")
    assert response.status_code == 404
    page = clean_page(response.content.decode())
    foreign = [
        value
        for _tag, attrs in page.elements
        for name, value in attrs
        if name in ("href", "src", "action") and "evil.example" in urlsplit(value).netloc
    ]
    assert foreign == []


# --- URL fields: the milestone-update link, the milestone's evidence link, a council's website ----

GOOD_URLS = [url for _id, url, ok in URLS if ok]
BAD_URLS = [url for _id, url, ok in URLS if not ok]


def _post_updates(client, url, form, urls, main_url):
    data = {**form, "evidence_url": main_url, "updates-TOTAL_FORMS": str(len(urls))}
    for n, link in enumerate(urls):
        data |= {f"updates-{n}-status": "in_progress", f"updates-{n}-evidence_url": link}
    return client.post(url, data)


@pytest.mark.parametrize("role", ["superuser", "coordinator"])
def test_link_fields_accept_http_links_only(targets, role):
    client = as_user(_admin_user(role, targets))
    milestone = targets.milestone
    url = reverse("admin:commitments_milestone_change", args=[milestone.pk])
    form = _form_data(client.get(url))

    response = _post_updates(client, url, form, BAD_URLS, BAD_URLS[0])
    assert response.status_code == 200
    assert "evidence_url" in response.context["adminform"].form.errors
    formset = next(
        i.formset
        for i in response.context["inline_admin_formsets"]
        if i.formset.prefix == "updates"
    )
    assert [("evidence_url" in e) for e in formset.errors] == [True] * len(BAD_URLS)
    clean_page(response.content.decode())
    assert not MilestoneUpdate.objects.filter(milestone=milestone).exists()
    milestone.refresh_from_db()
    assert milestone.evidence_url == ""

    response = _post_updates(client, url, form, GOOD_URLS, GOOD_URLS[0])
    assert response.status_code == 302, _form_errors(response)
    stored = set(
        MilestoneUpdate.objects.filter(milestone=milestone).values_list("evidence_url", flat=True)
    )
    assert set(GOOD_URLS) <= stored
    milestone.refresh_from_db()
    assert milestone.evidence_url in GOOD_URLS
    ActionPlan.objects.filter(pk=targets.plan.pk).update(stage=ActionPlan.Stage.IMPLEMENTATION)
    page = clean_page(Client().get(milestone.commitment.get_absolute_url()).content.decode())
    hrefs = {v for tag, attrs in page.elements if tag == "a" for n, v in attrs if n == "href"}
    assert set(GOOD_URLS) <= hrefs


def test_council_website_accepts_http_links_only(targets):
    client = as_user(_admin_user("superuser", targets))
    council = targets.council
    url = reverse("admin:consultations_council_change", args=[council.pk])
    form = _form_data(client.get(url))
    response = client.post(url, {**form, "website": BAD_URLS[0]})
    assert response.status_code == 200 and "website" in response.context["adminform"].form.errors
    clean_page(response.content.decode())
    assert client.post(url, {**form, "website": GOOD_URLS[0]}).status_code == 302
    council.refresh_from_db()
    assert council.website == GOOD_URLS[0]
    clean_page(Client().get(council.get_absolute_url()).content.decode(), [GOOD_URLS[0]])


# --- numbers and dates ----------------------------------------------------------------------------


def _refused_fields(client, forms: dict, url: str, changes: dict) -> None:
    """Post `changes` on the form at `url` (its data read once into `forms`): each is refused."""
    if url not in forms:
        forms[url] = _form_data(client.get(url))
    response = client.post(url, {**forms[url], **changes})
    assert response.status_code == 200, f"expected a form error for {changes}"
    errors = response.context["adminform"].form.errors
    assert set(changes) <= set(errors), (set(changes) - set(errors), changes)
    clean_page(response.content.decode())


def test_admin_refuses_bad_numbers_and_dates(targets):
    client = as_user(_admin_user("superuser", targets))
    forms = {}
    decimals = [value for _id, value in BAD_DECIMALS]
    dates = dict(BAD_DATES)
    indicator = targets.indicator
    url = reverse("admin:commitments_indicator_change", args=[indicator.pk])
    for values in (decimals[:3], decimals[3:]):
        _refused_fields(
            client,
            forms,
            url,
            dict(zip(("baseline", "target", "latest_value"), values, strict=True)),
        )
    url = reverse("admin:commitments_commitment_change", args=[targets.commitment.pk])
    _refused_fields(
        client,
        forms,
        url,
        {"budget": "-1", "start_date": dates["year_10000"], "end_date": dates["feb_30"]},
    )
    _refused_fields(client, forms, url, {"budget": "1e308", "start_date": "9999-12-31"})
    url = reverse("admin:commitments_milestone_change", args=[targets.milestone.pk])
    _refused_fields(client, forms, url, {"due_date": dates["huge"], "start_date": dates["sql"]})
    url = reverse("admin:consultations_workshop_change", args=[targets.workshop.pk])
    _refused_fields(
        client,
        forms,
        url,
        {
            "starts_on": dates["year_10000"],
            "participants_citizens": "2147483648",
            "participants_academics": "-1",
        },
    )
    url = reverse("admin:consultations_actionplan_change", args=[targets.plan.pk])
    _refused_fields(client, forms, url, {"start_year": "99999", "end_year": "1e3"})
    indicator.refresh_from_db()
    assert (indicator.baseline, indicator.target) == (Decimal("0"), Decimal("100"))


def test_admin_keeps_extreme_valid_numbers_and_dates_and_pages_show_them(targets):
    client = as_user(_admin_user("superuser", targets))
    indicator, milestone = targets.indicator, targets.milestone
    url = reverse("admin:commitments_indicator_change", args=[indicator.pk])
    changes = {"baseline": "-999999999999.99", "target": "999999999999.99"}
    assert client.post(url, {**_form_data(client.get(url)), **changes}).status_code == 302
    url = reverse("admin:commitments_milestone_change", args=[milestone.pk])
    changes = {"due_date": "9999-12-31", "start_date": "0001-01-01"}
    assert client.post(url, {**_form_data(client.get(url)), **changes}).status_code == 302
    indicator.refresh_from_db()
    milestone.refresh_from_db()
    assert indicator.baseline == Decimal("-999999999999.99")
    assert milestone.due_date == datetime.date(9999, 12, 31)
    ActionPlan.objects.filter(pk=targets.plan.pk).update(stage=ActionPlan.Stage.IMPLEMENTATION)
    public = Client()
    plan = targets.plan
    for url in (
        milestone.commitment.get_absolute_url(),
        plan.get_absolute_url(),
        reverse("commitments:progress_report", args=[plan.council.slug, plan.start_year]),
        reverse("commitments:plan_feed", args=[plan.council.slug, plan.start_year]),
        reverse("opendata_dataset", args=["milestones", "csv"]),
        reverse("opendata_dataset", args=["indicators", "json"]),
        reverse("results_decidim"),
        "/api/v1/commitments/",
        reverse("home"),
    ):
        assert public.get(url).status_code == 200, url


def test_admin_refuses_participant_counts_whose_total_overflows(targets):
    """Counts that each fit an integer but add up past 2**31-1 (the database sums them in a
    CHECK constraint) are a form error, not a 500."""
    client = as_user(_admin_user("superuser", targets))
    client.raise_request_exception = False
    url = reverse("admin:consultations_workshop_change", args=[targets.workshop.pk])
    counts = dict.fromkeys(
        ("participants_civil_society", "participants_citizens", "participants_academics"),
        "2000000000",
    )
    response = client.post(url, {**_form_data(client.get(url)), **counts})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors


# --- the spreadsheet import -----------------------------------------------------------------------

IMPORT_COLUMNS = (
    "working_group",
    "kind",
    "title_ar",
    "title_fr",
    "body_ar",
    "body_fr",
    "submitted_by",
)


def _import_rows(group, payloads):
    return [[group.title_fr, "proposal", p.text, p.text, p.text, p.text, p.text] for p in payloads]


def _csv_file(rows) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows([IMPORT_COLUMNS, *rows])
    return ("\ufeff" + out.getvalue()).encode()


def _xlsx_file(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(IMPORT_COLUMNS)
    for row in rows:
        sheet.append(row)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.data_type = "s"  # text typed in the cell, never a formula of the test's own
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _import(client, workshop, name, content):
    url = reverse("admin:consultations_workshop_import_proposals", args=[workshop.pk])
    return url, client.post(url, {"file": SimpleUploadedFile(name, content)})


def _token(response) -> str:
    page = Page.parse(response.content.decode())
    return next(
        (
            v
            for tag, attrs in page.elements
            if tag == "input" and ("name", "token") in attrs
            for n, v in attrs
            if n == "value"
        ),
        "",
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_import_stores_payloads_exactly(targets, fmt):
    """Every payload in every text column: the preview shows them as text, the import stores
    them as typed (cells are stripped of outer whitespace). XLSX cells are text cells."""
    client = as_user(_admin_user("coordinator", targets))
    rows = _import_rows(targets.group, ORDINARY)
    content = _csv_file(rows) if fmt == "csv" else _xlsx_file(rows)
    url, response = _import(client, targets.workshop, f"proposals.{fmt}", content)
    assert response.status_code == 200
    token = _token(response)
    assert token, response.context["result"].errors
    clean_page(response.content.decode(), [p.text.strip() for p in ORDINARY])
    before = set(Proposal.objects.values_list("pk", flat=True))
    assert client.post(url, {"token": token}).status_code == 302
    added = Proposal.objects.exclude(pk__in=before).order_by("pk")
    expected = [p.text.strip() for p in ORDINARY]
    assert [p.title_fr for p in added] == expected
    assert [p.body_ar for p in added] == expected
    assert [p.submitted_by for p in added] == expected


@pytest.mark.parametrize(
    "case",
    [
        "nul_in_first_4_kb",
        "nul_after_4_kb",
        "one_megabyte_cell",
        "title_over_255",
        "utf16",
        "html_file_named_xlsx",
    ],
)
def test_import_refuses_bad_files_with_a_clear_error_and_stores_nothing(targets, case):
    client = as_user(_admin_user("coordinator", targets))
    rows = _import_rows(targets.group, ORDINARY[:3])
    name = "proposals.csv"
    if case == "nul_in_first_4_kb":
        content = _csv_file([*rows, [targets.group.title_fr, "", NUL.text, "", "", "", ""]])
    elif case == "nul_after_4_kb":
        padding = [targets.group.title_fr, "", "", "x" * 5000, "", "", ""]
        content = _csv_file([padding, [targets.group.title_fr, "", NUL.text, "", "", "", ""]])
    elif case == "one_megabyte_cell":
        content = _csv_file([*rows, [targets.group.title_fr, "", "", "1 MB", "", BIG.text, ""]])
    elif case == "title_over_255":
        content = _csv_file([*rows, [targets.group.title_fr, "", "", BIG.text[:300], "", "", ""]])
    elif case == "utf16":
        content = "\n".join(",".join(r) for r in [IMPORT_COLUMNS, *rows]).encode("utf-16")
    else:
        content, name = f"<html><body>{BY_ID['script_tag'].text}</body></html>".encode(), "x.xlsx"
    before = Proposal.objects.count()
    _url, response = _import(client, targets.workshop, name, content)
    assert response.status_code == 200
    assert response.context["result"].errors
    assert _token(response) == ""
    clean_page(response.content.decode())
    assert Proposal.objects.count() == before


# --- uploads: names, contents, decompression bombs ------------------------------------------------


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """A multipart body written by hand: the test client would strip the file names' folders,
    and a hostile client sends them as it likes."""
    boundary = "----hostile-boundary-7c4f"
    parts = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                + str(item).encode()
                + b"\r\n"
            )
    for name, (filename, content) in files.items():
        # As browsers do (WHATWG multipart/form-data): quotes and line breaks percent-encoded.
        filename = filename.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
        header = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(header.encode("utf-8", "surrogateescape") + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def media(_module_settings) -> Path:
    return Path(_module_settings)


def _files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("role", ["superuser", "coordinator"])
def test_upload_names_never_reach_the_file_system(targets, media, role):
    """Workshop documents, milestone evidence and assessment evidence get a random name under
    their folder, keeping only a lower-case extension; the typed name is never a path, and is
    shown nowhere."""
    client = as_user(_admin_user(role, targets))
    before = _files_under(media)
    add = reverse("admin:consultations_workshopdocument_add")
    milestone_url = reverse("admin:commitments_milestone_change", args=[targets.milestone.pk])
    # The milestone's own status is posted as it will be: no extra entry for a status change.
    milestone_form = {**_form_data(client.get(milestone_url)), "status": "in_progress"}
    outcomes = {}
    for id_, name in UPLOAD_NAMES:
        fields = {"workshop": targets.workshop.pk, "kind": "document", "title_fr": id_}
        body, content_type = _multipart(fields, {"file": (name, PDF_BYTES)})
        document = client.post(add, body, content_type=content_type)
        fields = {**milestone_form, "updates-TOTAL_FORMS": "1", "updates-0-status": "in_progress"}
        body, content_type = _multipart(fields, {"updates-0-evidence_file": (name, PDF_BYTES)})
        evidence = client.post(milestone_url, body, content_type=content_type)
        outcomes[id_] = (document.status_code, evidence.status_code)
        for response in (document, evidence):
            if response.status_code == 200:  # refused: the error says why, the name is inert
                assert _form_errors(response), id_
                clean_page(response.content.decode())
    # Only the name too long for the field is refused ("at most 100/200 characters").
    assert outcomes == {
        id_: (200, 200) if id_ == "very_long" else (302, 302) for id_, _n in UPLOAD_NAMES
    }
    # An assessment takes three evidence files: three of the names, in one POST (by the
    # monitoring body that filed it, when not by the network administrator).
    if role != "superuser":
        client = as_user(_admin_user("monitor", targets))
    url = reverse("admin:commitments_commitmentassessment_change", args=[targets.assessment.pk])
    names = dict(UPLOAD_NAMES)
    fields = {**_form_data(client.get(url)), "evidence-TOTAL_FORMS": "3"}
    files = {}
    for n, id_ in enumerate(("dot_dot", "nul_inside", "html_name")):
        fields[f"evidence-{n}-title"] = id_
        files[f"evidence-{n}-file"] = (names[id_], PDF_BYTES)
    body, content_type = _multipart(fields, files)
    response = client.post(url, body, content_type=content_type)
    assert response.status_code == 302, _form_errors(response)

    stored = [d.file.name for d in WorkshopDocument.objects.filter(workshop=targets.workshop)]
    updates = MilestoneUpdate.objects.filter(milestone=targets.milestone).exclude(evidence_file="")
    stored += [u.evidence_file.name for u in updates]  # (entries without file: status changes)
    evidence = AssessmentEvidence.objects.filter(assessment=targets.assessment)
    assert evidence.count() == 3
    stored += [e.file.name for e in evidence]
    for name in stored:
        if name == targets.document.file.name:
            continue
        assert re.fullmatch(r"(workshops/documents|evidence)/[0-9a-f]{32}\.pdf", name), name
    new_files = _files_under(media) - before
    assert new_files and all(f.resolve().is_relative_to(media.resolve()) for f in new_files)
    assert not Path("/etc/passwd.pdf").exists()
    ActionPlan.objects.filter(pk=targets.plan.pk).update(stage=ActionPlan.Stage.IMPLEMENTATION)
    page = Client().get(targets.milestone.commitment.get_absolute_url()).content.decode()
    clean_page(page)
    assert "passwd" not in page and "onerror" not in page


def test_evidence_is_judged_by_its_content_not_its_name(targets):
    client = as_user(_admin_user("coordinator", targets))
    url = reverse("admin:commitments_milestone_change", args=[targets.milestone.pk])
    form = {
        **_form_data(client.get(url)),
        "updates-TOTAL_FORMS": "1",
        "updates-0-status": "in_progress",
    }
    html = f"<html>{BY_ID['script_tag'].text}</html>".encode()
    for name, content in (("report.pdf", html), ("image.png", b"MZ\x90\x00 not an image")):
        response = client.post(
            url, {**form, "updates-0-evidence_file": SimpleUploadedFile(name, content)}
        )
        assert response.status_code == 200, name
        assert _form_errors(response), name
    assert not MilestoneUpdate.objects.filter(milestone=targets.milestone).exists()


def test_decompression_bomb_documents_are_stored_never_decoded(targets, monkeypatch):
    """A 400-megapixel PNG of a few hundred kilobytes, as a workshop photo and as evidence: the
    server stores it as a file (never opening its pixels) and serves evidence as a download."""
    from PIL import Image

    opened = []
    original = Image.open
    monkeypatch.setattr(Image, "open", lambda *a, **k: opened.append(a) or original(*a, **k))
    bomb = png(20_000, 20_000)
    assert len(bomb) < 2 * 1024 * 1024
    client = as_user(_admin_user("coordinator", targets))
    add = reverse("admin:consultations_workshopdocument_add")
    response = client.post(
        add,
        {
            "workshop": targets.workshop.pk,
            "kind": "photo",
            "title_fr": "Photo",
            "file": SimpleUploadedFile("p.png", bomb),
        },
    )
    assert response.status_code == 302, _form_errors(response)
    url = reverse("admin:commitments_milestone_change", args=[targets.milestone.pk])
    form = {
        **_form_data(client.get(url)),
        "updates-TOTAL_FORMS": "1",
        "updates-0-status": "in_progress",
    }
    response = client.post(
        url, {**form, "updates-0-evidence_file": SimpleUploadedFile("e.png", bomb)}
    )
    assert response.status_code == 302, _form_errors(response)
    assert opened == []
    update = MilestoneUpdate.objects.get(milestone=targets.milestone)
    ActionPlan.objects.filter(pk=targets.plan.pk).update(stage=ActionPlan.Stage.IMPLEMENTATION)
    download = Client().get(reverse("commitments:evidence", args=["milestone", update.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("attachment")
    assert "sandbox" in download["Content-Security-Policy"]
    assert opened == []


def test_council_logo_refuses_decompression_bombs(targets):
    """The logo is the one image the portal decodes (in every plan PDF): 400 and 144
    megapixels in a few kilobytes are refused (Pillow itself only warns below twice its
    MAX_IMAGE_PIXELS)."""
    client = as_user(_admin_user("superuser", targets))
    url = reverse("admin:consultations_council_change", args=[targets.council.pk])
    form = _form_data(client.get(url))
    for side in (20_000, 12_000):
        logo = SimpleUploadedFile("logo.png", png(side, side), "image/png")
        response = client.post(url, {**form, "logo": logo})
        assert response.status_code == 200, side
        assert "logo" in response.context["adminform"].form.errors
    targets.council.refresh_from_db()
    assert not targets.council.logo


# --- the hostile world: a public plan whose every text is a payload -------------------------------

COMMITMENT_TEXTS = Commitment.TEXT_FIELDS


@dataclass
class World:
    council: object
    plan: ActionPlan
    theme: object
    commitments: list
    workshop: Workshop
    group: object
    document: WorkshopDocument
    proposals: list
    comments: list
    assessment: CommitmentAssessment
    self_assessment: PlanSelfAssessment
    admin: object
    coordinator: object
    pages: dict  # public URL -> the texts it must show


def _texts(pool, n):
    return [next(pool).text.strip() for _ in range(n)]


def _both(name: str, text: str) -> dict:
    return {f"{name}_ar": text, f"{name}_fr": text}


def _build_world() -> World:
    pool = iter(ORDINARY * 4)  # the commitments' texts, in turn

    def text(payload_id: str) -> str:
        return BY_ID[payload_id].text.strip()

    council = factories.CouncilFactory(
        slug="hostile",
        code="HST",
        name_ar=text("script_tag"),
        name_fr=text("img_onerror"),
        website=URL_BY_ID["quote_breakout"],
    )
    theme = factories.ThemeFactory(**_both("name", text("svg_onload")))
    plan = open_plan(
        council=council,
        **_both("title", text("title_breakout")),
        introduction_ar=text("html_in_arabic"),
        introduction_fr=text("style_close"),
    )
    workshop = factories.WorkshopFactory(
        council=council,
        plan=plan,
        **_both("title", text("attribute_breakout")),
        **_both("venue", text("meta_refresh")),
        **_both("city", text("svg_script")),
        **_both("chaired_by", text("rtl_override")),
        **_both("summary", text("entities")),
    )
    group = factories.WorkingGroupFactory(
        workshop=workshop,
        theme=theme,
        **_both("title", text("details_ontoggle")),
        facilitator=text("javascript_link"),
        rapporteur=text("weasy_img"),
    )
    document = WorkshopDocument.objects.create(
        workshop=workshop,
        **_both("title", text("weasy_link")),
        file=SimpleUploadedFile("pv.pdf", PDF_BYTES),
    )
    proposals = [
        factories.ProposalFactory(
            working_group=group,
            **_both("title", p.text.strip()),
            **_both("body", p.text.strip()),
            **_both("response", p.text.strip()),
            submitted_by=p.text.strip(),
            status=Proposal.Status.NOT_RETAINED,
        )
        for p in ORDINARY
    ]
    commitments, pages = [], {}
    for number in range(5):
        values = _texts(pool, len(COMMITMENT_TEXTS) + 1)
        commitment = factories.CommitmentFactory(
            plan=plan,
            theme=theme,
            reference=f"HST-{number + 1:02d}",
            contact_name=values[-1],
            completion_override="limited",
            completion_override_reason=values[0],
            **{
                k: v
                for name, t in zip(COMMITMENT_TEXTS, values, strict=False)
                for k, v in _both(name, t).items()
            },
        )
        milestone_texts = _texts(pool, 4)
        milestone = factories.MilestoneFactory(
            commitment=commitment,
            **_both("title", milestone_texts[0]),
            **_both("deliverable", milestone_texts[1]),
            **_both("evidence", milestone_texts[2]),
            **_both("responsible", milestone_texts[3]),
            evidence_url=URL_BY_ID["quote_breakout"],
            due_date=datetime.date(9999, 12, 31) if number == 4 else datetime.date(2024, 12, 31),
            status=Milestone.Status.COMPLETED,
            completed_on=datetime.date(2024, 5, 1),
        )
        note = _texts(pool, 1)[0]
        MilestoneUpdate.objects.create(
            milestone=milestone,
            status=Milestone.Status.COMPLETED,
            completed_on=datetime.date(2024, 5, 1),
            **_both("note", note),
            evidence_url=URL_BY_ID["local_trap"],
            evidence_file=SimpleUploadedFile("e.pdf", PDF_BYTES),
        )
        indicator_texts = _texts(pool, 3)
        factories.IndicatorFactory(
            commitment=commitment,
            **_both("name", indicator_texts[0]),
            unit_ar=indicator_texts[1],
            unit_fr=indicator_texts[1],
            **_both("source", indicator_texts[2]),
            baseline=Decimal("-5"),
            target=Decimal("999999999999.99"),
            latest_value=Decimal("-0.5"),
            latest_value_on=datetime.date(2024, 6, 1),
        )
        commitments.append(commitment)
        pages[commitment.get_absolute_url()] = [
            *values[:-1],  # the contact person is in the PDF only
            *milestone_texts,
            note,
            indicator_texts[0],
            indicator_texts[1],
        ]
    commitments[0].source_proposals.set(proposals[:3])

    comments = []
    for n, p in enumerate(ORDINARY):
        # Most on the plan, two as replies, every fourth on the first commitment.
        comment = comment_services.comment_post(
            plan=plan,
            commitment=commitments[0] if n % 4 == 3 else None,
            parent=comments[0] if n in (1, 2) else None,
            author_name=p.text,
            email="citizen@example.org",
            body=p.text,
            language="ar",
            fingerprint="x",
        )
        comments.append(comment_services.comment_confirm(comment=comment))
    admin = superuser("world-admin")
    for comment in comments:
        comment_services.comment_reply(comment=comment, text=comment.body, by=admin)
    comments = list(Comment.objects.filter(plan=plan).order_by("pk"))
    assert all(c.state == Comment.State.PUBLISHED for c in comments)

    assessment = CommitmentAssessment.objects.create(
        commitment=commitments[0],
        **_both("what_was_done", text("iframe_srcdoc")),
        **_both("explanation", text("css_expression")),
        completion="substantial",
        opened_government="major",
    )
    AssessmentEvidence.objects.create(
        assessment=assessment,
        title=text("base_href"),
        file=SimpleUploadedFile("e.pdf", PDF_BYTES),
    )
    self_assessment = PlanSelfAssessment.objects.create(
        plan=plan,
        kind="mid_term",
        **_both("summary", text("markdown_link")),
        **_both("lessons", text("template_syntax")),
    )
    on_commitment = [c for c in comments if c.commitment_id]
    on_plan = [c for c in comments if not c.commitment_id]
    pages[commitments[0].get_absolute_url()] += [
        *[v for c in on_commitment for v in (c.body, c.author_name, c.official_reply)],
        text("iframe_srcdoc"),
        text("css_expression"),
        text("base_href"),
        *[p.title_ar for p in proposals[:3]],
    ]
    names = [council.name_ar, plan.title_ar]
    pages.update(
        {
            reverse("home"): names,
            council.get_absolute_url(): [*names, workshop.title_ar, council.website],
            plan.get_absolute_url(): [
                *names,
                plan.introduction_ar,
                workshop.title_ar,
                theme.name_ar,
                *[c.title_ar for c in commitments],
                *[v for c in on_plan for v in (c.body, c.author_name, c.official_reply)],
            ],
            workshop.get_absolute_url(): [
                council.name_ar,
                plan.title_ar,
                workshop.title_ar,
                workshop.venue_ar,
                workshop.city_ar,
                workshop.chaired_by_ar,
                workshop.summary_ar,
                group.title_ar,
                group.facilitator,
                *[
                    v
                    for p in proposals
                    for v in (p.title_ar, p.body_ar, p.response_ar, p.submitted_by)
                ],
            ],
            reverse("consultations:proposals"): [
                *[
                    v
                    for p in proposals
                    for v in (p.title_ar, p.body_ar, p.response_ar, p.submitted_by)
                ]
            ],
            reverse("commitments:progress_report", args=["hostile", 2024]): [
                plan.title_ar,
                *[c.title_ar for c in commitments],
            ],
        }
    )
    return World(
        council=council,
        plan=plan,
        theme=theme,
        commitments=commitments,
        workshop=workshop,
        group=group,
        document=document,
        proposals=proposals,
        comments=comments,
        assessment=assessment,
        self_assessment=self_assessment,
        admin=admin,
        coordinator=coordinator_of(council, "world-coordinator"),
        pages=pages,
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, _module_settings):
    """Built once for the module inside a transaction that is rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic(), translation.override("ar"):
        built = _build_world()
        yield built
        transaction.set_rollback(True)


def test_world_holds_every_ordinary_payload(world):
    """The output checks below can fail: every payload is somewhere in the world."""
    stored = json.dumps(
        [
            list(Proposal.objects.filter(plan=world.plan).values()),
            list(Commitment.objects.filter(plan=world.plan).values()),
        ],
        default=str,
        ensure_ascii=False,
    )
    for payload in ORDINARY:
        assert json.dumps(payload.text.strip(), ensure_ascii=False)[1:-1] in stored, payload.id


# --- what comes out: public pages -----------------------------------------------------------------


def _page_cases():
    names = ["home", "council", "plan", "workshop", "proposals", "progress"]
    names += [f"commitment-{n}" for n in range(5)]
    return names


def _page_url(world, name: str) -> str:
    fixed = {
        "home": reverse("home"),
        "council": world.council.get_absolute_url(),
        "plan": world.plan.get_absolute_url(),
        "workshop": world.workshop.get_absolute_url(),
        "proposals": reverse("consultations:proposals"),
        "progress": reverse("commitments:progress_report", args=["hostile", 2024]),
    }
    if name.startswith("commitment-"):
        return world.commitments[int(name.split("-")[1])].get_absolute_url()
    return fixed[name]


def _with_comment_pages(client, url) -> list[Page]:
    """The page and the further pages of its comments (?comments=2, ...), each checked."""
    pages, seen, queue = [], set(), [url]
    while queue:
        current = queue.pop(0)
        response = client.get(current)
        assert response.status_code == 200, current
        page = clean_page(response.content.decode())
        pages.append(page)
        for _tag, attrs in page.elements:
            for name, value in attrs:
                found = re.search(r"[?&]comments=(\d+)", value) if name == "href" else None
                if found and found.group(1) not in seen:
                    seen.add(found.group(1))
                    queue.append(f"{url}?comments={found.group(1)}")
    return pages


@pytest.mark.parametrize("name", _page_cases())
def test_public_page_shows_payloads_as_text(client, world, name):
    url = _page_url(world, name)
    pages = _with_comment_pages(client, url)
    every = Page([e for p in pages for e in p.elements], [t for p in pages for t in p.texts], [])
    assert every.missing_text(world.pages[url]) == []


@pytest.mark.parametrize("language", ["fr"])
def test_public_plan_page_in_french_shows_payloads_as_text(client, world, language):
    with translation.override(language):
        url = world.plan.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    clean_page(response.content.decode(), [world.plan.title_fr, world.plan.introduction_fr])


# --- what comes out: the admin --------------------------------------------------------------------


def _world_admin_urls(world) -> list[tuple[str, list[str]]]:
    def change(model, obj):
        return reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
        )

    c0 = world.commitments[0]
    milestone, indicator = c0.milestones.get(), c0.indicators.get()
    comment = world.comments[0]
    return [
        (change(type(world.council), world.council), [world.council.name_ar]),
        (change(type(world.theme), world.theme), [world.theme.name_ar]),
        (change(ActionPlan, world.plan), [world.plan.title_ar, world.plan.introduction_ar]),
        (change(Workshop, world.workshop), [world.workshop.summary_ar, world.group.title_ar]),
        (change(type(world.group), world.group), [world.group.facilitator]),
        (change(WorkshopDocument, world.document), [world.document.title_ar]),
        (change(Proposal, world.proposals[0]), [world.proposals[0].body_ar]),
        (change(Commitment, c0), [c0.title_ar, c0.description_ar, milestone.title_ar]),
        (change(Milestone, milestone), [milestone.evidence_ar]),
        (change(Indicator, indicator), [indicator.name_ar]),
        (change(CommitmentAssessment, world.assessment), [world.assessment.explanation_ar]),
        (change(PlanSelfAssessment, world.self_assessment), [world.self_assessment.summary_ar]),
        (change(Comment, comment), [comment.body, comment.official_reply]),
        (reverse("admin:commitments_commitment_history", args=[c0.pk]), []),
        *[
            (reverse(f"admin:{app}_{model}_changelist"), [])
            for app, model in (
                ("consultations", "council"),
                ("consultations", "actionplan"),
                ("consultations", "workshop"),
                ("consultations", "workinggroup"),
                ("consultations", "proposal"),
                ("commitments", "commitment"),
                ("commitments", "milestone"),
                ("commitments", "indicator"),
                ("commitments", "comment"),
            )
        ],
        (reverse("admin:consultations_proposal_changelist") + "?q=zq01q", []),
    ]


@pytest.mark.parametrize("role", ["admin", "coordinator"])
def test_admin_pages_show_payloads_as_text(world, role):
    """Change pages, history and lists for the network administrator; the coordinator's change
    pages (scoped, partly read-only: read-only values are rendered by another code path)."""
    client = as_user(getattr(world, role))
    urls = _world_admin_urls(world)
    if role == "coordinator":  # pages with read-only fields for a coordinator, and the main one
        read_only = ("council", "theme", "proposal", "comment", "commitment/")
        urls = [
            (u, t) for u, t in urls if u.endswith("/change/") and any(m in u for m in read_only)
        ]
    for url, texts in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        clean_page(response.content.decode(), texts)


def test_admin_action_messages_show_payloads_as_text(world):
    """A stage action refused for a plan whose title is a payload says so as text."""
    client = as_user(world.admin)
    url = reverse("admin:consultations_actionplan_changelist")
    response = client.post(
        url,
        {"action": "move_to_closed", "_selected_action": [world.plan.pk]},
        follow=True,
    )
    assert response.status_code == 200
    page = clean_page(response.content.decode(), [world.plan.title_ar])
    assert any("errornote" in v or "error" in v for _t, a in page.elements for _n, v in a)


# --- what comes out: the PDF ----------------------------------------------------------------------


def test_pdf_prints_payloads_as_text_and_fetches_nothing(world, trap):
    """One rendering for all the payloads: nothing is fetched from the trap server, no link in
    the PDF carries a marker, and each payload is printed: its marker with, on the same or a
    neighbouring line, every word of it (tag and attribute names included). Text extraction
    gives right-to-left lines in visual order, so the words are checked, not their order."""
    data = render_plan_pdf(
        world.plan,
        "ar",
        version=1,
        published_on=datetime.date(2025, 3, 4),
        public_url="https://infitah.example.ma/ar/",
    )
    assert trap.hits == []
    reader = PdfReader(io.BytesIO(data))
    lines = "\n".join(page.extract_text() or "" for page in reader.pages).splitlines()
    # A direction override (typed by staff, kept as typed) prints its run reversed.
    lines = [f"{line} {line[::-1]}" for line in lines]
    for payload in ORDINARY:
        words = re.findall(r"[A-Za-z0-9]+", payload.text)
        near = [
            " ".join(lines[max(i - 1, 0) : i + 2])
            for i, line in enumerate(lines)
            if payload.marker in line
        ]
        assert near, f"{payload.id} is not printed"
        assert any(all(w in chunk for w in words) for chunk in near), (payload.id, near)
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            uri = str(annotation.get_object().get("/A", {}).get("/URI", ""))
            assert not any(m in uri for m in MARKERS), uri


# --- what comes out: spreadsheets, open data, feed, API -------------------------------------------


def _csv_rows(content: bytes, delimiter=",") -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=delimiter))


def _no_formula_and_all_payloads(rows, payloads=ORDINARY) -> None:
    cells = [cell for row in rows for cell in row]
    assert [c for c in cells if is_formula(c)] == []
    for payload in payloads:
        text = payload.text.strip()
        assert text in cells or f"'{text}" in cells, payload.id


def test_open_data_csv_neutralises_formulas_and_keeps_text(client, world):
    assert (
        len(datasets.DATASETS) == 20
    )  # nine, three of the assessments, four of the forum, four of the follow-up
    for name in datasets.DATASETS:
        response = client.get(reverse("opendata_dataset", args=[name, "csv"]))
        assert response.status_code == 200, name
        rows = _csv_rows(response.content)
        assert [c for row in rows for c in row if is_formula(c)] == [], name
    proposals = _csv_rows(
        client.get(reverse("opendata_dataset", args=["proposals", "csv"])).content
    )
    _no_formula_and_all_payloads(proposals)
    decidim = client.get(reverse("results_decidim") + f"?plan={world.plan.pk}")
    assert decidim.status_code == 200
    rows = _csv_rows(decidim.content, ";")
    assert [c for row in rows for c in row if is_formula(c)] == []


def test_open_data_zip_neutralises_formulas(world):
    with zipfile.ZipFile(io.BytesIO(bundle.build_zip())) as archive:
        for name in archive.namelist():
            if name.endswith(".csv"):
                delimiter = ";" if "decidim" in name else ","
                rows = _csv_rows(archive.read(name), delimiter)
                assert [c for row in rows for c in row if is_formula(c)] == [], name
        proposals = json.loads(archive.read("proposals.json"))
    titles = {p["title_ar"] for p in proposals}
    assert {p.text.strip() for p in ORDINARY} <= titles


def test_open_data_json_keeps_payloads_exactly(client, world):
    response = client.get(reverse("opendata_dataset", args=["proposals", "json"]))
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    bodies = {p["body_ar"] for p in json.loads(response.content)}
    assert {p.text.strip() for p in ORDINARY} <= bodies


def test_open_data_csv_keeps_negative_numbers_numeric(client, world):
    """Formula escaping is for text: a negative number stays a number (-5.00, not '-5.00)."""
    rows = _csv_rows(client.get(reverse("opendata_dataset", args=["indicators", "csv"])).content)
    column = rows[0].index("baseline")
    assert {row[column] for row in rows[1:]} == {"-5.00"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_comment_export_neutralises_formulas(world, fmt):
    client = as_user(world.coordinator)
    response = client.post(
        reverse("admin:commitments_comment_changelist"),
        {"action": f"export_{fmt}", "_selected_action": [c.pk for c in world.comments]},
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    if fmt == "csv":
        rows = _csv_rows(response.content)
    else:
        cells = xlsx_cells(response.content)
        assert [c.coordinate for c in cells if c.data_type == "f"] == []
        rows = [[str(c.value) for c in cells if c.value is not None]]
    formula_payloads = [
        BY_ID[i]
        for i in (
            "formula_hyperlink",
            "formula_plus",
            "formula_minus",
            "formula_at",
            "formula_tab",
            "formula_cr",
        )
    ]
    cells = [cell for row in rows for cell in row]
    assert [c for c in cells if is_formula(c)] == []
    for payload in formula_payloads:
        stored = comment_normal_form(payload.text)
        assert f"'{stored}" in cells, payload.id
    assert "citizen@example.org" not in response.content.decode("utf-8", "replace")


def test_progress_csv_neutralises_formulas(client, world):
    response = client.get(reverse("commitments:progress_report_csv", args=["hostile", 2024]))
    assert response.status_code == 200
    rows = _csv_rows(response.content)
    assert [c for row in rows for c in row if is_formula(c)] == []
    titles = {row[2] for row in rows[1:]}
    assert {c.title_ar for c in world.commitments} <= {t.removeprefix("'") for t in titles}


def test_self_assessment_export_is_a_download_never_a_page(client, world):
    """The Markdown export is raw text by design (autoescape off); it must come as a download
    that no browser renders."""
    response = client.get(
        reverse("commitments:self_assessment", args=["hostile", 2024, "mid_term"])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert world.self_assessment.summary_ar in response.content.decode()


def _feed(client, world) -> ElementTree.Element:
    response = client.get(reverse("commitments:plan_feed", args=["hostile", 2024]))
    assert response.status_code == 200
    return ElementTree.fromstring(response.content)  # noqa: S314 (our own output)


ATOM = "{http://www.w3.org/2005/Atom}"


def test_feed_titles_are_plain_text(client, world):
    feed = _feed(client, world)
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    for element in feed.iter(f"{ATOM}title"):
        assert element.get("type") in (None, "text")
    for commitment in world.commitments:
        assert any(commitment.title_ar in t for t in titles), commitment.reference


def test_feed_summaries_are_not_markup(client, world):
    """Atom summaries are declared type="html": a reader parses them as HTML, so the
    descriptions and evidence must be escaped there, and read back as the text typed."""
    feed = _feed(client, world)
    summaries = [s for s in feed.iter(f"{ATOM}summary") if s.text]
    assert summaries
    shown = Page([], [], [])
    for summary in summaries:
        content = summary.text
        if summary.get("type") == "html":
            page = Page.parse(content)
            assert page.markup_problems(MARKERS) == [], content[:200]
            shown.texts += page.texts
        else:
            shown.texts.append(content)
    assert shown.missing_text([c.description_ar for c in world.commitments]) == []


API = ("councils", "plans", "commitments", "workshops", "proposals", "comments")


def test_api_returns_payloads_exactly_as_json(client, world):
    texts = set()
    for name in API:
        response = client.get(f"/api/v1/{name}/?page_size=200", HTTP_ACCEPT="text/html")
        assert response.status_code in (200, 406), name
        if response.status_code == 406:
            response = client.get(f"/api/v1/{name}/?page_size=200")
        assert response["Content-Type"] == "application/json", name

        def walk(value):
            if isinstance(value, dict):
                for v in value.values():
                    walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)
            elif isinstance(value, str):
                texts.add(value)

        walk(json.loads(response.content))
    for payload in ORDINARY:
        assert payload.text.strip() in texts, payload.id
    assert not any("citizen@example.org" in t for t in texts)


def test_a_fetch_from_the_trap_is_seen_by_the_check_after_each_test(trap):
    """The check that ends every test of this module sees a fetch: the hit is recorded (the
    check would fail the test), then cleared so that this test passes."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with pytest.raises(urllib.error.HTTPError):
        opener.open(f"{TRAP}/fetched-by-a-test", timeout=5)
    assert trap.hits == ["GET /fetched-by-a-test"]
    trap.hits.clear()

"""Request bodies (opengov.bodies): a body larger than its route accepts is refused with a
translated 413 before anything reads it; public requests never write a file part to disk; staff
uploads under MAX_UPLOAD_BYTES still go through the admin. First through Django's test client
(with streams that fail if read), then through a real gunicorn over a raw socket: a declared
1 GB body, a chunked body that never ends, and no new file in the server's temporary folder."""

import datetime
import io
import os
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from commitments.models import Comment, Milestone, MilestoneUpdate
from consultations.models import ActionPlan, Proposal
from opengov import formtime
from tests import factories
from tests.admin.helpers import admin_form_data
from tests.support.processes import Gunicorn, web_env
from tests.support.rawhttp import chunk, read_response, send_head, send_quietly

DAY = datetime.timedelta(days=1)
GIGABYTE = 1024**3
FORM = "application/x-www-form-urlencoded"
HEADING = "What you sent is too large"


class UnreadableStream:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        pytest.fail("the body was read")

    readline = read


class EndlessStream:
    """A body that never ends (a chunked upload that keeps coming); counts what was read."""

    def __init__(self):
        self.read_bytes = 0

    def read(self, size=-1):
        size = 65536 if size is None or size < 0 else size
        self.read_bytes += size
        return b"a" * size

    readline = read


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The per-address comment limit counts in the cache: every post here comes from one address."""
    cache.clear()
    yield
    cache.clear()


def open_plan() -> ActionPlan:
    today = timezone.localdate()
    return factories.ActionPlanFactory(
        stage=ActionPlan.Stage.CONSULTATION,
        consultation_opens_on=today - 3 * DAY,
        consultation_closes_on=today + 3 * DAY,
    )


def comment_url(plan, language="ar") -> str:
    with translation.override(language):
        return reverse("commitments:plan_comment", args=[plan.council.slug, plan.start_year])


def comment_fields(body: str = "Publiez les budgets.") -> dict[str, str]:
    return {
        "author_name": "Amina Tazi",
        "email": "amina@example.org",
        "body": body,
        "consent": "on",
        "website": "",
    }


def assert_refused(response, language: str) -> None:
    assert response.status_code == 413
    page = response.content.decode()
    with translation.override(language):
        assert gettext(HEADING) in page
    assert f'lang="{language}"' in page
    assert response["Cache-Control"] == "no-store"


# --- through Django's test client ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ar", "fr"])
def test_public_post_declaring_a_huge_body_is_refused_unread(client, language):
    plan = open_plan()
    response = client.post(
        comment_url(plan, language),
        content_type=FORM,
        CONTENT_LENGTH=str(GIGABYTE),
        **{"wsgi.input": UnreadableStream()},
    )
    assert_refused(response, language)
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_public_post_one_byte_over_the_public_size_is_refused(client):
    plan = open_plan()
    body = urlencode(comment_fields("x" * settings.PUBLIC_MAX_BODY_BYTES)).encode()
    response = client.post(comment_url(plan), data=body, content_type=FORM)
    assert_refused(response, "ar")
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_the_longest_comment_in_arabic_fits_the_public_size(client):
    from commitments.models import COMMENT_MAX_LENGTH

    plan = open_plan()
    body = urlencode(comment_fields("ش" * COMMENT_MAX_LENGTH)).encode()
    assert len(body) < settings.PUBLIC_MAX_BODY_BYTES
    response = client.post(comment_url(plan), data=body, content_type=FORM)
    assert response.status_code == 302
    assert Comment.objects.get().body == "ش" * COMMENT_MAX_LENGTH


def proposal_plan() -> ActionPlan:
    today = timezone.localdate()
    return factories.ActionPlanFactory(
        stage=ActionPlan.Stage.PREPARATION,
        proposals_opens_on=today - DAY,
        proposals_closes_on=today + 3 * DAY,
    )


def proposal_fields(body: str, title: str = "Éclairage public") -> dict[str, str]:
    return {
        "kind": "proposal",
        "title": title,
        "body": body,
        "organisation": "",
        "residence": "",
        "email": "amina@example.org",
        "consent": "on",
        "website": "",
        formtime.FIELD: formtime.stamp(time.time() - 60),
    }


@pytest.mark.django_db
def test_the_longest_proposal_in_arabic_fits_the_public_size(client):
    """Every field of the Propose form at its longest, in Arabic (two bytes a letter, six once
    form-encoded), stays under the public size."""
    from commitments.proposing.services import (
        BODY_MAX_LENGTH,
        ORGANISATION_MAX_LENGTH,
        RESIDENCE_MAX_LENGTH,
        TITLE_MAX_LENGTH,
    )

    plan = proposal_plan()
    fields = proposal_fields("ش" * BODY_MAX_LENGTH, title="ع" * TITLE_MAX_LENGTH)
    fields |= {
        "organisation": "ج" * ORGANISATION_MAX_LENGTH,
        "residence": "م" * RESIDENCE_MAX_LENGTH,
    }
    body = urlencode(fields).encode()
    assert len(body) < settings.PUBLIC_MAX_BODY_BYTES
    url = reverse("commitments:plan_proposals", args=[plan.council.slug, plan.start_year])
    response = client.post(url, data=body, content_type=FORM)
    assert response.status_code == 302, response.content.decode()[:1000]
    assert Proposal.objects.get().body_ar == "ش" * BODY_MAX_LENGTH


@pytest.mark.django_db
def test_a_proposal_one_byte_over_the_public_size_is_refused(client):
    plan = proposal_plan()
    body = urlencode(proposal_fields("x" * settings.PUBLIC_MAX_BODY_BYTES)).encode()
    url = reverse("commitments:plan_proposals", args=[plan.council.slug, plan.start_year])
    assert_refused(client.post(url, data=body, content_type=FORM), "ar")
    assert not Proposal.objects.exists()


@pytest.mark.django_db
def test_a_body_without_a_length_is_read_up_to_the_public_size_and_used(client):
    plan = open_plan()
    body = urlencode(comment_fields()).encode()
    response = client.post(
        comment_url(plan),
        content_type=FORM,
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(body)},
    )
    assert response.status_code == 302
    assert Comment.objects.get().body == "Publiez les budgets."


@pytest.mark.django_db
def test_a_body_without_a_length_that_never_ends_is_refused_past_the_public_size(client):
    plan = open_plan()
    stream = EndlessStream()
    response = client.post(
        comment_url(plan, "fr"),
        content_type=FORM,
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": stream},
    )
    assert_refused(response, "fr")
    assert stream.read_bytes == settings.PUBLIC_MAX_BODY_BYTES + 1
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_public_file_parts_stay_in_memory(client, settings, tmp_path):
    # A folder that does not exist: Django's temporary-file handler, which takes any file part
    # above FILE_UPLOAD_MAX_MEMORY_SIZE, would fail to create its file there.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "missing")
    plan = open_plan()
    upload = SimpleUploadedFile("big.bin", b"x" * 32 * 1024)
    response = client.post(comment_url(plan), {**comment_fields(), "attachment": upload})
    assert response.status_code == 302
    assert Comment.objects.count() == 1
    assert not (tmp_path / "missing").exists()


@pytest.mark.django_db
def test_anonymous_admin_post_above_the_public_size_is_refused_unread(client):
    with translation.override("fr"):
        url = reverse("admin:login")
    response = client.post(
        url,
        content_type=FORM,
        CONTENT_LENGTH=str(settings.PUBLIC_MAX_BODY_BYTES + 1),
        **{"wsgi.input": UnreadableStream()},
    )
    assert_refused(response, "fr")


@pytest.mark.django_db
def test_a_signed_in_non_staff_account_gets_the_public_size_in_the_admin(client):
    client.force_login(factories.UserFactory(is_staff=False))
    response = client.post(
        reverse("admin:index"),
        content_type=FORM,
        CONTENT_LENGTH=str(settings.PUBLIC_MAX_BODY_BYTES + 1),
        **{"wsgi.input": UnreadableStream()},
    )
    assert_refused(response, "ar")


@pytest.fixture
def evidence_page(admin_client, settings, tmp_path):
    """The superuser on a milestone's admin page, where a progress entry takes an evidence file."""
    settings.MEDIA_ROOT = tmp_path / "media"
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    milestone = factories.MilestoneFactory(commitment=factories.CommitmentFactory(plan=plan))
    return admin_client, reverse("admin:commitments_milestone_change", args=[milestone.pk])


def post_evidence(client, url, content: bytes):
    page = client.get(url)
    data = {k: v for k, v in admin_form_data(page).items() if not hasattr(v, "storage")}
    index = int(data["updates-INITIAL_FORMS"])
    data["updates-TOTAL_FORMS"] = str(index + 1)
    data[f"updates-{index}-status"] = Milestone.Status.IN_PROGRESS
    data[f"updates-{index}-note_fr"] = "Rapport d'étape"
    data[f"updates-{index}-evidence_file"] = SimpleUploadedFile("rapport.pdf", content)
    return client.post(url, data)


@pytest.mark.django_db
def test_staff_upload_under_max_upload_bytes_still_goes_through_the_admin(evidence_page):
    client, url = evidence_page
    # Larger than any public body, below MAX_UPLOAD_BYTES.
    pdf = b"%PDF-1.4\n%" + b"0" * (2 * 1024 * 1024) + b"\n%%EOF\n"
    assert settings.PUBLIC_MAX_BODY_BYTES < len(pdf) < settings.MAX_UPLOAD_BYTES
    response = post_evidence(client, url, pdf)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert MilestoneUpdate.objects.get().evidence_file.read() == pdf


@pytest.mark.django_db
def test_staff_body_above_the_staff_size_is_refused_unread(evidence_page):
    client, url = evidence_page
    response = client.post(
        url,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(settings.STAFF_MAX_BODY_BYTES + 1),
        **{"wsgi.input": UnreadableStream()},
    )
    assert_refused(response, "ar")
    assert not MilestoneUpdate.objects.exists()


# --- through a real gunicorn ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def web(django_db_setup, django_db_blocker, tmp_path_factory):
    """One sync worker (as in the worst case: one slow request holds it), TMPDIR watched."""
    folder = tmp_path_factory.mktemp("bodies")
    temporary = folder / "tmp"
    temporary.mkdir()
    with django_db_blocker.unblock():
        env = web_env(TMPDIR=str(temporary))
    server = Gunicorn(env, folder / "gunicorn.log").start()
    server.temporary = temporary
    yield server
    server.stop()


def new_files(folder: Path, before: set[str]) -> set[str]:
    return set(os.listdir(folder)) - before


PUBLIC_POST = "/ar/councils/any/plans/2026/comments/"
BOUNDARY = "bodies-test-boundary"


@pytest.mark.real_services
def test_gunicorn_refuses_a_declared_gigabyte_file_part_before_writing_it(web):
    before = set(os.listdir(web.temporary))
    sock = send_head(
        web.port,
        f"""POST {PUBLIC_POST} HTTP/1.1
        Host: 127.0.0.1
        Content-Type: multipart/form-data; boundary={BOUNDARY}
        Content-Length: {GIGABYTE}""",
    )
    with sock:
        part = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        send_quietly(sock, part)
        # More than FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): Django would be writing it to TMPDIR.
        for _ in range(4 * 16):
            if not send_quietly(sock, b"\0" * 65536):
                break
        assert new_files(web.temporary, before) == set()
        status, headers, body = read_response(sock)
    assert status == 413
    assert "text/html" in headers["content-type"]
    with translation.override("ar"):
        assert gettext(HEADING) in body.decode()
    assert new_files(web.temporary, before) == set()


@pytest.mark.real_services
def test_gunicorn_refuses_a_chunked_body_that_never_ends(web):
    sock = send_head(
        web.port,
        f"""POST {PUBLIC_POST} HTTP/1.1
        Host: 127.0.0.1
        Content-Type: {FORM}
        Transfer-Encoding: chunked""",
    )
    with sock:
        sent = 0
        while sent <= settings.PUBLIC_MAX_BODY_BYTES and send_quietly(sock, chunk(b"a" * 4096)):
            sent += 4096
        # No last chunk: the body never ends. Past the public size the answer comes anyway.
        status, _headers, _body = read_response(sock)
    assert status == 413


@pytest.mark.real_services
def test_gunicorn_refuses_a_large_anonymous_admin_post(web):
    sock = send_head(
        web.port,
        f"""POST /fr/admin/login/ HTTP/1.1
        Host: 127.0.0.1
        Content-Type: {FORM}
        Content-Length: {settings.STAFF_MAX_BODY_BYTES}""",
    )
    with sock:
        status, _headers, body = read_response(sock)
    assert status == 413
    assert 'lang="fr"' in body.decode()


@pytest.mark.real_services
def test_gunicorn_still_answers_small_public_posts(web):
    # Below the size: the request reaches Django, whose CSRF check refuses a post without a
    # token (403), not the size check.
    payload = urlencode(comment_fields()).encode()
    sock = send_head(
        web.port,
        f"""POST {PUBLIC_POST} HTTP/1.1
        Host: 127.0.0.1
        Content-Type: {FORM}
        Content-Length: {len(payload)}
        Connection: close""",
    )
    with sock:
        sock.sendall(payload)
        status, _headers, _body = read_response(sock)
    assert status == 403

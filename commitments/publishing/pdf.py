"""The printable action plan: one PDF per plan, version and language, made with WeasyPrint.

Rendering never touches the network: every resource the document needs (the Amiri fonts, the
QR code, a council logo) is a local file under the static or media roots or a data: URI, and
`safe_url_fetcher` refuses everything else. User text reaches the HTML escaped by the template
engine, so a `<img src="http://…">` typed in a commitment is printed as text, never fetched.

Render in a Celery worker, never in a web request: a plan of 50 commitments (about 110 pages)
takes some 8.5 s in Arabic, 6.5 s in French, and 265 MB (bench/pdf_render.py)."""

from __future__ import annotations

import base64
import datetime
import gc
import mimetypes
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote_to_bytes, urlsplit
from urllib.request import url2pathname

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from consultations.models import (
    PARTICIPANT_CATEGORY_FIELDS,
    PARTICIPANT_SEX_FIELDS,
    ActionPlan,
    Proposal,
    WorkingGroup,
    Workshop,
)

from ..charts import plan_charts
from ..models import Commitment, Indicator, Milestone

TEMPLATE = "commitments/pdf/plan.html"
APP_DIR = Path(__file__).resolve().parent.parent
STYLESHEET = APP_DIR / "templates" / "commitments" / "pdf" / "plan.css"
# Static paths of the fonts, shipped in the repository (SIL OFL, see static/fonts/amiri/OFL.txt)
# so that the PDF looks the same whatever fonts the worker's machine has.
FONTS = (
    ("Amiri", "normal", "fonts/amiri/Amiri-Regular.ttf"),
    ("Amiri", "bold", "fonts/amiri/Amiri-Bold.ttf"),
)
# PDF/UA-1: a tagged PDF (structure tree, /MarkInfo, /Lang from <html lang>) for screen readers.
PDF_VARIANT = "pdf/ua-1"


# --- fetching resources ----------------------------------------------------------------------


def _allowed_roots() -> list[Path]:
    """The folders whose files a document may embed: static (collected and source) and media."""
    roots = [settings.STATIC_ROOT, settings.MEDIA_ROOT]
    for entry in settings.STATICFILES_DIRS:
        # An entry is a path or a (prefix, path) pair.
        roots.append(entry[1] if isinstance(entry, list | tuple) else entry)
    return [Path(root).resolve() for root in roots if root]


def _file_path(url: str) -> Path:
    """The local file a file: URL names, when it lies inside an allowed root; ValueError else."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise ValueError(f"Refused a file URL on another host: {url}")
    raw = url2pathname(parts.path)  # percent-decodes
    if ".." in PurePosixPath(raw).parts or ".." in Path(raw).parts:
        raise ValueError(f"Refused a file URL with '..': {url}")
    path = Path(raw)
    if not path.is_absolute():
        raise ValueError(f"Refused a relative file URL: {url}")
    resolved = path.resolve()
    if not any(resolved.is_relative_to(root) for root in _allowed_roots()):
        raise ValueError(f"Refused a file outside the static and media folders: {url}")
    if not resolved.is_file():
        raise ValueError(f"No such file: {url}")
    return resolved


def _data_response(url: str) -> URLFetcherResponse:
    header, comma, payload = url[len("data:") :].partition(",")
    if not comma:
        raise ValueError("Malformed data: URI")
    params = header.split(";")
    is_base64 = params[-1].lower() == "base64"
    if is_base64:
        params = params[:-1]
    media_type = params[0] or "text/plain"
    try:
        body = (
            base64.b64decode(unquote_to_bytes(payload), validate=False)
            if is_base64
            else unquote_to_bytes(payload)
        )
    except ValueError as error:
        raise ValueError("Malformed base64 in a data: URI") from error
    headers = {"Content-Type": ";".join([media_type, *params[1:]])}
    return URLFetcherResponse(url, body, headers)


def safe_url_fetcher(url: str, headers: dict | None = None) -> URLFetcherResponse:
    """Fetch a resource for the PDF without touching the network.

    Allows data: URIs, and file: URLs of existing files inside STATIC_ROOT, STATICFILES_DIRS or
    MEDIA_ROOT (after resolving symbolic links; any '..' is refused). Raises ValueError for
    everything else: http, https, ftp, file: URLs elsewhere."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "data":
        return _data_response(url)
    if scheme == "file":
        path = _file_path(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})
    raise ValueError(f"Refused to fetch {url!r}: only local static files and data: URIs")


class SafeURLFetcher(URLFetcher):
    """WeasyPrint 70 wants a URLFetcher instance (it reads its options); this one never opens
    a connection: every request goes through `safe_url_fetcher`."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)

    def fetch(self, url, headers=None):
        return safe_url_fetcher(url, headers)


# --- reading the plan ------------------------------------------------------------------------


def _labels() -> dict:
    """Labels that are model fields' names, so the PDF says what the forms and pages say
    (they are translated with the models)."""

    def label(model, name):
        return model._meta.get_field(name).verbose_name

    return {
        **{
            name: label(Commitment, name)
            for name in (
                "transparency",
                "participation",
                "accountability",
                "technology_innovation",
                "start_date",
                "end_date",
                "budget",
                "ogp_id",
                "challenge_area",
                "policy_area",
                "sector",
                "sdgs",
                "programme",
                "programme_reference",
            )
        },
        "milestone": Milestone._meta.verbose_name,
        "responsible": label(Milestone, "responsible"),
        "due_date": label(Milestone, "due_date"),
        "unit": label(Indicator, "unit"),
        "city": label(Workshop, "city"),
        "working_groups": WorkingGroup._meta.verbose_name_plural,
        "facilitator": label(WorkingGroup, "facilitator"),
        "rapporteur": label(WorkingGroup, "rapporteur"),
        "response": label(Proposal, "response"),
        "submitted_by": label(Proposal, "submitted_by"),
        "residence": label(Proposal, "residence"),
        "support_count": label(Proposal, "support_count"),
        "duplicate_of": label(Proposal, "duplicate_of"),
    }


@dataclass
class ProposalGroup:
    """Proposals of one working group (or of a workshop without group, or sent online)."""

    workshop: Workshop | None
    working_group: WorkingGroup | None
    proposals: list[Proposal] = field(default_factory=list)


def plan_for_pdf(plan: ActionPlan, *, on: datetime.date | None = None) -> dict:
    """Everything the document shows, read in a fixed number of queries (8) whatever the size
    of the plan. Each milestone's `pdf_state` is Milestone.state() on `on` (the publication
    date; today by default), so the document says "overdue" where the public page said it on
    that day."""
    plan = ActionPlan.objects.select_related("council").get(pk=plan.pk)
    commitments = list(
        Commitment.objects.filter(plan=plan)
        .select_related("theme", "programme")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "id")),
            Prefetch("indicators", queryset=Indicator.objects.order_by("id")),
            "sdgs",
        )
        .order_by("position", "reference")
    )
    workshops = list(
        Workshop.objects.filter(plan=plan)
        .prefetch_related(
            Prefetch(
                "groups",
                queryset=WorkingGroup.objects.select_related("theme").order_by("position", "id"),
            )
        )
        .order_by("starts_on", "id")
    )
    # Published proposals only: one sent online may still wait for its author or a moderator.
    proposals = (
        Proposal.objects.published()
        .filter(plan=plan)
        .select_related("working_group", "workshop", "duplicate_of")
    )
    order = {workshop.pk: index for index, workshop in enumerate(workshops)}
    groups: dict[tuple, ProposalGroup] = {}
    for proposal in sorted(
        proposals,
        key=lambda p: (
            p.workshop_id is None,
            order.get(p.workshop_id, len(order)),
            p.working_group.position if p.working_group else -1,
            p.working_group_id or 0,
            p.pk,
        ),
    ):
        key = (proposal.workshop_id, proposal.working_group_id)
        if key not in groups:
            groups[key] = ProposalGroup(proposal.workshop, proposal.working_group)
        groups[key].proposals.append(proposal)
    for commitment in commitments:
        for milestone in commitment.milestones.all():
            milestone.pdf_state = milestone.state(on=on)
    for workshop in workshops:
        workshop.pdf_categories = [
            (workshop._meta.get_field(name).verbose_name, getattr(workshop, name))
            for name in PARTICIPANT_CATEGORY_FIELDS
        ]
        workshop.pdf_sexes = [
            (workshop._meta.get_field(name).verbose_name, getattr(workshop, name))
            for name in PARTICIPANT_SEX_FIELDS
        ]
    return {
        "plan": plan,
        "council": plan.council,
        "commitments": commitments,
        "workshops": workshops,
        "proposal_groups": list(groups.values()),
        "proposal_count": sum(len(group.proposals) for group in groups.values()),
        "labels": _labels(),
        "charts": plan_charts(
            plan, commitments, rtl=translation.get_language_bidi(), on=on, font=FONTS[0][0]
        ),
    }


# --- rendering -------------------------------------------------------------------------------


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return f'"{escaped}"'


def _page_of_content() -> str:
    """The footer's "Page X of Y" as a CSS content value, from a translatable sentence:
    each placeholder becomes a page counter, the words around them CSS strings."""
    sentence = gettext("Page %(page)s of %(pages)s")
    counters = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}
    parts = re.split(r"(%\(pages?\)s)", sentence)
    return " ".join(counters.get(part) or _css_string(part) for part in parts if part)


def _font_path(static_path: str) -> Path:
    found = finders.find(static_path)
    path = Path(found) if found else Path(settings.STATIC_ROOT) / static_path
    if not path.is_file():
        raise FileNotFoundError(f"Font {static_path} is missing from the static files")
    return path


def _stylesheet() -> str:
    font_faces = "".join(
        f"@font-face {{ font-family: {family}; font-weight: {weight}; font-style: normal; "
        f'src: url("{_font_path(path).as_uri()}"); }}\n'
        for family, weight, path in FONTS
    )
    dynamic = (
        "@page { @bottom-center { content: " + _page_of_content() + "; } }\n"
        "@page cover { @bottom-center { content: none; } }\n"
    )
    return font_faces + STYLESHEET.read_text(encoding="utf-8") + dynamic


def _qr_data_uri(url: str) -> str:
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=2, dark="#000")


def _logo_uri(council) -> str:
    if not council.logo:
        return ""
    try:
        path = Path(council.logo.path)
    except (NotImplementedError, ValueError):
        return ""
    return path.as_uri() if path.is_file() else ""


def _base_url() -> str:
    """The static folder: a relative URL resolves inside it, never in the working directory."""
    return _allowed_roots()[0].as_uri() + "/"


def render_plan_html(
    plan: ActionPlan, *, version: int, published_on: datetime.date, public_url: str
) -> str:
    """The document's HTML in the active language."""
    context = plan_for_pdf(plan, on=published_on)
    context.update(
        version=version,
        published_on=published_on,
        public_url=public_url,
        qr_code=_qr_data_uri(public_url),
        logo=_logo_uri(context["council"]),
    )
    return render_to_string(TEMPLATE, context)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector, and restore its state on the way out.

    WeasyPrint keeps several hundred thousand objects alive while it renders (boxes, styles,
    layout state): as they piled up, the collector ran some eight full collections per render
    of 50 commitments, each walking all of them, about a tenth of the render's time. Reference
    counting still frees almost everything as it goes, and the few cycles left are collected
    once the collector is back: the peak memory grows by some 3 % (bench/pdf_render.py)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_plan_pdf(
    plan: ActionPlan,
    language: str,
    *,
    version: int,
    published_on: datetime.date,
    public_url: str,
) -> bytes:
    """The plan as a tagged PDF (PDF/UA-1) in `language`, with fonts embedded.

    Reads the database in a fixed number of queries, fetches nothing over the network, writes
    nothing: the caller stores the bytes. Translation is activated only for the rendering."""
    with translation.override(language), _cyclic_gc_paused():
        html = render_plan_html(
            plan, version=version, published_on=published_on, public_url=public_url
        )
        fetcher = SafeURLFetcher()
        base_url = _base_url()
        # WeasyPrint reads @font-face rules only with a font configuration, the same for the
        # stylesheet and the document: without one, "Amiri" was whatever the machine had.
        font_config = FontConfiguration()
        stylesheet = CSS(
            string=_stylesheet(), base_url=base_url, url_fetcher=fetcher, font_config=font_config
        )
        return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
            stylesheets=[stylesheet],
            font_config=font_config,
            pdf_variant=PDF_VARIANT,
            pdf_identifier=f"infitah-plan-{plan.pk}-v{version}-{language}".encode(),
        )

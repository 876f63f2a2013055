"""Template helpers for bilingual, bidirectional pages.

- `{% tr obj "title" %}`: the field in the reader's language; when it is only available in the
  other language, that text is shown wrapped in its own lang and dir, so an Arabic title inside a
  French page (or the reverse) is read and laid out right. `years=True`: each period of years in
  it ("2025-2027") is isolated left to right, so Arabic text does not show it as "2027-2025".
- `{% tr_text obj "description" %}`: the same for a multi-line field, its line breaks kept and
  its bullet lines made a list (for documents such as the PDF, where white-space: pre-line is
  not enough: a list typed as "- a" lines would otherwise print as one paragraph).
- `{{ value|bdi }}`: isolates Latin references (TTA-2024-03), dates and numbers inside text of the
  other direction.
- `{% translation_note obj … %}`: once per block, a short note that some of its texts are shown
  in another language while their translation is pending (opengov.translations), and with
  `original=True`, which version is the original when the official text was written in a
  language other than the site's default.
- `{% alternate_links %}`: hreflang alternates and the canonical link of the current page, all
  under SITE_URL (opengov.urls_absolute), never the request's host.
- `{% canonical %}`: the current page's canonical address (only `page` of its query kept).
- `{% capture [text] as name %}…{% endcapture %}`: a rendered block kept in a variable (the page's
  title and description, written into <title>, the meta description and Open Graph).
- `{{ text|truncate_text:200 }}`: plain text cut at a word, with an ellipsis.
- `{% url_in language %}`: the current page in another language.
- `{{ path|absolute }}`: a path of the portal as an absolute URL under SITE_URL (e-mails)."""

import html
import re
from itertools import groupby

from django import template
from django.conf import settings
from django.http import QueryDict
from django.urls import translate_url
from django.utils import translation
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

from opengov import formtime, translations
from opengov.urls_absolute import absolute_url
from opengov.years import isolate_in_html

register = template.Library()

DIRECTIONS = {"ar": "rtl", "fr": "ltr"}


@register.simple_tag
def tr(obj, field: str, element: str = "span", years: bool = False):
    """The translated field, falling back to the other language wrapped in its lang and dir.
    Empty string when neither language has it. With `years=True` (titles that name their
    period), each period in it is isolated left to right (opengov.years)."""
    text = _tr(obj, field, element)
    return isolate_in_html(text) if years and text else text


def _tr(obj, field: str, element: str):
    text, code = translations.shown_text(obj, field)
    if not text or code == translations.current_language():
        return text
    return format_html(
        '<{} lang="{}" dir="{}">{}</{}>',
        element,
        code,
        DIRECTIONS.get(code, "auto"),
        text,
        element,
    )


# A line that is an item of a list typed as text: "- ", "• ", "* " and their cousins.
# (Dashes, bullets and squares by code point: U+2013, U+2014, U+2022, U+00B7, U+2219, U+25E6,
# U+25AA, U+25AB, U+25CF, U+25CB, U+2023.)
BULLET = re.compile(
    "^\\s*[-*\u2013\u2014\u2022\u00b7\u2219\u25e6\u25aa\u25ab\u25cf\u25cb\u2023]\\s+(?=\\S)"
)


def text_blocks(text: str) -> SafeString:
    """Multi-line text as HTML blocks, the line breaks staff typed kept: a paragraph per run of
    lines (blank lines between runs), a <br> between its lines, and a run of bullet lines
    ("- a", "• b") as a real list. Every piece of text is escaped. No white space between the
    tags, so that the blocks look the same under white-space: pre-line."""
    blocks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
        for is_list, run in groupby(lines, key=lambda line: bool(BULLET.match(line))):
            if is_list:
                items = (f"<li>{conditional_escape(BULLET.sub('', line))}</li>" for line in run)
                blocks.append("<ul>" + "".join(items) + "</ul>")
            else:
                lines_html = "<br>".join(conditional_escape(line) for line in run)
                blocks.append(f"<p>{lines_html}</p>")
    return mark_safe("".join(blocks))  # noqa: S308 - every piece of text is escaped above


@register.simple_tag
def tr_text(obj, field: str):
    """A multi-line field (a description, a list of partners) as blocks (text_blocks) in a
    <div class="text-blocks">, in the reader's language or, falling back, in its own lang and
    dir. Empty string when neither language has it."""
    text, code = translations.shown_text(obj, field)
    if not text:
        return ""
    if code == translations.current_language():
        return format_html('<div class="text-blocks">{}</div>', text_blocks(text))
    return format_html(
        '<div class="text-blocks" lang="{}" dir="{}">{}</div>',
        code,
        DIRECTIONS.get(code, "auto"),
        text_blocks(text),
    )


def _each(objects):
    for obj in objects:
        if obj is None or obj == "":
            continue
        if isinstance(obj, list | tuple) or hasattr(obj, "model"):
            yield from obj
        else:
            yield obj


def _original_message(obj, current: str) -> str:
    original = getattr(obj, "original_language", "") or settings.LANGUAGE_CODE
    if original == settings.LANGUAGE_CODE:
        return ""  # the usual case: nothing to say
    if original == translations.OTHER:
        return translation.gettext(
            "Translation. The official text was written in another language."
        )
    if original == current:
        return translation.gettext("Original version, as officially written.")
    return translation.gettext("Translation. Original version: %(language)s.") % {
        "language": translations.language_name(original)
    }


@register.simple_tag
def translation_note(*objects, only: str = "", original: bool = False, element: str = "p"):
    """One note for a block showing the texts of `objects` (objects or lists of them): which
    languages some of them are shown in while their translation into the reader's language is
    pending; with `original`, else which version is the original (see _original_message).
    `only` limits the check to some fields ("title,description"). No query: attributes only."""
    current = translations.current_language()
    fields = [name.strip() for name in only.split(",") if name.strip()] or None
    shown: list[str] = []
    first = None
    for obj in _each(objects):
        first = first or obj
        shown += [c for c in translations.shown_in(obj, current, fields) if c not in shown]
    if shown:
        message = translation.gettext("Translation pending. Shown in: %(languages)s.") % {
            "languages": ", ".join(translations.language_name(code) for code in shown)
        }
    elif original and first is not None:
        message = _original_message(first, current)
    else:
        message = ""
    if not message:
        return ""
    return format_html(
        '<{} class="translation-note" role="note">{}</{}>', element, message, element
    )


@register.filter
def bdi(value):
    """Isolate a value (a reference, a date, a number) from the surrounding text's direction."""
    if value is None or value == "":
        return ""
    return format_html("<bdi>{}</bdi>", value)


def _local(path: str) -> str:
    """A path that cannot name another host: "//evil.example/x" would be read as one."""
    return "/" + path.lstrip("/\\")


@register.simple_tag(takes_context=True)
def url_in(context, language: str) -> str:
    request = context.get("request")
    if request is None:
        return "/"
    return translate_url(_local(request.get_full_path()), language)


# The only query parameter that names a page of its own (a list's page); filters, sorts and
# the pages of a plan's comments name the plain page, as the sitemap does.
CANONICAL_PARAMS = ("page",)


def canonical_url(request) -> str:
    """The page's canonical address under SITE_URL: its path in the reader's language, with
    `page` only, as the page cache normalised it (opengov.pagecache: an unknown parameter or
    a refused value names the plain page)."""
    query = QueryDict(getattr(request, "page_cache_query", ""))
    kept = QueryDict(mutable=True)
    for name in CANONICAL_PARAMS:
        if query.get(name) and query.get(name) != "1":
            kept[name] = query[name]
    encoded = kept.urlencode()
    return absolute_url(_local(request.path) + (f"?{encoded}" if encoded else ""))


@register.simple_tag(takes_context=True)
def canonical(context) -> str:
    request = context.get("request")
    return "" if request is None else canonical_url(request)


@register.simple_tag(takes_context=True)
def alternate_links(context):
    """The page in each language (hreflang, and x-default: the default language) and its
    canonical address, all under SITE_URL (as the sitemap lists them)."""
    request = context.get("request")
    if request is None:
        return ""
    links = []
    for code, _name in settings.LANGUAGES:
        url = absolute_url(translate_url(_local(request.path), code))
        links.append(format_html('<link rel="alternate" hreflang="{}" href="{}">', code, url))
    default = absolute_url(translate_url(_local(request.path), settings.LANGUAGE_CODE))
    links.append(format_html('<link rel="alternate" hreflang="x-default" href="{}">', default))
    links.append(format_html('<link rel="canonical" href="{}">', canonical_url(request)))
    return format_html("".join(["{}"] * len(links)), *links)


class CaptureNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name: str, text: bool):
        self.nodelist, self.name, self.text = nodelist, name, text

    def render(self, context) -> str:
        output = self.nodelist.render(context)
        if self.text:
            # Plain text on one line: tags dropped, entities read, spaces collapsed (a meta
            # description or og:title); autoescape writes it back safely.
            output = " ".join(html.unescape(strip_tags(output)).split())
        else:
            output = mark_safe(output)  # noqa: S308 (rendered by the template engine)
        context[self.name] = output
        return ""


@register.tag
def capture(parser, token):
    """{% capture [text] as name %}...{% endcapture %}: renders its content (blocks inside
    are overridden by child templates as usual) into a context variable instead of the page;
    with `text`, as plain text on one line."""
    bits = token.split_contents()
    text = "text" in bits[1:-2]
    if len(bits) < 3 or bits[-2] != "as":
        raise template.TemplateSyntaxError("{% capture [text] as name %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[-1], text)


@register.filter
def truncate_text(value, length: int = 200) -> str:
    """Plain text cut at a word boundary to at most `length` characters, with an ellipsis."""
    text = str(value or "")
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if " " in cut[length // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.\u00b7-\u2013\u2014\u060c\u061b") + "…"


@register.filter
def absolute(path) -> str:
    """The portal's path as an absolute URL under SITE_URL, never the request's host (an
    address already absolute, such as a static file on another host, is kept)."""
    if str(path).startswith(("https://", "http://")):
        return str(path)
    return absolute_url(path)


@register.filter
def percent(part, whole):
    """Whole-number share of `part` in `whole`, 0 when `whole` is 0."""
    try:
        return round(100 * part / whole) if whole else 0
    except (TypeError, ValueError):
        return 0


@register.simple_tag
def form_started():
    """The hidden time stamp of a public form (opengov.formtime)."""
    return formtime.hidden_field()

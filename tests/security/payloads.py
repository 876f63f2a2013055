"""Hostile input for the security tests: text payloads (each named, each carrying a unique ASCII
marker inside its hostile part), URLs, numbers and dates, upload names and files, and the helpers
that check an HTML page, an XML feed or a spreadsheet cell for anything a payload turned into
markup, a fetch or a formula.

The marker is what the checks look for: an event-handler attribute, a <script> or <style>
element, a URL attribute or a CSS value that contains a marker means that a payload was rendered
as markup; the marker inside a text node or an inert attribute value (an input's value) is fine."""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from opengov import spreadsheets
from tests.support.processes import free_port

# The port of the trap server the tests run: any request it receives is a fetch a payload caused.
TRAP_PORT = free_port()
TRAP = f"http://127.0.0.1:{TRAP_PORT}"

MARKER = re.compile(r"zq\d\dq")


@dataclass(frozen=True)
class Payload:
    id: str
    text: str
    tags: frozenset[str] = field(default_factory=frozenset)

    @property
    def marker(self) -> str:
        found = MARKER.search(self.text)
        assert found, self.id
        return found.group()

    def has(self, tag: str) -> bool:
        return tag in self.tags


def _p(id: str, text: str, *tags: str) -> Payload:
    return Payload(id, text, frozenset(tags))


RLO, LRO, PDF_, RLE, LRE = "\u202e", "\u202d", "\u202c", "\u202b", "\u202a"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
ZWJ, ZWNJ, ZWSP = "\u200d", "\u200c", "\u200b"
# Cyrillic letters that look Latin: PAYPAL reads "paypal.com" and is another domain.
CYR_ES, CYR_O = "\u0421", "\u043e"
PAYPAL = "\u0440\u0430\u0443\u0440\u0430l.com"
ONE_MB = 1024 * 1024

# fmt: off
PAYLOADS: tuple[Payload, ...] = (
    # script tags
    _p("script_tag", '<script>alert("zq01q")</script>', "html"),
    _p("script_mixed_case", "<ScRiPt >alert('zq02q')</sCrIpT >", "html"),
    _p("script_in_arabic", "نطالب بنشر الميزانية <script>alert('zq03q')</script> كل سنة",
       "html", "arabic"),
    # event-handler attributes
    _p("img_onerror", "<img src=x onerror=alert('zq04q')>", "html"),
    _p("attribute_breakout", "\"><img src=x onerror=alert('zq05q')>", "html"),
    _p("single_quote_breakout", "' autofocus onfocus=alert('zq06q') x='", "html"),
    _p("details_ontoggle", "<details open ontoggle=alert('zq07q')>", "html"),
    _p("html_comment_trick", '<!--<img src="--><img src=x onerror=alert(\'zq08q\')//">', "html"),
    # javascript: URLs
    _p("javascript_link", "<a href=\"javascript:alert('zq09q')\">اضغط هنا</a>", "html"),
    _p("javascript_bare", "javascript:alert('zq10q')", "html"),
    _p("iframe_srcdoc", "<iframe srcdoc=\"<script>alert('zq11q')</script>\"></iframe>", "html"),
    _p("meta_refresh",
       "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('zq12q')\">", "html"),
    # SVG
    _p("svg_onload", "<svg/onload=alert('zq13q')>", "html"),
    _p("svg_script", "<svg><script>alert('zq14q')</script></svg>", "html"),
    # CSS injection
    _p("style_attribute", "<p style=\"background:url(javascript:alert('zq15q'))\">x</p>",
       "html", "css"),
    _p("style_close", "</style><script>alert('zq16q')</script><style>", "html", "css"),
    _p("css_expression", "<div style=\"width:expression(alert('zq17q'))\">x</div>", "html", "css"),
    # breaking out of the elements pages put user text in
    _p("textarea_breakout", "</textarea><script>alert('zq18q')</script>", "html"),
    _p("title_breakout", "</title><script>alert('zq19q')</script>", "html"),
    # HTML inside Arabic text, multi-line
    _p("html_in_arabic",
       "الشفافية <b onmouseover=alert('zq20q')>والمساءلة</b>\nسطر ثان <i>zq20q</i>",
       "html", "arabic", "multiline"),
    # Unicode direction overrides and isolates, zero-width characters
    _p("rtl_override", f"فاتورة {RLO}fdp.exe zq21q{PDF_} المجلس", "bidi", "arabic"),
    _p("bidi_isolates", f"{LRI}zq22q{RLI}مجلس{PDI}{PDI} {LRE}A{PDF_}{RLE}ب{PDF_}{LRO}x{PDF_}",
       "bidi", "arabic"),
    _p("zero_width_arabic", f"مي{ZWNJ}خواهم ـ{ZWJ}هـ{ZWJ} الجماعة zq23q", "zw", "arabic"),
    _p("zero_width_space", f"zq24q{ZWSP}مشروع{ZWSP}", "invisible", "arabic"),
    # NUL byte
    _p("null_byte", "avant\x00<script>alert('zq25q')</script>", "nul", "html"),
    # SQL-like text
    _p("sql_drop", "'; DROP TABLE consultations_proposal; -- zq26q", "sql"),
    _p("sql_or", "\" OR 1=1 -- zq27q ' OR ''='", "sql"),
    # CSV formula injection
    _p("formula_hyperlink", f'=HYPERLINK("{TRAP}/zq28q","اضغط")', "formula", "fetch"),
    _p("formula_plus", "+cmd|' /C calc'!A0 zq29q", "formula"),
    _p("formula_minus", "-2+3+cmd|' /C calc'!A0 zq30q", "formula"),
    _p("formula_at", "@SUM(1+1)*cmd|' /C calc'!A0 zq31q", "formula"),
    _p("formula_tab", "\t=1+1 zq32q", "formula"),
    _p("formula_cr", "\r=1+1 zq33q", "formula"),
    # what WeasyPrint would fetch if it were markup
    _p("weasy_import", f"<style>@import url({TRAP}/zq34q.css);</style>", "html", "css", "fetch"),
    _p("weasy_url", f"<div style=\"background:url({TRAP}/zq35q.png)\">x</div>",
       "html", "css", "fetch"),
    _p("weasy_link", f"<link rel=stylesheet href={TRAP}/zq36q.css>", "html", "fetch"),
    _p("weasy_img", f'<img src="{TRAP}/zq37q.png">', "html", "fetch"),
    _p("base_href", f'<base href="{TRAP}/zq38q/">', "html", "fetch"),
    # look-alike text: Cyrillic letters in a French name, a fake domain
    _p("homoglyph", f"{CYR_ES}{CYR_O}nseil régi{CYR_O}nal — {PAYPAL} zq39q", "homoglyph"),
    # text that looks like escaping or templating: shown exactly, never decoded or evaluated
    _p("entities", "&lt;script&gt;alert('zq40q')&lt;/script&gt; &amp;amp;", "html"),
    _p("template_syntax", "{{ settings.SECRET_KEY }} {% debug %} zq41q", "template"),
    _p("markdown_link", f"[اضغط](javascript:alert('zq42q')) ![x]({TRAP}/zq42q.png)",
       "markdown", "fetch"),
    # a 1 MB body
    _p("one_megabyte", "<script>alert('zq43q')</script>" + "ب" * (ONE_MB // 2), "big", "html"),
)
# fmt: on

BY_ID = {p.id: p for p in PAYLOADS}
assert len(BY_ID) == len(PAYLOADS)
assert len({p.marker for p in PAYLOADS}) == len(PAYLOADS)
assert len(PAYLOADS) >= 25

# The payloads that fit ordinary fields: everything but the NUL byte (refused by every form) and
# the 1 MB body (tested on its own).
ORDINARY = tuple(p for p in PAYLOADS if not (p.has("nul") or p.has("big")))
NUL = BY_ID["null_byte"]
BIG = BY_ID["one_megabyte"]


# --- what is stored -------------------------------------------------------------------------------

REFUSED = object()

# Characters comments drop on purpose (commitments/comments/services.py): direction overrides and
# isolates, direction marks, zero-width space and word joiners, BOM, soft hyphen. Zero-width
# joiner and non-joiner are not among them: they shape Arabic (and Persian) letters.
_DROPPED = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")


def comment_normal_form(text: str) -> str:
    """What the comment services may store for `text`: NFC, CR LF as LF, invisible formatting
    and control characters dropped except ZWJ and ZWNJ, at most one blank line, outer
    whitespace stripped. Written from the documentation, not from the code it checks."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _DROPPED.sub("", text)
    text = "".join(
        ch
        for ch in text
        if ch in "\n\t\u200c\u200d" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def form_stored(text: str, max_length: int | None = None) -> object:
    """What a Django form field stores for `text` (outer whitespace stripped), or REFUSED: NUL
    characters are refused, and so is text over the field's length."""
    if "\x00" in text:
        return REFUSED
    text = text.strip()
    if max_length is not None and len(text) > max_length:
        return REFUSED
    return text


def visible_lines(text: str) -> list[str]:
    """The lines of a stored text as a page shows them (line breaks may become <br>)."""
    return [line.strip() for line in text.split("\n") if line.strip()]


# --- URL fields -------------------------------------------------------------------------------

# (id, value, accepted): URL fields accept http(s) links only.
URLS = (
    ("javascript", "javascript:alert('zq51q')", False),
    ("javascript_mixed_case", "JaVaScRiPt:alert('zq52q')", False),
    ("javascript_leading_space", "  javascript:alert('zq53q')", False),
    ("javascript_tab_inside", "java\tscript:alert('zq54q')", False),
    ("javascript_entity", "javascript&colon;alert('zq55q')", False),
    (
        "data_html",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgnenE1NnEnKTwvc2NyaXB0Pg==#zq56q",
        False,
    ),
    ("vbscript", "vbscript:msgbox('zq57q')", False),
    ("file_url", "file:///etc/passwd#zq58q", False),
    ("quote_breakout", f"{TRAP}/zq59q\"><script>alert('zq59q')</script>", True),
    ("local_trap", f"{TRAP}/evidence/zq60q.pdf", True),
    ("homoglyph_domain", f"https://{PAYPAL}/zq61q", True),
)
URL_BY_ID = {id_: url for id_, url, _accepted in URLS}


# --- numbers and dates ------------------------------------------------------------------------

HUGE = "9" * 40
# (id, value) for decimal fields of 14 digits with 2 decimals.
BAD_DECIMALS = (
    ("huge", HUGE),
    ("exponent", "1e308"),
    ("nan", "NaN"),
    ("infinity", "-Infinity"),
    ("too_precise", "0.0000001"),
    ("sql", "1; DROP TABLE commitments_indicator"),
)
BAD_DATES = (
    ("year_10000", "10000-01-01"),
    ("feb_30", "2024-02-30"),
    ("huge", HUGE),
    ("sql", "2024-01-01'; DROP TABLE x; --"),
)


# --- upload names and files -----------------------------------------------------------------------

UPLOAD_NAMES = (
    ("dot_dot", "../../etc/passwd.pdf"),
    ("dot_dot_windows", "..\\..\\windows\\win.ini.pdf"),
    ("absolute", "/etc/passwd.pdf"),
    ("absolute_windows", "C:\\Windows\\System32\\evil.pdf"),
    ("nul_inside", "evil.php\x00.pdf"),
    ("html_name", '"><img src=x onerror=alert(1)>.pdf'),
    ("rtl_override_name", f"report{RLO}fdp.exe.pdf"),
    ("very_long", "a" * 500 + ".pdf"),
)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png(width: int, height: int) -> bytes:
    """A 1-bit black PNG of the given size, compressed to almost nothing: a decompression bomb
    when the size is large (20 000 x 20 000 is 400 megapixels in a few hundred kilobytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row) for _ in range(height)]
    data = b"".join(parts) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


# --- checking output ------------------------------------------------------------------------------

# Attributes whose value is data, not behaviour: a payload may sit there (escaped).
INERT_ATTRIBUTES = {"value", "title", "alt", "aria-label", "placeholder", "label", "data-value"}
# Attributes that make the browser go somewhere: a link to the portal itself (a hostile path
# in the page's own URL, percent-encoded) is fine there, a foreign or javascript: URL is not.
NAVIGATION_ATTRIBUTES = {"href", "src", "action", "formaction"}
SAFE_SCHEMES = {"http", "https", "mailto", ""}
SITE = "http://testserver/"  # the test client's host


def _same_site(url: str) -> bool:
    """A URL of the portal itself: a path ("/..." but not "//host"), the test server's or one
    under SITE_URL (the absolute links the portal writes: alternates, canonical link)."""
    from django.conf import settings

    return (url.startswith("/") and not url.startswith(("//", "/\\"))) or url.startswith(
        (SITE, f"{settings.SITE_URL}/")
    )


class _Page(HTMLParser):
    """Elements with their attributes, text nodes and raw-text (script, style) contents."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str]]]] = []
        self.texts: list[str] = []
        self.raw: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, [(name.lower(), value or "") for name, value in attrs]))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        if self.cdata_elem:  # inside <script> or <style>
            self.raw.append((self.cdata_elem, data))
        else:
            self.texts.append(data)


@dataclass
class Page:
    """An HTML document as html.parser reads it, with the two checks the tests make."""

    elements: list[tuple[str, list[tuple[str, str]]]]
    texts: list[str]
    raw: list[tuple[str, str]]

    @classmethod
    def parse(cls, html: str) -> Page:
        parser = _Page()
        parser.feed(html)
        parser.close()
        return cls(parser.elements, parser.texts, parser.raw)

    def markup_problems(self, markers) -> list[str]:
        """Places where a marker became markup: the content of a script or style element, an
        event-handler, style or other non-inert attribute, an attribute name, a <meta
        http-equiv>, a URL attribute other than a link to the portal or an http(s) <a href>."""
        problems = []
        for tag, text in self.raw:
            found = [m for m in markers if m in text]
            if found:
                problems.append(f"<{tag}> element with {found}: {text[:120]!r}")
        for tag, attrs in self.elements:
            names = {name for name, _value in attrs}
            for name, value in attrs:
                found = [m for m in markers if m in value or m in name]
                if not found:
                    continue
                if name in INERT_ATTRIBUTES and tag != "meta":
                    continue
                if tag == "meta" and name == "content" and "http-equiv" not in names:
                    continue
                if name in NAVIGATION_ATTRIBUTES and _same_site(value):
                    continue
                if tag == "a" and name == "href":
                    scheme = urlsplit(re.sub(r"[\x00-\x20]", "", value)).scheme.lower()
                    if scheme in SAFE_SCHEMES:
                        continue
                problems.append(f"<{tag} {name}={value[:120]!r}> carries {found}")
        return problems

    def text_nodes(self) -> list[str]:
        """The text a reader sees or a form holds: text nodes and inert attribute values."""
        values = [
            value
            for _tag, attrs in self.elements
            for name, value in attrs
            if name in INERT_ATTRIBUTES | {"content"}
        ]
        return self.texts + values

    def missing_text(self, texts) -> list[str]:
        """The lines of `texts` that do not appear as text in the page."""
        nodes = self.text_nodes()
        return [
            line[:120]
            for text in texts
            for line in visible_lines(text)
            if not any(line in node for node in nodes)
        ]


NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def is_formula(cell) -> bool:
    """True when a spreadsheet would compute something from the cell, at its start or after a
    separator inside it (the rule of opengov.spreadsheets, pinned by the table of examples in
    tests/security/test_spreadsheet_cells.py); a number such as -5.00 is a number, whatever its
    sign."""
    return isinstance(cell, str) and spreadsheets.is_formula(cell) and not NUMBER.fullmatch(cell)


def xlsx_cells(data: bytes) -> list:
    """Every cell of every sheet, with the data type openpyxl reads ("f" for a formula)."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]

"""The pages' fonts are shipped (static/fonts/): the stylesheet's @font-face rules name files that
exist, under a licence beside them, first in the text stack, never swapped in after the first
layout (font-display: optional: the text does not move; the regular weights are preloaded);
no page loads a font or a stylesheet from another site; Arabic never falls to a monospace font."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
FONTS = ROOT / "static" / "fonts"
# The stylesheet without its comments.
CSS = re.sub(
    r"/\*.*?\*/", "", (ROOT / "static" / "css" / "site.css").read_text(encoding="utf-8"), flags=re.S
)
SHIPPED_FAMILIES = ("Noto Naskh Arabic", "Noto Sans")


def font_faces(css: str) -> list[dict[str, str]]:
    """Each @font-face rule of `css` as {descriptor: value}."""
    faces = []
    for body in re.findall(r"@font-face\s*{(.*?)}", css, flags=re.S):
        descriptors = {}
        for declaration in body.split(";"):
            if ":" in declaration:
                name, value = declaration.split(":", 1)
                descriptors[name.strip()] = " ".join(value.split())
        faces.append(descriptors)
    return faces


def text_stack(css: str) -> list[str]:
    """The families of the :root rule's font-family, in order."""
    root = re.search(r":root\s*{(.*?)}", css, flags=re.S).group(1)
    value = re.search(r"font-family:\s*([^;]+);", root).group(1)
    return [family.strip().strip('"') for family in value.split(",")]


def test_every_font_face_is_a_shipped_woff2_that_never_moves_the_text():
    faces = font_faces(CSS)
    assert {face["font-family"].strip('"') for face in faces} == set(SHIPPED_FAMILIES)
    weights = {(face["font-family"].strip('"'), face["font-weight"]) for face in faces}
    assert weights == {(family, weight) for family in SHIPPED_FAMILIES for weight in ("400", "700")}
    for face in faces:
        assert face["font-display"] == "optional", face
        assert face["unicode-range"], face
        urls = re.findall(r'url\("([^"]+)"\)', face["src"])
        assert urls and all(url.startswith("../fonts/") for url in urls), face
        for url in urls:
            file = (ROOT / "static" / "css" / url).resolve()
            assert file.suffix == ".woff2" and file.is_file(), url
            assert file.read_bytes()[:4] == b"wOF2", url
            # What the static-files finders (and so collectstatic and whitenoise) serve.
            assert finders.find(url.removeprefix("../")), url


def test_the_shipped_fonts_come_first_in_the_text_stack():
    stack = text_stack(CSS)
    assert stack[:2] == list(SHIPPED_FAMILIES)
    assert stack[-1] in {"sans-serif", "serif"}


def test_every_font_folder_holds_its_open_font_licence():
    """One folder a family (noto-sans-tifinagh/ will come the same way), each with its OFL."""
    folders = [folder for folder in FONTS.iterdir() if folder.is_dir()]
    assert {folder.name for folder in folders} >= {"amiri", "noto-naskh-arabic", "noto-sans"}
    for folder in folders:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", folder.name), folder.name
        licence = (folder / "OFL.txt").read_text(encoding="utf-8")
        assert "SIL OPEN FONT LICENSE Version 1.1" in licence, folder.name
        assert "Copyright" in licence.split("SIL OPEN FONT LICENSE", 1)[0], folder.name
        assert any(f.suffix in {".woff2", ".ttf"} for f in folder.iterdir()), folder.name
    assert (FONTS / "README.md").is_file()


def test_no_rule_sets_arabic_text_in_a_monospace_font():
    """Monospace fonts have no Arabic: a reference line (which holds the theme's name) and the
    comment box (a textarea, monospace by the browser's default) keep the text fonts."""
    assert "monospace" not in CSS
    fields = re.search(r"(?m)^\s*input, textarea, select, button \{([^}]*)\}", CSS)
    assert fields and "font-family: inherit" in fields.group(1)


def test_the_stylesheet_imports_nothing_from_another_site():
    assert "@import" not in CSS
    for url in re.findall(r"url\(([^)]*)\)", CSS):
        assert not re.match(r"""["']?(https?:)?//""", url), url


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_base_page_loads_no_third_party_font_or_stylesheet(language):
    html = Client().get(f"/{language}/").content.decode()
    links = re.findall(r"<link\b[^>]*>", html)
    assert any('rel="stylesheet"' in link for link in links)
    for link in links:
        href = re.search(r'href="([^"]*)"', link)
        if href and re.search(r'rel="(stylesheet|preload|preconnect|dns-prefetch)"', link):
            assert href.group(1).startswith("/"), link
            assert not href.group(1).startswith("//"), link
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    assert "@font-face" not in html  # the only rules are in the shipped stylesheet


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "fonts"),
    [
        ("ar", ["NotoNaskhArabic-Regular.woff2", "NotoSans-Regular.woff2"]),
        ("fr", ["NotoSans-Regular.woff2"]),
    ],
)
def test_the_pages_regular_fonts_are_preloaded(client, language, fonts):
    html = client.get(f"/{language}/").content.decode()
    preloaded = re.findall(r'<link rel="preload" href="[^"]*/([^/"]+)" as="font"', html)
    assert preloaded == fonts

"""Multi-line text as HTML blocks (opengov.templatetags.infitah.text_blocks and tr_text)."""

from django.template import Context, Template
from django.utils import translation

from opengov.templatetags.infitah import text_blocks
from tests.factories import CommitmentFactory


def test_text_blocks_keeps_lines_and_makes_bullet_lines_a_list():
    text = "Le conseil va :\r\n- publier\n• ouvrir\n\nPartenaires\nTanmia\n  \n* une fin"
    assert text_blocks(text) == (
        "<p>Le conseil va :</p><ul><li>publier</li><li>ouvrir</li></ul>"
        "<p>Partenaires<br>Tanmia</p><ul><li>une fin</li></ul>"
    )


def test_text_blocks_leaves_a_dash_without_a_space_and_escapes_the_text():
    assert text_blocks("-5 % de délais\n<b>gras</b> & co") == (
        "<p>-5 % de délais<br>&lt;b&gt;gras&lt;/b&gt; &amp; co</p>"
    )


def test_tr_text_falls_back_to_the_other_language_with_its_lang_and_dir(db):
    commitment = CommitmentFactory(partners_ar="", partners_fr="Tanmia\nOriental")
    template = Template('{% load infitah %}{% tr_text commitment "partners" %}')
    with translation.override("ar"):
        html = template.render(Context({"commitment": commitment}))
    assert html == '<div class="text-blocks" lang="fr" dir="ltr"><p>Tanmia<br>Oriental</p></div>'
    with translation.override("fr"):
        html = template.render(Context({"commitment": commitment}))
    assert html == '<div class="text-blocks"><p>Tanmia<br>Oriental</p></div>'

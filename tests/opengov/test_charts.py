"""The chart builders (opengov.charts) on plain data: counts become proportional bars, the
drawing mirrors in right-to-left languages, numbers stay isolated left-to-right texts, nothing
to chart gives a sentence, every figure is in the data table, the colours pass WCAG AA."""

import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from opengov import charts
from opengov.charts import model
from opengov.charts.bars import WIDTH

SERIES = [
    charts.Series("done", "Done", model.GREEN, "solid"),
    charts.Series("late", "Late", model.RED, "cross"),
    charts.Series("open", "Open", model.BLUE, "diagonal"),
]
PALETTE = [
    model.GREEN,
    model.BLUE,
    model.RED,
    model.BROWN,
    model.PURPLE,
    model.TEAL,
    model.GREY,
    model.SLATE,
]


def bar(values, rtl=False, **extra):
    options = {
        "chart_id": "c",
        "title": "Things by state",
        "summary": "Four things.",
        "series": SERIES,
        "values": values,
        "label_header": "State",
        "empty_text": "Nothing to show.",
        "rtl": rtl,
    }
    return charts.stacked_bar(**(options | extra))


def columns(rtl=False, values=((1, 0, 2), (0, 0, 0), (4, 1, 0))):
    return charts.stacked_columns(
        chart_id="t",
        title="Over time",
        summary="Seven.",
        series=SERIES,
        columns=[
            charts.Column(f"Q{index + 1} 2025", tuple(column), str(index + 1), "2025")
            for index, column in enumerate(values)
        ],
        label_header="Quarter",
        empty_text="Nothing planned.",
        rtl=rtl,
    )


def grouped(rtl=False, first=10, second=5):
    return charts.grouped_bars(
        chart_id="g",
        title="People",
        summary="Fifteen.",
        groups=[
            ("By kind", [charts.Bar("Civil society", first, SERIES[0])]),
            ("By sex", [charts.Bar("Women", second, SERIES[1])]),
        ],
        label_header="Participants",
        empty_text="Not recorded.",
        rtl=rtl,
    )


def tree(chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))  # noqa: S314 (markup the test just built)


def segments(chart) -> list[ET.Element]:
    return [rect for rect in tree(chart).iter("rect") if rect.get("class") == "chart-segment"]


def figures(chart) -> list[ET.Element]:
    return [text for text in tree(chart).iter("text") if text.get("class") == "chart-figure"]


def test_stacked_bar_gives_each_series_its_share_of_the_width():
    chart = bar([3, 0, 1])
    drawn = {rect.get("data-series"): float(rect.get("width")) for rect in segments(chart)}
    assert set(drawn) == {"done", "open"}  # nothing drawn for a count of zero
    assert drawn["done"] == pytest.approx(3 * drawn["open"], abs=0.02)
    assert sum(drawn.values()) == pytest.approx(WIDTH - 2, abs=0.02)
    assert [text.text for text in figures(chart)] == ["3", "1"]


def test_stacked_bar_grows_from_the_left_in_french_and_from_the_right_in_arabic():
    ltr, rtl = segments(bar([3, 0, 1])), segments(bar([3, 0, 1], rtl=True))
    first_ltr, first_rtl = ltr[0], rtl[0]
    assert float(first_ltr.get("x")) == 1
    assert float(first_rtl.get("x")) + float(first_rtl.get("width")) == pytest.approx(WIDTH - 1)
    for left, right in zip(ltr, rtl, strict=True):
        mirrored = WIDTH - float(left.get("x")) - float(left.get("width"))
        assert float(right.get("x")) == pytest.approx(mirrored, abs=0.02)


def test_numbers_are_isolated_left_to_right_texts_in_both_directions():
    for chart in (bar([3, 0, 1], rtl=True), columns(rtl=True), grouped(rtl=True)):
        assert figures(chart)
        for text in figures(chart):
            assert text.get("direction") == "ltr"
            assert text.get("unicode-bidi") == "isolate"
            assert text.text.isdigit()


def test_pdf_charts_hold_no_words_inside_the_svg():
    # WeasyPrint sets SVG text letter by letter: the words belong to the HTML around it.
    for chart in (bar([3, 0, 1], rtl=True), columns(rtl=True)):
        assert all(text.text.isdigit() for text in tree(chart).iter("text"))


def test_an_empty_chart_is_a_sentence_not_an_empty_frame():
    for chart in (
        bar([0, 0, 0]),
        columns(values=((0, 0, 0),)),
        grouped(first=0, second=0),
        charts.stacked_columns(
            chart_id="e",
            title="T",
            summary="",
            series=SERIES,
            columns=[],
            label_header="Q",
            empty_text="Nothing planned.",
            rtl=False,
        ),
    ):
        assert chart.empty and not chart.svg
        html = render_to_string("includes/chart.html", {"chart": chart})
        assert "<svg" not in html and "<table" not in html
        assert chart.empty_text in html


def test_columns_are_as_tall_as_their_counts_and_run_right_to_left_in_arabic():
    chart = columns()
    heights = {}
    for rect in segments(chart):
        key = (rect.get("data-column"), rect.get("data-series"))
        heights[key] = float(rect.get("height"))
    assert heights[("2", "done")] == pytest.approx(4 * heights[("2", "late")], abs=0.02)
    assert heights[("0", "open")] == pytest.approx(2 * heights[("0", "done")], abs=0.02)
    assert not any(column == "1" for column, _series in heights)
    totals = [text.text for text in figures(chart) if text.get("font-size") == "13"]
    assert totals[:2] == ["3", "5"]

    def centres(drawn):
        return {
            rect.get("data-column"): float(rect.get("x")) + float(rect.get("width")) / 2
            for rect in segments(drawn)
        }

    ltr, rtl = centres(chart), centres(columns(rtl=True))
    assert ltr["0"] < ltr["2"] and rtl["0"] > rtl["2"]
    for column, centre in ltr.items():
        assert rtl[column] == pytest.approx(WIDTH - centre, abs=0.02)


def test_grouped_bars_anchor_their_labels_at_the_reading_start():
    ltr, rtl = tree(grouped()), tree(grouped(rtl=True))
    labels_ltr = [t for t in ltr.iter("text") if t.get("class") == "chart-label"]
    labels_rtl = [t for t in rtl.iter("text") if t.get("class") == "chart-label"]
    assert [t.text for t in labels_rtl] == ["Civil society", "Women"]
    assert all(t.get("x") == "0" and t.get("direction") == "ltr" for t in labels_ltr)
    # "start" of a right-to-left text is its right end: at the right edge.
    assert all(t.get("x") == str(WIDTH) and t.get("direction") == "rtl" for t in labels_rtl)
    assert all(t.get("text-anchor") == "start" for t in labels_ltr + labels_rtl)
    longest, shorter = segments(grouped(rtl=True))
    assert float(longest.get("x")) + float(longest.get("width")) == WIDTH
    assert float(shorter.get("width")) == pytest.approx(float(longest.get("width")) / 2)


def test_chart_is_an_image_named_by_its_title_and_described_by_its_summary():
    root = tree(bar([1, 1, 1]))
    assert root.get("role") == "img"
    assert root.get("viewBox").startswith(f"0 0 {WIDTH} ")
    assert root.get("width") == "100%"
    title, desc = root.find("title"), root.find("desc")
    assert root.get("aria-labelledby") == title.get("id") == "c-title"
    assert root.get("aria-describedby") == desc.get("id") == "c-desc"
    assert (title.text, desc.text) == ("Things by state", "Four things.")


def test_text_from_the_data_is_escaped():
    chart = bar([1, 1, 1], title='<script>alert("x")</script>', summary="a & b")
    assert "<script>" not in chart.svg
    tree(chart)  # well-formed
    html = render_to_string("includes/chart.html", {"chart": chart})
    assert "<script>" not in html


def test_the_data_table_holds_the_drawn_figures():
    chart = bar([3, 0, 1])
    html = render_to_string("includes/chart.html", {"chart": chart})
    assert "<details" in html and "<table>" in html
    assert '<th scope="row">Done</th><td class="num"><bdi>3</bdi></td>' in html
    assert "<bdi>75%</bdi>" in html
    assert '<th scope="row">Late</th><td class="num"><bdi>0</bdi></td>' in html
    rows = dict(chart.table.sections[0][1])
    assert rows["Open"] == ("1", "25%")
    legend = {entry.series.key: entry.value for entry in chart.legend}
    assert legend == {"done": 3, "late": 0, "open": 1}
    with translation.override("fr"):
        timeline = columns()
    assert timeline.table.headers == ("Quarter", "Done", "Late", "Open", "Total")
    assert dict(timeline.table.sections[0][1])["Q3 2025"] == ("4", "1", "0", "5")
    assert [heading for heading, _rows in grouped().table.sections] == ["By kind", "By sex"]


def test_the_pdf_form_has_no_disclosure_widget():
    html = render_to_string("includes/chart.html", {"chart": bar([1, 2, 3]), "pdf": True})
    assert "<svg" in html and "<details" not in html
    # The legend carries the figures, each number isolated from the words around it.
    assert "Done: \u20681\u2069" in html


def test_patterns_tell_series_apart_without_colour():
    root = tree(bar([1, 1, 1]))
    patterns = {pattern.get("id") for pattern in root.iter("pattern")}
    assert patterns == {"c-fill-late", "c-fill-open"}
    fills = {rect.get("data-series"): rect.get("fill") for rect in segments(bar([1, 1, 1]))}
    assert fills == {"done": model.GREEN, "late": "url(#c-fill-late)", "open": "url(#c-fill-open)"}


@pytest.mark.parametrize("colour", PALETTE)
def test_every_fill_stands_out_from_the_paper(colour):
    # WCAG 1.4.11 asks 3:1 of a graphic; the palette keeps 4.5:1, as for text.
    assert model.contrast(colour, model.PAPER) >= 4.5


def test_the_ink_of_labels_and_figures_passes_aa_on_the_paper():
    assert model.contrast(model.INK, model.PAPER) >= 4.5
    assert model.contrast("#000000", "#ffffff") == pytest.approx(21)


def test_a_series_refuses_an_unknown_pattern():
    with pytest.raises(ValueError):
        charts.Series("x", "X", model.GREEN, "stripes")

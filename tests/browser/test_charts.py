"""The charts in a real browser (issue 22), on the demo's plan, workshop and home pages, in
both languages on a 390-px phone: each SVG is visible, as wide as its column, every text inside
its frame, no page scrolls sideways; in Arabic the bars grow from the right and the labels end
at the right edge; the data table opens behind each chart without JavaScript. Screenshots go
to artifacts/screenshots/."""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
CHARTS = {
    "plan": ["plan-completion", "plan-milestones"],
    "workshop": ["workshop-attendance"],
    "home": ["network-stages"],
}
# Each text's box against its SVG's, in screen pixels (a label cut at an edge shows here).
TEXTS_INSIDE = """svg => {
  const frame = svg.getBoundingClientRect();
  return [...svg.querySelectorAll("text")].filter(text => {
    const box = text.getBoundingClientRect();
    return box.left < frame.left - 1 || box.right > frame.right + 1
      || box.top < frame.top - 1 || box.bottom > frame.bottom + 1;
  }).map(text => text.textContent);
}"""


def _in(url: str, language: str) -> str:
    return f"/{language}/" + url.split("/", 2)[2]


@pytest.mark.parametrize(("language", "rtl"), [("ar", True), ("fr", False)])
def test_charts_fit_a_phone_in_both_directions(
    live_server, page, demo_urls, screenshots, language, rtl
):
    page.set_viewport_size(PHONE)
    for name, chart_ids in CHARTS.items():
        page.goto(live_server.url + _in(demo_urls[name], language))
        assert page.evaluate(OVERFLOW) <= 1, (name, language)
        for chart_id in chart_ids:
            figure = page.locator(f"#{chart_id}")
            svg = figure.locator("svg.chart-svg")
            svg.scroll_into_view_if_needed()
            assert svg.is_visible(), chart_id
            box = svg.bounding_box()
            main = page.locator("main").bounding_box()
            assert 300 <= box["width"] <= main["width"], (chart_id, box)
            assert box["height"] > 40, (chart_id, box)
            assert svg.get_attribute("role") == "img"
            name_id = svg.get_attribute("aria-labelledby")
            assert page.locator(f"#{name_id}").text_content().strip()
            assert svg.evaluate(TEXTS_INSIDE) == [], (chart_id, language)
            segments = svg.locator(".chart-segment")
            assert segments.count() > 0, chart_id
            first = segments.first.bounding_box()
            if chart_id != "plan-milestones":  # bars grow from the reading start
                start = box["x"] + box["width"] - (first["x"] + first["width"])
                if not rtl:
                    start = first["x"] - box["x"]
                assert start <= 3, (chart_id, language, first, box)
            # The same figures behind it: the table opens, without script.
            table = figure.locator("details.chart-data table")
            assert not table.is_visible()
            figure.locator("details.chart-data summary").click()
            assert table.is_visible()
            assert page.evaluate(OVERFLOW) <= 1, (chart_id, language)
        page.screenshot(path=str(screenshots / f"charts-{name}-{language}.png"), full_page=True)


def test_attendance_labels_end_at_the_right_in_arabic(live_server, page, demo_urls):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + _in(demo_urls["workshop"], "ar"))
    svg = page.locator("#workshop-attendance svg")
    frame = svg.bounding_box()
    labels = svg.locator("text.chart-label")
    assert labels.count() >= 7
    for index in range(labels.count()):
        label = labels.nth(index).bounding_box()
        assert abs(frame["x"] + frame["width"] - (label["x"] + label["width"])) <= 2, label

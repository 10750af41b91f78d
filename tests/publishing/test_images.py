"""Charts drawn once as SVG by Plotly in headless Chromium, kept with the version published."""

from __future__ import annotations

import re

from survey.publishing import charts, images
from survey.publishing.documents import QuestionResult, Row
from survey.surveys import publication


def bars(*labels: str) -> QuestionResult:
    rows = [Row.counted(label, index + 1, 6) for index, label in enumerate(labels)]
    return QuestionResult(
        number=1, key="markets", title="出口市场", type="multiple", label="[多选题]",
        chart="bars", rows=rows, respondents=6,
    )  # fmt: skip


def test_each_drawing_is_an_svg_of_the_figure_at_its_width():
    drawn = images.draw({1: charts.figure(bars("欧盟", "美国"))})
    narrow, wide = drawn["1"]["narrow"], drawn["1"]["wide"]
    assert narrow.startswith("<svg") and wide.startswith("<svg")
    assert 'width="360"' in narrow and 'width="640"' in wide
    for svg in (narrow, wide):
        assert ">欧盟</text>" in svg and ">美国</text>" in svg
        assert ">1 (16.67%)</text>" in svg and ">2 (33.33%)</text>" in svg


def test_two_drawings_of_one_figure_on_a_page_share_no_id():
    figure = charts.figure(bars("欧盟", "美国"))
    drawn = images.draw({1: figure, 2: figure})
    svgs = [drawn[n][width] for n in ("1", "2") for width in ("narrow", "wide")]
    ids = [set(re.findall(r'\bid="([^"]+)"', svg)) for svg in svgs]
    assert all(ids) and sum(len(found) for found in ids) == len(set().union(*ids))
    for svg, found in zip(svgs, ids, strict=True):
        # Every reference points inside its own drawing.
        assert set(re.findall(r"url\(['\"]?#([^)'\"]+)", svg)) <= found


def test_a_label_that_looks_like_markup_is_drawn_as_text():
    drawn = images.draw({1: charts.figure(bars('<img src=x onerror="alert(1)">', "美国"))})
    for svg in drawn["1"].values():
        assert "<img" not in svg
        assert '>&#60;img src=x onerror="alert(1)"&#62;</text>' in svg  # shown as typed


def test_a_version_keeps_its_drawings_and_a_version_without_gets_them(client, session, demo_survey):
    latest = publication.latest_publication(session, demo_survey)
    assert sorted(latest.charts) == ["1", "2", "3", "4", "5"]  # the five tables
    assert "民企" in latest.charts["1"]["narrow"]
    # Published while the server had no browser: drawn, and kept, when first shown.
    latest.charts = None
    session.commit()
    html = client.get(f"/s/{demo_survey.slug}/results").get_data(as_text=True)
    assert html.count('class="chart chart-drawn"') == 5
    session.expire_all()
    assert sorted(publication.latest_publication(session, demo_survey).charts) == list("12345")

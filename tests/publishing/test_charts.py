"""Charts of published tables draw the printed counts only."""

from __future__ import annotations

from survey.publishing import charts
from survey.publishing.documents import Grid, GridRow, QuestionResult, Row


def question(*rows: Row) -> QuestionResult:
    return QuestionResult(
        number=1, key="nature", title="企业性质", type="single", label="[单选题]", chart="pie",
        rows=list(rows), respondents=3, suppressed=any(r.count is None for r in rows),
    )  # fmt: skip


def hidden(label: str) -> Row:
    return Row(label=label, count=None, shown="<5", ratio="—", percent=None)


def test_a_table_with_every_count_hidden_has_no_chart():
    assert charts.figure(question(hidden("国企"), hidden("民企"))) is None


def test_hidden_counts_leave_the_chart_and_no_pie_betrays_them():
    figure = charts.figure(question(Row.counted("民企", 7, 9), hidden("国企")))
    assert figure is not None
    (trace,) = figure["data"]
    assert trace["type"] == "bar" and list(trace["y"]) == ["民企"]


SATISFACTION = ["非常不满意", "不满意", "一般", "满意", "非常满意"]


def brightness(colour: str) -> int:
    return sum(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def redness(colour: str) -> int:
    """How much redder than green a colour is."""
    return int(colour[1:3], 16) - int(colour[3:5], 16)


def choice(labels: list[str], counts: list[int], **fields) -> QuestionResult:
    total = sum(counts)
    rows = [Row.counted(label, n, total) for label, n in zip(labels, counts, strict=True)]
    shape = {"type": "single", "label": "[单选题]", "chart": "pie", **fields}
    return QuestionResult(number=2, key="sat", title="总体评价", rows=rows, respondents=total,
                          **shape)  # fmt: skip


def matrix(columns: list[str], percents: list[list[float]], respondents: int) -> QuestionResult:
    rows = [
        GridRow(label=label, cells=[f"{p}%" for p in shares], percents=shares)
        for label, shares in zip(["政策宣传", "办事效率"], percents, strict=True)
    ]
    return QuestionResult(
        number=5, key="rate", title="各项服务评分", type="matrix_scale", label="[矩阵量表题]",
        chart="stacked", ordered=True, rows=[],
        grid=Grid(corner="题目\\选项", columns=[*columns, "平均分"], rows=rows),
        respondents=respondents,
    )  # fmt: skip


def test_a_satisfaction_scale_runs_from_red_through_grey_to_green_in_its_order():
    (pie,) = charts.figure(choice(SATISFACTION, [4, 6, 14, 3, 10]))["data"]
    colours = pie["marker"]["colors"]
    assert redness(colours[0]) > redness(colours[1]) > 0  # 非常不满意 the deepest red
    assert colours[2] == charts.NEUTRAL  # 一般
    assert 0 > redness(colours[3]) > redness(colours[4])  # 非常满意 the deepest green
    assert pie["direction"] == "clockwise" and pie["labels"][0] == "非常不满意"
    # Written the other way round, 非常满意 first, it is still green at 满意's end.
    (reverse,) = charts.figure(choice(SATISFACTION[::-1], [10, 3, 14, 6, 4]))["data"]
    assert reverse["marker"]["colors"] == colours[::-1]
    # Options that are no scale keep the categorical colours.
    (pie,) = charts.figure(choice(["国企", "民企", "外企"], [3, 2, 1]))["data"]
    assert pie["marker"]["colors"] == charts.COLOURS[:3]


def test_a_scale_without_words_runs_light_to_dark_in_one_hue():
    points = ["1（很少）", "2", "3", "4", "5（很多）"]
    item = choice(points, [1, 2, 3, 2, 1], chart="columns", type="scale", ordered=True)
    (columns,) = charts.figure(item)["data"]
    shades = columns["marker"]["color"]
    assert [brightness(c) for c in shades] == sorted((brightness(c) for c in shades), reverse=True)
    assert len(set(shades)) == 5
    # The points are categories: "1（很少）" is not dropped from a numeric axis of 2 … 5.
    assert charts.figure(item)["layout"]["xaxis"]["type"] == "category"


def test_a_matrix_scale_stacks_and_lists_its_columns_in_the_scale_order():
    item = matrix(SATISFACTION, [[20, 20, 20, 20, 20], [10, 10, 30, 30, 20]], respondents=5)
    figure = charts.figure(item)
    assert [trace["name"] for trace in figure["data"]] == SATISFACTION
    colours = [trace["marker"]["color"] for trace in figure["data"]]
    assert redness(colours[0]) > 0 > redness(colours[-1]) and colours[2] == charts.NEUTRAL
    # Plotly would list stacked traces last first: 非常满意 … 非常不满意, against the stacks.
    assert figure["layout"]["legend"]["traceorder"] == "normal"
    assert figure["layout"]["xaxis"]["range"] == [0, 100]


def test_questions_nobody_answered_say_so_instead_of_drawing_an_axis():
    empty = matrix(SATISFACTION, [[0.0] * 5, [0.0] * 5], respondents=0)
    for item, kind in [(empty, None), (choice(["是", "否"], [0, 0]), "pie"),
                       (choice(["是", "否"], [0, 0]), "bar")]:  # fmt: skip
        figure = charts.figure(item, kind)
        assert figure["data"] == [], kind
        assert [note["text"] for note in figure["layout"]["annotations"]] == ["暂无数据"]
        assert figure["layout"]["xaxis"]["visible"] is False


def test_doughnut_labels_sit_outside_the_ring():
    (ring,) = charts.figure(choice(["国企", "民企", "外企"], [30, 2, 1]), "doughnut")["data"]
    assert ring["hole"] > 0 and ring["textposition"] == "outside" and ring["automargin"]

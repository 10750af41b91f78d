"""Charts of published tables draw the printed counts only."""

from __future__ import annotations

from survey.publishing import charts
from survey.publishing.documents import QuestionResult, Row


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
